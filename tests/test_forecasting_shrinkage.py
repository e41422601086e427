"""auto's trend shrinkage (forecasts pulled toward the last value when the trend is noise) and the
calibration of intervals on panels whose selection backtest is too small; the backtest sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import InputError
from talentforecast.forecasting import backtest, forecast
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting.auto import DEFAULTS, select, trend_weight


def mixed_panel(seed: int = 3) -> pd.DataFrame:
    """20 noisy series without trend and 20 with a clear one, 10 years each."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(40):
        slope, noise = (0.0, 4.0) if i < 20 else (5.0, 1.0)
        y = 100 + np.cumsum(slope + rng.normal(0, noise, 10))
        rows += [(f"s{i}", 2010 + t, float(y[t])) for t in range(10)]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"])


def test_trend_weight_keeps_clear_trends_and_drops_noise():
    assert trend_weight(np.arange(10.0), 1.0) == 1.0  # changes without spread: nothing to shrink
    assert trend_weight(np.array([5.0, 7.0, 4.0, 8.0, 5.0, 7.0]), 1.0) == 0.0  # t = 0.3
    clear = np.array([10.0, 12.0, 13.0, 16.0, 17.0, 19.0])
    assert 0.9 < trend_weight(clear, 1.0) < 1.0
    assert trend_weight(clear, 4.0) < trend_weight(clear, 1.0)  # a larger c shrinks more
    assert trend_weight(clear, 0.0) == 1.0 and trend_weight(np.array([1.0, 5.0]), 1.0) == 1.0


def test_default_shrinkage_comes_from_the_shipped_params():
    sel = forecast(mixed_panel(), h=3).attrs["auto"]
    assert DEFAULTS["trend_shrinkage"] == 0.0 and sel.trend_shrinkage == DEFAULTS["trend_shrinkage"]
    assert forecast(mixed_panel(), h=3, trend_shrinkage=1).attrs["auto"].trend_shrinkage == 1.0


def test_shrinkage_moves_each_forecast_toward_its_last_value_by_its_weight():
    df = mixed_panel()
    on, off = forecast(df, h=3, trend_shrinkage=1), forecast(df, h=3, trend_shrinkage=0)
    assert on.attrs["auto"].members == off.attrs["auto"].members  # chosen before shrinking
    weights = []
    for uid, g in df.groupby("unique_id", sort=False):
        y = g["y"].to_numpy()
        w = trend_weight(y, 1.0)
        a = on.loc[on.unique_id == uid, "y_hat"].to_numpy()
        b = off.loc[off.unique_id == uid, "y_hat"].to_numpy()
        np.testing.assert_allclose(a - y[-1], w * (b - y[-1]), rtol=1e-9, atol=1e-9)
        weights.append(w)
    weights = np.array(weights)
    assert (weights[:20] < 0.5).mean() > 0.5  # most trendless series are pulled to their last value
    assert (weights[20:] > 0.9).all()  # clear trends are kept
    lo, hi = on["y_lo_80"].to_numpy(), on["y_hi_80"].to_numpy()
    assert (lo <= on["y_hat"]).all() and (on["y_hat"] <= hi).all()


def test_same_seed_same_output_with_shrinkage():
    df = mixed_panel()
    pd.testing.assert_frame_equal(forecast(df, h=3, seed=2, trend_shrinkage=1),
                                  forecast(df, h=3, seed=2, trend_shrinkage=1))


@pytest.mark.parametrize("bad", [-1.0, float("nan"), "1", True])
def test_bad_trend_shrinkage_is_an_input_error(bad):
    with pytest.raises(InputError, match="trend_shrinkage"):
        forecast(mixed_panel(), h=2, trend_shrinkage=bad)


def test_backtest_passes_trend_shrinkage():
    df = mixed_panel()[lambda d: d.unique_id.isin([f"s{i}" for i in range(0, 40, 4)])]
    a = backtest(df, h=2, n_windows=1)
    b = backtest(df, h=2, n_windows=1, trend_shrinkage=1)
    assert not np.allclose(a["y_hat"], b["y_hat"])


