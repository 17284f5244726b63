"""Transaction logs in: CDNOW or a user's CSV/Parquet, with rule-by-rule validation.

Everything after :func:`load` can trust the columns ``customer_id`` (str),
``date`` (datetime64), ``amount`` (float) and any optional mapped columns
(``quantity``, ``order_id``, ``channel``, ``category``, ``country``, ...; ``profit`` (float), the line's gross
profit, when ``profit`` or ``cost`` is mapped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import datasets, parsing
from ._io import read_table
from ._results import Result
from .errors import ArgumentError, KamError
from .i18n import Message

__all__ = ["DEFAULT_COLUMNS", "FUNNEL_STEPS", "Joined", "Loaded", "OPTIONAL", "SAMPLE_RULE", "Validated", "funnel",
           "join_tables", "keep_rows", "load", "purchase_days", "roles", "sample_customers", "validate"]

OPTIONAL = ["quantity", "order_id", "channel", "category", "country", "unit_price", "product", "description", "profit",
            "cost"]
DEFAULT_COLUMNS = {"customer": "customer_id", "date": "date", "amount": "amount"}
_SCIENTIFIC = r"\d(\.\d+)?[eE]\+?\d+"
_LINE = "_line_hash"  # hash of the whole line of the file (every column, mapped or not): the duplicate rule


@dataclass(frozen=True)
class Loaded(Result):
    """A validated transaction log, the validation report, and the mapping mistakes its shape betrays
    (:func:`kamlib.stages.identify_problems`, one sentence each)."""

    data: pd.DataFrame
    report: pd.DataFrame
    #: The log's name as captions show it: its file name (not the folder it sits in), or the shipped data set's.
    source: str
    warnings: tuple = ()
    #: The purchase path of an event log kept by ``filter`` (:func:`funnel` of the unfiltered log), else None.
    funnel: pd.DataFrame | None = None
    #: Lines read from the file, before any rule (the report's total counts the same).
    read: int | None = None



#: The cleaning report's rule for a quick run's customer sample (``transactions.sample_share``): a sample, not a loss.
SAMPLE_RULE = "customer sample ({share:.0%} of customers)"


def _total(kept: int, read: int) -> Message:
    if kept == read:  # nothing dropped: said plainly, not "6938 rows kept of 6938 read"
        return Message("total: all {read:,} rows read were kept", "phrase", read=read)
    return Message("total: {kept:,} rows kept of {read:,} read", "phrase", kept=kept, read=read)


def roles(columns: dict | None, available) -> dict:
    """The file's column of each role: what ``columns`` maps, with the plain defaults for the rest.

    ``customer`` and ``date`` default to the columns ``customer_id`` and ``date``. The amount is the mapped
    ``amount`` column; unmapped, it is quantity x unit price when both are mapped (no ``amount`` role is
    returned then), else the file's column ``amount`` if it has one, else the log has no amounts (an event
    log of customer and date, as BTYD research publishes: the monetary stages say they do not apply).

    Parameters
    ----------
    columns : dict, optional
        Role to the file's column name (None: unmapped).
    available : iterable of str
        The file's column names.

    Returns
    -------
    dict
        Role to column name, for the roles that are mapped.

    Examples
    --------
    >>> roles({"customer": "cid", "date": "day", "quantity": "q", "unit_price": "p"}, ["cid", "day", "q", "p"])
    {'customer': 'cid', 'date': 'day', 'quantity': 'q', 'unit_price': 'p'}
    >>> roles({"customer": "cid", "date": "day"}, ["cid", "day"])
    {'customer': 'cid', 'date': 'day'}
    """
    columns = dict(columns or {})
    plain = DEFAULT_COLUMNS["amount"]
    mapping = {"customer": DEFAULT_COLUMNS["customer"], "date": DEFAULT_COLUMNS["date"],
               **{k: v for k, v in columns.items() if v}}
    if "amount" not in mapping and not (mapping.get("quantity") and mapping.get("unit_price")) \
            and plain in set(map(str, available)):
        mapping["amount"] = plain
    return mapping


def _rename(raw: pd.DataFrame, mapping: dict, where: str) -> pd.DataFrame:
    out = {}
    for role, col in mapping.items():
        if col not in raw.columns:
            have = ", ".join(map(str, raw.columns[:12]))
            raise ArgumentError(f"{where} has no column '{col}' for the {role}; set columns[{role!r}] to one of: {have}.",
                                argument=f"columns.{role}")
        out[{"customer": "customer_id"}.get(role, role)] = raw[col]
    # a line is an exact duplicate only when every column of the file repeats an earlier line's
    try:
        out[_LINE] = pd.util.hash_pandas_object(raw, index=False)
    except TypeError:  # unhashable cells (mixed objects): hash their text
        out[_LINE] = pd.util.hash_pandas_object(raw.astype("string"), index=False)
    return pd.DataFrame(out)


def _join_order(tables: dict, columns) -> list:
    """The tables in an order in which each one's key is already there (the lines' own, or one an earlier
    table brought): as written where that works; a table whose key nobody brings comes last (and fails there)."""
    have, todo, out = set(map(str, columns)), dict(tables), []
    while todo:
        name = next((n for n, (_, key) in todo.items() if key in have), next(iter(todo)))
        table, key = todo.pop(name)
        out.append((name, (table, key)))
        have |= set(map(str, table.columns))
    return out


@dataclass(frozen=True)
class Joined(Result):
    """:func:`join_tables`' result; unpacks as ``data, unmatched``.

    Attributes
    ----------
    data : DataFrame
        The lines with every table's columns, in the lines' order.
    unmatched : list of dict
        Per table, the lines whose key it does not have (``table``, ``key``, ``lines``), for the report.
    """

    data: pd.DataFrame
    unmatched: list
    unpack = ("data", "unmatched")

    def summary_frame(self) -> pd.DataFrame:
        """Per table, the lines without a row in it."""
        return pd.DataFrame(self.unmatched, columns=["table", "key", "lines"])


def join_tables(lines: pd.DataFrame, tables: dict, *, where: str = "the lines") -> Joined:
    """Join an export's other tables to its order lines in DuckDB: orders, customers, products.

    A shop system or marketplace exports several tables (order lines; orders with the date and the customer;
    customers with a person-level id; products with names and categories). Each is joined to the lines by
    a key column of the same name in both (a left join in the order given, so a later table may join on a
    column an earlier one brought, as customers join on the orders' ``customer_id``). A table must have one
    row per key, else the join would multiply lines and revenue; its columns that the lines already have
    get the table's name as a suffix. Tables are joined as written, except that one whose key only a later
    table brings waits for it.

    Parameters
    ----------
    lines : DataFrame
        The order-lines table (one row per line).
    tables : dict
        Table name to ``(DataFrame, key)``, in join order.
    where : str
        Names the lines' file in errors.

    Returns
    -------
    Joined
        ``data``, the lines with every table's columns in the lines' order, and ``unmatched``: per table, the
        lines whose key it does not have (``table``, ``key``, ``lines``), for the report. Unpacks as
        ``data, unmatched``.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "sku": ["x", "y", "x"]})
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["c1", "c2"]})
    >>> joined = join_tables(lines, {"orders": (orders, "order_id")})
    >>> joined.data["customer_id"].tolist(), joined.unmatched[0]["lines"]
    (['c1', 'c1', 'c2'], 0)
    """
    from ._io import connect

    con = connect()
    try:
        current = lines.reset_index(drop=True).assign(_line_no=lambda d: range(len(d)))
        unmatched = []
        for name, (table, key) in _join_order(tables, current.columns):
            if key not in current.columns:
                raise ArgumentError(f"{where} (with the tables joined before {name}) has no column '{key}' to join the "
                                    f"{name} table on; set transactions.tables.{name}.on to a column both have "
                                    f"(the lines have: {', '.join(map(str, current.columns[:12]))}).",
                                    argument=f"tables.{name}.on")
            if key not in table.columns:
                raise ArgumentError(f"The {name} table has no column '{key}'; set transactions.tables.{name}.on to a "
                                    f"column both have (it has: {', '.join(map(str, table.columns[:12]))}).",
                                    argument=f"tables.{name}.on")
            repeated = table[key][table[key].duplicated(keep=False)]
            if len(repeated):
                raise ArgumentError(
                    f"The {name} table has {repeated.nunique():,} {key} values on more than one row (e.g. "
                    f"{repeated.iloc[0]!r}, {int((table[key] == repeated.iloc[0]).sum())} rows), so joining it would "
                    f"repeat order lines and their amounts; keep one row per {key} in that table.",
                    argument=f"tables.{name}.on")
            clash = [c for c in table.columns if c != key and c in current.columns]
            right = table.rename(columns={c: f"{c}_{name}" for c in clash})
            left_key, right_key = current[key].astype("string"), right[key].astype("string")
            con.register("l", current.assign(**{key: left_key}))
            con.register("r", right.assign(**{key: right_key}))
            current = con.execute(f'SELECT * FROM l LEFT JOIN r USING ("{key}") ORDER BY _line_no').df()
            unmatched.append({"table": name, "key": key,
                              "lines": int((~left_key.isin(set(right_key.dropna()))).sum())})
    finally:
        con.close()
    return Joined(current.drop(columns="_line_no"), unmatched)


def _customer_ids(cid: pd.Series) -> pd.Series:
    """Customer ids as text: whole-number floats lose their ``.0`` (``12713.0`` -> ``12713``), spaces trimmed."""
    if pd.api.types.is_float_dtype(cid):
        whole = cid.notna() & (cid == cid.round())
        text = cid.astype("string")
        text[whole] = cid[whole].astype("int64").astype("string")
        return text.str.strip()
    return cid.astype("string").str.strip().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def _as_text(values) -> pd.Series:
    """Values as text to compare with a study's list: whole numbers without ``.0`` (4, 4.0 and '4' are '4')."""
    return _customer_ids(pd.Series(values) if not isinstance(values, pd.Series) else values)


