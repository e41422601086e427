"""Reconciliation over a grouped region × industry hierarchy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentforecast.errors import InputError, ModelError
from talentforecast.forecasting import forecast, hierarchy, reconcile

KEYS = ["region", "industry"]


def bottom() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [(r, i, t, 40 + 4 * (t - 2010) * (1 + (i == "B")) + 10 * (r == "r2") + rng.normal(0, 3))
            for r in ["r1", "r2", "r3"] for i in ["A", "B"] for t in range(2010, 2024)]
    return pd.DataFrame(rows, columns=["region", "industry", "ds", "y"])


@pytest.fixture(scope="module")
def base():
    b = bottom()
    return b, forecast(hierarchy(b, KEYS).Y, h=3, models="theta")


def test_hierarchy_levels_and_summing_matrix():
    hz = hierarchy(bottom(), KEYS)
    assert list(hz.tags) == ["total", "region", "industry", "region/industry"]
    assert hz.S.shape == (1 + 3 + 2 + 6, 1 + 6)
    S = hz.S.set_index("unique_id")
    assert S.loc["total"].sum() == 6 and S.loc["industry=A"].sum() == 3
    assert S.loc["region=r2"].tolist() == [0, 0, 1, 1, 0, 0]
    y = hz.Y.pivot(index="ds", columns="unique_id", values="y")
    assert np.allclose(y["total"], y[[c for c in y if c.startswith("region=") and "|" not in c]].sum(axis=1))


@pytest.mark.parametrize("method", ["bottom_up", "mint_shrink", "ols"])
def test_children_sum_to_parents(base, method):
    b, fc = base
    rec = reconcile(b, fc, KEYS, method=method)
    assert set(rec.columns) == set(fc.columns)
    assert rec.model.str.endswith("+" + method).all()
    v = rec.pivot(index="ds", columns="unique_id", values="y_hat")
    S = hierarchy(b, KEYS).S.set_index("unique_id")
    bottom_ids = list(S.columns)
    for node, row in S.iterrows():
        kids = [c for c, on in zip(bottom_ids, row, strict=True) if on]
        assert np.allclose(v[node], v[kids].sum(axis=1), rtol=1e-8, atol=1e-6), node
    for lv in (80, 95):
        assert (rec[f"y_lo_{lv}"] <= rec.y_hat + 1e-9).all() and (rec.y_hat <= rec[f"y_hi_{lv}"] + 1e-9).all()
        assert (rec[f"y_hi_{lv}"] > rec[f"y_lo_{lv}"]).all()


def test_top_down_refused_and_bad_forecasts(base):
    b, fc = base
    with pytest.raises(ModelError) as err:
        reconcile(b, fc, KEYS, method="top_down")
    assert "grouped" in err.value.render("en") and "top_down" in err.value.render("zh")
    with pytest.raises(InputError) as err:
        reconcile(b, fc[fc.unique_id != "total"], KEYS)
    assert "every node" in err.value.render("en") and "每个节点" in err.value.render("zh")


def test_unbalanced_bottom_refused():
    b = bottom()
    with pytest.raises(InputError) as err:
        hierarchy(b.iloc[1:], KEYS)
    assert "same years" in err.value.render("en") and "相同的年份" in err.value.render("zh")
