"""Reading input tables: CSV (UTF-8, UTF-8 with BOM, GBK), XLSX and Parquet.

Column names are mapped from their Chinese or English aliases to the canonical names of
:data:`talentforecast.schema.TABLES`, every value is checked, and all problems are raised
together as one :class:`~talentforecast.errors.InputError` naming file, column, row and value.
Harmless normalisations (thousands separators, full-width digits, "2020年", 万人 units) are
applied and recorded in ``df.attrs["normalisations"]`` so the run manifest can report them.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from talentforecast.errors import InputError, Problem
from talentforecast.schema import LEVEL_ALIASES, TABLES, Table, pandera_schema

MAX_XLSX_BYTES = 50 * 1024 * 1024
_HEADER_SCAN_ROWS = 15
_UNIT_RE = re.compile(r"[（(]\s*(万人|人|万元|元|亿元|%|％)\s*[)）]\s*$")
_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")


def _norm_name(name: object) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"\s+", "", text)


def _alias_map(spec: Table) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in spec.columns:
        for alias in (col.name, *col.aliases):
            out.setdefault(_norm_name(alias), col.name)
    return out


def _match_header(cells: list[object], spec: Table) -> tuple[dict[int, str], dict[int, str]]:
    """Map column positions to canonical names; also return each position's unit suffix."""
    aliases = _alias_map(spec)
    names: dict[int, str] = {}
    units: dict[int, str] = {}
    for pos, cell in enumerate(cells):
        raw = unicodedata.normalize("NFKC", str(cell)).strip()
        unit_match = _UNIT_RE.search(raw)
        base = _UNIT_RE.sub("", raw) if unit_match else raw
        key = _norm_name(base)
        if key in aliases and aliases[key] not in names.values():
            names[pos] = aliases[key]
            if unit_match:
                units[pos] = unit_match.group(1)
    return names, units


def _read_raw(path: Path, max_xlsx_bytes: int) -> tuple[pd.DataFrame, str]:
    """Read every cell as text with no header; return the frame and the encoding used."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        size = path.stat().st_size
        if size > max_xlsx_bytes:
            raise InputError(
                [Problem(str(path), None, None, f"{size} bytes",
                         f"an XLSX file of at most {max_xlsx_bytes} bytes (raise max_xlsx_bytes to allow it)")]
            )
        try:
            raw = pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many unrelated types on corrupt files
            raise InputError(f"cannot read as XLSX: {exc}", file=str(path)) from exc
        return raw, "xlsx"
    if suffix == ".parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as exc:
            raise InputError(f"cannot read as Parquet: {exc}", file=str(path)) from exc
        header = pd.DataFrame([list(df.columns)], dtype=object)
        body = pd.DataFrame(df.to_numpy(dtype=object))
        return pd.concat([header, body], ignore_index=True), "parquet"
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("cannot decode: expected UTF-8 or GBK/GB18030 text", file=str(path))
    if not text.strip():
        raise InputError([Problem(str(path), None, None, None, "a header row and at least one data row")])
    from io import StringIO

    try:
        raw = pd.read_csv(StringIO(text), header=None, dtype=str, keep_default_na=False,
                          skip_blank_lines=True, sep=None, engine="python")
    except Exception as exc:
        raise InputError(f"cannot parse as CSV: {exc}", file=str(path)) from exc
    return raw, encoding


def _locate_header(raw: pd.DataFrame, spec: Table, file: str) -> int:
    """Index of the header row: the first of the top rows naming most required columns."""
    best, best_hits = 0, -1
    for i in range(min(_HEADER_SCAN_ROWS, len(raw))):
        names, _ = _match_header(list(raw.iloc[i]), spec)
        hits = sum(1 for n in names.values() if n in spec.required)
        if hits > best_hits:
            best, best_hits = i, hits
        if hits == len(spec.required):
            return i
    return best


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")


def _parse_number(value: object) -> tuple[float | None, str | None]:
    """Parse one cell; return (number or None for blank, normalisation applied or None)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None, None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value), None
    text = str(value).strip()
    if text == "" or text.lower() in ("nan", "na", "null", "none"):
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
    try:
        return float(converted), note
    except ValueError:
        raise ValueError(text) from None


def _coerce(body: pd.DataFrame, spec: Table, units: dict[str, str], file: str,
            row_of: np.ndarray, problems: list[Problem], notes: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(index=body.index)
    for col in spec.columns:
        if col.name not in body.columns:
            continue
        values = body[col.name]
        if col.dtype == "str":
            text = values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                              else unicodedata.normalize("NFKC", str(v)).strip())
            text = text.map(lambda v: v[:-2] if isinstance(v, str) and re.fullmatch(r"\d+\.0", v) else v)
            if col.code == "level":
                text = text.map(lambda v: LEVEL_ALIASES.get(v, v) if v else v)
            blanks = text.isna() | (text == "")
            if col.required:
                for i in np.flatnonzero(blanks.to_numpy()):
                    problems.append(Problem(file, col.name, int(row_of[i]), "", "a non-empty value"))
            out[col.name] = text.where(~blanks, None).astype(object)
            continue
        parsed = np.full(len(values), np.nan)
        seen_notes: set[str] = set()
        for i, v in enumerate(values.to_numpy()):
            try:
                num, note = _parse_number(v)
            except ValueError:
                problems.append(Problem(file, col.name, int(row_of[i]), v, f"a number ({col.unit})"))
                continue
            if num is None:
                if col.required:
                    problems.append(Problem(file, col.name, int(row_of[i]), "", f"a number ({col.unit}), not blank"))
                continue
            if note:
                seen_notes.add(note)
            parsed[i] = num
        for note in sorted(seen_notes):
            notes.append({"file": file, "column": col.name, "normalisation": note})
        unit = units.get(col.name)
        if unit == "万人":
            parsed = parsed * 10_000
            notes.append({"file": file, "column": col.name, "normalisation": "万人 converted to persons (×10000)"})
        if col.dtype == "int" or col.unit == "persons":
            frac = np.abs(parsed - np.round(parsed))
            for i in np.flatnonzero(frac > 1e-6):
                problems.append(Problem(file, col.name, int(row_of[i]), values.iloc[i], "a whole number"))
        if col.dtype == "int":
            out[col.name] = pd.array(np.where(np.isnan(parsed), pd.NA, np.round(parsed)), dtype="Int64")
        else:
            out[col.name] = parsed
    return out


