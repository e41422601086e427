"""Provincial and national runs: the whole annual chain partitioned by planning region.

Supply, matching and warnings of one planning region never look at another's rows, so a province
(or the nation) runs as one independent :func:`talentforecast.run` per city — locally one after
another, or side by side on Dask workers — and the tables are concatenated. Each partition's
tables are exactly those of running that city alone, wherever it runs; a worker holds one
partition at a time. The forecasts inside a city run by series as usual.

Two modes (docs/scale.md):

- ``"cities"``: each child of the root region is its own planning region with its districts.
  Warnings, tables and feeds per city, plus the province's own summary (:func:`summarise`).
- ``"province"``: the root is the planning region and the cities are its districts: one run
  (forecasts by series on the engine), warnings for the province.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from talentforecast.bundle import Bundle
from talentforecast.errors import ConfigError, InputError, Problem

__all__ = ["MODES", "ProvincialRun", "run_partitioned", "split_by_city", "summarise"]

MODES = ("cities", "province")
CHAIN = ("inputs", "demand", "supply", "matching", "warning")
KEY = "planning_region"  # column added to tables that have no ``region`` column when concatenated


def _parents(regions: pd.DataFrame) -> dict[str, str]:
    return {str(r): str(p) for r, p in zip(regions["region"], regions["parent"], strict=True)
            if isinstance(p, str) and p.strip()}


def split_by_city(bundle: Bundle) -> dict[str, Bundle]:
    """One bundle per child of the root region: its own rows and its districts, the child as root.

    Tables with a ``region`` column keep the rows of the city and its descendants; tables
    without one (crosswalks) are shared. The city's ``parent`` is blanked so it is a planning
    region. Every row of a regional table lands in exactly one city (else an ``InputError``
    names the table and region).

    Example:
        >>> from talentforecast.datasets.scale import make_panel
        >>> parts = split_by_city(make_panel(2, 5, 2, districts=2, seed=1))
        >>> sorted(parts), parts["980100"].tables["regions"]["region"].tolist()
        (['980100', '980200'], ['980100', '980101', '980102'])
    """
    regions = bundle.tables.get("regions")
    if regions is None or "parent" not in regions:
        raise InputError([Problem("regions", "parent", None, None, "a regions table with a parent column",
                                  "含 parent 列（上级地区代码）的地区表")])
    parent = _parents(regions)
    roots = [str(r) for r in regions["region"] if str(r) not in parent]
    if len(roots) != 1:
        raise InputError([Problem("regions", "parent", None, roots, "exactly one region without a parent (the province)",
                                  "恰好一个没有上级地区的地区（即省）")])
    root = roots[0]

    def city(r: str) -> str | None:
        seen = set()
        while parent.get(r) not in (root, None) and r not in seen:
            seen.add(r)
            r = parent[r]
        return r if parent.get(r) == root else None

    cities = sorted(r for r, p in parent.items() if p == root)
    if not cities:
        raise InputError([Problem("regions", "parent", None, root, "at least one region whose parent is the root",
                                  "至少一个上级地区为省的地区（市）")])
    of = {str(r): city(str(r)) for r in regions["region"]}
    out = {}
    for name, df in bundle.tables.items():
        if "region" not in df or name == "regions":
            continue
        lost = df.loc[df["region"].astype(str).map(of).isna(), "region"]
        if len(lost):  # a root or unknown region's rows would be silently dropped by a split
            raise InputError([Problem(name, "region", int(lost.index[0]), lost.iloc[0],
                                      "a region below one of the cities (a split by city keeps no other rows)",
                                      "属于某个市的地区（按市拆分时，其他地区的行不会保留）")])
    for c in cities:
        mine = {r for r, x in of.items() if x == c}
        tables = {}
        for name, df in bundle.tables.items():
            if "region" not in df:
                tables[name] = df
                continue
            part = df[df["region"].astype(str).isin(mine)].reset_index(drop=True)
            if name == "regions":
                part = part.assign(parent=part["parent"].where(part["region"].astype(str) != c, ""))
            part.attrs = dict(df.attrs)
            tables[name] = part
        meta = {**bundle.meta, "region": c, "province": root}
        names = regions.set_index(regions["region"].astype(str))["region_name"]
        meta["region_name"] = str(names.get(c, c))
        out[c] = Bundle(tables=tables, meta=meta, sources=dict(bundle.sources))
    return out


def _run_partition(bundle: Bundle, stages: tuple[str, ...], options: Mapping[str, Any]) -> dict:
    """Run the chain on one partition; return its tables, stage timings and this process's costs."""
    import talentforecast as tf

    cpu, wall = time.process_time(), time.perf_counter()
    r = tf.run(bundle, stages=list(stages), progress=False, **options)
    return {"tables": r.tables, "manifest": r.manifest, "options": r.options,
            "timings": r.manifest.get("timings_seconds", {}),
            "fallbacks": r.manifest.get("fallbacks", []), "wall_s": time.perf_counter() - wall,
            "cpu_s": time.process_time() - cpu, "pid": os.getpid(),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


@dataclass
class ProvincialRun:
    """A partitioned run: each planning region's tables, their concatenation and the summary.

    ``parts`` maps each planning region to its own tables (as ``tf.run`` of it alone gives them),
    ``tables`` concatenates them (:func:`concat`), ``summary`` holds the province's own tables
    (:func:`summarise`) and ``manifest`` the partitions' timings, CPU and peak memory.

    Example:
        >>> r = ProvincialRun("cities", {"1": {"x": pd.DataFrame({"region": ["1"]})}},
        ...                   {"x": pd.DataFrame({"region": ["1"]})})
        >>> r.x["region"].tolist()
        ['1']
    """

    mode: str
    parts: dict[str, dict[str, pd.DataFrame]]
    tables: dict[str, pd.DataFrame]
    summary: dict[str, pd.DataFrame] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    bundle: Bundle | None = field(default=None, repr=False)

    def run_of(self, region: str):
        """One planning region's result as a :class:`talentforecast.Run` (for its report or feed)."""
        from talentforecast.pipeline import Run

        if region not in self.parts or self.bundle is None:
            raise ConfigError(f"no partition {region!r} in this run; partitions: {sorted(self.parts)}",
                              zh=f"本次运行中没有分区 {region!r}；已有的分区：{sorted(self.parts)}")
        part = self.manifest["partitions"][region]
        bundle = self.bundle if self.mode == "province" else split_by_city(self.bundle)[region]
        return Run(bundle=bundle, options=dict(part["options"]), tables=self.parts[region],
                   manifest=dict(part["manifest"]))

    def export(self, out_dir: str | Path, formats: tuple[str, ...] = ("parquet", "csv", "duckdb", "json")) -> dict:
        """Write each planning region's dashboard feed to ``out_dir/<region>/``; return the folders."""
        out = Path(out_dir)
        return {c: self.run_of(c).export(out / c, formats=formats) for c in self.parts}

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)


