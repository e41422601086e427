"""Coverage of the defaults' intervals on held-out years: every real panel as it is and cut to its
last h + 3 training years (too short for a whole h-year backtest window), where the intervals are
calibrated on the steps the shorter windows have (auto._short_calibration) — beside the members'
own intervals, which such a panel used before. Also the calibration's reach back in time
(calibration_origins in forecasting/data/auto.toml) on the panels as they are.

Reproduce (about 3 minutes):
    PYTHONPATH=src python benchmarks/forecasting_intervals.py
    PYTHONPATH=src python benchmarks/forecasting_intervals.py --only ces --origins 5 13 20
"""

from __future__ import annotations

import argparse
import warnings
from unittest import mock

import numpy as np
import pandas as pd
from forecasting import PANELS

from talentforecast.forecasting import auto, forecast


def coverage(key: str, keep: int | None) -> tuple[float, float, float, str]:
    """sMAPE and 80 / 95 % coverage of the defaults on the panel's held-out years (training cut to
    its last ``keep`` years when given), and the label of the last split."""
    _, loader, h = PANELS[key]
    rows, label = [], ""
    for train, test in loader():
        if keep:
            train = train.sort_values(["unique_id", "ds"]).groupby("unique_id").tail(keep)
        fc = forecast(train, h=h, level=[80, 95], seed=0)
        label = fc.attrs["auto"].label
        rows.append(test.merge(fc, on=["unique_id", "ds"]))
    m = pd.concat(rows)
    inside = {lv: float(((m.y >= m[f"y_lo_{lv}"]) & (m.y <= m[f"y_hi_{lv}"])).mean()) for lv in (80, 95)}
    e = 200 * np.abs(m.y - m.y_hat) / (np.abs(m.y) + np.abs(m.y_hat))
    return float(e.mean()), inside[80], inside[95], label


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", choices=sorted(PANELS))
    ap.add_argument("--origins", type=int, nargs="*", default=[5, 13, 20], help="calibration_origins to compare")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    keys = args.only or list(PANELS)
    print("## Panels cut to their last h + 3 training years\n")
    print("| panel | h | members' own intervals: cov 80 / 95 | calibrated on shorter windows: cov 80 / 95 | sMAPE |")
    print("|---|---|---|---|---|")
    for key in keys:
        h = PANELS[key][2]
        with mock.patch.object(auto, "_short_calibration", lambda *a, **k: ({}, 0, (), 0)):
            _, b80, b95, _ = coverage(key, h + 3)
        s, c80, c95, _ = coverage(key, h + 3)
        print(f"| {key} | {h} | {b80:.3f} / {b95:.3f} | {c80:.3f} / {c95:.3f} | {s:.2f} |", flush=True)
    print("\n## calibration_origins on the panels as they are\n")
    print("| panel | " + " | ".join(f"{o} origins: cov 80 / 95" for o in args.origins) + " |")
    print("|---|" + "---|" * len(args.origins))
    for key in keys:
        cells = []
        for o in args.origins:
            with mock.patch.dict(auto.DEFAULTS, {"calibration_origins": o}):
                _, c80, c95, _ = coverage(key, None)
            cells.append(f"{c80:.3f} / {c95:.3f}")
        print(f"| {key} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
