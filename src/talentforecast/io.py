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

from talentforecast._rawread import read_csv_cells, read_parquet_cells, read_xlsx_cells
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
    "yuan per year": {"元": 1, "万元": 10_000},
    "yuan per month": {"元": 1},
}
# a key cell holding one of these is a total row, which would be counted twice
TOTAL_MARKERS = frozenset({"合计", "总计", "小计", "共计", "总数", "全部", "total", "subtotal", "grandtotal", "sum", "all"})
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
    raw = unicodedata.normalize("NFKC", str(cell)).strip()
    m = _UNIT_RE.search(raw)
    return (_UNIT_RE.sub("", raw), m.group(1).replace("％", "%")) if m else (raw, None)


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


def _clean_code(v: object, col: Column) -> tuple[object, str | None, str | None]:
    """One text cell → (value, normalisation note, problem text). Codes are never guessed silently."""
    if _blank(v):
        return None, None, None
    is_code = col.name in _CODE_COLUMNS
    if isinstance(v, (_dt.date, _dt.time, pd.Timestamp)):
        if is_code:
            return None, None, "a code stored as text (Excel turned it into a date: format the column as text)"
        return str(v), None, None
    note = None
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        if not math.isfinite(float(v)) or float(v) != int(v):
            return None, None, f"a code, not the number {v!r}"
        v, note = str(int(v)), "code stored as a number in the file (read as text)"
    text = unicodedata.normalize("NFKC", str(v)).strip()
    if re.fullmatch(r"\d+\.0+", text):
        text, note = text.split(".")[0], "trailing '.0' removed from a code read as a number"
    if is_code and re.fullmatch(r"[+-]?\d(\.\d+)?[eE][+-]?\d+", text):
        return None, None, ("the code written out in full; Excel shortened it to scientific notation "
                            "(format the column as text and re-enter it)")
    if is_code and re.sub(r"\s+", "", text).lower() in TOTAL_MARKERS:
        return None, None, "a data row, not a total row (remove 合计/小计 rows: they would be counted twice)"
    if col.code == "level":
        text = LEVEL_ALIASES.get(text, text)
    if col.code == "industry":
        if re.fullmatch(r"[a-t]", text):
            text, note = text.upper(), "lower-case GB/T 4754 section letter upper-cased"
        elif re.fullmatch(r"[1-9]", text):
            text, note = "0" + text, "1-digit GB/T 4754 division code: leading zero restored"
    if col.name == "occupation" and re.fullmatch(r"\d{2,}", text):
        return None, None, "an occupation code with its dashes, e.g. 4-01-06-01 (the dashes were lost)"
    return text, note, None


def _note(notes: list[dict], file: str, column: str | None, text: str, rows: int | None = None) -> None:
    entry: dict = {"file": file, "column": column, "normalisation": text}
    if rows is not None:
        entry["rows"] = int(rows)
    notes.append(entry)


def _unit_factor(col: Column, unit: str | None, source: str, file: str, header_row: int,
                 problems: list[Problem], notes: list[dict]) -> float:
    if unit is None or (unit == "人" and col.unit == "persons") or (unit == "万元" and col.unit.endswith("(万元)")):
        return 1.0
    factors = _UNIT_FACTORS.get(col.unit, {})
    if unit not in factors:
        problems.append(Problem(file, col.name, header_row, unit,
                                f"a unit of {col.unit} for {col.name} (one of {', '.join(factors) or col.unit})"))
        return 1.0
    factor = factors[unit]
    if factor != 1:
        _note(notes, file, col.name, f"{unit} ({source}) converted to {col.unit} (×{factor:g})")
    return factor


