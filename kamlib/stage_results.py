"""The framework's stage results as typed objects, and the report's reasoning as functions of them.

Each framework stage of a run (the literature, identify, understand, segment, act, evaluate) is one frozen result
(:class:`Literature`, :class:`Identify`, :class:`Understand`, :class:`Segment`, :class:`Act`, :class:`Evaluate`),
whose attributes are named, documented quantities: their definition and unit are in the class's Attributes. The six
travel together as :class:`StageResults`. :func:`recorded` builds them from what a run recorded: the values the
notebooks recorded (``values/<notebook>.json``) and the stage results they kept (the key-account tiers,
:class:`kamlib.tiers.Tiers`). :data:`RECORDED` is the one place of kamlib that knows which notebook records which
value under which key; everything else reads attributes. An attribute the run did not record is None.

The report's reasoning is made here, beside the results, as :class:`~kamlib.i18n.Message` objects (English template,
Chinese in the catalogue): each section's closing interpretation (:func:`closing`: what the result means for
key-account management, how certain it is, what it does not show) and the discussion that sets the literature
register's claims (``data/literature/claims.csv``) against this run (:func:`confront`); the questionnaire's summary
sentence is made here too (:func:`hypotheses_sentence`, for the survey notebook's ``art.finding``). Each sentence has
a guard that makes it impossible to contradict its result: a difference's direction is :func:`kamlib.verdicts.effect`
of its interval (an interval that includes zero is inconclusive), revenue concentration is
:func:`kamlib.verdicts.concentrated`, and a sentence about a counted set says what an empty set means (no rule, no
key account) rather than asserting something about it. A sentence whose input is None is left out (a claim it rests
on is "not tested in this run"); with ``strict=True``, as the tests run it, it raises a
:class:`~kamlib.errors.KamError` naming the attribute and where the run records it.

Written by hand: the interpretation is this workbook's argument, not a library's.

References
----------
American Psychological Association (2020). *Publication Manual* (7th ed.), 3.8: the discussion evaluates the
results against the hypotheses and prior work, and names the limits of what they show.
Gardner, M. J. & Altman, D. G. (1986). Confidence intervals rather than P values: estimation rather than hypothesis
testing. *British Medical Journal*, 292(6522), 746-750.
"""
from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from . import verdicts
from ._results import Result
from .errors import KamError, require_columns
from .i18n import Message, in_language
from .tiers import Identification, Tiers

__all__ = ["AGREES", "Act", "CHECKS", "CONCENTRATION_FINDING", "Claim", "DISAGREES", "DROPOUT_INCONCLUSIVE_FINDING",
           "DROPOUT_NOT_IDENTIFIED_FINDING", "Evaluate", "INCONCLUSIVE", "Identify", "KEPT", "Literature",
           "NOT_COMPARABLE", "NOT_TESTED", "OTHER_DATA", "PERSONALISATION_FINDING", "PERSONALISATION_LIFT_FINDING",
           "PERSONALISATION_METHODS_CLAIM_FINDING", "PERSONALISATION_METHODS_FINDING",
           "PERSONALISATION_METHODS_RECOMMENDATION", "RECORDED", "STAGES", "Segment", "Sentence", "StageResults",
           "Understand", "WORDED_FINDINGS", "closing", "confront", "group_difference_sentence",
           "hypotheses_sentence", "load_claims", "recorded", "recorded_by", "shown_pvalue"]


# ------------------------------------------------------------------------------------ sentences worded by a verdict

#: The executive-summary sentence on revenue concentration, as the identification stage declares it; its words
#: follow claim C1's rule (:func:`kamlib.verdicts.concentrated`), see :data:`WORDED_FINDINGS`.
CONCENTRATION_FINDING = "Revenue is concentrated: the top 20% of customers brought {share} of revenue (Gini {gini})."
#: The sentence on personalised recommendations' lift for new products, as the personalisation stage declares it;
#: its words follow the lift's interval (:func:`kamlib.verdicts.effect`).
PERSONALISATION_FINDING = ("For new products, personalised recommendations hit {lift} more often than popular ones "
                           "(95% CI {lo} to {hi}); the sources claim at least {claim}.")
#: The same sentence for a study that declares no fact for the lift (:func:`kamlib.workbench.study.basis_fact`): the
#: lift is measured, not set against a claim.
PERSONALISATION_LIFT_FINDING = ("For new products, personalised recommendations hit {lift} more often than popular "
                                "ones (95% CI {lo} to {hi}).")


#: The sentences on all personalised methods compared (:func:`kamlib.act.recommend.lift_summary`): how many are shown
#: to hit more often than popularity and how many less often, by their lift's 95% interval, and the best with its
#: interval, which was picked after seeing the results; the second adds the study's own claim.
PERSONALISATION_METHODS_FINDING = ("For products new to the customer, {gains} of the {n} personalised methods hit more "
                                   "often than popular ones and {losses} less often; the best, {method}, has a lift of "
                                   "{lift} (95% CI {lo} to {hi}).")
PERSONALISATION_METHODS_CLAIM_FINDING = ("For products new to the customer, {gains} of the {n} personalised methods hit "
                                         "more often than popular ones and {losses} less often; the best, {method}, has "
                                         "a lift of {lift} (95% CI {lo} to {hi}); the sources claim at least {claim}.")
#: The recommendation on personalised offers for products new to the customer, from all methods compared and what a
#: two-arm test on the log's customers can detect (:attr:`kamlib.act.recommend.LiftSummary.detectable_lift`)
PERSONALISATION_METHODS_RECOMMENDATION = ("Use personalised recommendations for products new to the customer only as "
                                          "far as the held-out comparison of {n} methods shows ({gains} better, "
                                          "{losses} worse; the best, {method}, 95% CI of the lift {lo} to {hi}; a test "
                                          "on {customers} customers detects {detectable}).")
#: The identification's sentences when the evidence check decides that no purchase model values the customers, as
#: 10_key_accounts declares them; worded here so that the cut-off names whose it is (rule ``dropout_recovery``).
DROPOUT_INCONCLUSIVE_FINDING = ("Whether the purchase models identify dropout on this log is inconclusive ({share} of "
                                "the simulated refits recover it, 95% CI {lower} to {upper}, rule at least {cut}), so "
                                "none values the customers: the value tiers rest on {measure} and recency, not on CLV.")
DROPOUT_NOT_IDENTIFIED_FINDING = ("The purchase models cannot identify dropout on this log (only {share} of the "
                                  "simulated refits recover it, 95% CI {lower} to {upper}, rule at least {cut}), so "
                                  "none values the customers: the value tiers rest on {measure} and recency, not on "
                                  "CLV.")


def _whose(rule: str) -> str:
    """Who set a rule's cut-off, as a sentence names it: "workbook convention" for the workbook's own (its reason is
    in the report's table of verdict rules), else the source (:data:`kamlib.verdicts.RULES`)."""
    source = str(verdicts.RULES[rule].source)
    return "workbook convention" if source.startswith("workbook convention") else source


def _methods_verdict(n: dict) -> str:
    """All personalised methods compared: some shown better, none better and some worse, or none told apart."""
    return "gain" if n["gains"] else "worse" if n["losses"] else "inconclusive"


def _methods_recommendation(n: dict) -> str:
    """As :func:`_methods_verdict`, and a test recommended only when the log's customers can power it: its detectable
    lift lies inside the best method's interval."""
    word = _methods_verdict(n)
    if word != "inconclusive":
        return word
    return "testable" if n["detectable"] <= n["hi"] else "untestable"


_BEST = "the best, {method}, picked after seeing the results, has a lift of {lift} (95% CI {lo} to {hi})"
_METHODS = {
    "gain": "For products new to the customer, {gains} of the {n} personalised methods hit more often than popular "
            "ones on the held-out purchases (95% CI of the lift above zero) and {losses} less often (below zero); "
            + _BEST,
    "worse": "For products new to the customer, no personalised method hit more often than popular ones on the "
             "held-out purchases: of the {n} compared, {gains} have the 95% CI of the lift above zero and {losses} "
             "below it; " + _BEST,
    "inconclusive": "For products new to the customer, none of the {n} personalised methods is shown to hit more or "
                    "less often than popular ones on the held-out purchases ({gains} better, {losses} worse: every 95% "
                    "CI of the lift includes zero); " + _BEST}
_SAYS = "{gains} of the {n} personalised methods hit more often than popular ones on the held-out purchases and {losses} less often"
_TEST = "a controlled test on the log's {customers} customers in two arms detects a lift in hit rate of {detectable} or more"


def _concentration_verdict(n: dict) -> str:
    return "concentrated" if verdicts.concentrated(n["share"]) else "not concentrated"


def _lift_verdict(n: dict) -> str:
    return verdicts.effect(n["lo"], n["hi"])


#: Declared sentence -> (verdict on its recorded numbers, English template per verdict, the
#: :data:`kamlib.verdicts.RULES` rule whose threshold a template shows as ``{cut}``, or None). A notebook declares the
#: sentence by its constant; the workbench renders the template its verdict chooses, so the summary, the section
#: closings and the discussion never disagree.
WORDED_FINDINGS: dict[str, tuple] = {
    CONCENTRATION_FINDING: (_concentration_verdict, {
        "concentrated": "Revenue is concentrated: the top 20% of customers brought {share} of it, more than "
                        f"{{cut}} ({_whose('concentration')}; Gini {{gini}}).",
        "not concentrated": "Revenue is not concentrated: the top 20% of customers brought {share} of it, not "
                            f"more than {{cut}} ({_whose('concentration')}; Gini {{gini}})."}, "concentration"),
    # the cut-off names whose it is: the verdict rule's source (kamlib.verdicts.RULES)
    DROPOUT_INCONCLUSIVE_FINDING: (lambda n: "said", {
        "said": DROPOUT_INCONCLUSIVE_FINDING.replace("rule at least {cut})",
                                                     f"rule at least {{cut}}, {_whose('dropout_recovery')})")}, None),
    DROPOUT_NOT_IDENTIFIED_FINDING: (lambda n: "said", {
        "said": DROPOUT_NOT_IDENTIFIED_FINDING.replace("rule at least {cut})",
                                                       f"rule at least {{cut}}, {_whose('dropout_recovery')})")}, None),
    PERSONALISATION_METHODS_FINDING: (_methods_verdict, {k: v + "." for k, v in _METHODS.items()}, None),
    PERSONALISATION_METHODS_CLAIM_FINDING: (_methods_verdict, {
        k: v + "; the sources claim at least {claim}." for k, v in _METHODS.items()}, None),
    PERSONALISATION_METHODS_RECOMMENDATION: (_methods_recommendation, {
        "gain": "Use {method} for products new to the customer, and confirm its lift in a controlled test: " + _SAYS
                + ", and {method}, the best, picked after seeing the results, has a lift whose 95% CI is {lo} to "
                "{hi}; " + _TEST + ".",
        "worse": "Keep popularity-based offers for products new to the customer: " + _SAYS + " (95% CI of the lift "
                 "below zero), and the best, {method}, picked after seeing the results, has a lift whose 95% CI is {lo} "
                 "to {hi}; " + _TEST + ".",
        "testable": "Test {method} against popular recommendations in a controlled experiment before using it: " + _SAYS
                    + ", and the best, {method}, picked after seeing the results, has a lift whose 95% CI, {lo} to "
                    "{hi}, includes zero; " + _TEST + ", within that interval.",
        "untestable": "Keep popularity-based offers for products new to the customer: " + _SAYS + ", and the best, "
                      "{method}, picked after seeing the results, has a lift whose 95% CI, {lo} to {hi}, includes "
                      "zero; " + _TEST + ", above that interval, so the log cannot power a test of it."}, None),
    PERSONALISATION_FINDING: (_lift_verdict, {
        "gain": "For products new to the customer, "
                "personalised recommendations hit {lift} more often than popular ones (95% CI {lo} "
                "to {hi}); the sources claim at least {claim}.",
        "loss": "For products new to the customer, "
                "personalised recommendations hit less often than popular ones: a lift of {lift} "
                "(95% CI {lo} to {hi}); the sources claim at least {claim}.",
        "inconclusive": "For products new to the customer, "
                        "whether personalised recommendations hit more often than popular ones is "
                        "inconclusive: a lift of {lift} whose 95% CI, {lo} to {hi}, includes zero; the sources claim "
                        "at least {claim}."}, None),
    PERSONALISATION_LIFT_FINDING: (_lift_verdict, {
        "gain": "For products new to the customer, "
                "personalised recommendations hit {lift} more often than popular ones (95% CI {lo} "
                "to {hi}).",
        "loss": "For products new to the customer, "
                "personalised recommendations hit less often than popular ones: a lift of {lift} "
                "(95% CI {lo} to {hi}).",
        "inconclusive": "For products new to the customer, "
                        "whether personalised recommendations hit more often than popular ones is "
                        "inconclusive: a lift of {lift} whose 95% CI, {lo} to {hi}, includes zero."}, None),
}


