"""The bad-input catalogue (docs/bad-input.md): every entry is one case of ``test_catalogue``.

Each case writes a small file and states what it gets: an ``InputError`` whose problem names the
column, row and value, or a normalisation recorded in ``df.attrs["normalisations"]``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

import talentforecast as tf
from bad_input_cases import Case, check_case, csv
from talentforecast.errors import InputError

EMP = "地区,行业代码,年份,就业人数\n"
ENR = "地区,学校,专业代码,层次,年份,招生数,在校生数,毕业生数\n"
ENR_ROW = "990101,S01,610101,中职,2023,50,140,40\n"


def raw(data: bytes, name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes(data)
        return p
    return make


def xlsx(rows: list[list], merges: tuple[str, ...] = (), sheets: tuple[str, ...] = ()) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "数据"
        for row in rows:
            ws.append(row)
        for rng in merges:
            ws.merge_cells(rng)
        for name in sheets:
            wb.create_sheet(name)
        p = tmp / "t.xlsx"
        wb.save(p)
        return p
    return make


MERGED_HEADER = [
    ["地区", "学校", "专业代码", "层次", "年份", "人数(万人)", None, None],
    [None, None, None, None, None, "招生数", "在校生数", "毕业生数"],
    ["990101", "S01", "610101", "中职", 2023, 0.005, 0.014, 0.004],
]

CASES = [
    # encodings and file formats
    Case("gbk", "enrolment", csv(ENR + ENR_ROW, "gbk"), note="decoded as gb18030",
         check=lambda d: d.loc[0, "level"] == "中职"),
    Case("utf8_bom", "enrolment", csv(ENR + ENR_ROW, "utf-8-sig"), check=lambda d: d.columns[0] == "region"),
    Case("utf16_excel_unicode_text", "employment", csv(EMP.replace(",", "\t") + "990101\tC\t2023\t5\n", "utf-16"),
         note="decoded as utf-16"),
    Case("undecodable_bytes", "employment", raw(b"\x81\x20\xff\xfe\x00\x81" * 3, "t.csv"),
         error=(None, None, None, "UTF-8")),
    Case("xls_97_2003", "employment", raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "t.xls"),
         error=(None, None, None, ".xls")),
    Case("xlsx_named_csv", "employment", raw(b"PK\x03\x04" + b"\0" * 64, "t.csv"), error=(None, None, None, ".xlsx")),
    Case("corrupt_xlsx", "employment", raw(b"PK\x03\x04garbage" * 4, "t.xlsx"), error=(None, None, None, "XLSX")),
    Case("corrupt_parquet", "employment", raw(b"PAR1 not really", "t.parquet"), error=(None, None, None, "Parquet")),
    Case("semicolon_delimited", "employment", csv(EMP.replace(",", ";") + "990101;C;2023;5\n"),
         check=lambda d: d.loc[0, "employed"] == 5),
    Case("empty_file", "employment", csv(""), error=(None, None, None, "header row")),
    Case("blank_lines_only", "employment", csv("\n ,, \n\n"), error=(None, None, None, "header row")),
    Case("header_only", "employment", csv(EMP), error=(None, None, None, "data row")),
    # layout: title rows, merged cells, notes, stray cells
    Case("xlsx_title_rows", "employment",
         xlsx([["示例市分行业就业人数"], [], ["地区", "行业代码", "年份", "就业人数"], ["990101", "C", 2023, 7]]),
         note="title row", check=lambda d: d.loc[0, "employed"] == 7),
    Case("xlsx_merged_two_row_header", "enrolment", xlsx(MERGED_HEADER, merges=("F1:H1", "A1:A2", "E1:E2")),
         note="two-row header", check=lambda d: (d.loc[0, ["enrolled", "in_school", "graduates"]] == [50, 140, 40]).all()),
    Case("xlsx_merged_data_cells", "enrolment",
         xlsx([ENR.strip().split(","), ["990101", "S01", "610101", "中职", 2023, 50, 140, 40],
               ["990101", None, "610102", "中职", 2023, 50, 140, 40]], merges=("B2:B3",)),
         error=("school", 3, None, "merged cell")),
    Case("title_row_with_unit", "employment", csv("单位：万人\n" + EMP + "990101,C,2023,2\n"),
         note="万人 (title row 1", check=lambda d: d.loc[0, "employed"] == 20000),
    Case("footnote_rows", "employment", csv(EMP + "990101,C,2023,5\n注：不含私营单位\n资料来源：统计年鉴\n"),
         note="footnote rows", check=lambda d: len(d) == 1),
    Case("blank_rows_inside", "employment", csv(EMP + "\n990101,C,2023,5\n\n990101,D,2023,x\n"),
         error=("employed", 5, "x", "number")),
    Case("row_longer_than_header", "employment", csv(EMP + "990101,C,2023,5,7\n"),
         error=(None, 2, "7", "more fields")),
    Case("xlsx_several_sheets", "employment",
         xlsx([["地区", "行业代码", "年份", "就业人数"], ["990101", "C", 2023, 7]], sheets=("说明",)), note="read sheet '数据' of 2"),
    # columns
    Case("missing_column", "employment", csv("地区,行业代码,年份\n990101,C,2023\n"), error=("employed", 1, None, "alias")),
    Case("duplicate_column", "employment", csv("地区,行业代码,年份,就业人数,从业人员\n990101,C,2023,5,6\n"),
         error=("employed", 1, "从业人员", "each column once")),
    Case("extra_column", "employment", csv("地区,行业代码,年份,就业人数,备注\n990101,C,2023,5,x\n"),
         note="ignored: 备注"),
    # numbers
    Case("thousands_separators", "employment", csv(EMP + '990101,C,2023,"12,345"\n'), note="thousands separators",
         check=lambda d: d.loc[0, "employed"] == 12345),
    Case("fullwidth_digits", "employment", csv(EMP + "990101,C,２０２３,１２３\n"), note="full-width digits",
         check=lambda d: d.loc[0, "employed"] == 123),
    Case("wan_ren_header", "employment", csv("地区,行业代码,年份,就业人数（万人）\n990101,C,2023,1.5\n"),
         note="万人 (column header)", check=lambda d: d.loc[0, "employed"] == 15000),
    Case("yi_yuan_header", "employment", csv("地区,行业代码,年份,就业人数,增加值(亿元)\n990101,C,2023,5,1.2\n"),
         note="亿元", check=lambda d: d.loc[0, "value_added"] == 12000),
    Case("unit_not_for_column", "employment", csv("地区,行业代码,年份,就业人数(万元)\n990101,C,2023,5\n"),
         error=("employed", 1, "万元", "unit")),
    Case("year_with_nian", "employment", csv(EMP + "990101,C,2020年,5\n"), note="YYYY年",
         check=lambda d: d.loc[0, "year"] == 2020),
    Case("year_out_of_range", "employment", csv(EMP + "990101,C,20,5\n"), error=("year", 2, None, "1900")),
    Case("text_in_number", "employment", csv(EMP + "990101,C,2023,五十\n"), error=("employed", 2, "五十", "number")),
    Case("negative_count", "employment", csv(EMP + "990101,C,2023,-5\n"), error=("employed", 2, "-5", "≥ 0")),
    Case("nan_count", "employment", csv(EMP + "990101,C,2023,NaN\n"), error=("employed", 2, None, "not blank")),
    Case("blank_count", "employment", csv(EMP + "990101,C,2023,\n"), error=("employed", 2, None, "not blank")),
    Case("non_integer_count", "employment", csv(EMP + "990101,C,2023,5.5\n"), error=("employed", 2, "5.5", "whole")),
    Case("infinite_count", "employment", csv(EMP + "990101,C,2023,inf\n"), error=("employed", 2, "inf", "finite")),
    Case("huge_year", "employment", csv(EMP + "990101,C,1e30,5\n"), error=("year", 2, "1e30", "plausible")),
    Case("quarter_out_of_range", "postings", csv("地区,行业代码,年份,季度,需求人数,求职人数\n990101,C,2023,5,10,8\n"),
         error=("quarter", 2, "5", "1-4")),
    Case("graduates_above_in_school", "enrolment", csv(ENR + "990101,S01,610101,中职,2023,50,30,40\n"),
         error=("graduates", 2, "40", "in_school")),
    # codes
    Case("specialty_lost_leading_zero", "enrolment", csv(ENR + "990101,S01,10101,中职,2023,50,140,40\n"),
         error=("specialty", 2, "10101", "leading zero")),
    Case("specialty_float_suffix", "enrolment", csv(ENR + "990101,S01,610101.0,中职,2023,50,140,40\n"),
         note="trailing '.0'", check=lambda d: d.loc[0, "specialty"] == "610101"),
    Case("xlsx_code_stored_as_number", "enrolment",
         xlsx([ENR.strip().split(","), [990101, "S01", 610101, "中职", 2023, 50, 140, 40]]),
         note="stored as a number", check=lambda d: d.loc[0, "specialty"] == "610101" and d.loc[0, "region"] == "990101"),
    Case("code_scientific_notation", "employment", csv(EMP + "9.90101E+05,C,2023,5\n"),
         error=("region", 2, "E+05", "scientific")),
    Case("code_turned_into_date", "staffing",
         xlsx([["行业代码", "职业代码", "占比"], ["C", dt.datetime(2006, 4, 1), 1.0]]), error=("occupation", 2, None, "date")),
    Case("occupation_dashes_lost", "staffing", csv("行业代码,职业代码,占比\nC,4010601,1\n"),
         error=("occupation", 2, "4010601", "dashes")),
    Case("industry_lost_leading_zero", "employment", csv(EMP + "990101,1,2023,5\n"), note="leading zero restored",
         check=lambda d: d.loc[0, "industry"] == "01"),
    Case("industry_lower_case", "employment", csv(EMP + "990101,c,2023,5\n"), note="upper-cased",
         check=lambda d: d.loc[0, "industry"] == "C"),
    Case("unknown_industry", "employment", csv(EMP + "990101,Z9,2023,5\n"), error=("industry", 2, "Z9", "GB/T 4754")),
    Case("unknown_specialty", "enrolment", csv(ENR + "990101,S01,999999,中职,2023,50,140,40\n"),
         error=("specialty", 2, "999999", "older catalogue")),
    Case("old_catalogue_6_digit", "enrolment", csv(ENR + "990101,S01,010100,中职,2023,50,140,40\n"),
         error=("specialty", 2, "010100", "610112")),
    Case("old_catalogue_4_digit", "enrolment", csv(ENR + "990101,S01,0101,中职,2023,50,140,40\n"),
         error=("specialty", 2, "0101", "older catalogue")),
    Case("unknown_level", "enrolment", csv(ENR + "990101,S01,610101,技校,2023,50,140,40\n"),
         error=("level", 2, "技校", "中职")),
    Case("level_not_catalogue_level", "enrolment", csv(ENR + "990101,S01,610101,高职专科,2023,50,140,40\n"),
         error=("level", 2, "高职专科", "catalogue level")),
    Case("total_row", "employment", csv(EMP + "990101,C,2023,5\n合计,C,2023,5\n"), error=("region", 3, "合计", "total row")),
    Case("duplicate_key", "employment", csv(EMP + "990101,C,2023,5\n990101,C,2023,6\n"),
         error=("region+industry+year", 3, "990101", "more than once")),
    Case("crosswalk_weights_not_one", "specialty_industry", csv("专业代码,行业代码,权重\n610101,A,0.5\n610102,A,0.3\n"),
         error=("weight", 2, "0.8", "sum to 1")),
    Case("staffing_shares_not_one", "staffing", csv("行业代码,职业代码,占比\nC,4-01-06-01,0.7\n"),
         error=("share", 2, "0.7", "sum to 1")),
    # series shapes: not input errors (see the doc for what the stages do with them)
    Case("gap_in_years", "employment", csv(EMP + "990101,C,2019,5\n990101,C,2021,6\n"), check=lambda d: len(d) == 2),
    Case("single_year_series", "employment", csv(EMP + "990101,C,2023,5\n"), check=lambda d: len(d) == 1),
    Case("all_zero_series", "employment", csv(EMP + "".join(f"990101,C,{y},0\n" for y in range(2015, 2024))),
         check=lambda d: (d["employed"] == 0).all()),
    Case("structural_break_2020", "employment",
         csv(EMP + "".join(f"990101,I,{y},{300 if y == 2020 else 1000}\n" for y in range(2015, 2024))),
         check=lambda d: d.loc[d.year == 2020, "employed"].item() == 300),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue(case: Case, tmp_path):
    check_case(case, tmp_path, other_notes_allowed=False)


def test_catalogue_doc_lists_every_case():
    doc = (Path(__file__).parents[1] / "docs" / "bad-input.md").read_text(encoding="utf-8")
    missing = [c.id for c in CASES if f"test_catalogue[{c.id}]" not in doc]
    assert not missing
    assert len(CASES) >= 25


def test_xlsx_size_limit_is_configurable(tmp_path):
    path = xlsx([["地区", "行业代码", "年份", "就业人数"], ["990101", "C", 2023, 7]])(tmp_path)
    with pytest.raises(InputError) as info:
        tf.read_table(path, "employment", max_xlsx_bytes=100)
    en, zh = info.value.render("en"), info.value.render("zh")
    assert "at most 100 bytes" in en and "max_xlsx_bytes" in en
    assert "不超过 100 字节" in zh and "max_xlsx_bytes" in zh  # Chinese by default
    assert len(tf.read_table(path, "employment", max_xlsx_bytes=10**7)) == 1
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(path, folder / "employment.xlsx")
    with pytest.raises(InputError) as info:
        tf.read_folder(folder, max_xlsx_bytes=100)
    assert any("at most 100 bytes" in p.expected for p in info.value.problems)


def test_normalisations_reach_the_run_manifest(tmp_path):
    from talentforecast.datasets import example_dir

    folder = tmp_path / "data"
    shutil.copytree(example_dir(), folder)
    emp = folder / "employment.csv"
    text = emp.read_text(encoding="utf-8-sig")
    emp.write_bytes(("示例市分行业就业人员\n" + text).encode("gbk"))
    bundle = tf.read_folder(folder, meta=json.loads((folder / "meta.json").read_text(encoding="utf-8")))
    run = tf.run(bundle, stages=["inputs"], progress=False, as_of=2020)
    out = run.save(tmp_path / "out")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    inputs = {i["table"]: i for i in manifest["inputs"]}
    notes = [n["normalisation"] for n in inputs["employment"]["normalisations"]]
    assert any("gb18030" in n for n in notes) and any("title row" in n for n in notes)
    for item in manifest["inputs"]:  # nothing dropped without being counted
        assert item["rows_read"] == item["rows_used"] + sum(r["rows"] for r in item["rejected"])
        assert len(item["sha256"]) == 64
    assert inputs["employment"]["rows_rejected"] > 0
    assert "as_of" in inputs["employment"]["rejected"][0]["reason"]


def _policy_text() -> str:
    return (Path(tf.__file__).parent / "warning" / "policies" / "moe-2011.toml").read_text(encoding="utf-8")


def _scenario_text() -> str:
    return (Path(tf.__file__).parent / "demand" / "scenarios" / "example_key_industries.toml").read_text(encoding="utf-8")


CONFIG_CASES = {
    # id: (loader, edit of the shipped file, key named in the message)
    "policy_unknown_key": ("policy", lambda t: t.replace('name = "moe-2011"', 'name = "moe-2011"\ncolour = "red"'),
                           "'colour'"),
    "policy_rule_unknown_key": ("policy", lambda t: t.replace('op = "lt"', 'op = "lt"\nthreshhold = 0.5', 1),
                                "'threshhold'"),
    "policy_bad_type": ("policy", lambda t: t.replace("threshold = 0.60", 'threshold = "60%"', 1), "'threshold'"),
    "policy_not_toml": ("policy", lambda t: t + "\n[[rules]\n", "not valid TOML"),
    "scenario_unknown_key": ("scenario", lambda t: t.replace("start = 2025", "start = 2025\nfoo = 1"), "'foo'"),
    "scenario_bad_type": ("scenario", lambda t: t.replace("start = 2025", 'start = "2025"'), "'start'"),
    "scenario_not_toml": ("scenario", lambda t: t + "\n= x\n", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_config_catalogue(case, tmp_path):
    from talentforecast.demand.scenario import load_scenario
    from talentforecast.warning.policy import load_policy

    loader, edit, key = CONFIG_CASES[case]
    text = _policy_text() if loader == "policy" else _scenario_text()
    path = tmp_path / f"{case}.toml"
    path.write_text(edit(text), encoding="utf-8")
    load = load_policy if loader == "policy" else load_scenario
    with pytest.raises(tf.ConfigError) as info:
        load(path)
    # the key as the English text names it (the Chinese text of scenario errors: test_demand.py)
    assert str(path) in str(info.value) and key in info.value.render("en")
    assert info.value.render("zh") != info.value.render("en")  # and it has its Chinese text


def test_config_doc_lists_every_case():
    doc = (Path(__file__).parents[1] / "docs" / "bad-input.md").read_text(encoding="utf-8")
    assert not [c for c in CONFIG_CASES if f"test_config_catalogue[{c}]" not in doc]


def test_a_column_given_twice_is_explained_in_chinese(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("地区,行业代码,年份,就业人数,从业人员\n990101,C,2023,5,6\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        tf.read_table(path, "employment")
    zh = info.value.render("zh")
    assert "列 'employed'，第 1 行：值为 ['就业人数', '从业人员']" in zh
    assert "应为 每列只出现一次（第 4 列和第 5 列对应同一字段：保留一列）" in zh
    assert "(column" not in zh
    assert "each column once (columns 4 and 5 map to the same field" in info.value.render("en")
