"""Evidence before results: can a log of this size tell a customer who left from one who buys rarely?

A purchase model's dropout parameters can be interior (not at a bound) and still rest on a handful of repeat buyers.
:func:`evidence` asks the question by simulation at the log's own size (a parametric bootstrap, Efron & Tibshirani
1993): logs are drawn from the BG/NBD fitted to this log, with its customers' own observation periods, the BG/NBD is
fitted again to each, and the share of refits that recover the dropout probability (the mean of p, a / (a + b)) within
a factor of two decides whether dropout can be called identified here (rule ``dropout_recovery`` of
:mod:`kamlib.verdicts`). The share rests on a few simulated logs, so it is judged by its exact 95% interval
(Clopper & Pearson 1934): dropout is *identified* when the whole interval meets the rule, *not identified* when the
whole interval falls short of it, and the check is *inconclusive* when the interval includes the rule's cut-off (its
fix: more simulated logs, the study's ``clv.evidence_draws``). Only an identified verdict lets a purchase model value
the customers. When the log's own BG/NBD finds no dropout (its dropout parameters at a bound), the
simulation keeps its purchase rates and takes the CDNOW customers' dropout (Fader, Hardie & Lee 2005), so that the
question stays whether this log could see dropout at all. When it cannot, the same simulation on logs 2, 4, 8 and 16 times as large says how many
customers would be needed.

The BG/NBD is the reference process because its repeat purchases and dropout are the simplest the family shares: a
log too small for it is too small for the richer models. Written by hand: lifetimes' generator draws customer by
customer in Python; here each draw is vectorised (a customer's repeat purchases up to T are the smaller of a Poisson
count and a geometric number of purchases before dropout; the last one's time is the corresponding order statistic
of uniform arrival times).

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an alternative to the
Pareto/NBD model. *Marketing Science*, 24(2), 275-284. Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall. Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits
illustrated in the case of the binomial. *Biometrika*, 26(4), 404-413.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import KamError
from ..i18n import Message

__all__ = ["CDNOW_DROPOUT", "Check", "Evidence", "LONGER_CALIBRATION", "VERDICTS", "check", "evidence",
           "simulate_bgnbd", "verdict"]

#: What lets a purchase model identify dropout when a larger log of the same customers would not: the fix
#: :attr:`Evidence.fix` gives then, and the one a model whose dropout parameters sit at a bound is given.
LONGER_CALIBRATION = Message("a longer calibration period (clv.calibration_start, clv.calibration_end), over which the "
                             "customers make more repeat purchases; until then judge risk by recency", "phrase")

#: How many times the log's customers the simulation tries when the log itself is too small
SCALES = (2, 4, 8, 16)
#: The evidence check's verdicts (:func:`verdict`): the whole interval meets the rule, it includes the cut-off, or
#: the whole interval falls short of it. Only the first lets a purchase model value the customers.
VERDICTS = ("identified", "inconclusive", "not identified")
#: The most simulated logs the fix of an inconclusive check names (:attr:`Evidence.draws_to_decide`)
MAX_DRAWS = 1000  # the study schema's most clv.evidence_draws


def _interval(hits: int, draws: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of a share of ``hits`` in ``draws``, by
    :meth:`scipy.stats.binomtest(...).proportion_ci <scipy.stats._result_classes.BinomTestResult.proportion_ci>`.

    Parameters
    ----------
    hits, draws : int
        Refits that recover the dropout probability, and simulated logs.
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(lower, upper)``.

    References
    ----------
    Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in the case of the
    binomial. *Biometrika*, 26(4), 404-413.

    Examples
    --------
    >>> from kamlib.clv.evidence import _interval
    >>> [round(x, 3) for x in _interval(12, 20)]
    [0.361, 0.809]
    """
    from scipy.stats import binomtest

    if draws < 1 or not 0 <= hits <= draws:
        raise KamError(f"an interval of a share needs 0 <= hits <= draws and draws >= 1, not {hits} of {draws}.")
    ci = binomtest(int(hits), int(draws)).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def verdict(hits: int, draws: int, level: float = 0.95) -> str:
    """Whether a share of ``hits`` in ``draws`` meets the rule ``dropout_recovery`` (:mod:`kamlib.verdicts`) by its
    exact interval (:func:`_interval`): ``"identified"`` when the whole interval meets the rule, ``"not identified"``
    when the whole interval falls short of it, ``"inconclusive"`` when it includes the cut-off.

    Parameters
    ----------
    hits, draws : int
        Refits that recover the dropout probability, and simulated logs.
    level : float
        Confidence level of the interval.

    Returns
    -------
    str
        One of :data:`VERDICTS`.

    Examples
    --------
    >>> from kamlib.clv.evidence import verdict
    >>> verdict(12, 20), verdict(20, 20), verdict(1, 20), verdict(5, 5)
    ('inconclusive', 'identified', 'not identified', 'inconclusive')
    """
    from .. import verdicts

    rule = verdicts.RULES["dropout_recovery"]
    lower, upper = _interval(hits, draws, level)
    if rule.met(lower):
        return "identified"
    if not rule.met(upper):
        return "not identified"
    return "inconclusive"
