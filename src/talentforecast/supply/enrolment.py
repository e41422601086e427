"""Enrolment forecast: school-age population × participation rate × specialty share.

Per region and level, the participation rate ``p = entrants / school-age population`` (entry
ages in ``params.toml [entry_age]``) is forecast with the forecasting engine and multiplied by
the projected population (:mod:`talentforecast.supply.population`). Where a region has no
population rows, or the population cannot be projected over the horizon, the region-level
entrant total is forecast directly as a time series (``method = "time_series"``). Totals are
split over specialties with shares forecast as compositions (:mod:`talentforecast.supply.shares`).

Planned enrolment (``enrolment_plan``) overrides the forecast for the planned years: a
region-specialty-year gets the planned total of the schools with a plan row plus the forecast
times the share the schools *without* a plan row had in the last observed year
(``method = "plan"`` when every school is planned, ``"plan+forecast"`` otherwise).

Example:
    >>> from talentforecast.supply.enrolment import forecast_enrolment
    >>> # fc = forecast_enrolment(bundle.tables["enrolment"], horizon=5,
    >>> #                         population=bundle.get("population"))
    >>> # fc.table.query("not observed").head()
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from talentforecast.supply._engine import Forecaster, forecast_normal
from talentforecast.supply.cohort import aggregate_enrolment
from talentforecast.supply.params import load_params
from talentforecast.supply.population import check_bands, school_age_population
from talentforecast.supply.shares import fit_shares

KEY = ["region", "level", "specialty"]


@dataclass
class EnrolmentForecast:
    """``table``: region, specialty, level, year, value, lo_*/hi_*, unit, observed, method;
    ``draws[(region, level, specialty)]``: entrant draws (n_draws, horizon) for ``years``;
    ``participation``: region, level, year, population, participation, observed, method.

    Example:
        >>> enr = pd.DataFrame({"region": "A", "school": "s1", "specialty": "660101", "level": "中职",
        ...                     "year": [2020, 2021, 2022, 2023], "enrolled": [100, 110, 120, 130],
        ...                     "in_school": 300, "graduates": 90})
        >>> fc = forecast_enrolment(enr, horizon=2, params={"forecast": {"models": "drift"}})
        >>> fc.years, sorted(fc.draws), fc.draws[("A", "中职", "660101")].shape
        ([2024, 2025], [('A', '中职', '660101')], (500, 2))
    """

    table: pd.DataFrame
    years: list[int]
    draws: dict[tuple, np.ndarray] = field(default_factory=dict)
    participation: pd.DataFrame | None = None


def _plan_override(plan: pd.DataFrame, enrolment: pd.DataFrame, last_year: int, years: list[int],
                   n: int, point: dict, draws: dict, method: dict) -> None:
    plan = plan[plan["year"].isin(years)]
    if plan.empty:
        return
    base = enrolment[enrolment["year"] == last_year]
    for (region, level, spec, year), rows in plan.groupby(["region", "level", "specialty", "year"]):
        j = years.index(int(year))
        schools = set(rows["school"])
        last = base[(base.region == region) & (base.specialty == spec)]
        total = float(last["enrolled"].sum())
        unplanned = float(last.loc[~last["school"].isin(schools), "enrolled"].sum())
        u = unplanned / total if total > 0 else 0.0
        key = (region, level, spec)
        if key not in point:
            point[key] = np.zeros(len(years))
            draws[key] = np.zeros((n, len(years)))
            method[key] = ["not_offered"] * len(years)
        planned = float(rows["planned"].sum())
        point[key][j] = planned + u * point[key][j]
        draws[key][:, j] = planned + u * draws[key][:, j]
        method[key][j] = "plan+forecast" if u > 0 else "plan"


def forecast_enrolment(enrolment: pd.DataFrame, horizon: int, population: pd.DataFrame | None = None,
                       plan: pd.DataFrame | None = None, params: dict | None = None,
                       level: tuple[int, ...] = (80, 95), seed: int = 0, n_jobs: int = 1,
                       progress: bool = False, forecaster: Forecaster | None = None) -> EnrolmentForecast:
    """Forecast entrants per region, level and specialty for ``horizon`` years after the data.

    ``population`` (census bands) turns the forecast into population × participation; without it
    each region-level total is forecast as a time series. ``plan`` (``enrolment_plan``) overrides
    the planned years; ``params`` overrides ``supply/data/params.toml`` (see :func:`load_params`).

    Example:
        >>> enr = pd.DataFrame({"region": "A", "school": "s1", "specialty": "660101", "level": "中职",
        ...                     "year": [2020, 2021, 2022, 2023], "enrolled": [100, 110, 120, 130],
        ...                     "in_school": 300, "graduates": 90})
        >>> fc = forecast_enrolment(enr, horizon=2, params={"forecast": {"models": "drift"}})
        >>> fc.table.query("not observed")[["year", "value", "method"]].values.tolist()
        [[2024, 140.0, 'time_series'], [2025, 150.0, 'time_series']]
    """
    p = load_params(params)
    n = p["simulation"]["n_draws"]
    agg = aggregate_enrolment(enrolment)
    last_year = int(agg["year"].max())
    years = list(range(last_year + 1, last_year + horizon + 1))
    totals = agg.groupby(["region", "level", "year"], as_index=False)["enrolled"].sum()
    if population is not None and len(population):
        check_bands(population)
    series, meta, part_rows = [], {}, []
    for (region, lev), d in totals.groupby(["region", "level"], sort=True):
        d = d.sort_values("year")
        sap = None
        if population is not None and len(population):
            sap = school_age_population(population[population["region"] == region],
                                        tuple(p["entry_age"][lev]), [*d["year"].tolist(), *years],
                                        p["population"]["annual_survival"])
            sap = sap.set_index("year")["population"]
        uid = f"{region}|{lev}"
        if sap is not None and (sap.reindex([*d["year"], *years]) > 0).all():
            hist = d[d["year"].isin(sap.index)]
            rate = hist["enrolled"].to_numpy(float) / sap.loc[hist["year"]].to_numpy(float)
            series.append(pd.DataFrame({"unique_id": uid, "ds": hist["year"].to_numpy(), "y": rate}))
            meta[uid] = ("population", sap.loc[years].to_numpy(float))
            part_rows += [(region, lev, int(y), float(sap.loc[y]), float(r), True, "population")
                          for y, r in zip(hist["year"], rate, strict=True)]
        else:
            series.append(pd.DataFrame({"unique_id": uid, "ds": d["year"].to_numpy(),
                                        "y": d["enrolled"].to_numpy(float)}))
            meta[uid] = ("time_series", np.ones(len(years)))
    fc = forecast_normal(pd.concat(series), horizon, level, seed, n_jobs, progress,
                         nonnegative=True, forecaster=forecaster, models=p["forecast"]["models"])
    fc = {u: g.sort_values("ds") for u, g in fc.groupby("unique_id")}
    shares = fit_shares(agg.rename(columns={"enrolled": "value"}), ["region", "level"], horizon,
                        level, seed, n_jobs, progress, forecaster, p["forecast"]["models"])
    rng = np.random.default_rng(seed)
    point, draws, method = {}, {}, {}
    for uid in sorted(meta):
        region, lev = uid.split("|", 1)
        how, pop = meta[uid]
        m, s = fc[uid]["mean"].to_numpy(float), fc[uid]["sd"].to_numpy(float)
        if how == "population":
            part_rows += [(region, lev, y, float(pp), float(mm), False, "population")
                          for y, pp, mm in zip(years, pop, m, strict=True)]
        tot_point = pop * m
        tot_draws = np.maximum(pop * (m + s * rng.standard_normal((n, 1))), 0.0)  # rates are >= 0
        g = (region, lev)
        specs = shares.specialties.get(g, [])
        if specs:
            sh_point, sh_draws = shares.point(g), shares.draws(g, rng, n)
            for i, spec in enumerate(specs):
                point[(region, lev, spec)] = tot_point * sh_point[i]
                draws[(region, lev, spec)] = tot_draws * sh_draws[:, i, :]
                method[(region, lev, spec)] = [how] * horizon
        for spec in shares.closed.get(g, []):
            point[(region, lev, spec)] = np.zeros(horizon)
            draws[(region, lev, spec)] = np.zeros((n, horizon))
            method[(region, lev, spec)] = ["closed"] * horizon
    if plan is not None and len(plan):
        _plan_override(plan, enrolment, last_year, years, n, point, draws, method)
    keys = sorted(point)
    h = len(years)
    fut = pd.DataFrame({c: np.repeat(np.array([k[i] for k in keys], dtype=object), h) for i, c in enumerate(KEY)})
    fut["year"] = np.tile(np.asarray(years, dtype=np.int64), len(keys))
    fut["value"] = np.array([point[k] for k in keys], dtype=float).reshape(-1)
    # all keys at once, each quantile over a contiguous row of draws (same numbers as per key)
    stacked = np.ascontiguousarray(np.array([draws[k] for k in keys], dtype=float).reshape(len(keys), n, h)
                                   .transpose(0, 2, 1))
    for lv in level:
        q = (1 - lv / 100) / 2
        lo, hi = np.quantile(stacked, [q, 1 - q], axis=2) if keys else np.empty((2, 0, h))
        fut[f"lo_{lv}"], fut[f"hi_{lv}"] = lo.reshape(-1), hi.reshape(-1)
    fut["method"] = [m for k in keys for m in method[k]]
    hist = agg.rename(columns={"enrolled": "value"})[[*KEY, "year", "value"]].assign(method="observed")
    for lv in level:
        hist[f"lo_{lv}"] = hist[f"hi_{lv}"] = hist["value"]
    table = pd.concat([hist.assign(observed=True), fut.assign(observed=False)], ignore_index=True)
    table["unit"] = "persons"
    cols = [*KEY, "year", "value", *[f"{b}_{lv}" for lv in level for b in ("lo", "hi")], "unit",
            "observed", "method"]
    participation = pd.DataFrame(part_rows, columns=["region", "level", "year", "population",
                                                     "participation", "observed", "method"])
    return EnrolmentForecast(table[cols].sort_values([*KEY, "year"]).reset_index(drop=True), years,
                             draws, participation)
