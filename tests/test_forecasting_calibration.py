"""Calibrated intervals of models="auto": how far back the calibration reaches, and panels too
short for a whole h-year backtest window."""

import numpy as np
import pandas as pd
import pytest

from talentforecast.forecasting import forecast
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting.auto import DEFAULTS, select


def walks(n_series: int, n_years: int, seed: int) -> np.ndarray:
    """Log random walks with a drift that differs by series (rows: series)."""
    rng = np.random.default_rng(seed)
    drift = rng.normal(0.02, 0.02, (n_series, 1))
    return 100 * np.exp(np.cumsum(drift + rng.normal(0, 0.04, (n_series, n_years)), axis=1))


def frame(Y: np.ndarray, first: int = 2016) -> pd.DataFrame:
    return pd.DataFrame([(f"s{i}", first + t, float(v)) for i, row in enumerate(Y) for t, v in enumerate(row)],
                        columns=["unique_id", "ds", "y"])


def test_short_panel_is_calibrated_on_the_steps_it_has_and_extends_the_rest():
    # 6 years, h = 3: no whole 3-year window leaves 4 training years; origins after 4 and 5 years
    # give step 1 (2 cases a series) and step 2 (1 case); step 3 is extended from step 2
    Y = walks(40, 6, 1)
    sel = select([Series(f"s{i}", np.arange(2016, 2022), y) for i, y in enumerate(Y)], 3, (80, 95))
    assert sel.n_cases == 0 and sel.n_calibration == 80
    assert sel.extrapolated_steps == (2,)
    assert set(sel.quantiles) == {(lv, k) for lv in (80, 95) for k in range(3)}
    g = DEFAULTS["horizon_growth"]
    for lv in (80, 95):
        lo, hi = sel.quantiles[(lv, 1)]
        assert sel.quantiles[(lv, 2)] == pytest.approx((lo * 1.5**g, hi * 1.5**g))
        assert sel.quantiles[(lv, 0)][0] < 0 < sel.quantiles[(lv, 0)][1]


def test_step_with_too_few_cases_is_extended_not_estimated():
    # 20 series: step 2 has 20 cases (< 30), so steps 2 and 3 are extended from step 1
    Y = walks(20, 6, 2)
    sel = select([Series(f"s{i}", np.arange(2016, 2022), y) for i, y in enumerate(Y)], 3, (80,))
    assert sel.extrapolated_steps == (1, 2)
    lo, hi = sel.quantiles[(80, 0)]
    assert sel.quantiles[(80, 2)] == pytest.approx((lo * 3 ** DEFAULTS["horizon_growth"], hi * 3 ** DEFAULTS["horizon_growth"]))


@pytest.mark.parametrize("seed", [3, 4])
def test_short_panel_intervals_cover_held_out_years(seed):
    # the members' own intervals on 6 years covered 0.67 of real enrolment panels' held-out years;
    # calibrated, a panel of random walks is covered at about the nominal rate
    Y = walks(300, 9, seed)
    fc = forecast(frame(Y[:, :6]), h=3, level=(80, 95))
    actual = frame(Y).rename(columns={"y": "actual"})
    m = fc.merge(actual, on=["unique_id", "ds"])
    assert len(m) == 900
    for lv, (low, high) in {80: (0.72, 0.90), 95: (0.89, 1.0)}.items():
        cov = ((m.actual >= m[f"y_lo_{lv}"]) & (m.actual <= m[f"y_hi_{lv}"])).mean()
        assert low <= cov <= high, (lv, cov)


def test_calibration_reaches_back_calibration_origins(monkeypatch):
    # 60 series of 30 years, h = 2: the choice uses 5 origins; the calibration goes back to
    # calibration_origins (20), all of which leave 6 training years
    Y = walks(60, 30, 5)
    series = [Series(f"s{i}", np.arange(1995, 2025), y) for i, y in enumerate(Y)]
    sel = select(series, 2, (80,), pool=("naive", "drift"))
    n = sel.n_cases // 5  # series the budget of training values pays for
    assert sel.n_cases == n * 5 and 0 < n <= 60
    assert sel.n_calibration == n * 20
    monkeypatch.setitem(DEFAULTS, "calibration_origins", 5)
    assert select(series, 2, (80,), pool=("naive", "drift")).n_calibration == n * 5


