"""The report's methods chapter, written from what ran: for each stage whose notebook ran, the data and window, the
model or test, its estimator, how a model was chosen, the sizes used and the works it follows; then the software.

Every number and name comes from the run's recorded parameters (the notebook's ``parameters`` in the manifest),
its recorded values and its artefacts' version records, so the chapter cannot describe a method the run did not use.
Which value stands for a method, and which notebook records it, is :data:`kamlib.stage_results.RECORDED`'s to say:
the chapter reads stage attributes (:func:`kamlib.stage_results.recorded`) and names no notebook and no value key.
The sentences are catalogue templates (``finding`` context in ``kamlib/locale/zh.po``), English and Chinese.

Written by hand: the chapter is this workbook's own text about its own run; no library writes it.

References
----------
American Psychological Association (2020). *Publication Manual* (7th ed.), 3.6: the method section describes the
data, the measures and the analytic strategy in enough detail to reproduce them.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import KamError
from ..i18n import gettext, glossary_words, in_language, snug
from ..rfm import holdout_start

__all__ = ["ASSUMED", "Assumed", "assumptions", "chapter", "listing", "say", "workbook_defaults"]


@dataclass(frozen=True)
class Assumed:
    """A study key whose workbook default is an assumption about the case (:data:`ASSUMED`): what it sets, in English
    and Chinese, and which analyses take it, so that the methods chapter names it only when one of them ran.

    Attributes
    ----------
    en, zh : str
        What the key sets, in words.
    used_by : tuple
        What shows that an analysis taking the key ran, any one of them: a stage attribute ``(stage, attribute)`` the
        run recorded (:data:`kamlib.stage_results.RECORDED` says which notebook records it) or a method demonstration
        the run showed (its kind, :data:`kamlib.workbench.demonstrations.KINDS`, in the manifest's
        ``demonstrations``). Empty: the report's own words (the title, the background), used whenever it is built.
    when : tuple of (str, object)
        Parameters of the notebook that ran it, with the value under which that analysis takes the key (a parameter
        the notebook did not record counts as having it): the test plan takes the assumed baseline conversion only
        when the campaign is simulated, and the observed control rate otherwise.
    """
    en: str
    zh: str
    used_by: tuple = ()
    when: tuple = ()


#: The study keys whose workbook default is an assumption about the case when a study file leaves the key out, with
#: what each sets and the analyses that take it (:class:`Assumed`; one owner of both). The methods chapter names each
#: one the study left to the workbook (:func:`workbook_defaults`) and an analysis that takes it ran
#: (:func:`assumptions`), so that no default reads as a fact about the case, and none is named that no result rests on.
ASSUMED = {
    "title": Assumed("the report's title", "报告标题"),
    "texts.background": Assumed("the background and research questions", "背景与研究问题"),
    # the churn models' cost-minimising threshold on the case's customers (the telecom demonstration is not the case)
    "segments.cost_missed_churner": Assumed("the cost of a missed churner", "漏掉一名流失客户的成本",
                                            used_by=(("segment", "churn_auc"),)),
    "segments.cost_wasted_offer": Assumed("the cost of a wasted retention offer", "一次浪费的挽留优惠的成本",
                                          used_by=(("segment", "churn_auc"),)),
    # the next campaign test's plan (a simulated campaign's baseline; a real campaign's plan uses its control arm)
    "strategy.baseline_conversion": Assumed("the baseline conversion of the campaign plan", "活动计划的基线转化率",
                                            used_by=(("evaluate", "n_per_arm"), "campaign"),
                                            when=(("strategy_experiment_source", "simulated"),)),
    "strategy.relative_lift": Assumed("the relative lift the next campaign test is planned for",
                                      "下一次活动测试计划检测的相对提升", used_by=(("evaluate", "n_per_arm"), "campaign")),
    "strategy.key_extra_lift": Assumed("the key accounts' extra lift in the simulated campaign",
                                       "模拟活动中大客户的额外提升", used_by=("campaign",)),
    "strategy.uplift": Assumed("the largest uplift per tier of the budget split", "预算分配中各层级的最大提升",
                               used_by=(("evaluate", "budget_incremental_clv"),)),
    # the survey's cleaning: answers faster than this are removed as speeders (a fact about the questionnaire)
    "survey.min_seconds": Assumed("the shortest time in seconds in which the questionnaire can be answered (faster "
                                  "respondents are removed as speeders)", "作答问卷所需的最短时间（秒；更快作答者作为过快作答剔除）",
                                  used_by=(("understand", "hypotheses_tested"),)),
}


def workbook_defaults(study) -> dict:
    """The keys of :data:`ASSUMED` that a study file leaves to the workbook, with the default value the run takes.

    Parameters
    ----------
    study : kamlib.workbench.study.Study
        The loaded study (a key it sets, even to the default's value, is the study's own).

    Returns
    -------
    dict
        Dotted key -> the workbook's value (JSON-friendly; None for ``texts.background``: the workbook's framing).

    Examples
    --------
    >>> from kamlib.workbench.study import Study
    >>> from kamlib.workbench.methods import workbook_defaults
    >>> d = workbook_defaults(Study.model_validate({"segments": {"cost_missed_churner": 80}}))
    >>> "segments.cost_missed_churner" in d, d["segments.cost_wasted_offer"], "clv.covariates" in d
    (False, 5.0, False)
    """
    data = study.model_dump(mode="json")
    out = {}
    for key in ASSUMED:
        section, _, name = key.partition(".")
        if section == "texts":
            if name not in (study.texts or {}):
                out[key] = None
        elif not name:
            if section not in study.model_fields_set:
                out[key] = data[section]
        elif section not in study.model_fields_set or name not in getattr(study, section).model_fields_set:
            out[key] = data[section][name]
    return out


#: The keys of :data:`ASSUMED` whose values are rates or lifts (fractions), shown as percentages
_PERCENT = {"strategy.baseline_conversion", "strategy.relative_lift", "strategy.key_extra_lift", "strategy.uplift"}


def _shown(key: str, value, language: str) -> str:
    """A workbook default in words: the title in ``language`` only, quoted; a rate as a percentage; a tier (the keys of
    ``strategy.uplift``) by the report's word for it."""
    from ..i18n import name_zh

    def number(v) -> str:
        return f"{round(v * 100, 6):g}%" if key in _PERCENT else f"{v:g}"

    if key == "title":
        title = value.get(language) or value.get("en", "") if isinstance(value, dict) else str(value)
        return f"“{title}”" if language == "zh" else f'"{title}"'
    if isinstance(value, dict):
        return listing([f"{name_zh(k) if language == 'zh' else k} "
                        f"{number(v) if isinstance(v, (int, float)) else v}" for k, v in value.items()], language)
    if isinstance(value, list):
        return listing(value, language) if value else ("none" if language == "en" else "无")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return str(value)


