"""Matplotlib charts for the report, rendered to PNG bytes with the CJK font.

Charts are drawn on a bare :class:`~matplotlib.figure.Figure` with the Agg canvas (no pyplot
state, no GUI backend) and saved without a timestamp or software tag, so the same tables give
byte-identical images.

Example:
    >>> import pandas as pd
    >>> from talentforecast.report.charts import ranked_bars
    >>> png = ranked_bars(["甲", "乙"], [3.0, 1.0], ["#1f4e79", "#9db4cc"], xlabel="人数")
    >>> png[:4]
    b'\\x89PNG'
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from talentforecast.report.fonts import matplotlib_rc

_SCENARIO_STYLES = ("--", "-.", ":")


def _png(fig: Figure, dpi: int) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _finite(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with ±inf in its numeric columns set to NaN and rows without a finite value
    dropped: an infinite ratio (zero demand) cannot be drawn and would break the axis limits."""
    num = df.select_dtypes("number").columns
    out = df.assign(**{c: df[c].where(np.isfinite(df[c])) for c in num if c != "year"})
    return out[out["value"].notna()] if "value" in out.columns else out


def _thousands(axis) -> None:
    """Tick labels with thousands separators (12,000), decimals kept for small ranges (ratios)."""
    def fmt(x, _pos):
        return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")
    axis.set_major_formatter(mpl.ticker.FuncFormatter(fmt))


def trend_panels(
    panels: Sequence[tuple[str, pd.DataFrame]],
    *,
    base_year: int | None,
    labels: dict[str, str],
    colors: dict | None = None,
    ylabel: str = "",
    refline: float | None = None,
    ncols: int = 2,
    dpi: int = 150,
) -> bytes:
    """Small multiples of yearly series; forecast intervals drawn as shaded bands.

    Each panel frame has ``year``, ``value`` and optionally ``lo_80, hi_80, lo_95, hi_95`` and
    ``scenario`` ("baseline" gets the bands; other scenarios are drawn as dashed lines beside it).
    ``labels`` holds the legend text: baseline, band_80, band_95, forecast.
    """
    colors = colors or {}
    key_color = colors.get("key", "#1f4e79")
    scen_color = colors.get("scenario", "#c55a11")
    n = max(len(panels), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    with mpl.rc_context(matplotlib_rc()):
        width = min(3.6 * ncols, 7.2) if ncols > 1 else 6.0  # capped so fonts stay legible on A4
        fig = Figure(figsize=(width, 2.5 * nrows + 0.5), layout="constrained")
        axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
        handles: dict[str, object] = {}
        for ax, (title, df) in zip(axes, panels, strict=False):
            df = _finite(df.sort_values("year"))
            scen = df["scenario"] if "scenario" in df else pd.Series("baseline", index=df.index)
            base = df[scen == "baseline"]
            for level, alpha in ((95, colors.get("band_95", 0.15)), (80, colors.get("band_80", 0.30))):
                lo, hi = f"lo_{level}", f"hi_{level}"
                if lo in base and base[lo].notna().any():
                    b = base[base[lo].notna()]
                    h = ax.fill_between(b["year"], b[lo], b[hi], color=key_color, alpha=alpha,
                                        linewidth=0)
                    handles.setdefault(labels.get(f"band_{level}", f"{level}%"), h)
            (line,) = ax.plot(base["year"], base["value"], color=key_color, marker="o", markersize=2.5,
                              linewidth=1.4)
            handles.setdefault(labels.get("baseline", "baseline"), line)
            for i, name in enumerate(sorted(set(scen) - {"baseline"})):
                s = df[scen == name]
                (sl,) = ax.plot(s["year"], s["value"], color=scen_color,
                                linestyle=_SCENARIO_STYLES[i % len(_SCENARIO_STYLES)], linewidth=1.4)
                handles.setdefault(str(name), sl)
            if base_year is not None:
                ax.axvline(base_year + 0.5, color="#888888", linewidth=0.8, linestyle=":")
            if refline is not None:
                ax.axhline(refline, color="#444444", linewidth=0.8)
            ax.set_title(textwrap.fill(title, 40 if title.isascii() else 22), fontsize=9)  # long names wrap
            ax.set_ylabel(ylabel)
            _thousands(ax.yaxis)
            ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True, nbins=6))
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        if handles:
            fig.legend(list(handles.values()), list(handles.keys()), loc="outside lower center",
                       ncols=min(len(handles), 4), frameon=False)
        return _png(fig, dpi)


