"""The annual supply-demand report: HTML, PDF and Word, in Chinese or English, with charts.

Example:
    >>> import tempfile
    >>> from talentforecast.report import write_report
    >>> paths = write_report({}, tempfile.mkdtemp(), formats=("html",), lang="en")
    >>> paths["html"].name
    'report_en.html'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from talentforecast.errors import ConfigError, OutputError
from talentforecast.report.context import build_context
from talentforecast.report.sections import SECTIONS as FORMATS_STEPS

FORMATS = ("html", "pdf", "docx", "xlsx")

__all__ = ["FORMATS", "build_context", "write_report"]


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    tables: dict[str, pd.DataFrame],
    out_dir: str | Path,
    formats: Sequence[str] = FORMATS,
    lang: str = "zh",
    meta: dict | None = None,
    template: str | Path | None = None,
    docx_template: str | Path | None = None,
    settings: str | Path | dict | None = None,
    progress: bool = False,
) -> dict[str, Path]:
    """Write the report as ``out_dir/report_<lang>.<format>`` for each format; return the paths.

    ``tables`` are a run's stage outputs (employment_forecast, openings, supply, matches,
    structure_match, structure_deviation, shortage_occupations, warnings, proposals,
    quality_ranking, backtest, retrospective, and optionally regions); absent ones make their
    section say so. ``meta``: see :func:`build_context`. ``template``: a Jinja HTML template
    (also used for the PDF); ``docx_template``: a .docx giving styles, or a docxtpl template;
    ``settings``: a TOML file (or dict) overriding ``report/data/settings.toml``.
    ``xlsx`` is the report workbook: every mandated list complete, one sheet each.
    ``progress`` shows a progress bar on stderr (rich), one step per chapter and per format.
    Files are written atomically (temp file in the same folder, then ``os.replace``).

    Example:
        >>> import tempfile
        >>> paths = write_report({}, tempfile.mkdtemp(), formats=("html",), lang="en",
        ...                      meta={"region_name": "示例市", "region_name_en": "Example City"})
        >>> paths["html"].name, "Example City" in paths["html"].read_text(encoding="utf-8")
        ('report_en.html', True)
        >>> import talentforecast as tf
        >>> run = tf.run(tf.datasets.load_example(), horizon=5)  # doctest: +SKIP
        >>> write_report(run.tables, "out/report", meta=run.bundle.meta)  # doctest: +SKIP
    """
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ConfigError(f"formats must be a non-empty subset of {FORMATS}, got {formats!r}",
                          zh=f"参数 formats 的值为 {formats!r}；应为 {FORMATS} 中的一项或多项")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create report folder {out}: {exc}", zh=f"无法创建报告文件夹 {out}：{exc}") from exc
    from talentforecast.progress import progress_bar

    with progress_bar(len(FORMATS_STEPS) + len(formats), f"report_{lang}", enabled=progress) as advance:
        context = build_context(tables, lang=lang, meta=meta, settings=settings, advance=advance)
        paths: dict[str, Path] = {}
        for fmt in formats:
            path = out / f"report_{lang}.{fmt}"
            if fmt == "xlsx":
                from talentforecast.report.workbook import write_workbook

                s = context["strings"]
                write_workbook(context["lists"], path, contents=(s("workbook_contents"), s("workbook_list"),
                                                                 s.column("rows")))
            else:
                if fmt == "html":
                    from talentforecast.report.html import render_html

                    data = render_html(context, template).encode("utf-8")
                elif fmt == "pdf":
                    from talentforecast.report.pdf import render_pdf

                    data = render_pdf(context, template)
                else:
                    from talentforecast.report.docx import render_docx

                    data = render_docx(context, docx_template)
                _atomic_write(path, data)
            paths[fmt] = path
            advance(fmt)
    return paths
