"""One writer per feed format. Each takes a feed table and its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from talentforecast.errors import OutputError

FORMATS = ("parquet", "csv", "duckdb", "json")


class MissingExtraError(OutputError, ImportError):
    """A format needs an optional dependency that is not installed."""


def write_parquet(df: pd.DataFrame, path: Path, schema: dict) -> None:
    """Parquet with the table's JSON Schema (units, descriptions) in the file metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    clean = df.copy()
    clean.attrs = {}
    table = pa.Table.from_pandas(clean, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"talentforecast.schema"] = json.dumps(schema, ensure_ascii=False).encode("utf-8")
    pq.write_table(table.replace_schema_metadata(meta), path)


def write_csv(df: pd.DataFrame, path: Path, schema: dict) -> None:
    """CSV in UTF-8 with a BOM, so Excel shows Chinese correctly."""
    df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_json(df: pd.DataFrame, path: Path, schema: dict) -> None:
    """Compact JSON ``{"columns": [...], "data": [[row values], ...]}`` (pandas ``orient="split"``
    without the index): column names once, not per row. Missing values as null, UTF-8, Chinese
    unescaped. Read with ``pd.read_json(path, orient="split")`` or zip columns with each row."""
    path.write_text(df.to_json(orient="split", index=False, force_ascii=False, double_precision=15),
                    encoding="utf-8")


def write_duckdb(tables: dict[str, pd.DataFrame], schemas: dict[str, dict], path: Path) -> None:
    """One DuckDB table per feed table, plus ``feed_columns`` (the data dictionary: table, column,
    type, unit, descriptions); table and column comments carry titles and units."""
    try:
        import duckdb
    except ImportError as err:
        raise MissingExtraError(f"the duckdb feed format needs the 'dashboard' extra (pip install "
                                f"'talentforecast[dashboard]'): {err}") from err
    rows = []
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN TRANSACTION")  # one commit: each statement would otherwise sync the file
        for name, df in tables.items():
            con.register("_feed_df", df)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _feed_df')
            con.unregister("_feed_df")
            sch = schemas[name]
            con.execute(f"COMMENT ON TABLE \"{name}\" IS {_sql_str(sch['x-title-zh'] + ' / ' + sch['title'])}")
            for col, p in sch["properties"].items():
                unit = f" [{p['x-unit']}]" if p["x-unit"] else ""
                con.execute(f'COMMENT ON COLUMN "{name}"."{col}" IS {_sql_str(p["description"] + unit)}')
                t = p["type"]
                rows.append({"table": name, "column": col, "type": t[0] if isinstance(t, list) else t,
                             "nullable": isinstance(t, list), "unit": p["x-unit"],
                             "description_zh": p["x-description-zh"], "description_en": p["description"],
                             "added_by_feed": p["x-added-by-feed"]})
        con.register("_feed_df", pd.DataFrame(rows))
        con.execute("CREATE TABLE feed_columns AS SELECT * FROM _feed_df")
        con.unregister("_feed_df")
        con.execute("COMMIT")
    finally:
        con.close()


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_people_csv(run, df: pd.DataFrame, path: Path) -> None:
    """A run table as CSV for people: Chinese/English names inserted after every code column
    (region, industry, specialty, level, occupation), codes written verbatim, UTF-8 with BOM.

    Example:
        >>> import tempfile, pathlib
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> run = Run(bundle=Bundle(tables={}), options={})
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> write_people_csv(run, pd.DataFrame({"industry": ["C"], "value": [1]}), p)
        >>> p.read_text(encoding="utf-8-sig").splitlines()[1]
        'C,制造业,Manufacturing,1'
    """
    from talentforecast.export.build import add_labels, region_names

    add_labels(df, region_names(run)).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
