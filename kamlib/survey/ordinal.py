"""Thresholds and polychoric correlations of ordinal items (Likert answers), the first step of ordinal SEM.

Each item's thresholds come from its marginal proportions (the normal quantiles of the cumulative shares); each
pair's polychoric correlation maximises the likelihood of the pair's contingency table with those thresholds fixed
(the two-step estimator of Olsson 1979, which lavaan's ``lavCor(ordered = ...)`` and its WLSMV use). The bivariate
normal probabilities are Gauss-Legendre integrals of Plackett's (1954) identity.

Written by hand: no maintained Python library on our stack estimates polychoric correlations (semopy and
factor_analyzer have none; statsmodels has none).

References
----------
Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient. *Psychometrika*, 44(4),
443-460.
Plackett, R. L. (1954). A reduction formula for normal multivariate integrals. *Biometrika*, 41(3/4), 351-360.
Rosseel, Y. (2012). lavaan: an R package for structural equation modeling. *J. Statistical Software*, 48(2), 1-36.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .._results import Result
from ..errors import KamError

__all__ = ["MergedAnswers", "Polychoric", "cfa_wlsmv", "merge_unused_answers", "method_factor_wlsmv",
           "multigroup_invariance", "nacov", "polychoric", "sem_wlsmv"]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(40)


def _phi2(h, k, rho):
    """The standard bivariate normal density at (h, k) with correlation ``rho`` (0 where h or k is infinite)."""
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    finite = np.isfinite(h) & np.isfinite(k)
    hf, kf = np.where(finite, h, 0.0), np.where(finite, k, 0.0)
    one = 1.0 - rho * rho
    return np.where(finite, np.exp(-(hf ** 2 - 2 * rho * hf * kf + kf ** 2) / (2 * one)) / (2 * np.pi * np.sqrt(one)),
                    0.0)


def _bvn(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """P(X <= h, Y <= k) for a standard bivariate normal with correlation ``rho`` (h, k may be infinite):
    Phi(h) Phi(k) + the integral over r from 0 to rho of the bivariate density at (h, k; r)."""
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    base = special.ndtr(h) * special.ndtr(k)
    if rho == 0:
        return base
    r = 0.5 * rho * (_NODES + 1.0)  # nodes on [0, rho]
    return base + 0.5 * rho * (_phi2(h[..., None], k[..., None], r) * _WEIGHTS).sum(axis=-1)


def _rectangle(f, ea: np.ndarray, eb: np.ndarray, ya: np.ndarray, yb: np.ndarray, rho: float) -> np.ndarray:
    """``f`` (a bivariate distribution function or its derivative) over each answer pair's rectangle of thresholds."""
    return (f(ea[ya + 1], eb[yb + 1], rho) - f(ea[ya], eb[yb + 1], rho) - f(ea[ya + 1], eb[yb], rho)
            + f(ea[ya], eb[yb], rho))


def _codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """An item's answers as category numbers 0, 1, ... in the categories' order, and the categories."""
    levels = (list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype)
              else sorted(values.unique()))
    return pd.Categorical(values, categories=levels, ordered=True).codes.astype(int), levels


def _thresholds(codes: np.ndarray, levels: int) -> np.ndarray:
    counts = np.bincount(codes, minlength=levels)
    return stats.norm.ppf(np.cumsum(counts)[:-1] / counts.sum())


def _pair(a: np.ndarray, b: np.ndarray, ta: np.ndarray, tb: np.ndarray) -> float:
    table = np.zeros((len(ta) + 1, len(tb) + 1))
    np.add.at(table, (a, b), 1.0)
    ea, eb = np.concatenate([[-np.inf], ta, [np.inf]]), np.concatenate([[-np.inf], tb, [np.inf]])
    H, K = np.meshgrid(ea, eb, indexing="ij")

    def nll(rho):
        F = _bvn(H, K, rho)
        p = F[1:, 1:] - F[:-1, 1:] - F[1:, :-1] + F[:-1, :-1]
        return -float((table * np.log(np.clip(p, 1e-300, None))).sum())

    res = optimize.minimize_scalar(nll, bounds=(-0.9999, 0.9999), method="bounded", options={"xatol": 1e-10})
    return float(res.x)


@dataclass(frozen=True)
class Polychoric(Result):
    """Polychoric correlations (``correlation``: items x items), ``thresholds`` (item, threshold number,
    value) and ``n`` (complete cases used)."""

    correlation: pd.DataFrame
    thresholds: pd.DataFrame
    n: int

    def summary_frame(self) -> pd.DataFrame:
        return self.correlation


def polychoric(data: pd.DataFrame) -> Polychoric:
    """Thresholds and two-step polychoric correlations of ordinal items (complete cases).

    Parameters
    ----------
    data : DataFrame
        Respondents x items; each item's answers are ordered categories (numbers such as 1-5, or ordered
        categoricals).

    Returns
    -------
    Polychoric

    References
    ----------
    Olsson, U. (1979). *Psychometrika*, 44(4), 443-460.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.survey.ordinal import polychoric
    >>> rng = np.random.default_rng(0)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], 2000)
    >>> d = pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1, columns=["a", "b"])
    >>> round(float(polychoric(d).correlation.loc["a", "b"]), 1)
    0.6
    """
    d = data.dropna()
    if len(d) < 2:
        raise KamError(f"polychoric correlations need answers from at least two respondents; {len(d)} answered "
                       "every item.")
    codes, thresholds = {}, []
    for c in d.columns:
        code, levels = _codes(d[c])
        if len(levels) < 2:
            raise KamError(f"the item {c!r} has one answer ({levels[0] if levels else '-'}) for every respondent; "
                           "leave it out.")
        if len(levels) > 15:
            raise KamError(f"the item {c!r} has {len(levels)} distinct answers; polychoric correlations are for "
                           "ordered categories (at most 15): treat it as continuous.")
        codes[c] = code
        for j, t in enumerate(_thresholds(code, len(levels)), start=1):
            thresholds.append({"item": c, "threshold": j, "value": float(t)})
    th = pd.DataFrame(thresholds)
    names = list(d.columns)
    r = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    cuts = {c: th.loc[th["item"] == c, "value"].to_numpy() for c in names}
    for a, b in itertools.combinations(names, 2):
        r.loc[a, b] = r.loc[b, a] = _pair(codes[a], codes[b], cuts[a], cuts[b])
    return Polychoric(r, th, len(d))


