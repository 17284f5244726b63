"""The Pareto/NBD's likelihood, its gradient, P(alive) and conditional expectation, in logs throughout, and the
model's registry entry.

Written by hand: lifetimes' Pareto/NBD evaluates the Gauss hypergeometric term with scipy's hyp2f1, which gives NaN
for large recency and T (and its fitter needs Nelder-Mead over every row); here the term is a series evaluated in logs
with its derivatives (:func:`kamlib._kernels.pnbd_j`), so BFGS fits on the distinct rows.

References
----------
Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and related expressions.
http://brucehardie.com/notes/009/
Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they and what will they do
next? *Management Science*, 33(1), 1-24.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._optimize import weighted
from .base import Model

__all__ = ["ParetoNBD", "ParetoNBDFitter", "expected", "log_g", "loglik_alive", "loglik_rows", "nll", "prepare"]


def log_g(r: float, s: float, alpha, beta, x: np.ndarray, t: np.ndarray):
    """``log G(t) + r log(alpha) + s log(beta)``, ``G(t) = int_t^inf (alpha + u)^-(r + x) (beta + u)^-(s + 1) du``
    (the Pareto/NBD's integral over the time of dropout after ``t``), and its derivatives in ``r, alpha, s, beta``
    (a 4 x n array).

    With the larger of alpha and beta as ``big`` (its exponent ``e1``) and ``u = (small + t) v``,
    ``G = (big + t)^-e1 (small + t)^(1 - e2) J(e1, e2, rho)``, ``rho = (small + t) / (big + t)``, where
    ``J = 2F1(1, e1; e1 + e2; 1 - rho) / (e1 + e2 - 1)`` is Euler's transform of the 2F1 in Fader & Hardie (2005,
    eq. 19-20) and lifetimes: a series with positive terms, bounded at rho -> 0, evaluated in logs with its
    derivatives (:func:`kamlib._kernels.pnbd_j`). The factor ``alpha^r beta^s`` of the likelihood is taken in as
    ``-r log(1 + t / alpha) - s log(1 + t / beta)``: with s and beta in the thousands (a dropout rate nearly the
    same for everyone) the separate logs cancel to 1e-10 and the optimiser sees noise. ``alpha`` and ``beta`` are
    scalars or one per element.
    """
    from .._kernels import pnbd_j

    alpha = np.broadcast_to(np.asarray(alpha, float), x.shape)
    beta = np.broadcast_to(np.asarray(beta, float), x.shape)
    p, q = r + x, s + 1.0
    first = alpha >= beta
    big = np.where(first, alpha, beta) + t
    small = np.where(first, beta, alpha) + t
    e1, e2 = np.where(first, p, q), np.where(first, q, p)
    rho = np.minimum(small / big, 1.0)
    out = np.empty((len(x), 4))
    pnbd_j(np.ascontiguousarray(e1), np.ascontiguousarray(e2), np.ascontiguousarray(rho), out)
    lj, je1, je2, jrho = out.T
    la, lra, lrb = np.log(alpha + t), np.log1p(t / alpha), np.log1p(t / beta)
    g = -r * lra - s * lrb + np.where(first, -x * la, (1.0 - x) * la - np.log(beta + t)) + lj
    ia, ib = 1.0 / (alpha + t), 1.0 / (beta + t)
    dr = -lra + np.where(first, je1, je2)
    ds = -lrb + np.where(first, je2, je1)
    # r / alpha - r / (alpha + t) and s / beta - s / (beta + t) as r t / (alpha (alpha + t)): no cancellation
    dalpha = r * t / alpha * ia + np.where(first, -(x + jrho * rho) * ia, (1.0 - x) * ia + jrho * ib)
    dbeta = s * t / beta * ib + np.where(first, jrho * ia, -(1.0 + jrho * rho) * ib)
    return g, np.array([dr, dalpha, ds, dbeta])


def prepare(x, tx, T, group=None) -> dict:
    """The Pareto/NBD's inputs for :func:`loglik_rows`: the rows, their distinct frequencies, and the distinct
    (frequency, time[, group]) points at which ``G`` is evaluated for recency and for T (fewer than the rows: a
    weekly summary of 62,000 distinct rows has 19,000 and 15,000); ``group`` numbers the rows' covariate
    patterns (each with its own alpha and beta)."""
    x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
    g = np.zeros(len(x), np.int64) if group is None else np.asarray(group, np.int64)
    cx, ux = pd.factorize(x)
    fu = np.asarray(ux, float)
    points = []
    for t in (tx, T):
        # one 64-bit key per (frequency, time, group) from the codes of each column, as _bgnbd_expected does
        ct, ut = pd.factorize(t)
        key = (cx.astype(np.int64) * len(ut) + ct) * (int(g.max(initial=0)) + 1) + g
        inv, keys = pd.factorize(key)
        gk = keys % (int(g.max(initial=0)) + 1)
        rest = keys // (int(g.max(initial=0)) + 1)
        points.append((fu[rest // len(ut)], np.asarray(ut, float)[rest % len(ut)], gk.astype(np.int64), inv))
    return {"x": x, "T": T, "group": g, "freq": (fu, cx), "recency": points[0], "age": points[1]}


#: Rows from which :func:`loglik_rows` evaluates its two integrals on two threads (below, a thread costs more than
#: it saves).
_PARALLEL_ROWS = 2000


def loglik_rows(r: float, s: float, alpha: np.ndarray, beta: np.ndarray, data: dict, grad: bool = True):
    """Per-row Pareto/NBD log-likelihood (Fader & Hardie 2005, eq. 18; lifetimes' and CLVTools' likelihood) with
    ``alpha`` and ``beta`` one per covariate group, and its derivatives in ``r``, the row's alpha, ``s`` and the
    row's beta (4 x rows).

    ``L = Gamma(r + x) alpha^r beta^s / Gamma(r) [(alpha + T)^-(r + x) (beta + T)^-s + s (G(t_x) - G(T))]``, summed
    in logs: the difference of the two G terms as ``G(t_x) (1 - G(T) / G(t_x))``, which loses no digits of the
    total (where it cancels, the first term dominates).
    """
    from scipy.special import digamma, gammaln

    from .._parallel import thread_map

    x, T, grp = data["x"], data["T"], data["group"]
    fu, finv = data["freq"]

    def side(points):
        xp, tp, gp, inv = points
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a thread starts with numpy's defaults
            g, d = log_g(r, s, alpha[gp], beta[gp], xp, tp)
        return g[inv], d[:, inv]

    # the integral at recency and at T: two independent sets of points, on two cores when there are many (the
    # compiled series releases the GIL; the same numbers either way)
    (g1, d1), (g2, d2) = thread_map(side, [data["recency"], data["age"]], None if len(x) >= _PARALLEL_ROWS else 1)
    al, be = alpha[grp], beta[grp]
    lra, lrb = np.log1p(T / al), np.log1p(T / be)
    # the terms alive at T and dropped out before it, each times alpha^r beta^s (as log_g)
    log_alive = -r * lra - x * np.log(al + T) - s * lrb
    rest = -np.expm1(np.minimum(g2 - g1, 0.0))  # 1 - G(T) / G(t_x), 0 when t_x = T
    with np.errstate(divide="ignore"):
        log_dead = np.log(s) + g1 + np.log(rest)
    top = np.logaddexp(log_alive, log_dead)
    ll = (gammaln(r + fu) - gammaln(r))[finv] + top
    if not grad:
        return ll, None
    w_alive, w_dead = np.exp(log_alive - top), np.exp(log_dead - top)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(rest > 0, np.exp(np.minimum(g2 - g1, 0.0)) / rest, 0.0)  # G(T) / (G(t_x) - G(T))
    d_dead = d1 + ratio * (d1 - d2)  # the derivatives of log(G(t_x) - G(T)) + r log(alpha) + s log(beta)
    dr = (digamma(r + fu) - digamma(r))[finv] - w_alive * lra + w_dead * d_dead[0]
    dalpha = w_alive * (r * T / al - x) / (al + T) + w_dead * d_dead[1]
    ds = -w_alive * lrb + w_dead * (1.0 / s + d_dead[2])
    dbeta = w_alive * s * T / (be * (be + T)) + w_dead * d_dead[3]
    return ll, np.array([dr, dalpha, ds, dbeta])


def nll(log_params, data, weights, penalizer):
    """Pareto/NBD negative log-likelihood per unit weight and its gradient in log-parameters (``r, alpha, s,
    beta``) on :func:`prepare`; the penalty as :func:`_nll_bgnbd`'s."""
    theta = np.exp(log_params)
    r, alpha, s, beta = theta
    with np.errstate(over="ignore", invalid="ignore"):
        ll, d = loglik_rows(r, s, np.array([alpha]), np.array([beta]), data)
        W = weights.sum()
        value = -weighted(weights, ll) / W + penalizer * (theta ** 2).sum()
        grad = -weighted(weights, d) / W * theta + 2 * penalizer * theta ** 2
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        return np.inf, np.zeros(4)
    return value, grad


