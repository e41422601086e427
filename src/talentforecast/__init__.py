"""talentforecast: skilled-talent supply-demand forecasting for vocational education planning."""

from talentforecast.errors import (
    ConfigError,
    InputError,
    ModelError,
    OutputError,
    TalentForecastError,
)
from talentforecast.schema import SCHEMA_VERSION

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "ConfigError",
    "InputError",
    "ModelError",
    "OutputError",
    "TalentForecastError",
    "__version__",
]