def _filter_column(raw: pd.DataFrame, column: str, names: dict, where: str) -> str:
    """The file's column a filter key names: a column of the file, else the column mapped to that role."""
    if column in raw.columns:
        return column
    if names.get(column) in raw.columns:
        return names[column]
    have = ", ".join(map(str, raw.columns[:12]))
    raise ArgumentError(f"{where} has no column '{column}' for transactions.filter; name one of its columns "
                        f"({have}).", argument="filter")


def _with_attributes(df: pd.DataFrame, raw: pd.DataFrame, attributes: dict | None, where: str,
                     names: dict | None = None) -> pd.DataFrame:
    """``df`` with each attribute column of ``attributes`` (:func:`load`), checked for the listed values."""
    for column, values in (attributes or {}).items():
        if column not in df.columns:
            if column not in raw.columns:
                have = ", ".join(map(str, raw.columns[:12]))
                raise ArgumentError(f"{where} has no column '{column}' to choose the key-account candidates by; name "
                                    f"a column of the file ({have}) or a mapped role such as channel.",
                                    argument=f"attributes.{column}")
            df = df.assign(**{column: raw.loc[df.index, column]})
        listed = list(values) if isinstance(values, (list, tuple, set)) else [values]
        wanted = set(_as_text(listed).dropna())
        text = _as_text(df[column])
        if wanted and not text.isin(wanted).any():
            seen = ", ".join(map(str, text.value_counts().index[:8]))
            mapped = (names or {}).get(column)
            shown = f"'{mapped}' (the {column})" if mapped not in (None, column) else f"'{column}'"
            raise ArgumentError(f"{where}: no row of column {shown} takes a value listed for the key-account "
                                f"candidates ({', '.join(sorted(wanted))}); its values include {seen}.",
                                argument=f"attributes.{column}")
    return df


