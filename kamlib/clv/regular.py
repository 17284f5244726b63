"""Purchase models for customers who buy at regular intervals: MBG/CNBD-k and BG/CNBD-k, and the regularity
diagnostics that say whether a log needs them.

The BG/NBD family assumes a Poisson purchase process: exponential inter-purchase times, the most irregular
timing there is. Wholesale customers reorder at fairly regular intervals, and then a long silence is stronger
evidence of dropout than the Poisson process allows. Platzer & Reutterer (2016) replace the exponential by an
Erlang-k inter-purchase time (every k-th event of a Poisson process), with k estimated: k = 1 is the BG/NBD
(``bgcnbd``) or MBG/NBD (``mbgcnbd``, dropout possible at time zero), larger k is more regular timing.
Their likelihood needs, besides ``(frequency, recency, T)``, the sum of each customer's log inter-purchase times
(``litt``, :func:`interpurchase`).

Written by hand: the models exist only in the R package BTYDplus (no Python library has them). The formulas follow
Platzer & Reutterer (2016) and BTYDplus 1.2 (``xbgcnbd.LL``, ``xbgcnbd.PAlive``,
``xbgcnbd.ConditionalExpectedTransactions``); the unconditional expectation is the exact series
:math:`E[X(t)] = \\sum_j P(N(t) \\ge jk)\\, B(a, b + j - 1 + \\delta) / B(a, b)` with :math:`N(t)` negative binomial,
instead of BTYDplus's compiled code. Regularity: Wheat & Morrison (1990) and the gamma maximum-likelihood shape, as
BTYDplus ``estimateRegularity``.

References
----------
Platzer, M. & Reutterer, T. (2016). Ticking away the moments: timing regularity helps to better predict customer
activity. *Marketing Science*, 35(5), 779-799.
Wheat, R. D. & Morrison, D. G. (1990). Estimating purchase regularity with two interpurchase times. *Journal of
Marketing Research*, 27(1), 87-93.
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative to the
Pareto/NBD model. *Marketing Science*, 24(2), 275-284.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import KamError, require_columns
from ._optimize import minimize, positive_definite, weighted
from .base import Model, get

__all__ = ["BGCNBDk", "MBGCNBDk", "RegularFit", "RegularFitter", "fit", "interpurchase", "loglik", "regularity", "simulate",
           "with_litt"]

#: The largest k tried when k is estimated (BTYDplus's grid)
MAX_K = 12


def interpurchase(transactions: pd.DataFrame, *, end, unit: str = "W", start=None, customer: str = "customer_id",
                  date: str = "date") -> pd.DataFrame:
    """Each customer's inter-purchase times up to ``end``, summarised for the regular-buyer models.

    Purchases on the same day are one purchase (as :func:`kamlib.rfm.summary` and BTYDplus ``elog2cbs``).

    Parameters
    ----------
    transactions : DataFrame
        The log: ``customer``, ``date``.
    end : date-like
        Last day counted (the calibration end).
    unit : {"D", "W", "M"}
        Time unit of the inter-purchase times (that of the summary).
    start : date-like, optional
        First day counted.
    customer, date : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed by customer: ``litt`` (sum of log inter-purchase times in ``unit``), ``n_itt`` (their number),
        ``itt_last``, ``itt_previous`` (the last two, for Wheat & Morrison's estimator; NaN when missing).

    References
    ----------
    Platzer, M. & Reutterer, T. (2016). *Marketing Science*, 35(5), 779-799.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [1, 1, 1, 2], "date": pd.to_datetime(["2011-01-03", "2011-01-10",
    ...                     "2011-01-24", "2011-01-05"])})
    >>> interpurchase(log, end="2011-02-01")[["litt", "n_itt"]].round(4).to_numpy().tolist()
    [[0.6931, 2.0], [0.0, 0.0]]
    """
    from ..rfm import UNIT_DAYS

    require_columns(transactions, [customer, date], where="the transaction log",
                    fix="map the customer and date columns in the study file")
    if unit not in UNIT_DAYS:
        raise KamError(f"unit must be one of {', '.join(UNIT_DAYS)}, got {unit!r}.")
    d = _purchase_days(transactions, end=end, unit=unit, start=start, customer=customer, date=date)
    itt = d["itt"].to_numpy(float)
    d["log_itt"] = np.log(np.where(itt > 0, itt, np.nan))
    g = d.groupby("c", sort=True)
    out = pd.DataFrame({"litt": g["log_itt"].sum(min_count=0).fillna(0.0), "n_itt": g["itt"].count().astype(float)})
    d["itt_previous"] = d.groupby("c", sort=True)["itt"].shift(1)
    final = d.groupby("c", sort=True).tail(1).set_index("c")  # each customer's last purchase day
    out["itt_last"] = final["itt"].reindex(out.index)
    out["itt_previous"] = final["itt_previous"].reindex(out.index)
    out.index.name = customer
    return out


def with_litt(summary: pd.DataFrame, transactions: pd.DataFrame, *, end, unit: str = "W", start=None,
              customer: str = "customer_id", date: str = "date") -> pd.DataFrame:
    """``summary`` with each customer's sum of log inter-purchase times (``litt``), which MBG/CNBD-k and
    BG/CNBD-k need (:func:`kamlib.clv.fit`).

    Parameters
    ----------
    summary : DataFrame
        :func:`kamlib.rfm.summary` or :func:`kamlib.rfm.calibration_holdout`, indexed by customer.
    transactions : DataFrame
        The log it was made from.
    end, unit, start : as the summary was made
    customer, date : str
        Column names.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> with_litt(cal, tx, end="1997-09-30")["litt"].round(3).head(2).tolist()
    [4.22, 0.539]
    """
    ip = interpurchase(transactions, end=end, unit=unit, start=start, customer=customer, date=date)
    return summary.assign(litt=ip["litt"].reindex(summary.index).fillna(0.0).to_numpy(float))


def _purchase_days(transactions: pd.DataFrame, *, end=None, unit: str = "W", start=None,
                   customer: str = "customer_id", date: str = "date") -> pd.DataFrame:
    """Each customer's distinct purchase days in [start, end], sorted: ``c`` (customer), ``d`` (day), ``itt`` (time
    since the customer's previous purchase day in ``unit``; NaN for the first)."""
    from ..rfm import UNIT_DAYS

    days = pd.to_datetime(transactions[date]).dt.normalize()
    keep = np.ones(len(days), bool)
    if end is not None:
        keep &= (days <= pd.Timestamp(end)).to_numpy()
    if start is not None:
        keep &= (days >= pd.Timestamp(start)).to_numpy()
    d = pd.DataFrame({"c": transactions[customer].to_numpy()[keep], "d": days.to_numpy()[keep]})
    d = d.drop_duplicates().sort_values(["c", "d"], kind="mergesort")
    d["itt"] = d.groupby("c", sort=True)["d"].diff().dt.days.to_numpy(float) / UNIT_DAYS[unit]
    return d


