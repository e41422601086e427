"""talentforecast: skilled-talent supply-demand forecasting for vocational education planning.

Example:
    >>> import talentforecast as tf
    >>> bundle = tf.datasets.load_example()
    >>> bundle.region_name
    '示例市'
"""

__version__ = "0.1.0"

from talentforecast import catalogs, datasets  # noqa: E402
from talentforecast.bundle import Bundle  # noqa: E402
from talentforecast.compare import Comparison, compare  # noqa: E402
from talentforecast.errors import (  # noqa: E402
    ConfigError,
    InputError,
    ModelError,
    OutputError,
    Problem,
    TalentForecastError,
)
from talentforecast.forecasting import backtest, evaluate, forecast, use_engine  # noqa: E402
from talentforecast.forecasting.reconcile import hierarchy, reconcile  # noqa: E402
from talentforecast.io import read_folder, read_table  # noqa: E402
from talentforecast.pipeline import Run, run  # noqa: E402
from talentforecast.retrospective import retrospective  # noqa: E402
from talentforecast.schema import SCHEMA_VERSION, TABLES  # noqa: E402

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "Bundle",
    "Comparison",
    "ConfigError",
    "InputError",
    "ModelError",
    "OutputError",
    "Problem",
    "Run",
    "TalentForecastError",
    "__version__",
    "backtest",
    "evaluate",
    "forecast",
    "hierarchy",
    "reconcile",
    "retrospective",
    "catalogs",
    "compare",
    "datasets",
    "read_folder",
    "read_table",
    "run",
    "use_engine",
]
