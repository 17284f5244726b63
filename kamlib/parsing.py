"""Numbers and dates as exports write them: one explicit rule, and a stop where the file is ambiguous.

Exports from Chinese shops, Excel and European systems write ``¥1,234.50``, ``￥1234.5元``,
``1.234,50 €`` or ``(12.50)``; dates as ``2024-03-04``, ``04/03/2024`` or with a UTC offset. A
reader that guesses reads ``1.234,50`` as 1.2345 and ``04/03/2024`` as the 3rd of April without a
word. The rule here: the file decides when it proves the format (a value with both separators, a
group that is not three digits, a day above 12); the study file decides when it says so
(``decimal``, ``date_format``); otherwise the run stops with one sentence naming the column, an
example row and the key to set.

Written by hand because no maintained library on our stack does this *per column, with a refusal*:
``babel.numbers.parse_decimal`` and ``dateutil.parser`` parse one string under an assumed locale or
order, and pandas' ``dayfirst`` is a hint it may ignore.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import pandas as pd

from ._results import Result
from .errors import ArgumentError
from .i18n import Message

__all__ = ["CURRENCY_MARKS", "EPOCH", "EPOCH_MILLISECONDS", "ParsedDates", "UTC_OFFSET", "dates", "epoch",
           "looks_epoch", "numbers"]

#: Currency signs and words removed before a number is read.
CURRENCY_MARKS = ("¥", "￥", "$", "＄", "£", "€", "元", "RMB", "CNY", "USD", "GBP", "EUR", "HKD")

_MARKS = re.compile("|".join(re.escape(m) for m in sorted(CURRENCY_MARKS, key=len, reverse=True)))
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")  # spaces, no-break and thin spaces, Swiss apostrophes
_SHAPE = re.compile(r"[+-]?\d[\d.,]*")


def _examples(series: pd.Series, mask: pd.Series, n: int = 3) -> str:
    return ", ".join(f"row {i}: {v!r}" for i, v in series[mask].head(n).items())


def _decimal_evidence(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per value: proves a decimal point, proves a decimal comma, has only 3-digit groups (ambiguous)."""
    dots, commas = text.str.count(r"\."), text.str.count(",")
    last_dot, last_comma = text.str.rfind("."), text.str.rfind(",")
    tail_dot = text.str.extract(r"\.(\d*)$", expand=False).str.len()
    tail_comma = text.str.extract(r",(\d*)$", expand=False).str.len()
    both = (dots > 0) & (commas > 0)
    point = (both & (last_dot > last_comma)) | (commas > 1) & (dots == 0) \
        | ((dots == 1) & (commas == 0) & (tail_dot != 3))
    comma = (both & (last_comma > last_dot)) | (dots > 1) & (commas == 0) \
        | ((commas == 1) & (dots == 0) & (tail_comma != 3))
    grouped = ~point & ~comma & ((dots == 1) | (commas == 1))
    return point.fillna(False), comma.fillna(False), grouped.fillna(False)


