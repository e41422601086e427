"""The specialty → industry crosswalk: rules, the derived default, user replacements, re-mapping.

No public table links vocational specialties to GB/T 4754 industries, so the default is derived
from an editable rules file (``data/specialty_industry_rules.csv``): each rule says that a group
of specialties (a 专业大类, a 专业类 or one specialty, optionally for one level) serves an
industry with a relative ``strength``. :func:`build_specialty_industry` turns the rules into
weights; the result is shipped as ``data/specialty_industry.csv`` and rebuilt in the tests.

Weights are normalised per industry × level: demand for a specialty is
D[s] = Σ_i w[s,i] · V[i, level(s)], so for every industry and level the weights of that level's
specialties serving it sum to 1, and the allocation conserves V[i, level] exactly.

Example:
    >>> cw = specialty_industry()
    >>> sums = cw.groupby(["industry", "level"])["weight"].sum()
    >>> bool(((sums - 1).abs() < 1e-9).all())
    True
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd

from talentforecast.catalogs.loaders import (
    _section_of,
    _specialties,
    code_problems,
    data_path,
    industry_kind,
    industry_section,
)
from talentforecast.errors import ConfigError, InputError, Problem
from talentforecast.schema import LEVELS, TABLES

RULES_FILE = "specialty_industry_rules.csv"
CROSSWALK_FILE = "specialty_industry.csv"
COLUMNS = ["specialty", "level", "industry", "industry_kind", "weight", "rule"]
TOLERANCE = 1e-6
_SCOPES = ("specialty", "class", "category")  # most specific first
_SCOPE_COLUMN = {"specialty": "specialty", "class": "class_name", "category": "category_name"}


def _read_csv(path) -> pd.DataFrame:
    if isinstance(path, str | os.PathLike):
        for enc in ("utf-8-sig", "gbk"):
            try:
                return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
            except UnicodeDecodeError:
                continue
        raise InputError([Problem(str(path), None, None, None, "a CSV file in UTF-8 or GBK",
                                  "UTF-8 或 GBK 编码的 CSV 文件")])
    with path.open("r", encoding="utf-8") as fh:  # package data (Traversable)
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def load_rules(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read and check a rules file (default: the shipped one).

    Columns: scope ("category" | "class" | "specialty"), key (专业大类 name, 专业类 name or
    6-digit specialty code), level (blank = every level), industry (section letter or
    2-digit division), strength (> 0), note. Raises :class:`ConfigError` naming file, row and
    column for every bad cell.

    Example:
        >>> r = load_rules()
        >>> r[(r["scope"] == "class") & (r["key"] == "汽车制造类")]["industry"].tolist()
        ['36', 'O', 'F']
    """
    file = str(path) if path is not None else f"talentforecast/catalogs/data/{RULES_FILE}"
    rules = _read_csv(path if path is not None else data_path(RULES_FILE))
    missing = [c for c in ("scope", "key", "level", "industry", "strength") if c not in rules.columns]
    if missing:
        raise ConfigError(f"{file}: missing column(s) {missing}; expected scope, key, level, "
                          "industry, strength[, note]",
                          zh=f"{file}：缺少列 {missing}；应有列 scope、key、level、industry、strength"
                             "（note 可选）")
    rules = rules.apply(lambda col: col.str.strip())
    if "note" not in rules.columns:
        rules["note"] = ""
    spec = _specialties()
    known = {s: set(spec[c]) for s, c in _SCOPE_COLUMN.items()}
    sections = _section_of()
    errors: list[str] = []
    errors_zh: list[str] = []
    scope_zh = {"specialty": "专业", "class": "专业类", "category": "专业大类"}
    strength = pd.to_numeric(rules["strength"], errors="coerce")
    for i, r in rules.iterrows():
        row = i + 2
        if r["scope"] not in _SCOPES:
            errors.append(f"row {row}, column 'scope': got {r['scope']!r}; expected one of {_SCOPES}")
            errors_zh.append(f"第 {row} 行，列 'scope'：值为 {r['scope']!r}；应为 {_SCOPES} 之一")
        elif r["key"] not in known[r["scope"]]:
            errors.append(f"row {row}, column 'key': got {r['key']!r}; expected a {r['scope']} "
                          "of the specialty catalogue")
            errors_zh.append(f"第 {row} 行，列 'key'：值为 {r['key']!r}；"
                             f"应为专业目录中的{scope_zh[r['scope']]}")
        if r["level"] and r["level"] not in LEVELS:
            errors.append(f"row {row}, column 'level': got {r['level']!r}; expected blank or one of {LEVELS}")
            errors_zh.append(f"第 {row} 行，列 'level'：值为 {r['level']!r}；应为空或 {LEVELS} 之一")
        if r["industry"] not in sections:
            errors.append(f"row {row}, column 'industry': got {r['industry']!r}; expected a GB/T 4754-2017 "
                          "section letter or 2-digit division")
            errors_zh.append(f"第 {row} 行，列 'industry'：值为 {r['industry']!r}；"
                             "应为 GB/T 4754-2017 行业门类字母或两位行业大类代码")
        if not (strength[i] > 0 and math.isfinite(strength[i])):
            errors.append(f"row {row}, column 'strength': got {r['strength']!r}; expected a number > 0")
            errors_zh.append(f"第 {row} 行，列 'strength'：值为 {r['strength']!r}；应为大于 0 的数")
    dup = rules.duplicated(["scope", "key", "level", "industry"], keep=False)
    for i in rules.index[dup]:
        errors.append(f"row {i + 2}: duplicate rule for (scope, key, level, industry)")
        errors_zh.append(f"第 {i + 2} 行：规则重复（scope、key、level、industry 相同）")
    if errors:
        raise ConfigError(f"{len(errors)} problem(s) in {file}:\n" + "\n".join(f"  - {e}" for e in errors),
                          zh=f"{file} 有 {len(errors)} 个问题：\n" + "\n".join(f"  - {e}" for e in errors_zh))
    return rules.assign(strength=strength)


