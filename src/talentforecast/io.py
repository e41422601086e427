"""Reading input tables: CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK), XLSX and Parquet.

Column names are mapped from their Chinese or English aliases to the canonical names of
:data:`talentforecast.schema.TABLES`, every value is checked, and all problems are raised
together as one :class:`~talentforecast.errors.InputError` naming file, column, row and value.
Harmless normalisations (thousands separators, full-width digits, "2020年", 万人 units, title
rows, two-row merged headers, codes stored as numbers …) are applied and recorded in
``df.attrs["normalisations"]`` so the run manifest can report them. ``docs/bad-input.md``
lists every kind of bad input and what it gets.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from talentforecast._cellcheck import split_unit, total_mask
from talentforecast._coerce import _UNIT_FACTORS, _blank, _coerce, _note, _row_list
from talentforecast._rawread import (
    open_xlsx,
    read_bytes,
    read_csv_cells,
    read_parquet_cells,
    read_xlsx_sheet,
    sheet_rows,
    sheet_states,
)
from talentforecast.errors import InputError, Problem
from talentforecast.schema import TABLES, Table, pandera_schema

MAX_XLSX_BYTES = 50 * 1024 * 1024
_HEADER_SCAN_ROWS = 15
_UNITS = "万人|千人|人|亿元|万元|元|%|％"
_UNIT_RE = re.compile(rf"[（(]\s*({_UNITS})\s*[)）]\s*$")
_TITLE_UNIT_RE = re.compile(rf"(?:计量)?单位\s*[:：]\s*({_UNITS})|[（(]\s*({_UNITS})\s*[)）]\s*$")
_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")
# unread columns that name a row (地区名称, 项目 …): a total label there marks a total row
_LABEL_HEADER = re.compile(r"名称|名|项目|指标|类别|地区|学校|专业|行业|单位|region|name|item", re.IGNORECASE)
_FOOTNOTE_RE = re.compile(r"^(注|说明|备注|资料来源|数据来源|来源|note|source)", re.IGNORECASE)


def _norm_name(name: object) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"\s+", "", text)


def _alias_map(spec: Table) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in spec.columns:
        for alias in (col.name, *col.aliases):
            out.setdefault(_norm_name(alias), col.name)
    return out


def _split_unit(cell: object) -> tuple[str, str | None]:
    base, unit, _ = split_unit(str(cell))
    return base, unit


def _match_header(cells: list[object], spec: Table) -> tuple[dict[int, str], dict[int, str], list[Problem]]:
    """Map column positions to canonical names; also each position's unit and duplicated columns."""
    aliases = _alias_map(spec)
    names: dict[int, str] = {}
    units: dict[int, str] = {}
    dups: list[Problem] = []
    for pos, cell in enumerate(cells):
        if _blank(cell):
            continue
        base, unit = _split_unit(cell)
        canon = aliases.get(_norm_name(base))
        if canon is None:
            continue
        if canon in names.values():
            first = next(p for p, n in names.items() if n == canon)
            dups.append(Problem("", canon, None, [str(cells[first]), str(cell)],
                                f"each column once (columns {first + 1} and {pos + 1} map to the same field: keep one)",
                                f"每列只出现一次（第 {first + 1} 列和第 {pos + 1} 列对应同一字段：保留一列）"))
            continue
        names[pos] = canon
        if unit:
            units[pos] = unit
    return names, units, dups


def _flatten(top: list[object], bottom: list[object]) -> tuple[list[object], dict[int, object]]:
    """Combine a two-row header whose top row has merged group cells (人数 over 招生数/在校生数).

    Returns the flattened row (the lower cell where present) and, per position, the group cell
    above it, spread across the merged span (openpyxl leaves the span's other cells empty).
    """
    flat: list[object] = []
    group_of: dict[int, object] = {}
    group = None
    for pos, (a, b) in enumerate(zip(top, bottom, strict=True)):
        if _blank(b):
            flat.append(a)
            group = None
            continue
        flat.append(b)
        if not _blank(a):
            group = a
        if group is not None:
            group_of[pos] = group
    return flat, group_of


