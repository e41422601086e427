"""The stage graph: declared inputs/outputs, derived order, sub-graphs, and stages alone = in the run."""

from __future__ import annotations

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.errors import ConfigError
from talentforecast.graph import Stage, call, plan, producers
from talentforecast.stages import STAGES, retrospective_years, warning_stage


def test_every_table_has_one_producer_and_every_input_is_made_or_an_input():
    made = producers(STAGES)
    inputs = set(tf.TABLES)
    for s in STAGES:
        for t in s.inputs:
            assert t in made or t in inputs, f"{s.name} needs {t}, which nothing makes"


def test_order_is_derived_from_the_graph_not_the_declaration():
    a = Stage("a", lambda t, p: {"y": t["x"]}, inputs=("x",), outputs=("y",))
    b = Stage("b", lambda t, p: {"z": t["y"]}, inputs=("y",), outputs=("z",))
    assert [s.name for s in plan([b, a], ["b"], ["x"])] == ["a", "b"]


def test_asking_for_matching_runs_what_it_needs():
    names = [s.name for s in plan(STAGES, ["matching"], tf.datasets.load_example().tables)]
    assert names == ["demand", "supply", "matching"]


def test_a_missing_input_names_the_table_and_the_stage():
    tables = {k: v for k, v in tf.datasets.load_example().tables.items() if k != "outcomes"}
    with pytest.raises(ConfigError, match="outcomes") as err:
        tf.run(tf.Bundle(tables=tables), stages=["matching"], progress=False)
    assert "matching" in str(err.value)


def test_warning_stage_alone_on_matching_tables_only_is_refused(example_run):
    only = {n: example_run.tables[n] for n in ("matches", "quality", "duplication")}
    warning = next(s for s in STAGES if s.name == "warning")
    with pytest.raises(ConfigError, match="enrolment"):
        call(warning, only, example_run.options)


def test_unknown_stage_and_unknown_option_are_config_errors():
    b = tf.datasets.load_example()
    with pytest.raises(ConfigError, match="nosuch"):
        tf.run(b, stages=["nosuch"], progress=False)
    with pytest.raises(ConfigError, match="horizn"):
        tf.run(b, stages=["inputs"], progress=False, horizn=3)


def test_a_stage_may_not_return_undeclared_tables():
    s = Stage("s", lambda t, p: {"y": pd.DataFrame(), "extra": pd.DataFrame()}, outputs=("y",))
    with pytest.raises(ConfigError, match="extra"):
        call(s, {}, {})


@pytest.mark.parametrize("name", ["inputs", "demand", "supply", "matching", "warning"])
def test_each_stage_alone_gives_the_numbers_of_the_run(example_run, name):
    stage = next(s for s in STAGES if s.name == name)
    available = {**example_run.bundle.tables, **example_run.tables}
    alone = call(stage, available, example_run.options)
    assert alone, f"stage {name} made nothing"
    for table, df in alone.items():
        pd.testing.assert_frame_equal(df.reset_index(drop=True),
                                      example_run.tables[table].reset_index(drop=True), obj=f"{name}:{table}")


def test_interval_columns_are_named_one_way_in_every_run_table(example_run):
    """Bounds are ``lo_80``/``hi_80`` for a table's ``value``, ``<column>_lo_80`` for another column."""
    import re

    pattern = re.compile(r"^(?:[a-z0-9_]+_)?(lo|hi)_(80|95)$")
    odd = [(n, c) for n, df in example_run.tables.items() for c in df.columns
           if re.search(r"(^|_|-)(lo|hi)([-_]?\d+)", str(c)) and not pattern.match(str(c))]
    assert not odd, odd
    for name, df in example_run.tables.items():
        for c in df.columns:
            m = pattern.match(str(c))
            if m:  # each bound has its partner
                partner = str(c).replace(f"{m.group(1)}_{m.group(2)}", f"{'hi' if m.group(1) == 'lo' else 'lo'}_{m.group(2)}")
                assert partner in df.columns, (name, c)


def test_graph_and_stage_errors_are_in_chinese_with_english_on_request():
    b = tf.datasets.load_example()
    with pytest.raises(ConfigError) as err:
        tf.run(b, stages=["inputs"], progress=False, horizn=3)
    assert err.value.render("zh").startswith("未知的运行选项 ['horizn']；可用的有 [")
    assert err.value.render("en").startswith("unknown run option(s) ['horizn']")
    assert "未知" not in err.value.render("en")  # English alone, no longer "中文 (English)" in one string
    s = Stage("s", lambda t, p: {"y": pd.DataFrame(), "extra": pd.DataFrame()}, outputs=("y",))
    with pytest.raises(ConfigError) as err:
        call(s, {}, {})
    assert err.value.render("zh") == "阶段“s”返回了未声明的表 ['extra']"
    with pytest.raises(ConfigError) as err:
        warning_stage({}, {"params": {"warning": {"histroy": 3}}})
    assert "运行参数 params['warning'] 中有未知的键 ['histroy']" in err.value.render("zh")
    with pytest.raises(ConfigError) as err:
        retrospective_years({"retrospective": [2030], "as_of": 2023})
    assert err.value.render("zh") == "回溯检验的基准年 2030：需要 2031 年的实际数据，但本次运行的数据只到 2023 年"


def test_a_retrospective_year_without_data_fails_before_any_stage_runs(monkeypatch):
    import talentforecast.graph as graph

    ran = []
    monkeypatch.setattr(graph, "call", lambda stage, *a, **k: ran.append(stage.name) or {})
    with pytest.raises(ConfigError) as err:
        tf.run(tf.datasets.load_example(), progress=False, retrospective=[2030])
    assert "回溯检验的基准年 2030" in err.value.render("zh") and ran == []
