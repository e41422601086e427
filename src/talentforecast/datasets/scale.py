"""Synthetic panels of any size with the example region's structure, for scale tests and benchmarks.

``make_panel(n_regions, n_specialties, n_industries)`` builds a province-like bundle: one parent
region with ``n_regions`` children; employment by child × GB/T 4754 *division* × year; enrolment
by child × specialty (every child offers the first ``n_specialties`` catalogue specialties, one
school per child and level) × year; census population by child and age band.

What it reuses from the example generator (:mod:`.generator`): the shipped parameters
(``example_params.toml``), section employment paths, value added and wages
(:func:`._economy.employment`, driven by the real provincial sector GDP), the census age shape
(:func:`._economy.population`) and the real national entrant trend by level
(:func:`._schools.entrant_index`). The example's 4 districts are cycled to make ``n_regions``
children, each with its own random size. Two parts are new because the example's per-offering
Python loops would take hours at 300 × 1,443: sections are split into their divisions with
per-region Dirichlet shares that drift slowly, and the cohort flow (entrants → on roll →
graduates, as in :func:`._schools.enrolment`) is vectorised over all offerings. Outcomes,
postings (per region, the public employment service's level) and enrolment plans follow the
example's rules, vectorised (:mod:`._scale_tables`), so the whole annual chain runs at any size.
A province: ``make_panel(13, 600, 97, districts=3, offered=0.25, schools=8)`` — 13 cities of 3
districts, 624 schools, 600 specialties offered.

Example:
    >>> from talentforecast.datasets.scale import make_panel
    >>> b = make_panel(n_regions=2, n_specialties=3, n_industries=4, seed=1)
    >>> sorted(b.tables)
    ['employment', 'enrolment', 'enrolment_plan', 'outcomes', 'population', 'postings', 'regions']
    >>> b.tables["employment"].groupby("region")["industry"].nunique().tolist()
    [4, 4]
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd

from talentforecast.bundle import Bundle
from talentforecast.datasets import _economy, _scale_tables, _schools, _sources
from talentforecast.datasets._params import load_params
from talentforecast.errors import InputError, Problem

PARENT = "990000"
SMALL_SHARE = 0.01  # size of a section the example does not model, relative to its smallest one


def _check(name: str, value: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= hi:
        raise InputError([Problem("<argument>", name, None, value, f"an integer between 1 and {hi}",
                                  f"1 到 {hi} 之间的整数")])
    return int(value)


def _scaled_params(leaves: Sequence[tuple[str, str]], rng: np.random.Generator) -> dict:
    """The example parameters with the leaf regions ``(code, name)`` as districts (cycled, random sizes)."""
    p = copy.deepcopy(load_params())
    base = p["districts"]
    n = len(leaves)
    size = rng.lognormal(0, 0.5, n)
    share = size / size.sum()
    p["districts"] = [{**base[i % len(base)], "code": code, "name": name,
                       "population_share": float(share[i])} for i, (code, name) in enumerate(leaves)]
    k = n / len(base)
    p["region"] = {**p["region"], "code": PARENT, "population_2020": int(p["region"]["population_2020"] * k),
                   "employed_2010": int(p["region"]["employed_2010"] * k),
                   "gdp_share_of_province": p["region"]["gdp_share_of_province"] * k}
    for ind in p["industries"].values():
        w = np.resize(np.asarray(ind["districts"], float), n) * size * rng.lognormal(0, 0.3, n)
        ind["districts"] = (w / w.sum()).tolist()
    p["wages"]["district"] = (np.resize(np.asarray(p["wages"]["district"], float), n)
                              * rng.lognormal(0, 0.05, n)).tolist()
    return p


def _divisions(section_emp: pd.DataFrame, n_industries: int, rng: np.random.Generator) -> pd.DataFrame:
    """Split region × section employment into the first ``n_industries`` divisions (drifting shares)."""
    from talentforecast.catalogs import industries

    div = industries()
    div = div[div["kind"] == "division"].sort_values("industry").head(n_industries)
    regions = sorted(section_emp["region"].unique())
    years = sorted(section_emp["year"].unique())
    missing = sorted(set(div["section"]) - set(section_emp["industry"]))
    if missing:  # sections the example does not model (T): 1% of its smallest section's path
        small = section_emp.groupby("industry")["employed"].sum().idxmin()
        base = section_emp[section_emp["industry"] == small]
        extra = [base.assign(industry=s, employed=(base["employed"] * SMALL_SHARE).round().astype(np.int64),
                             value_added=(base["value_added"] * SMALL_SHARE).round().astype(np.int64))
                 for s in missing]
        section_emp = pd.concat([section_emp, *extra], ignore_index=True)
    sec = section_emp.set_index(["region", "industry", "year"])
    frames = []
    for section, g in div.groupby("section", sort=True):
        codes = g["industry"].tolist()
        # shares per region × division, a log random walk over years, renormalised within section
        logw = (np.log(rng.dirichlet(np.ones(len(codes)), len(regions)))[:, None, :]
                + np.cumsum(rng.normal(0, 0.03, (len(regions), len(years), len(codes))), axis=1))
        w = np.exp(logw)
        w /= w.sum(axis=2, keepdims=True)
        idx = pd.MultiIndex.from_product([regions, [section], years])
        tot = sec.reindex(idx)[["employed", "value_added"]].to_numpy(float).reshape(len(regions), len(years), 2)
        wage = sec.reindex(idx)["wage"].to_numpy(float).reshape(len(regions), len(years))
        for j, code in enumerate(codes):
            frames.append(pd.DataFrame({
                "region": np.repeat(regions, len(years)), "industry": code, "year": np.tile(years, len(regions)),
                "employed": np.rint(tot[:, :, 0] * w[:, :, j]).astype(np.int64).ravel(),
                "value_added": np.rint(tot[:, :, 1] * w[:, :, j]).astype(np.int64).ravel(),
                "wage": np.rint(wage * rng.lognormal(0, 0.05, (len(regions), 1))).astype(np.int64).ravel()}))
    return pd.concat(frames, ignore_index=True).sort_values(["region", "industry", "year"], ignore_index=True)


def _offerings(leaves: Sequence[str], n_specialties: int, offered: float, schools: int,
               rng: np.random.Generator) -> pd.DataFrame:
    """Which school of which leaf region offers which specialty (level-, region-, specialty-major order).

    With ``offered`` = 1 and one school per level every leaf offers every specialty in a school
    named ``<region>-<level>`` and nothing is drawn (the panel of earlier versions, unchanged).
    """
    cat = _sources.catalogue().sort_values("major_code").head(n_specialties)
    frames = []
    for level, g in cat.groupby("level", sort=True):
        codes = g["major_code"].to_numpy()
        for r in leaves:
            keep = np.ones(codes.size, bool) if offered >= 1 else rng.random(codes.size) < offered
            k = rng.integers(0, schools, int(keep.sum())) if schools > 1 else None
            school = f"{r}-{level}" if k is None else np.char.add(f"{r}-{level}-", (k + 1).astype(str))
            frames.append(pd.DataFrame({"region": r, "school": school, "specialty": codes[keep], "level": level}))
    return pd.concat(frames, ignore_index=True)


def _enrolment(p: dict, offers: pd.DataFrame, years: Sequence[int], rng: np.random.Generator) -> pd.DataFrame:
    """Entrants, on roll and graduates per offering × year: the example's cohort flow, vectorised."""
    sp = p["schools"]
    idx = _schools.entrant_index()
    first, last = years[0], years[-1]
    frames = []
    for level, g in offers.groupby("level", sort=True):
        L = int(sp["length"][level])
        n = len(g)
        cohorts = np.arange(first - L, last + 1)
        trend_idx = np.array([idx[level].get(max(c, first), idx[level][max(idx[level])]) for c in cohorts])
        base = rng.uniform(*sp["base_entrants"][level], n)[:, None]
        trend = rng.normal(0, sp["trend_sd"], n)[:, None]
        e = np.maximum(8, np.rint(base * trend_idx * np.exp(trend * (cohorts - 2015)
                                                           + rng.normal(0, sp["entrant_noise"], (n, cohorts.size)))))
        comp = np.clip(rng.uniform(*sp["completion"], n)[:, None] + rng.normal(0, 0.015, e.shape), 0.8, 0.98)
        grads = rng.binomial(e.astype(np.int64), comp)
        ti = np.arange(L, cohorts.size)  # positions of the output years in ``cohorts``
        in_school = sum(e[:, ti - k] - np.rint((e[:, ti - k] - grads[:, ti - k]) * (k - 1) / L) for k in range(1, L + 1))
        frames.append(pd.DataFrame({
            "region": np.repeat(g["region"].to_numpy(), len(ti)), "school": np.repeat(g["school"].to_numpy(), len(ti)),
            "specialty": np.repeat(g["specialty"].to_numpy(), len(ti)),
            "level": level, "year": np.tile(cohorts[ti], n),
            "enrolled": e[:, ti].astype(np.int64).ravel(), "in_school": in_school.astype(np.int64).ravel(),
            "graduates": grads[:, ti - L].ravel()}))
    return pd.concat(frames, ignore_index=True).sort_values(["region", "school", "specialty", "year"], ignore_index=True)


