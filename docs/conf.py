"""Sphinx configuration of the kam-workbook documentation (``make docs``; ``make test`` builds it with -W).

The guide pages are Markdown (MyST) in this folder; the API reference (``api/index.rst``) is autodoc and
autosummary over kamlib's numpydoc docstrings (napoleon), one generated page per module in ``api/generated/``
(not in git). Nothing is downloaded at build time (no intersphinx) and no example is executed: the docstring
examples run as doctests in ``make test``.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # document the kamlib of this checkout, installed or not

project = "kam-workbook"
author = "kam-workbook authors"
copyright = "kam-workbook authors"
release = version = "0.1.0"

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store"]
language = "en"

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autosummary_generate = True
autosummary_imported_members = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc docstrings carry the types

myst_heading_anchors = 3

html_theme = "alabaster"
html_title = "kam-workbook"
html_static_path = []
html_show_sourcelink = False

_HEADER = re.compile(r"^-{3,}\s*$")


def _references_as_paragraphs(app, what, name, obj, options, lines):
    """Each reference of a numpydoc References section is its own paragraph.

    kamlib writes a long reference with a hanging indent; reStructuredText would read that as a definition list,
    and a reference without one that follows it as a broken list. The continuation lines are joined to their
    reference and a blank line is put between references, before napoleon reads the section.
    """
    out, in_refs, i = [], False, 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and _HEADER.match(lines[i + 1]) and line.strip():
            in_refs = line.strip() == "References"
            out += [line, lines[i + 1]]
            i += 2
            continue
        if in_refs and line.startswith((" ", "\t")) and line.strip() and out and out[-1].strip():
            out[-1] = out[-1].rstrip() + " " + line.strip()
        elif in_refs and line.strip() and out and out[-1].strip() and i > 0 and lines[i - 1].startswith((" ", "\t")):
            out += ["", line]
        else:
            out.append(line)
        i += 1
    lines[:] = out


def setup(app):
    app.connect("autodoc-process-docstring", _references_as_paragraphs, priority=100)
