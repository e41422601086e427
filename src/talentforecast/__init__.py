"""talentforecast: skilled-talent supply-demand forecasting for vocational education planning.

The public names below load on first use (PEP 562), so ``import talentforecast`` stays fast and
a script that only reads tables never pays for the forecasting stack.

Example:
    >>> import talentforecast as tf
    >>> bundle = tf.datasets.load_example()
    >>> bundle.region_name
    '示例市'
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "SCHEMA_VERSION": "talentforecast.schema",
    "TABLES": "talentforecast.schema",
    "Bundle": "talentforecast.bundle",
    "Comparison": "talentforecast.compare",
    "compare": "talentforecast.compare",
    "ConfigError": "talentforecast.errors",
    "InputError": "talentforecast.errors",
    "ModelError": "talentforecast.errors",
    "OutputError": "talentforecast.errors",
    "Problem": "talentforecast.errors",
    "TalentForecastError": "talentforecast.errors",
    "TalentForecastWarning": "talentforecast.errors",
    "backtest": "talentforecast.forecasting",
    "evaluate": "talentforecast.forecasting",
    "forecast": "talentforecast.forecasting",
    "use_engine": "talentforecast.forecasting",
    "hierarchy": "talentforecast.forecasting.reconcile",
    "reconcile": "talentforecast.forecasting.reconcile",
    "read_folder": "talentforecast.folder",
    "read_table": "talentforecast.io",
    "Run": "talentforecast.pipeline",
    "run": "talentforecast.pipeline",
    "retrospective": "talentforecast.retrospective",
    "run_partitioned": "talentforecast.province",
}
_SUBMODULES = ("catalogs", "datasets")

__all__ = ["__version__", *_LAZY, *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        try:
            value = importlib.import_module(f"talentforecast.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"talentforecast.{name}":
                raise
            raise AttributeError(f"module 'talentforecast' has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``tf.compare`` and ``tf.retrospective`` are functions living in modules of the same name.

    Importing such a module makes Python set the package attribute to the module; keep the
    function instead (it loads on first use like every public name).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == f"{__name__}.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:  # static checkers and IDEs see the real names
    from talentforecast import catalogs, datasets  # noqa: F401
    from talentforecast.bundle import Bundle  # noqa: F401
    from talentforecast.compare import Comparison, compare  # noqa: F401
    from talentforecast.errors import (  # noqa: F401
        ConfigError,
        InputError,
        ModelError,
        OutputError,
        Problem,
        TalentForecastError,
        TalentForecastWarning,
    )
    from talentforecast.folder import read_folder  # noqa: F401
    from talentforecast.forecasting import backtest, evaluate, forecast, use_engine  # noqa: F401
    from talentforecast.forecasting.reconcile import hierarchy, reconcile  # noqa: F401
    from talentforecast.io import read_table  # noqa: F401
    from talentforecast.pipeline import Run, run  # noqa: F401
    from talentforecast.province import run_partitioned  # noqa: F401
    from talentforecast.retrospective import retrospective  # noqa: F401
    from talentforecast.schema import SCHEMA_VERSION, TABLES  # noqa: F401
