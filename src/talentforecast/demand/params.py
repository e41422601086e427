"""Demand parameters as data: replacement rates, vocational shares, key-industry clusters.

Every default ships as an editable CSV under ``talentforecast/demand/data/`` with a ``basis``
and ``source`` column per row. Users pass their own files (same columns) or override rows.

Precedence for replacement rates (highest first):

1. an override row with both ``region`` and ``industry`` set;
2. an override row with ``industry`` set and ``region`` empty;
3. the shipped (or user-given) default table;
4. for a 2-digit division without its own row: the rate of its GB/T section.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError, InputError, show_value
from talentforecast.schema import LEVELS

DATA = Path(__file__).parent / "data"


def _read_csv(path: str | Path, required: tuple[str, ...]) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: file not found", zh=f"{path}：找不到文件")
    df = pd.read_csv(path, dtype={"industry": str, "region": str}, keep_default_na=False,
                     na_values={c: [""] for c in ("rate", "rate_low", "rate_high", "share_low_factor",
                                                  "share_high_factor", *LEVELS)})
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {missing}; expected at least {list(required)}",
                          zh=f"{path}：缺少列 {missing}；至少应有列 {list(required)}")
    return df


def _check_fraction(df: pd.DataFrame, col: str, path: str | Path) -> None:
    vals = pd.to_numeric(df[col], errors="coerce")
    bad = df.index[vals.isna() | (vals < 0) | (vals > 1)]
    if len(bad):
        i = bad[0]
        raise ConfigError(f"{path}: row {i + 2}, key '{col}': got {df.at[i, col]!r}; "
                          "expected a number between 0 and 1",
                          zh=f"{path}：第 {i + 2} 行，列 '{col}'：值为 {show_value(df.at[i, col])}；"
                          "应为 0 到 1 之间的数")
    df[col] = vals.astype(float)


def replacement_rates(path: str | Path | None = None,
                      overrides: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Replacement (exit) rates ρ per industry, with optional per-region overrides.

    Returns columns ``region`` ("" = every region), ``industry``, ``rate``, ``rate_low``,
    ``rate_high`` (the range sampled with the forecast paths; a row without them, e.g. an
    override, is taken as known), ``basis``, ``source``.

    Example:
        >>> r = replacement_rates()
        >>> float(r.set_index("industry").loc["C", "rate"])
        0.03
    """
    path = Path(path) if path is not None else DATA / "replacement_rates.csv"
    base = _read_csv(path, ("industry", "rate"))
    _check_fraction(base, "rate", path)
    _ranges(base, path)
    if "region" not in base:
        base["region"] = ""
    for c in ("basis", "source"):
        if c not in base:
            base[c] = ""
    base = base[["region", "industry", "rate", "rate_low", "rate_high", "basis", "source"]]
    if overrides is None:
        out = base
    else:
        if isinstance(overrides, pd.DataFrame):
            name = "<overrides>"
            ov = overrides.copy()
            if not {"industry", "rate"} <= set(ov.columns):
                raise ConfigError(f"{name}: expected columns industry, rate[, region]",
                                  zh=f"{name}：应有列 industry、rate（region 可选）")
            ov["industry"] = ov["industry"].astype(str)
        else:
            name = str(overrides)
            ov = _read_csv(overrides, ("industry", "rate"))
        _check_fraction(ov, "rate", name)
        _ranges(ov, name)
        ov["region"] = ov["region"].fillna("").astype(str) if "region" in ov else ""
        ov["basis"] = "override"
        ov["source"] = ov["source"] if "source" in ov else name
        ov = ov[["region", "industry", "rate", "rate_low", "rate_high", "basis", "source"]]
        dup = ov.duplicated(["region", "industry"])
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise ConfigError(f"{name}: row {i + 2}: duplicate override for region "
                              f"{ov.iloc[i]['region']!r}, industry {ov.iloc[i]['industry']!r}",
                              zh=f"{name}：第 {i + 2} 行：地区 {show_value(ov.iloc[i]['region'])}、"
                              f"行业 {show_value(ov.iloc[i]['industry'])} 的更替率覆盖行重复")
        keep = ~base.set_index(["region", "industry"]).index.isin(
            ov.set_index(["region", "industry"]).index)
        out = pd.concat([base[keep], ov], ignore_index=True)
    return out.sort_values(["industry", "region"]).reset_index(drop=True)


