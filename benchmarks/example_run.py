"""Benchmark: the whole example-region run (``tf.run`` on the example bundle, default options).

Each repeat runs in a fresh Python process so import cost, CPU time and peak RSS are those of one
user's run: wall time per stage (from the run manifest ``timings_seconds``), total wall time of
``tf.run`` (excluding imports and data loading), CPU time (user + system, whole process) and peak
resident memory. The table printed is the median over repeats; the machine load (``uptime``) is
printed with it because other jobs may share the cores.

Reproduce:
    PYTHONPATH=src python benchmarks/example_run.py                 # 3 repeats, markdown table
    PYTHONPATH=src python benchmarks/example_run.py --repeats 1 --retrospective
    PYTHONPATH=src python benchmarks/example_run.py --save /tmp/tables   # also dump tables (parquet-free CSV)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import talentforecast as tf
import talentforecast.demand
cfg = json.loads(sys.argv[1])
bundle = tf.datasets.load_example()
opts = {"scenario": str(talentforecast.demand.EXAMPLE_SCENARIO)}
if cfg["retrospective"]:
    opts["retrospective"] = True
cpu0 = time.process_time()
t0 = time.perf_counter()
r = tf.run(bundle, progress=False, **opts)
wall = time.perf_counter() - t0
cpu = time.process_time() - cpu0
ru = resource.getrusage(resource.RUSAGE_SELF)
ch = resource.getrusage(resource.RUSAGE_CHILDREN)
if cfg["save"]:
    from pathlib import Path
    d = Path(cfg["save"]); d.mkdir(parents=True, exist_ok=True)
    for name, df in r.tables.items():
        if hasattr(df, "to_csv"):
            df.to_csv(d / f"{name}.csv", index=False)
print(json.dumps({"stages": r.manifest["timings_seconds"], "wall": wall,
                  "cpu": cpu + ch.ru_utime + ch.ru_stime,
                  "peak_rss_mib": max(ru.ru_maxrss, ch.ru_maxrss) / 1024}))
"""


def one_run(retrospective: bool, save: str | None) -> dict:
    """Run the example chain once in a fresh interpreter and return its measurements."""
    cfg = json.dumps({"retrospective": retrospective, "save": save})
    out = subprocess.run([sys.executable, "-c", CHILD, cfg], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def uptime() -> str:
    """The 1/5/15-minute load averages (other jobs sharing the cores slow every figure)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--retrospective", action="store_true", help="also run the two retrospective as-of runs")
    ap.add_argument("--save", default=None, help="directory to write the run's tables as CSV (first repeat)")
    ap.add_argument("--json", default=None, help="write every repeat's figures to this JSON file")
    a = ap.parse_args(argv)
    runs, loads = [], []
    for i in range(a.repeats):
        loads.append(uptime())
        t0 = time.perf_counter()
        res = one_run(a.retrospective, a.save if i == 0 else None)
        res["process_wall"] = time.perf_counter() - t0
        runs.append(res)
        print(f"run {i + 1}: tf.run {res['wall']:.1f} s, cpu {res['cpu']:.1f} s, "
              f"peak RSS {res['peak_rss_mib']:.0f} MiB, load before {loads[-1]}", file=sys.stderr)
    stages = list(runs[0]["stages"])
    print(f"\nExample-region run, median of {len(runs)} (load averages before each run: {'; '.join(loads)})\n")
    print("| stage | wall s (median) | runs |")
    print("|---|---|---|")
    for s in stages:
        vals = [r["stages"][s] for r in runs]
        print(f"| {s} | {median(vals):.2f} | {' / '.join(f'{v:.2f}' for v in vals)} |")
    for key, label in [("wall", "tf.run total wall"), ("process_wall", "process wall (incl. imports)"),
                       ("cpu", "CPU time (user+sys)"), ("peak_rss_mib", "peak RSS MiB")]:
        vals = [r[key] for r in runs]
        print(f"| **{label}** | {median(vals):.1f} | {' / '.join(f'{v:.1f}' for v in vals)} |")
    if a.json:
        Path(a.json).write_text(json.dumps({"runs": runs, "loads": loads}, indent=1))


if __name__ == "__main__":
    main()
