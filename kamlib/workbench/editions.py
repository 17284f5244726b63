"""Word and PDF editions of a study's report, beside ``index.html``.

The Word edition is written with python-docx from the same manifest, captions and table formatting as the HTML
page: real Word tables (the first rows of each, as on the page), embedded figures, numbered captions in Word's
Caption style, and a table-of-contents field that Word fills when the file is opened. The PDF edition is the
HTML page printed by headless Chromium, the browser the report tests already use. Both are written to a
temporary file and moved into place, so a failed build leaves the last good edition.

References
----------
python-docx documentation, https://python-docx.readthedocs.io (tables, pictures, styles).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import KamError
from .report import edition_name

__all__ = ["FORMATS", "chromium", "counts", "docx_edition", "edition_name", "pdf_edition", "write"]

FORMATS = ("html", "docx", "pdf")


def chromium() -> str | None:
    """The headless browser that prints the PDF edition (Debian's chromium; ``make browser-deps``)."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def pdf_edition(index: Path, *, timeout: int = 300, target: str = "report.pdf") -> Path:
    """Print a report page (``index.html``) to ``target`` beside it with headless Chromium; returns the PDF's path.

    Parameters
    ----------
    index : Path
        The report page (``reports/<study>/index.html``).
    timeout : int
        Seconds to wait for the browser.
    target : str
        File name of the PDF in the report folder (see :func:`edition_name`).

    Returns
    -------
    Path
        ``report.pdf`` in the report folder.

    References
    ----------
    Chromium command-line switches ``--headless``, ``--print-to-pdf``, ``--no-pdf-header-footer``.

    Examples
    --------
    >>> pdf_edition(Path("reports/default/index.html"))  # doctest: +SKIP
    """
    browser = chromium()
    if browser is None:
        raise KamError("The PDF edition needs headless Chromium, which is not installed; run `make browser-deps` "
                       "(Debian's chromium), or leave pdf out of --format.")
    index = Path(index)
    target = index.with_name(target)
    tmp = index.with_name(target.name + ".tmp")
    with tempfile.TemporaryDirectory(prefix="kam-pdf-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--virtual-time-budget=20000", "--no-pdf-header-footer", f"--print-to-pdf={tmp}", index.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise KamError(f"Chromium could not print {index} to PDF (exit code {proc.returncode}): "
                       f"{proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else 'no message'}.")
    os.replace(tmp, target)
    return target


def _caption_paragraph(doc, label: str, caption: str, simulated: bool, T: dict) -> None:
    p = doc.add_paragraph(style="Caption")
    p.add_run(label + " ").bold = True
    if simulated:
        p.add_run(f"[{T['simulated']}] ").italic = True
    p.add_run(caption)


def _toc(doc, title: str) -> None:
    """A table-of-contents field (headings 1-2) that Word fills when the document is opened."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc.add_heading(title, level=1)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    doc.add_paragraph()._p.append(fld)
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _word_table(doc, cells: tuple) -> None:
    heads, rows, kinds = cells
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, heads):
        cell.text = str(head)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        out = table.add_row().cells
        for cell, value, kind in zip(out, row, kinds):
            cell.text = html.unescape(value).replace("\xa0", " ")
            if kind != "text":
                cell.paragraphs[0].alignment = 2  # right, as numbers are on the page


def docx_edition(out: Path, *, title: str, language: str, study_name: str, max_rows: int = 30,
                 quick: bool = False, target: str = "report.docx") -> Path:
    """Write the Word edition for the report folder ``out`` from its manifest; returns its path.

    The same outline as the HTML page (:func:`kamlib.workbench.report.outline`): executive summary, background,
    data, one section per framework stage led by its main figure, recommendations, limitations, reference tables.

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

    Returns
    -------
    Path
        The ``.docx`` file in the report folder.

    References
    ----------
    python-docx documentation, https://python-docx.readthedocs.io.

    Examples
    --------
    >>> docx_edition(Path("reports/default"), title="Key accounts", language="en", study_name="default")  # doctest: +SKIP
    """
    from docx import Document
    from docx.shared import Inches

    from . import report

    out = Path(out)
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        raise KamError(f"No manifest at {manifest_path}; run the notebooks first (kam run).")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    T = report._report_text(language)
    doc_ = report.outline(manifest, out, language=language, quick=quick)

    doc = Document()
    doc.add_heading(title, level=0)
    doc.add_paragraph(f"{T['study']}: {study_name} · {T['generated']} {out.name} · {doc_['n_artefacts']} {T['artefacts']}")
    if doc_["n_simulated"]:
        doc.add_paragraph(T["simulated_note"].replace("{badge}", f"[{T['simulated']}]"))
    _toc(doc, T["contents"])

    def add(a: dict) -> None:
        kind = a["kind"]
        if kind == "figure":
            doc.add_picture(str(out / report.figure_png(a, language)), width=Inches(6.2))
            _caption_paragraph(doc, a["label"], a["caption"], a.get("simulated", False), T)
        elif kind == "table":
            _caption_paragraph(doc, a["label"], a["caption"], a.get("simulated", False), T)
            heads, rows, kinds, total = report._table_cells(out / a["path"], language, max_rows, a.get("currency"))
            _word_table(doc, (heads, rows, kinds))
            if total > max_rows:
                doc.add_paragraph(T["rows_shown"].format(n=max_rows, total=total) + f": {a['path']}")
        else:
            _caption_paragraph(doc, a["label"], f"{a['caption']} ({a['path']})", a.get("simulated", False), T)

    doc.add_heading(T["executive_summary"], level=1)
    for f in doc_["summary"]:
        label = doc_["labels"].get(f.evidence)
        mark = f"[{T['simulated']}] " if f.simulated else ""
        doc.add_paragraph(mark + f.text() + (f" ({T['evidence']}: {label.rstrip('.')})" if label else ""),
                          style="List Number")
    if not doc_["summary"]:
        doc.add_paragraph(T["no_findings"])
    doc.add_heading(T["background"], level=1)
    doc.add_paragraph(T["background_text"])
    doc.add_heading(T["hypotheses"], level=2)
    if doc_["hypotheses"]:
        add(doc_["hypotheses"])
    else:
        doc.add_paragraph(T["no_hypotheses"])
    doc.add_heading(T["data_methods"], level=1)
    doc.add_paragraph(T["data_text"])
    if doc_["data_rows"]:
        rows = [[r["data"], r["notebook"], r["kind"], r["licence"], r["citation"]] for r in doc_["data_rows"]]
        _word_table(doc, (T["data_head"], [[html.escape(str(v)) for v in r] for r in rows], ["text"] * 5))
    for a in doc_["data"]:
        add(a)
    for section in doc_["sections"]:
        doc.add_heading(section["title"], level=1)
        if section["main"]:
            add(section["main"])
        if section["findings"]:
            doc.add_paragraph(" ".join(f.text() for f in section["findings"]))
        for nb in section["notebooks"]:
            doc.add_heading(f"{T['notebook']} {nb['name']}", level=2)
            for n in nb["notes"]:
                doc.add_paragraph(n, style="Intense Quote")
            for a in nb["artefacts"]:
                add(a)
    first = doc_["first_section"]
    doc.add_heading(f"{first}. {T['recommendations']}", level=1)
    for r in doc_["recommendations"] or [T["no_recommendations"]]:
        doc.add_paragraph(r, style="List Bullet")
    doc.add_heading(f"{first + 1}. {T['limitations']}", level=1)
    for r in doc_["limitations"]:
        doc.add_paragraph(r, style="List Bullet")
    doc.add_heading(T["reference_tables"], level=1)
    for a in doc_["reference"]:
        add(a)
    target_path = out / target
    tmp = out / (target + ".tmp")
    doc.save(str(tmp))
    os.replace(tmp, target_path)
    return target_path


def counts(out: Path) -> dict:
    """Figures and tables in the manifest of report folder ``out`` (what each edition must show)."""
    arts = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8")).get("artefacts", [])
    return {k: sum(a["kind"] == k for a in arts) for k in ("figure", "table")}


def write(study_file=None, *, quick: bool = False, formats=("html",), force: bool = False) -> list[Path]:
    """Build the study's report in each of ``formats`` (``html``, ``docx``, ``pdf``); returns the files written.

    Parameters
    ----------
    study_file : path, optional
        The study (default ``studies/default.yaml``).
    quick : bool
        The quick-size report folder.
    formats : sequence of str
        Any of :data:`FORMATS`; the HTML page is always built (the PDF is printed from it).
    force : bool
        Rebuild the HTML page even if the manifest is unchanged.

    Returns
    -------
    list of Path
        For each language (the study's first): the page and, as asked, the Word and PDF editions
        (``index.html``, ``report.docx``, ``report.pdf``; ``index.zh.html``, ``report.zh.docx``, ``report.zh.pdf``).

    Examples
    --------
    >>> write("studies/default.yaml", formats=("html", "docx"))  # doctest: +SKIP
    """
    from . import report
    from . import study as study_mod

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise KamError(f"Unknown report format {unknown[0]!r}; use any of {', '.join(FORMATS)} "
                       "(for example --format html,docx,pdf).")
    index = report.build(study_file, quick=quick, force=force)
    study = study_mod.load(study_file, quick=quick)
    main = study.language
    files = []
    for lang in report.languages(main):
        page = index.with_name(edition_name("html", lang, main))
        files.append(page)
        if "docx" in formats:
            files.append(docx_edition(index.parent, title=study.title_for(lang), language=lang, study_name=study.name,
                                      quick=quick, target=edition_name("docx", lang, main)))
        if "pdf" in formats:
            files.append(pdf_edition(page, target=edition_name("pdf", lang, main)))
    return files
