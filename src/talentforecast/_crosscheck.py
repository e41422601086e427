"""The checks that need more than one table or more than one row group (see validation.check_inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast._cellcheck import squeeze
from talentforecast.errors import Problem
from talentforecast.schema import TABLES

_MAX = 20  # problems of one kind per table


def _src(df: pd.DataFrame, name: str) -> str:
    return str(df.attrs.get("source", name))


def _line(lines: dict, name: str, i: int) -> int:
    return int(lines[name][i]) if name in lines else i + 2


def _first(df: pd.DataFrame, mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _regions(tables, lines) -> tuple[list[Problem], dict[str, str]]:
    regions = tables.get("regions")
    if regions is None:
        return [], {}
    src = _src(regions, "regions")
    known = set(regions["region"])
    problems: list[Problem] = []
    parent: dict[str, str] = {}
    if "parent" in regions:
        for i, (code, up) in enumerate(zip(regions["region"], regions["parent"], strict=True)):
            if up is None or pd.isna(up):
                continue
            if up not in known:
                problems.append(Problem(src, "parent", _line(lines, "regions", i), up,
                                        "a region code listed in the regions table", "regions 表中列出的地区代码"))
            else:
                parent[code] = up
    for start in sorted(parent):  # follow each chain; a chain that comes back is a cycle
        seen, node = [start], parent.get(start)
        while node is not None and node not in seen:
            seen.append(node)
            node = parent.get(node)
        if node == start:
            i = _first(regions, (regions["region"] == start).to_numpy())
            chain = " → ".join([*seen, start])
            problems.append(Problem(src, "parent", _line(lines, "regions", i), start,
                                    f"a region hierarchy without cycles ({chain})", f"无循环的地区层级（{chain}）"))
            break
    for name, df in tables.items():
        if name == "regions" or "region" not in df or name not in TABLES:
            continue
        for code in sorted(set(df["region"].dropna()) - known)[:_MAX]:
            i = _first(df, (df["region"] == code).to_numpy())
            problems.append(Problem(_src(df, name), "region", _line(lines, name, i), code,
                                    "a region code listed in the regions table", "regions 表中列出的地区代码"))
    return problems, parent


def _ancestors(code: str, parent: dict[str, str]) -> set[str]:
    out: set[str] = set()
    node = parent.get(code)
    while node is not None and node not in out:  # a cycle is reported by _regions
        out.add(node)
        node = parent.get(node)
    return out


def _count_column(name: str) -> str | None:
    return next((c.name for c in TABLES[name].columns if c.unit == "persons" and c.required), None)


def _parent_rows(tables, lines, parent: dict[str, str]) -> list[Problem]:
    """A region's rows next to its sub-regions' rows in one table would be counted twice."""
    problems = []
    for name, df in tables.items():
        if name == "regions" or "region" not in df or name not in TABLES:
            continue
        present = set(df["region"].dropna())
        value = _count_column(name)
        above = {c: _ancestors(c, parent) & present for c in present}
        for up in sorted(set().union(*above.values()))[:_MAX]:
            kids = sorted(c for c, ups in above.items() if up in ups)
            mask = (df["region"] == up).to_numpy()
            totals = ""
            totals_zh = ""
            if value is not None:
                own = float(df.loc[mask, value].sum())
                theirs = float(df.loc[df["region"].isin(kids), value].sum())
                totals = f"; its rows sum to {own:,.0f} {value}, the sub-regions' to {theirs:,.0f}"
                totals_zh = f"；其各行合计 {own:,.0f}，下级地区合计 {theirs:,.0f}"
            problems.append(Problem(
                _src(df, name), "region", _line(lines, name, _first(df, mask)), up,
                f"rows of one region level: region {up} has rows beside its sub-regions {', '.join(kids)} and would "
                f"be counted twice{totals}. Remove the {up} rows (or the sub-regions' rows)",
                f"同一层级地区的行：地区 {up} 与其下级地区 {'、'.join(kids)} 同时出现，会被重复计算{totals_zh}。"
                f"请删除 {up} 的行（或下级地区的行）"))
    return problems


def _sections_and_divisions(tables, lines) -> list[Problem]:
    from talentforecast import catalogs

    section_of = catalogs.industries().set_index("industry")["section"].to_dict()
    problems = []
    for name in ("employment", "postings"):
        df = tables.get(name)
        if df is None or "industry" not in df:
            continue
        keys = [k for k in ("region", "year", "quarter", "occupation") if k in df]
        ind = df["industry"]
        is_section = ind.str.fullmatch(r"[A-T]", na=False)
        sec = ind.map(section_of).where(~is_section)
        both = (df.assign(_sec=sec.where(sec.notna(), ind.where(is_section)), _is=is_section)
                .dropna(subset=["_sec"]).groupby(keys + ["_sec"], dropna=False)["_is"].agg(["any", "all"]))
        for key in both[both["any"] & ~both["all"]].index[:_MAX]:
            section = key[-1]
            mask = ((ind == section) & np.logical_and.reduce([(df[k] == v).to_numpy() for k, v in
                                                               zip(keys, key[:-1], strict=True)])).to_numpy()
            if not mask.any():
                continue
            where = ", ".join(f"{k} {v}" for k, v in zip(keys, key[:-1], strict=True))
            problems.append(Problem(
                _src(df, name), "industry", _line(lines, name, _first(df, mask)), section,
                f"either section rows or division rows: {where} has section {section} and divisions of it "
                "(the divisions would be counted twice); keep one level",
                f"门类行或大类行二选一：{where} 同时有门类 {section} 及其下属大类（会重复计算）；请只保留一个层级"))
    return problems


def _year_gaps(tables, lines) -> list[Problem]:
    df = tables.get("employment")
    if df is None or df.empty:
        return []
    problems = []
    g = df.dropna(subset=["year"]).groupby(["region", "industry"], sort=True)["year"]
    span = g.max() - g.min() + 1
    gaps = span[span != g.nunique()]
    for region, industry in gaps.index[:_MAX]:
        years = sorted(int(y) for y in df.loc[(df["region"] == region) & (df["industry"] == industry), "year"])
        missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        mask = ((df["region"] == region) & (df["industry"] == industry)).to_numpy()
        problems.append(Problem(
            _src(df, "employment"), "year", _line(lines, "employment", _first(df, mask)),
            f"region {region}, industry {industry}",
            f"consecutive years for each series (the forecasting engine refuses gaps); missing {missing}: add "
            "those years or drop the older ones",
            f"每个序列的年份连续（预测引擎不接受缺年）；缺少 {missing}：请补上这些年份或删除更早的年份"))
    return problems


def _school_spellings(tables, lines) -> list[Problem]:
    """One school written two ways (全角括号, spaces …) would be two schools."""
    seen: dict[tuple[str, str], tuple[str, str, int]] = {}
    problems = []
    for name in ("enrolment", "outcomes", "enrolment_plan"):
        df = tables.get(name)
        if df is None or "school" not in df:
            continue
        firsts = df.reset_index(drop=True).drop_duplicates(["region", "school"])
        for i, region, school in zip(firsts.index, firsts["region"], firsts["school"], strict=True):
            if school is None or pd.isna(school):
                continue
            key = (region, squeeze(str(school)))
            if key not in seen:
                seen[key] = (str(school), name, _line(lines, name, int(i)))
                continue
            other, other_table, other_row = seen[key]
            if other != school and len(problems) < _MAX:
                problems.append(Problem(
                    _src(df, name), "school", _line(lines, name, int(i)), school,
                    f"one spelling per school: {other_table} row {other_row} writes it '{other}'",
                    f"同一学校只用一种写法：{other_table} 第 {other_row} 行写作“{other}”"))
    return problems


def cross_table_problems(tables: dict[str, pd.DataFrame], lines: dict) -> tuple[list[Problem], list[dict]]:
    """See :func:`talentforecast.validation.check_inputs`."""
    problems, parent = _regions(tables, lines)
    problems += _parent_rows(tables, lines, parent)
    problems += _sections_and_divisions(tables, lines)
    problems += _year_gaps(tables, lines)
    problems += _school_spellings(tables, lines)
    return problems, []
