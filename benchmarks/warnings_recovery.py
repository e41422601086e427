"""Benchmark: do the warnings recover the simulated world's true imbalances?

The example region is a structural simulation with a known truth (``tf.datasets.load_example_truth``).
This script generates worlds (seeds × variants), runs the annual chain as of several years on the
observable tables only, and scores the warnings against the truth 1–3 years on:

- cut = red or orange, scored against *truly bad*: true S/D > 1.15 (ROA surplus) or true,
  noise-free 毕业去向落实率 < 0.60, for the city market of the specialty in year as_of + h;
  ``cut_recall_fail`` is the recall against the truly failing ones (rate < 0.60) alone;
- blue, scored against *truly short*: true S/D < 0.85.

Per method, variant and horizon: precision, recall, AUC of the scores, Brier score of the
probabilities, share flagged. Method score for cut: the issued probability when the level is red or
orange, else 1 − the probability of the issued level (the mass it leaves to other levels; 0.5 when
no probability); blue likewise. Baselines, scored the same way:

- persistence: last observed city 毕业去向落实率 below 0.60 ⇒ cut; no blue (scores: 1 − rate, rate);
- rule S/D: the run's projected S/D point of year as_of + h (rule crosswalk, no uncertainty):
  > 1.15 ⇒ cut, < 0.85 ⇒ blue (scores: S/D, −S/D). Flags are the probabilities (0 or 1).

World variants: ``base`` (all tables), ``no_destinations`` (destinations table withheld),
``no_postings`` (postings withheld), ``prior_far`` (a world generated from a parameter file whose
true matrix is far from the rule crosswalk: rule_weight 0.3, cross-class moves for 80 % of specialties).

Reproduce (about 10 minutes on 2 shared cores):
    PYTHONPATH=src python benchmarks/warnings_recovery.py
    PYTHONPATH=src python benchmarks/warnings_recovery.py --seeds 20241 --as-of 2021 --variants base
    PYTHONPATH=src python benchmarks/warnings_recovery.py --variants base --policy default my.toml --json /tmp/v.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import talentforecast as tf
from talentforecast.datasets._params import PARAMS_PATH, load_params
from talentforecast.datasets.generator import generate_world, meta, write
from talentforecast.folder import read_folder

CUT = {"red", "orange"}
STAGES = ["inputs", "demand", "supply", "matching", "warning"]
VARIANTS = ["base", "no_destinations", "no_postings", "prior_far"]
FAR = {"rule_weight": 0.3, "cross_probability": 0.8}


def far_params(folder: Path) -> Path:
    """A copy of the shipped parameters with a true matrix far from the rules (another world file)."""
    text = PARAMS_PATH.read_text(encoding="utf-8")
    for key, value in FAR.items():
        lines = [ln for ln in text.splitlines() if ln.startswith(f"{key} = ")]
        text = text.replace(lines[0], f"{key} = {value}")
    path = folder / "params_prior_far.toml"
    path.write_text(text, encoding="utf-8")
    return path


def world_bundle(seed: int, params_path: Path | None, folder: Path, drop: str | None):
    tables, truth = generate_world(seed, params_path)
    if drop:
        tables = {k: v for k, v in tables.items() if k != drop}
    out = folder / f"w{seed}_{params_path.stem if params_path else 'shipped'}_{drop}"
    write(tables, out, meta(load_params(params_path), seed))
    return read_folder(out, meta=meta(load_params(params_path), seed)), truth


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    pos, neg = score[y], score[~y]
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = pd.Series(np.r_[pos, neg]).rank().to_numpy()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def metrics(flag: np.ndarray, prob: np.ndarray, score: np.ndarray, y: np.ndarray) -> dict:
    tp = int((flag & y).sum())
    return {"n": int(len(y)), "positives": int(y.sum()), "flagged": float(flag.mean()),
            "precision": tp / flag.sum() if flag.sum() else float("nan"),
            "recall": tp / y.sum() if y.sum() else float("nan"),
            "auc": _auc(score, y), "brier": float(np.mean((prob - y) ** 2))}


def score_run(run, truth, as_of: int, city: str) -> pd.DataFrame:
    """One row per specialty × horizon with the truth labels and each method's flags/scores."""
    w = run.warnings[run.warnings["region"] == city][["specialty", "warning_level", "probability"]]
    out = run.bundle["outcomes"]
    last = out[out["year"] == as_of].groupby("specialty")[["employed", "further_study", "graduates"]].sum()
    rate = ((last["employed"] + last["further_study"]) / last["graduates"]).rename("last_rate")
    m = run.matches
    m = m[(m["region"] == city) & (m["scenario"] == "baseline")][["specialty", "year", "ratio_sd"]]
    mk = truth["market"]
    rows = []
    for h in (1, 2, 3):
        t = mk[(mk["year"] == as_of + h) & (mk["demand"] > 0)][["specialty", "ratio_sd", "destination_rate"]]
        j = w.merge(t, on="specialty").merge(rate, left_on="specialty", right_index=True, how="left")
        j = j.merge(m[m["year"] == as_of + h].rename(columns={"ratio_sd": "rule_sd"}).drop(columns="year"),
                    on="specialty", how="left")
        j["h"] = h
        rows.append(j)
    d = pd.concat(rows, ignore_index=True)
    d["bad"] = (d["ratio_sd"] > 1.15) | (d["destination_rate"] < 0.60)
    d["short"] = d["ratio_sd"] < 0.85
    d["fail"] = d["destination_rate"] < 0.60
    p = d["probability"].fillna(0.5)
    d["m_cut"] = d["warning_level"].isin(CUT)
    d["m_blue"] = d["warning_level"] == "blue"
    d["m_pcut"] = np.where(d["m_cut"], p, 1 - p)
    d["m_pblue"] = np.where(d["m_blue"], p, 1 - p)
    d["p_cut"] = d["last_rate"] < 0.60
    d["p_scut"] = 1 - d["last_rate"].fillna(1.0)
    d["p_sblue"] = d["last_rate"].fillna(0.0)
    d["r_cut"] = d["rule_sd"] > 1.15
    d["r_blue"] = d["rule_sd"] < 0.85
    d["r_scut"] = d["rule_sd"].fillna(1.0)
    return d


