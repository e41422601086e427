"""Interface text in Chinese (default) and English."""

from __future__ import annotations

LEVEL_ORDER = ("red", "orange", "yellow", "green", "blue", "not_enrolling")
LEVEL_COLOURS = {"red": "#c62828", "orange": "#ef6c00", "yellow": "#f9a825", "green": "#2e7d32", "blue": "#1565c0",
                 "not_enrolling": "#757575"}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "技能人才供需预测与专业预警", "overview": "总览", "demand": "行业需求", "supply": "专业供给",
        "warnings": "专业预警", "specialty": "专业详情", "structure": "结构匹配", "shortage": "紧缺职业目录",
        "run": "运行", "as_of": "数据截止", "region": "地区", "industry": "行业", "scenario": "情景",
        "measure": "指标", "employment": "就业人数", "openings": "岗位需求", "year": "年份",
        "level": "预警等级", "category": "专业大类", "school": "学校", "all": "全部", "specialty_col": "专业",
        "edu_level": "层次", "action": "建议", "reason": "理由", "probability": "概率",
        "previous_level": "上年等级", "years_at_level": "持续年数", "enrol": "建议招生",
        "level_counts": "各预警等级专业数", "key_figures": "关键数字", "demand_total": "需求合计(基准)",
        "supply_total": "供给合计", "ratio_total": "总体供求比", "dissimilarity": "结构相异指数",
        "history": "历史与预测", "ratio": "供求比 S/D", "reasons": "预警理由", "level_history": "等级变化",
        "indicator": "指标", "value": "数值", "threshold": "阈值", "years": "年份", "rule": "规则",
        "observed": "实际", "forecast": "预测", "interval80": "80% 区间", "interval95": "95% 区间",
        "deviation": "结构偏离度", "supply_share": "供给占比", "demand_share": "需求占比",
        "rank": "排名", "occupation": "职业", "gap": "缺口", "previous_rank": "上年排名",
        "persons": "人", "no_rows": "没有符合条件的记录。", "not_found": "未找到该专业的预警记录。",
        "back": "返回预警列表", "rows": "条记录", "top_shortage": "紧缺职业前五",
        "red": "红色", "orange": "橙色", "yellow": "黄色", "green": "绿色", "blue": "蓝色", "not_enrolling": "未招生",
        "unknown_page": "页面不存在", "absent": "本次运行没有这张表:", "demand_line": "需求", "supply_line": "供给",
        "industry_gap": "行业供需缺口", "glossary": "术语说明", "retrospective": "回顾评估",
        "district": "地区(市/区县)", "school_unit": "学校(专业点)", "search": "专业搜索",
        "search_hint": "专业代码或名称", "download_csv": "下载 CSV", "download_xlsx": "下载 Excel",
        "error": "出错了,表格已清空:", "enrolled": "招生数", "ratio_ds": "需求/供给 D/S",
        "ratio_sd_label": "供给/需求 S/D", "shortage_line": "短缺线", "surplus_line": "过剩线",
        "dd_select_all": "全选", "dd_deselect_all": "全不选", "dd_selected_count": "已选 {num_selected} 项",
        "dd_search": "搜索", "dd_clear_search": "清除搜索", "dd_clear_selection": "清除选择",
        "dd_no_options": "没有匹配的选项", "placeholder": "请选择…", "no_figure": "没有符合条件的数据。",
        "gap_note": "供给:按专业—行业对照折算到行业的毕业生供给(无区间);需求:面向职业院校毕业生的岗位需求,"
                    "横线为 80% 区间(各层次区间上下限相加,不窄于真实区间)。",
        "supply_note": "横线为 80% 区间。", "no_bands": "结构相异指数在数据中没有区间。",
        "no_retro": "本数据包没有回顾评估表(运行未包含回顾评估阶段,或导出时未写出)。",
        "retro_intro": "以过去的数据重演预测和预警,并与后来的实际比较。", "table": "表",
        "compare": "等级历史", "ratio_note": "D/S = 需求 ÷ 供给,大于 1 表示紧缺。", "page_of": "共 {n} 条",
        "threshold_bands": "分档阈值(来自所用分档配置)", "bands_term": "分档", "loading": "正在加载交互页面…",
        "compare_feeds": "两期对比", "compare_none": "没有对比数据包:启动时加上 --compare 另一个数据包目录"
        "(如上一年的运行),即可逐个专业点对比两期的预警等级。", "this_feed": "本期", "other_feed": "对比期",
        "change": "变化", "change_worse": "加重", "change_better": "减轻", "change_new": "新增",
        "change_gone": "不再预警", "change_same": "不变",
        "ag_page": "页码", "ag_of": "/", "ag_to": "至", "ag_more": "更多", "ag_firstPage": "首页",
        "ag_previousPage": "上一页", "ag_nextPage": "下一页", "ag_lastPage": "末页", "ag_loadingOoo": "正在加载…",
        "ag_noRowsToShow": "没有记录", "ag_pageSizeSelectorLabel": "每页条数:",
    },
    "en": {
        "title": "Skilled-talent supply, demand and specialty warnings", "overview": "Overview",
        "demand": "Demand by industry", "supply": "Supply by specialty", "warnings": "Warnings",
        "specialty": "Specialty detail", "structure": "Structure match", "shortage": "Shortage catalogue",
        "run": "Run", "as_of": "Data up to", "region": "Region", "industry": "Industry", "scenario": "Scenario",
        "measure": "Measure", "employment": "Employment", "openings": "Openings", "year": "Year",
        "level": "Warning level", "category": "Specialty category", "school": "School", "all": "All",
        "specialty_col": "Specialty", "edu_level": "Level", "action": "Action", "reason": "Reason",
        "probability": "Probability", "previous_level": "Previous level", "years_at_level": "Years at level",
        "enrol": "Recommended enrolment", "level_counts": "Specialties per warning level",
        "key_figures": "Key figures", "demand_total": "Total demand (baseline)", "supply_total": "Total supply",
        "ratio_total": "Overall S/D", "dissimilarity": "Dissimilarity index", "history": "History and forecast",
        "ratio": "Supply/demand ratio", "reasons": "Reasons", "level_history": "Level history",
        "indicator": "Indicator", "value": "Value", "threshold": "Threshold", "years": "Years", "rule": "Rule",
        "observed": "observed", "forecast": "forecast", "interval80": "80% interval", "interval95": "95% interval",
        "deviation": "Structural deviation", "supply_share": "Supply share", "demand_share": "Demand share",
        "rank": "Rank", "occupation": "Occupation", "gap": "Gap", "previous_rank": "Previous rank",
        "persons": "persons", "no_rows": "No rows match.", "not_found": "No warning found for this specialty.",
        "back": "Back to warnings", "rows": "rows", "top_shortage": "Top five shortage occupations",
        "red": "red", "orange": "orange", "yellow": "yellow", "green": "green", "blue": "blue",
        "not_enrolling": "not enrolling",
        "unknown_page": "No such page", "absent": "This run has no table:", "demand_line": "demand",
        "supply_line": "supply",
        "industry_gap": "Industry gap", "glossary": "Glossary", "retrospective": "Retrospective scores",
        "district": "Region (city / district)", "school_unit": "School (programme)", "search": "Search specialty",
        "search_hint": "specialty code or name", "download_csv": "Download CSV",
        "download_xlsx": "Download Excel", "error": "Something went wrong; the table was cleared:",
        "enrolled": "Enrolled", "ratio_ds": "Demand/supply D/S", "ratio_sd_label": "Supply/demand S/D",
        "shortage_line": "shortage line", "surplus_line": "surplus line",
        "dd_select_all": "Select all", "dd_deselect_all": "Deselect all", "dd_selected_count": "{num_selected} selected",
        "dd_search": "Search", "dd_clear_search": "Clear search", "dd_clear_selection": "Clear selection",
        "dd_no_options": "No options found", "placeholder": "Select…", "no_figure": "No data match.",
        "gap_note": "Supply: graduate supply mapped to industries through the specialty–industry table (no "
                    "interval); demand: openings for vocational graduates, whiskers: 80% interval (the levels' "
                    "bounds added up, never narrower than the true interval).",
        "supply_note": "Whiskers: 80% interval.", "no_bands": "The dissimilarity index has no interval in the data.",
        "no_retro": "This feed holds no retrospective table (the run had no retrospective stage, or the "
                    "export did not write one).",
        "retro_intro": "Forecasts and warnings replayed on past data and compared with what happened.",
        "table": "Table", "compare": "Level history", "ratio_note": "D/S = demand ÷ supply; above 1 means shortage.",
        "page_of": "{n} rows", "threshold_bands": "Band thresholds (from the bands configuration in use)", "bands_term": "Bands", "loading": "Loading the interactive page…",
        "compare_feeds": "Two feeds", "compare_none": "No feed to compare with: start the dashboard with "
        "--compare OTHER_FEED (e.g. last year's run) to see each programme's level in both.",
        "this_feed": "This feed", "other_feed": "Other feed", "change": "Change", "change_worse": "more severe",
        "change_better": "less severe", "change_new": "only here", "change_gone": "only in the other",
        "change_same": "same",
        "ag_page": "Page", "ag_of": "of", "ag_to": "to", "ag_more": "more", "ag_firstPage": "First page",
        "ag_previousPage": "Previous page", "ag_nextPage": "Next page", "ag_lastPage": "Last page",
        "ag_loadingOoo": "Loading…", "ag_noRowsToShow": "No rows to show", "ag_pageSizeSelectorLabel": "Page size:",
    },
}

