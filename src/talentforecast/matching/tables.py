"""Small table helpers shared by the matching modules: column checks and region roll-up."""

from __future__ import annotations

import pandas as pd

from talentforecast.errors import InputError, Problem


def require_columns(df: pd.DataFrame | None, columns: tuple[str, ...] | list[str], name: str) -> pd.DataFrame:
    """Return ``df`` or raise :class:`InputError` naming the table and every missing column."""
    if df is None:
        raise InputError([Problem(name, None, None, None, "a table (it is missing)", "一张表（此表缺失）")])
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError([Problem(name, c, None, None, f"a column '{c}'", f"表中的列 '{c}'（此列缺失）") for c in missing])
    return df


def add_parent_regions(df: pd.DataFrame, regions: pd.DataFrame | None, keys: list[str],
                       sums: list[str]) -> pd.DataFrame:
    """Add rows for parent regions (parent = sum of its children) when the table lacks them.

    ``keys`` are the grouping columns other than ``region``; ``sums`` the additive columns.
    Parents already present in ``df`` are kept as given. Works up any number of levels.

    Example:
        >>> df = pd.DataFrame({"region": ["a", "b"], "year": [2020, 2020], "n": [1.0, 2.0]})
        >>> regs = pd.DataFrame({"region": ["c", "a", "b"], "parent": [None, "c", "c"]})
        >>> add_parent_regions(df, regs, ["year"], ["n"]).query("region == 'c'")["n"].item()
        3.0
    """
    if regions is None or "parent" not in regions.columns or df.empty:
        return df
    parent_of = {r: p for r, p in zip(regions["region"].astype(str), regions["parent"], strict=True)
                 if isinstance(p, str) and p}
    out = df
    while True:
        present = set(out["region"].astype(str))
        child = out[out["region"].map(parent_of).notna() & ~out["region"].map(parent_of).isin(present)]
        if child.empty:
            return out
        up = child.assign(region=child["region"].map(parent_of))
        agg = up.groupby(["region", *keys], as_index=False, dropna=False)[sums].sum(min_count=1)
        out = pd.concat([out, agg], ignore_index=True)
