"""Planning units: the planning region (city), each district, each 专业点 (school × specialty).

Region units are evaluated on the region rows of the stage tables. A 专业点 is evaluated on its
own outcomes (the school rows of ``quality``, or ``outcomes``) and its own intake, against the
labour market of its district (the district's projected ratios, duplication and postings): the
tables are re-keyed so that the programme id ``"<district>|<school>"`` plays the region, and its
peers are the other programmes of the district (``unit_peers``).

Example:
    >>> programme_id("D1", "示例学校"), split_programme("D1|示例学校")
    ('D1|示例学校', ('D1', '示例学校'))
"""

from __future__ import annotations

import pandas as pd

SEP = "|"
UNITS = ("planning_region", "district", "programme")


def programme_id(region: str, school: str) -> str:
    """The id a 专业点 carries in the re-keyed tables."""
    return f"{region}{SEP}{school}"


def split_programme(pid: str) -> tuple[str, str]:
    """(district, school) of a programme id."""
    region, school = pid.split(SEP, 1)
    return region, school


def region_units(tables: dict, top: list[str] | None, units: tuple[str, ...]) -> dict[str, str]:
    """{region: unit} for the region units asked for: the planning regions and their districts."""
    reg = tables.get("regions")
    out: dict[str, str] = {}
    if top is None:
        return out
    if "planning_region" in units:
        out.update({r: "planning_region" for r in top})
    if "district" in units and reg is not None and "parent" in reg.columns:
        for r, p in zip(reg["region"].astype(str), reg["parent"], strict=True):
            if isinstance(p, str) and p in set(top) and r not in out:
                out[r] = "district"
    return out


def _rekey(df: pd.DataFrame) -> pd.DataFrame:
    df = df[df["school"].notna() & (df["school"].astype(str).str.strip().isin(["", "*"]) == False)]  # noqa: E712
    return df.assign(region=[programme_id(str(r), str(s)) for r, s in zip(df["region"], df["school"], strict=True)])


def programme_tables(tables: dict, districts: set[str]) -> tuple[dict, list[str]]:
    """Tables re-keyed by programme (see module doc) for the programmes of ``districts``."""
    e = tables.get("enrolment")
    if e is None or "school" not in e.columns:
        return {}, []
    e = e.assign(region=e["region"].astype(str), specialty=e["specialty"].astype(str))
    e = _rekey(e[e["region"].isin(districts)])
    if e.empty:
        return {}, []
    out = {k: v for k, v in tables.items() if k in ("specialties", "specialty_industry", "specialty_occupation")}
    out["enrolment"] = e
    pairs = e[["region", "specialty", "level"]].drop_duplicates()
    pairs = pairs.assign(district=[split_programme(p)[0] for p in pairs["region"]])
    # each programme's share of its district's latest intake in the specialty (for gap targets)
    last = e[e["year"] == e["year"].max()].groupby(["region", "specialty", "level"], as_index=False)["enrolled"].sum()
    pairs = pairs.merge(last, on=["region", "specialty", "level"], how="left")
    total = pairs.groupby(["district", "specialty", "level"])["enrolled"].transform("sum")
    pairs["demand_share"] = pairs["enrolled"] / total.where(total > 0)
    q = tables.get("quality")
    if q is not None and "scope" in q.columns:
        q = q[(q["scope"] == "school") & q["region"].astype(str).isin(districts)]
        out["quality"] = _rekey(q.assign(region=q["region"].astype(str))).assign(scope="region")
    elif tables.get("outcomes") is not None and "school" in tables["outcomes"].columns:
        o = tables["outcomes"]
        out["outcomes"] = _rekey(o[o["region"].astype(str).isin(districts)].assign(region=o["region"].astype(str)))
    # the district's market, copied to each of its programmes of the same specialty
    for name in ("matches", "duplication", "postings_ratio"):
        t = tables.get(name)
        if t is None:
            continue
        t = t.assign(region=t["region"].astype(str), specialty=t["specialty"].astype(str))
        keep = ["region", "specialty", "district"] + (["demand_share"] if name == "matches" else [])
        m = pairs[keep].merge(
            t.rename(columns={"region": "district"}), on=["district", "specialty"])
        if "level_y" in m.columns:
            m = m.rename(columns={"level_x": "level"}).drop(columns="level_y")
        out[name] = m.drop(columns="district")
    out["unit_peers"] = pd.DataFrame({"region": pairs["region"], "peer_region": pairs["district"]}).drop_duplicates()
    return out, sorted(set(pairs["region"]))
