"""Benchmark tf.forecast defaults against statsforecast anchors on real annual panels.

Reproduce (single process so times compare; the full run takes about 30 minutes on 2 shared cores,
most of it AutoARIMA on CES):
    PYTHONPATH=src python benchmarks/forecasting.py                 # every panel -> benchmarks/forecasting_results.md
    PYTHONPATH=src python benchmarks/forecasting.py --only ny_short uk_firms --max-series 200   # exploration
    PYTHONPATH=src python benchmarks/forecasting.py --also-options   # + a row with declared shocks
    PYTHONPATH=src python benchmarks/forecasting.py --defaults-only --pooled --declared-shocks   # options as the defaults row

Panels (data/sources/*/SOURCE.txt say where each comes from):
    m3         M3 yearly, 645 series, h=6, last 6 held out
    ces        US BLS CES national industries, h=5 from origins 2003, 2008, 2013
    ny_short   NY county x NAICS sector (QCEW), train 2008-2014 (7 years), h=3 (region x industry, short)
    ny_shock   NY county x NAICS sector (QCEW), train 2000-2009 (2009 recession last), h=3
    ny_rolling NY county x NAICS sector (QCEW), 7-year windows to 2010 ... 2014, h=3 at each origin
    uk_firms   UK quoted firms 1976-84 (Arellano-Bond), last 2 years held out; 1980-82 recession at the end
    us_states  US states non-farm employment 1970-86 (Baltagi), train to 1982 (recession year), h=3
    us_rolling US states, trained from 1970 to every origin 1977 ... 1983, h=3 at each origin
    cn_enrol   China provinces, higher-education students and new entrants 2016-24 (NBS), train to 2021, h=3
Anchors, all in the same run: statsforecast Naive, RandomWalkWithDrift, Theta, AutoTheta, AutoETS,
AutoARIMA, the median of AutoETS/AutoTheta/AutoARIMA; a statsforecast model that cannot fit a series
falls back to Naive (``fallback_model``; not counted: statsforecast does not report it). The
``fallbacks`` column counts the series where tf.forecast did not use the requested model (auto).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import statsforecast.models  # noqa: F401  imported up front so no timed run pays the import

from talentforecast.errors import TalentForecastWarning
from talentforecast.forecasting import forecast
from talentforecast.forecasting.auto import scale_of, smape

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "data/sources"
LEVELS = [80, 95]
Split = tuple[pd.DataFrame, pd.DataFrame]


def _cut(d: pd.DataFrame, last_train: int, h: int) -> Split:
    """Train on years <= last_train, test the next h years; only series complete over both."""
    years = set(range(int(d.ds.min()), last_train + h + 1))
    d = d[d.ds.isin(years)]
    full = d.groupby("unique_id").ds.nunique()
    d = d[d.unique_id.isin(full[full == len(years)].index)]
    return d[d.ds <= last_train][["unique_id", "ds", "y"]], d[d.ds > last_train][["unique_id", "ds", "y"]]


def load_m3() -> list[Split]:
    d = pd.read_csv(SRC / "m3-yearly/m3_yearly_long.csv").rename(columns={"series_id": "unique_id", "year": "ds", "value": "y"})
    return [(d[d.split == "train"][["unique_id", "ds", "y"]], d[d.split == "test"][["unique_id", "ds", "y"]])]


def load_ces(origins=(2003, 2008, 2013), h=5) -> list[Split]:
    d = pd.read_csv(SRC / "us-ces-employment/us_ces_annual_average.csv")
    d = d.rename(columns={"series_id": "unique_id", "year": "ds", "annual_avg_thousands": "y"})[["unique_id", "ds", "y"]]
    out = []
    for o in origins:
        train = d[d.ds <= o]
        n = train.groupby("unique_id").size()
        train = train[train.unique_id.isin(n[n >= 8].index)]  # at least 8 training years
        test = d[(d.ds > o) & (d.ds <= o + h) & d.unique_id.isin(train.unique_id.unique())]
        out.append((train, test))
    return out


def _ny() -> pd.DataFrame:
    d = pd.read_csv(SRC / "ny-qcew-county-sector/ny_qcew_county_sector_annual_2000_2017.csv", dtype={"naics": str})
    return pd.DataFrame({"unique_id": d.county + "|" + d.naics, "ds": d.year, "y": d.avg_employment.astype(float)})


def load_ny_short() -> list[Split]:
    d = _ny()
    return [_cut(d[d.ds >= 2008], 2014, 3)]


def load_ny_shock() -> list[Split]:
    return [_cut(_ny(), 2009, 3)]


def load_ny_rolling() -> list[Split]:
    """NY short's 7-year windows at every origin the data has: train to 2010 … 2014, h = 3 each
    (the first two origins hold the 2009 recession, their test years the recovery)."""
    d = _ny()
    return [_cut(d[d.ds >= last - 6], last, 3) for last in range(2010, 2015)]


def load_uk_firms(h=2) -> list[Split]:
    d = pd.read_csv(SRC / "uk-firms-employment/EmplUK.csv")
    d = pd.DataFrame({"unique_id": "firm" + d.firm.astype(str), "ds": d.year, "y": d.emp.astype(float)})
    d = d.sort_values(["unique_id", "ds"])
    last = d.groupby("unique_id").ds.transform("max")
    return [(d[d.ds <= last - h], d[d.ds > last - h])]


def _us_states() -> pd.DataFrame:
    d = pd.read_csv(SRC / "us-states-employment/Produc.csv")
    return pd.DataFrame({"unique_id": d.state, "ds": d.year, "y": d.emp.astype(float)})


def load_us_states() -> list[Split]:
    return [_cut(_us_states(), 1982, 3)]


def load_us_rolling() -> list[Split]:
    """US states trained from 1970 to every origin 1977 … 1983, h = 3 each (the test years of
    1979–1981 hold the 1980 and 1981–82 recessions)."""
    return [_cut(_us_states(), last, 3) for last in range(1977, 1984)]


def load_cn_enrol() -> list[Split]:
    rows = []
    for f, what in [("prov_higher_ed_students_enrolled_10k.csv", "students"), ("prov_higher_ed_new_entrants_10k.csv", "entrants")]:
        lines = (SRC / "cn-education-nbs" / f).read_text(encoding="utf-8-sig").splitlines()
        head = [c.strip().rstrip("年") for c in lines[2].split(",")]
        for line in lines[3:]:
            cells = [c.strip() for c in line.split(",")]
            if len(cells) != len(head) or not cells[0]:
                continue  # footnote lines (注/数据来源)
            for year, v in zip(head[1:], cells[1:], strict=True):
                if year and v:
                    rows.append((f"{cells[0]}|{what}", int(year), float(v)))
    return [_cut(pd.DataFrame(rows, columns=["unique_id", "ds", "y"]), 2021, 3)]


PANELS = {
    "m3": ("M3 yearly (645 series, h=6)", load_m3, 6),
    "ces": ("US BLS CES annual (h=5, origins 2003/2008/2013)", load_ces, 5),
    "ny_short": ("NY county × sector QCEW, train 2008–2014, h=3 (region × industry, short)", load_ny_short, 3),
    "ny_shock": ("NY county × sector QCEW, train 2000–2009 (2009 recession last), h=3", load_ny_shock, 3),
    "ny_rolling": ("NY county × sector QCEW, 7-year windows to 2010, 2011, 2012, 2013, 2014, h=3 each",
                   load_ny_rolling, 3),
    "uk_firms": ("UK firms 1976–84, last 2 years held out (1980–82 recession at the end), h=2", load_uk_firms, 2),
    "us_states": ("US states non-farm employment, train 1970–1982 (recession last), h=3", load_us_states, 3),
    "us_rolling": ("US states non-farm employment, trained from 1970 to 1977, 1978, … 1983, h=3 each",
                   load_us_rolling, 3),
    "cn_enrol": ("China provinces, higher-ed students & entrants, train 2016–2021, h=3", load_cn_enrol, 3),
}


# Group columns per panel for `--groups` / `--also-options`: the parts of the series id (split at
# "|") a planner's table has as columns anyway, region and industry (forecast(groups=...)).
GROUPS = {"ny_short": ("county", "sector"), "ny_shock": ("county", "sector"), "ny_rolling": ("county", "sector"),
          "cn_enrol": ("province", "measure")}


def with_groups(train: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """``train`` with one column per group name, the parts of ``unique_id`` split at "|"."""
    parts = train.unique_id.str.split("|", expand=True)
    return train.assign(**{n: parts[i] for i, n in enumerate(names)})


# Recession years declared per panel for `--declared-shocks` (domain input a planner would give:
# NBER recessions / the UK's 1980-82 recession that fall in the training years).
SHOCK_YEARS = {"ces": [2008], "ny_short": [2009], "ny_shock": [2009], "ny_rolling": [2009], "uk_firms": [1980, 1981, 1982],
               "us_states": [1982], "us_rolling": [1980, 1982]}


def anchors(train: pd.DataFrame, h: int) -> dict[str, tuple[pd.DataFrame, float, int]]:
    """Forecasts (unique_id, ds, y_hat, y_lo_*, y_hi_*), seconds and series that fell back, per anchor."""
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
        sf = StatsForecast(models=[model], freq=1, n_jobs=1, fallback_model=Naive())
        with warnings.catch_warnings():  # statsforecast notes each fallback it takes; counted below instead
            warnings.simplefilter("ignore", UserWarning)
            fc = sf.forecast(df=train[["unique_id", "ds", "y"]], h=h, level=LEVELS)
        secs = time.perf_counter() - t
        col = getattr(model, "alias", repr(model))
        fc = fc.rename(columns={col: "y_hat", **{f"{col}-lo-{lv}": f"y_lo_{lv}" for lv in LEVELS},
                                **{f"{col}-hi-{lv}": f"y_hi_{lv}" for lv in LEVELS}})
        out[name] = (fc[["unique_id", "ds", "y_hat"] + [f"y_{s}_{lv}" for lv in LEVELS for s in ("lo", "hi")]], secs, None)
    med = out["AutoETS"][0][["unique_id", "ds"]].copy()
    keys = ("AutoETS", "AutoTheta", "AutoARIMA")
    med["y_hat"] = np.median(np.column_stack([out[k][0]["y_hat"].to_numpy() for k in keys]), axis=1)
    out["median(AutoETS,AutoTheta,AutoARIMA)"] = (med, sum(out[k][1] for k in keys), None)
    return out


def score(fc: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    scales = train.groupby("unique_id")["y"].apply(lambda v: scale_of(v.to_numpy()))
    m = test.merge(fc, on=["unique_id", "ds"], how="left", validate="one_to_one")
    if m["y_hat"].isna().any():
        raise RuntimeError("missing forecasts")
    s = m.unique_id.map(scales).to_numpy()
    y, f = m.y.to_numpy(), m.y_hat.to_numpy()
    ok = s > 0
    res = {"smape": float(np.mean(smape(y, f))), "mase": float(np.mean(np.abs(y - f)[ok] / s[ok])),
           "negative": float(np.mean(f < 0))}
    for lv in LEVELS:
        if f"y_lo_{lv}" in m:
            res[f"cov_{lv}"] = float(np.mean((y >= m[f"y_lo_{lv}"]) & (y <= m[f"y_hi_{lv}"])))
    return res


def _subset(splits: list[Split], max_series: int | None, seed: int = 0) -> list[Split]:
    if not max_series:
        return splits
    out = []
    for train, test in splits:
        ids = np.sort(train.unique_id.unique())
        if len(ids) > max_series:
            ids = np.random.default_rng(seed).choice(ids, max_series, replace=False)
        out.append((train[train.unique_id.isin(ids)], test[test.unique_id.isin(ids)]))
    return out


def run_panel(key: str, max_series: int | None = None, defaults_only: bool = False,
              also: dict[str, dict] | None = None, **options) -> pd.DataFrame:
    """One panel's table; ``options`` go to ``tf.forecast`` (e.g. ``pooled=True``, ``shock_years``);
    ``also`` adds rows ``tf.forecast (<label>)`` for further option sets, in the same run."""
    title, loader, h = PANELS[key]
    parts: dict[str, list] = {}
    for train, test in _subset(loader(), max_series):
        results = {}
        for label, opts in {"defaults": options, **(also or {})}.items():
            t = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", TalentForecastWarning)
                data = with_groups(train, opts["groups"]) if opts.get("groups") else train
                fc = forecast(data, h=h, level=LEVELS, seed=0, **{**opts, "groups": list(opts["groups"])}
                              if opts.get("groups") else opts)
            secs = time.perf_counter() - t
            fell = len({(r["unique_id"]) for r in fc.attrs["fallbacks"] if r["reason"] != "no_interval"})
            print(f"[{key}] tf.forecast ({label}) auto chose {fc.attrs['auto'].label} in {secs:.1f}s; "
                  f"{fell} series fell back; {len(caught)} warning(s)", flush=True)
            results[f"tf.forecast ({label})"] = (fc, secs, fell)
        if not defaults_only:
            results.update(anchors(train, h))
        n = train.unique_id.nunique()
        for model, (f, secs, fell) in results.items():
            parts.setdefault(model, []).append((score(f, train, test), secs, n, len(test), fell))
            print(f"[{key}] {model}: {parts[model][-1][0]} {secs:.1f}s", flush=True)
    rows = []
    for model, lst in parts.items():
        w = np.array([p[3] for p in lst], float)
        row = {"model": model}
        for k in lst[0][0]:
            row[k] = float(np.average([p[0][k] for p in lst], weights=w))
        row["sec_per_series"] = sum(p[1] for p in lst) / sum(p[2] for p in lst)
        row["fallbacks"] = None if lst[0][4] is None else sum(p[4] for p in lst)
        row["series"] = sum(p[2] for p in lst)
        rows.append(row)
    table = pd.DataFrame(rows)
    if "AutoETS" in set(table.model):
        ets = table.loc[table.model == "AutoETS", "sec_per_series"].iloc[0]
        table["time_vs_AutoETS"] = table["sec_per_series"] / ets
    table.attrs["title"] = title
    return table


def to_markdown(table: pd.DataFrame) -> str:
    cols = ["model", "smape", "mase", "cov_80", "cov_95", "sec_per_series", "time_vs_AutoETS", "fallbacks"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in table.to_dict("records"):
        cells = [r["model"]]
        for c in cols[1:]:
            v = r.get(c)
            cells.append("–" if v is None or pd.isna(v) else f"{v:.4f}" if c == "sec_per_series" else
                         str(int(v)) if c == "fallbacks" else f"{v:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    anchors_ = table[~table.model.str.startswith("tf.forecast")]
    if len(anchors_):
        d = table[table.model == "tf.forecast (defaults)"].iloc[0]
        best = anchors_.loc[anchors_.smape.idxmin()]
        naive = anchors_[anchors_.model == "Naive"].iloc[0]
        lines.append("")
        lines.append(f"Defaults vs best anchor ({best.model}, sMAPE {best.smape:.2f}): "
                     f"{100 * (d.smape / best.smape - 1):+.1f} %; vs Naive ({naive.smape:.2f}): "
                     f"{100 * (d.smape / naive.smape - 1):+.1f} %. Negative forecasts: {100 * d.negative:.1f} %. "
                     f"Series: {int(d.series)}.")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", choices=sorted(PANELS), help="panels to run (default: all)")
    ap.add_argument("--max-series", type=int, default=None, help="seeded subset per split, for exploration")
    ap.add_argument("--defaults-only", action="store_true", help="skip the anchors (exploration)")
    ap.add_argument("--pooled", action="store_true", help="tf.forecast(pooled=True): the global member in auto's pool")
    ap.add_argument("--declared-shocks", action="store_true", help="tf.forecast(shock_years=SHOCK_YEARS[panel])")
    ap.add_argument("--groups", action="store_true", help="tf.forecast(groups=GROUPS[panel]) in the defaults row")
    ap.add_argument("--also-options", action="store_true",
                    help="also rows with declared shocks (where SHOCK_YEARS has the panel) and with groups "
                         "(where GROUPS has it), same run")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/forecasting_results.md"))
    args = ap.parse_args()
    sections = []
    for key in args.only or list(PANELS):
        options = {"pooled": True} if args.pooled else {}
        if args.declared_shocks and key in SHOCK_YEARS:
            options["shock_years"] = SHOCK_YEARS[key]
        if args.groups and key in GROUPS:
            options["groups"] = GROUPS[key]
        also = {}
        if args.also_options:
            if key in SHOCK_YEARS:
                also[f"shock_years={SHOCK_YEARS[key]}"] = {"shock_years": SHOCK_YEARS[key]}
            if key in GROUPS and not args.groups:
                also[f"groups={list(GROUPS[key])}"] = {"groups": GROUPS[key]}
        table = run_panel(key, args.max_series, args.defaults_only, also, **options)
        sections.append(f"### {table.attrs['title']}\n\n" + to_markdown(table))
        Path(args.out).write_text("\n\n".join(sections) + "\n")  # after each panel: a long run keeps what it did
    print("\n\n".join(sections))


if __name__ == "__main__":
    main()
