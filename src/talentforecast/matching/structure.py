"""Structure match (专业结构与产业结构匹配): supply shares vs demand shares over industries.

Supply is carried to industries through the specialty→industry crosswalk. The crosswalk weights
``w[s,i]`` sum to 1 per *industry* (they split an industry's demand over specialties); to split a
*specialty's* supply over industries they are normalised per specialty:
``a[s,i] = w[s,i] / Σ_i' w[s,i']`` and ``S_i = Σ_s a[s,i] · S_s``. Then, per region × year × scenario,

- dissimilarity ``DI = ½ · Σ_i |s_i − d_i|`` with shares ``s_i = S_i / Σ S``, ``d_i = D_i / Σ D``
  (0 = same structure, 1 = disjoint);
- structural deviation (结构偏离度) per industry ``dev_i = s_i / d_i − 1`` (> 0: the industry gets a
  larger share of graduates than of demand; < 0: a smaller one; inf when d_i = 0 < s_i).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.matching.tables import require_columns

_GROUP = ["region", "year", "scenario"]


def supply_by_industry(supply: pd.DataFrame, crosswalk: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spread each specialty's supply (``value``) over its industries, weights normalised per specialty.

    Returns (region × year × industry supply, region × year unmapped supply of specialties that are
    not in the crosswalk or whose weights are all 0).

    Example:
        >>> s = pd.DataFrame({"region": "r", "specialty": ["a", "b"], "year": 2024, "value": [10.0, 4.0]})
        >>> cw = pd.DataFrame({"specialty": ["a", "a"], "industry": ["C", "G"], "weight": [0.2, 0.6]})
        >>> by, unmapped = supply_by_industry(s, cw)
        >>> by["supply"].round(6).tolist(), unmapped["unmapped_supply"].tolist()
        ([2.5, 7.5], [4.0])
    """
    require_columns(supply, ["region", "specialty", "year", "value"], "supply")
    require_columns(crosswalk, ["specialty", "industry", "weight"], "specialty_industry")
    cw = crosswalk.assign(specialty=crosswalk["specialty"].astype(str), industry=crosswalk["industry"].astype(str))
    cw = cw[cw["weight"] > 0]
    cw = cw.assign(share=cw["weight"] / cw.groupby("specialty")["weight"].transform("sum"))
    s = supply.assign(specialty=supply["specialty"].astype(str))
    m = s.merge(cw[["specialty", "industry", "share"]], on="specialty", how="left")
    m["supply"] = m["value"] * m["share"]
    by = m[m["industry"].notna()].groupby(["region", "year", "industry"], as_index=False)["supply"].sum()
    um = m[m["industry"].isna()].groupby(["region", "year"], as_index=False)["value"].sum()
    return by, um.rename(columns={"value": "unmapped_supply"})


def _harmonise(sup: pd.DataFrame, dem: pd.DataFrame, industries: pd.DataFrame | None):
    """Bring both sides to GB/T 4754 sections when one uses sections and the other divisions."""
    def kind(codes: pd.Series) -> set[str]:
        return {"section" if c.isalpha() else "division" for c in codes.astype(str).unique()}

    ks, kd = kind(sup["industry"]), kind(dem["industry"])
    if ks == kd or not ks or not kd:
        return sup, dem
    if industries is None:
        try:
            from talentforecast.catalogs import industries as load_industries
        except ImportError as e:
            raise InputError([Problem("specialty_industry", "industry", None, sorted(ks),
                                      f"the same kind of industry code as demand ({sorted(kd)}), "
                                      "or the industries catalogue to map divisions to sections",
                                      f"与需求相同类别的行业代码（{sorted(kd)}），"
                                      "或提供行业目录以把行业大类归到门类")]) from e
        industries = load_industries()
    section = dict(zip(industries["industry"].astype(str), industries["section"].astype(str), strict=True))

    def up(df: pd.DataFrame, col: str) -> pd.DataFrame:
        codes = df["industry"].astype(str)
        mapped = codes.where(codes.str.isalpha(), codes.map(section))
        if mapped.isna().any():
            bad = codes[mapped.isna()].iloc[0]
            raise InputError([Problem("industries", "industry", None, bad, "a GB/T 4754 division code",
                                      "GB/T 4754 行业大类代码")])
        keys = [c for c in df.columns if c not in ("industry", col)]
        return df.assign(industry=mapped).groupby([*keys, "industry"], as_index=False)[col].sum()

    return up(sup, "supply"), up(dem, "demand")


