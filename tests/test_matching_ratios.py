"""S/D ratios, ROA bands and their configuration, on hand-built tables."""

import math

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import ConfigError, InputError
from talentforecast.matching import assign_band, load_bands, match_ratios

BOUNDS = ["lo_80", "hi_80", "lo_95", "hi_95"]


def _rows(values, spread=0.0, observed=False, scenario="baseline", specialties=None, year=2026):
    n = len(values)
    v = np.asarray(values, dtype=float)
    df = pd.DataFrame({
        "region": "r", "specialty": specialties or [f"46010{i}" for i in range(n)], "level": "高职专科",
        "year": year, "value": v, "lo_80": v * (1 - spread), "hi_80": v * (1 + spread),
        "lo_95": v * (1 - 1.5 * spread), "hi_95": v * (1 + 1.5 * spread), "observed": observed,
        "unit": "persons"})
    if scenario is not None:
        df["scenario"] = scenario
    return df


def test_band_edges_are_inclusive_upper_bounds():
    assert list(assign_band([0.85, 1.00, 1.05, 1.15])) == ["shortage", "good", "fair", "moderate"]
    assert list(assign_band([0.8500001, 1.0000001, 1.0500001, 1.1500001])) == [
        "good", "fair", "moderate", "surplus"]


def test_band_edges_from_counts():
    demand = _rows([100.0] * 4)
    supply = _rows([85.0, 100.0, 105.0, 115.0], scenario=None)
    m = match_ratios(demand, supply)
    assert m["band"].tolist() == ["shortage", "good", "fair", "moderate"]
    assert m["band_label"].tolist() == ["短缺", "良好", "一般", "偏多"]
    assert match_ratios(demand, supply, lang="en")["band_label"].tolist() == [
        "shortage", "good", "fair", "moderate"]


def test_zero_demand_and_both_zero_are_kept():
    import dataclasses

    demand = _rows([0.0, 0.0, 50.0], specialties=["a", "b", "c"])
    supply = _rows([10.0, 0.0, 0.0], scenario=None, specialties=["a", "b", "c"])
    no_min = dataclasses.replace(load_bands(), min_demand=0.0, min_supply=0.0)
    m = match_ratios(demand, supply, no_min, lang="en").set_index("specialty")
    assert len(m) == 3
    assert math.isinf(m.loc["a", "ratio_sd"]) and m.loc["a", "band"] == "surplus"
    assert m.loc["a", "ratio_ds"] == 0.0 and m.loc["a", "status"] == "zero_demand"
    assert m.loc["a", "p_surplus"] == 1.0
    assert np.isnan(m.loc["b", "ratio_sd"]) and m.loc["b", "band"] == "none"
    assert m.loc["b", "band_label"] == "no data" and m.loc["b", "status"] == "no_data"
    assert m.loc["c", "ratio_sd"] == 0.0 and m.loc["c", "band"] == "shortage"
    assert math.isinf(m.loc["c", "ratio_ds"])


def test_small_sizes_are_not_banded_and_say_why():
    # issue 15: S/D 33.6 on a demand of 3.95 persons a year is no market signal
    demand = _rows([3.95, 0.0, 100.0, 100.0, 50.0], specialties=["a", "b", "c", "d", "e"], spread=0.1)
    supply = _rows([132.7, 10.0, 12.0, 90.0, 0.0], scenario=None, specialties=["a", "b", "c", "d", "e"], spread=0.1)
    m = match_ratios(demand, supply).set_index("specialty")
    assert m["status"].to_dict() == {"a": "below_min_demand", "b": "below_min_demand", "c": "below_min_supply",
                                     "d": "ok", "e": "below_min_supply"}
    small = m.loc[["a", "b", "c", "e"]]
    assert (small["band"] == "none").all() and small["ratio_sd"].isna().all()
    assert small[["p_shortage", "p_surplus"]].isna().all().all()
    assert small["demand"].tolist() == [3.95, 0.0, 100.0, 50.0]  # the sizes stay visible
    assert m.loc["d", "band"] == "good"


def test_minimum_is_configurable(tmp_path):
    from importlib import resources

    text = (resources.files("talentforecast.matching.data") / "bands.toml").read_text(encoding="utf-8")
    f = tmp_path / "bands.toml"
    f.write_text(text.replace("demand = 20", "demand = 2"), encoding="utf-8")
    demand = _rows([3.95], specialties=["a"])
    supply = _rows([132.7], scenario=None, specialties=["a"])
    m = match_ratios(demand, supply, load_bands(f))
    assert m.loc[0, "status"] == "ok" and m.loc[0, "band"] == "surplus"
    f.write_text(text.replace("demand = 20", "demand = -1"), encoding="utf-8")
    with pytest.raises(ConfigError, match="minimum.demand"):
        load_bands(f)


