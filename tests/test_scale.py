"""engine= (Dask/Spark/Ray through fugue) gives the local engine's results; the scale generator."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.datasets.scale import make_panel
from talentforecast.errors import ConfigError, InputError
from talentforecast.forecasting import backtest, forecast, use_engine
from talentforecast.forecasting.distributed import active


def _panel() -> pd.DataFrame:
    """Ordinary, short, constant and all-zero series: every path of the fallback chain."""
    rng = np.random.default_rng(3)
    rows = []
    for i in range(14):
        n = 2 if i == 5 else 13
        y = 200 + np.cumsum(rng.normal(4, 6, n))
        if i == 3:
            y[:] = 0.0
        if i == 4:
            y[:] = 7.0
        rows.append(pd.DataFrame({"unique_id": f"s{i:02d}", "ds": range(2024 - n, 2024), "y": y}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                           dashboard_address=None)
        client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_forecast_identical_to_local(dask_client):
    df = _panel()
    local = forecast(df, h=3, models=["auto", "theta"])
    dist = forecast(df, h=3, models=["auto", "theta"], engine=dask_client)
    pd.testing.assert_frame_equal(local, dist)  # y_hat and every bound, bit for bit
    assert dist.attrs["auto"].label == local.attrs["auto"].label
    assert {"zero", "constant"} <= set(dist["model"])


def test_dask_backtest_identical_to_local(dask_client):
    df = _panel()
    pd.testing.assert_frame_equal(backtest(df, h=2, n_windows=2, models="auto"),
                                  backtest(df, h=2, n_windows=2, models="auto", engine="dask"))


def test_run_engine_identical_to_local(dask_client):
    bundle = make_panel(n_regions=2, n_specialties=4, n_industries=5, seed=2)
    zero = {"demand": {"missing_industries": "zero"}}  # the small panel lacks some sections on purpose
    local = tf.run(bundle, stages=["demand"], progress=False, params=zero)
    dist = tf.run(bundle, stages=["demand"], progress=False, engine=dask_client, params=zero)
    pd.testing.assert_frame_equal(local.employment_forecast, dist.employment_forecast)
    assert active() is None  # the engine is only in effect during the run


def test_fugue_partitioning_does_not_change_results():
    df = _panel()
    with use_engine("native"):  # fugue in-process: the whole panel as one partition
        one = forecast(df, h=2)
    pd.testing.assert_frame_equal(forecast(df, h=2), one)


def test_engine_errors():
    df = _panel()
    with pytest.raises(ConfigError, match="engine"):
        forecast(df, h=2, engine="no-such-engine")
    with pytest.raises(InputError, match="n_jobs"):
        forecast(df, h=2, models="naive", n_jobs=2, engine="native")


@pytest.mark.parametrize("module,engine", [("pyspark", "spark"), ("ray", "ray")])
def test_spark_ray_identical_to_local(module, engine):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")
    df = _panel()
    pd.testing.assert_frame_equal(forecast(df, h=2, models="theta"), forecast(df, h=2, models="theta", engine=engine))


def test_make_panel_shape_and_determinism():
    a = make_panel(n_regions=3, n_specialties=6, n_industries=97, seed=5)
    b = make_panel(n_regions=3, n_specialties=6, n_industries=97, seed=5)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    emp, enr = a.tables["employment"], a.tables["enrolment"]
    assert emp.groupby("region")["industry"].nunique().tolist() == [97, 97, 97]
    assert enr.groupby("region")["specialty"].nunique().tolist() == [6, 6, 6]
    assert (a.tables["regions"]["parent"] != "").sum() == 3
    assert emp[["employed", "value_added", "wage"]].ge(0).all().all()
    assert (enr["graduates"] <= enr["in_school"]).all()
    assert not make_panel(3, 6, 97, seed=6).tables["employment"].equals(emp)


def test_make_panel_rejects_bad_sizes():
    with pytest.raises(InputError, match="n_industries"):
        make_panel(n_regions=1, n_specialties=1, n_industries=98)
    with pytest.raises(InputError, match="years"):
        make_panel(n_regions=1, n_specialties=1, n_industries=1, years=[2008, 2009])