def nacov(data: pd.DataFrame, poly: Polychoric | None = None) -> pd.DataFrame:
    """N times the asymptotic covariance matrix of the thresholds and polychoric correlations (Gamma), by Muthén's
    (1984) sandwich of the case-wise scores with outer-product information blocks, as lavaan computes it for WLSMV.

    Parameters
    ----------
    data : DataFrame
        Respondents x ordinal items.
    poly : Polychoric, optional
        :func:`polychoric` of ``data`` (computed when not given).

    Returns
    -------
    DataFrame
        Rows and columns ``item|t1``, ... (thresholds by item), then ``a~~b`` (correlations, lavaan's order).

    References
    ----------
    Muthén, B. (1984). A general structural equation model with dichotomous, ordered categorical, and continuous
    latent variable indicators. *Psychometrika*, 49(1), 115-132.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.survey.ordinal import nacov
    >>> rng = np.random.default_rng(0)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], 500)
    >>> nacov(pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1, columns=["a", "b"])).shape
    (7, 7)
    """
    poly = poly or polychoric(data)
    d = data.dropna()
    items, n = list(d.columns), len(d)
    codes, cuts, pos, k = {}, {}, {}, 0
    for c in items:
        codes[c] = _codes(d[c])[0]
        cuts[c] = poly.thresholds.loc[poly.thresholds["item"] == c, "value"].to_numpy()
        pos[c] = list(range(k, k + len(cuts[c])))
        k += len(cuts[c])
    nth = k
    edges = {c: np.concatenate([[-np.inf], cuts[c], [np.inf]]) for c in items}
    pairs = [(items[i], items[j]) for j in range(len(items)) for i in range(j + 1, len(items))]
    scores = np.zeros((n, nth + len(pairs)))
    for c in items:
        e, y = edges[c], codes[c]
        p = special.ndtr(e[y + 1]) - special.ndtr(e[y])
        for m, t in enumerate(cuts[c]):
            scores[:, pos[c][m]] = stats.norm.pdf(t) * ((y == m).astype(float) - (y == m + 1)) / p
    A = np.zeros((scores.shape[1], scores.shape[1]))
    for c in items:
        A[np.ix_(pos[c], pos[c])] = scores[:, pos[c]].T @ scores[:, pos[c]]
    for q, (a, b) in enumerate(pairs):
        r = float(poly.correlation.loc[a, b])
        ea, eb, ya, yb = edges[a], edges[b], codes[a], codes[b]
        cell = _rectangle(_bvn, ea, eb, ya, yb, r)
        s_rho = _rectangle(_phi2, ea, eb, ya, yb, r) / cell  # d Phi2 / d rho is the bivariate density
        scores[:, nth + q] = s_rho
        A[nth + q, nth + q] = s_rho @ s_rho
        s = np.sqrt(1 - r * r)
        for u, yu, ev, yv in ((a, ya, eb, yb), (b, yb, ea, ya)):
            for m, t in enumerate(cuts[u]):  # the pair's log-likelihood derivative with respect to u's threshold m
                band = special.ndtr((ev[yv + 1] - r * t) / s) - special.ndtr((ev[yv] - r * t) / s)
                dx = stats.norm.pdf(t) * band * ((yu == m).astype(float) - (yu == m + 1)) / cell
                A[nth + q, pos[u][m]] = s_rho @ dx
    inv = np.linalg.inv(A)
    gamma = n * inv @ (scores.T @ scores) @ inv.T
    names = [f"{c}|t{m + 1}" for c in items for m in range(len(cuts[c]))] + [f"{b}~~{a}" for a, b in pairs]
    return pd.DataFrame(gamma, index=names, columns=names)


def _moments(d: pd.DataFrame):
    """The sample statistics of WLSMV for complete answers ``d``: :func:`polychoric`, :func:`nacov` (Gamma), the
    item positions ``ii``, ``jj`` of each correlation in lavaan's order, the correlations ``r``, Gamma of the
    correlations ``G`` and their diagonal weights ``w``."""
    poly = polychoric(d)
    gamma = nacov(d, poly)
    p = d.shape[1]
    ii = np.array([i for j in range(p) for i in range(j + 1, p)], int)
    jj = np.array([j for j in range(p) for i in range(j + 1, p)], int)
    nth = len(poly.thresholds)
    G = gamma.to_numpy()[nth:, nth:]
    return poly, gamma, ii, jj, poly.correlation.to_numpy()[ii, jj], G, 1.0 / np.diag(G)


def _scaled_shifted(t_stat: float, dof: float, UG: np.ndarray) -> float:
    """The mean-and-variance adjusted (scaled and shifted) statistic of ``t_stat`` from the traces of ``UG`` (the
    residual weight matrix U times Gamma) and of its square (Asparouhov & Muthen 2010), as lavaan computes it for
    WLSMV and in ``lavTestLRT``."""
    a = np.sqrt(dof / np.sum(UG * UG.T))  # the trace of UG @ UG without forming the product
    return float(a * t_stat + dof - a * np.trace(UG))