# ------------------------------------------------------------------------------------------------- the results

@dataclass(frozen=True)
class Literature(Result):
    """The literature stage: the sources coded and how well two codings agree.

    Attributes
    ----------
    n_sources : int or None
        Sources of the literature register coded in this run (count).
    n_themes : int or None
        Themes the sources were coded into (count).
    mean_kappa : float or None
        Mean Cohen's kappa between the manual and the automatic coding of the themes (-1 to 1; 1 is perfect
        agreement, 0 agreement by chance).
    n_gaps : int or None
        Themes stressed by at least two sources that no analysis of the workbook tests (count,
        :func:`kamlib.literature.gaps`).

    Examples
    --------
    >>> from kamlib.stage_results import Literature
    >>> Literature(n_sources=12, n_themes=6, mean_kappa=0.81).as_dict()
    {'n_sources': 12, 'n_themes': 6, 'mean_kappa': 0.81, 'n_gaps': None}
    """

    stage: ClassVar[str] = "literature"
    n_sources: int | None = None
    n_themes: int | None = None
    mean_kappa: float | None = None
    n_gaps: int | None = None


@dataclass(frozen=True)
class Identify(Result):
    """The identify stage: the key accounts, how concentrated revenue is, and which purchase model values customers.

    Attributes
    ----------
    key_accounts : int or None
        Customers who are key accounts (count): the top share of customers by past revenue, active or at risk
        (:attr:`kamlib.tiers.Tiers.n_key_accounts` of :attr:`tiers` when the run kept them).
    key_accounts_revenue_share : float or None
        The key accounts' share of the window's revenue (0 to 1).
    top_revenue_share : float or None
        The share of the window's revenue (0 to 1) that the top 20% of customers by revenue bring (the Pareto
        table's row of the top 20%).
    gini : float or None
        Gini coefficient of revenue across customers (0: every customer brings the same; 1: one customer brings
        everything).
    value_model : str or None
        The label of the purchase model the holdout chose to value the customers (:func:`kamlib.clv.holdout.select`);
        ``""`` when no model beat a sort by past revenue on the holdout (the value measure is past revenue).
    degenerate_models : tuple of str or None
        Labels of the purchase models that cannot identify dropout on this log (a degenerate fit); empty when none.
    regularity_k : float or None
        Wheat & Morrison's (1990) estimate of the Erlang shape of the inter-purchase times in the calibration period
        (1: Poisson timing; larger: more regular).
    dropout_evidence : bool or None
        Whether a log of this size can identify dropout (:func:`kamlib.clv.evidence.evidence`); False: no model
        was called identified or chosen, whatever the holdout showed.
    tiers : kamlib.tiers.Tiers or None
        The key-account tiers the identification kept (:class:`kamlib.tiers.Tiers`): the rule, the members and
        the customer table.
    log_lines : int or None
        Lines of the transaction log after the cleaning rules (count), as the data overview counts them.
    log_customers : int or None
        Customers in the cleaned transaction log (count).
    spend_shape : float or None
        The Gamma-Gamma spend model's shape p (no unit); None when the spend model did not run (a log without
        amounts).
    value_index_overlap : float or None
        The smallest share (0 to 1) of the customer-value index's top customers that stays in its top when any one
        pairwise judgement moves a step on Saaty's scale; None when the index did not run.
    profit_clv_total : float or None
        The customers' total lifetime value in profit (money, the log's currency); None when the log has no profit
        or no purchase model values the customers.
    margin_basis : str or None
        How the profit model reads margins (:mod:`kamlib.clv.profit`): ``"rate"`` as a share of each purchase's
        amount, ``"margin"`` as money per purchase.
    retention_lr_pvalue : float or None
        p-value of the likelihood-ratio test of the beta-discrete-Weibull retention model against the
        shifted-beta-geometric (:mod:`kamlib.retention`); None when contractual retention did not run.
    rank_by : str or None
        The key-account rule applied (:attr:`kamlib.tiers.Tiers.rank_by`, a key of :data:`kamlib.tiers.RANK_BY`).
    measure : str or None
        The measure it ranked by (:attr:`kamlib.tiers.Tiers.measure`: "purchase days" on a log without amounts).
    candidates : int or None
        Customers who may be key accounts under the study's ``tiers.candidates`` (count); None: every customer.
    dropout_recovered : float or None
        Share (0 to 1) of the evidence check's refits that recover the dropout probability
        (:attr:`kamlib.clv.evidence.Evidence.recovered`).
    dropout_verdict : str or None
        The evidence check's verdict by the exact interval of that share (:attr:`kamlib.clv.evidence.Evidence.verdict`):
        "identified", "inconclusive" (the interval includes the rule's cut-off) or "not identified".
    ml_customers : int or None
        Customers whose holdout revenue the gradient-boosted trees forecast in the holdout comparison (count,
        :func:`kamlib.clv.holdout.ml_forecast`); 0 when the calibration period was too short to train them (left out,
        with a note); None when the comparison did not run.
    dropout_unidentified : tuple of str or None
        Labels of the fitted purchase models whose dropout parameters are at a bound (no dropout identified on this
        log, :attr:`kamlib.clv.Fitted.dropout_unidentified`); the evidence check simulates with the CDNOW customers'
        dropout (:data:`kamlib.clv.evidence.CDNOW_DROPOUT`) when the BG/NBD is among them.
    sample_share : float or None
        The share of the customers (0 to 1] the run kept (``transactions.sample_share``, the one owner of the
        validation table's "customer sample" row); 1 when every customer was kept; None when not recorded.

    Examples
    --------
    >>> from kamlib.stage_results import Identify
    >>> Identify(key_accounts=845, gini=0.71, value_model="").value_model == ""  # no model chosen
    True
    """

    stage: ClassVar[str] = "identify"
    key_accounts: int | None = None
    key_accounts_revenue_share: float | None = None
    top_revenue_share: float | None = None
    gini: float | None = None
    value_model: str | None = None
    degenerate_models: tuple | None = None
    regularity_k: float | None = None
    dropout_evidence: bool | None = None
    tiers: Tiers | None = None
    log_lines: int | None = None
    log_customers: int | None = None
    spend_shape: float | None = None
    value_index_overlap: float | None = None
    profit_clv_total: float | None = None
    margin_basis: str | None = None
    retention_lr_pvalue: float | None = None
    rank_by: str | None = None
    measure: str | None = None
    candidates: int | None = None
    dropout_recovered: float | None = None
    dropout_verdict: str | None = None
    ml_customers: int | None = None
    dropout_unidentified: tuple | None = None
    sample_share: float | None = None


@dataclass(frozen=True)
class Understand(Result):
    """The understand stage: the questionnaire's hypotheses, the published survey and the review corpus.

    Attributes
    ----------
    hypotheses_tested : int or None
        Hypotheses of the questionnaire tested (count).
    hypotheses_supported : int or None
        Of them, those supported (count).
    real_survey_n : int or None
        Respondents of the published ECSI survey (another company's customers) analysed (count).
    real_estimates : dict or None
        Hypothesis id -> its estimate on the published survey (the study's ``real:`` tests; a standardised PLS-SEM
        coefficient, no unit).
    real_supported : dict or None
        Hypothesis id -> whether it is supported on the published survey.
    n_reviews : int or None
        Reviews of the public Chinese corpus classified (count).
    real_predictive_power : str or None
        PLSpredict's word for the published survey's out-of-sample predictive power of its outcome
        (:mod:`kamlib.survey.plspredict`); None when it did not run.
    estimator : str or None
        The measurement model's estimator ("WLSMV" on ordinal answers, else "ML").
    kmo : float or None
        Kaiser-Meyer-Olkin measure of sampling adequacy of the items (0 to 1).
    parallel_analysis_factors : int or None
        Factors retained by Horn's parallel analysis (count).
    items_analysed : int or None
        Items of the item analysis (count).
    invariance_level : str or None
        The highest level of measurement invariance held across the first grouping ("configural", "metric",
        "scalar" or "none").
    driver_r2 : float or None
        R² of the key-driver regression (OLS with LMG relative importance); None when it did not run.
    ipa_drivers : int or None
        Drivers in the importance-performance analysis (count).
    group_tests : int or None
        Profile questions of more than two groups compared by ANOVA and Kruskal-Wallis (count).
    group_differences : dict or None
        Profile question -> its comparisons of construct scores across the question's groups
        (:func:`kamlib.survey.group_differences`: test, statistic, df, p-value, effect size, the study's alpha and
        the hypotheses that name the grouping); the discussion says one sentence of each that is significant.
    nps : float or None
        Net Promoter Score of the answers (-100 to 100).

    Examples
    --------
    >>> from kamlib.stage_results import Understand
    >>> Understand(hypotheses_tested=8, hypotheses_supported=5).hypotheses_supported
    5
    """

    stage: ClassVar[str] = "understand"
    hypotheses_tested: int | None = None
    hypotheses_supported: int | None = None
    real_survey_n: int | None = None
    real_estimates: dict | None = None
    real_supported: dict | None = None
    n_reviews: int | None = None
    real_predictive_power: str | None = None
    estimator: str | None = None
    kmo: float | None = None
    parallel_analysis_factors: int | None = None
    items_analysed: int | None = None
    invariance_level: str | None = None
    driver_r2: float | None = None
    ipa_drivers: int | None = None
    group_tests: int | None = None
    group_differences: dict | None = None
    nps: float | None = None


