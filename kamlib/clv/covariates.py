"""The Pareto/NBD and the BG/NBD with time-invariant covariates on the purchase and the dropout process.

A customer's purchase rate and dropout are gamma- (and beta-) distributed across customers; covariates shift the
mixing distributions (Fader & Hardie 2007, as R's CLVTools implements them):

- Pareto/NBD: :math:`\\alpha_i = \\alpha_0 e^{-\\gamma_{trans}' z_i}`, :math:`\\beta_i = \\beta_0 e^{-\\gamma_{life}' z_i}`;
- BG/NBD: :math:`\\alpha_i = \\alpha_0 e^{-\\gamma_{trans}' z_i}`, :math:`a_i = a_0 e^{\\gamma_{life}' z_i}`,
  :math:`b_i = b_0 e^{\\gamma_{life}' z_i}`.

So a positive ``trans.X`` raises the expected purchase rate :math:`r / \\alpha_i`, and in the Pareto/NBD a positive
``life.X`` shortens the expected lifetime. Coefficients are named as CLVTools names them (``trans.country=Germany``,
``life.country=Germany``). Without covariates both likelihoods are the plain models' (Fader & Hardie 2005, eq. 18;
Fader, Hardie & Lee 2005, eq. 6), and the fit is a :class:`kamlib.clv.Fitted` whose ``p_alive``,
``expected_purchases`` and CLV use each customer's own parameters.

Written by hand: no Python library fits covariates in the BTYD models (CLVTools is R only, and lifetimes and PyMC
Marketing's CLV module fit the plain models).

References
----------
Fader, P. S. & Hardie, B. G. S. (2007). Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD
models. http://brucehardie.com/notes/019/
Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and related expressions.
http://brucehardie.com/notes/009/
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an alternative to the
Pareto/NBD model. *Marketing Science*, 24(2), 275-284.
Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they and what will they do
next? *Management Science*, 33(1), 1-24.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import KamError, require_columns
from ..i18n import Message
from ._optimize import minimize
from ._paretonbd import expected as pnbd_expected, loglik_alive, loglik_rows, prepare
from .base import BOUNDS, Model, get
from .fitted import Fitted

__all__ = ["COHORT", "CustomerCovariates", "Design", "LikelihoodRatio", "customer_covariates", "design", "fit", "likelihood_ratio",
           "loglik_bgnbd", "loglik_paretonbd",
           "simulate_bgnbd", "simulate_paretonbd"]

#: A covariate every log has: the customer's acquisition cohort (month of the first purchase, ``YYYY-MM``).
COHORT = "cohort"


def _pnbd_parts(r, alpha, s, beta, x, tx, T):
    """The Pareto/NBD log-likelihood and its 'alive through T' term (for P(alive)), in logs throughout
    (:func:`kamlib.clv._paretonbd.loglik_alive`: finite where the closed form's hyp2f1 gives NaN)."""
    return loglik_alive(r, alpha, s, beta, x, tx, T)


def loglik_paretonbd(r, alpha, s, beta, x, tx, T) -> np.ndarray:
    """Per-customer Pareto/NBD log-likelihood with per-customer gamma scales ``alpha`` and ``beta`` (arrays or
    scalars).

    Parameters
    ----------
    r, s : float
        Gamma shapes of the purchase and dropout rates.
    alpha, beta : float or ndarray
        Gamma scales (rates), one per customer with covariates.
    x, tx, T : array-like
        Repeat purchases, recency and age.

    Returns
    -------
    ndarray

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2005). http://brucehardie.com/notes/009/, eq. (18)-(20).

    Examples
    --------
    >>> float(loglik_paretonbd(0.553, 10.578, 0.606, 11.669, [0], [0.0], [38.86])[0]) < 0
    True
    """
    return _pnbd_parts(r, alpha, s, beta, x, tx, T)[0]


def loglik_bgnbd(r, alpha, a, b, x, tx, T) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood with per-customer ``alpha``, ``a`` and ``b`` (arrays or scalars).

    Parameters
    ----------
    r : float
        Gamma shape of the purchase rate.
    alpha, a, b : float or ndarray
        Gamma scale of the purchase rate and the beta parameters of the dropout probability, per customer.
    x, tx, T : array-like
        Repeat purchases, recency and age.

    Returns
    -------
    ndarray

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). *Marketing Science*, 24(2), 275-284, eq. (6).

    Examples
    --------
    >>> round(float(loglik_bgnbd(0.243, 4.414, 0.793, 2.426, [0], [0.0], [38.86])[0]), 4)  # r log(alpha / (alpha + T))
    -0.5547
    """
    from scipy.special import betaln, gammaln

    x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
    alpha, a, b = (np.broadcast_to(np.asarray(v, float), x.shape) for v in (alpha, a, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        part1 = r * np.log(alpha) + gammaln(r + x) - gammaln(r) - (r + x) * np.log(alpha + tx)
        stay = betaln(a, b + x) - betaln(a, b) + (r + x) * (np.log(alpha + tx) - np.log(alpha + T))
        left = np.where(x > 0, betaln(a + 1, b + x - 1) - betaln(a, b), -np.inf)
        return part1 + np.logaddexp(stay, left)


def _bgnbd_rows(r: float, alpha, a, b, x, tx, T):
    """Per-row BG/NBD log-likelihood (as :func:`loglik_bgnbd`) and its derivatives in ``r`` and each row's
    ``alpha``, ``a``, ``b`` (4 x rows), for the covariate fit's analytic gradient."""
    from scipy.special import digamma, gammaln

    x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
    alpha, a, b = (np.broadcast_to(np.asarray(v, float), x.shape) for v in (alpha, a, b))
    lat, latx = np.log(alpha + T), np.log(alpha + tx)
    with np.errstate(divide="ignore", invalid="ignore"):
        stay = -(r + x) * lat
        left = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * latx, -np.inf)
        top = np.logaddexp(stay, left)
        ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b)
              - gammaln(a + b + x) + top)
        w_stay, w_left = np.exp(stay - top), np.exp(left - top)
        dab = digamma(a + b) - digamma(a + b + x)
        dr = digamma(r + x) - digamma(r) + np.log(alpha) - w_stay * lat - w_left * latx
        dalpha = r / alpha - (r + x) * (w_stay / (alpha + T) + w_left / (alpha + tx))
        da = dab + np.where(x > 0, w_left / a, 0.0)
        db = dab + digamma(b + x) - digamma(b) - np.where(x > 0, w_left / (b + x - 1), 0.0)
    return ll, np.array([dr, dalpha, da, db])