def _locate_header(raw: pd.DataFrame, spec: Table) -> tuple[int, int, list[object], dict[int, object]]:
    """Where the header is: (first header row, rows it spans, its cells, group cells above them)."""
    n = min(_HEADER_SCAN_ROWS, len(raw))
    rows = [list(raw.iloc[i]) for i in range(n)]
    best, best_hits = 0, -1
    for i, cells in enumerate(rows):
        hits = sum(1 for c in _match_header(cells, spec)[0].values() if c in spec.required)
        if hits == len(spec.required):
            return i, 1, cells, {}
        if hits > best_hits:
            best, best_hits = i, hits
    for i in range(n - 1):
        flat, groups = _flatten(rows[i], rows[i + 1])
        hits = sum(1 for c in _match_header(flat, spec)[0].values() if c in spec.required)
        if hits == len(spec.required):
            return i, 2, flat, groups
    return best, 1, rows[best] if rows else [], {}


_SCHEMAS: dict[str, pa.DataFrameSchema] = {}


def _pandera_problems(df: pd.DataFrame, spec: Table, file: str, row_of: np.ndarray,
                      already: set[tuple]) -> list[Problem]:
    if spec.name not in _SCHEMAS:
        _SCHEMAS[spec.name] = pandera_schema(spec)
    try:
        _SCHEMAS[spec.name].validate(df, lazy=True)
    except SchemaErrors as err:
        problems = []
        for case in err.failure_cases.itertuples(index=False):
            column = getattr(case, "column", None)
            index = getattr(case, "index", None)
            row = int(row_of[int(index)]) if index is not None and not pd.isna(index) else None
            if (column, row) in already:
                continue
            check = str(getattr(case, "check", ""))
            expected, zh = ("a value ≥ 0", "不小于 0 的值") if "greater_than_or_equal_to(0" in check \
                else (f"to pass {check}", f"通过检查 {check}")
            if "in_range" in check:
                expected, zh = "a year between 1900 and 2100", "1900 到 2100 之间的年份"
            if "not_nullable" in check:
                expected, zh = "a value, not blank", "一个值，不能为空"
            problems.append(Problem(file, column, row, getattr(case, "failure_case", None), expected, zh))
        return problems
    except pa.errors.SchemaError as err:  # pragma: no cover - lazy mode collects instead
        return [Problem(file, None, None, None, str(err), f"通过表结构检查（{err}）")]
    return []


def read_table(path: str | Path, kind: str, *, check_codes: bool = True,
               max_xlsx_bytes: int = MAX_XLSX_BYTES, sheet: str | None = None,
               lang: str | None = None) -> pd.DataFrame:
    """Read one input table, map its columns to canonical names and validate every row.

    Raises one :class:`InputError` listing every problem (file, column, row, value, expected);
    no other exception escapes for any file content. ``max_xlsx_bytes`` refuses larger XLSX files;
    ``sheet`` names the workbook sheet to read (default: the one visible sheet holding the table);
    ``lang`` ("zh" default, or "en") is the language of the error message.

    Example:
        >>> import talentforecast as tf, pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "employment.csv"
        >>> _ = p.write_text("地区,行业代码,年份,就业人数\\n990101,C,2023,1200\\n", encoding="utf-8")
        >>> tf.read_table(p, "employment")[["region", "industry", "year", "employed"]].to_dict("records")
        [{'region': '990101', 'industry': 'C', 'year': 2023, 'employed': 1200.0}]
    """
    try:
        return _read_table(path, kind, check_codes=check_codes, max_xlsx_bytes=max_xlsx_bytes, sheet=sheet)[0]
    except InputError as err:
        if lang is not None:
            err.lang = lang
        raise


def _sheet_has_table(rows: list[list], spec: Table) -> bool:
    grid = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    if grid.empty:
        return False
    at, span, header, _ = _locate_header(grid, spec)
    names = _match_header(header, spec)[0]
    return all(c in names.values() for c in spec.required)


