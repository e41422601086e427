"""The truth of the simulated example region, kept apart from the inputs the library reads.

The example region is a structural simulation (:mod:`talentforecast.datasets.generator`). Its
truth — true S/D per specialty and year, true (noise-free) outcomes including the years after
the data end, the true specialty → section destination matrix, the school-leaver openings per
section, the schools' past decisions, and the parameters — lives in ``data/example_truth``.
No stage of the annual run reads it; benchmarks score the run's warnings against it
(``benchmarks/warnings_recovery.py``).

Example:
    >>> from talentforecast.datasets import load_example_truth
    >>> t = load_example_truth()
    >>> sorted(t.tables)
    ['events', 'hiring', 'market', 'matrix', 'programmes']
    >>> t.meta["truth"], t.params["region"]["name"]
    (True, '示例市')
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from talentforecast.errors import TalentForecastError

__all__ = ["Truth", "load_example_truth", "truth_dir"]

TRUTH_DTYPES = {"specialty": str, "region": str, "school": str, "level": str, "industry": str, "scope": str,
                "event": str}


@dataclass
class Truth:
    """The truth tables of a simulated world, its meta (seed, years) and the parameters.

    Tables: ``market`` (specialty × year: graduates, local supply by source, true demand,
    ratio_sd, noise-free destination_rate and employment_rate), ``programmes`` (school ×
    specialty × year: noise-free rates), ``events`` (opened / expanded / cut / closed),
    ``matrix`` (true destination shares beside the rule crosswalk's), ``hiring`` (school-leaver
    openings per section and year).

    Example:
        >>> t = load_example_truth()
        >>> t["market"].columns[:4].tolist()
        ['specialty', 'level', 'scope', 'year']
    """

    tables: dict[str, pd.DataFrame]
    meta: dict
    params: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def truth_dir() -> Path:
    """Folder of the example's truth (``data/example_truth`` beside ``data/example``).

    Example:
        >>> (truth_dir() / "market.csv").is_file()
        True
    """
    from talentforecast.datasets import example_dir

    folder = example_dir().parent / "example_truth"
    if not (folder / "meta.json").is_file():
        raise TalentForecastError(f"{folder}: the example's truth is not there; regenerate it with "
                                  "`python -m talentforecast.datasets.generator`")
    return folder


def load_example_truth(folder: str | Path | None = None) -> Truth:
    """The truth of the example region (or of a world written to ``folder`` by ``generate``).

    Example:
        >>> t = load_example_truth()
        >>> bool((t["market"]["ratio_sd"].dropna() > 0).all())
        True
    """
    folder = Path(folder) if folder is not None else truth_dir()
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    tables = {p.stem: pd.read_csv(p, dtype=TRUTH_DTYPES, keep_default_na=False, na_values=[""])
              for p in sorted(folder.glob("*.csv"))}
    with open(folder / "params.toml", "rb") as f:
        params = tomllib.load(f)
    return Truth(tables=tables, meta=meta, params=params)
