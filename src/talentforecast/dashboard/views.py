"""The planner's list and reference views: warnings, shortage catalogue, industry gap,
retrospective scores and the glossary."""

from __future__ import annotations

import json

import pandas as pd
from dash import dcc, html

from talentforecast.dashboard import figures, tables
from talentforecast.dashboard.data import FeedData, name
from talentforecast.dashboard.i18n import LEVEL_ORDER, t
from talentforecast.dashboard.pages import (
    _field,
    default_region,
    default_year,
    dropdown,
    empty_notice,
    missing,
    options,
    region_year_fields,
    scenario_options,
    years_of,
)
from talentforecast.dashboard.query import WarnFilter, latest_year, warnings_page_rows

EDU_LEVELS = ("中职", "高职专科", "职业本科")


def edu_level_options(data: FeedData, lang: str) -> list[dict]:
    lv = data.cached('SELECT level, any_value(level_name_en) AS en FROM "warnings" GROUP BY 1') \
        if "level_name_en" in data.columns("warnings") else data.cached('SELECT DISTINCT level, level AS en FROM "warnings"')
    order = {v: k for k, v in enumerate(EDU_LEVELS)}
    rows = sorted(zip(lv["level"], lv["en"], strict=True), key=lambda r: (order.get(r[0], 99), r[0]))
    return [{"label": t(lang, "all"), "value": ""}] + [{"label": en if lang == "en" and en else z, "value": z}
                                                       for z, en in rows]


def category_options(data: FeedData, lang: str, level: str | None) -> list[dict]:
    """Categories as "code name (level)", values "level|code" (codes are per level)."""
    cols = data.columns("warnings")
    name_col = "category_name_en" if lang == "en" and "category_name_en" in cols else "category_name_zh"
    lvl_col = "level_name_en" if lang == "en" and "level_name_en" in cols else "level"
    cat = data.cached(f'SELECT level, any_value({lvl_col}) AS lv, CAST(category_code AS VARCHAR) AS code, '
                      f'any_value({name_col}) AS nm, any_value(category_name_zh) AS zh FROM "warnings" '
                      "WHERE category_code IS NOT NULL GROUP BY 1, 3")
    order = {v: k for k, v in enumerate(EDU_LEVELS)}
    rows = sorted(cat.itertuples(index=False), key=lambda r: (order.get(r.level, 99), r.code))
    return [{"label": tables.category_label(r.code, r.nm, r.lv, lang, r.zh), "value": f"{r.level}|{r.code}"}
            for r in rows if not level or r.level == level]


def enrol_year(data: FeedData) -> int | None:
    """The provision table's last year (the enrolment shown next to each warning), None without it."""
    if not data.has("provision"):
        return None
    y = data.cached('SELECT max(year) AS y FROM "provision"')["y"].iloc[0]
    return None if y is None or y != y else int(y)


def school_options(data: FeedData) -> list[dict]:
    if "school" in data.columns("warnings"):
        s = data.cached('SELECT DISTINCT CAST(school AS VARCHAR) AS s FROM "warnings" WHERE school IS NOT NULL ORDER BY 1')
    elif data.has("provision"):
        s = data.cached('SELECT DISTINCT CAST(school AS VARCHAR) AS s FROM "provision" ORDER BY 1')
    else:
        return []
    return [{"label": v, "value": v} for v in s["s"]]


SHORTAGE_SORT = {"rank", "demand_line", "supply_line", "gap", "ratio_ds", "previous_rank", "occupation"}


