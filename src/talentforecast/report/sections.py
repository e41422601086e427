"""The report's sections, in order; each turns the run's tables into blocks via a Builder.

A missing optional table makes its section say so instead of failing.

Example:
    >>> from talentforecast.report.sections import SECTIONS
    >>> [k for k, _ in SECTIONS][:3]
    ['summary', 'demand', 'supply']
"""

from __future__ import annotations

import pandas as pd

from talentforecast import __version__
from talentforecast.report import charts
from talentforecast.report.builder import Builder, fmt_number, fmt_range
from talentforecast.report.i18n import code_of
from talentforecast.report.retrospective import retrospective_blocks

_LEVEL_ORDER = ("red", "orange", "yellow", "green", "blue")


def _code(s, group: str, value: object) -> str:
    """Normalise a band or warning-level label (code or Chinese) to its code."""
    return code_of(group, value)


def _labels(b: Builder) -> dict[str, str]:
    return {"baseline": b.s("baseline"), "band_80": b.s("band_80"), "band_95": b.s("band_95")}


def _at(df: pd.DataFrame, year: int | None) -> pd.DataFrame:
    return df if year is None else df[df["year"] == year]


def _interval(df: pd.DataFrame, column: str = "value") -> list[str]:
    if "lo_80" not in df.columns:
        return ["—"] * len(df)
    return [fmt_range(lo, hi, column) for lo, hi in zip(df["lo_80"], df["hi_80"], strict=True)]


def _warn_year(b: Builder, w: pd.DataFrame) -> int:
    return int(b.meta.get("warning_year") or w["year"].max())


# ---- 1 summary ----------------------------------------------------------------------------
def summary(b: Builder) -> list[dict]:
    s, items = b.s, []
    emp = b.get("employment_forecast")
    if emp is not None:
        emp = b.sections_only(b.baseline(emp))
        for key, year in (("employment_base", b.base_year), ("employment_target", b.target_year)):
            if year is not None and (emp["year"] == year).any():
                items.append((s(f"keyfig.{key}", year=year), emp.loc[emp["year"] == year, "value"].sum()))
    ope = b.get("openings")
    if ope is not None and b.base_year is not None:
        ope = b.sections_only(b.baseline(ope))
        fut = ope[ope["year"] > b.base_year]
        if not fut.empty:
            items.append((s("keyfig.openings_total", first=int(fut["year"].min()), last=int(fut["year"].max())),
                          fut["value"].sum()))
    sup = b.get("supply")
    if sup is not None and b.target_year is not None:
        items.append((s("keyfig.supply_target", year=b.target_year), _at(sup, b.target_year)["value"].sum()))
    sm = b.get("structure_match")
    col = _first(sm, ("dissimilarity", "dissimilarity_index", "index", "value")) if sm is not None else None
    if col:
        sm = b.baseline(sm)
        sm = sm[sm["year"] == b.target_year] if (sm["year"] == b.target_year).any() else sm
        last = sm.sort_values("year").iloc[-1]
        items.append((s("keyfig.dissimilarity", year=int(last["year"])), fmt_number(last[col], "dissimilarity")))
    m = _match_frame(b)
    if m is not None:
        bands = m["band"].map(lambda v: _code(s, "bands", v))
        items.append((s("keyfig.specialties_shortage", year=b.match_year), int((bands == "shortage").sum())))
        items.append((s("keyfig.specialties_surplus", year=b.match_year), int((bands == "surplus").sum())))
    w = b.get("warnings")
    if w is not None:
        w = w[w["year"] == _warn_year(b, w)]
        codes = w["warning_level"].map(lambda v: _code(s, "levels", v))
        for level in ("red", "orange", "blue"):
            items.append((s(f"keyfig.warnings_{level}"), int((codes == level).sum())))
    blocks: list[dict] = [{"kind": "keyfigs", "caption": s("text.key_figures"),
                           "items": [{"label": k, "value": fmt_number(v)} for k, v in items]}]
    blocks.append(b.subheading(s("text.main_warnings")))
    if w is None:
        blocks.append(b.missing("warnings"))
    else:
        main = _warning_frame(b, w, ("red", "orange"))
        if main.empty:
            blocks.append(b.para(s("none")))
        else:
            blocks += b.table(s("text.main_warnings"), main, _WARN_COLS,
                              row_class=["level-" + c for c in main["_code"]], appendix=False)
    return blocks


