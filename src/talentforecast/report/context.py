"""Turn a run's tables into the report context: sections made of blocks (text, key figures,
figures, tables) that the HTML, PDF and Word writers all render the same way.

The context is a plain dict, so user Jinja templates and docxtpl templates can use it directly
(see ``docs/report.md`` for its shape).

Example:
    >>> from talentforecast.report.context import build_context
    >>> ctx = build_context({}, lang="en", meta={"region_name": "Demo", "base_year": 2024})
    >>> [s["title"] for s in ctx["sections"]][:2]
    ['1 Summary', '2 Labour demand by industry']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from talentforecast import __version__
from talentforecast.report import sections
from talentforecast.report.builder import Builder, fmt_number, fmt_range  # noqa: F401  (re-exported)
from talentforecast.report.i18n import load_settings


def build_context(
    tables: dict[str, pd.DataFrame],
    *,
    lang: str = "zh",
    meta: dict | None = None,
    settings: dict | str | Path | None = None,
    advance=None,
) -> dict:
    """Build the report context (title, sections with blocks, appendix) from a run's tables.

    ``meta`` may carry: region, region_name (region_name_en for English), base_year, target_year, key_industries, sources
    (dict or list), parameters (dict), data_note (str or {zh, en}), version, run_id, and ``issuing``
    (``body``, ``number``, ``date``, ``data_cutoff``, ``disclaimer``) for the cover.

    Example:
        >>> ctx = build_context({}, lang="zh", meta={"region_name": "示例市"})
        >>> ctx["title"], [s["key"] for s in ctx["sections"]][:3]
        ('示例市年度技能人才供需报告', ['summary', 'demand', 'supply'])
    """

    meta = dict(meta or {})
    settings = settings if isinstance(settings, dict) else load_settings(settings)
    tables = _planning_units(tables)
    b = Builder(tables, lang, meta, settings)
    region_name = (meta.get(f"region_name_{lang}") if lang != "zh" else None) or meta.get("region_name") \
        or b.region or ""
    year = meta.get("report_year") or b.target_year or b.base_year or ""
    out_sections = []
    for key, build in sections.SECTIONS:
        blocks = build(b) if key != "appendix" else []
        if advance is not None:
            advance(key)
        out_sections.append({"key": key, "id": f"sec-{key}", "title": b.s(f"sections.{key}"),
                             "blocks": blocks})
    appendix = out_sections[-1]
    appendix["blocks"] = ([b.para(b.s("text.appendix_intro"))] + b.appendix) if b.appendix else [
        b.para(b.s("none"))]
    issuing = dict(meta.get("issuing") or {})
    cover = [{"label": b.s(label), "value": str(issuing[key])}
             for key, label in (("body", "issuing_body"), ("number", "issuing_number"),
                                ("date", "issuing_date"), ("data_cutoff", "data_cutoff")) if issuing.get(key)]
    if not issuing.get("data_cutoff") and b.base_year is not None:  # the data end in the base year
        cover.append({"label": b.s("data_cutoff"), "value": str(b.base_year)})
    return {
        "lang": lang,
        "cover": cover,
        "disclaimer": str(issuing.get("disclaimer") or b.s("disclaimer")),
        "tool_note": b.s("tool_note", version=meta.get("version", __version__), run_id=meta.get("run_id") or "—"),
        "title": b.s("title", region_name=region_name, year=year),
        "subtitle": b.s("subtitle"),
        "generated_by": b.s("generated_by", version=meta.get("version", __version__)),
        "toc_title": b.s("toc"),
        "page_label": b.s("page", page="{page}"),
        "region": b.region,
        "region_name": region_name,
        "base_year": b.base_year,
        "target_year": b.target_year,
        "sections": out_sections,
        "meta": meta,
        "lists": b.lists,
        "strings": b.s,
    }


_UNIT_NAMES = {"planning_region": "region", "district": "district", "programme": "school"}


def _planning_units(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The report's chapters read the planning region's warning rows; district and 专业点 rows
    (``planning_unit``) go to ``warnings_all_units`` for the per-district and per-school tables."""
    w = tables.get("warnings")
    if w is None or "planning_unit" not in w.columns:
        return tables
    unit = w["planning_unit"].map(_UNIT_NAMES).fillna(w["planning_unit"])
    return {**tables, "warnings": w[w["planning_unit"] == "planning_region"].assign(unit="region"),
            "warnings_all_units": w.assign(unit=unit)}

