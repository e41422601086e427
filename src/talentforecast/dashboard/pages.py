"""Page layouts. Each takes the feed data, the interface language and the URL query."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from talentforecast.dashboard import figures
from talentforecast.dashboard.data import FeedData, name, reasons_of
from talentforecast.dashboard.i18n import LEVEL_COLOURS, LEVEL_ORDER, t


def missing(lang: str, table: str) -> html.Div:
    return html.Div(f"{t(lang, 'absent')} {table}", className="notice")


def _options(df: pd.DataFrame, code: str, lang: str, all_option: bool = False) -> list[dict]:
    pairs = df.drop_duplicates(code).assign(_l=lambda d: name(d, code, lang)).sort_values(code)
    opts = [{"label": lab, "value": str(c)} for c, lab in zip(pairs[code], pairs["_l"], strict=True)]
    return ([{"label": t(lang, "all"), "value": ""}] if all_option else []) + opts


def planning_regions(data: FeedData) -> list[str]:
    """Regions warnings are issued for, else the top of the region tree, else every region."""
    w = data.get("warnings")
    if w is not None and len(w):
        return sorted(w["region"].astype(str).unique())
    regs = data.get("regions")
    if regs is not None and "parent" in regs:
        return sorted(regs.loc[regs["parent"].isna(), "region"].astype(str))
    return []


def _field(label: str, control) -> html.Div:
    return html.Div([html.Label(label), control], className="field")


def _figure_card(lang: str, label: str, value: str, cid: str) -> html.Div:
    return html.Div([html.Div(label, className="card-label"), html.Div(value, className="card-value", id=cid)],
                    className="card")


def level_badge(level: str, lang: str) -> html.Span:
    text = t(lang, level) if level in LEVEL_COLOURS else str(level)
    return html.Span(text, className=f"badge level-{level}")


def overview(data: FeedData, lang: str, query: dict) -> html.Div:
    m = data.manifest
    region_label = m.get("region_name") or ""
    cards = [_figure_card(lang, t(lang, "run"), str(m.get("run_id", "")), "run-id"),
             _figure_card(lang, t(lang, "as_of"), str(m.get("as_of", "")), "as-of")]
    plan = planning_regions(data)
    sd, sup, sm = data.get("specialty_demand"), data.get("supply"), data.get("structure_match")
    year = (data.as_of or 0) + 1
    if sd is not None and sup is not None:
        d = sd[(sd["region"].isin(plan)) & (sd["scenario"] == "baseline") & (sd["year"] == year)]["value"].sum()
        s = sup[(sup["region"].isin(plan)) & (sup["year"] == year)]["value"].sum()
        cards += [_figure_card(lang, f"{t(lang, 'demand_total')} {year}", f"{d:,.0f}", "demand-total"),
                  _figure_card(lang, f"{t(lang, 'supply_total')} {year}", f"{s:,.0f}", "supply-total"),
                  _figure_card(lang, t(lang, "ratio_total"), f"{s / d:.2f}" if d else "–", "ratio-total")]
    if sm is not None:
        last = sm[(sm["region"].isin(plan)) & (sm["scenario"] == "baseline") & (sm["year"] == data.as_of)]
        if len(last):
            cards.append(_figure_card(lang, f"{t(lang, 'dissimilarity')} {data.as_of}",
                                      f"{last['dissimilarity'].mean():.3f}", "dissimilarity"))
    body = [html.H2(f"{t(lang, 'overview')} {region_label}"), html.H3(t(lang, "key_figures")),
            html.Div(cards, className="cards")]
    w = data.get("warnings")
    if w is None:
        return html.Div([*body, missing(lang, "warnings")])
    latest = w[w["year"] == w["year"].max()]
    counts = latest["warning_level"].value_counts()
    levels = [lv for lv in LEVEL_ORDER if lv in counts.index] + [lv for lv in counts.index if lv not in LEVEL_ORDER]
    body += [html.H3(f"{t(lang, 'level_counts')} ({int(latest['year'].max())})"),
             html.Div([dcc.Link([level_badge(lv, lang), html.Span(str(int(counts[lv])), className="count",
                                                                 id=f"count-{lv}")],
                                href=f"/warnings?{urlencode({'level': lv})}", className="level-count")
                       for lv in levels], className="level-counts")]
    sh = data.get("shortage_occupations")
    if sh is not None and len(sh):
        top = sh[(sh["region"].isin(plan)) & (sh["scenario"] == "baseline") & (sh["year"] == year)].nsmallest(5, "rank")
        body += [html.H3(f"{t(lang, 'top_shortage')} ({year})"),
                 html.Ol([html.Li(f"{lab} ({g:,.0f})") for lab, g in zip(name(top, "occupation", lang), top["gap"],
                                                                         strict=True)])]
    return html.Div(body)


def demand_page(data: FeedData, lang: str, query: dict) -> html.Div:
    emp = data.get("employment_forecast")
    if emp is None:
        return missing(lang, "employment_forecast")
    region = _default_region(data, emp)
    inds = sorted(emp["industry"].astype(str).unique(), key=lambda c: (len(c), c))
    measures = [{"label": t(lang, "employment"), "value": "employment_forecast"}]
    if data.get("openings") is not None:
        measures.append({"label": t(lang, "openings"), "value": "openings"})
    return html.Div([
        html.H2(t(lang, "demand")),
        html.Div([
            _field(t(lang, "region"), dcc.Dropdown(id="demand-region", options=_options(emp, "region", lang),
                                                   value=region, clearable=False)),
            _field(t(lang, "industry"), dcc.Dropdown(id="demand-industry", options=_options(emp, "industry", lang),
                                                     value=inds[:3], multi=True)),
            _field(t(lang, "scenario"), dcc.Checklist(id="demand-scenario", inline=True,
                                                      options=sorted(emp["scenario"].astype(str).unique()),
                                                      value=sorted(emp["scenario"].astype(str).unique()))),
            _field(t(lang, "measure"), dcc.RadioItems(id="demand-measure", options=measures,
                                                      value="employment_forecast", inline=True)),
        ], className="filters"),
        dcc.Graph(id="demand-graph", config={"displaylogo": False}),
    ])


def _default_region(data: FeedData, df: pd.DataFrame) -> str:
    """The planning region, else the first region of the table."""
    return (planning_regions(data) or sorted(df["region"].astype(str).unique())[:1])[0]


def _default_year(data: FeedData, df: pd.DataFrame) -> tuple[list[int], int]:
    """The table's years and the one to show first: the plan year (as_of + 1) when present."""
    years = [int(y) for y in sorted(df["year"].unique())]
    plan_year = data.as_of + 1 if data.as_of is not None else None
    return years, plan_year if plan_year in years else years[-1]


