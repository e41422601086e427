"""One Excel workbook of a run's main tables, for planners: codes as text cells (leading zeros
kept, no scientific notation), Chinese/English names beside every code, a contents sheet first;
years from the run's ``as_of`` on.

Example:
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from talentforecast.bundle import Bundle
    >>> from talentforecast.pipeline import Run
    >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, manifest={"run_id": "demo"},
    ...           tables={"regions": pd.DataFrame({"region": ["010100"], "region_name": ["某市"],
    ...                                            "parent": [None]})})
    >>> p = write_xlsx(run, pathlib.Path(tempfile.mkdtemp()) / "tables.xlsx")
    >>> pd.read_excel(p, sheet_name="regions", dtype=object)["region"].tolist()
    ['010100']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from talentforecast._atomic import atomic_file

__all__ = ["XLSX_TABLES", "write_xlsx"]

# The tables a planner reads, in reading order; each keeps the feed's CSV year window.
XLSX_TABLES = ("warnings", "proposals", "quality_ranking", "matches", "specialty_demand", "supply",
               "openings", "employment_forecast", "structure_match", "regions")
CODE_COLUMNS = ("region", "parent", "industry", "specialty", "category_code", "level", "occupation", "school")
MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header


def write_xlsx(run, path: str | Path, tables: tuple[str, ...] = XLSX_TABLES) -> Path:
    """Write ``tables`` of ``run`` (those present) to one workbook at ``path`` atomically.

    Tables with a year hold the years from ``as_of`` on (the last observed year and the forecast);
    the run's CSV and Parquet files hold every year.

    Sheets are named by table; the first sheet ``目录 contents`` lists each with its Chinese and
    English title and row count. Raises :class:`~talentforecast.errors.OutputError` when a table
    exceeds Excel's row limit (nothing is cut).

    Example:
        >>> import tempfile, pathlib
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> regions = pd.DataFrame({"region": ["010100"], "region_name": ["某市"], "parent": [None]})
        >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, tables={"regions": regions})
        >>> write_xlsx(run, pathlib.Path(tempfile.mkdtemp()) / "t.xlsx").name
        't.xlsx'
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from talentforecast.errors import OutputError
    from talentforecast.export import text_table
    from talentforecast.export.build import add_labels, region_names, run_identity
    from talentforecast.export.spec import feed_spec

    spec = feed_spec()
    _, as_of = run_identity(run)
    regions = region_names(run)
    wb = Workbook(write_only=True)
    contents = wb.create_sheet("目录 contents")
    contents.append(["表 table", "标题", "title", "行数 rows"])
    sheets = []
    for name in tables:
        df = run.tables.get(name)
        if df is None:
            continue
        if as_of is not None and "year" in df.columns:  # the last observed year and the forecast years
            df = df[df["year"] >= as_of]
        if name in spec.tables:
            df = text_table(df, spec.tables[name], as_of, spec.text_decimals)
            title = (spec.tables[name].title_zh, spec.tables[name].title_en)
        else:
            title = (name, name)
        df = add_labels(df.reset_index(drop=True), regions, spec)
        if len(df) > MAX_ROWS:
            raise OutputError(f"{path}: table {name} has {len(df)} rows; an Excel sheet holds {MAX_ROWS}",
                              zh=f"{path}：表 {name} 有 {len(df)} 行，超过 Excel 工作表的上限 {MAX_ROWS} 行")
        contents.append([name, title[0], title[1], len(df)])
        sheets.append((name, df))
    for name, df in sheets:
        ws = wb.create_sheet(name[:31])
        ws.append([str(c) for c in df.columns])
        codes = [c in CODE_COLUMNS for c in df.columns]
        for row in df.itertuples(index=False, name=None):
            ws.append([_cell(ws, v, code, WriteOnlyCell) for v, code in zip(row, codes, strict=True)])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "wb") as fh:
        wb.save(fh)
    return path


def _cell(ws, value, is_code: bool, cell_type):
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return None
    if is_code:
        cell = cell_type(ws, value=str(value))
        cell.number_format = "@"  # a text cell: Excel keeps 010100 as typed
        return cell
    if isinstance(value, (list, dict)):
        return str(value)
    if hasattr(value, "item"):  # numpy scalar → Python
        return value.item()
    return value