def regularity(itt: pd.DataFrame | None = None, *, transactions: pd.DataFrame | None = None, method: str = "wheat",
               seed: int = 0, min_itt: int | None = None, **kwargs) -> dict:
    """How regular purchase timing is: the Erlang shape k (1 = Poisson, larger = more regular).

    Parameters
    ----------
    itt : DataFrame, optional
        :func:`interpurchase` (for ``"wheat"``).
    transactions : DataFrame, optional
        The log (for ``"mle"``, which needs every inter-purchase time; ``**kwargs`` go to the grouping:
        ``end``, ``unit``, ``customer``, ``date``).
    method : {"wheat", "mle"}
        Wheat & Morrison's estimator from each customer's last two inter-purchase times (one drawn at random, seeded),
        or the median over customers of the gamma maximum-likelihood shape of their inter-purchase times.
    seed : int
        Seed of Wheat & Morrison's random choice.
    min_itt : int, optional
        Customers need at least this many inter-purchase times (2 for ``"wheat"``, 10 for ``"mle"``, as BTYDplus).

    Returns
    -------
    dict
        ``k`` (NaN when no customer qualifies), ``customers`` (how many it rests on), ``method``.

    References
    ----------
    Wheat, R. D. & Morrison, D. G. (1990). Estimating purchase regularity with two interpurchase times. *JMR*,
    27(1), 87-93. Platzer, M. & Reutterer, T. (2016). *Marketing Science*, 35(5), 779-799.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> gaps = rng.gamma(3.0, 1 / 3.0, size=(4000, 2))  # Erlang-3 inter-purchase times
    >>> itt = pd.DataFrame({"itt_previous": gaps[:, 0], "itt_last": gaps[:, 1], "n_itt": 2.0})
    >>> round(regularity(itt)["k"])
    3
    """
    if method == "wheat":
        if itt is None:
            raise KamError("regularity(method='wheat') needs the inter-purchase summary (regular.interpurchase).")
        need = 2 if min_itt is None else min_itt
        use = itt[(itt["n_itt"] >= need) & itt["itt_last"].gt(0) & itt["itt_previous"].gt(0)]
        if len(use) < 2:
            return {"k": math.nan, "customers": len(use), "method": method}
        rng = np.random.default_rng(seed)
        pick = np.where(rng.random(len(use)) < 0.5, use["itt_last"], use["itt_previous"])
        m = pick / (use["itt_last"].to_numpy() + use["itt_previous"].to_numpy())
        var = float(np.var(m, ddof=1))
        k = (1 - 4 * var) / (8 * var) if var > 0 else math.inf
        return {"k": float(k), "customers": len(use), "method": method}
    if method == "mle":
        from scipy.optimize import minimize_scalar
        from scipy.special import digamma

        if transactions is None:
            raise KamError("regularity(method='mle') needs the transaction log (transactions=...).")
        d = _purchase_days(transactions, end=kwargs.get("end"), unit=kwargs.get("unit", "W"),
                           customer=kwargs.get("customer", "customer_id"), date=kwargs.get("date", "date"))
        need = 10 if min_itt is None else min_itt
        ks = []
        for _, s in d.dropna(subset=["itt"]).groupby("c")["itt"]:
            s = s[s > 0].to_numpy()
            if len(s) < need:
                continue
            stat = math.log(s.mean()) - np.log(s).mean()
            if stat <= 0:
                continue
            ks.append(minimize_scalar(lambda v: (math.log(v) - digamma(v) - stat) ** 2, bounds=(0.1, 50),
                                      method="bounded").x)
        return {"k": float(np.median(ks)) if ks else math.nan, "customers": len(ks), "method": method}
    raise KamError(f"method must be 'wheat' or 'mle', got {method!r}.")


