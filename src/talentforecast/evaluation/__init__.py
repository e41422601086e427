"""Ex-post evaluation: warnings issued as of an earlier year scored against what was observed
later, beside naive baselines, and the accuracy of the demand and supply forecasts.

See docs/warning.md ("Retrospective") for the method and its limits.

Example:
    >>> from talentforecast.evaluation import load_definitions
    >>> load_definitions()["scoring"]["warned_levels"]
    ['red', 'orange']
"""

from talentforecast.evaluation.accuracy import input_accuracy
from talentforecast.evaluation.outcomes import (
           linked_employment,
           load_definitions,
           observed_outcomes,
)
from talentforecast.evaluation.scoring import p_bad, score_detail, summarise
from talentforecast.evaluation.stats import brier, calibration, wilson

__all__ = ["brier", "calibration", "input_accuracy", "linked_employment", "load_definitions",
           "observed_outcomes", "p_bad", "score_detail", "summarise", "wilson"]
