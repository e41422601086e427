"""Retrospective check: run the chain as of an earlier year and score its warnings against what
was observed 1–3 years later (observed outcomes only), beside naive baselines, and the accuracy
of the employment and graduate forecasts made then (see docs/warning.md, "Retrospective").

The work is the ``retrospective`` stage (:func:`talentforecast.stages.retrospective_stage`);
this module is its public entry point on a bundle.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from talentforecast.bundle import Bundle
from talentforecast.pipeline import run as run_chain
from talentforecast.stages import CHAIN, DEFAULT_LAGS, retrospective_stage, retrospective_years

__all__ = ["retrospective", "retrospective_years", "DEFAULT_LAGS", "CHAIN"]


def retrospective(bundle: Bundle, as_of: int | Sequence[int], **options) -> dict[str, pd.DataFrame]:
    """Run the chain with data up to ``as_of`` only and score its warnings against later observations.

    Returns ``retrospective_scores`` (precision, recall and Brier score with 95 % intervals and
    sample sizes, per as-of year and pooled, horizon, level and method: ``warnings``,
    ``persistence``, ``no_change``), ``retrospective_calibration``, ``retrospective_confusion``
    (issued level × observed outcome), ``retrospective_contrast`` (observed indicators of warned
    and other programmes), ``retrospective_accuracy`` (MAPE of the employment and graduate
    forecasts beside naive), ``retrospective_detail`` (one row per warning and horizon) and
    ``retrospective_outcomes`` (the observed outcomes the scores use).

    Example:
        >>> import talentforecast as tf
        >>> out = tf.retrospective(tf.datasets.load_example(), as_of=2021)  # doctest: +SKIP
        >>> sorted(out)  # doctest: +SKIP
        ['retrospective_accuracy', 'retrospective_calibration', 'retrospective_confusion', 'retrospective_contrast', 'retrospective_detail', 'retrospective_outcomes', 'retrospective_scores']
    """
    full = run_chain(bundle, stages=list(CHAIN), progress=options.pop("progress", False), **options)
    years = [as_of] if isinstance(as_of, int) else list(as_of)
    return retrospective_stage({**full.bundle.tables, **full.tables}, {**full.options, "retrospective": years})
