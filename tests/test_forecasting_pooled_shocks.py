"""auto's pooled (global) member and declared shock years (issue 23)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import InputError
from talentforecast.forecasting import AutoSelection, backtest, forecast, get_model
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting.auto import DEFAULTS, _pooled, auto_forecast, pool_for, select
from talentforecast.forecasting.pooled import PooledRidge
from talentforecast.forecasting.shocks import adjust


def cycle_panel(n: int = 40, years: int = 12, seed: int = 1) -> pd.DataFrame:
    """Series sharing one panel-wide cycle (a common shock every few years, then recovery) plus noise:
    a local model sees one noisy history, a pooled one sees the pattern 40 times."""
    rng = np.random.default_rng(seed)
    common = np.log(1.03) * np.arange(years) + 0.08 * np.sin(np.arange(years) * 1.3)
    rows = []
    for i in range(n):
        y = 50 * (1 + i) * np.exp(common + rng.normal(0, 0.01, years))
        rows += [(f"s{i}", 2000 + t, float(y[t])) for t in range(years)]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"])


def test_pooled_ridge_learns_the_panel_growth_and_skips_what_it_cannot_scale():
    ys = [np.array([80.0 * 1.04 ** t for t in range(9)]) * (i + 1) for i in range(6)]
    pred = PooledRidge(k=3).fit(ys, h=3).predict(ys + [np.array([5.0, 0.0, 4.0, 6.0]), np.array([7.0])], level=(80,))
    np.testing.assert_allclose(pred["mean"][:6] / np.array([y[-1] for y in ys])[:, None], np.broadcast_to(1.04 ** np.arange(1, 4), (6, 3)),
                               rtol=1e-3)
    assert np.isnan(pred["mean"][6:]).all()  # a zero cannot be scaled in logs; one value is no window
    assert (pred["lo-80"][:6] <= pred["mean"][:6]).all() and (pred["mean"][:6] <= pred["hi-80"][:6]).all()


def test_huber_fit_keeps_one_wild_series_from_moving_the_panel_growth():
    ys = [np.array([80.0 * 1.04 ** t for t in range(9)]) * (i + 1) for i in range(12)]
    wild = ys[:11] + [ys[11] * np.where(np.arange(9) % 2 == 0, 1.0, 4.0)]  # one series jumps x4 every other year
    clean = PooledRidge(k=3).fit(ys, h=1).predict(ys[:1])["mean"][0, 0]
    ls = PooledRidge(k=3).fit(wild, h=1).predict(ys[:1])["mean"][0, 0]
    robust = PooledRidge(k=3, huber=2.5).fit(wild, h=1).predict(ys[:1])["mean"][0, 0]
    assert abs(robust - clean) < 0.2 * abs(ls - clean)
    assert DEFAULTS["pooled_huber"] == 2.5


def test_pooled_member_sees_only_the_years_before_each_backtest_origin():
    df = cycle_panel()
    panel = [Series(u, g.ds.to_numpy(), g.y.to_numpy()) for u, g in df.groupby("unique_id", sort=True)]
    cut = 12 - 2 - 1  # a backtest case of window 1 (h = 2): 9 training years
    cases = [Series(s.uid, s.ds[:cut], s.y[:cut]) for s in panel[:5]]
    before = _pooled(cases, panel, 2, ())
    changed = [Series(s.uid, s.ds, np.concatenate([s.y[:cut], s.y[cut:] * 3])) for s in panel]  # later years
    after = _pooled(cases, changed, 2, ())
    for a, b in zip(before, after, strict=True):
        assert a.model == "pooled"
        np.testing.assert_array_equal(a.pred["mean"], b.pred["mean"])


def test_pooled_is_an_option_of_auto_that_the_backtest_can_choose():
    df = cycle_panel()
    assert DEFAULTS["pooled_member"] is True and "pooled" in pool_for(False)
    assert "pooled" not in pool_for(False, pooled=False)
    off = forecast(df, h=2, pooled=False)
    on = forecast(df, h=2)
    assert not any("pooled" in m for m in off.attrs["auto"].scores["members"])
    assert any("pooled" in m for m in on.attrs["auto"].scores["members"])
    assert "pooled" in on.attrs["auto"].members  # the shared cycle is what the pooled member learns
    assert on.attrs["fallbacks"] == [] and (on["y_hat"] >= 0).all()
    pd.testing.assert_frame_equal(on, forecast(df, h=2, pooled=True))  # same seed, same output
    assert (on["y_lo_80"] <= on["y_hat"]).all() and (on["y_hat"] <= on["y_hi_80"]).all()


def test_where_the_pooled_member_runs_every_combination_holds_it():
    df = cycle_panel()
    series = [Series(u, g.ds.to_numpy(), g.y.to_numpy()) for u, g in df.groupby("unique_id", sort=True)]
    pool = pool_for(False, pooled=True)
    assert DEFAULTS["pooled_required"] is True
    req = select(series, 2, (80,), pool=pool)
    free = select(series, 2, (80,), pool=pool, pooled_required=False)
    assert all("pooled" in m for m in req.scores["members"]) and "pooled" in req.members
    assert any("pooled" not in m for m in free.scores["members"])  # without the rule, locals compete alone
    # where it cannot run (a value <= 0 in every series: no log scale) the rule does not apply
    zeros = [Series(s.uid, s.ds, np.where(np.arange(s.y.size) == 1, 0.0, s.y)) for s in series]
    sel = select(zeros, 2, (80,), pool=pool)
    assert "pooled" not in sel.members and any("pooled" not in m for m in sel.scores["members"])


def test_pooled_member_failing_on_a_series_is_recorded():
    df = cycle_panel()
    df.loc[(df.unique_id == "s0") & (df.ds == 2003), "y"] = 0.0  # a zero: the pooled member cannot scale it
    series = [Series(u, g.ds.to_numpy(), g.y.to_numpy()) for u, g in df.groupby("unique_id", sort=True)]
    sel = AutoSelection("mean", ("drift", "pooled"), pd.DataFrame(), {})
    out = auto_forecast(series, 2, (80,), sel)
    assert out[0].model == "auto:drift" and out[0].reason == "member_failed" and "pooled" in out[0].detail
    np.testing.assert_allclose(out[0].pred["mean"], get_model("drift")().fit(series[0].y).predict(2)["mean"])
    assert all(o.model == "auto:mean(drift,pooled)" and o.reason is None for o in out[1:])


def test_adjust_replaces_the_shock_change_by_the_typical_one_and_keeps_the_last_level():
    ds = np.arange(2001, 2011)
    y = 100 * 1.02 ** np.arange(10.0)
    y[-1] = y[-2] * 0.8  # a 20 % drop in 2010
    a, n = adjust(y, ds, [2010])
    assert n == 1 and a[-1] == y[-1]
    np.testing.assert_allclose(a[1:] / a[:-1], 1.02)  # the history is a clean 2 % trend ending at the new level
    same, n0 = adjust(y, ds, [1990, 2001, 2030])  # outside the history, or its first year: nothing to adjust
    assert n0 == 0 and np.array_equal(same, y)
    with_zero = np.array([3.0, 0.0, 5.0, 6.0])
    assert adjust(with_zero, np.arange(4), [2])[1] == 0  # next to a zero: not applied


def test_declared_shock_year_changes_the_trend_a_model_sees():
    rows = []
    for i in range(5):
        y = 100 * (i + 1) * 1.03 ** np.arange(10.0)
        y[-1] = y[-2] * 0.85
        rows += [(f"s{i}", 2010 + t, float(y[t])) for t in range(10)]
    df = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    plain = forecast(df, h=2, models="drift")
    declared = forecast(df, h=2, models="drift", shock_years=[2019])
    assert declared.attrs["shock_years"] == {"years": [2019], "series_adjusted": 5}
    assert plain.attrs["shock_years"] == {"years": [], "series_adjusted": 0}
    g = declared[declared.unique_id == "s0"]["y_hat"].to_numpy()
    last = df[(df.unique_id == "s0")]["y"].iloc[-1]
    np.testing.assert_allclose(g[0] / last, 1.03, rtol=0.01)  # the usual +3 %, not the drop carried on
    assert (plain[plain.unique_id == "s0"]["y_hat"].to_numpy() < g).all()
    auto = forecast(df, h=2, shock_years=[2019], pooled=True)
    pd.testing.assert_frame_equal(auto, forecast(df, h=2, shock_years=[2019], pooled=True))
    assert (auto["y_hat"] >= 0).all()
    bt = backtest(df, h=2, n_windows=2, models="drift", shock_years=[2019])
    assert len(bt) > 0


@pytest.mark.parametrize("kwargs", [{"shock_years": ["2009"]}, {"shock_years": 2009}, {"shock_years": [2009, 2009]},
                                    {"shock_years": [True]}, {"pooled": "yes"}, {"pooled": 1}])
def test_bad_pooled_or_shock_years_is_an_input_error_in_chinese(kwargs):
    with pytest.raises(InputError) as err:
        forecast(cycle_panel(n=3), h=2, **kwargs)
    zh = err.value.render("zh")
    assert ("shock_years" in zh or "pooled" in zh) and ("应为" in zh)
    assert "整数年份" in zh or "True、False" in zh


def test_pooled_asked_for_where_it_cannot_apply_is_an_error():
    from talentforecast.errors import InputError

    with pytest.raises(InputError, match="pooled"):
        forecast(cycle_panel(), h=2, models="drift", pooled=True)
