"""Input checking and the internal per-series representation of a long panel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem

SOURCE = "<forecast input>"


@dataclass
class Series:
    """One series: consecutive integer years ``ds``, values ``y``, optional exogenous matrices and
    the keys of the groups it belongs to (``forecast(groups=...)``, e.g. its region and industry)."""

    uid: object
    ds: np.ndarray
    y: np.ndarray
    X: np.ndarray | None = None
    X_future: np.ndarray | None = None
    groups: tuple | None = None


def check_h(h: object) -> int:
    """Return ``h`` as int or raise :class:`InputError` when it is not a positive integer."""
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
        raise InputError([Problem("<argument>", "h", None, h, "an integer horizon h >= 1", "不小于 1 的整数预测年数 h")])
    return int(h)


def check_levels(level: Sequence[float] | float | None) -> tuple[int, ...]:
    """Normalise interval levels to a sorted tuple of ints in (0, 100)."""
    if level is None:
        return ()
    if isinstance(level, (int, float)):
        level = [level]
    out = []
    for lv in level:
        if isinstance(lv, bool) or not isinstance(lv, (int, float, np.number)) or not 0 < lv < 100 or float(lv) != int(lv):
            raise InputError([Problem("<argument>", "level", None, lv, "integer levels between 0 and 100, e.g. (80, 95)",
                                      "0 到 100 之间的整数置信水平，如 (80, 95)")])
        out.append(int(lv))
    return tuple(sorted(set(out)))


def origin(df: pd.DataFrame) -> tuple[str, list[int] | None]:
    """Where a panel's rows come from: ``attrs["source"]`` and ``attrs["lines"]`` (each row's line
    in the file, set by :func:`~talentforecast.forecasting.panel_file.read_panel`), else
    ``<forecast input>`` and no lines (rows are then numbered as in a CSV file with one header line)."""
    lines = df.attrs.get("lines")
    if lines is None or len(lines) != len(df):
        # rows filtered or added since the file was read: its lines no longer say where a row is
        return (SOURCE if lines is not None else str(df.attrs.get("source", SOURCE))), None
    return str(df.attrs.get("source", SOURCE)), list(lines)


def require_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`InputError` naming the file (:func:`origin`) and each of ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        source = origin(df)[0]
        have = "、".join(map(str, df.columns))
        raise InputError([Problem(source, c, None, None, f"a column named '{c}' (have {list(df.columns)})",
                                  f"名为 '{c}' 的列（现有列：{have}）") for c in missing])


def problems_at(mask: np.ndarray, df: pd.DataFrame, col: str, expected: str, expected_zh: str,
                 where: tuple[str, list[int] | None] = (SOURCE, None)) -> list[Problem]:
    idx = np.flatnonzero(mask)
    source, lines = where
    # without the file's lines, rows are 1-based data rows + header line, as in a CSV file
    return [Problem(source, col, lines[i] if lines else int(i) + 2, df[col].iloc[i], expected, expected_zh)
            for i in idx[:50]]


def prepare(
    df: pd.DataFrame,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    exog: Sequence[str] | None = None,
    nonnegative: bool = False,
) -> pd.DataFrame:
    """Validate a long panel and return it renamed to ``unique_id, ds, y[, exog...]``, sorted.

    Raises :class:`InputError` listing every problem: missing columns, non-integer years,
    non-numeric or missing ``y``, duplicate ``(unique_id, ds)``, gaps in the years of a series,
    negative values when ``nonnegative`` is requested.
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError([Problem(SOURCE, None, None, type(df).__name__, "a pandas DataFrame", "pandas DataFrame 表")])
    exog = list(exog or [])
    where = origin(df)
    source = where[0]
    require_columns(df, [id_col, time_col, target_col, *exog])
    if len(df) == 0:
        raise InputError([Problem(source, None, None, 0, "at least one row", "至少一行数据")])
    out = df[[id_col, time_col, target_col, *exog]].reset_index(drop=True)
    out.columns = ["unique_id", "ds", "y", *exog]
    problems: list[Problem] = []
    ds_num = pd.to_numeric(out["ds"], errors="coerce")
    bad = ds_num.isna().to_numpy() | (ds_num.notna() & (ds_num % 1 != 0)).to_numpy()
    problems += problems_at(bad, out.rename(columns={"ds": time_col}), time_col, "an integer year", "整数年份", where)
    for col, name in [("y", target_col), *[(c, c) for c in exog]]:
        num = pd.to_numeric(out[col], errors="coerce")
        badv = (num.isna() | ~np.isfinite(num.astype(float))).to_numpy()
        problems += problems_at(badv, out.rename(columns={col: name}), name, "a finite number", "有限的数值", where)
        if not badv.any():
            out[col] = num.astype(float)
    if out["unique_id"].isna().any():
        problems += problems_at(out["unique_id"].isna().to_numpy(), out.rename(columns={"unique_id": id_col}), id_col,
                                 "a series id", "序列编号（不能缺失）", where)
    if problems:
        raise InputError(problems)
    out["ds"] = ds_num.astype(np.int64)
    dup = out.duplicated(["unique_id", "ds"], keep=False).to_numpy()
    if dup.any():
        raise InputError(problems_at(dup, out.rename(columns={"ds": time_col}), time_col,
                                      f"one row per ({id_col}, {time_col}); this pair is duplicated",
                                      f"每个（{id_col}，{time_col}）只有一行；这一组合重复", where))
    if nonnegative and (out["y"] < 0).any():
        raise InputError(problems_at((out["y"] < 0).to_numpy(), out.rename(columns={"y": target_col}), target_col,
                                      "a value >= 0 (or pass nonnegative=False)", "不小于 0 的值（或设 nonnegative=False）",
                                      where))
    out = out.sort_values(["unique_id", "ds"], kind="mergesort").reset_index(drop=True)
    span = out.groupby("unique_id", sort=False)["ds"].agg(["min", "max", "size"])
    gaps = span[span["max"] - span["min"] + 1 != span["size"]]
    if len(gaps):
        have = out[out["unique_id"].isin(gaps.index[:50])].groupby("unique_id", sort=False)["ds"].agg(set)
        missing = {}  # the years a planner has to fill (or drop the older ones), per series
        for uid in gaps.index[:50]:
            yrs = sorted(set(range(int(span.at[uid, "min"]), int(span.at[uid, "max"]) + 1)) - have[uid])
            missing[uid] = ", ".join(map(str, yrs[:10])) + (f" (+{len(yrs) - 10})" if len(yrs) > 10 else "")
        raise InputError([Problem(source, time_col, None, uid,
                                  f"consecutive years with no gaps within each series (missing: {yrs})",
                                  f"每个序列的年份连续、没有缺年（缺 {yrs} 年）") for uid, yrs in missing.items()])
    return out