def _coerce(body: pd.DataFrame, spec: Table, units: dict[str, tuple[str, str]], file: str, header_row: int,
            row_of: np.ndarray, problems: list[Problem], notes: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(index=body.index)
    for col in spec.columns:
        if col.name not in body.columns:
            continue
        values = body[col.name].to_numpy()
        counts: dict[str, int] = {}
        if col.dtype == "str":
            cleaned = []
            for i, v in enumerate(values):
                text, note, bad = _clean_code(v, col)
                if bad:
                    problems.append(Problem(file, col.name, int(row_of[i]), v, bad))
                elif note:
                    counts[note] = counts.get(note, 0) + 1
                if text is None and bad is None and col.required:
                    hint = " (a merged cell? unmerge it and fill every row)" if i and col.name in spec.key else ""
                    problems.append(Problem(file, col.name, int(row_of[i]), "", f"a non-empty value{hint}"))
                cleaned.append(text)
            out[col.name] = pd.Series(cleaned, index=body.index, dtype=object)
        else:
            parsed = np.full(len(values), np.nan)
            for i, v in enumerate(values):
                try:
                    num, note = _parse_number(v)
                except ValueError:
                    problems.append(Problem(file, col.name, int(row_of[i]), v, f"a finite number ({col.unit})"))
                    continue
                if num is None:
                    if col.required:
                        problems.append(Problem(file, col.name, int(row_of[i]), "", f"a number ({col.unit}), not blank"))
                    continue
                if note:
                    counts[note] = counts.get(note, 0) + 1
                parsed[i] = num
            unit, source = units.get(col.name, (None, ""))
            parsed = parsed * _unit_factor(col, unit, source, file, header_row, problems, notes)
            limit = 2.0**53 if col.dtype == "int" else np.finfo(float).max
            for i in np.flatnonzero(np.abs(np.nan_to_num(parsed, nan=0.0)) >= limit):
                problems.append(Problem(file, col.name, int(row_of[i]), values[i], f"a number of plausible size ({col.unit})"))
                parsed[i] = np.nan
            if col.dtype == "int" or col.unit == "persons":
                with np.errstate(invalid="ignore"):
                    frac = np.abs(parsed - np.round(parsed))
                for i in np.flatnonzero(frac > 1e-6):
                    problems.append(Problem(file, col.name, int(row_of[i]), values[i], "a whole number"))
                if col.unit == "persons":  # unit conversions leave float dust such as 50.000000000000014
                    parsed = np.round(parsed)
            if col.dtype == "int":
                out[col.name] = pd.array(np.where(np.isnan(parsed), pd.NA, np.round(parsed)), dtype="Int64")
            else:
                out[col.name] = parsed
        for note, n in sorted(counts.items()):
            _note(notes, file, col.name, note, n)
    return out


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
               max_xlsx_bytes: int = MAX_XLSX_BYTES) -> pd.DataFrame:
    """Read one input table, map its columns to canonical names and validate every row.

    Raises one :class:`InputError` listing every problem (file, column, row, value, expected);
    no other exception escapes for any file content. ``max_xlsx_bytes`` refuses larger XLSX files.

    Example:
        >>> import talentforecast as tf, pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "employment.csv"
        >>> _ = p.write_text("地区,行业代码,年份,就业人数\\n990101,C,2023,1200\\n", encoding="utf-8")
        >>> tf.read_table(p, "employment")[["region", "industry", "year", "employed"]].to_dict("records")
        [{'region': '990101', 'industry': 'C', 'year': 2023, 'employed': 1200.0}]
    """
    return _read_table(path, kind, check_codes=check_codes, max_xlsx_bytes=max_xlsx_bytes)[0]


