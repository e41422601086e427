"""The Dash app: routing, the language switch and the layout. Read-only by design: it queries the
feed's Parquet files through DuckDB, has no upload or write callback and serves no file route of
its own (downloads are built in memory from the current view)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import flask
from dash import Dash, Input, Output, dcc, html

from talentforecast.dashboard import callbacks, pages, views
from talentforecast.dashboard.compare import compare_page
from talentforecast.dashboard.data import FeedData
from talentforecast.dashboard.i18n import PATHS, t
from talentforecast.dashboard.shell import ShellDash
from talentforecast.errors import InputError, Problem

ASSETS = Path(__file__).with_name("assets")
ROUTES = {"/": pages.overview, "/demand": pages.demand_page, "/supply": pages.supply_page,
          "/warnings": views.warnings_page, "/specialty": pages.specialty_page,
          "/structure": pages.structure_page, "/shortage": views.shortage_page, "/industry": views.industry_page,
          "/retrospective": views.retrospective_page, "/glossary": views.glossary_page}
NAV = ("overview", "demand", "supply", "warnings", "industry_gap", "structure", "shortage", "retrospective",
       "compare_feeds", "glossary")


def create_app(source: str | Path | FeedData, compare: str | Path | FeedData | None = None) -> Dash:
    """Build the dashboard over a feed folder, a run folder, a demo output folder or :class:`FeedData`;
    ``compare`` (the same kinds) is shown side by side on ``/compare``.

    Raises :class:`~talentforecast.errors.InputError` for a folder that holds no feed or an empty one.

    Example:
        >>> from talentforecast.export.sample import sample_run
        >>> app = create_app(FeedData.from_run(sample_run()))
        >>> app.config.serve_locally
        True
    """
    data = source if isinstance(source, FeedData) else FeedData.load(source)
    other = compare if isinstance(compare, FeedData) or compare is None else FeedData.load(compare)
    if not data.names:
        raise InputError([Problem(str(data.source or source), None, None, None,
                                  "a feed with at least one table (this feed lists none)",
                                  "至少含一张表的数据接口（此数据接口一张表也没有列出）")])
    # static_folder=None: no Flask /static route; Dash serves /assets only from the package folder.
    server = flask.Flask(__name__, static_folder=None)
    app = ShellDash(__name__, server=server, assets_folder=str(ASSETS), serve_locally=True,
               suppress_callback_exceptions=True, title="talentforecast", update_title=None,
               external_scripts=[], external_stylesheets=[], enable_mcp=False,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.feed = data  # the index page carries the first rows (shell.py)
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
    _route(app, data, other)
    callbacks.register(app, data)
    return app


def _query(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}


def _route(app: Dash, data: FeedData, other: FeedData | None) -> None:
    routes = {**ROUTES, "/compare": lambda d, lang, q: compare_page(d, other, lang)}

    @app.callback(Output("page", "children"), Output("nav", "children"), Output("app-title", "children"),
                  Input("url", "pathname"), Input("url", "search"), Input("lang", "value"))
    def route(pathname, search, lang):
        page = routes.get(pathname or "/")
        nav = [dcc.Link(t(lang, key), href=PATHS[key],
                        className="active" if (pathname or "/") == PATHS[key] else "") for key in NAV]
        try:
            body = page(data, lang, _query(search)) if page else html.H2(t(lang, "unknown_page"))
        except Exception as err:  # shown, not swallowed: the page says what failed
            app.logger.exception("page %s failed", pathname)
            body = pages.error_notice(lang, err)
        return body, nav, t(lang, "title")
