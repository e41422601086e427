"""The run config talentforecast.toml: checked keys, clear errors, flags over the file, init."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import talentforecast.cli as cli
from talentforecast.config import (
    CONFIG_FILE,
    DEFAULTS,
    init_folder,
    load_config,
    merge,
    read_config,
    templates_dir,
)
from talentforecast.errors import ConfigError

runner = CliRunner()


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / CONFIG_FILE
    p.write_text(text, encoding="utf-8")
    return p


def test_the_shipped_template_loads_and_every_key_is_documented(tmp_path):
    init_folder(tmp_path)
    cfg = load_config(tmp_path / CONFIG_FILE)
    assert cfg["inputs"] == tmp_path.resolve() / "tables"
    assert cfg["out"] == tmp_path.resolve() / "out"
    assert cfg["issuing"] == {"body": "", "date": "", "number": "", "data_cutoff": "", "disclaimer": ""}
    text = (tmp_path / CONFIG_FILE).read_text(encoding="utf-8")
    doc = (Path(__file__).resolve().parents[1] / "docs" / "config.md").read_text(encoding="utf-8")
    for key in [k for k in DEFAULTS if k != "issuing"] + ["body", "date", "number", "data_cutoff", "disclaimer"]:
        assert key in text, f"template lacks {key}"
        assert any(f"`{pre}{key}`" in doc for pre in ("", "outputs.", "issuing.")), f"docs/config.md lacks {key}"


@pytest.mark.parametrize(("body", "zh", "en"), [
    ("horizon = 'five'\n", "键 'horizon' 应为整数，实际为 'five'", "key 'horizon' must be an integer, got 'five'"),
    ("horizn = 3\n", "未知的键 'horizn'", "unknown key 'horizn'"),
    ("[outputs]\nreport_formats = ['html', 'pptx']\n", "'outputs.report_formats' 的取值应在",
     "key 'outputs.report_formats' must be among ['html', 'pdf', 'docx', 'xlsx'], got ['pptx']"),
    ("lang = ['fr']\n", "键 'lang' 的取值应在", "key 'lang' must be among ['zh', 'en'], got ['fr']"),
    ("[params.demnd]\nmodels = 'drift'\n", "未知的键 'params.demnd'", "unknown key 'params.demnd'"),
    ("[issuing]\nnumber = 1\n", "键 'issuing.number' 应为文本", "key 'issuing.number' must be text"),
    ("retrospective = 'yes'\n", "true、false 或年份列表", "true, false or a list of years"),
    ("horizon = \n", "无法读取配置文件", "cannot read the config file"),
])
def test_bad_config_names_file_key_and_expectation(tmp_path, body, zh, en):
    p = write(tmp_path, body)
    with pytest.raises(ConfigError) as err_zh:
        read_config(p)
    with pytest.raises(ConfigError) as err_en:
        read_config(p, lang="en")
    assert str(err_zh.value).startswith(str(p)) and zh in str(err_zh.value)
    assert str(err_en.value).startswith(str(p)) and en in str(err_en.value)


def test_paths_are_relative_to_the_config_and_params_pass_through(tmp_path):
    p = write(tmp_path, 'inputs = "my tables"\nscenario = "s.toml"\npolicy = ["default", "mine.toml"]\n'
                        "retrospective = [2019, 2020]\n[params.demand]\nmodels = 'drift'\n")
    cfg = read_config(p)
    assert cfg["inputs"] == tmp_path.resolve() / "my tables"
    assert cfg["scenario"] == tmp_path.resolve() / "s.toml"
    assert cfg["policy"] == ["default", str(tmp_path.resolve() / "mine.toml")]
    assert cfg["retrospective"] == [2019, 2020]
    assert cfg["params"] == {"demand": {"models": "drift"}}


def test_merge_later_layers_win_and_none_means_not_given():
    assert merge({"horizon": 5, "seed": 0}, {"horizon": 3}, {"horizon": None, "seed": 9}) == {"horizon": 3, "seed": 9}


def test_init_writes_config_and_every_template_and_refuses_to_overwrite(tmp_path):
    written = init_folder(tmp_path)
    names = {p.name for p in written}
    expected = {p.name for p in templates_dir().iterdir() if p.suffix in (".csv", ".xlsx")}
    assert names == expected | {CONFIG_FILE}
    assert (tmp_path / "tables" / "regions.csv").read_bytes() == (templates_dir() / "regions.csv").read_bytes()
    with pytest.raises(ConfigError, match="已存在"):
        init_folder(tmp_path)
    init_folder(tmp_path, force=True)


def test_cli_init(tmp_path):
    result = runner.invoke(cli.build_app("zh"), ["init", str(tmp_path / "proj")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "proj" / CONFIG_FILE).is_file() and (tmp_path / "proj" / "tables" / "enrolment.xlsx").is_file()
    assert "已写出" in result.output and "下一步" in result.output
    again = runner.invoke(cli.build_app("en"), ["init", str(tmp_path / "proj"), "--lang", "en"])
    assert again.exit_code == 2 and "already exists" in again.output


@pytest.fixture
def captured(monkeypatch):
    """Replace the chain by a recorder of the merged config the CLI would run."""
    seen = {}

    def fake_execute(cfg, **kw):
        seen.update(cfg)
        return {}

    monkeypatch.setattr(cli, "execute", fake_execute)
    return seen


def test_flags_override_the_config_and_the_config_overrides_defaults(tmp_path, captured, monkeypatch):
    write(tmp_path, 'inputs = "tables"\nhorizon = 3\nseed = 4\nlang = ["en"]\n[outputs]\nxlsx = false\n'
                    '[issuing]\nbody = "某市教育局"\nnumber = "某教发〔2025〕1号"\n')
    monkeypatch.chdir(tmp_path)  # found as ./talentforecast.toml
    result = runner.invoke(cli.build_app("zh"), ["run", "--horizon", "2", "--report-formats", "html"])
    assert result.exit_code == 0, result.output
    assert captured["horizon"] == 2 and captured["seed"] == 4          # flag wins; file fills the rest
    assert captured["lang"] == ["en"] and captured["xlsx"] is False
    assert captured["report_formats"] == ["html"] and captured["feed_formats"] == list(DEFAULTS["feed_formats"])
    assert captured["inputs"] == tmp_path.resolve() / "tables"
    assert captured["issuing"] == {"body": "某市教育局", "number": "某教发〔2025〕1号"}


def test_every_run_flag_maps_to_a_config_key(tmp_path, captured, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outputs (and the lock) stay out of the checkout
    params = tmp_path / "params.toml"
    params.write_text("[supply]\nforecast = { models = 'drift' }\n", encoding="utf-8")
    args = ["run", str(tmp_path), "--out", "o", "--as-of", "2023", "--horizon", "2", "--policy", "a,b",
            "--scenario", "s.toml", "--seed", "3", "--engine", "dask", "--region-name", "长春市",
            "--retrospective", "--params", str(params), "--previous", "last", "--lang", "zh,en", "--report-formats", "",
            "--feed-formats", "csv", "--no-xlsx"]
    result = runner.invoke(cli.build_app("zh"), args)
    assert result.exit_code == 0, result.output
    expect = {"inputs": tmp_path, "out": Path("o"), "as_of": 2023, "horizon": 2, "policy": ["a", "b"],
              "scenario": Path("s.toml"), "seed": 3, "engine": "dask", "region_name": "长春市",
              "retrospective": True, "params": {"supply": {"forecast": {"models": "drift"}}},
              "previous": Path("last"),
              "lang": ["zh", "en"], "report_formats": [], "feed_formats": ["csv"], "xlsx": False}
    assert {k: captured[k] for k in expect} == expect
    # every key has its flag, except the sub-folder names and [issuing] (file only)
    assert set(expect) == set(DEFAULTS) - {"issuing", "run", "report", "feed"}


def test_deprecated_aliases_still_work(tmp_path, captured, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outputs (and the lock) stay out of the checkout
    result = runner.invoke(cli.build_app("zh"), ["run", str(tmp_path), "--langs", "en", "--formats", "docx"])
    assert result.exit_code == 0, result.output
    assert captured["lang"] == ["en"] and captured["report_formats"] == ["docx"]


def test_run_without_inputs_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    zh = runner.invoke(cli.build_app("zh"), ["run"])
    en = runner.invoke(cli.build_app("en"), ["run", "--lang", "en"])
    assert zh.exit_code == en.exit_code == 2
    assert "没有输入表文件夹" in zh.output and "no input folder" in en.output


def test_bad_config_through_the_cli_names_file_and_key(tmp_path):
    p = write(tmp_path, "horizon = 'five'\n")
    result = runner.invoke(cli.build_app("zh"), ["run", "--config", str(p)])
    assert result.exit_code == 2
    assert str(p) in result.output and "键 'horizon' 应为整数" in result.output


def test_bad_flag_values_are_refused(tmp_path):
    result = runner.invoke(cli.build_app("en"), ["run", str(tmp_path), "--lang", "fr"])
    assert result.exit_code == 2 and "--lang must be among zh, en, got fr" in result.output
    result = runner.invoke(cli.build_app("zh"), ["run", str(tmp_path), "--params", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "参数文件" in result.output


def test_issuing_details_and_region_reach_the_report_meta(tmp_path, monkeypatch):
    """execute(): the config's [issuing] and the region from regions.csv end up in the run's meta."""
    import talentforecast as tf
    import talentforecast.pipeline as pipeline
    from talentforecast.pipeline import Run

    real = pipeline.run
    monkeypatch.setattr(pipeline, "run", lambda bundle, **kw: real(bundle, stages=["inputs"], **kw))
    p = write(tmp_path, f'inputs = "{tf.datasets.example_dir()}"\n[outputs]\nout = "o"\nreport_formats = []\n'
                        'feed_formats = []\nxlsx = false\n[issuing]\nbody = "某市教育局"\nnumber = "某教发〔2025〕1号"\n'
                        'data_cutoff = "2024-12-31"\n')
    written = cli.execute(load_config(p), quiet=True, echo=lambda _: None)
    assert written["run"] == [tmp_path.resolve() / "o" / "run"] and not written["report"]
    meta = Run.load(tmp_path / "o" / "run").report_meta()
    assert meta["issuing"] == {"body": "某市教育局", "number": "某教发〔2025〕1号", "data_cutoff": "2024-12-31"}
    assert (meta["region"], meta["region_name"]) == ("990100", "示例市")
    cfg = merge(load_config(p), {"region_name": "另一个名字"})
    cli.execute(cfg, quiet=True, echo=lambda _: None)
    assert Run.load(tmp_path / "o" / "run").report_meta()["region_name"] == "另一个名字"


def test_previous_run_writes_changes_and_puts_the_summary_in_the_meta(tmp_path, monkeypatch):
    import talentforecast as tf
    import talentforecast.pipeline as pipeline
    from talentforecast.pipeline import Run

    real = pipeline.run
    monkeypatch.setattr(pipeline, "run", lambda bundle, **kw: real(bundle, stages=["inputs"], **kw))
    p = write(tmp_path, f'inputs = "{tf.datasets.example_dir()}"\n[outputs]\nout = "a"\nreport_formats = []\n'
                        'feed_formats = []\nxlsx = false\n')
    cli.execute(load_config(p), echo=lambda _: None)
    lines: list = []
    written = cli.execute(merge(load_config(p), {"out": tmp_path / "b", "previous": tmp_path / "a"}), echo=lines.append)
    assert written["changes"] == [tmp_path / "b" / "changes.csv"] and tmp_path / "b" / "changes.csv" in lines
    changes = Run.load(tmp_path / "b" / "run").report_meta()["changes"]
    assert changes["text_zh"] == tf.compare(tmp_path / "a", tmp_path / "b").text("zh")
    assert changes["previous"] == str(tmp_path / "a")


def test_config_and_cli_errors_are_chinese_by_default_and_english_on_request(tmp_path):
    p = write(tmp_path, "horizon = 'five'\n")
    with pytest.raises(ConfigError) as err:
        read_config(p)
    assert err.value.render("zh") == f"{p}：键 'horizon' 应为整数，实际为 'five'"
    assert err.value.render("en") == f"{p}: key 'horizon' must be an integer, got 'five'"
    init_folder(tmp_path / "proj")
    with pytest.raises(ConfigError) as err:
        init_folder(tmp_path / "proj")
    assert err.value.render("zh").endswith("：配置文件已存在；用 --force 覆盖")
    assert err.value.render("en").endswith(": a config already exists; use --force to overwrite")
    zh = runner.invoke(cli.build_app("zh"), ["run", str(tmp_path), "--report-formats", "pptx"])
    assert zh.exit_code == 2 and "--report-formats 的取值应在 html, pdf, docx, xlsx 之中，实际为 pptx" in zh.output
    en = runner.invoke(cli.build_app("en"), ["run", str(tmp_path), "--report-formats", "pptx", "--lang", "en"])
    assert en.exit_code == 2 and "must be among" in en.output and "取值" not in en.output
    panel = tmp_path / "p.csv"
    panel.write_text("unique_id,ds,y\n" + "".join(f"a,{y},{y - 1990}\n" for y in range(2000, 2010)), encoding="utf-8")
    zh = runner.invoke(cli.build_app("zh"), ["forecast", str(panel), "--level", "80,x", "-o", str(tmp_path / "f.csv")])
    assert zh.exit_code == 2 and "--level 应为逗号分隔的整数，实际为 80,x" in zh.output
