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

from talentforecast.errors import ConfigError
from talentforecast.schema import LEVELS

DEFAULT_PATH = Path(__file__).parent / "data" / "params.toml"


# other supply taking the same jobs (params.toml [other_sources]) → their supply-table column
OTHER_SOURCES = {"technical_school": "supply_technical", "general_undergraduate": "supply_undergraduate",
                 "net_in_migration": "supply_in_migrants"}


def _merge(base: dict, over: dict, where: str, source: str) -> dict:
    for key, value in over.items():
        if key not in base:
            raise ConfigError(f"{source}: unknown key '{where}{key}'; expected one of {sorted(base)}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{where}{key}' must be a table, got {value!r}")
            _merge(base[key], value, f"{where}{key}.", source)
        else:
            base[key] = value
    return base


def _number(p: dict, section: str, key: str, source: str, lo: float, hi: float | None) -> None:
    v = p[section][key]
    ok = isinstance(v, int | float) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
    if not ok:
        rng = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise ConfigError(f"{source}: '{section}.{key}' must be a number {rng}, got {v!r}")


def _validate(p: dict, source: str) -> dict:
    for level in LEVELS:
        L = p["programme_length"].get(level)
        if not isinstance(L, int) or isinstance(L, bool) or not 1 <= L <= 8:
            raise ConfigError(f"{source}: 'programme_length.{level}' must be an integer 1..8, got {L!r}")
        band = p["entry_age"].get(level)
        if not (isinstance(band, list) and len(band) == 2 and all(isinstance(a, int) for a in band)
                and 0 <= band[0] <= band[1]):
            raise ConfigError(f"{source}: 'entry_age.{level}' must be [age_from, age_to], got {band!r}")
        _number(p, "retention", level, source, 0.0, 1.0)
        rr = p["retention_range"].get(level)
        ok = (isinstance(rr, list) and len(rr) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool)
                                                             for x in rr) and 0 <= rr[0] <= p["retention"][level] <= rr[1] <= 1)
        if not ok:
            raise ConfigError(f"{source}: 'retention_range.{level}' must be [low, high] with 0 <= low <= "
                              f"retention.{level} ({p['retention'][level]}) <= high <= 1, got {rr!r}")
    for section in ("completion", "further_study"):
        if p[section]["group"] not in ("category", "class"):
            raise ConfigError(f"{source}: '{section}.group' must be 'category' or 'class', "
                              f"got {p[section]['group']!r}")
        if p[section]["prior_strength"] != "auto":
            _number(p, section, "prior_strength", source, 0.0, None)
        _number(p, section, "min_sd", source, 0.0, 1.0)
        for level in LEVELS:
            _number(p[section], "default_rate", level, f"{source} [{section}]", 0.0, 2.0)
    for section in ("completion", "further_study"):
        w = p[section]["window"]
        if not isinstance(w, int) or isinstance(w, bool) or w < 0:
            raise ConfigError(f"{source}: '{section}.window' must be an integer >= 0, got {w!r}")
    for src in OTHER_SOURCES:
        for level in LEVELS:
            lo = -1.0 if src == "net_in_migration" else 0.0
            _number(p["other_sources"], src, level, f"{source} [other_sources]", lo, 5.0)
    _number(p, "population", "annual_survival", source, 0.0, 1.0)
    if not isinstance(p["forecast"]["models"], str | list):
        raise ConfigError(f"{source}: 'forecast.models' must be a model name or list, got {p['forecast']['models']!r}")
    n = p["simulation"]["n_draws"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 50:
        raise ConfigError(f"{source}: 'simulation.n_draws' must be an integer >= 50, got {n!r}")
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
        talentforecast.errors.ConfigError: params (dict): 'retention.中职' must be a number in [0.0, 1.0], got 1.5
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
                raise ConfigError(f"{source}: cannot read parameters: {exc}") from exc
        elif isinstance(params, dict):
            source, over = "params (dict)", copy.deepcopy(params)
        else:
            raise ConfigError(f"params must be a dict or a TOML path, got {type(params).__name__}")
        base = _merge(base, over, "", source)
    if not isinstance(base["simulation"].get("sample_parameters"), bool):
        raise ConfigError(f"{source}: 'simulation.sample_parameters' must be true or false, "
                          f"got {base['simulation'].get('sample_parameters')!r}")
    return _validate(base, source)