def _hierarchy(n_regions: int, districts: int) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The regions table (province → regions [→ districts]) and the leaf regions ``(code, name)``."""
    if districts == 0:  # regions are the leaves (codes of earlier versions)
        kids = [(f"99{i + 1:04d}", f"区县{i + 1:04d}", PARENT) for i in range(n_regions)]
        leaves = [(c, n) for c, n, _ in kids]
    else:  # cities 98CC00 with districts 98CCDD
        kids = [(f"98{c + 1:02d}00", f"城市{c + 1:02d}", PARENT) for c in range(n_regions)]
        dist = [(f"98{c + 1:02d}{d + 1:02d}", f"城市{c + 1:02d}区县{d + 1:02d}", f"98{c + 1:02d}00")
                for c in range(n_regions) for d in range(districts)]
        kids += dist
        leaves = [(c, n) for c, n, _ in dist]
    regions = pd.DataFrame([(PARENT, "合成省", ""), *kids], columns=["region", "region_name", "parent"])
    return regions, leaves


def make_panel(n_regions: int = 300, n_specialties: int = 1443, n_industries: int = 97,
               years: Sequence[int] | None = None, seed: int = 0, *, districts: int = 0,
               offered: float = 1.0, schools: int = 1) -> Bundle:
    """A complete synthetic bundle: ``n_regions`` children of one province, divisions, specialties.

    Args:
        n_regions: child regions of the province (cities; the national case is 300).
        n_specialties: specialties of the panel, first ones of the catalogue by code (max 1,443).
        n_industries: GB/T 4754 divisions, first ones by code (max 97; division 97, section T, which
            the example does not model, gets 1% of the smallest section's employment path).
        years: history years (default the example's 2010–2024; must lie in 2010–2024, the span
            of the real aggregates the example uses).
        seed: seeds everything; the same arguments give identical tables.
        districts: districts per region (0: the regions are the leaves and hold the data; else
            at most 99 regions × 99 districts, and the districts hold the data).
        offered: share of the ``n_specialties`` each leaf region offers, drawn at random (1: all).
        schools: schools per leaf region and level; each offering belongs to one of them.

    Returns:
        :class:`~talentforecast.bundle.Bundle` with ``regions``, ``employment``, ``enrolment``,
        ``population``, ``outcomes``, ``postings`` (per region) and ``enrolment_plan``, so the whole
        annual chain runs; ``meta["generated"]`` is True.

    Example:
        >>> b = make_panel(n_regions=2, n_specialties=20, n_industries=3, districts=2, offered=0.5, seed=1)
        >>> b.tables["regions"]["parent"].value_counts().to_dict()
        {'990000': 2, '980100': 2, '980200': 2, '': 1}
    """
    p0 = load_params()
    n_cat = len(_sources.catalogue())
    n_regions = _check("n_regions", n_regions, 10_000 if not districts else 99)
    n_specialties = _check("n_specialties", n_specialties, n_cat)
    n_industries = _check("n_industries", n_industries, 97)
    schools = _check("schools", schools, 99)
    if districts:
        districts = _check("districts", districts, 99)
    elif isinstance(districts, bool) or districts != 0:
        raise InputError([Problem("<argument>", "districts", None, districts, "0 or an integer between 1 and 99",
                                  "0 或 1 到 99 之间的整数")])
    if isinstance(offered, bool) or not isinstance(offered, (int, float)) or not 0 < offered <= 1:
        raise InputError([Problem("<argument>", "offered", None, offered, "a share in (0, 1]",
                                  "比例，取值范围 (0, 1]（大于 0，不超过 1）")])
    years = list(range(p0["region"]["first_year"], p0["region"]["last_year"] + 1) if years is None else years)
    if not years or years != list(range(years[0], years[-1] + 1)) or years[0] < 2010 or years[-1] > 2024:
        raise InputError([Problem("<argument>", "years", None, years, "consecutive years within 2010–2024",
                                  "2010–2024 年之内的连续年份")])
    # streams 0–3 as in earlier versions, so the panel without the new options is unchanged
    r_par, r_emp, r_div, r_enr, r_off, r_out, r_post, r_plan = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8))
    regions, leaves = _hierarchy(n_regions, districts)
    p = _scaled_params(leaves, r_par)
    sections, _ = _economy.employment(p, years, r_emp)
    enrol = _enrolment(p, _offerings([c for c, _ in leaves], n_specialties, offered, schools, r_off), years, r_enr)
    parent = dict(zip(regions["region"], regions["parent"], strict=True))
    city_of = {c: (c if parent[c] == PARENT else parent[c]) for c, _ in leaves}
    tables = {"regions": regions, "employment": _divisions(sections, n_industries, r_div),
              "enrolment": enrol, "population": _economy.population(p),
              "outcomes": _scale_tables.outcomes(p, enrol, r_out),
              "postings": _scale_tables.postings(p, sections, enrol, city_of, r_post),
              "enrolment_plan": _scale_tables.enrolment_plan(p, enrol, r_plan)}
    meta = {"region": PARENT, "region_name": "合成省", "region_name_en": "Synthetic province", "seed": seed,
            "years": [years[0], years[-1]], "plan_year": years[-1] + 1, "generated": True,
            "scale": {"n_regions": n_regions, "n_specialties": n_specialties, "n_industries": n_industries,
                      "districts": districts, "offered": offered, "schools": schools}}
    return Bundle(tables=tables, meta=meta)
