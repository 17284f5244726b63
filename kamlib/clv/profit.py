"""Profit CLV: each customer's own margin per purchase, negative margins included, times the purchase model's
discounted expected purchases.

The Gamma-Gamma spend model (:mod:`kamlib.clv._gamma_gamma`) assumes every spend is positive; a margin is not (a
deeply discounted order loses money), so margins are never passed to it. Instead each purchase day's gross profit
(the ``profit`` of :func:`kamlib.transactions.load`, from the study's ``profit`` or ``cost`` role) follows a
normal-normal hierarchical model, the parametric empirical Bayes model of Morris (1983):

* customer *i* has a mean margin per purchase :math:`\\mu_i \\sim N(m, \\tau^2)` (its sign free: a customer may lose
  money on a typical purchase);
* each of their :math:`n_i` purchase days has margin :math:`y_{ij} \\sim N(\\mu_i, \\sigma^2)`.

:func:`fit` estimates :math:`m, \\tau^2, \\sigma^2` by restricted maximum likelihood (REML, the default, as
statsmodels' ``MixedLM`` does) or maximum likelihood, on each customer's sufficient statistics (the number of
purchase days, their mean and the sum of squares about it), and predicts each customer's expected margin per
purchase by the posterior mean, which shrinks the customer's own mean towards :math:`m` the less they have bought.
:func:`value` multiplies it by the discounted expected purchases over the horizon of the study's chosen purchase
model (:func:`kamlib.clv.clv` with a spend of 1 per purchase), so CLV is stated in profit and a customer whose
expected margin is negative keeps a negative CLV and is flagged as loss-making. :func:`simulate` draws margins from
the model (the tests recover its parameters); :func:`margins` turns a log into purchase-day margins.

The likelihood is written here rather than fitted by statsmodels' ``MixedLM``: with one random intercept per customer
``MixedLM`` loops over the customers, 37 s for 30,000 customers and 120,000 purchase days on the workbook's machine,
where the sufficient statistics give the same REML estimates in milliseconds (``tests/test_profit_clv.py`` checks
the two agree on a sample).

Notes
-----
With :math:`\\bar y_i` the mean and :math:`S_i = \\sum_j (y_{ij} - \\bar y_i)^2` the within sum of squares of
customer *i*, and :math:`v_i = \\tau^2 + \\sigma^2 / n_i`, the log-likelihood is

.. math:: \\ell = -\\tfrac12 \\sum_i \\Big[ n_i \\log 2\\pi + (n_i - 1)\\log\\sigma^2 + \\log(n_i v_i)
    + \\frac{S_i}{\\sigma^2} + \\frac{(\\bar y_i - m)^2}{v_i} \\Big]

(:math:`\\bar y_i \\sim N(m, v_i)` and :math:`S_i / \\sigma^2 \\sim \\chi^2_{n_i - 1}` independently); for given
variances :math:`\\hat m = \\sum_i w_i \\bar y_i / \\sum_i w_i` with :math:`w_i = 1 / v_i`, and REML adds
:math:`-\\tfrac12 \\log \\sum_i w_i`. The posterior of :math:`\\mu_i` has mean
:math:`\\hat m + B_i (\\bar y_i - \\hat m)` with the shrinkage :math:`B_i = \\tau^2 / v_i`, and variance
:math:`B_i \\sigma^2 / n_i + (1 - B_i)^2 / \\sum_k w_k` (the second term the uncertainty of :math:`\\hat m`, as
Morris 1983 accounts for it; the uncertainty of the variance estimates is left out, so the intervals are a little
narrow for customers with few purchases when there are few customers).

A customer's purchase days are those of :func:`kamlib.rfm.summary` (days whose amounts sum to 0 or more); a day
of returns only is no purchase, and its profit (usually negative, a refund taking the margin back) is spread
evenly over the customer's purchase days, so that each customer's margins sum to their gross profit
(:func:`kamlib.tiers.customer_profit`) over the same window.

References
----------
Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and applications. *Journal of the American
Statistical Association*, 78(381), 47-55.

Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value curves for customer base
analysis. *Journal of Marketing Research*, 42(4), 415-430.

Colombo, R., & Jiang, W. (1999). A stochastic RFM model. *Journal of Interactive Marketing*, 13(3), 2-12 (the
gamma spend model behind the Gamma-Gamma, which assumes positive spend).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._results import Result
from ..errors import ArgumentError, KamError
from ..i18n import Message
from ..stages import MIN_REPEAT_BUYERS, Check
from ..verdicts import RULES
from .fitting import clv as _clv

__all__ = ["EXAMPLE", "MarginFit", "ProfitCLV", "STAGE", "check", "fit", "margins", "simulate", "value"]

#: The stage name :func:`check` reports.
STAGE = "profit CLV"

#: The model :func:`simulate` draws by default: 2,000 customers, a mean margin of 12 per purchase, customers' means
#: spread with a standard deviation of 15 (about a fifth of them lose money on a typical purchase), purchases
#: varying about a customer's mean with a standard deviation of 20, and 1 + Poisson(3) purchase days each.
EXAMPLE = {"customers": 2000, "mean": 12.0, "between_sd": 15.0, "within_sd": 20.0, "purchases": 3.0}

#: Bounds of the log-variances in the search, relative to the variance of all margins: a variance at a bound
#: (``MarginFit.at_bound``) is said in the note.
_LOG_BOUNDS = (math.log(1e-8), math.log(1e4))


def check(transactions: pd.DataFrame, stage: str = STAGE) -> Check:
    """Whether the log can value customers in profit: it needs a ``profit`` column (the study's ``profit`` or
    ``cost`` role).

    Parameters
    ----------
    transactions : DataFrame
        A validated log (:func:`kamlib.transactions.load`).
    stage : str
        The stage's name in the sentence.

    Returns
    -------
    kamlib.stages.Check

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.clv.profit import check
    >>> bool(check(pd.DataFrame({"customer_id": ["a"], "amount": [1.0]})))
    False
    """
    if "profit" not in transactions:
        return Check(stage, False, Message(
            "The {stage} does not apply: the log has no profit, so a customer's margin cannot be modelled; map the "
            "line's gross profit (transactions.columns.profit) or its total cost (transactions.columns.cost) to value "
            "customers in profit.", stage=stage))
    return Check(stage, True)


def margins(transactions: pd.DataFrame, *, end, start=None) -> pd.DataFrame:
    """Each customer's purchase days from ``start`` to ``end`` (inclusive) with the day's gross profit.

    Parameters
    ----------
    transactions : DataFrame
        A validated log with ``customer_id``, ``date`` and ``profit`` (and ``amount``, which decides what a purchase
        day is; without it every day with a line is one).
    end : date-like
        The last day counted (the end of the window of :func:`kamlib.rfm.summary`).
    start : date-like, optional
        The first day counted.

    Returns
    -------
    DataFrame
        ``customer_id`` (text), ``date`` (the day) and ``margin``, one row per purchase day, sorted by customer and
        day; a day of returns only is spread over the customer's purchase days (module Notes), so the margins of a
        customer sum to their gross profit over the window.

    Raises
    ------
    KamError
        When the log has no ``profit`` column (the sentence of :func:`check`).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.clv.profit import margins
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 8.0, -4.0, 5.0],
    ...                    "profit": [3.0, -2.0, -1.0, 1.0],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-01-05"])})
    >>> margins(tx, end="2024-12-31")["margin"].tolist()
    [2.5, -2.5, 1.0]
    """
    ok = check(transactions)
    if not ok:
        raise KamError(str(ok.reason))
    day = transactions["date"].dt.normalize()
    keep = day <= pd.Timestamp(end).normalize()
    if start is not None:
        keep &= day >= pd.Timestamp(start).normalize()
    rows = transactions.loc[keep]
    cols = {"customer_id": rows["customer_id"].astype(str), "date": day[keep],
            "margin": rows["profit"].astype(float)}
    if "amount" in rows:
        cols["amount"] = rows["amount"].astype(float)
    days = pd.DataFrame(cols).groupby(["customer_id", "date"], sort=True).sum().reset_index()
    bought = days["amount"] >= 0 if "amount" in days else pd.Series(True, index=days.index)
    refunds = days.loc[~bought].groupby("customer_id")["margin"].sum()
    out = days.loc[bought, ["customer_id", "date", "margin"]].reset_index(drop=True)
    if len(refunds):
        n = out.groupby("customer_id")["margin"].transform("size")
        out["margin"] += out["customer_id"].map(refunds).fillna(0.0) / n
    return out


def _sufficient(margins_: pd.DataFrame, customer: str, margin: str) -> pd.DataFrame:
    """Per customer: ``n`` purchase days, their ``mean`` and the within sum of squares ``ss``."""
    for col in (customer, margin):
        if col not in margins_:
            raise ArgumentError(f"margins has no column {col!r}; pass one row per purchase day with the customer "
                                f"({customer!r}) and the day's gross profit ({margin!r}), as margins() returns.",
                                argument="margins")
    y = pd.to_numeric(margins_[margin], errors="coerce").astype(float)
    if not np.isfinite(y).all():
        bad = int((~np.isfinite(y)).sum())
        raise ArgumentError(f"margins[{margin!r}] holds {bad} missing or non-numeric value{'s' if bad != 1 else ''}; "
                            "pass each purchase day's gross profit as a number (negative for a loss).",
                            argument="margins")
    ids = margins_[customer].astype(str)
    g = y.groupby(ids.to_numpy(), sort=True)
    stats_ = pd.DataFrame({"n": g.size(), "mean": g.mean()})
    dev = y.to_numpy() - stats_["mean"].reindex(ids.to_numpy()).to_numpy()
    stats_["ss"] = pd.Series(dev ** 2).groupby(ids.to_numpy(), sort=True).sum().to_numpy()
    stats_.index.name = "customer_id"
    return stats_


def _criterion(x: np.ndarray, n: np.ndarray, ybar: np.ndarray, ss: np.ndarray, reml: bool) -> float:
    """-2 x the (restricted) log-likelihood at log-variances ``x`` = (log tau^2, log sigma^2), m profiled out."""
    tau2, sigma2 = math.exp(x[0]), math.exp(x[1])
    v = tau2 + sigma2 / n
    w = 1.0 / v
    m = float(w @ ybar / w.sum())
    out = float(np.sum((n - 1) * math.log(sigma2) + np.log(n * v) + ss / sigma2 + (ybar - m) ** 2 * w))
    out += float(n.sum()) * math.log(2 * math.pi)
    if reml:  # the restricted likelihood of the N - 1 error contrasts, with statsmodels' MixedLM's constant
        out += math.log(w.sum()) - math.log(2 * math.pi)
    return out


@dataclasses.dataclass(frozen=True)
class MarginFit(Result):
    """:func:`fit`'s result: the normal-normal model of margins per purchase and each customer's prediction.

    Attributes
    ----------
    mean : float
        :math:`m`, the mean of the customers' mean margins per purchase.
    between_sd : float
        :math:`\\tau`, how much customers' mean margins differ.
    within_sd : float
        :math:`\\sigma`, how much one customer's margins vary between purchases.
    loglik : float
        The maximised log-likelihood (restricted with REML); NaN when the model is degenerate.
    method : str
        ``"reml"`` or ``"ml"``.
    n : int
        Customers with at least one purchase day.
    n_repeat : int
        Customers with two or more purchase days (they separate :math:`\\tau` from :math:`\\sigma`).
    purchase_days : int
        Purchase days.
    identified : bool
        Whether :math:`\\tau` and :math:`\\sigma` are estimated apart (False: the degenerate cases of ``note``).
    at_bound : tuple of str
        ``between_sd`` or ``within_sd`` when the estimate is at the search's bound (zero, in effect).
    note : Message or str
        One sentence for a degenerate case (every margin equal; too few repeat buyers) or a variance at a bound,
        with the numbers and the fix; empty otherwise.
    customers : DataFrame
        Per customer (index ``customer_id``): ``purchase_days``, ``mean_profit`` (their own mean margin per
        purchase), ``shrinkage`` (:math:`B_i`, the weight of their own mean), ``profit_per_purchase`` (the
        posterior mean) and ``profit_per_purchase_se``.
    """

    mean: float
    between_sd: float
    within_sd: float
    loglik: float
    method: str
    n: int
    n_repeat: int
    purchase_days: int
    identified: bool
    at_bound: tuple
    note: object
    customers: pd.DataFrame
    #: the variance of m-hat (1 / sum of the weights), for customers without a purchase day
    mean_variance: float = 0.0

    def predict(self, customer_ids) -> pd.DataFrame:
        """``profit_per_purchase`` and its ``_se`` for ``customer_ids``; a customer without a purchase day in the
        fit gets the prior: :math:`m` with variance :math:`\\tau^2` plus that of :math:`\\hat m`.

        Parameters
        ----------
        customer_ids : iterable
            The customers (compared as text).

        Returns
        -------
        DataFrame
            Indexed by ``customer_id``; ``purchase_days`` is 0 for a customer the fit has not seen.
        """
        ids = pd.Index([str(c) for c in customer_ids], name="customer_id")
        out = self.customers.reindex(ids)
        unseen = out["purchase_days"].isna()
        if unseen.any():
            out.loc[unseen, ["purchase_days", "shrinkage"]] = 0.0
            out.loc[unseen, "profit_per_purchase"] = self.mean
            out.loc[unseen, "profit_per_purchase_se"] = math.sqrt(self.between_sd ** 2 + self.mean_variance)
        return out.astype({"purchase_days": "int64"})

    def summary_frame(self) -> pd.DataFrame:
        """The three parameters as a table (``parameter``, ``estimate``)."""
        return pd.DataFrame({"parameter": ["mean", "between_sd", "within_sd"],
                             "estimate": [self.mean, self.between_sd, self.within_sd]})


def fit(margins_: pd.DataFrame, *, method: str = "reml", customer: str = "customer_id",
        margin: str = "margin") -> MarginFit:
    """Fit the normal-normal model of margins per purchase and predict each customer's expected margin.

    Parameters
    ----------
    margins_ : DataFrame
        One row per purchase day with the customer and the day's gross profit (:func:`margins`); any sign.
    method : {"reml", "ml"}
        Restricted (default, less biased variances with few customers) or full maximum likelihood.
    customer, margin : str
        The columns of the customer id and the margin.

    Returns
    -------
    MarginFit

    Raises
    ------
    ArgumentError
        When ``margins_`` is empty, lacks a column or holds a value that is not a number.

    Notes
    -----
    The degenerate cases are results, each said in ``note`` with its numbers and fix: when every margin is equal
    there is no spread to model and every customer is valued at that margin; when fewer than
    :data:`kamlib.stages.MIN_REPEAT_BUYERS` customers have two purchase days (one purchase each, in the extreme),
    the spread between customers cannot be told from the spread between one customer's purchases and every customer
    is valued at the mean margin per purchase (complete pooling). The formulas are in the module's Notes.

    References
    ----------
    Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and applications. *Journal of the American
    Statistical Association*, 78(381), 47-55.

    Examples
    --------
    >>> from kamlib.clv.profit import fit, simulate
    >>> m = fit(simulate(seed=1))
    >>> round(m.mean), round(m.between_sd), round(m.within_sd)
    (12, 15, 20)
    >>> bool((m.customers["profit_per_purchase"] < 0).any())
    True
    """
    if method not in ("reml", "ml"):
        raise ArgumentError(f"method must be 'reml' or 'ml', not {method!r}.", argument="method")
    if not isinstance(margins_, pd.DataFrame) or margins_.empty:
        raise ArgumentError("margins is empty; pass one row per purchase day with the customer and the day's gross "
                            "profit (kamlib.clv.profit.margins(log, end=...)).", argument="margins")
    s = _sufficient(margins_, customer, margin)
    n, ybar, ss = (s[c].to_numpy(float) for c in ("n", "mean", "ss"))
    days = int(n.sum())
    n_repeat = int((n >= 2).sum())
    grand = float((n @ ybar) / days)
    total_var = float((ss.sum() + n @ (ybar - grand) ** 2) / days)
    common = dict(method=method, n=len(s), n_repeat=n_repeat, purchase_days=days)

    def pooled(note) -> MarginFit:
        sd = math.sqrt(total_var)
        se = sd / math.sqrt(days)
        table = pd.DataFrame({"purchase_days": n.astype("int64"), "mean_profit": ybar, "shrinkage": 0.0,
                              "profit_per_purchase": grand, "profit_per_purchase_se": se}, index=s.index)
        return MarginFit(grand, 0.0, sd, float("nan"), identified=False, at_bound=(), note=note, customers=table,
                         mean_variance=se ** 2, **common)

    if total_var <= 1e-12 * max(1.0, grand ** 2):
        return pooled(Message(
            "Every one of the {days:,} purchase days has the same margin ({margin:,.2f}), so there is no spread "
            "between customers or purchases to model and every customer is valued at {margin:,.2f} per purchase; map "
            "the line's own profit or cost (transactions.columns.profit or cost), not a fixed share of the amount.",
            days=days, margin=grand))
    if n_repeat < MIN_REPEAT_BUYERS or ss.sum() <= 0:
        return pooled(Message(
            "Only {repeat} of the {n:,} customers have two or more purchase days (at least {need} are needed), so "
            "how much margins differ between customers cannot be told from how much they vary between one "
            "customer's purchases; every customer is valued at the mean margin per purchase, {margin:,.2f}; a longer "
            "window (an earlier clv.calibration_start) gives the repeat purchases that separate the two.",
            repeat=n_repeat, n=len(s), need=MIN_REPEAT_BUYERS, margin=grand))

    # the search in units of the margins' spread, from the method-of-moments start
    scale = total_var
    sigma0 = ss.sum() / max((n - 1).sum(), 1) / scale
    tau0 = max(float(np.var(ybar)) / scale - float(np.mean(sigma0 / n)), 0.05 * sigma0)
    zy = (ybar - grand) / math.sqrt(scale)
    zs = ss / scale
    reml = method == "reml"
    bounds = [_LOG_BOUNDS, _LOG_BOUNDS]
    res = optimize.minimize(_criterion, np.log([tau0, sigma0]), args=(n, zy, zs, reml), method="L-BFGS-B",
                            bounds=bounds)
    x = res.x
    tau2, sigma2 = math.exp(x[0]) * scale, math.exp(x[1]) * scale
    at_bound = tuple(name for name, xi in zip(("between_sd", "within_sd"), x)
                     if min(abs(xi - _LOG_BOUNDS[0]), abs(xi - _LOG_BOUNDS[1])) < 1e-3)
    v = tau2 + sigma2 / n
    w = 1.0 / v
    m = float(w @ ybar / w.sum())
    var_m = 1.0 / float(w.sum())
    b = tau2 / v
    post = m + b * (ybar - m)
    post_var = b * sigma2 / n + (1 - b) ** 2 * var_m
    # the log-likelihood in the margins' own units (the search's, less the change of scale)
    loglik = -0.5 * (float(res.fun) + (days - (1 if reml else 0)) * math.log(scale))  # the Jacobian of y = sd z
    table = pd.DataFrame({"purchase_days": n.astype("int64"), "mean_profit": ybar, "shrinkage": b,
                          "profit_per_purchase": post, "profit_per_purchase_se": np.sqrt(post_var)}, index=s.index)
    note = ""
    if "between_sd" in at_bound:
        note = Message("The customers' mean margins per purchase do not differ beyond what their purchases' own "
                       "variation explains (between-customer SD at zero), so every customer is valued at the mean "
                       "margin per purchase, {margin:,.2f}.", margin=m)
    elif "within_sd" in at_bound:
        note = Message("Each customer's purchases have nearly the same margin (within-customer SD at zero), so each "
                       "customer is valued at their own mean margin per purchase.")
    return MarginFit(m, math.sqrt(tau2), math.sqrt(sigma2), loglik, identified=True, at_bound=at_bound, note=note,
                     customers=table, mean_variance=var_m, **common)


class _PerPurchase:
    """A spend model that expects 1 per purchase: :func:`kamlib.clv.clv` with it gives each customer's discounted
    expected purchases, so the purchase model's discounting has one owner."""

    @staticmethod
    def expected_spend(summary: pd.DataFrame) -> np.ndarray:
        return np.ones(len(summary))


