"""The Gamma-Gamma spend model's likelihood with its analytic gradient, and its registry entry.

References
----------
Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://www.brucehardie.com/notes/025/gamma_gamma.pdf
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for customer base analysis.
*Journal of Marketing Research*, 42(4), 415-430. https://doi.org/10.1509/jmkr.2005.42.4.415 (the spend model's source)
"""

from __future__ import annotations

import numpy as np

from ._bgnbd import distinct_frequencies
from ._optimize import weighted
from .base import Model

__all__ = ["GammaGamma", "nll"]


def nll(log_params, x, m, weights, penalizer):
    """Gamma-Gamma negative log-likelihood per unit weight and its gradient in log-parameters; the
    objective of lifetimes' GammaGammaFitter (Fader & Hardie 2013, eq. 1a). ``x`` is a pair
    (unique frequencies, index of each row), as in :func:`kamlib.clv._bgnbd.nll_bgnbd`."""
    from scipy.special import digamma, gammaln

    xu, inv = x
    xr = xu[inv]
    theta = np.exp(log_params)
    p, q, v = theta
    lxm = np.log(xr * m + v)
    ll = ((gammaln(p * xu + q) - gammaln(p * xu) - gammaln(q) + p * xu * np.log(xu))[inv] + q * np.log(v)
          + (p * xr - 1) * np.log(m) - (p * xr + q) * lxm)
    dp = (xu * (digamma(p * xu + q) - digamma(p * xu) + np.log(xu)))[inv] + xr * (np.log(m) - lxm)
    dq = (digamma(p * xu + q) - digamma(q))[inv] + np.log(v) - lxm
    dv = q / v - (p * xr + q) / (xr * m + v)
    W = weights.sum()
    grad = -np.array([weighted(weights, d) for d in (dp, dq, dv)]) / W * theta + 2 * penalizer * theta ** 2
    return -weighted(weights, ll) / W + penalizer * (theta ** 2).sum(), grad


class GammaGamma(Model):
    """The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013), for repeat buyers."""

    name, label, params, order = "gamma_gamma", "Gamma-Gamma", ("p", "q", "v"), 10
    columns, kind = ("frequency", "monetary_value"), "spend"

    @classmethod
    def args(cls, suff):
        return distinct_frequencies(suff, cls.columns)

    @classmethod
    def objective(cls, k=None):
        return nll

    @classmethod
    def fitter(cls, penalizer=0.0):
        from lifetimes import GammaGammaFitter

        return GammaGammaFitter(penalizer_coef=penalizer)
