"""A long panel read from a file for :func:`~talentforecast.forecasting.forecast`, keeping where each
row came from: the CLI's ``forecast PANEL`` names the file and line of every bad cell.

CSV in the encodings and delimiters the table readers take (UTF-8, UTF-16 with BOM, GBK/GB18030;
comma, tab, semicolon, bar), the first visible sheet of an XLSX workbook, or Parquet. Blank lines
are skipped, never a row with content; cells stay as read, and ``forecast()`` checks them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from talentforecast._rawread import (
    open_xlsx,
    read_bytes,
    read_csv_cells,
    read_parquet_cells,
    read_xlsx_sheet,
    sheet_states,
)
from talentforecast.errors import InputError, Problem
from talentforecast.forecasting._panel import origin, problems_at, require_columns


def read_panel(path: str | Path) -> pd.DataFrame:
    """The file's rows under its header row, as read. ``attrs["source"]`` is the file and
    ``attrs["lines"]`` each row's line (CSV) or sheet row (XLSX), so the problems
    :func:`~talentforecast.forecasting.forecast` finds name them.

    Example:
        >>> import tempfile, os
        >>> d = tempfile.mkdtemp(); p = os.path.join(d, "panel.csv")
        >>> _ = open(p, "w", encoding="gbk").write("unique_id,ds,y\\n\\n北京|C,2022,10\\n北京|C,2023,12\\n")
        >>> df = read_panel(p)
        >>> df["unique_id"].tolist(), df.attrs["lines"]
        (['北京|C', '北京|C'], [3, 4])
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, None, None, None, "an existing file", "一个存在的文件")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        # the table readers' limit; imported here because io loads pandera, needed for XLSX only
        from talentforecast.io import MAX_XLSX_BYTES

        book = open_xlsx(path, file, MAX_XLSX_BYTES)
        try:  # a read-only workbook holds its file open until closed
            visible = [name for name, state in sheet_states(book) if state == "visible"]
            if not visible:
                raise InputError([Problem(file, None, None, None, "a visible sheet", "一个可见的工作表")])
            raw = read_xlsx_sheet(path, book, visible[0], file)[0]
        finally:
            book.close()
    elif suffix == ".parquet":
        raw = read_parquet_cells(path, file)
    else:
        raw = read_csv_cells(read_bytes(path, file), file)[0]
    if len(raw) < 2:
        raise InputError([Problem(file, None, None, None, "a header row and at least one data row",
                                  "一行表头和至少一行数据")])
    header = [("" if v is None else str(v)).strip() for v in raw.iloc[0]]
    line = int(raw.index[0]) + 1
    seen: set[str] = set()
    problems = []
    for name in header:
        if name and name in seen:
            problems.append(Problem(file, name, line, name, "distinct column names in the header row",
                                    "表头中的列名互不相同"))
        seen.add(name)
    if problems:
        raise InputError(problems)
    keep = [i for i, name in enumerate(header) if name]  # unnamed columns carry nothing forecast() reads
    df = pd.DataFrame(raw.iloc[1:, keep].to_numpy(dtype=object), columns=[header[i] for i in keep])
    df.attrs["source"] = file
    df.attrs["lines"] = [int(i) + 1 for i in raw.index[1:]]
    return df


def with_series_id(df: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, str]:
    """``df`` and the name of its series-id column: ``columns[0]`` itself when there is one, else
    a new column named by joining ``columns`` with ``|`` whose values join theirs the same way
    (a region × industry panel keyed by 地区 and 行业). Missing columns or empty keys are problems
    naming the file, column and line, as :func:`read_panel` keeps them.

    Example:
        >>> d = pd.DataFrame({"地区": ["A", "A"], "行业": ["C", "C"], "年份": [2022, 2023], "y": [1.0, 2.0]})
        >>> out, col = with_series_id(d, ["地区", "行业"])
        >>> col, out[col].tolist()
        ('地区|行业', ['A|C', 'A|C'])
    """
    if len(columns) == 1:
        return df, columns[0]
    require_columns(df, columns)
    where = origin(df)
    problems = []
    for c in columns:
        blank = (df[c].isna() | (df[c].astype(str).str.strip() == "")).to_numpy()
        problems += problems_at(blank, df, c, "a series key (no empty value)", "序列键（不能为空）", where)
    if problems:
        raise InputError(problems)
    name = "|".join(columns)
    out = df.assign(**{name: df[columns].astype(str).agg("|".join, axis=1)})
    out.attrs = dict(df.attrs)
    return out, name
