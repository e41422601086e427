"""Load, validate and combine warning policies (TOML rule sets).

A policy is a shipped name (``"moe-2011"``, ``"default"``, …, see ``warning/policies/``), a path
to a TOML file, or a list of either (combined in order, as if one file extended them all).
Every problem raises :class:`~talentforecast.errors.ConfigError` naming the file, the rule id
or key, what was found and what was expected.

Example:
    >>> p = load_policy(["moe-2011", "roa-bands"])
    >>> "moe-2011.reduce" in [r.id for r in p.rules]
    True
"""

from __future__ import annotations

import fnmatch
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from talentforecast.errors import ConfigError, show_value
from talentforecast.warning.rules import (
    ACTIONS,
    DEFAULT_MODE,
    ENROLMENT_MODES,
    INDICATORS,
    LEVELS,
    OPS,
    Condition,
    Rule,
    template_problems,
)

POLICY_DIR = Path(__file__).parent / "policies"

TOP_KEYS = {"name", "title_zh", "title_en", "description", "extends", "disable", "settings",
            "enrolment", "patch", "rules"}
RULE_KEYS = {"id", "indicator", "op", "threshold", "consecutive_years", "all_of", "level",
             "enrolment", "action_zh", "action_en", "text_zh", "text_en", "overrides", "description"}
COND_KEYS = {"indicator", "op", "threshold", "consecutive_years"}
PATCH_KEYS = RULE_KEYS - {"id"}

# name → (type, default, description). The combined policy always carries every key.
SETTINGS = {
    "projection_offset": (int, 3, "years after as_of at which projected indicators are read"),
    "history_lookback": (int, 10, "how many earlier years are evaluated for previous_level"),
    "offered_window": (int, 2, "a specialty is offered if it has enrolment, graduates or supply "
                                "in this many years up to as_of"),
    "scenario": (str, "baseline", "which matching scenario the ratio indicators come from"),
    "shrinkage": (str, "none", "small-cohort rates: 'none' (Jeffreys prior) or 'empirical_bayes' "
                               "(beta-binomial, shrunk toward the peer mean)"),
    "peer_min": (int, 3, "fewest peers (same level and 专业大类) before the whole level is used"),
    "projection_role": (str, "decide", "'decide': every rule competes on severity; 'modify': observed "
                                       "outcomes decide, model/projection rules modify (warning/combine.py)"),
    "min_probability_red": (float, 0.0, "red only when its probability is at least this (else 证据不足)"),
    "min_probability_orange": (float, 0.0, "orange only when its probability is at least this"),
    "min_probability_blue": (float, 0.0, "blue only when its probability is at least this"),
    "min_probability_yellow_over_blue": (float, 0.0, "a projected watch (yellow) displaces an issued blue only "
                                         "when its probability is at least this (0: always, by severity)"),
    "list_size": (int, 20, "rows per planning region in the short exit/cut and expand lists"),
    "not_enrolling_years": (int, 2, "a programme with no intake in each of this many years up to "
                                     "as_of is 'not_enrolling' (no level, no range)"),
}
CHOICES = {"projection_role": ("decide", "modify"), "shrinkage": ("none", "empirical_bayes"),
           "basis": ("rule", "gap")}
ENROLMENT = {
    "reduce_min": (float, 0.10, "orange: smallest cut of last intake (share)"),
    "reduce_max": (float, 0.30, "orange: largest cut of last intake (share)"),
    "watch_reduce": (float, 0.10, "yellow: range from last intake × (1 − watch_reduce) to last intake"),
    "keep_band": (float, 0.05, "green: last intake ± keep_band"),
    "expand_max": (float, 0.30, "blue: at most last intake × (1 + expand_max)"),
    "basis": (str, "rule", "'rule': ranges from the rule's shares of last intake; 'gap': expand and "
                           "reduce ranges moved to the gap target's 80% interval (enrolment.gap_range)"),
    "capacity_slack": (float, 0.10, "'gap': at most the largest intake of 5 years × (1 + slack) × cohort growth"),
}


