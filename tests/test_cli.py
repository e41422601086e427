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
    result = runner.invoke(app, ["validate", str(good), str(bad), "--lang", "en"])
    assert result.exit_code == 1
    assert "OK  " in result.stdout and "BAD " in result.stdout
    assert "column 'enrolled', row 2" in result.stdout
    assert "column 'specialty', row 3" in result.stdout


def test_validate_ok_exits_zero(tmp_path):
    good = tmp_path / "x.csv"
    good.write_text("地区,行业代码,年份,就业人数\n990101,C,2023,100\n", encoding="utf-8")
    assert runner.invoke(app, ["validate", "--kind", "employment", str(good)]).exit_code == 0


def test_cli_exits_nonzero_when_an_asked_output_is_not_written(tmp_path, monkeypatch, example_run):
    """A missing report dependency is an error the user sees, with exit code 1, not a silent skip."""
    from typer.testing import CliRunner

    import talentforecast.pipeline as pipeline
    from talentforecast.cli import app

    class NoReport(pipeline.Run):
        def report(self, *a, **k):
            raise ImportError("No module named 'weasyprint'", name="weasyprint")

    fake = NoReport(bundle=example_run.bundle, options=example_run.options,
                    tables={n: example_run.tables[n] for n in ("regions", "input_summary")},
                    manifest=example_run.manifest)
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: fake)
    monkeypatch.setattr(NoReport, "export", lambda self, out: out)
    res = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "o"), "-q", "--formats", "html"])
    assert res.exit_code == 1, res.output
    assert "weasyprint" in res.output and "Traceback" not in res.output
