"""Page layouts. Each takes the feed data, the interface language and the URL query; each reads
only the slices it shows (SQL through :class:`FeedData`)."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from talentforecast.dashboard import figures
from talentforecast.dashboard.data import FeedData, name, reasons_of
from talentforecast.dashboard.i18n import (
    LEVEL_COLOURS,
    LEVEL_ORDER,
    dropdown_labels,
    scenario_name,
    t,
)


def missing(lang: str, table: str) -> html.Div:
    return html.Div(f"{t(lang, 'absent')} {table}", className="notice")


def error_notice(lang: str, err: Exception) -> html.Div:
    return html.Div(f"{t(lang, 'error')} {type(err).__name__}: {err}", className="notice error", role="alert")


def empty_notice(lang: str, cid: str) -> html.Div:
    return html.Div(t(lang, "no_rows"), className="notice", id=cid)


def dropdown(lang: str, **kw) -> dcc.Dropdown:
    """dcc.Dropdown with its own strings ("Search", "No options found") in ``lang``."""
    kw.setdefault("placeholder", t(lang, "placeholder"))
    return dcc.Dropdown(labels=dropdown_labels(lang), **kw)


def options(data: FeedData, table: str, code: str, lang: str) -> list[dict]:
    """Distinct codes of a table's column with their names, sorted by code."""
    cols = data.columns(table)
    names = [c for c in (f"{code}_name_zh", f"{code}_name_en") if c in cols]
    pairs = data.cached(f'SELECT DISTINCT CAST("{code}" AS VARCHAR) AS "{code}"'
                        + "".join(f', any_value("{c}") AS "{c}"' for c in names)
                        + f' FROM "{table}" WHERE "{code}" IS NOT NULL GROUP BY 1 ORDER BY 1')
    return [{"label": lab, "value": c} for c, lab in zip(pairs[code], name(pairs, code, lang), strict=True)]


def scenario_options(data: FeedData, table: str, lang: str) -> list[dict]:
    codes = data.cached(f'SELECT DISTINCT scenario FROM "{table}" ORDER BY 1')["scenario"].astype(str)
    return [{"label": scenario_name(lang, c), "value": c} for c in codes]


def years_of(data: FeedData, table: str) -> list[int]:
    return [int(y) for y in data.cached(f'SELECT DISTINCT year FROM "{table}" ORDER BY 1')["year"]]


def planning_regions(data: FeedData) -> list[str]:
    """Regions warnings are issued for, else the top of the region tree, else every region."""
    if data.has("warnings"):
        w = data.cached('SELECT DISTINCT CAST(region AS VARCHAR) AS r FROM "warnings" ORDER BY 1')
        if len(w):
            regs = list(w["r"])
            if data.has("regions") and "parent" in data.columns("regions"):  # district rows: keep the top
                top = set(data.cached('SELECT CAST(region AS VARCHAR) AS r FROM "regions" WHERE parent IS NULL')["r"])
                return [r for r in regs if r in top] or regs
            return regs
    if data.has("regions") and "parent" in data.columns("regions"):
        return list(data.cached('SELECT CAST(region AS VARCHAR) AS r FROM "regions" WHERE parent IS NULL '
                                "ORDER BY 1")["r"])
    return []


def _field(label: str, control, cls: str = "field") -> html.Div:
    return html.Div([html.Label(label), control], className=cls)


def region_year_fields(data: FeedData, table: str, lang: str, prefix: str, years: list, year,
                       region=None, year_cls: str = "field") -> list[html.Div]:
    """The region and year pickers of a page over ``table`` (ids ``<prefix>-region``, ``<prefix>-year``);
    the region defaults to the table's planning region."""
    return [_field(t(lang, "region"), dropdown(lang, id=f"{prefix}-region", clearable=False,
                                               options=options(data, table, "region", lang),
                                               value=default_region(data, table) if region is None else region)),
            _field(t(lang, "year"), dropdown(lang, id=f"{prefix}-year", options=years, value=int(year),
                                             clearable=False), year_cls)]


def _figure_card(lang: str, label: str, value: str, cid: str) -> html.Div:
    return html.Div([html.Div(label, className="card-label"), html.Div(value, className="card-value", id=cid)],
                    className="card")


def level_badge(level: str, lang: str) -> html.Span:
    text = t(lang, level) if level in LEVEL_COLOURS else str(level)
    return html.Span(text, className=f"badge level-{level}")


def _in(values: list[str]) -> tuple[str, list]:
    return "list_contains(?, CAST(region AS VARCHAR))", [list(values)]


