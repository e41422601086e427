"""Specialty → industry weights from graduate destinations (毕业去向行业), with the rules as prior.

Each specialty s has a destination distribution θ_s over industries (the share of its employed
graduates in each industry). Its prior is the rule crosswalk, row-normalised: π_s[i] =
w_rule[s,i] / r_s with r_s = Σ_i w_rule[s,i], the "mass" the rules give the specialty. With
prior strength κ (pseudo-graduates, ``[destinations] prior_strength`` in
``data/parameter_ranges.toml``) and the observed counts n_s[i] of the ``destinations`` table
(summed over the last ``window`` years and the regions), the posterior is

    θ_s ~ Dirichlet(κ · π_s + n_s),   posterior mean (κ · π_s[i] + n_s[i]) / (κ + N_s).

A specialty without destination rows keeps θ_s = π_s exactly; with evidence θ_s moves toward its
graduates' destinations as N_s grows. Allocation weights are then m_s · θ_s[i] renormalised over
the specialties of each (industry, level), with m_s = r_s, so without any evidence the allocation
is the rule crosswalk itself and Σ_s D[s] = V[i, level] still holds.

Per sample path the weights are drawn: θ_s from its Dirichlet and the mass m_s with the lognormal
factor of ``[crosswalk] relative_sd``; the draw enters the specialty's demand paths as the ratio
of its demand under the drawn weights to its demand under the central weights, evaluated at the
central vocational openings of the planning area over the forecast years (one factor per
specialty and path, renormalised per industry and level on every path).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError, show_value

_SEED_OFFSET = 3 * 104_729  # own stream: the forecast paths and the other parameter draws stay as they were


def destination_settings(path: str | Path | None = None) -> dict:
    """``prior_strength`` (κ) and ``window`` (years) from ``parameter_ranges.toml [destinations]``.

    Example:
        >>> s = destination_settings()
        >>> s["prior_strength"], s["window"]
        (30.0, 5)
    """
    from talentforecast.demand.uncertainty import RANGES

    path = Path(path) if path is not None else RANGES
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")).get("destinations", {})
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read [destinations]: {e}",
                          zh=f"{path}：无法读取 [destinations] 表（{e}）") from e
    k, w = raw.get("prior_strength", 30.0), raw.get("window", 5)
    if not isinstance(k, int | float) or isinstance(k, bool) or not k > 0:
        raise ConfigError(f"{path}: key 'destinations.prior_strength': got {k!r}; expected a number > 0",
                          zh=f"{path}：配置项 destinations.prior_strength 的值为 {show_value(k)}；应为大于 0 的数")
    if not isinstance(w, int) or isinstance(w, bool) or w < 1:
        raise ConfigError(f"{path}: key 'destinations.window': got {w!r}; expected an integer >= 1",
                          zh=f"{path}：配置项 destinations.window 的值为 {show_value(w)}；应为不小于 1 的整数")
    return {"prior_strength": float(k), "window": int(w)}


def destination_counts(dest: pd.DataFrame | None, present: set[str], window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Employed graduates per (specialty, level, industry) over the last ``window`` years.

    Industries are mapped onto those of the employment table (a division to its section when the
    table is kept by section). Returns the counts and the rows that could not be mapped
    (industry not in the employment table), which are reported, never dropped silently.

    Example:
        >>> d = pd.DataFrame({"specialty": "1", "level": "中职", "year": [2023, 2024, 2024],
        ...                   "industry": ["C", "36", "Z"], "employed": [5.0, 3.0, 1.0]})
        >>> n, bad = destination_counts(d, {"C"}, 5)
        >>> n.values.tolist(), bad["employed"].tolist()
        ([['1', '中职', 'C', 8.0]], [1.0])
    """
    from talentforecast.demand.params import section_of

    cols = ["specialty", "level", "industry", "employed"]
    if dest is None or not len(dest):
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=cols)
    d = dest[dest["year"] > int(dest["year"].max()) - window].copy()
    d["specialty"] = d["specialty"].astype(str)
    d["industry"] = [i if i in present else (section_of(i) if len(i) == 2 and i.isdigit() else i)
                     for i in d["industry"].astype(str)]
    ok = d["industry"].isin(present)
    n = d[ok].groupby(["specialty", "level", "industry"], as_index=False, sort=True)["employed"].sum()
    bad = d[~ok].groupby(["specialty", "level", "industry"], as_index=False, sort=True)["employed"].sum()
    return n[cols], bad[cols]


