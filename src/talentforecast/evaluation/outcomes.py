"""Observed outcomes of each programme (region × specialty × level) and year, from input data only.

The outcome side of the retrospective: what later cohorts actually did. Every column comes from an
observed input table (``outcomes``, ``enrolment``, ``employment``, ``postings``, ``destinations``) and
the shipped catalogues; nothing here reads a forecast or a stage output, so a projection cannot
leak into the judgement of a warning.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError, InputError, Problem

KEY = ["region", "specialty", "level"]
DEFINITIONS = Path(__file__).with_name("data") / "outcomes.toml"
OBSERVED_INPUTS = ("outcomes", "enrolment", "employment", "postings", "destinations", "regions")


def load_definitions(path: str | Path | Mapping | None = None) -> dict:
    """The outcome definitions (shipped ``data/outcomes.toml``, another file, or a dict).

    Example:
        >>> load_definitions()["did_badly"]["destination_rate_below"]
        0.6
    """
    if isinstance(path, Mapping):
        return dict(path)
    p = Path(path) if path is not None else DEFINITIONS
    try:
        with open(p, "rb") as fh:
            d = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{p}: cannot read the outcome definitions ({err})",
                          zh=f"{p}：无法读取回溯检验的结果定义（{err}）") from err
    for sec in ("did_badly", "did_well", "scoring"):
        if sec not in d:
            raise ConfigError(f"{p}: missing table [{sec}]", zh=f"{p}：缺少 [{sec}] 表")
    return d


def top_region(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Each region's planning region (its top ancestor in ``regions``; itself when it has none).

    Example:
        >>> r = pd.DataFrame({"region": ["C", "D"], "region_name": ["c", "d"], "parent": [None, "C"]})
        >>> top_region({"regions": r})
        {'C': 'C', 'D': 'C'}
    """
    reg = tables.get("regions")
    if reg is None or "parent" not in reg.columns:
        return {}
    parent = {str(r): (str(p) if pd.notna(p) and str(p).strip() else None)
              for r, p in zip(reg["region"], reg["parent"], strict=True)}
    out = {}
    for r in parent:
        top, seen = r, set()
        while parent.get(top) and top not in seen:
            seen.add(top)
            top = parent[top]
        out[r] = top
    return out


def _to_top(df: pd.DataFrame, tops: dict[str, str], keys: list[str], cols: list[str]) -> pd.DataFrame:
    """Sum ``cols`` to the planning region; a planning region's own rows win over its children's."""
    df = df.assign(region=df["region"].astype(str))
    df["top"] = df["region"].map(tops).fillna(df["region"])
    own = df[df["region"] == df["top"]]
    kids = df[df["region"] != df["top"]].drop(columns="region").rename(columns={"top": "region"})
    own = own.drop(columns="top")
    rest = [k for k in keys if k != "region"]
    if len(own):  # children are added only where the planning region has no row of its own
        have = own[keys].drop_duplicates()
        kids = kids.merge(have.assign(_own=True), on=keys, how="left")
        kids = kids[kids["_own"].isna()].drop(columns="_own")
    both = pd.concat([own, kids], ignore_index=True)
    return both.groupby(["region", *rest], as_index=False, sort=True)[cols].sum(min_count=1)


def _levels(tables) -> pd.Series:
    from talentforecast import catalogs

    cat = catalogs.specialties()[["specialty", "level"]].astype(str)
    return cat.drop_duplicates("specialty").set_index("specialty")["level"]


