"""The report's reasoning, rendered: each section's closing interpretation and the discussion that sets the literature
register's claims (``data/literature/claims.csv``) against this run, in the report's language.

The sentences are made in kamlib, beside the results they are about (:mod:`kamlib.stage_results`: functions of the
run's typed stage results, each with a guard that keeps it from contradicting its result); this module reads a run's
stage results from its report folder (:func:`stage_results`) and renders the sentences in English or Chinese. It
names no notebook and no recorded value: which notebook records what is :data:`kamlib.stage_results.RECORDED`.

Written by hand: rendering a catalogue message in the report's language is this workbook's convention.

References
----------
American Psychological Association (2020). *Publication Manual* (7th ed.), 3.8: the discussion evaluates the
results against the hypotheses and prior work, and names the limits of what they show.
"""
from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd

from .. import stage_results as _stage
from ..i18n import Message, in_language
from ..literature import LIT
from ..stage_results import CHECKS, NOT_TESTED, Claim, StageResults, load_claims
from .artefacts import RESULT_FORMAT, kamlib_code_hash

__all__ = ["CHECKS", "Claim", "EVIDENCE", "LITERATURE_CLAIMS", "NOT_TESTED", "NO_CLAIMS", "closing", "confront",
           "evidence_in_run",
           "literature_answer", "load_claims", "register", "run_file", "stage_results"]

#: The discussion's one sentence when the run read no claims register: the claims are the study's own
#: (``literature.claims``, read with its practice sources by the literature stage), never another study's.
NO_CLAIMS = Message("The study declares no claims of its own sources (literature.claims); the discussion sets the "
                    "findings of the peer-reviewed works in data/literature/literature_claims.csv against this run.")

#: The claims of the peer-reviewed works of the literature register (data/literature/register.csv) that any
#: transaction log can test: set against every run, beside the study's own register.
LITERATURE_CLAIMS = LIT / "literature_claims.csv"


def run_file(manifest: dict, key: str) -> str | None:
    """The study file a run's notebooks read under the parameter ``key`` (``literature_claims``,
    ``literature_sources``): the first notebook of the manifest whose parameters name one, as the runner passed it
    (relative to the project root, or absolute; the loaders resolve it with :func:`kamlib.config.project_path`);
    None when none does (the study declares none, or the notebook that reads it did not run).

    Parameters
    ----------
    manifest : dict
        The report folder's ``manifest.json``.
    key : str
        The notebook parameter (a study key with ``_`` for ``.``).

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.workbench.discussion import run_file
    >>> run_file({"notebooks": {"a": {"parameters": {"seed": 1}}, "b": {"parameters": {"literature_claims": "c.csv"}}}},
    ...          "literature_claims")
    'c.csv'
    >>> run_file({"notebooks": {"a": {"parameters": {"literature_sources": None}}}}, "literature_sources") is None
    True
    """
    for rec in manifest.get("notebooks", {}).values():
        path = rec.get("parameters", {}).get(key)
        if path:
            return str(path)
    return None


#: The kind of evidence each check of :data:`kamlib.stage_results.CHECKS` reads: a transaction log (``log``) or a
#: questionnaire survey (``survey``). A claim is set against a run only when the run has its kind of evidence
#: (:func:`evidence_in_run`): a survey-only study's discussion does not list transaction-log claims as "not tested".
EVIDENCE: dict[str, str] = {"concentration": "log", "pareto_share": "log", "clv_over_sort": "log", "sort_as_good": "log",
                            "churn_prediction": "log", "personalised_lift": "log", "experiment_size": "log",
                            "hypothesis": "survey"}


def evidence_in_run(manifest: dict) -> set[str]:
    """The kinds of evidence a run has (:data:`EVIDENCE`): ``log`` when one of its notebooks read a transaction log
    (ran with a ``transactions_`` parameter), ``survey`` when one ran with a ``survey_`` parameter.

    Parameters
    ----------
    manifest : dict
        The report folder's ``manifest.json``.

    Returns
    -------
    set of str

    Examples
    --------
    >>> from kamlib.workbench.discussion import evidence_in_run
    >>> evidence_in_run({"notebooks": {"s": {"parameters": {"survey_source": "simulated"}}}})
    {'survey'}
    >>> sorted(evidence_in_run({"notebooks": {"k": {"parameters": {"transactions_source": "x.csv"}},
    ...                                       "s": {"parameters": {"survey_n": 800}}}}))
    ['log', 'survey']
    """
    keys = {k for rec in manifest.get("notebooks", {}).values() for k in rec.get("parameters", {})}
    prefixes = {"log": "transactions_", "survey": "survey_"}
    return {kind for kind, prefix in prefixes.items() if any(k.startswith(prefix) for k in keys)}


