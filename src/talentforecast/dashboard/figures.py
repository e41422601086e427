"""Plotly figures of the dashboard (plotly's bundled JS, CJK font from the local system)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from talentforecast.dashboard.i18n import t

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def _layout(fig: go.Figure, title: str, ytitle: str = "") -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", font={"family": FONT, "size": 13},
                      margin={"l": 50, "r": 20, "t": 50, "b": 40}, height=380, yaxis_title=ytitle,
                      legend={"orientation": "h", "y": -0.15})
    return fig


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
        band_traces(fig, g, "value", "lo_80", "hi_80", f"{key[0]} · {key[1]}", colour[key[0]], lang,
                    dash="solid" if key[1] == "baseline" else "dash")
    return _layout(fig, title, unit)


def bar_figure(x, y, title: str, ytitle: str = "", colour: str = "#1565c0", horizontal: bool = False) -> go.Figure:
    bar = go.Bar(x=y, y=x, orientation="h", marker_color=colour) if horizontal else go.Bar(x=x, y=y, marker_color=colour)
    fig = _layout(go.Figure(bar), title, ytitle)
    if horizontal:
        fig.update_layout(height=max(300, 28 * len(x) + 80), yaxis={"autorange": "reversed"})
    return fig


def specialty_figures(demand: pd.DataFrame, supply: pd.DataFrame, matches: pd.DataFrame,
                      as_of: int | None, lang: str) -> tuple[go.Figure, go.Figure]:
    """History and forecast of supply and demand; the S/D ratio with its intervals."""
    hist = go.Figure()
    for k, (sc, g) in enumerate(demand.groupby("scenario", sort=True)):
        band_traces(hist, g, "value", "lo_80", "hi_80", f"{t(lang, 'demand_line')} · {sc}", PALETTE[(k + 1) % 8],
                    lang, dash="solid" if sc == "baseline" else "dash")
    if len(supply):
        band_traces(hist, supply, "value", "lo_80", "hi_80", t(lang, "supply_line"), PALETTE[0], lang)
    ratio = go.Figure()
    for k, (sc, g) in enumerate(matches.groupby("scenario", sort=True)):
        band_traces(ratio, g, "ratio_sd", "ratio_sd_lo_80", "ratio_sd_hi_80", f"S/D · {sc}", PALETTE[(k + 2) % 8],
                    lang, dash="solid" if sc == "baseline" else "dash")
    ratio.add_hline(y=1.0, line_dash="dot", line_color="#555")
    for fig in (hist, ratio):
        if as_of is not None:
            fig.add_vline(x=as_of + 0.5, line_dash="dot", line_color="#999")
    return _layout(hist, t(lang, "history"), t(lang, "persons")), _layout(ratio, t(lang, "ratio"))
