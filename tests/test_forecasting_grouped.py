"""auto's group-growth member and forecast(groups=...) (issue 23: region × industry panels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import InputError
from talentforecast.forecasting import backtest, forecast
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting.auto import _grouped, pool_for

H = 3


def region_industry(seed: int = 3, regions: int = 25, years: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Short region × industry random walks whose industries drift at different rates: one series'
    own eight years cannot tell its drift from its noise, its industry's total (25 regions) can.
    Returns the training panel and the next H years."""
    rng = np.random.default_rng(seed)
    rates = {"A": 0.06, "B": 0.03, "C": 0.0, "D": -0.03, "E": -0.06}
    rows = []
    for r in range(regions):
        for ind, g in rates.items():
            level = 200.0 * (1 + r % 7) * np.exp(np.cumsum(g + rng.normal(0, 0.1, years + H)))
            rows += [(f"r{r}|{ind}", f"r{r}", ind, 2010 + t, float(v)) for t, v in enumerate(level)]
    d = pd.DataFrame(rows, columns=["unique_id", "region", "industry", "ds", "y"])
    last = 2010 + years - 1
    return d[d.ds <= last].reset_index(drop=True), d[d.ds > last].reset_index(drop=True)


def _smape(fc: pd.DataFrame, test: pd.DataFrame) -> float:
    m = test.merge(fc, on=["unique_id", "ds"])
    return float(np.mean(200 * np.abs(m.y - m.y_hat) / (np.abs(m.y) + np.abs(m.y_hat))))


def test_groups_let_auto_use_the_industry_trend_and_forecast_better():
    train, test = region_industry()
    plain = forecast(train[["unique_id", "ds", "y"]], h=H, seed=0)
    grouped = forecast(train, h=H, seed=0, groups=["region", "industry"])
    assert "grouped" in grouped.attrs["auto"].members
    assert "grouped" not in plain.attrs["auto"].members  # not in the pool without group columns
    assert _smape(grouped, test) < 0.97 * _smape(plain, test)
    assert grouped.attrs["auto"].calibrated((80, 95), H)
    assert (grouped.y_lo_80 <= grouped.y_hat).all() and (grouped.y_hat <= grouped.y_hi_80).all()


def test_the_grouped_member_of_a_backtest_case_sees_no_year_after_its_origin():
    train, _ = region_industry(years=10)
    panel = [Series(u, g.ds.to_numpy(), g.y.to_numpy(float), groups=(g.region.iloc[0], g.industry.iloc[0]))
             for u, g in train.groupby("unique_id")]
    cases = [Series(s.uid, s.ds[:-3], s.y[:-3]) for s in panel[:5]]
    before = np.array([r.pred["mean"] for r in _grouped(cases, panel, H, ())])
    # the panel's last three years (after the cases' origin) changed beyond recognition
    changed = [Series(s.uid, s.ds, np.concatenate([s.y[:-3], s.y[-3:] * 5]), groups=s.groups) for s in panel]
    after = np.array([r.pred["mean"] for r in _grouped(cases, changed, H, ())])
    np.testing.assert_allclose(before, after)


def test_series_without_group_keys_give_no_grouped_forecast_and_say_why():
    panel = [Series(f"s{i}", np.arange(2010, 2020), 100.0 + np.arange(10) * (i + 1)) for i in range(6)]
    out = _grouped(panel, panel, 2, ())
    assert all(r.pred is None and r.reason == "fit_failed" and "group keys" in r.detail for r in out)
    assert pool_for(False, pooled=False) == pool_for(False, pooled=False, grouped=False)


def test_backtest_takes_groups_too():
    train, _ = region_industry(regions=8)
    cv = backtest(train, h=2, n_windows=1, groups=["region", "industry"])
    assert set(cv.cutoff) == {2015} and cv.y.notna().all()


