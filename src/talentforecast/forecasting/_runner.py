"""Run named models over many series, per series, with a fallback chain and process parallelism."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import NamedTuple

import numpy as np

from talentforecast.errors import ModelError
from talentforecast.forecasting._failures import EXPECTED_FAILURES
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting.models import check_capabilities, get_model

# After the requested model fails or cannot run, these are tried in order.
FALLBACK_CHAIN = ("theta", "drift", "naive")

Pred = dict[str, np.ndarray]


def degenerate_kind(y: np.ndarray) -> str | None:
    """'zero' for all-zero series, 'constant' for series that never change, 'short' for 1-2 points."""
    if np.all(y == 0):
        return "zero"
    if y.size > 1 and np.all(y == y[0]):
        return "constant"
    if y.size <= 2:
        return "short"
    return None


@cache
def _takes_seed(cls: type) -> bool:
    # inspect.signature is slow (~1 ms); it was paid per fit before this cache
    return "seed" in inspect.signature(cls).parameters


def fit_predict(name: str, s: Series, h: int, level: Sequence[int], seed: int) -> Pred:
    """Fit one model to one series and predict; raises ModelError on a capability mismatch or an
    invalid forecast, and whatever the model raises otherwise."""
    cls = get_model(name)
    check_capabilities(cls, n_obs=s.y.size, exog=s.X is not None)
    kwargs = {"seed": seed} if _takes_seed(cls) else {}
    with np.errstate(all="ignore"):  # floating-point noise of the fits; failures show as non-finite output
        pred = cls(**kwargs).fit(s.y, s.X).predict(h, level, s.X_future)
    if pred["mean"].shape != (h,) or not np.all(np.isfinite(pred["mean"])):
        raise ModelError(f"model '{name}' returned an invalid forecast",
                         zh=f"模型 '{name}' 给出的预测无效（长度不对或含非有限值）")
    return pred


class Outcome(NamedTuple):
    """What forecasting one series with one requested model gave.

    ``model``: what produced ``pred`` (``None`` when nothing could); ``reason``/``detail``: why it is
    not the requested model (a code of ``_failures.REASONS`` and the errors met), else ``None``.
    """

    model: str | None
    pred: Pred | None
    reason: str | None = None
    detail: str | None = None


_DEGENERATE = {"zero": ("all_zero", "series is all zero"), "constant": ("constant", "series never changes")}


def forecast_one(name: str, s: Series, h: int, level: Sequence[int], seed: int, fallback: bool = True,
                 strip_exog: bool = False) -> Outcome:
    """Forecast one series with ``name``; on an expected failure walk the fallback chain.

    Only :data:`_failures.EXPECTED_FAILURES` move down the chain; any other error propagates.
    With ``fallback=False`` a failure gives ``Outcome(None, None, reason, detail)``.
    ``strip_exog`` hides exogenous columns from models that cannot use them (auto's pool mixes both).
    """
    if strip_exog and s.X is not None and not get_model(name).capabilities.exogenous:
        s = Series(s.uid, s.ds, s.y)
    kind = degenerate_kind(s.y)
    if fallback and kind in _DEGENERATE:
        return Outcome(kind, fit_predict(kind, s, h, level, seed), *_DEGENERATE[kind])
    chain = [name] + ([m for m in FALLBACK_CHAIN if m != name] if fallback else [])
    failed: list[tuple[str, str, str]] = []  # (model, reason code, message)
    for i, m in enumerate(chain):
        # fallbacks run without exogenous columns (none of them uses them)
        s_m = s if i == 0 else Series(s.uid, s.ds, s.y)
        need = get_model(m).capabilities.min_length
        if s_m.y.size < need:
            failed.append((m, "too_short", f"model '{m}' needs at least {need} observations, got {s_m.y.size}"))
            continue
        try:
            pred = fit_predict(m, s_m, h, level, seed)
        except EXPECTED_FAILURES as exc:
            # the record's detail is English, like the other details (ModelError's docstring)
            detail = exc.render("en") if isinstance(exc, ModelError) else str(exc)
            failed.append((m, "fit_failed", detail or type(exc).__name__))
            continue
        if not failed:
            return Outcome(m, pred)
        return Outcome(m, pred, failed[0][1], "; ".join(f[2] for f in failed))
    return Outcome(None, None, failed[0][1], "; ".join(f[2] for f in failed))


def _chunk_task(args) -> list[list[Outcome]]:
    names, chunk, h, level, seed, fallback = args
    return [[forecast_one(n, s, h, level, seed, fallback, strip_exog=not fallback) for n in names] for s in chunk]


def run_local(
    names: Sequence[str],
    series: Sequence[Series],
    h: int,
    level: Sequence[int],
    seed: int = 0,
    fallback: bool = True,
    n_jobs: int = 1,
    progress: bool = False,
    description: str = "forecasting",
) -> list[list[Outcome]]:
    """For each series, for each model name, its :class:`Outcome`, computed in this process (or a
    local process pool). Callers use :func:`talentforecast.forecasting._dispatch.run_many`, which
    sends the work to the active engine.

    Work is split into contiguous chunks; each series is computed independently, so the result
    does not depend on ``n_jobs``.
    """
    series = list(series)
    if not series:
        return []
    n_chunks = max(1, min(len(series), 4 * n_jobs if n_jobs > 1 else max(1, len(series) // 50)))
    bounds = np.linspace(0, len(series), n_chunks + 1).astype(int)
    tasks = [(tuple(names), series[a:b], h, tuple(level), seed, fallback) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    results: list = [None] * len(tasks)
    with _progress(progress, description, len(series)) as advance:
        if n_jobs > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=n_jobs) as pool:
                futures = [pool.submit(_chunk_task, t) for t in tasks]
                for i, fut in enumerate(futures):
                    results[i] = fut.result()
                    advance(len(tasks[i][1]))
        else:
            for i, t in enumerate(tasks):
                results[i] = _chunk_task(t)
                advance(len(t[1]))
    return [row for part in results for row in part]


class _progress:
    """Context manager yielding an ``advance(n)`` callable backed by rich.progress (or a no-op)."""

    def __init__(self, enabled: bool, description: str, total: int):
        self.enabled, self.description, self.total = enabled, description, total

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        self._p = Progress(transient=True)
        self._p.__enter__()
        task = self._p.add_task(self.description, total=self.total)
        return lambda n: self._p.advance(task, n)

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self._p.__exit__(*exc)
