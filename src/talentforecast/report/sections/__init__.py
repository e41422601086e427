"""The report's chapters, in order; each turns the run's tables into blocks via a Builder.

One module per group of chapters: :mod:`.summary` (摘要), :mod:`.analysis` (demand, supply,
matching, structure), :mod:`.industries` (重点产业), :mod:`.catalogues` (紧缺职业 and 培训职业目录),
:mod:`.lists` (warnings and proposals), :mod:`.method` (方法与数据). A missing optional table makes
its chapter say so instead of failing.

Example:
    >>> from talentforecast.report.sections import SECTIONS
    >>> [k for k, _ in SECTIONS][:3]
    ['summary', 'demand', 'supply']
"""

from __future__ import annotations

from talentforecast.report.sections.analysis import demand, match, structure, supply
from talentforecast.report.sections.catalogues import shortage, training
from talentforecast.report.sections.common import generic
from talentforecast.report.sections.industries import key_industries
from talentforecast.report.sections.lists import notices, proposals, warnings
from talentforecast.report.sections.method import method
from talentforecast.report.sections.summary import summary


def quality(b) -> list[dict]:
    """专业质量评价排名: ranks within each 专业大类, category by category, best first."""
    q = b.get("quality_ranking")
    if q is None:
        return [b.missing("quality_ranking")]
    if "year" in q.columns:
        q = q[q["year"] == q["year"].max()]
    by = [c for c in ("category_code", "rank") if c in q.columns] or [c for c in ("score",) if c in q.columns]
    if by:
        q = q.sort_values(by, ascending=[c != "score" for c in by], na_position="last", kind="stable")
    return [b.para(b.s("text.quality_intro"))] + generic(
        b, b.s("tables.quality"), q, ("category_name", "rank", "specialty", "specialty_name", "level", "score",
                                      "employment_rate", "matched_rate", "salary_ratio"), only=True)


SECTIONS = [
    ("summary", summary), ("demand", demand), ("supply", supply), ("match", match),
    ("structure", structure), ("industries", key_industries), ("shortage", shortage), ("training", training),
    ("warnings", warnings), ("proposals", proposals), ("quality", quality), ("method", method),
    ("notices", notices), ("appendix", None),
]
