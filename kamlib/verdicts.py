"""Every automatic verdict of the workbook, made by one rule that names its statistic, cut-off and source.

A verdict in the report (a reliability met, a fit acceptable, a hypothesis supported, a common-method bias likely, a
score worse than chance, a test feasible for the company's size) comes from one :class:`Rule` in :data:`RULES`; the
analysis modules (:mod:`kamlib.survey.pls`, :mod:`kamlib.survey`, :mod:`kamlib.churn`, :mod:`kamlib.experiments`) read
their cut-offs from here, so a cut-off is changed in one place and the report's appendix lists exactly the rules it
applied (:func:`table`): reading a rule from :data:`RULES` records it as applied, in the process (:func:`applied`,
which a notebook's manifest record keeps) or inside :func:`applying` (the report's own reasoning).

Written by hand: the rules are conventions of the literature cited with each, not an algorithm a library offers.

References
----------
Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares Structural
Equation Modeling (PLS-SEM)*, 3rd ed., Sage.
Hu, L. & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis. *Structural
Equation Modeling*, 6(1), 1-55.
Gardner, M. J. & Altman, D. G. (1986). Confidence intervals rather than P values: estimation rather than hypothesis
testing. *British Medical Journal*, 292(6522), 746-750.
Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y. & Podsakoff, N. P. (2003). Common method biases in behavioral
research. *Journal of Applied Psychology*, 88(5), 879-903.
Cheung, G. W. & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for testing measurement invariance.
*Structural Equation Modeling*, 9(2), 233-255.
Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance. *Structural Equation
Modeling*, 14(3), 464-504.
Zhao, X., Lynch, J. G. & Chen, Q. (2010). Reconsidering Baron and Kenny: myths and truths about mediation analysis.
*Journal of Consumer Research*, 37(2), 197-206.
"""
from __future__ import annotations

import dataclasses
import math
import operator
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from ._results import Result
from .i18n import Message

