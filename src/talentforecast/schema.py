"""Table contracts for every input table.

Each table is described once, as data (:data:`TABLES`): canonical English snake_case
columns, their Chinese aliases, type, unit and rule. The pandera schemas used at the
input boundary and the data-contract page in ``docs/`` are both built from it.

Example:
    >>> from talentforecast.schema import TABLES
    >>> TABLES["employment"].key
    ('region', 'industry', 'year')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandera.pandas as pa

SCHEMA_VERSION = "1.0.0"

LEVELS = ("中职", "高职专科", "职业本科")
LEVEL_ALIASES = {
    "中职": "中职", "中等职业教育": "中职", "secondary_vocational": "中职", "secondary": "中职",
    "高职专科": "高职专科", "高职": "高职专科", "专科": "高职专科",
    "higher_vocational_associate": "高职专科", "associate": "高职专科",
    "职业本科": "职业本科", "职教本科": "职业本科", "本科层次职业教育": "职业本科",
    "vocational_bachelor": "职业本科", "bachelor": "职业本科",
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "str" | "int" | "float"
    unit: str
    description_zh: str
    description_en: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    nonnegative: bool = False
    code: str | None = None  # which catalogue the value must be found in, checked in io


@dataclass(frozen=True)
class Table:
    name: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[str, ...] = field(default_factory=tuple)  # cross-column rules, see io.check_rules

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name, dtype, unit, zh, en, aliases=(), **kw) -> Column:
    return Column(name, dtype, unit, zh, en, tuple(aliases), **kw)


_REGION = _c("region", "str", "code", "地区代码", "region code", ("地区", "地区代码", "区域", "行政区划代码"))
_YEAR = _c("year", "int", "year", "年份", "year", ("年份", "年度", "年"))
_SCHOOL = _c("school", "str", "code", "学校", "school", ("学校", "学校名称", "学校代码", "院校"))
_SPECIALTY = _c("specialty", "str", "6-digit code", "专业代码", "specialty code",
                ("专业代码", "专业"), code="specialty")
_LEVEL = _c("level", "str", "中职/高职专科/职业本科", "层次", "level", ("层次", "办学层次", "学历层次"),
            code="level")
_INDUSTRY = _c("industry", "str", "GB/T 4754 code", "行业代码", "industry code (section letter or 2-digit division)",
               ("行业代码", "行业"), code="industry")


def _count(name, zh, en, aliases=(), required=True, unit="persons") -> Column:
    return _c(name, "float", unit, zh, en, aliases, required=required, nonnegative=True)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "employment", "分行业就业人数", "employment by industry",
            (_REGION, _INDUSTRY, _YEAR,
             _count("employed", "就业人数", "persons employed", ("就业人数", "从业人员", "从业人数", "年末从业人员")),
             _count("value_added", "增加值", "value added", ("增加值", "行业增加值"), required=False,
                    unit="10k yuan (万元)"),
             _count("wage", "平均工资", "average annual wage", ("平均工资", "年平均工资", "平均工资(元)"),
                    required=False, unit="yuan per year")),
            key=("region", "industry", "year"),
        ),
        Table(
            "postings", "岗位需求与求职人数", "job postings and job seekers",
            (_REGION,
             _c("occupation", "str", "职业分类大典 code", "职业代码", "occupation code", ("职业代码", "职业", "工种"),
                required=False),
             _c("industry", "str", "GB/T 4754 code", "行业代码", "industry code", ("行业代码", "行业"),
                required=False, code="industry"),
             _YEAR,
             _c("quarter", "int", "1-4", "季度", "quarter", ("季度",), required=False),
             _count("openings", "需求人数", "openings posted", ("需求人数", "岗位数", "招聘人数")),
             _count("seekers", "求职人数", "job seekers", ("求职人数",))),
            key=("region", "occupation", "industry", "year", "quarter"),
            rules=("occupation_or_industry",),
        ),
        Table(
            "enrolment", "分专业招生与在校生", "enrolment by school and specialty",
            (_REGION, _SCHOOL, _SPECIALTY, _LEVEL, _YEAR,
             _count("enrolled", "招生数", "new entrants", ("招生数", "招生人数", "新生数")),
             _count("in_school", "在校生数", "students in school", ("在校生数", "在校生人数", "在校人数")),
             _count("graduates", "毕业生数", "graduates", ("毕业生数", "毕业人数"))),
            key=("region", "school", "specialty", "year"),
            rules=("graduates_le_in_school", "level_matches_specialty"),
        ),
        Table(
            "outcomes", "毕业生去向", "graduate outcomes",
            (_REGION, _SCHOOL, _SPECIALTY, _YEAR,
             _count("graduates", "毕业生数", "graduates", ("毕业生数", "毕业人数")),
             _count("employed", "落实人数", "graduates employed (excluding further study)",
                    ("落实就业人数", "就业人数", "落实人数")),
             _count("matched", "对口就业人数", "employed in a matching job", ("对口就业人数", "对口人数")),
             _count("further_study", "升学人数", "went on to further study", ("升学人数",)),
             _c("starting_salary", "float", "yuan per month", "起薪", "average starting salary",
                ("起薪", "平均起薪", "月起薪"), required=False, nonnegative=True)),
            key=("region", "school", "specialty", "year"),
            rules=("employed_le_graduates", "matched_le_employed", "further_study_le_graduates"),
        ),
        Table(
            "destinations", "毕业生就业行业去向", "graduate destinations by industry",
            (_REGION, _SCHOOL, _SPECIALTY, _LEVEL, _YEAR, _INDUSTRY,
             _count("employed", "就业人数", "graduates employed in this industry (survey, may carry sampling noise)",
                    ("就业人数", "落实就业人数", "去向人数"))),
            key=("region", "school", "specialty", "year", "industry"),
            rules=("level_matches_specialty",),
        ),
        Table(
            "population", "分年龄人口", "population by age",
            (_REGION, _YEAR,
             _c("age_from", "int", "years", "起始年龄", "first age in band", ("起始年龄", "年龄下限"), nonnegative=True),
             _c("age_to", "int", "years", "终止年龄", "last age in band (inclusive)", ("终止年龄", "年龄上限"),
                nonnegative=True),
             _count("population", "人口", "persons", ("人口", "人口数", "常住人口"))),
            key=("region", "year", "age_from"),
            rules=("age_band_order", "age_bands_contiguous"),
        ),
        Table(
            "regions", "地区", "regions",
            (_REGION,
             _c("region_name", "str", "text", "地区名称", "region name", ("地区名称", "名称")),
             _c("parent", "str", "code", "上级地区代码", "parent region code", ("上级地区", "上级地区代码"),
                required=False)),
            key=("region",),
        ),
        Table(
            "enrolment_plan", "招生计划", "enrolment plan",
            (_REGION, _SCHOOL, _SPECIALTY, _LEVEL, _YEAR,
             _count("planned", "招生计划数", "planned entrants", ("招生计划", "计划招生数", "招生计划数"))),
            key=("region", "school", "specialty", "year"),
            rules=("level_matches_specialty",),
        ),
        Table(
            "specialty_industry", "专业—行业对应", "specialty to industry crosswalk",
            (_SPECIALTY, _INDUSTRY,
             _c("weight", "float", "share", "权重", "share of the industry's vocational openings this specialty serves",
                ("权重",), nonnegative=True),
             _c("rule", "str", "text", "依据", "how the row was derived", ("依据", "规则"), required=False)),
            key=("specialty", "industry"),
            rules=("weights_sum_to_one_per_industry",),
        ),
        Table(
            "staffing", "行业—职业人员结构", "industry by occupation staffing matrix",
            (_INDUSTRY,
             _c("occupation", "str", "职业分类大典 code", "职业代码", "occupation code", ("职业代码", "职业")),
             _c("share", "float", "share", "占比", "share of the industry's openings in this occupation", ("占比",),
                nonnegative=True)),
            key=("industry", "occupation"),
            rules=("shares_sum_to_one_per_industry",),
        ),
    ]
}


_PANDERA_DTYPES = {"str": str, "int": "Int64", "float": float}


def pandera_schema(table: str | Table) -> pa.DataFrameSchema:
    """The pandera schema for a table, built from :data:`TABLES`.

    Example:
        >>> pandera_schema("employment").columns["employed"].nullable
        False
    """
    spec = TABLES[table] if isinstance(table, str) else table
    cols = {}
    for c in spec.columns:
        checks = [pa.Check.ge(0)] if c.nonnegative and c.dtype != "str" else []
        if c.dtype == "str":
            checks.append(pa.Check.str_length(min_value=1))
        if c.name == "year":
            checks.append(pa.Check.in_range(1900, 2100))
        cols[c.name] = pa.Column(
            _PANDERA_DTYPES[c.dtype], checks=checks, nullable=not c.required, required=c.required, coerce=False
        )
    return pa.DataFrameSchema(cols, strict=False, name=spec.name)


_RULE_TEXT = {
    "graduates_le_in_school": "graduates ≤ in_school (毕业生数不超过在校生数)",
    "level_matches_specialty": "level equals the catalogue level of the specialty (层次与专业目录一致)",
    "employed_le_graduates": "employed ≤ graduates",
    "matched_le_employed": "matched ≤ employed",
    "further_study_le_graduates": "further_study ≤ graduates",
    "occupation_or_industry": "each row names an occupation or an industry",
    "age_band_order": "age_from ≤ age_to; bands of a region-year neither overlap nor leave gaps",
    "age_bands_contiguous": "see age_band_order",
    "weights_sum_to_one_per_industry": "weights sum to 1 per industry (per industry × level if a level column is given)",
    "shares_sum_to_one_per_industry": "shares sum to 1 per industry",
}


def contract_markdown() -> str:
    """The data-contract page (``docs/data-contract.md``), generated from :data:`TABLES`."""
    out = [
        "# 数据规范 Data contract",
        "",
        "Generated from `talentforecast.schema.TABLES` (schema version "
        f"{SCHEMA_VERSION}); a test keeps this page in step with the code.",
        "Column names may be given in English or as any alias; matching ignores case, spaces and",
        "full-width forms, and a unit in brackets such as `就业人数(万人)` is converted.",
        "",
    ]
    for t in TABLES.values():
        out += [f"## `{t.name}` — {t.title_zh} ({t.title_en})", "",
                f"Key (one row per): `{', '.join(t.key)}`", "",
                "| column | type | unit | required | aliases | rule | meaning |",
                "|---|---|---|---|---|---|---|"]
        for c in t.columns:
            rule = []
            if c.nonnegative:
                rule.append("≥ 0")
            if c.unit == "persons":
                rule.append("whole number")
            if c.code == "specialty":
                rule.append("in the specialty catalogue")
            if c.code == "industry":
                rule.append("GB/T 4754-2017 code")
            if c.code == "level":
                rule.append(" / ".join(LEVELS))
            if c.name == "year":
                rule.append("1900–2100; '2020年' accepted")
            out.append(f"| `{c.name}` | {c.dtype} | {c.unit} | {'yes' if c.required else 'no'} | "
                       f"{'、'.join(c.aliases)} | {'; '.join(rule)} | {c.description_zh} / {c.description_en} |")
        if t.rules:
            out += ["", "Rules: " + "; ".join(_RULE_TEXT[r] for r in t.rules if r in _RULE_TEXT) + "."]
        out.append("")
    return "\n".join(out)
