"""The model zoo: one interface, declared capabilities, one capability check.

Every model follows scikit-learn conventions: ``__init__`` only stores parameters, ``fit(y, X)``
learns state into trailing-underscore attributes, ``predict(h, level, X_future)`` returns a dict
``{"mean": array, "lo-80": array, "hi-80": array, ...}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.stats import norm

from talentforecast.errors import ModelError
from talentforecast.forecasting._failures import third_party


@dataclass(frozen=True)
class Capabilities:
    """What a model can do: produce intervals, use exogenous columns, and its minimum length.

    Example:
        >>> get_model("arima").capabilities
        Capabilities(intervals=True, exogenous=True, min_length=6)
    """

    intervals: bool
    exogenous: bool
    min_length: int


class ForecastModel:
    """Base class. Subclasses set ``name``, ``capabilities`` and implement ``_fit``/``_predict``.

    ``fit(y, X)`` stores ``y_``/``X_`` and calls ``_fit``; ``predict(h, level, X_future)`` returns
    ``{"mean": ..., "lo-80": ..., "hi-80": ...}`` arrays of length ``h``.

    Example:
        >>> import numpy as np
        >>> class Mean(ForecastModel):
        ...     name = "mean"
        ...     capabilities = Capabilities(intervals=False, exogenous=False, min_length=1)
        ...     def _fit(self):
        ...         self.mean_ = float(self.y_.mean())
        ...     def _predict(self, h, level, X_future):
        ...         return {"mean": np.full(h, self.mean_)}
        >>> Mean().fit(np.array([1.0, 2.0, 6.0])).predict(2)["mean"].tolist()
        [3.0, 3.0]
    """

    name: ClassVar[str] = "base"
    capabilities: ClassVar[Capabilities] = Capabilities(intervals=False, exogenous=False, min_length=1)

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> ForecastModel:
        self.y_ = np.asarray(y, dtype=float)
        self.X_ = None if X is None else np.asarray(X, dtype=float)
        self._fit()
        return self

    def predict(self, h: int, level: Sequence[int] = (), X_future: np.ndarray | None = None) -> dict[str, np.ndarray]:
        out = self._predict(h, tuple(level), X_future)
        return {k: np.asarray(v, dtype=float) for k, v in out.items()}

    def _fit(self) -> None:  # default: nothing to learn beyond y_/X_
        pass

    def _predict(self, h: int, level: tuple[int, ...], X_future: np.ndarray | None) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def check_capabilities(model: type[ForecastModel] | ForecastModel, *, n_obs: int | None = None,
                       exog: bool = False, intervals: bool = False) -> None:
    """The one place capabilities are checked. Raises :class:`ModelError` naming the mismatch.

    Example:
        >>> check_capabilities(Naive, n_obs=5)
        >>> check_capabilities(Naive, exog=True)
        Traceback (most recent call last):
        ...
        talentforecast.errors.ModelError: 模型 'naive' 不能使用外生变量列；...
    """
    cap, name = model.capabilities, model.name
    if exog and not cap.exogenous:
        able = sorted(n for n, m in MODELS.items() if m.capabilities.exogenous)
        raise ModelError(f"model '{name}' cannot use exogenous columns; choose one of {able} or drop exog",
                         zh=f"模型 '{name}' 不能使用外生变量列；请改用 {able} 之一，或去掉 exog")
    if intervals and not cap.intervals:
        raise ModelError(f"model '{name}' does not produce prediction intervals", zh=f"模型 '{name}' 不给出预测区间")
    if n_obs is not None and n_obs < cap.min_length:
        raise ModelError(f"model '{name}' needs at least {cap.min_length} observations, got {n_obs}",
                         zh=f"模型 '{name}' 至少需要 {cap.min_length} 个观测值，实际为 {n_obs} 个")


def normal_bands(mean: np.ndarray, se: np.ndarray, level: Sequence[int]) -> dict[str, np.ndarray]:
    """Symmetric normal intervals around ``mean`` with standard errors ``se``."""
    out = {"mean": mean}
    for lv in level:
        z = norm.ppf(0.5 + lv / 200)
        out[f"lo-{lv}"] = mean - z * se
        out[f"hi-{lv}"] = mean + z * se
    return out


class Naive(ForecastModel):
    """Last value carried forward; intervals from the spread of year-on-year changes (needs 2 points)."""

    name = "naive"
    capabilities = Capabilities(intervals=True, exogenous=False, min_length=1)

    def _predict(self, h, level, X_future):
        y = self.y_
        d = np.diff(y)
        sigma = np.sqrt(np.mean(d**2)) if d.size else np.nan
        return normal_bands(np.full(h, y[-1]), sigma * np.sqrt(np.arange(1, h + 1)), level)


class Drift(ForecastModel):
    """Random walk with drift: the line through the first and last points."""

    name = "drift"
    capabilities = Capabilities(intervals=True, exogenous=False, min_length=2)

    def _predict(self, h, level, X_future):
        y = self.y_
        n = y.size
        slope = (y[-1] - y[0]) / (n - 1)
        steps = np.arange(1, h + 1)
        res = np.diff(y) - slope
        sigma = np.sqrt(np.sum(res**2) / (n - 2)) if n > 2 else np.nan
        se = sigma * np.sqrt(steps * (1 + steps / (n - 1)))
        return normal_bands(y[-1] + slope * steps, se, level)


class Zero(ForecastModel):
    """All-zero forecast for series that were always zero (fallback)."""

    name = "zero"
    capabilities = Capabilities(intervals=True, exogenous=False, min_length=1)

    def _predict(self, h, level, X_future):
        return normal_bands(np.zeros(h), np.zeros(h), level)


class Constant(ForecastModel):
    """The constant value of a series that never changed (fallback; zero-width own intervals)."""

    name = "constant"
    capabilities = Capabilities(intervals=True, exogenous=False, min_length=1)

    def _predict(self, h, level, X_future):
        return normal_bands(np.full(h, self.y_[-1]), np.zeros(h), level)


class _StatsForecastModel(ForecastModel):
    """Wrap a statsforecast model's per-series ``forecast`` (C++ core, fast)."""

    def _make(self):
        raise NotImplementedError

    def _predict(self, h, level, X_future):
        X = self.X_ if self.capabilities.exogenous else None
        model = self._make()
        with third_party(self.name):  # its fit failures (e.g. "tiny datasets") become ModelError
            res = model.forecast(y=self.y_, h=h, X=X, X_future=X_future if X is not None else None,
                                 level=list(level) if level else None)
        out = {"mean": res["mean"]}
        for lv in level:
            out[f"lo-{lv}"], out[f"hi-{lv}"] = res[f"lo-{lv}"], res[f"hi-{lv}"]
        if not np.all(np.isfinite(out["mean"])):
            raise ModelError(f"model '{self.name}' produced non-finite forecasts",
                             zh=f"模型 '{self.name}' 给出了非有限值（NaN 或无穷大）的预测")
        return out


