"""Contractual retention: the shifted-beta-geometric (sBG) and the beta-discrete-Weibull (BdW) models.

Where customers hold contracts that they renew or not at the end of each period (annual frame contracts, monthly
subscriptions), churn is observed, and a cohort's customers alive at the start of each period are all the data the
models need. Each customer renews with a probability that stays fixed over time (sBG, Fader and Hardie 2007) or
that changes with the customer's tenure (BdW, Fader et al. 2018: a discrete-Weibull lifetime with shape ``c``;
``c < 1`` a customer becomes less likely to leave the longer they stay, ``c > 1`` more likely); the churn
probabilities differ across customers by a beta distribution. The aggregate retention rate then rises over time
even when no customer's own does (sorting: the likely leavers leave first).

* :func:`fit` estimates either model by maximum likelihood from the survivors of one or several cohorts (the
  likelihood summed over cohorts), with the analytic gradient, in log-space (``scipy.special.betaln``).
* The result (:class:`Fit`) projects survival and retention for any period, the expected lifetime and the
  discounted expected residual lifetime (DERL, Fader and Hardie 2010).
* :func:`cohorts` turns a renewal log (one row per customer and contract period, or one row per customer with a
  start and an end) into each cohort's survivors; :func:`compare` sets the two models side by side (BIC and the
  likelihood-ratio test of ``c = 1``); :func:`simulate` draws a renewal log from the BdW (the sBG at ``c = 1``).

Notes
-----
With :math:`\\theta \\sim \\mathrm{Beta}(\\alpha, \\beta)` the churn probability and :math:`T` the period in which a
customer leaves (:math:`T \\geq 1`), the BdW survival function is

.. math:: S(t) = P(T > t) = \\frac{B(\\alpha, \\beta + t^c)}{B(\\alpha, \\beta)}, \\qquad t = 0, 1, 2, \\ldots

and the sBG is the BdW at :math:`c = 1`. A cohort with :math:`n_0, \\ldots, n_m` customers alive at the start of
periods :math:`0, \\ldots, m` contributes
:math:`\\sum_{t=1}^{m} (n_{t-1} - n_t) \\log[S(t-1) - S(t)] + n_m \\log S(m)`. The retention rate of period
:math:`t` is :math:`r(t) = S(t) / S(t-1)` (sBG: :math:`(\\beta + t - 1) / (\\alpha + \\beta + t - 1)`).

References
----------
Fader, P. S., & Hardie, B. G. S. (2007). How to project customer retention. *Journal of Interactive Marketing*,
21(1), 76-90.

Fader, P. S., & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting: The perils of ignoring
heterogeneity. *Marketing Science*, 29(1), 85-93.

Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J., & Steenburgh, T. (2018). "How to project customer retention"
revisited: The role of duration dependence. *Journal of Interactive Marketing*, 43, 1-16.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import integrate, optimize, special, stats

from ._results import Result
from .errors import ArgumentError
from .i18n import Message
from .verdicts import RULES

__all__ = ["CohortFits", "Cohorts", "Comparison", "EXAMPLE", "Fit", "MODELS", "ROLES", "check", "cohorts", "compare",
           "fit", "fit_cohorts", "fit_table", "holdout_check", "log_likelihood", "plot_survival", "projection_table",
           "read", "simulate", "value_table"]

#: The models :func:`fit` estimates: name -> (label, parameters).
MODELS = {"sbg": ("sBG", ("alpha", "beta")), "bdw": ("BdW", ("alpha", "beta", "c"))}

#: The simulated renewal log a study gets with ``retention.source: simulated`` (:func:`simulate`, with the study's
#: seed): three yearly cohorts of 300 accounts over six years, from the BdW with these parameters.
EXAMPLE = {"customers": 300, "periods": 6, "alpha": 0.8, "beta": 2.0, "c": 0.7, "cohorts": 3}

#: Bounds of the log-parameters in the search (alpha and beta from 6e-6 to 1.6e5, c from 0.007 to 20): a fit that
#: ends on one is flagged (``Fit.at_bound``).
_BOUNDS = {"alpha": (-12.0, 12.0), "beta": (-12.0, 12.0), "c": (-5.0, 3.0)}
#: The series of :meth:`Fit.derl` is summed until its remainder is below this.
_TAIL = 1e-10


# -- the survival function and the likelihood ---------------------------------------------------------------------

def _log_survival(t, alpha: float, beta: float, c: float = 1.0) -> np.ndarray:
    """log S(t) = log B(alpha, beta + t^c) - log B(alpha, beta), for t >= 0 (0 at t = 0)."""
    tc = np.power(np.asarray(t, float), c)
    return special.betaln(alpha, beta + tc) - special.betaln(alpha, beta)


def _log_survival_grad(t: np.ndarray, alpha: float, beta: float, c: float) -> np.ndarray:
    """d log S(t) / d (log alpha, log beta, log c), one row per t."""
    t = np.asarray(t, float)
    tc = np.power(t, c)
    ab = special.digamma(alpha + beta)
    abt = special.digamma(alpha + beta + tc)
    bt = special.digamma(beta + tc)
    d_alpha = ab - abt
    d_beta = bt - abt - special.digamma(beta) + ab
    with np.errstate(divide="ignore", invalid="ignore"):
        d_c = np.where(t > 0, tc * np.log(np.where(t > 0, t, 1.0)) * (bt - abt), 0.0)
    return np.column_stack([alpha * d_alpha, beta * d_beta, c * d_c])


def _series(alive) -> list[np.ndarray]:
    """The survivor series of ``alive`` (one sequence, several, a dict of them, or a :class:`Cohorts`), checked."""
    if isinstance(alive, dict):  # Cohorts.calibration: cohort label -> survivors
        alive = list(alive.values())
    if isinstance(alive, Cohorts):  # a cohort observed at its start only tells nothing about renewals
        alive = [s for s in alive.survivors if len(s) > 1]
    if isinstance(alive, (pd.Series, np.ndarray)) and np.ndim(alive) == 1:
        alive = [alive]
    elif isinstance(alive, Sequence) and len(alive) and not np.ndim(alive[0]):
        alive = [alive]
    if not isinstance(alive, (Sequence, np.ndarray)) or not len(alive):
        raise ArgumentError("alive is empty; pass the customers alive at the start of each period, the cohort size "
                            "first (e.g. [1000, 631, 468]), or a list of such series, one per cohort.",
                            argument="alive")
    out = []
    for k, series in enumerate(alive):
        name = "alive" if len(alive) == 1 else f"alive[{k}]"
        try:
            n = np.asarray(series, float)
        except (TypeError, ValueError):
            raise ArgumentError(f"{name} holds values that are not numbers; pass the counts of customers alive at "
                                "the start of each period.", argument="alive") from None
        if n.ndim != 1 or len(n) < 2:
            raise ArgumentError(f"{name} has {n.size} value{'s' if n.size != 1 else ''}; a cohort needs its size and "
                                "the customers alive at the start of at least one later period.", argument="alive")
        if not np.isfinite(n).all() or (n < 0).any():
            raise ArgumentError(f"{name} holds a missing or negative count; pass the number of customers alive at the "
                                "start of each period (0 or more).", argument="alive")
        if n[0] <= 0:
            raise ArgumentError(f"{name} starts with {n[0]:g} customers; the first value is the cohort size, which "
                                "must be positive.", argument="alive")
        up = np.flatnonzero(np.diff(n) > 0)
        if len(up):
            t = int(up[0]) + 1
            raise ArgumentError(f"{name} increases from {n[t - 1]:g} in period {t - 1} to {n[t]:g} in period {t}; "
                                "the customers alive at the start of each period can only fall, so count each "
                                "customer in the cohort of the period they first signed (a returning customer is not "
                                "a survivor).", argument="alive")
        out.append(n)
    return out


def _calibration(series, holdout: int) -> list[int] | None:
    """One cohort's survivors without its last ``holdout`` values, or None when no renewal is left (fewer than two
    values): the one rule of :meth:`Cohorts.calibration`, :func:`fit_cohorts` and :func:`holdout_check`."""
    kept = list(series)[:max(len(series) - holdout, 0)]
    return kept if len(kept) >= 2 else None


def _nll(x: np.ndarray, series: list[np.ndarray], model: str, scale: float) -> tuple[float, np.ndarray]:
    """The negative log-likelihood divided by ``scale`` and its gradient in the log-parameters ``x``."""
    alpha, beta = math.exp(x[0]), math.exp(x[1])
    c = math.exp(x[2]) if model == "bdw" else 1.0
    m = max(len(n) for n in series) - 1
    t = np.arange(m + 1)
    ls = _log_survival(t, alpha, beta, c)
    gs = _log_survival_grad(t, alpha, beta, c)
    # log[S(t-1) - S(t)] = log S(t-1) + log(1 - r(t)), r(t) = S(t)/S(t-1) below 1
    step = np.minimum(ls[1:] - ls[:-1], -1e-300)
    log_one_minus_r = np.log(-np.expm1(step))
    ld = ls[:-1] + log_one_minus_r
    r = np.exp(step)[:, None]
    gd = (gs[:-1] - r * gs[1:]) / (1 - r)
    ll, grad = 0.0, np.zeros(3)
    for n in series:
        k = len(n) - 1
        lost = n[:-1] - n[1:]
        ll += float(lost @ ld[:k] + n[-1] * ls[k])
        grad += lost @ gd[:k] + n[-1] * gs[k]
    if not np.isfinite(ll):
        return 1e300, np.zeros(len(x))
    return -ll / scale, -grad[:len(x)] / scale


def log_likelihood(alive, *, alpha: float, beta: float, c: float = 1.0) -> float:
    """The log-likelihood of survivor counts under the BdW with parameters ``alpha``, ``beta``, ``c`` (the sBG at
    ``c = 1``), summed over cohorts.

    Parameters
    ----------
    alive : sequence of int, or list of them
        The customers alive at the start of each period, the cohort size first; a list of such series for several
        cohorts.
    alpha, beta : float
        The beta distribution of the churn probabilities (positive).
    c : float
        The discrete-Weibull shape (1: the sBG).

    Returns
    -------
    float

    References
    ----------
    Fader, P. S., & Hardie, B. G. S. (2007). How to project customer retention. *Journal of Interactive Marketing*,
    21(1), 76-90.

    Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J., & Steenburgh, T. (2018). "How to project customer retention"
    revisited: The role of duration dependence. *Journal of Interactive Marketing*, 43, 1-16.

    Examples
    --------
    >>> from kamlib.retention import log_likelihood
    >>> round(log_likelihood([1000, 869, 743, 653, 593, 551, 517, 491], alpha=1, beta=1), 1)
    -2115.5
    """
    if min(alpha, beta, c) <= 0:
        raise ArgumentError(f"alpha, beta and c must be positive, not {alpha:g}, {beta:g} and {c:g}.",
                            argument="alpha")
    x = np.log([alpha, beta, c])
    return -_nll(x, _series(alive), "bdw", 1.0)[0]


#: Periods of the BdW's expected lifetime summed directly before the Euler-Maclaurin remainder (:func:`_bdw_lifetime`).
_HEAD = 1000


def _bdw_lifetime(alpha: float, beta: float, c: float) -> float:
    """The BdW's expected lifetime, sum of S(t) for t >= 0, when ``c * alpha > 1`` (:meth:`Fit.expected_lifetime`'s
    Notes): the first ``_HEAD`` terms, then the integral of the tail by quadrature over the churn probability and
    the Euler-Maclaurin boundary terms."""
    n = _HEAD
    head = float(np.exp(_log_survival(np.arange(n), alpha, beta, c)).sum())
    with np.errstate(over="ignore"):
        nc = float(np.power(float(n), c))
    if not math.isfinite(nc):  # S(N) is 0 to double precision
        return head
    s_n = math.exp(float(_log_survival(n, alpha, beta, c)))
    slope = c * nc / n * float(special.digamma(beta + nc) - special.digamma(alpha + beta + nc))  # d log S / dt
    a = 1.0 / c

    def per_customer(theta: float) -> float:  # (lambda / theta)^(-1/c) Q(1/c, lambda N^c); theta^(-1/c) is weighted
        if theta >= 1.0:
            return 0.0
        lam = -math.log1p(-theta)
        return (lam / theta if theta > 0 else 1.0) ** -a * float(special.gammaincc(a, lam * nc))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value = integrate.quad(per_customer, 0.0, 1.0, weight="alg", wvar=(alpha - 1 - a, beta - 1), limit=400,
                               epsabs=0.0, epsrel=1e-11)[0]
    tail = math.exp(special.gammaln(1 + a) - special.betaln(alpha, beta)) * value
    return head + tail + s_n / 2 - s_n * slope / 12


# -- the result ---------------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Fit(Result):
    """A fitted sBG or BdW model: its parameters, log-likelihood and projections.

    Attributes
    ----------
    model : str
        ``"sbg"`` or ``"bdw"``.
    alpha, beta : float
        The beta distribution of the churn probabilities; its mean churn probability is
        ``alpha / (alpha + beta)``.
    c : float
        The discrete-Weibull shape (1 for the sBG).
    loglik : float
        The maximised log-likelihood, summed over cohorts.
    n_params : int
        2 (sBG) or 3 (BdW).
    customers : int
        The cohort sizes summed (the ``n`` of the BIC).
    cohorts : int
        How many survivor series were fitted.
    periods : int
        The longest series' number of periods after the start (its renewals observed).
    bic, aic : float
        ``-2 loglik + n_params log(customers)`` and ``-2 loglik + 2 n_params``.
    converged : bool
        Whether the optimiser reported success.
    at_bound : bool
        Whether a parameter ended on the bound of the search (an estimate there is a limit, not a number).
    alpha_se, beta_se, c_se : float or None
        Standard errors from the observed information (the inverse Hessian of the log-likelihood in the
        log-parameters, by the delta method); None at a bound, for the sBG's ``c``, or when the Hessian is singular.
    """

    model: str
    alpha: float
    beta: float
    c: float
    loglik: float
    n_params: int
    customers: int
    cohorts: int
    periods: int
    bic: float
    aic: float
    converged: bool
    at_bound: bool
    alpha_se: float | None = None
    beta_se: float | None = None
    c_se: float | None = None

    @property
    def label(self) -> str:
        """The model's name as printed: sBG or BdW."""
        return MODELS[self.model][0]

    @property
    def params(self) -> dict[str, float]:
        """``alpha``, ``beta`` and, for the BdW, ``c``."""
        return {name: getattr(self, name) for name in MODELS[self.model][1]}

    def survival(self, t):
        """The share of a cohort alive after ``t`` periods, ``S(t)`` (1 at ``t = 0``).

        Parameters
        ----------
        t : int or array of int
            Periods since the start (0 or more).

        Returns
        -------
        float or ndarray
        """
        t = np.asarray(t, float)
        if (t < 0).any():
            raise ArgumentError("t must be 0 or more (periods since the cohort started).", argument="t")
        out = np.exp(_log_survival(t, self.alpha, self.beta, self.c))
        return float(out) if out.ndim == 0 else out

    def retention(self, t):
        """The retention rate of period ``t``, ``S(t) / S(t - 1)``: the share of the customers alive at the start of
        period ``t - 1`` who renew for period ``t``.

        Parameters
        ----------
        t : int or array of int
            Periods since the start (1 or more).

        Returns
        -------
        float or ndarray
        """
        t = np.asarray(t, float)
        if (t < 1).any():
            raise ArgumentError("t must be 1 or more: the first renewal is at the end of period 0.", argument="t")
        ls = _log_survival(t, self.alpha, self.beta, self.c) - _log_survival(t - 1, self.alpha, self.beta, self.c)
        out = np.exp(ls)
        return float(out) if out.ndim == 0 else out

    def _tail_terms(self, ratio: float) -> int:
        """How many terms of a series of survival probabilities times ``ratio ** k`` bound its remainder by
        ``_TAIL``."""
        return int(math.ceil(math.log(_TAIL * (1 - ratio)) / math.log(ratio))) + 1

    def expected_lifetime(self, horizon: int | None = None) -> float:
        """The expected number of periods a new customer stays, ``sum of S(t) for t >= 0`` (the first period
        counts). With ``horizon``, the expected periods within the first ``horizon``.

        The mean exists only when ``c * alpha > 1`` (the sBG: ``alpha > 1``); otherwise it is ``inf``: the survival
        falls as :math:`t^{-c\\alpha}`, so the few customers with a churn probability near 0 stay so long that the
        sum diverges (a heavy tail), and customers are valued by their discounted lifetime (:meth:`derl`) instead.

        Parameters
        ----------
        horizon : int, optional
            Count the periods up to this many (default: all).

        Returns
        -------
        float

        Notes
        -----
        The sBG's is :math:`(\\alpha + \\beta - 1) / (\\alpha - 1)`. The BdW's is summed directly to
        :math:`N = 1000` and the rest by Euler-Maclaurin, :math:`\\sum_{t \\geq N} S(t) = \\int_N^\\infty S(t)\\,dt
        + S(N)/2 - S'(N)/12 + \\ldots`, where the integral is one quadrature over the churn probability,
        :math:`\\int_N^\\infty S(t)\\,dt = \\Gamma(1 + 1/c)\\, E[\\lambda^{-1/c} Q(1/c, \\lambda N^c)]`,
        :math:`\\lambda = -\\log(1 - \\theta)`, :math:`Q` the regularised upper incomplete gamma function (each
        customer's :math:`\\int_N^\\infty (1 - \\theta)^{t^c} dt`), taken with the beta density's algebraic weight
        :math:`\\theta^{\\alpha - 1 - 1/c}`, integrable exactly when :math:`c\\alpha > 1`. It takes milliseconds
        at any parameters and agrees with a long direct sum to about 1e-10 (relative).
        """
        if horizon is not None:
            if horizon < 1:
                raise ArgumentError(f"horizon must be 1 or more periods, not {horizon}.", argument="horizon")
            return float(np.exp(_log_survival(np.arange(horizon), self.alpha, self.beta, self.c)).sum())
        if self.c * self.alpha <= 1:
            return math.inf
        if self.model == "sbg":
            return (self.alpha + self.beta - 1) / (self.alpha - 1)
        return _bdw_lifetime(self.alpha, self.beta, self.c)

    def derl(self, discount_rate: float, renewals: int = 0) -> float:
        """The discounted expected residual lifetime (Fader and Hardie 2010): the expected number of further
        periods, each discounted by ``discount_rate`` per period, of a customer who has renewed ``renewals`` times
        and is about to decide on the next renewal. The next period counts undiscounted (paid at its start).
        Times the margin per period, it is the customer's residual value.

        Parameters
        ----------
        discount_rate : float
            Per period (an annual rate for annual contracts), above 0.
        renewals : int
            Renewals already made (0: a customer in their first period).

        Returns
        -------
        float

        Notes
        -----
        :math:`\\mathrm{DERL}(d \\mid n) = \\sum_{t > n} \\frac{S(t)}{S(n)} (1 + d)^{-(t - n - 1)}`; for the sBG
        :math:`\\frac{\\beta + n}{\\alpha + \\beta + n} \\, {}_2F_1(1, \\beta + n + 1; \\alpha + \\beta + n + 1;
        \\frac{1}{1 + d})`.
        """
        if not discount_rate > 0:
            raise ArgumentError(f"discount_rate must be above 0 (per period), not {discount_rate}; an undiscounted "
                                "lifetime is expected_lifetime().", argument="discount_rate")
        if renewals < 0:
            raise ArgumentError(f"renewals must be 0 or more, not {renewals}.", argument="renewals")
        ratio = 1 / (1 + discount_rate)
        k = np.arange(self._tail_terms(ratio))
        ls = _log_survival(renewals + 1 + k, self.alpha, self.beta, self.c)
        ls0 = _log_survival(renewals, self.alpha, self.beta, self.c)
        return float(np.sum(np.exp(ls - ls0 + k * math.log(ratio))))

    def projection(self, periods: int, alive: Sequence | None = None) -> pd.DataFrame:
        """Survival and retention for periods 0 to ``periods``, beside the observed ones when ``alive`` is given.

        Parameters
        ----------
        periods : int
            The last period projected.
        alive : sequence of int, optional
            One cohort's customers alive at the start of each period (compared with the projection; may be longer
            or shorter than what was fitted).

        Returns
        -------
        DataFrame
            ``period``, ``survival``, ``retention`` (NaN at 0) and, with ``alive``, ``expected_alive``,
            ``observed_alive``, ``observed_survival`` and ``observed_retention``.
        """
        t = np.arange(periods + 1)
        out = pd.DataFrame({"period": t, "survival": self.survival(t),
                            "retention": np.r_[np.nan, self.retention(t[1:])]})
        if alive is not None:
            n = _series(alive)[0]
            obs = np.full(len(t), np.nan)
            obs[:min(len(n), len(t))] = n[:len(t)]
            out["expected_alive"] = n[0] * out["survival"]
            out["observed_alive"] = obs
            out["observed_survival"] = obs / n[0]
            out["observed_retention"] = np.r_[np.nan, obs[1:] / obs[:-1]]
        return out


