"""Customer-lifetime-value models fitted on sufficient statistics, with lifetimes' prediction formulas.

Purchase models (BG/NBD, Pareto/NBD, MBG/NBD) depend on a customer only through
``(frequency, recency, T)``, the regular-buyer models (MBG/CNBD-k, BG/CNBD-k) also through the sum of log
inter-purchase times, and the Gamma-Gamma spend model only through ``(frequency, monetary_value)``. :func:`fit`
therefore fits on the unique rows with their counts as weights: the same likelihood, evaluated on about a thousand
rows instead of a million customers.

Every model is fitted the same way: its log-likelihood (lifetimes' and CLVTools' for the BG/NBD, MBG/NBD,
Pareto/NBD and Gamma-Gamma; BTYDplus's for the CNBD-k models) and its analytic gradient in log-parameters,
minimised by BFGS. The Pareto/NBD's Gauss hypergeometric term is evaluated in logs with its derivatives
(:func:`kamlib._kernels.pnbd_j`), finite for any recency and T where lifetimes' hyp2f1 gives NaN, so no model
needs Nelder-Mead over every row (lifetimes' took minutes for a Pareto/NBD on 25,000 distinct rows, see
``benchmarks/fit_models.py``).
kamlib adds what ``lifetimes`` 0.11.3 lacks or gets wrong here: a fixed start for Pareto/NBD (lifetimes starts it
from random values), the total log-likelihood in the original time unit, standard errors from the Hessian of that
total log-likelihood (central differences of the analytic gradient; lifetimes divides Pareto/NBD's likelihood by the
mean weight, which scales its standard errors), bootstrap intervals whose refits start from the full sample's
estimates, and CLV that works with pandas 3.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). Counting your customers the easy way:
    An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
Schmittlein, D. C., Morrison, D. G., & Colombo, R. (1987). Counting your customers: Who are
    they and what will they do next? Management Science, 33(1), 1-24.
Batislam, E. P., Denizel, M., & Filiztekin, A. (2007). Empirical validation and comparison
    of models for customer base analysis. Int. J. Research in Marketing, 24(3), 201-209.
Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._results import Result
from .errors import KamError, require_columns
from .i18n import Message
from .rfm import UNIT_DAYS

__all__ = ["BOUNDS", "DROPOUT", "FAST", "Fitted", "LABELS", "NotIdentified", "PARAMS", "PURCHASE_MODELS", "REGULAR",
           "bootstrap", "clv", "customer_base", "fit", "fit_models", "label", "parse", "sensitivity", "sufficient"]

PURCHASE_MODELS = ("bgnbd", "paretonbd", "mbgnbd", "mbgcnbd", "bgcnbd")
PARAMS = {
    "bgnbd": ["r", "alpha", "a", "b"],
    "paretonbd": ["r", "alpha", "s", "beta"],
    "mbgnbd": ["r", "alpha", "a", "b"],
    "mbgcnbd": ["k", "r", "alpha", "a", "b"],
    "bgcnbd": ["k", "r", "alpha", "a", "b"],
    "gamma_gamma": ["p", "q", "v"],
}
LABELS = {"bgnbd": "BG/NBD", "paretonbd": "Pareto/NBD", "mbgnbd": "MBG/NBD", "mbgcnbd": "MBG/CNBD-k",
          "bgcnbd": "BG/CNBD-k", "gamma_gamma": "Gamma-Gamma"}


def parse(name: str) -> tuple[str, list[str]]:
    """A model name and its covariates: ``"paretonbd+country"`` is the Pareto/NBD with the covariate ``country`` on
    both processes (the names :func:`kamlib.holdout.select` gives the covariate fits).

    Parameters
    ----------
    name : str

    Returns
    -------
    tuple
        ``(model, covariates)``.

    Examples
    --------
    >>> parse("paretonbd+country"), parse("bgnbd")
    (('paretonbd', ['country']), ('bgnbd', []))
    """
    model, *columns = str(name).split("+")
    return model, columns


def label(name: str) -> str:
    """The model's name in tables: ``"paretonbd+country"`` is ``Pareto/NBD + country``.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> str(label("paretonbd+country")), label("paretonbd+country").translate("zh")
    ('Pareto/NBD + country', 'Pareto/NBD + 国家')
    """
    model, columns = parse(name)
    if not columns:
        return LABELS.get(model, model)
    return Message("{model} + {covariates}", "phrase", model=LABELS.get(model, model), covariates=columns)


#: Models for regular buyers (Erlang-k inter-purchase times, :mod:`kamlib.regular`): they need ``litt``
REGULAR = ("mbgcnbd", "bgcnbd")


def _fitter_class(model: str):
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    return {"bgnbd": BetaGeoFitter, "paretonbd": ParetoNBDFitter, "mbgnbd": ModifiedBetaGeoFitter,
            "gamma_gamma": GammaGammaFitter}[model]


def sufficient(summary: pd.DataFrame, model: str) -> pd.DataFrame:
    """Unique rows of a model's sufficient statistics, with their count as ``weight``.

    Parameters
    ----------
    summary : DataFrame
        RFM summary (:func:`kamlib.rfm.summary`).
    model : str
        ``"bgnbd"``, ``"paretonbd"``, ``"mbgnbd"`` (``frequency``, ``recency``, ``T``) or ``"gamma_gamma"``
        (``frequency``, ``monetary_value`` of repeat buyers).

    Returns
    -------
    DataFrame
        The distinct rows and ``weight``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
        to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.

    Examples
    --------
    >>> suff = sufficient(cal, "bgnbd")
    """
    if model in REGULAR:
        cols = ["frequency", "recency", "T", "litt"]
        require_columns(summary, cols, where=f"the {LABELS[model]} input",
                        fix="add each customer's sum of log inter-purchase times with kamlib.regular.with_litt")
        data = pd.DataFrame({c: summary[c].to_numpy() for c in cols})
    elif model == "gamma_gamma":
        cols = ["frequency", "monetary_value"]
        require_columns(summary, cols, where="the Gamma-Gamma input")
        # Gamma-Gamma is defined for repeat buyers with positive mean spend
        keep = ((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).to_numpy()
        data = pd.DataFrame({c: summary[c].to_numpy()[keep] for c in cols})  # no .loc on a large text index
    else:
        cols = ["frequency", "recency", "T"]
        require_columns(summary, cols, where=f"the {LABELS.get(model, model)} input")
        data = pd.DataFrame({c: summary[c].to_numpy() for c in cols})
    from ._io import connect

    con = connect()
    try:  # a DuckDB GROUP BY: about twice as fast as pandas on a million customers
        con.register("data", data)
        select = ", ".join(f'CAST("{c}" AS {"BIGINT" if c == "frequency" else "DOUBLE"}) AS "{c}"' for c in cols)
        out = con.execute(f"SELECT {select}, COUNT(*) AS weight FROM data GROUP BY ALL ORDER BY ALL").df()
    finally:
        con.close()
    return out


def _args(model: str, suff: pd.DataFrame) -> tuple:
    """The data arguments of the model's objective (:data:`FAST`, or :func:`kamlib.regular._nll` for the
    regular-buyer models) on the sufficient rows."""
    if model in REGULAR:
        from . import regular

        return (regular._data(*(suff[c] for c in ("frequency", "recency", "T", "litt"))),)
    if model == "paretonbd":
        return (_pnbd_data(*(suff[c] for c in ("frequency", "recency", "T"))),)
    cols = ["frequency", "monetary_value"] if model == "gamma_gamma" else ["frequency", "recency", "T"]
    data = [suff[c].to_numpy(float) for c in cols]
    data[0] = np.unique(data[0], return_inverse=True)  # frequencies: few distinct values
    return tuple(data)


def _objective(model: str, k: int | None = None):
    """The negative log-likelihood per unit weight and its gradient in log-parameters, as ``f(log_params, *args,
    weights, penalizer)`` (for the regular-buyer models at the regularity ``k``)."""
    if model in REGULAR:
        from . import regular

        def nll(log_params, data, weights, penalizer):
            return regular._nll(log_params, int(k), data, weights, regular.MODELS[model], penalizer)

        return nll
    return FAST[model]


def _total_loglik(model: str, params: np.ndarray, suff: pd.DataFrame, args: tuple | None = None) -> float:
    """Total log-likelihood in the original time unit, at natural-scale parameters (the fitted objective's)."""
    args = _args(model, suff) if args is None else args
    w = suff["weight"].to_numpy(float)
    k, free = (int(params[0]), params[1:]) if model in REGULAR else (None, params)
    with np.errstate(all="ignore"):
        value, _ = _objective(model, k)(np.log(np.asarray(free, float)), *args, w, 0.0)
    return float(-value * w.sum())


def _standard_errors(model: str, params: np.ndarray, suff: pd.DataFrame, args: tuple | None = None) -> np.ndarray:
    """Standard errors from the Hessian of the total log-likelihood in log-parameters (central differences of the
    analytic gradient), by the delta method in natural units."""
    # k of the regular-buyer models is chosen on a grid of integers: it has no standard error, and the Hessian is
    # that of the other parameters at that k
    fixed = params[:1] if model in REGULAR else params[:0]
    free = np.asarray(params[len(fixed):], float)
    args = _args(model, suff) if args is None else args
    w = suff["weight"].to_numpy(float)
    nll = _objective(model, int(fixed[0]) if len(fixed) else None)

    def gradient(lp):
        with np.errstate(all="ignore"):
            return -nll(lp, *args, w, 0.0)[1] * w.sum()

    lp, h = np.log(free), 1e-5
    hess = np.empty((len(free), len(free)))
    for j in range(len(free)):
        e = np.zeros(len(free))
        e[j] = h
        hess[:, j] = (gradient(lp + e) - gradient(lp - e)) / (2 * h)
    hess = (hess + hess.T) / 2
    try:
        cov_log = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        return np.full(len(params), np.nan)
    se = free * np.sqrt(np.clip(np.diag(cov_log), 0, None))
    # A numerical Hessian is accurate to about 1e-7 relative here, and its last bits move with how numpy vectorises
    # the log-likelihood sums (memory alignment differs between runs): 4 significant digits are what it
    # supports, and they keep reruns byte-identical.
    return np.array([np.nan] * len(fixed) + [float(f"{v:.4g}") if np.isfinite(v) else v for v in se])


#: A positive shape or scale estimate outside these limits is at a bound of the (open) parameter space:
#: the optimiser has driven it towards 0 or infinity, and the likelihood is flat there.
BOUNDS = (1e-4, 1e6)
#: The parameters that describe dropout, by purchase model: at a bound, the model reduces to the NBD.
DROPOUT = {"bgnbd": ("a", "b"), "mbgnbd": ("a", "b"), "paretonbd": ("s", "beta"), "mbgcnbd": ("a", "b"),
           "bgcnbd": ("a", "b")}


def _common_dropout(m) -> bool:
    """A Pareto/NBD whose s and beta both ran to the upper bound: the gamma mixing of the dropout rate has
    collapsed to its mean s / beta (every customer the same exponential lifetime), so dropout is identified, but
    not its spread between customers."""
    return (m.model == "paretonbd" and {"s", "beta"} <= set(m.at_bound) and m.params["s"] > BOUNDS[1]
            and m.params["beta"] > BOUNDS[1] and np.isfinite(m.params["s"] / m.params["beta"]))


@dataclass(frozen=True)
class Fitted(Result):
    """A fitted CLV model.

    Attributes
    ----------
    model : str
        ``"bgnbd"``, ``"paretonbd"``, ``"mbgnbd"`` or ``"gamma_gamma"``.
    params, se : dict
        Estimates and standard errors by parameter name; a standard error that the Hessian cannot give (a
        parameter at a bound, a singular or negative curvature) is NaN, never 0.
    at_bound : tuple of str
        Parameters at a bound of the parameter space (:data:`BOUNDS`).
    loglik : float
        Total log-likelihood.
    """

    model: str
    fitter: object
    params: dict
    loglik: float
    n_customers: int
    n_rows: int
    se: dict = field(default_factory=dict)
    unit: str = "W"
    at_bound: tuple = ()
    covariates: tuple = ()

    @property
    def label(self) -> str:
        """The model's name in tables, with its covariates (``Pareto/NBD + country``)."""
        return label("+".join([self.model, *self.covariates]))

    @property
    def degenerate(self) -> bool:
        """True when a parameter is at a bound (the estimates do not describe an identified model)."""
        return bool(self.at_bound)

    def diagnosis(self) -> str | None:
        """One sentence on a degenerate fit: what it means and what to try (None when the fit is regular)."""
        if not self.at_bound:
            return None
        label = self.label
        values = ", ".join(f"{k} = {self.params[k]:.3g}" for k in self.at_bound)
        if _common_dropout(self):
            return Message("{model}: s and beta are at a bound ({values}): every customer drops out at about the same "
                           "rate (s / beta = {rate:.3g} in the model's time unit), and how that rate differs between "
                           "customers cannot be identified in this window; P(alive) follows the common rate, but s "
                           "and beta are no estimates to read (standard errors omitted).",
                           model=label, values=values, rate=self.params["s"] / self.params["beta"])
        if self.model in DROPOUT and set(self.at_bound) & set(DROPOUT[self.model]):
            return Message("{model}: the dropout parameters are at a bound ({values}): no dropout can be identified in "
                           "this window, so the model reduces to the NBD and its P(alive) is about 1 for everyone and "
                           "carries no information; use a longer calibration period or judge risk by recency.",
                           model=label, values=values)
        return Message("{model}: {values} at a bound of the parameter space; the estimates are not identified in this "
                       "window (standard errors omitted); try a longer calibration period or a penalizer.",
                       model=label, values=values)

    @property
    def aic(self) -> float:
        return 2 * len(self.params) - 2 * self.loglik

    @property
    def bic(self) -> float:
        return len(self.params) * np.log(self.n_customers) - 2 * self.loglik

    def summary_frame(self, ci: pd.DataFrame | None = None) -> pd.DataFrame:
        """Parameters with ``_se``, an ``at_bound`` flag (and bootstrap ``_ci_lower``/``_ci_upper`` when given)."""
        out = pd.DataFrame({"model": self.label, "parameter": list(self.params),
                            "estimate": list(self.params.values()),
                            "estimate_se": [self.se.get(k, np.nan) for k in self.params],
                            "at_bound": [k in self.at_bound for k in self.params]})
        if ci is not None:
            out = out.merge(ci, on="parameter", how="left")
        return out

    # -- purchase models ---------------------------------------------------
    def _need_purchase(self):
        if self.model == "gamma_gamma":
            raise KamError("This is the Gamma-Gamma spend model; use a purchase model (bgnbd, paretonbd, mbgnbd).")

    def _fitter(self, summary: pd.DataFrame):
        """The fitter, bound to the customers of ``summary`` when each has its own parameters (covariates)."""
        bind = getattr(self.fitter, "bind", None)
        return bind(summary) if bind is not None else self.fitter

    def p_alive(self, summary: pd.DataFrame) -> np.ndarray:
        """P(alive) at the end of the calibration period."""
        self._need_purchase()
        return np.asarray(self._fitter(summary).conditional_probability_alive(
            summary["frequency"].to_numpy(float), summary["recency"].to_numpy(float), summary["T"].to_numpy(float)))

    def expected_purchases(self, t, summary: pd.DataFrame) -> np.ndarray:
        """Expected repeat purchases in the next ``t`` time units, per customer."""
        self._need_purchase()
        if self.model == "bgnbd" and np.isscalar(t) and not hasattr(self.fitter, "bind"):
            return next(_bgnbd_expected([float(t)], self.params, summary["frequency"].to_numpy(float),
                                        summary["recency"].to_numpy(float), summary["T"].to_numpy(float)))
        return np.asarray(self._fitter(summary).conditional_expected_number_of_purchases_up_to_time(
            t, summary["frequency"].to_numpy(float), summary["recency"].to_numpy(float),
            summary["T"].to_numpy(float)))

    def unconditional_purchases(self, t) -> np.ndarray:
        """Expected repeat purchases by time ``t`` since a random customer's first purchase."""
        self._need_purchase()
        if hasattr(self.fitter, "bind"):
            raise KamError(f"{self.label}: the expectation of a random customer depends on the covariates; use "
                           "expected_purchases for given customers.")
        return np.asarray(self.fitter.expected_number_of_purchases_up_to_time(np.asarray(t, float)))

    # -- spend model -------------------------------------------------------
    def expected_spend(self, summary: pd.DataFrame) -> np.ndarray:
        """Gamma-Gamma conditional expected spend per transaction (population mean for 0 repeats)."""
        if self.model != "gamma_gamma":
            raise KamError("expected_spend needs the Gamma-Gamma model (fit(summary, model='gamma_gamma')).")
        p, q, v = (self.params[k] for k in ("p", "q", "v"))
        x = summary["frequency"].to_numpy(float)
        m = summary["monetary_value"].to_numpy(float)
        population_mean = v * p / (q - 1)
        weight = (q - 1) / (p * x + q - 1)
        return weight * population_mean + (1 - weight) * m


def _bgnbd_expected(ts, params: dict, x: np.ndarray, tx: np.ndarray, T: np.ndarray):
    """BG/NBD conditional expected purchases in (T, T + t] for each ``t`` of ``ts`` (Fader, Hardie & Lee 2005,
    eq. 10), as lifetimes' ``conditional_expected_number_of_purchases_up_to_time``; yields one array per ``t``.
    The Gauss hypergeometric term depends on the frequency and T only, so it is computed once per distinct
    (frequency, T) pair: thousands of evaluations instead of one per customer."""
    from scipy.special import hyp2f1

    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    # the distinct (frequency, T) pairs by hashing each column, then one 64-bit key per pair: a MultiIndex of
    # 8 million customers built a tuple each (6.4 s of a 100M-row log's 8.8 s CLV)
    cx, ux = pd.factorize(x, use_na_sentinel=False)
    cT, uT = pd.factorize(T, use_na_sentinel=False)
    codes, keys = pd.factorize(cx.astype(np.int64) * len(uT) + cT)
    xu, Tu = np.asarray(ux, float)[keys // len(uT)], np.asarray(uT, float)[keys % len(uT)]
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
    for t in np.atleast_1d(ts):
        z = t / (alpha + Tu + t)
        head = 1 - ((alpha + Tu) / (alpha + Tu + t)) ** (r + xu) * hyp2f1(r + xu, b + xu, a + b + xu - 1, z)
        yield ((a + b + xu - 1) / (a - 1) * head)[codes] / (1 + tail)


def _nll_bgnbd(log_params, freq, rec, T, weights, penalizer):
    """BG/NBD negative log-likelihood per unit weight and its gradient in log-parameters; the
    objective of lifetimes' BetaGeoFitter (Fader, Hardie & Lee 2005, section 7).

    ``freq`` is a pair (unique frequencies, index of each row): the gamma-function terms
    depend on the frequency only, so they are computed once per distinct value.
    """
    from scipy.special import digamma, gammaln

    fu, inv = freq
    f = fu[inv]
    theta = np.exp(log_params)
    r, alpha, a, b = theta
    a12 = (gammaln(r + fu) - gammaln(r) + gammaln(a + b) + gammaln(b + fu) - gammaln(b) - gammaln(a + b + fu))[inv]
    lat, lra = np.log(alpha + T), np.log(rec + alpha)
    a1 = a12 + r * np.log(alpha)
    a3 = -(r + f) * lat
    bf = b + np.maximum(fu, 1) - 1
    a4 = (np.log(a) - np.log(bf))[inv] - (r + f) * lra
    m = np.maximum(a3, a4)
    e3, e4 = np.exp(a3 - m), np.exp(a4 - m) * (f > 0)
    ll = a1 + m + np.log(e3 + e4)
    w3, w4 = e3 / (e3 + e4), e4 / (e3 + e4)
    dr = (digamma(r + fu) - digamma(r))[inv] + np.log(alpha) - w3 * lat - w4 * lra
    dalpha = r / alpha - w3 * (r + f) / (alpha + T) - w4 * (r + f) / (rec + alpha)
    dab = (digamma(a + b) - digamma(a + b + fu))[inv]
    da = dab + w4 / a
    db = dab + (digamma(b + fu) - digamma(b))[inv] - w4 / bf[inv]
    W = weights.sum()
    grad = -np.array([weights @ d for d in (dr, dalpha, da, db)]) / W * theta + 2 * penalizer * theta ** 2
    return -(weights @ ll) / W + penalizer * (theta ** 2).sum(), grad


def _nll_gamma_gamma(log_params, x, m, weights, penalizer):
    """Gamma-Gamma negative log-likelihood per unit weight and its gradient in log-parameters; the
    objective of lifetimes' GammaGammaFitter (Fader & Hardie 2013, eq. 1a). ``x`` is a pair
    (unique frequencies, index of each row), as in :func:`_nll_bgnbd`."""
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
    grad = -np.array([weights @ d for d in (dp, dq, dv)]) / W * theta + 2 * penalizer * theta ** 2
    return -(weights @ ll) / W + penalizer * (theta ** 2).sum(), grad


def _nll_mbgnbd(log_params, freq, rec, T, weights, penalizer):
    """MBG/NBD negative log-likelihood per unit weight and its gradient in log-parameters; the objective of
    lifetimes' ModifiedBetaGeoFitter (Batislam, Denizel & Filiztekin 2007; a customer may drop out right after the
    first purchase). ``freq`` is a pair (unique frequencies, index of each row), as in :func:`_nll_bgnbd`."""
    from scipy.special import digamma, gammaln

    fu, inv = freq
    f = fu[inv]
    theta = np.exp(log_params)
    r, alpha, a, b = theta
    lat, lra = np.log(alpha + T), np.log(alpha + rec)
    a12 = (gammaln(r + fu) - gammaln(r) + gammaln(a + b) + gammaln(b + fu + 1) - gammaln(b)
           - gammaln(a + b + fu + 1))[inv]
    a4 = (np.log(a) - np.log(b + fu))[inv] + (r + f) * (lat - lra)
    ll = a12 + r * np.log(alpha) - (r + f) * lat + np.logaddexp(a4, 0.0)
    w4 = np.exp(a4 - np.logaddexp(a4, 0.0))  # the share of the term of having dropped out
    dr = (digamma(r + fu) - digamma(r))[inv] + np.log(alpha) - lat + w4 * (lat - lra)
    dalpha = r / alpha - (r + f) / (alpha + T) + w4 * (r + f) * (1 / (alpha + T) - 1 / (alpha + rec))
    dab = (digamma(a + b) - digamma(a + b + fu + 1))[inv]
    da = dab + w4 / a
    db = dab + (digamma(b + fu + 1) - digamma(b))[inv] - w4 / (b + f)
    W = weights.sum()
    grad = -np.array([weights @ d for d in (dr, dalpha, da, db)]) / W * theta + 2 * penalizer * theta ** 2
    return -(weights @ ll) / W + penalizer * (theta ** 2).sum(), grad


def _pnbd_log_g(r: float, s: float, alpha, beta, x: np.ndarray, t: np.ndarray):
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
    from ._kernels import pnbd_j

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


def _pnbd_data(x, tx, T, group=None) -> dict:
    """The Pareto/NBD's inputs for :func:`_pnbd_rows`: the rows, their distinct frequencies, and the distinct
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


def _pnbd_rows(r: float, s: float, alpha: np.ndarray, beta: np.ndarray, data: dict, grad: bool = True):
    """Per-row Pareto/NBD log-likelihood (Fader & Hardie 2005, eq. 18; lifetimes' and CLVTools' likelihood) with
    ``alpha`` and ``beta`` one per covariate group, and its derivatives in ``r``, the row's alpha, ``s`` and the
    row's beta (4 x rows).

    ``L = Gamma(r + x) alpha^r beta^s / Gamma(r) [(alpha + T)^-(r + x) (beta + T)^-s + s (G(t_x) - G(T))]``, summed
    in logs: the difference of the two G terms as ``G(t_x) (1 - G(T) / G(t_x))``, which loses no digits of the
    total (where it cancels, the first term dominates).
    """
    from scipy.special import digamma, gammaln

    x, T, grp = data["x"], data["T"], data["group"]
    fu, finv = data["freq"]
    sides = []
    for xp, tp, gp, inv in (data["recency"], data["age"]):
        g, d = _pnbd_log_g(r, s, alpha[gp], beta[gp], xp, tp)
        sides.append((g[inv], d[:, inv]))
    (g1, d1), (g2, d2) = sides
    al, be = alpha[grp], beta[grp]
    lra, lrb = np.log1p(T / al), np.log1p(T / be)
    # the terms alive at T and dropped out before it, each times alpha^r beta^s (as _pnbd_log_g)
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


def _nll_paretonbd(log_params, data, weights, penalizer):
    """Pareto/NBD negative log-likelihood per unit weight and its gradient in log-parameters (``r, alpha, s,
    beta``) on :func:`_pnbd_data`; the penalty as :func:`_nll_bgnbd`'s."""
    theta = np.exp(log_params)
    r, alpha, s, beta = theta
    with np.errstate(over="ignore", invalid="ignore"):
        ll, d = _pnbd_rows(r, s, np.array([alpha]), np.array([beta]), data)
        W = weights.sum()
        value = -(weights @ ll) / W + penalizer * (theta ** 2).sum()
        grad = -(d @ weights) / W * theta + 2 * penalizer * theta ** 2
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        return np.inf, np.zeros(4)
    return value, grad


def _pnbd_alive(r: float, alpha, s: float, beta, x, tx, T) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer Pareto/NBD log-likelihood and the log of its term 'alive at T' (``alpha`` and ``beta`` scalars or
    one per customer), by :func:`_pnbd_rows`: finite where lifetimes' hyp2f1 gives NaN (a fit without dropout,
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
        ll, _ = _pnbd_rows(r, s, al, be, _pnbd_data(x, tx, T, group), grad=False)
        alive = (gammaln(r + x) - gammaln(r) - r * np.log1p(T / alpha) - x * np.log(alpha + T)
                 - s * np.log1p(T / beta))
    return ll, alive


def _pnbd_expected(t, r: float, alpha, s: float, beta, x, T, alive: np.ndarray) -> np.ndarray:
    """Pareto/NBD expected purchases in (T, T + t] given P(alive) (Fader & Hardie 2005, eq. 41), continuous at
    s = 1: ``(r + x) / (alpha + T) (beta + T) / (s - 1) [1 - ((beta + T) / (beta + T + t))^(s - 1)] P(alive)``."""
    x, T = np.asarray(x, float), np.asarray(T, float)
    horizon = np.log1p(t / (beta + T))
    scale = np.where(abs(s - 1) > 1e-9, -np.expm1(-(s - 1) * horizon) / np.where(abs(s - 1) > 1e-9, s - 1, 1),
                     horizon) * (beta + T)
    return (r + x) / (alpha + T) * scale * alive


class _ParetoNBD:
    """lifetimes' ParetoNBDFitter with P(alive) and the conditional expectation computed from kamlib's
    likelihood (:func:`_pnbd_alive`); everything else is lifetimes'."""

    def __init__(self, fitter):
        self._lifetimes = fitter

    def __getattr__(self, name):
        if name.startswith("__") or name == "_lifetimes":
            raise AttributeError(name)
        return getattr(self._lifetimes, name)

    def __repr__(self):
        return repr(self._lifetimes)

    def _params(self):
        return (float(self._lifetimes.params_[k]) for k in ("r", "alpha", "s", "beta"))

    def conditional_probability_alive(self, frequency, recency, T):
        r, alpha, s, beta = self._params()
        ll, alive = _pnbd_alive(r, alpha, s, beta, frequency, recency, T)
        out = np.minimum(np.exp(alive - ll), 1.0)
        return out if np.ndim(frequency) else float(out[0])

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        r, alpha, s, beta = self._params()
        ll, alive = _pnbd_alive(r, alpha, s, beta, frequency, recency, T)
        out = _pnbd_expected(t, r, alpha, s, beta, frequency, np.atleast_1d(np.asarray(T, float)),
                             np.minimum(np.exp(alive - ll), 1.0))
        return out if np.ndim(frequency) else float(out[0])


FAST = {"bgnbd": _nll_bgnbd, "gamma_gamma": _nll_gamma_gamma, "mbgnbd": _nll_mbgnbd, "paretonbd": _nll_paretonbd}


class NotIdentified(KamError):
    """A model whose likelihood the optimiser could not maximise on this data (one sentence with the fix)."""


class _Converged(Exception):
    """Raised inside :func:`_minimize`'s objective at a point that meets the gradient tolerance."""


def _minimize(nll, x0, args: tuple, options: dict, early: bool = True):
    """BFGS on ``nll`` (value and analytic gradient), stopping as well when an iteration lowers the objective by
    no more than its rounding (1e-14 relative, some tens of units in the last place of a sum over many rows), and
    (``early``) at the first evaluated point whose gradient meets ``gtol`` without a higher objective than the best
    so far: near the optimum, line searches compare noise and fail after dozens of evaluations (72 instead of 20 for
    a BG/CNBD-k on 62,000 rows), while the estimates no longer move. Without ``early`` the result keeps BFGS's
    inverse Hessian (a subsample's fit passes it on)."""
    from scipy.optimize import OptimizeResult, minimize

    last, best = [np.inf], [np.inf]
    gtol = options.get("gtol", 1e-5)

    def stop(intermediate_result):
        value = intermediate_result.fun
        if last[0] - value <= 1e-14 * max(1.0, abs(value)):
            raise StopIteration
        last[0] = value

    def fun(x, *a):
        value, grad = nll(x, *a)
        if early and np.isfinite(value) and value <= best[0] + 1e-14 * max(1.0, abs(value)) \
                and np.abs(grad).max() <= gtol:
            raise _Converged(x.copy(), value, grad)
        best[0] = min(best[0], value)
        return value, grad

    try:
        return minimize(fun, x0, args=args, jac=True, method="BFGS", options=options, callback=stop)
    except _Converged as done:
        x, value, grad = done.args
        return OptimizeResult(x=x, fun=value, jac=grad, success=True, message="gradient below gtol")


def _mle(nll, k: int, args: tuple, *, start=None, sub: tuple | None = None) -> np.ndarray:
    """Minimise ``nll`` (value and analytic gradient) over log-parameters with BFGS, from ``start`` (natural
    scale; lifetimes' start, every parameter 1, by default), first on the arguments ``sub`` of a subsample when
    given; returns the parameters."""
    from lifetimes.utils import ConvergenceError

    start = np.zeros(k) if start is None else np.log(np.asarray(start, float))
    options = {"gtol": 1e-10, "maxiter": 5000}
    if sub is not None:
        # many distinct rows: start from the optimum of every k-th row (a deterministic subsample), so that the
        # full objective needs a few BFGS steps instead of dozens; the optimum is the full data's either way
        n = len(args[-2])
        # on millions of rows the summed gradient carries rounding noise that grows with the rows (1.4e-8 at 3.7
        # million distinct rows on an AVX-512 machine): a target below it ends in dozens of failing line searches
        # (70 evaluations, 28 s), so BFGS stops at 1e-10 x sqrt(rows), at least 1e-8 (2e-7 at 3.7 million rows;
        # the estimates move by about 1e-7, relative)
        options["gtol"] = max(1e-8, 1e-10 * np.sqrt(n))
        first = _minimize(nll, start, sub, {"gtol": 1e-6, "maxiter": 5000}, early=False)
        if np.all(np.isfinite(first.x)) and np.isfinite(first.fun):
            start = first.x
            h = (first.hess_inv + first.hess_inv.T) / 2
            try:
                np.linalg.cholesky(h)
                options["hess_inv0"] = h  # and its curvature: a few steps remain on the full data
            except np.linalg.LinAlgError:
                pass
    res = _minimize(nll, start, args, options)
    if not np.isfinite(res.fun) or np.abs(res.jac).max() > 1e-6:
        if np.isfinite(res.fun) and np.any((np.exp(res.x) < BOUNDS[0]) | (np.exp(res.x) > BOUNDS[1])):
            # the likelihood rises along a ridge towards a bound of the parameter space: not a failure of the
            # optimiser but a model the data cannot identify; fit() flags it (at_bound) and says so in one sentence
            return np.exp(res.x)
        raise ConvergenceError("The model did not converge; try a positive penalizer (for example penalizer=0.001).")
    return np.exp(res.x)


def fit(summary: pd.DataFrame, model: str = "bgnbd", *, penalizer: float = 0.0, unit: str = "W",
        with_se: bool = True, covariates: pd.DataFrame | None = None, life=(), trans=()) -> Fitted:
    """Fit a purchase or spend model by maximum likelihood on sufficient statistics.

    Fitting uses the unique sufficient-statistic rows with weights, so it takes about as long for a million
    customers as for a thousand: BFGS with the model's analytic gradient (the Pareto/NBD's hypergeometric term and
    its derivatives by series or adaptive quadrature, :func:`kamlib._kernels.pnbd_j`), from a subsample's optimum
    when the distinct rows are many; standard errors come from the Hessian of the total log-likelihood (central
    differences of the gradient).

    Parameters
    ----------
    summary : DataFrame
        RFM summary (:func:`kamlib.rfm.summary` or :func:`kamlib.rfm.calibration_holdout`).
    model : {"bgnbd", "paretonbd", "mbgnbd", "mbgcnbd", "bgcnbd", "gamma_gamma"}
        The model; ``mbgcnbd`` and ``bgcnbd`` (Platzer & Reutterer 2016, :mod:`kamlib.regular`) estimate the
        regularity k on a grid and need ``litt`` in the summary (:func:`kamlib.regular.with_litt`).
    penalizer : float
        L2 penalty on the parameters: ``penalizer`` times the sum of their squares (in the summary's time unit) added
        to the mean negative log-likelihood per customer, as lifetimes' BG/NBD ``penalizer_coef``, for every model
        but the regular-buyer models (not penalised). lifetimes' Pareto/NBD penalised its parameters in a time
        scale of its own (the largest T as 1) against the likelihood per row; the same value now means the same
        for every model.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T`` (recorded with the fit).
    with_se : bool
        Compute standard errors (False skips the Hessian, for bootstrap refits).
    covariates : DataFrame, optional
        One row per customer: time-invariant covariates of the Pareto/NBD or the BG/NBD
        (:func:`kamlib.covariates.fit`); P(alive), expected purchases and CLV then use each customer's parameters.
    life, trans : list of str
        The covariates of the dropout and of the purchase process.

    Returns
    -------
    Fitted
        Parameters, log-likelihood, standard errors and prediction methods (``p_alive``,
        ``expected_purchases``, ``expected_spend``); ``summary_frame()`` gives the parameter table.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
        to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.
    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they and
        what will they do next? *Management Science*, 33(1), 1-24.
    Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). Empirical validation and comparison of models
        for customer base analysis. *IJRM*, 24(3), 201-209.
    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note 025.

    Examples
    --------
    >>> m = fit(rfm.summary(datasets.cdnow(sample=True), end="1997-09-30"), "bgnbd")
    >>> round(float(m.params["r"]), 3)
    0.243
    """
    if model not in PARAMS:
        raise KamError(f"Unknown model {model!r}; choose one of {', '.join(PARAMS)}.")
    if covariates is not None or life or trans:
        from . import covariates as cov

        return cov.fit(summary, covariates, model=model, life=life, trans=trans, with_se=with_se, unit=unit)
    return _fit_suff(sufficient(summary, model), model, penalizer=penalizer, unit=unit, with_se=with_se)


def _fit_suff(suff: pd.DataFrame, model: str, *, penalizer: float = 0.0, unit: str = "W", with_se: bool = True,
              start: dict | None = None, args: tuple | None = None) -> Fitted:
    """:func:`fit` on the sufficient rows (:func:`sufficient`), from the estimates ``start`` of a neighbouring fit
    (the full sample's for a bootstrap refit) when given; ``args`` the rows' objective arguments, when made."""
    if len(suff) < len(PARAMS[model]):
        raise KamError(f"Too few customers to fit {LABELS[model]} ({len(suff)} distinct rows).")
    w = suff["weight"].to_numpy()
    args = _args(model, suff) if args is None else args
    if model in REGULAR:
        fitter = _fit_regular(model, suff, w, start=start)
    else:
        fitter = _fitter_class(model)(penalizer_coef=penalizer)
        from lifetimes.utils import ConvergenceError

        try:
            _estimate(fitter, model, suff, w, penalizer, start=start, args=args)
            if model == "paretonbd":
                fitter = _ParetoNBD(fitter)
        except ConvergenceError:
            repeat = int(w[suff["frequency"].to_numpy() > 0].sum())
            raise NotIdentified(
                f"{LABELS[model]} did not converge on {int(w.sum()):,} customers ({repeat:,} with a repeat purchase): "
                "the data cannot identify its parameters in this window (often nobody drops out, or few customers "
                "repeat); use a longer calibration period, another model (clv.models), or a small positive "
                "clv.penalizer (e.g. 0.001).") from None
    params = np.array([float(fitter.params_[k]) for k in PARAMS[model]])
    ll = _total_loglik(model, params, suff, args)
    at_bound = _at_bound(model, params, ll, suff, args)
    # No standard error is reported as 0: a parameter at a bound makes the Hessian singular, and then none of
    # its standard errors can be trusted; otherwise a non-finite or zero one is missing.
    se = (_standard_errors(model, params, suff, args) if with_se and not at_bound else np.full(len(params), np.nan))
    se = np.where(np.isfinite(se) & (se > 0), se, np.nan)
    return Fitted(model, fitter, dict(zip(PARAMS[model], params)), ll, int(w.sum()), len(suff),
                  dict(zip(PARAMS[model], se)), unit, at_bound)


#: The dropout parameter whose limit 0 is the model without dropout (the NBD), by model: moving it there and losing
#: no likelihood means the optimiser stopped on the flat ridge towards that limit.
_RIDGE = {"paretonbd": "s", "mbgcnbd": "a", "bgcnbd": "a"}


def _at_bound(model: str, params: np.ndarray, ll: float, suff: pd.DataFrame, args: tuple | None = None) -> tuple:
    """The parameters at a bound of the parameter space (:data:`BOUNDS`; k of the regular-buyer models is an
    integer on its grid, never at a bound)."""
    names = PARAMS[model]
    at_bound = tuple(k for k, v in zip(names, params) if k != "k" and not BOUNDS[0] <= v <= BOUNDS[1])
    ridge = _RIDGE.get(model)
    if ridge and ridge not in at_bound:
        # the optimiser can stop on the flat ridge towards no dropout before reaching the bound: when moving the
        # dropout shape to the limit loses no likelihood, the dropout process is not identified
        limit = params.copy()
        limit[names.index(ridge)] = 1e-12
        if _total_loglik(model, limit, suff, args) >= ll - 1e-6:
            at_bound = at_bound + (ridge,)
    return at_bound


def _fit_regular(model: str, suff: pd.DataFrame, w: np.ndarray, *, start: dict | None = None):
    """MBG/CNBD-k or BG/CNBD-k on the sufficient rows (:func:`kamlib.regular.fit`, k searched from the neighbour
    ``start`` when given), as a fitter."""
    from . import regular

    found, _ = regular.fit(*(suff[c] for c in ("frequency", "recency", "T", "litt")), w.astype(float), model=model,
                           start=start)
    return regular.RegularFitter(model, {k: float(found[k]) for k in PARAMS[model]})


def fit_models(summary: pd.DataFrame, models, **kwargs) -> tuple[dict[str, Fitted], list[str]]:
    """Fit each of ``models``; a model the data cannot identify is left out with its sentence.

    Parameters
    ----------
    summary : DataFrame
        RFM summary.
    models : iterable of str
        Model names (as :func:`fit` takes them).
    **kwargs
        Passed to :func:`fit` (``penalizer``, ``unit``).

    Returns
    -------
    fitted : dict
        Model name to :class:`Fitted`, for the models that could be fitted.
    failed : list of str
        One sentence per model that could not (:class:`NotIdentified`).

    Examples
    --------
    >>> from kamlib import datasets, rfm
    >>> fitted, failed = fit_models(rfm.summary(datasets.cdnow(sample=True), end="1997-09-30"), ["bgnbd"])
    >>> list(fitted), failed
    (['bgnbd'], [])
    """
    fitted, failed = {}, []
    for name in models:
        try:
            fitted[name] = fit(summary, name, **kwargs)
        except NotIdentified as exc:
            failed.append(str(exc))
    return fitted, failed


def sensitivity(transactions: pd.DataFrame, *, start, calibration_ends, units=("D", "W", "M"),
                models=("bgnbd", "bgcnbd")) -> tuple[pd.DataFrame, Message]:
    """Where dropout becomes identifiable: each purchase model fitted for every time unit and calibration end.

    A model whose dropout parameters reach a bound (:attr:`Fitted.degenerate`) cannot tell a silent customer who
    left from one who buys rarely; that depends on how long the calibration period is and on the model's purchase
    process, rarely on the time unit (which only rescales recency and T). A Pareto/NBD whose s and beta both run to
    the upper bound identifies dropout all the same (one rate s / beta for everyone, its spread not identified).
    Each setting is fitted from the model's default start (another setting's estimates can lead the Pareto/NBD to
    its other optimum).

    Parameters
    ----------
    transactions : DataFrame
        The log.
    start : date-like
        First day of every calibration period.
    calibration_ends : iterable of date-like
        Ends of the calibration periods tried.
    units : iterable of {"D", "W", "M"}
    models : iterable of str
        Purchase models (:data:`PURCHASE_MODELS`).

    Returns
    -------
    table : DataFrame
        ``unit``, ``calibration_end``, ``customers``, ``repeat_buyers_share``, ``model``, ``identified`` (dropout
        not at a bound), ``at_bound`` (the parameters at a bound), ``loglik``.
    sentence : Message
        Per model, in how many settings dropout is identifiable and from which calibration end.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). *Marketing Science*, 24(2), 275-284.
    Platzer, M. & Reutterer, T. (2016). *Marketing Science*, 35(5), 779-799.

    Examples
    --------
    >>> table, sentence = sensitivity(tx, start="1997-01-01", calibration_ends=["1997-06-30", "1997-09-30"],
    ...                               units=["W"], models=["bgnbd"])
    >>> table["identified"].tolist(), str(sentence)[:52]
    ([True, True], 'BG/NBD identifies dropout in 2 of 2 settings (from a')
    """
    from . import regular, rfm
    from .i18n import join

    rows = []
    for unit in units:
        for end in calibration_ends:
            s = rfm.summary(transactions, end=end, unit=unit, start=start)
            if not len(s):
                continue
            if any(m in REGULAR for m in models):
                s = regular.with_litt(s, transactions, end=end, unit=unit, start=start)
            for name in models:
                try:
                    # each setting from the model's default start: a start from another setting's estimates was
                    # slower on CDNOW and can end in the Pareto/NBD's other optimum (s and beta in the thousands,
                    # -6646.4 against -6640.7 at a June calibration end)
                    m = fit(s, name, unit=unit, with_se=False)
                    bound, ll = tuple(k for k in m.at_bound if k in DROPOUT.get(name, ())), m.loglik
                    identified = not bound or _common_dropout(m)  # a rate common to all is identified dropout
                except (NotIdentified, KamError):
                    bound, ll, identified = ("not fitted",), np.nan, False
                rows.append({"unit": unit, "calibration_end": str(pd.Timestamp(end).date()), "customers": len(s),
                             "repeat_buyers_share": float((s["frequency"] > 0).mean()) if len(s) else np.nan,
                             "model": LABELS[name], "identified": identified, "at_bound": ", ".join(bound),
                             "loglik": ll})
    table = pd.DataFrame(rows)
    parts = []
    for name in models:
        t = table[table["model"] == LABELS[name]]
        ok = t[t["identified"]]
        parts.append(Message("{model} identifies dropout in {n} of {total} settings (from a calibration end of {first})",
                             "phrase", model=LABELS[name], n=len(ok), total=len(t),
                             first=min(ok["calibration_end"])) if len(ok) else
                     Message("{model} identifies dropout in none of the {total} settings", "phrase",
                             model=LABELS[name], total=len(t)))
    return table, join(parts)


#: Distinct rows beyond which BFGS starts from the optimum of a subsample (:func:`_mle`; every n-th row, about
#: 100,000), and for the Pareto/NBD, whose rows cost more, beyond :data:`_WARM_START_ROWS_PARETO` (about 10,000)
_WARM_START_ROWS = 200_000
_WARM_START_ROWS_PARETO = 20_000


#: Distinct rows beyond which BFGS starts from the optimum of a subsample (:func:`_mle`; every n-th row, about
#: 100,000), and for the Pareto/NBD, whose rows cost more, beyond :data:`_WARM_START_ROWS_PARETO` (about 10,000)
_WARM_START_ROWS = 200_000
_WARM_START_ROWS_PARETO = 20_000


def _fit_setting(summary: pd.DataFrame, model: str, unit: str, previous: tuple | None) -> Fitted:
    """One fit of :func:`sensitivity`: from the estimates of the last setting that identified the model (its time
    scales converted to ``unit``), and from the default start as well when that one ends at a bound (a warm start
    must not hide an identified optimum)."""
    suff = sufficient(summary, model)
    args = _args(model, suff)
    if previous is None:
        return _fit_suff(suff, model, unit=unit, with_se=False, args=args)
    old_unit, params = previous
    scale = UNIT_DAYS[old_unit] / UNIT_DAYS[unit]  # alpha and beta are in time units
    start = {k: v * scale if k in ("alpha", "beta") else v for k, v in params.items()}
    try:
        warm = _fit_suff(suff, model, unit=unit, with_se=False, start=start, args=args)
    except (NotIdentified, KamError):
        warm = None
    if warm is not None and not warm.at_bound:
        return warm
    try:
        cold = _fit_suff(suff, model, unit=unit, with_se=False, args=args)
    except (NotIdentified, KamError):
        if warm is None:
            raise
        return warm
    return cold if warm is None or cold.loglik >= warm.loglik else warm


def _estimate(fitter, model, suff, w, penalizer, *, start: dict | None = None, args: tuple | None = None) -> None:
    """Fit ``fitter`` in place on the sufficient statistics: the objective of lifetimes' fitter (the same
    likelihood, and the same penalty as :func:`_nll_bgnbd`) minimised by BFGS with its analytic gradient, from
    ``start`` (natural-scale estimates of a neighbouring fit) when given."""
    names = PARAMS[model]
    args = (_args(model, suff) if args is None else args) + (w.astype(float), float(penalizer))
    sub = None
    if start is not None:
        first = [start[k] for k in names]
    elif model == "paretonbd":
        # lifetimes' start in its time scale (every parameter 1, time divided by the largest T), fixed
        big = float(suff["T"].max())
        first = [1.0, big, 1.0, big]
    else:
        first = None
    limit = _WARM_START_ROWS_PARETO if model == "paretonbd" else _WARM_START_ROWS
    if start is None and len(suff) > limit:
        step = max(2, -(-len(suff) // (limit // 2)))
        sub = _args(model, suff.iloc[::step]) + (w[::step].astype(float), float(penalizer))
    with np.errstate(all="ignore"):
        fitter.params_ = pd.Series(_mle(FAST[model], len(names), args, start=first, sub=sub), index=names)


def bootstrap(summary: pd.DataFrame, model: str, *, n_boot: int = 100, seed: int = 0, level: float = 0.95,
              penalizer: float = 0.0) -> pd.DataFrame:
    """Percentile bootstrap intervals of a model's parameters.

    Customers are resampled with replacement, which is drawing multinomial counts over the sufficient rows,
    so each of the ``n_boot`` refits is as fast as the original fit.

    Parameters
    ----------
    summary : DataFrame
        RFM summary.
    model : str
        As in :func:`fit`.
    n_boot : int
        Bootstrap refits (0 gives an empty table).
    seed : int
        Random seed.
    level : float
        Confidence level.
    penalizer : float
        As in :func:`fit`.

    Returns
    -------
    DataFrame
        ``parameter``, ``estimate_ci_lower``, ``estimate_ci_upper``, ``bootstrap_n``.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 13 (percentile intervals).

    Examples
    --------
    >>> ci = bootstrap(cal, "bgnbd", n_boot=20, seed=1)
    """
    if n_boot <= 0:
        return pd.DataFrame({"parameter": PARAMS[model], "estimate_ci_lower": np.nan,
                             "estimate_ci_upper": np.nan, "bootstrap_n": 0})
    suff = sufficient(summary, model)
    args = _args(model, suff)
    full = _fit_suff(suff, model, penalizer=penalizer, with_se=False, args=args).params
    rng = np.random.default_rng(seed)
    total = int(suff["weight"].sum())
    prob = suff["weight"].to_numpy(float) / total
    draws = []
    for _ in range(n_boot):
        # a resample's sufficient rows are these rows with its counts as weights (a row drawn 0 times weighs 0), so
        # the objective's arguments are made once; each refit starts from the full sample's estimates
        counts = rng.multinomial(total, prob)
        try:
            refit = _fit_suff(suff.assign(weight=counts), model, penalizer=penalizer, with_se=False, start=full,
                              args=args)
            draws.append(list(refit.params.values()))
        except Exception:  # a non-converging resample is skipped, and counted
            continue
    arr = np.array(draws)
    a = (1 - level) / 2
    return pd.DataFrame({"parameter": PARAMS[model],
                         "estimate_ci_lower": np.quantile(arr, a, axis=0),
                         "estimate_ci_upper": np.quantile(arr, 1 - a, axis=0),
                         "bootstrap_n": len(arr)})


def clv(purchase: Fitted, spend: Fitted, summary: pd.DataFrame, *, months: int = 12,
        discount_rate: float = 0.10, margin: float = 1.0) -> np.ndarray:
    """Discounted expected value of each customer over ``months`` months.

    Expected purchases in each month (purchase model) times the expected spend per purchase (Gamma-Gamma)
    times ``margin``, discounted at the monthly rate equivalent to the annual ``discount_rate``; a month is
    365.25/12 days.

    Parameters
    ----------
    purchase : Fitted
        A fitted BG/NBD, Pareto/NBD or MBG/NBD model.
    spend : Fitted
        A fitted Gamma-Gamma model.
    summary : DataFrame
        RFM summary of the customers to value.
    months : int
        Horizon.
    discount_rate : float
        Annual discount rate.
    margin : float
        Share of revenue that is profit (1 = revenue CLV).

    Returns
    -------
    ndarray
        CLV per customer, in the currency of ``monetary_value``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for customer
    base analysis. *J. Marketing Research*, 42(4), 415-430.

    Examples
    --------
    >>> values = clv(bgnbd, gg, cal, months=12)
    """
    if months <= 0:
        raise KamError(f"months must be positive, got {months}.")
    if not 0 <= discount_rate < 1:
        raise KamError(f"discount_rate is an annual rate between 0 and 1, got {discount_rate}.")
    month = UNIT_DAYS["M"] / UNIT_DAYS[purchase.unit]
    monthly_rate = (1 + discount_rate) ** (1 / 12) - 1
    spend_per = spend.expected_spend(summary)
    value = np.zeros(len(summary))
    previous = np.zeros(len(summary))
    ts = [i * month for i in range(1, months + 1)]
    if purchase.model == "bgnbd" and not hasattr(purchase.fitter, "bind"):
        curve = _bgnbd_expected(ts, purchase.params, summary["frequency"].to_numpy(float),
                                summary["recency"].to_numpy(float), summary["T"].to_numpy(float))
    else:
        curve = (purchase.expected_purchases(t, summary) for t in ts)
    for i, cumulative in enumerate(curve, start=1):
        value += (cumulative - previous) * spend_per * margin / (1 + monthly_rate) ** i
        previous = cumulative
    return value


def customer_base(summary: pd.DataFrame, *, model: str = "bgnbd", months: int = 12, discount_rate: float = 0.10,
                  unit: str = "W", penalizer: float = 0.0, covariates: pd.DataFrame | None = None
                  ) -> tuple[pd.DataFrame, Fitted, Fitted]:
    """Fit a purchase model and Gamma-Gamma, and value every customer.

    Parameters
    ----------
    summary : DataFrame
        RFM summary.
    model : str
        Purchase model (:data:`PURCHASE_MODELS`), or a model with covariates as :func:`parse` reads it
        (``"paretonbd+country"``).
    months : int
        CLV horizon.
    discount_rate : float
        Annual discount rate.
    unit : {"D", "W", "M"}
        Time unit of the summary.
    penalizer : float
        As in :func:`fit`.
    covariates : DataFrame, optional
        The customers' covariates, when ``model`` names some (:func:`kamlib.covariates.customer_covariates`).

    Returns
    -------
    base : DataFrame
        The summary with ``p_alive``, ``expected_purchases``, ``expected_spend`` and ``clv``.
    purchase, spend : Fitted
        The fitted models.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for customer
    base analysis. *J. Marketing Research*, 42(4), 415-430.

    Examples
    --------
    >>> base, purchase, spend = customer_base(cal, months=12)
    """
    name, columns = parse(model)
    if columns and covariates is None:
        raise KamError(f"{label(model)} needs the customers' covariates: pass covariates= (kamlib.covariates."
                       "customer_covariates).")
    purchase = (fit(summary, name, unit=unit, covariates=covariates, life=columns, trans=columns) if columns else
                fit(summary, name, penalizer=penalizer, unit=unit))
    spend = fit(summary, "gamma_gamma", penalizer=penalizer, unit=unit)
    out = summary.copy()
    out["p_alive"] = purchase.p_alive(summary)
    out["expected_purchases"] = purchase.expected_purchases(months * UNIT_DAYS["M"] / UNIT_DAYS[unit], summary)
    out["expected_spend"] = spend.expected_spend(summary)
    out["clv"] = clv(purchase, spend, summary, months=months, discount_rate=discount_rate)
    return out, purchase, spend