def _taken(manifest: dict, results, assumed: Assumed) -> list[dict]:
    """The parameters of each notebook of the run in which an analysis that takes ``assumed``'s key ran
    (:attr:`Assumed.used_by`, under :attr:`Assumed.when`)."""
    from ..stage_results import recorded_by

    nbs = manifest.get("notebooks", {})
    out = []
    for use in assumed.used_by:
        if isinstance(use, str):  # a method demonstration the run showed
            out += [rec.get("parameters") or {} for rec in nbs.values() if use in (rec.get("demonstrations") or [])]
            continue
        stage, attribute = use
        nb = recorded_by(stage, attribute)
        if nb in nbs and getattr(getattr(results, stage), attribute) is not None:
            out.append(nbs[nb].get("parameters") or {})
    return [p for p in out if all(p.get(name, value) == value for name, value in assumed.when)]


def assumptions(manifest: dict, defaults: dict | None, language: str = "en", *, values: dict | None = None,
                results=None) -> str | None:
    """The methods chapter's sentence on the assumptions the study file leaves to the workbook: each key of
    ``defaults`` (:func:`workbook_defaults`) that an analysis of the run took (:attr:`Assumed.used_by`: it recorded its
    result; the title and the background are the report's own, and a campaign assumption the study bases on its
    sources, ``strategy.basis``, is the case's), named with its study key and value; None when there is none, or when
    ``defaults`` is None (the report was built without its study file, so it cannot say).

    Parameters
    ----------
    manifest : dict
        The report's manifest.
    defaults : dict or None
        :func:`workbook_defaults` of the run's study.
    language : {"en", "zh"}
    values : dict, optional
        ``{notebook: {key: value}}`` as recorded by the run (read when ``results`` is not given).
    results : StageResults, optional
        The run's stage results (:func:`kamlib.stage_results.recorded`).

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.stage_results import RECORDED
    >>> from kamlib.workbench.methods import assumptions
    >>> churn, auc = RECORDED[("segment", "churn_auc")]  # the churn models ran: their threshold takes the costs
    >>> m = {"notebooks": {churn: {"parameters": {"segments_cost_missed_churner": 50.0}}}}
    >>> assumptions(m, {"segments.cost_missed_churner": 50.0}, values={churn: {auc: 0.76}}).split(";")[0]
    'Assumptions. The study file does not set the cost of a missed churner (segments.cost_missed_churner: 50)'

    >>> assumptions(m, {"segments.cost_missed_churner": 50.0}, values={}) is None  # no churn model ran
    True
    """
    from ..stage_results import recorded

    if not defaults:
        return None
    results = results if results is not None else recorded(values or {})
    items = []
    for key, value in defaults.items():
        assumed = ASSUMED[key]
        if assumed.used_by:
            takers = _taken(manifest, results, assumed)
            basis = key.partition(".")[2]
            if not takers or (key.startswith("strategy.") and
                              all(basis in (p.get("strategy_basis") or {}) for p in takers)):
                continue  # no analysis of this run took it, or the study bases it on its sources (strategy.basis)
        what = assumed.zh if language == "zh" else assumed.en
        items.append(f"{what} ({key})" if value is None else f"{what} ({key}: {_shown(key, value, language)})")
    if not items:
        return None
    return say("Assumptions. The study file does not set {items}; where the run uses them it takes the workbook's "
               "defaults, which are the workbook's assumptions, not facts about this case: set these keys in the study "
               "file to state the case's own.", language, items=("；" if language == "zh" else "; ").join(items))


def say(msgid: str, language: str, context: str = "finding", /, **params) -> str:
    """One of the workbook's own sentences in ``language``: the catalogue's template of ``msgid`` (its ``msgctxt``
    ``context``) filled with ``params``, or the English marked as such when the catalogue has none
    (:func:`kamlib.i18n.in_language`). The methods chapter's sentences are ``finding`` entries, the report's own
    (:mod:`kamlib.workbench.report`) ``note`` entries.

    Parameters
    ----------
    msgid : str
        The English template (:meth:`str.format` with named fields).
    language : {"en", "zh"}
    context : str
        The catalogue's msgctxt.
    **params
        The template's fields, as they are in every language (numbers keep the template's format spec).

    Returns
    -------
    str

    References
    ----------
    The GNU gettext manual, 11.2.5 (contexts): a message is its msgid within its msgctxt.

    Examples
    --------
    >>> from kamlib.workbench.methods import say
    >>> say("Revenue is in {currency}.", "en", currency="GBP"), say("Revenue is in {currency}.", "zh", currency="GBP")
    ('Revenue is in GBP.', '收入单位为 GBP。')
    >>> say("Not a sentence of the catalogue.", "zh")
    '(英文原文)Not a sentence of the catalogue.'
    """
    template = in_language(msgid, gettext(msgid, context, language), language)
    return (snug(template, params) if language == "zh" else template).format(**params)


def _unit(code, language: str):
    """A purchase-model time unit (``W``) in words in ``language`` (weeks, 周): :func:`kamlib.i18n.time_unit`."""
    from ..i18n import Message, time_unit

    words = time_unit(code)
    return (words.translate(language) or str(words)) if isinstance(words, Message) else words


def _labels(names) -> list[str]:
    from .. import clv

    out = []
    for n in names or []:
        try:
            out.append(clv.get(n).label)
        except KamError:  # a name the registry does not know: shown as written
            out.append(str(n))
    return out


