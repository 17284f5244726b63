"""Key-account tiers from value, potential and risk (S001: value = current value + potential + risk).

The one definition of a key account in the workbook: every notebook that needs tiers calls :func:`assign`,
and every notebook that needs "the top customers" calls :func:`top`.

Rule, applied in order (the arguments of :func:`assign`; a study sets them in its ``tiers`` section):

1. **Key account**: among the top ``key_share`` of the candidates by the ranking measure (``rank_by``: past revenue,
   the current value, by default) *and* not at risk.
2. **At-risk key account**: top by the ranking measure, but at risk.
3. **Potential key account**: a candidate not top by the ranking measure, but in the top
   ``key_share`` of the candidates by predicted CLV (potential).
4. **Develop**: in the top ``develop_share`` of all customers by predicted CLV.
5. **Maintain**: everyone else.

The ranking measure (``tiers.rank_by``): **revenue**, past revenue (purchase days in a log without amounts);
**profit**, gross profit (the lines' profit, or their amount less their cost: :func:`customer_profit`), where a
customer with no positive profit is never a key account or a potential one, however large; **clv**, the CLV of the
model the holdout chose (without one, past revenue, and the tiers say so: :attr:`Tiers.rank_note`). The
**candidates** (``tiers.candidates``, :func:`candidates`) are the customers whose attribute (a column of the log,
mapped or not) takes one of the listed values; a customer with several values takes the one on most of their lines
(ties: the value of their latest line). Without candidates every customer is one. Shares are shares of the
candidates. Profit and the candidates' values are read over the window of the ranking revenue (the summary's, from
``clv.calibration_start`` to the end of the log). **Loss-making large customers** (:attr:`Tiers.loss_making`) are
the top ``key_share`` of the candidates by past revenue whose gross profit in that window is negative: flagged
under every rule, never key accounts under the profit rule, and counted among the key accounts under the others
(:attr:`Tiers.n_loss_making_key_accounts`).

Risk is P(alive) < ``min_p_alive``. When P(alive) carries no information (the purchase model is degenerate, no
customer is below the threshold, or, checked on the holdout, it does not rank the customers who bought nothing there
above chance by its interval: :func:`alive_check`), risk falls back to recency: more than ``max_inactive_days`` since the last
purchase (a customer whose last purchase is exactly ``max_inactive_days`` days ago is still active; days are counted
from the summary's recency and T, rounded to 1e-6 of a day, so a unit of weeks does not move the boundary).

**Ties at the cut.** A tie in the ranking is never broken by customer id: when customers of equal value straddle the
cut of a top share, the whole tie block is left out and the share stops before it (:func:`cut`, :func:`top`), so every
key account ranks strictly above every candidate who is not one. :attr:`Tiers.tie_note` says so with the numbers,
and when most of the top share is such a tie (a log where nearly everyone bought once, ranked by purchase days), it
names the study key that would rank more of them. Equal values inside the chosen set are listed in id order, for
display only.

**The key accounts** of a study are the customers in the top share by past revenue at the end of the log, active or
at risk (tiers 1 and 2): :attr:`Tiers.members`. A run computes them once, in :func:`identify` (the identification
notebook calls its steps and records the result); every later notebook reads that result, so "key accounts" is one
set with one count in the whole report. :func:`identify` also holds the one rule for which purchase model values the
customers (the holdout's choice, :func:`kamlib.clv.holdout.select`, or none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import verdicts
from ._results import Result
from .concentration import top_count
from .errors import ArgumentError, KamError, require_columns
from .i18n import Message, join
from .rfm import UNIT_DAYS

__all__ = ["ACCOUNT_COLUMNS", "AliveCheck", "Candidates", "ComeBack", "CustomerValue", "Cut", "INACTIVE_TOO_EARLY", "Identification",
           "KEY_TIERS", "LossMakers", "NURTURED", "ORDER", "RANK_BY", "SERVED", "Tiers", "WINDOW_EVIDENCE_LEVEL", "WINDOW_OWNERS", "Window",
           "account_sheet", "accounts", "alive_check", "assign", "base_note", "candidates", "customer_profit", "customer_value", "cut",
           "day_rule_check", "empty_tiers", "empty_tiers_note", "identify", "inactivity_window", "measure_of", "min_gaps", "risk_phrase",
           "table", "top", "top_by_revenue", "top_by_rule", "unvalued_reason", "value_model_check", "window", "with_profit",
           "without_model"]

ORDER = ["Key account", "At-risk key account", "Potential key account", "Develop", "Maintain"]
#: The tiers whose customers are the key accounts (top share by past revenue, active or at risk).
KEY_TIERS = ("Key account", "At-risk key account")
#: The tiers whose names tell the account team to invest in their customers or keep them.
NURTURED = ("Develop", "Maintain")
#: The tiers the strategy keeps, develops or maintains: the key accounts, the potential ones and :data:`NURTURED`
#: (every tier); :meth:`Tiers.losses_in` counts their loss-making customers by default.
SERVED = (*KEY_TIERS, "Potential key account", *NURTURED)


@dataclass(frozen=True)
class LossMakers(Result):
    """:meth:`Tiers.losses_in`'s result: the loss-making customers of some tiers, and the window their gross profit
    was summed over.

    Attributes
    ----------
    tiers : tuple of str
        The tiers looked at.
    customers : int
        Their customers with a gross profit below zero.
    loss : float
        The sum of those customers' gross profits (zero or negative).
    counts : dict
        Loss-making customers per tier.
    losses : dict
        Their gross profit per tier.
    start, end : str
        The first and last day of the window of the gross profit (the tiers' :attr:`Tiers.start` and
        :attr:`Tiers.as_of`; "" when the tiers do not say), which a sentence about the losses quotes.
    """

    tiers: tuple
    customers: int
    loss: float
    counts: dict
    losses: dict
    start: str = ""
    end: str = ""

    def breakdown(self, currency: str | None = None) -> Message:
        """Per tier, the count and the loss as money in ``currency`` (a study's ``transactions.currency``, shown as
        :func:`kamlib.i18n.number` shows money: "Develop: 64 customers losing 61,939 GBP; Maintain: 1 customer
        losing 21 GBP"), tiers without loss-makers left out.

        Examples
        --------
        >>> from kamlib.tiers import LossMakers
        >>> lost = LossMakers(("Develop", "Maintain"), 3, -25.5, {"Develop": 1, "Maintain": 2},
        ...                   {"Develop": -4.0, "Maintain": -21.5})
        >>> str(lost.breakdown("GBP"))
        'Develop: 1 customer losing 4 GBP; Maintain: 2 customers losing 22 GBP'
        """
        from .i18n import number

        parts = [Message("{tier}: {n:,} customer losing {loss}" if self.counts[t] == 1 else
                         "{tier}: {n:,} customers losing {loss}", "phrase", tier=t, n=self.counts[t],
                         loss=number(-self.losses[t], "money", currency=currency))
                 for t in self.tiers if self.counts[t]]
        return join(parts)


#: The rules that rank the key accounts (a study's ``tiers.rank_by``) and the measure each ranks by, as
#: :attr:`Tiers.rank_by` names it ("purchase days" is the revenue rule on a log without amounts).
RANK_BY = {"revenue": "revenue", "profit": "gross profit", "clv": "CLV"}


@dataclass(frozen=True)
class Cut(Result):
    """:func:`cut`'s result: the top share of customers by a measure, and the tie the cut would have split.

    Attributes
    ----------
    ids : Index
        The customers chosen, largest value first (equal values in id order, for display only).
    wanted : int
        How many customers the share asks for (:func:`kamlib.concentration.top_count`).
    customers : int
        Customers ranked.
    share : float
        The share asked for.
    tied : int
        Customers who share the value at the cut when the cut would split them (0 when it splits no tie).
    tied_value : float
        That value (NaN without a split tie).
    """

    ids: pd.Index
    wanted: int
    customers: int
    share: float
    tied: int = 0
    tied_value: float = float("nan")

    @property
    def left_out(self) -> int:
        """Customers of the top share left out because they tie with customers below it."""
        return self.wanted - len(self.ids)

    @property
    def indistinguishable(self) -> bool:
        """Most of the top share ties with customers below it (more than half of it is left out)."""
        return self.left_out * 2 > self.wanted

    def sentence(self, measure, *, fix=None) -> Message | None:
        """The tie at the cut of the key accounts in one sentence, with the numbers and the study key that changes it
        (None without a split tie). ``measure`` names the ranking measure (a phrase: "purchase days"); ``fix`` is a
        further remedy when most of the top share is indistinguishable (a phrase naming a study key).
        """
        if not self.tied:
            return None
        numbers = dict(share=self.share, wanted=self.wanted, customers=self.customers, tied=self.tied,
                       value=self.tied_value, measure=measure, n=len(self.ids),
                       at_most=len(self.ids) / self.customers if self.customers else 0.0)
        if self.indistinguishable and fix is not None:
            return Message("The top {share:.0%} by {measure} would be {wanted:,} of {customers:,} customers, but most of "
                           "them cannot be told apart: {tied:,} customers tie at {value:g} ({measure}) across the cut, "
                           "so the key accounts stop before that tie and are the {n:,} customers above it; to rank more "
                           "of them, {fix}, or set tiers.key_share to at most {at_most:.2%}.", fix=fix, **numbers)
        if self.indistinguishable:
            return Message("The top {share:.0%} by {measure} would be {wanted:,} of {customers:,} customers, but most of "
                           "them cannot be told apart: {tied:,} customers tie at {value:g} ({measure}) across the cut, "
                           "so the key accounts stop before that tie and are the {n:,} customers above it; to rank more "
                           "of them, set tiers.key_share to at most {at_most:.2%}.", **numbers)
        return Message("The top {share:.0%} by {measure} would be {wanted:,} of {customers:,} customers, but {tied:,} "
                       "customers tie at {value:g} ({measure}) across the cut, and nothing but their id would tell them "
                       "apart, so the key accounts stop before that tie: {n:,} customers.", **numbers)


def cut(values: pd.Series, share: float) -> Cut:
    """The top ``share`` of customers by ``values``: the one "top customers" rule of the workbook.

    :func:`kamlib.concentration.top_count` customers, largest value first, except that **a tie is never broken
    by id**: when customers of equal value straddle the cut (some would be in the top share, some below it), the
    whole tie block is left out and the top share stops before it, so every customer chosen has a larger value than
    every customer not chosen. :attr:`Cut.sentence` says so with the numbers. On a log where nearly everyone bought
    once, the top share by purchase days is then the repeat buyers only, not one-time buyers picked by the text of
    their id.

    Parameters
    ----------
    values : Series
        One value per customer (revenue, CLV, purchase days), indexed by customer id.
    share : float
        Share of customers, in (0, 1].

    Returns
    -------
    Cut

    References
    ----------
    Koch, R. (1998). *The 80/20 Principle*. Nicholas Brealey.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import cut
    >>> c = cut(pd.Series({"b": 5.0, "a": 5.0, "c": 3.0, "d": 3.0, "e": 1.0}), 0.6)
    >>> list(c.ids), c.wanted, c.tied, c.tied_value
    (['a', 'b'], 3, 2, 3.0)
    """
    if not 0 < share <= 1:
        raise KamError(f"the top share must be in (0, 1], got {share}.")
    n = top_count(len(values), share)
    frame = pd.DataFrame({"value": values.to_numpy(dtype=float), "id": values.index.astype(str)},
                         index=values.index)
    order = frame.sort_values(["value", "id"], ascending=[False, True], kind="mergesort")
    if n == 0 or n == len(order):
        return Cut(order.index[:n], n, len(order), float(share))
    sorted_values = order["value"].to_numpy()
    last, after = sorted_values[n - 1], sorted_values[n]
    if last != after:  # the cut falls between two values: no tie is split
        return Cut(order.index[:n], n, len(order), float(share))
    block = sorted_values == last
    first = int(np.argmax(block))
    return Cut(order.index[:first], n, len(order), float(share), int(block.sum()), float(last))


def top(values: pd.Series, share: float) -> pd.Index:
    """The ids of the top ``share`` of customers by ``values`` (:func:`cut`: a tie at the cut is left out, never
    broken by id).

    Parameters
    ----------
    values : Series
        One value per customer (revenue, CLV, purchase days), indexed by customer id.
    share : float
        Share of customers, in (0, 1].

    Returns
    -------
    Index
        Customer ids, largest value first (equal values in id order).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import top
    >>> list(top(pd.Series({"b": 5.0, "a": 5.0, "c": 1.0, "d": 0.0}), 0.5))
    ['a', 'b']
    >>> list(top(pd.Series({"b": 5.0, "a": 5.0, "c": 1.0, "d": 0.0}), 0.25))  # a and b tie at the cut
    []
    """
    return cut(values, share).ids


def top_by_revenue(transactions: pd.DataFrame, share: float) -> pd.Index:
    """The top ``share`` of a log's customers by revenue (by purchase days when the log has no amounts).

    Parameters
    ----------
    transactions : DataFrame
        The log with ``customer_id``, ``date`` and optionally ``amount``.
    share : float
        Share of customers (a study's ``tiers.key_share``).

    Returns
    -------
    Index
        Customer ids as text, largest revenue first (a tie at the cut left out); see :func:`top`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import top_by_revenue
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2, 3], "amount": [5.0, 1.0, 1.0, 9.0],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 4)})
    >>> list(top_by_revenue(tx, 0.34))
    ['3']
    """
    return top(_log_revenue(transactions), share)


def _log_revenue(transactions: pd.DataFrame) -> pd.Series:
    """Each customer's revenue in a log (purchase days when it has no amounts), indexed by id as text."""
    ids = transactions["customer_id"].astype(str)
    if "amount" in transactions:
        value = transactions["amount"].groupby(ids).sum()
    else:  # a log without amounts: the customers with the most purchase days
        value = transactions["date"].dt.normalize().groupby(ids).nunique()
    value.index.name = "customer_id"
    return value