def _sf(cls_name: str, model_name: str, min_length: int, exogenous: bool = False, doc: str = "", **params):
    """Build a statsforecast wrapper class (params are fixed per registered variant)."""

    def _make(self):
        import statsforecast.models as sfm

        return getattr(sfm, cls_name)(**params)

    return type(cls_name + "Model", (_StatsForecastModel,), {
        "name": model_name, "__doc__": doc or f"statsforecast {cls_name}({params})",
        "capabilities": Capabilities(intervals=True, exogenous=exogenous, min_length=min_length),
        "_make": _make,
    })


Theta = _sf("Theta", "theta", 4, doc="Standard Theta method (statsforecast).")
OptimizedTheta = _sf("OptimizedTheta", "otheta", 4, doc="Optimised Theta (statsforecast).")
DynamicOptimizedTheta = _sf("DynamicOptimizedTheta", "dotheta", 4, doc="Dynamic optimised Theta (statsforecast).")
AutoTheta = _sf("AutoTheta", "autotheta", 4, doc="AutoTheta: picks among Theta variants (statsforecast).")
# statsforecast's AutoETS raises "tiny datasets" below 7 points, damped below 8 (every series
# measured: trending, flat, growing; 30 of 30 fail at 6 and 7 points respectively)
AutoETS = _sf("AutoETS", "ets", 7, doc="AutoETS, ZZZ by AICc (statsforecast).")
DampedETS = _sf("AutoETS", "ets_damped", 8, doc="AutoETS restricted to damped trends.", damped=True)
AutoARIMA = _sf("AutoARIMA", "arima", 6, exogenous=True, doc="AutoARIMA, with exogenous regressors if given (slow, ~150 ms/series).")
ARIMADrift = _sf("ARIMA", "arima011d", 4, doc="ARIMA(0,1,1) with drift, fixed order.", order=(0, 1, 1), include_drift=True)


