"""Personalised recommendation on a purchase log, evaluated on a time split against "regular" (popularity) recommendation.

Methods score every product for every customer from the purchases before a cutoff; the products each customer
bought after it are what a recommendation should have found. Popularity is the baseline; item-based collaborative
filtering (cosine similarity of the sparse customer x product matrix), content-based filtering (TF-IDF of product
descriptions, scikit-learn), a hybrid of the two, and implicit-feedback matrix factorisation (``implicit``'s ALS)
are the personalised methods. Scores are computed in blocks of customers on sparse matrices, so memory grows with
the block, not with customers x products.

The scoring, splitting and metrics are written here because no maintained library on our stack evaluates all of
these methods on one time split with the metric definitions below (``implicit`` evaluates only its own models and
by a random split).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, islice

import numpy as np
import pandas as pd

from .. import tiers, verdicts
from .._codes import distinct, member
from .._io import as_text, from_spark
from .._parallel import cores, thread_map
from .._results import Result
from ..errors import ArgumentError

__all__ = ["Cutoff", "HOLDOUT_SHARE", "ItemSets", "LIFT_RECOMMENDATION", "LiftSummary", "MEASURE", "METHODS",
           "NEW_TO_CUSTOMER", "NextBestMethod", "RankedLists", "Split", "als_spark", "choose_cutoff", "claim_check",
           "claim_phrase", "compare",
           "default_cutoff", "evaluate", "explain", "figure_label", "lift_recommendation", "lift_summary", "method_label",
           "metrics", "next_best", "next_best_method", "per_customer", "recommend", "relevant", "time_split",
           "top_customers", "whole"]

#: The methods :func:`recommend` knows; ``popularity`` is the "regular recommendation" baseline.
METHODS = ("popularity", "itemcf", "content", "hybrid", "als")
#: Each method's name in prose, English and Chinese (the methods chapter and captions).
METHOD_LABELS = {"popularity": ("popularity", "热门商品"), "itemcf": ("item-based collaborative filtering", "基于物品的协同过滤"),
                 "content": ("content-based similarity", "基于内容的相似度"),
                 "hybrid": ("a hybrid of the two", "二者的混合"), "als": ("implicit-feedback ALS", "隐式反馈 ALS")}
#: Evidence (scores to rank) from which item CF and content are scored by the compiled kernel: below it the sparse
#: path takes under a second, less than the kernel's start (about 1 s to import numba and load its machine code).
KERNEL_FROM = 5_000_000


@dataclass(frozen=True)
class Split(Result):
    """Purchases before and after a cutoff, with the training matrix.

    ``lines`` are the purchase lines (``customer_id``, ``item``, ``date``) and ``in_train`` marks those up to the
    cutoff; ``train`` and ``test`` are those two parts, taken when first asked for (a 10M-line log is not copied
    twice). ``matrix`` is customers x products (distinct purchase days per pair) from the training purchases only;
    ``customers`` and ``items`` label its rows and columns. ``new_customers`` bought only after the cutoff and
    ``new_items`` were first sold after it: no method can know them from the training data.
    """

    lines: pd.DataFrame
    in_train: np.ndarray = field(repr=False)
    cutoff: pd.Timestamp
    customers: pd.Index
    items: pd.Index
    matrix: object
    new_customers: int
    new_items: int
    new_item_share: float
    #: Row of ``customers`` and column of ``items`` of each evaluation line (-1: first seen after the cutoff).
    test_customer_codes: np.ndarray | None = field(default=None, repr=False)
    test_item_codes: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def train(self) -> pd.DataFrame:
        """The purchase lines up to and including the cutoff."""
        return self.lines[self.in_train]

    @cached_property
    def test(self) -> pd.DataFrame:
        """The purchase lines after the cutoff."""
        return self.lines[~self.in_train]


class _ByCustomer(Mapping):
    """A read-only mapping keyed by the customers ``customers[rows]``: lookup, iteration, length and a dict's
    repr, shared by :class:`RankedLists` and :class:`ItemSets` (each says what a customer's value is)."""

    @cached_property
    def _position(self) -> pd.Index:
        return pd.Index(self.customers.to_numpy()[self.rows], dtype=object)

    def __iter__(self):
        return iter(self._position.tolist())

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return repr(dict(self))


class RankedLists(_ByCustomer):
    """``{customer: [items, best first]}`` kept as one array of product codes, as :func:`recommend` returns it.

    A read-only mapping: ``lists[customer]``, ``len``, iteration, ``items()`` and ``==`` with a dict behave as
    for ``dict``, while a million customers' lists take one integer array (10 products each: 40 MB) instead of a
    million Python lists. ``codes`` has a row per customer in ``rows`` (positions in ``customers``) and a column
    per rank, -1 after the end of a shorter list; ``catalogue`` labels the codes.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.act.recommend import RankedLists
    >>> lists = RankedLists(pd.Index(["a", "b"]), pd.Index(["x", "y"]), np.array([1]), np.array([[1, 0]]))
    >>> lists
    {'b': ['y', 'x']}
    >>> lists == {"b": ["y", "x"]}, "a" in lists
    (True, False)
    """

    def __init__(self, customers: pd.Index, catalogue: pd.Index, rows: np.ndarray, codes: np.ndarray):
        self.customers, self.catalogue, self.rows, self.codes = customers, catalogue, rows, codes

    @cached_property
    def _labels(self) -> np.ndarray:
        return self.catalogue.to_numpy()

    def __getitem__(self, customer):
        at = self._position.get_loc(customer)  # KeyError for a customer without a list
        row = self.codes[at]
        return self._labels[row[row >= 0]].tolist()


class ItemSets(_ByCustomer):
    """``{customer: set of items}`` kept as arrays (compressed rows of product codes), as :func:`relevant` returns it.

    A read-only mapping like :class:`RankedLists`: customer ``customers[rows[j]]`` has the products
    ``labels[indices[indptr[j]:indptr[j + 1]]]``; ``labels`` starts with the training ``catalogue`` and continues
    with the products first sold after the cutoff.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.act.recommend import ItemSets
    >>> sets = ItemSets(pd.Index(["a", "b"]), pd.Index(["x"]), np.array(["x", "z"], dtype=object),
    ...                 np.array([0, 1]), np.array([0, 1, 1]), np.array([1]))
    >>> sets
    {'a': {'z'}, 'b': set()}
    """

    def __init__(self, customers: pd.Index, catalogue: pd.Index, labels: np.ndarray, rows: np.ndarray,
                 indptr: np.ndarray, indices: np.ndarray):
        self.customers, self.catalogue, self.labels = customers, catalogue, labels
        self.rows, self.indptr, self.indices = rows, indptr, indices

    def __getitem__(self, customer):
        at = self._position.get_loc(customer)
        return set(self.labels[self.indices[self.indptr[at]:self.indptr[at + 1]]].tolist())


#: The share of a log's span that the derived cutoff holds out for evaluation (at most ``days``).
HOLDOUT_SHARE = 0.25


def default_cutoff(last_day, cutoff=None, *, days: int = 90, first_day=None):
    """The recommendation cutoff: ``cutoff`` when given, else derived from the log: the last ``days`` days are the
    evaluation period, and never more than a quarter of the log's span (:data:`HOLDOUT_SHARE`, at least one day)
    when its first day is known, so that a short log (a week of a marketplace) is cut inside its own dates.

    Parameters
    ----------
    last_day : date-like
        The log's last purchase date.
    cutoff : date-like, optional
        A cutoff chosen by the study (``personalisation.cutoff``).
    days : int
        The longest evaluation period when no cutoff is chosen.
    first_day : date-like, optional
        The log's first purchase date.

    Returns
    -------
    datetime.date

    References
    ----------
    Campos, P. G., Diez, F. & Cantador, I. (2014). Time-aware recommender systems: a comprehensive survey and
    analysis of existing evaluation protocols. *User Modeling and User-Adapted Interaction*, 24(1-2), 67-119.

    Examples
    --------
    >>> from kamlib.act.recommend import default_cutoff
    >>> default_cutoff("2011-12-09"), default_cutoff("2011-12-09", first_day="2010-12-01")
    (datetime.date(2011, 9, 10), datetime.date(2011, 9, 10))
    >>> default_cutoff("2017-12-03 23:59", first_day="2017-11-25 08:00")  # nine days: the last two held out
    datetime.date(2017, 12, 1)
    """
    if cutoff:
        return pd.Timestamp(cutoff).date()
    last = pd.Timestamp(last_day).normalize()
    hold = days
    if first_day is not None:
        span = (last - pd.Timestamp(first_day).normalize()).days
        hold = max(1, min(days, int(span * HOLDOUT_SHARE)))
    return (last - pd.Timedelta(days=hold)).date()


@dataclass(frozen=True)
class Cutoff(Result):
    """:func:`choose_cutoff`'s result: the recommendation cutoff, where it comes from, and why none fits.

    Attributes
    ----------
    date : datetime.date
        The last day of the training purchases.
    source : str
        ``"study"`` (``personalisation.cutoff``) or ``"log"`` (:func:`default_cutoff` from the log's dates).
    first, last : str
        The log's first and last purchase days.
    reason : Message or None
        Why no evaluation can run at this cutoff (it lies outside the log, or the log is too short to hold out
        later purchases), with the fix; None when the cutoff lies inside the log.
    """

    date: object
    source: str
    first: str
    last: str
    reason: object = None

    @property
    def evaluation_days(self) -> int:
        """Days from the cutoff to the log's last day (the evaluation period)."""
        return int((pd.Timestamp(self.last) - pd.Timestamp(self.date)).days)

    def sentence(self):
        """Where the cutoff comes from, in one sentence (the refusal's reason when it cannot be used)."""
        from ..i18n import Message

        if self.reason is not None:
            return self.reason
        if self.source == "study":
            return Message("The recommendations train on purchases up to {date} (personalisation.cutoff, set in the "
                           "study) and are evaluated on the {days} days after it, to {last}.", date=str(self.date),
                           days=self.evaluation_days, last=self.last)
        return Message("The recommendations train on purchases up to {date} and are evaluated on the last {days} days of "
                       "the log, to {last}: the cutoff is drawn from the log's dates ({first} to {last}; the last "
                       "quarter of its span, at most 90 days), and personalisation.cutoff sets another.",
                       date=str(self.date), days=self.evaluation_days, first=self.first, last=self.last)

    def check(self, stage: str = "recommendation"):
        """The cutoff as a stage precondition (:class:`kamlib.stages.Check`): it fails with :attr:`reason`."""
        from ..stages import Check

        return Check(stage, self.reason is None, self.reason or "")


def choose_cutoff(transactions: pd.DataFrame, cutoff=None, *, days: int = 90) -> Cutoff:
    """The recommendation cutoff of a log: the study's ``personalisation.cutoff``, else drawn from the log's own dates
    (:func:`default_cutoff`); refused, with one sentence and the fix, when it lies outside the log or the log is too
    short to hold out later purchases.

    Parameters
    ----------
    transactions : DataFrame
        The validated log (``date``).
    cutoff : date-like, optional
        The study's ``personalisation.cutoff``.
    days : int
        The longest evaluation period when the cutoff is drawn from the log.

    Returns
    -------
    Cutoff

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import choose_cutoff
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2017-11-25 10:00", "2017-12-03 18:30"])})
    >>> c = choose_cutoff(tx)
    >>> str(c.date), c.source, c.reason is None
    ('2017-12-01', 'log', True)
    >>> print(choose_cutoff(tx, "2017-09-04").reason)  # doctest: +NORMALIZE_WHITESPACE
    personalisation.cutoff is 2017-09-04, outside the log's purchases (2017-11-25 to 2017-12-03), so the
    recommendations cannot be trained before it and evaluated after it; set it inside the log, or leave it empty to
    hold out the last quarter of the log.
    """
    from ..i18n import Message

    if len(transactions) == 0:
        raise ArgumentError("the log has no purchases to place a recommendation cutoff in.", argument="transactions")
    first, last = transactions["date"].min().normalize(), transactions["date"].max().normalize()
    date = default_cutoff(last, cutoff, days=days, first_day=first)
    span = dict(first=str(first.date()), last=str(last.date()))
    reason = None
    if cutoff and not first <= pd.Timestamp(date) < last:
        reason = Message("personalisation.cutoff is {date}, outside the log's purchases ({first} to {last}), so the "
                         "recommendations cannot be trained before it and evaluated after it; set it inside the log, "
                         "or leave it empty to hold out the last quarter of the log.", date=str(date), **span)
    elif not cutoff and (last - first).days < 1:
        reason = Message("The log's purchases all fall on one day ({last}), so no cutoff leaves purchases to train the "
                         "recommendations on and later ones to evaluate them; a log of several days is needed.", **span)
    return Cutoff(date, "study" if cutoff else "log", reason=reason, **span)


def time_split(transactions: pd.DataFrame, cutoff, *, customer: str = "customer_id", item: str = "product",
               date: str = "date") -> Split:
    """Split a purchase log at ``cutoff``: training up to and including it, evaluation after it.

    Only purchases count (lines with a positive amount or quantity, when those columns exist); nothing
    dated after the cutoff enters the training matrix.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase line with ``customer``, ``item`` and ``date`` columns.
    cutoff : date-like
        Last day of the training period.
    customer, item, date : str
        Column names.

    Returns
    -------
    Split

    References
    ----------
    Campos, P. G., Diez, F. & Cantador, I. (2014). Time-aware recommender systems: a comprehensive survey and
    analysis of existing evaluation protocols. *User Modeling and User-Adapted Interaction*, 24(1-2), 67-119.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import time_split
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "product": ["x", "y", "x"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"])})
    >>> s = time_split(tx, "2024-01-31")
    >>> (len(s.train), len(s.test), list(s.items))
    (2, 1, ['x'])
    """
    missing = [c for c in (customer, item, date) if c not in transactions.columns]
    if missing:
        raise ArgumentError(f"the purchase log has no column '{missing[0]}'; recommendation needs a customer, a "
                            "product and a date per line (map transactions.columns.product).", argument=missing[0])
    cutoff = pd.Timestamp(cutoff).normalize()  # a whole day: a purchase at any time on the cutoff day trains
    keep = transactions[customer].notna().to_numpy() & transactions[item].notna().to_numpy()
    for col in ("amount", "quantity"):
        if col in transactions.columns:
            keep &= (transactions[col] > 0).to_numpy()
    lines = transactions[[customer, item, date]]
    if not keep.all():  # no copy of a log of purchases only
        lines = lines[keep]
    lines = lines.assign(**{customer: as_text(lines[customer]), item: as_text(lines[item])})
    when = lines[date].to_numpy(dtype="datetime64[ns]")
    in_train = when < np.datetime64((cutoff + pd.Timedelta(days=1)).to_datetime64(), "ns")
    if in_train.all() or not in_train.any():
        raise ArgumentError(f"the cutoff {cutoff:%Y-%m-%d} leaves no purchases {'before' if not in_train.any() else 'after'} "
                            f"it (the log runs {lines[date].min():%Y-%m-%d} to {lines[date].max():%Y-%m-%d}); choose a "
                            "cutoff inside the log.", argument="cutoff")
    return _split(lines, in_train, cutoff, customer=customer, item=item, date=date)


def whole(split: Split) -> Split:
    """Every purchase of ``split`` as training data, none held out: what the method the evaluation chose recommends
    from today (the account list's next best products, :func:`kamlib.tiers.accounts`), so that a product an account
    bought after the evaluation's cutoff is not recommended to it again. Built from ``split``'s own lines, without
    the log.

    Parameters
    ----------
    split : Split
        From :func:`time_split`.

    Returns
    -------
    Split
        Its ``cutoff`` is the last purchase day; ``test`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import time_split, whole
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "product": ["x", "y", "x"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"])})
    >>> w = whole(time_split(tx, "2024-01-31"))
    >>> (len(w.train), len(w.test), list(w.items), str(w.cutoff.date()))
    (3, 0, ['x', 'y'], '2024-02-01')
    """
    lines = split.lines
    cutoff = pd.Timestamp(lines["date"].max()).normalize()
    return _split(lines, np.ones(len(lines), dtype=bool), cutoff, customer="customer_id", item="item", date="date")


def _split(lines: pd.DataFrame, in_train: np.ndarray, cutoff: pd.Timestamp, *, customer: str, item: str,
           date: str) -> Split:
    """The :class:`Split` of purchase lines (text codes) at ``in_train``: the training matrix and the codes."""
    from scipy import sparse

    when = lines[date].to_numpy(dtype="datetime64[ns]")
    # customers and products coded once over the whole log (one hashing of the text), then renumbered to those
    # of the training period in sorted order; -1 marks a customer or product that first appears after the cutoff
    rows, customers, test_rows, new_customers = _train_codes(lines[customer], in_train)
    cols, items, test_cols, new_items = _train_codes(lines[item], in_train)
    customers, items = pd.Index(customers, name="customer_id"), pd.Index(items, name="item")
    # distinct purchase days per (customer, product) on integer codes: one sort of 64-bit keys
    day = when[in_train].astype("datetime64[D]").astype(np.int64)
    n_days = int(day.max() - day.min()) + 1
    keys = distinct((rows.astype(np.int64) * len(items) + cols) * n_days + (day - day.min()))
    pair = keys // n_days
    first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    days = np.diff(np.r_[first, len(pair)])
    pair_rows, pair_cols = np.divmod(pair[first], len(items))
    matrix = sparse.csr_matrix((days.astype(np.float32), (pair_rows, pair_cols)), shape=(len(customers), len(items)))
    lines = lines.rename(columns={customer: "customer_id", item: "item"})  # copy-on-write: no copy of the data
    share = float((test_cols < 0).mean()) if len(test_cols) else 0.0  # whole(): nothing held out
    return Split(lines, in_train, cutoff, customers, items, matrix, new_customers, new_items, share, test_rows, test_cols)


def _train_codes(values: pd.Series, in_train: np.ndarray):
    """Codes of the training lines (0.. in sorted order of the values seen before the cutoff), those values, the
    codes of the evaluation lines in the same numbering (-1: not seen before the cutoff) and how many distinct
    values only the evaluation lines have."""
    codes, uniques = pd.factorize(values, sort=True)
    seen = np.bincount(codes[in_train], minlength=len(uniques)) > 0
    later = np.bincount(codes[~in_train], minlength=len(uniques)) > 0
    renumber = np.where(seen, np.cumsum(seen) - 1, -1)
    return renumber[codes[in_train]], uniques[seen], renumber[codes[~in_train]], int((later & ~seen).sum())


def relevant(split: Split, *, exclude_bought: bool = True) -> ItemSets:
    """What each known customer bought after the cutoff: the items a recommendation should have found.

    Parameters
    ----------
    split : Split
        From :func:`time_split`.
    exclude_bought : bool
        True: only products the customer had not bought before the cutoff (discovery); False: every
        product bought after it (repurchase counts, as it does in wholesale).

    Returns
    -------
    ItemSets
        ``{customer: set of items}`` (a read-only mapping over arrays) for customers in the training data (new
        customers are left out); a customer whose set is empty has nothing to find under this policy.

    References
    ----------
    Herlocker, J. L., Konstan, J. A., Terveen, L. G. & Riedl, J. T. (2004). Evaluating collaborative filtering
    recommender systems. *ACM Transactions on Information Systems*, 22(1), 5-53.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import relevant, time_split
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"], "product": ["x", "x", "y"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-02"])})
    >>> relevant(time_split(tx, "2024-01-31"))
    {'a': {'y'}}
    """
    # integer codes instead of sets of strings: a million customers' purchases in seconds; time_split coded the
    # evaluation lines already (a Split made by hand is coded here)
    test = np.flatnonzero(~split.in_train)  # positions of the evaluation lines (not a copy of them)
    cust = split.test_customer_codes
    col = split.test_item_codes
    if cust is None or col is None:
        cust = split.customers.get_indexer(split.lines["customer_id"].array[test])
        col = split.items.get_indexer(split.lines["item"].array[test])
    known = np.flatnonzero(cust >= 0)
    cust, col = cust[known], col[known]
    labels = split.items.to_numpy()
    n_items = len(labels)
    later = col < 0  # products first sold after the cutoff: coded after the training catalogue
    if later.any():
        extra, extra_labels = pd.factorize(split.lines["item"].array[test[known[later]]])
        col = col.copy()
        col[later] = n_items + extra
        labels = np.concatenate([labels, np.asarray(extra_labels, dtype=object)])
    pairs = distinct(cust.astype(np.int64) * len(labels) + col)
    c, i = np.divmod(pairs, len(labels))
    found = np.ones(len(pairs), dtype=bool)
    if exclude_bought:
        rows, cols = split.matrix.nonzero()
        bought = np.sort(rows.astype(np.int64) * n_items + cols)
        found = (i >= n_items) | ~member(c * n_items + np.minimum(i, n_items - 1), bought)
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]]) if len(c) else np.array([], dtype=int)
    # compressed rows of the found products' codes (sorted within each customer): no Python set per customer
    at = np.r_[0, np.cumsum(found)]
    return ItemSets(split.customers, split.items, labels, c[starts], np.r_[at[starts], at[-1]], i[found])


