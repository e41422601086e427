"""One exception tree for the whole library, rooted at :class:`TalentForecastError`."""

from __future__ import annotations

from dataclasses import dataclass


class TalentForecastError(Exception):
    """Root of every error the library raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what was expected."""

    file: str
    column: str | None
    row: int | None  # 1-based line in the file (header is line 1); None for whole-table problems
    value: object
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.row is not None:
            where += f", row {self.row}"
        value = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{value}; expected {self.expected}"


class InputError(TalentForecastError, ValueError):
    """Bad input data. Lists every problem found, each naming file, column, row and value.

    Example:
        >>> err = InputError([Problem("a.csv", "year", 3, "x", "an integer year")])
        >>> "a.csv, column 'year', row 3" in str(err)
        True
    """

    def __init__(self, problems: list[Problem] | str, file: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(file or "<input>", None, None, None, problems)]
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in input:"] + [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))


class ConfigError(TalentForecastError, ValueError):
    """A policy, scenario or parameter file (TOML/CSV) is invalid."""


class ModelError(TalentForecastError):
    """A model was asked for something it cannot do (capability check) or failed to fit."""


class OutputError(TalentForecastError):
    """An output could not be written."""
