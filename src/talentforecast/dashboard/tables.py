"""List views as grids (dash-ag-grid) paged and sorted on the server, and downloads of the current
view (CSV and XLSX).

Why server-side paging: a page of 25 rows renders at once whatever the list's length; the old
217-row HTML table took 20 s to build in the browser.

Why a client-side grid holding one page with our own pager, not AG Grid's infinite row model: the
infinite model has no auto-height rows (AG Grid: ``autoHeight`` is for the client-side and
server-side models only), so wrapped reasons would be cut; and the first page ships with the layout
(no round trip before the rows show). Sorting is the server's too: a header click changes the
grid's ``columnState``, the callback answers with the page in that order, and every column's
comparator says "equal" so the grid keeps the server's order.
"""

from __future__ import annotations

import io
import itertools

import pandas as pd
from dash import Input, Output, dcc, html
from dash_ag_grid import AgGrid

from talentforecast.dashboard.data import name
from talentforecast.dashboard.figures import FONT
from talentforecast.dashboard.i18n import LEVEL_COLOURS, grid_locale, t
from talentforecast.dashboard.query import WARN_SORT
from talentforecast.warning.probability import probability_text

PAGE_SIZE = 25
WARN_COLUMNS = ("region", "specialty", "level", "category", "warning_level", "action", "reason", "probability",
                "previous_level", "enrol", "enrolled")
HEAD = {"region": "region", "specialty": "specialty_col", "level": "edu_level", "category": "category",
        "warning_level": "level", "action": "action", "reason": "reason", "probability": "probability",
        "previous_level": "previous_level", "enrol": "enrol", "enrolled": "enrolled", "school": "school_unit"}
PAGER = ("first", "prev", "next", "last")
WIDTH = {"reason": (3, 220), "category": (2, 150), "occupation": (2, 150), "specialty": (1.5, 120)}  # (flex, min px)
# the grid's look: Quartz with the dashboard's CJK font and the old tables' header colour
THEME = {"function": f"themeQuartz.withParams({{fontFamily: '{FONT}', fontSize: 13, "
                     "headerBackgroundColor: '#eef1f5', headerFontWeight: 600, wrapperBorderRadius: 4, "
                     "cellHorizontalPadding: 8, spacing: 5})"}
_RENDERS = itertools.count()


def level_style(code_field: str) -> dict:
    """``cellStyle`` colouring a warning-level cell by the level code in ``code_field`` (a hidden field)."""
    return {"styleConditions": [{"condition": f"params.data.{code_field} === '{lv}'",
                                 "style": {"backgroundColor": c, "color": "#222" if lv == "yellow" else "#fff"}}
                                for lv, c in LEVEL_COLOURS.items()]}


def column(field: str, header: str, sortable: bool = True, **extra) -> dict:
    """A wrapped, auto-height text column of the dashboard's grids."""
    flex, min_width = WIDTH.get(field, (1, 90))
    return {"field": field, "headerName": header, "sortable": sortable, "wrapText": True, "autoHeight": True,
            "wrapHeaderText": True, "autoHeaderHeight": True, "flex": flex, "minWidth": min_width, **extra}


def grid_options(lang: str, **extra) -> dict:
    """``dashGridOptions`` shared by the dashboard's grids: AG Grid's own text in ``lang``, rows as tall
    as their wrapped text, the grid as tall as its rows (the page scrolls, not the grid)."""
    return {"localeText": grid_locale(lang), "domLayout": "autoHeight", "theme": THEME, "suppressCellFocus": True,
            "enableCellTextSelection": True, "suppressMovableColumns": True, "ensureDomOrder": True, **extra}


def grid(table_id: str, columns: list[dict], records: list[dict] | None = None, pages: int = 1,
         lang: str = "zh") -> html.Div:
    """A grid paged and sorted on the server (one page of rows at a time) with its pager and its
    state (``{table_id}-state``: page, page count, sort), holding its first page (rendered with the
    page: no second round trip before the first rows).

    The box's id is new on every render: Dash keys components by id, so a new page (language or
    URL switch) mounts a new grid rather than reusing the old one with its old sort.
    """
    keep_order = {"comparator": {"function": "talentforecastKeepOrder"}}  # assets/grid.js
    buttons = [html.Button(sym, id=f"{table_id}-{k}", className="btn pager-btn", title=t(lang, f"ag_{key}"),
                           disabled=k in ("first", "prev") or pages <= 1)
               for k, sym, key in zip(PAGER, "«‹›»", ("firstPage", "previousPage", "nextPage", "lastPage"), strict=True)]
    return html.Div([
        AgGrid(id=table_id, columnDefs=columns, rowData=records or [], className="grid",
               defaultColDef={**keep_order, "resizable": True, "suppressHeaderMenuButton": True},
               dashGridOptions=grid_options(lang, suppressMultiSort=True), columnSize=None, style={"width": "100%"}),
        html.Div([*buttons[:2], html.Span(page_label(0, pages, lang), id=f"{table_id}-page", className="pager-label"),
                  *buttons[2:]], className="pager"),
        dcc.Store(id=f"{table_id}-state", data={"page": 0, "pages": pages, "sort": []}),
    ], id=f"{table_id}-box-{next(_RENDERS)}", className="grid-box")


