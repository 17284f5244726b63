"""RFM in the conventions of the buy-till-you-die (BTYD) literature, aggregated in DuckDB.

Per customer, over the purchases on or before ``end``:

- ``frequency``: number of *repeat* purchase days (distinct purchase days minus one);
- ``recency``: time from the first to the last purchase day;
- ``T``: time from the first purchase day to ``end`` (the customer's age);
- ``monetary_value``: mean amount of the repeat purchase days (0 when there is none).

Several purchases on one day count as one transaction whose amount is their sum
(with ``negative_amounts: net`` a day's returns net against its purchases, and a day
whose net is negative is not a purchase). Time is in days divided by the unit's
length: ``"D"`` 1, ``"W"`` 7, ``"M"`` 365.25/12. These are the conventions of Fader,
Hardie and Lee (2005), whose CDNOW weeks are days/7, and of ``lifetimes``.

The aggregation runs in DuckDB over a DataFrame or straight over a CSV/Parquet file, so logs
larger than memory work. A log without negative amounts takes one aggregation pass per
customer: the distinct purchase days are counted as a bitmap of day numbers (DuckDB's
``bitstring_agg``) instead of grouping every customer-day first, which is most of the cost on a
log where few customers buy twice on one day; customers with two lines on one day get a second,
joined look for the amount of their first day; a large log is split into hash partitions of
customers so that the bitmaps stay inside the memory limit. A log with refunds runs the general
query :data:`SUMMARY_SQL`, which nets them; the same query text serves Apache Spark
(:func:`summary_spark`). Both plans give the same numbers (tested).

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). Counting your customers the easy way:
An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._io import connect, from_spark, memory_limit
from .errors import ArgumentError, KamError, require_columns
from .i18n import Message
from .segments import NAMES

__all__ = ["HOLDOUT_SQL", "OTHER", "SCORE_WORDS", "SEGMENTS", "SUMMARY_SQL", "UNIT_DAYS", "calibration_holdout",
           "holdout_start", "naming_rule", "scores", "segment_table", "summary", "summary_spark", "summary_sql"]

UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

# A purchase day is a customer-day whose lines sum to 0 or more; a day of returns only (sum < 0) is not a
# purchase, but its amount is netted: the customer's purchase-day amounts are scaled by net / gross (between
# 0 and 1), so revenue and spend per purchase are net of refunds. Without negative lines nothing changes.
SUMMARY_SQL = """
WITH days AS (
    SELECT {customer} AS customer_id,
           CAST({date} AS DATE) AS day,
           SUM(CAST({amount} AS DOUBLE)) AS amount
    FROM {source}
    WHERE CAST({date} AS DATE) <= DATE '{end}' {start_clause}
    GROUP BY 1, 2
), customers AS (
    SELECT customer_id,
           COUNT(*) FILTER (WHERE amount >= 0) - 1 AS frequency,
           MIN(day) FILTER (WHERE amount >= 0) AS first_day,
           MAX(day) FILTER (WHERE amount >= 0) AS last_day,
           SUM(amount) FILTER (WHERE amount >= 0) AS gross,
           SUM(amount) AS net,
           MIN_BY(amount, day) FILTER (WHERE amount >= 0) AS first_amount
    FROM days
    GROUP BY 1
    HAVING COUNT(*) FILTER (WHERE amount >= 0) > 0
), netted AS (
    SELECT *, CASE WHEN net < gross AND gross > 0 THEN GREATEST(net, 0) / gross ELSE 1.0 END AS keep
    FROM customers
)
SELECT CAST(customer_id AS {text}) AS customer_id,
       CAST(frequency AS BIGINT) AS frequency,
       {datediff_last} / {unit_days} AS recency,
       {datediff_end} / {unit_days} AS T,
       CASE WHEN frequency > 0 THEN (gross - first_amount) * keep / frequency ELSE 0.0 END AS monetary_value,
       gross * keep AS revenue,
       first_day