def numbers(series: pd.Series, *, decimal: str | None = None, column: str = "amount",
            where: str = "the file", argument: str = "decimal") -> pd.Series:
    """Read a text column of money or counts as numbers, by an explicit rule.

    Currency marks (:data:`CURRENCY_MARKS`, full-width ``￥`` included) and spaces are removed;
    ``(12.50)`` and a trailing minus are negative. The decimal separator is ``decimal`` when
    given (the other of ``.`` and ``,`` is then a thousands separator); otherwise the column
    must prove it: a value with both separators, a group after the separator that is not three
    digits (``12,5``), or a separator used twice (``1.234.567``). A column whose separators
    only ever stand before exactly three digits (``1,234``; ``2.500``) is ambiguous and stops
    the run, as does a column that proves both.

    Parameters
    ----------
    series : Series
        Text as read from the file (numeric columns are returned as float unchanged).
    decimal : {".", ","}, optional
        The decimal separator, when the study says which.
    column, where, argument : str
        The column, the file and the study key named in the error.

    Returns
    -------
    Series of float
        NaN where a value is not a number (the validation rules count and drop those rows).

    Raises
    ------
    ArgumentError
        When the decimal separator is ambiguous or mixed and ``decimal`` is not given.

    References
    ----------
    Unicode CLDR, "Number Symbols" (decimal and grouping separators by locale),
    https://cldr.unicode.org/translation/number-currency-formats/number-symbols

    Examples
    --------
    >>> numbers(pd.Series(["¥1,234.50", "￥12元", "(3.5)"])).tolist()
    [1234.5, 12.0, -3.5]
    >>> numbers(pd.Series(["1.234,50 €", "12,5"])).tolist()
    [1234.5, 12.5]
    """
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    if decimal not in (None, ".", ","):
        raise ArgumentError(f"decimal must be '.' or ',', not {decimal!r}.", argument=argument)
    text = series.astype("string").str.strip()
    text = text.str.replace(_MARKS, "", regex=True).str.replace(_SPACES, "", regex=True)
    negative = text.str.fullmatch(r"\(.*\)").fillna(False) | text.str.endswith("-").fillna(False)
    text = text.str.strip("()").str.rstrip("-")
    shaped = text.str.fullmatch(_SHAPE).fillna(False).astype(bool)
    if decimal is None:
        point, comma, grouped = (s & shaped for s in _decimal_evidence(text))
        if point.any() and comma.any():
            raise ArgumentError(
                f"Column '{column}' of {where} mixes decimal points and decimal commas ({_examples(series, point, 1)} "
                f"against {_examples(series, comma, 1)}); set transactions.decimal to '.' or ',' for the whole column, "
                "or correct those rows.", argument=argument)
        if grouped.any() and not (point.any() or comma.any()):
            raise ArgumentError(
                f"Column '{column}' of {where} is ambiguous: in {_examples(series, grouped, 2)} the separator may be "
                "a decimal or a thousands separator, and no value shows which; set transactions.decimal: '.' "
                "(1,234 is one thousand two hundred and thirty-four) or ',' (1.234,50 style).", argument=argument)
        decimal = "," if comma.any() else "."
    thousands = "," if decimal == "." else "."
    text = text.str.replace(thousands, "", regex=False)
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    out = pd.to_numeric(text.where(shaped), errors="coerce").astype("float64")
    return out.where(~negative, -out.abs())


#: The ``date_format`` of Unix time: seconds or milliseconds since 1970-01-01 00:00 UTC, as event logs and
#: marketplace exports write their timestamps (``1530469977``).
EPOCH = "epoch"
#: A Unix time at or above this (in absolute value) is in milliseconds: as seconds it would fall after the year
#: 5000, and as milliseconds it is 1973-03-03 or later. Values from 1000 times this on (microseconds) are not read.
EPOCH_MILLISECONDS = 10 ** 11
_EPOCH_SHAPE = re.compile(r"[+-]?\d+(?:\.\d*)?")
_EPOCH_LOOK = re.compile(r"1\d{9}(?:\d{3})?(?:\.\d*)?")  # 2001-09-09 to 2033-05-18, in seconds or milliseconds


