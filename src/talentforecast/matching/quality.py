"""Employment quality per region × specialty (and per school) × year, with trends and runs below standards.

Indicators (definitions in ``matching/data/quality.toml``):

- ``destination_rate`` 毕业去向落实率 = (employed + further_study) / graduates — Chinese practice counts
  further study (升学) as a destination; ``employment_rate`` = employed / graduates.
- ``matched_rate`` 对口率 = matched / employed.
- ``salary_ratio`` = starting monthly salary / regional average monthly wage, the wage being the
  employment-weighted average annual wage of the region's industries divided by 12.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.matching.config import QUALITY_INDICATORS, QualityStandards, load_quality
from talentforecast.matching.tables import add_parent_regions, require_columns

ALL_SCHOOLS = "*"


def consecutive_below(series: pd.Series, threshold: float) -> pd.Series:
    """Number of consecutive years, up to and including each year, with a value strictly below ``threshold``.

    ``series`` is indexed by year. A missing year (gap in the index) or a NaN value breaks the run:
    we only count years we know were below. With one year of data the answer is 0 or 1; a value
    exactly at the threshold is not below.

    Example:
        >>> s = pd.Series([0.5, 0.55, 0.7, 0.5, 0.4], index=[2018, 2019, 2020, 2021, 2023])
        >>> consecutive_below(s, 0.6).tolist()
        [1, 2, 0, 1, 1]
    """
    s = series.sort_index()
    df = pd.DataFrame({"g": 0, "year": np.asarray(s.index, dtype=int), "v": s.to_numpy(dtype=float)})
    return pd.Series(_runs(df, ["g"], "v", threshold), index=s.index, name="years_below")


def _runs(df: pd.DataFrame, groups: list[str], col: str, threshold: float) -> np.ndarray:
    """Vectorised :func:`consecutive_below` over groups; ``df`` sorted by groups then year."""
    below = (df[col] < threshold).to_numpy()  # NaN compares False: unknown breaks the run
    same = np.ones(len(df), bool)
    for g in groups:
        same &= (df[g] == df[g].shift()).to_numpy()
    contiguous = same & (df["year"].diff() == 1).to_numpy()
    out = np.zeros(len(df), dtype=int)
    run = 0
    for i in range(len(df)):  # simple loop: O(n), clearer than a cumsum trick
        run = (run + 1 if contiguous[i] else 1) if below[i] else 0
        out[i] = run
    return out


def trend_slope(series: pd.Series, years: int = 3) -> pd.Series:
    """OLS slope per year over the window of the last ``years`` calendar years, at each year.

    Years missing in the window simply contribute no point; fewer than 2 points gives NaN.

    Example:
        >>> trend_slope(pd.Series([0.5, 0.6, 0.8], index=[2020, 2021, 2022])).round(3).tolist()
        [nan, 0.1, 0.15]
    """
    s = series.sort_index()
    df = pd.DataFrame({"g": 0, "year": np.asarray(s.index, dtype=int), "v": s.to_numpy(dtype=float)})
    return pd.Series(_slopes(df, ["g"], "v", years), index=s.index, name="trend")


def _slopes(df: pd.DataFrame, groups: list[str], col: str, years: int) -> np.ndarray:
    """Vectorised :func:`trend_slope`; ``df`` sorted by groups then year, one row per group-year."""
    n = np.zeros(len(df))
    sx = np.zeros(len(df))
    sy = np.zeros(len(df))
    sxy = np.zeros(len(df))
    sxx = np.zeros(len(df))
    g = df.groupby(groups, sort=False, dropna=False) if groups else None
    year = df["year"].to_numpy(float)
    for lag in range(years):
        y_l = g["year"].shift(lag).to_numpy(float) if lag else year
        v_l = g[col].shift(lag).to_numpy(float) if lag else df[col].to_numpy(float)
        use = (year - y_l < years) & ~np.isnan(v_l) & ~np.isnan(y_l)
        x = np.where(use, y_l - year, 0.0)  # centre on the current year for numerical stability
        v = np.where(use, v_l, 0.0)
        n += use
        sx += x
        sy += v
        sxy += x * v
        sxx += x * x
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    return np.where(n >= 2, slope, np.nan)


def regional_monthly_wage(employment: pd.DataFrame, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Employment-weighted average monthly wage per region × year: Σ employed·wage / Σ employed / 12.

    Industries without a wage are left out of both sums. Parents are rolled up from their children.

    Example:
        >>> e = pd.DataFrame({"region": ["r", "r"], "industry": ["C", "G"], "year": [2024, 2024],
        ...                   "employed": [100.0, 300.0], "wage": [120000.0, 60000.0]})
        >>> regional_monthly_wage(e)["monthly_wage"].item()
        6250.0
    """
    require_columns(employment, ["region", "year", "employed", "wage"], "employment")
    e = employment[employment["wage"].notna()]
    e = e.assign(wage_bill=e["employed"] * e["wage"])
    agg = e.groupby(["region", "year"], as_index=False)[["employed", "wage_bill"]].sum()
    agg = add_parent_regions(agg, regions, ["year"], ["employed", "wage_bill"])
    with np.errstate(divide="ignore", invalid="ignore"):
        agg["monthly_wage"] = agg["wage_bill"] / agg["employed"] / 12.0
    return agg[["region", "year", "monthly_wage"]]


_COUNTS = ["graduates", "employed", "matched", "further_study"]


