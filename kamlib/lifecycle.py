"""Customer lifecycle stages at any date, stage transitions and cohort retention.

Stages (S004 describes the customer lifecycle as acquisition, growth, maturity and
decline; the study adds potential and churned). Rules, applied in this order at date ``at``:

1. **potential**: registered (in ``registered``) but no purchase up to ``at``;
2. **churned**: P(alive) < ``churned_p_alive``; without a model, no purchase for
   more than ``churned_days``;
3. **at-risk**: P(alive) < ``at_risk_p_alive``; without a model, no purchase for more
   than ``at_risk_days``;
4. **new**: first purchase within ``new_days`` before ``at``, or one purchase day only;
5. **mature**: at least ``mature_purchases`` purchase days;
6. **growing**: at least ``growing_purchases`` purchase days.

P(alive) should come from the Pareto/NBD model: the BG/NBD model assumes nobody drops
out before a first repeat purchase, so it gives every one-time buyer P(alive) = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._results import Result
from .errors import ArgumentError, KamError, require_columns
from .i18n import Message

__all__ = ["ACQUIRED", "CHURNED_CAME_BACK", "STAGES", "StagesAt", "came_back", "came_back_empty",
           "churned_check", "cohort_retention", "empty_by_construction", "stage_distribution", "stages", "stages_at",
           "transition_matrix"]

STAGES = ["potential", "new", "growing", "mature", "at-risk", "churned"]
#: the row of the transition matrix for customers whose first purchase falls between the two dates
ACQUIRED = "acquired since"


@dataclass(frozen=True)
class StagesAt(Result):
    """Lifecycle stages at a date (:func:`stages_at`).

    Attributes
    ----------
    stages : Series
        Stage per customer.
    risk_by : str
        ``"p_alive"`` (the purchase model's) or ``"recency"`` (the model was degenerate: days since the last
        purchase).
    note : str or None
        The sentence that says why risk was judged by recency.
    empty : dict
        Stage -> the sentence saying why no customer can be in it on this date (empty by construction: no
        registrations for ``potential``; a day rule longer than the log for ``at-risk`` or ``churned``).
    model : str
        The purchase model whose P(alive) judged risk (its label), "" when risk was judged by recency.
    """

    stages: pd.Series
    risk_by: str
    note: str | None = None
    empty: dict = None  # type: ignore[assignment]
    model: str = ""  # the purchase model whose P(alive) judged risk ("" when risk was judged by recency)

    def __post_init__(self):
        if self.empty is None:
            object.__setattr__(self, "empty", {})


def empty_by_construction(transactions: pd.DataFrame, at, *, risk_by: str, registered=None,
                          at_risk_days: int = 180, churned_days: int = 365) -> dict:
    """The stages no customer can be in on ``at`` whatever the customers did, each with the sentence why.

    ``potential`` needs registrations without a purchase (``registered``); with risk judged by recency, ``at-risk``
    and ``churned`` need a log longer than their day rules.

    Parameters
    ----------
    transactions : DataFrame
        The log (``date``).
    at : date-like
        The date of the stages.
    risk_by : {"p_alive", "recency"}
        How risk was judged (:class:`StagesAt`).
    registered : iterable, optional
        Customers registered without a purchase.
    at_risk_days, churned_days : int
        The day rules.

    Returns
    -------
    dict
        Stage -> Message.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.lifecycle import empty_by_construction
    >>> log = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2011-01-01", "2011-03-01"])})
    >>> sorted(empty_by_construction(log, "2011-07-01", risk_by="recency"))
    ['churned', 'potential']
    """
    at = pd.Timestamp(at).normalize()
    out = {}
    if registered is None or not len(list(registered)):
        out["potential"] = Message("No customer can be potential: the stage counts customers registered without a "
                                   "purchase, and the study gives no registrations (map a customer list to fill it).")
    if risk_by == "recency":
        dates = transactions.loc[transactions["date"].dt.normalize() <= at, "date"].dt.normalize()
        span = int((at - dates.min()).days) if len(dates) else 0
        for stage, days in (("at-risk", at_risk_days), ("churned", churned_days)):
            if span <= days:
                out[stage] = Message("No customer can be {stage} on {date}: the rule needs more than {days} days "
                                     "without a purchase, and the log covers only {span} days up to that date.",
                                     stage=stage, date=str(at.date()), days=days, span=span)
    return out


def stages_at(transactions: pd.DataFrame, at, *, unit: str = "W", penalizer: float = 0.0, model: str = "paretonbd",
              **rules) -> StagesAt:
    """Lifecycle stages at ``at``, with P(alive) from a purchase model (by default the Pareto/NBD, which lets a
    one-time buyer drop out) fitted on the log up to ``at``.

    When that model is degenerate (no dropout identifiable: :attr:`kamlib.clv.Fitted.degenerate`), or its P(alive)
    puts no customer below ``at_risk_p_alive``, P(alive) carries no usable information, and the at-risk and
    churned stages fall back to the days since the last purchase (``at_risk_days``, ``churned_days``), which the
    result says.

    Parameters
    ----------
    transactions : DataFrame
        The transaction log (``customer_id``, ``date``, ``amount``).
    at : date-like
        The date of the stages; only purchases up to it are used.
    unit : {"D", "W", "M"}
        Time unit of the model.
    penalizer : float
        L2 penalty of the model fit.
    model : str
        The purchase model behind P(alive) (:func:`kamlib.clv.get`; a study passes the model it chose on the
        holdout), recorded in the result as ``model``.
    **rules
        Thresholds passed to :func:`stages` (``new_days``, ``growing_purchases``, ...).

    Returns
    -------
    StagesAt
        The stage of every customer who bought up to ``at``, how risk was judged, and a note on a fallback.

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are they and
    what will they do next? *Management Science*, 33(1), 1-24 (Pareto/NBD P(alive)).

    Examples
    --------
    >>> from kamlib.lifecycle import stages_at
    >>> st = stages_at(tx, "1997-09-30", new_days=90)
    """
    from . import clv, rfm
    from . import stages as preconditions

    s = rfm.summary(transactions, end=at, unit=unit)
    if clv.get(model).regular():  # the regular-buyer models need each customer's log inter-purchase times
        s = clv.regular.with_litt(s, transactions, end=at, unit=unit)
    days = (rules.get("at_risk_days", 180), rules.get("churned_days", 365))
    fallback = Message("The at-risk and churned stages therefore use the days since the last purchase (more than "
                       "{at_risk} and {churned} days).", at_risk=days[0], churned=days[1])
    date = str(pd.Timestamp(at).date())
    def result(p_alive, risk_by, note=None):
        empty = empty_by_construction(transactions, at, risk_by=risk_by, registered=rules.get("registered"),
                                      at_risk_days=days[0], churned_days=days[1])
        return StagesAt(stages(transactions, at, p_alive=p_alive, **rules), risk_by, note, empty,
                        clv.label(model) if risk_by == "p_alive" else "")

    fits = preconditions.purchase_models(s, "P(alive) of the lifecycle stages")
    if not fits:
        return result(None, "recency",
                      Message("On {date}: {reason} {fallback}", date=date, reason=fits.reason, fallback=fallback))
    fitted = clv.fit(s, model, penalizer=penalizer, unit=unit, with_se=False)
    if fitted.degenerate:
        return result(None, "recency",
                      Message("On {date}: {reason} {fallback}", date=date, reason=fitted.diagnosis(), fallback=fallback))
    p_alive = pd.Series(fitted.p_alive(s), index=s.index)
    threshold = rules.get("at_risk_p_alive", 0.5)
    if p_alive.min() >= threshold:
        note = Message("On {date} the {model} P(alive) is at least {p_min:.2f} for every customer, so no customer "
                       "would be at risk by P(alive) < {threshold}; the model sees little dropout. {fallback}",
                       date=date, model=clv.label(model), p_min=p_alive.min(), threshold=threshold, fallback=fallback)
        return result(None, "recency", note)
    return result(p_alive, "p_alive")


def came_back(stages_before: pd.Series, transactions: pd.DataFrame, *, after, until,
              called=("at-risk", "churned")) -> pd.DataFrame:
    """A check of the lifecycle rule on later purchases: of the customers it put in each of ``called`` at ``after``,
    how many bought again by ``until``. A rule under which many "churned" customers come back calls them lost too
    early for the business's purchase cycle.

    Parameters
    ----------
    stages_before : Series
        Stage per customer at ``after`` (:func:`stages`, :attr:`StagesAt.stages`).
    transactions : DataFrame
        The log (``customer_id``, ``date``, optional ``amount``; a refund-only day is not a purchase).
    after, until : date-like
        The date of the stages and the end of the check (the holdout end, or the later lifecycle date).
    called : tuple of str
        The stages checked.

    Returns
    -------
    DataFrame
        ``stage``, ``customers``, ``came_back``, ``came_back_share`` (NaN for an empty stage), one row per stage of
        ``called``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.lifecycle import came_back
    >>> st = pd.Series(["churned", "churned", "new"], index=["a", "b", "c"])
    >>> tx = pd.DataFrame({"customer_id": ["a", "c"], "date": pd.to_datetime(["2024-03-01", "2024-03-02"])})
    >>> came_back(st, tx, after="2024-01-31", until="2024-06-30").values.tolist()
    [['at-risk', 0, 0, nan], ['churned', 2, 1, 0.5]]
    """
    from .transactions import purchase_days

    start, end = pd.Timestamp(after).normalize(), pd.Timestamp(until).normalize()
    days = purchase_days(transactions)
    later = set(days.loc[(days["date"] > start) & (days["date"] <= end), "customer_id"].astype(str))
    rows = []
    for stage in called:
        ids = stages_before.index[stages_before.astype(str) == stage].astype(str)
        back = int(ids.isin(later).sum())
        rows.append({"stage": stage, "customers": int(len(ids)), "came_back": back,
                     "came_back_share": back / len(ids) if len(ids) else float("nan")})
    return pd.DataFrame(rows)


def came_back_empty(checked: pd.DataFrame, *, after) -> Message | None:
    """One sentence when the check of :func:`came_back` has nobody to check (the rule called no customer at risk
    or churned on ``after``), to be shown instead of a table of zeros with blank shares; None when it has someone.

    Parameters
    ----------
    checked : DataFrame
        :func:`came_back`.
    after : date-like
        The date of the stages checked.

    Returns
    -------
    Message or None

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.lifecycle import came_back, came_back_empty
    >>> st = pd.Series(["new", "new"], index=["a", "b"])
    >>> tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-03-01"])})
    >>> str(came_back_empty(came_back(st, tx, after="2024-01-31", until="2024-06-30"), after="2024-01-31"))[:60]
    'The lifecycle rule called no customer at risk or churned on '
    """
    if int(checked["customers"].sum()) > 0:
        return None
    return Message("The lifecycle rule called no customer at risk or churned on {date}, so there is nothing to check "
                   "against later purchases.", date=str(pd.Timestamp(after).date()))


#: The limitation a material :func:`churned_check` declares (its Chinese: the catalogue's ``finding`` entry); the
#: fields are :meth:`kamlib.tiers.ComeBack.numbers`'.
CHURNED_CAME_BACK = ("The lifecycle stages call customers churned too early: of the {returned} customers who bought again "
                     "after {date} and by {end}, {back} ({share}) had been called churned on {date} (no purchase for more "
                     "than {days} days, twice the inactivity window); that is more than the {cut} of the customers still "
                     "buying the workbook allows a day rule to call inactive (rule still_buying_called, a workbook "
                     "convention), and {gap_share} of the log's gaps between purchase days up to {date} are longer than "
                     "{days} days; fix: a higher tiers.inactive_percentile, or tiers.max_inactive_days set to the "
                     "business's purchase cycle in days (the churned stage starts at twice it).")


def churned_check(transactions: pd.DataFrame, *, risk_by: str, churned_days: int, after, until):
    """The churned stage's day rule checked on later purchases: of the customers who bought again after ``after`` and
    by ``until``, how many the stages on ``after`` had called churned (:func:`kamlib.tiers.day_rule_check`, the one
    check of a day rule, whose :attr:`~kamlib.tiers.ComeBack.material` decides the limitation
    :data:`CHURNED_CAME_BACK`); None when the stages judged risk by P(alive), so that no day rule called anyone churned.

    At risk is not lost, so the at-risk stage's customers coming back is expected and not checked here.

    Parameters
    ----------
    transactions : DataFrame
        The log the stages were drawn from (``customer_id``, ``date``, optional ``amount``).
    risk_by : {"p_alive", "recency"}
        How the stages on ``after`` judged risk (:attr:`StagesAt.risk_by`).
    churned_days : int
        The churned stage's day rule (twice the inactivity window).
    after, until : date-like
        The date of the stages and the end of the check.

    Returns
    -------
    kamlib.tiers.ComeBack or None

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.lifecycle import churned_check
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "c"],
    ...                    "date": pd.to_datetime(["2023-01-01", "2024-09-01", "2024-05-01", "2024-08-01",
    ...                                            "2024-05-01", "2024-05-15"])})
    >>> c = churned_check(tx, risk_by="recency", churned_days=365, after="2024-06-30", until="2024-12-31")
    >>> c.called, c.returned, c.came_back, c.material  # a was churned and came back: 1 of the 2 still buying
    (1, 2, 1, True)
    >>> churned_check(tx, risk_by="p_alive", churned_days=365, after="2024-06-30", until="2024-12-31") is None
    True
    """
    from .tiers import day_rule_check

    if risk_by not in ("p_alive", "recency"):
        raise ArgumentError(f"risk_by must be 'p_alive' or 'recency', not {risk_by!r}.", argument="risk_by")
    if risk_by != "recency":
        return None
    return day_rule_check(transactions, days=int(churned_days), after=after, until=until)


def stage_distribution(before: pd.Series, after: pd.Series, labels: tuple[str, str], *,
                       empty: dict | None = None) -> pd.DataFrame:
    """Customers per stage at two dates, stages in lifecycle order.

    Parameters
    ----------
    before, after : Series
        Stages per customer at the two dates (:func:`stages`).
    labels : tuple of str
        Column names for the two dates.
    empty : dict, optional
        Stage -> why it is empty by construction (:attr:`StagesAt.empty`, of either date): said in a ``note``
        column, so an empty row is never shown as a plain zero.

    Returns
    -------
    DataFrame
        ``stage``, one count column per date and ``note``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.lifecycle import STAGES, stage_distribution
    >>> s = pd.Series(pd.Categorical(["new"], categories=STAGES))
    >>> int(stage_distribution(s, s, ("a", "b")).loc[1, "a"])
    1
    """
    out = pd.DataFrame({labels[0]: before.value_counts(sort=False), labels[1]: after.value_counts(sort=False)}
                       ).rename_axis("stage").reset_index()
    empty = empty or {}
    none = Message("no customer at either date")
    out["note"] = [empty.get(st, none if not (a or b) else "") for st, a, b in
                   zip(out["stage"], out[labels[0]], out[labels[1]])]
    return out


def stages(transactions: pd.DataFrame, at, *, p_alive: pd.Series | None = None, registered=None,
           new_days: int = 90, growing_purchases: int = 2, mature_purchases: int = 5,
           at_risk_p_alive: float = 0.5, churned_p_alive: float = 0.2,
           at_risk_days: int = 180, churned_days: int = 365) -> pd.Series:
    """The lifecycle stage of every customer at date ``at`` (rules in the module docstring).

    Parameters
    ----------
    transactions : DataFrame
        The log (``customer_id``, ``date``).
    at : date-like
        The date, a whole day: every purchase on it counts, whatever its time of day (a customer first seen on
        ``at`` is new on ``at``).
    p_alive : Series, optional
        P(alive) per customer at ``at`` (Pareto/NBD); without it the day rules apply.
    registered : iterable, optional
        Customer ids registered without a purchase (stage potential).
    new_days, growing_purchases, mature_purchases : int
        Thresholds of the new, growing and mature stages.
    at_risk_p_alive, churned_p_alive : float
        P(alive) thresholds of the at-risk and churned stages.
    at_risk_days, churned_days : int
        Days without a purchase for at-risk and churned when no P(alive) is given.

    Returns
    -------
    Series
        Categorical stage per customer, categories in :data:`STAGES` order.

    References
    ----------
    Dwyer, F. R., Schurr, P. H. & Oh, S. (1987). Developing buyer-seller relationships. *J. Marketing*, 51(2),
    11-27 (relationship stages). Schmittlein, Morrison & Colombo (1987) for P(alive).

    Examples
    --------
    >>> from kamlib.lifecycle import stages
    >>> st = stages(tx, "1998-06-30")
    >>> st.value_counts().to_dict()
    {'churned': 1539, 'at-risk': 303, 'mature': 281, 'growing': 234, 'potential': 0, 'new': 0}
    """
    require_columns(transactions, ["customer_id", "date"], where="the transaction log")
    if not growing_purchases < mature_purchases:
        raise KamError(f"growing_purchases ({growing_purchases}) must be below mature_purchases ({mature_purchases}).")
    if not churned_p_alive < at_risk_p_alive:
        raise KamError(f"churned_p_alive ({churned_p_alive}) must be below at_risk_p_alive ({at_risk_p_alive}).")
    at = pd.Timestamp(at).normalize()  # a date is a whole day: a purchase at any time on ``at`` counts
    from .transactions import purchase_days

    tx = purchase_days(transactions[transactions["date"].dt.normalize() <= at])  # a refund-only day is no purchase
    days = tx.rename(columns={"date": "day"}).groupby("customer_id")["day"]
    first, last, n_days = days.min(), days.max(), days.nunique()
    customers = first.index
    if registered is not None:
        customers = customers.union(pd.Index(registered))
    stage = pd.Series("growing", index=customers, dtype=object)
    since_first = (at - first).dt.days.reindex(customers)
    since_last = (at - last).dt.days.reindex(customers)
    n = n_days.reindex(customers).fillna(0)
    stage[n >= growing_purchases] = "growing"
    stage[n >= mature_purchases] = "mature"
    stage[(since_first <= new_days) | (n == 1)] = "new"
    if p_alive is not None:
        pa = p_alive.reindex(customers)
        stage[pa < at_risk_p_alive] = "at-risk"
        stage[pa < churned_p_alive] = "churned"
    else:
        stage[since_last > at_risk_days] = "at-risk"
        stage[since_last > churned_days] = "churned"
    stage[n == 0] = "potential"
    return pd.Series(pd.Categorical(stage, categories=STAGES), index=customers, name="stage")


def transition_matrix(before: pd.Series, after: pd.Series, *, normalize: bool = True) -> pd.DataFrame:
    """Customers (or row shares) moving from each stage at the first date to each at the second.

    Customers absent at the first date (acquired in between) are the row ``acquired since`` (:data:`ACQUIRED`),
    not ``potential``, which counts registrations without a purchase.

    Parameters
    ----------
    before, after : Series
        Stages per customer at the two dates.
    normalize : bool
        Row shares (True) or counts.

    Returns
    -------
    DataFrame
        Stages at the first date (rows) by stages at the second (columns).

    References
    ----------
    Pfeifer, P. E. & Carraway, R. L. (2000). Modeling customer relationships as Markov chains.
    *J. Interactive Marketing*, 14(2), 43-55.

    Examples
    --------
    >>> from kamlib.lifecycle import stages, transition_matrix
    >>> trans = transition_matrix(stages(tx, "1997-09-30"), stages(tx, "1998-06-30"))
    >>> trans.shape
    (7, 6)
    """
    idx = after.index.union(before.index)
    b = before.reindex(idx).astype(object).fillna(ACQUIRED)
    a = after.reindex(idx).astype(object).fillna("potential")
    tab = pd.crosstab(pd.Categorical(b, STAGES + [ACQUIRED]), pd.Categorical(a, STAGES), dropna=False)
    tab.index.name, tab.columns.name = "from", "to"
    if normalize:
        tab = tab.div(tab.sum(axis=1).replace(0, np.nan), axis=0)
    return tab


def cohort_retention(transactions: pd.DataFrame, *, periods: int = 18) -> pd.DataFrame:
    """Share of each first-purchase-month cohort that buys in each following month.

    Parameters
    ----------
    transactions : DataFrame
        The log (``customer_id``, ``date``).
    periods : int
        Months after the first purchase to show.

    Returns
    -------
    DataFrame
        One row per cohort (first-purchase month): ``customers`` and the retention share in months
        0 (= 1.0), 1, 2, ...

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting: the perils of
    ignoring heterogeneity. *Marketing Science*, 29(1), 85-93 (cohort retention curves).

    Examples
    --------
    >>> from kamlib.lifecycle import cohort_retention
    >>> coh = cohort_retention(tx, periods=12)
    >>> coh.shape
    (3, 14)
    """
    from ._io import connect

    require_columns(transactions, ["customer_id", "date"], where="the transaction log")
    con = connect()
    try:
        from .transactions import purchase_days

        con.register("tx", purchase_days(transactions)[["customer_id", "date"]])
        df = con.execute("""
            WITH m AS (SELECT customer_id, DATE_TRUNC('month', date) AS month FROM tx GROUP BY ALL),
                 c AS (SELECT customer_id, MIN(month) AS cohort FROM m GROUP BY customer_id)
            SELECT c.cohort, DATE_DIFF('month', c.cohort, m.month) AS age, COUNT(*) AS active
            FROM m JOIN c USING (customer_id) GROUP BY ALL ORDER BY ALL
        """).df()
    finally:
        con.close()
    wide = df.pivot(index="cohort", columns="age", values="active")
    # a month in which a cohort bought nothing is 0; a month after the log's end is not observed (NaN)
    wide = wide.reindex(columns=range(0, int(df["age"].max()) + 1))
    cohorts = pd.to_datetime(wide.index)
    last = pd.Timestamp(transactions["date"].max()).to_period("M").to_timestamp()
    observable = ((last.year - cohorts.year) * 12 + (last.month - cohorts.month)).to_numpy()
    ages = wide.columns.to_numpy()
    wide = wide.where(~(wide.isna() & (ages[None, :] <= observable[:, None])), 0)
    out = wide.div(wide[0], axis=0)
    out = out.loc[:, [c for c in out.columns if c <= periods]]
    out.index = pd.to_datetime(out.index).strftime("%Y-%m")
    out.index.name = "cohort"
    out.insert(0, "customers", wide[0].astype(int).to_numpy())
    return out
