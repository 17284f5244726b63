"""The report's reasoning, generated from the values a run recorded: each section's closing interpretation (what
the result means for key-account management, how certain it is, what it does not show) and the discussion that
sets the literature register's claims (``data/literature/claims.csv``) against this run.

Each sentence is a catalogue :class:`~kamlib.i18n.Message` filled from ``values/*.json``, so the text changes with
the data and is the same in every edition; a value a notebook did not record leaves its sentence out (a claim it
rests on is "not tested in this run"; with ``strict=True``, as the tests run it, it raises instead). Verdicts use
the rules of :mod:`kamlib.verdicts`: a difference's direction is :func:`kamlib.verdicts.effect` of its interval (an
interval that includes zero is inconclusive), revenue concentration is :func:`kamlib.verdicts.concentrated`, the
same rules the summary's findings read (:mod:`kamlib.workbench.findings`). A sentence about a counted set says
what an empty set means (no rule, no key account) rather than asserting something about it.

Written by hand: the interpretation is this workbook's argument, not a library's.

References
----------
American Psychological Association (2020). *Publication Manual* (7th ed.), 3.8: the discussion evaluates the
results against the hypotheses and prior work, and names the limits of what they show.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import verdicts
from ..errors import KamError, require_columns
from ..i18n import Message, in_language

__all__ = ["CHECKS", "Claim", "closing", "confront", "load_claims"]

#: Verdicts of a claim against this run (catalogue context ``value``)
AGREES, DISAGREES, INCONCLUSIVE, OTHER_DATA, NOT_TESTED = (
    "agrees", "disagrees", "inconclusive", "shown on other data only", "not tested in this run")


def load_claims(path=None) -> pd.DataFrame:
    """The register of the sources' claims that a run can test: ``id``, ``source``, ``location``, ``claim`` (an
    English paraphrase; never the source's sentence), ``check`` (a name in :data:`CHECKS`).

    Parameters
    ----------
    path : str or Path, optional
        ``data/literature/claims.csv`` by default.

    Examples
    --------
    >>> load_claims()[["id", "check"]].head(2).to_numpy().tolist()
    [['C1', 'concentration'], ['C2', 'clv_over_sort']]
    """
    from ..literature import LIT

    path = Path(path) if path is not None else LIT / "claims.csv"
    if not path.exists():
        raise KamError(f"the claims register {path} does not exist; copy data/literature/claims.csv from the "
                       "workbook or point to your own.")
    claims = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(claims, ["id", "source", "location", "claim", "check"], where=str(path),
                    fix="the register needs one row per claim with these columns")
    unknown = sorted(set(claims["check"]) - set(CHECKS))
    if unknown:
        raise KamError(f"{path} names checks the workbook does not have ({', '.join(unknown)}); use one of "
                       f"{', '.join(CHECKS)}.")
    return claims


@dataclass(frozen=True)
class Claim:
    """A claim of the sources set against this run: ``verdict`` (one of agrees, disagrees, inconclusive, shown on
    other data only, not tested in this run) and ``evidence`` (a Message with the statistic and its cut-off)."""

    id: str
    source: str
    location: str
    claim: str
    verdict: str
    evidence: Message | str

    def row(self, language: str = "en") -> dict:
        """The claim as a table row in ``language``."""
        return {"id": self.id, "source": f"{self.source}, {_text(Message(self.location, 'claim'), language)}",
                "claim": _text(Message(self.claim, "claim"), language),
                "verdict": _text(Message(self.verdict, "value"), language),
                "evidence": _text(self.evidence, language) if self.evidence else ""}


def _text(m, language: str) -> str:
    return in_language(str(m), m.translate(language) if isinstance(m, Message) else None, language)


#: Whether a sentence whose recorded values are missing raises (tests) instead of being left out (the report)
_STRICT: ContextVar[bool] = ContextVar("strict", default=False)


def _get(values: dict, nb: str, *keys):
    """The recorded values ``keys`` of notebook ``nb`` (None when any is missing; a KamError in strict mode)."""
    rec = values.get(nb, {})
    got = [rec.get(k) for k in keys]
    if any(v is None for v in got):
        if _STRICT.get():
            missing = [k for k, v in zip(keys, got) if v is None]
            raise KamError(f"a sentence of the discussion needs {', '.join(missing)} of {nb}, which the run did not "
                           "record; record it in the notebook or leave strict off.")
        return None
    return got


#: ``top20_revenue_share`` is the Pareto table's row of the top 20% of customers by revenue
_TOP20 = 0.2


def _concentration(values):
    got = _get(values, "10_key_accounts", "top20_revenue_share", "gini")
    if got is None:
        return None
    share, gini = got
    rule = verdicts.RULES["concentration"]  # the summary's "concentrated" reads the same rule
    yes = verdicts.concentrated(share)
    return (AGREES if yes else DISAGREES,
            Message("the top {top:.0%} of customers bring {share:.1%} of revenue (Gini {gini:.2f}), so revenue is "
                    "{word}; the claim needs more than {cut:.0%}", "phrase", top=_TOP20, share=share, gini=gini,
                    word=Message("concentrated" if yes else "not concentrated", "value"), cut=rule.threshold))


#: A difference's verdict (kamlib.verdicts.effect) -> the claim's verdict, for a claim that the difference is positive
_BY_EFFECT = {"gain": AGREES, "loss": DISAGREES, "inconclusive": INCONCLUSIVE}


def _clv_over_sort(values):
    got = _get(values, "40_strategy", "capture_clv", "capture_clv_ci", "capture_monetary", "top_share")
    if got is None:
        return None
    clv, (lo, hi), monetary, top = got
    degenerate = values.get("10_key_accounts", {}).get("degenerate_models") or []
    # the claim holds when the CLV rule's interval lies above the sort by past revenue (the gap's interval above 0)
    verdict = _BY_EFFECT[verdicts.effect(lo - monetary, hi - monetary)]
    evidence = Message("the top {top:.0%} by CLV captured {clv:.1%} of holdout revenue (95% CI {lo:.1%} to {hi:.1%}), "
                       "the top {top:.0%} by past revenue {monetary:.1%}; the claim needs the CLV rule's interval above "
                       "the sort", "phrase", top=top, clv=clv, lo=lo, hi=hi, monetary=monetary)
    if degenerate:
        evidence = Message("{evidence}; {models} cannot identify dropout on this log", "phrase",
                           evidence=evidence, models=list(map(str, degenerate)))
    return verdict, evidence


def _churn_prediction(values):
    rec = values.get("35_churn", {})
    scores = {k: v for k, v in rec.items() if k.startswith("auc_") and k != "auc_telecom" and v == v}
    if not scores:
        return None
    best = max(scores, key=scores.get)
    rule = verdicts.RULES["auc"]
    auc = scores[best]
    verdict = AGREES if rule.met(auc) else DISAGREES if auc < 0.6 else INCONCLUSIVE
    return verdict, Message("the best churn score on the company's customers has ROC AUC {auc:.3f} ({score}); "
                            "rule {op} {cut:g}, {source}", "phrase", auc=auc, score=best.removeprefix("auc_"),
                            op=rule.op, cut=rule.threshold, source=rule.source)


#: The best personalised method's lift in hit rate over popularity, by its direction (kamlib.verdicts.effect)
_F001_EVIDENCE = {
    "gain": "the best personalised method ({method}) raises the holdout hit rate by {lift:+.0%} over popularity (95% "
            "CI {lo:+.0%} to {hi:+.0%}); a hit rate, not a click-through rate",
    "loss": "the best personalised method ({method}) lowers the holdout hit rate: a lift of {lift:+.0%} over popularity "
            "(95% CI {lo:+.0%} to {hi:+.0%}); a hit rate, not a click-through rate",
    "inconclusive": "whether the best personalised method ({method}) raises the holdout hit rate over popularity is "
                    "inconclusive: a lift of {lift:+.0%} whose 95% CI, {lo:+.0%} to {hi:+.0%}, includes zero; a hit "
                    "rate, not a click-through rate"}


def _f001(values):
    got = _get(values, "45_personalisation", "f001_new_lift", "f001_new_lift_ci", "f001_new_verdict",
               "f001_new_method")
    if got is None:
        return None
    lift, (lo, hi), said, method = got
    direction = verdicts.effect(lo, hi)
    verdict = {"supports the claim": AGREES, "a smaller lift than claimed": DISAGREES, "no lift": DISAGREES}.get(
        said, INCONCLUSIVE)
    if direction == "inconclusive" and verdict == AGREES:  # never a claim supported by an interval that includes 0
        verdict = INCONCLUSIVE
    return verdict, Message(_F001_EVIDENCE[direction], "phrase", method=method, lift=lift, lo=lo, hi=hi)


def _satisfaction_loyalty(values):
    got = _get(values, "20_survey", "H6_real_supported", "H6_real_estimate", "real_survey_n")
    if got is None:
        return None
    supported, estimate, n = got
    return OTHER_DATA, Message("on {n} respondents of the published ECSI survey, not the company's customers, the path "
                               "from satisfaction to loyalty is {estimate:.2f} ({word})", "phrase", n=n,
                               estimate=estimate, word=Message("supported" if supported == "yes" else "not supported",
                                                               "value"))


def _experiment_size(values):
    got = _get(values, "40_strategy", "customers_in_log", "n_per_arm_planned_lift")
    if got is None:
        return None
    customers, n = got
    if not customers:  # an empty log: nothing to compare with
        return INCONCLUSIVE, Message("a two-arm test of the planned lift needs {n:,} customers per arm, and the log has "
                                     "no customers", "phrase", n=n)
    # a test's detectable lift is said only for a log with the four customers a two-arm test needs
    detectable = values["40_strategy"].get("detectable_lift") if customers >= 4 else None
    if 2 * n <= customers:
        return AGREES, Message("a two-arm test of the planned lift needs {n:,} customers per arm; the log has "
                               "{customers:,}", "phrase", n=n, customers=customers)
    return INCONCLUSIVE, (Message("a two-arm test of the planned lift needs {n:,} customers per arm, more than the "
                                  "{customers:,} in the log; with them a test detects a relative lift of {lift:.0%} "
                                  "or more (power 0.8, Cohen 1988)", "phrase", n=n, customers=customers,
                                  lift=detectable) if detectable is not None else
                          Message("a two-arm test of the planned lift needs {n:,} customers per arm, more than the "
                                  "{customers:,} in the log", "phrase", n=n, customers=customers))


#: Check name -> function of the recorded values returning (verdict, evidence), or None when the run lacks them
CHECKS: dict[str, Callable] = {"concentration": _concentration, "clv_over_sort": _clv_over_sort,
                               "churn_prediction": _churn_prediction, "f001": _f001,
                               "satisfaction_loyalty": _satisfaction_loyalty, "experiment_size": _experiment_size}


@contextmanager
def _strict(on: bool):
    token = _STRICT.set(bool(on))
    try:
        yield
    finally:
        _STRICT.reset(token)


def confront(values: dict, claims: pd.DataFrame | None = None, *, strict: bool = False) -> list[Claim]:
    """Each claim of the register against this run's recorded values.

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}`` (``values/*.json``).
    claims : DataFrame, optional
        :func:`load_claims` (the shipped register by default).
    strict : bool
        Raise a :class:`~kamlib.errors.KamError` naming a value a check needs and the run did not record, instead
        of calling the claim "not tested in this run" (for tests, with complete values: a misspelt key is seen).

    Returns
    -------
    list of Claim
        In the register's order; a claim whose values were not recorded is "not tested in this run".

    Examples
    --------
    >>> c = confront({"10_key_accounts": {"top20_revenue_share": 0.74, "gini": 0.71}})
    >>> [(x.id, x.verdict) for x in c][:2]
    [('C1', 'agrees'), ('C2', 'not tested in this run')]
    >>> str(c[0].evidence)
    'the top 20% of customers bring 74.0% of revenue (Gini 0.71), so revenue is concentrated; the claim needs more than 50%'
    """
    claims = load_claims() if claims is None else claims
    out = []
    for _, r in claims.iterrows():
        with _strict(strict):
            got = CHECKS[r["check"]](values)
        verdict, evidence = got if got is not None else (NOT_TESTED, "")
        out.append(Claim(r["id"], r["source"], r["location"], r["claim"], verdict, evidence))
    return out


# ----------------------------------------------------------------------------------------- closing interpretations

def _identify(values, ctx):
    out = []
    got = _get(values, "10_key_accounts", "key_accounts", "key_accounts_revenue_share", "top20_revenue_share", "gini")
    if got:
        n, share, top20, gini = got
        if n > 0:
            out.append(Message("For key-account management this means that a programme serving the {n:,} key accounts "
                               "covers {share:.1%} of revenue; the top 20% of customers bring {top20:.1%} (Gini "
                               "{gini:.2f}).", "closing", n=n, share=share, top20=top20, gini=gini))
        else:  # an empty tier covers nothing: say so, not "a programme serving the 0 key accounts"
            out.append(Message("For key-account management this means that no customer qualifies as a key account "
                               "under the tier rule, so there is no programme to serve yet; the top 20% of customers "
                               "bring {top20:.1%} (Gini {gini:.2f}).", "closing", top20=top20, gini=gini))
        out.append(Message("These shares are counted on every customer of the window, not estimated from a sample, "
                           "but they describe the past only.", "closing"))
    degenerate = values.get("10_key_accounts", {}).get("degenerate_models")
    chosen = values.get("10_key_accounts", {}).get("value_model")
    if chosen == "none":
        out.append(Message("They do not show which customers will stay valuable: no purchase model beats a sort by past "
                           "revenue on the holdout, so the tiers rank by past revenue and judge risk by recency.",
                           "closing"))
    elif chosen:
        out.append(Message("The forward-looking tiers use {model}, the model that beat past revenue on the holdout; "
                           "its forecast is a model's, checked on one holdout period.", "closing", model=chosen))
    elif degenerate:
        out.append(Message("They do not show which customers will stay valuable: the purchase models cannot identify "
                           "dropout on this log ({models}), so tiers that look forward rest on past revenue.", "closing",
                           models=list(map(str, degenerate))))
    elif got:
        out.append(Message("They do not show why these customers buy; whether the CLV forecast adds to a sort by past "
                           "revenue is checked on the holdout in the evaluation section.", "closing"))
    return out


def _segment(values, ctx):
    out = []
    seg = values.get("30_segments", {})
    if "k_chosen" in seg:
        # one share per segment with customers (an empty segment has no row in the profile, so none is recorded)
        shares = [v for k, v in seg.items() if k.startswith("segment_") and k.endswith("_revenue_share")]
        k = seg["k_chosen"]
        if 0 < len(shares) < k:
            out.append(Message("Only {m} of the {k} segments hold customers: the others are empty, so the account plan "
                               "has {m} groups to treat, the largest bringing {share:.1%} of revenue.", "closing",
                               m=len(shares), k=k, share=max(shares)))
        elif len(shares) > 1:
            out.append(Message("The {k} segments are unequal: the largest brings {share:.1%} of revenue, so account "
                               "management concentrates on its customers.", "closing", k=k, share=max(shares)))
        if seg.get("k_gap") is not None and seg.get("k_silhouette") is not None and seg["k_gap"] != seg["k_silhouette"]:
            out.append(Message("The silhouette suggests {a} segments and the gap statistic {b}: the number of segments "
                               "is a choice for the account plan, not a finding.", "closing", a=seg["k_silhouette"],
                               b=seg["k_gap"]))
    auc = values.get("35_churn", {}).get("auc_logit")
    if auc is not None and auc == auc:
        from ..churn import auc_verdict

        out.append(Message("The churn score's discrimination on held-out customers is {verdict}.", "closing",
                           verdict=auc_verdict(auc)))
    if out:
        out.append(Message("Segments and scores describe customers; whether treating them differently pays is for a "
                           "test to show.", "closing"))
    return out


def _understand(values, ctx):
    out = []
    survey = values.get("20_survey", {})
    if survey.get("hypotheses_tested"):  # none tested: nothing to say about them
        if ctx.get("survey_simulated"):
            out.append(Message("The questionnaire's answers are simulated, so its hypothesis tests show the method and "
                               "say nothing about this company's customers; they become evidence when the company's "
                               "own survey replaces them.", "closing"))
        else:
            out.append(Message("On the survey, {s} of {t} hypotheses are supported; read each with its qualification "
                               "column, which names any failed reliability, validity or fit criterion.", "closing",
                               s=survey.get("hypotheses_supported", 0), t=survey["hypotheses_tested"]))
    if "real_survey_n" in survey:
        out.append(Message("The real answers ({n} respondents) come from a published survey of another company: they "
                           "show that the satisfaction-loyalty chain can be tested, not that it holds here.", "closing",
                           n=survey["real_survey_n"]))
    if values.get("25_reviews", {}).get("n_reviews"):
        out.append(Message("The {n:,} reviews are a public Chinese corpus, not the company's customers: the classifier "
                           "and the aspect shares demonstrate the method only.", "closing",
                           n=values["25_reviews"]["n_reviews"]))
    return out


def _act(values, ctx):
    out = []
    got = _get(values, "45_personalisation", "n_rules", "n_rules_significant", "n_baskets")
    if got:
        n, sig, b = got
        if n == 0:
            out.append(Message("Cross-selling finds no rule that reaches the support and confidence thresholds on {b:,} "
                               "baskets, so no offer can be drawn from rules.", "closing", b=b))
        elif sig == 0:
            out.append(Message("None of the {n:,} cross-selling rules found on {b:,} baskets survives the significance "
                               "test, so no offer can be drawn from rules.", "closing", n=n, b=b))
        elif sig == n:  # the test removed nothing: the thresholds chose the rules, not the test
            out.append(Message("Cross-selling has {n:,} rules on {b:,} baskets, and the significance test removes none "
                               "of them: the support and confidence thresholds chose them, so offers can be drawn from "
                               "them, ranked by lift rather than by the test.", "closing", n=n, b=b))
        else:
            out.append(Message("Cross-selling has {sig:,} of {n:,} rules that survive the significance test on {b:,} "
                               "baskets: offers can be drawn from them.", "closing", sig=sig, n=n, b=b))
    claim = _f001(values)
    if claim:
        out.append(Message("Set against the sources' +20% (F001): {verdict}; {evidence}.", "closing",
                           verdict=Message(claim[0], "value"), evidence=claim[1]))
        out.append(Message("Hit rates on a later period are not sales effects: only a live test with a control group "
                           "measures what an offer adds.", "closing"))
    return out


def _evaluate(values, ctx):
    out = []
    got = _clv_over_sort(values)
    if got:
        verdict, evidence = got
        out.append(Message("Set against the claim that CLV guides allocation better than past revenue (S002): "
                           "{verdict}; {evidence}.", "closing", verdict=Message(verdict, "value"), evidence=evidence))
    s = values.get("40_strategy", {})
    if "budget_optimal_incremental_clv" in s:
        out.append(Message("The budget split rests on response curves assumed in the study file, not measured: it "
                           "shows how to allocate, not how much a tier will return.", "closing"))
    size = _experiment_size(values)
    if size:
        out.append(Message("For campaign tests, {evidence}.", "closing", evidence=size[1]))
    return out


def _literature(values, ctx):
    got = _get(values, "00_literature", "n_sources", "n_themes", "mean_kappa")
    if got is None or not got[0] or not got[1]:  # no source or no theme coded: nothing to report on
        return []
    n, themes, kappa = got
    return [Message("The {n} sources were coded into {themes} themes, with a mean kappa of {kappa:.2f} between the "
                    "manual and the automatic coding; what they claim and this run can test is set against its "
                    "statistic in the discussion.", "closing", n=n, themes=themes, kappa=kappa)]


_CLOSINGS = {"literature": _literature, "identify": _identify, "segment": _segment, "understand": _understand, "act": _act,
             "evaluate": _evaluate}


def closing(stage: str, values: dict, language: str = "en", *, strict: bool = False, **context) -> list[str]:
    """A section's closing interpretation in ``language``: what its results mean for key-account management, how
    certain they are and what they do not show, from the recorded values (empty when the stage recorded none).

    Parameters
    ----------
    stage : str
        A stage of :data:`kamlib.workbench.notebooks.STAGES`.
    values : dict
        ``{notebook: {key: value}}``.
    language : {"en", "zh"}
    strict : bool
        Raise a :class:`~kamlib.errors.KamError` naming a value a sentence needs and the run did not record, instead
        of leaving the sentence out (for tests, with complete values: a misspelt key is seen, not silently dropped).
    **context
        ``survey_simulated`` (bool): whether the questionnaire's answers are simulated.

    Examples
    --------
    >>> closing("identify", {"10_key_accounts": {"key_accounts": 845, "key_accounts_revenue_share": 0.7225,
    ...                                          "top20_revenue_share": 0.7394, "gini": 0.7087}})[0][:80]
    'For key-account management this means that a programme serving the 845 key accou'
    """
    make = _CLOSINGS.get(stage)
    with _strict(strict):
        made = make(values, context) if make else []
    return [_text(m, language) for m in made]