def shortage_rows(data: FeedData, region, year, scenario, sort_by, page, page_size):
    col = {"demand_line": "demand", "supply_line": "supply"}
    order = [f'{col.get(s["column_id"], s["column_id"])} {"DESC" if s.get("direction") == "desc" else "ASC"} '
             "NULLS LAST" for s in (sort_by or []) if s.get("column_id") in SHORTAGE_SORT] + ["rank"]
    where = "CAST(region AS VARCHAR) = ? AND year = ? AND scenario = ?"
    params = [region, year, scenario]
    total = int(data.sql(f'SELECT count(*) AS n FROM "shortage_occupations" WHERE {where}', params)["n"].iloc[0])
    limit = "" if page_size is None else f" LIMIT {int(page_size)} OFFSET {int(page) * int(page_size)}"
    rows = data.sql(f'SELECT * FROM "shortage_occupations" WHERE {where} ORDER BY {", ".join(order)}{limit}', params)
    return rows, total


def warn_view(data: FeedData, f: WarnFilter, sort_by, page: int, lang: str) -> tuple:
    """(records, page count, page, message, count line) of one page of the warnings list."""
    rows, total = warnings_page_rows(data, f, sort_by, page, tables.PAGE_SIZE)
    count = t(lang, "page_of").format(n=total)
    if total == 0:
        return [], 1, 0, empty_notice(lang, "warn-empty"), count
    return tables.warn_records(rows, lang), tables.page_count(total, tables.PAGE_SIZE), page, None, count


def shortage_view(data: FeedData, region, year, scenario, sort_by, page: int, lang: str) -> tuple:
    """(records, page count, page, message, count line) of one page of the shortage catalogue."""
    rows, total = shortage_rows(data, region, year, scenario, sort_by, page, tables.PAGE_SIZE)
    count = t(lang, "page_of").format(n=total)
    if total == 0:
        return [], 1, 0, empty_notice(lang, "shortage-empty"), count
    occ = name(rows, "occupation", lang)
    recs = [{"rank": int(r["rank"]), "occupation": occ.iloc[i], "demand_line": f"{r['demand']:,.0f}",
             "supply_line": f"{r['supply']:,.0f}", "gap": f"{r['gap']:,.0f}",
             "ratio_ds": "–" if pd.isna(r["ratio_ds"]) else f"{r['ratio_ds']:.2f}",
             "previous_rank": "–" if pd.isna(r["previous_rank"]) else int(r["previous_rank"])}
            for i, (_, r) in enumerate(rows.iterrows())]
    return recs, tables.page_count(total, tables.PAGE_SIZE), page, None, count


def warnings_page(data: FeedData, lang: str, query: dict) -> html.Div:
    if not data.has("warnings"):
        return missing(lang, "warnings")
    present = set(data.cached('SELECT DISTINCT warning_level FROM "warnings"')["warning_level"])
    level_opts = [{"label": t(lang, "all"), "value": ""}] + [{"label": t(lang, lv), "value": lv}
                                                            for lv in LEVEL_ORDER if lv in present]
    years = years_of(data, "warnings")
    f = WarnFilter(year=latest_year(data), warning_level=query.get("level") or None, level=query.get("edu") or None,
                   search=query.get("q") or None)
    recs, pages, _, msg, count = warn_view(data, f, None, 0, lang)
    return html.Div([
        html.H2(t(lang, "warnings")),
        html.Div([
            _field(t(lang, "year"), dropdown(lang, id="warn-year", options=years, value=latest_year(data),
                                             clearable=False), "field narrow"),
            _field(t(lang, "level"), dcc.RadioItems(id="warn-level", options=level_opts, inline=True,
                                                    value=query.get("level", "")), "field wide"),
            _field(t(lang, "edu_level"), dcc.RadioItems(id="warn-edu", options=edu_level_options(data, lang),
                                                        inline=True, value=query.get("edu", "")), "field wide"),
            _field(t(lang, "category"), dropdown(lang, id="warn-category", placeholder=t(lang, "all"),
                                                 options=category_options(data, lang, query.get("edu")))),
            _field(t(lang, "district"), dropdown(lang, id="warn-region", placeholder=t(lang, "all"),
                                                 options=options(data, "warnings", "region", lang))),
            _field(t(lang, "school_unit"), dropdown(lang, id="warn-school", placeholder=t(lang, "all"),
                                                    options=school_options(data))),
            _field(t(lang, "search"), dcc.Input(id="warn-search", type="search", debounce=True,
                                                placeholder=t(lang, "search_hint"), value=query.get("q", ""))),
        ], className="filters"),
        html.Div([html.Span(count, id="warn-count", className="count-line"), tables.download_bar("warn", lang)],
                 className="table-bar"),
        html.Div(msg, id="warn-msg"),
        tables.grid("warnings-table", tables.warn_columns(lang, "school" in data.columns("warnings"),
                                                          enrol_year(data)), recs, pages, lang),
    ])