def _match_frame(b: Builder) -> pd.DataFrame | None:
    """Matches of the report's scope: planning region, baseline, the match year, offered specialties."""
    m = b.get("matches")
    if m is None or b.match_year is None:
        return None
    m = b.offered(_at(b.baseline(m), b.match_year))
    return m if not m.empty else None


def _first(df: pd.DataFrame | None, candidates) -> str | None:
    if df is None:
        return None
    return next((c for c in candidates if c in df.columns), None)


# ---- 2 demand -----------------------------------------------------------------------------
def _key_industries(b: Builder, emp: pd.DataFrame) -> list[str]:
    if b.meta.get("key_industries"):
        return [str(i) for i in b.meta["key_industries"]]
    if "scenario" in emp.columns:
        keys = sorted(set(emp.loc[emp["scenario"] != "baseline", "industry"].astype(str)))
        if keys:
            return keys
    last = b.baseline(emp)
    last = last[last["year"] == last["year"].max()]
    return list(last.sort_values("value", ascending=False)["industry"].astype(str).head(4))


def demand(b: Builder) -> list[dict]:
    s, st = b.s, b.settings
    emp = b.get("employment_forecast")
    if emp is None:
        return [b.missing("employment_forecast")]
    emp = b.sections_only(emp)
    keys = _key_industries(b, emp)
    blocks = [b.para(s("text.demand_intro", base_year=b.base_year))]
    panels = []
    for ind in keys[: st["trend_series"] + 2]:
        df = emp[emp["industry"].astype(str) == ind]
        panels.append((f"{ind} {b.name('industry', ind)}".strip(), df))
    if panels:
        png = charts.trend_panels(panels, base_year=b.base_year, labels=_labels(b), colors=st["colors"],
                                  dpi=st["dpi"])
        blocks.append(b.figure(s("figures.demand_key"), png))
    base = b.baseline(emp)
    rows = pd.DataFrame({"industry": sorted(base["industry"].astype(str).unique())})
    by = base.assign(industry=base["industry"].astype(str)).set_index(["industry", "year"])
    for col, year in (("employment_base", b.base_year), ("employment_target", b.target_year)):
        rows[col] = [by["value"].get((i, year), float("nan")) for i in rows["industry"]]
    tgt = base[base["year"] == b.target_year].assign(industry=lambda d: d["industry"].astype(str))
    tgt = tgt.set_index("industry").reindex(rows["industry"])
    rows["interval_80"] = _interval(tgt.reset_index())
    scen_cols = []
    if "scenario" in emp.columns:
        for name in sorted(set(emp["scenario"]) - {"baseline"}):
            sc = emp[(emp["scenario"] == name) & (emp["year"] == b.target_year)]
            col = f"scenario:{name}"
            rows[col] = rows["industry"].map(dict(zip(sc["industry"].astype(str), sc["value"], strict=True)))
            scen_cols.append(col)
    ope = b.get("openings")
    if ope is not None and b.base_year is not None:
        fut = b.baseline(b.sections_only(ope))
        fut = fut[fut["year"] > b.base_year]
        totals = fut.groupby(fut["industry"].astype(str))["value"].sum()
        rows["openings_total"] = rows["industry"].map(totals)
        order = "openings_total"
        first, last = int(fut["year"].min()), int(fut["year"].max())
        top = rows.dropna(subset=["openings_total"]).sort_values("openings_total", ascending=False)
        top = top.head(st["chart_top_n"])
        colors = [st["colors"]["key"] if i in keys else st["colors"]["other"] for i in top["industry"]]
        png = charts.ranked_bars([f"{i} {b.name('industry', i)}".strip() for i in top["industry"]],
                                 top["openings_total"], colors, xlabel=s.column("openings"),
                                 legend=[(s("key_industry"), st["colors"]["key"]),
                                         (s("other_industry"), st["colors"]["other"])], dpi=st["dpi"])
        blocks.append(b.figure(s("figures.openings", first=first, last=last), png))
    else:
        order = "employment_target"
        blocks.append(b.missing("openings"))
    rows["key"] = rows["industry"].isin(keys)
    rows = b.add_names(rows).sort_values([order, "industry"], ascending=[False, True])
    headers = {c: f"{s.column('scenario')}: {c.split(':', 1)[1]}" for c in scen_cols}
    headers["employment_base"] = f"{s.column('employment_base')} {b.base_year}"
    headers["employment_target"] = f"{s.column('employment_target')} {b.target_year}"
    cols = ["industry", "industry_name", "employment_base", "employment_target", "interval_80",
            *scen_cols, "openings_total", "key"]
    blocks += b.table(s("tables.demand"), rows, cols, headers=headers,
                      row_class=["key" if k else "" for k in rows["key"]])
    return blocks


