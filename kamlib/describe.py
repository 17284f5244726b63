"""Descriptive summaries of a transaction log."""

from __future__ import annotations

import pandas as pd

__all__ = ["monthly", "overview"]


def overview(transactions: pd.DataFrame) -> pd.DataFrame:
    """One-column description of a transaction log: size, span and spend distribution.

    Parameters
    ----------
    transactions : DataFrame
        A validated log (``customer_id``, ``date``, optional ``amount``).

    Returns
    -------
    DataFrame
        ``measure`` and ``value``: lines, orders (customer-days), customers, first and last date, revenue
        and revenue per customer (when the log has amounts), and the share of customers who bought on one day only.

    Examples
    --------
    >>> from kamlib.describe import overview
    >>> overview(tx).set_index("measure").loc[["customers", "share of one-time buyers"], "value"].tolist()
    ['2357', '0.5168']
    """
    orders = transactions.groupby(["customer_id", "date"]).ngroups
    rows = [
        ("transaction lines", len(transactions)),
        ("customer-days (orders)", orders),
        ("customers", transactions["customer_id"].nunique()),
        ("first date", transactions["date"].min().date().isoformat()),
        ("last date", transactions["date"].max().date().isoformat()),
    ]
    if "amount" in transactions:  # an event log (customer and date only) has no revenue to describe
        per_customer = transactions.groupby("customer_id")["amount"].sum()
        rows += [
            ("revenue", round(float(transactions["amount"].sum()), 2)),
            ("mean order value", round(float(transactions["amount"].sum() / orders), 4)),
            ("median revenue per customer", round(float(per_customer.median()), 4)),
            ("mean revenue per customer", round(float(per_customer.mean()), 4)),
        ]
    days = transactions.assign(day=transactions["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    rows.append(("share of one-time buyers", round(float((days == 1).mean()), 4)))
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": str})


def monthly(transactions: pd.DataFrame) -> pd.DataFrame:
    """Revenue, orders (customer-days) and active customers per calendar month.

    Parameters
    ----------
    transactions : DataFrame
        A validated log.

    Returns
    -------
    DataFrame
        One row per calendar month from the first to the last (a month without sales is a row of zeros, not
        a gap): ``month`` (first day), ``revenue`` (net of returns; missing when the log has no amounts),
        ``orders`` (purchase days), ``active_customers``, ``days_covered`` by the log and ``partial`` (the log covers only part of the month, as its first or
        last month often does: such a month is not a collapse).

    Examples
    --------
    >>> from kamlib import datasets
    >>> from kamlib.describe import monthly
    >>> monthly(datasets.cdnow(sample=True)).shape[0]
    18
    """
    from .transactions import purchase_days

    month = transactions["date"].dt.to_period("M").dt.to_timestamp()
    days = purchase_days(transactions)
    days["month"] = days["date"].dt.to_period("M").dt.to_timestamp()
    g = days.groupby("month")
    first, last = transactions["date"].min().normalize(), transactions["date"].max().normalize()
    calendar = pd.date_range(first.to_period("M").to_timestamp(), last.to_period("M").to_timestamp(), freq="MS",
                             name="month")
    out = pd.DataFrame({
        **({"revenue": transactions.assign(month=month).groupby("month")["amount"].sum()}
           if "amount" in transactions else {}),
        "orders": g.size(),
        "active_customers": g["customer_id"].nunique(),
    }).reindex(calendar).fillna(0).astype({"orders": "int64", "active_customers": "int64"}).reset_index()
    month_end = out["month"] + pd.offsets.MonthEnd(0)
    start = out["month"].where(out["month"] > first, first)
    stop = month_end.where(month_end < last, last)
    out["days_covered"] = ((stop - start).dt.days + 1).astype("int64")
    out["partial"] = out["days_covered"] < out["month"].dt.days_in_month
    return out
