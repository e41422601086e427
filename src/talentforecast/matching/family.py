"""Family view: one 专业类 across 中职, 高职专科 and 职业本科, combined and per level.

Levels of one 专业类 take many of the same jobs, so a per-level signal can contradict another
(会计 blue at 中职, orange at 高职). The ``family_view`` table puts per-level supply, demand and
S/D beside the family's combined S/D, and says whether the per-level bands disagree.

Rows that are set apart (``not_enrolling``, ``non_local_market``) or miss one side stay out of
the sums; rows below the minimum size count (the family is where they add up). The combined
S/D is the ratio of the point sums, banded with the same ``bands.toml``; it carries no interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.schema import LEVELS

LEVEL_TAG = {"中职": "secondary", "高职专科": "associate", "职业本科": "bachelor"}
_OUT = ("not_enrolling", "non_local_market", "no_demand_row", "no_supply_row")

__all__ = ["family_view"]


def family_view(matches: pd.DataFrame, bands=None, lang: str = "zh") -> pd.DataFrame:
    """Per region × 专业类 × year × scenario: per-level and combined supply, demand and S/D.

    ``signal`` is ``contradictory`` when one level is in a shortage band and another in a surplus
    band (moderate or surplus), ``consistent`` otherwise; ``note`` says why in ``lang``.

    Example:
        >>> m = pd.DataFrame({"region": "r", "specialty": ["730301", "530302"], "level": ["中职", "高职专科"],
        ...                   "year": 2026, "scenario": "baseline", "supply": [50.0, 230.0],
        ...                   "demand": [100.0, 100.0], "ratio_sd": [0.5, 2.3], "band": ["shortage", "surplus"],
        ...                   "status": "ok"})
        >>> f = family_view(m)
        >>> f[["class_name", "supply", "demand", "ratio_sd", "band", "signal"]].values.tolist()
        [['财务会计类', 280.0, 200.0, 1.4, 'surplus', 'contradictory']]
    """
    from talentforecast import catalogs
    from talentforecast.matching.config import load_bands
    from talentforecast.matching.ratios import assign_band

    bands = bands or load_bands()
    cat = catalogs.specialties().drop_duplicates("specialty").set_index("specialty")["class_name"]
    m = matches[~matches["status"].isin(_OUT) & matches["supply"].notna() & matches["demand"].notna()].copy()
    m["class_name"] = m["specialty"].astype(str).map(cat).fillna("")
    keys = ["region", "class_name", "year", "scenario"]
    if m.empty:  # nothing banded: no family to compare (pandas drops the keys of an empty lambda agg)
        cols = [*keys, "levels", "specialties", "supply", "demand", "ratio_sd", "band"]
        cols += [f"{q}_{LEVEL_TAG[lv]}" for lv in LEVELS for q in ("supply", "demand", "ratio_sd")]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*cols, "signal", "note"]})
    per = m.groupby([*keys, "level"], as_index=False, sort=True).agg(
        supply=("supply", "sum"), demand=("demand", "sum"), specialties=("specialty", "nunique"),
        shortage=("band", lambda b: bool((b == "shortage").any())),
        surplus=("band", lambda b: bool(b.isin(["moderate", "surplus"]).any())))
    out = per.groupby(keys, as_index=False, sort=True).agg(
        levels=("level", "nunique"), specialties=("specialties", "sum"), supply=("supply", "sum"),
        demand=("demand", "sum"))
    # contradictory: a shortage at one level and a surplus at another (not two specialties of one level)
    short = per[per["shortage"]].groupby(keys)["level"].agg(set)
    surp = per[per["surplus"]].groupby(keys)["level"].agg(set)
    idx = out.set_index(keys).index
    contra = np.array([any(a != b for a in short.get(k, ()) for b in surp.get(k, ())) for k in idx], bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio_sd"] = np.where(out["demand"] > 0, out["supply"] / out["demand"], np.nan)
    out["band"] = assign_band(out["ratio_sd"], bands)
    for lv in LEVELS:
        t = LEVEL_TAG[lv]
        one = per[per["level"] == lv].set_index(keys)
        idx = out.set_index(keys).index
        out[f"supply_{t}"] = one["supply"].reindex(idx).to_numpy()
        out[f"demand_{t}"] = one["demand"].reindex(idx).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"ratio_sd_{t}"] = out[f"supply_{t}"] / out[f"demand_{t}"].where(out[f"demand_{t}"] > 0)
    out["signal"] = np.where(contra, "contradictory", "consistent")
    zh = ("各层次信号相反：某层次短缺而另一层次过剩；同一专业类的岗位可互相替代，请看合并供求比"
          if lang == "zh" else "levels disagree: one is short, another in surplus; levels of one class "
          "take many of the same jobs, read the combined S/D")
    out["note"] = np.where(contra, zh, "")
    out = out[out["levels"] > 1].reset_index(drop=True)
    return out
