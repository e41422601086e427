"""Reference dashboard over the feed (needs the ``dashboard`` extra): Dash, local assets only,
loopback by default, read-only. See ``docs/dashboard.md``.

Example:
    >>> from talentforecast.dashboard import create_app, FeedData
    >>> from talentforecast.export.sample import sample_run
    >>> app = create_app(FeedData.from_run(sample_run()))
    >>> sorted(r.rule for r in app.server.url_map.iter_rules() if "assets" in r.rule)[:1]
    ['/assets/<path:filename>']
"""

from __future__ import annotations

from pathlib import Path

from talentforecast.dashboard.app import create_app
from talentforecast.dashboard.data import FeedData

__all__ = ["FeedData", "create_app", "serve"]


def serve(feed_dir: str | Path, host: str = "127.0.0.1", port: int = 8050,
          compare: str | Path | None = None) -> None:
    """Serve the dashboard for ``feed_dir`` (a feed folder, a demo output folder holding ``feed/``,
    or a run folder) until interrupted. Binds loopback unless ``host`` says otherwise; ``compare``
    is a second feed shown side by side on ``/compare``.

    Example:
        >>> from talentforecast.dashboard import serve
        >>> serve("out/feed", port=8050)  # blocks; open http://127.0.0.1:8050  # doctest: +SKIP
    """
    app = create_app(feed_dir, compare)
    app.run(host=host, port=port, debug=False, dev_tools_ui=False, dev_tools_props_check=False)