def supply_page(data: FeedData, lang: str, query: dict) -> html.Div:
    sup = data.get("supply")
    if sup is None:
        return missing(lang, "supply")
    region = _default_region(data, sup)
    years, year = _default_year(data, sup)
    return html.Div([
        html.H2(t(lang, "supply")),
        html.Div([
            _field(t(lang, "region"), dcc.Dropdown(id="supply-region", options=_options(sup, "region", lang),
                                                   value=region, clearable=False)),
            _field(t(lang, "year"), dcc.Dropdown(id="supply-year", options=years,
                                                 value=int(year), clearable=False)),
        ], className="filters"),
        dcc.Graph(id="supply-graph", config={"displaylogo": False}),
    ])


def warnings_page(data: FeedData, lang: str, query: dict) -> html.Div:
    w = data.get("warnings")
    if w is None:
        return missing(lang, "warnings")
    present = [lv for lv in LEVEL_ORDER if lv in set(w["warning_level"])]
    level_opts = [{"label": t(lang, "all"), "value": ""}] + [{"label": t(lang, lv), "value": lv} for lv in present]
    prov = data.get("provision")
    schools = sorted(prov["school"].astype(str).unique()) if prov is not None else []
    cat = w.dropna(subset=["category_code"]).drop_duplicates("category_code").sort_values("category_code")
    cat_label = cat["category_name_en" if lang == "en" else "category_name_zh"].fillna(cat["category_code"])
    if lang == "en":
        cat_label = cat["category_code"] + " " + cat["category_name_zh"].fillna("")
    return html.Div([
        html.H2(t(lang, "warnings")),
        html.Div([
            _field(t(lang, "level"), dcc.RadioItems(id="warn-level", options=level_opts, inline=True,
                                                    value=query.get("level", ""))),
            _field(t(lang, "category"), dcc.Dropdown(id="warn-category", placeholder=t(lang, "all"), options=[
                {"label": lab, "value": c} for c, lab in zip(cat["category_code"], cat_label, strict=True)])),
            _field(t(lang, "school"), dcc.Dropdown(id="warn-school", placeholder=t(lang, "all"),
                                                   options=[{"label": s, "value": s} for s in schools])),
            _field(t(lang, "region"), dcc.Dropdown(id="warn-region", placeholder=t(lang, "all"),
                                                   options=_options(w, "region", lang))),
        ], className="filters"),
        html.Div(id="warn-table"),
    ])