@dataclass(frozen=True)
class Policy:
    """A validated, combined rule set; build it with :func:`load_policy` (a shipped name, a TOML
    path, or a list of them combined).

    Example:
        >>> p = load_policy("moe-2011")
        >>> p.name, [r.id for r in p.rules], p.settings["scenario"]
        ('moe-2011', ['moe-2011.reduce', 'moe-2011.stop'], 'baseline')
        >>> p.rules[0].level, p.rules[0].conditions[0].threshold
        ('orange', 0.6)
    """

    name: str
    rules: tuple[Rule, ...]
    explicit_settings: dict = field(default_factory=dict)
    explicit_enrolment: dict = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    title_zh: str = ""  # the file's title_zh/title_en; sentences name the policy by its title, not its id
    title_en: str = ""

    def title(self, lang: str = "zh") -> str:
        """The policy's title in ``lang`` (``title_zh``/``title_en``), the name when it has none.

        Example:
            >>> load_policy("default").title("en"), load_policy("default").title("zh")
            ('Default combination', '默认规则组合')
        """
        if lang == "en":  # never the Chinese title in an English sentence
            return self.title_en or self.name
        return self.title_zh or self.title_en or self.name

    @property
    def settings(self) -> dict:
        """[settings] with the defaults filled in."""
        return {**{k: v[1] for k, v in SETTINGS.items()}, **self.explicit_settings}

    @property
    def enrolment(self) -> dict:
        """[enrolment] parameters with the defaults filled in."""
        return {**{k: v[1] for k, v in ENROLMENT.items()}, **self.explicit_enrolment}


def shipped_policies() -> list[str]:
    """Names of the policies shipped with the package.

    Example:
        >>> "default" in shipped_policies()
        True
    """
    return sorted(p.stem for p in POLICY_DIR.glob("*.toml"))


def _where_zh(where: str) -> str:
    """``rule 'x', key 'level'`` → ``规则 'x'，配置项 'level'`` (names and ids stay as written)."""
    where = re.sub(r"^rule '", "规则 '", where)
    where = re.sub(r"^key '", "配置项 '", where)
    where = re.sub(r", (key|all_of)", lambda m: "，" + ("配置项" if m[1] == "key" else "all_of"), where)
    return where


def _err(file, where: str, got, expected: str, expected_zh: str | None = None) -> ConfigError:
    return ConfigError(f"{file}: {where}: got {show_value(got)}; expected {expected}",
                       f"{file}：{_where_zh(where)}：值为 {show_value(got)}；应为 {expected_zh or expected}")


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _check_table(file, where, table, spec) -> dict:
    if not isinstance(table, dict):
        raise _err(file, where, table, "a table", "一张 TOML 表")
    out = {}
    for key, value in table.items():
        if key not in spec:
            raise _err(file, f"{where}.{key}", key, f"one of {sorted(spec)}", f"以下之一：{sorted(spec)}")
        typ = spec[key][0]
        ok = _number(value) if typ is float else isinstance(value, typ) and not isinstance(value, bool)
        if not ok or (_number(value) and not 0 <= value < math.inf):  # NaN fails this too
            desc_zh = _DESCRIPTION_ZH.get(key, spec[key][2])
            raise _err(file, f"{where}.{key}", value, f"a non-negative {typ.__name__} ({spec[key][2]})",
                       f"文字（{desc_zh}）" if typ is str
                       else f"非负{'整数' if typ is int else '数值'}（{desc_zh}）")
        if key in _SHARES_AT_MOST_ONE and value > 1:  # a cut of more than the whole intake: 30 for 30 %?
            raise _err(file, f"{where}.{key}", value, f"a share between 0 and 1 (write {value / 100:g} for {value:g} %)",
                       f"0 到 1 之间的比例（{value:g}% 应写作 {value / 100:g}）")
        out[key] = typ(value)
    return out


_SHARES_AT_MOST_ONE = frozenset({"reduce_min", "reduce_max", "watch_reduce", "keep_band"})

