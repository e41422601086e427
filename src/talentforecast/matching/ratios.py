"""Supply/demand ratios per region × specialty × level × year × scenario, with intervals and ROA bands.

S/D (``ratio_sd``) is the ROA view (≤0.85 shortage … >1.15 surplus); D/S (``ratio_ds``) is the
求人倍率 view (openings per graduate). Intervals come from a Monte Carlo simulation that treats
supply and demand as independent, each drawn from the piecewise-linear quantile function through
its five known quantiles (2.5 %, 10 %, 50 %, 90 %, 97.5 % = lo_95, lo_80, value, hi_80, hi_95).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.matching.config import Bands, _check_lang, load_bands
from talentforecast.matching.tables import require_columns

KEYS = ["region", "specialty", "level", "year"]
BOUNDS = ["lo_80", "hi_80", "lo_95", "hi_95"]
_P = np.array([0.025, 0.10, 0.50, 0.90, 0.975])  # probabilities of lo_95, lo_80, value, hi_80, hi_95
_KNOT_COLS = ["lo_95", "lo_80", "value", "hi_80", "hi_95"]
_TOL = 1e-9
# statuses whose rows get no ratio, no band and no probabilities (the reason is the status)
UNBANDED = ["no_demand_row", "no_supply_row", "not_enrolling", "no_data", "below_min_demand", "below_min_supply"]
_CHUNK = 2000


def assign_band(ratio: pd.Series | np.ndarray, bands: Bands | None = None) -> np.ndarray:
    """ROA band id for each S/D ratio: the first band with ``ratio <= upper``.

    ``inf`` (supply but no demand) falls in the last (surplus) band; NaN gets the "none" band.

    Example:
        >>> list(assign_band([0.85, 0.8501, 1.0, 1.05, 1.15, 1.2, float("inf"), float("nan")]))
        ['shortage', 'good', 'good', 'fair', 'moderate', 'surplus', 'surplus', 'none']
    """
    bands = bands or load_bands()
    r = np.asarray(ratio, dtype=float)
    ids = np.array([b.id for b in bands.bands] + [bands.none.id], dtype=object)
    # tolerance so that a ratio computed as exactly an edge (e.g. 115/100) stays in the lower band
    idx = np.searchsorted(np.array(bands.uppers), np.where(np.isnan(r), 0.0, r) - _TOL, side="left")
    idx = np.where(np.isnan(r), len(bands.bands), np.minimum(idx, len(bands.bands) - 1))
    return ids[idx]


def band_labels(band: pd.Series, bands: Bands | None = None, lang: str = "zh") -> pd.Series:
    """Translate band ids to labels in ``lang`` ("zh" → 短缺…, "en" → shortage…).

    Example:
        >>> band_labels(pd.Series(["shortage", "none"]), lang="zh").tolist()
        ['短缺', '无数据']
    """
    bands = bands or load_bands()
    return band.map(bands.labels(_check_lang(lang)))


def _knots(df: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The (n, 5) quantile knots of a supply or demand table, and which rows had their median moved.

    The bounds must be ordered (lo_95 <= lo_80 <= hi_80 <= hi_95). The point ``value`` is used as
    the median when it lies inside the 80 % interval; a point forecast outside it (e.g. a mean of a
    skewed path distribution) is not a median, so the interval midpoint is used and the row is
    reported in ``interval_note``. Observed rows with missing bounds are known exactly.
    """
    x = df[_KNOT_COLS].to_numpy(dtype=float)
    value = x[:, 2:3]
    missing = np.isnan(x).any(axis=1) & ~np.isnan(value[:, 0])
    observed = df["observed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    bad = missing & ~observed
    if bad.any():
        raise InputError([Problem(name, "lo_80..hi_95", None, _key(df, i),
                                  "interval bounds for every forecast (observed=False) row",
                                  "每个预测行（observed=False）都有区间上下限")
                          for i in np.flatnonzero(bad)[:20]])
    x = np.where(np.isnan(x) & missing[:, None], value, x)
    scale = np.maximum(1.0, np.abs(x).max(axis=1, initial=0.0, where=~np.isnan(x)))
    b = x[:, [0, 1, 3, 4]]
    unordered = (np.diff(b, axis=1) < -_TOL * scale[:, None]).any(axis=1)
    if unordered.any():
        raise InputError([Problem(name, "lo_95,lo_80,hi_80,hi_95", None,
                                  {**_key(df, i), "bounds": b[i].round(6).tolist()},
                                  "lo_95 <= lo_80 <= hi_80 <= hi_95",
                                  "区间上下限依次不减：lo_95 <= lo_80 <= hi_80 <= hi_95")
                          for i in np.flatnonzero(unordered)[:20]])
    moved = (x[:, 2] < x[:, 1] - _TOL * scale) | (x[:, 2] > x[:, 3] + _TOL * scale)
    x[moved, 2] = (x[moved, 1] + x[moved, 3]) / 2
    return x, moved


def _key(df: pd.DataFrame, i: int) -> dict:
    return {k: df.iloc[i][k] for k in [*KEYS, "scenario"] if k in df}


def _interp_plan(u: np.ndarray) -> np.ndarray:
    """(5, m) weights W so that draws = knots @ W: linear interpolation of the quantile function
    between the two knots around each uniform u; the tails extrapolate the outer segments."""
    k = np.clip(np.searchsorted(_P, u, side="right"), 1, len(_P) - 1)
    a, b = k - 1, k
    f = (u - _P[a]) / (_P[b] - _P[a])
    w = np.zeros((len(_P), len(u)))
    cols = np.arange(len(u))
    w[a, cols] += 1.0 - f
    w[b, cols] += f
    return w


def _draws(x: np.ndarray, plan: np.ndarray) -> np.ndarray:
    # elementwise sum, not a BLAS product, so a row's draws are bit-identical whatever the chunk
    d = x[:, 0:1] * plan[0]
    for k in range(1, len(_P)):
        d += x[:, k:k + 1] * plan[k]
    return np.maximum(d, 0.0, out=d)  # counts of persons cannot be negative


def _simulate(s: np.ndarray, d: np.ndarray, plan_s, plan_d, edges: tuple[float, float]) -> np.ndarray:
    """Per row: S/D quantiles (2.5, 10, 90, 97.5 %), P(S/D <= shortage edge), P(S/D > surplus edge)."""
    ds, dd = _draws(s, plan_s), _draws(d, plan_d)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = ds / dd  # x/0 = inf, 0/0 = nan (no information in that draw)
    n = (~np.isnan(r)).sum(axis=1)
    out = np.full((len(r), 6), np.nan)
    probs = (0.025, 0.10, 0.90, 0.975)
    full = n == r.shape[1]
    if full.any():  # no 0/0 draw: partial partition at fixed ranks is enough (faster than a sort)
        kth = [int(np.ceil(p * r.shape[1])) - 1 for p in probs]
        part = np.partition(r[full], kth, axis=1)
        out[full, :4] = part[:, kth]
    some = ~full & (n > 0)
    if some.any():
        rs = np.sort(r[some], axis=1)  # nan sort last
        ns = n[some]
        for j, p in enumerate(probs):  # inverted-CDF empirical quantile
            idx = np.clip(np.ceil(p * ns).astype(int) - 1, 0, r.shape[1] - 1)
            out[some, j] = rs[np.arange(len(rs)), idx]
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, 4] = (r <= edges[0] + _TOL).sum(axis=1) / n
        out[:, 5] = (r > edges[1] + _TOL).sum(axis=1) / n
    return out


