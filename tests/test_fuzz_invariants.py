"""Property tests (hypothesis) on invariants of stages that are on main.

Covered: forecasts are non-negative; reconciled forecasts are coherent; S/D bands are ordered
(a larger ratio never gets a band nearer to shortage); crosswalk weights used for allocation sum
to 1 per industry × level; warning rules are monotone in the employment rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def props(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@props(8)
@given(series=st.lists(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12), min_size=1, max_size=3),
       model=st.sampled_from(["auto", "theta", "drift", "naive"]))
def test_forecasts_are_non_negative(series, model):
    from talentforecast.forecasting import forecast

    df = pd.DataFrame([{"unique_id": f"s{i}", "ds": 2010 + k, "y": v}
                       for i, ys in enumerate(series) for k, v in enumerate(ys)])
    fc = forecast(df, h=3, models=model)
    values = fc[[c for c in fc.columns if c.startswith("y_")]].to_numpy(dtype=float)
    assert np.all(np.nan_to_num(values, nan=0.0) >= 0)


@props(100)
@given(ratios=st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=20))
def test_sd_bands_are_ordered(ratios):
    from talentforecast.matching.config import load_bands
    from talentforecast.matching.ratios import assign_band

    order = {b.id: i for i, b in enumerate(load_bands().bands)}
    r = np.sort(np.asarray(ratios))
    ranks = [order[b] for b in assign_band(r)]
    assert ranks == sorted(ranks)


@props(60)
@given(rows=st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from(["中职", "高职专科"]),
                               st.floats(0.001, 10, allow_nan=False)), min_size=1, max_size=15))
def test_allocation_weights_conserve_totals(rows):
    from talentforecast.demand.allocation import normalise_weights

    cw = pd.DataFrame([{"specialty": str(i), "industry": ind, "level": lv, "weight": w}
                       for i, (ind, lv, w) in enumerate(rows)])
    sums = normalise_weights(cw).groupby(["industry", "level"])["weight_used"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)


@props(6)
@given(levels=st.lists(st.floats(1, 1e4, allow_nan=False), min_size=4, max_size=4),
       slopes=st.lists(st.floats(-50, 50, allow_nan=False), min_size=4, max_size=4),
       method=st.sampled_from(["bottom_up", "mint_shrink", "ols"]))
def test_reconciled_forecasts_are_coherent(levels, slopes, method):
    from talentforecast.forecasting import forecast, hierarchy, reconcile

    keys = ["region", "industry"]
    cells = [("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")]
    rng = np.random.default_rng(0)
    bottom = pd.DataFrame([(r, i, t, max(lv + sl * (t - 2010) + rng.normal(0, 1 + lv / 50), 0.0))
                           for (r, i), lv, sl in zip(cells, levels, slopes, strict=True)
                           for t in range(2010, 2022)], columns=[*keys, "ds", "y"])
    hz = hierarchy(bottom, keys)
    rec = reconcile(bottom, forecast(hz.Y, h=2, models="drift"), keys, method=method)
    v = rec.pivot(index="ds", columns="unique_id", values="y_hat")
    S = hz.S.set_index("unique_id")
    for node, row in S.iterrows():
        kids = [c for c, on in zip(S.columns, row, strict=True) if on]
        assert np.allclose(v[node], v[kids].sum(axis=1), rtol=1e-7, atol=1e-5), node


SEVERITY = {"green": 0, "blue": 0, "yellow": 1, "orange": 2, "red": 3}


@props(40)
@given(rates=st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=4),
       cut=st.floats(0, 0.5, allow_nan=False), year=st.integers(0, 3),
       policy=st.sampled_from(["moe-2011", "province-tiered"]))
def test_lower_employment_rate_never_gives_a_milder_level(rates, cut, year, policy):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from warning_cases import one, quality

    from talentforecast.warning import evaluate_warnings

    years = {2020 + k: r for k, r in enumerate(rates)}
    worse = dict(years)
    y = 2020 + min(year, len(rates) - 1)
    worse[y] = max(worse[y] - cut, 0.0)
    level = {name: one(evaluate_warnings({"quality": quality(q)}, policy=policy, as_of=max(q)))["warning_level"]
             for name, q in (("base", years), ("worse", worse))}
    assert SEVERITY[level["worse"]] >= SEVERITY[level["base"]], (years, worse, level)