def cfa_wlsmv(data: pd.DataFrame, constructs: dict[str, list[str]]):
    """A CFA of ordinal items by WLSMV: :func:`sem_wlsmv` without structural paths.

    Parameters
    ----------
    data : DataFrame
        Respondents x ordinal items (complete cases are used).
    constructs : dict
        Factor -> its items (the first is the marker).

    Returns
    -------
    kamlib.survey.SEMResult

    References
    ----------
    Rosseel, Y. (2012). *J. Statistical Software*, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.survey.ordinal import cfa_wlsmv
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(400, 1))
    >>> z = f * 0.7 + rng.normal(size=(400, 4)) * 0.71
    >>> d = pd.DataFrame(np.digitize(z, [-1, -0.2, 0.5, 1.2]) + 1, columns=["a", "b", "c", "d"])
    >>> res = cfa_wlsmv(d, {"F": ["a", "b", "c", "d"]})
    >>> res.fit["df"], res.fit["estimator"]
    (2, 'WLSMV')
    """
    return sem_wlsmv(data, constructs)


def sem_wlsmv(data: pd.DataFrame, constructs: dict[str, list[str]], paths=(), *, labels: dict | None = None,
              defined=()):
    """A structural equation model of ordinal items by diagonally weighted least squares on the polychoric
    correlations, with robust standard errors and the mean-and-variance adjusted (scaled and shifted) chi-square:
    lavaan's ``sem(..., ordered = TRUE, estimator = "WLSMV")`` (delta parameterization, marker items, free
    variances and covariances of the exogenous factors, a residual variance for each dependent factor).

    Parameters
    ----------
    data : DataFrame
        Respondents x ordinal items (complete cases are used).
    constructs : dict
        Factor -> its items (the first is the marker).
    paths : list of (predictor, outcome)
        Regressions among the factors.
    labels : dict, optional
        Label -> (predictor, outcome) of a path, for ``defined``.
    defined : list of (str, str)
        lavaan's defined parameters (``ab := a*b``) as (name, expression) over the path labels: the estimate, its
        delta-method standard error from the robust covariance of the estimates, and std.all (the expression at the
        standardized paths).

    Returns
    -------
    kamlib.survey.SEMResult
        ``fit`` (``chi2`` scaled and shifted, ``chi2_unscaled``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``
        from the scaled statistic, ``srmr``, ``n``, ``estimator``) and ``estimates`` (loadings ``=~``, paths ``~``,
        factor (co)variances ``~~`` and thresholds ``|``, with robust standard errors and std.all).

    References
    ----------
    Muthén, B., du Toit, S. H. C. & Spisic, D. (1997). Robust inference using weighted least squares and quadratic
    estimating equations in latent variable modeling with categorical and continuous outcomes. Unpublished paper.
    Asparouhov, T. & Muthén, B. (2010). Simple second order chi-square correction. Mplus technical appendix.
    Rosseel, Y. (2012). *J. Statistical Software*, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.survey.ordinal import sem_wlsmv
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(500, 1))
    >>> g = 0.5 * f + rng.normal(size=(500, 1)) * 0.8
    >>> z = np.hstack([f * 0.7 + rng.normal(size=(500, 3)) * 0.7, g * 0.7 + rng.normal(size=(500, 3)) * 0.7])
    >>> d = pd.DataFrame(np.digitize(z, [-1, -0.2, 0.5, 1.2]) + 1, columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = sem_wlsmv(d, {"A": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"]}, [("A", "B")])
    >>> res.fit["df"], list(res.paths()["rval"])
    (8, ['A'])
    """
    from .cbsem import SEMResult, rmsea_ci

    items = list(dict.fromkeys(i for its in constructs.values() for i in its))
    if any(sum(i in its for its in constructs.values()) > 1 for i in items):
        raise KamError("an item loads on two factors; the ordinal model fits simple structures (each item on one "
                       "factor).")
    names = list(constructs)
    paths = [(a, b) for a, b in paths]
    unknown = [x for pair in paths for x in pair if x not in names]
    if unknown:
        raise KamError(f"the path variable {unknown[0]!r} is not a factor of the model; the ordinal model regresses "
                       "factors on factors.")
    K = len(names)
    outcomes = sorted({names.index(b) for _, b in paths})
    upstream = {k: set() for k in range(K)}
    for a, b in paths:
        upstream[names.index(b)].add(names.index(a))
    changed = True
    while changed:  # the transitive predictors of each factor
        changed = False
        for k in range(K):
            more = set().union(*(upstream[j] for j in upstream[k])) - upstream[k]
            if more:
                upstream[k] |= more
                changed = True
    for x, y in itertools.combinations(outcomes, 2):
        if x not in upstream[y] and y not in upstream[x]:
            raise KamError(f"the factors {names[x]!r} and {names[y]!r} both depend on others but not on each other; "
                           "the ordinal model does not estimate their residual covariance: link them by a path or fit "
                           "the continuous model.")
    d = data[items].dropna()
    poly, gamma, ii, jj, r, G, w = _moments(d)
    n, p = len(d), len(items)
    free = [(items.index(x), names.index(f)) for f, xs in constructs.items() for x in xs[1:]]
    marks = [(items.index(xs[0]), names.index(f)) for f, xs in constructs.items()]
    beta_idx = [(names.index(b), names.index(a)) for a, b in paths]
    exogenous = [k for k in range(K) if k not in outcomes]
    psi_idx = [(a, b) for bi, b in enumerate(exogenous) for a in exogenous[bi:]] + [(k, k) for k in outcomes]
    nl, nb = len(free), len(beta_idx)

    def unpack(theta):
        lam = np.zeros((p, K))
        for i, f in marks:
            lam[i, f] = 1.0
        for v, (i, f) in zip(theta[:nl], free):
            lam[i, f] = v
        B = np.zeros((K, K))
        for v, (o, q) in zip(theta[nl:nl + nb], beta_idx):
            B[o, q] = v
        psi = np.zeros((K, K))
        for v, (a, b) in zip(theta[nl + nb:], psi_idx):
            psi[a, b] = psi[b, a] = v
        inv = np.linalg.inv(np.eye(K) - B)
        return lam, B, psi, inv @ psi @ inv.T

    def implied(theta):
        lam, _, _, eta = unpack(theta)
        return (lam @ eta @ lam.T)[ii, jj]

    start = np.concatenate([np.ones(nl), np.zeros(nb), [0.5 if a == b else 0.2 for a, b in psi_idx]])
    res = optimize.least_squares(lambda t: np.sqrt(w) * (r - implied(t)), start, xtol=1e-15, ftol=1e-15,
                                 gtol=1e-15, max_nfev=20_000)
    theta = res.x
    h = 1e-7
    D = np.column_stack([(implied(theta + h * e) - implied(theta - h * e)) / (2 * h) for e in np.eye(len(theta))])
    W = np.diag(w)
    bread = np.linalg.inv(D.T @ W @ D)
    cov = bread @ D.T @ W @ G @ W @ D @ bread / (n - 1)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    df = len(r) - len(theta)
    t_unscaled = float((n - 1) * (w * (r - implied(theta)) ** 2).sum())

    chi2 = _scaled_shifted(t_unscaled, df, (W - W @ D @ bread @ D.T @ W) @ G) if df > 0 else 0.0
    base = _scaled_shifted(float((n - 1) * (w * r ** 2).sum()), len(r), W @ G)
    cfi = 1.0 if df <= 0 else 1 - max(chi2 - df, 0) / max(chi2 - df, base - len(r), 1e-12)
    tli = 1.0 if df <= 0 else (base / len(r) - chi2 / df) / (base / len(r) - 1)
    lam, B, psi, eta = unpack(theta)
    resid = r - implied(theta)
    # lavaan's rmsea.ci.lower/upper.scaled: the noncentral chi-square inverted at the scaled-and-shifted statistic,
    # with N - 1 as lavaan counts observations for a least-squares estimator
    ci = rmsea_ci(chi2, df, n - 1)
    fit = {"n": n, "estimator": "WLSMV", "chi2": chi2, "df": df, "chi2_unscaled": t_unscaled,
           "pvalue": float(stats.chi2.sf(chi2, df)) if df > 0 else float("nan"),
           "cfi": float(min(max(cfi, 0.0), 1.0)), "tli": float(tli),
           "rmsea": float(np.sqrt(max(chi2 - df, 0) / (df * (n - 1)))) if df > 0 else 0.0,
           "rmsea_ci_lower": ci.lower, "rmsea_ci_upper": ci.upper,
           "srmr": float(np.sqrt((resid ** 2).sum() / (p * (p + 1) / 2))),
           "note": "" if df > 0 else "the model is just-identified (df = 0): its fit cannot be tested."}
    sd = np.sqrt(np.diag(eta))
    rows = [(names[f], "=~", items[i], 1.0, sd[f], np.nan) for i, f in marks]
    rows += [(names[f], "=~", items[i], v, v * sd[f], s) for v, s, (i, f) in zip(theta[:nl], se[:nl], free)]
    rows += [(names[o], "~", names[q], v, v * sd[q] / sd[o], s)
             for v, s, (o, q) in zip(theta[nl:nl + nb], se[nl:nl + nb], beta_idx)]
    for v, s, (a, b) in zip(theta[nl + nb:], se[nl + nb:], psi_idx):
        rows.append((names[b], "~~", names[a], v, v / (sd[a] * sd[b]), s))
    implied_var = np.diag(lam @ eta @ lam.T)
    if defined:
        rows += _defined(defined, labels or {}, names, beta_idx, nl, theta, cov, sd)
    for i, item in enumerate(items):  # residual variances of the latent responses: fixed by the delta scaling
        rows.append((item, "~~", item, 1 - implied_var[i], 1 - implied_var[i], np.nan))
    for row in poly.thresholds.itertuples(index=False):
        k = f"{row.item}|t{row.threshold}"
        rows.append((row.item, "|", f"t{row.threshold}", row.value, row.value,
                     float(np.sqrt(gamma.loc[k, k] / (n - 1)))))
    table = pd.DataFrame(rows, columns=["lval", "op", "rval", "estimate", "std_estimate", "estimate_se"])
    table["z"] = table["estimate"] / table["estimate_se"]
    table["pvalue"] = 2 * stats.norm.sf(table["z"].abs())
    table["estimate_ci_lower"] = table["estimate"] - 1.959964 * table["estimate_se"]
    table["estimate_ci_upper"] = table["estimate"] + 1.959964 * table["estimate_se"]
    latent = pd.DataFrame(eta / np.outer(sd, sd), index=names, columns=names)
    return SEMResult({"cor_lv": latent}, fit, table)


