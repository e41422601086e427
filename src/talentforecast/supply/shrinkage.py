"""Ratio estimates per specialty, shrunk toward their group (empirical Bayes / credibility).

Used for completion rates (graduates in t+L / entrants in t) and further-study rates
(further_study / graduates). For specialty ``s`` in group ``g`` (专业大类 = code[:2] or
专业类 = code[:4]) with ``n_s`` periods observed::

    raw_s  = sum(num_s) / sum(den_s)                  (weighted by the denominator)
    w_s    = n_s / (n_s + k)                          (k = prior strength, in periods)
    rate_s = w_s * raw_s + (1 - w_s) * rate_g
    var_s  = w_s * v_s  + (1 - w_s) * v_g             (v = period-to-period variance of the ratio)

``rate_g`` is itself the group's raw rate shrunk toward the level's rate the same way.
With ``k = "auto"``, k is Bühlmann's EPV / VHM estimated per level from the data.

Example:
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"specialty": ["610101"] * 2 + ["610102"] * 4, "level": "中职",
    ...                     "period": [2015, 2016, 2015, 2016, 2017, 2018],
    ...                     "num": [90, 80, 70, 70, 70, 70], "den": [100] * 6})
    >>> r = shrunk_rates(obs, prior_strength=2.0, group="category", min_sd=0.0,
    ...                  default_rate={"中职": 0.8})
    >>> round(float(r.loc[r.specialty == "610101", "rate"].iloc[0]), 4)  # 0.5*0.85 + 0.5*0.75
    0.8
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RATE_COLUMNS = ["level", "specialty", "group", "n_periods", "numerator", "denominator", "raw_rate",
                "group_rate", "weight", "rate", "sd", "source"]


def group_of(specialty: pd.Series, group: str) -> pd.Series:
    """Group code of each 6-digit specialty: 专业大类 (``code[:2]``) or 专业类 (``code[:4]``)."""
    return specialty.astype(str).str[: 2 if group == "category" else 4]


def _wvar(ratio: np.ndarray, weight: np.ndarray) -> float:
    if len(ratio) < 2 or weight.sum() <= 0:
        return np.nan
    mean = np.average(ratio, weights=weight)
    # unbiased-ish: scale the weighted variance by n/(n-1)
    return float(np.average((ratio - mean) ** 2, weights=weight) * len(ratio) / (len(ratio) - 1))


def _per_unit(obs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = []
    for key, g in obs.groupby(keys, sort=True):
        g = g[g["den"] > 0]
        if g.empty:
            continue
        num, den = g["num"].to_numpy(float), g["den"].to_numpy(float)
        rows.append((*(key if isinstance(key, tuple) else (key,)), len(g), num.sum(), den.sum(), num.sum() / den.sum(),
                     _wvar(num / den, den)))
    return pd.DataFrame(rows, columns=[*keys, "n", "num", "den", "raw", "var"])


def _buhlmann_k(units: pd.DataFrame) -> float:
    within = units["var"].dropna()
    if len(units) < 2 or within.empty:
        return 1e6
    epv = float(within.mean())
    vhm = float(units["raw"].var(ddof=1)) - epv / float(units["n"].mean())
    return float(epv / vhm) if vhm > 0 else 1e6


def shrunk_rates(obs: pd.DataFrame, prior_strength: float | str, group: str, min_sd: float,
                 default_rate: dict[str, float], specialties: pd.DataFrame | None = None,
                 window: int = 0) -> pd.DataFrame:
    """Shrunk ratio per (level, specialty) from ``obs`` (specialty, level, period, num, den).

    ``specialties`` (level, specialty) lists units that need a rate even without data; they
    get their group's (or level's, or the default) rate. ``window > 0`` keeps only the last
    ``window`` periods of each level (for trending rates or a break in definitions).
    Returns :data:`RATE_COLUMNS`.
    """
    if window and len(obs):
        obs = obs[obs["period"] > obs.groupby("level")["period"].transform("max") - window]
    obs = obs.assign(group=group_of(obs["specialty"], group))
    spec = _per_unit(obs, ["level", "group", "specialty"])
    grp = _per_unit(obs, ["level", "group"])
    lev = _per_unit(obs, ["level"])
    # pooled within-specialty variance is the best guess of a group's period-to-period variance
    pooled = spec.groupby(["level", "group"])["var"].mean()
    grp["var"] = [pooled.get((lv, g), np.nan) if not np.isnan(pooled.get((lv, g), np.nan)) else v
                  for lv, g, v in zip(grp["level"], grp["group"], grp["var"], strict=True)]
    lev_var = spec.groupby("level")["var"].mean()
    lev["var"] = [lev_var.get(lv, np.nan) if not np.isnan(lev_var.get(lv, np.nan)) else v
                  for lv, v in zip(lev["level"], lev["var"], strict=True)]

    units = spec[["level", "group", "specialty"]]
    if specialties is not None and len(specialties):
        extra = specialties[["level", "specialty"]].drop_duplicates().assign(
            group=lambda d: group_of(d["specialty"], group))
        units = pd.concat([units, extra]).drop_duplicates(["level", "specialty"])
    out = []
    # one lookup per specialty (a boolean mask over ``spec`` per specialty was quadratic)
    spec_rows = {(lv, sp): r for lv, sp, r in zip(spec["level"], spec["specialty"], spec.itertuples(index=False),
                                                   strict=True)}
    for level, lunits in units.groupby("level", sort=True):
        k = _buhlmann_k(spec[spec.level == level]) if prior_strength == "auto" else float(prior_strength)
        lrow = lev[lev.level == level]
        if lrow.empty:
            l_rate, l_var, l_src = float(default_rate[level]), np.nan, "default"
        else:
            l_rate, l_var, l_src = float(lrow["raw"].iloc[0]), float(lrow["var"].iloc[0]), "level"
        for g, gunits in lunits.groupby("group", sort=True):
            grow = grp[(grp.level == level) & (grp.group == g)]
            if grow.empty:
                g_rate, g_var, g_src = l_rate, l_var, l_src
            else:
                n_g = float(grow["n"].iloc[0])
                wg = n_g / (n_g + k) if n_g + k > 0 else 1.0
                g_rate = wg * float(grow["raw"].iloc[0]) + (1 - wg) * l_rate
                gv = float(grow["var"].iloc[0])
                g_var = gv if np.isnan(l_var) else (l_var if np.isnan(gv) else wg * gv + (1 - wg) * l_var)
                g_src = "group"
            for s in sorted(gunits["specialty"]):
                srow = spec_rows.get((level, s))
                if srow is None:
                    out.append((level, s, g, 0, 0.0, 0.0, np.nan, g_rate, 0.0, g_rate, g_var, g_src))
                    continue
                n = float(srow.n)
                w = n / (n + k) if n + k > 0 else 1.0
                raw, v = float(srow.raw), float(srow.var)
                var = g_var if np.isnan(v) else (v if np.isnan(g_var) else w * v + (1 - w) * g_var)
                out.append((level, s, g, int(n), float(srow.num), float(srow.den),
                            raw, g_rate, w, w * raw + (1 - w) * g_rate, var, "specialty"))
    res = pd.DataFrame(out, columns=RATE_COLUMNS)
    res["sd"] = np.maximum(np.sqrt(res["sd"].fillna(0.0)), min_sd)
    return res
