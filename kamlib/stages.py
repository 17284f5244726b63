"""What each analysis stage needs from the data, checked before it runs.

A real log a student brings may have nobody who buys twice, no amounts, one product or a span of a few
days. Each function here checks one stage's precondition and returns a :class:`Check`: when it fails, its
``reason`` is one sentence with the numbers and what to do, which the notebook shows instead of running the
stage (:meth:`kamlib.workbench.artefacts.Artefacts.stage`), so that no figure, table or finding is drawn
from data that cannot support it and the rest of the notebook runs. :func:`shape` describes a log, and
:func:`plan` lists which stages of which notebooks will not apply (``kam validate``).

The thresholds are the smallest data on which the estimators return a usable answer, not quality bars:
a purchase model has four parameters, so it needs more distinct repeat buyers than that; a churn model
needs both outcomes in both halves of its split. No maintained library checks these preconditions for
BTYD, clustering and recommendation stages, so they are written here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._results import Result
from .i18n import Message
from .act.recommend import default_cutoff

__all__ = ["Check", "MIN_CUSTOMERS", "MIN_REPEAT_BUYERS", "amounts", "baskets", "churn", "clustering",
           "holdout", "holdout_revenue", "identify_problems", "lifecycle", "plan", "products", "purchase_models", "recommendation",
           "shape", "spend_model"]

#: Fewest customers for a customer-level model, a split in halves or a bootstrap.
MIN_CUSTOMERS = 20
#: Fewest customers with a repeat purchase for a purchase or spend model (four parameters).
MIN_REPEAT_BUYERS = 10


@dataclass(frozen=True)
class Check(Result):
    """Whether a stage's data supports it, and if not, why (one sentence with numbers and the fix).

    Examples
    --------
    >>> from kamlib.stages import Check
    >>> c = Check("baskets", False, "No product column; map transactions.columns.product.")
    >>> bool(c), c.reason
    (False, 'No product column; map transactions.columns.product.')
    """

    stage: str
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok

    def as_dict(self) -> dict:
        """``stage``, ``applies`` and ``reason`` as plain values."""
        return {"stage": self.stage, "applies": self.ok, "reason": self.reason}


def _need(stage: str) -> str:
    """'need' after a plural stage name ('the churn models need'), else 'needs'."""
    return "need" if stage.split(" (")[0].endswith("s") else "needs"


def _ok(stage: str) -> Check:
    return Check(stage, True)


def _pct(part: int, whole: int) -> Message:
    return (Message("{part:,} of {whole:,} ({share:.0%})", "phrase", part=part, whole=whole, share=part / whole)
            if whole else Message("{part:,} of 0", "phrase", part=part))


def _fail(stage: str, template: str, **params) -> Check:
    """A stage that does not apply, with its sentence as a catalogue message (``{stage}``, ``{need}`` filled in)."""
    return Check(stage, False, Message(template, stage=stage, need=_need(stage), **params))


def amounts(transactions: pd.DataFrame, stage: str = "monetary analyses") -> Check:
    """The log has amounts, and not all zero.

    Parameters
    ----------
    transactions : DataFrame
        A validated log.
    stage : str
        The stage's name, for the sentence.

    Returns
    -------
    Check

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import amounts
    >>> amounts(pd.DataFrame({"customer_id": ["a"], "date": [pd.Timestamp("2024-01-01")]})).ok
    False
    """
    if "amount" not in transactions.columns:
        return _fail(stage, "The {stage} {need} amounts, and the log has customers and dates only; map "
                            "transactions.columns.amount (or quantity and unit_price) to run them.")
    if not (transactions["amount"] != 0).any():
        return _fail(stage, "The {stage} {need} amounts, and all {n:,} amounts are 0; check that "
                            "transactions.columns.amount names the paid amount.", n=len(transactions))
    return _ok(stage)


def products(transactions: pd.DataFrame, stage: str = "product analyses", *, minimum: int = 2) -> Check:
    """The log names products, at least ``minimum`` of them.

    Parameters
    ----------
    transactions : DataFrame
        A validated log (:func:`kamlib.transactions.load`).
    stage : str
        The stage's name, for the sentence.
    minimum : int
        The fewest needed.

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import products
    >>> products(pd.DataFrame({"product": ["x", "x"]})).reason[:40]
    'The product analyses need at least 2 pro'
    """
    if "product" not in transactions.columns:
        return _fail(stage, "The {stage} {need} a product per line, and the log has none; map "
                            "transactions.columns.product to run them.")
    n = int(transactions["product"].nunique())
    if n < minimum:
        return _fail(stage, "The {stage} {need} at least {minimum} products, and the log has {n}; they apply to a "
                            "log with several products.", minimum=minimum, n=n)
    return _ok(stage)


def baskets(lines: pd.DataFrame, stage: str = "cross-selling rules") -> Check:
    """Some basket holds two or more products (association rules need co-purchases).

    Parameters
    ----------
    lines : DataFrame
        Basket lines (:func:`kamlib.act.baskets.from_transactions`: ``basket_id``, ``item``).

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import baskets
    >>> baskets(pd.DataFrame({"basket_id": ["1", "2"], "item": ["x", "y"]})).ok
    False
    """
    # distinct products per basket from integer codes (a groupby-nunique of 10M lines peaked near 1 GB above the
    # lines themselves)
    b, baskets_ = pd.factorize(lines["basket_id"])
    i, items = pd.factorize(lines["item"])
    known = (b >= 0) & (i >= 0)  # a missing basket or product is not a line of a basket
    pairs = pd.unique(b[known].astype(np.int64) * max(len(items), 1) + i[known])
    sizes = np.bincount(pairs // max(len(items), 1), minlength=len(baskets_))
    multi = int((sizes >= 2).sum())
    if multi == 0:
        return _fail(stage, "The {stage} {need} baskets with two or more products, and none of the {n:,} baskets has "
                            "more than one; map transactions.columns.order_id if lines of one order share an id.",
                     n=len(sizes))
    return _ok(stage)


def holdout(transactions: pd.DataFrame, *, calibration_end, holdout_end, unit: str = "W",
            stage: str = "holdout validation") -> Check:
    """The calibration and holdout periods lie inside the log (as :func:`kamlib.rfm.calibration_holdout` needs).

    Parameters
    ----------
    transactions : DataFrame
        A validated log (:func:`kamlib.transactions.load`).
    calibration_end, holdout_end : date-like
        The ends of the calibration and holdout periods.
    unit : {"D", "W", "M"}
        The time unit (the holdout may end up to one unit after the last purchase).
    stage : str
        The stage's name, for the sentence.

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import holdout
    >>> tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"])})
    >>> holdout(tx, calibration_end="2024-06-30", holdout_end="2024-12-31").ok
    False
    """
    from .rfm import UNIT_DAYS

    first, last = transactions["date"].min().normalize(), transactions["date"].max().normalize()
    cal_end, hold_end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    span = Message("the log runs from {first} to {last}", "phrase", first=str(first.date()), last=str(last.date()))
    if cal_end < first:
        return _fail(stage, "The {stage} needs purchases before clv.calibration_end ({end}), but {span}; set "
                            "clv.calibration_end inside that span.", end=str(cal_end.date()), span=span)
    if cal_end >= last:
        return _fail(stage, "The {stage} needs purchases after clv.calibration_end ({end}), but {span}; set "
                            "clv.calibration_end before {last}.", end=str(cal_end.date()), span=span,
                     last=str(last.date()))
    if hold_end > last + pd.Timedelta(days=UNIT_DAYS[unit]):
        return _fail(stage, "The {stage} needs a log that covers the holdout, but {span} and clv.holdout_end is "
                            "{end}, so {days} days without data would count as no purchases; set clv.holdout_end "
                            "to {last} or earlier.", span=span, end=str(hold_end.date()),
                     days=(hold_end - last).days, last=str(last.date()))
    return _ok(stage)


def holdout_revenue(cal_hold: pd.DataFrame, stage: str = "holdout comparison") -> Check:
    """The calibration customers bought something in the holdout (a comparison of forecasts needs an outcome).

    Parameters
    ----------
    cal_hold : DataFrame
        :func:`kamlib.rfm.calibration_holdout` (``revenue_holdout``).
    stage : str

    Returns
    -------
    Check

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import holdout_revenue
    >>> holdout_revenue(pd.DataFrame({"revenue_holdout": [0.0, 0.0]})).ok
    False
    """
    if "revenue_holdout" not in cal_hold or not len(cal_hold):
        return _fail(stage, "The {stage} {need} amounts in the holdout, and the log has none; map an amount (or "
                            "quantity and unit price) column in the study file.")
    total = float(cal_hold["revenue_holdout"].clip(lower=0).sum())
    if total <= 0:
        return _fail(stage, "The {stage} {need} holdout revenue from the {n:,} calibration customers, and they bought "
                            "nothing in the holdout; choose a later clv.holdout_end or an earlier clv.calibration_end.",
                     n=len(cal_hold))
    return _ok(stage)


def purchase_models(summary: pd.DataFrame, stage: str = "purchase models", *, period: str = "") -> Check:
    """Enough customers, and enough of them with a repeat purchase, to fit BG/NBD, Pareto/NBD and MBG/NBD.

    Parameters
    ----------
    summary : DataFrame
        RFM summary (``frequency``, ``T``).
    period : str
        The period the summary covers, for the sentence (e.g. ``"by 2011-06-30"``).

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import purchase_models
    >>> s = pd.DataFrame({"frequency": [0] * 30, "recency": 0.0, "T": 5.0})
    >>> print(purchase_models(s).reason)  # doctest: +NORMALIZE_WHITESPACE
    The purchase models need at least 10 customers with a repeat purchase, and 0 of 30 (0%) bought on a second
    day; use a longer log, a later clv.calibration_end, or check that transactions.columns.customer is a
    person-level id.
    """
    n = len(summary)
    repeat = int((summary["frequency"] > 0).sum()) if n else 0
    when = Message(" {period}", "phrase", period=period) if period else ""
    if n < MIN_CUSTOMERS:
        return _fail(stage, "The {stage} {need} at least {minimum} customers, and the period has {n:,}{when}; use a "
                            "longer log or a wider calibration period.", minimum=MIN_CUSTOMERS, n=n, when=when)
    if repeat < MIN_REPEAT_BUYERS:
        return _fail(stage, "The {stage} {need} at least {minimum} customers with a repeat purchase, and {repeat} "
                            "bought on a second day{when}; use a longer log, a later clv.calibration_end, or check "
                            "that transactions.columns.customer is a person-level id.", minimum=MIN_REPEAT_BUYERS,
                     repeat=_pct(repeat, n), when=when)
    if not (summary["T"] > 0).any():
        return _fail(stage, "The {stage} {need} time between first purchase and the period's end, and every "
                            "customer's is 0{when}; use a longer log.", when=when)
    return _ok(stage)


def spend_model(summary: pd.DataFrame, stage: str = "spend model (Gamma-Gamma) and CLV") -> Check:
    """Enough repeat buyers with a positive, not constant mean spend for the Gamma-Gamma model.

    Parameters
    ----------
    summary : DataFrame
        RFM summary (:func:`kamlib.rfm.summary`).
    stage : str
        The stage's name, for the sentence.

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import spend_model
    >>> spend_model(pd.DataFrame({"frequency": [1] * 30, "monetary_value": 5.0})).ok
    False
    """
    if "monetary_value" not in summary or summary["monetary_value"].isna().all():
        return _fail(stage, "The {stage} needs amounts, and the log has customers and dates only; map "
                            "transactions.columns.amount (or quantity and unit_price).")
    usable = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if len(usable) < MIN_REPEAT_BUYERS:
        return _fail(stage, "The {stage} needs at least {minimum} repeat buyers with a positive mean spend, and the "
                            "period has {n:,}; use a longer log.", minimum=MIN_REPEAT_BUYERS, n=len(usable))
    if usable["monetary_value"].nunique() < 2:
        return _fail(stage, "The {stage} needs spend that varies between customers, and all {n:,} repeat buyers "
                            "spend the same; it does not apply to this log.", n=len(usable))
    return _ok(stage)


def clustering(n_customers: int, k_max: int, stage: str = "behavioural segments") -> Check:
    """Enough customers to compare up to ``k_max`` segments (five per segment, and :data:`MIN_CUSTOMERS`).

    Parameters
    ----------
    n_customers : int
        Customers to cluster.
    k_max : int
        The largest number of segments compared.
    stage : str
        The stage's name, for the sentence.

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> from kamlib.stages import clustering
    >>> clustering(12, 8).ok
    False
    """
    need = max(MIN_CUSTOMERS, 5 * k_max)
    if n_customers < need:
        return _fail(stage, "The {stage} {need} at least {minimum} customers to compare up to {k_max} segments, and "
                            "the log has {n:,}; lower segments.k_max or use a larger log.", minimum=need, k_max=k_max,
                     n=n_customers)
    return _ok(stage)


def lifecycle(transactions: pd.DataFrame, before, at, stage: str = "lifecycle transitions") -> Check:
    """Both dates of the transition table lie inside the log, in order, with customers at the first.

    Parameters
    ----------
    transactions : DataFrame
        A validated log (:func:`kamlib.transactions.load`).
    before, at : date-like
        The two dates of the transition table.
    stage : str
        The stage's name, for the sentence.

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import lifecycle
    >>> tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"])})
    >>> lifecycle(tx, "2024-01-01", "2024-01-01").ok
    False
    """
    before, at = pd.Timestamp(before), pd.Timestamp(at)
    first, last = transactions["date"].min().normalize(), transactions["date"].max().normalize()
    if not first <= before < at:
        return _fail(stage, "The {stage} {need} two dates inside the log, the first before the second, and the log "
                            "runs from {first} to {last} with dates {before} and {at}; set "
                            "segments.lifecycle_previous (or clv.calibration_end) between them.",
                     first=str(first.date()), last=str(last.date()), before=str(before.date()), at=str(at.date()))
    n = int(transactions.loc[transactions["date"] <= before + pd.Timedelta(days=1), "customer_id"].nunique())
    if n < MIN_CUSTOMERS:
        return _fail(stage, "The {stage} {need} at least {minimum} customers by the first date ({before}), and the "
                            "log has {n:,}; choose a later segments.lifecycle_previous.", minimum=MIN_CUSTOMERS,
                     before=str(before.date()), n=n)
    return _ok(stage)


def churn(outcome, stage: str = "churn models", *, minimum: int = 10) -> Check:
    """Both outcomes (churners and customers who stayed), ``minimum`` of each, so that each half of a split has both.

    Parameters
    ----------
    outcome : array-like of 0/1
        1 = churned.

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> from kamlib.stages import churn
    >>> churn([1] * 40).reason.split(";")[0]
    'The churn models need at least 10 churners and 10 customers who stayed, and the data have 40 and 0'
    """
    y = np.asarray(outcome)
    churners, stayed = int((y == 1).sum()), int((y == 0).sum())
    if churners < minimum or stayed < minimum:
        return _fail(stage, "The {stage} {need} at least {minimum} churners and {minimum} customers who stayed, and "
                            "the data have {churners:,} and {stayed:,}; use a longer holdout (clv.holdout_end) or a "
                            "log with more customers.", minimum=minimum, churners=churners, stayed=stayed)
    return _ok(stage)


def recommendation(transactions: pd.DataFrame, cutoff, stage: str = "recommendation") -> Check:
    """Customers who bought both before and after ``cutoff`` (the evaluation set), and two or more products.

    Parameters
    ----------
    transactions : DataFrame
        A validated log (:func:`kamlib.transactions.load`).
    cutoff : date-like
        Last day of the training purchases.
    stage : str
        The stage's name, for the sentence.

    Returns
    -------
    Check
        Whether the stage applies, and if not, why.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import recommendation
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "product": ["x", "y"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-03-01"])})
    >>> recommendation(tx, "2024-02-01").ok
    False
    """
    have = products(transactions, stage)
    if not have:
        return have
    cutoff = pd.Timestamp(cutoff)
    first, last = transactions["date"].min().normalize(), transactions["date"].max().normalize()
    if not first <= cutoff < last:
        return _fail(stage, "The {stage} needs purchases on both sides of the cutoff {cutoff}, and the log runs from "
                            "{first} to {last}; set personalisation.cutoff inside it.", cutoff=str(cutoff.date()),
                     first=str(first.date()), last=str(last.date()))
    day = transactions["date"].dt.normalize()  # the cutoff is a whole day, as recommend.time_split reads it
    before = set(transactions.loc[day <= cutoff, "customer_id"])
    after = set(transactions.loc[day > cutoff, "customer_id"])
    both = len(before & after)
    if both < MIN_CUSTOMERS:
        return _fail(stage, "The {stage} is judged on customers who buy both before and after the cutoff {cutoff}, "
                            "and {both:,} of {n:,} do (at least {minimum} needed); use a log with repeat buyers or "
                            "move personalisation.cutoff.", cutoff=str(cutoff.date()), both=both, n=len(before),
                     minimum=MIN_CUSTOMERS)
    return _ok(stage)


def shape(transactions: pd.DataFrame) -> dict:
    """What a validated log holds: customers, repeat buyers, span, products, orders and amounts.

    Parameters
    ----------
    transactions : DataFrame
        A validated log (:func:`kamlib.transactions.load`).

    Returns
    -------
    dict
        The shape.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import shape
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [1.0, 2.0, 3.0],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-02"])})
    >>> s = shape(tx)
    >>> s["customers"], s["repeat_buyers"], s["span_days"]
    (2, 1, 4)
    """
    days = transactions.assign(day=transactions["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    out = {"lines": len(transactions), "customers": int(len(days)), "repeat_buyers": int((days > 1).sum()),
           "repeat_share": float((days > 1).mean()) if len(days) else 0.0,
           "first_date": transactions["date"].min().date().isoformat(),
           "last_date": transactions["date"].max().date().isoformat(),
           "span_days": int((transactions["date"].max().normalize() - transactions["date"].min().normalize()).days),
           "products": int(transactions["product"].nunique()) if "product" in transactions else None,
           "orders": int(transactions["order_id"].nunique()) if "order_id" in transactions else None,
           "amounts": "amount" in transactions}
    return out


def identify_problems(transactions: pd.DataFrame, raw_customer: pd.Series | None = None) -> list[str]:
    """Mapping mistakes a log's shape betrays, each in one sentence (empty when none is seen).

    An order-level id mapped as the customer (every customer has exactly one order id, and the log has
    many orders); dates that all fall on one day; amounts that are all zero; customer ids that were numbers
    of different lengths (leading zeros lost when a spreadsheet read them as numbers).

    Parameters
    ----------
    transactions : DataFrame
        A validated log.
    raw_customer : Series, optional
        The customer column as the file stored it (its type tells whether ids were read as numbers).

    Returns
    -------
    list of str
        One sentence per problem.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import identify_problems
    >>> tx = pd.DataFrame({"customer_id": [str(i) for i in range(50)], "order_id": [str(i) for i in range(50)],
    ...                    "date": pd.date_range("2024-01-01", periods=50), "amount": 1.0})
    >>> identify_problems(tx)[0][:60]
    'Every one of the 50 customers has exactly one order id, as a'
    """
    out = []
    n = transactions["customer_id"].nunique()
    if "order_id" in transactions and n >= MIN_CUSTOMERS:
        per_customer = transactions.groupby("customer_id")["order_id"].nunique()
        per_order = transactions.groupby("order_id")["customer_id"].nunique()
        if (per_customer == 1).mean() >= 0.99 and (per_order == 1).all():
            out.append(f"Every one of the {n:,} customers has exactly one order id, as an order-level id would: if "
                       "transactions.columns.customer names a per-order id (e.g. customer_id in a marketplace export), "
                       "map the person-level id (e.g. customer_unique_id) instead, or nobody can repeat.")
    if len(transactions) > 1 and transactions["date"].dt.normalize().nunique() == 1:
        out.append(f"All {len(transactions):,} lines fall on one day ({transactions['date'].min().date()}); check that "
                   "transactions.columns.date names the order date, not an export or update date.")
    if "amount" in transactions and len(transactions) and not (transactions["amount"] != 0).any():
        out.append(f"All {len(transactions):,} amounts are 0; check that transactions.columns.amount (or quantity and "
                   "unit_price) names the paid amount.")
    if raw_customer is not None and pd.api.types.is_numeric_dtype(raw_customer):
        lengths = transactions["customer_id"].str.len()
        if lengths.nunique() > 1 and (lengths < lengths.max()).mean() < 0.2:
            out.append(f"The customer ids were read as numbers and {int((lengths < lengths.max()).sum()):,} are shorter "
                       f"than the others ({lengths.max()} digits): leading zeros may have been lost; export the id "
                       "column as text.")
    return out


def plan(transactions: pd.DataFrame, *, notebooks, calibration_end, holdout_end, calibration_start=None,
         unit: str = "W", k_max: int = 8, cutoff=None) -> pd.DataFrame:
    """Which stages of which transaction notebooks will not apply to this log, and why (``kam validate``).

    Parameters
    ----------
    transactions : DataFrame
        A validated log.
    notebooks : iterable of str
        The study's notebooks.
    calibration_end, holdout_end, calibration_start, unit, k_max, cutoff
        The study's periods and sizes (the calibration summary is the notebooks':
        :func:`kamlib.rfm.calibration_holdout` from ``calibration_start``).

    Returns
    -------
    DataFrame
        ``notebook``, ``stage``, ``applies`` and ``reason``, one row per stage checked.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.stages import plan
    >>> tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"])})
    >>> plan(tx, notebooks=["45_personalisation"], calibration_end="2024-01-01", holdout_end="2024-02-01")["applies"].tolist()
    [False]
    """
    from . import rfm

    notebooks = set(notebooks)
    rows = []
    money = amounts(transactions)
    window = holdout(transactions, calibration_end=calibration_end, holdout_end=holdout_end, unit=unit)
    cal = None
    if window:
        cal = rfm.calibration_holdout(transactions, calibration_end=calibration_end, holdout_end=holdout_end, unit=unit,
                                      start=calibration_start)
    by = Message("by {date}", "phrase", date=str(pd.Timestamp(calibration_end).date()))
    models = purchase_models(cal, period=by) if cal is not None else window

    def add(nb, check):
        if nb in notebooks:
            rows.append({"notebook": nb, **check.as_dict()})

    add("01_data_overview", money)
    add("10_key_accounts", window)
    add("10_key_accounts", models)
    add("10_key_accounts", spend_model(cal) if cal is not None and money else money)
    add("30_segments", money)
    add("30_segments", clustering(transactions["customer_id"].nunique(), k_max))
    add("35_churn", churn(cal["frequency_holdout"] == 0) if cal is not None else window)
    add("40_strategy", window)
    add("40_strategy", purchase_models(cal, "selection rules", period=by)
        if cal is not None else window)
    add("45_personalisation", products(transactions, "cross-selling and recommendation"))
    if "product" in transactions:
        cut = default_cutoff(transactions["date"].max(), cutoff, first_day=transactions["date"].min())
        add("45_personalisation", recommendation(transactions, cut))
    return pd.DataFrame(rows, columns=["notebook", "stage", "applies", "reason"])