def build_specialty_industry(rules: str | os.PathLike | pd.DataFrame | None = None) -> pd.DataFrame:
    """Derive the specialty → industry crosswalk from rules (default: the shipped rules file).

    1. Each specialty takes the rules of its most specific match, in this order: specialty at
       its level, specialty at any level, 专业类 at its level, 专业类 at any level, 专业大类 at
       its level, 专业大类 at any level. Only that one rule set applies.
    2. A rule's strength is split equally among the specialties of one level that use it, so a
       专业类 with 20 specialties does not outweigh one with 3 merely by its size.
    3. Weights are normalised to sum to 1 per industry × level.

    Raises :class:`ConfigError` if a specialty of the catalogue matches no rule.

    Example:
        >>> cw = build_specialty_industry()
        >>> cw.groupby("level")["specialty"].nunique().to_dict()
        {'中职': 368, '职业本科': 321, '高职专科': 754}
    """
    rules = rules if isinstance(rules, pd.DataFrame) else load_rules(rules)
    spec = _specialties()[["specialty", "level", "class_name", "category_name"]]
    rules = rules.assign(group=rules["scope"] + ":" + rules["key"]
                         + rules["level"].map(lambda lv: f"@{lv}" if lv else ""))
    # Candidate rule groups per specialty, in order of precedence.
    candidates = []
    for rank, (scope, at_level) in enumerate([(s, a) for s in _SCOPES for a in (True, False)]):
        c = spec[["specialty", "level"]].copy()
        c["scope"], c["key"], c["rank"] = scope, spec[_SCOPE_COLUMN[scope]], rank
        c["rule_level"] = spec["level"] if at_level else ""
        candidates.append(c)
    cand = pd.concat(candidates, ignore_index=True)
    groups = rules[["scope", "key", "level", "group"]].drop_duplicates()
    hit = cand.merge(groups, left_on=["scope", "key", "rule_level"], right_on=["scope", "key", "level"],
                     suffixes=("", "_r"))
    chosen = hit.sort_values("rank").drop_duplicates("specialty")[["specialty", "level", "group"]]
    unmapped = sorted(set(spec["specialty"]) - set(chosen["specialty"]))
    if unmapped:
        raise ConfigError(f"{len(unmapped)} specialties match no rule (add a category, class or "
                          f"specialty rule): {', '.join(unmapped[:20])}",
                          zh=f"有 {len(unmapped)} 个专业没有匹配到任何规则（请为其专业大类、专业类或专业"
                             f"添加规则）：{'、'.join(unmapped[:20])}")
    chosen["n"] = chosen.groupby(["group", "level"])["specialty"].transform("size")
    cw = chosen.merge(rules[["group", "industry", "strength"]], on="group")
    raw = cw["strength"] / cw["n"]
    cw["weight"] = (raw / raw.groupby([cw["industry"], cw["level"]]).transform("sum")).round(12)
    cw["industry_kind"] = cw["industry"].map(industry_kind)
    cw["rule"] = (cw["group"] + " → " + cw["industry"] + " strength "
                  + cw["strength"].map("{:g}".format) + " / " + cw["n"].astype(str))
    return _tidy(cw)


def _tidy(cw: pd.DataFrame) -> pd.DataFrame:
    order = {lv: i for i, lv in enumerate(LEVELS)}
    cw = cw.assign(_lv=cw["level"].map(order))
    cw = cw.sort_values(["_lv", "specialty", "industry"], kind="mergesort")
    return cw[COLUMNS].reset_index(drop=True)


