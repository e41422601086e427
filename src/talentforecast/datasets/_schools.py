"""Schools and their specialty offerings, the national entrant trend, and the filed enrolment plans.

Enrolment, outcomes and destinations are simulated year by year in :mod:`._world`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.datasets import _sources
from talentforecast.errors import ConfigError

LEVEL_OFFSET = {"中职": 60, "高职专科": 40, "职业本科": 20}  # category code = offset + 专业大类 index
PREHISTORY = 2007  # offerings running before the first year start here, so 2010 has full cohorts


def _section(row, category_section: dict) -> str:
    idx = int(row["category_code"]) - LEVEL_OFFSET[row["level"]]
    cls = row["class_code"][2:]
    if idx == 11:  # 电子与信息: 计算机类/通信类 serve information services, the rest manufacturing
        return "I" if cls in ("02", "03") else "C"
    if idx == 2:  # 资源环境与安全: mining classes vs environmental services
        return "B" if cls in ("02", "04", "05", "06") else "N"
    return category_section[str(idx)]


def offerings(params: dict, rng: np.random.Generator) -> pd.DataFrame:
    """One row per school × specialty: hand-placed offerings first, then random draws by focus."""
    cat = _sources.catalogue()
    cat = cat[cat["note"] == ""].set_index("major_code")  # 2025 additions did not exist yet
    sp = params["schools"]
    schools = params["school"]
    rows: list[dict] = []
    for o in params["offerings"]:
        code = o["specialty"]
        if code not in cat.index:
            raise ConfigError(f"example_params.toml: offerings specialty {code!r} not in the catalogue "
                              "(or added in 2025); expected a 6-digit code of the 2021 catalogue",
                              zh=f"example_params.toml：offerings 中的专业代码 {code!r} 不在专业目录中（或为 2025 年新增）；"
                                 "应为 2021 年职业教育专业目录中的 6 位专业代码")
        for s in o["schools"]:
            rows.append({**{k: v for k, v in o.items() if k != "schools"}, "school_idx": s})
    used: dict[str, int] = {}
    for r in rows:
        used[r["specialty"]] = used.get(r["specialty"], 0) + 1
    excluded = set(sp["exclude_classes"])
    for i, school in enumerate(schools):
        level = school["level"]
        own = {r["specialty"] for r in rows if r["school_idx"] == i}
        focus = {str(LEVEL_OFFSET[level] + f) for f in school["focus"]}
        pool = cat[(cat["level"] == level) & cat["category_code"].isin(focus)
                   & ~cat["class_code"].isin(excluded) & ~cat.index.isin(own)]
        codes = sorted(pool.index)
        w = np.array([1.0 / (1 + used.get(c, 0)) ** 2 for c in codes])
        picks = rng.choice(codes, size=min(school["n"], len(codes)), replace=False, p=w / w.sum())
        for c in sorted(picks):
            used[c] = used.get(c, 0) + 1
            first = int(rng.integers(2012, 2020)) if rng.random() < 0.15 else None  # opened since 2012
            rows.append({"specialty": str(c), "school_idx": i, "first": first})
    out = pd.DataFrame(rows)
    out["school"] = [schools[i]["name"] for i in out["school_idx"]]
    out["region"] = [schools[i]["region"] for i in out["school_idx"]]
    out["level"] = cat.loc[out["specialty"], "level"].to_numpy()
    meta = cat.loc[out["specialty"]].reset_index()
    meta["level"] = out["level"].to_numpy()
    out["section"] = [_section(r, params["category_section"]) for _, r in meta.iterrows()]
    out["category_idx"] = [int(r["category_code"]) - LEVEL_OFFSET[r["level"]] for _, r in meta.iterrows()]
    out["class_code"] = meta["class_code"].to_numpy()
    out["first"] = (out["first"] if "first" in out else pd.Series([None] * len(out))).fillna(PREHISTORY).astype(int)
    lo, hi = sp["base_entrants"]["中职"], sp["base_entrants"]["高职专科"]
    ranges = {"中职": lo, "高职专科": hi, "职业本科": sp["base_entrants"]["职业本科"]}
    drawn = [rng.uniform(*ranges[lv]) for lv in out["level"]]
    out["base"] = out["base"].fillna(pd.Series(drawn)) if "base" in out else drawn
    trend = rng.normal(0, sp["trend_sd"], len(out))
    out["trend"] = out["trend"].fillna(pd.Series(trend)) if "trend" in out else trend
    out["completion"] = rng.uniform(*sp["completion"], len(out))
    if "fs_offset" not in out:
        out["fs_offset"] = None
    out["fs_offset"] = pd.to_numeric(out["fs_offset"]).fillna(0.0)
    if out.duplicated(["school", "specialty"]).any():
        dup = out.loc[out.duplicated(["school", "specialty"]), ["school", "specialty"]].iloc[0].tolist()
        raise ConfigError(f"example_params.toml: offering {dup} placed twice; expected one per school",
                          zh=f"example_params.toml：学校开设专业 {dup} 出现了两次；每所学校的每个专业只应出现一次")
    return out.reset_index(drop=True)


def entrant_index() -> dict[str, dict[int, float]]:
    """National new entrants by level relative to 2015 (real, NBS); 2010 extrapolated, 职业本科 flat."""
    nat = _sources.national_entrants()
    idx: dict[str, dict[int, float]] = {}
    for level, g in nat.groupby("level"):
        s = g.set_index("year")["value"]
        s.loc[2010] = s.loc[2011] ** 2 / s.loc[2012]  # not in the source: continue 2011/2012's change
        s = s / s.loc[2015]
        idx[level] = {int(k): float(v) for k, v in s.items()}
    idx["职业本科"] = {y: 1.0 for y in range(2010, 2026)}
    return idx


def enrolment_plan(params: dict, intake: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Planned entrants for the plan year, for the schools that filed a plan.

    ``intake`` holds the world's plan-year intake per offering (set by the schools' policy);
    a filed plan is that intake times a small draw, plus the newly planned programmes.
    """
    p = params["plan"]
    year = params["region"]["plan_year"]
    schools = params["school"]
    names = [schools[i]["name"] for i in p["schools"]]
    cur = intake[(intake["planned"] > 0) & intake["school"].isin(names)]
    rows = []
    for r in cur.itertuples(index=False):
        rows.append((r.region, r.school, r.specialty, r.level, year, int(round(r.planned * rng.uniform(*p["ratio"])))))
    cat = _sources.catalogue().set_index("major_code")
    for n in p["new"]:
        s = schools[n["school"]]
        rows.append((s["region"], s["name"], n["specialty"], cat.at[n["specialty"], "level"], year,
                     int(n["planned"])))
    return pd.DataFrame(rows, columns=["region", "school", "specialty", "level", "year", "planned"])
