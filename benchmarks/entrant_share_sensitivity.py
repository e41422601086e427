"""Measure: how many warning levels change when entrant_share moves across its range (issue 15).

Runs the example chain (baseline, default options) with entrant_share 0.25, 0.35 (central) and
0.50, each with the parameter draws on (default) and off, and prints per setting: the number of
warnings whose level differs from the central run (all levels, and strong levels red/orange/blue
issued in either run), the S/D band changes of banded projected rows, and the spread of the
projected probabilities p_shortage / p_surplus (share of banded rows at >= 0.95 and at 0.2-0.8).
"gated" counts the strong levels that change once a strong level is issued only when the
warning's probability reaches GATE (else it is read as yellow, uncertain), an estimate of what
the warning stage's use of the probabilities (issue 17) will give.

Reproduce:
    PYTHONPATH=src python benchmarks/entrant_share_sensitivity.py            # markdown table
"""

from __future__ import annotations

import warnings

import pandas as pd

STRONG = {"red", "orange", "blue"}
GATE = 0.9
KEY = ["region", "specialty", "level"]


def one(entrant: float, sample: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Warnings and matches of one example run."""
    import talentforecast as tf

    r = tf.run(tf.datasets.load_example(), progress=False, stages=["inputs", "demand", "supply", "matching", "warning"],
               params={"demand": {"entrant_share": entrant, "sample_parameters": sample},
                       "supply": {"simulation": {"sample_parameters": sample}}})
    return r.tables["warnings"], r.tables["matches"]


def compare(base: tuple, other: tuple) -> dict:
    wb, mb = base
    wo, mo = other
    w = wb.merge(wo, on=KEY, suffixes=("", "_x"))
    changed = w["warning_level"] != w["warning_level_x"]
    strong = changed & (w["warning_level"].isin(STRONG) | w["warning_level_x"].isin(STRONG))
    gated = {}
    for sfx in ("", "_x"):
        lv = w[f"warning_level{sfx}"]
        gated[sfx] = lv.where(~lv.isin(STRONG) | (w[f"probability{sfx}"] >= GATE), "yellow")
    g_changed = (gated[""] != gated["_x"]) & (gated[""].isin(STRONG) | gated["_x"].isin(STRONG))
    k = [*KEY, "year", "scenario"]
    m = mb.merge(mo, on=k, suffixes=("", "_x"))
    m = m[~m["observed"] & (m["status"] == "ok") & (m["status_x"] == "ok")]
    return {"warnings": len(w), "levels_changed": int(changed.sum()), "strong_changed": int(strong.sum()),
            "gated_changed": int(g_changed.sum()), "gated_strong": int(gated[""].isin(STRONG).sum()),
            "band_rows": len(m), "bands_changed": int((m["band"] != m["band_x"]).sum())}


def spread(m: pd.DataFrame) -> dict:
    f = m[~m["observed"] & (m["status"] == "ok")]
    p = f[["p_shortage", "p_surplus"]].max(axis=1)
    return {"p_ge_095": float((p >= 0.95).mean()), "p_02_08": float(((p >= 0.2) & (p <= 0.8)).mean())}


def main() -> None:
    warnings.simplefilter("ignore")
    print("| draws | entrant_share | warnings | levels changed | strong levels changed | strong issued (gated) | "
          f"strong changed (gated, p ≥ {GATE}) | banded rows | bands changed | max(p) ≥ 0.95 | 0.2 ≤ max(p) ≤ 0.8 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for sample in (True, False):
        runs = {e: one(e, sample) for e in (0.25, 0.35, 0.50)}
        for e in (0.25, 0.35, 0.50):
            c = compare(runs[0.35], runs[e])
            s = spread(runs[e][1])
            print(f"| {'on' if sample else 'off'} | {e} | {c['warnings']} | {c['levels_changed']} "
                  f"({c['levels_changed'] / c['warnings']:.0%}) | {c['strong_changed']} "
                  f"({c['strong_changed'] / c['warnings']:.0%}) | {c['gated_strong']} | {c['gated_changed']} "
                  f"({c['gated_changed'] / c['warnings']:.0%}) | {c['band_rows']} | {c['bands_changed']} "
                  f"({c['bands_changed'] / max(c['band_rows'], 1):.0%}) | {s['p_ge_095']:.0%} | {s['p_02_08']:.0%} |")


if __name__ == "__main__":
    main()
