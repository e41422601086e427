"""Evaluate a policy's rules against the indicators of each offered specialty.

Resolution (also in docs/warning.md): every rule whose conditions all hold *fires*. A fired rule
with ``overrides`` removes the fired rules whose ids match its patterns. Of the rules left, the
most severe level wins (red > orange > yellow > blue > green); those rules are *decisive*, the
rest *contributing*. If nothing fires the level is green, with a reason saying so. The engine
knows indicator names only; it holds no specialty codes.
"""

from __future__ import annotations

import fnmatch
import json
import math

from scipy import stats

from talentforecast.warning.combine import resolve
from talentforecast.warning.enrolment import _round as _persons
from talentforecast.warning.enrolment import enrolment_range, gap_range
from talentforecast.warning.indicators import Context, Obs, intake_path
from talentforecast.warning.policy import Policy
from talentforecast.warning.rules import (
    ACTIONS,
    CONFLICT,
    ENROLMENT_MODES,
    INDICATORS,
    INSUFFICIENT,
    LEVEL_NAMES,
    NOT_ENROLLING,
    OP_SYMBOL,
    Condition,
    Rule,
    fmt_value,
    render,
)


def _obs_for(c: Condition, ctx: Context) -> tuple[list[Obs | None], list[int]]:
    """The observations a condition looks at: the last N years of a series, or one point."""
    if INDICATORS[c.indicator].kind == "point":
        o = ctx.points.get(c.indicator)
        return ([o], [o.year]) if o else ([None], [])
    obs = ctx.series.get(c.indicator, {})
    if not obs:
        return [None], []
    anchor = max(obs)
    years = list(range(anchor - c.consecutive_years + 1, anchor + 1))
    return [obs.get(y) for y in years], years


def _p_one(c: Condition, o: Obs) -> float:
    """Probability that the true value behind one observation is past the threshold."""
    method = INDICATORS[c.indicator].probability
    below = c.op in ("lt", "le")
    if method == "beta":
        if not o.n > 0:
            return math.nan
        # a peer gap or adjusted value is the rate shifted: move the threshold to the rate scale
        rate = o.rate if o.rate == o.rate else o.value
        threshold = c.threshold + (rate - o.value)
        k = min(max(rate * o.n, 0.0), o.n)
        # prior: shrunk toward the peer mean with strength kappa (beta-binomial), else Jeffreys
        if o.kappa > 0 and 0 < o.prior < 1:
            a0, b0 = o.kappa * o.prior, o.kappa * (1 - o.prior)
        else:
            a0 = b0 = 0.5
        cdf = float(stats.beta.cdf(threshold, k + a0, o.n - k + b0))
        return cdf if below else 1 - cdf
    if method == "lognormal":
        if o.sigma > 0 and o.value > 0:
            cdf = _lognorm_cdf(c.threshold, o)
            return cdf if below else 1 - cdf
        fallback = (o.p_lt if below else o.p_gt) if c.indicator.startswith("ratio_sd") else \
            (o.p_gt if below else o.p_lt)
        if fallback == fallback and not c.indicator.endswith("_rel"):  # matching's p are absolute
            return fallback
        return 1.0 if c.holds(o.value) else 0.0
    if method == "exact":
        return 1.0 if c.holds(o.value) else 0.0
    return math.nan


def _lognorm_cdf(t: float, o: Obs) -> float:
    if t <= 0:
        return 0.0
    return float(stats.norm.cdf((math.log(t) - math.log(o.value)) / o.sigma))


def rule_probability(rule: Rule, ctx: Context) -> float:
    """P(all conditions past their thresholds): product over conditions and years, treated as
    independent, except that several bounds on one projected ratio form one interval."""
    p = 1.0
    same: dict[tuple, float] = {}
    by_ind: dict[str, list[Condition]] = {}
    for c in rule.conditions:
        by_ind.setdefault(c.indicator, []).append(c)
    for ind, conds in by_ind.items():
        spec = INDICATORS[ind]
        if len(conds) > 1 and spec.kind == "point" and spec.probability == "lognormal":
            o = ctx.points.get(ind)
            if o is not None and o.sigma > 0 and o.value > 0:
                lo = max((c.threshold for c in conds if c.op in ("gt", "ge")), default=None)
                hi = min((c.threshold for c in conds if c.op in ("lt", "le")), default=None)
                p *= (1.0 if hi is None else _lognorm_cdf(hi, o)) - (0.0 if lo is None else _lognorm_cdf(lo, o))
                continue
        for c in conds:
            obs, _ = _obs_for(c, ctx)
            for o in obs:
                if o is not None and spec.probability == "beta":
                    # bounds on one rate in one year (raw, adjusted, peer gap) are one event: the
                    # strictest bound, not a product of near-duplicates
                    k = (_base(ind), o.year, c.op in ("lt", "le"))
                    same[k] = min(same.get(k, 1.0), _p_one(c, o))
                    continue
                p *= _p_one(c, o) if o is not None else math.nan
    for q in same.values():
        p *= q
    return max(0.0, min(1.0, p)) if p == p else math.nan


