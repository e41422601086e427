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


# --- one vocabulary, bilingual help -------------------------------------------------------------
import re  # noqa: E402

import pytest  # noqa: E402
import typer.core  # noqa: E402
import typer.main  # noqa: E402

import talentforecast.cli as cli  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")


def commands(app):
    group = typer.main.get_command(app)
    return group, {name: group.get_command(None, name) for name in group.list_commands(None)}


def test_every_command_and_option_has_help_in_both_languages():
    for lang in ("zh", "en"):
        group, cmds = commands(cli.build_app(lang))
        assert cmds.keys() >= {"init", "validate", "demo", "run", "report", "export", "compare", "forecast", "dashboard"}
        for name, cmd in cmds.items():
            assert cmd.help, f"{name} has no help"
            assert bool(CJK.search(cmd.help)) == (lang == "zh") or name == "demo", (lang, name, cmd.help)
            for p in cmd.params:
                if getattr(p, "hidden", False):
                    continue
                text = getattr(p, "help", None)
                assert text, f"{name} {p.name} has no help ({lang})"
                if lang == "zh":
                    assert CJK.search(text), f"{name} {p.name}: help not Chinese: {text}"


def test_help_is_chinese_by_default_and_english_on_request():
    zh = runner.invoke(cli.build_app("zh"), ["run", "--help"]).output
    en = runner.invoke(cli.build_app("en"), ["run", "--help"]).output
    assert "输出文件夹" in zh and "显示本帮助并退出" in zh and "--region-name" in zh
    assert "Output folder" in en and "Show this message and exit" in en and not CJK.search(en.replace("示例市", ""))
    assert cli.ui_lang([], {}) == "zh"
    assert cli.ui_lang(["run", "--help", "--lang", "en"], {}) == "en"
    assert cli.ui_lang(["run", "--lang=zh,en"], {"TALENTFORECAST_LANG": "en"}) == "zh"  # the flag wins
    assert cli.ui_lang([], {"TALENTFORECAST_LANG": "en", "LANG": "zh_CN.UTF-8"}) == "en"
    assert cli.ui_lang([], {"LANG": "en_GB.UTF-8"}) == "en" and cli.ui_lang([], {"LANG": "C.UTF-8"}) == "zh"


def test_chinese_help_has_no_english_markers_even_where_a_line_wraps():
    # a long option's default can wrap after "[default:"; the whole help is replaced as one text
    for name in commands(cli.build_app("zh"))[1]:
        for width in (64, 72, 100):  # at 64 and 72, forecast's --id wrapped after "[default:"
            out = runner.invoke(cli.build_app("zh"), [name, "--help"], terminal_width=width).output
            assert "[default" not in out and "[required" not in out, (name, width, out)


def test_the_installed_entry_point_follows_lang(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    src = str(Path(cli.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "TALENTFORECAST_LANG")}
    env["PYTHONPATH"] = src
    zh = subprocess.run([sys.executable, "-m", "talentforecast.cli", "--help"], env=env, capture_output=True, text=True)
    en = subprocess.run([sys.executable, "-m", "talentforecast.cli", "export", "--help", "--lang", "en"],
                        env=env, capture_output=True, text=True)
    assert zh.returncode == 0 and "技能人才供需预测" in zh.stdout
    assert en.returncode == 0 and "Write the dashboard feed" in en.stdout


def test_shared_options_mean_the_same_in_every_command():
    """An option name used by several of demo, run, report, export has one help text."""
    _, cmds = commands(cli.build_app("zh"))
    seen: dict[str, str] = {}
    for name in ("demo", "run", "report", "export"):
        for p in cmds[name].params:
            if isinstance(p, typer.core.TyperOption) and not p.hidden and p.opts[0] not in ("--out",):
                if p.opts[0] == "--lang" and name == "export":  # the feed is bilingual: --lang is messages only
                    assert p.help == cli._texts()["zh"]["lang_ui"]
                    continue
                assert seen.setdefault(p.opts[0], p.help) == p.help, (name, p.opts[0])
    assert {"--lang", "--report-formats", "--feed-formats", "--quiet"} <= set(seen)
    run_opts = {p.opts[0] for p in cmds["run"].params if isinstance(p, typer.core.TyperOption)}
    demo_opts = {p.opts[0] for p in cmds["demo"].params if isinstance(p, typer.core.TyperOption)}
    assert demo_opts <= run_opts  # run can do all demo does


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    run = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)
    return run.save(tmp_path_factory.mktemp("saved") / "run")