def posterior_weights(cw: pd.DataFrame, counts: pd.DataFrame, kappa: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Posterior allocation weights and the ``allocation_evidence`` table.

    ``cw`` is the rule crosswalk with ``weight_used`` (normalised per industry × level, as from
    :func:`~talentforecast.demand.allocation.normalise_weights`); ``counts`` as from
    :func:`destination_counts`. Returns a crosswalk (specialty, industry, level, weight,
    weight_used, weight_rule, theta, theta_prior, alpha) and per specialty × level: source
    (evidence/rules), n_observed, prior_strength, tv_distance (½·Σ|θ − π|).

    Example:
        >>> cw = pd.DataFrame({"specialty": ["a", "a", "b", "b"], "industry": ["C", "G"] * 2,
        ...                    "level": "中职", "weight_used": [0.5, 0.5, 0.5, 0.5]})
        >>> n = pd.DataFrame({"specialty": ["a"], "level": ["中职"], "industry": ["C"], "employed": [90.0]})
        >>> w, ev = posterior_weights(cw, n, 10.0)
        >>> w.set_index(["specialty", "industry"])["theta"].round(2).tolist()
        [0.95, 0.05, 0.5, 0.5]
        >>> ev["source"].tolist(), ev["tv_distance"].round(2).tolist()
        (['evidence', 'rules'], [0.45, 0.0])
    """
    base = cw[["specialty", "industry", "level", "weight_used"]].rename(columns={"weight_used": "weight_rule"})
    base = base.astype({"specialty": str, "industry": str, "level": str})  # an empty crosswalk has float columns
    base = base.groupby(["specialty", "industry", "level"], as_index=False, sort=False)["weight_rule"].sum()
    specs = base[["specialty", "level"]].drop_duplicates()
    n = counts.merge(specs, on=["specialty", "level"])  # counts of specialties not allocated stay out of w
    n = n.astype({"specialty": str, "industry": str, "level": str, "employed": float})
    w = base.merge(n, on=["specialty", "industry", "level"], how="outer").fillna({"weight_rule": 0.0, "employed": 0.0})
    mass = w.groupby(["specialty", "level"])["weight_rule"].transform("sum")
    w["theta_prior"] = np.where(mass > 0, w["weight_rule"] / mass.where(mass > 0, 1), 0.0)
    n_s = w.groupby(["specialty", "level"])["employed"].transform("sum")
    w["alpha"] = kappa * w["theta_prior"] + w["employed"]
    w["theta"] = w["alpha"] / (kappa + n_s)
    w["mass"] = mass
    w["weight"] = w["mass"] * w["theta"]
    tot = w.groupby(["industry", "level"])["weight"].transform("sum")
    w["weight_used"] = np.where(tot > 0, w["weight"] / tot.where(tot > 0, 1), 0.0)
    w["n_observed"] = n_s
    w = w.sort_values(["level", "specialty", "industry"], kind="stable").reset_index(drop=True)
    ev = w.assign(diff=(w["theta"] - w["theta_prior"]).abs()).groupby(["specialty", "level"], as_index=False, sort=False) \
        .agg(n_observed=("employed", "sum"), tv_distance=("diff", "sum"), industries=("industry", "size"))
    ev["tv_distance"] = ev["tv_distance"] / 2
    ev["source"] = np.where(ev["n_observed"] > 0, "evidence", "rules")
    ev["prior_strength"] = kappa
    ev["posterior_weight_of_evidence"] = ev["n_observed"] / (kappa + ev["n_observed"])
    ev = ev[["specialty", "level", "source", "n_observed", "prior_strength", "posterior_weight_of_evidence",
             "tv_distance", "industries"]]
    return w.drop(columns=["employed"]), ev


def weight_factors(w: pd.DataFrame, v_central: pd.DataFrame, mass_rel_sd: float, n_paths: int,
                   seed: int) -> dict[str, np.ndarray]:
    """Per specialty, its demand under drawn weights over its demand under the central weights.

    ``w`` from :func:`posterior_weights`; ``v_central`` has (industry, level, value): central
    vocational openings of the planning area summed over the forecast years. θ_s is drawn from
    Dirichlet(alpha_s) and the mass with a lognormal factor (mean 1, relative sd ``mass_rel_sd``);
    the drawn weights are renormalised per (industry, level) on each path.

    Example:
        >>> w = pd.DataFrame({"specialty": ["a", "b"], "industry": "C", "level": "中职",
        ...                   "alpha": [5.0, 5.0], "mass": 1.0, "weight_used": 0.5})
        >>> v = pd.DataFrame({"industry": ["C"], "level": ["中职"], "value": [100.0]})
        >>> f = weight_factors(w, v, 0.3, 4000, 0)
        >>> round(float((f["a"] + f["b"]).std()), 6), round(float(f["a"].mean()), 1)
        (0.0, 1.0)
    """
    from talentforecast.demand.uncertainty import _lognormal_sigma

    if w.empty:  # no specialty is allocated: nothing to draw
        return {}
    rng = np.random.default_rng(seed + _SEED_OFFSET)
    keys = list(dict.fromkeys(zip(w["specialty"], w["level"], strict=True)))
    pairs = list(dict.fromkeys(zip(w["industry"], w["level"], strict=True)))
    ks, ps = {k: j for j, k in enumerate(keys)}, {k: j for j, k in enumerate(pairs)}
    rows = np.array([ks[k] for k in zip(w["specialty"], w["level"], strict=True)])
    cols = np.array([ps[k] for k in zip(w["industry"], w["level"], strict=True)])
    alpha = w["alpha"].to_numpy(float)
    # Dirichlet via normalised gammas, one draw per (specialty, industry) cell and path
    g = rng.standard_gamma(np.where(alpha > 0, alpha, 1.0)[:, None], size=(len(w), n_paths)) * (alpha > 0)[:, None]
    gsum = np.zeros((len(keys), n_paths))
    np.add.at(gsum, rows, g)
    theta = g / np.where(gsum[rows] > 0, gsum[rows], 1.0)
    sig = _lognormal_sigma(mass_rel_sd)
    mfac = np.exp(sig * rng.standard_normal((len(keys), n_paths)) - sig ** 2 / 2)
    wd = w["mass"].to_numpy(float)[:, None] * mfac[rows] * theta
    tot = np.zeros((len(pairs), n_paths))
    np.add.at(tot, cols, wd)
    wd = wd / np.where(tot[cols] > 0, tot[cols], 1.0)
    vv = v_central.groupby(["industry", "level"])["value"].sum()
    vcol = np.array([float(vv.get(p, 0.0)) for p in pairs])[cols]
    d = np.zeros((len(keys), n_paths))
    np.add.at(d, rows, wd * vcol[:, None])
    d0 = np.zeros(len(keys))
    np.add.at(d0, rows, w["weight_used"].to_numpy(float) * vcol)
    out = {}
    for (s, _lv), j in ks.items():
        out[s] = d[j] / d0[j] if d0[j] > 0 else np.ones(n_paths)
    return out


def level_split(shares: pd.DataFrame, dest: pd.DataFrame | None, kappa: float, window: int) -> pd.DataFrame:
    """Vocational shares v[i, level] with the split across levels updated by observed destinations.

    The total Σ_l v[i, l] of each industry stays as shipped; its split across 中职 / 高职专科 /
    职业本科 is a Dirichlet posterior with the shipped split as prior (strength ``kappa``) and the
    employed graduates of ``dest`` per industry (GB/T section) × level as counts. Adds
    ``share_shipped``, ``n_observed`` and ``split_source`` (destinations/shipped).

    Caution: the destinations count the region's own graduates, so the observed split follows
    the local supply mix by level; used only when asked (demand param ``level_split``).

    Example:
        >>> sh = pd.DataFrame({"industry": "C", "level": ["中职", "高职专科"], "share": [0.2, 0.2],
        ...                    "low_factor": 0.7, "high_factor": 1.3})
        >>> d = pd.DataFrame({"industry": "C", "level": ["高职专科"], "year": [2024], "employed": [1000.0]})
        >>> level_split(sh, d, 30.0, 5)["share"].round(3).tolist()
        [0.006, 0.394]
    """
    from talentforecast.demand.params import section_of

    out = shares.copy()
    out["share_shipped"] = out["share"]
    out["n_observed"] = 0.0
    out["split_source"] = "shipped"
    if dest is None or not len(dest):
        return out
    d = dest[dest["year"] > int(dest["year"].max()) - window]
    d = d.assign(industry=[i if not (len(i) == 2 and i.isdigit()) else section_of(i) for i in d["industry"].astype(str)])
    n = d.groupby(["industry", "level"])["employed"].sum()
    for i, idx in out.groupby("industry").groups.items():
        rows = out.loc[idx]
        counts = np.array([float(n.get((i, lv), 0.0)) for lv in rows["level"]])
        total = rows["share"].sum()
        if counts.sum() == 0 or total == 0:
            continue
        post = (kappa * rows["share"].to_numpy() / total + counts) / (kappa + counts.sum())
        out.loc[idx, "share"] = total * post
        out.loc[idx, "n_observed"] = counts
        out.loc[idx, "split_source"] = "destinations"
    return out
