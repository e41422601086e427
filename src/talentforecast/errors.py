"""One exception tree for the whole library, rooted at :class:`TalentForecastError`.

Messages are Chinese by default and English on request: :func:`set_lang` (the CLI's ``--lang``),
or ``err.render("en")``. Values are shown as the user typed them, never as Python reprs.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import dataclass

_LANG = ["en" if os.environ.get("TALENTFORECAST_LANG") == "en" else "zh"]


def set_lang(lang: str) -> str:
    """Set the language of error messages ("zh" default, or "en"); returns the previous one.

    Example:
        >>> old = set_lang("en"); _ = set_lang(old)
        >>> old in ("zh", "en")
        True
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang}")
    old, _LANG[0] = _LANG[0], lang
    return old


def get_lang() -> str:
    """The current language of error messages ("zh" or "en").

    Example:
        >>> get_lang() in ("zh", "en")
        True
    """
    return _LANG[0]


def show_value(value: object) -> str:
    """A cell value as the user would write it: no ``np.float64(…)`` or ``datetime.datetime(…)``.

    Example:
        >>> import numpy as np, datetime as dt
        >>> show_value(np.float64(63.0)), show_value(dt.datetime(2020, 1, 1)), show_value("八十")
        ('63', '2020-01-01', "'八十'")
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        try:
            value = value.item()  # numpy / pandas scalars to Python
        except (ValueError, TypeError, AttributeError):
            return str(value)
        if isinstance(value, str):
            return f"'{value}'"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:g}" if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    if type(value).__module__.startswith("pandas") and "Timestamp" in type(value).__name__:
        return show_value(value.to_pydatetime())
    return str(value)


class TalentForecastError(Exception):
    """Root of every error the library raises on purpose.

    Example:
        >>> import talentforecast as tf
        >>> try:
        ...     tf.read_table("no_such_file.csv", "employment")
        ... except tf.TalentForecastError as err:  # catches InputError, ConfigError, ...
        ...     print(type(err).__name__)
        InputError
    """


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what was expected.

    Example:
        >>> str(Problem("enrolment.csv", "enrolled", 3, "八十", "a number (persons)"))
        "enrolment.csv, column 'enrolled', row 3: got '八十'; expected a number (persons)"
    """

    file: str
    column: str | None
    row: int | None  # 1-based line in the file (header is line 1); None for whole-table problems
    value: object
    expected: str
    expected_zh: str | None = None  # the same in Chinese; English is shown when missing
    rows: str | None = None  # several rows of one problem, e.g. "2-1001 (1000 rows)"

    def render(self, lang: str = "en") -> str:
        """The problem in ``lang`` ("zh" or "en")."""
        if lang == "zh":
            where = f"文件 {self.file}"
            if self.column is not None:
                where += f"，列 '{self.column}'"
            if self.row is not None:
                where += f"，第 {self.row} 行"
            if self.rows:
                where += f"（行 {self.rows}）"
            value = "" if self.value is None else f"：值为 {show_value(self.value)}"
            return f"{where}{value}；应为 {self.expected_zh or self.expected}"
        where = self.file
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.row is not None:
            where += f", row {self.row}"
        if self.rows:
            where += f" (rows {self.rows})"
        value = "" if self.value is None else f": got {show_value(self.value)}"
        return f"{where}{value}; expected {self.expected}"

    def __str__(self) -> str:
        return self.render("en")


class InputError(TalentForecastError, ValueError):
    """Bad input data. Lists every problem found, each naming file, column, row and value.

    Example:
        >>> err = InputError([Problem("a.csv", "year", 3, "x", "an integer year")])
        >>> "a.csv, column 'year', row 3" in err.render("en")
        True
    """

    def __init__(self, problems: list[Problem] | str, file: str | None = None, lang: str | None = None,
                 expected_zh: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(file or "<input>", None, None, None, problems, expected_zh)]
        self.problems = list(problems)
        self.lang = lang or get_lang()
        super().__init__(self.render(self.lang))

    def render(self, lang: str = "en", limit: int = 50) -> str:
        """Every problem (at most ``limit``, then a count of the rest) in ``lang``.

        Example:
            >>> print(InputError([Problem("a.csv", "year", 3, "x", "an integer year", "整数年份")]).render("zh"))
            输入有 1 个问题：
              - 文件 a.csv，列 'year'，第 3 行：值为 'x'；应为 整数年份
        """
        n = len(self.problems)
        head = f"输入有 {n} 个问题：" if lang == "zh" else f"{n} problem(s) in input:"
        lines = [head] + [f"  - {p.render(lang)}" for p in self.problems[:limit]]
        if n > limit:
            lines.append(f"  …… 另有 {n - limit} 个问题未列出" if lang == "zh" else f"  ... and {n - limit} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render(self.lang)


class _TwoLanguages(TalentForecastError):
    """An error with one English message and optionally its Chinese text (``zh``), shown when the
    language is "zh" (the default); English when no Chinese text was given."""

    def __init__(self, message: str, zh: str | None = None):
        self.message_en, self.message_zh = message, zh
        super().__init__(message)

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (English when no Chinese text was given)."""
        return self.message_zh if lang == "zh" and self.message_zh else self.message_en

    def __str__(self) -> str:
        return self.render(get_lang())


class ConfigError(_TwoLanguages, ValueError):
    """A policy, scenario or parameter file (TOML/CSV) is invalid; the message names file and key.

    ``zh`` gives the Chinese message, shown when the language is "zh" (the default).

    Example:
        >>> from talentforecast.warning import load_policy
        >>> try:
        ...     load_policy("no-such-policy")
        ... except ConfigError:
        ...     print("ConfigError")
        ConfigError
    """


class ModelError(_TwoLanguages):
    """A model was asked for something it cannot do (capability check) or failed to fit.

    ``zh`` gives the Chinese message, shown when the language is "zh" (the default); a failure
    recorded as a fallback's detail keeps the English one.

    Example:
        >>> err = ModelError("unknown model 'x'", zh="未知模型 'x'")
        >>> err.render("en"), err.render("zh")
        ("unknown model 'x'", "未知模型 'x'")
    """


class OutputError(_TwoLanguages):
    """An output could not be written. ``zh`` gives the Chinese message, shown when the language is
    "zh" (the default).

    Example:
        >>> import talentforecast as tf
        >>> r = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)
        >>> try:
        ...     r.save("out", formats=("xls",))
        ... except OutputError:
        ...     print("OutputError")
        OutputError
    """


class TalentForecastWarning(UserWarning):
    """Something the user should know happened, e.g. a forecast fell back to another model.

    The run records these in its manifest (``fallbacks``); ``details`` carries structured fields.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     warnings.warn(TalentForecastWarning("2 series fell back to naive"))
        >>> w[0].category.__name__
        'TalentForecastWarning'
    """

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = dict(details or {})