def keep_rows(raw: pd.DataFrame, filter: dict, *, names: dict | None = None, where: str = "the file") -> pd.Series:
    """The rows a study keeps by ``transactions.filter``: every named column takes one of its listed values.

    An event log lists views, carts, favourites and purchases in one file, told apart by a column such as
    ``behavior_type``; ``filter: {behavior_type: [buy]}`` keeps the purchases. A key is a column of the file,
    mapped or not (or a role whose mapped column is meant); values are compared as text, so ``4`` matches
    ``4`` and ``4.0``.

    Parameters
    ----------
    raw : DataFrame
        The file as read (its own column names).
    filter : dict
        Column to the list of values to keep.
    names : dict, optional
        Role to the file's column (:func:`roles`), for keys that name a role.
    where : str
        Names the file in errors.

    Returns
    -------
    Series of bool
        True for the rows kept.

    Raises
    ------
    ArgumentError
        When a column is not in the file, or no row takes the listed values.

    Examples
    --------
    >>> raw = pd.DataFrame({"user": ["a", "a", "b"], "behavior_type": ["pv", "buy", "buy"]})
    >>> keep_rows(raw, {"behavior_type": ["buy"]}).tolist()
    [False, True, True]
    """
    keep = pd.Series(True, index=raw.index)
    for column, values in (filter or {}).items():
        col = _filter_column(raw, column, names or {}, where)
        wanted = set(_as_text(list(values if isinstance(values, (list, tuple, set)) else [values])).dropna())
        text = _as_text(raw[col])
        match = text.isin(wanted).fillna(False).astype(bool)
        if not match.any():
            seen = text.value_counts().index[:8]
            raise ArgumentError(f"{where}: no row of column '{col}' takes a value listed in transactions.filter "
                                f"({', '.join(sorted(wanted))}); its values include {', '.join(map(str, seen))}.",
                                argument="filter")
        keep &= match
    return keep


#: The steps of the purchase path in an event log, in order, by the names logs give them (Taobao's pv, fav,
#: cart, buy; RetailRocket's view, addtocart, transaction; Chinese platform words); other values follow.
FUNNEL_STEPS = (("pv", "view", "views", "page_view", "pageview", "click", "browse", "浏览", "点击"),
                ("fav", "favorite", "favourite", "collect", "wishlist", "like", "收藏"),
                ("cart", "addtocart", "add_to_cart", "add-to-cart", "basket", "加购", "加入购物车"),
                ("buy", "purchase", "order", "transaction", "checkout", "pay", "购买", "下单", "成交", "支付"))


