"""Benchmark: how long `import talentforecast` takes (warm: the files are in the page cache).

Reproduce:
    PYTHONPATH=src python benchmarks/import_time.py            # median of 7 fresh processes
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def once(stmt: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", stmt], check=True)
    return time.perf_counter() - t0


def main() -> None:
    once("import talentforecast")  # warm the page cache
    base = statistics.median(once("pass") for _ in range(7))
    rows = [("import talentforecast", "import talentforecast"),
            ("import talentforecast; tf.run", "import talentforecast as tf; tf.run"),
            ("import talentforecast; tf.forecast", "import talentforecast as tf; tf.forecast")]
    print("| statement | seconds (median of 7, minus bare interpreter start) |\n|---|---|")
    for label, stmt in rows:
        t = statistics.median(once(stmt) for _ in range(7)) - base
        print(f"| `{label}` | {t:.2f} |")


if __name__ == "__main__":
    main()
