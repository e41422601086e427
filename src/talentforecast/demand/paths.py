"""Sample paths of leaf employment, and linear aggregation of anything computed from them.

Intervals are propagated by simulation: each leaf series (region × industry, no totals) gets
``n_paths`` sample paths drawn from a normal approximation of its forecast intervals, correlated
over the horizon (random-walk errors) and across series (one common factor). Every later
quantity (openings, vocational openings, specialty and occupation demand, region and industry
totals) is computed path by path, and its bounds are sample quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import norm

from talentforecast.errors import InputError, Problem

TOTAL = "_T"  # industry code of the all-industry total (SDMX convention)
BOUNDS = ("lo_80", "hi_80", "lo_95", "hi_95")


@dataclass
class Paths:
    """Leaf series × years: point values and sample paths (history years have no spread)."""

    keys: pd.DataFrame  # region, industry[, level ...]; one row per leaf series
    years: np.ndarray  # (T,)
    observed: np.ndarray  # (T,) bool
    point: np.ndarray  # (n, T)
    samples: np.ndarray  # (n, P, T)
    info: dict = field(default_factory=dict)

    def with_values(self, point: np.ndarray, samples: np.ndarray, keys: pd.DataFrame | None = None,
                    years: slice | None = None) -> Paths:
        yr = slice(None) if years is None else years
        return Paths(self.keys if keys is None else keys, self.years[yr], self.observed[yr],
                     point, samples, dict(self.info))


def cross_correlation(employment: pd.DataFrame) -> float:
    """Average pairwise correlation of year-on-year log changes across leaf series (≥ 0).

    Example:
        >>> e = pd.DataFrame({"region": ["a"] * 6 + ["b"] * 6, "industry": "C",
        ...                   "year": list(range(6)) * 2, "employed": [1, 2, 3, 2, 4, 5] * 2})
        >>> round(cross_correlation(e), 3)
        1.0
    """
    wide = employment.pivot_table(index="year", columns=["region", "industry"], values="employed")
    g = np.log(wide.where(wide > 0)).diff().iloc[1:]
    g = g.loc[:, g.notna().sum() >= 4]
    if g.shape[1] < 2 or g.shape[0] < 4:
        return 0.0
    c = g.corr().to_numpy()
    off = c[~np.eye(len(c), dtype=bool)]
    off = off[np.isfinite(off)]
    # a negative average common factor is not representable; treat as independent
    return float(max(np.mean(off), 0.0)) if len(off) else 0.0


def sigma_from_bounds(df: pd.DataFrame) -> np.ndarray:
    """Normal-approximation σ from whichever of the 80/95 interval columns are present."""
    est = []
    for lv in (80, 95):
        lo, hi = f"lo_{lv}", f"hi_{lv}"
        if lo in df and hi in df:
            est.append((df[hi].to_numpy(float) - df[lo].to_numpy(float)) / (2 * norm.ppf(0.5 + lv / 200)))
    if not est:
        return np.zeros(len(df))
    return np.nanmean(np.vstack(est), axis=0)


def paths_from_forecast(fc: pd.DataFrame, n_paths: int = 1000, seed: int = 0,
                        correlation: float = 0.0, value: str = "value") -> Paths:
    """Draw sample paths from a leaf employment table (region, industry, year, value, bounds, observed).

    Errors are N(0, σ_h²) with σ_h from the interval width, built from independent yearly
    increments (corr(h, k) = σ_min/σ_max) and correlated across series with ``correlation``. Samples are floored at 0
    (employment cannot be negative).

    Example:
        >>> fc = pd.DataFrame({"region": "a", "industry": "C", "year": [2020, 2021, 2022],
        ...     "value": [100., 110., 120.], "lo_95": [100., 100., 100.],
        ...     "hi_95": [100., 120., 140.], "observed": [True, False, False]})
        >>> p = paths_from_forecast(fc, n_paths=2000)
        >>> p.samples.shape, bool(p.samples[0, :, 2].std() > p.samples[0, :, 1].std())
        ((1, 2000, 3), True)
    """
    fc = fc.sort_values(["region", "industry", "year"])
    keys = fc[["region", "industry"]].drop_duplicates().reset_index(drop=True)
    years = np.sort(fc["year"].unique())
    full = pd.MultiIndex.from_product([keys["region"].unique(), keys["industry"].unique(), years])
    idx = pd.MultiIndex.from_frame(fc[["region", "industry", "year"]])
    if idx.has_duplicates:
        dup = fc[idx.duplicated()].iloc[0]
        raise InputError([Problem("employment_forecast", "year", None, tuple(dup[["region", "industry", "year"]]),
                                  "one row per region, industry and year",
                                  "每个地区、行业、年份只有一行")])
    keyset = set(map(tuple, keys.to_numpy()))
    missing = [k for k in full.difference(idx) if (k[0], k[1]) in keyset]
    if missing:
        raise InputError([Problem("employment", "year", None, m, "a value for every year of every "
                                  "region × industry series (complete panel)",
                                  "每个地区 × 行业序列的每一年都有数值（完整面板）") for m in missing[:20]])
    n, T = len(keys), len(years)
    point = fc[value].to_numpy(float).reshape(n, T)
    sigma = sigma_from_bounds(fc).reshape(n, T)
    obs_col = fc["observed"].to_numpy(bool).reshape(n, T) if "observed" in fc else np.zeros((n, T), bool)
    observed = obs_col.all(axis=0)
    if (obs_col != observed).any():
        raise InputError("all series must share the same history and forecast years", file="employment_forecast",
                         expected_zh="所有序列的历史年份和预测年份都相同")
    sigma[:, observed] = 0.0
    rng = np.random.default_rng(seed)
    fut = np.flatnonzero(~observed)
    err = np.zeros((n, n_paths, T))
    if len(fut):
        # independent increments: Var(u_h) = σ_h² − σ_{h−1}², so the error of year h is exactly
        # N(0, σ_h²) and corr(h, k) = σ_min / σ_max; a shrinking σ gives a zero increment
        var_inc = np.diff(np.concatenate([np.zeros((n, 1)), sigma[:, fut] ** 2], axis=1), axis=1)
        common = rng.standard_normal((1, n_paths, len(fut)))
        idio = rng.standard_normal((n, n_paths, len(fut)))
        e = np.sqrt(correlation) * common + np.sqrt(1 - correlation) * idio
        err[:, :, fut] = np.cumsum(e * np.sqrt(np.maximum(var_inc, 0.0))[:, None, :], axis=2)
    samples = np.maximum(point[:, None, :] + err, 0.0)
    return Paths(keys, years, observed, point, samples, {"correlation": correlation, "n_paths": n_paths,
                                                         "seed": seed})


def region_descendants(regions: pd.DataFrame | None, leaves: list[str]) -> dict[str, list[str]]:
    """Map every region (leaf or parent, any depth) to the leaf regions it sums."""
    out = {r: [r] for r in leaves}
    if regions is None or "parent" not in regions:
        return out
    parent = {r: p for r, p in regions[["region", "parent"]].itertuples(index=False)
              if isinstance(p, str) and p}
    for leaf in leaves:
        seen, p = {leaf}, parent.get(leaf)
        while p is not None and p not in seen:
            out.setdefault(p, []).append(leaf)
            seen.add(p)
            p = parent.get(p)
    return out


def aggregator(keys: pd.DataFrame, by: list[str], regions: pd.DataFrame | None,
               industry_total: bool = False) -> tuple[pd.DataFrame, sparse.csr_matrix]:
    """Output keys (every region incl. parents × ``by`` values) and the 0/1 matrix summing leaves.

    ``by`` are the non-region key columns kept (e.g. ["industry"], ["specialty", "level"]).
    With ``industry_total`` an extra row per region has industry ``_T`` summing all industries.
    """
    desc = region_descendants(regions, list(dict.fromkeys(keys["region"])))
    order = list(regions["region"]) if regions is not None else []
    regs = [r for r in order if r in desc] + [r for r in desc if r not in order]
    other = keys[by].drop_duplicates().reset_index(drop=True) if by else pd.DataFrame(index=[0])
    groups = {tuple(k): i for i, k in enumerate(other.itertuples(index=False))} if by else {(): 0}
    leaf_reg = keys["region"].to_numpy()
    leaf_grp = [groups[tuple(k)] for k in keys[by].itertuples(index=False)] if by else [0] * len(keys)
    rows, cols, out_keys = [], [], []
    n_groups = len(other) if by else 1
    for r in regs:
        members = np.flatnonzero(np.isin(leaf_reg, desc[r]))
        base = len(out_keys)
        for g in range(n_groups):
            out_keys.append((r, *(other.iloc[g].tolist() if by else [])))
        for m in members:
            rows.append(base + leaf_grp[m])
            cols.append(m)
        if industry_total:
            out_keys.append((r, TOTAL, *([] if len(by) == 1 else [None] * (len(by) - 1))))
            rows.extend([len(out_keys) - 1] * len(members))
            cols.extend(members)
    mat = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(out_keys), len(keys)))
    return pd.DataFrame(out_keys, columns=["region", *by]), mat


def summarise(keys: pd.DataFrame, paths: Paths, mat: sparse.spmatrix | None = None,
              level: tuple[int, ...] = (80, 95), chunk: int = 2000,
              path_factor: np.ndarray | None = None) -> pd.DataFrame:
    """Long table: keys × years with value (point) and sample-quantile bounds of ``mat @ paths``.

    ``path_factor`` (output rows × paths) multiplies each output row's sample paths (e.g. a
    drawn parameter that acts after the sum); the point value is not changed.
    """
    mat = sparse.identity(len(paths.keys), format="csr") if mat is None else sparse.csr_matrix(mat)
    n_out, T = mat.shape[0], len(paths.years)
    value = mat @ paths.point
    # history years carry no uncertainty: bounds equal the observed value
    bounds = {f"{s}_{lv}": value.copy() for lv in level for s in ("lo", "hi")}
    qs = [q for lv in level for q in ((100 - lv) / 200, (100 + lv) / 200)]
    fut = np.flatnonzero(~np.asarray(paths.observed, bool))
    P, F = paths.samples.shape[1], len(fut)
    # only forecast years need quantiles; laid out (series, year, path) so each quantile is taken
    # over a contiguous row (same order statistics, hence the same numbers, as over axis 1)
    flat = np.ascontiguousarray(paths.samples[:, :, fut].transpose(0, 2, 1)).reshape(len(paths.keys), -1)
    for start in range(0, n_out if F else 0, chunk):
        block = (mat[start:start + chunk] @ flat).reshape(-1, P)
        if path_factor is not None:  # rows of block are (output row, year) pairs, year fastest
            block = block * np.repeat(path_factor[start:start + chunk], F, axis=0)
        q = np.quantile(block, qs, axis=1, overwrite_input=True).reshape(len(qs), -1, F)
        for j, lv in enumerate(level):
            bounds[f"lo_{lv}"][start:start + chunk, fut] = q[2 * j]
            bounds[f"hi_{lv}"][start:start + chunk, fut] = q[2 * j + 1]
    out = keys.loc[keys.index.repeat(T)].reset_index(drop=True)
    out["year"] = np.tile(paths.years, n_out).astype(int)
    out["value"] = value.ravel()
    for name, b in bounds.items():
        out[name] = b.ravel()
    out["observed"] = np.tile(paths.observed, n_out)
    return out
