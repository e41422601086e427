"""Retrospective check: run the chain as of an earlier year and compare its warnings with what
the later data show (precision and recall of red and orange, confusion of levels)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from talentforecast.bundle import Bundle
from talentforecast.errors import ConfigError

CHAIN = ("inputs", "demand", "supply", "matching", "warning")
DEFAULT_LAGS = (1, 2)


def retrospective_years(run) -> list[int]:
    """The as-of years asked for by the run option ``retrospective`` (True → the default two)."""
    opt = run.options.get("retrospective")
    if not opt:
        return []
    last = int(run.options["as_of"])
    years = [last - 1 - max(DEFAULT_LAGS), last - max(DEFAULT_LAGS)] if opt is True else [int(y) for y in opt]
    for y in years:
        if y + min(DEFAULT_LAGS) > last:
            raise ConfigError(f"retrospective as-of year {y}: needs observed data for {y + min(DEFAULT_LAGS)}; "
                              f"the run's data end in {last}")
    return years


def score_against(full, years: Sequence[int], years_after: Sequence[int] = DEFAULT_LAGS) -> dict[str, pd.DataFrame]:
    """Re-run the chain as of each year in ``years`` and score it against the tables of ``full``."""
    from talentforecast.pipeline import run as run_chain
    from talentforecast.warning import retrospective_score

    last = int(full.options["as_of"])
    observed = {**full.bundle.tables, **full.tables}
    parts: dict[str, list[pd.DataFrame]] = {}
    opts = {k: v for k, v in full.options.items() if k not in ("as_of", "retrospective")}
    for y in years:
        early = run_chain(full.bundle, stages=list(CHAIN), progress=False, as_of=y, **opts)
        lags = [h for h in years_after if y + h <= last]
        scored = retrospective_score(early.tables["warnings"], observed, years_after=lags,
                                     policy=full.options["policy"])
        for name, df in scored.items():
            parts.setdefault(name, []).append(df)
    return {name: pd.concat(dfs, ignore_index=True) for name, dfs in parts.items()}


def retrospective(bundle: Bundle, as_of: int | Sequence[int], years_after: Sequence[int] = DEFAULT_LAGS,
                  **options) -> dict[str, pd.DataFrame]:
    """Run the chain with data up to ``as_of`` only and compare its warnings with later observations.

    Returns ``retrospective_scores`` (precision and recall of red and orange per lag),
    ``retrospective_confusion`` (issued × realised levels) and ``retrospective_detail``.

    Example:
        >>> import talentforecast as tf
        >>> out = tf.retrospective(tf.datasets.load_example(), as_of=2021)  # doctest: +SKIP
        >>> sorted(out)  # doctest: +SKIP
        ['retrospective_confusion', 'retrospective_detail', 'retrospective_scores']
    """
    from talentforecast.pipeline import run as run_chain

    full = run_chain(bundle, stages=list(CHAIN), progress=options.pop("progress", False), **options)
    years = [as_of] if isinstance(as_of, int) else list(as_of)
    return score_against(full, years, years_after)