PAGES = ("overview", "demand", "supply", "warnings", "industry_gap", "structure", "shortage", "retrospective",
         "compare_feeds", "glossary")
PATHS = {"overview": "/", "demand": "/demand", "supply": "/supply", "warnings": "/warnings",
         "structure": "/structure", "shortage": "/shortage", "specialty": "/specialty",
         "industry_gap": "/industry", "retrospective": "/retrospective", "glossary": "/glossary",
         "compare_feeds": "/compare"}

# Scenario names: the baseline, then the shipped scenario files' titles (a run's own scenario file
# with another name shows its code).
SCENARIOS = {"baseline": {"zh": "基准情景", "en": "baseline"}}


def _load_scenarios() -> None:
    import tomllib
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "demand" / "scenarios"
    for f in sorted(folder.glob("*.toml")):
        d = tomllib.loads(f.read_text(encoding="utf-8"))
        if "name" in d:
            SCENARIOS[d["name"]] = {"zh": d.get("title_zh", d["name"]), "en": d.get("title_en", d["name"])}


_load_scenarios()


def scenario_name(lang: str, code: str) -> str:
    """A scenario's name with its code.

    Example:
        >>> scenario_name("zh", "baseline"), scenario_name("en", "other")
        ('基准情景 (baseline)', 'other')
    """
    label = SCENARIOS.get(str(code), {}).get("en" if lang == "en" else "zh", str(code))
    return str(code) if label == str(code) else f"{label} ({code})"


