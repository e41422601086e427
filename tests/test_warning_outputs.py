"""History, region roll-up, proposals, quality ranking and the retrospective score."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from talentforecast.errors import ConfigError, InputError
from talentforecast.warning import evaluate_warnings, retrospective_score
from talentforecast.warning.ranking import load_quality_weights
from warning_cases import LEVEL, enrolment, matches, one, quality


def test_previous_level_and_years_at_level_by_reevaluation():
    # moe-2011 as of 2019: one year below → green; 2020: two → orange; 2021…2023: red (cut in 2021)
    q = {"quality": quality({2019: 0.5, 2020: 0.5, 2021: 0.5, 2022: 0.5, 2023: 0.5}),
         "enrolment": enrolment({2019: 100, 2020: 100, 2021: 80, 2022: 80, 2023: 80})}
    row = one(evaluate_warnings(q, "moe-2011", as_of=2023))
    assert (row["warning_level"], row["previous_level"], row["years_at_level"]) == ("red", "red", 3)
    row = one(evaluate_warnings(q, "moe-2011", as_of=2021))
    assert (row["warning_level"], row["previous_level"], row["years_at_level"]) == ("red", "orange", 1)
    row = one(evaluate_warnings(q, "moe-2011", as_of=2019))
    assert row["previous_level"] is None and row["years_at_level"] == 1


def test_previous_level_from_history_table():
    q = quality({2022: 0.5, 2023: 0.5})
    hist = pd.DataFrame({"region": "R", "specialty": "S1", "level": LEVEL, "year": [2022, 2023],
                         "warning_level": ["orange", "orange"]})
    row = one(evaluate_warnings({"quality": q}, "moe-2011", as_of=2023, history=hist))
    assert (row["previous_level"], row["years_at_level"]) == ("orange", 3)
    with pytest.raises(InputError, match="warning_level"):
        evaluate_warnings({"quality": q}, "moe-2011", as_of=2023, history=hist.drop(columns="warning_level"))


def test_planning_region_rolls_up_districts():
    q = pd.concat([quality({2022: 0.5, 2023: 0.5}, region="D1", graduates=100),
                   quality({2022: 0.9, 2023: 0.9}, region="D2", graduates=300)])
    regions = pd.DataFrame({"region": ["C", "D1", "D2"], "region_name": ["市", "一区", "二区"],
                            "parent": [None, "C", "C"]})
    w = evaluate_warnings({"quality": q, "regions": regions}, "moe-2011", as_of=2023)["warnings"]
    got = {(r.planning_unit, r.region): r.warning_level for r in w.itertuples()}
    assert got == {("planning_region", "C"): "green",  # 80% overall
                   ("district", "D1"): "orange", ("district", "D2"): "green"}
    w = evaluate_warnings({"quality": q, "regions": regions}, "moe-2011", as_of=2023,
                          units=["planning_region"])["warnings"]
    assert list(w["region"]) == ["C"]
    w = evaluate_warnings({"quality": q, "regions": regions}, "moe-2011", as_of=2023,
                          regions=["D1", "D2"])["warnings"]
    assert dict(zip(w["region"], w["warning_level"], strict=True)) == {"D1": "orange", "D2": "green"}


def test_percentages_are_refused():
    with pytest.raises(InputError, match="employment_rate.*0 到 1 之间的比例（不是百分数）") as err:
        evaluate_warnings({"quality": quality({2023: 55.0})}, as_of=2023)
    assert "between 0 and 1" in err.value.render("en")


def test_outcomes_table_is_enough():
    out = pd.DataFrame({"region": "R", "school": "A", "specialty": "S1", "year": [2022, 2023],
                        "graduates": 100, "employed": [45, 50], "matched": 30, "further_study": 5})
    row = one(evaluate_warnings({"outcomes": out, "enrolment": enrolment({2023: 80})}, "moe-2011", as_of=2023))
    assert row["warning_level"] == "orange"  # (45 + 5) / 100 and (50 + 5) / 100: destination rate
    assert json.loads(row["reasons"])[0]["value"] == pytest.approx(0.55)


def catalogue():
    return pd.DataFrame({"specialty": ["S1", "S2", "S3", "S4"], "level": LEVEL,
                         "specialty_name": ["甲", "乙", "丙", "丁"], "category_code": ["46", "46", "46", "51"],
                         "category_name": ["装备制造大类"] * 3 + ["电子与信息大类"]})


def test_proposals_name_unoffered_candidates():
    # C grows 400 → 500; M shrinks 800 → 600 (no proposal however little it is covered)
    openings = pd.DataFrame({"region": "R", "industry": ["C", "I", "M", "C", "I", "M"], "level": LEVEL,
                             "year": [2026] * 3 + [2023] * 3, "scenario": "baseline",
                             "value": [500.0, 10.0, 600.0, 400.0, 8.0, 800.0], "observed": False})
    cross = pd.DataFrame({"specialty": ["S1", "S2", "S3", "S4", "S4"], "industry": ["C", "C", "C", "I", "M"],
                          "weight": [0.2, 0.5, 0.3, 1.0, 1.0]})
    m = matches({2023: 1.0}, {2026: 1.0}, supply=50)
    res = evaluate_warnings({"matches": m, "vocational_openings": openings, "specialty_industry": cross,
                             "specialties": catalogue()}, "roa-bands", as_of=2023)
    p = res["proposals"]
    assert list(p["specialty"]) == ["S2", "S3"]  # S1 is offered; I is below min_openings
    assert (p["industry"] == "C").all() and p["coverage"].iloc[0] < 0.5
    assert "乙" in p["reason_zh"].iloc[0] and "增长25%" in p["reason_zh"].iloc[0]
    assert list(p["fit"]) == [0.5, 0.3]  # ranked by fit, not a fixed number of candidates


def test_quality_ranking_within_category(tmp_path):
    q = pd.concat([quality({2023: 0.95}, "S1"), quality({2023: 0.7}, "S2"), quality({2023: 0.6}, "S4")])
    weights = tmp_path / "q.toml"
    weights.write_text("min_indicators = 1\n[indicators.employment_rate]\nweight = 1\nworst = 0.5\nbest = 1\n",
                       encoding="utf-8")
    r = evaluate_warnings({"quality": q, "specialties": catalogue()}, "moe-2011", as_of=2023,
                          quality_weights=weights)["quality_ranking"]
    assert evaluate_warnings({"quality": q}, "moe-2011", as_of=2023)["quality_ranking"]["score"].isna().all()
    r = r.set_index("specialty")
    assert r.loc["S1", "rank"] == 1 and r.loc["S2", "rank"] == 2 and r.loc["S4", "rank"] == 1
    assert r.loc["S1", "score"] == pytest.approx(90.0) and r.loc["S2", "n_in_category"] == 2
    bad = tmp_path / "w.toml"
    bad.write_text("[indicators.joy]\nweight = 1\nworst = 0\nbest = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="indicators.joy：未知指标；应为以下之一：.*employment_rate"):
        load_quality_weights(bad)
    bad.write_text("min_indicators = 0\n[indicators.job_rate]\nweight = 1\nworst = 0\nbest = 1\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="配置项 min_indicators 的值为 0；应为不小于 1 的整数"):
        load_quality_weights(bad)
    bad.write_text("[indicators.job_rate]\nweight = -1\nworst = 0\nbest = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="weight（权重）≥ 0") as err:
        load_quality_weights(bad)
    assert "expected weight ≥ 0 and worst ≠ best" in err.value.render("en")


def test_retrospective_precision_recall_confusion():
    later = pd.concat([
        quality({2021: 0.5, 2022: 0.5, 2023: 0.5}, "S1"),    # orange as of 2022 → red as of 2023
        quality({2021: 0.9, 2022: 0.55, 2023: 0.5}, "S2"),   # green as of 2022 → orange
        quality({2021: 0.5, 2022: 0.5, 2023: 0.9}, "S3"),    # orange → green
    ])
    # S1's intake was cut in 2023 (the 2011 rule stops only after a cut)
    intake = pd.concat([enrolment({2021: 100, 2022: 100, 2023: 80 if s == "S1" else 100}, s)
                        for s in ("S1", "S2", "S3")])
    early = evaluate_warnings({"quality": later[later["year"] <= 2022]}, "moe-2011", as_of=2022)["warnings"]
    s = retrospective_score(early, {"quality": later, "enrolment": intake}, years_after=[1], policy="moe-2011")
    sc = s["retrospective_scores"].set_index("levels")
    assert sc.loc["orange", "n_issued"] == 2 and sc.loc["orange", "n_hit"] == 0
    assert sc.loc["red+orange", "precision"] == pytest.approx(0.5)   # S1 hit, S3 false alarm
    assert sc.loc["red+orange", "recall"] == pytest.approx(0.5)      # S2 missed
    conf = s["retrospective_confusion"]
    assert conf["n"].sum() == 3 and set(s["retrospective_detail"]["realised"]) == {"red", "orange", "green"}


def test_district_and_programme_units():
    regions = pd.DataFrame({"region": ["C", "D1"], "region_name": ["市", "一区"], "parent": [None, "C"]})
    out = pd.DataFrame({"region": "D1", "school": ["A", "A", "B", "B"], "specialty": "S1",
                        "year": [2022, 2023] * 2, "graduates": 100,
                        "employed": [40, 40, 90, 90], "matched": 30, "further_study": 0})
    e = pd.concat([enrolment({2022: 100, 2023: 100}, region="D1").assign(school=s) for s in ("A", "B")])
    w = evaluate_warnings({"outcomes": out, "enrolment": e, "regions": regions}, "moe-2011", as_of=2023)["warnings"]
    got = {(r.planning_unit, r.region, r.school): r.warning_level for r in w.itertuples()}
    assert got == {("planning_region", "C", "*"): "green", ("district", "D1", "*"): "green",  # 65% overall
                   ("programme", "D1", "A"): "orange", ("programme", "D1", "B"): "green"}
    prog = w[w["school"] == "A"].iloc[0]
    assert (prog["enrol_lo"], prog["enrol_hi"]) == (70, 90)  # from the school's own intake of 100


def test_human_review_overrides_applied_last_and_validated(tmp_path):
    q = pd.concat([quality({2022: 0.5, 2023: 0.5}, "S1"), quality({2022: 0.5, 2023: 0.5}, "S2")])
    e = pd.concat([enrolment({2022: 100, 2023: 100}, "S1"), enrolment({2022: 300, 2023: 300}, "S2")])
    path = tmp_path / "review.csv"
    path.write_text("region,specialty,level,warning_level,new_level,reason,reviewer,date\n"
                    f"R,S1,{LEVEL},orange,yellow,新实训基地投入使用,张三,2025-03-01\n", encoding="utf-8")
    res = evaluate_warnings({"quality": q, "enrolment": e}, "moe-2011", as_of=2023, overrides=path)
    w = res["warnings"].set_index("specialty")
    assert w.loc["S1", "warning_level"] == "yellow" and w.loc["S1", "original_level"] == "orange"
    assert bool(w.loc["S1", "reviewed"]) and w.loc["S1", "reviewer"] == "张三"
    assert w.loc["S1", "reason_zh"].startswith("【人工复核】张三于2025-03-01将橙色调整为黄色")
    assert not bool(w.loc["S2", "reviewed"]) and w.loc["S2", "warning_level"] == "orange"
    # the short exit list follows the reviewed level: only S2 is left on it
    assert list(res["warning_exit_list"]["specialty"]) == ["S2"]
    # a stale review (the level changed since) and bad values are refused with their row
    path.write_text("region,specialty,level,warning_level,new_level,reason,reviewer,date\n"
                    f"R,S1,{LEVEL},red,yellow,x,张三,2025-03-01\n"
                    f"R,S2,{LEVEL},orange,purple,x,,03/01/2025\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        evaluate_warnings({"quality": q, "enrolment": e}, "moe-2011", as_of=2023, overrides=path)
    text = str(err.value)
    assert "new_level" in text and "reviewer" in text and "date" in text and "3" in text
    assert "列 'reviewer'，第 3 行" in text and "应为 非空的值" in text
    assert "列 'date'，第 3 行：值为 '03/01/2025'；应为 YYYY-MM-DD 格式的日期" in text
    assert "列 'new_level'，第 3 行：值为 'purple'；应为 以下之一：" in text
    path.write_text("region,specialty,level,warning_level,new_level,reason,reviewer,date\n"
                    f"R,S1,{LEVEL},red,yellow,x,张三,2025-03-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="warning_level.*本次运行给出的预警等级（orange）；请重新复核"):
        evaluate_warnings({"quality": q, "enrolment": e}, "moe-2011", as_of=2023, overrides=path)


def test_short_lists_rank_by_probability_times_size(tmp_path):
    q = pd.concat([quality({2022: 0.5, 2023: 0.5}, s) for s in ("S1", "S2", "S3")])
    e = pd.concat([enrolment({2022: n, 2023: n}, s) for s, n in (("S1", 50), ("S2", 400), ("S3", 100))])
    pol = tmp_path / "p.toml"
    pol.write_text('extends = ["moe-2011"]\n[settings]\nlist_size = 2\n', encoding="utf-8")
    res = evaluate_warnings({"quality": q, "enrolment": e}, pol, as_of=2023)
    lst = res["warning_exit_list"]
    assert list(lst["specialty"]) == ["S2", "S3"] and list(lst["rank"]) == [1, 2]
    assert (lst["strength"] == (lst["probability"] * lst["size"]).round(2)).all()
    assert len(res["warnings"]) == 3  # the annex keeps every row


def test_bad_proposal_params_give_chinese_message_naming_key(tmp_path):
    from talentforecast.warning.proposals import PARAMS, load_proposal_params

    good = {k: 1 for k in PARAMS}
    path = tmp_path / "proposals.toml"
    path.write_text("".join(f"{k} = {v}\n" for k, v in {**good, next(iter(PARAMS)): -1}.items()),
                    encoding="utf-8")
    key = next(iter(PARAMS))
    with pytest.raises(ConfigError, match=f"proposals.toml：配置项 {key} 的值为 -1；应为非负") as err:
        load_proposal_params(path)
    assert "expected a non-negative" in err.value.render("en")
    path.write_text("".join(f"{k} = {v}\n" for k, v in good.items()) + "colour = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="未知的配置项 colour"):
        load_proposal_params(path)
    path.write_text("not toml", encoding="utf-8")
    with pytest.raises(ConfigError, match="proposals.toml：无法读取"):
        load_proposal_params(path)


def test_bad_history_and_retrospective_tables_give_chinese_messages():
    q = quality({2022: 0.5, 2023: 0.5})
    hist = pd.DataFrame({"region": "R", "specialty": "S1", "level": LEVEL, "year": [2022]})
    with pytest.raises(InputError, match="文件 history，列 'warning_level'；应为 预警表中应有的列"):
        evaluate_warnings({"quality": q}, "moe-2011", as_of=2023, history=hist)
    w = evaluate_warnings({"quality": q}, "moe-2011", as_of=2023)["warnings"]
    with pytest.raises(InputError, match="文件 warnings；应为 至少一行预警"):
        retrospective_score(w.iloc[:0], {"quality": q})
