"""Generator parameters (``data/example_params.toml``) and small year-path helpers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

from talentforecast.errors import ConfigError

PARAMS_PATH = Path(__file__).resolve().parent / "data" / "example_params.toml"


def load_params(path: str | Path | None = None) -> dict:
    """Read the generator's TOML parameters (the shipped file by default)."""
    path = Path(path) if path is not None else PARAMS_PATH
    try:
        with open(path, "rb") as f:
            params = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read generator parameters: {exc}",
                          zh=f"{path}：无法读取示例数据生成器的参数（{exc}）") from exc
    for key in ("region", "districts", "industries", "school", "offerings", "outcomes", "world"):
        if key not in params:
            raise ConfigError(f"{path}: key '{key}' missing; expected the example generator's parameters",
                              zh=f"{path}：缺少键 '{key}'；应为示例数据生成器的参数文件")
    return params


def _anchors(path: dict) -> tuple[np.ndarray, np.ndarray]:
    keys = sorted(path, key=int)
    return np.array([int(k) for k in keys]), np.array([float(path[k]) for k in keys])


def step(path: dict, year: int) -> float:
    """Value of a step path ``{start_year: value}`` in ``year`` (first value before the first key)."""
    xs, ys = _anchors(path)
    i = np.searchsorted(xs, year, side="right") - 1
    return float(ys[max(i, 0)])


def interp(path: dict, year: int) -> float:
    """Linear interpolation between anchor years, flat outside them."""
    xs, ys = _anchors(path)
    return float(np.interp(year, xs, ys))


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total``."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    rest = int(total - out.sum())
    if rest:
        out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out