REL = "ratio_sd_projected_rel"


def _base(indicator: str) -> str:
    for suffix in ("_peer_gap", "_adjusted"):
        if indicator.endswith(suffix):
            return indicator[: -len(suffix)]
    return indicator


def _span(years: list[int]) -> str:
    if not years:
        return "–"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def fire(rule: Rule, ctx: Context) -> dict | None:
    """The rule's evidence if every condition holds, else None."""
    conds = []
    for c in rule.conditions:
        obs, years = _obs_for(c, ctx)
        if not all(o is not None and c.holds(o.value) for o in obs):
            return None
        conds.append({"indicator": c.indicator, "op": c.op, "threshold": c.threshold,
                      "value": round(obs[-1].value, 6), "values": [round(o.value, 6) for o in obs],
                      "years": years})
    return {"rule": rule, "conditions": conds}


def _fields(ev: dict, ctx: Context, as_of: int, lang: str) -> dict:
    out = {"as_of": as_of, "plan_year": as_of + 1,
           "cap": fmt_value("graduates", ctx.employed_last),
           "intake_path": intake_path(ctx.intake_by_year, as_of)[0 if lang == "zh" else 1]}
    for i, c in enumerate(ev["conditions"], start=1):
        f = {"value": fmt_value(c["indicator"], c["value"]),
             "threshold": fmt_value(c["indicator"], c["threshold"]),
             "years": len(c["years"]), "year_span": _span(c["years"])}
        out.update({f"{k}_{i}": v for k, v in f.items()})
        if i == 1:
            out.update(f)
            out["op"] = OP_SYMBOL[c["op"]]
            out["indicator"] = getattr(INDICATORS[c["indicator"]], lang)
    return out


def _reason(ev: dict, status: str, ctx: Context, as_of: int) -> dict:
    rule, first = ev["rule"], ev["conditions"][0]
    reason = {
        "rule_id": rule.id, "indicator": first["indicator"], "value": first["value"],
        "threshold": first["threshold"], "years": first["years"], "op": first["op"],
        "level": rule.level, "status": status, "probability": _round(ev["probability"]),
        "text_zh": render(rule.text_zh, _fields(ev, ctx, as_of, "zh")),
        "text_en": render(rule.text_en, _fields(ev, ctx, as_of, "en")),
    }
    if len(ev["conditions"]) > 1:
        reason["conditions"] = ev["conditions"]
    return reason


def _round(x: float) -> float | None:
    return None if x != x else round(float(x), 4)


def _quiet_reason(policy: Policy, ctx: Context) -> tuple[str, str]:
    known_zh, known_en = [], []
    for ind in ("employment_rate", "ratio_sd", "ratio_sd_projected", "demand_per_school"):
        o = ctx.points.get(ind) or (ctx.series.get(ind, {}).get(max(ctx.series[ind])) if ctx.series.get(ind) else None)
        if o is not None:
            v = fmt_value(ind, o.value)
            known_zh.append(f"{INDICATORS[ind].zh} {v}（{o.year}年）")
            known_en.append(f"{INDICATORS[ind].en} {v} ({o.year})")
    # the policy by its title (默认规则组合 / Default combination), never its file id
    zh = f"未触发政策“{policy.title('zh')}”的任何预警规则，保持招生。"
    en = f"No rule of “{policy.title('en')}” fired: keep enrolment."
    if known_zh:
        zh += "已知指标：" + "；".join(known_zh) + "。"
        en += " Known indicators: " + "; ".join(known_en) + "."
    else:
        zh += "（无可用指标数据。）"
        en += " (No indicator data available.)"
    return zh, en