def _lfact(n: int) -> float:
    return math.lgamma(n + 1)


def _s2(k: int, r, alpha, x, tx, T):
    """The probability weight of fewer than k Poisson events since the last purchase (BTYDplus's S2 / P2)."""
    s2 = np.ones_like(x, dtype=float)
    term = np.ones_like(x, dtype=float)
    for j in range(1, k):
        term = term * (r + k * x + j - 1) * (T - tx) / (j * (alpha + T))
        s2 = s2 + term
    return s2


def _data(x, tx, T, litt) -> dict:
    """The inputs of :func:`_rows`: the arrays, and the distinct frequencies with each row's index (the gamma and
    beta function terms depend on the frequency only, so they are computed once per distinct value)."""
    x, tx, T, litt = (np.asarray(v, float) for v in (x, tx, T, litt))
    fu, finv = np.unique(x, return_inverse=True)
    return {"x": x, "tx": tx, "T": T, "litt": litt, "freq": (fu, finv.ravel())}


def _rows(k: int, theta, data: dict, dropout_at_zero: bool, grad: bool = True):
    """Per-row log-likelihood of MBG/CNBD-k or BG/CNBD-k (Platzer & Reutterer 2016, eq. A6) and, with ``grad``, its
    derivatives in ``r, alpha, a, b`` (a 4 x rows array).

    Written in logs throughout: the dropout term ``a / (b + x - 1 + delta) ((alpha + T) / (alpha + t_x))^(r + k x)``
    overflows a float for a customer with many purchases long ago (k x in the thousands), so it enters by logaddexp.
    """
    from scipy.special import digamma, gammaln

    r, alpha, a, b = (float(v) for v in theta)
    x, tx, T, litt = data["x"], data["tx"], data["T"], data["litt"]
    fu, finv = data["freq"]
    delta = 1.0 if dropout_at_zero else 0.0
    rk = r + k * x
    lat, latx = np.log(alpha + T), np.log(alpha + tx)
    base = ((gammaln(b + fu + delta) - gammaln(a + b + fu + delta) + gammaln(a + b) - gammaln(b)
             + gammaln(r + k * fu) - gammaln(r))[finv]
            + (k - 1) * litt - x * _lfact(k - 1) + r * np.log(alpha) - rk * lat)
    drop = (x > 0) | dropout_at_zero  # a customer without a repeat purchase can drop out only at time zero (MBG)
    bx = np.where(drop, b + x - 1 + delta, 1.0)
    with np.errstate(divide="ignore"):
        ls1 = np.where(drop, np.log(a) - np.log(bx) + rk * (lat - latx), -np.inf)
    # fewer than k Poisson events since the last purchase: the sum of k terms, each with its derivatives
    u = (T - tx) / (alpha + T)
    s2, term = np.ones_like(x), np.ones_like(x)
    ds2r, ds2alpha, sr = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    for j in range(1, k):
        term = term * (rk + j - 1) * u / j
        s2 = s2 + term
        if grad:
            sr = sr + 1.0 / (rk + j - 1)
            ds2r = ds2r + term * sr
            ds2alpha = ds2alpha - term * j / (alpha + T)
    ls2 = np.log(s2)
    top = np.logaddexp(ls1, ls2)
    ll = base + top
    if not grad:
        return ll, None
    w1, w2 = np.exp(ls1 - top), np.exp(ls2 - top) / s2
    dr = (digamma(r + k * fu) - digamma(r))[finv] + np.log(alpha) - lat + w1 * (lat - latx) + w2 * ds2r
    dalpha = r / alpha - rk / (alpha + T) + w1 * rk * (1 / (alpha + T) - 1 / (alpha + tx)) + w2 * ds2alpha
    dab = (digamma(a + b) - digamma(a + b + fu + delta))[finv]
    da = dab + w1 / a
    db = dab + (digamma(b + fu + delta) - digamma(b))[finv] - w1 / bx
    return ll, np.array([dr, dalpha, da, db])


