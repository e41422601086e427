"""Specialty quality evaluation: a composite score with weights in TOML, ranked within 专业大类.

Example:
    >>> w = load_quality_weights()
    >>> round(sum(v["weight"] for k, v in w.items() if k != "_min_indicators"), 6)
    1.0
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError
from talentforecast.warning.indicators import Context
from talentforecast.warning.rules import INDICATORS

WEIGHTS_FILE = Path(__file__).parent / "data" / "quality_weights.toml"
COLUMNS = ["region", "specialty", "level", "specialty_name", "category_code", "category_name", "year",
           "score", "rank", "n_in_category", "n_indicators"]


def load_quality_weights(path: str | Path | None = None) -> dict[str, dict]:
    """{indicator: {weight, worst, best}} from the shipped or a user TOML file."""
    path = Path(path) if path else WEIGHTS_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc}); expected a TOML file",
                          zh=f"{path}：无法读取（{exc}）；应为 TOML 文件") from exc
    inds = raw.get("indicators")
    if not set(raw) <= {"indicators", "min_indicators"} or not isinstance(inds, dict) or not inds:
        raise ConfigError(f"{path}: got keys {sorted(raw)}; expected min_indicators and one "
                          "[indicators.NAME] table each",
                          zh=f"{path}：配置项为 {sorted(raw)}；应为 min_indicators，"
                             "以及每个指标一张 [indicators.指标名] 表")
    k = raw.get("min_indicators", 1)
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ConfigError(f"{path}: key 'min_indicators': got {k!r}; expected an integer ≥ 1",
                          zh=f"{path}：配置项 min_indicators 的值为 {k!r}；应为不小于 1 的整数")
    out = {"_min_indicators": k}
    for name, spec in inds.items():
        if name not in INDICATORS:
            raise ConfigError(f"{path}: indicators.{name}: unknown indicator; expected one of "
                              f"{', '.join(sorted(INDICATORS))}",
                              zh=f"{path}：indicators.{name}：未知指标；应为以下之一："
                                 f"{'、'.join(sorted(INDICATORS))}")
        if not isinstance(spec, dict) or set(spec) != {"weight", "worst", "best"} or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in spec.values()):
            raise ConfigError(f"{path}: indicators.{name}: got {spec!r}; expected numbers weight, worst, best",
                              zh=f"{path}：indicators.{name} 的值为 {spec!r}；"
                                 "应为三个数值 weight（权重）、worst（最差值）、best（最好值）")
        if spec["weight"] < 0 or spec["worst"] == spec["best"]:
            raise ConfigError(f"{path}: indicators.{name}: got {spec!r}; expected weight ≥ 0 and worst ≠ best",
                              zh=f"{path}：indicators.{name} 的值为 {spec!r}；"
                                 "应为 weight（权重）≥ 0，且 worst 与 best 不相等")
        out[name] = {k: float(v) for k, v in spec.items()}
    return out


def _latest(ctx: Context, ind: str):
    if ind in ctx.points:
        return ctx.points[ind]
    ser = ctx.series.get(ind)
    return ser[max(ser)] if ser else None


def quality_ranking(ctxs: dict[tuple, Context], catalogue: pd.DataFrame | None, as_of: int,
                    weights: dict[str, dict]) -> pd.DataFrame:
    """One row per offered specialty: indicator values, 0–1 scores, composite score, rank.

    A specialty with fewer than ``min_indicators`` indicators gets no score and no rank."""
    weights = dict(weights)
    min_n = weights.pop("_min_indicators", 1)
    rows = []
    for (region, specialty, level), ctx in ctxs.items():
        row = {"region": region, "specialty": specialty, "level": level, "year": as_of}
        total = wsum = 0.0
        n = 0
        for ind, w in weights.items():
            o = _latest(ctx, ind)
            v = o.value if o is not None else np.nan
            row[ind] = v
            s = np.clip((v - w["worst"]) / (w["best"] - w["worst"]), 0, 1) if v == v else np.nan
            row[f"score_{ind}"] = s
            if s == s:
                total, wsum, n = total + w["weight"] * s, wsum + w["weight"], n + 1
        row["score"] = round(100 * total / wsum, 2) if wsum > 0 and n >= min_n else np.nan
        row["n_indicators"] = n
        rows.append(row)
    extra = [c for ind in weights for c in (ind, f"score_{ind}")]
    df = pd.DataFrame(rows, columns=["region", "specialty", "level", "year", *extra, "score", "n_indicators"])
    if catalogue is not None:
        cat = catalogue[["specialty", "level", "specialty_name", "category_code", "category_name"]].astype(
            {"specialty": str, "level": str, "category_code": str})
        df = df.merge(cat, on=["specialty", "level"], how="left")
    else:
        df["specialty_name"] = df["category_name"] = np.nan
        df["category_code"] = df["specialty"].str[:2]  # the 2-digit 专业大类 prefix of the code
    df["category_code"] = df["category_code"].fillna(df["specialty"].str[:2])
    grp = df.groupby(["region", "category_code"])["score"]
    df["rank"] = grp.rank(ascending=False, method="min").astype("Int64")
    df["n_in_category"] = grp.transform("size")
    df = df.sort_values(["region", "category_code", "rank", "specialty"]).reset_index(drop=True)
    return df[COLUMNS + extra]
