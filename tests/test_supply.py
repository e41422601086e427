"""Supply model: cohort identities, compositions, known answers, plans, population bands."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from talentforecast.bundle import Bundle
from talentforecast.errors import ConfigError, InputError
from talentforecast.supply import (
    alr_inverse,
    check_bands,
    completion_rates,
    compute_supply,
    forecast_enrolment,
    forecast_shares,
    further_study_rates,
    graduates_from_cohorts,
    load_params,
    school_age_population,
)

YEARS = list(range(2015, 2023))  # last observed year 2022


def naive(df, h, level=(80, 95), seed=0, n_jobs=1, progress=False, nonnegative=True, **kw):
    """Stand-in for talentforecast.forecasting.forecast: last value, band widening with sqrt(h)."""
    rows = []
    for uid, g in df.sort_values("ds").groupby("unique_id"):
        last, ds = float(g["y"].iloc[-1]), int(g["ds"].iloc[-1])
        for step in range(1, h + 1):
            row = {"unique_id": uid, "ds": ds + step, "model": "Naive", "y_hat": last}
            for lv in level:
                half = NormalDist().inv_cdf(0.5 + lv / 200) * (0.05 * abs(last) + 0.01) * step**0.5
                row[f"y_lo_{lv}"], row[f"y_hi_{lv}"] = last - half, last + half
            rows.append(row)
    return pd.DataFrame(rows)


def _rows(region, school, spec, level, enrolled, graduates):
    return [dict(region=region, school=school, specialty=spec, level=level, year=y, enrolled=float(e),
                 in_school=3.0 * e, graduates=float(g)) for y, e, g in zip(YEARS, enrolled, graduates, strict=True)]


def make_bundle(population=True, plan=None) -> Bundle:
    enrol = pd.DataFrame(
        _rows("D1", "S1", "610101", "中职", [100] * 8, [90] * 8)
        # new specialty: first entrants in 2021, so no graduates before 2024
        + _rows("D1", "S1", "610102", "中职", [0] * 6 + [50, 50], [0] * 8)[6:]
        # stopped: last entrants in 2021 (80), none in 2022
        + _rows("D2", "S2", "660101", "中职", [80] * 7 + [0], [72] * 8)
        + _rows("D2", "S2", "610101", "中职", [200] * 8, [180] * 8)
    )
    outcomes = enrol[enrol["graduates"] > 0][["region", "school", "specialty", "year", "graduates"]].assign(
        employed=lambda d: d["graduates"] * 0.3, matched=lambda d: d["graduates"] * 0.2,
        further_study=lambda d: d["graduates"] * 0.6)
    regions = pd.DataFrame({"region": ["C", "D1", "D2"], "region_name": ["市", "一区", "二区"],
                            "parent": [None, "C", "C"]})
    tables = {"enrolment": enrol, "outcomes": outcomes, "regions": regions}
    if population:
        # 15-year-olds: 1000 per single age in every census band -> constant 1000 per year
        tables["population"] = pd.DataFrame(
            [dict(region=r, year=2020, age_from=a, age_to=b, population=1000.0 * (b - a + 1))
             for r in ("D1", "D2") for a, b in ((0, 9), (10, 19), (20, 100))])
    if plan is not None:
        tables["enrolment_plan"] = plan
    return Bundle(tables=tables)


@pytest.fixture(scope="module")
def result():
    return compute_supply(make_bundle(), horizon=5, forecaster=naive, params={"simulation": {"n_draws": 200}})


def _sup(res, region, spec, year, col="graduates"):
    s = res["supply"]
    return float(s[(s.region == region) & (s.specialty == spec) & (s.year == year)][col].iloc[0])


def test_known_answer_graduates_and_supply(result):
    # every cohort completes at 0.9; further study 0.6; retention(中职) 0.85 (shipped default)
    assert _sup(result, "D1", "610101", 2023) == pytest.approx(90.0)
    assert _sup(result, "D1", "610101", 2023, "value") == pytest.approx(90 * 0.4 * 0.85)
    assert _sup(result, "D2", "610101", 2024, "value") == pytest.approx(180 * 0.4 * 0.85)
    c = result["completion_rates"]
    assert c.set_index("specialty").loc["610101", "rate"] == pytest.approx(0.9)
    f = result["further_study_rates"]
    assert f.set_index("specialty").loc["610101", "rate"] == pytest.approx(0.6)


def test_cohort_identity_next_L_years_from_entrants(result):
    enrol = make_bundle().tables["enrolment"]
    for year in (2023, 2024, 2025):
        e = enrol[(enrol.year == year - 3) & (enrol.specialty == "610101")]["enrolled"].sum()
        assert _sup(result, "C", "610101", year) == pytest.approx(0.9 * e)


def test_parent_is_sum_of_children(result):
    s = result["supply"].set_index(["region", "specialty", "level", "year"])
    for col in ("graduates", "value"):
        kids = s.loc[["D1", "D2"], col].groupby(level=[1, 2, 3]).sum()
        assert np.allclose(s.loc["C", col].sort_index(), kids.sort_index())
    assert set(result["supply"]["region"]) == {"C", "D1", "D2"}


def test_new_specialty_has_no_graduates_yet(result):
    # 610102 first enrolled in 2021: 3-year programme, first graduates in 2024
    assert _sup(result, "D1", "610102", 2023) == 0.0
    assert _sup(result, "D1", "610102", 2023, "hi_95") == 0.0
    assert _sup(result, "D1", "610102", 2024) > 0


def test_stopped_specialty_runs_out_after_L_years(result):
    assert _sup(result, "D2", "660101", 2023) == pytest.approx(80 * 0.9)
    assert _sup(result, "D2", "660101", 2024) == pytest.approx(80 * 0.9)
    for year in (2025, 2026, 2027):
        assert _sup(result, "D2", "660101", year) == 0.0
        assert _sup(result, "D2", "660101", year, "hi_95") == 0.0


def test_intervals_bracket_and_output_shape(result):
    s = result["supply"]
    fut = s[~s.observed]
    assert (fut.lo_95 <= fut.lo_80 + 1e-9).all() and (fut.lo_80 <= fut.hi_80 + 1e-9).all()
    assert (fut.hi_80 <= fut.hi_95 + 1e-9).all() and (fut.lo_95 >= 0).all()
    assert sorted(fut.year.unique()) == [2023, 2024, 2025, 2026, 2027]
    assert {"region", "specialty", "level", "year", "graduates", "value", "lo_80", "hi_80", "lo_95",
            "hi_95", "unit", "observed"} <= set(s.columns)
    hist = s[s.observed & (s.region == "D1") & (s.specialty == "610101")]
    assert hist.graduates.tolist() == [90.0] * 8


def test_deterministic_for_same_seed():
    b = make_bundle()
    kw = dict(horizon=5, forecaster=naive, params={"simulation": {"n_draws": 100}})
    a, c = compute_supply(b, seed=3, **kw), compute_supply(b, seed=3, **kw)
    pd.testing.assert_frame_equal(a["supply"], c["supply"])


def test_plan_overrides_forecast():
    plan = pd.DataFrame({"region": ["D1"], "school": ["S1"], "specialty": ["610101"], "level": ["中职"],
                         "year": [2024], "planned": [150.0]})
    out = compute_supply(make_bundle(plan=plan), horizon=5, forecaster=naive,
                         params={"simulation": {"n_draws": 100}})
    ef = out["enrolment_forecast"].set_index(["region", "specialty", "year"])
    assert ef.loc[("D1", "610101", 2024), "value"] == 150.0
    assert ef.loc[("D1", "610101", 2024), "method"] == "plan"
    assert ef.loc[("D1", "610101", 2024), "hi_95"] == 150.0
    assert ef.loc[("D1", "610101", 2023), "method"] == "population"
    assert _sup(out, "D1", "610101", 2027) == pytest.approx(150 * 0.9)


def test_population_path_and_fallback():
    b = make_bundle()
    fc = forecast_enrolment(b.tables["enrolment"], 3, b.tables["population"], forecaster=naive)
    part = fc.participation
    # 15-year-olds: 1000 people; D1 entrants in 2022 = 150 -> participation 0.15
    assert part[(part.region == "D1") & (part.year == 2022)]["participation"].iloc[0] == pytest.approx(0.15)
    assert set(fc.table[~fc.table.observed].method) == {"population", "closed"}
    fc2 = forecast_enrolment(b.tables["enrolment"], 3, None, forecaster=naive)
    assert set(fc2.table[~fc2.table.observed].method) == {"time_series", "closed"}
    # naive forecast: totals stay at the last year and shares too
    t = fc2.table[(fc2.table.year == 2024) & (fc2.table.region == "D1")].set_index("specialty")["value"]
    assert t["610101"] == pytest.approx(100.0) and t["610102"] == pytest.approx(50.0)


def test_shares_are_compositions():
    rng = np.random.default_rng(1)
    counts = pd.DataFrame([dict(region=r, specialty=s, year=y, value=float(rng.integers(0, 300)))
                           for r in ("A", "B") for s in ("1", "2", "3", "4") for y in range(2012, 2022)])
    sh = forecast_shares(counts, ["region"], h=4, forecaster=naive, n_draws=100)
    assert ((sh.share >= 0) & (sh.share <= 1)).all()
    assert ((sh.lo_95 >= 0) & (sh.hi_95 <= 1)).all()
    assert np.allclose(sh.groupby(["region", "year"]).share.sum(), 1.0)
    y = rng.normal(size=(50, 5)) * 5
    s = alr_inverse(y)
    assert ((s >= 0) & (s <= 1)).all() and np.allclose(s.sum(axis=1), 1.0)


def test_shrinkage_hand_computed():
    enr = pd.DataFrame(_rows("A", "S", "610101", "中职", [100] * 8, [90] * 8)
                       + _rows("A", "S", "610201", "中职", [100] * 8, [70] * 8))
    # 610101 reported only in 2017 and 2020: one cohort pair (100 entrants -> 90 graduates)
    enr = enr[(enr.specialty == "610201") | enr.year.isin([2017, 2020])]
    r = completion_rates(enr, {"completion": {"prior_strength": 1.0}}).set_index("specialty")
    assert r.loc["610101", "n_periods"] == 1 and r.loc["610201", "n_periods"] == 5
    group = (90 + 5 * 70) / 600  # pooled group raw; level rate identical (one group)
    assert r.loc["610101", "group_rate"] == pytest.approx(group)
    assert r.loc["610101", "rate"] == pytest.approx(0.5 * 0.9 + 0.5 * group)
    assert r.loc["610201", "rate"] == pytest.approx(5 / 6 * 0.7 + 1 / 6 * group)


def test_graduates_from_cohorts_standalone():
    ent = pd.DataFrame({"region": "A", "specialty": "510101", "level": "高职专科",
                        "year": [2020, 2021, 2022], "enrolled": [10.0, 20.0, 30.0]})
    rates = pd.DataFrame({"level": ["高职专科"], "specialty": ["510101"], "rate": [0.5]})
    g = graduates_from_cohorts(ent, rates, {"高职专科": 3}, [2023, 2024, 2025, 2026])
    assert g["graduates"].tolist() == [5.0, 10.0, 15.0]


def test_further_study_defaults_without_outcomes():
    specs = pd.DataFrame({"level": ["中职", "高职专科"], "specialty": ["610101", "510101"]})
    f = further_study_rates(None, None, specs).set_index("specialty")
    assert f.loc["610101", "source"] == "default" and f.loc["610101", "rate"] == 0.6


@pytest.mark.parametrize("bands, word, word_zh", [([(0, 9), (8, 100)], "overlaps", "重叠"),
                                                  ([(0, 9), (11, 100)], "gap", "缺口")])
def test_population_band_errors(bands, word, word_zh):
    pop = pd.DataFrame([dict(region="D1", year=2020, age_from=a, age_to=b, population=10.0) for a, b in bands])
    with pytest.raises(InputError) as err:
        check_bands(pop)
    msg = str(err.value)  # Chinese by default
    assert word_zh in msg and "地区 D1，2020 年" in msg and f"年龄段 {bands[1][0]}-{bands[1][1]}" in msg
    en = err.value.render("en")
    assert word in en and "D1" in en and "2020" in en and f"band {bands[1][0]}-{bands[1][1]}" in en
    with pytest.raises(InputError):
        compute_supply(Bundle(tables={**make_bundle().tables, "population": pop}), horizon=2, forecaster=naive)


def test_population_ageing_uniform_split():
    pop = pd.DataFrame({"region": "A", "year": 2020, "age_from": [0, 10, 15], "age_to": [9, 14, 99],
                        "population": [1000.0, 500.0, 8500.0]})
    sap = school_age_population(pop, (15, 15), [2019, 2020, 2021, 2026, 2036], annual_survival=0.5)
    got = dict(zip(sap.year, sap.population, strict=True))
    assert got[2020] == pytest.approx(100.0) and got[2019] == pytest.approx(100.0)  # 8500/85, aged back
    assert got[2021] == pytest.approx(100.0 * 0.5)  # age 14 in 2020, one year of survival
    assert got[2026] == pytest.approx(100.0 * 0.5**6)  # age 9: 1000/10
    assert 2036 not in got  # not yet born in 2020: no estimate


def test_params_errors():
    with pytest.raises(ConfigError, match="programme_length"):
        load_params({"programme_length": {"中职": 0}})
    with pytest.raises(ConfigError, match="未知配置项 nope") as err:
        load_params({"retention": {"中职": 0.5}, "nope": 1})
    assert "unknown key 'nope'" in err.value.render("en")
    assert load_params({"programme_length": {"职业本科": 5}})["programme_length"]["职业本科"] == 5


def test_runs_with_the_forecasting_engine():
    out = compute_supply(make_bundle(), horizon=4,
                         params={"forecast": {"models": "naive"}, "simulation": {"n_draws": 100}})
    assert _sup(out, "D1", "610101", 2023) == pytest.approx(90.0)
    fut = out["supply"][~out["supply"].observed]
    assert fut[["value", "lo_95", "hi_95"]].notna().all().all()


def test_further_study_window_uses_recent_years():
    o = pd.DataFrame({"region": "A", "school": "S", "specialty": "610101", "year": [2020, 2021, 2022, 2023],
                      "graduates": 100.0, "employed": 50.0, "matched": 10.0,
                      "further_study": [10.0, 20.0, 60.0, 60.0]})
    f = further_study_rates(o, {"further_study": {"window": 2}})
    assert f["rate"].iloc[0] == pytest.approx(0.6)


def test_stopped_programme_is_not_enrolling_once_its_students_are_gone(result):
    s = result["supply"].set_index(["region", "specialty", "year"])["programme_status"]
    assert s.loc[("D2", "660101", 2024)] == "enrolling"  # the last cohort still graduates
    for region in ("D2", "C"):  # the city offers it only in D2
        assert [s.loc[(region, "660101", y)] for y in (2025, 2026, 2027)] == ["not_enrolling"] * 3
    # a new programme without graduates yet is enrolling, not closed
    assert s.loc[("D1", "610102", 2023)] == "enrolling"
    assert (s.xs("610101", level=1) == "enrolling").all()


def test_retention_range_is_sampled_and_documented():
    b = make_bundle()
    kw = {"horizon": 3, "forecaster": naive}
    on = compute_supply(b, params={"simulation": {"n_draws": 300}}, **kw)
    off = compute_supply(b, params={"simulation": {"n_draws": 300, "sample_parameters": False}}, **kw)
    a, z = on["supply"].query("not observed"), off["supply"].query("not observed")
    assert np.allclose(a["value"], z["value"])
    assert (a["hi_95"] - a["lo_95"]).sum() > 1.1 * (z["hi_95"] - z["lo_95"]).sum()
    sp = on["supply_parameters"].set_index("level")
    assert sp.loc["中职", ["central", "low", "high"]].tolist() == [0.85, 0.75, 0.95]
    with pytest.raises(ConfigError, match="retention_range"):
        load_params({"retention": {"中职": 0.99}})


@pytest.mark.parametrize("params,zh", [
    ({"retention": {"中职": 1.5}}, "params (dict)：配置项 retention.中职 应为 0 到 1 之间的数，实际为 1.5"),
    ({"retention": {"中职": 0.99}}, "配置项 retention_range.中职 应为 [low, high]，且满足 "
                                  "0 <= low <= retention.中职（0.99）<= high <= 1，实际为 [0.75, 0.95]"),
    ({"programme_length": {"中职": 0}}, "配置项 programme_length.中职（学制年数）应为 1 到 8 的整数，实际为 0"),
    ({"simulation": {"n_draws": 10}}, "配置项 simulation.n_draws 应为不小于 50 的整数，实际为 10"),
    ({"completion": {"group": "x"}}, "配置项 completion.group 应为 'category' 或 'class'，实际为 'x'"),
])
def test_bad_supply_params_say_so_in_chinese(params, zh):
    with pytest.raises(ConfigError) as err:
        load_params(params)
    assert zh in str(err.value)
    assert "must be" in err.value.render("en")


def test_bad_supply_inputs_say_so_in_chinese():
    from talentforecast.supply.labour import specialty_levels

    with pytest.raises(InputError, match="文件 <argument>，列 'horizon'：值为 0；应为 不小于 1 的整数"):
        compute_supply(make_bundle(), horizon=0, forecaster=naive)
    with pytest.raises(InputError, match="列 'specialty'，第 2 行：值为 'x1'；应为 职业教育专业目录中的 6 位专业代码"):
        specialty_levels(pd.Series(["x1"]))
    with pytest.raises(InputError, match="文件 population，列 'age_to'；应为 表中有此列（现缺少）"):
        check_bands(pd.DataFrame({"region": ["A"], "year": [2020], "age_from": [0], "population": [1.0]}))
