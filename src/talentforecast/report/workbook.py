"""The report workbook: one sheet per mandated list (warnings, expansions, new specialties,
shortage and training occupations), complete, with the report's headers, codes as text cells and
names beside codes. Written beside the report as ``report_<lang>.xlsx``.

Example:
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> lists = [{"sheet": "名单", "title": "示例", "headers": ["专业代码", "专业名称"],
    ...           "columns": ["specialty", "specialty_name"],
    ...           "df": pd.DataFrame({"specialty": ["050101"], "specialty_name": ["甲"]})}]
    >>> p = write_workbook(lists, pathlib.Path(tempfile.mkdtemp()) / "r.xlsx", contents=("目录", "表", "行数"))
    >>> pd.read_excel(p, sheet_name="名单", dtype=object)["专业代码"].tolist()
    ['050101']
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from talentforecast._atomic import atomic_file
from talentforecast.export.xlsx import CODE_COLUMNS, _cell

__all__ = ["write_workbook"]


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "sheet"
    out, i = base, 2
    while out in used:
        out = f"{base[:28]} {i}"
        i += 1
    used.add(out)
    return out


def write_workbook(lists: list[dict], path: str | Path, contents: tuple[str, str, str] = ("目录", "表", "行数")) -> Path:
    """Write every list to its own sheet of ``path`` (atomically); the first sheet lists them.

    Example:
        >>> import tempfile, pathlib
        >>> write_workbook([], pathlib.Path(tempfile.mkdtemp()) / "e.xlsx").suffix
        '.xlsx'
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    toc = wb.create_sheet(contents[0])
    toc.append([contents[1], contents[2]])
    used: set[str] = {contents[0]}
    named = []
    for item in lists:
        name = _sheet_name(item["sheet"], used)
        toc.append([f"{name}：{item['title']}" if name != item["title"] else name, len(item["df"])])
        named.append((name, item))
    for name, item in named:
        ws = wb.create_sheet(name)
        ws.append(list(item["headers"]))
        df: pd.DataFrame = item["df"]
        cols = [c for c in item["columns"] if c in df.columns]
        codes = [c in CODE_COLUMNS and c != "level" for c in cols]
        for row in df[cols].itertuples(index=False, name=None):
            ws.append([_cell(ws, v, code, WriteOnlyCell) for v, code in zip(row, codes, strict=True)])
    path = Path(path)
    with atomic_file(path, "wb") as fh:
        wb.save(fh)
    return path