# ---- 3 supply -----------------------------------------------------------------------------
def supply(b: Builder) -> list[dict]:
    s, st = b.s, b.settings
    sup = b.get("supply")
    if sup is None:
        return [b.missing("supply")]
    blocks = [b.para(s("text.supply_intro"))]
    by_level = sup.groupby(["level", "year"], as_index=False)["value"].sum()
    panels = [(s.get("edu_levels", lv), by_level[by_level["level"] == lv]) for lv in
              sorted(by_level["level"].unique(), key=_level_rank)]
    blocks.append(b.figure(s("figures.supply_level"),
                           charts.trend_panels(panels, base_year=b.base_year, labels=_labels(b),
                                               colors=st["colors"], ncols=3, dpi=st["dpi"])))
    tgt = b.add_names(_at(sup, b.target_year)).sort_values(["value", "specialty"], ascending=[False, True])
    top = tgt.head(st["chart_top_n"])
    lo = top["lo_80"] if "lo_80" in top else None
    hi = top["hi_80"] if "hi_80" in top else None
    png = charts.ranked_bars([f"{n or c}（{s.get('edu_levels', lv)}）" if b.lang == "zh" else f"{n or c} ({c})"
                              for c, n, lv in zip(top["specialty"], top["specialty_name"], top["level"],
                                                  strict=True)],
                             top["value"], [st["colors"]["key"]] * len(top), lo=lo, hi=hi,
                             xlabel=s.column("supply"), dpi=st["dpi"])
    blocks.append(b.figure(s("figures.supply_top", year=b.target_year), png))
    tgt = tgt.assign(interval_80=_interval(tgt), level=[s.get("edu_levels", v) for v in tgt["level"]])
    blocks += b.table(s("tables.supply"), tgt, ["specialty", "specialty_name", "level", "graduates",
                                                "value", "interval_80"],
                      headers={"value": s.column("supply")})
    return blocks


def _level_rank(level: str) -> int:
    order = ("中职", "高职专科", "职业本科")
    return order.index(level) if level in order else len(order)


# ---- 4 match ------------------------------------------------------------------------------
def match(b: Builder) -> list[dict]:
    s, st = b.s, b.settings
    m = b.get("matches")
    tgt = _match_frame(b)
    if m is None or tgt is None:
        return [b.missing("matches")]
    m = b.baseline(m)
    blocks = [b.para(s("text.match_intro", target_year=b.match_year))]
    tgt = b.add_names(tgt)
    tgt = tgt.assign(_band=[_code(s, "bands", v) for v in tgt["band"]])
    counts = pd.DataFrame({"band": list(st["colors"]["bands"])})
    counts["n"] = [int((tgt["_band"] == c).sum()) for c in counts["band"]]
    counts["band"] = [s.band(c) for c in counts["band"]]
    blocks += b.table(s("text.band_counts"), counts, ["band", "n"], appendix=False)
    top = tgt.sort_values(["demand", "specialty"], ascending=[False, True]).head(st["chart_top_n"])
    top = top.sort_values("ratio_sd")
    band_colors = st["colors"]["bands"]
    lo, hi = _first(top, ("ratio_sd_lo_80", "ratio_sd_lo")), _first(top, ("ratio_sd_hi_80", "ratio_sd_hi"))
    png = charts.ranked_bars(
        [str(n or c) for c, n in zip(top["specialty"], top["specialty_name"], strict=True)],
        top["ratio_sd"], [band_colors.get(c, "#888888") for c in top["_band"]],
        lo=top[lo] if lo else None, hi=top[hi] if hi else None, refline=1.0,
        xlabel=s.column("ratio_sd"), legend=[(s.band(c), col) for c, col in band_colors.items()],
        dpi=st["dpi"])
    blocks.append(b.figure(s("figures.match_ratio", year=b.match_year), png))
    lead = list(tgt.sort_values(["demand", "specialty"], ascending=[False, True])["specialty"]
                .head(st["trend_series"]))
    panels = []
    for sp in lead:
        d = m[m["specialty"] == sp].rename(columns={"value": "_v"})
        cols = {"ratio_sd": "value"} | {f"ratio_sd_{x}": x for x in ("lo_80", "hi_80", "lo_95", "hi_95")}
        d = d.rename(columns=cols)
        panels.append((f"{b.name('specialty', sp) or sp}", d))
    if panels:
        png = charts.trend_panels(panels, base_year=b.base_year, labels=_labels(b), colors=st["colors"],
                                  refline=1.0, dpi=st["dpi"])
        blocks.append(b.figure(s("figures.match_trend"), png))
    table = tgt.sort_values(["ratio_sd", "specialty"]).assign(
        band=lambda d: [s.band(c) for c in d["_band"]],
        level=lambda d: [s.get("edu_levels", v) for v in d["level"]])
    blocks += b.table(s("tables.match"), table, ["specialty", "specialty_name", "level", "supply", "demand",
                                                 "ratio_sd", "ratio_ds", "band"],
                      row_class=["band-" + c for c in table["_band"]])
    return blocks