def _individual(model: str, params: dict, zl: np.ndarray, zt: np.ndarray, gl: np.ndarray, gt: np.ndarray) -> dict:
    """Each customer's model parameters from the base parameters and the covariate effects."""
    alpha = params["alpha"] * np.exp(-(zt @ gt))
    if model == "paretonbd":
        return {"r": params["r"], "alpha": alpha, "s": params["s"], "beta": params["beta"] * np.exp(-(zl @ gl))}
    shift = np.exp(zl @ gl)
    return {"r": params["r"], "alpha": alpha, "a": params["a"] * shift, "b": params["b"] * shift}


class _Bound:
    """Predictions for the customers of one summary, each with their own parameters."""

    def __init__(self, model: str, p: dict):
        self.model, self.p = model, p

    def conditional_probability_alive(self, x, tx, T):
        x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
        p = self.p
        if self.model == "paretonbd":
            ll, alive = _pnbd_parts(p["r"], p["alpha"], p["s"], p["beta"], x, tx, T)
            return np.minimum(np.exp(alive - ll), 1.0)
        ratio = np.exp((p["r"] + x) * (np.log(p["alpha"] + T) - np.log(p["alpha"] + tx)))
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.where(x > 0, p["a"] / (p["b"] + x - 1) * ratio, 0.0)
        return 1.0 / (1.0 + odds)

    def conditional_expected_number_of_purchases_up_to_time(self, t, x, tx, T):
        from scipy.special import hyp2f1

        x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
        p = self.p
        if self.model == "paretonbd":
            return pnbd_expected(t, p["r"], p["alpha"], p["s"], p["beta"], x, T,
                                  self.conditional_probability_alive(x, tx, T))
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        term = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
        return (a + b + x - 1) / (a - 1) * term / (1 + odds)


