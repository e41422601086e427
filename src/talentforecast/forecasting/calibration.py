"""Calibrated intervals of ``models="auto"``: quantiles of scaled backtest errors, and the shock
that cases of one calendar window share (a recession hits every region at once), which a
calibration on a few windows has seen only a few draws of. Also the windows the choice can be
made within (``select_within_window``)."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources

import numpy as np
from scipy import stats

from talentforecast.forecasting._panel import Series

# shipped defaults of models="auto" (shrinkage, calibration, pooled member, backtest sample),
# documented in the file itself; auto.DEFAULTS is this dict
DEFAULTS: dict = tomllib.loads((resources.files("talentforecast.forecasting") / "data" / "auto.toml").read_text(encoding="utf-8"))
MIN_WINDOW_CASES = 10  # fewest cases of one origin for it to count as a calendar window of a common shock
SHOCK_GRID = 400  # quantiles of the new common shock's t distribution (deterministic, no sampling)


def origin_of(cases: Sequence[Series]) -> np.ndarray:
    """Each case's origin (its last training date): cases sharing one met the same years."""
    return np.array([cs.ds[-1] for cs in cases], dtype=object)


def calibrate(A: np.ndarray, C: np.ndarray, S: np.ndarray, level: Sequence[int],
              origins: np.ndarray | None = None) -> tuple[dict, int]:
    """Per step and level: quantiles of scaled errors ``(actual - forecast) / scale``, and the
    calendar windows a common shock was modelled on (0: none, the empirical quantiles).

    Cases sharing an ``origin`` met the same years. Where few calendar windows (fewer than
    ``common_shock_windows`` of ``auto.toml``) differ significantly (Kruskal–Wallis), the error is
    modelled as a shock common to the window plus the series' own: the quantiles are those of the
    own errors plus a new common shock drawn from a Student t with as many degrees of freedom as
    windows, centred on zero and scaled to the windows' shocks (a few windows have seen a few
    phases of the cycle, not its range).

    Example:
        >>> A = np.array([[1.0], [2.0], [3.0]]); C = np.zeros((3, 1)); S = np.ones(3)
        >>> calibrate(A, C, S, [80])
        ({(80, 0): (0.0, 3.0)}, 0)
    """
    if not level:
        return {}, 0
    ok = S > 0
    R = (A[ok] - C[ok]) / S[ok, None]
    orig = None if origins is None else np.asarray(origins, dtype=object)[ok]
    q, windows = {}, 0
    probs = [p for lv in level for p in ((100 - lv) / 200, 1 - (100 - lv) / 200)]
    for k in range(A.shape[1]):
        fin = np.isfinite(R[:, k])
        r = R[fin, k]
        if r.size == 0:
            continue
        if orig is not None:
            shared, n = common_shock_sample(r, orig[fin])
            r, windows = (shared, max(windows, n)) if shared is not None else (r, windows)
        got = np.quantile(r, probs, method="higher")  # one partition for every level
        for i, lv in enumerate(level):
            q[(lv, k)] = (min(float(got[2 * i]), 0.0), max(float(got[2 * i + 1]), 0.0))
    return widening(q), windows


def widening(q: dict) -> dict:
    """The quantiles made no narrower at a later step than at an earlier one, per level.

    A later year's error adds that year's change to the earlier one's, so its spread does not
    shrink; a narrower later step is sampling noise (later steps come from fewer origins) or a
    common shock found significant at one step and not the next. Planners read an interval that
    narrows further out as the forecast growing surer, which nothing in the data says.

    Example:
        >>> widening({(80, 0): (-2.0, 2.0), (80, 1): (-1.5, 2.5), (80, 2): (-3.0, 2.0)})
        {(80, 0): (-2.0, 2.0), (80, 1): (-2.0, 2.5), (80, 2): (-3.0, 2.5)}
    """
    out, last = {}, {}
    for (lv, k) in sorted(q, key=lambda key: (key[0], key[1])):
        lo, hi = q[(lv, k)]
        if lv in last:
            lo, hi = min(lo, last[lv][0]), max(hi, last[lv][1])
        out[(lv, k)] = last[lv] = (lo, hi)
    return out


def shock_windows(r: np.ndarray, origins: np.ndarray) -> np.ndarray | None:
    """The calendar windows whose cases share a shock in the errors ``r`` of one step: those of
    :func:`selection_windows`, where they differ at ``common_shock_p`` (Kruskal–Wallis); else ``None``.

    Example:
        >>> r = np.r_[np.linspace(-1, 1, 20), np.linspace(2, 4, 20)]
        >>> shock_windows(r, np.repeat([2008, 2009], 20)).tolist()
        ['2008', '2009']
        >>> shock_windows(r, np.tile([2008, 2009], 20)) is None  # the same errors in both
        True
    """
    big = selection_windows(origins)
    if big is None:
        return None
    key = np.asarray(origins, dtype=object).astype(str)
    if stats.kruskal(*[r[key == g] for g in big]).pvalue >= float(DEFAULTS["common_shock_p"]):
        return None
    return big


def selection_windows(origins: np.ndarray) -> np.ndarray | None:
    """The calendar windows: origins with ``MIN_WINDOW_CASES`` or more cases, where they are at
    least two and fewer than ``common_shock_windows`` (``auto.toml``); else ``None``. The choice
    is made within them when ``select_within_window`` is on.

    Example:
        >>> selection_windows(np.repeat([1979, 1980, 1981], 48)).tolist()
        ['1979', '1980', '1981']
        >>> selection_windows(np.repeat([2014], 1058)) is None  # one window: nothing to take out
        True
    """
    keys, counts = np.unique(np.asarray(origins, dtype=object).astype(str), return_counts=True)
    big = keys[counts >= MIN_WINDOW_CASES]
    return big if 2 <= big.size < int(DEFAULTS["common_shock_windows"]) else None


