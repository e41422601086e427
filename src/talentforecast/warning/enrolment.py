"""Recommended enrolment range for the next intake, from the deciding rule and projected demand.

Parameters come from the policy's ``[enrolment]`` table (see ``policy.ENROLMENT``).

Example:
    >>> params = {"reduce_min": 0.1, "reduce_max": 0.3, "watch_reduce": 0.1, "keep_band": 0.05,
    ...           "expand_max": 0.3}
    >>> enrolment_range("reduce", last_intake=100, params=params)
    (70, 90)
"""

from __future__ import annotations

import math


def _round(x: float) -> int:
    return int(math.floor(x + 0.5))


def enrolment_range(mode: str, last_intake: float, params: dict, employed_last: float = math.nan,
                    enrolled_in_as_of: bool = False,
                    ratio_sd_projected: float = math.nan) -> tuple[float, float]:
    """(lo, hi) persons for the plan year; NaN when the last intake is unknown (except stop).

    - stop: 0–0.
    - alternate (enrol every other year): 0–0 if the specialty enrolled in the as_of year,
      otherwise 0 up to last year's employed graduates.
    - cap_employed: at most last year's employed graduates (and at most the last intake);
      at least the largest orange cut, if that is below the cap.
    - reduce: last intake × (1 − reduce_max) … × (1 − reduce_min).
    - watch: last intake × (1 − watch_reduce) … last intake.
    - keep: last intake × (1 ± keep_band).
    - expand: last intake … the demand-led target last intake ÷ projected S/D, at most
      last intake × (1 + expand_max).
    """
    if mode == "stop":
        return 0, 0
    cap = employed_last if employed_last == employed_last else last_intake
    if mode == "alternate":
        if enrolled_in_as_of:
            return 0, 0
        return (0, _round(cap)) if cap == cap else (0, math.nan)
    if last_intake != last_intake:
        return math.nan, math.nan
    last = float(last_intake)
    if mode == "cap_employed":
        hi = min(cap, last)
        return _round(min(last * (1 - params["reduce_max"]), hi)), _round(hi)
    if mode == "reduce":
        return _round(last * (1 - params["reduce_max"])), _round(last * (1 - params["reduce_min"]))
    if mode == "watch":
        return _round(last * (1 - params["watch_reduce"])), _round(last)
    if mode == "keep":
        return _round(last * (1 - params["keep_band"])), _round(last * (1 + params["keep_band"]))
    if mode == "expand":
        top = last * (1 + params["expand_max"])
        if ratio_sd_projected == ratio_sd_projected and ratio_sd_projected > 0:
            top = min(top, last / ratio_sd_projected)
        return _round(last), _round(max(last, top))
    raise ValueError(f"unknown enrolment mode {mode!r}")


def gap_targets(tables, as_of: int, target_year: int, regions=None) -> dict[tuple, tuple[float, float, float]]:
    """{key: (target, lo, hi)} entrants needed for the projected demand, with its 80% interval.

    target = demand[target_year] / (completion × supply per graduate): the demand carried back
    through completion and through further study and local retention (matching's supply ÷
    graduates of the same projected year). A programme (``demand_share`` in its matches rows)
    gets its share. Keys without projected demand or completion get no target.

    Example:
        >>> import pandas as pd
        >>> m = pd.DataFrame({"region": "R", "specialty": "S", "level": "L", "year": 2026, "observed": False,
        ...                   "demand": 100.0, "demand_lo_80": 80.0, "demand_hi_80": 130.0,
        ...                   "supply": 50.0, "graduates": 100.0}, index=[0])
        >>> c = pd.DataFrame({"specialty": "S", "level": "L", "rate": 0.8}, index=[0])
        >>> gap_targets({"matches": m, "completion_rates": c}, 2023, 2026)[("R", "S", "L")]
        (250.0, 200.0, 325.0)
    """
    import pandas as pd

    m, c = tables.get("matches"), tables.get("completion_rates")
    need = {"demand", "supply", "graduates", "observed"}
    if m is None or c is None or not need <= set(m.columns) or "rate" not in c.columns:
        return {}
    if "scenario" in m.columns:
        m = m[m["scenario"] == "baseline"]
    m = m[(m["year"] == target_year) & ~m["observed"].astype(bool)]
    if regions is not None:
        m = m[m["region"].astype(str).isin(set(regions))]
    comp = c.astype({"specialty": str, "level": str})[["specialty", "level", "rate"]].drop_duplicates(
        ["specialty", "level"])
    m = m.astype({"specialty": str, "level": str}).merge(comp, on=["specialty", "level"])
    share = m["demand_share"] if "demand_share" in m.columns else 1.0
    per_grad = m["supply"] / m["graduates"].where(m["graduates"] > 0)
    factor = share / (m["rate"] * per_grad)
    out = {}
    lo = m["demand_lo_80"] if "demand_lo_80" in m.columns else m["demand"]
    hi = m["demand_hi_80"] if "demand_hi_80" in m.columns else m["demand"]
    for key, t, a, b in zip(zip(m["region"].astype(str), m["specialty"], m["level"], strict=True),
                            m["demand"] * factor, lo * factor, hi * factor, strict=True):
        if pd.notna(t) and t >= 0:
            out[key] = (round(float(t), 1), round(float(a), 1), round(float(b), 1))
    return out


