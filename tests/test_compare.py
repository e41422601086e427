"""tf.compare / talentforecast compare: what changed between two runs."""

import pandas as pd
import pytest
from typer.testing import CliRunner

import talentforecast as tf
import talentforecast.cli as cli
from talentforecast.bundle import Bundle
from talentforecast.errors import InputError, OutputError, set_lang
from talentforecast.pipeline import Run


def make_run(as_of, levels, ranks, openings, lo=10):
    specs = ["610101", "610102", "610103"][: len(levels)]
    w = pd.DataFrame({"region": "990100", "specialty": specs, "level": "中职", "year": as_of + 1,
                      "warning_level": levels, "enrol_lo": [lo] * len(specs), "enrol_hi": [lo + 20] * len(specs)})
    q = pd.DataFrame({"region": "990100", "specialty": specs, "level": "中职", "year": as_of,
                      "rank": pd.array(ranks, dtype="Int64")})
    years = list(range(as_of, as_of + 3))
    op = pd.DataFrame({"region": "990100", "industry": "C", "year": years, "scenario": "baseline",
                       "value": openings[: len(years)]})
    other = op.assign(scenario="key_industries", value=999.0)  # scenarios are not totals
    return Run(bundle=Bundle(tables={}), options={"as_of": as_of},
               manifest={"run_id": f"r{as_of}", "meta": {"region": "990100"}},
               tables={"warnings": w, "quality_ranking": q, "openings": pd.concat([op, other])})


def test_lists_level_range_rank_and_total_changes():
    old = make_run(2023, ["yellow", "green", "red"], [1, 2, None], [100.0, 110.0, 120.0])
    new = make_run(2024, ["red", "green"], [2, 1], [105.0, 100.0, 130.0], lo=12)
    c = tf.compare(old, new)
    t = c.table
    lv = t[t.aspect == "level"].set_index("item")
    assert lv.loc["610101", ["old", "new"]].tolist() == ["yellow", "red"]
    assert pd.isna(lv.loc["610103", "new"]) and lv.loc["610103", "old"] == "red"  # gone from the new run
    assert "610102" not in lv.index  # unchanged level is not listed
    assert lv.loc["610101", "item_name"] == "种子生产技术"
    rng = t[t.aspect == "range"].set_index("item")
    assert rng.loc["610102", ["old", "new"]].tolist() == ["10–30", "12–32"]
    rk = t[t.aspect == "rank"].set_index("item")
    assert rk.loc["610101", ["old", "new", "change"]].tolist() == [1, 2, 1] and len(rk) == 2
    tot = t[(t.aspect == "total") & (t.table == "openings")].set_index("year")
    assert tot.index.tolist() == [2024, 2025]  # common years from the new as_of on; baseline only
    assert tot.loc[2025, ["old", "new", "change"]].tolist() == [120.0, 100.0, -20.0]
    assert c.counts["level"] == {"n": 3, "changed": 2, "up": 1, "down": 0, "only": 1}


def test_text_in_both_languages_is_true_to_the_table():
    old = make_run(2023, ["yellow", "green"], [1, 2], [100.0, 110.0, 120.0])
    new = make_run(2024, ["red", "blue"], [2, 1], [105.0, 100.0, 130.0])
    c = tf.compare(old, new)
    zh, en = c.text("zh"), c.text("en")
    assert "预警等级：2 个专业中 2 个有变化（1 个趋向调减，1 个趋向保持或扩招" in zh
    assert "黄色 → 红色" in zh and "绿色 → 蓝色" in zh
    assert "2025 年岗位需求合计：120 → 100（-16.7%）" in zh
    assert "Warning levels: 2 of 2 specialties changed (1 toward cutting enrolment, 1 toward keeping" in en
    assert "Total job openings in 2025: 120 → 100 (-16.7%)." in en
    assert "Quality ranks: 2 of 2 specialties changed." in en


def test_saved_folders_and_the_cli(tmp_path):
    old = make_run(2023, ["yellow"], [1], [100.0, 110.0, 120.0])
    new = make_run(2024, ["orange"], [1], [105.0, 100.0, 130.0])
    old.save(tmp_path / "a" / "run")
    new.save(tmp_path / "b" / "run")
    c = tf.compare(tmp_path / "a", tmp_path / "b" / "run")  # output folder or run folder
    assert c.table[c.table.aspect == "level"][["old", "new"]].values.tolist() == [["yellow", "orange"]]
    result = CliRunner().invoke(cli.build_app("en"), ["compare", str(tmp_path / "a"), str(tmp_path / "b"),
                                                      "-o", str(tmp_path / "changes.csv"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "yellow → orange" in result.output and f"wrote {tmp_path / 'changes.csv'}" in result.output
    back = pd.read_csv(tmp_path / "changes.csv", dtype={"item": str, "region": str})
    assert back[back.aspect == "level"]["item"].tolist() == ["610101"]
    with pytest.raises(InputError, match="含 manifest.json 的运行文件夹") as err:
        tf.compare(tmp_path / "a", tmp_path / "nothing")
    assert "run folder with manifest.json" in err.value.render("en")


def test_a_folder_without_a_run_is_refused_in_chinese(tmp_path):
    with pytest.raises(InputError) as err:
        Run.load(tmp_path)
    assert err.value.render("zh").endswith("应为 含 manifest.json 的运行文件夹（由 `talentforecast run` 生成）")
    with pytest.raises(InputError) as err:
        tf.run(Bundle(tables={}), progress=False)
    assert "列 'year'" in err.value.render("zh") and "应为 至少一张含年份的输入表" in err.value.render("zh")
    run = make_run(2023, ["yellow"], [1], [100.0, 110.0, 120.0])
    for lang, text in (("zh", "未知的表格式 ['xls']；应为 csv 和/或 parquet"),
                       ("en", "unknown table format(s) ['xls']; expected csv and/or parquet")):
        old = set_lang(lang)
        try:
            with pytest.raises(OutputError) as err:
                run.save(tmp_path / "out", formats=("xls",))
        finally:
            set_lang(old)
        assert err.value.render(lang) == text
