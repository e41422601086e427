"""Score warnings issued as of year Y against what was observed in Y + h, beside naive baselines.

:func:`score_detail` pairs each warning with the observed outcome of its programme h years later
(:func:`talentforecast.evaluation.outcomes.observed_outcomes`); :func:`summarise` turns the pairs
into precision, recall, Brier scores and calibration per horizon and level, with sample sizes and
95 % intervals, for the method and the two baselines:

- ``persistence``: warn a programme if it did badly in Y itself (the last observed outcome decides);
- ``no_change``: warn nothing (every programme kept as it is), with the share that did badly in Y
  as everyone's probability (the reference for the Brier score).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.evaluation.outcomes import (
    KEY,
    linked_employment,
    load_definitions,
    observed_outcomes,
    top_region,
)
from talentforecast.evaluation.stats import brier, calibration, wilson

METHODS = ("warnings", "persistence", "no_change")
INDICATORS = ("employment_rate", "destination_rate", "matched_rate", "salary_ratio", "posting_ratio", "sd_index")
LEVEL_ALL = "全部"


def _issued(warnings: pd.DataFrame, planning: set[str]) -> pd.DataFrame:
    """The planning-region rows of ``warnings`` (per-district or per-school rows are left aside)."""
    need = [*KEY, "year", "warning_level"]
    missing = [c for c in need if c not in warnings.columns]
    if missing:
        raise InputError([Problem("warnings", c, None, None, "a column of the warnings table",
                                  "预警表 warnings 的一列（此列缺失）") for c in missing])
    w = warnings
    if "planning_unit" in w.columns:  # per-district / per-专业点 rows exist: score the planning region's
        w = w[w["planning_unit"] == "planning_region"]
    elif "unit" in w.columns and planning:
        w = w[w["region"].astype(str).isin(planning)]
        if "school" in w.columns:
            w = w[w["school"].isna() | (w["school"].astype(str).str.strip() == "")]
    cols = need + [c for c in ("probability", "as_of") if c in w.columns]
    w = w[cols].astype({"region": str, "specialty": str, "level": str}).copy()
    if "as_of" not in w.columns:
        w["as_of"] = w["year"].astype(int) - 1
    dup = w.duplicated([*KEY, "as_of"], keep=False)
    if dup.any():  # two rows for one programme: which one was the warning is ambiguous
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError([Problem("warnings", "specialty", i + 2, w.iloc[i]["specialty"],
                                  "one row per region × specialty × level and as-of year",
                                  "每个地区 × 专业 × 层次 × 基准年（as_of）只有一行")])
    if "probability" not in w.columns:
        w["probability"] = np.nan
    return w.drop(columns="year")


def p_bad(levels: pd.Series, probability: pd.Series, warned_levels: Sequence[str]) -> pd.Series:
    """The method's probability that a programme does badly.

    Warned rows (and yellow, "watch") carry the probability of their deciding rule (1 when it
    gave none for a warned row, 0 for yellow); green and blue rows carry 0: the method said the
    programme was not at risk.

    Example:
        >>> p_bad(pd.Series(["orange", "yellow", "green"]), pd.Series([0.7, 0.4, np.nan]), ["red", "orange"]).tolist()
        [0.7, 0.4, 0.0]
    """
    warned = levels.isin(list(warned_levels))
    p = pd.Series(0.0, index=levels.index)
    p[warned] = probability[warned].fillna(1.0)
    watch = levels.eq("yellow")
    p[watch] = probability[watch].fillna(0.0)
    return p.clip(0.0, 1.0)


def score_detail(warnings: pd.DataFrame, tables: Mapping[str, pd.DataFrame], horizons: Sequence[int] = (1, 2, 3),
                 definitions=None) -> pd.DataFrame:
    """One row per warning × horizon h: what was issued as of Y and what was observed in Y + h.

    ``tables`` holds the observed input tables (all years); only ``outcomes``, ``employment``,
    ``destinations``, ``postings`` and ``regions`` are read. A horizon beyond the last observed
    year is left out; a programme with no observed cohort in Y + h is ``not_observed``.

    Example:
        >>> o = pd.DataFrame({"region": "R", "school": "A", "specialty": ["530101", "530102"] * 2,
        ...                   "year": [2022, 2022, 2023, 2023], "graduates": 100,
        ...                   "employed": [80, 80, 20, 90], "further_study": 5})
        >>> w = pd.DataFrame({"region": "R", "specialty": ["530101", "530102"], "level": "高职专科",
        ...                   "year": 2023, "warning_level": ["orange", "green"], "probability": [0.8, None],
        ...                   "as_of": 2022})
        >>> score_detail(w, {"outcomes": o}, horizons=[1])[["specialty", "warned", "outcome"]].values.tolist()
        [['530101', True, 'bad'], ['530102', False, 'well']]
    """
    d = load_definitions(definitions)
    warned_levels = d["scoring"]["warned_levels"]
    w = _issued(warnings, set(top_region(tables).values()))
    if w.empty:
        raise InputError([Problem("warnings", None, None, None, "at least one warning row",
                                  "至少一行预警")])
    obs = observed_outcomes(tables, d)
    last = int(obs["year"].max()) if len(obs) else None
    parts = []
    for as_of, wy in w.groupby("as_of", sort=True):
        as_of = int(as_of)
        now = obs[obs["year"] == as_of]
        base = float(now.loc[~now["too_small"], "did_badly"].mean()) if (~now["too_small"]).any() else np.nan
        wy = wy.merge(now[[*KEY, "did_badly", "employment_rate", "graduates"]].rename(columns={
            "did_badly": "bad_as_of", "employment_rate": "employment_rate_as_of", "graduates": "graduates_as_of"}),
            on=KEY, how="left")
        link = linked_employment(tables, as_of)
        for h in horizons:
            if last is None or as_of + h > last:
                continue
            later = obs[obs["year"] == as_of + h].drop(columns="year")
            x = wy.merge(later, on=KEY, how="left")
            x["outcome"] = x["outcome"].fillna("not_observed")
            x.insert(0, "horizon", int(h))
            x["outcome_year"] = as_of + h
            x["warned"] = x["warning_level"].isin(warned_levels)
            x["p_bad"] = p_bad(x["warning_level"], x["probability"], warned_levels)
            x["persistence_warned"] = x["bad_as_of"].eq(True)  # no outcome in Y: not warned
            x["no_change_p"] = base
            # observed S/D change since Y: graduates' growth over the growth of employment where
            # the programme's graduates work (> 1: supply outgrew its observed demand)
            x["graduates_growth"] = x["graduates"] / x["graduates_as_of"]
            if len(link):
                le = link[link["year"].isin([as_of, as_of + h])].pivot_table(
                    index=KEY, columns="year", values="linked_employment").reset_index()
                le = le.rename(columns={as_of: "_d0", as_of + h: "_d1"})
                x = x.merge(le.reindex(columns=[*KEY, "_d0", "_d1"]), on=KEY, how="left")
                x["demand_growth"] = x["_d1"] / x["_d0"]
                x = x.drop(columns=["_d0", "_d1"])
            else:
                x["demand_growth"] = np.nan
            x["sd_index"] = x["graduates_growth"] / x["demand_growth"]
            parts.append(x)
    cols = ["as_of", "horizon", "outcome_year", *KEY, "warning_level", "probability", "p_bad", "warned",
            "persistence_warned", "no_change_p", "outcome", "did_badly", "did_well", "graduates",
            "employment_rate_as_of", *INDICATORS[:-1], "graduates_growth", "demand_growth", "sd_index"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    for c in ("did_badly", "did_well"):
        out[c] = out[c].astype("boolean")
    return out[cols].sort_values(["as_of", "horizon", *KEY]).reset_index(drop=True)


def _flags(x: pd.DataFrame, method: str) -> tuple[np.ndarray, np.ndarray]:
    if method == "warnings":
        return x["warned"].to_numpy(bool), x["p_bad"].to_numpy(float)
    if method == "persistence":
        f = x["persistence_warned"].to_numpy(bool)
        return f, f.astype(float)
    return np.zeros(len(x), bool), x["no_change_p"].to_numpy(float)


def _groups(detail: pd.DataFrame):
    for scope in ["pooled", *sorted(detail["as_of"].unique())]:
        sd = detail if scope == "pooled" else detail[detail["as_of"] == scope]
        for h, hd in sd.groupby("horizon", sort=True):
            for level in [LEVEL_ALL, *sorted(hd["level"].unique())]:
                yield scope, int(h), level, (hd if level == LEVEL_ALL else hd[hd["level"] == level])


def summarise(detail: pd.DataFrame, definitions=None, seed: int = 0, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """``retrospective_scores``, ``retrospective_calibration``, ``retrospective_confusion`` and
    ``retrospective_contrast`` from a :func:`score_detail` frame.

    Scores are given per as-of year and ``pooled`` over them, per horizon and level (``全部`` =
    all levels), for each method. ``note`` (in ``lang``; ``note_zh``, ``note_en``) says
    "too few years" / "too few programmes".

    Example:
        >>> det = pd.DataFrame({"as_of": 2022, "horizon": 1, "level": "中职", "warned": [True, True, False],
        ...     "p_bad": [0.9, 0.6, 0.0], "persistence_warned": [True, False, False], "no_change_p": 0.3,
        ...     "outcome": ["bad", "well", "bad"], "did_badly": [True, False, True],
        ...     "did_well": [False, True, False], "warning_level": ["red", "orange", "green"]})
        >>> s = summarise(det)["retrospective_scores"]
        >>> s[(s.scope == "2022") & (s.level == "全部")][["method", "n_warned", "n_hit", "n_bad"]].values.tolist()
        [['warnings', 2, 1, 2], ['persistence', 1, 1, 2], ['no_change', 0, 0, 2]]
    """
    d = load_definitions(definitions)
    sc = d["scoring"]
    n_years_all = detail["as_of"].nunique()
    scores, calib, conf, contrast = [], [], [], []
    for scope, h, level, x in _groups(detail):
        scored = x[x["outcome"].isin(["bad", "middling", "well"])]
        y = scored["did_badly"].to_numpy(bool)
        n_years = n_years_all if scope == "pooled" else 1
        notes, notes_zh = [], []
        if n_years < sc["too_few_years"]:
            notes.append(f"too few years ({n_years} as-of year{'s' if n_years != 1 else ''})")
            notes_zh.append(f"年份太少（{n_years} 个预警年份）")
        if len(scored) < sc["too_few_programmes"]:
            notes.append(f"too few programmes ({len(scored)})")
            notes_zh.append(f"专业太少（{len(scored)} 个）")
        for method in METHODS:
            f, p = _flags(scored, method)
            k_hit, n_f, n_b = int((f & y).sum()), int(f.sum()), int(y.sum())
            prec, prec_lo, prec_hi = wilson(k_hit, n_f)
            rec, rec_lo, rec_hi = wilson(k_hit, n_b)
            bs, bs_lo, bs_hi = brier(p, y, int(sc.get("bootstrap", 500)), seed)
            well = int((f & scored["did_well"].to_numpy(bool)).sum())
            scores.append({"scope": str(scope), "horizon": h, "level": level, "method": method,
                           "n": len(scored), "n_warned": n_f, "n_bad": n_b, "n_hit": k_hit,
                           "n_warned_did_well": well,
                           "precision": prec, "precision_lo_95": prec_lo, "precision_hi_95": prec_hi,
                           "recall": rec, "recall_lo_95": rec_lo, "recall_hi_95": rec_hi,
                           "brier": bs, "brier_lo_95": bs_lo, "brier_hi_95": bs_hi,
                           "n_not_observed": int((x["outcome"] == "not_observed").sum()),
                           "n_too_small": int((x["outcome"] == "too_small").sum()),
                           "n_years": n_years, "note": "；".join(notes_zh) if lang == "zh" else "; ".join(notes),
                           "note_zh": "；".join(notes_zh), "note_en": "; ".join(notes)})
            if level == LEVEL_ALL and scope == "pooled":
                c = calibration(p, y, sc["calibration_bins"])
                c.insert(0, "method", method)
                c.insert(0, "horizon", h)
                calib.append(c)
        if level == LEVEL_ALL:
            c = x.groupby(["warning_level", "outcome"]).size().rename("n").reset_index()
            c.insert(0, "horizon", h)
            c.insert(0, "scope", str(scope))
            conf.append(c)
            for warned, g in x[x["outcome"].isin(["bad", "middling", "well"])].groupby("warned"):
                row = {"scope": str(scope), "horizon": h, "warned": bool(warned), "n": len(g),
                       "share_bad": float(g["did_badly"].astype(bool).mean())}
                row.update({f"median_{c}": float(g[c].median()) if c in g and g[c].notna().any() else np.nan
                            for c in INDICATORS})
                contrast.append(row)
    empty = pd.DataFrame()
    return {"retrospective_scores": pd.DataFrame(scores),
            "retrospective_calibration": pd.concat(calib, ignore_index=True) if calib else empty,
            "retrospective_confusion": pd.concat(conf, ignore_index=True) if conf else empty,
            "retrospective_contrast": pd.DataFrame(contrast)}
