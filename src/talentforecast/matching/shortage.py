"""Shortage-occupation catalogue (紧缺职业目录): occupations ranked by projected gap.

Occupation supply: each specialty's supply is spread over the occupations the specialty→occupation
crosswalk links it to — equally, or in proportion to a ``weight`` column when the crosswalk has one
(normalised per specialty). Per region × scenario × year: ``gap = demand − supply``,
``ratio_ds = demand / supply`` where supply > 0, ``rank`` 1 = largest gap (ties broken by code),
``previous_rank`` = the rank the same computation gives for year − 1 (NaN when the occupation was
not ranked then), ``shortage = gap > 0``; the catalogue for a target year is the rows of that year
with ``shortage``.

Years: the catalogue keeps the years from ``as_of − years_before_as_of`` on (``data/shortage.toml``,
default 1; ``as_of`` = the last year whose demand is all observed), because planners use the plan
years and the whole history across every region × occupation makes a table of ~100k rows that no
one reads. Ranks and previous ranks are computed before the cut, so they do not change with it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError
from talentforecast.matching.config import _get, _no_unknown, _read_toml
from talentforecast.matching.tables import require_columns

_GROUP = ["region", "scenario", "year"]


def load_shortage_window(path: str | Path | None = None) -> int:
    """``years_before_as_of`` from a shortage file (default: shipped ``matching/data/shortage.toml``).

    Example:
        >>> load_shortage_window()
        1
    """
    data, file = _read_toml(path, "shortage.toml")
    _no_unknown(data, {"catalogue"}, file)
    cat = _get(data, "catalogue", dict, file)
    _no_unknown(cat, {"years_before_as_of"}, file, "catalogue")
    years = _get(cat, "years_before_as_of", int, file, "catalogue")
    if years < 0:
        raise ConfigError(f"{file}: key 'catalogue.years_before_as_of' = {years}; expected an integer >= 0",
                          zh=f"{file}：配置项 'catalogue.years_before_as_of' = {years}；应为不小于 0 的整数")
    return years


def _first_year(d: pd.DataFrame, as_of: int | None, window: int) -> int | None:
    """First published year: ``as_of − window``; None (keep all) when as_of is unknown."""
    if as_of is None and "observed" in d and len(d):
        obs = d.groupby("year")["observed"].all()
        as_of = int(obs[obs].index.max()) if obs.any() else None
    return None if as_of is None else int(as_of) - window


def occupation_supply(supply: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Supply (``value``) per region × year × occupation through the specialty→occupation crosswalk.

    Example:
        >>> s = pd.DataFrame({"region": "r", "specialty": ["a"], "level": "高职专科", "year": 2024, "value": [30.0]})
        >>> cw = pd.DataFrame({"specialty": "a", "occupation": ["4-01", "4-02", "4-03"]})
        >>> occupation_supply(s, cw)["supply"].tolist()
        [10.0, 10.0, 10.0]
    """
    require_columns(supply, ["region", "specialty", "year", "value"], "supply")
    require_columns(crosswalk, ["specialty", "occupation"], "specialty_occupation")
    cw = crosswalk.assign(specialty=crosswalk["specialty"].astype(str))
    if "weight" not in cw:
        cw = cw.assign(weight=1.0)
    cw = cw[cw["weight"] > 0].drop_duplicates(["specialty", "occupation"])
    cw = cw.assign(share=cw["weight"] / cw.groupby("specialty")["weight"].transform("sum"))
    s = supply.assign(specialty=supply["specialty"].astype(str))
    m = s.merge(cw[["specialty", "occupation", "share"]], on="specialty", how="inner")
    m["supply"] = m["value"] * m["share"]
    return m.groupby(["region", "year", "occupation"], as_index=False)["supply"].sum()


