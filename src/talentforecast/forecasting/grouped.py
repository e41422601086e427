"""A model of the region × industry structure: each series' change forecast from the recent
growth of the groups it belongs to (auto's ``"grouped"`` member, run when ``forecast(groups=...)``
names group columns).

A city's employment in one industry moves with that industry across the province and with the
city's whole economy. With a handful of yearly values per series those two signals are far better
measured on group totals than on the series itself. For every series and year ``t`` the features
are the yearly log growth, over the last 1 and 2 years, of the total of each group the series
belongs to (e.g. its industry across regions, its region across industries) and of the whole
panel. One ridge regression per step ``j`` (Huber-weighted, as :mod:`pooled`) learns from every
series and year how much of that growth carries into ``log(y[t + j] / y[t])``: the panel decides
how far group trends are damped, nothing is set by hand.

Group totals are taken over the series observed in both years of a change, so a series that
starts or stops does not move its group's growth. Series with a value <= 0 cannot be scaled in
logs: the model gives no forecast for them (they still count in their groups' totals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.stats import norm

from talentforecast.forecasting._panel import Series
from talentforecast.forecasting.pooled import MIN_WINDOWS, _ridge

NAME = "grouped"
LAGS = (1, 2)  # growth spans (years) of each group total; two spans tell a trend from a one-year jump


def _growth(Y: np.ndarray, codes: np.ndarray, n_groups: int, lag: int) -> np.ndarray:
    """Per group and year ``t``: log growth per year of the group's total from ``t - lag`` to ``t``,
    over the series observed (> 0) in both years; NaN where a group has none.

    Example:
        >>> Y = np.array([[1.0, 2.0, 4.0], [3.0, 3.0, np.nan]])
        >>> np.round(_growth(Y, np.array([0, 0]), 1, 1), 3).tolist()  # year 2: only series 0 counts
        [[nan, 0.223, 0.693]]
    """
    G = np.full((n_groups, Y.shape[1]), np.nan)
    for t in range(lag, Y.shape[1]):
        a, b = Y[:, t], Y[:, t - lag]
        both = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
        num = np.bincount(codes[both], weights=a[both], minlength=n_groups)
        den = np.bincount(codes[both], weights=b[both], minlength=n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            G[:, t] = np.where(den > 0, np.log(num / den) / lag, np.nan)
    return G


class GroupGrowthRidge:
    """Direct multi-step ridge regression of each series' log change on its groups' recent growth.

    Parameters: ``alpha`` the ridge penalty (the intercept is not penalised), ``huber`` the Huber
    threshold in robust standard deviations (``None``: least squares). ``fit(series, groups, h)``
    takes the panel (:class:`Series` with calendar years ``ds``) and ``groups``, each series' uid →
    its tuple of group keys (one per dimension, e.g. ``("Albany", "23")``); it learns ``coef_``
    (per step; a step with fewer than ``MIN_WINDOWS`` windows gets the last fitted step's
    coefficients × step / that step, ``None`` when no step has enough) and ``sigma_`` (residual
    standard deviation in logs). ``predict(series, level)`` forecasts series of that panel from their last
    year, which must be a year of the fitted panel (NaN rows otherwise).

    Example:
        >>> import numpy as np
        >>> from talentforecast.forecasting._panel import Series
        >>> ds = np.arange(2000, 2010)
        >>> rate = {"a": 1.06, "b": 1.0}  # industry a grows 6 % a year in every region, b is flat
        >>> panel = [Series(f"{r}|{i}", ds, 100.0 * (1 + k) * rate[i] ** (ds - 2000))
        ...          for k, r in enumerate("xyz") for i in "ab"]
        >>> groups = {s.uid: tuple(s.uid.split("|")) for s in panel}
        >>> m = GroupGrowthRidge(alpha=1e-4).fit(panel, groups, h=2)  # six exact series: barely penalised
        >>> P = m.predict(panel[:2])["mean"] / np.array([[s.y[-1]] for s in panel[:2]])
        >>> np.round(P, 2).tolist()  # x|a carries its industry's growth, x|b stays flat
        [[1.06, 1.12], [1.0, 1.0]]
    """

    def __init__(self, alpha: float = 1.0, huber: float | None = None):
        self.alpha = alpha
        self.huber = huber

    def _design(self, panel: Sequence[Series], groups: Mapping[object, tuple]) -> None:
        """Calendar matrix of the panel and every (series, year)'s features."""
        years = np.unique(np.concatenate([s.ds for s in panel])) if panel else np.array([], dtype=int)
        self.first_year_ = int(years[0]) if years.size else 0
        T = int(years[-1]) - self.first_year_ + 1 if years.size else 0
        Y = np.full((len(panel), T), np.nan)
        for i, s in enumerate(panel):
            Y[i, np.asarray(s.ds, dtype=int) - self.first_year_] = s.y
        keys = [groups[s.uid] for s in panel]
        dims = len(keys[0]) if keys else 0
        feats = [np.ones_like(Y)]
        for d in range(dims):
            labels, codes = np.unique(np.array([str(k[d]) for k in keys]), return_inverse=True)
            for lag in LAGS:
                feats.append(_growth(Y, codes, labels.size, lag)[codes])
        for lag in LAGS:  # the whole panel's growth, so a group's term is its departure from it
            feats.append(np.broadcast_to(_growth(Y, np.zeros(len(panel), dtype=int), 1, lag), Y.shape))
        self.uid_row_ = {s.uid: i for i, s in enumerate(panel)}
        self.Y_ = Y
        self.F_ = np.stack(feats, axis=-1)  # series × year × feature

    def fit(self, panel: Sequence[Series], groups: Mapping[object, tuple], h: int) -> GroupGrowthRidge:
        self._design(panel, groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            LY = np.where(self.Y_ > 0, np.log(self.Y_), np.nan)
        ok_f = np.isfinite(self.F_).all(axis=-1)
        self.coef_: list[np.ndarray | None] = []
        self.sigma_: list[float] = []
        T = self.Y_.shape[1]
        for j in range(1, h + 1):
            target = LY[:, j:] - LY[:, :T - j] if T > j else np.empty((len(LY), 0))
            use = ok_f[:, :T - j] & np.isfinite(target) if T > j else np.zeros((len(LY), 0), dtype=bool)
            if np.count_nonzero(use) < MIN_WINDOWS:
                # a short panel (a backtest origin of a 7-year panel) has no j-year windows: the
                # last step it has carries on in proportion, so the member can still be compared
                last = max((k for k, c in enumerate(self.coef_) if c is not None), default=None)
                self.coef_.append(None if last is None else self.coef_[last] * j / (last + 1))
                self.sigma_.append(np.nan if last is None else self.sigma_[last] * np.sqrt(j / (last + 1)))
                continue
            X, y = self.F_[:, :T - j][use], target[use]
            pen = self.alpha * np.eye(X.shape[1])
            pen[0, 0] = 0.0
            beta = _ridge(X, y, pen, self.huber)
            self.coef_.append(beta)
            self.sigma_.append(float(np.std(y - X @ beta, ddof=min(y.size - 1, X.shape[1]))))
        return self

    def predict(self, series: Sequence[Series], level: Sequence[int] = ()) -> dict[str, np.ndarray]:
        h = len(self.coef_)
        out = {"mean": np.full((len(series), h), np.nan)}
        for lv in level:
            out[f"lo-{lv}"], out[f"hi-{lv}"] = np.full((len(series), h), np.nan), np.full((len(series), h), np.nan)
        T = self.Y_.shape[1]
        for i, s in enumerate(series):
            row, t = self.uid_row_.get(s.uid), int(s.ds[-1]) - self.first_year_ if len(s.ds) else -1
            if row is None or not 0 <= t < T or not s.y[-1] > 0:
                continue
            f = self.F_[row, t]
            if not np.isfinite(f).all():
                continue
            for j, beta in enumerate(self.coef_):
                if beta is None:
                    continue
                step = float(f @ beta)
                out["mean"][i, j] = s.y[-1] * np.exp(step)
                for lv in level:  # normal in logs, as the pooled member
                    z = norm.ppf(0.5 + lv / 200) * self.sigma_[j]
                    out[f"lo-{lv}"][i, j], out[f"hi-{lv}"][i, j] = s.y[-1] * np.exp(step - z), s.y[-1] * np.exp(step + z)
        return out
