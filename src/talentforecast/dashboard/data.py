"""The dashboard's data: a feed (or a run) read once into memory; nothing is written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from talentforecast.errors import InputError, Problem


@dataclass
class FeedData:
    """Every feed table in memory, plus the feed manifest.

    Example:
        >>> from talentforecast.export.sample import sample_run
        >>> data = FeedData.from_run(sample_run())
        >>> data.as_of, "warnings" in data.tables
        (2024, True)
    """

    tables: dict[str, pd.DataFrame]
    manifest: dict
    source: Path | None = None

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    @property
    def as_of(self) -> int | None:
        return self.manifest.get("as_of")

    @classmethod
    def from_run(cls, run) -> FeedData:
        """Feed tables built in memory from a :class:`~talentforecast.pipeline.Run`."""
        from talentforecast.export import feed_tables, run_identity

        tables, skipped = feed_tables(run)
        run_id, as_of = run_identity(run)
        meta = run.manifest.get("meta", {})
        return cls(tables, {"run_id": run_id, "as_of": as_of, "region_name": meta.get("region_name"),
                            "skipped": skipped})

    @classmethod
    def load(cls, path: str | Path) -> FeedData:
        """Read a feed folder, a folder holding ``feed/``, a run folder, or a folder holding ``run/``."""
        from talentforecast.export import MANIFEST, find_feed, read_feed

        path = Path(path)
        try:
            feed = find_feed(path)
        except InputError:
            for cand in (path, path / "run"):
                if (cand / "manifest.json").is_file():
                    from talentforecast.pipeline import Run

                    return cls.from_run(Run.load(cand))
            raise InputError([Problem(str(path), None, None, None, "a feed folder (feed.json), a run folder "
                                      "(manifest.json) or a demo output folder holding feed/ or run/")]) from None
        manifest = json.loads((feed / MANIFEST).read_text(encoding="utf-8"))
        return cls(read_feed(feed), manifest, feed)


def reasons_of(row: pd.Series) -> list[dict]:
    """The parsed ``reasons`` JSON of one warning row (an empty list when missing)."""
    raw = row.get("reasons")
    if not isinstance(raw, str) or not raw:
        return []
    return list(json.loads(raw))


def name(df: pd.DataFrame, code: str, lang: str) -> pd.Series:
    """Display label of a code column: "code name" in the interface language."""
    codes = df[code].astype(str)
    zh = df[f"{code}_name_zh"].fillna(codes).astype(str) if f"{code}_name_zh" in df.columns else codes
    label = zh
    if lang == "en" and f"{code}_name_en" in df.columns:
        en = df[f"{code}_name_en"].fillna(codes).astype(str)
        label = en.where(en != codes, zh)  # no English name in the catalogue: show the Chinese one
    return codes.where(label == codes, codes + " " + label)
