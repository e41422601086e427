"""School-age population from census age bands, aged forward year by year.

Simplifications (documented in docs/supply.md):

* single ages inside a band are equally populated (a band of 5 years holding 500 people
  has 100 people at each age);
* a cohort aged ``a`` in a data year ``C`` is aged ``a + (t - C)`` in year ``t``, multiplied by
  ``annual_survival ** (t - C)`` (default 1.0: no mortality and no migration);
* for a year ``t`` the nearest data year ``C <= t`` is used, so census years are used as is and
  user-supplied projections (any rows for future years) replace the ageing; years before the
  first data year are aged backward from it (survival not applied).

Example:
    >>> import pandas as pd
    >>> pop = pd.DataFrame({"region": "A", "year": 2020, "age_from": [0, 10, 15],
    ...                     "age_to": [9, 14, 99], "population": [1000.0, 600.0, 5000.0]})
    >>> sap = school_age_population(pop, (15, 15), [2020, 2022])
    >>> sap["population"].round(1).tolist()  # 2020: 5000/85 at 15; 2022: age 13 in 2020 = 600/5
    [58.8, 120.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem

FILE = "population"


def check_bands(population: pd.DataFrame, file: str = FILE) -> None:
    """Raise :class:`InputError` if a region-year's age bands overlap, leave a gap or start above 0.

    Every problem names the file, region, year and the offending band.

    Example:
        >>> pop = pd.DataFrame({"region": "A", "year": 2020, "age_from": [0, 15],
        ...                     "age_to": [9, 99], "population": [1000.0, 5000.0]})
        >>> check_bands(pop)
        Traceback (most recent call last):
        ...
        talentforecast.errors.InputError: 输入有 1 个问题：
          - 文件 population，列 'age_from'，第 3 行：值为 15；应为 从 10 岁开始的下一个年龄段（地区 A，2020 年：年龄段 15-99 之前的 10-14 岁没有覆盖，有缺口）
    """
    problems: list[Problem] = []
    df = population.reset_index(drop=True)
    for c in ("region", "year", "age_from", "age_to", "population"):
        if c not in df.columns:
            raise InputError([Problem(file, c, None, None, "column present", "表中有此列（现缺少）")])
    bad = df[df["age_to"] < df["age_from"]]
    for i, r in bad.iterrows():
        problems.append(Problem(file, "age_to", int(i) + 2, int(r["age_to"]),
                                f">= age_from {int(r['age_from'])} (region {r['region']}, year {r['year']})",
                                f"不小于 age_from（{int(r['age_from'])}）的年龄（地区 {r['region']}，{r['year']} 年）"))
    for (region, year), g in df.drop(bad.index).groupby(["region", "year"], sort=True):
        g = g.sort_values(["age_from", "age_to"])
        expected = 0
        for i, r in g.iterrows():
            a, b = int(r["age_from"]), int(r["age_to"])
            band = f"band {a}-{b}"
            if a > expected:
                problems.append(Problem(file, "age_from", int(i) + 2, a,
                                        f"region {region}, year {year}: {band} leaves ages "
                                        f"{expected}-{a - 1} uncovered (gap); next band should start at {expected}",
                                        f"从 {expected} 岁开始的下一个年龄段（地区 {region}，{year} 年：年龄段 {a}-{b} "
                                        f"之前的 {expected}-{a - 1} 岁没有覆盖，有缺口）"))
            elif a < expected:
                problems.append(Problem(file, "age_from", int(i) + 2, a,
                                        f"region {region}, year {year}: {band} overlaps ages "
                                        f"{a}-{expected - 1} already covered; bands must not overlap",
                                        f"互不重叠的年龄段（地区 {region}，{year} 年：年龄段 {a}-{b} 与已覆盖的 "
                                        f"{a}-{expected - 1} 岁重叠）"))
            expected = max(expected, b + 1)
    if problems:
        raise InputError(problems)


def single_ages(population: pd.DataFrame) -> pd.DataFrame:
    """One row per region, year and single age (band population split evenly)."""
    df = population[["region", "year", "age_from", "age_to", "population"]]
    width = (df["age_to"] - df["age_from"] + 1).to_numpy()
    rep = df.loc[df.index.repeat(width)].copy()
    rep["age"] = rep["age_from"] + rep.groupby(level=0).cumcount()
    rep["population"] = rep["population"] / (rep["age_to"] - rep["age_from"] + 1)
    return rep[["region", "year", "age", "population"]].reset_index(drop=True)


def school_age_population(population: pd.DataFrame, ages: tuple[int, int], years: list[int],
                          annual_survival: float = 1.0, file: str = FILE) -> pd.DataFrame:
    """Population aged ``ages[0]..ages[1]`` for each region and year in ``years``.

    Returns region, year, population, source ("data" | "aged_forward" | "aged_backward"),
    base_year. Years that no data year can reach (the cohort was not yet born) are left out;
    callers fall back to a time-series forecast there.

    Example:
        >>> pop = pd.DataFrame({"region": "A", "year": 2020, "age_from": [0, 10, 15],
        ...                     "age_to": [9, 14, 99], "population": [1000.0, 600.0, 5000.0]})
        >>> sap = school_age_population(pop, (15, 15), [2020, 2022])  # 2022: aged 13 in 2020 = 600/5
        >>> sap[["year", "population", "source"]].round(1).values.tolist()
        [[2020, 58.8, 'data'], [2022, 120.0, 'aged_forward']]
    """
    check_bands(population, file)
    single = single_ages(population)
    rows = []
    for region, g in single.groupby("region", sort=True):
        by_year = {int(y): s.set_index("age")["population"] for y, s in g.groupby("year")}
        data_years = sorted(by_year)
        for t in years:
            earlier = [c for c in data_years if c <= t]
            base = earlier[-1] if earlier else data_years[0]
            shift = t - base
            src = "data" if shift == 0 else ("aged_forward" if shift > 0 else "aged_backward")
            ages_then = np.arange(ages[0], ages[1] + 1) - shift
            if ages_then.min() < 0:
                continue  # not born in the base year: no population estimate
            s = by_year[base]
            missing = [a for a in ages_then if a not in s.index]
            if missing:
                continue  # open-ended top band cut short; cannot age
            factor = annual_survival ** shift if shift > 0 else 1.0
            rows.append((region, int(t), float(s.loc[ages_then].sum()) * factor, src, base))
    return pd.DataFrame(rows, columns=["region", "year", "population", "source", "base_year"])
