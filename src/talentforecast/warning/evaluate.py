"""Entry point of the warning stage: ``evaluate_warnings(tables, policy, as_of)``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from talentforecast.errors import ConfigError, InputError, Problem
from talentforecast.warning import history as hist
from talentforecast.warning.engine import evaluate_key
from talentforecast.warning.enrolment import bound_totals, cohort_growth, without_room
from talentforecast.warning.indicators import (
    KEY,
    build_series,
    contexts,
    matches_table,
    planning_regions,
    quality_table,
    with_relative_ratio,
)
from talentforecast.warning.lists import ranked_lists
from talentforecast.warning.policy import Policy, load_policy
from talentforecast.warning.postings import postings_ratio
from talentforecast.warning.proposals import load_proposal_params, propose
from talentforecast.warning.ranking import load_quality_weights, quality_ranking
from talentforecast.warning.review import REVIEW_COLUMNS, apply_overrides
from talentforecast.warning.rules import ACTIONS
from talentforecast.warning.units import UNITS, programme_tables, region_units, split_programme

WARNING_COLUMNS = ["region", "specialty", "level", "year", "warning_level", "action_zh", "action_en",
                   "reasons", "reason_zh", "reason_en", "probability", "previous_level",
                   "years_at_level", "enrol_lo", "enrol_hi", "action", "reason", "as_of", "policy",
                   "conflict", "insufficient", "planning_unit", "school", "target_intake", "target_lo",
                   "target_hi", "capacity_cap", "enrol_bounded", "last_intake"]


def _with_catalogue(tables: dict) -> dict:
    """Add the catalogue tables (specialties, specialty_industry) unless the caller gave them."""
    tables = dict(tables)
    try:
        from talentforecast import catalogs
    except ImportError:  # pragma: no cover - catalogs is part of the package
        return tables
    for name in ("specialties", "specialty_industry", "specialty_occupation"):
        if name not in tables and hasattr(catalogs, name):
            tables[name] = getattr(catalogs, name)()
    return tables


def default_as_of(tables: dict, scenario: str = "baseline") -> int:
    """The latest observed year: of ``matches`` if given, else of quality/outcomes, else enrolment."""
    m = matches_table(tables, scenario)
    if m is not None and m["observed"].astype(bool).any():
        return int(m.loc[m["observed"].astype(bool), "year"].max())
    q = quality_table(tables)
    if q is not None and not q.empty:
        return int(q["year"].max())
    e = tables.get("enrolment")
    if e is not None and not e.empty:
        return int(e["year"].max())
    raise InputError([Problem("matches", "year", None, None,
                              "observed rows (or a quality/outcomes/enrolment table) to date the warnings",
                              "实际观测行（或质量、去向、招生表），用来确定预警的年份")])


def evaluate_warnings(tables: dict[str, pd.DataFrame], policy: str | Path | list | Policy = "default",
                      as_of: int | None = None, lang: str = "zh", history: pd.DataFrame | None = None,
                      regions: list[str] | str | None = None,
                      quality_weights: str | Path | None = None,
                      proposal_params: str | Path | None = None,
                      units: tuple[str, ...] | list[str] = UNITS,
                      overrides: str | Path | pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Issue warnings for every specialty offered in the planning region(s).

    Args:
        tables: stage tables by name: ``matches``, ``quality`` (or ``outcomes``), ``duplication``,
            ``enrolment``, ``regions``, ``vocational_openings``, ``specialty_industry``,
            ``specialties`` (the last two default to the bundled catalogues). Missing tables
            simply leave their indicators empty: rules on them do not fire.
        policy: a shipped policy name, a TOML path, a list of them, or a loaded Policy.
        as_of: the last observed year; warnings are for the plan year ``as_of + 1``.
            Default: the latest observed year in ``matches``.
        lang: "zh" or "en", the language of the ``action``/``reason`` columns (both languages
            are always in ``action_zh``/``action_en``/``reason_zh``/``reason_en``).
        history: earlier published warnings (same columns) for previous_level/years_at_level;
            default: the policy re-evaluated as of earlier years (see ``warning.history``).
        regions: regions to warn for; default those without a parent in ``regions``. Given
            explicitly, only those regions are evaluated (as planning regions).
        units: planning units (with ``regions`` not given): "planning_region", "district" (the
            children of the planning regions) and "programme" (each school × specialty of a
            district, 专业点); the ``planning_unit`` column says which, ``school`` names the school.
        overrides: human review (人工复核), a CSV path or DataFrame applied last (``warning.review``).

    Returns:
        ``{"warnings", "proposals", "quality_ranking", "warning_exit_list", "warning_expand_list"}``:
        the annex of every unit's classification, new-specialty proposals, the quality ranking and
        the two short ranked lists (see ``warning.lists``).

    Example:
        >>> import pandas as pd
        >>> q = pd.DataFrame({"region": "R", "specialty": "S1", "level": "高职专科",
        ...                   "year": [2022, 2023], "graduates": 100, "employment_rate": [0.5, 0.55]})
        >>> w = evaluate_warnings({"quality": q}, policy="moe-2011", as_of=2023)["warnings"]
        >>> w[["year", "warning_level"]].values.tolist()
        [[2024, 'orange']]
    """
    if lang not in ("zh", "en"):
        raise ConfigError(f"lang: got {lang!r}; expected 'zh' or 'en'",
                          zh=f"参数 lang 的值为 {lang!r}；应为 'zh' 或 'en'")
    pol = load_policy(policy)
    tables = _with_catalogue(tables)
    settings = pol.settings
    if as_of is None:
        as_of = default_as_of(tables, settings["scenario"])
    as_of = int(as_of)
    top = planning_regions(tables, regions)
    unit_of = region_units(tables, top, tuple(units)) if regions is None else {r: "planning_region" for r in top}
    if regions is None and top is None:  # no regions table: every region is its own planning region
        unit_of = None
    frames, ctxs = [], {}
    if unit_of is None or unit_of:
        w, ctxs = _evaluate(tables, pol, as_of, None if unit_of is None else sorted(unit_of), history, lang)
        w["planning_unit"] = w["region"].map(unit_of or {}).fillna("planning_region")
        frames.append(w)
    districts = {r for r, u in (unit_of or {}).items() if u == "district"} or set(top or [])
    if "programme" in units and regions is None:
        # a programme is judged against its district's market: ratios relative to the district's level
        m = tables.get("matches")
        extra = {"matches": with_relative_ratio(m)} if m is not None and {"supply", "demand"} <= set(m.columns) else {}
        pt, pids = programme_tables({**tables, **extra, "postings_ratio": postings_ratio(tables)}, districts)
        if pids:
            w, _ = _evaluate(pt, pol, as_of, pids, None, lang)
            split = [split_programme(p) for p in w["region"]]
            w["region"], w["school"] = [d for d, _ in split], [sc for _, sc in split]
            w["planning_unit"] = "programme"
            frames.append(w)
    warnings = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=WARNING_COLUMNS)
    warnings = warnings.reindex(columns=WARNING_COLUMNS)
    warnings = warnings.astype({"year": int, "years_at_level": int, "as_of": int})
    if overrides is not None:
        warnings = apply_overrides(warnings, overrides, lang)
    else:
        warnings = warnings.assign(reviewed=False, **{c: None for c in REVIEW_COLUMNS[1:]})
    regions = [r for r, u in (unit_of or {}).items() if u == "planning_region"] or top
    ctxs = {k: c for k, c in ctxs.items() if regions is None or k[0] in set(regions)}
    ranking = quality_ranking(ctxs, tables.get("specialties"), as_of, load_quality_weights(quality_weights))
    proposals = propose(tables.get("vocational_openings"), tables.get("specialty_industry"),
                        tables.get("specialties"), _projected_supply(tables, as_of, settings),
                        set(ctxs), as_of, settings["projection_offset"],
                        load_proposal_params(proposal_params), settings["scenario"], regions)
    return {"warnings": warnings, "proposals": proposals, "quality_ranking": ranking,
            **ranked_lists(warnings, settings["list_size"])}


