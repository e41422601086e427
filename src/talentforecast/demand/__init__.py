"""Demand stage: employment forecast → openings (expansion + replacement) → vocational openings →
specialty and occupation demand, with key-industry scenarios and recent labour-market conditions.

Each step is a function over tidy tables; :func:`compute_demand` chains them for a bundle.
Intervals are propagated by simulation (see :mod:`talentforecast.demand.paths`).

Example:
    >>> import talentforecast as tf
    >>> out = tf.demand.compute_demand(tf.datasets.load_example(), horizon=3)  # doctest: +SKIP
    >>> sorted(out)[:3]  # doctest: +SKIP
    ['demand_parameters', 'elasticities', 'employment_forecast']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.demand.allocation import allocate, normalise_weights
from talentforecast.demand.conditions import labour_market_conditions
from talentforecast.demand.coverage import missing_industries, raise_if_missing
from talentforecast.demand.destinations import (
    destination_counts,
    destination_settings,
    level_split,
    posterior_weights,
    weight_factors,
)
from talentforecast.demand.employment import employment_table, forecast_leaves, leaf_employment
from talentforecast.demand.openings import openings, openings_paths, openings_table
from talentforecast.demand.params import (
    DemandParams,
    key_industries,
    rates_for,
    replacement_rates,
    vocational_shares,
)
from talentforecast.demand.paths import TOTAL, cross_correlation, paths_from_forecast
from talentforecast.demand.scenario import (
    SCENARIOS,
    Scenario,
    apply_scenario,
    elasticities,
    load_scenario,
    scenario_comparison,
    scenario_flags,
)
from talentforecast.demand.uncertainty import (
    crosswalk_sd,
    demand_sensitivity,
    draw_parameters,
    entrant_share_range,
)

EXAMPLE_SCENARIO = SCENARIOS / "example_key_industries.toml"

__all__ = [
    "EXAMPLE_SCENARIO",
    "TOTAL",
    "DemandParams",
    "Scenario",
    "allocate",
    "compute_demand",
    "entrant_share_range",
    "offered_specialties",
    "elasticities",
    "industry_coverage",
    "missing_industries",
    "key_industries",
    "labour_market_conditions",
    "load_scenario",
    "openings",
    "replacement_rates",
    "scenario_comparison",
    "scenario_flags",
    "vocational_shares",
]


def _crosswalk(bundle, p: DemandParams, industries: list[str]) -> pd.DataFrame:
    from talentforecast import catalogs

    cw = bundle.get("specialty_industry")
    if cw is None:
        cw = catalogs.specialty_industry(p.specialty_industry, industries=industries)
    cw = cw.copy()
    cw["specialty"] = cw["specialty"].astype(str)
    cw["industry"] = cw["industry"].astype(str)
    if p.allocate_over == "offered":
        cw = cw[cw["specialty"].isin(offered_specialties(bundle, p.offered_window))]
    levels = None
    if "level" not in cw:
        spec = catalogs.specialties()
        levels = spec.drop_duplicates("specialty").set_index("specialty")["level"]
    return normalise_weights(cw, levels)


def _posterior_crosswalk(bundle, p: DemandParams, industries: list[str]):
    """Rule crosswalk mapped onto the employment table's industries, updated by destinations."""
    from talentforecast.demand.params import section_of

    cw = _crosswalk(bundle, p, industries)
    present = set(industries)
    if not set(cw["industry"]) & present or not set(cw["industry"]) <= present:
        cw = cw.assign(industry=[i if i in present else section_of(i) for i in cw["industry"]])
        cw = normalise_weights(cw.groupby(["specialty", "industry", "level"], as_index=False)["weight"].sum())
    st = destination_settings(p.parameter_ranges)
    kappa = float(p.prior_strength) if p.prior_strength is not None else st["prior_strength"]
    counts, unmapped = destination_counts(bundle.get("destinations"), present, st["window"])
    w, evidence = posterior_weights(cw, counts, kappa)
    return w, evidence, unmapped


def _central_vocational(o, shares: pd.DataFrame) -> pd.DataFrame:
    """Central vocational openings per (industry, level), all leaves, summed over the forecast years."""
    from talentforecast.demand.allocation import vocational_matrix

    vkeys, mv = vocational_matrix(o.keys, shares)
    return vkeys.assign(value=np.asarray(mv @ o.point[:, ~o.observed]).sum(axis=1))


