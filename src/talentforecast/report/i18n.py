"""Report text in Chinese and English, read from the shipped ``data/strings.toml``.

Example:
    >>> from talentforecast.report.i18n import Strings
    >>> Strings("en")("sections.summary")
    '1 Summary'
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from talentforecast.errors import ConfigError

LANGS = ("zh", "en")
_DATA = resources.files("talentforecast.report") / "data"


@cache
def _strings() -> dict:
    """``strings.toml`` merged with ``strings_chapters.toml`` (the written chapters' sentences)."""
    out = tomllib.loads((_DATA / "strings.toml").read_text(encoding="utf-8"))
    extra = _DATA / "strings_chapters.toml"
    if extra.is_file():
        _merge(out, tomllib.loads(extra.read_text(encoding="utf-8")))
    return out


def _merge(into: dict, new: dict) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def load_settings(path: str | Path | None = None) -> dict:
    """Layout settings: the shipped ``settings.toml``, updated by the keys of ``path`` if given."""
    settings = tomllib.loads((_DATA / "settings.toml").read_text(encoding="utf-8"))
    if path is None:
        return settings
    try:
        user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read report settings: {exc}",
                          zh=f"{path}：无法读取报告设置：{exc}") from exc
    for key, value in user.items():
        if key not in settings:
            raise ConfigError(f"{path}: unknown key '{key}'; expected one of {sorted(settings)}",
                              zh=f"{path}：未知的配置项 {key}；应为以下之一：{sorted(settings)}")
        if isinstance(value, dict):
            settings[key] = {**settings[key], **value}
        else:
            settings[key] = value
    return settings


class Strings:
    """Look up report text by dotted key (``"sections.summary"``) in one language."""

    def __init__(self, lang: str = "zh"):
        if lang not in LANGS:
            raise ConfigError(f"lang must be one of {LANGS}, got {lang!r}",
                              zh=f"参数 lang 的值为 {lang!r}；应为 {LANGS} 之一")
        self.lang = lang
        self._table = _strings()[lang]

    def __call__(self, key: str, **fmt) -> str:
        node = self._table
        for part in key.split("."):
            node = node[part]
        return node.format(**fmt) if fmt else node

    def get(self, group: str, key: object, default: str | None = None) -> str:
        """Text for ``key`` in ``group`` (columns, bands, levels, what); ``default`` or the key itself if absent."""
        value = self._table.get(group, {}).get(str(key))
        if value is None:
            return str(key) if default is None else default
        return value

    def column(self, name: str) -> str:
        return self.get("columns", name)

    def band(self, value: object) -> str:
        return self._coded("bands", value)

    def level(self, value: object) -> str:
        return self._coded("levels", value)

    def _coded(self, group: str, value: object) -> str:
        # Stages may already emit Chinese labels; translate them back to the code first.
        if value is None or (isinstance(value, float) and value != value):
            return "—"
        return self._table[group].get(code_of(group, value), str(value))


def code_of(group: str, value: object) -> str:
    """The code (``"shortage"``, ``"red"``) of a band or level given as code or Chinese label."""
    text = str(value)
    table = _strings()["zh"][group]
    if text in table:
        return text
    return next((code for code, label in table.items() if label == text), text)


def section_keys() -> list[str]:
    """Section keys in report order."""
    return list(_strings()["zh"]["sections"])
