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
    },
}

PAGES = ("overview", "demand", "supply", "warnings", "structure", "shortage")
PATHS = {"overview": "/", "demand": "/demand", "supply": "/supply", "warnings": "/warnings",
         "structure": "/structure", "shortage": "/shortage", "specialty": "/specialty"}


def t(lang: str, key: str) -> str:
    """Interface text for ``key`` in ``lang`` ("zh" or "en").

    Example:
        >>> t("en", "warnings"), t("zh", "warnings")
        ('Warnings', '专业预警')
    """
    return TEXT["en" if lang == "en" else "zh"][key]