def _evaluate(tables, pol: Policy, as_of: int, regions, history, lang: str) -> tuple[pd.DataFrame, dict]:
    """Warnings for the region units ``regions`` of ``tables`` (programme tables use programme ids)."""
    settings = pol.settings
    series = build_series(tables, settings["scenario"], settings)
    ctxs = contexts(tables, series, as_of, settings, regions)
    rows = {key: evaluate_key(pol, ctx, as_of) for key, ctx in ctxs.items()}
    current = {key: r["warning_level"] for key, r in rows.items()}
    if history is not None:
        track = hist.from_table(history, current, as_of + 1)
    else:
        track = hist.from_evaluation(tables, pol, series, as_of, current, regions)
    out = []
    for key, r in rows.items():
        r.setdefault("conflict", False)
        r.setdefault("insufficient", False)
        prev, n = track.get(key, (None, 1))
        out.append({**dict(zip(KEY, key, strict=True)), "year": as_of + 1, **r, "previous_level": prev,
                    "years_at_level": n, "action": r[f"action_{lang}"], "reason": r[f"reason_{lang}"],
                    "as_of": as_of, "policy": pol.name, "school": "*"})
    w = pd.DataFrame(out, columns=WARNING_COLUMNS)
    if pol.enrolment["basis"] == "gap" and not w.empty:
        last = {k: c.intake_by_year.get(as_of, 0.0) for k, c in ctxs.items() if c.intake_by_year}
        w = bound_totals(w, last, cohort_growth(tables, as_of), pol.enrolment["capacity_slack"])
    else:
        w["enrol_bounded"] = False
    return hold_without_room(w, lang), ctxs