def descendants(data: FeedData, region: str) -> set[str]:
    """``region`` and every region below it (from the feed's ``regions`` table)."""
    regs = data.get("regions")
    out = {region}
    if regs is None or "parent" not in regs:
        return out
    parent = dict(zip(regs["region"].astype(str), regs["parent"], strict=True))
    changed = True
    while changed:
        new = {r for r, p in parent.items() if isinstance(p, str) and p in out} - out
        out |= new
        changed = bool(new)
    return out


def filter_warnings(data: FeedData, level: str | None, category: str | None, school: str | None,
                    region: str | None) -> pd.DataFrame:
    """Warnings of the latest year matching every filter given (empty values match all)."""
    w = data.get("warnings")
    w = w[w["year"] == w["year"].max()]
    if level:
        w = w[w["warning_level"] == level]
    if category:
        w = w[w["category_code"] == category]
    if region:
        w = w[w["region"].astype(str) == region]
    if school:  # specialties the school offers in the warning's region or below it
        prov = data.get("provision")
        offers = prov[prov["school"].astype(str) == school] if prov is not None else pd.DataFrame(
            columns=["region", "specialty", "level"])
        keep = [bool((offers["region"].astype(str).isin(descendants(data, str(r))) & (offers["specialty"] == s)
                      & (offers["level"] == lv)).any())
                for r, s, lv in zip(w["region"], w["specialty"], w["level"], strict=True)]
        w = w[keep]
    order = {lv: k for k, lv in enumerate(LEVEL_ORDER)}
    return w.sort_values(["warning_level", "region", "specialty"], key=lambda c: c.map(order) if c.name ==
                         "warning_level" else c)


def detail_href(region: str, specialty: str, level: str) -> str:
    return "/specialty?" + urlencode({"region": region, "specialty": specialty, "level": level})


def warnings_table(rows: pd.DataFrame, lang: str) -> html.Div:
    if rows.empty:
        return html.Div(t(lang, "no_rows"), className="notice", id="warn-empty")
    sfx = "en" if lang == "en" else "zh"
    head = html.Tr([html.Th(t(lang, k)) for k in ("region", "specialty_col", "edu_level", "category", "level",
                                                   "action", "reason", "probability", "previous_level", "enrol")])
    regions, specs = name(rows, "region", lang), name(rows, "specialty", lang)
    cats = rows["category_name_zh"].fillna("")
    body = []
    for i, (_, r) in enumerate(rows.iterrows()):
        enrol = "–" if pd.isna(r["enrol_lo"]) else f"{r['enrol_lo']:,.0f}–{r['enrol_hi']:,.0f}"
        body.append(html.Tr([
            html.Td(regions.iloc[i]),
            html.Td(dcc.Link(specs.iloc[i], href=detail_href(str(r["region"]), str(r["specialty"]), str(r["level"])),
                             className="specialty-link")),
            html.Td(r["level_name_en"] if lang == "en" else r["level"]), html.Td(cats.iloc[i]),
            html.Td(level_badge(r["warning_level"], lang)), html.Td(r[f"action_{sfx}"]),
            html.Td(r[f"reason_{sfx}"], className="reason"),
            html.Td("–" if pd.isna(r["probability"]) else f"{r['probability']:.0%}"),
            html.Td(level_badge(r["previous_level"], lang) if isinstance(r["previous_level"], str) else "–"),
            html.Td(enrol)], className="warn-row", **{"data-level": r["warning_level"]}))
    return html.Div([html.P(f"{len(rows)} {t(lang, 'rows')}", id="warn-count"),
                     html.Table([html.Thead(head), html.Tbody(body)], className="table", id="warnings-table")])


