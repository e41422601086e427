"""Chapters 2–5: demand by industry, graduate supply, specialty matching and structure.

Example:
    >>> from talentforecast.report.builder import Builder
    >>> from talentforecast.report.i18n import load_settings
    >>> [blk["kind"] for blk in demand(Builder({}, "en", {}, load_settings()))]
    ['missing']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.report import charts
from talentforecast.report.builder import Builder
from talentforecast.report.sections.common import (
    at,
    code,
    first,
    industry_label,
    interval,
    labels,
    level_rank,
    match_frame,
)


def scenario_label(b: Builder, name: str) -> str:
    """A scenario's name for readers (strings ``scenarios``), never the raw identifier."""
    return b.s.get("scenarios", name, default=str(name).replace("_", " "))


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
        if "scenario" in df.columns:  # legend text: the scenario's readable name, never its identifier
            df = df.assign(scenario=[v if v == "baseline" else scenario_label(b, v) for v in df["scenario"]])
        panels.append((industry_label(b, ind), df))
    if panels:
        png = charts.trend_panels(panels, base_year=b.base_year, labels=labels(b), colors=st["colors"],
                                  dpi=st["dpi"])
        blocks.append(b.figure(s("figures.demand_key"), png))
    base = b.baseline(emp)
    rows = pd.DataFrame({"industry": sorted(base["industry"].astype(str).unique())})
    by = base.assign(industry=base["industry"].astype(str)).set_index(["industry", "year"])
    for col, year in (("employment_base", b.base_year), ("employment_target", b.target_year)):
        rows[col] = [by["value"].get((i, year), float("nan")) for i in rows["industry"]]
    tgt = base[base["year"] == b.target_year].assign(industry=lambda d: d["industry"].astype(str))
    tgt = tgt.set_index("industry").reindex(rows["industry"])
    rows["interval_80"] = interval(tgt.reset_index())
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
        png = charts.ranked_bars([industry_label(b, i) for i in top["industry"]],
                                 top["openings_total"], colors, xlabel=s("units.persons", what=s.column("openings")),
                                 legend=[(s("key_industry"), st["colors"]["key"]),
                                         (s("other_industry"), st["colors"]["other"])], dpi=st["dpi"])
        blocks.append(b.figure(s("figures.openings", first=first, last=last), png))
    else:
        order = "employment_target"
        blocks.append(b.missing("openings"))
    rows["key"] = rows["industry"].isin(keys)
    rows = b.add_names(rows).sort_values([order, "industry"], ascending=[False, True])
    headers = {c: scenario_label(b, c.split(":", 1)[1]) for c in scen_cols}
    headers["employment_base"] = f"{s.column('employment_base')} {b.base_year}"
    headers["employment_target"] = f"{s.column('employment_target')} {b.target_year}"
    cols = ["industry", "industry_name", "employment_base", "employment_target", "interval_80",
            *scen_cols, "openings_total", "key"]
    blocks += b.table(s("tables.demand"), rows, cols, headers=headers, top_n=len(rows), appendix=False,
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
              sorted(by_level["level"].unique(), key=level_rank)]
    blocks.append(b.figure(s("figures.supply_level"),
                           charts.trend_panels(panels, base_year=b.base_year, labels=labels(b),
                                               colors=st["colors"], ncols=3, dpi=st["dpi"])))
    tgt = b.add_names(at(sup, b.target_year)).sort_values(["value", "specialty"], ascending=[False, True])
    top = tgt.head(st["chart_top_n"])
    lo = top["lo_80"] if "lo_80" in top else None
    hi = top["hi_80"] if "hi_80" in top else None
    png = charts.ranked_bars([f"{n or c}（{s.get('edu_levels', lv)}）" if b.lang == "zh" else f"{n or c} ({c})"
                              for c, n, lv in zip(top["specialty"], top["specialty_name"], top["level"],
                                                  strict=True)],
                             top["value"], [st["colors"]["key"]] * len(top), lo=lo, hi=hi,
                             xlabel=s("units.persons", what=s.column("supply")), dpi=st["dpi"])
    blocks.append(b.figure(s("figures.supply_top", year=b.target_year), png))
    tgt = tgt.assign(interval_80=interval(tgt), level=[s.get("edu_levels", v) for v in tgt["level"]])
    blocks += b.table(s("tables.supply"), tgt, ["specialty", "specialty_name", "level", "graduates",
                                                "value", "interval_80"],
                      headers={"value": s.column("supply")})
    return blocks


