"""Specialty → industry weights from graduate destinations: a Dirichlet posterior with the rules as prior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentforecast.demand.destinations import destination_counts, posterior_weights, weight_factors

RULES = pd.DataFrame({"specialty": ["a", "a", "b", "b", "c"], "industry": ["C", "G", "C", "G", "G"],
                      "level": "中职", "weight_used": [0.5, 0.4, 0.5, 0.4, 0.2]})


def _counts(n: float, share_c: float) -> pd.DataFrame:
    return pd.DataFrame({"specialty": "a", "level": "中职", "industry": ["C", "G", "H"],
                         "employed": [n * share_c, n * (1 - share_c) / 2, n * (1 - share_c) / 2]})


def test_without_evidence_the_weights_are_the_rules():
    w, ev = posterior_weights(RULES, _counts(0, 0.5).iloc[:0], 30.0)
    m = w.merge(RULES, on=["specialty", "industry", "level"], suffixes=("", "_rule"))
    assert np.allclose(m["weight_used"], m["weight_used_rule"])
    assert set(ev["source"]) == {"rules"} and (ev["tv_distance"] == 0).all()


@pytest.mark.parametrize("kappa", [3.0, 30.0])
def test_weights_move_toward_observed_destinations_as_evidence_grows(kappa):
    observed = {"C": 0.8, "G": 0.1, "H": 0.1}
    prev = None
    for n in (0, 10, 100, 1000, 100000):
        w, ev = posterior_weights(RULES, _counts(n, 0.8), kappa)
        a = w[w["specialty"] == "a"].set_index("industry")["theta"]
        dist = 0.5 * sum(abs(a.get(i, 0.0) - observed.get(i, 0.0)) for i in set(a.index) | set(observed))
        if prev is not None:
            assert dist < prev
        prev = dist
        # b and c have no evidence: their destination shares stay at the rules
        b = w[w["specialty"] == "b"].set_index("industry")["theta"]
        assert np.allclose(b[["C", "G"]], [5 / 9, 4 / 9]) and b.get("H", 0.0) == 0.0
        assert ev.set_index("specialty").loc["b", "source"] == "rules"
    assert prev < 1e-3
    # the posterior weights still split each industry's demand completely
    assert np.allclose(w.groupby("industry")["weight_used"].sum(), 1.0)
    assert ev.set_index("specialty").loc["a", "n_observed"] == 100000


def test_evidence_splits_a_class_that_the_rules_split_equally():
    w0, _ = posterior_weights(RULES, _counts(0, 0.5).iloc[:0], 30.0)
    w1, _ = posterior_weights(RULES, _counts(200, 0.9), 30.0)
    v = {"C": 100.0, "G": 100.0, "H": 50.0}

    def demand(w):
        return w.assign(d=w["weight_used"] * w["industry"].map(v)).groupby("specialty")["d"].sum()

    d0, d1 = demand(w0), demand(w1)
    assert np.isclose(d0["a"], d0["b"])  # the rules alone: equal split
    assert not np.isclose(d1["a"], d1["b"])
    assert np.isclose(d1.sum(), 250.0) and np.isclose(d0.sum(), 200.0)  # H reached only through evidence


def test_draws_are_renormalised_and_wider_without_evidence():
    v = pd.DataFrame({"industry": ["C", "G", "H"], "level": "中职", "value": [300.0, 20.0, 50.0]})
    w0, _ = posterior_weights(RULES, _counts(0, 0.5).iloc[:0], 30.0)
    w1, _ = posterior_weights(RULES, _counts(5000, 0.8), 30.0)
    f0, f1 = weight_factors(w0, v, 0.0, 4000, 1), weight_factors(w1, v, 0.0, 4000, 1)
    assert f1["a"].std() < 0.6 * f0["a"].std()  # evidence narrows its destination shares
    assert abs(f0["a"].mean() - 1) < 0.05
    again = weight_factors(w0, v, 0.0, 4000, 1)
    assert all(np.array_equal(f0[k], again[k]) for k in f0)


def test_unmapped_destination_rows_are_returned_not_dropped():
    d = pd.DataFrame({"specialty": "a", "level": "中职", "year": [2020, 2024, 2024],
                      "industry": ["C", "C", "Q"], "employed": [7.0, 3.0, 2.0]})
    n, bad = destination_counts(d, {"C", "G"}, window=2)
    assert n["employed"].tolist() == [3.0] and bad["industry"].tolist() == ["Q"]


def test_example_specialties_of_one_class_get_different_demand():
    import talentforecast as tf
    from talentforecast.demand import compute_demand

    b = tf.datasets.load_example()
    out = compute_demand(b, horizon=2, params={"models": "drift", "n_paths": 100}, seed=0)
    ev = out["allocation_evidence"]
    assert (ev["source"] == "evidence").sum() > 150
    sd = out["specialty_demand"].query("not observed and scenario == 'baseline'")
    sd = sd[sd["region"] == sd["region"].min()]
    cat = tf.catalogs.specialties().drop_duplicates("specialty").set_index("specialty")["class_name"]
    sd = sd.assign(cls=sd["specialty"].map(cat))
    last = sd[sd["year"] == sd["year"].max()]
    # within a class at one level, no two specialties share the same demand
    dup = last.groupby(["cls", "level"])["value"].apply(lambda s: s.round(6).duplicated().sum())
    assert dup.sum() == 0 and (last.groupby(["cls", "level"]).size() > 1).any()


def test_level_split_keeps_each_industry_total_and_moves_toward_observed_levels():
    from talentforecast.demand import vocational_shares
    from talentforecast.demand.destinations import level_split

    sh = vocational_shares()
    same = level_split(sh, None, 30.0, 5)
    assert np.allclose(same["share"], sh["share"]) and set(same["split_source"]) == {"shipped"}
    d = pd.DataFrame({"industry": ["C", "C", "36"], "level": ["中职", "高职专科", "高职专科"],
                      "year": 2024, "employed": [100.0, 200.0, 700.0]})
    prev = None
    for n in (1.0, 10.0, 1000.0):
        out = level_split(sh, d.assign(employed=d["employed"] * n), 30.0, 5)
        c = out[out["industry"] == "C"].set_index("level")
        assert np.isclose(c["share"].sum(), sh[sh["industry"] == "C"]["share"].sum())
        frac = c.loc["高职专科", "share"] / c["share"].sum()
        assert prev is None or frac > prev
        prev = frac
    assert abs(prev - 0.9) < 0.01 and (c["split_source"] == "destinations").all()
    g = out[out["industry"] == "G"]
    assert np.allclose(g["share"], g["share_shipped"]) and (g["split_source"] == "shipped").all()


def test_bad_destination_settings_say_so_in_chinese(tmp_path):
    from talentforecast.demand.destinations import destination_settings
    from talentforecast.errors import ConfigError

    f = tmp_path / "ranges.toml"
    f.write_text("[destinations]\nprior_strength = 30\nwindow = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        destination_settings(f)
    assert str(err.value) == f"{f}：配置项 destinations.window 的值为 0；应为不小于 1 的整数"
    assert "expected an integer >= 1" in err.value.render("en")
