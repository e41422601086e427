"""The bundled example region: loads, is consistent, is reproducible, and has varied dynamics."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from talentforecast.bundle import Bundle
from talentforecast.datasets import _sources, example_dir, load_example
from talentforecast.datasets.generator import DEFAULT_SEED, generate
from talentforecast.schema import LEVELS, TABLES, pandera_schema

ROOT = Path(__file__).resolve().parents[1]
needs_sources = pytest.mark.skipif(not _sources.SOURCES.is_dir(), reason="data/sources not in this checkout")


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_example()


@pytest.fixture(scope="module")
def rates(bundle) -> pd.DataFrame:
    o = bundle["outcomes"].copy()
    o["rate"] = (o["employed"] + o["further_study"]) / o["graduates"]
    return o


def test_load_example_returns_bundle_with_meta(bundle):
    assert isinstance(bundle, Bundle)
    assert bundle.region_name == "示例市"
    assert bundle.meta["region"] == "990100"
    assert bundle.meta["seed"] == DEFAULT_SEED
    assert set(bundle.tables) == {"regions", "population", "employment", "enrolment", "outcomes",
                                  "destinations", "postings", "enrolment_plan"}
    assert all(Path(p).is_file() for p in bundle.sources.values())


@pytest.mark.parametrize("name", ["regions", "population", "employment", "enrolment", "outcomes",
                                  "destinations", "postings", "enrolment_plan"])
def test_each_table_passes_its_schema(bundle, name):
    df = bundle[name]
    pandera_schema(name).validate(df, lazy=True)
    key = [k for k in TABLES[name].key if k in df.columns]
    assert not df.duplicated(key).any()
    for c in TABLES[name].columns:
        if c.name in df and c.dtype == "float" and c.nonnegative:
            v = df[c.name].dropna()
            assert (v >= 0).all() and (v == v.round()).all(), c.name  # integer counts


def test_codes_are_strings(bundle):
    assert bundle["enrolment"]["specialty"].str.fullmatch(r"\d{6}").all()
    assert bundle["employment"]["industry"].str.fullmatch(r"[A-S]").all()
    assert bundle["postings"]["occupation"].str.fullmatch(r"\d-\d{2}-\d{2}-\d{2}").all()


def test_regions_are_a_city_with_four_districts(bundle):
    reg = bundle["regions"]
    city = reg[reg["parent"].isna()]
    assert city["region"].tolist() == ["990100"]
    districts = set(reg.loc[reg["parent"] == "990100", "region"])
    assert len(districts) == 4
    for name in ("employment", "enrolment", "outcomes", "population", "enrolment_plan", "destinations"):
        assert set(bundle[name]["region"]) <= districts, name


def test_size_and_coverage(bundle):
    en = bundle["enrolment"]
    assert en["school"].nunique() >= 12
    assert en.loc[en["level"].isin(["中职", "高职专科"]), "specialty"].nunique() >= 150
    assert 0 < en.loc[en["level"] == "职业本科", "specialty"].nunique() <= 10
    assert set(en["level"]) <= set(LEVELS)
    emp = bundle["employment"]
    assert emp["industry"].nunique() == 19
    assert sorted(emp["year"].unique()) == list(range(2010, 2025))
    assert sum(p.stat().st_size for p in example_dir().iterdir()) < 5_000_000


def test_levels_and_codes_match_the_catalogue(bundle):
    cat = _sources.catalogue().set_index("major_code")
    for name in ("enrolment", "enrolment_plan"):
        df = bundle[name]
        assert df["specialty"].isin(cat.index).all()
        assert (cat.loc[df["specialty"], "level"].to_numpy() == df["level"].to_numpy()).all()


def test_population_bands_contiguous_and_districts_add_to_city_shape(bundle):
    pop = bundle["population"]
    assert sorted(pop["year"].unique()) == [2010, 2020]
    for _, g in pop.groupby(["region", "year"]):
        g = g.sort_values("age_from")
        assert g["age_from"].iloc[0] == 0
        assert (g["age_from"].iloc[1:].to_numpy() == g["age_to"].iloc[:-1].to_numpy() + 1).all()
    total = pop.groupby("year")["population"].sum()
    assert 5_000_000 < total[2010] < 6_500_000 and 5_000_000 < total[2020] < 6_500_000


def test_cohort_flow_is_consistent(bundle):
    en = bundle["enrolment"]
    assert (en["graduates"] <= en["in_school"]).all()
    length = {"中职": 3, "高职专科": 3, "职业本科": 4}
    en = en.assign(L=en["level"].map(length))
    prev = en[["school", "specialty", "year", "enrolled"]].rename(columns={"year": "cohort"})
    m = en.assign(cohort=en["year"] - en["L"]).merge(prev, on=["school", "specialty", "cohort"],
                                                     suffixes=("", "_cohort"))
    m = m[m["enrolled_cohort"] > 0]
    assert len(m) > 1000
    ratio = m["graduates"] / m["enrolled_cohort"]
    assert ratio.between(0.6, 1.0).all()  # binomial completion around 0.86–0.95 (tails included)
    assert 0.85 < ratio.median() < 0.95


def test_outcomes_are_consistent_with_enrolment(bundle):
    o = bundle["outcomes"]
    assert (o["employed"] + o["further_study"] <= o["graduates"]).all()
    assert (o["matched"] <= o["employed"]).all()
    en = bundle["enrolment"].set_index(["school", "specialty", "year"])["graduates"]
    assert (o.set_index(["school", "specialty", "year"])["graduates"] == en.loc[
        list(o.set_index(["school", "specialty", "year"]).index)].to_numpy()).all()


def test_further_study_higher_for_secondary_and_rising(bundle):
    o = bundle["outcomes"].merge(bundle["enrolment"][["school", "specialty", "level"]].drop_duplicates(),
                                 on=["school", "specialty"])
    fs = o.groupby(["level", "year"])[["further_study", "graduates"]].sum()
    fs = (fs["further_study"] / fs["graduates"]).unstack(0)
    assert 0.5 <= fs.loc[2024, "中职"] <= 0.75 and fs.loc[2024, "中职"] > fs.loc[2014, "中职"] + 0.15
    assert 0.08 <= fs.loc[2024, "高职专科"] <= 0.22


def test_dynamics_are_varied(bundle, rates):
    """Things the later stages are meant to find (the data itself carries no labels)."""
    city = bundle["employment"].groupby(["year", "industry"])["employed"].sum().unstack()
    assert city.loc[2024, "B"] < 0.5 * city.loc[2012, "B"]        # a declining industry
    assert city.loc[2024, "I"] > 2.5 * city.loc[2015, "I"]        # a booming one
    assert city.loc[2020, "H"] < 0.92 * city.loc[2019, "H"]       # COVID dip
    en = bundle["enrolment"]
    assert en[en["year"] == 2024].groupby("specialty")["school"].nunique().max() >= 6
    by_year = rates.groupby("year")[["employed", "further_study", "graduates"]].sum()
    overall = (by_year["employed"] + by_year["further_study"]) / by_year["graduates"]
    assert overall[2020] < overall[2019] - 0.03
    low = rates[rates["rate"] < 0.6].groupby(["school", "specialty"])["year"].nunique()
    assert (low >= 3).sum() >= 3                                    # low for years
    first = en[en["enrolled"] > 0].groupby(["school", "specialty"])["year"].min()
    assert (first == 2023).any()                                    # new, no graduates yet
    last = en[en["enrolled"] > 0].groupby(["school", "specialty"])["year"].max()
    assert (last < 2022).any()                                      # stopped enrolling


def test_load_example_dtypes(bundle):
    assert str(bundle["enrolment"]["year"].dtype) == "Int64"
    assert bundle["enrolment"]["enrolled"].dtype == np.float64
    assert bundle["regions"]["region"].map(type).eq(str).all()


@needs_sources
def test_generate_reproduces_committed_csvs_byte_for_byte(tmp_path):
    generate(seed=DEFAULT_SEED, out_dir=tmp_path / "example")
    for folder in ("example", "example_truth"):  # the inputs and, apart, the truth
        committed = example_dir().parent / folder
        names = sorted(p.name for p in committed.iterdir())
        assert names == sorted(p.name for p in (tmp_path / folder).iterdir())
        for name in names:
            assert (tmp_path / folder / name).read_bytes() == (committed / name).read_bytes(), name


@needs_sources
def test_other_seed_changes_draws_not_real_aggregates():
    a = load_example()
    b = generate(seed=7)
    assert not a["enrolment"]["enrolled"].equals(b["enrolment"]["enrolled"].astype(float))
    pd.testing.assert_frame_equal(a["population"], b["population"], check_dtype=False)
    va_a = a["employment"].groupby("year")["value_added"].sum()
    va_b = b["employment"].groupby("year")["value_added"].sum()
    np.testing.assert_allclose(va_a.to_numpy(), va_b.to_numpy(), rtol=1e-6)  # real sector totals


def test_example_script_runs():
    res = subprocess.run([sys.executable, str(ROOT / "examples" / "01_example_summary.py")],
                         capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
    assert res.returncode == 0, res.stderr
    assert "示例市 (990100)" in res.stdout
    assert "Schools: 14" in res.stdout


# --- the simulated world's truth ------------------------------------------------------------

@pytest.fixture(scope="module")
def truth():
    from talentforecast.datasets import load_example_truth

    return load_example_truth()


def test_truth_is_apart_and_covers_the_future(truth):
    assert not (example_dir() / "market.csv").exists()  # never inside the input folder
    m = truth["market"]
    assert m["year"].max() == 2027 and m["year"].min() == 2010
    np.testing.assert_allclose(m["ratio_sd"], (m["supply"] / m["demand"]).round(4), atol=2e-4)
    assert set(m["scope"]) == {"local", "national"}
    assert truth.params["world"]["future_years"] == 3 and truth.meta["seed"] == DEFAULT_SEED


def test_true_matrix_differs_from_the_rules_realistically(truth):
    mx = truth["matrix"]
    np.testing.assert_allclose(mx.groupby("specialty")["share"].sum(), 1.0, atol=1e-3)
    big = mx[mx["share"] >= 0.1].groupby("specialty").size()
    assert big.median() <= 3                                          # concentrated on few sections
    cross = mx[(mx["rule_share"] == 0) & (mx["share"] >= 0.1)]["specialty"].nunique()
    assert cross >= 0.2 * mx["specialty"].nunique()                   # cross-class destinations
    tv = (mx["share"] - mx["rule_share"]).abs().groupby(mx["specialty"]).sum() / 2
    assert tv.median() > 0.2


def test_outcomes_follow_the_true_market(bundle, rates, truth):
    """Low observed rates come from true oversupply, not from hand-set paths."""
    city = rates.groupby(["specialty", "year"])[["employed", "further_study", "graduates"]].sum()
    city["rate"] = (city["employed"] + city["further_study"]) / city["graduates"]
    m = truth["market"].set_index(["specialty", "year"])
    j = city.join(m[["ratio_sd", "scope"]], how="inner")
    j = j[(j["scope"] == "local") & (j["graduates"] >= 30)]
    assert np.corrcoef(j["rate"], np.log(j["ratio_sd"]))[0, 1] < -0.3
    assert j.loc[j["rate"] < 0.6, "ratio_sd"].median() > 1.5


def test_schools_policy_cut_closed_and_expanded(bundle, truth):
    ev = truth["events"]
    assert {"opened", "cut", "closed", "expanded"} <= set(ev["event"])
    en = bundle["enrolment"].set_index(["school", "specialty", "year"])["enrolled"]
    for r in ev[(ev["event"] == "closed") & (ev["year"] <= 2024)].itertuples():
        after = en.loc[(r.school, r.specialty)]
        assert (after[after.index >= r.year] == 0).all()


def test_destinations_add_up_to_employed_with_sampling_noise(bundle):
    d = bundle["destinations"].groupby(["school", "specialty", "year"])["employed"].sum()
    o = bundle["outcomes"].set_index(["school", "specialty", "year"])["employed"]
    ratio = (d / o.reindex(d.index)).dropna()
    assert 0.9 < ratio.median() < 1.1 and ratio.std() > 0.01          # noisy, unbiased
    assert d.index.get_level_values("year").min() == 2018


def test_no_library_module_reads_the_truth():
    src = ROOT / "src" / "talentforecast"
    for path in src.rglob("*.py"):
        if path.parent.name == "datasets":
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("example_truth", "load_example_truth", "datasets.truth"):
            assert word not in text, f"{path} mentions {word}"


def test_run_does_not_import_the_truth():
    code = ("import sys, talentforecast as tf; "
            "tf.run(tf.datasets.load_example(), stages=['inputs', 'supply'], progress=False); "
            "print('talentforecast.datasets.truth' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("False")


@pytest.mark.slow
def test_whole_run_works_without_the_truth_files(tmp_path):
    """The inputs copied alone (no example_truth beside them): the full chain still runs."""
    import shutil

    import talentforecast as tf
    from talentforecast.folder import read_folder

    shutil.copytree(example_dir(), tmp_path / "example")
    b = read_folder(tmp_path / "example", meta=load_example().meta)
    run = tf.run(b, stages=["inputs", "demand", "supply", "matching", "warning"], progress=False)
    assert len(run.warnings) > 100


@needs_sources
def test_another_parameter_file_makes_another_world(tmp_path):
    from talentforecast.datasets._params import PARAMS_PATH
    from talentforecast.datasets.generator import generate_world

    text = PARAMS_PATH.read_text(encoding="utf-8").replace("rule_weight = 0.9", "rule_weight = 0.3")
    (tmp_path / "far.toml").write_text(text, encoding="utf-8")
    tables, truth = generate_world(DEFAULT_SEED, tmp_path / "far.toml")
    mx = truth["matrix"]
    tv = (mx["share"] - mx["rule_share"]).abs().groupby(mx["specialty"]).sum() / 2
    assert tv.median() > 0.4                                          # far from the rules
    pd.testing.assert_frame_equal(tables["population"], generate(seed=DEFAULT_SEED)["population"])


def test_a_bad_parameter_file_is_explained_in_chinese(tmp_path):
    from talentforecast.datasets._params import load_params
    from talentforecast.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load_params(tmp_path / "none.toml")
    assert err.value.render("zh").startswith(f"{tmp_path / 'none.toml'}：无法读取示例数据生成器的参数（")
    (tmp_path / "half.toml").write_text("[region]\nfirst_year = 2015\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_params(tmp_path / "half.toml")
    assert err.value.render("zh") == f"{tmp_path / 'half.toml'}：缺少键 'districts'；应为示例数据生成器的参数文件"
    assert "key 'districts' missing" in err.value.render("en")
    with pytest.raises(ConfigError) as err:
        _sources.source_path("no/such.csv")
    assert "找不到源数据文件" in err.value.render("zh")