def test_quiet_hides_progress_but_not_the_wrote_lines(small_run, tmp_path):
    app = cli.build_app("zh")
    result = runner.invoke(app, ["report", str(small_run), "-o", str(tmp_path / "r"), "--report-formats", "html",
                                 "--lang", "zh,en", "-q"])
    assert result.exit_code == 0, result.output
    assert result.output.count("已写出") == 2 and "report_en.html" in result.output
    assert "━" not in result.output and "写出结果" not in result.output
    result = runner.invoke(cli.build_app("en"), ["export", str(small_run), "-o", str(tmp_path / "f"),
                                                 "--feed-formats", "csv", "--lang", "en"])
    assert result.exit_code == 0 and f"wrote {tmp_path / 'f'}" in result.output


def test_report_and_export_refuse_unknown_formats(small_run):
    r = runner.invoke(cli.build_app("en"), ["report", str(small_run), "--report-formats", "pptx"])
    assert r.exit_code == 2 and "--report-formats must be among html, pdf, docx, xlsx, got pptx" in r.output
    r = runner.invoke(cli.build_app("zh"), ["export", str(small_run), "--formats", "xml"])  # old alias
    assert r.exit_code == 2 and "--feed-formats 的取值应在" in r.output


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
    res = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "o"), "-q", "--report-formats", "html",
                                   "--no-xlsx"])
    assert res.exit_code == 1, res.output
    assert "weasyprint" in res.output and "Traceback" not in res.output


def test_validate_names_industries_missing_from_employment(tmp_path):
    emp = tmp_path / "employment.csv"
    emp.write_text("地区,行业代码,年份,就业人数\n990101,C,2023,100\n", encoding="utf-8")
    enr = tmp_path / "enrolment.csv"
    enr.write_text("地区,学校,专业代码,层次,年份,招生数,在校生数,毕业生数\n"
                   "990101,S1,530302,高职专科,2023,50,150,40\n", encoding="utf-8")  # 530302 serves J and others
    result = runner.invoke(app, ["validate", str(emp), str(enr)])
    assert result.exit_code == 1
    assert "'J'" in result.stdout and "missing_industries" in result.stdout


def test_every_printed_note_has_a_message(tmp_path, monkeypatch, example_run):
    """`talentforecast demo` printed `注意 note [supply_sources] :` lines with no message: every
    note the run prints says what it concerns and what was assumed."""
    from typer.testing import CliRunner

    import talentforecast.pipeline as pipeline
    from talentforecast.cli import app

    class NoOutputs(pipeline.Run):
        def report(self, *a, **k):
            return {}

    monkeypatch.setattr(pipeline, "run", lambda *a, **k: NoOutputs(
        bundle=example_run.bundle, options=example_run.options, tables={}, manifest=example_run.manifest))
    monkeypatch.setattr(NoOutputs, "export", lambda self, out, **k: out)
    monkeypatch.setattr(NoOutputs, "save", lambda self, out, **k: out)
    res = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "o"), "-q", "--report-formats", "html",
                                   "--no-xlsx"])
    notes = [ln for ln in res.output.splitlines() if ln.startswith("注意 note")]
    assert any("[supply_sources]" in ln for ln in notes), res.output
    for ln in notes:
        head, _, msg = ln.partition(": ")
        assert msg.strip() and head.split("] ", 1)[1].strip(), ln  # a subject and a message
    assert any("技工院校" in ln and "按零计入" in ln for ln in notes)  # Chinese by default, the real message
    # a note row without any message column still prints what it holds, never an empty line
    from talentforecast.cli import note_lines

    assert note_lines({"x": [{"level": "中职"}]}) == ["注意 note [x] 中职: level=中职"]
    assert note_lines({"scenario_flags": [{"industry": "I", "target": "ai", "note_en": "below trend"}]}, "en") == \
        ["注意 note [scenario_flags] I (ai): below trend"]  # which target of the scenario it flags


def test_an_error_inside_the_run_is_shown_in_the_language_of_the_command(tmp_path, monkeypatch):
    """The run's errors carry both languages and are shown after the run: in the command's language."""
    monkeypatch.chdir(tmp_path)
    en = runner.invoke(cli.build_app("en"), ["demo", "--lang", "en", "--engine", "no-such-engine",
                                              "--out", str(tmp_path / "o")])
    assert en.exit_code == 2 and "not a usable execution engine" in en.output and "计算引擎" not in en.output
    zh = runner.invoke(cli.build_app("zh"), ["demo", "--engine", "no-such-engine", "--out", str(tmp_path / "o")])
    assert zh.exit_code == 2 and "engine='no-such-engine'：不是可用的计算引擎" in zh.output
