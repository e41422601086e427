"""Generic many-series annual forecasting: model zoo, auto selection, backtests, reconciliation.

Example:
    >>> import pandas as pd
    >>> from talentforecast.forecasting import forecast
    >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2012), "y": [float(i) for i in range(10, 22)]})
    >>> list(forecast(df, h=2, models="naive").columns)
    ['unique_id', 'ds', 'requested', 'model', 'y_hat', 'y_lo_80', 'y_hi_80', 'y_lo_95', 'y_hi_95']
"""

from talentforecast.forecasting import models_statsmodels as _models_statsmodels  # noqa: F401  registers models
from talentforecast.forecasting.auto import AutoSelection
from talentforecast.forecasting.backtest import backtest, evaluate
from talentforecast.forecasting.describe import describe
from talentforecast.forecasting.distributed import use_engine
from talentforecast.forecasting.engine import forecast
from talentforecast.forecasting.models import (
    MODELS,
    Capabilities,
    ForecastModel,
    check_capabilities,
    get_model,
    register,
)
from talentforecast.forecasting.panel_file import read_panel
from talentforecast.forecasting.reconcile import Hierarchy, hierarchy, reconcile

__all__ = [
    "MODELS",
    "AutoSelection",
    "Capabilities",
    "ForecastModel",
    "Hierarchy",
    "backtest",
    "check_capabilities",
    "describe",
    "evaluate",
    "forecast",
    "get_model",
    "hierarchy",
    "read_panel",
    "reconcile",
    "register",
    "use_engine",
]
