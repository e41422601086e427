"""The scale panel's outcomes, postings and enrolment plans, vectorised over every offering.

The example generator (:mod:`._schools`, :mod:`._economy`) builds these row by row; at a province
or the nation (thousands of offerings × years) that takes minutes, so the same rules from the
shipped parameters (``example_params.toml``: ``[outcomes]``, ``[postings]``, ``[plan]``) are
applied here on whole columns. Simplifications against the example, and why: no hand-placed
offerings (a synthetic panel has none), the graduate salary premium is a random draw per
specialty (the example takes it from its section's wage, which needs the per-offering section),
and no newly planned specialties (a plan only scales the last intake).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.datasets import _sources
from talentforecast.datasets._params import interp


def _by_year(path: dict, years: np.ndarray) -> np.ndarray:
    """``interp(path, year)`` for every element of ``years`` (one call per distinct year)."""
    u, inv = np.unique(years, return_inverse=True)
    return np.array([interp(path, int(y)) for y in u])[inv]


def _shift(table: dict, years: np.ndarray) -> np.ndarray:
    return np.array([float(table.get(str(int(y)), 0.0)) for y in years])


def _scale_params(section: str) -> dict:
    """The scale generator's own outcome and postings model (data/scale_params.toml)."""
    import tomllib
    from pathlib import Path

    return tomllib.loads((Path(__file__).parent / "data" / "scale_params.toml").read_text(encoding="utf-8"))[section]