# -- fitting ------------------------------------------------------------------------------------------------------

def _problem(series: list[np.ndarray], model: str) -> Message | None:
    """Why survivors that passed :func:`_series` cannot identify ``model``, in one sentence, or None."""
    label, names = MODELS[model]
    customers = sum(float(n[0]) for n in series)
    periods = max(len(n) for n in series) - 1
    if sum(float(n[0] - n[-1]) for n in series) == 0:
        return Message("No customer is lost in {which} ({customers:,.0f} customers over {periods} periods), so the "
                       "{model} cannot estimate churn from it; add periods or cohorts in which some contracts end, or "
                       "report the retention as observed (100%).",
                       which=Message("the cohort", "phrase") if len(series) == 1 else Message("any cohort", "phrase"),
                       customers=customers, periods=periods, model=label)
    if sum(float(n[-1]) for n in series) == 0 and all(len(n) == 2 or n[1] == 0 for n in series):
        return Message("Every customer is lost in the first period, so the {model} cannot tell how churn differs "
                       "across customers; add cohorts with customers who renew.", model=label)
    if periods < len(names):
        return Message("The {model} has {k} parameters and the survivors show {periods} periods of renewals; it needs "
                       "at least {k} (the customers alive at the start of periods 0 to {k}).", model=label,
                       k=len(names), periods=periods)
    return None


