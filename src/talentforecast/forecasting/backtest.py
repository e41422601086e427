"""Rolling-origin backtests and accuracy metrics (sMAPE 0–200, MASE, coverage, MSIS)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.forecasting import _failures
from talentforecast.forecasting._panel import SOURCE, check_h, group_keys, prepare
from talentforecast.forecasting.auto import scale_of, smape
from talentforecast.forecasting.distributed import use_engine
from talentforecast.forecasting.engine import forecast_frame


def backtest(
    df: pd.DataFrame,
    h: int,
    n_windows: int,
    step: int = 1,
    models: str | Sequence[str] = "auto",
    level: Sequence[int] = (80, 95),
    exog: Sequence[str] | None = None,
    n_jobs: int = 1,
    seed: int = 0,
    nonnegative: bool = True,
    progress: bool = False,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    engine: str | object | None = None,
    trend_shrinkage: float | None = None,
    pooled: bool | None = None,
    shock_years: Sequence[int] | None = None,
    groups: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Rolling-origin forecasts with actuals.

    Window ``w`` (0 = latest) cuts each series ``h + w*step`` years before its end and forecasts
    ``h`` years from there with :func:`forecast` (auto re-selects inside each window, so no
    peeking). Series too short to leave at least one training year in a window are left out of
    that window and listed in ``.attrs["skipped"]``.

    Returns the :func:`forecast` columns (``requested``, ``model``…) plus ``cutoff`` (last training
    year), ``y`` (actual) and ``scale`` (MASE scale of the training part). ``.attrs["fallbacks"]``
    lists the fallbacks of every window (as in :func:`forecast`, plus ``cutoff``), summarised in one
    ``TalentForecastWarning``. ``engine``, ``trend_shrinkage``, ``pooled``, ``shock_years`` and ``groups`` are
    as in :func:`forecast`.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2015), "y": [float(i) for i in range(15)]})
        >>> cv = backtest(df, h=2, n_windows=3, models="drift")
        >>> sorted(cv["cutoff"].unique().tolist())
        [2010, 2011, 2012]
    """
    if engine is not None:  # engine hook: every window's forecast runs on that engine (distributed.py)
        with use_engine(engine):
            return backtest(**{**locals(), "engine": None})
    h = check_h(h)
    for name, v in [("n_windows", n_windows), ("step", step)]:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise InputError([Problem("<argument>", name, None, v, "an integer >= 1", "不小于 1 的整数")])
    exog = list(exog or [])
    keys = group_keys(df, groups, id_col, time_col, target_col, exog)
    panel = prepare(df, id_col, time_col, target_col, exog, nonnegative=nonnegative)
    names = [models] if isinstance(models, str) else list(models)
    size = panel.groupby("unique_id", sort=False)["ds"].transform("size")
    pos = panel.groupby("unique_id", sort=False).cumcount()
    frames, skipped, fallbacks, n_forecasts = [], [], [], 0
    for w in range(n_windows):
        cut = size - h - w * step  # number of training rows
        train_mask = pos < cut
        keep = cut >= 1
        skipped += [(u, w) for u in panel.loc[~keep, "unique_id"].unique()]
        train = panel[train_mask & keep]
        if train.empty:
            continue
        test = panel[(pos >= cut) & (pos < cut + h) & keep]
        fut = test.drop(columns="y") if exog else None
        info = train.groupby("unique_id", sort=False).agg(cutoff=("ds", "max"), scale=("y", lambda v: scale_of(v.to_numpy())))
        for name in names:
            fc = forecast_frame(train, h, level, name, exog or None, fut, n_jobs, seed, nonnegative, progress,
                                "unique_id", "ds", "y", 3 if name == "auto" else None, trend_shrinkage, pooled,
                                shock_years, keys)
            cutoffs = info["cutoff"].to_dict()
            fallbacks += [{**r, "cutoff": int(cutoffs[r["unique_id"]])} for r in fc.attrs["fallbacks"]]
            n_forecasts += fc.attrs["n_forecasts"]
            fc = fc.merge(test[["unique_id", "ds", "y"]], on=["unique_id", "ds"], how="left")
            fc = fc.merge(info, left_on="unique_id", right_index=True)
            frames.append(fc)
    if not frames:
        raise InputError([Problem(SOURCE, time_col, None, None, f"series long enough for h={h} plus a training year",
                                  f"序列长度至少为预测年数 h={h} 再加一个训练年")])
    cv = pd.concat(frames, ignore_index=True)
    cv = cv.sort_values(["requested", "unique_id", "cutoff", "ds"], kind="mergesort").reset_index(drop=True)
    cv = cv.rename(columns={"unique_id": id_col, "ds": time_col})
    cv.attrs["skipped"] = skipped
    cv.attrs["fallbacks"] = fallbacks
    _failures.warn(fallbacks, n_forecasts)
    return cv


def evaluate(cv: pd.DataFrame, by: str = "requested", id_col: str = "unique_id") -> pd.DataFrame:
    """Accuracy per model from a :func:`backtest` frame.

    Returns one row per ``by`` value with ``smape`` (0–200, mean over all forecasts), ``mase``
    (mean absolute error over the training MASE scale, series with zero scale left out),
    ``coverage_<L>`` (share of actuals inside the L% interval), ``msis_<L>`` (scaled interval score)
    and ``n`` (forecasts scored).

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2015), "y": [float(i) for i in range(15)]})
        >>> evaluate(backtest(df, h=2, n_windows=3, models="drift"))["smape"].round(6).tolist()
        [0.0]
    """
    need = {by, "y", "y_hat", "scale"}
    if not need <= set(cv.columns):
        raise InputError([Problem("<backtest frame>", c, None, None, "a column from backtest()", "backtest() 输出的列")
                          for c in sorted(need - set(cv.columns))])
    levels = sorted(int(c[len("y_lo_"):]) for c in cv.columns if c.startswith("y_lo_"))
    rows = []
    for key, g in cv.groupby(by, sort=True):
        y, f, s = g["y"].to_numpy(float), g["y_hat"].to_numpy(float), g["scale"].to_numpy(float)
        pos = s > 0
        row = {by: key, "smape": float(np.mean(smape(y, f))),
               "mase": float(np.mean(np.abs(y - f)[pos] / s[pos])) if pos.any() else np.nan}
        for lv in levels:
            lo, hi = g[f"y_lo_{lv}"].to_numpy(float), g[f"y_hi_{lv}"].to_numpy(float)
            a = 1 - lv / 100
            row[f"coverage_{lv}"] = float(np.mean((y >= lo) & (y <= hi)))
            score = (hi - lo) + 2 / a * (lo - y) * (y < lo) + 2 / a * (y - hi) * (y > hi)
            row[f"msis_{lv}"] = float(np.mean(score[pos] / s[pos])) if pos.any() else np.nan
        row["n"] = len(g)
        rows.append(row)
    return pd.DataFrame(rows)
