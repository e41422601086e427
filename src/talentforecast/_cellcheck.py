"""Recognising awkward cells of government spreadsheets: total rows, Excel error values, years, units.

Each function looks at one cell (or a whole column, vectorised) and says what it is; io.py decides
whether that is an error, a recorded normalisation or a warning (docs/bad-input.md).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

import numpy as np
import pandas as pd

# words that make a key cell a total or subtotal row, after punctuation, spaces and brackets are removed
_TOTAL_WORDS = ("合计", "总计", "小计", "共计", "累计", "汇总", "总数", "总和")
_TOTAL_EXACT = frozenset({"全市", "全省", "全区", "全县", "全州", "全盟", "全国", "全部", "总体", "市本级合计",
                          "total", "subtotal", "grandtotal", "sum", "all", "overall"})
_TOTAL_RE = re.compile("|".join(_TOTAL_WORDS) + r"|^其中|^(sub|grand)?total|^总$")
_PUNCT_RE = re.compile(r"[\W_]+", re.UNICODE)  # Chinese characters are word characters: kept

EXCEL_ERRORS = ("#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#N/A!")


class FormulaCell(str):
    """A formula whose result was never saved in the workbook (openpyxl sees the formula, no value)."""


def squeeze(text: str) -> str:
    """Lower-case NFKC text without spaces, punctuation or brackets (for matching labels)."""
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text)).lower()


def is_total_label(value: object) -> bool:
    """Whether a cell reads as a total or subtotal label: 合计, 总 计, （小计）, 其中：…, 全市合计, Total …

    Example:
        >>> [is_total_label(x) for x in ["合计", "总  计", "（小计）", "其中：民办", "全市合计", "Total:", "中心区"]]
        [True, True, True, True, True, True, False]
    """
    if not isinstance(value, str):
        return False
    key = squeeze(value)
    return bool(key) and (key in _TOTAL_EXACT or bool(_TOTAL_RE.search(key)))


def total_mask(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`is_total_label` over a column of cells (non-strings are never totals)."""
    is_str = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not is_str.any():
        return is_str
    keys = values[is_str].astype(str).map(lambda t: _PUNCT_RE.sub("", unicodedata.normalize("NFKC", t)).lower())
    hit = keys.isin(_TOTAL_EXACT) | keys.str.contains(_TOTAL_RE, regex=True)
    out = np.zeros(len(values), dtype=bool)
    out[np.flatnonzero(is_str)] = hit.to_numpy(dtype=bool) & (keys != "").to_numpy(dtype=bool)
    return out


def excel_error(value: object) -> str | None:
    """The Excel error value in a cell (#REF!, #DIV/0!, #N/A …), or None.

    Example:
        >>> excel_error("#DIV/0!"), excel_error(" #n/a "), excel_error("12")
        ('#DIV/0!', '#N/A', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip().upper()
    return text if text in EXCEL_ERRORS else None


_YEAR_PLAIN = re.compile(r"(\d{4})\s*(?:年|年度)?")
_YEAR_SCHOOL = re.compile(r"(\d{4})\s*学年(?:度)?")
_YEAR_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?")
_YEAR_SPAN = re.compile(r"(\d{4})\s*[-—–~/至]\s*(\d{2,4})\s*(?:学年|年度|年)?(?:度)?")


def parse_year(value: object) -> tuple[int | None, str | None, str | None]:
    """A year cell → (year, normalisation note, ambiguity). Only unambiguous forms are read.

    Accepted: 2020, 2020年, 2020年度, 2020学年, 2020-01-01 and Excel date cells on 1 January.
    Ambiguous (no year returned): 2020-2021学年, 2020/21, dates on other days.

    Example:
        >>> parse_year("2020学年")[0], parse_year("2020-01-01")[0], parse_year("2020-2021学年")[2] is not None
        (2020, 2020, True)
    """
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date)):
        if (value.month, value.day) == (1, 1):
            return value.year, "year given as a date (1 January) read as its year", None
        return None, None, "a year, not a date that is not 1 January (which year does it stand for?)"
    if not isinstance(value, str):
        return None, None, None
    text = unicodedata.normalize("NFKC", value).strip()
    if m := _YEAR_SCHOOL.fullmatch(text):
        return int(m.group(1)), "school year 'YYYY学年' read as the year it starts", None
    if m := _YEAR_DATE.fullmatch(text):
        if (int(m.group(2)), int(m.group(3))) == (1, 1):
            return int(m.group(1)), "year given as a date (1 January) read as its year", None
        return None, None, "a year, not a date that is not 1 January (which year does it stand for?)"
    if _YEAR_SPAN.fullmatch(text):
        return None, None, "one year per row; a span such as 2020-2021学年 names two years (write the year the data refer to)"
    return None, None, None


def split_unit(text: str) -> tuple[str, str | None, list[str]]:
    """A header cell → (name, unit, qualifiers): "增加值(亿元，现价)" → ("增加值", "亿元", ["现价"]).

    Example:
        >>> split_unit("起薪(元/月)"), split_unit("增加值（亿元，现价）")
        (('起薪', '元/月', []), ('增加值', '亿元', ['现价']))
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    m = re.search(r"[(\[]\s*([^()\[\]]*?)\s*[)\]]\s*$", raw)
    if not m or not m.group(1):
        return raw, None, []
    parts = [p.strip() for p in re.split(r"[,;、，；\s]+", m.group(1)) if p.strip()]
    unit = parts[0].replace("％", "%") if parts else None
    return raw[: m.start()].strip(), unit, parts[1:]
