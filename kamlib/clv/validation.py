"""Calibration/holdout validation of purchase models, as tidy tables for the standard figures.

The figures follow Fader, Hardie and Lee (2005): the calibration-period histogram of
repeat purchases, the weekly and cumulative repeat transactions through the holdout
period, and the conditional expectation of holdout purchases by calibration frequency.

Every number these tables show is a finite number, or its model is left out with a sentence. The closed forms
of the BG/NBD, MBG/NBD and Pareto/NBD (as lifetimes writes them) overflow or cancel at some fitted parameters: the
Gauss hypergeometric function of a large shape overflows while the power it multiplies underflows; the
Pareto/NBD's A_0 is a difference of two nearly equal terms when the dropout rate is small and homogeneous
(s and beta large); gamma(r + n) / gamma(r) overflows for r above 171. :func:`purchase_probabilities`,
:func:`expected_purchases`, :func:`p_alive` and :func:`loglik` evaluate them in log space, and where the closed
form still fails they integrate the model's definition numerically (the Beta posterior of the dropout probability
for the BG/NBD family, the integral over the dropout time for the Pareto/NBD). A model whose numbers are still not
finite (a covariate or regular-buyer fit) is left out of the table, and the result's ``notes`` (:class:`ModelTable`)
carry one sentence naming the model, the quantity and the reason. No library warning reaches the user (:func:`quiet`).
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pandas as pd

from dataclasses import dataclass

from .._results import Result
from ._paretonbd import expected as pnbd_expected, loglik_alive
from .base import get, label
from .fitted import Fitted
from ..errors import require_columns
from ..i18n import Message
from ..rfm import UNIT_DAYS

__all__ = ["ModelTable", "PUBLISHED_CDNOW", "comparison", "conditional_expectation", "expected_purchases", "frequency_histogram",
           "loglik", "p_alive", "published_comparison", "purchase_probabilities", "quiet", "tracking"]

#: Published estimates on the CDNOW sample (2,357 customers, calibration 1997-01-01 to 1997-09-30, in weeks):
#: (model, parameter, value, source).
PUBLISHED_CDNOW = [
    *[("bgnbd", k, v, "Fader, Hardie & Lee (2005), BG/NBD") for k, v in
      (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426))],
    *[("paretonbd", k, v, "Fader, Hardie & Lee (2005), Pareto/NBD") for k, v in
      (("r", 0.553), ("alpha", 10.578), ("s", 0.606), ("beta", 11.669))],
    *[("gamma_gamma", k, v, "Fader & Hardie (2013), Gamma-Gamma") for k, v in (("p", 6.25), ("q", 3.74), ("v", 15.44))],
]


@contextlib.contextmanager
def quiet():
    """No library or floating-point warning reaches the user: the functions of this module check every number
    they return instead, and say when a model is left out.

    Returns
    -------
    contextmanager
        A context in which warnings and floating-point errors are not raised or shown.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.clv.validation import quiet
    >>> with quiet():
    ...     float(np.log(0.0))
    -inf
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


def _stable(model: Fitted) -> bool:
    """The purchase models evaluated here in log space: those with closed forms (:attr:`kamlib.clv.Model.closed_form`),
    without covariates."""
    return get(model.model).closed_form and not model.covariates and not hasattr(model.fitter, "bind")


def _rows(summary: pd.DataFrame):
    return (summary["frequency"].to_numpy(float), summary["recency"].to_numpy(float), summary["T"].to_numpy(float))


