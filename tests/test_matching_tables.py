"""Quality, structure, duplication, shortage catalogue and the compute_matching entry, hand-built cases."""

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import ConfigError, InputError
from talentforecast.matching import (
    compute_matching,
    consecutive_below,
    duplication,
    employment_quality,
    load_duplication,
    shortage_occupations,
    structure_match,
    trend_slope,
)
from talentforecast.matching.config import load_quality

REGIONS = pd.DataFrame({"region": ["c", "d1", "d2"], "region_name": ["市", "一区", "二区"],
                        "parent": [None, "c", "c"]})


def test_consecutive_below_gap_breaks_the_run():
    s = pd.Series([0.5, 0.5, 0.5, 0.5], index=[2019, 2020, 2022, 2023])  # 2021 missing
    assert consecutive_below(s, 0.6).tolist() == [1, 2, 1, 2]


def test_consecutive_below_one_year_and_exact_threshold():
    assert consecutive_below(pd.Series([0.4], index=[2024]), 0.6).tolist() == [1]
    assert consecutive_below(pd.Series([0.6], index=[2024]), 0.6).tolist() == [0]
    s = pd.Series([0.5, np.nan, 0.5], index=[2022, 2023, 2024])  # unknown value breaks too
    assert consecutive_below(s, 0.6).tolist() == [1, 0, 1]


def test_trend_slope_window_and_one_point():
    s = pd.Series([0.9, 0.5, 0.6, 0.7], index=[2020, 2021, 2022, 2023])
    np.testing.assert_allclose(trend_slope(s, 3).to_numpy(), [np.nan, -0.4, -0.15, 0.1])
    assert np.isnan(trend_slope(pd.Series([0.5], index=[2024])).item())


def _outcomes():
    return pd.DataFrame({
        "region": ["d1", "d1", "d2", "d1", "d1", "d2"], "school": ["s1", "s2", "s3"] * 2,
        "specialty": "460104", "year": [2023] * 3 + [2024] * 3,
        "graduates": [100.0, 100.0, 200.0] * 2, "employed": [50.0, 40.0, 120.0, 40.0, 30.0, 100.0],
        "matched": [30.0, 20.0, 60.0] * 2, "further_study": [10.0, 10.0, 20.0] * 2,
        "starting_salary": [4000.0, 5000.0, 4500.0] * 2})


def test_quality_rates_parents_and_salary_ratio():
    emp = pd.DataFrame({"region": ["d1", "d2"] * 2, "industry": "C", "year": [2023, 2023, 2024, 2024],
                        "employed": 100.0, "wage": 72000.0})
    enr = pd.DataFrame({"region": ["d1", "d1", "d2"], "school": ["s1", "s2", "s3"], "specialty": "460104",
                        "level": "高职专科", "year": 2024, "enrolled": 10.0})
    q = employment_quality(_outcomes(), emp, enr, REGIONS)
    city = q[(q["scope"] == "region") & (q["region"] == "c")].set_index("year")
    assert city.loc[2023, "graduates"] == 400.0
    assert city.loc[2023, "destination_rate"] == pytest.approx((210 + 40) / 400)
    assert city.loc[2023, "employment_rate"] == pytest.approx(210 / 400)
    assert city.loc[2023, "matched_rate"] == pytest.approx(110 / 210)
    # salary weighted by employed, against 72000 / 12 = 6000 a month
    assert city.loc[2023, "salary_ratio"] == pytest.approx((50 * 4000 + 40 * 5000 + 120 * 4500) / 210 / 6000)
    assert (q["level"] == "高职专科").all()
    s1 = q[q["school"] == "s2"].set_index("year")  # 2024: (30+10)/100 = 0.4, 2023: 0.5
    assert s1["destination_rate_years_below"].tolist() == [1, 2]
    assert s1.loc[2024, "destination_rate_trend"] == pytest.approx(-0.1)


def test_quality_definition_must_fit_the_counts(tmp_path):
    bad = _outcomes().assign(employed=95.0)  # 95 + further study > 100 graduates
    with pytest.raises(InputError, match="employed_includes_further_study"):
        employment_quality(bad)
    text = (load_quality().file and open(load_quality().file, encoding="utf-8").read())
    path = tmp_path / "q.toml"
    path.write_text(text.replace("employed_includes_further_study = false",
                                 "employed_includes_further_study = true"), encoding="utf-8")
    q = employment_quality(bad, standards=load_quality(path))
    assert q.loc[q["school"] == "s1", "destination_rate"].tolist() == [0.95, 0.95]


def _xwalk():
    return pd.DataFrame({"specialty": ["a", "b"], "industry": ["C", "G"], "weight": [1.0, 1.0]})


def _supply(values, year=2024, region="r"):
    return pd.DataFrame({"region": region, "specialty": ["a", "b"], "level": "高职专科", "year": year,
                         "value": values})


