"""engine= (Dask/Spark/Ray through fugue) gives the local engine's results; the scale generator."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.datasets.scale import make_panel
from talentforecast.errors import ConfigError, InputError
from talentforecast.forecasting import backtest, forecast, use_engine
from talentforecast.forecasting.distributed import active

# Synthetic panels cover only some industries on purpose; the demand stage would stop on the
# others (missing_industries = "error" by default), so these runs accept them as zero demand.
ZERO = {"demand": {"missing_industries": "zero"}}


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
    local = tf.run(bundle, stages=["demand"], progress=False, params=ZERO)
    dist = tf.run(bundle, stages=["demand"], progress=False, engine=dask_client, params=ZERO)
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


# --- the whole chain partitioned by city (talentforecast.province) ---------------------------------

from talentforecast.province import run_partitioned, split_by_city  # noqa: E402

COMPLETE = ("regions", "employment", "enrolment", "population", "outcomes", "postings", "enrolment_plan")


@pytest.fixture(scope="module")
def tiny_province():
    return make_panel(n_regions=2, n_specialties=12, n_industries=3, districts=2, offered=0.7, schools=2, seed=4)


@pytest.fixture(scope="module")
def local_partitioned(tiny_province):
    return run_partitioned(tiny_province, progress=False, params=ZERO)


def test_complete_panel_runs_the_whole_chain(tiny_province, local_partitioned):
    b = tiny_province
    assert set(COMPLETE) <= set(b.tables)
    out, enr = b.tables["outcomes"], b.tables["enrolment"]
    assert (out["employed"] + out["further_study"] <= out["graduates"]).all()
    assert (out["matched"] <= out["employed"]).all()
    assert set(out["school"]) <= set(enr["school"])
    assert set(b.tables["enrolment_plan"]["year"]) == {int(enr["year"].max()) + 1}
    assert set(b.tables["postings"]["region"]) == {"980100", "980200"}  # the cities, as a public employment service
    r = local_partitioned
    for name in ("warnings", "matches", "quality", "supply", "employment_forecast", "quality_ranking"):
        assert len(r.tables[name]), name


def test_warnings_per_city_and_city_alone_equals_partition(tiny_province, local_partitioned):
    r = local_partitioned
    cities = ["980100", "980200"]
    assert sorted(r.parts) == cities
    own = r.warnings[r.warnings["planning_unit"] == "planning_region"]
    assert sorted(own["region"].unique()) == cities  # each city is a planning region
    counts = r.summary["warning_counts"]
    assert counts.groupby("region")["specialties"].sum().to_dict() == own.groupby("region").size().to_dict()
    alone = tf.run(split_by_city(tiny_province)["980200"], progress=False, params=ZERO)
    for name, df in r.parts["980200"].items():
        pd.testing.assert_frame_equal(df, alone.tables[name], obj=name)
    # the concatenation stacks the cities' rows as they are
    n = sum(len(p["matches"]) for p in r.parts.values())
    assert len(r.matches) == n
    tot = r.summary["supply_demand_by_level"]
    own = r.matches[r.matches["region"].isin(cities)]
    assert tot["supply"].sum() == pytest.approx(own["supply"].sum())


def test_partitioned_dask_identical_to_local(dask_client, tiny_province, local_partitioned):
    dist = run_partitioned(tiny_province, progress=False, engine=dask_client, params=ZERO)
    assert dist.manifest["engine"] == "dask"
    assert sorted(dist.tables) == sorted(local_partitioned.tables)
    for name, df in local_partitioned.tables.items():
        pd.testing.assert_frame_equal(df, dist.tables[name], obj=name)
    for name, df in local_partitioned.summary.items():
        pd.testing.assert_frame_equal(df, dist.summary[name], obj=name)


def test_province_mode_warns_for_the_province(tiny_province):
    r = run_partitioned(tiny_province, mode="province", progress=False, stages=["matching"], params=ZERO)
    assert list(r.parts) == ["990000"]
    assert {"990000", "980100", "980201"} <= set(r.matches["region"])  # province, cities and districts


def test_split_names_rows_it_cannot_place(tiny_province):
    t = dict(tiny_province.tables)
    t["postings"] = pd.concat([t["postings"], t["postings"].head(1).assign(region="990000")], ignore_index=True)
    with pytest.raises(InputError, match="postings"):
        split_by_city(tf.Bundle(tables=t))
    with pytest.raises(ConfigError, match="mode"):
        run_partitioned(tiny_province, mode="nation", progress=False)
    with pytest.raises(ConfigError, match="engine"):
        run_partitioned(tiny_province, engine="spark-please", progress=False)


def test_feeds_per_city(local_partitioned, tmp_path):
    folders = local_partitioned.export(tmp_path, formats=("csv",))
    assert sorted(folders) == ["980100", "980200"]
    for city, folder in folders.items():
        feeds = [p for p in Path(folder).rglob("*.csv") if "warning" in p.name]
        assert feeds, city
        other = ({"980100", "980200"} - {city}).pop()
        text = "".join(p.read_text(encoding="utf-8") for p in feeds)
        assert city in text and other not in text  # each city's feed holds its own warnings only
    run = local_partitioned.run_of("980100")
    pd.testing.assert_frame_equal(run.warnings, local_partitioned.parts["980100"]["warnings"])


def test_bad_sizes_and_a_bad_partitioning_are_explained_in_chinese(tiny_province):
    with pytest.raises(InputError) as err:
        make_panel(n_regions=1, n_specialties=1, n_industries=98)
    assert "列 'n_industries'：值为 98；应为 1 到 97 之间的整数" in err.value.render("zh")
    with pytest.raises(InputError) as err:
        make_panel(n_regions=1, n_specialties=1, n_industries=1, offered=1.5)
    assert "应为 比例，取值范围 (0, 1]" in err.value.render("zh")
    with pytest.raises(ConfigError) as err:
        run_partitioned(tiny_province, mode="nation", progress=False)
    assert err.value.render("zh").startswith("run_partitioned：参数 mode 为 'nation'；应为 [")
    with pytest.raises(ConfigError) as err:
        forecast(_panel(), h=2, engine="no-such-engine")
    assert "engine='no-such-engine'：不是可用的计算引擎" in err.value.render("zh")
    t = dict(tiny_province.tables)
    t["postings"] = pd.concat([t["postings"], t["postings"].head(1).assign(region="990000")], ignore_index=True)
    with pytest.raises(InputError) as err:
        split_by_city(tf.Bundle(tables=t))
    assert "应为 属于某个市的地区（按市拆分时，其他地区的行不会保留）" in err.value.render("zh")