class _CovariateFitter:
    """The fitter behind a :class:`kamlib.clv.Fitted` with covariates: the base parameters, the effects and the
    covariates; :meth:`bind` gives the predictions for the customers of a summary, each coded as in the fit (the
    same levels and reference, whichever customers the summary holds)."""

    def __init__(self, model: str, params: dict, covariates: pd.DataFrame):
        self.model, self.params_, self.covariates = model, params, covariates

    def _matrix(self, process: str, index) -> tuple[np.ndarray, np.ndarray]:
        names = [k[len(process) + 1:] for k in self.params_ if k.startswith(f"{process}.")]
        columns = list(dict.fromkeys(n.partition("=")[0] for n in names))
        frame = _complete(self.covariates, columns, index)
        return _code(frame, names), np.array([self.params_[f"{process}.{n}"] for n in names])

    def bind(self, summary: pd.DataFrame) -> _Bound:
        zl, gl = self._matrix("life", summary.index)
        zt, gt = self._matrix("trans", summary.index)
        return _Bound(self.model, _individual(self.model, self.params_, zl, zt, gl, gt))


@dataclass(frozen=True)
class Design(Result):
    """:func:`design`'s result; unpacks as ``matrix, names``.

    Attributes
    ----------
    matrix : ndarray
        One row per customer, one column per coded covariate.
    names : list of str
        The columns' names (``column=level`` for a level of a text column).
    """

    matrix: np.ndarray
    names: list
    unpack = ("matrix", "names")


@dataclass(frozen=True)
class CustomerCovariates(Result):
    """:func:`customer_covariates`' result; unpacks as ``frame, notes``.

    Attributes
    ----------
    frame : DataFrame
        One row per customer, one column per covariate that varies.
    notes : list of Message
        One sentence per column left out (not in the log, or one level after pooling) or pooled.
    """

    frame: pd.DataFrame
    notes: list
    unpack = ("frame", "notes")

    def summary_frame(self) -> pd.DataFrame:
        """The covariates."""
        return self.frame


@dataclass(frozen=True)
class LikelihoodRatio(Result):
    """:func:`likelihood_ratio`'s result (NaN statistic and p-value when no test applies).

    Attributes
    ----------
    chi2 : float
        Twice the log-likelihood gain of the model with covariates (chi-square distributed under the plain model).
    df : int
        Its extra parameters.
    pvalue : float
        The chi-square tail probability.
    """

    chi2: float
    df: int
    pvalue: float


def design(covariates: pd.DataFrame, columns, index) -> Design:
    """The numeric covariate matrix for ``columns``, rows in ``index`` order; a text column becomes 0/1 columns,
    one per level but the most common (the reference), named ``column=level``; a text column with one level none.

    Parameters
    ----------
    covariates : DataFrame
        One row per customer, indexed by customer.
    columns : list of str
    index : Index
        The customers of the summary.

    Returns
    -------
    Design
        ``matrix`` and ``names``; unpacks as ``matrix, names``.

    Examples
    --------
    >>> z, names = design(pd.DataFrame({"c": ["UK", "DE", "UK"]}, index=[1, 2, 3]), ["c"], pd.Index([1, 2, 3]))
    >>> names, z[:, 0].tolist()
    (['c=DE'], [0.0, 1.0, 0.0])
    """
    if not columns:
        return Design(np.zeros((len(index), 0)), [])
    frame = _complete(covariates, list(columns), index)
    names = []
    for c in columns:
        v = frame[c]
        if pd.api.types.is_numeric_dtype(v):
            if v.nunique() < 2:
                raise KamError(f"the covariate {c!r} has the same value ({v.iloc[0]}) for every customer, so its effect "
                               "cannot be told apart from the base rate; leave it out.")
            names.append(str(c))
        else:
            size = v.astype(str).value_counts()
            levels = sorted(size.index, key=lambda level: (-size[level], level))  # reference: the most common level
            names += [f"{c}={level}" for level in levels[1:]]
    return Design(_code(frame, names), names)


def _complete(covariates: pd.DataFrame, columns: list, index) -> pd.DataFrame:
    """The covariate ``columns`` of the customers in ``index``; a customer without a value is an error."""
    require_columns(covariates, columns, where="the covariates", fix="map the covariate columns in the study file")
    frame = covariates.reindex(index)[columns]
    missing = frame.isna().any(axis=1)
    if missing.any():
        raise KamError(f"the covariates lack values for {int(missing.sum())} of {len(index)} customers (for example "
                       f"{list(frame.index[missing][:3])}); give every customer a value or drop them from the summary.")
    return frame


