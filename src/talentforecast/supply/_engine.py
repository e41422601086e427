"""Thin adapter to the forecasting engine: forecasts as (mean, sd) per series and horizon.

The supply model needs forecast *distributions* to simulate intervals, so each forecast
interval is turned back into a normal sd: ``sd = (hi - lo) / (2 z)`` at the widest level.
Series shorter than ``MIN_LENGTH`` are not sent to the engine: they are carried forward
(last value) and borrow the median sd of the engine-forecast series at the same horizon.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import NormalDist

import numpy as np
import pandas as pd

from talentforecast.errors import ModelError

MIN_LENGTH = 3
Forecaster = Callable[..., pd.DataFrame]


def default_forecaster() -> Forecaster:
    from talentforecast.forecasting import forecast

    return forecast


def forecast_normal(df: pd.DataFrame, h: int, level: tuple[int, ...], seed: int, n_jobs: int,
                    progress: bool, nonnegative: bool,
                    forecaster: Forecaster | None = None, models: str | list = "auto") -> pd.DataFrame:
    """Forecast long ``unique_id, ds, y`` → ``unique_id, ds, mean, sd, method``."""
    if df.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "mean", "sd", "method"])
    if not level:
        raise ModelError("at least one interval level is needed (e.g. level=(80, 95))",
                         zh="至少需要一个预测区间的置信水平（如 level=(80, 95)）")
    df = df.sort_values(["unique_id", "ds"])
    n = df.groupby("unique_id")["y"].size()
    long_ids = n.index[n >= MIN_LENGTH]
    top = max(level)
    z = NormalDist().inv_cdf(0.5 + top / 200)
    parts = []
    if len(long_ids):
        fc = (forecaster or default_forecaster())(
            df[df["unique_id"].isin(long_ids)], h=h, level=tuple(level), seed=seed, n_jobs=n_jobs,
            progress=progress, nonnegative=nonnegative, models=models)
        if fc.duplicated(["unique_id", "ds"]).any():
            raise ModelError("the forecaster returned several models per series; ask it for one "
                             "(models='auto')",
                             zh="预测器对每个序列返回了多个模型的结果；请只要一个（models='auto'）")
        lo, hi = fc[f"y_lo_{top}"].to_numpy(float), fc[f"y_hi_{top}"].to_numpy(float)
        parts.append(pd.DataFrame({
            "unique_id": fc["unique_id"].to_numpy(), "ds": fc["ds"].astype(int).to_numpy(),
            "mean": fc["y_hat"].to_numpy(float), "sd": np.maximum(hi - lo, 0.0) / (2 * z),
            "method": fc["model"].astype(str).to_numpy() if "model" in fc else "engine"}))
    short = n.index[n < MIN_LENGTH]
    if len(short):
        borrowed = (parts[0].assign(step=lambda d: d["ds"] - d.groupby("unique_id")["ds"].transform("min") + 1)
                    .groupby("step")["sd"].median() if parts else pd.Series(dtype=float))
        last = df[df["unique_id"].isin(short)].groupby("unique_id")[["ds", "y"]].last()
        rows = []
        for uid, (last_ds, value) in last.iterrows():
            for step in range(1, h + 1):
                rows.append((uid, int(last_ds) + step, float(value), float(borrowed.get(step, 0.0)),
                             "carry_forward"))
        parts.append(pd.DataFrame(rows, columns=["unique_id", "ds", "mean", "sd", "method"]))
    return pd.concat(parts, ignore_index=True)