@dataclasses.dataclass(frozen=True)
class ProfitCLV(Result):
    """:func:`value`'s result: CLV in profit per customer, with the loss-making accounts.

    Attributes
    ----------
    customers : DataFrame
        Per customer of the summary (index ``customer_id``): ``purchase_days``, ``mean_profit``, ``shrinkage``,
        ``profit_per_purchase`` with ``profit_per_purchase_ci_lower`` / ``_ci_upper``, ``discounted_purchases``
        (the purchase model's, over the horizon), ``profit_clv`` with ``profit_clv_ci_lower`` / ``_ci_upper``,
        ``expected_loss`` (expected margin per purchase below zero, so a negative profit CLV; a forecast, not the
        customer's past profit) and ``loss_clear``
        (the whole 95% interval of the margin below zero, rule ``margin_loss``). Without a purchase model the
        discounted purchases and the CLV columns are NaN; the margins and the flags are still there.
    margins : MarginFit
        The fitted margin model.
    model : str
        The purchase model's label (``""`` without one).
    months : int
        The horizon.
    discount_rate : float
        The annual discount rate.
    total_profit_clv : float
        The sum of ``profit_clv`` (NaN without a purchase model).
    n_expected_loss, n_loss_clear : int
        Customers flagged ``expected_loss`` and ``loss_clear``.
    loss_clv : float
        The sum of the negative profit CLVs (the value the loss-making accounts are expected to destroy; NaN without
        a purchase model).
    level : float
        The interval level (0.95).
    """

    customers: pd.DataFrame
    margins: MarginFit
    model: str
    months: int
    discount_rate: float
    total_profit_clv: float
    n_expected_loss: int
    n_loss_clear: int
    loss_clv: float
    level: float = 0.95

    def summary_frame(self) -> pd.DataFrame:
        """The valued customers."""
        return self.customers