def check(alive, model: str = "sbg", stage: str | None = None):
    """Whether survivors can identify ``model``: a :class:`kamlib.stages.Check` whose reason says why not.

    Parameters
    ----------
    alive : sequence of int, list of them, or Cohorts
        As :func:`fit` takes them.
    model : {"sbg", "bdw"}
        The model.
    stage : str, optional
        The stage's name in the check (default: the model's label and "retention model").

    Returns
    -------
    kamlib.stages.Check

    Examples
    --------
    >>> from kamlib import retention
    >>> retention.check([100, 100, 100]).reason[:39]
    'No customer is lost in the cohort (100 '
    >>> bool(retention.check([100, 80, 70], model="bdw"))
    False
    """
    from .stages import Check

    if model not in MODELS:
        raise ArgumentError(f"model must be one of {', '.join(MODELS)}, not {model!r}.", argument="model")
    stage = stage or f"{MODELS[model][0]} retention model"
    if not (alive.survivors if isinstance(alive, Cohorts) else alive):
        return Check(stage, False, Message("No cohort has a period of renewals to fit; the log needs customers "
                                           "observed for at least two periods."))
    problem = _problem(_series(alive), model)
    return Check(stage, problem is None, problem or "")


def fit(alive, model: str = "sbg") -> Fit:
    """Fit the sBG or the BdW by maximum likelihood to the survivors of one or several cohorts.

    Parameters
    ----------
    alive : sequence of int, list of them, dict of them, or Cohorts
        The customers alive at the start of each period, the cohort size first (``[1000, 631, 468, ...]``); a list
        of such series, one per cohort (of any lengths; the likelihood is summed); a dict of them
        (:meth:`Cohorts.calibration`); or :func:`cohorts`' result (its cohorts observed at their start only are left
        out).
    model : {"sbg", "bdw"}
        The shifted-beta-geometric (``alpha``, ``beta``) or the beta-discrete-Weibull (``alpha``, ``beta``,
        ``c``).

    Returns
    -------
    Fit
        ``params``, ``loglik``, ``bic``, and ``survival(t)``, ``retention(t)``, ``expected_lifetime()``,
        ``derl(discount_rate, renewals)`` and ``projection(periods)``.

    Notes
    -----
    A bounded truncated-Newton search (scipy's TNC) on the log-parameters with the analytic gradient, from several
    starts (the BdW also from the sBG's
    estimate at ``c = 1``); the best optimum is kept. The data must show some churn and some survival, and at
    least as many periods of renewals as the model has parameters.

    References
    ----------
    Fader, P. S., & Hardie, B. G. S. (2007). How to project customer retention. *Journal of Interactive Marketing*,
    21(1), 76-90.

    Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J., & Steenburgh, T. (2018). "How to project customer retention"
    revisited: The role of duration dependence. *Journal of Interactive Marketing*, 43, 1-16.

    Examples
    --------
    >>> from kamlib import retention
    >>> high_end = [1000, 869, 743, 653, 593, 551, 517, 491]   # Fader and Hardie (2007), years 0-7
    >>> sbg = retention.fit(high_end)
    >>> {k: round(v, 3) for k, v in sbg.params.items()}
    {'alpha': 0.668, 'beta': 3.806}
    >>> round(float(sbg.survival(12)), 3)
    0.378
    >>> bdw = retention.fit(high_end, model="bdw")
    >>> sorted(bdw.params), bdw.loglik >= sbg.loglik
    (['alpha', 'beta', 'c'], True)
    """
    if model not in MODELS:
        raise ArgumentError(f"model must be one of {', '.join(MODELS)}, not {model!r}.", argument="model")
    series = _series(alive)
    names = MODELS[model][1]
    problem = _problem(series, model)
    if problem is not None:
        raise ArgumentError(str(problem), argument="alive")
    customers = sum(float(n[0]) for n in series)
    periods = max(len(n) for n in series) - 1
    scale = customers
    bounds = [_BOUNDS[n] for n in names]
    starts = [np.array([0.0, 0.0]), np.array([-1.0, 1.0]), np.array([1.0, 2.0])]
    if model == "bdw":
        base = fit(series, "sbg")
        starts = [np.r_[np.log([base.alpha, base.beta]), 0.0]] + [np.r_[s, lc] for s in starts[:2]
                                                                   for lc in (math.log(0.5), math.log(2.0))]
    best = None
    for x0 in starts:
        x0 = np.clip(x0, [b[0] for b in bounds], [b[1] for b in bounds])
        res = optimize.minimize(_nll, x0, args=(series, model, scale), jac=True, method="TNC", bounds=bounds,
                                options={"maxfun": 3000, "ftol": 1e-15, "xtol": 1e-12, "gtol": 1e-12})
        if best is None or res.fun < best.fun:
            best = res
    x = best.x
    at_bound = any(abs(v - lo) < 1e-6 or abs(v - hi) < 1e-6 for v, (lo, hi) in zip(x, bounds))
    p = dict(zip(names, np.exp(x)))
    ll = -best.fun * scale
    k = len(names)
    return Fit(model=model, alpha=float(p["alpha"]), beta=float(p["beta"]), c=float(p.get("c", 1.0)),
               loglik=float(ll), n_params=k, customers=int(round(customers)), cohorts=len(series), periods=periods,
               bic=float(-2 * ll + k * math.log(customers)), aic=float(-2 * ll + 2 * k),
               converged=bool(best.success), at_bound=bool(at_bound),
               **({} if at_bound else _standard_errors(x, series, model, names)))