# ---- 5 structure --------------------------------------------------------------------------
def structure(b: Builder) -> list[dict]:
    s, st = b.s, b.settings
    blocks = [b.para(s("text.structure_intro"))]
    sm = b.get("structure_match")
    col = _first(sm, ("dissimilarity", "dissimilarity_index", "index", "value"))
    if col is None:
        blocks.append(b.missing("structure_match"))
    else:
        d = sm.rename(columns={col: "value"}) if col != "value" else sm
        d = d.rename(columns={f"{col}_{x}": x for x in ("lo_80", "hi_80", "lo_95", "hi_95")})
        png = charts.trend_panels([(s.column("dissimilarity"), d)], base_year=b.base_year, labels=_labels(b),
                                  colors=st["colors"], ncols=1, dpi=st["dpi"])
        blocks.append(b.figure(s("figures.dissimilarity"), png))
    dev = b.get("structure_deviation")
    dcol = _first(dev, ("deviation", "structural_deviation", "value"))
    if dcol is None:
        blocks.append(b.missing("structure_deviation"))
        return blocks
    dev = b.baseline(dev)
    year = b.target_year if b.target_year in set(dev["year"]) else int(dev["year"].max())
    d = b.add_names(b.sections_only(dev[dev["year"] == year])).rename(columns={dcol: "deviation"})
    d = d.sort_values(["deviation", "industry"], ascending=[False, True])
    top = d.head(st["chart_top_n"] + 4)
    colors = [st["colors"]["bands"]["surplus"] if v > 0 else st["colors"]["bands"]["shortage"]
              for v in top["deviation"]]
    png = charts.ranked_bars([f"{i} {n}".strip() for i, n in zip(top["industry"], top["industry_name"],
                                                                strict=True)],
                             top["deviation"], colors, refline=0.0, xlabel=s.column("deviation"),
                             dpi=st["dpi"])
    blocks.append(b.figure(s("figures.deviation", year=year), png))
    blocks += b.table(s("tables.deviation"), d, ["industry", "industry_name", "supply_share",
                                                 "demand_share", "deviation"])
    return blocks


# ---- 6 shortage ---------------------------------------------------------------------------
_GENERIC_SKIP = {"region", "unit", "observed", "scenario"}


def _generic(b: Builder, caption: str, df: pd.DataFrame, first: tuple[str, ...] = (),
             only: bool = False) -> list[dict]:
    """A table of whatever columns the stage produced, known ones first (only those if ``only``)."""
    df = b.add_names(df)
    if "level" in df.columns:
        df = df.assign(level=[b.s.get("edu_levels", v) for v in df["level"]])
    for col in ("reason", "action"):
        lang_col = f"{col}_{b.lang}"
        if lang_col in df.columns:
            df = df.assign(**{col: df[lang_col]})
    drop = _GENERIC_SKIP | {c for c in df.columns if c.endswith(("_zh", "_en")) or c.startswith("_")}
    drop |= {"reasons"}
    cols = [c for c in first if c in df.columns]
    if not only:
        cols += [c for c in df.columns if c not in cols and c not in drop]
    return b.table(caption, df, cols)


