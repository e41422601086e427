"""Input boundary: every bad input gets a message naming file, column and row."""

from __future__ import annotations

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.errors import InputError, TalentForecastError

ENROL_HEADER = "地区,学校,专业代码,层次,年份,招生数,在校生数,毕业生数\n"
GOOD_ROW = "990101,S01,610101,中职,2023,50,140,40\n"


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _problems(path, kind):
    with pytest.raises(InputError) as info:
        tf.read_table(path, kind)
    assert isinstance(info.value, TalentForecastError)
    return info.value.problems, str(info.value)


def test_reads_aliases_and_types(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + GOOD_ROW)
    df = tf.read_table(p, "enrolment")
    assert list(df.columns[:5]) == ["region", "school", "specialty", "level", "year"]
    assert df.loc[0, "specialty"] == "610101" and df.loc[0, "year"] == 2023 and df.loc[0, "enrolled"] == 50


def test_gbk_file_is_accepted(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + GOOD_ROW, encoding="gbk")
    df = tf.read_table(p, "enrolment")
    assert df.loc[0, "level"] == "中职"
    assert any("gb18030" in n["normalisation"] for n in df.attrs["normalisations"])


def test_missing_column_names_file_and_column(tmp_path):
    p = _write(tmp_path, "enrolment.csv", "地区,学校,专业代码,层次,年份,招生数,在校生数\n990101,S01,610101,中职,2023,50,140\n")
    problems, msg = _problems(p, "enrolment")
    assert [(x.column, x.row) for x in problems] == [("graduates", 1)]
    assert "enrolment.csv" in msg and "graduates" in msg


def test_text_in_numeric_column_names_row(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + GOOD_ROW + "990101,S01,610102,中职,2023,五十,140,40\n")
    problems, msg = _problems(p, "enrolment")
    assert (problems[0].column, problems[0].row, problems[0].value) == ("enrolled", 3, "五十")
    assert "第 3 行" in msg


def test_wrong_type_year(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + "990101,S01,610101,中职,2023.5,50,140,40\n")
    problems, _ = _problems(p, "enrolment")
    assert (problems[0].column, problems[0].row) == ("year", 2)


def test_negative_count(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + "990101,S01,610101,中职,2023,-5,140,40\n")
    problems, msg = _problems(p, "enrolment")
    assert (problems[0].column, problems[0].row, problems[0].value) == ("enrolled", 2, -5.0)
    assert "不小于 0" in msg and "≥ 0" in problems[0].expected


def test_duplicate_key(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + GOOD_ROW + GOOD_ROW)
    problems, msg = _problems(p, "enrolment")
    assert sorted(x.row for x in problems) == [2, 3]
    assert "不止一次" in msg


def test_unknown_specialty_code(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + "990101,S01,999999,中职,2023,50,140,40\n")
    problems, msg = _problems(p, "enrolment")
    assert (problems[0].column, problems[0].row, problems[0].value) == ("specialty", 2, "999999")


def test_level_must_match_catalogue(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + "990101,S01,610101,高职专科,2023,50,140,40\n")
    problems, _ = _problems(p, "enrolment")
    assert problems[0].column == "level" and "中职" in problems[0].expected


def test_unknown_industry_code(tmp_path):
    p = _write(tmp_path, "employment.csv", "地区,行业代码,年份,就业人数\n990101,C,2023,100\n990101,Z9,2023,100\n")
    problems, _ = _problems(p, "employment")
    assert (problems[0].column, problems[0].row, problems[0].value) == ("industry", 3, "Z9")


def test_graduates_larger_than_in_school(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + "990101,S01,610101,中职,2023,50,30,40\n")
    problems, msg = _problems(p, "enrolment")
    assert (problems[0].column, problems[0].row) == ("graduates", 2)
    assert "在校生数" in msg and "in_school" in problems[0].expected


def test_empty_file_and_header_only(tmp_path):
    problems, _ = _problems(_write(tmp_path, "enrolment.csv", ""), "enrolment")
    assert "header" in problems[0].expected
    problems, _ = _problems(_write(tmp_path, "e2.csv", ENROL_HEADER), "enrolment")
    assert "data row" in problems[0].expected


def test_all_problems_reported_together(tmp_path):
    p = _write(tmp_path, "enrolment.csv", ENROL_HEADER + "990101,S01,610101,中职,2023,x,140,40\n"
               "990101,S01,610102,中职,2023,50,140,y\n")
    problems, _ = _problems(p, "enrolment")
    assert {(x.column, x.row) for x in problems} == {("enrolled", 2), ("graduates", 3)}


def test_xlsx_title_rows_and_units(tmp_path):
    p = tmp_path / "employment.xlsx"
    rows = [["示例市分行业就业人数", None, None, None], [None, None, None, None],
            ["地区", "行业代码", "年份", "就业人数(万人)"], ["990101", "C", "2023年", "1.5"]]
    pd.DataFrame(rows).to_excel(p, header=False, index=False)
    df = tf.read_table(p, "employment")
    assert df.loc[0, "employed"] == 15000 and df.loc[0, "year"] == 2023
    notes = {n["normalisation"] for n in df.attrs["normalisations"]}
    assert any("万人" in n for n in notes) and any("title row" in n for n in notes)


def test_xlsx_row_numbers_are_excel_rows(tmp_path):
    p = tmp_path / "employment.xlsx"
    rows = [["地区", "行业代码", "年份", "就业人数"], ["990101", "C", 2023, 10], ["990101", "D", 2023, -1]]
    pd.DataFrame(rows).to_excel(p, header=False, index=False)
    problems, _ = _problems(p, "employment")
    assert (problems[0].column, problems[0].row) == ("employed", 3)


def test_region_must_be_declared(tmp_path):
    import shutil

    from talentforecast.datasets import example_dir
    folder = tmp_path / "data"
    shutil.copytree(example_dir(), folder)
    emp = folder / "employment.csv"
    lines = emp.read_text(encoding="utf-8-sig").splitlines()
    first = lines[1].split(",")
    first[0] = "123456"
    lines[1] = ",".join(first)
    emp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        tf.read_folder(folder)
    assert any(p.column == "region" and p.row == 2 and p.value == "123456" for p in info.value.problems)


def test_each_example_table_is_accepted():
    from talentforecast.datasets import example_dir

    bundle = tf.read_folder(example_dir())
    for name in ("employment", "enrolment", "outcomes", "population", "regions"):
        assert len(bundle.tables[name]) > 0
