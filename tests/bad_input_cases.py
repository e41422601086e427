"""What the two bad-input catalogues share: a case, a CSV maker and the check each case gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.errors import InputError


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    make: Callable[[Path], Path]
    error: tuple | None = None  # (column, row, value substring or None, expected substring)
    note: str | None = None  # substring of a recorded normalisation
    check: Callable[[pd.DataFrame], bool] | None = None


def csv(text: str | bytes, encoding: str = "utf-8", name: str = "t.csv") -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return p
    return make


def check_case(case: Case, tmp_path: Path, *, other_notes_allowed: bool) -> None:
    """Read the case's file: the expected problem (naming the file, in Chinese without Python
    reprs) or the expected note and check; without a note, no note unless ``other_notes_allowed``."""
    path = case.make(tmp_path)
    if case.error is not None:
        column, row, value, expected = case.error
        with pytest.raises(InputError) as info:
            tf.read_table(path, case.kind)
        hits = [p for p in info.value.problems
                if p.column == column and (row is None or p.row == row)
                and (value is None or value in str(p.value)) and expected in p.expected]
        assert hits, f"no problem like {case.error} in:\n{info.value.render('en')}"
        zh = info.value.render("zh")
        assert str(path) in str(hits[0]) and str(path) in zh
        assert "np.float64" not in zh and "datetime.datetime" not in zh
        return
    df = tf.read_table(path, case.kind)
    notes = [n["normalisation"] for n in df.attrs["normalisations"]]
    if case.note is not None:
        assert any(case.note in n for n in notes), notes
    elif not other_notes_allowed:
        assert notes == []
    if case.check is not None:
        assert case.check(df)