def shortage(b: Builder) -> list[dict]:
    df = b.get("shortage_occupations")
    if df is None:
        return [b.missing("shortage_occupations")]
    df = b.baseline(df)
    if "year" in df.columns:
        year = b.match_year if b.match_year in set(df["year"]) else df["year"].max()
        df = df[df["year"] == year]
    if "shortage" in df.columns:
        df = df[df["shortage"].astype(bool)]
    sort = _first(df, ("rank", "ratio_ds", "shortage_gap", "demand"))
    if sort:
        df = df.sort_values(sort, ascending=(sort == "rank"))
    return _generic(b, b.s("tables.shortage"), df, ("rank", "occupation", "occupation_name", "industry",
                                                    "industry_name", "demand", "supply", "gap", "ratio_ds",
                                                    "previous_rank"), only=True)


# ---- 7 warnings ---------------------------------------------------------------------------
_WARN_COLS = ["specialty", "specialty_name", "level", "warning_level", "previous_level", "years_at_level",
              "probability", "action", "reason"]


def _warning_frame(b: Builder, w: pd.DataFrame, levels) -> pd.DataFrame:
    s = b.s
    w = b.add_names(w).assign(_code=[_code(s, "levels", v) for v in w["warning_level"]])
    w = w[w["_code"].isin(levels)].copy()
    w["_rank"] = w["_code"].map(_LEVEL_ORDER.index)
    sort = ["_rank", "probability", "specialty"] if "probability" in w else ["_rank", "specialty"]
    w = w.sort_values(sort, ascending=[True, False, True][: len(sort)])
    w["warning_level"] = [s.level(c) for c in w["_code"]]
    if "previous_level" in w:
        w["previous_level"] = [s.level(v) for v in w["previous_level"]]
    w["level"] = [s.get("edu_levels", v) for v in w["level"]]
    w["action"] = w.get(f"action_{b.lang}", "")
    w["reason"] = w.get(f"reason_{b.lang}", "")
    return w


def warnings(b: Builder) -> list[dict]:
    s = b.s
    w = b.get("warnings")
    if w is None:
        return [b.missing("warnings")]
    w = w[w["year"] == _warn_year(b, w)]
    blocks = [b.para(s("text.warnings_intro"))]
    codes = [_code(s, "levels", v) for v in w["warning_level"]]
    counts = pd.DataFrame({"warning_level": [s.level(c) for c in _LEVEL_ORDER],
                           "n": [codes.count(c) for c in _LEVEL_ORDER]})
    blocks += b.table(s("text.warning_counts"), counts, ["warning_level", "n"], appendix=False,
                      row_class=[f"level-{c}" for c in _LEVEL_ORDER])
    blocks.append(b.subheading(s("text.exit_list")))
    red = _warning_frame(b, w, ("red",))
    blocks += b.table(s("text.exit_list"), red, _WARN_COLS, row_class=["level-red"] * len(red)) if len(red) \
        else [b.para(s("none"))]
    rest = _warning_frame(b, w, _LEVEL_ORDER)
    blocks += b.table(s("tables.warnings"), rest, _WARN_COLS, row_class=["level-" + c for c in rest["_code"]])
    return blocks


# ---- 8 proposals --------------------------------------------------------------------------
def proposals(b: Builder) -> list[dict]:
    s = b.s
    blocks = [b.para(s("text.proposals_intro")), b.subheading(s("text.new_list"))]
    p = b.get("proposals")
    if p is None:
        blocks.append(b.missing("proposals"))
    else:
        if {"enrol_lo", "enrol_hi"} <= set(p.columns):
            p = p.assign(enrol_range=[fmt_range(lo, hi) for lo, hi in zip(p["enrol_lo"], p["enrol_hi"],
                                                                           strict=True)])
            p = p.drop(columns=["enrol_lo", "enrol_hi"])
        blocks += _generic(b, s("tables.proposals"), p, ("industry", "industry_name", "specialty",
                                                         "specialty_name", "level", "enrol_range", "openings",
                                                         "coverage", "reason"), only=True)
    blocks.append(b.subheading(s("text.expand_list")))
    w = b.get("warnings")
    if w is None:
        blocks.append(b.missing("warnings"))
        return blocks
    blue = _warning_frame(b, w[w["year"] == _warn_year(b, w)], ("blue",))
    if blue.empty:
        blocks.append(b.para(s("none")))
        return blocks
    blue["enrol_range"] = [fmt_range(lo, hi) for lo, hi in zip(blue.get("enrol_lo"), blue.get("enrol_hi"),
                                                                strict=True)]
    blocks += b.table(s("text.expand_list"), blue, ["specialty", "specialty_name", "level", "enrol_range",
                                                    "reason"])
    return blocks


