"""How the feed writes codes in CSV and JSON, so that a plain ``pd.read_csv(path)`` gets them intact.

CSV has no types: pandas reads a column whose every cell looks like a number as numbers, so a
GB/T 4754 division ``06`` comes back as ``6``. Codes are therefore written in a form that cannot
be mistaken for a number where their code system allows a leading zero:

* **industry** (GB/T 4754-2017): a division is written with its section letter, the composite form
  of a GB/T 4754 code (``06`` → ``B06``: section B 采矿业, division 06 煤炭开采和洗选业); sections
  (``B``) and the all-industry total ``_T`` stay as they are. Parquet and DuckDB keep the plain
  code (``06``); :func:`plain_codes` (and ``read_feed(..., fmt="csv")``) map the text form back.
* regions (GB/T 2260 and the 统计用区划代码 start with the province code 11–82), specialties and
  专业大类 (the 2021 catalogue, the only one the inputs accept: codes start with 2–7) and
  occupations (职业分类大典 ``4-01-06-01``, with hyphens) need no text form: they are written
  verbatim. A column of digit codes comes back as integers (as floats where a cell is blank),
  whose digits are the code.

Codes the user chose (a school code, a region code outside GB/T 2260) may still be digits with
a leading zero; :func:`plain_read_losses` finds such columns, and the export lists them in
``feed.json`` (``csv_needs_dtype``) and warns, so nothing is lost silently.

Example:
    >>> import pandas as pd
    >>> t = text_codes(pd.DataFrame({"industry": ["06", "B", "_T"], "industry_name_en": ["06", "Mining", None]}))
    >>> t.values.tolist()
    [['B06', 'B06'], ['B', 'Mining'], ['_T', None]]
    >>> plain_codes(t)["industry"].tolist()
    ['06', 'B', '_T']
"""

from __future__ import annotations

import functools

import pandas as pd

from talentforecast.export.spec import FeedSpec, feed_spec

__all__ = ["plain_codes", "plain_read_losses", "text_codes"]


@functools.cache
def _industry_maps() -> tuple[dict[str, str], dict[str, str]]:
    from talentforecast import catalogs

    ind = catalogs.industries()
    div = ind[ind["kind"] == "division"]
    to_text = dict(zip(div["industry"], div["section"] + div["industry"], strict=True))
    return to_text, {v: k for k, v in to_text.items()}


def _maps(form: str) -> tuple[dict[str, str], dict[str, str]]:
    if form == "gbt4754_composite":
        return _industry_maps()
    raise KeyError(form)


def _columns(df: pd.DataFrame, spec: FeedSpec) -> list[tuple[str, str, tuple[str, ...]]]:
    """(code column, text form, its label columns) for the columns of ``df`` that have a text form."""
    return [(c, v["text_form"], tuple(x for x in spec.labels.get(c, ()) if x in df.columns))
            for c, v in spec.vocabulary.items() if v.get("text_form") and c in df.columns]


def _convert(df: pd.DataFrame, spec: FeedSpec | None, forward: bool) -> pd.DataFrame:
    spec = spec or feed_spec()
    cols = _columns(df, spec)
    if not cols:
        return df
    out = df.copy()
    for code, form, labels in cols:
        table = _maps(form)[0 if forward else 1]
        old = df[code]
        new = old.map(lambda v, t=table: t.get(v, v) if isinstance(v, str) else v)
        out[code] = new.astype(old.dtype)
        for lab in labels:  # a label that falls back to the code (industry_name_en of a division) follows it
            same = df[lab].notna() & old.notna() & (df[lab].astype(object) == old.astype(object))
            out[lab] = df[lab].where(~same, new).astype(df[lab].dtype)
    return out


def text_codes(df: pd.DataFrame, spec: FeedSpec | None = None) -> pd.DataFrame:
    """``df`` with every code column that has a text form (``text_form`` in ``feed_tables.toml``)
    written in it, and label cells that fall back to the code likewise; codes outside the
    catalogue are left as they are.

    Example:
        >>> text_codes(pd.DataFrame({"industry": ["13", "C", "ZZ"]}))["industry"].tolist()
        ['C13', 'C', 'ZZ']
    """
    return _convert(df, spec, forward=True)


def plain_codes(df: pd.DataFrame, spec: FeedSpec | None = None) -> pd.DataFrame:
    """The inverse of :func:`text_codes`: ``B06`` → ``06``. A letter that is not the division's
    section (``A06``) is left as it is, never guessed.

    Example:
        >>> plain_codes(pd.DataFrame({"industry": ["B06", "A06", "B"]}))["industry"].tolist()
        ['06', 'A06', 'B']
    """
    return _convert(df, spec, forward=False)


def plain_read_losses(df: pd.DataFrame) -> list[str]:
    """Text columns of ``df`` that a plain ``pd.read_csv`` would not give back: every cell digits
    (so pandas reads numbers) and some code with a leading zero, or too long for a float.

    Example:
        >>> plain_read_losses(pd.DataFrame({"region": ["010101", "010102"], "school": ["1", None],
        ...                                 "specialty": ["610101", "610102"], "industry": ["B06", "C"]}))
        ['region']
    """
    out = []
    for c in df.columns:
        if pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            continue
        s = df[c].dropna()
        if s.empty or not all(isinstance(v, str) for v in s):
            continue
        s = s.astype(str)
        if s.str.fullmatch(r"[0-9]+").all() and (s.str.match(r"0[0-9]").any() or (s.str.len() > 15).any()):
            out.append(c)
    return out
