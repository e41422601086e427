from typer.testing import CliRunner

import talentforecast as tf
from talentforecast.cli import app

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and tf.__version__ in result.stdout


def test_validate_reports_every_problem(tmp_path):
    good = tmp_path / "employment.csv"
    good.write_text("地区,行业代码,年份,就业人数\n990101,C,2023,100\n", encoding="utf-8")
    bad = tmp_path / "enrolment.csv"
    bad.write_text("地区,学校,专业代码,层次,年份,招生数,在校生数,毕业生数\n"
                   "990101,S1,610101,中职,2023,-1,10,5\n990101,S1,999999,中职,2023,1,10,5\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert "OK  " in result.stdout and "BAD " in result.stdout
    assert "column 'enrolled', row 2" in result.stdout
    assert "column 'specialty', row 3" in result.stdout


def test_validate_ok_exits_zero(tmp_path):
    good = tmp_path / "x.csv"
    good.write_text("地区,行业代码,年份,就业人数\n990101,C,2023,100\n", encoding="utf-8")
    assert runner.invoke(app, ["validate", "--kind", "employment", str(good)]).exit_code == 0


def test_validate_names_industries_missing_from_employment(tmp_path):
    emp = tmp_path / "employment.csv"
    emp.write_text("地区,行业代码,年份,就业人数\n990101,C,2023,100\n", encoding="utf-8")
    enr = tmp_path / "enrolment.csv"
    enr.write_text("地区,学校,专业代码,层次,年份,招生数,在校生数,毕业生数\n"
                   "990101,S1,530302,高职专科,2023,50,150,40\n", encoding="utf-8")  # 530302 serves J and others
    result = runner.invoke(app, ["validate", str(emp), str(enr)])
    assert result.exit_code == 1
    assert "BAD employment: J 金融业" in result.stdout and "missing_industries" in result.stdout
