"""Descriptive summaries of a transaction log."""

from __future__ import annotations

import pandas as pd

__all__ = ["DROP_SHARE", "limitations", "monthly", "overview"]


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


#: A cleaning rule that dropped at least this share of the lines read is a limitation worth a sentence.
DROP_SHARE = 0.01


def limitations(report: pd.DataFrame, *, first: str, last: str, sources: pd.DataFrame | None = None,
                data: str = "", currency: str | None = None, peak_month: str | None = None,
                calibration_end: str | None = None, holdout_end: str | None = None,
                inactive_days=None) -> list[tuple[str, str, dict]]:
    """The limitations a log's own description shows, as sentences to declare (``art.limitation``): the lines and
    revenue each cleaning rule dropped (from :data:`DROP_SHARE` of the lines read), the log's age against the
    practice sources, the sources' language and market against the log's, and a seasonal peak inside the holdout
    period or across an inactivity window shorter than a year.

    Parameters
    ----------
    report : DataFrame
        The cleaning report (:func:`kamlib.transactions.validate`'s ``report``: ``rule``, ``rows_dropped``,
        ``amount_dropped``; its last row the total, "... of N read").
    first, last : str
        The log's first and last dates (ISO).
    sources : DataFrame, optional
        The practice sources' register (:func:`kamlib.literature.load_sources`).
    data : str
        The log's name, as its provenance gives it.
    currency : str, optional
    peak_month : str, optional
        The busiest month (``YYYY-MM``).
    calibration_end, holdout_end : str, optional
        The holdout period's bounds (the study's ``clv`` windows).
    inactive_days : int or str, optional
        The key accounts' inactivity window (``tiers.max_inactive_days``; ``auto`` is judged where it is computed).

    Returns
    -------
    list of (str, str, dict)
        ``(key, English template, {field: text})``, one per limitation that applies.

    References
    ----------
    American Psychological Association (2020). *Publication Manual* (7th ed.), 3.8: limitations address sources of
    bias, the generalisability of the findings and the limits of the data.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.describe import limitations
    >>> report = pd.DataFrame({"rule": ["missing customer id", "total: 60 rows kept of 100 read"],
    ...                        "rows_dropped": [40, 0], "amount_dropped": [250.0, 0.0]})
    >>> [key for key, _, _ in limitations(report, first="2010-12-01", last="2011-12-09")]
    ['dropped_missing customer id']
    """
    import re

    out = []
    total = str(report["rule"].iloc[-1]) if len(report) else ""
    read = re.search(r"of (\d+) read", total)
    read = int(read.group(1)) if read else None
    for row in report.iloc[:-1].itertuples() if read else ():
        rows, worth = int(row.rows_dropped or 0), float(row.amount_dropped or 0)
        if rows / read >= DROP_SHARE and not str(row.rule).startswith("customer sample"):
            out.append((f"dropped_{row.rule}", "The cleaning rule '{rule}' dropped {rows} of the {read} lines read "
                        "({share}), worth {amount}: the results describe the remaining lines only.",
                        {"rule": str(row.rule), "rows": f"{rows:,}", "read": f"{read:,}", "share": f"{rows / read:.1%}",
                         "amount": f"{currency or ''} {worth:,.0f}".strip()}))
    if sources is not None and len(sources):
        years = pd.to_numeric(sources["year"], errors="coerce").dropna()
        if len(years) and first and last and int(years.max()) - int(last[:4]) >= 2:
            months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
            out.append(("data_age", "The log spans {first} to {last} ({months} months) and ends {gap} years before "
                        "the newest practice source ({newest}): the customers' behaviour may have changed since.",
                        {"first": first, "last": last, "months": str(months),
                         "gap": str(int(years.max()) - int(last[:4])), "newest": str(int(years.max()))}))
        n_zh = int((sources["language"] == "zh").sum())
        if n_zh and data:
            out.append(("source_market", "{n} of the {total} practice sources are Chinese-language documents on "
                        "e-commerce in China, while the log is {data}: a claim of theirs that this log does not bear "
                        "out may hold in their market.", {"n": str(n_zh), "total": str(len(sources)), "data": data}))
    if peak_month and calibration_end and holdout_end and str(calibration_end)[:7] < peak_month <= str(holdout_end)[:7]:
        out.append(("season_holdout", "The log's peak month ({peak}) falls in the holdout period ({start} to {end}), "
                    "which the models fitted on the calibration period never saw: holdout errors mix the season with "
                    "the models' own.", {"peak": peak_month, "start": str(calibration_end), "end": str(holdout_end)}))
    if peak_month and isinstance(inactive_days, (int, float)) and not isinstance(inactive_days, bool) \
            and inactive_days < 365:
        out.append(("season_window", "The inactivity window ({days} days) is shorter than a year while sales peak in "
                    "{peak}: a customer who buys once a season counts as inactive between seasons.",
                    {"days": str(int(inactive_days)), "peak": peak_month}))
    return out