def test_extended_intervals_are_warned_about_with_their_steps():
    from talentforecast.errors import TalentForecastWarning

    with pytest.warns(TalentForecastWarning, match="extended") as rec:
        fc = forecast(frame(walks(40, 6, 6)), h=3, models="auto", level=(80,))
    got = [w.message.details for w in rec if "intervals_extended" in getattr(w.message, "details", {})]
    assert got == [{"intervals_extended": [3], "calibrated_steps": 2, "n_calibration": 80,
                    "growth": DEFAULTS["horizon_growth"]}]
    assert fc.attrs["auto"].extrapolated_steps == (2,)
    # a panel long enough for whole windows: nothing extended, nothing said
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        forecast(frame(walks(40, 12, 6)), h=3, level=(80,))
    assert not [w for w in caught if "intervals_extended" in getattr(w.message, "details", {})]


def test_exogenous_drivers_are_used_on_a_panel_too_short_to_backtest():
    # 6 years, h = 3: nothing to choose on; the drivers must still reach the forecast
    rng = np.random.default_rng(8)
    rows, fut = [], []
    for i in range(40):
        x = np.exp(np.cumsum(rng.normal(0.05, 0.08, 9)))
        y = 20 * x**0.8 * np.exp(rng.normal(0, 0.05, 9))
        rows += [(f"s{i}", 2016 + t, float(y[t]), float(x[t])) for t in range(6)]
        fut += [(f"s{i}", 2022 + t, float(x[6 + t])) for t in range(3)]
    df = pd.DataFrame(rows, columns=["unique_id", "ds", "y", "x"])
    future = pd.DataFrame(fut, columns=["unique_id", "ds", "x"])
    fc = forecast(df, h=3, exog=["x"], future_exog=future)
    assert fc.attrs["auto"].label == "auto:mean(drift,loglog)"
    doubled = forecast(df, h=3, exog=["x"], future_exog=future.assign(x=future.x * 2))
    # the drivers move the forecast (up on the whole: y grows with x, elasticity 0.8)
    assert doubled.y_hat.mean() > 1.2 * fc.y_hat.mean()


def test_uncalibrated_intervals_are_warned_about():
    from talentforecast.errors import TalentForecastWarning

    # 5 series of 6 years, h = 3: 10 cases of step 1, fewer than the 30 a step needs
    with pytest.warns(TalentForecastWarning, match="uncalibrated") as rec:
        fc = forecast(frame(walks(5, 6, 9)), h=3, level=(80,))
    assert fc.attrs["auto"].quantiles == {}
    assert [w.message.details for w in rec if "intervals_uncalibrated" in getattr(w.message, "details", {})] == [
        {"intervals_uncalibrated": True, "n_calibration": 0}]
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # no intervals asked for: nothing to say
        warnings.simplefilter("always")
        forecast(frame(walks(5, 6, 9)), h=3, level=())
    assert not [w for w in caught if "intervals_uncalibrated" in getattr(w.message, "details", {})]


def _policy_rates() -> pd.DataFrame:
    """Entry rates as policy moves them: five held flat and then doubled (2014) and raised again
    (2019), four that jumped in 2011 and fell in 2021 (the example region's rates look like this)."""
    rng = np.random.default_rng(7)
    years = np.arange(2010, 2025)
    rows = []
    for i in range(5):
        v = (0.06 + 0.02 * i) * np.where(years >= 2014, 2.0, 1.0) * np.where(years >= 2019, 1.5, 1.0)
        rows += [(f"up{i}", y, x) for y, x in zip(years, v * (1 + 0.01 * rng.standard_normal(years.size)), strict=True)]
    for i in range(4):
        v = (0.12 + 0.03 * i) * np.where(years >= 2011, 1.8, 1.0) * np.where(years >= 2021, 0.65, 1.0)
        rows += [(f"mid{i}", y, x) for y, x in zip(years, v * (1 + 0.03 * rng.standard_normal(years.size)), strict=True)]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"])


def test_a_flat_spell_before_a_policy_jump_does_not_blow_up_every_series_bounds(monkeypatch):
    """Cases whose training years were a flat spell have near-zero MASE scales; the jump after it
    counts as dozens of scales. Shrinking each scale toward the panel's (scale_prior_changes)
    keeps those quantiles from giving other series 95 % bounds many times their level."""
    df = _policy_rates()
    ratios = {}
    for k in (0, 3):
        monkeypatch.setitem(DEFAULTS, "scale_prior_changes", k)
        fc = forecast(df, h=3, level=[95], seed=0)
        first = fc[(fc.ds == 2025) & fc.unique_id.str.startswith("mid")]
        ratios[k] = (first.y_hi_95 / first.y_hat).to_numpy()
    assert (ratios[0] > 10).all()  # the pathology: bounds 13-18 times the rate
    assert (ratios[3] <= 0.5 * ratios[0]).all()
    assert (ratios[3] > 1.5).all()  # still wide: the panel did double its rates twice


