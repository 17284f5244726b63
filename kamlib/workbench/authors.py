"""An author's own words in the report: Markdown per section with placeholders for recorded values.

A study names one Markdown file per report section (``texts:`` in the study file; one file for both languages or
one per language). Each ``{{ notebook.value_key }}`` (optionally ``{{ notebook.value_key | kind }}`` with a kind of
:data:`kamlib.workbench.artefacts.KINDS`) is replaced at build time by the value that notebook recorded in this
run, formatted for the edition's language, as inline code in Quarto or knitr; so an author writes the discussion
once and the numbers follow every rerun. A placeholder that names a notebook which did not run in this report, or
a value the notebook did not record, stops the build with one sentence naming the file and the placeholder.

Written by hand: the placeholders are the manifest's value keys, which no template library knows; Jinja2 would
fill ``{{ }}`` but not say which notebook is stale. Markdown is rendered by mistune (HTML) and given as plain
paragraphs to the Word and PDF editions.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import KamError

__all__ = ["PLACEHOLDER", "SECTIONS", "fill", "html", "load", "paragraphs"]

#: ``{{ 10_key_accounts.gini }}`` or ``{{ 10_key_accounts.gini | estimate }}``
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}")

#: The report sections an author's text can go in: the framework stages and the discussion before the
#: recommendations.
SECTIONS = ("background", "literature", "identify", "understand", "segment", "act", "evaluate", "other", "discussion")


def fill(text: str, manifest: dict, values: dict, *, language: str = "en", currency: str | None = None,
         where: str = "the author's text") -> str:
    """``text`` with every placeholder replaced by the recorded value, formatted for ``language``.

    Parameters
    ----------
    text : str
        Markdown with ``{{ notebook.key }}`` or ``{{ notebook.key | kind }}`` placeholders.
    manifest : dict
        The report's manifest (which notebooks ran in it, and the kind each recorded key number has).
    values : dict
        Notebook -> its recorded values (``values/<notebook>.json``).
    language : {"en", "zh"}
        Number format of the edition.
    currency : str, optional
        Shown with ``money`` values.
    where : str
        The file, named in errors.

    Returns
    -------
    str

    Raises
    ------
    KamError
        A placeholder names a notebook that did not run in this report, a value it did not record, or an unknown
        kind.

    Examples
    --------
    >>> from kamlib.workbench.authors import fill
    >>> manifest = {"notebooks": {"10_key_accounts": {}}}
    >>> fill("Gini {{ 10_key_accounts.gini }}, {{ 10_key_accounts.share | share }} of revenue",
    ...      manifest, {"10_key_accounts": {"gini": 0.7087, "share": 0.739}})
    'Gini 0.71, 73.9% of revenue'
    """
    from .artefacts import KINDS
    from .findings import shown as show

    ran = manifest.get("notebooks", {})
    not_run = set(manifest.get("not_run", {}))  # skipped or failed in the last run: its values are stale

    def one(m: re.Match) -> str:
        nb, key, kind = m.group(1), m.group(2), m.group(3)
        shown = m.group(0)
        if nb not in ran or nb in not_run or nb not in values:
            raise KamError(f"{where}: the placeholder {shown} names notebook {nb}, which did not run in this report; "
                           f"run it (kam run {nb}) or remove the placeholder.")
        if key not in values[nb]:
            known = ", ".join(sorted(values[nb])[:12])
            raise KamError(f"{where}: the placeholder {shown} names a value notebook {nb} did not record; it "
                           f"records {known}{', ...' if len(values[nb]) > 12 else ''}.")
        value = values[nb][key]
        if kind is None:
            kind = next((k.get("kind") for k in ran[nb].get("key_numbers", []) if k.get("key") == key), None) or (
                "text" if isinstance(value, str) else "count" if isinstance(value, int) else "estimate")
        if kind not in KINDS:
            raise KamError(f"{where}: the placeholder {shown} asks for kind {kind!r}; use one of {', '.join(KINDS)}.")
        if value is None:
            raise KamError(f"{where}: the placeholder {shown} has no value in this run (the notebook recorded none); "
                           "remove it or rerun with data that supports it.")
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