def top_by_rule(transactions: pd.DataFrame, share: float, *, rank_by: str = "revenue",
                candidates: dict | None = None) -> pd.Index:
    """The top ``share`` of a log's customers by a study's key-account rule (``tiers.rank_by``, ``tiers.candidates``):
    the rule of :func:`assign` on a log alone, for a later stage that needs the key accounts of an earlier cut of the
    log (the purchases before a cutoff).

    ``revenue`` is :func:`top_by_revenue` (purchase days without amounts); ``profit`` ranks by gross profit
    (:func:`customer_profit`) and leaves out every customer without a positive one; ``clv`` ranks by past revenue, as
    no purchase model is fitted on the cut (the caller says so). With ``candidates`` the share is a share of the
    candidates (:func:`candidates`).

    Parameters
    ----------
    transactions : DataFrame
        The log (the cut), with ``customer_id``, ``date``, and ``amount`` / ``profit`` as the rule needs.
    share : float
        Share of customers (``tiers.key_share``).
    rank_by : {"revenue", "profit", "clv"}
        The ranking rule.
    candidates : dict, optional
        Column to listed values (``tiers.candidates``).

    Returns
    -------
    Index
        Customer ids as text, first by the measure first (a tie at the cut left out: :func:`cut`).

    Raises
    ------
    ArgumentError
        When ``rank_by`` is ``"profit"`` and the log has no ``profit`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import top_by_rule
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3], "amount": [5.0, 4.0, 9.0], "profit": [1.0, 2.0, -1.0],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 3)})
    >>> list(top_by_rule(tx, 0.67, rank_by="profit")), list(top_by_rule(tx, 0.34))
    (['2', '1'], ['3'])
    """
    if rank_by not in RANK_BY:
        raise ArgumentError(f"rank_by must be one of {', '.join(RANK_BY)}, not {rank_by!r}.", argument="rank_by")
    if rank_by == "profit":  # the one owner of a customer's gross profit, over the whole cut
        if "profit" not in transactions:
            raise ArgumentError("the profit rule ranks by gross profit, and the log has no profit column; map the "
                                "line's profit (transactions.columns.profit) or its total cost "
                                "(transactions.columns.cost), or rank by revenue (tiers.rank_by: revenue).",
                                argument="rank_by")
        value = customer_profit(transactions, end=transactions["date"].max()) if len(transactions) else \
            pd.Series(dtype=float, name="profit")
    else:
        value = _log_revenue(transactions)
    pool = _candidates(transactions, candidates)
    if pool is not None:
        value = value[pool.eligible(value.index)]
    chosen = top(value, share) if len(value) else value.index
    return chosen[(value.loc[chosen] > 0).to_numpy()] if rank_by == "profit" else chosen


@dataclass(frozen=True)
class Tiers(Result):
    """Key-account tiers, the rule that made them and the value measure they rest on: the identify stage's result.

    Attributes
    ----------
    tier : Series
        Ordered categorical tier per customer (:data:`ORDER`).
    risk : str
        ``"p_alive"`` or ``"recency"``: how risk was judged.
    rule : str
        The rule in a few words, for a caption.
    note : str or None
        Why risk was judged by recency (None when P(alive) was used).
    share : float
        The top share of customers by past revenue that are key accounts (``tiers.key_share``).
    develop_share : float
        The top share by the value measure worth developing.
    max_inactive_days : float
        Days without a purchase after which a top customer is at risk when risk is judged by recency.
    min_p_alive : float
        P(alive) below which a top customer is at risk when risk is judged by P(alive).
    rank_by : str
        The rule that ranks the top share, a key of :data:`RANK_BY`: ``"revenue"`` (past revenue; purchase days on a
        log without amounts), ``"profit"`` or ``"clv"`` (the rule applied: ``"revenue"`` when the study asked for
        ``clv`` and no model values the customers). :attr:`measure` names the measure for a reader.
    value_model : str
        The purchase model that values the customers (its :func:`kamlib.clv.label`), "" when none was chosen:
        then no CLV exists in the run and the value measure is past revenue.
    base : DataFrame or None
        The customer table the tiers were drawn from (``revenue``, ``clv``, ``p_alive``, ``recency``, ``T``, ...),
        indexed by customer id.
    as_of : str
        The date the tiers describe ("" when unknown): the last day of the window of the ranking revenue and profit.
    start : str
        The first day of that window (``clv.calibration_start``; "" when unknown).
    unit : str
        The time unit of the summary's ``recency`` and ``T`` (for the days since the last purchase).
    rank_note : str or None
        Why the key accounts are ranked otherwise than the study asked (``rank_by: clv`` without a chosen model),
        None when they are ranked as asked.
    candidates : Candidates or None
        Who may be a key account (:func:`candidates`); None: every customer.
    loss_making : Index or None
        The loss-making large customers: the top share of the candidates by past revenue whose gross profit is
        negative (largest revenue first); None when the log has no profit (no ``profit`` column in ``base``).
    dropout_identified : bool
        A purchase model values the customers and identifies dropout, so P(alive) says who may leave.
    cut : Cut or None
        The top share of the candidates by the ranking measure (:func:`cut`), with the tie it would have split (the
        key accounts stop before such a tie: :attr:`tie_note`); None when there are no candidates.
    unvalued : Message or None
        Why no purchase model values the customers, as a clause (:func:`unvalued_reason`: the evidence check, the
        holdout, no amounts, ...): the one reason every caption and note about the fallback to past revenue reads;
        None when a model values them.
    p_alive_check : AliveCheck or None
        The check of the value model's P(alive) on the holdout (:func:`alive_check`); when it fails, risk is judged
        by recency and :attr:`note` and :func:`risk_phrase` say why. None when no check was made.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import assign
    >>> b = pd.DataFrame({"revenue": [10, 5, 1], "clv": [5, 1, 1], "p_alive": [0.9, 0.2, 0.8],
    ...                   "recency": [4, 1, 4], "T": [5, 5, 5]}, index=["a", "b", "c"])
    >>> t = assign(b, key_share=0.67, develop_share=0.9)
    >>> list(t.members), t.n_key_accounts, t.n_active, t.n_at_risk
    (['a', 'b'], 2, 1, 1)
    """

    tier: pd.Series
    risk: str
    rule: str
    note: str | None
    share: float = 0.2
    develop_share: float = 0.5
    max_inactive_days: float = 180.0
    min_p_alive: float = 0.5
    rank_by: str = "revenue"
    value_model: str = ""
    base: pd.DataFrame | None = None
    as_of: str = ""
    unit: str = "W"
    rank_note: str | None = None
    candidates: Candidates | None = None
    loss_making: pd.Index | None = None
    dropout_identified: bool = False
    cut: Cut | None = None
    start: str = ""
    unvalued: Message | None = None
    p_alive_check: AliveCheck | None = None

    @property
    def measure(self) -> str:
        """The ranking measure as a reader names it: ``"revenue"``, ``"purchase days"`` (the revenue rule on a log
        without amounts), ``"gross profit"`` or ``"CLV"`` (:data:`RANK_BY`), by :func:`measure_of`, which a sentence
        written before the tiers exist reads."""
        return measure_of(self.rank_by, self.base)

    @property
    def selection(self) -> Message:
        """The key-account rule in a few words, for a sentence that quotes the key accounts ("the top 20% by
        revenue", "the top 10% of the candidates (channel: Corporate) by gross profit")."""
        measure = Message(self.measure, "phrase")
        if self.candidates is None:
            return Message("the top {share:.0%} by {measure}", "phrase", share=self.share, measure=measure)
        return Message("the top {share:.0%} of the candidates ({candidates}) by {measure}", "phrase", share=self.share,
                       candidates=self.candidates.phrase(), measure=measure)

    @property
    def tie_note(self) -> Message | None:
        """One sentence when the key accounts stop before a tie at the cut (:func:`cut`), with the numbers and, when
        most of the top share is indistinguishable, the study key that would change it; None without such a tie."""
        if self.cut is None:
            return None
        fix = (Message("map an amount column (transactions.columns.amount) so that revenue ranks them", "phrase")
               if self.measure == "purchase days" else
               Message("rank by a measure that separates them (tiers.rank_by)", "phrase"))
        return self.cut.sentence(Message(self.measure, "phrase"), fix=fix)

    def counts(self) -> dict[str, int]:
        """Customers per tier, every tier of :data:`ORDER` included."""
        return {t: int((self.tier == t).sum()) for t in ORDER}

    @property
    def members(self) -> pd.Index:
        """The key accounts (tiers :data:`KEY_TIERS`), first by the ranking measure first (equal values in id
        order)."""
        ids = self.tier.index[self.tier.isin(KEY_TIERS)]
        if self.base is not None and len(ids):
            return top(self.ranking.loc[ids], 1.0)
        return ids

    @property
    def ranking(self) -> pd.Series:
        """The ranking measure per customer (:attr:`rank_by`: past revenue, purchase days, gross profit or CLV)."""
        if self.base is None:
            raise KamError("these tiers carry no customer table (base); draw them with kamlib.tiers.assign.")
        return _measure(self.base, self.rank_by)

    @property
    def n_loss_making_key_accounts(self) -> int:
        """Key accounts whose gross profit is negative (0 under the profit rule, by the rule; 0 without profit)."""
        if self.base is None or "profit" not in self.base:
            return 0
        return int((self.base["profit"].reindex(self.members) < 0).sum())

    @property
    def n_loss_making(self) -> int:
        """Loss-making large customers (:attr:`loss_making`; 0 without profit)."""
        return 0 if self.loss_making is None else len(self.loss_making)

    def losses_in(self, tiers: tuple = SERVED) -> LossMakers | None:
        """The customers of ``tiers`` who lost money (gross profit below zero, :func:`customer_profit` over the
        window of the ranking revenue) and their total loss: the key accounts and the customers a tier's name says
        to develop or maintain whom the business pays to keep. None when the log has no profit.

        Parameters
        ----------
        tiers : tuple of str
            Tier names (:data:`ORDER`); by default :data:`SERVED`, every tier the strategy keeps, develops or
            maintains (the key accounts among them); :data:`NURTURED` for Develop and Maintain alone.

        Returns
        -------
        LossMakers or None

        Examples
        --------
        >>> import pandas as pd
        >>> from kamlib.tiers import NURTURED, assign
        >>> b = pd.DataFrame({"revenue": [9.0, 5.0, 3.0, 1.0], "clv": 0.0, "p_alive": 1.0, "recency": 1.0, "T": 1.0,
        ...                   "profit": [2.0, -4.0, -1.5, 1.0]}, index=list("abcd"))
        >>> lost = assign(b, key_share=0.25, develop_share=0.5, value_model=False).losses_in(NURTURED)
        >>> lost.customers, lost.loss, lost.counts
        (2, -5.5, {'Develop': 1, 'Maintain': 1})
        >>> t = assign(b, key_share=0.25, develop_share=0.5, value_model=False, start="2011-01-01", as_of="2011-12-09")
        >>> t.losses_in().start, t.losses_in().end  # the window the losses were summed over
        ('2011-01-01', '2011-12-09')
        """
        if self.base is None or "profit" not in self.base:
            return None
        unknown = [t for t in tiers if t not in ORDER]
        if unknown:
            raise ArgumentError(f"unknown tiers {unknown}; use names of kamlib.tiers.ORDER.", argument="tiers")
        profit = self.base["profit"].reindex(self.tier.index)
        lossy = profit < 0
        inside = self.tier.astype(str).isin(tiers).to_numpy()
        counts = {t: int((lossy & (self.tier.astype(str) == t)).sum()) for t in tiers}
        losses = {t: float(profit[lossy & (self.tier.astype(str) == t)].sum()) for t in tiers}
        return LossMakers(tuple(tiers), int((lossy & inside).sum()), float(profit[lossy & inside].sum()), counts,
                          losses, start=self.start, end=self.as_of)

    @property
    def n_key_accounts(self) -> int:
        """How many customers are key accounts (active or at risk)."""
        return int(self.tier.isin(KEY_TIERS).sum())

    @property
    def n_active(self) -> int:
        """Key accounts not at risk (the tier "Key account")."""
        return int((self.tier == KEY_TIERS[0]).sum())

    @property
    def n_at_risk(self) -> int:
        """Key accounts at risk (the tier "At-risk key account")."""
        return int((self.tier == KEY_TIERS[1]).sum())

    @property
    def value_measure(self) -> str:
        """``"clv"`` when a purchase model values the customers, else ``"revenue"`` (past revenue)."""
        return "clv" if self.value_model else "revenue"

@dataclass(frozen=True)
class AliveCheck(Result):
    """Does the chosen purchase model's P(alive) rank the holdout's churners? (:func:`alive_check`)

    Attributes
    ----------
    model : str
        The label of the model whose P(alive) was checked ("" when not given).
    auc : float
        ROC AUC of 1 - P(alive) at the calibration end against churn (no purchase in the holdout), by
        :func:`kamlib.churn.evaluate`.
    ci_lower, ci_upper : float
        Its interval at ``level`` (Hanley & McNeil's standard error, :func:`kamlib.churn.evaluate`).
    n : int
        Customers checked.
    churners : int
        Of them, customers with no purchase in the holdout.
    level : float
        The interval's confidence level.
    reason : str
        Why the check could not run (its AUC is then NaN): P(alive) is then not checked and does not judge risk
        (:func:`value_model_check`); "" for a check that ran.
    """

    model: str
    auc: float
    ci_lower: float
    ci_upper: float
    n: int
    churners: int
    level: float = 0.95
    reason: str = ""

    @property
    def informative(self) -> bool:
        """P(alive) ranks the churners above chance by its whole interval (rule ``p_alive_risk`` of
        :data:`kamlib.verdicts.RULES`), so it may judge key-account risk; never when the check could not run."""
        return not self.reason and bool(verdicts.RULES["p_alive_risk"].met(self.ci_lower))

    @property
    def verdict(self) -> str:
        """``"above chance"`` (the rule is met), ``"below chance"`` (the whole interval below 0.5), ``"not above
        chance"`` (an interval that includes 0.5) or ``"not checked"`` (the check could not run)."""
        if self.reason:
            return "not checked"
        if self.informative:
            return "above chance"
        return "below chance" if self.ci_upper < verdicts.RULES["p_alive_risk"].threshold else "not above chance"

    @property
    def why(self) -> Message:
        """Why P(alive) does not judge risk, as a clause ("P(alive) of BG/CNBD-k ranks the holdout's churners below
        chance: AUC 0.30 (95% CI 0.27 to 0.33)"); for a check that passed, what it showed."""
        numbers = dict(model=self.model or "the chosen model", auc=self.auc, lower=self.ci_lower, upper=self.ci_upper,
                       level=self.level, n=self.n, churners=self.churners)
        if self.reason:
            return Message("P(alive) of {model} could not be checked on the holdout ({reason}), so it does not judge "
                           "risk", "phrase", model=numbers["model"], reason=Message(self.reason, "phrase"))
        if self.verdict == "below chance":
            return Message("P(alive) of {model} ranks the holdout's churners below chance: AUC {auc:.2f} ({level:.0%} "
                           "CI {lower:.2f} to {upper:.2f}; {churners:,} of {n:,} customers bought nothing in the "
                           "holdout)", "phrase", **numbers)
        if self.verdict == "not above chance":
            return Message("P(alive) of {model} does not rank the holdout's churners above chance: AUC {auc:.2f} "
                           "({level:.0%} CI {lower:.2f} to {upper:.2f}, which includes 0.5; {churners:,} of {n:,} "
                           "customers bought nothing in the holdout)", "phrase", **numbers)
        return Message("P(alive) of {model} ranks the holdout's churners above chance: AUC {auc:.2f} ({level:.0%} CI "
                       "{lower:.2f} to {upper:.2f}; {churners:,} of {n:,} customers bought nothing in the holdout)",
                       "phrase", **numbers)

    def summary_frame(self) -> pd.DataFrame:
        """One row: ``model``, ``n``, ``churners``, ``auc``, ``ci_lower``, ``ci_upper``, ``verdict``."""
        return pd.DataFrame([{"model": self.model, "n": self.n, "churners": self.churners, "auc": self.auc,
                              "ci_lower": self.ci_lower, "ci_upper": self.ci_upper, "verdict": self.verdict}])


