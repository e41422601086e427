"""Which model errors are expected, and how fallbacks are recorded and shown.

A model that cannot forecast a series (too short, a fit that fails on that data, non-finite output)
raises one of :data:`EXPECTED_FAILURES`; the runner then moves down the fallback chain and records
why. Anything else a model raises (``TypeError``, ``AttributeError``, ``KeyError``, ``NameError``…)
is a bug and propagates to the caller.
"""

from __future__ import annotations

import contextlib
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np

from talentforecast.errors import ModelError, TalentForecastWarning

# The one list of errors the runner catches from a model. ModelError is what our own models and
# wrappers raise for a series they cannot handle (capability checks, y <= 0 for log models,
# non-finite output, third-party fit failures converted by `third_party` below).
EXPECTED_FAILURES: tuple[type[Exception], ...] = (ModelError, ArithmeticError, np.linalg.LinAlgError)

# What third-party fitting code raises for data it cannot fit, converted to ModelError by
# `third_party` around that call only: statsforecast raises NotImplementedError("tiny datasets")
# (a RuntimeError) and a bare Exception("no model able to be fitted"); statsmodels/scipy raise
# ValueError or LinAlgError (a ValueError); cmdstanpy (Prophet) raises RuntimeError.
THIRD_PARTY_FAILURES: tuple[type[Exception], ...] = (ValueError, RuntimeError, ArithmeticError)

# reason codes of a fallback record -> what they mean (docs/forecasting.md lists them too)
REASONS = {
    "all_zero": "series is all zero; forecast 0",
    "constant": "series never changes; forecast its value",
    "too_short": "series shorter than the model's minimum length",
    "fit_failed": "the model could not be fitted to this series",
    "member_failed": "some members of the auto combination failed; the others were combined",
    "no_interval": "the model gave no interval; relative widths borrowed from the other series (or, where "
                   "none had one, a random walk of the panel's yearly changes)",
}


@contextlib.contextmanager
def third_party(model: str, quiet: Sequence[tuple[str, type[Warning]]] = ()) -> Iterator[None]:
    """Wrap one third-party fit/predict call.

    Its expected failures (:data:`THIRD_PARTY_FAILURES` or a bare ``Exception``) become
    :class:`ModelError`; anything else propagates. ``quiet`` lists ``(message regex, category)``
    of known third-party noise, silenced inside this block only.

    Example:
        >>> try:
        ...     with third_party("ets"):
        ...         raise NotImplementedError("tiny datasets")
        ... except ModelError as err:
        ...     print(err.render("en")); print(err.render("zh"))
        model 'ets' could not be fitted: NotImplementedError: tiny datasets
        模型 'ets' 无法拟合：NotImplementedError: tiny datasets
    """
    with warnings.catch_warnings():
        for message, category in quiet:
            warnings.filterwarnings("ignore", message=message, category=category)
        try:
            yield
        except THIRD_PARTY_FAILURES as exc:
            raise ModelError(f"model '{model}' could not be fitted: {type(exc).__name__}: {exc}",
                             zh=f"模型 '{model}' 无法拟合：{type(exc).__name__}: {exc}") from exc
        except Exception as exc:
            if type(exc) is not Exception:  # a specific error type from the library: a bug, not data
                raise
            raise ModelError(f"model '{model}' could not be fitted: {exc}", zh=f"模型 '{model}' 无法拟合：{exc}") from exc


def fallback_record(uid: object, requested: str, model: str, reason: str, detail: str) -> dict:
    """One machine-readable fallback: which series, what was asked, what produced it and why."""
    return {"unique_id": uid, "requested": requested, "model": model, "reason": reason, "detail": detail}