def funnel(raw: pd.DataFrame, column: str, *, customer: str) -> pd.DataFrame:
    """The purchase path of an event log: per behaviour, its events and customers, and how many of them got there.

    The steps are the values of ``column`` in the order of :data:`FUNNEL_STEPS` (views, favourites, carts,
    purchases; other values after them, by customers). ``reached`` counts the customers who did this
    behaviour and every earlier one (at any time of the log: a step's order in time is not checked), and
    ``conversion`` is its share of the previous step's ``reached``.

    Parameters
    ----------
    raw : DataFrame
        The unfiltered log (every behaviour).
    column : str
        The column of the behaviour (e.g. ``behavior_type``).
    customer : str
        The column of the customer id.

    Returns
    -------
    DataFrame
        ``step``, ``events``, ``customers``, ``reached``, ``conversion`` (NaN at the first step).

    References
    ----------
    Zhu, H., Li, X., Zhang, P., Li, G., He, J., Li, H., & Gai, K. (2018). Learning tree-based deep model for
    recommender systems. *KDD '18*, 1079-1088 (the Taobao UserBehavior log: pv, fav, cart, buy).
    Jannach, D., & Jugovac, M. (2019). Measuring the business value of recommender systems. *ACM
    Transactions on Management Information Systems*, 10(4), 16 (conversion rates as a measure of value).

    Examples
    --------
    >>> log = pd.DataFrame({"user": ["a", "a", "a", "b", "b", "c"],
    ...                     "behavior_type": ["pv", "cart", "buy", "pv", "cart", "pv"]})
    >>> funnel(log, "behavior_type", customer="user")[["step", "customers", "reached"]].values.tolist()
    [['pv', 3, 3], ['cart', 2, 2], ['buy', 1, 1]]
    """
    steps = _as_text(raw[column])
    who = _customer_ids(raw[customer])
    known = {name: rank for rank, names in enumerate(FUNNEL_STEPS) for name in names}
    table = pd.DataFrame({"step": steps, "customer": who}).dropna()
    events = table["step"].value_counts()
    pairs = table.drop_duplicates()
    buyers = {step: set(who) for step, who in pairs.groupby("step")["customer"]}
    order = sorted(events.index, key=lambda v: (known.get(str(v).strip().lower(), len(FUNNEL_STEPS)),
                                                -len(buyers[v]), str(v)))
    rows, reached = [], None
    for step in order:
        reached = buyers[step] if reached is None else reached & buyers[step]
        rows.append({"step": step, "events": int(events[step]), "customers": len(buyers[step]),
                     "reached": len(reached)})
    out = pd.DataFrame(rows)
    out["conversion"] = out["reached"] / out["reached"].shift(1)
    return out


@dataclass(frozen=True)
class Validated(Result):
    """:func:`validate`'s result; unpacks as ``data, report``.

    Attributes
    ----------
    data : DataFrame
        The rows that pass the validation rules.
    report : DataFrame
        One row per rule: ``rule``, ``rows_dropped``, ``amount_dropped``, ``rows_flagged``, ``example_rows``,
        ``fix``, and a total row.
    """

    data: pd.DataFrame
    report: pd.DataFrame
    unpack = ("data", "report")

    def summary_frame(self) -> pd.DataFrame:
        """The per-rule report."""
        return self.report


