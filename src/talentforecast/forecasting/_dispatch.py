"""Where per-series forecasting work runs: this process, or the engine set by ``use_engine``.

Kept apart from ``_runner`` (the local work) and ``distributed`` (the engines) so that neither
imports the other back.
"""

from __future__ import annotations

from collections.abc import Sequence

from talentforecast.forecasting import distributed
from talentforecast.forecasting._panel import Series
from talentforecast.forecasting._runner import Outcome, run_local


def run_many(names: Sequence[str], series: Sequence[Series], h: int, level: Sequence[int], seed: int = 0,
             fallback: bool = True, n_jobs: int = 1, progress: bool = False,
             description: str = "forecasting") -> list[list[Outcome]]:
    """For each series, for each model name, its outcome, on the active engine (default: local)."""
    if distributed.active() is not None:
        return distributed.run_many(names, series, h, level, seed, fallback, n_jobs, progress, description)
    return run_local(names, series, h, level, seed, fallback, n_jobs, progress, description)
