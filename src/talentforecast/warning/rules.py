"""The rule language: warning levels, the indicator registry, conditions and rules.

A rule is plain data (read from TOML by :mod:`talentforecast.warning.policy`): one or more
conditions ``indicator op threshold`` (optionally held for ``consecutive_years``), a warning
level and texts with placeholders. Nothing is ever evaluated as code: operators come from a
fixed table and templates may only name a fixed set of fields.

Example:
    >>> c = Condition("employment_rate", "lt", 0.6, 2)
    >>> c.holds(0.55), c.holds(0.6)
    (True, False)
"""

from __future__ import annotations

import operator
import string
from dataclasses import dataclass

# Severity order used to resolve several fired rules: the highest wins (see docs/warning.md).
LEVELS: dict[str, int] = {"green": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}

ACTIONS: dict[str, tuple[str, str]] = {
    "red": ("停止招生/退出", "stop enrolment / exit"),
    "orange": ("调减", "reduce enrolment"),
    "yellow": ("关注", "watch"),
    "green": ("保持", "keep"),
    "blue": ("扩招", "expand enrolment"),
}
# A programme with no intake in the latest years: its own status, outside the rule levels.
NOT_ENROLLING = "not_enrolling"
INSUFFICIENT = ("证据不足", "insufficient evidence")
CONFLICT = ("证据冲突", "conflicting evidence")
LEVEL_NAMES: dict[str, tuple[str, str]] = {
    NOT_ENROLLING: ("未招生", "not enrolling"),
    "red": ("红色", "red"), "orange": ("橙色", "orange"), "yellow": ("黄色", "yellow"),
    "green": ("绿色", "green"), "blue": ("蓝色", "blue"),
}

# How each rule turns into an enrolment range (parameters in the policy's [enrolment] table).
ENROLMENT_MODES = ("stop", "alternate", "cap_employed", "reduce", "watch", "keep", "expand")
DEFAULT_MODE = {"red": "stop", "orange": "reduce", "yellow": "watch", "green": "keep",
                "blue": "expand"}

OPS = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
OP_SYMBOL = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


@dataclass(frozen=True)
class Indicator:
    """An indicator the engine computes per region × specialty × level.

    ``kind`` is "series" (one observed value per year up to ``as_of``; supports
    ``consecutive_years``) or "point" (one value for the evaluation, e.g. a projection).
    ``probability`` names how the chance of being past a threshold is computed:
    "beta" (a rate out of graduates), "lognormal" (a ratio with forecast intervals),
    "exact" (an observed count: 1 or 0) or "none" (unknown, reported as NaN).
    """

    name: str
    kind: str
    probability: str
    zh: str
    en: str
    fmt: str = ".2f"
    # "observed" (graduate outcomes, postings, enrolment, provision) or "model" (projections and
    # crosswalk-derived demand): observed evidence is primary (see engine.combine)
    evidence: str = "observed"


_RATE_NAMES = {"employment_rate": ("毕业去向落实率", "destination rate", ".1%", "beta"),
               "job_rate": ("就业率(不含升学)", "employment rate (without further study)", ".1%", "beta"),
               "matched_rate": ("对口就业率", "matched-employment rate", ".1%", "beta"),
               "salary_ratio": ("起薪与地区平均之比", "starting salary / regional average", ".2f", "exact")}


