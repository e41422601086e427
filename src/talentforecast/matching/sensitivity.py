"""The ``sensitivity`` table: how far each assumed parameter, moved across its range, moves the
planning region's totals and every specialty's S/D (tornado data).

One parameter at a time is set to the low and to the high end of its documented range, the others
stay central: the replacement rates ρ[i], the vocational shares v[i, level], the entrant share
(all from the demand stage's ``demand_sensitivity``) and the local retention shares of supply
(``supply_parameters``; supply is proportional to retention, per level). Only rows whose S/D is
banded at the central values (demand and supply above the minimum sizes, programme enrolling)
get S/D rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.matching.config import Bands, load_bands
from talentforecast.matching.ratios import assign_band

COLUMNS = ["quantity", "region", "specialty", "level", "year", "parameter", "value_central", "value_low",
           "value_high", "swing", "band_central", "band_low", "band_high", "band_changes"]


def sensitivity(demand_sensitivity: pd.DataFrame, supply: pd.DataFrame, supply_parameters: pd.DataFrame | None = None,
                bands: Bands | None = None, scenario: str = "baseline") -> pd.DataFrame:
    """Tornado data for the planning region: quantity × key × parameter → value at central/low/high.

    ``quantity`` is ``ratio_sd`` (per specialty, and per level over all banded specialties as
    ``specialty = "_T"``), ``specialty_demand``/``supply`` (per level totals), ``vocational_openings``
    (per level) or ``openings`` (all industries). ``swing`` = |high − low|; ``band_changes`` says
    whether the S/D band at either end differs from the central band.

    Example:
        >>> ds = pd.DataFrame({"parameter": ["central", "entrant_share", "entrant_share"],
        ...     "setting": ["central", "low", "high"], "quantity": "specialty_demand", "region": "c",
        ...     "specialty": "460103", "level": "高职专科", "year": 2026, "value": [100.0, 75.0, 150.0],
        ...     "scenario": "baseline"})
        >>> sup = pd.DataFrame({"region": "c", "specialty": "460103", "level": "高职专科", "year": 2026,
        ...                     "value": [90.0], "observed": False})
        >>> t = sensitivity(ds, sup).query("quantity == 'ratio_sd' and specialty != '_T'")
        >>> t[["value_central", "value_low", "value_high", "band_central", "band_low", "band_high"]].round(2).values.tolist()
        [[0.9, 1.2, 0.6, 'good', 'surplus', 'shortage']]
    """
    bands = bands or load_bands()
    ds = demand_sensitivity[demand_sensitivity["scenario"] == scenario]
    key = ["region", "specialty", "level", "year"]
    d = ds[ds["quantity"] == "specialty_demand"].pivot_table(index=key, columns=["parameter", "setting"],
                                                              values="value", aggfunc="sum")
    if d.empty:  # no specialty demand to vary (e.g. no offered specialty serves a covered industry)
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    sup = supply[~supply["observed"].astype(bool)].copy()
    sup["specialty"] = sup["specialty"].astype(str)
    s_idx = sup.set_index(key)
    s = s_idx["value"].reindex(d.index)
    closed = (s_idx["programme_status"] == "not_enrolling").reindex(d.index, fill_value=False) \
        if "programme_status" in s_idx else pd.Series(False, index=d.index)
    d_c = d[("central", "central")]
    banded = s.notna() & ~closed.astype(bool) & (d_c >= bands.min_demand) & (s >= bands.min_supply) & (d_c > 0)
    d, s, d_c = d[banded], s[banded], d_c[banded]
    ret = {}
    if supply_parameters is not None and len(supply_parameters):
        r = supply_parameters[supply_parameters["parameter"] == "retention"].set_index("level")
        ret = {end: s.index.get_level_values("level").map(r[end] / r["central"]).to_numpy(float)
               for end in ("low", "high")}
    params = [p for p in dict.fromkeys(d.columns.get_level_values(0)) if p != "central"]
    rows = []

    def add(quantity, idx, param, c, lo, hi, with_bands):
        part = pd.DataFrame(list(idx), columns=key)
        part["quantity"], part["parameter"] = quantity, param
        part["value_central"], part["value_low"], part["value_high"] = c, lo, hi
        if with_bands:
            for col, v in (("band_central", c), ("band_low", lo), ("band_high", hi)):
                part[col] = assign_band(np.asarray(v, float), bands)
        rows.append(part)

    ratio_c = (s / d_c).to_numpy()
    for p in params:
        lo, hi = (s / d[(p, "low")]).to_numpy(), (s / d[(p, "high")]).to_numpy()
        add("ratio_sd", d.index, p, ratio_c, lo, hi, True)
    if ret:
        add("ratio_sd", d.index, "retention", ratio_c, s.to_numpy() * ret["low"] / d_c.to_numpy(),
            s.to_numpy() * ret["high"] / d_c.to_numpy(), True)
    # per level over the banded specialties: Σ S / Σ D
    lv_key = ["region", "level", "year"]
    g_s = s.groupby(level=lv_key).sum()
    g_d = d.groupby(level=lv_key).sum()
    lv_idx = [(r, "_T", lv, y) for r, lv, y in g_s.index]
    g_c = (g_s / g_d[("central", "central")]).to_numpy()
    for p in params:
        add("ratio_sd", lv_idx, p, g_c, (g_s / g_d[(p, "low")]).to_numpy(), (g_s / g_d[(p, "high")]).to_numpy(), True)
        add("specialty_demand", lv_idx, p, g_d[("central", "central")].to_numpy(), g_d[(p, "low")].to_numpy(),
            g_d[(p, "high")].to_numpy(), False)
    if ret:
        f = {e: pd.Series(s.to_numpy() * ret[e], index=s.index).groupby(level=lv_key).sum() for e in ("low", "high")}
        add("ratio_sd", lv_idx, "retention", g_c, (f["low"] / g_d[("central", "central")]).to_numpy(),
            (f["high"] / g_d[("central", "central")]).to_numpy(), True)
        add("supply", lv_idx, "retention", g_s.to_numpy(), f["low"].to_numpy(), f["high"].to_numpy(), False)
    for q in ("vocational_openings", "openings"):
        t = ds[ds["quantity"] == q].pivot_table(index=key, columns=["parameter", "setting"], values="value",
                                                 aggfunc="sum")
        if t.empty:
            continue
        for p in [p for p in params if (p, "low") in t.columns]:  # e.g. crosswalk weights act on specialties only
            add(q, t.index, p, t[("central", "central")].to_numpy(), t[(p, "low")].to_numpy(),
                t[(p, "high")].to_numpy(), False)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS)
    for c in ("band_central", "band_low", "band_high"):
        if c not in out:
            out[c] = None
    out["swing"] = (out["value_high"] - out["value_low"]).abs()
    out["band_changes"] = out["band_central"].notna() & ((out["band_low"] != out["band_central"])
                                                         | (out["band_high"] != out["band_central"]))
    return out[COLUMNS].sort_values(["quantity", "region", "level", "specialty", "year", "parameter"],
                                    kind="stable").reset_index(drop=True)
