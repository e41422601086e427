"""What changed between two runs (this year's against last year's): warning levels, quality
ranks, recommended enrolment ranges and region totals, as a table and a short text (zh/en).

Example:
    >>> import pandas as pd
    >>> from talentforecast.bundle import Bundle
    >>> from talentforecast.pipeline import Run
    >>> def one(level, lo):
    ...     w = pd.DataFrame({"region": ["990100"], "specialty": ["610101"], "level": ["中职"], "year": [2025],
    ...                       "warning_level": [level], "enrol_lo": [lo], "enrol_hi": [lo + 10]})
    ...     return Run(bundle=Bundle(tables={}), options={"as_of": 2024}, tables={"warnings": w})
    >>> c = compare(one("yellow", 40), one("red", 0))
    >>> c.table[["aspect", "item", "old", "new"]].values.tolist()
    [['level', '610101', 'yellow', 'red'], ['range', '610101', '40–50', '0–10']]
    >>> print(c.text("en").splitlines()[1])
    - Warning levels: 1 of 1 specialties changed (1 toward cutting enrolment, 0 toward keeping or expanding it, 0 in one run only), e.g. 610101 种子生产技术 (中职) yellow → red.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from talentforecast.errors import InputError, Problem

__all__ = ["Comparison", "compare"]

KEY = ["region", "specialty", "level"]
COLUMNS = ["aspect", "table", "region", "item", "item_name", "level", "year", "old", "new", "change"]
TOTALS = (("employment_forecast", "value", "就业人数", "employment"), ("openings", "value", "岗位需求", "job openings"),
          ("supply", "value", "毕业生供给", "graduate supply"),
          ("specialty_demand", "value", "分专业需求", "specialty demand"))
# Enrolment direction of a level: blue expand < green keep < yellow watch < orange reduce < red stop
CAUTION = {"blue": 0, "green": 1, "yellow": 2, "orange": 3, "red": 4}
LEVEL_ZH = {"red": "红色", "orange": "橙色", "yellow": "黄色", "green": "绿色", "blue": "蓝色"}


@dataclass
class Comparison:
    """The changes between an ``old`` and a ``new`` run: one row per change in :attr:`table`
    (``aspect`` is ``level``, ``rank``, ``range`` or ``total``) plus counts for the text.

    Example:
        >>> c = Comparison(table=pd.DataFrame(columns=COLUMNS), old_label="as_of 2023", new_label="as_of 2024",
        ...                counts={})
        >>> print(c.text("en"))
        Changes from as_of 2023 to as_of 2024:
        - No comparable tables in both runs.
    """

    table: pd.DataFrame
    old_label: str
    new_label: str
    counts: dict

    def text(self, lang: str = "zh") -> str:
        """A short summary of the changes in Chinese (``zh``) or English (``en``)."""
        return _text(self, lang)

    def to_csv(self, path: str | Path) -> Path:
        """Write :attr:`table` as CSV (UTF-8 with BOM) atomically; return the path."""
        from talentforecast._atomic import atomic_file

        path = Path(path)
        with atomic_file(path, "w") as fh:
            fh.write("\ufeff" + self.table.to_csv(index=False, lineterminator="\n"))
        return path


def compare(old, new) -> Comparison:
    """Compare two runs: each a :class:`~talentforecast.pipeline.Run`, a saved run folder or the
    output folder holding ``run/``.

    Levels, ranges and ranks are matched by (region, specialty, level), each run at its own plan
    year; totals are the top region's baseline sums for the years both runs hold from the new
    run's ``as_of`` on. A specialty present in one run only is listed with the other side empty.

    Example:
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> def run(as_of, rank):
        ...     q = pd.DataFrame({"region": ["990100"], "specialty": ["610101"], "level": ["中职"],
        ...                       "year": [as_of], "rank": [rank]})
        ...     return Run(bundle=Bundle(tables={}), options={"as_of": as_of}, tables={"quality_ranking": q})
        >>> compare(run(2023, 3), run(2024, 1)).table[["aspect", "old", "new", "change"]].values.tolist()
        [['rank', 3, 1, -2]]
    """
    a, b = _as_run(old), _as_run(new)
    names = _names()
    rows: list[dict] = []
    counts: dict = {}
    wa, wb = _plan_rows(a.tables.get("warnings")), _plan_rows(b.tables.get("warnings"))
    if wa is not None and wb is not None:
        m = wa.merge(wb, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
        changed = m[m["warning_level_old"].astype(object).ne(m["warning_level_new"].astype(object))
                    | (m["_merge"] != "both")]
        up = down = 0
        for r in changed.itertuples(index=False):
            o, n = _val(r.warning_level_old), _val(r.warning_level_new)
            if o in CAUTION and n in CAUTION:
                up, down = up + (CAUTION[n] > CAUTION[o]), down + (CAUTION[n] < CAUTION[o])
            rows.append(_row("level", "warnings", r, names, o, n, None))
        counts["level"] = {"n": int(len(m)), "changed": int(len(changed)), "up": up, "down": down,
                           "only": int((changed["_merge"] != "both").sum())}
        if {"enrol_lo", "enrol_hi"} <= set(wa.columns) & set(wb.columns):
            both = m[m["_merge"] == "both"]
            rng = both[(both["enrol_lo_old"] != both["enrol_lo_new"]) | (both["enrol_hi_old"] != both["enrol_hi_new"])]
            for r in rng.itertuples(index=False):
                rows.append(_row("range", "warnings", r, names, _range(r.enrol_lo_old, r.enrol_hi_old),
                                 _range(r.enrol_lo_new, r.enrol_hi_new), None))
            counts["range"] = {"n": int(len(both)), "changed": int(len(rng))}
    qa, qb = _plan_rows(a.tables.get("quality_ranking")), _plan_rows(b.tables.get("quality_ranking"))
    if qa is not None and qb is not None:
        m = qa.merge(qb, on=KEY, how="inner", suffixes=("_old", "_new"))
        m = m[m["rank_old"].notna() & m["rank_new"].notna()]
        moved = m[m["rank_old"] != m["rank_new"]]
        for r in moved.itertuples(index=False):
            rows.append(_row("rank", "quality_ranking", r, names, int(r.rank_old), int(r.rank_new),
                             int(r.rank_new) - int(r.rank_old)))
        counts["rank"] = {"n": int(len(m)), "changed": int(len(moved))}
    counts["total"] = []
    top = _top_region(b)
    as_of = b.options.get("as_of")
    for table, col, zh, en in TOTALS:
        ta, tb = (_totals(x.tables.get(table), col, top, as_of) for x in (a, b))
        if ta is None or tb is None:
            continue
        for year in sorted(set(ta.index) & set(tb.index)):
            o, n = float(ta[year]), float(tb[year])
            row = {"aspect": "total", "table": table, "region": top, "item": col, "item_name": zh,
                   "level": None, "year": int(year), "old": round(o, 1), "new": round(n, 1), "change": round(n - o, 1)}
            rows.append(row)
            counts["total"].append((table, zh, en, int(year), o, n))
    table = pd.DataFrame(rows, columns=COLUMNS)
    return Comparison(table=table, old_label=_label(a), new_label=_label(b), counts=counts)


def _as_run(x):
    from talentforecast.pipeline import Run

    if isinstance(x, Run):
        return x
    p = Path(x)
    for cand in (p, p / "run"):
        if (cand / "manifest.json").is_file():
            return Run.load(cand)
    raise InputError([Problem(str(p), None, None, None,
                              "a run (tf.run), a run folder with manifest.json or an output folder holding run/",
                              "一次运行的结果（tf.run）、含 manifest.json 的运行文件夹，或含 run/ 子文件夹的输出文件夹")])


def _names() -> dict[str, str]:
    from talentforecast import catalogs

    return catalogs.labels("specialty", "zh")


def _plan_rows(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """Each (region, specialty, level) at the table's latest year: the run's plan year."""
    if df is None or not set(KEY) <= set(df.columns):
        return None
    if "year" in df.columns and len(df):
        df = df[df["year"] == df["year"].max()]
    return df.drop(columns=[c for c in df.columns if c not in KEY and c not in
                            ("warning_level", "enrol_lo", "enrol_hi", "rank", "year")]).astype({k: str for k in KEY})


def _val(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _range(lo, hi) -> str | None:
    lo, hi = _val(lo), _val(hi)
    return None if lo is None and hi is None else f"{_num(lo)}–{_num(hi)}"


def _num(v) -> str:
    return "?" if v is None else f"{float(v):g}"


def _row(aspect, table, r, names, old, new, change) -> dict:
    year = getattr(r, "year_new", None)
    year = getattr(r, "year_old", None) if _val(year) is None else year
    return {"aspect": aspect, "table": table, "region": r.region, "item": r.specialty,
            "item_name": names.get(r.specialty), "level": r.level,
            "year": int(year) if _val(year) is not None else None, "old": old, "new": new, "change": change}


def _top_region(run) -> str | None:
    meta = run.manifest.get("meta") or run.bundle.meta
    if meta.get("region"):
        return str(meta["region"])
    from talentforecast.bundle import top_region

    return top_region(run.tables.get("regions")).get("region")


def _totals(df, col, region, as_of) -> pd.Series | None:
    if df is None or col not in df.columns or region is None:
        return None
    d = df[df["region"].astype(str) == region]
    if "scenario" in d.columns:
        d = d[d["scenario"] == "baseline"]
    if as_of is not None:
        d = d[d["year"] >= int(as_of)]
    return d.groupby("year")[col].sum(min_count=1).dropna()


def _label(run) -> str:
    o, m = run.options, run.manifest
    return f"as_of {o.get('as_of')}" + (f" (run {m['run_id']})" if m.get("run_id") else "")


def _text(c: Comparison, lang: str) -> str:
    en = lang == "en"
    t = c.table
    lines = [f"Changes from {c.old_label} to {c.new_label}:" if en else f"{c.old_label} → {c.new_label} 的变化："]
    lv = c.counts.get("level")
    if lv:
        ex = t[t["aspect"] == "level"].head(3)
        eg = "; ".join(f"{r.item} {r.item_name or ''} ({r.level}) {_lv(r.old, en)} → {_lv(r.new, en)}"
                       for r in ex.itertuples(index=False))
        lines.append(
            f"- Warning levels: {lv['changed']} of {lv['n']} specialties changed ({lv['up']} toward cutting "
            f"enrolment, {lv['down']} toward keeping or expanding it, {lv['only']} in one run only)" + (f", e.g. {eg}." if eg else ".") if en else
            f"- 预警等级：{lv['n']} 个专业中 {lv['changed']} 个有变化（{lv['up']} 个趋向调减，{lv['down']} 个趋向保持或扩招，{lv['only']} 个只在一次测算中出现）"
            + (f"，如 {eg}。" if eg else "。"))
    for aspect, en_name, zh_name in (("range", "Recommended enrolment ranges", "建议招生区间"),
                                     ("rank", "Quality ranks", "质量排名")):
        k = c.counts.get(aspect)
        if k:
            lines.append(f"- {en_name}: {k['changed']} of {k['n']} specialties changed." if en else
                         f"- {zh_name}：{k['n']} 个专业中 {k['changed']} 个有变化。")
    by_table: dict[str, list] = {}
    for table, zh, en_name, year, o, n in c.counts.get("total", []):
        by_table.setdefault(table, []).append((zh, en_name, year, o, n))
    for items in by_table.values():
        zh, en_name, year, o, n = items[-1]  # the last common year: the furthest revision
        pct = f"{(n - o) / o:+.1%}" if o else "n/a"
        lines.append(f"- Total {en_name} in {year}: {o:,.0f} → {n:,.0f} ({pct})." if en else
                     f"- {year} 年{zh}合计：{o:,.0f} → {n:,.0f}（{pct}）。")
    if len(lines) == 1:
        lines.append("- No comparable tables in both runs." if en else "- 两次测算没有可比较的表。")
    return "\n".join(lines)


def _lv(level, en: bool) -> str:
    if level is None:
        return "(none)" if en else "（无）"
    return str(level) if en else LEVEL_ZH.get(str(level), str(level))
