"""Key-account tiers from value, potential and risk (S001: value = current value + potential + risk).

The one definition of a key account in the workbook: every notebook that needs tiers calls :func:`assign`,
and every notebook that needs "the top customers" calls :func:`top`.

Rule, applied in order (the arguments of :func:`assign`; a study sets them in its ``tiers`` section):

1. **Key account**: among the top ``key_share`` of customers by past revenue
   (current value) *and* not at risk.
2. **At-risk key account**: top by past revenue, but at risk.
3. **Potential key account**: not top by past revenue, but in the top
   ``key_share`` by predicted CLV (potential).
4. **Develop**: in the top ``develop_share`` by predicted CLV.
5. **Maintain**: everyone else.

Risk is P(alive) < ``min_p_alive``. When P(alive) carries no information (the purchase model is degenerate, or
no customer is below the threshold), risk falls back to recency: more than ``max_inactive_days`` since the last
purchase (a customer whose last purchase is exactly ``max_inactive_days`` days ago is still active; days are counted
from the summary's recency and T, rounded to 1e-6 of a day, so a unit of weeks does not move the boundary). Ties in the
ranking are broken by customer id, everywhere (:func:`top`).

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

from ._results import Result
from .concentration import top_count
from .errors import KamError, require_columns
from .i18n import Message
from .rfm import UNIT_DAYS

__all__ = ["CustomerValue", "Identification", "KEY_TIERS", "ORDER", "Tiers", "assign", "customer_value", "empty_tiers", "identify",
           "risk_phrase", "table", "top", "top_by_revenue"]

ORDER = ["Key account", "At-risk key account", "Potential key account", "Develop", "Maintain"]
#: The tiers whose customers are the key accounts (top share by past revenue, active or at risk).
KEY_TIERS = ("Key account", "At-risk key account")


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
    >>> import pandas as pd
    >>> from kamlib.tiers import top
    >>> list(top(pd.Series({"b": 5.0, "a": 5.0, "c": 1.0, "d": 0.0}), 0.5))
    ['a', 'b']
    """
    if not 0 < share <= 1:
        raise KamError(f"the top share must be in (0, 1], got {share}.")
    n = top_count(len(values), share)
    frame = pd.DataFrame({"value": values.to_numpy(), "id": values.index.astype(str)}, index=values.index)
    order = frame.sort_values(["value", "id"], ascending=[False, True], kind="mergesort")
    return order.index[:n]


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
        Customer ids as text, largest revenue first (ties by id); see :func:`top`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.tiers import top_by_revenue
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2, 3], "amount": [5.0, 1.0, 1.0, 9.0],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 4)})
    >>> list(top_by_revenue(tx, 0.34))
    ['3']
    """
    ids = transactions["customer_id"].astype(str)
    if "amount" in transactions:
        value = transactions["amount"].groupby(ids).sum()
    else:  # a log without amounts: the customers with the most purchase days
        value = transactions["date"].dt.normalize().groupby(ids).nunique()
    value.index.name = "customer_id"
    return top(value, share)


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
        ``"revenue"`` (past revenue) or ``"purchase days"`` (a log without amounts): what ranks the top share.
    value_model : str
        The purchase model that values the customers (its :func:`kamlib.clv.label`), "" when none was chosen:
        then no CLV exists in the run and the value measure is past revenue.
    base : DataFrame or None
        The customer table the tiers were drawn from (``revenue``, ``clv``, ``p_alive``, ``recency``, ``T``, ...),
        indexed by customer id.
    as_of : str
        The date the tiers describe ("" when unknown).

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

    def counts(self) -> dict[str, int]:
        """Customers per tier, every tier of :data:`ORDER` included."""
        return {t: int((self.tier == t).sum()) for t in ORDER}

    @property
    def members(self) -> pd.Index:
        """The key accounts (tiers :data:`KEY_TIERS`), largest past revenue first (ties by id)."""
        ids = self.tier.index[self.tier.isin(KEY_TIERS)]
        if self.base is not None and len(ids):
            return top(_ranking(self.base)[0].loc[ids], 1.0)
        return ids

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

def _risk_phrase(risk: str, max_inactive_days: float, min_p_alive: float) -> Message:
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
    return _risk_phrase(tiers.risk, tiers.max_inactive_days, tiers.min_p_alive)


def _ranking(base: pd.DataFrame) -> tuple[pd.Series, str]:
    """What ranks the customers and its name: past revenue (``"revenue"``), or purchase days (``frequency + 1``,
    ``"purchase days"``) when the log has no amounts."""
    if "revenue" in base and base["revenue"].notna().any():
        return base["revenue"].fillna(0.0), "revenue"
    if "frequency" in base:
        return (base["frequency"] + 1).astype(float), "purchase days"
    raise KamError("the tier input has neither revenue nor frequency; compute it with kamlib.clv.customer_base.")


def _days_since_last(base: pd.DataFrame, unit: str) -> pd.Series:
    """Days since each customer's last purchase, from the summary's ``T - recency`` in ``unit`` (rounded to 1e-6 of a
    day: the unit's rounding noise does not move a customer across ``max_inactive_days``)."""
    return ((base["T"] - base["recency"]) * UNIT_DAYS[unit]).round(6)


def assign(base: pd.DataFrame, *, key_share: float = 0.2, develop_share: float = 0.5,
           min_p_alive: float = 0.5, max_inactive_days: float = 180, unit: str = "D",
           degenerate: bool = False, value_model: str | bool = "CLV", as_of: str = "") -> Tiers:
    """Key-account tier per customer from value, potential and risk (rule in the module docstring).

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue`` (current value), ``clv`` (potential), ``p_alive`` (risk), and ``recency`` and
        ``T`` (the recency fallback), as :func:`kamlib.clv.customer_base` returns.
    key_share : float
        Top share of customers by revenue (key accounts) and by CLV (potential key accounts); see :func:`top`.
    develop_share : float
        Top share by CLV that is worth developing (above ``key_share``).
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
        forecast that does not beat past revenue): development is ranked by past revenue and risk by recency.
    as_of : str
        The date the tiers describe, for the result.

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
    >>> from kamlib.tiers import assign
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
    """
    if not 0 < key_share < develop_share < 1:
        raise KamError(f"tiers need 0 < key_share < develop_share < 1, got {key_share} and {develop_share}.")
    if unit not in UNIT_DAYS:
        raise KamError(f"unknown time unit {unit!r}; use one of {sorted(UNIT_DAYS)}.")
    require_columns(base, ["clv", "p_alive"], where="the tier input", fix="compute them with kamlib.clv.customer_base")
    p_min = float(base["p_alive"].min()) if len(base) else np.nan
    note = None
    model_label = value_model if isinstance(value_model, str) else "CLV" if value_model else ""
    value_model = bool(value_model)
    degenerate = degenerate or not value_model
    ranking, rank_by = _ranking(base)
    if degenerate or p_min >= min_p_alive:
        require_columns(base, ["recency", "T"], where="the tier input",
                        fix="compute them with kamlib.clv.customer_base")
        why = (Message("the log has no amounts, so no purchase model values the customers") if rank_by != "revenue" else
               Message("no purchase model beats past revenue on the holdout") if not value_model else
               Message("the purchase model cannot identify dropout (its parameters are at a bound)") if degenerate
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
    risk_rule = _risk_phrase(risk, max_inactive_days, min_p_alive)
    top_revenue = base.index.isin(top(ranking, key_share))
    by_clv = base["clv"] if value_model else ranking
    potential = base.index.isin(top(by_clv, key_share)) & value_model
    develop = base.index.isin(top(by_clv, develop_share))
    tier = pd.Series("Maintain", index=base.index)
    tier[develop] = "Develop"
    tier[potential & ~top_revenue] = "Potential key account"
    tier[top_revenue & ~alive] = "At-risk key account"
    tier[top_revenue & alive] = "Key account"
    rule = (Message("value: top {share:.0%} by revenue; potential: top {share:.0%} by CLV; risk: {risk}", "phrase",
                    share=key_share, risk=risk_rule) if value_model and rank_by == "revenue" else
            Message("value: top {share:.0%} by revenue; no potential tier (no model beats past revenue); risk: {risk}",
                    "phrase", share=key_share, risk=risk_rule) if rank_by == "revenue" else
            Message("value: top {share:.0%} by purchase days (the log has no amounts); no potential tier; risk: {risk}",
                    "phrase", share=key_share, risk=risk_rule))
    return Tiers(pd.Series(pd.Categorical(tier, categories=ORDER, ordered=True), index=base.index, name="tier"),
                 risk, rule, note, share=float(key_share), develop_share=float(develop_share),
                 max_inactive_days=float(max_inactive_days), min_p_alive=float(min_p_alive), rank_by=rank_by,
                 value_model=model_label if value_model else "",
                 base=base, as_of=str(as_of))


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
    >>> import pandas as pd
    >>> from kamlib.tiers import empty_tiers
    >>> empty_tiers(pd.DataFrame({"tier": ["Key account", "Develop"], "customers": [3, 0]}))
    'No customer falls in the tier Develop; check the tier thresholds (tiers.* in a study) against the data.'
    """
    empty = [str(t) for t, n in zip(table_df["tier"], table_df["customers"]) if n == 0 and str(t) not in by_construction]
    if not empty:
        return None
    return Message(f"No customer falls in the tier{'s' if len(empty) > 1 else ''} {{tiers}}; check the tier "
                   "thresholds (tiers.* in a study) against the data.", tiers=empty)


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
    the customer table at the end of the log and the :class:`Tiers`. Later stages read the models from here instead
    of fitting them again on the same summary."""

    calibration: pd.DataFrame | None
    models: dict
    selection: object
    value_model: str
    base: pd.DataFrame | None
    tiers: Tiers | None
    notes: tuple = ()
    spend: object = None

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


def identify(transactions: pd.DataFrame, *, calibration_start, calibration_end, holdout_end, unit: str = "W",
             models=("bgnbd",), key_share: float = 0.2, develop_share: float = 0.5, min_p_alive: float = 0.5,
             max_inactive_days: float = 180, months: int = 12, discount_rate: float = 0.10,
             penalizer: float = 0.0, covariates=(), covariate_min_customers: int = 30, n_boot: int = 100,
             seed: int = 0) -> Identification:
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
        The tier rule (``tiers.*``; :func:`assign`).
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
    cal, fitted, selection, spend_fit = None, {}, None, None
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
            if stages.amounts(transactions) and stages.holdout_revenue(cal):
                covs, _ = customer_covariates(transactions, list(covariates), end=calibration_end,
                                              min_customers=covariate_min_customers)
                selection = holdout.select(cal, transactions, purchase, spend.get("gamma_gamma"),
                                           calibration_end=calibration_end, unit=unit, start=calibration_start,
                                           share=key_share, n_boot=n_boot, seed=seed, covariates=covs)
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
        value_model = ""
    result = assign(base, key_share=key_share, develop_share=develop_share, min_p_alive=min_p_alive,
                    max_inactive_days=max_inactive_days, unit=unit,
                    degenerate=purchase.degenerate if purchase is not None else True,
                    value_model=clv.label(value_model) if value_model else "",
                    as_of=str(pd.Timestamp(holdout_end).date()))
    return Identification(cal, fitted, selection, value_model, base, result, tuple(notes), spend_fit)