def value(summary: pd.DataFrame, purchase, margin_fit: MarginFit, *, months: int = 12,
          discount_rate: float = 0.10, level: float = 0.95) -> ProfitCLV:
    """CLV in profit: each customer's discounted expected purchases times their expected margin per purchase.

    Parameters
    ----------
    summary : DataFrame
        The RFM summary of the customers to value (:func:`kamlib.rfm.summary`), indexed by customer id.
    purchase : Fitted or None
        The study's chosen purchase model, fitted on ``summary`` (BG/NBD, Pareto/NBD, ...); None when no model
        values the customers: the expected margins and the loss-making flags without a CLV.
    margin_fit : MarginFit
        :func:`fit` on the same customers' purchase-day margins (:func:`margins` over the summary's window).
    months : int
        Horizon.
    discount_rate : float
        Annual discount rate.
    level : float
        Level of the intervals of the margin and of the CLV (the CLV's interval is the margin's times the
        discounted purchases: the purchase model's own uncertainty is not in it).

    Returns
    -------
    ProfitCLV

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value curves for customer base
    analysis. *Journal of Marketing Research*, 42(4), 415-430.

    Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and applications. *Journal of the American
    Statistical Association*, 78(381), 47-55.

    Examples
    --------
    >>> from kamlib.clv.profit import fit, margins, value
    >>> days = margins(tx.assign(profit=tx["amount"] * 0.3 - 10), end="1997-09-30")  # 30% less 10 per line
    >>> res = value(cal, bgnbd, fit(days), months=12)
    >>> res.n_expected_loss, res.n_loss_clear  # expected to lose money; of them, with the whole interval below zero
    (1615, 3)
    """
    if not 0 < level < 1:
        raise ArgumentError(f"level must be between 0 and 1, not {level!r}.", argument="level")
    discounted = (np.full(len(summary), np.nan) if purchase is None else
                  np.asarray(_clv(purchase, _PerPurchase(), summary, months=months, discount_rate=discount_rate)))
    table = margin_fit.predict(summary.index)
    z = float(stats.norm.ppf(0.5 + level / 2))
    est, se = table["profit_per_purchase"].to_numpy(float), table.pop("profit_per_purchase_se").to_numpy(float)
    lo, hi = est - z * se, est + z * se
    table["profit_per_purchase_ci_lower"], table["profit_per_purchase_ci_upper"] = lo, hi
    table["discounted_purchases"] = discounted
    table["profit_clv"] = discounted * est
    table["profit_clv_ci_lower"], table["profit_clv_ci_upper"] = discounted * lo, discounted * hi
    table["expected_loss"] = est < 0
    rule = RULES["margin_loss"]
    table["loss_clear"] = [rule.met(u) for u in hi]
    clv_ = table["profit_clv"]
    label = "" if purchase is None else str(purchase.label)
    total, losses = (float("nan"),) * 2 if purchase is None else (float(clv_.sum()), float(clv_[clv_ < 0].sum()))
    return ProfitCLV(table, margin_fit, label, int(months), float(discount_rate),
                     total, int(table["expected_loss"].sum()), int(table["loss_clear"].sum()), losses, level=float(level))


