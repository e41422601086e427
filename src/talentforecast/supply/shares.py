"""Specialty shares forecast as compositions (additive log-ratio transform, then softmax).

Within each group (e.g. region × level) the entrants of the *active* specialties (those with
entrants in the last observed year) are turned into log-ratios against a reference specialty
(the largest one over the last three years): ``y_s = log(x_s / x_ref)``. Each log-ratio series
is forecast with the forecasting engine; the inverse transform
``share_s = exp(y_s) / (1 + sum_j exp(y_j))``, ``share_ref = 1 / (1 + sum_j exp(y_j))`` keeps
every share in [0, 1] and their sum at 1. A log-ratio series starts in the first year the
specialty had entrants; a later year with zero entrants is replaced by 0.5 entrants (zero
replacement) so the logarithm exists. Specialties with no entrants in the last observed year
are taken as closed: share 0 (an enrolment plan can reopen them).

Example:
    >>> import numpy as np
    >>> s = alr_inverse(np.array([[np.log(2.0), 0.0]]))  # two log-ratios against a reference
    >>> s.round(2).tolist(), float(s.sum())
    ([[0.5, 0.25, 0.25]], 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from talentforecast.supply._engine import Forecaster, forecast_normal

ZERO_REPLACEMENT = 0.5


def alr_inverse(y: np.ndarray) -> np.ndarray:
    """Log-ratios ``(..., k-1)`` → shares ``(..., k)``; the reference is the last column.

    Example:
        >>> alr_inverse(np.log(np.array([1.0, 3.0]))).round(3).tolist()
        [0.2, 0.6, 0.2]
    """
    m = np.maximum(np.max(y, axis=-1, keepdims=True), 0.0) if y.shape[-1] else np.zeros(y.shape[:-1] + (1,))
    e = np.exp(y - m)
    ref = np.exp(-m)
    total = e.sum(axis=-1, keepdims=True) + ref
    return np.concatenate([e / total, ref / total], axis=-1)


@dataclass
class ShareModel:
    """Forecast log-ratios per group: ``specialties[g]`` (reference last), ``mean[g]``/``sd[g]``
    arrays of shape (k-1, h) and the forecast ``years``."""

    years: list[int]
    specialties: dict[tuple, list[str]] = field(default_factory=dict)
    closed: dict[tuple, list[str]] = field(default_factory=dict)
    mean: dict[tuple, np.ndarray] = field(default_factory=dict)
    sd: dict[tuple, np.ndarray] = field(default_factory=dict)

    def point(self, g: tuple) -> np.ndarray:
        """Point shares (k, h) from the mean log-ratios."""
        return alr_inverse(self.mean[g].T).T

    def draws(self, g: tuple, rng: np.random.Generator, n: int) -> np.ndarray:
        """Share draws (n, k, h). One normal shock per series and draw, kept over the horizon."""
        z = rng.standard_normal((n, self.mean[g].shape[0], 1))
        y = self.mean[g][None] + self.sd[g][None] * z
        return np.moveaxis(alr_inverse(np.moveaxis(y, 1, 2)), 2, 1)


def fit_shares(counts: pd.DataFrame, keys: list[str], h: int, level: tuple[int, ...], seed: int = 0,
               n_jobs: int = 1, progress: bool = False,
               forecaster: Forecaster | None = None, models: str | list = "auto") -> ShareModel:
    """Fit the composition model on ``counts`` (keys…, specialty, year, value)."""
    last_year = int(counts["year"].max())
    model = ShareModel(years=list(range(last_year + 1, last_year + h + 1)))
    series, index = [], {}
    for g, d in counts.groupby(keys, sort=True):
        g = g if isinstance(g, tuple) else (g,)
        wide = d.pivot_table(index="year", columns="specialty", values="value", aggfunc="sum")
        wide = wide.reindex(range(int(wide.index.min()), last_year + 1))
        last = wide.loc[last_year].fillna(0.0)
        active = sorted(last.index[last > 0])
        model.closed[g] = sorted(set(wide.columns) - set(active))
        if not active:
            model.specialties[g] = []
            continue
        recent = wide.loc[last_year - 2:, active].fillna(0.0).sum()
        ref = max(active, key=lambda s: (recent[s], s))
        others = [s for s in active if s != ref]
        model.specialties[g] = [*others, ref]
        x_ref = wide[ref].fillna(0.0).clip(lower=ZERO_REPLACEMENT)
        for s in others:
            x = wide[s].fillna(0.0)
            first = x.index[x > 0][0]
            x = x.loc[first:].clip(lower=ZERO_REPLACEMENT)  # zero replacement, see module docstring
            uid = f"{len(index)}"
            index[(g, s)] = uid
            series.append(pd.DataFrame({"unique_id": uid, "ds": x.index.astype(int),
                                        "y": np.log(x.to_numpy(float) / x_ref.loc[x.index].to_numpy(float))}))
    fc = forecast_normal(pd.concat(series) if series else pd.DataFrame(columns=["unique_id", "ds", "y"]),
                         h, level, seed, n_jobs, progress, nonnegative=False, forecaster=forecaster,
                         models=models)
    by_uid = {u: d.sort_values("ds") for u, d in fc.groupby("unique_id")}
    for g, specs in model.specialties.items():
        k = len(specs)
        mean, sd = np.zeros((max(k - 1, 0), h)), np.zeros((max(k - 1, 0), h))
        for i, s in enumerate(specs[:-1]):
            d = by_uid[index[(g, s)]]
            mean[i], sd[i] = d["mean"].to_numpy(float), d["sd"].to_numpy(float)
        model.mean[g], model.sd[g] = mean, sd
    return model


def forecast_shares(counts: pd.DataFrame, keys: list[str], h: int, level: tuple[int, ...] = (80, 95),
                    seed: int = 0, n_draws: int = 500, n_jobs: int = 1, progress: bool = False,
                    forecaster: Forecaster | None = None, models: str | list = "auto") -> pd.DataFrame:
    """Forecast specialty shares: keys…, specialty, year, share, lo_<l>, hi_<l> for each level.

    Shares of a group sum to 1 in every year; closed specialties get share 0. ``counts`` holds
    keys…, specialty, year, value (e.g. entrants).

    Example:
        >>> import pandas as pd
        >>> counts = pd.DataFrame({"region": "A", "specialty": ["660101", "660102"] * 3,
        ...                        "year": [2021, 2021, 2022, 2022, 2023, 2023], "value": [60.0, 40.0] * 3})
        >>> sh = forecast_shares(counts, ["region"], h=2, models="naive")
        >>> sh[["specialty", "year", "share"]].round(3).values.tolist()
        [['660102', 2024, 0.4], ['660102', 2025, 0.4], ['660101', 2024, 0.6], ['660101', 2025, 0.6]]
    """
    model = fit_shares(counts, keys, h, level, seed, n_jobs, progress, forecaster, models)
    rng = np.random.default_rng(seed)
    rows = []
    for g, specs in model.specialties.items():
        if not specs:
            continue
        point, draws = model.point(g), model.draws(g, rng, n_draws)
        for i, s in enumerate(specs):
            for j, year in enumerate(model.years):
                row = dict(zip(keys, g, strict=True), specialty=s, year=year, share=float(point[i, j]))
                for lv in level:
                    q = (1 - lv / 100) / 2
                    row[f"lo_{lv}"], row[f"hi_{lv}"] = np.quantile(draws[:, i, j], [q, 1 - q])
                rows.append(row)
        for s in model.closed[g]:
            for year in model.years:
                rows.append(dict(zip(keys, g, strict=True), specialty=s, year=year, share=0.0,
                                 **{f"{b}_{lv}": 0.0 for lv in level for b in ("lo", "hi")}))
    return pd.DataFrame(rows)
