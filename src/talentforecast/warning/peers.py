"""Observed indicators relative to their peers, and small-cohort shrinkage.

Peers of a specialty are the other specialties of the same region, level and 专业大类 (the
2-digit category) in the same year; when fewer than ``min_peers`` of them have data, the whole
level in the region is used. For each rate ``R`` (one value a year):

- ``R_peer_gap``: R − the graduate-weighted mean of its peers that year (leave-one-out), so a
  shock common to all (a COVID year) moves R and its peers alike and leaves the gap unchanged;
- ``R_peer_pct``: the share of peers with a lower rate that year (0 = lowest, 1 = highest);
- ``R_adjusted``: R with the year's common shock removed, R − (peer mean that year − the peers'
  mean over all years), to be read against the same absolute standards (e.g. 60 %); R itself
  when there are no peers.

Rates of small cohorts are noisy: their probabilities use a beta posterior shrunk toward the
peer mean with a strength ``kappa`` (pseudo-graduates) estimated per region × level from the
spread of the rates beyond binomial noise (beta-binomial method of moments).

Example:
    >>> q = pd.DataFrame({"region": "R", "specialty": ["51A", "51B", "51C"], "level": "高职专科",
    ...                   "year": 2023, "graduates": 100.0, "employment_rate": [0.5, 0.7, 0.9]})
    >>> p = add_peer_columns(q, ["employment_rate"], min_peers=1)
    >>> p["employment_rate_peer_gap"].round(2).tolist(), p["employment_rate_peer_pct"].tolist()
    ([-0.3, 0.0, 0.3], [0.0, 0.5, 1.0])
"""

from __future__ import annotations

import pandas as pd

GROUP = ["_peer_region", "level", "year"]


def category(specialty: pd.Series, catalogue: pd.DataFrame | None = None) -> pd.Series:
    """The 专业大类 code of each specialty: the catalogue's category_code, else the 2-digit prefix.

    Example:
        >>> category(pd.Series(["51AB", "X"])).tolist()
        ['51', 'X']
    """
    cat = specialty.astype(str).str[:2]
    if catalogue is not None and {"specialty", "category_code"} <= set(catalogue.columns):
        known = dict(zip(catalogue["specialty"].astype(str), catalogue["category_code"].astype(str), strict=True))
        cat = specialty.astype(str).map(known).fillna(cat)
    return cat


def _loo(df: pd.DataFrame, by: list[str], col: str) -> tuple[pd.Series, pd.Series]:
    """Leave-one-out graduate-weighted mean of ``col`` within ``by`` and the number of others."""
    ok = df[col].notna() & (df["graduates"] > 0)
    w = df["graduates"].where(ok, 0.0)
    wx = (df[col] * w).where(ok, 0.0)
    g = df.assign(_w=w, _wx=wx, _n=ok.astype(int)).groupby(by)
    sw, swx, n = g["_w"].transform("sum") - w, g["_wx"].transform("sum") - wx, g["_n"].transform("sum") - ok
    return (swx / sw.where(sw > 0)), n


def _pct(df: pd.DataFrame, by: list[str], col: str) -> pd.Series:
    """Share of the others in the group with a strictly lower value (ties count half)."""
    r = df.groupby(by)[col].rank(method="average")
    n = df.groupby(by)[col].transform("count")
    return ((r - 1) / (n - 1).where(n > 1)).where(df[col].notna())


def add_peer_columns(q: pd.DataFrame, rates: list[str], catalogue: pd.DataFrame | None = None,
                     min_peers: int = 3, peer_region: dict | None = None) -> pd.DataFrame:
    """``q`` (region, specialty, level, year, graduates, rates…) with the peer columns added.

    ``peer_region`` maps a region to the region whose units are its peers (a 专业点's district)."""
    q = q.copy()
    q["_peer_region"] = q["region"].map(peer_region or {}).fillna(q["region"])
    q["_cat"] = category(q["specialty"], catalogue)
    for col in rates:
        if col not in q.columns:
            continue
        m_cat, n_cat = _loo(q, [*GROUP, "_cat"], col)
        m_lvl, n_lvl = _loo(q, GROUP, col)
        narrow = n_cat >= min_peers
        m_lvl = m_lvl.where(n_lvl >= min_peers)  # too few peers even in the level: no peer values
        mean = m_cat.where(narrow, m_lvl)
        pct = _pct(q, [*GROUP, "_cat"], col).where(narrow, _pct(q, GROUP, col).where(n_lvl >= min_peers))
        q[f"{col}_peer_mean"] = mean
        q[f"{col}_peer_gap"] = q[col] - mean
        q[f"{col}_peer_pct"] = pct
        # the common shock of a year: the peers' mean that year minus their mean over all years
        # the same unit's peer mean averaged over its years: the shock is this year's departure
        own = ["region", "specialty", "level"]
        shock = mean - q.assign(_m=mean).groupby(own)["_m"].transform("mean")
        # without peers no common shock can be estimated: the adjusted value is the raw one
        q[f"{col}_adjusted"] = q[col] - shock.fillna(0.0)
    return q.drop(columns="_cat")  # _peer_region stays: shrink_strength groups on it


def shrink_strength(q: pd.DataFrame, col: str, lo: float = 2.0, hi: float = 1000.0) -> pd.Series:
    """Beta-binomial prior strength kappa per row (one value per region × level), method of moments.

    kappa = m(1 − m) / tau² − 1, tau² = var(rates) − mean(binomial variance) across the
    specialty-years of the region and level; clipped to [lo, hi] (hi when rates vary no more
    than sampling noise, i.e. shrink strongly).

    Example:
        >>> q = pd.DataFrame({"region": "R", "level": "L", "graduates": 50.0,
        ...                   "r": [0.5, 0.6, 0.7, 0.8, 0.9]})
        >>> round(float(shrink_strength(q, "r").iloc[0]), 1)
        8.9
    """
    ok = q[col].notna() & (q["graduates"] > 0)
    by = "_peer_region" if "_peer_region" in q.columns else "region"
    x = q[col].astype(float).where(ok)
    n = q["graduates"].astype(float).where(ok)
    d = pd.DataFrame({"g1": q[by], "g2": q["level"], "x": x, "n": n, "xn": x * n,
                      "b": x.clip(0, 1) * (1 - x.clip(0, 1)) / n})
    g = d.groupby(["g1", "g2"])
    m = g["xn"].transform("sum") / g["n"].transform("sum")
    tau2 = g["x"].transform("var") - g["b"].transform("mean")
    kappa = (m * (1 - m) / tau2.where(tau2 > 0) - 1).clip(lo, hi)
    # rates that vary no more than sampling noise: shrink strongly
    kappa = kappa.where(tau2 > 0, hi).where(g["x"].transform("count") > 0)
    return kappa.where(g["x"].transform("count") > 1, hi).astype(float)