def dropdown_labels(lang: str) -> dict[str, str]:
    """dcc.Dropdown's own strings ("Search", "No options found", ...) in ``lang``.

    Example:
        >>> dropdown_labels("zh")["search"]
        '搜索'
    """
    return {k: t(lang, f"dd_{k if k != 'no_options_found' else 'no_options'}")
            for k in ("select_all", "deselect_all", "selected_count", "search", "clear_search",
                      "clear_selection", "no_options_found")}


GRID_KEYS = ("page", "of", "to", "more", "firstPage", "previousPage", "nextPage", "lastPage", "loadingOoo",
             "noRowsToShow", "pageSizeSelectorLabel")


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's own strings (``localeText``: pager, loading, no rows) in ``lang``; the grid's other
    strings are never shown (no column menus, filters or page-size selector).

    Example:
        >>> grid_locale("zh")["noRowsToShow"], grid_locale("en")["of"]
        ('没有记录', 'of')
    """
    return {k: t(lang, f"ag_{k}") for k in GRID_KEYS}


def t(lang: str, key: str) -> str:
    """Interface text for ``key`` in ``lang`` ("zh" or "en").

    Example:
        >>> t("en", "warnings"), t("zh", "warnings")
        ('Warnings', '专业预警')
    """
    return TEXT["en" if lang == "en" else "zh"][key]
