"""List views as server-paged DataTables, and downloads of the current view (CSV and XLSX).

Why server-side paging: a page of 25 rows renders at once whatever the list's length; the old
217-row HTML table took 20 s to build in the browser.
"""

from __future__ import annotations

import io

import pandas as pd
from dash import dash_table, dcc, html

from talentforecast.dashboard.data import name
from talentforecast.dashboard.figures import FONT
from talentforecast.dashboard.i18n import LEVEL_COLOURS, t

PAGE_SIZE = 25
WARN_COLUMNS = ("region", "specialty", "level", "category", "warning_level", "action", "reason", "probability",
                "previous_level", "enrol", "enrolled")
HEAD = {"region": "region", "specialty": "specialty_col", "level": "edu_level", "category": "category",
        "warning_level": "level", "action": "action", "reason": "reason", "probability": "probability",
        "previous_level": "previous_level", "enrol": "enrol", "enrolled": "enrolled", "school": "school_unit"}


def grid(table_id: str, columns: list[dict], records: list[dict] | None = None, pages: int = 1,
         page_size: int = PAGE_SIZE) -> dash_table.DataTable:
    """A DataTable paged, sorted and filtered on the server (custom actions), holding its first page
    (rendered with the page: no second round trip before the first rows)."""
    colour_rules = [{"if": {"filter_query": f'{{warning_level_code}} = "{lv}"', "column_id": "warning_level"},
                     "backgroundColor": c, "color": "#222" if lv == "yellow" else "#fff"}
                    for lv, c in LEVEL_COLOURS.items()]
    return dash_table.DataTable(
        id=table_id, columns=columns, data=records or [], page_action="custom", page_current=0,
        page_size=page_size, page_count=pages, sort_action="custom", sort_mode="single", sort_by=[], filter_action="none",
        markdown_options={"link_target": "_self"}, cell_selectable=False, style_as_list_view=True,
        style_table={"overflowX": "auto"}, css=[{"selector": ".dash-spreadsheet-menu", "rule": "display: none"}],
        style_cell={"fontFamily": FONT, "fontSize": "13px", "textAlign": "left", "whiteSpace": "normal",
                    "height": "auto", "padding": "6px 8px", "minWidth": "70px", "maxWidth": "420px"},
        style_header={"backgroundColor": "#eef1f5", "fontWeight": "600"},
        style_data_conditional=colour_rules)


def warn_columns(lang: str, has_school: bool, enrol_year: int | None) -> list[dict]:
    """Columns of the warnings list; the enrolment column names the provision year it shows."""
    cols = (["school"] if has_school else []) + [c for c in WARN_COLUMNS if c != "enrolled" or enrol_year]
    head = {c: t(lang, HEAD[c]) for c in cols}
    if enrol_year:
        head["enrolled"] = f"{head['enrolled']} {enrol_year}"
    return [{"id": c, "name": head[c], **({"presentation": "markdown"} if c == "specialty" else {})} for c in cols]


def warn_records(rows: pd.DataFrame, lang: str) -> list[dict]:
    """Rows of the warnings DataTable: labels in ``lang``, the specialty as a link to its detail page."""
    from talentforecast.dashboard.pages import detail_href

    if rows.empty:
        return []
    sfx = "en" if lang == "en" else "zh"
    regions, specs = name(rows, "region", lang), name(rows, "specialty", lang)
    levels = rows["level_name_en"] if lang == "en" and "level_name_en" in rows else rows["level"]
    out = []
    for i, r in enumerate(rows.itertuples(index=False)):
        d = r._asdict()
        href = detail_href(str(d["region"]), str(d["specialty"]), str(d["level"]))
        out.append({
            "school": d.get("school") or "",
            "region": regions.iloc[i], "specialty": f"[{specs.iloc[i]}]({href})", "level": levels.iloc[i],
            "category": category_label(d.get("category_code"), d.get(f"category_name_{sfx}"), levels.iloc[i], lang,
                                       d.get("category_name_zh")),
            "warning_level": t(lang, d["warning_level"]) if d["warning_level"] in LEVEL_COLOURS else d["warning_level"],
            "warning_level_code": d["warning_level"], "action": d[f"action_{sfx}"], "reason": d[f"reason_{sfx}"],
            "probability": "–" if pd.isna(d["probability"]) else f"{d['probability']:.0%}",
            "previous_level": t(lang, d["previous_level"]) if d["previous_level"] in LEVEL_COLOURS else "–",
            "enrol": "–" if pd.isna(d["enrol_lo"]) else f"{d['enrol_lo']:,.0f}–{d['enrol_hi']:,.0f}",
            "enrolled": "–" if pd.isna(d.get("enrolled")) else f"{d['enrolled']:,.0f}",
        })
    return out


def category_label(code, cat_name, level_label, lang: str = "zh", zh_name=None) -> str:
    """"code name (level)": category names repeat across levels, so the level is always shown. A
    missing English name (the catalogue repeats the code) falls back to ``zh_name``.

    Example:
        >>> category_label("51", "电子与信息大类", "高职专科")
        '51 电子与信息大类(高职专科)'
        >>> category_label("51", "51", "higher vocational (associate)", "en", "电子与信息大类")
        '51 电子与信息大类 (higher vocational (associate))'
    """
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return "–"
    if not isinstance(cat_name, str) or not cat_name or cat_name == str(code):
        cat_name = zh_name if isinstance(zh_name, str) else ""
    return f"{code} {cat_name} ({level_label})" if lang == "en" else f"{code} {cat_name}({level_label})"


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // page_size))


def download_bar(prefix: str, lang: str) -> html.Div:
    return html.Div([html.Button(t(lang, "download_csv"), id=f"{prefix}-csv", className="btn"),
                     html.Button(t(lang, "download_xlsx"), id=f"{prefix}-xlsx", className="btn"),
                     dcc.Download(id=f"{prefix}-download")], className="downloads")


def export_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The current view for download: the feed's columns minus the run bookkeeping, codes as text."""
    drop = [c for c in ("schema_version", "run_id", "as_of", "reasons") if c in rows]
    out = rows.drop(columns=drop)
    for c in out.columns:
        if c in ("region", "specialty", "industry", "occupation", "category_code", "school", "parent"):
            out[c] = out[c].astype("string")
    return out


def send(rows: pd.DataFrame, fmt: str, stem: str) -> dict:
    """A dcc.Download payload: CSV in UTF-8 with BOM (Excel shows Chinese), or XLSX with codes as
    text cells (Excel would turn 460104 into a number and drop leading zeros)."""
    df = export_frame(rows)
    if fmt == "csv":
        return dcc.send_string("\ufeff" + df.to_csv(index=False, lineterminator="\n"), f"{stem}.csv", type="text/csv")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, index=False, sheet_name=stem[:31])
        ws = xw.sheets[stem[:31]]
        for j, c in enumerate(df.columns, start=1):
            if str(df[c].dtype) == "string":
                for i in range(2, len(df) + 2):
                    ws.cell(row=i, column=j).number_format = "@"
    return dcc.send_bytes(buf.getvalue(), f"{stem}.xlsx")
