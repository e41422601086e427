"""Retrospective check: run the chain as of an earlier year and compare its warnings with what
the later data show (precision and recall of red and orange, confusion of levels).

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
    """Run the chain with data up to ``as_of`` only and compare its warnings with later observations.

    Returns ``retrospective_scores`` (precision and recall of red and orange per lag),
    ``retrospective_confusion`` (issued × realised levels) and ``retrospective_detail``.

    Example:
        >>> import talentforecast as tf
        >>> out = tf.retrospective(tf.datasets.load_example(), as_of=2021)  # doctest: +SKIP
        >>> sorted(out)  # doctest: +SKIP
        ['retrospective_confusion', 'retrospective_detail', 'retrospective_scores']
    """
    full = run_chain(bundle, stages=list(CHAIN), progress=options.pop("progress", False), **options)
    years = [as_of] if isinstance(as_of, int) else list(as_of)
    return retrospective_stage({**full.bundle.tables, **full.tables}, {**full.options, "retrospective": years})
