"""One maximum-likelihood CFA engine for the survey checks semopy cannot express: several groups with loadings or
intercepts held equal across them (measurement invariance) and a common latent factor whose loadings are all equal
(the common-method check).

Written by hand because semopy's ``multigroup`` fits the groups separately (it cannot hold a parameter equal across
them) and does not converge on a method factor with equal-labelled loadings; lavaan, which does both, is R. The
engine is lavaan's ML estimator for these models: marker items (the first loading of each construct is 1), a mean
structure, residual variances left unbounded so that a Heywood case shows instead of being hidden at a bound, and
the fit function ``F = sum_g n_g / N * F_g`` whose ``N * F`` is the chi-square (lavaan's default for several groups).
The tests hold it to lavaan's published Holzinger-Swineford results (single-group CFA and invariance by school).

References
----------
Joereskog, K. G. (1971). Simultaneous factor analysis in several populations. *Psychometrika*, 36(4), 409-426.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical Software*,
48(2), 1-36.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._results import Result

__all__ = ["MLFit", "Moments", "fit"]


@dataclass(frozen=True)
class Moments(Result):
    """One group's sample moments: its name, size, item means and covariance (divided by n, as ML uses)."""

    name: object
    n: int
    mean: np.ndarray
    cov: np.ndarray


@dataclass(frozen=True)
class MLFit(Result):
    """An ML CFA fit: chi-square and degrees of freedom, whether the optimiser converged, and per group the
    model-implied covariance, loadings, factor covariance and residual variances, with the method loading."""

    chi2: float
    df: int
    converged: bool
    sigma: list
    loadings: list
    phi: list
    theta: list
    method_loading: float