def without_window_shock(A: np.ndarray, C: np.ndarray, S: np.ndarray, origins: np.ndarray,
                         windows: np.ndarray) -> np.ndarray:
    """``C`` moved by its window's common error beyond the windows' mean: per step, the median
    scaled error of each window's cases, less its mean over ``windows``, times each case's scale.
    What every window shares (a combination that always under-forecasts growth) stays in the
    score; what differs between them (the phase of the cycle each met) is taken out.

    Example:
        >>> A = np.array([[12.0], [13.0], [5.0], [4.0]]); C = np.array([[10.0], [10.0], [5.0], [5.0]])
        >>> o, w = np.array([1, 1, 2, 2]), np.array(["1", "2"])
        >>> without_window_shock(A, C, np.ones(4), o, w).ravel().tolist()  # shocks 2.5 and -0.5, mean 1
        [11.5, 11.5, 3.5, 3.5]
        >>> without_window_shock(C + 2, C, np.ones(4), o, w).ravel().tolist()  # the same bias in both: kept
        [10.0, 10.0, 5.0, 5.0]
    """
    out = C.copy()
    key = np.asarray(origins, dtype=object).astype(str)
    scale = np.where(S > 0, S, 0.0)
    common = []
    for g in windows:
        m = key == g
        with np.errstate(all="ignore"):
            common.append(np.nan_to_num(np.nanmedian((A[m] - C[m]) / np.where(S[m] > 0, S[m], np.nan)[:, None], axis=0)))
    mean = np.mean(common, axis=0)  # a bias every window shares is the combination's own: kept
    for g, shock in zip(windows, common, strict=True):
        m = key == g
        out[m] = C[m] + (shock - mean)[None, :] * scale[m, None]
    return out


def common_shock_sample(r: np.ndarray, origins: np.ndarray) -> tuple[np.ndarray | None, int]:
    """The errors ``r`` of one step as own error plus a new common shock, or ``None`` where the
    panel's calendar windows are many, fewer than two, or not significantly different.

    The windows are those of :func:`shock_windows`. M3's calibration has 22 (its series end in
    many different years), so its empirical quantiles, which already hold the shocks' range, stay.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> r = np.concatenate([rng.normal(m, 0.3, 40) for m in (-2.0, 1.0, 2.5)])
        >>> o = np.repeat([1975, 1976, 1977], 40)
        >>> s, n = common_shock_sample(r, o)
        >>> n, bool(np.quantile(s, 0.9) - np.quantile(s, 0.1) > np.quantile(r, 0.9) - np.quantile(r, 0.1))
        (3, True)
        >>> common_shock_sample(r[:40], o[:40])[0] is None  # one window: nothing to tell apart
        True
    """
    big = shock_windows(r, origins)
    if big is None:
        return None, 0
    key = np.asarray(origins, dtype=object).astype(str)
    groups = [r[key == g] for g in big]
    shock = np.array([np.median(g) for g in groups])
    # a case of a window too small to tell its shock keeps its whole error (counted, not dropped)
    own = np.concatenate([g - c for g, c in zip(groups, shock, strict=True)] + [r[~np.isin(key, big)]])
    # the windows' shocks include their own sampling noise: only the excess is common
    noise = np.mean([np.var(g, ddof=1) / g.size for g in groups])
    tau2 = float(np.mean(shock ** 2)) - noise
    if tau2 <= 0:
        return None, 0
    grid = (np.arange(SHOCK_GRID) + 0.5) / SHOCK_GRID
    new = np.sqrt(tau2) * stats.t.ppf(grid, df=big.size)
    return (own[:, None] + new[None, :]).ravel(), int(big.size)


MIN_WALK_CHANGES = 5  # fewest yearly changes in a panel for a random-walk band (t with 4 degrees of freedom)


def walk_band(series: Sequence[Series], h: int, level: int) -> tuple[np.ndarray | None, int]:
    """Relative half-widths per step of a ``level`` % band from the panel's yearly changes, taken as
    a random walk (``None`` with fewer than ``MIN_WALK_CHANGES`` changes), and the number of changes.

    For a panel where no model gave an interval (every series 1–2 years): the relative yearly
    changes of all series (``Δy / y`` where ``y > 0``) spread about their mean, with a Student t
    of ``n - 1`` degrees of freedom (few changes, a wide band), growing as the square root of the
    step. Two years of data say little; an interval of zero width would say more than that.

    Example:
        >>> s = [Series(i, np.array([2020, 2021]), np.array([100.0, v])) for i, v in enumerate([98, 101, 103, 104, 110])]
        >>> w, n = walk_band(s, 2, 80)
        >>> n, bool(w[1] > w[0] > 0.03)
        (5, True)
        >>> walk_band(s[:4], 2, 80)
        (None, 4)
    """
    parts = []
    for s in series:
        y = np.asarray(s.y, dtype=float)
        prev, nxt = y[:-1], y[1:]
        ok = (prev > 0) & np.isfinite(prev) & np.isfinite(nxt)
        parts.append((nxt[ok] - prev[ok]) / prev[ok])
    r = np.concatenate(parts) if parts else np.empty(0)
    if r.size < MIN_WALK_CHANGES:
        return None, int(r.size)
    t = float(stats.t.ppf(0.5 + level / 200, r.size - 1))
    return t * float(np.std(r, ddof=1)) * np.sqrt(np.arange(1, h + 1)), int(r.size)