@dataclass(frozen=True)
class Segment(Result):
    """The segment stage: the segments chosen, their revenue, and how well a churn score separates churners.

    Attributes
    ----------
    k : int or None
        Segments the clustering was asked for (count).
    k_gap : int or None
        The number of segments the gap statistic suggests (count).
    k_silhouette : int or None
        The number of segments the silhouette suggests (count).
    revenue_shares : dict or None
        Share of revenue (0 to 1) by segment id, for every segment with customers (an empty segment has none).
    top_customer_share : float or None
        The share of the customers (0 to 1) in the segment with the most revenue (:func:`kamlib.segments.top_segment`).
    churn_auc : float or None
        ROC AUC of the logistic churn score on the company's held-out customers (0 to 1; NaN when it could not be
        computed).
    churn_aucs : dict or None
        ROC AUC (0 to 1) by churn score (``"logit"``, ...) on the company's held-out customers; another data set's
        scores (the telecom demonstration) are not among them.

    Examples
    --------
    >>> from kamlib.stage_results import Segment
    >>> max(Segment(k=3, revenue_shares={"0": 0.1, "1": 0.8, "2": 0.1}).revenue_shares.values())
    0.8
    """

    stage: ClassVar[str] = "segment"
    k: int | None = None
    k_gap: int | None = None
    k_silhouette: int | None = None
    revenue_shares: dict | None = None
    top_customer_share: float | None = None
    churn_auc: float | None = None
    churn_aucs: dict | None = None


@dataclass(frozen=True)
class Act(Result):
    """The act stage: cross-selling rules and personalised recommendations.

    Attributes
    ----------
    baskets : int or None
        Baskets (orders) the association rules were mined on (count).
    rules : int or None
        Association rules that reach the support and confidence thresholds (count).
    rules_significant : int or None
        Of them, those that survive the significance test (count).
    personalised_lift : float or None
        The best personalised method's relative lift in holdout hit rate over popularity, for new products (a
        ratio: 0.2 is 20% more hits).
    personalised_lift_ci : tuple of float or None
        That lift's 95% confidence interval ``(lower, upper)``.
    personalised_verdict : str or None
        The recommendation notebook's reading of that lift against the study's own fact for it (none when the
        study declares none, :func:`kamlib.workbench.study.basis_fact`): "supports the
        claim", "a smaller lift than claimed", "no lift" or "inconclusive".
    personalised_method : str or None
        The personalised method with the best lift (``"itemcf"``, ``"hybrid"``, ...).
    personalised_claim_fact : str or None
        The id of the study's fact the lift is set against (None: the study declares none).
    personalised_claim : float or None
        The lift that fact states (a ratio: 0.2 is 20%).
    personalised_claim_measure : str or None
        The metric that fact names ("click-through rate"); a hit rate is comparable only with a hit rate.
    personalised_methods : int or None
        The personalised methods compared with popularity on products new to the customer (count); the best of them
        is picked after seeing the results.
    personalised_gains : int or None
        Of them, those whose lift's 95% interval lies above zero (count).
    personalised_losses : int or None
        Of them, those whose lift's 95% interval lies below zero (count).

    Examples
    --------
    >>> from kamlib.stage_results import Act
    >>> Act(rules=313, rules_significant=120, baskets=18000).rules_significant
    120
    """

    stage: ClassVar[str] = "act"
    baskets: int | None = None
    rules: int | None = None
    rules_significant: int | None = None
    personalised_lift: float | None = None
    personalised_lift_ci: tuple | None = None
    personalised_verdict: str | None = None
    personalised_method: str | None = None
    personalised_claim_fact: str | None = None
    personalised_claim: float | None = None
    personalised_claim_measure: str | None = None
    personalised_methods: int | None = None
    personalised_gains: int | None = None
    personalised_losses: int | None = None


@dataclass(frozen=True)
class Evaluate(Result):
    """The evaluate stage: which selection rule captures holdout revenue, the budget split and campaign tests.

    Attributes
    ----------
    top_share : float or None
        The share of customers the selection rules select (0 to 1; the study's ``strategy.top_share``).
    capture_clv : float or None
        The share of holdout revenue (0 to 1) that the top ``top_share`` of customers by CLV bring.
    capture_clv_ci : tuple of float or None
        Its 95% bootstrap confidence interval ``(lower, upper)`` (shares, 0 to 1).
    capture_past_revenue : float or None
        The share of holdout revenue (0 to 1) that the top ``top_share`` of customers by past revenue bring.
    capture_difference_ci : tuple of float or None
        The 95% interval of the difference ``capture_clv - capture_past_revenue`` from the same bootstrap resamples
        for both rules (paired).
    captures : dict or None
        The share of holdout revenue (0 to 1) that the top ``top_share`` of customers of each selection rule the run
        scored bring, by the rule's first word in lower case (``monetary``: past revenue, ``frequency``, ``rfm``,
        ``clv``, ``profit``, ``value``, ``random``: :data:`kamlib.act.strategy.RULES` and
        :data:`~kamlib.act.strategy.INDEX_RULE`).
    customers : int or None
        Customers in the transaction log (count).
    n_per_arm : int or None
        Customers per arm that a two-arm test of the planned lift needs (count; power 0.8).
    detectable_lift : float or None
        The smallest relative lift a two-arm test with the log's customers detects (a ratio; power 0.8).
    budget_incremental_clv : float or None
        The incremental CLV of the optimal budget split (money, in the log's currency), from assumed response curves
        (``strategy.uplift``), not measured.
    budget_uplift_basis : str or None
        Where those response curves come from, as the study's ``strategy.basis.uplift`` says: ``"workbook"`` when the
        study declares none (the workbook's stated values, :data:`kamlib.defaults.DEFAULT_UPLIFT`), ``"assumption"``
        for the study author's own, or the ids of the study's facts or sources they rest on (``"F003, S002"``).
    budget_uplift_workbook : bool or None
        Whether the values the split used are the workbook's stated ones (:data:`kamlib.defaults.DEFAULT_UPLIFT`),
        whoever declares them.
    capture_differences : dict or None
        Each rule's 95% interval ``(lower, upper)`` of its difference from past revenue's share, both rules in the
        same bootstrap resamples (paired; shares, 0 to 1), by the rule's key.
    profit_capture : float or None
        The share of holdout gross profit (0 to 1) that the top ``top_share`` of customers by past gross profit bring
        (:func:`kamlib.act.strategy.capture` with ``profit``), recorded when the study ranks its key accounts by gross
        profit and every rule is judged on it too.

    Examples
    --------
    >>> from kamlib.stage_results import Evaluate
    >>> e = Evaluate(top_share=0.2, capture_clv=0.62, capture_clv_ci=(0.58, 0.66), capture_past_revenue=0.55)
    >>> e.capture_clv_ci[0] > e.capture_past_revenue  # the CLV rule's interval lies above the sort
    True
    """

    stage: ClassVar[str] = "evaluate"
    top_share: float | None = None
    capture_clv: float | None = None
    capture_clv_ci: tuple | None = None
    capture_past_revenue: float | None = None
    capture_difference_ci: tuple | None = None
    captures: dict | None = None
    customers: int | None = None
    n_per_arm: int | None = None
    detectable_lift: float | None = None
    budget_incremental_clv: float | None = None
    budget_uplift_basis: str | None = None
    budget_uplift_workbook: bool | None = None
    capture_differences: dict | None = None
    profit_capture: float | None = None


#: The stage results by stage, in the report's order
STAGES: dict[str, type] = {c.stage: c for c in (Literature, Understand, Identify, Segment, Act, Evaluate)}


@dataclass(frozen=True)
class StageResults(Result):
    """A run's stage results, one per framework stage (each empty when its notebooks did not run).

    Attributes
    ----------
    literature : Literature
    understand : Understand
    identify : Identify
    segment : Segment
    act : Act
    evaluate : Evaluate

    Examples
    --------
    >>> from kamlib.stage_results import Identify, StageResults
    >>> StageResults(identify=Identify(gini=0.66)).identify.gini, StageResults().act.rules
    (0.66, None)
    """

    literature: Literature = field(default_factory=Literature)
    understand: Understand = field(default_factory=Understand)
    identify: Identify = field(default_factory=Identify)
    segment: Segment = field(default_factory=Segment)
    act: Act = field(default_factory=Act)
    evaluate: Evaluate = field(default_factory=Evaluate)


# ------------------------------------------------------------------------------ the one mapping from what a run records

