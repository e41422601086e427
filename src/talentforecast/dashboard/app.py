"""The Dash app: routing, the language switch and the page callbacks. Read-only by design: it
reads the feed once at start, has no upload or write callback and serves no file route of its own.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import flask
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from talentforecast.dashboard import figures, pages
from talentforecast.dashboard.data import FeedData, name
from talentforecast.dashboard.i18n import PATHS, t

ASSETS = Path(__file__).with_name("assets")
ROUTES = {"/": pages.overview, "/demand": pages.demand_page, "/supply": pages.supply_page,
          "/warnings": pages.warnings_page, "/specialty": pages.specialty_page,
          "/structure": pages.structure_page, "/shortage": pages.shortage_page}
NAV = ("overview", "demand", "supply", "warnings", "structure", "shortage")


def create_app(source: str | Path | FeedData) -> Dash:
    """Build the dashboard over a feed folder, a run folder, a demo output folder or :class:`FeedData`.

    Example:
        >>> from talentforecast.export.sample import sample_run
        >>> app = create_app(FeedData.from_run(sample_run()))
        >>> app.config.serve_locally
        True
    """
    data = source if isinstance(source, FeedData) else FeedData.load(source)
    # static_folder=None: no Flask /static route; Dash serves /assets only from the package folder.
    server = flask.Flask(__name__, static_folder=None)
    app = Dash(__name__, server=server, assets_folder=str(ASSETS), serve_locally=True,
               suppress_callback_exceptions=True, title="talentforecast", update_title=None,
               external_scripts=[], external_stylesheets=[], enable_mcp=False)
    app.layout = html.Div([
        dcc.Location(id="url", refresh=False),
        html.Header([
            html.H1(id="app-title"),
            html.Nav(id="nav"),
            dcc.RadioItems(id="lang", options=[{"label": "中文", "value": "zh"}, {"label": "English", "value": "en"}],
                           value="zh", inline=True, className="lang-switch", persistence=True,
                           persistence_type="session"),
        ], className="top"),
        html.Main(id="page"),
    ])
    _callbacks(app, data)
    return app


def _query(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}


def _callbacks(app: Dash, data: FeedData) -> None:
    @app.callback(Output("page", "children"), Output("nav", "children"), Output("app-title", "children"),
                  Input("url", "pathname"), Input("url", "search"), Input("lang", "value"))
    def route(pathname, search, lang):
        page = ROUTES.get(pathname or "/")
        nav = [dcc.Link(t(lang, key), href=PATHS[key],
                        className="active" if (pathname or "/") == PATHS[key] else "") for key in NAV]
        body = page(data, lang, _query(search)) if page else html.H2(t(lang, "unknown_page"))
        return body, nav, t(lang, "title")

    @app.callback(Output("demand-graph", "figure"), Input("demand-region", "value"), Input("demand-industry", "value"),
                  Input("demand-scenario", "value"), Input("demand-measure", "value"), Input("lang", "value"))
    def demand(region, industries, scenarios, measure, lang):
        df = data.get(measure)
        df = df[(df["region"].astype(str) == region) & df["industry"].isin(industries or [])
                & df["scenario"].isin(scenarios or [])]
        unit = str(df["unit"].iloc[0]) if len(df) else ""
        return figures.demand_figure(df, name(df, "industry", lang), lang, t(lang, "employment" if measure ==
                                     "employment_forecast" else "openings"), unit)

    @app.callback(Output("supply-graph", "figure"), Input("supply-region", "value"), Input("supply-year", "value"),
                  Input("lang", "value"))
    def supply(region, year, lang):
        df = data.get("supply")
        df = df[(df["region"].astype(str) == region) & (df["year"] == year)].sort_values("value", ascending=False)
        return figures.bar_figure(list(name(df, "specialty", lang) + " · " + df["level"]), list(df["value"]),
                                  f"{t(lang, 'supply')} {year}", t(lang, "persons"), horizontal=True)

    @app.callback(Output("warn-table", "children"), Input("warn-level", "value"), Input("warn-category", "value"),
                  Input("warn-school", "value"), Input("warn-region", "value"), Input("lang", "value"))
    def warnings(level, category, school, region, lang):
        return pages.warnings_table(pages.filter_warnings(data, level, category, school, region), lang)

    @app.callback(Output("structure-index", "figure"), Output("structure-deviation", "figure"),
                  Input("structure-region", "value"), Input("structure-year", "value"), Input("lang", "value"))
    def structure(region, year, lang):
        sm = data.get("structure_match")
        sm = sm[(sm["region"].astype(str) == region)].sort_values("year")
        idx = go.Figure([go.Scatter(x=g["year"], y=g["dissimilarity"], mode="lines+markers", name=sc)
                         for sc, g in sm.groupby("scenario", sort=True)])
        idx = figures._layout(idx, t(lang, "dissimilarity"))
        dev = data.get("structure_deviation")
        if dev is None:
            return idx, figures._layout(go.Figure(), t(lang, "deviation"))
        d = dev[(dev["region"].astype(str) == region) & (dev["year"] == year) & (dev["scenario"] == "baseline")]
        d = d.sort_values("deviation")
        return idx, figures.bar_figure(list(name(d, "industry", lang)), list(d["deviation"]),
                                       f"{t(lang, 'deviation')} {year}", horizontal=True, colour="#6a1b9a")

    @app.callback(Output("shortage-table", "children"), Input("shortage-region", "value"),
                  Input("shortage-year", "value"), Input("shortage-scenario", "value"), Input("lang", "value"))
    def shortage(region, year, scenario, lang):
        sh = data.get("shortage_occupations")
        rows = sh[(sh["region"].astype(str) == region) & (sh["year"] == year) & (sh["scenario"] == scenario)]
        return pages.shortage_table(rows.sort_values("rank"), lang)
