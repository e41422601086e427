"""What the rule engine reads about one region × specialty × level: observations (:class:`Obs`),
each key's yearly series cut to an ``as_of`` (:class:`SeriesUpTo`) and the whole
:class:`Context`. Built by :mod:`talentforecast.warning.indicators`."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


class Obs(NamedTuple):
    """One indicator value with what is needed for its probability.

    A named tuple: a panel's series hold hundreds of thousands of them, and
    :func:`~talentforecast.warning.indicators.build_series` builds each from a row tuple in one C
    call (``tuple.__new__``).

    Example:
        >>> Obs(2023, 0.9, n=120.0).n, Obs(2023, 0.9).sigma != Obs(2023, 0.9).sigma  # unset: NaN
        (120.0, True)
    """

    year: int
    value: float
    n: float = math.nan  # graduates behind a rate (beta probability)
    sigma: float = math.nan  # sd of log(ratio) from the forecast interval (lognormal probability)
    p_gt: float = math.nan  # matching's p_surplus, a fallback when there is no interval
    p_lt: float = math.nan  # matching's p_shortage
    rate: float = math.nan  # the rate behind a peer gap / adjusted value (beta on the rate scale)
    prior: float = math.nan  # peer mean the rate is shrunk toward
    kappa: float = math.nan  # strength of that prior, in pseudo-graduates (NaN: no shrinkage)


@dataclass
class Context:
    """Everything known about one region × specialty × level for one as_of."""

    series: Mapping[str, dict[int, Obs]] = field(default_factory=dict)  # SeriesUpTo in contexts()
    points: dict[str, Obs] = field(default_factory=dict)
    last_intake: float = math.nan
    intake_year: int | None = None
    employed_last: float = math.nan
    ratio_sd_projected: float = math.nan
    # intake per year up to as_of, summed over schools, zeros kept (None: no enrolment table)
    intake_by_year: dict[int, float] | None = None
    in_school_last: float = math.nan
    in_school_year: int | None = None
    not_enrolling: bool = False
    target: tuple[float, float, float] | None = None  # gap target intake (value, lo_80, hi_80)
    cap: float = math.nan  # recent capacity × school-age cohort growth


OBS_FLOATS = Obs._fields[1:]  # the float fields, in order


def obs_rows(rows: Iterator[tuple]) -> Iterator[Obs]:
    """Obs from tuples holding every field in order, built in C (``tuple.__new__``): no
    Python-level ``__new__`` per row."""
    return map(tuple.__new__, itertools.repeat(Obs), rows)


class SeriesUpTo(Mapping):
    """``{indicator: {year: Obs}}`` of one key cut to the years ≤ ``as_of``, each indicator cut
    when first read (a rule reads a few of a key's indicators; the history re-evaluates every
    key for ten earlier years).

    Example:
        >>> s = SeriesUpTo({"graduates": {2022: Obs(2022, 90.0), 2023: Obs(2023, 100.0)}}, 2022)
        >>> list(s["graduates"]), s.get("employment_rate", {})
        ([2022], {})
    """

    __slots__ = ("_full", "_as_of", "_cut")

    def __init__(self, full: dict[str, dict[int, Obs]], as_of: int):
        self._full, self._as_of, self._cut = full, as_of, {}

    def __getitem__(self, ind: str) -> dict[int, Obs]:
        got = self._cut.get(ind)
        if got is None:
            ys = self._full[ind]
            # build_series keeps each indicator's years ascending: nothing to cut is the common case
            got = self._cut[ind] = ys if not ys or next(reversed(ys)) <= self._as_of else \
                {y: o for y, o in ys.items() if y <= self._as_of}
        return got

    def __iter__(self) -> Iterator[str]:
        return iter(self._full)

    def __len__(self) -> int:
        return len(self._full)
