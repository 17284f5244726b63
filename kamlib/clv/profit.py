"""Profit CLV: each customer's own margin per purchase, negative margins included, times the purchase model's
discounted expected purchases.

The Gamma-Gamma spend model (:mod:`kamlib.clv._gamma_gamma`) assumes every spend is positive; a margin is not (a
deeply discounted order loses money), so margins are never passed to it. Instead each purchase day's gross profit
(the ``profit`` of :func:`kamlib.transactions.load`, from the study's ``profit`` or ``cost`` role) follows a
normal-normal hierarchical model, the parametric empirical Bayes model of Morris (1983):

* customer *i* has a mean margin per purchase :math:`\\mu_i \\sim N(m, \\tau^2)` (its sign free: a customer may lose
  money on a typical purchase);
* each of their :math:`n_i` purchase days has margin :math:`y_{ij} \\sim N(\\mu_i, \\sigma^2)`.

Two bases, :func:`fit`'s ``basis``:

* ``"rate"`` (the default when the log has amounts): :math:`y_{ij}` is the day's margin RATE, gross profit over
  amount (sign free), with variance :math:`\\sigma^2 / w_{ij}`, :math:`w_{ij}` the day's amount over the mean amount
  per purchase day, or 1 (``weights``: the one with the higher restricted likelihood by default). The expected margin
  per purchase is the posterior rate times the expected spend per purchase (the spend model's, e.g. the
  Gamma-Gamma's conditional expected spend, else the customer's mean amount per purchase day). It fits logs whose
  profit grows with the order (a share of the amount, less discounts): there the absolute margins of large buyers
  vary so much between purchases that the margin basis shrinks even a consistent loss-maker to the base's mean
  (the B2B export of ``tests/exports.py``: a within-customer SD of 778 against 141 between customers, a customer
  losing 477 a purchase over 13 purchase days valued at +0.23; on the rate basis it is clearly loss-making).
* ``"margin"`` (the default without amounts): :math:`y_{ij}` is the day's gross profit itself. It fits logs whose
  profit does not grow with the amount (a fixed fee, shipping or handling cost per order, so that a small order
  loses money and a large one does not).

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
narrow for customers with few purchases when there are few customers). With weights (the rate basis), :math:`n_i`
is replaced by :math:`W_i = \\sum_j w_{ij}` in :math:`v_i` and in :math:`\\log(n_i v_i)`, :math:`\\bar y_i` and
:math:`S_i` are weighted (:math:`\\bar y_i` the customer's gross profit over their amount when weighted by the amount)
and :math:`\\ell` gains :math:`\\tfrac12 \\sum_{ij} \\log w_{ij}`.

The interval of the expected margin per purchase on the rate basis is the equal-tailed interval of the product
:math:`\\rho_i \\zeta_i` of two independent posteriors: the rate's, :math:`\\rho_i \\sim N(\\hat\\rho_i, s_i^2)` above,
and, when the spend comes from the Gamma-Gamma model (Fader & Hardie 2013: a purchase's amount is
:math:`\\text{Gamma}(p, \\nu_i)`, :math:`\\nu_i \\sim \\text{Gamma}(q, \\gamma)`), the customer's mean spend
:math:`\\zeta_i = p / \\nu_i`, whose posterior given :math:`x_i` repeat purchases of mean :math:`\\bar z_i` is
inverse gamma with shape :math:`a_i = p x_i + q` and scale :math:`b_i = p (\\gamma + x_i \\bar z_i)` (conjugacy:
:math:`\\nu_i \\mid \\text{data} \\sim \\text{Gamma}(p x_i + q, \\gamma + x_i \\bar z_i)`; its mean
:math:`b_i / (a_i - 1)` is the Gamma-Gamma's conditional expected spend). Its distribution function
:math:`F(c) = E_{\\zeta}[\\Phi((c / \\zeta - \\hat\\rho_i) / s_i)]` is integrated over the quantiles of
:math:`\\zeta_i` by Gauss-Legendre quadrature (48 nodes) and solved for :math:`F(c) = (1 \\pm \\text{level}) / 2` by
Newton steps kept inside a bisection bracket. As :math:`\\zeta_i > 0`, :math:`F(0) = \\Phi(-\\hat\\rho_i / s_i)`: the interval lies below zero exactly
when the rate's does, so the spend's uncertainty widens the interval without changing which customers are clearly
loss-making. Like the rate model's variances, the Gamma-Gamma's :math:`p, q, \\gamma` are taken at their estimates
(parametric empirical Bayes). A spend given as numbers (a Series, or the customer's own mean amount per purchase day
with ``spend=None``) carries no distribution and is taken as known: the interval is the rate's times it.

A customer's purchase days are those of :func:`kamlib.rfm.summary` (days whose amounts sum to 0 or more); a day
of returns only is no purchase, and its profit (usually negative, a refund taking the margin back) is spread
evenly over the customer's purchase days, so that each customer's margins sum to their gross profit
(:func:`kamlib.tiers.customer_profit`) over the same window.

References
----------
Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and applications. *Journal of the American
Statistical Association*, 78(381), 47-55.

Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value curves for customer base
analysis. *Journal of Marketing Research*, 42(4), 415-430. https://doi.org/10.1509/jmkr.2005.42.4.415

Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://www.brucehardie.com/notes/025/gamma_gamma.pdf (the posterior of a customer's spend, behind the interval of the
rate basis).

Colombo, R., & Jiang, W. (1999). A stochastic RFM model. *Journal of Interactive Marketing*, 13(3), 2-12 (the
gamma spend model behind the Gamma-Gamma, which assumes positive spend).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .._results import Result
from ..errors import ArgumentError, KamError
from ..i18n import Message
from ..stages import MIN_REPEAT_BUYERS, Check
from ..verdicts import RULES
from .fitting import clv as _clv

__all__ = ["EXAMPLE", "EXAMPLE_RATES", "Extremes", "MarginFit", "ProfitCLV", "STAGE", "check", "extremes", "fit",
           "margins", "simulate", "simulate_rates", "value"]

#: The stage name :func:`check` reports.
STAGE = "profit CLV"

#: The model :func:`simulate` draws by default: 2,000 customers, a mean margin of 12 per purchase, customers' means
#: spread with a standard deviation of 15 (about a fifth of them lose money on a typical purchase), purchases
#: varying about a customer's mean with a standard deviation of 20, and 1 + Poisson(3) purchase days each.
EXAMPLE = {"customers": 2000, "mean": 12.0, "between_sd": 15.0, "within_sd": 20.0, "purchases": 3.0}

#: The rate model :func:`simulate_rates` draws by default: 2,000 customers with a mean margin rate of 12% of the
#: amount, customers' rates spread with a standard deviation of 10 points (about a tenth of them lose money on every
#: sale), the rate of a purchase day of the mean amount varying about the customer's with a standard deviation of 15
#: points (less on larger days: the variance falls as 1 / amount), 1 + Poisson(3) purchase days each, and a mean
#: amount of 100 per purchase day (the Gamma-Gamma model's: amounts Gamma(2, nu), nu ~ Gamma(4, rate 150)).
EXAMPLE_RATES = {"customers": 2000, "mean": 0.12, "between_sd": 0.10, "within_sd": 0.15, "purchases": 3.0,
                 "spend": 100.0}

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
        ``customer_id`` (text), ``date`` (the day), ``margin`` and, when the log has amounts, ``amount`` (the day's
        net amount), one row per purchase day, sorted by customer and day; the profit of a day of returns only is
        spread over the customer's purchase days (module Notes), so the margins of a customer sum to their gross
        profit over the window (its amount is left out: a purchase day's amount is what was bought).

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
    out = days.loc[bought, ["customer_id", "date", "margin"] + (["amount"] if "amount" in days else [])]
    out = out.reset_index(drop=True)
    if len(refunds):
        n = out.groupby("customer_id")["margin"].transform("size")
        out["margin"] += out["customer_id"].map(refunds).fillna(0.0) / n
    return out


def _sufficient(margins_: pd.DataFrame, customer: str, margin: str, amount: str | None = None,
                power: float = 1.0) -> pd.DataFrame:
    """Per customer: ``n`` purchase days, their weight ``w`` (the sum of the days' weights), the weighted ``mean``,
    the weighted within sum of squares ``ss``, the log-weights' sum ``logw``, their ``profit`` and ``spend`` (sums).

    With ``amount`` the modelled value is the day's margin rate (margin / amount) and a day's weight its amount (to
    the ``power``: 1 amount-weighted, 0 equal weights) over the mean of the purchase days (days of amount 0 or less
    carry no rate and are left out); without, the margin itself with weight 1."""
    for col in (customer, margin) + ((amount,) if amount else ()):
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
    ids = margins_[customer].astype(str).to_numpy()
    profit_ = y.to_numpy()
    if amount:
        a = pd.to_numeric(margins_[amount], errors="coerce").astype(float).to_numpy()
        if not np.isfinite(a).all():
            bad = int((~np.isfinite(a)).sum())
            raise ArgumentError(f"margins[{amount!r}] holds {bad} missing or non-numeric value{'s' if bad != 1 else ''}"
                                "; pass each purchase day's amount as a number.", argument="margins")
        keep = a > 0
        if not keep.any():
            raise ArgumentError(f"margins[{amount!r}] has no purchase day with an amount above zero, so no margin rate "
                                "can be computed; value the customers with basis='margin'.", argument="margins")
        ids, profit_, a = ids[keep], profit_[keep], a[keep]
        y, w = profit_ / a, a ** power / np.mean(a ** power)
    else:
        a, y, w = np.full(len(profit_), np.nan), profit_, np.ones(len(profit_))
    frame = pd.DataFrame({"id": ids, "w": w, "wy": w * y, "logw": np.log(w), "profit": profit_, "spend": a})
    g = frame.groupby("id", sort=True)
    stats_ = g[["w", "wy", "logw", "profit", "spend"]].sum()
    stats_.insert(0, "n", g.size())
    stats_["mean"] = stats_["wy"] / stats_["w"]
    dev = y - stats_["mean"].reindex(ids).to_numpy()
    stats_["ss"] = pd.Series(w * dev ** 2).groupby(ids, sort=True).sum().to_numpy()
    stats_.index.name = "customer_id"
    return stats_.drop(columns="wy")


def _criterion(x: np.ndarray, n: np.ndarray, big_w: np.ndarray, ybar: np.ndarray, ss: np.ndarray,
               reml: bool) -> float:
    """-2 x the (restricted) log-likelihood at log-variances ``x`` = (log tau^2, log sigma^2), m profiled out, less
    the weights' constant (``big_w`` the customers' weight sums; ``n`` for unweighted days)."""
    tau2, sigma2 = math.exp(x[0]), math.exp(x[1])
    v = tau2 + sigma2 / big_w
    w = 1.0 / v
    m = float(w @ ybar / w.sum())
    out = float(np.sum((n - 1) * math.log(sigma2) + np.log(big_w * v) + ss / sigma2 + (ybar - m) ** 2 * w))
    out += float(n.sum()) * math.log(2 * math.pi)
    if reml:  # the restricted likelihood of the N - 1 error contrasts, with statsmodels' MixedLM's constant
        out += math.log(w.sum()) - math.log(2 * math.pi)
    return out


@dataclasses.dataclass(frozen=True)
class MarginFit(Result):
    """:func:`fit`'s result: the normal-normal model of margins per purchase (``basis="margin"``) or of margin rates
    (``basis="rate"``) and each customer's prediction.

    Attributes
    ----------
    mean : float
        :math:`m`, the mean of the customers' mean margins per purchase (of their margin rates with the rate basis).
    between_sd : float
        :math:`\\tau`, how much customers' mean margins (margin rates) differ.
    within_sd : float
        :math:`\\sigma`, how much one customer's margins vary between purchases (with the rate basis: how much the
        rate of one purchase day of the base's mean amount varies about the customer's rate).
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
        posterior mean) and ``profit_per_purchase_se``; with the rate basis ``mean_rate`` (their own rate: gross
        profit over amount), ``margin_rate`` and ``margin_rate_se`` (the posterior) instead of the last two, and
        ``mean_spend`` (their mean amount per purchase day).
    mean_variance : float
        The variance of :math:`\\hat m` (1 / the sum of the weights), for customers without a purchase day.
    basis : str
        ``"margin"`` or ``"rate"``.
    weights : str
        ``"amount"`` or ``"equal"``: how the rate basis weighted a purchase day (``"equal"`` with the margin basis).
    mean_spend : float
        The mean amount per purchase day over all customers (NaN without amounts): the spend of a customer the fit
        has not seen.
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
    mean_variance: float = 0.0
    basis: str = "margin"
    mean_spend: float = float("nan")
    weights: str = "equal"

    @property
    def estimate(self) -> str:
        """The column of the posterior mean: ``profit_per_purchase`` or ``margin_rate``."""
        return "margin_rate" if self.basis == "rate" else "profit_per_purchase"

    def predict(self, customer_ids) -> pd.DataFrame:
        """The posterior (``profit_per_purchase`` or ``margin_rate``, :attr:`estimate`) and its ``_se`` for
        ``customer_ids``; a customer without a purchase day in the fit gets the prior: :math:`m` with variance
        :math:`\\tau^2` plus that of :math:`\\hat m` (and the base's mean spend).

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
            out.loc[unseen, self.estimate] = self.mean
            out.loc[unseen, f"{self.estimate}_se"] = math.sqrt(self.between_sd ** 2 + self.mean_variance)
            if "mean_spend" in out:
                out.loc[unseen, "mean_spend"] = self.mean_spend
        return out.astype({"purchase_days": "int64"})

    def summary_frame(self) -> pd.DataFrame:
        """The three parameters as a table (``parameter``, ``estimate``)."""
        return pd.DataFrame({"parameter": ["mean", "between_sd", "within_sd"],
                             "estimate": [self.mean, self.between_sd, self.within_sd]})


def fit(margins_: pd.DataFrame, *, basis: str | None = None, weights: str = "auto", method: str = "reml",
        customer: str = "customer_id", margin: str = "margin", amount: str = "amount") -> MarginFit:
    """Fit the normal-normal model of margin rates (or of margins) per purchase and predict each customer's.

    Parameters
    ----------
    margins_ : DataFrame
        One row per purchase day with the customer, the day's gross profit (:func:`margins`; any sign) and, for the
        rate basis, the day's amount.
    basis : {"rate", "margin"}, optional
        ``"rate"`` (the default when ``margins_`` has the ``amount`` column): each purchase day's margin rate, gross
        profit over amount, weighted by the amount; for logs whose profit grows with the order (a share of the
        amount, less discounts). ``"margin"`` (the default without amounts): the day's gross profit itself; for logs
        whose profit does not grow with the amount (a fixed fee or cost per order). Module docstring.
    weights : {"auto", "amount", "equal"}
        With the rate basis, how a purchase day's rate is weighted: ``"amount"`` (its variance falls as 1 / amount,
        as when a day's lines are alike and a larger day has more of them), ``"equal"`` (every day's rate varies
        alike, as when a day's amount comes from its prices rather than from the number of its lines) or
        ``"auto"`` (default): both fitted, the one with the higher restricted likelihood kept (the two are models of
        the same rates with the same fixed effect, so their REML likelihoods compare). Ignored with the margin basis.
    method : {"reml", "ml"}
        Restricted (default, less biased variances with few customers) or full maximum likelihood.
    customer, margin, amount : str
        The columns of the customer id, the margin and the amount.

    Returns
    -------
    MarginFit

    Raises
    ------
    ArgumentError
        When ``margins_`` is empty, lacks a column (``amount`` with the rate basis), holds a value that is not a
        number, or (rate basis) has no day with an amount above zero.

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
    >>> from kamlib.clv.profit import fit, simulate, simulate_rates
    >>> m = fit(simulate(seed=1))
    >>> round(m.mean), round(m.between_sd), round(m.within_sd)
    (12, 15, 20)
    >>> bool((m.customers["profit_per_purchase"] < 0).any())
    True
    >>> r = fit(simulate_rates(seed=1))  # the rate basis: the default when the days carry their amount
    >>> r.basis, round(r.mean, 2), round(r.between_sd, 2), round(r.within_sd, 2)
    ('rate', 0.12, 0.1, 0.15)
    """
    if method not in ("reml", "ml"):
        raise ArgumentError(f"method must be 'reml' or 'ml', not {method!r}.", argument="method")
    if not isinstance(margins_, pd.DataFrame) or margins_.empty:
        raise ArgumentError("margins is empty; pass one row per purchase day with the customer and the day's gross "
                            "profit (kamlib.clv.profit.margins(log, end=...)).", argument="margins")
    if basis is None:
        basis = "rate" if amount in margins_ else "margin"
    if basis not in ("rate", "margin"):
        raise ArgumentError(f"basis must be 'rate' or 'margin', not {basis!r}.", argument="basis")
    if basis == "rate" and amount not in margins_:
        raise ArgumentError(f"margins has no column {amount!r}, which the rate basis divides the margin by; pass each "
                            "purchase day's amount (margins() keeps it when the log has amounts) or basis='margin'.",
                            argument="basis")
    if weights not in ("auto", "amount", "equal"):
        raise ArgumentError(f"weights must be 'auto', 'amount' or 'equal', not {weights!r}.", argument="weights")
    rate = basis == "rate"
    if rate and weights == "auto":
        both = [fit(margins_, basis="rate", weights=w, method=method, customer=customer, margin=margin,
                    amount=amount) for w in ("equal", "amount")]
        return both[1] if both[1].loglik > both[0].loglik else both[0]  # NaN (degenerate) keeps equal weights
    weights = weights if rate else "equal"
    s = _sufficient(margins_, customer, margin, amount if rate else None, power=1.0 if weights == "amount" else 0.0)
    n, big_w, ybar, ss = (s[c].to_numpy(float) for c in ("n", "w", "mean", "ss"))
    own, est = ("mean_rate", "margin_rate") if rate else ("mean_profit", "profit_per_purchase")
    days = int(n.sum())
    n_repeat = int((n >= 2).sum())
    grand = float((big_w @ ybar) / big_w.sum())
    total_var = float((ss.sum() + big_w @ (ybar - grand) ** 2) / big_w.sum())
    spend = float(s["spend"].sum() / days)
    common = dict(method=method, n=len(s), n_repeat=n_repeat, purchase_days=days, basis=basis, mean_spend=spend,
                  weights=weights)
    extra = {"mean_spend": s["spend"] / s["n"], "mean_profit": s["profit"] / s["n"]} if rate else {}

    def frame(shrink, post, se) -> pd.DataFrame:
        return pd.DataFrame({"purchase_days": n.astype("int64"), own: ybar, "shrinkage": shrink, est: post,
                             f"{est}_se": se, **extra}, index=s.index)

    def pooled(note) -> MarginFit:
        sd = math.sqrt(total_var)
        se = sd / math.sqrt(big_w.sum())
        return MarginFit(grand, 0.0, sd, float("nan"), identified=False, at_bound=(), note=note,
                         customers=frame(0.0, grand, se), mean_variance=se ** 2, **common)

    if total_var <= 1e-12 * max(1.0, grand ** 2):
        if rate:
            return pooled(Message(
                "Every one of the {days:,} purchase days has the same margin rate ({rate:.1%} of the amount), so "
                "there is no spread between customers or purchases to model and every customer is valued at that "
                "rate; map the line's own profit or cost (transactions.columns.profit or cost), not a fixed share of "
                "the amount.", days=days, rate=grand))
        return pooled(Message(
            "Every one of the {days:,} purchase days has the same margin ({margin:,.2f}), so there is no spread "
            "between customers or purchases to model and every customer is valued at {margin:,.2f} per purchase; map "
            "the line's own profit or cost (transactions.columns.profit or cost), not a fixed share of the amount.",
            days=days, margin=grand))
    if n_repeat < MIN_REPEAT_BUYERS or ss.sum() <= 0:
        if rate:
            return pooled(Message(
                "Only {repeat} of the {n:,} customers have two or more purchase days (at least {need} are needed), "
                "so how much margin rates differ between customers cannot be told from how much they vary between "
                "one customer's purchases; every customer is valued at the mean margin rate, {rate:.1%} of the "
                "amount; a longer window (an earlier clv.calibration_start) gives the repeat purchases that separate "
                "the two.", repeat=n_repeat, n=len(s), need=MIN_REPEAT_BUYERS, rate=grand))
        return pooled(Message(
            "Only {repeat} of the {n:,} customers have two or more purchase days (at least {need} are needed), so "
            "how much margins differ between customers cannot be told from how much they vary between one "
            "customer's purchases; every customer is valued at the mean margin per purchase, {margin:,.2f}; a longer "
            "window (an earlier clv.calibration_start) gives the repeat purchases that separate the two.",
            repeat=n_repeat, n=len(s), need=MIN_REPEAT_BUYERS, margin=grand))

    # the search in units of the margins' spread, from the method-of-moments start
    scale = total_var
    sigma0 = ss.sum() / max((n - 1).sum(), 1) / scale
    tau0 = max(float(np.var(ybar)) / scale - float(np.mean(sigma0 / big_w)), 0.05 * sigma0)
    zy = (ybar - grand) / math.sqrt(scale)
    zs = ss / scale
    reml = method == "reml"
    bounds = [_LOG_BOUNDS, _LOG_BOUNDS]
    res = optimize.minimize(_criterion, np.log([tau0, sigma0]), args=(n, big_w, zy, zs, reml), method="L-BFGS-B",
                            bounds=bounds)
    x = res.x
    tau2, sigma2 = math.exp(x[0]) * scale, math.exp(x[1]) * scale
    at_bound = tuple(name for name, xi in zip(("between_sd", "within_sd"), x)
                     if min(abs(xi - _LOG_BOUNDS[0]), abs(xi - _LOG_BOUNDS[1])) < 1e-3)
    v = tau2 + sigma2 / big_w
    w = 1.0 / v
    m = float(w @ ybar / w.sum())
    var_m = 1.0 / float(w.sum())
    b = tau2 / v
    post = m + b * (ybar - m)
    post_var = b * sigma2 / big_w + (1 - b) ** 2 * var_m
    # the log-likelihood in the margins' own units (the search's, less the change of scale and the weights' constant)
    loglik = -0.5 * (float(res.fun) + (days - (1 if reml else 0)) * math.log(scale)  # the Jacobian of y = sd z
                     - float(s["logw"].sum()))
    table = frame(b, post, np.sqrt(post_var))
    note = ""
    if rate and "between_sd" in at_bound:
        note = Message("The customers' margin rates do not differ beyond what their purchases' own variation explains "
                       "(between-customer SD at zero), so every customer is valued at the mean margin rate, {rate:.1%} "
                       "of the amount.", rate=m)
    elif rate and "within_sd" in at_bound:
        note = Message("Each customer's purchases have nearly the same margin rate (within-customer SD at zero), so "
                       "each customer is valued at their own margin rate.")
    elif "between_sd" in at_bound:
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
        (the whole 95% interval of the margin below zero, rule ``margin_loss``). With the rate basis also ``mean_rate``,
        ``margin_rate`` with ``margin_rate_ci_lower`` / ``_ci_upper``, ``mean_spend`` and ``spend_per_purchase`` (the
        expected margin is the rate's times it; with a Gamma-Gamma spend model also ``spend_per_purchase_ci_lower`` /
        ``_ci_upper``, and the margin's interval is that of the product of the two posteriors, module Notes; with a
        spend given as numbers, the rate's interval times it). Without a purchase model the
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


def value(summary: pd.DataFrame, purchase, margin_fit: MarginFit, *, spend=None, months: int = 12,
          discount_rate: float = 0.10, level: float = 0.95) -> ProfitCLV:
    """CLV in profit: each customer's discounted expected purchases times their expected margin per purchase.

    With the rate basis the expected margin per purchase is the expected margin rate times the expected spend per
    purchase (``spend``'s, else the customer's own mean amount per purchase day); with the margin basis it is the
    posterior mean margin itself.

    Parameters
    ----------
    summary : DataFrame
        The RFM summary of the customers to value (:func:`kamlib.rfm.summary`), indexed by customer id.
    purchase : Fitted or None
        The study's chosen purchase model, fitted on ``summary`` (BG/NBD, Pareto/NBD, ...); None when no model
        values the customers: the expected margins and the loss-making flags without a CLV.
    margin_fit : MarginFit
        :func:`fit` on the same customers' purchase-day margins (:func:`margins` over the summary's window).
    spend : fitted spend model, Series or None
        The expected spend per purchase for the rate basis: a fitted spend model (``expected_spend(summary)``, e.g.
        the Gamma-Gamma's conditional expected spend), or a Series of it by customer id; None: each customer's mean
        amount per purchase day in the fit (the base's for a customer it has not seen). Ignored with the margin
        basis. The interval of the expected margin per purchase carries the Gamma-Gamma model's uncertainty about
        the customer's mean spend (module Notes); a Series or None is taken as known.
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

    Raises
    ------
    ArgumentError
        When ``level`` is not between 0 and 1 or an expected spend is missing, zero or negative.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value curves for customer base
    analysis. *Journal of Marketing Research*, 42(4), 415-430. https://doi.org/10.1509/jmkr.2005.42.4.415

    Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and applications. *Journal of the American
    Statistical Association*, 78(381), 47-55.

    Examples
    --------
    >>> from kamlib.clv.profit import fit, margins, value
    >>> days = margins(tx.assign(profit=tx["amount"] * 0.3 - 10), end="1997-09-30")  # 30% less 10 per line
    >>> res = value(cal, bgnbd, fit(days, basis="margin"), months=12)  # a fixed cost per line: the margin basis
    >>> res.n_expected_loss, res.n_loss_clear  # expected to lose money; of them, with the whole interval below zero
    (1615, 3)
    """
    if not 0 < level < 1:
        raise ArgumentError(f"level must be between 0 and 1, not {level!r}.", argument="level")
    discounted = (np.full(len(summary), np.nan) if purchase is None else
                  np.asarray(_clv(purchase, _PerPurchase(), summary, months=months, discount_rate=discount_rate)))
    table = margin_fit.predict(summary.index)
    z = float(stats.norm.ppf(0.5 + level / 2))
    name = margin_fit.estimate
    est, se = table[name].to_numpy(float), table.pop(f"{name}_se").to_numpy(float)
    lo, hi = est - z * se, est + z * se
    if margin_fit.basis == "rate":  # the expected margin per purchase: the expected rate times the expected spend
        table["margin_rate_ci_lower"], table["margin_rate_ci_upper"] = lo, hi
        each, posterior = _spend(spend, summary, table)
        table["spend_per_purchase"] = each
        rate_se = se
        est, lo, hi = est * each, lo * each, hi * each
        if posterior is not None:  # the spend's own uncertainty: the interval of the product of the two posteriors
            shape, scale = posterior
            table["spend_per_purchase_ci_lower"] = scale / special.gammaincinv(shape, 0.5 + level / 2)
            table["spend_per_purchase_ci_upper"] = scale / special.gammaincinv(shape, 0.5 - level / 2)
            lo, hi = _product_interval(table["margin_rate"].to_numpy(float), rate_se, shape, scale, level)
        table["profit_per_purchase"] = est
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


@dataclasses.dataclass(frozen=True)
class Extremes(Result):
    """:func:`extremes`' result: the customers whose interval lies highest and lowest.

    Attributes
    ----------
    customers : DataFrame
        The rows shown, highest first (index ``customer_id``): the ``n`` with the largest lower bound, then the ``n``
        with the smallest upper bound (a customer in both once).
    by : str
        The quantity ranked (``profit_per_purchase`` or ``profit_clv``); its bounds are ``<by>_ci_lower`` and
        ``<by>_ci_upper``.
    n : int
        Customers asked for at each end.
    one_purchase : int
        Of the customers shown, those with one purchase day only (the widest intervals).
    """

    customers: pd.DataFrame
    by: str
    n: int
    one_purchase: int

    def caption(self, source) -> Message:
        """The caption of the table and figure: what is ranked, by which bound, and how many shown bought once."""
        what = (Message("expected gross profit per purchase", "phrase") if self.by == "profit_per_purchase" else
                Message("CLV in profit", "phrase"))
        return Message("The {n} customers whose 95% interval of the {what} lies highest (largest lower bound) and "
                       "the {n} whose interval lies lowest (smallest upper bound), ranked by the interval's bounds "
                       "rather than by the estimate; {one:,} of the {shown:,} shown bought on one day only; "
                       "Expected loss: expected margin below zero; Loss clear: the whole 95% interval below zero, "
                       "{source}.", "caption", n=self.n, what=what, one=self.one_purchase,
                       shown=len(self.customers), source=source)


def extremes(customers: pd.DataFrame, by: str = "profit_per_purchase", *, n: int = 10) -> Extremes:
    """The customers whose interval lies highest and those whose interval lies lowest, ranked by its bounds.

    A ranking by the estimate puts at the top the customers with the fewest purchases: one large order gives a high
    mean and an interval so wide that it overlaps everyone else's, so "the highest" would be a claim the data do not
    support. Ranked by the lower bound of the 95% interval (the highest) and by the upper bound (the lowest, the
    customers most surely losing money, as rule ``margin_loss`` judges them), each customer shown is high or low by
    the interval, not by chance.

    Parameters
    ----------
    customers : DataFrame
        :attr:`ProfitCLV.customers` (``purchase_days``, ``by``, ``<by>_ci_lower`` and ``<by>_ci_upper``).
    by : {"profit_per_purchase", "profit_clv"}
        The quantity ranked.
    n : int
        Customers at each end.

    Returns
    -------
    Extremes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.clv.profit import extremes
    >>> c = pd.DataFrame({"purchase_days": [1, 6, 5, 4], "profit_per_purchase": [90.0, 60.0, 10.0, -30.0],
    ...                   "profit_per_purchase_ci_lower": [-50.0, 40.0, 0.0, -45.0],
    ...                   "profit_per_purchase_ci_upper": [230.0, 80.0, 20.0, -15.0]}, index=list("abcd"))
    >>> e = extremes(c, n=1)
    >>> list(e.customers.index), e.one_purchase  # b, not the one-time buyer a, is surely the highest
    (['b', 'd'], 0)
    """
    lower, upper = f"{by}_ci_lower", f"{by}_ci_upper"
    missing = [c for c in ("purchase_days", by, lower, upper) if c not in customers]
    if missing:
        raise ArgumentError(f"extremes needs the columns {missing} of ProfitCLV.customers; pass value(...).customers.",
                            argument="customers")
    if n < 1:
        raise ArgumentError(f"n must be 1 or more, not {n}.", argument="n")
    valued = customers[customers[by].notna()]
    high = valued.sort_values([lower, by], ascending=[False, False], kind="mergesort").head(n)
    low = valued.sort_values([upper, by], ascending=[True, True], kind="mergesort").head(n)
    shown = pd.concat([high, low.iloc[::-1]])
    shown = shown[~shown.index.duplicated()]
    return Extremes(shown, by, int(n), int((shown["purchase_days"] <= 1).sum()))


def _spend_posterior(spend, summary: pd.DataFrame):
    """The inverse-gamma posterior of each customer's mean spend, ``(shape, scale)``, when ``spend`` is a fitted
    Gamma-Gamma model (module Notes); None for any other spend."""
    params = getattr(spend, "params", None)
    if getattr(spend, "model", None) != "gamma_gamma" or not isinstance(params, dict):
        return None
    p, q, v = (float(params[k]) for k in ("p", "q", "v"))
    x = summary["frequency"].to_numpy(float)
    m = np.nan_to_num(summary["monetary_value"].to_numpy(float)) if "monetary_value" in summary else np.zeros(len(x))
    return p * x + q, p * (v + x * m)


def _product_interval(mean: np.ndarray, se: np.ndarray, shape: np.ndarray, scale: np.ndarray, level: float,
                      nodes: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """The equal-tailed ``level`` interval of rho x zeta, rho ~ N(``mean``, ``se``^2) and zeta ~ inverse gamma
    (``shape``, ``scale``) independent, per customer: F(c) = E[Phi((c / zeta - mean) / se)] by Gauss-Legendre
    quadrature over zeta's quantiles, solved for F(c) = (1 -/+ level) / 2 by Newton steps kept inside a bisection
    bracket (module Notes)."""
    u, w = special.roots_legendre(nodes)
    u, w = (u + 1) / 2, w / 2  # on (0, 1): the probability levels of zeta
    inv = special.gammaincinv(shape[:, None], 1 - u[None, :]) / scale[:, None]  # 1 / zeta at each level
    mean, se = mean[:, None], np.maximum(se, 1e-300)[:, None]
    reach = (np.abs(mean[:, 0]) + 10 * se[:, 0]) / inv.min(axis=1)  # F(-reach) ~ 0 and F(reach) ~ 1
    median = special.gammaincinv(shape, 0.5) / scale  # 1 / zeta's median
    out = []
    for target in (0.5 - level / 2, 0.5 + level / 2):
        low, high = -reach, reach.copy()
        c = (mean[:, 0] + float(stats.norm.ppf(target)) * se[:, 0]) / median  # the interval with zeta at its median
        for _ in range(100):
            zs = (c[:, None] * inv - mean) / se
            gap = (special.ndtr(zs) * w).sum(axis=1) - target
            slope = (np.exp(-0.5 * zs ** 2) * inv * w).sum(axis=1) / (se[:, 0] * math.sqrt(2 * math.pi))
            low, high = np.where(gap < 0, c, low), np.where(gap < 0, high, c)
            done = (np.abs(gap) < 1e-10) | (high - low <= 1e-12 * reach)
            if done.all():
                break
            with np.errstate(divide="ignore", invalid="ignore"):
                step = c - gap / slope
            inside = np.isfinite(step) & (step >= low) & (step <= high)
            c = np.where(done, c, np.where(inside, step, (low + high) / 2))
        out.append(c)
    return out[0], out[1]


def _spend(spend, summary: pd.DataFrame, table: pd.DataFrame):
    """The expected spend per purchase of each customer of ``summary`` (:func:`value`'s ``spend``), and its
    posterior ``(shape, scale)`` when a Gamma-Gamma model gives it (else None)."""
    posterior = None
    if spend is None:
        out, source = table["mean_spend"].to_numpy(float), "the customers' mean amount per purchase day"
    elif hasattr(spend, "expected_spend"):
        out, source = np.asarray(spend.expected_spend(summary), dtype=float), "the spend model's expected spend"
        posterior = _spend_posterior(spend, summary)
    else:
        if not isinstance(spend, pd.Series):
            raise ArgumentError("spend must be a fitted spend model, a Series of the expected spend per purchase by "
                                f"customer id or None, not {type(spend).__name__}.", argument="spend")
        out = spend.set_axis(spend.index.astype(str)).reindex([str(c) for c in summary.index]).to_numpy(float)
        source = "spend"
    bad = ~(np.isfinite(out) & (out > 0))
    if bad.any():
        raise ArgumentError(f"{source} is missing, zero or negative for {int(bad.sum())} of the {len(out):,} "
                            "customers; the margin rate is multiplied by a spend per purchase above zero, so pass one "
                            "for every customer of the summary (or spend=None for their own mean).", argument="spend")
    return out, posterior


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


def simulate_rates(customers: int = EXAMPLE_RATES["customers"], *, mean: float = EXAMPLE_RATES["mean"],
                   between_sd: float = EXAMPLE_RATES["between_sd"], within_sd: float = EXAMPLE_RATES["within_sd"],
                   purchases: float = EXAMPLE_RATES["purchases"], spend: float = EXAMPLE_RATES["spend"],
                   seed: int = 0) -> pd.DataFrame:
    """Purchase days with amounts and margins drawn from the rate model (module docstring).

    Customer *i* (``c00000``, ...) has ``1 + Poisson(purchases)`` purchase days, a margin rate
    :math:`\\rho_i \\sim N(\\text{mean}, \\text{between\\_sd}^2)` and amounts from the Gamma-Gamma model (Fader &
    Hardie 2013) with :math:`p = 2`, :math:`q = 4`: a day's amount is :math:`a \\sim \\text{Gamma}(2, \\nu_i)`
    (rate), :math:`\\nu_i \\sim \\text{Gamma}(4, \\gamma)` (rate) with :math:`\\gamma = 1.5 \\, \\text{spend}`, so the
    customer's mean amount :math:`s_i = 2 / \\nu_i` averages ``spend``; the day's rate is
    :math:`N(\\rho_i, \\text{within\\_sd}^2 \\, \\text{spend} / a)` and its margin the rate times the amount.

    Parameters
    ----------
    customers : int
        Number of customers.
    mean, between_sd, within_sd : float
        :math:`m`, :math:`\\tau` and :math:`\\sigma` of the rates (shares of the amount).
    purchases : float
        Mean number of purchase days beyond the first.
    spend : float
        Mean amount per purchase day.
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        ``customer_id``, ``amount``, ``margin`` and the customer's true rate ``true_rate`` and mean amount per purchase
        day ``true_spend`` (:math:`s_i`), one row per purchase day.

    Examples
    --------
    >>> from kamlib.clv.profit import simulate_rates
    >>> s = simulate_rates(100, seed=3)
    >>> list(s.columns), s["customer_id"].nunique(), bool((s["amount"] > 0).all())
    (['customer_id', 'amount', 'margin', 'true_rate', 'true_spend'], 100, True)
    """
    if customers < 1 or between_sd < 0 or within_sd < 0 or purchases < 0 or spend <= 0:
        raise ArgumentError("customers and spend must be positive and between_sd, within_sd and purchases zero or "
                            "more.", argument="customers")
    rng = np.random.default_rng(seed)
    rho = rng.normal(mean, between_sd, customers)
    mean_spend = 2.0 / rng.gamma(4.0, 1.0 / (1.5 * spend), customers)  # 2 / nu, nu ~ Gamma(q = 4, rate 1.5 spend)
    k = 1 + rng.poisson(purchases, customers)
    who = np.repeat(np.arange(customers), k)
    a = rng.gamma(2.0, mean_spend[who] / 2.0)
    r = rho[who] + rng.normal(0.0, 1.0, len(who)) * within_sd * np.sqrt(spend / a)
    ids = np.array([f"c{i:05d}" for i in range(customers)])
    return pd.DataFrame({"customer_id": ids[who], "amount": a, "margin": r * a, "true_rate": rho[who],
                         "true_spend": mean_spend[who]})
