"""How a warning's probability is shown to people: never as a certainty.

A probability is the share of simulated paths that reach a level, under the model's assumptions.
A finite number of paths cannot show that something is certain or impossible, and the
assumptions have their own uncertainty, so the ends are shown as ">99%" and "<1%" (tables keep
the number itself).
"""

from __future__ import annotations

import math


def probability_text(p: float) -> str:
    """A probability for a table or a sentence: whole percent, ">99%" / "<1%" at the ends.

    Example:
        >>> [probability_text(p) for p in (1.0, 0.996, 0.87, 0.004, 0.0)]
        ['>99%', '>99%', '87%', '<1%', '<1%']
        >>> probability_text(float("nan"))
        '–'
    """
    if p is None or math.isnan(p):
        return "–"
    if p >= 0.995:
        return ">99%"
    if p < 0.005:
        return "<1%"
    return f"{p:.0%}"
