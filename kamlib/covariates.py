"""Pareto/NBD with time-invariant covariates on the purchase and the dropout process.

A customer's purchase rate and dropout rate are gamma-distributed across customers (Schmittlein, Morrison & Colombo
1987); covariates shift the gamma scales: :math:`\\alpha_i = \\alpha_0 \\exp(-\\gamma_{trans}' z_i)` and
:math:`\\beta_i = \\beta_0 \\exp(-\\gamma_{life}' z_i)` (Fader & Hardie 2007), so a positive ``trans.X`` raises the
expected purchase rate :math:`r / \\alpha_i` and a positive ``life.X`` shortens the expected lifetime. Coefficients are
named as R's CLVTools names them (``trans.Country``, ``life.Country``). Without covariates the likelihood is the
plain Pareto/NBD's (Fader & Hardie 2005, eq. 18, as lifetimes evaluates it).

Written by hand: no Python library fits covariates in the BTYD models (CLVTools is R only).

References
----------
Fader, P. S. & Hardie, B. G. S. (2007). Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD
models. http://brucehardie.com/notes/019/
Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and related expressions.
http://brucehardie.com/notes/009/
Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they and what will they do
next? *Management Science*, 33(1), 1-24.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._results import Result
from .errors import KamError, require_columns

__all__ = ["CovariateFit", "design", "fit_paretonbd", "loglik_paretonbd", "simulate_paretonbd"]


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
    from scipy.special import gammaln, hyp2f1, logsumexp

    x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
    alpha = np.broadcast_to(np.asarray(alpha, float), x.shape)
    beta = np.broadcast_to(np.asarray(beta, float), x.shape)
    rsx = r + s + x
    small, big = np.minimum(alpha, beta), np.maximum(alpha, beta)
    t = np.where(alpha < beta, r + x, s + 1.0)
    gap = big - small
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = hyp2f1(rsx, t, rsx + 1.0, gap / (big + tx))
        p2 = hyp2f1(rsx, t, rsx + 1.0, gap / (big + T))
        q1, q2 = big + tx, big + T
        log_a0 = logsumexp([np.log(p1) + rsx * np.log(q2), np.log(p2) + rsx * np.log(q1)], axis=0,
                           b=[np.ones_like(x), -np.ones_like(x)]) - rsx * np.log(q1 * q2)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        a2 = np.logaddexp(-(r + x) * np.log(alpha + T) - s * np.log(beta + T), np.log(s) + log_a0 - np.log(rsx))
    return a1 + a2


def design(covariates: pd.DataFrame, columns, index) -> tuple[np.ndarray, list[str]]:
    """The numeric covariate matrix for ``columns``, rows in ``index`` order; a text column becomes 0/1 columns
    (one per level but the first, named ``column=level``).

    Parameters
    ----------
    covariates : DataFrame
        One row per customer, indexed by customer.
    columns : list of str
    index : Index
        The customers of the summary.

    Returns
    -------
    tuple
        ``(matrix, names)``.

    Examples
    --------
    >>> z, names = design(pd.DataFrame({"c": ["UK", "DE", "UK"]}, index=[1, 2, 3]), ["c"], pd.Index([1, 2, 3]))
    >>> names, z[:, 0].tolist()
    (['c=UK'], [1.0, 0.0, 1.0])
    """
    if not columns:
        return np.zeros((len(index), 0)), []
    require_columns(covariates, list(columns), where="the covariates", fix="map the covariate columns in the study file")
    frame = covariates.reindex(index)[list(columns)]
    missing = frame.isna().any(axis=1)
    if missing.any():
        raise KamError(f"the covariates lack values for {int(missing.sum())} of {len(index)} customers (for example "
                       f"{list(frame.index[missing][:3])}); give every customer a value or drop them from the summary.")
    parts, names = [], []
    for c in columns:
        v = frame[c]
        if pd.api.types.is_numeric_dtype(v):
            parts.append(v.to_numpy(float)[:, None])
            names.append(str(c))
        else:
            levels = sorted(map(str, v.unique()))
            for level in levels[1:]:
                parts.append((v.astype(str) == level).to_numpy(float)[:, None])
                names.append(f"{c}={level}")
    return np.hstack(parts), names


@dataclass(frozen=True)
class CovariateFit(Result):
    """A Pareto/NBD fitted with covariates: ``params`` (``r``, ``alpha``, ``s``, ``beta`` and ``trans.X``,
    ``life.X``), ``se`` (NaN where the Hessian cannot give one, never 0), ``loglik``, ``n_customers``."""

    params: dict
    se: dict
    loglik: float
    n_customers: int
    names: dict = field(default_factory=dict)

    def summary_frame(self) -> pd.DataFrame:
        """The parameter table: ``parameter``, ``estimate``, ``estimate_se``."""
        return pd.DataFrame({"parameter": list(self.params), "estimate": list(self.params.values()),
                             "estimate_se": [self.se.get(k, np.nan) for k in self.params]})


def fit_paretonbd(summary: pd.DataFrame, covariates: pd.DataFrame | None = None, *, life=(), trans=(),
                  with_se: bool = True) -> CovariateFit:
    """Maximum-likelihood Pareto/NBD with time-invariant covariates (as CLVTools ``pnbd(..., names.cov.life,
    names.cov.trans)``).

    Parameters
    ----------
    summary : DataFrame
        RFM summary (``frequency``, ``recency``, ``T``), indexed by customer.
    covariates : DataFrame, optional
        One row per customer (same index); text columns become 0/1 columns.
    life, trans : list of str
        Covariates of the dropout and of the purchase process.
    with_se : bool
        Standard errors from a numerical Hessian.

    Returns
    -------
    CovariateFit

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). http://brucehardie.com/notes/019/

    Examples
    --------
    >>> from kamlib import datasets, rfm
    >>> m = fit_paretonbd(rfm.summary(datasets.cdnow(sample=True), end="1997-09-30"), with_se=False)
    >>> [round(m.params[k], 3) for k in ("r", "alpha", "s", "beta")]
    [0.553, 10.578, 0.606, 11.669]
    """
    from scipy.optimize import minimize

    require_columns(summary, ["frequency", "recency", "T"], where="the Pareto/NBD input",
                    fix="build it with kamlib.rfm.summary")
    life, trans = list(life), list(trans)
    if (life or trans) and covariates is None:
        raise KamError("fit_paretonbd got covariate names but no covariates frame; pass covariates=... indexed by "
                       "customer.")
    zl, life_names = design(covariates, life, summary.index) if life else (np.zeros((len(summary), 0)), [])
    zt, trans_names = design(covariates, trans, summary.index) if trans else (np.zeros((len(summary), 0)), [])
    x, tx, T = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    n_l, n_t = zl.shape[1], zt.shape[1]

    def total(theta):
        r, alpha, s, beta = np.exp(theta[:4])
        gl, gt = theta[4:4 + n_l], theta[4 + n_l:]
        a_i = alpha * np.exp(-(zt @ gt)) if n_t else alpha
        b_i = beta * np.exp(-(zl @ gl)) if n_l else beta
        return float(np.sum(loglik_paretonbd(r, a_i, s, b_i, x, tx, T)))

    def nll(theta):
        v = -total(theta) / len(x)
        return v if np.isfinite(v) else 1e300

    start = np.concatenate([np.zeros(4), np.zeros(n_l + n_t)])
    res = minimize(nll, start, method="L-BFGS-B", options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 5000})
    theta = res.x
    names = ["r", "alpha", "s", "beta"] + [f"life.{n}" for n in life_names] + [f"trans.{n}" for n in trans_names]
    values = np.concatenate([np.exp(theta[:4]), theta[4:]])
    se = np.full(len(theta), np.nan)
    if with_se:
        from statsmodels.tools.numdiff import approx_hess3

        hess = approx_hess3(theta, total)
        try:
            cov = np.linalg.inv(-hess)
            d = np.sqrt(np.clip(np.diag(cov), 0, None))
            se = np.concatenate([np.exp(theta[:4]) * d[:4], d[4:]])  # delta method for the log-scale parameters
            se = np.where(np.isfinite(se) & (se > 0), se, np.nan)
        except np.linalg.LinAlgError:
            pass
    return CovariateFit(dict(zip(names, map(float, values))), dict(zip(names, map(float, se))), total(theta), len(x),
                        {"life": life_names, "trans": trans_names})


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