def _log_variant(base: type[ForecastModel]) -> type[ForecastModel]:
    """Fit ``base`` to log(y) and back-transform (median forecast); needs y > 0."""

    class LogModel(ForecastModel):
        __doc__ = f"{base.name} on log(y), back-transformed by exp (a median forecast); needs y > 0."
        name = base.name + "_log"
        capabilities = base.capabilities

        def _fit(self):
            if np.any(self.y_ <= 0):
                raise ModelError(f"model '{self.name}' needs strictly positive values",
                                 zh=f"模型 '{self.name}' 要求所有数值都大于 0")
            self.base_ = base().fit(np.log(self.y_), self.X_)

        def _predict(self, h, level, X_future):
            return {k: np.exp(v) for k, v in self.base_.predict(h, level, X_future).items()}

    LogModel.__name__ = LogModel.__qualname__ = type(base()).__name__ + "Log"
    return LogModel


MODELS: dict[str, type[ForecastModel]] = {}


def register(cls: type[ForecastModel]) -> type[ForecastModel]:
    """Add a model class to the registry under ``cls.name`` (usable as a decorator).

    Example:
        >>> import numpy as np, pandas as pd
        >>> from talentforecast.forecasting import forecast
        >>> @register
        ... class LastTwoMean(ForecastModel):
        ...     name = "last2_mean"
        ...     capabilities = Capabilities(intervals=False, exogenous=False, min_length=2)
        ...     def _predict(self, h, level, X_future):
        ...         return {"mean": np.full(h, self.y_[-2:].mean())}
        >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2020, 2024), "y": [1.0, 2.0, 3.0, 5.0]})
        >>> forecast(df, h=1, level=(), models="last2_mean")["y_hat"].tolist()
        [4.0]
        >>> del MODELS["last2_mean"]  # leave the registry as shipped
    """
    MODELS[cls.name] = cls
    return cls


for _cls in [Naive, Drift, Zero, Constant, Theta, OptimizedTheta, DynamicOptimizedTheta, AutoTheta,
             AutoETS, DampedETS, AutoARIMA, ARIMADrift]:
    register(_cls)
for _cls in [Drift, Theta, DynamicOptimizedTheta, AutoETS, DampedETS, ARIMADrift]:
    register(_log_variant(_cls))


def get_model(name: str) -> type[ForecastModel]:
    """Look a model class up by name, raising :class:`ModelError` with the known names.

    Example:
        >>> import numpy as np
        >>> get_model("drift")().fit(np.array([1.0, 2.0, 3.0])).predict(2)["mean"].tolist()
        [4.0, 5.0]
        >>> get_model("nope")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        talentforecast.errors.ModelError: 未知模型 'nope'；可用的模型：[...] 或 'auto'
    """
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(f"unknown model {name!r}; known models: {sorted(MODELS)} or 'auto'",
                         zh=f"未知模型 {name!r}；可用的模型：{sorted(MODELS)} 或 'auto'") from None