def shortage_page(data: FeedData, lang: str, query: dict) -> html.Div:
    if not data.has("shortage_occupations"):
        return missing(lang, "shortage_occupations")
    years, year = default_year(data, "shortage_occupations")
    region = default_region(data, "shortage_occupations")
    recs, pages, _, msg, count = shortage_view(data, region, int(year), "baseline", None, 0, lang)
    cols = [tables.column(k, t(lang, k), k in SHORTAGE_SORT) for k in
            ("rank", "occupation", "demand_line", "supply_line", "gap", "ratio_ds", "previous_rank")]
    return html.Div([
        html.H2(t(lang, "shortage")),
        html.Div([
            *region_year_fields(data, "shortage_occupations", lang, "shortage", years, year, region=region,
                                year_cls="field narrow"),
            _field(t(lang, "scenario"), dcc.RadioItems(id="shortage-scenario", inline=True, value="baseline",
                                                       options=scenario_options(data, "shortage_occupations", lang)),
                   "field wide"),
        ], className="filters"),
        html.P(t(lang, "ratio_note"), className="note"),
        html.Div([html.Span(count, id="shortage-count", className="count-line"),
                  tables.download_bar("shortage", lang)], className="table-bar"),
        html.Div(msg, id="shortage-msg"),
        tables.grid("shortage-table", cols, recs, pages, lang),
    ])


def industry_page(data: FeedData, lang: str, query: dict) -> html.Div:
    if not data.has("structure_deviation"):
        return missing(lang, "structure_deviation")
    years, year = default_year(data, "structure_deviation")
    return html.Div([
        html.H2(t(lang, "industry_gap")),
        html.Div([
            *region_year_fields(data, "structure_deviation", lang, "gap", years, year, year_cls="field narrow"),
            _field(t(lang, "scenario"), dcc.RadioItems(id="gap-scenario", inline=True, value="baseline",
                                                       options=scenario_options(data, "structure_deviation", lang)),
                   "field wide"),
        ], className="filters"),
        html.P(t(lang, "gap_note"), className="note"),
        html.Div([tables.download_bar("gap", lang)], className="table-bar"),
        html.Div(id="gap-msg"),
        dcc.Graph(id="gap-graph", config=figures.GRAPH_CONFIG),
    ])


RETRO_PREFIXES = ("retrospective", "backtest")


def retrospective_page(data: FeedData, lang: str, query: dict) -> html.Div:
    names = [n for n in data.names if n.startswith(RETRO_PREFIXES)]
    body = [html.H2(t(lang, "retrospective")), html.P(t(lang, "retro_intro"), className="note")]
    if not names:
        return html.Div([*body, html.Div(t(lang, "no_retro"), className="notice", id="retro-empty")])
    for n in names:
        df = data.sql(f'SELECT * FROM "{n}" LIMIT 5000')
        df = df.drop(columns=[c for c in ("schema_version", "run_id", "as_of") if c in df])
        body += [html.H3(f"{t(lang, 'table')}: {n}"),
                 tables.static_grid(f"retro-{n}", [tables.column(c, c) for c in df.columns],
                                    json.loads(df.to_json(orient="records", force_ascii=False)), lang)]
    return html.Div(body, id="retro-tables")


