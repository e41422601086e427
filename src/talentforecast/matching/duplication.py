"""Duplicated provision (设置雷同): how many schools offer a specialty in a region, against its demand.

A school offers a specialty in a year when it enrols new students in it (``enrolled > 0``).
Per region × specialty × level × year: ``schools``, ``enrolled``, ``demand`` (the same year's
specialty demand in the rule's scenario), ``demand_per_school = demand / schools`` and
``flag = schools >= min_schools and demand_per_school < min_demand_per_school``
(thresholds in ``matching/data/duplication.toml``). ``latest`` marks each region's latest
enrolment year, the one a planner looks at.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.matching.config import DuplicationRule, load_duplication
from talentforecast.matching.tables import add_parent_regions, require_columns

_KEYS = ["region", "specialty", "level", "year"]


def duplication(enrolment: pd.DataFrame, specialty_demand: pd.DataFrame | None = None,
                rule: DuplicationRule | None = None, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``duplication`` table (see module doc). Parent regions count their children's schools.

    Without demand (or for a specialty-year with no demand row) ``demand`` is NaN and ``flag`` is NA.

    Example:
        >>> e = pd.DataFrame({"region": "r", "school": ["s1", "s2", "s3", "s4"], "specialty": "460104",
        ...     "level": "高职专科", "year": 2024, "enrolled": [50.0, 40.0, 30.0, 0.0]})
        >>> d = pd.DataFrame({"region": "r", "specialty": "460104", "level": "高职专科", "year": 2024,
        ...     "scenario": "baseline", "value": 90.0}, index=[0])
        >>> t = duplication(e, d)
        >>> int(t.loc[0, "schools"]), float(t.loc[0, "demand_per_school"]), bool(t.loc[0, "flag"])
        (3, 30.0, True)
    """
    rule = rule or load_duplication()
    require_columns(enrolment, ["region", "school", "specialty", "level", "year", "enrolled"], "enrolment")
    e = enrolment.assign(specialty=enrolment["specialty"].astype(str),
                         offers=(enrolment["enrolled"] > 0).astype(int))
    t = e.groupby(_KEYS, as_index=False).agg(schools=("offers", "sum"), enrolled=("enrolled", "sum"))
    t = add_parent_regions(t, regions, ["specialty", "level", "year"], ["schools", "enrolled"])
    t["schools"] = t["schools"].astype(int)
    if specialty_demand is not None:
        require_columns(specialty_demand, [*_KEYS, "scenario", "value"], "specialty_demand")
        d = specialty_demand[specialty_demand["scenario"] == rule.scenario]
        d = d.assign(specialty=d["specialty"].astype(str))[[*_KEYS, "value"]].rename(columns={"value": "demand"})
        t = t.merge(d, on=_KEYS, how="left")
    else:
        t["demand"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        t["demand_per_school"] = t["demand"] / t["schools"].where(t["schools"] > 0)
    flag = (t["schools"] >= rule.min_schools) & (t["demand_per_school"] < rule.min_demand_per_school)
    t["flag"] = pd.array(flag, dtype="boolean")
    t.loc[t["demand"].isna() & (t["schools"] >= rule.min_schools), "flag"] = pd.NA
    t["latest"] = t["year"] == t.groupby("region")["year"].transform("max")
    t["min_schools"] = rule.min_schools
    t["min_demand_per_school"] = rule.min_demand_per_school
    return t.sort_values(_KEYS).reset_index(drop=True)
