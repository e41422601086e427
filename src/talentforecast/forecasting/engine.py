"""``forecast``: the many-series entry point."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, ModelError, Problem
from talentforecast.forecasting import _failures
from talentforecast.forecasting import auto as _auto
from talentforecast.forecasting import shocks as _shocks
from talentforecast.forecasting._dispatch import run_many
from talentforecast.forecasting._panel import (
    Series,
    check_h,
    check_levels,
    group_keys,
    prepare,
    prepare_future,
    split_series,
)
from talentforecast.forecasting._runner import Outcome
from talentforecast.forecasting.calibration import walk_band
from talentforecast.forecasting.distributed import use_engine
from talentforecast.forecasting.models import check_capabilities, get_model


def _model_list(models: str | Sequence[str], has_exog: bool) -> list[str]:
    names = [models] if isinstance(models, str) else list(models)
    if not names:
        raise ModelError("models must name at least one model or 'auto'", zh="models 至少要写一个模型名或 'auto'")
    for n in names:
        if not isinstance(n, str):
            raise ModelError(f"model names must be strings, got {n!r}", zh=f"模型名应为文字，实际为 {n!r}")
        if n != "auto":
            check_capabilities(get_model(n), exog=has_exog)
    if len(set(names)) != len(names):
        raise ModelError(f"models lists a name twice: {names}", zh=f"models 中有重复的模型名：{names}")
    return names


def forecast(
    df: pd.DataFrame,
    h: int,
    level: Sequence[int] = (80, 95),
    models: str | Sequence[str] = "auto",
    exog: Sequence[str] | None = None,
    future_exog: pd.DataFrame | None = None,
    n_jobs: int = 1,
    seed: int = 0,
    nonnegative: bool = True,
    progress: bool = False,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    n_windows: int | None = None,
    engine: str | object | None = None,
    trend_shrinkage: float | None = None,
    pooled: bool | None = None,
    shock_years: Sequence[int] | None = None,
    groups: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Forecast every series of a long annual panel ``h`` years ahead.

    Args:
        df: long frame with ``id_col``, ``time_col`` (integer year), ``target_col`` and any
            ``exog`` columns; consecutive years per series.
        h: horizon in years (>= 1).
        level: interval levels in percent; one ``y_lo_<L>``/``y_hi_<L>`` pair each.
        models: ``"auto"`` (backtest-selected combination with calibrated intervals), one model
            name or a list of names (see ``MODELS``). Several names give rows for each.
        exog, future_exog: names of exogenous columns in ``df`` and a frame with their values for
            the ``h`` future years of every series. Models that cannot use them raise ModelError.
        n_jobs: worker processes; results are identical for any value.
        seed: seeds the random parts (series sampled for auto's backtest, Prophet sampling).
        nonnegative: floor forecasts and interval bounds at 0 (history must then be >= 0).
        progress: show a rich progress bar.
        n_windows: rolling-origin windows auto chooses its combination on (``None``: 5; its
            intervals are calibrated on up to ``calibration_origins`` (20) origins; see
            docs/forecasting.md). Only with models="auto": another model would ignore it.
        engine: where the per-series work runs: ``"local"`` (processes, ``n_jobs``), ``"dask"`` or a
            dask ``Client``, ``"spark"``/a ``SparkSession``, ``"ray"`` (see docs/scale.md); ``None``
            keeps the engine set by :func:`use_engine` (local by default). Results are identical.
        trend_shrinkage: auto only: ``c`` of the trend shrinkage, each series' forecast moved toward
            its last value by ``max(0, 1 - c / t²)``, ``t`` the t-statistic of its mean yearly change
            (``auto.trend_weight``); ``0`` turns it off; with ``exog`` or without ``"auto"`` only 0 or None
            are accepted. ``None`` takes the shipped default (``forecasting/data/auto.toml``: 0.0, off;
            see docs/forecasting.md).
        pooled: auto only: whether the pooled (global) member, one ridge regression on scaled windows
            of every series (``forecasting/pooled.py``), is in the pool; ``None`` takes ``pooled_member``
            of ``auto.toml``.
        shock_years: years declared exceptional (e.g. ``[2009]``); in every series the change into
            such a year is replaced by the series' typical change before any model is fit, so the
            forecast carries the post-shock level at the usual trend (``forecasting/shocks.py``).
            ``None`` (default): no year is declared.
        groups: auto only: columns of ``df`` naming groups each series belongs to, constant within a
            series (e.g. ``["region", "industry"]`` for a region × industry panel). The pool then
            holds the ``grouped`` member, which forecasts each series from its groups' recent growth
            (``forecasting/grouped.py``); the backtest decides whether it enters the combination.

    Returns:
        Long frame ``unique_id, ds, requested, model, y_hat, y_lo_80, y_hi_80, y_lo_95, y_hi_95``
        (column names follow ``id_col``/``time_col``), one block of rows per requested model.
        ``requested`` is the model asked for; ``model`` records what produced each row (a fallback
        such as ``drift``, ``naive``, ``constant`` or ``zero`` when the requested model could not
        run, with ``+pooled_pi`` when the interval had to be borrowed from other series).
        ``.attrs["fallbacks"]`` lists every fallback as a dict ``unique_id, requested, model,
        reason, detail`` (reason codes in docs/forecasting.md), ``.attrs["n_forecasts"]`` the number
        of series × requested models; when there is any fallback a ``TalentForecastWarning`` says
        how many and why. ``.attrs["auto"]`` holds the auto selection (members, backtest scores,
        calibration; a ``TalentForecastWarning`` says when a panel too short for a whole h-year
        backtest window had its later steps' intervals extended, when too few backtest cases
        left the members' own intervals uncalibrated, or when they rest on a shock common to a
        few calendar windows), ``.attrs["shock_years"]`` the declared
        years and how many series they changed.
        Only the errors a model is expected to raise for a series it cannot handle
        lead to a fallback (``_failures.EXPECTED_FAILURES``); any other error propagates.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2012), "y": [float(i) for i in range(10, 22)]})
        >>> fc = forecast(df, h=2, models="drift")
        >>> fc[["ds", "model", "y_hat"]].values.tolist()
        [[2012, 'drift', 22.0], [2013, 'drift', 23.0]]
    """
    if engine is not None:  # engine hook: run this call under that engine (see distributed.py)
        with use_engine(engine):
            return forecast(**{**locals(), "engine": None})
    keys = group_keys(df, groups, id_col, time_col, target_col, list(exog or []))
    out = forecast_frame(df, h, level, models, exog, future_exog, n_jobs, seed, nonnegative, progress,
                         id_col, time_col, target_col, n_windows, trend_shrinkage, pooled, shock_years, keys)
    _failures.warn(out.attrs["fallbacks"], out.attrs["n_forecasts"])
    sel = out.attrs.get("auto")
    if sel is not None and sel.extrapolated_steps:
        _failures.warn_intervals_extended(sel.extrapolated_steps, sel.n_calibration, _auto.DEFAULTS["horizon_growth"])
    elif sel is not None and not sel.calibrated(check_levels(level), h) and out["model"].str.startswith("auto:").any():
        _failures.warn_intervals_uncalibrated(sel.n_calibration)  # only said where the combination ran
    if sel is not None and sel.common_windows:
        _failures.warn_intervals_common_shock(sel.common_windows, sel.n_calibration)
    walk = out.attrs.get("intervals_from_walk")
    if walk is not None:
        _failures.warn_intervals_from_walk(walk["yearly_changes"], walk["walked"])
    return out