def observed_outcomes(tables: Mapping[str, pd.DataFrame], definitions=None) -> pd.DataFrame:
    """One row per planning region × specialty × level × year with the observed outcomes.

    Columns: graduates, employed, further_study, matched, ``employment_rate`` (employed /
    graduates), ``destination_rate`` (毕业去向落实率, (employed + further study) / graduates),
    ``matched_rate`` (对口率, matched / employed), ``salary_ratio`` (graduate-weighted starting
    salary / that of all programmes of the region that year), ``posting_ratio`` (observed 求人倍率:
    openings / seekers in the postings of the specialty's catalogue occupations), ``too_small``,
    ``did_badly``, ``did_well`` and ``outcome`` (bad / middling / well / too_small).

    Example:
        >>> o = pd.DataFrame({"region": "R", "school": "A", "specialty": ["530101", "530102"], "year": 2024,
        ...                   "graduates": 100, "employed": [30, 90], "matched": [20, 80],
        ...                   "further_study": [5, 5], "starting_salary": [3000, 4000]})
        >>> out = observed_outcomes({"outcomes": o})
        >>> out[["specialty", "destination_rate", "did_badly"]].values.tolist()
        [['530101', 0.35, True], ['530102', 0.95, False]]
    """
    d = load_definitions(definitions)
    o = tables.get("outcomes")
    if o is None:
        raise InputError([Problem("outcomes", None, None, None,
                                  "the outcomes table (later cohorts' graduates and employed)",
                                  "毕业去向表 outcomes（此后各届的毕业生数和就业人数）")])
    need = ["region", "specialty", "year", "graduates", "employed"]
    missing = [c for c in need if c not in o.columns]
    if missing:
        raise InputError([Problem("outcomes", c, None, None, "a column of the outcomes table",
                                  "毕业去向表 outcomes 的一列（此列缺失）") for c in missing])
    o = o.assign(specialty=o["specialty"].astype(str), year=o["year"].astype(int))
    if "level" not in o.columns:
        levels = _levels(tables)
        o = o.assign(level=o["specialty"].map(levels))
        bad = o[o["level"].isna()]
        if len(bad):  # every such row, by its line in the file (header = line 1)
            raise InputError([Problem("outcomes", "specialty", i + 2, o["specialty"].iat[i],
                                      "a specialty code of the catalogue (its level is needed)",
                                      "专业目录中的专业代码（需要由它确定层次）")
                              for i in np.flatnonzero(o["level"].isna().to_numpy())])
    o = o.assign(level=o["level"].astype(str))
    for c in ("further_study", "matched", "starting_salary"):
        if c not in o.columns:
            o[c] = np.nan
    o["salary_mass"] = o["starting_salary"] * o["graduates"]
    o["salary_n"] = o["graduates"].where(o["starting_salary"].notna())
    tops = top_region(tables)
    cols = ["graduates", "employed", "further_study", "matched", "salary_mass", "salary_n"]
    g = _to_top(o[[*KEY, "year", *cols]], tops, [*KEY, "year"], cols)
    with np.errstate(divide="ignore", invalid="ignore"):
        g["employment_rate"] = g["employed"] / g["graduates"]
        g["destination_rate"] = (g["employed"] + g["further_study"]) / g["graduates"]
        g["matched_rate"] = g["matched"] / g["employed"]
        g["starting_salary"] = g["salary_mass"] / g["salary_n"]
        region_year = g.groupby(["region", "year"])[["salary_mass", "salary_n"]].transform("sum")
        g["salary_ratio"] = g["starting_salary"] / (region_year["salary_mass"] / region_year["salary_n"])
    g = g.drop(columns=["salary_mass", "salary_n"])
    g["posting_ratio"] = _posting_ratio(tables, g, tops)
    return _judge(g, d)


