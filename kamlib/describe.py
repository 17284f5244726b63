"""Descriptive summaries of a transaction log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .i18n import Message, number
from .rfm import holdout_start
from .transactions import SAMPLE_RULE

__all__ = ["AGE_YEARS", "CHINA", "CLOSED_SHARE", "DROP_SHARE", "SEASONAL_PEAK", "limitations", "monthly", "overview"]


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
        and revenue per customer (when the log has amounts), and the share of customers who bought on one day only
        (a percentage with one decimal, as the report shows a share: :func:`kamlib.i18n.number`).

    Examples
    --------
    >>> from kamlib.describe import overview
    >>> overview(tx).set_index("measure").loc[["customers", "share of one-time buyers"], "value"].tolist()
    ['2357', '51.7%']
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
    rows.append(("share of one-time buyers", number(float((days == 1).mean()), "share")))
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
#: A log that ends at least this many years before the newest practice source is old for the comparison.
AGE_YEARS = 2
#: A log whose last first purchase is followed by at least this share of its span (and by 90 days or more) follows a
#: closed set of customers, not a customer base that keeps acquiring (a workbook convention).
CLOSED_SHARE = 0.25
#: A busiest month at least this many times the median month's sales makes sales seasonal.
SEASONAL_PEAK = 1.5
#: The country names that place a log in the sources' market.
CHINA = {"china", "cn", "chn", "中国", "prc", "mainland china"}


def limitations(report: pd.DataFrame, transactions: pd.DataFrame, months: pd.DataFrame | None = None, *,
                read: int | None = None, sources: pd.DataFrame | None = None, data: str = "", currency: str | None = None,
                calibration_end: str | None = None, holdout_end: str | None = None,
                inactive_days=None, provenance: pd.DataFrame | None = None) -> list[tuple[str, str, dict]]:
    """The limitations a log's own description shows, as sentences to declare (``art.limitation``): the lines and
    revenue each cleaning rule dropped (from :data:`DROP_SHARE` of the lines read), the log's age against the
    practice sources (from :data:`AGE_YEARS`), the sources' market against the log's customers' country, and a
    seasonal peak (from :data:`SEASONAL_PEAK` times the median month) inside the holdout period or across an
    inactivity window shorter than a year, a log that stops acquiring customers long before it ends (a closed set of
    customers, :data:`CLOSED_SHARE` of its span), and a file whose provenance is not stated (no provenance note).

    Parameters
    ----------
    report : DataFrame
        The cleaning report (:class:`kamlib.transactions.Loaded`'s ``report``: ``rule``, ``rows_dropped``,
        ``amount_dropped``; its last row the total).
    transactions : DataFrame
        The cleaned log (``customer_id``, ``date``, and ``country`` when mapped).
    months : DataFrame, optional
        :func:`monthly` of the log (the busiest month and how far it stands out).
    read : int, optional
        Lines read from the file (:class:`kamlib.transactions.Loaded`'s ``read``); without it no rule's share is
        judged.
    sources : DataFrame, optional
        The study's own practice sources (``literature.sources``, :func:`kamlib.literature.load_sources`); None, or
        a study that declares none, gives no sentence on the log's age or market against them (never another
        study's sources).
    data : str
        The log's name, as its provenance gives it.
    currency : str, optional
    calibration_end, holdout_end : str, optional
        The holdout period's bounds (the study's ``clv`` windows).
    inactive_days : int or str, optional
        The key accounts' inactivity window (``tiers.max_inactive_days``; ``auto`` is judged where it is computed).
    provenance : DataFrame, optional
        :func:`kamlib.datasets.provenance` of the log: when it says ``real: not stated`` (a file without a
        provenance note), a sentence names the file and the note to write beside it.

    Returns
    -------
    list of (str, str, dict)
        ``(key, English template, {field: text or Message})``, one per limitation that applies.

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
    >>> log = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2010-12-01", "2011-12-09"])})
    >>> [key for key, _, _ in limitations(report, log, read=100)]
    ['dropped_missing customer id']
    """
    first, last = (f"{transactions['date'].min():%Y-%m-%d}", f"{transactions['date'].max():%Y-%m-%d}") \
        if len(transactions) else ("", "")
    peak_month = peak_ratio = None
    if months is not None and len(months):
        busiest = "revenue" if "revenue" in months else "orders"
        peak_month = f"{months.loc[months[busiest].idxmax(), 'month']:%Y-%m}"
        median = float(months[busiest].median())
        peak_ratio = float(months[busiest].max()) / median if median > 0 else None
    country_shares = (transactions.groupby("customer_id")["country"].first().value_counts(normalize=True)
                      if "country" in transactions and transactions["country"].notna().any() else None)
    out = []
    for row in report.iloc[:-1].itertuples() if read else ():
        rows, worth = int(row.rows_dropped or 0), float(row.amount_dropped or 0)
        if rows / read >= DROP_SHARE and not str(row.rule).startswith(SAMPLE_RULE.split(" (")[0]):  # a sample
            out.append((f"dropped_{row.rule}", "The cleaning rule '{rule}' dropped {rows} of the {read} lines read "
                        "({share}), worth {amount}: the results describe the remaining lines only.",
                        {"rule": Message(str(row.rule), "value"), "rows": f"{rows:,}", "read": f"{read:,}",
                                  "share": f"{rows / read:.1%}", "amount": f"{currency or ''} {worth:,.0f}".strip()}))
    if sources is not None and len(sources):
        years = pd.to_numeric(sources["year"], errors="coerce").dropna()
        if len(years) and first and last and int(years.max()) - int(last[:4]) >= AGE_YEARS:
            days = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
            span = Message("{n} days", "phrase", n=days) if days < 90 else \
                Message("{n} months", "phrase", n=round(days / 30.44))
            out.append(("data_age", "The log spans {first} to {last} ({span}) and ends {gap} years before the newest "
                        "practice source ({newest}): the customers' behaviour may have changed since.",
                        {"first": first, "last": last, "span": span,
                         "gap": str(int(years.max()) - int(last[:4])), "newest": str(int(years.max()))}))
        n_zh = int((sources["language"] == "zh").sum())
        top = country_shares.index[0] if country_shares is not None and len(country_shares) else None
        if n_zh and data and top is not None and str(top).strip().lower() not in CHINA:
            out.append(("source_market", "{n} of the {total} practice sources are Chinese-language documents on "
                        "e-commerce in China, while {share} of the log's customers ({data}) are in {country}: a claim "
                        "of theirs that this log does not bear out may hold in their market.",
                        {"n": str(n_zh), "total": str(len(sources)), "data": data,
                         "share": f"{float(country_shares.iloc[0]):.0%}", "country": str(top)}))
    seasonal = peak_month is not None and peak_ratio is not None and peak_ratio >= SEASONAL_PEAK
    if seasonal and calibration_end and holdout_end and str(calibration_end)[:7] < peak_month <= str(holdout_end)[:7]:
        out.append(("season_holdout", "The log's peak month ({peak}) falls in the holdout period ({start} to {end}), "
                    "which the models fitted on the calibration period never saw: holdout errors mix the season with "
                    "the models' own.", {"peak": peak_month, "start": holdout_start(calibration_end),
                                          "end": str(holdout_end)}))
    if seasonal and isinstance(inactive_days, (int, float)) and not isinstance(inactive_days, bool) and \
            inactive_days < 365:
        out.append(("season_window", "The inactivity window ({days} days) is shorter than a year while sales peak in "
                    "{peak} at {ratio} times the median month: a customer who buys once a season counts as inactive "
                    "between seasons.", {"days": str(int(inactive_days)), "peak": peak_month,
                                         "ratio": f"{peak_ratio:.1f}"}))
    if len(transactions):
        newest = transactions.groupby("customer_id")["date"].min().max()  # the last customer's first purchase
        span, after = (pd.Timestamp(last) - pd.Timestamp(first)).days, (pd.Timestamp(last) - newest).days
        if span > 0 and after >= 90 and after / span >= CLOSED_SHARE:
            out.append(("closed_base", "No customer's first purchase falls after {newest}, though the log runs to "
                        "{last} ({months} months, {share} of its span, later): it follows a fixed set of customers (a "
                        "cohort, a panel or a sample), not a customer base that keeps acquiring, so concentration, the "
                        "lifecycle stages, cohort retention and the churn rate describe that set only; fix: state how "
                        "the export was drawn (in its provenance note) and read the results as those of that set.",
                        {"newest": f"{newest:%Y-%m-%d}", "last": last, "months": f"{after / 30.44:.0f}",
                         "share": f"{after / span:.0%}"}))
    said = dict(zip(provenance["field"], provenance["value"])) if provenance is not None else {}
    if str(said.get("real", "")) == "not stated":  # a user's file without a note (kamlib.datasets.provenance)
        file = str(said.get("file", data))
        note = getattr(said.get("citation"), "params", {}).get("note") or f"{Path(file).stem}.PROVENANCE.md"
        out.append(("provenance_unknown", "Where the transaction log ({file}) comes from is not stated, so the report "
                    "cannot say whether it holds a real company's records, a sample or simulated data, nor under "
                    "which licence it may be used; fix: write {note} beside the file, with the data set's name on its "
                    "first line and '- Citation:' and '- Licence:' lines (as the notes in data/raw do).",
                    {"file": file, "note": note}))
    return out
