"""Intervals of models="auto" on panels whose errors share a calendar shock (a recession hits
every region at once): a calibration on a few calendar windows has seen a few draws of that shock."""

import numpy as np
import pandas as pd
import pytest

from talentforecast.forecasting import auto, forecast
from talentforecast.forecasting.calibration import SHOCK_GRID, common_shock_sample


def world(seed: int, common_sd: float, n_series: int = 40, n_years: int = 13) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Log growth = the series' drift + a shock common to the year + a small own shock; the last
    3 years are held out."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, common_sd, n_years)
    g = rng.normal(0.02, 0.01, (n_series, 1)) + common[None, :] + rng.normal(0, 0.005, (n_series, n_years))
    Y = 100 * np.exp(np.cumsum(g, axis=1))
    df = pd.DataFrame([(f"s{i}", 1970 + t, float(v)) for i, row in enumerate(Y) for t, v in enumerate(row)],
                      columns=["unique_id", "ds", "y"])
    return df[df.ds < 1970 + n_years - 3], df[df.ds >= 1970 + n_years - 3]


def coverage(train: pd.DataFrame, test: pd.DataFrame) -> tuple[float, int]:
    fc = forecast(train, h=3, level=[80], seed=0)
    m = test.merge(fc, on=["unique_id", "ds"], validate="one_to_one")
    return float(((m.y >= m["y_lo_80"]) & (m.y <= m["y_hi_80"])).mean()), fc.attrs["auto"].common_windows


def test_common_shock_seen_in_few_windows_widens_intervals_towards_nominal(monkeypatch):
    # 10 training years give two calendar windows of 3-year errors: the empirical quantiles have
    # seen two draws of the common shock and cover far less than 80 % of the held-out years
    new, off, windows = [], [], []
    for seed in range(12):
        train, test = world(seed, common_sd=0.03)
        cov, k = coverage(train, test)
        new.append(cov)
        windows.append(k)
        monkeypatch.setitem(auto.DEFAULTS, "common_shock_windows", 0)
        off.append(coverage(train, test)[0])
        monkeypatch.undo()
    assert min(windows) >= 2
    assert np.mean(off) < 0.65
    assert abs(np.mean(new) - 0.8) < abs(np.mean(off) - 0.8)
    assert np.mean(new) > 0.7


def test_no_common_shock_keeps_the_empirical_quantiles(monkeypatch):
    train, _ = world(3, common_sd=0.0)
    fc = forecast(train, h=3, level=[80, 95], seed=0)
    assert fc.attrs["auto"].common_windows == 0
    monkeypatch.setitem(auto.DEFAULTS, "common_shock_windows", 0)
    assert forecast(train, h=3, level=[80, 95], seed=0).attrs["auto"].quantiles == fc.attrs["auto"].quantiles


def test_many_windows_or_small_ones_keep_the_empirical_quantiles():
    rng = np.random.default_rng(0)
    shocks = rng.normal(0, 2, 12)
    r = np.concatenate([rng.normal(m, 0.3, 30) for m in shocks])
    many = np.repeat(np.arange(12), 30)
    assert common_shock_sample(r, many) == (None, 0)  # 12 windows: the empirical range holds the shock's
    sample, n = common_shock_sample(r[:90], many[:90])
    assert n == 3 and sample.size == 90 * SHOCK_GRID
    small = np.repeat(np.arange(45), 2)  # series ending in different years (M3): no calendar window
    assert common_shock_sample(r[:90], small) == (None, 0)


@pytest.mark.parametrize("level", [80, 95])
def test_common_shock_quantiles_are_centred_on_zero_not_on_the_windows_mean(level):
    # two windows that both under-forecast: a new window may as well over-forecast
    rng = np.random.default_rng(1)
    r = np.concatenate([rng.normal(3.0, 0.2, 40), rng.normal(2.0, 0.2, 40)])
    sample, n = common_shock_sample(r, np.repeat([1975, 1976], 40))
    assert n == 2
    a = (100 - level) / 200
    lo, hi = np.quantile(sample, [a, 1 - a])
    assert lo < -1.0 and hi > 1.0 and abs(lo + hi) < 0.2


def test_choice_is_made_within_windows_where_the_backtest_has_a_few(monkeypatch):
    train, _ = world(5, common_sd=0.03)
    monkeypatch.setitem(auto.DEFAULTS, "select_within_window", True)
    sel = forecast(train, h=3, level=[80], seed=0).attrs["auto"]
    scores = sel.scores
    assert "smape_within_window" in scores.columns  # 40 series x several origins: a few windows
    assert scores["smape_within_window"].is_monotonic_increasing
    assert tuple(scores.iloc[0]["members"]) == sel.members
    monkeypatch.setitem(auto.DEFAULTS, "select_within_window", False)
    plain = forecast(train, h=3, level=[80], seed=0).attrs["auto"].scores
    assert "smape_within_window" not in plain.columns and plain["smape"].is_monotonic_increasing
    # the plain sMAPE of every combination is the same either way: only the ranking key changed
    merged = scores.merge(plain, on=["aggregate", "members"], suffixes=("", "_plain"))
    assert len(merged) == len(plain) and np.allclose(merged["smape"], merged["smape_plain"])


def test_one_window_is_scored_as_observed(monkeypatch):
    # a 7-year panel at h = 3 has one backtest window: nothing to take out
    monkeypatch.setitem(auto.DEFAULTS, "select_within_window", True)
    train, _ = world(2, common_sd=0.03, n_years=10)
    assert "smape_within_window" not in forecast(train, h=3, seed=0).attrs["auto"].scores.columns


def test_common_shock_is_warned_about_with_its_windows():
    import warnings

    from talentforecast.errors import TalentForecastWarning

    train, _ = world(0, common_sd=0.03)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always", TalentForecastWarning)
        fc = forecast(train, h=3, level=[80], seed=0)
    got = [w.message.details for w in rec if "intervals_common_shock" in getattr(w.message, "details", {})]
    assert got == [{"intervals_common_shock": fc.attrs["auto"].common_windows,
                    "n_calibration": fc.attrs["auto"].n_calibration}]
    assert got[0]["intervals_common_shock"] >= 2
    calm, _ = world(3, common_sd=0.0)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always", TalentForecastWarning)
        forecast(calm, h=3, level=[80], seed=0)
    assert not [w for w in rec if "intervals_common_shock" in getattr(w.message, "details", {})]
