"""Golden numbers: the example region's key figures, pinned so every change that moves one shows.

``tests/golden/example_figures.json`` holds the figures of the default run on the bundled example
(seed 0, default policy, no scenario). ``tests/test_golden.py`` recomputes them and compares with a
stated tolerance. A change that moves a number rewrites the file on purpose:

    python -m talentforecast.golden --update

and the commit note says why it moved. The named specialties are kept across updates while the
example still offers them, so the diff shows their numbers move rather than a new list.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

GOLDEN_FILE = Path(__file__).resolve().parents[2] / "tests" / "golden" / "example_figures.json"
RUN_OPTIONS = {"seed": 0}
N_NAMED = 12
# Relative tolerance for real numbers; counts and levels must match exactly.
REL_TOL = 1e-6
ABS_TOL = 1e-6


def _planning_region(tables: Mapping[str, pd.DataFrame]) -> str:
    regions = tables["regions"]
    top = regions.loc[regions["parent"].isna(), "region"].astype(str)
    return str(top.iloc[0])


def _by_year(df: pd.DataFrame, col: str = "value") -> dict[str, float]:
    if "industry" in df and (df["industry"] == "_T").any():  # the total row, not total + sections
        df = df[df["industry"] == "_T"]
    return {str(int(y)): round(float(v), 4) for y, v in df.groupby("year")[col].sum().items()}


def figures(tables: Mapping[str, pd.DataFrame], named: list[str] | None = None) -> dict:
    """The key figures of a run's tables (plain JSON types).

    ``named`` lists ``specialty|level`` keys to report S/D and levels for; when None the first
    specialties (by code) that have a warning row are used.

    Example:
        >>> import talentforecast as tf
        >>> r = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)
        >>> figures(r.tables)["planning_region"]
        '990100'
    """
    pr = _planning_region(tables)
    out: dict = {"planning_region": pr}
    if "employment_forecast" in tables:
        e = tables["employment_forecast"]
        e = e[(e["region"].astype(str) == pr) & (e["scenario"] == "baseline")]
        out["employment_total_by_year"] = _by_year(e)
    if "openings" in tables:
        o = tables["openings"]
        o = o[(o["region"].astype(str) == pr) & (o["scenario"] == "baseline")]
        out["openings_total_by_year"] = _by_year(o)
        out["expansion_total_by_year"] = _by_year(o, "expansion")
        out["replacement_total_by_year"] = _by_year(o, "replacement")
    if "supply" in tables:
        s = tables["supply"]
        s = s[(s["region"].astype(str) == pr) & (~s["observed"].astype(bool))]
        out["supply_forecast_total_by_level"] = {
            str(k): round(float(v), 4) for k, v in s.groupby("level")["value"].sum().items()}
    if "warnings" in tables:
        w = tables["warnings"]
        if "planning_unit" in w:  # district and 专业点 rows are counted apart
            units = w["planning_unit"].value_counts().sort_index()
            out["warning_rows_by_unit"] = {str(k): int(v) for k, v in units.items()}
            w = w[w["planning_unit"] == "planning_region"]
        w = w[w["region"].astype(str) == pr] if "region" in w else w
        out["warning_counts"] = {str(k): int(v) for k, v in w["warning_level"].value_counts().sort_index().items()}
        keys = (w["specialty"].astype(str) + "|" + w["level"].astype(str))
        if named is None:
            named = sorted(keys.unique())[:: max(1, len(keys.unique()) // N_NAMED)][:N_NAMED]
        named = [k for k in named if k in set(keys)]
        levels = dict(zip(keys, w["warning_level"].astype(str), strict=False))
        out["named"] = named
        out["named_levels"] = {k: levels[k] for k in named}
        if "matches" in tables:
            m = tables["matches"]
            year = int(w["year"].max())
            m = m[(m["region"].astype(str) == pr) & (m["year"] == year) & (m["scenario"] == "baseline")]
            mk = m["specialty"].astype(str) + "|" + m["level"].astype(str)
            ratio = dict(zip(mk, m["ratio_sd"], strict=False))
            out["named_ratio_sd_year"] = year
            out["named_ratio_sd"] = {k: _num(ratio.get(k)) for k in named}
    if "structure_match" in tables:
        sm = tables["structure_match"]
        sm = sm[(sm["region"].astype(str) == pr) & (sm["scenario"] == "baseline")].dropna(subset=["dissimilarity"])
        out["dissimilarity_by_year"] = {str(int(y)): round(float(v), 6)
                                        for y, v in zip(sm["year"], sm["dissimilarity"], strict=False)}
    return out


def _num(v) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v):
        return None
    return round(float(v), 6)


def compare(expected, actual, path: str = "") -> list[str]:
    """Differences between two figure dicts beyond the tolerance, one line each.

    Example:
        >>> compare({"a": 1.0, "b": {"c": "red"}}, {"a": 1.0 + 1e-9, "b": {"c": "blue"}})
        ['b.c: expected red, got blue']
    """
    diffs: list[str] = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in sorted(set(expected) | set(actual)):
            p = f"{path}.{k}" if path else k
            if k not in actual:
                diffs.append(f"{p}: missing in the new run")
            elif k not in expected:
                diffs.append(f"{p}: new in this run ({actual[k]!s})")
            else:
                diffs += compare(expected[k], actual[k], p)
        return diffs
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        if not math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            diffs.append(f"{path}: expected {expected}, got {actual} ({(actual - expected) / (abs(expected) or 1):+.2%})")
        return diffs
    if expected != actual:
        diffs.append(f"{path}: expected {expected}, got {actual}")
    return diffs


def example_run_tables() -> dict[str, pd.DataFrame]:
    """Tables of the default run on the example region (the run the golden figures describe)."""
    import talentforecast as tf

    return tf.run(tf.datasets.load_example(), progress=False, **RUN_OPTIONS).tables


def load() -> dict:
    """The pinned figures (``{}`` when the file does not exist yet)."""
    return json.loads(GOLDEN_FILE.read_text(encoding="utf-8")) if GOLDEN_FILE.is_file() else {}


def update(tables: Mapping[str, pd.DataFrame] | None = None) -> dict:
    """Recompute and rewrite the golden file, keeping the named specialties that still exist."""
    from talentforecast._atomic import write_bytes

    old = load()
    tables = example_run_tables() if tables is None else tables
    new = figures(tables, named=old.get("named"))
    if len(new.get("named", [])) < N_NAMED and old.get("named"):  # fill up when the example changed
        fresh = figures(tables)["named"]
        new = figures(tables, named=(new["named"] + [k for k in fresh if k not in new["named"]])[:N_NAMED])
    GOLDEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(GOLDEN_FILE, (json.dumps(new, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    return new


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m talentforecast.golden", description=__doc__.splitlines()[0])
    ap.add_argument("--update", action="store_true", help="rewrite tests/golden/example_figures.json")
    args = ap.parse_args(argv)
    if args.update:
        old = load()
        new = update()
        diffs = compare(old, new) if old else ["(new file)"]
        print("\n".join(diffs) or "no figure moved")
        return 0
    diffs = compare(load(), figures(example_run_tables(), named=load().get("named")))
    print("\n".join(diffs) or "all golden figures match")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