def industry_coverage(bundle, params: DemandParams | dict | None = None) -> pd.DataFrame:
    """Industries the crosswalk sends demand to but the bundle's employment table lacks.

    Usable before a run (``validate``); the run stops on rows with ``action == "error"`` (see
    :mod:`talentforecast.demand.coverage` and the demand parameter ``missing_industries``).

    Example:
        >>> import talentforecast as tf
        >>> industry_coverage(tf.datasets.load_example())[["industry", "action"]].values.tolist()
        [['T', 'accepted_zero']]
    """
    from talentforecast import catalogs

    p = DemandParams.coerce(params)
    cw = bundle.get("specialty_industry")
    if cw is None:
        cw = catalogs.specialty_industry(p.specialty_industry)
    if "level" not in cw:
        spec = catalogs.specialties().drop_duplicates("specialty").set_index("specialty")["level"]
        cw = cw.assign(level=cw["specialty"].astype(str).map(spec).fillna(""))
    offered = offered_specialties(bundle, p.offered_window) if p.allocate_over == "offered" else None
    present = bundle["employment"]["industry"].astype(str).unique()
    return missing_industries(present, cw, offered, p.missing_industries, tuple(p.zero_industries))


def offered_specialties(bundle, window: int = 3) -> set[str]:
    """Specialties the region offers: enrolled or had students in the last ``window`` observed years,
    or planned in ``enrolment_plan``.

    Example:
        >>> import talentforecast as tf
        >>> "730301" in offered_specialties(tf.datasets.load_example())
        True
    """
    enr = bundle.get("enrolment")
    out: set[str] = set()
    if enr is not None and len(enr):
        recent = enr[enr["year"] > int(enr["year"].max()) - window]
        out |= set(recent.loc[(recent["enrolled"] > 0) | (recent["in_school"] > 0), "specialty"])
    plan = bundle.get("enrolment_plan")
    if plan is not None:
        out |= set(plan.loc[plan["planned"] > 0, "specialty"])
    return out


