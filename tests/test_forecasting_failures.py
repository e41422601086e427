"""Failures are visible: bugs propagate, fallbacks are labelled, warned about and listed; one
interval naming; no global warning filters."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.errors import ModelError, TalentForecastWarning
from talentforecast.forecasting import (
    MODELS,
    Capabilities,
    ForecastModel,
    backtest,
    forecast,
    get_model,
    hierarchy,
    reconcile,
    register,
)
from talentforecast.forecasting._failures import EXPECTED_FAILURES, third_party


def series(n: int, uid: str = "a", start: float = 10.0) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": uid, "ds": range(2000, 2000 + n),
                         "y": start + 2.0 * np.arange(n) + np.sin(np.arange(n))})


@pytest.fixture
def registered():
    """Register throw-away models; the registry is restored afterwards."""
    added = []

    def add(name: str, fit):
        cls = type(name, (ForecastModel,), {
            "name": name, "capabilities": Capabilities(intervals=False, exogenous=False, min_length=1),
            "_fit": lambda self: fit(self), "_predict": lambda self, h, level, X: {"mean": np.full(h, self.y_[-1])}})
        register(cls)
        added.append(name)
        return name

    yield add
    for name in added:
        del MODELS[name]


@pytest.mark.parametrize("exc", [AttributeError("no attr"), TypeError("bad call"), KeyError("k"),
                                 NameError("x"), ValueError("our own bug")])
def test_a_bug_in_a_model_propagates(registered, exc):
    def fit(self):
        raise exc

    name = registered("buggy", fit)
    with pytest.raises(type(exc)):
        forecast(series(8), h=2, models=name)
    with pytest.raises(type(exc)):
        forecast(series(8), h=2, models=[name, "drift"])


def test_an_expected_failure_falls_back_and_is_recorded(registered):
    def fit(self):
        raise ModelError("cannot fit this series")

    name = registered("refuses", fit)
    df = pd.concat([series(8, "a"), series(8, "b", 20.0)], ignore_index=True)
    with pytest.warns(TalentForecastWarning, match=r"2 of 2 series forecasts .*2 × refuses → theta \(fit_failed\)"):
        fc = forecast(df, h=2, models=name)
    assert set(fc.requested) == {name} and set(fc.model) == {"theta"}
    assert fc.attrs["fallbacks"] == [
        {"unique_id": u, "requested": name, "model": "theta", "reason": "fit_failed", "detail": "cannot fit this series"}
        for u in ("a", "b")]
    assert issubclass(TalentForecastWarning, UserWarning) and tf.TalentForecastWarning is TalentForecastWarning


def test_two_requested_models_on_a_short_series_are_told_apart():
    with pytest.warns(TalentForecastWarning, match=r"1 of 2 series forecasts.*theta → drift \(too_short\)"):
        fc = forecast(series(3), h=2, models=["theta", "drift"])
    assert fc[["requested", "model"]].drop_duplicates().values.tolist() == [["theta", "drift"], ["drift", "drift"]]
    assert len(fc) == 4 and not fc.duplicated(["requested", "ds"]).any()
    assert [(r["requested"], r["reason"]) for r in fc.attrs["fallbacks"]] == [("theta", "too_short")]
    assert "needs at least 4 observations, got 3" in fc.attrs["fallbacks"][0]["detail"]


def test_a_third_party_fit_failure_is_an_expected_failure(monkeypatch):
    # statsforecast's damped AutoETS raises NotImplementedError("tiny datasets") on 7 points; its
    # declared min_length (8) keeps it from being tried there, so it is lowered to reach the raise
    monkeypatch.setattr(get_model("ets_damped"), "capabilities", Capabilities(True, False, 6))
    with pytest.warns(TalentForecastWarning, match="ets_damped → theta"):
        fc = forecast(series(7), h=2, models="ets_damped")
    (rec,) = fc.attrs["fallbacks"]
    assert rec["reason"] == "fit_failed" and "tiny datasets" in rec["detail"]
    with pytest.raises(ModelError, match="no model able"), third_party("ets"):
        raise Exception("no model able to be fitted")  # noqa: TRY002  what statsforecast raises
    with pytest.raises(TypeError), third_party("ets"):
        raise TypeError("a misuse of the library is a bug")
    assert ModelError in EXPECTED_FAILURES and TypeError not in EXPECTED_FAILURES


def test_no_fallback_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", TalentForecastWarning)
        fc = forecast(series(12), h=2, models="drift")
    assert fc.attrs["fallbacks"] == [] and fc.attrs["n_forecasts"] == 1


def test_model_warnings_are_not_swallowed_and_filters_untouched(registered):
    def fit(self):
        warnings.warn("a model's own warning", UserWarning, stacklevel=1)

    name = registered("noisy", fit)
    before = list(warnings.filters)
    with pytest.warns(UserWarning) as caught:
        fc = forecast(series(8), h=2, models=name)
    assert "a model's own warning" in {str(w.message) for w in caught}
    # it gives no interval and no other series has one: a random walk of the series' 7 yearly
    # changes (never a zero width), recorded
    assert fc.model.tolist() == ["noisy+walk_pi"] * 2 and fc.attrs["fallbacks"][0]["reason"] == "no_interval"
    assert (fc.y_hi_80 > fc.y_hat).all() and (fc.y_lo_80 < fc.y_hat).all()
    assert "intervals_from_walk" in {k for w in caught if hasattr(w.message, "details") for k in w.message.details}
    forecast(pd.concat([series(10, "a"), series(10, "b")]), h=2, models=["auto", "ets", "theta_log"])
    assert warnings.filters == before


def test_backtest_warns_once_with_cutoffs():
    df = pd.concat([series(12, "long"), series(6, "short")], ignore_index=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cv = backtest(df, h=2, n_windows=2, models="theta")
    ours = [w for w in caught if issubclass(w.category, TalentForecastWarning)]
    # windows leave 4 and 3 training years of "short"; theta needs 4
    assert len(ours) == 1 and "1 of 4 series forecasts" in str(ours[0].message)
    assert [(r["unique_id"], r["cutoff"], r["model"]) for r in cv.attrs["fallbacks"]] == [("short", 2002, "drift")]
    assert cv.groupby("cutoff").model.apply(set).to_dict() == {2002: {"drift"}, 2003: {"theta"},
                                                                 2008: {"theta"}, 2009: {"theta"}}
    assert set(cv.requested) == {"theta"}


def test_interval_columns_use_one_naming():
    rng = np.random.default_rng(0)
    b = pd.DataFrame([(r, i, t, 10.0 + t - 2000 + (r == "r2") + (i == "B") + rng.normal(0, 0.5)) for r in ["r1", "r2"]
                      for i in ["A", "B"] for t in range(2000, 2012)], columns=["region", "industry", "ds", "y"])
    fc = forecast(hierarchy(b, ["region", "industry"]).Y, h=2, models=["auto", "theta", "naive"])
    cv = backtest(series(12), h=2, n_windows=2, models=["auto", "ets"])
    rec = reconcile(b, fc[fc.requested == "theta"], ["region", "industry"], method="mint_shrink")
    for out in (fc, cv, rec):
        assert not [c for c in out.columns if "-" in c or c.startswith(("lo_", "hi_"))]
        assert {"y_hat", "y_lo_80", "y_hi_80", "y_lo_95", "y_hi_95", "requested", "model"} <= set(out.columns)
    assert set(rec.requested) == {"theta"} and rec.model.str.endswith("+mint_shrink").all()


def test_engine_path_carries_the_fallbacks():
    df = pd.concat([series(3, "short"), series(10, "long")], ignore_index=True)
    with pytest.warns(TalentForecastWarning):
        local = forecast(df, h=2, models=["theta", "auto"])
    with pytest.warns(TalentForecastWarning):
        native = forecast(df, h=2, models=["theta", "auto"], engine="native")
    pd.testing.assert_frame_equal(local, native)
    assert local.attrs["fallbacks"] == native.attrs["fallbacks"] and local.attrs["fallbacks"]


def test_a_panel_too_short_to_backtest_names_only_members_that_can_run():
    # six years, h = 3 (a province's enrolment): AutoETS needs 7 points, so the default
    # combination leaves it out instead of naming it and falling back on every series
    rng = np.random.default_rng(0)
    df = pd.DataFrame([(f"p{i}", 2016 + t, 100.0 + 5 * t + rng.normal(0, 2)) for i in range(40) for t in range(6)],
                      columns=["unique_id", "ds", "y"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TalentForecastWarning)
        fc = forecast(df, h=3)
    assert fc.attrs["auto"].label == "auto:mean(drift,dotheta)"
    assert fc.attrs["fallbacks"] == [] and set(fc.model) == {"auto:mean(drift,dotheta)"}
    assert not any("did not come from the requested model" in str(w.message) for w in caught)
    with pytest.warns(TalentForecastWarning, match="too_short"):
        one = forecast(df[df.unique_id == "p0"], h=2, models="ets")
    assert "needs at least 7 observations, got 6" in one.attrs["fallbacks"][0]["detail"]


def test_model_failures_say_it_in_chinese_and_a_fallback_records_the_english_text():
    with pytest.raises(ModelError) as err, third_party("ets"):
        raise Exception("no model able to be fitted")  # noqa: TRY002  what statsforecast raises
    assert err.value.render("zh") == "模型 'ets' 无法拟合：no model able to be fitted"
    with pytest.raises(ModelError) as err:
        get_model("theta_log")().fit(np.array([5.0, 0.0, 6.0, 7.0, 8.0, 9.0]))
    assert err.value.render("zh") == "模型 'theta_log' 要求所有数值都大于 0"
    df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2010), "y": [5.0, 0.0, *range(6, 14)]})
    with pytest.warns(TalentForecastWarning, match="theta_log → theta"):
        fc = forecast(df, h=2, models="theta_log")
    # the manifest's detail is English whatever the language, like the other details
    assert fc.attrs["fallbacks"][0]["detail"] == "model 'theta_log' needs strictly positive values"
