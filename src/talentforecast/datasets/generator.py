"""Documented, seeded generator of the bundled example region 示例市.

Real public aggregates (``data/sources``) fix the shapes: the province's census age structure
(population), its sector value added 2015–2024 (value added by sector), and national vocational
new entrants 2011–2024 (enrolment trends). Everything else is drawn with
``numpy.random.default_rng`` from the parameters in ``datasets/data/example_params.toml``;
``data/README.md`` lists which column is which. The same seed gives byte-identical CSVs.

Example:
    >>> from talentforecast.datasets.generator import generate
    >>> tables = generate(seed=20241)          # doctest: +SKIP
    >>> sorted(tables)                          # doctest: +SKIP
    ['employment', 'enrolment', 'enrolment_plan', 'outcomes', 'population', 'postings', 'regions']
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.datasets import _economy, _schools
from talentforecast.datasets._params import load_params
from talentforecast.schema import TABLES

DEFAULT_SEED = 20241
GENERATOR_VERSION = "1"


def _regions(params: dict) -> pd.DataFrame:
    reg = params["region"]
    rows = [(reg["code"], reg["name"], "")]
    rows += [(d["code"], d["name"], reg["code"]) for d in params["districts"]]
    return pd.DataFrame(rows, columns=["region", "region_name", "parent"])


def _canonical(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns in schema order, rows sorted by the table key."""
    cols = [c.name for c in TABLES[name].columns if c.name in df.columns]
    key = [k for k in TABLES[name].key if k in df.columns]
    return df[cols].sort_values(key, kind="stable", ignore_index=True)


def generate(seed: int = DEFAULT_SEED, out_dir: str | Path | None = None,
             params_path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Generate every table of the example region; write ``<table>.csv`` + ``meta.json`` if ``out_dir``.

    Args:
        seed: seed of ``numpy.random.SeedSequence``; each part (employment, schools, outcomes,
            postings, plans) draws from its own child stream, so editing one part's parameters
            leaves the others unchanged.
        out_dir: folder to write the CSVs to (UTF-8, ``\\n`` line ends); nothing written if None.
        params_path: generator parameters (default: the shipped ``example_params.toml``).

    Returns:
        dict of table name → DataFrame with canonical columns.
    """
    params = load_params(params_path)
    reg = params["region"]
    years = list(range(reg["first_year"], reg["last_year"] + 1))
    r_emp, r_off, r_enr, r_out, r_post, r_plan = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6))
    employment, city = _economy.employment(params, years, r_emp)
    offers = _schools.offerings(params, r_off)
    enrol = _schools.enrolment(params, offers, r_enr)
    wage_rel = {k: v["wage"] for k, v in params["industries"].items()}
    tables = {
        "regions": _regions(params),
        "population": _economy.population(params),
        "employment": employment,
        "enrolment": enrol,
        "outcomes": _schools.outcomes(params, offers, enrol, wage_rel, r_out),
        "postings": _economy.postings(params, city, offers, r_post),
        "enrolment_plan": _schools.enrolment_plan(params, offers, enrol, r_plan),
    }
    tables = {k: _canonical(k, v) for k, v in tables.items()}
    if out_dir is not None:
        write(tables, out_dir, meta(params, seed))
    return tables


def meta(params: dict, seed: int) -> dict:
    reg = params["region"]
    return {"region": reg["code"], "region_name": reg["name"], "region_name_en": reg["name_en"],
            "seed": seed, "years": [reg["first_year"], reg["last_year"]], "plan_year": reg["plan_year"],
            "generator_version": GENERATOR_VERSION, "generated": True}


def write(tables: dict[str, pd.DataFrame], out_dir: str | Path, meta: dict) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python -m talentforecast.datasets.generator [out_dir]
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[3] / "data" / "example")
    generate(out_dir=target)
    print(f"wrote {target}")
