"""Transaction logs in: CDNOW or a user's CSV/Parquet, with rule-by-rule validation.

Everything after :func:`load` can trust the columns ``customer_id`` (str),
``date`` (datetime64), ``amount`` (float) and any optional mapped columns
(``quantity``, ``order_id``, ``channel``, ``category``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import datasets
from ._io import read_table  # noqa: F401  (re-exported: transactions.read_table)
from .errors import ArgumentError, KamError

__all__ = ["DEFAULT_COLUMNS", "Loaded", "OPTIONAL", "load", "validate"]

OPTIONAL = ["quantity", "order_id", "channel", "category"]
DEFAULT_COLUMNS = {"customer": "customer_id", "date": "date", "amount": "amount"}


@dataclass(frozen=True)
class Loaded:
    """A validated transaction log and the validation report."""

    data: pd.DataFrame
    report: pd.DataFrame
    source: str


def _rename(raw: pd.DataFrame, columns: dict, where: str) -> pd.DataFrame:
    mapping = {**DEFAULT_COLUMNS, **{k: v for k, v in (columns or {}).items() if v}}
    out = {}
    for role, col in mapping.items():
        if col not in raw.columns:
            have = ", ".join(map(str, raw.columns[:12]))
            raise ArgumentError(f"{where} has no column '{col}' for the {role}; set columns[{role!r}] to one of: {have}.",
                                argument=f"columns.{role}")
        out[{"customer": "customer_id"}.get(role, role)] = raw[col]
    return pd.DataFrame(out)


def validate(df: pd.DataFrame, *, date_format: str | None = None, negative_amounts: str = "drop",
             zero_amounts: str = "keep", duplicates: str = "auto",
             as_of: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the validation rules in order; return the clean log and a per-rule report.

    Rules: missing customer id; unparseable date; future date (after ``as_of``, default today); non-numeric
    amount; zero amount; negative amount; exact duplicate rows.

    Parameters
    ----------
    df : DataFrame
        A log with the workbook's column names (``customer_id``, ``date``, ``amount``, ...).
    date_format : str, optional
        strptime format of the dates (None: pandas infers it).
    negative_amounts : {"drop", "net"}
        Drop returns, or keep them so that they net against the same customer's purchases on that day.
    zero_amounts : {"keep", "drop"}
        A zero line is a purchase (e.g. a free item; CDNOW has 80) or dropped.
    duplicates : {"auto", "drop", "keep"}
        ``"auto"`` drops exact repeats only when an ``order_id`` tells orders apart (two identical lines on
        one day can be two real purchases, as in CDNOW).
    as_of : date, optional
        Dates after this are "future" (default: today).

    Returns
    -------
    clean : DataFrame
        The rows that pass.
    report : DataFrame
        ``rule``, ``rows_dropped``, ``rows_flagged``, ``example_rows``, ``fix`` and a total row.

    Examples
    --------
    >>> clean, report = validate(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": ["5"]}))
    >>> len(clean)
    1
    """
    for name, value, allowed in (("negative_amounts", negative_amounts, {"drop", "net"}),
                                 ("zero_amounts", zero_amounts, {"keep", "drop"}),
                                 ("duplicates", duplicates, {"auto", "drop", "keep"})):
        if value not in allowed:
            raise KamError(f"transactions.{name} must be one of {sorted(allowed)}, not {value!r}.")
    n0 = len(df)
    rows = []
    out = df.copy()

    def drop(mask, rule, fix):
        nonlocal out
        count = int(mask.sum())
        examples = ", ".join(str(i) for i in out.index[mask][:5])
        rows.append({"rule": rule, "rows_dropped": count, "rows_flagged": 0, "example_rows": examples, "fix": fix})
        out = out.loc[~mask]

    def note(mask, rule, fix):
        examples = ", ".join(str(i) for i in out.index[mask][:5])
        rows.append({"rule": rule, "rows_dropped": 0, "rows_flagged": int(mask.sum()), "example_rows": examples,
                     "fix": fix})

    cid = out["customer_id"].astype("string").str.strip()
    out["customer_id"] = cid
    drop(cid.isna() | (cid == ""), "missing customer id", "fill the customer id or remove the row")
    if not pd.api.types.is_datetime64_any_dtype(out["date"]):
        parsed = pd.to_datetime(out["date"], format=date_format, errors="coerce")
        bad = parsed.isna() & out["date"].notna()
        if len(out) and bad.mean() > 0.5:  # most dates fail: the format is wrong, not the rows
            rows_ = ", ".join(str(i) for i in out.index[bad][:3])
            raise ArgumentError(
                f"{int(bad.sum())} of {len(out)} dates (rows {rows_}, ...; e.g. {str(out['date'][bad].iloc[0])!r}) do not "
                + (f"match date_format {date_format!r}" if date_format else "parse as dates")
                + "; pass date_format in the file's format (e.g. '%Y/%m/%d' or "
                "'%d.%m.%Y %H:%M')" + (", or None to let pandas infer it." if date_format else "."),
                argument="date_format")
        out["date"] = parsed
    drop(out["date"].isna(), "unparseable date", "set transactions.date_format (e.g. '%Y-%m-%d')")
    limit = pd.Timestamp(as_of or dt.date.today()) + pd.Timedelta(days=1)
    drop(out["date"] >= limit, "future date", "correct the date or set transactions.as_of")
    if not pd.api.types.is_numeric_dtype(out["amount"]):
        text = out["amount"].astype("string").str.replace(",", "", regex=False).str.replace("¥", "", regex=False)
        out["amount"] = pd.to_numeric(text.str.strip(), errors="coerce")
    drop(out["amount"].isna(), "non-numeric amount", "remove currency signs or text from the amount column")
    if zero_amounts == "drop":
        drop(out["amount"] == 0, "zero amount dropped", "set transactions.zero_amounts: keep to count them")
    else:
        note(out["amount"] == 0, "zero amount kept", "set transactions.zero_amounts: drop to remove them")
    if negative_amounts == "drop":
        drop(out["amount"] < 0, "negative amount (return/cancellation) dropped",
             "set transactions.negative_amounts: net to net returns against purchases")
    else:
        note(out["amount"] < 0, "negative amount (return/cancellation) netted", "kept; netted per customer-day")
    if duplicates == "drop" or (duplicates == "auto" and "order_id" in out):
        drop(out.duplicated(keep="first"), "exact duplicate dropped", "exact repeats of an earlier row")
    else:
        note(out.duplicated(keep="first"), "exact duplicate kept (no order id)",
             "map transactions.columns.order_id or set transactions.duplicates: drop")
    out["amount"] = out["amount"].astype("float64")
    if "quantity" in out:
        out["quantity"] = pd.to_numeric(out["quantity"], errors="coerce")
    report = pd.DataFrame(rows)
    report.loc[len(report)] = {"rule": f"rows kept of {n0} read", "rows_dropped": n0 - len(out),
                               "rows_flagged": len(out), "example_rows": "", "fix": ""}
    return out.reset_index(drop=True), report