def _code(frame: pd.DataFrame, names: list) -> np.ndarray:
    """The design matrix of the effect ``names``: ``column=level`` is a 0/1 indicator, a bare column its values."""
    parts = [np.zeros((len(frame), 0))]
    for name in names:
        column, _, level = name.partition("=")
        values = frame[column]
        parts.append(((values.astype(str) == level) if level else values).to_numpy(float)[:, None])
    return np.hstack(parts)


def customer_covariates(transactions: pd.DataFrame, columns, *, end=None, min_customers: int = 30
                        ) -> tuple[pd.DataFrame, list[Message]]:
    """Each customer's time-invariant covariates from the log: the most frequent value of each column over the
    customer's lines up to ``end`` (ties: the first in sort order), or for :data:`COHORT` the month of the first
    purchase; the levels held by fewer than ``min_customers`` customers are pooled into ``other``.

    Parameters
    ----------
    transactions : DataFrame
        The log (``customer_id``, ``date`` and the ``columns``).
    columns : list of str
        Columns of the log (study roles such as ``country`` or ``channel``), or :data:`COHORT`.
    end : date-like, optional
        Use the lines up to this day (the calibration end), so the holdout does not leak into the covariates.
    min_customers : int
        A level with fewer customers is pooled: its effect could not be estimated.

    Returns
    -------
    CustomerCovariates
        ``frame`` (one row per customer, one column per covariate that varies) and ``notes`` (one sentence per
        column left out, not in the log or one level after pooling, or pooled); unpacks as ``frame, notes``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "date": pd.to_datetime(["2011-01-01"] * 4),
    ...                    "country": ["UK", "UK", "DE", "UK"]})
    >>> frame, notes = customer_covariates(tx, ["country"], min_customers=1)
    >>> frame["country"].tolist()
    ['UK', 'DE', 'UK']
    """
    require_columns(transactions, ["customer_id", "date"], where="the transaction log", fix="load it with "
                    "kamlib.transactions.load")
    lines = transactions
    if end is not None:
        lines = lines[(pd.to_datetime(lines["date"]).dt.normalize() <= pd.Timestamp(end)).to_numpy()]
    out, notes = pd.DataFrame(index=pd.Index(sorted(lines["customer_id"].unique()), name="customer_id")), []
    for c in columns:
        if c == COHORT and c not in lines:
            first = pd.to_datetime(lines["date"]).groupby(lines["customer_id"].to_numpy()).min()
            lines = lines.assign(**{COHORT: first.dt.strftime("%Y-%m").reindex(lines["customer_id"]).to_numpy()})
        if c not in lines:
            notes.append(Message("The covariate {column} is not a column of the log (map it under transactions.columns "
                                 "in the study file); it is left out.", column=c))
            continue
        counts = lines.groupby(["customer_id", c]).size().rename("n").reset_index()
        counts = counts.sort_values(["customer_id", "n", c], ascending=[True, False, True], kind="stable")
        value = counts.drop_duplicates("customer_id").set_index("customer_id")[c].reindex(out.index)
        if pd.api.types.is_numeric_dtype(value):
            if value.nunique() < 2:
                notes.append(Message("The covariate {column} has one value for every customer; it is left out.",
                                     column=c))
                continue
            out[c] = value.astype(float)
            continue
        value = value.astype(str)
        size = value.value_counts()
        rare = size[size < min_customers].index
        if len(rare):
            value = value.where(~value.isin(rare), "other")
            notes.append(Message("{column}: {n} levels with fewer than {m} customers each are pooled as 'other' "
                                 "({customers} customers).", column=c, n=len(rare), m=min_customers,
                                 customers=int(size[rare].sum())))
        if value.nunique() < 2:
            notes.append(Message("The covariate {column} has one level ({level}) with at least {m} customers; it is "
                                 "left out.", column=c, level=value.iloc[0] if len(value) else "-", m=min_customers))
            continue
        out[c] = value
    return CustomerCovariates(out, notes)


