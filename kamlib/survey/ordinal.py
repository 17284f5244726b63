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

__all__ = ["Polychoric", "polychoric"]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(40)


def _bvn(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """P(X <= h, Y <= k) for a standard bivariate normal with correlation ``rho`` (h, k may be infinite):
    Phi(h) Phi(k) + the integral over r from 0 to rho of the bivariate density at (h, k; r)."""
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    base = special.ndtr(h) * special.ndtr(k)
    if rho == 0:
        return base
    r = 0.5 * rho * (_NODES + 1.0)  # nodes on [0, rho]
    hh, kk = h[..., None], k[..., None]
    finite = np.isfinite(hh) & np.isfinite(kk)
    hf, kf = np.where(finite, hh, 0.0), np.where(finite, kk, 0.0)
    one = 1.0 - r ** 2
    dens = np.exp(-(hf ** 2 - 2 * r * hf * kf + kf ** 2) / (2 * one)) / (2 * np.pi * np.sqrt(one))
    dens = np.where(finite, dens, 0.0)
    return base + 0.5 * rho * (dens * _WEIGHTS).sum(axis=-1)


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
        values = d[c]
        levels = (list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype)
                  else sorted(values.unique()))
        if len(levels) < 2:
            raise KamError(f"the item {c!r} has one answer ({levels[0] if levels else '-'}) for every respondent; "
                           "leave it out.")
        if len(levels) > 15:
            raise KamError(f"the item {c!r} has {len(levels)} distinct answers; polychoric correlations are for "
                           "ordered categories (at most 15): treat it as continuous.")
        code = pd.Categorical(values, categories=levels, ordered=True).codes.astype(int)
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
