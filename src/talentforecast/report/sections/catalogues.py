"""Chapters 6–7: the shortage-occupation catalogue (紧缺职业目录) as 人社部 publishes it, and the
training-occupation catalogue (职业技能培训职业(工种)目录) derived from it.

求人倍率 is used in its official sense only: job openings ÷ job seekers registered with public
employment services for an occupation in a period (``labour_market_conditions``, from postings).
Specialty rows are never relabelled as occupations.

Example:
    >>> import pandas as pd
    >>> from talentforecast.report.builder import Builder
    >>> from talentforecast.report.i18n import load_settings
    >>> lmc = pd.DataFrame({"occupation": ["4-03-02-01", "4-03-02-02"], "year": [2024, 2024],
    ...                     "openings": [300.0, 100.0], "seekers": [100.0, 100.0]})
    >>> cat = shortage_catalogue(Builder({"labour_market_conditions": lmc}, "zh", {}, load_settings()))
    >>> cat[["occupation", "ratio_ds", "grade_code"]].values.tolist()
    [['4-03-02-01', 3.0, 'acute']]
"""

from __future__ import annotations

import pandas as pd

from talentforecast.report.builder import Builder, fmt_number

_MAJOR = ("1", "2", "3", "4", "5", "6")  # 职业分类大典 大类 (first digit of the code)


def _ratios(b: Builder, year: int) -> pd.DataFrame:
    lmc = b.get("labour_market_conditions")
    df = lmc[lmc["year"] == year]
    if "key_type" in df.columns:
        df = df[df["key_type"] == "occupation"]
    df = df.assign(occupation=df["occupation"].astype(str)).groupby("occupation", as_index=False)[
        ["openings", "seekers"]].sum()
    # the official 求人倍率: openings per registered job seeker (no seekers: not defined)
    df["ratio_ds"] = (df["openings"] / df["seekers"].where(df["seekers"] > 0)).astype(float)
    return df


def _catalogue(b: Builder, year: int) -> pd.DataFrame:
    c = b.settings["catalogue"]
    df = _ratios(b, year)
    growth = _demand_growth(b)
    df["demand_growth"] = df["occupation"].map(growth)
    # composite: observed tightness first, projected demand second (percentile ranks, weights in settings)
    r = df["ratio_ds"].rank(pct=True)
    g = df["demand_growth"].rank(pct=True).fillna(0.5)  # no projection: neutral
    df["score"] = c["weight_ratio"] * r + (1 - c["weight_ratio"]) * g
    df = df[df["ratio_ds"] >= c["min_ratio"]].copy()
    df["grade_code"] = ["acute" if v >= c["acute_ratio"] else "short" for v in df["ratio_ds"]]
    df = df.sort_values(["score", "ratio_ds", "occupation"], ascending=[False, False, True])
    df = df.head(int(c["top_n"])).reset_index(drop=True)
    df["rank"] = range(1, len(df) + 1)
    df["occupation_name"] = [b.name("occupation", o) for o in df["occupation"]]
    return df


def _demand_growth(b: Builder) -> dict[str, float]:
    """Projected change of occupation demand from the base to the target year (share), baseline."""
    od = b.get("occupation_demand")
    if od is None or b.base_year is None or b.target_year is None:
        return {}
    od = b.baseline(od)
    base = od[od["year"] == b.base_year].groupby("occupation")["value"].sum()
    tgt = od[od["year"] == b.target_year].groupby("occupation")["value"].sum()
    g = (tgt / base.where(base > 0) - 1).dropna()
    return {str(k): float(v) for k, v in g.items()}


def shortage_catalogue(b: Builder) -> pd.DataFrame | None:
    """The catalogue for the last observed year of postings, with 新进/保留 against the year before
    (``attrs``: year, previous year, exits, source years)."""
    lmc = b.get("labour_market_conditions")
    if lmc is None or not {"occupation", "openings", "seekers", "year"} <= set(lmc.columns):
        return None
    years = sorted(int(y) for y in lmc["year"].unique())
    year = years[-1]
    cat = _catalogue(b, year)
    prev = _catalogue(b, years[-2]) if len(years) > 1 else None
    if prev is not None:
        was = dict(zip(prev["occupation"], prev["rank"], strict=True))
        cat["previous_rank"] = cat["occupation"].map(was)
        cat["change_code"] = ["kept" if o in was else "new" for o in cat["occupation"]]
        exits = prev[~prev["occupation"].isin(cat["occupation"])]
    else:
        cat["previous_rank"] = float("nan")
        cat["change_code"] = ""
        exits = cat.iloc[0:0]
    cat.attrs.update(year=year, previous=years[-2] if len(years) > 1 else None, exits=exits,
                     first=years[0], last=years[-1])
    return cat


def _display(b: Builder, cat: pd.DataFrame) -> pd.DataFrame:
    s = b.s
    return cat.assign(grade=[s(f"catalogue.grade_{g}") for g in cat["grade_code"]],
                      change=[s(f"catalogue.change_{g}") if g else "—" for g in cat["change_code"]],
                      major_group=[s.get("occupation_groups", str(o)[:1]) for o in cat["occupation"]])


