"""The report's retrospective block: how the warnings of earlier years fared against what was
observed later, in a sentence a reader can follow, with the sample sizes and intervals."""

from __future__ import annotations

import math

import pandas as pd

from talentforecast.evaluation import load_definitions
from talentforecast.evaluation.scoring import LEVEL_ALL
from talentforecast.report.builder import Builder

TEXT = {
    "zh": {
        "sentence": "{as_of} 年发出的红色或橙色预警共 {n} 个专业；{year} 年（{h} 年后）其中 {m} 个表现差"
                    "（{p}，95% 区间 {lo}–{hi}）。同年未预警的 {n0} 个专业中有 {m0} 个表现差（{p0}）。"
                    "若只按 {as_of} 年当年的结果预警（持续法），会预警 {k} 个，其中 {km} 个表现差。",
        "none_warned": "{as_of} 年没有发出红色或橙色预警（{year} 年可观测的专业 {n0} 个，其中 {m0} 个表现差）。",
        "definition": "“表现差”只看实际观测值：毕业去向落实率低于 {dest}，或就业率（不含升学）处于同层次专业的最低 {q}；"
                      "任何预测值都不参与判断。精确率 = 预警中表现差的比例，召回率 = 表现差中被预警的比例，"
                      "Brier 分数越低越好；括号内为 95% 区间。",
        "few_years": "只有 {n} 个预警年份，年份太少，这些数字只能作参考，不能说明方法的长期准确性。",
        "scores": "预警与实际结果对照（合并各预警年份，全部层次）",
        "accuracy": "就业与毕业生预测的误差（平均绝对百分比误差，%）与“不变”预测对比",
        "methods": {"warnings": "本方法预警", "persistence": "持续法（按当年结果）", "no_change": "不变法（不预警）"},
        "quantities": {"employment": "就业人数", "graduates": "毕业生数"},
        "forecast_methods": {"forecast": "模型预测", "naive": "不变预测"},
        "columns": {"horizon": "预警后年数", "method": "方法", "n": "专业数", "n_warned": "预警数",
                    "n_hit": "预警且表现差", "precision": "精确率（95%区间）", "recall": "召回率（95%区间）",
                    "brier": "Brier分数（95%区间）", "scope": "预测年份", "quantity": "预测量", "mape": "MAPE(%)"},
    },
    "en": {
        "sentence": "Of the {n} programmes warned red or orange as of {as_of}, {m} did badly in {year} ({h} "
                    "year(s) later; {p}, 95% interval {lo}–{hi}). Of the {n0} programmes not warned, {m0} did "
                    "badly ({p0}). Warning on {as_of}'s own outcome (persistence) would have flagged {k}, of "
                    "which {km} did badly.",
        "none_warned": "No programme was warned red or orange as of {as_of} ({n0} observed in {year}, {m0} did badly).",
        "definition": "\"Did badly\" uses observed values only: an employment-plus-further-study rate below {dest}, or "
                      "an employment rate (further study not counted) in the lowest {q} of its level; no "
                      "projection enters. Precision = share of warned that did badly; recall = share of those "
                      "that did badly that were warned; lower Brier is better; 95 % intervals in brackets.",
        "few_years": "Only {n} as-of year(s): too few years; these figures are indicative and say little about "
                     "the method's long-run accuracy.",
        "scores": "Warnings against observed outcomes (as-of years pooled, all levels)",
        "accuracy": "Error of the employment and graduate forecasts (MAPE, %) beside a no-change forecast",
        "methods": {"warnings": "the method's warnings", "persistence": "persistence (this year's outcome)",
                    "no_change": "no change (warn nothing)"},
        "quantities": {"employment": "employment", "graduates": "graduates"},
        "forecast_methods": {"forecast": "model forecast", "naive": "no-change forecast"},
        "columns": {"horizon": "years after", "method": "method", "n": "programmes", "n_warned": "warned",
                    "n_hit": "warned and did badly", "precision": "precision (95% interval)",
                    "recall": "recall (95% interval)", "brier": "Brier score (95% interval)", "scope": "as of",
                    "quantity": "quantity", "mape": "MAPE (%)"},
    },
}


def _pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def _with_ci(v: float, lo: float, hi: float, pct: bool = True) -> str:
    if v is None or math.isnan(v):
        return "—"
    f = _pct if pct else (lambda z: f"{z:.3f}")
    return f"{f(v)} ({f(lo)}–{f(hi)})" if not math.isnan(lo) else f(v)


