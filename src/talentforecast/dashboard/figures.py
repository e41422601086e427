"""Plotly figures of the dashboard (plotly's bundled JS, CJK font from the local system)."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from talentforecast.dashboard.i18n import scenario_name, t
from talentforecast.matching.config import Bands

# No plotly mode bar: its tooltips ("Zoom", "Download plot as a png") are English only without a
# locale bundle; drag to zoom and double-click to reset still work, and views download as CSV/XLSX.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def _layout(fig: go.Figure, title: str, ytitle: str = "") -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", font={"family": FONT, "size": 13},
                      margin={"l": 50, "r": 20, "t": 50, "b": 40}, height=380, yaxis_title=ytitle,
                      legend={"orientation": "h", "y": -0.15})
    return fig


def empty_figure(title: str, message: str) -> go.Figure:
    """A figure with no data that says so (instead of blank axes)."""
    fig = _layout(go.Figure(), title)
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": message, "showarrow": False, "font": {"size": 15, "color": "#8a6d00"},
                                    "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}])
    return fig


def run_bands(data) -> Bands:
    """The S/D bands the run used: its ``params["bands"]`` file when the run metadata names one that
    exists here, else the shipped ``matching/data/bands.toml``."""
    from pathlib import Path

    from talentforecast.matching.config import load_bands

    path = None
    if data.has("run_metadata"):
        meta = data.cached('SELECT value_json FROM "run_metadata" WHERE key = \'options\'')
        if len(meta):
            params = (json.loads(meta["value_json"].iloc[0]) or {}).get("params") or {}
            cand = params.get("bands") if isinstance(params, dict) else None
            path = cand if isinstance(cand, str) and Path(cand).is_file() else None
    return load_bands(path)


def threshold_lines(fig: go.Figure, bands: Bands, lang: str, ratio: str = "sd") -> None:
    """The shortage and surplus edges of the bands as dotted lines (on D/S, their inverses)."""
    for edge, key, colour, pos in ((bands.shortage_edge, "shortage_line", "#c62828", "bottom right"),
                                   (bands.surplus_edge, "surplus_line", "#1565c0", "top left")):
        y = edge if ratio == "sd" else 1 / edge
        fig.add_hline(y=y, line_dash="dot", line_color=colour, annotation_text=f"{t(lang, key)} {y:.2f}",
                      annotation_position=pos, annotation_font_color=colour)


def band_traces(fig: go.Figure, df: pd.DataFrame, y: str, lo: str, hi: str, label: str, colour: str,
                lang: str, dash: str = "solid") -> None:
    """A line with its 80 % and 95 % bands (forecast years only carry bands)."""
    df = df.sort_values("year")
    for lv, alpha in (("95", 0.12), ("80", 0.25)):
        lo_c, hi_c = lo.replace("80", lv), hi.replace("80", lv)
        if lo_c in df and hi_c in df and df[hi_c].notna().any():
            fig.add_trace(go.Scatter(x=list(df["year"]) + list(df["year"])[::-1],
                                     y=list(df[hi_c]) + list(df[lo_c])[::-1], fill="toself", mode="none",
                                     fillcolor=_rgba(colour, alpha), hoverinfo="skip", legendgroup=label,
                                     showlegend=False, name=f"{label} {t(lang, 'interval' + lv)}"))
    # bands share the line's legend entry: clicking it hides both
    fig.add_trace(go.Scatter(x=df["year"], y=df[y], mode="lines+markers", name=label, legendgroup=label,
                             line={"color": colour, "dash": dash}))


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


PALETTE = ["#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457"]


def demand_figure(df: pd.DataFrame, labels: pd.Series, lang: str, title: str, unit: str) -> go.Figure:
    fig = go.Figure()
    colour = {lab: PALETTE[k % len(PALETTE)] for k, lab in enumerate(sorted(labels.unique()))}
    for key, g in df.assign(_label=labels).groupby(["_label", "scenario"], sort=True):
        band_traces(fig, g, "value", "lo_80", "hi_80", f"{key[0]} · {scenario_name(lang, key[1])}", colour[key[0]], lang,
                    dash="solid" if key[1] == "baseline" else "dash")
    return _layout(fig, title, unit)


def bar_figure(x, y, title: str, ytitle: str = "", colour: str = "#1565c0", horizontal: bool = False) -> go.Figure:
    bar = go.Bar(x=y, y=[wrap(str(v), 14) for v in x], orientation="h", marker_color=colour) if horizontal \
        else go.Bar(x=x, y=y, marker_color=colour)
    fig = _layout(go.Figure(bar), title, ytitle)
    if horizontal:
        fig.update_layout(height=max(300, 28 * len(x) + 80), yaxis={"autorange": "reversed", "automargin": True})
    return fig


def specialty_figures(demand: pd.DataFrame, supply: pd.DataFrame, matches: pd.DataFrame,
                      as_of: int | None, lang: str, bands: Bands | None = None) -> tuple[go.Figure, go.Figure]:
    """History and forecast of supply and demand; the S/D ratio with its intervals."""
    hist = go.Figure()
    for k, (sc, g) in enumerate(demand.groupby("scenario", sort=True)):
        band_traces(hist, g, "value", "lo_80", "hi_80", f"{t(lang, 'demand_line')} · {scenario_name(lang, sc)}",
                    PALETTE[(k + 1) % 8],
                    lang, dash="solid" if sc == "baseline" else "dash")
    if len(supply):
        band_traces(hist, supply, "value", "lo_80", "hi_80", t(lang, "supply_line"), PALETTE[0], lang)
    ratio = go.Figure()
    for k, (sc, g) in enumerate(matches.groupby("scenario", sort=True)):
        band_traces(ratio, g, "ratio_sd", "ratio_sd_lo_80", "ratio_sd_hi_80", f"S/D · {scenario_name(lang, sc)}",
                    PALETTE[(k + 2) % 8],
                    lang, dash="solid" if sc == "baseline" else "dash")
    ratio.add_hline(y=1.0, line_dash="dot", line_color="#555")
    if bands is not None:
        threshold_lines(ratio, bands, lang)
    for fig in (hist, ratio):
        if as_of is not None:
            fig.add_vline(x=as_of + 0.5, line_dash="dot", line_color="#999")
    return _layout(hist, t(lang, "history"), t(lang, "persons")), _layout(ratio, t(lang, "ratio_sd_label"))


def wrap(label: str, width: int = 10) -> str:
    """Long axis labels broken over lines, so bars keep their width on a phone.

    Example:
        >>> wrap("S 公共管理、社会保障和社会组织")
        'S 公共管理、社会保<br>障和社会组织'
        >>> wrap("A 农、林、牧、渔业")
        'A 农、林、牧、渔业'
        >>> wrap("H Accommodation and Catering")
        'H Accommodation and<br>Catering'
    """
    code, _, text = label.partition(" ")
    if len(label) <= width or not text:
        return label
    if text.isascii():  # words (English): break between them, about twice as many characters a line
        import textwrap

        return "<br>".join(textwrap.wrap(label, width * 2))
    step = max(1, width - len(code) - 1)
    lines = [text[i:i + step] for i in range(0, len(text), step)]
    if len(lines) > 1 and len(lines[-1]) < 3:  # no line of one or two characters
        lines[-2:] = [lines[-2] + lines[-1]]
    return "<br>".join([f"{code} {lines[0]}", *lines[1:]])


def supply_figure(df: pd.DataFrame, labels: list[str], title: str, lang: str) -> go.Figure:
    """Supply by specialty, horizontal bars with the 80 % interval as whiskers where there is one."""
    err = None
    if {"lo_80", "hi_80"} <= set(df.columns) and df["hi_80"].notna().any():
        err = {"type": "data", "symmetric": False, "array": list((df["hi_80"] - df["value"]).clip(lower=0)),
               "arrayminus": list((df["value"] - df["lo_80"]).clip(lower=0)), "color": "#555", "thickness": 1}
    bar = go.Bar(x=list(df["value"]), y=[wrap(x, 16) for x in labels], orientation="h", marker_color="#1565c0", error_x=err,
                 name=t(lang, "supply_line"))
    fig = _layout(go.Figure(bar), title, "")
    fig.update_layout(height=max(300, 24 * len(labels) + 100), yaxis={"autorange": "reversed", "automargin": True},
                      xaxis_title=t(lang, "persons"), margin={"l": 10})
    return fig


def gap_figure(df: pd.DataFrame, labels: list[str], title: str, lang: str) -> go.Figure:
    """Supply against demand by industry; demand's 80 % interval as whiskers."""
    fig = go.Figure()
    labels = [wrap(x) for x in labels]
    fig.add_trace(go.Bar(y=labels, x=list(df["supply"]), orientation="h", name=t(lang, "supply_line"),
                         marker_color="#1565c0"))
    err = None
    if "d_lo_80" in df and df["d_hi_80"].notna().any():
        err = {"type": "data", "symmetric": False, "array": list((df["d_hi_80"] - df["demand"]).clip(lower=0)),
               "arrayminus": list((df["demand"] - df["d_lo_80"]).clip(lower=0)), "color": "#333", "thickness": 1}
    fig.add_trace(go.Bar(y=labels, x=list(df["demand"]), orientation="h", name=t(lang, "demand_line"),
                         marker_color="#ef6c00", error_x=err))
    _layout(fig, title, "")
    rows = sum(max(44, 17 * (lab.count("<br>") + 1) + 10) for lab in labels)  # room for wrapped labels
    fig.update_layout(barmode="group", height=max(320, rows + 140), xaxis_title=t(lang, "persons"),
                      yaxis={"autorange": "reversed", "automargin": True}, margin={"l": 10, "t": 90},
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0})
    return fig
