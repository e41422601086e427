"""One annual run: inputs → demand / supply → matching → warning, with a run manifest."""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from talentforecast import __version__
from talentforecast._atomic import atomic_dir
from talentforecast.bundle import Bundle
from talentforecast.errors import InputError, OutputError, Problem
from talentforecast.progress import progress_bar
from talentforecast.schema import SCHEMA_VERSION

DEFAULTS = {
    "policy": "default",
    "horizon": 5,
    "scenario": None,
    "seed": 0,
    "as_of": None,
    "level": (80, 95),
    "n_jobs": 1,
    "engine": "local",  # "local", "dask", a dask Client, "spark", "ray": where forecasts run (docs/scale.md)
    "lang": "zh",
    "retrospective": None,  # None, True (default years) or a list of as-of years
    "params": None,  # per-stage overrides: {"demand": {...}, "supply": {...}, "matching": {...}, "warning": {...}}
}


@dataclass
class Run:
    """Every table one annual run produced, plus its options and manifest.

    Tables are reachable as attributes (``run.warnings``) or by name (``run["warnings"]``).

    Example:
        >>> import talentforecast as tf
        >>> run = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)
        >>> "input_summary" in run.tables
        True
    """

    bundle: Bundle
    options: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"run has no table {name!r}; it has {sorted(tables)}")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def save(self, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "parquet")) -> Path:
        """Write every table (``tables/<name>.csv`` and ``.parquet``) and ``manifest.json`` atomically."""
        out_dir = Path(out_dir)
        unknown = set(formats) - {"csv", "parquet"}
        if unknown:
            raise OutputError(f"unknown table format(s) {sorted(unknown)}; expected csv and/or parquet")
        with atomic_dir(out_dir) as tmp:
            tdir = tmp / "tables"
            tdir.mkdir()
            written: dict[str, dict] = {}
            for name, df in sorted(self.tables.items()):
                if "csv" in formats:
                    df.to_csv(tdir / f"{name}.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
                if "parquet" in formats:
                    _to_parquet(df, tdir / f"{name}.parquet")
                written[name] = {"rows": int(len(df)), "columns": [str(c) for c in df.columns],
                                 "sha256": {f: _file_hash(str(tdir / f"{name}.{f}")) for f in formats}}
            manifest = dict(self.manifest, tables=written)
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str),
                                               encoding="utf-8")
        return out_dir

    @classmethod
    def load(cls, run_dir: str | Path) -> Run:
        """Load a saved run folder (its Parquet tables and manifest)."""
        run_dir = Path(run_dir)
        manifest_path = run_dir / "manifest.json"
        if not manifest_path.is_file():
            raise InputError([Problem(str(run_dir), None, None, None, "a run folder with manifest.json (from `talentforecast run`)")])
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        tables = {p.stem: pd.read_parquet(p) for p in sorted((run_dir / "tables").glob("*.parquet"))}
        return cls(bundle=Bundle(tables={}, meta=manifest.get("meta", {})), options=manifest.get("options", {}),
                   tables=tables, manifest=manifest)

    def report(self, out_dir: str | Path, formats: tuple[str, ...] = ("html", "pdf", "docx"),
               lang: str = "zh", **kwargs) -> dict[str, Path]:
        """Write the annual report (needs the ``report`` extra). See :mod:`talentforecast.report`."""
        from talentforecast.report import write_report

        return write_report(self.tables, out_dir, formats=formats, lang=lang, meta=self.report_meta(), **kwargs)

    def report_meta(self) -> dict:
        """What the report states about the run: region, sources, parameters, data notes."""
        meta = dict(self.manifest.get("meta") or self.bundle.meta)
        o = self.options
        meta.update({
            "run_id": self.manifest.get("run_id"),
            "base_year": o.get("as_of"),
            "report_year": int(o["as_of"]) + 1 if o.get("as_of") is not None else None,  # the plan year
            "sources": {i["table"]: i["file"] for i in self.manifest.get("inputs", []) if i.get("file")},
            "parameters": {k: o.get(k) for k in ("policy", "horizon", "scenario", "seed", "as_of")},
        })
        if meta.get("generated"):
            meta.setdefault("data_note", {
                "zh": "示例市为虚构城市：人口年龄结构、产业结构与招生趋势取自公开统计，其余由有记录的随机生成器生成（见 data/README.md）。",
                "en": "Example City is fictional: its age structure, industry mix and enrolment trends follow "
                      "public statistics; the rest comes from a documented random generator (see data/README.md).",
            })
        effects = self.tables.get("scenario_effects")
        if effects is not None and "industry" in effects:
            meta.setdefault("key_industries", sorted(set(effects["industry"].astype(str))))
        return meta

    def export(self, out_dir: str | Path, formats: tuple[str, ...] = ("parquet", "csv", "duckdb", "json")) -> Path:
        """Write the dashboard feed. See :mod:`talentforecast.export`."""
        from talentforecast.export import export

        return export(self, out_dir, formats=formats)


