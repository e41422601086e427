"""Benchmark: do the strong warning levels survive moving the entrant share within its range?

Runs the example with the default entrant share (0.35) and with 0.25 and 0.50, and counts the
strong levels (red, orange, blue) of the default run that keep their level, for the city and for
all planning units (city, districts, 专业点). Issues 15 and 17 ask for at least 95 %.

Reproduce:
    PYTHONPATH=src python benchmarks/strong_levels_entrant_share.py
"""

from __future__ import annotations

import warnings

import talentforecast as tf

KEY = ["planning_unit", "region", "school", "specialty", "level"]


def levels(bundle, entrant_share: float | None):
    params = None if entrant_share is None else {"demand": {"entrant_share": entrant_share}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # forecast fallbacks are listed in the manifest
        w = tf.run(bundle, progress=False, params=params).warnings
    return w.set_index(KEY)["warning_level"]


def main() -> None:
    bundle = tf.datasets.load_example()
    base = levels(bundle, None)
    strong = base[base.isin(["red", "orange", "blue"])]
    city = strong.index.get_level_values("planning_unit") == "planning_region"
    print("| entrant share | city kept | all units kept | changed to |\n|---|---|---|---|")
    for e in (0.25, 0.50):
        other = levels(bundle, e).reindex(strong.index)
        kept = other == strong
        print(f"| {e} | {kept[city].sum()}/{city.sum()} ({kept[city].mean():.1%}) | {kept.sum()}/{len(strong)} "
              f"({kept.mean():.1%}) | {other[~kept].value_counts().to_dict()} |")


if __name__ == "__main__":
    main()