def write_specialty_industry(path: str | os.PathLike | None = None,
                             rules: str | os.PathLike | None = None) -> Path:
    """Build the crosswalk and write it as CSV (default: over the shipped file, for maintainers).

    Run ``python -m talentforecast.catalogs`` after editing the rules file.

    Example:
        >>> import tempfile, os
        >>> out = write_specialty_industry(os.path.join(tempfile.mkdtemp(), "cw.csv"))
        >>> out.name
        'cw.csv'
    """
    target = Path(path) if path is not None else Path(str(data_path(CROSSWALK_FILE)))
    build_specialty_industry(rules).to_csv(target, index=False, lineterminator="\n")
    return target


@lru_cache(maxsize=1)
def _shipped() -> pd.DataFrame:
    with data_path(CROSSWALK_FILE).open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"specialty": str, "industry": str}, keep_default_na=False,
                         float_precision="round_trip")
    return df


def _aliases() -> dict[str, str]:
    spec = TABLES["specialty_industry"]
    return {a: c.name for c in spec.columns for a in c.aliases} | {"层次": "level", "level": "level"}


def check_specialty_industry(df: pd.DataFrame, file: str = "<input>") -> pd.DataFrame:
    """Validate a user crosswalk and return it in the canonical shape (see :data:`COLUMNS`).

    Checks: columns specialty, industry, weight present (Chinese aliases 专业代码, 行业代码,
    权重 accepted); codes known; weight a number ≥ 0; no duplicate (specialty, industry);
    a ``level`` column, if given, agrees with the catalogue; weights sum to 1 (± 1e-6) per
    industry × level. Raises one :class:`InputError` listing every problem with file, column
    and row (row 2 = first data line). A missing ``rule`` column is filled with "user file".

    Example:
        >>> bad = pd.DataFrame({"specialty": ["610101", "610102"], "industry": ["A", "A"],
        ...                     "weight": [0.5, 0.3]})
        >>> check_specialty_industry(bad, "mine.csv")
        Traceback (most recent call last):
        ...
        talentforecast.errors.InputError: 输入有 1 个问题：
          - 文件 mine.csv，列 'weight'，第 2 行：值为 0.8；应为 行业 A 在层次 中职 的权重（第 2、3 行）之和为 1
    """
    df = df.rename(columns=lambda c: _aliases().get(str(c).strip(), str(c).strip()))
    problems = [Problem(file, c, None, None, "a required column", "必需的列（此列缺失）")
                for c in ("specialty", "industry", "weight") if c not in df.columns]
    if problems:
        raise InputError(problems)
    df = df.reset_index(drop=True)
    spec = df["specialty"].astype(str).str.strip()
    ind = df["industry"].astype(str).str.strip()
    problems += code_problems(spec, "specialty", file)
    problems += code_problems(ind, "industry", file)
    weight = pd.to_numeric(df["weight"], errors="coerce")
    for i in df.index[~(weight >= 0) | ~weight.map(math.isfinite)]:
        problems.append(Problem(file, "weight", i + 2, df.at[i, "weight"], "a number ≥ 0", "不小于 0 的数"))
    level = spec.map(_specialties().set_index("specialty")["level"])
    if "level" in df.columns:
        given = df["level"].astype(str).str.strip().replace({"职教本科": "职业本科"})
        for i in df.index[level.notna() & (given != level)]:
            problems.append(Problem(file, "level", i + 2, df.at[i, "level"],
                                    f"{level[i]}, the level of specialty {spec[i]} in the catalogue",
                                    f"{level[i]}（专业目录中专业 {spec[i]} 的层次）"))
    for i in df.index[pd.DataFrame({"s": spec, "i": ind}).duplicated()]:
        problems.append(Problem(file, "specialty", i + 2, f"{spec[i]} / {ind[i]}",
                                "one row per (specialty, industry)",
                                "每个（专业，行业）组合只有一行"))
    if problems:
        raise InputError(problems)
    out = pd.DataFrame({"specialty": spec, "level": level, "industry": ind, "weight": weight,
                        "rule": df["rule"].astype(str) if "rule" in df.columns else "user file"})
    out["industry_kind"] = out["industry"].map(industry_kind)
    for (i, lv), g in out.groupby(["industry", "level"], sort=True):
        total = g["weight"].sum()
        if abs(total - 1) > TOLERANCE:
            rows = ", ".join(str(r + 2) for r in g.index)
            rows_zh = "、".join(str(r + 2) for r in g.index)
            problems.append(Problem(file, "weight", int(g.index[0]) + 2, float(round(total, 9)),
                                    f"weights of industry {i} at level {lv} (rows {rows}) to sum to 1",
                                    f"行业 {i} 在层次 {lv} 的权重（第 {rows_zh} 行）之和为 1"))
    if problems:
        raise InputError(problems)
    return _tidy(out)