def summarise(d: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (variant, h), g in d.groupby(["variant", "h"]):
        y_bad, y_short = g["bad"].to_numpy(), g["short"].to_numpy()
        specs = {
            "method": (g["m_cut"], g["m_pcut"], g["m_pcut"], g["m_blue"], g["m_pblue"], g["m_pblue"]),
            "persistence": (g["p_cut"], g["p_cut"].astype(float), g["p_scut"], np.zeros(len(g), bool),
                            np.zeros(len(g)), g["p_sblue"]),
            "rule S/D": (g["r_cut"], g["r_cut"].astype(float), g["r_scut"], g["r_blue"],
                         g["r_blue"].astype(float), -g["r_scut"]),
        }
        for name, (cf, cp, cs, bf, bp, bs) in specs.items():
            c = metrics(np.asarray(cf, bool), np.asarray(cp, float), np.asarray(cs, float), y_bad)
            b = metrics(np.asarray(bf, bool), np.asarray(bp, float), np.asarray(bs, float), y_short)
            rows.append({"variant": variant, "h": h, "method": name, "n": c["n"], "bad": c["positives"],
                         **{f"cut_{k}": v for k, v in c.items() if k not in ("n", "positives")},
                         "fail": int(g["fail"].sum()),
                         "cut_recall_fail": (float(np.asarray(cf, bool)[g["fail"].to_numpy()].mean())
                                             if g["fail"].any() else float("nan")),
                         "short": b["positives"], **{f"blue_{k}": v for k, v in b.items()
                                                     if k not in ("n", "positives")}})
    return pd.DataFrame(rows)


def markdown(df: pd.DataFrame) -> str:
    """A markdown table (floats to 2 decimals) without the optional ``tabulate`` package."""
    def cell(v) -> str:
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def calibration(d: pd.DataFrame, col: str, label: str) -> pd.DataFrame:
    bins = pd.cut(d[col], [0, 0.2, 0.4, 0.6, 0.8, 1.0], include_lowest=True)
    return d.groupby(bins, observed=True)[label].agg(["size", "mean"]).rename(
        columns={"size": "n", "mean": "observed"}).reset_index().rename(columns={col: "probability"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[20241, 7])
    ap.add_argument("--as-of", type=int, nargs="+", default=[2019, 2021, 2024])
    ap.add_argument("--variants", nargs="+", default=VARIANTS, choices=VARIANTS)
    ap.add_argument("--policy", nargs="+", default=["default"],
                    help="policy name(s) or TOML file(s), combined in order (to compare a variant)")
    ap.add_argument("--json", default=str(Path(__file__).with_name("warnings_recovery_results.json")))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    frames = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        far = far_params(tmp)
        for seed in args.seeds:
            for variant in args.variants:
                params = far if variant == "prior_far" else None
                drop = {"no_destinations": "destinations", "no_postings": "postings"}.get(variant)
                bundle, truth = world_bundle(seed, params, tmp, drop)
                truth = {"market": truth["market"]}
                for as_of in args.as_of:
                    run = tf.run(bundle, stages=STAGES, progress=False, as_of=as_of,
                                 policy=args.policy if len(args.policy) > 1 else args.policy[0])
                    d = score_run(run, truth, as_of, bundle.meta["region"])
                    frames.append(d.assign(seed=seed, variant=variant, as_of=as_of))
                    print(f"seed {seed} {variant} as of {as_of}: {len(d)} scored "
                          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    d = pd.concat(frames, ignore_index=True)
    table = summarise(d)
    cal = {"cut": calibration(d, "m_pcut", "bad"), "blue": calibration(d, "m_pblue", "short")}
    pd.set_option("display.width", 250)
    cols = ["variant", "h", "method", "n", "bad", "cut_flagged", "cut_precision", "cut_recall", "cut_auc",
            "cut_brier", "fail", "cut_recall_fail", "short", "blue_flagged", "blue_precision", "blue_recall", "blue_auc", "blue_brier"]
    print(markdown(table[cols]))
    for k, c in cal.items():
        print(f"\ncalibration of the method's {k} probability (all variants, horizons):")
        print(markdown(c.astype({"probability": str})))
    print(f"\nwall time {time.perf_counter() - t0:.0f} s; seeds {args.seeds}, as of {args.as_of}")
    Path(args.json).write_text(json.dumps({
        "seeds": args.seeds, "as_of": args.as_of, "variants": args.variants,
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "table": table.round(4).to_dict(orient="records"),
        "calibration": {k: c.astype({"probability": str}).round(4).to_dict(orient="records") for k, c in cal.items()},
    }, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