def test_not_enrolling_programme_has_no_ratio():
    demand = _rows([80.0, 80.0], specialties=["a", "b"])
    supply = _rows([0.0, 0.0], scenario=None, specialties=["a", "b"]).assign(
        programme_status=["not_enrolling", "enrolling"])
    m = match_ratios(demand, supply).set_index("specialty")
    assert m.loc["a", "status"] == "not_enrolling" and np.isnan(m.loc["a", "ratio_sd"])
    assert m.loc["a", "band"] == "none"  # never S/D = 0 read as shortage
    assert m.loc["b", "status"] == "below_min_supply"


def test_one_sided_rows_are_kept_with_status():
    demand = _rows([50.0], specialties=["a"])
    supply = _rows([40.0], scenario=None, specialties=["b"])
    m = match_ratios(demand, supply).set_index("specialty")
    assert m.loc["a", "status"] == "no_supply_row" and m.loc["b", "status"] == "no_demand_row"
    assert (m["band"] == "none").all() and m["ratio_sd"].isna().all()


def test_supply_meets_every_demand_scenario():
    demand = pd.concat([_rows([100.0]), _rows([50.0], scenario="plan")])
    supply = _rows([100.0], scenario=None)
    m = match_ratios(demand, supply).set_index("scenario")
    assert m.loc["baseline", "ratio_sd"] == 1.0 and m.loc["plan", "ratio_sd"] == 2.0


