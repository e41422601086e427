"""The annual run's stages, declared once with their inputs and outputs (see :mod:`talentforecast.graph`).

Every stage function has one shape, ``func(tables, params) -> dict[str, DataFrame]``: ``tables``
maps table names to DataFrames (input tables and tables earlier stages made), ``params`` holds the
run options (:data:`talentforecast.graph.DEFAULTS`; missing keys take their defaults). A stage
called alone gives the same numbers as inside :func:`talentforecast.run`.

Example:
    >>> import talentforecast as tf
    >>> from talentforecast.stages import STAGES, inputs_stage
    >>> [s.name for s in STAGES]
    ['inputs', 'demand', 'supply', 'matching', 'warning', 'retrospective']
    >>> out = inputs_stage(tf.datasets.load_example().tables, {})
    >>> sorted(out)
    ['catalogue_summary', 'input_summary', 'provision', 'regions']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from talentforecast.errors import ConfigError
from talentforecast.graph import Stage, execute, options
from talentforecast.schema import TABLES

INPUT_TABLES = tuple(TABLES)
STAGE_PARAMS = ("demand", "supply", "matching", "warning")


def stage_params(params: Mapping[str, Any], stage: str):
    """The per-stage overrides of ``params["params"]`` for ``stage`` (unknown stage keys are an error)."""
    over = params.get("params") or {}
    unknown = sorted(set(over) - set(STAGE_PARAMS))
    if unknown:
        raise ConfigError(f"run params: unknown stage(s) {unknown}; expected keys among {list(STAGE_PARAMS)}",
                          zh=f"运行参数 params 中有未知的阶段 {unknown}；可用的键：{list(STAGE_PARAMS)}")
    return over.get(stage)


def inputs_stage(tables: Mapping[str, pd.DataFrame], params: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Summaries of the input tables and catalogues, the regions, and which school offers what."""
    from talentforecast import catalogs

    rows = []
    for name in sorted(n for n in tables if n in INPUT_TABLES):
        df = tables[name]
        years = df["year"] if "year" in df else pd.Series(dtype="Int64")
        rows.append({"table": name, "rows": len(df),
                     "first_year": int(years.min()) if len(years) else None,
                     "last_year": int(years.max()) if len(years) else None,
                     "regions": int(df["region"].nunique()) if "region" in df else None})
    cat = catalogs.specialties()
    cat_summary = cat.groupby("level", sort=True).agg(specialties=("specialty", "size"),
                                                      categories=("category_name", "nunique")).reset_index()
    out = {"input_summary": pd.DataFrame(rows), "catalogue_summary": cat_summary}
    if tables.get("regions") is not None:
        out["regions"] = tables["regions"].copy()
    if tables.get("enrolment") is not None:
        out["provision"] = provision_table(tables["enrolment"])
    return out


def provision_table(enrolment: pd.DataFrame) -> pd.DataFrame:
    """Which school offers what (rows with enrolment > 0); the dashboard filters by school with it.

    Example:
        >>> e = pd.DataFrame({"region": "R", "school": ["A", "B"], "specialty": "S", "level": "中职",
        ...                   "year": 2024, "enrolled": [10, 0], "in_school": 30, "graduates": 9})
        >>> provision_table(e)["school"].tolist()
        ['A']
    """
    keys = ["region", "school", "specialty", "level", "year"]
    return (enrolment[enrolment["enrolled"] > 0].groupby(keys, as_index=False, sort=True)
            [["enrolled", "in_school", "graduates"]].sum())


def _common(p: Mapping[str, Any]) -> dict:
    return {"horizon": p["horizon"], "level": tuple(p["level"]), "seed": p["seed"], "n_jobs": p["n_jobs"]}