__all__ = ["AUC_BANDS", "Applied", "EFFECTS", "RULES", "Rule", "Step", "WEIGHED", "Weighed", "applied", "applying",
           "comparable",
           "concentrated", "effect", "invariance_step", "met", "rule", "shortfall", "supported", "table", "weigh"]

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True)
class Rule:
    """A cut-off on one statistic: ``statistic op threshold`` is the criterion *met*.

    Attributes
    ----------
    name : str
        Key in :data:`RULES`.
    statistic : str
        What is measured, as the report names it (``"HTMT"``).
    op : {"<", "<=", ">", ">="}
        How a value meets the cut-off.
    threshold : float
    source : str
        Who set the cut-off (author and year), or "workbook convention" with the reason.
    means : str
        What meeting it means, in a few words.

    Examples
    --------
    >>> from kamlib.verdicts import RULES
    >>> RULES["htmt"].met(0.93), RULES["htmt"].met(0.62)
    (False, True)
    >>> str(RULES["htmt"])
    'HTMT < 0.9; Henseler, Ringle & Sarstedt (2015)'
    """

    name: str
    statistic: str
    op: str
    threshold: float
    source: str
    means: str

    def __post_init__(self):
        # the workbook's own reason is words of the catalogue (msgctxt "rule"): a sentence that names the source
        # shows it in the sentence's language ("本工作簿的约定(参数自助法, …)"), not in English
        if self.source.startswith("workbook convention") and not isinstance(self.source, Message):
            object.__setattr__(self, "source", Message(self.source, "rule"))

    def met(self, value) -> bool:
        """Whether ``value`` meets the cut-off (a missing or non-finite value never does)."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            return False
        return bool(math.isfinite(v) and _OPS[self.op](v, self.threshold))

    def __str__(self) -> str:
        return f"{self.statistic} {self.op} {self.threshold:g}; {self.source}"


class Applied(set):
    """The names of the rules read while this record is open (:meth:`open` to :meth:`close`, or a ``with`` block),
    in any thread of the process: a notebook's run (:class:`kamlib.workbench.artefacts.Artefacts` opens one when it
    is made and reads it when it closes) or the report's own reasoning (:func:`applying`). A rule read in a worker
    thread (a bootstrap's refits on :func:`kamlib._parallel.thread_map`) counts, since the open records are the
    process's, not a thread's context; a record opened after a rule was read does not hold it, so a notebook run
    again in one kernel records only its own rules.

    Examples
    --------
    >>> from kamlib.verdicts import Applied, met
    >>> with Applied() as used:
    ...     met("kmo", 0.8)
    True
    >>> used.names()
    ['kmo']
    """

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()

    def add(self, name: str) -> None:
        with self._lock:
            super().add(name)

    def names(self) -> list[str]:
        """The rules read, in :data:`RULES` order."""
        with self._lock:
            got = set(self)
        return [name for name in RULES if name in got]

    def open(self) -> Applied:
        """Start recording (returns the record itself)."""
        global _OPEN
        with _OPEN_LOCK:
            if not any(r is self for r in _OPEN):
                _OPEN = (*_OPEN, self)
        return self

    def close(self) -> None:
        """Stop recording; what was read stays."""
        global _OPEN
        with _OPEN_LOCK:
            _OPEN = tuple(r for r in _OPEN if r is not self)

    def __enter__(self) -> Applied:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    __hash__ = object.__hash__  # a record is itself, whatever it holds


#: The open records of :class:`Applied` (replaced whole under the lock, so a reader needs none)
_OPEN: tuple[Applied, ...] = ()
_OPEN_LOCK = threading.Lock()


class _Registry(dict):
    """The rules by name; reading one (``RULES[name]``) records it as applied (:func:`applied`, :func:`applying`).
    Iterating over the registry (the appendix's :func:`table`) applies nothing."""

    def __getitem__(self, name):
        found = dict.__getitem__(self, name)
        for into in _OPEN:
            into.add(name)
        return found


#: Every rule by name. Reading a rule (``RULES["cfi"]``, :func:`rule`, :func:`met` and the verdict functions) is
#: applying it: the report's appendix lists the rules a run read, with their sources (:func:`applied`).
RULES: dict[str, Rule] = _Registry({r.name: r for r in (
    # measurement model (reliability and validity)
    Rule("alpha", "Cronbach's alpha", ">=", 0.70, "Nunnally & Bernstein (1994)", "internal consistency"),
    Rule("rho_a", "rho_A", ">=", 0.70, "Dijkstra & Henseler (2015)", "internal consistency"),
    # composite reliability of a CB-SEM's factors (Fornell & Larcker's rho_c, the 0.7 of Nunnally & Bernstein); the
    # same cut-off on a PLS-SEM composite is the PLS-SEM primer's rule, rho_c below
    Rule("composite_reliability", "composite reliability", ">=", 0.70,
         "Fornell & Larcker (1981); Nunnally & Bernstein (1994)", "internal consistency"),
    Rule("rho_c", "composite reliability rho_c", ">=", 0.70, "Hair et al. (2022)", "internal consistency"),
    Rule("rho_c_max", "composite reliability rho_c", "<=", 0.95, "Hair et al. (2022)", "items are not near-duplicates"),
    Rule("ave", "AVE", ">=", 0.50, "Fornell & Larcker (1981)", "convergent validity"),
    Rule("htmt", "HTMT", "<", 0.90, "Henseler, Ringle & Sarstedt (2015)", "discriminant validity"),
    Rule("vif", "VIF", "<", 5.0, "Hair et al. (2022)", "no collinearity"),
    Rule("r2", "R squared", ">=", 0.25, "Hair, Ringle & Sarstedt (2011)", "at least weak explanatory power"),
    Rule("kmo", "KMO", ">=", 0.60, "Kaiser (1974)", "the items can be factor-analysed"),
    # model fit (covariance-based SEM)
    # no chi2/df rule: Kline (2016) advises against the normed chi-square, and the work that proposed a cut-off of 2
    # or 3 (Carmines & McIver 1981) could not be checked against a stored record of its title, venue and pages; the
    # fit table reports the chi-square and its df, and CFI, TLI, RMSEA and SRMR are judged
    Rule("cfi", "CFI", ">=", 0.95, "Hu & Bentler (1999)", "good fit"),
    Rule("tli", "TLI", ">=", 0.95, "Hu & Bentler (1999)", "good fit"),
    Rule("rmsea", "RMSEA", "<=", 0.06, "Hu & Bentler (1999)", "good fit (0.08 acceptable, Browne & Cudeck 1993)"),
    Rule("srmr", "SRMR", "<=", 0.08, "Hu & Bentler (1999)", "good fit"),
    # hypotheses
    Rule("p", "p-value", "<", 0.05, "Fisher (1925), one test per hypothesis", "significant"),
    Rule("ci_lower", "lower bound of the 95% CI", ">", 0.0,
         "a one-directional hypothesis: the whole 95% CI above zero, Gardner & Altman (1986)", "the effect is positive"),
    # common-method bias
    Rule("harman", "first unrotated component's share of variance", "<", 0.50, "Podsakoff et al. (2003)",
         "no single factor dominates"),
    Rule("clf_p", "p of the chi-square difference of a common latent factor", ">=", 0.05, "Podsakoff et al. (2003)",
         "the method factor does not improve fit"),
    Rule("clf_share", "common latent factor's share of item variance", "<", 0.25, "Cote & Buckley (1987)",
         "method variance below what is typical"),
    Rule("clf_change", "largest change of a standardised loading with a common latent factor", "<", 0.20,
         "workbook convention (a fifth of a standardised loading)", "the constructs do not owe much to the method"),
    Rule("clf_loading", "largest standardised loading of the common latent factor", ">=", 0.01,
         "workbook convention (below it the method factor sits on its zero bound and estimates no method variance)",
         "the method factor is estimated away from zero, so the model with it is an admissible check"),
    # a verdict resting on several criteria (common-method bias): "likely" only when all of them point the same way
    Rule("criteria_agree", "share of a verdict's criteria that point the same way", ">=", 1.0,
         "workbook convention (mixed criteria make the verdict 'possible', and it names them)",
         "the criteria agree, so the verdict may say 'likely' or 'not detected'"),
    # measurement invariance (kamlib.survey.invariance): the change in CFI decides, the chi-square difference is
    # reported beside it and the sentence says when the two disagree
    Rule("invariance_cfi", "change in CFI from the less constrained invariance model", ">=", -0.01,
         "Cheung & Rensvold (2002); Chen (2007)", "the added equality constraints hold (this criterion decides)"),
    Rule("invariance_chi2", "p of the chi-square difference between nested invariance models", ">=", 0.05,
         "Cheung & Rensvold (2002)",
         "the added constraints do not worsen fit significantly (reported, not deciding: it grows with the sample)"),
    # mediation (kamlib.survey.pls.hypothesis_rows): an indirect effect is a test of mediation only beside its direct
    # path; without it full mediation is assumed
    Rule("mediation_tested", "direct path estimated beside the indirect effect (1 yes, 0 no)", ">=", 1.0,
         "Zhao, Lynch & Chen (2010)", "mediation is tested, not assumed"),
    # a claim of the sources against the run (kamlib.stage_results): agree or disagree only on the claim's metric
    Rule("same_metric", "the run's evidence measures the metric the claim names (1 yes, 0 no)", ">=", 1.0,
         "workbook convention (a claim is confirmed or contradicted only by a measure of what it names)",
         "the evidence can agree or disagree with the claim"),
    # a significance filter (kamlib.act.baskets): a test that removes nothing the thresholds chose says nothing
    Rule("test_selects", "share of the rules the thresholds found that the significance test removes", ">", 0.0,
         "workbook convention (when every rule the support threshold admits is significant, the test is trivial)",
         "the significance test selects among the rules"),
    # a difference with an interval (a lift, a gap between two rules): its direction is read only when the whole
    # 95% CI lies on one side of zero, otherwise it is inconclusive (see effect)
    Rule("effect_gain", "lower bound of the 95% CI of a difference", ">", 0.0, "Gardner & Altman (1986)",
         "a gain: the whole interval lies above zero"),
    Rule("effect_loss", "upper bound of the 95% CI of a difference", "<", 0.0, "Gardner & Altman (1986)",
         "a loss: the whole interval lies below zero"),
    # revenue concentration (claim C1 of the register: a small group brings most of the revenue)
    Rule("concentration", "revenue share of the top 20% of customers", ">", 0.50,
         "workbook convention (most of the revenue: more than half)", "revenue is concentrated"),
    # evidence before results: a log large enough to identify dropout (kamlib.clv.evidence)
    Rule("dropout_recovery", "share of logs simulated at the log's size whose BG/NBD refit recovers the dropout "
         "probability within a factor of two", ">=", 0.80,
         "workbook convention (a parametric bootstrap, Efron & Tibshirani 1993)", "the log can identify dropout"),
    # the behavioural segments' robustness (kamlib.segments.robustness; the index: Hubert & Arabie 1985)
    Rule("segment_stability", "mean adjusted Rand index between k-means fits from different seeds", ">=", 0.80,
         "workbook convention (the adjusted Rand index, Hubert & Arabie 1985: most random starts give one partition)",
         "the segments do not depend on the random start"),
    Rule("method_agreement", "adjusted Rand index between k-means and another clustering method with the same k",
         ">=", 0.50, "workbook convention (the adjusted Rand index, Hubert & Arabie 1985: largely the same partition, "
         "as for a mapped column)", "the segments do not depend on the clustering method"),
    # the segments' separation (kamlib.segments.robustness): Kaufman & Rousseeuw's (1990, ch. 2) reading of the average
    # silhouette width (Rousseeuw 1987): at most 0.25 no substantial structure, 0.26-0.50 weak and possibly artificial,
    # 0.51-0.70 reasonable, above 0.70 strong
    Rule("segment_structure", "mean silhouette width of the chosen segments", ">", 0.25, "Kaufman & Rousseeuw (1990)",
         "a structure has been found (at or below the cut-off: no substantial structure)"),
    # a day rule that calls customers inactive or churned, checked on later purchases (kamlib.tiers.ComeBack)
    Rule("still_buying_called", "share of the customers who bought again in the check period whom the day rule had "
         "called inactive (or churned) on its first day", "<=", 0.25,
         "workbook convention (a rule that calls inactive more than one in four of the customers who were still "
         "buying calls customers lost too early)", "the day rule does not call customers lost too early"),
    # the customer-value index's pairwise judgements (kamlib.value_index.ahp)
    Rule("ahp_cr", "consistency ratio of the pairwise comparisons", "<", 0.10, "Saaty (1980)",
         "the judgements are consistent enough to weight the criteria"),
    # prediction and targeting
    Rule("auc", "ROC AUC", ">=", 0.70, "Hosmer, Lemeshow & Sturdivant (2013)", "acceptable discrimination"),
    Rule("auc_chance", "ROC AUC", ">=", 0.50, "Hosmer, Lemeshow & Sturdivant (2013)",
         "the score ranks churners above stayers at least as often as chance (below: it must not choose whom to contact)"),
    # the key-account tiers' risk (kamlib.tiers.alive_check): P(alive) judges risk only when it ranks the holdout's
    # churners above chance by its whole interval (Hosmer et al.'s 0.5 is no discrimination; the interval, not the
    # point estimate, as Gardner & Altman ask); otherwise the tiers judge risk by recency
    Rule("p_alive_risk", "lower bound of the 95% interval of the ROC AUC of 1 - P(alive) on the holdout", ">", 0.50,
         "Hosmer, Lemeshow & Sturdivant (2013); Gardner & Altman (1986)",
         "P(alive) ranks the holdout's churners above its stayers beyond chance, so it may judge key-account risk"),
    Rule("poor_discrimination", "ROC AUC", ">=", 0.60, "Hosmer, Lemeshow & Sturdivant (2013)",
         "better than poor discrimination (below: the claim that the score discriminates is contradicted)"),
    # survey items (item analysis by extreme groups)
    Rule("item_cr", "critical ratio (t of the top against the bottom 27% of total scores)", ">=", 3.0,
         "Wu (2010), after Kelley (1939)", "the item discriminates"),
    Rule("item_total_r", "corrected item-total correlation", ">=", 0.40, "Nunnally & Bernstein (1994); Wu (2010)",
         "the item measures what the others measure"),
    Rule("targeted_share", "share of customers a cost threshold selects", "<=", 0.50,
         "workbook convention (a rule that selects most customers hardly selects)", "the rule selects"),
    # experiments
    Rule("power", "power of a two-arm test", ">=", 0.80, "Cohen (1988)", "the test can detect the effect"),
    Rule("alpha_test", "significance level of a test", "<=", 0.05, "Cohen (1988)", "conventional level"),
    # the 5% level is the workbook's: Roth (2022) shows that such a pre-test can have low power and that passing it
    # does not establish parallel trends, so a passed test only fails to contradict them
    Rule("parallel_trends", "p-value of the joint test that every pre-period effect is zero", ">=", 0.05,
         "workbook convention (the 5% level; a passed pre-trend test can have low power, Roth (2022))",
         "no pre-trend: the parallel-trends assumption is not contradicted"),
    # profit CLV (kamlib.clv.profit): an account called loss-making on the evidence, not on its point estimate
    Rule("margin_loss", "upper bound of the 95% interval of an account's expected margin per purchase", "<", 0.0,
         "Gardner & Altman (1986)", "the account is expected to lose money on its purchases"),
    # PLSpredict (kamlib.survey.plspredict): an indicator predicted out of sample, and better than the linear benchmark
    Rule("q2_predict", "Q²predict of an endogenous indicator", ">", 0.0, "Shmueli et al. (2019)",
         "the model predicts the indicator better than the training sample's mean"),
    Rule("pls_rmse", "PLS-SEM's out-of-sample RMSE less the linear benchmark's, per indicator", "<", 0.0,
         "Shmueli et al. (2019)", "PLS-SEM predicts the indicator better than the linear benchmark"),
    # the bands of a churn score's discrimination above "acceptable" (rule auc; kamlib.churn.auc_verdict reads the
    # rule of the band a score reaches)
    Rule("auc_excellent", "ROC AUC", ">=", 0.80, "Hosmer, Lemeshow & Sturdivant (2013)", "excellent discrimination"),
    Rule("auc_outstanding", "ROC AUC", ">=", 0.90, "Hosmer, Lemeshow & Sturdivant (2013)",
         "outstanding discrimination"),
    # personalised recommendation against popularity (kamlib.act.recommend.claim_check)
    Rule("lift_none", "upper bound of the 95% CI of the hit-rate lift over popularity", "<=", 0.0,
         "Gardner & Altman (1986)", "no lift: personalised recommendations hit no more often than popular ones"),
    # an inactivity window drawn from the log's gaps (kamlib.tiers.min_gaps)
    Rule("window_gaps", "confidence that the smallest and the largest gap bracket the window's percentile", ">=", 0.95,
         "Hahn & Meeker (1991)", "the log's gaps bound the percentile the window is drawn at"),
)})


def applied() -> list[str]:
    """The rules read (applied to a statistic or shown as a cut-off) while a record now open was open, in
    :data:`RULES` order; none when no record is open (a notebook's own list is its :class:`Applied` record, which
    its manifest part keeps).

    Returns
    -------
    list of str

    Examples
    --------
    >>> from kamlib.verdicts import applied, applying, met
    >>> with applying():
    ...     _ = met("kmo", 0.8)
    ...     "kmo" in applied()
    True
    >>> applied()
    []
    """
    got = set().union(*_OPEN) if _OPEN else set()
    return [name for name in RULES if name in got]


@contextmanager
def applying():
    """Collect the rules read inside the block (the report's own verdicts: its closings, discussion and worded
    findings).

    Returns
    -------
    context manager
        Yielding the :class:`Applied` record of the rules read inside the block (in any thread), filled as they are
        read.

    Examples
    --------
    >>> from kamlib.verdicts import applying, concentrated
    >>> with applying() as used:
    ...     concentrated(0.74)
    True
    >>> sorted(used)
    ['concentration']
    """
    with Applied() as used:
        yield used

#: Discrimination of a score by its ROC AUC (Hosmer, Lemeshow & Sturdivant 2013, p. 177): lower bound -> words. Their
#: bands: 0.5 no discrimination, above 0.5 and below 0.7 poor, 0.7 acceptable, 0.8 excellent, 0.9 outstanding; below
#: 0.5 the score ranks stayers above churners (:func:`kamlib.churn.auc_verdict` says so)
AUC_BANDS = ((0.9, "outstanding"), (0.8, "excellent"), (0.7, "acceptable"), (0.5, "poor"), (0.0, "worse than chance"))


#: The verdicts of :func:`effect`
EFFECTS = ("gain", "loss", "inconclusive")

#: The verdicts of :func:`weigh`: every criterion indicates it, some do, none does
WEIGHED = ("likely", "possible", "not detected")


def rule(name: str) -> Rule:
    """The rule called ``name``; an unknown name is a :class:`~kamlib.errors.KamError` listing the known ones.

    Parameters
    ----------
    name : str
        A key of :data:`RULES`.

    Returns
    -------
    Rule

    Examples
    --------
    >>> from kamlib.verdicts import rule
    >>> rule("cfi").threshold
    0.95
    """
    from .errors import KamError

    try:
        return RULES[name]
    except KeyError:
        raise KamError(f"no verdict rule called {name!r}; the rules are {', '.join(RULES)}.") from None


def met(name: str, value) -> bool:
    """Whether ``value`` meets the rule ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`RULES`.
    value : float
        The statistic (NaN or None never meets a rule).

    Returns
    -------
    bool

    Examples
    --------
    >>> from kamlib.verdicts import met
    >>> met("ave", 0.48), met("srmr", 0.05)
    (False, True)
    """
    return rule(name).met(value)


def shortfall(criterion: str, of, value: float, cut: float, source: str):
    """The phrase that qualifies a result resting on a failed criterion, with its value, cut-off and source.

    Parameters
    ----------
    criterion : str
        As the reader knows it ("ave", "HTMT").
    of : str or Message
        The construct (or pair of constructs).
    value, cut : float
    source : str

    Returns
    -------
    Message

    Examples
    --------
    >>> from kamlib.verdicts import RULES, shortfall
    >>> r = RULES["ave"]
    >>> str(shortfall("ave", "SQ", 0.41, r.threshold, r.source))
    'ave of SQ is 0.41 (cut-off 0.50, Fornell & Larcker (1981))'
    """
    from .i18n import Message

    return Message("{criterion} of {of} is {value:.2f} (cut-off {cut:.2f}, {source})", "phrase", criterion=criterion,
                   of=of, value=float(value), cut=float(cut), source=source)


def supported(ci_lower, pvalue, alpha: float | None = None) -> bool:
    """A one-directional hypothesis is supported when its effect's 95% CI lies above 0 and p < 0.05.

    Parameters
    ----------
    ci_lower : float
        Lower bound of the 95% confidence interval of the effect (positive direction hypothesised).
    pvalue : float
    alpha : float, optional
        Significance level (the ``p`` rule's 0.05 by default).

    Returns
    -------
    bool

    Examples
    --------
    >>> from kamlib.verdicts import supported
    >>> supported(0.04, 0.01), supported(-0.02, 0.03), supported(0.1, float("nan"))
    (True, False, False)
    """
    p_rule = RULES["p"] if alpha is None else dataclasses.replace(RULES["p"], threshold=alpha)
    return RULES["ci_lower"].met(ci_lower) and p_rule.met(pvalue)


def effect(ci_lower, ci_upper) -> str:
    """The direction of a difference (a lift, a gap between two rules) by its 95% confidence interval: ``"gain"``
    when the whole interval lies above zero (rule ``effect_gain``), ``"loss"`` when it lies below (rule
    ``effect_loss``), ``"inconclusive"`` when it includes zero or a bound is missing.

    Every sentence of the report that says which way a difference goes reads it here, so a point estimate whose
    interval includes zero is never called a gain.

    Parameters
    ----------
    ci_lower, ci_upper : float
        The bounds of the difference's 95% CI (for a comparison with a fixed value, subtract it from both).

    Returns
    -------
    str
        One of :data:`EFFECTS`.

    References
    ----------
    Gardner, M. J. & Altman, D. G. (1986). Confidence intervals rather than P values. *BMJ*, 292, 746-750.

    Examples
    --------
    >>> from kamlib.verdicts import effect
    >>> effect(0.02, 0.4), effect(-0.667, 3.008), effect(-0.3, -0.01), effect(0.0, 0.2), effect(None, 0.3)
    ('gain', 'inconclusive', 'loss', 'inconclusive', 'inconclusive')
    """
    if RULES["effect_gain"].met(ci_lower) and RULES["effect_loss"].met(ci_upper):
        return "inconclusive"  # an interval with its bounds swapped is not evidence either way
    if RULES["effect_gain"].met(ci_lower) and _finite(ci_upper):
        return "gain"
    if RULES["effect_loss"].met(ci_upper) and _finite(ci_lower):
        return "loss"
    return "inconclusive"


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def concentrated(share) -> bool:
    """Whether revenue is concentrated: the top 20% of customers bring more than half of it (rule
    ``concentration``). The summary's wording and the discussion's verdict on claim C1 both read it.

    Parameters
    ----------
    share : float
        The top 20% of customers' share of revenue (0 to 1).

    Returns
    -------
    bool

    Examples
    --------
    >>> from kamlib.verdicts import concentrated
    >>> concentrated(0.74), concentrated(0.5), concentrated(0.45)
    (True, False, False)
    """
    return RULES["concentration"].met(share)


def table(names=None, language: str = "en") -> pd.DataFrame:
    """The rules as a table for a report's appendix: ``rule``, ``statistic``, ``criterion``, ``source``, ``means``.

    Parameters
    ----------
    names : iterable of str, optional
        The rules to list (all by default), in :data:`RULES` order.
    language : {"en", "zh"}
        The statistic, the source's words and the meaning from the catalogue (context ``rule``) in ``language``.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> from kamlib.verdicts import table
    >>> table(["cfi"]).iloc[0].to_dict()["criterion"]
    'CFI >= 0.95'
    """
    from .i18n import gettext, in_language

    def say(text):
        return in_language(text, gettext(text, "rule", language), language)

    keep = set(RULES if names is None else names)
    return pd.DataFrame([{"rule": r.name, "statistic": say(r.statistic),
                          "criterion": f"{say(r.statistic)} {r.op} {r.threshold:g}", "source": say(r.source),
                          "means": say(r.means)} for r in RULES.values() if r.name in keep])


@dataclass(frozen=True)
class Weighed(Result):
    """A verdict resting on several criteria (:func:`weigh`).

    Attributes
    ----------
    word : str
        One of :data:`WEIGHED`.
    indicating, not_indicating : tuple of str
        The criteria (as the reader knows them, with their values) that point to the finding, and those that do not.
    """

    word: str
    indicating: tuple
    not_indicating: tuple

    @property
    def mixed(self) -> bool:
        """Whether the criteria disagree (the verdict is "possible")."""
        return self.word == "possible"


def weigh(criteria: dict) -> Weighed:
    """A finding is *likely* only when every criterion indicates it, *not detected* when none does, and *possible*
    when they are mixed (rule ``criteria_agree``), so a verdict never claims more than its weakest criterion allows.

    Parameters
    ----------
    criteria : dict or list of (criterion, bool)
        Criterion, as the sentence names it (with its value and cut-off) -> whether it indicates the finding. A
        criterion that was not computed is left out.

    Returns
    -------
    Weighed

    Examples
    --------
    >>> from kamlib.verdicts import weigh
    >>> w = weigh({"chi-square difference p = 6e-10": True, "Harman 47% < 50%": False})
    >>> w.word, w.indicating, w.not_indicating
    ('possible', ('chi-square difference p = 6e-10',), ('Harman 47% < 50%',))
    >>> weigh({"a": True, "b": True}).word, weigh({"a": False}).word, weigh({}).word
    ('likely', 'not detected', 'not detected')
    """
    pairs = list(criteria.items() if isinstance(criteria, dict) else criteria)
    yes = tuple(k for k, v in pairs if v)
    no = tuple(k for k, v in pairs if not v)
    if not pairs:
        return Weighed("not detected", yes, no)
    agree = RULES["criteria_agree"].met(max(len(yes), len(no)) / len(pairs))
    return Weighed("possible" if not agree else "likely" if yes else "not detected", yes, no)


def comparable(claim_metric: str, evidence_metric: str) -> bool:
    """Whether the run's evidence measures the metric a claim names (rule ``same_metric``): only then may the claim
    be said to agree or disagree; otherwise the verdict is "not comparable".

    Parameters
    ----------
    claim_metric, evidence_metric : str
        The metric the claim names ("click-through rate") and the one the run measured ("hit rate"); compared
        without regard to case, spaces or hyphens.

    Returns
    -------
    bool

    Examples
    --------
    >>> from kamlib.verdicts import comparable
    >>> comparable("click-through rate", "hit rate"), comparable("Click-through rate", "click through rate")
    (False, True)
    """
    def norm(text):
        return " ".join(str(text or "").lower().replace("-", " ").split())

    same = bool(norm(claim_metric)) and norm(claim_metric) == norm(evidence_metric)
    return RULES["same_metric"].met(1.0 if same else 0.0)


@dataclass(frozen=True)
class Step(Result):
    """One step of a measurement-invariance sequence judged by both criteria (:func:`invariance_step`); unpacks as
    ``holds, chi2_holds``.

    Attributes
    ----------
    holds : bool
        The constraints hold by the change in CFI (rule ``invariance_cfi``), which decides.
    chi2_holds : bool
        They hold by the chi-square difference test (rule ``invariance_chi2``).
    """

    unpack = ("holds", "chi2_holds")
    holds: bool
    chi2_holds: bool

    @property
    def agree(self) -> bool:
        """Whether the two criteria say the same."""
        return self.holds == self.chi2_holds


def invariance_step(delta_cfi, delta_pvalue) -> Step:
    """One step of a measurement-invariance sequence (metric against configural, scalar against metric) by both
    criteria: the change in CFI (rule ``invariance_cfi``, which decides) and the chi-square difference test (rule
    ``invariance_chi2``, reported beside it).

    Parameters
    ----------
    delta_cfi : float
        CFI of the more constrained model minus that of the less constrained one.
    delta_pvalue : float
        p of the chi-square difference test between them.

    Returns
    -------
    Step
        ``holds`` (by the change in CFI) and ``chi2_holds`` (by the chi-square difference); unpacks as the pair.

    References
    ----------
    Cheung, G. W. & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for testing measurement invariance.
    *Structural Equation Modeling*, 9(2), 233-255. Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack
    of measurement invariance. *Structural Equation Modeling*, 14(3), 464-504.

    Examples
    --------
    >>> from kamlib.verdicts import invariance_step
    >>> s = invariance_step(-0.004, 0.010)  # scalar: CFI holds, the chi-square difference does not
    >>> tuple(s), s.agree
    ((True, False), False)
    """
    return Step(RULES["invariance_cfi"].met(delta_cfi), RULES["invariance_chi2"].met(delta_pvalue))
