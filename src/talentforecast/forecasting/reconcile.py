"""Coherent forecasts over grouped hierarchies (e.g. region × industry with both sets of totals)
through hierarchicalforecast's BottomUp and MinTrace."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, ModelError, Problem

METHODS = ("bottom_up", "ols", "wls_struct", "wls_var", "mint_shrink")
TOTAL = "total"


@dataclass
class Hierarchy:
    """A grouped hierarchy built from a bottom-level frame with key columns.

    ``Y``: long ``unique_id, ds, y`` for every node (bottom series and every aggregate);
    ``S``: summing matrix as a frame (``unique_id`` + one column per bottom id);
    ``tags``: level name (``"total"``, ``"region"``, ``"region/industry"``…) → node ids.
    Node ids read ``total``, ``region=R1``, ``region=R1|industry=A``.

    Example:
        >>> import pandas as pd
        >>> b = pd.DataFrame({"region": ["r1", "r1", "r2"], "industry": ["A", "B", "A"], "ds": 2020,
        ...                   "y": [1.0, 2.0, 3.0]})
        >>> hz = hierarchy(b, ["region", "industry"])
        >>> {k: list(v) for k, v in hz.tags.items() if k != "region/industry"}
        {'total': ['total'], 'region': ['region=r1', 'region=r2'], 'industry': ['industry=A', 'industry=B']}
        >>> hz.S.set_index("unique_id").loc["industry=A"].tolist()
        [1, 0, 1]
    """

    Y: pd.DataFrame
    S: pd.DataFrame
    tags: dict[str, np.ndarray]
    keys: tuple[str, ...]


def _node_id(keys: Sequence[str], values: Sequence[object]) -> str:
    return "|".join(f"{k}={v}" for k, v in zip(keys, values, strict=True)) or TOTAL


def hierarchy(bottom: pd.DataFrame, keys: Sequence[str], time_col: str = "ds", target_col: str = "y") -> Hierarchy:
    """Build every aggregate of ``bottom`` over all subsets of ``keys`` (a grouped hierarchy).

    Example:
        >>> import pandas as pd
        >>> b = pd.DataFrame({"region": ["r1", "r1", "r2", "r2"], "industry": ["A", "B", "A", "B"],
        ...                   "ds": 2020, "y": [1.0, 2.0, 3.0, 4.0]})
        >>> hz = hierarchy(b, ["region", "industry"])
        >>> hz.Y.set_index("unique_id").loc[["total", "region=r1", "industry=A"], "y"].tolist()
        [10.0, 3.0, 4.0]
    """
    keys = list(keys)
    missing = [c for c in [*keys, time_col, target_col] if c not in bottom.columns]
    if not keys or missing:
        raise InputError([Problem("<bottom>", c, None, None, "a key/time/target column", "分组键、年份或数值列")
                          for c in missing or ["keys"]])
    b = bottom[[*keys, time_col, target_col]].copy()
    if b.duplicated([*keys, time_col]).any():
        row = int(np.flatnonzero(b.duplicated([*keys, time_col]).to_numpy())[0])
        raise InputError([Problem("<bottom>", time_col, row + 2, b[time_col].iloc[row], f"one row per ({', '.join(keys)}, {time_col})",
                                  f"每个（{'，'.join(keys)}，{time_col}）只有一行")])
    years = b.groupby(keys)[time_col].apply(lambda s: tuple(sorted(s)))
    if years.nunique() > 1:
        raise InputError([Problem("<bottom>", time_col, None, None,
                                  "every bottom series covering the same years (aggregates would mix different sets)",
                                  "每个底层序列覆盖相同的年份（否则各级合计混入不同的序列）")])
    b[keys] = b[keys].astype(str)
    bottom_keys = b[keys].drop_duplicates().sort_values(keys).to_numpy().tolist()
    bottom_ids = [_node_id(keys, v) for v in bottom_keys]
    frames, tags, S_rows = [], {}, []
    for r in range(len(keys) + 1):
        for sub in itertools.combinations(keys, r):
            sub = list(sub)
            name = "/".join(sub) or TOTAL
            agg = b.groupby(sub + [time_col], sort=True)[target_col].sum().reset_index() if sub else \
                b.groupby(time_col, sort=True)[target_col].sum().reset_index()
            agg["unique_id"] = [_node_id(sub, v) for v in agg[sub].to_numpy().tolist()] if sub else TOTAL
            ids = list(dict.fromkeys(agg["unique_id"]))
            tags[name] = np.array(ids, dtype=object)
            frames.append(agg[["unique_id", time_col, target_col]])
            idx = [keys.index(k) for k in sub]
            for node in ids:
                want = {k: v.split("=", 1)[1] for k, v in (p.split("=", 1) and (p.split("=", 1)[0], p) for p in node.split("|")) if node != TOTAL} if sub else {}
                S_rows.append([node] + [int(all(bk[i] == want[keys[i]] for i in idx)) for bk in bottom_keys])
    Y = pd.concat(frames, ignore_index=True).rename(columns={time_col: "ds", target_col: "y"})
    S = pd.DataFrame(S_rows, columns=["unique_id", *bottom_ids])
    return Hierarchy(Y, S, tags, tuple(keys))


def _fitted_drift(Y: pd.DataFrame) -> pd.DataFrame:
    """One-step-ahead fits of an expanding-window random walk with drift per node: each year is
    predicted from the years before it only. Used for MinTrace's error covariance."""
    def one(g):
        y = g["y"].to_numpy(float)
        t = np.arange(2, len(y))
        return g.iloc[2:].assign(base=y[t - 1] + (y[t - 1] - y[0]) / (t - 1))
    return Y.groupby("unique_id", sort=False, group_keys=False)[["unique_id", "ds", "y"]].apply(one)