#: Where a run records each attribute: ``(stage, attribute) -> (notebook, value key)``. A key with a ``(?P<id>...)``
#: group is a pattern: the attribute is a dict of every value whose key matches, by the group's text. The only place
#: of kamlib that names notebooks and value keys: the report's reasoning reads the attributes, and its methods
#: chapter (:mod:`kamlib.workbench.methods`) the parameters of the notebook that records them (:func:`recorded_by`).
RECORDED: dict[tuple[str, str], tuple[str, str]] = {
    ("literature", "n_sources"): ("00_literature", "n_sources"),
    ("literature", "n_themes"): ("00_literature", "n_themes"),
    ("literature", "mean_kappa"): ("00_literature", "mean_kappa"),
    ("literature", "n_gaps"): ("00_literature", "n_gaps"),
    ("identify", "key_accounts"): ("10_key_accounts", "key_accounts"),
    ("identify", "key_accounts_revenue_share"): ("10_key_accounts", "key_accounts_revenue_share"),
    ("identify", "top_revenue_share"): ("10_key_accounts", "top20_revenue_share"),
    ("identify", "gini"): ("10_key_accounts", "gini"),
    ("identify", "value_model"): ("10_key_accounts", "value_model"),
    ("identify", "degenerate_models"): ("10_key_accounts", "degenerate_models"),
    ("identify", "regularity_k"): ("10_key_accounts", "regularity_k"),
    ("identify", "dropout_evidence"): ("10_key_accounts", "dropout_evidence_adequate"),
    ("identify", "log_lines"): ("01_data_overview", "n_rows"),
    ("identify", "log_customers"): ("01_data_overview", "n_customers"),
    ("identify", "spend_shape"): ("10_key_accounts", "gamma_gamma_p"),
    ("identify", "value_index_overlap"): ("10_key_accounts", "value_index_top_overlap_min"),
    ("identify", "profit_clv_total"): ("10_key_accounts", "profit_clv_total"),
    ("identify", "margin_basis"): ("10_key_accounts", "margin_basis"),
    ("identify", "retention_lr_pvalue"): ("37_retention", "lr_pvalue"),
    ("identify", "rank_by"): ("10_key_accounts", "key_accounts_rank_by"),
    ("identify", "measure"): ("10_key_accounts", "key_accounts_measure"),
    ("identify", "candidates"): ("10_key_accounts", "key_account_candidates"),
    ("identify", "dropout_recovered"): ("10_key_accounts", "dropout_evidence_recovered"),
    ("identify", "dropout_verdict"): ("10_key_accounts", "dropout_evidence_verdict"),
    ("identify", "ml_customers"): ("10_key_accounts", "ml_forecast_customers"),
    ("identify", "dropout_unidentified"): ("10_key_accounts", "dropout_unidentified_models"),
    ("identify", "sample_share"): ("10_key_accounts", "customer_sample_share"),
    ("understand", "hypotheses_tested"): ("20_survey", "hypotheses_tested"),
    ("understand", "hypotheses_supported"): ("20_survey", "hypotheses_supported"),
    ("understand", "real_survey_n"): ("20_survey", "real_survey_n"),
    ("understand", "real_estimates"): ("20_survey", r"(?P<id>.+)_real_estimate"),
    ("understand", "real_supported"): ("20_survey", r"(?P<id>.+)_real_supported"),
    ("understand", "real_predictive_power"): ("20_survey", "real_predictive_power"),
    ("understand", "n_reviews"): ("25_reviews", "n_reviews"),
    ("understand", "estimator"): ("20_survey", "estimator"),
    ("understand", "kmo"): ("20_survey", "kmo"),
    ("understand", "parallel_analysis_factors"): ("20_survey", "parallel_analysis_factors"),
    ("understand", "items_analysed"): ("20_survey", "items_analysed"),
    ("understand", "invariance_level"): ("20_survey", "invariance_level"),
    ("understand", "driver_r2"): ("20_survey", "driver_r2"),
    ("understand", "ipa_drivers"): ("20_survey", "ipa_drivers"),
    ("understand", "group_tests"): ("20_survey", "group_tests"),
    ("understand", "group_differences"): ("20_survey", r"group_differences_(?P<id>.+)"),
    ("understand", "nps"): ("20_survey", "nps"),
    ("segment", "k"): ("30_segments", "k_chosen"),
    ("segment", "k_gap"): ("30_segments", "k_gap"),
    ("segment", "k_silhouette"): ("30_segments", "k_silhouette"),
    ("segment", "revenue_shares"): ("30_segments", r"segment_(?P<id>.+)_revenue_share"),
    ("segment", "top_customer_share"): ("30_segments", "top_segment_customer_share"),
    ("segment", "churn_auc"): ("35_churn", "auc_logit"),
    ("segment", "churn_aucs"): ("35_churn", r"auc_(?P<id>(?!telecom$).+)"),
    ("act", "baskets"): ("45_personalisation", "n_baskets"),
    ("act", "rules"): ("45_personalisation", "n_rules"),
    ("act", "rules_significant"): ("45_personalisation", "n_rules_significant"),
    ("act", "personalised_lift"): ("45_personalisation", "personalised_new_lift"),
    ("act", "personalised_lift_ci"): ("45_personalisation", "personalised_new_lift_ci"),
    ("act", "personalised_verdict"): ("45_personalisation", "personalised_new_verdict"),
    ("act", "personalised_method"): ("45_personalisation", "personalised_new_method"),
    ("act", "personalised_claim_fact"): ("45_personalisation", "personalised_claim_fact"),
    ("act", "personalised_claim"): ("45_personalisation", "personalised_claim"),
    ("act", "personalised_claim_measure"): ("45_personalisation", "personalised_claim_measure"),
    ("act", "personalised_methods"): ("45_personalisation", "personalised_new_methods"),
    ("act", "personalised_gains"): ("45_personalisation", "personalised_new_gains"),
    ("act", "personalised_losses"): ("45_personalisation", "personalised_new_losses"),
    ("evaluate", "top_share"): ("40_strategy", "top_share"),
    ("evaluate", "capture_clv"): ("40_strategy", "capture_clv"),
    ("evaluate", "capture_clv_ci"): ("40_strategy", "capture_clv_ci"),
    ("evaluate", "capture_past_revenue"): ("40_strategy", "capture_monetary"),
    ("evaluate", "capture_difference_ci"): ("40_strategy", "capture_clv_difference_ci"),
    ("evaluate", "captures"): ("40_strategy", r"capture_(?P<id>[a-z]+)"),
    ("evaluate", "customers"): ("40_strategy", "customers_in_log"),
    ("evaluate", "n_per_arm"): ("40_strategy", "n_per_arm_planned_lift"),
    ("evaluate", "detectable_lift"): ("40_strategy", "detectable_lift"),
    ("evaluate", "budget_incremental_clv"): ("40_strategy", "budget_optimal_incremental_clv"),
    ("evaluate", "budget_uplift_basis"): ("40_strategy", "budget_uplift_basis"),
    ("evaluate", "budget_uplift_workbook"): ("40_strategy", "budget_uplift_workbook"),
    ("evaluate", "capture_differences"): ("40_strategy", r"capture_(?P<id>[a-z]+)_difference_ci"),
    ("evaluate", "profit_capture"): ("40_strategy", "profit_capture_profit"),
}

#: The stage results a run keeps (``art.keep``): ``(stage, attribute) -> result name`` (``results/<name>.pickle``);
#: the identification keeps its whole :class:`kamlib.tiers.Identification`, whose ``tiers`` is the attribute
KEPT: dict[tuple[str, str], str] = {("identify", "tiers"): "key_accounts"}

#: How a recorded value becomes its attribute (the others are taken as recorded; None stays None)
_CONVERT: dict[tuple[str, str], Callable] = {
    ("identify", "value_model"): lambda v: "" if v == "none" else str(v),  # the notebook records "none" for none
    ("identify", "degenerate_models"): lambda v: tuple(map(str, v)),
    ("identify", "dropout_unidentified"): lambda v: tuple(map(str, v)),
    ("understand", "real_supported"): lambda v: {h: x == "yes" for h, x in v.items()},
    ("act", "personalised_lift_ci"): tuple,
    ("evaluate", "capture_clv_ci"): tuple,
    ("evaluate", "capture_difference_ci"): tuple,
    ("evaluate", "capture_differences"): lambda v: {k: tuple(x) for k, x in v.items()},
}


def recorded_by(stage: str, attribute: str) -> str:
    """The notebook that records a stage attribute (:data:`RECORDED`): the one whose parameters describe how it was
    computed.

    Parameters
    ----------
    stage : str
        A key of :data:`STAGES`.
    attribute : str
        An attribute of that stage's result.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.stage_results import recorded_by
    >>> recorded_by("segment", "k")
    '30_segments'
    """
    if (stage, attribute) not in RECORDED:
        raise KamError(f"no recorded stage attribute {stage}.{attribute}; kamlib.stage_results.RECORDED names each "
                       "one a run records.")
    return RECORDED[(stage, attribute)][0]


def _from_values(stage: str, name: str, values: dict):
    notebook, key = RECORDED[(stage, name)]
    record = values.get(notebook, {})
    if "(?P<id>" in key:
        found = {m["id"]: v for k, v in record.items() if (m := re.fullmatch(key, k))}
        value = dict(sorted(found.items())) if found else None
    else:
        value = record.get(key)
    convert = _CONVERT.get((stage, name))
    return convert(value) if convert is not None and value is not None else value


def _tiers_of(result):
    """The tiers of a kept identification (an older run kept the :class:`Tiers` alone)."""
    return result.tiers if isinstance(result, Identification) else result


def recorded(values: dict, kept: dict | None = None) -> StageResults:
    """A run's stage results from what it recorded: the values of :data:`RECORDED` and the kept results of
    :data:`KEPT` (an attribute the run did not record is None).

    When the identification kept its tiers, the count of key accounts and the value model are theirs.

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}`` as the run recorded them (``values/<notebook>.json``).
    kept : dict, optional
        ``{name: result}``: the stage results the run kept (``results/<name>.pickle``).

    Returns
    -------
    StageResults

    Examples
    --------
    >>> from kamlib.stage_results import recorded
    >>> r = recorded({"10_key_accounts": {"top20_revenue_share": 0.74, "gini": 0.71, "value_model": "none"},
    ...               "30_segments": {"k_chosen": 2, "segment_0_revenue_share": 0.8, "segment_1_revenue_share": 0.2}})
    >>> r.identify.top_revenue_share, r.identify.value_model, r.identify.key_accounts
    (0.74, '', None)
    >>> r.segment.k, r.segment.revenue_shares
    (2, {'0': 0.8, '1': 0.2})
    """
    kept = kept or {}
    made = {}
    for stage, cls in STAGES.items():
        attrs = {name: _from_values(stage, name, values) for (s, name) in RECORDED if s == stage}
        attrs.update({name: _tiers_of(kept.get(result)) for (s, name), result in KEPT.items() if s == stage})
        made[stage] = cls(**attrs)
    tiers = made["identify"].tiers
    if tiers is not None:  # one owner: the kept tiers count the key accounts and name the value model
        made["identify"] = dataclasses.replace(
            made["identify"], key_accounts=tiers.n_key_accounts, value_model=tiers.value_model, rank_by=tiers.rank_by,
            measure=tiers.measure, candidates=None if tiers.candidates is None else
            int(tiers.candidates.eligible(tiers.tier.index).sum()))
    return StageResults(**made)


# ----------------------------------------------------------------------------------------------- guards

#: Whether a sentence whose input is None raises (tests) instead of being left out (the report)
_STRICT: ContextVar[bool] = ContextVar("strict", default=False)


@contextmanager
def _strict(on: bool):
    token = _STRICT.set(bool(on))
    try:
        yield
    finally:
        _STRICT.reset(token)


def _where(result, name: str) -> str:
    """An attribute and where the run records it: ``Identify.gini (gini of 10_key_accounts)``."""
    source = RECORDED.get((result.stage, name))
    kept = KEPT.get((result.stage, name))
    origin = f"{source[1]} of {source[0]}" if source else f"the kept result {kept}" if kept else "not recorded"
    return f"{type(result).__name__}.{name} ({origin})"


def _need(result, *names):
    """The attributes ``names`` of a stage result (None when any is None; a KamError in strict mode)."""
    got = [getattr(result, n) for n in names]
    if any(v is None for v in got):
        if _STRICT.get():
            missing = [_where(result, n) for n, v in zip(names, got) if v is None]
            raise KamError(f"a sentence of the report needs {', '.join(missing)}, which the run did not record; "
                           "record it in the notebook or leave strict off.")
        return None
    return got


# ---------------------------------------------------------------------------------------------- the discussion

#: Verdicts of a claim against this run (catalogue context ``value``)
AGREES, DISAGREES, INCONCLUSIVE, OTHER_DATA, NOT_TESTED, NOT_COMPARABLE = (
    "agrees", "disagrees", "inconclusive", "shown on other data only", "not tested in this run", "not comparable")


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """The register of the sources' claims that a run can test: the study's own (``literature.claims``); kamlib
    ships none of a study's.

    Parameters
    ----------
    path : str or Path
        The study's claims register (its ``literature.claims``; columns as ``data/literature/claims.csv``); required,
        a clear error without it.

    Returns
    -------
    DataFrame
        ``id``, ``source``, ``location``, ``claim`` (an English paraphrase; never the source's sentence), ``check``
        (a name in :data:`CHECKS`, with its argument after a colon where it takes one: ``hypothesis:H6``).

    Examples
    --------
    >>> from kamlib.stage_results import load_claims
    >>> load_claims("data/literature/claims.csv")[["id", "check"]].head(2).to_numpy().tolist()
    [['C1', 'concentration'], ['C2', 'clv_over_sort']]
    """
    from .config import project_path

    if path is None:
        raise KamError("load_claims needs the study's claims register: pass its literature.claims path (a study "
                       "that declares none has no claims to confront).")
    path = project_path(path)
    if not path.exists():
        raise KamError(f"the claims register {path} does not exist; set literature.claims in the study file to your "
                       "register (columns as data/literature/claims.csv) or remove the key.")
    claims = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(claims, ["id", "source", "location", "claim", "check"], where=str(path),
                    fix="the register needs one row per claim with these columns")
    unknown = sorted({c for c in claims["check"] if c.partition(":")[0] not in CHECKS})
    renamed = sorted({c for c in unknown if c.partition(":")[0] in _RENAMED})
    if renamed:
        raise KamError(f"{path} names the check {renamed[0]!r}, which is now called "
                       f"{_RENAMED[renamed[0].partition(':')[0]]!r} (what it checks); rename it in column 'check'.")
    if unknown:
        raise KamError(f"{path} names checks the workbook does not have ({', '.join(unknown)}); use one of "
                       f"{', '.join(CHECKS)}.")
    return claims