def specialty_page(data: FeedData, lang: str, query: dict) -> html.Div:
    region, spec, level = query.get("region", ""), query.get("specialty", ""), query.get("level", "")
    w = data.get("warnings")
    rows = w[(w["region"].astype(str) == region) & (w["specialty"] == spec) & (w["level"] == level)] \
        if w is not None else pd.DataFrame()
    back = dcc.Link(t(lang, "back"), href="/warnings")
    if rows.empty:
        return html.Div([html.H2(t(lang, "specialty")), html.P(t(lang, "not_found"), className="notice"), back])
    rows = rows.sort_values("year")
    cur = rows.iloc[-1]
    sfx = "en" if lang == "en" else "zh"

    def pick(table: str) -> pd.DataFrame:
        df = data.get(table)
        if df is None:
            return pd.DataFrame(columns=["year", "scenario", "value", "ratio_sd"])
        return df[(df["region"].astype(str) == region) & (df["specialty"] == spec) & (df["level"] == level)]

    hist, ratio = figures.specialty_figures(pick("specialty_demand"), pick("supply"), pick("matches"),
                                            data.as_of, lang)
    title = f"{name(rows.tail(1), 'specialty', lang).iloc[0]} · {cur['level_name_en'] if lang == 'en' else level}"
    reasons = reasons_of(cur)
    reason_items = [html.Li([html.Span(x.get(f"text_{sfx}", ""), className="reason-text"),
                             html.Span(f" [{x.get('rule_id', '')}: {x.get('indicator', '')} = {x.get('value')}, "
                                       f"{t(lang, 'threshold')} {x.get('threshold')}, {t(lang, 'years')} "
                                       f"{', '.join(str(y) for y in x.get('years', []))}]", className="reason-meta")],
                            className="reason-item", **{"data-rule": str(x.get("rule_id", ""))})
                    for x in reasons]
    history = [html.Tr([html.Td(int(r["year"])), html.Td(level_badge(r["warning_level"], lang)),
                        html.Td(level_badge(r["previous_level"], lang) if isinstance(r["previous_level"], str) else "–"),
                        html.Td("–" if pd.isna(r["years_at_level"]) else int(r["years_at_level"]))])
               for _, r in rows.iterrows()]
    return html.Div([
        back, html.H2(title, id="specialty-title"),
        html.Div([level_badge(cur["warning_level"], lang), html.Span(cur[f"action_{sfx}"], className="action")],
                 id="specialty-level"),
        html.Div([dcc.Graph(figure=hist, config={"displaylogo": False}, id="specialty-history"),
                  dcc.Graph(figure=ratio, config={"displaylogo": False}, id="specialty-ratio")], className="two"),
        html.H3(t(lang, "reasons")), html.Ul(reason_items, id="reasons"),
        html.H3(t(lang, "level_history")),
        html.Table([html.Thead(html.Tr([html.Th(t(lang, k)) for k in ("year", "level", "previous_level",
                                                                      "years_at_level")])),
                    html.Tbody(history)], className="table", id="level-history"),
    ])


def structure_page(data: FeedData, lang: str, query: dict) -> html.Div:
    sm = data.get("structure_match")
    if sm is None:
        return missing(lang, "structure_match")
    region = _default_region(data, sm)
    years = [int(y) for y in sorted(sm["year"].unique())]
    return html.Div([
        html.H2(t(lang, "structure")),
        html.Div([
            _field(t(lang, "region"), dcc.Dropdown(id="structure-region", options=_options(sm, "region", lang),
                                                   value=region, clearable=False)),
            _field(t(lang, "year"), dcc.Dropdown(id="structure-year", options=years,
                                                 value=int(data.as_of if data.as_of in years else years[-1]),
                                                 clearable=False)),
        ], className="filters"),
        html.Div([dcc.Graph(id="structure-index", config={"displaylogo": False}),
                  dcc.Graph(id="structure-deviation", config={"displaylogo": False})], className="two"),
    ])


def shortage_page(data: FeedData, lang: str, query: dict) -> html.Div:
    sh = data.get("shortage_occupations")
    if sh is None:
        return missing(lang, "shortage_occupations")
    region = _default_region(data, sh)
    years, year = _default_year(data, sh)
    return html.Div([
        html.H2(t(lang, "shortage")),
        html.Div([
            _field(t(lang, "region"), dcc.Dropdown(id="shortage-region", options=_options(sh, "region", lang),
                                                   value=region, clearable=False)),
            _field(t(lang, "year"), dcc.Dropdown(id="shortage-year", options=years,
                                                 value=int(year), clearable=False)),
            _field(t(lang, "scenario"), dcc.RadioItems(id="shortage-scenario", inline=True,
                                                       options=sorted(sh["scenario"].astype(str).unique()),
                                                       value="baseline")),
        ], className="filters"),
        html.Div(id="shortage-table"),
    ])


def shortage_table(rows: pd.DataFrame, lang: str) -> html.Div:
    if rows.empty:
        return html.Div(t(lang, "no_rows"), className="notice")
    occ = name(rows, "occupation", lang)
    head = html.Tr([html.Th(t(lang, k)) for k in ("rank", "occupation", "demand_line", "supply_line", "gap",
                                                   "ratio", "previous_rank")])
    body = [html.Tr([html.Td(int(r["rank"])), html.Td(occ.iloc[i]), html.Td(f"{r['demand']:,.0f}"),
                     html.Td(f"{r['supply']:,.0f}"), html.Td(f"{r['gap']:,.0f}"),
                     html.Td("–" if pd.isna(r["ratio_ds"]) else f"{r['ratio_ds']:.2f}"),
                     html.Td("–" if pd.isna(r["previous_rank"]) else int(r["previous_rank"]))],
                    className="shortage" if r["shortage"] else "")
            for i, (_, r) in enumerate(rows.iterrows())]
    return html.Table([html.Thead(head), html.Tbody(body)], className="table")
