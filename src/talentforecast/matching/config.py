"""Parameters of the matching stage, read from shipped (user-overridable) TOML files.

Example:
    >>> from talentforecast.matching.config import load_bands
    >>> [b.id for b in load_bands().bands]
    ['shortage', 'good', 'fair', 'moderate', 'surplus']
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from talentforecast.errors import ConfigError

_DATA = "talentforecast.matching.data"


def _read_toml(path: str | Path | None, default_name: str) -> tuple[dict, str]:
    """Parse a TOML file (the shipped default when ``path`` is None); return (data, file name)."""
    try:
        if path is None:
            ref = resources.files(_DATA) / default_name
            return tomllib.loads(ref.read_text(encoding="utf-8")), str(ref)
        p = Path(path)
        return tomllib.loads(p.read_text(encoding="utf-8")), str(p)
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found", zh=f"{path}：找不到配置文件") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path or default_name}: not valid TOML: {e}",
                          zh=f"{path or default_name}：不是有效的 TOML 配置文件：{e}") from e


def _get(data: dict, key: str, kind: type | tuple[type, ...], file: str, where: str = ""):
    full = f"{where}.{key}" if where else key
    if key not in data:
        raise ConfigError(f"{file}: missing key '{full}'", zh=f"{file}：缺少配置项 '{full}'")
    value = data[key]
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise ConfigError(f"{file}: key '{full}' = {value!r}; expected {_kind_name(kind)}",
                          zh=f"{file}：配置项 '{full}' = {value!r}；应为{_kind_name(kind, 'zh')}")
    return value


def _kind_name(kind, lang: str = "en") -> str:
    if lang == "zh":
        names = {int: "整数", float: "数值", str: "文本", bool: "true 或 false", list: "数组",
                 dict: "表"}
        kinds = kind if isinstance(kind, tuple) else (kind,)
        return "或".join(names.get(k, k.__name__) for k in kinds)
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _no_unknown(data: dict, allowed: set[str], file: str, where: str = "") -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        prefix = f"[{where}] " if where else ""
        raise ConfigError(f"{file}: unknown key(s) {prefix}{unknown}; expected only {sorted(allowed)}",
                          zh=f"{file}：未知的配置项 {prefix}{unknown}；只能使用 {sorted(allowed)}")


@dataclass(frozen=True)
class Band:
    id: str
    upper: float
    label_zh: str
    label_en: str

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if _check_lang(lang) == "zh" else self.label_en


@dataclass(frozen=True)
class Bands:
    """Ordered ROA bands on S/D; a ratio r is in the first band with r <= upper."""

    bands: tuple[Band, ...]
    none: Band
    draws: int
    file: str = "<bands>"
    min_demand: float = 20.0  # persons/yr: below this, S/D is not banded (status below_min_demand)
    min_supply: float = 20.0  # persons/yr: below this, S/D is not banded (status below_min_supply)

    @property
    def uppers(self) -> list[float]:
        return [b.upper for b in self.bands]

    @property
    def shortage_edge(self) -> float:
        """Upper bound of the first (shortage) band."""
        return self.bands[0].upper

    @property
    def surplus_edge(self) -> float:
        """Lower bound of the last (surplus) band."""
        return self.bands[-2].upper

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """Band id → label in ``lang``, the "none" band included."""
        return {b.id: b.label(lang) for b in (*self.bands, self.none)}


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ConfigError(f"lang={lang!r}; expected 'zh' or 'en'",
                          zh=f"参数 lang={lang!r}；应为 'zh' 或 'en'")
    return lang


def load_bands(path: str | Path | None = None) -> Bands:
    """Read and validate a bands file (default: the shipped ``matching/data/bands.toml``).

    Raises :class:`ConfigError` naming the file and key when bounds are not strictly increasing,
    the last band is not open (``upper = inf``) or a key is missing.

    Example:
        >>> load_bands().shortage_edge
        0.85
    """
    data, file = _read_toml(path, "bands.toml")
    _no_unknown(data, {"band", "none", "simulation", "minimum"}, file)
    raw = _get(data, "band", list, file)
    if len(raw) < 2:
        raise ConfigError(f"{file}: key 'band' has {len(raw)} entries; expected at least 2 bands",
                          zh=f"{file}：配置项 'band' 只有 {len(raw)} 项；至少应有 2 个区间")
    bands = []
    for i, b in enumerate(raw):
        where = f"band[{i}]"
        if not isinstance(b, dict):
            raise ConfigError(f"{file}: key '{where}' is not a table",
                              zh=f"{file}：配置项 '{where}' 应为表（[[band]]）")
        _no_unknown(b, {"id", "upper", "label_zh", "label_en"}, file, where)
        upper = float(_get(b, "upper", (int, float), file, where))
        if math.isnan(upper):
            raise ConfigError(f"{file}: key '{where}.upper' is nan; expected a number",
                              zh=f"{file}：配置项 '{where}.upper' 为 nan；应为数值")
        if bands and upper <= bands[-1].upper:
            raise ConfigError(
                f"{file}: key '{where}.upper' = {upper} is not greater than "
                f"'band[{i - 1}].upper' = {bands[-1].upper}; band upper bounds must be strictly increasing",
                zh=f"{file}：配置项 '{where}.upper' = {upper} 不大于 "
                   f"'band[{i - 1}].upper' = {bands[-1].upper}；各区间的上限必须严格递增",
            )
        bands.append(Band(_get(b, "id", str, file, where), upper,
                          _get(b, "label_zh", str, file, where), _get(b, "label_en", str, file, where)))
    if bands[0].upper <= 0:
        raise ConfigError(f"{file}: key 'band[0].upper' = {bands[0].upper}; expected a positive number",
                          zh=f"{file}：配置项 'band[0].upper' = {bands[0].upper}；应为正数")
    if not math.isinf(bands[-1].upper):
        raise ConfigError(f"{file}: key 'band[{len(bands) - 1}].upper' = {bands[-1].upper}; "
                          "expected inf (the last band must be open)",
                          zh=f"{file}：配置项 'band[{len(bands) - 1}].upper' = {bands[-1].upper}；"
                             "应为 inf（最后一个区间不设上限）")
    ids = [b.id for b in bands]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{file}: key 'band[].id' has duplicates {ids}; expected unique ids",
                          zh=f"{file}：配置项 'band[].id' 有重复 {ids}；各区间的 id 不能重复")
    nraw = _get(data, "none", dict, file)
    _no_unknown(nraw, {"id", "label_zh", "label_en"}, file, "none")
    none = Band(_get(nraw, "id", str, file, "none"), math.nan,
                _get(nraw, "label_zh", str, file, "none"), _get(nraw, "label_en", str, file, "none"))
    sim = data.get("simulation", {})
    _no_unknown(sim, {"draws"}, file, "simulation")
    draws = _get(sim, "draws", int, file, "simulation") if "draws" in sim else 2000
    if draws < 100:
        raise ConfigError(f"{file}: key 'simulation.draws' = {draws}; expected an integer >= 100",
                          zh=f"{file}：配置项 'simulation.draws' = {draws}；应为不小于 100 的整数")
    mins = data.get("minimum", {})
    _no_unknown(mins, {"demand", "supply"}, file, "minimum")
    lows = {}
    for k in ("demand", "supply"):
        v = float(_get(mins, k, (int, float), file, "minimum")) if k in mins else 20.0
        if not v >= 0:
            raise ConfigError(f"{file}: key 'minimum.{k}' = {v}; expected a number >= 0 (persons a year)",
                              zh=f"{file}：配置项 'minimum.{k}' = {v}；应为不小于 0 的数（人/年）")
        lows[k] = v
    return Bands(tuple(bands), none, draws, file, lows["demand"], lows["supply"])


@dataclass(frozen=True)
class QualityStandards:
    """Definitions and reference standards for employment quality."""

    employed_includes_further_study: bool
    trend_years: int
    standards: dict[str, float]
    file: str = "<quality>"


QUALITY_INDICATORS = ("destination_rate", "employment_rate", "matched_rate", "salary_ratio")


def load_quality(path: str | Path | None = None) -> QualityStandards:
    """Read and validate a quality file (default: the shipped ``matching/data/quality.toml``).

    Example:
        >>> load_quality().standards["destination_rate"]
        0.6
    """
    data, file = _read_toml(path, "quality.toml")
    _no_unknown(data, {"definition", "trend", "standards"}, file)
    definition = _get(data, "definition", dict, file)
    _no_unknown(definition, {"employed_includes_further_study"}, file, "definition")
    incl = _get(definition, "employed_includes_further_study", bool, file, "definition")
    trend = _get(data, "trend", dict, file)
    _no_unknown(trend, {"years"}, file, "trend")
    years = _get(trend, "years", int, file, "trend")
    if years < 2:
        raise ConfigError(f"{file}: key 'trend.years' = {years}; expected an integer >= 2",
                          zh=f"{file}：配置项 'trend.years' = {years}；应为不小于 2 的整数")
    std = _get(data, "standards", dict, file)
    _no_unknown(std, set(QUALITY_INDICATORS), file, "standards")
    standards = {}
    for k in QUALITY_INDICATORS:
        v = float(_get(std, k, (int, float), file, "standards"))
        if not v >= 0:
            raise ConfigError(f"{file}: key 'standards.{k}' = {v}; expected a number >= 0",
                              zh=f"{file}：配置项 'standards.{k}' = {v}；应为不小于 0 的数")
        standards[k] = v
    return QualityStandards(incl, years, standards, file)


@dataclass(frozen=True)
class DuplicationRule:
    """Flag 设置雷同 when ``schools >= min_schools`` and ``demand / schools < min_demand_per_school``."""

    min_schools: int
    min_demand_per_school: float
    scenario: str
    file: str = "<duplication>"


def load_duplication(path: str | Path | None = None) -> DuplicationRule:
    """Read and validate a duplication file (default: shipped ``matching/data/duplication.toml``).

    Example:
        >>> load_duplication().min_schools
        3
    """
    data, file = _read_toml(path, "duplication.toml")
    _no_unknown(data, {"duplication"}, file)
    d = _get(data, "duplication", dict, file)
    _no_unknown(d, {"min_schools", "min_demand_per_school", "scenario"}, file, "duplication")
    n = _get(d, "min_schools", int, file, "duplication")
    if n < 2:
        raise ConfigError(f"{file}: key 'duplication.min_schools' = {n}; expected an integer >= 2",
                          zh=f"{file}：配置项 'duplication.min_schools' = {n}；应为不小于 2 的整数")
    m = float(_get(d, "min_demand_per_school", (int, float), file, "duplication"))
    if not m >= 0:
        raise ConfigError(f"{file}: key 'duplication.min_demand_per_school' = {m}; expected a number >= 0",
                          zh=f"{file}：配置项 'duplication.min_demand_per_school' = {m}；应为不小于 0 的数")
    return DuplicationRule(n, m, _get(d, "scenario", str, file, "duplication"), file)