def outcomes(p: dict, enrol: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Graduate destinations per school × specialty × year (same identities as the example).

    employed excludes further study, so employed + further_study ≤ graduates and matched ≤ employed.
    """
    o = {**p["outcomes"], **_scale_params("outcomes")}
    first = p["region"]["outcome_first_year"]
    g = enrol[(enrol["year"] >= first) & (enrol["graduates"] > 0)].reset_index(drop=True)
    specs = np.sort(g["specialty"].unique())
    s_idx = np.searchsorted(specs, g["specialty"].to_numpy())
    spec_rate = np.clip(rng.normal(o["rate_mean"], o["rate_sd"], specs.size), *o["rate_bounds"])
    spec_match = rng.uniform(*o["match_range"], specs.size)
    premium = rng.lognormal(0, 0.12, specs.size)
    offer = g["school"] + "|" + g["specialty"]
    keys, o_idx = np.unique(offer.to_numpy(), return_inverse=True)
    school_eff = rng.normal(0, o["school_sd"], keys.size)[o_idx]
    fs_eff = rng.normal(0, 0.04, keys.size)[o_idx]
    match_eff = rng.normal(0, 0.03, keys.size)[o_idx]
    n = len(g)
    years = g["year"].to_numpy(np.int64)
    grads = g["graduates"].to_numpy(np.int64)
    fs_path = np.zeros(n)
    for level, path in o["further_study"].items():
        m = (g["level"] == level).to_numpy()
        fs_path[m] = _by_year(path, years[m])
    fs_rate = np.clip(fs_path + fs_eff + rng.normal(0, o["further_study_sd"], n), 0.0, 0.9)
    fs = np.rint(grads * fs_rate).astype(np.int64)
    rate = np.clip(spec_rate[s_idx] + school_eff + _shift(o["rate_shift"], years) + rng.normal(0, o["rate_noise"], n),
                   0.3, 0.99)
    employed = np.rint((grads - fs) * rate).astype(np.int64)
    match = np.clip(spec_match[s_idx] + match_eff + rng.normal(0, 0.015, n), 0.05, 1.0)
    base = g["level"].map(o["salary_2014"]).to_numpy(float)
    salary = (base * (1 + o["salary_growth"]) ** (years - 2014) * premium[s_idx]
              * np.exp(_shift(o["salary_shift"], years) + rng.normal(0, o["salary_noise"], n)))
    return pd.DataFrame({"region": g["region"], "school": g["school"], "specialty": g["specialty"], "year": years,
                         "graduates": grads, "employed": employed, "matched": np.rint(employed * match).astype(np.int64),
                         "further_study": fs, "starting_salary": np.rint(salary / 10).astype(np.int64) * 10})


def postings(p: dict, sections: pd.DataFrame, enrol: pd.DataFrame, city_of: dict[str, str],
             rng: np.random.Generator) -> pd.DataFrame:
    """Quarterly openings and seekers by occupation per city (the public employment service's level).

    Occupations: the example's always-included ones plus, per section, a few from the bundled
    specialty→occupation crosswalk of the specialties the city's schools offer. Openings follow the
    city's employment in that occupation's section, with the example's season and shocks.
    """
    q = {**p["postings"], **_scale_params("postings")}
    cw = _sources.occupation_crosswalk()
    years = np.arange(q["first_year"], q["last_year"] + 1)
    sec = sections.assign(city=sections["region"].map(city_of)).groupby(["city", "industry", "year"])["employed"].sum()
    offered = enrol.assign(city=enrol["region"].map(city_of)).groupby("city")["specialty"].unique()
    frames = []
    for city in sorted(offered.index):
        chosen = dict(q["always"])
        cand = cw[cw["major_code"].isin(offered[city])]
        # the crosswalk has no section; spread candidates over the city's sections by occupation code
        secs = sorted(sec.loc[city].index.get_level_values(0).unique())
        occs = sorted(set(cand["occupation_code"]) - set(chosen))
        k = min(len(occs), q["occupations_per_section"] * len(secs))
        for j, occ in enumerate(rng.choice(occs, size=k, replace=False) if k else []):
            chosen[str(occ)] = secs[j % len(secs)]
        occ = np.array(sorted(chosen))
        section = np.array([chosen[c] for c in occ])
        base = rng.uniform(*q["base_openings"], occ.size)
        ratio0 = rng.uniform(*q["ratio_default"], occ.size)
        emp = sec.loc[city].unstack("year").reindex(section)[years].to_numpy(float)
        growth = (emp / emp[:, :1]) ** 1.5  # (occupation, year)
        ratio = np.array([[interp(q["ratio"][s], int(y)) if s in q["ratio"] else r0 for y in years]
                          for s, r0 in zip(section, ratio0, strict=True)])
        season = np.asarray(q["season"], float)
        shock = np.array([[q["shocks"].get(f"{y}Q{k}", 1.0) for k in range(1, 5)] for y in years])
        shape = (occ.size, years.size, 4)
        openings = (base[:, None, None] * growth[:, :, None] * season[None, None, :] * shock[None, :, :]
                    * np.exp(rng.normal(0, q["noise"], shape)))
        seekers = openings / ratio[:, :, None] * np.exp(rng.normal(0, q["noise"], shape))
        frames.append(pd.DataFrame({
            "region": city, "occupation": np.repeat(occ, years.size * 4),
            "year": np.tile(np.repeat(years, 4), occ.size), "quarter": np.tile(np.arange(1, 5), occ.size * years.size),
            "openings": np.rint(openings).astype(np.int64).ravel(), "seekers": np.rint(seekers).astype(np.int64).ravel()}))
    return pd.concat(frames, ignore_index=True)


def enrolment_plan(p: dict, enrol: pd.DataFrame, rng: np.random.Generator, share: float = 0.7) -> pd.DataFrame:
    """Planned entrants for the plan year: ``share`` of the schools file a plan scaling their last intake."""
    year = int(enrol["year"].max())
    schools = np.sort(enrol["school"].unique())
    filed = set(schools[rng.random(schools.size) < share])
    cur = enrol[(enrol["year"] == year) & (enrol["enrolled"] > 0) & enrol["school"].isin(filed)]
    ratio = rng.uniform(*p["plan"]["ratio"], len(cur))
    return pd.DataFrame({"region": cur["region"].to_numpy(), "school": cur["school"].to_numpy(),
                         "specialty": cur["specialty"].to_numpy(), "level": cur["level"].to_numpy(),
                         "year": year + 1, "planned": np.rint(cur["enrolled"].to_numpy() * ratio).astype(np.int64)})