def _relative() -> list[Indicator]:
    """Per observed rate: peer gap, peer percentile, shock-adjusted value and trend."""
    out = []
    for name, (zh, en, fmt, prob) in _RATE_NAMES.items():
        gap_fmt = "+.1%" if fmt == ".1%" else "+.2f"
        out += [Indicator(f"{name}_peer_gap", "series", prob, f"{zh}与同类专业之差",
                          f"{en} minus peers", gap_fmt),
                Indicator(f"{name}_peer_pct", "series", "exact", f"{zh}在同类专业中的百分位",
                          f"{en} percentile among peers", ".0%"),
                Indicator(f"{name}_adjusted", "series", prob, f"{zh}(剔除共同年度波动)",
                          f"{en} (common shock removed)", fmt),
                Indicator(f"{name}_trend", "series", "exact", f"{zh}年均变化(近3年)",
                          f"{en} change a year (3 years)", gap_fmt)]
    return out


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    # 毕业去向落实率: graduates with a destination (job or further study) / graduates; read from
    # quality.destination_rate when present, else quality.employment_rate
    Indicator("employment_rate", "series", "beta", "毕业去向落实率", "employment rate", ".1%"),
    # 就业率: employed / graduates, without further study (升学)
    Indicator("job_rate", "series", "beta", "就业率(不含升学)", "employment rate (without further study)",
              ".1%"),
    # 求人倍率 from public employment-service postings of the occupations the specialty trains for
    Indicator("postings_ratio_ds", "series", "exact", "求人倍率(岗位/求职者)", "postings openings per seeker"),
    Indicator("matched_rate", "series", "beta", "对口就业率", "matched-employment rate", ".1%"),
    Indicator("salary_ratio", "series", "exact", "起薪与地区平均之比", "starting salary / regional average"),
    Indicator("graduates", "series", "exact", "毕业生数", "graduates", ".0f"),
    Indicator("employment_rate_change", "series", "exact", "落实率同比变化", "change in employment rate",
              "+.1%"),
    # past S/D with crosswalk-derived demand: a model quantity, not an observed outcome
    Indicator("ratio_sd", "series", "lognormal", "供需比(已观测)", "observed supply/demand ratio",
              evidence="model"),
    Indicator("ratio_ds", "series", "lognormal", "求人倍率(已观测)", "observed demand/supply ratio",
              evidence="model"),
    Indicator("ratio_sd_projected", "point", "lognormal", "预测供需比", "projected supply/demand ratio",
              evidence="model"),
    Indicator("ratio_ds_projected", "point", "lognormal", "预测求人倍率", "projected demand/supply ratio",
              evidence="model"),
    # the projected S/D with the entrant share at the high end of its documented range (the most
    # demand the shared assumption allows): a surplus that holds there does not hinge on it
    Indicator("ratio_sd_projected_e_high", "point", "lognormal", "预测供需比(新入职应届占比取上限)",
              "projected S/D with the entrant share at its high end", evidence="model"),
    Indicator("ratio_sd_projected_rel", "point", "lognormal", "预测供需比(相对同层次总体)",
              "projected S/D relative to its level's aggregate", evidence="model"),
    Indicator("p_surplus", "point", "exact", "预测过剩概率", "projected probability of surplus", ".0%",
              evidence="model"),
    Indicator("p_shortage", "point", "exact", "预测短缺概率", "projected probability of shortage", ".0%",
              evidence="model"),
    Indicator("demand_growth_projected", "point", "none", "预测需求增长", "projected demand growth", "+.0%",
              evidence="model"),
    Indicator("n_schools", "point", "exact", "开设学校数", "schools offering it", ".0f"),
    Indicator("demand_per_school", "point", "none", "校均需求", "demand per school", ".1f", evidence="model"),
    Indicator("duplication_flag", "point", "exact", "设置雷同标记", "duplication flag", ".0f"),
    # share by which the as_of intake is below the peak of the 3 years before (0 = no cut): the
    # 2011 rule stops a specialty only after a cut (see policies/moe-2011.toml)
    Indicator("intake_cut", "point", "exact", "招生调减幅度", "intake cut", ".0%"),
    # 设置雷同 per 专业类 across levels (warning/provision.py)
    Indicator("class_programmes", "point", "exact", "同专业类专业点数(各层次)", "programmes of the class (all levels)",
              ".0f"),
    Indicator("class_median_intake", "point", "exact", "同专业类专业点招生中位数", "median intake of the class's programmes",
              ".0f"),
    Indicator("class_ratio_sd_rel", "point", "exact", "专业类预测供需比(相对全区)", "class projected S/D relative to the region",
              evidence="model"),
    Indicator("class_programmes_province", "point", "exact", "全省同专业类专业点数", "programmes of the class in the province",
              ".0f"),
    Indicator("class_region_share", "point", "exact", "本地占全省该专业类招生比例", "region's share of the province's intake",
              ".0%"),
    *_relative(),
)}

TEMPLATE_FIELDS = {"value", "threshold", "years", "year_span", "op", "indicator", "as_of",
                   "plan_year", "cap", "intake_path"} | {f"{k}_{i}" for k in ("value", "threshold", "years", "year_span")
                                          for i in range(1, 6)}


def template_problems(text: str, lang: str = "en") -> list[str]:
    """Return what is wrong with a text template (unknown or compound fields), empty if fine;
    in English, or in Chinese with ``lang="zh"``.

    Example:
        >>> template_problems("{value!r}", "zh")
        ['{value} 中的转换 !r']
    """
    zh = lang == "zh"
    problems = []
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"模板格式错误（{exc}）" if zh else str(exc)]
    for _, field, spec, conv in parts:
        if field is None:
            continue
        if field not in TEMPLATE_FIELDS:
            problems.append(f"占位符 {{{field}}}（允许的占位符：{'、'.join(sorted(TEMPLATE_FIELDS))}）" if zh else
                            f"placeholder {{{field}}} (allowed: {', '.join(sorted(TEMPLATE_FIELDS))})")
        if conv:
            problems.append(f"{{{field}}} 中的转换 !{conv}" if zh else f"conversion !{conv} in {{{field}}}")
        if spec and "{" in spec:
            problems.append(f"{{{field}}} 中嵌套了占位符" if zh else f"nested placeholder in {{{field}}}")
    return problems


@dataclass(frozen=True)
class Condition:
    """``indicator op threshold``, held in each of the last ``consecutive_years`` years."""

    indicator: str
    op: str
    threshold: float
    consecutive_years: int = 1

    def holds(self, value: float | None) -> bool:
        if value is None or value != value:  # None or NaN never satisfies a condition
            return False
        return bool(OPS[self.op](value, self.threshold))


@dataclass(frozen=True)
class Rule:
    """One warning rule: all ``conditions`` must hold for it to fire."""

    id: str
    conditions: tuple[Condition, ...]
    level: str
    text_zh: str
    text_en: str
    enrolment: str
    action_zh: str
    action_en: str
    overrides: tuple[str, ...] = ()
    source: str = ""

    @property
    def severity(self) -> int:
        return LEVELS[self.level]


class _Fields(dict):
    def __missing__(self, key):  # a field with no value renders as "–" rather than failing
        return "–"


def fmt_value(indicator: str, value) -> str:
    """Format an indicator value for a reason text (percentages for rates)."""
    if value is None or value != value:
        return "–"
    try:
        return format(float(value), INDICATORS[indicator].fmt)
    except (KeyError, ValueError):
        return str(value)


def render(template: str, fields: dict) -> str:
    """Fill a validated template; unknown values become "–"."""
    safe = _Fields({k: v for k, v in fields.items() if v is not None})
    try:
        return string.Formatter().vformat(template, (), safe)
    except (ValueError, TypeError):
        # a numeric format spec applied to the "–" placeholder: render without specs
        plain = _Fields({k: str(v) for k, v in safe.items()})
        stripped = "".join(lit + (f"{{{f}}}" if f is not None else "")
                           for lit, f, _, _ in string.Formatter().parse(template))
        return string.Formatter().vformat(stripped, (), plain)
