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


def _problem(file: str, expected: str, expected_zh: str, value: object = None) -> InputError:
    return InputError([Problem(file, None, None, value, expected, expected_zh)])


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, then GBK/GB18030."""
    if data.startswith(_ZIP_MAGIC):
        raise _problem(file, "a CSV text file; this is a ZIP/XLSX workbook: name it .xlsx",
                       "CSV 文本文件；这是 ZIP/XLSX 工作簿：请把扩展名改为 .xlsx")
    if data.startswith(_OLE_MAGIC):
        raise _problem(file, "a CSV or .xlsx file; this is an old .xls (Excel 97-2003) workbook: "
                             "save it as .xlsx or CSV UTF-8",
                       "CSV 或 .xlsx 文件；这是旧版 .xls（Excel 97-2003）工作簿：请另存为 .xlsx 或 CSV UTF-8")
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
    raise _problem(file, "text encoded as UTF-8, UTF-16 (with BOM) or GBK/GB18030",
                   "以 UTF-8、UTF-16（带 BOM）或 GBK/GB18030 编码的文本")


def _delimiter(lines: list[str]) -> str:
    """The candidate delimiter that splits the most of the first lines into the most fields."""
    best, best_score = ",", 0
    for d in _DELIMITERS:
        counts = sorted((line.count(d) for line in lines if line.strip()), reverse=True)
        score = sum(counts[: max(1, len(counts) // 2)])  # robust to title rows with no delimiter
        if score > best_score:
            best, best_score = d, score
    return best


def _fast_cells(text: str, sep: str) -> tuple[pd.DataFrame, int] | None:
    """The C parser for the common case: no quotes, so one line is one record (a million rows in seconds).

    None when the text needs the careful reader (quotes, ragged rows, NUL bytes).
    """
    if '"' in text or "\x00" in text or text.count("\r") != text.count("\r\n"):
        return None  # quotes, NUL bytes or lone CR line ends: the careful reader counts lines right
    try:
        grid = pd.read_csv(StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                           na_filter=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_NONE)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    grid = grid.fillna("").astype(object)
    lengths = sum(grid[c].str.strip().str.len().to_numpy() for c in grid.columns)
    keep = lengths > 0
    if not keep.any():
        return None
    grid.columns = range(grid.shape[1])
    return grid[keep], int((~keep).sum())


def read_bytes(path: Path, file: str) -> bytes:
    """The file's bytes, or an :class:`InputError` naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(file, None, None, None, f"a readable file ({exc.strerror})",
                                  f"可读取的文件（{exc.strerror}）")]) from exc


def read_csv_cells(data: bytes, file: str) -> tuple[pd.DataFrame, str, int]:
    """Cells of a CSV file as text; index = 0-based line where each record starts.

    Returns the grid, the encoding used and the number of blank lines skipped.
    """
    text, encoding = decode(data, file)
    if not text.strip():
        raise _problem(file, "a header row and at least one data row", "一行表头和至少一行数据")
    sep = _delimiter(text.splitlines()[:30])
    fast = _fast_cells(text, sep)
    if fast is not None:
        return fast[0], encoding, fast[1]
    reader = csv.reader(StringIO(text, newline=""), delimiter=sep)
    rows: list[list[str]] = []
    starts: list[int] = []
    blank = 0
    prev_end = 0
    try:
        for row in reader:
            if "".join(row).strip():
                rows.append(row)
                starts.append(prev_end)  # 0-based line of the record's first line
            else:
                blank += 1
            prev_end = reader.line_num
    except csv.Error as exc:
        raise InputError([Problem(file, None, reader.line_num, None, f"well-formed CSV ({exc})",
                                  f"格式正确的 CSV（{exc}；常见原因：引号未成对）")]) from exc
    if not rows:
        raise _problem(file, "a header row and at least one data row (every line is blank)",
                       "一行表头和至少一行数据（所有行都是空的）")
    width = max(len(r) for r in rows)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], index=starts, dtype=object)
    return grid, encoding, blank


