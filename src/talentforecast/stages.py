"""Wires the stage modules into the annual run, in data-flow order.

Each stage takes the :class:`~talentforecast.pipeline.Run` built so far and returns the tables it
adds. Nested progress bars are silenced: the run shows one bar over the stages.
"""

from __future__ import annotations

import pandas as pd

from talentforecast.errors import ConfigError
from talentforecast.pipeline import Run, register_stage

STAGE_PARAMS = ("demand", "supply", "matching", "warning")


def _opts(run: Run) -> dict:
    o = run.options
    return {"horizon": o["horizon"], "level": tuple(o["level"]), "seed": o["seed"], "n_jobs": o["n_jobs"]}


def stage_params(run: Run, stage: str):
    params = run.options.get("params") or {}
    unknown = sorted(set(params) - set(STAGE_PARAMS))
    if unknown:
        raise ConfigError(f"run params: unknown stage(s) {unknown}; expected keys among {list(STAGE_PARAMS)}")
    return params.get(stage)


def _tables(run: Run, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    return {n: run.tables[n] for n in names if n in run.tables}


DEMAND_TABLES = ("employment_forecast", "openings", "vocational_openings", "specialty_demand",
                 "occupation_demand", "labour_market_conditions", "unallocated", "allocation_weights")
SUPPLY_TABLES = ("supply", "completion_rates", "further_study_rates", "enrolment_forecast")


def demand_stage(run: Run) -> dict[str, pd.DataFrame]:
    from talentforecast.demand import compute_demand

    return compute_demand(run.bundle, scenario=run.options["scenario"], params=stage_params(run, "demand"),
                          progress=False, **_opts(run))


def supply_stage(run: Run) -> dict[str, pd.DataFrame]:
    from talentforecast.supply import compute_supply

    return compute_supply(run.bundle, params=stage_params(run, "supply"), progress=False, **_opts(run))


def matching_stage(run: Run) -> dict[str, pd.DataFrame]:
    from talentforecast.matching import compute_matching

    return compute_matching(run.bundle, _tables(run, DEMAND_TABLES), _tables(run, SUPPLY_TABLES),
                            params=stage_params(run, "matching"), seed=run.options["seed"],
                            lang=run.options["lang"])


register_stage("demand", demand_stage)
register_stage("supply", supply_stage)
register_stage("matching", matching_stage)


WARNING_INPUTS = ("matches", "quality", "duplication", "vocational_openings", "completion_rates", "participation",
                  "labour_market_conditions")


def warning_stage(run: Run) -> dict[str, pd.DataFrame]:
    from talentforecast.warning import evaluate_warnings

    p = dict(stage_params(run, "warning") or {})
    unknown = sorted(set(p) - {"history", "quality_weights", "proposal_params", "overrides"})
    if unknown:
        raise ConfigError(f"run params['warning']: unknown key(s) {unknown}; "
                          "expected history, quality_weights, proposal_params, overrides")
    tables = {**run.bundle.tables, **_tables(run, WARNING_INPUTS)}
    return evaluate_warnings(tables, policy=run.options["policy"], as_of=run.options["as_of"],
                             lang=run.options["lang"], history=p.get("history"),
                             quality_weights=p.get("quality_weights"),
                             proposal_params=p.get("proposal_params"), overrides=p.get("overrides"))


def retrospective_stage(run: Run) -> dict[str, pd.DataFrame]:
    """With ``retrospective`` set, re-run the chain as of earlier years and score those warnings."""
    from talentforecast.retrospective import retrospective_years, score_against

    years = retrospective_years(run)
    if not years:
        return {}
    return score_against(run, years)


register_stage("warning", warning_stage)
register_stage("retrospective", retrospective_stage)