def forecast_frame(df, h, level, models, exog, future_exog, n_jobs, seed, nonnegative, progress, id_col,
                   time_col, target_col, n_windows, trend_shrinkage=None, pooled=None, shock_years=None,
                   group_map=None) -> pd.DataFrame:
    """:func:`forecast` without the fallback warning (its callers, e.g. backtest, warn once);
    ``group_map``: each series' group keys (:func:`group_keys`)."""
    h = check_h(h)
    levels = check_levels(level)
    if not isinstance(n_jobs, int) or n_jobs < 1:
        raise InputError([Problem("<argument>", "n_jobs", None, n_jobs, "an integer >= 1", "不小于 1 的整数")])
    if trend_shrinkage is not None and (isinstance(trend_shrinkage, bool) or not isinstance(trend_shrinkage, (int, float))
                                        or not np.isfinite(trend_shrinkage) or trend_shrinkage < 0):
        raise InputError([Problem("<argument>", "trend_shrinkage", None, trend_shrinkage, "a number >= 0, or None",
                                   "不小于 0 的数，或 None")])
    if n_windows is not None and (isinstance(n_windows, bool) or not isinstance(n_windows, (int, np.integer))
                                  or n_windows < 1):
        raise InputError([Problem("<argument>", "n_windows", None, n_windows, "an integer >= 1, or None",
                                   "不小于 1 的整数，或 None")])
    if pooled is not None and not isinstance(pooled, bool):
        raise InputError([Problem("<argument>", "pooled", None, pooled, "True, False or None", "True、False 或 None")])
    shocks = _shocks.check_shock_years(shock_years)
    exog = list(exog or [])
    names = _model_list(models, bool(exog))
    if trend_shrinkage and (exog or "auto" not in names):
        # shrinkage applies to models="auto" without drivers only: never ignore the argument silently
        raise InputError([Problem("<argument>", "trend_shrinkage", None, trend_shrinkage,
                                  "0 or None with exog or without models='auto'",
                                  "使用外生变量(exog)或未选 models='auto' 时只能为 0 或 None")])
    if n_windows is not None and "auto" not in names:
        raise InputError([Problem("<argument>", "n_windows", None, n_windows, "None without models='auto'",
                                  "未选 models='auto' 时只能为 None")])
    if pooled and "auto" not in names:
        raise InputError([Problem("<argument>", "pooled", None, pooled, "False or None without models='auto'",
                                  "未选 models='auto' 时只能为 False 或 None")])
    if group_map and "auto" not in names:
        raise InputError([Problem("<argument>", "groups", None, getattr(group_map, "columns", None),
                                  "None without models='auto'", "未选 models='auto' 时只能为 None")])
    panel = prepare(df, id_col, time_col, target_col, exog, nonnegative=nonnegative)
    future = prepare_future(future_exog, exog, panel, h, id_col, time_col)
    observed = split_series(panel, exog, future)
    if group_map:
        for s in observed:
            s.groups = group_map[s.uid]
    series, n_shocked = _shocks.apply(observed, shocks)  # what the models are fit on
    frames, attrs, fallbacks = {}, {}, {}
    plain = [n for n in names if n != "auto"]
    if plain:
        res = run_many(plain, series, h, levels, seed, fallback=True, n_jobs=n_jobs, progress=progress)
        for j, name in enumerate(plain):
            frames[name], fallbacks[name] = _assemble(series, [row[j] for row in res], h, levels, name)
    if "auto" in names:
        windows = {} if n_windows is None else {"n_windows": n_windows}  # None: select's own default
        sel = _auto.select(observed, h, levels, seed=seed, n_jobs=n_jobs, progress=progress,
                           pool=_auto.pool_for(bool(exog), pooled, bool(group_map)), trend_shrinkage=trend_shrinkage,
                           shock_years=shocks, **windows)
        res = _auto.auto_forecast(series, h, levels, sel, seed=seed, n_jobs=n_jobs, progress=progress, observed=observed)
        frames["auto"], fallbacks["auto"] = _assemble(series, res, h, levels, "auto")
        attrs["auto"] = sel
    # a run where no series had an interval (1-2-year panels): said once by forecast(), not per window
    walks = [frames[n].attrs["intervals_from_walk"] for n in names if "intervals_from_walk" in frames[n].attrs]
    out = pd.concat([frames[n] for n in names], ignore_index=True)
    if nonnegative:
        cols = [c for c in out.columns if c.startswith("y_")]
        out[cols] = out[cols].clip(lower=0.0)
    out = out.rename(columns={"unique_id": id_col, "ds": time_col})
    out.attrs.update(attrs)
    out.attrs["shock_years"] = {"years": list(shocks), "series_adjusted": n_shocked}
    out.attrs["fallbacks"] = [r for n in names for r in fallbacks[n]]
    out.attrs["n_forecasts"] = len(series) * len(names)
    if walks:
        out.attrs["intervals_from_walk"] = walks[0]
    return out