def _standard_errors(x: np.ndarray, series: list[np.ndarray], model: str, names) -> dict:
    """``<param>_se`` from the Hessian of the log-likelihood in the log-parameters (central differences of the
    analytic gradient), by the delta method; empty when the Hessian is not positive definite."""
    k, h = len(x), 1e-5
    hess = np.empty((k, k))
    for i in range(k):
        step = np.zeros(k)
        step[i] = h
        hess[i] = (_nll(x + step, series, model, 1.0)[1] - _nll(x - step, series, model, 1.0)[1]) / (2 * h)
    hess = (hess + hess.T) / 2
    try:
        np.linalg.cholesky(hess)
    except np.linalg.LinAlgError:
        return {}
    se_log = np.sqrt(np.diag(np.linalg.inv(hess)))
    return {f"{n}_se": float(math.exp(v) * s) for n, v, s in zip(names, x, se_log)}


@dataclasses.dataclass(frozen=True)
class Comparison(Result):
    """The sBG beside the BdW on the same survivors.

    Attributes
    ----------
    table : DataFrame
        One row per model (:func:`fit_table`).
    chosen : str
        The model with the lower BIC (``"sbg"`` or ``"bdw"``).
    chi2 : float
        The likelihood-ratio statistic of ``c = 1`` (the sBG nested in the BdW), ``2 (loglik_BdW - loglik_sBG)``.
    df : int
        Its degrees of freedom (1).
    pvalue : float
        Its chi-squared(1) p-value (``c = 1`` lies inside the BdW's parameter space).
    level : float
        The test's confidence level (0.95).
    sentence : Message
        The verdict in one sentence.
    """

    table: pd.DataFrame
    chosen: str
    chi2: float
    df: int
    pvalue: float
    level: float
    sentence: Message


def compare(sbg: Fit, bdw: Fit, *, level: float = 0.95) -> Comparison:
    """Which model the survivors support: the lower BIC, and the likelihood-ratio test of ``c = 1``.

    Parameters
    ----------
    sbg, bdw : Fit
        The two models fitted to the same survivors (:func:`fit`).
    level : float
        The test's confidence level; at 0.95 the test is judged by the registry's rule ``p``
        (:data:`kamlib.verdicts.RULES`, p below 0.05), which the report's appendix then lists as applied.

    Returns
    -------
    Comparison
        The table, the chosen model, the test and a sentence.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J., & Steenburgh, T. (2018). "How to project customer retention"
    revisited: The role of duration dependence. *Journal of Interactive Marketing*, 43, 1-16.

    Schwarz, G. (1978). Estimating the dimension of a model. *The Annals of Statistics*, 6(2), 461-464.

    Examples
    --------
    >>> from kamlib import retention
    >>> regular = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> cmp = retention.compare(retention.fit(regular), retention.fit(regular, model="bdw"))
    >>> cmp.chosen in ("sbg", "bdw"), cmp.df
    (True, 1)
    """
    if sbg.model != "sbg" or bdw.model != "bdw":
        raise ArgumentError("compare takes the sBG fit first and the BdW fit second.", argument="sbg")
    if (sbg.customers, sbg.cohorts, sbg.periods) != (bdw.customers, bdw.cohorts, bdw.periods):
        raise ArgumentError("The two fits were made on different survivors; fit both models to the same series.",
                            argument="bdw")
    table = fit_table([sbg, bdw])
    chi2 = max(0.0, 2 * (bdw.loglik - sbg.loglik))
    pvalue = float(stats.chi2.sf(chi2, 1))
    chosen = "bdw" if bdw.bic < sbg.bic else "sbg"
    rule = RULES["p"]
    rejects = rule.met(pvalue) if math.isclose(1 - level, rule.threshold) else pvalue < 1 - level
    if chosen == "bdw":
        trend = (Message("each customer grows less likely to leave the longer they stay", "phrase") if bdw.c < 1
                 else Message("each customer grows more likely to leave the longer they stay", "phrase"))
        sentence = Message("The BdW fits better than the sBG (BIC {bic_bdw:,.1f} against {bic_sbg:,.1f}; "
                           "likelihood-ratio chi2 {chi2:.2f}, p = {pvalue:.3g}): with c = {c:.2f}, {trend}, beyond "
                           "the sorting of customers by their churn probability.", bic_bdw=bdw.bic, bic_sbg=sbg.bic,
                           chi2=chi2, pvalue=pvalue, c=bdw.c, trend=trend)
    elif rejects:
        sentence = Message("The sBG has the lower BIC ({bic_sbg:,.1f} against {bic_bdw:,.1f}), though the "
                           "likelihood-ratio test rejects c = 1 (chi2 {chi2:.2f}, p = {pvalue:.3g}): the duration "
                           "dependence it finds (c = {c:.2f}) does not pay for its parameter by the BIC.",
                           bic_sbg=sbg.bic, bic_bdw=bdw.bic, chi2=chi2, pvalue=pvalue, c=bdw.c)
    else:
        sentence = Message("The sBG suffices (BIC {bic_sbg:,.1f} against {bic_bdw:,.1f}; likelihood-ratio chi2 "
                           "{chi2:.2f}, p = {pvalue:.3g}): the data show no duration dependence beyond the sorting of "
                           "customers by their churn probability.", bic_sbg=sbg.bic, bic_bdw=bdw.bic, chi2=chi2,
                           pvalue=pvalue)
    return Comparison(table=table, chosen=chosen, chi2=float(chi2), df=1, pvalue=pvalue, level=level,
                      sentence=sentence)