def not_enrolling_row(policy: Policy, ctx: Context, as_of: int) -> dict:
    """The row of a programme that no longer enrols: its own status, no range, no keep/expand."""
    quiet = policy.settings["not_enrolling_years"]
    intakes = ctx.intake_by_year or {}
    last = max((y for y in intakes if intakes[y] > 0), default=None)
    first = last + 1 if last is not None else as_of - quiet + 1
    span = f"{first}–{as_of}" if first < as_of else str(as_of)
    zh = f"{span}年无招生"
    en = f"no intake in {span}"
    if last is not None:
        zh += f"（最近一次招生为{last}年{intakes[last]:.0f}人）"
        en += f" (last intake {intakes[last]:.0f} in {last})"
    if ctx.in_school_last > 0:
        zh += f"，在校生{ctx.in_school_last:.0f}人（{ctx.in_school_year}年）待毕业"
        en += f"; {ctx.in_school_last:.0f} students ({ctx.in_school_year}) still to graduate"
    zh += "：未招生专业，不作保持或扩招建议，如恢复招生须重新论证。"
    en = en[0].upper() + en[1:] + ": not enrolling; no keep or expand advice (re-opening needs a new case)."
    reason = {"rule_id": "not_enrolling", "level": NOT_ENROLLING, "status": "decisive",
              "intake": {str(y): intakes[y] for y in sorted(intakes) if y > as_of - 5},
              "text_zh": zh, "text_en": en}
    return {"warning_level": NOT_ENROLLING, "action_zh": LEVEL_NAMES[NOT_ENROLLING][0],
            "action_en": LEVEL_NAMES[NOT_ENROLLING][1], "reasons": json.dumps([reason], ensure_ascii=False),
            "reason_zh": zh, "reason_en": en, "probability": math.nan, "enrol_lo": math.nan,
            "enrol_hi": math.nan, "rules_fired": 0}


def _relative(rule: Rule) -> bool:
    return any(c.indicator == REL for c in rule.conditions)


def _range_ratio(rule: Rule, ctx: Context) -> float:
    """The S/D that sizes an expansion: the ratio to the level's aggregate for a rule on it (the
    expansion is a larger share of the level's total), else the projected S/D."""
    o = ctx.points.get(REL) if _relative(rule) else None
    return o.value if o is not None else ctx.ratio_sd_projected


def evaluate_key(policy: Policy, ctx: Context, as_of: int, levels_only: bool = False) -> dict:
    """Evaluate every rule for one region × specialty × level; return the resolved row."""
    if ctx.not_enrolling:
        return {"warning_level": NOT_ENROLLING} if levels_only else not_enrolling_row(policy, ctx, as_of)
    cap = ctx.cap * (1 + policy.enrolment["capacity_slack"])
    fired = [ev for r in policy.rules if (ev := fire(r, ctx)) is not None]
    overridden = set()
    for ev in fired:
        for pattern in ev["rule"].overrides:
            overridden |= {e["rule"].id for e in fired
                           if e is not ev and fnmatch.fnmatchcase(e["rule"].id, pattern)}
    live = [e for e in fired if e["rule"].id not in overridden]
    for ev in fired:
        # levels only (history): a probability matters only where a strong level is gated
        gated = policy.settings.get(f"min_probability_{ev['rule'].level}", 0.0) > 0
        ev["probability"] = rule_probability(ev["rule"], ctx) if gated or not levels_only else math.nan
    res = resolve(live, policy.settings)
    level, decisive = res["level"], res["decisive"]
    if levels_only:
        return {"warning_level": level}
    watch = res["forced_yellow"] or (res["insufficient"] and level == "yellow")
    if watch:
        lo, hi = enrolment_range("watch", ctx.last_intake, policy.enrolment)
        action_zh, action_en = ACTIONS["yellow"]
    elif decisive:
        ranges = []
        for ev in decisive:
            lo, hi = enrolment_range(ev["rule"].enrolment, ctx.last_intake, policy.enrolment,
                                     ctx.employed_last, ctx.intake_year == as_of, _range_ratio(ev["rule"], ctx))
            ranges.append((ENROLMENT_MODES.index(ev["rule"].enrolment), hi if hi == hi else math.inf, lo, hi, ev))
        _, _, lo, hi, lead = min(ranges, key=lambda t: (t[1], t[0]))
        action_zh, action_en = lead["rule"].action_zh, lead["rule"].action_en
        if _relative(lead["rule"]) and cap == cap:
            # a share of the level's total (bound_totals keeps the total): no absolute gap target
            hi = max(min(hi, cap), ctx.last_intake)
            lo, hi = _persons(min(lo, hi)), _persons(hi)
        elif policy.enrolment["basis"] == "gap":
            lo, hi = gap_range(lead["rule"].enrolment, lo, hi, ctx.last_intake, ctx.target, cap,
                               policy.enrolment)
    else:
        lo, hi = enrolment_range("keep", ctx.last_intake, policy.enrolment)
        action_zh, action_en = ACTIONS["green"]
    probs = [e["probability"] for e in decisive if e["probability"] == e["probability"]]
    probability = max(probs) if probs else math.nan

    def status(e):
        if e["rule"].id in overridden:
            return "overridden"
        if e in res["insufficient"]:
            return "insufficient"
        if e in res["conflicting"] and (res["forced_yellow"] or e not in decisive):
            return "conflicting"
        return "decisive" if e in decisive else "contributing"

    reasons = [_reason(e, status(e), ctx, as_of) for e in fired]
    for r, e in zip(reasons, fired, strict=True):
        r["evidence"] = e.get("kind", "observed" if e["rule"].id in overridden else "model")
    order = {"decisive": 0, "insufficient": 1, "conflicting": 2, "contributing": 3, "overridden": 4}
    reasons.sort(key=lambda r: order[r["status"]])
    if fired:
        reason_zh, reason_en = _texts(reasons, res, policy)
    else:
        reason_zh, reason_en = _quiet_reason(policy, ctx)
    return {"warning_level": level, "action_zh": action_zh, "action_en": action_en,
            "reasons": json.dumps(reasons, ensure_ascii=False), "reason_zh": reason_zh,
            "reason_en": reason_en, "probability": probability, "enrol_lo": lo, "enrol_hi": hi,
            "rules_fired": len(fired), "conflict": res["conflict"], "insufficient": bool(res["insufficient"]),
            "last_intake": ctx.intake_by_year.get(as_of, math.nan) if ctx.intake_by_year else math.nan,
            "target_intake": ctx.target[0] if ctx.target else math.nan,
            "target_lo": ctx.target[1] if ctx.target else math.nan,
            "target_hi": ctx.target[2] if ctx.target else math.nan, "capacity_cap": cap}


