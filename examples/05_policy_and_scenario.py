"""Your own warning policy and key-industry scenario: what changes against the defaults.

Runs the chain once with a scenario (examples/policies/equipment_push.toml, so both the baseline
and the scenario are in the tables), then issues warnings three ways and compares them:
the shipped ``default`` policy, the city's own policy (examples/policies/city2025.toml), and the
same rules read on the scenario instead of the baseline (examples/policies/city2025_on_scenario.toml).
See docs/policy.md.

Run:  python examples/05_policy_and_scenario.py [--horizon 5] [--fast]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from _options import parser, run_options

import talentforecast as tf
from talentforecast.warning import evaluate_warnings, load_policy

HERE = Path(__file__).resolve().parent
LEVELS = ["red", "orange", "yellow", "green", "blue", "not_enrolling"]
KEY = ["region", "specialty", "level"]


def changes(a: pd.DataFrame, b: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    m = a.merge(b, on=KEY, suffixes=("_a", "_b"))
    m = m[m.warning_level_a != m.warning_level_b]
    return pd.DataFrame({
        "specialty": m.specialty, "name": m.specialty.map(names), "level": m.level,
        "from": m.warning_level_a, "to": m.warning_level_b,
        "enrol_from": m.enrol_lo_a.astype("Int64").astype(str) + "–" + m.enrol_hi_a.astype("Int64").astype(str),
        "enrol_to": m.enrol_lo_b.astype("Int64").astype(str) + "–" + m.enrol_hi_b.astype("Int64").astype(str),
        "p": m.probability_b.round(2), "reason_zh": m.reason_zh_b, "reason_en": m.reason_en_b,
    })


def main() -> None:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument("--policy", type=Path, default=HERE / "policies" / "city2025.toml")
    ap.add_argument("--policy-on-scenario", type=Path, default=HERE / "policies" / "city2025_on_scenario.toml")
    ap.add_argument("--scenario", type=Path, default=HERE / "policies" / "equipment_push.toml")
    args = ap.parse_args()

    bundle = tf.datasets.load_example()
    run = tf.run(bundle, scenario=str(args.scenario), policy="default", progress=False, **run_options(args))
    tables = {**bundle.tables, **run.tables}

    own = load_policy(args.policy)
    on_scenario = load_policy(args.policy_on_scenario)  # [settings] scenario = "equipment_push"
    def city(w: pd.DataFrame) -> pd.DataFrame:  # the planning region's rows (districts and 专业点 too exist)
        return w[w["planning_unit"] == "planning_region"]

    results = {
        "default": city(run.warnings),
        own.name: city(evaluate_warnings(tables, policy=own, units=["planning_region"])["warnings"]),
        on_scenario.name: city(evaluate_warnings(tables, policy=on_scenario, units=["planning_region"])["warnings"]),
    }
    counts = pd.DataFrame({k: w.warning_level.value_counts() for k, w in results.items()})
    print(f"Warnings for {int(run.warnings.year.iloc[0])} (specialties per level):")
    print(counts.reindex(LEVELS).fillna(0).astype(int).to_string())

    names = tf.catalogs.specialties().drop_duplicates("specialty").set_index("specialty")["specialty_name"]
    pairs = [("default", own.name), (own.name, on_scenario.name)]
    with pd.option_context("display.width", 250, "display.max_colwidth", 200):
        for a, b in pairs:
            ch = changes(results[a], results[b], names)
            print(f"\n{a} → {b}: {len(ch)} specialties change")
            if len(ch):
                print(ch.drop(columns=["reason_en"]).to_string(index=False))
                print(ch[["specialty", "reason_en"]].to_string(index=False))


if __name__ == "__main__":
    main()
