"""From openings to vocational openings, specialty demand and occupation demand.

All three are linear in leaf openings, so each is one sparse matrix applied to the openings
paths; bounds are quantiles of the transformed sample paths (see :mod:`.paths`).

- V[r, i, l] = O[r, i] · v[i, l]
- D[r, s]    = Σ_i w'[s, i] · V[r, i, level(s)], with w' the crosswalk weights renormalised to sum
  to 1 over the specialties of each (industry, level) — so Σ_s D = Σ_i V per industry × level.
- occupation: Σ_i share[i, o] · Σ_l V[r, i, l] with a staffing matrix, otherwise each specialty's
  demand spread equally over its occupations in the specialty→occupation crosswalk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from talentforecast.demand.params import section_of, shares_for
from talentforecast.demand.paths import Paths, aggregator, summarise
from talentforecast.errors import InputError, Problem

BOUND_COLS = ("lo_80", "hi_80", "lo_95", "hi_95")


def _index(keys: pd.DataFrame, cols: list[str]) -> dict[tuple, int]:
    return {tuple(k): i for i, k in enumerate(keys[cols].itertuples(index=False))}


def vocational_matrix(leaf_keys: pd.DataFrame, shares: pd.DataFrame) -> tuple[pd.DataFrame, sparse.csr_matrix]:
    """Keys (region, industry, level) and matrix M with V = M @ O over leaf openings."""
    v = shares_for(list(dict.fromkeys(leaf_keys["industry"])), shares)
    levels = list(dict.fromkeys(v["level"]))
    by = {(i, lv): s for i, lv, s in v.itertuples(index=False)}
    rows, cols, vals, keys = [], [], [], []
    for j, (r, i) in enumerate(leaf_keys[["region", "industry"]].itertuples(index=False)):
        for lv in levels:
            rows.append(len(keys))
            cols.append(j)
            vals.append(by[(i, lv)])
            keys.append((r, i, lv))
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(len(keys), len(leaf_keys)))
    return pd.DataFrame(keys, columns=["region", "industry", "level"]), mat


def normalise_weights(crosswalk: pd.DataFrame, levels: pd.Series | None = None) -> pd.DataFrame:
    """Crosswalk with ``level`` and ``weight_used`` summing to 1 per (industry, level).

    ``levels`` maps specialty → level when the crosswalk has no ``level`` column.

    Example:
        >>> cw = pd.DataFrame({"specialty": ["1", "2", "3"], "industry": "C", "weight": [.5, .3, .2],
        ...                    "level": ["中职", "中职", "高职专科"]})
        >>> normalise_weights(cw).weight_used.round(3).tolist()
        [0.625, 0.375, 1.0]
    """
    cw = crosswalk.copy()
    if "level" not in cw:
        if levels is None:
            raise InputError([Problem("specialty_industry", "level", None, None,
                                      "a level per specialty (column or the specialty catalogue)",
                                      "每个专业的层次（level 列或专业目录中给出）")])
        cw["level"] = cw["specialty"].map(levels)
        miss = cw["level"].isna()
        if miss.any():
            raise InputError([Problem("specialty_industry", "specialty", int(i) + 2, s, "a catalogued specialty",
                                      "专业目录中的专业")
                              for i, s in cw.loc[miss, "specialty"].items()][:20])
    tot = cw.groupby(["industry", "level"])["weight"].transform("sum")
    cw["weight_used"] = np.where(tot > 0, cw["weight"] / tot.where(tot > 0, 1), 0.0)
    return cw


def specialty_matrix(voc_keys: pd.DataFrame, cw: pd.DataFrame) -> tuple[pd.DataFrame, sparse.csr_matrix, pd.DataFrame]:
    """Keys (region, specialty, level), matrix D = M @ V, and the unallocated (industry, level) pairs."""
    cw = cw.copy()
    present = set(voc_keys["industry"])
    # a crosswalk given by division serves an employment table kept by section, and vice versa
    if not set(cw["industry"]) & present or not set(cw["industry"]) <= present:
        cw["industry"] = [i if i in present else section_of(i) for i in cw["industry"]]
        cw = cw.groupby(["specialty", "industry", "level"], as_index=False)["weight"].sum()
        cw = normalise_weights(cw)
    spec_of = {}
    for s, i, lv, w in cw[["specialty", "industry", "level", "weight_used"]].itertuples(index=False):
        if w > 0:
            spec_of.setdefault((i, lv), []).append((s, w))
    out_idx: dict[tuple, int] = {}
    rows, cols, vals, unalloc = [], [], [], set()
    for j, (r, i, lv) in enumerate(voc_keys[["region", "industry", "level"]].itertuples(index=False)):
        targets = spec_of.get((i, lv))
        if not targets:
            unalloc.add((i, lv))
            continue
        for s, w in targets:
            k = out_idx.setdefault((r, s, lv), len(out_idx))
            rows.append(k)
            cols.append(j)
            vals.append(w)
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(len(out_idx), len(voc_keys)))
    keys = pd.DataFrame(list(out_idx), columns=["region", "specialty", "level"])
    return keys, mat, pd.DataFrame(sorted(unalloc), columns=["industry", "level"])


def occupation_matrix_staffing(voc_keys: pd.DataFrame, staffing: pd.DataFrame) -> tuple[pd.DataFrame, sparse.csr_matrix, pd.DataFrame]:
    """Keys (region, occupation), matrix over V rows using staffing shares (all levels pooled)."""
    st = staffing.copy()
    present = set(voc_keys["industry"])
    st["industry"] = [i if i in present else section_of(i) for i in st["industry"].astype(str)]
    by: dict[str, list[tuple[str, float]]] = {}
    for i, o, s in st[["industry", "occupation", "share"]].itertuples(index=False):
        by.setdefault(i, []).append((o, float(s)))
    out_idx: dict[tuple, int] = {}
    rows, cols, vals, unalloc = [], [], [], set()
    for j, (r, i) in enumerate(voc_keys[["region", "industry"]].itertuples(index=False)):
        if i not in by:
            unalloc.add((i, ""))
            continue
        for o, s in by[i]:
            rows.append(out_idx.setdefault((r, o), len(out_idx)))
            cols.append(j)
            vals.append(s)
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(len(out_idx), len(voc_keys)))
    return pd.DataFrame(list(out_idx), columns=["region", "occupation"]), mat, \
        pd.DataFrame(sorted(unalloc), columns=["industry", "level"])


def occupation_matrix_crosswalk(spec_keys: pd.DataFrame, spec_occ: pd.DataFrame) -> tuple[pd.DataFrame, sparse.csr_matrix]:
    """Keys (region, occupation), matrix over specialty-demand rows: equal split over occupations."""
    occ_of = spec_occ.groupby("specialty")["occupation"].apply(lambda s: list(dict.fromkeys(s))).to_dict()
    out_idx: dict[tuple, int] = {}
    rows, cols, vals = [], [], []
    for j, (r, s) in enumerate(spec_keys[["region", "specialty"]].itertuples(index=False)):
        occs = occ_of.get(s, [])
        for o in occs:
            rows.append(out_idx.setdefault((r, o), len(out_idx)))
            cols.append(j)
            vals.append(1.0 / len(occs))
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(len(out_idx), len(spec_keys)))
    return pd.DataFrame(list(out_idx), columns=["region", "occupation"]), mat


def _finish(tab: pd.DataFrame, key_cols: list[str], level, scenario: str, unit: str, extra: dict | None = None) -> pd.DataFrame:
    tab["scenario"] = scenario
    tab["unit"] = unit
    for k, v in (extra or {}).items():
        tab[k] = v
    cols = ["region", *key_cols, "year", "scenario", "value",
            *[f"{s}_{lv}" for lv in level for s in ("lo", "hi")], "unit", *(extra or {}), "observed"]
    return tab[cols]


def allocate(op: Paths, regions: pd.DataFrame | None, shares: pd.DataFrame, crosswalk: pd.DataFrame,
             staffing: pd.DataFrame | None = None, spec_occ: pd.DataFrame | None = None,
             level=(80, 95), scenario: str = "baseline",
             specialty_factor: dict[str, np.ndarray] | None = None) -> dict[str, pd.DataFrame]:
    """Vocational openings, specialty and occupation demand from leaf openings paths.

    ``op`` is the ``openings`` paths of :func:`~talentforecast.demand.openings.openings_paths`;
    ``shares`` is long (industry, level, share) as from :func:`~talentforecast.demand.params.vocational_shares`;
    ``crosswalk`` is the output of :func:`normalise_weights` (specialty, industry, level, weight_used).
    Returns ``vocational_openings``, ``specialty_demand``, ``unallocated`` (industry × level pairs
    with vocational openings but no specialty/occupation) and, given ``staffing`` or ``spec_occ``,
    ``occupation_demand``. ``specialty_factor`` maps a specialty to a factor per sample path
    (the crosswalk-weight draw), applied to its demand paths, not to its point value.

    Example:
        >>> from talentforecast.demand.openings import openings_paths
        >>> from talentforecast.demand.paths import paths_from_forecast
        >>> emp = pd.DataFrame({"region": "a", "industry": "C", "year": [2020, 2021],
        ...                     "value": [100.0, 110.0], "observed": True})
        >>> op = openings_paths(paths_from_forecast(emp, n_paths=10), [0.1])  # 10 + 0.1 × 100 = 20
        >>> shares = pd.DataFrame({"industry": "C", "level": ["中职", "高职专科"], "share": [0.1, 0.3]})
        >>> cw = normalise_weights(pd.DataFrame({"specialty": ["660101", "460103"], "industry": "C",
        ...                                      "weight": 1.0, "level": ["中职", "高职专科"]}))
        >>> out = allocate(op["openings"], None, shares, cw)
        >>> out["specialty_demand"][["specialty", "year", "value"]].values.tolist()
        [['660101', 2021, 2.0], ['460103', 2021, 6.0]]
    """
    vkeys, mv = vocational_matrix(op.keys, shares)
    out: dict[str, pd.DataFrame] = {}
    akeys, agg = aggregator(vkeys, ["industry", "level"], regions)
    out["vocational_openings"] = _finish(summarise(akeys, op, agg @ mv, level), ["industry", "level"],
                                         level, scenario, "persons")
    skeys, ms, unalloc = specialty_matrix(vkeys, crosswalk)
    akeys, agg = aggregator(skeys, ["specialty", "level"], regions)
    fac = None
    if specialty_factor:
        ones = np.ones(op.samples.shape[1])
        fac = np.vstack([specialty_factor.get(sp, ones) for sp in akeys["specialty"]]) if len(akeys) else None
    out["specialty_demand"] = _finish(summarise(akeys, op, agg @ ms @ mv, level, path_factor=fac),
                                      ["specialty", "level"],
                                      level, scenario, "persons")
    unalloc["stage"] = "specialty"
    if staffing is not None:
        # pool the levels: one row per leaf (region, industry)
        rkeys = vkeys[["region", "industry"]].drop_duplicates().reset_index(drop=True)
        idx = _index(rkeys, ["region", "industry"])
        rows = [idx[k] for k in vkeys[["region", "industry"]].itertuples(index=False)]
        pool = sparse.csr_matrix((np.ones(len(vkeys)), (rows, np.arange(len(vkeys)))),
                                 shape=(len(rkeys), len(vkeys)))
        okeys, mo, un2 = occupation_matrix_staffing(rkeys, staffing)
        mat, method = mo @ pool @ mv, "staffing_matrix"
    elif spec_occ is not None:
        okeys, mo = occupation_matrix_crosswalk(skeys, spec_occ)
        mat, method, un2 = mo @ ms @ mv, "specialty_occupation_equal_split", pd.DataFrame(columns=["industry", "level"])
    else:
        okeys, mat, method, un2 = None, None, None, pd.DataFrame(columns=["industry", "level"])
    if okeys is not None:
        akeys, agg = aggregator(okeys, ["occupation"], regions)
        out["occupation_demand"] = _finish(summarise(akeys, op, agg @ mat, level), ["occupation"], level,
                                           scenario, "persons", {"method": method})
    un2["stage"] = "occupation"
    out["unallocated"] = pd.concat([unalloc, un2], ignore_index=True)
    return out
