"""Job openings = expansion + replacement (BLS / Cedefop accounting).

O[t] = max(E[t] − E[t−1], 0) + ρ[i]·E[t−1], computed per leaf series (region × industry) on every
sample path (forecast years report the mean over paths, history years the observed value) and
summed for parent regions and the all-industry total ``_T`` (so an aggregate's expansion is the
sum of its parts' expansion, not the net change of the aggregate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.demand.params import rates_for, replacement_rates
from talentforecast.demand.paths import Paths, aggregator, paths_from_forecast, summarise


def openings_paths(emp: Paths, rho: np.ndarray) -> dict[str, Paths]:
    """Expansion, replacement and openings paths (first year dropped: it has no E[t−1])."""
    rho = np.asarray(rho, float)
    out = {}
    for name, arr in (("point", emp.point), ("samples", emp.samples)):
        prev, cur = arr[..., :-1], arr[..., 1:]
        r = rho.reshape((-1,) + (1,) * (arr.ndim - 1))
        exp_ = np.maximum(cur - prev, 0.0)
        rep = r * prev
        out[name] = (exp_, rep, exp_ + rep)
    yr = slice(1, None)
    fut = ~emp.observed[yr]
    res = {}
    for j, k in enumerate(("expansion", "replacement", "openings")):
        point = out["point"][j].copy()
        # forecast years report expected openings (mean over paths): the max(·, 0) makes the
        # openings of the point path lower than expected when growth is uncertain
        point[:, fut] = out["samples"][j][:, :, fut].mean(axis=1)
        res[k] = emp.with_values(point, out["samples"][j], years=yr)
    return res


def openings_table(op: dict[str, Paths], regions: pd.DataFrame | None, level=(80, 95),
                   scenario: str = "baseline", unit: str = "persons") -> pd.DataFrame:
    """Summarise openings paths over every region (incl. parents) × industry (incl. ``_T``)."""
    keys, mat = aggregator(op["openings"].keys, ["industry"], regions, industry_total=True)
    tab = summarise(keys, op["openings"], mat, level)
    for part in ("expansion", "replacement"):
        tab[part] = (mat @ op[part].point).ravel()
    tab["scenario"] = scenario
    tab["unit"] = unit
    cols = ["region", "industry", "year", "scenario", "expansion", "replacement", "value",
            *[f"{s}_{lv}" for lv in level for s in ("lo", "hi")], "unit", "observed"]
    return tab[cols]


def openings(employment_forecast: pd.DataFrame, rates: pd.DataFrame | None = None,
             regions: pd.DataFrame | None = None, level: tuple[int, ...] = (80, 95),
             n_paths: int = 1000, seed: int = 0, correlation: float = 0.0) -> pd.DataFrame:
    """Openings per region × industry × year from an employment forecast table.

    ``employment_forecast`` holds leaf series (no parent regions, no ``_T``) with columns region,
    industry, year, value, observed and optionally interval bounds; ``rates`` comes from
    :func:`~talentforecast.demand.params.replacement_rates` (shipped defaults when None).
    Parent regions listed in ``regions`` are added as sums.

    Example:
        >>> fc = pd.DataFrame({"region": "a", "industry": "C", "year": [2020, 2021, 2022],
        ...     "value": [100., 110., 105.], "observed": [True, True, True]})
        >>> o = openings(fc, pd.DataFrame({"region": "", "industry": ["C"], "rate": [0.1]}))
        >>> o.query("industry == 'C'")[["year", "expansion", "replacement", "value"]].values.tolist()
        [[2021.0, 10.0, 10.0, 20.0], [2022.0, 0.0, 11.0, 11.0]]
    """
    rates = replacement_rates() if rates is None else rates
    leaf = employment_forecast[employment_forecast["industry"] != "_T"]
    if regions is not None and "parent" in regions:
        parents = set(regions["parent"].dropna())
        leaf = leaf[~leaf["region"].isin(parents)]
    emp = paths_from_forecast(leaf, n_paths=n_paths, seed=seed, correlation=correlation)
    rho = rates_for(emp.keys, rates)
    return openings_table(openings_paths(emp, rho), regions, level)
