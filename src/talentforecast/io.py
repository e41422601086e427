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

import datetime as _dt
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from talentforecast._cellcheck import (
    FormulaCell,
    excel_error,
    is_total_label,
    parse_year,
    split_unit,
    total_mask,
)
from talentforecast._rawread import (
    open_xlsx,
    read_csv_cells,
    read_parquet_cells,
    read_xlsx_sheet,
    sheet_rows,
    sheet_states,
)
from talentforecast.errors import InputError, Problem
from talentforecast.schema import LEVEL_ALIASES, TABLES, Column, Table, pandera_schema

MAX_XLSX_BYTES = 50 * 1024 * 1024
_HEADER_SCAN_ROWS = 15
_UNITS = "万人|千人|人|亿元|万元|元|%|％"
_UNIT_RE = re.compile(rf"[（(]\s*({_UNITS})\s*[)）]\s*$")
_TITLE_UNIT_RE = re.compile(rf"(?:计量)?单位\s*[:：]\s*({_UNITS})|[（(]\s*({_UNITS})\s*[)）]\s*$")
_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")
# multiplier from a unit written in a header to the column's contract unit
_UNIT_FACTORS: dict[str, dict[str, float]] = {
    "persons": {"人": 1, "千人": 1_000, "万人": 10_000},
    "10k yuan (万元)": {"万元": 1, "亿元": 10_000, "元": 1e-4},
    "yuan per year": {"元": 1, "元/年": 1, "万元": 10_000, "万元/年": 10_000},
    "yuan per month": {"元": 1, "元/月": 1},
}
_FOOTNOTE_RE = re.compile(r"^(注|说明|备注|资料来源|数据来源|来源|note|source)", re.IGNORECASE)
_CODE_COLUMNS = ("region", "school", "specialty", "industry", "occupation", "parent")


def _norm_name(name: object) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"\s+", "", text)


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()) \
        or v is pd.NA or v is pd.NaT


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
            dups.append(Problem("", canon, None, f"{cells[first]!s} (column {first + 1}) and {cell!s} (column {pos + 1})",
                                "each column once (two columns map to the same field: keep one)"))
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


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－−", "0123456789.,--")


def _parse_number(value: object) -> tuple[float | None, str | None]:
    """Parse one cell; return (number or None for blank, normalisation applied or None).

    Raises ``ValueError`` for text that is not a finite number.
    """
    if _blank(value):
        return None, None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(str(value))
        return number, None
    text = str(value).strip()
    if text.lower() in ("nan", "na", "n/a", "null", "none", "-", "—", "--"):
        return None, None
    note = None
    converted = text.translate(_FULLWIDTH)
    if converted != text:
        note = "full-width digits"
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", converted):
        converted = converted.replace(",", "")
        note = "thousands separators"
    if re.fullmatch(r"\d{4}\s*年(度)?", converted):
        converted = re.sub(r"\s*年(度)?", "", converted)
        note = "year written as 'YYYY年'"
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", converted):
        raise ValueError(text)
    number = float(converted)
    if not math.isfinite(number):
        raise ValueError(text)
    return number, note


def _clean_code(v: object, col: Column) -> tuple[object, str | None, tuple[str, str] | None]:
    """One text cell → (value, normalisation note, (problem, problem in Chinese)). Codes are never guessed."""
    if _blank(v):
        return None, None, None
    is_code = col.name in _CODE_COLUMNS
    if isinstance(v, FormulaCell):
        return None, None, (f"a value; the cell holds the formula {v} but no saved result (open and save the "
                            "workbook in Excel/WPS, or paste values)",
                            f"一个值；该单元格是公式 {v}，但没有保存计算结果（请用 Excel/WPS 打开并保存，或粘贴为数值）")
    if (err := excel_error(v)) is not None:
        return None, None, (f"a value, not the Excel error value {err} (fix the formula in the workbook)",
                            f"一个值，而不是 Excel 错误值 {err}（请修正工作簿中的公式）")
    if isinstance(v, (_dt.date, _dt.time, pd.Timestamp)):
        if is_code:
            return None, None, ("a code stored as text (Excel turned it into a date: format the column as text)",
                                "以文本保存的代码（Excel 把它变成了日期：请把该列设为文本格式）")
        return str(v), None, None
    note = None
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        if not math.isfinite(float(v)) or float(v) != int(v):
            return None, None, (f"a code, not the number {float(v):g}", f"代码，而不是数字 {float(v):g}")
        v, note = str(int(v)), "code stored as a number in the file (read as text)"
    text = unicodedata.normalize("NFKC", str(v)).strip()
    if note is None and text != str(v).strip():
        note = "full-width letters or brackets made half-width (NFKC)"
    if re.fullmatch(r"\d+\.0+", text):
        text, note = text.split(".")[0], "trailing '.0' removed from a code read as a number"
    if is_code and re.fullmatch(r"[+-]?\d(\.\d+)?[eE][+-]?\d+", text):
        return None, None, ("the code written out in full; Excel shortened it to scientific notation "
                            "(format the column as text and re-enter it)",
                            "完整的代码；Excel 把它缩写成了科学计数法（请把该列设为文本格式并重新输入）")
    if is_code and is_total_label(text):
        return None, None, ("a data row, not a total or subtotal row (remove 合计/小计/其中 rows: they would be "
                            "counted twice)", "明细数据行，而不是合计/小计/其中行（请删除这些行：否则会重复计算）")
    if col.code == "level":
        text = LEVEL_ALIASES.get(text, text)
    if col.code == "industry":
        if re.fullmatch(r"[a-t]", text):
            text, note = text.upper(), "lower-case GB/T 4754 section letter upper-cased"
        elif re.fullmatch(r"[1-9]", text):
            text, note = "0" + text, "1-digit GB/T 4754 division code: leading zero restored"
    if col.name == "occupation" and re.fullmatch(r"\d{2,}", text):
        return None, None, ("an occupation code with its dashes, e.g. 4-01-06-01 (the dashes were lost)",
                            "带短横线的职业代码，如 4-01-06-01（短横线丢失了）")
    return text, note, None


