"""`talentforecast forecast PANEL`: any file a planner has, errors naming file, column and line in
Chinese (English with --lang en), the options of forecast(), and what the forecast rests on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from talentforecast.cli import app
from talentforecast.errors import InputError
from talentforecast.forecasting import forecast
from talentforecast.forecasting.describe import describe
from talentforecast.forecasting.panel_file import read_panel


def _panel(n_series: int = 6, years: range = range(2008, 2024)) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [(f"城市{i}|C", y, 100.0 * (1.03 + 0.01 * i) ** (y - years[0]) * (1 + 0.02 * rng.standard_normal()))
            for i in range(n_series) for y in years]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"])


def _run(*args: str):
    res = CliRunner().invoke(app, ["forecast", *args])
    return res.exit_code, res.stdout + (res.stderr or "")


def test_a_bad_cell_is_named_by_file_column_and_the_line_in_the_file(tmp_path):
    text = _panel(2).to_csv(index=False).splitlines()
    text[5] = text[5].rsplit(",", 1)[0] + ",n/a"  # line 6 of the file
    text.insert(3, "")  # a blank line before it: the error must still say line 7
    data = tmp_path / "就业.csv"
    data.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, out = _run(str(data), "--h", "2", "--out", str(tmp_path / "fc.csv"))
    assert code == 2
    assert f"文件 {data}，列 'y'，第 7 行：值为 'n/a'；应为 有限的数值" in out
    assert not (tmp_path / "fc.csv").exists()  # nothing written on bad input
    code, out = _run(str(data), "--h", "2", "--lang", "en")
    assert f"{data}, column 'y', row 7: got 'n/a'; expected a finite number" in out


@pytest.mark.parametrize("encoding, sep", [("gbk", ","), ("utf-16", "\t"), ("utf-8-sig", ";")])
def test_files_in_the_encodings_and_delimiters_planners_have_are_read(tmp_path, encoding, sep):
    df = _panel(3)
    data = tmp_path / "panel.csv"
    data.write_bytes(df.to_csv(index=False, sep=sep).encode(encoding))
    got = read_panel(data)
    assert got["unique_id"].tolist() == df["unique_id"].tolist()
    pd.testing.assert_frame_equal(forecast(got, h=2, models="naive"), forecast(df, h=2, models="naive"))


def test_an_xlsx_panel_is_read_from_its_first_visible_sheet(tmp_path):
    df = _panel(2)
    data = tmp_path / "panel.xlsx"
    df.to_excel(data, index=False)
    got = read_panel(data)
    assert got.attrs["lines"][0] == 2 and len(got) == len(df)
    out = tmp_path / "fc.csv"
    code, text = _run(str(data), "--h", "2", "--out", str(out), "--models", "naive")
    assert code == 0, text
    assert len(pd.read_csv(out)) == 4


def test_a_missing_or_undecodable_file_is_an_error_in_chinese_not_a_traceback(tmp_path):
    code, out = _run(str(tmp_path / "nope.csv"), "--h", "2")
    assert code == 2 and "应为 一个存在的文件" in out and "Traceback" not in out
    bad = tmp_path / "old.csv"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)  # an Excel 97-2003 file named .csv
    code, out = _run(str(bad), "--h", "2")
    assert code == 2 and "旧版 .xls" in out
    with pytest.raises(InputError) as err:
        read_panel(bad)
    assert all(p.expected_zh for p in err.value.problems)


def test_the_options_reach_forecast_and_the_output_says_what_it_rests_on(tmp_path):
    data = tmp_path / "panel.csv"
    _panel().to_csv(data, index=False)
    out = tmp_path / "fc.csv"
    code, text = _run(str(data), "--h", "3", "--out", str(out), "--level", "90", "--seed", "1",
                      "--shock-years", "2020")
    assert code == 0, text
    fc = pd.read_csv(out)
    assert {"y_lo_90", "y_hi_90"} <= set(fc.columns) and "y_lo_80" not in fc.columns
    direct = forecast(_panel(), h=3, level=[90], seed=1, shock_years=[2020])
    assert np.allclose(fc["y_hat"], direct["y_hat"])
    for line in describe(direct, "zh"):  # the same sentences the Python API gives
        assert line in text
    assert "auto 在" in text and "个回测样本" in text


def test_a_bad_option_value_names_the_option(tmp_path):
    data = tmp_path / "panel.csv"
    _panel(2).to_csv(data, index=False)
    code, out = _run(str(data), "--h", "2", "--level", "八十")
    assert code == 2 and "--level" in out and "八十" in out


def test_describe_says_when_the_intervals_are_uncalibrated_and_names_fallbacks():
    short = _panel(2, range(2019, 2024))
    lines = describe(forecast(short, h=2, level=[80]), "en")
    assert any("uncalibrated" in x for x in lines)
    fc = forecast(short.assign(y=np.where(short.unique_id.str.startswith("城市0"), 5.0, short.y)), h=2,
                  models="theta")
    assert describe(fc, "zh")[-1].endswith("1 个回退到其他模型")


def test_a_table_keyed_by_region_and_industry_with_chinese_headers(tmp_path):
    """A planner's own table: 地区, 行业, 年份, 就业人数 in GBK; --id joins the key columns."""
    df = _panel(4)
    region, industry = df["unique_id"].str.split("|", expand=True).T.to_numpy()
    table = pd.DataFrame({"地区": region, "行业": industry, "年份": df["ds"], "就业人数": df["y"]})
    data = tmp_path / "就业.csv"
    data.write_bytes(table.to_csv(index=False).encode("gbk"))
    out = tmp_path / "fc.csv"
    code, text = _run(str(data), "--h", "2", "--out", str(out), "--id", "地区,行业", "--time", "年份",
                      "--target", "就业人数", "--models", "naive")
    assert code == 0, text
    fc = pd.read_csv(out)
    assert list(fc.columns[:2]) == ["地区|行业", "年份"] and set(fc["地区|行业"]) == set(df["unique_id"])
    assert "4 个序列" in text
    table.loc[5, "行业"] = ""  # an empty key is named by file, column and line (row 6 + header)
    data.write_bytes(table.to_csv(index=False).encode("gbk"))
    code, text = _run(str(data), "--h", "2", "--id", "地区,行业", "--time", "年份", "--target", "就业人数")
    assert code == 2 and f"文件 {data}，列 '行业'，第 7 行" in text and "序列键（不能为空）" in text
    code, text = _run(str(data), "--h", "2", "--id", "地区,产业", "--time", "年份", "--target", "就业人数")
    assert code == 2 and "名为 '产业' 的列" in text


