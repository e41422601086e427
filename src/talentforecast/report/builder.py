"""The report builder: number formatting and :class:`Builder`, which turns tables into blocks
(text, key figures, figures, tables) for the section functions of :mod:`talentforecast.report.sections`.

Example:
    >>> fmt_number(1234567.0, "openings")
    '1,234,567'
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from collections.abc import Sequence

import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.report.i18n import Strings
from talentforecast.warning.probability import probability_text

# Column-name patterns that decide how a number is printed (presentation, not domain rules).
_PERCENT = ("_rate", "_share", "coverage", "_pct", "demand_growth")
_WHOLE_PERCENT = ("probability",)  # printed as "87%": a narrow column, never wrapped
_DECIMAL = ("ratio", "dissimilarity", "deviation", "score", "mase", "smape", "mape", "index")
_COUNT_INT = ("year", "as_of", "rank", "years_at_level", "schools", "n", "count", "hits")
# Relative column widths for fixed-layout tables (normalised to 100% per table).
_WIDTH = {"specialty": 1.6, "reason": 4.6, "action": 1.8, "source": 5.0, "specialty_name": 2.4, "industry_name": 2.6,
          "occupation_name": 2.4, "interval_80": 2.0, "parameter": 2.0, "occupation": 1.6, "level": 1.8,
          "warning_level": 1.6, "previous_level": 1.5, "years_at_level": 1.1, "probability": 1.2,
          "grade": 1.8, "change": 1.5, "major_group": 2.4}


# Table text is 8 pt: one em is 2.82 mm. Words are measured with the report font's advance widths
# (Noto Sans CJK, the font of the PDF and the Word file), so a column fits its longest Latin word.
_EM_MM = 2.82
_TABLE_MM = 172.0  # text width of a table: 180 mm of A4 text less the PDF body padding (Word: 174 mm)
_CELL_PAD_MM = 3.4  # cell padding (2 x 1.5 mm) and rules (style.css th, td)
_DENSE_PAD_MM = 2.0  # the same in a dense table (2 x 0.8 mm)
_STRIPE_MM = 1.1  # the 3 pt warning-level stripe on a first column
_DENSE_ABOVE = 0.9  # share of the width the longest words may take at 8 pt before a table goes dense


@functools.cache
def _char_em(ch: str) -> float:
    """Advance width of one character in em, from the bundled font (0.6 em if it cannot be read)."""
    try:
        from matplotlib.ft2font import FT2Font

        from talentforecast.report.fonts import cjk_font_path

        font = _font(str(cjk_font_path()), FT2Font)
        font.set_text(ch)
        return font.get_width_height()[0] / 64 / 100
    except (ImportError, OSError, RuntimeError):  # no font: a generous average, never fatal
        return 0.6


@functools.cache
def _font(path: str, cls):
    font = cls(path)
    font.set_size(100, 72)  # 100 pt at 72 dpi: widths in 1/64 px = 1/100 em
    return font


def _word_mm(text: object, bold: bool = False, pt: float = 8) -> float:
    """Width in mm of the longest unbreakable word of ``text`` at ``pt`` points: Latin words (a
    line may break after a hyphen, so "Matched-employment" is two words; "333–370" is one) and,
    in a header (``bold``), the first four characters of each run of Chinese."""
    words = re.findall(r"[A-Za-z0-9/%.,–<>]+-?", str(text))  # "<>": a probability reads ">99%"
    if bold:  # a Chinese header keeps up to four characters on a line: 专业代码, not 专业代/码
        words += [w[:4] for w in re.findall(r"[\u3400-\u9fff]+", str(text))]
    if not words:
        return 0.0
    # 3% for kerning and rounding; bold headers are synthesised a little wider
    return max(sum(_char_em(ch) for ch in w) for w in words) * _EM_MM * pt / 8 * (1.06 if bold else 1.03)


def _fit(weights: list[float], headers: list[str], cells: list[tuple]) -> tuple[list[float], bool]:
    """Column widths (%) of a table and whether it is set dense (7 pt, narrow cell padding): dense
    when at 8 pt the columns' longest words alone would take more than 90% of the width (the
    10–11-column warning lists), so that no word breaks and the reason column keeps room."""
    for dense in (False, True):
        pt, pad = (7.0, _DENSE_PAD_MM) if dense else (8.0, _CELL_PAD_MM)
        need = [max(_word_mm(h, bold=True, pt=pt), *(_word_mm(v, pt=pt) for v in col)) + pad
                for h, col in zip(headers, cells, strict=True)]
        need[0] += _STRIPE_MM
        if sum(need) <= _DENSE_ABOVE * _TABLE_MM:
            break
    return column_widths(weights, need), dense


def column_widths(weights: Sequence[float], min_mm: Sequence[float], total_mm: float = _TABLE_MM) -> list[float]:
    """Column widths in % of the table: shares of ``weights``, but no column narrower than
    ``min_mm`` (its longest word and padding), so no word breaks inside unless the words alone
    overflow the table.

    Example:
        >>> column_widths([1, 1, 4], [33.6, 0, 0])
        [19.5, 16.1, 64.4]
    """
    need = list(min_mm)
    if sum(need) >= total_mm:  # the words alone do not fit: share by need, breaks are unavoidable
        return [round(100 * n / sum(need), 1) for n in need]
    fixed: dict[int, float] = {}
    while True:  # give each column its share; pin the ones below their need and re-share the rest
        free = total_mm - sum(fixed.values())
        rest = [i for i in range(len(weights)) if i not in fixed]
        share = {i: free * weights[i] / sum(weights[j] for j in rest) for i in rest}
        short = {i: need[i] for i in rest if share[i] < need[i]}
        if not short:
            mm = [fixed.get(i, share.get(i, 0.0)) for i in range(len(weights))]
            return [round(100 * w / total_mm, 1) for w in mm]
        fixed.update(short)


def fmt_number(value: object, column: str = "") -> str:
    """Format one cell deterministically: counts ``12,345``, ratios ``0.93``, rates ``61.2%``.

    Example:
        >>> fmt_number(12345.4, "supply"), fmt_number(0.926, "ratio_sd"), fmt_number(0.6123, "employment_rate")
        ('12,345', '0.93', '61.2%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "—"
    if isinstance(value, str):
        return value
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(x):  # e.g. D/S with zero supply
        return "∞" if x > 0 else "−∞"
    col = column.lower()
    if col in _COUNT_INT or col.endswith("_year"):
        return str(int(round(x)))
    if any(p in col for p in _WHOLE_PERCENT):
        text = probability_text(x)  # ">99%" / "<1%" at the ends: never shown as certain
    elif any(p in col for p in _PERCENT):
        text = f"{x:.1%}"
    elif any(p in col for p in _DECIMAL):
        text = f"{x:.2f}"
    else:
        text = f"{x:,.0f}"
    # a tiny negative that rounds to zero prints as "0.00", not "-0.00"
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def fmt_range(lo: object, hi: object, column: str = "") -> str:
    """``lo–hi`` with both ends formatted like ``column``; ``—`` when either is missing."""
    a, b = fmt_number(lo, column), fmt_number(hi, column)
    return "—" if "—" in (a, b) else f"{a}–{b}"


def _names() -> dict[str, dict[str, str]]:
    """Code → name for specialties, industries and occupations, from the bundled catalogues."""
    out: dict[str, dict[str, str]] = {"specialty": {}, "industry": {}, "occupation": {}}
    try:
        from talentforecast import catalogs

        out["specialty"] = dict(zip(*catalogs.specialties()[["specialty", "specialty_name"]].T.values,
                                    strict=True))
        out["industry"] = dict(zip(*catalogs.industries()[["industry", "industry_name"]].T.values,
                                   strict=True))
        occ = catalogs.specialty_occupation()[["occupation", "occupation_name"]].drop_duplicates("occupation")
        out["occupation"] = dict(zip(occ["occupation"], occ["occupation_name"], strict=True))
    except (ImportError, AttributeError):  # catalogue loaders not available: codes only
        pass
    return out


@functools.cache
def _industry_en() -> dict[str, str]:
    """English industry names: official NBS names of the GB/T 4754 sections (report data) and
    unofficial translations of the 97 divisions (catalogue data, each with its ISIC Rev.4
    counterpart and a ``basis`` note)."""
    from importlib import resources

    path = resources.files("talentforecast.report") / "data" / "industry_names_en.csv"
    df = pd.read_csv(path.open(encoding="utf-8"), dtype=str)
    out = dict(zip(df["industry"], df["industry_name_en"], strict=True))
    path = resources.files("talentforecast.catalogs") / "data" / "gbt4754" / "gbt4754_2017_divisions_en.csv"
    df = pd.read_csv(path.open(encoding="utf-8"), dtype=str)
    return out | dict(zip(df["division"], df["name_en"], strict=True))


class Builder:
    """Holds what every section needs: tables, text, settings, focus region and years, counters."""

    def __init__(self, tables: dict[str, pd.DataFrame], lang: str, meta: dict, settings: dict):
        self.tables = {k: v for k, v in tables.items() if v is not None}
        self.s = Strings(lang)
        self.lang = lang
        self.meta = meta
        self.settings = settings
        self.names = _names()
        self.region = self._focus_region()
        self.base_year, self.target_year = self._years()
        self.match_year = self._match_year()
        self.n_fig = 0
        self.n_tab = 0
        self.n_annex = 0  # annex tables are numbered on their own, A1, A2, … in the order they appear
        self.appendix: list[dict] = []
        self.lists: list[dict] = []  # mandated lists, complete, for the report workbook

    # ---- table access -------------------------------------------------------------------
    def get(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` restricted to the focus region (if it has a region column), or None."""
        df = self.tables.get(name)
        if df is None or df.empty:
            return None
        if "region" in df.columns and self.region is not None:
            df = df[df["region"].astype(str) == self.region]
        return df if not df.empty else None

    def baseline(self, df: pd.DataFrame) -> pd.DataFrame:
        return df[df["scenario"] == "baseline"] if "scenario" in df.columns else df

    def offered(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows for the specialties the warnings cover (those the region offers), so that counts
        agree with the warnings table; all rows when there is no warnings table."""
        w = self.get("warnings")
        if w is None or not {"specialty", "level"} <= set(df.columns):
            return df
        keys = pd.MultiIndex.from_frame(w[["specialty", "level"]].astype(str))
        mine = pd.MultiIndex.from_frame(df[["specialty", "level"]].astype(str))
        return df[mine.isin(keys)]

    def sections_only(self, df: pd.DataFrame) -> pd.DataFrame:
        """Keep GB/T 4754 sections when the table mixes sections and divisions (no double counting)."""
        if "industry" not in df.columns:
            return df
        is_section = df["industry"].astype(str).str.fullmatch(r"[A-Z]")
        return df[is_section] if is_section.any() else df

    def name(self, kind: str, code: object) -> str:
        """The name of a code; industries in the report language (official NBS English names of
        GB/T 4754 sections, unofficial translations of divisions; a code in neither prints as
        "Division 13")."""
        if kind == "industry":
            return self.industry_name(code)
        return self.names.get(kind, {}).get(str(code), "")

    def industry_name(self, code: object) -> str:
        code = str(code)
        if self.lang == "zh":
            return self.names["industry"].get(code, "")
        return _industry_en().get(code) or (f"Division {code}" if code.isdigit() else "")

    def add_names(self, df: pd.DataFrame) -> pd.DataFrame:
        """Add ``*_name`` columns for code columns that lack them."""
        df = df.copy()
        for kind in ("industry", "specialty", "occupation"):
            if kind in df.columns and f"{kind}_name" not in df.columns:
                df[f"{kind}_name"] = [self.name(kind, c) for c in df[kind]]
        return df

    # ---- focus region and years ---------------------------------------------------------
    def _focus_region(self) -> str | None:
        if self.meta.get("region") is not None:
            return str(self.meta["region"])
        regions = self.tables.get("regions")
        if regions is not None and "parent" in regions.columns:
            top = sorted(regions.loc[regions["parent"].isna() | (regions["parent"].astype(str) == ""),
                                     "region"].astype(str))
        else:
            seen: set[str] = set()
            for df in self.tables.values():
                if "region" in df.columns:
                    seen |= set(df["region"].astype(str))
            top = sorted(seen)
        if len(top) > 1:
            raise InputError([Problem("regions", "parent", None, top,
                                      "one planning region (no parent), or meta['region'] naming "
                                      "the region to report on",
                                      "只有一个规划地区（没有上级 parent），或在 meta['region'] 中"
                                      "写明报告针对哪个地区")])
        return top[0] if top else None

    def _years(self) -> tuple[int | None, int | None]:
        base, target = self.meta.get("base_year"), self.meta.get("target_year")
        for name in ("employment_forecast", "supply", "matches", "specialty_demand"):
            df = self.tables.get(name)
            if df is None or df.empty or "year" not in df.columns:
                continue
            if base is None and "observed" in df.columns and df["observed"].any():
                base = int(df.loc[df["observed"].astype(bool), "year"].max())
            if target is None:
                target = int(df["year"].max())
        return (None if base is None else int(base)), (None if target is None else int(target))

    def _match_year(self) -> int | None:
        """The year the match section and its key figures describe: ``meta['match_year']``, else
        the year the warnings read the projected S/D ratio in, else the last forecast year."""
        if self.meta.get("match_year") is not None:
            return int(self.meta["match_year"])
        w = self.get("warnings")
        if w is not None and "reasons" in w.columns:
            years: list[int] = []
            for raw in w["reasons"].dropna().unique():
                try:
                    items = json.loads(raw)
                except (TypeError, ValueError):
                    continue
                years += [int(y) for r in items if str(r.get("indicator", "")).startswith("ratio_sd")
                          for y in (r.get("years") or [])]
            if years:
                return max(set(years), key=years.count)
        return self.target_year

    # ---- blocks -------------------------------------------------------------------------
    def para(self, text: str) -> dict:
        return {"kind": "para", "text": text}

    def subheading(self, text: str) -> dict:
        return {"kind": "subheading", "text": text}

    def missing(self, *names: str) -> dict:
        what = "、".join if self.lang == "zh" else ", ".join
        return {"kind": "missing", "text": self.s("missing", what=what([self.s.get("what", n) for n in names]))}

    def figure(self, caption: str, png: bytes) -> dict:
        self.n_fig += 1
        return {
            "kind": "figure",
            "id": f"fig-{self.n_fig}",
            "caption": f"{self.s('figure')} {self.n_fig}  {caption}",
            "png": png,
            "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        }

    def table(
        self,
        caption: str,
        df: pd.DataFrame,
        columns: Sequence[str],
        *,
        headers: dict[str, str] | None = None,
        row_class: Sequence[str] | None = None,
        top_n: int | None = None,
        appendix: bool = True,
        full: str | None = None,
        raw: pd.DataFrame | None = None,
    ) -> list[dict]:
        """Table block(s): the first ``top_n`` rows in the body, more rows in the appendix.

        ``full`` names a mandated list (a sheet of the report workbook): its annex table holds
        every row, never capped, and the workbook sheet holds the same rows (``raw`` gives
        the unformatted values, codes as text, default ``df``)."""
        top_n = self.settings["top_n"] if top_n is None else top_n
        self.n_tab += 1
        number = self.n_tab
        columns = [c for c in columns if c in df.columns]
        headers = {c: (headers or {}).get(c) or self.s.column(c) for c in columns}
        classes = list(row_class) if row_class is not None else [""] * len(df)
        total = len(df)
        body = self._table_block(f"{self.s('table')} {number}  {caption}", df.head(top_n), columns,
                                 headers, classes[:top_n])
        if full:
            self.lists.append({"sheet": full, "title": caption, "headers": [headers[c] for c in columns],
                               "columns": columns, "df": (df if raw is None else raw).reset_index(drop=True)})
        if total > top_n and full and not appendix:  # the complete list is another annex table
            body["note"] = self.s("top_n_note_sheet", n=top_n, total=total, sheet=full)
        elif total > top_n and appendix:
            cap = None if full else self.settings["appendix_max_rows"]
            annex = self._annex_number()
            body["note"] = self.s("top_n_note_full" if full else "top_n_note", n=top_n, total=total, annex=annex,
                                  sheet=full or "")
            if cap is None:
                rows, cls, title = df, classes, caption
            else:  # a continuation: the rows after the body's, never the body's rows again
                rows, cls = df.iloc[top_n:cap], classes[top_n:cap]
                title = self.s("continued", caption=caption, number=number, first=top_n + 1,
                               last=top_n + len(rows))
            annex_block = self._table_block(f"{self.s('table')} {annex}  {title}", rows, columns, headers, cls)
            annex_block["complete"] = bool(full)
            if cap is not None and total > cap:
                annex_block["note"] = self.s("truncated_note", n=cap, total=total)
            elif full:
                annex_block["note"] = self.s("complete_note", total=total, sheet=full)
            self.appendix.append(annex_block)
        elif full:
            body["note"] = self.s("complete_note", total=total, sheet=full)
        return [body]

    def annex_only(self, caption: str, df: pd.DataFrame, columns: Sequence[str], *, full: str,
                   row_class: Sequence[str] | None = None) -> str:
        """A complete list that appears only in the annex (and the workbook); returns its number."""
        number = self._annex_number()  # an annex-only list takes no number of the body's
        columns = [c for c in columns if c in df.columns]
        headers = {c: self.s.column(c) for c in columns}
        block = self._table_block(f"{self.s('table')} {number}  {caption}", df, columns, headers,
                                  list(row_class) if row_class is not None else [""] * len(df))
        block["note"] = self.s("complete_note", total=len(df), sheet=full)
        block["complete"] = True
        self.appendix.append(block)
        self.lists.append({"sheet": full, "title": caption, "headers": [headers[c] for c in columns],
                           "columns": columns, "df": df.reset_index(drop=True)})
        return number

    def _annex_number(self) -> str:
        """The next annex table number: A1, A2, … without gaps (not the body table's number, which
        would leave gaps wherever a body table has no annex part)."""
        self.n_annex += 1
        return f"A{self.n_annex}"

    def _table_block(self, caption, df, columns, headers, classes) -> dict:
        rows = [[fmt_number(v, c) for c, v in zip(columns, rec, strict=True)]
                for rec in df[columns].itertuples(index=False, name=None)]
        numeric = [pd.api.types.is_numeric_dtype(df[c]) and c not in ("year",) for c in columns]
        cells = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        widths, dense = _fit([_WIDTH.get(c, 1.3) for c in columns], [headers[c] for c in columns], cells)
        return {"kind": "table", "caption": caption, "header": [headers[c] for c in columns],
                "columns": list(columns), "rows": rows, "row_class": list(classes),
                "numeric": numeric, "widths": widths, "dense": dense, "note": "", "complete": False}