def _text(m, language: str) -> str:
    return in_language(str(m), m.translate(language) if isinstance(m, Message) else None, language)


@dataclass(frozen=True)
class Claim(Result):
    """A claim of the sources set against this run.

    Attributes
    ----------
    id, source, location, claim : str
        The register's row (:func:`load_claims`).
    verdict : str
        One of agrees, disagrees, inconclusive, shown on other data only, not tested in this run, not comparable
        (the run measured another metric than the claim names: rule ``same_metric``).
    evidence : Message or str
        The statistic and its cut-off ("" when the claim was not tested).

    Examples
    --------
    >>> from kamlib.stage_results import Claim
    >>> Claim("C1", "S001", "p. 3", "Revenue is concentrated.", "not tested in this run", "").row()["verdict"]
    'not tested in this run'
    """

    id: str
    source: str
    location: str
    claim: str
    verdict: str
    evidence: Message | str

    def row(self, language: str = "en") -> dict:
        """The claim as a table row in ``language`` (``id``, ``source``, ``claim``, ``verdict``, ``evidence``)."""
        return {"id": self.id, "source": f"{self.source}, {_text(Message(self.location, 'claim'), language)}",
                "claim": _text(Message(self.claim, "claim"), language),
                "verdict": _text(Message(self.verdict, "value"), language),
                "evidence": _text(self.evidence, language) if self.evidence else ""}


#: The top share of customers whose revenue share :attr:`Identify.top_revenue_share` is (the Pareto table's row)
_TOP20 = 0.2


def _concentration(r: StageResults):
    """Claim C1 on the study's key-account rule (the one owner: :class:`kamlib.tiers.Tiers` the run kept): do its key
    accounts bring most of the revenue? The claim's 20% is the literature's 80/20 cut, shown beside it; without kept
    key accounts the verdict reads that cut alone, and says so."""
    got = _need(r.identify, "top_revenue_share", "gini")
    if got is None:
        return None
    share, gini = got
    rule = verdicts.RULES["concentration"]  # the summary's "concentrated" reads the same rule
    tiers_ = r.identify.tiers
    ka_share = r.identify.key_accounts_revenue_share
    if tiers_ is not None and ka_share is not None and tiers_.n_key_accounts > 0:
        yes = rule.met(ka_share)
        return (AGREES if yes else DISAGREES,
                # the share of the base it names: the customers the tiers rank (refund-only customers are not among
                # them, kamlib.tiers.base_note), which may be fewer than the log's
                Message("the study's {n:,} key accounts ({customers:.1%} of the {base:,} customers the tiers rank: "
                        "{rule}) bring {ka:.1%} of revenue, so revenue is {word} in them; the top {top:.0%} of "
                        "customers bring {share:.1%} of revenue (the literature's 80/20 cut, shown beside; Gini "
                        "{gini:.3f}); the claim needs more than {cut:.0%}", "phrase", n=tiers_.n_key_accounts,
                        base=len(tiers_.tier), customers=tiers_.n_key_accounts / max(1, len(tiers_.tier)),
                        rule=tiers_.selection, ka=ka_share,
                        word=Message("concentrated" if yes else "not concentrated", "value"), top=_TOP20,
                        share=share, gini=gini, cut=rule.threshold))
    yes = verdicts.concentrated(share)
    return (AGREES if yes else DISAGREES,
            Message("the top {top:.0%} of customers bring {share:.1%} of revenue (Gini {gini:.3f}; the literature's "
                    "80/20 cut, as the run kept no key accounts to judge), so revenue is {word}; the claim needs more "
                    "than {cut:.0%}", "phrase", top=_TOP20, share=share, gini=gini,
                    word=Message("concentrated" if yes else "not concentrated", "value"), cut=rule.threshold))


def _top20(r: StageResults):
    """A claim about the top 20% of customers (the 80/20 rule as measured, e.g. Kim, Singh & Winer 2017): judged on
    the top 20%'s revenue share, whatever the study's key-account rule."""
    got = _need(r.identify, "top_revenue_share", "gini")
    if got is None:
        return None
    share, gini = got
    rule = verdicts.RULES["concentration"]
    yes = verdicts.concentrated(share)
    return (AGREES if yes else DISAGREES,
            Message("the top {top:.0%} of customers bring {share:.1%} of revenue (Gini {gini:.3f}), so revenue is "
                    "{word}; the claim needs more than {cut:.0%}", "phrase", top=_TOP20, share=share, gini=gini,
                    word=Message("concentrated" if yes else "not concentrated", "value"), cut=rule.threshold))


def _measure_words(i) -> Message:
    """What the identification's tiers rank by, as a reader names it (:attr:`kamlib.tiers.Tiers.measure`; past
    revenue when the run kept no tiers and recorded no measure)."""
    return Message(i.tiers.measure if i.tiers is not None else i.measure or "past revenue", "phrase")


#: A difference's verdict (kamlib.verdicts.effect) -> the claim's verdict, for a claim that the difference is positive
_BY_EFFECT = {"gain": AGREES, "loss": DISAGREES, "inconclusive": INCONCLUSIVE}


def _clv_over_sort(r: StageResults):
    got = _need(r.evaluate, "capture_clv", "capture_clv_ci", "capture_past_revenue", "top_share")
    if got is None:
        return None
    clv, (lo, hi), monetary, top = got
    degenerate = r.identify.degenerate_models or ()  # said only of the model that values the customers (below)
    paired = r.evaluate.capture_difference_ci  # optional: a run recorded before the paired interval has none
    if paired:  # the claim holds when the paired interval of the difference lies above 0
        dlo, dhi = paired
        verdict = _BY_EFFECT[verdicts.effect(dlo, dhi)]
        evidence = Message("the top {top:.0%} by CLV captured {clv:.1%} of holdout revenue, the top {top:.0%} by past "
                           "revenue {monetary:.1%}: a difference of {diff:+.1f} percentage points (95% CI {dlo:+.1f} to "
                           "{dhi:+.1f}, both rules in the same bootstrap resamples); the claim needs that interval above "
                           "zero", "phrase",  # two shares' difference: in percentage points, not percent
                           top=top, clv=clv, monetary=monetary, diff=100 * (clv - monetary), dlo=100 * dlo, dhi=100 * dhi)
    else:  # a run recorded before the paired interval: the CLV rule's interval against the sort's point estimate
        verdict = _BY_EFFECT[verdicts.effect(lo - monetary, hi - monetary)]
        evidence = Message("the top {top:.0%} by CLV captured {clv:.1%} of holdout revenue (95% CI {lo:.1%} to {hi:.1%}), "
                           "the top {top:.0%} by past revenue {monetary:.1%}; the claim needs the CLV rule's interval "
                           "above the sort", "phrase", top=top, clv=clv, lo=lo, hi=hi, monetary=monetary)
    valuing = r.identify.value_model
    if valuing and valuing in degenerate:  # only the fit of the model that values the customers matters here
        evidence = Message("{evidence}; {models} cannot identify dropout on this log", "phrase",
                           evidence=evidence, models=[valuing])
    return verdict, evidence


def _sort_as_good(r: StageResults):
    """A claim that ranking by past purchases finds the next period's best customers about as well as a purchase
    model (Wübben & von Wangenheim 2008): the same paired difference as :func:`_clv_over_sort` read the other way;
    contradicted only when the 95% interval of the model's advantage lies above zero (rule ``effect_gain``), so an
    interval that includes zero agrees and bounds the difference it could miss. Not tested without the paired
    interval."""
    got = _need(r.evaluate, "capture_clv", "capture_past_revenue", "top_share", "capture_difference_ci")
    if got is None:
        return None
    clv, monetary, top, (dlo, dhi) = got
    rule = verdicts.RULES["effect_gain"]
    verdict = DISAGREES if rule.met(dlo) else AGREES
    return verdict, Message("the top {top:.0%} by past revenue captured {monetary:.1%} of holdout revenue, the top "
                            "{top:.0%} by CLV {clv:.1%}: the model's advantage is {diff:+.1f} percentage points (95% CI "
                            "{dlo:+.1f} to {dhi:+.1f}, both rules in the same bootstrap resamples); the claim is "
                            "contradicted only when that interval lies above zero, {source}", "phrase",
                            top=top, monetary=monetary, clv=clv, diff=100 * (clv - monetary), dlo=100 * dlo,
                            dhi=100 * dhi, source=rule.source)


def _churn_score_name(key: str):
    """A recorded churn score's name for a reader (``auc_<key>`` of the churn notebook)."""
    from .clv.base import label

    if key == "logit":
        return Message("the logistic regression on calibration RFM features", "phrase")
    if key == "recency":
        return Message("the days since the last purchase (the recency rule)", "phrase")
    if key.endswith("_p_alive"):
        return Message("1 - P(alive) of the {model}", "phrase", model=label(key.removesuffix("_p_alive")))
    if key.endswith("_expected"):
        return Message("the fewest expected purchases of the {model}", "phrase", model=label(key.removesuffix("_expected")))
    return key


def _churn_prediction(r: StageResults):
    scores = {k: v for k, v in (r.segment.churn_aucs or {}).items() if v == v}  # NaN: not computed
    if not scores:
        return None
    # the score fixed in advance, the model trained for churn: picking the best of several on the test half would
    # flatter the claim
    key = "logit" if "logit" in scores else max(scores, key=scores.get)
    rule = verdicts.RULES["auc"]
    auc = scores[key]
    verdict = AGREES if rule.met(auc) else DISAGREES if not verdicts.RULES["poor_discrimination"].met(auc) else INCONCLUSIVE
    return verdict, Message("the churn score fixed in advance, {score}, has ROC AUC {auc:.3f} on the company's customers "
                            "(test half); the claim holds at {op} {cut:g} and is contradicted below {poor:g} (between: "
                            "inconclusive), {source}", "phrase", auc=auc, score=_churn_score_name(key), op=rule.op,
                            cut=rule.threshold, poor=verdicts.RULES["poor_discrimination"].threshold, source=rule.source)


#: The best personalised method's lift in hit rate over popularity, by its direction (kamlib.verdicts.effect)
_LIFT_EVIDENCE = {
    "gain": "the best personalised method ({method}) raises the holdout hit rate by {lift:+.0%} over popularity (95% "
            "CI {lo:+.0%} to {hi:+.0%}); a hit rate, not a click-through rate",
    "loss": "the best personalised method ({method}) lowers the holdout hit rate: a lift of {lift:+.0%} over popularity "
            "(95% CI {lo:+.0%} to {hi:+.0%}); a hit rate, not a click-through rate",
    "inconclusive": "whether the best personalised method ({method}) raises the holdout hit rate over popularity is "
                    "inconclusive: a lift of {lift:+.0%} whose 95% CI, {lo:+.0%} to {hi:+.0%}, includes zero; a hit "
                    "rate, not a click-through rate"}