FROM netted
ORDER BY netted.customer_id
"""

# Holdout purchases are purchase days as above (a refund-only day is not one); holdout revenue is net, not below 0.
HOLDOUT_SQL = """
WITH days AS (
    SELECT CAST({customer} AS VARCHAR) AS customer_id, CAST({date} AS DATE) AS day,
           SUM(CAST({amount} AS DOUBLE)) AS amount
    FROM {source}
    WHERE CAST({date} AS DATE) > DATE '{start}' AND CAST({date} AS DATE) <= DATE '{end}'
    GROUP BY 1, 2
)
SELECT customer_id,
       COUNT(*) FILTER (WHERE amount >= 0) AS frequency_holdout,
       GREATEST(SUM(amount), 0) AS revenue_holdout
FROM days
GROUP BY 1
"""


def _dialect(engine: str) -> dict:
    if engine == "duckdb":
        return {"datediff_last": "CAST(date_diff('day', first_day, last_day) AS DOUBLE)",
                "datediff_end": "CAST(date_diff('day', first_day, DATE '{end}') AS DOUBLE)", "text": "VARCHAR"}
    if engine == "spark":
        return {"datediff_last": "CAST(datediff(last_day, first_day) AS DOUBLE)",
                "datediff_end": "CAST(datediff(DATE '{end}', first_day) AS DOUBLE)", "text": "STRING"}
    raise KamError(f"Unknown SQL engine {engine!r}; use 'duckdb' or 'spark'.")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def summary_sql(*, end, source="src", unit="W", customer="customer_id", date="date", amount="amount",
                start=None, engine="duckdb") -> str:
    """The RFM summary query for DuckDB or Spark SQL (the only difference is day arithmetic and the text type).

    Parameters
    ----------
    end : date-like
        End of the observation period.
    source : str
        Table or view to read.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T``.
    customer, date, amount : str
        Column names in the log.
    start : date-like, optional
        Only customers whose first purchase is on or after this date.
    engine : {"duckdb", "spark"}
        SQL dialect.

    Returns
    -------
    str
        The query; it returns ``customer_id``, ``frequency``, ``recency``, ``T``, ``monetary_value``, ``revenue``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.

    Examples
    --------
    >>> from kamlib.rfm import summary_sql
    >>> "GROUP BY" in summary_sql(end="1997-09-30")
    True
    """
    if unit not in UNIT_DAYS:
        raise KamError(f"unit must be one of {', '.join(UNIT_DAYS)}, not {unit!r}.")
    end = pd.Timestamp(end).date().isoformat()
    q = _quote if engine == "duckdb" else (lambda n: f"`{n}`")
    d = {k: v.format(end=end) for k, v in _dialect(engine).items()}
    start_clause = f"AND CAST({q(date)} AS DATE) >= DATE '{pd.Timestamp(start).date().isoformat()}'" if start else ""
    return SUMMARY_SQL.format(customer=q(customer), date=q(date), amount=q(amount), source=source, end=end,
                              start_clause=start_clause, unit_days=repr(UNIT_DAYS[unit]), **d)


def _no_amounts(transactions, amount: str) -> bool:
    """A DataFrame log without the amount column: the summary has frequency, recency and T only."""
    return isinstance(transactions, pd.DataFrame) and amount not in transactions.columns


def _source(con, transactions, columns) -> str:
    """Register a DataFrame or name a file for DuckDB; returns the FROM clause."""
    if isinstance(transactions, pd.DataFrame):
        require_columns(transactions, columns, where="the transactions DataFrame",
                        fix="pass customer=, date=, amount= with your column names")
        con.register("src", transactions)
        return "src"
    path = Path(transactions)
    if not path.exists():
        raise KamError(f"Transaction file {path} does not exist.")
    fn = "read_parquet" if path.suffix.lower() in {".parquet", ".pq"} else "read_csv_auto"
    src = f"{fn}('{path.as_posix()}')"
    have = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    missing = [c for c in columns if c not in have]
    if missing:
        raise KamError(f"{path} has no column {missing[0]!r} (it has: {', '.join(have[:12])}); "
                       "pass customer=, date=, amount= with the file's column names.")
    return src


# The one-pass plan of :func:`summary` for logs without negative amounts (no refunds to net): every statistic is
# an aggregate per customer over the lines, the distinct purchase days a bitmap of day numbers (DuckDB's
# BITSTRING_AGG); only customers with two lines on one day need a second look, for the amount of their first day.
_FILTERED = """SELECT {customer} AS customer_id, CAST({date} AS DATE) AS day, CAST({amount} AS DOUBLE) AS amount
FROM {source} WHERE CAST({date} AS DATE) <= DATE '{end}' {start_clause}"""

_RANGE_SQL = "SELECT MIN(day), MAX(day), MIN(amount), COUNT(*) FROM ({filtered})"

_CUSTOMERS_SQL = """
SELECT customer_id,
       CAST(bit_count(bitstring_agg(CAST(date_diff('day', DATE '{lo}', day) AS INTEGER), 0, {span})) AS BIGINT) AS days,
       COUNT(*) AS lines, MIN(day) AS first_day, MAX(day) AS last_day, SUM(amount) AS gross,
       ARG_MIN(amount, day) AS first_amount