def loglik(params, x, tx, T, litt, *, dropout_at_zero: bool) -> np.ndarray:
    """Per-customer log-likelihood of MBG/CNBD-k (``dropout_at_zero=True``) or BG/CNBD-k.

    Parameters
    ----------
    params : sequence
        ``k, r, alpha, a, b`` (k a positive integer).
    x, tx, T, litt : array-like
        Repeat purchases, recency, age (in the time unit) and sum of log inter-purchase times.
    dropout_at_zero : bool
        True for MBG/CNBD-k.

    Returns
    -------
    ndarray

    References
    ----------
    Platzer, M. & Reutterer, T. (2016). *Marketing Science*, 35(5), 779-799, eq. (A6).

    Examples
    --------
    >>> float(loglik([1, 0.243, 4.414, 0.793, 2.426], [2], [30.43], [38.86], [0.0], dropout_at_zero=False)[0]) < 0
    True
    """
    k, *theta = params
    with np.errstate(invalid="ignore", over="ignore"):
        return _rows(int(k), theta, _data(x, tx, T, litt), dropout_at_zero, grad=False)[0]


def _nll(log_params, k: int, data: dict, weights: np.ndarray, dropout_at_zero: bool, penalizer: float = 0.0):
    """Negative log-likelihood per unit weight and its gradient in log-parameters (``r, alpha, a, b`` at ``k``);
    ``penalizer`` as :func:`kamlib.clv.fit` (an L2 penalty on the parameters)."""
    theta = np.exp(log_params)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        ll, d = _rows(k, theta, data, dropout_at_zero)
        W = weights.sum()
        value = -weighted(weights, ll) / W + penalizer * (theta ** 2).sum()
        grad = -weighted(weights, d) / W * theta + 2 * penalizer * theta ** 2
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        return np.inf, np.zeros_like(theta)
    return value, grad


