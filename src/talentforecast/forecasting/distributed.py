"""Run the per-series work of :func:`forecast` / :func:`backtest` on Dask, Spark or Ray via fugue.

The pattern is statsforecast's: the series are shipped as one long frame, partitioned by series
(fugue ``partition={"by": series key, "algo": "coarse"}``: every series lands whole in exactly one
partition) and each partition runs the same per-series function the local engine runs
(``_runner._chunk_task``). Everything that looks *across* series stays on the driver and is
computed from the gathered per-series results exactly as locally: auto's global choice of the
model combination, its interval calibration and the pooled intervals of series whose model gave
none. Each series' result depends only on that series and ``seed``, so any engine and any
partitioning give results identical to ``engine="local"``.

``engine`` values: ``"local"`` (the default: this machine, ``n_jobs`` processes), ``"dask"`` (the
current ``distributed.Client``, or a new local one), a ``distributed.Client``, ``"spark"`` or a
``SparkSession``, ``"ray"``, or any other fugue execution engine. Spark and Ray need ``pyspark``
/ ``ray`` plus ``fugue[spark]`` / ``fugue[ray]`` installed by the user.

Example:
    >>> import pandas as pd
    >>> from talentforecast.forecasting import forecast, use_engine
    >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2012), "y": [float(i) for i in range(12)]})
    >>> with use_engine("native"):  # fugue's in-process engine: same code path as a cluster
    ...     fc = forecast(df, h=2, models="drift")
    >>> fc["y_hat"].tolist()
    [12.0, 13.0]
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError, InputError, Problem
from talentforecast.forecasting._panel import Series

LOCAL = "local"
# Physical partitions per unit of engine concurrency (workers × threads): several, so a slow
# partition does not leave the other workers idle.
PARTITIONS_PER_WORKER = 4

_ENGINE: contextvars.ContextVar[object | None] = contextvars.ContextVar("talentforecast_engine", default=None)


def _check(engine: object) -> object | None:
    """Normalise an ``engine`` value: ``None`` for local, otherwise what fugue accepts."""
    if engine is None or (isinstance(engine, str) and engine == LOCAL):
        return None
    if isinstance(engine, str):
        import fugue.api as fa

        try:
            with fa.engine_context(engine):
                pass
        except Exception as exc:  # noqa: BLE001  fugue raises various types for unknown names
            raise ConfigError(f"engine={engine!r}: not a usable execution engine ({exc}); expected 'local', "
                              "'dask', 'spark', 'ray', a dask Client or a SparkSession",
                              zh=f"engine={engine!r}：不是可用的计算引擎（{exc}）；应为 'local'、'dask'、'spark'、"
                                 "'ray'、dask Client 或 SparkSession") from exc
    return engine


@contextlib.contextmanager
def use_engine(engine: object) -> Iterator[None]:
    """Run every :func:`forecast` / :func:`backtest` inside the block on ``engine``.

    Like ``joblib.parallel_backend``: code that calls the forecasting functions deep down (the
    demand and supply stages, ``tf.run``) runs on the cluster without passing ``engine`` around.
    ``None`` keeps the engine already in effect; ``"local"`` forces the local engine.

    Example:
        >>> with use_engine("local"):
        ...     active() is None
        True
    """
    if engine is None:
        yield
        return
    token = _ENGINE.set(_check(engine))
    try:
        yield
    finally:
        _ENGINE.reset(token)


def active() -> object | None:
    """The engine in effect (``None`` means local)."""
    return _ENGINE.get()


def _to_frame(series: Sequence[Series]) -> pd.DataFrame:
    """Long frame: ``_sid`` (position), ``_future`` (row of X_future), ``ds``, ``y``, ``x0..``."""
    sid, fut, ds, y, xs = [], [], [], [], []
    for i, s in enumerate(series):
        n, nf = s.y.size, (0 if s.X_future is None else len(s.X_future))
        sid.append(np.full(n + nf, i, dtype=np.int64))
        fut.append(np.r_[np.zeros(n, bool), np.ones(nf, bool)])
        ds.append(np.r_[s.ds.astype(np.int64), s.ds[-1] + np.arange(1, nf + 1, dtype=np.int64)])
        y.append(np.r_[s.y.astype(float), np.full(nf, np.nan)])
        if s.X is not None:
            xs.append(np.vstack([s.X, s.X_future]) if nf else s.X)
    out = pd.DataFrame({"_sid": np.concatenate(sid), "_future": np.concatenate(fut),
                        "ds": np.concatenate(ds), "y": np.concatenate(y)})
    if xs:
        X = np.vstack(xs)
        for j in range(X.shape[1]):
            out[f"x{j}"] = X[:, j]
    return out


def _from_frame(df: pd.DataFrame) -> list[Series]:
    xcols = [c for c in df.columns if c.startswith("x")]
    out = []
    for sid, g in df.sort_values(["_sid", "ds"], kind="mergesort").groupby("_sid", sort=True):
        past, fut = g[~g["_future"]], g[g["_future"]]
        X = past[xcols].to_numpy(float) if xcols else None
        Xf = fut[xcols].to_numpy(float) if xcols else None
        out.append(Series(int(sid), past["ds"].to_numpy(np.int64), past["y"].to_numpy(float), X, Xf))
    return out


def _keys(level: Sequence[int]) -> list[str]:
    return ["mean", *[f"{s}-{lv}" for lv in level for s in ("lo", "hi")]]


def _schema(level: Sequence[int]) -> str:
    cols = ["_sid:long", "_m:long", "_label:str", "_reason:str", "_detail:str", "_k:long",
            *[f"{_col(k)}:double" for k in _keys(level)]]
    return ",".join(cols)


def _col(key: str) -> str:
    return "v_" + key.replace("-", "_")


def _partition_task(df: pd.DataFrame, names: list, h: int, level: list, seed: int, fallback: bool) -> pd.DataFrame:
    """Runs on a worker: forecast every series of one partition, as the local engine does."""
    # importing any forecasting module runs the package __init__, which registers every model
    from talentforecast.forecasting._runner import _chunk_task

    chunk = _from_frame(df)
    res = _chunk_task((tuple(names), chunk, h, tuple(level), seed, fallback))
    keys, rows = _keys(level), {c: [] for c in ("_sid", "_m", "_label", "_reason", "_detail", "_k")}
    vals = {k: [] for k in keys}
    for s, row in zip(chunk, res, strict=True):
        for m, r in enumerate(row):
            pred = r.pred or {}  # a failed outcome travels as NaN values with an empty label
            rows["_sid"] += [s.uid] * h
            rows["_m"] += [m] * h
            rows["_label"] += [r.model or ""] * h
            rows["_reason"] += [r.reason or ""] * h
            rows["_detail"] += [r.detail or ""] * h
            rows["_k"] += list(range(h))
            for k in keys:
                vals[k].append(np.asarray(pred.get(k, np.full(h, np.nan)), dtype=float))
    out = pd.DataFrame(rows)
    for k in keys:
        out[_col(k)] = np.concatenate(vals[k]) if vals[k] else np.array([], dtype=float)
    return out


def run_many(names: Sequence[str], series: Sequence[Series], h: int, level: Sequence[int], seed: int,
             fallback: bool, n_jobs: int, progress: bool, description: str) -> list:
    """``_runner.run_local`` on the active engine: same inputs, same output, per series."""
    from fugue import transform

    from talentforecast.forecasting._runner import Outcome, _progress

    engine = active()
    if n_jobs != 1:
        raise InputError([Problem("<argument>", "n_jobs", None, n_jobs,
                                  f"1 when engine={engine!r} (the cluster's workers set the parallelism)",
                                  f"engine={engine!r} 时为 1（并行度由集群的工作进程决定）")])
    series = list(series)
    if not series:
        return []
    names, level = list(names), list(level)
    with _progress(progress, f"{description} ({type(engine).__name__ if not isinstance(engine, str) else engine})",
                   len(series)) as advance:
        got = transform(
            _to_frame(series), _partition_task, schema=_schema(level),
            params={"names": names, "h": h, "level": level, "seed": seed, "fallback": fallback},
            partition={"by": "_sid", "algo": "coarse", "num": f"CONCURRENCY*{PARTITIONS_PER_WORKER}"},
            engine=engine, as_local=True)
        advance(len(series))
    got = pd.DataFrame(got).sort_values(["_sid", "_m", "_k"], kind="mergesort")
    keys = _keys(level)
    out: list = [[None] * len(names) for _ in series]
    sid, mi, lab = got["_sid"].to_numpy(), got["_m"].to_numpy(), got["_label"].to_numpy()
    why, detail = got["_reason"].to_numpy(), got["_detail"].to_numpy()
    V = {k: got[_col(k)].to_numpy(float) for k in keys}
    for start in range(0, len(got), h):
        i, m = int(sid[start]), int(mi[start])
        reason, text = (str(why[start]) or None), (str(detail[start]) or None)
        if not lab[start]:
            out[i][m] = Outcome(None, None, reason, text)
            continue
        pred = {k: V[k][start:start + h].copy() for k in keys}
        out[i][m] = Outcome(str(lab[start]), pred, reason, text)
    return out