def _defined(defined, labels: dict, names: list, beta_idx: list, nl: int, theta: np.ndarray, cov: np.ndarray,
             sd: np.ndarray) -> list:
    """Rows of lavaan's defined parameters over labelled paths (delta method, as lavaan)."""
    from ._shared import delta_method, evaluate_expression

    where = {label: nl + beta_idx.index((names.index(b), names.index(a))) for label, (a, b) in labels.items()}
    std = {label: theta[i] * sd[names.index(a)] / sd[names.index(b)] for (label, (a, b)), i
           in zip(labels.items(), where.values())}
    rows = []
    for name, expr in defined:
        est, se = delta_method(expr, where, theta, cov)
        rows.append((name, ":=", expr, est, evaluate_expression(expr, std), se))
    return rows


def _scaled_difference(t1: float, r1: int, d1: np.ndarray, t0: float, r0: int, d0: np.ndarray, w: np.ndarray,
                       gamma_f: np.ndarray, V: np.ndarray) -> float:
    """lavaan's ``lavTestLRT`` for WLSMV: Satorra's (2000) scaled-and-shifted difference of the standard statistics
    ``t0`` (restricted model, ``r0`` df, Jacobian ``d0``) and ``t1`` (``r1``, ``d1``), its matrix A by the delta
    method (``lav_test_diff_A``). ``w`` are the diagonal weights, ``gamma_f`` the groups' Gamma times their shares
    and ``V`` the weights times the shares (the information is ``d1' V d1``), as ``lav_test_diff_Satorra2000``."""
    m = r0 - r1
    P_inv = np.linalg.inv(d1.T @ V @ d1)
    A = _orthogonal_complement(np.linalg.pinv(d1) @ d0)
    APA = A @ P_inv @ A.T
    A = A[~((np.abs(APA.sum(axis=0)) < 1.5e-8) & (np.abs(APA.sum(axis=1)) < 1.5e-8))]
    PAAPAAP = P_inv @ A.T @ np.linalg.pinv(A @ P_inv @ A.T) @ A @ P_inv
    U = (w[:, None] * d1) @ PAAPAAP @ (d1.T * w[None, :])
    return _scaled_shifted(t0 - t1, m, U @ gamma_f)


