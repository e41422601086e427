"""A warning's probability is never shown as a certainty: ">99%" / "<1%" at the ends, in the
report's tables and the dashboard's list alike (the tables and the feed keep the number)."""

import pytest

from talentforecast.report.builder import fmt_number


def test_report_tables_show_the_ends_as_more_than_99_and_less_than_1_percent():
    assert [fmt_number(p, "probability") for p in (1.0, 0.996, 0.5, 0.001, 0.0)] == [">99%", ">99%", "50%", "<1%", "<1%"]
    assert fmt_number(1.0, "employment_rate") == "100.0%"  # a rate that is 100 % stays so


def test_the_dashboard_list_shows_the_same(example_run):
    pytest.importorskip("dash")
    from talentforecast.dashboard.tables import warn_records

    w = example_run.tables["warnings"].head(3).copy()
    w["probability"] = [1.0, 0.0, float("nan")]
    got = [r["probability"] for r in warn_records(w, "zh")]
    assert got == [">99%", "<1%", "–"]


def test_the_report_column_is_sized_for_the_whole_text():
    # ">99%" is one word to the column sizing: measured as "99%" the column came out too narrow,
    # the cell broke in two and the example's Chinese PDF grew from 151 to 166 pages
    from talentforecast.report.builder import _word_mm

    assert _word_mm(">99%") >= _word_mm("100%") > _word_mm("99%")
