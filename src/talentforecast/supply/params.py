"""Supply-model parameters: the shipped ``data/params.toml`` merged with user overrides.

Example:
    >>> from talentforecast.supply.params import load_params
    >>> p = load_params({"retention": {"中职": 0.9}})
    >>> p["programme_length"]["中职"], p["retention"]["中职"]
    (3, 0.9)
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from talentforecast.errors import ConfigError, show_value
from talentforecast.schema import LEVELS

DEFAULT_PATH = Path(__file__).parent / "data" / "params.toml"


# other supply taking the same jobs (params.toml [other_sources]) → their supply-table column
OTHER_SOURCES = {"technical_school": "supply_technical", "general_undergraduate": "supply_undergraduate",
                 "net_in_migration": "supply_in_migrants"}


def _merge(base: dict, over: dict, where: str, source: str) -> dict:
    for key, value in over.items():
        if key not in base:
            raise ConfigError(f"{source}: unknown key '{where}{key}'; expected one of {sorted(base)}",
                              zh=f"{source}：未知配置项 {where}{key}；应为 {sorted(base)} 之一")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{where}{key}' must be a table, got {value!r}",
                                  zh=f"{source}：配置项 {where}{key} 应为一个表，实际为 {show_value(value)}")
            _merge(base[key], value, f"{where}{key}.", source)
        else:
            base[key] = value
    return base


def _number(p: dict, section: str, key: str, source: str, lo: float, hi: float | None) -> None:
    v = p[section][key]
    ok = isinstance(v, int | float) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
    if not ok:
        rng = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
        rng_zh = f"应为 {show_value(lo)} 到 {show_value(hi)} 之间的数" if hi is not None else f"应为不小于 {show_value(lo)} 的数"
        raise ConfigError(f"{source}: '{section}.{key}' must be a number {rng}, got {v!r}",
                          zh=f"{source}：配置项 {section}.{key} {rng_zh}，实际为 {show_value(v)}")


def _validate(p: dict, source: str) -> dict:
    for level in LEVELS:
        L = p["programme_length"].get(level)
        if not isinstance(L, int) or isinstance(L, bool) or not 1 <= L <= 8:
            raise ConfigError(f"{source}: 'programme_length.{level}' must be an integer 1..8, got {L!r}",
                              zh=f"{source}：配置项 programme_length.{level}（学制年数）应为 1 到 8 的整数，"
                              f"实际为 {show_value(L)}")
        band = p["entry_age"].get(level)
        if not (isinstance(band, list) and len(band) == 2 and all(isinstance(a, int) for a in band)
                and 0 <= band[0] <= band[1]):
            raise ConfigError(f"{source}: 'entry_age.{level}' must be [age_from, age_to], got {band!r}",
                              zh=f"{source}：配置项 entry_age.{level}（入学年龄段）应为 [起始年龄, 截止年龄]，"
                              f"实际为 {show_value(band)}")
        _number(p, "retention", level, source, 0.0, 1.0)
        rr = p["retention_range"].get(level)
        ok = (isinstance(rr, list) and len(rr) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool)
                                                             for x in rr) and 0 <= rr[0] <= p["retention"][level] <= rr[1] <= 1)
        if not ok:
            raise ConfigError(f"{source}: 'retention_range.{level}' must be [low, high] with 0 <= low <= "
                              f"retention.{level} ({p['retention'][level]}) <= high <= 1, got {rr!r}",
                              zh=f"{source}：配置项 retention_range.{level} 应为 [low, high]，且满足 "
                              f"0 <= low <= retention.{level}（{p['retention'][level]}）<= high <= 1，"
                              f"实际为 {show_value(rr)}")
    for section in ("completion", "further_study"):
        if p[section]["group"] not in ("category", "class"):
            raise ConfigError(f"{source}: '{section}.group' must be 'category' or 'class', "
                              f"got {p[section]['group']!r}",
                              zh=f"{source}：配置项 {section}.group 应为 'category' 或 'class'，"
                              f"实际为 {show_value(p[section]['group'])}")
        if p[section]["prior_strength"] != "auto":
            _number(p, section, "prior_strength", source, 0.0, None)
        _number(p, section, "min_sd", source, 0.0, 1.0)
        for level in LEVELS:
            _number(p[section], "default_rate", level, f"{source} [{section}]", 0.0, 2.0)
    for section in ("completion", "further_study"):
        w = p[section]["window"]
        if not isinstance(w, int) or isinstance(w, bool) or w < 0:
            raise ConfigError(f"{source}: '{section}.window' must be an integer >= 0, got {w!r}",
                              zh=f"{source}：配置项 {section}.window 应为不小于 0 的整数，实际为 {show_value(w)}")
    for src in OTHER_SOURCES:
        for level in LEVELS:
            lo = -1.0 if src == "net_in_migration" else 0.0
            _number(p["other_sources"], src, level, f"{source} [other_sources]", lo, 5.0)
    _number(p, "population", "annual_survival", source, 0.0, 1.0)
    if not isinstance(p["forecast"]["models"], str | list):
        raise ConfigError(f"{source}: 'forecast.models' must be a model name or list, got {p['forecast']['models']!r}",
                          zh=f"{source}：配置项 forecast.models 应为模型名或模型名列表，"
                          f"实际为 {show_value(p['forecast']['models'])}")
    n = p["simulation"]["n_draws"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 50:
        raise ConfigError(f"{source}: 'simulation.n_draws' must be an integer >= 50, got {n!r}",
                          zh=f"{source}：配置项 simulation.n_draws 应为不小于 50 的整数，实际为 {show_value(n)}")
    return p


def load_params(params: dict | str | Path | None = None) -> dict[str, Any]:
    """Shipped parameters, overridden by ``params`` (a dict or a TOML file path).

    Raises :class:`ConfigError` naming the file and key when a value is unknown or invalid.

    Example:
        >>> p = load_params({"retention": {"中职": 0.9}})
        >>> p["retention"]["中职"], p["retention"]["高职专科"]
        (0.9, 0.7)
        >>> load_params({"retention": {"中职": 1.5}})
        Traceback (most recent call last):
        ...
        talentforecast.errors.ConfigError: params (dict)：配置项 retention.中职 应为 0 到 1 之间的数，实际为 1.5
    """
    with open(DEFAULT_PATH, "rb") as fh:
        base = tomllib.load(fh)
    source = str(DEFAULT_PATH)
    if params is not None:
        if isinstance(params, str | Path):
            source = str(params)
            try:
                with open(params, "rb") as fh:
                    over = tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{source}: cannot read parameters: {exc}",
                                  zh=f"{source}：无法读取参数文件（{exc}）") from exc
        elif isinstance(params, dict):
            source, over = "params (dict)", copy.deepcopy(params)
        else:
            raise ConfigError(f"params must be a dict or a TOML path, got {type(params).__name__}",
                              zh=f"供给参数应为 dict 或 TOML 文件路径，实际为 {type(params).__name__}")
        base = _merge(base, over, "", source)
    if not isinstance(base["simulation"].get("sample_parameters"), bool):
        raise ConfigError(f"{source}: 'simulation.sample_parameters' must be true or false, "
                          f"got {base['simulation'].get('sample_parameters')!r}",
                          zh=f"{source}：配置项 simulation.sample_parameters 应为 true 或 false，"
                          f"实际为 {show_value(base['simulation'].get('sample_parameters'))}")
    return _validate(base, source)