#: The metric the run measures; the study's fact names its own (``Act.personalised_claim_measure``): a verdict of
#: agreement needs them equal (rule ``same_metric``, :func:`kamlib.verdicts.comparable`)
_LIFT_METRIC = "hit rate"


def _personalised_lift(r: StageResults):
    """The claim that personalised recommendation lifts a response rate (the study's fact, e.g. a click-through
    rate): the run's best personalised method against popularity on the holdout, by the lift's interval; a hit rate
    is not comparable with a claim on another metric (rule ``same_metric``)."""
    got = _need(r.act, "personalised_lift", "personalised_lift_ci", "personalised_verdict", "personalised_method",
                "personalised_claim_measure")
    if got is None:
        return None
    lift, (lo, hi), said, method, measure = got
    direction = verdicts.effect(lo, hi)
    verdict = {"supports the claim": AGREES, "a smaller lift than claimed": DISAGREES, "no lift": DISAGREES}.get(
        said, INCONCLUSIVE)
    if direction == "inconclusive" and verdict == AGREES:  # never a claim supported by an interval that includes 0
        verdict = INCONCLUSIVE
    if not verdicts.comparable(measure, _LIFT_METRIC):  # a hit rate neither confirms nor contradicts, e.g., a CTR claim
        verdict = NOT_COMPARABLE
    evidence = Message(_LIFT_EVIDENCE[direction], "phrase", method=method, lift=lift, lo=lo, hi=hi)
    n, gains, losses = r.act.personalised_methods, r.act.personalised_gains, r.act.personalised_losses
    if n is not None and n > 1 and gains is not None and losses is not None:  # the best of several: said so
        evidence = Message("{evidence}; it is the best of {n} personalised methods, picked after seeing the results "
                           "({gains} with the 95% CI of the lift above zero, {losses} below it)", "phrase",
                           evidence=evidence, n=n, gains=gains, losses=losses)
    return verdict, evidence


def _hypothesis(r: StageResults, hypothesis: str):
    got = _need(r.understand, "real_supported", "real_estimates", "real_survey_n")
    if got is None or hypothesis not in got[0]:
        return None
    supported, estimates, n = got
    return OTHER_DATA, Message("on {n} respondents of the published ECSI survey, not the company's customers, "
                               "hypothesis {h} has the estimate {estimate:.2f} ({word})", "phrase", n=n, h=hypothesis,
                               estimate=estimates[hypothesis],
                               word=Message("supported" if supported[hypothesis] else "not supported", "value"))


def _experiment_size(r: StageResults):
    got = _need(r.evaluate, "customers", "n_per_arm")
    if got is None:
        return None
    customers, n = got
    if not customers:  # an empty log: nothing to compare with
        return INCONCLUSIVE, Message("a two-arm test of the planned lift needs {n:,} customers per arm, and the log has "
                                     "no customers", "phrase", n=n)
    if 2 * n <= customers:
        return AGREES, Message("a two-arm test of the planned lift needs {n:,} customers per arm; the log has "
                               "{customers:,}", "phrase", n=n, customers=customers)
    # a test's detectable lift is said only for a log with the four customers a two-arm test needs
    detectable = (_need(r.evaluate, "detectable_lift") or [None])[0] if customers >= 4 else None
    return INCONCLUSIVE, (Message("a two-arm test of the planned lift needs {n:,} customers per arm ({total:,} in "
                                  "all), more than the {customers:,} in the log; with them a test detects a relative "
                                  "lift of {lift:.0%} or more (power 0.8, Cohen 1988)", "phrase", n=n, total=2 * n,
                                  customers=customers, lift=detectable) if detectable is not None else
                          Message("a two-arm test of the planned lift needs {n:,} customers per arm ({total:,} in "
                                  "all), more than the {customers:,} in the log", "phrase", n=n, total=2 * n,
                                  customers=customers))


#: Check name -> function of a run's :class:`StageResults` returning (verdict, evidence), or None when the run lacks
#: what it needs; a check written ``name:argument`` in the register (``hypothesis:H6``: a hypothesis of the study's
#: research model, by its test on the published survey) passes the argument too
CHECKS: dict[str, Callable] = {"concentration": _concentration, "pareto_share": _top20,
                               "clv_over_sort": _clv_over_sort, "sort_as_good": _sort_as_good,
                               "churn_prediction": _churn_prediction, "personalised_lift": _personalised_lift,
                               "hypothesis": _hypothesis, "experiment_size": _experiment_size}


#: Check names retired -> their name now (a register naming the old one is told the new one)
_RENAMED: dict[str, str] = {"f001": "personalised_lift"}


def confront(results: StageResults, claims: pd.DataFrame | None = None, *, strict: bool = False) -> list[Claim]:
    """Each claim of the study's register against this run's stage results.

    Parameters
    ----------
    results : StageResults
        The run's stage results (:func:`recorded`).
    claims : DataFrame
        The study's claims register (:func:`load_claims` of its ``literature.claims``; no rows: no claims); required,
        a clear error without it.
    strict : bool
        Raise a :class:`~kamlib.errors.KamError` naming an attribute a check needs that the run did not record,
        instead of calling the claim "not tested in this run" (for tests, with complete results).

    Returns
    -------
    list of Claim
        In the register's order; a claim whose inputs were not recorded is "not tested in this run".

    Examples
    --------
    >>> from kamlib.stage_results import Identify, StageResults, confront
    >>> from kamlib.stage_results import load_claims
    >>> claims = load_claims("data/literature/claims.csv")  # the default study's register
    >>> c = confront(StageResults(identify=Identify(top_revenue_share=0.74, gini=0.71)), claims)
    >>> [(x.id, x.verdict) for x in c][:2]
    [('C1', 'agrees'), ('C2', 'not tested in this run')]
    >>> str(c[0].evidence)
    "the top 20% of customers bring 74.0% of revenue (Gini 0.710; the literature's 80/20 cut, as the run kept no key accounts to judge), so revenue is concentrated; the claim needs more than 50%"
    """
    if claims is None:
        raise KamError("confront needs the study's claims register: pass load_claims(<its literature.claims>), or "
                       "no rows when the study declares none.")
    out = []
    for _, row in claims.iterrows():
        with _strict(strict):
            name, _, argument = row["check"].partition(":")
            got = CHECKS[name](results, argument) if argument else CHECKS[name](results)
        verdict, evidence = got if got is not None else (NOT_TESTED, "")
        out.append(Claim(row["id"], row["source"], row["location"], row["claim"], verdict, evidence))
    return out


# ------------------------------------------------------------------------------------- the summary's sentences

def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _key(cls: type, attribute: str) -> str:
    """The value key a run records an attribute under (:data:`RECORDED`)."""
    return RECORDED[(cls.stage, attribute)][1]


_METHOD_ONLY = "; these rows show the method, not facts about real customers."
#: The questionnaire's sentence by (simulated answers, how many hypotheses are supported, whether some supported one
#: rests on a failed criterion): every template names exactly the numbers hypotheses_sentence gives it
_HYPOTHESES = {
    (False, "none", False): "On the survey, no hypothesis of the {hypotheses} tested is supported.",
    (False, "some", False): "On the survey, {supported} of {hypotheses} hypotheses are supported ({listed}).",
    (False, "some", True): "On the survey, {supported} of {hypotheses} hypotheses are supported ({listed}), and the "
                           "support of {qualified} rests on a failed criterion (the table's qualification column).",
    (False, "all", False): "On the survey, every hypothesis tested is supported ({hypotheses}: {listed}).",
    (False, "all", True): "On the survey, every hypothesis tested is supported ({hypotheses}: {listed}), and the "
                          "support of {qualified} rests on a failed criterion (the table's qualification column).",
    (True, "none", False): "On the simulated survey, no hypothesis of the {hypotheses} tested is supported"
                           + _METHOD_ONLY,
    (True, "some", False): "On the simulated survey, {supported} of {hypotheses} hypotheses are supported ({listed})"
                           + _METHOD_ONLY,
    (True, "some", True): "On the simulated survey, {supported} of {hypotheses} hypotheses are supported ({listed}), "
                          "and the support of {qualified} rests on a failed criterion (the table's qualification "
                          "column)" + _METHOD_ONLY,
    (True, "all", False): "On the simulated survey, every hypothesis tested is supported ({hypotheses}: {listed})"
                          + _METHOD_ONLY,
    (True, "all", True): "On the simulated survey, every hypothesis tested is supported ({hypotheses}: {listed}), and "
                         "the support of {qualified} rests on a failed criterion (the table's qualification column)"
                         + _METHOD_ONLY,
}


@dataclass(frozen=True)
class Sentence(Result):
    """A summary sentence for ``art.finding``: its English template (the catalogue's msgid, ``msgctxt "finding"``)
    and its numbers by field; unpacks as ``template, numbers``.

    Attributes
    ----------
    template : str
        The English template.
    numbers : dict
        Field -> ``(recorded value key, kind)`` or text, as ``art.finding`` takes them.
    """

    template: str
    numbers: dict
    unpack = ("template", "numbers")


def hypotheses_sentence(tested, *, simulated: bool, tested_key: str | None = None,
                        supported_key: str | None = None) -> Sentence | None:
    """The summary's sentence on the questionnaire's hypotheses: its template and numbers for
    ``art.finding`` (:meth:`kamlib.workbench.artefacts.Artefacts.finding`; None when no hypothesis was tested).

    The sentence says how many hypotheses are supported (none, some or every one), names them, names those whose
    support rests on a failed reliability, validity or fit criterion, and marks simulated answers as showing the
    method only; each branch's template names exactly the numbers given.

    Parameters
    ----------
    tested : iterable of (str, str, bool)
        ``(hypothesis, supported, qualified)`` per hypothesis tested on the questionnaire: ``supported`` is
        ``"yes"`` or ``"no"``, ``qualified`` whether the table's qualification column names a failed criterion.
    simulated : bool
        Whether the answers are simulated.
    tested_key, supported_key : str, optional
        The recorded values (``art.record``) of how many hypotheses were tested and supported; by default where
        :data:`RECORDED` reads :attr:`Understand.hypotheses_tested` and :attr:`Understand.hypotheses_supported`.

    Returns
    -------
    Sentence or None
        The English template (the catalogue's msgid, ``msgctxt "finding"``) and the numbers by field; unpacks as
        ``template, numbers``.

    Examples
    --------
    >>> from kamlib.stage_results import hypotheses_sentence
    >>> template, numbers = hypotheses_sentence([("H1", "yes", False), ("H2", "no", False)], simulated=False)
    >>> template
    'On the survey, {supported} of {hypotheses} hypotheses are supported ({listed}).'
    >>> numbers["listed"], sorted(numbers)
    (['H1'], ['hypotheses', 'listed', 'supported'])
    >>> hypotheses_sentence([], simulated=True) is None
    True
    """
    tested = [(str(h), s, bool(q)) for h, s, q in tested]
    if not tested:
        return None
    supported = [h for h, s, _ in tested if s == "yes"]
    qualified = [h for h, s, q in tested if s == "yes" and q]
    how = "none" if not supported else "all" if len(supported) == len(tested) else "some"
    template = _HYPOTHESES[(bool(simulated), how, bool(qualified))]
    tested_key = tested_key or _key(Understand, "hypotheses_tested")
    supported_key = supported_key or _key(Understand, "hypotheses_supported")
    numbers = {"hypotheses": (tested_key, "count"), "supported": (supported_key, "count"), "listed": supported,
               "qualified": qualified}
    return Sentence(template, {k: v for k, v in numbers.items() if k in _fields(template)})


