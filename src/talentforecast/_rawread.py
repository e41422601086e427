"""Raw cell grids from CSV, XLSX and Parquet files, before any header or type handling.

Every reader returns a DataFrame of untyped cells whose index is the 0-based line (CSV) or
sheet row (XLSX) of each record, so problems can name the row a user sees in their editor.
Anything that cannot be read becomes an :class:`~talentforecast.errors.InputError`.
"""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pandas as pd

from talentforecast.errors import InputError, Problem

_DELIMITERS = (",", "\t", ";", "|")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other OLE files


def _problem(file: str, expected: str, value: object = None) -> InputError:
    return InputError([Problem(file, None, None, value, expected)])


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, then GBK/GB18030."""
    if data.startswith(_ZIP_MAGIC):
        raise _problem(file, "a CSV text file; this is a ZIP/XLSX workbook: name it .xlsx")
    if data.startswith(_OLE_MAGIC):
        raise _problem(file, "a CSV or .xlsx file; this is an old .xls (Excel 97-2003) workbook: "
                             "save it as .xlsx or CSV UTF-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _problem(file, "text encoded as UTF-8, UTF-16 (with BOM) or GBK/GB18030")


def _delimiter(lines: list[str]) -> str:
    """The candidate delimiter that splits the most of the first lines into the most fields."""
    best, best_score = ",", 0
    for d in _DELIMITERS:
        counts = sorted((line.count(d) for line in lines if line.strip()), reverse=True)
        score = sum(counts[: max(1, len(counts) // 2)])  # robust to title rows with no delimiter
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv_cells(data: bytes, file: str) -> tuple[pd.DataFrame, str, int]:
    """Cells of a CSV file as text; index = 0-based line where each record starts.

    Returns the grid, the encoding used and the number of blank lines skipped.
    """
    text, encoding = decode(data, file)
    if not text.strip():
        raise _problem(file, "a header row and at least one data row")
    sep = _delimiter(text.splitlines()[:30])
    reader = csv.reader(StringIO(text, newline=""), delimiter=sep)
    rows: list[list[str]] = []
    starts: list[int] = []
    blank = 0
    prev_end = 0
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                starts.append(prev_end)  # 0-based line of the record's first line
            else:
                blank += 1
            prev_end = reader.line_num
    except csv.Error as exc:
        raise InputError([Problem(file, None, reader.line_num, None, f"well-formed CSV ({exc})")]) from exc
    if not rows:
        raise _problem(file, "a header row and at least one data row (every line is blank)")
    width = max(len(r) for r in rows)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], index=starts, dtype=object)
    return grid, encoding, blank


def read_xlsx_cells(path: Path, file: str, max_bytes: int) -> tuple[pd.DataFrame, list[str], int]:
    """Cells of the first sheet; index = 0-based sheet row. Also the sheet names and blank rows skipped."""
    size = path.stat().st_size
    if size > max_bytes:
        raise _problem(file, f"an XLSX file of at most {max_bytes} bytes (raise max_xlsx_bytes to allow it)",
                       f"{size} bytes")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        raise _problem(file, "an .xlsx workbook; this is an old .xls (Excel 97-2003) file: save it as .xlsx")
    if not head.startswith(_ZIP_MAGIC):
        raise _problem(file, "an .xlsx workbook (a ZIP file); this file is not one")
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = [str(s) for s in book.sheet_names]
            raw = book.parse(0, header=None, dtype=object)
    except Exception as exc:  # openpyxl and zipfile raise many unrelated types on corrupt files
        raise InputError(f"cannot read as XLSX: {type(exc).__name__}: {exc}", file=file) from exc
    blank_mask = raw.isna().all(axis=1) | raw.map(lambda v: isinstance(v, str) and not v.strip()).all(axis=1)
    return raw[~blank_mask], sheets, int(blank_mask.sum())


def read_parquet_cells(path: Path, file: str) -> pd.DataFrame:
    """A Parquet table as a cell grid whose first row is the column names."""
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types on corrupt files
        raise InputError(f"cannot read as Parquet: {type(exc).__name__}: {exc}", file=file) from exc
    header = pd.DataFrame([[str(c) for c in df.columns]], dtype=object)
    body = pd.DataFrame(df.to_numpy(dtype=object))
    return pd.concat([header, body], ignore_index=True)
