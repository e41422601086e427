"""Fuzzing the readers: whatever the file holds, only a TalentForecastError may escape ``read_table``.

Example counts are bounded for the suite; ``benchmarks/fuzz_readers.py`` runs many more by
setting ``TF_FUZZ_SCALE`` (a multiplier on every ``max_examples`` below).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import talentforecast as tf
from talentforecast.errors import TalentForecastError
from talentforecast.schema import TABLES

SCALE = float(os.environ.get("TF_FUZZ_SCALE", "1"))
KINDS = sorted(TABLES)


def fuzz(base: int) -> settings:
    """Bounded, derandomized in the suite (no flaky CI); random and larger when scaled up."""
    return settings(max_examples=max(1, int(base * SCALE)), deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), derandomize=SCALE == 1)
_DIR = Path(tempfile.mkdtemp(prefix="tf-fuzz-"))


def _read(data: bytes, suffix: str, kind: str) -> None:
    path = _DIR / f"case{suffix}"
    path.write_bytes(data)
    try:
        tf.read_table(path, kind)
    except TalentForecastError:
        pass


ALIASES = sorted({a for t in TABLES.values() for c in t.columns for a in (c.name, *c.aliases)})
HEADER_CELL = st.one_of(
    st.sampled_from(ALIASES),
    st.sampled_from(ALIASES).map(lambda a: f"{a}（万人）"),
    st.sampled_from(ALIASES).map(lambda a: f"{a}(亿元)"),
    st.text(max_size=8),
)
VALUE_CELL = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["610101", "10101", "510203.0", "9.9E+05", "990101", "C", "c", "1", "Z9", "合计", "注：x",
                     "2020年", "１２３", "1,234", "12,34", "中职", "高职", "", " ", "NaN", "-", "4-01-06-01",
                     "4010601", "１２,３４５", "2020年度", "−5", "1e400", "0x10", "١٢٣"]),
    st.text(max_size=12),
)
ENCODING = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])


@st.composite
def csv_texts(draw) -> tuple[bytes, str]:
    sep = draw(st.sampled_from([",", "\t", ";", "|"]))
    width = draw(st.integers(1, 9))
    lines = []
    for _ in range(draw(st.integers(0, 2))):  # title rows
        lines.append(draw(st.text(max_size=20)))
    kind = draw(st.sampled_from(KINDS))
    spec = TABLES[kind]
    names = [draw(st.sampled_from((c.name, *c.aliases))) for c in spec.columns]
    header = draw(st.lists(HEADER_CELL, min_size=width, max_size=width)) if draw(st.booleans()) else names
    lines.append(sep.join(header))
    for _ in range(draw(st.integers(0, 6))):
        n = draw(st.integers(0, len(header) + 2))
        cells = draw(st.lists(VALUE_CELL, min_size=n, max_size=n))
        if draw(st.booleans()):
            cells = [f'"{c}"' for c in cells]
        lines.append(sep.join(cells))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines).encode(draw(ENCODING), errors="replace"), kind


@fuzz(50)
@given(data=st.binary(max_size=600), kind=st.sampled_from(KINDS), suffix=st.sampled_from([".csv", ".txt"]))
def test_random_bytes(data, kind, suffix):
    _read(data, suffix, kind)


@fuzz(120)
@given(case=csv_texts())
def test_random_csv_text(case):
    data, kind = case
    _read(data, ".csv", kind)


def _example_bytes(kind: str) -> bytes:
    from talentforecast.datasets import example_dir

    lines = (example_dir() / f"{kind}.csv").read_bytes().splitlines(keepends=True)
    return b"".join(lines[:6])


@fuzz(60)
@given(kind=st.sampled_from(["employment", "enrolment", "outcomes", "population", "regions", "postings"]),
       edits=st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=0, max_size=3), st.booleans()), max_size=6))
def test_mutated_example_files(kind, edits):
    data = bytearray(_example_bytes(kind))
    for pos, chunk, replace in edits:
        pos %= max(1, len(data))
        data[pos:pos + (len(chunk) if replace else 0)] = chunk
    _read(bytes(data), ".csv", kind)


XLSX_CELL = st.one_of(
    st.none(), st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.text(max_size=10).map(lambda s: "".join(ch for ch in s if ch.isprintable())),
    st.sampled_from(ALIASES), st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)


@fuzz(25)
@given(kind=st.sampled_from(KINDS), rows=st.lists(st.lists(XLSX_CELL, max_size=8), max_size=6),
       use_names=st.booleans(), merge=st.booleans())
def test_random_xlsx_cells(kind, rows, use_names, merge):
    wb = openpyxl.Workbook()
    ws = wb.active
    if use_names:
        ws.append([c.aliases[0] if c.aliases else c.name for c in TABLES[kind].columns])
    for row in rows:
        ws.append(row)
    if merge and ws.max_column > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    buf = io.BytesIO()
    wb.save(buf)
    _read(buf.getvalue(), ".xlsx", kind)


@fuzz(20)
@given(kind=st.sampled_from(KINDS),
       cols=st.dictionaries(st.sampled_from(ALIASES), st.lists(st.one_of(st.none(), st.integers(-5, 10**6),
                                                                          st.text(max_size=6)), min_size=3, max_size=3),
                            max_size=8))
def test_random_parquet(kind, cols):
    df = pd.DataFrame({k: pd.Series(v, dtype=object).astype(str) if any(isinstance(x, str) for x in v) else v
                       for k, v in cols.items()})
    buf = io.BytesIO()
    try:
        df.to_parquet(buf, index=False)
    except Exception:  # noqa: BLE001  pyarrow cannot write this mix: nothing to read
        return
    _read(buf.getvalue(), ".parquet", kind)


PANEL_CELL = st.one_of(VALUE_CELL, st.sampled_from(["2019", "2020", "2021", "2022", "2023", "a", "b", "城市|C"]),
                       st.integers(2015, 2025).map(str), st.floats(0, 1e6).map(lambda v: f"{v:.2f}"))


@st.composite
def panel_texts(draw) -> bytes:
    """A forecast panel (unique_id, ds, y) with bad cells, ragged rows, repeats and gaps mixed in."""
    sep = draw(st.sampled_from([",", "\t", ";"]))
    header = draw(st.sampled_from([["unique_id", "ds", "y"], ["unique_id", "ds", "y", "region"], ["id", "ds", "y"],
                                   ["unique_id", "ds", "y", "y"], ["unique_id", "", "ds", "y"]]))
    lines = [sep.join(header)]
    for i in range(draw(st.integers(0, 12))):
        if draw(st.booleans()):
            row = [draw(st.sampled_from(["a", "b"])), str(2012 + i % 8), f"{100 + i:.1f}"]
        else:
            row = draw(st.lists(PANEL_CELL, min_size=0, max_size=len(header) + 1))
        lines.append(sep.join(row))
    return "\n".join(lines).encode(draw(ENCODING), errors="replace")


@fuzz(60)
@given(data=st.one_of(panel_texts(), st.binary(max_size=300)), h=st.integers(1, 3))
def test_forecast_panel_files(data, h):
    """``talentforecast forecast PANEL``'s path: whatever the file, read_panel + forecast raise
    only a TalentForecastError, and a problem that names a row names a line of the file."""
    from talentforecast.errors import InputError
    from talentforecast.forecasting import forecast, read_panel

    path = _DIR / "panel.csv"
    path.write_bytes(data)
    try:
        forecast(read_panel(path), h=h, models="naive")
    except InputError as err:
        n_lines = max(1, data.count(b"\n") + data.count(b"\r") + 1)
        assert all(p.row is None or 1 <= p.row <= n_lines for p in err.problems), err.render("en")
    except TalentForecastError:
        pass