def _to_parquet(df: pd.DataFrame, path: Path) -> None:
    clean = df.copy()
    clean.attrs = {}
    clean.to_parquet(path, index=False)


def _file_hash(path: str) -> str | None:
    p = Path(path)
    if not p.is_file():
        return None
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _inputs_stage(run: Run) -> dict[str, pd.DataFrame]:
    from talentforecast import catalogs

    rows = []
    for name, df in sorted(run.bundle.tables.items()):
        years = df["year"] if "year" in df else pd.Series(dtype="Int64")
        rows.append({"table": name, "rows": len(df),
                     "first_year": int(years.min()) if len(years) else None,
                     "last_year": int(years.max()) if len(years) else None,
                     "regions": int(df["region"].nunique()) if "region" in df else None})
    cat = catalogs.specialties()
    cat_summary = cat.groupby("level", sort=True).agg(specialties=("specialty", "size"),
                                                      categories=("category_name", "nunique")).reset_index()
    out = {"input_summary": pd.DataFrame(rows), "catalogue_summary": cat_summary}
    regions = run.bundle.get("regions")
    if regions is not None:
        out["regions"] = regions.copy()
    enrol = run.bundle.get("enrolment")
    if enrol is not None:
        out["provision"] = provision_table(enrol)
    return out


def provision_table(enrolment: pd.DataFrame) -> pd.DataFrame:
    """Which school offers what (rows with enrolment > 0); the dashboard filters by school with it.

    Example:
        >>> e = pd.DataFrame({"region": "R", "school": ["A", "B"], "specialty": "S", "level": "中职",
        ...                   "year": 2024, "enrolled": [10, 0], "in_school": 30, "graduates": 9})
        >>> provision_table(e)["school"].tolist()
        ['A']
    """
    keys = ["region", "school", "specialty", "level", "year"]
    return (enrolment[enrolment["enrolled"] > 0].groupby(keys, as_index=False, sort=True)
            [["enrolled", "in_school", "graduates"]].sum())


StageFn = Callable[[Run], dict[str, pd.DataFrame]]
# Later stages are appended by their modules through register_stage; order is the data flow.
STAGES: dict[str, StageFn] = {"inputs": _inputs_stage}


def register_stage(name: str, fn: StageFn, after: str | None = None) -> None:
    """Add a stage to the annual run (used by the stage modules)."""
    if after is None:
        STAGES[name] = fn
        return
    items = list(STAGES.items())
    pos = [n for n, _ in items].index(after) + 1
    items.insert(pos, (name, fn))
    STAGES.clear()
    STAGES.update(items)


def _load_stages() -> None:
    import talentforecast.stages  # noqa: F401  (registers demand, supply, matching, warning)


def _truncate(bundle: Bundle, as_of: int | None) -> Bundle:
    if as_of is None:
        return bundle
    tables = {n: (df[df["year"] <= as_of].reset_index(drop=True) if "year" in df and n != "enrolment_plan" else df)
              for n, df in bundle.tables.items()}
    for n, df in tables.items():  # counted in the manifest: nothing is dropped unreported
        df.attrs = {**bundle.tables[n].attrs, "rows_before_as_of": len(bundle.tables[n])}
    return Bundle(tables=tables, meta={**bundle.meta, "as_of": as_of}, sources=bundle.sources)


