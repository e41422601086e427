"""Other supply taking the same jobs: each its own column, zero by default and said to be an assumption."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import ConfigError
from talentforecast.supply.labour import add_other_sources, other_sources_table
from talentforecast.supply.params import load_params


def _supply() -> pd.DataFrame:
    return pd.DataFrame({"region": "r", "specialty": ["660101", "460101"], "level": ["中职", "高职专科"],
                         "year": 2026, "graduates": [100.0, 200.0], "value": [40.0, 120.0],
                         "lo_80": [35.0, 100.0], "hi_80": [45.0, 140.0], "graduates_lo_80": [90.0, 180.0]})


def test_defaults_are_zero_and_flagged_as_assumptions():
    p = load_params()
    out = add_other_sources(_supply(), p["other_sources"])
    assert np.allclose(out["value"], [40.0, 120.0]) and np.allclose(out["supply_graduates"], out["value"])
    for col in ("supply_technical", "supply_undergraduate", "supply_in_migrants"):
        assert (out[col] == 0).all()
    t = other_sources_table(p["other_sources"])
    assert len(t) == 9 and t["assumption"].all() and t["basis"].str.contains("zero assumed").all()


def test_given_shares_add_their_own_columns_and_scale_bounds_not_graduates():
    p = load_params({"other_sources": {"technical_school": {"中职": 0.5},
                                       "net_in_migration": {"高职专科": -0.25}}})
    out = add_other_sources(_supply(), p["other_sources"]).set_index("level")
    assert out.loc["中职", "supply_technical"] == 20.0 and out.loc["中职", "value"] == 60.0
    assert out.loc["中职", "hi_80"] == pytest.approx(67.5)
    assert out.loc["高职专科", "supply_in_migrants"] == -30.0 and out.loc["高职专科", "value"] == 90.0
    assert out.loc["中职", "graduates_lo_80"] == 90.0  # graduates are the region's own, unchanged
    t = other_sources_table(p["other_sources"]).set_index(["source", "level"])
    assert not t.loc[("technical_school", "中职"), "assumption"]


def test_bad_share_is_a_config_error():
    with pytest.raises(ConfigError, match="technical_school"):
        load_params({"other_sources": {"technical_school": {"中职": -0.1}}})
