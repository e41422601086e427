"""``models="auto"``: a combination of fast models chosen globally by rolling-origin backtest on
the training data, with intervals calibrated by conformal quantiles of scaled backtest errors."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from talentforecast.forecasting import shocks
from talentforecast.forecasting._dispatch import run_many
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting._runner import Outcome, degenerate_kind, forecast_one
from talentforecast.forecasting.calibration import (
    DEFAULTS,
    calibrate,
    origin_of,
    selection_windows,
    walk_band,
    without_window_shock,
)
from talentforecast.forecasting.grouped import NAME as GROUPED
from talentforecast.forecasting.grouped import GroupGrowthRidge
from talentforecast.forecasting.models import get_model
from talentforecast.forecasting.pooled import NAME as POOLED
from talentforecast.forecasting.pooled import PooledRidge

# Candidate members; combinations of up to MAX_MEMBERS of them (median or mean) are compared.
DEFAULT_POOL = ("naive", "drift", "dotheta", "ets", "theta_log", "dotheta_log")
DEFAULT_COMBINATION = ("median", ("drift", "dotheta", "ets"))  # used when nothing can be backtested
# (its members too short for most series are left out: default_combination)
# (with exog: the mean of drift and the pool's first exogenous member, e.g. loglog)
EXOG_POOL = ("loglog", "llt")  # added when exog is given; then every combination holds one of them
MAX_MEMBERS = 4
MIN_TRAIN = 6
CAL_SERIES = 100  # sampled series the calibration's extra origins are run on
MIN_TRAIN_SHORT = 4  # fewest training years of a backtest window on panels shorter than MIN_TRAIN + h
MIN_STEP_CASES = 30  # fewest cases a step's quantiles rest on when a panel is shorter than h + MIN_TRAIN_SHORT


@dataclass(eq=False)  # holds DataFrames: pandas compares .attrs when printing
class AutoSelection:
    """What auto chose and how its intervals were calibrated (kept on ``forecast(...).attrs["auto"]``).

    ``scores``: sMAPE of every candidate combination in the backtest (before trend shrinkage);
    ``quantiles``: (level, step) → conformal (lo, hi) quantiles of scaled errors of the shrunk
    combination; ``trend_shrinkage``: the ``c`` of :func:`trend_weight` applied to every forecast;
    ``n_cases`` / ``n_calibration``: backtest cases of the choice / of the calibration;
    ``extrapolated_steps``: steps (0-based) of a panel too short for a whole h-year window whose
    quantiles were extended from the last step it has; ``common_windows``: the calendar windows
    the intervals' common shock rests on (:func:`calibrate`; 0 = empirical quantiles); ``label``: the ``model`` value.

    Example:
        >>> import pandas as pd
        >>> from talentforecast.forecasting import forecast
        >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2005, 2020), "y": [10.0 + 2 * i for i in range(15)]})
        >>> sel = forecast(df, h=2, models="auto").attrs["auto"]
        >>> sel.label, sel.n_cases
        ('auto:drift', 5)
        >>> AutoSelection("median", ("drift", "ets"), pd.DataFrame(), {}).label
        'auto:median(drift,ets)'
    """

    aggregate: str
    members: tuple[str, ...]
    scores: pd.DataFrame = field(repr=False)
    quantiles: dict[tuple[int, int], tuple[float, float]] = field(repr=False)  # (level, step) -> (lo, hi)
    n_cases: int = 0
    trend_shrinkage: float = 0.0  # c of trend_weight; 0 = forecasts are the combination's
    n_calibration: int = 0  # backtest cases the intervals were calibrated on
    extrapolated_steps: tuple[int, ...] = ()  # steps (0-based) whose quantiles were extended, not observed
    common_windows: int = 0  # calendar windows a common shock was modelled on (0: empirical quantiles)
    relative_scale: float = 0.0  # panel's relative scale the intervals' scales are shrunk toward (interval_scale)

    def calibrated(self, level: Sequence[int], h: int) -> bool:
        """Whether every level and step ``0 … h-1`` has calibrated quantiles (else the members'
        own intervals are used)."""
        return all((lv, k) in self.quantiles for lv in level for k in range(h))

    @property
    def label(self) -> str:
        if len(self.members) == 1:
            return f"auto:{self.members[0]}"
        return f"auto:{self.aggregate}({','.join(self.members)})"


def pool_for(has_exog: bool, pooled: bool | None = None, grouped: bool = False) -> tuple[str, ...]:
    """The candidate pool: the default pool, plus the pooled (global) member when ``pooled`` (``None``:
    ``pooled_member`` of ``auto.toml``), plus the group-growth member when the series carry group
    keys (``grouped``), plus exogenous-capable members when exog is given.

    Example:
        >>> pool_for(False, pooled=True)[-1]
        'pooled'
        >>> pool_for(False, pooled=True, grouped=True)[-2:]
        ('pooled', 'grouped')
    """
    use = bool(DEFAULTS["pooled_member"]) if pooled is None else pooled
    pool = DEFAULT_POOL + ((POOLED,) if use else ()) + ((GROUPED,) if grouped else ())
    return pool + EXOG_POOL if has_exog else pool


def scale_of(y: np.ndarray) -> float:
    """MASE scale: mean absolute year-on-year change (0 when undefined)."""
    return float(np.mean(np.abs(np.diff(y)))) if y.size > 1 else 0.0


def panel_scale(series: Sequence[Series]) -> float:
    """The panel's typical relative scale: the median over its series of the MASE scale over the
    mean absolute level (0 when ``scale_prior_changes`` in auto.toml is 0, or undefined).

    Example:
        >>> a = Series("a", np.arange(5), np.array([100.0, 110, 100, 110, 100]))  # changes of 10 on ~104
        >>> round(panel_scale([a]), 4)
        0.0962
    """
    rel = [scale_of(s.y) / m for s in series if s.y.size > 1 and (m := float(np.mean(np.abs(s.y)))) > 0]
    return float(np.median(rel)) if DEFAULTS["scale_prior_changes"] > 0 and rel else 0.0


def interval_scale(y: np.ndarray, relative: float) -> float:
    """The scale the calibrated intervals are in: the MASE scale of ``y`` (mean absolute yearly
    change) shrunk toward ``relative`` × its mean absolute level, geometrically, the panel's value
    weighing as ``scale_prior_changes`` (auto.toml) yearly changes. A scale from three changes is a
    noisy estimate: a flat spell (a rate held by policy for four years) gives a near-zero one, and
    the jump that follows counts as dozens of scales; with twenty changes the series' own scale
    rules. ``relative = 0``: the MASE scale itself.

    Example:
        >>> flat = np.array([100.0, 101.0, 100.0, 101.0])  # three changes of 1 on a level of 100.5
        >>> interval_scale(flat, 0.0), round(interval_scale(flat, 0.05), 2)  # (3·ln 1 + 3·ln 5.025) / 6
        (1.0, 2.24)
    """
    s = scale_of(y)
    k = float(DEFAULTS["scale_prior_changes"])
    prior = relative * float(np.mean(np.abs(y))) if y.size > 1 else 0.0
    if not (k > 0 and prior > 0 and s > 0):
        return s  # a constant history stays at 0: no calibrated interval (as without the prior)
    n = y.size - 1
    return float(np.exp((n * np.log(s) + k * np.log(prior)) / (n + k)))


def trend_weight(y: np.ndarray, c: float) -> float:
    """Weight kept of a forecast's departure from the last value: ``max(0, 1 - c / t²)``.

    ``t`` is the t-statistic of the mean yearly change (mean over its standard error, changes
    treated as independent). A trend no clearer than noise (``t² <= c``) is dropped, i.e. the
    forecast becomes the last value; a clear one is kept almost whole. Positive-part shrinkage of
    the trend toward zero (James–Stein style); it matters for short, noisy series, where a fitted
    trend is mostly noise. ``c = 0``, fewer than 3 values, or changes without spread give 1.

    Example:
        >>> trend_weight(np.array([10.0, 12.0, 14.0, 16.0]), 1.0)  # a clean trend is kept
        1.0
        >>> trend_weight(np.array([10.0, 13.0, 11.0, 14.0, 12.0]), 1.0)  # t = 0.35: dropped
        0.0
        >>> round(trend_weight(np.array([10.0, 12.0, 13.0, 16.0, 17.0]), 1.0), 3)  # t = 3.66
        0.925
    """
    d = np.diff(np.asarray(y, dtype=float))
    if c <= 0 or d.size < 2:
        return 1.0
    sd = float(np.std(d, ddof=1))
    if not sd > 0:
        return 1.0
    t2 = d.size * float(np.mean(d)) ** 2 / sd**2
    return max(0.0, 1.0 - c / t2) if t2 > 0 else 0.0


def shrink(C: np.ndarray, ys: Sequence[np.ndarray], c: float) -> np.ndarray:
    """Forecasts ``C`` (one row per series, histories ``ys``) moved toward each last value by
    :func:`trend_weight`."""
    if c <= 0:
        return C
    last = np.array([y[-1] for y in ys], dtype=float)[:, None]
    w = np.array([trend_weight(y, c) for y in ys])[:, None]
    return last + w * (C - last)


def combine(preds: np.ndarray, aggregate: str) -> np.ndarray:
    """Combine member forecasts (members on axis 0), ignoring members that failed (NaN)."""
    if not np.isnan(preds).any():  # the common case; numpy's NaN-aware median is ~10x slower
        return np.median(preds, axis=0) if aggregate == "median" else np.mean(preds, axis=0)
    # a case where every member failed gives NaN (filled by the caller); numpy warns about it
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice encountered|Mean of empty slice", RuntimeWarning)
        return np.nanmedian(preds, axis=0) if aggregate == "median" else np.nanmean(preds, axis=0)


def smape(actual: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Elementwise sMAPE on the 0–200 scale (0 when both are 0)."""
    den = np.abs(actual) + np.abs(pred)
    with np.errstate(all="ignore"):
        return np.where(den == 0, 0.0, 200 * np.abs(actual - pred) / den)