def method_factor_wlsmv(data: pd.DataFrame, constructs: dict[str, list[str]]) -> dict:
    """The common-latent-factor check of ordinal items by WLSMV: the CFA as it is, and with a method factor on which
    every item loads with one equal loading (variance 1, uncorrelated with the constructs), as lavaan fits
    ``M =~ NA*x1 + m*x1 + m*x2 + ...; M ~~ 1*M`` with ``ordered = TRUE``.

    Parameters
    ----------
    data : DataFrame
        Respondents x ordinal items (complete cases are used).
    constructs : dict
        Construct -> its items (the first is the marker).

    Returns
    -------
    dict
        ``models``: for "constructs" and "constructs + common latent factor" the fit (``chi2`` scaled and shifted,
        ``chi2_unscaled``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``), ``std_loadings`` (per item),
        ``construct_variances``, ``residuals`` (latent-response residual variances) and, with the factor,
        ``method_loading`` (standardised; its sign is arbitrary, the absolute value is kept); ``delta_chi2``,
        ``delta_df`` and ``delta_pvalue`` of lavaan's scaled-and-shifted difference test (Satorra 2000).

    References
    ----------
    Podsakoff, P. M. et al. (2003). *J. Applied Psychology*, 88(5), 879-903. Satorra, A. (2000). In *Innovations in
    Multivariate Statistical Analysis*, Kluwer, 233-247. Rosseel, Y. (2012). *J. Statistical Software*, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.survey.ordinal import method_factor_wlsmv
    >>> rng = np.random.default_rng(2)
    >>> f = rng.multivariate_normal([0, 0], [[1, .4], [.4, 1]], 500)
    >>> z = f[:, [0, 0, 0, 1, 1, 1]] * 0.7 + rng.normal(size=(500, 6)) * 0.7
    >>> d = pd.DataFrame(np.digitize(z, [-1, -0.2, 0.5, 1.2]) + 1, columns=list("abcdef"))
    >>> r = method_factor_wlsmv(d, {"F": ["a", "b", "c"], "G": ["d", "e", "f"]})
    >>> r["delta_df"], [m["df"] for m in r["models"].values()]
    (1, [8, 7])
    """
    items = list(dict.fromkeys(i for its in constructs.values() for i in its))
    if any(sum(i in its for its in constructs.values()) > 1 for i in items):
        raise KamError("an item loads on two constructs; the common-latent-factor check fits simple structures (each "
                       "item on one construct).")
    d = data[items].dropna()
    _, _, ii, jj, r, G, w = _moments(d)
    n, p, K = len(d), len(items), len(constructs)
    W = np.diag(w)
    names = list(constructs)
    factor_of = np.array([next(k for k, f in enumerate(names) if items[i] in constructs[f]) for i in range(p)])
    free = np.flatnonzero([constructs[names[factor_of[i]]][0] != items[i] for i in range(p)])
    psi_idx = [(a, b) for a in range(K) for b in range(a, K)]

    def parts(theta):
        lam = np.ones(p)
        lam[free] = theta[:len(free)]
        psi = np.zeros((K, K))
        for v, (a, b) in zip(theta[len(free):len(free) + len(psi_idx)], psi_idx):
            psi[a, b] = psi[b, a] = v
        m = theta[len(free) + len(psi_idx)] if len(theta) > len(free) + len(psi_idx) else 0.0
        return lam, psi, m

    def implied(theta):
        lam, psi, m = parts(theta)
        return lam[ii] * lam[jj] * psi[factor_of[ii], factor_of[jj]] + m * m

    # the baseline (correlations zero) has no parameter in the correlations: U = W
    base = _scaled_shifted(float((n - 1) * (w * r ** 2).sum()), len(r), W @ G)
    models, fits = {}, {}
    previous = None
    for name, method in (("constructs", False), ("constructs + common latent factor", True)):
        # the method factor from several starts (the constructs' solution, the method loading from small to large):
        # its likelihood surface has local optima where the method factor takes part of a construct covariance
        plain = np.concatenate([np.ones(len(free)), [0.5 if a == b else 0.2 for a, b in psi_idx]])
        apart = np.concatenate([np.ones(len(free)), [0.3 if a == b else 0.0 for a, b in psi_idx]])
        starts = [plain] if not method else \
            [np.concatenate([x, [m0]]) for x in (previous, apart) for m0 in (0.1, 0.3, 0.5, 0.7)]
        res = min((optimize.least_squares(lambda t: np.sqrt(w) * (r - implied(t)), start, xtol=1e-15, ftol=1e-15,
                                          gtol=1e-15, max_nfev=20_000) for start in starts), key=lambda q: q.cost)
        theta = res.x
        previous = theta
        h = 1e-7
        D = np.column_stack([(implied(theta + h * e) - implied(theta - h * e)) / (2 * h) for e in np.eye(len(theta))])
        t_stat = float((n - 1) * (w * (r - implied(theta)) ** 2).sum())
        df = len(r) - len(theta)
        chi2 = _scaled_shifted(t_stat, df, (W - W @ D @ np.linalg.inv(D.T @ W @ D) @ D.T @ W) @ G)
        lam, psi, m = parts(theta)
        var = np.diag(psi)
        std = lam * np.sqrt(np.clip(var[factor_of], 0, None))
        fits[method] = (D, t_stat, df)
        models[name] = {"chi2": chi2, "chi2_unscaled": t_stat, "df": df, "pvalue": float(stats.chi2.sf(chi2, df)),
                        "cfi": float(min(max(1 - max(chi2 - df, 0) / max(chi2 - df, base - len(r), 1e-12), 0), 1)),
                        "tli": float((base / len(r) - chi2 / df) / (base / len(r) - 1)),
                        "rmsea": float(np.sqrt(max(chi2 - df, 0) / (df * (n - 1)))),
                        "std_loadings": std, "construct_variances": var,
                        "residuals": 1 - lam ** 2 * var[factor_of] - m * m, "method_loading": abs(float(m)),
                        "converged": bool(res.success)}
    (d1, t1, r1), (d0, t0, r0) = fits[True], fits[False]
    if models["constructs + common latent factor"]["method_loading"] < 1e-4:
        # no method variance: the method loading enters the correlations squared, so its column of the Jacobian is
        # zero and the difference test is not defined (lavaan stops there too); the two models are the same
        t_delta = 0.0
    else:
        t_delta = max(_scaled_difference(t1, r1, d1, t0, r0, d0, w, G, W), 0.0)
    return {"models": models, "delta_chi2": t_delta, "delta_df": r0 - r1,
            "delta_pvalue": float(stats.chi2.sf(t_delta, r0 - r1))}


