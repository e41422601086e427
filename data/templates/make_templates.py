"""Write one CSV (UTF-8 with BOM) and one XLSX template per input table, with Chinese headers.

Each template has the header row and ONE illustrative example row (from the example region 示例市,
or made up for the crosswalk tables). Replace the example row with your own data: a header-only
file is rejected on purpose (an empty table is an error).

Run:  python data/templates/make_templates.py [OUT_DIR]     (default: this folder)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from talentforecast.schema import TABLES, Table

HERE = Path(__file__).resolve().parent

# One illustrative row per table, in canonical column names. Values are valid under the data
# contract (codes exist in the bundled catalogues, level matches the specialty).
EXAMPLE_ROWS: dict[str, dict[str, object]] = {
    "employment": {"region": "990101", "industry": "C", "year": 2024, "employed": 81013,
                   "value_added": 274581, "wage": 68000},
    "postings": {"region": "990100", "occupation": "6-18-01-01", "industry": "C", "year": 2024, "quarter": 1,
                 "openings": 362, "seekers": 597},
    "enrolment": {"region": "990101", "school": "示例商贸旅游职业学院", "specialty": "530101",
                  "level": "高职专科", "year": 2024, "enrolled": 79, "in_school": 221, "graduates": 63},
    "outcomes": {"region": "990101", "school": "示例商贸旅游职业学院", "specialty": "530101", "year": 2024,
                 "graduates": 63, "employed": 53, "matched": 45, "further_study": 5, "starting_salary": 3200},
    "population": {"region": "990101", "year": 2020, "age_from": 15, "age_to": 19, "population": 52000},
    "regions": {"region": "990100", "region_name": "示例市", "parent": ""},
    "enrolment_plan": {"region": "990101", "school": "示例商贸旅游职业学院", "specialty": "530101",
                       "level": "高职专科", "year": 2025, "planned": 80},
    "specialty_industry": {"specialty": "530101", "industry": "J", "weight": 1.0, "rule": "示例 example"},
    "staffing": {"industry": "C", "occupation": "6-18-01-01", "share": 1.0},
    "destinations": {"region": "990101", "school": "示例商贸旅游职业学院", "specialty": "530101",
                     "level": "高职专科", "year": 2024, "industry": "J", "employed": 21},
}


def chinese_header(table: Table) -> list[str]:
    """The Chinese header of each column: its Chinese description when that is an accepted alias.

    Example:
        >>> chinese_header(TABLES["regions"])
        ['地区代码', '地区名称', '上级地区代码']
    """
    out = []
    for c in table.columns:
        if c.description_zh in c.aliases:
            out.append(c.description_zh)
        elif c.aliases:
            out.append(c.aliases[0])
        else:
            out.append(c.name)
    return out


def template_frame(name: str) -> pd.DataFrame:
    """The template of one table: Chinese header and the illustrative example row.

    Example:
        >>> list(template_frame("employment").columns)[:3]
        ['地区代码', '行业代码', '年份']
    """
    table = TABLES[name]
    row = EXAMPLE_ROWS[name]
    missing = [c.name for c in table.columns if c.name not in row]
    if missing:
        raise KeyError(f"example row of {name!r} lacks {missing}")
    values = [[row[c.name] for c in table.columns]]
    return pd.DataFrame(values, columns=chinese_header(table)).astype(str)


def write_templates(out_dir: str | Path = HERE) -> list[Path]:
    """Write ``<table>.csv`` (UTF-8 with BOM) and ``<table>.xlsx`` for every table in ``TABLES``.

    Example:
        >>> import tempfile
        >>> paths = write_templates(tempfile.mkdtemp())
        >>> sorted({p.suffix for p in paths})
        ['.csv', '.xlsx']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        df = template_frame(name)
        csv = out_dir / f"{name}.csv"
        df.to_csv(csv, index=False, encoding="utf-8-sig", lineterminator="\n")
        xlsx = out_dir / f"{name}.xlsx"
        with pd.ExcelWriter(xlsx, engine="openpyxl") as xw:
            df.to_excel(xw, index=False, sheet_name=name)
        written += [csv, xlsx]
    return written


if __name__ == "__main__":
    for p in write_templates(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(f"wrote {p}")