# ----------------------------------------------------------------------------------------- closing interpretations

def _identify(r: StageResults, simulated: bool) -> list[Message]:
    out = []
    i = r.identify
    got = _need(i, "key_accounts", "key_accounts_revenue_share", "top_revenue_share", "gini")
    if got:
        n, share, top20, gini = got
        if n > 0:
            out.append(Message("For key-account management this means that a programme serving the {n:,} key accounts "
                               "covers {share:.1%} of revenue; the top 20% of customers bring {top20:.1%} (Gini "
                               "{gini:.3f}).", "closing", n=n, share=share, top20=top20, gini=gini))
        else:  # an empty tier covers nothing: say so, not "a programme serving the 0 key accounts"
            out.append(Message("For key-account management this means that no customer qualifies as a key account "
                               "under the tier rule, so there is no programme to serve yet; the top 20% of customers "
                               "bring {top20:.1%} (Gini {gini:.3f}).", "closing", top20=top20, gini=gini))
        if i.sample_share is not None and i.sample_share < 1:  # a customer sample (a quick run): said, with its share
            out.append(Message("These shares are counted on a random {share:.0%} sample of the customers "
                               "(transactions.sample_share), so they carry sampling error, and they describe the past "
                               "only.", "closing", share=i.sample_share))
        elif i.sample_share is not None:
            out.append(Message("These shares are counted on every customer of the window, not estimated from a "
                               "sample, but they describe the past only.", "closing"))
        else:  # not recorded: whether the customers were sampled is not known here, so not claimed
            out.append(Message("These shares describe the past only.", "closing"))
    model = _need(i, "value_model")
    chosen = model[0] if model else None
    if chosen == "" and i.dropout_evidence is False and i.dropout_verdict == "inconclusive":  # too few draws to say
        out.append(Message("They do not show which customers will stay valuable: whether the log can tell a customer "
                           "who left from one who buys rarely is inconclusive (the interval of the simulation check "
                           "includes its rule), so no purchase model values them; the tiers rank by {measure} and "
                           "judge risk by recency.", "closing", measure=_measure_words(i)))
    elif chosen == "" and i.dropout_evidence is False:  # too small a log: no model could be chosen
        out.append(Message("They do not show which customers will stay valuable: the log is too small to tell a "
                           "customer who left from one who buys rarely (simulated at its size), so no purchase model "
                           "values them; the tiers rank by {measure} and judge risk by recency.", "closing",
                           measure=_measure_words(i)))
    elif chosen == "" and i.tiers is not None and i.tiers.measure == "purchase days":  # no amounts: no spend model
        out.append(Message("They do not show which customers will stay valuable: the log has no amounts, so no "
                           "purchase model values them; the tiers rank by purchase days and judge risk by recency.",
                           "closing"))
    elif chosen == "":  # the holdout chose no model
        out.append(Message("They do not show which customers will stay valuable: no purchase model beats a sort by past "
                           "revenue on the holdout, so the tiers rank by {measure} and judge risk by recency.",
                           "closing", measure=_measure_words(i)))
    elif chosen:
        out.append(Message("The forward-looking tiers use {model}, the model chosen on the holdout: its top customers "
                           "captured at least as much holdout revenue as the top customers by past revenue (point "
                           "estimates; whether the difference exceeds chance is judged in the discussion), and its "
                           "forecast is a model's, checked on one holdout period.", "closing", model=chosen))
    elif i.degenerate_models:
        out.append(Message("They do not show which customers will stay valuable: the purchase models cannot identify "
                           "dropout on this log ({models}), so the tiers rank by {measure}.", "closing",
                           models=list(i.degenerate_models), measure=_measure_words(i)))
    elif got:
        out.append(Message("They do not show why these customers buy; whether the CLV forecast adds to a sort by past "
                           "revenue is checked on the holdout in the evaluation section.", "closing"))
    return out


def _segment(r: StageResults, simulated: bool) -> list[Message]:
    out = []
    s = r.segment
    if got := _need(s, "k"):
        k = got[0]
        # one share per segment with customers (an empty segment has no row in the profile, so none is recorded)
        shares = list((s.revenue_shares or {}).values())
        if 0 < len(shares) < k:
            out.append(Message("Only {m} of the {k} segments hold customers: the others are empty, so the account plan "
                               "has {m} groups to treat, the largest bringing {share:.1%} of revenue.", "closing",
                               m=len(shares), k=k, share=max(shares)))
        elif len(shares) > 1 and (top := _need(s, "top_customer_share")):  # its yardstick: its share of customers
            out.append(Message("The segment with the most revenue holds {customers:.1%} of the customers and brings "
                               "{share:.1%} of the revenue; account management weighs its customers accordingly.",
                               "closing", customers=top[0], share=max(shares)))
        if s.k_gap is not None and s.k_silhouette is not None and s.k_gap != s.k_silhouette:
            out.append(Message("The silhouette suggests {a} segments and the gap statistic {b}: the number of segments "
                               "is a choice for the account plan, not a finding.", "closing", a=s.k_silhouette,
                               b=s.k_gap))
    if (got := _need(s, "churn_auc")) and got[0] == got[0]:  # NaN: not computed
        from .churn import auc_verdict

        out.append(Message("The churn score's discrimination on held-out customers is {verdict}.", "closing",
                           verdict=auc_verdict(got[0])))
    if out:
        out.append(Message("Segments and scores describe customers; whether treating them differently pays is for a "
                           "test to show.", "closing"))
    return out


def _understand(r: StageResults, simulated: bool) -> list[Message]:
    out = []
    u = r.understand
    if (tested := _need(u, "hypotheses_tested")) and tested[0]:  # none tested: nothing to say about them
        if simulated:
            out.append(Message("The questionnaire's answers are simulated, so its hypothesis tests show the method and "
                               "say nothing about this company's customers; they become evidence when the company's "
                               "own survey replaces them.", "closing"))
        elif (got := _need(u, "hypotheses_supported")) is not None:
            out.append(Message("On the survey, {s} of {t} hypotheses are supported; read each with its qualification "
                               "column, which names any failed reliability, validity or fit criterion.", "closing",
                               s=got[0], t=tested[0]))
    # no sentence on group differences: no hypothesis declares a difference of means across the profile answers
    # (those that name a grouping compare a path), so each comparison is exploratory and stays in its appendix
    # table, whose caption says so with the number of tests (kamlib.survey.groups.exploratory_note)
    if u.real_survey_n is not None:
        out.append(Message("The real answers ({n} respondents) come from a published survey of another company: they "
                           "show that the satisfaction-loyalty chain can be tested, not that it holds here.", "closing",
                           n=u.real_survey_n))
    if (reviews := _need(u, "n_reviews")) and reviews[0]:
        out.append(Message("The {n:,} reviews are a public Chinese corpus, not the company's customers: the classifier "
                           "and the aspect shares demonstrate the method only.", "closing", n=reviews[0]))
    return out


def group_difference_sentence(row: dict) -> Message | None:
    """The discussion's sentence on one comparison of construct scores across an answer's groups, when it is
    significant at the study's level (None when it is not): the statistic with its degrees of freedom, the p-value,
    the level, the effect size and whether a hypothesis declares the comparison (exploratory when none does; the
    comparisons of a question are tested without correction for multiple tests, said with their number).

    Parameters
    ----------
    row : dict
        One record of :func:`kamlib.survey.group_differences`.

    Returns
    -------
    Message or None

    References
    ----------
    American Psychological Association (2020). *Publication Manual* (7th ed.), 6.43-6.46: a test is reported with
    its statistic, degrees of freedom, exact p-value and an effect size.

    Examples
    --------
    >>> from kamlib.stage_results import group_difference_sentence
    >>> row = {"question": "INDUSTRY", "variable": "LOY", "test": "ANOVA", "statistic": 5.96, "df1": 2, "df2": 269,
    ...        "pvalue": 0.0029, "effect": "eta_squared", "effect_size": 0.042, "n": 272, "alpha": 0.05,
    ...        "hypotheses": [], "tests": 3}
    >>> str(group_difference_sentence(row))[:111]
    'LOY differs across the groups of the answer INDUSTRY (one-way ANOVA F(2, 269) = 5.96, p = 0.003, below α = 0.05'
    >>> group_difference_sentence(dict(row, pvalue=0.2)) is None
    True
    """
    p, alpha = row["pvalue"], row["alpha"]
    if p is None or p != p or not p < alpha:
        return None
    statistic = (Message("one-way ANOVA F({df1}, {df2}) = {f:.2f}", "phrase", df1=row["df1"], df2=row["df2"],
                         f=row["statistic"]) if row["test"] == "ANOVA" else
                 Message("Welch's t = {t:.2f}", "phrase", t=row["statistic"]) if row.get("df1") is None else
                 Message("Welch's t({df:.1f}) = {t:.2f}", "phrase", df=row["df1"], t=row["statistic"]))
    shown_p = shown_pvalue(p, alpha)
    effect = (Message("η² = {e:.3f}", "phrase", e=row["effect_size"]) if row["effect"] == "eta_squared" else
              Message("Hedges' g = {e:.2f}", "phrase", e=row["effect_size"]))
    hypotheses = row.get("hypotheses") or []
    status = (Message("exploratory: no hypothesis declares this comparison, and it is one of the {k} comparisons by "
                      "{question} tested without correction for multiple tests", "phrase", k=row["tests"],
                      question=row["question"]) if not hypotheses else
              Message("{h} compares a path across these groups, not their means, so this difference is exploratory "
                      "too: one of the {k} comparisons by {question} tested without correction for multiple tests",
                      "phrase", h=", ".join(hypotheses), k=row["tests"], question=row["question"]))
    return Message("{variable} differs across the groups of the answer {question} ({statistic}, {p}, below α = "
                   "{alpha:g}; {effect}); {status}.", "closing", variable=row["variable"], question=row["question"],
                   statistic=statistic, p=shown_p, alpha=alpha, effect=effect, status=status)


def shown_pvalue(p: float, alpha: float) -> Message:
    """A p-value below ``alpha`` as a sentence shows it: three decimals ("p = 0.003", "p < 0.001"), four when three
    would round it up to ``alpha`` or above ("p = 0.0497", never "p = 0.050, below α = 0.05"), and "p < α" when
    four would too.

    Parameters
    ----------
    p : float
        The p-value, below ``alpha``.
    alpha : float
        The level it is judged at.

    Returns
    -------
    Message

    References
    ----------
    American Psychological Association (2020). *Publication Manual* (7th ed.): exact p-values to two or three
    decimals, p < .001 below that.

    Examples
    --------
    >>> from kamlib.stage_results import shown_pvalue
    >>> str(shown_pvalue(0.0029, 0.05)), str(shown_pvalue(0.0497, 0.05)), str(shown_pvalue(0.049996, 0.05))
    ('p = 0.003', 'p = 0.0497', 'p < 0.05')
    """
    if p < 0.001:
        return Message("p < 0.001", "phrase")
    if round(p, 3) < alpha:
        return Message("p = {p:.3f}", "phrase", p=p)
    if round(p, 4) < alpha:
        return Message("p = {p:.4f}", "phrase", p=p)
    return Message("p < {alpha:g}", "phrase", alpha=alpha)


