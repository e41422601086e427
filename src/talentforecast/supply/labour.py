"""Labour-market supply: graduates who neither study further nor leave the region.

    S = G × (1 − f) × r

``f`` is the further-study (升学) rate per level and specialty, estimated from the outcomes
table (further_study / graduates, all schools pooled, the last ``window`` years of each level,
default 3, because 升学 rates trend) and shrunk toward the specialty group like the completion
rate; it is held at that level over the horizon; ``r`` is the local retention share per level, a documented
parameter (``params.toml [retention]``), not estimated.

Example:
    >>> import pandas as pd
    >>> g = pd.DataFrame({"level": ["中职"], "specialty": ["610101"], "graduates": [100.0]})
    >>> f = pd.DataFrame({"level": ["中职"], "specialty": ["610101"], "rate": [0.6]})
    >>> labour_supply(g, f, {"中职": 0.9})["value"].round(6).tolist()  # 100 × 0.4 × 0.9
    [36.0]
"""

from __future__ import annotations

import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.supply.params import load_params
from talentforecast.supply.shrinkage import shrunk_rates

# 6-digit codes of the 2021 catalogue: 2x/3x 职业本科, 4x/5x 高职专科, 6x/7x 中职
_PREFIX_LEVEL = {"2": "职业本科", "3": "职业本科", "4": "高职专科", "5": "高职专科", "6": "中职", "7": "中职"}


def specialty_levels(specialty: pd.Series, known: pd.DataFrame | None = None,
                     file: str = "outcomes") -> pd.Series:
    """Level of each specialty: from ``known`` (specialty, level) where given, else the code prefix."""
    lookup = dict(_PREFIX_LEVEL)
    out = specialty.astype(str).str[:1].map(lookup)
    if known is not None and len(known):
        m = known.drop_duplicates("specialty").set_index("specialty")["level"]
        out = specialty.map(m).fillna(out)
    bad = out.isna()
    if bad.any():
        raise InputError([Problem(file, "specialty", int(i) + 2, specialty[i],
                                  "a 6-digit specialty code of the vocational catalogue (level unknown)",
                                  "职业教育专业目录中的 6 位专业代码（无法判断层次）")
                          for i in specialty.index[bad]])
    return out


