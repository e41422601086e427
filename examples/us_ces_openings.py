"""Openings by industry from real data: US BLS CES annual employment by supersector.

1. Forecast employment 2019–2023 from data up to 2018 (the file ends in 2018) and turn it into
   openings = expansion + replacement with intervals.
2. Retrospective: forecast from origins 2013 (→ 2014–2018) and 2007 (→ 2008–2012, the Great
   Recession) and compare forecast expansion with the expansion the data show.

Run:  PYTHONPATH=src python examples/us_ces_openings.py [--models auto]
Results are discussed in docs/demand.md ("Real data: US CES").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.demand.employment import forecast_leaves
from talentforecast.demand.openings import openings

DATA = Path(__file__).resolve().parents[1] / "data" / "sources" / "us-ces-employment" / "us_ces_annual_average.csv"

# CES supersector → GB/T 4754 section whose shipped replacement rate we borrow (an assumption:
# the shipped rates are for China; this only makes the example self-contained)
SUPERSECTORS = {
    "10": ("Mining and logging", "B"), "20": ("Construction", "E"), "30": ("Manufacturing", "C"),
    "40": ("Trade, transportation, utilities", "F"), "50": ("Information", "I"),
    "55": ("Financial activities", "J"), "60": ("Professional and business services", "L"),
    "65": ("Education and health services", "Q"), "70": ("Leisure and hospitality", "H"),
    "80": ("Other services", "O"), "90": ("Government", "S"),
}


def load_ces() -> pd.DataFrame:
    """Annual CES employment (thousands) by supersector, long: region, industry, year, employed."""
    raw = pd.read_csv(DATA, dtype={"series_id": str})
    raw["industry"] = raw["series_id"].str[3:5]
    keep = raw["series_id"].str.endswith("00000001") & raw["industry"].isin(SUPERSECTORS)
    df = raw[keep & (raw["n_months"] == 12)]
    return pd.DataFrame({"region": "US", "industry": df["industry"], "year": df["year"].astype(int),
                         "employed": df["annual_avg_thousands"].astype(float)})


def rates() -> pd.DataFrame:
    from talentforecast.demand.params import replacement_rates

    base = replacement_rates().set_index("industry")["rate"]
    return pd.DataFrame({"region": "", "industry": list(SUPERSECTORS),
                         "rate": [base[s] for _, s in SUPERSECTORS.values()]})


def run(emp: pd.DataFrame, origin: int, h: int, models: str, start: int = 1990) -> pd.DataFrame:
    hist = emp[(emp["year"] <= origin) & (emp["year"] >= start)]
    fc = forecast_leaves(hist, horizon=h, models=models, seed=0)
    return openings(fc, rates(), n_paths=2000, seed=0), fc


def compare(emp: pd.DataFrame, origin: int, h: int, models: str) -> pd.DataFrame:
    op, fc = run(emp, origin, h, models)
    op = op[(op["year"] > origin) & (op["industry"] != "_T")]
    act = emp.sort_values("year").copy()
    act["actual_expansion"] = act.groupby("industry")["employed"].diff()  # net change, as forecast
    m = op.merge(act[["industry", "year", "employed", "actual_expansion"]], on=["industry", "year"])
    f = fc[~fc["observed"]].merge(act[["industry", "year", "employed"]], on=["industry", "year"])
    cover = f.assign(in80=(f["employed"] >= f["lo_80"]) & (f["employed"] <= f["hi_80"]),
                     in95=(f["employed"] >= f["lo_95"]) & (f["employed"] <= f["hi_95"]))
    per = m.groupby("industry").agg(forecast_expansion=("expansion", "sum"),
                                    actual_expansion=("actual_expansion", "sum"),
                                    replacement=("replacement", "sum"))
    per["name"] = [SUPERSECTORS[i][0] for i in per.index]
    per = per.join(cover.groupby("industry")[["in80", "in95"]].mean())
    per.loc["all"] = [per["forecast_expansion"].sum(), per["actual_expansion"].sum(), per["replacement"].sum(),
                      "all supersectors", cover["in80"].mean(), cover["in95"].mean()]
    return per


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="auto")
    args = ap.parse_args()
    emp = load_ces()
    pd.set_option("display.width", 160)
    op, _ = run(emp, 2018, 5, args.models)
    fut = op[~op["observed"]]
    print("Openings 2019–2023 from data up to 2018 (thousands):")
    cols = ["industry", "year", "expansion", "replacement", "value", "lo_80", "hi_80", "lo_95", "hi_95"]
    print(fut[fut["industry"] == "_T"][cols].round(0).to_string(index=False))
    tot = fut[fut["industry"] != "_T"].groupby("industry")[["expansion", "replacement", "value"]].sum()
    tot["name"] = [SUPERSECTORS[i][0] for i in tot.index]
    print("\nSum 2019–2023 by supersector (thousands):")
    print(tot.round(0).to_string())
    for origin in (2013, 2007):
        per = compare(emp, origin, 5, args.models)
        print(f"\nRetrospective from origin {origin} (years {origin + 1}–{origin + 5}, thousands): "
              "forecast vs actual expansion; share of actual employment inside the 80/95% intervals")
        print(per.round({"forecast_expansion": 0, "actual_expansion": 0, "replacement": 0, "in80": 2,
                         "in95": 2}).to_string())
        ratio = per.loc["all", "forecast_expansion"] / per.loc["all", "actual_expansion"]
        print(f"forecast / actual expansion, all supersectors: {ratio:.2f}")
    np.seterr(all="ignore")


if __name__ == "__main__":
    main()
