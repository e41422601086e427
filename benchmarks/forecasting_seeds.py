"""How much do the defaults depend on auto's sampling seed? tf.forecast defaults on every panel of
benchmarks/forecasting.py at several seeds (the seed draws the backtest sample), no anchors.

Reproduce (about 2 minutes on 2 shared cores):
    PYTHONPATH=src python benchmarks/forecasting_seeds.py                       # seeds 0-5, every panel
    PYTHONPATH=src python benchmarks/forecasting_seeds.py --only m3 --seeds 0 1 2 3 4 5 6 7 8 9 10 11
Prints sMAPE and 80 / 95 % coverage per panel and seed, then per panel the mean, range and the
seeds at which the defaults lose to the best anchor or to the naive forecast of the full run
(docs/benchmarks.md, "Results of the run"; the anchors do not depend on the seed).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from forecasting import LEVELS, PANELS, score  # benchmarks/forecasting.py

from talentforecast.forecasting import forecast

# best anchor and Naive of the full run (sMAPE), for the "loses" columns
BEST = {"m3": 15.73, "ces": 6.85, "ny_short": 7.72, "ny_shock": 7.86, "ny_rolling": 7.91, "uk_firms": 18.63,
        "us_states": 3.27, "us_rolling": 4.32, "cn_enrol": 4.90}
NAIVE = {"m3": 17.88, "ces": 7.21, "ny_short": 7.72, "ny_shock": 7.86, "ny_rolling": 7.91, "uk_firms": 18.92,
         "us_states": 5.35, "us_rolling": 4.89, "cn_enrol": 6.86}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", choices=sorted(PANELS))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5])
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    for key in args.only or list(PANELS):
        _, loader, h = PANELS[key]
        splits = loader()
        res = []
        for seed in args.seeds:
            parts = [(score(forecast(tr, h=h, level=LEVELS, seed=seed), tr, te), len(te)) for tr, te in splits]
            w = np.array([p[1] for p in parts], float)
            r = {m: float(np.average([p[0][m] for p in parts], weights=w)) for m in ("smape", "cov_80", "cov_95")}
            res.append(r["smape"])
            print(f"{key} seed {seed}: sMAPE {r['smape']:.2f}  coverage {r['cov_80']:.2f} / {r['cov_95']:.2f}", flush=True)
        s = np.array(res)
        print(f"{key}: mean {s.mean():.2f}, range {s.min():.2f}-{s.max():.2f}; loses to the best anchor "
              f"({BEST[key]}) at {int((s > BEST[key]).sum())} of {s.size} seeds, to Naive ({NAIVE[key]}) at "
              f"{int((s > NAIVE[key]).sum())}", flush=True)


if __name__ == "__main__":
    main()
