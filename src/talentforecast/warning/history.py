"""Year-over-year tracking: the previous warning level and the years at the current level.

Two sources, in this order:

1. a ``history`` table of warnings issued before (region, specialty, level, year, warning_level;
   ``year`` is the plan year, as in the warnings table): the levels actually published;
2. otherwise the same policy evaluated as of earlier years (as_of − 1, as_of − 2, …, up to
   ``settings.history_lookback``) on the same tables. Observed indicators are cut at each earlier
   as_of; projected indicators are read from the supplied matches table at that earlier
   as_of + projection_offset, i.e. with the hindsight of the current run.

A year in which the specialty was not offered (or not in the history table) ends the run.
"""

from __future__ import annotations

import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.warning.engine import evaluate_key
from talentforecast.warning.indicators import KEY, contexts, restrict
from talentforecast.warning.policy import Policy

Key = tuple[str, str, str]


def _runs(current: dict[Key, str], past: dict[int, dict[Key, str]], plan_year: int) -> dict:
    """{key: (previous_level, years_at_level)} from levels keyed by plan year."""
    out = {}
    for key, level in current.items():
        prev = past.get(plan_year - 1, {}).get(key)
        n, y = 1, plan_year - 1
        while past.get(y, {}).get(key) == level:
            n, y = n + 1, y - 1
        out[key] = (prev, n)
    return out


def from_evaluation(tables, policy: Policy, series, as_of: int, current: dict[Key, str],
                    regions) -> dict:
    """Previous level and persistence by re-evaluating the policy as of earlier years."""
    past: dict[int, dict[Key, str]] = {}
    alive = set(current)
    tables = restrict(tables, regions, policy.settings["scenario"])  # once, not per year
    for k in range(1, policy.settings["history_lookback"] + 1):
        year = as_of - k
        ctxs = contexts(tables, series, year, policy.settings, regions, only=alive)
        if not ctxs:
            break
        past[year + 1] = {key: evaluate_key(policy, ctxs[key], year, levels_only=True)["warning_level"]
                          for key in alive if key in ctxs}
        # keys whose run ended need no further years, except for their previous level
        alive = {key for key in alive if past[year + 1].get(key) == current[key]}
        if not alive:
            break
    return _runs(current, past, as_of + 1)


def from_table(history: pd.DataFrame, current: dict[Key, str], plan_year: int) -> dict:
    """Previous level and persistence from a table of published warnings."""
    need = KEY + ["year", "warning_level"]
    missing = [c for c in need if c not in history.columns]
    if missing:
        raise InputError([Problem("history", c, None, None, "a column of the warnings table",
                                  "预警表中应有的列")
                          for c in missing])
    past: dict[int, dict[Key, str]] = {}
    for r in history.itertuples(index=False):
        key = (str(r.region), str(r.specialty), str(r.level))
        past.setdefault(int(r.year), {})[key] = str(r.warning_level)
    return _runs(current, past, plan_year)
