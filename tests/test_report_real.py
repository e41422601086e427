"""The report on a real (fast-parameter) run of the whole chain: every key figure is for the
planning region, the baseline scenario and one year, and agrees with the underlying tables."""

import functools
import warnings

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.report.context import Builder, build_context
from talentforecast.report.i18n import Strings, load_settings

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


def _keyfigs(ctx) -> dict[str, str]:
    block = next(b for b in ctx["sections"][0]["blocks"] if b["kind"] == "keyfigs")
    return {i["label"]: i["value"] for i in block["items"]}


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def test_key_figures_are_for_the_planning_region_baseline_and_one_year(run, ctx):
    t, s = run.tables, Strings("en")
    meta = run.report_meta()
    b = Builder(t, "en", meta, load_settings())
    regions = t["regions"]
    assert [ctx["region"]] == regions.loc[regions["parent"].isna(), "region"].astype(str).tolist()
    w = t["warnings"]
    w = w[w["region"].astype(str) == ctx["region"]]
    m = t["matches"]
    m = m[(m["region"].astype(str) == ctx["region"]) & (m["scenario"] == "baseline") & (m["year"] == b.match_year)]
    m = m[pd.MultiIndex.from_frame(m[["specialty", "level"]]).isin(pd.MultiIndex.from_frame(w[["specialty", "level"]]))]
    figs = _keyfigs(ctx)
    n_short = _int(figs[s("keyfig.specialties_shortage", year=b.match_year)])
    n_surplus = _int(figs[s("keyfig.specialties_surplus", year=b.match_year)])
    assert n_short == int((m["band"] == "shortage").sum()) > 0
    assert n_surplus == int((m["band"] == "surplus").sum()) > 0
    assert n_short + n_surplus <= len(w)  # cannot exceed the specialties the region offers
    levels = w["warning_level"].value_counts()
    for level in ("red", "orange", "blue"):
        assert _int(figs[s(f"keyfig.warnings_{level}")]) == int(levels.get(level, 0)), level
    emp = t["employment_forecast"]
    emp = emp[(emp["region"].astype(str) == ctx["region"]) & (emp["scenario"] == "baseline")
              & emp["industry"].astype(str).str.fullmatch(r"[A-Z]")]
    observed = _int(figs[s("keyfig.employment_base", year=ctx["base_year"])])
    assert observed == round(emp.loc[emp["year"] == ctx["base_year"], "value"].sum())


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
            assert len(t["rows"]) <= 40  # appendix and body tables are capped
