"""求人倍率 per specialty from job postings: openings / seekers of the occupations it trains for.

Postings (public employment-service statistics) come by occupation. A specialty's ratio in a
year sums the openings and the seekers of the occupations the specialty→occupation catalogue maps
it to (``specialty_occupation``), where those occupations have postings: the ratio of the market
its graduates look for work in. A district without postings of its own takes its parent's (the
labour market is the planning region's). No mapped occupation with postings: no value.

Example:
    >>> p = pd.DataFrame({"region": "R", "occupation": ["a", "b"], "year": 2023, "quarter": 1,
    ...                   "openings": [30.0, 10.0], "seekers": [10.0, 10.0]})
    >>> so = pd.DataFrame({"specialty": ["S1", "S1", "S2"], "occupation": ["a", "b", "c"],
    ...                    "level": "高职专科"})
    >>> postings_ratio({"postings": p, "specialty_occupation": so})[["specialty", "ratio_ds"]].values.tolist()
    [['S1', 2.0]]
"""

from __future__ import annotations

import pandas as pd

from talentforecast.errors import InputError, Problem

COLUMNS = ["region", "specialty", "level", "year", "openings", "seekers", "ratio_ds", "n_occupations"]


def _by_occupation(tables) -> pd.DataFrame | None:
    lmc = tables.get("labour_market_conditions")
    if lmc is not None and "occupation" in lmc.columns and lmc["occupation"].notna().any():
        src, name = lmc[lmc["occupation"].notna()], "labour_market_conditions"
    else:
        src, name = tables.get("postings"), "postings"
        if src is None or "occupation" not in src.columns:
            return None
    missing = [c for c in ("region", "occupation", "year", "openings", "seekers") if c not in src.columns]
    if missing:
        raise InputError([Problem(name, c, None, None, "a column of the table contract", "表格规范中规定的列")
                          for c in missing])
    src = src[src["occupation"].notna()].astype({"region": str, "occupation": str})
    return src.groupby(["region", "occupation", "year"], as_index=False)[["openings", "seekers"]].sum()


def postings_ratio(tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """region × specialty × level × year openings, seekers, ratio_ds (see module doc); None without postings."""
    if tables.get("postings_ratio") is not None:  # already computed (programme units)
        return tables["postings_ratio"]
    occ = _by_occupation(tables)
    so = tables.get("specialty_occupation")
    if occ is None or occ.empty or so is None:
        return None
    so = so.astype({"specialty": str, "occupation": str})
    if "level" not in so.columns:
        cat = tables.get("specialties")
        if cat is None:
            return None
        so = so.merge(cat[["specialty", "level"]].astype(str), on="specialty")
    so = so[["specialty", "level", "occupation"]].drop_duplicates()
    m = so.merge(occ, on="occupation")
    if m.empty:
        return None
    out = m.groupby(["region", "specialty", "level", "year"], as_index=False).agg(
        openings=("openings", "sum"), seekers=("seekers", "sum"), n_occupations=("occupation", "nunique"))
    reg = tables.get("regions")
    if reg is not None and "parent" in reg.columns:
        parent = {str(r): str(p) for r, p in zip(reg["region"], reg["parent"], strict=True)
                  if isinstance(p, str) and p.strip()}
        have = set(out["region"])
        extra = []
        for r in parent:
            a = r
            while a in parent and a not in have:  # the nearest ancestor with postings
                a = parent[a]
            if r not in have and a in have:
                extra.append(out[out["region"] == a].assign(region=r))
        out = pd.concat([out, *extra], ignore_index=True)
    out["ratio_ds"] = out["openings"] / out["seekers"].where(out["seekers"] > 0)
    out["year"] = out["year"].astype(int)
    return out[COLUMNS]