def listing(items, language: str) -> str:
    """Words listed in a sentence: "a, b and c" in English, "a、b、c" in Chinese; "" for none.

    Parameters
    ----------
    items : iterable
        The words, each shown as ``str`` gives it.
    language : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.workbench.methods import listing
    >>> listing(["BG/NBD", "Pareto/NBD", "MBG/NBD"], "en"), listing(["历史收入", "随机"], "zh"), listing(["RFM"], "en")
    ('BG/NBD, Pareto/NBD and MBG/NBD', '历史收入、随机', 'RFM')
    """
    items = [str(i) for i in items]
    if language == "zh":
        return "、".join(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def chapter(manifest: dict, values: dict, language: str = "en", *, results=None,
            defaults: dict | None = None) -> list[dict]:
    """The methods chapter: one paragraph per stage that ran, then the software.

    Parameters
    ----------
    manifest : dict
        The report's manifest (``notebooks.<id>.parameters`` and the artefacts' ``versions``).
    values : dict
        ``{notebook: {key: value}}`` as recorded by the run.
    language : {"en", "zh"}
    results : StageResults, optional
        The run's stage results with the results it kept (:func:`kamlib.stage_results.recorded` with ``kept``): the
        identification's kept tiers then name the rule, the measure and the candidates; without them, the values.
    defaults : dict, optional
        The assumptions the study file leaves to the workbook (:func:`workbook_defaults`): the chapter names those
        the run used (:func:`assumptions`); None when the report is built without its study file.

    Returns
    -------
    list of dict
        ``{"stage": the method's stage, "text": paragraph}`` in the framework's order; a paragraph appears when the
        value its method records was recorded (the notebook that records it ran); empty when nothing ran.

    References
    ----------
    Schmittlein, D. C., Morrison, D. G., & Colombo, R. (1987); Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005);
    Hosmer, D. W., Lemeshow, S., & Sturdivant, R. X. (2013); Fornell, C., & Larcker, D. F. (1981); Henseler, J.,
    Ringle, C. M., & Sarstedt, M. (2015); Hair, J. F., et al. (2022); Cohen, J. (1988); Kohavi, R., et al. (2009)
    (full entries in the report's reference list).

    Examples
    --------
    >>> from kamlib.workbench.methods import chapter
    >>> chapter({"notebooks": {}}, {})
    []
    >>> from kamlib.stage_results import RECORDED
    >>> churn, auc = RECORDED[("segment", "churn_auc")]  # the notebook and key of the churn score's AUC
    >>> m = {"notebooks": {churn: {"parameters": {"clv_calibration_end": "2011-06-30", "clv_holdout_end": "2011-12-09"}}}}
    >>> chapter(m, {churn: {auc: 0.76}})[0]["text"][:40]
    'Churn. A customer counts as churned when'
    """
    from ..stage_results import recorded, recorded_by

    nbs = manifest.get("notebooks", {})
    results = results if results is not None else recorded(values)
    out = []

    def ran(stage: str, attribute: str) -> dict | None:
        """The parameters of the notebook that recorded the stage attribute (the method it stands for ran), or
        None."""
        nb = recorded_by(stage, attribute)
        if nb not in nbs or getattr(getattr(results, stage), attribute) is None:
            return None
        return nbs[nb].get("parameters") or {}

    def add(stage: str, text: str) -> None:
        out.append({"stage": stage, "text": text})

    ident, understand = results.identify, results.understand
    p = ran("identify", "log_lines")
    if p is not None:
        add("data", say(
            "Data. The transaction log holds {rows} lines of {customers} customers after the cleaning rules of the "
            "data-validation table (Appendix A); an order is a customer's purchases on one day.", language,
            rows=f"{int(ident.log_lines):,}", customers=f"{int(ident.log_customers):,}")
            + (" " + say("Revenue is in {currency}.", language, currency=p["transactions_currency"])
               if p.get("transactions_currency") else ""))
    p = ran("identify", "key_accounts")
    if p is not None:
        compared = recorded(values).identify.value_model is not None  # the holdout comparison recorded its choice
        add("identify", " ".join(_identification(ident, p, language, compared=compared)))
    p = ran("identify", "value_index_overlap")
    if p is not None:
        add("identify", say(
            "Customer-value index. Each customer's criteria ({criteria}) are measured on the calibration period, "
            "weighted by {weights} weights (AHP from the study's pairwise judgements, {judgements}, with Saaty's "
            "consistency ratio; Saaty 1980; entropy weights from the criteria's dispersion) and ranked by TOPSIS "
            "closeness to the ideal customer; the index's top share is judged on the holdout period beside past "
            "revenue and lifetime value.", language,
            criteria=listing([_criterion(c, language) for c in sorted(p.get("value_index_criteria") or {})], language),
            weights=_WEIGHTS.get(p.get("value_index_weights") or "ahp", ("AHP", "层次分析法"))[language == "zh"],
            judgements=(p.get("value_index_judgements") or {}).get(language, "") if isinstance(
                p.get("value_index_judgements"), dict) else str(p.get("value_index_judgements") or ""))
            + _combination(p, language))
    p = ran("identify", "margin_basis")  # the margin model ran (the log has profit or cost)
    if p is not None:
        add("identify", " ".join(_margins(ident, p, language)))
    p = ran("identify", "retention_lr_pvalue")
    if p is not None:
        add("identify", say(
            "Contractual retention. The customers alive at the start of each period of each cohort are fitted with "
            "the shifted-beta-geometric model (Fader & Hardie 2007) and the beta-discrete-Weibull model (Fader et al. "
            "2018) by maximum likelihood; the second is preferred only when a likelihood-ratio test rejects the "
            "first, and the chosen model projects retention, survival and discounted expected residual lifetime.",
            language))
    p = ran("understand", "real_predictive_power")
    if p is not None:
        add("understand", say(
            "Prediction and priorities. The structural model's out-of-sample predictive power is judged by "
            "PLSpredict, k-fold cross-validated predictions of the outcome's items against a linear-model benchmark "
            "(Shmueli et al. 2019), and the outcome's drivers are set in an importance-performance map (Martilla & "
            "James 1977; Ringle & Sarstedt 2016).", language))
    p = ran("understand", "hypotheses_tested")
    if p is not None:
        text = [say(
            "Survey. The constructs of the study's instrument are checked for reliability (Cronbach's alpha, "
            "composite reliability), convergent validity (average variance extracted; Fornell & Larcker 1981) and "
            "discriminant validity (HTMT; Henseler, Ringle & Sarstedt 2015); the measurement model by confirmatory "
            "factor analysis, its fit read against the cut-offs of Hu & Bentler (1999); the study's structural model "
            "by covariance-based SEM, each hypothesis by its path's test or its defined effect's test (delta method "
            "or {bootstrap} bootstrap resamples, as the study declares); common-method variance by Harman's single "
            "factor and a common latent factor (Podsakoff et al. 2003).", language,
            bootstrap=p.get("survey_bootstrap"))]
        text += _survey_design(manifest, values, p, understand, language)
        text += _survey_methods(understand, language)
        if understand.real_survey_n is not None:  # the real survey's model, by PLS-SEM
            text.append(say("The real survey's model is estimated by PLS-SEM with {pls} bootstrap resamples (Hair et "
                            "al. 2022).", language, pls=p.get("survey_pls_bootstrap")))
        add("understand", " ".join(text))
    p = ran("segment", "k")
    if p is not None:
        add("segment", " ".join(_segmentation(results.segment, p, language)))
    p = ran("segment", "churn_auc")
    if p is not None:
        chosen = results.identify.value_model  # the holdout's choice: its P(alive) scores churn; none: the recency rule
        score = (say("by the probability of being alive of {model}, the purchase model chosen on the holdout", language,
                     model=chosen) if chosen else
                 say("by the days since the last purchase, since no purchase model was chosen on the holdout",
                     language))
        add("churn", say(
            "Churn. A customer counts as churned when the holdout period shows no purchase ({end} to {holdout}). The "
            "customers are split at random into a training part and a test part (each customer in the test part with "
            "probability {test:.0%}); churn is predicted from calibration-period features by logistic regression "
            "fitted on the training part and {score}, and the predictions are compared by the area under the ROC "
            "curve on the test part (Hosmer, Lemeshow & Sturdivant 2013).", language,
            end=holdout_start(p.get("clv_calibration_end")), holdout=p.get("clv_holdout_end"), score=score,
            test=_test_share()))
    p = ran("evaluate", "top_share")
    if p is not None:
        ev = results.evaluate
        names = _rankings(ev.captures, language)  # the rules the run scored (none: the log has no amounts)
        rankings = bool(names)
        power = ev.n_per_arm is not None
        text = []
        if rankings:
            text.append(say("Evaluation. Each ranking ({rankings}) is judged by the share of the holdout period's "
                            "revenue its top {top:.0%} of customers bring, with bootstrap intervals of its difference "
                            "from past revenue.", language, rankings=listing(names, language),
                            top=float(ev.top_share)))
            if ev.profit_capture is not None:  # a study ranking by gross profit: its rules judged on it too
                text.append(say("As the study ranks its key accounts by gross profit, each ranking is also judged by "
                                "the share of the holdout period's gross profit its top {top:.0%} bring, with the "
                                "bootstrap interval of its difference from past revenue.", language,
                                top=float(ev.top_share)))
        if power:
            lead = "" if rankings else ("Evaluation. ", "评估。")[language == "zh"]
            if (p.get("strategy_experiment_source") or "simulated") == "simulated":
                text.append(lead + say(
                    "The number of customers a controlled experiment needs to detect a relative lift of {lift:.0%} "
                    "(strategy.relative_lift) at a baseline conversion of {p0:.1%} (strategy.baseline_conversion) "
                    "follows a power analysis as in Cohen (1988) and Kohavi et al. (2009).", language,
                    lift=float(p.get("strategy_relative_lift") or 0),
                    p0=float(p.get("strategy_baseline_conversion") or 0)))
            else:
                text.append(lead + say(
                    "The number of customers a controlled experiment needs to detect a relative lift of {lift:.0%} "
                    "(strategy.relative_lift) at the campaign's observed conversion of its control arm follows a power "
                    "analysis as in Cohen (1988) and Kohavi et al. (2009).", language,
                    lift=float(p.get("strategy_relative_lift") or 0)))
        if text:
            add("evaluate", " ".join(text))
    p = ran("act", "baskets")
    if p is not None:
        text = [say(
            "Personalisation. Association rules are mined from the baskets with support of at least {support} and "
            "confidence of at least {confidence}, each tested against independence at {alpha}.", language,
            support=p.get("personalisation_min_support"), confidence=p.get("personalisation_min_confidence"),
            alpha=p.get("personalisation_alpha"))]
        # the recommenders were compared (enough repeat buyers): the lift over popularity is recorded (its verdict
        # only when the study declares a claim to test it against, strategy.basis.relative_lift)
        if results.act.personalised_lift is not None:
            text.append(say(
                "Recommenders ({methods}) are trained on the purchases before a cutoff date and judged by how often "
                "their top {k} contain a product the customer bought after it, against the most popular products "
                "(Linden, Smith & York 2003), with {bootstrap} bootstrap resamples.", language,
                methods=listing([_method(m, language) for m in p.get("personalisation_methods") or []], language),
                k=p.get("personalisation_k"), bootstrap=p.get("personalisation_bootstrap")))
        add("act", " ".join(text))
    said = assumptions(manifest, defaults, language, results=results)
    if said is not None:
        add("assumptions", said)
    versions = _versions(manifest)
    if versions:
        add("software", say("Software. Python {python} with {packages}; every table and figure records the notebook "
                            "cell, parameters and versions that made it (Appendix B).", language,
                            python=versions.pop("python", ""),
                            packages=listing([f"{k} {v}" for k, v in sorted(versions.items())], language)))
    return out


def _identification(ident, p: dict, language: str, *, compared: bool) -> list[str]:
    """The identification's sentences: the key-account rule and measure the run applied (and its candidates), the
    concentration when it was measured, the purchase models when they were fitted, the evidence check when it ran
    and the holdout's choice, with the reason that applied, when the holdout comparison ran."""
    from .. import verdicts
    from ..tiers import measure_of, without_model

    chosen = ident.value_model  # the holdout's choice ("" none; None: the holdout comparison did not run)
    rank_by = ident.rank_by or p.get("tiers_rank_by") or "revenue"
    rank_by = without_model(rank_by) if rank_by == "clv" and not chosen else rank_by  # Tiers falls back
    measure = ident.measure or measure_of(rank_by)  # recorded by the run: purchase days on a log without amounts
    spec = p.get("tiers_candidates")
    if spec and ident.candidates is not None:
        text = [say("Identification. Key accounts are the top {share:.0%} of the {n:,} candidates ({candidates}) "
                    "ranked by {measure}.", language, share=float(p["tiers_key_share"]), n=int(ident.candidates),
                    candidates=_candidates(spec, language), measure=_measure(measure, language))]
    elif spec:
        text = [say("Identification. Key accounts are the top {share:.0%} of the candidates ({candidates}) ranked by "
                    "{measure}.", language, share=float(p["tiers_key_share"]), candidates=_candidates(spec, language),
                    measure=_measure(measure, language))]
    else:
        text = [say("Identification. Key accounts are the top {share:.0%} of customers ranked by {measure}.",
                    language, share=float(p["tiers_key_share"]), measure=_measure(measure, language))]
    if measure == "purchase days":
        text.append(say("The log has no amounts, so the revenue rule ranks customers by their purchase days.",
                        language))
    if ident.top_revenue_share is not None or ident.gini is not None:  # concentration was measured (amounts)
        text.append(say("Concentration is the revenue share of the top 20% of customers and the Gini coefficient.",
                        language))
    fitted = chosen is not None or ident.degenerate_models is not None or ident.dropout_evidence is not None
    if not (p.get("clv_models") and fitted):
        return text
    text.append(say(
        "The purchase process is modelled with {models}, fitted by maximum likelihood to each customer's frequency, "
        "recency and age in the calibration period (up to {end}, unit {unit}) (Schmittlein, Morrison & Colombo 1987; "
        "Fader, Hardie & Lee 2005).", language, models=listing(_labels(p["clv_models"]), language),
        end=p.get("clv_calibration_end"), unit=_unit(p.get("clv_unit"), language)))
    text.append(say("Their scale parameters ({scales}) are in {unit}, the time unit in which purchase rates are "
                    "counted; r, a, b, s and k have no unit.", language, unit=_unit(p.get("clv_unit"), language),
                    scales=say("alpha and the Pareto/NBD's beta", language) if "paretonbd" in p["clv_models"] else
                    "alpha"))
    spend = ident.spend_shape is not None  # the spend model ran (the log has amounts and repeat buyers)
    if spend:
        text.append(say("Spend per purchase is modelled by the Gamma-Gamma model, fitted by maximum likelihood to the "
                        "repeat buyers' number of purchases and mean spend per purchase in the calibration period "
                        "(Fader & Hardie 2013).", language))
    rule = verdicts.RULES["dropout_recovery"]
    truth, borrowed = _evidence_truth(ident, p, language)
    numbers = dict(truth=truth, share=float(ident.dropout_recovered or 0), op=rule.op, cut=rule.threshold)
    if ident.dropout_evidence is True:
        text.append(say("Whether the log can identify dropout is checked on logs simulated from {truth}: it can "
                        "({share:.0%} of the refits recover the dropout probability; rule {op} {cut:.0%}).", language,
                        **numbers))
        if borrowed:  # what the check shows when the dropout simulated is the reference's, not the log's own
            text.append(say("It shows that a log of this size could identify dropout like the CDNOW customers', not "
                            "that this log's own dropout is identified.", language))
    elif ident.dropout_evidence is False and ident.dropout_verdict == "inconclusive":  # the interval spans the rule
        text.append(say("Whether the log can identify dropout is checked on logs simulated from {truth}: "
                        "{share:.0%} of the refits recover the dropout probability, and the exact 95% interval of "
                        "that share includes the rule's {cut:.0%} (rule {op} {cut:.0%}), so the check is inconclusive "
                        "and no model is called identified.", language, **numbers))
    elif ident.dropout_evidence is False:
        text.append(say("Whether the log can identify dropout is checked on logs simulated from {truth}: only "
                        "{share:.0%} of the refits recover the dropout probability (rule {op} {cut:.0%}), so no "
                        "model is called identified.", language, **numbers))
    if chosen is None or not compared:  # the holdout comparison did not run: nothing to say about a choice
        return text
    # kamlib.clv.holdout.select: the models, the machine-learning benchmark and the naive rules; whether the trees ran
    # is the count of customers they forecast (0: the calibration period could not train them; None: not recorded)
    if ident.ml_customers:
        template = ("On the holdout period, each purchase model's forecast of each customer's revenue (its expected "
                    "purchases times {spend}) is set beside gradient-boosted trees with a Poisson loss (Friedman 2001), "
                    "trained to predict the revenue of the calibration period's last holdout-length from each customer's "
                    "purchases before it, and beside two rules without a model, past revenue and recency; each forecast "
                    "is judged by its customer-level error, its rank correlation and the share of holdout revenue its "
                    "top {share:.0%} of customers capture, with bootstrap intervals.")
    elif ident.ml_customers == 0:
        template = ("On the holdout period, each purchase model's forecast of each customer's revenue (its expected "
                    "purchases times {spend}) is set beside two rules without a model, past revenue and recency; the "
                    "gradient-boosted trees are left out, with a note, because the calibration period is too short to "
                    "train them; each forecast is judged by its customer-level error, its rank correlation and the share "
                    "of holdout revenue its top {share:.0%} of customers capture, with bootstrap intervals.")
    else:  # a run that did not record the trees' customers
        template = ("On the holdout period, each purchase model's forecast of each customer's revenue (its expected "
                    "purchases times {spend}) is set beside gradient-boosted trees with a Poisson loss, trained to "
                    "predict the revenue of the calibration period's last holdout-length from each customer's purchases "
                    "before it (left out, with a note, when the calibration period is too short to train them), and "
                    "beside two rules without a model, past revenue and recency; each forecast is judged by its "
                    "customer-level error, its rank correlation and the share of holdout revenue its top {share:.0%} of "
                    "customers capture, with bootstrap intervals.")
    text.append(say(template, language,
                    spend=say("the Gamma-Gamma expected spend per purchase", language) if spend else
                    say("the customer's mean revenue per purchase day in the calibration period", language),
                    share=float(p["tiers_key_share"])))
    if ident.dropout_evidence is False and ident.dropout_verdict == "inconclusive":
        text.append(say("The models are compared by their predictions for the holdout period ({end} to {holdout}), "
                        "but none is chosen, whatever those predictions, because the evidence check does not show "
                        "that the log identifies dropout (inconclusive); no lifetime value is used.", language,
                        end=holdout_start(p.get("clv_calibration_end")), holdout=p.get("clv_holdout_end")))
        return text
    if ident.dropout_evidence is False:  # the reason that applied: the evidence check, whatever the holdout showed
        text.append(say("The models are compared by their predictions for the holdout period ({end} to {holdout}), "
                        "but none is chosen, whatever those predictions, because the log cannot identify dropout; no "
                        "lifetime value is used.", language, end=holdout_start(p.get("clv_calibration_end")),
                        holdout=p.get("clv_holdout_end")))
        return text
    text.append(say("The models are compared by their predictions for the holdout period ({end} to {holdout}).",
                    language, end=holdout_start(p.get("clv_calibration_end")), holdout=p.get("clv_holdout_end")))
    if chosen:
        text.append(say(
            "The holdout chose {chosen}; lifetime value is projected over {horizon} months, discounted at "
            "{rate:.0%} a year, with {bootstrap} bootstrap refits for its intervals{spend}.", language,
            chosen=chosen, horizon=p.get("clv_horizon_months"), rate=float(p.get("clv_discount_rate") or 0),
            bootstrap=p.get("clv_bootstrap"),
            spend=say(", spending by the Gamma-Gamma model", language) if spend else ""))
        text.append(say("Lifetime value and P(alive) at the log's end come from {models} fitted again to the whole log "
                        "({window}), not from the calibration-period fit whose estimates the key numbers and the "
                        "parameter table give.", language,
                        models=listing([chosen, "Gamma-Gamma"] if spend else [chosen], language),
                        window=say("from {start} to {end}", language, start=p["clv_calibration_start"],
                                   end=p.get("clv_holdout_end")) if p.get("clv_calibration_start") else
                        say("up to {end}", language, end=p.get("clv_holdout_end"))))
    elif ident.degenerate_models and set(ident.degenerate_models) >= set(_labels(p["clv_models"])):
        text.append(say("Every model's fit is degenerate (its dropout parameters at a bound), so none is chosen and "
                        "no lifetime value is used.", language))
    else:
        text.append(say("No model's top customers captured as much holdout revenue as the top customers by past "
                        "revenue, so none is chosen and no lifetime value is used.", language))
    return text


def _evidence_truth(ident, p: dict, language: str) -> tuple[str, bool]:
    """What the evidence check (:func:`kamlib.clv.evidence.evidence`) simulated from, in words, and whether its dropout
    is the reference's: the log's own BG/NBD fit, or its fitted purchase rates with the CDNOW customers' dropout
    (:data:`kamlib.clv.evidence.CDNOW_DROPOUT`) when that fit finds no dropout (the BG/NBD among the run's
    :attr:`~kamlib.stage_results.Identify.dropout_unidentified` models); both, as a rule, when the run did not record
    its BG/NBD fit (the check fitted one itself)."""
    from .. import clv
    from ..clv.evidence import CDNOW_DROPOUT

    bgnbd = clv.get("bgnbd").label
    recorded = ident.dropout_unidentified is not None and "bgnbd" in (p.get("clv_models") or [])
    if recorded and bgnbd in ident.dropout_unidentified:
        return say("the log's fitted purchase rates with the dropout of the CDNOW customers (a = {a}, b = {b}; Fader, "
                   "Hardie & Lee 2005), since the log's own BG/NBD finds no dropout", language,
                   **CDNOW_DROPOUT), True
    if recorded:
        return say("the log's own BG/NBD fit", language), False
    return say("the log's BG/NBD fit (with the dropout of the CDNOW customers, a = {a}, b = {b}, when that fit finds "
               "no dropout; Fader, Hardie & Lee 2005)", language, **CDNOW_DROPOUT), False


def _margins(ident, p: dict, language: str) -> list[str]:
    """The margin model's sentences (:func:`kamlib.clv.profit.fit`, whenever it ran: the log has profit or cost) on the
    basis the run used, and lifetime value in profit (:func:`kamlib.clv.profit.value`) only when a purchase model
    valued the customers; the expected spend is the Gamma-Gamma model's then, else the customer's own."""
    window = (say("from {start} to {end}", language, start=p["clv_calibration_start"], end=p.get("clv_holdout_end"))
              if p.get("clv_calibration_start") else say("up to {end}", language, end=p.get("clv_holdout_end")))
    profit = ident.profit_clv_total is not None  # a purchase model valued the customers: CLV in profit was stated
    spend = profit and ident.spend_shape is not None  # its expected spend is then the Gamma-Gamma model's
    if ident.margin_basis == "rate":  # profit as a share of each purchase day's amount (kamlib.clv.profit)
        text = [say(
            "Margins. Each purchase day's gross profit as a share of its amount is modelled as normal around the "
            "customer's own rate, and the rates as normal across customers, fitted by restricted maximum likelihood on "
            "the purchase days {window}; a customer's expected rate is the posterior mean, shrunk towards the base's "
            "the fewer purchase days the customer has (Morris 1983), negative rates kept; the expected gross profit per "
            "purchase is that rate times {spend}.", language, window=window,
            spend=say("the Gamma-Gamma expected spend per purchase", language) if spend else
            say("the customer's own mean amount per purchase day", language))]
    else:
        text = [say(
            "Margins. Each customer's gross profit per purchase day is modelled as normal around the customer's own "
            "mean, and the means as normal across customers, fitted by restricted maximum likelihood on the purchase "
            "days {window}; a customer's expected gross profit per purchase is the posterior mean, shrunk towards the "
            "base's mean the fewer purchase days the customer has (Morris 1983), negative margins kept.", language,
            window=window)]
    if not profit:
        text.append(say("No lifetime value in profit is stated, since no purchase model values the customers.",
                        language))
    elif spend and ident.margin_basis == "rate":
        text.append(say("Lifetime value in profit is the chosen purchase model's discounted expected purchases times "
                        "that margin; the margin's interval carries the uncertainty of both the rate and the spend (the "
                        "product of their posteriors; Fader & Hardie 2013).", language))
    else:
        text.append(say("Lifetime value in profit is the chosen purchase model's discounted expected purchases times "
                        "that margin.", language))
    return text


def _test_share() -> float:
    """The share of customers :func:`kamlib.churn.split` puts in the test part by default (the churn models' split)."""
    import inspect

    from ..churn import split

    return float(inspect.signature(split).parameters["test_share"].default)


#: The mapped columns a segmentation leaves out of its features (the study's ``transactions.columns``), in words.
_MAPPED = {"channel": ("channel", "渠道"), "category": ("category", "品类"), "country": ("country", "国家")}


def _segmentation(s, p: dict, language: str) -> list[str]:
    """The segmentation's sentences: the features, the mapped columns left out (only those the study maps), and the
    rule that chose k (:func:`kamlib.segments.choose_k`: the gap statistic's k when its stability reaches the
    cut-off, else the best silhouette among k >= 3), with this run's k of each criterion."""
    from .. import verdicts

    mapped = [w for w in _MAPPED if ((p.get("transactions_columns") or {}).get(w))]
    text = [say("Segmentation. Customers are described by recency, frequency, monetary value and the timing of "
                "their purchases and clustered by k-means on standardised values for k from {kmin} to {kmax}.",
                language, kmin=p.get("segments_k_min"), kmax=p.get("segments_k_max"))]
    if mapped:
        text.append(say("The columns the study maps ({columns}) are left out of the features and compared with "
                        "the segments afterwards.", language,
                        columns=listing([_MAPPED[w][language == "zh"] for w in mapped], language)))
    cut = verdicts.RULES["segment_stability"].threshold  # the cut-off choose_k reads when none is passed
    text.append(say(
        "The number of segments is the gap statistic's k (the smallest k whose gap is at least the next k's less its "
        "standard error, against {refs} uniform reference sets; Tibshirani, Walther & Hastie 2001) when it is below "
        "the largest k tried and its stability, the mean adjusted Rand index between the fits from {seeds} seeds "
        "(Hubert & Arabie 1985), is at least {cut:.2f}; otherwise the stable k with the highest mean silhouette "
        "(Rousseeuw 1987), among the k of at least 3 when one of them is stable, and when no k is stable the k of at "
        "least 3 with the highest mean silhouette.", language, refs=p.get("segments_gap_refs"),
        seeds=p.get("segments_stability_seeds"), cut=float(cut)))
    if s.k_gap is not None and s.k_silhouette is not None:
        numbers = dict(gap=int(s.k_gap), sil=int(s.k_silhouette), k=int(s.k))
        if s.k == s.k_gap:
            text.append(say("In this run the gap rule gives k = {gap} and the highest silhouette k = {sil}; the gap "
                            "rule's k = {k} is stable enough and is chosen.", language, **numbers))
        else:
            text.append(say("In this run the gap rule gives k = {gap} and the highest silhouette k = {sil}; the gap "
                            "rule's k is the largest tried or not stable enough, so k = {k}, the highest silhouette "
                            "among the stable k (among k of at least 3 when none is stable), is chosen.", language,
                            **numbers))
    text.append(say("Lifecycle stages follow the thresholds segments.new_days ({new} days), "
                    "segments.growing_purchases ({growing}) and segments.mature_purchases ({mature}) purchase days, "
                    "and the inactivity window.", language, new=p.get("segments_new_days"),
                    growing=p.get("segments_growing_purchases"), mature=p.get("segments_mature_purchases")))
    return text


def _declared(p: dict) -> list[dict]:
    """The study's hypotheses as the run's parameters record them (dicts)."""
    return [h for h in (p.get("survey_hypotheses") or []) if isinstance(h, dict)]


def _cleaning(manifest: dict, values: dict) -> dict | None:
    """The survey cleaning's counts and the rules that removed respondents, as the run recorded them with its
    limitation (:meth:`kamlib.survey.responses.Cleaned.limitation`: ``read``, ``kept``, ``removed``, ``rules``,
    ``complete``); None when the run recorded none (every respondent read was analysed and answered every item)."""
    for nb, entry in (manifest.get("notebooks") or {}).items():
        for lim in entry.get("limitations") or []:
            if lim.get("key") != "survey_cleaning":
                continue
            out = {}
            for name, spec in (lim.get("numbers") or {}).items():
                if "key" in spec:
                    out[name] = (values.get(nb) or {}).get(spec["key"])
                else:
                    out[name] = spec
            return out
    return None


def _survey_design(manifest: dict, values: dict, p: dict, u, language: str) -> list[str]:
    """What the survey run did with the answers and the hypotheses, each sentence only when it ran: the cleaning
    rules with their counts, the listwise deletion to the complete cases, how a bootstrap-tested indirect effect is
    estimated (the declared equations, ``B``), and the two tests of an interaction or multi-group hypothesis."""
    out = []
    cleaning = _cleaning(manifest, values)
    if cleaning is not None:
        rules = cleaning.get("rules") or {}
        rules = rules.get("text_zh" if language == "zh" else "text", "") if isinstance(rules, dict) else str(rules)
        if cleaning.get("removed"):
            out.append(say("Of the {read:,} respondents read, the cleaning rules removed {removed:,} ({rules}), "
                           "leaving {kept:,}.", language, read=int(cleaning["read"]),
                           removed=int(cleaning["removed"]), rules=rules, kept=int(cleaning["kept"])))
        if cleaning.get("complete") is not None and cleaning["complete"] < (cleaning.get("kept") or 0):
            out.append(say("The factor and structural models and the hypothesis tests on construct scores use the "
                           "{complete:,} complete cases, who answered every item (listwise deletion).", language,
                           complete=int(cleaning["complete"])))
    else:
        out.append(say("The cleaning rules removed no respondent and every respondent answered every item, so the "
                       "models use all of them.", language))
    declared = _declared(p)
    if any(h.get("defined") and h.get("test") == "bootstrap" for h in declared):
        out.append(say(
            "An indirect effect tested by the bootstrap is the product a*b of the model's declared equations of the "
            "mediator and the outcome, each estimated by OLS on construct scores (item means) of the complete "
            "cases, with a percentile interval from {B} bootstrap resamples of the respondents (Preacher & Hayes "
            "2008); a p-value at the bootstrap's floor, 2/(B + 1), is reported as a bound.", language,
            B=p.get("survey_bootstrap")))
    if any(h.get("defined") and h.get("test") != "bootstrap" for h in declared):
        out.append(say("An indirect effect tested by the delta method is the SEM's defined effect with its "
                       "delta-method standard error.", language))
    if any(h.get("interaction") for h in declared):
        out.append(say("An interaction hypothesis is tested by the product term of an OLS regression of the "
                       "outcome on its declared predictors, the moderator (an answer coded 0/1 or a construct) and "
                       "their product, on construct scores of the complete cases, with HC3 standard errors.",
                       language))
    if any(h.get("moderation") for h in declared) and u.invariance_level in ("metric", "scalar"):
        out.append(say("A multi-group hypothesis is tested by fitting the structural model in each of the two "
                       "groups, the loadings having been shown equal (metric invariance), and the difference of the "
                       "path by a z test of the two estimates.", language))
    return out


def _candidates(spec: dict, language: str) -> str:
    """The study's ``tiers.candidates`` in words ("channel: Corporate, Home Office"; in Chinese "渠道:...": the
    column's role by the glossary of headers, the values as the data write them)."""
    if language == "zh":
        parts = [f"{glossary_words(str(c), 'zh') or c}:{', '.join(map(str, v))}" for c, v in spec.items()]
    else:
        parts = [f"{c}: {', '.join(map(str, v))}" for c, v in spec.items()]
    return ("；" if language == "zh" else "; ").join(parts)


def _survey_methods(u, language: str) -> list[str]:
    """The survey's further methods, each when the value it records was recorded, with its source."""
    out = []
    if u.estimator == "WLSMV":
        out.append(say("The answers are ordinal, so the factor models are estimated by diagonally weighted least "
                       "squares with robust standard errors and a mean- and variance-adjusted test statistic (WLSMV), "
                       "and differences between nested models by the scaled and shifted test (Satorra 2000), by "
                       "kamlib's own implementation of lavaan's WLSMV, whose estimates, robust standard errors, "
                       "thresholds, fit indices and difference tests the workbook's test suite checks against lavaan "
                       "0.6 (Rosseel 2012).", language))
    if u.kmo is not None or u.parallel_analysis_factors is not None:
        out.append(say("Before the confirmatory model, an exploratory factor analysis checks the items: sampling "
                       "adequacy by the Kaiser-Meyer-Olkin measure (Kaiser 1974) and the number of factors by "
                       "parallel analysis against random data (Horn 1965).", language))
    if u.items_analysed is not None:
        out.append(say("An item analysis gives each item's critical ratio between the 27% extreme groups (Kelley "
                       "1939), its corrected item-total correlation and alpha if the item is deleted.", language))
    if u.invariance_level is not None:
        out.append(say("Measurement invariance across the groups a hypothesis compares is tested by configural, "
                       "metric and scalar multi-group models, read by the chi-square difference and the change in "
                       "CFI (Cheung & Rensvold 2002; Chen 2007).", language))
    if u.driver_r2 is not None:
        out.append(say("The key drivers of the outcome are estimated by OLS with HC3 standard errors, and their "
                       "relative importance by the LMG decomposition of R² (Lindeman, Merenda & Gold 1980; Grömping "
                       "2006).", language))
    if u.ipa_drivers is not None:
        out.append(say("An importance-performance analysis sets each driver's total effect against its mean answer "
                       "(Martilla & James 1977).", language))
    if u.nps is not None:
        out.append(say("The Net Promoter Score is the share of promoters (9-10) minus the share of detractors (0-6) "
                       "on the recommendation question (Reichheld 2003).", language))
    if u.group_tests:
        out.append(say("The outcomes are compared across the groups of each profile question by one-way ANOVA (eta²) "
                       "and the Kruskal-Wallis test (epsilon²; Kruskal & Wallis 1952).", language))
    return out


def _combination(p: dict, language: str) -> str:
    """How the value index combines its AHP and entropy weights (:func:`kamlib.value_index.combine`, the study's
    ``value_index.combination``), one sentence led by a space; "" when it does not combine them."""
    if (p.get("value_index_weights") or "ahp") != "combined":
        return ""
    if (p.get("value_index_combination") or "product") == "product":
        return " " + say("The two weightings are combined multiplicatively: each criterion's AHP weight times its "
                         "entropy weight, renormalised to sum to one (not their average), which stresses a criterion "
                         "both weightings favour.", language)
    return " " + say("The two weightings are combined linearly: {share:.0%} of each criterion's AHP weight plus "
                     "{rest:.0%} of its entropy weight.", language, share=float(p.get("value_index_ahp_share", 0.5)),
                     rest=1 - float(p.get("value_index_ahp_share", 0.5)))


#: The value index's weighting (the study's ``value_index.weights``) in words, English and Chinese.
_WEIGHTS = {"ahp": ("AHP", "层次分析法"), "entropy": ("entropy", "熵权法"),
            "combined": ("combined AHP and entropy", "层次分析法与熵权法组合")}


def _criterion(name: str, language: str) -> str:
    """A criterion's name in words (the glossary of headers), lower case in English prose."""
    words = glossary_words(name, language) or name
    return words[:1].lower() + words[1:] if language == "en" and words[1:2].islower() else words


def _measure(rank_by: str, language: str) -> str:
    """The key-account rule's measure in words (:data:`kamlib.tiers.RANK_BY`), in ``language``."""
    from ..tiers import RANK_BY

    word = RANK_BY.get(rank_by, rank_by)
    return in_language(word, gettext(word, "value", language) or gettext(word, "phrase", language), language)


def _rankings(captures: dict | None, language: str) -> list[str]:
    """The selection rules a run scored (:attr:`kamlib.stage_results.Evaluate.captures`, keyed by each rule's first
    word) in words in ``language``, in the order :func:`kamlib.act.strategy.rule_scores` scores them."""
    from ..act.strategy import INDEX_RULE, PROFIT_RULE, RULES

    words = {RULES[0]: ("past revenue", "历史收入"), RULES[1]: ("purchase frequency", "购买频次"),
             RULES[2]: ("RFM score", "RFM 得分"), RULES[3]: ("lifetime value", "客户终身价值"),
             PROFIT_RULE: ("past gross profit", "历史毛利"),
             INDEX_RULE: ("the customer-value index (TOPSIS)", "客户价值指数(TOPSIS)"), RULES[4]: ("chance", "随机")}
    return [words[rule][language == "zh"] for rule in [*RULES[:4], PROFIT_RULE, INDEX_RULE, *RULES[4:]]
            if rule.split(" ")[0].lower() in (captures or {})]


def _method(name: str, language: str) -> str:
    from ..act.recommend import METHOD_LABELS

    en, zh = METHOD_LABELS.get(name, (name, name))
    return zh if language == "zh" else en


def _versions(manifest: dict) -> dict:
    """The package versions the run's artefacts record (the first artefact that records them, as the report's
    appendix reads them)."""
    return next((dict(a["versions"]) for a in manifest.get("artefacts", []) if a.get("versions")), {})