def fit_table(fits) -> pd.DataFrame:
    """The fits side by side: one row per model.

    Parameters
    ----------
    fits : dict or list
        :class:`Fit` objects (a dict's values).

    Returns
    -------
    DataFrame
        ``model``, ``param_alpha``, ``param_beta``, ``param_c`` (1 for the sBG), each with its ``_se``, ``loglik``,
        ``n_params``, ``bic``, ``aic``, ``customers``, ``at_bound`` (the parameters are prefixed: ``alpha`` is
        Cronbach's alpha elsewhere).

    Examples
    --------
    >>> from kamlib import retention
    >>> retention.fit_table([retention.fit([1000, 631, 468, 382])])["model"].tolist()
    ['sBG']
    """
    fits = list(fits.values()) if isinstance(fits, dict) else list(fits)
    return pd.DataFrame([{"model": f.label, "param_alpha": f.alpha, "param_alpha_se": f.alpha_se,
                          "param_beta": f.beta, "param_beta_se": f.beta_se, "param_c": f.c, "param_c_se": f.c_se,
                          "loglik": f.loglik,
                          "n_params": f.n_params, "bic": f.bic, "aic": f.aic, "customers": f.customers,
                          "at_bound": f.at_bound} for f in fits])


@dataclasses.dataclass(frozen=True)
class CohortFits(Result):
    """Each cohort's own fits (:func:`fit_cohorts`).

    Attributes
    ----------
    table : DataFrame
        One row per cohort and model: ``cohort``, ``customers``, then :func:`fit_table`'s columns.
    skipped : dict
        ``"<cohort> (<model>)"`` -> why that model was not fitted to that cohort on its own.
    left_out : list of str
        The cohorts with no renewal before the held-out periods (:meth:`Cohorts.calibration`): fitted neither on
        their own nor with the others (:meth:`Cohorts.calibration_note` says so).
    """

    table: pd.DataFrame
    skipped: dict
    left_out: list = dataclasses.field(default_factory=list)

    def note(self) -> Message | None:
        """A sentence on the cohorts fitted only pooled, or None."""
        if not self.skipped:
            return None
        return Message("Fitted only with the other cohorts (too few customers, periods or losses of their own): "
                       "{fits}.", fits=", ".join(self.skipped))


def fit_cohorts(cohorts: Cohorts, models=("sbg", "bdw"), *, holdout: int = 0, min_customers: int = 1) -> CohortFits:
    """Fit each model to each cohort on its own (beside the pooled fit, it shows whether cohorts differ).

    Parameters
    ----------
    cohorts : Cohorts
        From :func:`cohorts`.
    models : sequence of str
        Of :data:`MODELS`.
    holdout : int
        Periods left out at the end of each cohort (:meth:`Cohorts.calibration`: a cohort with no renewal before
        them is left out, in ``left_out``).
    min_customers : int
        Smaller cohorts are not fitted on their own.

    Returns
    -------
    CohortFits

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import retention
    >>> log = retention.simulate(200, 6, alpha=1.0, beta=3.0, cohorts=3, seed=4)
    >>> res = retention.fit_cohorts(retention.cohorts(log, unit="Y"), ["sbg"], min_customers=100)
    >>> res.table["cohort"].tolist(), sorted(res.skipped)
    (['2015', '2016', '2017'], [])
    """
    rows, skipped = [], {}
    calibration = cohorts.calibration(holdout)
    for label, s in calibration.items():
        for m in models:
            ok = check(s, m)
            if s[0] < min_customers:
                skipped[f"{label} ({MODELS[m][0]})"] = Message("{n:,} customers, fewer than {min:,}", "phrase",
                                                               n=s[0], min=min_customers)
            elif not ok:
                skipped[f"{label} ({MODELS[m][0]})"] = ok.reason
            if s[0] < min_customers or not ok:
                continue
            rows.append({"cohort": label, **fit_table([fit(s, m)]).iloc[0].to_dict()})
    return CohortFits(table=pd.DataFrame(rows), skipped=skipped,
                      left_out=[label for label in cohorts.labels if label not in calibration])


def value_table(fits: dict, discount_rate: float, renewals: Sequence[int] = (0, 1, 2, 5)) -> pd.DataFrame:
    """Each model's expected lifetime and DERL (:meth:`Fit.derl`) of customers who have renewed so often.

    Parameters
    ----------
    fits : dict
        Model name to :class:`Fit`.
    discount_rate : float
        Per period.
    renewals : sequence of int
        Renewals made.

    Returns
    -------
    DataFrame
        One row per model and number of renewals: ``model``, ``renewals``, ``derl``, ``expected_lifetime`` (empty
        when it is not finite) and ``lifetime_finite``.

    References
    ----------
    Fader, P. S., & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting: The perils of ignoring
    heterogeneity. *Marketing Science*, 29(1), 85-93.

    Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J., & Steenburgh, T. (2018). "How to project customer retention"
    revisited: The role of duration dependence. *Journal of Interactive Marketing*, 43, 1-16.

    Examples
    --------
    >>> from kamlib import retention
    >>> table = retention.value_table({"sbg": retention.fit([1000, 869, 743, 653, 593, 551, 517, 491])}, 0.10, [7])
    >>> round(float(table["derl"].iloc[0]), 2), bool(table["lifetime_finite"].iloc[0])
    (7.53, False)
    """
    rows = []
    for f in fits.values():
        life = f.expected_lifetime()
        for n in renewals:
            rows.append({"model": f.label, "renewals": int(n), "derl": f.derl(discount_rate, n),
                         "expected_lifetime": life if math.isfinite(life) else np.nan,
                         "lifetime_finite": math.isfinite(life)})
    return pd.DataFrame(rows)


def projection_table(fits: dict, periods: int, alive: Sequence | None = None) -> pd.DataFrame:
    """Each model's survival and retention for periods 0 to ``periods``, beside a cohort's observed ones.

    Parameters
    ----------
    fits : dict
        Model name (``"sbg"``, ``"bdw"``) to :class:`Fit`.
    periods : int
        The last period.
    alive : sequence of int, optional
        One cohort's customers alive at the start of each period.

    Returns
    -------
    DataFrame
        ``period``, ``observed_survival`` and ``observed_retention`` (with ``alive``; empty past its end), then
        ``survival_<model>`` and ``retention_<model>`` per model.

    Examples
    --------
    >>> from kamlib import retention
    >>> regular = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> table = retention.projection_table({"sbg": retention.fit(regular)}, 12, regular)
    >>> list(table.columns), len(table)
    (['period', 'observed_survival', 'observed_retention', 'survival_sbg', 'retention_sbg'], 13)
    """
    out = pd.DataFrame({"period": np.arange(periods + 1)})
    for name, f in fits.items():
        proj = f.projection(periods, alive)
        if alive is not None and "observed_survival" not in out:
            out["observed_survival"] = proj["observed_survival"]
            out["observed_retention"] = proj["observed_retention"]
        out[f"survival_{name}"] = proj["survival"]
        out[f"retention_{name}"] = proj["retention"]
    return out


