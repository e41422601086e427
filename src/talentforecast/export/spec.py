"""The feed's contract, read from the shipped ``feed_tables.toml``, and its JSON Schema form.

Example:
    >>> from talentforecast.export.spec import feed_spec, table_schema
    >>> spec = feed_spec()
    >>> "warnings" in spec.tables and "reasons" in spec.tables["warnings"].columns
    True
    >>> table_schema("warnings")["properties"]["specialty_name_zh"]["type"]
    ['string', 'null']
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import ConfigError, InputError, Problem
from talentforecast.schema import SCHEMA_VERSION

SPEC_FILE = Path(__file__).with_name("feed_tables.toml")
META_COLUMNS = ("schema_version", "run_id", "as_of")
JSON_TYPES = {"string", "integer", "number", "boolean"}
# How to read a column back from CSV: codes stay text ("string": 010100 keeps its zero), see csv_dtype
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}


@dataclass(frozen=True)
class TextForm:
    """How a code system is written in CSV/JSON (``text_form`` in ``feed_tables.toml``): the
    pattern of the written code and what it means, in English and Chinese. See ``export.codes``."""

    name: str
    pattern: str
    en: str
    zh: str


TEXT_FORMS = {
    "gbt4754_composite": TextForm(
        "gbt4754_composite", r"^(?:[A-T]|[A-T][0-9]{2}|_T)$",
        "CSV/JSON: a GB/T 4754 division carries its section letter (composite code, 06 -> B06), so "
        "plain pd.read_csv keeps it as text; sections and the total _T as they are. Parquet/DuckDB: the "
        "plain code (06).",
        "CSV/JSON 中行业大类代码前加门类字母（GB/T 4754 组合代码，06 → B06），普通 pd.read_csv 读回仍为文本；"
        "门类与合计 _T 不变。Parquet/DuckDB 为原代码（06）。"),
}


@dataclass(frozen=True)
class FeedTable:
    name: str
    title_zh: str
    title_en: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    # CSV/JSON hold only the years from as_of − this (None: every year); Parquet/DuckDB hold all
    text_years_before_as_of: int | None = None


@dataclass(frozen=True)
class FeedSpec:
    tables: dict[str, FeedTable]
    labels: dict[str, tuple[str, ...]]
    vocabulary: dict[str, dict]
    text_decimals: int = 4  # decimals of floats in CSV/JSON (Parquet/DuckDB keep full precision)

    def label_columns(self, columns: list[str] | tuple[str, ...]) -> list[str]:
        """Label columns the feed adds for a table with these ``columns``."""
        return [lab for code in self.labels if code in columns for lab in self.labels[code]]

    def feed_columns(self, name: str) -> list[str]:
        """Contract columns of feed table ``name`` in feed order: each code column followed by its labels."""
        base = list(self.tables[name].columns)
        out = []
        for c in base:
            out.append(c)
            out.extend(lab for lab in self.labels.get(c, ()) if lab not in base)
        return out + [m for m in META_COLUMNS if m not in out]


@functools.cache
def feed_spec(path: str | Path | None = None) -> FeedSpec:
    """Load the feed contract (``feed_tables.toml``); raise :class:`ConfigError` on a bad file.

    Example:
        >>> spec = feed_spec()
        >>> spec.tables["input_summary"].columns[:2], spec.labels["region"]
        (('table', 'rows'), ('region_name_zh', 'region_name_en'))
    """
    path = Path(path) if path else SPEC_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the feed contract ({err})",
                          zh=f"{path}：无法读取数据接口规范（{err}）") from err
    vocab = raw.get("columns", {})
    for col, v in vocab.items():
        if v.get("type") not in JSON_TYPES:
            raise ConfigError(f"{path}: key columns.{col}.type must be one of {sorted(JSON_TYPES)}, got {v.get('type')!r}",
                              zh=f"{path}：配置项 columns.{col}.type 的值为 {v.get('type')!r}；"
                                 f"应为以下之一：{sorted(JSON_TYPES)}")
        if v.get("text_form") is not None and (v["type"] != "string" or v["text_form"] not in TEXT_FORMS):
            raise ConfigError(f"{path}: key columns.{col}.text_form must be one of {sorted(TEXT_FORMS)} on a "
                              f"string column, got {v['text_form']!r}",
                              zh=f"{path}：配置项 columns.{col}.text_form 的值为 {v['text_form']!r}；"
                                 f"应为 {sorted(TEXT_FORMS)} 之一，且只能用于 string 类型的列")
    labels = {k: tuple(v) for k, v in raw.get("labels", {}).items()}
    tables = {}
    for name, t in raw.get("tables", {}).items():
        cols = tuple(t.get("columns", ()))
        unknown = [c for c in (*cols, *(x for v in labels.values() for x in v)) if c not in vocab]
        if unknown:
            raise ConfigError(f"{path}: key tables.{name}.columns names {unknown}, which [columns] does not describe",
                              zh=f"{path}：配置项 tables.{name}.columns 列出的 {unknown} 在 [columns] 中没有说明")
        window = t.get("text_years_before_as_of")
        if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 0):
            raise ConfigError(f"{path}: key tables.{name}.text_years_before_as_of must be an integer >= 0, got {window!r}",
                              zh=f"{path}：配置项 tables.{name}.text_years_before_as_of 的值为 {window!r}；"
                                 "应为不小于 0 的整数")
        tables[name] = FeedTable(name, t["title_zh"], t["title_en"], tuple(t.get("key", ())), cols, window)
    decimals = raw.get("text", {}).get("decimals", 4)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 15:
        raise ConfigError(f"{path}: key text.decimals must be an integer 0-15, got {decimals!r}",
                          zh=f"{path}：配置项 text.decimals 的值为 {decimals!r}；应为 0 到 15 之间的整数")
    return FeedSpec(tables, labels, vocab, decimals)


def _json_type(dtype) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    return "string"


def table_schema(name: str, df: pd.DataFrame | None = None, spec: FeedSpec | None = None) -> dict:
    """JSON Schema (draft 2020-12) of one feed row. With ``df``, columns beyond the contract are
    listed too (optional, type from the data). Units are in ``x-unit``; descriptions in zh and en.

    Example:
        >>> s = table_schema("input_summary")
        >>> s["$id"], s["properties"]["rows"]["type"], s["properties"]["rows"]["x-unit"]
        ('talentforecast-feed/1.0.0/input_summary.schema.json', 'integer', 'count')
    """
    spec = spec or feed_spec()
    t = spec.tables[name]
    contract = spec.feed_columns(name)
    columns = contract + ([c for c in df.columns if c not in contract] if df is not None else [])
    props = {}
    for c in columns:
        v = spec.vocabulary.get(c)
        if v is None or c not in contract:
            jt = _json_type(df[c].dtype) if df is not None else "string"
            v = {"type": jt, "unit": (v or {}).get("unit", ""), "zh": (v or {}).get("zh", ""),
                 "en": (v or {}).get("en", "column passed through from the run"), "nullable": True}
        props[c] = {"type": [v["type"], "null"] if v.get("nullable") else v["type"],
                    "description": v["en"], "x-description-zh": v["zh"], "x-unit": v["unit"],
                    "x-added-by-feed": c not in t.columns, "x-pandas-dtype": PANDAS_DTYPES[v["type"]]}
        form = TEXT_FORMS.get(v.get("text_form"))
        if form is not None and c in contract:  # the written (CSV/JSON) form of the code
            props[c].update({"pattern": form.pattern, "x-text-form": form.name,
                             "x-text-form-description": form.en, "x-text-form-description-zh": form.zh})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"talentforecast-feed/{SCHEMA_VERSION}/{name}.schema.json",
        "title": t.title_en,
        "x-title-zh": t.title_zh,
        "x-schema-version": SCHEMA_VERSION,
        "x-primary-key": list(t.key),
        "type": "object",
        "properties": props,
        "required": contract,
        "additionalProperties": True,
    }


def csv_dtype(schema: dict) -> dict[str, str]:
    """The ``dtype=`` argument that reads a feed CSV back with its codes as text.

    Plain ``pd.read_csv`` turns a column of digits (region 990100, industry 01) into integers;
    ``pd.read_csv(path, dtype=csv_dtype(schema))`` keeps every text column as written. The same
    mapping is in ``feed.json`` under ``tables.<name>.csv_dtype``.

    Example:
        >>> csv_dtype(table_schema("regions"))["region"]
        'string'
    """
    return {c: p["x-pandas-dtype"] for c, p in schema["properties"].items() if p["x-pandas-dtype"] == "string"}


def feed_schema(spec: FeedSpec | None = None) -> dict:
    """Every feed table's contract columns with their JSON types, and the columns whose codes
    CSV/JSON write in a text form (with its pattern): what the golden test pins.

    Example:
        >>> fs = feed_schema()
        >>> fs["schema_version"], fs["tables"]["input_summary"]["first_year"]
        ('1.0.0', ['integer', 'null'])
        >>> fs["text_forms"]["industry"]
        ['gbt4754_composite', '^(?:[A-T]|[A-T][0-9]{2}|_T)$']
    """
    spec = spec or feed_spec()
    out = {}
    for name in spec.tables:
        props = table_schema(name, spec=spec)["properties"]
        out[name] = {c: props[c]["type"] for c in spec.feed_columns(name)}
    used = {c for name in spec.tables for c in spec.feed_columns(name)}
    forms = {c: [v["text_form"], TEXT_FORMS[v["text_form"]].pattern] for c, v in spec.vocabulary.items()
             if v.get("text_form") and c in used}
    return {"schema_version": SCHEMA_VERSION, "tables": out, "text_forms": forms}


def check_columns(name: str, df: pd.DataFrame, spec: FeedSpec | None = None) -> None:
    """Raise :class:`InputError` when run table ``name`` lacks a contract column or holds a
    column of the wrong kind (text where numbers are expected, and so on)."""
    spec = spec or feed_spec()
    problems = []
    for c in spec.tables[name].columns:
        if c not in df.columns:
            problems.append(Problem(f"run table {name}", c, None, None, f"a column '{c}' (feed contract)",
                                    "数据接口规范要求的列"))
            continue
        want = spec.vocabulary[c]["type"]
        if not _kind_ok(df[c], want):
            problems.append(Problem(f"run table {name}", c, None, str(df[c].dtype), f"a {want} column",
                                    f"{want} 类型的列"))
    if problems:
        raise InputError(problems)


def _kind_ok(s: pd.Series, want: str) -> bool:
    if s.isna().all():
        return True
    if want in ("number", "integer"):
        return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if want == "boolean":
        return pd.api.types.is_bool_dtype(s) or set(s.dropna().map(type)) <= {bool, np.bool_}
    return not pd.api.types.is_numeric_dtype(s)
