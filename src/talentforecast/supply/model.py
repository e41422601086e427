"""The supply stage: one call from a bundle to the ``supply`` table and the rates it estimated.

Intervals come from a seeded Monte Carlo: entrant draws from the enrolment forecast, a
completion-rate draw per specialty and cohort (normal, cohort-to-cohort sd, truncated at 0,
shared by all regions) and a further-study draw per specialty and year (truncated to [0, 1]).
Parent regions sum their children draw by draw, so their bounds are proper bounds of the sum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.progress import track

from talentforecast.errors import InputError, Problem
from talentforecast.supply._engine import Forecaster
from talentforecast.supply.cohort import aggregate_enrolment, completion_rates
from talentforecast.supply.enrolment import KEY, forecast_enrolment
from talentforecast.supply.labour import add_other_sources, further_study_rates, other_sources_table
from talentforecast.supply.params import load_params


def _members(regions: pd.DataFrame | None, data_regions: set[str]) -> dict[str, set[str]]:
    """Each region → itself and all its descendants (parent = own rows + sum of children)."""
    children: dict[str, set[str]] = {}
    codes = set(data_regions)
    if regions is not None and len(regions):
        codes |= set(regions["region"].astype(str))
        if "parent" in regions.columns:
            for r, par in zip(regions["region"].astype(str), regions["parent"], strict=True):
                if isinstance(par, str) and par:
                    children.setdefault(par, set()).add(r)
                    codes.add(par)

    def walk(r: str, seen: tuple[str, ...]) -> set[str]:
        if r in seen:
            raise InputError([Problem("regions", "parent", None, r, "a region hierarchy without cycles",
                                      "不含循环的地区层级（上级地区不能绕回自身）")])
        out = {r}
        for c in children.get(r, ()):
            out |= walk(c, (*seen, r))
        return out

    return {r: walk(r, ()) for r in sorted(codes)}


def _bounds(draws: np.ndarray, level: tuple[int, ...], prefix: str = "") -> dict[str, np.ndarray]:
    """Quantile bounds over the draws axis: ``(n, h)`` → arrays ``(h,)``; ``(K, n, h)`` → ``(K, h)``."""
    qs = [q for lv in level for q in ((1 - lv / 100) / 2, 1 - (1 - lv / 100) / 2)]
    if draws.ndim == 3:  # many keys at once, each quantile over a contiguous row (same numbers)
        rows = np.ascontiguousarray(draws.transpose(0, 2, 1))
        quant = np.quantile(rows, qs, axis=2, overwrite_input=True)
    else:
        quant = np.quantile(draws, qs, axis=0)
    out = {}
    for i, lv in enumerate(level):
        out[f"{prefix}lo_{lv}"], out[f"{prefix}hi_{lv}"] = quant[2 * i], quant[2 * i + 1]
    return out


def _rollup(members: dict[str, set[str]], point: dict[tuple, np.ndarray], draws: dict[tuple, np.ndarray]):
    by_rest: dict[tuple, list[tuple]] = {}
    for key in point:
        by_rest.setdefault(key[1:], []).append(key)
    for region, mem in members.items():
        for rest, keys in by_rest.items():
            inside = [k for k in keys if k[0] in mem]
            if inside:
                yield (region, *rest), sum(point[k] for k in inside), sum(draws[k] for k in inside)


def compute_supply(bundle, horizon: int = 5, params: dict | str | None = None,
                   level: tuple[int, ...] = (80, 95), seed: int = 0, n_jobs: int = 1,
                   progress: bool = False, forecaster: Forecaster | None = None) -> dict[str, pd.DataFrame]:
    """Graduate and labour-market supply per region, specialty, level and year.

    Returns ``supply`` (region, specialty, level, year, graduates, value, lo_*/hi_*,
    graduates_lo_*/graduates_hi_*, unit, observed), ``completion_rates``,
    ``further_study_rates``, ``enrolment_forecast`` and ``participation``. Every region of
    ``bundle.get("regions")`` is included; a parent is the sum of its children.
    ``forecaster`` replaces :func:`talentforecast.forecasting.forecast` (same signature).

    Example:
        >>> import talentforecast as tf
        >>> from talentforecast.supply import compute_supply
        >>> out = compute_supply(tf.datasets.load_example(), horizon=3)  # doctest: +SKIP
        >>> out["supply"].query("not observed").head()  # doctest: +SKIP
    """
    if horizon < 1:
        raise InputError([Problem("<argument>", "horizon", None, horizon, "an integer >= 1", "不小于 1 的整数")])
    p = load_params(params)
    enrolment = bundle.get("enrolment")
    if enrolment is None or enrolment.empty:
        raise InputError([Problem("enrolment", None, None, None, "an enrolment table with rows",
                                  "有数据行的招生表")])
    lengths, retention, n = p["programme_length"], p["retention"], p["simulation"]["n_draws"]
    enf = forecast_enrolment(enrolment, horizon, bundle.get("population"), bundle.get("enrolment_plan"),
                             p, level, seed, n_jobs, progress, forecaster)
    specs = enf.table[["level", "specialty"]].drop_duplicates()
    comp = completion_rates(enrolment, p, specs)
    further = further_study_rates(bundle.get("outcomes"), p, specs)
    agg = aggregate_enrolment(enrolment)
    first, last = int(agg["year"].min()), int(agg["year"].max())
    years = enf.years
    short = [lv for lv in agg["level"].unique() if years[0] - lengths[lv] < first]
    if short:
        raise InputError([Problem("enrolment", "year", None, f"{first}-{last}",
                                  f"at least {lengths[lv]} years of entrants for level {lv} "
                                  f"(its programme length) before the forecast",
                                  f"预测开始前至少 {lengths[lv]} 年的{lv}招生数（即该层次的学制年数）")
                          for lv in short])
    entrants = agg.set_index([*KEY, "year"])["enrolled"]
    fut = enf.table[~enf.table["observed"]].set_index([*KEY, "year"])["value"]
    c_idx = comp.set_index(["level", "specialty"])
    f_idx = further.set_index(["level", "specialty"])
    rng = np.random.default_rng(seed + 1)
    ret_draw = retention_draws(p, n, seed)
    c_cache: dict[tuple, np.ndarray] = {}

    def completion_draw(lev: str, spec: str, cohort: int) -> np.ndarray:
        if (lev, spec, cohort) not in c_cache:
            r = c_idx.loc[(lev, spec)]
            c_cache[(lev, spec, cohort)] = np.maximum(r["rate"] + r["sd"] * rng.standard_normal(n), 0.0)
        return c_cache[(lev, spec, cohort)]

    keys = sorted(set(agg.set_index(KEY).index) | set(enf.draws))
    g_point, g_draws, s_point, s_draws = {}, {}, {}, {}
    f_draws = {}
    for key in track(keys, description="supply: cohorts", disable=not progress):
        _, lev, spec = key
        L = lengths[lev]
        rate, fs = float(c_idx.loc[(lev, spec), "rate"]), f_idx.loc[(lev, spec)]
        if (lev, spec) not in f_draws:
            f_draws[(lev, spec)] = np.clip(fs["rate"] + fs["sd"] * rng.standard_normal((n, horizon)), 0, 1)
        gp, gd = np.zeros(horizon), np.zeros((n, horizon))
        for j, year in enumerate(years):
            cohort = year - L
            if cohort <= last:
                e_point = float(entrants.get((*key, cohort), 0.0))
                e_draw = e_point
            else:
                e_point = float(fut.get((*key, cohort), 0.0))
                e_draw = enf.draws[key][:, cohort - last - 1] if key in enf.draws else 0.0
            gp[j] = e_point * rate
            gd[:, j] = e_draw * completion_draw(lev, spec, cohort) if e_point or np.any(e_draw) else 0.0
        g_point[key], g_draws[key] = gp, gd
        s_point[key] = gp * (1 - float(fs["rate"])) * retention[lev]
        s_draws[key] = gd * (1 - f_draws[(lev, spec)]) * ret_draw[lev][:, None]

    members = _members(bundle.get("regions"), set(agg["region"].astype(str)))
    grads = dict(((k, (pt, dr)) for k, pt, dr in _rollup(members, g_point, g_draws)))
    rolled = list(_rollup(members, s_point, s_draws))
    future = _future_frame([k for k, _, _ in rolled], years, {
        "graduates": np.array([grads[k][0] for k, _, _ in rolled]), "value": np.array([p for _, p, _ in rolled]),
        **_bounds(np.array([d for _, _, d in rolled]), level),
        **_bounds(np.array([grads[k][1] for k, _, _ in rolled]), level, "graduates_")}).assign(observed=False)
    history = _history(agg, further, retention, members, level)
    supply = pd.concat([history, future], ignore_index=True).assign(unit="persons")
    bcols = [f"{b}_{lv}" for lv in level for b in ("lo", "hi")]
    cols = ["region", "specialty", "level", "year", "graduates", "value", *bcols,
            *[f"graduates_{c}" for c in bcols], "unit", "observed"]
    supply = supply[cols].sort_values(["region", "level", "specialty", "year"]).reset_index(drop=True)
    supply["programme_status"] = programme_status(supply, agg, bundle.get("enrolment_plan"), members)
    # other supply taking the same jobs, each its own column; zero by default (an assumption)
    supply = add_other_sources(supply, p["other_sources"])
    return {"supply": supply, "supply_sources": other_sources_table(p["other_sources"]), "completion_rates": comp, "further_study_rates": further,
            "supply_parameters": supply_parameters(p),
            "enrolment_forecast": _rollup_enrolment(enf, members, level),
            "participation": enf.participation}


def retention_draws(p: dict, n: int, seed: int) -> dict[str, np.ndarray]:
    """Retention share per level and draw: triangular over ``[retention_range]`` (mode = ``[retention]``),
    one draw per level shared by every specialty and region; fixed when sampling is off.

    Example:
        >>> from talentforecast.supply.params import load_params
        >>> d = retention_draws(load_params(), 1000, 0)
        >>> bool(0.75 <= d["中职"].min() and d["中职"].max() <= 0.95), round(float(d["中职"].mean()), 2)
        (True, 0.85)
    """
    from talentforecast.demand.uncertainty import triangular_ppf

    rng = np.random.default_rng(seed + 7_777)  # own stream: the other draws stay as they were
    out = {}
    for lev, r in p["retention"].items():
        u = rng.random(n)
        lo, hi = p["retention_range"][lev] if p["simulation"]["sample_parameters"] else (r, r)
        out[lev] = triangular_ppf(u, lo, r, hi)
    return out


def supply_parameters(p: dict) -> pd.DataFrame:
    """The assumed supply parameters with their range and basis (one row per parameter × level).

    Example:
        >>> from talentforecast.supply.params import load_params
        >>> supply_parameters(load_params()).query("level == '中职'")[["central", "low", "high"]].values.tolist()
        [[0.85, 0.75, 0.95]]
    """
    rows = [("retention", lev, float(r), float(p["retention_range"][lev][0]), float(p["retention_range"][lev][1]),
             bool(p["simulation"]["sample_parameters"]),
             "judgement (params.toml [retention_range]); no destination survey shipped")
            for lev, r in p["retention"].items()]
    return pd.DataFrame(rows, columns=["parameter", "level", "central", "low", "high", "sampled", "basis"])


def programme_status(supply: pd.DataFrame, agg: pd.DataFrame, plan: pd.DataFrame | None,
                     members: dict[str, set[str]]) -> np.ndarray:
    """``enrolling`` or ``not_enrolling`` per supply row (DESIGN §3: a closed programme has no S/D band).

    A history year is not enrolling when the region's programme had no intake, no students and no
    graduates; a forecast year when its last observed intake was 0, no intake is planned and no
    cohort still in school graduates that year. A parent region enrols if any member does.

    Example:
        >>> agg = pd.DataFrame({"region": "a", "specialty": "1", "level": "中职", "year": [2023, 2024],
        ...                     "enrolled": [0, 0], "in_school": [10, 0], "graduates": [10, 0]})
        >>> sup = pd.DataFrame({"region": "a", "specialty": "1", "level": "中职", "year": [2023, 2024, 2025],
        ...                     "graduates": [10.0, 0.0, 0.0], "observed": [True, True, False]})
        >>> programme_status(sup, agg, None, {"a": {"a"}}).tolist()
        ['enrolling', 'not_enrolling', 'not_enrolling']
    """
    key = [*KEY, "year"]
    a = agg.assign(region=agg["region"].astype(str))
    idle_hist = a.set_index(key)[["enrolled", "in_school", "graduates"]].fillna(0).sum(axis=1) == 0
    last = a.sort_values("year").groupby(KEY)["enrolled"].last()
    stopped = set(last.index[last.fillna(0) == 0])
    if plan is not None and len(plan):
        p = plan[plan["planned"] > 0].assign(region=lambda d: d["region"].astype(str))
        planned = set(zip(p["region"], p["specialty"].astype(str), strict=True))
        stopped = {k for k in stopped if (k[0], k[2]) not in planned}
    leaf = supply[supply["region"].isin(set(a["region"]))]
    idle = {}
    for r, sp, lv, yr, g, obs in leaf[["region", "specialty", "level", "year", "graduates", "observed"]].itertuples(
            index=False):
        if obs:
            idle[(r, lv, sp, yr)] = bool(idle_hist.get((r, lv, sp, yr), False))
        else:
            idle[(r, lv, sp, yr)] = (r, lv, sp) in stopped and not g > 0
    out = []
    for r, sp, lv, yr in supply[["region", "specialty", "level", "year"]].itertuples(index=False):
        mem = members.get(r, {r})
        flags = [idle[(m, lv, sp, yr)] for m in mem if (m, lv, sp, yr) in idle]
        out.append("not_enrolling" if flags and all(flags) else "enrolling")
    return np.array(out, dtype=object)


def _future_frame(keys: list[tuple], years: list[int], values: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per key and year from ``(K, h)`` arrays (keys in :data:`KEY` order)."""
    h = len(years)
    cols = {c: np.repeat(np.array([k[i] for k in keys], dtype=object), h) for i, c in enumerate(KEY)}
    cols["year"] = np.tile(np.asarray(years, dtype=np.int64), len(keys))
    cols.update({c: np.asarray(v, dtype=float).reshape(len(keys) * h) for c, v in values.items()})
    return pd.DataFrame(cols)


