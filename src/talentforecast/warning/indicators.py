"""Compute the registry's indicators from the matching tables, per region × specialty × level.

Series indicators (one value a year) are computed once; point indicators (projections, counts)
are read for one ``as_of``. Everything is kept in plain dicts keyed by
``(region, specialty, level)`` so the rule engine stays small.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

from talentforecast.errors import ConfigError, InputError, Problem
from talentforecast.matching.quality import _slopes  # slope per year over calendar-year windows
from talentforecast.warning.enrolment import cohort_growth, gap_targets
from talentforecast.warning.observations import OBS_FLOATS, Context, Obs, SeriesUpTo, obs_rows
from talentforecast.warning.peers import add_peer_columns, shrink_strength
from talentforecast.warning.postings import postings_ratio
from talentforecast.warning.provision import class_table

KEY = ["region", "specialty", "level"]
# observed rates from quality/outcomes: 毕业去向落实率, 就业率 (without 升学), 对口率, salary ratio
RATES = ("employment_rate", "job_rate", "matched_rate", "salary_ratio")
CLASS_INDICATORS = ("class_programmes", "class_median_intake", "class_ratio_sd_rel", "class_programmes_province",
                    "class_region_share")
SHARES = ("employment_rate", "job_rate", "matched_rate")  # rates out of graduates: beta probability
Z95, Z80 = float(stats.norm.ppf(0.975)), float(stats.norm.ppf(0.9))


def _need(df: pd.DataFrame, name: str, cols: list[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError([Problem(name, c, None, None, "a column of the table contract", "表格规范中规定的列")
                          for c in missing])


def _str_keys(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in ("region", "specialty", "level"):
        if c in df.columns:
            df[c] = df[c].astype(str)
    if "year" in df.columns:
        df["year"] = df["year"].astype(int)
    return df


def planning_regions(tables: dict[str, pd.DataFrame], regions=None) -> list[str] | None:
    """Regions warnings are issued for: given, or those without a parent, or None (all)."""
    if regions is not None:
        return [str(r) for r in ([regions] if isinstance(regions, str) else regions)]
    reg = tables.get("regions")
    if reg is None or "parent" not in reg.columns:
        return None
    top = reg[reg["parent"].isna() | (reg["parent"].astype(str).str.strip() == "")]
    return sorted(top["region"].astype(str)) or None


def _roll_up(df: pd.DataFrame, tables, sum_cols: list[str], rate_cols: list[str],
             weight: str) -> pd.DataFrame:
    """Add parent-region rows missing from ``df`` by summing its children (rates weighted)."""
    reg = tables.get("regions")
    if reg is None or "parent" not in reg.columns or df.empty:
        return df
    parent = {str(r): str(p) for r, p in zip(reg["region"], reg["parent"], strict=True)
              if isinstance(p, str) and p.strip()}
    have = set(df["region"])
    kids = df[df["region"].isin(parent) & df["region"].map(parent).isin(set(parent.values()) - have)]
    if kids.empty:
        return df
    kids = kids.assign(region=kids["region"].map(parent))
    keys = [c for c in df.columns if c not in sum_cols + rate_cols]
    for c in rate_cols:
        kids[c] = kids[c] * kids[weight]
    up = kids.groupby(keys, as_index=False, dropna=False)[sum_cols + rate_cols].sum(min_count=1)
    for c in rate_cols:
        up[c] = up[c] / up[weight]
    return pd.concat([df, up], ignore_index=True)


def level_map(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """specialty → level, from any table carrying both, then the catalogue."""
    out: dict[str, str] = {}
    cat = tables.get("specialties")
    if cat is not None:
        out.update(zip(cat["specialty"].astype(str), cat["level"].astype(str), strict=True))
    for name in ("enrolment", "supply", "specialty_demand", "matches", "quality", "outcomes"):
        df = tables.get(name)
        if df is not None and {"specialty", "level"} <= set(df.columns):
            pairs = df[["specialty", "level"]].drop_duplicates()
            out.update(zip(pairs["specialty"].astype(str), pairs["level"].astype(str), strict=True))
    return out


def _add_level(df: pd.DataFrame, tables, name: str) -> pd.DataFrame:
    """Fill a missing ``level`` column from the other tables or the catalogue."""
    if "level" in df.columns:
        return df
    df = df.assign(level=df["specialty"].map(level_map(tables)))
    miss = df[df["level"].isna()]
    if not miss.empty:
        i = miss.index[0]
        raise InputError([Problem(name, "specialty", int(i) + 2, df.at[i, "specialty"],
                                  "a specialty whose level is known (from enrolment, matches or the catalogue)",
                                  "层次已知的专业（层次来自招生表、供需匹配表或专业目录）")])
    return df


def quality_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """region, specialty, level, year, graduates, employment_rate, matched_rate, salary_ratio.

    From ``quality`` (aggregated over schools, weighted by graduates), else from ``outcomes``.
    """
    q = tables.get("quality")
    name = "quality"
    if q is None:
        out = tables.get("outcomes")
        if out is None:
            return None
        name = "outcomes"
        _need(out, name, ["region", "specialty", "year", "graduates", "employed"])
        placed = out["employed"] + (out["further_study"].fillna(0) if "further_study" in out.columns else 0)
        grads = out["graduates"].where(out["graduates"] > 0)
        q = out.assign(employment_rate=placed / grads, job_rate=out["employed"] / grads)
        if "matched" in out.columns:
            q["matched_rate"] = out["matched"] / out["employed"].where(out["employed"] > 0)
    if "destination_rate" in q.columns:  # 毕业去向落实率 when the table has both rates
        q = q.rename(columns={"employment_rate": "job_rate"}).rename(
            columns={"destination_rate": "employment_rate"})
    _need(q, name, ["region", "specialty", "year", "graduates", "employment_rate"])
    q = _str_keys(q)
    if "scope" in q.columns:
        q = q[q["scope"] == "region"]
    elif "school" in q.columns:
        totals = q["school"].isna() | q["school"].astype(str).str.strip().isin(["", "*"])
        q = q[totals] if totals.any() else q
    rates = [c for c in RATES if c in q.columns]
    for c in ("employment_rate", "job_rate", "matched_rate"):
        if c in q.columns:
            bad = q[(q[c] > 1 + 1e-9) | (q[c] < 0)]
            if not bad.empty:
                i = bad.index[0]
                raise InputError([Problem(name, c, int(i) + 2, q.at[i, c],
                                          "a share between 0 and 1 (not a percentage)",
                                          "0 到 1 之间的比例（不是百分数）")])
    q = _add_level(q, tables, name)
    q = q[KEY + ["year", "graduates"] + rates].copy()
    for c in rates:
        q[c] = q[c] * q["graduates"]
    q = q.groupby(KEY + ["year"], as_index=False)[["graduates"] + rates].sum(min_count=1)
    for c in rates:
        q[c] = q[c] / q["graduates"].where(q["graduates"] > 0)
    return _roll_up(q, tables, ["graduates"], rates, "graduates")


def matches_table(tables, scenario: str) -> pd.DataFrame | None:
    m = tables.get("matches")
    if m is None:
        return None
    _need(m, "matches", KEY + ["year", "ratio_sd"])
    m = _str_keys(m)
    if "scenario" in m.columns:
        if scenario not in set(m["scenario"]):
            raise ConfigError(f"settings.scenario: got {scenario!r}; expected one of the matches "
                              f"scenarios {sorted(set(m['scenario']))}",
                              zh=f"配置项 settings.scenario 的值为 {scenario!r}；应为供需匹配表中的情景之一："
                                 f"{sorted(set(m['scenario']))}")
        m = m[m["scenario"] == scenario]
    if "observed" not in m.columns:
        raise InputError([Problem("matches", "observed", None, None, "a bool column (history vs forecast)",
                                  "布尔值列（区分历史实际值与预测值）")])
    return m


def _sigma(df: pd.DataFrame, col: str) -> pd.Series:
    sig = pd.Series(np.nan, index=df.index)
    for lo, hi, z in ((f"{col}_lo_95", f"{col}_hi_95", Z95), (f"{col}_lo_80", f"{col}_hi_80", Z80)):
        if lo in df.columns and hi in df.columns:
            ok = (df[lo] > 0) & (df[hi] > 0) & sig.isna()
            sig[ok] = (np.log(df.loc[ok, hi]) - np.log(df.loc[ok, lo])) / (2 * z)
    return sig


def _obs_frame(df: pd.DataFrame, col: str, n=None, sigma=None, rate=None, prior=None,
               kappa=None) -> pd.DataFrame:
    out = df[KEY + ["year"]].copy()
    out["value"] = df[col].astype(float)
    out["n"] = np.nan if n is None else n
    out["sigma"] = np.nan if sigma is None else sigma
    out["p_gt"] = df["p_surplus"] if "p_surplus" in df.columns else np.nan
    out["p_lt"] = df["p_shortage"] if "p_shortage" in df.columns else np.nan
    for name, v in (("rate", rate), ("prior", prior), ("kappa", kappa)):
        out[name] = np.nan if v is None else v
    return out


def _peer_map(tables) -> dict[str, str]:
    """{unit region: region of its peers} for programme units (empty for region units)."""
    u = tables.get("unit_peers")
    return {} if u is None else dict(zip(u["region"], u["peer_region"], strict=True))


def _quality_frames(q: pd.DataFrame, tables, settings: dict) -> dict[str, pd.DataFrame]:
    """Observed rates with their trend, change, peer gap/percentile and shock-adjusted values."""
    frames = {"graduates": _obs_frame(q, "graduates")}
    rates = [c for c in RATES if c in q.columns]
    q = add_peer_columns(q, rates, tables.get("specialties"), settings.get("peer_min", 3), _peer_map(tables))
    shrink = settings.get("shrinkage", "none") == "empirical_bayes"
    q = q.sort_values(KEY + ["year"])
    contiguous = (q["year"] - q.groupby(KEY)["year"].shift()) == 1
    for c in rates:
        share = c in SHARES
        kappa = shrink_strength(q, c) if shrink and share else None
        prior = q[f"{c}_peer_mean"] if share else None
        n = q["graduates"] if share else None
        frames[c] = _obs_frame(q, c, n=n, rate=q[c], prior=prior, kappa=kappa)
        for suffix in ("peer_gap", "adjusted"):
            frames[f"{c}_{suffix}"] = _obs_frame(q, f"{c}_{suffix}", n=n, rate=q[c], prior=prior, kappa=kappa)
        frames[f"{c}_peer_pct"] = _obs_frame(q, f"{c}_peer_pct")
        frames[f"{c}_trend"] = _obs_frame(q.assign(_t=_slopes(q, KEY, c, 3)), "_t")
    prev = q.groupby(KEY)["employment_rate"].shift()
    q = q.assign(change=(q["employment_rate"] - prev).where(contiguous))
    frames["employment_rate_change"] = _obs_frame(q, "change")
    return frames


def build_series(tables: dict[str, pd.DataFrame], scenario: str, settings: dict | None = None) -> dict[tuple, dict]:
    """{key: {indicator: {year: Obs}}} for every yearly (observed) indicator."""
    settings = settings or {}
    frames: dict[str, pd.DataFrame] = {}
    q = quality_table(tables)
    if q is not None:
        frames.update(_quality_frames(q, tables, settings))
    pr = postings_ratio(tables)
    if pr is not None:
        frames["postings_ratio_ds"] = _obs_frame(pr, "ratio_ds")
    m = matches_table(tables, scenario)
    if m is not None:
        hist = m[m["observed"].astype(bool)]
        sig = _sigma(hist, "ratio_sd")
        frames["ratio_sd"] = _obs_frame(hist, "ratio_sd", sigma=sig)
        if "ratio_ds" in hist.columns:
            frames["ratio_ds"] = _obs_frame(hist, "ratio_ds", sigma=sig)
    out: dict[tuple, dict] = {}
    for ind, f in frames.items():
        f = f.dropna(subset=["value"]).sort_values("year", kind="stable")  # each key's years ascending
        keys = zip(*(f[c].tolist() for c in KEY), strict=True)
        years = f["year"].astype(int).tolist()
        rows = zip(years, *(f[c].to_numpy(dtype=float).tolist() for c in OBS_FLOATS), strict=True)
        for key, y, o in zip(keys, years, obs_rows(rows), strict=True):
            out.setdefault(key, {}).setdefault(ind, {})[y] = o
    return out


def _latest(df: pd.DataFrame, lo: int, hi: int, prefer: int) -> pd.DataFrame:
    """Per key, the row at ``prefer`` if present, else the latest year in [lo, hi]."""
    d = df[(df["year"] >= lo) & (df["year"] <= hi)]
    if d.empty:
        return d
    d = d.assign(_rank=np.where(d["year"] == prefer, 10_000, d["year"]))
    return d.sort_values("_rank").groupby(KEY, as_index=False).tail(1).drop(columns="_rank")


def with_relative_ratio(m: pd.DataFrame) -> pd.DataFrame:
    """``m`` with ``ratio_sd_rel``: S/D ÷ the level's aggregate S/D (Σ supply / Σ demand) in the
    same region, year and scenario.

    An assumption shared by all specialties (entrant share, participation) moves every ratio
    alike and leaves this one unchanged; a level's enrolment is bounded by its cohort anyway,
    so the choice is how to share it out.

    Example:
        >>> m = pd.DataFrame({"region": "R", "level": "L", "year": 2026, "specialty": ["A", "B"],
        ...                   "supply": [50.0, 150.0], "demand": [100.0, 100.0], "ratio_sd": [0.5, 1.5]})
        >>> with_relative_ratio(m)["ratio_sd_rel"].tolist()
        [0.5, 1.5]
    """
    by = [c for c in ("region", "level", "year", "scenario") if c in m.columns]
    # over the specialties with supply there: demand for specialties nobody offers in a district
    # would otherwise make every offered one look in surplus
    offered = m["supply"] > 0
    g = m.assign(_s=m["supply"].where(offered, 0.0), _d=m["demand"].where(offered, 0.0)).groupby(by)
    agg = g["_s"].transform("sum") / g["_d"].transform("sum").where(lambda x: x > 0)
    return m.assign(ratio_sd_rel=m["ratio_sd"] / agg)


def _entrant_share_factor(params: pd.DataFrame | None) -> float | None:
    """central ÷ high of the entrant share (demand ∝ entrant share, so S/D × this is the S/D at
    the range's high end); None without the demand stage's ``demand_parameters``.

    Example:
        >>> _entrant_share_factor(pd.DataFrame({"entrant_share": [0.35], "entrant_share_high": [0.5]}))
        0.7
    """
    if params is None or not {"entrant_share", "entrant_share_high"} <= set(params.columns) or params.empty:
        return None
    ratio = (params["entrant_share"] / params["entrant_share_high"]).dropna()
    # one shared value per run; if a table ever held several, the largest S/D factor is the cautious one
    return round(float(ratio.max()), 12) if len(ratio) else None


def build_points(tables, as_of: int, settings: dict, regions=None) -> dict[tuple, dict[str, Obs]]:
    """{key: {indicator: Obs}} for projected and count indicators as of ``as_of``.

    ``regions`` (optional) limits the keys to those regions.
    """
    target = as_of + settings["projection_offset"]
    out: dict[tuple, dict[str, Obs]] = {}

    def put(df, ind, col, **kw):
        o = _obs_frame(df, col, **kw)
        keep = o["value"].notna().to_numpy()
        if regions is not None:
            keep &= o["region"].isin(set(regions)).to_numpy()
        o = o[keep]
        # columns as arrays: building Obs row by row from itertuples was the warning stage's hot spot
        keys = zip(*(o[c].tolist() for c in KEY), strict=True)
        nan = itertools.repeat(math.nan)  # a point carries no rate, prior or kappa (strict=False: endless)
        rows = zip(o["year"].astype(int).tolist(), *(o[c].to_numpy(dtype=float).tolist()
                                                     for c in ("value", "n", "sigma", "p_gt", "p_lt")), nan, nan, nan,
                   strict=False)
        for key, point in zip(keys, obs_rows(rows), strict=True):
            out.setdefault(key, {})[ind] = point

    m = matches_table(tables, settings["scenario"])
    if m is not None:
        proj = _latest(m, as_of + 1, target, target)
        sig = _sigma(proj, "ratio_sd")
        put(proj, "ratio_sd_projected", "ratio_sd", sigma=sig)
        if "ratio_ds" in proj.columns:
            put(proj, "ratio_ds_projected", "ratio_ds", sigma=sig)
        for c in ("p_surplus", "p_shortage"):
            if c in proj.columns:
                put(proj, c, c)
        e_factor = _entrant_share_factor(tables.get("demand_parameters"))
        if e_factor is not None:
            put(proj.assign(_sd_e_high=proj["ratio_sd"] * e_factor), "ratio_sd_projected_e_high", "_sd_e_high",
                sigma=sig)
        if "ratio_sd_rel" not in proj.columns and {"supply", "demand"} <= set(proj.columns):
            proj = with_relative_ratio(proj)
        if "ratio_sd_rel" in proj.columns:
            put(proj, "ratio_sd_projected_rel", "ratio_sd_rel", sigma=sig)
        if "demand" in m.columns:
            now = m[m["year"] == as_of][KEY + ["demand"]].rename(columns={"demand": "demand_now"})
            g = proj.merge(now, on=KEY)
            g = g.assign(growth=g["demand"] / g["demand_now"].where(g["demand_now"] > 0) - 1)
            put(g, "demand_growth_projected", "growth")
    d = tables.get("duplication")
    if d is not None:
        if "n_schools" not in d.columns and "schools" in d.columns:
            d = d.rename(columns={"schools": "n_schools"})
        _need(d, "duplication", ["region", "specialty", "n_schools", "demand_per_school"])
        d = _str_keys(d)
        d = _add_level(d, tables, "duplication")
        if "year" in d.columns:
            d = _latest(d, -10_000, target, target)
        else:
            d = d.assign(year=as_of)
        put(d, "n_schools", "n_schools")
        put(d, "demand_per_school", "demand_per_school")
        if "flag" in d.columns:
            put(d.assign(flag=d["flag"].astype(float)), "duplication_flag", "flag")
    return out


def intake(tables, as_of: int) -> dict[tuple, tuple[float, int]]:
    """{key: (last intake, its year)}: enrolled at the latest year ≤ as_of, summed over schools."""
    e = tables.get("enrolment")
    if e is None:
        return {}
    _need(e, "enrolment", KEY + ["year", "enrolled"])
    e = _str_keys(e)
    e = e[e["year"] <= as_of].groupby(KEY + ["year"], as_index=False)["enrolled"].sum()
    e = _roll_up(e, tables, ["enrolled"], [], "enrolled")
    e = e[e["enrolled"] > 0].sort_values("year").groupby(KEY).tail(1)
    return {(r.region, r.specialty, r.level): (float(r.enrolled), int(r.year)) for r in e.itertuples()}


def intake_history(tables, as_of: int) -> tuple[dict, dict, set[str]]:
    """({key: {year: intake}}, {key: (in_school, year) at its latest row}, regions with rows at as_of).

    Intake is summed over schools; years with a row but no intake are kept as 0 (a closed
    programme), years with no row are absent.
    """
    e = tables.get("enrolment")
    if e is None:
        return {}, {}, set()
    _need(e, "enrolment", KEY + ["year", "enrolled"])
    e = _str_keys(e)
    e = e[e["year"] <= as_of]
    cols = ["enrolled"] + (["in_school"] if "in_school" in e.columns else [])
    e = e.groupby(KEY + ["year"], as_index=False)[cols].sum(min_count=1)
    e = _roll_up(e, tables, cols, [], "enrolled")
    e = e.sort_values(KEY + ["year"])
    hist: dict[tuple, dict[int, float]] = {}
    school: dict[tuple, float] = {}
    for r in e.itertuples(index=False):
        key = (r.region, r.specialty, r.level)
        hist.setdefault(key, {})[int(r.year)] = float(r.enrolled) if r.enrolled == r.enrolled else 0.0
        school[key] = (float(getattr(r, "in_school", math.nan)), int(r.year))
    return hist, school, set(e.loc[e["year"] == as_of, "region"])


def intake_cut(intakes: dict[int, float], as_of: int, window: int = 3) -> float:
    """Share by which the as_of intake is below the largest intake of the ``window`` years before.

    NaN when the as_of intake or every earlier year is unknown; 0 when intake did not fall.

    Example:
        >>> intake_cut({2021: 94, 2022: 120, 2023: 143}, 2023), intake_cut({2021: 100, 2022: 80}, 2022)
        (0.0, 0.2)
    """
    if as_of not in intakes:
        return math.nan
    before = [intakes[y] for y in range(as_of - window, as_of) if y in intakes]
    peak = max(before, default=math.nan)
    if not peak > 0:
        return math.nan
    return round(max(0.0, (peak - intakes[as_of]) / peak), 6)


def intake_path(intakes: dict[int, float] | None, as_of: int, years: int = 4) -> tuple[str, str]:
    """The intake path of the last ``years`` years, e.g. ("94 → 120 → 143（2021–2023年）", …en).

    Example:
        >>> intake_path({2021: 94, 2022: 120, 2023: 143}, 2023)[0]
        '94 → 120 → 143（2021–2023年）'
    """
    if not intakes:
        return "无招生数据", "no enrolment data"
    ys = [y for y in sorted(intakes) if as_of - years < y <= as_of]
    if not ys:
        return "无招生数据", "no enrolment data"
    path = " → ".join(f"{intakes[y]:.0f}" for y in ys)
    span = str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"
    return f"{path}（{span}年）", f"{path} ({span})"


def offered(tables, series: dict, as_of: int, window: int, regions) -> set[tuple]:
    """Keys with enrolment, graduates or observed supply > 0 in the ``window`` years up to as_of."""
    lo = as_of - window + 1
    keys: set[tuple] = set()
    e = tables.get("enrolment")
    if e is not None:
        e = _str_keys(e)
        e = e[(e["year"] >= lo) & (e["year"] <= as_of)].groupby(KEY + ["year"], as_index=False)["enrolled"].sum()
        e = _roll_up(e, tables, ["enrolled"], [], "enrolled")
        keys |= set(map(tuple, e.loc[e["enrolled"] > 0, KEY].to_numpy()))
    for key, inds in series.items():
        if any(lo <= y <= as_of and o.value > 0 for y, o in inds.get("graduates", {}).items()):
            keys.add(key)
    m = tables.get("matches")
    if m is not None and "supply" in m.columns:
        m = _str_keys(m)
        m = m[m["observed"].astype(bool) & (m["year"] >= lo) & (m["year"] <= as_of) & (m["supply"] > 0)]
        keys |= set(map(tuple, m[KEY].to_numpy()))
    if regions is not None:
        keys = {k for k in keys if k[0] in set(regions)}
    return keys


def restrict(tables: dict[str, pd.DataFrame], regions, scenario: str) -> dict[str, pd.DataFrame]:
    """``tables`` with ``matches`` cut to ``scenario`` and ``regions`` (keys as str).

    Contexts only read those rows, so repeated :func:`contexts` calls (one per history year) on
    the restricted tables give the same result with much less work.
    """
    if tables.get("matches") is None or regions is None:
        return tables
    m = matches_table(tables, scenario)
    return {**tables, "matches": m[m["region"].isin(set(regions))]}


def contexts(tables, series, as_of: int, settings: dict, regions, only: set | None = None) -> dict[tuple, Context]:
    """One :class:`Context` per offered key for ``as_of`` (only the keys in ``only`` when given)."""
    points = build_points(tables, as_of, settings, regions)
    intakes = intake(tables, as_of)
    hist, in_school, enrolling_regions = intake_history(tables, as_of)
    peer_of = _peer_map(tables)
    targets = gap_targets(tables, as_of, as_of + settings["projection_offset"], regions)
    growth = cohort_growth(tables, as_of)
    classes = class_table(tables, as_of, as_of + settings["projection_offset"])
    by_class = {(r["region"], r["class_code"]): r for r in classes.to_dict("records")}
    class_of = dict(zip(tables["specialties"]["specialty"].astype(str), tables["specialties"]["class_code"].astype(str),
                        strict=True)) if tables.get("specialties") is not None and "class_code" in tables[
                            "specialties"].columns else {}
    enrolling_regions |= {r for r, p in peer_of.items() if p in {peer_of.get(x) for x in enrolling_regions}}
    quiet = settings.get("not_enrolling_years", 2)
    out = {}
    for key in sorted(offered(tables, series, as_of, settings["offered_window"], regions)):
        if only is not None and key not in only:
            continue
        ser = SeriesUpTo(series.get(key, {}), as_of)
        ctx = Context(series=ser, points=points.get(key, {}))
        if key in intakes:
            ctx.last_intake, ctx.intake_year = intakes[key]
        if hist:
            ctx.intake_by_year = hist.get(key, {})
            ctx.in_school_last, ctx.in_school_year = in_school.get(key, (math.nan, None))
            # no intake in each of the last `quiet` years, where the region reports enrolment at as_of
            ctx.not_enrolling = key[0] in enrolling_regions and all(
                not ctx.intake_by_year.get(y, 0.0) > 0 for y in range(as_of - quiet + 1, as_of + 1))
            recent = [v for y, v in ctx.intake_by_year.items() if y > as_of - 5]
            g = growth.get((peer_of.get(key[0], key[0]), key[2]), 1.0)
            ctx.cap = max(recent) * g if recent and max(recent) > 0 else math.nan
            cut = intake_cut(ctx.intake_by_year, as_of)
            if cut == cut:
                ctx.points["intake_cut"] = Obs(as_of, cut)
        rates = ser.get("employment_rate", {})
        if rates:
            y = max(rates)
            ctx.employed_last = rates[y].value * rates[y].n
        ctx.target = targets.get(key)
        row = by_class.get((peer_of.get(key[0], key[0]), class_of.get(key[1], key[1][:4])))
        for ind in CLASS_INDICATORS if row else ():
            if row[ind] == row[ind]:
                ctx.points[ind] = Obs(as_of, float(row[ind]))
        if "ratio_sd_projected" in ctx.points:
            ctx.ratio_sd_projected = ctx.points["ratio_sd_projected"].value
        out[key] = ctx
    return out
