"""New-specialty proposals (新设): industries with projected vocational demand and little
matching supply in the region, with candidate specialties from the catalogue that serve the
industry (through the specialty→industry crosswalk) and are not offered there.

Supply is allocated to industries the way demand reaches specialties: a specialty's supply is
split over the industries it serves in proportion to w[s,i]·V[i]. Crosswalk weights are
renormalised within each level (a level's openings go to that level's specialties).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError, InputError, Problem

PARAMS_FILE = Path(__file__).parent / "data" / "proposals.toml"
PARAMS = {"min_openings": float, "max_coverage": float, "max_candidates": int}
OPTIONAL = {"min_growth": 0.0, "min_fit": 0.1}  # optional keys and their defaults
COLUMNS = ["region", "industry", "level", "year", "openings", "matched_supply", "coverage", "gap",
           "candidate_rank", "specialty", "specialty_name", "category_name", "weight", "fit", "growth",
           "reason_zh", "reason_en"]


def load_proposal_params(path: str | Path | None = None) -> dict:
    """Thresholds of the proposals, from the shipped or a user TOML file."""
    path = Path(path) if path else PARAMS_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc}); expected a TOML file",
                          zh=f"{path}：无法读取（{exc}）；应为 TOML 文件") from exc
    for key, typ in PARAMS.items():
        v = raw.get(key)
        if not isinstance(v, int | float) or isinstance(v, bool) or v < 0 or (typ is int and v != int(v)):
            kind_zh = "整数" if typ is int else "数值"
            raise ConfigError(f"{path}: key '{key}': got {v!r}; expected a non-negative {typ.__name__}",
                              zh=f"{path}：配置项 {key} 的值为 {v!r}；应为非负{kind_zh}")
    for key in raw:
        if key not in PARAMS and key not in OPTIONAL:
            raise ConfigError(f"{path}: key '{key}': unknown; expected one of {sorted({**PARAMS, **OPTIONAL})}",
                              zh=f"{path}：未知的配置项 {key}；应为以下之一：{sorted({**PARAMS, **OPTIONAL})}")
    out = {k: typ(raw[k]) for k, typ in PARAMS.items()}
    for key, default in OPTIONAL.items():
        v = raw.get(key, default)
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise ConfigError(f"{path}: key '{key}': got {v!r}; expected a number",
                              zh=f"{path}：配置项 {key} 的值为 {v!r}；应为数值")
        out[key] = float(v)
    return out


def propose(openings: pd.DataFrame | None, crosswalk: pd.DataFrame | None,
            catalogue: pd.DataFrame | None, supply: dict[tuple, float], offered: set[tuple],
            as_of: int, offset: int, params: dict, scenario: str = "baseline",
            regions: list[str] | None = None) -> pd.DataFrame:
    """Proposals table (see module doc). ``supply``: {(region, specialty, level): projected supply}."""
    if openings is None or crosswalk is None or catalogue is None:
        return pd.DataFrame(columns=COLUMNS)
    for name, df, cols in (("vocational_openings", openings, ["region", "industry", "level", "year", "value"]),
                           ("specialty_industry", crosswalk, ["specialty", "industry", "weight"])):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise InputError([Problem(name, c, None, None, "a column of the table contract", "表格规范中规定的列")
                              for c in missing])
    v = openings.astype({"region": str, "industry": str, "level": str})
    if "scenario" in v.columns:
        v = v[v["scenario"] == scenario]
    target = as_of + offset
    now = v[v["year"] == as_of].set_index(["region", "industry", "level"])["value"]
    v = v[(v["year"] > as_of) & (v["year"] <= target)]
    if v.empty:
        return pd.DataFrame(columns=COLUMNS)
    v = v[v["year"] == v.groupby(["region", "industry", "level"])["year"].transform("max")]
    # growing demand only: none in a shrinking (or unknown) industry
    base = np.array([now.get((r, i, lv), np.nan) for r, i, lv in zip(v["region"], v["industry"], v["level"],
                                                                   strict=True)], dtype=float)
    v = v.assign(growth=v["value"].to_numpy() / np.where(base > 0, base, np.nan) - 1)
    v = v[v["growth"] > params.get("min_growth", 0.0)]
    if regions is not None:
        v = v[v["region"].isin(regions)]
    cat = catalogue.astype({"specialty": str, "level": str})[["specialty", "level", "specialty_name",
                                                               "category_name"]]
    w = crosswalk.astype({"specialty": str, "industry": str})[["specialty", "industry", "weight"]]
    w = w.merge(cat, on="specialty")
    w = w[w["weight"] > 0]
    w["w"] = w["weight"] / w.groupby(["industry", "level"])["weight"].transform("sum")
    rows = []
    for region, vr in v.groupby("region"):
        demand = vr.merge(w, on=["industry", "level"])
        demand["d"] = demand["w"] * demand["value"]
        d_spec = demand.groupby(["specialty", "level"])["d"].sum()
        demand["s"] = [supply.get((region, s, lv), 0.0) for s, lv in zip(demand["specialty"],
                                                                          demand["level"], strict=True)]
        demand["alloc"] = demand["s"] * demand["d"] / demand.set_index(["specialty", "level"]).index.map(d_spec)
        alloc = demand.groupby(["industry", "level"])["alloc"].sum()
        for r in vr.itertuples(index=False):
            a = float(alloc.get((r.industry, r.level), 0.0))
            cover = a / r.value if r.value > 0 else np.nan
            if r.value < params["min_openings"] or not cover < params["max_coverage"]:
                continue
            cands = w[(w["industry"] == r.industry) & (w["level"] == r.level)]
            cands = cands[np.array([(region, s, r.level) not in offered for s in cands["specialty"]],
                                   dtype=bool)]
            # fit: the candidate's share of the industry's crosswalk weight at this level
            cands = cands[cands["w"] >= params.get("min_fit", 0.0)]
            cands = cands.sort_values(["w", "specialty"], ascending=[False, True])
            for k, c in enumerate(cands.head(params["max_candidates"]).itertuples(index=False), 1):
                rows.append({
                    "region": region, "industry": r.industry, "level": r.level, "year": int(r.year),
                    "openings": float(r.value), "matched_supply": a, "coverage": cover,
                    "gap": float(r.value) - a, "candidate_rank": k, "specialty": c.specialty,
                    "specialty_name": c.specialty_name, "category_name": c.category_name,
                    "weight": float(c.weight), "fit": round(float(c.w), 4), "growth": round(float(r.growth), 4),
                    "reason_zh": f"{r.year}年预测{r.level}层次行业{r.industry}职业岗位需求{r.value:.0f}人"
                                 f"（比{as_of}年增长{r.growth:.0%}），"
                                 f"本地开设专业供给仅覆盖{cover:.0%}，建议新设“{c.specialty_name}”。",
                    "reason_en": f"Projected {r.level} openings in industry {r.industry} in {r.year}: "
                                 f"{r.value:.0f} ({r.growth:+.0%} on {as_of}), of which local supply covers {cover:.0%}; "
                                 f"consider opening {c.specialty} {c.specialty_name}.",
                })
    return pd.DataFrame(rows, columns=COLUMNS)