def alive_check(calibration: pd.DataFrame, p_alive, *, model: str = "", level: float = 0.95) -> AliveCheck | None:
    """Check P(alive) as a risk score on the holdout before the tiers use it: the ROC AUC of 1 - P(alive) at the
    calibration end against churn (no purchase in the holdout), with its interval.

    The tiers judge risk by P(alive) only when the whole interval lies above 0.5 (rule ``p_alive_risk`` of
    :data:`kamlib.verdicts.RULES`: Hosmer, Lemeshow & Sturdivant's 0.5 is no discrimination, and the interval, not
    the point estimate, decides, as Gardner & Altman ask); otherwise :func:`assign` judges risk by recency
    (``max_inactive_days``), as when the model identifies no dropout. The cut-off is chance, not the 0.7 of
    "acceptable" discrimination, because the question is whether P(alive) carries any information about who leaves;
    a score below chance ranks stayers as the risks and must not choose whom to contact. The AUC is
    :func:`kamlib.churn.evaluate`'s (the one owner).

    Parameters
    ----------
    calibration : DataFrame
        :func:`kamlib.rfm.calibration_holdout` (``frequency_holdout``), one row per customer.
    p_alive : array-like
        P(alive) at the calibration end of the same customers, in the same order (from the model fitted on the
        calibration period: :meth:`kamlib.clv.Fitted.p_alive`).
    model : str
        The model's label, for the sentences.
    level : float
        The interval's confidence level.

    Returns
    -------
    AliveCheck or None
        None when the holdout has churners only or buyers only (no AUC), or no finite P(alive).

    References
    ----------
    Hosmer, D. W., Lemeshow, S. & Sturdivant, R. X. (2013). *Applied Logistic Regression*, 3rd ed., Wiley, p. 177.

    Hanley, J. A. & McNeil, B. J. (1982). The meaning and use of the area under a receiver operating characteristic
    (ROC) curve. *Radiology*, 143(1), 29-36.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import alive_check
    >>> cal = pd.DataFrame({"frequency_holdout": [0, 0, 0, 2, 1, 3] * 5})
    >>> check = alive_check(cal, [0.9, 0.8, 0.7, 0.2, 0.3, 0.1] * 5, model="BG/CNBD-k")  # churners look alive
    >>> round(check.auc, 2), check.informative, check.verdict
    (0.0, False, 'below chance')
    >>> str(check.why)[:62]
    "P(alive) of BG/CNBD-k ranks the holdout's churners below chanc"
    """
    from . import churn

    require_columns(calibration, ["frequency_holdout"], where="the calibration summary",
                    fix="build it with kamlib.rfm.calibration_holdout")
    p = np.asarray(p_alive, float)
    if len(p) != len(calibration):
        raise ArgumentError(f"p_alive has {len(p)} values for {len(calibration)} customers of the calibration "
                            "summary; give one per row, in its order.", argument="p_alive")
    y = (calibration["frequency_holdout"].to_numpy(float) == 0).astype(int)
    ok = np.isfinite(p)
    y, p = y[ok], p[ok]
    if not len(y) or len(np.unique(y)) != 2:
        return None
    ev = churn.evaluate(y, 1 - p, level=level, bins=int(min(10, max(2, len(y) // 10))))  # the AUC; bins: its tables
    return AliveCheck(str(model), ev.auc, ev.auc_ci_lower, ev.auc_ci_upper, int(len(y)), int(y.sum()),
                      float(level))


def _risk_phrase(risk: str, max_inactive_days: float, min_p_alive: float, alive: AliveCheck | None = None) -> Message:
    if risk == "recency" and alive is not None and not alive.informative:  # P(alive) failed its check: say so
        return Message("more than {days:g} days since the last purchase, as {why}", "phrase", days=max_inactive_days,
                       why=alive.why)
    if risk == "recency":
        return Message("more than {days:g} days since the last purchase", "phrase", days=max_inactive_days)
    return Message("P(alive) < {min_p_alive:g}", "phrase", min_p_alive=min_p_alive)


def risk_phrase(tiers: Tiers) -> Message:
    """What put a key account at risk in ``tiers``, as a phrase ("more than 180 days since the last purchase").

    Parameters
    ----------
    tiers : Tiers
        From :func:`assign`.

    Returns
    -------
    Message
        The risk rule in a few words (catalogue context ``phrase``).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import assign, risk_phrase
    >>> b = pd.DataFrame({"revenue": [10, 1], "clv": [5, 1], "p_alive": [0.9, 0.2], "recency": [4, 1], "T": [5, 5]})
    >>> str(risk_phrase(assign(b, key_share=0.5, develop_share=0.6)))
    'P(alive) < 0.5'
    """
    return _risk_phrase(tiers.risk, tiers.max_inactive_days, tiers.min_p_alive, tiers.p_alive_check)


def _ranking(base: pd.DataFrame) -> tuple[pd.Series, str]:
    """What ranks the customers by the revenue rule and its name: past revenue (``"revenue"``), or purchase days
    (``frequency + 1``, ``"purchase days"``) when the log has no amounts."""
    if "revenue" in base and base["revenue"].notna().any():
        return base["revenue"].fillna(0.0), "revenue"
    if "frequency" in base:
        return (base["frequency"] + 1).astype(float), "purchase days"
    raise KamError("the tier input has neither revenue nor frequency; compute it with kamlib.clv.customer_base.")


def measure_of(rank_by: str, base: pd.DataFrame | None = None) -> str:
    """The measure rule ``rank_by`` ranks the key accounts by, as a reader names it: the one owner of the words
    (:attr:`Tiers.measure` reads it; a note written before the tiers exist, such as why no CLV is computed, reads it
    with :func:`without_model`).

    Parameters
    ----------
    rank_by : str
        A key of :data:`RANK_BY` (:attr:`Tiers.rank_by`; a study's ``tiers.rank_by`` after :func:`without_model` when
        no purchase model values the customers).
    base : DataFrame, optional
        The customers (``revenue``, ``frequency``): the revenue rule ranks by purchase days on a log without amounts.

    Returns
    -------
    str
        ``"revenue"``, ``"purchase days"``, ``"gross profit"`` or ``"CLV"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import measure_of, without_model
    >>> measure_of(without_model("profit")), measure_of(without_model("clv")), measure_of("clv")
    ('gross profit', 'revenue', 'CLV')
    >>> measure_of("revenue", pd.DataFrame({"revenue": [float("nan")], "frequency": [2]}))
    'purchase days'
    """
    if rank_by == "revenue" and base is not None:
        return _ranking(base)[1]
    return RANK_BY.get(rank_by, rank_by)  # a label, as tiers kept by an older run stored it


def _measure(base: pd.DataFrame, rank_by: str) -> pd.Series:
    """The measure of rule ``rank_by`` (a key of :data:`RANK_BY`, :attr:`Tiers.rank_by`) per customer, missing
    values as 0."""
    if rank_by == "profit":
        return base["profit"].fillna(0.0)
    if rank_by == "clv":
        return base["clv"].fillna(0.0)
    return _ranking(base)[0]


def _days_since_last(base: pd.DataFrame, unit: str) -> pd.Series:
    """Days since each customer's last purchase, from the summary's ``T - recency`` in ``unit`` (rounded to 1e-6 of a
    day: the unit's rounding noise does not move a customer across ``max_inactive_days``)."""
    return ((base["T"] - base["recency"]) * UNIT_DAYS[unit]).round(6)


@dataclass(frozen=True)
class Window(Result):
    """How long a customer may go without a purchase before a rule calls them inactive: from the log's own gaps
    between purchase days (:func:`inactivity_window`), or set by the study.

    Attributes
    ----------
    days : float
        The window: a customer whose last purchase is more than ``days`` days ago is inactive.
    source : str
        ``"log"`` (a percentile of the log's gaps), ``"study"`` (set in the study file) or ``"default"`` (the log
        has no repeat purchases to draw it from, or fewer gaps than :func:`min_gaps`).
    percentile : float
        The percentile of the gaps (``source`` ``"log"``, or ``"default"`` for want of gaps).
    gaps : int
        Gaps between consecutive purchase days the percentile was (or would have been) taken over.
    customers : int
        Customers with at least one gap (repeat buyers).
    median_gap : float
        The median gap, in days (NaN without gaps).
    owner : str
        The rule that uses the window, a key of :data:`WINDOW_OWNERS` (``"tiers"``: key-account risk;
        ``"lifecycle"``: the at-risk and churned stages; ``"check"``: the window drawn from the calibration period to
        check on the holdout; ``"churn"``: what the churn label is compared with); "" when not said.
    start, end : str
        The days of the log the gaps were read from ("" when not drawn from the log).
    drawn : float
        With too few gaps (``source == "default"``, ``0 < gaps < needed``): the window the gaps would have given,
        not used; NaN otherwise.
    needed : int
        The fewest gaps the percentile is drawn from (:func:`min_gaps`); 0 when not drawn from the log.

    Every sentence that shows a window names its owner and its source (:meth:`sentence`), so two windows drawn from
    different spans of one log (the tiers' up to the end of the log, the lifecycle's up to its earlier date) are
    never shown as one number that changed.
    """

    days: float
    source: str = "study"
    percentile: float = np.nan
    gaps: int = 0
    customers: int = 0
    median_gap: float = np.nan
    owner: str = ""
    start: str = ""
    end: str = ""
    drawn: float = np.nan
    needed: int = 0

    @property
    def thin(self) -> bool:
        """The log has gaps, but fewer than :func:`min_gaps` needs: the default stands in for them."""
        return self.source == "default" and 0 < self.gaps < self.needed

    @property
    def name(self) -> Message:
        """The window's owner as a phrase, without an article ("key-account tiers' inactivity window")."""
        return WINDOW_OWNERS.get(self.owner, WINDOW_OWNERS[""])

    @property
    def origin(self) -> Message:
        """Where the number comes from, as a phrase: the study key and its value, and for ``auto`` the span read."""
        if self.source == "study":
            return Message("tiers.max_inactive_days: {days:g}, set in the study", "phrase", days=self.days)
        if self.thin:
            return Message("tiers.max_inactive_days: auto, and the log has only {gaps:,} gaps from {start} to {end}, "
                           "fewer than the {needed:,} its {pct:g} quantile needs, so the default", "phrase",
                           gaps=self.gaps, start=self.start, end=self.end, needed=self.needed, pct=self.percentile)
        if self.source == "default":
            return Message("tiers.max_inactive_days: auto, and the log has no gaps from {start} to {end}, so the "
                           "default", "phrase", start=self.start, end=self.end)
        return Message("tiers.max_inactive_days: auto, the {pct:g} quantile of the log's gaps from {start} to {end}",
                       "phrase", pct=self.percentile, start=self.start, end=self.end)

    def sentence(self) -> Message:
        """The window, its owner and where it comes from, in one sentence."""
        if self.source == "log":
            return Message("The {owner} is {days:g} days without a purchase (tiers.max_inactive_days: auto): the {pct:g} "
                           "quantile of the {gaps:,} gaps between consecutive purchase days of {customers:,} repeat "
                           "buyers from {start} to {end} (median gap {median:g} days).", owner=self.name,
                           days=self.days, pct=self.percentile, gaps=self.gaps, customers=self.customers,
                           median=self.median_gap, start=self.start, end=self.end)
        if self.thin:
            return Message("The {owner} is {days:g} days without a purchase (tiers.max_inactive_days: auto, the default): "
                           "the log has only {gaps:,} gaps between consecutive purchase days of {customers:,} repeat "
                           "buyers from {start} to {end}, fewer than the {needed:,} from which its smallest and largest gap "
                           "bracket the {pct:g} quantile with 95% confidence, so the {drawn:g} days they give are not "
                           "used; set tiers.max_inactive_days to your business's purchase cycle.", owner=self.name,
                           days=self.days, gaps=self.gaps, customers=self.customers, start=self.start, end=self.end,
                           needed=self.needed, pct=self.percentile, drawn=self.drawn)
        if self.source == "default":
            return Message("The {owner} is {days:g} days without a purchase (tiers.max_inactive_days: auto, the default): no "
                           "customer bought on two days from {start} to {end}, so the log has no gaps to draw the window "
                           "from; set tiers.max_inactive_days to your business's purchase cycle.", owner=self.name,
                           days=self.days, start=self.start, end=self.end)
        return Message("The {owner} is {days:g} days without a purchase (tiers.max_inactive_days, set in the study).",
                       owner=self.name, days=self.days)

    def check(self, transactions: pd.DataFrame, *, calibration_end, holdout_end, start=None) -> ComeBack:
        """Check the window on the holdout (:func:`day_rule_check` with this window's days): of the customers who
        bought again in the holdout, how many it had called inactive at ``calibration_end``.

        Parameters
        ----------
        transactions : DataFrame
            The validated log.
        calibration_end, holdout_end : date-like
            The end of the calibration period (where the window is applied) and of the holdout.
        start : date-like, optional
            The first day of the calibration period.

        Returns
        -------
        ComeBack

        Examples
        --------
        >>> import pandas as pd
        >>> from kamlib.tiers import Window
        >>> tx = pd.DataFrame({"customer_id": ["a", "b", "b", "c"],
        ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-08-01", "2024-05-30"])})
        >>> c = Window(90).check(tx, calibration_end="2024-06-30", holdout_end="2024-12-31")
        >>> c.called, c.came_back, c.returned
        (2, 1, 1)
        """
        return day_rule_check(transactions, days=self.days, after=calibration_end, until=holdout_end, start=start,
                              window=self)


#: The rules that use an inactivity window (:attr:`Window.owner`), as a reader names each window.
WINDOW_OWNERS = {
    "tiers": Message("key-account tiers' inactivity window", "phrase"),
    "lifecycle": Message("lifecycle stages' inactivity window", "phrase"),
    "check": Message("inactivity window drawn from the calibration period alone", "phrase"),
    "churn": Message("inactivity window of the calibration period", "phrase"),
    "": Message("inactivity window", "phrase"),
}


#: The confidence with which the smallest and the largest gap of a log must bracket the percentile a window is drawn
#: at (:func:`min_gaps`): the threshold of rule ``window_gaps`` of :data:`kamlib.verdicts.RULES`, which owns it
#: (iterating the registry applies no rule; :func:`min_gaps` reads it, so the report lists it as applied).
WINDOW_EVIDENCE_LEVEL = dict.__getitem__(verdicts.RULES, "window_gaps").threshold


def min_gaps(percentile: float, level: float | None = None) -> int:
    """The fewest gaps between purchase days from which a window is drawn at ``percentile`` of them.

    The ``p`` quantile of the gaps lies between the smallest and the largest of ``n`` gaps unless all ``n`` fall
    below it (probability ``p**n``) or all above it (``(1 - p)**n``), whatever their distribution: the
    distribution-free confidence interval for a quantile from order statistics (Hahn & Meeker 1991; EnvStats'
    ``ciNparN`` computes the same sample size). With fewer gaps than the smallest ``n`` for which
    ``1 - p**n - (1 - p)**n >= level``, even the largest gap observed is not an upper bound of the percentile at
    that confidence: the log cannot say how long its customers' silences run, and a window drawn from it is noise
    (29 gaps for the 0.9 quantile, 59 for the 0.95, at 95%). The level is rule ``window_gaps`` of
    :data:`kamlib.verdicts.RULES` (Hahn & Meeker 1991), read here so that the report's appendix lists it.

    The interval assumes independent gaps, and they are not: several gaps come from one customer, whose own
    purchase rhythm makes them alike, so the effective number of gaps is smaller than their count and the level is
    optimistic; a log of many customers with one or two gaps each is closer to the assumption than one of a few
    customers with many gaps. The count is therefore a floor below which a window is certainly noise, not a
    guarantee above it.

    Parameters
    ----------
    percentile : float
        In (0, 1): the percentile of the gaps (a study's ``tiers.inactive_percentile``).
    level : float, optional
        The confidence level, in (0, 1); by default rule ``window_gaps``'s threshold (0.95).

    Returns
    -------
    int

    References
    ----------
    Hahn, G. J., & Meeker, W. Q. (1991). *Statistical Intervals: A Guide for Practitioners*. Wiley (distribution-free
    confidence intervals for a quantile). EnvStats, R package, ``ciNparN``: sample size for a nonparametric confidence
    interval for a quantile (search.r-project.org/CRAN/refmans/EnvStats/html/ciNparN.html).

    Examples
    --------
    >>> from kamlib.tiers import min_gaps
    >>> min_gaps(0.9), min_gaps(0.95), min_gaps(0.5)
    (29, 59, 6)
    """
    if level is None:
        level = verdicts.RULES["window_gaps"].threshold
    if not 0 < percentile < 1 or not 0 < level < 1:
        raise ArgumentError(f"the percentile and the level must be in (0, 1), got {percentile} and {level}.",
                            argument="percentile")
    n = max(1, int(np.floor(np.log(1 - level) / np.log(max(percentile, 1 - percentile)))))
    while percentile ** n + (1 - percentile) ** n > 1 - level:
        n += 1
    return n


def inactivity_window(transactions: pd.DataFrame, *, end, start=None, percentile: float = 0.9,
                      fallback: float = 180.0, owner: str = "") -> Window:
    """The inactivity window of a log: a high percentile of the gaps between a customer's consecutive purchase days.

    A rule that calls a customer inactive, at risk or churned by time alone should follow the business's purchase
    cycle, not a fixed number of days: a wholesaler whose customers reorder every four months loses no one after
    180 days. Every gap between two consecutive purchase days of a customer (:func:`kamlib.transactions.purchase_days`:
    a refund-only day is not a purchase) from ``start`` to ``end`` counts once; the window is their ``percentile``,
    rounded up to whole days, so that a customer whose silence is longer than ``percentile`` of the log's gaps is
    called inactive. A gap longer than the log's span cannot be observed, so a short log understates the window:
    :meth:`Window.check` checks it on the holdout. With fewer gaps than :func:`min_gaps` (29 for the 0.9 quantile:
    fewer, and even the longest gap observed does not bound the percentile with 95% confidence), the window is the
    ``fallback`` and its sentence says so, with the numbers and the study key to set (``tiers.max_inactive_days``).

    Parameters
    ----------
    transactions : DataFrame
        The validated log (``customer_id``, ``date``, optional ``amount``).
    end : date-like
        The last day read (a study's ``clv.calibration_end`` to check the rule on the holdout, or the end of the log).
    start : date-like, optional
        The first day read.
    percentile : float
        In (0, 1); a study's ``tiers.inactive_percentile``.
    fallback : float
        The window when the log has fewer gaps than :func:`min_gaps` (none when no customer bought on two days):
        ``source == "default"``.
    owner : str
        The rule that uses the window (:attr:`Window.owner`, a key of :data:`WINDOW_OWNERS`).

    Returns
    -------
    Window

    References
    ----------
    Reinartz, W. J., & Kumar, V. (2000). On the profitability of long-life customers in a noncontractual setting.
    *Journal of Marketing*, 64(4), 17-35 (when a customer of a non-contractual business counts as lost depends on
    the purchase cycle).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import inactivity_window
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b", "c"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-03-01", "2024-01-01",
    ...                                            "2024-01-31", "2024-02-01"])})
    >>> w = inactivity_window(tx, end="2024-12-31", percentile=0.5)  # 3 gaps, fewer than the 6 the median needs
    >>> w.days, w.gaps, w.customers, w.source, w.drawn, w.needed
    (180.0, 3, 2, 'default', 30.0, 6)
    >>> six = pd.concat([tx, tx.assign(customer_id=tx["customer_id"] + "2")])
    >>> inactivity_window(six, end="2024-12-31", percentile=0.5).days
    30.0
    """
    from .transactions import purchase_days

    if not 0 < percentile < 1:
        raise ArgumentError(f"the percentile of the gaps must be in (0, 1), got {percentile}.", argument="percentile")
    if owner not in WINDOW_OWNERS:
        raise ArgumentError(f"owner must be one of {', '.join(map(repr, WINDOW_OWNERS))}, not {owner!r}.",
                            argument="owner")
    day = transactions["date"].dt.normalize()
    keep = day <= pd.Timestamp(end).normalize()
    if start is not None:
        keep &= day >= pd.Timestamp(start).normalize()
    days = purchase_days(transactions.loc[keep]).sort_values(["customer_id", "date"], kind="mergesort")
    gaps = days["date"].diff().dt.days.where(days["customer_id"].eq(days["customer_id"].shift()))
    gaps = gaps.dropna()
    read = days["date"] if len(days) else day[keep]
    first = str(pd.Timestamp(start).date()) if start is not None else (str(read.min().date()) if len(read) else "")
    span = dict(owner=owner, start=first, end=str(pd.Timestamp(end).date()))
    if gaps.empty:
        return Window(float(fallback), "default", **span)
    window = float(np.ceil(np.quantile(gaps.to_numpy(dtype=float), percentile)))
    needed = min_gaps(percentile)
    counts = (float(percentile), int(len(gaps)), int(days.loc[gaps.index, "customer_id"].nunique()),
              float(gaps.median()))
    if len(gaps) < needed:  # too few gaps to bound the percentile: the default, said with the numbers
        return Window(float(fallback), "default", *counts, **span, drawn=window, needed=needed)
    return Window(window, "log", *counts, **span, needed=needed)


def window(transactions: pd.DataFrame, setting, *, end, start=None, percentile: float = 0.9,
           owner: str = "") -> Window:
    """The inactivity window a study's ``tiers.max_inactive_days`` means: ``"auto"`` draws it from the log's gaps
    (:func:`inactivity_window`), a number is taken as it is (``source == "study"``).

    Parameters
    ----------
    transactions : DataFrame
        The validated log.
    setting : "auto" or float
        The study's ``tiers.max_inactive_days``.
    end, start : date-like
        The window of the log read (``clv.holdout_end`` and ``clv.calibration_start`` for the tiers).
    percentile : float
        The study's ``tiers.inactive_percentile``.
    owner : str
        The rule that uses the window (:attr:`Window.owner`: ``"tiers"``, ``"lifecycle"``, ``"check"``,
        ``"churn"``), named wherever the window is shown.

    Returns
    -------
    Window

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import window
    >>> window(pd.DataFrame({"customer_id": [], "date": pd.to_datetime([])}), 120, end="2024-12-31").days
    120.0
    """
    if isinstance(setting, str):
        if setting.strip().lower() != "auto":
            raise ArgumentError(f"max_inactive_days must be a number of days or auto, not {setting!r}.",
                                argument="max_inactive_days")
        return inactivity_window(transactions, end=end, start=start, percentile=percentile, owner=owner)
    if owner not in WINDOW_OWNERS:
        raise ArgumentError(f"owner must be one of {', '.join(map(repr, WINDOW_OWNERS))}, not {owner!r}.",
                            argument="owner")
    return Window(float(setting), "study", owner=owner)


#: The limitation a material :class:`ComeBack` of the key-account tiers' window declares (its Chinese: the catalogue's
#: ``finding`` entry); the fields are :meth:`ComeBack.numbers`' (``origin``: :attr:`Window.origin`).
INACTIVE_TOO_EARLY = ("The key-account tiers' inactivity rule calls customers lost too early: of the {returned} customers "
                      "who bought again in the holdout (by {end}) after buying in the calibration period, {back} ({share}) "
                      "had been silent for more than {days} days at its end ({origin}), so the rule had called them "
                      "inactive; that is more than the {cut} of the customers still buying the workbook allows a day rule "
                      "to call inactive (rule still_buying_called, a workbook convention), and {gap_share} of the log's "
                      "gaps between purchase days up to {date} are longer than {days} days; fix: a longer window, a higher "
                      "tiers.inactive_percentile or tiers.max_inactive_days set to the business's purchase cycle in days.")


@dataclass(frozen=True)
class ComeBack(Result):
    """:func:`day_rule_check`'s result: how a day rule (a customer silent for more than ``days`` days is inactive, at
    risk or churned) held up on the purchases after the date it was applied.

    The statistic that decides (:attr:`still_buying_share`, rule ``still_buying_called`` of
    :data:`kamlib.verdicts.RULES`) is the share of the customers who bought again in the check period whom the rule had
    called inactive on its first day: a customer who buys again was still a customer, so it is the share of customers
    still buying that the rule calls lost, whatever share of the customers really dropped out. The share of the
    customers called inactive who came back (:attr:`share`) is reported too, but it decides nothing: it depends on how
    many customers dropped out, which the log does not say, and when nobody drops out every customer called inactive
    comes back sooner or later, however long the window.

    Under purchases at random times at a constant rate (a Poisson process, the purchase models' assumption for an
    active customer; Schmittlein et al. 1987) the time since a customer's last purchase on a fixed date does not depend
    on whether they buy afterwards, and it exceeds ``days`` as often as one of their gaps between purchases does: the
    share of the customers still buying that the rule calls inactive then equals the share of the log's gaps longer
    than ``days`` (:attr:`gap_share`, about ``1 - percentile`` at a window drawn at that percentile of the gaps, and
    its square at twice the window). Customers who buy at different rates make it larger (a slow buyer's long silence
    counts once among the customers, but their few gaps weigh little among the gaps), so the two shares are reported
    side by side and only :attr:`still_buying_share` is judged, against the workbook's convention.

    Attributes
    ----------
    called : int
        Customers who bought by ``calibration_end`` and whose last purchase was more than ``days`` before it.
    came_back : int
        Of them, the customers who bought in the check period (after ``calibration_end``, by ``holdout_end``).
    days : float
        The day rule checked.
    calibration_end, holdout_end : str
        The date the rule was applied and the end of the check.
    window : Window or None
        The window checked (its owner and source name it in :meth:`sentence`).
    returned : int
        Customers who bought by ``calibration_end`` and again in the check period (the customers still buying).
    gaps : int
        Gaps between consecutive purchase days of a customer up to ``calibration_end``.
    longer : int
        Of them, the gaps longer than ``days``.
    """

    called: int
    came_back: int
    days: float
    calibration_end: str
    holdout_end: str
    window: Window | None = None
    returned: int = 0
    gaps: int = 0
    longer: int = 0

    @property
    def share(self) -> float:
        """The share of the called customers who came back (NaN when the rule called no one); reported, not judged."""
        return self.came_back / self.called if self.called else float("nan")

    @property
    def still_buying_share(self) -> float:
        """The share of the customers still buying (who bought again in the check period) whom the rule had called
        inactive: ``came_back / returned`` (NaN when nobody bought again)."""
        return self.came_back / self.returned if self.returned else float("nan")

    @property
    def gap_share(self) -> float:
        """The share of the log's gaps between purchase days up to ``calibration_end`` longer than ``days`` (NaN
        without gaps): what :attr:`still_buying_share` would be if every customer bought at random times at one
        rate."""
        return self.longer / self.gaps if self.gaps else float("nan")

    @property
    def cut(self) -> float:
        """The largest :attr:`still_buying_share` the workbook allows (rule ``still_buying_called``)."""
        return float(verdicts.RULES["still_buying_called"].threshold)

    @property
    def material(self) -> bool:
        """Whether the rule called inactive more of the customers still buying than rule ``still_buying_called``
        allows: the day rule calls customers lost too early, and the report states it as a limitation.

        Examples
        --------
        >>> from kamlib.tiers import ComeBack
        >>> ComeBack(347, 94, 389.0, "2021-12-31", "2022-12-31", returned=300).material  # 94 of 300 buyers: 31%
        True
        >>> ComeBack(347, 94, 389.0, "2021-12-31", "2022-12-31", returned=400).material  # 94 of 400: 24%
        False
        >>> ComeBack(0, 0, 1.0, "", "").material  # nobody bought again: nothing to judge
        False
        """
        return bool(self.returned) and not verdicts.RULES["still_buying_called"].met(self.still_buying_share)

    def numbers(self) -> dict:
        """The values :data:`INACTIVE_TOO_EARLY` and :data:`kamlib.lifecycle.CHURNED_CAME_BACK` name, by field:
        ``returned``, ``back`` (:attr:`came_back`), ``share`` (:attr:`still_buying_share`), ``days``, ``gap_share``,
        ``cut`` (as the rule writes it), ``date``, ``end``."""
        return {"returned": int(self.returned), "back": int(self.came_back),
                "share": round(self.still_buying_share, 4), "days": float(self.days),
                "gap_share": round(self.gap_share, 4), "cut": self.cut, "date": self.calibration_end,
                "end": self.holdout_end}

    def sentence(self) -> Message | None:
        """The check in one sentence, naming the window checked (None when the rule called no one)."""
        if not self.called:
            return None
        name = self.window.name if self.window is not None else WINDOW_OWNERS[""]
        origin = self.window.origin if self.window is not None else Message("as given", "phrase")
        return Message("A check on the holdout of the {window} ({days:g} days; {origin}): of the {called:,} customers it "
                       "called inactive on {cal_end}, {back:,} ({share:.0%}) bought again by {end}.",
                       window=name, days=self.days, origin=origin, called=self.called, cal_end=self.calibration_end,
                       back=self.came_back, share=self.share, end=self.holdout_end)


def day_rule_check(transactions: pd.DataFrame, *, days: float, after, until, start=None,
                   window: Window | None = None) -> ComeBack:
    """Check a day rule on later purchases: on ``after`` it calls inactive every customer whose last purchase was more
    than ``days`` days before; of the customers who bought again after ``after`` and by ``until``, how many had it
    called inactive (:attr:`ComeBack.still_buying_share`, judged by rule ``still_buying_called``), beside the share of
    the log's gaps longer than ``days`` and the share of the called customers who came back. The one check of the
    key-account tiers' window (:meth:`Window.check`) and of the lifecycle's churned stage
    (:func:`kamlib.lifecycle.churned_check`); the counts of who came back are :func:`kamlib.lifecycle.came_back`'s.

    Parameters
    ----------
    transactions : DataFrame
        The validated log (``customer_id``, ``date``, optional ``amount``; a refund-only day is not a purchase).
    days : float
        The rule: more than this many days without a purchase.
    after, until : date-like
        The date the rule is applied and the end of the check.
    start : date-like, optional
        The first day read (earlier purchases are ignored).
    window : Window, optional
        The window the days come from, kept in the result to name it.

    Returns
    -------
    ComeBack

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they and what will
    they do next? *Management Science*, 33(1), 1-24 (purchases at random times while a customer is active).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import day_rule_check
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "c"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-01-01", "2024-08-01",
    ...                                            "2024-05-01", "2024-07-15"])})
    >>> c = day_rule_check(tx, days=90, after="2024-06-30", until="2024-12-31")
    >>> c.called, c.came_back, c.returned, c.gaps, c.longer
    (2, 1, 2, 1, 0)
    >>> c.still_buying_share, c.share
    (0.5, 0.5)
    """
    from .lifecycle import came_back
    from .transactions import purchase_days

    require_columns(transactions, ["customer_id", "date"], where="the transaction log")
    after_, until_ = pd.Timestamp(after).normalize(), pd.Timestamp(until).normalize()
    days_ = purchase_days(transactions)
    if start is not None:
        days_ = days_[days_["date"] >= pd.Timestamp(start).normalize()]
    before = days_[days_["date"] <= after_].sort_values(["customer_id", "date"], kind="mergesort")
    last = before.groupby("customer_id")["date"].max()
    called = pd.Series(np.where((after_ - last).dt.days > days, "inactive", "active"), index=last.index.astype(str))
    rows = came_back(called, days_, after=after_, until=until_, called=("inactive", "active")).set_index("stage")
    gaps = before["date"].diff().dt.days.where(before["customer_id"].eq(before["customer_id"].shift())).dropna()
    return ComeBack(int(rows.loc["inactive", "customers"]), int(rows.loc["inactive", "came_back"]), float(days),
                    str(after_.date()), str(until_.date()), window,
                    returned=int(rows["came_back"].sum()), gaps=int(len(gaps)), longer=int((gaps > days).sum()))


def customer_profit(transactions: pd.DataFrame, *, end, start=None) -> pd.Series:
    """Each customer's gross profit: the sum of their lines' ``profit`` from ``start`` to ``end`` (whole days,
    inclusive), the window of :func:`kamlib.rfm.summary`'s revenue; returns and cancellations net against it, and a
    negative total is a loss.

    Parameters
    ----------
    transactions : DataFrame
        A validated log with ``customer_id``, ``date`` and ``profit`` (:func:`kamlib.transactions.load` gives
        ``profit`` when a study maps ``transactions.columns.profit`` or ``cost``; with ``cost`` it is the amount
        less the cost).
    end : date-like
        The last day counted (a study's ``clv.holdout_end``, the end of the log).
    start : date-like, optional
        The first day counted (``clv.calibration_start``).

    Returns
    -------
    Series
        Gross profit per customer id (text), named ``profit``.

    Raises
    ------
    KamError
        When the log has no ``profit`` column.

    References
    ----------
    Kumar, V., & Reinartz, W. (2016). Creating enduring customer value. *Journal of Marketing*, 80(6), 36-68
    (customer profitability, not revenue, as the value a firm manages).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import customer_profit
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "profit": [5.0, -8.0, 2.0],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"])})
    >>> customer_profit(tx, end="2024-12-31").to_dict()
    {'a': -3.0, 'b': 2.0}
    """
    if "profit" not in transactions:
        raise KamError("the log has no profit column; map the line's profit (transactions.columns.profit) or its "
                       "total cost (transactions.columns.cost), or rank by revenue (tiers.rank_by: revenue).")
    day = transactions["date"].dt.normalize()
    keep = day <= pd.Timestamp(end).normalize()
    if start is not None:
        keep &= day >= pd.Timestamp(start).normalize()
    rows = transactions.loc[keep]
    out = rows["profit"].groupby(rows["customer_id"].astype(str)).sum()
    out.index.name = "customer_id"
    return out.rename("profit")


def with_profit(base: pd.DataFrame, transactions: pd.DataFrame, *, end, start=None) -> pd.DataFrame:
    """``base`` with each customer's gross profit (:func:`customer_profit`, 0 for a customer without a line in the
    window) when the log has profit; else ``base`` unchanged.

    Parameters
    ----------
    base : DataFrame
        The customer table, indexed by customer id.
    transactions : DataFrame
        The validated log.
    end, start : date-like
        The window of ``base``'s revenue (``clv.holdout_end``, ``clv.calibration_start``).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import with_profit
    >>> tx = pd.DataFrame({"customer_id": ["a"], "profit": [-2.0], "date": pd.to_datetime(["2024-01-01"])})
    >>> with_profit(pd.DataFrame({"revenue": [5.0, 1.0]}, index=["a", "b"]), tx, end="2024-12-31")["profit"].tolist()
    [-2.0, 0.0]
    """
    if "profit" not in transactions:
        return base
    profit = customer_profit(transactions, end=end, start=start)
    return base.assign(profit=profit.reindex(base.index.astype(str)).fillna(0.0).to_numpy())


@dataclass(frozen=True)
class Candidates(Result):
    """Who may be a key account: the customers whose attributes take the listed values (:func:`candidates`).

    Attributes
    ----------
    spec : dict
        Column to the listed values (a study's ``tiers.candidates``).
    value : DataFrame
        Each customer's value of every column of ``spec`` (the value on most of their lines; ties: the value of
        their latest line), indexed by customer id (text).
    """

    spec: dict
    value: pd.DataFrame

    def eligible(self, ids) -> np.ndarray:
        """Whether each of ``ids`` is a candidate (a customer without a value is not one)."""
        ids = pd.Index(ids).astype(str)
        ok = np.ones(len(ids), dtype=bool)
        for column, listed in self.spec.items():
            wanted = {_text(v) for v in listed}
            ok &= self.value[column].reindex(ids).map(_text).isin(wanted).to_numpy()
        return ok

    def phrase(self) -> Message:
        """The rule in a few words ("channel: Corporate, Home Office")."""
        parts = [Message("{column}: {values}", "phrase", column=str(c), values=", ".join(map(str, v)))
                 for c, v in self.spec.items()]
        return parts[0] if len(parts) == 1 else join(parts)

    def summary_frame(self) -> pd.DataFrame:
        """Each customer's values."""
        return self.value


def _text(v) -> str | None:
    """A value as text to compare with a study's list: whole numbers without ``.0``."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def candidates(transactions: pd.DataFrame, spec: dict | None, *, end=None, start=None) -> Candidates | None:
    """The key-account candidates of a study's ``tiers.candidates``: each customer's value of the named columns.

    A customer whose lines carry several values of a column (a buyer who moved from Home Office to Corporate)
    takes the value on most of their lines from ``start`` to ``end``; a tie goes to the value of the latest of
    those lines (then to the first in text order).

    Parameters
    ----------
    transactions : DataFrame
        The validated log, with each column of ``spec`` (a mapped role, or a column carried by
        :func:`kamlib.transactions.load`'s ``attributes``).
    spec : dict or None
        Column to the listed values, e.g. ``{"channel": ["Corporate", "Home Office"]}``; None or empty: no
        restriction (returns None).
    end, start : date-like, optional
        The window read (a study's ``clv.holdout_end`` and ``clv.calibration_start``); None: every line.

    Returns
    -------
    Candidates or None

    Raises
    ------
    ArgumentError
        When the log has no column of ``spec`` (``argument="candidates.<column>"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import candidates
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "c", "c"],
    ...                    "channel": ["Home Office", "Corporate", "Corporate", "Consumer", "Consumer", "Corporate"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-01-01",
    ...                                            "2024-01-01", "2024-02-01"])})
    >>> c = candidates(tx, {"channel": ["Corporate", "Home Office"]})
    >>> c.value["channel"].to_dict(), c.eligible(["a", "b", "c"]).tolist()
    ({'a': 'Corporate', 'b': 'Consumer', 'c': 'Corporate'}, [True, False, True])
    """
    if not spec:
        return None
    day = transactions["date"]
    keep = pd.Series(True, index=transactions.index)
    if end is not None:
        keep &= day.dt.normalize() <= pd.Timestamp(end).normalize()
    if start is not None:
        keep &= day.dt.normalize() >= pd.Timestamp(start).normalize()
    rows = transactions.loc[keep]
    values = {}
    for column in spec:
        if column not in transactions:
            raise ArgumentError(f"the log has no column '{column}' to choose the key-account candidates by; map it "
                                "or load it with transactions.load(attributes=...).", argument=f"candidates.{column}")
        frame = pd.DataFrame({"customer_id": rows["customer_id"].astype(str), "value": rows[column].map(_text),
                              "date": rows["date"]}).dropna(subset=["value"])
        g = frame.groupby(["customer_id", "value"], sort=False).agg(lines=("date", "size"), last=("date", "max"))
        g = g.reset_index().sort_values(["customer_id", "lines", "last", "value"],
                                        ascending=[True, False, False, True], kind="mergesort")
        values[column] = g.drop_duplicates("customer_id").set_index("customer_id")["value"]
    value = pd.DataFrame(values)
    value.index.name = "customer_id"
    return Candidates({str(k): [_text(v) for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
                       for k, vs in spec.items()}, value)


_candidates = candidates  # for the functions whose argument of that name is the study's spec


def without_model(rank_by: str) -> str:
    """The rule the tiers rank by when no purchase model values the customers: the study's own, except CLV, which
    falls back to past revenue (:func:`assign`).

    Parameters
    ----------
    rank_by : str
        A key of :data:`RANK_BY` (a study's ``tiers.rank_by``).

    Returns
    -------
    str
        A key of :data:`RANK_BY`.

    Examples
    --------
    >>> from kamlib.tiers import without_model
    >>> without_model("clv"), without_model("profit")
    ('revenue', 'profit')
    """
    return "revenue" if rank_by == "clv" else rank_by


#: The reason :func:`assign` records when its caller gives none and no model values the customers
NO_VALUE_MODEL = Message("no purchase model values the customers", "phrase")


def unvalued_reason(*, amounts: bool = True, compared: bool = True, evidence=None, chosen: str = "",
                    unfitted: bool = False) -> Message | None:
    """Why no purchase model values the customers, as one clause, in the order the identification decides it: the
    log has no amounts (no spend model), the holdout comparison could not run, the evidence check did not show that
    the log identifies dropout (its :attr:`kamlib.clv.evidence.Evidence.reason`: inconclusive, or not identified),
    no model beat past revenue on the holdout, or the chosen model could not be fitted on the whole log. The tiers
    record it (:attr:`Tiers.unvalued`) and every caption and note about the fallback to past revenue reads it there.

    Parameters
    ----------
    amounts : bool
        The log has amounts.
    compared : bool
        The holdout comparison ran.
    evidence : kamlib.clv.evidence.Evidence, optional
        The evidence check (None: it did not run).
    chosen : str
        The model the holdout chose ("" for none).
    unfitted : bool
        The chosen model could not be fitted on the whole log (:func:`customer_value`'s reason).

    Returns
    -------
    Message or None
        The clause (catalogue context ``phrase``), None when ``chosen`` values the customers.

    Examples
    --------
    >>> from kamlib.tiers import unvalued_reason
    >>> str(unvalued_reason(chosen=""))
    'no purchase model beat a sort by past revenue on the holdout'
    >>> unvalued_reason(chosen="bgnbd") is None
    True
    """
    if not amounts:
        return Message("the log has no amounts, so no spend model values a purchase", "phrase")
    if not compared:
        return Message("the holdout comparison could not run, so no purchase model has shown that it ranks customers "
                       "better than past revenue", "phrase")
    if evidence is not None and not evidence.adequate:
        return evidence.reason
    if not chosen:
        return Message("no purchase model beat a sort by past revenue on the holdout", "phrase")
    if unfitted:
        return Message("the model chosen on the holdout could not be fitted on the whole log", "phrase")
    return None


def assign(base: pd.DataFrame, *, key_share: float = 0.2, develop_share: float = 0.5,
           min_p_alive: float = 0.5, max_inactive_days: float = 180, unit: str = "D",
           degenerate: bool = False, value_model: str | bool = "CLV", as_of: str = "", rank_by: str = "revenue",
           candidates: Candidates | None = None, start: str = "", unvalued: Message | None = None,
           p_alive_check: AliveCheck | None = None) -> Tiers:
    """Key-account tier per customer from value, potential and risk (rule in the module docstring).

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue`` (current value), ``clv`` (potential), ``p_alive`` (risk), and ``recency`` and
        ``T`` (the recency fallback), as :func:`kamlib.clv.customer_base` returns; ``profit`` (gross profit,
        :func:`customer_profit`) for the profit rule, and to flag loss-making large customers under any rule.
    key_share : float
        Top share of the candidates by the ranking measure (key accounts) and by CLV (potential key accounts); see
        :func:`top`.
    develop_share : float
        Top share of all customers by CLV that is worth developing (above ``key_share``).
    min_p_alive : float
        P(alive) below which a top customer is at risk.
    max_inactive_days : float
        Days since the last purchase after which a top customer is at risk, when risk falls back to recency.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T``.
    degenerate : bool
        The purchase model behind ``p_alive`` cannot identify dropout (:attr:`kamlib.clv.Fitted.degenerate`):
        judge risk by recency.
    value_model : str or bool
        The label of the purchase model that earned the right to value the customers on the holdout
        (:func:`kamlib.clv.holdout.choose`), whose CLV is ``base["clv"]`` (recorded in :attr:`Tiers.value_model`;
        True is read as "CLV"); "" or False for none. Without one there is no potential tier (it would rank by a
        forecast that does not beat past revenue): development is ranked by the ranking measure and risk by recency.
    as_of : str
        The date the tiers describe, for the result: the last day of the window of ``base``'s revenue and profit.
    start : str
        The first day of that window (a study's ``clv.calibration_start``), for the result (:attr:`Tiers.start`,
        :attr:`LossMakers.start`).
    rank_by : {"revenue", "profit", "clv"}
        What ranks the key accounts (a study's ``tiers.rank_by``; :data:`RANK_BY`): past revenue (purchase days
        without amounts), gross profit (``base["profit"]``; no customer without a positive profit is a key account
        or a potential one) or the CLV of ``value_model`` (past revenue when there is none, said in
        :attr:`Tiers.rank_note`; no potential tier, as the key accounts are the top by CLV).
    candidates : Candidates, optional
        Who may be a key account or a potential one (:func:`candidates`); the shares are shares of them.
    unvalued : Message, optional
        Why no model values the customers (:func:`unvalued_reason`), which the caption phrase, the notes and
        :attr:`Tiers.unvalued` read; without ``value_model`` and without it, "no purchase model values the
        customers" (:data:`NO_VALUE_MODEL`), which claims no reason.
    p_alive_check : AliveCheck, optional
        The value model's P(alive) checked on the holdout (:func:`alive_check`): when it does not rank the churners
        above chance by its interval, risk is judged by recency, and the note and the caption say why.

    Returns
    -------
    Tiers
        The tier per customer, the risk rule used, a caption phrase and the note on a fallback.

    References
    ----------
    Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid: creating and serving profitable
    customers. *California Management Review*, 43(4), 118-142.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import alive_check, assign, risk_phrase
    >>> b = pd.DataFrame({"revenue": [10, 1], "clv": [5, 1], "p_alive": [0.9, 0.2], "recency": [4, 1], "T": [5, 5]})
    >>> t = assign(b, key_share=0.5, develop_share=0.6)
    >>> t.tier.astype(str).tolist(), t.risk
    (['Key account', 'Maintain'], 'p_alive')
    >>> edge = pd.DataFrame({"revenue": [10, 1], "clv": [5, 1], "p_alive": [0.9, 0.9], "recency": [0, 0],
    ...                      "T": [180 / 7, 1]})  # exactly 180 days since the last purchase, in weeks
    >>> assign(edge, key_share=0.5, develop_share=0.6, unit="W", degenerate=True).tier.astype(str).tolist()
    ['Key account', 'Maintain']
    >>> assign(b, key_share=0.5, develop_share=0.6, degenerate=True).risk
    'recency'
    >>> assign(b, key_share=0.5, develop_share=0.6, value_model=False).tier.astype(str).tolist()
    ['Key account', 'Maintain']
    >>> bad = alive_check(pd.DataFrame({"frequency_holdout": [0, 3] * 4}), [0.9, 0.1] * 4, model="BG/NBD")
    >>> t = assign(b, key_share=0.5, develop_share=0.6, p_alive_check=bad)  # P(alive) ranks churners below chance
    >>> t.risk, str(risk_phrase(t))[:71]
    ('recency', 'more than 180 days since the last purchase, as P(alive) of BG/NBD ranks')
    >>> lossy = b.assign(profit=[-3.0, 0.5])  # the largest customer loses money: not a key account by profit
    >>> t = assign(lossy, key_share=0.5, develop_share=0.6, value_model=False, rank_by="profit")
    >>> t.tier.astype(str).tolist(), list(t.loss_making), t.rank_by, t.measure
    (['Maintain', 'Key account'], [0], 'profit', 'gross profit')
    """
    if not 0 < key_share < develop_share < 1:
        raise KamError(f"tiers need 0 < key_share < develop_share < 1, got {key_share} and {develop_share}.")
    if unit not in UNIT_DAYS:
        raise KamError(f"unknown time unit {unit!r}; use one of {sorted(UNIT_DAYS)}.")
    if rank_by not in RANK_BY:
        hint = (" (the customer-value index is not available yet)" if str(rank_by).strip().lower() == "value_index"
                else "")
        raise ArgumentError(f"rank_by must be one of {', '.join(RANK_BY)}, not {rank_by!r}{hint}.",
                            argument="rank_by")
    require_columns(base, ["clv", "p_alive"], where="the tier input", fix="compute them with kamlib.clv.customer_base")
    if rank_by == "profit" and "profit" not in base:
        raise ArgumentError("the profit rule needs each customer's gross profit (a profit column in the tier input); "
                            "map transactions.columns.profit or cost and add it with kamlib.tiers.customer_profit, or "
                            "rank by revenue.", argument="rank_by")
    p_min = float(base["p_alive"].min()) if len(base) else np.nan
    note = None
    model_label = value_model if isinstance(value_model, str) else "CLV" if value_model else ""
    value_model = bool(value_model)
    identified = value_model and not degenerate
    degenerate = degenerate or not value_model
    unvalued = None if value_model else (unvalued if unvalued is not None else NO_VALUE_MODEL)
    revenue, revenue_name = _ranking(base)
    rank_note = None
    if rank_by == "clv" and not value_model:
        rank_by = without_model(rank_by)
        rank_note = Message("The key accounts are ranked by {measure}, not by CLV (tiers.rank_by: clv), since {why}.",
                            measure=Message(measure_of(rank_by, base), "phrase"), why=unvalued)
    measure_name = measure_of(rank_by, base)
    ranking = _measure(base, rank_by)
    rejected = p_alive_check is not None and not p_alive_check.informative  # P(alive) fails its holdout check
    if degenerate or p_min >= min_p_alive or rejected:
        require_columns(base, ["recency", "T"], where="the tier input",
                        fix="compute them with kamlib.clv.customer_base")
        why = (Message("the log has no amounts, so no purchase model values the customers") if revenue_name != "revenue" else
               unvalued if not value_model else
               Message("the purchase model cannot identify dropout (its parameters are at a bound)") if degenerate
               else p_alive_check.why if rejected
               else Message("P(alive) is at least {p_min:.2f} for every customer, so no one would be at risk by it",
                            p_min=p_min))
        note = Message("Key-account risk is judged by recency, not P(alive): a top customer is at risk after {days:g} "
                       "days without a purchase (tiers.max_inactive_days), because {why}.", days=max_inactive_days,
                       why=why)
        alive = _days_since_last(base, unit) <= max_inactive_days
        risk = "recency"
    else:
        alive = base["p_alive"] >= min_p_alive
        risk = "p_alive"
    checked = p_alive_check if value_model and not degenerate else None  # a check of a P(alive) the tiers had
    risk_rule = _risk_phrase(risk, max_inactive_days, min_p_alive, checked)
    eligible = candidates.eligible(base.index) if candidates is not None else np.ones(len(base), dtype=bool)
    pool = base.index[eligible]
    profitable = (base["profit"].fillna(0.0) > 0).to_numpy() if rank_by == "profit" else np.ones(len(base), bool)
    key_cut = cut(ranking.loc[pool], key_share) if len(pool) else None
    top_rank = base.index.isin(key_cut.ids) & profitable if key_cut is not None else np.zeros(len(base), bool)
    by_clv = base["clv"] if value_model else ranking
    potential = (base.index.isin(top(by_clv.loc[pool], key_share)) if len(pool) else np.zeros(len(base), bool)) \
        & value_model & profitable & (rank_by != "clv")
    develop = base.index.isin(top(by_clv, develop_share))
    tier = pd.Series("Maintain", index=base.index)
    tier[develop] = "Develop"
    tier[potential & ~top_rank] = "Potential key account"
    tier[top_rank & ~alive] = "At-risk key account"
    tier[top_rank & alive] = "Key account"
    loss_making = None
    if "profit" in base and revenue_name == "revenue" and len(pool):
        large = top(revenue.loc[pool], key_share)
        loss_making = large[(base["profit"].reindex(large) < 0).to_numpy()]
    rule = _rule(key_share, measure_name, value_model, risk_rule, candidates, unvalued)
    if key_cut is not None and key_cut.left_out > 0:  # the caption states the share the key accounts actually are
        rule = Message("{rule}; the key accounts are {n:,} of {customers:,} ({actual:.1%}), fewer than the {share:.0%} "
                       "asked, because {tied:,} customers tie at {value:g} ({measure}) across the cut", "phrase",
                       rule=rule, n=len(key_cut.ids), customers=key_cut.customers,
                       actual=len(key_cut.ids) / key_cut.customers if key_cut.customers else 0.0, share=key_share,
                       tied=key_cut.tied, value=key_cut.tied_value, measure=Message(measure_name, "phrase"))
    return Tiers(pd.Series(pd.Categorical(tier, categories=ORDER, ordered=True), index=base.index, name="tier"),
                 risk, rule, note, share=float(key_share), develop_share=float(develop_share),
                 max_inactive_days=float(max_inactive_days), min_p_alive=float(min_p_alive), rank_by=rank_by,
                 value_model=model_label if value_model else "",
                 base=base, as_of=str(as_of), unit=unit, rank_note=rank_note, candidates=candidates,
                 loss_making=loss_making, dropout_identified=bool(identified), cut=key_cut,
                 start=str(pd.Timestamp(start).date()) if start else "", unvalued=unvalued,
                 p_alive_check=checked)


def base_note(base: pd.DataFrame, transactions: pd.DataFrame, *, end, start=None) -> Message | None:
    """The customers the tiers rank, when they are fewer than the log's customers in the window: the summary
    (:func:`kamlib.rfm.summary`) keeps a customer only with a purchase day (a day whose lines sum to zero or more),
    so a customer with refunds only is in the log but not in the tiers, and a share "of customers" in the tiers is
    a share of the smaller base.

    Parameters
    ----------
    base : DataFrame
        The tiers' customer table (indexed by customer id).
    transactions : DataFrame
        The log (``customer_id``, ``date``).
    end, start : date-like
        The window of ``base`` (``start`` None: from the first line).

    Returns
    -------
    Message or None
        A phrase naming the base and the customers left out ("the 1,302 customers with a purchase from 2010-12-01 to
        2011-12-09; 7 customers with refunds only are left out"); None when every customer of the window is in
        ``base``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import base_note
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "c"], "date": pd.to_datetime(["2011-01-05"] * 3),
    ...                    "amount": [10.0, 4.0, -3.0]})
    >>> base = pd.DataFrame({"revenue": [10.0, 4.0]}, index=["a", "b"])  # c returned goods only
    >>> str(base_note(base, tx, end="2011-12-09", start="2011-01-01"))
    'the 2 customers with a purchase from 2011-01-01 to 2011-12-09; 1 customer with refunds only is left out'
    >>> base_note(base, tx.iloc[:2], end="2011-12-09") is None
    True
    """
    require_columns(transactions, ["customer_id", "date"], where="the transaction log",
                    fix="load it with kamlib.transactions.load")
    dates = pd.to_datetime(transactions["date"])
    inside = dates.dt.normalize() <= pd.Timestamp(end)
    if start is not None:
        inside &= dates.dt.normalize() >= pd.Timestamp(start)
    ids = pd.Index(transactions.loc[inside.to_numpy(), "customer_id"].astype(str).unique())
    left = int(len(ids.difference(base.index.astype(str))))
    if not left:
        return None
    first = str(pd.Timestamp(start).date()) if start is not None else str(dates[inside].min().date())
    numbers = dict(n=len(base), start=first, end=str(pd.Timestamp(end).date()), left=left)
    if left == 1:
        return Message("the {n:,} customers with a purchase from {start} to {end}; {left:,} customer with refunds "
                       "only is left out", "phrase", **numbers)
    return Message("the {n:,} customers with a purchase from {start} to {end}; {left:,} customers with refunds only "
                   "are left out", "phrase", **numbers)


def _rule(share: float, measure: str, value_model: bool, risk: Message, candidates: Candidates | None,
          unvalued: Message | None = None) -> Message:
    """The tier rule in a few words, for a caption (:attr:`Tiers.rule`); without a value model, the potential tier's
    absence gives the tiers' reason (``unvalued``, :attr:`Tiers.unvalued`)."""
    no_potential = Message("no potential tier, since {why}", "phrase", why=unvalued or NO_VALUE_MODEL)
    if candidates is None and measure == "revenue":
        if value_model:
            return Message("value: top {share:.0%} by revenue; potential: top {share:.0%} by CLV; risk: {risk}",
                           "phrase", share=share, risk=risk)
        return Message("value: top {share:.0%} by revenue; {potential}; risk: {risk}", "phrase", share=share,
                       potential=no_potential, risk=risk)
    if candidates is None and measure == "purchase days":
        return Message("value: top {share:.0%} by purchase days (the log has no amounts); no potential tier; risk: "
                       "{risk}", "phrase", share=share, risk=risk)
    by = (Message("gross profit (no customer without a positive profit)", "phrase") if measure == RANK_BY["profit"]
          else Message("CLV", "phrase") if measure == RANK_BY["clv"]
          else Message("purchase days (the log has no amounts)", "phrase") if measure == "purchase days"
          else Message("revenue", "phrase"))
    potential = (Message("no potential tier (the key accounts are the top by CLV)", "phrase")
                 if measure == RANK_BY["clv"] else
                 Message("potential: top {share:.0%} by CLV", "phrase", share=share) if value_model else
                 no_potential)
    if candidates is None:
        return Message("value: top {share:.0%} by {measure}; {potential}; risk: {risk}", "phrase", share=share,
                       measure=by, potential=potential, risk=risk)
    return Message("value: top {share:.0%} of the candidates ({candidates}) by {measure}; {potential}; risk: {risk}",
                   "phrase", share=share, candidates=candidates.phrase(), measure=by, potential=potential, risk=risk)


def table(base: pd.DataFrame, tier: Tiers | pd.Series) -> pd.DataFrame:
    """Tier sizes and their shares of customers, past revenue and CLV.

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue``, ``clv`` and ``p_alive``.
    tier : Tiers or Series
        From :func:`assign` (or its ``tier``).

    Returns
    -------
    DataFrame
        ``tier``, ``customers``, ``revenue``, ``clv``, ``mean_p_alive``, ``customer_share``, ``revenue_share``,
        ``clv_share``, and ``profit`` (gross profit) and ``loss_making`` (customers with a negative one) when
        ``base`` has ``profit``; every tier appears, empty ones with 0 customers.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import assign, table
    >>> b = pd.DataFrame({"revenue": [10, 1], "clv": [5, 1], "p_alive": [0.9, 0.2]})
    >>> table(b, assign(b, key_share=0.5, develop_share=0.6))[["tier", "customers"]].T.to_numpy().tolist()
    [['Key account', 'At-risk key account', 'Potential key account', 'Develop', 'Maintain'], [1, 0, 0, 0, 1]]
    """
    if isinstance(tier, Tiers):
        tier = tier.tier
    g = base.assign(tier=tier).groupby("tier", observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(), "clv": g["clv"].sum(),
                        "mean_p_alive": g["p_alive"].mean()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["clv_share"] = out["clv"] / out["clv"].sum()
    if "profit" in base:
        out["profit"] = g["profit"].sum()
        out["loss_making"] = (base["profit"] < 0).groupby(tier, observed=False).sum().astype("int64")
    return out.reset_index()


def empty_tiers(table_df: pd.DataFrame) -> list[str]:
    """The tiers no customer falls in, in the table's order: the one list the tier figure leaves out
    (:func:`kamlib.plots.plot_tiers`), its caption names and :func:`empty_tiers_note` says.

    Parameters
    ----------
    table_df : DataFrame
        From :func:`table` (``tier``, ``customers``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import empty_tiers
    >>> empty_tiers(pd.DataFrame({"tier": ["Key account", "Potential key account", "Develop"], "customers": [3, 0, 0]}))
    ['Potential key account', 'Develop']
    """
    require_columns(table_df, ["tier", "customers"], where="the tier table", fix="pass kamlib.tiers.table(...)")
    return [str(t) for t, n in zip(table_df["tier"], table_df["customers"]) if n == 0]


def empty_tiers_note(table_df: pd.DataFrame, *, by_construction=()) -> Message | None:
    """One sentence naming the tiers no customer falls in (:func:`empty_tiers`; None when every tier has customers).

    Parameters
    ----------
    table_df : DataFrame
        From :func:`table`.
    by_construction : iterable of str
        Tiers empty by the rule itself (the potential tier without a value model, :func:`assign`): not named.

    Returns
    -------
    Message or None

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import empty_tiers_note
    >>> str(empty_tiers_note(pd.DataFrame({"tier": ["Key account", "Develop"], "customers": [3, 0]})))
    'No customer falls in the tier Develop; check the tier thresholds (tiers.* in a study) against the data.'
    """
    empty = [t for t in empty_tiers(table_df) if t not in set(by_construction)]
    if not empty:
        return None
    return Message(f"No customer falls in the tier{'s' if len(empty) > 1 else ''} {{tiers}}; check the tier "
                   "thresholds (tiers.* in a study) against the data.", tiers=empty)


#: The columns of the account list (:func:`accounts`) and the kind of their values (:func:`kamlib.i18n.column_kind`),
#: which gives a header its unit (the currency of money, days; None: words, no unit); a candidate attribute column keeps
#: its own name. The next best products (product names, as the log has them) and their method (a code, shown in words)
#: come from the personalisation stage.
ACCOUNT_COLUMNS = {"customer_id": None, "tier": None, "revenue": "money", "orders": "count",
                   "profit": "money", "clv": "money", "loss_making": None, "candidate": None,
                   "p_alive": "probability", "at_risk": None, "recency_days": "days",
                   "next_best_products": None, "next_best_method": None}
#: How the account list joins a key account's next best products in one cell (best first).
NEXT_BEST_SEPARATOR = "; "
_MEASURE_COLUMN = {"revenue": "revenue", "purchase days": "orders", RANK_BY["profit"]: "profit",
                   RANK_BY["clv"]: "clv"}


def accounts(tiers: Tiers, *, next_best: pd.DataFrame | None = None, method: str | None = None) -> pd.DataFrame:
    """The account list: one row per customer of the tiers, for the account team (a study writes it as
    ``reports/<study>/accounts.csv`` and ``accounts.xlsx``, :func:`account_sheet`).

    The columns (:data:`ACCOUNT_COLUMNS`), those that apply: ``customer_id``; ``tier``; the ranking measure
    (``revenue``, ``orders`` (purchase days), ``profit`` or ``clv``, :attr:`Tiers.rank_by`) and the value measure
    (``clv`` when a model values the customers, else ``revenue``, or ``orders`` without amounts), once when
    they are the same; ``profit`` and ``loss_making`` (gross profit below 0) when the log has profit; each candidate
    attribute (its column's name) and ``candidate`` when the tiers restrict the candidates; ``p_alive`` when a
    purchase model values the customers and identifies dropout (:attr:`Tiers.dropout_identified`); ``at_risk`` by
    the tiers' risk rule (:func:`risk_phrase`), applied to every customer; ``recency_days`` (days since the last
    purchase); with ``next_best``, ``next_best_products`` (each key account's products, best first, by name, the
    code when the log has no name or names two of them alike, joined by :data:`NEXT_BEST_SEPARATOR`) and
    ``next_best_method`` (the method that chose them). Rows run by tier (:data:`ORDER`), then by the ranking measure, largest first (ties by id).

    The next best products come from the personalisation stage (``45_personalisation``), which runs after the tiers
    and writes the list again with them: the method its evaluation chose (popularity when no personalised method
    beat it, :func:`kamlib.act.recommend.next_best_method`), trained on every purchase
    (:func:`kamlib.act.recommend.whole`), for every key account (tiers :data:`KEY_TIERS`). A customer who is not a
    key account, or a key account the method has nothing for, has empty cells; a run without that stage (a log
    without products, or the stage not in the study) has the list without the two columns.

    Parameters
    ----------
    tiers : Tiers
        From :func:`assign` (with its ``base``).
    next_best : DataFrame, optional
        One row per recommended product: ``customer_id``, ``rank`` (1 best), ``item`` and optionally
        ``description`` (:func:`kamlib.act.recommend.next_best`); rows of customers who are not key accounts are
        left out.
    method : str, optional
        The method that chose them (a code of :data:`kamlib.act.recommend.METHODS`); needed with ``next_best``.

    Returns
    -------
    DataFrame

    Raises
    ------
    ArgumentError
        When ``next_best`` lacks a column or comes without ``method``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import accounts, assign
    >>> b = pd.DataFrame({"revenue": [10.0, 1.0, 4.0], "clv": [5.0, 1.0, 2.0], "p_alive": [0.9, 0.2, 0.8],
    ...                   "recency": [4, 1, 4], "T": [5, 5, 5], "profit": [2.0, -1.0, 0.5]}, index=["a", "b", "c"])
    >>> t = assign(b, key_share=0.34, develop_share=0.67, unit="D")
    >>> accounts(t)[["customer_id", "tier", "revenue", "clv", "loss_making", "at_risk"]].values.tolist()
    [['a', 'Key account', 10.0, 5.0, False, False], ['c', 'Develop', 4.0, 2.0, False, False], ['b', 'Maintain', 1.0, 1.0, True, True]]
    >>> nb = pd.DataFrame({"customer_id": ["a", "a", "c"], "rank": [2, 1, 1], "item": ["x9", "y1", "z"],
    ...                    "description": ["", "RED MUG", "TEA"]})
    >>> listed = accounts(t, next_best=nb, method="itemcf")  # c is not a key account: empty cells
    >>> listed[["customer_id", "next_best_products", "next_best_method"]].fillna("").values.tolist()
    [['a', 'RED MUG; x9', 'itemcf'], ['c', '', ''], ['b', '', '']]
    """
    base = tiers.base
    if base is None:
        raise KamError("these tiers carry no customer table (base); draw them with kamlib.tiers.assign.")
    ids = base.index.astype(str)
    out = pd.DataFrame({"customer_id": ids, "tier": tiers.tier.astype(str).to_numpy()})
    ranking = tiers.ranking
    out[_MEASURE_COLUMN[tiers.measure]] = ranking.to_numpy()
    revenue, revenue_name = _ranking(base)
    value_column, value = (("clv", base["clv"]) if tiers.value_model else (_MEASURE_COLUMN[revenue_name], revenue))
    if value_column not in out:
        out[value_column] = value.to_numpy()
    if "profit" in base:
        if "profit" not in out:
            out["profit"] = base["profit"].to_numpy()
        out["loss_making"] = (base["profit"] < 0).to_numpy()
    if tiers.candidates is not None:
        for column in tiers.candidates.spec:
            if column not in out:
                out[column] = tiers.candidates.value[column].reindex(ids).to_numpy()
        out["candidate"] = tiers.candidates.eligible(ids)
    if tiers.dropout_identified:
        out["p_alive"] = base["p_alive"].to_numpy()
    days = _days_since_last(base, tiers.unit) if {"recency", "T"} <= set(base.columns) else None
    if tiers.risk == "p_alive":
        out["at_risk"] = (base["p_alive"] < tiers.min_p_alive).to_numpy()
    elif days is not None:
        out["at_risk"] = (days > tiers.max_inactive_days).to_numpy()
    if days is not None:
        out["recency_days"] = days.round(1).to_numpy()
    if next_best is not None:
        out["next_best_products"], out["next_best_method"] = _next_best_cells(next_best, method, out)
    out["_order"] = pd.Categorical(out["tier"], categories=ORDER, ordered=True).codes
    out["_rank"] = ranking.to_numpy()
    out = out.sort_values(["_order", "_rank", "customer_id"], ascending=[True, False, True], kind="mergesort")
    return out.drop(columns=["_order", "_rank"]).reset_index(drop=True)


def _next_best_cells(next_best: pd.DataFrame, method: str | None, out: pd.DataFrame) -> tuple[list, list]:
    """The account list's ``next_best_products`` and ``next_best_method`` cells, row by row of ``out`` (None off
    the key accounts and where the method has no product)."""
    missing = [c for c in ("customer_id", "rank", "item") if c not in next_best.columns]
    if missing:
        raise ArgumentError(f"the next best products have no column '{missing[0]}'; pass the frame of "
                            "kamlib.act.recommend.next_best (customer_id, rank, item, description).", argument="next_best")
    if not method:
        raise ArgumentError("the next best products come without the method that chose them; pass method= (e.g. "
                            "the method of kamlib.act.recommend.next_best_method).", argument="method")
    rows = next_best.assign(customer_id=next_best["customer_id"].astype(str)).sort_values(["customer_id", "rank"],
                                                                                        kind="mergesort")
    codes = rows["item"].astype(str)
    names = codes
    if "description" in rows:
        text = rows["description"].fillna("").astype(str).str.strip()
        names = text.where(text != "", codes)
        # two products of one name in a cell (the log names some alike) are told apart by their codes
        twice = names.groupby(rows["customer_id"]).transform(lambda v: v.duplicated(keep=False)) & (names != codes)
        names = names.where(~twice, names + " (" + codes + ")")
    joined = names.groupby(rows["customer_id"], sort=False).agg(NEXT_BEST_SEPARATOR.join)
    key = out["tier"].isin(KEY_TIERS).to_numpy()
    products = [joined.get(c) if k else None for c, k in zip(out["customer_id"], key)]
    return products, [method if p else None for p in products]


def account_sheet(frame: pd.DataFrame, *, language: str = "en", currency: str | None = None) -> pd.DataFrame:
    """The account list (:func:`accounts`) as the account team reads it: headers in ``language`` as the report's
    tables have them (:func:`kamlib.i18n.header_en`, :func:`kamlib.i18n.header_zh`, with the currency of money and
    the unit of days), tiers named in that language, yes/no for flags, money to the cent, P(alive) to four
    decimals and the method of the next best products in words (:func:`kamlib.i18n.cell_words`); the product names
    are the log's.

    Parameters
    ----------
    frame : DataFrame
        From :func:`accounts`.
    language : {"en", "zh"}
        The study's language.
    currency : str, optional
        The study's ``transactions.currency``, shown in the headers of money.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import account_sheet
    >>> f = pd.DataFrame({"customer_id": ["a"], "tier": ["Key account"], "profit": [2.0], "loss_making": [False]})
    >>> list(account_sheet(f, currency="USD").columns), account_sheet(f, language="zh").iloc[0].astype(str).tolist()
    (['Customer ID', 'Tier', 'Gross profit (USD)', 'Loss making'], ['a', '大客户', '2.0', '否'])
    >>> f = pd.DataFrame({"customer_id": ["a", "b"], "next_best_products": ["RED MUG; TEA", None],
    ...                   "next_best_method": ["popularity", None]})
    >>> account_sheet(f, language="zh").columns.tolist()[1:], account_sheet(f).iloc[0, 2]
    (['下一个最佳商品', '下一个最佳商品的推荐方法'], 'Popular products (baseline)')
    """
    from .i18n import cell_words, header_en, header_zh, value_zh

    out = frame.copy()
    yes, no = ("是", "否") if language == "zh" else ("yes", "no")
    for column in out.columns:
        kind = ACCOUNT_COLUMNS.get(column)
        if out[column].dtype == bool:
            out[column] = out[column].map({True: yes, False: no})
        elif kind == "money":
            out[column] = out[column].round(2)
        elif kind == "probability":
            out[column] = out[column].round(4)
        elif kind == "count":
            out[column] = out[column].round().astype("Int64")
        elif column == "tier" and language == "zh":
            out[column] = out[column].map(lambda v: value_zh(v) or v)
        elif column == "next_best_method":
            out[column] = out[column].map(lambda v: cell_words(v, language) if isinstance(v, str) else v)
    heads = []
    for column in out.columns:
        kind = ACCOUNT_COLUMNS.get(column)
        head = (header_zh(column, kind=kind, currency=currency) if language == "zh" else None) \
            or header_en(column, kind=kind, currency=currency)
        heads.append(head)
    out.columns = heads
    return out


@dataclass(frozen=True)
class CustomerValue(Result):
    """:func:`customer_value`'s result; unpacks as ``base, purchase, reason``.

    Attributes
    ----------
    base : DataFrame
        The summary with ``clv``, ``p_alive`` and ``expected_purchases`` (NaN without a value model).
    purchase : kamlib.clv.Fitted or None
        The fitted purchase model (None without one).
    reason : str or None
        Why no model values the customers although one was chosen, else None.
    """

    base: pd.DataFrame
    purchase: object
    reason: str | None
    unpack = ("base", "purchase", "reason")

    def summary_frame(self) -> pd.DataFrame:
        """The valued customers."""
        return self.base


def customer_value(summary: pd.DataFrame, transactions: pd.DataFrame, value_model: str, *, end, unit: str = "W",
                   months: int = 12, discount_rate: float = 0.10, penalizer: float = 0.0,
                   covariate_min_customers: int = 30) -> CustomerValue:
    """The customer table the tiers are drawn from: CLV and P(alive) by ``value_model``, or none.

    Parameters
    ----------
    summary : DataFrame
        RFM summary up to ``end`` (:func:`kamlib.rfm.summary`, with :func:`kamlib.clv.regular.with_litt` for the
        regular-buyer models).
    transactions : DataFrame
        The log (for the customers' covariates).
    value_model : str
        The model chosen on the holdout (:func:`kamlib.clv.parse` name), "" for none.
    end : date-like
        The end of the summary (the covariates are read up to it).
    unit, months, discount_rate, penalizer
        As in :func:`kamlib.clv.customer_base`.
    covariate_min_customers : int
        As in :func:`kamlib.clv.covariates.customer_covariates` (for the covariates ``value_model`` names).

    Returns
    -------
    CustomerValue
        ``base`` (``summary`` with ``clv``, ``p_alive`` and ``expected_purchases``, NaN without a value model),
        ``purchase`` (the fitted purchase model, None without one) and ``reason`` (why no model values the customers
        although one was chosen, the data cannot support the fit; else None); unpacks as ``base, purchase,
        reason``.

    Examples
    --------
    >>> from kamlib.tiers import customer_value
    >>> import pandas as pd
    >>> s = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [4.0], "monetary_value": [float("nan")],
    ...                   "revenue": [5.0]}, index=["a"])
    >>> base, purchase, reason = customer_value(s, pd.DataFrame(), "", end="2024-01-01")
    >>> bool(base["clv"].isna().all()), purchase is None, reason is None
    (True, True, True)
    """
    from . import clv, stages
    from .clv.covariates import customer_covariates

    none = summary.assign(clv=np.nan, p_alive=np.nan, expected_purchases=np.nan)
    if not value_model:
        return CustomerValue(none, None, None)
    failed = [c for c in (stages.purchase_models(summary, "CLV"), stages.spend_model(summary, "CLV")) if not c]
    if failed:
        return CustomerValue(none, None, failed[0].reason)
    name, columns = clv.parse(value_model)
    covs = customer_covariates(transactions, columns, end=end, min_customers=covariate_min_customers).frame \
        if columns else None
    base, purchase, _ = clv.customer_base(summary, model=value_model, months=months, discount_rate=discount_rate,
                                          unit=unit, penalizer=penalizer, covariates=covs)
    return CustomerValue(base, purchase, None)


@dataclass(frozen=True)
class Identification(Result):
    """:func:`identify`'s result: the calibration summary, the fitted purchase models and the spend model on it,
    the holdout selection (None when the holdout comparison cannot run), the chosen model's name (``""`` for none),
    the customer table at the end of the log, the :class:`Tiers` and the study's customer-value index
    (:class:`kamlib.value_index.ValueIndex`, None when it declares none). Later stages read the models from here
    instead of fitting them again on the same summary."""

    calibration: pd.DataFrame | None
    models: dict
    selection: object
    value_model: str
    base: pd.DataFrame | None
    tiers: Tiers | None
    notes: tuple = ()
    spend: object = None
    index: object = None

    def purchase_model(self, name: str):
        """The fitted purchase model ``name`` (a covariate fit of the selection for ``"paretonbd+country"``), or None
        when it was not fitted on the calibration summary.

        Parameters
        ----------
        name : str
            As :func:`kamlib.clv.parse` reads it.

        Returns
        -------
        kamlib.clv.Fitted or None
        """
        covariate_fits = getattr(self.selection, "covariate_fits", None) or {}
        return self.models.get(name) or covariate_fits.get(name)


def value_model_check(calibration: pd.DataFrame | None, selection, fitted: dict,
                      value_model: str) -> AliveCheck | None:
    """:func:`alive_check` of the value model's P(alive): its fit on the calibration summary (the selection's
    covariate fit when the holdout chose one) checked against who bought in the holdout. The identification notebook
    and :func:`identify` both call it, so the tiers' risk rule is decided once.

    Parameters
    ----------
    calibration : DataFrame or None
        :func:`kamlib.rfm.calibration_holdout` (None when the log has no holdout).
    selection : kamlib.clv.holdout.Selection or None
        The holdout comparison (for a covariate fit).
    fitted : dict
        The purchase models fitted on ``calibration`` (name -> :class:`kamlib.clv.Fitted`).
    value_model : str
        The chosen model's name (``""`` for none).

    Returns
    -------
    AliveCheck or None
        None without a value model, a holdout, or a fit that identifies dropout; a check whose ``reason`` says why
        it could not run when the holdout or the fit gives no AUC (P(alive) then does not judge risk).

    Examples
    --------
    >>> from kamlib.tiers import value_model_check
    >>> value_model_check(None, None, {}, "") is None  # no model values the customers: nothing to check
    True
    """
    from .clv import label

    cal = calibration

    if not value_model or cal is None or "frequency_holdout" not in cal:
        return None
    fit = (getattr(selection, "covariate_fits", None) or {}).get(value_model) or fitted.get(value_model)
    if fit is None or fit.degenerate:  # no P(alive) to judge risk by: the tiers use recency anyway
        return None
    churners = int((cal["frequency_holdout"] == 0).sum())
    try:
        check = alive_check(cal, fit.p_alive(cal), model=label(value_model))
        reason = "the holdout has churners only or buyers only"
    except KamError:
        check, reason = None, "the model gives no P(alive) for these customers"
    if check is not None:
        return check
    nan = float("nan")  # the check could not run: P(alive) is not used unchecked (fails safe, to recency)
    return AliveCheck(label(value_model), nan, nan, nan, int(len(cal)), churners, reason=reason)


def identify(transactions: pd.DataFrame, *, calibration_start, calibration_end, holdout_end, unit: str = "W",
             models=("bgnbd",), key_share: float = 0.2, develop_share: float = 0.5, min_p_alive: float = 0.5,
             max_inactive_days: float | str = "auto", months: int = 12, discount_rate: float = 0.10,
             penalizer: float = 0.0, covariates=(), covariate_min_customers: int = 30, n_boot: int = 100,
             seed: int = 0, rank_by: str = "revenue", candidates: dict | None = None,
             inactive_percentile: float = 0.9, evidence_draws: int = 0, value_index: dict | None = None
             ) -> Identification:
    """The identify stage in one call: the value model chosen on the holdout and the key-account tiers.

    The same steps, in the same order and with the same arguments, as the identification notebook, which calls
    them one by one to show each: the calibration summary (:func:`kamlib.rfm.calibration_holdout`), the purchase
    and spend models (:func:`kamlib.clv.fit_models`), the holdout comparison (:func:`kamlib.clv.holdout.select`, with
    the key-account share), the customers valued by the chosen model up to the end of the log
    (:func:`customer_value`) and the tiers (:func:`assign`). A notebook that needs the key accounts and finds no
    recorded result (a subset run, Lab) calls this and gets the numbers the identification notebook recorded.

    Only a model the holdout chose values the customers: without a holdout comparison (no amounts, no holdout
    revenue, too few repeat buyers) no model has shown that it ranks customers better than past revenue, so the
    tiers rank by past revenue (purchase days without amounts) and judge risk by recency; the same when the chosen
    model cannot be fitted on the whole log.

    Parameters
    ----------
    transactions : DataFrame
        The validated log.
    calibration_start, calibration_end, holdout_end : date-like
        The study's windows (``clv.*``).
    unit : {"D", "W", "M"}
        The purchase models' time unit.
    models : sequence of str
        The purchase models to compare (``clv.models``).
    key_share, develop_share, min_p_alive, max_inactive_days
        The tier rule (``tiers.*``; :func:`assign`); ``max_inactive_days="auto"`` draws the window from the log's
        gaps between purchase days up to ``holdout_end`` (:func:`window`, with ``inactive_percentile``).
    months, discount_rate, penalizer
        CLV horizon, annual discount rate, the fits' penalizer.
    covariates : sequence of str
        The customers' covariate columns (``clv.covariates``).
    covariate_min_customers : int
        Fewest customers per covariate level.
    n_boot : int
        Bootstrap samples of the holdout comparison.
    seed : int
        Random seed.
    rank_by : {"revenue", "profit", "clv"}
        What ranks the key accounts (``tiers.rank_by``; :func:`assign`); the profit rule reads the log's ``profit``
        (:func:`customer_profit`).
    candidates : dict, optional
        Who may be a key account (``tiers.candidates``; :func:`candidates`), read from the log's columns.
    inactive_percentile : float
        The percentile of the gaps that makes the window when ``max_inactive_days`` is ``"auto"``.
    evidence_draws : int
        Logs simulated at the log's size before any model may be chosen (``clv.evidence_draws``;
        :func:`kamlib.clv.evidence.evidence`); 0 skips the check.
    value_index : dict, optional
        The study's ``value_index`` keys (``criteria``, ``pairwise``, ``weights``, ``combination``, ``ahp_share``):
        the index on the calibration period (:func:`kamlib.value_index.for_study`).

    Returns
    -------
    Identification

    References
    ----------
    Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid: creating and serving profitable
    customers. *California Management Review*, 43(4), 118-142.

    Examples
    --------
    >>> from kamlib.tiers import identify
    >>> ident = identify(tx, calibration_start="1997-01-01", calibration_end="1997-09-30",
    ...                  holdout_end="1998-06-30", n_boot=0)
    >>> ident.value_model, ident.tiers.n_key_accounts, ident.tiers.rank_by
    ('bgnbd', 471, 'revenue')
    """
    from . import clv, rfm, stages
    from .clv import holdout, regular
    from .clv.covariates import customer_covariates

    notes: list = []
    cal, fitted, selection, spend_fit, proof = None, {}, None, None, None
    value_model = ""  # without a holdout comparison no model has earned the right to value the customers
    if stages.holdout(transactions, calibration_end=calibration_end, holdout_end=holdout_end, unit=unit):
        cal = rfm.calibration_holdout(transactions, calibration_end=calibration_end, holdout_end=holdout_end,
                                      unit=unit, start=calibration_start)
        cal = regular.with_litt(cal, transactions, end=calibration_end, unit=unit, start=calibration_start)
        if stages.purchase_models(cal):
            purchase, _ = clv.fit_models(cal, list(models), penalizer=penalizer, unit=unit)
            fitted = dict(purchase)
            spend = clv.fit_models(cal, ["gamma_gamma"], penalizer=penalizer, unit=unit)[0] \
                if stages.spend_model(cal) else {}
            spend_fit = spend.get("gamma_gamma")
            # can a log of this size identify dropout? (as the identification notebook asks)
            proof, why = clv.evidence.check(cal, purchase, unit=unit, draws=evidence_draws, seed=seed)
            if why is not None:
                notes.append(why)
            if stages.amounts(transactions) and stages.holdout_revenue(cal):
                covs, _ = customer_covariates(transactions, list(covariates), end=calibration_end,
                                              min_customers=covariate_min_customers)
                selection = holdout.select(cal, transactions, purchase, spend.get("gamma_gamma"),
                                           calibration_end=calibration_end, unit=unit, start=calibration_start,
                                           share=key_share, n_boot=n_boot, seed=seed, covariates=covs,
                                           evidence=proof)
                value_model = selection.choice.model
    if not stages.amounts(transactions):
        value_model = ""  # no amounts: no spend model, so no CLV
    full = regular.with_litt(rfm.summary(transactions, end=holdout_end, unit=unit, start=calibration_start),
                             transactions, end=holdout_end, unit=unit, start=calibration_start)
    base, purchase, reason = customer_value(full, transactions, value_model, end=holdout_end, unit=unit,
                                            months=months, discount_rate=discount_rate, penalizer=penalizer,
                                            covariate_min_customers=covariate_min_customers)
    if reason:
        notes.append(reason)
    unvalued = unvalued_reason(amounts=bool(stages.amounts(transactions)), compared=selection is not None,
                               evidence=proof, chosen=value_model, unfitted=bool(reason))
    if unvalued is not None:
        value_model = ""
    base = with_profit(base, transactions, end=holdout_end, start=calibration_start)
    inactive = window(transactions, max_inactive_days, end=holdout_end, start=calibration_start,
                      percentile=inactive_percentile, owner="tiers")
    checked = value_model_check(cal, selection, fitted, value_model)  # P(alive) on the holdout before it judges risk
    result = assign(base, key_share=key_share, develop_share=develop_share, min_p_alive=min_p_alive,
                    max_inactive_days=inactive.days, unit=unit, p_alive_check=checked,
                    degenerate=purchase.degenerate if purchase is not None else True,
                    value_model=clv.label(value_model) if value_model else "",
                    as_of=str(pd.Timestamp(holdout_end).date()), rank_by=rank_by,
                    candidates=_candidates(transactions, candidates, end=holdout_end, start=calibration_start),
                    start=calibration_start, unvalued=unvalued)
    from .value_index import for_study

    spec = dict(value_index or {})
    index = for_study(transactions, start=calibration_start, end=calibration_end, criteria_=spec.pop("criteria", None),
                      **spec)
    return Identification(cal, fitted, selection, value_model, base, result, tuple(notes), spend_fit, index)
