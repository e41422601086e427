"""Cost against size: the forecasting workload (and the demand+supply chain) local vs Dask.

The whole annual chain, partitioned by city (a province, the curve and the national case), is
measured by ``benchmarks/scale_chain.py``.

Reproduce (about 12 minutes on 2 busy cores):
    PYTHONPATH=src python benchmarks/scale.py            # writes benchmarks/scale_results.json, docs/img/scale.png

Workload per size: ``make_panel(n_regions, SPECIALTIES, INDUSTRIES)``; ``tf.forecast`` defaults
(``models="auto"``, h=5, levels 80/95) on the two panels the stages forecast: employment by
region × division and entrants by region × specialty × level. Each measurement runs in its own
subprocess so peak RSS (``resource.getrusage``; for Dask the max over driver and workers) is
that measurement's alone. ``--national`` (off by default: it takes more than 15 minutes) also measures the 300 × 1,443 / 300 × 97
national panel's memory: generation plus one pass of the same forecast machinery with a cheap
model (``naive``), which holds every series and result on the driver.
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
SIZES = (1, 10, 50, 300)
SPECIALTIES, INDUSTRIES = 10, 5  # per region (15 series), so 300 regions fit in the time budget
NATIONAL = (300, 1443, 97)
H = 5


def workload(n_regions: int, n_specialties: int = SPECIALTIES, n_industries: int = INDUSTRIES):
    """The long ``unique_id, ds, y`` frame of every series the stages forecast for this panel."""
    import pandas as pd

    from talentforecast.datasets.scale import make_panel

    b = make_panel(n_regions, n_specialties, n_industries, seed=0)
    e, s = b.tables["employment"], b.tables["enrolment"]
    emp = pd.DataFrame({"unique_id": "e|" + e["region"] + "|" + e["industry"], "ds": e["year"], "y": e["employed"].astype(float)})
    enr = pd.DataFrame({"unique_id": "s|" + s["region"] + "|" + s["specialty"] + "|" + s["level"], "ds": s["year"],
                        "y": s["enrolled"].astype(float)})
    return b, pd.concat([emp, enr], ignore_index=True)


def _peak_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def measure(kind: str, n: int, engine: str) -> dict:
    """One measurement (run inside a fresh subprocess)."""
    warnings.simplefilter("ignore")
    from talentforecast.forecasting import forecast

    out = {"kind": kind, "regions": n, "engine": engine}
    if kind == "national":
        t = time.perf_counter()
        _, df = workload(*NATIONAL)
        out["generate_s"] = time.perf_counter() - t
        out["series"] = int(df["unique_id"].nunique())
        t = time.perf_counter()
        forecast(df, h=H, models="naive")
        out["seconds"] = time.perf_counter() - t
        out["peak_mb"] = _peak_mb()
        return out
    bundle, df = workload(n)
    forecast(workload(1)[1].head(300), h=H)  # warm-up: imports and compiled kernels out of the timing
    out["series"] = int(df["unique_id"].nunique())
    client = cluster = None
    if engine == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        forecast(df.head(300), h=H, engine=client)  # warm the workers too
    t = time.perf_counter()
    if kind == "forecast":
        forecast(df, h=H, engine=client or "local")
    elif kind == "chain":
        import talentforecast as tf

        tf.run(bundle, stages=["inputs", "demand", "supply"], progress=False, engine=client or "local")
    elif kind == "autoets":
        from statsforecast import StatsForecast
        from statsforecast.models import AutoETS

        StatsForecast(models=[AutoETS()], freq=1, n_jobs=1).forecast(df=df, h=H, level=[80, 95])
    out["seconds"] = time.perf_counter() - t
    out["peak_mb"] = _peak_mb()
    if client is not None:
        workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        out["worker_peak_mb"] = max(workers.values())
        client.close()
        cluster.close()
    return out


def _sub(kind: str, n: int, engine: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, __file__, "--one", kind, str(n), engine], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    line = [x for x in res.stdout.splitlines() if x.startswith("{")]
    if res.returncode or not line:
        raise RuntimeError(f"{kind} {n} {engine} failed:\n{res.stderr[-3000:]}")
    r = json.loads(line[-1])
    print(f"  {kind:9s} {n:4d} regions {engine:5s}: {r.get('series', '')} series, {r['seconds']:.1f} s, "
          f"peak {r['peak_mb']:.0f} MB" + (f" (workers {r['worker_peak_mb']:.0f} MB)" if "worker_peak_mb" in r else ""),
          flush=True)
    return r


def slope(xs, ys) -> float:
    import numpy as np

    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def plot(results: list[dict], path: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    slopes = {}
    for engine, mark in (("local", "o-"), ("dask", "s--")):
        rs = sorted((r for r in results if r["kind"] == "forecast" and r["engine"] == engine), key=lambda r: r["series"])
        if not rs:
            continue
        xs, ts = [r["series"] for r in rs], [r["seconds"] for r in rs]
        mem = [max(r["peak_mb"], r.get("worker_peak_mb", 0)) for r in rs]
        slopes[engine] = slope(xs[1:], ts[1:]) if len(xs) > 2 else slope(xs, ts)  # from 10 regions up: 1 region is mostly fixed cost
        a.loglog(xs, ts, mark, label=f"{engine} (slope {slopes[engine]:.2f})")
        b.loglog(xs, mem, mark, label=engine)
    a.set(xlabel="series", ylabel="wall time (s)", title="forecast defaults: time")
    b.set(xlabel="series", ylabel="peak RSS (MB)", title="peak memory")
    for ax in (a, b):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return slopes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=3, metavar=("KIND", "N", "ENGINE"), help=argparse.SUPPRESS)
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--national", action="store_true", help="also time the national panel's memory (slow)")
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    if args.one:
        kind, n, engine = args.one
        print(json.dumps(measure(kind, int(n), engine)))
        return
    t0 = time.perf_counter()
    load = os.getloadavg()
    results = []
    for n in args.sizes:
        for engine in ("local",) + (() if args.no_dask else ("dask",)):
            results.append(_sub("forecast", n, engine))
    mid = sorted(args.sizes)[len(args.sizes) // 2]
    results.append(_sub("autoets", mid, "local"))
    for n in [s for s in args.sizes if s <= 10]:
        results.append(_sub("chain", n, "local"))
    if args.national:
        results.append(_sub("national", NATIONAL[0], "local"))
    slopes = plot(results, ROOT / "docs/img/scale.png")
    summary = {"results": results, "slopes": slopes, "load_before": load, "load_after": os.getloadavg(),
               "total_s": time.perf_counter() - t0, "cpus": os.cpu_count()}
    (ROOT / "benchmarks/scale_results.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({"slopes": slopes, "load": [load, summary["load_after"]], "total_s": summary["total_s"]}))


if __name__ == "__main__":
    main()
