"""Bundled reference catalogues: vocational specialties, GB/T 4754-2017 industries,
specialty → occupation and the derived specialty → industry crosswalk.

Example:
    >>> import talentforecast.catalogs as cat
    >>> cat.specialties()["level"].value_counts().to_dict()
    {'高职专科': 754, '中职': 368, '职业本科': 321}
"""

from talentforecast.catalogs.crosswalk import (
    aggregate_to_sections,
    build_specialty_industry,
    check_specialty_industry,
    load_rules,
    remap_industries,
    specialty_industry,
    write_specialty_industry,
)
from talentforecast.catalogs.loaders import (
    code_problems,
    industries,
    industry_kind,
    industry_section,
    labels,
    specialties,
    specialty_occupation,
    specialty_occupation_excluded,
    validate_codes,
)

__all__ = [
    "aggregate_to_sections",
    "build_specialty_industry",
    "check_specialty_industry",
    "code_problems",
    "industries",
    "industry_kind",
    "industry_section",
    "labels",
    "load_rules",
    "remap_industries",
    "specialties",
    "specialty_industry",
    "specialty_occupation",
    "specialty_occupation_excluded",
    "validate_codes",
    "write_specialty_industry",
]