#: The dropout of the CDNOW customers (Fader, Hardie & Lee 2005, Table 1): the simulation's dropout when the log's own
#: BG/NBD finds none (its dropout parameters at a bound), so that the question stays "could this log see dropout?"
CDNOW_DROPOUT = {"a": 0.793, "b": 2.426}


def simulate_bgnbd(T, params: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Draw one RFM summary from the BG/NBD for customers observed for ``T`` time units each.

    Each customer's purchase rate is Gamma(r, alpha) and dropout probability Beta(a, b); after each repeat purchase
    the customer leaves with that probability. The repeat purchases observed up to T are the smaller of a Poisson
    count (rate x T) and the geometric number of purchases before leaving; the last one's time is the matching
    order statistic of the Poisson arrivals, uniform on (0, T).

    Parameters
    ----------
    T : array-like
        Each customer's observation period (time since the first purchase).
    params : dict
        ``r``, ``alpha``, ``a``, ``b``.
    rng : numpy.random.Generator

    Returns
    -------
    DataFrame
        ``frequency``, ``recency``, ``T``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). *Marketing Science*, 24(2), 275-284.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.clv.evidence import simulate_bgnbd
    >>> s = simulate_bgnbd(np.full(5, 30.0), {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.4}, np.random.default_rng(1))
    >>> list(s.columns), bool((s["recency"] <= s["T"]).all())
    (['frequency', 'recency', 'T'], True)
    """
    T = np.asarray(T, dtype=float)
    n = len(T)
    lam = rng.gamma(params["r"], 1.0 / params["alpha"], n)
    p = rng.beta(params["a"], params["b"], n)
    arrivals = rng.poisson(lam * T)
    before_leaving = rng.geometric(np.clip(p, 1e-12, 1.0))  # repeat purchases up to and including the last one
    x = np.minimum(arrivals, before_leaving)
    order = np.where(x > 0, rng.beta(np.maximum(x, 1), np.maximum(arrivals - x + 1, 1)), 0.0)
    return pd.DataFrame({"frequency": x.astype(float), "recency": order * T, "T": T})


@dataclass(frozen=True)
class Evidence(Result):
    """Whether a log of this size identifies dropout (:func:`evidence`).

    Attributes
    ----------
    customers, repeat_buyers : int
        Of the log's calibration summary.
    draws : int
        Simulated logs per size.
    recovered : float
        Share of the simulated logs of this size whose refit recovers the dropout probability within a factor of 2.
    adequate : bool
        ``recovered`` meets the rule ``dropout_recovery``.
    needed : int or None
        When not adequate: the smallest number of customers (with the same mix of observation periods) at which the
        simulation meets the rule; None when even 16 times the log does not.
    sentence : Message
        The verdict with its statistic, cut-off and source, and what would be needed (its last clause is
        :attr:`reason`).
    searched : bool
        Whether larger logs were simulated (False: a quick check, which does not say how many customers would do).
    level : float
        Confidence level of the interval of :attr:`recovered` (:attr:`ci_lower`, :attr:`ci_upper`).

    The properties :attr:`hits`, :attr:`ci_lower`, :attr:`ci_upper` and :attr:`verdict` (``"identified"``,
    ``"inconclusive"`` or ``"not identified"``; ``adequate`` is True only for ``"identified"``) derive from these.

    Examples
    --------
    >>> from kamlib.clv.evidence import Evidence
    >>> str(Evidence(800, 633, 20, 0.05, False, None, "", searched=True).reason)[:56]
    'the customers buy too rarely for a purchase model to ide'
    >>> str(Evidence(800, 633, 20, 0.05, False, 3200, "").reason)[:44]
    'the log is too small to identify dropout: ab'
    >>> e = Evidence(800, 633, 20, 0.6, False, None, "")
    >>> e.hits, round(e.ci_lower, 2), round(e.ci_upper, 2), e.verdict
    (12, 0.36, 0.81, 'inconclusive')
    """

    customers: int
    repeat_buyers: int
    draws: int
    recovered: float
    adequate: bool
    needed: int | None
    sentence: Message
    searched: bool = True
    level: float = 0.95

    @property
    def hits(self) -> int:
        """Refits that recover the dropout probability."""
        return int(round(self.recovered * self.draws))

    @property
    def ci_lower(self) -> float:
        """Lower bound of the exact interval of :attr:`recovered` (:func:`_interval`)."""
        return _interval(self.hits, self.draws, self.level)[0]

    @property
    def ci_upper(self) -> float:
        """Upper bound of the exact interval of :attr:`recovered` (:func:`_interval`)."""
        return _interval(self.hits, self.draws, self.level)[1]

    @property
    def verdict(self) -> str:
        """:func:`verdict` of :attr:`hits` in :attr:`draws`: one of :data:`VERDICTS`."""
        return verdict(self.hits, self.draws, self.level)

    @property
    def inconclusive(self) -> bool:
        """The interval includes the rule's cut-off: the check can neither call dropout identified nor rule it out
        (not :attr:`adequate` either: no model values the customers on it)."""
        return not self.adequate and self.verdict == "inconclusive"

    @property
    def draws_to_decide(self) -> int | None:
        """About how many simulated logs would decide an inconclusive check if the share stayed at
        :attr:`recovered`: the fewest (up to :data:`MAX_DRAWS`) whose exact interval excludes the rule's cut-off;
        None when the check is not inconclusive or no such number exists (the share is at the cut-off).

        Examples
        --------
        >>> from kamlib.clv.evidence import Evidence
        >>> Evidence(800, 633, 20, 0.6, False, None, "").draws_to_decide
        22
        """
        if not self.inconclusive:
            return None
        for n in range(self.draws + 1, MAX_DRAWS + 1):
            if verdict(int(round(self.recovered * n)), n, self.level) != "inconclusive":
                return n
        return None

    def summary_frame(self) -> pd.DataFrame:
        """The check in one row, as the identification notebook's table shows it: the log's customers and repeat
        buyers, the simulated logs, the refits that recover the dropout probability, their share with its exact
        interval, the rule, the verdict, and what would decide it (customers needed, or simulated logs).

        Examples
        --------
        >>> from kamlib.clv.evidence import Evidence
        >>> row = Evidence(800, 633, 20, 0.6, False, None, "").summary_frame().iloc[0]
        >>> int(row["recovered"]), row["verdict"], int(row["simulated_logs_needed"])
        (12, 'inconclusive', 22)
        """
        from .. import verdicts

        rule = verdicts.RULES["dropout_recovery"]
        return pd.DataFrame([{
            "customers": self.customers, "repeat_buyers": self.repeat_buyers, "simulated_logs": self.draws,
            "recovered": self.hits, "recovered_share": self.recovered, "recovered_share_ci_lower": self.ci_lower,
            "recovered_share_ci_upper": self.ci_upper, "rule": f"{rule.op} {rule.threshold:.0%}",
            "verdict": Message(self.verdict, "value"),
            "customers_needed": self.needed if self.needed else None,
            "simulated_logs_needed": self.draws_to_decide}])

    @property
    def reason(self) -> Message | None:
        """Why no purchase model is called identified, in one clause that every sentence about it reads: the check
        is inconclusive (its interval includes the rule's cut-off), the log is too small (and how many customers
        would do), or the customers buy too rarely (even :data:`SCALES`' largest multiple of the log would not do);
        None when the log identifies dropout."""
        if self.adequate:
            return None
        if self.inconclusive:
            return Message("the evidence check is inconclusive: {hits} of {draws} "
                           "simulated refits ({share:.0%}, 95% CI {lower:.0%} to {upper:.0%}) recover the dropout "
                           "probability, an interval that includes the rule's {cut:.0%}", "phrase", hits=self.hits,
                           draws=self.draws, share=self.recovered, lower=self.ci_lower, upper=self.ci_upper,
                           cut=_cut())
        if self.needed:
            return Message("the log is too small to identify dropout: about {n:,} customers with the same purchase "
                           "pattern would be needed", "phrase", n=self.needed)
        if not self.searched:
            return Message("the log is too small to identify dropout at its size (the quick check does not say how "
                           "many customers would be needed)", "phrase")
        return Message("the customers buy too rarely for a purchase model to identify dropout: even {n:,} customers "
                       "with the same purchase pattern would not be enough", "phrase", n=SCALES[-1] * self.customers)

    @property
    def fix(self) -> Message | None:
        """What would let a purchase model identify dropout, as a phrase (None when the log identifies it): a log of
        the customers :attr:`needed`, or a longer calibration period over which the customers buy more often; for an
        inconclusive check, more simulated logs when the share is at or above the rule's cut-off (they would likely
        show identification), else more data, since more simulated logs would likely confirm the opposite.

        Examples
        --------
        >>> from kamlib.clv.evidence import Evidence
        >>> str(Evidence(800, 633, 20, 0.05, False, 3200, "").fix)
        'a log of about 3,200 customers, or a longer calibration period (clv.calibration_start, clv.calibration_end)'
        >>> str(Evidence(800, 633, 20, 0.6, False, None, "").fix)[:43]  # inconclusive below the cut-off
        'a larger log or a longer calibration period'
        """
        if self.adequate:
            return None
        if self.inconclusive:
            more = self.draws_to_decide
            if self.recovered < _cut():
                # below the cut-off, more draws would most likely confirm that the log cannot identify dropout: they
                # decide the check, but only more data can unlock a model
                return (Message("a larger log or a longer calibration period (clv.calibration_start, "
                                "clv.calibration_end): with the share at {share:.0%}, below the rule's {cut:.0%}, more "
                                "simulated logs (about {n:,}, clv.evidence_draws, now {draws:,}) would most likely "
                                "confirm that this log cannot identify dropout", "phrase", share=self.recovered,
                                cut=_cut(), n=more, draws=self.draws) if more else
                        Message("a larger log or a longer calibration period (clv.calibration_start, "
                                "clv.calibration_end): with the share at {share:.0%}, below the rule's {cut:.0%}, more "
                                "simulated logs would most likely confirm that this log cannot identify dropout",
                                "phrase", share=self.recovered, cut=_cut()))
            return (Message("more simulated logs, so that the interval decides: about {n:,} (clv.evidence_draws, now "
                            "{draws:,}) if the share stays near {share:.0%}", "phrase", n=more, draws=self.draws,
                            share=self.recovered) if more else
                    Message("more simulated logs, so that the interval decides (clv.evidence_draws, now {draws:,})",
                            "phrase", draws=self.draws))
        if self.needed:
            return Message("a log of about {n:,} customers, or a longer calibration period (clv.calibration_start, "
                           "clv.calibration_end)", "phrase", n=self.needed)
        return LONGER_CALIBRATION


def _cut() -> float:
    from .. import verdicts

    return verdicts.RULES["dropout_recovery"].threshold


def _recovery(T: np.ndarray, params: dict, draws: int, rng, unit: str) -> float:
    from .fitting import fit
    from .fitted import NotIdentified

    truth = params["a"] / (params["a"] + params["b"])
    hits = 0
    for _ in range(draws):
        s = simulate_bgnbd(T, params, rng)
        try:
            m = fit(s, "bgnbd", unit=unit, with_se=False)
        except (NotIdentified, KamError):
            continue
        if set(m.at_bound) & {"a", "b"}:
            continue
        got = m.params["a"] / (m.params["a"] + m.params["b"])
        hits += bool(truth / 2 <= got <= truth * 2)
    return hits / draws


def evidence(summary: pd.DataFrame, fitted, *, draws: int = 20, seed: int = 0, search: bool = True) -> Evidence:
    """Whether the log is large enough to identify dropout, by simulation at its own size.

    Parameters
    ----------
    summary : DataFrame
        The calibration RFM summary the models are fitted to (``frequency``, ``recency``, ``T``).
    fitted : Fitted
        The BG/NBD fitted to it (:func:`kamlib.clv.fit`); its estimates are the simulation's truth (with
        :data:`CDNOW_DROPOUT` when its dropout parameters are at a bound).
    draws : int
        Simulated logs per size (20: a share known to about ±0.1).
    seed : int
        Seed of the simulation.
    search : bool
        When the log is too small, simulate larger logs to say how many customers would be needed (False: a
        quick check, as ``kam validate`` runs it).

    Returns
    -------
    Evidence

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall. Fader, P. S., Hardie,
    B. G. S. & Lee, K. L. (2005). *Marketing Science*, 24(2), 275-284.

    Examples
    --------
    >>> from kamlib.clv.evidence import evidence
    >>> e = evidence(cal, bgnbd, draws=20, seed=1)
    >>> e.customers, e.hits, round(e.ci_lower, 2), e.verdict, e.adequate
    (2357, 20, 0.83, 'identified', True)
    """
    from .. import verdicts
    from .._progress import Steps

    if draws < 1:
        raise KamError(f"evidence needs one or more simulated logs, not {draws}; set clv.evidence_draws to 20, or 0 "
                       "to skip the check.")
    if fitted.model != "bgnbd":
        raise KamError(f"evidence simulates from a fitted BG/NBD, not {fitted.model}; fit clv.fit(summary, 'bgnbd').")
    params = {k: float(fitted.params[k]) for k in ("r", "alpha", "a", "b")}
    truth = Message("its fitted BG/NBD", "phrase")
    if set(fitted.at_bound) & {"a", "b"}:  # the log's own fit sees no dropout: ask whether it could see CDNOW's
        params.update(CDNOW_DROPOUT)
        truth = Message("its fitted purchase rates and the dropout of the CDNOW customers (a = {a}, b = {b}; Fader, "
                        "Hardie & Lee 2005), as its own BG/NBD finds none", "phrase", **CDNOW_DROPOUT)
    if not all(np.isfinite(v) and v > 0 for v in params.values()):
        raise KamError("the BG/NBD's estimates are not finite positive numbers, so no log can be simulated from them; "
                       "the log has too few repeat buyers for any purchase model.")
    T = summary["T"].to_numpy(float)
    rng = np.random.default_rng(seed)
    rule = verdicts.RULES["dropout_recovery"]
    steps = Steps("simulating logs of this size to see whether dropout can be identified", len(SCALES) + 1)
    recovered = _recovery(T, params, draws, rng, fitted.unit)
    steps.done(1)
    found = verdict(int(round(recovered * draws)), draws)
    adequate, needed = found == "identified", None
    if found == "not identified" and search:  # an inconclusive check needs more draws, not a larger log
        for k, scale in enumerate(SCALES, start=2):
            if verdict(int(round(_recovery(np.tile(T, scale), params, draws, rng, fitted.unit) * draws)),
                       draws) == "identified":
                needed = scale * len(T)
                break
            steps.done(k)
    customers, repeaters = len(summary), int((summary["frequency"] > 0).sum())
    result = Evidence(customers, repeaters, draws, float(recovered), bool(adequate), needed, "", searched=search)
    numbers = dict(truth=truth, draws=draws, customers=customers, repeaters=repeaters, hits=result.hits,
                   share=recovered, lower=result.ci_lower, upper=result.ci_upper, op=rule.op, cut=rule.threshold,
                   source=rule.source)
    if adequate:
        sentence = Message("On {draws} logs simulated at this log's size ({customers:,} customers, {repeaters:,} of them "
                           "repeat buyers) from {truth}, {hits} of the refits ({share:.0%}, 95% Clopper-Pearson "
                           "interval {lower:.0%} to {upper:.0%}) recover the dropout probability within a factor of "
                           "two (rule {op} {cut:.0%}, {source}): identified, as the whole interval meets the rule; "
                           "the log can identify dropout.", **numbers)
    elif found == "inconclusive":
        sentence = Message("On {draws} logs simulated at this log's size ({customers:,} customers, {repeaters:,} of them "
                           "repeat buyers) from {truth}, {hits} of the refits ({share:.0%}, 95% Clopper-Pearson "
                           "interval {lower:.0%} to {upper:.0%}) recover the dropout probability within a factor of "
                           "two (rule {op} {cut:.0%}, {source}): inconclusive, as the interval includes the rule's "
                           "cut-off, so dropout is not shown to be identified and no purchase model is chosen on this "
                           "log; fix: {fix}.", fix=result.fix, **numbers)
    else:
        sentence = Message("On {draws} logs simulated at this log's size ({customers:,} customers, {repeaters:,} of them "
                           "repeat buyers) from {truth}, only {hits} of the refits ({share:.0%}, 95% Clopper-Pearson "
                           "interval {lower:.0%} to {upper:.0%}) recover the dropout probability within a factor of "
                           "two (rule {op} {cut:.0%}, {source}): not identified, as the whole interval falls short of "
                           "the rule, so no purchase model is called identified or chosen on this log: {reason}.",
                           reason=result.reason, **numbers)
    return Evidence(customers, repeaters, draws, float(recovered), bool(adequate), needed, sentence, searched=search)


@dataclass(frozen=True)
class Check(Result):
    """:func:`check`'s result; unpacks as ``evidence, reason``: the :class:`Evidence`, or None and the sentence
    saying why the check could not run (both None when the study skips it)."""

    evidence: Evidence | None
    reason: Message | None
    unpack = ("evidence", "reason")


def check(summary: pd.DataFrame, models: dict, *, unit: str = "W", draws: int = 20, seed: int = 0,
          search: bool = True) -> Check:
    """The evidence check as a run makes it: from the fitted BG/NBD among ``models`` (fitted here when the study
    compares other models only), or the reason it cannot run. The identification notebook, :func:`kamlib.tiers.
    identify` and ``kam validate`` all call this, with the study's ``clv.evidence_draws``.

    Parameters
    ----------
    summary : DataFrame
        The calibration summary.
    models : dict
        The fitted purchase models (name -> Fitted).
    unit : str
        The summary's time unit.
    draws, seed, search
        As :func:`evidence`; ``draws`` 0 skips the check (``(None, None)``).

    Returns
    -------
    Check
        Unpacks as ``evidence, reason``.

    Examples
    --------
    >>> from kamlib.clv.evidence import check
    >>> found, why = check(cal, {"bgnbd": bgnbd}, draws=3, seed=1, search=False)
    >>> found.hits, found.verdict, found.adequate, why  # 3 of 3: too few draws to call it identified
    (3, 'inconclusive', False, None)
    """
    from .fitting import fit

    if not draws:
        return Check(None, None)
    try:
        reference = models.get("bgnbd") or fit(summary, "bgnbd", unit=unit, with_se=False)
        return Check(evidence(summary, reference, draws=draws, seed=seed, search=search), None)
    except KamError as exc:
        return Check(None, Message("The check of whether the log can identify dropout could not run: {why}",
                                   why=str(exc)))