def holdout_check(fits: dict, survivors: Sequence, holdout: int) -> pd.DataFrame:
    """How well each model, fitted without the last ``holdout`` periods of each cohort, projects them.

    Parameters
    ----------
    fits : dict
        Model name to :class:`Fit`, fitted on ``survivors`` without their last ``holdout`` values.
    survivors : list of sequences
        Each cohort's full survivor series (a cohort with no renewal before its last ``holdout`` periods was not
        fitted, :meth:`Cohorts.calibration`, and is not compared).
    holdout : int
        The periods held out (1 or more).

    Returns
    -------
    DataFrame
        One row per model: ``model``, ``cells`` (cohort-periods compared), ``mae`` and ``bias`` (projected minus
        observed share alive, in percentage points, weighted by cohort size).

    Examples
    --------
    >>> from kamlib import retention
    >>> regular = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
    >>> table = retention.holdout_check({"sbg": retention.fit(regular[:8])}, [regular], 5)
    >>> table[["cells", "mae"]].round(2).iloc[0].tolist()
    [5.0, 0.29]
    """
    if holdout < 1:
        raise ArgumentError(f"holdout must be 1 or more periods, not {holdout}.", argument="holdout")
    rows = []
    for name, f in fits.items():
        errors, weights = [], []
        for s in survivors:
            if _calibration(s, holdout) is None:
                continue
            s = _series([s])[0]
            t = np.arange(len(s) - holdout, len(s))
            errors.append(100 * (f.survival(t) - s[t] / s[0]))
            weights.append(np.full(len(t), s[0]))
        e, w = (np.concatenate(errors), np.concatenate(weights)) if errors else (np.array([]), np.array([]))
        rows.append({"model": f.label, "cells": len(e),
                     "mae": float(np.average(np.abs(e), weights=w)) if len(e) else np.nan,
                     "bias": float(np.average(e, weights=w)) if len(e) else np.nan})
    return pd.DataFrame(rows)


# -- from a renewal log to survivors ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Cohorts(Result):
    """Each cohort's customers alive at the start of each period, from a renewal log.

    Attributes
    ----------
    table : DataFrame
        One row per cohort: ``cohort`` (the period its customers first signed), ``customers``, then one column per
        period since the start (``0``, ``1``, ...) with the customers alive at its start (empty where the log
        ends).
    survivors : list of list of int
        The same, one series per cohort in cohort order (what :func:`fit` takes).
    labels : list of str
        The cohorts' periods as text.
    customers : int
        Customers in the log.
    returned : int
        Customers with a gap between contract periods: their lifetime ends at the gap (the models have no return).
    last_period : str
        The last period observed.
    unobserved_ends : int
        In a log of contract spans observed to its latest start (no ``as_of``): the contracts whose end lies after
        it, counted as running (an end after the latest start may be a scheduled one); :meth:`as_of_note` says so.
    observed_to : str
        The day a log of dated spans is observed to (ISO date), else the last period.
    """

    table: pd.DataFrame
    survivors: list
    labels: list
    customers: int
    returned: int
    last_period: str
    unobserved_ends: int = 0
    observed_to: str = ""

    def calibration(self, holdout: int = 0) -> dict[str, list[int]]:
        """Each cohort's survivors without its last ``holdout`` periods: what the models are fitted on when those
        periods are held out to check the projection (:func:`holdout_check`).

        A cohort left with no renewal (observed for no more than ``holdout`` periods after its start) is left out;
        :meth:`calibration_note` says so in one sentence.

        Parameters
        ----------
        holdout : int
            Periods held out at the end of each cohort (0: the whole series).

        Returns
        -------
        dict
            Cohort label -> the customers alive at the start of each calibration period, in cohort order; what
            :func:`fit` and :func:`check` take.

        Examples
        --------
        >>> import pandas as pd
        >>> from kamlib import retention
        >>> log = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3, 4, 4],
        ...                     "period": [2020, 2021, 2022, 2020, 2021, 2020, 2021, 2022]})
        >>> retention.cohorts(log).calibration(1)
        {'2020': [3, 2]}
        """
        if isinstance(holdout, bool) or not isinstance(holdout, (int, np.integer)) or holdout < 0:
            raise ArgumentError(f"holdout must be a whole number of periods, 0 or more, not {holdout!r}.",
                                argument="holdout")
        out = {}
        for label, s in zip(self.labels, self.survivors):
            kept = _calibration(s, int(holdout))
            if kept is not None:
                out[label] = kept
        return out

    def calibration_note(self, holdout: int = 0) -> Message | None:
        """A sentence on the cohorts :meth:`calibration` leaves out, or None.

        Parameters
        ----------
        holdout : int
            Periods held out at the end of each cohort.

        Returns
        -------
        Message or None
        """
        kept = self.calibration(holdout)
        out = [label for label in self.labels if label not in kept]
        if not out:
            return None
        if holdout:
            return Message("The cohorts {cohorts} are observed for no more than {holdout} periods after their start, "
                           "so with the last {holdout} held out they show no renewal and are left out of the fit.",
                           cohorts=", ".join(out), holdout=int(holdout))
        return Message("The cohorts {cohorts} are observed at their start only, so they show no renewal and are left "
                       "out of the fit.", cohorts=", ".join(out))

    def pooled(self) -> list[int]:
        """The customers alive at the start of each period since the start, summed over the cohorts observed that
        long (the longest cohort's length; a shorter cohort adds nothing to the later periods, so read it beside
        the cohort table, not as one cohort)."""
        m = max(len(s) for s in self.survivors)
        return [int(sum(s[k] for s in self.survivors if len(s) > k)) for k in range(m)]

    def note(self) -> Message | None:
        """A sentence on customers who returned after a gap, or None."""
        if not self.returned:
            return None
        return Message("{n:,} customers held a contract again after a gap; their lifetime ends at the gap, as the "
                       "retention models have no return.", n=self.returned)

    def as_of_note(self) -> Message | None:
        """A sentence on the contract ends after the day a log of spans is observed to by default, or None.

        Returns
        -------
        Message or None
        """
        if not self.unobserved_ends:
            return None
        return Message("{n:,} contracts end after {day}, the latest start in the log and so the day it is taken to "
                       "be observed to, and are counted as running then; set as_of (retention.as_of in a study) to "
                       "the day the log was extracted to count the ends before it.", n=self.unobserved_ends,
                       day=self.observed_to)


_UNITS = {"Y": "Y", "Q": "Q", "M": "M", "W": "W", "D": "D"}


def _parse(values: pd.Series, unit: str | None, argument: str) -> tuple[np.ndarray | None, pd.Series | None]:
    """A column of periods as ``(whole period numbers, None)`` or ``(None, dates)`` (NaN or NaT where empty)."""
    if (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)) and values.notna().any():
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.notna().sum() == values.notna().sum():  # integer periods written as text (a CSV)
            values = numbers.rename(values.name)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        v = values.to_numpy(float)
        if not np.isfinite(v[~np.isnan(v)]).all() or (v[~np.isnan(v)] % 1 != 0).any():
            raise ArgumentError(f"Column {values.name!r} holds numbers that are not whole periods; give integer "
                                "periods (1, 2, 3 or 2021, 2022) or dates with unit.", argument=argument)
        return v, None
    if unit not in _UNITS:
        raise ArgumentError(f"Column {values.name!r} holds dates, and unit is {unit!r}; pass the contract period as "
                            "unit: Y (years), Q, M, W or D.", argument="unit")
    dates = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = dates.isna() & values.notna()
    if bad.any():
        raise ArgumentError(f"Column {values.name!r} holds {values[bad].iloc[0]!r}, which is not a date; write dates "
                            "such as 2021-01-01.", argument=argument)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return None, dates


def _ordinals(values: pd.Series, unit: str | None, argument: str) -> tuple[np.ndarray, callable]:
    """Integer period numbers of a column of periods (integers, or dates cut to ``unit``) and a labeller."""
    numbers, dates = _parse(values, unit, argument)
    if numbers is not None:
        return numbers, lambda o: str(int(o))
    periods = dates.dt.to_period(_UNITS[unit])
    ordinals = np.array([p.ordinal if not pd.isna(p) else np.nan for p in periods], float)
    return ordinals, lambda o: str(pd.Period(ordinal=int(o), freq=_UNITS[unit]))


