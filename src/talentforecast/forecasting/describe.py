"""What a forecast rests on, in a few sentences for people: the model auto chose and on what,
what the intervals were calibrated on, which series fell back (the CLI's ``forecast`` prints them)."""

from __future__ import annotations

import pandas as pd


def describe(fc: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Lines saying what ``forecast(...)``'s result ``fc`` rests on, in ``lang`` ("zh" or "en").

    Example:
        >>> from talentforecast.forecasting import forecast
        >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2005, 2020), "y": [10.0 + 2 * i for i in range(15)]})
        >>> describe(forecast(df, h=2, models="naive"), "en")
        ['model: naive; 1 series, none fell back']
    """
    en = lang == "en"
    models = sorted(set(fc["model"].astype(str))) if "model" in fc.columns else []
    n = int(fc.iloc[:, 0].nunique()) if len(fc.columns) else 0  # the id column comes first, whatever its name
    fell = {r["unique_id"] for r in fc.attrs.get("fallbacks", []) if r.get("reason") != "no_interval"}
    sel = fc.attrs.get("auto")
    if sel is None:
        name = ", ".join(m for m in models if m) or "–"
        tail = _series(n, len(fell), en)
        return [f"model: {name}; {tail}" if en else f"模型：{name}；{tail}"]
    lines = []
    label = sel.label.removeprefix("auto:")
    if not any(m.startswith("auto:") for m in models):  # every series too short for the combination
        used = ", ".join(m for m in models if m)
        lines.append(f"auto: every series is too short to combine models; each fell back ({used})" if en
                     else f"auto：每个序列都太短，无法组合模型，逐个回退（{used}）")
        lines.append(_borrowed(models, en))
        lines.append(_series(n, len(fell), en))
        return lines
    if sel.n_cases:
        lines.append(f"auto chose {label} of {len(sel.scores)} combinations on {sel.n_cases} backtest cases"
                     if en else f"auto 在 {sel.n_cases} 个回测样本上比较 {len(sel.scores)} 种组合，选出 {label}")
    else:
        lines.append(f"auto: {label}, the default combination (the series are too short to backtest)"
                     if en else f"auto：{label}，即默认组合（序列太短，无法回测）")
    if sel.quantiles:
        text = (f"intervals calibrated on the errors of {sel.n_calibration} backtest cases" if en
                else f"区间按 {sel.n_calibration} 个回测样本的误差校准")
        if sel.common_windows:
            text += (f"; the shock common to a calendar window rests on {sel.common_windows} windows (thin evidence)"
                     if en else f"；其中日历窗口的共同冲击只能从 {sel.common_windows} 个窗口估计（依据有限）")
        if sel.extrapolated_steps:
            steps = "、".join(str(k + 1) for k in sel.extrapolated_steps)
            text += (f"; year(s) {steps.replace('、', ', ')} extended from the last year the backtest has" if en
                     else f"；第 {steps} 年由回测最后一年外推")
        lines.append(text)
    else:
        lines.append("intervals: the members' own, no narrower than a random walk of the panel's yearly changes; "
                     "uncalibrated (too few backtest cases)" if en
                     else "区间：各成员模型自身的区间，不窄于全部序列年变动的随机游走区间；未经校准（回测样本不足）")
    if sel.trend_shrinkage:
        lines.append(f"trends shrunk toward the last value (c = {sel.trend_shrinkage:g})" if en
                     else f"趋势向最后观测值收缩（c = {sel.trend_shrinkage:g}）")
    lines.append(_series(n, len(fell), en))
    return lines


def _series(n: int, fell: int, en: bool) -> str:
    if en:
        return f"{n} series, " + (f"{fell} fell back to another model" if fell else "none fell back")
    return f"{n} 个序列，" + (f"{fell} 个回退到其他模型" if fell else "没有回退")


def _borrowed(models: list[str], en: bool) -> str:
    """The intervals of a run where no series used the combination (labels ``+walk_pi`` / ``+no_pi``)."""
    if any(m.endswith("+no_pi") for m in models):
        return ("intervals: none (the panel has too few yearly changes)" if en
                else "区间：无（全部序列的年变动太少）")
    if any(m.endswith("+walk_pi") for m in models):
        return ("intervals: a random walk of the panel's yearly changes (very thin evidence)" if en
                else "区间：按全部序列年变动以随机游走外推（依据很弱）")
    return "intervals: the fallback models' own" if en else "区间：回退模型自身的区间"