def shortage_occupations(occupation_demand: pd.DataFrame, supply: pd.DataFrame, crosswalk: pd.DataFrame,
                         names: pd.DataFrame | None = None, *, as_of: int | None = None,
                         window: int | None = None, config: str | Path | None = None) -> pd.DataFrame:
    """The ``shortage_occupations`` table (see module doc) for the years from ``as_of − window`` on.

    ``names`` (occupation, occupation_name) defaults to the names in the crosswalk. Occupations with
    demand but no mapped supply get supply 0 (the sum over no specialty). ``as_of`` defaults to the
    last year whose demand rows are all ``observed`` (every year is kept when that is unknown);
    ``window`` defaults to ``years_before_as_of`` of ``config`` (a TOML file, default the shipped one).

    Example:
        >>> d = pd.DataFrame({"region": "r", "scenario": "baseline", "year": [2024, 2024, 2025, 2025],
        ...     "occupation": ["4-01", "4-02"] * 2, "value": [5.0, 20.0, 30.0, 20.0]})
        >>> s = pd.DataFrame({"region": "r", "specialty": "a", "level": "高职专科", "year": [2024, 2025],
        ...     "value": [20.0, 20.0]})
        >>> cw = pd.DataFrame({"specialty": "a", "occupation": ["4-01", "4-02"], "occupation_name": ["x", "y"]})
        >>> t = shortage_occupations(d, s, cw)
        >>> t.query("year == 2025")[["occupation", "gap", "rank", "previous_rank"]].values.tolist()
        [['4-01', 20.0, 1, 2.0], ['4-02', 10.0, 2, 1.0]]
    """
    require_columns(occupation_demand, ["region", "occupation", "year", "value"], "occupation_demand")
    window = load_shortage_window(config) if window is None else int(window)
    first_year = _first_year(occupation_demand, as_of, window)
    d = occupation_demand
    if first_year is not None:  # the year before the first one is needed for its previous rank
        d = d[d["year"] >= first_year - 1]
    d = d.copy()
    if "scenario" not in d:
        d["scenario"] = "baseline"
    keep = [c for c in [*_GROUP, "occupation", "value", "lo_80", "hi_80", "lo_95", "hi_95", "observed"] if c in d]
    d = d[keep].rename(columns={"value": "demand", **{b: f"demand_{b}" for b in ("lo_80", "hi_80", "lo_95", "hi_95")}})
    d = d.groupby([*_GROUP, "occupation"], as_index=False).agg(
        {c: ("sum" if c != "observed" else "all") for c in d.columns if c not in [*_GROUP, "occupation"]})
    t = d.merge(occupation_supply(supply, crosswalk), on=["region", "year", "occupation"], how="left")
    t["supply"] = t["supply"].fillna(0.0)  # no specialty maps to it: zero vocational supply
    t["gap"] = t["demand"] - t["supply"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t["ratio_ds"] = (t["demand"] / t["supply"]).where(t["supply"] > 0)
    t = t.sort_values([*_GROUP, "gap", "occupation"], ascending=[True, True, True, False, True])
    t["rank"] = t.groupby(_GROUP).cumcount() + 1
    prev = t[["region", "scenario", "year", "occupation", "rank"]].assign(year=t["year"] + 1)
    t = t.merge(prev.rename(columns={"rank": "previous_rank"}), on=[*_GROUP, "occupation"], how="left")
    t["shortage"] = t["gap"] > 0
    if first_year is not None:
        t = t[t["year"] >= first_year]
    if names is None and "occupation_name" in crosswalk:
        names = crosswalk[["occupation", "occupation_name"]]
    if names is not None:
        t = t.merge(names.drop_duplicates("occupation"), on="occupation", how="left")
    else:
        t["occupation_name"] = pd.NA
    first = [*_GROUP, "rank", "occupation", "occupation_name", "demand", "supply", "gap", "ratio_ds",
             "previous_rank", "shortage"]
    return t[first + [c for c in t.columns if c not in first]].reset_index(drop=True)
