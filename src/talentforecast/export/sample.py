"""A small synthetic run holding every feed table with exactly the contract columns.

It stands in for a full annual run in tests and lets anyone try the feed and the dashboard in a
second: ``talentforecast.export.export(sample_run(), "out/feed")``. The numbers are made up
(seeded), the codes are real catalogue codes.

Example:
    >>> run = sample_run()
    >>> sorted(run.warnings["warning_level"].unique())
    ['blue', 'green', 'orange', 'red', 'yellow']
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from talentforecast.bundle import Bundle
from talentforecast.pipeline import Run

REGIONS = pd.DataFrame({"region": ["990100", "990101", "990102"], "region_name": ["示例市", "中心区", "滨江区"],
                        "parent": [None, "990100", "990100"]})
SPECIALTIES = [("460104", "高职专科"), ("460301", "高职专科"), ("510201", "高职专科"), ("530101", "高职专科"),
               ("540101", "高职专科"), ("710102", "中职")]
INDUSTRIES = ["C", "G", "I", "36"]
HISTORY, HORIZON = range(2019, 2025), range(2025, 2028)
LEVELS = ["red", "orange", "yellow", "green", "blue", "red"]
_ACTION = {"red": ("停止招生/退出", "stop enrolment / exit"), "orange": ("减少招生", "reduce enrolment"),
           "yellow": ("关注", "watch"), "green": ("保持", "keep"), "blue": ("扩大招生", "expand enrolment")}


def _bounds(value: np.ndarray, observed: np.ndarray, rel: float) -> dict[str, np.ndarray]:
    w = np.where(observed, 0.0, rel * value)
    return {"lo_80": value - w, "hi_80": value + w, "lo_95": value - 1.6 * w, "hi_95": value + 1.6 * w}


def _series(keys: list[dict], base: np.ndarray, rng, unit: str, scenarios=("baseline", "plan")) -> pd.DataFrame:
    rows = []
    for k, b in zip(keys, base, strict=True):
        for sc in scenarios:
            for t in [*HISTORY, *HORIZON]:
                growth = 1.02 if sc == "baseline" or t <= max(HISTORY) else 1.05
                rows.append({**k, "year": t, "scenario": sc,
                             "value": float(round(b * growth ** (t - min(HISTORY)) * (1 + rng.normal(0, 0.02)), 1)),
                             "observed": t in HISTORY})
    df = pd.DataFrame(rows)
    df = df.assign(**_bounds(df["value"].to_numpy(), df["observed"].to_numpy(), 0.08), unit=unit)
    return df


def sample_run(seed: int = 0) -> Run:
    """Build the synthetic run (see module doc)."""
    rng = np.random.default_rng(seed)
    regs = list(REGIONS["region"])
    ind_keys = [{"region": r, "industry": i} for r in regs for i in INDUSTRIES]
    emp = _series(ind_keys, rng.uniform(5000, 50000, len(ind_keys)), rng, "persons")
    emp["model"] = "ets"
    emp = emp[["region", "industry", "year", "scenario", "value", "lo_80", "hi_80", "lo_95", "hi_95",
               "unit", "model", "observed"]]
    op = emp.drop(columns="model").copy()
    op["expansion"] = (op["value"] * 0.02).round(1)
    op["replacement"] = (op["value"] * 0.03).round(1)
    for b in ("value", "lo_80", "hi_80", "lo_95", "hi_95"):
        op[b] = (op[b] * 0.05).round(1)
    op = op[["region", "industry", "year", "scenario", "expansion", "replacement", "value",
             "lo_80", "hi_80", "lo_95", "hi_95", "unit", "observed"]]
    sp_keys = [{"region": r, "specialty": s, "level": lv} for r in regs for s, lv in SPECIALTIES]
    sd = _series(sp_keys, rng.uniform(80, 400, len(sp_keys)), rng, "persons")
    sd = sd[["region", "specialty", "level", "year", "scenario", "value", "lo_80", "hi_80", "lo_95", "hi_95",
             "unit", "observed"]]
    sup = _series(sp_keys, rng.uniform(80, 400, len(sp_keys)), rng, "persons", scenarios=("baseline",))
    sup = sup.drop(columns="scenario")
    sup.insert(4, "graduates", (sup["value"] * 1.15).round(0))
    sup = sup[["region", "specialty", "level", "year", "graduates", "value", "lo_80", "hi_80", "lo_95",
               "hi_95", "unit", "observed"]]
    m = sd.rename(columns={"value": "demand"}).merge(
        sup[["region", "specialty", "level", "year", "value"]].rename(columns={"value": "supply"}),
        on=["region", "specialty", "level", "year"])
    m["ratio_sd"] = m["supply"] / m["demand"]
    m["ratio_ds"] = m["demand"] / m["supply"]
    for r in ("sd", "ds"):
        w = np.where(m["observed"], 0.0, 0.1 * m[f"ratio_{r}"])
        m = m.assign(**{f"ratio_{r}_lo_80": m[f"ratio_{r}"] - w, f"ratio_{r}_hi_80": m[f"ratio_{r}"] + w,
                        f"ratio_{r}_lo_95": m[f"ratio_{r}"] - 1.6 * w, f"ratio_{r}_hi_95": m[f"ratio_{r}"] + 1.6 * w})
    m["band"] = pd.cut(m["ratio_sd"], [0, 0.85, 1.0, 1.05, 1.15, np.inf],
                       labels=["shortage", "good", "fair", "moderate", "surplus"]).astype(str)
    matches = m[["region", "specialty", "level", "year", "scenario", "supply", "demand", "ratio_sd",
                 "ratio_sd_lo_80", "ratio_sd_hi_80", "ratio_sd_lo_95", "ratio_sd_hi_95", "ratio_ds",
                 "ratio_ds_lo_80", "ratio_ds_hi_80", "ratio_ds_lo_95", "ratio_ds_hi_95", "band", "observed"]]
    as_of = max(HISTORY)
    warn = []
    for r in regs[:1]:
        for (s, lv), level in zip(SPECIALTIES, LEVELS, strict=True):
            rate = {"red": 0.52, "orange": 0.66, "yellow": 0.78}.get(level, 0.93)
            reasons = [{"rule_id": "moe-2011.employment_rate", "indicator": "employment_rate", "value": rate,
                        "threshold": 0.6, "years": [as_of - 1, as_of],
                        "text_zh": f"毕业去向落实率 {rate:.0%}(阈值 60%)",
                        "text_en": f"employment rate {rate:.0%} (threshold 60%)"}]
            if level in ("red", "orange"):
                reasons.append({"rule_id": "roa.ratio_band", "indicator": "ratio_sd_projected", "value": 1.32,
                                "threshold": 1.15, "years": [as_of + 3],
                                "text_zh": "预测供求比 1.32 高于 1.15(过剩)",
                                "text_en": "projected S/D 1.32 above 1.15 (surplus)"})
            warn.append({"region": r, "specialty": s, "level": lv, "year": as_of, "warning_level": level,
                         "action_zh": _ACTION[level][0], "action_en": _ACTION[level][1],
                         "reasons": json.dumps(reasons, ensure_ascii=False),
                         "reason_zh": ";".join(x["text_zh"] for x in reasons),
                         "reason_en": "; ".join(x["text_en"] for x in reasons),
                         "probability": 0.9 if level == "red" else 0.6,
                         "previous_level": "orange" if level == "red" else level,
                         "years_at_level": 1 if level == "red" else 2,
                         "enrol_lo": 0.0 if level == "red" else 40.0, "enrol_hi": 0.0 if level == "red" else 90.0,
                         "planning_unit": "planning_region" if r == regs[0] else "district", "school": "*",
                         "conflict": False, "insufficient": False, "reviewed": False, "original_level": None,
                         "reviewer": None, "review_date": None, "review_reason": None})
    warnings = pd.DataFrame(warn)
    years = [*HISTORY, *HORIZON]
    sm = pd.DataFrame([{"region": r, "year": t, "scenario": "baseline", "supply_mapped": 1000.0 + t,
                        "unmapped_supply": 20.0, "demand_total": 1200.0, "industries": len(INDUSTRIES),
                        "dissimilarity": round(0.2 + 0.01 * (t - 2019), 3)} for r in regs for t in years])
    dev = []
    for r in regs:
        for t in years:
            ss, ds = rng.dirichlet(np.ones(len(INDUSTRIES))), rng.dirichlet(np.ones(len(INDUSTRIES)))
            for i, ind in enumerate(INDUSTRIES):
                dev.append({"region": r, "year": t, "scenario": "baseline", "industry": ind,
                            "supply": 1000 * ss[i], "demand": 1200 * ds[i], "supply_share": ss[i],
                            "demand_share": ds[i], "deviation": ss[i] / ds[i] - 1})
    occs = ["2-02-07-02", "2-02-07-07", "2-02-38-05", "4-01-06-01"]
    sh = []
    for t in years:
        gaps = rng.normal(20, 30, len(occs))
        for rank, i in enumerate(np.argsort(-gaps), start=1):
            sh.append({"region": regs[0], "scenario": "baseline", "year": t, "rank": rank, "occupation": occs[i],
                       "demand": 100 + gaps[i], "supply": 100.0, "gap": gaps[i], "ratio_ds": (100 + gaps[i]) / 100,
                       "previous_rank": None if t == years[0] else rank, "shortage": bool(gaps[i] > 0)})
    shortage = pd.DataFrame(sh).astype({"previous_rank": "Int64"})
    qr = pd.DataFrame([{"region": regs[0], "specialty": s, "level": lv, "year": as_of, "score": 90.0 - 7 * k,
                        "rank": k + 1, "n_in_category": 2, "n_indicators": 3} for k, (s, lv) in enumerate(SPECIALTIES)])
    bt = pd.DataFrame({"model": ["ets", "theta", "auto"], "smape": [8.1, 9.4, 7.6], "mase": [0.8, 0.9, 0.7],
                       "n": [36, 36, 36]})
    inputs = pd.DataFrame({"table": ["employment", "enrolment"], "rows": [len(emp), 120],
                           "first_year": [2019, 2019], "last_year": [2024, 2024], "regions": [3, 3]})
    schools = ["示例职业技术学院", "示例商贸旅游职业学院"]
    prov = pd.DataFrame([{"region": r, "school": schools[k % 2], "specialty": s, "level": lv, "year": as_of,
                          "enrolled": 50.0 + k} for r in regs[1:] for k, (s, lv) in enumerate(SPECIALTIES)])
    tables = {"employment_forecast": emp, "openings": op, "specialty_demand": sd, "supply": sup,
              "matches": matches, "warnings": warnings, "structure_match": sm,
              "structure_deviation": pd.DataFrame(dev), "shortage_occupations": shortage,
              "quality_ranking": qr, "backtest_metrics": bt, "input_summary": inputs, "provision": prov,
              "regions": REGIONS.copy()}
    meta = {"region": "990100", "region_name": "示例市", "region_name_en": "Example City", "generated": True}
    manifest = {"run_id": f"sample{seed:06d}", "schema_version": "1.0.0", "meta": meta,
                "options": {"as_of": as_of, "horizon": len(HORIZON), "seed": seed}}
    return Run(bundle=Bundle(tables={}, meta=meta), options={"as_of": as_of, "seed": seed},
               tables=tables, manifest=manifest)