def fit(summary: pd.DataFrame, covariates: pd.DataFrame | None = None, *, plain: Fitted, life=(), trans=(),
        with_se: bool = True) -> Fitted:
    """Maximum-likelihood Pareto/NBD or BG/NBD with time-invariant covariates (as CLVTools ``pnbd`` and ``bgnbd``
    with ``names.cov.life`` and ``names.cov.trans``).

    The optimiser starts from the plain model's estimates (``plain``, coefficients 0), so the fit never has a lower
    likelihood than the plain model; unique rows of the summary and covariates are fitted once, with weights, by BFGS with the
    analytic gradient of the log-likelihood in the log base parameters and the coefficients (the Pareto/NBD's
    hypergeometric term once per frequency, time and covariate pattern, :func:`kamlib.clv._paretonbd.loglik_rows`); standard
    errors from the Hessian by central differences of that gradient.

    Parameters
    ----------
    summary : DataFrame
        RFM summary (``frequency``, ``recency``, ``T``), indexed by customer.
    covariates : DataFrame, optional
        One row per customer (same index); text columns become 0/1 columns.
    plain : kamlib.clv.Fitted
        The same summary's fit of the Pareto/NBD or the BG/NBD without covariates (:func:`kamlib.clv.fit`): the
        model, its time unit and the start.
    life, trans : list of str
        Covariates of the dropout and of the purchase process.
    with_se : bool
        Standard errors from a numerical Hessian (NaN, never 0, where it cannot give one or the fit is degenerate).

    Returns
    -------
    kamlib.clv.Fitted
        With the coefficients ``life.X`` and ``trans.X`` among its ``params`` and ``covariates`` naming the columns.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). http://brucehardie.com/notes/019/

    Examples
    --------
    >>> from kamlib import clv, datasets, rfm
    >>> s = rfm.summary(datasets.cdnow(sample=True), end="1997-09-30")
    >>> m = fit(s, plain=clv.fit(s, "paretonbd", with_se=False), with_se=False)
    >>> [round(m.params[k], 2) for k in ("r", "alpha", "s", "beta")]
    [0.55, 10.58, 0.61, 11.67]
    """
    model, unit, spec = plain.model, plain.unit, get(plain.model)
    if plain.n_customers != len(summary) or plain.covariates:
        raise KamError(f"covariates.fit needs the {spec.label} fitted without covariates on this summary ({len(summary):,} "
                       f"customers); the one given was fitted on {plain.n_customers:,}{' with covariates' if plain.covariates else ''}; "
                       "fit it with kamlib.clv.fit(summary, model).")
    if not spec.takes_covariates:
        takers = " and the ".join(m.label for m in Model.registry.values() if m.takes_covariates)
        raise KamError(f"covariates are fitted for the {takers}, not the {spec.label}.")
    require_columns(summary, ["frequency", "recency", "T"], where="the purchase-model input",
                    fix="build it with kamlib.rfm.summary")
    life, trans = list(life), list(trans)
    if (life or trans) and covariates is None:
        raise KamError("covariates.fit got covariate names but no covariates frame; pass covariates=... indexed by "
                       "customer.")
    zl, life_names = design(covariates, life, summary.index)
    zt, trans_names = design(covariates, trans, summary.index)
    n_l, n_t = zl.shape[1], zt.shape[1]
    base = list(spec.params)
    rows = np.column_stack([summary[c].to_numpy(float) for c in ("frequency", "recency", "T")] + [zl, zt])
    rows, w = np.unique(rows, axis=0, return_counts=True)
    w = w.astype(float)
    x, tx, T = rows[:, 0], rows[:, 1], rows[:, 2]
    zl_u, zt_u = rows[:, 3:3 + n_l], rows[:, 3 + n_l:]
    # the covariate patterns: each has its own alpha and beta (Pareto/NBD), so the likelihood's hypergeometric term
    # is evaluated once per (frequency, time, pattern)
    if n_l + n_t:
        _, group = np.unique(rows[:, 3:], axis=0, return_inverse=True)
        group = group.ravel().astype(np.int64)
    else:
        group = np.zeros(len(rows), np.int64)
    data = prepare(x, tx, T, group) if model == "paretonbd" else None
    first = np.unique(group, return_index=True)[1]  # a row of each pattern
    zl_g, zt_g = zl_u[first], zt_u[first]

    def rows_ll(theta, grad=True):
        """Per-row log-likelihood and the gradient of the total in ``theta`` (log base parameters, then the life
        and trans coefficients)."""
        p = _individual(model, dict(zip(base, np.exp(theta[:4]))), zl_g, zt_g, theta[4:4 + n_l], theta[4 + n_l:])
        if model == "paretonbd":
            alpha, beta = np.atleast_1d(p["alpha"]).astype(float), np.atleast_1d(p["beta"]).astype(float)
            alpha, beta = np.broadcast_to(alpha, len(first)), np.broadcast_to(beta, len(first))
            ll, d = loglik_rows(p["r"], p["s"], np.ascontiguousarray(alpha), np.ascontiguousarray(beta), data, grad)
            if not grad:
                return ll, None
            da, db = d[1] * alpha[group], d[3] * beta[group]  # in log alpha_i and log beta_i
            g = [w @ (d[0] * p["r"]), w @ da, w @ (d[2] * p["s"]), w @ db, -(w * db) @ zl_u, -(w * da) @ zt_u]
        else:
            alpha, a, b = (np.broadcast_to(np.asarray(p[k], float), len(first))[group] for k in ("alpha", "a", "b"))
            ll, d = _bgnbd_rows(p["r"], alpha, a, b, x, tx, T)
            if not grad:
                return ll, None
            da, dab = d[1] * alpha, d[2] * a + d[3] * b  # in log alpha_i, and in the shift of log a_i and log b_i
            g = [w @ (d[0] * p["r"]), w @ da, w @ (d[2] * a), w @ (d[3] * b), (w * dab) @ zl_u, -(w * da) @ zt_u]
        return ll, np.concatenate([np.atleast_1d(v) for v in g])

    def total(theta):
        with np.errstate(all="ignore"):
            return float(w @ rows_ll(np.asarray(theta, float), grad=False)[0])

    def nll(theta):
        with np.errstate(all="ignore"):
            ll, g = rows_ll(theta)
            value = -(w @ ll) / w.sum()
        if not (np.isfinite(value) and np.all(np.isfinite(g))):
            return np.inf, np.zeros_like(theta)
        return value, -g / w.sum()

    # the plain model's estimates (coefficients 0) are the start, so the fit never has a lower likelihood than it
    start = np.concatenate([np.log([plain.params[k] for k in base]), np.zeros(n_l + n_t)])
    theta = start
    if n_l + n_t:
        res = minimize(nll, start, (), {"gtol": 1e-10, "maxiter": 5000})
        theta = res.x if np.isfinite(res.fun) and res.fun <= nll(start)[0] else start
    names = list(base) + [f"life.{n}" for n in life_names] + [f"trans.{n}" for n in trans_names]
    values = np.concatenate([np.exp(theta[:4]), theta[4:]])
    params = dict(zip(names, map(float, values)))
    ll = total(theta)
    at_bound = tuple(k for k in base if not BOUNDS[0] <= params[k] <= BOUNDS[1])
    ridge = spec.dropout[0]
    if ridge not in at_bound:
        # the flat ridge towards no dropout: moving the dropout shape to its limit loses no likelihood
        limit = theta.copy()
        limit[base.index(ridge)] = np.log(1e-12)
        if total(limit) >= ll - 1e-6:
            at_bound += (ridge,)
    se = np.full(len(theta), np.nan)
    if with_se and not at_bound:
        # the Hessian of the total log-likelihood by central differences of its analytic gradient
        hess = np.empty((len(theta), len(theta)))
        for j in range(len(theta)):
            e = np.zeros(len(theta))
            e[j] = 1e-5
            with np.errstate(all="ignore"):
                hess[:, j] = (rows_ll(theta + e)[1] - rows_ll(theta - e)[1]) / 2e-5
        try:
            cov = np.linalg.inv(-(hess + hess.T) / 2)
            with np.errstate(invalid="ignore"):
                d = np.sqrt(np.diag(cov))
            se = np.concatenate([np.exp(theta[:4]) * d[:4], d[4:]])  # delta method for the log-scale parameters
        except np.linalg.LinAlgError:
            pass
        se = np.where(np.isfinite(se) & (se > 0), se, np.nan)
    fitter = _CovariateFitter(model, params, covariates)
    effects = life_names + trans_names
    used = tuple(c for c in dict.fromkeys(life + trans) if any(n == c or n.startswith(f"{c}=") for n in effects))
    return Fitted(model, fitter, params, ll, int(w.sum()), len(w), dict(zip(names, map(float, se))), unit,
                      at_bound, used)