def test_structure_identical_shares_zero_disjoint_one():
    d = pd.DataFrame({"region": "r", "industry": ["C", "G"], "year": 2024, "value": [30.0, 10.0]})
    sm, dev = structure_match(_supply([60.0, 20.0]), d, _xwalk())
    assert sm["dissimilarity"].item() == pytest.approx(0.0)
    assert dev["deviation"].abs().max() == pytest.approx(0.0)
    d2 = pd.DataFrame({"region": "r", "industry": ["A"], "year": 2024, "value": [30.0]})
    sm, dev = structure_match(_supply([60.0, 20.0]), d2, _xwalk())
    assert sm["dissimilarity"].item() == pytest.approx(1.0)
    dev = dev.set_index("industry")
    assert dev.loc["A", "deviation"] == -1.0 and np.isinf(dev.loc["C", "deviation"])


def test_structure_spreads_supply_by_weights_normalised_per_specialty():
    cw = pd.DataFrame({"specialty": ["a", "a", "b"], "industry": ["C", "G", "G"], "weight": [0.1, 0.3, 0.7]})
    d = pd.DataFrame({"region": "r", "industry": ["C", "G"], "year": 2024, "value": [1.0, 1.0]})
    sm, dev = structure_match(_supply([40.0, 0.0]).assign(specialty=["a", "z"]), d, cw)
    dev = dev.set_index("industry")
    assert dev.loc["C", "supply"] == pytest.approx(10.0) and dev.loc["G", "supply"] == pytest.approx(30.0)
    assert sm["unmapped_supply"].item() == 0.0 and sm["dissimilarity"].item() == pytest.approx(0.25)


def test_duplication_counts_schools_and_parent_and_threshold(tmp_path):
    e = pd.DataFrame({"region": ["d1", "d1", "d2", "d2"], "school": ["s1", "s2", "s3", "s4"],
                      "specialty": "460104", "level": "高职专科", "year": 2024,
                      "enrolled": [50.0, 40.0, 30.0, 0.0]})
    d = pd.DataFrame({"region": ["d1", "c"], "specialty": "460104", "level": "高职专科", "year": 2024,
                      "scenario": "baseline", "value": [100.0, 90.0]})
    t = duplication(e, d, regions=REGIONS).set_index("region")
    assert t.loc["d1", "schools"] == 2 and t.loc["d2", "schools"] == 1 and t.loc["c", "schools"] == 3
    assert t.loc["c", "demand_per_school"] == 30.0 and bool(t.loc["c", "flag"])
    assert not bool(t.loc["d1", "flag"]) and pd.isna(t.loc["d2", "demand"])
    path = tmp_path / "dup.toml"
    path.write_text("[duplication]\nmin_schools = 3\nmin_demand_per_school = 25\nscenario = 'baseline'\n")
    assert not bool(duplication(e, d, load_duplication(path), REGIONS).set_index("region").loc["c", "flag"])
    path.write_text("[duplication]\nmin_schools = 1\nmin_demand_per_school = 25\nscenario = 'baseline'\n")
    with pytest.raises(ConfigError, match="dup.toml.*min_schools"):
        load_duplication(path)


def test_shortage_ranking_and_previous_rank():
    occ = ["4-01", "4-02", "4-03"]
    d = pd.DataFrame({"region": "r", "scenario": "baseline", "year": [2025] * 3 + [2026] * 3,
                      "occupation": occ * 2, "value": [50.0, 30.0, 10.0, 20.0, 60.0, 10.0]})
    s = pd.DataFrame({"region": "r", "specialty": ["a", "b"] * 2, "level": "高职专科",
                      "year": [2025, 2025, 2026, 2026], "value": [20.0, 20.0, 20.0, 20.0]})
    cw = pd.DataFrame({"specialty": ["a", "a", "b"], "occupation": ["4-01", "4-02", "4-03"],
                       "occupation_name": ["甲", "乙", "丙"]})
    t = shortage_occupations(d, s, cw)
    y = t[t["year"] == 2026].set_index("occupation")
    # supply: a's 20 spread equally → 10 each on 4-01, 4-02; b's 20 → 4-03
    assert y["supply"].tolist() == [10.0, 10.0, 20.0]
    assert y.loc["4-02", "rank"] == 1 and y.loc["4-01", "rank"] == 2 and y.loc["4-03", "rank"] == 3
    assert y.loc["4-02", "previous_rank"] == 2 and y.loc["4-01", "previous_rank"] == 1
    assert y.loc["4-02", "ratio_ds"] == 6.0 and y.loc["4-02", "occupation_name"] == "乙"
    assert y.loc["4-03", "gap"] == -10.0 and not y.loc["4-03", "shortage"]
    assert t[t["year"] == 2025]["previous_rank"].isna().all()


