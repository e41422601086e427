"""Wires the stage modules into the annual run, in data-flow order.

Each stage takes the :class:`~talentforecast.pipeline.Run` built so far and returns the tables it
adds. Nested progress bars are silenced: the run shows one bar over the stages.
"""

from __future__ import annotations

import pandas as pd

from talentforecast.pipeline import Run, register_stage


def _opts(run: Run) -> dict:
    o = run.options
    return {"horizon": o["horizon"], "level": tuple(o["level"]), "seed": o["seed"], "n_jobs": o["n_jobs"]}


def supply_stage(run: Run) -> dict[str, pd.DataFrame]:
    from talentforecast.supply import compute_supply

    return compute_supply(run.bundle, progress=False, **_opts(run))


register_stage("supply", supply_stage)
