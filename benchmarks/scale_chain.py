"""Cost of the whole annual chain (inputs → demand → supply → matching → warning) against size.

Reproduce (each measurement is its own subprocess; `--max-minutes` bounds each one):
    PYTHONPATH=src python benchmarks/scale_chain.py --province              # 13 cities × 3 districts, 600 specialties
    PYTHONPATH=src python benchmarks/scale_chain.py --sizes 1 13 50         # the cost curve, local and Dask
    PYTHONPATH=src python benchmarks/scale_chain.py --national 12           # 12 of the 300 national regions, extrapolated

Writes ``benchmarks/scale_chain_results.json`` (appending to what is there). Panels:
``make_panel(n, 600 or 1,443 specialties, 97 divisions, offered≈150 specialties per region,
4 schools per region and level)``; the province: ``make_panel(13, 600, 97, districts=3,
offered=0.25, schools=8)`` (624 schools). Each partition (city) runs ``tf.run`` of the whole chain
without the report. Per stage: wall and CPU seconds summed over partitions, and the process's
peak RSS after the stage (max over partitions; ``ru_maxrss`` is a high-water mark, so a stage's
own peak is at most that). Driver: wall, CPU, peak RSS of the process that splits and concatenates.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks/scale_chain_results.json"
PER_REGION = 150  # specialties a region (city) offers: ~600 in a 13-city province, with overlap


def panel(kind: str, n: int):
    from talentforecast.datasets.scale import make_panel

    if kind == "province":
        return make_panel(13, 600, 97, districts=3, offered=0.25, schools=8, seed=0)
    n_spec = 1443 if n >= 50 else 600
    return make_panel(n, n_spec, 97, offered=PER_REGION / n_spec, schools=4, seed=0)


def first_cities(bundle, k: int):
    """The bundle cut to the root and its first ``k`` cities (the rest of the nation left out)."""
    from talentforecast.bundle import Bundle

    reg = bundle.tables["regions"]
    root = {r for r, p in zip(reg["region"], reg["parent"], strict=True) if not p}
    cities = set(sorted(reg.loc[reg["parent"].isin(root), "region"])[:k])
    keep = root | cities | set(reg.loc[reg["parent"].isin(cities), "region"])  # and the cities' districts
    return Bundle(tables={n: df[df["region"].isin(keep)].reset_index(drop=True) if "region" in df else df
                          for n, df in bundle.tables.items()}, meta=dict(bundle.meta))


def _instrument() -> None:
    """Wrap every stage function to record its wall, CPU and the peak RSS after it (this process)."""
    import dataclasses

    import talentforecast.stages as st

    if getattr(st, "_costs", None) is not None:
        return
    st._costs = []

    def wrap(stage):
        def timed(tables, params):
            w, c = time.perf_counter(), time.process_time()
            out = stage.func(tables, params)
            st._costs.append({"stage": stage.name, "wall_s": time.perf_counter() - w, "cpu_s": time.process_time() - c,
                              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
            return out
        return dataclasses.replace(stage, func=timed)

    st.STAGES = tuple(wrap(s) for s in st.STAGES)


def _collect() -> list[dict]:
    import talentforecast.stages as st

    out, st._costs = list(getattr(st, "_costs", None) or []), []
    return out


def per_stage(costs: list[dict]) -> dict:
    out: dict[str, dict] = {}
    for c in costs:
        o = out.setdefault(c["stage"], {"wall_s": 0.0, "cpu_s": 0.0, "peak_rss_mb": 0.0, "calls": 0})
        o["wall_s"] += c["wall_s"]
        o["cpu_s"] += c["cpu_s"]
        o["peak_rss_mb"] = max(o["peak_rss_mb"], c["peak_rss_mb"])
        o["calls"] += 1
    return {k: {**v, "wall_s": round(v["wall_s"], 2), "cpu_s": round(v["cpu_s"], 2),
                "peak_rss_mb": round(v["peak_rss_mb"])} for k, v in out.items()}


def measure(kind: str, n: int, engine: str, k: int | None) -> dict:
    """One measurement, inside a fresh subprocess."""
    warnings.simplefilter("ignore")
    from talentforecast.province import run_partitioned

    t = time.perf_counter()
    bundle = panel(kind, n)
    gen_s = time.perf_counter() - t
    if k is not None:
        bundle = first_cities(bundle, k)
    enr, emp = bundle.tables["enrolment"], bundle.tables["employment"]
    out = {"kind": kind, "regions": n, "partitions_run": k or (13 if kind == "province" else n), "engine": engine,
           "generate_s": round(gen_s, 1), "employment_series": int(emp.groupby(["region", "industry"]).ngroups),
           "programmes": int(enr.groupby(["region", "specialty", "level"]).ngroups),
           "schools": int(enr["school"].nunique()), "specialties": int(enr["specialty"].nunique()),
           "input_rows": int(sum(len(df) for df in bundle.tables.values())), "load_before": os.getloadavg()}
    client = cluster = None
    if engine == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        client.run(_instrument)
    else:
        _instrument()
    c0, t0 = time.process_time(), time.perf_counter()
    r = run_partitioned(bundle, engine=client or "local", progress=False,
                        params={"demand": {"missing_industries": "zero"}})  # synthetic panels: some industries absent
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    out["driver_cpu_s"] = round(time.process_time() - c0, 1)
    out["driver_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    costs = sum(client.run(_collect).values(), []) if client else _collect()
    out["stages"] = per_stage(costs)
    parts = r.manifest["partitions"].values()
    out["partition_cpu_s"] = round(sum(p["cpu_s"] for p in parts), 1)
    out["partition_wall_s_max"] = round(max(p["wall_s"] for p in parts), 1)
    out["worker_peak_rss_mb"] = round(max(p["peak_rss_mb"] for p in parts))
    out["warnings_per_city"] = {c: len(t["warnings"]) for c, t in r.parts.items()}
    out["load_after"] = os.getloadavg()
    if client is not None:
        client.close()
        cluster.close()
    return out


def _sub(kind: str, n: int, engine: str, k: int | None, minutes: float) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, __file__, "--one", kind, str(n), engine, str(k or 0)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        print(f"  {kind} {n} {engine}: stopped after {minutes} min", flush=True)
        return {"kind": kind, "regions": n, "engine": engine, "stopped_after_min": minutes}
    line = [x for x in res.stdout.splitlines() if x.startswith("{")]
    if res.returncode or not line:
        raise RuntimeError(f"{kind} {n} {engine} failed:\n{res.stderr[-3000:]}")
    r = json.loads(line[-1])
    print(f"  {kind:8s} {n:4d} regions ({r['partitions_run']} run) {engine:5s}: wall {r['wall_s']} s, "
          f"CPU {r['partition_cpu_s']} s, driver {r['driver_peak_rss_mb']} MB, worker {r['worker_peak_rss_mb']} MB, "
          f"load {r['load_before'][0]:.1f}", flush=True)
    return r


def slope(xs, ys) -> float:
    import numpy as np

    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def table(results: list[dict]) -> str:
    """Markdown tables of the results (what docs/benchmarks.md shows)."""
    done = [r for r in results if "wall_s" in r]
    rows = ["| case | engine | regions run | employment series | programmes | wall s | CPU s (partitions) "
            "| driver peak MB | worker peak MB | load (1 min) |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(done, key=lambda r: (r["kind"] != "province", r["regions"], r["engine"])):
        case = "province 13 × 3 districts" if r["kind"] == "province" else f"{r['regions']} regions"
        rows.append(f"| {case} | {r['engine']} | {r['partitions_run']} | {r['employment_series']:,} | {r['programmes']:,} "
                    f"| {r['wall_s']} | {r['partition_cpu_s']} | {r['driver_peak_rss_mb']} | {r['worker_peak_rss_mb']} "
                    f"| {r['load_before'][0]:.1f}–{r['load_after'][0]:.1f} |")
    rows += ["", "| case | engine | " + " | ".join(STAGE_NAMES) + " |", "|---|---|" + "---:|" * len(STAGE_NAMES)]
    for r in sorted(done, key=lambda r: (r["kind"] != "province", r["regions"], r["engine"])):
        case = "province" if r["kind"] == "province" else f"{r['partitions_run']} of {r['regions']}"
        cells = [f"{r['stages'][s]['wall_s']} / {r['stages'][s]['cpu_s']} / {r['stages'][s]['peak_rss_mb']}"
                 if s in r["stages"] else "" for s in STAGE_NAMES]
        rows.append(f"| {case} | {r['engine']} | " + " | ".join(cells) + " |")
    for engine in ("local", "dask"):
        c = sorted((r for r in done if r["kind"] == "curve" and r["engine"] == engine), key=lambda r: r["partitions_run"])
        if len(c) > 1:
            xs = [r["partitions_run"] for r in c]
            rows.append(f"\n{engine}: growth exponent of CPU {slope(xs, [r['partition_cpu_s'] for r in c]):.2f}, "
                        f"of wall {slope(xs, [r['wall_s'] for r in c]):.2f} (regions run {xs})")
    return "\n".join(rows)


STAGE_NAMES = ("inputs", "demand", "supply", "matching", "warning")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--province", action="store_true")
    ap.add_argument("--sizes", type=int, nargs="*", default=[])
    ap.add_argument("--national", type=int, default=0, help="run this many of the 300 national regions")
    ap.add_argument("--engines", nargs="+", default=["local", "dask"])
    ap.add_argument("--max-minutes", type=float, default=14)
    ap.add_argument("--table", action="store_true", help="print the results as markdown")
    args = ap.parse_args()
    if args.table:
        print(table(json.loads(OUT.read_text())))
        return
    if args.one:
        kind, n, engine, k = args.one
        print(json.dumps(measure(kind, int(n), engine, int(k) or None)))
        return
    results = json.loads(OUT.read_text()) if OUT.exists() else []
    jobs = ([("province", 13, None)] if args.province else []) + [("curve", n, None) for n in args.sizes]
    jobs += [("curve", 300, args.national)] if args.national else []
    for kind, n, k in jobs:
        for engine in args.engines:
            r = _sub(kind, n, engine, k, args.max_minutes)
            results = [x for x in results if (x["kind"], x["regions"], x["engine"]) != (kind, n, engine)] + [r]
            OUT.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
