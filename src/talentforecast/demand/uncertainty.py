"""Parameter uncertainty of the demand stage: draws sampled jointly with the forecast paths,
and one-at-a-time sensitivity of the point figures.

Each assumed parameter has a central value and a range in the shipped data
(``replacement_rates.csv`` rate_low/rate_high, ``vocational_shares.csv`` share factors,
``parameter_ranges.toml`` entrant_share). With ``sample_parameters`` every sample path p draws

- ρ[i, p] per industry (shared by its districts), triangular(rate_low, rate, rate_high);
- a factor f[i, p] on the vocational shares v[i, ·] of industry i, triangular(low, 1, high);
- e[p], the entrant share, triangular(low, central, high);

from its own seeded generator, so the forecast paths themselves do not change. Vocational
openings of path p are O[r,i,p] · v[i,l] · f[i,p] · e[p]; the point path keeps the central
values. The crosswalk weights w enter as one lognormal factor per specialty and path (mean 1,
``[crosswalk] relative_sd``), applied to its demand paths (not renormalised; see the TOML).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError, show_value

RANGES = Path(__file__).parent / "data" / "parameter_ranges.toml"
_SEED_OFFSET = 104_729  # parameter draws use their own stream: the forecast paths stay as they were


def triangular_ppf(u: np.ndarray, low, mode, high) -> np.ndarray:
    """Inverse CDF of the triangular distribution (elementwise; low == high gives the constant).

    Example:
        >>> triangular_ppf(np.array([0.0, 0.5, 1.0]), 0.25, 0.35, 0.5).round(4).tolist()
        [0.25, 0.3631, 0.5]
    """
    u, a, c, b = (np.asarray(x, float) for x in (u, low, mode, high))
    width = b - a
    fc = np.divide(c - a, width, out=np.zeros(np.broadcast(u, width).shape), where=width > 0)
    left = a + np.sqrt(np.maximum(u * width * (c - a), 0.0))
    right = b - np.sqrt(np.maximum((1 - u) * width * (b - c), 0.0))
    return np.where(width > 0, np.where(u < fc, left, right), c + 0 * u)


def entrant_share_range(path: str | Path | None = None, central: float | None = None) -> dict:
    """The entrant-share range (central, low, high, basis) from ``parameter_ranges.toml``.

    A ``central`` other than the shipped one keeps the shipped range, widened to contain it.

    Example:
        >>> r = entrant_share_range()
        >>> r["central"], r["low"], r["high"]
        (0.35, 0.25, 0.5)
    """
    path = Path(path) if path is not None else RANGES
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))["entrant_share"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        raise ConfigError(f"{path}: cannot read [entrant_share] (central, low, high, basis): {e}",
                          zh=f"{path}：无法读取 [entrant_share] 表（central、low、high、basis）：{e}") from e
    out = {k: raw.get(k) for k in ("central", "low", "high", "basis")}
    for k in ("central", "low", "high"):
        v = out[k]
        if not isinstance(v, int | float) or isinstance(v, bool) or not 0 < v <= 1:
            raise ConfigError(f"{path}: key 'entrant_share.{k}': got {v!r}; expected a number in (0, 1]",
                              zh=f"{path}：配置项 entrant_share.{k} 的值为 {show_value(v)}；应为大于 0、不超过 1 的数")
    if not out["low"] <= out["central"] <= out["high"]:
        raise ConfigError(f"{path}: key 'entrant_share': expected low <= central <= high",
                          zh=f"{path}：配置项 entrant_share 的取值应满足 low <= central <= high"
                          f"（现为 low {out['low']}、central {out['central']}、high {out['high']}）")
    if central is not None:
        out["low"], out["high"], out["central"] = min(out["low"], central), max(out["high"], central), central
    return out


def crosswalk_sd(path: str | Path | None = None) -> float:
    """Relative sd of the crosswalk-weight factor from ``parameter_ranges.toml [crosswalk]``.

    Example:
        >>> crosswalk_sd()
        0.3
    """
    path = Path(path) if path is not None else RANGES
    try:
        v = tomllib.loads(path.read_text(encoding="utf-8")).get("crosswalk", {}).get("relative_sd", 0.0)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read [crosswalk] relative_sd: {e}",
                          zh=f"{path}：无法读取 [crosswalk] 表的 relative_sd：{e}") from e
    if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 2:
        raise ConfigError(f"{path}: key 'crosswalk.relative_sd': got {v!r}; expected a number in [0, 2]",
                          zh=f"{path}：配置项 crosswalk.relative_sd 的值为 {show_value(v)}；应为 0 到 2 之间的数")
    return float(v)


def _lognormal_sigma(rel_sd: float) -> float:
    return float(np.sqrt(np.log1p(rel_sd ** 2)))


def crosswalk_factors(specialties, rel_sd: float, n_paths: int, seed: int) -> dict[str, np.ndarray]:
    """One lognormal factor per specialty and path, mean 1 and relative sd ``rel_sd``.

    Example:
        >>> f = crosswalk_factors(["460103"], 0.3, 20000, 0)["460103"]
        >>> round(float(f.mean()), 2), round(float(f.std() / f.mean()), 1)
        (1.0, 0.3)
    """
    rng = np.random.default_rng(seed + 2 * _SEED_OFFSET)
    sig = _lognormal_sigma(rel_sd)
    return {s: np.exp(sig * rng.standard_normal(n_paths) - sig ** 2 / 2) for s in sorted(set(specialties))}


def draw_parameters(keys: pd.DataFrame, rates: pd.DataFrame, shares: pd.DataFrame, entrant: dict,
                    n_paths: int, seed: int) -> dict[str, np.ndarray]:
    """ρ draws (leaves × paths) and the per-path scale of vocational openings (leaves × paths).

    Example:
        >>> from talentforecast.demand.params import replacement_rates, vocational_shares
        >>> k = pd.DataFrame({"region": ["1", "2"], "industry": ["C", "C"]})
        >>> d = draw_parameters(k, replacement_rates(), vocational_shares(), entrant_share_range(), 500, 0)
        >>> d["rho"].shape, bool((d["rho"][0] == d["rho"][1]).all()), bool(0.02 <= d["rho"].min())
        ((2, 500), True, True)
    """
    from talentforecast.demand.params import rates_for, section_of

    rng = np.random.default_rng(seed + _SEED_OFFSET)
    inds = list(dict.fromkeys(keys["industry"]))
    u_rho = {i: rng.random(n_paths) for i in inds}
    u_v = {i: rng.random(n_paths) for i in inds}
    u_e = rng.random(n_paths)
    lo, mid, hi = (rates_for(keys, rates, c) for c in ("rate_low", "rate", "rate_high"))
    rho = np.vstack([triangular_ppf(u_rho[i], lo[j], mid[j], hi[j]) for j, i in enumerate(keys["industry"])])
    fac = shares.drop_duplicates("industry").set_index("industry")[["low_factor", "high_factor"]]
    f = {}
    for i in inds:
        row = fac.loc[i] if i in fac.index else fac.loc[section_of(i)]
        f[i] = triangular_ppf(u_v[i], row["low_factor"], 1.0, row["high_factor"])
    e = triangular_ppf(u_e, entrant["low"], entrant["central"], entrant["high"]) / entrant["central"]
    scale = np.vstack([f[i] * e for i in keys["industry"]])
    return {"rho": rho, "scale": scale}


def _roots(regions: pd.DataFrame | None, leaves: list[str]) -> list[str]:
    from talentforecast.demand.paths import region_descendants

    desc = region_descendants(regions, leaves)
    return [r for r, m in desc.items() if not any(set(m) < set(m2) for m2 in desc.values())]


def demand_sensitivity(emp, rates: pd.DataFrame, shares: pd.DataFrame, entrant: dict, crosswalk: pd.DataFrame,
                       regions: pd.DataFrame | None, scenario: str = "baseline",
                       crosswalk_rel_sd: float = 0.0) -> pd.DataFrame:
    """Point demand of the planning region(s) with each parameter at its low and high end, the others central.

    ``shares`` are the vocational shares already multiplied by the central entrant share (as used
    by the run). Rows: parameter (``central``, ``replacement_rate``, ``vocational_share``,
    ``entrant_share``, ``crosswalk_weight`` at the 5 % / 95 % quantiles of its factor, specialty
    demand only), setting (central/low/high), quantity (``openings`` all industries,
    ``vocational_openings`` per level, ``specialty_demand`` per specialty), region, specialty
    (``_T`` for totals), level, year, value. Forecast years only.
    """
    from talentforecast.demand.allocation import specialty_matrix, vocational_matrix
    from talentforecast.demand.openings import _net_openings, planning_groups
    from talentforecast.demand.params import rates_for, section_of
    from talentforecast.demand.paths import aggregator

    keys = emp.keys
    groups = planning_groups(keys, regions)
    fut = ~emp.observed[1:]
    years = emp.years[1:][fut]
    vkeys, mv = vocational_matrix(keys, shares)
    skeys, ms, _ = specialty_matrix(vkeys, crosswalk)
    roots = set(_roots(regions, list(dict.fromkeys(keys["region"]))))
    akeys, agg = aggregator(skeys, ["specialty", "level"], regions)
    pick = np.flatnonzero(akeys["region"].isin(roots).to_numpy())
    akeys, agg = akeys.iloc[pick].reset_index(drop=True), agg[pick]
    vk, vagg = aggregator(vkeys, ["level"], regions)
    vpick = np.flatnonzero(vk["region"].isin(roots).to_numpy())
    vk, vagg = vk.iloc[vpick].reset_index(drop=True), vagg[vpick]
    leaf_root = {}
    for r in roots:
        from talentforecast.demand.paths import region_descendants

        for m in region_descendants(regions, list(dict.fromkeys(keys["region"])))[r]:
            leaf_root[m] = r
    fac = shares.drop_duplicates("industry").set_index("industry")[["low_factor", "high_factor"]]

    def factor(col: str) -> np.ndarray:
        return np.array([fac.loc[i, col] if i in fac.index else fac.loc[section_of(i), col]
                         for i in keys["industry"]], float)

    rho_c = rates_for(keys, rates)
    settings = [("central", "central", "", rho_c, np.ones(len(keys)))]
    for s, col in (("low", "rate_low"), ("high", "rate_high")):
        settings.append(("replacement_rate", s, f"ρ[i] = {col}", rates_for(keys, rates, col), np.ones(len(keys))))
    for s, col in (("low", "low_factor"), ("high", "high_factor")):
        settings.append(("vocational_share", s, f"v[i,·] × {col}", rho_c, factor(col)))
    for s in ("low", "high"):
        settings.append(("entrant_share", s, f"e = {entrant[s]:g}", rho_c,
                         np.full(len(keys), entrant[s] / entrant["central"])))
    rows = []
    prev, cur = emp.point[:, :-1], emp.point[:, 1:]
    for param, setting, desc, rho, scale in settings:
        o = _net_openings(cur - prev + rho[:, None] * prev, groups)[:, fut]
        o_root = pd.DataFrame(o).groupby(keys["region"].map(leaf_root).to_numpy()).sum()
        v = vagg @ (mv @ (o * scale[:, None]))
        d = agg @ (ms @ (mv @ (o * scale[:, None])))
        for r in o_root.index:
            for t, y in enumerate(years):
                rows.append((param, setting, desc, "openings", r, "_T", "", int(y), float(o_root.loc[r, t])))
        for k, (r, lv) in enumerate(vk[["region", "level"]].itertuples(index=False)):
            rows += [(param, setting, desc, "vocational_openings", r, "_T", lv, int(y), float(v[k, t]))
                     for t, y in enumerate(years)]
        for k, (r, sp, lv) in enumerate(akeys[["region", "specialty", "level"]].itertuples(index=False)):
            rows += [(param, setting, desc, "specialty_demand", r, sp, lv, int(y), float(d[k, t]))
                     for t, y in enumerate(years)]
    if crosswalk_rel_sd > 0:
        sig = _lognormal_sigma(crosswalk_rel_sd)
        central = [r for r in rows if r[0] == "central" and r[3] == "specialty_demand"]
        for setting, z in (("low", -1.6449), ("high", 1.6449)):
            f = float(np.exp(z * sig - sig ** 2 / 2))
            rows += [("crosswalk_weight", setting, f"w[s,·] × {f:.2f}", *r[3:8], r[8] * f) for r in central]
    out = pd.DataFrame(rows, columns=["parameter", "setting", "parameter_value", "quantity", "region", "specialty",
                                      "level", "year", "value"])
    out["scenario"] = scenario
    return out
