"""Labour-market scope of a specialty (local / provincial / national) and what it does to the bands.

A specialty whose graduates are recruited provincially or nationally (aviation, shipbuilding,
rail, defence-related…) is not judged against local demand alone. The shipped
``data/scope.csv`` sets the scope per 专业类 (``scope_type = class``, the class name shared by the
three levels) or per specialty (``scope_type = specialty``, 6-digit code, wins over its class),
each row with its basis; everything else is ``local``. Replace the file with the matching param
``scope`` (path or DataFrame with the same columns) or override single specialties with
``scope_overrides`` ({specialty: scope}).

In ``matches`` a non-local row gets ``status = "non_local_market"`` (外地市场), no ratio, no band
and no probabilities, unless a wider-market demand is given for it (matching param
``wider_demand``: region, specialty, level, year, value — the demand for the region's graduates
in their wider market, e.g. the region's share of provincial or national demand); then that
demand is added to the local one and the row is banded as usual.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError

SCOPES = ("local", "provincial", "national")
SCOPE_FILE = Path(__file__).parent / "data" / "scope.csv"
COLUMNS = ("scope_type", "key", "scope", "basis")

__all__ = ["SCOPES", "load_scope", "specialty_scope", "add_wider_demand", "apply_scope"]


def load_scope(source: str | os.PathLike | pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check a scope table (default: the shipped ``data/scope.csv``).

    Example:
        >>> s = load_scope()
        >>> s.set_index("key").loc["航空装备类", "scope"]
        'national'
    """
    name = "scope" if isinstance(source, pd.DataFrame) else str(source or SCOPE_FILE)
    df = source.copy() if isinstance(source, pd.DataFrame) else \
        pd.read_csv(source or SCOPE_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ConfigError(f"{name}: missing column(s) {missing}; expected {list(COLUMNS)}",
                          zh=f"{name}：缺少列 {missing}；应有列 {list(COLUMNS)}")
    errors, errors_zh = [], []
    for i, r in df.reset_index(drop=True).iterrows():
        if r["scope_type"] not in ("class", "specialty"):
            errors.append(f"row {i + 2}, column 'scope_type': got {r['scope_type']!r}; expected 'class' or 'specialty'")
            errors_zh.append(f"第 {i + 2} 行，列 'scope_type'：值为 {r['scope_type']!r}；"
                             "应为 'class'（专业类）或 'specialty'（专业）")
        if r["scope"] not in SCOPES:
            errors.append(f"row {i + 2}, column 'scope': got {r['scope']!r}; expected one of {SCOPES}")
            errors_zh.append(f"第 {i + 2} 行，列 'scope'：值为 {r['scope']!r}；应为 {SCOPES} 之一")
        if not str(r["basis"]).strip():
            errors.append(f"row {i + 2}, column 'basis': empty; every scope needs its basis")
            errors_zh.append(f"第 {i + 2} 行，列 'basis'：为空；每个范围都要写明依据")
    if errors:
        raise ConfigError(f"{len(errors)} problem(s) in {name}:\n" + "\n".join(f"  - {e}" for e in errors),
                          zh=f"{name} 有 {len(errors)} 个问题：\n" + "\n".join(f"  - {e}" for e in errors_zh))
    return df[list(COLUMNS)].reset_index(drop=True)


def specialty_scope(specialties, table: pd.DataFrame | None = None,
                    overrides: dict[str, str] | None = None) -> pd.DataFrame:
    """Scope and basis per specialty: override > specialty row > class row > ``local``.

    Example:
        >>> specialty_scope(["460601", "530302"], overrides={"530302": "provincial"})["scope"].tolist()
        ['national', 'provincial']
    """
    from talentforecast import catalogs

    table = load_scope() if table is None else table
    cat = catalogs.specialties().drop_duplicates("specialty").set_index("specialty")["class_name"]
    by_class = table[table["scope_type"] == "class"].set_index("key")
    by_spec = table[table["scope_type"] == "specialty"].set_index("key")
    rows = []
    for s in dict.fromkeys(map(str, specialties)):
        if overrides and s in overrides:
            sc = overrides[s]
            if sc not in SCOPES:
                raise ConfigError(f"matching params: key 'scope_overrides', specialty {s}: got {sc!r}; "
                                  f"expected one of {SCOPES}",
                                  zh=f"匹配参数 scope_overrides 中专业 {s}：值为 {sc!r}；应为 {SCOPES} 之一")
            rows.append((s, sc, "override (matching param scope_overrides)"))
        elif s in by_spec.index:
            rows.append((s, by_spec.loc[s, "scope"], by_spec.loc[s, "basis"]))
        elif cat.get(s) in by_class.index:
            rows.append((s, by_class.loc[cat[s], "scope"], by_class.loc[cat[s], "basis"]))
        else:
            rows.append((s, "local", "default: no row in the scope table"))
    return pd.DataFrame(rows, columns=["specialty", "scope", "scope_basis"])


def add_wider_demand(specialty_demand: pd.DataFrame, wider: pd.DataFrame | None) -> pd.DataFrame:
    """Specialty demand with the given wider-market demand added to value and bounds.

    Example:
        >>> d = pd.DataFrame({"region": "r", "specialty": "1", "level": "中职", "year": [2026],
        ...                   "value": [10.0], "lo_80": [8.0], "hi_80": [12.0]})
        >>> w = pd.DataFrame({"region": "r", "specialty": "1", "level": "中职", "year": [2026], "value": [5.0]})
        >>> add_wider_demand(d, w)[["value", "lo_80", "wider_demand"]].values.tolist()
        [[15.0, 13.0, 5.0]]
    """
    out = specialty_demand.copy()
    out["wider_demand"] = 0.0
    if wider is None or not len(wider):
        return out
    keys = ["region", "specialty", "level", "year"]
    missing = [c for c in [*keys, "value"] if c not in wider.columns]
    if missing:
        raise ConfigError(f"matching params: key 'wider_demand': missing column(s) {missing}; "
                          f"expected {keys + ['value']}",
                          zh=f"匹配参数 wider_demand：缺少列 {missing}；应有列 {keys + ['value']}")
    w = wider.assign(specialty=wider["specialty"].astype(str), region=wider["region"].astype(str))
    add = out[keys].merge(w.groupby(keys, as_index=False)["value"].sum(), on=keys, how="left")["value"]
    add = add.fillna(0.0).to_numpy(float)
    for c in [c for c in out.columns if c == "value" or c.split("_")[0] in ("lo", "hi")]:
        out[c] = out[c] + add
    out["wider_demand"] = add
    return out


def apply_scope(matches: pd.DataFrame, scopes: pd.DataFrame, widened: pd.DataFrame | None = None,
                lang: str = "zh") -> pd.DataFrame:
    """Set non-local rows apart (status ``non_local_market``, no ratio, band ``none``) unless widened.

    ``widened`` holds (region, specialty, level, year) rows whose demand includes a wider market.

    Example:
        >>> m = pd.DataFrame({"region": "r", "specialty": ["460601", "530302"], "level": "高职专科",
        ...                   "year": 2026, "ratio_sd": [2.0, 1.0], "band": ["surplus", "good"],
        ...                   "band_label": ["过剩", "良好"], "status": "ok", "p_surplus": 0.9})
        >>> apply_scope(m, specialty_scope(m["specialty"]))[["status", "band", "scope"]].values.tolist()
        [['non_local_market', 'none', 'national'], ['ok', 'good', 'local']]
    """
    m = matches.merge(scopes[["specialty", "scope"]], on="specialty", how="left")
    m["scope"] = m["scope"].fillna("local")
    apart = (m["scope"] != "local").to_numpy() & m["status"].isin(["ok", "zero_demand", "below_min_demand"]).to_numpy()
    if widened is not None and len(widened):
        keys = ["region", "specialty", "level", "year"]
        hit = m[keys].merge(widened[keys].drop_duplicates().assign(_w=True), on=keys, how="left")["_w"]
        apart &= ~hit.notna().to_numpy()
    ratio_cols = [c for c in m.columns if c.startswith(("ratio_sd", "ratio_ds")) or c in ("p_shortage", "p_surplus")]
    m.loc[apart, ratio_cols] = np.nan
    m.loc[apart, "status"] = "non_local_market"
    m.loc[apart, "band"] = "none"
    if "band_label" in m:  # not "无数据": the data are there, the local market is the wrong yardstick
        m.loc[apart, "band_label"] = "外地市场" if lang == "zh" else "non-local market"
    return m