#: The memory the item-similarity blocks computed at once may take (a block of r products of a catalogue of n holds
#: at most r x n similarities: on a 10M-line log two blocks took 2.7 GB above the matrix's own 1.2 GB).
_BLOCK_BYTES = 256 * 2**20


def _cosine_items(X, workers: int = 1, neighbours: int | None = None):
    """Item x item cosine similarity of the columns of a sparse matrix, diagonal zero (sparse).

    The product is computed in blocks of rows, ``workers`` at once (scipy's sparse product releases the GIL), small
    enough that those computed at once hold at most about :data:`_BLOCK_BYTES`; the blocks together are the same
    arrays as one product. With ``neighbours``, each block is cut to its rows' most similar products
    (:func:`_keep_neighbours`, a row-wise rule) before the blocks are stacked, so the full similarity matrix (1.2 GB
    on a 10M-line log) never exists at once.
    """
    from scipy import sparse
    from sklearn.preprocessing import normalize

    cols = normalize(X.T.tocsr(), norm="l2", axis=1)
    right = cols.T.tocsr()
    # a block's product holds at most rows x items values, about 40 bytes each while it is made (the value and its
    # index, 12 bytes, the row of each value and the diagonal's mask, 9, and the neighbour cut's copy of them):
    # blocks small enough that the workers' blocks together stay near _BLOCK_BYTES
    per_block = max(1, _BLOCK_BYTES // (40 * max(1, cols.shape[0]) * max(1, workers)))
    blocks = max(max(1, workers) * 8, -(-cols.shape[0] // per_block))
    cuts = np.linspace(0, cols.shape[0], max(1, min(blocks, cols.shape[0])) + 1).astype(int)

    def block(bounds):
        part = (cols[bounds[0]:bounds[1]] @ right).tocsr()
        row_of = np.repeat(np.arange(bounds[0], bounds[1]), np.diff(part.indptr))
        part.data[part.indices == row_of] = 0  # the diagonal, without scipy's slower setdiag
        part.eliminate_zeros()
        return part if neighbours is None else _keep_neighbours(part, neighbours)

    pieces, n = list(zip(cuts[:-1], cuts[1:])), cols.shape[0]
    if len(pieces) == 1:
        return block(pieces[0])
    if neighbours is not None:  # blocks cut to their neighbours are small: stacked as they come
        return sparse.vstack(thread_map(block, pieces, max(1, workers)), format="csr")
    # every similarity: each block's entries counted first, then each block computed again straight into arrays
    # allocated once; twice the products (13 s at 10M lines), but the peak is the matrix and the blocks in flight,
    # where keeping the blocks to stack them held the matrix twice over (4.1 GB for a 1.2 GB matrix)
    sizes = thread_map(lambda b: block(b).nnz, pieces, max(1, workers))
    at = np.r_[0, np.cumsum(sizes)]
    index = np.int32 if max(int(at[-1]), n) < 2**31 else np.int64
    data, indices = np.empty(int(at[-1]), dtype=right.dtype), np.empty(int(at[-1]), dtype=index)
    indptr = np.zeros(n + 1, dtype=index)

    def fill(i):
        part = block(pieces[i])
        data[at[i]:at[i + 1]], indices[at[i]:at[i + 1]] = part.data, part.indices
        indptr[pieces[i][0] + 1:pieces[i][1] + 1] = part.indptr[1:] + at[i]

    thread_map(fill, range(len(pieces)), max(1, workers))
    return sparse.csr_matrix((data, indices, indptr), shape=(n, n))


def _keep_neighbours(sim, k: int):
    """Each row of a similarity matrix cut to its ``k`` largest values (and their ties)."""
    sim = sim.tocsr().copy()
    counts = np.diff(sim.indptr)
    row_of = np.repeat(np.arange(sim.shape[0]), counts)
    sim.data[sim.data < _kth_largest(sim.data, sim.indptr, k)[row_of]] = 0
    sim.eliminate_zeros()
    return sim


def _content_similarity(items: pd.Index, descriptions: pd.Series | dict | None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    if descriptions is None:
        raise ArgumentError("the content-based and hybrid methods need product descriptions; pass descriptions "
                            "(product -> text), e.g. the log's Description column.", argument="descriptions")
    text = pd.Series(descriptions).reindex(items).fillna("").astype(str)
    if not text.str.strip().any():
        raise ArgumentError("no product of the training period has a description.", argument="descriptions")
    tfidf = TfidfVectorizer(min_df=1, ngram_range=(1, 2), sublinear_tf=True).fit_transform(text)
    sim = (tfidf @ tfidf.T).tocsr()
    sim.setdiag(0)
    sim.eliminate_zeros()
    return sim


def _scale_rows(scores: np.ndarray) -> np.ndarray:
    top = scores.max(axis=1, keepdims=True)
    return np.divide(scores, top, out=np.zeros_like(scores), where=top > 0)


def recommend(split: Split, method: str = "itemcf", *, k: int = 10, exclude_bought: bool = True,
              customers=None, descriptions=None, hybrid_weight: float = 0.5, factors: int = 32,
              seed: int = 0, block: int = 2048, neighbours: int | None = None,
              workers: int | None = None, models: dict | None = None) -> RankedLists:
    """The top ``k`` products for each customer by one method, from the training purchases only.

    Parameters
    ----------
    split : Split
        From :func:`time_split`.
    method : {"popularity", "itemcf", "content", "hybrid", "als"}
        ``popularity``: most-bought products (distinct customers); ``itemcf``: sum of cosine similarities
        (over customers) to the products the customer bought; ``content``: the same with TF-IDF similarity of
        descriptions; ``hybrid``: ``hybrid_weight`` x itemcf + (1 - hybrid_weight) x content, each scaled to
        1 per customer; ``als``: implicit-feedback matrix factorisation (``implicit``, confidence 1 + 40 x
        purchase days).
    k : int
        Length of each list.
    exclude_bought : bool
        Leave out products the customer bought before the cutoff.
    customers : iterable, optional
        Whom to recommend for (default: every customer of the training data).
    descriptions : Series or dict, optional
        Product -> text, for ``content`` and ``hybrid``.
    hybrid_weight, factors, seed, block : optional
        Hybrid weight of item CF, ALS factors, ALS seed, customers scored at a time by ALS (fewer for a large
        catalogue: a block's dense scores stay under about 20 million numbers); the other methods keep only
        the products with evidence (sparse), about 20 million scores at a time.
    neighbours : int, optional
        Keep only each product's ``neighbours`` most similar products (ties kept) in the item CF and content
        similarities, the model size of Deshpande & Karypis (2004); None keeps every similarity. A large
        catalogue bought by many customers needs it: the work grows with the neighbours each customer reaches.
    workers : int, optional
        Threads that score blocks of customers at once (default: the cores this process may use); the lists
        do not depend on it.
    models : dict, optional
        Where the fitted models (item similarities, ALS factors) are kept between calls on the same ``split``: they
        do not depend on ``k``, ``exclude_bought`` or ``customers``, so a second call with the same dict reuses
        them (:func:`compare` passes one for both policies); the content similarities are kept per set of
        ``descriptions``. A dict filled on another split is refused.

    Returns
    -------
    RankedLists
        ``{customer: [items, best first]}`` (a read-only mapping over one array of product codes). Products the
        method has no evidence for (score 0) follow those it has, in order of popularity; ties are broken by
        popularity, then by product code.

    References
    ----------
    Sarwar, B., Karypis, G., Konstan, J. & Riedl, J. (2001). Item-based collaborative filtering recommendation
    algorithms. *WWW*, 285-295. Hu, Y., Koren, Y. & Volinsky, C. (2008). Collaborative filtering for implicit
    feedback datasets. *ICDM*, 263-272. Pazzani, M. J. & Billsus, D. (2007). Content-based recommendation
    systems. In *The Adaptive Web*, Springer, 325-341. Deshpande, M. & Karypis, G. (2004). Item-based top-N
    recommendation algorithms. *ACM Transactions on Information Systems*, 22(1), 143-177.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import recommend, time_split
    >>> tx = pd.DataFrame({"customer_id": list("aabbcd"), "product": list("xyxyxz"),
    ...                    "date": pd.to_datetime(["2024-01-01"] * 5 + ["2024-03-01"])})
    >>> recommend(time_split(tx, "2024-01-31"), "itemcf", k=1, customers=["c"])  # c bought x; x goes with y
    {'c': ['y']}
    """
    if method not in METHODS:
        raise ArgumentError(f"unknown method {method!r}; choose from {', '.join(METHODS)}.", argument="method")
    models = {} if models is None else models
    if models.setdefault("split", split) is not split:
        raise ArgumentError("recommend got a models dict filled on another split; pass a new dict (models={}) for "
                            "each split.", argument="models")
    workers = workers or cores()
    X = split.matrix.tocsr()
    binary = X.copy()
    binary.data[:] = 1
    popularity = np.asarray(binary.sum(axis=0)).ravel()
    rows = np.arange(len(split.customers)) if customers is None else split.customers.get_indexer(list(customers))
    rows = rows[rows >= 0]
    if customers is not None:  # each customer once, in the order first asked for
        rows = rows[np.sort(np.unique(rows, return_index=True)[1])]
    sims = {}
    if neighbours is not None and neighbours < 1:
        raise ArgumentError(f"neighbours must be at least 1, not {neighbours}.", argument="neighbours")

    def model(key, make):
        if key not in models:
            models[key] = make()
        return models[key]

    if method in ("itemcf", "hybrid"):  # cut to the neighbours block by block
        sims["itemcf"] = model(("itemcf", neighbours), lambda: _cosine_items(binary, workers, neighbours))
    if method in ("content", "hybrid"):
        def content():
            sim = _content_similarity(split.items, descriptions)
            return sim if neighbours is None else _keep_neighbours(sim, neighbours)

        described = pd.Series(descriptions, dtype=object) if descriptions is not None else pd.Series(dtype=object)
        sims["content"] = model(("content", neighbours, int(pd.util.hash_pandas_object(described).sum())), content)
    if method == "als":
        user_f, item_f = model(("als", factors, seed), lambda: _als(X, factors, seed))
    # popularity order: most distinct buyers first, then product code (items are sorted)
    rank = np.empty(len(split.items), dtype=np.int64)
    rank[np.lexsort((np.arange(len(split.items)), -popularity))] = np.arange(len(split.items))
    if method == "als":
        return _top_k_dense(split, binary, rows, lambda r: user_f[r] @ item_f.T, popularity, k, exclude_bought, block,
                            workers)
    from scipy import sparse

    # the evidence of each customer (an upper bound of the scores to rank: the neighbours of what they bought)
    reach = sum(np.diff(sim.indptr) for sim in sims.values()) if sims else np.zeros(len(split.items))
    chosen = binary[rows]  # the customers' rows, once: for the evidence, the blocks and the lists
    evidence = np.cumsum(chosen @ reach.astype(float))
    if method in ("itemcf", "content") and len(rows) and evidence[-1] >= KERNEL_FROM:
        # one compiled pass per customer (kamlib._kernels): about a tenth of the sparse path's time at a million
        # customers, and memory that does not grow with the evidence; blocks only share the cores
        from .._kernels import top_k_scores

        S = sims[method]
        ends = np.linspace(0, len(rows), min(len(rows), 8 * workers) + 1).astype(int)[1:]

        def block(bounds):
            B = chosen[bounds[0]:bounds[1]]
            return top_k_scores(B.indptr, B.indices, B.data, S.indptr, S.indices, S.data, rank, k, exclude_bought)
    else:
        # the sparse product in blocks of customers whose evidence stays under about 20 million scores, so memory
        # does not grow with the number of customers
        per_block = 20_000_000 // max(1, workers)
        ends = np.unique(np.r_[np.searchsorted(evidence, np.arange(1, 1 + evidence[-1] // per_block) * per_block),
                              len(rows)]) if len(rows) else []

        def block(bounds):
            B = chosen[bounds[0]:bounds[1]]
            if method == "popularity":
                scores = sparse.csr_matrix(B.shape)
            elif method == "hybrid":
                scores = hybrid_weight * _scale_sparse_rows(B @ sims["itemcf"]) + \
                    (1 - hybrid_weight) * _scale_sparse_rows(B @ sims["content"])
            else:
                scores = B @ sims[method]
            return _top_k_sparse(B, scores.tocsr(), rank, k, exclude_bought)

    bounds = list(zip(np.r_[0, ends[:-1]].astype(int), np.asarray(ends, dtype=int)))
    # blocks are independent (the same lists in any order of work); the kernel, scipy's sparse products and
    # numpy's partitions release the GIL, so threads share the cores without copying the matrices
    parts = thread_map(block, bounds, workers)
    best = np.concatenate(parts) if parts else np.zeros((0, k), dtype=np.int64)
    return _lists(split, chosen, rows, best, rank, k, exclude_bought)


def _als(X, factors: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Customer and product factors of implicit-feedback ALS (Hu, Koren & Volinsky 2008; the ``implicit``
    library) on the purchase-day counts, confidence 1 + 40 x count."""
    from implicit.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    confidence = X.copy()
    confidence.data = 1 + 40 * confidence.data
    with threadpool_limits(1, "blas"):  # one BLAS thread: what implicit asks for, and reproducible
        model = AlternatingLeastSquares(factors=factors, iterations=15, regularization=0.05, random_state=seed,
                                        num_threads=1, use_gpu=False)
        model.fit(confidence, show_progress=False)
    return np.asarray(model.user_factors), np.asarray(model.item_factors)


def _scale_sparse_rows(S):
    """Each row of a non-negative sparse matrix divided by its maximum (rows without evidence stay empty)."""
    from scipy import sparse

    S = S.tocsr()
    top = S.max(axis=1).toarray().ravel()
    return sparse.diags(np.divide(1.0, top, out=np.zeros_like(top, dtype=float), where=top > 0)) @ S


def _top_k_sparse(B, S, rank, k, exclude_bought):
    """Top ``k`` product codes per row of sparse scores (score, then popularity rank), padded with -1.

    Only the products with evidence (a positive score) are ranked, so the work grows with the evidence, not
    with customers x catalogue: a million customers and 50,000 products never become a dense matrix.
    """
    if exclude_bought:
        S = S - S.multiply(B)  # exact zero where bought
    S.data[S.data <= 0] = 0
    S.eliminate_zeros()
    n = S.shape[0]
    counts = np.diff(S.indptr)
    row_of = np.repeat(np.arange(n), counts)
    # scores rounded to 10 decimals so that equal sums of similarities computed in another order tie exactly
    score = np.round(S.data, 10)
    keep = score >= _kth_largest(score, S.indptr, k)[row_of]  # the k best of each row and their ties
    row_of, score, cols = row_of[keep], score[keep], S.indices[keep]
    order = np.lexsort((rank[cols], -score, row_of))
    row_of, cols = row_of[order], cols[order]
    place = np.arange(len(row_of)) - np.searchsorted(row_of, np.arange(n))[row_of]
    keep = place < k
    out = np.full((n, k), -1, dtype=np.int64)
    out[row_of[keep], place[keep]] = cols[keep]
    return out


def _lists(split, B, rows, best, rank, k, exclude_bought):
    """The lists of the customers ``rows`` from their best product codes (-1 padded); short rows filled by popularity.

    A row short of ``k`` (too little evidence) continues with the most popular products not yet listed (nor
    bought, when ``exclude_bought``); it stays shorter only when the catalogue runs out.
    """
    codes = best.astype(np.int32 if len(split.items) < 2 ** 31 else np.int64)
    by_popularity = np.argsort(rank)
    for i in np.flatnonzero(best[:, -1] < 0) if best.shape[1] else []:
        chosen = best[i][best[i] >= 0]
        skip = B.indices[B.indptr[i]:B.indptr[i + 1]] if exclude_bought else chosen[:0]
        skip = np.concatenate([chosen, skip])
        head = by_popularity[:k + len(skip)]
        fill = head[~np.isin(head, skip)][:k - len(chosen)]
        codes[i, len(chosen):len(chosen) + len(fill)] = fill
    return RankedLists(split.customers, split.items, rows, codes)


def _kth_largest(values, indptr, k):
    """The ``k``-th largest value of each row of a CSR layout (minus infinity for rows with ``k`` or fewer values).

    Rows are padded to the next power of two in groups of similar length and partitioned with
    :func:`numpy.partition`: linear in the number of values, where sorting every row of a million customers'
    evidence would dominate the run.
    """
    n = len(indptr) - 1
    counts = np.diff(indptr)
    out = np.full(n, -np.inf)
    big = np.flatnonzero(counts > k)
    if not len(big):
        return out
    width = 1 << np.ceil(np.log2(counts[big])).astype(np.int64)
    for w in np.unique(width):
        group = big[width == w]
        for start in range(0, len(group), max(1, 4_000_000 // w)):
            r = group[start:start + max(1, 4_000_000 // w)]
            idx = indptr[r][:, None] + np.arange(w)
            pad = np.arange(w) >= counts[r][:, None]
            idx[pad] = 0
            block = -values[idx].astype(float)
            block[pad] = np.inf
            out[r] = -np.partition(block, k - 1, axis=1)[:, k - 1]
    return out


def _top_k_dense(split, binary, rows, score_block, popularity, k, exclude_bought, block, workers=1):
    """Top ``k`` per customer from dense scores computed a block of customers at a time (matrix factorisation),
    each block's best kept by one compiled pass per customer (:func:`kamlib._kernels.top_k_dense`), blocks on
    ``workers`` threads."""
    from .._kernels import top_k_dense

    tiebreak = (popularity + (1 - np.arange(len(split.items)) / max(len(split.items), 1)) * 0.5) * 1e-9
    kk = min(k, len(split.items))
    block = max(16, min(block, 20_000_000 // max(len(split.items), 1)))
    dtype = np.int32 if len(split.items) < 2 ** 31 else np.int64

    def one(start):
        r = rows[start:start + block]
        B = binary[r].tocsr()
        return top_k_dense(np.ascontiguousarray(score_block(r)), tiebreak, B.indptr, B.indices, kk,
                           exclude_bought).astype(dtype)

    parts = thread_map(one, range(0, len(rows), block), max(1, workers))  # the kernel and BLAS release the GIL
    codes = np.concatenate(parts) if parts else np.full((0, kk), -1, dtype=dtype)
    return RankedLists(split.customers, split.items, rows, codes)


def als_spark(spark, table: str, cutoff, *, k: int = 10, exclude_bought: bool = True, factors: int = 32,
              seed: int = 0, customer: str = "customer_id", item: str = "product", date: str = "date",
              block: int = 2048) -> dict:
    """Implicit-feedback ALS recommendations fitted by Apache Spark MLlib over a registered table (the cluster path).

    The same model as ``recommend(split, "als")``: the purchases up to ``cutoff`` (positive ``amount`` and
    ``quantity`` where those columns exist), distinct purchase days per customer and product as the rating,
    confidence 1 + 40 x days, ``factors`` factors, 15 iterations, regularisation 0.05. Spark aggregates the log
    and fits the factors in the cluster; the driver receives the factors and the bought (customer, product)
    pairs and ranks each customer's list in blocks with the rule of the local method (score, then buyers,
    then product code; bought products left out). Spark scales the regularisation by each customer's and
    product's number of ratings (ALS-WR), so its lists are close to the local ones, not identical. ALS
    checkpoints every 5 iterations: a ``local`` session without a checkpoint directory gets a temporary one; on
    a cluster, set one on shared storage (``spark.sparkContext.setCheckpointDir``) for long runs.

    Parameters
    ----------
    spark : SparkSession
        An active session.
    table : str
        A registered table or view with one row per purchase line.
    cutoff : date-like
        Last day of the training purchases.
    k, exclude_bought, factors, seed, block
        As :func:`recommend`.
    customer, item, date : str
        Column names in ``table``.

    Returns
    -------
    RankedLists
        ``{customer: [items, best first]}`` for every customer with a purchase up to the cutoff.

    References
    ----------
    Hu, Y., Koren, Y. & Volinsky, C. (2008). Collaborative filtering for implicit feedback datasets. *ICDM*,
    263-272. Zhou, Y., Wilkinson, D., Schreiber, R. & Pan, R. (2008). Large-scale parallel collaborative
    filtering for the Netflix prize. *AAIM*, 337-348.

    Examples
    --------
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from kamlib.act.recommend import als_spark
    >>> spark = SparkSession.builder.getOrCreate()  # doctest: +SKIP
    >>> als_spark(spark, "orders", "2011-09-09", k=10)  # doctest: +SKIP
    """
    from types import SimpleNamespace

    from pyspark.ml.feature import StringIndexer
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import functions as F
    from scipy import sparse

    source = spark.table(table)
    missing = [c for c in (customer, item, date) if c not in source.columns]
    if missing:
        raise ArgumentError(f"the table '{table}' has no column '{missing[0]}'; recommendation needs a customer, a "
                            "product and a date per line.", argument=missing[0])
    lines = source
    for col in ("amount", "quantity"):
        if col in source.columns:
            lines = lines.where(F.col(col) > 0)
    lines = lines.where(F.col(customer).isNotNull() & F.col(item).isNotNull()
                        & (F.to_date(F.col(date)) <= F.lit(str(pd.Timestamp(cutoff).date())).cast("date")))
    pairs = (lines.groupBy(F.col(customer).cast("string").alias("c"), F.col(item).cast("string").alias("i"))
             .agg(F.countDistinct(F.to_date(F.col(date))).cast("float").alias("days")))
    labels = []
    for col in ("c", "i"):  # dense integer ids in sorted order, as ALS needs
        fitted = StringIndexer(inputCol=col, outputCol=f"{col}_id", stringOrderType="alphabetAsc").fit(pairs)
        pairs = fitted.transform(pairs)
        labels.append(pd.Index(fitted.labelsArray[0]))
    pairs = pairs.select(F.col("c_id").cast("int").alias("u"), F.col("i_id").cast("int").alias("v"), "days").cache()
    try:
        if not len(labels[0]):
            raise ArgumentError(f"the table '{table}' has no purchase up to {pd.Timestamp(cutoff):%Y-%m-%d}; choose a "
                                "cutoff inside the log.", argument="cutoff")
        _checkpoint_locally(spark)
        model = ALS(rank=factors, maxIter=15, regParam=0.05, implicitPrefs=True, alpha=40.0, userCol="u",
                    itemCol="v", ratingCol="days", seed=seed, checkpointInterval=5).fit(pairs)
        user_f = _factors(from_spark(model.userFactors), len(labels[0]), factors)
        item_f = _factors(from_spark(model.itemFactors), len(labels[1]), factors)
        bought = from_spark(pairs.select("u", "v"))
    finally:
        pairs.unpersist()
    binary = sparse.csr_matrix((np.ones(len(bought)), (bought["u"].to_numpy(), bought["v"].to_numpy())),
                               shape=(len(labels[0]), len(labels[1])))
    popularity = np.asarray(binary.sum(axis=0)).ravel()
    split = SimpleNamespace(customers=labels[0].rename("customer_id"), items=labels[1].rename("item"))
    return _top_k_dense(split, binary, np.arange(len(labels[0])), lambda r: user_f[r] @ item_f.T, popularity, k,
                        exclude_bought, block)


def _checkpoint_locally(spark) -> None:
    """Give a local session a checkpoint directory, so ALS cuts its lineage every few iterations.

    Without one, Spark ignores ``checkpointInterval`` and the plan of 15 iterations can overflow the driver's
    stack when a task is serialised (``java.lang.StackOverflowError``, intermittently). A cluster's directory
    must be on shared storage and is the cluster owner's choice, so only a ``local`` master gets a temporary one.
    """
    import tempfile

    context = spark.sparkContext
    if context.getCheckpointDir() is None and str(context.master).startswith("local"):
        context.setCheckpointDir(tempfile.mkdtemp(prefix="kam-spark-checkpoint-"))


def _factors(frame: pd.DataFrame, n: int, rank: int) -> np.ndarray:
    """Spark's ``(id, features)`` factor table as an ``n x rank`` array in id order."""
    out = np.zeros((n, rank))
    out[frame["id"].to_numpy()] = np.stack(frame["features"].to_numpy()) if len(frame) else 0
    return out


def per_customer(recommended: dict, relevant: dict, k: int) -> pd.DataFrame:
    """Hit, precision, recall and nDCG at ``k`` per customer with at least one relevant item.

    Parameters
    ----------
    recommended : dict
        ``{customer: ranked list}`` (a customer without a list has an empty one).
    relevant : dict
        ``{customer: set}``; customers with an empty set are left out.
    k : int
        Cut-off.

    Returns
    -------
    DataFrame
        Index customer; ``hit``, ``precision`` (hits / k), ``recall`` (hits / relevant), ``ndcg`` (DCG over the
        ideal DCG of min(relevant, k) items).

    References
    ----------
    Jarvelin, K. & Kekalainen, J. (2002). Cumulated gain-based evaluation of IR techniques. *ACM Transactions on
    Information Systems*, 20(4), 422-446.

    Examples
    --------
    >>> from kamlib.act.recommend import per_customer
    >>> per_customer({"a": ["x", "y"]}, {"a": {"y"}}, 2).round(3).to_dict("records")
    [{'hit': 1.0, 'precision': 0.5, 'recall': 1.0, 'ndcg': 0.631}]
    """
    if k < 1:
        raise ArgumentError(f"k must be at least 1, not {k}.", argument="k")
    discount = 1 / np.log2(np.arange(2, k + 2))
    if _coded_alike(recommended, relevant):
        return _per_customer_codes(recommended, relevant, k, discount)
    # one pass over flat arrays (a million customers' lists in seconds): the recommended and the relevant items
    # of every customer coded together, a hit is a (customer, item) pair in both
    who = [c for c, rel in relevant.items() if rel]
    shown = np.fromiter((min(len(recommended.get(c, ())), k) for c in who), dtype=np.int64, count=len(who))
    wanted = np.fromiter((len(relevant[c]) for c in who), dtype=np.int64, count=len(who))
    # the items straight into one array (no copy of a million lists): the top k of each list, then the relevant sets
    items = np.fromiter(chain(chain.from_iterable(islice(recommended.get(c, ()), k) for c in who),
                              chain.from_iterable(relevant[c] for c in who)),
                        dtype=object, count=int(shown.sum() + wanted.sum()))
    codes, _ = pd.factorize(items)
    del items
    n_codes = int(codes.max()) + 1 if len(codes) else 1
    owner = np.repeat(np.arange(len(who), dtype=np.int64), shown)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(shown) - shown, shown)
    rec_key = owner * n_codes + codes[:len(owner)]
    rel_key = np.repeat(np.arange(len(who), dtype=np.int64), wanted) * n_codes + codes[len(owner):]
    hit = member(rec_key, np.sort(rel_key))
    n_hit = np.bincount(owner[hit], minlength=len(who)).astype(float)
    dcg = np.bincount(owner[hit], weights=discount[rank[hit]], minlength=len(who))
    idcg = np.cumsum(discount)[np.minimum(wanted, k) - 1] if len(who) else np.zeros(0)
    return pd.DataFrame({"hit": (n_hit > 0).astype(float), "precision": n_hit / k,
                         "recall": n_hit / np.maximum(wanted, 1), "ndcg": dcg / idcg},
                        index=pd.Index(who, dtype=object))


def _coded_alike(recommended, relevant) -> bool:
    """Whether both come from the same split as arrays (:func:`recommend` and :func:`relevant`): then the
    metrics are computed on the product codes, with no Python object per customer."""
    return (isinstance(recommended, RankedLists) and isinstance(relevant, ItemSets)
            and recommended.customers is relevant.customers and recommended.catalogue is relevant.catalogue)


def _per_customer_codes(recommended: RankedLists, relevant: ItemSets, k: int, discount: np.ndarray) -> pd.DataFrame:
    """:func:`per_customer` on codes: the same arithmetic in the same order as the general path, so the same numbers."""
    sizes = np.diff(relevant.indptr)
    who = np.flatnonzero(sizes > 0)
    wanted = sizes[who].astype(np.int64)
    position = np.full(len(recommended.customers), -1, dtype=np.int64)
    position[recommended.rows] = np.arange(len(recommended.rows))
    at = position[relevant.rows[who]]
    top = np.full((len(who), k), -1, dtype=np.int64)
    has = at >= 0
    width = min(k, recommended.codes.shape[1])
    top[has, :width] = recommended.codes[at[has], :width]
    owner, rank = np.nonzero(top >= 0)  # a list ends at its first -1
    n_labels = max(len(relevant.labels), 1)
    rec_key = owner * n_labels + top[owner, rank]
    # relevant() sorts the codes of each customer and customers ascend, so the keys are sorted already
    rel_key = np.repeat(np.arange(len(who), dtype=np.int64), wanted) * n_labels + \
        relevant.indices[_spans(relevant.indptr, who)]
    if np.any(rel_key[1:] < rel_key[:-1]):  # sets built by hand need not be sorted
        rel_key = np.sort(rel_key)
    hit = member(rec_key, rel_key)
    n_hit = np.bincount(owner[hit], minlength=len(who)).astype(float)
    dcg = np.bincount(owner[hit], weights=discount[rank[hit]], minlength=len(who))
    idcg = np.cumsum(discount)[np.minimum(wanted, k) - 1] if len(who) else np.zeros(0)
    return pd.DataFrame({"hit": (n_hit > 0).astype(float), "precision": n_hit / k,
                         "recall": n_hit / np.maximum(wanted, 1), "ndcg": dcg / idcg},
                        index=pd.Index(relevant.customers.to_numpy()[relevant.rows[who]], dtype=object))


def _spans(indptr: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Positions ``indptr[j]:indptr[j + 1]`` of every ``j`` in ``which``, concatenated (no Python loop)."""
    lengths = (indptr[which + 1] - indptr[which]).astype(np.int64)
    return np.repeat(indptr[which].astype(np.int64) - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + \
        np.arange(int(lengths.sum()))


def metrics(recommended: dict, relevant: dict, k: int, *, catalogue: int | None = None) -> dict:
    """Mean hit rate, precision, recall and nDCG at ``k``, and catalogue coverage.

    Parameters
    ----------
    recommended : dict
        ``{customer: ranked list}``.
    relevant : dict
        ``{customer: set}``; customers with no relevant item are left out of the averages and counted.
    k : int
        Cut-off.
    catalogue : int, optional
        Number of products that could be recommended (for coverage).

    Returns
    -------
    dict
        ``hit_rate``, ``precision``, ``recall``, ``ndcg``, ``coverage`` (distinct recommended products in the
        top k of all lists / catalogue; NaN without ``catalogue``), ``customers`` (averaged over),
        ``no_relevant`` (left out).

    References
    ----------
    Herlocker, J. L. et al. (2004). Evaluating collaborative filtering recommender systems. *ACM TOIS*, 22(1), 5-53.

    Examples
    --------
    >>> from kamlib.act.recommend import metrics
    >>> m = metrics({"a": ["x", "y"], "b": ["x"]}, {"a": {"y", "z"}, "b": set()}, 2)
    >>> (m["hit_rate"], m["precision"], m["recall"], m["customers"], m["no_relevant"])
    (1.0, 0.5, 0.5, 1, 1)
    """
    pc = per_customer(recommended, relevant, k)
    if isinstance(recommended, RankedLists):  # distinct codes in the top k of all lists
        top = recommended.codes[:, :k]
        n_shown = len(np.unique(top[top >= 0]))
    else:
        n_shown = len(set(chain.from_iterable(islice(lst, k) for lst in recommended.values())))
    empty = int((np.diff(relevant.indptr) == 0).sum()) if isinstance(relevant, ItemSets) else \
        sum(1 for s in relevant.values() if not s)
    means = pc.mean() if len(pc) else pd.Series(np.nan, index=pc.columns)
    return {"hit_rate": float(means["hit"]), "precision": float(means["precision"]), "recall": float(means["recall"]),
            "ndcg": float(means["ndcg"]), "coverage": n_shown / catalogue if catalogue else math.nan,
            "customers": len(pc), "no_relevant": empty}


def evaluate(recommended: dict, relevant: dict, k: int, *, n_boot: int = 200, seed: int = 0,
             level: float = 0.95) -> pd.DataFrame:
    """:func:`metrics` with percentile bootstrap intervals over customers.

    Parameters
    ----------
    recommended, relevant, k
        As :func:`metrics`.
    n_boot : int
        Bootstrap resamples of the evaluated customers.
    seed : int
        Random seed.
    level : float
        Interval level.

    Returns
    -------
    DataFrame
        ``metric``, ``estimate``, ``ci_lower``, ``ci_upper`` for hit_rate, precision, recall, ndcg.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> from kamlib.act.recommend import evaluate
    >>> evaluate({"a": ["x"], "b": ["y"]}, {"a": {"x"}, "b": {"x"}}, 1, n_boot=50)["estimate"].tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    pc = per_customer(recommended, relevant, k)
    rng = np.random.default_rng(seed)
    values = pc.to_numpy()
    boots = np.array([values[rng.integers(0, len(values), len(values))].mean(axis=0) for _ in range(n_boot)]) \
        if len(values) else np.full((1, 4), np.nan)
    lo, hi = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2], axis=0)
    names = ["hit_rate", "precision", "recall", "ndcg"]
    return pd.DataFrame({"metric": names, "estimate": values.mean(axis=0) if len(values) else np.nan,
                         "ci_lower": lo, "ci_upper": hi})


def compare(split: Split, methods=METHODS, *, k: int = 10, policies=(True, False), groups: dict | None = None,
            descriptions=None, n_boot: int = 200, seed: int = 0, baseline: str = "popularity") -> pd.DataFrame:
    """Every method under each already-bought policy, for all customers and for each group, beside the baseline.

    Parameters
    ----------
    split : Split
        From :func:`time_split`.
    methods : sequence of str
        From :data:`METHODS` (include the baseline).
    k : int
        List length.
    policies : sequence of bool
        ``exclude_bought`` values to evaluate (True: only new products count; False: repurchases count).
    groups : dict, optional
        Group name -> customers (e.g. ``{"key accounts": ids}``); "all customers" is always included.
    descriptions : Series or dict, optional
        For ``content`` and ``hybrid``.
    n_boot, seed : int
        Bootstrap resamples and seed.
    baseline : str
        The method the lift is measured against.

    Returns
    -------
    DataFrame
        ``policy``, ``group``, ``method``, ``customers``, ``hit_rate`` (+ ``_ci_lower``, ``_ci_upper``),
        ``precision``, ``recall``, ``ndcg``, ``coverage``, ``hit_rate_lift`` (relative to the baseline in the
        same bootstrap resamples, with its interval).

    References
    ----------
    Cremonesi, P., Koren, Y. & Turrin, R. (2010). Performance of recommender algorithms on top-N recommendation
    tasks. *RecSys*, 39-46.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import compare, time_split
    >>> tx = pd.DataFrame({"customer_id": list("aabbcc"), "product": list("xyxyxz"),
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-03-01"] * 3)})
    >>> compare(time_split(tx, "2024-01-31"), ["popularity"], k=1, n_boot=10)["customers"].tolist()
    [3, 3]
    """
    groups = {"all customers": None, **(groups or {})}
    rows = []
    rng_seed = seed
    models = {}  # each method's model fitted once, for both policies
    for exclude in policies:
        rel_all = relevant(split, exclude_bought=exclude)
        recs = {m: recommend(split, m, k=k, exclude_bought=exclude, descriptions=descriptions, seed=seed,
                             models=models) for m in methods}
        for gname, members in groups.items():
            wanted = None if members is None else set(map(str, members))  # once, not once per customer
            rel = rel_all if wanted is None else {c: s for c, s in rel_all.items() if c in wanted}
            hits = {m: per_customer(recs[m], rel, k)["hit"] for m in methods}
            idx = hits[methods[0]].index
            rng = np.random.default_rng(rng_seed)
            draws = [rng.integers(0, len(idx), len(idx)) for _ in range(n_boot)] if len(idx) else []
            for m in methods:
                met = metrics(recs[m], rel, k, catalogue=len(split.items))
                h = hits[m].reindex(idx).to_numpy()
                boot = np.array([h[d].mean() for d in draws]) if draws else np.array([np.nan])
                row = {"policy": NEW_TO_CUSTOMER if exclude else "repurchase counts", "group": gname,
                       "method": m, "customers": met["customers"], "hit_rate": met["hit_rate"],
                       "hit_rate_ci_lower": np.quantile(boot, 0.025), "hit_rate_ci_upper": np.quantile(boot, 0.975),
                       "precision": met["precision"], "recall": met["recall"], "ndcg": met["ndcg"],
                       "coverage": met["coverage"]}
                if baseline in hits:
                    b = hits[baseline].reindex(idx).to_numpy()
                    ratio = np.array([h[d].mean() / b[d].mean() - 1 if b[d].mean() > 0 else np.nan for d in draws])
                    row["hit_rate_lift"] = (h.mean() / b.mean() - 1) if len(b) and b.mean() > 0 else np.nan
                    finite = ratio[np.isfinite(ratio)] if len(ratio) else ratio
                    row["hit_rate_lift_ci_lower"] = np.quantile(finite, 0.025) if len(finite) else np.nan
                    row["hit_rate_lift_ci_upper"] = np.quantile(finite, 0.975) if len(finite) else np.nan
                rows.append(row)
    return pd.DataFrame(rows)


def explain(split: Split, customer_id, items, *, n_similar: int = 30) -> pd.DataFrame:
    """The evidence for recommending ``items`` to the customer ``customer_id``: the product of theirs most often bought together
    with each, how many customers bought both, and how many of the customer's most similar customers bought it.

    Parameters
    ----------
    split : Split
        From :func:`time_split`.
    customer_id : str
        A customer of the training data.
    items : sequence
        Recommended products.
    n_similar : int
        How many most similar customers (cosine of purchase rows) to look at.

    Returns
    -------
    DataFrame
        ``item``, ``because_of`` (their product bought together with it most often), ``bought_together``
        (customers with both), ``similar_customers_bought`` (of the ``n_similar`` most similar customers).

    References
    ----------
    Herlocker, J. L., Konstan, J. A. & Riedl, J. (2000). Explaining collaborative filtering recommendations.
    *CSCW*, 241-250.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import explain, time_split
    >>> tx = pd.DataFrame({"customer_id": list("aabbc"), "product": list("xyxyx"),
    ...                    "date": pd.to_datetime(["2024-01-01"] * 4 + ["2024-03-01"])})
    >>> explain(time_split(tx.assign(customer_id=list("aabbb")), "2024-01-31"), "a", ["x"])["bought_together"].tolist()
    [2]
    """
    from sklearn.preprocessing import normalize

    row = split.customers.get_loc(str(customer_id))
    B = split.matrix.tocsr().copy()
    B.data[:] = 1
    mine = B[row].indices
    by_item = B.tocsc()
    # co-purchases of the customer's products with each listed one: those columns only, not the whole
    # product x product co-occurrence matrix (41,478 x 41,478 on the 1M-line benchmark log, for each customer)
    theirs = by_item[:, mine].T.tocsr()
    n_near = n_similar
    sim = (normalize(B) @ normalize(B)[row].T).toarray().ravel()
    sim[row] = -1
    near = np.argsort(-sim, kind="stable")[:n_near]
    out = []
    for it in items:
        j = split.items.get_loc(it)
        counts = (theirs @ by_item[:, [j]]).toarray().ravel() if len(mine) else np.array([0])
        best = int(np.argmax(counts)) if len(mine) else 0
        out.append({"item": it, "because_of": split.items[mine[best]] if len(mine) else "",
                    "bought_together": int(counts[best]) if len(mine) else 0,
                    "similar_customers_bought": int(B[near, j].sum())})
    return pd.DataFrame(out)


def top_customers(split: Split, transactions: pd.DataFrame, share: float, *, rank_by: str = "revenue",
                  candidates: dict | None = None) -> pd.Index:
    """The customers with the largest revenue before the cutoff: the top ``share`` of the training customers (by
    the study's key-account rule ``rank_by`` and ``candidates`` when given: :func:`kamlib.tiers.top_by_rule`).

    Parameters
    ----------
    split : Split
        From :func:`time_split`.
    transactions : DataFrame
        The log with ``customer_id``, ``date`` and ``amount``.
    share : float
        Share of customers (e.g. the study's key-account share, 0.2).
    rank_by, candidates : optional
        The study's ``tiers.rank_by`` and ``tiers.candidates`` (:func:`kamlib.tiers.top_by_rule`).

    Returns
    -------
    Index
        Customer ids, largest revenue first (a tie at the cut left out); in a log without amounts, most purchase days first
        (:func:`kamlib.tiers.top_by_revenue`, the workbook's one top-customers rule).

    References
    ----------
    Pareto principle in customer value: Koch, R. (1998). *The 80/20 Principle*. Nicholas Brealey.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import time_split, top_customers
    >>> tx = pd.DataFrame({"customer_id": list("abc"), "product": list("xxx"), "amount": [1.0, 5.0, 3.0],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01"])})
    >>> list(top_customers(time_split(tx, "2024-01-31"), tx, 0.5))
    ['b']
    """
    before = transactions[(transactions["date"] <= split.cutoff)
                          & transactions["customer_id"].astype(str).isin(split.customers)]
    return tiers.top_by_rule(before, share, rank_by=rank_by, candidates=candidates)


#: The metric the held-out comparison measures (:func:`compare`): a claim on another metric (a click-through rate) is
#: neither supported nor contradicted by it (rule ``same_metric``, :func:`kamlib.verdicts.comparable`)
MEASURE = "hit rate"


def claim_check(comparison: pd.DataFrame, claimed: float, *, group: str = "all customers",
                baseline: str = "popularity", measure: str | None = None) -> pd.DataFrame:
    """Does the log support a claimed relative lift of personalised over regular recommendation?

    For each policy, the personalised method with the highest hit rate is set beside the baseline; its
    relative lift in hit rate and interval (from :func:`compare`) against ``claimed``. A claim on another metric than
    :data:`MEASURE` is "not comparable" whatever the lift (:func:`kamlib.verdicts.comparable`, the one judge of it
    for this table and the claims register).

    Parameters
    ----------
    comparison : DataFrame
        From :func:`compare`.
    claimed : float
        The claimed lift (0.20 for "20% or more").
    group : str
        Which group of :func:`compare` to judge.
    baseline : str
        The regular recommendation.
    measure : str, optional
        The metric the claim names (the fact's ``measure``, e.g. "click-through rate"); None: the claim is taken to
        be on :data:`MEASURE`.

    Returns
    -------
    DataFrame
        ``policy``, ``best_method``, ``baseline_hit_rate``, ``best_hit_rate``, ``lift``, ``lift_ci_lower``,
        ``lift_ci_upper``, ``claimed``, ``verdict`` (one of: "supports the claim", "a smaller lift than claimed",
        "no lift", "inconclusive", "not comparable").

    References
    ----------
    The claim is fact F001 of the source register (S004 §4.1).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import claim_check
    >>> c = pd.DataFrame({"policy": ["p", "p"], "group": ["all customers"] * 2, "method": ["popularity", "itemcf"],
    ...                   "hit_rate": [0.3, 0.4], "hit_rate_lift": [0.0, 0.33], "hit_rate_lift_ci_lower": [0.0, 0.25],
    ...                   "hit_rate_lift_ci_upper": [0.0, 0.41]})
    >>> claim_check(c, 0.2)["verdict"].tolist(), claim_check(c, 0.2, measure="click-through rate")["verdict"].tolist()
    (['supports the claim'], ['not comparable'])
    """
    same = measure is None or verdicts.comparable(measure, MEASURE)
    rows = []
    for policy, part in comparison[comparison["group"] == group].groupby("policy", sort=False):
        base = part[part["method"] == baseline]
        others = part[part["method"] != baseline]
        if base.empty or others.empty:
            continue
        best = others.sort_values(["hit_rate", "method"], ascending=[False, True]).iloc[0]
        lo, hi = best["hit_rate_lift_ci_lower"], best["hit_rate_lift_ci_upper"]
        verdict = ("not comparable" if not same else "supports the claim" if lo >= claimed
                   else "a smaller lift than claimed" if 0 < lo and hi < claimed
                   else "no lift" if verdicts.RULES["lift_none"].met(hi) else "inconclusive")
        rows.append({"policy": policy, "best_method": best["method"], "baseline_hit_rate": base["hit_rate"].iloc[0],
                     "best_hit_rate": best["hit_rate"], "lift": best["hit_rate_lift"], "lift_ci_lower": lo,
                     "lift_ci_upper": hi, "claimed": claimed, "verdict": verdict})
    return pd.DataFrame(rows)


def claim_phrase(claimed: float, fact: str, measure: str | None = None) -> str | Message:
    """The claim as a finding sets it after the measured lift ("the sources claim at least {claim}"): the claimed
    lift and its fact when the claim is on :data:`MEASURE`; else the metric it concerns and that this run does not
    measure it, so that the two numbers are never read as confirming each other (:func:`kamlib.verdicts.comparable`).

    Parameters
    ----------
    claimed : float
        The claimed relative lift (0.20).
    fact : str
        The fact's id in the source register (F001).
    measure : str, optional
        The metric the claim names; None: :data:`MEASURE`.

    Returns
    -------
    str or Message

    Examples
    --------
    >>> from kamlib.act.recommend import claim_phrase
    >>> claim_phrase(0.2, "F001"), str(claim_phrase(0.2, "F001", "click-through rate"))
    ('20% (F001)', '20% (F001), but in click-through rate, which this run does not measure')
    """
    from ..i18n import Message

    if measure is None or verdicts.comparable(measure, MEASURE):
        return f"{claimed:.0%} ({fact})"
    return Message("{claim} ({fact}), but in {measure}, which this run does not measure", "phrase",
                   claim=f"{claimed:.0%}", fact=fact, measure=Message(str(measure), "value"))


#: The already-bought policy of :func:`compare` that scores only products the customer had not bought before the
#: cutoff (the comparison the report's lift and the next best products are about).
NEW_TO_CUSTOMER = "products new to the customer"

#: The recommendation on personalised lists for products new to the customer, by the direction of the lift's 95%
#: interval (:func:`kamlib.verdicts.effect`: a gain only when the interval lies above zero, a loss only when it lies
#: below); ``{lo}`` and ``{hi}`` are the interval's bounds.
LIFT_RECOMMENDATION = {
    "gain": "Use personalised recommendations for products new to the customer: on the held-out purchases they hit "
            "more often than popular ones (95% CI of the lift {lo} to {hi}).",
    "loss": "Keep popular recommendations for products new to the customer: on the held-out purchases personalised "
            "ones hit less often (95% CI of the lift {lo} to {hi}).",
    "inconclusive": "Test personalised recommendations in a controlled experiment before scaling them: on the held-out "
                    "purchases of products new to the customer no difference from popular ones could be shown (95% "
                    "CI of the lift {lo} to {hi}).",
}


def lift_recommendation(ci_lower: float, ci_upper: float) -> str:
    """The recommendation's template (:data:`LIFT_RECOMMENDATION`) for a lift whose 95% interval is
    ``[ci_lower, ci_upper]``: a lift is a gain only when its interval lies above zero, a loss only when it lies below
    (:func:`kamlib.verdicts.effect`), so an interval that spans zero shows no difference.

    Parameters
    ----------
    ci_lower, ci_upper : float
        The bounds of the relative lift in hit rate over popularity (:func:`claim_check`).

    Returns
    -------
    str
        The English template, with the fields ``{lo}`` and ``{hi}``.

    References
    ----------
    Gardner, M. J. & Altman, D. G. (1986). Confidence intervals rather than P values. *BMJ*, 292, 746-750.

    Examples
    --------
    >>> from kamlib.act.recommend import lift_recommendation
    >>> lift_recommendation(-0.25, 0.022)[:80]
    'Test personalised recommendations in a controlled experiment before scaling them'
    >>> "no difference" in lift_recommendation(-0.25, 0.022), lift_recommendation(0.01, 0.3)[:3]
    (True, 'Use')
    """
    return LIFT_RECOMMENDATION[verdicts.effect(ci_lower, ci_upper)]


@dataclass(frozen=True)
class LiftSummary(Result):
    """Every personalised method against the baseline on one policy and group (:func:`lift_summary`): how many are
    shown better or worse by their lift's 95% interval, and the best by hit rate, picked after seeing the results
    when more than one was compared.

    Attributes
    ----------
    methods : DataFrame
        One row per personalised method: ``method``, ``hit_rate``, ``lift``, ``ci_lower``, ``ci_upper`` and
        ``verdict`` (:func:`kamlib.verdicts.effect`: gain, loss or inconclusive), highest hit rate first.
    n_methods, n_gains, n_losses : int
        Personalised methods compared; of them, those whose lift's interval lies above zero, and below zero.
    best : str
        The method of highest hit rate (ties by name), whose lift and interval follow: the one owner of the numbers
        the summary, the recommendation and the next best products' caption show.
    baseline_hit_rate, hit_rate, lift, ci_lower, ci_upper : float
        The baseline's hit rate and the best method's hit rate, relative lift and its 95% interval.
    selected : bool
        Whether the best was picked among several after seeing the results (a best of several flatters its lift).
    verdict : str
        ``"gain"`` when some method is shown better, ``"worse"`` when none is and some are shown worse,
        ``"inconclusive"`` when no interval excludes zero.
    customers : int or None
        The customers a two-arm test of the lift would split (the log's customers), when given.
    detectable_lift : float or None
        The smallest relative lift in hit rate such a test detects (power 0.8, alpha 0.05, the baseline's hit rate;
        :func:`kamlib.experiments.detectable_lift`); None without ``customers``.
    """

    methods: pd.DataFrame
    n_methods: int
    n_gains: int
    n_losses: int
    best: str
    baseline_hit_rate: float
    hit_rate: float
    lift: float
    ci_lower: float
    ci_upper: float
    selected: bool
    verdict: str
    customers: int | None = None
    detectable_lift: float | None = None

    @property
    def best_label(self):
        """The best method's name in prose, in both languages (:data:`METHOD_LABELS`; an unknown method as named)."""
        return method_label(self.best)

    @property
    def testable(self) -> bool:
        """Whether a two-arm test on :attr:`customers` detects a lift inside the best method's interval (its
        detectable lift is at most the interval's upper bound); False without ``customers``."""
        return self.detectable_lift is not None and self.detectable_lift <= self.ci_upper


def method_label(method: str):
    """A method's name in prose, in both languages (:data:`METHOD_LABELS`; an unknown method as named): what a
    sentence or a caption says instead of the method's code.

    Parameters
    ----------
    method : str
        A method of :data:`METHODS`.

    Returns
    -------
    Given
        The name in English and Chinese.

    Examples
    --------
    >>> from kamlib.act.recommend import method_label
    >>> label = method_label("itemcf")
    >>> str(label), label.translate("zh"), str(method_label("knn"))
    ('item-based collaborative filtering', '基于物品的协同过滤', 'knn')
    """
    from ..i18n import Given

    en, zh = METHOD_LABELS.get(method, (method, method))
    return Given({"en": en, "zh": zh})


def figure_label(method: str, policy: str):
    """The label of a method under an already-bought policy in a figure, in words in both languages (a table's words
    for the method's code, :func:`kamlib.i18n.cell_words`, and the policy's): "Item-based collaborative filtering ·
    products new to the customer", not "itemcf · products new to the customer".

    Parameters
    ----------
    method : str
        A method of :data:`METHODS`.
    policy : str
        A ``policy`` of :func:`compare`.

    Returns
    -------
    Message
        ``"{method} · {policy}"`` (msgctxt ``figure``); :func:`kamlib.style.translate_figure` finds its Chinese.

    Examples
    --------
    >>> from kamlib.act.recommend import NEW_TO_CUSTOMER, figure_label
    >>> label = figure_label("itemcf", NEW_TO_CUSTOMER)
    >>> str(label)
    'Item-based collaborative filtering · products new to the customer'
    >>> label.translate("zh")
    '基于物品的协同过滤 · 客户未买过的商品'
    """
    from ..i18n import Given, Message, cell_words

    words = Given({"en": cell_words(method), "zh": cell_words(method, "zh")})
    return Message("{method} · {policy}", "figure", method=words, policy=policy)


def lift_summary(comparison: pd.DataFrame, *, policy: str = NEW_TO_CUSTOMER, group: str = "all customers",
                 baseline: str = "popularity", customers: int | None = None) -> LiftSummary:
    """Every personalised method's lift in hit rate over the baseline, by its 95% interval, and the best of them:
    the finding on personalisation summarises all methods compared, not only the best, which is picked after seeing
    the results.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`compare` (``method``, ``policy``, ``group``, ``hit_rate``, ``hit_rate_lift``,
        ``hit_rate_lift_ci_lower``, ``hit_rate_lift_ci_upper``).
    policy, group : str
        The rows judged.
    baseline : str
        The regular recommendation.
    customers : int, optional
        The customers a live two-arm test would split (the log's); gives :attr:`LiftSummary.detectable_lift`.

    Returns
    -------
    LiftSummary

    Raises
    ------
    ArgumentError
        When the rows hold no baseline or no personalised method.

    References
    ----------
    Gardner, M. J. & Altman, D. G. (1986). Confidence intervals rather than P values. *BMJ*, 292, 746-750.
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import lift_summary
    >>> c = pd.DataFrame({"policy": ["products new to the customer"] * 3, "group": ["all customers"] * 3,
    ...                   "method": ["popularity", "itemcf", "content"], "hit_rate": [0.40, 0.35, 0.11],
    ...                   "hit_rate_lift": [0.0, -0.127, -0.727], "hit_rate_lift_ci_lower": [0.0, -0.265, -0.85],
    ...                   "hit_rate_lift_ci_upper": [0.0, 0.022, -0.61]})
    >>> s = lift_summary(c, customers=800)
    >>> s.n_methods, s.n_gains, s.n_losses, s.best, s.verdict, s.selected
    (2, 0, 1, 'itemcf', 'worse', True)
    >>> round(s.detectable_lift, 2), s.testable  # 400 customers per arm, against the best's upper bound of 2.2%
    (0.25, False)
    """
    from ..experiments import detectable_lift

    part = comparison[(comparison["group"] == group) & (comparison["policy"] == policy)]
    base, others = part[part["method"] == baseline], part[part["method"] != baseline]
    if base.empty or others.empty:
        raise ArgumentError(f"comparison holds no {baseline!r} row or no personalised method for policy {policy!r} "
                            f"and group {group!r}; pass the table of compare() with the baseline among its methods.")
    rows = others.sort_values(["hit_rate", "method"], ascending=[False, True])
    methods = pd.DataFrame({"method": rows["method"].astype(str).to_numpy(),
                            "hit_rate": rows["hit_rate"].astype(float).to_numpy(),
                            "lift": rows["hit_rate_lift"].astype(float).to_numpy(),
                            "ci_lower": rows["hit_rate_lift_ci_lower"].astype(float).to_numpy(),
                            "ci_upper": rows["hit_rate_lift_ci_upper"].astype(float).to_numpy()})
    methods["verdict"] = [verdicts.effect(lo, hi) for lo, hi in zip(methods["ci_lower"], methods["ci_upper"])]
    gains, losses = int((methods["verdict"] == "gain").sum()), int((methods["verdict"] == "loss").sum())
    best = methods.iloc[0]
    p0 = float(base["hit_rate"].iloc[0])
    detectable = (float(detectable_lift(p0, customers // 2)) if customers is not None and customers >= 4 and 0 < p0 < 1
                  else None)
    return LiftSummary(methods=methods, n_methods=len(methods), n_gains=gains, n_losses=losses, best=str(best["method"]),
                       baseline_hit_rate=p0, hit_rate=float(best["hit_rate"]), lift=float(best["lift"]),
                       ci_lower=float(best["ci_lower"]), ci_upper=float(best["ci_upper"]), selected=len(methods) > 1,
                       verdict="gain" if gains else "worse" if losses else "inconclusive",
                       customers=customers, detectable_lift=detectable)


@dataclass(frozen=True)
class NextBestMethod(Result):
    """The method that picks the next best products and why (:func:`next_best_method`); unpacks as
    ``method, why``."""

    method: str
    #: A Message naming why it was chosen, for the table's caption.
    why: str
    unpack = ("method", "why")


def next_best_method(comparison: pd.DataFrame, *, policy: str = NEW_TO_CUSTOMER, group: str = "all customers",
                     baseline: str = "popularity") -> NextBestMethod:
    """The method that picks the next best products: the personalised method of highest hit rate on products new to
    the customer when its lift over the baseline is a gain (its 95% interval above zero, :func:`kamlib.verdicts.effect`),
    else the baseline (popularity); with the reason, for the table's caption.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`compare` (``method``, ``policy``, ``group``, ``hit_rate``, ``hit_rate_lift``,
        ``hit_rate_lift_ci_lower``, ``hit_rate_lift_ci_upper``).
    policy, group : str
        The rows judged (the next best products are ones the customer has not bought).
    baseline : str
        The regular recommendation, the fallback.

    Returns
    -------
    NextBestMethod
        ``method`` and ``why`` (a :class:`~kamlib.i18n.Message`); unpacks as ``method, why``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import next_best_method
    >>> c = pd.DataFrame({"policy": ["products new to the customer"] * 2, "group": ["all customers"] * 2,
    ...                   "method": ["popularity", "itemcf"], "hit_rate": [0.401, 0.350], "hit_rate_lift": [0.0, -0.127],
    ...                   "hit_rate_lift_ci_lower": [0.0, -0.2], "hit_rate_lift_ci_upper": [0.0, 0.022]})
    >>> method, why = next_best_method(c)
    >>> method, str(why)[:61]
    ('popularity', 'popularity, as no personalised method hit products new to the')
    >>> "the best, item-based collaborative filtering: 35.0%" in why  # the best method in words, not its code
    True
    """
    from ..i18n import Message

    part = comparison[(comparison["group"] == group) & (comparison["policy"] == policy)]
    if part[part["method"] == baseline].empty or part[part["method"] != baseline].empty:
        return NextBestMethod(baseline, Message("{method}, the regular recommendation (no personalised method was evaluated on "
                                 "products new to the customer)", "phrase", method=method_label(baseline)))
    # the best and its interval from the one owner of them, so this caption and the summary show the same numbers;
    # the best named in words (s.best_label), never by its code
    s = lift_summary(comparison, policy=policy, group=group, baseline=baseline)
    numbers = dict(best=s.best_label, rate=s.hit_rate, base=s.baseline_hit_rate, lo=s.ci_lower, hi=s.ci_upper)
    if verdicts.effect(numbers["lo"], numbers["hi"]) == "gain":
        return NextBestMethod(s.best, Message(
            "{best}, the method of highest hit rate on products new to the customer: {rate:.1%} against {base:.1%} "
            "for popularity, a lift whose 95% CI, {lo:+.1%} to {hi:+.1%}, lies above zero", "phrase", **numbers))
    return NextBestMethod(baseline, Message(
        "popularity, as no personalised method hit products new to the customer more often than popularity in the "
        "evaluation (the best, {best}: {rate:.1%} against {base:.1%}, a lift whose 95% CI is {lo:+.1%} to {hi:+.1%})",
        "phrase", **numbers))


def next_best(split: Split, customers, *, method: str = "itemcf", k: int = 3, descriptions=None,
              exclude_bought: bool = True, evidence: bool = True) -> pd.DataFrame:
    """The next best products for some customers, each with its evidence (:func:`explain`).

    Parameters
    ----------
    split : Split
        From :func:`time_split`.
    customers : iterable
        Customers of the training data (e.g. the top key accounts).
    method : str
        A method of :func:`recommend`.
    k : int
        Products per customer.
    descriptions : Series or dict, optional
        Product -> text, shown beside the codes (and used by content and hybrid).
    exclude_bought : bool
        Only products the customer has not bought yet.
    evidence : bool
        With the evidence columns; without them only the lists are scored (one call of :func:`recommend` for all
        the customers, as the account list needs for every key account), while the evidence costs a pass over the
        purchase matrix per customer.

    Returns
    -------
    DataFrame
        ``customer_id``, ``rank``, ``item``, ``description``, and with ``evidence`` ``because_of``,
        ``bought_together``, ``similar_customers_bought``.

    References
    ----------
    Herlocker, J. L., Konstan, J. A. & Riedl, J. (2000). Explaining collaborative filtering recommendations.
    *CSCW*, 241-250.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.recommend import next_best, time_split
    >>> tx = pd.DataFrame({"customer_id": list("aabbcd"), "product": list("xyxyxz"),
    ...                    "date": pd.to_datetime(["2024-01-01"] * 5 + ["2024-03-01"])})
    >>> next_best(time_split(tx, "2024-01-31"), ["c"], k=1)[["item", "because_of", "bought_together"]].values.tolist()
    [['y', 'x', 2]]
    >>> next_best(time_split(tx, "2024-01-31"), ["c"], k=1, evidence=False).values.tolist()
    [['c', 1, 'y', '']]
    """
    known = set(split.customers)  # once: a set per customer made this quadratic in the customers asked for
    customers = [str(c) for c in customers if str(c) in known]
    recs = recommend(split, method, k=k, exclude_bought=exclude_bought, customers=customers,
                     descriptions=descriptions)
    labels = pd.Series(descriptions) if descriptions is not None else pd.Series(dtype=str)
    cols = ["customer_id", "rank", "item", "description"]
    if not evidence:  # one frame of all the lists (a frame per customer took seconds for a thousand customers)
        pairs = [(c, r, i) for c in customers for r, i in enumerate(recs.get(c, []), 1)]
        out = pd.DataFrame(pairs, columns=cols[:3])
        return out.assign(description=out["item"].map(labels).fillna("").astype(object))[cols]
    parts = []
    for c in customers:
        items = recs.get(c, [])
        if not items:
            continue
        parts.append(explain(split, c, items).assign(customer_id=c, rank=range(1, len(items) + 1),
                                                     description=[labels.get(i, "") for i in items]))
    cols += ["because_of", "bought_together", "similar_customers_bought"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
