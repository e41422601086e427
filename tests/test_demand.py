"""Demand stage: accounting identities, known answers, intervals, scenarios, parameters."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from talentforecast.bundle import Bundle
from talentforecast.demand import (
    TOTAL,
    allocate,
    compute_demand,
    labour_market_conditions,
    load_scenario,
    openings,
    replacement_rates,
    vocational_shares,
)
from talentforecast.demand.openings import openings_paths
from talentforecast.demand.paths import paths_from_forecast
from talentforecast.errors import ConfigError

REGIONS = pd.DataFrame({"region": ["900", "901", "902"], "region_name": ["市", "甲区", "乙区"],
                        "parent": [None, "900", "900"]})
FAST = {"models": "drift", "n_paths": 300, "allocate_over": "catalogue", "entrant_share": 1.0}


def _bundle(with_postings: bool = True) -> Bundle:
    rng = np.random.default_rng(1)
    rows = []
    for r, scale in (("901", 1.0), ("902", 0.6)):
        for ind, base, g in (("C", 50000, 0.02), ("F", 30000, 0.01), ("I", 8000, 0.06)):
            for k, y in enumerate(range(2010, 2021)):
                va = base * 30 * (1 + g + 0.03) ** k * np.exp(rng.normal(0, 0.02))
                rows.append((r, ind, y, scale * base * (1 + g) ** k * np.exp(rng.normal(0, 0.01)), scale * va))
    emp = pd.DataFrame(rows, columns=["region", "industry", "year", "employed", "value_added"])
    cw = pd.DataFrame({"specialty": ["660101", "460101", "460102", "530701", "510201", "530802"],
                       "industry": ["C", "C", "C", "F", "I", "F"],
                       "weight": [1.0, 0.7, 0.3, 0.5, 1.0, 0.5],
                       "level": ["中职", "高职专科", "高职专科", "高职专科", "高职专科", "高职专科"]})
    staffing = pd.DataFrame({"industry": ["C", "C", "F", "I"],
                             "occupation": ["6-18-01-01", "6-31-01-01", "4-01-02-01", "4-04-05-01"],
                             "share": [0.6, 0.4, 1.0, 1.0]})
    tables = {"employment": emp, "regions": REGIONS, "specialty_industry": cw, "staffing": staffing}
    if with_postings:
        tables["postings"] = pd.DataFrame({"region": "901", "occupation": "6-18-01-01",
                                           "year": [2018, 2019, 2020], "openings": [100, 130, 160],
                                           "seekers": [100, 100, 100]})
    return Bundle(tables)


@pytest.fixture(scope="module")
def result():
    return compute_demand(_bundle(), horizon=4, params={**FAST, "n_paths": 3000}, seed=3)


def test_known_answer_openings():
    fc = pd.DataFrame({"region": "a", "industry": "C", "year": [2020, 2021, 2022, 2023],
                       "value": [100.0, 110.0, 105.0, 120.0], "observed": True})
    out = openings(fc, pd.DataFrame({"region": "", "industry": ["C"], "rate": [0.1]}))
    got = out.query("industry == 'C'")[["year", "expansion", "replacement", "value"]]
    # 2021: +10 + 0.1·100; 2022: a contraction offsets replacement: −5 + 11; 2023: +15 + 0.1·105
    assert got.to_numpy().ravel().tolist() == pytest.approx([2021, 10, 10, 20, 2022, -5, 11, 6, 2023, 15, 10.5, 25.5])


def test_decline_beyond_replacement_gives_zero_openings():
    fc = pd.DataFrame({"region": "a", "industry": "B", "year": [2020, 2021], "value": [100.0, 80.0],
                       "observed": True})
    out = openings(fc, pd.DataFrame({"region": "", "industry": ["B"], "rate": [0.05]}))
    row = out.query("industry == 'B'").iloc[0]
    assert (row["expansion"], row["replacement"], row["value"]) == pytest.approx((-20, 5, 0))


def test_city_openings_are_net_of_district_declines():
    # district 1 loses 30, district 2 gains 20: the city has −10 + ρ·200 = 10 openings, shared to
    # district 2 (the only one with a positive need), not 20 + 20 = 40 from clipping per district
    fc = pd.DataFrame({"region": ["1", "1", "2", "2"], "industry": "C", "year": [2020, 2021] * 2,
                       "value": [100.0, 70.0, 100.0, 120.0], "observed": True})
    reg = pd.DataFrame({"region": ["0", "1", "2"], "parent": [None, "0", "0"]})
    out = openings(fc, pd.DataFrame({"region": "", "industry": ["C"], "rate": [0.1]}), reg)
    o = out.query("industry == 'C'").set_index("region")
    assert o.loc["0", ["expansion", "replacement", "value"]].tolist() == pytest.approx([-10, 20, 10])
    assert o.loc["1", "value"] == 0 and o.loc["2", "value"] == pytest.approx(10)
    assert o.loc["1", "expansion"] == pytest.approx(-30)


def test_expansion_plus_replacement_is_openings(result):
    o = result["openings"]
    # openings are the positive part of the net need at the row's level (city × industry);
    # districts are shares of their city's openings, so they add up instead
    city = o[(o.region == "900") & (o.industry != TOTAL)]
    assert np.allclose(np.maximum(city["expansion"] + city["replacement"], 0), city["value"])
    assert (o["value"] >= 0).all()


def test_regions_and_industries_add_up(result):
    e = result["employment_forecast"].query("scenario == 'baseline'")
    leaf = e[(e.region != "900") & (e.industry != TOTAL)]
    by_year = leaf.groupby("year")["value"].sum()
    city_total = e[(e.region == "900") & (e.industry == TOTAL)].set_index("year")["value"]
    assert np.allclose(by_year, city_total.loc[by_year.index])
    o = result["openings"]
    city_c = o[(o.region == "900") & (o.industry == "C")].set_index("year")["value"]
    dist_c = o[(o.region != "900") & (o.industry == "C")].groupby("year")["value"].sum()
    assert np.allclose(city_c, dist_c)


def test_allocation_conserves_vocational_total(result):
    v = result["vocational_openings"].query("scenario == 'baseline'")
    d = result["specialty_demand"].query("scenario == 'baseline'")
    # every (industry, level) with specialties in the crosswalk: C×中职, C/F/I×高职专科
    served = v[((v.industry == "C") & (v.level == "中职")) | (v.level == "高职专科")]
    lhs = served.groupby(["region", "year", "level"])["value"].sum()
    rhs = d.groupby(["region", "year", "level"])["value"].sum()
    assert np.allclose(lhs.sort_index(), rhs.loc[lhs.sort_index().index])
    un = result["unallocated"]
    assert {("F", "中职"), ("I", "中职")} <= set(map(tuple, un.query("stage == 'specialty'")[["industry", "level"]].values))


def test_allocation_per_industry_is_conserved():
    fc = pd.DataFrame({"region": "a", "industry": ["C"] * 3 + ["F"] * 3, "year": [2020, 2021, 2022] * 2,
                       "value": [100.0, 120.0, 130.0, 50.0, 55.0, 50.0], "observed": True})
    emp = paths_from_forecast(fc, n_paths=100)
    op = openings_paths(emp, np.array([0.1, 0.1]))["openings"]
    shares = vocational_shares()
    cw = pd.DataFrame({"specialty": ["1", "2", "3"], "industry": ["C", "C", "F"], "weight": [0.25, 0.75, 1.0],
                       "level": "高职专科", "weight_used": [0.25, 0.75, 1.0]})
    out = allocate(op, None, shares, cw, level=(80,))
    v = out["vocational_openings"].query("level == '高职专科'").set_index(["industry", "year"])["value"]
    d = out["specialty_demand"].set_index(["specialty", "year"])["value"]
    # C in 2021: O = 20 + 10 = 30; v(C, 高职专科) = 0.2 → V = 6 → specialty 1 gets 1.5, 2 gets 4.5
    assert v.loc[("C", 2021)] == pytest.approx(6.0)
    assert d.loc[("1", 2021)] == pytest.approx(1.5) and d.loc[("2", 2021)] == pytest.approx(4.5)
    for y in (2021, 2022):
        assert d.loc[("1", y)] + d.loc[("2", y)] == pytest.approx(v.loc[("C", y)])
        assert d.loc[("3", y)] == pytest.approx(v.loc[("F", y)])


def test_occupation_equal_split_method():
    fc = pd.DataFrame({"region": "a", "industry": "C", "year": [2020, 2021], "value": [100.0, 120.0],
                       "observed": True})
    op = openings_paths(paths_from_forecast(fc, n_paths=100), np.array([0.0]))["openings"]
    cw = pd.DataFrame({"specialty": ["1"], "industry": ["C"], "weight": [1.0], "level": "中职", "weight_used": [1.0]})
    so = pd.DataFrame({"specialty": ["1", "1"], "occupation": ["x", "y"]})
    out = allocate(op, None, vocational_shares(), cw, spec_occ=so, level=(80,))
    occ = out["occupation_demand"]
    assert set(occ["method"]) == {"specialty_occupation_equal_split"}
    assert occ["value"].tolist() == pytest.approx([2.0, 2.0])  # 20 × 0.2 / 2


def test_intervals_widen_with_horizon():
    # forecast errors accumulate; parameter draws (a spread constant over the horizon, plus Monte
    # Carlo noise) are switched off so that the property is seen on its own
    result = compute_demand(_bundle(False), horizon=4, params={**FAST, "n_paths": 3000, "sample_parameters": False},
                            seed=3)
    for name in ("employment_forecast", "openings", "specialty_demand"):
        t = result[name].query("scenario == 'baseline' and not observed")
        key = [c for c in ("region", "industry", "specialty") if c in t.columns]
        for _, g in t.sort_values("year").groupby(key):
            w = (g["hi_95"] - g["lo_95"]).to_numpy()
            if w.max() > 0:
                # employment widths are exact; flows carry Monte Carlo noise of a few per cent
                tol = 1e-9 if name == "employment_forecast" else 0.03
                assert np.all(np.diff(w) > -tol * w.max()), (name, g.iloc[0][key].tolist(), w)
                assert w[-1] > w[0]


def test_bounds_bracket_point(result):
    e = result["employment_forecast"]
    assert (e["lo_95"] <= e["lo_80"] + 1e-6).all() and (e["hi_80"] <= e["hi_95"] + 1e-6).all()
    fut = pd.concat([result[n].query("not observed") for n in ("employment_forecast", "openings", "specialty_demand")])
    assert ((fut["lo_95"] <= fut["value"]) & (fut["value"] <= fut["hi_95"])).all()


def test_deterministic():
    a = compute_demand(_bundle(False), horizon=2, params=FAST, seed=5)
    b = compute_demand(_bundle(False), horizon=2, params=FAST, seed=5)
    pd.testing.assert_frame_equal(a["specialty_demand"], b["specialty_demand"])


def test_rate_overrides_take_effect():
    b = _bundle(False)
    base = compute_demand(b, horizon=2, params=FAST)["openings"].set_index(["region", "industry", "year"])
    ov = pd.DataFrame({"region": ["901", ""], "industry": ["C", "F"], "rate": [0.10, 0.0]})
    new = compute_demand(b, horizon=2, params={**FAST, "rate_overrides": ov})["openings"]
    new = new.set_index(["region", "industry", "year"])
    assert (new.loc[("901", "C"), "replacement"] > base.loc[("901", "C"), "replacement"] * 3).all()
    assert np.allclose(new.loc[("902", "C"), "replacement"], base.loc[("902", "C"), "replacement"])
    assert (new.loc[("902", "F"), "replacement"] == 0).all()
    assert np.allclose(new.loc[("902", "I"), "value"], base.loc[("902", "I"), "value"])


def test_rate_file_errors(tmp_path):
    f = tmp_path / "rates.csv"
    f.write_text("industry,rate\nC,1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rates.csv：第 2 行，列 'rate'：值为 1.5；"
                       "应为 0 到 1 之间的数") as err:
        replacement_rates(overrides=f)
    assert "rates.csv: row 2, key 'rate'" in err.value.render("en")


@pytest.mark.parametrize("kind", ["employment_growth", "value_added_growth"])
def test_higher_target_raises_only_its_industries(kind):
    b = _bundle(False)
    sc = {"name": "plan", "start": 2021, "end": 2023, "mode": "path", "targets": [{"industries": ["C"], kind: 0.15}]}
    out = compute_demand(b, horizon=4, scenario=sc, params=FAST)["employment_forecast"]
    w = out.pivot_table(index=["region", "industry", "year"], columns="scenario", values="value")
    fut = w.index.get_level_values("year") >= 2021
    c = w[fut & (w.index.get_level_values("industry") == "C")]
    assert (c["plan"] > c["baseline"] * 1.001).all()
    others = w[w.index.get_level_values("industry").isin(["F", "I"])]
    assert np.array_equal(others["plan"].to_numpy(), others["baseline"].to_numpy())
    hist = w[~fut]
    assert np.array_equal(hist["plan"].to_numpy(), hist["baseline"].to_numpy())


def test_scenario_unknown_industry_is_config_error(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('name = "x"\nstart = 2025\nend = 2030\nmode = "path"\n[[targets]]\nindustries = ["ZZ"]\n'
                 "value_added_growth = 0.12\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.toml：配置项 targets\[0\].industries 的值为 'ZZ'；"
                       "应为 GB/T 4754-2017 的门类字母或两位大类代码") as err:
        load_scenario(f)
    assert "bad.toml: key 'targets[0].industries': got 'ZZ'" in err.value.render("en")


@pytest.mark.parametrize("body,key", [
    ('name = "x"\nstart = 2025\nend = 2030\nfoo = 1\ntargets = []\n', "foo"),
    ('name = "x"\nstart = "2025"\nend = 2030\ntargets = []\n', "start"),
    ('name = "x"\nstart = 2025\nend = 2030\nmode = "path"\n[[targets]]\ncluster = "nope"\nemployment_growth = 0.1\n',
     r"targets\[0\].cluster"),
    ('name = "x"\nstart = 2025\nend = 2030\nmode = "path"\n[[targets]]\ncluster = "ai"\ngrowth = 0.1\n',
     r"targets\[0\].growth"),
    ('name = "x"\nstart = 2025\nend = 2030\n[[targets]]\ncluster = "ai"\nemployment_growth = 0.1\n',
     r"targets\[0\].mode"),
    ('name = "x"\nstart = 2025\nend = 2030\nmode = "uplift"\n[[targets]]\ncluster = "ai"\nemployment_growth = 0.1\n',
     r"targets\[0\]"),
])
def test_scenario_validation(tmp_path, body, key):
    f = tmp_path / "s.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"s.toml：(未知)?配置项 {key}[ ；]") as err:
        load_scenario(f)
    assert re.search(rf"s.toml: key '{key}'", err.value.render("en"))


def test_scenario_industry_absent_from_data():
    sc = {"name": "x", "start": 2021, "end": 2022, "mode": "path",
          "targets": [{"industries": ["A"], "employment_growth": 0.1}]}
    with pytest.raises(ConfigError, match=r"行业 \['A'\].*在就业人数表中没有对应的序列") as err:
        compute_demand(_bundle(False), horizon=2, scenario=sc, params=FAST)
    assert "match no series" in err.value.render("en")


def test_shipped_scenario_loads():
    from talentforecast.demand import EXAMPLE_SCENARIO

    s = load_scenario(EXAMPLE_SCENARIO)
    assert len(s.targets) == 6 and all(t.kind == "value_added_growth" for t in s.targets)


def test_conditions(result):
    lmc = result["labour_market_conditions"]
    row = lmc.query("region == '901' and year == 2020").iloc[0]
    assert row["ratio_ds"] == pytest.approx(1.6) and row["trend"] == pytest.approx(0.3)
    assert set(lmc["region"]) == {"900", "901"}  # parent gets the sum of its children
    assert lmc["ratio_ds"].notna().all()
    assert labour_market_conditions(pd.DataFrame(columns=["region", "year", "openings", "seekers"])).empty


def test_output_columns(result):
    b = ["lo_80", "hi_80", "lo_95", "hi_95"]
    assert list(result["openings"].columns) == ["region", "industry", "year", "scenario", "expansion",
                                                "replacement", "value", *b, "unit", "observed"]
    assert list(result["specialty_demand"].columns) == ["region", "specialty", "level", "year", "scenario",
                                                        "value", *b, "unit", "observed"]
    assert list(result["occupation_demand"].columns) == ["region", "occupation", "year", "scenario", "value",
                                                         *b, "unit", "method", "observed"]
    assert set(result["occupation_demand"]["method"]) == {"staffing_matrix"}


def test_entrant_share_scales_vocational_openings_only():
    b = _bundle(False)
    full = compute_demand(b, horizon=2, params=FAST)
    half = compute_demand(b, horizon=2, params={**FAST, "entrant_share": 0.5})
    assert np.allclose(half["vocational_openings"]["value"], 0.5 * full["vocational_openings"]["value"])
    assert np.allclose(half["openings"]["value"], full["openings"]["value"])


def test_mintrace_reconciliation_keeps_regions_and_industries_adding_up():
    b = _bundle(False)
    theta = {**FAST, "models": "theta"}  # drift is linear in the data, so its forecasts are coherent already
    base = compute_demand(b, horizon=2, params=theta)["employment_forecast"]
    rec = compute_demand(b, horizon=2, params={**theta, "reconcile": "mint_shrink"})["employment_forecast"]
    fut = rec[~rec.observed & (rec.scenario == "baseline")]
    assert set(fut["model"].str.split("+").str[-1]) == {"mint_shrink"}
    leaves = fut[(fut.industry != "_T") & fut.region.isin(["901", "902"])]
    tot = fut[(fut.industry == "_T") & (fut.region == "900")].set_index("year")["value"]
    assert np.allclose(leaves.groupby("year")["value"].sum().loc[tot.index], tot)
    # reconciliation moves the leaves away from the independent forecasts
    b_leaf = base[~base.observed & (base.industry != "_T") & base.region.isin(["901", "902"])]
    assert np.abs(b_leaf["value"].to_numpy() - leaves["value"].to_numpy()).max() > 1.0


def test_unknown_reconcile_method_is_a_config_error():
    from talentforecast.errors import ConfigError

    with pytest.raises(ConfigError, match="reconcile"):
        compute_demand(_bundle(False), horizon=2, params={**FAST, "reconcile": "top_down"})


@pytest.fixture(scope="module")
def example_demand():
    import talentforecast as tf
    from talentforecast.demand import EXAMPLE_SCENARIO

    return compute_demand(tf.datasets.load_example(), horizon=5, scenario=EXAMPLE_SCENARIO,
                          params={"n_paths": 200})


def test_example_expansion_is_net_change_at_planning_level(example_demand):
    """Issue 15: planning region × section expansion ≤ sum of positive net section changes (+5 %)."""
    o = example_demand["openings"].query("scenario == 'baseline' and not observed")
    city = o[(o.region == "990100") & (o.industry != TOTAL)]
    e = example_demand["employment_forecast"].query("scenario == 'baseline' and region == '990100' "
                                                    "and industry != '_T'")
    w = e.pivot(index="industry", columns="year", values="value")
    net = w[w.columns.max()] - w[e.loc[e.observed, "year"].max()]
    assert city["expansion"].clip(lower=0).sum() <= 1.05 * net.clip(lower=0).sum()
    # expansion telescopes to the net change of each section, declines included
    assert np.allclose(city.groupby("industry")["expansion"].sum().loc[net.index], net)
    assert (city["expansion"] < 0).any()
    # districts add up to the city, openings included
    dist = o[(o.region != "990100") & (o.industry != TOTAL)].groupby(["industry", "year"])[
        ["expansion", "replacement", "value"]].sum()
    assert np.allclose(dist.to_numpy(), city.set_index(["industry", "year"]).loc[dist.index][
        ["expansion", "replacement", "value"]].to_numpy())


def test_missing_industry_stops_the_run_naming_it_and_the_param():
    from talentforecast.errors import InputError

    b = _bundle(False)
    emp = b["employment"]
    short = Bundle({**b.tables, "employment": emp[emp.industry != "I"]})
    with pytest.raises(InputError, match=r"I 信息传输.*missing_industries = \"zero\""):
        compute_demand(short, horizon=2, params=FAST)
    out = compute_demand(short, horizon=2, params={**FAST, "missing_industries": "zero"})
    mi = out["missing_industries"]
    assert mi[["industry", "n_specialties", "action"]].values.tolist() == [["I", 1, "accepted_zero"]]
    assert "零需求" in mi["note_zh"].iloc[0]
    # the specialty served only by I has no demand row, and nothing else moved
    assert "510201" not in set(out["specialty_demand"]["specialty"])
    assert compute_demand(b, horizon=2, params=FAST)["missing_industries"].empty


def test_example_accepts_only_t_as_zero(example_demand):
    mi = example_demand["missing_industries"]
    assert mi["industry"].tolist() == ["T"] and (mi["action"] == "accepted_zero").all()



@pytest.mark.parametrize("kind", ["employment_uplift", "value_added_uplift"])
@pytest.mark.parametrize("sign", [1, -1])
def test_uplift_moves_its_industry_with_its_sign(kind, sign):
    sc = {"name": "plan", "start": 2021, "end": 2023, "mode": "uplift",
          "targets": [{"industries": ["I"], kind: 0.03 * sign}]}
    out = compute_demand(_bundle(False), horizon=3, scenario=sc, params=FAST)
    cmp_ = out["scenario_comparison"]
    i = cmp_[cmp_.industry == "I"]
    if kind == "value_added_uplift":  # through the estimated elasticity b: the effect has the sign of b·u
        sign *= np.sign(out["elasticities"].set_index("industry").loc["I", "elasticity"])
    assert (np.sign(i["employment_effect"]) == sign).all()
    assert (cmp_[cmp_.industry.isin(["C", "F"])]["employment_effect"] == 0).all()
    assert out["scenario_flags"].empty and not out["scenario_effects"]["below_trend"].any()


def test_path_below_trend_is_flagged_not_silent():
    # I grows 6 %/yr; a plan path of 1 %/yr employment growth lowers it: flagged
    sc = {"name": "plan", "start": 2021, "end": 2023, "mode": "path",
          "targets": [{"industries": ["I"], "employment_growth": 0.01}, {"industries": ["F"], "employment_growth": 0.05}]}
    out = compute_demand(_bundle(False), horizon=3, scenario=sc, params=FAST)
    eff = out["scenario_effects"]
    assert eff.set_index(["region", "industry"])["below_trend"].to_dict() == {
        ("901", "I"): True, ("902", "I"): True, ("901", "F"): False, ("902", "F"): False}
    flags = out["scenario_flags"]
    assert flags["industry"].tolist() == ["I"] and flags["regions"].tolist() == [2]
    assert "低于该行业的趋势" in flags["note_zh"].iloc[0] and "uplift" in flags["note_en"].iloc[0]
    i = out["scenario_comparison"].query("industry == 'I' and region == '900'")
    assert (i["employment_effect"] < 0).all()


def test_example_scenario_flags_targets_below_trend(example_demand):
    flags = example_demand["scenario_flags"]
    cmp_ = example_demand["scenario_comparison"].query("region == '990100' and year == 2029")
    lowered = set(cmp_.loc[cmp_["employment_effect"] < 0, "industry"])
    assert lowered and lowered <= set(flags["industry"])


def test_parameter_draws_widen_intervals_not_points():
    b = _bundle(False)
    on = compute_demand(b, horizon=3, params={**FAST, "entrant_share": 0.35}, seed=2)
    off = compute_demand(b, horizon=3, params={**FAST, "entrant_share": 0.35, "sample_parameters": False}, seed=2)
    for name in ("openings", "specialty_demand"):
        a, z = on[name].query("not observed"), off[name].query("not observed")
        assert np.allclose(a["value"], z["value"])  # central values unchanged
        assert ((a["hi_95"] - a["lo_95"]).sum()) > 1.1 * ((z["hi_95"] - z["lo_95"]).sum())
    again = compute_demand(b, horizon=3, params={**FAST, "entrant_share": 0.35}, seed=2)
    pd.testing.assert_frame_equal(on["specialty_demand"], again["specialty_demand"])
    p = on["demand_parameters"]
    assert (p["replacement_rate_low"] < p["replacement_rate"]).all() and (p["entrant_share_high"] == 0.5).all()


def test_demand_sensitivity_moves_with_each_parameter(result):
    ds = result["demand_sensitivity"].query("scenario == 'baseline'")
    assert set(ds["region"]) == {"900"}  # the planning region only
    w = ds.pivot_table(index=["quantity", "specialty", "level", "year"], columns=["parameter", "setting"],
                       values="value")
    voc = w.loc["vocational_openings"]
    # vocational openings are proportional to the entrant share (central 1.0 in FAST, range widened to it)
    assert np.allclose(voc[("entrant_share", "low")], 0.25 * voc[("central", "central")])
    assert np.allclose(voc[("vocational_share", "high")], 1.3 * voc[("central", "central")])
    op = w.loc["openings"]
    assert (op[("replacement_rate", "high")] > op[("central", "central")]).all()
    assert (op[("replacement_rate", "low")] < op[("central", "central")]).all()
    # the central setting reproduces the run's own point values
    sd = result["specialty_demand"].query("scenario == 'baseline' and region == '900' and not observed")
    cen = w.loc["specialty_demand"][("central", "central")].droplevel("level")
    assert np.allclose(sd.set_index(["specialty", "year"])["value"].sort_index(), cen.sort_index())


def test_run_manifest_records_accepted_missing_industries_and_flags():
    import talentforecast as tf

    b = _bundle(False)
    short = Bundle({**b.tables, "employment": b["employment"][b["employment"].industry != "I"]})
    sc = {"name": "plan", "start": 2021, "end": 2022, "mode": "path",
          "targets": [{"industries": ["F"], "employment_growth": -0.05}]}
    r = tf.run(short, stages=["inputs", "demand"], progress=False, horizon=2, scenario=load_scenario(sc),
               params={"demand": {**FAST, "missing_industries": "zero"}})
    notes = r.manifest["notes"]
    assert [n["industry"] for n in notes["missing_industries"]] == ["I"]
    assert [n["industry"] for n in notes["scenario_flags"]] == ["F"]


def test_crosswalk_weight_draws_widen_specialty_demand_only(tmp_path):
    from talentforecast.demand.uncertainty import RANGES

    f = tmp_path / "ranges.toml"
    f.write_text(RANGES.read_text(encoding="utf-8").replace("relative_sd = 0.3", "relative_sd = 0.0"),
                 encoding="utf-8")
    b = _bundle(False)
    wide = compute_demand(b, horizon=2, params=FAST, seed=4)
    narrow = compute_demand(b, horizon=2, params={**FAST, "parameter_ranges": f}, seed=4)
    for name, widened in (("vocational_openings", False), ("specialty_demand", True)):
        a, z = wide[name].query("not observed"), narrow[name].query("not observed")
        assert np.allclose(a["value"], z["value"])
        wa, wz = (a["hi_95"] - a["lo_95"]).sum(), (z["hi_95"] - z["lo_95"]).sum()
        assert (wa > 1.05 * wz) if widened else np.isclose(wa, wz)
    cw = wide["demand_sensitivity"].query("parameter == 'crosswalk_weight'")
    assert set(cw["quantity"]) == {"specialty_demand"} and set(cw["setting"]) == {"low", "high"}
    assert "crosswalk_weight" not in set(narrow["demand_sensitivity"]["parameter"])


@pytest.mark.parametrize("params,zh", [
    ({"entrant_share": 1.5}, "需求参数 entrant_share：值为 1.5；应为大于 0、不超过 1 的数"),
    ({"n_paths": 10}, "需求参数 n_paths：值为 10；应为不小于 100 的整数"),
    ({"level_split": "x"}, "需求参数 level_split：值为 'x'；应为 'shipped' 或 'destinations'"),
    ({"nonsense": 1}, "需求参数：未知参数 nonsense；"),
])
def test_bad_demand_params_say_so_in_chinese(params, zh):
    from talentforecast.demand.params import DemandParams

    with pytest.raises(ConfigError) as err:
        DemandParams.coerce(params)
    assert zh in str(err.value)
    assert "demand params: key" in err.value.render("en")


def test_bad_parameter_ranges_say_so_in_chinese(tmp_path):
    from talentforecast.demand.uncertainty import crosswalk_sd, entrant_share_range

    f = tmp_path / "ranges.toml"
    f.write_text("[entrant_share]\ncentral = 0.35\nlow = 0.5\nhigh = 0.6\n[crosswalk]\nrelative_sd = 3\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        entrant_share_range(f)
    assert str(err.value) == (f"{f}：配置项 entrant_share 的取值应满足 low <= central <= high"
                              "（现为 low 0.5、central 0.35、high 0.6）")
    with pytest.raises(ConfigError, match=r"配置项 crosswalk.relative_sd 的值为 3；应为 0 到 2 之间的数"):
        crosswalk_sd(f)


def test_scenario_errors_in_chinese(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('name = "x"\nstart = 2025\nend = 2030\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="s.toml：缺少配置项 targets$"):
        load_scenario(f)
    f.write_text('name = "x"\n= y\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="s.toml：不是有效的 TOML 文件（"):
        load_scenario(f)
    f.write_text('name = "x"\nstart = 2025\nend = 2030\nmode = "path"\n[[targets]]\nindustries = ["C"]\n'
                 "employment_growth = 0.1\nshare = 2.0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"配置项 targets\[0\].share 的值为 2；应为 大于 0、不超过 1 的数"):
        load_scenario(f)


def test_bad_demand_inputs_say_so_in_chinese():
    from talentforecast.demand.allocation import normalise_weights
    from talentforecast.demand.employment import leaf_employment
    from talentforecast.errors import InputError

    cw = pd.DataFrame({"specialty": ["1", "9"], "industry": "C", "weight": [0.5, 0.5]})
    with pytest.raises(InputError) as err:
        normalise_weights(cw, levels=pd.Series({"1": "中职"}))
    assert "文件 specialty_industry，列 'specialty'，第 3 行：值为 '9'；应为 专业目录中的专业" in str(err.value)
    e = pd.DataFrame({"region": "1", "industry": ["C", "39"], "year": 2020, "employed": [1.0, 2.0]})
    with pytest.raises(InputError, match="应为 门类 C 或其下属大类之一，不能同时给出（否则会重复计算）"):
        leaf_employment(e)
    fc = pd.DataFrame({"region": "a", "industry": "C", "year": [2020, 2020], "value": [1.0, 2.0],
                       "observed": True})
    with pytest.raises(InputError, match="应为 每个地区、行业、年份只有一行"):
        paths_from_forecast(fc, n_paths=100)