FROM ({filtered}) WHERE {partition}
GROUP BY 1"""

_FIRST_DAY_SQL = """
SELECT s.row, SUM(f.amount) AS first_amount
FROM ({filtered}) f JOIN several s ON f.customer_id = s.customer_id AND f.day = s.first_day
GROUP BY 1"""


def _one_pass_memory(needed: float, limit: float) -> float | None:
    """A larger DuckDB memory limit for a log whose day bitmaps would take more than two passes at the default,
    or None to keep it.

    Each pass reads the whole file again: at 100M rows the default 700MB takes ten passes (26.8 s), one pass takes
    14.3 s with a 3.6 GB peak (docs/scale.md, "How it is fast"). Up to two passes cost no more time than one (20M rows: 2.28 s either
    way) and keep the peak lower (837 MB against 1.2 GB), so the default stays there. The raised limit is at most
    40% of the machine's memory; ``KAM_DUCKDB_MEMORY``, when set, is kept as it is.
    """
    if os.environ.get("KAM_DUCKDB_MEMORY", "").strip() or needed <= 2 * limit:
        return None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # a system without sysconf: keep the default
        return None
    raised = min(needed, 0.4 * total)
    return raised if raised > limit else None


def _one_pass(con, src: str, *, end, start, customer, date, amount):
    """Per-customer aggregates in one pass over the lines, or None when the general query must run (refunds)."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    start_clause = f"AND CAST({_quote(date)} AS DATE) >= DATE '{pd.Timestamp(start).date().isoformat()}'" if start else ""
    filtered = _FILTERED.format(customer=_quote(customer), date=_quote(date), amount=_quote(amount), source=src,
                                end=pd.Timestamp(end).date().isoformat(), start_clause=start_clause)
    lo, hi, low_amount, n = con.execute(_RANGE_SQL.format(filtered=filtered)).fetchall()[0]
    if not n or low_amount is None or low_amount < 0:
        return None
    span = (hi - lo).days
    # a bitmap of span + 1 bits per customer: split the customers into hash partitions (one pass each) when the
    # bitmaps of a large log would not fit the memory limit; retry with more partitions if it still does not
    needed = n * (span / 8 + 96) / 10 * 3
    limit = memory_limit()[1]
    raised = _one_pass_memory(needed, limit)
    if raised:
        before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        con.execute(f"SET memory_limit = '{max(1, int(raised / 1e6))}MB'")
        limit = raised
    parts = min(64, max(1, int(np.ceil(needed / limit))))
    try:
        while True:
            try:
                tables = []
                for i in range(parts):
                    where = "TRUE" if parts == 1 else f"hash(customer_id) % {parts} = {i}"
                    tables.append(con.sql(_CUSTOMERS_SQL.format(filtered=filtered, lo=lo, span=span,
                                                                partition=where)).to_arrow_table())
                break
            except duckdb.OutOfMemoryException:
                if parts >= 64:
                    raise
                parts *= 4
    finally:
        if raised:  # the connections of this process share one database: its limit back as it was
            con.execute(f"SET memory_limit = '{before}'")
    t = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    rows = np.flatnonzero((t["lines"].to_numpy() > t["days"].to_numpy()))
    if len(rows):
        # the customers with several lines on one day, with their row in t: the join returns the rows, so the
        # amounts go straight into place (no index of millions of ids to build)
        several = t.select(["customer_id", "first_day"]).take(rows).append_column("row", pa.array(rows))
        con.register("several", several)
        fix = con.sql(_FIRST_DAY_SQL.format(filtered=filtered)).to_arrow_table()
        con.unregister("several")
        first_amount = t["first_amount"].to_numpy().copy()
        first_amount[fix["row"].to_numpy()] = fix["first_amount"].to_numpy()
    else:
        first_amount = t["first_amount"].to_numpy()
    return t, first_amount


