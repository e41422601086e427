"""tf.forecast defaults against the simulated region's known truth: employment by district x
section forecast from the observable tables (to 2024), summed to the city, scored on the truth's
2025-2027 city employment by section (the truth tables of talentforecast.datasets), beside the naive
forecast, and the 80 / 95 % coverage of intervals forecast on the city x section panel. Also the
example region itself at h = 5 (what the annual run forecasts): sMAPE on
2025-2027 and the error of the forecast yearly change by section, which is what expansion demand
is made of.

Reproduce (about 1 minute):
    PYTHONPATH=src python benchmarks/forecasting_truth.py                 # worlds of seeds 1-10 and the example
    PYTHONPATH=src python benchmarks/forecasting_truth.py --seeds 1 2 3
    PYTHONPATH=src python benchmarks/forecasting_truth.py --groups   # forecast(groups=["region", "industry"])
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

import talentforecast as tf
from talentforecast.datasets.generator import generate_world
from talentforecast.forecasting import forecast


def smape(a, f):
    return 200 * np.abs(a - f) / (np.abs(a) + np.abs(f))


def panel(employment: pd.DataFrame) -> pd.DataFrame:
    e = employment[employment.industry != "_T"]
    return pd.DataFrame({"unique_id": e.region.astype(str) + "|" + e.industry.astype(str), "ds": e.year,
                         "y": e.employed.astype(float)})


def city(fc: pd.DataFrame) -> pd.Series:
    return fc.assign(ind=fc.unique_id.str.split("|").str[1]).groupby(["ind", "ds"]).y_hat.sum()


def score(df: pd.DataFrame, hiring: pd.DataFrame, h: int, groups: bool = False,
          ) -> tuple[float, float, float, pd.Series, str]:
    last = int(df.ds.max())
    truth = hiring[hiring.year > last].set_index(["industry", "year"]).employed
    if groups:
        parts = df.unique_id.str.split("|", expand=True)
        fc = forecast(df.assign(region=parts[0], industry=parts[1]), h=h, seed=0, groups=["region", "industry"])
    else:
        fc = forecast(df, h=h, seed=0)
    c = city(fc)
    base = df[df.ds == last].assign(ind=lambda d: d.unique_id.str.split("|").str[1]).groupby("ind").y.sum()
    s = float(np.mean([smape(truth[k], c[k]) for k in truth.index]))
    n = float(np.mean([smape(truth[(i, y)], base[i]) for i, y in truth.index]))
    T = truth.unstack()
    T.insert(0, last, base.reindex(T.index))
    F = c.unstack()[list(T.columns[1:])]
    F.insert(0, last, base.reindex(F.index))
    change_err = float((F.diff(axis=1).iloc[:, 1:] - T.diff(axis=1).iloc[:, 1:]).abs().sum().sum())
    return s, n, change_err, F.diff(axis=1).iloc[:, 1:].sum(), fc.attrs["auto"].label


def city_coverage(df: pd.DataFrame, hiring: pd.DataFrame, h: int) -> tuple[float, float, int]:
    """80 / 95 % coverage of the truth by intervals forecast on the city x section panel (the
    districts summed), and the calendar windows a common shock was modelled on."""
    last = int(df.ds.max())
    c = df.assign(unique_id=df.unique_id.str.split("|").str[1]).groupby(["unique_id", "ds"], as_index=False).y.sum()
    fc = forecast(c, h=h, level=[80, 95], seed=0)
    t = hiring[hiring.year > last].rename(columns={"industry": "unique_id", "year": "ds"})
    m = t.merge(fc, on=["unique_id", "ds"], validate="one_to_one")
    cov = [float(((m.employed >= m[f"y_lo_{lv}"]) & (m.employed <= m[f"y_hi_{lv}"])).mean()) for lv in (80, 95)]
    return cov[0], cov[1], fc.attrs["auto"].common_windows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--groups", action="store_true", help="forecast(groups=['region', 'industry'])")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    got = []
    for seed in args.seeds:
        tables, truth = generate_world(seed)
        s, n, _, _, label = score(panel(tables["employment"]), truth["hiring"], 3, args.groups)
        c80, c95, windows = city_coverage(panel(tables["employment"]), truth["hiring"], 3)
        got.append((s, n, c80, c95))
        print(f"world {seed}: sMAPE {s:.2f} (naive {n:.2f}) [{label}]; city x section intervals cover "
              f"{c80:.2f} / {c95:.2f} (common shock on {windows} windows)", flush=True)
    print(f"mean over {len(got)} worlds: sMAPE {np.mean([g[0] for g in got]):.3f} (naive {np.mean([g[1] for g in got]):.3f}); "
          f"city x section 80 / 95 % coverage {np.mean([g[2] for g in got]):.3f} / {np.mean([g[3] for g in got]):.3f}")
    b = tf.datasets.load_example()
    hiring = tf.datasets.load_example_truth()["hiring"]
    df = panel(b["employment"])
    s, n, err, net, label = score(df, hiring, 5, args.groups)
    last = int(df.ds.max())
    true = hiring[hiring.year >= last].groupby("year").employed.sum().diff().dropna()
    print(f"example, h = 5 [{label}]: sMAPE on 2025-2027 {s:.2f} (naive {n:.2f}); sum of |forecast - true| yearly "
          f"change by section {err:,.0f}; net change {net.round(0).tolist()} against the truth's {true.round(0).tolist()}")


if __name__ == "__main__":
    main()