def _orthogonal_complement(H: np.ndarray) -> np.ndarray:
    """Rows spanning the space orthogonal to the columns of ``H`` (lavaan's ``lav_matrix_orthogonal_complement``)."""
    q, _ = np.linalg.qr(H, mode="complete")
    rank = np.linalg.matrix_rank(H)
    return q[:, rank:].T


def _unused_answer(data: pd.DataFrame, items: list[str], group: pd.Series):
    """The first (group, item, answer) where a group never uses an answer that others use, or None.

    Thresholds can be held equal across groups only when every group uses every answer of every item.
    """
    keep = data[items].notna().all(axis=1) & group.notna()
    d, grp = data.loc[keep, items], group[keep]
    for g in pd.unique(grp):
        dg = d[grp == g]
        for i in items:
            missing = sorted(set(d[i].unique()) - set(dg[i].unique()))
            if missing:
                return g, i, _plain(missing[0])
    return None


@dataclass(frozen=True)
class MergedAnswers(Result):
    """:func:`merge_unused_answers`' result; unpacks as ``answers, merges``.

    Attributes
    ----------
    answers : DataFrame or None
        The recoded answers (a copy), or None when an item would be left with one answer.
    merges : list of tuple
        The merges in order, as (item, answer, merged into); the last is (item, answer, None) when ``answers`` is
        None.
    """

    answers: pd.DataFrame | None
    merges: list
    unpack = ("answers", "merges")


def merge_unused_answers(data: pd.DataFrame, items: list[str], group: pd.Series) -> MergedAnswers:
    """Each answer that some group never uses merged with its neighbour toward the middle of the scale, until every
    group uses every answer of every item (what lavaan requires before thresholds can be held equal).

    Parameters
    ----------
    data : DataFrame
        Respondents x ordinal items.
    items : list of str
        The items to check.
    group : Series
        Group of each respondent, aligned with ``data``.

    Returns
    -------
    MergedAnswers
        ``answers``, the recoded answers (a copy; ``data`` is not changed), and ``merges`` as (item, answer, merged
        into); ``answers`` is None when an item would be left with one answer, the merges then ending with that
        item's (item, answer, None). Unpacks as ``answers, merges``.

    References
    ----------
    Rosseel, Y. (2012). *J. Statistical Software*, 48(2), 1-36 (lavaan stops when a category is empty in a group).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.survey.ordinal import merge_unused_answers
    >>> d = pd.DataFrame({"a": [1, 2, 3, 2, 3, 3]})
    >>> merge_unused_answers(d, ["a"], pd.Series([0, 0, 0, 1, 1, 1])).merges
    [('a', 1, 2)]
    """
    out, merges = data.copy(), []
    while True:
        unused = _unused_answer(out, items, group)
        if unused is None:
            return MergedAnswers(out, merges)
        _, item, answer = unused
        levels = sorted(out[item].dropna().unique())
        if len(levels) <= 2:
            return MergedAnswers(None, merges + [(item, _plain(answer), None)])
        at = levels.index(answer)
        into = levels[at + 1] if at < (len(levels) - 1) / 2 else levels[at - 1]
        out[item] = out[item].replace(answer, into)
        merges.append((item, _plain(answer), _plain(into)))


