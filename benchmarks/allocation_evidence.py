"""Specialty → industry weights: rules vs destinations posterior, each against the example's truth.

Run: PYTHONPATH=src python benchmarks/allocation_evidence.py

For every specialty of the example the true destination shares over sections (truth ``matrix``)
are compared with the rule crosswalk's row shares (π) and with the posterior mean (θ) the demand
stage estimates from the ``destinations`` table; distance = ½·Σ|share − truth| (total variation),
averaged over specialties. Also: prior strength 3, 30 (shipped) and 300, and the posterior with
only the first year of destinations.
"""

from __future__ import annotations

import pandas as pd

import talentforecast as tf
from talentforecast.demand import DemandParams, _posterior_crosswalk


def distances(bundle, kappa: float | None) -> pd.DataFrame:
    p = DemandParams.coerce({"prior_strength": kappa})
    inds = sorted(bundle["employment"]["industry"].astype(str).unique())
    w, ev, _ = _posterior_crosswalk(bundle, p, inds)
    truth = tf.datasets.load_example_truth()["matrix"][["specialty", "level", "industry", "share"]]
    m = w.merge(truth, on=["specialty", "level", "industry"], how="outer").fillna(0.0)
    m = m[m["specialty"].isin(set(w["specialty"]) & set(truth["specialty"]))]
    g = m.assign(rules=(m["theta_prior"] - m["share"]).abs(), posterior=(m["theta"] - m["share"]).abs()) \
        .groupby(["specialty", "level"])[["rules", "posterior"]].sum() / 2
    return g.merge(ev.set_index(["specialty", "level"])[["source"]], left_index=True, right_index=True)


def main() -> None:
    b = tf.datasets.load_example()
    rows = []
    for k in (3.0, 30.0, 300.0):
        g = distances(b, k)
        for src, gg in g.groupby("source"):
            rows.append((k, "all years (window 5)", src, len(gg), gg["rules"].mean(), gg["posterior"].mean()))
    first = b.tables["destinations"]
    b1 = tf.datasets.load_example()
    b1.tables["destinations"] = first[first["year"] == first["year"].min()]
    g = distances(b1, 30.0)
    for src, gg in g.groupby("source"):
        rows.append((30.0, f"one year ({int(first['year'].min())}) only", src, len(gg), gg["rules"].mean(),
                     gg["posterior"].mean()))
    out = pd.DataFrame(rows, columns=["prior_strength", "destinations", "source", "specialties",
                                      "rules_to_truth", "posterior_to_truth"])
    print("| " + " | ".join(out.columns) + " |")
    print("|" + "---|" * len(out.columns))
    for r in out.itertuples(index=False):
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r) + " |")


if __name__ == "__main__":
    main()
