"""The report's words about results: executive-summary findings, recommendations and limitations, each a sentence
generated from the values the notebooks recorded (``reports/<study>/values/*.json``), never typed in.

A finding is a rule: which recorded values it needs, an English template (the msgid of the gettext catalogue,
``msgctxt "finding"``, whose Chinese is in ``kamlib/locale/zh.po``), the framework stage it belongs to and the
artefact that is its evidence. A rule whose values were not recorded (a notebook that did not
run for this study, a model that could not be fitted) is left out, so the summary of any study says only what its
run found. Every number in a sentence carries its notebook, key and recorded value, so that the report marks it
up (``data-value``) and a test checks it against the values file.

A sentence that says which way a result goes (a gain or a loss, concentrated or not) cannot be left to the notebook's
template alone: its words follow a verdict of :mod:`kamlib.verdicts` on the recorded numbers (:data:`WORDED`), the same
rule the discussion uses, so the summary, the section closings and the discussion never disagree.

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
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import verdicts
from ..errors import KamError
from ..i18n import gettext, in_language, name_zh, number, snug, translate
from ..stage_results import WORDED_FINDINGS

__all__ = ["FEW_RESAMPLES", "WORDED", "Finding", "Number", "Resamples", "Worded", "findings", "is_demonstration",
           "limitations", "not_run", "quick_resamples", "recommendations", "shown", "skipped_stages"]


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
    demonstration: bool = False  # about another data set than the case company's (or simulated): not advice

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


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@dataclass(frozen=True)
class Worded:
    """A declared sentence whose words follow a verdict on its recorded numbers: the notebook gives the numbers,
    kamlib chooses the words.

    Attributes
    ----------
    verdict : callable
        ``{field: recorded value}`` of the sentence's numbers -> a key of ``templates``.
    templates : dict
        Verdict -> English template (the catalogue's msgid, ``msgctxt "finding"``); each names the declared
        sentence's fields, plus ``{cut}`` when ``rule`` is given.
    rule : str, optional
        The :data:`kamlib.verdicts.RULES` rule whose threshold a template shows as ``{cut}`` (a share).
    """

    verdict: Callable[[dict], str]
    templates: dict
    rule: str | None = None

    def apply(self, declared: str, numbers: dict, language: str) -> tuple[str, dict]:
        """The English template for the verdict on ``numbers`` and the numbers it shows (``{cut}`` added).

        Raises
        ------
        KamError
            When the chosen template does not name exactly the declared sentence's numbers (kamlib's wording and
            the notebook's sentence disagree: a bug to fix, not a sentence to drop).
        """
        word = self.verdict({k: n.value for k, n in numbers.items()})
        template = self.templates[word]
        if self.rule is not None:
            cut = verdicts.RULES[self.rule].threshold
            numbers = {**numbers, "cut": Number(None, "text", cut, number(cut, "share", language))}
        if _fields(template) != set(numbers):
            raise KamError(f"The sentence {declared!r} is worded by kamlib for the verdict {word!r} with the numbers "
                           f"{sorted(_fields(template))}, but it was declared with {sorted(set(numbers) - {'cut'})}; "
                           "make kamlib.stage_results.WORDED_FINDINGS and the notebook's sentence name the same numbers.")
        return template, numbers


#: Declared template -> its :class:`Worded` rule, from the sentences kamlib words by a verdict
#: (:data:`kamlib.stage_results.WORDED_FINDINGS`, where the templates are written once).
WORDED: dict[str, Worded] = {declared: Worded(verdict, templates, rule)
                             for declared, (verdict, templates, rule) in WORDED_FINDINGS.items()}


def _worded(s: dict, numbers: dict, language: str) -> tuple[str, dict]:
    """The declared sentence's English template and numbers, with its words chosen by :data:`WORDED`."""
    rule = WORDED.get(s["template"])
    return rule.apply(s["template"], numbers, language) if rule else (s["template"], numbers)


def _get(values: dict, nb: str, key: str, index: int | None = None):
    v = values.get(nb, {}).get(key)
    if v is None:
        raise Missing(f"{nb}.{key}")
    return v if index is None else v[index]


def _template(msgid: str, language: str) -> str:
    """The sentence template in ``language``: the catalogue's ``finding`` entry (English is the msgid; a template
    the catalogue lacks is shown in English, marked as such)."""
    return in_language(msgid, gettext(msgid, "finding", language), language)


def _number(nb: str, spec: dict, values: dict, language: str, currency: str | None) -> Number:
    """One number of a declared sentence, shown in ``language`` (Missing when its value was not recorded)."""
    if "text" in spec:
        words = (spec.get(f"text_{language}") or spec["text"]) if language != "en" else spec["text"]
        return Number(None, "text", spec["text"], words)
    value = _get(values, nb, spec["key"], spec.get("index"))
    return Number(nb, spec["key"] + (f"[{spec['index']}]" if "index" in spec else ""), value,
                  shown(value, spec["kind"], language, currency))


def shown(value, kind: str, language: str = "en", currency: str | None = None) -> str:
    """A recorded value as the report's sentences show it: a ``text`` value in the report's language (the
    catalogue's translation, else as recorded), any other kind in the locale's number format
    (:func:`kamlib.i18n.number`).

    Parameters
    ----------
    value : object
        The recorded value.
    kind : str
        One of :data:`kamlib.workbench.artefacts.KINDS`.
    language : {"en", "zh"}
    currency : str, optional
        Shown with ``money``.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.workbench.findings import shown
    >>> shown(0.7394, "share"), shown(8271331.2, "money", currency="GBP")
    ('73.9%', '8,271,331 GBP')
    >>> shown(0.8, "cutoff"), shown(0.8, "estimate")  # a rule's cut-off as the rule writes it, beside an estimate
    ('0.8', '0.800')
    """
    if kind == "text":
        return (translate(str(value), language) or str(value)) if language != "en" else str(value)
    return number(value, kind, language, currency=currency)


def _declared(manifest: dict, what: str) -> list:
    """The sentences of kind ``what`` the notebooks declared: ``(notebook, stage, sentence)`` by priority."""
    rows = []
    for order, (nb, rec) in enumerate(sorted(manifest.get("notebooks", {}).items())):
        rows += [(s.get("priority", 50), order, nb, rec.get("stage", "other"), s) for s in rec.get(what, [])]
    return [(nb, stage, s) for _, _, nb, stage, s in sorted(rows, key=lambda r: r[:2])]


def is_demonstration(sentence: dict, simulated: set) -> bool:
    """Whether a declared finding is a method demonstration: declared so (``art.finding(..., demonstration=True)``:
    about another data set than the case company's) or resting on simulated evidence.

    Parameters
    ----------
    sentence : dict
        A finding as the manifest holds it (``evidence``, ``demonstration``).
    simulated : set of str
        Ids of artefacts made from simulated data.

    Returns
    -------
    bool

    Examples
    --------
    >>> from kamlib.workbench.findings import is_demonstration
    >>> is_demonstration({"evidence": "survey_hypotheses"}, {"survey_hypotheses"}), is_demonstration({}, set())
    (True, False)
    """
    return bool(sentence.get("demonstration")) or sentence.get("evidence") in simulated


def _filled(nb: str, s: dict, values: dict, language: str, currency: str | None) -> dict:
    return {name: _number(nb, spec, values, language, currency) for name, spec in s["numbers"].items()}


def findings(manifest: dict, values: dict, language: str = "en", *, simulated: set | None = None,
             currency: str | None = None, limit: int = 8) -> list[Finding]:
    """The executive summary: up to ``limit`` of the findings the notebooks declared
    (:meth:`kamlib.workbench.artefacts.Artefacts.finding`), by priority, each with its numbers and evidence.

    Parameters
    ----------
    manifest : dict
        The report's manifest (``notebooks.<id>.findings``).
    values : dict
        ``{notebook: {key: value}}`` as read from ``values/*.json``.
    language : {"en", "zh"}
        The sentences' language (the catalogue's ``finding`` templates; numbers in the locale's format).
    simulated : set of str, optional
        Ids of artefacts made from simulated data; a finding whose evidence is one of them is marked.
    currency : str, optional
        Shown after money.
    limit : int
        At most this many findings (the report asks for 5-8).

    Returns
    -------
    list of Finding

    References
    ----------
    Minto, B. (2009). *The Pyramid Principle*. Pearson: the answer first, then the support.

    Examples
    --------
    >>> from kamlib.stage_results import CONCENTRATION_FINDING
    >>> from kamlib.workbench.findings import findings
    >>> manifest = {"notebooks": {"10_key_accounts": {"stage": "identify", "findings": [{
    ...     "key": "concentration", "evidence": "ka_lorenz", "numbers": {
    ...         "share": {"key": "top20_revenue_share", "kind": "share"}, "gini": {"key": "gini", "kind": "estimate"}},
    ...     "template": CONCENTRATION_FINDING}]}}}
    >>> values = {"10_key_accounts": {"top20_revenue_share": 0.69, "gini": 0.657}}
    >>> findings(manifest, values)[0].text()
    'Revenue is concentrated: the top 20% of customers brought 69.0% of it, more than 50.0% (workbook convention; Gini 0.657).'
    >>> values["10_key_accounts"]["top20_revenue_share"] = 0.45  # the rule of kamlib.verdicts.concentrated
    >>> findings(manifest, values)[0].text()
    'Revenue is not concentrated: the top 20% of customers brought 45.0% of it, not more than 50.0% (workbook convention; Gini 0.657).'
    """
    out = []
    for nb, stage, s in _declared(manifest, "findings"):
        try:
            numbers = _filled(nb, s, values, language, currency)
        except Missing:  # only a value this run did not record; a bug is raised
            continue
        template, numbers = _worded(s, numbers, language)
        evidence = s.get("evidence")
        out.append(Finding(s["key"], stage, _template(template, language), numbers, evidence,
                           evidence in (simulated or set()), is_demonstration(s, simulated or set())))
    return out[:limit]


def run_together(manifest: dict, values: dict, what: str, language: str, currency: str | None = None) -> list[str]:
    out = []
    for nb, _, s in _declared(manifest, what):
        try:
            numbers = _filled(nb, s, values, language, currency)
        except Missing:
            continue
        template, numbers = _worded(s, numbers, language)
        out.append(_template(template, language).format(**{k: n.shown for k, n in numbers.items()}))
    return out


def _join(items, language: str) -> str:
    return ("、" if language == "zh" else ", ").join(map(str, items))


def _say(msgid: str, language: str, **params) -> str:
    """One sentence of the report's own (not a notebook's): the catalogue's template filled in."""
    template = _template(msgid, language)
    return (snug(template, params) if language == "zh" else template).format(**params)


@dataclass(frozen=True)
class Resamples:
    """:func:`quick_resamples`' result.

    Attributes
    ----------
    n : int
        The fewest bootstrap resamples a notebook of the run used.
    keys : tuple of str
        The study keys that set that number (``clv.bootstrap``).
    """

    n: int
    keys: tuple


#: Fewer bootstrap resamples than this leave a 95% percentile interval's tails to a handful of draws
FEW_RESAMPLES = 100


def quick_resamples(manifest: dict) -> Resamples | None:
    """The fewest bootstrap resamples any notebook of the run used, when below :data:`FEW_RESAMPLES`, with the
    study keys that set that number (``clv.bootstrap``); None otherwise.

    Parameters
    ----------
    manifest : dict
        The report's manifest (``notebooks.<id>.parameters``).

    Returns
    -------
    Resamples or None

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall, ch. 13 and 19 (the
    percentile interval and the number of resamples it needs).

    Examples
    --------
    >>> from kamlib.workbench.findings import quick_resamples
    >>> p = {"clv_bootstrap": 10, "strategy_bootstrap": 30}
    >>> quick_resamples({"notebooks": {"10_key_accounts": {"parameters": p}}})
    Resamples(n=10, keys=('clv.bootstrap',))
    """
    from .study import key_of

    counts = {}
    for record in manifest.get("notebooks", {}).values():
        for key, value in (record.get("parameters") or {}).items():
            if key.endswith("_bootstrap") and isinstance(value, int) and not isinstance(value, bool) and value > 0:
                counts[key_of(key)] = value
    if not counts or min(counts.values()) >= FEW_RESAMPLES:
        return None
    n = min(counts.values())
    return Resamples(n, tuple(sorted(k for k, v in counts.items() if v == n)))


def recommendations(manifest: dict, values: dict, language: str = "en", *, currency: str | None = None) -> list[str]:
    """What the results suggest doing, one sentence each: the recommendations the notebooks declared
    (:meth:`kamlib.workbench.artefacts.Artefacts.recommendation`), by priority.

    Parameters
    ----------
    manifest : dict
        The report's manifest (``notebooks.<id>.recommendations``).
    values : dict
        ``{notebook: {key: value}}``.
    language : {"en", "zh"}
        The sentences' language (the catalogue's ``finding`` templates).
    currency : str, optional
        Shown after money.

    Returns
    -------
    list of str

    References
    ----------
    Fader, P. (2020). *Customer Centricity* (2nd ed.). Wharton School Press: select and treat customers by
    their predicted future value.

    Examples
    --------
    >>> from kamlib.workbench.findings import recommendations
    >>> manifest = {"notebooks": {"10_key_accounts": {"recommendations": [{"key": "at_risk", "numbers": {
    ...     "n": {"key": "at_risk_key_accounts", "kind": "count"}},
    ...     "template": "Contact the {n} at-risk key accounts first (see the key-account tiers)."}]}}}
    >>> recommendations(manifest, {"10_key_accounts": {"at_risk_key_accounts": 1204}})
    ['Contact the 1,204 at-risk key accounts first (see the key-account tiers).']
    """
    return run_together(manifest, values, "recommendations", language, currency)


def _not_run(manifest: dict) -> dict:
    """The notebooks that did not run, but for those that are a method demonstration the study turned off (the
    report says that once, :data:`kamlib.workbench.demonstrations.OFF`)."""
    from .demonstrations import is_off

    return {nb: mark for nb, mark in manifest.get("not_run", {}).items() if not is_off(mark.get("reason"))}


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
    >>> from kamlib.workbench.findings import not_run
    >>> not_run({"not_run": {"45_personalisation": {"status": "skipped", "reason": "No products."}}}).text()
    'Not every analysis applies to this data: notebook 45_personalisation did not run (see Limitations for why).'
    """
    notebooks = sorted(_not_run(manifest))
    stages = [f"{name_zh(stage) if language == 'zh' else stage} ({nb})" for nb, stage, _ in skipped_stages(manifest)]
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
    >>> from kamlib.workbench.findings import skipped_stages
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
    >>> from kamlib.workbench.findings import limitations
    >>> limitations({}, {"artefacts": []}, quick=True)[0][:60]
    'This is a quick run on reduced sizes: run the study again wi'
    """
    out = []
    if quick:
        out.append(_say("This is a quick run on reduced sizes: run the study again without --quick (`kam run --study` "
                        "with its file) before quoting any number.",
                        language))
        fewest = quick_resamples(manifest)
        if fewest is not None:
            out.append(_say("The quick run's bootstrap intervals rest on as few as {n} resamples ({keys}), too few "
                            "for the tails a 95% interval reads: take them as rough ranges.", language,
                            n=fewest.n, keys=_join(fewest.keys, language)))
    arts = manifest.get("artefacts", [])
    sim = sorted({a["notebook"] for a in arts if a.get("simulated")})
    if sim:
        out.append(_say("{n} figures and tables rest on simulated data (notebooks {notebooks}): they show the method, "
                        "not facts about real customers.", language,
                        n=sum(bool(a.get("simulated")) for a in arts), notebooks=_join(sim, language)))
    out += run_together(manifest, values, "limitations", language)
    for nb, mark in sorted(_not_run(manifest).items()):
        out.append(_say("Notebook {notebook} did not run on this study's data: {reason}", language, notebook=nb,
                        reason=_reason(mark, language)))
    for nb, stage, reason in skipped_stages(manifest, language):
        out.append(_say("{notebook}, {stage}, did not run: {reason}", language, notebook=nb,
                        stage=name_zh(stage) if language == "zh" else stage, reason=reason))
    noted = sorted(nb for nb, rec in manifest.get("notebooks", {}).items() if rec.get("notes"))
    if noted:
        out.append(_say("Notebooks {notebooks} made notes about this run; they open their sections.", language,
                        notebooks=_join(noted, language)))
    return out


def _reason(record: dict, language: str) -> str:
    """A stage's or notebook's reason for not running, in ``language`` (the Chinese recorded with it when the
    reason was a catalogue message; otherwise the English, marked as such)."""
    reason = record.get("reason", "")
    return in_language(reason, record.get(f"reason_{language}"), language) if reason else reason
