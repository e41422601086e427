"""Documented, seeded generator of the bundled example region 示例市: a structural simulation.

Real public aggregates (``data/sources``) fix the shapes: the province's census age structure
(population), its sector value added 2015–2024 (value added by sector), and national vocational
new entrants 2011–2024 (enrolment trends). On top, a simulated world (:mod:`._world`) runs year by
year: section employment with a declining, a booming and a COVID-hit section; a true specialty →
section destination matrix unlike the rule crosswalk (:mod:`._matrix`); graduates' further
study, out-migration and job finding against the true local supply/demand, with 技工院校
graduates and in-migrants competing; schools opening, expanding, cutting and closing programmes
under a simple policy. Its observable tables go to ``data/example``; its truth to
``data/example_truth`` (:func:`talentforecast.datasets.load_example_truth`), which no stage reads.
Every parameter is in ``datasets/data/example_params.toml``; ``data/README.md`` lists which
column is which. The same seed gives byte-identical CSVs.

Example:
    >>> from talentforecast.datasets.generator import generate
    >>> tables = generate(seed=20241)          # doctest: +SKIP
    >>> sorted(tables)                          # doctest: +SKIP
    ['destinations', 'employment', 'enrolment', 'enrolment_plan', 'outcomes', 'population', 'postings', 'regions']
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.datasets import _economy, _matrix, _schools, _world
from talentforecast.datasets._params import PARAMS_PATH, load_params
from talentforecast.schema import TABLES

DEFAULT_SEED = 20241
GENERATOR_VERSION = "2"
TRUTH_KEYS = {"market": ["specialty", "year"], "programmes": ["school", "specialty", "year"],
              "events": ["school", "specialty", "year", "event"], "matrix": ["specialty", "industry"],
              "hiring": ["industry", "year"]}


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


def generate_world(seed: int = DEFAULT_SEED, params_path: str | Path | None = None
                   ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Simulate the world; return (observable tables, truth tables). Nothing is written.

    The observable tables are what :func:`load_example` reads; the truth tables are what
    :func:`talentforecast.datasets.load_example_truth` reads (see :mod:`talentforecast.datasets.truth`).
    """
    params = load_params(params_path)
    reg = params["region"]
    years = list(range(reg["first_year"], reg["last_year"] + 1))
    r_emp, r_off, r_mat, r_world, r_post, r_plan = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6))
    employment, city = _economy.employment(params, years, r_emp, future=params["world"]["future_years"])
    offers = _schools.offerings(params, r_off)
    specs = offers.drop_duplicates("specialty")[["specialty", "level", "class_code"]].sort_values("specialty")
    matrix = _matrix.true_matrix(params, specs, r_mat)
    world = _world.simulate(params, offers, city, matrix, _schools.entrant_index(), r_world)
    openings = world["hiring"].pivot(index="year", columns="industry", values="openings")
    tables = {
        "regions": _regions(params),
        "population": _economy.population(params),
        "employment": employment,
        "enrolment": world["enrolment"],
        "outcomes": world["outcomes"],
        "destinations": world["destinations"],
        "postings": _economy.postings(params, openings, _tightness(world["market"], matrix), offers, r_post),
        "enrolment_plan": _schools.enrolment_plan(params, world["intake_plan_year"], r_plan),
    }
    tables = {k: _canonical(k, v) for k, v in tables.items()}
    truth = {"market": world["market"], "programmes": world["programmes"], "events": world["events"],
             "matrix": matrix, "hiring": world["hiring"]}
    truth = {k: v.round(4).sort_values([c for c in TRUTH_KEYS[k] if c in v], kind="stable", ignore_index=True)
             for k, v in truth.items()}
    return tables, truth


def _tightness(market: pd.DataFrame, matrix: pd.DataFrame) -> pd.DataFrame:
    """True demand/supply of each section (year × section): the matrix-weighted market totals."""
    m = market.merge(matrix[["specialty", "industry", "share"]], on="specialty")
    m["d"], m["s"] = m["demand"] * m["share"], m["supply"] * m["share"]
    g = m.groupby(["year", "industry"])[["d", "s"]].sum()
    return (g["d"] / g["s"].where(g["s"] > 0)).unstack().fillna(1.0)


def generate(seed: int = DEFAULT_SEED, out_dir: str | Path | None = None,
             params_path: str | Path | None = None, truth_dir: str | Path | None = None
             ) -> dict[str, pd.DataFrame]:
    """Generate every observable table of the example region; write them if ``out_dir``.

    Args:
        seed: seed of ``numpy.random.SeedSequence``; each part (employment, schools, true matrix,
            world, postings, plans) draws from its own child stream.
        out_dir: folder to write ``<table>.csv`` + ``meta.json`` to (UTF-8, ``\\n`` line ends);
            nothing written if None.
        params_path: generator parameters (default: the shipped ``example_params.toml``).
        truth_dir: folder for the truth (``data/example_truth``); default: ``<out_dir>/../example_truth``
            when ``out_dir`` is given. The truth is never written inside ``out_dir``.

    Returns:
        dict of table name → DataFrame with canonical columns.
    """
    tables, truth = generate_world(seed, params_path)
    if out_dir is not None:
        params = load_params(params_path)
        write(tables, out_dir, meta(params, seed))
        tdir = Path(truth_dir) if truth_dir is not None else Path(out_dir).resolve().parent / "example_truth"
        write_truth(truth, tdir, meta(params, seed), params_path)
    return tables


def meta(params: dict, seed: int) -> dict:
    reg = params["region"]
    return {"region": reg["code"], "region_name": reg["name"], "region_name_en": reg["name_en"],
            "seed": seed, "years": [reg["first_year"], reg["last_year"]], "plan_year": reg["plan_year"],
            "generator_version": GENERATOR_VERSION, "generated": True}


def write_truth(truth: dict[str, pd.DataFrame], out_dir: str | Path, meta: dict,
                params_path: str | Path | None = None) -> None:
    """Write the truth tables, their meta and a copy of the parameters that made them."""
    out = Path(out_dir)
    write(truth, out, {**meta, "truth": True})
    (out / "params.toml").write_bytes(Path(params_path or PARAMS_PATH).read_bytes())


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
