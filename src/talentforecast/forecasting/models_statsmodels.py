"""Models with real statistical work beyond statsforecast: log-log elasticity OLS, a local linear
trend state-space model (statsmodels) and Prophet with regressors."""

from __future__ import annotations

import logging

import numpy as np

from talentforecast.errors import ModelError
from talentforecast.forecasting._failures import third_party
from talentforecast.forecasting.models import Capabilities, ForecastModel, register


@register
class LogLogRegression(ForecastModel):
    """Constant-elasticity regression ``log y = a + c*t + b·log X`` by OLS (statsmodels).

    ``b`` are elasticities of ``y`` to each driver; intervals are OLS prediction intervals in log
    space, back-transformed. Needs exogenous drivers, ``y > 0`` and ``X > 0``.

    Example:
        >>> import numpy as np
        >>> x = np.exp(np.sin(np.arange(12)))[:, None]  # not log-linear in t, so b is identified
        >>> m = LogLogRegression().fit(2 * x[:, 0] ** 0.5, x)
        >>> round(float(m.elasticities_[0]), 3)
        0.5
    """

    name = "loglog"
    capabilities = Capabilities(intervals=True, exogenous=True, min_length=5)

    def __init__(self, trend: bool = True):
        self.trend = trend

    def _design(self, X: np.ndarray, t: np.ndarray) -> np.ndarray:
        cols = [np.ones(len(t))] + ([t] if self.trend else []) + [np.log(X[:, j]) for j in range(X.shape[1])]
        return np.column_stack(cols)

    def _fit(self):
        import statsmodels.api as sm

        if self.X_ is None:
            raise ModelError("model 'loglog' needs exogenous drivers (exog=[...])",
                             zh="模型 'loglog' 需要外生驱动变量（exog=[...]）")
        if np.any(self.y_ <= 0) or np.any(self.X_ <= 0):
            raise ModelError("model 'loglog' needs strictly positive y and drivers",
                             zh="模型 'loglog' 要求目标值和驱动变量都大于 0")
        t = np.arange(len(self.y_), dtype=float)
        with third_party(self.name):
            self.result_ = sm.OLS(np.log(self.y_), self._design(self.X_, t)).fit()
        self.elasticities_ = self.result_.params[-self.X_.shape[1]:]

    def _predict(self, h, level, X_future):
        if X_future is None or np.any(X_future <= 0):
            raise ModelError("model 'loglog' needs strictly positive future drivers",
                             zh="模型 'loglog' 要求未来各年的驱动变量都大于 0")
        t = np.arange(len(self.y_), len(self.y_) + h, dtype=float)
        with third_party(self.name):
            pred = self.result_.get_prediction(self._design(X_future, t))
        out = {"mean": np.exp(pred.predicted_mean)}
        for lv in level:
            ci = pred.conf_int(obs=True, alpha=1 - lv / 100)
            out[f"lo-{lv}"], out[f"hi-{lv}"] = np.exp(ci[:, 0]), np.exp(ci[:, 1])
        return out


@register
class LocalLinearTrend(ForecastModel):
    """Unobserved-components local linear trend (statsmodels), optionally with exogenous drivers.

    Example:
        >>> import numpy as np
        >>> m = LocalLinearTrend().fit(np.arange(10.0) * 2 + 1)
        >>> bool(abs(m.predict(1)["mean"][0] - 21) < 1)
        True
    """

    name = "llt"
    capabilities = Capabilities(intervals=True, exogenous=True, min_length=5)

    def _fit(self):
        import statsmodels.api as sm
        from statsmodels.tools.sm_exceptions import ConvergenceWarning

        # short annual series often stop the optimiser early; the fit is still usable and a
        # bad one shows in the backtest, so that one warning is silenced for this call only
        with third_party(self.name, quiet=[("", ConvergenceWarning)]):
            mod = sm.tsa.UnobservedComponents(self.y_, level="local linear trend", exog=self.X_)
            self.result_ = mod.fit(disp=False)

    def _predict(self, h, level, X_future):
        with third_party(self.name):
            fc = self.result_.get_forecast(h, exog=X_future if self.X_ is not None else None)
        out = {"mean": np.asarray(fc.predicted_mean)}
        for lv in level:
            ci = np.asarray(fc.conf_int(alpha=1 - lv / 100))
            out[f"lo-{lv}"], out[f"hi-{lv}"] = ci[:, 0], ci[:, 1]
        return out


@register
class ProphetModel(ForecastModel):
    """Prophet with exogenous regressors; seasonalities off (annual data). Slow: ~40–90 ms/series.

    ``seed`` fixes the sampling Prophet uses for its intervals.
    """

    name = "prophet"
    capabilities = Capabilities(intervals=True, exogenous=True, min_length=3)

    def __init__(self, seed: int = 0, changepoint_prior_scale: float = 0.05):
        self.seed = seed
        self.changepoint_prior_scale = changepoint_prior_scale

    def _fit(self):
        import pandas as pd
        from prophet import Prophet

        # after the import: cmdstanpy configures its logger when first imported
        logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
        logging.getLogger("prophet").setLevel(logging.WARNING)

        df = pd.DataFrame({"ds": pd.to_datetime([f"{2000 + i}-01-01" for i in range(len(self.y_))]), "y": self.y_})
        m = Prophet(yearly_seasonality=False, weekly_seasonality=False, daily_seasonality=False,
                    changepoint_prior_scale=self.changepoint_prior_scale, uncertainty_samples=500)
        if self.X_ is not None:
            for j in range(self.X_.shape[1]):
                df[f"x{j}"] = self.X_[:, j]
                m.add_regressor(f"x{j}")
        with third_party(self.name):
            self.prophet_ = m.fit(df)

    def _predict(self, h, level, X_future):
        import pandas as pd

        future = pd.DataFrame({"ds": pd.to_datetime([f"{2000 + len(self.y_) + i}-01-01" for i in range(h)])})
        if self.X_ is not None:
            for j in range(self.X_.shape[1]):
                future[f"x{j}"] = X_future[:, j]
        out = {}
        m = self.prophet_
        for lv in level or (80,):
            # one fit; intervals come from seeded posterior-predictive samples at each width
            m.interval_width = lv / 100
            np.random.seed(self.seed)
            with third_party(self.name):
                fc = m.predict(future)
            out["mean"] = fc["yhat"].to_numpy()
            if level:
                out[f"lo-{lv}"], out[f"hi-{lv}"] = fc["yhat_lower"].to_numpy(), fc["yhat_upper"].to_numpy()
        return out
