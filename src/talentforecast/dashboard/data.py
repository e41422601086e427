"""The dashboard's data: the feed's Parquet files queried lazily through DuckDB; nothing is written.

Why DuckDB: pages ask for one region, year or page of rows at a time. Reading every table into
pandas at start held 1.1 GB for a feed ten times the demo; a DuckDB view over each Parquet file
reads only the row groups and columns a query needs.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from talentforecast.errors import InputError, Problem


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class FeedData:
    """A feed's tables behind one read-only DuckDB connection, plus the feed manifest.

    ``files`` maps table names to Parquet files (a feed on disk); ``frames`` to DataFrames (a run in
    memory). Either way :meth:`sql` runs SQL over them with the table names as view names.

    Example:
        >>> from talentforecast.export.sample import sample_run
        >>> data = FeedData.from_run(sample_run())
        >>> data.as_of, data.has("warnings")
        (2024, True)
        >>> int(data.sql("SELECT count(*) AS n FROM warnings WHERE warning_level = ?", ["red"])["n"][0])
        2
    """

    manifest: dict
    source: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import duckdb

        self._lock = threading.RLock()  # one connection, one query at a time (Flask serves threads)
        self._cache: dict[tuple, pd.DataFrame] = {}
        self._registered: set[str] = set()
        con = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "256MB"})
        for name, path in self.files.items():
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({_sql_str(str(path))})')
        for name, df in self.frames.items():
            con.register(name, df)
        self._con = con

    @property
    def names(self) -> list[str]:
        """Names of the tables this feed holds."""
        return sorted({*self.files, *self.frames})

    def has(self, name: str) -> bool:
        return name in self.files or name in self.frames

    def columns(self, name: str) -> list[str]:
        """Column names of a table (empty when the feed lacks it)."""
        if not self.has(name):
            return []
        return list(self.cached(f'SELECT * FROM "{name}" LIMIT 0').columns)

    def sql(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a SQL query over the feed's tables; every value from the user goes in ``params`` (``?``),
        only fixed identifiers and clauses built in code are part of ``sql``."""
        with self._lock:
            return self._con.execute(sql, params or []).df()

    def register_once(self, name: str, make) -> None:
        """Register the DataFrame ``make()`` as view ``name`` unless it already is (derived lookups)."""
        with self._lock:
            if name not in self._registered:
                self._con.register(name, make())
                self._registered.add(name)

    def cached(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """:meth:`sql` remembered for the app's life: for small lookups (options, names); the feed is
        read-only, so the answer cannot change."""
        key = (sql, tuple(params or []))
        if key not in self._cache:
            self._cache[key] = self.sql(sql, params)
        return self._cache[key]

    def get(self, name: str) -> pd.DataFrame | None:
        """A whole table (None when absent). Only for small tables: big ones go through :meth:`sql`."""
        return self.sql(f'SELECT * FROM "{name}"') if self.has(name) else None

    @property
    def as_of(self) -> int | None:
        return self.manifest.get("as_of")

    @classmethod
    def from_run(cls, run) -> FeedData:
        """Feed tables built in memory from a :class:`~talentforecast.pipeline.Run`."""
        from talentforecast.export import feed_tables, run_identity

        tables, skipped = feed_tables(run)
        run_id, as_of = run_identity(run)
        meta = run.manifest.get("meta", {})
        return cls({"run_id": run_id, "as_of": as_of, "region_name": meta.get("region_name"),
                    "skipped": skipped}, frames=tables)

    @classmethod
    def load(cls, path: str | Path) -> FeedData:
        """Open a feed folder, a folder holding ``feed/``, a run folder, or a folder holding ``run/``."""
        from talentforecast.export import MANIFEST, find_feed

        path = Path(path)
        try:
            feed = find_feed(path)
        except InputError:
            for cand in (path, path / "run"):
                if (cand / "manifest.json").is_file():
                    from talentforecast.pipeline import Run

                    return cls.from_run(Run.load(cand))
            raise InputError([Problem(str(path), None, None, None, "a feed folder (feed.json), a run folder "
                                      "(manifest.json) or a demo output folder holding feed/ or run/",
                                      "数据接口文件夹（含 feed.json）、测算文件夹（含 manifest.json），"
                                      "或其中有 feed/ 或 run/ 的演示输出文件夹")]) from None
        manifest = json.loads((feed / MANIFEST).read_text(encoding="utf-8"))
        files = {}
        for name, entry in manifest.get("tables", {}).items():
            rel = entry.get("files", {}).get("parquet")
            if rel is None:
                raise InputError([Problem(str(feed / MANIFEST), None, None, name,
                                          "a table written as Parquet in this feed (export with formats parquet)",
                                          "此数据接口中以 Parquet 格式写出的表（导出时 formats 须含 parquet）")])
            if not (feed / rel).is_file():
                raise InputError([Problem(str(feed / rel), None, None, name, "the Parquet file feed.json lists",
                                          "feed.json 中列出的 Parquet 文件")])
            files[name] = feed / rel
        return cls(manifest, feed, files=files)


def reasons_of(row: pd.Series) -> list[dict]:
    """The parsed ``reasons`` JSON of one warning row (an empty list when missing)."""
    raw = row.get("reasons")
    if not isinstance(raw, str) or not raw:
        return []
    return list(json.loads(raw))


def name(df: pd.DataFrame, code: str, lang: str) -> pd.Series:
    """Display label of a code column: "code name" in the interface language."""
    codes = df[code].astype(str)
    zh = df[f"{code}_name_zh"].fillna(codes).astype(str) if f"{code}_name_zh" in df.columns else codes
    label = zh
    if lang == "en" and f"{code}_name_en" in df.columns:
        en = df[f"{code}_name_en"].fillna(codes).astype(str)
        label = en.where(en != codes, zh)  # no English name in the catalogue: show the Chinese one
    return codes.where(label == codes, codes + " " + label)