GLOSSARY = {
    "zh": [
        ("概率", "预警的“概率”是在数据不确定性下,决定等级的规则所用指标确实越过阈值的概率(多条决定性规则取最高)。"
               "就业率类指标按毕业生人数的 Beta 后验计算,小规模专业的概率因此更低;供求比按预测区间的对数正态近似计算。"
               "没有规则触发时为空。"),
        ("区间(阴影带)", "预测值周围的浅色带是 80% 与 95% 预测区间:在模型假设下,真实值落在带内的概率分别为 80% 与 95%。"
                      "历史年份没有区间。"),
        ("毕业去向落实率 与 就业率", "毕业去向落实率 = (就业 + 升学) ÷ 毕业生,是我国通行口径,预警规则用的就是它;"
                              "就业率 = 就业 ÷ 毕业生,不含升学,数值更低。两者不可直接比较。"),
        ("S/D 与 D/S", "S/D = 供给 ÷ 需求(供求比):不超过短缺线为短缺,超过过剩线为过剩(见下条分档)。"
                      "D/S = 需求 ÷ 供给,是它的倒数:紧缺职业目录按 D/S 排列,数值越大越紧缺。"),
        ("预警等级", "红、橙、黄、绿、蓝:红色建议停止招生/退出,橙色调减,黄色关注,绿色保持,蓝色扩招。"
                 "每条预警都列出触发的规则、指标、数值、阈值和年份。"),
        ("情景", "基准情景为趋势外推;其他情景(如重点产业集群规划情景)在基准之上加入规划增长目标。"),
    ],
    "en": [
        ("Probability", "A warning's probability is the chance, given the data's uncertainty, that the deciding rule's "
                        "indicators are really past their thresholds (the highest among decisive rules). Rates use a "
                        "Beta posterior on the graduate counts, so small programmes get lower probabilities; ratios use "
                        "a log-normal fitted to the forecast interval. Empty when no rule fired."),
        ("Intervals (shaded bands)", "The light bands around a forecast are its 80% and 95% prediction intervals: under "
                                     "the model's assumptions the true value lies inside with that probability. "
                                     "Observed years have none."),
        ("Destination rate vs employment rate", "毕业去向落实率 (destination rate) = (employed + further study) ÷ "
                                                "graduates, the Chinese standard and the one the warning rules use; "
                                                "就业率 (employment rate) = employed ÷ graduates, lower. Do not compare "
                                                "one with the other."),
        ("S/D and D/S", "S/D = supply ÷ demand: at or below the shortage line is a shortage, above the surplus line a surplus (see Bands). D/S = "
                        "demand ÷ supply, its inverse: the shortage catalogue ranks by D/S, higher is scarcer."),
        ("Warning levels", "Red, orange, yellow, green, blue: red: stop enrolment / exit, orange: reduce "
                           "enrolment, yellow: watch, green: keep, blue: expand enrolment. Each warning lists the rules, "
                           "indicators, values, thresholds and years that set it."),
        ("Scenarios", "The baseline extrapolates trends; other scenarios (such as the key-industry cluster plan) add "
                      "planned growth targets on top of it."),
    ],
}


def glossary_page(data: FeedData, lang: str, query: dict) -> html.Div:
    items = list(GLOSSARY["en" if lang == "en" else "zh"])
    bands = figures.run_bands(data)
    parts = [f"{b.label(lang)} (≤{b.upper:g})" if b.upper != float("inf") else f"{b.label(lang)} (>{bands.surplus_edge:g})"
             for b in bands.bands]
    items.insert(2, (t(lang, "bands_term"), ("按 S/D 分档:" if lang != "en" else "Bands on S/D: ") + ", ".join(parts)
                     + ("。阈值是可编辑的配置数据(bands.toml)。" if lang != "en" else
                        ". The thresholds are editable configuration (bands.toml).")))
    return html.Div([html.H2(t(lang, "glossary")),
                     html.Dl([x for term, text in items for x in (html.Dt(term), html.Dd(text))], id="glossary")])
