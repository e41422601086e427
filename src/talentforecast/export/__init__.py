"""The dashboard feed: a run's tables in Parquet, CSV (UTF-8 with BOM), JSON and DuckDB, with a
JSON Schema per table and a ``feed.json`` manifest. See ``docs/feed.md``.

Example:
    >>> import tempfile, pandas as pd
    >>> import talentforecast as tf
    >>> from talentforecast.pipeline import Run
    >>> from talentforecast.bundle import Bundle
    >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, manifest={"run_id": "demo"},
    ...           tables={"input_summary": pd.DataFrame({"table": ["employment"], "rows": [3],
    ...                    "first_year": [2020], "last_year": [2024], "regions": [1]})})
    >>> out = export(run, tempfile.mkdtemp() + "/feed", formats=("parquet", "csv"))
    >>> read_feed(out)["input_summary"][["table", "run_id", "as_of"]].values.tolist()
    [['employment', 'demo', 2024]]
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import pandas as pd

from talentforecast import __version__
from talentforecast._atomic import atomic_dir
from talentforecast.errors import InputError, OutputError, Problem, TalentForecastWarning, get_lang
from talentforecast.export.build import add_labels, feed_tables, run_identity
from talentforecast.export.codes import plain_codes, plain_read_losses, text_codes
from talentforecast.export.spec import TEXT_FORMS, csv_dtype, feed_schema, feed_spec, table_schema
from talentforecast.export.writers import (
    FORMATS,
    write_csv,
    write_duckdb,
    write_json,
    write_parquet,
)
from talentforecast.export.xlsx import XLSX_TABLES, write_xlsx
from talentforecast.schema import SCHEMA_VERSION

__all__ = ["FORMATS", "XLSX_TABLES", "add_labels", "csv_dtype", "export", "feed_schema", "feed_spec", "feed_tables",
           "find_feed", "plain_codes", "read_feed", "run_identity", "table_schema", "text_codes", "write_xlsx"]

# 2: json/<table>.json in the compact split layout; 3: CSV/JSON write industry divisions as B06
FEED_FORMAT = 3
MANIFEST = "feed.json"


def export(run, out_dir: str | Path, formats: tuple[str, ...] = ("parquet", "csv", "duckdb", "json")) -> Path:
    """Write the feed of ``run`` into ``out_dir`` atomically and return the folder.

    Layout: ``feed.json`` (manifest), ``schema/<table>.schema.json``, ``parquet/<table>.parquet``,
    ``csv/<table>.csv``, ``json/<table>.json`` and ``feed.duckdb``, for the formats asked.
    Tables absent from the run are skipped and listed under ``skipped`` in ``feed.json``.

    Example:
        >>> import tempfile
        >>> import pandas as pd
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, manifest={"run_id": "demo"},
        ...           tables={"input_summary": pd.DataFrame({"table": ["employment"], "rows": [3],
        ...                    "first_year": [2020], "last_year": [2024], "regions": [1]})})
        >>> out = export(run, tempfile.mkdtemp() + "/feed", formats=("parquet", "csv"))
        >>> sorted(p.name for p in out.iterdir())
        ['csv', 'feed.json', 'parquet', 'schema']
    """
    formats = tuple(dict.fromkeys(formats))
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise OutputError(f"unknown feed format(s) {unknown or formats}; expected some of {list(FORMATS)}",
                          zh=f"未知的数据接口格式 {unknown or formats}；应为 {list(FORMATS)} 中的若干种")
    spec = feed_spec()
    tables, skipped = feed_tables(run, spec)
    run_id, as_of = run_identity(run)
    schemas = {name: table_schema(name, df, spec) for name, df in tables.items()}
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as tmp:
        files: dict[str, dict[str, str]] = {name: {} for name in tables}
        (tmp / "schema").mkdir()
        for name, sch in schemas.items():
            (tmp / "schema" / f"{name}.schema.json").write_text(
                json.dumps(sch, ensure_ascii=False, indent=2), encoding="utf-8")
            files[name]["schema"] = f"schema/{name}.schema.json"
        text = {name: text_codes(text_table(df, spec.tables[name], as_of, spec.text_decimals), spec)
                for name, df in tables.items()} if {"csv", "json"} & set(formats) else {}
        needs_dtype = {name: plain_read_losses(df) for name, df in text.items()} if "csv" in formats else {}
        _warn_needs_dtype(needs_dtype)
        for fmt, writer in (("parquet", write_parquet), ("csv", write_csv), ("json", write_json)):
            if fmt in formats:
                (tmp / fmt).mkdir()
                for name, df in tables.items():
                    rel = f"{fmt}/{name}.{fmt}"
                    writer(df if fmt == "parquet" else text[name], tmp / rel, schemas[name])
                    files[name][fmt] = rel
        if "duckdb" in formats:
            write_duckdb(tables, schemas, tmp / "feed.duckdb")
        manifest = {
            "feed_format": FEED_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "talentforecast": __version__,
            "run_id": run_id,
            "as_of": as_of,
            "region": run.manifest.get("meta", {}).get("region"),
            "region_name": run.manifest.get("meta", {}).get("region_name"),
            "formats": list(formats),
            "duckdb": "feed.duckdb" if "duckdb" in formats else None,
            "tables": {name: {"title_zh": spec.tables[name].title_zh, "title_en": spec.tables[name].title_en,
                              "rows": int(len(df)), "columns": list(df.columns), "files": files[name],
                              "csv_dtype": csv_dtype(schemas[name]),
                              "csv_needs_dtype": needs_dtype.get(name, []) if "csv" in formats else None,
                              "text_rows": int(len(text[name])) if name in text else None,
                              "text_years_from": (as_of - spec.tables[name].text_years_before_as_of
                                                  if as_of is not None and name in text
                                                  and spec.tables[name].text_years_before_as_of is not None
                                                  else None),
                              "sha256": {k: _sha256(tmp / v) for k, v in files[name].items()}}
                       for name, df in tables.items()},
            "text_forms": {c: {"form": v["text_form"], "pattern": TEXT_FORMS[v["text_form"]].pattern,
                               "en": TEXT_FORMS[v["text_form"]].en, "zh": TEXT_FORMS[v["text_form"]].zh}
                           for c, v in spec.vocabulary.items() if v.get("text_form")},
            "skipped": skipped,
            "not_in_feed": sorted(set(run.tables) - set(spec.tables)),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str),
                                    encoding="utf-8")
    _share(out_dir)
    return out_dir


def text_table(df: pd.DataFrame, table, as_of: int | None, decimals: int) -> pd.DataFrame:
    """The rows and precision CSV/JSON carry: years from ``as_of − table.text_years_before_as_of``
    (all years when either is unknown) and floats rounded to ``decimals``.

    Example:
        >>> from talentforecast.export.spec import FeedTable
        >>> t = FeedTable("x", "", "", (), (), text_years_before_as_of=1)
        >>> text_table(pd.DataFrame({"year": [2022, 2023, 2024], "v": [1/3] * 3}), t, 2024, 4).to_dict("list")
        {'year': [2023, 2024], 'v': [0.3333, 0.3333]}
    """
    window = table.text_years_before_as_of
    if window is not None and as_of is not None and "year" in df.columns:
        df = df[df["year"] >= as_of - window]
    floats = df.select_dtypes("float").columns
    return df.assign(**{c: df[c].round(decimals) for c in floats}) if len(floats) else df


def _warn_needs_dtype(needs: dict[str, list[str]]) -> None:
    """Say which CSV columns plain ``pd.read_csv`` would change (digit codes with a leading zero
    that no text form covers, e.g. a user's own region or school codes); feed.json lists them too."""
    cols = [f"{name}.{c}" for name, cs in needs.items() for c in cs]
    if not cols:
        return
    shown = ", ".join(cols[:8]) + (f" (+{len(cols) - 8})" if len(cols) > 8 else "")
    msg = (f"数据接口 CSV 中这些代码列全为数字且有以 0 开头的代码，普通 pd.read_csv 会把它们读成数字、丢掉开头的 0：{shown}；"
           "请按 feed.json 中各表的 csv_dtype 读取（pd.read_csv(path, dtype=csv_dtype)），清单见 csv_needs_dtype"
           if get_lang() == "zh" else
           f"feed CSV code columns that are all digits with codes starting with 0, which plain pd.read_csv reads "
           f"as numbers (the 0 lost): {shown}; read them with the table's csv_dtype from feed.json "
           "(pd.read_csv(path, dtype=csv_dtype)); listed under csv_needs_dtype")
    warnings.warn(TalentForecastWarning(msg, {"csv_needs_dtype": needs}), stacklevel=3)


def _share(folder: Path) -> None:
    """Give the feed the usual modes (0755 folders, 0644 files under umask 022): the temporary
    folder the atomic swap renames into place is created 0700, and bureaus share the feed."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o777 & ~umask)
        for f in files:
            os.chmod(os.path.join(root, f), 0o666 & ~umask)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_feed(path: str | Path) -> Path:
    """The feed folder at ``path``: the folder itself or its ``feed/`` child (a demo output).

    Raises :class:`InputError` when neither holds a ``feed.json``.

    Example:
        >>> import tempfile
        >>> import pandas as pd
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, manifest={"run_id": "demo"},
        ...           tables={"input_summary": pd.DataFrame({"table": ["employment"], "rows": [3],
        ...                    "first_year": [2020], "last_year": [2024], "regions": [1]})})
        >>> demo = tempfile.mkdtemp()
        >>> out = export(run, demo + "/feed", formats=("parquet",))
        >>> find_feed(demo) == find_feed(out) == out
        True
    """
    path = Path(path)
    for cand in (path, path / "feed"):
        if (cand / MANIFEST).is_file():
            return cand
    raise InputError([Problem(str(path), None, None, None,
                              "a feed folder with feed.json (from `talentforecast export`) or a folder holding feed/",
                              "含 feed.json 的数据接口文件夹（由 `talentforecast export` 生成），"
                              "或其中有 feed/ 子文件夹的文件夹")])


def read_feed(path: str | Path, tables: list[str] | None = None, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    """Read a feed's tables back (all, or the ``tables`` named); ``path`` as for :func:`find_feed`.

    ``fmt="parquet"`` (default) gives the run's tables exactly. ``fmt="csv"`` reads the CSV files
    (the rows and precision CSV holds) with each column's dtype from ``feed.json`` and maps the
    codes' text forms back (industry ``B06`` → ``06``), so codes equal those of the Parquet files.

    Example:
        >>> import tempfile
        >>> import pandas as pd
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, manifest={"run_id": "demo"},
        ...           tables={"input_summary": pd.DataFrame({"table": ["employment"], "rows": [3],
        ...                    "first_year": [2020], "last_year": [2024], "regions": [1]})})
        >>> out = export(run, tempfile.mkdtemp() + "/feed", formats=("parquet",))
        >>> sorted(read_feed(out))
        ['input_summary', 'run_metadata']
        >>> read_feed(out, ["input_summary"])["input_summary"][["table", "rows", "run_id"]].values.tolist()
        [['employment', 3, 'demo']]
    """
    if fmt not in ("parquet", "csv"):
        raise OutputError(f"read_feed reads fmt 'parquet' or 'csv', got {fmt!r}",
                          zh=f"read_feed 只读取 fmt 'parquet' 或 'csv'，实际为 {fmt!r}")
    feed = find_feed(path)
    manifest = json.loads((feed / MANIFEST).read_text(encoding="utf-8"))
    names = tables or list(manifest["tables"])
    out = {}
    for name in names:
        entry = manifest["tables"].get(name, {})
        rel = entry.get("files", {}).get(fmt)
        if rel is None:
            what = "Parquet" if fmt == "parquet" else "CSV"
            raise InputError([Problem(str(feed), None, None, name, f"a table written as {what} in this feed",
                                      f"此数据接口中以 {what} 格式写出的表")])
        if fmt == "parquet":
            out[name] = pd.read_parquet(feed / rel)
        else:
            out[name] = plain_codes(pd.read_csv(feed / rel, dtype=entry.get("csv_dtype"), encoding="utf-8-sig",
                                                keep_default_na=False, na_values=[""]))
    return out