class RegularFitter:
    """A fitted MBG/CNBD-k or BG/CNBD-k model with the prediction methods of a lifetimes fitter
    (``conditional_probability_alive``, ``conditional_expected_number_of_purchases_up_to_time``,
    ``expected_number_of_purchases_up_to_time``), so :class:`kamlib.clv.Fitted` uses it as it uses lifetimes'.

    Parameters
    ----------
    model : {"mbgcnbd", "bgcnbd"}
    params : dict
        ``k, r, alpha, a, b``.

    Examples
    --------
    >>> f = RegularFitter("bgcnbd", {"k": 1, "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> round(float(f.expected_number_of_purchases_up_to_time(39.0)), 3)
    1.197
    """

    def __init__(self, model: str, params: dict):
        self.model, self.params_ = model, pd.Series(params)
        self.dropout_at_zero = _regular(model).dropout_at_zero

    def _p(self):
        return int(self.params_["k"]), *(float(self.params_[n]) for n in ("r", "alpha", "a", "b"))

    def conditional_probability_alive(self, x, tx, T) -> np.ndarray:
        """P(alive) at T given the customer's history (Platzer & Reutterer 2016, eq. A10)."""
        k, r, alpha, a, b = self._p()
        x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
        delta = 1.0 if self.dropout_at_zero else 0.0
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            p1 = a / (b + x - 1 + delta) * ((alpha + T) / (alpha + tx)) ** (r + k * x)
            alive = 1 / (1 + p1 / _s2(k, r, alpha, x, tx, T))
        if not self.dropout_at_zero:
            alive = np.where(x == 0, 1.0, alive)
        return alive

    def expected_number_of_purchases_up_to_time(self, t) -> np.ndarray:
        """Unconditional expected repeat purchases by ``t`` since the first purchase: the exact series
        :math:`\\sum_{j \\ge 1} P(N(t) \\ge jk)\\, B(a, b + j - 1 + \\delta) / B(a, b)`, with :math:`N(t)` the negative
        binomial count of Poisson events (Erlang phases) by ``t``."""
        from scipy.special import betaln
        from scipy.stats import nbinom

        k, r, alpha, a, b = self._p()
        delta = 1.0 if self.dropout_at_zero else 0.0
        ts = np.atleast_1d(np.asarray(t, float))
        unique, inverse = np.unique(ts, return_inverse=True)  # customers share their ages: one series per value
        values = np.zeros(len(unique))
        for i, ti in enumerate(unique):
            if ti <= 0:
                continue
            p = alpha / (alpha + ti)
            most = nbinom.isf(1e-14, r, p)  # beyond this many Poisson events the tail is negligible
            j = np.arange(1, int(most // k) + 2)
            values[i] = float(np.sum(nbinom.sf(j * k - 1, r, p) * np.exp(betaln(a, b + j - 1 + delta) - betaln(a, b))))
        out = values[inverse]
        return out if np.ndim(t) else out[0]

    def _at_least(self, j: np.ndarray, t: float) -> np.ndarray:
        """P(X(t) >= j) for repeat-purchase counts ``j`` (1 for j = 0)."""
        from scipy.special import betaln
        from scipy.stats import nbinom

        k, r, alpha, a, b = self._p()
        delta = 1.0 if self.dropout_at_zero else 0.0
        j = np.asarray(j, float)
        p = alpha / (alpha + t)
        with np.errstate(invalid="ignore"):
            out = nbinom.sf(j * k - 1, r, p) * np.exp(betaln(a, b + np.maximum(j - 1, 0) + delta) - betaln(a, b))
        return np.where(j <= 0, 1.0, out)

    def probability_of_n_purchases_up_to_time(self, t, n) -> float:
        """P(X(t) = n) for a new customer: P(X >= n) - P(X >= n + 1)."""
        return float(self._at_least(np.array([n]), float(t))[0] - self._at_least(np.array([n + 1]), float(t))[0])

    def conditional_expected_number_of_purchases_up_to_time(self, t, x, tx, T) -> np.ndarray:
        """Expected purchases in (T, T + t] given the history: BTYDplus's BG/NBD-based expression with the scale
        adjusted by k, times P(alive), and for k > 1 on a whole cohort (100 customers or more) rescaled so that
        its sum equals the exact unconditional expectation's increment (BTYDplus's bias correction)."""
        from scipy.special import hyp2f1

        k, r, alpha, a, b = self._p()
        x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
        delta = 1.0 if self.dropout_at_zero else 0.0
        t = float(t)
        a_ = a + 0.01 if round(a, 2) == 1 else a

        def g(r_, alpha_, a__, b_):
            return 1 - (alpha_ / (alpha_ + t)) ** r_ * hyp2f1(r_, b_ + 1, a__ + b_, t / (alpha_ + t))

        p1 = (a_ + b + x - 1 + delta) / (a_ - 1)
        p2 = g(r + x, k * alpha + T, a_, b + x - 1 + delta)
        expected = p1 * p2 * self.conditional_probability_alive(x, tx, T)
        if k > 1 and len(x) >= 100:
            cal = self.expected_number_of_purchases_up_to_time(T)
            tot = self.expected_number_of_purchases_up_to_time(T + t)
            expected = expected * (np.sum(tot) - np.sum(cal)) / np.sum(expected)
        return expected


@dataclass(frozen=True)
class RegularFit(Result):
    """:func:`fit`'s result; unpacks as ``params, loglik``.

    Attributes
    ----------
    params : dict
        ``k, r, alpha, a, b``.
    loglik : float
        The total log-likelihood.
    """

    params: dict
    loglik: float
    unpack = ("params", "loglik")


def fit(x, tx, T, litt, weights=None, *, model: str = "mbgcnbd", k: int | None = None,
        start: dict | None = None, curvature: dict | None = None) -> RegularFit:
    """Maximum-likelihood estimates of MBG/CNBD-k or BG/CNBD-k; k by a search over 1..12 when not given (stopping
    when the likelihood falls twice in a row, as BTYDplus).

    Each k is fitted by BFGS with the analytic gradient in log-parameters, from BTYDplus's start, one more and (k > 1)
    the estimates at its neighbour (the Erlang scale alpha rescaled so that the mean inter-purchase time stays), the
    best of them: a neighbour in a flat corner of the likelihood must not hide an interior optimum (a search that
    tried the other starts only when the neighbour's fit ended on the ridge a -> 0 missed one 50 log-likelihood units
    better on a simulated k = 4 log, where a and b ran to 0 together). With ``start`` (a
    bootstrap refit) every k starts from its neighbour only. Many distinct rows are searched on a subsample first.

    Parameters
    ----------
    x, tx, T, litt : array-like
        Repeat purchases, recency, age and sum of log inter-purchase times.
    weights : array-like, optional
        Customers per row (for unique rows).
    model : {"mbgcnbd", "bgcnbd"}
    k : int, optional
        Fix the regularity.
    start : dict, optional
        The estimates ``k, r, alpha, a, b`` of a neighbouring fit (the full sample's, for a bootstrap refit): the
        search over k starts at its k, each k from its estimates.
    curvature : dict, optional
        With ``start``: ``{k: (log-likelihood, estimates, inverse Hessian of the objective)}`` of the full sample
        at some k (``kamlib.clv.fitting._curvature``): each such k starts from those estimates and that curvature,
        so a bootstrap refit takes a few Newton-like steps per k.

    Returns
    -------
    RegularFit
        ``params`` (a dict ``k, r, alpha, a, b``) and ``loglik`` (the total log-likelihood); unpacks as
        ``params, loglik``.

    References
    ----------
    Platzer, M. & Reutterer, T. (2016). *Marketing Science*, 35(5), 779-799.

    Examples
    --------
    >>> p, ll = fit([0, 2, 5], [0, 10.0, 30.0], [40.0, 38.0, 35.0], [0, 2.3, 8.0], model="bgcnbd", k=1)
    >>> sorted(p)
    ['a', 'alpha', 'b', 'k', 'r']
    """
    _regular(model)
    w = None if weights is None else np.asarray(weights, float)
    return RegularFit(*_search(_data(x, tx, T, litt), w, model, k=k, start=start, curvature=curvature))


#: BTYDplus's start of r, alpha, a, b, and one more (k = 1, or any k without a neighbouring fit)
STARTS = ([1.0, 3.0, 1.0, 3.0], [0.5, 1.0, 0.5, 1.0])


def _fit_k(k: int, data: dict, w: np.ndarray, model: str, starts, hess_inv=None) -> tuple[dict, float, object]:
    """The best of BFGS runs (:func:`kamlib.clv._optimize.minimize`) from ``starts`` at a fixed ``k``: ``(params, total
    log-likelihood, inverse Hessian)``."""

    best = None
    for start in starts:
        options = {"gtol": 1e-10, "maxiter": 5000}
        h = positive_definite(hess_inv)
        if h is not None:
            options["hess_inv0"] = h
        with np.errstate(all="ignore"):
            res = minimize(_nll, np.log(start), (k, data, w, _regular(model).dropout_at_zero), options)
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        return {}, -np.inf, None
    return (dict(zip(["r", "alpha", "a", "b"], map(float, np.exp(best.x)))), float(-best.fun * w.sum()),
            getattr(best, "hess_inv", None))


def _neighbour(params: dict, k: int) -> list:
    """A start at ``k`` from the estimates at another k: the same r, a, b, and alpha scaled by k0 / k, which keeps
    the mean inter-purchase time k / lambda (lambda ~ gamma(r, alpha))."""
    return [[params["r"], params["alpha"] * params["k"] / k, params["a"], params["b"]]]


def _profile(data: dict, w: np.ndarray, model: str, k0: int, first: list, known: dict | None = None,
             defaults=()) -> dict:
    """The fits over k: ``k0`` from the starts ``first``, then up and down from it, each k from its neighbour's
    estimates and the ``defaults`` (or from ``known[k]``, the same k's fit on a subsample, with its curvature) until
    the likelihood falls twice in a row or k reaches 1 or :data:`MAX_K`. Returns ``{k: (loglik, params, inverse
    Hessian)}``."""
    known = known or {}

    def one(k, starts):
        if k in known:
            ll, params, hess = known[k]
            starts, hess = [[params[n] for n in ("r", "alpha", "a", "b")]], hess
        else:
            hess = None
        params, ll, hess = _fit_k(k, data, w, model, starts, hess)
        return ll, {"k": k, **params}, hess

    results = {k0: one(k0, first)}
    for step in (1, -1):
        kk, prev, falls = k0 + step, results[k0], 0
        while 1 <= kk <= MAX_K and falls < 2 and np.isfinite(prev[0]):
            # the neighbour's estimates can lead to a flat corner of the likelihood (a -> 0, or a and b -> 0 or
            # infinity together) where this k has an interior optimum (the UCI retail log at k = 2: 43
            # log-likelihood units better; a simulated k = 4 log: 50): the defaults as well, the best of them
            now = one(kk, _neighbour(prev[1], kk) + list(defaults))
            if not np.isfinite(now[0]):
                break
            falls = falls + 1 if now[0] < prev[0] else 0
            prev = results[kk] = now
            kk += step
    return results


def _search(data: dict, weights, model: str, *, k: int | None = None, start: dict | None = None,
            curvature: dict | None = None):
    """The estimates at ``k``, or over k (:func:`_profile`) from ``start`` (a neighbouring fit's ``k, r, alpha,
    a, b``, e.g. the full sample's for a bootstrap refit, each k from its neighbour's estimates) or from k = 1, each
    k from its neighbour's estimates and :data:`STARTS` (the best of the three). Without a start, more distinct rows
    than the model's ``warm_start_rows`` are searched on a subsample first, and the full data from the subsample's
    best k, each k from its subsample optimum: a few gradient steps per k."""
    w = np.ones(len(data["x"])) if weights is None else np.asarray(weights, float)
    if k is not None:
        params, ll, _ = _fit_k(int(k), data, w, model, _neighbour(start, int(k)) if start else STARTS)
        return {"k": int(k), **params}, ll
    if start is not None:
        results = _profile(data, w, model, int(start["k"]), _neighbour(start, int(start["k"])), curvature)
    else:
        n = len(w)
        known = None
        limit = _regular(model).warm_start_rows
        if n > limit:
            step = -(-n // (limit // 2))
            sub = {c: v[::step] for c, v in data.items() if c != "freq"}
            sub = _data(sub["x"], sub["tx"], sub["T"], sub["litt"])
            known = _profile(sub, w[::step], model, 1, STARTS, defaults=STARTS)
        k0 = max(known, key=lambda kk: known[kk][0]) if known else 1
        results = _profile(data, w, model, k0, STARTS, known, defaults=STARTS)
    ll, params, _ = max(results.values(), key=lambda t: t[0])
    return params, float(ll)


def simulate(n: int, *, k: int, r: float, alpha: float, a: float, b: float, T: float, model: str = "mbgcnbd",
             seed: int = 0) -> pd.DataFrame:
    """Customers drawn from MBG/CNBD-k or BG/CNBD-k, all observed for ``T`` time units from their first purchase:
    the summary columns ``frequency``, ``recency``, ``T``, ``litt`` (for parameter-recovery tests, as BTYDplus's
    ``mbgcnbd.GenerateData``).

    Parameters
    ----------
    n : int
        Customers.
    k, r, alpha, a, b : float
        Model parameters (Erlang shape, gamma heterogeneity of the rate, beta heterogeneity of the dropout).
    T : float
        Observation length.
    model : {"mbgcnbd", "bgcnbd"}
    seed : int

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> simulate(3, k=2, r=1, alpha=2, a=1, b=3, T=20, seed=1).columns.tolist()
    ['frequency', 'recency', 'T', 'litt']
    """
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, size=n)
    p = rng.beta(a, b, size=n)
    drop = _regular(model).dropout_at_zero
    rows = []
    for i in range(n):
        t, x, litt = 0.0, 0, 0.0
        alive = not (drop and rng.random() < p[i])
        while alive:
            gap = rng.gamma(k, 1 / lam[i])
            if t + gap > T:
                break
            t += gap
            x += 1
            litt += math.log(gap)
            alive = rng.random() >= p[i]
        rows.append((x, t, T, litt))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T", "litt"])


def _regular(model: str) -> type[Model]:
    """The regular-buyer model registered as ``model``, or a one-sentence error naming them."""
    spec = get(model)
    if not spec.regular():
        known = ", ".join(m for m, c in Model.registry.items() if c.regular())
        raise KamError(f"unknown regular-buyer model {model!r}; choose {known}.")
    return spec


class BGCNBDk(Model):
    """The BG/CNBD-k (Platzer & Reutterer 2016): Erlang-k inter-purchase times, dropout after a repeat purchase."""

    name, label, params, order = "bgcnbd", "BG/CNBD-k", ("k", "r", "alpha", "a", "b"), 4
    columns, dropout, ridge = ("frequency", "recency", "T", "litt"), ("a", "b"), "a"
    # its rows hardly compress (each customer's log inter-purchase times differ) and the search over k fits several
    # k from several starts: a subsample of about 4,000 rows finds the k and the starts, and each k visited on the
    # full data takes a few steps from its subsample optimum (the fit times on a 1M-line shop's summary: docs/scale.md)
    warm_start_rows = 8_000

    @classmethod
    def args(cls, suff):
        return (_data(*(suff[c] for c in cls.columns)),)

    @classmethod
    def objective(cls, k=None):
        def nll(log_params, data, weights, penalizer):
            return _nll(log_params, int(k), data, weights, cls.dropout_at_zero, penalizer)

        return nll


class MBGCNBDk(BGCNBDk):
    """The MBG/CNBD-k (Platzer & Reutterer 2016): as the BG/CNBD-k, and dropout possible right after the first
    purchase."""

    name, label, order, dropout_at_zero, one_timers_drop_out = "mbgcnbd", "MBG/CNBD-k", 3, True, True