def _history(agg, further, retention, members, level) -> pd.DataFrame:
    h = agg.merge(further[["level", "specialty", "rate"]], on=["level", "specialty"], how="left")
    h["value"] = h["graduates"] * (1 - h["rate"]) * h["level"].map(retention)
    parts = []
    for region, mem in members.items():
        d = h[h["region"].isin(mem)]
        if len(d):
            parts.append(d.groupby(["specialty", "level", "year"], as_index=False)[["graduates", "value"]]
                         .sum().assign(region=region))
    out = pd.concat(parts, ignore_index=True)
    for lv in level:
        for b in ("lo", "hi"):
            out[f"{b}_{lv}"], out[f"graduates_{b}_{lv}"] = out["value"], out["graduates"]
    return out.assign(observed=True)


def _rollup_enrolment(enf, members, level) -> pd.DataFrame:
    t = enf.table
    hist = t[t["observed"]]
    parts = []
    for region, mem in members.items():
        d = hist[hist["region"].isin(mem)]
        if len(d):
            parts.append(d.groupby(["level", "specialty", "year"], as_index=False)["value"].sum()
                         .assign(region=region, method="observed", observed=True))
    fut = t[~t["observed"]].sort_values([*KEY, "year"], kind="mergesort")
    groups = fut.groupby(KEY, sort=True).indices  # positions, in year order within each key
    value, method = fut["value"].to_numpy(), fut["method"].to_numpy()
    point = {k: value[i] for k, i in groups.items()}
    methods = {k: method[i].tolist() for k, i in groups.items()}
    draws = {k: enf.draws.get(k, np.zeros((1, len(enf.years)))) for k in point}
    rolled = list(_rollup(members, point, draws))
    n = max((d.shape[0] for _, _, d in rolled), default=1)
    # a key without draws is constant: n copies of its row have the same quantiles as one
    stacked = np.array([np.broadcast_to(d, (n, d.shape[1])) for _, _, d in rolled])
    future = _future_frame([k for k, _, _ in rolled], enf.years,
                           {"value": np.array([p for _, p, _ in rolled]), **_bounds(stacked, level)})
    future["method"] = [m for k, _, _ in rolled
                        for m in (methods.get(k) or ["sum of regions"] * len(enf.years))]
    future["observed"] = False
    out = pd.concat([*parts, future], ignore_index=True)
    for lv in level:
        for b in ("lo", "hi"):
            out[f"{b}_{lv}"] = out[f"{b}_{lv}"].fillna(out["value"])
    out["unit"] = "persons"
    cols = [*KEY, "year", "value", *[f"{b}_{lv}" for lv in level for b in ("lo", "hi")], "unit",
            "observed", "method"]
    return out[cols].sort_values([*KEY, "year"]).reset_index(drop=True)