def test_intervals_are_deterministic_and_bracket_the_ratio():
    demand = _rows([100.0, 100.0], spread=0.1)
    supply = _rows([60.0, 100.0], spread=0.1, scenario=None)
    a = match_ratios(demand, supply, seed=3)
    b = match_ratios(demand, supply, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert (a["ratio_sd_lo_95"] <= a["ratio_sd_lo_80"]).all()
    assert (a["ratio_sd_lo_80"] < a["ratio_sd"]).all() and (a["ratio_sd"] < a["ratio_sd_hi_80"]).all()
    assert (a["ratio_sd_hi_80"] <= a["ratio_sd_hi_95"]).all()
    # D/S bounds are the reciprocals of the S/D bounds
    np.testing.assert_allclose(a["ratio_ds_lo_80"], 1 / a["ratio_sd_hi_80"])
    assert a.loc[0, "p_shortage"] > 0.99 and a.loc[0, "p_surplus"] == 0.0
    # S, D ~ 100 ± 8 % (sd) each: S/D sd ≈ 0.11, P(S/D <= 0.85) ≈ P(z < -1.36) ≈ 0.09
    assert 0.04 < a.loc[1, "p_shortage"] < 0.15 and 0.04 < a.loc[1, "p_surplus"] < 0.15
    # a row's result does not depend on the other rows in the table
    solo = match_ratios(demand.iloc[[1]], supply.iloc[[1]], seed=3)
    assert solo.loc[0, "ratio_sd_lo_80"] == a.loc[1, "ratio_sd_lo_80"]


def test_observed_rows_without_bounds_are_exact():
    demand = _rows([100.0], observed=True, year=2023)
    supply = _rows([90.0], observed=True, scenario=None, year=2023)
    demand[BOUNDS] = np.nan
    m = match_ratios(demand, supply)
    assert m.loc[0, "ratio_sd_lo_95"] == m.loc[0, "ratio_sd_hi_95"] == 0.9
    assert bool(m.loc[0, "observed"]) and m.loc[0, "p_shortage"] == 0.0


def test_forecast_rows_need_ordered_bounds():
    demand = _rows([100.0], spread=0.1)
    supply = _rows([90.0], spread=0.1, scenario=None)
    bad = demand.assign(lo_80=120.0)
    with pytest.raises(InputError, match="specialty_demand|demand"):
        match_ratios(bad, supply)
    missing = supply.assign(hi_95=np.nan)
    with pytest.raises(InputError, match="supply"):
        match_ratios(demand, missing)


def _write_bands(tmp_path, uppers):
    text = ""
    for i, u in enumerate(uppers):
        text += f'[[band]]\nid = "b{i}"\nupper = {u}\nlabel_zh = "档{i}"\nlabel_en = "b{i}"\n\n'
    text += '[none]\nid = "none"\nlabel_zh = "无数据"\nlabel_en = "no data"\n'
    path = tmp_path / "my_bands.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unordered_bands_raise_config_error_naming_file_and_key(tmp_path):
    path = _write_bands(tmp_path, [0.85, 1.05, 1.00, "inf"])
    with pytest.raises(ConfigError) as e:
        load_bands(path)
    assert "my_bands.toml" in str(e.value) and "band[2].upper" in str(e.value)


def test_last_band_must_be_open_and_custom_bands_apply(tmp_path):
    with pytest.raises(ConfigError, match="band\\[1\\].upper"):
        load_bands(_write_bands(tmp_path, [0.9, 2.0]))
    bands = load_bands(_write_bands(tmp_path, [0.5, "inf"]))
    assert list(assign_band([0.5, 0.85], bands)) == ["b0", "b1"]


def test_point_outside_its_80_interval_is_noted_not_rejected():
    demand = _rows([100.0], spread=0.1).assign(value=80.0)  # a skewed mean below lo_80 = 90
    supply = _rows([100.0], spread=0.1, scenario=None)
    m = match_ratios(demand, supply)
    assert m.loc[0, "interval_note"] == "demand_point_outside_80"
    assert m.loc[0, "ratio_sd"] == 1.25  # the point ratio still uses the point values
    assert m.loc[0, "ratio_sd_lo_80"] < 1.0 < m.loc[0, "ratio_sd_hi_80"]  # median taken as 100


def test_sensitivity_table_tornado_rows():
    from talentforecast.matching import sensitivity

    rows = []
    for spec, dem in (("a", 100.0), ("b", 10.0)):  # b is below the minimum size: no S/D rows
        for param, setting, f in (("central", "central", 1.0), ("entrant_share", "low", 0.25 / 0.35),
                                  ("entrant_share", "high", 0.5 / 0.35)):
            rows.append(dict(parameter=param, setting=setting, quantity="specialty_demand", region="r",
                             specialty=spec, level="高职专科", year=2026, value=dem * f, scenario="baseline"))
    rows += [dict(parameter=p, setting=st, quantity="openings", region="r", specialty="_T", level="", year=2026,
                  value=v, scenario="baseline")
             for p, st, v in (("central", "central", 1000.0), ("entrant_share", "low", 1000.0),
                              ("entrant_share", "high", 1000.0))]
    # a parameter that acts on specialty demand only (crosswalk weights) has no openings rows
    rows += [dict(parameter="crosswalk_weight", setting=st, quantity="specialty_demand", region="r", specialty="a",
                  level="高职专科", year=2026, value=v, scenario="baseline") for st, v in (("low", 59.0), ("high", 155.0))]
    supply = _rows([100.0, 100.0], scenario=None, specialties=["a", "b"])
    sp = pd.DataFrame({"parameter": "retention", "level": ["高职专科"], "central": [0.7], "low": [0.55],
                       "high": [0.85]})
    t = sensitivity(pd.DataFrame(rows), supply, sp)
    r = t[(t.quantity == "ratio_sd") & (t.specialty == "a")].set_index("parameter")
    assert r.loc["entrant_share", ["value_low", "value_high"]].tolist() == pytest.approx([1.4, 0.7])
    assert r.loc["retention", ["value_low", "value_high"]].tolist() == pytest.approx([0.55 / 0.7, 0.85 / 0.7])
    assert r.loc["entrant_share", "band_changes"] and r.loc["retention", "swing"] == pytest.approx(0.3 / 0.7)
    assert "b" not in set(t["specialty"])
    lv = t[(t.quantity == "ratio_sd") & (t.specialty == "_T")].set_index("parameter")
    assert lv.loc["entrant_share", "value_central"] == pytest.approx(1.0)
    assert r.loc["crosswalk_weight", "value_low"] == pytest.approx(100 / 59)
    assert set(t.loc[t.quantity == "openings", "parameter"]) == {"entrant_share"}


def test_band_and_bound_errors_in_chinese(tmp_path):
    path = _write_bands(tmp_path, [0.85, 1.05, 1.00, "inf"])
    with pytest.raises(ConfigError) as err:
        load_bands(path)
    assert err.value.render("zh") == (f"{path}：配置项 'band[2].upper' = 1.0 不大于 'band[1].upper' = 1.05；"
                                      "各区间的上限必须严格递增")
    with pytest.raises(ConfigError) as err:
        load_bands(_write_bands(tmp_path, [0.9, 2.0]))
    assert "配置项 'band[1].upper' = 2.0；应为 inf（最后一个区间不设上限）" in err.value.render("zh")
    demand = _rows([100.0], spread=0.1)
    supply = _rows([90.0], spread=0.1, scenario=None)
    with pytest.raises(InputError) as err:
        match_ratios(demand.assign(lo_80=120.0), supply)
    assert "应为 区间上下限依次不减：lo_95 <= lo_80 <= hi_80 <= hi_95" in err.value.render("zh")
    with pytest.raises(InputError) as err:
        match_ratios(demand, supply.assign(hi_95=np.nan))
    assert "应为 每个预测行（observed=False）都有区间上下限" in err.value.render("zh")
