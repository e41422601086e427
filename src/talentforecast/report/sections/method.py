"""Chapter 方法与数据: sources by name and years, models with their back-test errors, definitions,
each assumption with its range and sensitivity (tornado chart), the retrospective, limits.

Data sources are named from ``input_summary`` (table, years), never by file path.

Example:
    >>> from talentforecast.report.builder import Builder
    >>> from talentforecast.report.i18n import load_settings
    >>> kinds = [blk["kind"] for blk in method(Builder({}, "en", {}, load_settings()))]
    >>> "subheading" in kinds
    True
"""

from __future__ import annotations

import re

import pandas as pd

from talentforecast import __version__
from talentforecast.report import charts
from talentforecast.report.builder import Builder, fmt_number, fmt_range
from talentforecast.report.retrospective import retrospective_blocks
from talentforecast.report.sections.common import generic

_DEFINITIONS = ("probability", "interval", "destination_rate", "ratio_sd", "ratio_ds", "bands", "levels",
                "openings")


def _sources(b: Builder) -> list[dict]:
    s = b.s
    inp = b.tables.get("input_summary")
    if inp is None or inp.empty:
        return [b.para(s("method.no_sources"))]
    rows = []
    for r in inp.itertuples():
        years = fmt_range(r.first_year, r.last_year, "year") if pd.notna(r.first_year) else "—"
        years = years.split("–")[0] if years != "—" and r.first_year == r.last_year else years
        rows.append({"dataset": s.get("datasets", r.table), "source": s.get("dataset_sources", r.table, default="—"),
                     "years": years, "n": int(r.rows)})
    df = pd.DataFrame(rows)
    return b.table(s("method.sources"), df, ["dataset", "source", "years", "n"], appendix=False,
                   headers={"years": s.column("years"), "n": s.column("rows")}, top_n=len(df))


AUTO_LABEL = re.compile(r"auto:(?:(median|mean)\(([\w,]+)\)|(\w+))")


def combination_text(s, label: str) -> str:
    """Readable text for every ``auto:…`` label in ``label`` (the model column, a fallback kind).

    Example:
        >>> from talentforecast.report.i18n import Strings
        >>> combination_text(Strings("en"), "auto:median(drift,ets,pooled)")
        'median of drift, exponential smoothing (ETS) and regression pooled across all series'
        >>> combination_text(Strings("zh"), "auto:mean(drift,pooled)")
        '漂移与全体序列共享回归的平均'
        >>> combination_text(Strings("zh"), "auto:median(dotheta,pooled,grouped)")
        '动态最优 Theta、全体序列共享回归与所属行业、地区合计增长回归的中位数'
        >>> combination_text(Strings("zh"), "auto → auto:drift (member_failed)")
        'auto → 漂移 (member_failed)'
    """
    def one(m: re.Match) -> str:
        agg, members = (m.group(1), m.group(2).split(",")) if m.group(1) else ("single", [m.group(3)])
        names = [s.get("members", x) for x in members]
        names = s.get("members", "sep").join(names[:-1]) + s.get("members", "last") + names[-1] if len(names) > 1 else names[0]
        return s.get("members", agg).format(members=names)
    return AUTO_LABEL.sub(one, label)


STAGE_WHAT = {"demand": "employment_forecast", "supply": "supply"}  # stage -> its [what] name


def _interval_note(f: dict) -> bool:
    """A manifest record about the intervals (extended, uncalibrated or resting on a few calendar
    windows' common shock), not a model fallback."""
    return bool(f.get("intervals_extended") or f.get("intervals_uncalibrated") or f.get("intervals_common_shock"))