def _choose_sheet(path: Path, file: str, spec: Table, sheet: str | None, max_xlsx_bytes: int,
                  notes: list[dict]) -> tuple[pd.DataFrame, int]:
    """Read the sheet holding the table; never a wrong sheet silently (docs/bad-input.md, workbooks)."""
    book = open_xlsx(path, file, max_xlsx_bytes)
    try:
        states = sheet_states(book)
        listing = ", ".join(n + ("" if s == "visible" else f" ({s})") for n, s in states)
        if sheet is not None:
            if sheet not in [n for n, _ in states]:
                raise InputError([Problem(file, None, None, sheet, f"one of the workbook's sheets: {listing}",
                                          f"工作簿中的一个工作表：{listing}")])
            chosen = sheet
        else:
            holding = [(n, s) for n, s in states if _sheet_has_table(sheet_rows(book, n, file, _HEADER_SCAN_ROWS), spec)]
            visible = [n for n, s in holding if s == "visible"]
            if len(visible) > 1:
                raise InputError([Problem(file, None, None, None,
                    f"one sheet holding the '{spec.name}' table; sheets {', '.join(visible)} all do (one per year?): "
                    "put the rows in one sheet with a year column, or choose one with sheet= (--sheet)",
                    f"只有一个工作表存放“{spec.title_zh}”；工作表 {'、'.join(visible)} 都有（每年一张？）："
                    "请把各行合并到一张带年份列的工作表，或用 sheet=（--sheet）指定一张")])
            if not visible and holding:
                hidden = holding[0][0]
                raise InputError([Problem(file, None, None, None,
                    f"the '{spec.name}' table on a visible sheet; it is only on hidden sheet '{hidden}': unhide it "
                    f"or choose it with sheet='{hidden}' (sheets: {listing})",
                    f"“{spec.title_zh}”位于可见工作表；它只在隐藏工作表“{hidden}”中：请取消隐藏，或用 sheet='{hidden}' 指定"
                    f"（工作表：{listing}）")])
            first_visible = next((n for n, s in states if s == "visible"), states[0][0])
            chosen = visible[0] if visible else first_visible
        raw, blank, unsaved = read_xlsx_sheet(path, book, chosen, file)
    finally:
        book.close()
    if len(states) > 1:
        _note(notes, file, None, f"read sheet '{chosen}' of {len(states)} (sheets: {listing})",
              zh=f"读取了工作表“{chosen}”，共 {len(states)} 张（{listing}）")
    raw.attrs["formulas_without_value"] = unsaved
    return raw, blank