def sentences(detail: pd.DataFrame, lang: str = "zh") -> list[str]:
    """One sentence per as-of year, at its longest horizon, from ``retrospective_detail``.

    Example:
        >>> det = pd.DataFrame({"as_of": 2021, "horizon": 2, "outcome_year": 2023, "warned": [True, True, False],
        ...                     "persistence_warned": [True, False, False],
        ...                     "outcome": ["bad", "well", "bad"], "did_badly": [True, False, True]})
        >>> sentences(det, "en")[0][:60]
        'Of the 2 programmes warned red or orange as of 2021, 1 did b'
    """
    from talentforecast.evaluation import wilson

    t, out = TEXT[lang], []
    for as_of, d in detail.groupby("as_of", sort=True):
        h = int(d["horizon"].max())
        x = d[(d["horizon"] == h) & d["outcome"].isin(["bad", "middling", "well"])]
        bad = x["did_badly"].astype(bool)
        w, pw = x["warned"].astype(bool), x["persistence_warned"].astype(bool)
        n, m, n0, m0 = int(w.sum()), int((w & bad).sum()), int((~w).sum()), int((~w & bad).sum())
        year = int(as_of) + h
        if n == 0:
            out.append(t["none_warned"].format(as_of=int(as_of), year=year, n0=n0, m0=m0))
            continue
        p, lo, hi = wilson(m, n)
        out.append(t["sentence"].format(as_of=int(as_of), year=year, h=h, n=n, m=m, p=_pct(p), lo=_pct(lo),
                                        hi=_pct(hi), n0=n0, m0=m0, p0=_pct(m0 / n0 if n0 else math.nan),
                                        k=int(pw.sum()), km=int((pw & bad).sum())))
    return out


def retrospective_blocks(b: Builder) -> list[dict] | None:
    """Blocks for the report's method section; None when the run has no retrospective tables."""
    detail, scores = b.tables.get("retrospective_detail"), b.tables.get("retrospective_scores")
    if detail is None or scores is None or detail.empty or "warned" not in detail.columns:
        return None
    lang = b.lang if b.lang in TEXT else "zh"
    t = TEXT[lang]
    bad = load_definitions()["did_badly"]  # the definitions the retrospective stage scored with
    definition = t["definition"].format(dest=_pct(bad.get("destination_rate_below", math.nan)),
                                        q=_pct(bad.get("employment_rate_peer_quantile", math.nan)))
    blocks = [b.para(s) for s in sentences(detail, lang)] + [b.para(definition)]
    n_years = int(detail["as_of"].nunique())
    if n_years < int(load_definitions()["scoring"]["too_few_years"]):
        blocks.append(b.para(t["few_years"].format(n=n_years)))
    s = scores[(scores["scope"] == "pooled") & (scores["level"] == LEVEL_ALL)].copy()
    s["method"] = s["method"].map(t["methods"]).fillna(s["method"])
    for c in ("precision", "recall"):
        s[c] = [_with_ci(v, lo, hi) for v, lo, hi in zip(s[c], s[f"{c}_lo_95"], s[f"{c}_hi_95"], strict=True)]
    s["brier"] = [_with_ci(v, lo, hi, pct=False)
                  for v, lo, hi in zip(s["brier"], s["brier_lo_95"], s["brier_hi_95"], strict=True)]
    cols = ["horizon", "method", "n", "n_warned", "n_hit", "precision", "recall", "brier"]
    blocks += b.table(t["scores"], s, cols, headers=t["columns"], appendix=False, top_n=len(s))
    acc = b.tables.get("retrospective_accuracy")
    if acc is not None and not acc.empty:
        a = acc[acc["level"] == LEVEL_ALL].copy()
        a = a.pivot_table(index=["scope", "horizon", "quantity"], columns="method", values="mape").reset_index()
        a["quantity"] = a["quantity"].map(t["quantities"]).fillna(a["quantity"])
        a = a.rename(columns=t["forecast_methods"]).round(1)
        cols = ["scope", "horizon", "quantity", *t["forecast_methods"].values()]
        blocks += b.table(t["accuracy"], a, cols, headers=t["columns"], appendix=False, top_n=len(a))
    return blocks