def _ranges(df: pd.DataFrame, path) -> None:
    """Fill and check rate_low <= rate <= rate_high (absent or blank: the rate itself, no range)."""
    for c in ("rate_low", "rate_high"):
        if c not in df:
            df[c] = df["rate"]
        df[c] = df[c].where(df[c].notna(), df["rate"])
        _check_fraction(df, c, path)
    bad = (df["rate_low"] > df["rate"] + 1e-12) | (df["rate"] > df["rate_high"] + 1e-12)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ConfigError(f"{path}: row {i + 2}, industry {df.iloc[i]['industry']!r}: got rate_low "
                          f"{df.iloc[i]['rate_low']}, rate {df.iloc[i]['rate']}, rate_high {df.iloc[i]['rate_high']}; "
                          "expected rate_low <= rate <= rate_high",
                          zh=f"{path}：第 {i + 2} 行，行业 {show_value(df.iloc[i]['industry'])}：rate_low 为 "
                          f"{df.iloc[i]['rate_low']}，rate 为 {df.iloc[i]['rate']}，"
                          f"rate_high 为 {df.iloc[i]['rate_high']}；应满足 rate_low <= rate <= rate_high")


def section_of(code: str) -> str:
    """GB/T 4754 section letter of a section or 2-digit division code.

    Example:
        >>> section_of("39"), section_of("C")
        ('C', 'C')
    """
    from talentforecast.catalogs import industry_section

    try:
        return industry_section(code)
    except InputError:  # not a GB/T code: callers report unknown codes themselves
        return str(code)


def rates_for(pairs: pd.DataFrame, rates: pd.DataFrame, column: str = "rate") -> np.ndarray:
    """ρ for each (region, industry) row of ``pairs``, applying the documented precedence.

    Example:
        >>> p = pd.DataFrame({"region": ["1", "2"], "industry": ["C", "C"]})
        >>> ov = pd.DataFrame({"region": ["2"], "industry": ["C"], "rate": [0.05]})
        >>> rates_for(p, replacement_rates(overrides=ov)).tolist()
        [0.03, 0.05]
    """
    lookup = {(r, i): v for r, i, v in rates[["region", "industry", column]].itertuples(index=False)}
    out, missing = [], []
    for region, industry in pairs[["region", "industry"]].itertuples(index=False):
        for key in ((region, industry), ("", industry), (region, section_of(industry)),
                    ("", section_of(industry))):
            if key in lookup:
                out.append(lookup[key])
                break
        else:
            missing.append(industry)
            out.append(np.nan)
    if missing:
        raise ConfigError(f"replacement rates: no rate for industry {sorted(set(missing))}; "
                          "expected a row for each industry or its GB/T section",
                          zh=f"更替率：行业 {sorted(set(missing))} 没有更替率；"
                          "每个行业或其所属 GB/T 门类应有一行")
    return np.asarray(out, dtype=float)