def _note(notes: list[dict], file: str, column: str | None, text: str, rows: int | None = None, *,
          zh: str | None = None, warning: bool = False) -> None:
    entry: dict = {"file": file, "column": column, "normalisation": text}
    if rows is not None:
        entry["rows"] = int(rows)
    if zh:
        entry["zh"] = zh
    if warning:
        entry["warning"] = True
    notes.append(entry)


def _unit_factor(col: Column, unit: str | None, source: str, file: str, header_row: int,
                 problems: list[Problem], notes: list[dict]) -> float | None:
    """Multiplier to the contract unit; None when an optional column's unit is unknown (column skipped)."""
    if unit is None or (unit == "人" and col.unit == "persons") or (unit == "万元" and col.unit.endswith("(万元)")):
        return 1.0
    factors = _UNIT_FACTORS.get(col.unit, {})
    if unit not in factors:
        if not col.required:  # an optional column is left out rather than read in a unit we do not know
            _note(notes, file, col.name, f"column {col.name} ignored: unit '{unit}' ({source}) is not one we can "
                  f"convert to {col.unit} (known: {', '.join(factors) or col.unit})",
                  zh=f"列 {col.name} 未读取：单位“{unit}”（{source}）无法换算为 {col.unit}（可识别：{'、'.join(factors)}）")
            return None
        problems.append(Problem(file, col.name, header_row, unit,
                                f"a unit of {col.unit} for {col.name} (one of {', '.join(factors) or col.unit})",
                                f"{col.name} 的单位应为 {col.unit}（{'、'.join(factors) or col.unit} 之一）"))
        return 1.0
    factor = factors[unit]
    if factor != 1:
        _note(notes, file, col.name, f"{unit} ({source}) converted to {col.unit} (×{factor:g})",
              zh=f"{unit}（{source}）已换算为 {col.unit}（×{factor:g}）")
    return factor


def _coerce_text(values: np.ndarray, col: Column, spec: Table, file: str, row_of: np.ndarray,
                 problems: list[Problem], counts: dict[str, int]) -> list:
    """Clean each distinct cell once (codes repeat: a million rows stay fast), then map back to rows."""
    series = pd.Series(values, dtype=object)
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
    except TypeError:  # unhashable cells (never from our readers): one by one
        codes, uniques = np.arange(len(series)), series.to_numpy()
    results = [_clean_code(v, col) for v in uniques]
    cleaned = np.array([r[0] for r in results], dtype=object)[codes]
    bad_u = [i for i, r in enumerate(results) if r[2] is not None]
    if bad_u:
        for i in np.flatnonzero(np.isin(codes, bad_u)):
            bad = results[codes[i]][2]
            problems.append(Problem(file, col.name, int(row_of[i]), values[i], bad[0], bad[1]))
    for u, n in zip(*np.unique(codes, return_counts=True), strict=True):
        if results[u][1] and results[u][2] is None:
            counts[results[u][1]] = counts.get(results[u][1], 0) + int(n)
    if col.required:
        empty_u = [i for i, r in enumerate(results) if r[0] is None and r[2] is None]
        for i in np.flatnonzero(np.isin(codes, empty_u)) if empty_u else []:
            merged = bool(i) and col.name in spec.key
            hint = " (a merged cell? unmerge it and fill every row)" if merged else ""
            problems.append(Problem(file, col.name, int(row_of[i]), "", f"a non-empty value{hint}",
                                    "非空值" + ("（合并单元格？请取消合并并逐行填写）" if merged else "")))
    return list(cleaned)