# the descriptions of SETTINGS and ENROLMENT in Chinese, for error messages
_DESCRIPTION_ZH = {
    "projection_offset": "在 as_of 之后第几年读取预测指标",
    "history_lookback": "为得到 previous_level 回看多少个往年",
    "offered_window": "截至 as_of 的这么多年内有招生、毕业生或供给，即视为开设该专业",
    "scenario": "比率类指标取自哪个情景",
    "shrinkage": "小样本比率：'none'（Jeffreys 先验）或 'empirical_bayes'（贝塔-二项，向同类均值收缩）",
    "peer_min": "同层次、同专业大类的同类专业至少几个，不足则用整个层次",
    "projection_role": "'decide'：所有规则按严重程度竞争；'modify'：由实际观测结果决定，模型/预测类规则只作调整",
    "min_probability_red": "红色预警所需的最低概率（不足则为证据不足）",
    "min_probability_orange": "橙色预警所需的最低概率",
    "min_probability_blue": "蓝色预警所需的最低概率",
    "min_probability_yellow_over_blue": "预测的关注（黄色）取代已发出的蓝色所需的最低概率（0：总是按严重程度）",
    "list_size": "每个规划地区的压减/退出与扩大短名单的行数",
    "not_enrolling_years": "截至 as_of 连续这么多年没有招生的专业点视为 'not_enrolling'（不给等级和区间）",
    "reduce_min": "橙色：相对上年招生数的最小压减比例",
    "reduce_max": "橙色：相对上年招生数的最大压减比例",
    "watch_reduce": "黄色：区间为上年招生数 ×（1 − watch_reduce）到上年招生数",
    "keep_band": "绿色：上年招生数 ± keep_band",
    "expand_max": "蓝色：至多为上年招生数 ×（1 + expand_max）",
    "basis": "'rule'：区间按规则的比例由上年招生数算出；'gap'：扩大与压减区间移到缺口目标的 80% 区间",
    "capacity_slack": "'gap'：至多为 5 年内最大招生数 ×（1 + slack）× 同龄人口增长",
}


def _condition(file, where, raw) -> Condition:
    if not isinstance(raw, dict):
        raise _err(file, where, raw, "a table with indicator, op, threshold",
                   "含 indicator、op、threshold 的表")
    for key in raw:
        if key not in COND_KEYS:
            raise _err(file, f"{where}, key '{key}'", key, f"one of {sorted(COND_KEYS)}",
                       f"以下之一：{sorted(COND_KEYS)}")
    for key in ("indicator", "op", "threshold"):
        if key not in raw:
            raise _err(file, f"{where}, key '{key}'", None, "a value (required)", "一个值（必填）")
    ind, op, thr = raw["indicator"], raw["op"], raw["threshold"]
    if ind not in INDICATORS:
        raise _err(file, f"{where}, key 'indicator'", ind,
                   f"a known indicator: {', '.join(sorted(INDICATORS))}",
                   f"已知的指标：{'、'.join(sorted(INDICATORS))}")
    if op not in OPS:
        raise _err(file, f"{where}, key 'op'", op, f"one of {', '.join(OPS)}",
                   f"以下之一：{'、'.join(OPS)}")
    if not _number(thr):
        raise _err(file, f"{where}, key 'threshold'", thr, "a number", "数值")
    if not math.isfinite(thr):
        raise _err(file, f"{where}, key 'threshold'", thr, "a finite number (nan and inf are not thresholds)",
                   "有限的数值（nan 与 inf 不能作阈值）")
    if INDICATORS[ind].fmt.startswith(".") and INDICATORS[ind].fmt.endswith("%") and not 0 <= thr <= 1:
        hint = f"; write {thr / 100:g} for {thr:g} %" if 1 < thr <= 100 else ""
        hint_zh = f"；{thr:g}% 应写作 {thr / 100:g}" if 1 < thr <= 100 else ""
        raise _err(file, f"{where}, key 'threshold'", thr,
                   f"a share between 0 and 1, because '{ind}' is a rate{hint}",
                   f"0 到 1 之间的比例，因为 '{ind}' 是比率{hint_zh}")
    years = raw.get("consecutive_years", 1)
    if not isinstance(years, int) or isinstance(years, bool) or years < 1:
        raise _err(file, f"{where}, key 'consecutive_years'", years, "an integer ≥ 1", "不小于 1 的整数")
    if years > 1 and INDICATORS[ind].kind != "series":
        raise _err(file, f"{where}, key 'consecutive_years'", years,
                   f"1, because '{ind}' is a single projected value, not a yearly series",
                   f"1，因为 '{ind}' 是单个预测值，不是逐年序列")
    return Condition(ind, op, float(thr), years)


MAX_FORMAT_WIDTH = 40  # a text template's field width/precision above this only pads or stalls rendering


