"""Chapter 1, 摘要: written sentences generated from the run's numbers, each with its interval,
then the short ranked exit/cut and expand/new lists and what the bureau is asked to decide.

Every number printed here is read from the run's tables by :func:`summary_facts`, which the
tests recompute independently.

Example:
    >>> from talentforecast.report.builder import Builder
    >>> from talentforecast.report.i18n import load_settings
    >>> b = Builder({}, "en", {}, load_settings())
    >>> summary_facts(b)["employment"] is None
    True
"""

from __future__ import annotations

import pandas as pd

from talentforecast.report.builder import Builder, fmt_number, fmt_range
from talentforecast.report.sections.catalogues import shortage_catalogue
from talentforecast.report.sections.common import (
    LEVEL_ORDER,
    code,
    first,
    level_rank,
    match_frame,
    warn_year,
    warning_frame,
)

TOTAL = "_T"  # the all-industry row of employment_forecast and openings


def _total(b: Builder, name: str) -> pd.DataFrame | None:
    df = b.get(name)
    if df is None or "industry" not in df.columns:
        return None
    df = b.baseline(df)
    tot = df[df["industry"].astype(str) == TOTAL]
    if tot.empty:  # no total row: sum the GB/T 4754 sections (the interval is then not stated)
        sec = b.sections_only(df)
        tot = sec.groupby("year", as_index=False)["value"].sum()
    return tot.sort_values("year")


def summary_facts(b: Builder) -> dict:
    """The numbers the summary states, with their intervals, all from the run's tables."""
    facts: dict = {"employment": None, "openings": None, "supply": None, "match": None, "warnings": None}
    emp = _total(b, "employment_forecast")
    if emp is not None and b.target_year in set(emp["year"]):
        row = emp[emp["year"] == b.target_year].iloc[0]
        base = emp[emp["year"] == b.base_year]
        facts["employment"] = {"year": b.target_year, "value": row["value"], "lo": row.get("lo_80"),
                               "hi": row.get("hi_80"),
                               "base_year": b.base_year, "base": base["value"].iloc[0] if len(base) else None}
    ope = _total(b, "openings")
    if ope is not None and b.base_year is not None:
        fut = ope[ope["year"] > b.base_year]
        if not fut.empty:
            one = fut.iloc[0]
            facts["openings"] = {"first": int(fut["year"].min()), "last": int(fut["year"].max()),
                                 "total": fut["value"].sum(), "mean": fut["value"].mean(),
                                 "year": int(one["year"]), "value": one["value"], "lo": one.get("lo_80"),
                                 "hi": one.get("hi_80")}
    sup = b.get("supply")
    if sup is not None and b.target_year is not None:
        t = sup[sup["year"] == b.target_year]
        by = t.groupby("level")["value"].sum()
        facts["supply"] = {"year": b.target_year, "total": t["value"].sum(),
                           "levels": [(lv, by[lv]) for lv in sorted(by.index, key=level_rank)]}
    m = match_frame(b)
    if m is not None:
        ok = m[m["status"] == "ok"] if "status" in m.columns else m.dropna(subset=["ratio_sd"])
        bands = [code("bands", v) for v in ok["band"]]
        facts["match"] = {"year": b.match_year, "n": len(m), "rated": len(ok),
                          "shortage": bands.count("shortage"), "surplus": bands.count("surplus") +
                          bands.count("moderate"), "unrated": len(m) - len(ok)}
        sm = b.get("structure_match")
        col = first(sm, ("dissimilarity",))
        if col:
            sm = b.baseline(sm)
            row = sm[sm["year"] == b.match_year]
            if len(row) and pd.notna(row[col].iloc[0]):
                facts["match"]["dissimilarity"] = row[col].iloc[0]
    w = b.get("warnings")
    if w is not None:
        w = w[w["year"] == warn_year(b, w)]
        codes = [code("levels", v) for v in w["warning_level"]]
        facts["warnings"] = {"year": warn_year(b, w), "n": len(w)} | {c: codes.count(c) for c in LEVEL_ORDER}
    p = b.get("proposals")
    facts["new"] = 0 if p is None else int(p[["specialty", "level"]].drop_duplicates().shape[0]) \
        if "specialty" in p.columns else len(p)
    return facts


def _num(v, col: str = "") -> str:
    return fmt_number(v, col)


