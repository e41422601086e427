"""The HTML shell the server sends before Dash's scripts run: instead of Dash's English
"Loading...", the page's title and, for the two lists, their first page of rows as plain HTML.

Why: on two busy cores Dash's scripts take one to two seconds to load and compile; the planner
sees the rows as soon as the HTML arrives, and Dash replaces the shell with the live page (same
rows, now sortable and filterable) when it mounts. The shell is in Chinese, the default language.
"""

from __future__ import annotations

import logging
from html import escape

from dash import Dash

from talentforecast.dashboard.data import FeedData
from talentforecast.dashboard.i18n import t
from talentforecast.dashboard.query import WarnFilter, latest_year

LANG = "zh"


def _table(cols: list[tuple[str, str]], recs: list[dict]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for _, label in cols)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(r.get(c, '')))}</td>" for c, _ in cols) + "</tr>"
                   for r in recs)
    return (f'<div class="scroll"><table class="table" id="shell-rows"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def shell_html(data: FeedData, path: str, query: dict) -> str:
    """The inside of Dash's ``react-entry-point`` for ``path``: a loading line, and for ``/warnings``
    and ``/shortage`` the first page of rows.

    Example:
        >>> from talentforecast.export.sample import sample_run
        >>> data = FeedData.from_run(sample_run())
        >>> "460104 机械制造及自动化" in shell_html(data, "/warnings", {"level": "red"})
        True
    """
    from talentforecast.dashboard import views
    from talentforecast.dashboard.pages import default_region, default_year

    body, title = "", ""
    try:
        if path == "/warnings" and data.has("warnings"):
            f = WarnFilter(year=latest_year(data), warning_level=query.get("level") or None,
                           level=query.get("edu") or None, search=query.get("q") or None)
            recs, _, _, _, count = views.warn_view(data, f, None, 0, LANG)
            for r in recs:  # the markdown link "[label](href)" as its label
                r["specialty"] = r["specialty"][1:r["specialty"].index("](")]
            cols = [(c, t(LANG, k)) for c, k in (("region", "region"), ("specialty", "specialty_col"),
                                                 ("level", "edu_level"), ("category", "category"),
                                                 ("warning_level", "level"), ("action", "action"),
                                                 ("reason", "reason"), ("probability", "probability"))]
            title, body = t(LANG, "warnings"), f"<p>{escape(count)}</p>" + _table(cols, recs)
        elif path == "/shortage" and data.has("shortage_occupations"):
            _, year = default_year(data, "shortage_occupations")
            recs, _, _, _, count = views.shortage_view(data, default_region(data, "shortage_occupations"), int(year),
                                                       "baseline", None, 0, LANG)
            cols = [(k, t(LANG, k)) for k in ("rank", "occupation", "demand_line", "supply_line", "gap", "ratio_ds")]
            title, body = t(LANG, "shortage"), f"<p>{escape(count)}</p>" + _table(cols, recs)
    except Exception:  # the shell is a preview: logged here; the live page shows and explains the error
        logging.getLogger(__name__).exception("shell preview of %s failed", path)
        body = ""
    loading = f'<p class="shell-loading">{escape(t(LANG, "loading"))}</p>'
    head = f'<header class="top"><h1>{escape(t(LANG, "title"))}</h1></header>'
    main = f"<main><h2>{escape(title)}</h2>{loading}{body}</main>" if title else f"<main>{loading}</main>"
    return f'<div class="shell">{head}{main}</div>'


class ShellDash(Dash):
    """Dash whose index page carries :func:`shell_html` for the requested path."""

    feed: FeedData | None = None
    _shells: dict | None = None

    def interpolate_index(self, **kwargs) -> str:
        import flask

        if self.feed is not None and flask.has_request_context():
            # the feed is read-only, so a path's shell never changes: keep the last 64
            key = (flask.request.path, tuple(sorted(flask.request.args.items())))
            shells = self._shells if self._shells is not None else {}
            if key not in shells:
                if len(shells) >= 64:
                    shells.pop(next(iter(shells)))
                shells[key] = shell_html(self.feed, key[0], dict(key[1]))
            self._shells = shells
            kwargs["app_entry"] = f'<div id="react-entry-point">{shells[key]}</div>'
        return super().interpolate_index(**kwargs)