def reconcile(
    bottom: pd.DataFrame,
    forecasts: pd.DataFrame,
    keys: Sequence[str],
    method: str = "mint_shrink",
    level: Sequence[int] | None = None,
    nonnegative: bool = True,
    insample: pd.DataFrame | None = None,
    time_col: str = "ds",
    target_col: str = "y",
) -> pd.DataFrame:
    """Make forecasts of every node of the grouped hierarchy over ``keys`` coherent.

    Args:
        bottom: bottom-level history with the ``keys`` columns, ``time_col`` and ``target_col``.
        forecasts: :func:`forecast` output for every node of ``hierarchy(bottom, keys).Y`` (one
            model per node), e.g. ``forecast(hierarchy(bottom, keys).Y, h)``.
        method: ``bottom_up`` or a MinTrace variant (``ols``, ``wls_struct``, ``wls_var``,
            ``mint_shrink``). TopDown is not offered: it is undefined on grouped hierarchies.
        level: interval levels to reconcile (default: every level in ``forecasts``); intervals
            assume normal errors (hierarchicalforecast ``intervals_method="normality"``).
        nonnegative: MinTrace solves with non-negative means; interval bounds floored at 0.
        insample: ``unique_id, ds, y, base`` in-sample fits for MinTrace's error covariance;
            default one-step-ahead fits of an expanding-window random walk with drift per node.

    Returns the ``forecasts`` columns for every node, with ``requested`` as in ``forecasts`` (the
    base label when absent) and ``model`` = ``<base label>+<method>``.

    Example:
        >>> import pandas as pd
        >>> from talentforecast.forecasting import forecast
        >>> b = pd.DataFrame([(r, i, t, 10.0 + t - 2000 + (r == "r2")) for r in ["r1", "r2"]
        ...                   for i in ["A", "B"] for t in range(2000, 2012)], columns=["region", "industry", "ds", "y"])
        >>> fc = forecast(hierarchy(b, ["region", "industry"]).Y, h=2, models="drift")
        >>> rec = reconcile(b, fc, ["region", "industry"], method="bottom_up")
        >>> rec.loc[rec.unique_id == "total", "y_hat"].round(1).tolist()
        [90.0, 94.0]
    """
    from hierarchicalforecast.core import HierarchicalReconciliation
    from hierarchicalforecast.methods import BottomUp, MinTrace

    if method == "top_down":
        raise ModelError("top_down is undefined on grouped hierarchies (several ways to the total); use bottom_up or a "
                         "MinTrace method", zh="分组层级（到总计有多条路径）不能用 top_down；请用 bottom_up 或 MinTrace 方法")
    if method not in METHODS:
        raise ModelError(f"unknown reconciliation method {method!r}; choose one of {list(METHODS)}",
                         zh=f"未知的协调方法 {method!r}；可选：{list(METHODS)}")
    hz = hierarchy(bottom, keys, time_col, target_col)
    fc = forecasts.rename(columns={time_col: "ds"})
    have = sorted(int(c[5:]) for c in fc.columns if c.startswith("y_lo_"))
    level = have if level is None else sorted(int(v) for v in level)
    if set(level) - set(have):
        raise InputError([Problem("<forecasts>", f"y_lo_{lv}", None, None, "interval columns for each requested level",
                                  "每个所需置信水平的区间列") for lv in set(level) - set(have)])
    nodes = set(hz.S["unique_id"])
    missing = nodes - set(fc["unique_id"])
    if missing or fc.duplicated(["unique_id", "ds"]).any():
        raise InputError([Problem("<forecasts>", "unique_id", None, sorted(missing)[:5] or None,
                                  "exactly one forecast row per (node, ds) for every node of hierarchy(bottom, keys)",
                                  "hierarchy(bottom, keys) 的每个节点每年恰有一行预测")])
    fc = fc[fc["unique_id"].isin(nodes)]
    labels = fc.groupby("unique_id")["model"].first()
    asked = fc.groupby("unique_id")["requested"].first() if "requested" in fc else labels
    hat = fc[["unique_id", "ds", "y_hat"]].rename(columns={"y_hat": "base"})
    for lv in level:
        hat[f"base-lo-{lv}"], hat[f"base-hi-{lv}"] = fc[f"y_lo_{lv}"].to_numpy(), fc[f"y_hi_{lv}"].to_numpy()
    reconciler = BottomUp() if method == "bottom_up" else MinTrace(method=method, nonnegative=nonnegative)
    Y_df = insample if insample is not None else _fitted_drift(hz.Y)
    with warnings.catch_warnings():
        # MinTrace's non-negative solve hands dense matrices to qpsolvers, which notes the
        # conversion to sparse on every call; nothing the user can act on
        warnings.filterwarnings("ignore", "Converted matrix .* to scipy.sparse", category=UserWarning)
        rec = HierarchicalReconciliation([reconciler]).reconcile(
            hat, hz.tags, S_df=hz.S, Y_df=Y_df, level=level or None, intervals_method="normality")
    col = next(c for c in rec.columns if c.startswith("base/") and "-lo-" not in c and "-hi-" not in c)
    out = pd.DataFrame({"unique_id": rec["unique_id"].to_numpy(), time_col: rec["ds"].to_numpy(),
                        "requested": rec["unique_id"].map(asked).astype(str).to_numpy(),
                        "model": rec["unique_id"].map(labels).astype(str).to_numpy() + "+" + method,
                        "y_hat": rec[col].to_numpy(float)})
    for lv in level:
        out[f"y_lo_{lv}"] = np.minimum(rec[f"{col}-lo-{lv}"].to_numpy(float), out["y_hat"])
        out[f"y_hi_{lv}"] = np.maximum(rec[f"{col}-hi-{lv}"].to_numpy(float), out["y_hat"])
        if nonnegative:
            out[f"y_lo_{lv}"] = out[f"y_lo_{lv}"].clip(lower=0)
    return out
