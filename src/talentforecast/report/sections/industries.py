"""Chapter 重点产业人才供需分析: for each scenario cluster (``scenario_comparison``) its industries'
employment against the baseline, the specialties serving them (``allocation_weights``), their
supply and gap (``matches``). Without a scenario the largest industries by openings are shown.

Example:
    >>> from talentforecast.report.builder import Builder
    >>> from talentforecast.report.i18n import load_settings
    >>> [blk["kind"] for blk in key_industries(Builder({}, "zh", {}, load_settings()))]
    ['missing']
"""

from __future__ import annotations

import pandas as pd

from talentforecast.report.builder import Builder, fmt_number
from talentforecast.report.sections.analysis import scenario_label
from talentforecast.report.sections.common import industry_label, match_frame


def _cluster_table() -> pd.DataFrame | None:
    """cluster, cluster_zh, industry (GB/T division), section: the shipped key-industry clusters."""
    try:
        from talentforecast import catalogs
        from talentforecast.demand.params import key_industries as load
    except ImportError:
        return None
    k = load()
    sections = catalogs.industries().set_index("industry")["section"].to_dict()
    return k.assign(industry=k["industry"].astype(str), section=[sections.get(str(i), "") for i in k["industry"]])


def _clusters(b: Builder) -> list[tuple[str, list[str], pd.DataFrame | None]]:
    """(title, industries, scenario rows) per key-industry cluster of the scenario, else one group of
    the industries with the most openings."""
    comp = b.get("scenario_comparison")
    if comp is not None and b.target_year is not None:
        year = b.target_year if b.target_year in set(comp["year"]) else comp["year"].max()
        comp = comp[comp["year"] == year].assign(industry=lambda d: d["industry"].astype(str))
        moved = comp[comp["employment_effect"].abs() > 0]
        table = _cluster_table()
        out = []
        if table is not None:
            for cluster, g in table.groupby("cluster", sort=False):
                codes = set(g["industry"]) | set(g["section"])
                rows = moved[moved["industry"].isin(codes)]
                if rows.empty:
                    continue
                title = g["cluster_zh"].iloc[0] if b.lang == "zh" else b.s.get("clusters", cluster)
                out.append((title, sorted(codes), rows))
        if not out:  # no cluster table: one group per scenario
            for name, g in moved.groupby("scenario", sort=True):
                out.append((scenario_label(b, str(name)), list(g["industry"]), g))
        return out
    ope = b.get("openings")
    if ope is None or b.base_year is None:
        return []
    fut = b.sections_only(b.baseline(ope))
    fut = fut[fut["year"] > b.base_year]
    top = fut.groupby(fut["industry"].astype(str))["value"].sum().sort_values(ascending=False)
    return [("", list(top.index[: b.settings["key_industry_top_n"]]), None)]


def key_industries(b: Builder) -> list[dict]:
    s = b.s
    clusters = _clusters(b)
    if not clusters:
        return [b.missing("employment_forecast")]
    blocks: list[dict] = []
    if clusters[0][0] == "":
        blocks.append(b.para(s("industries.no_scenario", n=len(clusters[0][1]))))
    weights = b.tables.get("allocation_weights")
    m = match_frame(b)
    for name, inds, comp in clusters:
        title = name or s("industries.largest")
        blocks.append(b.subheading(title))
        if comp is not None:
            comp = b.add_names(comp.assign(industry=comp["industry"].astype(str))).sort_values("industry")
            blocks.append(b.para(s("industries.path", name=title, year=int(comp["year"].iloc[0]),
                                   scenario=scenario_label(b, str(comp["scenario"].iloc[0])),
                                   industries=("、" if b.lang == "zh" else "; ").join(
                                       industry_label(b, i) for i in comp["industry"]),
                                   effect=fmt_number(comp["employment_effect"].sum()),
                                   base=fmt_number(comp["employment_baseline"].sum()),
                                   scen=fmt_number(comp["employment_scenario"].sum()))))
            blocks += b.table(s("industries.path_table", name=title), comp,
                              ["industry", "industry_name", "employment_baseline", "employment_scenario",
                               "employment_effect", "employment_effect_pct", "openings_effect"], appendix=False)
        if weights is None or m is None:
            blocks.append(b.missing("matches"))
            continue
        w = weights[weights["industry"].astype(str).isin(inds)]
        w = w.groupby(["specialty", "level"], as_index=False)["weight"].sum()
        serve = m.merge(w, on=["specialty", "level"], how="inner")
        serve = serve.assign(gap=serve["demand"] - serve["supply"]).sort_values(["weight", "specialty"],
                                                                                  ascending=[False, True])
        serve = serve.head(b.settings["key_industry_specialties"])
        if serve.empty:
            blocks.append(b.para(s("industries.no_specialties")))
            continue
        serve = b.add_names(serve).assign(level=lambda d: [s.get("edu_levels", v) for v in d["level"]])
        short = serve[serve["gap"] > 0]
        blocks.append(b.para(s("industries.serve", industries=("、" if b.lang == "zh" else "; ").join(
            industry_label(b, i) for i in (comp["industry"] if comp is not None else inds)), n=len(serve), short=len(short),
            gap=fmt_number(short["gap"].sum()), year=b.match_year)))
        blocks += b.table(s("industries.serve_table", name=title), serve,
                          ["specialty", "specialty_name", "level", "supply", "demand", "gap", "ratio_sd"],
                          appendix=False)
    return blocks
