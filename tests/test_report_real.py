"""The report on a real (fast-parameter) run of the whole chain: every key figure is for the
planning region, the baseline scenario and one year, and agrees with the underlying tables."""

import functools
import re
import warnings

import pytest

import talentforecast as tf
from talentforecast.report.context import Builder, build_context
from talentforecast.report.i18n import load_settings

pytestmark = pytest.mark.slow  # end-to-end: runs in CI; skip locally with -m 'not slow'

FAST = {"demand": {"models": "drift", "n_paths": 200}}


@functools.cache
def real_run():
    """The example region through every stage with the shipped scenario (fast parameters).

    Shared by the report and dashboard tests of this process (cached)."""
    from talentforecast.demand import EXAMPLE_SCENARIO

    return tf.run(tf.datasets.load_example(), progress=False, scenario=str(EXAMPLE_SCENARIO), params=FAST)


@pytest.fixture(scope="module")
def run():
    return real_run()


@pytest.fixture(scope="module")
def ctx(run):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # e.g. matplotlib fed inf/NaN (transforms.py)
        warnings.filterwarnings("error", message=".*Glyph.*missing")
        return build_context(run.tables, lang="en", meta=run.report_meta())


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _summary_text(ctx) -> str:
    return "\n".join(b["text"] for b in ctx["sections"][0]["blocks"] if b["kind"] == "para")


def test_summary_figures_are_for_the_planning_region_baseline_and_one_year(run, ctx):
    t = run.tables
    meta = run.report_meta()
    b = Builder(t, "en", meta, load_settings())
    regions = t["regions"]
    assert [ctx["region"]] == regions.loc[regions["parent"].isna(), "region"].astype(str).tolist()
    text = _summary_text(ctx)
    w = t["warnings"]
    w = w[w["region"].astype(str) == ctx["region"]]
    levels = w["warning_level"].value_counts()
    for level, word in (("red", "red"), ("orange", "orange"), ("blue", "blue")):
        assert f"{word} (" in text and re.search(rf"{word} \([^)]*\) {int(levels.get(level, 0))}\b", text), level
    emp = t["employment_forecast"]
    tot = emp[(emp["region"].astype(str) == ctx["region"]) & (emp["scenario"] == "baseline")
              & (emp["industry"] == "_T") & (emp["year"] == b.target_year)].iloc[0]
    assert f"{tot['value']:,.0f} persons (80% interval {tot['lo_80']:,.0f}–{tot['hi_80']:,.0f})" in text


def test_tables_use_one_scope_and_cells_never_wrap_probability(ctx):
    def tables(sec):
        return [b for b in sec["blocks"] if b["kind"] == "table"]

    match = next(s for s in ctx["sections"] if s["key"] == "match")
    counts = tables(match)[0]
    total = sum(int(r[1]) for r in counts["rows"])
    warn = next(s for s in ctx["sections"] if s["key"] == "warnings")
    assert total <= sum(int(r[1]) for r in tables(warn)[0]["rows"])
    for sec in ctx["sections"]:
        for t in tables(sec):
            if "probability" in t["columns"]:
                i = t["columns"].index("probability")
                assert all(r[i] == "—" or r[i].endswith("%") and "." not in r[i] for r in t["rows"])
            assert all("inf" not in c for r in t["rows"] for c in r)
            assert t.get("complete") or len(t["rows"]) <= 40  # capped, except the complete mandated lists
