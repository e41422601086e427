"""Key-industry scenarios: plan targets in a TOML file turned into employment paths.

A scenario file::

    name = "key_industries"          # label used in the ``scenario`` column
    start = 2025                     # first and last year the targets apply
    end = 2030
    [[targets]]
    cluster = "iot"                  # a cluster of key_industries.csv, or
    # industries = ["39", "63"]      # GB/T 4754 codes
    mode = "path"                    # "path": the plan's own growth (compared with the trend), or
                                     # "uplift": growth added on top of the baseline
    value_added_growth = 0.12        # mode "path": per year; or employment_growth = 0.05
    # value_added_uplift = 0.02      # mode "uplift": +2 points a year over the baseline; or employment_uplift
    share = 0.05                     # share of the matched employment industry the target covers (default 1)

``mode`` may be set once at the top of the file for every target, or per target; one of the
two is required, so the meaning of every number is declared. A "path" target whose growth lies
below the baseline trend lowers its industry: such targets are flagged (``below_trend`` in
``scenario_effects`` and a row of ``scenario_flags``, also in the run manifest), never silently.

Value-added targets go through an employment elasticity estimated per industry with statsmodels
OLS on first differences, Δlog E = a + b·Δlog VA (pooled over regions): the scenario raises log
employment by b · share · Σ [log(1+g) − log(1+g_base)], g_base being the industry's mean value-added
growth over the last five observed years. Employment targets set the growth of the covered share
directly. Uplift targets add b · share · Σ log(1+u) (value added) or share · Σ log(1+u)
(employment) to the baseline's log employment, so their sign is the sign of u. The effect reached at ``end`` persists afterwards. Several targets on one industry add up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from talentforecast.demand.params import key_industries, section_of
from talentforecast.demand.paths import Paths
from talentforecast.errors import ConfigError, InputError, Problem, show_value

TOP_KEYS = {"name": str, "title_zh": str, "title_en": str, "description": str, "start": int, "end": int,
            "targets": list, "key_industries": str, "mode": str}
TARGET_KEYS = {"cluster": str, "industries": list, "value_added_growth": float, "employment_growth": float,
               "value_added_uplift": float, "employment_uplift": float, "mode": str,
               "share": float, "regions": list, "note": str}
KINDS = {"path": ("value_added_growth", "employment_growth"), "uplift": ("value_added_uplift", "employment_uplift")}
SCENARIOS = Path(__file__).parent / "scenarios"


@dataclass
class Target:
    industries: list[str]
    kind: str  # "value_added_growth" | "employment_growth" | "value_added_uplift" | "employment_uplift"
    growth: float
    share: float = 1.0
    regions: list[str] | None = None
    label: str = ""
    mode: str = "path"  # "path" (absolute growth, compared with the trend) | "uplift" (over the baseline)


@dataclass
class Scenario:
    """A validated scenario (see module docstring for the file format); build it with
    :func:`load_scenario` from a TOML file or a dict.

    Example:
        >>> s = load_scenario({"name": "grow_39", "start": 2025, "end": 2027, "mode": "path",
        ...                    "targets": [{"industries": ["39"], "employment_growth": 0.05}]})
        >>> s.name, s.start, s.end, s.targets[0].industries, s.targets[0].kind
        ('grow_39', 2025, 2027, ['39'], 'employment_growth')
    """

    name: str
    start: int
    end: int
    targets: list[Target]
    source: str = "<dict>"
    meta: dict = field(default_factory=dict)


def _type_ok(value, typ) -> bool:
    if typ is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if typ is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, typ)


def _valid_codes() -> set[str]:
    from talentforecast import catalogs

    return set(catalogs.industries()["industry"].astype(str))


def load_scenario(path: str | Path | dict, clusters: pd.DataFrame | None = None) -> Scenario:
    """Read and validate a scenario TOML file (or an already-parsed dict).

    Raises :class:`ConfigError` naming the file and key for unknown keys, wrong types, unknown
    clusters or GB/T codes.

    Example:
        >>> s = load_scenario(SCENARIOS / "example_key_industries.toml")
        >>> s.name, s.start, s.end, s.targets[0].mode
        ('key_industries', 2025, 2030, 'path')
    """
    if isinstance(path, dict):
        src, raw = "<dict>", path
    else:
        src = str(path)
        if not Path(path).exists():
            raise ConfigError(f"{src}: scenario file not found", zh=f"{src}：找不到情景文件")
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{src}: not valid TOML: {e}", zh=f"{src}：不是有效的 TOML 文件（{e}）") from e

    def err(key: str, got, expected: str, expected_zh: str) -> ConfigError:
        return ConfigError(f"{src}: key '{key}': got {got!r}; expected {expected}",
                           zh=f"{src}：配置项 {key} 的值为 {show_value(got)}；应为 {expected_zh}")

    type_zh = {str: "文字", int: "整数", float: "数", list: "列表"}
    for k, v in raw.items():
        if k not in TOP_KEYS:
            raise ConfigError(f"{src}: key '{k}': got {v!r}; expected one of {sorted(TOP_KEYS)}",
                              zh=f"{src}：未知配置项 {k}；配置项应为 {sorted(TOP_KEYS)} 之一")
        if not _type_ok(v, TOP_KEYS[k]):
            raise err(k, v, f"a {TOP_KEYS[k].__name__}", type_zh[TOP_KEYS[k]])
    for k in ("name", "start", "end", "targets"):
        if k not in raw:
            raise ConfigError(f"{src}: key '{k}': got None; expected this key to be present",
                              zh=f"{src}：缺少配置项 {k}")
    if raw["end"] < raw["start"]:
        raise err("end", raw["end"], f"a year >= start ({raw['start']})",
                  f"不早于 start（{raw['start']}）的年份")
    if clusters is None:
        kpath = raw.get("key_industries")
        if kpath is not None and not Path(kpath).is_absolute() and not isinstance(path, dict):
            kpath = Path(path).parent / kpath
        clusters = key_industries(kpath)
    by_cluster = clusters.groupby("cluster")["industry"].apply(lambda s: [str(x) for x in s]).to_dict()
    targets = []
    for n, t in enumerate(raw["targets"]):
        where = f"targets[{n}]"
        if not isinstance(t, dict):
            raise err(where, t, "a table ([[targets]])", "一个表（[[targets]]）")
        for k, v in t.items():
            if k not in TARGET_KEYS:
                raise ConfigError(f"{src}: key '{where}.{k}': got {v!r}; expected one of {sorted(TARGET_KEYS)}",
                                  zh=f"{src}：未知配置项 {where}.{k}；配置项应为 {sorted(TARGET_KEYS)} 之一")
            if not _type_ok(v, TARGET_KEYS[k]):
                raise err(f"{where}.{k}", v, f"a {TARGET_KEYS[k].__name__}", type_zh[TARGET_KEYS[k]])
        mode = t.get("mode", raw.get("mode"))
        if mode not in KINDS:
            raise err(f"{where}.mode", mode, "'path' (the plan's own growth, compared with the trend) or "
                      "'uplift' (growth added on top of the baseline), here or at the top of the file",
                      "'path'（规划自身的增长率，与趋势比较）或 'uplift'（在基准之上追加的增长），"
                      "写在此处或文件开头")
        kinds = [k for k in (*KINDS["path"], *KINDS["uplift"]) if k in t]
        if len(kinds) != 1 or kinds[0] not in KINDS[mode]:
            raise err(where, sorted(t), f"exactly one of {', '.join(KINDS[mode])} (mode = {mode!r})",
                      f"{'、'.join(KINDS[mode])} 中的恰好一个（mode = {show_value(mode)}）")
        growth = float(t[kinds[0]])
        if growth <= -1:
            raise err(f"{where}.{kinds[0]}", growth, "a yearly growth rate above -1 (e.g. 0.12)",
                      "大于 -1 的年增长率（如 0.12）")
        if ("cluster" in t) == ("industries" in t):
            raise err(where, sorted(t), "exactly one of cluster, industries",
                      "cluster、industries 中的恰好一个")
        if "cluster" in t:
            if t["cluster"] not in by_cluster:
                raise err(f"{where}.cluster", t["cluster"], f"one of {sorted(by_cluster)}",
                          f"{sorted(by_cluster)} 之一")
            inds = by_cluster[t["cluster"]]
        else:
            inds = [str(x) for x in t["industries"]]
            bad = [x for x in inds if x not in _valid_codes()]
            if bad:
                raise err(f"{where}.industries", bad[0], "a GB/T 4754-2017 section letter or 2-digit division",
                          "GB/T 4754-2017 的门类字母或两位大类代码")
        share = float(t.get("share", 1.0))
        if not 0 < share <= 1:
            raise err(f"{where}.share", share, "a number in (0, 1]", "大于 0、不超过 1 的数")
        regions = [str(r) for r in t["regions"]] if "regions" in t else None
        targets.append(Target(inds, kinds[0], growth, share, regions, t.get("cluster", ",".join(inds)), mode))
    return Scenario(raw["name"], raw["start"], raw["end"], targets, src,
                    {k: raw[k] for k in ("title_zh", "title_en", "description") if k in raw})


def elasticities(employment: pd.DataFrame, min_obs: int = 6) -> pd.DataFrame:
    """Employment elasticity to value added per industry: OLS of Δlog E on Δlog VA, pooled over regions.

    Industries with fewer than ``min_obs`` usable differences get the all-industry pooled estimate
    (``method`` says which). Returns industry, elasticity, se, ci_lo, ci_hi (95%), n_obs, r2, method.

    Example:
        >>> lva = np.cumsum([0, .1, .05, .12, .02, .08, .1, .03, .06, .09])
        >>> e = pd.DataFrame({"region": "a", "industry": "C", "year": range(2010, 2020),
        ...                   "value_added": np.exp(lva), "employed": np.exp(0.5 * lva)})
        >>> round(float(elasticities(e).elasticity.iloc[0]), 2)
        0.5
    """
    if "value_added" not in employment or employment["value_added"].isna().all():
        raise InputError([Problem("employment", "value_added", None, None,
                                  "value added per region × industry × year for value-added scenario targets",
                                  "每个地区 × 行业 × 年份的增加值（value_added，增加值类情景目标需要）")])
    df = employment.sort_values(["region", "industry", "year"]).copy()
    g = df.groupby(["region", "industry"])
    df["dle"] = np.log(df["employed"].where(df["employed"] > 0)).groupby([df["region"], df["industry"]]).diff()
    df["dlva"] = np.log(df["value_added"].where(df["value_added"] > 0)).groupby([df["region"], df["industry"]]).diff()
    df["gap"] = g["year"].diff()
    df = df[(df["gap"] == 1) & df["dle"].notna() & df["dlva"].notna()]

    def fit(d: pd.DataFrame) -> tuple:
        res = sm.OLS(d["dle"].to_numpy(), sm.add_constant(d["dlva"].to_numpy(), has_constant="add")).fit()
        lo, hi = res.conf_int(0.05)[1]
        return float(res.params[1]), float(res.bse[1]), float(lo), float(hi), int(res.nobs), float(res.rsquared)

    pooled = fit(df) if len(df) >= 3 else (0.0, 0.0, 0.0, 0.0, len(df), np.nan)
    rows = []
    for ind in sorted(employment["industry"].unique()):
        d = df[df["industry"] == ind]
        if len(d) >= min_obs and d["dlva"].std() > 0:
            rows.append((ind, *fit(d), "ols_first_differences"))
        else:
            rows.append((ind, *pooled, "pooled_all_industries"))
    return pd.DataFrame(rows, columns=["industry", "elasticity", "se", "ci_lo", "ci_hi", "n_obs", "r2", "method"])


def _matches(target_code: str, leaf: str) -> bool:
    return leaf == target_code or section_of(leaf) == target_code or section_of(target_code) == leaf


def apply_scenario(base: Paths, scenario: Scenario, employment: pd.DataFrame,
                   elast: pd.DataFrame | None = None, seed: int = 0) -> tuple[Paths, pd.DataFrame]:
    """Scenario employment paths (same random numbers as ``base``) and a table of the applied effects.

    Leaves not named by any target keep exactly the baseline values. The effects table has one
    row per target × leaf with the target's own multiplier in the last year and ``below_trend``
    (a "path" target that lowers its industry).
    """
    n, P, T = base.samples.shape
    fut = ~base.observed
    years = base.years
    active = fut & (years >= scenario.start)
    # years counted towards the effect: from start to end; the level reached at end persists
    counted = np.cumsum(active & (years <= scenario.end))
    dlog_point = np.zeros((n, T))
    dlog_samples = np.zeros((n, P, T))
    log_rows = []
    need_va = any(t.kind.startswith("value_added") for t in scenario.targets)
    if need_va and elast is None:
        elast = elasticities(employment)
    base_va = _baseline_va_growth(employment) if need_va else {}
    rng = np.random.default_rng(seed + 7919)
    b_draw: dict[str, np.ndarray] = {}
    share_sum = np.zeros(n)
    for k, t in enumerate(scenario.targets):
        hit = np.zeros(n, bool)
        for j, (r, ind) in enumerate(base.keys[["region", "industry"]].itertuples(index=False)):
            if any(_matches(c, ind) for c in t.industries) and (t.regions is None or r in t.regions):
                hit[j] = True
        if not hit.any():
            raise ConfigError(f"{scenario.source}: key 'targets[{k}]': industries {t.industries} "
                              f"(regions {t.regions}) match no series of the employment table",
                              zh=f"{scenario.source}：配置项 targets[{k}]：行业 {t.industries}"
                              f"（地区 {t.regions}）在就业人数表中没有对应的序列")
        share_sum[hit] += t.share
        for j in np.flatnonzero(hit):
            ind = base.keys.at[j, "industry"]
            before = dlog_point[j, -1]
            if t.kind == "employment_uplift":
                d = np.cumsum(np.where(active & (years <= scenario.end), t.share * np.log1p(t.growth), 0.0))
                dlog_point[j] += d
                dlog_samples[j] += d
                b_txt = "direct"
            elif t.kind == "employment_growth":
                prev = np.concatenate([[base.point[j, 0]], base.point[j, :-1]])
                g_base = np.log(np.where(prev > 0, base.point[j] / np.where(prev > 0, prev, 1), 1.0))
                step = t.share * (np.log1p(t.growth) - g_base)
                step = np.where(active & (years <= scenario.end), step, 0.0)
                d = np.cumsum(step)
                dlog_point[j] += d
                dlog_samples[j] += d
                b_txt = "direct"
            else:
                row = elast.set_index("industry").loc[ind] if ind in set(elast["industry"]) else None
                if row is None:
                    raise ConfigError(f"{scenario.source}: key 'targets[{k}]': no elasticity for industry {ind!r}",
                                      zh=f"{scenario.source}：配置项 targets[{k}]：行业 {show_value(ind)} 没有就业弹性估计")
                if ind not in b_draw:
                    b_draw[ind] = rng.normal(row["elasticity"], row["se"], P)
                trend = 0.0 if t.kind == "value_added_uplift" else np.log1p(base_va.get(ind, 0.0))
                dva = t.share * (np.log1p(t.growth) - trend) * counted
                dlog_point[j] += row["elasticity"] * dva
                dlog_samples[j] += b_draw[ind][:, None] * dva[None, :]
                b_txt = f"{row['elasticity']:.3f}"
            own = float(dlog_point[j, -1] - before)
            log_rows.append((scenario.name, t.label, base.keys.at[j, "region"], ind, t.mode, t.kind, t.growth,
                             t.share, b_txt, float(np.exp(own)), float(np.exp(dlog_point[j, -1])),
                             t.mode == "path" and own < -1e-12))
    over = share_sum > 1 + 1e-9
    if over.any():
        j = int(np.flatnonzero(over)[0])
        raise ConfigError(f"{scenario.source}: key 'targets': shares on industry "
                          f"{base.keys.at[j, 'industry']!r} sum to {share_sum[j]:.2f}; expected at most 1",
                          zh=f"{scenario.source}：配置项 targets：行业 {show_value(base.keys.at[j, 'industry'])} 上各目标的 "
                          f"share 之和为 {share_sum[j]:.2f}；应不超过 1")
    point = base.point * np.exp(dlog_point)
    samples = base.samples * np.exp(dlog_samples)
    effects = pd.DataFrame(log_rows, columns=["scenario", "target", "region", "industry", "mode", "kind", "growth",
                                              "share", "elasticity", "target_multiplier_last_year",
                                              "multiplier_last_year", "below_trend"])
    out = base.with_values(point, samples)
    out.info["scenario"] = scenario.name
    return out, effects


def scenario_flags(effects: pd.DataFrame) -> pd.DataFrame:
    """One row per "path" target × industry whose plan growth lies below the trend (it lowers the industry).

    Example:
        >>> e = pd.DataFrame({"scenario": "s", "target": "iot", "region": ["1", "2"], "industry": "I",
        ...                   "mode": "path", "kind": "value_added_growth", "growth": 0.12,
        ...                   "target_multiplier_last_year": [0.97, 0.98], "below_trend": True})
        >>> scenario_flags(e)[["target", "industry", "regions", "min_multiplier"]].values.tolist()
        [['iot', 'I', 2, 0.97]]
    """
    cols = ["scenario", "target", "industry", "kind", "growth", "regions", "min_multiplier", "note_zh", "note_en"]
    low = effects[effects["below_trend"].astype(bool)] if len(effects) else effects
    if low.empty:
        return pd.DataFrame(columns=cols)
    g = (low.groupby(["scenario", "target", "industry", "kind", "growth"], as_index=False, sort=True)
         .agg(regions=("region", "nunique"), min_multiplier=("target_multiplier_last_year", "min")))
    g["note_zh"] = [f"规划目标（{k} = {gr:.1%}/年）低于该行业的趋势，按绝对路径解读会使 {i} 行业就业比基准低 "
                    f"{1 - m:.1%}；若本意是在基准上加力，请改用 mode = \"uplift\""
                    for k, gr, i, m in zip(g["kind"], g["growth"], g["industry"], g["min_multiplier"], strict=True)]
    g["note_en"] = [f"the plan target ({k} = {gr:.1%}/yr) lies below the industry's trend; read as an absolute "
                    f"path it lowers {i} employment by up to {1 - m:.1%} against the baseline; if a push over the "
                    "baseline is meant, use mode = \"uplift\""
                    for k, gr, i, m in zip(g["kind"], g["growth"], g["industry"], g["min_multiplier"], strict=True)]
    return g[cols]


def scenario_comparison(employment: pd.DataFrame, openings: pd.DataFrame) -> pd.DataFrame:
    """Each scenario against the baseline per region × industry × forecast year (employment, openings).

    Example:
        >>> e = pd.DataFrame({"region": "1", "industry": "I", "year": 2026, "observed": False,
        ...                   "scenario": ["baseline", "plan"], "value": [100.0, 104.0]})
        >>> o = e.assign(value=[10.0, 13.0])
        >>> scenario_comparison(e, o)[["scenario", "employment_effect", "openings_effect"]].values.tolist()
        [['plan', 4.0, 3.0]]
    """
    keys = ["region", "industry", "year"]
    parts = []
    for name, tab in (("employment", employment), ("openings", openings)):
        fut = tab[~tab["observed"].astype(bool)]
        base = fut[fut["scenario"] == "baseline"].set_index(keys)["value"].rename(f"{name}_baseline")
        sc = fut[fut["scenario"] != "baseline"][[*keys, "scenario", "value"]].rename(columns={"value": f"{name}_scenario"})
        parts.append(sc.join(base, on=keys))
    out = parts[0].merge(parts[1], on=[*keys, "scenario"], how="outer")
    for name in ("employment", "openings"):
        out[f"{name}_effect"] = out[f"{name}_scenario"] - out[f"{name}_baseline"]
        out[f"{name}_effect_pct"] = out[f"{name}_effect"] / out[f"{name}_baseline"].where(out[f"{name}_baseline"] > 0)
    cols = ["region", "industry", "year", "scenario", "employment_baseline", "employment_scenario",
            "employment_effect", "employment_effect_pct", "openings_baseline", "openings_scenario",
            "openings_effect", "openings_effect_pct"]
    return out[cols].sort_values(["scenario", "region", "industry", "year"]).reset_index(drop=True)


def _baseline_va_growth(employment: pd.DataFrame, years: int = 5) -> dict[str, float]:
    va = employment.groupby(["industry", "year"])["value_added"].sum(min_count=1).dropna()
    out = {}
    for ind, s in va.groupby(level=0):
        s = s.droplevel(0).sort_index().tail(years + 1)
        if len(s) >= 2 and (s > 0).all():
            out[ind] = float((s.iloc[-1] / s.iloc[0]) ** (1 / (s.index[-1] - s.index[0])) - 1)
    return out