def vocational_shares(path: str | Path | None = None) -> pd.DataFrame:
    """Share v[i, level] of an industry's openings open to vocational graduates, long form.

    Returns columns ``industry``, ``level``, ``share``, ``low_factor``, ``high_factor`` (the
    range sampled with the forecast paths, as factors on the shares; absent: 1, no range),
    ``basis``, ``source``. Shares of the three levels must not sum above 1 per industry (the
    rest goes to other education levels).

    Example:
        >>> v = vocational_shares()
        >>> float(v.query("industry == 'C' and level == '高职专科'").share.iloc[0])
        0.2
    """
    path = Path(path) if path is not None else DATA / "vocational_shares.csv"
    df = _read_csv(path, ("industry",))
    levels = [lv for lv in LEVELS if lv in df.columns]
    if not levels:
        raise ConfigError(f"{path}: expected one column per level among {list(LEVELS)}",
                          zh=f"{path}：应为每个层次各有一列（{list(LEVELS)} 中的层次）")
    for lv in levels:
        _check_fraction(df, lv, path)
    total = df[levels].sum(axis=1)
    if (total > 1 + 1e-9).any():
        i = int(np.flatnonzero(total > 1 + 1e-9)[0])
        raise ConfigError(f"{path}: row {i + 2}, industry {df.at[i, 'industry']!r}: level shares sum "
                          f"to {total.iloc[i]:.3f}; expected at most 1",
                          zh=f"{path}：第 {i + 2} 行，行业 {show_value(df.at[i, 'industry'])}：各层次占比之和为 "
                          f"{total.iloc[i]:.3f}；应不超过 1")
    for c in ("basis", "source"):
        if c not in df:
            df[c] = ""
    for c in ("share_low_factor", "share_high_factor"):
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(1.0) if c in df else 1.0
    bad = (df["share_low_factor"] < 0) | (df["share_low_factor"] > 1) | (df["share_high_factor"] < 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ConfigError(f"{path}: row {i + 2}, industry {df.at[i, 'industry']!r}: got share_low_factor "
                          f"{df.at[i, 'share_low_factor']}, share_high_factor {df.at[i, 'share_high_factor']}; "
                          "expected 0 <= share_low_factor <= 1 <= share_high_factor",
                          zh=f"{path}：第 {i + 2} 行，行业 {show_value(df.at[i, 'industry'])}：share_low_factor 为 "
                          f"{df.at[i, 'share_low_factor']}，share_high_factor 为 "
                          f"{df.at[i, 'share_high_factor']}；"
                          "应满足 0 <= share_low_factor <= 1 <= share_high_factor")
    long = df.melt(id_vars=["industry", "basis", "source", "share_low_factor", "share_high_factor"],
                   value_vars=levels, var_name="level", value_name="share")
    long = long.rename(columns={"share_low_factor": "low_factor", "share_high_factor": "high_factor"})
    return long[["industry", "level", "share", "low_factor", "high_factor", "basis", "source"]]


def shares_for(industries: list[str], shares: pd.DataFrame) -> pd.DataFrame:
    """v for each industry code (a division falls back to its section's row), long form."""
    by = {(i, lv): s for i, lv, s in shares[["industry", "level", "share"]].itertuples(index=False)}
    levels = list(dict.fromkeys(shares["level"]))
    rows, missing = [], []
    for ind in industries:
        for lv in levels:
            s = by.get((ind, lv), by.get((section_of(ind), lv)))
            if s is None:
                missing.append(ind)
            rows.append((ind, lv, s))
    if missing:
        raise ConfigError(f"vocational shares: no row for industry {sorted(set(missing))}; "
                          "expected a row for each industry or its GB/T section",
                          zh=f"职业教育占比：行业 {sorted(set(missing))} 没有对应行；"
                          "每个行业或其所属 GB/T 门类应有一行")
    return pd.DataFrame(rows, columns=["industry", "level", "share"])


def key_industries(path: str | Path | None = None) -> pd.DataFrame:
    """Key-industry clusters mapped to GB/T 4754 codes (cluster, cluster_zh, industry, note).

    Example:
        >>> sorted(key_industries().cluster.unique())[:3]
        ['5g', 'ai', 'commerce_services']
    """
    path = Path(path) if path is not None else DATA / "key_industries.csv"
    df = _read_csv(path, ("cluster", "industry"))
    return df


@dataclass
class DemandParams:
    """Settings of the demand stage; any field can also be given in a dict (``params={...}``).

    Example:
        >>> DemandParams.coerce({"n_paths": 200}).n_paths
        200
    """

    replacement_rates: str | Path | None = None  # default table (shipped CSV when None)
    rate_overrides: str | Path | pd.DataFrame | None = None  # rows with industry, rate[, region]
    vocational_shares: str | Path | None = None
    specialty_industry: str | Path | None = None  # used when the bundle has no specialty_industry table
    key_industries: str | Path | None = None
    models: str | list = "auto"
    n_paths: int = 1000
    correlation: float | str = "estimate"  # cross-series error correlation, or "estimate" from history
    conditions_window: int = 3
    # share of openings filled by people entering the labour market from school, as opposed to
    # job-changers, migrants and returners (ROA compares school-leaver supply with this part only);
    # an assumption, see docs/demand.md
    entrant_share: float = 0.35
    # "bottom_up" (leaf forecasts summed) or a MinTrace method: ols, wls_struct, wls_var, mint_shrink
    reconcile: str = "bottom_up"
    # allocate over the specialties the region offers ("offered") or the whole catalogue ("catalogue");
    # demand of industries no offered specialty serves is reported in `unallocated`
    allocate_over: str = "offered"
    offered_window: int = 3  # a specialty is offered if it enrolled or had students in the last N years
    # sample ρ, the vocational shares and the entrant share per path from their shipped ranges, so
    # every interval and probability downstream includes them (see demand/uncertainty.py)
    sample_parameters: bool = True
    parameter_ranges: str | Path | None = None  # TOML with [entrant_share] central/low/high/basis
    # κ of the Dirichlet prior on each specialty's destinations (pseudo-graduates); None = the
    # [destinations] prior_strength of parameter_ranges.toml (see demand/destinations.py)
    prior_strength: float | None = None
    # split of each industry's vocational openings across levels: "shipped" (vocational_shares.csv)
    # or "destinations" (Dirichlet posterior with the shipped split as prior; follows the local
    # supply mix, so opt-in; see docs/demand.md)
    level_split: str = "shipped"
    # industries the crosswalk sends demand to but the employment table lacks: "error" stops the
    # run naming them; "zero" accepts them as zero demand, recorded in `missing_industries`
    missing_industries: str = "error"
    # accepted as zero without stopping (still listed): T 国际组织 has nil employment in almost every city
    zero_industries: tuple[str, ...] | list[str] = ("T",)

    @classmethod
    def coerce(cls, params: DemandParams | dict | None) -> DemandParams:
        if params is None:
            return cls()
        if isinstance(params, cls):
            params = {f.name: getattr(params, f.name) for f in fields(cls)}
        if not isinstance(params, dict):
            raise ConfigError(f"demand params: got {type(params).__name__}; expected DemandParams or dict",
                              zh=f"需求参数：类型为 {type(params).__name__}；应为 DemandParams 或 dict")
        names = {f.name for f in fields(cls)}
        for k in params:
            if k not in names:
                raise ConfigError(f"demand params: key '{k}': unknown; expected one of {sorted(names)}",
                                  zh=f"需求参数：未知参数 {k}；应为 {sorted(names)} 之一")
        p = cls(**params)
        if not isinstance(p.n_paths, int) or p.n_paths < 100:
            raise ConfigError(f"demand params: key 'n_paths': got {p.n_paths!r}; expected an integer >= 100",
                              zh=f"需求参数 n_paths：值为 {show_value(p.n_paths)}；应为不小于 100 的整数")
        if not (p.correlation == "estimate" or (isinstance(p.correlation, int | float) and 0 <= p.correlation <= 1)):
            raise ConfigError(f"demand params: key 'correlation': got {p.correlation!r}; "
                              "expected 'estimate' or a number in [0, 1]",
                              zh=f"需求参数 correlation：值为 {show_value(p.correlation)}；"
                              "应为 'estimate' 或 0 到 1 之间的数")
        if not isinstance(p.entrant_share, int | float) or not 0 < p.entrant_share <= 1:
            raise ConfigError(f"demand params: key 'entrant_share': got {p.entrant_share!r}; expected a number in (0, 1]",
                              zh=f"需求参数 entrant_share：值为 {show_value(p.entrant_share)}；"
                              "应为大于 0、不超过 1 的数")
        from talentforecast.forecasting.reconcile import METHODS

        allowed = [m for m in METHODS if m != "top_down"]  # top_down is refused: say so in both languages
        if p.reconcile not in allowed:
            raise ConfigError(f"demand params: key 'reconcile': got {p.reconcile!r}; expected one of {allowed}",
                              zh=f"需求参数 reconcile：值为 {show_value(p.reconcile)}；应为 {allowed} 之一")
        if p.prior_strength is not None and (not isinstance(p.prior_strength, int | float)
                                             or isinstance(p.prior_strength, bool) or not p.prior_strength > 0):
            raise ConfigError(f"demand params: key 'prior_strength': got {p.prior_strength!r}; expected a number > 0",
                              zh=f"需求参数 prior_strength：值为 {show_value(p.prior_strength)}；应为大于 0 的数")
        if p.level_split not in ("shipped", "destinations"):
            raise ConfigError(f"demand params: key 'level_split': got {p.level_split!r}; "
                              "expected 'shipped' or 'destinations'",
                              zh=f"需求参数 level_split：值为 {show_value(p.level_split)}；"
                              "应为 'shipped' 或 'destinations'")
        if p.missing_industries not in ("error", "zero"):
            raise ConfigError(f"demand params: key 'missing_industries': got {p.missing_industries!r}; "
                              "expected 'error' or 'zero'",
                              zh=f"需求参数 missing_industries：值为 {show_value(p.missing_industries)}；"
                              "应为 'error' 或 'zero'")
        if isinstance(p.zero_industries, str) or not all(isinstance(z, str) for z in p.zero_industries):
            raise ConfigError(f"demand params: key 'zero_industries': got {p.zero_industries!r}; "
                              "expected a list of GB/T 4754 codes",
                              zh=f"需求参数 zero_industries：值为 {show_value(p.zero_industries)}；"
                              "应为 GB/T 4754 行业代码的列表")
        if p.allocate_over not in ("offered", "catalogue"):
            raise ConfigError(f"demand params: key 'allocate_over': got {p.allocate_over!r}; "
                              "expected 'offered' or 'catalogue'",
                              zh=f"需求参数 allocate_over：值为 {show_value(p.allocate_over)}；"
                              "应为 'offered' 或 'catalogue'")
        return p