def _assemble(series: Sequence[Series], res: Sequence[Outcome], h: int, levels: Sequence[int],
              requested: str) -> tuple[pd.DataFrame, list[dict]]:
    """Stack per-series results into the long output and list the fallbacks; borrow missing
    intervals from other series."""
    n = len(series)
    labels = [r.model for r in res]
    mean = np.array([r.pred["mean"] for r in res]).reshape(n, h)
    pooled = np.zeros(n, dtype=bool)
    walked: bool | None = None  # no series had an interval: True = random-walk band, False = none
    n_changes = 0
    cols: dict[str, np.ndarray] = {}
    for lv in levels:
        # a model without intervals (capabilities.intervals False) gives none: borrowed below
        lo = np.array([r.pred.get(f"lo-{lv}", np.full(h, np.nan)) for r in res]).reshape(n, h)
        hi = np.array([r.pred.get(f"hi-{lv}", np.full(h, np.nan)) for r in res]).reshape(n, h)
        lo, hi = np.minimum(lo, mean), np.maximum(hi, mean)
        bad = ~(np.isfinite(lo) & np.isfinite(hi)).all(axis=1)
        if bad.any() and (~bad).any():
            # relative half-widths per step, pooled (median) over series whose model gave intervals
            den = np.maximum(np.abs(mean[~bad]), 1e-12)
            rlo = np.median((mean[~bad] - lo[~bad]) / den, axis=0)
            rhi = np.median((hi[~bad] - mean[~bad]) / den, axis=0)
            lo[bad] = mean[bad] - rlo * np.abs(mean[bad])
            hi[bad] = mean[bad] + rhi * np.abs(mean[bad])
            pooled |= bad
        elif bad.any():
            # no model gave an interval (every series 1-2 years): the panel's yearly changes as a
            # random walk, else no interval at all; never a zero width, which would claim certainty
            widths, n_changes = walk_band(series, h, lv)
            walked = widths is not None
            # a drift from m yearly changes adds its own error, k * sd / sqrt(m) at step k
            steps = np.arange(1, h + 1)
            m = np.array([s.y.size - 1 if r.model == "drift" and s.y.size > 1 else np.inf
                          for s, r in zip(series, res, strict=True)])
            w = (widths if walked else np.full(h, np.nan)) * np.sqrt(1 + steps / m[:, None])
            lo, hi = mean - w * np.abs(mean), mean + w * np.abs(mean)
            pooled |= bad
        cols[f"y_lo_{lv}"], cols[f"y_hi_{lv}"] = lo.ravel(), hi.ravel()
    suffix = "+pooled_pi" if walked is None else "+walk_pi" if walked else "+no_pi"
    labels = [lab + suffix if p else lab for lab, p in zip(labels, pooled, strict=True)]
    records = []  # one per series that did not get the requested model with its own interval
    for s, r, lab, p in zip(series, res, labels, pooled, strict=True):
        if r.reason is None and not p:
            continue
        borrowed = (f"model '{r.model}' gave no interval for this series; " +
                    ("widths borrowed from the others" if walked is None else
                     "no series did: a random walk of the panel's yearly changes" if walked else
                     "no series did and the panel has too few yearly changes: no interval"))
        detail = "; ".join(d for d in (r.detail, borrowed if p else None) if d)
        records.append(_failures.fallback_record(s.uid, requested, lab, r.reason or "no_interval", detail))
    out = pd.DataFrame({
        "unique_id": np.repeat(np.array([s.uid for s in series], dtype=object), h),
        "ds": np.concatenate([s.ds[-1] + np.arange(1, h + 1) for s in series]) if n else np.array([], dtype=np.int64),
        "requested": requested,
        "model": np.repeat(np.array(labels, dtype=object), h),
        "y_hat": mean.ravel(),
    })
    for lv in levels:
        out[f"y_lo_{lv}"], out[f"y_hi_{lv}"] = cols[f"y_lo_{lv}"], cols[f"y_hi_{lv}"]
    if walked is not None:
        out.attrs["intervals_from_walk"] = {"walked": walked, "yearly_changes": n_changes}
    return out, records