def test_the_scale_prior_leaves_long_or_typical_histories_alone(monkeypatch):
    from talentforecast.forecasting.auto import interval_scale, scale_of

    monkeypatch.setitem(DEFAULTS, "scale_prior_changes", 3)
    y = 100 + 10 * np.sin(np.arange(31))  # a typical series: its own relative scale is the panel's
    rel = scale_of(y) / np.mean(np.abs(y))
    assert interval_scale(y, rel) == pytest.approx(scale_of(y))
    flat = np.array([100.0, 100.5, 100.0, 100.5])  # three changes: pulled halfway (geometrically)
    assert interval_scale(flat, rel) == pytest.approx(np.sqrt(scale_of(flat) * rel * np.mean(flat)))
    assert interval_scale(np.full(5, 3.0), rel) == 0.0  # a constant history has no scale to shrink
    monkeypatch.setitem(DEFAULTS, "scale_prior_changes", 0)
    assert interval_scale(flat, rel) == scale_of(flat)


def test_a_later_year_never_gets_a_narrower_interval_than_an_earlier_one():
    # 300 cases in 3 calendar windows; at step 2 the windows differ (a common shock) and are modelled
    # with the t, at step 3 they do not and the errors happen to be tighter: the raw quantiles of
    # step 3 are narrower than step 2's, which would tell a planner the third year is surer
    from talentforecast.forecasting.calibration import calibrate

    rng = np.random.default_rng(3)
    n = 300
    origins = np.repeat([2010, 2011, 2012], n // 3)
    shock = np.repeat([-3.0, 0.5, 3.0], n // 3)
    A = np.column_stack([rng.normal(0, 1, n), shock + rng.normal(0, 1, n), rng.normal(0, 0.5, n)])
    q, windows = calibrate(A, np.zeros_like(A), np.ones(n), [80, 95], origins)
    assert windows == 3
    raw = np.quantile(A[:, 2], [0.1, 0.9])
    assert raw[1] < q[(80, 1)][1]  # the step-3 errors alone are tighter than step 2's interval
    for lv in (80, 95):
        for k in (1, 2):
            assert q[(lv, k)][0] <= q[(lv, k - 1)][0] and q[(lv, k)][1] >= q[(lv, k - 1)][1]
        assert q[(lv, 2)] == q[(lv, 1)]


def _coverage(n_series: int, n_years: int, seeds: range, h: int = 3) -> tuple[float, float, set]:
    """Mean 80 / 95 % coverage of the defaults on simulated walks cut after ``n_years``, and the labels."""
    cov, labels = {80: [], 95: []}, set()
    for seed in seeds:
        d = frame(walks(n_series, n_years + h, seed), first=2010)
        train, test = d[d.ds < 2010 + n_years], d[d.ds >= 2010 + n_years]
        with pytest.warns(Warning):
            fc = forecast(train, h=h, level=[80, 95], seed=0)
        got = fc.merge(test, on=["unique_id", "ds"])
        labels |= set(fc.model)
        for lv in cov:
            cov[lv].append(((got.y >= got[f"y_lo_{lv}"]) & (got.y <= got[f"y_hi_{lv}"])).mean())
    return float(np.mean(cov[80])), float(np.mean(cov[95])), labels


def test_uncalibrated_intervals_are_no_narrower_than_the_panels_yearly_changes():
    # 10 series of 5 years: too few cases to calibrate, so the members' own bounds, fit on five
    # points, were used as they were and covered about half the held-out years at 80 %
    c80, c95, labels = _coverage(10, 5, range(6))
    assert labels == {"auto:mean(drift,dotheta)"}
    assert 0.7 <= c80 <= 0.95 and 0.88 <= c95


def test_two_year_panel_gets_a_random_walk_band_and_a_one_year_panel_none():
    # no model gives an interval on 2 points; a zero width would claim certainty
    c80, c95, labels = _coverage(30, 2, range(4))
    assert labels == {"drift+walk_pi"}
    assert 0.7 <= c80 <= 0.95 and 0.88 <= c95
    one = frame(walks(8, 1, 0))
    with pytest.warns(Warning) as got:
        fc = forecast(one, h=2, level=[80])
    assert set(fc.model) == {"naive+no_pi"} and fc.y_lo_80.isna().all() and fc.y_hi_80.isna().all()
    walk = [w.message.details for w in got if "intervals_from_walk" in getattr(w.message, "details", {})]
    assert walk == [{"intervals_from_walk": False, "yearly_changes": 0}]