def _width_problems(text: str, lang: str = "en") -> list[str]:
    """Format specs such as {value:>100000000} would build huge strings: widths are bounded."""
    import string

    out = []
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return []  # reported by template_problems
    for _, name, spec, _ in parts:
        for number in re.findall(r"\d+", spec or ""):
            if int(number) > MAX_FORMAT_WIDTH:
                out.append(f"{{{name}:{spec}}} 中的宽度或精度 {number}（至多 {MAX_FORMAT_WIDTH}）" if lang == "zh"
                           else f"width or precision {number} in {{{name}:{spec}}} (at most {MAX_FORMAT_WIDTH})")
                break
    return out


def _rule(file, set_name: str, raw: dict, index: int) -> Rule:
    where = f"rules[{index}]"
    if not isinstance(raw, dict):
        raise _err(file, where, raw, "a table", "一张 TOML 表")
    rid = raw.get("id")
    if not isinstance(rid, str) or not rid or "." in rid:
        raise _err(file, f"{where}, key 'id'", rid, "a non-empty string without '.' (the set name is prefixed)",
                   "不含 '.' 的非空文字（规则集名称会自动加在前面）")
    full = f"{set_name}.{rid}"
    where = f"rule '{full}'"
    return _build_rule(file, where, full, raw)


def _build_rule(file, where: str, full: str, raw: dict) -> Rule:
    for key in raw:
        if key not in RULE_KEYS:
            raise _err(file, f"{where}, key '{key}'", key, f"one of {sorted(RULE_KEYS)}",
                       f"以下之一：{sorted(RULE_KEYS)}")
    if "all_of" in raw:
        if any(k in raw for k in COND_KEYS):
            raise _err(file, f"{where}", sorted(set(raw) & COND_KEYS),
                       "either all_of or indicator/op/threshold, not both",
                       "all_of 或 indicator/op/threshold 二者选一，不能同时写")
        if not isinstance(raw["all_of"], list) or not raw["all_of"]:
            raise _err(file, f"{where}, key 'all_of'", raw["all_of"], "a non-empty list of conditions",
                       "非空的条件列表")
        conds = tuple(_condition(file, f"{where}, all_of[{i}]", c) for i, c in enumerate(raw["all_of"]))
    else:
        conds = (_condition(file, where, {k: raw[k] for k in COND_KEYS if k in raw}),)
    level = raw.get("level")
    if level not in LEVELS:
        raise _err(file, f"{where}, key 'level'", level, f"one of {', '.join(LEVELS)}",
                   f"以下之一：{'、'.join(LEVELS)}")
    mode = raw.get("enrolment", DEFAULT_MODE[level])
    if mode not in ENROLMENT_MODES:
        raise _err(file, f"{where}, key 'enrolment'", mode, f"one of {', '.join(ENROLMENT_MODES)}",
                   f"以下之一：{'、'.join(ENROLMENT_MODES)}")
    texts = {}
    for key in ("text_zh", "text_en", "action_zh", "action_en", "description"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise _err(file, f"{where}, key '{key}'", value, "a string", "文字")
        problems = template_problems(value) + _width_problems(value) if key.startswith("text") else []
        if problems:
            problems_zh = template_problems(value, "zh") + _width_problems(value, "zh")
            raise _err(file, f"{where}, key '{key}'", value, "a template using only allowed placeholders: "
                       + "; ".join(problems), "只用允许的占位符、宽度有限的模板：" + "；".join(problems_zh))
        texts[key] = value
    for key in ("text_zh", "text_en"):
        if not texts[key]:
            raise _err(file, f"{where}, key '{key}'", None, "a one-sentence explanation (required)",
                       "一句话的说明（必填）")
    overrides = raw.get("overrides", [])
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise _err(file, f"{where}, key 'overrides'", overrides, "a list of rule-id patterns",
                   "规则编号模式的列表")
    return Rule(full, conds, level, texts["text_zh"], texts["text_en"], mode,
                texts["action_zh"] or ACTIONS[level][0], texts["action_en"] or ACTIONS[level][1],
                tuple(overrides), str(file))


def _resolve(ref: str | Path, base: Path | None) -> Path:
    if isinstance(ref, str) and (POLICY_DIR / f"{ref}.toml").is_file() and not ref.endswith(".toml"):
        return POLICY_DIR / f"{ref}.toml"
    path = Path(ref)
    if not path.is_absolute() and base is not None:
        path = base / path
    if not path.is_file():
        raise ConfigError(f"policy {str(ref)!r}: not found; expected a shipped policy name "
                          f"({', '.join(shipped_policies())}) or a path to a TOML file",
                          zh=f"预警政策 {str(ref)!r}：找不到；应为内置政策名称（{'、'.join(shipped_policies())}）"
                             "或 TOML 文件的路径")
    return path


def _load_file(path: Path, stack: tuple[Path, ...]) -> Policy:
    path = path.resolve()
    if path in stack:
        chain = " → ".join(p.name for p in (*stack, path))
        raise ConfigError(f"{path}: key 'extends': circular extension ({chain}); expected no cycles",
                          zh=f"{path}：配置项 extends 形成循环引用（{chain}）；应无循环")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); expected a TOML policy file",
                          zh=f"{path}：不是有效的 TOML（{exc}）；应为 TOML 格式的预警政策文件") from exc
    for key in raw:
        if key not in TOP_KEYS:
            raise _err(path, f"key '{key}'", key, f"one of {sorted(TOP_KEYS)}", f"以下之一：{sorted(TOP_KEYS)}")
    name = raw.get("name", path.stem)
    if not isinstance(name, str) or not name or "." in name:
        raise _err(path, "key 'name'", name, "a non-empty string without '.'", "不含 '.' 的非空文字")
    titles = {k: raw.get(k, "") for k in ("title_zh", "title_en")}
    for key, value in titles.items():
        if not isinstance(value, str):
            raise _err(path, f"key '{key}'", value, "a string", "文字")
    extends = raw.get("extends", [])
    if not isinstance(extends, list) or not all(isinstance(e, str) for e in extends):
        raise _err(path, "key 'extends'", extends, "a list of policy names or paths", "政策名称或路径的列表")
    bases = [_load_file(_resolve(e, path.parent), (*stack, path)) for e in extends]
    own_rules = raw.get("rules", [])
    if not isinstance(own_rules, list):
        raise _err(path, "key 'rules'", own_rules, "an array of tables ([[rules]])",
                   "表数组（[[rules]]）")
    own = [_rule(path, name, r, i) for i, r in enumerate(own_rules)]
    policy = _combine(name, bases, path)
    rules = list(policy.rules)
    disable = raw.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise _err(path, "key 'disable'", disable, "a list of rule-id patterns", "规则编号模式的列表")
    for pattern in disable:
        if not any(fnmatch.fnmatchcase(r.id, pattern) for r in rules):
            raise _err(path, "key 'disable'", pattern, "a pattern matching an inherited rule id: "
                       + ", ".join(r.id for r in rules),
                       "与某条继承规则编号相符的模式：" + "、".join(r.id for r in rules))
        rules = [r for r in rules if not fnmatch.fnmatchcase(r.id, pattern)]
    patches = raw.get("patch", {})
    if not isinstance(patches, dict):
        raise _err(path, "key 'patch'", patches, "a table of [patch.\"rule.id\"] tables",
                   "由 [patch.\"规则编号\"] 表组成的表")
    for rid, fields in patches.items():
        idx = next((i for i, r in enumerate(rules) if r.id == rid), None)
        if idx is None:
            raise _err(path, f"patch '{rid}'", rid, "the id of an inherited rule: "
                       + ", ".join(r.id for r in rules),
                       "某条继承规则的编号：" + "、".join(r.id for r in rules))
        if not isinstance(fields, dict):
            raise _err(path, f"patch '{rid}'", fields, "a table of rule keys", "由规则配置项组成的表")
        for key in fields:
            if key not in PATCH_KEYS:
                raise _err(path, f"patch '{rid}', key '{key}'", key, f"one of {sorted(PATCH_KEYS)}",
                           f"以下之一：{sorted(PATCH_KEYS)}")
        base = _as_raw(rules[idx])
        # a patch's conditions replace the inherited ones (all_of ↔ a single condition)
        if "all_of" in fields or set(fields) & COND_KEYS:
            base = {k: v for k, v in base.items() if k not in COND_KEYS | {"all_of"}}
            if "all_of" not in fields:
                base.update({k: v for k, v in _as_raw(rules[idx]).items() if k in COND_KEYS})
        rules[idx] = _build_rule(path, f"patch '{rid}'", rid, {**base, **fields})
    rules += own
    _check_unique(path, rules)
    _check_overrides(path, rules)
    settings = {**policy.explicit_settings,
                **_check_table(path, "settings", raw.get("settings", {}), SETTINGS)}
    for key, allowed in CHOICES.items():
        for where, table in (("settings", settings), ("enrolment", raw.get("enrolment", {}))):
            if key in table and table[key] not in allowed:
                raise _err(path, f"{where}.{key}", table[key], f"one of {', '.join(allowed)}",
                           f"以下之一：{'、'.join(allowed)}")
    for key, value in settings.items():
        if key.startswith("min_probability_") and value > 1:
            raise _err(path, f"settings.{key}", value, "a probability between 0 and 1", "0 到 1 之间的概率")
    enrol = {**policy.explicit_enrolment,
             **_check_table(path, "enrolment", raw.get("enrolment", {}), ENROLMENT)}
    return Policy(name, tuple(rules), settings, enrol, (*policy.sources, str(path)), **titles)