def _read_cells(path: Path, file: str, max_xlsx_bytes: int, notes: list[dict], spec: Table,
                sheet: str | None = None) -> pd.DataFrame:
    """The file's cells, index = 0-based line/row; reading notes appended to ``notes``."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw, blank = _choose_sheet(path, file, spec, sheet, max_xlsx_bytes, notes)
    elif suffix == ".parquet":
        raw, blank = read_parquet_cells(path, file), 0
    else:
        raw, encoding, blank = read_csv_cells(read_bytes(path, file), file)
        if encoding != "utf-8-sig":
            _note(notes, file, None, f"decoded as {encoding}", zh=f"按 {encoding} 编码读取")
    if blank:
        _note(notes, file, None, "blank rows skipped", blank, zh="跳过空行")
    return raw


def _title_unit(raw: pd.DataFrame, header_at: int) -> tuple[str, str] | None:
    for i in range(header_at):
        for cell in raw.iloc[i]:
            if isinstance(cell, str) and (m := _TITLE_UNIT_RE.search(unicodedata.normalize("NFKC", cell).strip())):
                return (m.group(1) or m.group(2)).replace("％", "%"), f"title row {int(raw.index[i]) + 1}: {cell.strip()}"
    return None


def _column_units(spec: Table, names: dict[int, str], unit_pos: dict[int, str], groups: dict[int, object],
                  title: tuple[str, str] | None) -> dict[str, tuple[str, str]]:
    """Unit of each numeric column: its own header, else the merged group cell above, else the title."""
    units: dict[str, tuple[str, str]] = {}
    for pos, name in names.items():
        col = spec.column(name)
        if col.dtype == "str":
            continue
        if pos in unit_pos:
            units[name] = (unit_pos[pos], "column header")
        elif pos in groups and (u := _split_unit(groups[pos])[1]):
            units[name] = (u, f"merged header cell '{groups[pos]}'")
        elif title and title[0] in _UNIT_FACTORS.get(col.unit, {}):
            units[name] = (title[0], title[1])
    return units


def _trailing_footnotes(raw: pd.DataFrame) -> int:
    """Rows at the end holding only a note such as '注：…' or '资料来源：…' (one non-blank cell)."""
    n = 0
    for i in range(len(raw) - 1, -1, -1):
        cells = [c for c in raw.iloc[i] if not _blank(c)]
        if len(cells) == 1 and isinstance(cells[0], str) and _FOOTNOTE_RE.match(cells[0].strip()):
            n += 1
        else:
            break
    return n


def _collapse(problems: list[Problem], keep: int = 5) -> list[Problem]:
    """Many rows with the same problem become one problem listing the rows (first row, count)."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, p.expected), []).append(p)
    out: list[Problem] = []
    for group in groups.values():
        if len(group) <= keep or group[0].rows:
            out += group
            continue
        first = group[0]
        rows = sorted(p.row for p in group if p.row is not None)
        out.append(Problem(first.file, first.column, first.row, first.value, first.expected, first.expected_zh,
                           rows=_row_list(rows)))
    return out


def _read_table(path: str | Path, kind: str, *, check_codes: bool = True,
                max_xlsx_bytes: int = MAX_XLSX_BYTES, sheet: str | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    path = Path(path)
    file = str(path)
    if kind not in TABLES:
        raise InputError(f"unknown table kind {kind}; expected one of {', '.join(TABLES)}", file=file,
                         expected_zh=f"表类型应为 {', '.join(TABLES)} 之一，而不是 {kind}")
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "an existing file", "一个存在的文件")])
    spec = TABLES[kind]
    notes: list[dict] = []
    try:
        return _read_body(path, file, kind, spec, notes, check_codes, max_xlsx_bytes, sheet)
    except InputError as err:
        err.notes = notes  # what was noticed before the error (sheets read, warnings) is still shown
        raise