def simulate(customers: int = EXAMPLE["customers"], *, mean: float = EXAMPLE["mean"],
             between_sd: float = EXAMPLE["between_sd"], within_sd: float = EXAMPLE["within_sd"],
             purchases: float = EXAMPLE["purchases"], seed: int = 0) -> pd.DataFrame:
    """Margins per purchase day drawn from the normal-normal model (module docstring).

    Customer *i* (``c00000``, ``c00001``, ...) has ``1 + Poisson(purchases)`` purchase days, a mean margin
    :math:`\\mu_i \\sim N(\\text{mean}, \\text{between\\_sd}^2)` and margins :math:`N(\\mu_i, \\text{within\\_sd}^2)`.

    Parameters
    ----------
    customers : int
        Number of customers.
    mean, between_sd, within_sd : float
        :math:`m`, :math:`\\tau` and :math:`\\sigma`.
    purchases : float
        Mean number of purchase days beyond the first.
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        ``customer_id``, ``margin`` and the customer's true mean ``true_mean``, one row per purchase day.

    Examples
    --------
    >>> from kamlib.clv.profit import simulate
    >>> s = simulate(100, seed=3)
    >>> list(s.columns), s["customer_id"].nunique()
    (['customer_id', 'margin', 'true_mean'], 100)
    """
    if customers < 1 or between_sd < 0 or within_sd < 0 or purchases < 0:
        raise ArgumentError("customers must be positive and between_sd, within_sd and purchases zero or more.",
                            argument="customers")
    rng = np.random.default_rng(seed)
    mu = rng.normal(mean, between_sd, customers)
    k = 1 + rng.poisson(purchases, customers)
    who = np.repeat(np.arange(customers), k)
    y = mu[who] + rng.normal(0.0, within_sd, len(who))
    ids = np.array([f"c{i:05d}" for i in range(customers)])
    return pd.DataFrame({"customer_id": ids[who], "margin": y, "true_mean": mu[who]})
