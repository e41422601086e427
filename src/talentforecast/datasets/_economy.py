"""Population, employment by industry and job postings of the example region."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.datasets import _sources
from talentforecast.datasets._params import interp, largest_remainder, step


def population(params: dict) -> pd.DataFrame:
    """Census-year population by district and 5-year band: the province's real age shape, scaled.

    Each band's city total is split over districts by ``population_share`` times the district's
    ``age_tilt``, so districts differ in age structure while the city keeps the real shape.
    """
    reg = params["region"]
    bands = _sources.census_bands(reg["province"])
    scale = reg["population_2020"] / bands.loc[bands["year"] == 2020, "population"].sum()
    districts = params["districts"]
    rows = []
    for band in bands.itertuples(index=False):
        city = int(round(band.population * scale))
        w = np.array([d["population_share"] * interp(d["age_tilt"], band.age_from) for d in districts])
        for d, n in zip(districts, largest_remainder(city, w), strict=True):
            rows.append((d["code"], band.year, band.age_from, band.age_to, int(n)))
    return pd.DataFrame(rows, columns=["region", "year", "age_from", "age_to", "population"])


def _city_employment(params: dict, years: list[int], rng: np.random.Generator) -> pd.DataFrame:
    inds = params["industries"]
    total_share = sum(v["share_2010"] for v in inds.values())
    out = {}
    for code, p in inds.items():
        level = params["region"]["employed_2010"] * p["share_2010"] / total_share
        path = [level]
        for t in years[1:]:
            g = step(p["trend"], t) + float(p.get("shocks", {}).get(str(t), 0.0)) + rng.normal(0, 0.008)
            level *= np.exp(g)
            path.append(level)
        out[code] = path
    return pd.DataFrame(out, index=years)


def _sector_va(params: dict, years: list[int]) -> pd.DataFrame:
    """City value added by sector, 万元: real provincial series 2015+, back-cast before."""
    reg = params["region"]
    va = _sources.sector_value_added(reg["province"]).pivot(index="year", columns="sector", values="value")
    va = va * 1e4 * reg["gdp_share_of_province"]  # 亿元 → 万元, city's share
    first = int(va.index.min())
    growth = (va.loc[first + 4] / va.loc[first]) ** (1 / 4)  # mean growth over the first 5 years
    for t in range(first - 1, years[0] - 1, -1):
        va.loc[t] = va.loc[t + 1] / growth
    return va.sort_index().loc[years]


def employment(params: dict, years: list[int], rng: np.random.Generator,
               future: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Employment, value added and wage by district × section × year; also the city totals.

    The city totals run ``future`` years past ``years`` (the simulated world's future, kept in
    the truth); the district table covers ``years`` only.
    """
    inds = params["industries"]
    districts = [d["code"] for d in params["districts"]]
    city_all = _city_employment(params, list(years) + [years[-1] + k for k in range(1, future + 1)], rng)
    city = city_all.loc[years]
    sector_va = _sector_va(params, years)
    wages = params["wages"]
    t0 = years[0]
    # within-sector split of real value added: employment × relative productivity
    weight = pd.DataFrame({c: city[c] * p["productivity"] * (1 + p["prod_growth"]) ** (city.index - t0)
                           for c, p in inds.items()})
    va_city = pd.DataFrame(index=years, columns=list(inds), dtype=float)
    for sector in (1, 2, 3):
        cols = [c for c, p in inds.items() if p["sector"] == sector]
        share = weight[cols].div(weight[cols].sum(axis=1), axis=0)
        va_city[cols] = share.mul(sector_va[sector], axis=0)
    rows = []
    for code, p in inds.items():
        base = np.array(p["districts"], dtype=float)
        wage_level = wages["mean_2010"] * p["wage"]
        for t in years:
            if t > t0:
                wage_level *= 1 + step(wages["growth"], t) + p.get("wage_extra", 0.0)
            w = base * np.exp(rng.normal(0, 0.02, len(base)))
            emp = largest_remainder(int(round(city.at[t, code])), w)
            va = largest_remainder(int(round(va_city.at[t, code])), emp * np.exp(rng.normal(0, 0.03, len(base))))
            for j, d in enumerate(districts):
                wage = wage_level * wages["district"][j] * np.exp(rng.normal(0, 0.01))
                rows.append((d, code, t, int(emp[j]), int(va[j]), int(round(wage))))
    df = pd.DataFrame(rows, columns=["region", "industry", "year", "employed", "value_added", "wage"])
    return df, city_all


def postings(params: dict, openings: pd.DataFrame, tightness: pd.DataFrame, offerings: pd.DataFrame,
             rng: np.random.Generator) -> pd.DataFrame:
    """Quarterly openings and job seekers by occupation for the city (public employment service).

    Occupations come from the bundled specialty→occupation crosswalk of specialties the region's
    schools offer, each tied to one section. Openings follow that section's true school-leaver
    openings (``openings``: year × section); openings per seeker follow the section's true
    demand/supply (``tightness``: year × section) around a balance ratio drawn per occupation.
    """
    p = params["postings"]
    cw = _sources.occupation_crosswalk()
    chosen: dict[str, str] = dict(p["always"])
    sec_of = offerings.drop_duplicates("specialty").set_index("specialty")["section"]
    cw = cw[cw["major_code"].isin(sec_of.index)].copy()
    cw["section"] = cw["major_code"].map(sec_of)
    for section in sorted(cw["section"].unique()):
        cand = sorted(set(cw.loc[cw["section"] == section, "occupation_code"]) - set(chosen))
        k = min(p["occupations_per_section"], len(cand))
        for occ in rng.choice(cand, size=k, replace=False) if k else []:
            chosen[str(occ)] = section
    years = list(range(p["first_year"], p["last_year"] + 1))
    lo, hi = p["base_openings"]
    rows = []
    for occ in sorted(chosen):
        section = chosen[occ]
        base = rng.uniform(lo, hi)
        ratio0 = rng.uniform(*p["ratio_balance"])
        ref = max(float(openings.loc[years, section].mean()), 1.0)
        for y in years:
            level = float(openings.at[y, section]) / ref
            ratio = ratio0 * float(np.clip(tightness.at[y, section], 0.1, 5.0))
            for q in range(1, 5):
                shock = p["shocks"].get(f"{y}Q{q}", 1.0)
                n_open = base * max(level, 0.02) * p["season"][q - 1] * shock * np.exp(rng.normal(0, p["noise"]))
                seekers = n_open / ratio * np.exp(rng.normal(0, p["noise"]))
                rows.append((params["region"]["code"], occ, y, q, int(round(n_open)), int(round(seekers))))
    return pd.DataFrame(rows, columns=["region", "occupation", "year", "quarter", "openings", "seekers"])
