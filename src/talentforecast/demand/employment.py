"""Employment forecast per region × industry, coherent over regions and industries.

Leaf series (leaf region × industry) are forecast with :func:`talentforecast.forecasting.forecast`;
parent regions and the all-industry total ``_T`` are their sums (bottom-up reconciliation), so
regions and industries add up by construction. Intervals of every row come from the sample
paths of :mod:`.paths` (normal approximation of each leaf's forecast interval, correlated across
series with the correlation estimated from history).
"""

from __future__ import annotations

import pandas as pd

from talentforecast.demand.params import section_of
from talentforecast.demand.paths import TOTAL, Paths, aggregator, summarise
from talentforecast.errors import InputError, Problem


def leaf_employment(employment: pd.DataFrame, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The leaf rows of an employment table: leaf regions only, one industry level per section.

    Rows of parent regions (regions that are someone's ``parent``) and ``_T`` rows are aggregates
    recomputed as sums, so they are left out here. A section listed together with one of its own
    divisions would be counted twice and raises :class:`InputError`.

    Example:
        >>> e = pd.DataFrame({"region": ["1", "2", "0"], "industry": "C", "year": 2020, "employed": [1., 2., 3.]})
        >>> r = pd.DataFrame({"region": ["0", "1", "2"], "region_name": "x", "parent": [None, "0", "0"]})
        >>> leaf_employment(e, r).region.tolist()
        ['1', '2']
    """
    df = employment.copy()
    df["industry"] = df["industry"].astype(str)
    df["region"] = df["region"].astype(str)
    if regions is not None and "parent" in regions:
        parents = set(regions["parent"].dropna().astype(str)) - {""}
        df = df[~df["region"].isin(parents)]
    df = df[df["industry"] != TOTAL]
    codes = set(df["industry"])
    clash = sorted(c for c in codes if len(c) == 2 and section_of(c) in codes and section_of(c) != c)
    if clash:
        rows = df.index[df["industry"] == clash[0]][:1]
        raise InputError([Problem("employment", "industry", int(rows[0]) + 2 if len(rows) else None, clash[0],
                                  f"either section {section_of(clash[0])} or its divisions, not both "
                                  "(they would be counted twice)",
                                  f"门类 {section_of(clash[0])} 或其下属大类之一，不能同时给出"
                                  "（否则会重复计算）")])
    return df.sort_values(["region", "industry", "year"]).reset_index(drop=True)


def _reconciled_leaf_forecasts(employment: pd.DataFrame, horizon: int, level, models, seed: int,
                               n_jobs: int, progress: bool, method: str) -> pd.DataFrame:
    """Forecast every node of the grouped region × industry hierarchy and reconcile (MinTrace)."""
    from talentforecast.forecasting import forecast, hierarchy, reconcile

    keys = ["region", "industry"]
    bottom = pd.DataFrame({"region": employment["region"], "industry": employment["industry"],
                           "ds": employment["year"].astype(int), "y": employment["employed"].astype(float)})
    hz = hierarchy(bottom, keys)
    fc = forecast(hz.Y, h=horizon, level=level, models=models, seed=seed, n_jobs=n_jobs, progress=progress)
    rec = reconcile(bottom, fc, keys, method=method, level=list(level))
    leaf = rec[rec["unique_id"].str.contains("|", regex=False)].copy()
    parts = leaf["unique_id"].str.extract(r"^region=(?P<region>[^|]*)\|industry=(?P<industry>.*)$")
    leaf["unique_id"] = parts["region"] + "\x1f" + parts["industry"]
    return leaf


def forecast_leaves(employment: pd.DataFrame, horizon: int = 5, level=(80, 95), models="auto",
                    seed: int = 0, n_jobs: int = 1, progress: bool = False,
                    reconcile: str = "bottom_up") -> pd.DataFrame:
    """History + forecast of each leaf series: region, industry, year, value, bounds, model, observed.

    ``reconcile="bottom_up"`` forecasts the leaves only (aggregates are their sums); a MinTrace
    method (``mint_shrink``, ``ols``, ``wls_struct``, ``wls_var``) also forecasts every region and
    industry total and reconciles all of them with hierarchicalforecast, returning the reconciled
    leaves (whose sums then equal the reconciled totals).

    Example:
        >>> e = pd.DataFrame({"region": "1", "industry": "C", "year": range(2010, 2020),
        ...                   "employed": [float(x) for x in range(100, 110)]})
        >>> f = forecast_leaves(e, horizon=2, models="drift")
        >>> f.query("not observed")[["year", "value"]].values.tolist()
        [[2020.0, 110.0], [2021.0, 111.0]]
    """
    from talentforecast.forecasting import forecast

    if reconcile == "bottom_up":
        uid = employment["region"] + "\x1f" + employment["industry"]
        df = pd.DataFrame({"unique_id": uid, "ds": employment["year"].astype(int),
                           "y": employment["employed"].astype(float)})
        # no groups=: the grouped member lost on average over NY's five origins (docs/forecasting.md)
        fc = forecast(df, h=horizon, level=level, models=models, seed=seed, n_jobs=n_jobs, progress=progress)
    else:
        fc = _reconciled_leaf_forecasts(employment, horizon, level, models, seed, n_jobs, progress, reconcile)
    fc[["region", "industry"]] = fc["unique_id"].str.split("\x1f", expand=True)
    fc = fc.rename(columns={"ds": "year", "y_hat": "value",
                            **{f"y_{s}_{lv}": f"{s}_{lv}" for lv in level for s in ("lo", "hi")}})
    fc["observed"] = False
    hist = employment[["region", "industry", "year"]].copy()
    hist["value"] = employment["employed"].astype(float)
    for lv in level:
        hist[f"lo_{lv}"] = hist["value"]
        hist[f"hi_{lv}"] = hist["value"]
    hist["model"] = "observed"
    hist["observed"] = True
    cols = ["region", "industry", "year", "value", *[f"{s}_{lv}" for lv in level for s in ("lo", "hi")],
            "model", "observed"]
    out = pd.concat([hist[cols], fc[cols]], ignore_index=True)
    out["year"] = out["year"].astype(int)
    return out.sort_values(["region", "industry", "year"]).reset_index(drop=True)


def employment_table(emp: Paths, regions: pd.DataFrame | None, models: pd.DataFrame | None = None,
                     level=(80, 95), scenario: str = "baseline", unit: str = "persons") -> pd.DataFrame:
    """The ``employment_forecast`` output: every region (incl. parents) × industry (incl. ``_T``)."""
    keys, mat = aggregator(emp.keys, ["industry"], regions, industry_total=True)
    tab = summarise(keys, emp, mat, level)
    tab["model"] = "bottom_up_sum"
    if models is not None:
        m = models.drop_duplicates(["region", "industry", "year"]).set_index(["region", "industry", "year"])["model"]
        idx = pd.MultiIndex.from_frame(tab[["region", "industry", "year"]])
        tab["model"] = m.reindex(idx).fillna("bottom_up_sum").to_numpy()
    tab.loc[tab["observed"], "model"] = "observed"
    tab["scenario"] = scenario
    tab["unit"] = unit
    cols = ["region", "industry", "year", "scenario", "value", *[f"{s}_{lv}" for lv in level for s in ("lo", "hi")],
            "unit", "model", "observed"]
    return tab[cols]