def further_study_rates(outcomes: pd.DataFrame | None, params: dict | None = None,
                        specialties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Further-study rate per level and specialty (columns as
    :data:`talentforecast.supply.shrinkage.RATE_COLUMNS`); ``specialties`` (level, specialty)
    lists those that need a rate. Without outcomes every rate is the level default.

    Example:
        >>> o = pd.DataFrame({"region": "A", "school": "s1", "specialty": "660101", "year": [2022, 2023],
        ...                   "graduates": 100, "employed": 35, "matched": 20, "further_study": [50, 60]})
        >>> further_study_rates(o)[["level", "specialty", "rate", "source"]].values.tolist()  # 110 / 200
        [['中职', '660101', 0.55, 'specialty']]
    """
    p = load_params(params)
    fs = p["further_study"]
    if outcomes is None or outcomes.empty:
        obs = pd.DataFrame(columns=["level", "specialty", "period", "num", "den"])
    else:
        o = outcomes.reset_index(drop=True)
        o = o.assign(level=specialty_levels(o["specialty"], specialties))
        obs = (o.groupby(["level", "specialty", "year"], as_index=False, sort=True)
               .agg(num=("further_study", "sum"), den=("graduates", "sum"))
               .rename(columns={"year": "period"}))
    return shrunk_rates(obs, fs["prior_strength"], fs["group"], fs["min_sd"], fs["default_rate"],
                        specialties, window=fs["window"])


def labour_supply(graduates: pd.DataFrame, further: pd.DataFrame, retention: dict[str, float]) -> pd.DataFrame:
    """Add ``further_study_rate``, ``retention`` and ``value`` = graduates × (1 − f) × r to
    ``graduates`` (level, specialty, graduates, …).

    Example:
        >>> g = pd.DataFrame({"level": ["中职"], "specialty": ["610101"], "graduates": [90.0]})
        >>> f = pd.DataFrame({"level": ["中职"], "specialty": ["610101"], "rate": [0.6]})
        >>> round(float(labour_supply(g, f, {"中职": 0.85})["value"].iloc[0]), 1)
        30.6
    """
    out = graduates.merge(further[["level", "specialty", "rate"]].rename(columns={"rate": "further_study_rate"}),
                          on=["level", "specialty"], how="left")
    out["retention"] = out["level"].map(retention)
    out["value"] = out["graduates"] * (1 - out["further_study_rate"]) * out["retention"]
    return out


SOURCE_BASIS = {
    "technical_school": "技工院校 graduates (人社 statistics, outside the MoE 中职 counts since 2021)",
    "general_undergraduate": "general (普通本科) graduates hired into the same vocational jobs",
    "net_in_migration": "net young in-migrants taking the same jobs",
}
# The same in words for the run's notes (manifest and CLI): (Chinese, English).
SOURCE_NOTE = {
    "technical_school": ("技工院校毕业生（人社统计，2021年起不在教育部中职数内）",
                         "graduates of technical schools (human-resources statistics, outside the MoE "
                         "secondary vocational counts since 2021)"),
    "general_undergraduate": ("从事同类岗位的普通本科毕业生", "general undergraduates hired into the same jobs"),
    "net_in_migration": ("从事同类岗位的青年净迁入", "net young in-migrants taking the same jobs"),
}


def add_other_sources(supply: pd.DataFrame, other: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Split supply into its sources: ``supply_graduates`` (the region's own) plus one column per
    other source (a share of the own supply per level, ``params.toml [other_sources]``); ``value``
    and its bounds become the sum.

    Example:
        >>> s = pd.DataFrame({"level": ["中职"], "value": [100.0], "lo_80": [90.0]})
        >>> o = {"technical_school": {"中职": 0.2}, "general_undergraduate": {"中职": 0.0},
        ...      "net_in_migration": {"中职": -0.1}}
        >>> add_other_sources(s, o)[["supply_graduates", "supply_technical", "supply_in_migrants",
        ...                          "value", "lo_80"]].values.round(6).tolist()
        [[100.0, 20.0, -10.0, 110.0, 99.0]]
    """
    from talentforecast.supply.params import OTHER_SOURCES

    out = supply.copy()
    out["supply_graduates"] = out["value"]
    total = pd.Series(1.0, index=out.index)
    for src, col in OTHER_SOURCES.items():
        k = out["level"].map(other[src]).fillna(0.0).astype(float)
        out[col] = out["supply_graduates"] * k
        total = total + k
    for c in [c for c in out.columns if c == "value" or c.split("_")[0] in ("lo", "hi")]:
        out[c] = out[c] * total
    return out


def other_sources_table(other: dict[str, dict[str, float]]) -> pd.DataFrame:
    """One row per other supply source and level: its share, the column, and whether it is the
    unmeasured default (zero: an assumption, said in the run manifest), with the note in words
    (``note_zh``, ``note_en``) that the run prints.

    Example:
        >>> from talentforecast.supply.params import load_params
        >>> t = other_sources_table(load_params()["other_sources"])
        >>> bool(t["assumption"].all()), sorted(t["column"].unique())[0]
        (True, 'supply_in_migrants')
    """
    from talentforecast.supply.params import OTHER_SOURCES

    rows = [(src, col, lv, float(k), k == 0, SOURCE_BASIS[src] + (": zero assumed, not measured" if k == 0
                                                                  else ": share set in params"),
             f"{SOURCE_NOTE[src][0]}：" + ("按零计入，未经测算（参数 other_sources）" if k == 0
                                          else f"按本地毕业生的 {float(k):.0%} 计入（参数 other_sources）"),
             f"{SOURCE_NOTE[src][1]}: " + ("zero assumed, not measured (parameter other_sources)" if k == 0
                                          else f"{float(k):.0%} of own graduates (parameter other_sources)"))
            for src, col in OTHER_SOURCES.items() for lv, k in other[src].items()]
    return pd.DataFrame(rows, columns=["source", "column", "level", "share_of_own_supply", "assumption", "basis",
                                       "note_zh", "note_en"])