def employment_quality(outcomes: pd.DataFrame, employment: pd.DataFrame | None = None,
                       enrolment: pd.DataFrame | None = None, regions: pd.DataFrame | None = None,
                       standards: QualityStandards | None = None) -> pd.DataFrame:
    """The ``quality`` table: indicators per school and per region (``scope``), each with trend and run.

    Region rows (``scope`` = "region", ``school`` = "*") sum the schools' counts; parent regions sum
    their children. ``level`` comes from the enrolment table (school × specialty), NaN if absent.
    For each indicator ``X``: ``X_trend`` (slope per year over ``trend.years`` years) and
    ``X_years_below`` (consecutive years strictly below the standard, gaps break the run).

    Example:
        >>> o = pd.DataFrame({"region": "r", "school": "s1", "specialty": "460104", "year": [2023, 2024],
        ...     "graduates": 100.0, "employed": [50.0, 55.0], "matched": 30.0, "further_study": 5.0})
        >>> q = employment_quality(o)
        >>> r = q.query("scope == 'region'")
        >>> r["destination_rate"].tolist(), r["destination_rate_years_below"].tolist()
        ([0.55, 0.6], [1, 0])
    """
    std = standards or load_quality()
    require_columns(outcomes, ["region", "school", "specialty", "year", *_COUNTS], "outcomes")
    o = outcomes.copy()
    o["specialty"] = o["specialty"].astype(str)
    o["school"] = o["school"].astype(str)
    _check_definition(o, std)
    has_salary = "starting_salary" in o and o["starting_salary"].notna().any()
    sal = o["starting_salary"] if "starting_salary" in o else pd.Series(np.nan, index=o.index)
    o["salary_w"] = np.where(sal.notna(), o["employed"], 0.0)
    o["salary_bill"] = np.where(sal.notna(), sal * o["employed"], 0.0)
    o["level"] = _levels(o, enrolment)
    sums = [*_COUNTS, "salary_w", "salary_bill"]
    school = o[["region", "school", "specialty", "level", "year", *sums]].assign(scope="school")
    region = o.groupby(["region", "specialty", "level", "year"], as_index=False, dropna=False)[sums].sum()
    region = add_parent_regions(region, regions, ["specialty", "level", "year"], sums)
    region = region.assign(scope="region", school=ALL_SCHOOLS)
    q = pd.concat([region, school], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        q["starting_salary"] = q["salary_bill"] / q["salary_w"]
        grad = q["graduates"].where(q["graduates"] > 0)
        if std.employed_includes_further_study:
            q["destination_rate"] = q["employed"] / grad
            q["employment_rate"] = (q["employed"] - q["further_study"]) / grad
            working = (q["employed"] - q["further_study"]).where(lambda x: x > 0)
        else:
            q["destination_rate"] = (q["employed"] + q["further_study"]) / grad
            q["employment_rate"] = q["employed"] / grad
            working = q["employed"].where(q["employed"] > 0)
        q["matched_rate"] = q["matched"] / working
    if employment is not None and "wage" in employment and has_salary:
        q = q.merge(regional_monthly_wage(employment, regions), on=["region", "year"], how="left")
    else:
        q["monthly_wage"] = np.nan
    q["salary_ratio"] = q["starting_salary"] / q["monthly_wage"]
    q = q.rename(columns={"monthly_wage": "regional_monthly_wage"})
    keys = ["scope", "region", "school", "specialty", "level"]
    q = q.sort_values([*keys, "year"], kind="stable").reset_index(drop=True)
    for ind in QUALITY_INDICATORS:
        q[f"{ind}_trend"] = _slopes(q, keys, ind, std.trend_years)
        q[f"{ind}_years_below"] = _runs(q, keys, ind, std.standards[ind])
    cols = [*keys, "year", *_COUNTS, *QUALITY_INDICATORS, "starting_salary", "regional_monthly_wage",
            *[f"{i}_{k}" for i in QUALITY_INDICATORS for k in ("trend", "years_below")]]
    return q[cols]


def _check_definition(o: pd.DataFrame, std: QualityStandards) -> None:
    """The chosen definition must be consistent with the counts (never clip a rate above 1)."""
    if std.employed_includes_further_study:
        bad = o["further_study"] > o["employed"]
        expected = ("further_study <= employed (quality.toml says employed includes further study; "
                    "set definition.employed_includes_further_study = false if it does not)")
        expected_zh = ("further_study（升学人数）不大于 employed（就业人数）：配置文件 quality.toml 规定就业人数"
                       "包含升学；若不包含，请设 definition.employed_includes_further_study = false")
    else:
        bad = o["employed"] + o["further_study"] > o["graduates"] * (1 + 1e-9)
        expected = ("employed + further_study <= graduates (quality.toml says employed excludes further "
                    "study; set definition.employed_includes_further_study = true if it includes it)")
        expected_zh = ("employed + further_study（就业人数 + 升学人数）不大于 graduates（毕业生数）："
                       "配置文件 quality.toml 规定就业人数不含升学；若包含，"
                       "请设 definition.employed_includes_further_study = true")
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())[:20]
        raise InputError([Problem("outcomes", "employed", int(i) + 2,
                                  o.iloc[i][["employed", "further_study", "graduates"]].tolist(), expected,
                                  expected_zh)
                          for i in rows])


def _levels(o: pd.DataFrame, enrolment: pd.DataFrame | None) -> pd.Series:
    """Level of each outcomes row from the enrolment table (by region, school, specialty)."""
    if enrolment is None or "level" not in enrolment:
        return pd.Series(pd.NA, index=o.index, dtype="object")
    e = enrolment.assign(specialty=enrolment["specialty"].astype(str), school=enrolment["school"].astype(str))
    e = e.sort_values("year").drop_duplicates(["region", "school", "specialty"], keep="last")
    key = ["region", "school", "specialty"]
    return o[key].merge(e[[*key, "level"]], on=key, how="left")["level"].set_axis(o.index)