def cohorts(log: pd.DataFrame, *, customer: str = "customer_id", period: str | None = "period",
            start: str | None = None, end: str | None = None, unit: str | None = None, as_of=None) -> Cohorts:
    """Each cohort's survivors from a renewal log: one row per customer and contract period, or one row per
    customer with the start and the end of their contract.

    A customer's cohort is the period of their first contract; they are alive at the start of each period they
    hold a contract in, without a gap (a customer who comes back after a gap is counted, and their lifetime ends
    at the gap). The log is observed up to ``as_of``, so each cohort has its own number of periods: those every
    one of its customers is observed for.

    In a log of contract spans with dates, a customer's periods are counted from their own start date: they are
    alive at the start of period ``k`` when their ``end`` falls on or after the ``k``-th anniversary of their start
    (``unit``), so a contract from 2020-03-01 to 2021-02-28 is one year; the calendar period of the start only
    labels the cohort. Without ``as_of`` a log of spans is observed to its latest start, as an end date may be a
    scheduled one in the future: a later end counts as running (:meth:`Cohorts.as_of_note`), and ``as_of`` set to
    the day the log was extracted counts it.

    Parameters
    ----------
    log : DataFrame
        The renewal log.
    customer : str
        The customer id column.
    period : str, optional
        With one row per customer and contract period: the period column (integers such as 2021 or 1, 2, 3, or
        dates cut to ``unit``).
    start, end : str, optional
        With one row per customer: the columns of the first contract period's start and of the last day covered
        by the last contract (empty while the contract runs; an end on an anniversary of the start counts the
        period that begins that day). Give both, and no ``period`` rows.
    unit : {"Y", "Q", "M", "W", "D"}, optional
        The contract period when the columns hold dates (Y: annual contracts).
    as_of : date or int, optional
        The last period observed (rows after it are left out; default: the log's last period, or for contract spans
        its latest start); for dated spans, the day.

    Returns
    -------
    Cohorts
        ``table``, ``survivors`` (for :func:`fit`), ``labels``, ``customers``, ``returned``, ``last_period``,
        ``unobserved_ends``, ``observed_to``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import retention
    >>> log = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3, 4, 4],
    ...                     "period": [2020, 2021, 2022, 2020, 2021, 2020, 2021, 2022]})
    >>> retention.cohorts(log).survivors
    [[3, 2, 1], [1, 1]]
    >>> spans = pd.DataFrame({"customer_id": [1, 2], "start": ["2020-01-01", "2020-03-01"],
    ...                       "end": [None, "2020-12-31"]})
    >>> retention.cohorts(spans, start="start", end="end", unit="Y", as_of="2022-12-31").survivors
    [[2, 1, 1]]
    """
    if not isinstance(log, pd.DataFrame):
        raise ArgumentError(f"log must be a DataFrame, not {type(log).__name__}.", argument="log")
    spans = start is not None or end is not None
    if spans and (start is None or end is None):
        raise ArgumentError("A log of contract spans needs both start and end; give both columns, or period for a "
                            "log of one row per contract period.", argument="start" if start is None else "end")
    needed = [customer] + ([start, end] if spans else [period])
    missing = [c for c in needed if c is None or c not in log.columns]
    if missing:
        role = {customer: "customer", start: "start", end: "end", period: "period"}.get(missing[0], "period")
        raise ArgumentError(f"The renewal log has no column {missing[0]!r} (it has {', '.join(map(str, log.columns[:10]))}); "
                            f"map {role} to the column that holds it.", argument=role)
    if log.empty:
        raise ArgumentError("The renewal log has no rows; it needs one row per customer and contract period (or per "
                            "customer with start and end).", argument="log")
    ids = log[customer]
    if ids.isna().any():
        raise ArgumentError(f"Column {customer!r} is empty in {int(ids.isna().sum()):,} rows; every contract needs "
                            "its customer.", argument="customer")
    if spans:
        first, label = _ordinals(log[start], unit, "start")  # the calendar period of the start labels the cohort
        if np.isnan(first).any():
            raise ArgumentError(f"Column {start!r} is empty in {int(np.isnan(first).sum()):,} rows; every contract "
                                "needs its start.", argument="start")
        starts = _parse(log[start], unit, "start")[1]  # dates, or None for whole period numbers
        if log[end].notna().any():
            last, _ = _ordinals(log[end], unit, "end")
            ends = _parse(log[end], unit, "end")[1]
            if (starts is None) != (ends is None):
                raise ArgumentError(f"Column {start!r} holds {'period numbers' if starts is None else 'dates'} and "
                                    f"column {end!r} {'period numbers' if ends is None else 'dates'}; write both as "
                                    "dates (or both as period numbers).", argument="end")
        else:
            last = np.full(len(log), np.nan)
            ends = None if starts is None else pd.Series(pd.NaT, index=log.index, dtype="datetime64[ns]")
        if ids.duplicated().any():
            raise ArgumentError(f"Customer {ids[ids.duplicated()].iloc[0]!r} has several rows; a log of contract "
                                "spans has one row per customer (the first start and the last end).",
                                argument="customer")
        bad = (ends < starts).to_numpy() if starts is not None else ~np.isnan(last) & (last < first)
        if bad.any():
            raise ArgumentError(f"Customer {ids[bad].iloc[0]!r} ends ({log[end][bad].iloc[0]}) before they start "
                                f"({log[start][bad].iloc[0]}); correct the dates.", argument="end")
        observed = np.nanmax(first)  # the latest start: an end may be scheduled, so it does not move the default
    else:
        o, label = _ordinals(log[period], unit, "period")
        if np.isnan(o).any():
            raise ArgumentError(f"Column {period!r} is empty in {int(np.isnan(o).sum()):,} rows; every contract "
                                "period needs its period.", argument="period")
        observed = np.nanmax(o)
        starts = None
    dated = label(observed) != str(int(observed))  # the log's periods are dates cut to unit
    when = starts.max() if starts is not None else None  # the day observed to, for spans of dates
    if as_of is not None:
        if dated:
            try:
                stamp = pd.Series([pd.Timestamp(str(as_of))], name="as_of")
            except ValueError:
                raise ArgumentError(f"as_of {as_of!r} is not a date; the log's periods are dates, so give the last "
                                    "period observed as a date such as 2023-12-31.", argument="as_of") from None
            observed = _ordinals(stamp, unit, "as_of")[0][0]
            when = stamp.iloc[0]
        else:
            try:
                observed = float(int(str(as_of)))
            except ValueError:
                raise ArgumentError(f"as_of {as_of!r} is not a period number; the log's periods are numbers, so give "
                                    "the last period observed as one (e.g. 2023 or 12).", argument="as_of") from None
    unobserved = 0
    if spans:
        keep = first <= observed if starts is None else (starts <= when).to_numpy()
        if as_of is None:  # ends after the latest start may be scheduled ones: counted as running then
            unobserved = int((ends > when).sum()) if starts is not None else int((last[keep] > observed).sum())
        returned = 0
        cohort_of = first[keep].astype(int)
        if starts is None:  # whole period numbers: each period a contract period
            last = np.where(np.isnan(last[keep]), observed, np.minimum(last[keep], observed))
            life = (last - cohort_of + 1).astype(int)
            horizon = (observed - cohort_of + 1).astype(int)
        else:  # dates: periods counted from each contract's own start (its anniversaries), not the calendar's
            s0, e0 = starts[keep], ends[keep]
            covered = e0.where(e0.notna() & (e0 < when), when)
            life = _steps(s0, covered, unit) + 1
            horizon = _steps(s0, pd.Series(when, index=s0.index), unit) + 1
    else:
        frame = pd.DataFrame({"customer": ids.to_numpy(), "o": o})
        frame = frame[frame["o"] <= observed].drop_duplicates()
        frame = frame.sort_values(["customer", "o"])
        frame["first"] = frame.groupby("customer")["o"].transform("min")
        frame["age"] = frame["o"] - frame["first"]
        frame["rank"] = frame.groupby("customer").cumcount()
        run = frame[frame["age"] == frame["rank"]].groupby("customer")["age"].max() + 1  # the run without a gap
        held = frame.groupby("customer")["age"].count()
        returned = int((held > run).sum())
        firsts = frame.groupby("customer")["first"].first()
        cohort_of = firsts.to_numpy().astype(int)
        life = run.reindex(firsts.index).to_numpy().astype(int)
        horizon = (observed - cohort_of + 1).astype(int)
    rows, series, labels = [], [], []
    for c in np.unique(cohort_of):
        span = int(horizon[cohort_of == c].min())  # the periods every customer of the cohort is observed for
        lives = life[cohort_of == c]
        alive = [int((lives > k).sum()) for k in range(span)]
        labels.append(label(c))
        series.append(alive)
        rows.append({"cohort": label(c), "customers": alive[0], **{str(k): v for k, v in enumerate(alive)}})
    table = pd.DataFrame(rows)
    ages = [c for c in table.columns if c not in ("cohort", "customers")]
    table[ages] = table[ages].astype("Int64")  # a cohort observed for fewer periods is empty there, not 0.0
    return Cohorts(table=table, survivors=series, labels=labels, customers=int(len(life)), returned=returned,
                   last_period=label(observed), unobserved_ends=unobserved,
                   observed_to=(when.date().isoformat() if when is not None else label(observed)))