@pytest.mark.parametrize("change, column, row, expected", [
    (lambda d: d.drop(columns="industry"), "industry", None, "分组列"),
    (lambda d: d.assign(industry=d.industry.where(d.index != 4, "B")), "industry", 6, "只有一个值"),
    (lambda d: d.assign(region=d.region.where(d.index != 9, None)), "region", 11, "不能缺失"),
])
def test_bad_group_columns_are_named_with_their_rows(change, column, row, expected):
    train, _ = region_industry(regions=3)
    with pytest.raises(InputError) as err:
        forecast(change(train), h=2, groups=["region", "industry"])
    p = err.value.problems[0]
    assert (p.column, p.row) == (column, row)
    assert expected in str(err.value.render("zh"))


def test_groups_are_refused_where_they_would_be_ignored():
    train, _ = region_industry(regions=3)
    with pytest.raises(InputError, match="groups") as err:
        forecast(train, h=2, models="drift", groups=["region", "industry"])
    assert err.value.problems[0].value == ("region", "industry")  # the columns named, not their count
    with pytest.raises(InputError, match="groups"):
        forecast(train, h=2, groups=["ds"])
    with pytest.raises(InputError, match="groups"):
        forecast(train, h=2, groups=[])


def test_the_forecast_command_takes_group_columns_and_names_a_bad_one(tmp_path):
    from typer.testing import CliRunner

    from talentforecast.cli import app

    train, _ = region_industry(regions=8)
    data = tmp_path / "panel.csv"
    train.to_csv(data, index=False)
    out = tmp_path / "fc.csv"
    ok = CliRunner().invoke(app, ["forecast", str(data), "--h", "2", "--out", str(out), "--groups", "region, industry"])
    assert ok.exit_code == 0, ok.stdout
    assert len(pd.read_csv(out)) == train.unique_id.nunique() * 2
    bad = CliRunner().invoke(app, ["forecast", str(data), "--h", "2", "--out", str(out), "--groups", "sector"])
    assert bad.exit_code != 0 and "sector" in bad.stdout + (bad.stderr or "")


def test_every_member_auto_can_choose_is_named_in_the_report_in_both_languages():
    from talentforecast.forecasting.auto import pool_for
    from talentforecast.report.i18n import Strings

    for lang in ("zh", "en"):
        s = Strings(lang)
        missing = [m for m in pool_for(True, pooled=True, grouped=True) if s.get("members", m, default="") == ""]
        assert not missing, (lang, missing)


def test_a_bad_frame_with_groups_gets_the_frame_error_not_a_crash():
    with pytest.raises(InputError, match="DataFrame"):
        forecast([1, 2, 3], h=2, groups=["region"])
    train, _ = region_industry(regions=3)
    with pytest.raises(InputError, match="unique_id"):
        forecast(train.drop(columns="unique_id"), h=2, groups=["region"])


def test_a_flat_series_counts_in_its_groups_totals():
    """A constant series (a plant whose reported employment never changed) is part of its region's
    and industry's totals: the grouped member forecasting the others sees totals that hold it."""
    from talentforecast.forecasting.auto import AutoSelection, auto_forecast
    from talentforecast.forecasting.grouped import GroupGrowthRidge

    train, _ = region_industry(regions=6)
    series = [Series(u, g.ds.to_numpy(), g.y.to_numpy(float), groups=(g.region.iloc[0], g.industry.iloc[0]))
              for u, g in train.groupby("unique_id", sort=True)]
    big = max(s.y.max() for s in series) * 3
    series[0] = Series(series[0].uid, series[0].ds, np.full(series[0].y.size, big), groups=series[0].groups)
    sel = AutoSelection("mean", ("grouped",), pd.DataFrame(), {})
    got = auto_forecast(series, H, (), sel)
    groups = {s.uid: s.groups for s in series}
    with_flat = GroupGrowthRidge(alpha=1.0, huber=2.5).fit(series, groups, H).predict(series[1:], ())["mean"]
    without = GroupGrowthRidge(alpha=1.0, huber=2.5).fit(series[1:], groups, H).predict(series[1:], ())["mean"]
    mine = np.array([r.pred["mean"] for r in got[1:]])
    assert np.allclose(mine, with_flat) and not np.allclose(mine, without)
    assert got[0].reason == "constant"  # the flat series itself is forecast flat, as a fallback