# ---- 4 match ------------------------------------------------------------------------------
def match(b: Builder) -> list[dict]:
    s, st = b.s, b.settings
    m = b.get("matches")
    tgt = match_frame(b)
    if m is None or tgt is None:
        return [b.missing("matches")]
    m = b.baseline(m)
    blocks = [b.para(s("text.match_intro", target_year=b.match_year))]
    tgt = b.add_names(tgt)
    tgt = tgt.assign(_band=[code("bands", v) for v in tgt["band"]])
    counts = pd.DataFrame({"band": list(st["colors"]["bands"])})
    counts["n"] = [int((tgt["_band"] == c).sum()) for c in counts["band"]]
    counts["band"] = [s.band(c) for c in counts["band"]]
    blocks += b.table(s("text.band_counts"), counts, ["band", "n"], appendix=False)
    top = tgt.sort_values(["demand", "specialty"], ascending=[False, True]).head(st["chart_top_n"])
    top = top.sort_values("ratio_sd")
    band_colors = st["colors"]["bands"]
    lo, hi = first(top, ("ratio_sd_lo_80", "ratio_sd_lo")), first(top, ("ratio_sd_hi_80", "ratio_sd_hi"))
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
        png = charts.trend_panels(panels, base_year=b.base_year, labels=labels(b), colors=st["colors"],
                                  refline=1.0, dpi=st["dpi"])
        blocks.append(b.figure(s("figures.match_trend"), png))
    table = tgt.sort_values(["ratio_sd", "specialty"]).assign(
        band=lambda d: [s.band(c) for c in d["_band"]],
        level=lambda d: [s.get("edu_levels", v) for v in d["level"]])
    blocks += b.table(s("tables.match"), table, ["specialty", "specialty_name", "level", "supply", "demand",
                                                 "ratio_sd", "ratio_ds", "band"],
                      row_class=["band-" + c for c in table["_band"]])
    return blocks + _families(b)


def _families(b: Builder) -> list[dict]:
    """The same 专业类 across levels (family_view): combined S/D beside each level's, contradictions first."""
    s = b.s
    f = b.get("family_view")
    if f is None or b.match_year is None:
        return []
    f = b.baseline(f) if "scenario" in f.columns else f
    f = f[(f["year"] == b.match_year) & (f["region"].astype(str) == str(b.region))] if len(f) else f
    blocks = [b.subheading(s("family.title")), b.para(s("family.intro"))]
    if f.empty:
        return blocks + [b.para(s("none"))]
    f = f.assign(_c=(f["signal"] != "contradictory").astype(int)).sort_values(["_c", "class_name"])
    f = f.assign(band=[s.band(code("bands", v)) if isinstance(v, str) else "—" for v in f["band"]])
    n_contra = int((f["signal"] == "contradictory").sum())
    blocks.append(b.para(s("family.count", n=len(f), contradictory=n_contra)))
    cols = ["class_name", "supply", "demand", "ratio_sd", "band", "ratio_sd_secondary", "ratio_sd_associate",
            "ratio_sd_bachelor"]
    headers = {"class_name": s("family.class"), "ratio_sd": s("family.combined"),
               "ratio_sd_secondary": s("family.zz"), "ratio_sd_associate": s("family.gz"),
               "ratio_sd_bachelor": s("family.bk")}
    return blocks + b.table(s("family.table"), f, cols, headers=headers, full=s("family.sheet"))


# ---- 5 structure --------------------------------------------------------------------------
def structure(b: Builder) -> list[dict]:
    s, st = b.s, b.settings
    blocks = [b.para(s("text.structure_intro"))]
    sm = b.get("structure_match")
    col = first(sm, ("dissimilarity", "dissimilarity_index", "index", "value"))
    if col is None:
        blocks.append(b.missing("structure_match"))
    else:
        d = sm.rename(columns={col: "value"}) if col != "value" else sm
        d = d.rename(columns={f"{col}_{x}": x for x in ("lo_80", "hi_80", "lo_95", "hi_95")})
        png = charts.trend_panels([(s.column("dissimilarity"), d)], base_year=b.base_year, labels=labels(b),
                                  colors=st["colors"], ncols=1, dpi=st["dpi"])
        blocks.append(b.figure(s("figures.dissimilarity"), png))
    dev = b.get("structure_deviation")
    dcol = first(dev, ("deviation", "structural_deviation", "value"))
    if dcol is None:
        blocks.append(b.missing("structure_deviation"))
        return blocks
    dev = b.baseline(dev)
    year = b.target_year if b.target_year in set(dev["year"]) else int(dev["year"].max())
    d = b.add_names(b.sections_only(dev[dev["year"] == year])).rename(columns={dcol: "deviation"})
    inf = d[~np.isfinite(d["deviation"].astype(float))]
    d = d[np.isfinite(d["deviation"].astype(float))].sort_values(["deviation", "industry"], ascending=[False, True])
    half = max(st["chart_top_n"] // 2, 1)
    top = pd.concat([d.head(half), d.tail(half)]).drop_duplicates("industry") if len(d) > 2 * half else d
    colors = [st["colors"]["bands"]["surplus"] if v > 0 else st["colors"]["bands"]["shortage"]
              for v in top["deviation"]]
    png = charts.ranked_bars([industry_label(b, i) for i in top["industry"]],
                             top["deviation"], colors, refline=0.0, xlabel=s.column("deviation"),
                             dpi=st["dpi"])
    blocks.append(b.figure(s("figures.deviation", year=year), png))
    if len(inf):  # no demand share: the deviation is not defined; said, not printed as ∞
        blocks.append(b.para(s("text.deviation_undefined", names="、".join(industry_label(b, i) for i in inf["industry"])
                                if b.lang == "zh" else "; ".join(industry_label(b, i) for i in inf["industry"]))))
    blocks += b.table(s("tables.deviation"), d, ["industry", "industry_name", "supply_share",
                                                 "demand_share", "deviation"], top_n=len(d), appendix=False)
    return blocks


