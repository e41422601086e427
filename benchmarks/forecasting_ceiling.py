"""What could any choice among auto's members reach? The ceiling in hindsight, per panel.

For every split of every panel of benchmarks/forecasting.py, each member of auto's pool (with the
pooled member) is run on the whole training panel, as at forecast time, and every combination auto
compares (1-4 members, mean or median) is scored on the held-out years. The best of them, chosen
on the held-out years themselves, is a ceiling no choice rule made on the training data can pass:
if it cannot beat an anchor by 3 %, no rule among these members will.

Reproduce (about 3 minutes on 2 shared cores):
    PYTHONPATH=src python benchmarks/forecasting_ceiling.py                  # every panel
    PYTHONPATH=src python benchmarks/forecasting_ceiling.py --only ny_rolling us_rolling
Prints per panel and split: the defaults, naive, drift, the best single member and the best
combination in hindsight (sMAPE, with what they are); then per panel the pooled figures, the
best anchor of the full run (docs/benchmarks.md, "Results of the run") and what 3 % below it is.
"""

from __future__ import annotations

import argparse
import itertools
import warnings

import numpy as np
from forecasting import PANELS, score  # benchmarks/forecasting.py
from forecasting_seeds import BEST, NAIVE

from talentforecast.forecasting import forecast
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting._runner import degenerate_kind
from talentforecast.forecasting.auto import DEFAULT_POOL, MAX_MEMBERS, combine, run_members, smape
from talentforecast.forecasting.pooled import NAME as POOLED

POOL = (*DEFAULT_POOL, POOLED)


def split_ceiling(train, test, h: int) -> dict:
    """sMAPE on the held-out years of the defaults, every member and the best combination."""
    ids = sorted(set(test.unique_id))
    g = train[train.unique_id.isin(ids)].sort_values(["unique_id", "ds"]).groupby("unique_id")
    series = [Series(u, d.ds.to_numpy(), d.y.to_numpy(float)) for u, d in g]
    actual = test.sort_values(["unique_id", "ds"]).groupby("unique_id").y.apply(lambda v: v.to_numpy(float))
    # a series may stop before the last held-out year (CES): its missing years are not scored
    A = np.array([np.pad(actual[s.uid][:h], (0, h - min(h, actual[s.uid].size)), constant_values=np.nan)
                  for s in series])
    ok = np.array([degenerate_kind(s.y) is None for s in series])
    run = [s for s, k in zip(series, ok, strict=True) if k]
    out = run_members(POOL, run, run, h, (), 0, 1, False, "ceiling")
    F = np.array([[np.full(h, s.y[-1]) for s in series] for _ in POOL])  # degenerate: their last value
    rows = np.flatnonzero(ok)
    for i, row in zip(rows, out, strict=True):
        for m, r in enumerate(row):
            F[m, i] = r.pred["mean"] if r.pred is not None else np.nan
    naive = F[0].copy()
    scores = []
    for k in range(1, MAX_MEMBERS + 1):
        for combo in itertools.combinations(range(len(POOL)), k):
            for agg in ("median", "mean") if k > 2 else ("mean",):
                C = combine(F[list(combo)], agg)
                C = np.where(np.isnan(C), naive, C)  # as auto does where every member failed
                scores.append((float(np.nanmean(smape(A, C))), k, agg, tuple(POOL[j] for j in combo)))
    scores.sort()
    fc = forecast(train, h=h, level=[80], seed=0)
    single = {p: float(np.nanmean(smape(A, np.where(np.isnan(F[j]), naive, F[j])))) for j, p in enumerate(POOL)}
    return {"defaults": score(fc, train, test)["smape"], "chosen": fc.attrs["auto"].label, "single": single,
            "best": scores[0], "n": int(np.isfinite(A).sum())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", choices=sorted(PANELS))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    for key in args.only or list(PANELS):
        _, loader, h = PANELS[key]
        res = [split_ceiling(tr, te, h) for tr, te in loader()]
        w = np.array([r["n"] for r in res], float)
        for r in res if len(res) > 1 else ():
            s, k, agg, members = r["best"]
            top = min(r["single"], key=r["single"].get)
            print(f"  {key} split: defaults {r['defaults']:.2f} ({r['chosen']}), naive {r['single']['naive']:.2f}, "
                  f"drift {r['single']['drift']:.2f}, best member {top} {r['single'][top]:.2f}, "
                  f"best combination {s:.2f} ({agg if k > 1 else 'single'} {','.join(members)})")
        avg = {name: float(np.average([f(r) for r in res], weights=w)) for name, f in (
            ("defaults", lambda r: r["defaults"]), ("naive", lambda r: r["single"]["naive"]),
            ("best member", lambda r: min(r["single"].values())), ("best combination", lambda r: r["best"][0]))}
        goal = 0.97 * BEST[key]
        print(f"{key}: defaults {avg['defaults']:.2f}, naive {avg['naive']:.2f} (full run {NAIVE[key]:.2f}), "
              f"best member in hindsight {avg['best member']:.2f}, best combination in hindsight "
              f"{avg['best combination']:.2f}; best anchor {BEST[key]:.2f}, 3 % below it {goal:.2f}"
              f"{'' if avg['best combination'] <= goal else ' — out of reach of these members'}", flush=True)


if __name__ == "__main__":
    main()