def _pct_below(p: float, threshold: float) -> str:
    """``p`` as a percentage that reads as below ``threshold`` (0.6977 against 0.70 is "69.7%",
    not "70%"): whole percent where that is already below, else truncated to 0.1 %.

    Example:
        >>> _pct_below(0.6977, 0.7), _pct_below(0.52, 0.7)
        ('69.7%', '52%')
    """
    if round(p, 2) < threshold:
        return f"{p:.0%}"
    return f"{math.floor(p * 1000) / 10:.1f}%"


def _texts(reasons: list[dict], res: dict, policy: Policy) -> tuple[str, str]:
    """The reason sentence: decisive rules, then 证据不足 and 证据冲突 notes with both sides."""
    zh, en = [], []
    dec = [r for r in reasons if r["status"] == "decisive"]
    if dec and not res["forced_yellow"]:
        zh += [r["text_zh"] for r in dec]
        en += [r["text_en"] for r in dec]
    settings = policy.settings
    for r in reasons:
        if r["status"] != "insufficient":
            continue
        t = settings.get(f"min_probability_{r['level']}", 0.0)
        p = "–" if r["probability"] is None else _pct_below(r["probability"], t)
        zh.append(f"【{INSUFFICIENT[0]}】{r['text_zh']}（该判断的概率为{p}，低于政策门槛{t:.0%}，暂不据此"
                  f"{ACTIONS[r['level']][0]}，需关注。）")
        en.append(f"[{INSUFFICIENT[1]}] {r['text_en']} (probability {p}, below the policy threshold "
                  f"{t:.0%}: watch rather than {ACTIONS[r['level']][1]}.)")
    if res["conflict"]:
        side = {"observed": ("已观测", "observed"), "model": ("预测/模型", "model")}
        parts_zh = [f"{side[r['evidence']][0]}：{r['text_zh']}" for r in reasons
                    if r["rule_id"] in {e["rule"].id for e in res["conflicting"]}]
        parts_en = [f"{side[r['evidence']][1]}: {r['text_en']}" for r in reasons
                    if r["rule_id"] in {e["rule"].id for e in res["conflicting"]}]
        lead_zh = "判为关注。" if res["forced_yellow"] else "以已观测结果为准。"
        lead_en = "watch." if res["forced_yellow"] else "observed outcomes decide."
        zh.append(f"【{CONFLICT[0]}】" + " ".join(parts_zh) + " " + lead_zh)
        en.append(f"[{CONFLICT[1]}] " + " ".join(parts_en) + " " + lead_en)
    return " ".join(zh), " ".join(en)
