"""Declared shock years: a year the user knows was exceptional (a recession, a change of
definition) is treated as a level shift, so models estimate the trend without it.

For a declared year ``s`` in a series' history, the change into ``s`` is replaced by the
series' typical change (the median yearly ratio over the other years) by rescaling every value
before ``s``: the history then ends at the same, real, level but its trend no longer holds the
shock. A forecast therefore carries the post-shock level forward at the usual trend. Values
from ``s`` on are unchanged. Multiplicative, so a positive series stays positive and a uniform
rescaling of the older years does not change scale-free backtest scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from talentforecast.errors import InputError, Problem
from talentforecast.forecasting._panel import Series


def check_shock_years(years: object) -> tuple[int, ...]:
    """Validate ``shock_years``: ``None`` or a list of integer years, each once.

    Example:
        >>> check_shock_years([2009, 2020])
        (2009, 2020)
        >>> check_shock_years(None)
        ()
        >>> check_shock_years(["2009"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        talentforecast.errors.InputError: ...
    """
    if years is None:
        return ()
    ok = isinstance(years, (list, tuple)) and all(
        isinstance(y, (int, np.integer)) and not isinstance(y, bool) for y in years)
    if not ok or len(set(years)) != len(years):  # type: ignore[arg-type]
        raise InputError([Problem("<argument>", "shock_years", None, years, "a list of distinct integer years, or None",
                                  "由不重复的整数年份组成的列表，或 None")])
    return tuple(sorted(int(y) for y in years))  # type: ignore[union-attr]


def adjust(y: np.ndarray, ds: np.ndarray, years: Sequence[int]) -> tuple[np.ndarray, int]:
    """``y`` with the change into each declared year replaced by the typical change; returns the
    adjusted values and how many declared years were applied (a year outside the history, its
    first year, or one next to a value <= 0 is not applied).

    Example:
        >>> y = np.array([100.0, 110.0, 121.0, 133.1, 100.0])  # +10 % a year, then a 25 % drop
        >>> a, n = adjust(y, np.arange(2005, 2010), [2009])
        >>> np.round(a, 1).tolist(), n  # same last value, the drop became a typical +10 %
        ([68.3, 75.1, 82.6, 90.9, 100.0], 1)
    """
    y = np.asarray(y, dtype=float).copy()
    idx = [int(np.searchsorted(ds, s)) for s in years if ds[0] < s <= ds[-1]]
    idx = [i for i in idx if ds[i] in years]
    if not idx:
        return y, 0
    with np.errstate(all="ignore"):
        ratio = y[1:] / y[:-1]
    other = np.ones(y.size - 1, dtype=bool)
    other[[i - 1 for i in idx]] = False
    typical = ratio[other & np.isfinite(ratio) & (y[:-1] > 0) & (y[1:] > 0)]
    if typical.size == 0:
        return y, 0
    g = float(np.exp(np.median(np.log(typical))))
    n = 0
    for i in idx:
        if y[i - 1] > 0 and y[i] > 0:
            y[:i] *= y[i] / y[i - 1] / g  # the change into year i becomes g
            n += 1
    return y, n


def head(s: Series, n: int, years: Sequence[int]) -> np.ndarray:
    """The first ``n`` values of ``s``, adjusted for the declared ``years`` they hold (:func:`adjust`;
    unchanged, not copied, when none are declared): a series cut at a backtest origin.

    Example:
        >>> s = Series("a", np.arange(2005, 2010), np.array([100.0, 110.0, 121.0, 133.1, 100.0]))
        >>> head(s, 3, [2009]).tolist(), np.round(head(s, 5, [2009]), 1).tolist()[0]
        ([100.0, 110.0, 121.0], 68.3)
    """
    return adjust(s.y[:n], s.ds[:n], years)[0] if years else s.y[:n]


def apply(series: Sequence[Series], years: Sequence[int]) -> tuple[list[Series], int]:
    """Every series with its declared shock years adjusted (:func:`adjust`); how many series changed."""
    if not years:
        return list(series), 0
    out, changed = [], 0
    for s in series:
        y, n = adjust(s.y, s.ds, years)
        out.append(Series(s.uid, s.ds, y, s.X, s.X_future, s.groups) if n else s)
        changed += bool(n)
    return out, changed
