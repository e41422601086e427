"""Every shipped rule on hand-built cases, boundaries, missing years, precedence, monotonicity."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from talentforecast.warning import LEVELS, evaluate_warnings, load_policy
from talentforecast.warning.engine import evaluate_key
from talentforecast.warning.indicators import Context, Obs
from warning_cases import enrolment, matches, one, quality, reasons


def level_of(rates, policy, **tables):
    res = evaluate_warnings({"quality": quality(rates), **tables}, policy=policy, as_of=max(rates))
    return one(res)


# --- moe-2011 -------------------------------------------------------------------------------
@pytest.mark.parametrize("rates, expected", [
    ({2022: 0.55, 2023: 0.58}, "orange"),                 # two years below 60%
    ({2021: 0.5, 2022: 0.55, 2023: 0.58}, "orange"),      # third year, but no cut known: cut first
    ({2022: 0.70, 2023: 0.55}, "green"),                  # only one year below
    ({2022: 0.60, 2023: 0.60}, "green"),                  # exactly 60% is not below
    ({2022: 0.5999, 2023: 0.5999}, "orange"),
    ({2023: 0.30}, "green"),                              # one year of data: no two-year run
])
def test_moe_2011(rates, expected):
    assert level_of(rates, "moe-2011")["warning_level"] == expected


def test_stop_only_after_a_cut_and_the_text_shows_the_intake_path():
    rates = {2021: 0.5, 2022: 0.55, 2023: 0.58}
    # intake rose 94 → 143: no cut happened, so no stop, and no text claims a cut
    rose = level_of(rates, "moe-2011", enrolment=enrolment({2021: 94, 2022: 120, 2023: 143}))
    assert rose["warning_level"] == "orange"
    assert "94 → 120 → 143" in rose["reason_zh"] and "调减后" not in rose["reason_zh"]
    assert "已调减" not in rose["reason_zh"]
    cut = level_of(rates, "moe-2011", enrolment=enrolment({2021: 143, 2022: 120, 2023: 94}))
    assert cut["warning_level"] == "red" and "143 → 120 → 94" in cut["reason_zh"]
    assert "34%" in cut["reason_zh"]  # (143 − 94) / 143
    # a policy can stop without a cut: province-tiered's suspend rule has no intake condition
    assert level_of(rates, "province-tiered")["warning_level"] == "red"


def test_not_enrolling_is_its_own_status_without_a_range():
    q = quality({2022: 0.9, 2023: 0.9}, "S1")
    e = enrolment({2020: 100, 2021: 90, 2022: 0, 2023: 0}, "S1")
    e.loc[e["year"] == 2023, "in_school"] = 90
    res = evaluate_warnings({"quality": q, "enrolment": e, **_shortage()}, "default", as_of=2023)
    row = one(res)
    assert row["warning_level"] == "not_enrolling" and row["enrol_lo"] != row["enrol_lo"]
    assert "2022–2023年无招生" in row["reason_zh"] and "在校生90人（2023年）" in row["reason_zh"]
    assert "扩" not in row["action_zh"] and "保持" not in row["action_zh"]
    # one year without intake (e.g. alternate-year enrolment) is not yet "not enrolling"
    e2 = enrolment({2020: 100, 2021: 90, 2022: 80, 2023: 0}, "S1")
    assert one(evaluate_warnings({"quality": q, "enrolment": e2}, "default", as_of=2023))[
        "warning_level"] != "not_enrolling"


def _shortage() -> dict:
    return {"matches": matches({2023: 0.5}, {2026: 0.5})}


def test_missing_year_breaks_the_run():
    # 2021 missing: 2022–2023 is a two-year run (orange) but not a three-year one (no red)
    row = level_of({2019: 0.5, 2020: 0.5, 2022: 0.5, 2023: 0.5}, "moe-2011")
    assert row["warning_level"] == "orange"
    # 2022 missing: the latest year stands alone, no two-year run
    assert level_of({2020: 0.5, 2021: 0.5, 2023: 0.5}, "moe-2011")["warning_level"] == "green"


# --- province-tiered -------------------------------------------------------------------------
@pytest.mark.parametrize("rates, expected, rule", [
    ({2023: 0.59}, "orange", "province-tiered.below-60"),
    ({2023: 0.60}, "green", None),                             # boundary 60%
    ({2023: 0.40}, "orange", "province-tiered.below-60"),      # boundary 40%: only below 60%
    ({2023: 0.39}, "orange", "province-tiered.below-40"),
    ({2023: 0.30}, "orange", "province-tiered.below-40"),      # boundary 30%: not stop
    ({2023: 0.29}, "red", "province-tiered.below-30"),
    ({2022: 0.39, 2023: 0.39}, "red", "province-tiered.below-40-twice"),
    ({2022: 0.41, 2023: 0.39}, "orange", "province-tiered.below-40"),
    ({2021: 0.55, 2022: 0.58, 2023: 0.59}, "red", "province-tiered.suspend"),
])
def test_province_tiered(rates, expected, rule):
    row = level_of(rates, "province-tiered")
    assert row["warning_level"] == expected
    decisive = [r["rule_id"] for r in reasons(row) if r["status"] == "decisive"]
    assert (rule in decisive) if rule else decisive == []


def test_province_cap_and_alternate_enrolment():
    # below 60%: plan ≤ last year's employed graduates (0.5 × 80 = 40)
    q = quality({2023: 0.5}, graduates=80)
    row = one(evaluate_warnings({"quality": q, "enrolment": enrolment({2023: 100})},
                                "province-tiered", as_of=2023))
    assert row["enrol_hi"] == 40 and row["enrol_lo"] <= 40
    assert "40" in row["reason_zh"]
    # below 40% and enrolled in 2023: no intake in 2024 (every other year)
    q = quality({2023: 0.35})
    row = one(evaluate_warnings({"quality": q, "enrolment": enrolment({2023: 100})},
                                "province-tiered", as_of=2023))
    assert (row["enrol_lo"], row["enrol_hi"]) == (0, 0) and row["action_zh"] == "隔年招生"
    # … but if it skipped 2023, it may enrol in 2024, up to the employed graduates (35)
    row = one(evaluate_warnings({"quality": q, "enrolment": enrolment({2022: 100})},
                                "province-tiered", as_of=2023))
    assert (row["enrol_lo"], row["enrol_hi"]) == (0, 35)


# --- roa-bands and cops-override --------------------------------------------------------------
@pytest.mark.parametrize("ratio, expected", [
    (0.80, "blue"), (0.85, "blue"), (0.86, "green"), (1.00, "green"), (1.03, "green"),
    (1.05, "green"), (1.10, "yellow"), (1.15, "yellow"), (1.16, "orange"), (2.0, "orange"),
])
def test_roa_bands(ratio, expected):
    m = matches({2023: 1.0}, {2024: 1.0, 2025: 1.0, 2026: ratio})
    row = one(evaluate_warnings({"matches": m}, "roa-bands", as_of=2023))
    assert row["warning_level"] == expected
    assert reasons(row)[0]["years"] == [2026]  # read at as_of + projection_offset


def test_cops_override_balances_both_ways():
    m = matches({2022: 1.3, 2023: 1.3}, {2026: 0.8})  # recent surplus, projected shortage
    row = one(evaluate_warnings({"matches": m}, "cops-override", as_of=2023))
    assert row["warning_level"] == "green"
    status = {r["rule_id"]: r["status"] for r in reasons(row)}
    assert status == {"cops-override.surplus-to-shortage": "decisive", "roa-bands.shortage": "overridden"}
    m = matches({2023: 0.8}, {2026: 1.3})  # recent shortage, projected surplus
    row = one(evaluate_warnings({"matches": m}, "cops-override", as_of=2023))
    assert row["warning_level"] == "yellow"
    assert {r["rule_id"]: r["status"] for r in reasons(row)}["roa-bands.surplus"] == "overridden"
    # without the override the ROA band decides
    assert one(evaluate_warnings({"matches": m}, "roa-bands", as_of=2023))["warning_level"] == "orange"


def test_override_does_not_beat_employment_rule():
    m = matches({2022: 1.3, 2023: 1.3}, {2026: 0.8})
    q = quality({2022: 0.5, 2023: 0.5})
    row = one(evaluate_warnings({"matches": m, "quality": q}, "default", as_of=2023))
    assert row["warning_level"] == "orange"  # moe-2011 wins over the green balance
    status = {r["rule_id"]: r["status"] for r in reasons(row)}
    assert status["moe-2011.reduce"] == "decisive"
    assert status["cops-override.surplus-to-shortage"] == "contributing"


# --- duplication -----------------------------------------------------------------------------
@pytest.mark.parametrize("n, per_school, expected", [
    (4, 30.0, "yellow"), (4, 10.0, "orange"), (2, 10.0, "green"), (3, 40.0, "green"), (3, 39.9, "yellow"),
])
def test_duplication(n, per_school, expected):
    d = pd.DataFrame({"region": ["R"], "specialty": ["S1"], "n_schools": [n],
                      "demand_per_school": [per_school], "flag": [per_school < 40]})
    tables = {"quality": quality({2023: 0.9}), "duplication": d}
    assert one(evaluate_warnings(tables, "duplication", as_of=2023))["warning_level"] == expected


# --- general behaviour -----------------------------------------------------------------------
def test_every_offered_specialty_gets_a_row_and_green_says_why():
    q = pd.concat([quality({2022: 0.5, 2023: 0.5}), quality({2022: 0.9, 2023: 0.95}, specialty="S2")])
    w = evaluate_warnings({"quality": q}, "default", as_of=2023)["warnings"]
    assert sorted(w["specialty"]) == ["S1", "S2"]
    green = w.set_index("specialty").loc["S2"]
    assert green["warning_level"] == "green" and "未触发" in green["reason_zh"]
    assert "No rule" in green["reason_en"] and "95.0%" in green["reason_zh"]
    assert (w["year"] == 2024).all()


def test_reasons_carry_rule_value_threshold_years():
    row = level_of({2022: 0.55, 2023: 0.58}, "moe-2011")
    r = reasons(row)[0]
    assert r["rule_id"] == "moe-2011.reduce" and r["indicator"] == "employment_rate"
    assert r["value"] == pytest.approx(0.58) and r["threshold"] == 0.6 and r["years"] == [2022, 2023]
    assert "60.0%" in r["text_zh"] and "2022–2023" in r["text_zh"] and "58.0%" in r["text_en"]
    assert row["reason_zh"] == r["text_zh"] and row["action_zh"] == "调减"


def test_probability_from_graduates_and_intervals():
    p_small = level_of({2022: 0.58, 2023: 0.58}, "moe-2011")["probability"]
    res = evaluate_warnings({"quality": quality({2022: 0.58, 2023: 0.58}, graduates=2000)},
                            "moe-2011", as_of=2023)
    p_big = one(res)["probability"]
    assert 0 < p_small < p_big < 1  # more graduates: surer that the true rate is below 60%
    assert p_big > 0.9
    wide = one(evaluate_warnings({"matches": matches({2023: 1}, {2026: 1.3}, spread=0.3)},
                                 "roa-bands", as_of=2023))["probability"]
    narrow = one(evaluate_warnings({"matches": matches({2023: 1}, {2026: 1.3}, spread=0.05)},
                                   "roa-bands", as_of=2023))["probability"]
    assert 0.5 < wide < narrow <= 1


def test_enrolment_ranges_follow_level():
    e = enrolment({2023: 100})
    cut = enrolment({2022: 120, 2023: 100})
    red = one(evaluate_warnings({"quality": quality({2021: .5, 2022: .5, 2023: .5}), "enrolment": cut},
                                "moe-2011", as_of=2023))
    assert (red["enrol_lo"], red["enrol_hi"]) == (0, 0)
    orange = one(evaluate_warnings({"quality": quality({2022: .5, 2023: .5}), "enrolment": e},
                                   "moe-2011", as_of=2023))
    assert (orange["enrol_lo"], orange["enrol_hi"]) == (70, 90)
    blue = one(evaluate_warnings({"matches": matches({2023: 1}, {2026: 0.8}), "enrolment": e},
                                 "roa-bands", as_of=2023))
    assert (blue["enrol_lo"], blue["enrol_hi"]) == (100, 125)  # demand-led 100 / 0.8, under +30%
    green = one(evaluate_warnings({"quality": quality({2023: .9}), "enrolment": e}, "moe-2011", as_of=2023))
    assert (green["enrol_lo"], green["enrol_hi"]) == (95, 105)


@pytest.mark.parametrize("policy", ["moe-2011", "province-tiered", "default"])
def test_lower_employment_rate_never_milder(policy):
    pol = load_policy(policy)

    def level(rates):
        ctx = Context(series={"employment_rate": {
            y: Obs(y, r, n=100) for y, r in zip((2021, 2022, 2023), rates, strict=True)}})
        return LEVELS[evaluate_key(pol, ctx, 2023, levels_only=True)["warning_level"]]

    grid = [0.25, 0.29, 0.3, 0.35, 0.39, 0.4, 0.5, 0.59, 0.6, 0.7]
    for rates in itertools.product(grid, repeat=3):
        base = level(rates)
        for i, step in itertools.product(range(3), (0.01, 0.1)):
            lower = list(rates)
            lower[i] = max(lower[i] - step, 0.0)
            assert level(lower) >= base, (policy, rates, lower)


def test_engine_has_no_specialty_codes():
    import re
    from pathlib import Path

    import talentforecast.warning as w

    for path in Path(w.__file__).parent.glob("*.py"):
        assert not re.search(r"(?<!\d)\d{6}(?!\d)", path.read_text(encoding="utf-8")), path
