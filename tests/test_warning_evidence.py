"""Observed evidence first, peers, small cohorts, probability thresholds and conflicts."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from talentforecast.warning import evaluate_warnings, load_policy
from warning_cases import LEVEL, enrolment, matches, one, peers, policy_file, reasons

STRONG = ("red", "orange", "blue")


def _peer_rates(target: dict[int, float], others: float = 0.9, years=(2022, 2023)) -> pd.DataFrame:
    rates = {"51A": target}
    rates |= {f"51{c}": {y: others for y in years} for c in "BCD"}
    return peers(rates)


def test_no_strong_level_below_the_policy_threshold(tmp_path):
    pol = policy_file(tmp_path, 'extends = ["roa-bands"]\n[settings]\nmin_probability_orange = 0.9\n'
                                'min_probability_blue = 0.9\n')
    seen = set()
    for ratio in (0.5, 0.8, 1.2, 1.3, 1.6, 2.5):
        for spread in (0.02, 0.2, 0.5, 1.0):
            row = one(evaluate_warnings({"matches": matches({2023: 1}, {2026: ratio}, spread=spread)},
                                        pol, as_of=2023))
            seen.add(row["warning_level"])
            if row["warning_level"] in STRONG:
                assert row["probability"] >= 0.9
            if row["insufficient"]:
                assert row["warning_level"] == "yellow" and "证据不足" in row["reason_zh"]
                assert any(r["status"] == "insufficient" and r["probability"] < 0.9 for r in reasons(row))
    assert {"orange", "blue", "yellow"} <= seen  # both outcomes occur on this grid
    # 1.3 with a wide interval: surplus likely but not sure enough → yellow 证据不足
    row = one(evaluate_warnings({"matches": matches({2023: 1}, {2026: 1.3}, spread=0.5)}, pol, as_of=2023))
    assert row["warning_level"] == "yellow" and row["insufficient"]
    assert "低于政策门槛90%" in row["reason_zh"]


def test_threshold_setting_is_validated(tmp_path):
    from talentforecast.errors import ConfigError
    with pytest.raises(ConfigError, match="min_probability_red.*0 到 1 之间的概率"):
        load_policy(policy_file(tmp_path, '[settings]\nmin_probability_red = 1.5\n'))
    with pytest.raises(ConfigError, match="projection_role.*以下之一：decide、modify"):
        load_policy(policy_file(tmp_path, '[settings]\nprojection_role = "vote"\n'))


def test_good_outcomes_against_projected_surplus_is_a_conflict_not_a_cut():
    q = _peer_rates({2022: 0.95, 2023: 0.96})
    # 51A at 1.6 against a level aggregate of 0.87 (51B at 0.6): relatively in surplus
    m = pd.concat([matches({2023: 1.0}, {2026: 1.6}, specialty="51A", spread=0.05),
                   matches({2023: 1.0}, {2026: 0.6}, specialty="51B", spread=0.05)])
    row = one(evaluate_warnings({"quality": q, "matches": m}, "default", as_of=2023), "51A")
    assert row["warning_level"] == "yellow" and row["conflict"]
    assert "证据冲突" in row["reason_zh"] and "已观测" in row["reason_zh"] and "预测" in row["reason_zh"]
    assert "96.0%" in row["reason_zh"] and "1.83倍" in row["reason_zh"]  # both sides with their values
    status = {r["rule_id"]: (r["status"], r["evidence"]) for r in reasons(row)}
    assert status["outcomes.good"] == ("conflicting", "observed")
    assert status["default.relative-surplus"] == ("conflicting", "model")
    # the projection alone (roa-bands) would have cut
    assert one(evaluate_warnings({"matches": m}, "roa-bands", as_of=2023), "51A")["warning_level"] == "orange"


def test_poor_outcomes_decide_over_a_projected_shortage():
    q = _peer_rates({2022: 0.45, 2023: 0.45})
    m = pd.concat([matches({2023: 1.0}, {2026: 0.5}, specialty="51A", spread=0.05),
                   matches({2023: 1.0}, {2026: 1.5}, specialty="51B", spread=0.05)])
    row = one(evaluate_warnings({"quality": q, "matches": m}, "default", as_of=2023), "51A")
    assert row["warning_level"] == "orange"
    status = {r["rule_id"]: r["status"] for r in reasons(row)}
    assert status["moe-2011.reduce"] == "decisive"
    # an expansion needs observed support: poor outcomes keep the relative shortage from firing
    assert "default.relative-shortage" not in status
    assert "45.0%" in row["reason_zh"]
    assert "共同年度波动后为45.0%" in row["reason_zh"]  # peers steady at 90%: no common shock


def _good_51a() -> pd.DataFrame:
    """51A places its graduates better than its peers (the observed support an expansion needs)."""
    return peers({s: {2022: r, 2023: r} for s, r in (("51A", 0.95), ("51B", 0.9), ("51C", 0.9), ("51D", 0.88))})


def test_a_shared_assumption_moves_absolute_but_not_relative_projections():
    # every projected ratio ×1.4 (e.g. a lower entrant share): the relative levels stay
    def levels(scale):
        m = pd.concat([matches({2023: 1.0}, {2026: r * scale}, specialty=s, spread=0.05, supply=100)
                       for s, r in (("51A", 0.4), ("51B", 1.0), ("51C", 1.0), ("51D", 2.0))])
        w = evaluate_warnings({"matches": m, "quality": _good_51a()}, "default", as_of=2023)["warnings"]
        return dict(zip(w["specialty"], w["warning_level"], strict=True))
    assert levels(1.0)["51A"] == levels(1.4)["51A"] == "blue"
    assert levels(1.0)["51D"] == levels(1.4)["51D"] == "orange"


def test_a_common_shock_does_not_fire_the_rule_by_itself():
    years = range(2019, 2024)
    covid = {y: (0.5 if y >= 2022 else 0.8) for y in years}  # every specialty fell in 2022–2023
    q = peers({f"51{c}": covid for c in "ABCDE"})
    w = evaluate_warnings({"quality": q}, "default", as_of=2023)["warnings"]
    assert not w["warning_level"].isin(["orange", "red"]).any()
    # the absolute national rule alone does fire
    w = evaluate_warnings({"quality": q}, "moe-2011", as_of=2023)["warnings"]
    assert (w["warning_level"] == "orange").all()
    # a specialty that fell far below its peers in the same years still fires
    q2 = peers({**{f"51{c}": covid for c in "BCDE"}, "51A": {**covid, 2022: 0.3, 2023: 0.3}})
    row = one(evaluate_warnings({"quality": q2}, "default", as_of=2023), "51A")
    assert row["warning_level"] == "orange"
    gap = {r["rule_id"]: r for r in reasons(row)}["outcomes.below-peers"]
    assert gap["value"] == pytest.approx(-0.2)


def test_two_years_running_is_a_probability_over_both_years_and_small_cohorts_shrink(tmp_path):
    q = peers({"51A": {2022: 0.55, 2023: 0.55}, "51B": {2022: 0.85, 2023: 0.85},
               "51C": {2022: 0.8, 2023: 0.8}, "51D": {2022: 0.9, 2023: 0.9}})
    p_plain = one(evaluate_warnings({"quality": q}, "moe-2011", as_of=2023), "51A")["probability"]
    one_year = stats.beta.cdf(0.6, 55.5, 45.5)
    assert p_plain == pytest.approx(one_year ** 2, abs=1e-4)  # both years, not the latest alone
    shrink = policy_file(tmp_path, 'extends = ["moe-2011"]\n[settings]\nshrinkage = "empirical_bayes"\n')
    small = q.assign(graduates=q["specialty"].map({"51A": 8}).fillna(100))
    p_small = one(evaluate_warnings({"quality": small}, "moe-2011", as_of=2023), "51A")["probability"]
    p_small_shrunk = one(evaluate_warnings({"quality": small}, shrink, as_of=2023), "51A")["probability"]
    p_big_shrunk = one(evaluate_warnings({"quality": q}, shrink, as_of=2023), "51A")["probability"]
    assert p_small_shrunk < p_small < p_plain  # 8 graduates: less sure, and pulled toward peers
    assert p_small_shrunk < p_big_shrunk


def test_job_rate_without_further_study_is_kept_apart(tmp_path):
    out = pd.DataFrame({"region": "R", "school": "A", "specialty": "S1", "year": [2022, 2023],
                        "graduates": 100, "employed": 17, "matched": 10, "further_study": 40})
    pol = policy_file(tmp_path, '[[rules]]\nid = "jobs"\nindicator = "job_rate"\nop = "lt"\n'
                                'threshold = 0.3\nlevel = "yellow"\ntext_zh = "就业率{value}"\ntext_en = "x {value}"\n')
    res = evaluate_warnings({"outcomes": out, "enrolment": enrolment({2022: 100, 2023: 100})}, pol, as_of=2023)
    assert one(res)["warning_level"] == "yellow" and "就业率17.0%" in one(res)["reason_zh"]
    # the destination rate (with 升学) is 57%: the 60% rule sees that value
    row = one(evaluate_warnings({"outcomes": out, "enrolment": enrolment({2022: 100, 2023: 100})}, "moe-2011",
                                as_of=2023))
    assert reasons(row)[0]["value"] == pytest.approx(0.57)


def test_postings_ratio_through_occupations():
    post = pd.DataFrame({"region": "R", "occupation": ["o1", "o1", "o2", "o2"], "year": [2022, 2023] * 2,
                         "quarter": 1, "openings": [300.0, 320.0, 10.0, 10.0], "seekers": [100.0, 100.0, 50, 50]})
    so = pd.DataFrame({"specialty": ["S1", "S2"], "occupation": ["o1", "o2"], "level": LEVEL})
    q = peers({"S1": {2022: 0.9, 2023: 0.9}, "S2": {2022: 0.9, 2023: 0.9}})
    w = evaluate_warnings({"quality": q, "postings": post, "specialty_occupation": so}, "default",
                          as_of=2023)["warnings"].set_index("specialty")
    assert w.loc["S1", "warning_level"] == "blue" and "3.20" in w.loc["S1", "reason_zh"]
    assert w.loc["S2", "warning_level"] == "yellow" and "0.20" in w.loc["S2", "reason_zh"]


def test_enrolment_range_from_the_gap_bounded_by_capacity_and_cohort(tmp_path):
    pol = policy_file(tmp_path, 'extends = ["roa-bands"]\n[enrolment]\nbasis = "gap"\ncapacity_slack = 0.1\n')
    comp = pd.DataFrame({"specialty": "S1", "level": LEVEL, "rate": [0.8]})

    def run(ratio, demand, intake, population=(1000.0, 1000.0)):
        m = matches({2023: 1.0}, {2026: ratio}, spread=0.01)
        m = m.assign(graduates=200.0, demand=demand, demand_lo_80=demand * 0.8, demand_hi_80=demand * 1.2)
        part = pd.DataFrame({"region": "R", "level": LEVEL, "year": [2023, 2024], "population": list(population)})
        tables = {"matches": m, "completion_rates": comp, "enrolment": enrolment(intake), "participation": part}
        return one(evaluate_warnings(tables, pol, as_of=2023))

    # supply 100 of 200 graduates, completion 0.8: target = demand / 0.4
    blue = run(0.5, 200.0, {2022: 100, 2023: 100})
    assert blue["warning_level"] == "blue" and blue["target_intake"] == pytest.approx(500)
    assert (blue["enrol_lo"], blue["enrol_hi"]) == (110, 110)  # capacity 100 × 1.1 bounds the target 400–600
    shrinking = run(0.5, 200.0, {2022: 100, 2023: 100}, population=(1000.0, 800.0))
    # cohort −20 %: capacity allows 100 × 1.1 × 0.8 = 88, but an expansion never becomes a cut: hold at 100
    assert shrinking["warning_level"] == "blue" and (shrinking["enrol_lo"], shrinking["enrol_hi"]) == (100, 100)
    orange = run(1.6, 30.0, {2022: 100, 2023: 100})
    assert orange["warning_level"] == "orange" and orange["target_intake"] == pytest.approx(75)
    assert (orange["enrol_lo"], orange["enrol_hi"]) == (60, 90)  # target 60–90, and at least the 10 % cut


def test_duplication_per_class_across_levels_with_programme_sizes():
    # five small programmes of class 4601 over two levels; the class is crowded against its market
    e = pd.concat([enrolment({2023: 30}, specialty=s).assign(school=sch, level=lv)
                   for s, sch, lv in (("4601A", "a", "中职"), ("4601A", "b", "中职"), ("4601B", "c", LEVEL),
                                      ("4601B", "d", LEVEL), ("4601B", "e", LEVEL))]
                  + [enrolment({2023: 100}, specialty="5101A").assign(school="f")])
    m = pd.concat([matches({2023: 1.0}, {2026: 3.0}, specialty="4601B", supply=90),
                   matches({2023: 1.0}, {2026: 0.5}, specialty="5101A", supply=100)])
    w = evaluate_warnings({"enrolment": e, "matches": m}, "duplication", as_of=2023,
                          units=["planning_region"])["warnings"].set_index("specialty")
    assert w.loc["4601B", "warning_level"] == "orange"
    assert "5个专业点" in w.loc["4601B", "reason_zh"] and "招生中位数仅30人" in w.loc["4601B", "reason_zh"]
    assert w.loc["4601A", "warning_level"] == "orange"  # the 中职 programmes of the same class too
    assert w.loc["5101A", "warning_level"] == "green"


def _relative_short_case(absolute: float, with_params: bool = True):
    """51A relatively short (its S/D ≈ 0.48 of the level's) at an absolute S/D of ``absolute``."""
    m = pd.concat([matches({2023: 1.0}, {2026: absolute * f}, specialty=s, spread=0.05, supply=100)
                   for s, f in (("51A", 1.0), ("51B", 3.2), ("51C", 3.2), ("51D", 3.2))])
    tables = {"matches": m, "quality": _good_51a(), "enrolment": pd.concat([enrolment({2021: 100, 2022: 100, 2023: 100}, s)
                                                    for s in ("51A", "51B", "51C", "51D")])}
    if with_params:
        tables["demand_parameters"] = pd.DataFrame({"industry": ["C", "I"], "entrant_share": 0.35,
                                                    "entrant_share_low": 0.25, "entrant_share_high": 0.5})
    return one(evaluate_warnings(tables, "default", as_of=2023), "51A")


def test_an_absolute_surplus_that_hinges_on_the_entrant_share_does_not_stop_a_relative_blue():
    # S/D 1.3 is a surplus at the central entrant share but 0.91 at its high end (×0.35/0.50)
    row = _relative_short_case(1.3)
    status = {r["rule_id"]: r["status"] for r in reasons(row)}
    assert row["warning_level"] == "blue"
    assert status["default.relative-shortage"] == "decisive" and status["roa-bands.surplus"] == "overridden"
    assert "default.absolute-surplus-robust" not in status
    # the expansion is a larger share of the level: sized from the relative ratio, not the absolute one
    assert row["enrol_lo"] == 100 and row["enrol_hi"] > 100


def test_a_surplus_that_holds_at_the_high_entrant_share_keeps_the_watch():
    row = _relative_short_case(2.5)  # 2.5 × 0.7 = 1.75 > 1.15 whatever the entrant share
    status = {r["rule_id"]: r["status"] for r in reasons(row)}
    assert row["warning_level"] == "yellow"
    assert status["default.absolute-surplus-robust"] == "decisive"
    assert status["default.relative-shortage"] == "contributing"
    assert "上限" in row["reason_zh"] and "1.75" in row["reason_zh"]
    # without the demand stage's parameters the robust indicator is unknown: the relative rule decides
    assert _relative_short_case(2.5, with_params=False)["warning_level"] == "blue"


def test_a_weak_projected_watch_does_not_displace_an_issued_blue():
    from talentforecast.warning.combine import resolve
    from talentforecast.warning.rules import Condition, Rule

    def ev(level, p, ind="ratio_sd_projected"):
        rule = Rule(f"x.{level}", (Condition(ind, "gt", 1.0),), level, "", "", "watch", "", "")
        return {"rule": rule, "probability": p}
    settings = {"min_probability_blue": 0.7, "min_probability_yellow_over_blue": 0.7}
    assert resolve([ev("blue", 0.8), ev("yellow", 0.6)], settings)["level"] == "blue"
    assert resolve([ev("blue", 0.8), ev("yellow", 0.75)], settings)["level"] == "yellow"
    # a blue below its own threshold is withdrawn: the watch stands whatever its probability
    assert resolve([ev("blue", 0.6), ev("yellow", 0.1)], settings)["level"] == "yellow"
    # an observed watch is never dropped by this setting
    assert resolve([ev("blue", 0.8), ev("yellow", 0.1, "employment_rate")], settings)["level"] == "yellow"
    assert resolve([ev("blue", 0.8), ev("yellow", 0.6)], {"min_probability_blue": 0.7})["level"] == "yellow"


def test_an_observed_shortage_decides_over_a_projected_watch():
    # postings: 3.2 openings per seeker two years running (observed blue); projection: S/D 1.6,
    # an absolute surplus (model watch) that is not a relative one (the only specialty of its level)
    post = pd.DataFrame({"region": "R", "occupation": "o1", "year": [2022, 2023], "quarter": 1,
                         "openings": [300.0, 320.0], "seekers": [100.0, 100.0]})
    so = pd.DataFrame({"specialty": ["S1"], "occupation": ["o1"], "level": LEVEL})
    tables = {"quality": peers({"S1": {2022: 0.9, 2023: 0.9}}), "postings": post, "specialty_occupation": so,
              "matches": matches({2023: 1.2}, {2026: 1.6}, spread=0.05)}
    row = one(evaluate_warnings(tables, "default", as_of=2023))
    status = {r["rule_id"]: r["status"] for r in reasons(row)}
    assert row["warning_level"] == "blue" and row["conflict"]
    assert status["outcomes.postings-shortage"] == "decisive" and status["roa-bands.surplus"] == "conflicting"
    assert "以已观测结果为准" in row["reason_zh"]
