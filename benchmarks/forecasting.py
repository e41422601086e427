"""Benchmark tf.forecast defaults against statsforecast anchors and Prophet.

Reproduce (about 5 minutes on 2 cores):
    PYTHONPATH=src python benchmarks/forecasting.py            # writes benchmarks/forecasting_results.md
    PYTHONPATH=src python benchmarks/forecasting.py --no-prophet

Data: M3 yearly (645 series, h=6, last 6 held out) and US BLS CES annual averages (148 series,
h=5 from origins 2003, 2008, 2013). Everything runs single-process so times compare.
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import statsforecast.models  # noqa: F401  imported up front so no timed run pays the import

from talentforecast.forecasting import forecast
from talentforecast.forecasting.auto import scale_of, smape

ROOT = Path(__file__).resolve().parents[1]
LEVELS = [80, 95]


def load_m3() -> tuple[pd.DataFrame, pd.DataFrame]:
    d = pd.read_csv(ROOT / "data/sources/m3-yearly/m3_yearly_long.csv")
    d = d.rename(columns={"series_id": "unique_id", "year": "ds", "value": "y"})
    return d[d.split == "train"][["unique_id", "ds", "y"]], d[d.split == "test"][["unique_id", "ds", "y"]]


def load_ces(origins=(2003, 2008, 2013), h=5) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    d = pd.read_csv(ROOT / "data/sources/us-ces-employment/us_ces_annual_average.csv")
    d = d.rename(columns={"series_id": "unique_id", "year": "ds", "annual_avg_thousands": "y"})[["unique_id", "ds", "y"]]
    out = []
    for o in origins:
        train = d[d.ds <= o]
        n = train.groupby("unique_id").size()
        train = train[train.unique_id.isin(n[n >= 8].index)]  # at least 8 training years
        test = d[(d.ds > o) & (d.ds <= o + h) & d.unique_id.isin(train.unique_id.unique())]
        out.append((train.assign(origin=o), test.assign(origin=o)))
    return out


def anchors(train: pd.DataFrame, h: int, prophet: bool) -> dict[str, tuple[pd.DataFrame, float]]:
    """Forecasts (unique_id, ds, y_hat, y_lo_*, y_hi_*) and seconds per anchor model."""
    from statsforecast import StatsForecast
    from statsforecast.models import (
        AutoARIMA,
        AutoETS,
        AutoTheta,
        Naive,
        RandomWalkWithDrift,
        Theta,
    )

    out = {}
    for name, model in [("Naive", Naive()), ("RandomWalkWithDrift", RandomWalkWithDrift()), ("Theta", Theta()),
                        ("AutoTheta", AutoTheta()), ("AutoETS", AutoETS()), ("AutoARIMA", AutoARIMA())]:
        t = time.perf_counter()
        sf = StatsForecast(models=[model], freq=1, n_jobs=1)
        fc = sf.forecast(df=train[["unique_id", "ds", "y"]], h=h, level=LEVELS)
        secs = time.perf_counter() - t
        col = model.alias if hasattr(model, "alias") else repr(model)
        fc = fc.rename(columns={col: "y_hat", **{f"{col}-lo-{lv}": f"y_lo_{lv}" for lv in LEVELS},
                                **{f"{col}-hi-{lv}": f"y_hi_{lv}" for lv in LEVELS}})
        out[name] = (fc[["unique_id", "ds", "y_hat"] + [f"y_{s}_{lv}" for lv in LEVELS for s in ("lo", "hi")]], secs)
    med = out["AutoETS"][0][["unique_id", "ds"]].copy()
    med["y_hat"] = np.median(np.column_stack([out[k][0]["y_hat"].to_numpy() for k in ("AutoETS", "AutoTheta", "AutoARIMA")]), axis=1)
    out["median(AutoETS,AutoTheta,AutoARIMA)"] = (med, sum(out[k][1] for k in ("AutoETS", "AutoTheta", "AutoARIMA")))
    if prophet:
        out["Prophet"] = prophet_defaults(train, h)
    return out


def prophet_defaults(train: pd.DataFrame, h: int) -> tuple[pd.DataFrame, float]:
    from prophet import Prophet

    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.WARNING)

    rows, t = [], time.perf_counter()
    for uid, g in train.groupby("unique_id", sort=True):
        # year index mapped onto dates; prophet needs datetimes
        base = int(g.ds.min())
        dates = pd.to_datetime([f"{2000 + int(d) - base}-01-01" for d in g.ds]) if base < 1700 else pd.to_datetime(g.ds.astype(str) + "-01-01")
        m = Prophet(interval_width=0.95)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(pd.DataFrame({"ds": dates, "y": g.y.to_numpy()}))
            fut = m.make_future_dataframe(periods=h, freq="YS", include_history=False)
            np.random.seed(0)
            fc = m.predict(fut)
        last = int(g.ds.max())
        rows.append(pd.DataFrame({"unique_id": uid, "ds": np.arange(last + 1, last + h + 1), "y_hat": fc.yhat.to_numpy(),
                                  "y_lo_95": fc.yhat_lower.to_numpy(), "y_hi_95": fc.yhat_upper.to_numpy()}))
    return pd.concat(rows, ignore_index=True), time.perf_counter() - t


def score(fc: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    scales = train.groupby("unique_id")["y"].apply(lambda v: scale_of(v.to_numpy()))
    m = test.merge(fc, on=["unique_id", "ds"], how="left", validate="one_to_one")
    if m["y_hat"].isna().any():
        raise RuntimeError("missing forecasts")
    s = m.unique_id.map(scales).to_numpy()
    y, f = m.y.to_numpy(), m.y_hat.to_numpy()
    ok = s > 0
    res = {"smape": float(np.mean(smape(y, f))), "mase": float(np.mean(np.abs(y - f)[ok] / s[ok]))}
    for lv in LEVELS:
        if f"y_lo_{lv}" in m:
            res[f"cov_{lv}"] = float(np.mean((y >= m[f"y_lo_{lv}"]) & (y <= m[f"y_hi_{lv}"])))
    return res


def run_dataset(name: str, splits: list[tuple[pd.DataFrame, pd.DataFrame]], h: int, prophet: bool) -> pd.DataFrame:
    parts: dict[str, list] = {}
    for train, test in splits:
        t = time.perf_counter()
        fc = forecast(train[["unique_id", "ds", "y"]], h=h, level=LEVELS, seed=0)
        secs = time.perf_counter() - t
        print(f"[{name}] tf.forecast auto chose {fc.attrs['auto'].label} in {secs:.1f}s", flush=True)
        results = {"tf.forecast (auto)": (fc, secs), **anchors(train, h, prophet)}
        n = train.unique_id.nunique()
        for model, (f, secs) in results.items():
            parts.setdefault(model, []).append((score(f, train, test), secs, n, len(test)))
            print(f"[{name}] {model}: {parts[model][-1][0]} {secs:.1f}s", flush=True)
    rows = []
    for model, lst in parts.items():
        w = np.array([p[3] for p in lst], float)
        row = {"model": model}
        for k in lst[0][0]:
            row[k] = float(np.average([p[0][k] for p in lst], weights=w))
        row["sec_per_series"] = sum(p[1] for p in lst) / sum(p[2] for p in lst)
        rows.append(row)
    table = pd.DataFrame(rows)
    ets = table.loc[table.model == "AutoETS", "sec_per_series"].iloc[0]
    table["time_vs_AutoETS"] = table["sec_per_series"] / ets
    return table


def to_markdown(table: pd.DataFrame) -> str:
    cols = ["model", "smape", "mase", "cov_80", "cov_95", "sec_per_series", "time_vs_AutoETS"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in table.itertuples(index=False):
        d = r._asdict()
        cells = [d["model"]] + [("" if pd.isna(d.get(c)) else f"{d[c]:.4f}" if c == "sec_per_series" else f"{d[c]:.2f}" if c != "model" else "") for c in cols[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-prophet", action="store_true")
    ap.add_argument("--only", choices=["m3", "ces"])
    ap.add_argument("--out", default=str(ROOT / "benchmarks/forecasting_results.md"))
    args = ap.parse_args()
    sections = []
    if args.only in (None, "m3"):
        m3 = run_dataset("M3 yearly", [load_m3()], 6, not args.no_prophet)
        sections.append("### M3 yearly (645 series, h=6)\n\n" + to_markdown(m3))
    if args.only in (None, "ces"):
        ces = run_dataset("CES", load_ces(), 5, not args.no_prophet)
        sections.append("### US BLS CES annual (h=5, origins 2003/2008/2013)\n\n" + to_markdown(ces))
    text = "\n\n".join(sections) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
