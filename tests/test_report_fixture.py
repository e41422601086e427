"""A small synthetic run (stage output tables with the contract columns) for the report tests (no tests here)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

BASE, LAST = 2024, 2029
YEARS = list(range(2019, LAST + 1))
INDUSTRIES = ["A", "C", "E", "F", "G", "I", "K", "P", "Q", "13"]
KEY = ["C", "I"]
SPECIALTIES = [("630105", "中职"), ("700306", "中职"), ("730701", "中职"), ("410401", "高职专科"),
               ("440402", "高职专科"), ("460307", "高职专科"), ("500208", "高职专科"),
               ("510216", "高职专科"), ("530302", "高职专科"), ("550116", "高职专科"),
               ("560214", "高职专科"), ("590305", "高职专科"), ("240601", "职业本科"),
               ("290201", "职业本科"), ("320504", "职业本科"), ("360202", "职业本科"),
               ("660504", "中职"), ("770303", "中职")]
REGION = "4401"
INTERVALS = ("lo_80", "hi_80", "lo_95", "hi_95")


def _bands(value: float, year: int, spread: float) -> dict:
    if year <= BASE:
        return dict.fromkeys(INTERVALS, np.nan)
    w = spread * (year - BASE) ** 0.5
    return {"lo_80": value * (1 - w), "hi_80": value * (1 + w), "lo_95": value * (1 - 1.6 * w),
            "hi_95": value * (1 + 1.6 * w)}


def make_tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(7)
    emp, ope = [], []
    for k, ind in enumerate(INDUSTRIES):
        level = 20000 + 9000 * k
        growth = 0.01 + 0.004 * (k % 4)
        prev = None
        for year in YEARS:
            v = level * (1 + growth) ** (year - 2019) * (1 + rng.normal(0, 0.01))
            for scen in ["baseline"] + (["plan2030"] if ind in KEY and year > BASE else []):
                val = v * (1.03 ** (year - BASE) if scen != "baseline" else 1)
                emp.append({"region": REGION, "industry": ind, "year": year, "scenario": scen, "value": val,
                            **_bands(val, year, 0.03), "unit": "persons", "model": "AutoETS",
                            "observed": year <= BASE})
            if prev is not None:
                exp_, rep = max(v - prev, 0), 0.03 * prev
                ope.append({"region": REGION, "industry": ind, "year": year, "scenario": "baseline",
                            "expansion": exp_, "replacement": rep, "value": exp_ + rep,
                            **_bands(exp_ + rep, year, 0.05), "unit": "persons", "observed": year <= BASE})
            prev = v
    sup, mat, warn = [], [], []
    levels = ["red", "orange", "yellow", "green", "blue"]
    for k, (sp, lv) in enumerate(SPECIALTIES):
        for year in YEARS:
            g = 300 + 40 * k + 5 * (year - 2019)
            s = 0.8 * g
            d = s * (0.7 + 0.05 * k)
            sup.append({"region": REGION, "specialty": sp, "level": lv, "year": year, "graduates": g,
                        "value": s, **_bands(s, year, 0.04), "unit": "persons", "observed": year <= BASE})
            r = s / d
            mat.append({"region": REGION, "specialty": sp, "level": lv, "year": year, "supply": s, "demand": d,
                        "ratio_sd": r, "ratio_ds": 1 / r, "ratio_sd_lo_80": r * 0.9, "ratio_sd_hi_80": r * 1.1,
                        "band": ("shortage" if r <= 0.85 else "good" if r <= 1 else "fair" if r <= 1.05
                                 else "moderate" if r <= 1.15 else "surplus"),
                        "observed": year <= BASE})
        wl = levels[k % 5]
        reasons = [{"rule_id": "moe-2011-employment", "indicator": "employment_rate", "value": 0.55,
                    "threshold": 0.6, "years": [2023, 2024], "text_zh": "就业率连续两年低于60%",
                    "text_en": "employment rate below 60% two years running"}]
        warn.append({"region": REGION, "specialty": sp, "level": lv, "year": BASE, "warning_level": wl,
                     "action_zh": {"red": "停止招生", "orange": "调减招生", "yellow": "关注", "green": "保持",
                                   "blue": "扩大招生"}[wl],
                     "action_en": {"red": "stop enrolment", "orange": "reduce", "yellow": "watch",
                                   "green": "keep", "blue": "expand"}[wl],
                     "reasons": json.dumps(reasons, ensure_ascii=False),
                     "reason_zh": "就业率连续两年低于60%（2023年55.0%，2024年55.0%）",
                     "reason_en": "employment rate below 60% two years running (2023 55.0%, 2024 55.0%)",
                     "probability": 0.5 + 0.02 * k, "previous_level": levels[(k + 1) % 5],
                     "years_at_level": 1 + k % 3, "enrol_lo": 100 + 10 * k, "enrol_hi": 150 + 10 * k})
    sm = [{"region": REGION, "year": y, "dissimilarity": 0.30 - 0.01 * (y - 2019),
           **({"dissimilarity_" + k: v for k, v in _bands(0.30 - 0.01 * (y - 2019), y, 0.05).items()}),
           "observed": y <= BASE} for y in YEARS]
    dev = [{"region": REGION, "industry": ind, "year": y, "supply_share": 0.1, "demand_share": 0.1 + 0.01 * (k - 4),
            "deviation": round(0.2 * (k - 4) / 4, 3)} for k, ind in enumerate(INDUSTRIES) for y in (BASE, LAST)]
    short = [{"region": REGION, "occupation": occ, "year": LAST, "openings": 500 - 40 * i, "seekers": 200 - 10 * i,
              "ratio_ds": (500 - 40 * i) / (200 - 10 * i), "rank": i + 1}
             for i, occ in enumerate(["6-29-05-00", "6-15-02-05", "6-29-03-09", "2-03-04-00", "6-28-01-02"])]
    proposals = [{"region": REGION, "industry": "I", "specialty": "510216", "level": "高职专科",
                  "enrol_lo": 80, "enrol_hi": 120, "reason_zh": "信息技术服务业需求增长而本地无对应供给",
                  "reason_en": "IT services demand grows with no local supply"}]
    quality = [{"region": REGION, "specialty": sp, "level": lv, "year": BASE, "employment_rate": 0.9 - 0.01 * k,
                "matched_rate": 0.7 - 0.01 * k, "salary_ratio": 1.1 - 0.02 * k, "score": 90 - k, "rank": k + 1}
               for k, (sp, lv) in enumerate(SPECIALTIES)]
    backtest = [{"model": m, "smape": s, "mase": x, "coverage_80": c}
                for m, s, x, c in [("AutoETS", 6.1, 0.8, 0.82), ("Theta", 6.9, 0.9, 0.78)]]
    retro = [{"region": REGION, "as_of": 2019, "year": 2022, "n": 18, "hits": 12, "hit_rate": 12 / 18}]
    regions = [{"region": REGION, "region_name": "示例市", "parent": None},
               {"region": "440101", "region_name": "东区", "parent": REGION}]
    return {
        "employment_forecast": pd.DataFrame(emp), "openings": pd.DataFrame(ope), "supply": pd.DataFrame(sup),
        "matches": pd.DataFrame(mat), "warnings": pd.DataFrame(warn), "structure_match": pd.DataFrame(sm),
        "structure_deviation": pd.DataFrame(dev), "shortage_occupations": pd.DataFrame(short),
        "proposals": pd.DataFrame(proposals), "quality_ranking": pd.DataFrame(quality),
        "backtest": pd.DataFrame(backtest), "retrospective": pd.DataFrame(retro), "regions": pd.DataFrame(regions),
    }


META = {"region_name": "示例市", "region_name_en": "Example City",
        "sources": {"employment": "示例数据（生成）", "catalogue": "职业教育专业目录（2021）"},
        "parameters": {"policy": "moe-2011", "horizon": 5, "seed": 0},
        "data_note": {"zh": "示例市数据为生成数据，仅作演示。", "en": "The example city's data are generated."}}