def static_grid(table_id: str, columns: list[dict], records: list[dict], lang: str) -> html.Div:
    """A small grid holding all its rows, paged and sorted in the browser (AG Grid's own pager, in
    ``lang``); a new box id on every render, as in :func:`grid`."""
    return html.Div(AgGrid(id=table_id, columnDefs=columns, rowData=records, className="grid",
                           defaultColDef={"resizable": True, "suppressHeaderMenuButton": True},
                           dashGridOptions=grid_options(lang, pagination=True, paginationPageSize=PAGE_SIZE,
                                                        paginationPageSizeSelector=False),
                           columnSize=None, style={"width": "100%"}),
                    id=f"{table_id}-box-{next(_RENDERS)}", className="grid-box")


def page_label(page: int, pages: int, lang: str) -> str:
    """"页码 1 / 9", "Page 1 of 9": AG Grid's own pager words, in ``lang``.

    Example:
        >>> page_label(0, 9, "zh"), page_label(8, 9, "en")
        ('页码 1 / 9', 'Page 9 of 9')
    """
    loc = grid_locale(lang)
    return f"{loc['page']} {page + 1} {loc['of']} {pages}"


def turn(trigger: str | None, table_id: str, page: int, pages: int) -> int:
    """The page after ``trigger`` (a pager button of ``table_id``; anything else keeps the page).

    Example:
        >>> turn("t-next", "t", 0, 3), turn("t-last", "t", 0, 3), turn("t-prev", "t", 0, 3)
        (1, 2, 0)
    """
    step = {"first": -pages, "prev": -1, "next": 1, "last": pages}
    k = str(trigger or "").removeprefix(f"{table_id}-")
    return min(max(page + step.get(k, 0), 0), max(pages - 1, 0))


def sort_of(column_state: list[dict] | None) -> list[dict]:
    """The grid's sort (its ``columnState``) in the queries' shape: ``[{"column_id", "direction"}]``.

    Example:
        >>> sort_of([{"colId": "region", "sort": None}, {"colId": "probability", "sort": "desc"}])
        [{'column_id': 'probability', 'direction': 'desc'}]
    """
    state = sorted((c for c in column_state or [] if c.get("sort") in ("asc", "desc")),
                   key=lambda c: c.get("sortIndex") or 0)
    return [{"column_id": c["colId"], "direction": c["sort"]} for c in state]


def paged(records: list[dict], page: int, pages: int, sort: list[dict], lang: str) -> tuple:
    """The pager outputs of a grid (see :func:`pager_outputs`): rows, state, page label and whether
    each pager button is disabled."""
    last = page >= pages - 1
    return (records, {"page": page, "pages": pages, "sort": sort}, page_label(page, pages, lang),
            page == 0, page == 0, last, last)


def pager_outputs(table_id: str) -> list[Output]:
    """Outputs a server-paged grid's callback answers: see :func:`paged`."""
    return [Output(table_id, "rowData"), Output(f"{table_id}-state", "data"), Output(f"{table_id}-page", "children"),
            *[Output(f"{table_id}-{k}", "disabled") for k in PAGER]]


def pager_inputs(table_id: str) -> list[Input]:
    """A server-paged grid's pager buttons and its column state (where a header click sorts)."""
    return [*[Input(f"{table_id}-{k}", "n_clicks") for k in PAGER], Input(table_id, "columnState")]


def warn_columns(lang: str, has_school: bool, enrol_year: int | None) -> list[dict]:
    """Columns of the warnings list (AG Grid ``columnDefs``); the enrolment column names the provision
    year it shows. Only the columns the query sorts by are sortable."""
    cols = (["school"] if has_school else []) + [c for c in WARN_COLUMNS if c != "enrolled" or enrol_year]
    head = {c: t(lang, HEAD[c]) for c in cols}
    if enrol_year:
        head["enrolled"] = f"{head['enrolled']} {enrol_year}"
    # markdown links open in the same tab (the renderer's default; AG Grid warns of a `linkTarget` key)
    extra = {"specialty": {"cellRenderer": "markdown"},
             "warning_level": {"cellStyle": level_style("warning_level_code")}}
    return [column(c, head[c], c in WARN_SORT, **extra.get(c, {})) for c in cols]


def warn_records(rows: pd.DataFrame, lang: str) -> list[dict]:
    """Rows of the warnings grid: labels in ``lang``, the specialty as a link to its detail page."""
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
            "probability": "–" if pd.isna(d["probability"]) else probability_text(float(d["probability"])),
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