def summary(b: Builder) -> list[dict]:
    s, n = b.s, b.settings["summary_top_n"]
    f = summary_facts(b)
    blocks: list[dict] = [b.subheading(s("summary.findings"))]
    sent: list[str] = []
    e = f["employment"]
    if e is not None:
        text = s("summary.employment", year=e["year"], value=_num(e["value"]),
                 interval=fmt_range(e["lo"], e["hi"]))
        if e["base"] is not None:
            change = (e["value"] - e["base"]) / e["base"]
            text += s("summary.employment_base", base_year=e["base_year"], base=_num(e["base"]),
                      change=f"{change:+.1%}")
        sent.append(text)
    o = f["openings"]
    if o is not None:
        sent.append(s("summary.openings", first=o["first"], last=o["last"], mean=_num(o["mean"]),
                      total=_num(o["total"]), year=o["year"], value=_num(o["value"]),
                      interval=fmt_range(o["lo"], o["hi"])))
    su = f["supply"]
    if su is not None:
        sep = "、" if b.lang == "zh" else ", "
        parts = sep.join(s("summary.level_part", level=s.get("edu_levels", lv), value=_num(v))
                         for lv, v in su["levels"])
        sent.append(s("summary.supply", year=su["year"], total=_num(su["total"]), parts=parts))
    m = f["match"]
    if m is not None:
        sent.append(s("summary.match", year=m["year"], n=m["n"], rated=m["rated"], shortage=m["shortage"],
                      surplus=m["surplus"], unrated=m["unrated"]))
        if "dissimilarity" in m:
            sent.append(s("summary.dissimilarity", year=m["year"], value=_num(m["dissimilarity"], "dissimilarity")))
    blocks += [b.para(t) for t in sent] or [b.para(s("none"))]
    blocks.append(b.para(s("summary.interval_note")))

    blocks.append(b.subheading(s("summary.changes_title")))
    ch = b.meta.get("changes")
    text = (ch.get(f"text_{b.lang}") or ch.get("text_zh")) if isinstance(ch, dict) else None
    blocks.append(b.para(s("summary.changes", old=ch.get("old", ""), new=ch.get("new", ""), text=text)
                         if text else s("summary.no_changes")))

    wf = f["warnings"]
    blocks.append(b.subheading(s("summary.lists_title")))
    if wf is None:
        blocks.append(b.missing("warnings"))
    else:
        blocks.append(b.para(s("summary.warnings", year=wf["year"], n=wf["n"], **{c: wf[c] for c in LEVEL_ORDER},
                               new=f["new"])))
        w = b.get("warnings")
        w = w[w["year"] == wf["year"]]
        for key, levels in (("exit_cut", ("red", "orange")), ("expand", ("blue",))):
            df = _named_list(b, key)
            df = warning_frame(b, w, levels) if df is None else df
            if df.empty:
                blocks.append(b.para(s(f"summary.no_{key}")))
                continue
            df = df.head(n).assign(priority=lambda d: d["_priority"] if "_priority" in d else float("nan"))
            cols = [c for c in ("specialty", "specialty_name", "level", "warning_level", "probability", "action")
                    if c in df.columns and _said(df[c])]  # a column with nothing to say is not printed
            blocks += b.table(s(f"summary.{key}", n=min(n, len(df))), df, cols,
                              row_class=["level-" + c for c in df.get("_code", [""] * len(df))], appendix=False)
        blocks.append(b.para(s("summary.lists_note")))
    blocks.append(b.subheading(s("summary.shortage_title")))
    cat = shortage_catalogue(b)
    if cat is None:
        blocks.append(b.missing("labour_market_conditions"))
    else:
        top = cat.head(n)
        sep = "、" if b.lang == "zh" else "; "
        names = sep.join(f"{r.occupation_name}（{r.occupation}，{_num(r.ratio_ds, 'ratio')}）" if b.lang == "zh"
                         else f"{r.occupation} ({_group_en(s, r.occupation)}, {_num(r.ratio_ds, 'ratio')})"
                         for r in top.itertuples())
        blocks.append(b.para(s("summary.shortage", year=cat.attrs["year"], n=len(cat),
                               n_top=int((cat["grade_code"] == "acute").sum()), top=names)))
    blocks.append(b.subheading(s("summary.decide_title")))
    if wf is not None:
        parts = [s(f"summary.decide_{lv}", n=wf[lv]) for lv in ("red", "orange", "yellow") if wf[lv]]
        actions = s("summary.decide_join").join(parts) if parts else s("summary.decide_none")
        if actions and b.lang == "en":
            actions = actions[0].upper() + actions[1:]
        blocks.append(b.para(s("summary.decide_warnings", actions=actions)))
        blocks.append(b.para(s("summary.decide_expand", blue=wf["blue"], new=f["new"])))
    if cat is not None:
        blocks.append(b.para(s("summary.decide_catalogue", n=len(cat))))
    blocks.append(b.para(s("summary.decide_review")))
    return blocks


def _named_list(b: Builder, key: str) -> pd.DataFrame | None:
    """A ranked list table of the warning stage (issue 17), looked up by the names in settings."""
    for name in b.settings["tables"].get(key, []):
        df = b.get(name)
        if df is not None and {"specialty", "level", "warning_level"} <= set(df.columns):
            df = b.add_names(df).assign(_code=[code("levels", v) for v in df["warning_level"]])
            df["action"] = _actions(b, df)  # looked up by the stage's codes, before relabelling
            df["warning_level"] = [b.s.level(c) for c in df["_code"]]
            df["level"] = [b.s.get("edu_levels", v) for v in df["level"]]
            return df
    return None


def _actions(b: Builder, df: pd.DataFrame) -> pd.Series:
    """The action decided for each row of a ranked list: its own ``action_<lang>`` column, else the
    warnings table's for the same specialty and level (a list table that does not carry it)."""
    for col in (f"action_{b.lang}", "action"):
        if col in df.columns and _said(df[col]):
            return df[col]
    w = b.get("warnings")
    col = f"action_{b.lang}"
    if w is None or col not in w.columns:
        return pd.Series(pd.NA, index=df.index, dtype=object)  # no action known: the column is dropped
    keys = ["specialty", "level"] + (["year"] if "year" in df.columns else [])
    w = w.drop_duplicates(keys)
    w = w.set_index(keys)[col]
    return pd.Series([w.get(tuple(k)) for k in df[keys].itertuples(index=False, name=None)], index=df.index,
                     dtype=object)


def _said(col: pd.Series) -> bool:
    """Whether a column holds anything to print (not only missing values or empty strings)."""
    return bool((col.notna() & (col.astype(str).str.strip() != "")).any())


def _group_en(s, occupation: str) -> str:
    """The English major group of an occupation code (职业分类大典 has no English edition of the
    occupation names themselves), e.g. 4-04-05-03 → "Social production and life service personnel"."""
    return s.get("occupation_groups", str(occupation)[:1], "occupation")
