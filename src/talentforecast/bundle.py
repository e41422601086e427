"""A bundle: the validated input tables of one planning region."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from talentforecast.schema import TABLES

REQUIRED_TABLES = ("employment", "enrolment", "outcomes", "regions")


@dataclass
class Bundle:
    """Validated input tables keyed by table name (see :data:`talentforecast.schema.TABLES`).

    Read one from a folder with :func:`talentforecast.read_folder`.

    Example:
        >>> import talentforecast as tf
        >>> b = tf.datasets.load_example()
        >>> sorted(b.tables)[:3]
        ['destinations', 'employment', 'enrolment']
    """

    tables: dict[str, pd.DataFrame]
    meta: dict = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The region the outputs are titled with: the top of regions.csv unless meta names one.
        top = top_region(self.tables.get("regions"))
        for key in ("region", "region_name"):
            if not self.meta.get(key) and top.get(key):
                self.meta[key] = top[key]

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def region_name(self) -> str:
        return str(self.meta.get("region_name", ""))


def top_region(regions: pd.DataFrame | None) -> dict[str, str]:
    """Code and name of the top region of a ``regions`` table: the one whose parent is blank or
    not in the table. Several tops give their names joined with "、" and no code.

    Example:
        >>> r = pd.DataFrame({"region": ["220100", "220102"], "region_name": ["长春市", "南关区"],
        ...                   "parent": [None, "220100"]})
        >>> top_region(r)
        {'region': '220100', 'region_name': '长春市'}
    """
    if regions is None or not {"region", "region_name"} <= set(regions.columns) or not len(regions):
        return {}
    codes = set(regions["region"].astype(str))
    parent = regions["parent"] if "parent" in regions.columns else pd.Series(None, index=regions.index)
    is_top = parent.isna() | ~parent.astype(str).isin(codes)
    tops = regions[is_top.to_numpy()]
    if len(tops) == 1:
        return {"region": str(tops["region"].iloc[0]), "region_name": str(tops["region_name"].iloc[0])}
    return {"region_name": "、".join(tops["region_name"].astype(str))}


def table_names() -> list[str]:
    return list(TABLES)