def hold_without_room(w: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Blue rows whose range leaves no room above the last intake (the demand gap, capacity or the
    level's cohort bound) say 保持, not 扩招, and why; the level stays blue (the evidence of shortage).

    Example:
        >>> w = pd.DataFrame({"warning_level": ["blue", "blue"], "enrol_hi": [91.0, 120.0],
        ...     "last_intake": [91.0, 100.0], "action_zh": "扩招", "action_en": "expand enrolment",
        ...     "reason_zh": "…", "reason_en": "…", "action": "扩招", "reason": "…"})
        >>> hold_without_room(w)["action_zh"].tolist()
        ['保持', '扩招']
    """
    hold = without_room(w)
    if not hold.any():
        return w
    w = w.copy()
    w.loc[hold, "action_zh"], w.loc[hold, "action_en"] = ACTIONS["green"]
    last = w.loc[hold, "last_intake"].map(lambda x: f"{x:,.0f}")
    w.loc[hold, "reason_zh"] = w.loc[hold, "reason_zh"] + "（按需求缺口、容量和适龄人口测算，招生上限不高于上年的" + last + "人，暂按保持。）"
    w.loc[hold, "reason_en"] = (w.loc[hold, "reason_en"] + " (The demand gap, capacity and the school-age cohort allow no more "
                                "than last year's " + last + ": keep for now.)")
    w.loc[hold, "action"] = w.loc[hold, f"action_{lang}"]
    w.loc[hold, "reason"] = w.loc[hold, f"reason_{lang}"]
    return w


def _projected_supply(tables, as_of: int, settings: dict) -> dict[tuple, float]:
    m = matches_table(tables, settings["scenario"])
    if m is None or "supply" not in m.columns:
        return {}
    target = as_of + settings["projection_offset"]
    m = m[(m["year"] > as_of) & (m["year"] <= target)]
    m = m[m["year"] == m.groupby(KEY)["year"].transform("max")]
    return {(r.region, r.specialty, r.level): float(r.supply) for r in m.itertuples(index=False)}
