"""Behaviour of talentforecast.forecasting: output shape, intervals, fallbacks, errors, n_jobs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import InputError, ModelError, TalentForecastWarning
from talentforecast.forecasting import (
    MODELS,
    backtest,
    check_capabilities,
    evaluate,
    forecast,
    get_model,
)

COLS = ["unique_id", "ds", "requested", "model", "y_hat", "y_lo_80", "y_hi_80", "y_lo_95", "y_hi_95"]


VALUES = COLS[4:]


def panel(n_series: int = 6, n: int = 14, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        y = 100 + np.cumsum(rng.normal(2 + i % 3, 3, n))
        rows += [(f"s{i}", 2008 + t, float(y[t])) for t in range(n)]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"])


def degenerate() -> pd.DataFrame:
    rows = [("one", 2020, 5.0), ("two", 2019, 5.0), ("two", 2020, 6.0)]
    rows += [("zero", 2010 + t, 0.0) for t in range(11)] + [("flat", 2010 + t, 3.0) for t in range(11)]
    rows += [("falling", 2010 + t, max(50.0 - 12 * t, 0.5)) for t in range(11)]
    return pd.concat([panel(3), pd.DataFrame(rows, columns=["unique_id", "ds", "y"])], ignore_index=True)


@pytest.fixture(scope="module")
def auto_fc() -> pd.DataFrame:
    with pytest.warns(TalentForecastWarning, match="4 of 8 series forecasts"):
        return forecast(degenerate(), h=4)


def test_output_shape_and_columns(auto_fc):
    df = degenerate()
    assert list(auto_fc.columns) == COLS
    assert len(auto_fc) == df.unique_id.nunique() * 4
    last = df.groupby("unique_id").ds.max()
    for uid, g in auto_fc.groupby("unique_id"):
        assert g.ds.tolist() == list(range(last[uid] + 1, last[uid] + 5))


def test_interval_order_and_finite(auto_fc):
    v = auto_fc
    assert np.isfinite(v[VALUES].to_numpy()).all()
    assert (v.y_lo_95 <= v.y_lo_80 + 1e-9).all() and (v.y_lo_80 <= v.y_hat + 1e-9).all()
    assert (v.y_hat <= v.y_hi_80 + 1e-9).all() and (v.y_hi_80 <= v.y_hi_95 + 1e-9).all()


def test_fallback_for_each_degenerate_kind(auto_fc):
    m = auto_fc.groupby("unique_id").model.first()
    assert m["zero"] == "zero"
    assert m["flat"] == "constant"
    assert m["one"].startswith("naive")
    assert m["two"].startswith("drift")
    assert m["s0"].startswith("auto:")
    z = auto_fc[auto_fc.unique_id == "zero"]
    assert (z[VALUES].to_numpy() == 0).all()
    f = auto_fc[auto_fc.unique_id == "flat"]
    assert np.allclose(f.y_hat, 3.0)
    assert (auto_fc.requested == "auto").all()
    why = {r["unique_id"]: (r["model"], r["reason"]) for r in auto_fc.attrs["fallbacks"]}
    assert why == {"zero": ("zero", "all_zero"), "flat": ("constant", "constant"),
                   "one": (m["one"], "too_short"), "two": (m["two"], "too_short")}
    assert all(r["requested"] == "auto" for r in auto_fc.attrs["fallbacks"])


def test_failing_model_falls_back():
    # ets needs 6 points: on 5 it fails and the chain moves to theta
    df = panel(1, 5)
    with pytest.warns(TalentForecastWarning, match=r"1 of 1 .*ets → theta \(too_short\)"):
        fc = forecast(df, h=2, models="ets")
    assert fc.model.unique().tolist() == ["theta"]
    assert fc.attrs["fallbacks"] == [{"unique_id": "s0", "requested": "ets", "model": "theta", "reason": "too_short",
                                      "detail": "model 'ets' needs at least 7 observations, got 5"}]


def test_nonnegative_floors_forecasts_and_bounds(auto_fc):
    assert (auto_fc[VALUES] >= 0).all().all()
    fc = forecast(degenerate(), h=4, models="drift")
    falling = fc[fc.unique_id == "falling"]
    assert (falling.y_hat >= 0).all() and (falling.y_lo_95 == 0).any()
    raw = forecast(degenerate(), h=4, models="drift", nonnegative=False)
    assert (raw[raw.unique_id == "falling"].y_hat < 0).any()


def test_negative_history_with_nonnegative_is_an_error():
    df = panel(1).assign(y=lambda d: d.y - 1000)
    with pytest.raises(InputError, match="nonnegative=False"):
        forecast(df, h=2, models="naive")


def test_n_jobs_gives_identical_output():
    df = panel(8)
    a = forecast(df, h=3, n_jobs=1, models=["auto", "theta"])
    b = forecast(df, h=3, n_jobs=2, models=["auto", "theta"])
    pd.testing.assert_frame_equal(a, b)


def test_same_seed_same_output_and_levels():
    df = panel(4)
    a = forecast(df, h=2, level=[90], models="auto", seed=3)
    b = forecast(df, h=2, level=[90], models="auto", seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert [c for c in a.columns if c.startswith("y_")] == ["y_hat", "y_lo_90", "y_hi_90"]


def test_custom_column_names():
    df = panel(2).rename(columns={"unique_id": "series", "ds": "year", "y": "value"})
    fc = forecast(df, h=2, models="naive", id_col="series", time_col="year", target_col="value")
    assert list(fc.columns[:2]) == ["series", "year"]


@pytest.mark.parametrize(
    "mutate, kwargs, match, match_zh",
    [
        (lambda d: d.drop(columns="ds"), {}, "'ds'", "名为 'ds' 的列"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), {}, "duplicated", "这一组合重复"),
        (lambda d: d.assign(y=d.y.astype(object).where(d.index != 3, "n/a")), {}, "finite number", "有限的数值"),
        (lambda d: d, {"h": 0}, "h >= 1", "不小于 1 的整数预测年数"),
        (lambda d: d.assign(ds=d.ds.astype(float) + 0.5), {}, "integer year", "整数年份"),
        (lambda d: d[d.ds != 2012], {}, "consecutive years", "年份连续"),
    ],
)
def test_bad_input_raises_clear_input_error(mutate, kwargs, match, match_zh):
    """Every problem is said in Chinese (the default) and in English."""
    args = {"h": 2, **kwargs}
    with pytest.raises(InputError) as err:
        forecast(mutate(panel(2)), models="naive", **args)
    assert match_zh in err.value.render("zh") and match in err.value.render("en")
    assert all(p.expected_zh for p in err.value.problems)


def test_row_is_named_in_error():
    df = panel(2)
    df["y"] = df["y"].astype(object)
    df.loc[3, "y"] = "n/a"
    with pytest.raises(InputError) as err:
        forecast(df, h=2)
    assert err.value.problems[0].row == 5 and err.value.problems[0].column == "y"


def test_unknown_model_and_exog_capability():
    df = panel(2)
    with pytest.raises(ModelError) as err:
        forecast(df, h=2, models="nope")
    assert "unknown model" in err.value.render("en") and "未知模型 'nope'" in err.value.render("zh")
    df["x"] = np.linspace(1, 2, len(df))
    fut = pd.DataFrame({"unique_id": ["s0", "s1"] * 2, "ds": [2022, 2022, 2023, 2023], "x": 2.0})
    with pytest.raises(ModelError) as err:
        forecast(df, h=2, models="theta", exog=["x"], future_exog=fut)
    assert "cannot use exogenous" in err.value.render("en") and "不能使用外生变量" in err.value.render("zh")
    with pytest.raises(InputError, match="future"):
        forecast(df, h=2, models="loglog", exog=["x"])


def test_capabilities_declared_and_checked_once():
    for name, cls in MODELS.items():
        cap = cls.capabilities
        assert cap.min_length >= 1 and cls.name == name
    with pytest.raises(ModelError) as err:
        check_capabilities(get_model("ets"), n_obs=3)
    assert "at least 7" in err.value.render("en") and "至少需要 7 个观测值" in err.value.render("zh")


def test_loglog_elasticity_with_exog():
    rng = np.random.default_rng(0)
    years = np.arange(2005, 2020)
    x = np.exp(np.linspace(0, 1.5, 15) + rng.normal(0, 0.05, 15))
    df = pd.DataFrame({"unique_id": "a", "ds": years, "y": 50 * x**0.7, "x": x})
    fut = pd.DataFrame({"unique_id": "a", "ds": [2020, 2021], "x": [x[-1] * 1.1, x[-1] * 1.21]})
    fc = forecast(df, h=2, models="loglog", exog=["x"], future_exog=fut)
    assert fc.model.unique().tolist() == ["loglog"]
    assert np.allclose(fc.y_hat, 50 * fut.x**0.7, rtol=1e-3)
    m = get_model("loglog")().fit(df.y.to_numpy(), df[["x"]].to_numpy())
    assert abs(m.elasticities_[0] - 0.7) < 1e-6


def test_auto_with_exog_keeps_an_exog_member():
    rng = np.random.default_rng(2)
    rows = []
    for i in range(2):
        x = np.exp(np.linspace(0, 1, 16) + rng.normal(0, 0.03, 16))
        rows += [(f"s{i}", 2000 + t, float(20 * x[t] ** 0.8), float(x[t])) for t in range(16)]
    df = pd.DataFrame(rows, columns=["unique_id", "ds", "y", "x"])
    train, test = df[df.ds < 2013], df[df.ds >= 2013]
    fc = forecast(train, h=3, exog=["x"], future_exog=test.drop(columns="y"), n_windows=2)
    sel = fc.attrs["auto"]
    assert any(m in ("loglog", "llt") for m in sel.members)


def test_llt_and_prophet_tiny():
    df = panel(1, 10)
    fc = forecast(df, h=2, models=["llt", "prophet"])
    assert set(fc.model) == {"llt", "prophet"}
    assert np.isfinite(fc[VALUES].to_numpy()).all()


def test_backtest_and_evaluate():
    df = panel(4, 15)
    cv = backtest(df, h=3, n_windows=2, models=["naive", "drift"])
    assert {"cutoff", "y", "requested", "scale"} <= set(cv.columns)
    assert sorted(cv.cutoff.unique()) == [2018, 2019]
    assert cv.y.notna().all()
    ev = evaluate(cv)
    assert list(ev.requested) == ["drift", "naive"]
    assert ((ev.smape >= 0) & (ev.smape <= 200)).all()
    assert ((ev.coverage_80 >= 0) & (ev.coverage_80 <= 1)).all()
    assert (ev.msis_95 > 0).all() and (ev.n == 4 * 2 * 3).all()
    # drift on trending series beats naive
    assert ev.set_index("requested").loc["drift", "mase"] < ev.set_index("requested").loc["naive", "mase"]


def test_evaluate_metrics_by_hand():
    cv = pd.DataFrame({"requested": "m", "y": [10.0, 0.0], "y_hat": [5.0, 0.0], "scale": [5.0, 5.0],
                       "y_lo_80": [6.0, -1.0], "y_hi_80": [8.0, 1.0]})
    ev = evaluate(cv).iloc[0]
    assert ev.smape == pytest.approx((200 * 5 / 15 + 0) / 2)
    assert ev.mase == pytest.approx(0.5)
    assert ev.coverage_80 == 0.5
    assert ev.msis_80 == pytest.approx(((2 + 2 / 0.2 * 2) / 5 + 2 / 5) / 2)


def test_auto_result_prints():
    # the selection rides in .attrs; pandas compares attrs when it abbreviates a wide frame
    import pandas as pd

    from talentforecast.forecasting import forecast

    df = pd.DataFrame([{"unique_id": f"s{i}", "ds": 2000 + t, "y": 10.0 + i + t * (1 + i % 3)}
                       for i in range(40) for t in range(12)])
    fc = forecast(df, h=3, models="auto")
    with pd.option_context("display.max_rows", 10, "display.max_columns", 4):
        assert "rows x" in repr(fc)


def test_auto_backtests_short_panels():
    # 8 years, h=3: too short for windows of 6 training years (which left auto with no backtest, a
    # fixed combination and uncalibrated intervals); now one window of 5 years per series
    rng = np.random.default_rng(4)
    df = pd.DataFrame([(f"s{i}", 2010 + t, 100.0 + (2 + i % 3) * t + rng.normal(0, 2)) for i in range(30) for t in range(8)],
                      columns=["unique_id", "ds", "y"])
    fc = forecast(df, h=3, models="auto")
    sel = fc.attrs["auto"]
    assert sel.n_cases == 30
    assert not sel.scores.empty and set(sel.quantiles) == {(lv, k) for lv in (80, 95) for k in range(3)}
    assert sel.quantiles[(95, 2)][1] >= sel.quantiles[(80, 2)][1] > 0


def test_auto_never_chooses_a_member_that_cannot_run_on_most_series():
    # log members need y > 0; with a zero in most histories they would be named but absent
    rng = np.random.default_rng(5)
    rows = []
    for i in range(20):
        y = np.exp(np.linspace(3, 4, 15) + rng.normal(0, 0.02, 15))  # log-linear: log members would win
        if i < 15:
            y[0] = 0.0
        rows += [(f"s{i}", 2000 + t, float(y[t])) for t in range(15)]
    fc = forecast(pd.DataFrame(rows, columns=["unique_id", "ds", "y"]), h=2, models="auto")
    assert not any(m.endswith("_log") for m in fc.attrs["auto"].members)
    assert fc.attrs["fallbacks"] == []