def run(bundle: Bundle, *, stages: list[str] | None = None, progress: bool = True, **options) -> Run:
    """Run the annual chain on a bundle and return a :class:`Run` holding every table.

    Options: ``policy`` (name, path or list), ``horizon`` (years), ``scenario`` (TOML path or None),
    ``seed``, ``as_of`` (use data up to this year only), ``level`` (interval levels), ``n_jobs``,
    ``engine`` (where the stages' forecasts run: ``"local"``, ``"dask"``, ``"spark"``, ``"ray"`` or a client).

    Example:
        >>> import talentforecast as tf
        >>> r = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)
        >>> sorted(r.tables)
        ['catalogue_summary', 'input_summary', 'provision', 'regions']
    """
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown run option(s) {sorted(unknown)}; expected {sorted(DEFAULTS)}")
    opts = {**DEFAULTS, **options}
    _load_stages()
    from talentforecast.forecasting.distributed import use_engine

    names = list(STAGES) if stages is None else stages
    missing = [s for s in names if s not in STAGES]
    if missing:
        raise TypeError(f"unknown stage(s) {missing}; available: {list(STAGES)}")
    data = _truncate(bundle, opts["as_of"])
    last_year = max(int(df["year"].max()) for name, df in data.tables.items()
                    if "year" in df and len(df) and name != "enrolment_plan")
    opts["as_of"] = opts["as_of"] if opts["as_of"] is not None else last_year
    r = Run(bundle=data, options=opts)
    timings: dict[str, float] = {}
    with progress_bar(len(names), "年度测算 annual run", enabled=progress) as advance:
        for name in names:
            t0 = time.perf_counter()
            with use_engine(opts["engine"]):  # every forecast inside the stage runs on this engine
                r.tables.update(STAGES[name](r))
            timings[name] = round(time.perf_counter() - t0, 3)
            advance(name)
    r.manifest = _manifest(r, timings)
    return r


MANIFEST_NOTE_TABLES = ("missing_industries", "scenario_flags")


def _manifest(r: Run, timings: dict[str, float]) -> dict:
    import importlib.metadata as md

    versions = {}
    for pkg in ("pandas", "numpy", "statsmodels", "statsforecast", "hierarchicalforecast", "prophet", "pandera"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    inputs = []
    for name, df in sorted(r.bundle.tables.items()):
        src = r.bundle.sources.get(name) or df.attrs.get("source")
        before = int(df.attrs.get("rows_before_as_of", len(df)))
        rejected = [] if before == len(df) else [
            {"reason": f"year after as_of ({r.options['as_of']}): not used by this run", "rows": before - len(df)}]
        inputs.append({"table": name, "file": src, "sha256": _file_hash(src) if src else None,
                       "rows_read": int(df.attrs.get("rows_read", before)), "rows_used": int(len(df)),
                       "rows_rejected": sum(x["rows"] for x in rejected), "rejected": rejected,
                       "normalisations": df.attrs.get("normalisations", [])})
    run_key = json.dumps([inputs, {k: str(v) for k, v in sorted(r.options.items())}], sort_keys=True, default=str)
    return {
        "run_id": hashlib.sha256(run_key.encode()).hexdigest()[:12],
        "schema_version": SCHEMA_VERSION,
        "talentforecast": __version__,
        "python": platform.python_version(),
        "versions": versions,
        "seed": r.options.get("seed"),
        "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in r.options.items()},
        "config_files": _config_files(r.options),
        "stages": list(timings),
        "meta": r.bundle.meta,
        "inputs": inputs,
        # assumptions the run had to make, stated where the run is recorded (issue 15)
        "notes": {n: r.tables[n].to_dict("records") for n in MANIFEST_NOTE_TABLES
                  if n in r.tables and len(r.tables[n])},
        "timings_seconds": timings,
    }


def _config_files(options: dict) -> list[dict]:
    """Policy and scenario files named by path, with their hashes (shipped policies are named, not hashed)."""
    out = []
    for key in ("policy", "scenario"):
        values = options.get(key)
        for v in values if isinstance(values, (list, tuple)) else [values]:
            if v is not None and Path(str(v)).is_file():
                out.append({"option": key, "file": str(v), "sha256": _file_hash(str(v))})
    return out