def select(
    series: Sequence[Series],
    h: int,
    level: Sequence[int],
    n_windows: int = 5,
    pool: Sequence[str] = DEFAULT_POOL,
    seed: int = 0,
    n_jobs: int = 1,
    progress: bool = False,
    trend_shrinkage: float | None = None,
    min_calibration_cases: int | None = None,
    shock_years: Sequence[int] = (),
    pooled_required: bool | None = None,
    backtest_values: int | None = None,
    backtest_cases: int | None = None,
) -> AutoSelection:
    """Backtest every pool member on training windows and choose the best combination by sMAPE;
    calibrate intervals on the errors of the chosen combination after trend shrinkage.

    ``trend_shrinkage``, ``min_calibration_cases``, ``pooled_required`` (the pooled member in
    every combination where it runs), ``backtest_values`` (the sample's budget of training
    values) and ``backtest_cases`` (the cases a wide panel's origins are spread over) default
    (``None``) to the shipped
    ``forecasting/data/auto.toml``; there is no shrinkage when the pool holds exogenous members.
    ``series`` are as observed; with ``shock_years`` each backtest case's training part is adjusted
    for the declared years it holds (:mod:`shocks`) while it is scored on the observed values."""
    c = float(DEFAULTS["trend_shrinkage"] if trend_shrinkage is None else trend_shrinkage)
    if any(p in EXOG_POOL for p in pool):
        c = 0.0  # with drivers, a forecast's departure from the last value is their effect, not a trend
    min_cal = int(DEFAULTS["min_calibration_cases"] if min_calibration_cases is None else min_calibration_cases)
    pooled_required = bool(DEFAULTS["pooled_required"] if pooled_required is None else pooled_required)
    budget = int(DEFAULTS["backtest_values"] if backtest_values is None else backtest_values)
    n_cases = int(DEFAULTS["backtest_cases"] if backtest_cases is None else backtest_cases)
    ok = [s for s in series if degenerate_kind(s.y) is None]
    relative = panel_scale(ok)
    longest = max((s.y.size for s in ok), default=0)
    # windows train on >= MIN_TRAIN years; a panel too short for that (e.g. 6 years, h=3) is
    # backtested on what it has, down to MIN_TRAIN_SHORT: members that cannot run on so few years
    # score as missing, so only what was tested can be chosen, and the intervals get calibrated
    min_train = MIN_TRAIN if longest >= MIN_TRAIN + h else max(MIN_TRAIN_SHORT, longest - h)
    eligible = [s for s in ok if s.y.size >= h + min_train]
    # The backtest sample (auto.toml). Its cost grows with the training values the members are fit
    # on, so its size is a budget of values: short series are cheap, and many of them make the choice
    # less a matter of the sampling seed. A wide panel spreads backtest_cases over more series with
    # fewer origins each; a panel with few series gets up to n_windows origins of each
    if eligible:
        n_windows = min(n_windows, max(1, n_cases // len(eligible)))
        values = np.mean([sum(s.y.size - h - w for w in range(min(n_windows, s.y.size - h - min_train + 1)))
                          for s in eligible])
        n_series = max(1, int(budget // values))
        if len(eligible) > n_series:
            idx = np.sort(np.random.default_rng(seed).choice(len(eligible), n_series, replace=False))
            eligible = [eligible[i] for i in idx]
    cases, actual, scales = _cases(eligible, h, range(n_windows), min_train, shock_years, relative)
    if not cases:  # a panel shorter than h + MIN_TRAIN_SHORT: nothing to choose on
        agg, members = default_combination(ok)
        drivers = [p for p in pool if p in EXOG_POOL]
        if drivers:  # exog was given: never silently drop it, even without a backtest
            agg, members = "mean", ("drift", drivers[0])
        q, n_cal, extended, windows = _short_calibration(ok, h, level, agg, members, seed, n_jobs, progress, c,
                                                         shock_years, budget, series, relative) if level else ({}, 0, (), 0)
        return AutoSelection(agg, members, pd.DataFrame(), q, 0, c, n_cal, extended, windows, relative)
    out = run_members(pool, cases, series, h, (), seed, n_jobs, progress, "auto: backtest", shock_years)
    F = np.full((len(pool), len(cases), h), np.nan)
    for i, row in enumerate(out):
        for m, r in enumerate(row):
            if r.pred is not None:  # a member that failed on a case scores as the naive forecast
                F[m, i] = r.pred["mean"]
    A = np.asarray(actual)
    S = np.asarray(scales)
    # a member that could not run on most cases (e.g. a log model on series with zeros) would be
    # named in the combination but missing from most forecasts: not eligible
    runs = np.isfinite(F[:, :, 0]).mean(axis=1) >= 0.5
    # the pooled member's backtest understates it: at each origin it is fit on the panel cut there,
    # with fewer windows than at forecast time; where it runs it is in every combination (auto.toml)
    need = [j for j, p in enumerate(pool) if p == POOLED and runs[j] and pooled_required]
    rows, cands = [], []
    for k in range(1, min(MAX_MEMBERS, len(pool)) + 1):
        for combo in itertools.combinations(range(len(pool)), k):
            if any(p in EXOG_POOL for p in pool) and not any(pool[j] in EXOG_POOL for j in combo):
                continue  # exog was given: never silently drop it
            if not runs[list(combo)].all() or not set(need) <= set(combo):
                continue
            for agg in ("median", "mean") if k > 2 else ("mean",):
                C = combine(F[list(combo)], agg)
                C = np.where(np.isnan(C), A[:, :1] * 0 + _naive(cases)[:, None], C)
                cands.append((agg, combo, C))
                rows.append((agg if k > 1 else "single", tuple(pool[j] for j in combo), float(np.mean(smape(A, C)))))
    # how a few calendar windows' errors differ (a recession in one, a recovery in the next) is the
    # phase of the cycle each met, not which combination forecasts better: optionally the choice is
    # made with each window's common error beyond the windows' mean taken out (auto.toml)
    case_origins = origin_of(cases)
    within = selection_windows(case_origins) if DEFAULTS["select_within_window"] else None
    key = "smape" if within is None else "smape_within_window"
    if within is not None:
        rows = [(*r, float(np.mean(smape(A, without_window_shock(A, C, S, case_origins, within)))))
                for r, (_, _, C) in zip(rows, cands, strict=True)]
    scores = pd.DataFrame(rows, columns=["aggregate", "members", "smape"] + ([key] if within is not None else []))
    chosen = int(np.argmin(scores[key].to_numpy()))  # the first of equals, in the pool's order
    agg, combo, C = cands[chosen]
    members = [pool[j] for j in combo]
    scores = scores.sort_values(key, kind="mergesort")
    # the intervals must describe the forecasts given out, so they are calibrated on the errors of
    # the shrunk combination (the choice itself is made before shrinkage)
    C = shrink(C, [cs.y for cs in cases], c)
    # intervals are calibrated on more origins than the choice is made on (older windows, which
    # often hold a shock): only the chosen members are run on the extra windows, of CAL_SERIES of
    # the sampled series (a wide sample would otherwise multiply the cost)
    cal = eligible
    if len(eligible) > CAL_SERIES:
        cal = [eligible[i] for i in np.sort(np.random.default_rng(seed).choice(len(eligible), CAL_SERIES, replace=False))]
    origins = int(DEFAULTS["calibration_origins"])
    more, more_actual, more_scales = _cases(cal, h, range(n_windows, max(n_windows, origins)), min_train, shock_years,
                                            relative)
    cal_cases = cases
    if more and level:
        Cm = _combined(members, agg, more, series, h, seed, n_jobs, progress, c, shock_years)
        A, C, S = np.vstack([A, more_actual]), np.vstack([C, Cm]), np.concatenate([S, more_scales])
        cal_cases = cases + more
    if level and np.count_nonzero(S > 0) < min_cal:
        # too few cases for stable tail quantiles (e.g. a panel where few series reach the
        # selection's training length): calibrate on every series, windows down to MIN_TRAIN_SHORT
        wide, wide_actual, wide_scales = _cases(ok, h, range(max(n_windows, origins)), min(min_train, MIN_TRAIN_SHORT),
                                                   shock_years, relative)
        if np.count_nonzero(wide_scales > 0) > np.count_nonzero(S > 0):
            A, S, cal_cases = wide_actual, wide_scales, wide
            C = _combined(members, agg, wide, series, h, seed, n_jobs, progress, c, shock_years)
    quantiles, windows = calibrate(A, C, S, level, origin_of(cal_cases))
    return AutoSelection(agg, tuple(members), scores.reset_index(drop=True), quantiles, len(cases), c,
                         int(np.count_nonzero(S > 0)) if quantiles else 0, (), windows, relative)


def run_members(members: Sequence[str], cases: Sequence[Series], panel: Sequence[Series], h: int,
                level: Sequence[int], seed: int, n_jobs: int, progress: bool, description: str,
                shock_years: Sequence[int] = ()) -> list[list[Outcome]]:
    """For each case, for each member, its :class:`Outcome` (no fallback). Local members run per
    series on the active engine; the panel members (pooled, grouped) are fit on ``panel`` cut as
    each case is cut (a backtest case ``w`` years before the end sees only the panel's years
    before its origin, adjusted for the declared ``shock_years`` among them). ``panel`` holds every
    series: the grouped member's totals count the constant and all-zero ones too (they are part of
    their region's and industry's employment); the pooled member learns from the others."""
    local = [m for m in members if m not in PANEL_MEMBERS]
    out = run_many(local, cases, h, level, seed, fallback=False, n_jobs=n_jobs, progress=progress,
                   description=description) if local else [[] for _ in cases]
    for j, m in enumerate(members):  # in the members' order, so each lands at its own index
        if m in PANEL_MEMBERS:
            got = PANEL_MEMBERS[m](cases, panel, h, level, shock_years)
            out = [row[:j] + [p] + row[j:] for row, p in zip(out, got, strict=True)]
    return out


def _pooled(cases: Sequence[Series], panel: Sequence[Series], h: int, level: Sequence[int],
            shock_years: Sequence[int] = ()) -> list[Outcome]:
    """The pooled member's outcome per case: one fit per distinct cut of the panel."""
    panel = [s for s in panel if degenerate_kind(s.y) is None]  # a flat or empty history teaches no dynamics
    length = {s.uid: s.y.size for s in panel}
    cut = [length.get(cs.uid, cs.y.size) - cs.y.size for cs in cases]  # years cut from that series' end
    res: list = [None] * len(cases)
    for off in sorted(set(cut)):
        model = PooledRidge(k=int(DEFAULTS["pooled_window"]), alpha=float(DEFAULTS["pooled_alpha"]),
                            huber=DEFAULTS["pooled_huber"] or None)
        model.fit([shocks.head(s, s.y.size - off, shock_years)
                   for s in panel if s.y.size > off], h)
        idx = [i for i, o in enumerate(cut) if o == off]
        P = model.predict([cases[i].y for i in idx], level)
        for row, i in enumerate(idx):
            pred = {key: v[row] for key, v in P.items()}
            if np.all(np.isfinite(pred["mean"])):
                res[i] = Outcome(POOLED, pred)
            else:
                res[i] = Outcome(None, None, "fit_failed", f"model '{POOLED}' needs values > 0 and a window of "
                                 f"{model.k} years (or a panel with enough windows)")
    return res


def default_combination(series: Sequence[Series]) -> tuple[str, tuple[str, ...]]:
    """``DEFAULT_COMBINATION`` without the members too short for at least half the series (a
    member that could not run would be named but missing from most forecasts, each a fallback).

    Example:
        >>> six = [Series("a", np.arange(2016, 2022), np.arange(6.0) + 1)]
        >>> default_combination(six)  # AutoETS needs 7 points
        ('mean', ('drift', 'dotheta'))
    """
    agg, members = DEFAULT_COMBINATION
    if not series:
        return agg, members
    typical = float(np.median([s.y.size for s in series]))
    fit = tuple(m for m in members if get_model(m).capabilities.min_length <= typical) or ("drift",)
    return (agg if len(fit) > 2 else "mean"), fit


def _grouped(cases: Sequence[Series], panel: Sequence[Series], h: int, level: Sequence[int],
             shock_years: Sequence[int] = ()) -> list[Outcome]:
    """The group-growth member's outcome per case: one fit per calendar year a case ends in, on the
    panel's years up to it (group totals need a common calendar, so the cut is by year)."""
    keyed = [s for s in panel if s.groups is not None]
    groups = {s.uid: s.groups for s in keyed}
    res: list = [None] * len(cases)
    ends = [int(cs.ds[-1]) if cs.ds.size else None for cs in cases]
    for end in sorted({e for e in ends if e is not None}):
        cut = []
        for s in keyed:
            n = int(np.count_nonzero(s.ds <= end))
            if n:
                cut.append(Series(s.uid, s.ds[:n], shocks.head(s, n, shock_years)))
        idx = [i for i, e in enumerate(ends) if e == end]
        P = GroupGrowthRidge(alpha=float(DEFAULTS["pooled_alpha"]), huber=DEFAULTS["pooled_huber"] or None) \
            .fit(cut, groups, h).predict([cases[i] for i in idx], level)
        for row, i in enumerate(idx):
            pred = {key: v[row] for key, v in P.items()}
            if np.all(np.isfinite(pred["mean"])):
                res[i] = Outcome(GROUPED, pred)
    for i, r in enumerate(res):
        if r is None:
            res[i] = Outcome(None, None, "fit_failed", f"model '{GROUPED}' needs group keys, values > 0 and its "
                             "groups' values in the two years before the forecast origin")
    return res


PANEL_MEMBERS = {POOLED: _pooled, GROUPED: _grouped}  # fit on the whole panel, not per series


def _short_calibration(ok: Sequence[Series], h: int, level: Sequence[int], agg: str, members: Sequence[str], seed: int,
                       n_jobs: int, progress: bool, c: float, shock_years: Sequence[int], budget: int,
                       panel: Sequence[Series] | None = None, relative: float = 0.0,
                       ) -> tuple[dict, int, tuple[int, ...], int]:
    """Quantiles for a panel too short for a whole h-year window (e.g. 6 years, h = 3): origins
    that leave MIN_TRAIN_SHORT or more training years are scored on the steps they have (a 6-year
    series gives steps 1-2 from 4 years, step 1 from 5), and the steps past the last one with
    MIN_STEP_CASES cases are extended from it in proportion to the step (``horizon_growth`` in
    auto.toml; 1 = the error grows like a misjudged trend's). Returns the quantiles, the cases, the
    extended steps (0-based) and the calendar windows of a common shock (:func:`calibrate`)."""
    pool = [s for s in ok if s.y.size > MIN_TRAIN_SHORT]
    if pool:  # the same budget of training values as the backtest
        n_series = max(1, int(budget // np.mean([s.y.size for s in pool])))
        if len(pool) > n_series:
            pool = [pool[i] for i in np.sort(np.random.default_rng(seed).choice(len(pool), n_series, replace=False))]
    cases, actual, scales = [], [], []
    for s in pool:
        for cut in range(s.y.size - 1, MIN_TRAIN_SHORT - 1, -1)[:int(DEFAULTS["calibration_origins"])]:
            cases.append(Series(s.uid, s.ds[:cut], shocks.head(s, cut, shock_years)))
            got = s.y[cut:cut + h]
            actual.append(np.concatenate([got, np.full(h - got.size, np.nan)]))
            scales.append(interval_scale(s.y[:cut], relative))
    if not cases:
        return {}, 0, (), 0
    A, S = np.asarray(actual), np.asarray(scales, dtype=float)
    C = _combined(members, agg, cases, ok if panel is None else panel, h, seed, n_jobs, progress, c, shock_years)
    counts = np.count_nonzero(np.isfinite(A) & (S > 0)[:, None], axis=0)
    seen = [k for k in range(h) if counts[k] >= MIN_STEP_CASES]
    if not seen:
        return {}, 0, (), 0
    last = max(seen)
    A = np.where(np.arange(h) <= last, A, np.nan)  # a step with too few cases is extended, not estimated
    q, windows = calibrate(A, C, S, level, origin_of(cases))
    growth = float(DEFAULTS["horizon_growth"])
    for lv in level:
        for k in range(last + 1, h):
            lo, hi = q[(lv, last)]
            f = ((k + 1) / (last + 1)) ** growth
            q[(lv, k)] = (lo * f, hi * f)
    return q, int(np.count_nonzero(S > 0)), tuple(range(last + 1, h)), windows


def _combined(members: Sequence[str], agg: str, cases: Sequence[Series], panel: Sequence[Series], h: int, seed: int,
              n_jobs: int, progress: bool, c: float, shock_years: Sequence[int] = ()) -> np.ndarray:
    """The chosen combination's shrunk forecasts on backtest cases (naive where every member failed)."""
    got = run_members(members, cases, panel, h, (), seed, n_jobs, progress, "auto: calibration", shock_years)
    G = np.array([[r.pred["mean"] if r.pred is not None else np.full(h, np.nan) for r in row] for row in got])
    Cm = combine(np.moveaxis(G, 1, 0), agg)
    Cm = np.where(np.isnan(Cm), _naive(cases)[:, None], Cm)
    return shrink(Cm, [cs.y for cs in cases], c)


def _cases(eligible: Sequence[Series], h: int, windows: range, min_train: int,
           shock_years: Sequence[int] = (), relative: float = 0.0) -> tuple[list[Series], list, list]:
    """Backtest cases: for each series, the origins ``w`` in ``windows`` (0 = latest) that leave
    ``min_train`` training years; the actual ``h`` values and the training part's MASE scale.
    The training part is adjusted for the declared ``shock_years`` it holds; actuals are as observed."""
    cases, actual, scales = [], [], []
    for s in eligible:
        for w in windows:
            cut = s.y.size - h - w
            if cut < min_train:
                break
            xf = s.X[cut:cut + h] if s.X is not None else None
            cases.append(Series(s.uid, s.ds[:cut], shocks.head(s, cut, shock_years), s.X[:cut] if s.X is not None else None,
                                xf))
            actual.append(s.y[cut:cut + h])
            scales.append(interval_scale(s.y[:cut], relative))
    return cases, np.asarray(actual).reshape(-1, h), np.asarray(scales, dtype=float)


def _naive(cases: Sequence[Series]) -> np.ndarray:
    return np.array([c.y[-1] for c in cases])


def auto_forecast(
    series: Sequence[Series],
    h: int,
    level: Sequence[int],
    sel: AutoSelection,
    seed: int = 0,
    n_jobs: int = 1,
    progress: bool = False,
    observed: Sequence[Series] | None = None,
) -> list[Outcome]:
    """Forecast every series with the selected combination; degenerate/failing series fall back.

    A series on which some members fail gets the combination of the others, labelled with the
    members used and recorded as a ``member_failed`` fallback. ``observed``: the series as observed
    when ``series`` were adjusted for declared shock years (interval widths use their scale).
    """
    todo = [i for i, s in enumerate(series) if degenerate_kind(s.y) is None]
    results: list = [None] * len(series)
    # members' own intervals are only used where no calibration exists; when it covers every
    # level and step (non-degenerate series have scale > 0) they would be computed and dropped
    member_level = () if sel.calibrated(level, h) else level
    todo_series = [series[i] for i in todo]
    out = run_members(sel.members, todo_series, series, h, member_level, seed, n_jobs, progress, "forecasting")
    # uncalibrated: the members' own bounds, fit on a few points, can be a fraction of the yearly
    # changes the panel shows; they are kept no narrower than a random walk of those changes
    floor = {lv: walk_band(observed or series, h, lv)[0] for lv in member_level}
    failed_members: dict[int, list[Outcome]] = {}
    for i, row in zip(todo, out, strict=True):
        got = [r.pred for r in row if r.pred is not None]
        failed_members[i] = [r for r in row if r.pred is None]
        if not got:
            continue
        s = series[i]
        mean = shrink(combine(np.array([g["mean"] for g in got]), sel.aggregate)[None], [s.y], sel.trend_shrinkage)[0]
        pred = {"mean": mean}
        scale = interval_scale((observed or series)[i].y, sel.relative_scale)  # the scale calibrated on
        for lv in level:
            if scale > 0 and sel.calibrated((lv,), h):
                qs = np.array([sel.quantiles[(lv, k)] for k in range(h)])
                pred[f"lo-{lv}"], pred[f"hi-{lv}"] = mean + qs[:, 0] * scale, mean + qs[:, 1] * scale
            else:  # no calibration available: combine the members' own bounds
                w = floor[lv] * np.abs(mean) if floor[lv] is not None else 0.0
                pred[f"lo-{lv}"] = np.minimum(combine(np.array([g[f"lo-{lv}"] for g in got]), sel.aggregate), mean - w)
                pred[f"hi-{lv}"] = np.maximum(combine(np.array([g[f"hi-{lv}"] for g in got]), sel.aggregate), mean + w)
        bad = failed_members[i]
        if not bad:
            results[i] = Outcome(sel.label, pred)
        else:
            used = tuple(m for m, r in zip(sel.members, row, strict=True) if r.pred is not None)
            label = AutoSelection(sel.aggregate, used, sel.scores, sel.quantiles).label
            results[i] = Outcome(label, pred, "member_failed", "; ".join(r.detail or "" for r in bad))
    for i, s in enumerate(series):
        if results[i] is None:
            first = next((m for m in sel.members if m not in PANEL_MEMBERS), "drift")  # those need a panel
            res = forecast_one(first, Series(s.uid, s.ds, s.y), h, level, seed, fallback=True)
            if i in failed_members:  # every member failed on this series
                bad = failed_members[i]
                res = res._replace(reason=bad[0].reason, detail="; ".join(r.detail or "" for r in bad))
            elif res.reason is None:  # 1-2 points: too short for the combination, first member alone
                res = res._replace(reason="too_short", detail=f"{s.y.size} observation(s): auto combines "
                                   f"models only from 3 on; forecast with '{res.model}' alone")
            results[i] = res
    return results