def _as_raw(rule: Rule) -> dict:
    """A rule back as TOML-like keys, so a patch can be validated like a fresh rule."""
    raw = {"level": rule.level, "enrolment": rule.enrolment, "text_zh": rule.text_zh,
           "text_en": rule.text_en, "action_zh": rule.action_zh, "action_en": rule.action_en,
           "overrides": list(rule.overrides)}
    conds = [{"indicator": c.indicator, "op": c.op, "threshold": c.threshold,
              "consecutive_years": c.consecutive_years} for c in rule.conditions]
    if len(conds) == 1:
        raw.update(conds[0])
    else:
        raw["all_of"] = conds
    return raw


def patch_rule(rule: Rule, **fields) -> Rule:
    """Return ``rule`` with some keys replaced, validated (used by patches and tests)."""
    if set(fields) & {"indicator", "op", "threshold", "consecutive_years"} and len(rule.conditions) == 1:
        return _build_rule(rule.source, f"patch '{rule.id}'", rule.id, {**_as_raw(rule), **fields})
    return replace(rule, **fields)


def _check_unique(path, rules) -> None:
    seen = set()
    for r in rules:
        if r.id in seen:
            raise _err(path, f"rule '{r.id}'", r.id, "a unique rule id (use [patch.\"id\"] to change "
                       "an inherited rule)", "不重复的规则编号（修改继承的规则请用 [patch.\"编号\"]）")
        seen.add(r.id)


