"""Turning cells into typed values: numbers, codes, years and units, with every problem and note recorded.

Used by :mod:`talentforecast.io`; each function handles one column at a time and never drops a
row: a cell it cannot read becomes a :class:`~talentforecast.errors.Problem`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata

import numpy as np
import pandas as pd

from talentforecast._cellcheck import FormulaCell, excel_error, is_total_label, parse_year
from talentforecast.errors import Problem
from talentforecast.schema import LEVEL_ALIASES, Column, Table

_CODE_COLUMNS = ("region", "school", "specialty", "industry", "occupation", "parent")
_UNIT_ZH = {"persons": "人", "10k yuan (万元)": "万元", "yuan per year": "元/年", "yuan per month": "元/月",
            "year": "年份", "years": "岁", "share": "比例", "1-4": "1-4"}


def unit_zh(unit: str) -> str:
    """A contract unit in Chinese, for messages ("persons" → "人")."""
    return _UNIT_ZH.get(unit, unit)

# multiplier from a unit written in a header to the column's contract unit
_UNIT_FACTORS: dict[str, dict[str, float]] = {
    "persons": {"人": 1, "千人": 1_000, "万人": 10_000},
    "10k yuan (万元)": {"万元": 1, "亿元": 10_000, "元": 1e-4},
    "yuan per year": {"元": 1, "元/年": 1, "万元": 10_000, "万元/年": 10_000},
    "yuan per month": {"元": 1, "元/月": 1},
}

def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()) \
        or v is pd.NA or v is pd.NaT


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
                  zh=f"列 {col.name} 未读取：单位“{unit}”（{source}）无法换算为 {unit_zh(col.unit)}（可识别：{'、'.join(factors)}）")
            return None
        problems.append(Problem(file, col.name, header_row, unit,
                                f"a unit of {col.unit} for {col.name} (one of {', '.join(factors) or col.unit})",
                                f"{col.name} 的单位应为 {unit_zh(col.unit)}（{'、'.join(factors) or col.unit} 之一）"))
        return 1.0
    factor = factors[unit]
    if factor != 1:
        _note(notes, file, col.name, f"{unit} ({source}) converted to {col.unit} (×{factor:g})",
              zh=f"{unit}（{source}）已换算为 {unit_zh(col.unit)}（×{factor:g}）")
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
                f"数值（{unit_zh(col.unit)}），而不是 Excel 错误值 {err}：请修正工作簿中的公式")
    if isinstance(v, FormulaCell):
        return (f"a number ({col.unit}); the cell holds the formula {v} but no saved result: open and save the "
                "workbook in Excel/WPS (or paste values) so the result is stored",
                f"数值（{unit_zh(col.unit)}）；该单元格是公式 {v}，但文件中没有保存计算结果：请用 Excel/WPS 打开并保存（或粘贴为数值）")
    return f"a finite number ({col.unit})", f"有限的数值（{unit_zh(col.unit)}）"


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
            expected, expected_zh = _bad_number(v, col)
            problems.append(Problem(file, col.name, int(row_of[i]), v, expected, expected_zh))
            continue
        if num is None:
            if col.required:
                problems.append(Problem(file, col.name, int(row_of[i]), "", f"a number ({col.unit}), not blank",
                                        f"数值（{unit_zh(col.unit)}），不能为空"))
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
                                        f"大小合理的数值（{unit_zh(col.unit)}）"))
                parsed[i] = np.nan
            if col.dtype == "int" or col.unit == "persons":
                with np.errstate(invalid="ignore"):
                    frac = np.abs(parsed - np.round(parsed))
                bad = np.flatnonzero(frac > 1e-6)
                hint_en, hint_zh = "", ""
                if col.unit == "persons" and len(bad) and unit is None and np.nanmax(parsed) < _small_max():
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


def _small_max() -> float:
    from talentforecast.validation import input_limits

    return float(input_limits()["magnitude"]["small_decimal_max"])


def _magnitude(raw: np.ndarray, col: Column, unit: str | None, factor: float, file: str, notes: list[dict]) -> None:
    """Warn when a header's unit and the size of the numbers disagree (persons written under 万人)."""
    if col.unit != "persons" or not np.isfinite(raw).any():
        return
    from talentforecast.validation import input_limits

    limits = input_limits()["magnitude"]
    med = float(np.nanmedian(raw))
    if factor >= 1000 and med >= limits["scaled_header_median"]:
        _note(notes, file, col.name, f"warning: the header says {unit} but the values look like persons "
              f"(median {med:,.0f} × {factor:g} = {med * factor:,.0f}); found factor {factor:g} too large? "
              "Check the unit", warning=True,
              zh=f"警告：表头单位为 {unit}，但数值像是以人为单位（中位数 {med:,.0f} × {factor:g} = {med * factor:,.0f}）；"
                 f"换算系数 {factor:g} 可能多乘了，请核对单位")
    elif factor == 1 and unit in (None, "人") and 0 < med < 10 and not np.allclose(raw[np.isfinite(raw)] % 1, 0):
        _note(notes, file, col.name, f"warning: the values are small decimals (median {med:g}); were they entered "
              "in 万人 (factor 10000)? Write the unit in the header", warning=True,
              zh=f"警告：数值为小数（中位数 {med:g}），是否以万人为单位（系数 10000）？请在表头注明单位")
