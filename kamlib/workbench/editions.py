"""Word and PDF editions of a study's report, beside ``index.html``.

Both are written from the same outline as the HTML page (:func:`kamlib.workbench.report.outline`), walked once
(:func:`_walk`) through a writer per format: real Word tables (the first rows of each, as on the page), embedded
figures, numbered captions and a table-of-contents field that Word fills when the file is opened; the PDF is
typeset by typst, whose compiler comes from the lockfile with the Chinese font, so neither a browser nor a system
font is needed. A table too wide for an upright A4 page is on a landscape page, and one too wide for that is split
into parts with its first column repeated (said in the caption). Both are on A4, and a table's columns are as wide as
their content needs (:func:`column_widths`). Both are written to a temporary file and moved
into place, so a failed build leaves the last good edition.

References
----------
python-docx documentation, https://python-docx.readthedocs.io (tables, pictures, styles, sections).
Typst reference, https://typst.app/docs/reference/.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from ..errors import KamError
from ..i18n import zh_punctuation
from . import authors
from .report import edition_name

__all__ = ["FIGURE_HEIGHT_MM", "FORMATS", "KEEP_TOGETHER_ROWS", "MAX_COLUMNS_LANDSCAPE", "MAX_COLUMNS_PORTRAIT",
           "TEXT_WIDTH_MM", "column_widths", "counts", "docx_edition", "edition_name", "existing", "figure_width",
           "table_parts", "text_width", "typst_edition", "write"]

FORMATS = ("html", "docx", "pdf")


#: columns of a table that fit an A4 page upright, and turned (landscape); a wider table is split into parts of
#: at most MAX_COLUMNS_LANDSCAPE columns, its first column repeated in each, and the caption says so
MAX_COLUMNS_PORTRAIT = 7
MAX_COLUMNS_LANDSCAPE = 12


#: The text width of an upright A4 page with 2 cm margins, and the tallest a figure is drawn (about two fifths of
#: the page's text height), so that a figure leaves room for its caption and the text around it
TEXT_WIDTH_MM, FIGURE_HEIGHT_MM = 170, 105
#: A table of at most this many rows is kept on one page with its caption; a longer one breaks across pages
KEEP_TOGETHER_ROWS = 20


def figure_width(path, width_mm: float = TEXT_WIDTH_MM, height_mm: float = FIGURE_HEIGHT_MM) -> float:
    """The width in mm at which a figure fills the text width without being taller than ``height_mm`` (its
    aspect ratio kept), for the Word and PDF editions alike.

    Parameters
    ----------
    path : path-like
        The figure's PNG.
    width_mm, height_mm : float
        The largest width and height.

    Returns
    -------
    float

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> from kamlib.workbench.editions import figure_width
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> Image.new("RGB", (1000, 1000)).save(folder / "square.png")
    >>> Image.new("RGB", (2000, 500)).save(folder / "wide.png")
    >>> figure_width(folder / "square.png"), figure_width(folder / "wide.png")
    (105.0, 170.0)
    """
    from PIL import Image

    with Image.open(path) as im:
        w, h = im.size
    return round(min(float(width_mm), height_mm * w / h), 1)


def table_parts(heads: list, rows: list, kinds: list) -> list[tuple[list, list, list, tuple | None]]:
    """Split a table into parts that fit a landscape A4 page: ``[(heads, rows, kinds, columns)]``, where
    ``columns`` is None for a table that fits, else the part's columns as ``(first, last, of)`` (1-based), which
    the caption says in the edition's words (the report's ``table_part_columns``).

    The first column (the row names) is repeated in every part.

    Examples
    --------
    >>> from kamlib.workbench.editions import table_parts
    >>> parts = table_parts(["item"] + [f"c{i}" for i in range(1, 31)], [["a"] + ["1"] * 30], ["text"] + ["num"] * 30)
    >>> [(len(h), c) for h, _, _, c in parts]
    [(12, (2, 12, 31)), (12, (13, 23, 31)), (9, (24, 31, 31))]
    """
    if len(heads) <= MAX_COLUMNS_LANDSCAPE:
        return [(list(heads), [list(r) for r in rows], list(kinds), None)]
    step = MAX_COLUMNS_LANDSCAPE - 1
    parts = []
    for lo in range(1, len(heads), step):
        hi = min(lo + step, len(heads))
        cols = [0, *range(lo, hi)]
        parts.append(([heads[c] for c in cols], [[r[c] for c in cols] for r in rows], [kinds[c] for c in cols],
                      (lo + 1, hi, len(heads))))
    return parts


def text_width(text) -> int:
    """The width of a text in Latin character widths: a Chinese character (or another wide one) counts two.

    Examples
    --------
    >>> from kamlib.workbench.editions import text_width
    >>> text_width("Revenue"), text_width("收入占比")
    (7, 8)
    """
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


#: The widest a column's content counts when the page's width is shared out (a longer cell wraps), and the
#: narrowest, in character widths
_WIDEST, _NARROWEST = 40, 4


def column_widths(rows: list, total: int) -> list[int]:
    """Widths of a table's columns by their content, summing to ``total``: each column's share follows its widest
    cell (its longest word for the header, whose words may wrap), counted up to 40 characters (a longer cell wraps)
    and at least 4, so that a column of numbers is narrow and a column of sentences wide.

    Parameters
    ----------
    rows : list of list of str
        The header row first, then the rows.
    total : int
        The width to share out (any unit, e.g. EMU of the page's text width).

    Returns
    -------
    list of int

    Examples
    --------
    >>> from kamlib.workbench.editions import column_widths
    >>> column_widths([["tier", "Revenue (GBP)", "note"], ["Key account", "1,234", "x " * 300]], 1000)
    [189, 120, 691]
    """
    head, *body = rows
    need = []
    for i, h in enumerate(head):
        words = max((text_width(w) for w in str(h).split()), default=0)
        cells = max((text_width(r[i]) for r in body if i < len(r)), default=0)
        need.append(min(max(words, cells, _NARROWEST), _WIDEST))
    widths = [int(total * n / sum(need)) for n in need]
    widths[-1] += total - sum(widths)
    return widths


def _walk(w, out: Path, *, language: str, quick: bool, max_rows: int, title: str, study_name: str,
          texts: dict | None = None, context: dict | None = None) -> None:
    """Write the report outline (:func:`kamlib.workbench.report.outline`) through the writer ``w`` (Word or
    typst): the same sections, in the same order, as the HTML page."""
    from . import report

    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        raise KamError(f"No manifest at {manifest_path}; run the notebooks first (kam run).")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    T = report.report_text(language)
    doc_ = report.outline(manifest, out, language=language, quick=quick, texts=texts, context=context)
    author = {k: authors.rich_paragraphs(v) for k, v in doc_["author"].items()}
    if report.numbered(language):  # a numeric style (Chinese edition): the page's list and numbers
        doc_["references"] = report.render(manifest, out, title=title, language=language, study_name=study_name,
                                           quick=quick, texts=texts, references_only=True, context=context)
        w = _Numbered(w, report.citation_numbers(doc_["references"]), language)
    else:  # APA 7 (the English edition): each citation in its form, as on the HTML page
        w = _Numbered(w, None, language, {tuple(c) for r in doc_["references"] if r.get("key")
                                          for c in r.get("cited_as", [])})

    w.title(title, f"{T['study']}: {study_name} · {T['generated']} {out.name} · {doc_['n_artefacts']} {T['artefacts']}")
    if doc_["n_simulated"]:
        w.paragraph(T["simulated_note"].replace("{badge}", f"[{T['simulated']}]"))
    w.contents(T["contents"])

    def caption(a: dict, text: str | None = None) -> tuple[str, str]:
        mark = f"[{T['simulated']}] " if a.get("simulated", False) else ""
        return a["label"], mark + (text if text is not None else a["caption"])

    def add(a: dict) -> None:
        kind = a["kind"]
        if kind == "figure":
            w.figure(out / report.figure_png(a, language), *caption(a))
        elif kind == "table":
            heads, rows, kinds, total = report.table_cells(out / a["path"], language, max_rows, a.get("currency"),
                                                            a.get("cells_zh"), a.get("time_unit"), a.get("names"))
            rows = [[html.unescape(v).replace("\xa0", " ") for v in r] for r in rows]
            parts = table_parts([str(h) for h in heads], rows, kinds)
            for i, (h, r, k, cols) in enumerate(parts, 1):
                label, text = caption(a)
                if cols is not None:
                    first, last, of = cols
                    text += " (" + T["table_part_columns"].format(i=i, n=len(parts), first=first, last=last,
                                                                     of=of) + ")"
                w.table(h, r, k, label, text)
            if total > max_rows:
                w.paragraph(T["rows_shown"].format(n=max_rows, total=total) + f": {a['path']}")
        else:
            w.caption(*caption(a, f"{a['caption']} ({a['path']})"))

    def finding(f, kind: str) -> None:
        label = doc_["labels"].get(f.evidence)
        mark = f"[{T['simulated']}] " if f.simulated else ""
        text = f.text()
        w.paragraph(mark + text + (report.gap_after(text) + report.cite_evidence(T["evidence"], label) if label else ""), kind)

    w.heading(T["executive_summary"], 1)
    for f in doc_["summary"]:
        finding(f, "number")
    if not doc_["summary"]:
        w.paragraph(T["no_findings"])
    shown = doc_["demonstration_appendix"]
    w.heading(T["background"], 1)
    w.paragraph(doc_["background_text"])  # outline() words it from the run (report.background_hypotheses)
    if doc_.get("literature"):
        w.heading(T["literature_review"], 2)
        w.paragraph(report.literature_note([t["topic"] for t in doc_["literature"]], doc_["hypotheses"] is not None,
                                           language), "note")
        for t in doc_["literature"]:
            w.rich([(t["topic"] + ". ", True, False)] + [(f"{x['cite']}: {x['finding']} ", False, False)
                                                        for x in t["works"]])
    for p in author.get("background", []):
        w.rich(p)
    w.heading(T["hypotheses"], 2)
    if doc_.get("declared") and not doc_["hypotheses"]:  # statements and bases (report.declared_hypotheses)
        w.paragraph(T["declared_lead"], "note")
        w.table(list(T["declared_head"]), [[h["id"], h["statement"], h["basis"]] for h in doc_["declared"]],
                ["text"] * 3, None, None)
    if shown["sentence"]:
        w.paragraph(shown["sentence"])
    if doc_["hypotheses"]:
        add(doc_["hypotheses"])
    elif not shown["sentence"]:
        w.paragraph(T["no_hypotheses"])
    w.heading(T["data_methods"], 1)
    w.paragraph(T["data_text"])
    if doc_.get("methods"):
        w.heading(T["methods"], 2)
        for m in doc_["methods"]:
            w.paragraph(m["text"])
    if shown["off"]:
        w.paragraph(shown["off"], "note")
    if doc_["data_rows"]:
        rows = [[str(r[k]) for k in ("data", "notebook", "kind", "licence", "citation")] for r in doc_["data_rows"]]
        w.table(list(T["data_head"]), rows, ["text"] * 5, None, None)
    for a in doc_["data"]:
        add(a)
    for section in doc_["sections"]:
        w.heading(section["title"], 1)
        if section.get("lead"):
            w.paragraph(section["lead"])
        if section["main"]:
            add(section["main"])
        if section["findings"]:
            w.paragraph(report.run_together(section["findings"]))
        for nb in section["notebooks"]:
            w.heading(f"{nb['title']} ({T['notebook']} {nb['name']})"
                      + (f" [{T['demonstration_badge']}]" if nb.get("demonstration") else ""), 2)
            for n in nb["notes"]:
                w.paragraph(n, "note")
            for a in nb["artefacts"]:
                add(a)
            if nb.get("further"):
                w.paragraph(f"{T['further_exhibits']}: {', '.join(nb['further'])}.", "note")
        if section.get("closing"):
            w.paragraph(report.run_together([report.heading_stop(T["closing"]), *section["closing"]]))
        for p in author.get(section["key"], []):
            w.rich(p)
    w.heading(T["discussion"], 1)
    if doc_["answers"]:  # each research question, answered by the run's numbers (report.answers)
        w.heading(T["rq_answers"], 2)
        for a in doc_["answers"]:
            w.rich([(a["head"], True, False), (report.gap_after(a["head"]) + a["text"], False, False)])
    if doc_.get("no_claims"):  # the study declares no claims of its own: one sentence says whose are set against it
        w.paragraph(doc_["no_claims"])
    if doc_["claims"]:
        w.paragraph(T["discussion_lead"])
        w.table(list(T["claims_head"]), [[c[k] for k in ("id", "source", "claim", "verdict", "evidence")]
                                         for c in doc_["claims"]], ["text"] * 5, None, None)
    for p in author.get("discussion", []):
        w.rich(p)
    first = doc_["first_section"]
    w.heading(f"{first}. {T['recommendations']}", 1)
    for r in doc_["recommendations"] or [doc_["no_recommendations"]]:
        w.paragraph(r, "bullet")
    w.heading(f"{first + 1}. {T['limitations']}", 1)
    for r in doc_["limitations"]:
        w.paragraph(r, "bullet")
    w.heading(f"{first + 2}. {T['references']}", 1)
    w.paragraph(report.references_note(doc_["references"], language))
    for r in doc_["references"]:  # as the HTML edition shows them: the style's label, then its runs with emphasis
        head = [(r["label"] + " ", False, False)] if r.get("label") else []
        (w._w if isinstance(w, _Numbered) else w).rich(head + ([(t, False, italic) for t, italic in r["runs"]] if r["text"] else
                       [(f"{r['author']} ({r['year']}): {T['reference_missing']}", False, False)]))
    w.heading(T["reference_tables"], 1)
    for a in doc_["reference"]:
        add(a)
    w.heading(T["appendix"], 1)
    w.paragraph(T["params_note"])
    for nb in doc_["appendix"]:
        w.heading(f"{nb['name']} · {T['params']} · hash {nb['hash']}", 2)
        if nb["parameters"]:
            w.table([T["params"], ""], [list(kv) for kv in nb["parameters"]], ["text", "text"], None, None)
    w.heading(T["rules_title"], 2)
    w.paragraph(T["rules_note"])
    w.table(list(T["rules_head"]), [[r["criterion"], r["source"], r["means"]] for r in doc_["rules"]], ["text"] * 3,
            None, None)
    w.heading(T["versions"], 2)
    w.table([T["versions"], ""], [list(kv) for kv in doc_["versions"]], ["text", "text"], None, None)
    if shown["notebooks"] or doc_["demonstrations"]:  # Appendix C: everything made from other or simulated data
        w.heading(T["demonstrations_appendix"], 1)
        w.paragraph(T["demonstrations_note"])
        for f in doc_["demonstrations"]:
            finding(f, "bullet")
        if shown["cards"]:
            w.table([T["key_numbers"], ""], [list(c) for c in shown["cards"]], ["text", "text"], None, None)
        for nb in shown["notebooks"]:
            w.heading(f"{nb['title']} ({T['notebook']} {nb['name']})", 2)
            for n in nb["notes"]:
                w.paragraph(n, "note")
            for a in nb["artefacts"]:
                add(a)


class _Word:
    """Writes the outline with python-docx. A table wider than :data:`MAX_COLUMNS_PORTRAIT` columns goes on a
    landscape page (wide tables in a row share it; a figure or a new section turns the page back)."""

    def __init__(self):
        from docx import Document
        from docx.shared import Mm

        self.doc = Document()
        section = self.doc.sections[0]  # python-docx's template is US Letter; the report is on A4, as the PDF is
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(20))

    def title(self, title: str, meta: str) -> None:
        self.doc.add_heading(title, level=0)
        self.doc.add_paragraph(meta)

    def contents(self, title: str) -> None:
        """A table-of-contents field (headings 1-2) that Word fills when the document is opened."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.doc.add_heading(title, level=1)
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
        self.doc.add_paragraph()._p.append(fld)
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        self.doc.settings.element.append(update)

    def heading(self, text: str, level: int) -> None:
        if level == 1:  # a section starts upright; wide tables in a row share one landscape page
            self._orient(False)
        self.doc.add_heading(text, level=level)

    def paragraph(self, text: str, kind: str | None = None) -> None:
        style = {"number": "List Number", "bullet": "List Bullet", "note": "Intense Quote"}.get(kind)
        self.doc.add_paragraph(text, style=style)

    def rich(self, runs: list[tuple[str, bool, bool]]) -> None:
        """A paragraph of runs ``(text, bold, italic)`` (an author's Markdown, :func:`authors.runs`)."""
        p = self.doc.add_paragraph()
        for text, bold, italic in runs:
            r = p.add_run(text)
            r.bold, r.italic = bold or None, italic or None

    def caption(self, label: str | None, text: str | None) -> None:
        if label is None and text is None:
            return
        p = self.doc.add_paragraph(style="Caption")
        if label:
            p.add_run(label + " ").bold = True
        p.add_run(text or "")

    def figure(self, path: Path, label: str, text: str) -> None:
        from docx.shared import Mm

        self._orient(False)
        self.doc.add_picture(str(path), width=Mm(figure_width(path)))
        picture = self.doc.paragraphs[-1]
        picture.alignment = 1  # centred
        picture.paragraph_format.keep_with_next = True  # the caption stays under its figure
        self.caption(label, text)

    def _orient(self, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION

        current = self.doc.sections[-1]
        if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        width, height = current.page_width, current.page_height
        section.page_width, section.page_height = (max(width, height), min(width, height)) if landscape \
            else (min(width, height), max(width, height))

    def table(self, heads: list, rows: list, kinds: list, label: str | None, text: str | None) -> None:
        from docx.shared import Pt

        wide = len(heads) > MAX_COLUMNS_PORTRAIT
        self._orient(wide)
        self.caption(label, text)
        if label is not None or text is not None:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the caption stays over its table
        table = self.doc.add_table(rows=1, cols=len(heads))
        table.style = "Table Grid"
        for cell, head in zip(table.rows[0].cells, heads):
            cell.text = str(head)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for cell, value, kind in zip(table.add_row().cells, row, kinds):
                cell.text = value
                if kind != "text":
                    cell.paragraphs[0].alignment = 2  # right, as numbers are on the page
        if wide:
            for row in table.rows:
                for cell in row.cells:
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(8)
        section = self.doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        table.autofit = False
        for column, width in zip(table.columns, column_widths([heads, *rows], usable)):
            column.width = width
            for cell in column.cells:  # Word reads the cells' widths, LibreOffice the columns'
                cell.width = width

    def save(self, path: Path) -> None:
        self.doc.save(str(path))


class _Numbered:
    """A writer whose text gets each citation's number (GB/T 7714-2015, numeric system) before it is written; the
    reference list's own entries (rich runs) are written as they are; each citation in the author-number form of
    ``language`` (:func:`kamlib.literature.number_citations`). With ``numbers`` None (an author-date style, the
    English edition) each citation is put in the form of APA 7 instead (:func:`kamlib.literature.apa_citations`,
    ``known``: the works of the reference list). In Chinese its text gets full-width punctuation
    (:func:`kamlib.i18n.zh_punctuation`), as the HTML page does (:func:`kamlib.workbench.report.zh_marks`)."""

    def __init__(self, writer, numbers: dict | None, language: str, known: set | None = None):
        self._w, self._numbers, self._language, self._known = writer, numbers, language, known
        self._zh = zh_punctuation if language == "zh" else None  # the edition's text in Chinese punctuation

    def __getattr__(self, name):
        return getattr(self._w, name)

    def _n(self, text):
        from .. import literature

        if not isinstance(text, str):
            return text
        if self._numbers is None:
            text = literature.apa_citations(text, self._known)
        else:
            text = literature.number_citations(text, self._numbers, language=self._language)
        return self._zh(text) if self._zh is not None else text

    def heading(self, text: str, level: int) -> None:
        self._w.heading(self._zh(text) if self._zh is not None else text, level)

    def paragraph(self, text: str, kind: str | None = None) -> None:
        self._w.paragraph(self._n(text), kind)

    def caption(self, label, text) -> None:
        self._w.caption(label, self._n(text))

    def figure(self, path, label, text) -> None:
        self._w.figure(path, label, self._n(text))

    def table(self, heads, rows, kinds, label, text) -> None:
        self._w.table([self._n(h) for h in heads], [[self._n(v) for v in r] for r in rows], kinds, label,
                      self._n(text))

    def rich(self, runs) -> None:
        self._w.rich([(self._n(t), bold, italic) for t, bold, italic in runs])


def _typst_str(text) -> str:
    """A typst string literal (shown as it is: no markup in report text is interpreted)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


class _Typst:
    """Writes the outline as typst markup; every text is a string literal, so nothing in it is read as markup."""

    def __init__(self, language: str, root: Path):
        from .. import style

        self.root = Path(root)

        font = style.cjk_font() or "Noto Sans CJK SC"
        fonts = f'("Libertinus Serif", "{font}")' if language == "en" else f'("{font}", "Libertinus Serif")'
        self.lines = [
            '#set page(paper: "a4", margin: 2cm, numbering: "1")',
            f'#set text(font: {fonts}, size: 10pt, lang: "{language}")',
            '#set par(justify: true)',
            '#set heading(numbering: none)',
            f'#show heading: set text(font: ("{font}",), weight: "regular")',
            '#set table(stroke: 0.4pt + gray)',
        ]
        self.landscape = False

    def _add(self, line: str) -> None:
        self.lines.append(line)

    def title(self, title: str, meta: str) -> None:
        self._add(f"#align(center)[#text(size: 18pt)[#{_typst_str(title)}]]")
        self._add(f"#align(center)[#text(size: 9pt, fill: gray)[#{_typst_str(meta)}]]")

    def contents(self, title: str) -> None:
        self._add(f"#outline(title: {_typst_str(title)}, depth: 2)")

    def heading(self, text: str, level: int) -> None:
        if level == 1:
            self._orient(False)
        self._add(f"#heading(level: {level})[#{_typst_str(text)}]")

    def paragraph(self, text: str, kind: str | None = None) -> None:
        body = f"#{_typst_str(text)}"
        if kind == "number":
            self._add(f"+ {body}")
        elif kind == "bullet":
            self._add(f"- {body}")
        elif kind == "note":
            self._add(f"#block(fill: luma(245), inset: 6pt, width: 100%)[{body}]")
        else:
            self._add(f"\n{body}\n")

    def rich(self, runs: list[tuple[str, bool, bool]]) -> None:
        """A paragraph of runs ``(text, bold, italic)`` (an author's Markdown, :func:`authors.runs`)."""
        parts = []
        for text, bold, italic in runs:
            part = f"#{_typst_str(text)}"
            part = f"#strong[{part}]" if bold else part
            parts.append(f"#emph[{part}]" if italic else part)
        self._add("\n" + "".join(parts) + "\n")

    @staticmethod
    def _words(label: str | None, text: str | None) -> str:
        """A caption's markup: its label in bold, then its text, in the captions' size."""
        bold = f"*#{_typst_str(label)}* " if label else ""
        return f"#text(size: 9pt)[{bold}#{_typst_str(text or '')}]"

    def caption(self, label: str | None, text: str | None) -> None:
        if label is None and text is None:
            return
        self._add(f"#block(breakable: false)[{self._words(label, text)}]")

    def figure(self, path: Path, label: str, text: str) -> None:
        self._orient(False)
        rel = Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        self._add(f"#block(breakable: false)[#align(center)[#image({_typst_str(rel)}, width: {figure_width(path)}mm)]"
                  f"#v(2pt){self._words(label, text)}]")  # the caption on its figure's page

    def _orient(self, landscape: bool) -> None:
        if landscape != self.landscape:
            self._add(f"#set page(flipped: {'true' if landscape else 'false'})")
            self.landscape = landscape

    def table(self, heads: list, rows: list, kinds: list, label: str | None, text: str | None) -> None:
        self._orient(len(heads) > MAX_COLUMNS_PORTRAIT)
        captioned = label is not None or text is not None
        align = ", ".join("left" if k == "text" else "right" for k in kinds)
        cells = [f"table.header({', '.join(f'[*#{_typst_str(h)}*]' for h in heads)})"]
        cells += [f"[#{_typst_str(v)}]" for r in rows for v in r]
        size = "7pt" if len(heads) > MAX_COLUMNS_PORTRAIT else "8.5pt"
        widths = ", ".join(f"{w / 100:g}fr" for w in column_widths([heads, *rows], 1000))
        body = f"#text(size: {size})[#table(columns: ({widths},), align: ({align},), {', '.join(cells)})]"
        if captioned and len(rows) <= KEEP_TOGETHER_ROWS:  # a short table on one page with its caption
            self._add(f"#block(breakable: false)[{self._words(label, text)}{body}]")
        else:
            self.caption(label, text)
            self._add(body)

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


def docx_edition(out: Path, *, title: str, language: str, study_name: str, max_rows: int = 30,
                 quick: bool = False, target: str = "report.docx", texts: dict | None = None,
                 context: dict | None = None) -> Path:
    """Write the Word edition for the report folder ``out`` from its manifest; returns its path.

    The same outline as the HTML page (:func:`kamlib.workbench.report.outline`): executive summary, background,
    data, one section per framework stage led by its main figure, recommendations, limitations, reference tables
    (Appendix A), parameters and versions (Appendix B). A table wider than :data:`MAX_COLUMNS_PORTRAIT` columns is
    on a landscape page; one wider than :data:`MAX_COLUMNS_LANDSCAPE` is split into parts (:func:`table_parts`).

    Parameters
    ----------
    out : Path
        The report folder (with ``manifest.json``, ``figures/``, ``tables/`` and ``values/``).
    title : str
        The study's title in the edition's language.
    language : {"en", "zh"}
        Language of headings, captions, sentences and table headers.
    study_name : str
        The study's name (shown under the title).
    max_rows : int
        Rows of each table shown, as on the HTML page (the CSV holds them all).
    quick : bool
        As for the HTML page (a quick run is a limitation).
    target : str
        File name in ``out`` (see :func:`edition_name`).
    texts : dict, optional
        The author's words per section (:meth:`kamlib.workbench.study.Study.texts_for`), as on the HTML page.
    context : dict, optional
        What the report needs of the study file (:func:`kamlib.workbench.report.run_context`), as on the HTML page.

    Returns
    -------
    Path
        The ``.docx`` file in the report folder.

    References
    ----------
    python-docx documentation, https://python-docx.readthedocs.io.

    Examples
    --------
    >>> from pathlib import Path
    >>> from kamlib.workbench.editions import docx_edition
    >>> docx_edition(Path("reports/default"), title="Key accounts", language="en", study_name="default")  # doctest: +SKIP
    """
    out = Path(out)
    w = _Word()
    _walk(w, out, language=language, quick=quick, max_rows=max_rows, title=title, study_name=study_name,
          texts=texts, context=context)
    target_path = out / target
    tmp = out / (target + ".tmp")
    w.save(tmp)
    os.replace(tmp, target_path)
    return target_path


def typst_edition(out: Path, *, title: str, language: str, study_name: str, max_rows: int = 30,
                  quick: bool = False, target: str = "report.pdf", texts: dict | None = None,
                  context: dict | None = None) -> Path:
    """Write the PDF edition for the report folder ``out`` with typst (from the lockfile: no browser and no system
    font needed); returns its path.

    The same outline as the Word edition, typeset on A4 with the Chinese font of the figures
    (:func:`kamlib.style.packaged_cjk_font`); wide tables as in Word. The typst source is kept beside the PDF
    (``report.typ``) so an author can restyle it.

    Parameters
    ----------
    out, title, language, study_name, max_rows, quick, texts, context
        As for :func:`docx_edition`.
    target : str
        File name of the PDF in ``out``.

    Returns
    -------
    Path
        The PDF.

    References
    ----------
    Typst reference, https://typst.app/docs/reference/ (``page``, ``table``, ``image``, ``outline``); the typst
    Python bindings, https://pypi.org/project/typst/.

    Examples
    --------
    >>> from pathlib import Path
    >>> from kamlib.workbench.editions import typst_edition
    >>> typst_edition(Path("reports/default"), title="Key accounts", language="en", study_name="default")  # doctest: +SKIP
    """
    import typst

    from .. import style

    out = Path(out)
    w = _Typst(language, out)
    _walk(w, out, language=language, quick=quick, max_rows=max_rows, title=title, study_name=study_name,
          texts=texts, context=context)
    source = out / (Path(target).stem + ".typ")
    source.write_text(w.source(), encoding="utf-8")
    font = style.packaged_cjk_font()
    tmp = out / (target + ".tmp")
    try:
        typst.compile(str(source), output=str(tmp), root=str(out), format="pdf",
                      font_paths=[str(font.parent)] if font is not None else [], timestamp=0)
    except Exception as exc:  # typst reports a markup or font problem as one message
        tmp.unlink(missing_ok=True)
        raise KamError(f"typst could not typeset {source}: {str(exc).strip().splitlines()[0]}") from exc
    os.replace(tmp, out / target)
    return out / target


def counts(out: Path) -> dict:
    """Figures and tables in the manifest of report folder ``out`` (what each edition must show)."""
    arts = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8")).get("artefacts", [])
    return {k: sum(a["kind"] == k for a in arts) for k in ("figure", "table")}


def existing(out: Path, main_language: str) -> list[str]:
    """The editions besides HTML that the report folder ``out`` holds from an earlier ``kam report --format``
    (``docx``, ``pdf``, in either language; see :func:`edition_name`).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kamlib.workbench.editions import existing
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = (out / "report.zh.docx").write_bytes(b"")
    >>> existing(out, "en")
    ['docx']
    """
    from .report import languages

    return [kind for kind in FORMATS[1:]
            if any((Path(out) / edition_name(kind, lang, main_language)).exists() for lang in languages(main_language))]


def write(study_file=None, *, quick: bool = False, formats=("html",), force: bool = False) -> list[Path]:
    """Build the study's report in each of ``formats`` (``html``, ``docx``, ``pdf``); returns the files written.

    With ``formats=None`` (after ``kam run``) every edition the report folder already has is rebuilt, so none is
    left out of step with the page (:func:`existing`); one that cannot be rebuilt is named stale in one sentence.

    Parameters
    ----------
    study_file : path, optional
        The study (default ``studies/default.yaml``).
    quick : bool
        The quick-size report folder.
    formats : sequence of str, optional
        Any of :data:`FORMATS`; the HTML page is always built (the PDF is printed from it). None: the HTML page and
        the editions the folder has.
    force : bool
        Rebuild the HTML page even if the manifest is unchanged.

    Returns
    -------
    list of Path
        For each language (the study's first): the page and, as asked, the Word and PDF editions
        (``index.html``, ``report.docx``, ``report.pdf``; ``index.zh.html``, ``report.zh.docx``, ``report.zh.pdf``).

    Examples
    --------
    >>> from kamlib.workbench.editions import write
    >>> write("studies/default.yaml", formats=("html", "docx"))  # doctest: +SKIP
    """
    from . import report
    from . import study as study_mod

    unknown = [f for f in formats or () if f not in FORMATS]
    if unknown:
        raise KamError(f"Unknown report format {unknown[0]!r}; use any of {', '.join(FORMATS)} "
                       "(for example --format html,docx,pdf).")
    index = report.build(study_file, quick=quick, force=force)
    study = study_mod.load(study_file, quick=quick)
    main = study.language
    follow = formats is None  # after a run: rebuild what the folder has
    if follow:
        formats = ["html", *existing(index.parent, main)]
    makers = {"docx": docx_edition, "pdf": typst_edition}
    files, stale = [], []
    for lang in report.languages(main):
        page = index.with_name(edition_name("html", lang, main))
        files.append(page)
        for kind in ("docx", "pdf"):
            if kind not in formats:
                continue
            target = edition_name(kind, lang, main)
            try:
                files.append(makers[kind](index.parent, title=study.title_for(lang), language=lang,
                                          study_name=study.name, quick=quick, target=target,
                                          texts=study.texts_for(lang), context=report.run_context(study)))
            except KamError as exc:
                if not follow:
                    raise
                stale.append((target, str(exc)))
    if stale:
        print(f"Stale: {', '.join(t for t, _ in stale)} in {index.parent} could not be rebuilt after this run "
              f"({stale[0][1].rstrip('.')}); run kam report --format html,{','.join(formats[1:])} once that is fixed.")
    return files