def test_small_backtest_is_calibrated_on_every_series_and_shorter_windows():
    # 5 series of 12 years and 40 of 6, h=2: only the 5 long ones reach the selection windows (6
    # training years), 25 cases (5 windows each); too few for 95 % tails, so the
    # intervals are calibrated on windows down to 4 years on every series: 5 × 7 + 40 × 1 cases
    rng = np.random.default_rng(7)
    rows = []
    for i in range(45):
        n = 12 if i < 5 else 6
        y = 50 + np.cumsum(rng.normal(1, 2, n))
        rows += [(f"s{i}", 2024 - n + t, float(y[t])) for t in range(n)]
    sel = forecast(pd.DataFrame(rows, columns=["unique_id", "ds", "y"]), h=2).attrs["auto"]
    assert sel.n_cases == 25
    assert sel.n_calibration == 75
    assert set(sel.quantiles) == {(lv, k) for lv in (80, 95) for k in range(2)}


def test_no_shrinkage_when_exogenous_drivers_are_used():
    rng = np.random.default_rng(9)
    rows, fut = [], []
    for i in range(3):
        x = np.exp(np.cumsum(rng.normal(0.05, 0.08, 13))) * (1 + i)  # not log-linear in time
        y = 20 * x**0.8 * np.exp(rng.normal(0, 0.05, 13))
        rows += [(f"s{i}", 2008 + t, float(y[t]), float(x[t])) for t in range(10)]
        fut += [(f"s{i}", 2018 + t, float(x[10 + t])) for t in range(3)]
    df = pd.DataFrame(rows, columns=["unique_id", "ds", "y", "x"])
    future = pd.DataFrame(fut, columns=["unique_id", "ds", "x"])
    fc = forecast(df, h=3, level=(), exog=["x"], future_exog=future)
    assert fc.attrs["auto"].trend_shrinkage == 0.0
    # asked for explicitly where it cannot apply: an error, not silently ignored
    with pytest.raises(InputError, match="trend_shrinkage"):
        forecast(df, h=3, level=(), exog=["x"], future_exog=future, trend_shrinkage=1)
    with pytest.raises(InputError, match="trend_shrinkage"):
        forecast(df[df.unique_id == "s0"][["unique_id", "ds", "y"]], h=2, models="drift", trend_shrinkage=1)
    # the same for auto's backtest windows: another model would ignore them
    one = df[df.unique_id == "s0"][["unique_id", "ds", "y"]]
    with pytest.raises(InputError, match="n_windows"):
        forecast(one, h=2, models="drift", n_windows=3)
    for bad in (0, 2.5, True):
        with pytest.raises(InputError, match="n_windows"):
            forecast(one, h=2, n_windows=bad)


def test_backtest_sample_is_a_budget_of_training_values(monkeypatch):
    # 600 series of 7 years, h = 3: one origin of 4 training years each; the budget (20000 values,
    # auto.toml) pays for all 600; a budget of 2000 for 500 of them
    rng = np.random.default_rng(3)
    series = [Series(f"s{i}", np.arange(2010, 2017), 50 + np.cumsum(rng.normal(1, 2, 7))) for i in range(600)]
    assert select(series, 3, (80,), pool=("naive", "drift")).n_cases == 600
    assert select(series, 3, (80,), pool=("naive", "drift"), backtest_values=2000).n_cases == 500
    # backtest_cases per call as in auto.toml: 50 long series get 300 // 50 = 6 -> n_windows (5)
    # origins each by default, 100 // 50 = 2 with backtest_cases=100
    few = [Series(f"f{i}", np.arange(2000, 2020), 50 + np.cumsum(rng.normal(1, 2, 20))) for i in range(50)]
    assert select(few, 3, (80,), pool=("naive", "drift")).n_cases == 250
    assert select(few, 3, (80,), pool=("naive", "drift"), backtest_cases=100).n_cases == 100
    # a wide panel of long series: one origin each, as many series as the budget pays for (budget // 17)
    budget = DEFAULTS["backtest_values"]
    long = [Series(f"l{i}", np.arange(2000, 2020), 50 + np.cumsum(rng.normal(1, 2, 20))) for i in range(budget // 17 + 100)]
    wide = select(long, 3, (80,), pool=("naive", "drift"))
    assert wide.n_cases == budget // 17
    # the older origins (calibration_origins = 20, as far back as 6 training years allow: 11 of
    # a 20-year series at h = 3) on 100 of the sampled series
    assert wide.n_calibration == budget // 17 + 100 * 11
    # a panel of few series: up to n_windows origins of each (5 x 5)
    assert select(long[:5], 3, (80,), pool=("naive", "drift")).n_cases == 25
    monkeypatch.setitem(DEFAULTS, "backtest_values", 170)
    assert select(long, 3, (80,), pool=("naive", "drift")).n_cases == 10
