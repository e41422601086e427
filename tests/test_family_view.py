"""Family view: one 专业类 across levels, combined beside per level, contradictions said."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.matching.family import family_view


def _m(rows):
    return pd.DataFrame(rows, columns=["specialty", "level", "supply", "demand", "band", "status"]).assign(
        region="r", year=2026, scenario="baseline")


def test_combined_beside_per_level_and_contradiction_flagged():
    m = _m([("730301", "中职", 50.0, 100.0, "shortage", "ok"),          # 财务会计类 中职
            ("530302", "高职专科", 232.0, 100.0, "surplus", "ok"),        # 财务会计类 高职
            ("530301", "高职专科", 10.0, 15.0, "none", "below_min_demand"),  # small, still in the sum
            ("460601", "高职专科", 80.0, 10.0, "none", "non_local_market")])  # set apart: not summed
    f = family_view(m).set_index("class_name")
    row = f.loc["财务会计类"]
    assert row["supply"] == 292.0 and row["demand"] == 215.0 and np.isclose(row["ratio_sd"], 292 / 215)
    assert row["supply_secondary"] == 50.0 and row["demand_associate"] == 115.0
    assert np.isnan(row["supply_bachelor"])
    assert row["signal"] == "contradictory" and "合并供求比" in row["note"]
    assert "航空装备类" not in f.index  # one level only (and set apart)


def test_consistent_family_has_no_note():
    m = _m([("730301", "中职", 90.0, 100.0, "good", "ok"), ("530302", "高职专科", 100.0, 100.0, "good", "ok")])
    f = family_view(m, lang="en")
    assert f["signal"].tolist() == ["consistent"] and f["note"].tolist() == [""] and f["band"].tolist() == ["good"]


def test_shortage_and_surplus_within_one_level_is_not_a_level_contradiction():
    m = _m([("530301", "高职专科", 50.0, 100.0, "shortage", "ok"), ("530302", "高职专科", 300.0, 100.0, "surplus", "ok"),
            ("730301", "中职", 100.0, 100.0, "good", "ok")])
    f = family_view(m)
    assert f["class_name"].tolist() == ["财务会计类"] and f["signal"].tolist() == ["consistent"]
    m.loc[2, "band"] = "moderate"  # now a surplus at 中职 against the shortage at 高职
    assert family_view(m)["signal"].tolist() == ["contradictory"]