def summary(transactions, *, end, unit: str = "W", customer: str = "customer_id", date: str = "date",
            amount: str = "amount", start=None) -> pd.DataFrame:
    """Per-customer ``frequency``, ``recency``, ``T``, ``monetary_value`` (plus ``revenue``, ``first_day``).

    A log without negative amounts is summarised in one aggregation pass per customer (the distinct purchase
    days counted as a bitmap of day numbers); a log with refunds runs :data:`SUMMARY_SQL`, which nets them. Both
    give the same numbers (tested against each other and against lifetimes).

    Parameters
    ----------
    transactions : DataFrame or path
        A transaction log, or a CSV/Parquet file DuckDB reads directly.
    end : date-like
        Last day of the observation (calibration) period, inclusive.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T``.
    start : date-like, optional
        Ignore purchases before this day.

    Returns
    -------
    DataFrame indexed by ``customer_id`` (string), sorted by the ids as the log stores them (numbers by value).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.

    Examples
    --------
    >>> from kamlib import datasets
    >>> from kamlib.rfm import summary
    >>> s = summary(datasets.cdnow(sample=True), end="1997-09-30")
    """
    if unit not in UNIT_DAYS:
        raise KamError(f"unit must be one of {', '.join(UNIT_DAYS)}, not {unit!r}.")
    if _no_amounts(transactions, amount):  # an event log (customer and date): counts and times, no money
        out = summary(transactions.assign(**{amount: 0.0}), end=end, unit=unit, customer=customer, date=date,
                      amount=amount, start=start)
        return out.assign(monetary_value=np.nan, revenue=np.nan)
    con = connect()
    try:
        src = _source(con, transactions, [customer, date, amount])
        fast = _one_pass(con, src, end=end, start=start, customer=customer, date=date, amount=amount)
        if fast is None:
            sql = summary_sql(end=end, source=src, unit=unit, customer=customer, date=date, amount=amount,
                              start=start)
            out = con.sql(sql).to_arrow_table().to_pandas()  # Arrow: faster than .df() for millions of rows
    finally:
        con.close()
    if fast is not None:
        import pyarrow.compute as pc

        t, first_amount = fast
        order = pc.sort_indices(t["customer_id"]).to_numpy()  # by the ids' own type, as SUMMARY_SQL orders
        ids = t["customer_id"] if t["customer_id"].type == "string" else pc.cast(t["customer_id"], "string")
        first = t["first_day"].to_numpy().astype("datetime64[D]")[order]
        last = t["last_day"].to_numpy().astype("datetime64[D]")[order]
        frequency = t["days"].to_numpy()[order] - 1
        gross = t["gross"].to_numpy()[order]
        repeat = gross - first_amount[order]
        days = UNIT_DAYS[unit]
        with np.errstate(invalid="ignore", divide="ignore"):
            monetary = np.where(frequency > 0, repeat / np.maximum(frequency, 1), 0.0)
        # the frame built around its index (no set_index copy of millions of rows)
        return pd.DataFrame({"frequency": frequency.astype("int64"),
                             "recency": (last - first).astype("int64") / days,
                             "T": (np.datetime64(pd.Timestamp(end).date(), "D") - first).astype("int64") / days,
                             "monetary_value": monetary, "revenue": gross, "first_day": pd.to_datetime(first)},
                            index=pd.Index(ids.take(order).to_pandas(), name="customer_id"), copy=False)
    out["first_day"] = pd.to_datetime(out["first_day"])
    out["frequency"] = out["frequency"].astype("int64")
    return out.set_index("customer_id")


