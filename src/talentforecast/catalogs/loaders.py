"""Loaders for the bundled catalogues: specialties, GB/T 4754-2017 industries, specialty→occupation.

Every loader reads package data once (cached) and returns a fresh copy, so callers may modify
what they get. The raw files and their provenance are in ``catalogs/data/*/SOURCE.txt``.

Example:
    >>> from talentforecast.catalogs import specialties, industries
    >>> len(specialties()), len(industries())
    (1443, 117)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.schema import LEVELS

LEVEL_EN = {"中职": "secondary vocational", "高职专科": "higher vocational (associate)",
            "职业本科": "vocational bachelor"}
# The source spells 职业本科 as 职教本科 and uses English slugs in the crosswalk file.
_LEVEL_FROM_SOURCE = {"中职": "中职", "高职专科": "高职专科", "职教本科": "职业本科",
                      "secondary_vocational": "中职", "higher_vocational_associate": "高职专科",
                      "vocational_bachelor": "职业本科", "undergraduate": "普通本科"}
ADDED_2025_NOTE = "2025年12月新增"


def data_path(*parts: str):
    """Path (a Traversable) of a file shipped in ``talentforecast/catalogs/data``.

    Example:
        >>> data_path("gbt4754", "SOURCE.txt").name
        'SOURCE.txt'
    """
    return resources.files("talentforecast.catalogs").joinpath("data", *parts)


def _read(*parts: str) -> pd.DataFrame:
    with data_path(*parts).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _specialties() -> pd.DataFrame:
    raw = _read("vocational", "vocational_catalog.csv")
    out = pd.DataFrame({
        "specialty": raw["major_code"],
        "specialty_name": raw["major_name"].str.strip(),
        "level": raw["level"].map(_LEVEL_FROM_SOURCE),
        "category_code": raw["category_code"],
        "category_name": raw["category_name"].str.strip(),
        "class_code": raw["class_code"],
        "class_name": raw["class_name"].str.strip(),
        "added_2025": raw["note"].str.strip().eq(ADDED_2025_NOTE),
    })
    assert out["level"].isin(LEVELS).all() and out["specialty"].is_unique
    return out


def specialties() -> pd.DataFrame:
    """The vocational specialty catalogue (职业教育专业目录 2021, with additions to 2025-12).

    Columns: specialty (6-digit str), specialty_name, level (中职/高职专科/职业本科; the
    source's 职教本科 is renamed 职业本科), category_code, category_name (专业大类), class_code,
    class_name (专业类), added_2025 (True for the 54 specialties noted 2025年12月新增).
    Category and class codes carry the level in their first digit (农业类 is 6101 in 中职,
    4101 in 高职专科, 2101 in 职业本科); the names are shared across levels.

    Example:
        >>> s = specialties()
        >>> s.groupby("level").size().to_dict()
        {'中职': 368, '职业本科': 321, '高职专科': 754}
        >>> int(s["added_2025"].sum())
        54
    """
    return _specialties().copy()


@lru_cache(maxsize=1)
def _industries() -> pd.DataFrame:
    raw = _read("gbt4754", "gbt4754_2017.csv")
    raw = raw[raw["level"].isin(["1", "2"])]
    sections = raw["level"].eq("1")
    return pd.DataFrame({
        "industry": raw["code"].str.strip(),
        "industry_name": raw["name"].str.strip(),  # a few source names carry a trailing space
        "kind": sections.map({True: "section", False: "division"}),
        "section": raw["section"].str.strip(),
    }).reset_index(drop=True)


def industries(kind: str | None = None) -> pd.DataFrame:
    """GB/T 4754-2017 sections (门类, 20) and divisions (大类, 97).

    Columns: industry (section letter "A".."T" or 2-digit division "01".."97"), industry_name,
    kind ("section" | "division"), section (the section letter; a section's own letter).
    ``kind`` selects one of the two levels.

    Example:
        >>> industries().groupby("kind").size().to_dict()
        {'division': 97, 'section': 20}
        >>> industries("division").set_index("industry").loc["36", "industry_name"]
        '汽车制造业'
    """
    df = _industries()
    if kind is not None:
        if kind not in ("section", "division"):
            raise ValueError(f"kind must be 'section', 'division' or None, got {kind!r}")
        df = df[df["kind"] == kind].reset_index(drop=True)
    return df.copy()


@lru_cache(maxsize=1)
def _section_of() -> dict[str, str]:
    df = _industries()
    return dict(zip(df["industry"], df["section"], strict=True))


def industry_section(code: str) -> str:
    """The GB/T 4754 section of an industry code (a section maps to itself).

    Raises :class:`InputError` for a code that is not a GB/T 4754-2017 section or division.

    Example:
        >>> industry_section("36"), industry_section("G")
        ('C', 'G')
    """
    try:
        return _section_of()[str(code).strip()]
    except KeyError:
        raise InputError([Problem("<argument>", "industry", None, code,
                                  "a GB/T 4754-2017 section letter A-T or 2-digit division 01-97",
                                  _EXPECTED_ZH["industry"])]) from None


def industry_kind(code: str) -> str:
    """"section" for a section letter, "division" for a 2-digit division.

    Example:
        >>> industry_kind("C"), industry_kind("39")
        ('section', 'division')
    """
    return "section" if industry_section(code) == str(code).strip() else "division"


_EXPECTED = {
    "industry": "a GB/T 4754-2017 section letter A-T or 2-digit division 01-97",
    "specialty": "a 6-digit code in the vocational specialty catalogue",
    "level": "one of 中职, 高职专科, 职业本科",
}
_EXPECTED_ZH = {
    "industry": "GB/T 4754-2017 行业门类字母 A-T 或两位行业大类代码 01-97",
    "specialty": "职业教育专业目录中的六位专业代码",
    "level": "中职、高职专科、职业本科之一",
}


def code_problems(values: Iterable[object], kind: str, file: str = "<input>",
                  column: str | None = None, first_row: int = 2) -> list[Problem]:
    """One :class:`Problem` per value that is not a known code of ``kind``.

    ``kind`` is "industry", "specialty" or "level". Rows are numbered from ``first_row``
    (2 = the first data line of a file with one header line).

    Example:
        >>> [p.row for p in code_problems(["A", "36", "Z9"], "industry", "e.csv")]
        [4]
    """
    if kind == "industry":
        known = set(_section_of())
    elif kind == "specialty":
        known = set(_specialties()["specialty"])
    elif kind == "level":
        known = set(LEVELS)
    else:
        raise ValueError(f"kind must be 'industry', 'specialty' or 'level', got {kind!r}")
    return [Problem(file, column or kind, first_row + i, v, _EXPECTED[kind], _EXPECTED_ZH[kind])
            for i, v in enumerate(values) if not (isinstance(v, str) and v.strip() in known)]


def validate_codes(values: Iterable[object], kind: str, file: str = "<input>",
                   column: str | None = None, first_row: int = 2) -> None:
    """Raise one :class:`InputError` listing every unknown code (see :func:`code_problems`).

    Example:
        >>> validate_codes(["A", "36"], "industry")
        >>> validate_codes(["610101", "999999"], "specialty", "x.csv")
        Traceback (most recent call last):
        ...
        talentforecast.errors.InputError: 输入有 1 个问题：
          - 文件 x.csv，列 'specialty'，第 3 行：值为 '999999'；应为 职业教育专业目录中的六位专业代码
    """
    problems = code_problems(values, kind, file, column, first_row)
    if problems:
        raise InputError(problems)


@lru_cache(maxsize=1)
def _occupation_rows() -> pd.DataFrame:
    raw = _read("vocational", "major_occupation_crosswalk.csv")
    out = pd.DataFrame({
        "specialty": raw["major_code"].str.strip(),
        "specialty_name": raw["major_name"].str.strip(),
        "occupation": raw["occupation_code"].str.strip(),
        "occupation_name": raw["occupation_name"].str.strip(),
        "level": raw["level"].map(_LEVEL_FROM_SOURCE),
        "source_row": raw.index + 2,  # line in the shipped CSV
    })
    known = set(_specialties()["specialty"])
    out["reason"] = ""
    out.loc[~out["specialty"].isin(known), "reason"] = "code not in the specialty catalogue"
    out.loc[out["level"].eq("普通本科"), "reason"] = "普通本科 (general undergraduate), outside the catalogue"
    return out


def specialty_occupation() -> pd.DataFrame:
    """Specialty → occupation crosswalk (人社部 2023 对应指引, hand-collected; see SOURCE.txt).

    Columns: specialty, occupation (职业分类大典 code, e.g. "4-01-06-01"), occupation_name, level.
    Only rows whose specialty is in :func:`specialties` are returned: the source's 914
    普通本科 rows and 116 高职专科 rows for 30 codes with a K suffix (e.g. 520101K 临床医学,
    570102K 学前教育 — 国家控制专业 absent from the catalogue) are set aside, not dropped
    silently: :func:`specialty_occupation_excluded` returns them with the reason.
    262 catalogue specialties have no occupation row.

    Example:
        >>> so = specialty_occupation()
        >>> len(so), so["level"].value_counts().to_dict()
        (5434, {'高职专科': 3135, '中职': 1167, '职业本科': 1132})
    """
    rows = _occupation_rows()
    kept = rows[rows["reason"] == ""]
    return kept[["specialty", "occupation", "occupation_name", "level"]].reset_index(drop=True)


def specialty_occupation_excluded() -> pd.DataFrame:
    """Rows of the source crosswalk left out of :func:`specialty_occupation`, with the reason.

    Columns: specialty (code as in the source, e.g. "520101K"), specialty_name, occupation,
    occupation_name, level (普通本科 or the vocational level), source_row (line in the shipped
    CSV), reason.

    Example:
        >>> ex = specialty_occupation_excluded()
        >>> ex.groupby("reason").size().to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'code not in the specialty catalogue': 116,
         '普通本科 (general undergraduate), outside the catalogue': 914}
    """
    rows = _occupation_rows()
    return rows[rows["reason"] != ""].reset_index(drop=True).copy()


@lru_cache(maxsize=1)
def _section_en() -> dict[str, str]:
    df = _read("gbt4754_sections_en.csv")
    return dict(zip(df["section"], df["name_en"], strict=True))


def labels(kind: str, lang: str = "zh") -> dict[str, str]:
    """Code → display name for ``kind`` in "specialty", "industry", "section", "division",
    "category", "class", "level", "occupation".

    English names exist only for GB/T 4754 sections (China Statistical Yearbook wording,
    shipped in ``data/gbt4754_sections_en.csv``) and the three levels. Specialties, divisions,
    categories, classes and occupations have no official English names in the bundled
    sources, so with ``lang="en"`` they fall back to the code itself.

    Example:
        >>> labels("section", "en")["C"]
        'Manufacturing'
        >>> labels("division", "en")["36"], labels("division")["36"]
        ('36', '汽车制造业')
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    if kind == "level":
        return {lv: (LEVEL_EN[lv] if lang == "en" else lv) for lv in LEVELS}
    if kind in ("industry", "section", "division"):
        df = _industries() if kind == "industry" else industries(kind)
        codes, names = df["industry"], df["industry_name"]
        if lang == "en":
            en = _section_en()
            names = [en.get(c, c) for c in codes]
        return dict(zip(codes, names, strict=True))
    sources = {"specialty": (_specialties(), "specialty", "specialty_name"),
               "category": (_specialties(), "category_code", "category_name"),
               "class": (_specialties(), "class_code", "class_name"),
               "occupation": (_occupation_rows(), "occupation", "occupation_name")}
    if kind not in sources:
        raise ValueError(f"unknown label kind {kind!r}; expected one of level, industry, section, "
                         f"division, {', '.join(sources)}")
    df, code, name = sources[kind]
    pairs = df[[code, name]].drop_duplicates(code)
    return dict(zip(pairs[code], pairs[code] if lang == "en" else pairs[name], strict=True))