def _read_body(path: Path, file: str, kind: str, spec: Table, notes: list[dict], check_codes: bool,
               max_xlsx_bytes: int, sheet: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    raw = _read_cells(path, file, max_xlsx_bytes, notes, spec, sheet)
    if raw.empty:
        raise InputError([Problem(file, None, None, None, "a header row and at least one data row", "表头行和至少一行数据")])
    header_at, span, header, groups = _locate_header(raw, spec)
    header_line = int(raw.index[header_at]) + 1
    names, unit_pos, dups = _match_header(header, spec)
    missing = [c for c in spec.required if c not in names.values()]
    if missing or dups:
        found = ", ".join(str(c) for c in header if not _blank(c))
        sheet_note = next((n for n in notes if n["normalisation"].startswith("read sheet")), None)
        if sheet_note:  # say which sheet was read and which exist
            found += f" ({sheet_note['normalisation']})"
        header_problems = [Problem(file, p.column, header_line, p.value, p.expected, p.expected_zh)
                           for p in dups] + [
            Problem(file, c, header_line, None,
                    f"a column '{c}' (or an alias: {', '.join(spec.column(c).aliases) or '-'}); found: {found}",
                    f"列“{c}”（或别名：{'、'.join(spec.column(c).aliases) or '-'}）；表头中有：{found}")
            for c in missing
        ]
        raise InputError(header_problems)
    if header_at > 0:
        _note(notes, file, None, f"skipped {header_at} title row(s) above the header", header_at,
              zh=f"跳过表头上方 {header_at} 行标题")
    if span == 2:
        _note(notes, file, None, f"two-row header (merged cells) on rows {header_line}-{header_line + 1} flattened",
              zh=f"第 {header_line}-{header_line + 1} 行的两行表头（合并单元格）已展平")
    for pos, quals in _qualifiers(header, names).items():
        _note(notes, file, names[pos], f"header qualifier(s) {', '.join(quals)} noted, not used in the computation",
              zh=f"表头限定词 {'、'.join(quals)} 已记录，计算中未使用")
    ignored = [str(c).strip() for p, c in enumerate(header) if p not in names and not _blank(c)]
    if ignored:
        _note(notes, file, None, f"columns not in the '{kind}' contract ignored: {', '.join(ignored)}",
              zh=f"不在“{spec.title_zh}”规范中的列未读取：{'、'.join(ignored)}")
    body_raw = raw.iloc[header_at + span:]
    footnotes = _trailing_footnotes(body_raw)
    if footnotes:
        body_raw = body_raw.iloc[: len(body_raw) - footnotes]
        _note(notes, file, None, "footnote rows (注/资料来源…) below the table skipped", footnotes,
              zh="跳过表格下方的注释行（注/资料来源……）")
    row_of = body_raw.index.to_numpy().astype(int) + 1
    problems: list[Problem] = []
    unnamed = [p for p in range(len(header)) if _blank(header[p])]
    if unnamed:
        stray = body_raw.iloc[:, unnamed].map(lambda v: not _blank(v)).any(axis=1).to_numpy()
        for i in np.flatnonzero(stray)[:200]:
            problems.append(Problem(file, None, int(row_of[i]), [v for v in body_raw.iloc[i, unnamed] if not _blank(v)],
                                    "no values outside the header's columns (this row has more fields than the header)",
                                    "表头范围之外没有值（这一行的字段比表头多）"))
    for p, c in enumerate(header):  # a total label in a name column we do not read (地区名称: 全市合计) is still a total
        if p in names or _blank(c) or p >= body_raw.shape[1] or not _LABEL_HEADER.search(str(c)):
            continue
        for i in np.flatnonzero(total_mask(body_raw.iloc[:, p]))[:200]:
            problems.append(Problem(file, str(c).strip(), int(row_of[i]), body_raw.iloc[i, p],
                                    "a data row, not a total or subtotal row (remove 合计/小计/其中 rows: they would "
                                    "be counted twice)", "明细数据行，而不是合计/小计/其中行（请删除这些行：否则会重复计算）"))
    body = body_raw.iloc[:, list(names)].copy()
    body.columns = [names[p] for p in names]
    body = body.reset_index(drop=True)
    if body.empty:
        raise InputError([Problem(file, None, None, None, "at least one data row below the header", "表头下方至少一行数据")])
    units = _column_units(spec, names, unit_pos, groups, _title_unit(raw, header_at))
    df = _coerce(body, spec, units, file, header_line, row_of, problems, notes)
    already = {(p.column, p.row) for p in problems} | df.attrs.pop("covered", set())
    problems += _pandera_problems(df, spec, file, row_of, already)
    from talentforecast.validation import check_codes as _check_codes
    from talentforecast.validation import check_rules, code_notes

    problems += check_rules(df, spec, file, row_of)
    if check_codes:
        problems += _check_codes(df, spec, file, row_of)
        notes += code_notes(df, file)
    if problems:
        raise InputError(_collapse(problems))
    df.attrs["source"] = file
    df.attrs["rows_read"] = len(df)
    df.attrs["normalisations"] = notes
    return df, row_of


def _qualifiers(header: list[object], names: dict[int, str]) -> dict[int, list[str]]:
    out = {}
    for pos in names:
        quals = split_unit(str(header[pos]))[2]
        if quals:
            out[pos] = quals
    return out