def _bad_number(v: object, col: Column) -> tuple[str, str]:
    """(expected, expected_zh) for a cell that is not a number."""
    if (err := excel_error(v)) is not None:
        return (f"a number ({col.unit}), not the Excel error value {err}: fix the formula in the workbook",
                f"数值（{col.unit}），而不是 Excel 错误值 {err}：请修正工作簿中的公式")
    if isinstance(v, FormulaCell):
        return (f"a number ({col.unit}); the cell holds the formula {v} but no saved result: open and save the "
                "workbook in Excel/WPS (or paste values) so the result is stored",
                f"数值（{col.unit}）；该单元格是公式 {v}，但文件中没有保存计算结果：请用 Excel/WPS 打开并保存（或粘贴为数值）")
    return f"a finite number ({col.unit})", f"有限的数值（{col.unit}）"


def _coerce_numbers(values: np.ndarray, col: Column, file: str, row_of: np.ndarray,
                    problems: list[Problem], counts: dict[str, int], ambiguous: dict) -> np.ndarray:
    series = pd.Series(values, dtype=object)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "integer", "floating", "mixed-integer-float", "empty"):
        plain = np.ones(len(series), dtype=bool)  # to_numeric reads only ASCII numbers: the rest go below
        fast = pd.to_numeric(series, errors="coerce").to_numpy(float)
    else:  # bools, dates, formula cells …: only plain numbers take the fast path
        plain = series.map(lambda v: isinstance(v, (int, float, str)) and not isinstance(v, bool)).to_numpy(dtype=bool)
        fast = pd.to_numeric(series.where(plain), errors="coerce").to_numpy(float)
    parsed = np.where(plain & np.isfinite(fast), fast, np.nan)
    for i in np.flatnonzero(~(plain & np.isfinite(fast))):  # the rare awkward cells, one by one
        v = values[i]
        if col.name == "year":
            year, note, why = parse_year(v)
            if why is not None:
                ambiguous.setdefault(why, []).append((int(row_of[i]), v))
                continue
            if year is not None:
                counts[note] = counts.get(note, 0) + 1
                parsed[i] = year
                continue
        try:
            num, note = _parse_number(v)
        except ValueError:
            problems.append(Problem(file, col.name, int(row_of[i]), v, *_bad_number(v, col)))
            continue
        if num is None:
            if col.required:
                problems.append(Problem(file, col.name, int(row_of[i]), "", f"a number ({col.unit}), not blank",
                                        f"数值（{col.unit}），不能为空"))
            continue
        if note:
            counts[note] = counts.get(note, 0) + 1
        parsed[i] = num
    return parsed


