"""Two feeds side by side: each programme's warning level in this feed and in another one (last
year's run, or another policy), from ``talentforecast dashboard FEED --compare OTHER``."""

from __future__ import annotations

import json

import pandas as pd
from dash import html

from talentforecast.dashboard import tables
from talentforecast.dashboard.data import FeedData, name
from talentforecast.dashboard.i18n import LEVEL_COLOURS, LEVEL_ORDER, t

KEY = ["region", "specialty", "level"]


def _latest(data: FeedData) -> pd.DataFrame:
    return data.sql('SELECT CAST(region AS VARCHAR) AS region, * EXCLUDE (region) FROM "warnings" '
                      'WHERE year = (SELECT max(year) FROM "warnings")')


def compare_rows(data: FeedData, other: FeedData) -> pd.DataFrame:
    """Every programme warned in either feed's latest year, with both levels and the change
    ("worse", "better", "same", "new", "gone"), changed rows first.

    Example:
        >>> from talentforecast.export.sample import sample_run
        >>> a = FeedData.from_run(sample_run())
        >>> rows = compare_rows(a, a)
        >>> sorted(set(rows["change"])), len(rows)
        (['same'], 6)
    """
    a, b = _latest(data), _latest(other)
    # a district row and its schools' 专业点 rows share region × specialty × level: without the
    # planning unit and school in the key they would be paired across units
    key = [c for c in ("planning_unit", "school") if c in a.columns and c in b.columns] + KEY
    names = [c for c in ("region_name_zh", "region_name_en", "specialty_name_zh", "specialty_name_en",
                         "level_name_en") if c in a.columns and c in b.columns]
    m = a[key + names + ["year", "warning_level"]].merge(
        b[key + names + ["year", "warning_level"]], on=key, how="outer", suffixes=("", "_other"),
        validate="one_to_one")
    for c in names:  # a programme in the other feed only takes its names from there
        m[c] = m[c].fillna(m[f"{c}_other"])
    rank = {lv: k for k, lv in enumerate(LEVEL_ORDER)}
    ra, rb = m["warning_level"].map(rank), m["warning_level_other"].map(rank)
    m["change"] = "same"
    m.loc[ra < rb, "change"] = "worse"   # this feed's level is more severe than the other's
    m.loc[ra > rb, "change"] = "better"
    m.loc[m["warning_level_other"].isna(), "change"] = "new"
    m.loc[m["warning_level"].isna(), "change"] = "gone"
    order = {"worse": 0, "better": 1, "new": 2, "gone": 3, "same": 4}
    return m.sort_values(["change", "region", "specialty", "level"], key=lambda c: c.map(order) if c.name ==
                         "change" else c).reset_index(drop=True)


def compare_page(data: FeedData, other: FeedData | None, lang: str) -> html.Div:
    head = [html.H2(t(lang, "compare_feeds"))]
    if other is None:
        return html.Div([*head, html.Div(t(lang, "compare_none"), className="notice", id="compare-none")])
    if not data.has("warnings") or not other.has("warnings"):
        return html.Div([*head, html.Div(f"{t(lang, 'absent')} warnings", className="notice")])
    rows = compare_rows(data, other)

    def ident(d: FeedData) -> str:
        return f"{d.manifest.get('run_id', '')} · {t(lang, 'as_of')} {d.as_of}"

    lv = rows["level_name_en"].fillna(rows["level"]) if lang == "en" and "level_name_en" in rows else rows["level"]
    label = {lv_: t(lang, lv_) for lv_ in LEVEL_COLOURS}
    # the school of a 专业点 row; city and district rows ("*") leave it blank
    school = rows["school"].where(rows["school"] != "*", "") if "school" in rows else pd.Series("", index=rows.index)
    recs = [{"region": r, "school": sc, "specialty": s, "level": lvl, "this": label.get(a, "–"),
             "other": label.get(b, "–"), "this_code": a if isinstance(a, str) else "",
             "other_code": b if isinstance(b, str) else "", "change": t(lang, f"change_{c}")}
            for r, sc, s, lvl, a, b, c in zip(name(rows, "region", lang), school.fillna(""),
                                              name(rows, "specialty", lang), lv, rows["warning_level"],
                                              rows["warning_level_other"], rows["change"], strict=True)]
    counts = rows["change"].value_counts()
    summary = " · ".join(f"{t(lang, f'change_{c}')} {int(counts[c])}" for c in
                         ("worse", "better", "new", "gone", "same") if c in counts)
    cols = [tables.column("region", t(lang, "region")), tables.column("school", t(lang, "school")),
            tables.column("specialty", t(lang, "specialty_col")), tables.column("level", t(lang, "edu_level")),
            tables.column("this", f"{t(lang, 'this_feed')} ({ident(data)})", cellStyle=tables.level_style("this_code")),
            tables.column("other", f"{t(lang, 'other_feed')} ({ident(other)})",
                          cellStyle=tables.level_style("other_code")),
            tables.column("change", t(lang, "change"))]
    return html.Div([
        *head, html.P(summary, id="compare-summary", className="note"),
        tables.static_grid("compare-table", cols, json.loads(json.dumps(recs, default=str)), lang),
    ])