def prepare_future(
    future_exog: pd.DataFrame | None,
    exog: Sequence[str],
    panel: pd.DataFrame,
    h: int,
    id_col: str,
    time_col: str,
) -> pd.DataFrame | None:
    """Check ``future_exog`` covers the ``h`` years after each series' last year."""
    if not exog:
        if future_exog is not None:
            raise InputError([Problem("<future_exog>", None, None, None, "no future_exog unless exog columns are named",
                                      "未指定外生变量列（exog）时不应给出 future_exog")])
        return None
    if future_exog is None:
        raise InputError([Problem("<future_exog>", None, None, None, f"future values of {list(exog)} for the {h} forecast years",
                                  f"{'、'.join(map(str, exog))} 在 {h} 个预测年份的未来值")])
    fut = prepare(future_exog.assign(**{"__y": 0.0}), id_col, time_col, "__y", exog).drop(columns="y")
    last = panel.groupby("unique_id", sort=False)["ds"].max()
    need = pd.DataFrame([(u, int(t) + k) for u, t in last.items() for k in range(1, h + 1)], columns=["unique_id", "ds"])
    got = need.merge(fut, on=["unique_id", "ds"], how="left", indicator=True)
    miss = got[got["_merge"] == "left_only"]
    if len(miss):
        raise InputError([Problem("<future_exog>", time_col, None, f"{r.unique_id}@{r.ds}", "a row of future exogenous values",
                                  "一行外生变量的未来值") for r in miss.head(50).itertuples()])
    return got.drop(columns="_merge")


def split_series(panel: pd.DataFrame, exog: Sequence[str] = (), future: pd.DataFrame | None = None) -> list[Series]:
    """Split a prepared panel into :class:`Series` objects (in sorted id order)."""
    exog = list(exog)
    fut_groups = dict(tuple(future.groupby("unique_id", sort=False))) if future is not None else {}
    out = []
    for uid, g in panel.groupby("unique_id", sort=False):
        X = g[exog].to_numpy(float) if exog else None
        Xf = fut_groups[uid][exog].to_numpy(float) if exog else None
        out.append(Series(uid, g["ds"].to_numpy(np.int64), g["y"].to_numpy(float), X, Xf))
    return out


class GroupMap(dict):
    """Each series' tuple of group keys, and the names of the columns they come from (for errors)."""

    columns: tuple[str, ...] = ()


def group_keys(df: pd.DataFrame, groups: Sequence[str] | str | None, id_col: str, time_col: str,
               target_col: str, exog: Sequence[str]) -> dict:
    """Each series' tuple of group keys from the columns of ``forecast(groups=...)``, which must be
    present, not the id/year/value/exog columns, never missing and constant within each series
    (:class:`InputError` naming column and row else); ``{}`` when ``groups`` is None."""
    if groups is None:
        return {}
    groups = [groups] if isinstance(groups, str) else list(groups)
    if not groups:
        raise InputError([Problem("<argument>", "groups", None, groups, "at least one column name, or None",
                                  "至少一个列名，或 None")])
    if not isinstance(df, pd.DataFrame) or id_col not in df.columns:
        return {}  # prepare() reports the frame itself (every forecast path calls it next)
    source, lines = origin(df)
    problems = [Problem(source, c, None, None, f"a group column named '{c}' (have {list(df.columns)})",
                        f"名为 '{c}' 的分组列") for c in groups if c not in df.columns]
    problems += [Problem("<argument>", "groups", None, c, "a column other than the id, year, value and exog columns",
                         "分组列不能是编号、年份、数值或外生变量列")
                 for c in groups if c in (id_col, time_col, target_col, *exog)]
    if problems:
        raise InputError(problems)
    frame = df.reset_index(drop=True)
    for c in groups:
        # the rows whose key differs from the series' first one are named, not the whole series
        varies = (frame[c].notna() & (frame[c] != frame.groupby(id_col, sort=False)[c].transform("first"))).to_numpy()
        for mask, en, zh in [(frame[c].isna().to_numpy(), "a group key (no missing value)", "分组键（不能缺失）"),
                             (varies, f"one value per series of '{id_col}' (this row differs from the series' first row)",
                              f"每个序列（'{id_col}'）只有一个值（此行与该序列第一行不同）")]:
            problems += [Problem(source, c, lines[i] if lines else int(i) + 2, frame[c].iloc[i], en, zh)
                         for i in np.flatnonzero(mask)[:50]]
    if problems:
        raise InputError(problems)
    first = frame.groupby(id_col, sort=False)[groups].first()
    out = GroupMap({uid: tuple(row) for uid, row in zip(first.index, first.itertuples(index=False), strict=True)})
    out.columns = tuple(groups)
    return out
