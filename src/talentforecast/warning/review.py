"""Human review (人工复核): an overrides file applied last, validated, and shown as such.

The file (CSV or a DataFrame) has one row per reviewed warning: ``region``, ``specialty``,
``level`` (the education level), optional ``school`` (a 专业点; "*" or empty for a region unit)
and ``planning_unit``, the ``warning_level`` the reviewer saw, the ``new_level``, ``reason``,
``reviewer`` and ``date``. A row that matches no warning, or whose ``warning_level`` is no longer
the issued one (the data moved since the review), is refused with its file row; nothing is
applied silently. Applied rows keep the issued level in ``original_level``, carry
``reviewed`` = True with the reviewer, date and reason, and their reason text starts with
【人工复核】. A range built for the old level is withdrawn (except stop: 0–0).

Example:
    >>> import pandas as pd
    >>> w = pd.DataFrame({"planning_unit": "planning_region", "region": "R", "school": "*", "specialty": "S1",
    ...     "level": "高职专科", "warning_level": "orange", "action_zh": "调减", "action_en": "reduce",
    ...     "reason_zh": "理由", "reason_en": "why", "reasons": "[]", "enrol_lo": 70, "enrol_hi": 90}, index=[0])
    >>> o = pd.DataFrame({"region": "R", "specialty": "S1", "level": "高职专科", "warning_level": "orange",
    ...     "new_level": "yellow", "reason": "新校区投产", "reviewer": "张三", "date": "2025-03-01"}, index=[0])
    >>> r = apply_overrides(w, o).iloc[0]
    >>> r["warning_level"], r["original_level"], bool(r["reviewed"]), r["reason_zh"][:6]
    ('yellow', 'orange', True, '【人工复核】')
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.warning.rules import ACTIONS, LEVEL_NAMES, LEVELS, NOT_ENROLLING

REQUIRED = ["region", "specialty", "level", "warning_level", "new_level", "reason", "reviewer", "date"]
REVIEW_COLUMNS = ["reviewed", "original_level", "reviewer", "review_date", "review_reason"]


def load_overrides(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """(validated overrides, file name for messages) from a CSV path or a DataFrame."""
    name = "overrides" if isinstance(source, pd.DataFrame) else str(source)
    if isinstance(source, pd.DataFrame):
        o = source.copy()
    else:
        try:
            o = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise InputError([Problem(name, None, None, None, f"a readable UTF-8 CSV file ({exc})",
                                      f"可读的 UTF-8 编码 CSV 文件（{exc}）")]) from exc
    missing = [c for c in REQUIRED if c not in o.columns]
    if missing:
        raise InputError([Problem(name, c, None, None, "a column of the overrides file (人工复核)",
                                  "人工复核文件中应有的列")
                          for c in missing])
    o = o.reset_index(drop=True)
    for c in [*REQUIRED, "school", "planning_unit"]:
        if c in o.columns:
            o[c] = o[c].astype(str).str.strip().replace({"nan": "", "None": ""})
    if "school" not in o.columns:
        o["school"] = "*"
    o["school"] = o["school"].replace({"": "*"})
    allowed = [*LEVELS, NOT_ENROLLING]
    problems = []
    for i, r in o.iterrows():
        row = int(i) + 2  # header is line 1
        for c in ("region", "specialty", "level", "reason", "reviewer"):
            if not r[c]:
                problems.append(Problem(name, c, row, r[c], "a non-empty value", "非空的值"))
        for c in ("warning_level", "new_level"):
            if r[c] not in allowed:
                problems.append(Problem(name, c, row, r[c], f"one of {', '.join(allowed)}",
                                        f"以下之一：{'、'.join(allowed)}"))
        if pd.isna(pd.to_datetime(r["date"], errors="coerce", format="%Y-%m-%d")):
            problems.append(Problem(name, "date", row, r["date"], "a date YYYY-MM-DD",
                                    "YYYY-MM-DD 格式的日期"))
    if problems:
        raise InputError(problems)
    return o, name


def apply_overrides(warnings: pd.DataFrame, source, lang: str = "zh") -> pd.DataFrame:
    """``warnings`` with the reviewed rows changed and the review columns filled (see module doc)."""
    o, name = load_overrides(source)
    w = warnings.copy()
    w["reviewed"] = False
    for c in REVIEW_COLUMNS[1:]:
        w[c] = None
    school = w["school"].fillna("*").astype(str) if "school" in w.columns else pd.Series("*", index=w.index)
    problems = []
    for i, r in o.iterrows():
        row = int(i) + 2
        hit = (w["region"].astype(str) == r["region"]) & (w["specialty"].astype(str) == r["specialty"]) & (
            w["level"].astype(str) == r["level"]) & (school == r["school"])
        if "planning_unit" in o.columns and r["planning_unit"] and "planning_unit" in w.columns:
            hit &= w["planning_unit"] == r["planning_unit"]
        if not hit.any():
            problems.append(Problem(name, "specialty", row, f"{r['region']}/{r['school']}/{r['specialty']}",
                                    "a warning of this run (region, school, specialty, level)",
                                    "本次运行给出的一条预警（地区、学校、专业、层次一致）"))
            continue
        idx = w.index[hit]
        issued = set(w.loc[idx, "warning_level"])
        if issued != {r["warning_level"]}:
            problems.append(Problem(name, "warning_level", row, r["warning_level"],
                                    f"the level this run issued ({', '.join(sorted(issued))}); review again",
                                    f"本次运行给出的预警等级（{'、'.join(sorted(issued))}）；请重新复核"))
            continue
        _apply(w, idx, r)
    if problems:
        raise InputError(problems)
    if "action" in w.columns:
        w["action"] = w[f"action_{lang}"]
        w["reason"] = w[f"reason_{lang}"]
    return w


def _apply(w: pd.DataFrame, idx, r) -> None:
    old, new = r["warning_level"], r["new_level"]
    zh_old, zh_new = LEVEL_NAMES[old][0], LEVEL_NAMES[new][0]
    note_zh = f"【人工复核】{r['reviewer']}于{r['date']}将{zh_old}调整为{zh_new}：{r['reason']}。原判："
    note_en = (f"[Human review] {r['reviewer']} on {r['date']} changed {LEVEL_NAMES[old][1]} to "
               f"{LEVEL_NAMES[new][1]}: {r['reason']}. Issued: ")
    action = ACTIONS.get(new, LEVEL_NAMES[new])
    for i in idx:
        reasons = json.loads(w.at[i, "reasons"]) if isinstance(w.at[i, "reasons"], str) else []
        reasons.insert(0, {"rule_id": "review", "status": "review", "level": new, "original_level": old,
                           "reviewer": r["reviewer"], "date": r["date"], "text_zh": note_zh + "…",
                           "text_en": note_en + "…", "reason": r["reason"]})
        w.at[i, "reasons"] = json.dumps(reasons, ensure_ascii=False)
        w.at[i, "reason_zh"] = note_zh + str(w.at[i, "reason_zh"])
        w.at[i, "reason_en"] = note_en + str(w.at[i, "reason_en"])
        w.at[i, "warning_level"] = new
        w.at[i, "action_zh"], w.at[i, "action_en"] = action
        # the range was built for the issued level; only a stop keeps a definite range
        w.at[i, "enrol_lo"] = w.at[i, "enrol_hi"] = 0 if new == "red" else float("nan")
        w.at[i, "reviewed"] = True
        w.at[i, "original_level"] = old
        w.at[i, "reviewer"] = r["reviewer"]
        w.at[i, "review_date"] = r["date"]
        w.at[i, "review_reason"] = r["reason"]
