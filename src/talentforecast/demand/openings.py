"""Job openings = expansion + replacement (BLS / Cedefop accounting).

For each planning region (a root of the region hierarchy, e.g. the city) and industry i:

    X[t] = E[t] − E[t−1]            expansion: the net change, negative in a declining industry
    R[t] = ρ[i] · E[t−1]            replacement
    O[t] = max(X[t] + R[t], 0)      openings

Declines offset growth: the net change is taken at the planning level, never per district. The
planning-level openings are then shared out to the districts in proportion to their positive net
need max(X_d + R_d, 0), so district openings add up to the city exactly, and a district that loses
more jobs than it replaces gets none. All of this is done path by path on the joint sample paths,
so the intervals of every sum (districts, city, all industries ``_T``) are quantiles of the sum,
not sums of clipped cells. The table's ``value`` is the same arithmetic on the point path;
``expansion`` and ``replacement`` are its two signed parts at the row's own level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.demand.params import rates_for, replacement_rates
from talentforecast.demand.paths import (
    Paths,
    aggregator,
    paths_from_forecast,
    region_descendants,
    summarise,
)


def planning_groups(keys: pd.DataFrame, regions: pd.DataFrame | None) -> np.ndarray:
    """Group id per leaf series: same planning region (root ancestor) and same industry.

    Example:
        >>> k = pd.DataFrame({"region": ["1", "2", "1"], "industry": ["C", "C", "F"]})
        >>> reg = pd.DataFrame({"region": ["0", "1", "2"], "parent": [None, "0", "0"]})
        >>> planning_groups(k, reg).tolist(), planning_groups(k, None).tolist()
        ([0, 0, 1], [0, 1, 2])
    """
    leaves = list(dict.fromkeys(keys["region"]))
    desc = region_descendants(regions, leaves)
    root = {}
    # the largest region containing a leaf is its planning region
    for reg, members in sorted(desc.items(), key=lambda kv: len(kv[1])):
        for m in members:
            root[m] = reg
    ids: dict[tuple, int] = {}
    return np.array([ids.setdefault((root[r], i), len(ids))
                     for r, i in keys[["region", "industry"]].itertuples(index=False)], dtype=int)


def _net_openings(net: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Leaf openings from leaf net need X + R: max(Σ, 0) per group, shared by positive parts."""
    pos = np.maximum(net, 0.0)
    n_g = int(groups.max()) + 1 if len(groups) else 0
    shape = (n_g, *net.shape[1:])
    tot, tot_pos = np.zeros(shape), np.zeros(shape)
    np.add.at(tot, groups, net)
    np.add.at(tot_pos, groups, pos)
    scale = np.divide(np.maximum(tot, 0.0), tot_pos, out=np.zeros(shape), where=tot_pos > 0)
    return pos * scale[groups]


def openings_paths(emp: Paths, rho: np.ndarray, regions: pd.DataFrame | None = None,
                   rho_samples: np.ndarray | None = None) -> dict[str, Paths]:
    """Expansion, replacement and openings paths of the leaves (first year dropped: no E[t−1]).

    ``rho`` holds ρ per leaf (the point path); ``rho_samples`` (leaves × paths) optionally draws
    ρ per sample path (parameter uncertainty). Openings are clipped at the planning region ×
    industry level of ``regions`` and shared out to the leaves (see the module docstring).

    Example:
        >>> fc = pd.DataFrame({"region": ["1"] * 2 + ["2"] * 2, "industry": "C", "year": [2020, 2021] * 2,
        ...                    "value": [100., 90., 100., 130.], "observed": True})
        >>> reg = pd.DataFrame({"region": ["0", "1", "2"], "parent": [None, "0", "0"]})
        >>> op = openings_paths(paths_from_forecast(fc, n_paths=100), [0.1, 0.1], reg)
        >>> op["expansion"].point.ravel().tolist(), op["openings"].point.ravel().tolist()
        ([-10.0, 30.0], [0.0, 40.0])
    """
    rho = np.asarray(rho, float).reshape(-1)
    groups = planning_groups(emp.keys, regions)
    res = {}
    for name, arr in (("point", emp.point), ("samples", emp.samples)):
        prev, cur = arr[..., :-1], arr[..., 1:]
        if name == "samples" and rho_samples is not None:
            r = np.asarray(rho_samples, float)[:, :, None]
        else:
            r = rho.reshape((-1,) + (1,) * (arr.ndim - 1))
        exp_ = cur - prev
        rep = r * prev
        res[name] = (exp_, rep, _net_openings(exp_ + rep, groups))
    yr = slice(1, None)
    return {k: emp.with_values(res["point"][j], res["samples"][j], years=yr)
            for j, k in enumerate(("expansion", "replacement", "openings"))}


def openings_table(op: dict[str, Paths], regions: pd.DataFrame | None, level=(80, 95),
                   scenario: str = "baseline", unit: str = "persons") -> pd.DataFrame:
    """Summarise openings paths over every region (incl. parents) × industry (incl. ``_T``).

    ``expansion`` (signed net change) and ``replacement`` are the row's own sums; ``value`` is the
    openings (≥ 0) and its bounds are quantiles of the joint paths of the row's sum.
    """
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
    Parent regions listed in ``regions`` are added as sums; the top of the hierarchy is the
    planning region at which declines offset growth.

    Example:
        >>> fc = pd.DataFrame({"region": "a", "industry": "C", "year": [2020, 2021, 2022],
        ...     "value": [100., 110., 105.], "observed": [True, True, True]})
        >>> o = openings(fc, pd.DataFrame({"region": "", "industry": ["C"], "rate": [0.1]}))
        >>> o.query("industry == 'C'")[["year", "expansion", "replacement", "value"]].values.tolist()
        [[2021.0, 10.0, 10.0, 20.0], [2022.0, -5.0, 11.0, 6.0]]
    """
    rates = replacement_rates() if rates is None else rates
    leaf = employment_forecast[employment_forecast["industry"] != "_T"]
    if regions is not None and "parent" in regions:
        parents = set(regions["parent"].dropna())
        leaf = leaf[~leaf["region"].isin(parents)]
    emp = paths_from_forecast(leaf, n_paths=n_paths, seed=seed, correlation=correlation)
    rho = rates_for(emp.keys, rates)
    return openings_table(openings_paths(emp, rho, regions), regions, level)
