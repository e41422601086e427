"""Labour-market scope: national specialties are never banded against local demand alone."""

from __future__ import annotations

import pandas as pd
import pytest

from talentforecast.errors import ConfigError
from talentforecast.matching import match_ratios
from talentforecast.matching.scope import add_wider_demand, apply_scope, load_scope, specialty_scope

KEYS = {"region": "r", "level": "高职专科", "year": 2026, "scenario": "baseline", "observed": False}


def _demand(vals: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{**KEYS, "specialty": s, "value": v, "lo_80": 0.9 * v, "hi_80": 1.1 * v,
                          "lo_95": 0.8 * v, "hi_95": 1.2 * v} for s, v in vals.items()])


def test_national_specialty_is_set_apart_unless_wider_demand_is_given():
    d = _demand({"460601": 50.0, "530302": 100.0})  # 460601 飞行器数字化制造技术 (航空装备类)
    s = d.drop(columns="scenario").assign(value=[200.0, 100.0], lo_80=[190.0, 95.0], hi_80=[210.0, 105.0],
                                          lo_95=[180.0, 90.0], hi_95=[220.0, 110.0])
    sc = specialty_scope(d["specialty"])
    m = apply_scope(match_ratios(d, s), sc).set_index("specialty")
    assert m.loc["460601", "status"] == "non_local_market" and m.loc["460601", "band"] == "none"
    assert pd.isna(m.loc["460601", "ratio_sd"]) and m.loc["460601", "band_label"] == "外地市场"
    assert m.loc["530302", "status"] == "ok" and m.loc["530302", "band"] == "good"
    wider = pd.DataFrame({"region": "r", "specialty": ["460601"], "level": "高职专科", "year": [2026],
                          "value": [150.0]})
    m2 = apply_scope(match_ratios(add_wider_demand(d, wider).drop(columns="wider_demand"), s), sc, wider)
    m2 = m2.set_index("specialty")
    assert m2.loc["460601", "status"] == "ok" and m2.loc["460601", "ratio_sd"] == pytest.approx(1.0)
    assert m2.loc["460601", "scope"] == "national"


def test_scope_overrides_and_bad_rows():
    sc = specialty_scope(["460601", "530302"], overrides={"460601": "local", "530302": "national"})
    assert sc["scope"].tolist() == ["local", "national"]
    bad = load_scope().assign(scope=lambda x: x["scope"].where(x.index != 0, "global"))
    with pytest.raises(ConfigError) as err:
        load_scope(bad)
    assert "第 2 行，列 'scope'：值为 'global'" in err.value.render("zh")
    assert "row 2, column 'scope'" in err.value.render("en")
    with pytest.raises(ConfigError, match="basis"):
        load_scope(load_scope().assign(basis=""))


def test_every_shipped_scope_row_names_a_catalogued_class_with_a_basis():
    from talentforecast import catalogs

    s = load_scope()
    classes = set(catalogs.specialties()["class_name"])
    assert set(s.loc[s["scope_type"] == "class", "key"]) <= classes
    assert {"航空装备类", "船舶与海洋工程装备类", "铁道运输类"} <= set(s.loc[s["scope"] == "national", "key"])


def test_scope_errors_in_chinese():
    with pytest.raises(ConfigError) as err:
        load_scope(load_scope().assign(basis=""))
    assert "列 'basis'：为空；每个范围都要写明依据" in err.value.render("zh")
    with pytest.raises(ConfigError) as err:
        specialty_scope(["460601"], overrides={"460601": "global"})
    assert "匹配参数 scope_overrides 中专业 460601：值为 'global'" in err.value.render("zh")
    with pytest.raises(ConfigError) as err:
        add_wider_demand(_demand({"1": 10.0}), pd.DataFrame({"region": ["r"], "value": [1.0]}))
    assert "匹配参数 wider_demand：缺少列 ['specialty', 'level', 'year']" in err.value.render("zh")