def _models(b: Builder) -> list[dict]:
    s = b.s
    emp = b.tables.get("employment_forecast")  # every region: districts are forecast, the city is their sum
    models = None
    if emp is not None and "model" in emp.columns:
        models = emp.loc[~emp["observed"].astype(bool), "model"].astype(str)
    chosen = models[models.str.startswith("auto:")].value_counts() if models is not None else pd.Series(dtype=int)
    combination = combination_text(s, chosen.index[0]) if len(chosen) else s.get("models", "auto")
    blocks: list[dict] = [b.para(s("method.models", combination=combination))]
    notes = b.meta.get("fallbacks") or []
    for f in filter(_interval_note, notes):
        stage = str(f.get("stage", ""))
        what = s.get("what", STAGE_WHAT.get(stage, stage))
        what = what[:1].upper() + what[1:]
        if f.get("intervals_uncalibrated"):  # too few backtest cases: the members' own intervals
            blocks.append(b.para(s("method.intervals_uncalibrated", what=what, n=f.get("n_calibration", 0))))
            continue
        if f.get("intervals_common_shock"):  # a few calendar windows: the common shock is assumed
            blocks.append(b.para(s("method.intervals_common_shock", what=what, k=f["intervals_common_shock"],
                                   n=f.get("n_calibration", 0))))
            continue
        last = int(f.get("calibrated_steps", 1))  # a short panel: later steps extended
        blocks.append(b.para(s("method.intervals_extended", what=what,
                               steps=s.get("members", "sep").join(map(str, f["intervals_extended"])),
                               seen="1" if last == 1 else f"1–{last}", last=last, n=f.get("n_calibration", 0),
                               growth=f"{f.get('growth', 0.5):g}")))
    if models is not None:
        kinds = models.map(lambda m: "auto" if m.startswith("auto:") else m).value_counts().sort_index()
        df = pd.DataFrame({"model": [s.get("models", k) for k in kinds.index], "n": kinds.values})
        blocks += b.table(s("text.models_used"), df, ["model", "n"], appendix=False)
    blocks.append(b.subheading(s("text.backtest")))
    bt = b.get("backtest")
    blocks += generic(b, s("text.backtest"), bt, appendix=False) if bt is not None else [
        b.para(s("method.no_backtest"))]
    fallbacks = [f for f in notes if not _interval_note(f)]  # the table lists model fallbacks only
    blocks.append(b.subheading(s("text.fallbacks")))
    if fallbacks:
        fb = pd.DataFrame([{"stage": f.get("stage", ""), "kind": combination_text(s, kind), "n": n}
                           for f in fallbacks for kind, n in (f.get("kinds") or {"": f.get("fallbacks", 0)}).items()])
        blocks.append(b.para(s("text.fallbacks_intro")))
        blocks += b.table(s("text.fallbacks"), fb, ["stage", "kind", "n"], appendix=False)
        # which series: the run records the first ones of each warning (forecasting/_failures.py)
        named = pd.DataFrame([{"stage": f.get("stage", ""), "series": r.get("unique_id"),
                               "kind": combination_text(s, f"{r.get('requested')} → {r.get('model')} ({r.get('reason')})")}
                              for f in fallbacks for r in f.get("records") or []])
        if len(named):
            blocks += b.table(s("text.fallback_series"), named, ["stage", "series", "kind"])
    else:
        blocks.append(b.para(s("text.no_fallbacks")))
    return blocks