def fit(moments: list[Moments], constructs: dict, *, equal_loadings: bool = False, equal_intercepts: bool = False,
        method_factor: bool = False) -> MLFit:
    """Fit a (multi-group) CFA by maximum likelihood with a mean structure.

    Parameters
    ----------
    moments : list of Moments
        One per group (a single-group CFA: one).
    constructs : dict
        Construct -> its items, in the order of the moments' rows and columns; the first item is the marker.
    equal_loadings : bool
        Loadings equal across groups (metric invariance).
    equal_intercepts : bool
        Intercepts equal across groups too (scalar invariance); the latent means of every group but the first
        are then free.
    method_factor : bool
        One more factor, variance 1 and uncorrelated with the constructs, on which every item loads with the same
        loading (the common latent factor).

    Returns
    -------
    MLFit

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical Software*,
    48(2), 1-36.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.survey.mlcfa import Moments, fit
    >>> items = ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"]
    >>> d = hs[items].to_numpy(float)
    >>> one = Moments("all", len(d), d.mean(axis=0), np.cov(d, rowvar=False, bias=True))
    >>> r = fit([one], {"visual": items[:3], "textual": items[3:6], "speed": items[6:]})
    >>> round(r.chi2, 3), r.df  # lavaan's tutorial: cfa(HS.model) 85.306 on 24 df
    (85.306, 24)
    """
    items = [i for its in constructs.values() for i in its]
    p, k, G = len(items), len(constructs), len(moments)
    pos = {i: j for j, i in enumerate(items)}
    markers = [(pos[its[0]], f) for f, its in enumerate(constructs.values())]
    free = [(pos[i], f) for f, its in enumerate(constructs.values()) for i in its[1:]]
    rows = np.array([i for i, _ in free], dtype=int)
    cols = np.array([f for _, f in free], dtype=int)
    tril = np.tril_indices(k)
    nl, nc = len(free), len(tril[0])
    # parameter layout: loadings (shared or per group); per group residual variances and factor covariance (tril);
    # intercepts (shared or per group); latent means of groups 2.. (scalar); the method loading
    sizes = {"load": nl * (1 if equal_loadings else G), "theta": p * G, "phi": nc * G,
             "nu": p * (1 if equal_intercepts else G), "kappa": k * (G - 1) if equal_intercepts else 0,
             "m": 1 if method_factor else 0}
    ends = np.cumsum(list(sizes.values()))
    off = dict(zip(sizes, np.concatenate([[0], ends[:-1]])))
    N = sum(g.n for g in moments)
    weights = [g.n / N for g in moments]
    logdet_s = [np.linalg.slogdet(g.cov)[1] for g in moments]

    def sl(name, g, width, shared=False):
        start = off[name] + (0 if shared else g * width)
        return slice(start, start + width)

    def parts(x, g, chol):
        lam = np.zeros((p, k))
        for i, f in markers:
            lam[i, f] = 1.0
        lam[rows, cols] = x[sl("load", g, nl, equal_loadings)]
        raw = np.zeros((k, k))
        raw[tril] = x[sl("phi", g, nc)]
        phi = raw @ raw.T if chol else raw + np.tril(raw, -1).T
        theta = x[sl("theta", g, p)]
        nu = x[sl("nu", g, p, equal_intercepts)]
        kappa = x[sl("kappa", g - 1, k)] if equal_intercepts and g > 0 else np.zeros(k)
        m = x[off["m"]] if method_factor else 0.0
        return lam, raw, phi, theta, nu, kappa, m

    def objective(x, chol):
        f_total, grad = 0.0, np.zeros_like(x)
        for g, mom in enumerate(moments):
            lam, raw, phi, theta, nu, kappa, m = parts(x, g, chol)
            sigma = lam @ phi @ lam.T + np.diag(theta) + m * m
            sign, logdet = np.linalg.slogdet(sigma)
            if sign <= 0:
                return 1e10, np.zeros_like(x)
            inv = np.linalg.inv(sigma)
            d = mom.mean - (nu + lam @ kappa)
            w = weights[g]
            f_total += w * (logdet + np.trace(mom.cov @ inv) + d @ inv @ d - logdet_s[g] - p)
            g_sigma = w * (inv - inv @ (mom.cov + np.outer(d, d)) @ inv)
            h = -2 * w * inv @ d  # dF/dmu
            g_lam = 2 * g_sigma @ lam @ phi + np.outer(h, kappa)
            grad[sl("load", g, nl, equal_loadings)] += g_lam[rows, cols]
            g_phi = lam.T @ g_sigma @ lam
            grad[sl("phi", g, nc)] += (2 * g_phi @ np.tril(raw))[tril] if chol else ((2 - np.eye(k)) * g_phi)[tril]
            grad[sl("theta", g, p)] += np.diag(g_sigma)
            grad[sl("nu", g, p, equal_intercepts)] += h
            if equal_intercepts and g > 0:
                grad[sl("kappa", g - 1, k)] += lam.T @ h
            if method_factor:
                grad[off["m"]] += 2 * m * g_sigma.sum()
        return f_total, grad

    start = np.zeros(ends[-1])
    start[off["load"]: off["load"] + sizes["load"]] = 1.0
    for g, mom in enumerate(moments):
        start[sl("theta", g, p)] = np.diag(mom.cov) / 2
        start[sl("phi", g, nc)] = np.diag(np.sqrt([mom.cov[i, i] / 2 for i, _ in markers]))[tril]
        if not equal_intercepts:
            start[sl("nu", g, p)] = mom.mean
    if equal_intercepts:
        start[sl("nu", 0, p, True)] = np.mean([mom.mean for mom in moments], axis=0)
    if method_factor:
        start[off["m"]] = 0.3 * np.sqrt(np.mean([np.mean(np.diag(mom.cov)) for mom in moments]))

    def to_free(x):  # the factor covariance L L' written as its lower triangle
        x = x.copy()
        for g in range(G):
            raw = np.zeros((k, k))
            raw[tril] = x[sl("phi", g, nc)]
            x[sl("phi", g, nc)] = (raw @ raw.T)[tril]
        return x

    # two routes to the ML estimate, the lower wins: the factor covariance as L L' (an admissible start) then freed,
    # and free from the start; free as lavaan estimates it, so that a negative variance (a Heywood case) can show
    best = None
    for route in ((True, False), (False,)):
        x = start.copy() if route[0] else to_free(start)
        for chol in route:
            res = optimize.minimize(objective, x, args=(chol,), jac=True, method="BFGS",
                                    options={"gtol": 1e-9, "maxiter": 20_000})
            x = to_free(res.x) if chol else res.x.copy()
        if best is None or res.fun < best.fun - 1e-9:
            best = res
    out = [parts(best.x, g, False) for g in range(G)]
    sigma = [lam @ phi @ lam.T + np.diag(theta) + m * m for lam, _, phi, theta, _, _, m in out]
    df = G * (p * (p + 1) // 2 + p) - int(ends[-1])
    return MLFit(float(best.fun * N), int(df), bool(best.success or best.status == 2), sigma,
                 [o[0] for o in out], [o[2] for o in out], [o[3] for o in out],
                 float(abs(out[0][6])))