def _act(r: StageResults, simulated: bool) -> list[Message]:
    out = []
    got = _need(r.act, "rules", "rules_significant", "baskets")
    if got:
        n, sig, b = got
        if n == 0:
            out.append(Message("Cross-selling finds no rule that reaches the support and confidence thresholds on {b:,} "
                               "baskets, so no offer can be drawn from rules.", "closing", b=b))
        elif sig == 0:
            out.append(Message("None of the {n:,} cross-selling rules found on {b:,} baskets survives the significance "
                               "test, so no offer can be drawn from rules.", "closing", n=n, b=b))
        elif not verdicts.met("test_selects", (n - sig) / n):  # removed nothing: the thresholds chose the rules
            out.append(Message("Cross-selling has {n:,} rules on {b:,} baskets, and the significance test removes none "
                               "of them: the support and confidence thresholds chose them, so offers can be drawn from "
                               "them, ranked by lift rather than by the test.", "closing", n=n, b=b))
        else:
            out.append(Message("Cross-selling has {sig:,} of {n:,} rules that survive the significance test on {b:,} "
                               "baskets: offers can be drawn from them.", "closing", sig=sig, n=n, b=b))
    claim = _personalised_lift(r) if _claimed("personalised_lift") else None  # only a claim of the study's own register
    stated = _need(r.act, "personalised_claim_fact", "personalised_claim") if claim else None
    if claim and stated:  # the study's own fact, by its id (a run records a verdict only against one)
        out.append(Message("Set against the {claim:+.0%} of the study's fact {fact}: {verdict}; {evidence}.", "closing",
                           claim=stated[1], fact=stated[0], verdict=Message(claim[0], "value"), evidence=claim[1]))
        out.append(Message("Hit rates on a later period are not sales effects: only a live test with a control group "
                           "measures what an offer adds.", "closing"))
    return out


#: A selection rule's name for a reader, by the key its capture is recorded under (``capture_<key>``); the order in
#: which the closing lists the rules
_RULE_WORDS = {"clv": "CLV", "value": "the customer-value index", "profit": "gross profit", "rfm": "RFM score",
               "frequency": "frequency"}
#: The benchmark rule: no selection at all
_RANDOM = "random"
#: The rule every other is compared with (paired)
_PAST_REVENUE = "monetary"


def _selection_rules(e: Evaluate) -> Message | None:
    """RQ4's answer: each scored rule's difference from past revenue in holdout revenue share, with its paired 95%
    interval, and the verdict by the interval (:func:`kamlib.verdicts.effect`); past revenue against a random
    selection beside them, as the benchmark."""
    got = _need(e, "captures", "capture_differences", "top_share")
    if got is None:
        return None
    shares, bounds, top = got
    if _PAST_REVENUE not in shares:
        return None
    base = shares[_PAST_REVENUE]
    scored = [k for k in _RULE_WORDS if k in shares and k in bounds]
    scored += sorted(k for k in bounds if k in shares and k not in scored and k not in (_PAST_REVENUE, _RANDOM))
    if not scored:
        return None

    def name(k):
        return Message(_RULE_WORDS[k], "phrase") if k in _RULE_WORDS else k

    items = [Message("{rule} {diff:+.1f} (95% CI {lo:+.1f} to {hi:+.1f})", "phrase", rule=name(k),
                     diff=100 * (shares[k] - base), lo=100 * bounds[k][0], hi=100 * bounds[k][1]) for k in scored]
    said = {k: verdicts.effect(*bounds[k]) for k in scored}
    better = [name(k) for k in scored if said[k] == "gain"]
    worse = [name(k) for k in scored if said[k] == "loss"]
    if better:
        verdict = Message("shown to beat past revenue: {better}; not shown: the others", "phrase", better=better) \
            if len(better) < len(scored) else Message("every rule is shown to beat past revenue", "phrase")
    elif worse:
        verdict = Message("no rule is shown to beat past revenue, and {worse} is shown to do worse", "phrase",
                          worse=worse)
    else:
        verdict = Message("no rule is shown to beat past revenue: every interval includes zero", "phrase")
    benchmark = None
    if _RANDOM in shares and _RANDOM in bounds:
        lo, hi = bounds[_RANDOM]
        word = {"loss": "past revenue is shown to beat a random selection",
                "gain": "a random selection is shown to beat past revenue",
                "inconclusive": "past revenue is not shown to beat a random selection"}[verdicts.effect(lo, hi)]
        benchmark = Message("{word} (random {diff:+.1f}, 95% CI {lo:+.1f} to {hi:+.1f})", "phrase",
                            word=Message(word, "phrase"), diff=100 * (shares[_RANDOM] - base), lo=100 * lo, hi=100 * hi)
    if benchmark is None:
        return Message("Which selection rules pay: against the top {top:.0%} by past revenue ({base:.1%} of holdout "
                       "revenue), the top {top:.0%} by each rule captured a difference, in percentage points of holdout "
                       "revenue, of {rules} (95% CIs from the same bootstrap resamples); {verdict}.", "closing", top=top, base=base,
                       rules=items, verdict=verdict)
    return Message("Which selection rules pay: against the top {top:.0%} by past revenue ({base:.1%} of holdout "
                   "revenue), the top {top:.0%} by each rule captured a difference, in percentage points of holdout "
                   "revenue, of {rules} (95% CIs from the same bootstrap resamples); {verdict}; {benchmark}.", "closing", top=top, base=base,
                   rules=items, verdict=verdict, benchmark=benchmark)


def _evaluate(r: StageResults, simulated: bool) -> list[Message]:
    out = []
    rules = _selection_rules(r.evaluate)
    if rules is not None:
        out.append(rules)
    got = _clv_over_sort(r) if _claimed("clv_over_sort") else None  # only a claim of the study's own register
    if got:
        verdict, evidence = got
        by = _claimed_by("clv_over_sort")
        out.append(Message("Set against the claim that CLV guides allocation better than past revenue ({sources}): "
                           "{verdict}; {evidence}.", "closing", sources=by or Message("the claims register", "phrase"),
                           verdict=Message(verdict, "value"), evidence=evidence))
    if r.evaluate.budget_incremental_clv is not None:
        out.append(_budget_basis(r.evaluate))
    size = _experiment_size(r)
    if size:
        out.append(Message("For campaign tests, {evidence}.", "closing", evidence=size[1]))
    return out


def _budget_basis(e: Evaluate) -> Message:
    """Whose response curves the budget split used, as the run recorded it: the workbook's stated values (undeclared,
    or adopted by the study as its assumption), the study author's own assumption, or values the study bases on its
    sources; a run that did not record it is told only that the curves are assumed."""
    basis, workbook = e.budget_uplift_basis, e.budget_uplift_workbook
    if basis == "workbook":
        return Message("The budget split rests on the workbook's stated response curves (the study file does not "
                       "declare strategy.uplift), not measured: it shows how to allocate, not how much a tier will "
                       "return.", "closing")
    if basis == "assumption" and workbook:
        return Message("The budget split rests on the workbook's stated response curves, which the study file adopts "
                       "as its own assumption (strategy.basis), not measured: it shows how to allocate, not how much "
                       "a tier will return.", "closing")
    if basis == "assumption":
        return Message("The budget split rests on response curves assumed in the study file, not measured: it shows "
                       "how to allocate, not how much a tier will return.", "closing")
    if basis:
        return Message("The budget split rests on response curves the study file draws from {basis} "
                       "(strategy.basis), not measured: it shows how to allocate, not how much a tier will return.",
                       "closing", basis=basis)
    return Message("The budget split rests on assumed response curves, not measured: it shows how to allocate, not "
                   "how much a tier will return.", "closing")


def _literature(r: StageResults, simulated: bool) -> list[Message]:
    got = _need(r.literature, "n_sources", "n_themes", "mean_kappa")
    if got is None or not got[0] or not got[1]:  # no source or no theme coded: nothing to report on
        return []
    n, themes, kappa = got
    return [Message("The {n} sources were coded into {themes} themes, with a mean kappa of {kappa:.2f} between the "
                    "manual and the automatic coding; what they claim and this run can test is set against its "
                    "statistic in the discussion.", "closing", n=n, themes=themes, kappa=kappa)]


_CLOSINGS: dict[str, Callable] = {"literature": _literature, "identify": _identify, "segment": _segment,
                                  "understand": _understand, "act": _act, "evaluate": _evaluate}


#: The checks of the claims register a closing may set a result against, each with the sources of its claims (None:
#: every check, as without a register).
_CLAIMED: ContextVar = ContextVar("claimed", default=None)


def _claimed(check: str) -> bool:
    """Whether the run's claims register holds a claim of ``check`` (:func:`closing`'s ``claims``)."""
    checks = _CLAIMED.get()
    return checks is None or check in checks


def _claimed_by(check: str) -> str:
    """The sources of the register's claims of ``check``, as the register names them ('S002; Reinartz & Kumar
    (2003)'); empty without a register."""
    return "; ".join((_CLAIMED.get() or {}).get(check, []))


def closing(stage: str, results: StageResults, *, strict: bool = False,
            survey_simulated: bool = False, claims: pd.DataFrame | None = None) -> list[Message]:
    """A section's closing interpretation: what its results mean for key-account management, how certain they are
    and what they do not show (empty when the stage recorded nothing to say).

    Parameters
    ----------
    stage : str
        A stage of :data:`STAGES` (another stage has no closing).
    results : StageResults
        The run's stage results (:func:`recorded`).
    strict : bool
        Raise a :class:`~kamlib.errors.KamError` naming an attribute a sentence needs that the run did not record,
        instead of leaving the sentence out (for tests, with complete results: a misspelt or unrecorded value is
        seen, not silently dropped).
    survey_simulated : bool
        Whether the questionnaire's answers are simulated (its hypothesis tests then show the method only).

    Returns
    -------
    list of Message
        The sentences, English with their Chinese in the catalogue (``msgctxt "closing"``).

    Examples
    --------
    >>> from kamlib.stage_results import Identify, StageResults, closing
    >>> r = StageResults(identify=Identify(key_accounts=845, key_accounts_revenue_share=0.7225,
    ...                                    top_revenue_share=0.7394, gini=0.7087))
    >>> str(closing("identify", r)[0])[:80]
    'For key-account management this means that a programme serving the 845 key accou'
    >>> closing("identify", r)[0].translate("zh")[:13]
    '对大客户管理而言,这意味着'
    """
    make = _CLOSINGS.get(stage)
    claimed = None
    if claims is not None:
        claimed = {}
        for check, source in zip(claims["check"], claims["source"]):
            claimed.setdefault(check.partition(":")[0], []).append(source)
    token = _CLAIMED.set(claimed)
    try:
        with _strict(strict):
            return make(results, bool(survey_simulated)) if make else []
    finally:
        _CLAIMED.reset(token)