def summary_spark(spark, table: str, *, end, unit="W", customer="customer_id", date="date", amount="amount",
                  start=None) -> pd.DataFrame:
    """The RFM summary computed by Apache Spark over a registered table or view (the cluster path).

    Parameters
    ----------
    spark : SparkSession
        An active session.
    table : str
        The registered table or view.
    end : date-like
        End of the observation period.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T``.
    customer, date, amount : str
        Column names in the log.
    start : date-like, optional
        Only customers whose first purchase is on or after this date.

    Returns
    -------
    DataFrame
        As :func:`summary`.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.

    Examples
    --------
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from kamlib.rfm import summary_spark
    >>> spark = SparkSession.builder.getOrCreate()  # doctest: +SKIP
    >>> summary_spark(spark, "orders", end="1997-09-30")  # doctest: +SKIP
    """
    sql = summary_sql(end=end, source=table, unit=unit, customer=customer, date=date, amount=amount,
                      start=start, engine="spark")
    result = spark.sql(sql)
    out = from_spark(result)
    out["first_day"] = pd.to_datetime(out["first_day"])
    out["frequency"] = out["frequency"].astype("int64")
    return out.set_index("customer_id")


def holdout_start(calibration_end) -> str | None:
    """The first day of the holdout period, which :func:`calibration_holdout` takes as (calibration_end, holdout_end]:
    the day after ``calibration_end`` (``YYYY-MM-DD``), as sentences about the period write it; None stays None.

    Parameters
    ----------
    calibration_end : str, date or None
        The last day of the calibration period (the study's ``clv.calibration_end``).

    Returns
    -------
    str or None

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way. *Marketing Science*,
    24(2), 275-284 (a calibration period and the holdout period after it).

    Examples
    --------
    >>> from kamlib.rfm import holdout_start
    >>> holdout_start("2021-12-31")
    '2022-01-01'
    """
    if calibration_end is None:
        return None
    return f"{pd.Timestamp(str(calibration_end)) + pd.Timedelta(days=1):%Y-%m-%d}"


def calibration_holdout(transactions, *, calibration_end, holdout_end, unit="W", customer="customer_id",
                        date="date", amount="amount", start=None) -> pd.DataFrame:
    """Calibration summary plus holdout purchases, for validating purchase models.

    Only customers whose first purchase is in the calibration period are kept; holdout purchases are the
    distinct purchase days in (calibration_end, holdout_end].

    Parameters
    ----------
    transactions : DataFrame or str or Path
        The log, or a CSV/Parquet file that DuckDB reads directly.
    calibration_end, holdout_end : date-like
        Ends of the two periods; both must lie within the log.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T``.
    customer, date, amount : str
        Column names in the log.
    start : date-like, optional
        Only customers whose first purchase is on or after this date.

    Returns
    -------
    DataFrame
        The calibration summary (:func:`summary`) with ``frequency_holdout``, ``revenue_holdout`` and
        ``duration_holdout`` (in ``unit``).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.

    Examples
    --------
    >>> from kamlib import datasets
    >>> from kamlib.rfm import calibration_holdout
    >>> cal = calibration_holdout(datasets.cdnow(sample=True), calibration_end="1997-09-30",
    ...                           holdout_end="1998-06-30")
    """
    cal_end, hold_end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    if hold_end <= cal_end:
        raise KamError(f"holdout_end ({hold_end.date()}) must be after calibration_end ({cal_end.date()}).")
    if _no_amounts(transactions, amount):
        out = calibration_holdout(transactions.assign(**{amount: 0.0}), calibration_end=calibration_end,
                                  holdout_end=holdout_end, unit=unit, customer=customer, date=date, amount=amount,
                                  start=start)
        return out.assign(monetary_value=np.nan, revenue=np.nan, revenue_holdout=np.nan)
    con = connect()
    try:
        src = _source(con, transactions, [customer, date, amount])
        first, last = (pd.Timestamp(v) if v is not None else None for v in con.execute(
            f"SELECT MIN(CAST({_quote(date)} AS DATE)), MAX(CAST({_quote(date)} AS DATE)) FROM {src}").fetchone())
        _check_period(first, last, cal_end, hold_end, unit)
        cal = summary(transactions, end=cal_end, unit=unit, customer=customer, date=date, amount=amount, start=start)
        hold = con.execute(HOLDOUT_SQL.format(customer=_quote(customer), date=_quote(date), amount=_quote(amount),
                                              source=src, start=cal_end.date().isoformat(),
                                              end=hold_end.date().isoformat())).df()
    finally:
        con.close()
    hold = hold.set_index("customer_id")
    out = cal.join(hold, how="left")
    out["frequency_holdout"] = out["frequency_holdout"].fillna(0).astype("int64")
    out["revenue_holdout"] = out["revenue_holdout"].fillna(0.0)
    out["duration_holdout"] = (hold_end - cal_end).days / UNIT_DAYS[unit]
    return out


