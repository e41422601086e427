"""Early warning (专业预警): policies as TOML data, evaluated on the matching indicators.

Example:
    >>> from talentforecast.warning import load_policy
    >>> load_policy("default").name
    'default'
"""

from talentforecast.warning.evaluate import evaluate_warnings
from talentforecast.warning.policy import Policy, load_policy, shipped_policies
from talentforecast.warning.retrospective import retrospective_score
from talentforecast.warning.rules import ACTIONS, INDICATORS, LEVELS

__all__ = [
    "ACTIONS",
    "INDICATORS",
    "LEVELS",
    "Policy",
    "evaluate_warnings",
    "load_policy",
    "retrospective_score",
    "shipped_policies",
]