def _client(engine: Any):
    if engine in (None, "local"):
        return None
    if engine == "dask":
        from distributed import default_client

        return default_client()
    if hasattr(engine, "submit") and hasattr(engine, "gather"):
        return engine
    raise ConfigError(f"run_partitioned: engine {engine!r}; expected 'local', 'dask' or a distributed.Client",
                      zh=f"run_partitioned：参数 engine 为 {engine!r}；应为 'local'、'dask' 或 distributed.Client")


def concat(parts: Mapping[str, Mapping[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate the partitions' tables in partition order.

    Tables with a ``region`` column are stacked as they are (the partitions' regions are
    disjoint); tables without one get a leading ``planning_region`` column saying whose they are.

    Example:
        >>> a = {"x": pd.DataFrame({"region": ["1"], "v": [1]}), "p": pd.DataFrame({"k": [1]})}
        >>> b = {"x": pd.DataFrame({"region": ["2"], "v": [2]}), "p": pd.DataFrame({"k": [2]})}
        >>> out = concat({"1": a, "2": b})
        >>> out["x"]["v"].tolist(), out["p"].columns.tolist()
        ([1, 2], ['planning_region', 'k'])
    """
    names: list[str] = []
    for tables in parts.values():
        names += [n for n in tables if n not in names]
    out = {}
    for n in names:
        frames = []
        for key, tables in parts.items():
            df = tables.get(n)
            if df is None:
                continue
            frames.append(df if "region" in df else df.assign(**{KEY: key})[[KEY, *df.columns]])
        out[n] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out


def summarise(tables: Mapping[str, pd.DataFrame], cities: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The province's own tables from the cities' results: totals and warning levels per city.

    Sums over the cities' own rows (each already the sum of its districts); interval bounds are
    not summed (a sum of quantiles is not a quantile of the sum), so only central values appear.

    - ``demand_by_industry``: vocational openings per industry × level × year (× scenario);
    - ``supply_demand_by_level``: graduate supply and specialty demand per level × year, and S/D;
    - ``warning_counts``: specialties per city and warning level (the cities' own rows).

    Example:
        >>> w = pd.DataFrame({"region": ["1", "1", "2"], "warning_level": ["红", "黄", "红"]})
        >>> summarise({"warnings": w}, ["1", "2"])["warning_counts"].to_dict("records")[0]
        {'region': '1', 'warning_level': '红', 'specialties': 1}
    """
    cities = list(cities)
    out = {}
    vo = tables.get("vocational_openings")
    if vo is not None:
        keys = [k for k in ("industry", "level", "year", "scenario") if k in vo]
        out["demand_by_industry"] = (vo[vo["region"].isin(cities)].groupby(keys, as_index=False, sort=True, dropna=False)
                                     ["value"].sum())
    m = tables.get("matches")
    if m is not None:
        keys = [k for k in ("level", "year", "scenario") if k in m]
        out["supply_demand_by_level"] = (
            m[m["region"].isin(cities)].groupby(keys, as_index=False, sort=True, dropna=False)[["supply", "demand"]].sum()
            .assign(ratio_sd=lambda d: d["supply"] / d["demand"].where(d["demand"] > 0)))
    w = tables.get("warnings")
    if w is not None:
        if "planning_unit" in w:  # the city's own rows; district and 专业点 rows are in the warnings table
            w = w[w["planning_unit"] == "planning_region"]
        out["warning_counts"] = (w[w["region"].isin(cities)].groupby(["region", "warning_level"], as_index=False, sort=True)
                                 .size().rename(columns={"size": "specialties"}))
    return out


def run_partitioned(bundle: Bundle, *, mode: str = "cities", engine: Any = "local", progress: bool = True,
                    stages: Iterable[str] = CHAIN, **options: Any) -> ProvincialRun:
    """The annual chain for a province: per city (``mode="cities"``) or as one region (``"province"``).

    ``engine`` says where the partitions run: ``"local"`` (one after another in this process),
    ``"dask"`` (the current client) or a ``distributed.Client`` (one task per city; a worker
    holds one partition at a time). Every partition runs :func:`talentforecast.run` with the
    other ``options`` and the local forecasting engine, so its tables equal a local run of that
    city alone. In ``"province"`` mode there is one partition and ``engine`` distributes its
    forecasts by series, as in ``tf.run(engine=...)``. ``progress`` shows a bar per partition.

    Example:
        >>> from talentforecast.datasets.scale import make_panel
        >>> b = make_panel(2, 6, 2, districts=1, seed=1)
        >>> r = run_partitioned(b, progress=False, stages=["inputs"])
        >>> sorted(r.parts), r.tables["regions"]["region"].tolist()[:3]
        (['980100', '980200'], ['990000', '980100', '980200'])
    """
    from talentforecast.graph import options as run_options
    from talentforecast.progress import progress_bar

    if mode not in MODES:
        raise ConfigError(f"run_partitioned: mode {mode!r}; expected one of {list(MODES)}",
                          zh=f"run_partitioned：参数 mode 为 {mode!r}；应为 {list(MODES)} 之一")
    stages = tuple(stages)
    run_options(options)  # unknown options fail here, before any work
    if options.get("engine") not in (None, "local"):
        raise ConfigError("run_partitioned: pass the engine as engine=..., not among the run options",
                          zh="run_partitioned：请用参数 engine=... 指定引擎，不要写在运行选项中")
    t0, c0 = time.perf_counter(), time.process_time()
    client = _client(engine)
    if mode == "province":
        res = _run_partition(bundle, stages, {**options, "engine": client or "local"})
        reg = bundle.tables.get("regions")
        tops = [] if reg is None else [str(r) for r in reg["region"] if str(r) not in _parents(reg)]
        root = tops[0] if len(tops) == 1 else str(bundle.meta.get("region", "province"))
        results = {root: res}
    else:
        bundles = split_by_city(bundle)
        results = {}
        with progress_bar(len(bundles), "分区测算 partitioned run", enabled=progress) as advance:
            if client is None:
                for c, b in bundles.items():
                    results[c] = _run_partition(b, stages, options)
                    advance(c)
            else:
                from distributed import as_completed

                futures = {client.submit(_run_partition, b, stages, options, key=f"tf-partition-{c}", pure=False): c
                           for c, b in bundles.items()}
                for fut in as_completed(list(futures)):
                    results[futures[fut]] = fut.result()
                    advance(futures[fut])
                    fut.release()
                results = {c: results[c] for c in bundles}  # partition order, not finishing order
    parts = {c: r.pop("tables") for c, r in results.items()}
    tables = concat(parts)
    if mode == "cities" and "regions" in tables:
        tables["regions"] = bundle.tables["regions"].copy()  # the province's own hierarchy, not the split one
    summary = summarise(tables, parts) if mode == "cities" else {}
    manifest = {"mode": mode, "engine": "local" if client is None else "dask", "partitions": results,
                "wall_s": time.perf_counter() - t0, "driver_cpu_s": time.process_time() - c0,
                "driver_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    return ProvincialRun(mode=mode, parts=parts, tables=tables, summary=summary, manifest=manifest, bundle=bundle)
