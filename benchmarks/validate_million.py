"""Time `validate FOLDER` (check_folder) on an employment table of about a million rows.

Run: PYTHONPATH=src python benchmarks/validate_million.py [ROWS_SCALE]
Writes a temporary folder: 500 districts x 97 GB/T 4754 divisions x 20 years (970,000 rows) plus
small enrolment/outcomes/regions tables, then reports the wall time of check_folder and of the
CLI-style formatting. A second variant puts one bad value on every 1000th row.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast import catalogs
from talentforecast.folder import check_folder, format_check


def make(folder: Path, n_regions: int, bad_every: int = 0) -> int:
    divisions = catalogs.industries().query("kind == 'division'")["industry"].tolist()
    regions = [f"9{i:05d}" for i in range(1, n_regions + 1)]
    pd.DataFrame({"region": ["900000", *regions], "region_name": ["市", *[f"区{i}" for i in range(n_regions)]],
                  "parent": ["", *["900000"] * n_regions]}).to_csv(folder / "regions.csv", index=False)
    idx = pd.MultiIndex.from_product([regions, divisions, range(2005, 2025)], names=["region", "industry", "year"])
    emp = idx.to_frame(index=False)
    emp["employed"] = np.random.default_rng(0).integers(0, 5000, len(emp)).astype(object)
    if bad_every:
        emp.loc[::bad_every, "employed"] = "x"
    emp.to_csv(folder / "employment.csv", index=False)
    pd.DataFrame({"region": regions[0], "school": "S", "specialty": "610101", "level": "中职", "year": [2023],
                  "enrolled": 50, "in_school": 140, "graduates": 40}).to_csv(folder / "enrolment.csv", index=False)
    pd.DataFrame({"region": regions[0], "school": "S", "specialty": "610101", "year": [2023], "graduates": 40,
                  "employed": 30, "matched": 20, "further_study": 5}).to_csv(folder / "outcomes.csv", index=False)
    return len(emp)


def main(scale: float = 1.0) -> None:
    for bad in (0, 1000):
        with tempfile.TemporaryDirectory() as tmp:
            rows = make(Path(tmp), int(500 * scale), bad)
            t = time.perf_counter()
            check = check_folder(tmp)
            text = format_check(check, "zh", 50)
            took = time.perf_counter() - t
            print(f"{rows:,} employment rows, bad every {bad or '-'}: {took:.1f} s, "
                  f"{len(check.problems)} problem(s), {len(text.splitlines())} lines printed")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