def load(source: str = "cdnow", *, columns: dict | None = None, encoding: str = "auto",
         date_format: str | None = None, negative_amounts: str = "drop", zero_amounts: str = "keep",
         duplicates: str = "auto", as_of: dt.date | None = None) -> Loaded:
    """Load and validate a transaction log.

    Parameters
    ----------
    source : str or Path
        ``"cdnow"``, ``"cdnow_sample"`` or a CSV (UTF-8 or GBK) / Parquet file.
    columns : dict, optional
        The file's column name of each role: ``customer``, ``date``, ``amount`` and optional ``quantity``,
        ``order_id``, ``channel``, ``category``.
    encoding : str
        ``"auto"`` (UTF-8 with or without BOM, then GB18030) or a codec name.
    date_format, negative_amounts, zero_amounts, duplicates, as_of
        The rules of :func:`validate`.

    Returns
    -------
    Loaded
        ``data`` (the clean log), ``report`` (rows dropped per rule) and ``source`` (its name).

    Examples
    --------
    >>> loaded = load("cdnow_sample")
    >>> loaded.data["customer_id"].nunique()
    2357
    """
    if source in {"cdnow", "cdnow_sample"}:
        raw = datasets.cdnow(sample=source == "cdnow_sample")
        where = f"CDNOW ({source})"
        columns = {"customer": "customer_id", "date": "date", "amount": "amount", "quantity": "quantity"}
    else:
        raw = read_table(source, encoding=encoding)
        raw.index = raw.index + 2  # report rows as a spreadsheet shows them (header is row 1)
        where = str(source)
    df = _rename(raw, columns or {}, where)
    try:
        clean, report = validate(df, date_format=date_format, negative_amounts=negative_amounts,
                                 zero_amounts=zero_amounts, duplicates=duplicates, as_of=as_of)
    except ArgumentError as exc:
        raise ArgumentError(f"{where}: {exc}", argument=exc.argument) from None
    except KamError as exc:
        raise KamError(f"{where}: {exc}") from None
    if clean.empty:
        worst = report.iloc[:-1].sort_values("rows_dropped").iloc[-1] if len(report) > 1 else None
        why = f"; most were dropped by the rule '{worst['rule']}' (fix: {worst['fix']})" if worst is not None else ""
        raise KamError(f"{where}: no valid transaction is left of {len(df)} rows read{why}.")
    return Loaded(clean, report, where)