def open_xlsx(path: Path, file: str, max_bytes: int):
    """Open a workbook (values as last saved by Excel) after checking its size and magic bytes."""
    import openpyxl

    size = path.stat().st_size
    if size > max_bytes:
        raise _problem(file, f"an XLSX file of at most {max_bytes} bytes (raise max_xlsx_bytes to allow it)",
                       f"不超过 {max_bytes} 字节的 XLSX 文件（可调大 max_xlsx_bytes）", f"{size} bytes")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        raise _problem(file, "an .xlsx workbook; this is an old .xls (Excel 97-2003) file: save it as .xlsx",
                       ".xlsx 工作簿；这是旧版 .xls（Excel 97-2003）文件：请另存为 .xlsx")
    if not head.startswith(_ZIP_MAGIC):
        raise _problem(file, "an .xlsx workbook (a ZIP file); this file is not one", ".xlsx 工作簿（ZIP 文件）；此文件不是")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl and zipfile raise many unrelated types on corrupt files
        raise InputError(f"cannot read as XLSX: {type(exc).__name__}: {exc}", file=file,
                         expected_zh=f"可读的 XLSX 文件（{type(exc).__name__}: {exc}）") from exc


def sheet_states(book) -> list[tuple[str, str]]:
    """(name, state) of every sheet in order; state is visible, hidden or veryHidden."""
    return [(str(ws.title), str(getattr(ws, "sheet_state", "visible") or "visible")) for ws in book.worksheets]


def sheet_rows(book, name: str, file: str, limit: int | None = None) -> list[list]:
    """The cells of one sheet as lists, row i being sheet row i + 1 (at most ``limit`` rows)."""
    try:
        ws = book[name]
        return [list(r) for r in ws.iter_rows(min_row=1, max_row=limit, values_only=True)]
    except Exception as exc:  # corrupt sheet XML surfaces only when rows are read
        raise InputError(f"cannot read sheet '{name}' as XLSX: {type(exc).__name__}: {exc}", file=file,
                         expected_zh=f"可读的工作表 '{name}'（{type(exc).__name__}: {exc}）") from exc


def _has_formulas(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return any(b"<f>" in z.read(n) or b"<f " in z.read(n)
                       for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def read_xlsx_sheet(path: Path, book, name: str, file: str) -> tuple[pd.DataFrame, int, int]:
    """Cells of one sheet; index = 0-based sheet row. Also blank rows skipped and formula cells without a
    saved result (each such cell becomes a :class:`~talentforecast._cellcheck.FormulaCell`)."""
    import openpyxl

    from talentforecast._cellcheck import FormulaCell

    rows = sheet_rows(book, name, file)
    unsaved = 0
    if _has_formulas(path):
        try:
            formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)[name]
            for i, frow in enumerate(formulas.iter_rows(min_row=1, values_only=True)):
                for j, v in enumerate(frow):
                    if isinstance(v, str) and v.startswith("=") and i < len(rows) and j < len(rows[i]) \
                            and rows[i][j] is None:
                        rows[i][j] = FormulaCell(v)
                        unsaved += 1
        except Exception as exc:  # same as above: a damaged file
            raise InputError(f"cannot read as XLSX: {type(exc).__name__}: {exc}", file=file,
                             expected_zh=f"可读的 XLSX 文件（{type(exc).__name__}: {exc}）") from exc
    width = max((len(r) for r in rows), default=0)
    raw = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    if raw.empty:
        return raw, 0, unsaved
    blank_mask = raw.isna().all(axis=1) | raw.map(lambda v: v is None or (isinstance(v, str) and not v.strip())).all(axis=1)
    return raw[~blank_mask], int(blank_mask.sum()), unsaved


def read_parquet_cells(path: Path, file: str) -> pd.DataFrame:
    """A Parquet table as a cell grid whose first row is the column names."""
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types on corrupt files
        raise InputError(f"cannot read as Parquet: {type(exc).__name__}: {exc}", file=file,
                         expected_zh=f"可读的 Parquet 文件（{type(exc).__name__}: {exc}）") from exc
    header = pd.DataFrame([[str(c) for c in df.columns]], dtype=object)
    body = pd.DataFrame(df.to_numpy(dtype=object))
    return pd.concat([header, body], ignore_index=True)