def _check_overrides(path, rules) -> None:
    for r in rules:
        for pattern in r.overrides:
            if not any(fnmatch.fnmatchcase(o.id, pattern) for o in rules if o is not r):
                raise _err(path, f"rule '{r.id}', key 'overrides'", pattern,
                           "a pattern matching another rule id in the combined policy",
                           "与合并后规则中另一条规则编号相符的模式")


def _combine(name: str, parts: list[Policy], path=None) -> Policy:
    rules, sources = [], []
    settings, enrol = {}, {}
    for p in parts:
        for r in p.rules:
            if any(r.id == q.id for q in rules):
                continue  # the same shipped rule reached twice through extends
            rules.append(r)
        settings.update(p.explicit_settings)
        enrol.update(p.explicit_enrolment)
        sources.extend(p.sources)
    if path is None:
        _check_overrides("policy list", rules)
    return Policy(name, tuple(rules), settings, enrol, tuple(sources))


def load_policy(policy: str | Path | Policy | list | tuple = "default") -> Policy:
    """Load a shipped policy by name, a TOML file by path, or combine a list of them.

    Example:
        >>> load_policy("moe-2011").settings["projection_offset"]
        3
    """
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, list | tuple):
        if not policy:
            raise ConfigError("policy: got an empty list; expected at least one policy name or path",
                              zh="预警政策：列表为空；应至少给出一个政策名称或路径")
        parts = [load_policy(p) for p in policy]
        return replace(_combine("+".join(p.name for p in parts), parts),
                       title_zh=" + ".join(p.title("zh") for p in parts),
                       title_en=" + ".join(p.title("en") for p in parts))
    if not isinstance(policy, str | Path):
        raise ConfigError(f"policy: got {policy!r}; expected a policy name, a path or a list of them",
                          zh=f"预警政策的值为 {policy!r}；应为政策名称、路径或它们的列表")
    return _load_file(_resolve(policy, None), ())