def overview(data: FeedData, lang: str, query: dict) -> html.Div:
    m = data.manifest
    region_label = m.get("region_name") or ""
    cards = [_figure_card(lang, t(lang, "run"), str(m.get("run_id", "")), "run-id"),
             _figure_card(lang, t(lang, "as_of"), str(m.get("as_of", "")), "as-of")]
    plan = planning_regions(data)
    where, p = _in(plan)
    year = (data.as_of or 0) + 1
    if data.has("specialty_demand") and data.has("supply"):
        d = data.sql(f'SELECT sum(value) AS v FROM "specialty_demand" WHERE {where} AND scenario = '
                       "'baseline' AND year = ?", [*p, year])["v"].iloc[0]
        s = data.sql(f'SELECT sum(value) AS v FROM "supply" WHERE {where} AND year = ?', [*p, year])["v"].iloc[0]
        d, s = (0.0 if pd.isna(d) else float(d)), (0.0 if pd.isna(s) else float(s))
        cards += [_figure_card(lang, f"{t(lang, 'demand_total')} {year}", f"{d:,.0f}", "demand-total"),
                  _figure_card(lang, f"{t(lang, 'supply_total')} {year}", f"{s:,.0f}", "supply-total"),
                  _figure_card(lang, t(lang, "ratio_total"), f"{s / d:.2f}" if d else "–", "ratio-total")]
    if data.has("structure_match"):
        last = data.sql(f'SELECT avg(dissimilarity) AS v, count(*) AS n FROM "structure_match" WHERE {where} '
                          "AND scenario = 'baseline' AND year = ?", [*p, data.as_of])
        if int(last["n"].iloc[0]):
            cards.append(_figure_card(lang, f"{t(lang, 'dissimilarity')} {data.as_of}",
                                      f"{last['v'].iloc[0]:.3f}", "dissimilarity"))
    body = [html.H2(f"{t(lang, 'overview')} {region_label}"), html.H3(t(lang, "key_figures")),
            html.Div(cards, className="cards")]
    if not data.has("warnings"):
        return html.Div([*body, missing(lang, "warnings")])
    unit = " AND planning_unit = 'planning_region'" if "planning_unit" in data.columns("warnings") else ""
    latest = data.sql(f'SELECT warning_level, count(*) AS n, max(year) AS y FROM "warnings" WHERE {where}{unit} AND '
                        'year = (SELECT max(year) FROM "warnings") GROUP BY 1', p)
    counts = dict(zip(latest["warning_level"], latest["n"], strict=True))
    levels = [lv for lv in LEVEL_ORDER if lv in counts] + [lv for lv in counts if lv not in LEVEL_ORDER]
    wyear = int(latest["y"].max()) if len(latest) else ""
    body += [html.H3(f"{t(lang, 'level_counts')} ({wyear})"),
             html.Div([dcc.Link([level_badge(lv, lang), html.Span(str(int(counts[lv])), className="count",
                                                                 id=f"count-{lv}")],
                                href=f"/warnings?{urlencode({'level': lv})}", className="level-count")
                       for lv in levels], className="level-counts")]
    if data.has("shortage_occupations"):
        top = data.sql(f'SELECT * FROM "shortage_occupations" WHERE {where} AND scenario = \'baseline\' AND '
                         "year = ? ORDER BY rank LIMIT 5", [*p, year])
        if len(top):
            body += [html.H3(f"{t(lang, 'top_shortage')} ({year})"),
                     html.Ol([html.Li(f"{lab} ({g:,.0f})") for lab, g in zip(name(top, "occupation", lang),
                                                                             top["gap"], strict=True)])]
    return html.Div(body)


def demand_page(data: FeedData, lang: str, query: dict) -> html.Div:
    if not data.has("employment_forecast"):
        return missing(lang, "employment_forecast")
    region = default_region(data, "employment_forecast")
    inds = [o["value"] for o in options(data, "employment_forecast", "industry", lang)]
    inds = sorted(inds, key=lambda c: (len(c), c))
    measures = [{"label": t(lang, "employment"), "value": "employment_forecast"}]
    if data.has("openings"):
        measures.append({"label": t(lang, "openings"), "value": "openings"})
    scen = scenario_options(data, "employment_forecast", lang)
    return html.Div([
        html.H2(t(lang, "demand")),
        html.Div([
            _field(t(lang, "region"), dropdown(lang, id="demand-region", value=region, clearable=False,
                                               options=options(data, "employment_forecast", "region", lang))),
            _field(t(lang, "industry"), dropdown(lang, id="demand-industry", value=inds[:3], multi=True,
                                                 options=options(data, "employment_forecast", "industry", lang))),
            _field(t(lang, "scenario"), dcc.Checklist(id="demand-scenario", inline=True, options=scen,
                                                      value=[o["value"] for o in scen])),
            _field(t(lang, "measure"), dcc.RadioItems(id="demand-measure", options=measures,
                                                      value="employment_forecast", inline=True)),
        ], className="filters"),
        html.Div(id="demand-msg"),
        dcc.Graph(id="demand-graph", config=figures.GRAPH_CONFIG),
    ])


