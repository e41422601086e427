"""Property tests (hypothesis) on invariants of stages that are on main.

Covered: forecasts are non-negative; S/D bands are ordered (a larger ratio never gets a band
nearer to shortage); crosswalk weights used for allocation sum to 1 per industry × level.
Reconciliation coherence and warning monotonicity: see docs/bad-input.md ("pending").
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
