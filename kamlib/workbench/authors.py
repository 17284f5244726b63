"""An author's own words in the report: Markdown per section with placeholders for the run's results.

A study names one Markdown file per report section (``texts:`` in the study file; one file for both languages or
one per language). Each ``{{ stage.attribute }}`` (optionally ``{{ stage.attribute | kind }}`` with a kind of
:data:`kamlib.workbench.artefacts.KINDS`) names an attribute of the run's typed stage results
(:mod:`kamlib.stage_results`: ``{{ identify.gini }}``, ``{{ evaluate.capture_clv | share }}``) and is replaced at
build time by its value, formatted for the edition's language, as inline code in Quarto or knitr; so an author
writes the discussion once and the numbers follow every rerun. A placeholder whose attribute this run did not
compute, or that names no attribute, stops the build with one sentence naming the file, the placeholder and the
fix; an old placeholder that named a notebook's value key is told its attribute's name. ``{{ section.<stage> }}``
(``{{ section.evaluate }}``) is the number of the report section of that stage, as the report numbers its sections
(the one owner of the numbering), so a cross-reference follows the report's outline instead of a typed number.

Written by hand: the placeholders are the workbook's stage attributes, which no template library knows; Jinja2 would
fill ``{{ }}`` but not say which result is missing. Markdown is rendered by mistune (HTML) and given as plain
paragraphs to the Word and PDF editions.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ..errors import KamError

__all__ = ["PLACEHOLDER", "SECTIONS", "fill", "html", "load", "paragraphs"]

#: ``{{ identify.gini }}`` or ``{{ evaluate.capture_clv | share }}``
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}")

#: The report sections an author's text can go in: the framework stages and the discussion before the
#: recommendations.
SECTIONS = ("background", "literature", "identify", "understand", "segment", "act", "evaluate", "other", "discussion")


def fill(text: str, results, *, language: str = "en", currency: str | None = None,
         where: str = "the author's text", sections: dict | None = None) -> str:
    """``text`` with every placeholder replaced by its stage attribute's value, formatted for ``language``.

    Parameters
    ----------
    text : str
        Markdown with ``{{ stage.attribute }}`` or ``{{ stage.attribute | kind }}`` placeholders.
    results : kamlib.stage_results.StageResults
        The run's typed stage results (:func:`kamlib.workbench.discussion.stage_results`).
    language : {"en", "zh"}
        Number format of the edition.
    currency : str, optional
        Shown with ``money`` values.
    where : str
        The file, named in errors.
    sections : dict, optional
        Stage -> the number of its section in this report (:func:`kamlib.workbench.report.outline`'s numbering), for
        the ``{{ section.<stage> }}`` placeholders.

    Returns
    -------
    str

    Raises
    ------
    KamError
        A placeholder names no stage attribute, an attribute this run did not compute, or an unknown kind.

    Examples
    --------
    >>> from kamlib.stage_results import recorded
    >>> from kamlib.workbench.authors import fill
    >>> results = recorded({"10_key_accounts": {"gini": 0.7087, "top20_revenue_share": 0.739}})
    >>> fill("Gini {{ identify.gini }}, {{ identify.top_revenue_share | share }} of revenue", results)
    'Gini 0.709, 73.9% of revenue'
    >>> fill("compared on the holdout (section {{ section.identify }})", results, sections={"identify": 4})
    'compared on the holdout (section 4)'
    """
    from .. import stage_results as sr
    from .artefacts import KINDS
    from .findings import shown as show

    def one(m: re.Match) -> str:
        stage, attribute, kind = m.group(1), m.group(2), m.group(3)
        shown = m.group(0)
        if stage == "section":  # a cross-reference: the section's number as the report numbers it
            if attribute not in (sections or {}):
                raise KamError(f"{where}: the placeholder {shown} names the section of {attribute!r}, which this "
                               f"report does not have (its sections: {', '.join(sections or {}) or 'none'}); name one of "
                               "them, or run the notebooks of that stage.")
            return str(sections[attribute])
        cls = sr.STAGES.get(stage)
        if cls is None or attribute not in {f.name for f in dataclasses.fields(cls)}:
            old = next((f"{{{{ {s}.{a} }}}}" for (s, a), (nb, key) in sr.RECORDED.items()
                        if nb == stage and key == attribute), None)
            raise KamError(f"{where}: the placeholder {shown} names no stage result; "
                           + (f"write {old} (placeholders name the run's stage attributes now)." if old else
                              f"use stage.attribute with a stage of {', '.join(sr.STAGES)} and an attribute its "
                              "class documents (kamlib.stage_results)."))
        value = getattr(getattr(results, stage), attribute)
        if value is None:
            raise KamError(f"{where}: the placeholder {shown} has no value in this run ({stage}.{attribute} was not "
                           "computed: its notebook did not run or its data cannot support it); remove it or rerun "
                           "with data that supports it.")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise KamError(f"{where}: the placeholder {shown} is not one number or word ({type(value).__name__}); "
                           "quote a number of it instead (each stage class documents its attributes).")
        if kind is None:  # a share is a share, a count a count: by the attribute's name and value
            kind = ("text" if isinstance(value, str) else "count" if isinstance(value, int) else
                    "share" if attribute.endswith(("share", "_lift")) or attribute.startswith("capture") else "estimate")
        if kind not in KINDS:
            raise KamError(f"{where}: the placeholder {shown} asks for kind {kind!r}; use one of {', '.join(KINDS)}.")
        return show(value, kind, language, currency)  # as the report's own sentences show it

    return PLACEHOLDER.sub(one, text)


def html(text: str) -> str:
    """The Markdown as HTML (mistune; raw HTML in it is escaped)."""
    import mistune

    return mistune.create_markdown(escape=True)(text)


def paragraphs(text: str) -> list[str]:
    """The Markdown as plain paragraphs, for the Word and PDF editions (emphasis and heading marks dropped;
    :func:`runs` keeps the emphasis of one paragraph)."""
    return [p for p in ("".join(t for t, _, _ in r) for r in rich_paragraphs(text)) if p]


def rich_paragraphs(text: str) -> list[list[tuple[str, bool, bool]]]:
    """The Markdown as paragraphs of :func:`runs`, for the Word and PDF writers (emphasis kept).

    Parameters
    ----------
    text : str
        An author's Markdown (placeholders filled).

    Returns
    -------
    list of list of tuple

    Examples
    --------
    >>> from kamlib.workbench.authors import rich_paragraphs
    >>> rich_paragraphs("One *two*.\\n\\nThree.")
    [[('One ', False, False), ('two', False, True), ('.', False, False)], [('Three.', False, False)]]
    """
    return [runs(b) for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]


#: Markdown emphasis: **strong** or __strong__, *emphasis* or _emphasis_, `code` (shown as is)
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|(?<!\w)\*(?=\S)(.+?)(?<=\S)\*(?!\w)|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)|`(.+?)`")


def runs(block: str) -> list[tuple[str, bool, bool]]:
    """One Markdown paragraph as runs ``(text, bold, italic)`` for the Word and PDF writers: a heading line is
    bold, ``**x**`` bold, ``*x*`` italic, code shown as text.

    Parameters
    ----------
    block : str
        One paragraph of Markdown.

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> from kamlib.workbench.authors import runs
    >>> runs("The top 20% bring **74%** of *holdout* revenue.")
    [('The top 20% bring ', False, False), ('74%', True, False), (' of ', False, False), ('holdout', False, True), (' revenue.', False, False)]
    >>> runs("## Why")
    [('Why', True, False)]
    """
    block = " ".join(block.split())
    heading = re.match(r"^#+\s*", block)
    if heading:
        return [(block[heading.end():], True, False)]
    out, at = [], 0
    for m in _EMPHASIS.finditer(block):
        if m.start() > at:
            out.append((block[at:m.start()], False, False))
        bold, bold2, em, em2, code = m.groups()
        text = bold or bold2 or em or em2 or code
        out.append((text, bool(bold or bold2), bool(em or em2)))
        at = m.end()
    if at < len(block):
        out.append((block[at:], False, False))
    return out


def load(texts: dict, language: str, root: Path | None = None) -> dict[str, str]:
    """The Markdown of each section for ``language`` from a study's ``texts`` (section -> file, or section ->
    {en: file, zh: file}; a missing language falls back to the other)."""
    from ..config import project_path

    out = {}
    for section, spec in (texts or {}).items():
        path = spec if isinstance(spec, str) else (spec.get(language) or next(iter(spec.values())))
        file = Path(root) / path if root is not None else project_path(path)
        if not file.exists():
            raise KamError(f"texts.{section}: the file {path} does not exist; write it or remove the entry.")
        out[section] = file.read_text(encoding="utf-8")
    return out
