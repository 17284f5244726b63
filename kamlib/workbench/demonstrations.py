"""Method demonstrations on other data than the case's: whether a study shows them, and what its report says.

Some analyses of the workbook show a method on data other than the case company's: a telecom churn data set
(35_churn), textbook difference-in-differences examples and simulated campaigns and programmes (40_strategy), a
public review corpus when the study has no reviews of its own (25_reviews), a published satisfaction survey and
simulated survey answers (20_survey). A study's key ``report.demonstrations`` (:class:`kamlib.workbench.study.Report`)
says whether they run:

- ``appendix``: they run, and the report places every artefact, key number and finding made from other or
  simulated data in an appendix named as method demonstrations; the body says in one sentence what the case's own
  data cannot test and where it is shown instead (:func:`untestable`).
- ``off``: the notebooks skip them (a faster run) and the report says so in one sentence (:data:`OFF`).
- ``auto`` (the default): resolved here, once, by :func:`mode`: ``appendix`` when the study's transaction log is
  one the workbook ships (the default study's Online Retail file, the CDNOW logs), ``off`` when the study maps its
  own transactions (every ``kam new-case`` study). The study resolves it when it is read, so a notebook and the
  manifest always see ``off`` or ``appendix``.

A notebook asks :meth:`kamlib.workbench.artefacts.Artefacts.demonstration` before computing one.
"""

from __future__ import annotations

from ..i18n import Message

__all__ = ["KINDS", "MODES", "OFF", "SHIPPED", "is_off", "mode", "of_manifest", "untestable"]

#: The values of ``report.demonstrations``.
MODES = ("auto", "off", "appendix")

#: The transaction logs the workbook ships: with ``auto``, a study on one of them shows the demonstrations.
SHIPPED = ("data/raw/online_retail.parquet", "cdnow", "cdnow_sample")

#: The demonstrations a notebook may run, by the name it gives :meth:`~kamlib.workbench.artefacts.Artefacts.demonstration`,
#: and how the report names each.
KINDS = {
    "telecom": Message("a telecom churn data set", "phrase"),
    "textbook": Message("textbook difference-in-differences examples", "phrase"),
    "campaign": Message("a simulated campaign", "phrase"),
    "peeking": Message("simulated A/A tests", "phrase"),
    "programme": Message("a simulated account-manager programme", "phrase"),
    "reviews": Message("a public review corpus", "phrase"),
    "survey": Message("a published survey", "phrase"),
    "answers": Message("simulated survey answers", "phrase"),
}

#: The one sentence of a report whose demonstrations are off (also the reason a notebook that is nothing but a
#: demonstration gives when it stops).
OFF = Message("Method demonstrations on other data (a telecom churn data set, textbook difference-in-differences "
              "examples, a public review corpus, a published survey, simulated campaigns and survey answers) are "
              "off for this study, which analyses its own data; set report.demonstrations: appendix in the study "
              "file to show them in an appendix.")


def mode(setting: str | None, source: str | None) -> str:
    """Whether a study shows the method demonstrations: ``"appendix"`` or ``"off"``.

    Parameters
    ----------
    setting : {"auto", "off", "appendix"} or None
        The study's ``report.demonstrations`` (None: ``auto``).
    source : str or None
        The study's ``transactions.source``.

    Returns
    -------
    str
        ``setting`` when it is ``off`` or ``appendix``; for ``auto``, ``appendix`` when ``source`` is one of the
        logs the workbook ships (:data:`SHIPPED`), else ``off``.

    Examples
    --------
    >>> from kamlib.workbench.demonstrations import mode
    >>> mode("auto", "data/raw/online_retail.parquet"), mode("auto", "data/acme/orders.csv")
    ('appendix', 'off')
    >>> mode("appendix", "data/acme/orders.csv"), mode("off", "cdnow_sample")
    ('appendix', 'off')
    """
    if setting in ("off", "appendix"):
        return setting
    if setting not in (None, "auto"):
        raise ValueError(f"report.demonstrations is {setting!r}; use one of {', '.join(MODES)}")
    shipped = str(source or "").replace("\\", "/").lstrip("./")
    return "appendix" if shipped in SHIPPED else "off"


def is_off(reason: str | None) -> bool:
    """Whether a notebook's reason for not running is :data:`OFF` (the report then says it once, not per notebook).

    Examples
    --------
    >>> from kamlib.workbench.demonstrations import OFF, is_off
    >>> is_off(str(OFF) + "\\n[zh] ..."), is_off("No products.")
    (True, False)
    """
    return str(reason or "").startswith(str(OFF))


def of_manifest(manifest: dict) -> str | None:
    """The demonstrations mode a run had: the ``report_demonstrations`` parameter its notebooks ran with (the study
    resolves ``auto``, :func:`mode`), or ``off`` when a notebook stopped for that reason; None when no notebook of
    the run takes the key.

    Examples
    --------
    >>> from kamlib.workbench.demonstrations import of_manifest
    >>> of_manifest({"notebooks": {"35_churn": {"parameters": {"report_demonstrations": "appendix"}}}})
    'appendix'
    >>> of_manifest({"notebooks": {}}) is None
    True
    """
    for rec in manifest.get("notebooks", {}).values():
        params = rec.get("parameters", {})
        if "report_demonstrations" in params:
            return mode(params["report_demonstrations"], params.get("transactions_source"))
    if any(is_off(r.get("reason")) for r in manifest.get("not_run", {}).values()):
        return "off"
    return None


def untestable(hypotheses: list[str], claims: list[str], shown: list[str], where: str) -> Message | None:
    """The body's one sentence on what the case's own data cannot test and where it is shown on other data.

    Parameters
    ----------
    hypotheses : list of str
        The research model's hypotheses tested only on simulated answers (their ids).
    claims : list of str
        The claims of the literature's register that this run tests only on other data (their ids).
    shown : list of str
        The demonstrations that ran (keys of :data:`KINDS`).
    where : str
        The appendix's heading.

    Returns
    -------
    Message or None
        None when there is nothing to say (no demonstration ran).

    Examples
    --------
    >>> from kamlib.workbench.demonstrations import untestable
    >>> print(untestable(["H1", "H2"], ["C4"], ["telecom", "answers"], "Appendix C"))
    The case's own data cannot test hypotheses H1, H2 (their answers are simulated) or claim C4; they are shown on other data (a telecom churn data set; simulated survey answers) in Appendix C.
    """
    from ..i18n import join

    if not shown:
        return None
    words = {"hypotheses": ", ".join(hypotheses), "claims": ", ".join(claims),
             "shown": join([KINDS.get(k, k) for k in dict.fromkeys(shown)]), "where": where}
    if hypotheses and claims:
        return Message("The case's own data cannot test hypotheses {hypotheses} (their answers are simulated) or "
                       "claim {claims}; they are shown on other data ({shown}) in {where}." if len(claims) == 1 else
                       "The case's own data cannot test hypotheses {hypotheses} (their answers are simulated) or "
                       "claims {claims}; they are shown on other data ({shown}) in {where}.", **words)
    if hypotheses:
        return Message("The case's own data cannot test hypotheses {hypotheses} (their answers are simulated); they "
                       "are shown on other data ({shown}) in {where}.", **words)
    if claims:
        return Message("The case's own data cannot test claim {claims}; it is shown on other data ({shown}) in "
                       "{where}." if len(claims) == 1 else
                       "The case's own data cannot test claims {claims}; they are shown on other data ({shown}) in "
                       "{where}.", **words)
    return Message("Methods the case's own data cannot show are shown on other data ({shown}) in {where}.", **words)
