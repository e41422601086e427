"""Combine the fired rules into one level: observed evidence first, model evidence modifies,
strong levels only above the policy's probability thresholds.

Each fired rule has an *evidence* kind (observed when all its indicators are observed outcomes,
postings, enrolment or provision; model when any is a projection or crosswalk-derived demand)
and a *direction*: red/orange/yellow point down, blue up, an observed green (good outcomes) up, a
model green nowhere. With ``settings.projection_role = "modify"``:

- observed rules pointing down decide; model rules pointing down may raise the level (they
  agree); a model rule pointing up is a conflict (证据冲突), shown, and ignored;
- observed rules pointing up (and none down): a strong model rule pointing down is a conflict →
  yellow 证据冲突 with both shown; against an observed blue a model watch is a conflict too, and
  the observed blue decides; otherwise the most severe of the rules left;
- no observed rule: the model rules decide.

With ``"decide"`` every live rule competes on severity (the original resolution) and conflicts
are only marked. A model watch (yellow) below ``min_probability_yellow_over_blue`` does not
displace a blue that passes its own threshold. Then in both modes a strong level (red, orange, blue) whose probability is
below ``min_probability_<level>`` is withdrawn; if nothing strong is left the level is yellow
with the reason 证据不足.

Example:
    >>> direction("orange", "observed"), direction("green", "observed"), direction("green", "model")
    (-1, 1, 0)
"""

from __future__ import annotations

from talentforecast.warning.rules import INDICATORS, LEVELS, Rule

STRONG = ("red", "orange", "blue")


def evidence(rule: Rule) -> str:
    """"observed" if every condition is on an observed indicator, else "model"."""
    return "observed" if all(INDICATORS[c.indicator].evidence == "observed" for c in rule.conditions) else "model"


def direction(level: str, kind: str) -> int:
    """−1 (toward cutting), +1 (toward keeping or expanding) or 0."""
    if level in ("red", "orange", "yellow"):
        return -1
    if level == "blue" or (level == "green" and kind == "observed"):
        return 1
    return 0


def _top(evs: list[dict]) -> str:
    return max((e["rule"].level for e in evs), key=LEVELS.get, default="green")


def _drop_weak_watch(cands: list[dict], settings: dict) -> list[dict]:
    """Without the model-evidence watch (yellow) rules that would displace an issued blue while
    their own probability is below ``min_probability_yellow_over_blue``.

    A watch from the absolute S/D bands hinges on assumptions shared by every specialty (the
    entrant share moves all ratios together); the blue from the relative ratio does not. A weak
    watch is shown beside the blue, it does not decide. "Issued" is as in :func:`resolve`; an
    unknown (NaN) probability passes no threshold.
    """
    t = settings.get("min_probability_yellow_over_blue", 0.0)
    t_blue = settings.get("min_probability_blue", 0.0)
    issued = any(e["rule"].level == "blue" and (t_blue <= 0 or e["probability"] >= t_blue) for e in cands)
    if t <= 0 or not issued:
        return cands
    return [e for e in cands if not (e["rule"].level == "yellow" and e["kind"] == "model" and not e["probability"] >= t)]


def resolve(live: list[dict], settings: dict) -> dict:
    """{level, decisive, conflict, conflicting, insufficient} from the live fired rules.

    Each ``ev`` carries ``rule`` and ``probability``; ``kind`` and ``dir`` are added here.
    """
    for e in live:
        e["kind"] = evidence(e["rule"])
        e["dir"] = direction(e["rule"].level, e["kind"])
    obs = [e for e in live if e["kind"] == "observed"]
    mod = [e for e in live if e["kind"] == "model"]
    strong = [e for e in live if e["rule"].level in STRONG]
    down = any(e["dir"] < 0 for e in obs)
    up = any(e["dir"] > 0 for e in obs)
    # a conflict: observed and model evidence point opposite ways, one of them strongly
    conflicting = [e for e in live if any(f["kind"] != e["kind"] and f["dir"] * e["dir"] < 0
                                          and (e in strong or f in strong) for f in live)]
    forced_yellow = False
    if settings.get("projection_role", "decide") == "modify" and obs:
        if down:
            cands = obs + [e for e in mod if e["dir"] <= 0]
        elif up and any(e["dir"] < 0 and e in strong for e in mod):
            cands, forced_yellow = [], True
        elif any(e["rule"].level == "blue" for e in obs):
            # an observed shortage (postings) against a projected watch: a conflict, and the
            # observed evidence decides, as the reason text says
            cands = obs + [e for e in mod if e["dir"] >= 0]
        else:
            cands = obs + mod
    else:
        cands = list(live)
    cands = _drop_weak_watch(cands, settings)
    insufficient = []
    level = "yellow" if forced_yellow else _top(cands)
    while level in STRONG:
        at = [e for e in cands if e["rule"].level == level]
        p = max((e["probability"] for e in at if e["probability"] == e["probability"]), default=float("nan"))
        threshold = settings.get(f"min_probability_{level}", 0.0)
        if threshold <= 0 or p >= threshold:
            break
        insufficient += at
        cands = [e for e in cands if e not in at]
        level = _top(cands)
    if insufficient and level not in STRONG:
        level = max(level, "yellow", key=LEVELS.get)
    if forced_yellow:
        decisive = [e for e in conflicting]
    elif insufficient and level == "yellow":
        decisive = insufficient + [e for e in cands if e["rule"].level == "yellow"]
    else:
        decisive = [e for e in cands if e["rule"].level == level]
    return {"level": level, "decisive": decisive, "conflict": bool(conflicting),
            "conflicting": conflicting, "insufficient": insufficient, "forced_yellow": forced_yellow}
