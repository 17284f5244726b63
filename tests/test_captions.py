"""Captions that carry the run's values carry them into every language.

A caption given as an f-string is plain English text: the report's Chinese edition then falls back to the catalogue's
fixed caption for the artefact id (``msgctxt "caption"``, :meth:`kamlib.workbench.artefacts.Artefacts._caption`), and
every date, unit, threshold, k, n and size the English says is lost. A caption with values is a
:class:`kamlib.i18n.Message` with named parameters, whose Chinese template in ``kamlib/locale/zh.po`` has the same
placeholders (docs/architecture.md, "Words in two languages").
"""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import pytest

from kamlib.i18n import catalogue

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The calls that record an artefact with a caption (the third positional argument, or ``caption=``).
RECORDERS = {"table", "figure", "document"}

#: Notebooks whose f-string captions are still to be turned into Messages, with the reason; shrink it, never grow it
#: (the test below fails when a notebook listed here has none left, so the entry is removed with the last one).
NOT_YET_CONVERTED: dict[str, str] = {}


def _code_cells(path: Path):
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            # IPython magics and shell lines are not Python: blank them, keeping the line numbers
            source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
            yield i, ast.parse(source)


def _interpolates(node) -> bool:
    """Whether an expression holds an f-string with a replacement field (``f"... {x} ..."``) anywhere in it (a branch
    of a conditional, a concatenation), outside a Message (whose parameters may be formatted text: a claim's
    ``f"{claimed:+.0%}"`` is a value the Chinese template shows too)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Message":
        return False
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    return any(_interpolates(child) for child in ast.iter_child_nodes(node))


def _caption(call: ast.Call):
    if len(call.args) > 2:
        return call.args[2]
    return next((k.value for k in call.keywords if k.arg == "caption"), None)


def fstring_captions(path: Path) -> list[str]:
    """The artefacts of a notebook whose caption is an f-string with values (directly, or through a name the same
    cell assigns one to), as ``"cell N: art_id"``."""
    found = []
    for i, tree in _code_cells(path):
        assigned = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RECORDERS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "art"):
                continue
            caption = _caption(node)
            if caption is None:
                continue
            values = assigned.get(caption.id, []) if isinstance(caption, ast.Name) else [caption]
            if any(_interpolates(v) for v in values):
                art_id = ast.unparse(node.args[1]) if len(node.args) > 1 else "?"
                found.append(f"cell {i}: {art_id}")
    return found


def message_templates(path: Path) -> list[tuple[str, str]]:
    """The ``(msgctxt, msgid)`` of every ``Message("literal", "context", ...)`` a notebook makes (context "note" when
    not given)."""
    out = []
    for _, tree in _code_cells(path):
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Message"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                context = node.args[1] if len(node.args) > 1 else None
                out.append((context.value if isinstance(context, ast.Constant) else "note", node.args[0].value))
    return out


def fields(template: str) -> set[str]:
    """The names of a template's replacement fields (``{share:.1%}`` is ``share``; ``{{`` is no field)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_checker_finds_an_fstring_caption_and_passes_a_message(tmp_path):
    """The static check itself: an f-string caption (directly, in a branch, or through a name) is found; a Message
    caption and a plain string are not."""
    cells = ['art.table(t, "a", f"Top {n} customers, {src}.")',
             'art.figure(f, "b", Message("Top {n}, {source}.", "caption", n=n, source=src) if x else f"None of {n}.")',
             'caption = f"Rules at alpha {alpha:g}."\nart.table(t, "c", caption, role="appendix")',
             'art.table(t, "d", Message("Top {n}, {source}.", "caption", n=n, source=src))',
             'art.table(t, "e", "Where the data come from.", role="provenance")',
             'art.document(d, "f", caption=f"Sources ({n}).")',
             'art.table(t, "g", Message("Lift against {claim}.", "caption", claim=f"{claimed:+.0%}"))']
    nb = {"cells": [{"cell_type": "code", "source": c} for c in cells], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    assert fstring_captions(path) == ["cell 0: 'a'", "cell 1: 'b'", "cell 2: 'c'", "cell 5: 'f'"]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_no_caption_with_values_is_an_fstring(path):
    """A caption that says something about the run (dates, units, thresholds, sizes, the source) is a Message with
    named parameters, so the Chinese edition says it too."""
    if path.stem in NOT_YET_CONVERTED:
        pytest.skip(NOT_YET_CONVERTED[path.stem])
    found = fstring_captions(path)
    assert not found, (f"{path.name}: these captions are f-strings, so the Chinese edition drops their values: "
                       f"{', '.join(found)}; write each as Message('... {{name}} ...', 'caption', name=...) and add its "
                       "Chinese to kamlib/locale/zh.po (msgctxt \"caption\", the same placeholders).")


def test_the_allow_list_only_names_notebooks_that_still_have_fstring_captions():
    """The allow-list shrinks: a notebook converted (or gone) leaves it."""
    stale = [name for name in NOT_YET_CONVERTED
             if not (NOTEBOOKS / f"{name}.ipynb").exists() or not fstring_captions(NOTEBOOKS / f"{name}.ipynb")]
    assert not stale, f"tests/test_captions.py: remove {', '.join(stale)} from NOT_YET_CONVERTED; no f-string caption is left."


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_message_caption_of_a_notebook_has_its_chinese(path):
    """Each Message a notebook makes as a caption, and each phrase it passes to one, has its Chinese template."""
    zh = catalogue("zh")
    missing = [msgid for context, msgid in message_templates(path)
               if context in ("caption", "phrase") and (context, msgid) not in zh]
    assert not missing, (f"{path.name}: no Chinese in kamlib/locale/zh.po for "
                         + "; ".join(repr(m) for m in missing) + "; add each with its msgctxt and the same placeholders.")


def test_each_chinese_template_has_the_placeholders_of_its_english():
    """A Chinese caption template fills the same named fields as its English msgid (a field it lacks drops a value of
    the run: the Chinese caption would say less); no Chinese template of any context names a field its English lacks
    (no value to fill: a KeyError when the report renders it). Other contexts may leave out a field that only English
    grammar needs (``{s}`` of a plural, ``{need}`` of "needs")."""
    wrong = []
    for (context, msgid), text in catalogue("zh").items():
        if "{" not in msgid:  # keyed by an id (a caption by artefact id, a report heading): not a template
            continue
        try:
            english, chinese = fields(msgid), fields(text)
        except ValueError as e:  # an unbalanced brace: not a template
            wrong.append(f"[{context}] {msgid[:60]!r}: {e}")
            continue
        if chinese - english or (context == "caption" and english != chinese):
            wrong.append(f"[{context}] {msgid[:60]!r}: English {sorted(english)}, Chinese {sorted(chinese)}")
    assert not wrong, "kamlib/locale/zh.po: templates whose placeholders differ from their msgid's: " + "; ".join(wrong)


def test_a_chinese_caption_says_the_values_of_the_english():
    """The failure this file guards against, end to end: a caption with the run's dates, unit and source says them in
    Chinese too (Table 3 of a B2B run lost them when it was an f-string)."""
    from kamlib.i18n import Message, time_unit

    caption = Message("RFM summary of the calibration period ({start} to {end}, in {unit}) with holdout purchases, "
                      "{source}.", "caption", start="2019-01-01", end="2021-12-31", unit=time_unit("W"),
                      source="superstore.xlsx")
    assert str(caption) == ("RFM summary of the calibration period (2019-01-01 to 2021-12-31, in weeks) with holdout "
                            "purchases, superstore.xlsx.")
    zh = caption.translate("zh")
    assert all(v in zh for v in ("2019-01-01", "2021-12-31", "周", "superstore.xlsx")), zh
