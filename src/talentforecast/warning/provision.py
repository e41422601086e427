"""Duplicated provision (设置雷同) judged per 专业类 across levels, with programme sizes.

Per region × 专业类 (the catalogue's 4-digit class; 中职, 高职专科 and 职业本科 codes of one class
together) at ``as_of``:

- ``class_programmes``: programmes (school × specialty) with intake, over all levels;
- ``class_median_intake``: their median intake (many small programmes = scattered provision);
- ``class_ratio_sd_rel``: the class's projected Σ supply / Σ demand relative to the region's
  (offered specialties, all classes): a class crowded against its market, unmoved by
  assumptions shared by every specialty;
- ``class_programmes_province`` and ``class_region_share`` (the region's share of the province's
  intake in the class) when a ``province_enrolment`` table (enrolment of the province's schools)
  is given.

Each specialty row gets the values of its class. A 专业点 gets its district's.

Example:
    >>> import pandas as pd
    >>> e = pd.DataFrame({"region": "R", "school": ["a", "b", "c"], "specialty": ["4601A", "4601B", "4601A"],
    ...                   "level": ["中职", "高职专科", "高职专科"], "year": 2024, "enrolled": [30.0, 50.0, 20.0]})
    >>> t = class_table({"enrolment": e}, 2024, 2027)
    >>> t[["class_code", "class_programmes", "class_median_intake"]].values.tolist()
    [['4601', 3, 30.0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _class_of(specialty: pd.Series, catalogue: pd.DataFrame | None) -> pd.Series:
    cls = specialty.astype(str).str[:4]
    if catalogue is not None and {"specialty", "class_code"} <= set(catalogue.columns):
        known = dict(zip(catalogue["specialty"].astype(str), catalogue["class_code"].astype(str), strict=True))
        cls = specialty.astype(str).map(known).fillna(cls)
    return cls


def _programmes(e: pd.DataFrame, as_of: int, catalogue, peer_of: dict) -> pd.DataFrame:
    e = e[(e["year"] == as_of) & (e["enrolled"] > 0)].astype({"region": str, "specialty": str})
    e = e.assign(region=e["region"].map(peer_of).fillna(e["region"]), class_code=_class_of(e["specialty"], catalogue))
    return e.groupby(["region", "school", "specialty", "level", "class_code"], as_index=False)["enrolled"].sum()


def class_table(tables: dict, as_of: int, target_year: int) -> pd.DataFrame:
    """region × class_code indicators (see module doc); empty without enrolment."""
    e = tables.get("enrolment")
    cols = ["region", "class_code", "class_programmes", "class_median_intake", "class_ratio_sd_rel",
            "class_programmes_province", "class_region_share"]
    if e is None or "school" not in e.columns:
        return pd.DataFrame(columns=cols)
    cat = tables.get("specialties")
    u = tables.get("unit_peers")
    peer_of = {} if u is None else dict(zip(u["region"], u["peer_region"], strict=True))
    p = _programmes(e, as_of, cat, peer_of)
    reg = tables.get("regions")
    if reg is not None and "parent" in reg.columns:  # a planning region counts its districts' programmes
        parent = {str(r): str(q) for r, q in zip(reg["region"], reg["parent"], strict=True)
                  if isinstance(q, str) and q.strip()}
        up = p[p["region"].isin(parent)].assign(region=lambda d: d["region"].map(parent))
        p = pd.concat([p, up[~up["region"].isin(set(p["region"]) - set(parent))]], ignore_index=True)
    if p.empty:
        return pd.DataFrame(columns=cols)
    t = p.groupby(["region", "class_code"], as_index=False).agg(
        class_programmes=("enrolled", "size"), class_median_intake=("enrolled", "median"),
        class_intake=("enrolled", "sum"))
    m = tables.get("matches")
    t["class_ratio_sd_rel"] = np.nan
    if m is not None and {"supply", "demand", "observed"} <= set(m.columns):
        m = m[(m["year"] == target_year) & ~m["observed"].astype(bool) & (m["supply"] > 0)]
        if "scenario" in m.columns:
            m = m[m["scenario"] == "baseline"]
    if m is not None and not m.empty and {"supply", "demand"} <= set(m.columns):
        m = m.astype({"region": str, "specialty": str})
        m = m.assign(region=m["region"].map(peer_of).fillna(m["region"])).drop_duplicates(["region", "specialty", "level"])
        m = m.assign(class_code=_class_of(m["specialty"], cat))
        c = m.groupby(["region", "class_code"])[["supply", "demand"]].sum()
        r = m.groupby("region")[["supply", "demand"]].sum()
        rel = (c["supply"] / c["demand"]) / (r["supply"] / r["demand"]).reindex(c.index.get_level_values(0)).to_numpy()
        t = t.drop(columns="class_ratio_sd_rel").merge(rel.rename("class_ratio_sd_rel").reset_index(),
                                                       on=["region", "class_code"], how="left")
    prov = tables.get("province_enrolment")
    if prov is not None and "school" in prov.columns:
        pp = _programmes(prov, as_of, cat, {})
        g = pp.groupby("class_code").agg(class_programmes_province=("enrolled", "size"),
                                        province_intake=("enrolled", "sum"))
        t = t.merge(g.reset_index(), on="class_code", how="left")
        t["class_region_share"] = t["class_intake"] / t["province_intake"]
    else:
        t["class_programmes_province"] = t["class_region_share"] = np.nan
    return t[cols]