def _read_user(path: str | os.PathLike) -> pd.DataFrame:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    return _read_csv(path)


def remap_industries(cw: pd.DataFrame, industries: Iterable[str],
                     shares: Mapping[str, float] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-express a crosswalk on the industry codes a data set uses; returns (crosswalk, left_out).

    Each row goes to its own code if ``industries`` holds it, else to its section if that is
    held (a section next to some of its divisions thus stands for the rest of the section).
    Rows pooled into one code are combined with ``shares`` (relative size of each source code,
    e.g. its employment; default equal), per level:
    w'[s,T] = Σ_src share[src]·w[s,src] / Σ_src share[src], which again sums to 1 per industry
    × level. Rows whose code (and section) is absent are returned in ``left_out``: the data has
    no openings for them, so nothing is lost.

    Example:
        >>> cw, left = remap_industries(specialty_industry(), [chr(c) for c in range(65, 85)])
        >>> sorted(cw["industry"].unique())[:3], len(left)
        (['A', 'B', 'C'], 0)
    """
    targets = {str(c).strip() for c in industries}
    bad = code_problems(sorted(targets), "industry", "<industries argument>", first_row=1)
    if bad:
        raise InputError(bad)
    sec = cw["industry"].map(industry_section)
    target = cw["industry"].where(cw["industry"].isin(targets), sec.where(sec.isin(targets)))
    left_out = cw[target.isna()].reset_index(drop=True)
    m = cw[target.notna()].assign(target=target[target.notna()])
    if shares is not None:
        missing = sorted(set(m["industry"]) - set(shares))
        if missing:
            raise InputError([Problem("<shares argument>", "industry", None, c,
                                      "a share for every source industry code pooled",
                                      "每个被合并的原行业代码都有份额")
                              for c in missing])
        share = m["industry"].map(lambda c: float(shares[c]))
        if not (share > 0).all():
            raise InputError("shares must be > 0", "<shares argument>", expected_zh="份额均大于 0")
    else:
        share = pd.Series(1.0, index=m.index)
    src = m.assign(share=share)[["target", "level", "industry", "share"]].drop_duplicates()
    denom = src.groupby(["target", "level"])["share"].sum().rename("denom")
    m = m.assign(share=share).join(denom, on=["target", "level"])
    m["weight"] = m["weight"] * m["share"] / m["denom"]
    out = (m.groupby(["specialty", "level", "target"], sort=False)
           .agg(weight=("weight", "sum"), rule=("rule", lambda r: "; ".join(dict.fromkeys(r))))
           .reset_index().rename(columns={"target": "industry"}))
    out["industry_kind"] = out["industry"].map(industry_kind)
    return _tidy(out), left_out


def aggregate_to_sections(cw: pd.DataFrame, shares: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Pool division rows into their GB/T sections (see :func:`remap_industries`).

    Example:
        >>> sec = aggregate_to_sections(specialty_industry())
        >>> sorted(sec["industry_kind"].unique())
        ['section']
    """
    return remap_industries(cw, [chr(c) for c in range(ord("A"), ord("T") + 1)], shares)[0]


def specialty_industry(path: str | os.PathLike | None = None, industries: Iterable[str] | None = None,
                       shares: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The specialty → industry crosswalk: the shipped default, or a user's file at ``path``.

    Columns: specialty, level, industry, industry_kind ("section" | "division"), weight, rule.
    Weights sum to 1 per industry × level. A user file (CSV UTF-8/GBK, XLSX or Parquet) is
    checked by :func:`check_specialty_industry`. With ``industries`` (the codes of the
    employment data) rows are re-mapped by :func:`remap_industries`; ``attrs`` then records
    ``left_out_industries`` (codes with no counterpart in the data) and
    ``specialties_without_industry`` (specialties that lost every row).

    Example:
        >>> cw = specialty_industry(industries=["A", "C", "36", "G", "I"])
        >>> sorted(cw["industry"].unique())
        ['36', 'A', 'C', 'G', 'I']
        >>> "B" in cw.attrs["left_out_industries"]
        True
    """
    if shares is not None and industries is None:
        raise ValueError("shares is only used together with industries")
    cw = check_specialty_industry(_read_user(path), str(path)) if path is not None else _shipped().copy()
    if industries is None:
        return cw
    out, left = remap_industries(cw, industries, shares)
    out.attrs["left_out_industries"] = sorted(left["industry"].unique())
    out.attrs["specialties_without_industry"] = sorted(set(cw["specialty"]) - set(out["specialty"]))
    return out