def _prepare(df: pd.DataFrame, name: str, prefix: str, scenarios: list[str] | None) -> pd.DataFrame:
    cols = [*KEYS, "value", *BOUNDS]
    require_columns(df, cols, name)
    keep = [c for c in [*cols, "scenario", "observed", "graduates", "programme_status"] if c in df.columns]
    out = df[keep].copy()
    out["specialty"] = out["specialty"].astype(str)
    out["year"] = out["year"].astype(int)
    if "observed" not in out:
        out["observed"] = pd.NA
    if scenarios is not None:  # supply has no scenario: the same supply meets every demand scenario
        if "scenario" in out:
            raise InputError([Problem(name, "scenario", None, None, "no scenario column in supply",
                                      "供给表中没有 scenario（情景）列")])
        out = out.merge(pd.DataFrame({"scenario": scenarios}), how="cross")
    dup = out.duplicated([*KEYS, "scenario"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError([Problem(name, "region,specialty,level,year,scenario", i + 2,
                                  out.iloc[i][[*KEYS, "scenario"]].tolist(), "one row per key",
                                  "每组地区、专业、层次、年份、情景只有一行")])
    rename = {"value": prefix, "observed": f"{prefix}_observed", **{b: f"{prefix}_{b}" for b in BOUNDS}}
    return out.rename(columns=rename)


def match_ratios(specialty_demand: pd.DataFrame, supply: pd.DataFrame, bands: Bands | None = None,
                 seed: int = 0, lang: str = "zh", progress: bool = False) -> pd.DataFrame:
    """The ``matches`` table: supply, demand, S/D, D/S with 80/95 % intervals, band and probabilities.

    One row per region × specialty × level × year × scenario found in either input (outer join):
    rows with only one side get ``status`` "no_demand_row"/"no_supply_row" and NaN ratios (band
    "none"); a programme that no longer enrols (supply ``programme_status``) gets "not_enrolling",
    never S/D = 0; both 0 gives "no_data"; demand or supply below the minimum size of ``bands``
    (default 20 persons a year) even at the upper end of its 80 % interval gives
    "below_min_demand"/"below_min_supply". All of these have
    no ratio, band "none" and no probabilities. With a minimum of 0, demand 0 with supply > 0 gives
    S/D = inf (band surplus, ``status`` "zero_demand"). ``p_shortage`` = P(S/D ≤ shortage edge),
    ``p_surplus`` = P(S/D > surplus edge), both from the simulation (``bands.draws`` draws, ``seed``).

    Example:
        >>> d = pd.DataFrame({"region": ["r"], "specialty": ["460104"], "level": ["高职专科"],
        ...     "year": [2026], "scenario": ["baseline"], "value": [100.0], "lo_80": [90.0],
        ...     "hi_80": [110.0], "lo_95": [85.0], "hi_95": [115.0], "observed": [False]})
        >>> s = d.drop(columns="scenario").assign(value=80.0, lo_80=75.0, hi_80=85.0, lo_95=70.0, hi_95=90.0)
        >>> m = match_ratios(d, s)
        >>> float(m.loc[0, "ratio_sd"]), m.loc[0, "band"], m.loc[0, "band_label"]
        (0.8, 'shortage', '短缺')
        >>> bool(m.loc[0, "ratio_sd_lo_95"] < 0.8 < m.loc[0, "ratio_sd_hi_95"])
        True
    """
    bands = bands or load_bands()
    _check_lang(lang)
    require_columns(specialty_demand, ["scenario"], "specialty_demand")
    scenarios = sorted(specialty_demand["scenario"].astype(str).unique(), key=lambda s: (s != "baseline", s))
    d = _prepare(specialty_demand, "specialty_demand", "demand", None)
    s = _prepare(supply, "supply", "supply", scenarios or ["baseline"])
    m = s.merge(d, on=[*KEYS, "scenario"], how="outer", sort=True)
    sup, dem = m["supply"].to_numpy(float), m["demand"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        m["ratio_sd"] = sup / dem
        m["ratio_ds"] = dem / sup
    closed = (m["programme_status"] == "not_enrolling").to_numpy(bool) if "programme_status" in m else \
        np.zeros(len(m), bool)
    # "Too small to band" means small even at the upper end of the 80 % interval, which carries the
    # assumed parameters' ranges: a central assumption moved within its range does not flip it.
    dem_hi = np.fmax(dem, m["demand_hi_80"].to_numpy(float)) if "demand_hi_80" in m else dem
    sup_hi = np.fmax(sup, m["supply_hi_80"].to_numpy(float)) if "supply_hi_80" in m else sup
    status = np.select(
        [np.isnan(dem), np.isnan(sup), closed, (dem == 0) & (sup == 0), dem_hi < bands.min_demand,
         sup_hi < bands.min_supply, dem == 0],
        ["no_demand_row", "no_supply_row", "not_enrolling", "no_data", "below_min_demand", "below_min_supply",
         "zero_demand"], "ok")
    m["status"] = status
    for c in ["ratio_sd", "ratio_ds"]:
        m.loc[np.isin(status, UNBANDED), c] = np.nan
    _add_intervals(m, bands, seed, progress)
    m["band"] = assign_band(m["ratio_sd"], bands)
    m["band_label"] = band_labels(m["band"], bands, lang)
    m["observed"] = _combine_observed(m["supply_observed"], m["demand_observed"])
    m["unit"] = "persons"
    first = [*KEYS, "scenario"] + (["graduates"] if "graduates" in m else [])
    sd = [f"ratio_sd_{b}" for b in BOUNDS]
    dsb = [f"ratio_ds_{b}" for b in BOUNDS]
    cols = (first + ["supply", *[f"supply_{b}" for b in BOUNDS], "demand", *[f"demand_{b}" for b in BOUNDS],
                     "ratio_sd", *sd, "ratio_ds", *dsb, "p_shortage", "p_surplus", "band", "band_label",
                     "status", "interval_note", "observed", "unit"])
    return m[cols].reset_index(drop=True)


def _combine_observed(a: pd.Series, b: pd.Series) -> pd.Series:
    """A row is observed when every side present is observed (history); forecast otherwise."""
    a2 = a.astype("boolean")
    b2 = b.astype("boolean")
    both = a2 & b2
    return both.fillna(a2).fillna(b2).fillna(False).astype(bool)


def _add_intervals(m: pd.DataFrame, bands: Bands, seed: int, progress: bool) -> None:
    sd_cols = [f"ratio_sd_{b}" for b in ("lo_95", "lo_80", "hi_80", "hi_95")]
    for c in [*sd_cols, "p_shortage", "p_surplus"]:
        m[c] = np.nan
    m["interval_note"] = ""
    ok = (m["status"].isin(["ok", "zero_demand"])).to_numpy()
    if ok.any():
        sub = m.loc[ok]
        xs, moved_s = _knots(sub.rename(columns={"supply": "value", "supply_observed": "observed",
                                                 **{f"supply_{b}": b for b in BOUNDS}}), "supply")
        xd, moved_d = _knots(sub.rename(columns={"demand": "value", "demand_observed": "observed",
                                                 **{f"demand_{b}": b for b in BOUNDS}}), "specialty_demand")
        note = np.where(moved_s, "supply_point_outside_80", "")
        note = np.where(moved_d, np.char.add(np.where(moved_s, note + ";", note).astype(str),
                                             "demand_point_outside_80"), note)
        m.loc[ok, "interval_note"] = note
        rng = np.random.default_rng(seed)
        # the same uniforms for every row: a row's interval does not depend on the other rows
        plan_s, plan_d = _interp_plan(rng.random(bands.draws)), _interp_plan(rng.random(bands.draws))
        res = np.full((len(sub), 6), np.nan)
        exact = (np.ptp(xs, axis=1) == 0) & (np.ptp(xd, axis=1) == 0)
        r0 = sub["ratio_sd"].to_numpy(float)
        res[exact, :4] = r0[exact, None]
        res[exact, 4] = r0[exact] <= bands.shortage_edge + _TOL
        res[exact, 5] = r0[exact] > bands.surplus_edge + _TOL
        todo = np.flatnonzero(~exact)
        chunks = [todo[i:i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
        for idx in _progress(chunks, progress):
            res[idx] = _simulate(xs[idx], xd[idx], plan_s, plan_d, (bands.shortage_edge, bands.surplus_edge))
        m.loc[ok, [*sd_cols, "p_shortage", "p_surplus"]] = res
    with np.errstate(divide="ignore"):  # D/S bounds are reciprocals of the S/D bounds (monotone map)
        for lo, hi in (("lo_80", "hi_80"), ("lo_95", "hi_95")):
            m[f"ratio_ds_{lo}"] = 1.0 / m[f"ratio_sd_{hi}"]
            m[f"ratio_ds_{hi}"] = 1.0 / m[f"ratio_sd_{lo}"]


def _progress(chunks: list, progress: bool):
    if not progress or len(chunks) < 2:
        yield from chunks
        return
    from rich.progress import track

    yield from track(chunks, description="matching: simulating S/D intervals")