def _steps(starts: pd.Series, ends: pd.Series, unit: str) -> np.ndarray:
    """Whole contract periods from each start date to each end date (0 or more): how many anniversaries
    ``start + k unit`` (k >= 1) fall on or before the end, as :class:`pandas.DateOffset` moves a date (a start on the
    31st has its monthly anniversary on the month's last day)."""
    s, e = pd.DatetimeIndex(starts), pd.DatetimeIndex(ends)
    if unit in ("W", "D"):
        return ((e.normalize() - s.normalize()).days.to_numpy() // (7 if unit == "W" else 1)).astype(int)
    months = (e.year - s.year) * 12 + (e.month - s.month)
    months = months - (e.day < np.minimum(s.day, e.days_in_month)).astype(int)
    return (np.asarray(months) // {"Y": 12, "Q": 3, "M": 1}[unit]).astype(int)


#: The column roles of a renewal log: role -> the column name :func:`read` gives it (and :func:`cohorts` reads).
ROLES = {"customer": "customer_id", "period": "period", "start": "start", "end": "end"}


def read(source, *, columns: dict | None = None, encoding: str = "auto", sheet=None) -> pd.DataFrame:
    """A renewal log from a CSV, Excel or Parquet file, its columns renamed to their roles (:data:`ROLES`).

    Parameters
    ----------
    source : str or Path
        The file.
    columns : dict, optional
        Role -> the file's column: ``customer``, and ``period`` (one row per customer and contract period) or
        ``start`` and ``end`` (one row per customer); default: the roles' own names with ``period``.
    encoding : str
        Of a text file (``auto``: UTF-8, else GB18030).
    sheet : str or int, optional
        Sheet of an Excel workbook.

    Returns
    -------
    DataFrame
        ``customer_id`` and ``period``, or ``customer_id``, ``start`` and ``end``; pass it to :func:`cohorts` with
        ``period=None, start="start", end="end"`` in the second shape.

    Examples
    --------
    >>> from kamlib import retention
    >>> log = retention.read("data/acme/contracts.csv", columns={"customer": "客户", "period": "合同年度"})  # doctest: +SKIP
    """
    from ._io import map_roles, read_table

    columns = dict(columns or {"customer": "customer_id", "period": "period"})
    spans = bool(columns.get("start") or columns.get("end"))
    required = {"customer"} | ({"start", "end"} if spans else {"period"})
    raw = read_table(source, encoding=encoding, argument="source", sheet=sheet)
    return map_roles(raw, {r: columns.get(r) for r in ROLES if r in columns}, ROLES, required, where=str(source))


# -- simulation and the figure ------------------------------------------------------------------------------------

def simulate(customers: int, periods: int, *, alpha: float, beta: float, c: float = 1.0, cohorts: int = 1,
             start: int = 2015, seed: int = 0) -> pd.DataFrame:
    """A renewal log simulated from the BdW (the sBG at ``c = 1``): one row per customer and contract year.

    Each of ``cohorts`` yearly cohorts (from ``start``) signs ``customers`` new customers; each customer draws a
    churn probability :math:`\\theta \\sim \\mathrm{Beta}(\\alpha, \\beta)` and a lifetime with
    :math:`P(T > t) = (1 - \\theta)^{t^c}`, and holds a contract in each year until they leave or the log ends
    (``start + periods - 1``). The rows say ``simulated`` nowhere: label what is made from them.

    Parameters
    ----------
    customers : int
        New customers per cohort.
    periods : int
        Years the log covers.
    alpha, beta, c : float
        The model's parameters.
    cohorts : int
        Cohorts, one starting each year (at most ``periods``).
    start : int
        The first year.
    seed : int
        Seed of the random numbers.

    Returns
    -------
    DataFrame
        ``customer_id``, ``period`` (the contract year's first day, a date) and ``cohort`` (the year signed).

    References
    ----------
    Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J., & Steenburgh, T. (2018). "How to project customer retention"
    revisited: The role of duration dependence. *Journal of Interactive Marketing*, 43, 1-16.

    Examples
    --------
    >>> from kamlib import retention
    >>> log = retention.simulate(500, 6, alpha=1.0, beta=3.0, cohorts=2, seed=1)
    >>> c = retention.cohorts(log, unit="Y")
    >>> c.labels, [len(s) for s in c.survivors]
    (['2015', '2016'], [6, 5])
    """
    if customers < 1 or periods < 1 or not 1 <= cohorts <= periods:
        raise ArgumentError(f"customers ({customers}) and periods ({periods}) must be positive and cohorts "
                            f"({cohorts}) between 1 and periods.", argument="cohorts")
    if min(alpha, beta, c) <= 0:
        raise ArgumentError(f"alpha, beta and c must be positive, not {alpha:g}, {beta:g} and {c:g}.",
                            argument="alpha")
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(cohorts):
        theta = np.clip(rng.beta(alpha, beta, customers), 1e-12, 1 - 1e-12)
        u = rng.uniform(size=customers)
        x = np.log1p(-u) / np.log1p(-theta)  # P(x > s) = (1 - theta)^s
        life = np.maximum(np.ceil(x ** (1 / c)), 1)
        held = np.minimum(life, periods - k).astype(int)
        for i, h in enumerate(held):
            for a in range(h):
                rows.append((f"C{k:02d}-{i:05d}", start + k + a, start + k))
    out = pd.DataFrame(rows, columns=["customer_id", "year", "cohort"])
    out["period"] = pd.to_datetime(out["year"].astype(str) + "-01-01")
    return out[["customer_id", "period", "cohort"]]


def plot_survival(alive: Sequence, fits: dict, *, periods: int, calibration: int | None = None,
                  ylabel: str = "% of the cohort alive", xlabel: str = "Period since the start", ax=None):
    """Observed survival beside each model's projection, as Fader and Hardie (2007) draw it.

    Parameters
    ----------
    alive : sequence of int
        One cohort's (or the pooled) customers alive at the start of each period.
    fits : dict
        Label to :class:`Fit`.
    periods : int
        The last period drawn.
    calibration : int, optional
        The last period the models were fitted on (a dashed vertical line).
    ylabel, xlabel : str
        Axis labels.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib import retention
    >>> regular = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
    >>> ax = retention.plot_survival(regular, {"sBG": retention.fit(regular[:8])}, periods=12, calibration=7)
    >>> len(ax.get_lines())
    3
    """
    import matplotlib.pyplot as plt

    n = _series(alive)[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    t = np.arange(periods + 1)
    k = min(len(n), periods + 1)
    ax.plot(t[:k], 100 * n[:k] / n[0], color="black", marker="o", markersize=3, label="Observed")
    styles = ["--", ":", "-."]
    for i, (name, f) in enumerate(fits.items()):
        ax.plot(t, 100 * f.survival(t), linestyle=styles[i % len(styles)], label=str(name))
    if calibration is not None:
        ax.axvline(calibration, color="grey", linestyle="--", linewidth=1)
    ax.set_ylim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax
