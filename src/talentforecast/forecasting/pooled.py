"""A global model: one ridge regression per forecast step, fit on scaled windows pooled across
every series of a panel (auto's ``"pooled"`` member).

Each window ends at a year ``t`` of one series and holds, in logs relative to the value at ``t``,
the ``k - 1`` values before it and the series' mean yearly log change up to ``t``; the target of
step ``j`` is ``log(y[t + j] / y[t])``. One regression per step is fit on the windows of all
series, so a panel-wide pattern (recovery after a common recession, momentum, the typical
growth of the panel) is learned from thousands of windows instead of one short history.
Series with a value <= 0 cannot be scaled in logs: the model gives no forecast for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import norm

NAME = "pooled"
MIN_WINDOWS = 10  # fewest training windows per step; fewer give no forecast for that panel


def _features(ly: np.ndarray, t: int, k: int) -> np.ndarray:
    """Intercept, the ``k - 1`` log values before ``t`` relative to ``t``, mean log change to ``t``."""
    lags = ly[t - k + 1:t] - ly[t]
    drift = (ly[t] - ly[0]) / t if t > 0 else 0.0
    return np.concatenate([[1.0], lags, [drift]])


def _windows(ly: np.ndarray, k: int) -> np.ndarray:
    """:func:`_features` of every window end ``t = k-1 … n-1`` of one log series, one row each.

    Example:
        >>> ly = np.log([1.0, 2.0, 3.0, 5.0, 8.0])
        >>> np.allclose(_windows(ly, 3), [_features(ly, t, 3) for t in range(2, 5)])
        True
    """
    if ly.size < k:
        return np.empty((0, k + 1))
    t = np.arange(k - 1, ly.size)
    win = np.lib.stride_tricks.sliding_window_view(ly, k)  # row i: ly[i … i+k-1], ending at t = i+k-1
    lags = win[:, :-1] - win[:, -1:]
    drift = np.divide(ly[t] - ly[0], t, out=np.zeros(t.size), where=t > 0)
    return np.column_stack([np.ones(t.size), lags, drift])


HUBER_ITERATIONS = 5  # reweighting steps of the Huber fit; the coefficients settle within a few


def _ridge(X: np.ndarray, y: np.ndarray, pen: np.ndarray, huber: float | None) -> np.ndarray:
    """Ridge coefficients; with ``huber``, iteratively reweighted so that residuals beyond ``huber``
    robust standard deviations (1.4826 × median absolute deviation) get weight ``threshold / |r|``."""
    w = np.ones(y.size)
    for _ in range(HUBER_ITERATIONS if huber else 1):
        Xw = X * w[:, None]
        beta = np.linalg.solve(Xw.T @ X + pen, Xw.T @ y)
        if huber:
            r = y - X @ beta
            c = huber * 1.4826 * float(np.median(np.abs(r - np.median(r))))
            if not c > 0:
                break
            w = np.minimum(1.0, c / np.maximum(np.abs(r), 1e-12))
    return beta


class PooledRidge:
    """Direct multi-step ridge regression on log-ratio windows pooled across series.

    Parameters: ``k`` values per window (fewer for a step when the panel is too short for ``k``),
    ``alpha`` the ridge penalty (the intercept is not penalised), ``huber`` the Huber threshold in
    robust standard deviations of the residuals (``None``: least squares). With ``huber``, the fit is
    iteratively reweighted (``HUBER_ITERATIONS``): a window whose change is far from what the others
    say (a firm's takeover, a county's plant closing) weighs less. ``fit(ys, h)`` learns
    ``coef_`` (per step: window length and coefficients) and ``sigma_`` (per step: residual
    standard deviation in logs); ``predict(ys, level)`` forecasts each series from its last
    window (NaN rows for series that cannot be scaled or are shorter than the window).

    Example:
        >>> import numpy as np
        >>> ys = [np.array([100.0 * 1.05 ** t for t in range(8)]) * (1 + i / 10) for i in range(5)]
        >>> m = PooledRidge(k=3).fit(ys, h=2)
        >>> np.round(m.predict(ys[:1])["mean"][0] / ys[0][-1], 3).tolist()  # the panel's 5 % growth
        [1.05, 1.102]
        >>> np.isnan(m.predict([np.array([3.0, 0.0, 2.0, 4.0])])["mean"]).all()  # a zero: no forecast
        np.True_
    """

    def __init__(self, k: int = 4, alpha: float = 1.0, huber: float | None = None):
        self.k = k
        self.alpha = alpha
        self.huber = huber

    def fit(self, ys: Sequence[np.ndarray], h: int) -> PooledRidge:
        logs = [np.log(y) for y in (np.asarray(v, dtype=float) for v in ys) if y.size and np.all(y > 0)]
        longest = max((ly.size for ly in logs), default=0)
        self.coef_: list[tuple[int, np.ndarray] | None] = []
        self.sigma_: list[float] = []
        rows: dict[int, list[np.ndarray]] = {}  # per window length: each series' window matrix
        for j in range(1, h + 1):
            k = max(1, min(self.k, longest - j))  # a short panel gets shorter windows, not none
            if k not in rows:
                rows[k] = [_windows(ly, k) for ly in logs]
            # windows ending at t = k-1 … n-1-j of each series, target log(y[t+j] / y[t])
            X = [w[:ly.size - j - k + 1] for w, ly in zip(rows[k], logs, strict=True) if ly.size - j - k + 1 > 0]
            Y = [ly[k - 1 + j:] - ly[k - 1:ly.size - j] for ly in logs if ly.size - j - k + 1 > 0]
            n = sum(len(x) for x in X)
            if n < MIN_WINDOWS:
                self.coef_.append(None)
                self.sigma_.append(np.nan)
                continue
            Xa, Ya = np.vstack(X), np.concatenate(Y)
            pen = self.alpha * np.eye(Xa.shape[1])
            pen[0, 0] = 0.0
            beta = _ridge(Xa, Ya, pen, self.huber)
            self.coef_.append((k, beta))
            self.sigma_.append(float(np.std(Ya - Xa @ beta, ddof=min(len(Ya) - 1, Xa.shape[1]))))
        return self

    def predict(self, ys: Sequence[np.ndarray], level: Sequence[int] = ()) -> dict[str, np.ndarray]:
        h = len(self.coef_)
        out = {"mean": np.full((len(ys), h), np.nan)}
        for lv in level:
            out[f"lo-{lv}"], out[f"hi-{lv}"] = np.full((len(ys), h), np.nan), np.full((len(ys), h), np.nan)
        for i, v in enumerate(ys):
            y = np.asarray(v, dtype=float)
            if not y.size or np.any(y <= 0):
                continue
            ly = np.log(y)
            for j, cb in enumerate(self.coef_):
                if cb is None or y.size < cb[0]:
                    continue
                step = float(_features(ly, y.size - 1, cb[0]) @ cb[1])
                out["mean"][i, j] = y[-1] * np.exp(step)
                for lv in level:  # normal in logs: a median forecast with skewed bounds
                    z = norm.ppf(0.5 + lv / 200) * self.sigma_[j]
                    out[f"lo-{lv}"][i, j], out[f"hi-{lv}"][i, j] = y[-1] * np.exp(step - z), y[-1] * np.exp(step + z)
        return out