def _read_cells(path: Path, file: str, max_xlsx_bytes: int, notes: list[dict]) -> pd.DataFrame:
    """The file's cells, index = 0-based line/row; reading notes appended to ``notes``."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw, sheets, blank = read_xlsx_cells(path, file, max_xlsx_bytes)
        if len(sheets) > 1:
            _note(notes, file, None, f"read the first sheet '{sheets[0]}' of {len(sheets)} ({', '.join(sheets[1:])} ignored)")
    elif suffix == ".parquet":
        raw, blank = read_parquet_cells(path, file), 0
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError([Problem(file, None, None, None, f"a readable file ({exc.strerror})")]) from exc
        raw, encoding, blank = read_csv_cells(data, file)
        if encoding != "utf-8-sig":
            _note(notes, file, None, f"decoded as {encoding}")
    if blank:
        _note(notes, file, None, "blank rows skipped", blank)
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


def _read_table(path: str | Path, kind: str, *, check_codes: bool = True,
                max_xlsx_bytes: int = MAX_XLSX_BYTES) -> tuple[pd.DataFrame, np.ndarray]:
    path = Path(path)
    file = str(path)
    if kind not in TABLES:
        raise InputError(f"unknown table kind {kind!r}; expected one of {sorted(TABLES)}", file=file)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "an existing file")])
    spec = TABLES[kind]
    notes: list[dict] = []
    raw = _read_cells(path, file, max_xlsx_bytes, notes)
    if raw.empty:
        raise InputError([Problem(file, None, None, None, "a header row and at least one data row")])
    header_at, span, header, groups = _locate_header(raw, spec)
    header_line = int(raw.index[header_at]) + 1
    names, unit_pos, dups = _match_header(header, spec)
    missing = [c for c in spec.required if c not in names.values()]
    if missing or dups:
        found = [str(c) for c in header if not _blank(c)]
        raise InputError([Problem(file, p.column, header_line, p.value, p.expected) for p in dups] + [
            Problem(file, c, header_line, None,
                    f"a column '{c}' (or an alias: {', '.join(spec.column(c).aliases) or '-'}); found {found}")
            for c in missing
        ])
    if header_at > 0:
        _note(notes, file, None, f"skipped {header_at} title row(s) above the header", header_at)
    if span == 2:
        _note(notes, file, None, f"two-row header (merged cells) on rows {header_line}-{header_line + 1} flattened")
    ignored = [str(c).strip() for p, c in enumerate(header) if p not in names and not _blank(c)]
    if ignored:
        _note(notes, file, None, f"columns not in the '{kind}' contract ignored: {', '.join(ignored)}")
    body_raw = raw.iloc[header_at + span:]
    footnotes = _trailing_footnotes(body_raw)
    if footnotes:
        body_raw = body_raw.iloc[: len(body_raw) - footnotes]
        _note(notes, file, None, "footnote rows (注/资料来源…) below the table skipped", footnotes)
    row_of = body_raw.index.to_numpy().astype(int) + 1
    problems: list[Problem] = []
    unnamed = [p for p in range(len(header)) if _blank(header[p])]
    if unnamed:
        stray = body_raw.iloc[:, unnamed].map(lambda v: not _blank(v)).any(axis=1).to_numpy()
        for i in np.flatnonzero(stray)[:200]:
            problems.append(Problem(file, None, int(row_of[i]), [v for v in body_raw.iloc[i, unnamed] if not _blank(v)],
                                    "no values outside the header's columns (this row has more fields than the header)"))
    body = body_raw.iloc[:, list(names)].copy()
    body.columns = [names[p] for p in names]
    body = body.reset_index(drop=True)
    if body.empty:
        raise InputError([Problem(file, None, None, None, "at least one data row below the header")])
    units = _column_units(spec, names, unit_pos, groups, _title_unit(raw, header_at))
    df = _coerce(body, spec, units, file, header_line, row_of, problems, notes)
    already = {(p.column, p.row) for p in problems}
    problems += _pandera_problems(df, spec, file, row_of, already)
    from talentforecast.validation import check_codes as _check_codes
    from talentforecast.validation import check_rules

    problems += check_rules(df, spec, file, row_of)
    if check_codes:
        problems += _check_codes(df, spec, file, row_of)
    if problems:
        raise InputError(problems)
    df.attrs["source"] = file
    df.attrs["rows_read"] = len(df)
    df.attrs["normalisations"] = notes
    return df, row_of


def find_table_files(folder: str | Path) -> dict[str, Path]:
    """Files in ``folder`` named after a table kind (``employment.csv``, ``outcomes.xlsx`` …)."""
    folder = Path(folder)
    found: dict[str, Path] = {}
    for kind in TABLES:
        for suffix in _SUFFIXES:
            candidate = folder / f"{kind}{suffix}"
            if candidate.is_file():
                found[kind] = candidate
                break
    return found


def read_folder(folder: str | Path, meta: dict | None = None, check_codes: bool = True,
                max_xlsx_bytes: int = MAX_XLSX_BYTES):
    """Read and validate every table file in a folder into a :class:`~talentforecast.bundle.Bundle`.

    Problems from all files are collected into one :class:`InputError`.

    Example:
        >>> import talentforecast as tf
        >>> from talentforecast.datasets import example_dir
        >>> b = tf.read_folder(example_dir())
        >>> "employment" in b.tables
        True
    """
    from talentforecast.bundle import REQUIRED_TABLES, Bundle

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), None, None, None, "an existing folder of input tables")])
    files = find_table_files(folder)
    problems: list[Problem] = [
        Problem(str(folder / f"{kind}.csv"), None, None, None,
                f"a '{kind}' table ({TABLES[kind].title_zh}) as {kind}.csv, .xlsx or .parquet")
        for kind in REQUIRED_TABLES if kind not in files
    ]
    tables: dict[str, pd.DataFrame] = {}
    lines: dict[str, np.ndarray] = {}
    for kind, path in files.items():
        try:
            tables[kind], lines[kind] = _read_table(path, kind, check_codes=check_codes, max_xlsx_bytes=max_xlsx_bytes)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    from talentforecast.validation import check_bundle

    check_bundle(tables, lines)
    return Bundle(tables=tables, meta=dict(meta or {}), sources={k: str(p) for k, p in files.items()})
