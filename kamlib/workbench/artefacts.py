"""Writing figures, tables and recorded values: the only code that writes report files.

A notebook creates one :class:`Artefacts` and passes every figure and table
through it. Files get stable names from their id, go under ``figures/`` and
``tables/`` of the output folder, and each is registered with its caption,
notebook, parameters hash, sha256 and library versions. :meth:`Artefacts.close`
writes ``manifest.part.json`` and ``values.json``; the runner merges those into
``reports/<study>/manifest.json`` only when the notebook succeeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
import re
import warnings
import weakref
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import defaults, style, verdicts
from .._progress import say
from ..config import reports_root
from ..errors import KamError
from ..i18n import Message, gettext, made, name_zh, translate

#: matplotlib's warning for a character no font in the family list can draw (printed as an empty box)
_MISSING_GLYPH = re.compile(r"Glyph (\d+) \(.*?\) missing from font")

KEY_LIBRARIES = [
    "kamlib", "pandas", "numpy", "scipy", "statsmodels", "lifetimes", "duckdb",
    "semopy", "scikit-learn", "matplotlib", "seaborn", "papermill",
]
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")

#: What an artefact is for in the report (the notebook says; the report renders roles and names no artefact):
#: ``main`` leads its framework section, ``appendix`` goes to Appendix A (bulky reference tables),
#: ``hypotheses`` is the summary's hypothesis table, ``provenance`` describes a data set, ``key`` is the table its
#: notebook's section shows in the body (else its first table, :func:`kamlib.workbench.report.body_exhibits`); None:
#: the section body when the body has room, else Appendix A.
ROLES = ("main", "appendix", "hypotheses", "provenance", "key")

#: How a key number or a sentence's number is shown (:func:`kamlib.i18n.number`): a share as a percentage, a count
#: (things counted, or an integer such as the k of the BG/CNBD-k) with thousands separators and no decimals, money
#: with the study's currency, a cutoff (a rule's threshold, :data:`kamlib.verdicts.RULES`) as the rule writes it
#: (0.95, 0.06), an estimate with the decimals of its size, text as it is.
KINDS = ("share", "count", "money", "cutoff", "estimate", "text")


#: The environment variable that tells a notebook's kernel where the run's stage results are published (the runner
#: sets it for the kernels it starts).
RESULTS_ENV = "KAM_RESULTS_DIR"
#: The layout of a kept stage result's file; a reader computes its own result from a file of another layout.
RESULT_FORMAT = 2


def kamlib_code_hash() -> str:
    """A hash of kamlib's code and data files: a notebook reruns when it changes (the runner's fingerprint), and a
    stage result is read only by the code that wrote it (:meth:`Artefacts.keep`)."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for p in sorted(package.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".yaml", ".yml", ".csv", ".json"}:
            h.update(p.relative_to(package.parent).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python and the key libraries."""
    out = {"python": platform.python_version()}
    for name in KEY_LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _current_cell() -> str | None:
    """The source of the notebook cell running now (None outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    ip = get_ipython()
    history = ip.user_ns.get("_ih") if ip is not None else None
    return str(history[-1]) if history else None


def params_hash(parameters: dict[str, Any]) -> str:
    """Hash of a parameter dict, independent of key order."""
    text = json.dumps(parameters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def jsonable(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return None if math.isnan(v) else v
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return [jsonable(v) for v in list(value)]
    return value


def _round_frame(df: pd.DataFrame, digits: int) -> pd.DataFrame:
    """Round floats to ``digits`` significant digits so tables are stable across platforms."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: float(f"{v:.{digits}g}") if pd.notna(v) else v)
    return out


class Artefacts:
    """Registry of one notebook's outputs.

    Parameters
    ----------
    notebook : str
        Notebook id, for example ``"01_data_overview"``.
    parameters : dict
        The notebook's parameters (hashed into every manifest entry).
    output_dir : str or Path, optional
        Where to write. The runner passes a staging folder; interactively the
        default is ``reports/scratch/<notebook>``.
    language : {"en", "zh"}
        Caption language; both are stored when a caption is a dict.
    figure_dpi : int
        Resolution of the PNG figures in ``language``; the other language's copy is drawn at two thirds of it.
    """

    def __init__(self, notebook: str, parameters: dict[str, Any] | None = None,
                 output_dir: str | Path | None = None, language: str = "en",
                 figure_dpi: int = defaults.FIGURE_DPI):
        self.notebook = notebook
        self.figure_dpi = int(figure_dpi)
        self.parameters = dict(parameters or {})
        self.language = language
        self.root = Path(output_dir) if output_dir else reports_root() / "scratch" / notebook
        self.root.mkdir(parents=True, exist_ok=True)
        self.entries: list[dict[str, Any]] = []
        self.values: dict[str, Any] = {}
        self.notes: list[str] = []
        self.notes_zh: list[str | None] = []
        self.demonstration_notes: list[int] = []  # positions in notes of those said in a method demonstration
        self.stages: list[dict[str, Any]] = []
        self.key_numbers: list[dict[str, Any]] = []
        self.findings: list[dict[str, Any]] = []
        self.recommendations: list[dict[str, Any]] = []
        self.limitations: list[dict[str, Any]] = []
        self.kept: list[str] = []
        self.shown: list[str] = []  # the method demonstrations that ran (demonstrations.KINDS)
        self._demonstrating = False
        self._hash = params_hash(self.parameters)
        self._versions = versions()
        # the verdict rules this notebook reads, from here to close(), in any thread (a kernel that ran another
        # notebook before, or the same one, records only this run's); closed when the object goes, if not before
        self._rules = verdicts.Applied().open()
        weakref.finalize(self, self._rules.close)
        style.apply(language)

    # -- helpers -----------------------------------------------------------
    def _check_id(self, art_id: str) -> None:
        if not _ID.match(art_id):
            raise KamError(f"Artefact id {art_id!r} must be lower-case letters, digits and underscores.")
        if any(e["id"] == art_id for e in self.entries):
            raise KamError(f"Artefact id {art_id!r} is used twice in notebook {self.notebook}; give each a new id.")

    def _caption(self, caption: str | dict[str, str], art_id: str) -> dict[str, str]:
        """The caption in every language: a :class:`~kamlib.i18n.Message` translates itself; other English
        text takes the catalogue's caption for the artefact id (``msgctxt "caption"``)."""
        if isinstance(caption, dict):
            if "en" not in caption:
                raise KamError("A caption dict needs at least an 'en' entry.")
            return dict(caption)
        out = {"en": str(caption)}
        zh = translate(caption, "zh") if isinstance(caption, Message) else gettext(art_id, "caption")
        if zh:
            out["zh"] = zh
        return out

    def _register(self, art_id, kind, caption, files, simulated, extra=None, role=None):
        if role is not None and role not in ROLES:
            raise KamError(f"Artefact {art_id!r}: role {role!r} is not one of {', '.join(ROLES)} (or None).")
        main = files[0]
        cell = _current_cell()
        entry = {
            "id": art_id,
            "kind": kind,
            "caption": self._caption(caption, art_id),
            "path": f"{kind}s/{main.name}",
            "files": [f"{kind}s/{p.name}" for p in files],
            "notebook": self.notebook,
            "order": len(self.entries) + 1,  # position in the notebook, for the report
            "cell_source": cell,  # the runner turns it into the cell's id and the kamlib functions it calls
            "parameters_hash": self._hash,
            "sha256": sha256(main),
            "simulated": bool(simulated),
            **({"demonstration": True} if self._demonstrating else {}),
            "role": role,
            "versions": self._versions,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        entry.update(extra or {})
        self.entries.append(entry)
        return main

    # -- public API --------------------------------------------------------
    def figure(self, fig, art_id: str, caption: str | dict[str, str], *, simulated: bool = False,
               role: str | None = None, terms: dict[str, str] | None = None) -> Path:
        """Save ``fig`` as PNG (the study's ``figure_dpi``, 300 by default) and SVG under ``figures/`` in the
        study's language, and as a PNG of the same size and resolution in the other language (``<id>.zh.png`` or
        ``<id>.en.png``, for the report's other edition); register it. Figures are drawn in English; the Chinese version has every word the glossary knows
        translated (:func:`kamlib.style.translate_figure`; ``terms``: more English to Chinese for this figure, such
        as a questionnaire's answer labels). ``role="main"``: the figure leads its section (:data:`ROLES`). A
        character that no font can draw stops the run (:class:`KamError`); titles, axis labels and legend entries
        left in English in the Chinese version are recorded as ``untranslated_zh``."""
        import matplotlib.pyplot as plt

        self._check_id(art_id)
        folder = self.root / "figures"
        folder.mkdir(exist_ok=True)
        if simulated:
            style.mark_simulated(fig, "en")
        png, svg = folder / f"{art_id}.png", folder / f"{art_id}.svg"
        other = folder / f"{art_id}.{'en' if self.language == 'zh' else 'zh'}.png"
        english, chinese = ([other], [png, svg]) if self.language == "zh" else ([png, svg], [other])

        def save(path: Path) -> None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if path == svg:
                    fig.savefig(svg, metadata={"Date": None, "Creator": None})
                else:
                    fig.savefig(path, dpi=self.figure_dpi, metadata={"Software": None})  # both editions alike
            missing = sorted({chr(int(m.group(1))) for w in caught if (m := _MISSING_GLYPH.search(str(w.message)))})
            for w in caught:
                if not _MISSING_GLYPH.search(str(w.message)):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            if missing:
                plt.close(fig)
                raise KamError(
                    f"Figure {art_id!r} ({path.name}) has characters its fonts cannot draw ({''.join(missing[:10])}); "
                    "reinstall the locked requirements (mplfonts carries the Chinese font) or remove them.")

        for path in english:
            save(path)
        style.translate_figure(fig, terms=terms)
        left = style.untranslated(fig)
        for path in chinese:
            save(path)
        plt.close(fig)
        return self._register(art_id, "figure", caption, [png, svg, other], simulated, role=role,
                              extra={"untranslated_zh": left} if left else None)

    def table(self, df: pd.DataFrame, art_id: str, caption: str | dict[str, str], *,
              simulated: bool = False, index: bool = False, digits: int = 6, role: str | None = None) -> pd.DataFrame:
        """Save ``df`` as CSV, Markdown and LaTeX (booktabs) under ``tables/`` and register it.

        ``role`` (:data:`ROLES`): ``"appendix"`` for a bulky reference table, ``"hypotheses"`` for the
        summary's hypothesis table, ``"provenance"`` for where a data set comes from.

        Floats are rounded to ``digits`` significant digits, so reruns are byte-identical.
        Returns the rounded frame, so the notebook displays what was written.
        """
        self._check_id(art_id)
        if not isinstance(df, pd.DataFrame):
            raise KamError(f"Table {art_id!r} must be a pandas DataFrame, got {type(df).__name__}.")
        folder = self.root / "tables"
        folder.mkdir(exist_ok=True)
        out = df.reset_index() if index else df.reset_index(drop=True)
        out = _round_frame(out, digits)
        out.columns = [str(c) for c in out.columns]
        cap = self._caption(caption, art_id)
        label = ("Simulated data. " if simulated else "") + cap["en"]
        csv, md, tex = folder / f"{art_id}.csv", folder / f"{art_id}.md", folder / f"{art_id}.tex"
        out.to_csv(csv, index=False, lineterminator="\n")
        md.write_text(f"Table: {label}\n\n" + out.to_markdown(index=False) + "\n", encoding="utf-8")
        latex = out.style.hide(axis="index").format(precision=4, na_rep="").to_latex(
            hrules=True, caption=_latex_escape(label), label=f"tab:{art_id}", position="htbp")
        tex.write_text(latex, encoding="utf-8")
        self._register(art_id, "table", caption, [csv, md, tex], simulated,
                       {"rows": int(len(out)), "columns": list(out.columns), "cells_zh": _cells_zh(out),
                        "names": _names(out)}, role=role)
        return out

    def document(self, text: str, art_id: str, caption: str | dict[str, str], *, simulated: bool = False) -> Path:
        """Save a Markdown document (e.g. the printable questionnaire) as ``.md`` and ``.html``."""
        import mistune

        self._check_id(art_id)
        folder = self.root / "documents"
        folder.mkdir(exist_ok=True)
        md, html = folder / f"{art_id}.md", folder / f"{art_id}.html"
        md.write_text(text, encoding="utf-8")
        body = mistune.html(text)
        html.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{font-family:sans-serif;"
                        "max-width:50em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #999;"
                        f"padding:.3em}}</style></head><body>{body}</body></html>\n", encoding="utf-8")
        return self._register(art_id, "document", caption, [md, html], simulated)

    def text_file(self, text: str, art_id: str, caption: str | dict[str, str], *, ext: str) -> Path:
        """Save a plain-text artefact such as a BibTeX file (``ext="bib"``) under ``documents/``."""
        self._check_id(art_id)
        if not re.fullmatch(r"[a-z0-9]{1,8}", ext):
            raise KamError(f"File extension {ext!r} must be 1-8 lower-case letters or digits, e.g. 'bib'.")
        folder = self.root / "documents"
        folder.mkdir(exist_ok=True)
        path = folder / f"{art_id}.{ext}"
        path.write_text(text, encoding="utf-8")
        return self._register(art_id, "document", caption, [path], False)

    def deliverable(self, df: pd.DataFrame, art_id: str, caption: str | dict[str, str]) -> Path:
        """Save ``df`` as ``<id>.csv`` (UTF-8 with a byte-order mark, so Excel reads Chinese) and ``<id>.xlsx`` at the
        top of the study's report folder (``reports/<study>/accounts.csv``): a file for a team to work with, such as
        the account list (:func:`kamlib.tiers.account_sheet`), written as it is (headers already in the study's
        language); the report lists it as a document with links to both files. A later notebook may write it again
        with more columns (the personalisation stage adds the next best products to the account list): the runner
        lists the files once, as the last writer's."""
        self._check_id(art_id)
        csv, xlsx = self.root / f"{art_id}.csv", self.root / f"{art_id}.xlsx"
        df.to_csv(csv, index=False, lineterminator="\n", encoding="utf-8-sig")
        df.to_excel(xlsx, index=False, sheet_name=art_id[:31])
        return self._register(art_id, "document", caption, [csv, xlsx], False,
                              {"path": csv.name, "files": [csv.name, xlsx.name], "rows": int(len(df))})

    def note(self, *sentences: str | None) -> None:
        """Say something the reader must know about this run (a degenerate model, an empty tier, a fallback).

        The sentences (one note) are printed in the notebook and shown at the top of the notebook's section of
        the report. A :class:`~kamlib.i18n.Message` gives the Chinese edition its own text (from the
        catalogue); a plain English sentence is shown in English there, marked as such. ``None`` (nothing to
        say) is ignored, so ``art.note(fitted.diagnosis())`` is safe.
        """
        parts = [s for s in sentences if s]
        if parts:
            text = " ".join(str(s) for s in parts)
            print(f"Note: {text}")
            if self._demonstrating:
                self.demonstration_notes.append(len(self.notes))
            self.notes.append(text)
            zh = [translate(s, "zh") for s in parts]
            self.notes_zh.append(None if None in zh else "".join(zh))

    def stage(self, name: str, *checks, needs=()) -> bool:
        """Whether the stage ``name`` runs: every check of :mod:`kamlib.stages` passes and every stage it
        ``needs`` ran. Otherwise the first failed check's sentence is noted (shown in the notebook and the
        report) and the stage is recorded as not run, so that no figure, table or value comes from data that
        cannot support it; the rest of the notebook goes on.

        Parameters
        ----------
        name : str
            The stage, as a reader names it (``"purchase models"``).
        *checks : kamlib.stages.Check or callable
            Its preconditions; a callable returning a Check is called only when every stage it ``needs``
            ran (so it may use their results).
        needs : iterable of str
            Earlier stages whose results it uses.

        Returns
        -------
        bool
            True when the stage runs (use as ``if art.stage(...):``).
        """
        ran = {s["stage"]: s["ran"] for s in self.stages}
        blocked_by = next((dep for dep in needs if not ran.get(dep, False)), None)
        reason = Message("It needs the {stage}, which did not run.", stage=blocked_by) if blocked_by else None
        if reason is None:
            reason = next((c.reason for c in (c() if callable(c) else c for c in checks) if not c), None)
            if reason is not None:
                self.note(reason)
        self.stages.append({"stage": name, "ran": reason is None, "reason": str(reason or ""), "blocked_by": blocked_by,
                            "reason_zh": translate(reason, "zh")})
        if reason is not None:
            print(f"Skipped: {name}.")
        else:
            say(name)  # what the notebook is doing now: under the cell in Lab, and in kam run's output
        return reason is None

    def ran(self, name: str) -> bool:
        """Whether the stage ``name`` ran (see :meth:`stage`)."""
        return any(s["stage"] == name and s["ran"] for s in self.stages)

    def record(self, name: str, value: Any, *, kind: str | None = None, label: str | None = None,
               demonstration: bool = False) -> Any:
        """Record a value (asserted by the tests, quoted by the report's findings).

        With ``label``, the value is also one of the report's key numbers, shown as ``kind`` (:data:`KINDS`)
        under that label (a :class:`~kamlib.i18n.Message`, or English text that the catalogue's ``key_number``
        entries translate). A value that is None or NaN is recorded but never shown as a key number; a ``text``
        value is translated as a table cell is. ``demonstration=True``: the value comes from another data set
        than the case company's, and its tile says so.
        """
        self.values[name] = jsonable(value)
        if label is not None:
            if kind not in KINDS:
                raise KamError(f"Key number {name!r}: kind {kind!r} is not one of {', '.join(KINDS)}.")
            self.key_numbers.append({"key": name, "kind": kind, "label": str(label),
                                     "label_zh": translate(label, "zh", "key_number"),
                                     "value_zh": translate(value, "zh") if kind == "text" else None,
                                     **({"demonstration": True} if demonstration or self._demonstrating else {})})
        return value

    def demonstration(self, kind: str, *, notebook: bool = False) -> bool:
        """Whether the method demonstration ``kind`` on other data than the case's runs (use as
        ``if art.demonstration("telecom"):``).

        The study's ``report.demonstrations`` decides (:func:`kamlib.workbench.demonstrations.mode`; a notebook run
        without the key shows them). When it runs, every artefact, key number and finding registered after this
        call is marked a demonstration, which the report places in its appendix of method demonstrations, until
        :meth:`case`. When it does not, the notebook skips the demonstration, so nothing is computed, and the
        report says once that demonstrations are off.

        Parameters
        ----------
        kind : str
            A key of :data:`kamlib.workbench.demonstrations.KINDS` (``"telecom"``, ``"textbook"``, ``"campaign"``,
            ``"peeking"``, ``"programme"``, ``"reviews"``, ``"survey"``, ``"answers"``).
        notebook : bool
            The whole notebook is the demonstration: when it does not run, the notebook stops here
            (:func:`kamlib.workbench.notebook.skip`, with :data:`~kamlib.workbench.demonstrations.OFF`).

        Returns
        -------
        bool
        """
        from . import demonstrations

        if kind not in demonstrations.KINDS:
            raise KamError(f"Demonstration {kind!r} is not one of {', '.join(demonstrations.KINDS)}; add it to "
                           "kamlib.workbench.demonstrations.KINDS with its name in the report.")
        on = demonstrations.mode(self.parameters.get("report_demonstrations"),
                                 self.parameters.get("transactions_source", demonstrations.SHIPPED[0])) == "appendix"
        if not on:
            print(f"Skipped: the method demonstration on {demonstrations.KINDS[kind]} (report.demonstrations: off).")
            if notebook:
                from .notebook import skip

                skip(demonstrations.OFF)
            return False
        if kind not in self.shown:
            self.shown.append(kind)
        self._demonstrating = True
        return True

    def case(self) -> None:
        """End a method demonstration (:meth:`demonstration`): what follows is the case's own data again."""
        self._demonstrating = False

    def keep(self, name: str, result: Any) -> Any:
        """Record a stage result for the notebooks after this one (``results/<name>.pickle``).

        The runner publishes it to ``reports/<study>/results/`` with the notebook's other files and runs the
        notebooks that read it (:func:`kamlib.workbench.notebook.stage_result`) after this one, so that a concept
        such as the key accounts is computed once per run and shows one count in the whole report. The parameters
        it was computed with travel with it: a reader whose study parameters differ computes its own.
        """
        import pickle

        if not _ID.match(name):
            raise KamError(f"Stage result name {name!r} must be lower-case letters, digits and underscores.")
        folder = self.root / "results"
        folder.mkdir(parents=True, exist_ok=True)
        payload = {"format": RESULT_FORMAT, "kamlib": kamlib_code_hash(), "notebook": self.notebook,
                   "parameters": jsonable(self.parameters), "result": result}
        (folder / f"{name}.pickle").write_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        if name not in self.kept:  # kept again: the later result replaces the earlier
            self.kept.append(name)
        return result

    def finding(self, key: str, template: str, *, evidence: str | None = None, priority: int = 50,
                demonstration: bool = False, **numbers) -> None:
        """A sentence of the report's executive summary, said by the notebook that computed its numbers.

        ``template`` is English with one ``{name}`` per number; the catalogue (``msgctxt "finding"``) gives its
        Chinese. A number is ``name=("value key", kind)`` or ``("value key", kind, index)``: a value this
        notebook recorded, shown as ``kind`` (:data:`KINDS`) in the report's language and marked up with the
        recorded value; ``name="words"`` (or a list of words) is text. The summary lists the findings of every
        notebook by ``priority`` (lower first), at most eight; ``evidence`` is the artefact the sentence rests on.
        ``demonstration=True``: the sentence is about a data set other than the case company's (a public corpus,
        a published survey): the summary lists it apart, as a method demonstration, and no recommendation may rest
        on it. A finding whose evidence is simulated is a demonstration too.
        """
        self._sentence(self.findings, key, template, numbers, evidence=evidence, priority=priority,
                       **({"demonstration": True} if demonstration or self._demonstrating else {}))

    def recommendation(self, key: str, template: str, *, priority: int = 50, **numbers) -> None:
        """What the results suggest doing, one sentence, as :meth:`finding` (the report lists them by priority)."""
        self._sentence(self.recommendations, key, template, numbers, priority=priority)

    def limitation(self, key: str, template: str, **numbers) -> None:
        """What limits the conclusions this notebook's results support, one sentence, as :meth:`finding`."""
        self._sentence(self.limitations, key, template, numbers)

    def _sentence(self, into: list, key: str, template: str, numbers: dict, **extra) -> None:
        import string

        fields = {f for _, f, _, _ in string.Formatter().parse(str(template)) if f}
        if fields != set(numbers):
            raise KamError(f"Sentence {key!r}: its template names {sorted(fields)}, and the numbers given are "
                           f"{sorted(numbers)}; give one number per field.")
        spec = {}
        for name, v in numbers.items():
            if isinstance(v, tuple):
                value_key, kind, *index = v
                if value_key not in self.values:
                    raise KamError(f"Sentence {key!r}: {value_key!r} was not recorded in {self.notebook}; "
                                   "art.record it first.")
                if kind not in KINDS:
                    raise KamError(f"Sentence {key!r}: kind {kind!r} is not one of {', '.join(KINDS)}.")
                spec[name] = {"key": value_key, "kind": kind, **({"index": index[0]} if index else {})}
            elif isinstance(v, Message):  # a sentence part: its Chinese from the catalogue
                spec[name] = {"text": str(v), "text_zh": translate(v, "zh") or str(v)}
            else:
                words = [str(w) for w in v] if isinstance(v, list) else [str(v)]
                spec[name] = {"text": ", ".join(words), "text_zh": name_zh(words)}
        into.append({"key": key, "template": str(template), "numbers": spec, **extra})

    def close(self) -> Path:
        """Write this notebook's manifest part and values; returns the manifest part path."""
        part = self.root / "manifest.part.json"
        payload = {
            "notebook": self.notebook,
            "parameters": jsonable(self.parameters),
            "parameters_hash": self._hash,
            "artefacts": self.entries,
            "notes": self.notes,
            "notes_zh": self.notes_zh,
            "stages": self.stages,
            "key_numbers": self.key_numbers,
            "findings": self.findings,
            "recommendations": self.recommendations,
            "limitations": self.limitations,
            "results": self.kept,
            "demonstrations": self.shown,
            "demonstration_notes": self.demonstration_notes,
            "verdicts": self._rules.names(),  # the verdict rules this notebook read (the report's Appendix B)
        }
        self._rules.close()
        part.write_text(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        (self.root / "values.json").write_text(
            json.dumps(self.values, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        return part


def _cells_zh(df: pd.DataFrame) -> dict[str, str]:
    """The Chinese of the generated phrases in a table (cells made as a :class:`~kamlib.i18n.Message` in this
    process, :func:`kamlib.i18n.made`), by their English text: the report's Chinese edition shows them in their
    place."""
    out = {}
    for c in df.columns:
        if not pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            for v in pd.unique(df[c].dropna()):
                message = made(v) if isinstance(v, str) else None
                if message is not None and str(v) not in out:
                    zh = message.translate("zh")
                    if zh is not None:
                        out[str(v)] = zh
    return dict(sorted(out.items()))


def _names(df: pd.DataFrame) -> dict[str, dict]:
    """The names of the codes a table holds, in its cells or as column names, that a file read in this process
    names (a questionnaire's constructs, :func:`kamlib.i18n.name_codes`): the report shows "Trust (TR)"."""
    from ..i18n import named

    codes = {str(c) for c in df.columns}
    codes |= {str(c).split("_", 1)[1] for c in df.columns if "_" in str(c)}  # a group's statistic: estimate_large
    for c in df.columns:
        if not pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            codes |= {v for v in pd.unique(df[c].dropna()) if isinstance(v, str)}
    return {code: named(code) for code in sorted(codes) if named(code)}


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _latex_escape(text: str) -> str:
    return re.sub(r"[\\&%$#_{}~^]", lambda m: _LATEX[m.group()], text)