def ranked_bars(
    labels: Sequence[str],
    values: Sequence[float],
    colors: Sequence[str],
    *,
    xlabel: str = "",
    lo: Sequence[float] | None = None,
    hi: Sequence[float] | None = None,
    refline: float | None = None,
    legend: Sequence[tuple[str, str]] = (),
    dpi: int = 150,
) -> bytes:
    """Horizontal bars, largest first from the top, with optional interval whiskers and legend.

    Bars whose value is not finite (NaN, ±inf) are left out; so are the whiskers of missing bounds.
    """
    v = np.asarray(values, dtype=float)
    keep = np.isfinite(v)
    labels, colors, values = [x for x, k in zip(labels, keep, strict=True) if k], \
        [c for c, k in zip(colors, keep, strict=True) if k], v[keep]
    if lo is not None and hi is not None:
        lo, hi = np.asarray(lo, dtype=float)[keep], np.asarray(hi, dtype=float)[keep]
    n = len(labels)
    with mpl.rc_context(matplotlib_rc()):
        fig = Figure(figsize=(6.6, 0.8 + 0.28 * max(n, 2)), layout="constrained")
        ax = fig.subplots()
        y = np.arange(n)[::-1]
        ax.barh(y, values, color=list(colors), height=0.7)
        if lo is not None and hi is not None:
            v = np.asarray(values, dtype=float)
            err = np.vstack([v - lo, hi - v])
            err = np.clip(np.where(np.isfinite(err), err, 0.0), 0, None)  # unbounded side: no whisker
            ax.errorbar(v, y, xerr=err, fmt="none",
                        ecolor="#333333", elinewidth=0.8, capsize=2)
        if refline is not None:
            ax.axvline(refline, color="#444444", linewidth=0.8)
        ax.set_yticks(y, list(labels))
        ax.set_xlabel(xlabel)
        _thousands(ax.xaxis)
        ax.grid(axis="y", visible=False)
        if legend:
            fig.legend(handles=[Patch(color=c, label=t) for t, c in legend], loc="outside lower center",
                       ncols=min(len(legend), 5), frameon=False, fontsize=8)
        return _png(fig, dpi)


def tornado(
    labels: Sequence[str],
    central: float,
    low: Sequence[float],
    high: Sequence[float],
    *,
    xlabel: str = "",
    legend: tuple[str, str] = ("low", "high"),
    refline: float | None = None,
    dpi: int = 150,
) -> bytes:
    """Tornado chart of a sensitivity table: for each parameter, bars from the central value to the
    value at the low and at the high end of its range, widest swing on top.

    ``low``/``high`` are the quantity's values (not the parameter's); non-finite values are left out.

    Example:
        >>> tornado(["入职者占比", "留存率"], 1.0, [1.4, 0.79], [0.7, 1.21], xlabel="S/D")[:4]
        b'\\x89PNG'
    """
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    swing = np.abs(np.nan_to_num(hi - lo, nan=-1.0))
    order = [i for i in np.argsort(-swing, kind="stable") if np.isfinite(lo[i]) or np.isfinite(hi[i])]
    n = len(order)
    with mpl.rc_context(matplotlib_rc()):
        fig = Figure(figsize=(6.6, 0.9 + 0.32 * max(n, 2)), layout="constrained")
        ax = fig.subplots()
        y = np.arange(n)[::-1]
        for yy, i in zip(y, order, strict=True):
            for v, color in ((lo[i], "#9db4cc"), (hi[i], "#1f4e79")):
                if np.isfinite(v):
                    ax.barh(yy, v - central, left=central, color=color, height=0.6)
        ax.axvline(central, color="#444444", linewidth=0.9)
        if refline is not None:
            ax.axvline(refline, color="#c55a11", linewidth=0.8, linestyle="--")
        ax.set_yticks(y, [labels[i] for i in order])
        ax.set_xlabel(xlabel)
        _thousands(ax.xaxis)
        fig.legend(handles=[Patch(color="#9db4cc", label=legend[0]), Patch(color="#1f4e79", label=legend[1])],
                   loc="outside lower center", ncols=2, frameon=False, fontsize=8)
        return _png(fig, dpi)