def register(manifest: dict) -> pd.DataFrame:
    """The claims this run sets against its results: the study's own register (``literature.claims`` as the notebook
    that takes the literature section ran with it, :func:`run_file`; none when the study declares none or its
    literature stage did not run), then the peer-reviewed works' claims of :data:`LITERATURE_CLAIMS` that the study's
    register does not already hold (the same source and check); of both, only the claims whose kind of evidence the
    run has (:data:`EVIDENCE`, :func:`evidence_in_run`): a survey-only run sets no transaction-log claim against
    itself.

    Parameters
    ----------
    manifest : dict
        The report folder's ``manifest.json``.

    Returns
    -------
    DataFrame
        :func:`load_claims`'s columns.

    Examples
    --------
    >>> from kamlib.workbench.discussion import register
    >>> log = {"transactions_source": "x.csv"}
    >>> register({"notebooks": {"x": {"parameters": log}}})["id"].tolist()
    ['L1', 'L2', 'L3', 'L4']
    >>> register({"notebooks": {"x": {"parameters": {"literature_claims": "data/literature/claims.csv", **log}}}})[
    ...     "id"].iloc[0]
    'C1'
    >>> len(register({"notebooks": {"s": {"parameters": {"survey_source": "simulated"}}}}))  # survey only
    0
    """
    works = load_claims(LITERATURE_CLAIMS)
    path = run_file(manifest, "literature_claims")
    if path is not None:
        own = load_claims(path)
        held = set(zip(own["source"], own["check"]))
        works = pd.concat([own, works[[(s, c) not in held for s, c in zip(works["source"], works["check"])]]],
                          ignore_index=True)
    kinds = evidence_in_run(manifest)
    shown = [EVIDENCE.get(c.partition(":")[0]) in kinds for c in works["check"]]
    return works[shown].reset_index(drop=True)


def stage_results(values: dict, folder: str | Path | None = None) -> StageResults:
    """A run's stage results (:func:`kamlib.stage_results.recorded`) from its recorded values and the stage results
    published in ``folder/results/`` (:meth:`kamlib.workbench.artefacts.Artefacts.keep`).

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}`` as read from ``values/*.json``.
    folder : str or Path, optional
        The report folder; without it, no kept result is read (the values alone give the attributes they record).

    Returns
    -------
    StageResults

    Examples
    --------
    >>> from kamlib.workbench.discussion import stage_results
    >>> stage_results({"10_key_accounts": {"gini": 0.657}}).identify.gini
    0.657
    """
    kept = {}
    for name in sorted(set(_stage.KEPT.values())) if folder is not None else ():  # the results the reasoning reads
        path = Path(folder) / "results" / f"{name}.pickle"
        if path.exists():  # written by this run's notebooks (Artefacts.keep)
            try:
                payload = pickle.loads(path.read_bytes())
            except Exception:  # another kamlib's classes or a damaged file: the recorded values say the same
                continue
            if payload.get("format") == RESULT_FORMAT and payload.get("kamlib") == kamlib_code_hash():
                kept[name] = payload["result"]
    return _stage.recorded(values, kept)


def _text(m, language: str) -> str:
    return in_language(str(m), m.translate(language) if isinstance(m, Message) else None, language)


def closing(stage: str, results: StageResults, language: str = "en", *, strict: bool = False,
            survey_simulated: bool = False, claims: pd.DataFrame | None = None) -> list[str]:
    """A section's closing interpretation in ``language`` (:func:`kamlib.stage_results.closing`).

    Parameters
    ----------
    stage : str
        A stage of :data:`kamlib.workbench.notebooks.STAGES`.
    results : StageResults
        The run's stage results (:func:`stage_results`).
    language : {"en", "zh"}
    strict : bool
        Raise on a sentence whose input the run did not record, instead of leaving it out (tests).
    survey_simulated : bool
        Whether the questionnaire's answers are simulated.
    claims : DataFrame, optional
        The run's claims register (:func:`register`): a result is set against a claim only when it holds one.

    Returns
    -------
    list of str
        The sentences in ``language`` (English, marked as such, where the catalogue lacks one).

    Examples
    --------
    >>> from kamlib.workbench.discussion import closing
    >>> from kamlib.stage_results import Identify, StageResults
    >>> r = StageResults(identify=Identify(key_accounts=0, key_accounts_revenue_share=0.0, top_revenue_share=0.6,
    ...                                    gini=0.5))
    >>> closing("identify", r)[0][:80]
    'For key-account management this means that no customer qualifies as a key accoun'
    """
    made = _stage.closing(stage, results, strict=strict, survey_simulated=survey_simulated, claims=claims)
    return [_text(m, language) for m in made]


