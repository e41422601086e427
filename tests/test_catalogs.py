"""Bundled catalogues: counts, codes, the derived specialty → industry crosswalk and its checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import talentforecast.catalogs as cat
from talentforecast.errors import ConfigError, InputError

SECTIONS = [chr(c) for c in range(ord("A"), ord("T") + 1)]


def test_specialty_counts_and_columns():
    s = cat.specialties()
    assert list(s.columns) == ["specialty", "specialty_name", "level", "category_code", "category_name",
                               "class_code", "class_name", "added_2025"]
    assert len(s) == 1443 and s["specialty"].is_unique
    assert s["level"].value_counts().to_dict() == {"高职专科": 754, "中职": 368, "职业本科": 321}
    assert s["specialty"].str.fullmatch(r"\d{6}").all()
    assert s["added_2025"].dtype == bool and s["added_2025"].sum() == 54
    assert s["category_name"].nunique() == 19


def test_loaders_return_copies():
    s = cat.specialties()
    s.loc[0, "specialty_name"] = "changed"
    assert cat.specialties().loc[0, "specialty_name"] != "changed"


def test_industries_sections_and_divisions():
    ind = cat.industries()
    assert ind["kind"].value_counts().to_dict() == {"division": 97, "section": 20}
    assert cat.industries("section")["industry"].tolist() == SECTIONS
    assert cat.industry_section("36") == "C" and cat.industry_section("53") == "G"
    assert cat.industry_section("Q") == "Q" and cat.industry_kind("84") == "division"
    assert not ind["industry_name"].str.endswith(" ").any()
    with pytest.raises(InputError, match="99"):
        cat.industry_section("99")


def test_code_validation_names_rows():
    probs = cat.code_problems(["A", "36", "Z", "610101"], "industry", "e.csv", "行业代码")
    assert [(p.row, p.value, p.column) for p in probs] == [(4, "Z", "行业代码"), (5, "610101", "行业代码")]
    with pytest.raises(InputError, match="第 3 行"):
        cat.validate_codes(["610101", "000000"], "specialty", "x.csv")


def test_specialty_occupation_keeps_catalogue_rows_and_exposes_the_rest():
    so = cat.specialty_occupation()
    ex = cat.specialty_occupation_excluded()
    assert len(so) + len(ex) == 6464  # every source row is in one of the two
    assert set(so["specialty"]) <= set(cat.specialties()["specialty"])
    assert set(so["level"]) == {"中职", "高职专科", "职业本科"}
    assert so["occupation"].str.fullmatch(r"\d-\d\d-\d\d-\d\d").all()
    assert (ex["level"] == "普通本科").sum() == 914
    assert ex.loc[ex["level"] != "普通本科", "specialty"].str.endswith("K").all()


def test_labels_zh_en_and_fallback():
    assert cat.labels("section", "en")["I"].startswith("Information Transmission")
    assert cat.labels("section")["I"] == "信息传输、软件和信息技术服务业"
    assert len(cat.labels("industry", "en")) == 117
    assert cat.labels("specialty", "en")["610101"] == "610101"
    assert cat.labels("specialty")["610101"] == "种子生产技术"
    assert cat.labels("level", "en")["职业本科"] == "vocational bachelor"
    with pytest.raises(ValueError):
        cat.labels("section", "fr")


def _sums(cw):
    return cw.groupby(["industry", "level"])["weight"].sum()


def test_shipped_crosswalk_covers_every_specialty_and_sums_to_one():
    cw = cat.specialty_industry()
    assert list(cw.columns) == ["specialty", "level", "industry", "industry_kind", "weight", "rule"]
    assert set(cw["specialty"]) == set(cat.specialties()["specialty"])
    assert np.allclose(_sums(cw), 1, atol=1e-9)
    assert (cw["weight"] > 0).all()
    assert not cw.duplicated(["specialty", "industry"]).any()
    # every GB/T section is served at every level once divisions are pooled into sections
    sec = cat.aggregate_to_sections(cw)
    assert pd.crosstab(sec["industry"], sec["level"]).gt(0).all().all()
    assert sorted(sec["industry"].unique()) == SECTIONS


def test_rebuild_equals_shipped_file():
    pd.testing.assert_frame_equal(cat.build_specialty_industry(), cat.specialty_industry())


def test_crosswalk_is_sensible_for_planners():
    cw = cat.specialty_industry().merge(cat.specialties()[["specialty", "class_name", "category_name"]])
    by_class = cw.groupby("class_name")["industry"].agg(set)
    assert "36" in by_class["汽车制造类"] and "G" in by_class["铁道运输类"]
    assert by_class["护理类"] == {"Q"}
    assert {"I", "39"} <= set(cw.loc[cw["category_name"] == "电子与信息大类", "industry"])
    assert set(cw.loc[cw["category_name"] == "农林牧渔大类", "industry"]) >= {"A"}
    med = cw[cw["category_name"] == "医药卫生大类"].groupby("specialty")["industry"].agg(set)
    assert med.map(lambda s: "Q" in s).all()


def test_rule_precedence_and_group_split(tmp_path):
    rules = cat.load_rules()
    extra = pd.DataFrame([{"scope": "specialty", "key": "610101", "level": "", "industry": "M",
                           "strength": 1.0, "note": "test"}])
    cw = cat.build_specialty_industry(pd.concat([rules, extra], ignore_index=True))
    assert cw.loc[cw["specialty"] == "610101", "industry"].tolist() == ["M"]
    # 农业类 中职 now has 19 specialties sharing its rules, not 20
    other = cw[(cw["specialty"] == "610102")]
    assert other["rule"].str.endswith("/ 19").all()
    assert np.allclose(_sums(cw), 1)


def test_bad_rules_raise_config_error_naming_row(tmp_path):
    rules = cat.load_rules()
    rules.loc[3, "industry"] = "99"
    rules.loc[5, "strength"] = -1.0
    p = tmp_path / "rules.csv"
    rules.to_csv(p, index=False)
    with pytest.raises(ConfigError) as e:
        cat.load_rules(p)
    zh, en = e.value.render("zh"), e.value.render("en")
    assert "第 5 行，列 'industry'：值为 '99'；应为 GB/T 4754-2017 行业门类字母或两位行业大类代码" in zh
    assert "第 7 行，列 'strength'：值为 '-1.0'；应为大于 0 的数" in zh and "rules.csv 有 2 个问题" in zh
    assert "row 5, column 'industry'" in en and "row 7, column 'strength'" in en and "rules.csv" in en


def test_missing_rule_for_a_specialty_is_an_error():
    rules = cat.load_rules()
    rules = rules[~((rules["key"] == "农林牧渔大类") | (rules["key"] == "渔业类"))]
    with pytest.raises(ConfigError) as e:
        cat.build_specialty_industry(rules)
    assert "有 10 个专业没有匹配到任何规则" in e.value.render("zh") and "610401" in e.value.render("zh")
    assert "match no rule" in e.value.render("en")


def _user_file(tmp_path, rows, name="mine.csv"):
    p = tmp_path / name
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def test_user_file_accepted_with_chinese_aliases(tmp_path):
    p = _user_file(tmp_path, {"专业代码": ["610101", "610102", "410101"], "行业代码": ["A", "A", "A"],
                              "权重": [0.25, 0.75, 1.0]})
    cw = cat.specialty_industry(p)
    assert cw["level"].tolist() == ["中职", "中职", "高职专科"]
    assert (cw["rule"] == "user file").all()


def test_user_file_weights_not_summing_to_one_names_rows(tmp_path):
    p = _user_file(tmp_path, {"specialty": ["610101", "610102", "410101"], "industry": ["A", "A", "A"],
                              "weight": [0.5, 0.3, 1.0]})
    with pytest.raises(InputError) as e:
        cat.specialty_industry(p)
    msg = e.value.render("en")
    assert "mine.csv, column 'weight', row 2" in msg and "rows 2, 3" in msg and "中职" in msg
    assert ("mine.csv，列 'weight'，第 2 行：值为 0.8；应为 行业 A 在层次 中职 的权重（第 2、3 行）之和为 1"
            in e.value.render("zh"))


def test_user_file_unknown_codes_and_negative_weight_name_rows(tmp_path):
    p = _user_file(tmp_path, {"specialty": ["610101", "999999", "610102"], "industry": ["A", "A", "ZZ"],
                              "weight": [1.0, 0.0, -0.5]})
    with pytest.raises(InputError) as e:
        cat.specialty_industry(p)
    got = {(p.column, p.row) for p in e.value.problems}
    assert got == {("specialty", 3), ("industry", 4), ("weight", 4)}
    zh = e.value.render("zh")
    assert "列 'specialty'，第 3 行：值为 '999999'；应为 职业教育专业目录中的六位专业代码" in zh
    assert "列 'industry'，第 4 行：值为 'ZZ'；应为 GB/T 4754-2017 行业门类字母 A-T" in zh
    assert "列 'weight'，第 4 行：值为 '-0.5'；应为 不小于 0 的数" in zh


def test_user_file_level_mismatch_and_duplicates(tmp_path):
    p = _user_file(tmp_path, {"specialty": ["610101", "610101"], "industry": ["A", "A"],
                              "weight": [0.5, 0.5], "level": ["高职专科", "中职"]})
    with pytest.raises(InputError) as e:
        cat.specialty_industry(p)
    got = {(p.column, p.row) for p in e.value.problems}
    assert got == {("level", 2), ("specialty", 3)}
    zh = e.value.render("zh")
    assert "列 'level'，第 2 行：值为 '高职专科'；应为 中职（专业目录中专业 610101 的层次）" in zh
    assert "列 'specialty'，第 3 行：值为 '610101 / A'；应为 每个（专业，行业）组合只有一行" in zh


def _allocate(cw, openings):
    """Σ_s D[s] for openings V[industry, level] — what the demand side does."""
    m = cw.merge(openings, on=["industry", "level"])
    return (m["weight"] * m["openings"]).sum()


def test_aggregation_to_sections_conserves_totals():
    cw = cat.specialty_industry()
    rng = np.random.default_rng(0)
    div = cat.industries("division")
    shares = dict(zip(div["industry"], rng.uniform(1, 10, len(div)), strict=True))
    shares |= {s: 1.0 for s in SECTIONS}
    for sh in (None, shares):
        sec = cat.aggregate_to_sections(cw, sh)
        assert np.allclose(_sums(sec), 1)
        v = pd.DataFrame([(s, lv, 100.0) for s in SECTIONS for lv in ("中职", "高职专科", "职业本科")],
                         columns=["industry", "level", "openings"])
        assert _allocate(sec, v) == pytest.approx(v["openings"].sum())
    # pooling with shares: a division that is 9x larger counts 9x
    toy = pd.DataFrame({"specialty": ["a", "b"], "level": ["中职"] * 2, "industry": ["36", "13"],
                        "industry_kind": "division", "weight": [1.0, 1.0], "rule": "x"})
    out = cat.aggregate_to_sections(toy, {"36": 9.0, "13": 1.0})
    assert out.set_index("specialty")["weight"].to_dict() == pytest.approx({"a": 0.9, "b": 0.1})


def test_specialty_industry_restricted_to_data_codes():
    codes = SECTIONS[:-1] + ["36", "39"]  # data with 19 sections and two key divisions, no T
    cw = cat.specialty_industry(industries=codes)
    assert set(cw["industry"]) == set(codes)
    assert np.allclose(_sums(cw), 1)
    assert cw.attrs["left_out_industries"] == ["T"]
    assert cw.attrs["specialties_without_industry"] == []
    # 汽车制造类 keeps division 36, other manufacturing pools into C (the rest of the section)
    car = cw[cw["specialty"] == "460701"]
    assert "36" in set(car["industry"]) and "37" not in set(cw["industry"])
    with pytest.raises(InputError):
        cat.specialty_industry(industries=["A", "XX"])
    with pytest.raises(ValueError):
        cat.specialty_industry(shares={"36": 1.0})


def test_docstring_examples_run():
    import doctest

    from talentforecast.catalogs import crosswalk, loaders

    for mod in (loaders, crosswalk, cat):
        assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0


def test_remap_share_errors_in_chinese():
    toy = pd.DataFrame({"specialty": ["a", "b"], "level": ["中职"] * 2, "industry": ["36", "13"],
                        "industry_kind": "division", "weight": [1.0, 1.0], "rule": "x"})
    with pytest.raises(InputError) as e:
        cat.remap_industries(toy, ["C"], {"36": 1.0})
    assert ("文件 <shares argument>，列 'industry'：值为 '13'；应为 每个被合并的原行业代码都有份额"
            in e.value.render("zh"))
    with pytest.raises(InputError) as e:
        cat.remap_industries(toy, ["C"], {"36": 1.0, "13": 0.0})
    assert "文件 <shares argument>；应为 份额均大于 0" in e.value.render("zh")
    with pytest.raises(InputError) as e:
        cat.remap_industries(toy, ["C", "Z9"])
    assert "值为 'Z9'；应为 GB/T 4754-2017 行业门类字母 A-T 或两位行业大类代码 01-97" in e.value.render("zh")