def likelihood_ratio(plain, with_covariates) -> LikelihoodRatio:
    """The likelihood-ratio test of the covariates: twice the gain in log-likelihood against a chi-square with as
    many degrees of freedom as coefficients; not computed (NaN) when either fit is degenerate, where the test's
    chi-square reference does not hold.

    Parameters
    ----------
    plain, with_covariates : kamlib.clv.Fitted
        The model without and with covariates, on the same customers.

    Returns
    -------
    LikelihoodRatio
        ``chi2``, ``df``, ``pvalue``.

    References
    ----------
    Wilks, S. S. (1938). The large-sample distribution of the likelihood ratio for testing composite hypotheses.
    *Annals of Mathematical Statistics*, 9(1), 60-62.

    Examples
    --------
    >>> from kamlib import clv, datasets, rfm
    >>> s = rfm.summary(datasets.cdnow(sample=True), end="1997-09-30")
    >>> s = s.assign(old=(s["T"] > 35).map({True: "yes", False: "no"}))
    >>> plain = clv.fit(s, "bgnbd", with_se=False)
    >>> likelihood_ratio(plain, fit(s, s[["old"]], plain=plain, trans=["old"], with_se=False)).df
    1
    """
    df = len(with_covariates.params) - len(plain.params)
    if plain.degenerate or with_covariates.degenerate or df <= 0:
        return LikelihoodRatio(float("nan"), df, float("nan"))
    from scipy.stats import chi2

    stat = max(0.0, 2 * (with_covariates.loglik - plain.loglik))
    return LikelihoodRatio(stat, df, float(chi2.sf(stat, df)))