def test_a_panel_of_one_or_two_years_says_what_its_intervals_are(tmp_path):
    """A new specialty has one or two years of data: the forecast says so, never a zero-width interval."""
    two = tmp_path / "two.csv"
    _panel(6, range(2022, 2024)).to_csv(two, index=False)
    code, text = _run(str(two), "--h", "2", "--out", str(tmp_path / "two_fc.csv"))
    fc = pd.read_csv(tmp_path / "two_fc.csv")
    assert code == 0 and set(fc.model) == {"drift+walk_pi"} and (fc.y_hi_80 > fc.y_lo_80).all()
    assert "区间：按全部序列年变动以随机游走外推（依据很弱）" in text and "未经校准（回测样本不足）" not in text
    one = tmp_path / "one.csv"
    _panel(3, range(2023, 2024)).to_csv(one, index=False)
    code, text = _run(str(one), "--h", "2", "--out", str(tmp_path / "one_fc.csv"))
    fc = pd.read_csv(tmp_path / "one_fc.csv")
    assert code == 0 and fc.y_lo_80.isna().all() and "区间：无（全部序列的年变动太少）" in text


def test_a_gap_in_a_series_names_the_missing_year():
    df = _panel(2)
    with pytest.raises(InputError) as err:
        forecast(df[df.ds != int(df.ds.min()) + 2], h=2)
    assert f"缺 {int(df.ds.min()) + 2} 年" in str(err.value)