def test_shortage_catalogue_keeps_years_from_as_of_minus_window(tmp_path):
    years = list(range(2020, 2027))
    d = pd.DataFrame({"region": "r", "scenario": "baseline", "year": np.repeat(years, 2),
                      "occupation": ["4-01", "4-02"] * len(years), "value": np.arange(2 * len(years), dtype=float),
                      "observed": np.repeat([y <= 2024 for y in years], 2)})
    s = pd.DataFrame({"region": "r", "specialty": "a", "level": "高职专科", "year": years, "value": 1.0})
    cw = pd.DataFrame({"specialty": "a", "occupation": ["4-01", "4-02"]})
    full = shortage_occupations(d, s, cw, window=100)
    t = shortage_occupations(d, s, cw)  # shipped shortage.toml: one year before as_of (2024)
    assert sorted(full["year"].unique()) == years
    assert sorted(t["year"].unique()) == [2023, 2024, 2025, 2026]
    # ranks and previous ranks do not depend on the cut; the first kept year has its previous rank
    key = ["year", "occupation"]
    pd.testing.assert_frame_equal(t.set_index(key), full[full["year"] >= 2023].set_index(key))
    assert t.loc[t["year"] == 2023, "previous_rank"].notna().all()
    assert sorted(shortage_occupations(d, s, cw, as_of=2025, window=0)["year"].unique()) == [2025, 2026]
    bad = tmp_path / "short.toml"
    bad.write_text("[catalogue]\nyears_before_as_of = -1\n")
    with pytest.raises(ConfigError, match="short.toml.*years_before_as_of"):
        shortage_occupations(d, s, cw, config=bad)


def test_compute_matching_end_to_end_and_params():
    years = [2023, 2024, 2025]
    sd = pd.DataFrame({"region": "d1", "specialty": "460104", "level": "高职专科", "year": years,
                       "scenario": "baseline", "value": 100.0, "lo_80": [100.0, 100.0, 90.0],
                       "hi_80": [100.0, 100.0, 110.0], "lo_95": [100.0, 100.0, 85.0],
                       "hi_95": [100.0, 100.0, 115.0], "unit": "persons", "observed": [True, True, False]})
    sup = sd.drop(columns="scenario").assign(value=120.0, graduates=130.0)
    sup[["lo_80", "hi_80", "lo_95", "hi_95"]] = sd[["lo_80", "hi_80", "lo_95", "hi_95"]] * 1.2
    vo = pd.DataFrame({"region": "d1", "industry": "C", "year": years, "scenario": "baseline",
                       "level": "高职专科", "value": 100.0})
    bundle = {"outcomes": _outcomes(), "regions": REGIONS,
              "enrolment": pd.DataFrame({"region": "d1", "school": "s1", "specialty": "460104",
                                         "level": "高职专科", "year": 2024, "enrolled": 10.0}, index=[0])}
    cw = pd.DataFrame({"specialty": ["460104"], "industry": ["C"], "weight": [1.0]})
    out = compute_matching(bundle, {"specialty_demand": sd, "vocational_openings": vo}, {"supply": sup},
                           params={"specialty_industry": cw}, lang="en")
    assert sorted(out) == ["duplication", "family_view", "matches", "quality", "shortage_occupations",
                           "structure_deviation", "structure_match"]
    m = out["matches"]
    assert m["band"].tolist() == ["surplus"] * 3 and m["observed"].tolist() == [True, True, False]
    assert out["structure_match"]["dissimilarity"].tolist() == [0.0, 0.0, 0.0]
    assert out["shortage_occupations"].empty
    with pytest.raises(ConfigError) as err:
        compute_matching(bundle, {"specialty_demand": sd}, {"supply": sup}, params={"band": "x.toml"})
    assert "compute_matching 的参数 params：未知的参数 ['band']" in err.value.render("zh")
    assert "unknown key(s) ['band']" in err.value.render("en")


def test_matching_errors_in_chinese(tmp_path):
    path = tmp_path / "dup.toml"
    path.write_text("[duplication]\nmin_schools = 1\nmin_demand_per_school = 25\nscenario = 'baseline'\n")
    with pytest.raises(ConfigError) as err:
        load_duplication(path)
    assert err.value.render("zh") == f"{path}：配置项 'duplication.min_schools' = 1；应为不小于 2 的整数"
    path.write_text("[duplication]\nmin_schools = 'three'\n")
    with pytest.raises(ConfigError) as err:
        load_duplication(path)
    assert "配置项 'duplication.min_schools' = 'three'；应为整数" in err.value.render("zh")
    with pytest.raises(InputError) as err:
        employment_quality(_outcomes().assign(employed=95.0))
    zh = err.value.render("zh")
    assert "文件 outcomes，列 'employed'，第 2 行" in zh and "不大于 graduates（毕业生数）：" in zh
    with pytest.raises(InputError) as err:
        employment_quality(_outcomes().drop(columns="graduates"))
    assert "文件 outcomes，列 'graduates'；应为 表中的列 'graduates'（此列缺失）" in err.value.render("zh")