def structure_match(supply: pd.DataFrame, industry_demand: pd.DataFrame, crosswalk: pd.DataFrame,
                    industries: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``structure_match``, ``structure_deviation``) per region × year × scenario.

    ``industry_demand``: region, industry, year, [scenario], value (summed over any other columns,
    e.g. level), typically the demand stage's ``vocational_openings``. Supply has no scenario and
    meets every demand scenario. Industries on one side only count 0 on the other; a region-year
    missing on one side gets NaN shares and index.

    Example:
        >>> s = pd.DataFrame({"region": "r", "specialty": ["a", "b"], "year": 2024, "value": [10.0, 10.0]})
        >>> cw = pd.DataFrame({"specialty": ["a", "b"], "industry": ["C", "G"], "weight": [1.0, 1.0]})
        >>> d = pd.DataFrame({"region": "r", "industry": ["C", "G"], "year": 2024, "value": [30.0, 10.0]})
        >>> sm, dev = structure_match(s, d, cw)
        >>> sm["dissimilarity"].item(), dev["deviation"].round(3).tolist()
        (0.25, [-0.333, 1.0])
    """
    require_columns(industry_demand, ["region", "industry", "year", "value"], "industry_demand")
    dem = industry_demand.assign(industry=industry_demand["industry"].astype(str))
    if "scenario" not in dem:
        dem = dem.assign(scenario="baseline")
    dem = dem.groupby([*_GROUP, "industry"], as_index=False)["value"].sum().rename(columns={"value": "demand"})
    sup, unmapped = supply_by_industry(supply, crosswalk)
    sup, dem = _harmonise(sup, dem, industries)
    sup = sup.merge(pd.DataFrame({"scenario": sorted(dem["scenario"].unique())}), how="cross")
    unmapped = unmapped.merge(pd.DataFrame({"scenario": sorted(dem["scenario"].unique())}), how="cross")
    d = sup.merge(dem, on=[*_GROUP, "industry"], how="outer")
    groups = d[_GROUP].drop_duplicates()
    tot = d.groupby(_GROUP, as_index=False)[["supply", "demand"]].sum(min_count=1)
    d = d.fillna({"supply": 0.0, "demand": 0.0})  # an industry absent on one side maps nothing there
    d = d.merge(tot.rename(columns={"supply": "supply_total", "demand": "demand_total"}), on=_GROUP)
    with np.errstate(divide="ignore", invalid="ignore"):
        d["supply_share"] = d["supply"] / d["supply_total"].where(d["supply_total"] > 0)
        d["demand_share"] = d["demand"] / d["demand_total"].where(d["demand_total"] > 0)
        dev = d["supply_share"] / d["demand_share"] - 1.0
    both0 = (d["supply_share"] == 0) & (d["demand_share"] == 0)
    d["deviation"] = dev.where(~both0, np.nan)
    d["abs_diff"] = (d["supply_share"] - d["demand_share"]).abs()
    di = d.groupby(_GROUP, as_index=False).agg(
        dissimilarity=("abs_diff", lambda x: 0.5 * x.sum(min_count=1)),
        industries=("industry", "nunique"))
    sm = groups.merge(tot, on=_GROUP).merge(di, on=_GROUP).merge(unmapped, on=_GROUP, how="left")
    sm = sm.fillna({"unmapped_supply": 0.0}).rename(columns={"supply": "supply_mapped", "demand": "demand_total"})
    sm = sm.sort_values(_GROUP, key=_scenario_key).reset_index(drop=True)
    dev_cols = [*_GROUP, "industry", "supply", "demand", "supply_share", "demand_share", "deviation"]
    devt = d[dev_cols].sort_values([*_GROUP, "industry"], key=_scenario_key).reset_index(drop=True)
    return sm[[*_GROUP, "supply_mapped", "unmapped_supply", "demand_total", "industries", "dissimilarity"]], devt


def _scenario_key(col: pd.Series) -> pd.Series:
    return col.map(lambda s: (s != "baseline", s)) if col.name == "scenario" else col