def summary(records: Sequence[dict], n_forecasts: int) -> str:
    """One sentence: how many forecasts fell back, grouped by requested → used model and reason.

    Example:
        >>> r = [fallback_record("a", "theta", "drift", "too_short", "x"), fallback_record("b", "auto", "zero", "all_zero", "y")]
        >>> print(summary(r, 10))
        10 个序列预测中有 2 个不是来自所要求的模型：1 × theta → drift (too_short)，1 × auto → zero (all_zero)（详见 .attrs['fallbacks']） (2 of 10 series forecasts did not come from the requested model (details in .attrs['fallbacks']): 1 × theta → drift (too_short), 1 × auto → zero (all_zero))
    """
    series = {(r["unique_id"], r["requested"]) for r in records}
    groups = Counter((r["requested"], r["model"], r["reason"]) for r in records)
    parts = [f"{n} × {req} → {used} ({why})" for (req, used, why), n in groups.most_common(6)]
    more = len(groups) - 6
    zh = "，".join(parts + ([f"另有 {more} 类"] if more > 0 else []))
    en = ", ".join(parts + ([f"{more} more kinds"] if more > 0 else []))
    return (f"{n_forecasts} 个序列预测中有 {len(series)} 个不是来自所要求的模型：{zh}（详见 .attrs['fallbacks']） "
            f"({len(series)} of {n_forecasts} series forecasts did not come from the requested model "
            f"(details in .attrs['fallbacks']): {en})")


SHOWN_RECORDS = 50  # fallbacks named one by one in the warning's details (the run manifest keeps them)


def warn(records: Sequence[dict], n_forecasts: int, stacklevel: int = 3) -> None:
    """Emit one :class:`TalentForecastWarning` summarising ``records`` (nothing if there are none).

    Its ``details`` name the first ``SHOWN_RECORDS`` fallbacks one by one (series, requested and
    used model, reason, detail), so a run's manifest says which series fell back and why.

    Example:
        >>> import warnings as w
        >>> with w.catch_warnings(record=True) as got:
        ...     w.simplefilter("always")
        ...     warn([fallback_record("北京|C", "auto", "auto:drift", "member_failed", "x")], 9)
        >>> got[0].message.details["records"][0]["unique_id"]
        '北京|C'
    """
    if records:
        groups = Counter(f"{r['requested']} → {r['model']} ({r['reason']})" for r in records)
        shown = [{k: (str(r[k]) if r.get(k) is not None else None) for k in ("unique_id", "requested", "model",
                                                                              "reason", "detail")}
                 for r in records[:SHOWN_RECORDS]]
        details = {"fallbacks": len({(r["unique_id"], r["requested"]) for r in records}),
                   "forecasts": n_forecasts, "kinds": dict(sorted(groups.items())), "records": shown,
                   "records_not_shown": max(0, len(records) - SHOWN_RECORDS)}
        warnings.warn(TalentForecastWarning(summary(records, n_forecasts), details), stacklevel=stacklevel)


def warn_intervals_extended(steps: Sequence[int], n_calibration: int, growth: float, stacklevel: int = 3) -> None:
    """Say that some steps' intervals were extended, not observed: the panel was shorter than
    h + 4 years, so no backtest window had those steps (``auto._short_calibration``).
    ``steps`` are 0-based; the warning and its details name them 1-based; ``growth`` is the
    exponent of the step they were extended with (``horizon_growth``).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     warn_intervals_extended((2,), 124, 0.5)
        >>> w[0].message.details["intervals_extended"], w[0].message.details["calibrated_steps"]
        ([3], 2)
    """
    shown = [k + 1 for k in steps]
    last = min(shown) - 1
    seen = "1" if last == 1 else f"1–{last}"
    message = (f"预测区间：面板短于 h+4 年，第 {'、'.join(map(str, shown))} 步的区间由第 {seen} 步的回测误差"
               f"（{n_calibration} 个回测样本）按步长的 {growth:g} 次方外推 "
               f"(intervals: the panel is shorter than h + 4 years; step(s) {', '.join(map(str, shown))} extended "
               f"from the backtest errors of step(s) {seen}, {n_calibration} cases, as step ** {growth:g})")
    details = {"intervals_extended": shown, "calibrated_steps": last, "n_calibration": int(n_calibration),
               "growth": float(growth)}
    warnings.warn(TalentForecastWarning(message, details), stacklevel=stacklevel)


