"""Render the report to PDF through WeasyPrint (A4, page numbers, table of contents with pages).

Example:
    >>> from talentforecast.report.context import build_context
    >>> from talentforecast.report.pdf import render_pdf
    >>> render_pdf(build_context({}, lang="en"))[:5]
    b'%PDF-'
"""

from __future__ import annotations

from pathlib import Path

from talentforecast.errors import OutputError
from talentforecast.report.html import render_html


def render_pdf(context: dict, template: str | Path | None = None) -> bytes:
    """PDF bytes of the report (same template as the HTML, plus the local font)."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise OutputError("PDF output needs WeasyPrint: pip install 'talentforecast[report]'",
                          zh="输出 PDF 需要 WeasyPrint：pip install 'talentforecast[report]'") from exc
    html = render_html(context, template, pdf=True)
    # Everything is inline or the local font file: allow no network protocol.
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data", "file"}, fail_on_errors=True)
    doc = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=".")
    return doc.write_pdf(pdf_identifier=b"talentforecast-report", uncompressed_pdf=False)
