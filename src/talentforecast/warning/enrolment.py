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
