"""Use the library stage by stage from a script: forecast employment, compute openings, then look
at one specialty (专业) — its demand, supply and supply/demand ratio.

Run:  python examples/02_stage_by_stage.py [--horizon 5] [--fast] [--specialty 460103]
"""

from __future__ import annotations

import pandas as pd
from _options import FAST_PARAMS, parser

import talentforecast as tf
from talentforecast.demand import compute_demand
from talentforecast.forecasting import forecast
from talentforecast.matching import compute_matching
from talentforecast.supply import compute_supply


def main() -> None:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument("--specialty", default=None, help="6-digit specialty code (default: the one offered by most schools)")
    args = ap.parse_args()
    params = FAST_PARAMS if args.fast else {}
    bundle = tf.datasets.load_example()

    # 1. Forecast employment: any annual panel works (long table unique_id, ds, y).
    emp = bundle["employment"]
    city = emp.groupby(["industry", "year"], as_index=False)["employed"].sum()
    panel = city.rename(columns={"industry": "unique_id", "year": "ds", "employed": "y"})
    fc = forecast(panel, h=args.horizon, models=params.get("demand", {}).get("models", "auto"))
    print("城市分行业就业预测 employment forecast, manufacturing (C):")
    print(fc[fc.unique_id == "C"].round(0).to_string(index=False))

    # 2. Openings = expansion + replacement, per region × industry, with intervals.
    demand = compute_demand(bundle, horizon=args.horizon, params=params.get("demand"))
    op = demand["openings"]
    city_code = bundle["regions"].loc[bundle["regions"]["parent"].isna(), "region"].iloc[0]
    future = op[(op.region == city_code) & ~op.observed & (op.industry != "_T")]
    first = int(future.year.min())
    top = future[future.year == first].nlargest(5, "value")
    print(f"\n{first}年岗位空缺最多的行业 top openings by industry ({first}):")
    print(top[["industry", "expansion", "replacement", "value", "lo_80", "hi_80"]].round(0).to_string(index=False))

    # 3. One specialty: demand, supply and their ratio.
    supply = compute_supply(bundle, horizon=args.horizon, params=params.get("supply"))
    matching = compute_matching(bundle, demand, supply)
    spec = args.specialty
    if spec is None:
        enr = bundle["enrolment"]
        last = enr[enr.year == enr.year.max()]
        spec = last.groupby("specialty")["school"].nunique().idxmax()
    names = tf.catalogs.specialties().drop_duplicates("specialty").set_index("specialty")["specialty_name"]
    m = matching["matches"]
    rows = m[(m.region == city_code) & (m.specialty == spec) & (m.scenario == "baseline") & (m.year >= first - 3)]
    print(f"\n专业 {spec} {names.get(spec, '')}: 供给 supply, 需求 demand, 供需比 S/D, 分档 band")
    cols = ["year", "supply", "demand", "ratio_sd", "ratio_sd_lo_80", "ratio_sd_hi_80", "band_label", "observed"]
    with pd.option_context("display.width", 120):
        print(rows[cols].round(2).to_string(index=False))


if __name__ == "__main__":
    main()