def loglik_alive(r: float, alpha, s: float, beta, x, tx, T) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer Pareto/NBD log-likelihood and the log of its term 'alive at T' (``alpha`` and ``beta`` scalars or
    one per customer), by :func:`loglik_rows`: finite where lifetimes' hyp2f1 gives NaN (a fit without dropout,
    beta in the millions)."""
    from scipy.special import gammaln

    x, tx, T = (np.atleast_1d(np.asarray(v, float)) for v in (x, tx, T))
    alpha = np.broadcast_to(np.asarray(alpha, float), x.shape)
    beta = np.broadcast_to(np.asarray(beta, float), x.shape)
    ca, ua = pd.factorize(alpha)
    cb, ub = pd.factorize(beta)
    group, pairs = pd.factorize(ca.astype(np.int64) * len(ub) + cb)
    al, be = np.asarray(ua, float)[pairs // len(ub)], np.asarray(ub, float)[pairs % len(ub)]
    with np.errstate(all="ignore"):
        ll, _ = loglik_rows(r, s, al, be, prepare(x, tx, T, group), grad=False)
        alive = (gammaln(r + x) - gammaln(r) - r * np.log1p(T / alpha) - x * np.log(alpha + T)
                 - s * np.log1p(T / beta))
    return ll, alive


def expected(t, r: float, alpha, s: float, beta, x, T, alive: np.ndarray) -> np.ndarray:
    """Pareto/NBD expected purchases in (T, T + t] given P(alive) (Fader & Hardie 2005, eq. 41), continuous at
    s = 1: ``(r + x) / (alpha + T) (beta + T) / (s - 1) [1 - ((beta + T) / (beta + T + t))^(s - 1)] P(alive)``."""
    x, T = np.asarray(x, float), np.asarray(T, float)
    horizon = np.log1p(t / (beta + T))
    scale = np.where(abs(s - 1) > 1e-9, -np.expm1(-(s - 1) * horizon) / np.where(abs(s - 1) > 1e-9, s - 1, 1),
                     horizon) * (beta + T)
    return (r + x) / (alpha + T) * scale * alive


class ParetoNBDFitter:
    """lifetimes' ParetoNBDFitter with P(alive) and the conditional expectation computed from kamlib's
    likelihood (:func:`loglik_alive`); everything else is lifetimes'."""

    def __init__(self, fitter):
        self._lifetimes = fitter

    def __getattr__(self, name):
        if name.startswith("__") or name == "_lifetimes":
            raise AttributeError(name)
        return getattr(self._lifetimes, name)

    def __repr__(self):
        return repr(self._lifetimes)

    @property
    def params_(self):
        return self._lifetimes.params_

    @params_.setter
    def params_(self, value):
        self._lifetimes.params_ = value

    def _params(self):
        return (float(self._lifetimes.params_[k]) for k in ("r", "alpha", "s", "beta"))

    def conditional_probability_alive(self, frequency, recency, T):
        r, alpha, s, beta = self._params()
        ll, alive = loglik_alive(r, alpha, s, beta, frequency, recency, T)
        out = np.minimum(np.exp(alive - ll), 1.0)
        return out if np.ndim(frequency) else float(out[0])

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        r, alpha, s, beta = self._params()
        ll, alive = loglik_alive(r, alpha, s, beta, frequency, recency, T)
        out = expected(t, r, alpha, s, beta, frequency, np.atleast_1d(np.asarray(T, float)),
                       np.minimum(np.exp(alive - ll), 1.0))
        return out if np.ndim(frequency) else float(out[0])


