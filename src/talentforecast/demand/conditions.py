"""Recent labour-market conditions from job postings: the D/S ratio (求人倍率) and its trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.demand.paths import region_descendants


def _slope(years: np.ndarray, values: np.ndarray) -> float:
    ok = np.isfinite(values)
    if ok.sum() < 2:
        return np.nan
    return float(np.polyfit(years[ok], values[ok], 1)[0])


def labour_market_conditions(postings: pd.DataFrame, regions: pd.DataFrame | None = None,
                             window: int = 3) -> pd.DataFrame:
    """Openings, seekers, ratio_ds = openings / seekers and its trend, per occupation and per industry.

    Quarters are summed to years. ``trend`` is the least-squares slope of ratio_ds per year over
    the trailing ``window`` years ending at that year (NaN with fewer than 2 years). Parent regions
    in ``regions`` get the sums of their children (unless the postings already hold them).
    Each row has either ``occupation`` or ``industry`` set (the other is None).

    Example:
        >>> p = pd.DataFrame({"region": "a", "occupation": "6-18-01-01", "year": [2022, 2023, 2024],
        ...                   "openings": [120, 150, 180], "seekers": [100, 100, 100]})
        >>> labour_market_conditions(p)[["year", "ratio_ds", "trend"]].round(2).values.tolist()
        [[2022.0, 1.2, nan], [2023.0, 1.5, 0.3], [2024.0, 1.8, 0.3]]
    """
    parts = []
    for key in ("occupation", "industry"):
        if key not in postings:
            continue
        p = postings[postings[key].notna() & (postings[key].astype(str) != "")]
        if p.empty:
            continue
        # rows carrying both keys are counted once in each view
        g = p.groupby(["region", key, "year"], as_index=False)[["openings", "seekers"]].sum()
        desc = region_descendants(regions, list(dict.fromkeys(g["region"])))
        extra = []
        for parent, leaves in desc.items():
            if parent in set(g["region"]):
                continue
            sub = g[g["region"].isin(leaves)].groupby([key, "year"], as_index=False)[["openings", "seekers"]].sum()
            extra.append(sub.assign(region=parent))
        g = pd.concat([g, *extra], ignore_index=True)
        g["ratio_ds"] = g["openings"] / g["seekers"].where(g["seekers"] > 0)
        g = g.sort_values(["region", key, "year"]).reset_index(drop=True)
        trends = np.full(len(g), np.nan)
        for _, idx in g.groupby(["region", key]).indices.items():
            yrs, ratio = g["year"].to_numpy(float)[idx], g["ratio_ds"].to_numpy(float)[idx]
            for j, pos in enumerate(idx):
                sel = (yrs > yrs[j] - window) & (yrs <= yrs[j])
                trends[pos] = _slope(yrs[sel], ratio[sel])
        g["trend"] = trends
        g["key_type"] = key
        parts.append(g)
    cols = ["region", "occupation", "industry", "year", "openings", "seekers", "ratio_ds", "trend", "key_type"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    for c in ("occupation", "industry"):
        if c not in out:
            out[c] = None
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out[cols]