def warn_intervals_common_shock(windows: int, n_calibration: int, stacklevel: int = 3) -> None:
    """Say that the intervals' shock common to a calendar window rests on few windows: the
    backtest errors came from ``windows`` origins that differ significantly, so the new window's
    shock is a Student t with ``windows`` degrees of freedom (``calibration.calibrate``), an assumption
    on thin evidence.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     warn_intervals_common_shock(3, 144)
        >>> w[0].message.details["intervals_common_shock"], w[0].message.details["n_calibration"]
        (3, 144)
    """
    message = (f"预测区间：{n_calibration} 个回测样本的误差在日历窗口之间显著不同（共同冲击），而这一冲击只能从 "
               f"{windows} 个窗口估计；区间中共同冲击的部分按以零为中心、自由度为 {windows} 的 t 分布计算，依据有限 "
               f"(intervals: the errors of the {n_calibration} backtest cases differ significantly between calendar "
               f"windows (a common shock), which only {windows} windows can estimate; that part of the intervals is "
               f"a Student t centred on zero with {windows} degrees of freedom, an assumption on thin evidence)")
    details = {"intervals_common_shock": int(windows), "n_calibration": int(n_calibration)}
    warnings.warn(TalentForecastWarning(message, details), stacklevel=stacklevel)


def warn_intervals_uncalibrated(n_calibration: int, stacklevel: int = 3) -> None:
    """Say that the intervals are the members' own, not calibrated: the backtest gave too few
    cases (e.g. fewer than 30 series of a panel shorter than h + 4 years).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     warn_intervals_uncalibrated(0)
        >>> w[0].message.details["intervals_uncalibrated"]
        True
    """
    message = ("预测区间：回测样本不足，未能校准，取各成员模型自身的区间，并放宽到不窄于全部序列年变动按随机游走外推的区间"
               f"（未经校准，依据有限） (intervals: too few backtest cases ({n_calibration}) to calibrate; the members' "
               "own intervals are used, widened where narrower than a random walk of the panel's yearly changes; "
               "uncalibrated, on thin evidence)")
    details = {"intervals_uncalibrated": True, "n_calibration": int(n_calibration)}
    warnings.warn(TalentForecastWarning(message, details), stacklevel=stacklevel)


def warn_intervals_from_walk(n_changes: int, walked: bool, stacklevel: int = 3) -> None:
    """Say that no model gave an interval (every series 1–2 years), so the intervals are a random
    walk of the panel's ``n_changes`` yearly changes (``calibration.walk_band``), or, with fewer
    than ``MIN_WALK_CHANGES``, that there are none (``walked`` false).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     warn_intervals_from_walk(3, False)
        >>> w[0].message.details
        {'intervals_from_walk': False, 'yearly_changes': 3}
    """
    if walked:
        message = (f"预测区间：各序列历史过短，没有模型能给出区间；区间按全部序列共 {n_changes} 个年变动的离散程度以随机游走外推"
                   f"（t 分布，自由度 {n_changes - 1}），依据很弱 (intervals: the series are too short for any model to give "
                   f"an interval; they are a random walk of the panel's {n_changes} yearly changes, a Student t with "
                   f"{n_changes - 1} degrees of freedom, on very thin evidence)")
    else:
        message = (f"预测区间：各序列历史过短，全部序列只有 {n_changes} 个年变动，无法给出区间，区间列留空 "
                   f"(intervals: the series are too short and the panel has only {n_changes} yearly changes; no "
                   f"interval can be given and the interval columns are left empty)")
    details = {"intervals_from_walk": bool(walked), "yearly_changes": int(n_changes)}
    warnings.warn(TalentForecastWarning(message, details), stacklevel=stacklevel)