class ParetoNBD(Model):
    """The Pareto/NBD (Schmittlein, Morrison & Colombo 1987): exponential lifetimes, gamma-distributed dropout."""

    name, label, params, order = "paretonbd", "Pareto/NBD", ("r", "alpha", "s", "beta"), 1
    dropout, ridge, closed_form, takes_covariates = ("s", "beta"), "s", True, True
    # its rows cost several times the BG/NBD's, and from lifetimes' start BFGS takes about 30 steps, most of them
    # along the flat ridge of s and beta: on a subsample of about 4,000 rows first, the full data takes 7 to 9 (the
    # fit times on a 1M-line shop's summary: docs/scale.md)
    warm_start_rows = 8_000
    one_timers_drop_out = True  # dropout in continuous time, from the first purchase on

    @classmethod
    def args(cls, suff):
        return (prepare(*(suff[c] for c in cls.columns)),)

    @classmethod
    def objective(cls, k=None):
        return nll

    @classmethod
    def start(cls, suff):
        # lifetimes' start in its time scale (every parameter 1, time divided by the largest T), fixed
        big = float(suff["T"].max())
        return [1.0, big, 1.0, big]

    @classmethod
    def fitter(cls, penalizer=0.0):
        from lifetimes import ParetoNBDFitter as Lifetimes

        return ParetoNBDFitter(Lifetimes(penalizer_coef=penalizer))
