"""Chapters on warnings and proposals: short ranked lists in the body, every row in the annex and
the report workbook (mandated lists are never cut); per-district and per-school rows when the
warning stage provides them.

Example:
    >>> from talentforecast.report.builder import Builder
    >>> from talentforecast.report.i18n import load_settings
    >>> [blk["kind"] for blk in warnings(Builder({}, "zh", {}, load_settings()))]
    ['missing']
"""

from __future__ import annotations

import pandas as pd

from talentforecast.report.builder import Builder, fmt_range
from talentforecast.report.sections.common import LEVEL_ORDER, code, warn_year, warning_frame

_LIST_COLS = ["specialty", "specialty_name", "level", "warning_level", "previous_level", "years_at_level",
              "probability", "enrol_range", "action", "reason"]


def localise(b: Builder, text: object) -> object:
    """English text of a stage that still names the education level in Chinese: the English label."""
    if b.lang == "zh" or not isinstance(text, str):
        return text
    for zh in ("高职专科", "职业本科", "中职"):
        text = text.replace(zh, b.s.get("edu_levels", zh))
    return text


def _with_range(w: pd.DataFrame) -> pd.DataFrame:
    if {"enrol_lo", "enrol_hi"} <= set(w.columns):
        return w.assign(enrol_range=[fmt_range(a, z) for a, z in zip(w["enrol_lo"], w["enrol_hi"], strict=True)])
    return w


def warnings(b: Builder) -> list[dict]:
    s = b.s
    w = b.get("warnings")
    if w is None:
        return [b.missing("warnings")]
    w = w[w["year"] == warn_year(b, w)]
    if "unit" in w.columns:  # issue 17: per-district and per-专业点 rows; the region-level rows here
        w = w[w["unit"].isna() | w["unit"].astype(str).isin(["", "region"])]
    blocks = [b.para(s("text.warnings_intro"))]
    codes = [code("levels", v) for v in w["warning_level"]]
    counts = pd.DataFrame({"warning_level": [s.level(c) for c in LEVEL_ORDER],
                           "n": [codes.count(c) for c in LEVEL_ORDER]})
    blocks += b.table(s("text.warning_counts"), counts, ["warning_level", "n"], appendix=False,
                      row_class=[f"level-{c}" for c in LEVEL_ORDER])
    # body: red, orange and yellow ranked (probability × size); the annex and the workbook: all rows
    for key, levels in (("exit_cut_full", ("red", "orange")), ("watch_full", ("yellow",))):
        df = _with_range(warning_frame(b, w, levels))
        blocks.append(b.subheading(s(f"lists.{key}")))
        if df.empty:
            blocks.append(b.para(s("none")))
            continue
        blocks += b.table(s(f"lists.{key}"), df, _LIST_COLS, row_class=["level-" + c for c in df["_code"]],
                          full=s(f"lists.sheet_{key}"), appendix=False)
    everything = _with_range(warning_frame(b, w, LEVEL_ORDER))
    blocks.append(b.para(s("lists.all_in_annex", n=len(everything))))
    b.annex_only(s("lists.all"), everything, _LIST_COLS, full=s("lists.sheet_all"),
                 row_class=["level-" + c for c in everything["_code"]])
    blocks += _units(b)
    return blocks


def _units(b: Builder) -> list[dict]:
    """Per-district and per-school warning rows (issue 17 ``unit`` column), when present."""
    s = b.s
    w = b.tables.get("warnings_all_units", b.tables.get("warnings"))
    if w is None or "unit" not in w.columns:
        return [b.subheading(s("lists.units_title")), b.para(s("lists.no_units"))]
    blocks = [b.subheading(s("lists.units_title"))]
    for unit in ("district", "school"):
        d = w[w["unit"].astype(str) == unit]
        if d.empty:
            blocks.append(b.para(s("lists.no_unit", unit=s(f"lists.unit_{unit}"))))
            continue
        d = _with_range(warning_frame(b, d, LEVEL_ORDER))
        key = "region" if unit == "district" else "school"
        cols = [key] + _LIST_COLS if key in d.columns else _LIST_COLS
        blocks += b.table(s("lists.unit_table", unit=s(f"lists.unit_{unit}")), d.sort_values([key, "_rank"])
                          if key in d.columns else d, cols, full=s(f"lists.sheet_{unit}"), top_n=10)
    return blocks


def proposals(b: Builder) -> list[dict]:
    s = b.s
    blocks = [b.para(s("text.proposals_intro")), b.subheading(s("text.new_list"))]
    p = b.get("proposals")
    if p is None:
        blocks.append(b.missing("proposals"))
    else:
        p = b.add_names(p)
        if "gap" in p.columns:
            p = p.sort_values(["gap", "industry", "candidate_rank" if "candidate_rank" in p else "specialty"],
                              ascending=[False, True, True])
        p = p.assign(level=[s.get("edu_levels", v) for v in p["level"]],
                     reason=[localise(b, r) for r in p.get(f"reason_{b.lang}", p.get("reason", ""))])
        blocks += b.table(s("tables.proposals"), p, ["industry", "industry_name", "specialty", "specialty_name",
                                                      "level", "openings", "coverage", "gap", "reason"],
                          full=s("lists.sheet_new"))
    blocks.append(b.subheading(s("text.expand_list")))
    w = b.get("warnings")
    if w is None:
        return blocks + [b.missing("warnings")]
    blue = _with_range(warning_frame(b, w[w["year"] == warn_year(b, w)], ("blue",)))
    if blue.empty:
        return blocks + [b.para(s("none"))]
    blocks += b.table(s("text.expand_list"), blue, ["specialty", "specialty_name", "level", "probability",
                                                    "enrol_range", "reason"],
                      full=s("lists.sheet_expand"), appendix=False)
    return blocks


def notices(b: Builder) -> list[dict]:
    """学校专业预警通知书: for each school, its 专业点 (school × specialty) rows with level, reasons
    and recommended range, so the bureau can send each school its own list."""
    s = b.s
    w = b.tables.get("warnings_all_units")
    if w is None or "unit" not in w.columns or "school" not in w.columns:
        return [b.para(s("notices.none"))]
    w = w[w["unit"].astype(str) == "school"]
    if w.empty:
        return [b.para(s("notices.none"))]
    year = warn_year(b, w)
    w = w[w["year"] == year]
    blocks = [b.para(s("notices.intro", year=year, n=w["school"].nunique()))]
    for school, g in w.groupby("school", sort=True):
        d = _with_range(warning_frame(b, g, LEVEL_ORDER))
        counts = d["_code"].value_counts()
        summary = s("notices.join").join(s("notices.count", level=s.level(c), n=int(counts[c]))
                                          for c in LEVEL_ORDER if c in counts)
        blocks.append(b.subheading(s("notices.title", school=school)))
        blocks.append(b.para(s("notices.body", year=year, n=len(d), summary=summary)))
        blocks += b.table(s("notices.table", school=school), d, _LIST_COLS, top_n=len(d), appendix=False,
                          row_class=["level-" + c for c in d["_code"]])
    return blocks

