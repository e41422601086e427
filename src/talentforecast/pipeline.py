"""One annual run: inputs → demand / supply → matching → warning, with a run manifest."""

from __future__ import annotations

import hashlib
import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from talentforecast import __version__
from talentforecast._atomic import atomic_dir
from talentforecast.bundle import Bundle
from talentforecast.errors import InputError, Problem
from talentforecast.graph import DEFAULTS  # noqa: F401  (re-exported: the run options)
from talentforecast.progress import progress_bar
from talentforecast.schema import SCHEMA_VERSION


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
            from talentforecast._runguard import _out_error

            raise _out_error(f"unknown table format(s) {sorted(unknown)}; expected csv and/or parquet",
                             f"未知的表格式 {sorted(unknown)}；应为 csv 和/或 parquet")
        with atomic_dir(out_dir) as tmp:
            tdir = tmp / "tables"
            tdir.mkdir()
            written: dict[str, dict] = {}
            for name, df in sorted(self.tables.items()):
                if "csv" in formats:  # CSV is read by people: names beside codes (Parquet stays as run)
                    from talentforecast.export.writers import write_people_csv

                    write_people_csv(self, df, tdir / f"{name}.csv")
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
            raise InputError([Problem(str(run_dir), None, None, None,
                                      "a run folder with manifest.json (from `talentforecast run`)",
                                      "含 manifest.json 的运行文件夹（由 `talentforecast run` 生成）")])
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        tables = {p.stem: pd.read_parquet(p) for p in sorted((run_dir / "tables").glob("*.parquet"))}
        return cls(bundle=Bundle(tables={}, meta=manifest.get("meta", {})), options=manifest.get("options", {}),
                   tables=tables, manifest=manifest)

    def report(self, out_dir: str | Path, formats: tuple[str, ...] = ("html", "pdf", "docx", "xlsx"),
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
            "fallbacks": self.manifest.get("fallbacks", []),
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


def run(bundle: Bundle, *, stages: list[str] | None = None, progress: bool = True, **options) -> Run:
    """Run the annual chain on a bundle and return a :class:`Run` holding every table.

    The stages and their order come from the declared graph (:data:`talentforecast.stages.STAGES`);
    ``stages`` names the ones wanted, and the stages they need run first.

    Options (all keyword; defaults in :data:`talentforecast.graph.DEFAULTS`):
        policy: shipped policy name, TOML path, or a list of them (default ``"default"``).
        horizon: forecast years after ``as_of`` (default 5).
        scenario: key-industry scenario TOML path, or None.
        seed: seed of every simulation (same inputs and seed give identical tables).
        as_of: use data up to this year only (default: the last year in the data).
        level: interval levels, e.g. ``(80, 95)``.
        n_jobs: processes for the forecasts.
        engine: where forecasts run: ``"local"``, ``"dask"``, ``"spark"``, ``"ray"`` or a client.
        lang: ``"zh"`` or ``"en"``, the language of labels and reasons in the tables.
        retrospective: None, True (the default as-of years) or a list of as-of years to re-run and score.
        params: per-stage overrides, ``{"demand": {...}, "supply": {...}, "matching": {...}, "warning": {...}}``;
            ``warning`` takes ``history``, ``quality_weights`` and ``proposal_params``; an unknown stage
            or key raises :class:`~talentforecast.errors.ConfigError`.

    The same options are keys of the run config ``talentforecast.toml`` (:mod:`talentforecast.config`).

    Fallbacks of the forecasting core (a model that could not fit a series) are warned about
    (:class:`talentforecast.errors.TalentForecastWarning`) and listed in ``run.manifest["fallbacks"]``.

    Example:
        >>> import talentforecast as tf
        >>> r = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)
        >>> sorted(r.tables)
        ['catalogue_summary', 'input_summary', 'provision', 'regions']
    """
    import warnings

    from talentforecast._runguard import check_as_of
    from talentforecast.errors import TalentForecastWarning
    from talentforecast.forecasting.distributed import use_engine
    from talentforecast.graph import call, plan
    from talentforecast.graph import options as run_options
    from talentforecast.stages import STAGES, retrospective_years, truncate
    from talentforecast.warning.policy import load_policy

    opts = run_options(options)
    check_as_of(opts["as_of"], bundle.tables)  # bad options fail here, before any stage runs
    if opts.get("policy") is not None:
        load_policy(opts["policy"])
    data = Bundle(tables=truncate(bundle.tables, opts["as_of"]),
                  meta={**bundle.meta, **({"as_of": opts["as_of"]} if opts["as_of"] is not None else {})},
                  sources=bundle.sources)
    years = [int(df["year"].max()) for name, df in data.tables.items()
             if "year" in df and len(df) and name != "enrolment_plan"]
    if opts["as_of"] is None:
        if not years:
            raise InputError([Problem("<bundle>", "year", None, None, "at least one input table with years",
                                      "至少一张含年份的输入表")])
        opts["as_of"] = max(years)
    chosen = plan(STAGES, [s.name for s in STAGES] if stages is None else list(stages), data.tables)
    if any(s.name == "retrospective" for s in chosen):
        retrospective_years(opts)  # a year without observed data fails here, not after the chain ran
    r = Run(bundle=data, options=opts)
    timings: dict[str, float] = {}
    fallbacks: list[dict] = []
    with progress_bar(len(chosen), "年度测算 annual run", enabled=progress) as advance:
        for stage in chosen:
            t0 = time.perf_counter()
            with use_engine(opts["engine"]), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", TalentForecastWarning)
                r.tables.update(call(stage, {**data.tables, **r.tables}, opts))
            for w in caught:  # recorded for the manifest, then shown as usual
                if issubclass(w.category, TalentForecastWarning):
                    fallbacks.append({"stage": stage.name, "message": str(w.message),
                                      **getattr(w.message, "details", {})})
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            timings[stage.name] = round(time.perf_counter() - t0, 3)
            advance(stage.name)
    r.manifest = _manifest(r, timings)
    r.manifest["fallbacks"] = fallbacks
    return r


MANIFEST_NOTE_TABLES = ("missing_industries", "scenario_flags", "supply_sources")


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
