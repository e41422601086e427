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
        ['employment', 'enrolment', 'enrolment_plan']
    """

    tables: dict[str, pd.DataFrame]
    meta: dict = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def region_name(self) -> str:
        return str(self.meta.get("region_name", ""))


def table_names() -> list[str]:
    return list(TABLES)