def _coerce(body: pd.DataFrame, spec: Table, units: dict[str, tuple[str, str]], file: str, header_row: int,
            row_of: np.ndarray, problems: list[Problem], notes: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(index=body.index)
    for col in spec.columns:
        if col.name not in body.columns:
            continue
        values = body[col.name].to_numpy()
        counts: dict[str, int] = {}
        if col.dtype == "str":
            out[col.name] = pd.Series(_coerce_text(values, col, spec, file, row_of, problems, counts),
                                      index=body.index, dtype=object)
        else:
            ambiguous: dict[str, list] = {}
            parsed = _coerce_numbers(values, col, file, row_of, problems, counts, ambiguous)
            for why, cells in ambiguous.items():  # one message per kind of unclear year, not one per row
                problems.append(Problem(file, col.name, cells[0][0], cells[0][1], why, _YEAR_ZH.get(why),
                                        rows=_row_list([r for r, _ in cells])))
                out.attrs.setdefault("covered", set()).update((col.name, r) for r, _ in cells)
            unit, source = units.get(col.name, (None, ""))
            factor = _unit_factor(col, unit, source, file, header_row, problems, notes)
            if factor is None:
                continue
            _magnitude(parsed, col, unit, factor, file, notes)
            parsed = parsed * factor
            limit = 2.0**53 if col.dtype == "int" else np.finfo(float).max
            for i in np.flatnonzero(np.abs(np.nan_to_num(parsed, nan=0.0)) >= limit):
                problems.append(Problem(file, col.name, int(row_of[i]), values[i], f"a number of plausible size ({col.unit})",
                                        f"大小合理的数值（{col.unit}）"))
                parsed[i] = np.nan
            if col.dtype == "int" or col.unit == "persons":
                with np.errstate(invalid="ignore"):
                    frac = np.abs(parsed - np.round(parsed))
                bad = np.flatnonzero(frac > 1e-6)
                hint_en, hint_zh = "", ""
                if col.unit == "persons" and len(bad) and unit is None and np.nanmax(parsed) < 1000:
                    hint_en = "; the values look like 万人 (×10000): write the unit in the header, e.g. 就业人数(万人)"
                    hint_zh = "；这些数值像是以万人为单位（×10000）：请在表头注明单位，如 就业人数(万人)"
                for i in bad:
                    problems.append(Problem(file, col.name, int(row_of[i]), values[i], "a whole number" + hint_en,
                                            "整数" + hint_zh))
                if col.unit == "persons":  # unit conversions leave float dust such as 50.000000000000014
                    parsed = np.round(parsed)
            if col.dtype == "int":
                out[col.name] = pd.array(np.where(np.isnan(parsed), pd.NA, np.round(parsed)), dtype="Int64")
            else:
                out[col.name] = parsed
        for note, n in sorted(counts.items()):
            _note(notes, file, col.name, note, n)
    return out


_YEAR_ZH = {
    "a year, not a date that is not 1 January (which year does it stand for?)":
        "年份，而不是非 1 月 1 日的日期（它代表哪一年？）",
    "one year per row; a span such as 2020-2021学年 names two years (write the year the data refer to)":
        "每行一个年份；“2020-2021学年”这样的跨度包含两个年份（请写明数据所属的年份）",
}


def _row_list(rows: list[int]) -> str:
    """'2, 3, 7' or '2-1001 (1000 rows)' for a problem found on many rows."""
    if len(rows) <= 5:
        return ", ".join(map(str, rows))
    return f"{rows[0]}…{rows[-1]} ({len(rows)})"


def _magnitude(raw: np.ndarray, col: Column, unit: str | None, factor: float, file: str, notes: list[dict]) -> None:
    """Warn when a header's unit and the size of the numbers disagree (persons written under 万人)."""
    if col.unit != "persons" or not np.isfinite(raw).any():
        return
    med = float(np.nanmedian(raw))
    if factor >= 1000 and med >= 1000:
        _note(notes, file, col.name, f"warning: the header says {unit} but the values look like persons "
              f"(median {med:,.0f} × {factor:g} = {med * factor:,.0f}); found factor {factor:g} too large? "
              "Check the unit", warning=True,
              zh=f"警告：表头单位为 {unit}，但数值像是以人为单位（中位数 {med:,.0f} × {factor:g} = {med * factor:,.0f}）；"
                 f"换算系数 {factor:g} 可能多乘了，请核对单位")
    elif factor == 1 and unit in (None, "人") and 0 < med < 10 and not np.allclose(raw[np.isfinite(raw)] % 1, 0):
        _note(notes, file, col.name, f"warning: the values are small decimals (median {med:g}); were they entered "
              "in 万人 (factor 10000)? Write the unit in the header", warning=True,
              zh=f"警告：数值为小数（中位数 {med:g}），是否以万人为单位（系数 10000）？请在表头注明单位")


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
            expected = "a value ≥ 0" if "greater_than_or_equal_to(0" in check else f"to pass {check}"
            if "in_range" in check:
                expected = "a year between 1900 and 2100"
            problems.append(Problem(file, column, row, getattr(case, "failure_case", None), expected))
        return problems
    except pa.errors.SchemaError as err:  # pragma: no cover - lazy mode collects instead
        return [Problem(file, None, None, None, str(err))]
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
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError([Problem(file, None, None, None, f"a readable file ({exc.strerror})",
                                      f"可读取的文件（{exc.strerror}）")]) from exc
        raw, encoding, blank = read_csv_cells(data, file)
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
        raise InputError([Problem(file, p.column, header_line, p.value, p.expected, "每列只出现一次（两列对应同一字段：保留一列）")
                          for p in dups] + [
            Problem(file, c, header_line, None,
                    f"a column '{c}' (or an alias: {', '.join(spec.column(c).aliases) or '-'}); found: {found}",
                    f"列“{c}”（或别名：{'、'.join(spec.column(c).aliases) or '-'}）；表头中有：{found}")
            for c in missing
        ])
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
    for p, c in enumerate(header):  # a total label in a column we do not read (地区名称: 全市合计) is still a total
        if p in names or _blank(c) or p >= body_raw.shape[1]:
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




from talentforecast.folder import find_table_files, infer_kind, read_folder  # noqa: E402, F401  (re-exported)
