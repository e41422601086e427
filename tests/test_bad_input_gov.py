"""The second bad-input catalogue (docs/bad-input.md, "Government spreadsheets"): one case per entry.

Files look like real 统计年鉴 exports and school returns: XLSX made with openpyxl (instruction sheets,
hidden sheets, one sheet per year, formulas without saved results, #REF!), GBK CSV, totals in every
spelling. Each case states the error (column, row, value, expected) or the note it gets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

import talentforecast as tf
from bad_input_cases import Case, check_case, csv
from talentforecast.errors import InputError, set_lang

EMP = "地区,行业代码,年份,就业人数\n"
ENR = "地区,学校,专业代码,层次,年份,招生数,在校生数,毕业生数\n"
OUT = "地区,学校,专业代码,年份,毕业生数,落实人数,对口就业人数,升学人数\n"
POST = "地区,职业代码,年份,季度,需求人数,求职人数\n"
EMP_HEAD = ["地区", "行业代码", "年份", "就业人数"]


def book(*sheets: tuple[str, list[list], str]) -> Callable[[Path], Path]:
    """A workbook of (title, rows, state) sheets, in order."""
    def make(tmp: Path) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows, state in sheets:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
            ws.sheet_state = state
        p = tmp / "t.xlsx"
        wb.save(p)
        return p
    return make


EMP_ROWS = [EMP_HEAD, ["990101", "C", 2023, 7], ["990101", "D", 2023, 9]]
INSTRUCTIONS = ("填表说明", [["填表说明：本表由各区统计局填报"], ["单位：人"]], "visible")

CASES = [
    # totals and subtotals in every spelling
    Case("total_spaced", "employment", csv(EMP + "990101,C,2023,5\n合 计,C,2023,5\n"), error=("region", 3, "合 计", "total")),
    Case("total_bracketed_subtotal", "enrolment",
         csv(ENR + "990101,S01,610101,中职,2023,50,140,40\n990101,（小计）,610101,中职,2023,50,140,40\n"),
         error=("school", 3, "小计", "total")),
    Case("total_of_which", "enrolment",
         csv(ENR + "990101,S01,610101,中职,2023,50,140,40\n990101,其中：民办,610101,中职,2023,20,60,15\n"),
         error=("school", 3, "其中", "subtotal")),
    Case("total_city_wide", "employment", csv(EMP + "990101,C,2023,5\n全市合计,C,2023,5\n"),
         error=("region", 3, "全市合计", "total")),
    Case("total_in_unread_column", "employment",
         csv("地区,地区名称,行业代码,年份,就业人数\n990101,中心区,C,2023,5\n990100,全市合计,C,2023,5\n"),
         error=("地区名称", 3, "全市合计", "total")),
    Case("total_english_colon", "employment", csv(EMP + "990101,C,2023,5\nTotal:,C,2023,5\n"),
         error=("region", 3, "Total", "total")),
    Case("total_gbk_csv", "employment", csv(EMP + "990101,C,2023,5\n总  计,C,2023,5\n", "gbk"),
         error=("region", 3, "总  计", "total")),
    Case("total_in_industry_column", "employment", csv(EMP + "990101,C,2023,5\n990101,小计,2023,5\n"),
         error=("industry", 3, "小计", "total")),
    Case("total_ascii_colon_of_which", "employment", csv(EMP + "990101,C,2023,5\n其中:国有,C,2023,5\n"),
         error=("region", 3, "其中", "total")),
    Case("total_fullwidth_brackets", "employment", csv(EMP + "990101,C,2023,5\n（合计）,C,2023,5\n"),
         error=("region", 3, "合计", "total")),
    # workbooks
    Case("xlsx_formula_without_value_in_code_column", "enrolment",
         book(("数据", [ENR.strip().split(","), ["990101", '=VLOOKUP(A2,学校!A:B,2,0)', "610101", "中职", 2023, 50, 140, 40]],
               "visible")), error=("school", 2, "VLOOKUP", "no saved result")),
    Case("xlsx_error_value_in_year", "employment", book(("数据", [EMP_HEAD, ["990101", "C", "#VALUE!", 5]], "visible")),
         error=("year", 2, "#VALUE!", "Excel error value")),
    Case("xlsx_instructions_sheet_first", "employment", book(INSTRUCTIONS, ("数据", EMP_ROWS, "visible")),
         note="read sheet '数据' of 2", check=lambda d: list(d["employed"]) == [7, 9]),
    Case("xlsx_hidden_old_sheet", "employment",
         book(("2019旧表", [EMP_HEAD, ["990101", "C", 2019, 1]], "hidden"), ("2023", EMP_ROWS, "visible")),
         note="2019旧表 (hidden)", check=lambda d: list(d["year"]) == [2023, 2023]),
    Case("xlsx_only_on_hidden_sheet", "employment", book(INSTRUCTIONS, ("数据", EMP_ROWS, "hidden")),
         error=(None, None, None, "hidden sheet '数据'")),
    Case("xlsx_sheet_per_year", "employment",
         book(("2022", [EMP_HEAD, ["990101", "C", 2022, 6]], "visible"), ("2023", EMP_ROWS, "visible")),
         error=(None, None, None, "sheets 2022, 2023 all do")),
    Case("xlsx_formula_without_saved_value", "employment",
         book(("数据", [EMP_HEAD, ["990101", "C", 2023, 7], ["990101", "D", 2023, "=D2*2"]], "visible")),
         error=("employed", 3, "=D2*2", "no saved result")),
    Case("xlsx_excel_error_values", "enrolment",
         book(("数据", [ENR.strip().split(","), ["990101", "S01", "610101", "中职", 2023, "#REF!", 140, 40],
                        ["990101", "S01", "610102", "中职", 2023, 50, "#DIV/0!", 40]], "visible")),
         error=("enrolled", 2, "#REF!", "Excel error value #REF!")),
    Case("xlsx_na_in_code_column", "enrolment",
         book(("数据", [ENR.strip().split(","), ["990101", "S01", "#N/A", "中职", 2023, 50, 140, 40]], "visible")),
         error=("specialty", 2, "#N/A", "Excel error value #N/A")),
    # old catalogue codes
    Case("old_2015_code_not_in_2021", "enrolment", csv(ENR + "990101,S01,560301,高职专科,2019,50,140,40\n"),
         error=("specialty", 2, "560301", "460301")),
    Case("old_2015_code_reused_by_2021_zhongzhi", "enrolment", csv(ENR + "990101,S01,610201,高职专科,2019,50,140,40\n"),
         error=("specialty", 2, "610201", "2015高职 code of 计算机应用技术")),
    Case("old_2010_code_by_pattern", "enrolment", csv(ENR + "990101,S01,150300,中职,2019,50,140,40\n"),
         error=("specialty", 2, "150300", "2010 中职 code")),
    Case("old_code_shared_before_2021", "enrolment", csv(ENR + "990101,S01,510101,高职专科,2019,50,140,40\n"),
         note="作物生产技术", check=lambda d: d.loc[0, "specialty"] == "510101"),
    # postings
    Case("postings_annual_and_quarterly", "postings",
         csv(POST + "990100,2-02-01-01,2023,,100,80\n" + "".join(f"990100,2-02-01-01,2023,{q},25,20\n" for q in range(1, 5))),
         error=("quarter", 2, None, "not both")),
    # inconsistent counts
    Case("enrolled_far_above_in_school", "enrolment", csv(ENR + "990101,S01,610101,中职,2023,5000,50,40\n"),
         error=("enrolled", 2, "5000", "in_school")),
    Case("placed_above_graduates", "outcomes", csv(OUT + "990101,S01,610101,2023,100,80,60,30\n"),
         error=("further_study", 2, "30", "employed + further_study")),
    Case("phase_out_programme", "enrolment", csv(ENR + "990101,S01,610101,中职,2023,0,0,40\n"),
         check=lambda d: d.loc[0, "graduates"] == 40),
    # implausible magnitudes
    Case("wan_ren_header_holding_persons", "employment", csv("地区,行业代码,年份,就业人数(万人)\n990101,C,2023,15000\n"),
         note="factor 10000", check=lambda d: d.loc[0, "employed"] == 150_000_000),
    Case("qian_ren_header_holding_persons", "employment", csv("地区,行业代码,年份,就业人数(千人)\n990101,C,2023,52000\n"),
         note="factor 1000", check=lambda d: d.loc[0, "employed"] == 52_000_000),
    Case("gbk_title_unit_wan_ren_holding_persons", "employment",
         csv("示例市分行业就业人员（单位：万人）\n" + EMP + "990101,C,2023,35000\n", "gbk"), note="factor 10000"),
    Case("persons_entered_as_wan_ren", "employment", csv(EMP + "990101,C,2023,1.5\n"),
         error=("employed", 2, "1.5", "look like 万人")),
    # units of optional columns
    Case("salary_yuan_per_month", "outcomes",
         csv("地区,学校,专业代码,年份,毕业生数,落实人数,对口就业人数,升学人数,起薪(元/月)\n990101,S01,610101,2023,100,80,60,5,3200\n"),
         check=lambda d: d.loc[0, "starting_salary"] == 3200),
    Case("value_added_with_price_basis", "employment", csv("地区,行业代码,年份,就业人数,增加值(亿元，现价)\n990101,C,2023,5,1.5\n"),
         note="现价", check=lambda d: d.loc[0, "value_added"] == 15000),
    Case("optional_column_unknown_unit", "outcomes",
         csv("地区,学校,专业代码,年份,毕业生数,落实人数,对口就业人数,升学人数,起薪(美元)\n990101,S01,610101,2023,100,80,60,5,450\n"),
         note="unit '美元'", check=lambda d: "starting_salary" not in d),
    # year formats
    Case("year_as_date_text", "employment", csv(EMP + "990101,C,2020-01-01,5\n"), note="1 January",
         check=lambda d: d.loc[0, "year"] == 2020),
    Case("year_as_excel_date_cell", "employment", book(("数据", [EMP_HEAD, ["990101", "C", dt.datetime(2020, 1, 1), 5]], "visible")),
         note="1 January", check=lambda d: d.loc[0, "year"] == 2020),
    Case("year_school_year", "enrolment", csv(ENR + "990101,S01,610101,中职,2020学年,50,140,40\n"), note="学年",
         check=lambda d: d.loc[0, "year"] == 2020),
    Case("year_as_pandas_timestamp_text", "employment", csv(EMP + "990101,C,2020-01-01 00:00:00,5\n"), note="1 January",
         check=lambda d: d.loc[0, "year"] == 2020),
    Case("year_span_one_message", "employment",
         csv(EMP + "".join(f"990101,{c},2020-2021学年,5\n" for c in "ABCDEFGH")),
         error=("year", 2, "2020-2021学年", "span")),
    Case("year_date_not_january", "employment", csv(EMP + "990101,C,2020-09-01,5\n990101,D,2020-09-01,5\n"),
         error=("year", 2, "2020-09-01", "not 1 January")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gov_catalogue(case: Case, tmp_path):
    check_case(case, tmp_path, other_notes_allowed=True)


def test_gov_catalogue_doc_lists_every_case():
    doc = (Path(__file__).parents[1] / "docs" / "bad-input.md").read_text(encoding="utf-8")
    assert not [c.id for c in CASES if f"test_gov_catalogue[{c.id}]" not in doc]
    assert not [c for c in FOLDER_CASES if f"test_gov_folder[{c}]" not in doc]


def test_year_span_is_one_message_not_one_per_row(tmp_path):
    path = csv(EMP + "".join(f"990101,{c},2020-2021学年,5\n" for c in "ABCDEFGH"))(tmp_path)
    with pytest.raises(InputError) as info:
        tf.read_table(path, "employment")
    years = [p for p in info.value.problems if p.column == "year"]
    assert len(years) == 1 and years[0].rows.endswith("(8)")


def test_sheet_can_be_chosen(tmp_path):
    path = book(("2022", [EMP_HEAD, ["990101", "C", 2022, 6]], "visible"), ("2023", EMP_ROWS, "visible"))(tmp_path)
    assert list(tf.read_table(path, "employment", sheet="2022")["year"]) == [2022]
    with pytest.raises(InputError) as info:
        tf.read_table(path, "employment", sheet="2024")
    assert "2022, 2023" in info.value.problems[0].expected


def test_messages_chinese_by_default_english_on_request(tmp_path):
    path = csv(EMP + "990101,C,2023,五十\n")(tmp_path)
    with pytest.raises(InputError) as info:
        tf.read_table(path, "employment")
    assert "第 2 行" in str(info.value) and "应为" in str(info.value) and "expected" not in str(info.value)
    with pytest.raises(InputError) as info:
        tf.read_table(path, "employment", lang="en")
    assert "row 2" in str(info.value) and "expected a finite number" in str(info.value)
    old = set_lang("en")
    try:
        assert "row 2" in str(InputError(info.value.problems))
    finally:
        set_lang(old)


def test_no_python_reprs_in_messages():
    import numpy as np

    from talentforecast.errors import Problem

    p = Problem("a.xlsx", "year", 2, np.float64(63.0), "x", "x")
    q = Problem("a.xlsx", "year", 2, dt.datetime(2020, 3, 1), "x", "x")
    text = p.render("zh") + p.render("en") + q.render("zh") + q.render("en")
    assert "np.float64" not in text and "datetime.datetime" not in text and "63" in text and "2020-03-01" in text


# ---- folders: the checks that need several tables, shared by `run` and `validate FOLDER`

REGIONS = "地区,地区名称,上级地区代码\n990100,示例市,\n990101,中心区,990100\n990102,滨江区,990100\n"


def _folder(tmp: Path, **edits: str) -> Path:
    folder = tmp / "data"
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "regions.csv": REGIONS,
        "employment.csv": EMP + "".join(f"{r},C,{y},{100 + y - 2019}\n" for r in ("990101", "990102") for y in range(2019, 2024)),
        "enrolment.csv": ENR + "".join(f"990101,示例（一）职校,610101,中职,{y},50,140,40\n" for y in range(2019, 2024)),
        "outcomes.csv": OUT + "990101,示例（一）职校,610101,2023,40,30,20,5\n",
    }
    files.update(edits)
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def _two_employment_files(tmp):
    folder = _folder(tmp)
    wb = openpyxl.Workbook()
    for row in EMP_ROWS:
        wb.active.append(row)
    wb.save(folder / "employment.xlsx")
    return folder


FOLDER_CASES = {
    # id: (make folder, column, substring of expected)
    "two_files_one_table": (_two_employment_files, None, "both hold it"),
    "parent_rows_beside_children": (lambda t: _folder(t, **{"employment.csv": EMP + "".join(
        f"{r},C,{y},100\n" for r in ("990100", "990101", "990102") for y in range(2019, 2024))}),
        "region", "counted twice; its rows sum to 500"),
    "grandparent_rows_beside_grandchildren": (lambda t: _folder(t, **{
        "regions.csv": "地区,地区名称,上级地区代码\n990000,示例省,\n990100,示例市,990000\n990101,中心区,990100\n"
                       "990102,滨江区,990100\n",
        "employment.csv": EMP + "".join(f"{r},C,{y},100\n" for r in ("990000", "990101") for y in range(2019, 2024))}),
        "region", "990000 has rows beside its sub-regions 990101"),
    "section_and_division_rows": (lambda t: _folder(t, **{"employment.csv": EMP + "".join(
        f"990101,{i},{y},100\n" for i in ("C", "13") for y in range(2019, 2024))}), "industry", "section C and divisions"),
    "year_gap_in_series": (lambda t: _folder(t, **{"employment.csv": EMP + "990101,C,2019,5\n990101,C,2021,6\n"}),
                           "year", "missing [2020]"),
    "region_cycle": (lambda t: _folder(t, **{"regions.csv": "地区,地区名称,上级地区代码\n990100,示例市,990101\n"
                                             "990101,中心区,990100\n990102,滨江区,990100\n"}), "parent", "without cycles"),
    "school_spelt_two_ways": (lambda t: _folder(t, **{"outcomes.csv": OUT + "990101,示例（一） 职校,610101,2023,40,30,20,5\n"}),
                              "school", "one spelling per school"),
    "unknown_region": (lambda t: _folder(t, **{"outcomes.csv": OUT + "990109,示例（一）职校,610101,2023,40,30,20,5\n"}),
                       "region", "listed in the regions table"),
}


@pytest.mark.parametrize("case", sorted(FOLDER_CASES))
def test_gov_folder(case, tmp_path):
    from talentforecast.folder import check_folder

    make, column, expected = FOLDER_CASES[case]
    folder = make(tmp_path)
    for problems in (check_folder(folder).problems, _read_folder_problems(folder)):  # validate and run agree
        assert [p for p in problems if p.column == column and expected in p.expected], \
            "\n".join(p.render("en") for p in problems)


def _read_folder_problems(folder):
    with pytest.raises(InputError) as info:
        tf.read_folder(folder)
    return info.value.problems


def test_clean_folder_passes_and_kind_is_told_from_columns(tmp_path):
    from talentforecast.folder import check_folder

    folder = _folder(tmp_path)
    (folder / "enrolment.csv").rename(folder / "2019-2023年分专业招生.csv")
    check = check_folder(folder)
    assert check.problems == [] and check.inferred == {"2019-2023年分专业招生.csv": "enrolment"}
    (folder / "说明.csv").write_text("说明\n本文件夹为2023年报送数据\n", encoding="utf-8")
    bundle = tf.read_folder(folder)  # run reads the same files validate does
    assert set(bundle.tables) == {"regions", "employment", "enrolment", "outcomes"}
    assert bundle.meta["files_read_by_columns"] == {"2019-2023年分专业招生.csv": "enrolment"}
    assert bundle.meta["files_not_read"] == ["说明.csv"]


def test_validate_folder_caps_output_and_speaks_both_languages(tmp_path):
    from typer.testing import CliRunner

    from talentforecast.cli import app

    folder = _folder(tmp_path, **{"employment.csv": EMP + "".join(f"99010{i % 2 + 1},C,{2000 + i},x{i}\n" for i in range(4))})
    (folder / "notes.csv").write_text("随便,什么\n1,2\n", encoding="utf-8")
    zh = CliRunner().invoke(app, ["validate", str(folder), "--max", "3"])
    assert zh.exit_code == 1
    assert "问题（共" in zh.stdout and "另有" in zh.stdout and "notes.csv：无法" in zh.stdout
    assert len(re.findall(r"^  - 文件", zh.stdout, flags=re.M)) == 3
    en = CliRunner().invoke(app, ["validate", str(folder), "--lang", "en", "--max", "3"])
    assert "problems (" in en.stdout and "more (raise --max" in en.stdout and "第" not in en.stdout


def test_run_options_checked_before_computing(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from talentforecast import _runguard
    from talentforecast.cli import build_app

    app = build_app("en")  # as `--lang en` on the command line makes it

    folder = _folder(tmp_path)
    runner = CliRunner()
    as_file = tmp_path / "out.txt"
    as_file.write_text("x")
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    called = []
    monkeypatch.setattr("talentforecast.graph.call", lambda *a, **k: called.append(1) or {})  # any stage
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "my-notes.docx").write_text("x")
    for args, message in [(["--out", str(as_file)], "a file, not a folder"),
                          (["--out", str(busy)], "holds other files (my-notes.docx)"),
                          (["--out", str(link)], "a symlink"),
                          (["--as-of", "1990"], "a year within the data (2019–2023"),
                          (["--policy", "no-such-policy"], "not found")]:
        result = runner.invoke(app, ["run", str(folder), "--lang", "en", "--out", str(tmp_path / "o"), *args])
        assert result.exit_code == 2 and message in result.output, result.output
    assert called == []  # nothing was computed
    monkeypatch.setattr(_runguard, "_writable", lambda path: False)  # (root can write anywhere: simulate)
    result = runner.invoke(app, ["run", str(folder), "--lang", "en", "--out", str(tmp_path / "ro" / "o")])
    assert result.exit_code == 2 and "not writable" in result.output and called == []


def test_second_run_into_same_folder_is_refused(tmp_path):
    from talentforecast._runguard import output_lock
    from talentforecast.errors import OutputError

    script = ("import sys,time\nfrom talentforecast._runguard import output_lock\n"
              "with output_lock(sys.argv[1]):\n    print('locked', flush=True)\n    time.sleep(30)\n")
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "o")], stdout=subprocess.PIPE,
                            env={"PYTHONPATH": str(Path(tf.__file__).parents[1])})
    try:
        assert proc.stdout.readline().strip() == b"locked"
        with pytest.raises(OutputError, match=str(proc.pid)):
            with output_lock(tmp_path / "o"):
                pass
    finally:
        proc.kill()
        proc.wait()
    with output_lock(tmp_path / "o"):  # the lock dies with its process: no stale lock
        pass


def test_region_name_comes_from_regions_csv(tmp_path):
    assert tf.read_folder(_folder(tmp_path)).meta["region_name"] == "示例市"
    assert tf.read_folder(_folder(tmp_path), meta={"region_name": "自定"}).meta["region_name"] == "自定"


POLICY_CASES = {
    "policy_rate_as_percent": (lambda t: t.replace("threshold = 0.60", "threshold = 60", 1), "write 0.6 for 60 %"),
    "policy_threshold_nan": (lambda t: t.replace("threshold = 0.60", "threshold = nan", 1), "finite number"),
    "policy_share_as_percent": (lambda t: t + "\n[enrolment]\nreduce_max = 30\n", "write 0.3 for 30 %"),
    "policy_setting_nan": (lambda t: t + "\n[enrolment]\nkeep_band = nan\n", "a non-negative float"),
    "policy_template_width": (lambda t: t.replace('text_zh = "', 'text_zh = "{value:>100000000}', 1), "at most 40"),
}


@pytest.mark.parametrize("case", sorted(POLICY_CASES))
def test_gov_policy(case, tmp_path):
    from talentforecast.warning.policy import load_policy

    edit, expected = POLICY_CASES[case]
    text = (Path(tf.__file__).parent / "warning" / "policies" / "moe-2011.toml").read_text(encoding="utf-8")
    path = tmp_path / f"{case}.toml"
    path.write_text(edit(text), encoding="utf-8")
    with pytest.raises(tf.ConfigError) as info:
        load_policy(path)
    assert expected in info.value.render("en") and str(path) in info.value.render("zh")
    assert "应为" in info.value.render("zh")


@pytest.mark.parametrize("text", ["a,b\n1,2\n", "a,b\n\n1,2\n\n", "a,b\r\n1,2\r\n", "a,b\n1\n", "a;b\n1;2",
                                  "a,b,\n1,2,\n", "地区\t年份\n 990101 \t2020\n\t\n"])
def test_fast_csv_path_reads_like_the_careful_reader(text, monkeypatch):
    from talentforecast import _rawread

    fast = _rawread.read_csv_cells(text.encode(), "f.csv")
    monkeypatch.setattr(_rawread, "_fast_cells", lambda *a: None)
    slow = _rawread.read_csv_cells(text.encode(), "f.csv")
    assert fast[0].values.tolist() == slow[0].values.tolist() and list(fast[0].index) == list(slow[0].index)
    assert fast[2] == slow[2]


def test_api_run_checks_policy_and_as_of_before_any_stage(tmp_path, monkeypatch):
    bundle = tf.read_folder(_folder(tmp_path))
    ran = []
    monkeypatch.setattr("talentforecast.graph.call", lambda *a, **k: ran.append(1) or {})  # any stage
    bad = tmp_path / "p.toml"
    bad.write_text('name = "p"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(tf.ConfigError, match="colour"):
        tf.run(bundle, stages=["inputs"], progress=False, policy=str(bad))
    with pytest.raises(InputError) as info:
        tf.run(bundle, stages=["inputs"], progress=False, as_of=2030)
    assert "2019–2023" in info.value.problems[0].expected and ran == []


def test_total_word_in_a_remark_column_is_not_a_total_row(tmp_path):
    path = csv("地区,行业代码,年份,就业人数,备注\n990101,C,2023,5,与合计口径一致\n")(tmp_path)
    assert len(tf.read_table(path, "employment")) == 1


def test_no_sheet_with_the_table_names_the_sheets(tmp_path):
    path = book(INSTRUCTIONS, ("附表", [["地区", "年份"], ["990101", 2023]], "visible"))(tmp_path)
    with pytest.raises(InputError) as info:
        tf.read_table(path, "employment")
    assert "sheets: 填表说明, 附表" in info.value.problems[0].expected


def test_kind_of_a_workbook_told_from_its_columns(tmp_path):
    from talentforecast.folder import infer_kind

    path = book(INSTRUCTIONS, ("数据", EMP_ROWS, "visible"))(tmp_path)
    assert infer_kind(path) == "employment"


def test_outputs_replaced_as_one_unit(tmp_path, monkeypatch):
    from talentforecast import cli
    from talentforecast.config import DEFAULTS, merge

    out = tmp_path / "out"
    (out / "run").mkdir(parents=True)
    (out / "run" / "old.txt").write_text("previous run")

    class FakeRun:
        manifest: dict = {}

        def save(self, path):
            Path(path).mkdir(parents=True)
            (Path(path) / "manifest.json").write_text("{}")
            return Path(path)

        def export(self, path, formats=()):
            raise tf.OutputError("feed failed")

    monkeypatch.setattr("talentforecast.pipeline.run", lambda *a, **k: FakeRun())
    monkeypatch.setattr("talentforecast.folder.read_folder", lambda *a, **k: tf.Bundle(tables={}))
    cfg = merge(DEFAULTS, {"inputs": tmp_path, "out": out, "report_formats": [], "feed_formats": ["parquet"],
                           "xlsx": False, "lang": ["zh"]})
    with pytest.raises(tf.OutputError):
        cli.execute(cfg)
    assert (out / "run" / "old.txt").read_text() == "previous run"  # nothing half-replaced
    FakeRun.export = lambda self, path, formats=(): Path(path).mkdir() or path
    cli.execute(cfg)
    assert sorted(p.name for p in out.iterdir()) == ["feed", "run"] and (out / "run" / "manifest.json").exists()


def test_an_old_code_reused_in_2021_is_explained_in_chinese(tmp_path):
    path = csv(ENR + "990101,S01,610201,高职专科,2019,50,140,40\n")(tmp_path)
    with pytest.raises(InputError) as info:
        tf.read_table(path, "enrolment")
    zh = info.value.render("zh")
    assert "作为 2021 年代码它是中职专业“" in zh and "是另一个专业" in zh
    assert "specialty" not in zh.replace("'specialty'", "")  # no English inside the Chinese text
    assert "as a 2021 code it is the 中职 specialty" in info.value.render("en")
