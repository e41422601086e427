"""Retrospective check: compare warnings issued as of year Y with what was later observed.

The *realised* level of a specialty h years later is the same policy evaluated as of Y + h on the
tables of a later run (``observed_tables``, e.g. the full-data run): its yearly indicators are
then observed up to Y + h, and its projected ratios are those of the later run (observed where
Y + h + projection_offset is already history). A specialty no longer offered at Y + h is
realised as ``"none"`` (kept in the confusion table, left out of precision and recall).

See :func:`retrospective_score` for an example.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.warning.engine import evaluate_key
from talentforecast.warning.evaluate import _with_catalogue
from talentforecast.warning.indicators import KEY, build_series, contexts, planning_regions
from talentforecast.warning.policy import load_policy
from talentforecast.warning.rules import LEVELS

SCORED = (("red",), ("orange",), ("red", "orange"))


def realised_levels(observed_tables: dict, policy, as_of: int, regions=None) -> pd.DataFrame:
    """region, specialty, level, warning_level (+ observed indicators) as of ``as_of``."""
    pol = load_policy(policy)
    tables = _with_catalogue(observed_tables)
    series = build_series(tables, pol.settings["scenario"], pol.settings)
    ctxs = contexts(tables, series, as_of, pol.settings, planning_regions(tables, regions))
    rows = []
    for key, ctx in ctxs.items():
        er = ctx.series.get("employment_rate", {}).get(as_of)
        sd = ctx.series.get("ratio_sd", {}).get(as_of)
        rows.append({**dict(zip(KEY, key, strict=True)),
                     "warning_level": evaluate_key(pol, ctx, as_of, levels_only=True)["warning_level"],
                     "employment_rate_observed": er.value if er else np.nan,
                     "ratio_sd_observed": sd.value if sd else np.nan})
    return pd.DataFrame(rows, columns=KEY + ["warning_level", "employment_rate_observed",
                                             "ratio_sd_observed"])


def retrospective_score(warnings_as_of: pd.DataFrame, observed_tables: dict[str, pd.DataFrame],
                        years_after: int | Sequence[int] = 1, policy="default",
                        regions=None) -> dict[str, pd.DataFrame]:
    """Precision/recall of red and orange and the confusion of levels, per ``years_after``.

    Args:
        warnings_as_of: the ``warnings`` table issued as of Y (its ``as_of`` column, or
            ``year − 1``, gives Y).
        observed_tables: the stage tables of a later run (e.g. with all data).
        years_after: h, or several: compare with the levels realised as of Y + h.
        policy: the policy the warnings were issued with.

    Returns:
        ``retrospective_scores`` (as_of, years_after, levels, n_issued, n_realised, n_hit,
        precision, recall), ``retrospective_confusion`` (as_of, years_after, issued, realised, n)
        and ``retrospective_detail`` (one row per specialty).

    Example:
        >>> q = pd.DataFrame({"region": "R", "specialty": "S1", "level": "高职专科",
        ...                   "year": [2021, 2022, 2023], "graduates": 100,
        ...                   "employment_rate": [0.5, 0.55, 0.52]})
        >>> from talentforecast.warning import evaluate_warnings
        >>> early = evaluate_warnings({"quality": q[q.year <= 2022]}, "moe-2011", as_of=2022)["warnings"]
        >>> s = retrospective_score(early, {"quality": q}, years_after=1, policy="moe-2011")
        >>> s["retrospective_confusion"][["issued", "realised", "n"]].values.tolist()
        [['orange', 'orange', 1]]
    """
    need = KEY + ["year", "warning_level"]
    missing = [c for c in need if c not in warnings_as_of.columns]
    if missing:
        raise InputError([Problem("warnings", c, None, None, "a column of the warnings table", "预警表中应有的列")
                          for c in missing])
    if warnings_as_of.empty:
        raise InputError([Problem("warnings", None, None, None, "at least one warning row", "至少一行预警")])
    if "planning_unit" in warnings_as_of.columns:  # scored for the planning region(s), as realised
        warnings_as_of = warnings_as_of[warnings_as_of["planning_unit"] == "planning_region"]
    years = warnings_as_of["as_of"] if "as_of" in warnings_as_of.columns else warnings_as_of["year"] - 1
    as_of = int(years.max())
    hs = [years_after] if isinstance(years_after, int) else list(years_after)
    issued = warnings_as_of[need + (["probability"] if "probability" in warnings_as_of.columns else [])]
    issued = issued.astype({"region": str, "specialty": str, "level": str}).rename(
        columns={"warning_level": "issued"})
    details, scores, confusion = [], [], []
    for h in hs:
        real = realised_levels(observed_tables, policy, as_of + h, regions).rename(
            columns={"warning_level": "realised"})
        d = issued.merge(real, on=KEY, how="left")
        d["realised"] = d["realised"].fillna("none")
        d.insert(0, "years_after", h)
        d.insert(0, "as_of", as_of)
        details.append(d)
        c = d.groupby(["issued", "realised"]).size().rename("n").reset_index()
        c.insert(0, "years_after", h)
        c.insert(0, "as_of", as_of)
        confusion.append(c)
        scored = d[d["realised"] != "none"]
        for levels in SCORED:
            pi, pr = scored["issued"].isin(levels), scored["realised"].isin(levels)
            hit = int((pi & pr).sum())
            scores.append({"as_of": as_of, "years_after": h, "levels": "+".join(levels),
                           "n_issued": int(pi.sum()), "n_realised": int(pr.sum()), "n_hit": hit,
                           "precision": hit / pi.sum() if pi.sum() else np.nan,
                           "recall": hit / pr.sum() if pr.sum() else np.nan,
                           "n_compared": len(scored), "n_not_offered": int(len(d) - len(scored))})
    order = {lv: i for i, lv in enumerate([*sorted(LEVELS, key=LEVELS.get, reverse=True), "none"])}
    conf = pd.concat(confusion, ignore_index=True)
    conf = conf.sort_values(["years_after", "issued", "realised"],
                            key=lambda s: s.map(order) if s.name != "years_after" else s)
    return {"retrospective_scores": pd.DataFrame(scores),
            "retrospective_confusion": conf.reset_index(drop=True),
            "retrospective_detail": pd.concat(details, ignore_index=True)}