def _pandera_problems(df: pd.DataFrame, spec: Table, file: str, row_of: np.ndarray,
                      already: set[tuple]) -> list[Problem]:
    try:
        pandera_schema(spec).validate(df, lazy=True)
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


def _rule_problems(df: pd.DataFrame, spec: Table, file: str, row_of: np.ndarray) -> list[Problem]:
    from talentforecast.validation import check_rules

    return check_rules(df, spec, file, row_of)


def read_table(path: str | Path, kind: str, *, check_codes: bool = True,
               max_xlsx_bytes: int = MAX_XLSX_BYTES) -> pd.DataFrame:
    """Read one input table, map its columns to canonical names and validate every row.

    Raises one :class:`InputError` listing every problem (file, column, row, value, expected).

    Example:
        >>> import talentforecast as tf, pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "employment.csv"
        >>> _ = p.write_text("地区,行业代码,年份,就业人数\\n990101,C,2023,1200\\n", encoding="utf-8")
        >>> tf.read_table(p, "employment")[["region", "industry", "year", "employed"]].iloc[0].tolist()
        ['990101', 'C', 2023, 1200.0]
    """
    return _read_table(path, kind, check_codes=check_codes, max_xlsx_bytes=max_xlsx_bytes)[0]


def _read_table(path: str | Path, kind: str, *, check_codes: bool = True,
                max_xlsx_bytes: int = MAX_XLSX_BYTES) -> tuple[pd.DataFrame, np.ndarray]:
    path = Path(path)
    file = str(path)
    if kind not in TABLES:
        raise InputError(f"unknown table kind {kind!r}; expected one of {sorted(TABLES)}", file=file)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "an existing file")])
    spec = TABLES[kind]
    raw, encoding = _read_raw(path, max_xlsx_bytes)
    if encoding == "xlsx":
        raw = raw.dropna(how="all")  # keep the index: it is the Excel row number - 1
    if raw.empty:
        raise InputError([Problem(file, None, None, None, "a header row and at least one data row")])
    header_at = _locate_header(raw, spec, file)
    names, unit_pos = _match_header(list(raw.iloc[header_at]), spec)
    missing = [c for c in spec.required if c not in names.values()]
    if missing:
        found = [str(c) for c in raw.iloc[header_at].tolist()]
        raise InputError([
            Problem(file, c, header_at + 1, None,
                    f"a column '{c}' (or an alias: {', '.join(spec.column(c).aliases) or '-'}); found {found}")
            for c in missing
        ])
    body = raw.iloc[header_at + 1:, list(names)].copy()
    body.columns = [names[p] for p in names]
    # file line numbers: data row i sits on line header_line + 1 + i (1-based)
    row_of = np.arange(len(body)) + header_at + 2
    if encoding == "xlsx":
        row_of = body.index.to_numpy() + 1
    body = body.reset_index(drop=True)
    if body.empty:
        raise InputError([Problem(file, None, None, None, "at least one data row below the header")])
    problems: list[Problem] = []
    notes: list[dict] = []
    if encoding not in ("utf-8-sig", "xlsx", "parquet"):
        notes.append({"file": file, "column": None, "normalisation": f"decoded as {encoding}"})
    if header_at > 0:
        notes.append({"file": file, "column": None, "normalisation": f"skipped {header_at} title row(s) above the header"})
    units = {names[p]: u for p, u in unit_pos.items()}
    df = _coerce(body, spec, units, file, row_of, problems, notes)
    already = {(p.column, p.row) for p in problems}
    problems += _pandera_problems(df, spec, file, row_of, already)
    problems += _rule_problems(df, spec, file, row_of)
    if check_codes:
        from talentforecast.validation import check_codes as _check_codes

        problems += _check_codes(df, spec, file, row_of)
    if problems:
        raise InputError(problems)
    df.attrs["source"] = file
    df.attrs["encoding"] = encoding
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


def read_folder(folder: str | Path, meta: dict | None = None, check_codes: bool = True):
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
            tables[kind], lines[kind] = _read_table(path, kind, check_codes=check_codes)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    from talentforecast.validation import check_bundle

    check_bundle(tables, lines)
    return Bundle(tables=tables, meta=dict(meta or {}), sources={k: str(p) for k, p in files.items()})
