"""Small statistics for scoring: Wilson intervals, the Brier score with a bootstrap interval,
and a calibration table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Share k/n with its Wilson 95 % interval (NaNs when n = 0).

    Example:
        >>> [round(x, 3) for x in wilson(8, 10)]
        [0.8, 0.49, 0.943]
    """
    if n <= 0:
        return math.nan, math.nan, math.nan
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return p, max(0.0, mid - half), min(1.0, mid + half)


def brier(p: np.ndarray, y: np.ndarray, n_boot: int = 500, seed: int = 0) -> tuple[float, float, float]:
    """Brier score mean((p − y)²) with a percentile bootstrap 95 % interval (NaNs when empty).

    Example:
        >>> b, lo, hi = brier(np.array([0.9, 0.1, 0.8, 0.3]), np.array([1, 0, 1, 0]))
        >>> round(b, 4), lo <= b <= hi
        (0.0375, True)
    """
    p, y = np.asarray(p, float), np.asarray(y, float)
    if len(p) == 0:
        return math.nan, math.nan, math.nan
    sq = (p - y) ** 2
    if n_boot <= 0 or len(p) < 2:
        return float(sq.mean()), math.nan, math.nan
    rng = np.random.default_rng(seed)
    means = sq[rng.integers(0, len(sq), size=(n_boot, len(sq)))].mean(axis=1)
    return float(sq.mean()), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def calibration(p: np.ndarray, y: np.ndarray, bins) -> pd.DataFrame:
    """Per probability bin: n, mean forecast probability, observed share of 1s (``share_bad``) with its Wilson interval.

    Example:
        >>> calibration(np.array([0.1, 0.15, 0.9]), np.array([0, 1, 1]), [0, 0.5, 1])[["bin", "n", "share_bad"]].values.tolist()
        [['0.0–0.5', 2, 0.5], ['0.5–1.0', 1, 1.0]]
    """
    p, y = np.asarray(p, float), np.asarray(y, float)
    edges = np.asarray(bins, float)
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for i in range(len(edges) - 1):
        sel = idx == i
        n, k = int(sel.sum()), int(y[sel].sum())
        share, lo, hi = wilson(k, n)
        rows.append({"bin": f"{edges[i]:.1f}–{edges[i + 1]:.1f}", "n": n,
                     "mean_probability": float(p[sel].mean()) if n else math.nan,
                     "share_bad": share, "share_bad_lo_95": lo, "share_bad_hi_95": hi})
    return pd.DataFrame(rows)
