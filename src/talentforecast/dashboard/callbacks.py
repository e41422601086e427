"""Page callbacks. Each answers from one SQL query on the feed; a failing callback clears its view
and shows the error (never leaves the previous rows standing under new filters)."""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, no_update

from talentforecast.dashboard import figures, tables, views
from talentforecast.dashboard.data import FeedData, name
from talentforecast.dashboard.i18n import t
from talentforecast.dashboard.pages import empty_notice, error_notice
from talentforecast.dashboard.query import WarnFilter, warnings_page_rows
from talentforecast.dashboard.views import shortage_view, warn_view


def _guard(app: Dash, on_error):
    """Run the callback; on an exception log it and return ``on_error(lang, err)`` instead, so the view
    is cleared and says what went wrong (the language is the callback's last argument)."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args):
            try:
                return fn(*args)
            except Exception as err:
                app.logger.exception("callback %s failed", fn.__name__)
                return on_error(args[-1] if args and args[-1] in ("zh", "en") else "zh", err)
        return inner
    return wrap


def register(app: Dash, data: FeedData) -> None:
    _charts(app, data)
    _warnings(app, data)
    _shortage(app, data)
    _gap(app, data)


def _charts(app: Dash, data: FeedData) -> None:
    @app.callback(Output("demand-graph", "figure"), Output("demand-msg", "children"),
                  Input("demand-region", "value"), Input("demand-industry", "value"),
                  Input("demand-scenario", "value"), Input("demand-measure", "value"), Input("lang", "value"))
    @_guard(app, lambda lang, err: (figures.empty_figure("", t(lang, "no_figure")), error_notice(lang, err)))
    def demand(region, industries, scenarios, measure, lang):
        table = measure if measure in ("employment_forecast", "openings") else "employment_forecast"
        df = data.sql(f'SELECT * FROM "{table}" WHERE CAST(region AS VARCHAR) = ? AND list_contains(?, industry) '
                        "AND list_contains(?, scenario)", [region, list(industries or []), list(scenarios or [])])
        title = t(lang, "employment" if table == "employment_forecast" else "openings")
        if df.empty:
            return figures.empty_figure(title, t(lang, "no_figure")), empty_notice(lang, "demand-empty")
        unit = str(df["unit"].iloc[0])
        unit = t(lang, "persons") if unit == "persons" else unit  # the feed's unit code, in the interface language
        return figures.demand_figure(df, name(df, "industry", lang), lang, title, unit), None

    @app.callback(Output("supply-graph", "figure"), Output("supply-msg", "children"),
                  Input("supply-region", "value"), Input("supply-year", "value"), Input("lang", "value"))
    @_guard(app, lambda lang, err: (figures.empty_figure("", t(lang, "no_figure")), error_notice(lang, err)))
    def supply(region, year, lang):
        df = data.sql('SELECT * FROM "supply" WHERE CAST(region AS VARCHAR) = ? AND year = ? ORDER BY value DESC',
                        [region, year])
        title = f"{t(lang, 'supply')} {year}"
        if df.empty:
            return figures.empty_figure(title, t(lang, "no_figure")), empty_notice(lang, "supply-empty")
        lv = df["level_name_en"] if lang == "en" and "level_name_en" in df else df["level"]
        return figures.supply_figure(df, list(name(df, "specialty", lang) + " · " + lv), title, lang), None

    @app.callback(Output("structure-index", "figure"), Output("structure-deviation", "figure"),
                  Input("structure-region", "value"), Input("structure-year", "value"), Input("lang", "value"))
    @_guard(app, lambda lang, err: (figures.empty_figure(t(lang, "error"), str(err)),
                                    figures.empty_figure(t(lang, "error"), str(err))))
    def structure(region, year, lang):
        from talentforecast.dashboard.i18n import scenario_name

        sm = data.sql('SELECT * FROM "structure_match" WHERE CAST(region AS VARCHAR) = ? ORDER BY year', [region])
        idx = go.Figure([go.Scatter(x=g["year"], y=g["dissimilarity"], mode="lines+markers",
                                    name=scenario_name(lang, sc)) for sc, g in sm.groupby("scenario", sort=True)])
        idx = figures._layout(idx, t(lang, "dissimilarity")) if len(sm) else \
            figures.empty_figure(t(lang, "dissimilarity"), t(lang, "no_figure"))
        title = f"{t(lang, 'deviation')} {year}"
        if not data.has("structure_deviation"):
            return idx, figures.empty_figure(title, f"{t(lang, 'absent')} structure_deviation")
        d = data.sql('SELECT * FROM "structure_deviation" WHERE CAST(region AS VARCHAR) = ? AND year = ? AND '
                       "scenario = 'baseline' ORDER BY deviation", [region, year])
        if d.empty:
            return idx, figures.empty_figure(title, t(lang, "no_figure"))
        return idx, figures.bar_figure(list(name(d, "industry", lang)), list(d["deviation"]), title,
                                       horizontal=True, colour="#6a1b9a")


def _warn_filter(year, level, edu, category, region, school, search) -> WarnFilter:
    return WarnFilter(year=year, warning_level=level or None, level=edu or None, category=category or None,
                      region=region or None, school=school or None, search=(search or "").strip() or None)


WARN_INPUTS = [Input("warn-year", "value"), Input("warn-level", "value"), Input("warn-edu", "value"),
               Input("warn-category", "value"), Input("warn-region", "value"), Input("warn-school", "value"),
               Input("warn-search", "value")]


def _paged(table_id: str, state: dict | None, column_state, view, lang: str):
    """Answer a server-paged grid: a pager button turns the page, a new sort keeps it, a new filter
    starts at the first page; ``view(sort_by, page)`` gives (records, pages, page, message, count).
    A column state that does not change the sort (a resized column) changes nothing."""
    state = state or {"page": 0, "pages": 1, "sort": []}
    trigger = ctx.triggered_id
    sort = tables.sort_of(column_state) if column_state is not None else state["sort"]
    if trigger == table_id and sort == state["sort"]:
        return no_update
    page = 0 if trigger is None or not str(trigger).startswith(table_id) else \
        tables.turn(trigger, table_id, state["page"], state["pages"])
    recs, pages, page, msg, count = view(sort, page)
    return (*tables.paged(recs, page, pages, sort, lang), msg, count)


def _paged_error(lang: str, err: Exception) -> tuple:
    return (*tables.paged([], 0, 1, [], lang), error_notice(lang, err), "")


def _warnings(app: Dash, data: FeedData) -> None:
    @app.callback(*tables.pager_outputs("warnings-table"), Output("warn-msg", "children"),
                  Output("warn-count", "children"), *WARN_INPUTS, *tables.pager_inputs("warnings-table"),
                  State("warnings-table-state", "data"), State("lang", "value"),
                  prevent_initial_call=True)  # the page holds its first rows
    @_guard(app, _paged_error)
    def warnings(year, level, edu, category, region, school, search, _first, _prev, _next, _last, column_state,
                 state, lang):
        f = _warn_filter(year, level, edu, category, region, school, search)
        return _paged("warnings-table", state, column_state,
                      lambda sort, page: warn_view(data, f, sort, page, lang), lang)

    @app.callback(Output("warn-category", "options"), Output("warn-category", "value"),
                  Input("warn-edu", "value"), State("warn-category", "value"), State("lang", "value"),
                  prevent_initial_call=True)
    def categories(edu, current, lang):
        opts = views.category_options(data, lang, edu or None)
        keep = current if current in {o["value"] for o in opts} else None
        return opts, keep

    @app.callback(Output("warn-download", "data"), Input("warn-csv", "n_clicks"), Input("warn-xlsx", "n_clicks"),
                  *[State(i.component_id, i.component_property) for i in WARN_INPUTS],
                  State("warnings-table-state", "data"), prevent_initial_call=True)
    def download(_csv, _xlsx, year, level, edu, category, region, school, search, state):
        if not ctx.triggered_id:
            return no_update
        rows, _ = warnings_page_rows(data, _warn_filter(year, level, edu, category, region, school, search),
                                     (state or {}).get("sort"), 0, None)
        return tables.send(rows, "csv" if ctx.triggered_id == "warn-csv" else "xlsx", "warnings")


def _shortage(app: Dash, data: FeedData) -> None:
    inputs = [Input("shortage-region", "value"), Input("shortage-year", "value"), Input("shortage-scenario", "value")]

    @app.callback(*tables.pager_outputs("shortage-table"), Output("shortage-msg", "children"),
                  Output("shortage-count", "children"), *inputs, *tables.pager_inputs("shortage-table"),
                  State("shortage-table-state", "data"), State("lang", "value"), prevent_initial_call=True)
    @_guard(app, _paged_error)
    def shortage(region, year, scenario, _first, _prev, _next, _last, column_state, state, lang):
        return _paged("shortage-table", state, column_state,
                      lambda sort, page: shortage_view(data, region, year, scenario, sort, page, lang), lang)

    @app.callback(Output("shortage-download", "data"), Input("shortage-csv", "n_clicks"),
                  Input("shortage-xlsx", "n_clicks"), *[State(i.component_id, i.component_property) for i in inputs],
                  State("shortage-table-state", "data"), prevent_initial_call=True)
    def download(_csv, _xlsx, region, year, scenario, state):
        rows, _ = views.shortage_rows(data, region, year, scenario, (state or {}).get("sort"), 0, None)
        return tables.send(rows, "csv" if ctx.triggered_id == "shortage-csv" else "xlsx", "shortage")


def gap_rows(data: FeedData, region, year, scenario) -> pd.DataFrame:
    """Supply and demand by industry (structure_deviation) with demand's 80 % bounds summed over levels
    (vocational_openings) where that table is in the feed."""
    sql = 'SELECT * FROM "structure_deviation" d'
    if data.has("vocational_openings"):
        sql = ('SELECT d.*, v.d_lo_80, v.d_hi_80 FROM "structure_deviation" d LEFT JOIN (SELECT region, industry, '
               'year, scenario, sum(lo_80) AS d_lo_80, sum(hi_80) AS d_hi_80 FROM "vocational_openings" GROUP BY ALL) v '
               "USING (region, industry, year, scenario)")
    return data.sql(f"SELECT * FROM ({sql}) WHERE CAST(region AS VARCHAR) = ? AND year = ? AND scenario = ? "
                      "ORDER BY demand - supply DESC", [region, year, scenario])


def _gap(app: Dash, data: FeedData) -> None:
    inputs = [Input("gap-region", "value"), Input("gap-year", "value"), Input("gap-scenario", "value")]

    @app.callback(Output("gap-graph", "figure"), Output("gap-msg", "children"), *inputs, Input("lang", "value"))
    @_guard(app, lambda lang, err: (figures.empty_figure("", t(lang, "no_figure")), error_notice(lang, err)))
    def gap(region, year, scenario, lang):
        rows = gap_rows(data, region, year, scenario)
        title = f"{t(lang, 'industry_gap')} {year}"
        if rows.empty:
            return figures.empty_figure(title, t(lang, "no_figure")), empty_notice(lang, "gap-empty")
        return figures.gap_figure(rows, list(name(rows, "industry", lang)), title, lang), None

    @app.callback(Output("gap-download", "data"), Input("gap-csv", "n_clicks"), Input("gap-xlsx", "n_clicks"),
                  *[State(i.component_id, i.component_property) for i in inputs], prevent_initial_call=True)
    def download(_csv, _xlsx, region, year, scenario):
        return tables.send(gap_rows(data, region, year, scenario),
                           "csv" if ctx.triggered_id == "gap-csv" else "xlsx", "industry_gap")
