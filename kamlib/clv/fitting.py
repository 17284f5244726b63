"""Fitting the CLV family on sufficient statistics, bootstrap intervals, identifiability across settings, and
customer lifetime value."""

from __future__ import annotations

from dataclasses import dataclass


import numpy as np
import pandas as pd

from .._parallel import cores, thread_map
from .._progress import Steps
from .._results import Result
from ..errors import KamError, require_columns
from ..i18n import Message
from ..rfm import UNIT_DAYS
from . import _bgnbd, regular
from .covariates import fit as covariates_fit
from ._optimize import mle, positive_definite
from .base import BOUNDS, get, label, parse
from .fitted import Fitted, NotIdentified

__all__ = ["CustomerBase", "Fits", "Sensitivity", "bootstrap", "clv", "customer_base", "fit", "fit_models", "sensitivity",
           "sufficient"]


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
    spec = get(model)
    cols = list(spec.columns)
    if spec.regular():
        require_columns(summary, cols, where=f"the {spec.label} input",
                        fix="add each customer's sum of log inter-purchase times with kamlib.clv.regular.with_litt")
        data = pd.DataFrame({c: summary[c].to_numpy() for c in cols})
    elif spec.kind == "spend":
        require_columns(summary, cols, where=f"the {spec.label} input")
        # Gamma-Gamma is defined for repeat buyers with positive mean spend
        keep = ((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).to_numpy()
        data = pd.DataFrame({c: summary[c].to_numpy()[keep] for c in cols})  # no .loc on a large text index
    else:
        require_columns(summary, cols, where=f"the {spec.label} input")
        data = pd.DataFrame({c: summary[c].to_numpy() for c in cols})
    from .._io import connect

    con = connect()
    try:  # a DuckDB GROUP BY: about twice as fast as pandas on a million customers
        con.register("data", data)
        select = ", ".join(f'CAST("{c}" AS {"BIGINT" if c == "frequency" else "DOUBLE"}) AS "{c}"' for c in cols)
        out = con.execute(f"SELECT {select}, COUNT(*) AS weight FROM data GROUP BY ALL ORDER BY ALL").df()
    finally:
        con.close()
    return out


def _total_loglik(model: str, params: np.ndarray, suff: pd.DataFrame, args: tuple | None = None) -> float:
    """Total log-likelihood in the original time unit, at natural-scale parameters (the fitted objective's)."""
    spec = get(model)
    args = spec.args(suff) if args is None else args
    w = suff["weight"].to_numpy(float)
    k, free = (int(params[0]), params[1:]) if spec.regular() else (None, params)
    with np.errstate(all="ignore"):
        value, _ = spec.objective(k)(np.log(np.asarray(free, float)), *args, w, 0.0)
    return float(-value * w.sum())


def _log_hessian(model: str, params: np.ndarray, suff: pd.DataFrame, args: tuple | None = None) -> np.ndarray:
    """Hessian of the total negative log-likelihood in the log of the free parameters (every parameter but the
    regular-buyer models' integer k), by central differences of the analytic gradient."""
    spec = get(model)
    fixed = params[:1] if spec.regular() else params[:0]
    free = np.asarray(params[len(fixed):], float)
    args = spec.args(suff) if args is None else args
    w = suff["weight"].to_numpy(float)
    nll = spec.objective(int(fixed[0]) if len(fixed) else None)

    def gradient(lp):
        with np.errstate(all="ignore"):
            return nll(lp, *args, w, 0.0)[1] * w.sum()

    lp, h = np.log(free), 1e-5
    hess = np.empty((len(free), len(free)))
    for j in range(len(free)):
        e = np.zeros(len(free))
        e[j] = h
        hess[:, j] = (gradient(lp + e) - gradient(lp - e)) / (2 * h)
    return (hess + hess.T) / 2


def _standard_errors(model: str, params: np.ndarray, suff: pd.DataFrame, args: tuple | None = None) -> np.ndarray:
    """Standard errors from the Hessian of the total log-likelihood in log-parameters (:func:`_log_hessian`), by
    the delta method in natural units."""
    # k of the regular-buyer models is chosen on a grid of integers: it has no standard error, and the Hessian is
    # that of the other parameters at that k
    fixed = params[:1] if get(model).regular() else params[:0]
    free = np.asarray(params[len(fixed):], float)
    try:
        cov_log = np.linalg.inv(_log_hessian(model, params, suff, args))
    except np.linalg.LinAlgError:
        return np.full(len(params), np.nan)
    se = free * np.sqrt(np.clip(np.diag(cov_log), 0, None))
    # A numerical Hessian is accurate to about 1e-7 relative here, and its last bits move with how numpy vectorises
    # the log-likelihood sums (memory alignment differs between runs): 4 significant digits are what it
    # supports, and they keep reruns byte-identical.
    return np.array([np.nan] * len(fixed) + [float(f"{v:.4g}") if np.isfinite(v) else v for v in se])


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
        The model; ``mbgcnbd`` and ``bgcnbd`` (Platzer & Reutterer 2016, :mod:`kamlib.clv.regular`) estimate the
        regularity k on a grid and need ``litt`` in the summary (:func:`kamlib.clv.regular.with_litt`).
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
        (:func:`kamlib.clv.covariates.fit`); P(alive), expected purchases and CLV then use each customer's parameters.
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
    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
        http://www.brucehardie.com/notes/025/gamma_gamma.pdf

    Examples
    --------
    >>> m = fit(rfm.summary(datasets.cdnow(sample=True), end="1997-09-30"), "bgnbd")
    >>> round(float(m.params["r"]), 3)
    0.243
    """
    get(model)  # an unknown name stops here, with the known ones
    if covariates is not None or life or trans:
        # the plain model's estimates are the start: the fit with covariates never has a lower likelihood
        plain = fit(summary, model, unit=unit, with_se=False)
        return covariates_fit(summary, covariates, plain=plain, life=life, trans=trans, with_se=with_se)
    return _fit_suff(sufficient(summary, model), model, penalizer=penalizer, unit=unit, with_se=with_se)


def _fit_suff(suff: pd.DataFrame, model: str, *, penalizer: float = 0.0, unit: str = "W", with_se: bool = True,
              start: dict | None = None, args: tuple | None = None, curvature=None) -> Fitted:
    """:func:`fit` on the sufficient rows (:func:`sufficient`), from the estimates ``start`` of a neighbouring fit
    (the full sample's for a bootstrap refit) and its ``curvature`` (:func:`_curvature`) when given; ``args`` the
    rows' objective arguments, when made."""
    spec = get(model)
    if len(suff) < len(spec.params):
        raise KamError(f"Too few customers to fit {spec.label} ({len(suff)} distinct rows).")
    w = suff["weight"].to_numpy()
    args = spec.args(suff) if args is None else args
    from lifetimes.utils import ConvergenceError

    try:
        fitter = _fitter(suff, model, w, penalizer, start=start, args=args, curvature=curvature)
    except ConvergenceError:  # mle's (the regular-buyer models' search raises none)
        repeat = int(w[suff["frequency"].to_numpy() > 0].sum())
        raise NotIdentified(
            f"{spec.label} did not converge on {int(w.sum()):,} customers ({repeat:,} with a repeat purchase): "
            "the data cannot identify its parameters in this window (often nobody drops out, or few customers "
            "repeat); use a longer calibration period, another model (clv.models), or a small positive "
            "clv.penalizer (e.g. 0.001).") from None
    params = np.array([float(fitter.params_[k]) for k in spec.params])
    ll = _total_loglik(model, params, suff, args)
    at_bound = _at_bound(model, params, ll, suff, args)
    # No standard error is reported as 0: a parameter at a bound makes the Hessian singular, and then none of
    # its standard errors can be trusted; otherwise a non-finite or zero one is missing.
    se = (_standard_errors(model, params, suff, args) if with_se and not at_bound else np.full(len(params), np.nan))
    se = np.where(np.isfinite(se) & (se > 0), se, np.nan)
    return Fitted(model, fitter, dict(zip(spec.params, params)), ll, int(w.sum()), len(suff),
                  dict(zip(spec.params, se)), unit, at_bound)


def _at_bound(model: str, params: np.ndarray, ll: float, suff: pd.DataFrame, args: tuple | None = None) -> tuple:
    """The parameters at a bound of the parameter space (:data:`BOUNDS`; k of the regular-buyer models is an
    integer on its grid, never at a bound)."""
    names = list(get(model).params)
    at_bound = tuple(k for k, v in zip(names, params) if k != "k" and not BOUNDS[0] <= v <= BOUNDS[1])
    ridge = get(model).ridge
    if ridge and ridge not in at_bound:
        # the optimiser can stop on the flat ridge towards no dropout before reaching the bound: when moving the
        # dropout shape to the limit loses no likelihood, the dropout process is not identified
        limit = params.copy()
        limit[names.index(ridge)] = 1e-12
        if _total_loglik(model, limit, suff, args) >= ll - 1e-6:
            at_bound = at_bound + (ridge,)
    return at_bound


def _fitter(suff: pd.DataFrame, model: str, w: np.ndarray, penalizer: float, *, start: dict | None = None,
            args: tuple | None = None, curvature=None):
    """A fitter holding the estimates on the sufficient rows ``suff`` with weights ``w``: the regular-buyer models by
    their search over k (:func:`_fit_regular`), the others by :func:`_estimate`; from ``start`` and ``curvature``
    when given (a bootstrap refit). The estimates only: :func:`_fit_suff` adds the log-likelihood, bounds and
    standard errors."""
    spec = get(model)
    if spec.regular():
        return _fit_regular(model, suff, w, start=start, curvature=curvature)
    fitter = spec.fitter(penalizer)
    _estimate(fitter, model, suff, w, penalizer, start=start, args=args, hess_inv=curvature)
    return fitter


def _fit_regular(model: str, suff: pd.DataFrame, w: np.ndarray, *, start: dict | None = None, curvature=None):
    """MBG/CNBD-k or BG/CNBD-k on the sufficient rows (:func:`kamlib.clv.regular.fit`, k searched from the neighbour
    ``start`` when given, each k that ``curvature`` holds from its estimates and curvature), as a fitter."""
    found, _ = regular.fit(*(suff[c] for c in ("frequency", "recency", "T", "litt")), w.astype(float), model=model,
                           start=start, curvature=curvature)
    return regular.RegularFitter(model, {k: float(found[k]) for k in get(model).params})


@dataclass(frozen=True)
class Fits(Result):
    """:func:`fit_models`' result; unpacks as ``fitted, failed``.

    Attributes
    ----------
    fitted : dict
        Model name to :class:`Fitted`, for the models that could be fitted.
    failed : list of str
        One sentence per model that could not (:class:`NotIdentified`).
    """

    fitted: dict
    failed: list
    unpack = ("fitted", "failed")


def fit_models(summary: pd.DataFrame, models, **kwargs) -> Fits:
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
    Fits
        ``fitted`` (model name to :class:`Fitted`) and ``failed`` (one sentence per model that could not be
        fitted, :class:`NotIdentified`); unpacks as ``fitted, failed``.

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
    return Fits(fitted, failed)


@dataclass(frozen=True)
class Sensitivity(Result):
    """:func:`sensitivity`'s result; unpacks as ``table, sentence``.

    Attributes
    ----------
    table : DataFrame
        One row per time unit, calibration end and model: ``identified``, ``at_bound``, ``loglik``.
    sentence : Message
        Per model, in how many settings dropout is identifiable and from which calibration end.
    """

    table: pd.DataFrame
    sentence: Message
    unpack = ("table", "sentence")

    def summary_frame(self) -> pd.DataFrame:
        """The table of settings."""
        return self.table


def sensitivity(transactions: pd.DataFrame, *, start, calibration_ends, units=("D", "W", "M"),
                models=("bgnbd", "bgcnbd"), evidence=None) -> Sensitivity:
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
    evidence : Evidence, optional
        :func:`kamlib.clv.evidence.evidence` of the log: when the log is too small to identify dropout, a setting
        whose parameters stay inside their bounds is not called identified (column ``identified`` False) and the
        sentence says the parameters stay inside their bounds instead.

    Returns
    -------
    Sensitivity
        Unpacks as ``table, sentence``.
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
    from .. import rfm
    from ..i18n import join

    models = list(models)
    settings = [(unit, end) for unit in units for end in calibration_ends]
    steps = Steps("identifiability of the purchase models", len(settings))

    def one(job):
        s, unit, name = job
        try:
            # each setting from the model's default start: a start from another setting's estimates was
            # slower on CDNOW and can end in the Pareto/NBD's other optimum (s and beta in the thousands,
            # -6646.4 against -6640.7 at a June calibration end)
            m = fit(s, name, unit=unit, with_se=False)
            bound = tuple(k for k in m.at_bound if k in get(name).dropout)
            return bound, m.loglik, not m.dropout_unidentified  # a rate common to all is identified dropout
        except (NotIdentified, KamError):
            return ("not fitted",), np.nan, False

    rows = []
    for step, (unit, end) in enumerate(settings, start=1):
        s = rfm.summary(transactions, end=end, unit=unit, start=start)
        if not len(s):
            steps.done(step)
            continue
        if any(get(m).regular() for m in models):
            s = regular.with_litt(s, transactions, end=end, unit=unit, start=start)
        # the setting's models on the cores (the summaries are made here, one at a time)
        for name, (bound, ll, identified) in zip(models, thread_map(one, [(s, unit, m) for m in models])):
            rows.append({"unit": unit, "calibration_end": str(pd.Timestamp(end).date()), "customers": len(s),
                         "repeat_buyers_share": float((s["frequency"] > 0).mean()),
                         "model": label(name), "identified": identified, "at_bound": ", ".join(bound),
                         "loglik": ll})
        steps.done(step)
    table = pd.DataFrame(rows)
    thin = evidence is not None and not evidence.adequate
    if thin and len(table):  # interior parameters on too little evidence are not identified dropout
        table["inside_bounds"] = table["identified"]
        table["identified"] = False
    parts = []
    for name in models:
        t = table[table["model"] == label(name)]
        if thin:
            inside = t[t["inside_bounds"]] if len(t) else t
            parts.append(Message("{model} keeps its dropout parameters inside their bounds in {n} of {total} settings, "
                                 "which the inconclusive evidence check does not show to identify dropout", "phrase",
                                 model=label(name), n=len(inside), total=len(t))
                         if getattr(evidence, "inconclusive", False) else
                         Message("{model} keeps its dropout parameters inside their bounds in {n} of {total} settings, "
                                 "which on a log this small does not identify dropout", "phrase", model=label(name),
                                 n=len(inside), total=len(t)))
            continue
        ok = t[t["identified"]]
        parts.append(Message("{model} identifies dropout in {n} of {total} settings (from a calibration end of {first})",
                             "phrase", model=label(name), n=len(ok), total=len(t),
                             first=min(ok["calibration_end"])) if len(ok) else
                     Message("{model} identifies dropout in none of the {total} settings", "phrase",
                             model=label(name), total=len(t)))
    return Sensitivity(table, join(parts))


def _estimate(fitter, model, suff, w, penalizer, *, start: dict | None = None, args: tuple | None = None,
              hess_inv=None) -> None:
    """Fit ``fitter`` in place on the sufficient statistics: the objective of lifetimes' fitter (the same
    likelihood, and the same penalty as :func:`_nll_bgnbd`) minimised by BFGS with its analytic gradient, from
    ``start`` (natural-scale estimates of a neighbouring fit) and its objective's inverse Hessian ``hess_inv`` when
    given."""
    spec = get(model)
    names = list(spec.params)
    args = (spec.args(suff) if args is None else args) + (w.astype(float), float(penalizer))
    sub = None
    first = [start[k] for k in names] if start is not None else spec.start(suff)
    limit = spec.warm_start_rows
    if start is None and len(suff) > limit:
        step = max(2, -(-len(suff) // (limit // 2)))
        sub = spec.args(suff.iloc[::step]) + (w[::step].astype(float), float(penalizer))
    with np.errstate(all="ignore"):
        fitter.params_ = pd.Series(mle(spec.objective(), len(names), args, start=first, sub=sub, hess_inv=hess_inv),
                                   index=names)


def _curvature(model: str, params: dict, suff: pd.DataFrame, args: tuple, penalizer: float):
    """The full sample's curvature for its bootstrap refits: the inverse Hessian of the objective (a mean over the
    customers, so the same for every resample of the same size) at the estimates ``params``; for the regular-buyer
    models ``{k: (log-likelihood, estimates, inverse Hessian)}`` at the k a refit's search visits around the chosen
    k (two either side), each k fitted once on the full sample. None where the Hessian is not positive definite (a
    parameter at a bound): the refits then start from the estimates alone."""
    spec = get(model)
    n = float(suff["weight"].sum())

    def inverse(values) -> np.ndarray | None:
        if penalizer:
            return None  # the penalty's curvature is not in the likelihood's Hessian
        try:
            return positive_definite(n * np.linalg.inv(_log_hessian(model, np.asarray(values, float), suff, args)))
        except np.linalg.LinAlgError:
            return None

    if not spec.regular():
        return inverse([params[k] for k in spec.params])
    cols = [suff[c] for c in ("frequency", "recency", "T", "litt")]
    w = suff["weight"].to_numpy(float)
    k0, known = int(params["k"]), {}
    for k in range(max(1, k0 - 2), min(regular.MAX_K, k0 + 2) + 1):
        found, ll = (({**params}, np.nan) if k == k0 else
                     regular.fit(*cols, w, model=model, k=k, start=params))
        if not found.get("r"):
            continue
        h = inverse([found[p] for p in spec.params])
        if h is not None:
            known[k] = (ll, found, h)
    return known or None


def bootstrap(summary: pd.DataFrame, model: str, *, n_boot: int = 100, seed: int = 0, level: float = 0.95,
              penalizer: float = 0.0, fitted: Fitted | None = None) -> pd.DataFrame:
    """Percentile bootstrap intervals of a model's parameters.

    Customers are resampled with replacement, which is drawing multinomial counts over the sufficient rows,
    so each of the ``n_boot`` refits is as fast as the original fit, and faster: each starts from the full sample's
    estimates and the inverse Hessian of its objective there (one numerical Hessian; for the regular-buyer models
    one more full-sample fit at each of up to four neighbouring k), so it takes a few Newton-like steps. The
    refits run on the cores this process may use (:func:`kamlib._parallel.thread_map`); the resamples are drawn in
    order, so the intervals do not depend on the number of threads.

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
    fitted : Fitted, optional
        The model already fitted on ``summary`` with ``penalizer``: its estimates start the refits, and the full
        sample is not fitted again.

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
        return pd.DataFrame({"parameter": list(get(model).params), "estimate_ci_lower": np.nan,
                             "estimate_ci_upper": np.nan, "bootstrap_n": 0})
    suff = sufficient(summary, model)
    spec = get(model)
    args = spec.args(suff)
    if fitted is not None and (fitted.model != model or fitted.n_customers != int(suff["weight"].sum())
                               or fitted.covariates):
        raise KamError(f"bootstrap got a fit of {fitted.label} on {fitted.n_customers:,} customers for {label(model)} on "
                       f"{int(suff['weight'].sum()):,}; pass the fit of this model on this summary, or none.")
    full = fitted.params if fitted is not None else \
        _fit_suff(suff, model, penalizer=penalizer, with_se=False, args=args).params
    curvature = _curvature(model, full, suff, args, penalizer)
    rng = np.random.default_rng(seed)
    total = int(suff["weight"].sum())
    prob = suff["weight"].to_numpy(float) / total
    steps = Steps(f"bootstrap of the {label(model)}", n_boot)

    def refit(counts):
        # a resample's sufficient rows are these rows with its counts as weights (a row drawn 0 times weighs 0), so
        # the objective's arguments are made once; each refit starts from the full sample's estimates and curvature
        try:  # only the estimates: no log-likelihood, bounds or standard errors as fit() reports them
            fitter = _fitter(suff, model, counts, penalizer, start=full, args=args, curvature=curvature)
            return [float(fitter.params_[k]) for k in spec.params]
        except Exception:  # a non-converging resample is skipped, and counted
            return None

    draws, workers = [], cores()
    for first in range(0, n_boot, 4 * workers):
        # the resamples drawn in order here (the same draws whatever the threads), refitted on the cores: the
        # kernels and numpy release the GIL
        batch = [rng.multinomial(total, prob) for _ in range(min(4 * workers, n_boot - first))]
        draws += [d for d in thread_map(refit, batch, workers) if d is not None]
        steps.done(first + len(batch))
    arr = np.array(draws)
    a = (1 - level) / 2
    return pd.DataFrame({"parameter": list(get(model).params),
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
    base analysis. *J. Marketing Research*, 42(4), 415-430. https://doi.org/10.1509/jmkr.2005.42.4.415

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
        curve = _bgnbd.expected(ts, purchase.params, summary["frequency"].to_numpy(float),
                                summary["recency"].to_numpy(float), summary["T"].to_numpy(float))
    else:
        curve = (purchase.expected_purchases(t, summary) for t in ts)
    for i, cumulative in enumerate(curve, start=1):
        value += (cumulative - previous) * spend_per * margin / (1 + monthly_rate) ** i
        previous = cumulative
    return value


@dataclass(frozen=True)
class CustomerBase(Result):
    """:func:`customer_base`'s result; unpacks as ``base, purchase, spend``.

    Attributes
    ----------
    base : DataFrame
        The summary with ``p_alive``, ``expected_purchases``, ``expected_spend`` and ``clv``.
    purchase, spend : Fitted
        The fitted purchase and spend models.
    """

    base: pd.DataFrame
    purchase: Fitted
    spend: Fitted
    unpack = ("base", "purchase", "spend")

    def summary_frame(self) -> pd.DataFrame:
        """The valued customers."""
        return self.base


def customer_base(summary: pd.DataFrame, *, model: str = "bgnbd", months: int = 12, discount_rate: float = 0.10,
                  unit: str = "W", penalizer: float = 0.0, covariates: pd.DataFrame | None = None) -> CustomerBase:
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
        The customers' covariates, when ``model`` names some (:func:`kamlib.clv.covariates.customer_covariates`).

    Returns
    -------
    CustomerBase
        ``base`` (the summary with ``p_alive``, ``expected_purchases``, ``expected_spend`` and ``clv``),
        ``purchase`` and ``spend`` (the fitted models); unpacks as ``base, purchase, spend``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for customer
    base analysis. *J. Marketing Research*, 42(4), 415-430. https://doi.org/10.1509/jmkr.2005.42.4.415

    Examples
    --------
    >>> base, purchase, spend = customer_base(cal, months=12)
    """
    name, columns = parse(model)
    if columns and covariates is None:
        raise KamError(f"{label(model)} needs the customers' covariates: pass covariates= (kamlib.clv.covariates."
                       "customer_covariates).")
    purchase = (fit(summary, name, unit=unit, covariates=covariates, life=columns, trans=columns) if columns else
                fit(summary, name, penalizer=penalizer, unit=unit))
    spend = fit(summary, "gamma_gamma", penalizer=penalizer, unit=unit)
    out = summary.copy()
    out["p_alive"] = purchase.p_alive(summary)
    out["expected_purchases"] = purchase.expected_purchases(months * UNIT_DAYS["M"] / UNIT_DAYS[unit], summary)
    out["expected_spend"] = spend.expected_spend(summary)
    out["clv"] = clv(purchase, spend, summary, months=months, discount_rate=discount_rate)
    return CustomerBase(out, purchase, spend)