def _assumptions(b: Builder) -> list[dict]:
    s = b.s
    blocks = [b.para(s("method.assumptions"))]
    rows = []
    sp = b.tables.get("supply_parameters")
    if sp is not None:
        for r in sp.itertuples():
            rows.append({"parameter": f"{s.get('parameters', r.parameter)}（{s.get('edu_levels', r.level)}）"
                         if b.lang == "zh" else f"{s.get('parameters', r.parameter)} ({s.get('edu_levels', r.level)})",
                         "value": fmt_number(r.central, "x_rate"), "range": fmt_range(r.low, r.high, "x_rate")})
    dp = b.tables.get("demand_parameters")
    if dp is not None:
        for p in ("replacement_rate", "entrant_share"):
            if {p, f"{p}_low", f"{p}_high"} <= set(dp.columns):
                rows.append({"parameter": s.get("parameters", p),
                             "value": fmt_number(dp[p].min(), "x_rate") if dp[p].min() == dp[p].max()
                             else fmt_range(dp[p].min(), dp[p].max(), "x_rate"),
                             "range": fmt_range(dp[f"{p}_low"].min(), dp[f"{p}_high"].max(), "x_rate")})
    if rows:
        blocks += b.table(s("method.assumption_table"), pd.DataFrame(rows), ["parameter", "value", "range"],
                          appendix=False, headers={"value": s.column("central"), "range": s.column("range")})
    sens = b.get("sensitivity")
    if sens is None or b.target_year is None:
        return blocks + [b.para(s("method.no_sensitivity"))]
    for quantity in ("openings", "supply"):
        d = sens[(sens["quantity"] == quantity) & (sens["specialty"].astype(str) == "_T")
                 & (sens["year"] == b.target_year)]
        d = d[(d["value_high"] - d["value_low"]).abs() > 0]
        if d.empty:
            continue
        d = _additive(d)
        labels_ = [s.get("parameters", p) if not lv else (f"{s.get('parameters', p)}（{s.get('edu_levels', lv)}）"
                   if b.lang == "zh" else f"{s.get('parameters', p)} ({s.get('edu_levels', lv)})")
                   for p, lv in zip(d["parameter"], d["level"], strict=True)]
        what = s.column(quantity)
        png = charts.tornado(labels_, float(d["value_central"].iloc[0]), d["value_low"], d["value_high"],
                             xlabel=s("units.persons", what=what),
                             legend=(s("method.low_end"), s("method.high_end")), dpi=b.settings["dpi"])
        blocks.append(b.figure(s("method.tornado", what=what, year=b.target_year), png))
        t = d.assign(parameter=labels_, swing_pct=(d["value_high"] - d["value_low"]) / d["value_central"])
        blocks += b.table(s("method.sensitivity_table", what=what, year=b.target_year), t,
                          ["parameter", "value_central", "value_low", "value_high", "swing_pct"], appendix=False,
                          headers={"value_central": s.column("central"), "value_low": s("method.low_end"),
                                   "value_high": s("method.high_end"), "swing_pct": s.column("swing_pct")})
    return blocks


def _additive(d: pd.DataFrame) -> pd.DataFrame:
    """One row per (parameter, level) on the all-level total: a parameter of one level moves the total
    by its own swing (the quantity is a sum over levels), so every bar shares one central value."""
    d = d.assign(level=d["level"].fillna("").astype(str) if "level" in d.columns else "")
    if d["level"].nunique() <= 1:
        return d
    total = d.drop_duplicates("level")["value_central"].sum()
    return d.assign(value_low=total + d["value_low"] - d["value_central"],
                    value_high=total + d["value_high"] - d["value_central"], value_central=total)


def method(b: Builder) -> list[dict]:
    s, meta = b.s, b.meta
    blocks = [b.para(s("text.method_intro")), b.para(s("text.names_note"))]
    if b.base_year is not None and b.target_year is not None:
        blocks.append(b.para(s("text.observed_note", base_year=b.base_year, first_forecast=b.base_year + 1,
                               last_forecast=b.target_year)))
    note = meta.get("data_note")
    if isinstance(note, dict):
        note = note.get(b.lang) or note.get("zh")
    if note:
        blocks.append(b.para(str(note).replace("（见 data/README.md）", "").replace(" (see data/README.md)", "")))
    blocks += [b.subheading(s("text.sources"))] + _sources(b)
    blocks += [b.subheading(s("method.models_title"))] + _models(b)
    blocks.append(b.subheading(s("method.definitions_title")))
    blocks += [b.para(s(f"definitions.{k}")) for k in _DEFINITIONS]
    blocks += [b.subheading(s("method.assumptions_title"))] + _assumptions(b)
    blocks.append(b.subheading(s("text.retrospective")))
    retro = retrospective_blocks(b)  # warnings of earlier years scored against observed outcomes
    if retro is not None:
        blocks += retro
    else:
        rt = next((n for n in sorted(b.tables) if n == "retrospective" or n.startswith("retrospective_")), None)
        df = b.get(rt) if rt else None
        blocks += (generic(b, s("text.retrospective"), df, appendix=False) if df is not None
                   else [b.missing("retrospective")])
    blocks.append(b.subheading(s("method.limits_title")))
    blocks += [b.para(t) for t in s("method.limits").split("\n") if t.strip()]
    blocks.append(b.para(s("tool_note", version=meta.get("version", __version__), run_id=meta.get("run_id") or "—")))
    return blocks