def cohort_growth(tables, as_of: int) -> dict[tuple[str, str], float]:
    """{(region, level): school-age population of the plan year ÷ as_of} from ``participation``.

    Parents (regions without their own rows) get the sum of their children.

    Example:
        >>> import pandas as pd
        >>> p = pd.DataFrame({"region": "D", "level": "L", "year": [2023, 2024], "population": [100.0, 90.0]})
        >>> cohort_growth({"participation": p}, 2023)
        {('D', 'L'): 0.9}
    """
    import pandas as pd

    p = tables.get("participation")
    if p is None or not {"region", "level", "year", "population"} <= set(p.columns):
        return {}
    p = p.astype({"region": str})[["region", "level", "year", "population"]]
    reg = tables.get("regions")
    if reg is not None and "parent" in reg.columns:
        parent = {str(r): str(q) for r, q in zip(reg["region"], reg["parent"], strict=True)
                  if isinstance(q, str) and q.strip()}
        up = p[p["region"].isin(parent)].assign(region=lambda d: d["region"].map(parent))
        up = up[~up["region"].isin(set(p["region"]))].groupby(["region", "level", "year"], as_index=False).sum()
        p = pd.concat([p, up], ignore_index=True)
    g = p.pivot_table(index=["region", "level"], columns="year", values="population", aggfunc="sum")
    if as_of not in g.columns or as_of + 1 not in g.columns:
        return {}
    ratio = (g[as_of + 1] / g[as_of].where(g[as_of] > 0)).dropna()
    return {k: round(float(v), 6) for k, v in ratio.items()}


def gap_range(mode: str, lo: float, hi: float, last: float, target: tuple[float, float, float] | None,
              cap: float, params: dict) -> tuple[float, float]:
    """The rule's range moved to the gap target's 80% interval and bounded by ``cap``.

    expand: from last intake to the target's upper end; reduce: below the cut the rule requires,
    down to the target's lower end; other modes keep their range. Every range is at most ``cap``
    (recent capacity × the school-age cohort's growth).

    Example:
        >>> gap_range("expand", 100, 130, 100, (160, 140, 190), 150, {"reduce_min": 0.1})
        (140, 150)
        >>> gap_range("reduce", 70, 90, 100, (60, 40, 80), 150, {"reduce_min": 0.1})
        (40, 80)
        >>> gap_range("expand", 100, 130, 100, (160, 140, 190), 88, {"reduce_min": 0.1})  # cohort shrinks
        (100, 100)
    """
    if target is None or last != last:
        return lo, hi
    _, t_lo, t_hi = target
    if mode == "expand":
        lo, hi = last, max(last, t_hi)
        lo = max(lo, min(t_lo, hi))
    elif mode == "reduce":
        hi = min(last * (1 - params["reduce_min"]), t_hi)
        lo = max(0.0, min(t_lo, hi))
    if cap == cap:
        hi = min(hi, cap)
        if mode == "expand":  # an expansion is never a cut: when capacity or the cohort allow no growth, hold
            hi = max(hi, last)
        lo = min(lo, hi)
    return _round(lo), _round(hi)


def without_room(w):
    """Blue rows whose range leaves no room above the last intake (gap, capacity or cohort bound):
    they say 保持, not 扩招, and stay off the expand list.

    Example:
        >>> import pandas as pd
        >>> w = pd.DataFrame({"warning_level": ["blue", "blue", "green"], "enrol_hi": [91, 120, 50],
        ...                   "last_intake": [91.0, 100.0, 50.0]})
        >>> without_room(w).tolist()
        [True, False, False]
    """
    import pandas as pd

    return (w["warning_level"] == "blue") & (pd.to_numeric(w["enrol_hi"], errors="coerce") <= w["last_intake"])


def bound_totals(w, last: dict, growth: dict, slack: float):
    """Scale expansions down so that each region × level's total upper end stays within
    Σ last intake × school-age cohort growth × (1 + slack). Returns the frame with
    ``enrol_bounded`` marking the rows whose range was scaled.

    ``w``: warnings rows (region, specialty, level, enrol_lo, enrol_hi); ``last``: {key: last intake}.

    Example:
        >>> import pandas as pd
        >>> w = pd.DataFrame({"region": "R", "specialty": ["A", "B"], "level": "L",
        ...                   "enrol_lo": [100.0, 100.0], "enrol_hi": [200.0, 100.0]})
        >>> bound_totals(w, {("R", "A", "L"): 100, ("R", "B", "L"): 100}, {}, 0.1)["enrol_hi"].tolist()
        [120.0, 100.0]
    """
    w = w.copy()
    w["enrol_bounded"] = False
    keys = list(zip(w["region"], w["specialty"], w["level"], strict=True))
    w["_last"] = [last.get(k, float("nan")) for k in keys]
    for (region, level), g in w.groupby(["region", "level"]):
        base = g["_last"].sum(min_count=1)
        if not base > 0:
            continue
        bound = base * growth.get((region, level), 1.0) * (1 + slack)
        grow = g["enrol_hi"] > g["_last"]
        extra = (g.loc[grow, "enrol_hi"] - g.loc[grow, "_last"]).sum()
        fixed = g.loc[~grow, "enrol_hi"].sum() + g.loc[grow, "_last"].sum()
        if not extra > 0 or fixed + extra <= bound:
            continue
        factor = max(0.0, (bound - fixed) / extra)
        idx = g.index[grow]
        hi = [_round(v) for v in w.loc[idx, "_last"] + factor * (w.loc[idx, "enrol_hi"] - w.loc[idx, "_last"])]
        w.loc[idx, "enrol_hi"] = hi
        w.loc[idx, "enrol_lo"] = [min(a, b) for a, b in zip(w.loc[idx, "enrol_lo"], hi, strict=True)]
        w.loc[idx, "enrol_bounded"] = True
    return w.drop(columns="_last")