def compute_demand(bundle, horizon: int = 5, scenario: str | Path | Scenario | None = None,
                   params: DemandParams | dict | None = None, level: tuple[int, ...] = (80, 95),
                   seed: int = 0, n_jobs: int = 1, progress: bool = False) -> dict[str, pd.DataFrame]:
    """Run the demand stage on a bundle.

    Returns ``employment_forecast``, ``openings``, ``vocational_openings``, ``specialty_demand``,
    ``occupation_demand``, ``labour_market_conditions`` (when the bundle has ``postings``), plus the
    parameters used: ``demand_parameters`` (ρ and v per industry), ``allocation_weights``
    (rules prior and destinations posterior), ``allocation_evidence`` (per specialty: evidence
    or rules, graduates observed, distance from the rules), ``unallocated``, ``missing_industries``, ``demand_sensitivity`` (point demand of the planning
    region with each parameter at the ends of its range) and, with a scenario, ``scenario_effects`` (per target
    × leaf), ``scenario_flags`` (path targets below the trend), ``scenario_comparison`` (scenario
    against baseline per region × industry × year) and, with value-added targets, ``elasticities``.
    With ``scenario`` every table holds the baseline and the scenario rows (``scenario`` column).

    Example:
        >>> import talentforecast as tf
        >>> out = compute_demand(tf.datasets.load_example(), horizon=3,
        ...                      scenario=EXAMPLE_SCENARIO)  # doctest: +SKIP
        >>> sorted(out["openings"].scenario.unique())  # doctest: +SKIP
        ['baseline', 'key_industries']
    """
    p = DemandParams.coerce(params)
    coverage = industry_coverage(bundle, p)
    raise_if_missing(coverage)
    regions = bundle.get("regions")
    emp_in = leaf_employment(bundle["employment"], regions)
    fc = forecast_leaves(emp_in, horizon, level, p.models, seed, n_jobs, progress, reconcile=p.reconcile)
    rho_c = cross_correlation(emp_in) if p.correlation == "estimate" else float(p.correlation)
    base = paths_from_forecast(fc, p.n_paths, seed, rho_c)
    runs = [("baseline", base)]
    out: dict[str, list[pd.DataFrame]] = {}
    if scenario is not None:
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(
            scenario, key_industries(p.key_industries) if p.key_industries else None)
        el = elasticities(emp_in) if any(t.kind.startswith("value_added") for t in sc.targets) else None
        sc_paths, effects = apply_scenario(base, sc, emp_in, el, seed)
        runs.append((sc.name, sc_paths))
        out["scenario_effects"] = [effects]
        out["scenario_flags"] = [scenario_flags(effects)]
        if el is not None:
            out["elasticities"] = [el]
    rates = replacement_rates(p.replacement_rates, p.rate_overrides)
    shares = vocational_shares(p.vocational_shares)
    if p.level_split == "destinations":  # opt-in: the observed split follows the local supply mix
        st = destination_settings(p.parameter_ranges)
        kappa = float(p.prior_strength) if p.prior_strength is not None else st["prior_strength"]
        shares = level_split(shares, bundle.get("destinations"), kappa, st["window"])
    shares["share"] = shares["share"] * p.entrant_share  # V counts openings open to school-leavers
    rho = rates_for(base.keys, rates)
    entrant = entrant_share_range(p.parameter_ranges, p.entrant_share)
    draws = draw_parameters(base.keys, rates, shares, entrant, p.n_paths, seed) if p.sample_parameters else None
    cw_sd = crosswalk_sd(p.parameter_ranges)
    industries = list(dict.fromkeys(base.keys["industry"]))
    cw, evidence, unmapped = _posterior_crosswalk(bundle, p, industries)
    cw_fac = None
    staffing = bundle.get("staffing")
    spec_occ = None
    if staffing is None:
        from talentforecast import catalogs

        spec_occ = catalogs.specialty_occupation()
    for name, emp in runs:
        emp_tab = employment_table(emp, regions, fc, level, name)
        if p.reconcile != "bottom_up":  # aggregates are sums of reconciled leaves, equal to the reconciled totals
            emp_tab["model"] = emp_tab["model"].replace("bottom_up_sum", f"sum+{p.reconcile}")
        out.setdefault("employment_forecast", []).append(emp_tab)
        op = openings_paths(emp, rho, regions, None if draws is None else draws["rho"])
        out.setdefault("openings", []).append(openings_table(op, regions, level, name))
        out.setdefault("demand_sensitivity", []).append(
            demand_sensitivity(emp, rates, shares, entrant, cw, regions, name, cw_sd))
        o = op["openings"]
        if p.sample_parameters and cw_fac is None:
            # weight draws (Dirichlet per specialty + mass factor) from the baseline's central openings
            cw_fac = weight_factors(cw, _central_vocational(o, shares), cw_sd, p.n_paths, seed)
        # the vocational-share and entrant-share draws scale each path's openings open to school-leavers
        o_v = o if draws is None else o.with_values(o.point, o.samples * draws["scale"][:, :, None])
        for k, v in allocate(o_v, regions, shares, cw, staffing, spec_occ, level, name, cw_fac).items():
            out.setdefault(k, []).append(v)
    tables = {k: pd.concat(v, ignore_index=True) for k, v in out.items()}
    if scenario is not None:
        tables["scenario_comparison"] = scenario_comparison(tables["employment_forecast"], tables["openings"])
    tables["unallocated"] = tables["unallocated"].drop_duplicates().reset_index(drop=True)
    params_tab = base.keys.assign(replacement_rate=rho).merge(
        shares.pivot(index="industry", columns="level", values="share").reset_index(), on="industry", how="left")
    params_tab = params_tab.assign(replacement_rate_low=rates_for(base.keys, rates, "rate_low"),
                                   replacement_rate_high=rates_for(base.keys, rates, "rate_high"))
    params_tab["entrant_share"] = p.entrant_share
    params_tab["level_split"] = p.level_split
    params_tab["entrant_share_low"], params_tab["entrant_share_high"] = entrant["low"], entrant["high"]
    params_tab["parameters_sampled"] = p.sample_parameters
    params_tab["crosswalk_relative_sd"] = cw_sd
    params_tab["correlation"] = rho_c
    params_tab["n_paths"] = p.n_paths
    tables["demand_parameters"] = params_tab
    tables["allocation_weights"] = cw
    tables["allocation_evidence"] = evidence
    if len(unmapped):
        tables["unallocated"] = pd.concat([tables["unallocated"], unmapped.assign(stage="destinations")
                                           [["industry", "level", "stage"]].drop_duplicates()], ignore_index=True)
    tables["missing_industries"] = coverage
    postings = bundle.get("postings")
    if postings is not None:
        tables["labour_market_conditions"] = labour_market_conditions(postings, regions, p.conditions_window)
    return tables