def _check_period(first, last, cal_end, hold_end, unit) -> None:
    """The calibration and holdout periods must lie inside the log: a holdout running past the
    last purchase would count as "no purchase" days the log does not cover."""
    if first is None:
        raise KamError("The transaction log is empty: no dated purchase to summarise.")
    span = f"the log runs from {first.date()} to {last.date()}"
    if cal_end < first:
        raise ArgumentError(f"calibration_end ({cal_end.date()}) is before the first purchase: {span}; "
                            "pass a calibration_end inside that span.", argument="calibration_end")
    if hold_end > last + pd.Timedelta(days=UNIT_DAYS[unit]):
        raise ArgumentError(f"holdout_end ({hold_end.date()}) is after the last purchase: {span}, so the holdout would "
                            f"count days the log does not cover; pass a holdout_end on {last.date()} or earlier.",
                            argument="holdout_end")
    if cal_end >= last:
        raise ArgumentError(f"calibration_end ({cal_end.date()}) leaves no holdout: {span}; "
                            "pass a calibration_end before the last purchase.", argument="calibration_end")


#: How a customer's quintile scores (5 = best) make the words of the segment names. The names and the words each
#: claims are one table, :data:`kamlib.segments.NAMES`, shared with the behavioural segments: "Champions" is
#: recent, frequent and high value in both, judged here on each customer's scores and there on a segment's means.
#: A customer who bought on one day only (``frequency == 0``) is one-time, and so never frequent.
SCORE_WORDS = {
    "recent": lambda r, f, m, once: r >= 4,
    "lapsed": lambda r, f, m, once: r <= 2,
    "one-time": lambda r, f, m, once: once,
    "frequent": lambda r, f, m, once: (f >= 4) & ~once,
    "occasional": lambda r, f, m, once: (f <= 2) | once,
    "high value": lambda r, f, m, once: m >= 4,
}
#: The name of a customer of whom no name's words all hold (no claim: neither recent nor lapsed, ...).
OTHER = "Other customers"
#: The RFM segments: (name, the words it claims), first match wins, then :data:`OTHER`.
SEGMENTS = NAMES


def naming_rule() -> Message:
    """How the RFM segments are named, as a sentence for the report (the words of :data:`SCORE_WORDS`).

    Returns
    -------
    Message

    Examples
    --------
    >>> from kamlib.rfm import naming_rule
    >>> "recent: R of 4 or 5" in naming_rule()
    True
    """
    return Message("The RFM segments carry the names of the behavioural segments, each a claim about its customers' "
                   "quintile scores (5 = best): recent: R of 4 or 5; lapsed: R of 1 or 2; one-time: one purchase day; "
                   "frequent: F of 4 or 5 and not one-time; occasional: F of 1 or 2, or one-time; high value: M of 4 "
                   "or 5. Champions are recent, frequent and high value; a customer of whom no name holds is among "
                   "the other customers.")


def _quintile(values: pd.Series) -> pd.Series:
    """The quintile score (1-5, higher values score higher) of each value; equal values share a score.

    A value's score is the quintile of its lowest rank, ``ceil(5 * min_rank / n)``: a tie block takes the score of
    the first place it holds, so a customer rises only by outranking others, and the score depends on the values
    alone, never on the rows' order. Without ties this is the classic split into five equal groups.
    """
    ranks = values.rank(method="min")
    return (np.ceil(ranks / len(values) * 5)).clip(1, 5).astype(int)


