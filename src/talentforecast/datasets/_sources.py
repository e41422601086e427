"""Readers for the real public aggregates the example generator starts from (``data/sources``).

Only the generator reads these; ``load_example()`` reads the committed CSVs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from talentforecast.errors import ConfigError

_PKG = Path(__file__).resolve().parent
REPO_ROOT = _PKG.parents[2]
SOURCES = REPO_ROOT / "data" / "sources"
CATALOG = _PKG.parent / "catalogs" / "data" / "vocational"

CENSUS = "cn-census-age-province/census_population_by_age_sex_province_2010_2020.csv"
GDP = "cn-gdp-province/gdp_2015_2024.csv"
NBS = "cn-education-nbs/national_education_long.csv"
OPEN_BAND_TO = 120  # the census's "100岁及以上" band is stored as age 100..120


def source_path(rel: str) -> Path:
    path = SOURCES / rel
    if not path.is_file():
        raise ConfigError(
            f"{path}: source file not found; generate() needs a source checkout with data/sources/",
            zh=f"{path}：找不到源数据文件；generate() 需要含 data/sources/ 的源代码目录",
        )
    return path


def census_bands(province: str) -> pd.DataFrame:
    """Census persons by 5-year band for ``province``: year, age_from, age_to, population."""
    path = source_path(CENSUS)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    raw = raw[raw["area"] == province]
    if sorted(raw["year"]) != [2010, 2020]:
        raise ConfigError(f"{path}: expected census years 2010 and 2020 for area {province!r}",
                          zh=f"{path}：地区 {province!r} 应有 2010 年和 2020 年的人口普查数据")
    rows = []
    for col in raw.columns:
        m = re.fullmatch(r"(\d+)(?:-(\d+))?岁(及以上)?-小计", col)
        if not m:
            continue
        lo = int(m.group(1))
        hi = OPEN_BAND_TO if m.group(3) else int(m.group(2) or lo)
        for year, value in zip(raw["year"], raw[col], strict=True):
            rows.append((int(year), lo, hi, int(value)))
    out = pd.DataFrame(rows, columns=["year", "age_from", "age_to", "population"])
    return out.sort_values(["year", "age_from"], ignore_index=True)


def sector_value_added(province: str) -> pd.DataFrame:
    """Provincial value added by sector, 亿元: year, sector (1/2/3), value."""
    path = source_path(GDP)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    raw = raw[raw["省份"].str.startswith(province)]
    if raw.empty:
        raise ConfigError(f"{path}: no rows for province {province!r}", zh=f"{path}：没有省份 {province!r} 的行")
    cols = {"第一产业": 1, "第二产业": 2, "第三产业": 3}
    long = raw.melt(id_vars="年份", value_vars=list(cols), var_name="sector", value_name="value")
    long["sector"] = long["sector"].map(cols)
    return long.rename(columns={"年份": "year"}).sort_values(["sector", "year"], ignore_index=True)


def national_entrants() -> pd.DataFrame:
    """National new entrants (万人) by level: year, level (中职/高职专科), value."""
    path = source_path(NBS)
    raw = pd.read_csv(path)
    names = {"中等职业教育招生数 (万人)": "中职", "专科招生数 (万人)": "高职专科"}
    raw = raw[(raw["measure"] == "new_entrants") & raw["indicator"].isin(names)]
    out = pd.DataFrame({"year": raw["year"].astype(int), "level": raw["indicator"].map(names),
                        "value": raw["value_10k_persons"].astype(float)})
    return out.sort_values(["level", "year"], ignore_index=True)


def catalogue() -> pd.DataFrame:
    """The vocational specialty catalogue with canonical levels (职教本科 → 职业本科)."""
    path = CATALOG / "vocational_catalog.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["level"] = df["level"].replace({"职教本科": "职业本科"})
    return df


def occupation_crosswalk() -> pd.DataFrame:
    """Specialty → occupation rows of the bundled crosswalk (vocational levels only)."""
    path = CATALOG / "major_occupation_crosswalk.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)
