"""Matching stage: supply against demand, employment quality, structure, duplication, shortage catalogue.

Entry point :func:`compute_matching`; each table also has its own function (see ``docs/matching.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from talentforecast.errors import ConfigError, InputError, Problem
from talentforecast.matching.config import (
    Bands,
    DuplicationRule,
    QualityStandards,
    load_bands,
    load_duplication,
    load_quality,
)
from talentforecast.matching.duplication import duplication
from talentforecast.matching.family import family_view
from talentforecast.matching.quality import consecutive_below, employment_quality, trend_slope
from talentforecast.matching.ratios import assign_band, band_labels, match_ratios
from talentforecast.matching.sensitivity import sensitivity
from talentforecast.matching.shortage import occupation_supply, shortage_occupations
from talentforecast.matching.structure import structure_match, supply_by_industry

__all__ = [
    "assign_band", "band_labels", "compute_matching", "consecutive_below", "duplication",
    "employment_quality", "load_bands", "load_duplication", "load_quality", "match_ratios", "sensitivity",
    "occupation_supply", "shortage_occupations", "structure_match", "supply_by_industry", "trend_slope",
]

PARAM_KEYS = ("bands", "quality", "duplication", "shortage", "specialty_industry", "specialty_occupation",
              "industries", "scope", "scope_overrides", "wider_demand")
# demand-stage tables that can stand for demand by industry in the structure match, best first
_INDUSTRY_DEMAND = ("vocational_openings", "openings", "employment_forecast")


def compute_matching(bundle, demand: Mapping[str, pd.DataFrame], supply: Mapping[str, pd.DataFrame],
                     params: Mapping | None = None, seed: int = 0, lang: str = "zh",
                     progress: bool = False) -> dict[str, pd.DataFrame]:
    """Run the matching stage; returns ``matches`` (with ``scope``), ``family_view``, ``quality``,
    ``duplication``, ``structure_match``, ``structure_deviation``, ``shortage_occupations`` and, when the demand tables hold
    ``demand_sensitivity``, ``sensitivity`` (tornado data, :func:`sensitivity`).

    Args:
        bundle: a :class:`talentforecast.bundle.Bundle` (or any mapping with ``.get``) holding the
            input tables ``outcomes``, ``enrolment``, ``employment``, ``regions``, optionally
            ``specialty_industry``.
        demand: the demand stage's tables (``specialty_demand``; ``vocational_openings`` or
            ``openings``; optionally ``occupation_demand``).
        supply: the supply stage's tables (``supply``).
        params: optional overrides, keys ``bands``, ``quality``, ``duplication`` (a TOML path or
            a loaded object), ``specialty_industry``, ``specialty_occupation``, ``industries``
            (DataFrames; default: the bundle's table, else the shipped catalogue), ``scope``
            (labour-market scope table, default ``matching/data/scope.csv``), ``scope_overrides``
            ({specialty: local|provincial|national}) and ``wider_demand`` (region, specialty,
            level, year, value: wider-market demand; see :mod:`talentforecast.matching.scope`).
        seed: seed of the S/D interval simulation.
        lang: language of ``band_label`` ("zh" or "en").

    Example:
        >>> import talentforecast as tf  # doctest: +SKIP
        >>> b = tf.datasets.load_example()  # doctest: +SKIP
        >>> out = compute_matching(b, demand_tables, supply_tables)  # doctest: +SKIP
        >>> sorted(out)  # doctest: +SKIP
        ['duplication', 'matches', 'quality', 'shortage_occupations', 'structure_deviation', 'structure_match']
    """
    p = dict(params or {})
    unknown = sorted(set(p) - set(PARAM_KEYS))
    if unknown:
        raise ConfigError(f"compute_matching params: unknown key(s) {unknown}; expected only {list(PARAM_KEYS)}",
                          zh=f"compute_matching 的参数 params：未知的参数 {unknown}；只能使用 {list(PARAM_KEYS)}")
    bands = _load(p.get("bands"), Bands, load_bands)
    quality_std = _load(p.get("quality"), QualityStandards, load_quality)
    dup_rule = _load(p.get("duplication"), DuplicationRule, load_duplication)
    sd = _need(demand, "specialty_demand", "demand")
    sup = _need(supply, "supply", "supply")
    regions = bundle.get("regions")
    from talentforecast.matching.scope import (
        add_wider_demand,
        apply_scope,
        load_scope,
        specialty_scope,
    )

    wider = p.get("wider_demand")
    sd = add_wider_demand(sd, wider)
    m = match_ratios(sd.drop(columns="wider_demand"), sup, bands, seed=seed, lang=lang, progress=progress)
    scopes = specialty_scope(pd.concat([sd["specialty"], sup["specialty"]]).astype(str),
                             load_scope(p.get("scope")), p.get("scope_overrides"))
    out = {"matches": apply_scope(m, scopes, wider, lang)}
    out["family_view"] = family_view(out["matches"], bands, lang)
    out["quality"] = employment_quality(_need(bundle, "outcomes", "bundle"), bundle.get("employment"),
                                        bundle.get("enrolment"), regions, quality_std)
    out["duplication"] = duplication(_need(bundle, "enrolment", "bundle"), sd, dup_rule, regions)
    si = p.get("specialty_industry")
    if si is None:
        si = bundle.get("specialty_industry")
    if si is None:
        si = _catalogue("specialty_industry")
    ind_demand = next((demand[k] for k in _INDUSTRY_DEMAND if demand.get(k) is not None), None)
    if ind_demand is None:
        raise InputError([Problem("demand", None, None, sorted(demand),
                                  f"one of the tables {list(_INDUSTRY_DEMAND)}",
                                  f"行业需求表 {list(_INDUSTRY_DEMAND)} 之一（现均缺失）")])
    out["structure_match"], out["structure_deviation"] = structure_match(sup, ind_demand, si, p.get("industries"))
    so = p.get("specialty_occupation")
    occ = demand.get("occupation_demand")
    if occ is None:  # no staffing matrix upstream: an empty catalogue with its columns, said in docs
        occ = pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                            [("region", str), ("occupation", str), ("year", int), ("scenario", str),
                             ("value", float)]})
        if so is None:
            so = pd.DataFrame({c: pd.Series(dtype=str) for c in ("specialty", "occupation", "occupation_name")})
    elif so is None:
        so = _catalogue("specialty_occupation")
    out["shortage_occupations"] = shortage_occupations(occ, sup, so, config=p.get("shortage"))
    if demand.get("demand_sensitivity") is not None:  # tornado data (issue 15)
        out["sensitivity"] = sensitivity(demand["demand_sensitivity"], sup, supply.get("supply_parameters"), bands)
    return out


def _load(value, kind: type, loader):
    if value is None or isinstance(value, str | Path):
        return loader(value)
    if isinstance(value, kind):
        return value
    raise ConfigError(f"compute_matching params: got {type(value).__name__}; expected a TOML path or {kind.__name__}",
                      zh=f"compute_matching 的参数 params：值的类型为 {type(value).__name__}；"
                         f"应为 TOML 配置文件路径或 {kind.__name__}")


def _need(tables, name: str, where: str) -> pd.DataFrame:
    df = tables.get(name)
    if df is None:
        raise InputError([Problem(where, None, None, None, f"a table '{name}'", f"表 '{name}'（此表缺失）")])
    return df


def _catalogue(name: str) -> pd.DataFrame:
    """A crosswalk from the shipped catalogues (imported lazily: the catalogue loaders are optional here)."""
    from talentforecast import catalogs

    loader = getattr(catalogs, name, None)
    if loader is None:
        raise InputError([Problem(name, None, None, None,
                                  f"a '{name}' table in params or the bundle (no catalogue loader found)",
                                  f"参数 params 或输入数据中的表 '{name}'（找不到可代替它的内置目录）")])
    return loader()
