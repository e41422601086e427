"""Cohort flow: completion rates and graduates from cohorts already enrolled.

For a programme of length ``L`` (by level, ``params.toml [programme_length]``) the graduates of
year ``t`` are the entrants of year ``t - L`` times the completion rate::

    G[s, t] = E[s, t - L] * c[s]

so the graduates of the next ``L`` years are fixed by cohorts already enrolled. ``c[s]`` is
estimated from pairs (entrants in ``t``, graduates in ``t + L``) of the same school and
specialty, per specialty, shrunk toward its group (see :mod:`talentforecast.supply.shrinkage`).
The ratio can exceed 1 when students transfer in (e.g. 五年一贯制 students counted at entry
into the higher stage); it is not capped.

Example:
    >>> import pandas as pd
    >>> ent = pd.DataFrame({"region": "A", "specialty": "610101", "level": "中职",
    ...                     "year": [2020, 2021], "enrolled": [100.0, 200.0]})
    >>> rates = pd.DataFrame({"level": ["中职"], "specialty": ["610101"], "rate": [0.9]})
    >>> g = graduates_from_cohorts(ent, rates, {"中职": 3}, [2023, 2024, 2025])
    >>> list(zip(g["year"], g["graduates"]))
    [(2023, 90.0), (2024, 180.0)]
"""

from __future__ import annotations

import pandas as pd

from talentforecast.supply.params import load_params
from talentforecast.supply.shrinkage import shrunk_rates

SITE = ["region", "school", "specialty", "level"]


def aggregate_enrolment(enrolment: pd.DataFrame) -> pd.DataFrame:
    """Sum schools: region, specialty, level, year, enrolled, in_school, graduates."""
    cols = [c for c in ("enrolled", "in_school", "graduates") if c in enrolment.columns]
    return (enrolment.groupby(["region", "specialty", "level", "year"], as_index=False, sort=True)[cols]
            .sum())


def cohort_pairs(enrolment: pd.DataFrame, lengths: dict[str, int]) -> pd.DataFrame:
    """Entrants in ``t`` and graduates in ``t + L`` of the same school and specialty, summed
    over schools and regions: level, specialty, period (entry year), num (graduates), den (entrants).

    Only entry years whose graduation year is in the data count; a school-specialty row that is
    absent in either year is not a pair (absent is not zero).
    """
    e = enrolment[[*SITE, "year", "enrolled"]].copy()
    e["grad_year"] = e["year"] + e["level"].map(lengths).astype(int)
    g = enrolment[[*SITE, "year", "graduates"]].rename(columns={"year": "grad_year"})
    pairs = e.merge(g, on=[*SITE, "grad_year"], how="inner")
    return (pairs.groupby(["level", "specialty", "year"], as_index=False, sort=True)
            .agg(num=("graduates", "sum"), den=("enrolled", "sum"))
            .rename(columns={"year": "period"}))


def completion_rates(enrolment: pd.DataFrame, params: dict | None = None,
                     specialties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Completion rate per level and specialty, shrunk toward the specialty group.

    Columns: level, specialty, group, n_periods (cohorts seen), numerator (graduates),
    denominator (entrants), raw_rate, group_rate, weight, rate, sd (cohort-to-cohort), source,
    length. ``specialties`` (level, specialty) adds rows for specialties with no completed cohort.

    Example:
        >>> import pandas as pd
        >>> enr = pd.DataFrame({"region": "A", "school": "S", "specialty": "610101", "level": "中职",
        ...     "year": [2018, 2019, 2020, 2021], "enrolled": [100.0, 100, 100, 100],
        ...     "in_school": 0.0, "graduates": [0.0, 0, 0, 80]})
        >>> r = completion_rates(enr)
        >>> r["specialty"].tolist(), r["n_periods"].tolist(), r["rate"].round(3).tolist()
        (['610101'], [1], [0.8])
    """
    p = load_params(params)
    lengths = p["programme_length"]
    pairs = cohort_pairs(enrolment, lengths)
    need = enrolment[["level", "specialty"]].drop_duplicates()
    if specialties is not None:
        need = pd.concat([need, specialties[["level", "specialty"]]]).drop_duplicates()
    c = p["completion"]
    out = shrunk_rates(pairs, c["prior_strength"], c["group"], c["min_sd"], c["default_rate"], need,
                       window=c["window"])
    out["length"] = out["level"].map(lengths).astype(int)
    return out


def graduates_from_cohorts(entrants: pd.DataFrame, rates: pd.DataFrame, lengths: dict[str, int],
                           years: list[int]) -> pd.DataFrame:
    """Point graduates ``E[t - L] * rate`` for each year in ``years`` whose cohort is in ``entrants``.

    ``entrants``: region, specialty, level, year, enrolled (observed or forecast);
    ``rates``: level, specialty, rate. Returns region, specialty, level, year, cohort,
    entrants, rate, graduates. A cohort year absent from ``entrants`` yields no row: a
    specialty that first enrolled two years ago has no graduates in a 3-year programme yet.

    Example:
        >>> e = pd.DataFrame({"region": "R", "specialty": "610101", "level": "中职",
        ...                   "year": [2020, 2021], "enrolled": [100.0, 120.0]})
        >>> r = pd.DataFrame({"level": ["中职"], "specialty": ["610101"], "rate": [0.9]})
        >>> graduates_from_cohorts(e, r, {"中职": 3}, [2023, 2024])["graduates"].tolist()
        [90.0, 108.0]
    """
    e = entrants.merge(rates[["level", "specialty", "rate"]], on=["level", "specialty"], how="left")
    e["cohort"] = e["year"]
    e["year"] = e["cohort"] + e["level"].map(lengths).astype(int)
    e = e[e["year"].isin(years)]
    e = e.assign(graduates=e["enrolled"] * e["rate"]).rename(columns={"enrolled": "entrants"})
    return e[["region", "specialty", "level", "year", "cohort", "entrants", "rate", "graduates"]] \
        .sort_values(["region", "level", "specialty", "year"]).reset_index(drop=True)
