"""Policy files: validation errors, combination, user patches that change an outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from talentforecast.errors import ConfigError
from talentforecast.warning import evaluate_warnings, load_policy, shipped_policies
from warning_cases import one, quality


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RULE = """
[[rules]]
id = "r1"
indicator = "employment_rate"
op = "lt"
threshold = 0.6
level = "orange"
text_zh = "低于{threshold}"
text_en = "below {threshold}"
"""


def test_shipped_policies_load():
    assert {"default", "moe-2011", "province-tiered", "roa-bands", "cops-override",
            "duplication"} <= set(shipped_policies())
    for name in shipped_policies():
        assert load_policy(name).rules
    ids = [r.id for r in load_policy("default").rules]
    assert len(ids) == len(set(ids)) and "cops-override.surplus-to-shortage" in ids


# Messages are Chinese by default: the patterns are the Chinese text users see.
@pytest.mark.parametrize("change, message", [
    (('indicator = "employment_rate"', 'indicator = "happiness"'), "应为 已知的指标：.*employment_rate"),
    (('op = "lt"', 'op = "<"'), "配置项 'op'.*以下之一：lt、le、gt、ge"),
    (('threshold = 0.6', 'threshold = "0.6"'), "配置项 'threshold'.*应为 数值"),
    (('level = "orange"', 'level = "purple"'), "配置项 'level'.*orange、red"),
    (('id = "r1"', 'id = "r1"\ncolour = "x"'), "配置项 'colour'"),
    (('text_zh = "低于{threshold}"', 'text_zh = "{value.__class__}"'), "占位符"),
    (('level = "orange"', 'level = "orange"\nconsecutive_years = 0'), "consecutive_years.*不小于 1 的整数"),
    (('indicator = "employment_rate"', 'indicator = "ratio_sd_projected"\nconsecutive_years = 2'),
     "单个预测值，不是逐年序列"),
])
def test_bad_rule_gives_clear_error(tmp_path, change, message):
    path = write(tmp_path, 'name = "mine"\n' + RULE.replace(*change))
    with pytest.raises(ConfigError, match=message) as err:
        load_policy(path)
    assert "mine.toml" in str(err.value) and "mine.r1" in str(err.value)


def test_unknown_indicator_error_names_file_rule_and_choices(tmp_path):
    path = write(tmp_path, RULE.replace("employment_rate", "employmnet_rate"))
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    text = err.value.render("en")
    assert "mine.toml" in text and "rule 'mine.r1'" in text and "'employmnet_rate'" in text
    assert "employment_rate" in text.split("expected")[1]


@pytest.mark.parametrize("text, message", [
    ('extends = ["no-such-policy"]', "找不到"),
    ('colour = "x"', "配置项 'colour'"),
    ('extends = ["moe-2011"]\n[patch."moe-2011.nope"]\nthreshold = 0.5', "继承规则的编号"),
    ('extends = ["moe-2011"]\n[patch."moe-2011.reduce"]\nthreshold = "x"', "threshold"),
    ('extends = ["moe-2011"]\ndisable = ["roa-*"]', "disable"),
    ('[settings]\nprojection_offset = "3"', "settings.projection_offset"),
    ('[enrolment]\nreduce_max = -1', "enrolment.reduce_max"),
    ('extends = ["mine.toml"]', "循环引用"),
    ('[[rules]]\nid = "x"\nindicator = "ratio_sd"\nop = "gt"\nthreshold = 1\nlevel = "green"\n'
     'text_zh = "a"\ntext_en = "b"\noverrides = ["nothing.*"]', "overrides"),
    ("this is not toml", "不是有效的 TOML"),
])
def test_bad_policy_file(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_policy(write(tmp_path, text))


def test_unknown_policy_name():
    with pytest.raises(ConfigError, match="内置政策名称") as err:
        load_policy("moe-2012")
    assert "shipped policy name" in err.value.render("en")


@pytest.mark.parametrize("text, message", [
    ('[enrolment]\nreduce_max = 30', r"enrolment\.reduce_max：值为 30；应为 0 到 1 之间的比例（30% 应写作 0\.3）"),
    ('[settings]\nprojection_offset = -1', r"settings\.projection_offset：值为 -1；应为 非负整数（在 as_of 之后"),
    ('[settings]\nshrinkage = "lots"', r"settings\.shrinkage：值为 'lots'；应为 以下之一：none、empirical_bayes"),
    ('[settings]\nmin_probability_red = 2.0', r"settings\.min_probability_red：值为 2；应为 0 到 1 之间的概率"),
    ('disable = ["nothing.*"]', r"配置项 'disable'：值为 'nothing\.\*'；应为 与某条继承规则编号相符的模式"),
])
def test_bad_policy_setting_gives_chinese_message_naming_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message) as err:
        load_policy(write(tmp_path, text))
    assert "mine.toml" in str(err.value) and "expected" not in str(err.value)
    assert "expected" in err.value.render("en")


def test_user_policy_changing_one_threshold_changes_outcome(tmp_path):
    q = quality({2022: 0.62, 2023: 0.63})
    assert one(evaluate_warnings({"quality": q}, "moe-2011", as_of=2023))["warning_level"] == "green"
    path = write(tmp_path, 'name = "strict"\nextends = ["moe-2011"]\n'
                           '[patch."moe-2011.reduce"]\nthreshold = 0.65\n')
    row = one(evaluate_warnings({"quality": q}, path, as_of=2023))
    assert row["warning_level"] == "orange" and "65.0%" in row["reason_zh"]
    assert row["policy"] == "strict"


def test_user_rule_and_disable(tmp_path):
    path = write(tmp_path, 'extends = ["default"]\ndisable = ["default.first-year-below"]\n'
                 + RULE.replace('level = "orange"', 'level = "red"').replace("0.6", "0.2"))
    pol = load_policy(path)
    assert "default.first-year-below" not in [r.id for r in pol.rules]
    assert one(evaluate_warnings({"quality": quality({2023: 0.1})}, pol, as_of=2023))["warning_level"] == "red"
    assert one(evaluate_warnings({"quality": quality({2023: 0.5})}, pol, as_of=2023))["warning_level"] == "green"


def test_list_of_policies_combines_and_settings_override(tmp_path):
    pol = load_policy(["moe-2011", "roa-bands"])
    assert pol.name == "moe-2011+roa-bands" and len(pol.rules) == 7
    path = write(tmp_path, '[settings]\nprojection_offset = 2\n')
    assert load_policy(["default", path]).settings["projection_offset"] == 2
    assert load_policy([path, "default"]).settings["projection_offset"] == 3
    with pytest.raises(ConfigError, match="列表为空"):
        load_policy([])


def test_bad_lang():
    with pytest.raises(ConfigError, match="lang"):
        evaluate_warnings({"quality": quality({2023: 0.5})}, lang="fr")


def test_policy_doc_lists_every_rule_of_every_shipped_policy():
    from pathlib import Path

    from talentforecast.warning import shipped_policies
    doc = (Path(__file__).parents[1] / "docs" / "policy.md").read_text(encoding="utf-8")
    for name in shipped_policies():
        assert f"### `{name}`" in doc, name
        for rule in load_policy(name).rules:
            assert f"`{rule.id}`" in doc, rule.id