def _posting_ratio(tables, g: pd.DataFrame, tops: dict[str, str]) -> pd.Series:
    """Observed 求人倍率 of each row's specialty: postings of its catalogue occupations (NaN: none)."""
    p = tables.get("postings")
    if p is None or p.empty or g.empty:
        return pd.Series(np.nan, index=g.index)
    from talentforecast import catalogs

    so = catalogs.specialty_occupation()[["specialty", "occupation"]].astype(str).drop_duplicates()
    p = p.assign(occupation=p["occupation"].astype(str), year=p["year"].astype(int))
    p = _to_top(p[["region", "occupation", "year", "quarter", "openings", "seekers"]], tops,
                ["region", "occupation", "year", "quarter"], ["openings", "seekers"])
    m = so.merge(p, on="occupation").groupby(["region", "specialty", "year"], as_index=False)[
        ["openings", "seekers"]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        m["posting_ratio"] = (m["openings"] / m["seekers"]).where(m["seekers"] > 0)
    return g[["region", "specialty", "year"]].merge(m, on=["region", "specialty", "year"], how="left")[
        "posting_ratio"].set_axis(g.index)


def _judge(g: pd.DataFrame, d: dict) -> pd.DataFrame:
    """Add too_small, did_badly, did_well and outcome by the definitions ``d``."""
    bad, well = d["did_badly"], d["did_well"]
    g["too_small"] = g["graduates"].fillna(0) < float(d.get("min_graduates", 0))
    ok = ~g["too_small"]
    peer = g[ok].groupby(["region", "level", "year"])
    g["employment_rate_pct"] = peer["employment_rate"].rank(pct=True, method="average").reindex(g.index)
    g["matched_rate_pct"] = peer["matched_rate"].rank(pct=True, method="average").reindex(g.index)
    badly = pd.Series(False, index=g.index)
    if "destination_rate_below" in bad:
        badly |= g["destination_rate"] < bad["destination_rate_below"]
    if "employment_rate_peer_quantile" in bad:
        badly |= g["employment_rate_pct"] <= bad["employment_rate_peer_quantile"]
    good = pd.Series(True, index=g.index)
    for col, key in (("destination_rate", "destination_rate_at_least"),
                     ("employment_rate_pct", "employment_rate_peer_quantile_at_least"),
                     ("matched_rate_pct", "matched_rate_peer_quantile_at_least")):
        if key in well:  # a missing value (e.g. no matched count) does not decide
            good &= ~(g[col] < well[key])
    g["did_badly"] = badly & ok
    g["did_well"] = good & ~badly & ok
    g["outcome"] = np.select([~ok, g["did_badly"], g["did_well"]], ["too_small", "bad", "well"], "middling")
    return g.sort_values([*KEY, "year"]).reset_index(drop=True)


def linked_employment(tables: Mapping[str, pd.DataFrame], as_of: int) -> pd.DataFrame:
    """Observed employment in each programme's industries, weighted by where its graduates went.

    The weights are the programme's observed ``destinations`` (employed graduates by industry)
    in the years up to ``as_of`` (what was known then); the employment is the observed
    ``employment`` of every year. Returns region, specialty, level, year, linked_employment;
    empty when either table is missing.

    Example:
        >>> dest = pd.DataFrame({"region": "R", "school": "A", "specialty": "S", "level": "中职",
        ...                      "year": 2020, "industry": ["C", "G"], "employed": [3, 1]})
        >>> emp = pd.DataFrame({"region": "R", "industry": ["C", "G"], "year": 2021, "employed": [100, 200]})
        >>> linked_employment({"destinations": dest, "employment": emp}, 2020)["linked_employment"].tolist()
        [125.0]
    """
    cols = [*KEY, "year", "linked_employment"]
    dest, emp = tables.get("destinations"), tables.get("employment")
    if dest is None or emp is None or dest.empty or emp.empty:
        return pd.DataFrame(columns=cols)
    tops = top_region(tables)
    dest = dest[dest["year"].astype(int) <= as_of].astype({"specialty": str, "level": str, "industry": str})
    w = _to_top(dest[[*KEY, "industry", "employed"]].assign(year=0), tops, [*KEY, "industry", "year"],
                ["employed"]).drop(columns="year")
    w["weight"] = w["employed"] / w.groupby(KEY)["employed"].transform("sum")
    e = _to_top(emp[["region", "industry", "year", "employed"]].astype({"industry": str, "year": int}), tops,
                ["region", "industry", "year"], ["employed"]).rename(columns={"employed": "industry_employed"})
    m = w.merge(e, on=["region", "industry"])
    m["linked_employment"] = m["weight"] * m["industry_employed"]
    return m.groupby([*KEY, "year"], as_index=False)["linked_employment"].sum(min_count=1)[cols]