def shortage(b: Builder) -> list[dict]:
    s, c = b.s, b.settings["catalogue"]
    cat = shortage_catalogue(b)
    if cat is None:
        return [b.missing("labour_market_conditions")]
    y = cat.attrs["year"]
    blocks = [b.subheading(s("catalogue.definition_title")),
              b.para(s("catalogue.definition", min_ratio=fmt_number(c["min_ratio"], "ratio"),
                       acute=fmt_number(c["acute_ratio"], "ratio"), w=f"{c['weight_ratio']:.0%}",
                       w2=f"{1 - c['weight_ratio']:.0%}", top_n=int(c["top_n"]), base_year=b.base_year,
                       target_year=b.target_year)),
              b.para(s("catalogue.source", first=cat.attrs["first"], last=cat.attrs["last"], year=y))]
    if cat.empty:
        return blocks + [b.para(s("catalogue.empty", year=y, min_ratio=fmt_number(c["min_ratio"], "ratio")))]
    d = _display(b, cat)
    sep = "、" if b.lang == "zh" else ", "
    comp = sep.join(s("catalogue.comp_part", group=s.get("occupation_groups", g), n=k)
                    for g, k in d["occupation"].str[:1].value_counts().sort_index().items())
    blocks.append(b.para(s("catalogue.composition", year=y, n=len(d), acute=int((d["grade_code"] == "acute").sum()),
                           short=int((d["grade_code"] == "short").sum()), parts=comp)))
    exits = cat.attrs["exits"]
    if cat.attrs["previous"] is not None:
        names = sep.join(f"{b.name('occupation', o) or o}（{o}）" if b.lang == "zh"
                         else f"{o} ({s.get('occupation_groups', str(o)[:1], 'occupation')})" for o in exits["occupation"])
        blocks.append(b.para(s("catalogue.exits", year=y, previous=cat.attrs["previous"], n=len(exits),
                               names=names or s("none"),
                               new=int((cat["change_code"] == "new").sum()))))
    blocks += b.table(s("catalogue.table", year=y), d,
                      ["rank", "occupation", "occupation_name", "grade", "ratio_ds", "openings",
                       "seekers", "demand_growth", "change", "previous_rank"],
                      headers={"ratio_ds": s("catalogue.ratio_header"), "openings": s("catalogue.openings_header"),
                               "seekers": s("catalogue.seekers_header")},
                      full=s("catalogue.sheet"), top_n=int(c["top_n"]))
    return blocks


def training_catalogue(b: Builder) -> pd.DataFrame | None:
    """Occupations of the shortage catalogue in the skilled-trade 大类 (settings ``training.major_groups``)
    with a positive gap: observed (openings − seekers) plus the projected yearly demand increase."""
    cat = shortage_catalogue(b)
    if cat is None:
        return None
    t = b.settings["training"]
    df = cat[cat["occupation"].str[:1].isin([str(g) for g in t["major_groups"]])].copy()
    od = b.get("occupation_demand")
    years = (b.target_year - b.base_year) if b.base_year and b.target_year else 0
    growth_per_year = {}
    if od is not None and years > 0:
        od = b.baseline(od)
        base = od[od["year"] == b.base_year].groupby("occupation")["value"].sum()
        tgt = od[od["year"] == b.target_year].groupby("occupation")["value"].sum()
        growth_per_year = ((tgt - base) / years).to_dict()
    df["observed_gap"] = df["openings"] - df["seekers"]
    df["projected_growth"] = [growth_per_year.get(o, float("nan")) for o in df["occupation"]]
    df["training_need"] = df["observed_gap"] + df["projected_growth"].clip(lower=0).fillna(0.0)
    df = df[df["training_need"] > 0].sort_values(["training_need", "occupation"], ascending=[False, True])
    df = df.reset_index(drop=True)
    df["rank"] = range(1, len(df) + 1)
    df.attrs.update(cat.attrs)
    return df


def training(b: Builder) -> list[dict]:
    s = b.s
    df = training_catalogue(b)
    if df is None:
        return [b.missing("labour_market_conditions")]
    groups = "、".join(s.get("occupation_groups", str(g)) for g in b.settings["training"]["major_groups"]) \
        if b.lang == "zh" else ", ".join(s.get("occupation_groups", str(g)) for g in b.settings["training"]["major_groups"])
    blocks = [b.para(s("training.method", groups=groups, base_year=b.base_year, target_year=b.target_year))]
    if df.empty:
        return blocks + [b.para(s("training.empty"))]
    d = _display(b, df)
    blocks.append(b.para(s("training.summary", n=len(d), total=fmt_number(d["training_need"].sum()))))
    blocks += b.table(s("training.table", year=df.attrs["year"]), d,
                      ["rank", "occupation", "occupation_name", "grade", "ratio_ds", "observed_gap",
                       "projected_growth", "training_need"],
                      headers={"ratio_ds": s("catalogue.ratio_header")}, full=s("training.sheet"))
    return blocks
