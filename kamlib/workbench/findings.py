"""The report's words about results: executive-summary findings, recommendations and limitations, each a sentence
generated from the values the notebooks recorded (``reports/<study>/values/*.json``), never typed in.

A finding is a rule: which recorded values it needs, an English template (the msgid of the gettext catalogue,
``msgctxt "finding"``, whose Chinese is in ``kamlib/locale/zh.po``), the framework stage it belongs to and the
artefact that is its evidence. A rule whose values were not recorded (a notebook that did not
run for this study, a model that could not be fitted) is left out, so the summary of any study says only what its
run found. Every number in a sentence carries its notebook, key and recorded value, so that the report marks it
up (``data-value``) and a test checks it against the values file.

Written by hand: turning a project's own recorded values into sentences is specific to this workbook; the
templates are plain :meth:`str.format` strings in babel's catalogue, numbers formatted per locale by
:func:`kamlib.i18n.number`.

References
----------
American Psychological Association (2020). *Publication Manual* (7th ed.), ch. 6: numbers, percentages and
statistics in text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..i18n import gettext, number, value_zh

__all__ = ["Finding", "Number", "findings", "limitations", "not_run", "recommendations", "skipped_stages"]


@dataclass(frozen=True)
class Number:
    """One number in a sentence: where it was recorded, its value, and how the sentence shows it (``notebook``
    None: a count of recorded values, such as the hypotheses supported)."""

    notebook: str | None
    key: str
    value: object
    shown: str


@dataclass(frozen=True)
class Finding:
    """A sentence of the report: its stage, its English template (the catalogue's msgid, ``msgctxt "finding"``)
    and the template in the report's language, the numbers in it and the artefact behind it."""

    key: str
    stage: str
    template: str
    numbers: dict = field(default_factory=dict)
    evidence: str | None = None
    simulated: bool = False

    def text(self) -> str:
        """The sentence as plain text (Word edition, notebooks)."""
        return self.template.format(**{k: n.shown for k, n in self.numbers.items()})

    def html(self) -> str:
        """The sentence as HTML, each number in ``<span class='v' data-value-key=... data-value=...>``."""
        import json

        spans = {k: (f"<span class='v' data-value-key='{html.escape(n.notebook)}.{html.escape(n.key)}' "
                     f"data-value='{html.escape(json.dumps(n.value))}'>{html.escape(n.shown)}</span>"
                     if n.notebook else f"<span class='v'>{html.escape(n.shown)}</span>")
                 for k, n in self.numbers.items()}
        return html.escape(self.template).format(**spans)


class Missing(Exception):
    """A value a rule needs was not recorded in this run: the rule is left out (nothing else is caught)."""


def _get(values: dict, nb: str, key: str, index: int | None = None):
    v = values.get(nb, {}).get(key)
    if v is None:
        raise Missing(f"{nb}.{key}")
    return v if index is None else v[index]


def _template(msgid: str, language: str) -> str:
    """The sentence template in ``language`` (the catalogue's ``finding`` entry; English is the msgid)."""
    text = gettext(msgid, "finding", language)
    if text is None:
        raise LookupError(f"kamlib/locale/{language}.po has no finding {msgid!r}; add its translation.")
    return text


class _Builder:
    """Collects the numbers of one sentence: ``b.n("gini", "10_key_accounts", "gini", "estimate")`` records the
    value behind the template's ``{gini}``, shown in the report's language (:func:`kamlib.i18n.number`)."""

    def __init__(self, values: dict, language: str, currency: str | None = None):
        self.values, self.language, self.currency = values, language, currency
        self.numbers: dict[str, Number] = {}

    def n(self, name: str, nb: str, key: str, kind: str = "estimate", index: int | None = None):
        value = _get(self.values, nb, key, index)
        shown = number(value, kind, self.language, currency=self.currency) if kind != "text" else str(value)
        self.numbers[name] = Number(nb, key if index is None else f"{key}[{index}]", value, shown)
        return value

    def text(self, name: str, shown: str, value=None):
        """A word or list in the sentence that is not a recorded value (no ``data-value``)."""
        self.numbers[name] = Number(None, name, shown if value is None else value, shown)


# --- the rules -------------------------------------------------------------------------------------------------
# Each takes a builder and the context and returns (key, stage, msgid, evidence) or raises Missing when a value
# it needs was not recorded. The msgid is the English template; kamlib/locale/zh.po has its Chinese.

def _declared(key: str, stage: str, evidence: str, template: str, *numbers: tuple):
    """A rule that only fills its template with recorded values: ``(name, notebook, value key, kind)`` each."""
    def rule(b, ctx):
        for name, nb, value_key, kind in numbers:
            b.n(name, nb, value_key, kind)
        return key, stage, template, evidence

    rule.__name__ = f"_{key}"
    return rule


_concentration = _declared(
    "concentration", "identify", "ka_lorenz",
    "Revenue is concentrated: the top 20% of customers brought {share} of revenue (Gini {gini}).",
    ("share", "10_key_accounts", "top20_revenue_share", "share"), ("gini", "10_key_accounts", "gini", "estimate"))

_key_accounts = _declared(
    "key_accounts", "identify", "ka_tiers",
    "{n} customers are key accounts by value, potential and risk; they brought {share} of revenue, and {at_risk} "
    "more top customers are at risk of leaving.",
    ("n", "10_key_accounts", "key_accounts", "count"), ("share", "10_key_accounts", "key_accounts_revenue_share", "share"),
    ("at_risk", "10_key_accounts", "at_risk_key_accounts", "count"))


def _selection(b, ctx):
    b.text("top", ctx.get("top", "20%"))
    b.n("clv", "40_strategy", "capture_clv", "share")
    b.n("lo", "40_strategy", "capture_clv_ci", "share", 0)
    b.n("hi", "40_strategy", "capture_clv_ci", "share", 1)
    b.n("monetary", "40_strategy", "capture_monetary", "share")
    b.n("random", "40_strategy", "capture_random", "share")
    return ("selection", "evaluate",
            "The top {top} of customers by CLV captured {clv} of holdout revenue (95% CI {lo} to {hi}), against "
            "{monetary} for the top {top} by past revenue and {random} for a random {top}.",
            "strategy_selection_rules_chart")


def _satisfaction(b, ctx):
    b.n("n", "20_survey", "real_survey_n", "count")
    b.n("estimate", "20_survey", "H6_real_estimate")
    supported = _get(b.values, "20_survey", "H6_real_supported") == "yes"
    return ("satisfaction", "understand",
            "On {n} real respondents (ECSI survey), the path from satisfaction to loyalty is {estimate}: H6 is "
            + ("supported." if supported else "not supported."), "survey_real_path_diagram")


def _hypotheses(b, ctx):
    survey = b.values.get("20_survey", {})
    keys = sorted(k for k in survey if k.endswith("_supported") and k[1].isdigit() and "_real" not in k
                  and "_multigroup" not in k)
    if not keys:
        raise Missing("20_survey.H*_supported")
    yes = [k.split("_")[0] for k in keys if survey[k] == "yes"]
    b.text("supported", str(len(yes)), len(yes))
    b.text("hypotheses", str(len(keys)), len(keys))
    b.text("listed", ("、" if b.language == "zh" else ", ").join(yes) if yes else
           gettext("none", "finding", b.language) or "none")
    return ("hypotheses", "understand",
            "On the simulated survey, {supported} of {hypotheses} hypotheses are supported ({listed}); these rows "
            "show the method, not facts about real customers.", "survey_hypotheses")


_reviews = _declared(
    "reviews", "understand", "reviews_calibration",
    "A trained sentiment classifier labels held-out reviews with {accuracy} accuracy (majority class: {majority}; "
    "{n} Chinese reviews).",
    ("accuracy", "25_reviews", "classifier_accuracy", "share"), ("majority", "25_reviews", "majority_accuracy", "share"),
    ("n", "25_reviews", "n_reviews", "count"))


def _segments(b, ctx):
    b.n("k", "30_segments", "k_chosen", "count")
    shares = {key: v for key, v in b.values.get("30_segments", {}).items() if key.endswith("_revenue_share")}
    if not shares:
        raise Missing("30_segments.*_revenue_share")
    b.n("share", "30_segments", max(shares, key=shares.get), "share")
    return ("segments", "segment",
            "Customers fall into {k} segments; the segment with the most revenue brought {share} of it.", "seg_snake")


_churn = _declared(
    "churn", "segment", "churn_tx_roc",
    "A churn model on the transactions separates churners from stayers with an AUC of {auc} (0.5 is chance).",
    ("auc", "35_churn", "auc_logit", "estimate"))


def _personalisation(b, ctx):
    b.n("lift", "45_personalisation", "f001_new_lift", "share")
    b.n("lo", "45_personalisation", "f001_new_lift_ci", "share", 0)
    b.n("hi", "45_personalisation", "f001_new_lift_ci", "share", 1)
    template = ("For new products, personalised recommendations hit {lift} more often than popular ones (95% CI "
                "{lo} to {hi})")
    if "F001_value" in b.values.get("00_literature", {}):
        v = b.n("claim", "00_literature", "F001_value", "text")
        b.numbers["claim"] = Number("00_literature", "F001_value", v, f"{v:.0f}%")
        return "personalisation", "act", template + "; the sources claim at least {claim}.", "rec_hit_rates"
    return "personalisation", "act", template + ".", "rec_hit_rates"


_budget = _declared(
    "budget", "evaluate", "strategy_budget_split_chart",
    "Under the assumed response curves, the optimal budget split adds {optimal} of CLV against {equal} for an equal "
    "split.",
    ("optimal", "40_strategy", "budget_optimal_incremental_clv", "money"),
    ("equal", "40_strategy", "budget_equal_incremental_clv", "money"))


#: In the order of the summary: what most changes a decision first (at most eight are shown).
RULES = (_concentration, _key_accounts, _selection, _satisfaction, _personalisation, _churn, _reviews, _segments,
         _hypotheses, _budget)


def findings(values: dict, language: str = "en", *, simulated: set | None = None, context: dict | None = None,
             limit: int = 8) -> list[Finding]:
    """The executive summary: up to ``limit`` findings whose values this run recorded.

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}`` as read from ``values/*.json``.
    language : {"en", "zh"}
        The sentences' language (the catalogue's ``finding`` templates; numbers in the locale's format).
    simulated : set of str, optional
        Ids of artefacts made from simulated data; a finding whose evidence is one of them is marked.
    context : dict, optional
        ``top`` (the selected share as text, e.g. ``"20%"``) and ``currency``.
    limit : int
        At most this many findings (the report asks for 5-8).

    Returns
    -------
    list of Finding
        In the order of :data:`RULES`, each with its numbers and evidence.

    References
    ----------
    Minto, B. (2009). *The Pyramid Principle*. Pearson: the answer first, then the support.

    Examples
    --------
    >>> f = findings({"10_key_accounts": {"top20_revenue_share": 0.69, "gini": 0.657}})
    >>> f[0].text()
    'Revenue is concentrated: the top 20% of customers brought 69.0% of revenue (Gini 0.66).'
    >>> findings({"10_key_accounts": {"top20_revenue_share": 0.69, "gini": 0.657}}, "zh")[0].text()
    '收入高度集中:前 20% 的客户贡献了 69.0% 的收入(基尼系数 0.66)。'
    """
    context = context or {}
    out = []
    for rule in RULES:
        b = _Builder(values, language, context.get("currency"))
        try:
            key, stage, msgid, evidence = rule(b, context)
        except Missing:  # only a value this run did not record; a bug in a rule is raised
            continue
        out.append(Finding(key, stage, _template(msgid, language), dict(b.numbers), evidence,
                           evidence in (simulated or set())))
    return out[:limit]


def _say(msgid: str, language: str, **params) -> str:
    """One sentence of the recommendations or limitations: the catalogue's template filled in."""
    return _template(msgid, language).format(**params)


def _join(items, language: str) -> str:
    return ("、" if language == "zh" else ", ").join(map(str, items))


def recommendations(values: dict, language: str = "en") -> list[str]:
    """What the results suggest doing, one sentence each, from the recorded values (empty when nothing was run).

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}``.
    language : {"en", "zh"}
        The sentences' language (the catalogue's ``finding`` templates).

    Returns
    -------
    list of str

    References
    ----------
    Fader, P. (2020). *Customer Centricity* (2nd ed.). Wharton School Press: select and treat customers by
    their predicted future value.

    Examples
    --------
    >>> recommendations({"40_strategy": {"capture_clv": 0.62, "capture_monetary": 0.60}})[0][:40]
    'Select key accounts by predicted CLV: it'
    """
    out = []
    st = values.get("40_strategy", {})
    if {"capture_clv", "capture_monetary"} <= set(st):
        c, m = st["capture_clv"], st["capture_monetary"]
        lo = st.get("capture_clv_ci", [None])[0]
        close = lo is not None and lo <= m
        out.append(_say("Select key accounts by predicted CLV: it captured more holdout revenue than past revenue did."
                        if c > m and not close else
                        "Past revenue selects about as well as CLV here: start with the simpler rule and check the "
                        "CLV model again as the log grows.", language))
    ka = values.get("10_key_accounts", {})
    if ka.get("at_risk_key_accounts"):
        out.append(_say("Contact the {n} at-risk key accounts first (see the key-account tiers).", language,
                        n=number(ka["at_risk_key_accounts"], "count", language)))
    pe = values.get("45_personalisation", {})
    if "f001_new_verdict" in pe:
        out.append(_say("Use personalised recommendations for new products: the held-out test supports the lift."
                        if pe["f001_new_verdict"] == "supports the claim" else
                        "Test personalised recommendations in a controlled experiment before scaling them: the "
                        "held-out test did not confirm the claimed lift.", language))
    rv = values.get("25_reviews", {})
    if rv.get("negative_aspects"):
        names = [(value_zh(a) or a) if language == "zh" else a for a in rv["negative_aspects"]]
        out.append(_say("Improve what reviews most often criticise: {aspects}.", language,
                        aspects=_join(names, language)))
    if "n_per_arm_planned_lift" in st:
        out.append(_say("Test a new campaign with at least {n} customers per arm, and look at the result only at the "
                        "planned size.", language, n=number(st["n_per_arm_planned_lift"], "count", language)))
    return out


def not_run(manifest: dict, language: str = "en") -> Finding | None:
    """One summary sentence naming the notebooks and stages that did not run on this data (None when all ran);
    the limitations give each one's reason.

    Parameters
    ----------
    manifest : dict
        The report's manifest.
    language : {"en", "zh"}

    Returns
    -------
    Finding or None

    Examples
    --------
    >>> not_run({"not_run": {"45_personalisation": {"status": "skipped", "reason": "No products."}}}).text()
    'Not every analysis applies to this data: notebook 45_personalisation did not run (see Limitations for why).'
    """
    notebooks = sorted(manifest.get("not_run", {}))
    stages = [f"{stage} ({nb})" for nb, stage, _ in skipped_stages(manifest)]
    if not notebooks and not stages:
        return None
    parts = []
    if notebooks:
        parts.append(_say("notebook {notebooks} did not run" if len(notebooks) == 1 else
                          "notebooks {notebooks} did not run", language, notebooks=_join(notebooks, language)))
    if stages:
        parts.append(_say("this stage was skipped: {stages}" if len(stages) == 1 else
                          "these stages were skipped: {stages}", language, stages=_join(stages, language)))
    text = _say("Not every analysis applies to this data: {parts} (see Limitations for why).", language,
                parts=("；" if language == "zh" else "; ").join(parts))
    return Finding("not_run", "other", text.replace("{", "{{").replace("}", "}}"))


def skipped_stages(manifest: dict, language: str = "en") -> list[tuple[str, str, str]]:
    """The stages that did not run because the data could not support them: ``(notebook, stage, reason)``
    (a stage skipped only because an earlier one was is left out: its cause is listed).

    Parameters
    ----------
    manifest : dict
        The report's manifest (``notebooks.<id>.stages``).
    language : {"en", "zh"}
        The reasons' language (the Chinese recorded with a reason that was a catalogue message).

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> skipped_stages({"notebooks": {"10_key_accounts": {"stages": [
    ...     {"stage": "purchase models", "ran": False, "reason": "Too few repeat buyers."},
    ...     {"stage": "CLV", "ran": False, "reason": "It needs the purchase models, which did not run.",
    ...      "blocked_by": "purchase models"}]}}})
    [('10_key_accounts', 'purchase models', 'Too few repeat buyers.')]
    """
    return [(nb, s["stage"], _reason(s, language)) for nb, rec in sorted(manifest.get("notebooks", {}).items())
            for s in rec.get("stages", []) if not s.get("ran") and not s.get("blocked_by")]


def limitations(values: dict, manifest: dict, language: str = "en", *, quick: bool = False) -> list[str]:
    """What limits the conclusions of this run, one sentence each: a quick run, simulated parts, degenerate
    models, small samples, failed criteria, notebooks and stages that did not run (with their sentences), and
    which notebooks made notes.

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}``.
    manifest : dict
        The report's manifest (artefacts and notebook notes).
    language : {"en", "zh"}
    quick : bool
        Whether the run used the study's quick sizes.

    Returns
    -------
    list of str

    References
    ----------
    Kline, R. B. (2016). *Principles and Practice of Structural Equation Modeling* (4th ed.). Guilford: about 200
    cases for a structural equation model.

    Examples
    --------
    >>> limitations({}, {"artefacts": []}, quick=True)
    ['This is a quick run on reduced sizes: rebuild with `make report` before quoting any number.']
    """
    out = []
    if quick:
        out.append(_say("This is a quick run on reduced sizes: rebuild with `make report` before quoting any number.",
                        language))
    arts = manifest.get("artefacts", [])
    sim = sorted({a["notebook"] for a in arts if a.get("simulated")})
    if sim:
        out.append(_say("{n} figures and tables rest on simulated data (notebooks {notebooks}): they show the method, "
                        "not facts about real customers.", language,
                        n=sum(bool(a.get("simulated")) for a in arts), notebooks=_join(sim, language)))
    ka = values.get("10_key_accounts", {})
    if ka.get("degenerate_models"):
        out.append(_say("These models reached a bound of their parameters (degenerate): {models}; do not read their "
                        "parameters as ordinary estimates.", language, models=_join(ka["degenerate_models"], language)))
    sv = values.get("20_survey", {})
    if "real_survey_n" in sv and sv["real_survey_n"] < 200:
        out.append(_say("The real survey has {n} respondents, fewer than the about 200 usually asked for a structural "
                        "equation model (Kline, 2016).", language, n=sv["real_survey_n"]))
    if sv.get("real_criteria_failed"):
        out.append(_say("{n} reliability and validity criteria are not met on the real survey.", language,
                        n=sv["real_criteria_failed"]))
    if sv.get("real_cbsem_degenerate"):
        out.append(_say("Some standardised CB-SEM paths on the real survey lie beyond ±1 (nearly collinear factors the "
                        "common-factor model cannot separate); the survey's conclusions rest on PLS-SEM.", language))
    for nb, mark in sorted(manifest.get("not_run", {}).items()):
        out.append(_say("Notebook {notebook} did not run on this study's data: {reason}", language, notebook=nb,
                        reason=_reason(mark, language)))
    for nb, stage, reason in skipped_stages(manifest, language):
        out.append(_say("{notebook}, {stage}, did not run: {reason}", language, notebook=nb,
                        stage=(value_zh(stage) or stage) if language == "zh" else stage, reason=reason))
    noted = sorted(nb for nb, rec in manifest.get("notebooks", {}).items() if rec.get("notes"))
    if noted:
        out.append(_say("Notebooks {notebooks} made notes about this run; they open their sections.", language,
                        notebooks=_join(noted, language)))
    return out


def _reason(record: dict, language: str) -> str:
    """A stage's or notebook's reason for not running, in ``language`` (the Chinese recorded with it when the
    reason was a catalogue message; otherwise the English, marked as such)."""
    reason = record.get("reason", "")
    if language == "en" or not reason:
        return reason
    return record.get(f"reason_{language}") or f"(英文原文){reason}"