def default_region(data: FeedData, table: str) -> str:
    """The planning region, else the first region of the table."""
    plan = planning_regions(data)
    present = [o["value"] for o in options(data, table, "region", "zh")]
    return next((r for r in plan if r in present), present[0] if present else "")


def default_year(data: FeedData, table: str) -> tuple[list[int], int]:
    """The table's years and the one to show first: the plan year (as_of + 1) when present."""
    years = years_of(data, table)
    plan_year = data.as_of + 1 if data.as_of is not None else None
    return years, plan_year if plan_year in years else years[-1]


def supply_page(data: FeedData, lang: str, query: dict) -> html.Div:
    if not data.has("supply"):
        return missing(lang, "supply")
    years, year = default_year(data, "supply")
    return html.Div([
        html.H2(t(lang, "supply")),
        html.Div([
            *region_year_fields(data, "supply", lang, "supply", years, year),
        ], className="filters"),
        html.P(t(lang, "supply_note"), className="note"),
        html.Div(id="supply-msg"),
        dcc.Graph(id="supply-graph", config=figures.GRAPH_CONFIG),
    ])


def detail_href(region: str, specialty: str, level: str) -> str:
    return "/specialty?" + urlencode({"region": region, "specialty": specialty, "level": level})


def specialty_page(data: FeedData, lang: str, query: dict) -> html.Div:
    region, spec, level = query.get("region", ""), query.get("specialty", ""), query.get("level", "")
    key = "CAST(region AS VARCHAR) = ? AND specialty = ? AND level = ?"
    rows = data.sql(f'SELECT * FROM "warnings" WHERE {key} ORDER BY year', [region, spec, level]) \
        if data.has("warnings") else pd.DataFrame()
    back = dcc.Link(t(lang, "back"), href="/warnings")
    if rows.empty:
        return html.Div([html.H2(t(lang, "specialty")), html.P(t(lang, "not_found"), className="notice"), back])
    cur = rows.iloc[-1]
    sfx = "en" if lang == "en" else "zh"

    def pick(table: str) -> pd.DataFrame:
        if not data.has(table):
            return pd.DataFrame(columns=["year", "scenario", "value", "ratio_sd"])
        return data.sql(f'SELECT * FROM "{table}" WHERE {key}', [region, spec, level])

    hist, ratio = figures.specialty_figures(pick("specialty_demand"), pick("supply"), pick("matches"),
                                            data.as_of, lang, figures.run_bands(data))
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
        html.Div([dcc.Graph(figure=hist, config=figures.GRAPH_CONFIG, id="specialty-history"),
                  dcc.Graph(figure=ratio, config=figures.GRAPH_CONFIG, id="specialty-ratio")],
                 className="two"),
        html.H3(t(lang, "reasons")), html.Ul(reason_items, id="reasons"),
        html.H3(t(lang, "level_history")),
        html.Div(html.Table([html.Thead(html.Tr([html.Th(t(lang, k)) for k in ("year", "level", "previous_level",
                                                                               "years_at_level")])),
                             html.Tbody(history)], className="table", id="level-history"), className="scroll"),
    ])


def structure_page(data: FeedData, lang: str, query: dict) -> html.Div:
    if not data.has("structure_match"):
        return missing(lang, "structure_match")
    years = years_of(data, "structure_match")
    return html.Div([
        html.H2(t(lang, "structure")),
        html.Div([
            *region_year_fields(data, "structure_match", lang, "structure", years,
                                data.as_of if data.as_of in years else years[-1]),
        ], className="filters"),
        html.P(t(lang, "no_bands"), className="note"),
        html.Div([dcc.Graph(id="structure-index", config=figures.GRAPH_CONFIG),
                  dcc.Graph(id="structure-deviation", config=figures.GRAPH_CONFIG)],
                 className="two"),
    ])