def _beta_mean(a: float, B: float, k: float, c: float) -> float:
    """E[(1 - (1 + p c)^-k) / p] for p ~ Beta(a, B): a BG/NBD-family customer's expected purchases in the next
    ``t`` units given alive, with ``c = t / (alpha + T)`` and ``k = r + x`` (the integral of the model's definition,
    by quadrature with the algebraic weight p^(a-1) handled exactly; the weight (1 - p)^(B-1) too for a small B,
    else in the integrand up to the Beta distribution's 1 - 1e-20 quantile)."""
    from scipy.integrate import quad
    from scipy.special import betaln
    from scipy.stats import beta as beta_distribution

    norm = betaln(a, B)

    def f(p):
        return k * c if p <= 0 else -np.expm1(-k * np.log1p(p * c)) / p

    if B <= 30:
        value, _ = quad(f, 0.0, 1.0, weight="alg", wvar=(a - 1.0, B - 1.0), epsabs=0.0, epsrel=1e-11, limit=400)
        return value * np.exp(-norm)
    high = min(1.0, float(beta_distribution.isf(1e-20, a, B)))
    value, _ = quad(lambda p: f(p) * np.exp((B - 1) * np.log1p(-p) - norm), 0.0, high, weight="alg",
                    wvar=(a - 1.0, 0.0), epsabs=0.0, epsrel=1e-11, limit=400)
    return value


def loglik(model: Fitted, summary: pd.DataFrame) -> float:
    """Total log-likelihood of a purchase model on ``summary``, finite where the closed form is not.

    The Pareto/NBD is evaluated in logs (:func:`kamlib.clv._paretonbd.loglik_alive`, the likelihood its fit
    maximised); other models return their fit's log-likelihood when it is finite (their closed forms are sums of logarithms of positive terms).

    Parameters
    ----------
    model : kamlib.clv.Fitted
        A purchase model.
    summary : DataFrame
        The summary it was fitted on (``frequency``, ``recency``, ``T``).

    Returns
    -------
    float
        NaN when the model's likelihood cannot be evaluated at its parameters.

    Examples
    --------
    >>> round(loglik(bgnbd, cal), 1)
    -9582.4
    """
    if model.model == "paretonbd" and _stable(model):
        r, alpha, s, beta = (float(model.params[k]) for k in ("r", "alpha", "s", "beta"))
        return float(np.sum(loglik_alive(r, alpha, s, beta, *_rows(summary))[0]))
    return float(model.loglik) if np.isfinite(model.loglik) else np.nan


def p_alive(model: Fitted, summary: pd.DataFrame) -> np.ndarray:
    """P(alive) at the end of the summary, per customer, in log space for the BG/NBD, MBG/NBD and Pareto/NBD.

    Parameters
    ----------
    model : kamlib.clv.Fitted
        A purchase model.
    summary : DataFrame
        ``frequency``, ``recency``, ``T``.

    Returns
    -------
    ndarray
        NaN only where a model without closed forms (a covariate or regular-buyer fit) gives no number.

    Examples
    --------
    >>> bool(np.allclose(p_alive(bgnbd, cal), bgnbd.p_alive(cal)))
    True
    """
    from scipy.special import expit

    x, tx, T = _rows(summary)
    if not _stable(model):
        with quiet():
            return np.asarray(model.p_alive(summary), float)
    if model.model == "paretonbd":  # in logs, by the likelihood the fit maximised (kamlib.clv._paretonbd)
        r, alpha, s, beta = (float(model.params[k]) for k in ("r", "alpha", "s", "beta"))
        with quiet():
            ll, alive = loglik_alive(r, alpha, s, beta, x, tx, T)
            return np.minimum(np.exp(alive - ll), 1.0)
    r, alpha, a, b = (float(model.params[k]) for k in ("r", "alpha", "a", "b"))
    at_zero = get(model.model).dropout_at_zero
    shift = 0.0 if at_zero else 1.0  # the BG/NBD cannot die before the first repeat purchase, the MBG/NBD can
    with quiet():
        log_odds = np.log(a) - np.log(b + x - shift) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
    if not at_zero:
        log_odds = np.where(x > 0, log_odds, -np.inf)
    return expit(-log_odds)