# ---- 9 quality ----------------------------------------------------------------------------
def quality(b: Builder) -> list[dict]:
    q = b.get("quality_ranking")
    if q is None:
        return [b.missing("quality_ranking")]
    if "year" in q.columns:
        q = q[q["year"] == q["year"].max()]
    # ranks are within each 专业大类: list them category by category, best first
    by = [c for c in ("category_code", "rank") if c in q.columns] or [c for c in ("score",) if c in q.columns]
    if by:
        q = q.sort_values(by, ascending=[c != "score" for c in by], na_position="last", kind="stable")
    return [b.para(b.s("text.quality_intro"))] + _generic(
        b, b.s("tables.quality"), q, ("category_name", "rank", "specialty", "specialty_name", "level", "score",
                                      "employment_rate", "matched_rate", "salary_ratio"), only=True)


# ---- 10 method ----------------------------------------------------------------------------
def method(b: Builder) -> list[dict]:
    s, meta = b.s, b.meta
    blocks = [b.para(s("text.method_intro")), b.para(s("text.names_note")),
              b.para(s("tool_note", version=meta.get("version", __version__), run_id=meta.get("run_id") or "—")),
              b.subheading(s("text.generated_vs_observed"))]
    if b.base_year is not None and b.target_year is not None:
        blocks.append(b.para(s("text.observed_note", base_year=b.base_year, first_forecast=b.base_year + 1,
                               last_forecast=b.target_year)))
    note = meta.get("data_note")
    if isinstance(note, dict):
        note = note.get(b.lang) or note.get("zh")
    if note:
        blocks.append(b.para(str(note)))
    emp = b.get("employment_forecast")
    if emp is not None and "model" in emp.columns:
        models = emp.loc[~emp["observed"].astype(bool), "model"].value_counts().sort_index()
        blocks += b.table(s("text.models_used"), pd.DataFrame({"model": models.index, "n": models.values}),
                          ["model", "n"], appendix=False)
    fallbacks = meta.get("fallbacks") or []
    blocks.append(b.subheading(s("text.fallbacks")))
    if fallbacks:  # forecasts that did not come from the requested model (run manifest "fallbacks")
        fb = pd.DataFrame([{"stage": f.get("stage", ""), "kind": kind, "n": n}
                           for f in fallbacks for kind, n in (f.get("kinds") or {"": f.get("fallbacks", 0)}).items()])
        blocks.append(b.para(s("text.fallbacks_intro")))
        blocks += b.table(s("text.fallbacks"), fb, ["stage", "kind", "n"], appendix=False)
    else:
        blocks.append(b.para(s("text.no_fallbacks")))
    blocks.append(b.subheading(s("text.sources")))
    src = meta.get("sources") or {}
    if isinstance(src, dict):
        src = pd.DataFrame({"dataset": list(src), "source": [str(v) for v in src.values()]})
        blocks += b.table(s("text.sources"), src, ["dataset", "source"], appendix=False) if len(src) \
            else [b.para(s("none"))]
    else:
        blocks += [b.para(str(x)) for x in src]
    params = meta.get("parameters") or {}
    if params:
        blocks.append(b.subheading(s("text.parameters")))
        blocks += b.table(s("text.parameters"), pd.DataFrame({"parameter": list(params),
                                                              "value": [str(v) for v in params.values()]}),
                          ["parameter", "value"], appendix=False)
    for key in ("backtest", "retrospective"):
        blocks.append(b.subheading(s(f"text.{key}")))
        retro = retrospective_blocks(b) if key == "retrospective" else None
        if retro is not None:  # warnings of earlier years scored against observed outcomes
            blocks += retro
            continue
        name = next((n for n in sorted(b.tables) if n == key or n.startswith(key + "_")), None)
        df = b.get(name) if name else None
        blocks += _generic(b, s(f"text.{key}"), df) if df is not None else [b.missing(key)]
    return blocks


SECTIONS = [
    ("summary", summary), ("demand", demand), ("supply", supply), ("match", match),
    ("structure", structure), ("shortage", shortage), ("warnings", warnings), ("proposals", proposals),
    ("quality", quality), ("method", method), ("appendix", None),
]
