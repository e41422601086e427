"""The retrospective scores warnings against observed outcomes only (issue 19)."""

import numpy as np
import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.evaluation import input_accuracy, observed_outcomes, score_detail, summarise
from talentforecast.report.retrospective import sentences

SPECS = ["530101", "530102", "530103", "530104", "530701", "530702", "530703", "530704"]  # eight 高职专科


def _outcomes(worse=(), from_year=2023):
    rows = []
    for i, s in enumerate(SPECS):
        for y in range(2018, 2025):
            emp = 70 + i  # a stable ranking: the first two are the weakest every year
            if s in worse and y >= from_year:
                emp = 10
            rows.append({"region": "R", "school": "A", "specialty": s, "year": y, "graduates": 100,
                         "employed": emp, "matched": emp // 2, "further_study": 5, "starting_salary": 3000 + 50 * i})
    return pd.DataFrame(rows)


def _warnings(warned, as_of=2021):
    return pd.DataFrame({"region": "R", "specialty": SPECS, "level": "高职专科", "year": as_of + 1,
                         "warning_level": ["orange" if s in warned else "green" for s in SPECS],
                         "probability": [0.9 if s in warned else np.nan for s in SPECS], "as_of": as_of})


def _pooled(scores, method, h):
    s = scores[(scores["scope"] == "pooled") & (scores["level"] == "全部") & (scores["method"] == method)]
    return s[s["horizon"] == h].iloc[0]


def test_scores_follow_the_altered_later_years():
    warned = {"530703", "530704"}  # the strongest programmes, warned (e.g. on a projection)
    w = _warnings(warned)
    plain = summarise(score_detail(w, {"outcomes": _outcomes()}, horizons=[1, 2, 3]))["retrospective_scores"]
    # as observed, the weakest two (530101-02) do badly every year: the warnings hit nothing
    assert _pooled(plain, "warnings", 2)["n_hit"] == 0 and _pooled(plain, "warnings", 2)["n_bad"] == 2
    assert _pooled(plain, "persistence", 2)["precision"] == 1.0
    # later cohorts of the warned programmes collapse from 2023: the same warnings now hit
    later = summarise(score_detail(w, {"outcomes": _outcomes(worse=warned)}, horizons=[1, 2, 3]))
    sc = later["retrospective_scores"]
    assert _pooled(sc, "warnings", 1)["n_hit"] == 0  # 2022: not yet worse
    for h in (2, 3):
        r = _pooled(sc, "warnings", h)
        assert (r["n_warned"], r["n_hit"], r["precision"]) == (2, 2, 1.0)
        assert r["precision_lo_95"] < 1.0 and r["n"] == 8 and "too few years" in r["note_en"] and "年份太少" in r["note"]
        # persistence (2021's outcome) misses the collapse
        assert _pooled(sc, "persistence", h)["recall"] < r["recall"]
    # Brier of the warnings improves when the data say they were right
    assert _pooled(sc, "warnings", 2)["brier"] < _pooled(plain, "warnings", 2)["brier"]


def test_projections_cannot_move_the_outcome_side():
    w = _warnings({"530101"})
    obs = {"outcomes": _outcomes(worse={"530701"})}
    bogus = {"matches": pd.DataFrame({"region": "R", "specialty": SPECS, "level": "高职专科", "year": 2023,
                                      "ratio_sd": 99.0}),
             "supply": pd.DataFrame({"region": "R", "specialty": SPECS, "level": "高职专科", "year": 2023,
                                     "graduates": 1e6}),
             "quality": pd.DataFrame({"region": "R", "specialty": SPECS, "level": "高职专科", "year": 2023,
                                      "graduates": 100, "employment_rate": 0.01})}
    a = score_detail(w, obs, horizons=[1, 2])
    b = score_detail(w, {**obs, **bogus}, horizons=[1, 2])
    pd.testing.assert_frame_equal(a, b)
    # the outcome columns are the observed ratios of the outcomes table
    o = obs["outcomes"].set_index(["specialty", "year"])
    for r in a.itertuples():
        raw = o.loc[(r.specialty, r.outcome_year)]
        assert r.employment_rate == pytest.approx(raw["employed"] / raw["graduates"])
        assert r.destination_rate == pytest.approx((raw["employed"] + raw["further_study"]) / raw["graduates"])


def test_outcomes_roll_up_districts_and_count_small_cohorts():
    regions = pd.DataFrame({"region": ["C", "D1", "D2"], "region_name": ["c", "d1", "d2"], "parent": [None, "C", "C"]})
    o = pd.DataFrame({"region": ["D1", "D2", "D1"], "school": ["a", "b", "a"], "specialty": ["530101", "530101", "530102"],
                      "year": 2024, "graduates": [60, 40, 5], "employed": [30, 30, 5], "further_study": 0})
    out = observed_outcomes({"outcomes": o, "regions": regions}).set_index("specialty")
    assert out.loc["530101", "region"] == "C" and out.loc["530101", "graduates"] == 100
    assert out.loc["530101", "employment_rate"] == pytest.approx(0.6)
    assert out.loc["530102", "outcome"] == "too_small" and not out.loc["530102", "did_badly"]


def test_input_accuracy_compares_with_naive():
    enr = pd.DataFrame({"region": "R", "school": "A", "specialty": "530101", "level": "高职专科",
                        "year": [2020, 2021, 2022], "enrolled": 0, "in_school": 0, "graduates": [100, 120, 150]})
    sup = pd.DataFrame({"region": "R", "specialty": "530101", "level": "高职专科", "year": [2021, 2022],
                        "graduates": [120, 140]})
    a = input_accuracy({"supply": sup}, {"enrolment": enr}, 2020, [1, 2])
    a = a[a["level"] == "全部"].set_index(["horizon", "method"])["mape"]
    assert a[(1, "forecast")] == pytest.approx(0) and a[(1, "naive")] == pytest.approx(100 * 20 / 120)
    assert a[(2, "forecast")] == pytest.approx(100 * 10 / 150) and a[(2, "naive")] == pytest.approx(100 * 50 / 150)


def test_report_sentence_counts():
    w = _warnings({"530101", "530703"})
    det = score_detail(w, {"outcomes": _outcomes()}, horizons=[1, 2])
    text = sentences(det, "zh")[0]
    assert "2021 年发出的红色或橙色预警共 2 个专业" in text and "2023 年（2 年后）其中 1 个表现差" in text
    assert "未预警的 6 个专业中有 1 个表现差" in text


@pytest.mark.slow
def test_example_run_retrospective_uses_observations():
    bundle = tf.datasets.load_example()
    o = bundle.tables["outcomes"].copy()
    spec = o.groupby("specialty")["graduates"].sum().sort_values().index[-3:]  # three large programmes
    hit = o["specialty"].isin(spec) & (o["year"] >= 2023)
    o.loc[hit, "employed"] = (o.loc[hit, "graduates"] * 0.1).round()
    o.loc[hit, "further_study"] = 0
    o.loc[hit, "matched"] = o.loc[hit, ["matched", "employed"]].min(axis=1)
    bundle.tables["outcomes"] = o
    run = tf.run(bundle, retrospective=[2021], progress=False)
    det = run.tables["retrospective_detail"]
    assert set(det["horizon"]) == {1, 2, 3}
    late = det[det["specialty"].isin(spec) & (det["outcome_year"] >= 2023)]
    assert len(late) and late["did_badly"].all()
    # the outcome side equals the observed outcomes table, row for row
    obs = observed_outcomes(bundle.tables).set_index(["region", "specialty", "level", "year"])
    for r in det[det["outcome"] != "not_observed"].itertuples():
        assert r.employment_rate == pytest.approx(obs.loc[(r.region, r.specialty, r.level, r.outcome_year),
                                                          "employment_rate"])
    sc = run.tables["retrospective_scores"]
    assert set(sc["method"]) == {"warnings", "persistence", "no_change"}
    assert {"retrospective_accuracy", "retrospective_calibration"} <= set(run.tables)
    from talentforecast.export import feed_tables
    feed, _ = feed_tables(run)
    assert {"retrospective_scores", "retrospective_accuracy", "retrospective_contrast"} <= set(feed)


def test_only_planning_region_rows_of_a_unit_table_are_scored():
    regions = pd.DataFrame({"region": ["R", "D"], "region_name": ["r", "d"], "parent": [None, "R"]})
    w = _warnings({"530101"})
    district = w.assign(region="D", warning_level="red")
    both = pd.concat([w.assign(unit="region"), district.assign(unit="district")], ignore_index=True)
    det = score_detail(both, {"outcomes": _outcomes(), "regions": regions}, horizons=[1])
    assert set(det["region"]) == {"R"} and det["warned"].sum() == 1


def test_report_prints_the_sentence_scores_and_sample_sizes(tmp_path):
    from talentforecast.report import write_report

    w = _warnings({"530101", "530703"})
    det = score_detail(w, {"outcomes": _outcomes()}, horizons=[1, 2])
    tables = {"retrospective_detail": det, **summarise(det)}
    html = write_report(tables, tmp_path, formats=("html",), lang="zh")["html"].read_text(encoding="utf-8")
    assert "2021 年发出的红色或橙色预警共 2 个专业" in html and "年份太少" in html
    assert "持续法（按当年结果）" in html and "精确率（95%区间）" in html
    en = write_report(tables, tmp_path / "en", formats=("html",), lang="en")["html"].read_text(encoding="utf-8")
    assert "Of the 2 programmes warned red or orange as of 2021, 1 did badly in 2023" in en


def test_bad_evaluation_inputs_are_explained_in_chinese():
    o = pd.DataFrame({"region": "R", "school": "A", "specialty": ["530101", "530102"], "year": 2023,
                      "graduates": 100, "employed": [80, 90]})
    with pytest.raises(tf.InputError) as err:
        observed_outcomes({"outcomes": o.drop(columns="employed")})
    assert "文件 outcomes，列 'employed'；应为 毕业去向表 outcomes 的一列（此列缺失）" in err.value.render("zh")
    with pytest.raises(tf.InputError) as err:
        observed_outcomes({})
    assert "应为 毕业去向表 outcomes（此后各届的毕业生数和就业人数）" in err.value.render("zh")
    with pytest.raises(tf.InputError) as err:
        observed_outcomes({"outcomes": o.assign(specialty=["530101", "999999"])})
    assert "列 'specialty'，第 3 行：值为 '999999'" in err.value.render("zh")  # its line in the file
    assert "应为 专业目录中的专业代码（需要由它确定层次）" in err.value.render("zh")
    w = pd.DataFrame({"region": "R", "specialty": ["530101", "530101"], "level": "高职专科", "year": 2023,
                      "warning_level": ["orange", "green"], "as_of": 2022})
    with pytest.raises(tf.InputError) as err:
        score_detail(w, {"outcomes": o}, horizons=[1])
    assert ("文件 warnings，列 'specialty'，第 2 行：值为 '530101'；"
            "应为 每个地区 × 专业 × 层次 × 基准年（as_of）只有一行") in err.value.render("zh")
    with pytest.raises(tf.InputError) as err:
        score_detail(w.drop(columns="warning_level"), {"outcomes": o}, horizons=[1])
    assert "列 'warning_level'；应为 预警表 warnings 的一列（此列缺失）" in err.value.render("zh")
    with pytest.raises(tf.InputError) as err:
        score_detail(w.iloc[:0], {"outcomes": o}, horizons=[1])
    assert err.value.render("zh").endswith("文件 warnings；应为 至少一行预警")