def demand_stage(tables: Mapping[str, pd.DataFrame], params: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Employment forecast, openings and demand by industry, level, specialty and occupation."""
    from talentforecast.demand import compute_demand

    p = options(params)
    return compute_demand(tables, scenario=p["scenario"], params=stage_params(p, "demand"), progress=False,
                          **_common(p))


def supply_stage(tables: Mapping[str, pd.DataFrame], params: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Enrolment forecast, graduates and labour-market supply per specialty."""
    from talentforecast.supply import compute_supply

    p = options(params)
    return compute_supply(tables, params=stage_params(p, "supply"), progress=False, **_common(p))


DEMAND_TABLES = ("employment_forecast", "openings", "vocational_openings", "specialty_demand",
                 "occupation_demand", "labour_market_conditions", "unallocated", "allocation_weights",
                 "demand_sensitivity", "allocation_evidence")
SUPPLY_TABLES = ("supply", "completion_rates", "further_study_rates", "enrolment_forecast", "supply_parameters",
                 "supply_sources")


def matching_stage(tables: Mapping[str, pd.DataFrame], params: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """S/D with intervals, employment quality, duplication, structure match, shortage occupations."""
    from talentforecast.matching import compute_matching

    p = options(params)
    demand = {n: tables[n] for n in DEMAND_TABLES if n in tables}
    supply = {n: tables[n] for n in SUPPLY_TABLES if n in tables}
    return compute_matching(tables, demand, supply, params=stage_params(p, "matching"), seed=p["seed"],
                            lang=p["lang"])


WARNING_PARAMS = ("history", "quality_weights", "proposal_params", "overrides")


def warning_stage(tables: Mapping[str, pd.DataFrame], params: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Warning levels with reasons, new-specialty proposals and the quality ranking."""
    from talentforecast.warning import evaluate_warnings

    p = options(params)
    w = dict(stage_params(p, "warning") or {})
    unknown = sorted(set(w) - set(WARNING_PARAMS))
    if unknown:
        raise ConfigError(f"run params['warning']: unknown key(s) {unknown}; expected {', '.join(WARNING_PARAMS)}",
                          zh=f"运行参数 params['warning'] 中有未知的键 {unknown}；可用的键：{'、'.join(WARNING_PARAMS)}")
    return evaluate_warnings(dict(tables), policy=p["policy"], as_of=p["as_of"], lang=p["lang"],
                             history=w.get("history"), quality_weights=w.get("quality_weights"),
                             proposal_params=w.get("proposal_params"), overrides=w.get("overrides"))


RETROSPECTIVE_TABLES = ("retrospective_scores", "retrospective_confusion", "retrospective_detail",
                        "retrospective_calibration", "retrospective_contrast", "retrospective_accuracy",
                        "retrospective_outcomes")
CHAIN = ("inputs", "demand", "supply", "matching", "warning")
DEFAULT_LAGS = (1, 2, 3)  # horizons scored: outcomes 1–3 years after the warning


def retrospective_years(params: Mapping[str, Any]) -> list[int]:
    """The as-of years asked for by the option ``retrospective`` (True → the default two)."""
    opt = params.get("retrospective")
    if not opt:
        return []
    last = int(params["as_of"])
    years = [last - 1 - max(DEFAULT_LAGS), last - max(DEFAULT_LAGS)] if opt is True else [int(y) for y in opt]
    for y in years:
        if y + min(DEFAULT_LAGS) > last:
            raise ConfigError(f"retrospective as-of year {y}: needs observed data for {y + min(DEFAULT_LAGS)}; "
                              f"the run's data end in {last}",
                              zh=f"回溯检验的基准年 {y}：需要 {y + min(DEFAULT_LAGS)} 年的实际数据，"
                                 f"但本次运行的数据只到 {last} 年")
    return years


def truncate(tables: Mapping[str, pd.DataFrame], as_of: int | None) -> dict[str, pd.DataFrame]:
    """Input tables with the rows after ``as_of`` left out (plans are kept: they look ahead).

    Each table records ``rows_before_as_of`` in ``.attrs`` so the manifest counts what was left out.
    """
    if as_of is None:
        return dict(tables)
    out = {}
    for n, df in tables.items():
        cut = df[df["year"] <= as_of].reset_index(drop=True) if "year" in df and n != "enrolment_plan" else df
        cut.attrs = {**df.attrs, "rows_before_as_of": len(df)}
        out[n] = cut
    return out


def retrospective_stage(tables: Mapping[str, pd.DataFrame], params: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """With ``retrospective`` set, re-run the chain as of earlier years and score those warnings
    against what was observed later (never against a projection), beside naive baselines."""
    from talentforecast.evaluation import input_accuracy, observed_outcomes, score_detail, summarise

    p = options(params)
    years = retrospective_years(p)
    if not years:
        return {}
    last = int(p["as_of"])
    inputs = {n: df for n, df in tables.items() if n in INPUT_TABLES}
    early_opts = {k: v for k, v in p.items() if k not in ("as_of", "retrospective")}
    details, accuracy = [], []
    for y in years:
        early = execute(STAGES, truncate(inputs, y), {**early_opts, "as_of": y}, wanted=CHAIN)
        lags = [h for h in DEFAULT_LAGS if y + h <= last]
        # the outcome side reads the observed inputs only (truncated at the run's as_of)
        observed = truncate(inputs, last)
        details.append(score_detail(early["warnings"], observed, horizons=lags))
        accuracy.append(input_accuracy(early, observed, y, lags))
    detail = pd.concat(details, ignore_index=True)
    out = summarise(detail, seed=int(p["seed"] or 0), lang="en" if p["lang"] == "en" else "zh")
    out["retrospective_detail"] = detail
    out["retrospective_accuracy"] = pd.concat(accuracy, ignore_index=True)
    out["retrospective_outcomes"] = observed_outcomes(truncate(inputs, last))
    return out


STAGES: tuple[Stage, ...] = (
    Stage("inputs", inputs_stage, optional=INPUT_TABLES,
          outputs=("input_summary", "catalogue_summary", "regions", "provision")),
    Stage("demand", demand_stage, inputs=("employment",),
          optional=("regions", "staffing", "postings", "specialty_industry", "enrolment", "enrolment_plan",
                    "destinations"),
          outputs=(*DEMAND_TABLES, "demand_parameters", "elasticities", "scenario_effects", "missing_industries",
                   "scenario_flags", "scenario_comparison")),
    Stage("supply", supply_stage, inputs=("enrolment",),
          optional=("regions", "population", "enrolment_plan", "outcomes"),
          outputs=(*SUPPLY_TABLES, "participation")),
    Stage("matching", matching_stage, inputs=("specialty_demand", "supply", "outcomes", "enrolment"),
          optional=("regions", "employment", "specialty_industry", "occupation_demand",
                    *(t for t in DEMAND_TABLES + SUPPLY_TABLES if t not in ("specialty_demand", "supply"))),
          any_of=(("vocational_openings", "openings"),),
          outputs=("matches", "quality", "duplication", "structure_match", "structure_deviation",
                   "shortage_occupations", "sensitivity", "family_view")),
    Stage("warning", warning_stage, inputs=("matches", "quality", "duplication", "enrolment", "regions"),
          optional=("vocational_openings", "outcomes", "specialty_industry", "completion_rates", "participation",
                    "labour_market_conditions", "postings", "province_enrolment", "demand_parameters"),
          outputs=("warnings", "proposals", "quality_ranking", "warning_exit_list", "warning_expand_list")),
    Stage("retrospective", retrospective_stage, inputs=("matches", "quality", "warnings"),
          optional=(*INPUT_TABLES, "duplication", "vocational_openings", "completion_rates", "participation",
                    "labour_market_conditions"),
          outputs=RETROSPECTIVE_TABLES),
)