def confront(results: StageResults, claims: pd.DataFrame | None = None, *, strict: bool = False) -> list[Claim]:
    """Each claim of the register against this run (:func:`kamlib.stage_results.confront`); a claim renders itself in
    a language with :meth:`~kamlib.stage_results.Claim.row`.

    Parameters
    ----------
    results : StageResults
        The run's stage results (:func:`stage_results`).
    claims : DataFrame
        The run's claims register (:func:`register`, or :func:`load_claims` of the study's ``literature.claims``);
        required: kamlib holds no study's register.
    strict : bool
        Raise on a check whose input the run did not record, instead of "not tested in this run" (tests).

    Returns
    -------
    list of Claim

    Examples
    --------
    >>> from kamlib.workbench.discussion import confront, load_claims
    >>> from kamlib.stage_results import StageResults
    >>> claims = load_claims("data/literature/claims.csv")  # the default study's register
    >>> confront(StageResults(), claims)[0].row("zh")["verdict"] != confront(StageResults(), claims)[0].verdict
    True
    """
    return _stage.confront(results, claims, strict=strict)


def literature_answer(results: StageResults, claims: pd.DataFrame | None, language: str = "en") -> list[str]:
    """The discussion's answer to the literature section's question (what the sources claim, and which claims the
    data can test), in ``language``, from what the literature stage recorded and the claims register set against
    this run (:func:`confront`): the sources and the themes they were coded into (with the two codings' mean kappa
    when it was measured), the themes the sources stress that no analysis tests, and how many of the register's
    claims this run's data test, show on other data only, cannot compare with what it measures, or do not test, each
    named by its id. Empty when the
    literature stage coded no source.

    Parameters
    ----------
    results : StageResults
        The run's stage results (:func:`stage_results`).
    claims : DataFrame or None
        The run's claims register (:func:`register`); None: the claims are not counted.
    language : {"en", "zh"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> from kamlib.stage_results import Literature, StageResults
    >>> from kamlib.workbench.discussion import LITERATURE_CLAIMS, literature_answer, load_claims
    >>> r = StageResults(literature=Literature(n_sources=4, n_themes=30, n_gaps=4))
    >>> literature_answer(r, None)[0]
    'The 4 sources were coded into 30 themes.'
    >>> literature_answer(r, None)[1][:62]
    'Themes that at least two sources stress but no analysis of the'

    >>> literature_answer(r, load_claims(LITERATURE_CLAIMS))[-1]
    "The register's 4 claims: not tested in this run, 4 (L1, L2, L3, L4)."
    >>> literature_answer(StageResults(), None)
    []
    """
    from ..stage_results import NOT_COMPARABLE, OTHER_DATA
    from .methods import say

    lit = results.literature
    if not lit.n_sources or not lit.n_themes:  # no source or no theme coded: nothing answers the question
        return []
    numbers = dict(n=int(lit.n_sources), themes=int(lit.n_themes))
    out = [say("The {n} sources were coded into {themes} themes, with a mean kappa of {kappa:.2f} between the manual "
               "and the automatic coding.", language, kappa=float(lit.mean_kappa), **numbers)
           if lit.mean_kappa is not None else say("The {n} sources were coded into {themes} themes.", language,
                                                  **numbers)]
    if lit.n_gaps is not None:
        out.append(say("Themes that at least two sources stress but no analysis of the workbook tests: {gaps} (the "
                       "gaps table).", language, gaps=int(lit.n_gaps)) if lit.n_gaps else
                   say("Every theme that at least two sources stress is tested by an analysis of the workbook.",
                       language))
    if claims is None or not len(claims):
        return out
    groups = {"tested": [], "other": [], "measure": [], "untested": []}
    kind = {NOT_TESTED: "untested", OTHER_DATA: "other", NOT_COMPARABLE: "measure"}
    for c in confront(results, claims):
        groups[kind.get(c.verdict, "tested")].append(c.id)
    sep = "、" if language == "zh" else ", "
    parts = [say(template, language, n=len(ids), ids=sep.join(ids)) for template, ids in (
        ("tested on this run's data, {n} ({ids})", groups["tested"]),
        ("shown on other data only, {n} ({ids})", groups["other"]),
        ("not comparable with what this run measures, {n} ({ids})", groups["measure"]),
        ("not tested in this run, {n} ({ids})", groups["untested"])) if ids]
    out.append(say("The register's {claims} claims: {parts}.", language, claims=len(claims),
                   parts=("；" if language == "zh" else "; ").join(parts)))
    return out