def validate(df: pd.DataFrame, *, date_format: str | None = None, negative_amounts: str = "drop",
             zero_amounts: str = "keep", duplicates: str = "auto", as_of: dt.date | None = None,
             exclude_products=(), cancellation_prefix: str | None = None, decimal: str | None = None,
             timezone: str | None = None, where: str = "the file",
             names: dict | None = None) -> Validated:
    """Apply the validation rules in order; return the clean log and a per-rule report.

    Rules: missing customer id; customer ids in Excel's scientific notation (the run stops: Excel rounded them); unparseable date; future date
    (after ``as_of``, default today); codes that are not products; non-numeric amount (or quantity x unit
    price when there is no amount column); cancellations marked by an invoice prefix (made negative); zero
    amount; negative amount; exact duplicate rows.

    Parameters
    ----------
    df : DataFrame
        A log with the workbook's column names (``customer_id``, ``date``, ``amount``, ...).
    date_format : str, optional
        strptime format of the dates, or ``"epoch"`` for Unix time (seconds or milliseconds, told apart by
        their size; :func:`kamlib.parsing.epoch`), shown in ``timezone`` (UTC when it is not set; said in the
        report). None: ISO dates are read as they are, and ``dd/mm/yyyy``-style dates only when the file
        proves the order (:func:`kamlib.parsing.dates`); otherwise the run stops.
    negative_amounts : {"drop", "net"}
        Drop returns, or keep them so that they net against the same customer's purchases on that day.
    zero_amounts : {"keep", "drop"}
        A zero line is a purchase (e.g. a free item; CDNOW has 80) or dropped.
    duplicates : {"auto", "drop", "keep"}
        ``"auto"`` drops exact repeats only when an ``order_id`` tells orders apart (two identical lines on
        one day can be two real purchases, as in CDNOW).
    as_of : date, optional
        Dates after this are "future" (default: today).
    exclude_products : sequence of str
        Product codes that are not products (postage, fees, adjustments); their lines are dropped.
    cancellation_prefix : str, optional
        Lines whose ``order_id`` starts with this (``"C"`` in the UCI log) are cancellations: their amount is
        made negative, and ``negative_amounts`` decides what happens to them.
    decimal : {".", ","}, optional
        The decimal separator of amounts, quantities and prices; None: the file must prove it
        (:func:`kamlib.parsing.numbers`).
    timezone : str, optional
        Dates with a UTC offset, and Unix times, are converted to this zone (else the offset is dropped, with a
        note; Unix times are shown in UTC).
    where, names : optional
        The file and its column names by role, named in errors.

    Returns
    -------
    Validated
        ``data``, the rows that pass, and ``report``: ``rule``, ``rows_dropped``, ``amount_dropped``,
        ``rows_flagged``, ``example_rows``, ``fix`` and a total row. Unpacks as ``data, report``.

    Examples
    --------
    >>> len(validate(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": ["5"]})).data)
    1
    """
    for name, value, allowed in (("negative_amounts", negative_amounts, {"drop", "net"}),
                                 ("zero_amounts", zero_amounts, {"keep", "drop"}),
                                 ("duplicates", duplicates, {"auto", "drop", "keep"})):
        if value not in allowed:
            raise KamError(f"transactions.{name} must be one of {sorted(allowed)}, not {value!r}.")
    n0 = len(df)
    rows = []
    out = df.copy(deep=False)  # copy-on-write: the caller's frame is never changed, and nothing is copied until it is
    names = names or {}
    value = _provisional_amounts(out, decimal)  # what each line is worth, to say how much a rule removes

    def drop(mask, rule, fix):
        nonlocal out
        count = int(mask.sum())
        examples = ", ".join(str(i) for i in out.index[mask][:5])
        worth = 0.0
        if value is not None and count:
            parsed = "amount" in out and pd.api.types.is_float_dtype(out["amount"])
            worth = round(float((out["amount"] if parsed else value.reindex(out.index))[mask].sum()), 2)
        rows.append({"rule": rule, "rows_dropped": count, "amount_dropped": worth, "rows_flagged": 0,
                     "example_rows": examples, "fix": fix})
        if count:  # a rule that drops nothing copies nothing (a 10M-line log is a gigabyte)
            out = out.loc[~mask]

    def note(mask, rule, fix):
        examples = ", ".join(str(i) for i in out.index[mask][:5])
        rows.append({"rule": rule, "rows_dropped": 0, "amount_dropped": 0.0, "rows_flagged": int(mask.sum()),
                     "example_rows": examples, "fix": fix})

    cid = _customer_ids(out["customer_id"])
    out["customer_id"] = cid
    drop(cid.isna() | (cid == ""), "missing customer id", "fill the customer id or remove the row")
    sci = out["customer_id"].str.fullmatch(_SCIENTIFIC).fillna(False).astype(bool)
    if sci.any():
        rows_ = ", ".join(str(i) for i in out.index[sci][:3])
        raise ArgumentError(
            f"{int(sci.sum())} customer ids (rows {rows_}{', ...' if sci.sum() > 3 else ''}; e.g. "
            f"{out['customer_id'][sci].iloc[0]!r}) are in Excel's scientific notation: Excel has rounded them, so "
            "different customers may now share one id; export the id column as text from the source system "
            "(or format it as Text in Excel before saving).", argument="columns.customer")
    parsed, tz_note = parsing.dates(out["date"], date_format=date_format, timezone=timezone,
                                    column=names.get("date", "date"), where=where)
    if tz_note and date_format == parsing.EPOCH:
        note(parsed.notna(), tz_note,
             Message("set transactions.timezone to show them in another zone" if timezone else
                     "transactions.timezone is not set, so the dates are UTC; set it (e.g. Asia/Shanghai) to "
                     "count days in the shop's local time", "phrase"))
    elif tz_note:
        note(out["date"].astype("string").str.contains(parsing.UTC_OFFSET).fillna(False).astype(bool), tz_note,
             "set transactions.timezone to convert them to one time zone")
    if not pd.api.types.is_datetime64_any_dtype(out["date"]):
        bad = parsed.isna() & out["date"].notna()
        if len(out) and bad.mean() > 0.5:  # most dates fail: the format is wrong, not the rows
            rows_ = ", ".join(str(i) for i in out.index[bad][:3])
            first = f"{int(bad.sum())} of {len(out)} dates (rows {rows_}, ...; e.g. {str(out['date'][bad].iloc[0])!r})"
            if date_format == parsing.EPOCH:
                fix = ("are not Unix time (seconds or milliseconds since 1970-01-01); set transactions.date_format "
                       "to the file's format (e.g. '%Y-%m-%d %H:%M:%S'), or null for ISO dates.")
            elif parsing.looks_epoch(out["date"][bad]):
                fix = ("are numbers of seconds (or milliseconds) since 1970-01-01, Unix time; set "
                       "transactions.date_format: epoch (and transactions.timezone for the shop's local time).")
            else:
                fix = ((f"do not match date_format {date_format!r}" if date_format else "do not parse as dates")
                       + "; pass date_format in the file's format (e.g. '%Y/%m/%d' or '%d.%m.%Y %H:%M', or 'epoch' "
                       "for Unix time)" + (", or None to let pandas infer it." if date_format else "."))
            raise ArgumentError(f"{first} {fix}", argument="date_format")
    out["date"] = parsed
    drop(out["date"].isna(), "unparseable date", "set transactions.date_format (e.g. '%Y-%m-%d')")
    limit = pd.Timestamp(as_of or dt.date.today()) + pd.Timedelta(days=1)
    drop(out["date"] >= limit, "future date", "correct the date or set transactions.as_of")
    if exclude_products:
        if "product" not in out:
            raise ArgumentError("exclude_products needs the product column; map columns['product'].",
                                argument="exclude_products")
        codes = {str(c).strip() for c in exclude_products}
        drop(out["product"].astype("string").str.strip().isin(codes).fillna(False).astype(bool),
             Message("not a product ({codes})", "phrase",
                     codes=", ".join(sorted(codes)[:6]) + (", ..." if len(codes) > 6 else "")),
             "codes listed in transactions.exclude_products")
    def number(role):
        return parsing.numbers(out[role], decimal=decimal, column=names.get(role, role), where=where)

    if "amount" in out:
        out["amount"] = number("amount")
        drop(out["amount"].isna(), "non-numeric amount", "remove text from the amount column")
    elif "quantity" in out and "unit_price" in out:
        q, p = number("quantity"), number("unit_price")
        drop(q.isna() | p.isna(), "non-numeric quantity or unit price", "remove text from those columns")
        out["amount"] = (q * p).loc[out.index]
    margin = [r for r in ("profit", "cost") if r in out]
    if len(margin) == 2:
        raise ArgumentError(f"{where} maps both the line's profit ({names.get('profit', 'profit')}) and its cost "
                            f"({names.get('cost', 'cost')}); map one of them (the profit is the amount less the cost), "
                            "and set the other to null.", argument="columns.cost")
    if margin and "amount" not in out:
        raise ArgumentError(f"{where} maps the line's {margin[0]} but no amount; map the amount (or the quantity and "
                            f"the unit price) too, or set columns.{margin[0]} to null.",
                            argument=f"columns.{margin[0]}")
    for role in margin:  # the line's gross profit, or its total cost: numbers, negative margins allowed
        out[role] = number(role)
        drop(out[role].isna(), Message("non-numeric {role}", "phrase", role=role),
             Message("remove text from the {role} column, or set {key} to null", "phrase", role=role,
                     key=f"transactions.columns.{role}"))  # a study key stays English: its own field
    if cancellation_prefix:
        if "order_id" not in out:
            raise ArgumentError("cancellation_prefix needs the order id column; map columns['order_id'].",
                                argument="cancellation_prefix")
        cancel = out["order_id"].astype("string").str.startswith(cancellation_prefix).fillna(False).astype(bool)
        if "amount" in out:
            flip = cancel & (out["amount"] > 0)  # a cancelled line takes its profit or cost back as well
            for role in margin:
                out.loc[flip, role] = -out.loc[flip, role]
            out.loc[cancel, "amount"] = -out.loc[cancel, "amount"].abs()
            note(cancel, Message("cancellation (order id starts with {prefix!r})", "phrase", prefix=cancellation_prefix),
                 "negative; dropped or netted as transactions.negative_amounts says")
        else:  # no amounts to net: a cancelled order is not a purchase
            drop(cancel, Message("cancellation (order id starts with {prefix!r}) dropped", "phrase",
                                 prefix=cancellation_prefix),
                 "the log has no amounts to net them against")
    if "amount" in out:
        if zero_amounts == "drop":
            drop(out["amount"] == 0, "zero amount dropped", "set transactions.zero_amounts: keep to count them")
        else:
            note(out["amount"] == 0, "zero amount kept", "set transactions.zero_amounts: drop to remove them")
        if negative_amounts == "drop":
            drop(out["amount"] < 0, "negative amount (return/cancellation) dropped",
                 "set transactions.negative_amounts: net to net returns against purchases")
        else:
            note(out["amount"] < 0, "negative amount (return/cancellation) netted",
                 "kept; netted against the customer's purchases (a refund-only day is not a purchase)")
    whole = _LINE in out  # the file's whole line is known: a duplicate repeats every column, mapped or not
    repeated = out[_LINE].duplicated(keep="first") if whole else out.duplicated(keep="first")
    alike = (out.drop(columns=_LINE).duplicated(keep="first") & ~repeated) if whole else None
    what = "identical in every column of the file" if whole else "identical in every mapped column"
    if duplicates == "drop" or (duplicates == "auto" and "order_id" in out):
        drop(repeated, "exact duplicate dropped", f"{what} to an earlier line")
    else:
        note(repeated, "exact duplicate kept (no order id)",
             f"{what} to an earlier line; map transactions.columns.order_id or set transactions.duplicates: drop")
    if whole:
        alike = alike.reindex(out.index)
        if alike.any():
            note(alike, "same mapped values, other columns differ: kept",
                 "separate lines (e.g. two entries of one product in one order); set transactions.duplicates: drop "
                 "only if the file repeats lines")
        out = out.drop(columns=_LINE)
    if "amount" in out:
        out["amount"] = out["amount"].astype("float64")
    if "cost" in out:  # one concept downstream: the line's gross profit
        out["profit"] = out["amount"] - out.pop("cost").astype("float64")
    if "profit" in out:
        out["profit"] = out["profit"].astype("float64")
    if "quantity" in out:
        out["quantity"] = number("quantity")
    report = pd.DataFrame(rows)
    report.loc[len(report)] = {"rule": _total(len(out), n0), "rows_dropped": n0 - len(out),
                               "amount_dropped": round(float(report["amount_dropped"].sum()), 2),
                               "rows_flagged": 0, "example_rows": "", "fix": ""}
    return Validated(out.reset_index(drop=True), report)


