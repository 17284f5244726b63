"""Key-account tiers from value, potential and risk (S001: value = current value + potential + risk).

The one definition of a key account in the workbook: every notebook that needs tiers calls :func:`assign`,
and every notebook that needs "the top customers" calls :func:`top`.

Rule, applied in order (the arguments of :func:`assign`; a study sets them in its ``tiers`` section):

1. **Key account**: among the top ``key_clv_share`` of customers by past revenue
   (current value) *and* not at risk.
2. **At-risk key account**: top by past revenue, but at risk.
3. **Potential key account**: not top by past revenue, but in the top
   ``key_clv_share`` by predicted CLV (potential).
4. **Develop**: in the top ``growth_clv_share`` by predicted CLV.
5. **Maintain**: everyone else.

Risk is P(alive) < ``min_p_alive``. When P(alive) carries no information (the purchase model is degenerate, or
no customer is below the threshold), risk falls back to recency: more than ``max_inactive_days`` since the last
purchase. The returned :class:`Tiers` says which rule was used and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._results import Result
from .concentration import top_count
from .errors import KamError, require_columns
from .i18n import Message
from .rfm import UNIT_DAYS

__all__ = ["ORDER", "Tiers", "assign", "empty_tiers", "table", "top", "top_by_revenue"]

ORDER = ["Key account", "At-risk key account", "Potential key account", "Develop", "Maintain"]


def top(values: pd.Series, share: float) -> pd.Index:
    """The ids of the top ``share`` of customers by ``values``: the one "top customers" rule of the workbook.

    :func:`kamlib.concentration.top_count` customers, largest value first; ties are broken by id, so the
    same data always give the same customers.

    Parameters
    ----------
    values : Series
        One value per customer (revenue, CLV, purchase days), indexed by customer id.
    share : float
        Share of customers, in (0, 1].

    Returns
    -------
    Index
        Customer ids, largest value first (ties by id).

    References
    ----------
    Koch, R. (1998). *The 80/20 Principle*. Nicholas Brealey.

    Examples
    --------
    >>> list(top(pd.Series({"b": 5.0, "a": 5.0, "c": 1.0, "d": 0.0}), 0.5))
    ['a', 'b']
    """
    if not 0 < share <= 1:
        raise KamError(f"the top share must be in (0, 1], got {share}.")
    n = top_count(len(values), share)
    frame = pd.DataFrame({"value": values.to_numpy(), "id": values.index.astype(str)}, index=values.index)
    order = frame.sort_values(["value", "id"], ascending=[False, True], kind="mergesort")
    return order.index[:n]


def top_by_revenue(tx: pd.DataFrame, share: float) -> pd.Index:
    """The top ``share`` of a log's customers by revenue (by purchase days when the log has no amounts).

    Parameters
    ----------
    tx : DataFrame
        The log with ``customer_id``, ``date`` and optionally ``amount``.
    share : float
        Share of customers (a study's ``tiers.key_clv_share``).

    Returns
    -------
    Index
        Customer ids as text, largest revenue first (ties by id); see :func:`top`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2, 3], "amount": [5.0, 1.0, 1.0, 9.0],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 4)})
    >>> list(top_by_revenue(tx, 0.34))
    ['3']
    """
    ids = tx["customer_id"].astype(str)
    if "amount" in tx:
        value = tx["amount"].groupby(ids).sum()
    else:  # a log without amounts: the customers with the most purchase days
        value = tx["date"].dt.normalize().groupby(ids).nunique()
    value.index.name = "customer_id"
    return top(value, share)


@dataclass(frozen=True)
class Tiers(Result):
    """Key-account tiers and the rule that made them.

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
    """

    tier: pd.Series
    risk: str
    rule: str
    note: str | None

    def counts(self) -> dict[str, int]:
        """Customers per tier, every tier of :data:`ORDER` included."""
        return {t: int((self.tier == t).sum()) for t in ORDER}


def assign(base: pd.DataFrame, *, key_clv_share: float = 0.2, growth_clv_share: float = 0.5,
           min_p_alive: float = 0.5, max_inactive_days: float = 180, unit: str = "D",
           degenerate: bool = False, value_model: bool = True) -> Tiers:
    """Key-account tier per customer from value, potential and risk (rule in the module docstring).

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue`` (current value), ``clv`` (potential), ``p_alive`` (risk), and ``recency`` and
        ``T`` (the recency fallback), as :func:`kamlib.clv.customer_base` returns.
    key_clv_share : float
        Top share of customers by revenue (key accounts) and by CLV (potential key accounts); see :func:`top`.
    growth_clv_share : float
        Top share by CLV that is worth developing (above ``key_clv_share``).
    min_p_alive : float
        P(alive) below which a top customer is at risk.
    max_inactive_days : float
        Days since the last purchase after which a top customer is at risk, when risk falls back to recency.
    unit : {"D", "W", "M"}
        Time unit of ``recency`` and ``T``.
    degenerate : bool
        The purchase model behind ``p_alive`` cannot identify dropout (:attr:`kamlib.clv.Fitted.degenerate`):
        judge risk by recency.
    value_model : bool
        Whether a purchase model earned the right to value the customers (:func:`kamlib.holdout.choose`). Without
        one there is no potential tier (it would rank by a forecast that does not beat past revenue): development
        is ranked by past revenue and risk by recency.

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
    >>> b = pd.DataFrame({"revenue": [10, 1], "clv": [5, 1], "p_alive": [0.9, 0.2], "recency": [4, 1], "T": [5, 5]})
    >>> t = assign(b, key_clv_share=0.5, growth_clv_share=0.6)
    >>> t.tier.astype(str).tolist(), t.risk
    (['Key account', 'Maintain'], 'p_alive')
    >>> assign(b, key_clv_share=0.5, growth_clv_share=0.6, degenerate=True).risk
    'recency'
    >>> assign(b, key_clv_share=0.5, growth_clv_share=0.6, value_model=False).tier.astype(str).tolist()
    ['Key account', 'Maintain']
    """
    if not 0 < key_clv_share < growth_clv_share < 1:
        raise KamError(f"tiers need 0 < key_clv_share < growth_clv_share < 1, got {key_clv_share} and {growth_clv_share}.")
    if unit not in UNIT_DAYS:
        raise KamError(f"unknown time unit {unit!r}; use one of {sorted(UNIT_DAYS)}.")
    require_columns(base, ["revenue", "clv", "p_alive"], where="the tier input",
                    fix="compute them with kamlib.clv.customer_base")
    p_min = float(base["p_alive"].min()) if len(base) else np.nan
    note = None
    degenerate = degenerate or not value_model
    if degenerate or p_min >= min_p_alive:
        require_columns(base, ["recency", "T"], where="the tier input",
                        fix="compute them with kamlib.clv.customer_base")
        why = (Message("no purchase model beats past revenue on the holdout") if not value_model else
               Message("the purchase model cannot identify dropout (its parameters are at a bound)") if degenerate
               else Message("P(alive) is at least {p_min:.2f} for every customer, so no one would be at risk by it",
                            p_min=p_min))
        note = Message("Key-account risk is judged by recency, not P(alive): a top customer is at risk after {days:g} "
                       "days without a purchase (tiers.max_inactive_days), because {why}.", days=max_inactive_days,
                       why=why)
        alive = base["T"] - base["recency"] <= max_inactive_days / UNIT_DAYS[unit]
        risk, risk_rule = "recency", Message("more than {days:g} days since the last purchase", "phrase",
                                             days=max_inactive_days)
    else:
        alive = base["p_alive"] >= min_p_alive
        risk, risk_rule = "p_alive", Message("P(alive) < {min_p_alive:g}", "phrase", min_p_alive=min_p_alive)
    top_revenue = base.index.isin(top(base["revenue"], key_clv_share))
    by_clv = base["clv"] if value_model else base["revenue"]
    potential = base.index.isin(top(by_clv, key_clv_share)) & value_model
    develop = base.index.isin(top(by_clv, growth_clv_share))
    tier = pd.Series("Maintain", index=base.index)
    tier[develop] = "Develop"
    tier[potential & ~top_revenue] = "Potential key account"
    tier[top_revenue & ~alive] = "At-risk key account"
    tier[top_revenue & alive] = "Key account"
    rule = (Message("value: top {share:.0%} by revenue; potential: top {share:.0%} by CLV; risk: {risk}", "phrase",
                    share=key_clv_share, risk=risk_rule) if value_model else
            Message("value: top {share:.0%} by revenue; no potential tier (no model beats past revenue); risk: {risk}",
                    "phrase", share=key_clv_share, risk=risk_rule))
    return Tiers(pd.Series(pd.Categorical(tier, categories=ORDER, ordered=True), index=base.index, name="tier"),
                 risk, rule, note)


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
        ``clv_share``; every tier appears, empty ones with 0 customers.

    Examples
    --------
    >>> b = pd.DataFrame({"revenue": [10, 1], "clv": [5, 1], "p_alive": [0.9, 0.2]})
    >>> table(b, assign(b, key_clv_share=0.5, growth_clv_share=0.6))[["tier", "customers"]].T.to_numpy().tolist()
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
    return out.reset_index()


def empty_tiers(table_df: pd.DataFrame, *, by_construction=()) -> str | None:
    """One sentence naming the tiers no customer falls in (None when every tier has customers).

    Parameters
    ----------
    table_df : DataFrame
        From :func:`table`.
    by_construction : iterable of str
        Tiers empty by the rule itself (the potential tier without a value model, :func:`assign`): not named.

    Returns
    -------
    str or None

    Examples
    --------
    >>> empty_tiers(pd.DataFrame({"tier": ["Key account", "Develop"], "customers": [3, 0]}))
    'No customer falls in the tier Develop; check the tier thresholds (tiers.* in a study) against the data.'
    """
    empty = [str(t) for t, n in zip(table_df["tier"], table_df["customers"]) if n == 0 and str(t) not in by_construction]
    if not empty:
        return None
    return Message(f"No customer falls in the tier{'s' if len(empty) > 1 else ''} {{tiers}}; check the tier "
                   "thresholds (tiers.* in a study) against the data.", tiers=empty)
