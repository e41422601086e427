"""One exception tree for the whole library, rooted at :class:`TalentForecastError`."""

from __future__ import annotations

from dataclasses import dataclass


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
    """A policy, scenario or parameter file (TOML/CSV) is invalid; the message names file and key.

    Example:
        >>> from talentforecast.warning import load_policy
        >>> try:
        ...     load_policy("no-such-policy")
        ... except ConfigError:
        ...     print("ConfigError")
        ConfigError
    """


class ModelError(TalentForecastError):
    """A model was asked for something it cannot do (capability check) or failed to fit.

    Example:
        >>> issubclass(ModelError, TalentForecastError)
        True
    """


class TalentForecastWarning(UserWarning):
    """Something the library did that the user should know about, e.g. forecasts that fell back
    to another model; the details are also kept in machine-readable form (see the message).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warnings.warn("2 of 10 forecasts fell back", TalentForecastWarning)
        >>> caught[0].category.__name__
        'TalentForecastWarning'
    """


class OutputError(TalentForecastError):
    """An output could not be written.

    Example:
        >>> import talentforecast as tf
        >>> r = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)
        >>> try:
        ...     r.save("out", formats=("xls",))
        ... except OutputError:
        ...     print("OutputError")
        OutputError
    """