def _plain(value):
    """An answer as people write it: 1, not 1.0 nor np.int64(1)."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    return int(value) if isinstance(value, float) and value.is_integer() else value


def multigroup_invariance(data: pd.DataFrame, constructs: dict[str, list[str]], group: pd.Series) -> pd.DataFrame:
    """Configural, metric and scalar invariance of ordinal items by multi-group WLSMV, as lavaan fits them.

    Each group has its own thresholds and polychoric correlations (two-step) and their asymptotic covariance
    (:func:`nacov`). The models follow lavaan's ``cfa(..., ordered = TRUE, group = , group.equal = )`` with the
    delta parameterization: *configural*, every parameter free in each group (scale factors 1, latent means 0);
    *metric*, loadings equal; *scalar*, loadings and thresholds equal, with the later groups' scale factors and
    latent means free (Wu & Estabrook 2016). Each fit gives the scaled-and-shifted chi-square with its scaled CFI
    and RMSEA; each model is compared with the one before by lavaan's ``lavTestLRT`` difference test for WLSMV
    (Satorra 2000, scaled and shifted, its matrix A by the delta method).

    Parameters
    ----------
    data : DataFrame
        Respondents x ordinal items (complete cases are used per group).
    constructs : dict
        Factor -> its items (the first is the marker).
    group : Series
        Group of each respondent, aligned with ``data``.

    Returns
    -------
    DataFrame
        One row per model: ``model``, ``chi2`` (scaled and shifted), ``chi2_unscaled``, ``df``, ``pvalue``,
        ``cfi``, ``rmsea`` (scaled), ``converged``, ``delta_chi2``, ``delta_df``, ``delta_pvalue`` (the scaled
        difference test).

    References
    ----------
    Wu, H. & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different levels of
    invariance for ordered categorical outcomes. *Psychometrika*, 81(4), 1014-1045. Satorra, A. (2000). Scaled and
    adjusted restricted tests in multi-sample analysis of moment structures. In *Innovations in Multivariate
    Statistical Analysis*, Kluwer, 233-247. Rosseel, Y. (2012). *J. Statistical Software*, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.survey.ordinal import multigroup_invariance
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(600, 1))
    >>> z = f * 0.7 + rng.normal(size=(600, 4)) * 0.7
    >>> d = pd.DataFrame(np.digitize(z, [-1, -0.2, 0.5, 1.2]) + 1, columns=["a", "b", "c", "d"])
    >>> t = multigroup_invariance(d, {"F": ["a", "b", "c", "d"]}, pd.Series(np.arange(600) % 2))
    >>> t["model"].tolist(), t["df"].tolist()
    (['configural', 'metric', 'scalar'], [4, 7, 18])
    """
    items = list(dict.fromkeys(i for its in constructs.values() for i in its))
    names = list(constructs)
    if any(sum(i in its for its in constructs.values()) > 1 for i in items):
        raise KamError("an item loads on two factors; the ordinal invariance tests fit simple structures (each item "
                       "on one factor).")
    keep = data[items].notna().all(axis=1) & group.notna()
    d, grp = data.loc[keep, items], group[keep]
    labels = list(pd.unique(grp))
    if len(labels) < 2:
        raise KamError("measurement invariance needs at least two groups with answers.")
    levels = {i: sorted(d[i].unique()) for i in items}
    unused = _unused_answer(data, items, group)
    if unused:
        g, i, answer = unused
        raise KamError(f"in the group '{g}' nobody chose {answer} on the item '{i}'; thresholds can be held equal only "
                       "where every group uses every answer: merge that answer with its neighbour, or compare the "
                       "groups by the continuous (ML) tests.")
    stats_g = []
    for g in labels:
        dg = d[grp == g]
        if len(dg) <= len(items):
            raise KamError(f"the group '{g}' has {len(dg)} complete answers for {len(items)} items; measurement "
                           "invariance needs more respondents per group than items.")
        poly, gamma, _, _, r, _, _ = _moments(dg)
        gamma = gamma.to_numpy()
        stats_g.append((len(dg), np.concatenate([poly.thresholds["value"].to_numpy(), r]), gamma,
                        1.0 / np.diag(gamma)))
    p, K, G = len(items), len(names), len(labels)
    n_th = [len(levels[i]) - 1 for i in items]
    th_item = np.repeat(np.arange(p), n_th)
    ii = np.array([i for j in range(p) for i in range(j + 1, p)])
    jj = np.array([j for j in range(p) for i in range(j + 1, p)])
    factor_of = np.array([next(k for k, f in enumerate(names) if items[i] in constructs[f]) for i in range(p)])
    marker = np.array([constructs[names[factor_of[i]]][0] == items[i] for i in range(p)])
    free_lam = np.flatnonzero(~marker)
    psi_idx = [(a, b) for a in range(K) for b in range(a, K)]
    N = sum(n for n, *_ in stats_g)
    fg = np.array([n for n, *_ in stats_g]) / N

    def layout(level):
        """Parameter slices: per-group or shared loadings and thresholds, and the later groups' scale factors and
        latent means (scalar only)."""
        shared_lam, shared_th = level != "configural", level == "scalar"
        sizes = [("lam", len(free_lam) * (1 if shared_lam else G)), ("psi", len(psi_idx) * G),
                 ("th", len(th_item) * (1 if shared_th else G)),
                 ("delta", p * (G - 1) if shared_th else 0), ("alpha", K * (G - 1) if shared_th else 0)]
        out, at = {}, 0
        for key, size in sizes:
            out[key] = slice(at, at + size)
            at += size
        return out, at, shared_lam, shared_th

    def implied(theta, level):
        sl, _, shared_lam, shared_th = layout(level)
        out = []
        for g in range(G):
            lam = np.zeros((p, K))
            lam[np.arange(p), factor_of] = 1.0
            vals = theta[sl["lam"]]
            lam[free_lam, factor_of[free_lam]] = vals if shared_lam else vals[g * len(free_lam):(g + 1) * len(free_lam)]
            psi = np.zeros((K, K))
            for v, (a, b) in zip(theta[sl["psi"]][g * len(psi_idx):(g + 1) * len(psi_idx)], psi_idx):
                psi[a, b] = psi[b, a] = v
            th = theta[sl["th"]] if shared_th else theta[sl["th"]][g * len(th_item):(g + 1) * len(th_item)]
            scale, mean = np.ones(p), np.zeros(K)
            if shared_th and g > 0:
                scale = theta[sl["delta"]][(g - 1) * p:g * p]
                mean = theta[sl["alpha"]][(g - 1) * K:g * K]
            cov = lam @ psi @ lam.T
            out.append(np.concatenate([scale[th_item] * (th - (lam @ mean)[th_item]),
                                       scale[ii] * scale[jj] * cov[ii, jj]]))
        return out

    converged = {}

    def fit(level):
        sl, n_par, shared_lam, shared_th = layout(level)
        start = np.zeros(n_par)
        start[sl["lam"]] = 1.0
        start[sl["psi"]] = np.tile([0.5 if a == b else 0.2 for a, b in psi_idx], G)
        start[sl["th"]] = stats_g[0][1][:len(th_item)] if shared_th else \
            np.concatenate([s[:len(th_item)] for _, s, _, _ in stats_g])
        start[sl["delta"]] = 1.0
        weights = [np.sqrt(f * w) for f, (_, _, _, w) in zip(fg, stats_g)]
        res = optimize.least_squares(
            lambda t: np.concatenate([wt * (s - m) for wt, (_, s, _, _), m in zip(weights, stats_g, implied(t, level))]),
            start, xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20_000)
        theta = res.x
        converged[level] = bool(res.success)
        h = 1e-7
        cols = [np.concatenate(implied(theta + h * e, level)) - np.concatenate(implied(theta - h * e, level))
                for e in np.eye(n_par)]
        delta = np.column_stack(cols) / (2 * h)
        resid = [s - m for (_, s, _, _), m in zip(stats_g, implied(theta, level))]
        t_stat = sum((n - 1) * (w * r ** 2).sum() for (n, _, _, w), r in zip(stats_g, resid))  # as lavaan: N_g - 1
        return theta, delta, t_stat, n_par

    sizes = [len(s) for _, s, _, _ in stats_g]
    bounds = np.r_[0, np.cumsum(sizes)]
    V = np.diag(np.concatenate([f * w for f, (_, _, _, w) in zip(fg, stats_g)]))
    gamma_all = np.zeros((bounds[-1], bounds[-1]))
    for g, (_, _, gm, _) in enumerate(stats_g):
        gamma_all[bounds[g]:bounds[g + 1], bounds[g]:bounds[g + 1]] = gm / fg[g]

    def scaled(t_stat, dof, delta):
        E_inv = np.linalg.pinv(delta.T @ V @ delta)
        return _scaled_shifted(t_stat, dof, gamma_all @ V - delta @ E_inv @ delta.T @ V @ gamma_all @ V)

    # the baseline: thresholds free in each group, correlations zero
    base_delta = np.zeros((bounds[-1], G * len(th_item)))
    for g in range(G):
        base_delta[bounds[g]:bounds[g] + len(th_item), g * len(th_item):(g + 1) * len(th_item)] = np.eye(len(th_item))
    t_base = (N - G) * sum(f * (w[len(th_item):] * s[len(th_item):] ** 2).sum() for f, (_, s, _, w) in zip(fg, stats_g))
    df_base = G * len(ii)
    base = scaled(t_base, df_base, base_delta)
    rows, fits = [], {}
    n_stats = bounds[-1]
    for level in ("configural", "metric", "scalar"):
        theta, delta, t_stat, n_par = fit(level)
        df = n_stats - n_par
        chi2 = scaled(t_stat, df, delta)
        fits[level] = (delta, t_stat, df)
        cfi = 1 - max(chi2 - df, 0) / max(chi2 - df, base - df_base, 1e-12)
        rows.append({"model": level, "chi2": chi2, "chi2_unscaled": t_stat, "df": df,
                     "pvalue": float(stats.chi2.sf(chi2, df)), "cfi": float(min(max(cfi, 0.0), 1.0)),
                     "rmsea": float(np.sqrt(max(chi2 - df, 0) / (df * (N - G))) * np.sqrt(G)),
                     "converged": converged[level]})
    W_plain = np.concatenate([w for _, _, _, w in stats_g])
    gamma_f = np.zeros_like(gamma_all)
    for g, (_, _, gm, _) in enumerate(stats_g):
        gamma_f[bounds[g]:bounds[g + 1], bounds[g]:bounds[g + 1]] = fg[g] * gm
    for row, (free_model, restricted) in zip(rows[1:], (("configural", "metric"), ("metric", "scalar"))):
        d1, t1, r1 = fits[free_model]
        d0, t0, r0 = fits[restricted]
        t_delta = _scaled_difference(t1, r1, d1, t0, r0, d0, W_plain, gamma_f, V)
        row.update(delta_chi2=t_delta, delta_df=r0 - r1, delta_pvalue=float(stats.chi2.sf(t_delta, r0 - r1)))
    return pd.DataFrame(rows, columns=["model", "chi2", "chi2_unscaled", "df", "pvalue", "cfi", "rmsea", "converged",
                                       "delta_chi2", "delta_df", "delta_pvalue"])