def simulate_paretonbd(n: int, *, r: float, alpha: float, s: float, beta: float, T: float, z: np.ndarray | None = None,
                       gamma_life: float = 0.0, gamma_trans: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Customers drawn from the Pareto/NBD with one covariate ``z`` (for parameter-recovery tests).

    Parameters
    ----------
    n : int
    r, alpha, s, beta : float
    T : float
        Observation length of every customer.
    z : ndarray, optional
        The covariate (0 by default).
    gamma_life, gamma_trans : float
        Its coefficients on the dropout and the purchase process.
    seed : int

    Returns
    -------
    DataFrame
        ``frequency``, ``recency``, ``T``, ``z``.

    Examples
    --------
    >>> simulate_paretonbd(2, r=1, alpha=2, s=1, beta=2, T=10).columns.tolist()
    ['frequency', 'recency', 'T', 'z']
    """
    rng = np.random.default_rng(seed)
    z = np.zeros(n) if z is None else np.asarray(z, float)
    lam = rng.gamma(r, 1 / (alpha * np.exp(-gamma_trans * z)))
    mu = rng.gamma(s, 1 / (beta * np.exp(-gamma_life * z)))
    alive_until = np.minimum(rng.exponential(1 / mu), T)
    x = rng.poisson(lam * alive_until)
    tx = np.where(x > 0, alive_until * rng.random(n) ** (1 / np.maximum(x, 1)), 0.0)
    return pd.DataFrame({"frequency": x, "recency": tx, "T": T, "z": z})


def simulate_bgnbd(n: int, *, r: float, alpha: float, a: float, b: float, T: float, z: np.ndarray | None = None,
                   gamma_life: float = 0.0, gamma_trans: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Customers drawn from the BG/NBD with one covariate ``z``: exponential inter-purchase times, and after each
    purchase the customer drops out with probability p (Fader, Hardie & Lee 2005).

    Parameters
    ----------
    n : int
    r, alpha, a, b : float
    T : float
        Observation length of every customer.
    z : ndarray, optional
        The covariate (0 by default).
    gamma_life, gamma_trans : float
        Its coefficients (``a`` and ``b`` times ``exp(gamma_life z)``, ``alpha`` times ``exp(-gamma_trans z)``).
    seed : int

    Returns
    -------
    DataFrame
        ``frequency``, ``recency``, ``T``, ``z``.

    Examples
    --------
    >>> simulate_bgnbd(3, r=1, alpha=2, a=1, b=2, T=10)["frequency"].ge(0).all()
    np.True_
    """
    rng = np.random.default_rng(seed)
    z = np.zeros(n) if z is None else np.asarray(z, float)
    lam = rng.gamma(r, 1 / (alpha * np.exp(-gamma_trans * z)))
    p = rng.beta(a * np.exp(gamma_life * z), b * np.exp(gamma_life * z))
    x = np.zeros(n, dtype=int)
    tx = np.zeros(n)
    now = np.zeros(n)
    active = np.ones(n, bool)
    while active.any():
        now[active] += rng.exponential(1 / lam[active])
        buys = active & (now <= T)
        x[buys] += 1
        tx[buys] = now[buys]
        active = buys & (rng.random(n) >= p)
    return pd.DataFrame({"frequency": x, "recency": tx, "T": T, "z": z})