def _bg_head(r, alpha, a, b, extra, t, x, T) -> np.ndarray:
    """The BG/NBD (``extra`` 0) or MBG/NBD (``extra`` 1) expected purchases in (T, T + t] of a customer alive at T:
    (a + b + x - 1 + e) / (a - 1) (1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x + e;
    a + b + x - 1 + e; t / (alpha + T + t))), with the Gauss hypergeometric term computed once per distinct
    (frequency, T) pair (a large log has few)."""
    from scipy.special import hyp2f1

    cx, ux = pd.factorize(x, use_na_sentinel=False)
    cT, uT = pd.factorize(T, use_na_sentinel=False)
    codes, keys = pd.factorize(cx.astype(np.int64) * len(uT) + cT)
    xu, Tu = np.asarray(ux, float)[keys // len(uT)], np.asarray(uT, float)[keys % len(uT)]
    with quiet():
        z = t / (alpha + Tu + t)
        head = (a + b + xu - 1 + extra) / (a - 1) * (
            1 - ((alpha + Tu) / (alpha + Tu + t)) ** (r + xu) * hyp2f1(r + xu, b + xu + extra, a + b + xu - 1 + extra, z))
    return head[codes]


def expected_purchases(model: Fitted, t: float, summary: pd.DataFrame) -> np.ndarray:
    """Expected repeat purchases in the next ``t`` time units per customer: the model's closed form where it is
    finite, else the model's definition integrated numerically.

    BG/NBD and MBG/NBD: P(alive) times E[(1 - (1 + p t / (alpha + T))^-(r+x)) / p] over the posterior
    p ~ Beta(a, b + x) (MBG/NBD: b + x + 1), which is what the closed form with its Gauss hypergeometric function
    equals (Fader, Hardie & Lee 2005, eq. 10; Batislam et al. 2007). Pareto/NBD: P(alive) times
    (r + x)(beta + T) / ((alpha + T)(s - 1)) (1 - ((beta + T) / (beta + T + t))^(s-1)) (Fader & Hardie 2005,
    eq. 41), with P(alive) in logs (:mod:`kamlib.clv._paretonbd`, as the fit computes it). Nothing here calls the fit's own prediction methods for these three
    models, so :class:`kamlib.clv.Fitted` may delegate to this function.

    Parameters
    ----------
    model : kamlib.clv.Fitted
        A purchase model.
    t : float
        Length of the period, in the model's time unit.
    summary : DataFrame
        ``frequency``, ``recency``, ``T``.

    Returns
    -------
    ndarray
        NaN only where a model without closed forms gives no number.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and related expressions.
    Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). *IJRM*, 24(3), 201-209.

    Examples
    --------
    >>> bool(np.allclose(expected_purchases(bgnbd, 39, cal), bgnbd.expected_purchases(39, cal)))
    True
    """
    x, tx, T = _rows(summary)
    t = float(t)
    if model.model == "paretonbd" and _stable(model):
        r, alpha, s, beta = (float(model.params[k]) for k in ("r", "alpha", "s", "beta"))
        with quiet():
            return pnbd_expected(t, r, alpha, s, beta, x, T, p_alive(model, summary))
    if not _stable(model):
        with quiet():
            return np.asarray(model.expected_purchases(t, summary), float)
    r, alpha, a, b = (float(model.params[k]) for k in ("r", "alpha", "a", "b"))
    extra = 1.0 if get(model.model).dropout_at_zero else 0.0
    alive = p_alive(model, summary)
    out = alive * _bg_head(r, alpha, a, b, extra, t, x, T)
    bad = ~np.isfinite(out) | (out < 0)
    if bad.any():
        keys = pd.DataFrame({"x": x[bad], "T": T[bad]})
        with quiet():
            means = {(xi, Ti): _beta_mean(a, b + xi + extra, r + xi, t / (alpha + Ti))
                     for xi, Ti in keys.drop_duplicates().itertuples(index=False, name=None)}
        out = out.copy()
        out[bad] = alive[bad] * np.array([means[k] for k in keys.itertuples(index=False, name=None)])
    return out


def purchase_probabilities(model: Fitted, t, n: int) -> np.ndarray | None:
    """P(X(t) = x) for x = 0 .. n - 1 at each of the times ``t`` (a customer ``t`` units after the first purchase).

    BG/NBD (Fader, Hardie & Lee 2005, eq. 8) and MBG/NBD (Batislam et al. 2007) in log space: the Beta-function
    ratios by ``betaln``, the NBD terms by scipy's negative binomial (its pmf and survival function), so that
    neither a large r (gamma(r + n) overflows above 171) nor a dropout parameter a near 0 (beta(a, b) infinite)
    breaks them. Other models: their fitter's ``probability_of_n_purchases_up_to_time`` when it has one.

    Parameters
    ----------
    model : kamlib.clv.Fitted
        A purchase model.
    t : float or array
        Times since the first purchase, in the model's unit.
    n : int
        Number of counts (0 to n - 1).

    Returns
    -------
    ndarray or None
        Shape (len(t), n); None for a model without this distribution (the Pareto/NBD in lifetimes).

    Examples
    --------
    >>> p = purchase_probabilities(bgnbd, [39.0], 3)
    >>> bool(np.allclose(p[0], [bgnbd.fitter.probability_of_n_purchases_up_to_time(39.0, k) for k in range(3)]))
    True
    """
    from scipy.special import betaln
    from scipy.stats import nbinom

    t = np.atleast_1d(np.asarray(t, float))[:, None]
    xs = np.arange(n)[None, :]
    if model.model in ("bgnbd", "mbgnbd") and _stable(model):
        r, alpha, a, b = (float(model.params[k]) for k in ("r", "alpha", "a", "b"))
        a = max(a, 1e-300)  # a at its bound 0: the limit (nobody drops out), not 0 / 0
        q = alpha / (alpha + t)
        extra = 1.0 if get(model.model).dropout_at_zero else 0.0
        with quiet():
            stay = np.exp(betaln(a, b + xs + extra) - betaln(a, b)) * nbinom.pmf(xs, r, q)
            gone = np.exp(betaln(a + 1, b + xs - 1 + extra) - betaln(a, b)) * nbinom.sf(xs - 1, r, q)
        if not get(model.model).dropout_at_zero:
            gone = np.where(xs > 0, gone, 0.0)
        return stay + gone
    method = getattr(model.fitter, "probability_of_n_purchases_up_to_time", None)
    if method is None or model.model == "paretonbd":
        return None
    with quiet():
        return np.array([[float(method(ti, k)) for k in range(n)] for ti in t[:, 0]])


def _left_out(model: Fitted, quantity: Message) -> Message:
    """The sentence for a model left out of a table because its numbers are not finite."""
    params = ", ".join(f"{k} = {float(v):.4g}" for k, v in model.params.items() if np.ndim(v) == 0)
    return Message("{model} is left out of this table: its {quantity} is not a finite number at its fitted "
                   "parameters ({params}), where the model's closed form overflows.", model=model.label,
                   quantity=quantity, params=params)


def _finite(values) -> bool:
    v = np.asarray(values, float)
    return bool(v.size) and bool(np.isfinite(v).all())


@dataclass(frozen=True)
class ModelTable(Result):
    """A table of the purchase models' numbers and the ``notes`` on models left out of it (one sentence each: the
    model, the quantity that is not a finite number, and why); unpacks as ``table, notes``."""

    table: pd.DataFrame
    notes: tuple = ()

    def __iter__(self):
        return iter((self.table, self.notes))

    def summary_frame(self) -> pd.DataFrame:
        """The table."""
        return self.table


def frequency_histogram(summary: pd.DataFrame, models: dict[str, Fitted], max_x: int = 7) -> ModelTable:
    """Customers by number of calibration repeat purchases: actual and expected by each model.

    The expected count of customers with ``x`` repeats is the sum over customers of P(X(T_i) = x);
    Pareto/NBD is omitted (lifetimes has no closed form for it).

    Parameters
    ----------
    summary : DataFrame
        Calibration summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.
    max_x : int
        The last bar counts "max_x or more".

    Returns
    -------
    ModelTable
        ``table``: ``repeat_purchases``, ``actual`` and one column per model whose probabilities are finite
        (:func:`purchase_probabilities`); ``notes``: which model was left out and why.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. (Figure 3)

    Examples
    --------
    >>> frequency_histogram(cal, {"bgnbd": bgnbd}).table.round(1).head(3)
      repeat_purchases  actual  BG/NBD
    0                0    1411  1407.7
    1                1     439   460.3
    2                2     214   192.5
    """
    xs = np.arange(max_x + 1)
    out = pd.DataFrame({"repeat_purchases": [str(x) for x in xs[:-1]] + [f"{max_x}+"]})
    out["actual"] = [int((summary["frequency"] == x).sum()) for x in xs[:-1]] + [int((summary["frequency"] >= max_x).sum())]
    Ts = summary["T"].value_counts()
    notes = []
    for name, m in models.items():
        probs = purchase_probabilities(m, Ts.index.to_numpy(float), max_x)
        if probs is None:
            continue
        expected = (probs * Ts.to_numpy()[:, None]).sum(axis=0)
        rest = len(summary) - expected.sum()  # "max_x or more": what the first bars leave
        column = list(expected) + [0.0 if abs(rest) < 1e-9 * len(summary) else rest]  # not -3e-11 customers
        if not _finite(column):
            notes.append(_left_out(m, Message("expected number of customers per count of repeat purchases",
                                              "phrase")))
            continue
        out[label(name)] = column
    return ModelTable(out, tuple(notes))


def tracking(transactions: pd.DataFrame, summary: pd.DataFrame, models: dict[str, Fitted], *, start, calibration_end,
             holdout_end, unit: str = "W") -> ModelTable:
    """Repeat transactions per period (and cumulative), actual and expected, over calibration and holdout.

    Only the calibration cohort (customers in ``summary``) is tracked; a transaction is a customer's purchase
    day after their first one.

    Parameters
    ----------
    transactions : DataFrame
        The log.
    summary : DataFrame
        Calibration summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.
    start, calibration_end, holdout_end : date-like
        The periods.
    unit : {"D", "W", "M"}
        Length of a tracking period.

    Returns
    -------
    ModelTable
        ``table``: ``period``, ``period_end``, ``actual`` and one column per model, each with a ``_cumulative``
        column, and ``holdout`` (True after the calibration end); a model whose expectation is not
        finite, or whose dropout parameters ran to a bound (a degenerate fit, not identified dropout:
        :attr:`kamlib.clv.Fitted.dropout_unidentified`), is left out, with its sentence in ``notes``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. (Figure 4)

    Examples
    --------
    >>> track = tracking(tx, cal, {"bgnbd": bgnbd}, start="1997-01-01", calibration_end="1997-09-30",
    ...                  holdout_end="1998-06-30").table
    >>> len(track), int(track["holdout"].sum())
    (78, 39)
    """
    require_columns(transactions, ["customer_id", "date"], where="the transactions")
    start, cal_end, hold_end = (pd.Timestamp(d) for d in (start, calibration_end, holdout_end))
    from ..transactions import purchase_days

    days = purchase_days(transactions[transactions["customer_id"].isin(summary.index)]).rename(columns={"date": "day"})
    first = days.groupby("customer_id")["day"].transform("min")
    repeat = days.loc[(days["day"] > first) & (days["day"] <= hold_end), "day"]
    step = UNIT_DAYS[unit]
    n_periods = int(np.ceil(((hold_end - start).days + 1) / step))
    edges = np.arange(1, n_periods + 1) * step  # days since start at each period end
    period_of = np.floor((repeat - start).dt.days / step).astype(int)
    actual = np.bincount(period_of, minlength=n_periods)[:n_periods]
    out = pd.DataFrame({"period": np.arange(1, n_periods + 1),
                        "period_end": start + pd.to_timedelta(edges - 1, unit="D"),
                        "actual": actual})
    cohort = ((summary["first_day"] - start).dt.days).value_counts()
    # each cohort's age at each period end, all at once: a model evaluates each distinct age once (a regular-buyer
    # model's series per age took 100 s when asked cohort by cohort on a 30,000-customer log)
    ages = np.clip(edges[None, :] - cohort.index.to_numpy(float)[:, None], 0, None) / step
    notes = []
    for name, m in models.items():
        degenerate = m.dropout_unidentified
        if degenerate:
            notes.append(Message("{model} is left out of the tracking figures: its dropout parameters ({params}) ran "
                                 "to a bound of the parameter space, so its expected transactions rest on a fit that "
                                 "does not identify dropout.", model=m.label,
                                 params=", ".join(f"{k} = {float(m.params[k]):.3g}" for k in degenerate)))
            continue
        with quiet():
            cum = cohort.to_numpy(float) @ np.asarray(m.unconditional_purchases(ages.ravel()), float).reshape(ages.shape)
        if not _finite(cum):
            notes.append(_left_out(m, Message("expected repeat transactions per period", "phrase")))
            continue
        out[label(name)] = np.diff(np.concatenate([[0.0], cum]))
    for col in [c for c in out.columns if c not in ("period", "period_end")]:
        out[f"{col}_cumulative"] = out[col].cumsum()
    out["holdout"] = out["period_end"] > cal_end
    return ModelTable(out, tuple(notes))


def conditional_expectation(cal_hold: pd.DataFrame, models: dict[str, Fitted], max_x: int = 7) -> ModelTable:
    """Mean holdout purchases by calibration repeat purchases: actual and each model's conditional expectation.

    Parameters
    ----------
    cal_hold : DataFrame
        Calibration/holdout summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.
    max_x : int
        The last group is "max_x or more".

    Returns
    -------
    ModelTable
        ``table``: ``calibration_repeat_purchases``, ``customers``, ``actual`` and one column per model
        (:func:`expected_purchases`); a model whose expectation is not finite for every customer is left out, with
        its sentence in ``notes``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. (Figure 5)

    Examples
    --------
    >>> conditional_expectation(cal, {"bgnbd": bgnbd}).table.round(2).head(3)
      calibration_repeat_purchases  customers  actual  BG/NBD
    0                            0       1411    0.24    0.23
    1                            1        439    0.70    0.52
    2                            2        214    1.39    1.04
    """
    require_columns(cal_hold, ["frequency", "recency", "T", "frequency_holdout", "duration_holdout"],
                    where="the calibration/holdout table")
    x = cal_hold["frequency"].clip(upper=max_x)
    out = cal_hold.assign(group=x).groupby("group").agg(customers=("frequency", "size"),
                                                        actual=("frequency_holdout", "mean"))
    t = float(cal_hold["duration_holdout"].iloc[0])
    notes = []
    for name, m in models.items():
        pred = pd.Series(expected_purchases(m, t, cal_hold), index=cal_hold.index)
        if not _finite(pred):  # a mean over the finite ones would hide the others
            notes.append(_left_out(m, Message("expected holdout purchases", "phrase")))
            continue
        out[label(name)] = pred.groupby(x).mean()
    out = out.reset_index()
    out["calibration_repeat_purchases"] = [str(g) if g < max_x else f"{max_x}+" for g in out.pop("group")]
    out = out[["calibration_repeat_purchases"] + [c for c in out.columns if c != "calibration_repeat_purchases"]]
    return ModelTable(out, tuple(notes))


def comparison(cal_hold: pd.DataFrame, models: dict[str, Fitted]) -> ModelTable:
    """Model comparison: log-likelihood, AIC, BIC and holdout errors per customer and in total.

    Parameters
    ----------
    cal_hold : DataFrame
        Calibration/holdout summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.

    Returns
    -------
    ModelTable
        ``table``: ``model``, ``loglik``, ``parameters``, ``aic``, ``bic``, ``holdout_mae``, ``holdout_rmse``,
        ``holdout_predicted``, ``holdout_actual``, ``holdout_total_error_pct`` and ``degenerate`` (the parameters
        at a bound, empty for a regular fit); the log-likelihood is :func:`loglik` where the fit's is not finite,
        and a model whose numbers are still not finite is left out, with its sentence in ``notes``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.
    Akaike, H. (1974). A new look at the statistical model identification. *IEEE TAC*, 19(6), 716-723.

    Examples
    --------
    >>> comparison(cal, {"bgnbd": bgnbd, "mbgnbd": clv.fit(cal, "mbgnbd")}).table[["model", "loglik"]].round(1)
         model  loglik
    0   BG/NBD -9582.4
    1  MBG/NBD -9582.1
    """
    t = float(cal_hold["duration_holdout"].iloc[0])
    actual = cal_hold["frequency_holdout"].to_numpy(float)
    rows, notes = [], []
    for name, m in models.items():
        pred = expected_purchases(m, t, cal_hold)
        ll = m.loglik if np.isfinite(m.loglik) else loglik(m, cal_hold)
        if not _finite(pred) or not np.isfinite(ll):
            notes.append(_left_out(m, Message("expected holdout purchases", "phrase") if not _finite(pred) else
                                   Message("log-likelihood", "phrase")))
            continue
        k = len(m.params)
        rows.append({"model": label(name), "loglik": ll, "parameters": k, "aic": 2 * k - 2 * ll,
                     "bic": k * np.log(m.n_customers) - 2 * ll, "holdout_mae": float(np.mean(np.abs(pred - actual))),
                     "holdout_rmse": float(np.sqrt(np.mean((pred - actual) ** 2))),
                     "holdout_predicted": float(pred.sum()), "holdout_actual": float(actual.sum()),
                     "holdout_total_error_pct": float(100 * (pred.sum() - actual.sum()) / actual.sum()),
                     "degenerate": ", ".join(m.at_bound) if m.at_bound else ""})
    out = pd.DataFrame(rows, columns=["model", "loglik", "parameters", "aic", "bic", "holdout_mae", "holdout_rmse",
                                      "holdout_predicted", "holdout_actual", "holdout_total_error_pct", "degenerate"])
    return ModelTable(out, tuple(notes))


def published_comparison(models: dict[str, Fitted], published=PUBLISHED_CDNOW) -> pd.DataFrame:
    """Published estimates beside the fitted ones, for the models that were fitted.

    Parameters
    ----------
    models : dict
        Model name to :class:`kamlib.clv.Fitted` (fitted on the data the publication used).
    published : list of tuple
        ``(model, parameter, value, source)``; default :data:`PUBLISHED_CDNOW`.

    Returns
    -------
    DataFrame
        ``model``, ``parameter``, ``published``, ``estimate``, ``difference`` (estimate minus published, at
        the published number of decimals) and ``source``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative to
    the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. Fader, P. S. & Hardie, B. G. S. (2013). The
    Gamma-Gamma model of monetary value. http://www.brucehardie.com/notes/025/gamma_gamma.pdf

    Examples
    --------
    >>> published_comparison({})
    Empty DataFrame
    Columns: [model, parameter, published, estimate, difference, source]
    Index: []
    """
    rows = []
    for model, param, value, source in published:
        if model in models:
            decimals = len(f"{value}".split(".")[1]) if "." in f"{value}" else 0
            est = float(models[model].params[param])
            rows.append({"model": label(model), "parameter": param, "published": value, "estimate": est,
                         "difference": round(round(est, decimals) - value, decimals), "source": source})
    return pd.DataFrame(rows, columns=["model", "parameter", "published", "estimate", "difference", "source"])
