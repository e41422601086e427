"""Graduate and labour-market supply by region × specialty × level × year (DESIGN.md §3).

Pieces, each usable alone:

* :func:`completion_rates`, :func:`graduates_from_cohorts` — cohort flow (:mod:`.cohort`);
* :func:`school_age_population`, :func:`check_bands` — census bands aged forward (:mod:`.population`);
* :func:`forecast_shares` — specialty shares as compositions (:mod:`.shares`);
* :func:`forecast_enrolment` — population × participation × share, plans override (:mod:`.enrolment`);
* :func:`further_study_rates`, :func:`labour_supply` — S = G × (1 − f) × r (:mod:`.labour`);
* :func:`load_params` — shipped ``data/params.toml`` plus overrides.

Example:
    >>> import talentforecast as tf
    >>> from talentforecast.supply import compute_supply
    >>> out = compute_supply(tf.datasets.load_example(), horizon=5)  # doctest: +SKIP
    >>> sorted(out)  # doctest: +SKIP
    ['completion_rates', 'enrolment_forecast', 'further_study_rates', 'participation', 'supply']
"""

from talentforecast.supply.cohort import completion_rates, graduates_from_cohorts
from talentforecast.supply.enrolment import EnrolmentForecast, forecast_enrolment
from talentforecast.supply.labour import further_study_rates, labour_supply
from talentforecast.supply.model import compute_supply
from talentforecast.supply.params import load_params
from talentforecast.supply.population import check_bands, school_age_population
from talentforecast.supply.shares import alr_inverse, forecast_shares

__all__ = [
    "EnrolmentForecast",
    "alr_inverse",
    "check_bands",
    "completion_rates",
    "compute_supply",
    "forecast_enrolment",
    "forecast_shares",
    "further_study_rates",
    "graduates_from_cohorts",
    "labour_supply",
    "load_params",
    "school_age_population",
]
