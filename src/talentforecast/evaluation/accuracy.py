"""Accuracy of the inputs' forecasts made as of Y against what was observed, beside a naive
no-change forecast (the value of Y carried forward), as the US BLS evaluates its projections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from talentforecast.evaluation.outcomes import _to_top, top_region


def _ape(rows: pd.DataFrame, keys: list[str], as_of: int, h: int, quantity: str, level: str) -> list[dict]:
    """MAPE of ``forecast`` and ``naive`` against ``observed`` (rows with observed = 0 are counted apart)."""
    ok = rows["observed"] > 0
    out = []
    for method in ("forecast", "naive"):
        r = rows[ok & rows[method].notna()]
        ape = (r[method] - r["observed"]).abs() / r["observed"]
        tot_obs, tot_f = r["observed"].sum(), r[method].sum()
        out.append({"scope": str(as_of), "horizon": h, "quantity": quantity, "level": level, "method": method,
                    "n": len(r), "mape": float(ape.mean() * 100) if len(r) else np.nan,
                    "median_ape": float(ape.median() * 100) if len(r) else np.nan,
                    "total_error_pct": float((tot_f - tot_obs) / tot_obs * 100) if tot_obs else np.nan,
                    "n_observed_zero": int((~ok).sum()), "n_no_forecast": int(rows[method].isna().sum())})
    return out


def input_accuracy(early: Mapping[str, pd.DataFrame], tables: Mapping[str, pd.DataFrame], as_of: int,
                   horizons: Sequence[int] = (1, 2, 3)) -> pd.DataFrame:
    """MAPE by horizon of the employment (demand) and graduate (supply) forecasts made as of ``as_of``.

    ``early`` holds the tables of the run as of Y (``employment_forecast``, ``supply``); ``tables``
    the observed inputs of all years (``employment``, ``enrolment``, ``regions``). Compared per
    planning region × industry (employment) and per planning region ×
    specialty × level (graduates); naive = the observed value of Y.

    Example:
        >>> emp = pd.DataFrame({"region": "R", "industry": "C", "year": [2020, 2021], "employed": [100, 110]})
        >>> fc = pd.DataFrame({"region": "R", "industry": "C", "year": [2020, 2021], "scenario": "baseline",
        ...                    "value": [100, 108], "observed": [True, False]})
        >>> a = input_accuracy({"employment_forecast": fc}, {"employment": emp}, 2020, [1])
        >>> a[["quantity", "method", "mape"]].round(2).values.tolist()
        [['employment', 'forecast', 1.82], ['employment', 'naive', 9.09]]
    """
    tops = top_region(tables)
    rows: list[dict] = []
    emp, fc = tables.get("employment"), early.get("employment_forecast")
    if emp is not None and fc is not None and len(fc):
        e = emp[["region", "industry", "year", "employed"]].astype({"region": str, "industry": str, "year": int})
        # observed employment for every region the forecast covers: its own rows and its children's sum
        obs = pd.concat([e, _to_top(e, tops, ["region", "industry", "year"], ["employed"])]).drop_duplicates(
            ["region", "industry", "year"])
        f = fc.astype({"region": str, "industry": str, "year": int})
        if tops:  # the planning regions only: districts would count the same people twice
            f = f[f["region"].isin(set(tops.values()))]
        if "scenario" in f.columns:
            f = f[f["scenario"] == ("baseline" if (f["scenario"] == "baseline").any() else f["scenario"].iloc[0])]
        rows += _compare(f.rename(columns={"value": "forecast"}), obs.rename(columns={"employed": "observed"}),
                         ["region", "industry"], as_of, horizons, "employment", None)
    enr, sup = tables.get("enrolment"), early.get("supply")
    if enr is not None and sup is not None and len(sup):
        g = enr[["region", "specialty", "level", "year", "graduates"]].astype(
            {"region": str, "specialty": str, "level": str, "year": int})
        g = _to_top(g, tops, ["region", "specialty", "level", "year"], ["graduates"])
        s = sup.astype({"region": str, "specialty": str, "level": str, "year": int})
        s = s[s["region"].isin(set(g["region"]))].rename(columns={"graduates": "forecast"})
        rows += _compare(s, g.rename(columns={"graduates": "observed"}), ["region", "specialty", "level"],
                         as_of, horizons, "graduates", "level")
    return pd.DataFrame(rows)


def _compare(fc: pd.DataFrame, obs: pd.DataFrame, keys: list[str], as_of: int, horizons, quantity: str,
             by: str | None) -> list[dict]:
    naive = obs[obs["year"] == as_of][[*keys, "observed"]].rename(columns={"observed": "naive"})
    last = int(obs["year"].max())
    out = []
    for h in horizons:
        if as_of + h > last:
            continue
        f = fc[fc["year"] == as_of + h][[*keys, "forecast"]]
        o = obs[obs["year"] == as_of + h][[*keys, "observed"]]
        m = f.merge(o, on=keys, how="inner").merge(naive, on=keys, how="left")
        groups = [("全部", m)] + ([(str(k), g) for k, g in m.groupby(by, sort=True)] if by else [])
        for level, g in groups:
            out += _ape(g, keys, as_of, int(h), quantity, level)
    return out