def _to_datetime(*args, **kwargs) -> pd.Series:
    """:func:`pandas.to_datetime` without its warnings: what did not parse is counted and said by the caller."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pd.to_datetime(*args, **kwargs)


def looks_epoch(series: pd.Series) -> bool:
    """Whether most values of a date column look like Unix time (10 digits of seconds or 13 of milliseconds,
    2001 to 2033), so that the error of an unreadable date column can name ``date_format: epoch``.

    Parameters
    ----------
    series : Series
        A date column as read from the file.

    Returns
    -------
    bool
        True when more than half of its values have that shape.

    Examples
    --------
    >>> looks_epoch(pd.Series(["1530469977", "1530470000"])), looks_epoch(pd.Series(["2024-01-01"]))
    (True, False)
    """
    text = series.dropna().astype("string").str.strip()
    return bool(len(text)) and float(text.str.fullmatch(_EPOCH_LOOK).fillna(False).mean()) > 0.5


@dataclass(frozen=True)
class ParsedDates(Result):
    """Dates read from a column (:func:`dates`, :func:`epoch`) and what was done to read them; unpacks as
    ``values, note``.

    Attributes
    ----------
    values : Series of datetime64
        The dates, time-zone naive; NaT where a value is not a date.
    note : Message or str
        What was done with UTC offsets or Unix times (a :class:`~kamlib.i18n.Message` for Unix times), or "".
    """

    values: pd.Series
    note: Message | str
    unpack = ("values", "note")


def epoch(series: pd.Series, *, timezone: str | None = None) -> ParsedDates:
    """Read Unix time (seconds or milliseconds since 1970-01-01 UTC) as local dates and times.

    Each value's unit is told by its size: below :data:`EPOCH_MILLISECONDS` seconds, from there on
    milliseconds (a log of seconds reaches that size in the year 5138, one of milliseconds passed it in
    1973). The times are converted to ``timezone``, UTC when it is not set, and made time-zone naive, so
    that a purchase's day is the day in that zone.

    Parameters
    ----------
    series : Series
        Numbers, or text of numbers, as the file has them.
    timezone : str, optional
        IANA name, e.g. ``"Asia/Shanghai"`` (default: UTC).

    Returns
    -------
    ParsedDates
        ``values``, the dates (NaT where a value is not a number of seconds or milliseconds), and ``note``, a
        :class:`~kamlib.i18n.Message`: how many dates were read, in which unit, and in which zone they are shown.
        Unpacks as ``values, note``.

    References
    ----------
    IEEE Std 1003.1-2017 (POSIX), Base Definitions, section 4.16, "Seconds Since the Epoch".

    Examples
    --------
    >>> read = epoch(pd.Series(["1530469977", "1530469977000", "x"]))
    >>> read.values.dt.strftime("%Y-%m-%d %H:%M:%S").tolist()
    ['2018-07-01 18:32:57', '2018-07-01 18:32:57', nan]
    >>> str(read.note)
    '2 dates read as Unix time (seconds and milliseconds since 1970-01-01 UTC), shown in UTC'
    >>> epoch(pd.Series([1530469977]), timezone="Asia/Shanghai").values.dt.hour.tolist()
    [2]
    """
    if pd.api.types.is_numeric_dtype(series):
        values = series.astype("float64")
    else:
        text = series.astype("string").str.strip()
        values = pd.to_numeric(text.where(text.str.fullmatch(_EPOCH_SHAPE).fillna(False).astype(bool)),
                               errors="coerce").astype("float64")
    size = values.abs()
    millis = size >= EPOCH_MILLISECONDS
    readable = values.notna() & (size < EPOCH_MILLISECONDS * 1000)
    ms = values.where(millis, values * 1000).where(readable)
    stamps = pd.to_datetime(ms.round(), unit="ms", utc=True, errors="coerce")
    out = stamps.dt.tz_convert(timezone or "UTC").dt.tz_localize(None).astype("datetime64[ns]")
    n_ms, n_s = int((millis & readable).sum()), int((~millis & readable).sum())
    unit = ("seconds and milliseconds" if n_ms and n_s else "milliseconds" if n_ms else "seconds")
    note = Message("{count} dates read as Unix time ({unit} since 1970-01-01 UTC), shown in {zone}", "phrase",
                   count=n_ms + n_s, unit=Message(unit, "value"), zone=timezone or "UTC")
    return ParsedDates(out, note)


_SLASHED = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")
#: A UTC offset after the time of a date (``Z``, ``+08:00``, ``-0500``); ``05-11-2024`` has none.
UTC_OFFSET = re.compile(r"(?:(?<=\d:\d\d)|(?<=\.\d{3})|(?<=\.\d{6})|(?<=\.\d{9}))\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)\s*$")


def dates(series: pd.Series, *, date_format: str | None = None, timezone: str | None = None,
          column: str = "date", where: str = "the file", argument: str = "date_format") -> ParsedDates:
    """Read a text column of dates by an explicit rule; returns the dates and a note (or "").

    With ``date_format`` the format is applied strictly. Without it, ISO dates are read as they
    are; dates such as ``04/03/2024`` are read day-first only when some day is above 12
    (``13/03/2024``) and month-first only when some month position is above 12 (``03/13/2024``);
    if the file proves neither (or both), the run stops and asks for ``date_format``. Values with
    a UTC offset (``+08:00``, ``Z``) are converted to ``timezone`` when it is set; otherwise the
    offset is dropped, the local time as written is kept and the note says so.

    With ``date_format="epoch"`` the values are Unix time, in seconds or milliseconds (:func:`epoch`).

    Parameters
    ----------
    series : Series
        Dates as text (datetime columns are returned as they are, made time-zone naive).
    date_format : str, optional
        strptime format, e.g. ``"%d/%m/%Y %H:%M"``, or ``"epoch"``.
    timezone : str, optional
        IANA name, e.g. ``"Asia/Shanghai"``: dates with an offset are converted to it.
    column, where, argument : str
        The column, the file and the study key named in errors.

    Returns
    -------
    ParsedDates
        ``values``, the dates (NaT where a value is not a date in the format), and ``note``: what was done with
        UTC offsets (a str) or Unix times (a :class:`~kamlib.i18n.Message`, from :func:`epoch`), or "". Unpacks as
        ``values, note``.

    Raises
    ------
    ArgumentError
        When the day/month order is ambiguous or inconsistent and no ``date_format`` is given.

    References
    ----------
    ISO 8601-1:2019, Date and time - Representations for information interchange.

    Examples
    --------
    >>> dates(pd.Series(["13/03/2024", "04/03/2024"])).values.dt.strftime("%Y-%m-%d").tolist()
    ['2024-03-13', '2024-03-04']
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            target = timezone or str(series.dt.tz)
            return ParsedDates(series.dt.tz_convert(target).dt.tz_localize(None), "")
        return ParsedDates(series, "")
    if date_format == EPOCH:
        return epoch(series, timezone=timezone)
    text = series.astype("string").str.strip()
    note = ""
    offset = text.str.contains(UTC_OFFSET).fillna(False).astype(bool)
    if offset.any():
        if timezone:
            aware = _to_datetime(text[offset], utc=True, errors="coerce", format=date_format or "ISO8601")
            local = aware.dt.tz_convert(timezone).dt.tz_localize(None)
            note = f"{int(offset.sum())} dates had a UTC offset; converted to {timezone}"
        else:
            local = _to_datetime(text[offset].str.replace(UTC_OFFSET, "", regex=True).str.strip(), errors="coerce",
                                   format=date_format and date_format.replace("%z", "").strip() or "ISO8601")
            note = (f"{int(offset.sum())} dates had a UTC offset; the offset was dropped and the local time as written "
                    "kept (set transactions.timezone, e.g. Asia/Shanghai, to convert them instead)")
        rest = dates(text[~offset], date_format=date_format, column=column, where=where, argument=argument).values \
            if (~offset).any() else pd.Series([], dtype="datetime64[ns]")
        out = pd.concat([local, rest]).reindex(series.index)
        return ParsedDates(out, note)
    if date_format:
        return ParsedDates(_to_datetime(text, format=date_format, errors="coerce"), note)
    parts = text.str.extract(_SLASHED)
    slashed = parts[0].notna()
    if slashed.any():
        first, second = parts[0].astype("Float64"), parts[1].astype("Float64")
        day_first = slashed & (first > 12)
        month_first = slashed & (second > 12)
        if day_first.any() and month_first.any():
            raise ArgumentError(
                f"Column '{column}' of {where} mixes day-first ({_examples(series, day_first, 1)}) and month-first "
                f"({_examples(series, month_first, 1)}) dates; correct those rows or set transactions.date_format.",
                argument=argument)
        if not (day_first.any() or month_first.any()):
            raise ArgumentError(
                f"Column '{column}' of {where} has dates such as {_examples(series, slashed, 1)} that can be day-first "
                "or month-first, and no date in the file shows which; set transactions.date_format to '%d/%m/%Y' "
                "or '%m/%d/%Y' (with the file's separators and time, e.g. '%d.%m.%Y %H:%M').", argument=argument)
        return ParsedDates(_to_datetime(text, dayfirst=bool(day_first.any()), errors="coerce"), note)
    return ParsedDates(_to_datetime(text, errors="coerce"), note)