def _provisional_amounts(df: pd.DataFrame, decimal: str | None) -> pd.Series | None:
    """Each line's amount as far as it parses (None without amounts): what a dropped line was worth."""
    def parse(col):
        try:
            return parsing.numbers(df[col], decimal=decimal, column=col)
        except KamError:  # an ambiguous format: the rule that parses the column says so
            return pd.to_numeric(df[col], errors="coerce")

    if "amount" in df:
        return parse("amount")
    if "quantity" in df and "unit_price" in df:
        return parse("quantity") * parse("unit_price")
    return None


def purchase_days(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and purchase day: the days whose lines sum to 0 or more.

    A day of returns only (its lines sum below 0) is not a purchase; :func:`kamlib.rfm.summary` nets its
    amount against the customer's purchases. Without an ``amount`` column every day with a line counts.

    Parameters
    ----------
    tx : DataFrame
        A validated log (``customer_id``, ``date``, optional ``amount``).

    Returns
    -------
    DataFrame
        ``customer_id``, ``date`` (the day, midnight) and ``amount`` (the day's net amount, if known).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"], "amount": [10.0, -3.0, -2.0],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-05"])})
    >>> purchase_days(tx)["amount"].tolist()
    [7.0]
    """
    d = tx.assign(date=tx["date"].dt.normalize())
    if "amount" not in d:
        return d[["customer_id", "date"]].drop_duplicates().reset_index(drop=True)
    g = d.groupby(["customer_id", "date"], as_index=False, sort=True)["amount"].sum()
    return g[g["amount"] >= 0].reset_index(drop=True)


def sample_customers(df: pd.DataFrame, share: float) -> pd.DataFrame:
    """A reproducible sample of customers (all their rows): those whose id hashes (CRC-32) below ``share``.

    Parameters
    ----------
    df : DataFrame
        A log with ``customer_id``.
    share : float
        Share of customers to keep, in (0, 1].

    Returns
    -------
    DataFrame
        The rows of the sampled customers; the same ids are kept whatever else the file holds.

    Examples
    --------
    >>> d = pd.DataFrame({"customer_id": [str(i) for i in range(1000)]})
    >>> 50 < len(sample_customers(d, 0.1)) < 150
    True
    """
    import zlib

    if not 0 < share <= 1:
        raise ArgumentError(f"sample_share must be in (0, 1], not {share!r}.", argument="sample_share")
    ids = df["customer_id"].astype(str)
    keys = {c: zlib.crc32(c.encode("utf-8")) / 2 ** 32 < share for c in ids.unique()}
    return df[ids.map(keys).to_numpy()]


def load(source: str = "cdnow", *, columns: dict | None = None, encoding: str = "auto",
         date_format: str | None = None, negative_amounts: str = "drop", zero_amounts: str = "keep",
         duplicates: str = "auto", as_of: dt.date | None = None, exclude_products=(),
         cancellation_prefix: str | None = None, sample_share: float | None = None, decimal: str | None = None,
         timezone: str | None = None, sheet: str | int | None = None, tables: dict | None = None,
         filter: dict | None = None, attributes: dict | None = None) -> Loaded:
    """Load and validate a transaction log.

    Parameters
    ----------
    source : str or Path
        ``"cdnow"``, ``"cdnow_sample"`` or a CSV (UTF-8 or GBK) / Parquet file. The built-in CDNOW logs bring their
        own columns, and have no products or invoices: ``columns``, ``exclude_products`` and
        ``cancellation_prefix`` do not apply to them.
    columns : dict, optional
        The file's column name of each role: ``customer``, ``date``, ``amount`` and optional ``quantity``,
        ``order_id``, ``channel``, ``category``, ``country``, ``unit_price``, ``product``, ``description``. With
        ``amount`` None the amount is ``quantity x unit_price``.
    encoding : str
        ``"auto"`` (UTF-8 with or without BOM, then GB18030) or a codec name.
    date_format, negative_amounts, zero_amounts, duplicates, as_of, exclude_products, cancellation_prefix, decimal, timezone
        The rules of :func:`validate`.
    sheet : str or int, optional
        The sheet of an Excel workbook (default: the first).
    sample_share : float, optional
        Keep a reproducible share of the customers (:func:`sample_customers`), for quick runs.
    tables : dict, optional
        Other tables of a multi-table export, joined to ``source`` (the order lines) before the columns are
        mapped: name to ``{"source": path, "on": key column}``, in join order (:func:`join_tables`).
    filter : dict, optional
        Keep the rows whose columns (mapped or not) take the listed values, e.g. ``{"behavior_type": ["buy"]}``
        for the purchases of an event log (:func:`keep_rows`); the rows left out are counted in the report, and
        a filter of one column gives the log's purchase path (:func:`funnel`).
    attributes : dict, optional
        Customer attribute columns to carry into the clean log, each with the values some row must take (a study's
        ``tiers.candidates``, e.g. ``{"Segment": ["Corporate", "Home Office"]}``): a key that names a mapped role
        (``channel``) is that role's column; another key is a column of the file, mapped or not, carried under its
        own name. A missing column, or values no row takes, stop the load with one sentence
        (:class:`~kamlib.errors.ArgumentError` with ``argument="attributes.<key>"``).

    Returns
    -------
    Loaded
        ``data`` (the clean log), ``report`` (rows dropped per rule), ``source`` (its name), ``warnings`` and
        ``funnel`` (the purchase path when ``filter`` keeps some values of one column, else None).

    Examples
    --------
    >>> loaded = load("cdnow_sample")
    >>> loaded.data["customer_id"].nunique()
    2357
    """
    unmatched = []
    if source in {"cdnow", "cdnow_sample"}:  # its own columns; no products or invoices to exclude or cancel
        raw = datasets.cdnow(sample=source == "cdnow_sample")
        where = f"CDNOW ({source})"
        columns = {"customer": "customer_id", "date": "date", "amount": "amount", "quantity": "quantity"}
        exclude_products, cancellation_prefix = (), None
    else:
        raw = read_table(source, encoding=encoding, sheet=sheet)
        where = str(source)
        if tables:
            read = {name: (read_table(t["source"], encoding=encoding, argument=f"tables.{name}.source"), t["on"])
                    for name, t in tables.items()}
            raw, unmatched = join_tables(raw, read, where=where)
        raw.index = raw.index + 2  # report rows as a spreadsheet shows them (header is row 1)
    names = roles(columns, raw.columns)  # the file's column of each role, also named in errors
    df = _rename(raw, names, where)
    read, filtered, path = len(df), None, None
    if filter:
        keep = keep_rows(raw, filter, names=names, where=where)
        if len(filter) == 1 and not keep.all():
            path = funnel(raw, _filter_column(raw, next(iter(filter)), names, where), customer=names["customer"])
        left_out = df.loc[~keep]
        worth = _provisional_amounts(left_out, decimal)
        spec = "; ".join(f"{c}: {', '.join(map(str, v if isinstance(v, (list, tuple, set)) else [v]))}"
                         for c, v in filter.items())
        filtered = {"rule": Message("not kept by transactions.filter ({spec})", "phrase", spec=spec),
                    "rows_dropped": int((~keep).sum()),
                    "amount_dropped": round(float(worth.sum()), 2) if worth is not None else 0.0,
                    "rows_flagged": 0, "example_rows": ", ".join(str(i) for i in left_out.index[:5]),
                    "fix": Message("the study keeps only these values; list more under transactions.filter",
                                   "phrase")}
        df = df.loc[keep]
    df = _with_attributes(df, raw, attributes, where, names)
    del raw  # the file as read is no longer needed: validation's copies would otherwise sit beside it
    try:
        clean, report = validate(df, date_format=date_format, negative_amounts=negative_amounts,
                                 zero_amounts=zero_amounts, duplicates=duplicates, as_of=as_of,
                                 exclude_products=exclude_products, cancellation_prefix=cancellation_prefix,
                                 decimal=decimal, timezone=timezone, names=names)
    except ArgumentError as exc:
        raise ArgumentError(f"{where}: {exc}", argument=exc.argument) from None
    except KamError as exc:
        raise KamError(f"{where}: {exc}") from None
    if unmatched:  # lines the joined tables have no row for keep empty columns of that table: said, not hidden
        joins = pd.DataFrame([{"rule": Message("lines without a row in the {table} table (key {key})", "phrase",
                                               table=u["table"], key=u["key"]),
                               "rows_dropped": 0, "amount_dropped": 0.0, "rows_flagged": u["lines"],
                               "example_rows": "", "fix": Message("add the missing {key} values to that table",
                                                                  "phrase", key=u["key"])}
                              for u in unmatched])
        report = pd.concat([joins, report], ignore_index=True)
    if filtered is not None:  # the first rule: the rows the study keeps; the total counts every row read
        report = pd.concat([pd.DataFrame([filtered]), report], ignore_index=True)
        last = report.index[-1]
        report.loc[last, "rule"] = _total(len(clean), read)
        report.loc[last, "rows_dropped"] = read - len(clean)
        report.loc[last, "amount_dropped"] = round(float(report["amount_dropped"].iloc[:-1].sum()), 2)
    if clean.empty:
        worst = report.iloc[:-1].sort_values("rows_dropped").iloc[-1] if len(report) > 1 else None
        why = f"; most were dropped by the rule '{worst['rule']}' (fix: {worst['fix']})" if worst is not None else ""
        raise KamError(f"{where}: no valid transaction is left of {read} rows read{why}.")
    if sample_share is not None and sample_share < 1:
        sampled = sample_customers(clean, sample_share).reset_index(drop=True)
        report = pd.concat([report.iloc[:-1], pd.DataFrame([
            {"rule": Message(SAMPLE_RULE, "phrase", share=sample_share),
             "rows_dropped": len(clean) - len(sampled),
             "amount_dropped": round(float(clean["amount"].sum() - sampled["amount"].sum()), 2)
             if "amount" in clean else 0.0,
             "rows_flagged": 0, "example_rows": "", "fix": "transactions.sample_share (quick runs)"},
            {"rule": _total(len(sampled), read), "rows_dropped": read - len(sampled),
             "amount_dropped": 0.0, "rows_flagged": 0, "example_rows": "", "fix": ""}])], ignore_index=True)
        report.loc[report.index[-1], "amount_dropped"] = round(float(report["amount_dropped"].iloc[:-1].sum()), 2)
        clean = sampled
    from .stages import identify_problems

    shown = where if source in {"cdnow", "cdnow_sample"} else Path(str(source)).name  # captions name the file, not
    stored_as = df["customer_id"].iloc[:0]  # the folder it is in; the ids' stored type, without the lines
    del df
    return Loaded(clean, report, shown, tuple(identify_problems(clean, stored_as)), funnel=path, read=read)