def scores(summary_df: pd.DataFrame) -> pd.DataFrame:
    """Quintile scores (5 = best) and named segments.

    R scores the days since the last purchase (``T - recency``; fewer is better), F the number of purchase
    days, M the mean spend per purchase day (all days, so one-time buyers are scored too).

    Customers with equal values share a score: each score is the quintile of the customer's lowest rank among
    equal values, ``ceil(5 * min_rank / n)``, so a tie block takes the score of the first place it holds and the
    scores do not depend on the order of the rows. Without ties each quintile holds a fifth of the customers; with
    ties a quintile can hold more or none (on the CDNOW sample the 52% who bought once all score F = 1 and no one
    scores F = 2). Equal values sharing a class is the rule of the RFM tools: pymc-marketing's
    ``clv.utils.rfm_segments`` cuts the values at their quartiles (``pandas.qcut(..., duplicates="drop")``) and
    R's rfm package (``rfm_table_order``) scores a value by quantile thresholds of the values; unlike them this
    keeps the five classes and their meaning (5 = the top fifth) when ties merge cut points.

    Parameters
    ----------
    summary_df : DataFrame
        RFM summary (``frequency``, ``recency``, ``T``, ``revenue``).

    Returns
    -------
    DataFrame
        ``R``, ``F``, ``M`` (1-5), ``RFM`` (e.g. 545), ``score`` (R + F + M) and ``segment`` (:data:`SEGMENTS`:
        the first name of :data:`kamlib.segments.NAMES` whose words all hold by :data:`SCORE_WORDS`, else
        :data:`OTHER`), per customer.

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    pymc-marketing, ``pymc_marketing/clv/utils.py``, ``rfm_segments`` (github.com/pymc-labs/pymc-marketing).
    Hebbali, A. rfm: Recency, Frequency and Monetary Value Analysis, R package, ``R/rfm-table-transaction.R``
    (github.com/rsquaredacademy/rfm).

    Examples
    --------
    >>> from kamlib import datasets
    >>> from kamlib.rfm import scores, summary
    >>> sc = scores(summary(datasets.cdnow(sample=True), end="1998-06-30"))
    >>> sc["F"].value_counts().sort_index().to_dict()  # the one-time buyers share F = 1
    {1: 1218, 3: 403, 4: 358, 5: 378}
    """
    require_columns(summary_df, ["frequency", "recency", "T", "revenue"], where="rfm.scores' input")
    s = summary_df
    days_since = s["T"] - s["recency"]
    spend = s["revenue"] / (s["frequency"] + 1)
    out = pd.DataFrame(index=s.index)
    out["R"] = _quintile(-days_since)
    out["F"] = _quintile(s["frequency"])
    out["M"] = _quintile(spend)
    out["RFM"] = out["R"] * 100 + out["F"] * 10 + out["M"]
    out["score"] = out[["R", "F", "M"]].sum(axis=1)
    once = (s["frequency"] == 0).to_numpy()
    words = {w: np.asarray(rule(out["R"].to_numpy(), out["F"].to_numpy(), out["M"].to_numpy(), once), dtype=bool)
             for w, rule in SCORE_WORDS.items()}
    seg = pd.Series(OTHER, index=s.index, dtype=object)
    assigned = np.zeros(len(s), dtype=bool)
    for name, claims in SEGMENTS:  # the first name whose words all hold
        hit = np.logical_and.reduce([words[c] for c in claims]) & ~assigned
        seg[hit] = name
        assigned |= hit
    out["segment"] = seg
    return out


def segment_table(summary_df: pd.DataFrame, scored: pd.DataFrame | None = None) -> pd.DataFrame:
    """Customers, revenue and behaviour of each named RFM segment, largest revenue first.

    Parameters
    ----------
    summary_df : DataFrame
        The RFM summary (:func:`summary` or :func:`calibration_holdout`): ``frequency``, ``recency``,
        ``T``, ``revenue`` per customer.
    scored : DataFrame, optional
        Scores from :func:`scores` (computed when not given).

    Returns
    -------
    DataFrame
        ``segment``, ``customers``, ``revenue``, ``mean_frequency``, ``mean_recency``, ``customer_share``,
        ``revenue_share``.

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus (RFM quintile scoring); Fader, P. S.,
    Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for customer base analysis.
    *J. Marketing Research*, 42(4), 415-430.

    Examples
    --------
    >>> from kamlib.rfm import segment_table, summary
    >>> seg = segment_table(summary(tx, end="1998-06-30"))
    >>> int(seg["customers"].sum())
    2357
    """
    scored = scores(summary_df) if scored is None else scored
    seg = scored.join(summary_df).groupby("segment").agg(
        customers=("R", "size"), revenue=("revenue", "sum"), mean_frequency=("frequency", "mean"),
        mean_recency=("recency", "mean"))
    seg["customer_share"] = seg["customers"] / seg["customers"].sum()
    seg["revenue_share"] = seg["revenue"] / seg["revenue"].sum()
    return seg.sort_values("revenue", ascending=False).reset_index()
