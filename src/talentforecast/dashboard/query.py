"""SQL over the feed for the list views: filter, sort and one page of rows at a time.

Filters work off whatever columns the warnings table has: a ``school`` column (专业点 rows) is
filtered directly; without it, a school selects the warnings of specialties it offers in the
warning's region or below (the feed's ``provision`` table).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from talentforecast.dashboard.data import FeedData
from talentforecast.dashboard.i18n import LEVEL_ORDER

# sortable columns of the warnings list -> SQL expression (a whitelist: never SQL from the browser)
LEVEL_RANK = "CASE warning_level " + " ".join(f"WHEN '{lv}' THEN {k}" for k, lv in enumerate(LEVEL_ORDER)) + " END"
WARN_SORT = {"region": "region", "specialty": "specialty", "level": "level", "category": "category_code",
             "warning_level": LEVEL_RANK, "probability": "probability", "previous_level": "previous_level",
             "enrol": "enrol_lo", "enrolled": "enrolled", "school": "school", "year": "year"}


@dataclass
class WarnFilter:
    """The warnings list's filters; empty values match everything.

    Example:
        >>> WarnFilter(warning_level="red").active()
        ['warning_level']
    """

    year: int | None = None
    warning_level: str | None = None
    level: str | None = None          # 中职 / 高职专科 / 职业本科
    category: str | None = None       # "level|category_code": category codes are per level
    region: str | None = None         # the warning's region (city or district rows)
    school: str | None = None
    search: str | None = None         # specialty code prefix or name part

    def active(self) -> list[str]:
        return [k for k, v in self.__dict__.items() if v not in (None, "") and k != "year"]


def region_tree(data: FeedData) -> pd.DataFrame:
    """(ancestor, region) pairs: every region with itself and each region above it."""
    if not data.has("regions") or "parent" not in data.columns("regions"):
        return pd.DataFrame(columns=["ancestor", "region"])
    regs = data.cached('SELECT CAST(region AS VARCHAR) AS region, CAST(parent AS VARCHAR) AS parent FROM "regions"')
    parent = dict(zip(regs["region"], regs["parent"], strict=True))
    rows = []
    for r in parent:
        a, seen = r, set()
        while isinstance(a, str) and a not in seen:
            rows.append((a, r))
            seen.add(a)
            a = parent.get(a)
    return pd.DataFrame(rows, columns=["ancestor", "region"])


def school_offers(data: FeedData, school: str) -> list[str]:
    """"region|specialty|level" keys a school offers, at the provision's region and every region above."""
    if not data.has("provision"):
        return []
    prov = data.sql('SELECT DISTINCT CAST(region AS VARCHAR) AS region, specialty, level FROM "provision" '
                      "WHERE CAST(school AS VARCHAR) = ?", [school])
    tree = region_tree(data)
    up = tree.groupby("region")["ancestor"].apply(list).to_dict()
    return sorted({f"{a}|{s}|{lv}" for r, s, lv in prov.itertuples(index=False) for a in up.get(r, [r])})


def latest_year(data: FeedData) -> int | None:
    if not data.has("warnings"):
        return None
    y = data.cached('SELECT max(year) AS y FROM "warnings"')["y"].iloc[0]
    return None if pd.isna(y) else int(y)


def _where(data: FeedData, f: WarnFilter) -> tuple[str, list]:
    cols = set(data.columns("warnings"))
    sql, params = ["year = ?"], [f.year if f.year is not None else latest_year(data)]
    if f.warning_level:
        sql.append("warning_level = ?")
        params.append(f.warning_level)
    if f.level:
        sql.append("level = ?")
        params.append(f.level)
    if f.category:
        lv, _, code = f.category.partition("|")
        sql.append("level = ? AND CAST(category_code AS VARCHAR) = ?")
        params += [lv, code]
    if f.region:
        sql.append("CAST(region AS VARCHAR) = ?")
        params.append(f.region)
    if f.school:
        has_rows = "school" in cols and not data.sql(
            'SELECT 1 FROM "warnings" WHERE CAST(school AS VARCHAR) = ? LIMIT 1', [f.school]).empty
        if has_rows:  # 专业点 rows carry their school
            sql.append("CAST(school AS VARCHAR) = ?")
            params.append(f.school)
        else:
            sql.append("list_contains(?, CAST(region AS VARCHAR) || '|' || specialty || '|' || level)")
            params.append(school_offers(data, f.school))
    if "planning_unit" in cols:  # city, district and 专业点 rows: show one unit at a time, never mixed
        if f.school:
            if not has_rows:  # the school's specialties, as judged for the city or district
                sql.append("planning_unit IN ('planning_region', 'district')")
        elif f.region:
            sql.append("planning_unit IN ('planning_region', 'district')")
        else:
            sql.append("planning_unit = 'planning_region'")
    if f.search:
        text = f.search.strip()
        names = [c for c in ("specialty_name_zh", "specialty_name_en") if c in cols]
        sql.append("(" + " OR ".join(["starts_with(CAST(specialty AS VARCHAR), ?)"]
                                     + [f"contains(lower(coalesce({c}, '')), lower(?))" for c in names]) + ")")
        params += [text] * (1 + len(names))
    return " AND ".join(sql), params


def _enrolled_cte(data: FeedData) -> str:
    """Current enrolment (the provision table's last year) summed over a region and the regions below."""
    return ("enr AS (SELECT t.ancestor AS region, p.specialty, p.level, sum(p.enrolled) AS enrolled "
            'FROM "provision" p JOIN _tree t ON CAST(p.region AS VARCHAR) = t.region '
            'WHERE p.year = (SELECT max(year) FROM "provision") GROUP BY ALL)')


def warnings_page_rows(data: FeedData, f: WarnFilter, sort_by: list[dict] | None = None, page: int = 0,
                       page_size: int | None = 25) -> tuple[pd.DataFrame, int]:
    """One page of the filtered, sorted warnings and the number of rows matching (``page_size``
    None: every row, for downloads).

    Example:
        >>> from talentforecast.export.sample import sample_run
        >>> data = FeedData.from_run(sample_run())
        >>> rows, n = warnings_page_rows(data, WarnFilter(warning_level="red"))
        >>> n, rows["specialty"].tolist()
        (2, ['460104', '710102'])
    """
    where, params = _where(data, f)
    order = []
    for s in sort_by or []:
        expr = WARN_SORT.get(str(s.get("column_id")))
        if expr:
            order.append(f"{expr} {'DESC' if s.get('direction') == 'desc' else 'ASC'} NULLS LAST")
    order += [LEVEL_RANK, "region", "specialty", "level"]
    total = int(data.sql(f'SELECT count(*) AS n FROM "warnings" WHERE {where}', params)["n"].iloc[0])
    limit = "" if page_size is None else f" LIMIT {int(page_size)} OFFSET {int(page) * int(page_size)}"
    with_enrol = data.has("provision")
    if with_enrol:
        data.register_once("_tree", lambda: region_tree(data))
        sql = (f"WITH {_enrolled_cte(data)} SELECT * FROM (SELECT w.*, enr.enrolled FROM \"warnings\" w "
               "LEFT JOIN enr ON CAST(w.region AS VARCHAR) = enr.region AND w.specialty = enr.specialty "
               f"AND w.level = enr.level) WHERE {where} ORDER BY {', '.join(order)}{limit}")
    else:
        sql = f'SELECT *, NULL AS enrolled FROM "warnings" WHERE {where} ORDER BY {", ".join(order)}{limit}'
    return data.sql(sql, params), total
