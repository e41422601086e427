"""Helpers shared by the report chapters: labels, intervals, the match frame, warning frames.

Example:
    >>> import pandas as pd
    >>> interval(pd.DataFrame({"lo_80": [1.0], "hi_80": [2000.0]}))
    ['1–2,000']
"""

from __future__ import annotations

import pandas as pd

from talentforecast.report.builder import Builder, fmt_range
from talentforecast.report.i18n import code_of

LEVEL_ORDER = ("red", "orange", "yellow", "green", "blue")
WARN_COLS = ["specialty", "specialty_name", "level", "warning_level", "previous_level", "years_at_level",
             "probability", "action", "reason"]
_GENERIC_SKIP = {"region", "unit", "observed", "scenario"}


def code(group: str, value: object) -> str:
    """Normalise a band or warning-level label (code or Chinese) to its code."""
    return code_of(group, value)


def labels(b: Builder) -> dict[str, str]:
    return {"baseline": b.s("baseline"), "band_80": b.s("band_80"), "band_95": b.s("band_95")}


def at(df: pd.DataFrame, year: int | None) -> pd.DataFrame:
    return df if year is None else df[df["year"] == year]


def interval(df: pd.DataFrame, column: str = "value", lo: str = "lo_80", hi: str = "hi_80") -> list[str]:
    """``lo–hi`` strings of the 80 % interval columns (``—`` when absent)."""
    if lo not in df.columns:
        return ["—"] * len(df)
    return [fmt_range(a, z, column) for a, z in zip(df[lo], df[hi], strict=True)]


def warn_year(b: Builder, w: pd.DataFrame) -> int:
    return int(b.meta.get("warning_year") or w["year"].max())


def first(df: pd.DataFrame | None, candidates) -> str | None:
    if df is None:
        return None
    return next((c for c in candidates if c in df.columns), None)


def level_rank(level: str) -> int:
    order = ("中职", "高职专科", "职业本科")
    return order.index(level) if level in order else len(order)


def match_frame(b: Builder) -> pd.DataFrame | None:
    """Matches of the report's scope: planning region, baseline, the match year, offered specialties,
    and (when the stage gives a ``status``) only rows whose ratio is computed (``ok``)."""
    m = b.get("matches")
    if m is None or b.match_year is None:
        return None
    m = b.offered(at(b.baseline(m), b.match_year))
    return m if not m.empty else None


def industry_label(b: Builder, code_: object) -> str:
    """``C Manufacturing`` / ``C 制造业``: the code with its official name in the report language."""
    return f"{code_} {b.industry_name(code_)}".strip()


def generic(b: Builder, caption: str, df: pd.DataFrame, first_cols: tuple[str, ...] = (),
            only: bool = False, **kw) -> list[dict]:
    """A table of whatever columns the stage produced, known ones first (only those if ``only``)."""
    df = b.add_names(df)
    if "level" in df.columns:
        df = df.assign(level=[b.s.get("edu_levels", v) for v in df["level"]])
    for col in ("reason", "action"):
        lang_col = f"{col}_{b.lang}"
        if lang_col in df.columns:
            df = df.assign(**{col: df[lang_col]})
    drop = _GENERIC_SKIP | {c for c in df.columns if c.endswith(("_zh", "_en")) or c.startswith("_")}
    drop |= {"reasons"}
    cols = [c for c in first_cols if c in df.columns]
    if not only:
        cols += [c for c in df.columns if c not in cols and c not in drop]
    return b.table(caption, df, cols, **kw)


def warning_frame(b: Builder, w: pd.DataFrame, levels) -> pd.DataFrame:
    """Warnings of ``levels`` ranked: level, then probability × size (enrolment range mid-point,
    else probability), then code; display labels in the report language."""
    s = b.s
    w = b.add_names(w).assign(_code=[code("levels", v) for v in w["warning_level"]])
    w = w[w["_code"].isin(levels)].copy()
    w["_rank"] = w["_code"].map(LEVEL_ORDER.index)
    w["_priority"] = priority(w)
    w = w.sort_values(["_rank", "_priority", "specialty"], ascending=[True, False, True])
    w["warning_level"] = [s.level(c) for c in w["_code"]]
    if "previous_level" in w:
        w["previous_level"] = [s.level(v) for v in w["previous_level"]]
    w["level"] = [s.get("edu_levels", v) for v in w["level"]]
    w["action"] = w.get(f"action_{b.lang}", "")
    w["reason"] = w.get(f"reason_{b.lang}", "")
    if b.lang != "zh" and isinstance(w["reason"], pd.Series):
        for zh in ("高职专科", "职业本科", "中职"):
            w["reason"] = w["reason"].astype(str).str.replace(zh, s.get("edu_levels", zh), regex=False)
    return w


def priority(w: pd.DataFrame) -> pd.Series:
    """Probability × size: the ranking of exit/cut and expand lists (size = enrolment range mid-point,
    or 1 when the table has no size)."""
    p = pd.to_numeric(w["probability"], errors="coerce").fillna(0.0) if "probability" in w else 1.0
    if {"enrol_lo", "enrol_hi"} <= set(w.columns):
        size = (pd.to_numeric(w["enrol_lo"], errors="coerce") + pd.to_numeric(w["enrol_hi"], errors="coerce")) / 2
        size = size.fillna(1.0)
    else:
        size = 1.0
    return pd.Series(p * size, index=w.index, dtype=float)
