"""Real data: national 中职 and 高职专科 graduates, cohort model vs pure time series (NBS).

Run:  PYTHONPATH=src python examples/nbs_cohort_vs_timeseries.py
Prints the errors per horizon for forecasts of 2022-2025 made with data up to 2021 and saves a
chart to nbs_cohort_vs_timeseries.png. The method is in benchmarks/supply_nbs.py and docs/supply.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from supply_nbs import CUTOFF, load, main  # noqa: E402

if __name__ == "__main__":
    res = main()
    data = load()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (lev, name) in zip(axes, [("中职", "secondary vocational"), ("高职专科", "higher vocational")],
                               strict=True):
        d = data[data.level == lev]
        ax.plot(d.year, d.graduates, "k-o", label="graduates (NBS)")
        ax.plot(d.year, d.enrolled, color="0.6", ls=":", label="entrants (NBS)")
        for method, g in res[res.level == lev].groupby("method"):
            ax.plot(g.year, g.forecast, "--", marker=".", label=method)
        ax.axvline(CUTOFF + 0.5, color="0.8")
        ax.set_title(f"{name}: forecasts from data to {CUTOFF}")
        ax.set_ylabel("10k persons")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig("nbs_cohort_vs_timeseries.png", dpi=120)
    print("saved nbs_cohort_vs_timeseries.png")
