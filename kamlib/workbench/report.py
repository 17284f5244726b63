"""Assemble a study's artefacts into one self-contained HTML report: ``reports/<study>/index.html``.

The page is the template ``templates/report.html.j2`` (Jinja2), filled by small functions from
the manifest alone: figures embedded (PNG, scaled for the screen), tables rendered from their CSV,
sections in the order of the framework's stages (each notebook declares its stage), the
hypothesis table first, a badge on every artefact made from simulated data, and for every figure
and table a link to the notebook cell that made it (in the executed notebook's HTML, code visible)
with the kamlib functions that cell calls. The appendix shows the parameters each notebook *ran
with*, as recorded in the manifest, beside their hash. ``@media print`` rules make printing to
PDF give a clean document. The page checks itself when opened: ``<body data-broken-images=N
data-cjk-font=yes|no>`` (used by the browser test).
"""

from __future__ import annotations

import dataclasses
import base64
import html
import io
import json
import math
import os
import re
from pathlib import Path

import pandas as pd

from ..errors import KamError
from ..i18n import gettext
from . import authors, methods

TEXT = {
    "en": {"literature": "What do the sources claim, and which claims can the data test?",
           "understand": "What drives satisfaction and loyalty, and what do customers' reviews say?",
           # the section's title as the run has it: a study with a survey and no reviews (or reviews alone)
           "understand_survey": "What drives satisfaction and loyalty?",
           "understand_reviews": "What do customers' reviews say?",
           "identify": "Who are the key accounts, and how concentrated is revenue?",
           "segment": "Which groups of customers are there, and who is leaving?",
           "act": "What should each customer be offered next?",
           "evaluate": "Which selection rules and actions pay, and how would we know?", "other": "Other analyses",
           "lead_literature": "The literature stage turns the sources into a register of themes and stated facts, so "
                              "that later sections can say which claims this company's data support.",
           # the section's lead as the run has it, as its title (_section_title_key): survey and reviews, or one
           "lead_understand": "The survey and the customers' reviews ask why customers stay: which perceptions "
                              "drive the outcomes of the study's research model, whether groups of customers differ, "
                              "and what the reviews praise and criticise.",
           "lead_understand_survey": "The survey asks why customers stay: which perceptions drive the outcomes of the "
                                     "study's research model, and whether groups of customers differ.",
           "lead_understand_reviews": "The customers' reviews say why customers stay or leave: what they praise and "
                                      "criticise, aspect by aspect.",
           "lead_identify": "Key-account management starts by finding the few customers who bring most revenue and "
                            "judging their future value and risk from the transaction log.",
           "lead_segment": "Segments, lifecycle stages and churn scores divide the customers so that each group can "
                           "be served by its own rule.",
           "lead_act": "Cross-selling rules and personalised recommendations turn the log into offers, tested on "
                       "purchases the models did not see.",
           "lead_evaluate": "Each selection rule, campaign test and budget split is checked on held-out data or "
                            "with a stated model, before any money is spent.",
           "lead_other": "",
           "repeated_note": "{head}: as in the note of section {section}.",
           "figure": "Figure", "table": "Table", "document": "Document", "simulated": "Simulated data",
           "hypotheses": "The hypotheses at a glance", "summary": "Summary", "contents": "Contents",
           "appendix": "Appendix B: parameters and versions", "notebook": "notebook", "cell": "cell",
           "rows_shown": "first {n} of {total} rows; full table",
           "key_numbers": "Key numbers", "generated": "Built from the manifest of", "artefacts": "artefacts",
           "no_hypotheses": "The survey notebook did not run in this study (no survey is part of it), so the report "
                            "has no hypothesis table.",
           "params": "Parameters", "versions": "Library versions", "open": "open", "study": "study",
           "params_note": "The parameters each notebook ran with, as recorded when it ran (not the study file as it is now).",
           "simulated_note": "Figures and tables marked {badge} come from data simulated by the workbook from a documented model; replace them with your own data through the study file.",
           "executive_summary": "Executive summary", "evidence": "evidence",
           "demonstrations": "Method demonstrations on other data",
           "demonstrations_note": "These results come from data other than the case company's (a public review corpus, "
                                  "a published survey, simulated answers): they show that each method works, they say "
                                  "nothing about the company, and no recommendation rests on them.",
           "no_findings": "No notebook of this study recorded the values the summary is made from.",
           "background": "1. Background and research questions",
           "literature_review": "Theory and prior research",
           "methods": "Methods",
           "background_hypotheses": "The hypotheses below are the survey's questions; each section after the data "
                                    "answers one stage of this framework.",
           "background_hypotheses_demonstrated": "The survey's hypotheses are tested in this run on simulated answers "
                                                 "only, shown in Appendix C, so the case's own data test none of "
                                                 "them; each section after the data answers one stage of this "
                                                 "framework on the case's data.",
           "background_survey_no_model": "The survey in this run declares no research model (survey.model), so it "
                                         "tests no hypothesis; each section after the data answers one stage of this "
                                         "framework.",
           "background_no_hypotheses": "No survey is part of this run, so it tests no hypothesis: the case's own data "
                                       "(a transaction log) test none; each section after the data answers one "
                                       "stage of this framework on them.",
           "background_survey_text": "This study tests a research model on a questionnaire survey: the constructs and "
                                     "items of its instrument, and the hypotheses of its model below. The study has no "
                                     "transaction log; the sections after the data report the survey's measurement, its "
                                     "structural model and each hypothesis's test.",
           "data_methods": "2. Data and methods",
           "data_text": "Each data set below is named with its source, licence and whether it is real; the methods of "
                        "each figure and table are linked from its caption (the notebook cell and the kamlib "
                        "functions it calls).",
           "declared_head": ["hypothesis", "statement", "basis"],
           "declared_lead": "Each hypothesis of the study's research model and what it is developed from: peer-reviewed "
                            "works by author and year, practice sources by their register id, and the study author's "
                            "assumption where no verified peer-reviewed work states it.",
           "data_head": ["data", "used in", "real or simulated", "licence", "source"], "real": "real", "real_not_stated": "not stated (no provenance note)",
           "simulated_data_of": "simulated data of notebook {notebook}",
           "simulated_licence": "generated by the workbook (kamlib), no licence needed",
           "simulated_how": "drawn by kamlib from a documented model with seed {seed}; replace it through the study file",
           "recommendations": "Recommendations", "limitations": "Limitations", "references": "References",
           "discussion": "Discussion",
           "discussion_lead": "Each claim the sources make that this run can test, set against its statistic: the "
                              "verdict follows the rule in the evidence column; a claim shown only on other data, or "
                              "not tested, is not evidence about the company.",
           "claims_head": ["claim", "source", "the sources say", "verdict", "evidence in this run"],
           "closing": "What this means",
           "rules_title": "Verdict rules",
           "rules_note": "The rule behind every automatic verdict of this report (kamlib.verdicts): the statistic, "
                         "its cut-off and who set it.",
           "rules_head": ["criterion", "source", "what meeting it means"], "method_demonstration": "method demonstration",
           "table_part_columns": "part {i} of {n}: columns {first}-{last} of {of}",
           "demonstration_badge": "method demonstration: not the case company's data",
           "references_note": "Every work the text, verdicts, captions and tables of this report cite, in APA style "
                              "(7th edition), formatted by pandoc's citeproc from the official CSL style and "
                              "data/literature/methods.bib.",
           # said after references_note only when the list holds practice sources (references_note())
           "references_practice": "Then the case's practice sources, listed by their register id, which the text "
                                  "cites.",
           "reference_missing": "not in data/literature/methods.bib",
           "no_recommendations": "The notebooks that recommendations are drawn from did not run for this study.",
           "reference_tables": "Appendix A: further exhibits and reference tables",
           "further_exhibits": "Further exhibits of this notebook, in Appendix A", "other_edition": "中文版",
           "demonstrations_appendix": "Appendix C: method demonstrations on other data",
           "demonstrations_where": "Appendix C",
           "quick": " (quick run: reduced sizes)",
           "rq_answers": "The research questions, answered by this run's numbers"},
}


#: Punctuation that ends a Chinese sentence or clause: the next sentence follows without a space.
_CJK_STOPS = "。!?;:)」』"


def run_together(texts) -> str:
    """Sentences run together as one paragraph: a space after an English sentence, nothing after a Chinese one
    (a space after "。" is a typesetting fault), so a Chinese edition with an English fallback in it reads right.

    Examples
    --------
    >>> from kamlib.workbench.report import run_together
    >>> run_together(["Revenue is concentrated.", "Key accounts are 252."])
    'Revenue is concentrated. Key accounts are 252.'
    >>> run_together(["收入高度集中。", "大客户有 252 名。", "An English note."])
    '收入高度集中。大客户有 252 名。An English note.'
    """
    out = ""
    for text in texts:
        text = str(text.text() if callable(getattr(text, "text", None)) else text).strip()  # a finding or a str
        if text:
            out += (gap_after(out) if out else "") + text
    return out


def gap_after(before) -> str:
    """What follows a sentence, a run-in heading or a finding before the next text: nothing after Chinese
    punctuation, a space after anything else."""
    return "" if str(before).rstrip()[-1:] in _CJK_STOPS else " "


def _chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]$", text) is not None


def heading_stop(heading: str) -> str:
    """A run-in heading with its full stop: "。" after Chinese, "." after English."""
    return heading + ("。" if _chinese(heading) else ".")


def cite_evidence(word: str, label: str) -> str:
    """A finding's evidence in brackets: "(evidence: Figure 10)", or "(依据:图 10)" after a Chinese word."""
    return f"({word}:{label.rstrip('.')})" if _chinese(word) else f"({word}: {label.rstrip('.')})"


def report_text(language: str) -> dict:
    """The report's headings and sentences in ``language``: the catalogue's ``report`` entries by key (the
    English where the catalogue has none)."""
    if language == "en":
        return TEXT["en"]
    return {k: ([gettext(h, "report", language) or h for h in v] if isinstance(v, list) else
                gettext(k, "report", language) or v) for k, v in TEXT["en"].items()}

CSS = """
:root{--ink:#1b1b1b;--muted:#5b5b5b;--accent:#0072B2;--warn:#D55E00;--rule:#d9d9d9}
*{box-sizing:border-box}
body{font-family:"Noto Sans","Noto Sans CJK SC","Helvetica Neue",Arial,sans-serif;color:var(--ink);line-height:1.5;
     max-width:62rem;margin:0 auto;padding:1.5rem 1.5rem 4rem}
h1{font-size:1.9rem;margin:.2rem 0}h2{border-bottom:2px solid var(--accent);padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.05rem;margin:1.6rem 0 .4rem}
.meta{color:var(--muted);font-size:.9rem}
nav.toc{background:#f5f7fa;border:1px solid var(--rule);padding:.6rem 1rem;border-radius:4px}
nav.toc ul{margin:.2rem 0;padding-left:1.1rem;list-style:none}
figure{margin:1.2rem 0;padding:0;break-inside:avoid}
figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption,.caption{font-size:.9rem;color:var(--ink);margin-top:.3rem}
.num{font-weight:700}
.author{border-left:3px solid var(--accent);padding:.1rem .9rem;margin:1.2rem 0}
.badge{display:inline-block;background:var(--warn);color:#fff;font-size:.72rem;font-weight:700;padding:.05rem .45rem;
       border-radius:3px;margin-right:.35rem;vertical-align:.1em}
.src{font-size:.8rem;color:var(--muted)}
.src a{color:var(--muted)}
.table-wrap{overflow-x:auto;margin:.8rem 0 1.4rem;break-inside:avoid}
table.data{border-collapse:collapse;font-size:.8rem;font-variant-numeric:tabular-nums}
table.data th,table.data td{padding:.2rem .5rem;border-bottom:1px solid var(--rule);text-align:right;vertical-align:top}
table.data th{border-bottom:2px solid var(--ink);background:#fafafa}
table.data td:first-child,table.data th:first-child,table.data .t{text-align:left}
.summary{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.5rem;margin:.6rem 0}
.summary div{border:1px solid var(--rule);border-radius:4px;padding:.4rem .6rem}
.summary b{display:block;font-size:1.2rem}
.note{font-size:.85rem;color:var(--muted)}
.lead{font-size:1.02rem;border-left:4px solid var(--accent);padding:.2rem .7rem}
.closing{border-left:4px solid #009E73;background:#f3faf7;padding:.3rem .7rem;margin:1.2rem 0}
ol.findings li{margin:.35rem 0}
.provenance{font-size:.75rem;color:#666;margin-top:.15rem}ul.refs{list-style:none;padding-left:0}ul.refs li{padding-left:2em;text-indent:-2em;margin:.3rem 0}
.v{font-weight:700}
.warn{border-left:4px solid var(--warn);background:#fff6ef;padding:.4rem .7rem;margin:.6rem 0;font-size:.9rem}
@media print{
  body{max-width:none;padding:0;font-size:10pt}
  nav.toc,.src a::after{display:none}
  h2{break-before:page}
  h2:first-of-type{break-before:auto}
  figure,.table-wrap,table{break-inside:avoid}
  a{color:inherit;text-decoration:none}
  .badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

CHECK_JS = """
window.addEventListener('load', function () {
  var broken = 0;
  document.querySelectorAll('img').forEach(function (im) { if (!im.complete || im.naturalWidth === 0) broken++; });
  document.body.dataset.brokenImages = String(broken);
  var cjk = false;
  try { cjk = document.fonts.check('16px "Noto Sans CJK SC"', '中文') ||
              document.fonts.check('16px "Noto Sans SC"', '中文'); } catch (e) {}
  document.body.dataset.cjkFont = cjk ? 'yes' : 'no';
  document.body.dataset.checked = 'yes';
});
"""


def _png_data_uri(path: Path, max_width: int = 1200) -> str:
    """The figure as a base64 PNG, scaled down to ``max_width`` pixels (deterministic)."""
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGBA") if im.mode not in ("RGB", "RGBA") else im
        if im.width > max_width:
            im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _fmt(v):
    """One value on its own (a key number, a cell of a mixed column): integers with thousands
    separators, large numbers without decimals, small ones with four significant digits (two below 0.001: 0.00042);
    never scientific notation, and a numerical zero (below 1e-8) is 0."""
    if isinstance(v, str):
        try:
            num = float(v.replace(",", ""))
        except ValueError:
            return html.escape(v)
        if not re.fullmatch(r"-?[\d,]+(\.\d+)?", v.strip()):
            return html.escape(v)
        v = num
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return html.escape(str(v))
    if v != v:
        return ""
    if v in (math.inf, -math.inf):  # e.g. a rule's conviction at confidence 1: the CSV keeps inf
        return "∞" if v > 0 else "−∞"
    if float(v).is_integer():
        return f"{v:,.0f}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) < 1e-8:  # a numerical zero (-7.68e-10 of an optimiser), not a value
        return "0"
    if abs(v) < 0.001:  # two significant digits, never scientific notation: 0.00042
        return f"{v:.{1 - math.floor(math.log10(abs(v)))}f}".rstrip("0")
    return f"{v:.4g}"


def _fmt_p(v):
    """A p-value as journals print it: three decimals, and "< 0.001" below that (the CSV keeps
    every digit; an optimiser's p of exactly 0 is a value below its precision, not zero)."""
    if not isinstance(v, float) or v != v:
        return _fmt(v)
    return "&lt;&nbsp;0.001" if v < 0.001 else f"{v:.3f}"




#: The end of an English sentence in a note (a full stop before a capital; "4.44e-07" is not one)
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])")


def _undated(note: str) -> str:
    """A note without the date a notebook puts before a note about another date ('On 2022-12-31: ', '在 2022-12-31:')."""
    return re.sub(r"^(On \d{4}-\d{2}-\d{2}: |在 \d{4}-\d{2}-\d{2}[::]\s*)", "", note)


def _sentences(text: str, language: str) -> list[str]:
    """A note's sentences, each with its full stop (Chinese: ending in 。; English: a full stop before a capital)."""
    parts = re.split(r"(?<=。)", text) if language == "zh" else re.split(r"(?<=\.)\s+(?=[A-Z])", text)
    return [p.strip() for p in parts if p.strip()]


def _masked(sentence: str) -> str:
    """A sentence with its numbers masked: the same warning about another fit reads the same."""
    return re.sub(r"\d[\d.,]*(?:e[+-]?\d+)?", "#", sentence).rstrip(".。")


def _once(english: str, text: str, seen: dict, section: int, language: str, T: dict) -> str:
    """A note as shown in ``section``: whole the first time its warning (its first sentence, without a leading date
    and with its numbers masked) appears; after that, its own first sentence with "as in the note of section N", and
    only the sentences the first note did not say word for word (this notebook's consequence of the warning, and any
    sentence whose numbers differ). ``seen`` maps a warning to its section and the first note's sentences, and is
    updated.

    Examples
    --------
    >>> from kamlib.workbench.report import _masked, _once
    >>> seen, T = {}, {"repeated_note": "{head}: as in the note of section {section}."}
    >>> first = "Pareto/NBD: s is at a bound (s = 3.5e+09). Its P(alive) follows one rate."
    >>> _once(first, first, seen, 3, "en", T) == first
    True
    >>> again = "On 2022-12-31: Pareto/NBD: s is at a bound (s = 1.8e+10). Its P(alive) follows one rate. So days decide."
    >>> _once(again, again, seen, 4, "en", T)
    'On 2022-12-31: Pareto/NBD: s is at a bound (s = 1.8e+10): as in the note of section 3. So days decide.'
    >>> other = "Pareto/NBD: s is at a bound (s = 9.1e+07). Its rate is 0.3, not 0.002."
    >>> _once(other, other, {**seen, _masked("Pareto/NBD: s is at a bound (s = 1)"): (3, {"Its rate is 0.2, not 0.002."})},
    ...       5, "en", T)
    'Pareto/NBD: s is at a bound (s = 9.1e+07): as in the note of section 3. Its rate is 0.3, not 0.002.'
    """
    undated, local = _undated(english), _undated(text)
    key = _masked(_SENTENCE_END.split(undated, maxsplit=1)[0])
    said = _sentences(local, language)
    if key not in seen:
        seen[key] = (section, set(said))
        return text
    first_section, first_said = seen[key]
    date = text[:len(text) - len(local)]
    head = date + (said[0].rstrip(".。") if said else key)  # the warning's own numbers, in the page's language
    rest = [x for x in said[1:] if x not in first_said]  # a sentence with other numbers says something else
    return run_together([T["repeated_note"].format(head=head, section=first_section), *rest])


#: Numeric columns that name something rather than count it: shown as they are (2024, not 2,024).
_IDENTIFIERS = frozenset({"year", "id", "customer_id", "cohort"})


def column_kind(name, values: pd.Series) -> str:
    """How a report table shows a column: ``p``, ``share``, ``percent``, ``probability``, ``money``, ``count``,
    ``number``, ``text`` (by what its name says it holds, :func:`kamlib.i18n.column_kind`, and by its values; the CSV keeps
    every digit).

    Shares are percentages with one decimal, headed (%) (a column the glossary calls a share whose values leave
    [-1, 1] is not a fraction and is shown as a number), and so are relative changes (the glossary's ``change``: a
    lift of 47.8% over the baseline, with no bound at 100%); numbers already in percent one decimal; probabilities have
    three decimals; money has thousands
    separators (no decimals from 1,000 up, else two) and is headed with the study's currency; counts are whole
    numbers with separators (by its values: integers, or whole numbers up from 2: a CFI of 1.0 beside a TLI of 1.004
    is an estimate, not a count); other estimates have the decimals of their size (:func:`decimals`).
    """
    from ..i18n import column_kind as kind_of

    name = str(name)
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values) or name in _IDENTIFIERS:
        return "text"
    kind = kind_of(name)
    if kind == "p" or _is_p_column(name):
        return "p"
    finite = values.dropna()
    size = finite.abs()[finite.abs() != math.inf]
    if kind == "share" and (not len(size) or size.max() <= 1):
        return "share"
    if kind == "change":  # a relative change: a percentage, as the text says it, above 100% too
        return "share"
    if kind in ("probability", "money", "percent"):
        return kind
    if pd.api.types.is_integer_dtype(values) or (len(finite) and (finite == finite.round()).all()
                                                  and finite.abs().max() > 1):
        return "count"
    return "number"


def _formatter(kind: str, values: pd.Series, together: pd.Series | None = None, by_row: list[int] | None = None):
    """A function ``fmt(value, row=None)`` that formats one cell of a column of this kind, with decimals fixed per
    column, or per row when ``by_row`` gives them (:func:`row_decimals`: an estimate of -11,864 above one of 0.191).

    Text cells stay as written (product codes and ids such as ``22423`` are not numbers to format),
    except in a ``value`` column of a measure/value table, whose numbers get separators. ``together``: the values of
    the column's group (:func:`column_groups`: an estimate with its interval and SE, a value with its cut-off), whose
    decimals it shares. No cell is in scientific notation: an estimate below the column's precision is "< 0.001"
    (a numerical zero, below 1e-8 of the column's size, is 0), and a cell of ten thousand or more shows at most
    seven significant digits (3,533,190,000 beside 0.812, not 3,533,190,000.000). A ``points`` column (a difference
    of two shares) is shown in percentage points, one decimal."""
    if kind == "p":
        return _fmt_p
    if kind == "text":
        return _fmt if str(values.name) == "value" else _text_cell
    together = values if together is None else together
    finite = pd.to_numeric(together, errors="coerce")
    finite = finite[finite.abs() != math.inf].dropna()
    big = finite.abs().max() if len(finite) else 0
    if kind == "count":
        spec = ",.0f"
    elif kind in ("share", "percent", "points"):  # a percentage (the header says (%)) or percentage points
        spec = ".1f"
    elif kind == "probability":
        spec = ".3f"
    elif kind == "money":
        spec = ",.0f" if big >= 1000 else ",.2f"
    else:  # estimates: one number of decimals per column, by its typical size (-15,153 beside 0.812 is not a column)
        spec = f",.{decimals(together)}f"
    column_places = int(spec[-2]) if spec[-2].isdigit() else 0
    column_spec = spec

    def fmt(v, row: int | None = None):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return _fmt(v)
        if v != v:
            return ""
        if v in (math.inf, -math.inf):
            return _fmt(v)
        places, spec = column_places, column_spec
        if by_row is not None and row is not None and row < len(by_row):  # this row's own decimals
            places, spec = by_row[row], f",.{by_row[row]}f"
        if kind == "points":
            return format(100 * v, spec)
        if kind in ("number", "money") and v != 0 and abs(v) < 0.5 * 10.0 ** -places:
            if abs(v) < 1e-8 * max(1.0, float(big)) or places == 0:  # a numerical zero: 0 at the column's decimals
                return format(0.0, spec)
            bound = f"{10.0 ** -places:.{places}f}"
            return f"&lt;&nbsp;{bound}" if v > 0 else f"&gt;&nbsp;-{bound}"
        if kind in ("number", "money") and abs(v) >= 1e4:  # no digits below an estimate's precision
            return format(v, f",.{min(places, max(0, 6 - math.floor(math.log10(abs(v)))))}f")
        if kind == "share":
            v = 100 * v
            if 0 < abs(v) < 0.05:
                return "&lt;&nbsp;0.1" if v > 0 else "&gt;&nbsp;-0.1"
        if kind == "probability" and 0 < abs(v) < 0.0005:
            return "&lt;&nbsp;0.001" if v > 0 else "&gt;&nbsp;-0.001"
        return format(v, spec)

    return fmt


#: The parts of a column name that make it a companion of another column (its interval, its standard error)
_COMPANION = re.compile(r"(^|_)(ci_lower|ci_upper|lower|upper|se)$")
#: Columns that hold the value of a statistic and its cut-off (a fit index against Hu and Bentler's)
_VALUE_CUTOFF = ({"value", "cut_off"}, {"value", "threshold"}, {"value", "cutoff"})


def column_groups(names: list[str], kinds: list[str]) -> list[list[int]]:
    """The columns each column shares its decimals with (positions, itself included): an estimate ``X`` with
    ``X_ci_lower``, ``X_ci_upper``, ``X_se``; a bare ``ci_lower`` / ``ci_upper`` / ``se`` with the estimate before
    them; a ``value`` with its ``cut_off`` (a CFI of 0.998 is not "1.00" beside a cut-off of "0.950"). Only
    estimates and money group (counts with them); shares, p-values, probabilities and text keep their own format.
    A count is no estimate a bare interval or SE belongs to (the ``n`` between an estimate's p-value and its
    ``ci_lower``, the ``looks`` before a rate's ``se``): it keeps its whole numbers.

    Parameters
    ----------
    names : list of str
        The column names.
    kinds : list of str
        Their kinds (:func:`column_kind`).

    Returns
    -------
    list of list of int

    Examples
    --------
    >>> from kamlib.workbench.report import column_groups
    >>> column_groups(["term", "clv", "clv_ci_lower", "clv_ci_upper"], ["text", "money", "money", "number"])
    [[0], [1, 2, 3], [1, 2, 3], [1, 2, 3]]
    >>> column_groups(["index", "value", "cut_off"], ["text", "number", "number"])
    [[0], [1, 2], [1, 2]]
    >>> column_groups(["estimate", "se", "n", "ci_lower", "ci_upper"], ["number", "number", "count", "number", "number"])
    [[0, 1, 3, 4], [0, 1, 3, 4], [2], [0, 1, 3, 4], [0, 1, 3, 4]]
    """
    numeric = ("number", "money", "count")
    key = list(range(len(names)))
    anchor = None
    for i, (name, kind) in enumerate(zip(names, kinds)):
        if kind not in numeric:
            continue
        stem = _COMPANION.sub("", name)
        if stem != name and stem in names and kinds[names.index(stem)] in numeric:
            key[i] = key[names.index(stem)]
        elif stem == "" and anchor is not None:  # "difference, se_difference, ci_lower, ci_upper": the estimate's
            key[i] = key[anchor]
        elif stem.startswith("se_") and stem[3:] in names:
            key[i] = key[names.index(stem[3:])]
        else:
            anchor = i if stem == name and kind != "count" else anchor
    for pair in _VALUE_CUTOFF:
        if pair <= set(names):
            a, b = sorted(names.index(n) for n in pair)
            if kinds[a] in numeric and kinds[b] in numeric:
                key = [key[a] if k == key[b] else k for k in key]
    return [[j for j, k2 in enumerate(key) if k2 == k] for k in key]


def _text_cell(v) -> str:
    """A cell of a column shown as it is (names, codes, a year): an integer stored as a float (a column with a gap
    is read as floats) without its ".0"."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return html.escape(str(v))


def decimals(values: pd.Series) -> int:
    """The decimals of a column of estimates: three when its typical (median) size is below 10, two below 100, one
    below 1,000, none from 1,000 up, so that every cell of the column has the same number of decimals and none shows
    digits below its precision (a log-likelihood of -15,153.200). A column whose rows differ in magnitude so much
    that these decimals would wipe a row's value (0.191 beside -11,864 shown as "0") takes each row's decimals
    instead (:func:`row_decimals`).

    Parameters
    ----------
    values : Series
        The column (NaN and infinities are left out).

    Returns
    -------
    int

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.workbench.report import decimals
    >>> decimals(pd.Series([0.812, 1.4, 27.1])), decimals(pd.Series([-15153.2, -15020.7])), decimals(pd.Series([]))
    (3, 0, 3)
    """
    size = pd.to_numeric(values, errors="coerce").abs()
    size = size[(size != math.inf) & (size > 0)].dropna()
    from ..i18n import decimals as of_size  # the one rule of an estimate's decimals, in a table and in a sentence

    return of_size(float(size.median()) if len(size) else 0.0)


def row_decimals(block: pd.DataFrame) -> list[int] | None:
    """Each row's decimals for a column (or a column's group: an estimate, its SE and interval) of estimates whose
    rows differ in magnitude, or None when the column's decimals (:func:`decimals`) serve every row.

    The column's decimals serve unless they leave a nonzero value with fewer than two significant digits where its
    row, by its own size, would show them: a difference-in-differences check with an effect on house prices
    (-11,864, SE 7,457) above an effect on log weeks (0.191, SE 0.069) shows the second row as 0.191 and 0.069,
    not 0 and 0. A row's decimals are those of its own typical (median) size, by the same rule
    (:func:`kamlib.i18n.decimals`), so an estimate, its SE and its interval keep one number of decimals in a row.

    Parameters
    ----------
    block : DataFrame
        The column's group, one column per member, the table's rows in order.

    Returns
    -------
    list of int or None

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.workbench.report import row_decimals
    >>> row_decimals(pd.DataFrame({"effect": [-11863.9, 0.1906], "se": [7456.6, 0.0685]}))
    [0, 3]
    >>> row_decimals(pd.DataFrame({"effect": [0.812, 1.4, 27.1]})) is None
    True
    >>> row_decimals(pd.DataFrame({"estimate": [27711.5, 5.6e-07]})) is None  # a numerical zero is 0 in any row
    True
    """
    from ..i18n import decimals as of_size

    numbers = block.apply(pd.to_numeric, errors="coerce").abs()
    numbers = numbers.where(numbers != math.inf)
    # a numerical zero (below 1e-8 of the column's size: a parameter at its bound) is 0 in any row, no value to keep
    numbers = numbers.where(numbers > 1e-8 * max(1.0, float(numbers.max().max()) if numbers.notna().any().any() else 1.0))
    places = decimals(pd.Series(numbers.to_numpy().ravel()))
    rows = [of_size(float(r.median())) if r.notna().any() else places for _, r in numbers.iterrows()]
    lost = (numbers < 10.0 ** (1 - places)).to_numpy().any(axis=1)  # fewer than two significant digits shown
    if not any(lost[i] and rows[i] > places for i in range(len(rows))):
        return None
    return rows


def _is_p_column(name: str) -> bool:
    return re.search(r"(^|_)pvalue(_adjusted)?$", str(name)) is not None


def _language_columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table may carry a column ``X`` (or ``X_en``) and its Chinese version ``X_zh`` (``en`` and ``zh``): the
    Chinese report shows the Chinese one in its place and leaves the English one out; the English report leaves
    ``X_zh`` out where ``X`` exists."""
    cols = [str(c) for c in df.columns]
    pairs = [c for c in cols if c.endswith("_zh") and c[:-3] in cols]
    if lang == "zh":
        df = df.assign(**{c[:-3]: df[c].where(df[c].notna(), df[c[:-3]]) for c in pairs}).drop(columns=pairs)
        english = [c for c in cols if (c.endswith("_en") and (f"{c[:-3]}_zh" in cols or c[:-3] in cols))
                   or (c == "en" and "zh" in cols)]
        df = df.drop(columns=english)
        return df.rename(columns={c: c[:-3] for c in df.columns if str(c).endswith("_zh") and str(c) != "_zh"})
    return df.drop(columns=pairs)


def _translate_cells(df: pd.DataFrame, cells: dict | None = None, lang: str = "zh",
                     names: dict | None = None) -> pd.DataFrame:
    """The cells of a table in words, in ``lang`` (:func:`kamlib.i18n.cell_words`): booleans as yes/no (是/否), time
    unit codes as words, and in every column that holds words rather than data (:data:`kamlib.i18n.DATA_COLUMNS`)
    each code or text the catalogue knows (with, in Chinese, the codebook's theme labels); the table's own generated
    phrases (``cells``, the Chinese the notebook recorded) in every column, since the workbook made them; a code a
    file names (``names``: a construct) with its name, "Trust (TR)"."""
    from ..i18n import DATA_COLUMNS, cell_words, codebook_zh, with_name

    extra = {**codebook_zh(), **(cells or {})} if lang == "zh" else None
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == bool:
            out[c] = col.map(lambda v: cell_words(bool(v), lang))
        elif pd.api.types.is_numeric_dtype(col):
            continue
        elif c not in DATA_COLUMNS:  # a row named by a field ("between_sd", "log_frequency") reads as its header
            out[c] = col.map(lambda v, c=c: with_name(v, names, lang) if names and v in names else
                             cell_words(v, lang, column=str(c), extra=extra))
        elif cells and lang == "zh":
            out[c] = col.map(lambda v: cells.get(v, v) if isinstance(v, str) else v)
    return out


def _header(c: str, lang: str, kind: str | None = None, currency: str | None = None,
            time_unit: str | None = None, names: dict | None = None) -> str:
    """A column header in the report's language: English words (:func:`kamlib.i18n.header_en`), or the Chinese
    one from the glossary (else as it is), with the unit of ``kind`` (:func:`kamlib.i18n.unit_of`: the currency of
    money, (%) of a share, the purchase models' time unit ``time_unit``)."""
    from ..i18n import codebook_zh, glossary_words, header_en, header_zh, unit_of, with_unit

    # a statistic of a group the data name ("estimate_small", "se_large", "mean_large",
    # :func:`kamlib.survey.cbsem.group_paths`) or of a model ("regularity_k_MBG/CNBD-k"), a name the glossary has no
    # words for: the statistic's words from the glossary (its longest part that has some), the group's label as the
    # data write it
    lacking = glossary_words(str(c), "en") is None and glossary_words(str(c), lang) is None
    cuts = [i for i, ch in enumerate(str(c)) if ch == "_"][::-1] if lacking else []
    head = next((str(c)[:i] for i in cuts if glossary_words(str(c)[:i], "en")), "")
    label = str(c)[len(head) + 1:]
    label = ((names or {}).get(label) or {}).get(lang) or label  # the group by its name in the study ("Large accounts")
    if head and label:
        words = header_en(head, kind=kind, currency=currency, time_unit=time_unit) if lang != "zh" else \
            header_zh(head, kind=kind, currency=currency, time_unit=time_unit) or head
        return f"{words}({label})" if lang == "zh" else f"{words} ({label})"
    if lang != "zh":
        return header_en(c, kind=kind, currency=currency, time_unit=time_unit)
    return (header_zh(c, kind=kind, currency=currency, time_unit=time_unit)
            or with_unit(codebook_zh().get(c) or c, unit_of(kind, "zh", currency=currency, time_unit=time_unit), "zh"))


def _unit_kind(name: str, shown_as: str) -> str | None:
    """The kind whose unit a column's header carries: the glossary's (:func:`kamlib.i18n.column_kind`), unless the
    column is shown otherwise (words; a "share" that holds no fractions), or the table's (:func:`in_context`: the SE
    of a rate in %, a difference of two shares in percentage points)."""
    from ..i18n import column_kind as kind_of

    kind = kind_of(name)
    if shown_as == "text" or (kind in ("share", "money") and shown_as != kind):
        return None
    if shown_as == "points" or (kind is None and shown_as == "share"):
        return shown_as
    return kind


#: A difference (with its interval, SE, true value) that :func:`in_context` reads in percentage points
_DIFFERENCE = re.compile(r"^(true_)?difference(_ci_lower|_ci_upper|_lower|_upper|_se)?$")


def in_context(names: list[str], kinds: list[str]) -> list[str]:
    """The kinds of a table's columns (:func:`column_kind`) as the table's other columns say them: a bare ``se``,
    ``ci_lower`` or ``ci_upper`` after a share (the nearest column before it that is no companion, count or
    p-value) is that share's, shown in % (a false-positive rate of 5.7% with an SE of 1.3, not 0.013); and in a table
    of two arms' shares (``X_treatment`` and ``X_control``), ``difference`` with its interval and true value is
    their difference, in percentage points (2.6, not 0.026).

    Parameters
    ----------
    names : list of str
        The column names.
    kinds : list of str
        Their kinds by name and values (:func:`column_kind`).

    Returns
    -------
    list of str

    Examples
    --------
    >>> from kamlib.workbench.report import in_context
    >>> in_context(["looks", "false_positive_rate", "se"], ["count", "share", "number"])
    ['count', 'share', 'share']
    >>> in_context(["conversion_treatment", "conversion_control", "difference", "difference_ci_lower", "z"],
    ...            ["share", "share", "number", "number", "number"])
    ['share', 'share', 'points', 'points', 'number']
    """
    kinds = list(kinds)
    for i, name in enumerate(names):
        if _COMPANION.sub("", name) or kinds[i] not in ("number", "count"):
            continue
        before = [j for j in range(i) if _COMPANION.sub("", names[j]) and kinds[j] not in ("count", "p")]
        if before and kinds[before[-1]] == "share":
            kinds[i] = "share"
    arms = any(n.endswith("_treatment") and kinds[i] == "share" and f"{n[:-10]}_control" in names
               and kinds[names.index(f"{n[:-10]}_control")] == "share" for i, n in enumerate(names))
    return [("points" if arms and _DIFFERENCE.match(n) and k == "number" else k) for n, k in zip(names, kinds)]


def table_cells(csv: Path, lang: str, max_rows: int = 30, currency: str | None = None, cells: dict | None = None,
                 time_unit: str | None = None, names: dict | None = None):
    """Headers, formatted cells (HTML-escaped text) and column kinds of a table's first ``max_rows`` rows, and
    its total rows: what every edition of the report shows of it (``cells``: the Chinese of the table's
    generated phrases, as the notebook recorded them; ``currency`` and ``time_unit``, the study's
    ``transactions.currency`` and ``clv.unit``: the units of money and of the purchase models' times; ``names``: the
    names of the codes it holds, as the table's manifest entry keeps them, :func:`kamlib.i18n.name_codes`)."""
    from ..i18n import with_name

    df = _language_columns(pd.read_csv(csv), lang)
    total = len(df)
    shown = df.head(max_rows)
    # "value" is the customers' value, money, only in a table that gives its share of the whole (a Pareto or ABC
    # table: value and value_share); elsewhere it is a statistic's (a measure/value table, a fit index beside its
    # cut-off, a judgement on Saaty's scale), whose kind its values tell
    measured = ["measured" if c == "value" and "value_share" not in df.columns else str(c) for c in df.columns]
    kinds = in_context([str(c) for c in df.columns], [column_kind(n, df[c]) for n, c in zip(measured, df.columns)])
    shown = _translate_cells(shown, cells, lang, names)
    heads = [with_name(str(c), names, lang) if str(c) in (names or {}) else
             _header(c, lang, _unit_kind(n, k), currency, time_unit, names)
             for c, n, k in zip(shown.columns, measured, kinds)]
    groups = column_groups([str(c) for c in df.columns], kinds)
    kinds = [("number" if k == "count" and any(kinds[j] in ("number", "money") for j in groups[i]) else k)
             for i, k in enumerate(kinds)]  # an integer estimate beside its interval shares its decimals
    fmts = [_formatter(k, df[c], pd.concat([df[df.columns[j]] for j in groups[i]], ignore_index=True),
                       row_decimals(df[[df.columns[j] for j in groups[i]]]) if k == "number" else None)
            for i, (k, c) in enumerate(zip(kinds, df.columns))]
    rows = [[f(v, i) if f not in (_fmt_p, _fmt, _text_cell) else f(v) for f, v in zip(fmts, r)]
            for i, r in enumerate(shown.itertuples(index=False))]
    return heads, rows, kinds, total


def _table_html(csv: Path, lang: str, max_rows: int = 30, currency: str | None = None,
                cells: dict | None = None, time_unit: str | None = None, names: dict | None = None) -> tuple[str, int]:
    heads, rows, kinds, total = table_cells(csv, lang, max_rows, currency, cells, time_unit, names)
    cls = [" class='t'" if k == "text" else "" for k in kinds]
    body = "".join("<tr>" + "".join(f"<td{c}>{v}</td>" for c, v in zip(cls, r)) + "</tr>" for r in rows)
    head = "".join(f"<th{c}>{html.escape(str(h))}</th>" for c, h in zip(cls, heads))
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", total


def _caption(entry: dict, lang: str) -> str:
    cap = entry.get("caption", {})
    if lang == "zh":
        return cap.get("zh") or gettext(entry["id"], "caption") or cap.get("en") or entry["id"]
    return cap.get(lang) or cap.get("en") or entry["id"]


def _values(out: Path) -> dict:
    return {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in sorted((out / "values").glob("*.json"))}


def _is_provenance(a: dict) -> bool:
    return a.get("role") == "provenance"


def _sections(arts: list[dict], stages: dict[str, str], notes: dict | None = None,
              findings: list | None = None, language: str = "en") -> list[dict]:
    """Notebooks grouped by their declared stage, in the framework's order (unknown stages last); each section
    leads with its main figure (the one its notebook marked ``role="main"``, else its first figure) and the
    summary's findings of its stage."""
    from .notebooks import STAGES

    notes = notes or {}
    by_nb: dict[str, list[dict]] = {}
    for a in arts:
        by_nb.setdefault(a["notebook"], []).append(a)
    keys = list(STAGES) + ["other"]
    grouped: dict[str, list[str]] = {k: [] for k in keys}
    for nb in sorted(by_nb):
        stage = stages.get(nb, "other")
        grouped[stage if stage in grouped else "other"].append(nb)
    present = [(k, nbs) for k, nbs in grouped.items() if nbs]
    out = []
    for k, nbs in present:
        figures = [a for nb in nbs for a in by_nb[nb] if a["kind"] == "figure"]
        main = next((a for a in figures if a.get("role") == "main"), figures[0] if figures else None)
        out.append({"key": k, "main": main, "findings": [f for f in findings or [] if f.stage == k],
                    "notebooks": [{"name": nb, "title": _notebook_title(nb, language),
                                   "artefacts": [a for a in by_nb[nb] if a is not main],
                                   "notes": notes.get(nb, [])} for nb in nbs]})
    return out


def _section_title_key(section: dict) -> str:
    """The key of a section's title in :data:`TEXT`: the understand stage is titled by what ran in it (the survey,
    the reviews or both), so a study without reviews has no "reviews" in its heading.

    Examples
    --------
    >>> from kamlib.workbench.report import _section_title_key
    >>> _section_title_key({"key": "understand", "notebooks": [{"name": "20_survey"}]})
    'understand_survey'
    >>> _section_title_key({"key": "identify", "notebooks": [{"name": "10_key_accounts"}]})
    'identify'
    """
    if section["key"] != "understand":
        return section["key"]
    names = [nb["name"] for nb in section.get("notebooks", [])]
    survey, reviews = any("survey" in n for n in names), any("review" in n for n in names)
    return "understand" if survey == reviews else "understand_survey" if survey else "understand_reviews"


#: The most rows a table in the body has (a longer one goes to Appendix A, cross-referenced: a 30-row rules table
#: split over pages is no exhibit the prose can discuss)
BODY_MAX_ROWS = 15
#: Exhibits a section shows in the body besides its lead figure and its key table: figures the summary's findings
#: cite as their evidence, at most this many
BODY_EVIDENCE_FIGURES = 1


def _fits_body(a: dict) -> bool:
    """A table the body can show: no wider than a portrait page's columns
    (:data:`kamlib.workbench.editions.MAX_COLUMNS_PORTRAIT`, a language's own column counted once) and no longer
    than :data:`BODY_MAX_ROWS`; a table whose size the manifest does not give fits."""
    from .editions import MAX_COLUMNS_PORTRAIT

    columns = [c for c in a.get("columns") or [] if not str(c).endswith(("_zh", "_en"))]
    return len(columns) <= MAX_COLUMNS_PORTRAIT and (a.get("rows") or 0) <= BODY_MAX_ROWS


def body_exhibits(arts: list[dict], evidence: set, stages: dict[str, str] | None = None) -> set:
    """The exhibits the report's body shows (ids); the others go to Appendix A, cross-referenced from their
    section, and keep their numbers wherever a finding cites them.

    Per section (the notebooks of one stage, ``stages``; without it, per notebook): its lead figure (the first
    ``role="main"`` figure, else its first figure, as :func:`_sections` leads the section with it), one key table,
    and at most :data:`BODY_EVIDENCE_FIGURES` other figure a summary finding cites as its evidence. The key table
    is the first table that fits a portrait page (:func:`_fits_body`: at most
    :data:`kamlib.workbench.editions.MAX_COLUMNS_PORTRAIT` columns and :data:`BODY_MAX_ROWS` rows) among, in this
    order, the tables marked ``role="key"``, those a finding cites, those made in the lead figure's cell (its
    numbers), those of the lead figure's notebook, and the section's others; a section with no table that fits shows
    none. About two or three exhibits a section, so the prose carries the argument (APA 7, 7.2: a table or figure for
    the results the text discusses, the rest to supplemental material).

    Parameters
    ----------
    arts : list of dict
        The manifest's artefacts eligible for the body (not provenance, hypotheses, appendix or demonstrations).
    evidence : set of str
        The artefact ids the summary's findings cite.
    stages : dict, optional
        Each notebook's stage (its report section).

    Returns
    -------
    set of str

    Examples
    --------
    >>> from kamlib.workbench.report import body_exhibits
    >>> arts = [{"id": i, "notebook": nb, "kind": k, "role": r, "columns": list("abc"), "rows": n} for nb, i, k, r, n in
    ...         [("a", "t1", "table", None, 3), ("a", "t2", "table", None, 30), ("a", "f1", "figure", "main", None),
    ...          ("a", "f2", "figure", None, None), ("b", "f3", "figure", None, None), ("b", "t3", "table", None, 4)]]
    >>> sorted(body_exhibits(arts, {"t2", "f3"}, {"a": "identify", "b": "identify"}))
    ['f1', 'f3', 't1']
    """
    from .notebooks import STAGES

    sections: dict[str, list[dict]] = {}
    for nb in sorted({a["notebook"] for a in arts}):  # the notebooks of a section in _sections' order
        stage = nb if stages is None else stages.get(nb, "other")
        stage = stage if stages is None or stage in STAGES else "other"
        sections.setdefault(stage, []).extend(a for a in arts if a["notebook"] == nb)
    keep: set = set()
    for items in sections.values():
        figures = [a for a in items if a["kind"] == "figure"]
        lead = next((a for a in figures if a.get("role") == "main"), figures[0] if figures else None)
        tables = [a for a in items if a["kind"] == "table" and _fits_body(a)]
        order = ([a for a in tables if a.get("role") == "key"], [a for a in tables if a["id"] in evidence],
                 [a for a in tables if lead and (a["notebook"], a.get("cell")) == (lead["notebook"], lead.get("cell"))
                  and a.get("cell")],
                 [a for a in tables if lead and a["notebook"] == lead["notebook"]], tables)
        key = next((group[0] for group in order if group), None)
        cited = [a for a in figures if a["id"] in evidence and a is not lead][:BODY_EVIDENCE_FIGURES]
        keep |= {a["id"] for a in [lead, key, *cited] if a is not None}
    return keep


def _notebook_title(name: str, language: str) -> str:
    """A notebook's title (its first heading) in ``language`` (catalogue context ``notebook``); its file name when
    the notebook is not in notebooks/ (a case's own)."""
    from ..i18n import in_language
    from .notebooks import info, path_of

    try:
        title = info(path_of(name)).title
    except KamError:
        return name
    return title if language == "en" else in_language(title, gettext(title, "notebook", language), language)


def outline(manifest: dict, out: Path, *, language: str, quick: bool = False, texts: dict | None = None,
            context: dict | None = None) -> dict:
    """The report as every edition shows it, from the manifest and recorded values alone.

    Parameters
    ----------
    manifest : dict
        ``reports/<study>/manifest.json``.
    out : Path
        The report folder (for ``values/*.json``).
    language : {"en", "zh"}
    quick : bool
        Whether this is a quick-size run (a limitation).
    texts : dict, optional
        Section -> the author's Markdown (:meth:`Study.texts_for`); its placeholders are filled from this run
        (:func:`kamlib.workbench.authors.fill`) and returned as ``author``.
    context : dict, optional
        What the report needs of the study file beyond the manifest (:func:`run_context`): the assumptions it leaves
        to the workbook's defaults, which the methods name, and its notebooks, by which a partial run is told.

    Returns
    -------
    dict
        ``summary`` (findings), ``hypotheses`` (artefact or None), ``data`` (provenance artefacts),
        ``data_rows`` (data set, real or simulated, licence), ``sections`` (numbered, each with ``main``,
        ``findings``, ``notebooks``), ``recommendations``, ``limitations``, ``reference`` (Appendix A tables),
        ``appendix`` (parameters), ``labels`` (artefact id -> "Figure 3."), ``cards``. Every artefact is a
        manifest entry with ``label`` and ``caption`` added, numbered in reading order. ``rules`` holds the verdict
        rules the run applied (:func:`applied_rules`), and ``references`` (author-date style) the works the report
        cites, those rules' sources among them.

    References
    ----------
    American Psychological Association (2020). *Publication Manual* (7th ed.), ch. 3: the structure of a
    quantitative research report.
    """
    from .. import verdicts

    with verdicts.applying() as used:  # the report's own verdicts: closings, discussion, worded findings
        doc, values, results = _outline(manifest, out, language=language, quick=quick, texts=texts,
                                        context=context)
    rules = applied_rules(manifest, used)
    doc["rules"] = verdicts.table(rules, language=language).to_dict("records")
    # a numbered style lists the works the page cites, in its order: render() makes it from the page
    doc["references"] = [] if numbered(language) else _references(manifest, values, out, quick, results, language,
                                                                   rules=rules)
    return doc


def applied_rules(manifest: dict, used=()) -> list[str] | None:
    """The verdict rules a run applied: those its notebooks read (each notebook's record keeps them, ``verdicts``,
    :func:`kamlib.verdicts.applied`) and those the report's own reasoning read (``used``), in the registry's order;
    None (every rule) when a notebook's record predates that record and cannot say.

    Parameters
    ----------
    manifest : dict
    used : iterable of str
        The rules the report's own sentences read (:func:`kamlib.verdicts.applying`).

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> from kamlib.workbench.report import applied_rules
    >>> applied_rules({"notebooks": {"a": {"verdicts": ["cfi", "ave"]}, "b": {"verdicts": []}}}, {"concentration"})
    ['ave', 'cfi', 'concentration']
    >>> applied_rules({"notebooks": {"a": {"verdicts": ["cfi"]}, "b": {}}}) is None
    True
    """
    from .. import verdicts

    records = list(manifest.get("notebooks", {}).values())
    if any(rec.get("verdicts") is None for rec in records):
        return None
    names = set(used).union(*(rec["verdicts"] for rec in records))
    return [name for name in verdicts.RULES if name in names]


def _outline(manifest: dict, out: Path, *, language: str, quick: bool = False, texts: dict | None = None,
             context: dict | None = None):
    """:func:`outline` but its verdict rules and author-date references, with the values and stage results read."""
    from . import demonstrations, discussion
    from . import findings as fnd

    T = report_text(language)
    arts = manifest.get("artefacts", [])
    values = _values(out)
    results = discussion.stage_results(values, out)  # the typed stage results the reasoning reads
    claims = discussion.register(manifest)  # the study's claims register and the peer-reviewed works' claims
    currencies = {nb: rec.get("parameters", {}).get("transactions_currency")
                  for nb, rec in manifest.get("notebooks", {}).items()}
    time_units = {nb: rec.get("parameters", {}).get("clv_unit") for nb, rec in manifest.get("notebooks", {}).items()}
    stages = {nb: rec.get("stage", "other") for nb, rec in manifest.get("notebooks", {}).items()}
    notes = {nb: [(n, _note(n, z, language)) for n, z in zip(rec.get("notes", []), rec.get("notes_zh") or
                                                            [None] * len(rec.get("notes", [])))]
             for nb, rec in manifest.get("notebooks", {}).items()}
    # a survey-only study's simulated answers are drawn from its own research model: its case (marked simulated)
    own_survey = survey_only(manifest)
    # the notes a notebook said during a method demonstration go with it to the appendix
    demo_notes = {nb: [n for i, n in enumerate(notes[nb]) if i in set(rec.get("demonstration_notes", []))
                       and not (own_survey and rec.get("demonstrations") == ["answers"])]
                  for nb, rec in manifest.get("notebooks", {}).items()}
    notes = {nb: [n for n in notes[nb] if n not in demo_notes[nb]] for nb in notes}
    simulated = {a["id"] for a in arts if a.get("simulated")}
    # made from other data than the case's or simulated: the appendix of method demonstrations, not the body
    demo = [a for a in arts if (a.get("simulated") or a.get("demonstration"))
            and not (own_survey and a.get("simulated"))]
    shown_mode = demonstrations.of_manifest(manifest)
    # the questionnaire's hypothesis table is simulated: its tests show the method only
    survey_simulated = any(a.get("role") == "hypotheses" and a.get("simulated") for a in arts)
    currency = next((c for c in currencies.values() if c), None)
    summary = fnd.findings(manifest, values, language, simulated=simulated, currency=currency)
    if own_survey:  # a finding on the study's own simulated answers is its case's, still marked simulated
        summary = [dataclasses.replace(f, demonstration=False) if f.simulated else f for f in summary]
    missing = fnd.not_run(manifest, language)  # what did not run is said in the summary too, not only at the end
    if missing is not None:
        summary = summary + [missing]
    partial = partial_run(manifest, context, language)  # a run of some notebooks only: which stages are missing
    if partial is not None:
        summary = summary + [fnd.Finding("partial_run", "other", partial.replace("{", "{{").replace("}", "}}"))]
    hyp = next((a for a in arts if a.get("role") == "hypotheses" and a not in demo), None)
    data = [a for a in arts if _is_provenance(a) and a not in demo]
    reference = [a for a in arts if a.get("role") == "appendix" and a not in demo]
    rest = [a for a in arts if a is not hyp and a not in data and a.get("role") != "appendix" and a not in demo]
    body = body_exhibits(rest, {f.evidence for f in summary if f.evidence}, stages)
    further = [a for a in rest if a["id"] not in body]  # to Appendix A, cross-referenced from their section
    rest = [a for a in rest if a["id"] in body]
    sections = _sections(rest, stages, notes, summary, language)
    counters = {"figure": 0, "table": 0, "document": 0}
    labels = {}

    def number(a):
        counters[a["kind"]] += 1
        label = f"{T[a['kind']]} {counters[a['kind']]}."
        labels[a["id"]] = label
        return dict(a, label=label, caption=_caption(a, language), currency=currencies.get(a["notebook"]),
                    time_unit=time_units.get(a["notebook"]))

    hypotheses = number(hyp) if hyp else None
    data = [number(a) for a in data]
    declared = {nb: rec.get("findings", []) for nb, rec in manifest.get("notebooks", {}).items()}
    seen: dict[str, tuple] = {}  # one warning said once: a note repeated in a later section points back to it
    for i, s in enumerate(sections, 3):
        s["number"] = i  # the one numbering of the sections: titles, RQs and the authors' cross-references read it
        s["title"] = f"{i}. {T[_section_title_key(s)]}"
        s["lead"] = stage_lead(_section_title_key(s), results, manifest, language, T)
        s["closing"] = discussion.closing(s["key"], results, language, survey_simulated=survey_simulated,
                                          claims=claims)
        for nb in s["notebooks"]:
            # a notebook whose every finding rests on other data than the company's is a method demonstration
            found = declared.get(nb["name"], [])
            nb["demonstration"] = bool(found) and all(fnd.is_demonstration(f, simulated) for f in found) and not (
                own_survey and manifest["notebooks"].get(nb["name"], {}).get("demonstrations") == ["answers"])
            shown = [_once(english, text, seen, i, language, T) for english, text in nb["notes"]]
            nb["notes"] = shown
        s["main"] = number(s["main"]) if s["main"] else None
        for nb in s["notebooks"]:
            nb["artefacts"] = [number(a) for a in nb["artefacts"]]
    further = [number(a) for a in further]
    reference = further + [number(a) for a in reference]
    for s in sections:  # each section names its exhibits in the appendix
        for nb in s["notebooks"]:
            nb["further"] = [a["label"].rstrip(".") for a in further if a["notebook"] == nb["name"]]
    shown_in = _demonstration_groups(demo, stages, demo_notes, language)
    for nb in shown_in:
        nb["artefacts"] = [number(a) for a in nb["artefacts"]]
    doc = {"summary": [f for f in summary if not f.demonstration],
            "demonstrations": [f for f in summary if f.demonstration], "hypotheses": hypotheses, "data": data, "data_rows": _data_rows(manifest, out, T, language),
            "declared": declared_hypotheses(manifest, language),
            "sections": sections, "recommendations": fnd.recommendations(manifest, values, language, currency=currency),
            "no_recommendations": no_recommendations(manifest, language, T),
            "limitations": ([partial] if partial is not None else []) + fnd.limitations(values, manifest, language,
                                                                                         quick=quick),
            "reference": reference,
            "answers": answers(sections, fnd.findings(manifest, values, language, simulated=simulated,
                                                      currency=currency, limit=10**6), T, language, own_survey,
                               said={"literature": discussion.literature_answer(results, claims, language)}),
            # a numbered style lists the works the page cites, in its order: render() makes it from the page
            "references": [],  # outline() adds them, and the rules the run applied
            "claims": [c.row(language) for c in discussion.confront(results, claims)], "rules": [],
            # the sentence introducing the works' claims, only when there are claims to introduce
            "no_claims": None if discussion.run_file(manifest, "literature_claims") or not len(claims) else
            _in_language(discussion.NO_CLAIMS, language),
            "author": {section: _author(section, text, results, manifest, language, currency,
                                        {s["key"]: s["number"] for s in sections})
                       for section, text in (texts or {}).items()},
            "appendix": _appendix(manifest, sections), "labels": labels,
            "cards": _key_numbers(manifest, values, language, currency, demonstration=False, own=own_survey),
            "background_text": run_together([T["background_survey_text"], background_framing(sections, T, language,
                                                                                            own=True)]) if own_survey else
            run_together([background_framing(sections, T, language, own="background" in (texts or {})),
                          T[background_hypotheses(hypotheses is not None, any(
                              a.get("role") == "hypotheses" for a in demo),
                              results.understand.items_analysed is not None)]]),
            "literature": _literature(language, manifest),
            "methods": methods.chapter(manifest, values, language, results=results,
                                       defaults=(context or {}).get("defaults")),
            "demonstration_appendix": {
                "notebooks": shown_in,
                "cards": _key_numbers(manifest, values, language, currency, demonstration=True, own=own_survey),
                "mode": shown_mode, "off": _in_language(demonstrations.OFF, language) if shown_mode == "off" else None,
                "sentence": _untestable(manifest, out, results, demo, T, language, own_survey)
                if shown_mode == "appendix" else None},
            "n_artefacts": len(arts),
            "n_simulated": len(simulated), "versions": sorted((arts[0].get("versions", {}) if arts else {}).items()),
            "first_section": len(sections) + 3}
    return doc, values, results


def background_hypotheses(in_body: bool, demonstrated: bool, survey_ran: bool) -> str:
    """Which sentence of the report's text (:data:`TEXT`) closes the background of a study with a transaction log:
    what its run says about hypotheses, as its manifest shows it. The hypothesis table in the body (the case's own
    survey); only in the appendix of method demonstrations (simulated answers: the case's own data test none); a
    survey without a declared model; or no survey at all (a transactions-only study).

    Parameters
    ----------
    in_body : bool
        The run's hypothesis table is in the report's body.
    demonstrated : bool
        A hypothesis table is among the method demonstrations on other or simulated data.
    survey_ran : bool
        The survey notebook ran (it recorded its item analysis).

    Returns
    -------
    str
        A key of :data:`TEXT`.

    Examples
    --------
    >>> from kamlib.workbench.report import background_hypotheses
    >>> background_hypotheses(False, False, False)  # a transactions-only study, such as a B2B export
    'background_no_hypotheses'
    >>> background_hypotheses(True, False, True)
    'background_hypotheses'
    """
    if in_body:
        return "background_hypotheses"
    if demonstrated:
        return "background_hypotheses_demonstrated"
    return "background_survey_no_model" if survey_ran else "background_no_hypotheses"


def run_context(study) -> dict:
    """What the report needs of the study file beyond the run's manifest: the assumptions the file leaves to the
    workbook's defaults (:func:`kamlib.workbench.methods.workbook_defaults`), which the methods name, and the study's
    notebooks, by which a partial run (``kam run`` with notebook names) is told (:func:`partial_run`).

    Parameters
    ----------
    study : kamlib.workbench.study.Study

    Returns
    -------
    dict
        ``defaults`` (dotted key -> the workbook's value) and ``notebooks``.

    Examples
    --------
    >>> from kamlib.workbench.study import Study
    >>> from kamlib.workbench.report import run_context
    >>> ctx = run_context(Study.model_validate({"notebooks": ["30_segments"]}))
    >>> ctx["notebooks"], ctx["defaults"]["segments.cost_missed_churner"]
    (['30_segments'], 50.0)
    """
    return {"defaults": methods.workbook_defaults(study), "notebooks": list(study.notebooks)}


def _message(template: str, language: str, **params) -> str:
    """One of the report's own sentences (context ``note``) in ``language``: :func:`kamlib.workbench.methods.say`."""
    return methods.say(template, language, "note", **params)


def partial_run(manifest: dict, context: dict | None, language: str = "en") -> str | None:
    """The sentence a report from a partial run says in its summary and limitations: the study's notebooks
    (``context["notebooks"]``, :func:`run_context`) that have no record in the manifest, neither run nor skipped with
    a reason, and the stages they make, in words (the catalogue's ``value`` entries: Identify, 识别); None when every
    one has (or without ``context``).

    Parameters
    ----------
    manifest : dict
    context : dict or None
        :func:`run_context` of the study.
    language : {"en", "zh"}

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.workbench.report import partial_run
    >>> m = {"notebooks": {"30_segments": {"stage": "segment"}}}
    >>> partial_run(m, {"notebooks": ["30_segments", "40_strategy"]}).split(";")[0]
    'This report comes from a partial run: notebook 40_strategy of the study did not run into this report folder, so its results for Evaluate are missing'
    >>> partial_run(m, {"notebooks": ["30_segments", "40_strategy"]}, "zh").split(",")[1]
    '因此缺少评估的结果;请运行整个研究(kam run 不带笔记本名)以补全。'
    >>> partial_run(m, {"notebooks": ["30_segments"]}) is None
    True
    """
    from ..i18n import name_zh, value_en
    from .notebooks import info, path_of

    have = set(manifest.get("notebooks", {})) | set(manifest.get("not_run", {}))
    absent = [nb for nb in (context or {}).get("notebooks", []) if nb not in have]
    if not absent:
        return None
    stages = []
    for nb in absent:
        try:
            stage = info(path_of(nb)).stage
        except KamError:  # a case's own notebook outside notebooks/
            continue
        if stage not in stages:
            stages.append(stage)
    joined = methods.listing(absent, language)
    words = methods.listing([name_zh(st) if language == "zh" else value_en(st) or st for st in stages], language)
    return _message("This report comes from a partial run: notebook{s} {notebooks} of the study did not run into this "
                    "report folder, so its results for {stages} are missing; run the whole study (kam run without "
                    "notebook names) to complete it.", language, s="s" if len(absent) > 1 else "", notebooks=joined,
                    stages=words or "-")


def _author(section: str, text: str, results, manifest: dict, language: str, currency: str | None,
            numbers: dict | None = None) -> str:
    """An author's text filled from this run (:func:`kamlib.workbench.authors.fill`, ``numbers`` the sections'
    numbers by stage for ``{{ section.<stage> }}``); when it quotes a result whose notebook did not run in this run
    (a partial run), one sentence instead, naming the placeholders and the notebooks, so that the report still
    builds. Any other unfilled placeholder stops the build, as ``fill`` says."""
    from .. import stage_results as sr

    ran = set(manifest.get("notebooks", {}))
    absent = {}
    for m in authors.PLACEHOLDER.finditer(text):
        if m.group(1) == "section" and numbers is not None and m.group(2) not in numbers:
            from .notebooks import available, info, path_of  # the section's notebooks did not run in this run

            for nb in [n for n in available() if info(path_of(n)).stage == m.group(2) and n not in ran]:
                absent.setdefault(nb, []).append(f"section.{m.group(2)}")
            continue  # a stage without notebooks: fill names the mistake
        cls = sr.STAGES.get(m.group(1))
        if cls is None or m.group(2) not in {f.name for f in dataclasses.fields(cls)}:
            continue  # fill names the mistake
        if getattr(getattr(results, m.group(1)), m.group(2)) is None and (m.group(1), m.group(2)) in sr.RECORDED:
            nb = sr.recorded_by(m.group(1), m.group(2))
            if nb not in ran:
                absent.setdefault(nb, []).append(f"{m.group(1)}.{m.group(2)}")
    if not absent:
        return authors.fill(text, results, language=language, currency=currency, where=f"texts.{section}",
                            sections=numbers)
    sep = "、" if language == "zh" else ", "
    return _message("The author's text for this section (texts.{section}) quotes {placeholders}, which this run did "
                    "not compute: {notebooks} did not run in it; run the whole study (kam run) to fill it in.",
                    language, section=section,
                    placeholders=sep.join(dict.fromkeys(p for ps in absent.values() for p in ps)),
                    notebooks=sep.join(absent))


def background_framing(sections: list[dict], T: dict, language: str, own: bool = False) -> str:
    """The background's questions: one per section of the report that ran (its title's question, numbered RQ1, RQ2,
    ... as the discussion answers them), introduced, when the study file gives no background of its own
    (``texts.background``; ``own`` False), as the workbook's framework rather than a description of the case.

    Parameters
    ----------
    sections : list of dict
        The report's sections (``key``, ``title``), as :func:`outline` numbers them.
    T : dict
        :func:`report_text` of the language.
    language : {"en", "zh"}
    own : bool
        The study gives its own background (shown after this text).

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.workbench.report import background_framing, report_text
    >>> s = [{"key": "identify", "title": "3. Who are the key accounts, and how concentrated is revenue?",
    ...       "notebooks": []}]
    >>> background_framing(s, report_text("en"), "en", own=True)
    "This run answers one research question, RQ1 (section 3): who are the key accounts, and how concentrated is revenue? The discussion answers it with this run's numbers."
    """
    questions = []
    for i, s in enumerate(sections, 1):
        number, _, title = s["title"].partition(". ")
        title = T[_section_title_key(s)]
        if language == "zh":
            questions.append(f"RQ{i}(第 {number} 节):{title}")
        else:
            questions.append(f"RQ{i} (section {number}), {title[:1].lower() + title[1:]}")
    said = []
    if not own:
        said.append(_message("The study file gives no background of its own (texts.background), so this section "
                             "states the workbook's framework for key-account management, not a description of the "
                             "case: identify the key accounts, understand what keeps them, segment and prioritise "
                             "them, act on them and evaluate which actions pay.", language))
    if len(questions) == 1:  # one question is not "one per section"
        number, _, title = sections[0]["title"].partition(". ")
        title = T[_section_title_key(sections[0])]
        said.append(_message("This run answers one research question, RQ1 (section {number}): {question} The "
                             "discussion answers it with this run's numbers.", language, number=number,
                             question=title if language == "zh" else title[:1].lower() + title[1:]))
    elif questions:
        said.append(_message("This run answers {n} research question{s}, one per section: {questions}; the discussion "
                             "answers each with this run's numbers.", language,
                             n=len(questions), s="s" if len(questions) > 1 else "",
                             questions=("；" if language == "zh" else "; ").join(questions)))
    return run_together(said)


def literature_note(topics: list[str], hypotheses: bool, language: str) -> str:
    """The note under the background's review of prior research: the topics it reviews (those of the stages that
    ran, :func:`_literature`) and what rests on them, the hypotheses only when the run tests some.

    Parameters
    ----------
    topics : list of str
        The review's topics as the report shows them (in ``language``).
    hypotheses : bool
        The report's body has the run's hypothesis table.
    language : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.workbench.report import literature_note
    >>> literature_note(["key-account management", "retention"], False, "en").split(" (")[0]
    'Peer-reviewed work on key-account management and retention that the discussion rests on'
    >>> literature_note(["satisfaction and loyalty"], True, "en").split(" (")[0]
    'Peer-reviewed work on satisfaction and loyalty that the hypotheses and the discussion rest on'
    """
    listed = methods.listing(topics, language)
    if hypotheses:
        return _message("Peer-reviewed work on {topics} that the hypotheses and the discussion rest on "
                        "(data/literature/register.csv; each work checked against a public record, named in "
                        "data/literature/methods.bib), in our own words.", language, topics=listed)
    return _message("Peer-reviewed work on {topics} that the discussion rests on (data/literature/register.csv; each "
                    "work checked against a public record, named in data/literature/methods.bib), in our own words.",
                    language, topics=listed)


def references_note(references: list[dict], language: str) -> str:
    """The note under the references heading: how the list is formatted and, only when the list holds some, that
    the case's practice sources follow by their register id.

    Parameters
    ----------
    references : list of dict
        The report's reference list (:func:`_listed`; a practice source has ``practice`` True).
    language : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.workbench.report import references_note
    >>> "practice sources" in references_note([{"key": "hu1999"}], "en")
    False
    >>> references_note([{"key": "hu1999"}, {"key": "S001", "practice": True}], "en")[-84:]
    "Then the case's practice sources, listed by their register id, which the text cites."
    """
    T = report_text(language)
    said = [T["references_note"]]
    if any(r.get("practice") for r in references):
        said.append(T["references_practice"])
    return run_together(said)


def evidence_fix(manifest: dict, language: str, recovered: float | None = None) -> str | None:
    """The evidence check's fix in ``language`` as the identification computed it once
    (:attr:`kamlib.clv.evidence.Evidence.fix`, recorded with its limitation ``dropout_evidence``), so that every
    sentence on the check gives the same advice; without that record, the same property on the recorded share
    ``recovered`` and the study's ``clv.evidence_draws`` (a quick check: no number of customers needed); None when
    neither is known (the log identifies dropout, or the check did not run).

    Parameters
    ----------
    manifest : dict
    language : {"en", "zh"}
    recovered : float, optional
        The share of the simulated refits that recover dropout (:attr:`kamlib.stage_results.Identify.
        dropout_recovered`), for a manifest without the limitation.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.workbench.report import evidence_fix
    >>> fix = {"text": "a larger log", "text_zh": "更大的日志"}
    >>> m = {"notebooks": {"10_key_accounts": {"limitations": [{"key": "dropout_evidence", "numbers": {"fix": fix}}]}}}
    >>> evidence_fix(m, "en"), evidence_fix(m, "zh"), evidence_fix({"notebooks": {}}, "en")
    ('a larger log', '更大的日志', None)
    >>> said = evidence_fix({"notebooks": {}}, "en", recovered=0.6)  # 20 draws: the schema's clv.evidence_draws
    >>> said.startswith("a larger log"), "(about 22, clv.evidence_draws, now 20) would most likely confirm" in said
    (True, True)
    """
    from ..clv.evidence import Evidence
    from ..i18n import translate
    from . import study as study_mod

    draws = None
    for record in manifest.get("notebooks", {}).values():
        for said in record.get("limitations") or []:
            fix = (said.get("numbers") or {}).get("fix") if said.get("key") == "dropout_evidence" else None
            if isinstance(fix, dict) and fix.get("text"):
                return (fix.get("text_zh") or fix["text"]) if language == "zh" else fix["text"]
        draws = draws or (record.get("parameters") or {}).get("clv_evidence_draws")
    if recovered is None:
        return None
    draws = int(draws or study_mod.CLV.model_fields["evidence_draws"].default)
    fix = Evidence(0, 0, draws, float(recovered), False, None, "", searched=False).fix
    if fix is None:
        return None
    return (translate(fix, "zh", "phrase") or str(fix)) if language == "zh" else str(fix)


def stage_lead(key: str, results, manifest: dict, language: str, T: dict) -> str:
    """A section's lead: the framework stage's sentence (:data:`TEXT`), except for the evaluation, whose lead names
    only the checks that ran on the case's data (the selection rules, the case's own campaign and programme, the
    budget split, the next test's size) and, for each that did not, one sentence with the reason, its numbers and
    the fix.

    Parameters
    ----------
    key : str
        The section's stage, or the key of its title (:func:`_section_title_key`: the understand stage's lead says
        what ran in it, the survey, the reviews or both).
    results : StageResults
        The run's stage results.
    manifest : dict
    language : {"en", "zh"}
    T : dict
        :func:`report_text` of the language.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.stage_results import Evaluate, Identify, StageResults
    >>> from kamlib.workbench.report import report_text, stage_lead
    >>> r = StageResults(evaluate=Evaluate(top_share=0.2, capture_past_revenue=0.44, n_per_arm=4912),
    ...                  identify=Identify(value_model=""))
    >>> m = {"notebooks": {"x": {"stage": "evaluate", "parameters": {"strategy_experiment_source": "simulated",
    ...                                                              "strategy_relative_lift": 0.2}}}}
    >>> stage_lead("evaluate", r, m, "en", report_text("en"))[:94]
    'In this run the selection rules and the size of the next campaign test are checked on held-out'
    """
    from .. import verdicts

    if key != "evaluate":
        return T.get(f"lead_{key}", "")
    ev, ident = results.evaluate, results.identify
    rec = next((r for r in manifest.get("notebooks", {}).values() if r.get("stage") == "evaluate"), {})
    p = rec.get("parameters") or {}
    zh = language == "zh"
    campaign = (p.get("strategy_experiment_source") or "simulated") != "simulated"
    programme = (p.get("strategy_programme_source") or "simulated") != "simulated"
    parts = [words[zh] for ran, words in (
        (ev.capture_past_revenue is not None, ("the selection rules", "选择规则")),
        (campaign, ("the case's campaign", "本案例的活动")),
        (programme, ("the account-manager programme", "客户经理项目")),
        (ev.budget_incremental_clv is not None, ("the budget split", "预算分配")),
        (ev.n_per_arm is not None, ("the size of the next campaign test", "下一次活动测试的规模"))) if ran]
    said = []
    if parts:
        said.append(_message("In this run {parts} are checked on held-out data or with a stated model, before any "
                             "money is spent.", language, parts=methods.listing(parts, language)))
    if not campaign and ev.n_per_arm is not None:
        said.append(_message("No campaign of the case is analysed: the study names no campaign file "
                             "(strategy.experiment_source), so only the next test's size is planned, {n:,} customers "
                             "per arm for a relative lift of {lift:.0%}; fix: set strategy.experiment_source to the "
                             "campaign's results, one row per customer.", language, n=int(ev.n_per_arm),
                             lift=float(p.get("strategy_relative_lift") or 0)))
    if not programme and rec:
        said.append(_message("No programme is evaluated by difference-in-differences: the study names no account-by-"
                             "period panel (strategy.programme_source); fix: set strategy.programme_source to one, with "
                             "strategy.programme_start.", language))
    if ev.budget_incremental_clv is None and ident.value_model == "" and rec:
        # the evidence check's own advice, computed once (Evidence.fix)
        fix = evidence_fix(manifest, language, recovered=ident.dropout_recovered)
        if ident.dropout_evidence is False and ident.dropout_recovered is not None and fix:
            said.append(_message("No budget split is computed: it values the tiers by lifetime value, and no purchase "
                                 "model values the customers in this run ({share:.0%} of the simulated refits recover "
                                 "dropout, against the rule's {cut:.0%}); fix: {fix}.", language,
                                 share=float(ident.dropout_recovered),
                                 cut=float(verdicts.RULES["dropout_recovery"].threshold), fix=fix))
        elif ident.dropout_evidence is False and ident.dropout_recovered is not None:
            said.append(_message("No budget split is computed: it values the tiers by lifetime value, and no purchase "
                                 "model values the customers in this run ({share:.0%} of the simulated refits recover "
                                 "dropout, against the rule's {cut:.0%}); the fix is the evidence check's, in the "
                                 "identification section.", language, share=float(ident.dropout_recovered),
                                 cut=float(verdicts.RULES["dropout_recovery"].threshold)))
        else:
            said.append(_message("No budget split is computed: it values the tiers by lifetime value, and no purchase "
                                 "model's top customers captured as much holdout revenue as past revenue did; fix: a "
                                 "longer log or other clv.models.", language))
    return run_together(said)


def no_recommendations(manifest: dict, language: str, T: dict) -> str:
    """The one sentence of a report without recommendations: which notebooks ran and recorded none (and, when
    their results rest on simulated data, that such data supports no advice), or, when none ran, that none did.

    Examples
    --------
    >>> from kamlib.workbench.report import no_recommendations, report_text
    >>> no_recommendations({"notebooks": {"20_survey": {}}, "artefacts": [{"notebook": "20_survey", "simulated": True}]},
    ...                    "en", report_text("en"))[:70]
    'The notebooks that ran (20_survey) recorded no recommendation for this'
    """
    ran = sorted(manifest.get("notebooks", {}))
    if not ran:
        return T["no_recommendations"]
    simulated = sorted({a["notebook"] for a in manifest.get("artefacts", []) if a.get("simulated")} & set(ran))
    sep = "、" if language == "zh" else ", "
    if simulated:
        return _message("The notebooks that ran ({notebooks}) recorded no recommendation for this case: the results of "
                        "{simulated} rest on simulated data, which supports no advice about real customers.", language,
                        notebooks=sep.join(ran), simulated=sep.join(simulated))
    return _message("The notebooks that ran ({notebooks}) recorded no recommendation for this case: none of their "
                    "results met the conditions a recommendation states.", language, notebooks=sep.join(ran))


def answers(sections: list[dict], found: list, T: dict, language: str, own_survey: bool = False,
            said: dict | None = None) -> list[dict]:
    """The discussion's answer to each research question (one per section, :func:`background_framing`): the
    findings of its stage with the numbers the notebooks recorded (:func:`kamlib.workbench.findings.findings`, all of
    them, not the summary's first eight; with the section's closing when one finding answers it), else the answer
    ``said`` gives for its stage (the literature's numbers, :func:`kamlib.workbench.discussion.literature_answer`),
    else the section's closing, else one sentence that the run recorded none.
    A finding on other or simulated data answers only a survey-only study's question (its simulated answers are its
    case).

    Parameters
    ----------
    sections : list of dict
        The report's sections (``key``, ``title``, ``closing``).
    found : list of Finding
        Every finding of the run.
    T : dict
        :func:`report_text` of the language.
    language : {"en", "zh"}
    own_survey : bool
        A survey-only study (:func:`survey_only`).
    said : dict, optional
        Stage -> the sentences that answer its question when no finding does (they state the closing's numbers too).

    Returns
    -------
    list of dict
        ``rq``, ``question``, ``head`` (the two as the heading of the answer), ``html`` and ``text`` (the answer).

    Examples
    --------
    >>> from kamlib.workbench.findings import Finding, Number
    >>> from kamlib.workbench.report import answers, report_text
    >>> f = Finding("k", "segment", "Customers fall into {k} segments.", {"k": Number("nb", "k", 5, "5")})
    >>> s = [{"key": "segment", "title": "3. Which groups?", "closing": [], "notebooks": []}]
    >>> answers(s, [f], report_text("en"), "en")[0]["text"]
    'Customers fall into 5 segments.'
    >>> s = [{"key": "literature", "title": "3. What do the sources claim?", "closing": [], "notebooks": []}]
    >>> said = {"literature": ["The 4 sources were coded into 30 themes."]}
    >>> answers(s, [], report_text("en"), "en", said=said)[0]["text"]
    'The 4 sources were coded into 30 themes.'
    """
    out = []
    for i, s in enumerate(sections, 1):
        own = [f for f in found if f.stage == s["key"] and (own_survey or not f.demonstration)]
        number = s["title"].partition(". ")[0]
        question = T[_section_title_key(s)]
        rq = f"RQ{i}(第 {number} 节)" if language == "zh" else f"RQ{i} (section {number})"
        if own:  # a question one finding answers gets the section's interpretation too
            closing = s.get("closing") or [] if len(own) < 2 else []
            text = run_together(own + closing)
            shown = run_together([f.html() for f in own] + [html.escape(c) for c in closing])
        else:
            text = run_together((said or {}).get(s["key"]) or s.get("closing") or [
                _message("This run recorded no number that answers it.", language)])
            shown = html.escape(text)
        head = f"{rq}{question}" if language == "zh" else f"{rq}: {question}"
        out.append({"rq": rq, "question": question, "head": head, "text": text, "html": shown})
    return out


def numbered(language: str) -> bool:
    """Whether the edition in ``language`` cites by number (GB/T 7714-2015, numeric: the Chinese edition), so its
    reference list is made from its own page (:func:`render`), not from the outline.

    Parameters
    ----------
    language : {"en", "zh"}

    Returns
    -------
    bool

    Examples
    --------
    >>> from kamlib.workbench.report import numbered
    >>> numbered("zh"), numbered("en")
    (True, False)
    """
    from .. import literature

    return literature.STYLE_OF_LANGUAGE[language] == "gbt7714"


def citation_numbers(references: list[dict]) -> dict:
    """``{(first author's surname, year): n}`` of a numeric reference list (:func:`_references`), for every form the
    text cites a work by; empty for an author-date list.

    Parameters
    ----------
    references : list of dict
        The report's reference list (``label`` "[n]" in a numeric style, ``cited_as``).

    Returns
    -------
    dict

    References
    ----------
    GB/T 7714-2015 (信息与文献 参考文献著录规则), 10.1: the numeric system numbers works by first citation.

    Examples
    --------
    >>> from kamlib.workbench.report import citation_numbers
    >>> citation_numbers([{"label": "[1]", "author": "Wu", "year": "2010", "cited_as": [("吴明隆", "2010")]}])
    {('吴明隆', '2010'): 1}
    """
    return {alias: int(r["label"].strip("[]")) for r in references
            if r.get("label") and r["label"].startswith("[") and not r.get("practice")
            for alias in r.get("cited_as") or [(r["author"], r["year"])]}


def survey_only(manifest: dict) -> bool:
    """Whether a run is a survey-only study's: its survey notebook simulated the answers of the study's own model
    (the ``answers`` demonstration) and no notebook of the run reads a transaction log (none ran with a
    ``transactions_`` parameter). Its simulated answers are then its case, marked simulated, not a demonstration on
    other data: the hypothesis table and the survey's findings and key numbers stay in the body.

    Examples
    --------
    >>> from kamlib.workbench.report import survey_only
    >>> survey_only({"notebooks": {"20_survey": {"demonstrations": ["answers"], "parameters": {}}}})
    True
    >>> survey_only({"notebooks": {"20_survey": {"demonstrations": ["answers"], "parameters": {}},
    ...                            "10_key_accounts": {"parameters": {"transactions_source": "x.csv"}}}})
    False
    """
    notebooks = manifest.get("notebooks", {}).values()
    return any("answers" in rec.get("demonstrations", []) for rec in notebooks) and not any(
        k.startswith("transactions_") for rec in notebooks for k in rec.get("parameters", {}))


def _demonstration_groups(arts: list[dict], stages: dict[str, str], notes: dict, language: str) -> list[dict]:
    """The appendix of method demonstrations: per notebook (in the framework's order), its title, the artefacts
    made from other or simulated data and the notes said about them."""
    from .notebooks import STAGES

    order = {k: i for i, k in enumerate(STAGES)}
    by_nb: dict[str, list[dict]] = {}
    for a in arts:
        by_nb.setdefault(a["notebook"], []).append(a)
    for nb, said in notes.items():
        if said:
            by_nb.setdefault(nb, [])
    names = sorted(by_nb, key=lambda nb: (order.get(stages.get(nb, "other"), len(order)), nb))
    return [{"name": nb, "title": _notebook_title(nb, language), "artefacts": by_nb[nb],
             "notes": [text for _, text in notes.get(nb, [])]} for nb in names]


def _in_language(message, language: str) -> str:
    from ..i18n import translate

    return (translate(message, language) or str(message)) if language != "en" else str(message)


def _untestable(manifest: dict, out: Path, results, demo: list[dict], T: dict, language: str,
                own_survey: bool = False) -> str | None:
    """The body's one sentence (:func:`kamlib.workbench.demonstrations.untestable`): the hypotheses tested only on
    simulated answers, the claims shown on other data only, and the demonstrations that ran (a survey-only study's
    simulated answers are its case, :func:`survey_only`, not one of them)."""
    from ..stage_results import OTHER_DATA
    from . import demonstrations, discussion

    shown = [k for rec in manifest.get("notebooks", {}).values() for k in rec.get("demonstrations", [])
             if not (own_survey and k == "answers")]
    hyp = next((a for a in demo if a.get("role") == "hypotheses" and a.get("simulated")), None)
    ids = []
    if hyp is not None and (out / hyp["path"]).exists():
        table = pd.read_csv(out / hyp["path"])
        ids = list(dict.fromkeys(str(h) for h in table.get("hypothesis", pd.Series(dtype=str)).dropna()))
    claims = [c.id for c in discussion.confront(results, discussion.register(manifest)) if c.verdict == OTHER_DATA]
    said = demonstrations.untestable(ids, claims, shown, T["demonstrations_where"])
    return _in_language(said, language) if said is not None else None


def _note(note: str, note_zh: str | None, language: str) -> str:
    """A run's note in the report's language (the Chinese the notebook recorded from the catalogue; an English
    note without one is marked as such)."""
    from ..i18n import in_language

    return in_language(note, note_zh, language)


#: A register row's ``used_by`` word -> the framework stage whose run makes the work part of the background.
_USED_BY_STAGE = {"hypotheses": "understand"}


def _literature(language: str, manifest: dict | None = None) -> list[dict]:
    """The literature register (:func:`kamlib.literature.load_register`) by topic, in the report's language: each
    topic with its works' citations and findings; with a ``manifest``, only the works of the stages that ran (a
    register row's ``used_by``: identify, segment, act, evaluate, hypotheses), so a survey-only study's background
    reviews the survey's literature, not the transaction log's."""
    from .. import literature

    reg = literature.load_register()
    if manifest is not None:
        ran = {rec.get("stage") for rec in manifest.get("notebooks", {}).values()}
        uses = reg["used_by"].str.split(";").apply(lambda words: {_USED_BY_STAGE.get(w.strip(), w.strip())
                                                                  for w in words})
        reg = reg[uses.apply(lambda stages: bool(stages & ran))]
    topics = []
    for topic, rows in reg.groupby("topic", sort=False):
        topics.append({"topic": rows["topic_zh"].iloc[0] if language == "zh" else topic,
                       "works": [{"key": r.key, "cite": r.cite, "finding": r.finding_zh if language == "zh" else
                                  r.finding_en} for r in rows.itertuples()]})
    return topics


def _references(manifest: dict, values: dict, out: Path, quick: bool, results, language: str = "en", *,
                rules=None) -> list[dict]:
    """The works cited anywhere in the report (English text: captions, notes, findings, recommendations,
    limitations, the closings and the discussion (from the run's stage ``results``) and the text cells of every
    table, and the sources of the verdict rules table: the ``rules`` the run applied, every rule when None),
    formatted (:func:`kamlib.literature.references`)."""
    from .. import literature, verdicts
    from . import discussion
    from . import findings as fnd
    from .notebooks import STAGES

    parts = [a.get("caption", {}).get("en", "") for a in manifest.get("artefacts", [])]
    for rec in manifest.get("notebooks", {}).values():
        parts += [str(n) for n in rec.get("notes", [])]
    parts += [f.text() for f in fnd.findings(manifest, values, "en", limit=10**6)]
    parts += fnd.recommendations(manifest, values, "en") + fnd.limitations(values, manifest, "en", quick=quick)
    parts += [f"{c.source} {c.evidence}" for c in discussion.confront(results, discussion.register(manifest))]  # the claims table
    parts += [t for stage in STAGES for t in discussion.closing(stage, results, "en",
                                                                 claims=discussion.register(manifest))]
    for a in manifest.get("artefacts", []):
        if a["kind"] == "table" and (out / a["path"]).exists():
            df = pd.read_csv(out / a["path"])
            parts += [str(v) for c in df.columns if df[c].dtype == object or str(df[c].dtype) == "str"
                      for v in df[c].dropna().unique()]
    shown = verdicts.table(rules, language="en")  # Appendix B prints each applied rule with its source
    parts += [v for c in shown.columns for v in shown[c].tolist() if isinstance(v, str)]
    parts += [w["cite"] for t in _literature("en", manifest) for w in t["works"]]  # the background's review
    parts += [m["text"] for m in methods.chapter(manifest, values, "en", results=results)]  # the methods chapter cites its sources
    parts += [r["citation"] for r in _data_rows(manifest, out, TEXT["en"], "en")]  # the data sets' works (data table)
    parts += [h["basis"] for h in declared_hypotheses(manifest, "en")]  # the hypotheses at a glance
    return _listed("\n".join(parts), language, sources(manifest))


def sources(manifest: dict) -> pd.DataFrame:
    """The practice sources this run read: the study's ``literature.sources`` as the notebooks ran with it
    (:func:`kamlib.workbench.discussion.run_file`), or none when the study declares none (never the default study's
    register).

    Parameters
    ----------
    manifest : dict
        The report folder's ``manifest.json``.

    Returns
    -------
    DataFrame
        :func:`kamlib.literature.load_sources` of that file; no rows when the run read none.

    Examples
    --------
    >>> from kamlib.workbench.report import sources
    >>> len(sources({"notebooks": {"20_survey": {"parameters": {"seed": 1}}}}))
    0
    >>> sources({"notebooks": {"00_literature": {"parameters": {
    ...     "literature_sources": "data/literature/sources.csv"}}}})["id"].iloc[0]
    'S000'
    """
    from .. import literature
    from . import discussion

    return literature.load_sources(discussion.run_file(manifest, "literature_sources"))


def _listed(text: str, language: str, practice_sources: pd.DataFrame) -> list[dict]:
    """The reference list of ``text`` in the style of ``language`` (:func:`kamlib.literature.references`), then the
    case's practice sources (``practice_sources``, :func:`sources`) that ``text`` cites by their register id
    (background, hypotheses, claims)."""
    from .. import literature

    style = literature.STYLE_OF_LANGUAGE[language]
    works = literature.references(text, style=style)
    cited = set(re.findall(r"\bS\d{3}\b", text))  # a practice source is listed when the text cites its id
    items = [i for i in literature.sources_csl(practice_sources, language=language) if i["id"] in cited]
    practice = literature.format_references([i["id"] for i in items], style=style, csl_items=items)
    # a list of their own, after the works, in the order of the ids the text cites them by (the style would sort
    # them by date or title, which puts S002 before S000 under labels that read as a sequence)
    practice = sorted(practice, key=lambda r: r["key"])
    return works + [{**r, "label": r["key"], "author": r["key"], "year": "", "practice": True} for r in practice]


def declared_hypotheses(manifest: dict, language: str = "en") -> list[dict]:
    """The hypotheses the study declares (``survey.hypotheses``, as the survey notebook ran with them), each with its
    statement and basis in ``language``, for "The hypotheses at a glance": shown whether or not the survey's answers
    are simulated, since a hypothesis and its basis are the study's, not its data's.

    Parameters
    ----------
    manifest : dict
        The report folder's ``manifest.json``.
    language : {"en", "zh"}

    Returns
    -------
    list of dict
        ``id``, ``statement``, ``basis`` (works by author and year, :func:`kamlib.literature.cite_as`; practice
        sources by register id; ``assumption`` as the study author's); empty when no notebook ran with hypotheses.

    Examples
    --------
    >>> from kamlib.workbench.report import declared_hypotheses
    >>> m = {"notebooks": {"20_survey": {"parameters": {"survey_hypotheses": [
    ...     {"id": "H3", "statement": {"en": "Price fairness raises satisfaction", "zh": "价格公平感提升满意度"},
    ...      "basis": ["S002", "herrmann2007"]}, {"id": "H5", "statement": {"en": "Personalisation raises it"},
    ...      "basis": ["S000", "assumption"]}]}}}}
    >>> [(h["id"], h["basis"]) for h in declared_hypotheses(m)]
    [('H3', 'S002; Herrmann et al. (2007)'), ('H5', "S000; the study author's assumption")]
    >>> [h["basis"] for h in declared_hypotheses(m, "zh")][1], declared_hypotheses(m, "zh")[0]["statement"]
    ('S000；研究者自己的假定', '价格公平感提升满意度')
    """
    from .. import literature
    from .study import parameter

    key = parameter("survey.hypotheses")  # the study's declared hypotheses, as the notebook that ran got them
    declared = next((rec["parameters"][key] for rec in manifest.get("notebooks", {}).values()
                     if rec.get("parameters", {}).get(key)), None) or []
    keys = literature.work_keys()
    assumption = gettext("the study author's assumption", "value", language) if language != "en" else None
    rows = []
    for h in declared:
        statement = h.get("statement") or {}
        words = [literature.cite_as(b) if b in keys else (assumption or "the study author's assumption")
                 if b == "assumption" else b for b in h.get("basis") or ()]
        rows.append({"id": h.get("id", ""),
                     "statement": statement.get(language) or statement.get("en", "") if isinstance(statement, dict)
                     else str(statement),
                     "basis": ("；" if language == "zh" else "; ").join(words)})
    return rows


def _data_rows(manifest: dict, out: Path, T: dict, language: str = "en") -> list[dict]:
    """One row per data set behind the report: what it is, where it is used, real or simulated, its licence (the
    workbook's own words of a provenance table, "not stated", in ``language``: the table's ``cells_zh``)."""
    from .. import literature

    rows = []
    arts = manifest.get("artefacts", [])
    for a in arts:
        if _is_provenance(a):
            f = pd.read_csv(out / a["path"], keep_default_na=False).set_index("field")["value"]
            real = f.get("real", "yes") == "yes"  # a file without a provenance note is not called real
            # the bibliography's works the note names, cited so that both reference lists hold them
            cites = literature.data_set_citations(str(f.get("citation", "")))
            if language == "zh":  # read before the cells are in Chinese ("yes" is 是 there)
                f = f.map(lambda v, cells=a.get("cells_zh") or {}: cells.get(str(v), v))
            rows.append({"data": f.get("data", a["id"]), "notebook": a["notebook"],
                         "kind": T["real"] if real else T["real_not_stated"],
                         "licence": f.get("licence", ""),
                         "citation": " ".join(p for p in (str(f.get("citation", "")), cites) if p)})
    for nb in sorted({a["notebook"] for a in arts if a.get("simulated")}):
        rec = manifest.get("notebooks", {}).get(nb, {})
        rows.append({"data": T["simulated_data_of"].format(notebook=nb), "notebook": nb, "kind": T["simulated"],
                     "licence": T["simulated_licence"], "citation": T["simulated_how"].format(
                         seed=rec.get("parameters", {}).get("seed"))})
    return rows


def figure_png(a: dict, language: str) -> str:
    """The PNG of a figure artefact in ``language``: ``<id>.<language>.png`` when the run saved one (figures are
    drawn in the study's language and, translated, in the other), else its main PNG."""
    pngs = [f for f in a["files"] if f.endswith(".png")]
    return next((f for f in pngs if f.endswith(f".{language}.png")),
                next((f for f in pngs if f.count(".") == 1), a["path"]))


def _html_view(a: dict, out: Path, lang: str, T: dict) -> dict:
    """What the page shows of one numbered artefact: figure or table (money columns headed with the currency the
    notebook ran with) and its source link."""
    from markupsafe import Markup

    view = dict(a, ext=Path(a["path"]).suffix.lstrip("."), cell=a.get("cell"), functions=a.get("functions", []))
    if a["kind"] == "figure":
        png = figure_png(a, lang)
        view["src"] = _png_data_uri(out / png)
        # its links open the figure in the edition's language: that PNG, and the SVG when the edition is the study's
        view["files"] = [f for f in a["files"] if f == png or (f.endswith(".svg") and png.count(".") == 1)]
    elif a["kind"] == "table":
        table, total = _table_html(out / a["path"], lang, currency=a.get("currency"), cells=a.get("cells_zh"),
                                   time_unit=a.get("time_unit"), names=a.get("names"))
        view["table"] = Markup(table)
        view["more"] = T["rows_shown"].format(n=30, total=total) if total > 30 else ""
    return view


def _key_numbers(manifest: dict, values: dict, lang: str, currency: str | None = None,
                 demonstration: bool | None = None, own: bool = False) -> list[tuple[str, str]]:
    """The tiles under the hypothesis table: the values each notebook recorded with a label
    (:meth:`kamlib.workbench.artefacts.Artefacts.record`), in the report's order of notebooks, each shown as its
    kind says (numbers in the locale's format, :func:`kamlib.i18n.number`). A value the run could not compute
    (None, NaN) is no tile. ``demonstration``: only the values from other data than the case's (True), only the
    case's own (False), or all (None). ``own``: a survey-only study (:func:`survey_only`), whose simulated
    answers are its case: the values of a notebook whose only demonstration is them count as the case's."""
    from ..i18n import number

    cards = []
    for nb, rec in sorted(manifest.get("notebooks", {}).items()):
        for k in rec.get("key_numbers", []):
            if own and rec.get("demonstrations") == ["answers"]:
                k = {**k, "demonstration": False}
            if demonstration is not None and bool(k.get("demonstration")) != demonstration:
                continue
            v = values.get(nb, {}).get(k["key"])
            if v is None or (isinstance(v, float) and v != v):
                continue
            kind = k["kind"]
            if kind in ("share", "count", "money", "cutoff"):
                shown = number(v, kind, lang, currency=currency)
            elif kind == "text":
                shown = (k.get("value_zh") or str(v)) if lang == "zh" else str(v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):  # as the findings show it (Gini 0.60)
                shown = number(v, "estimate", lang)
            else:
                shown = _fmt(v)
            label = (k.get("label_zh") or k["label"]) if lang == "zh" else k["label"]
            if k.get("demonstration"):  # a value from another data set than the company's: the tile says so
                label += f" ({report_text(lang)['method_demonstration']})"
            cards.append((label, shown))
    return cards


def _appendix(manifest: dict, sections: list[dict]) -> list[dict]:
    """The parameters each notebook ran with (from the manifest), in report order."""
    recorded = manifest.get("notebooks", {})
    order = [nb["name"] for s in sections for nb in s["notebooks"]]
    names = order + sorted(set(recorded) - set(order))
    rows = []
    for name in names:
        rec = recorded.get(name, {})
        params = rec.get("parameters", {})
        rows.append({"name": name, "hash": rec.get("parameters_hash", ""),
                     "parameters": [(k, json.dumps(v, ensure_ascii=False)) for k, v in params.items()]})
    return rows


def edition_name(kind: str, language: str, main_language: str) -> str:
    """File name of an edition: ``index.html``, ``report.docx``, ``report.pdf`` in the study's language, and
    ``index.zh.html``, ``report.zh.docx``, ``report.zh.pdf`` (or ``.en``) in the other."""
    base = {"html": "index.html", "docx": "report.docx", "pdf": "report.pdf"}[kind]
    if language == main_language:
        return base
    stem, ext = base.rsplit(".", 1)
    return f"{stem}.{language}.{ext}"


def _template(name: str = "report.html.j2"):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True)
    return env.get_template(name)


def render(manifest: dict, out: Path, *, title: str, language: str, study_name: str, quick: bool,
           build_key: str = "", other: str | None = None, texts: dict | None = None,
           references_only: bool = False, context: dict | None = None):
    """The report page for a manifest and its report folder ``out`` (no study file needed); ``other`` is the file
    name of the edition in the other language, linked from the header; ``texts``: the author's words per section,
    ``context``: what the report needs of the study file (:func:`outline`, :func:`run_context`).

    In a numeric citation style (the Chinese edition, GB/T 7714-2015) the reference list holds exactly the works the
    page cites, numbered in the order the page first cites them, and each citation carries its number; with
    ``references_only`` the function returns that list (the Word and PDF editions show the same)."""
    from markupsafe import Markup

    doc = outline(manifest, out, language=language, quick=quick, texts=texts, context=context)
    T = dict(report_text(language), background_text=doc["background_text"],
             no_recommendations=doc["no_recommendations"], references_note=references_note(doc["references"], language),
             literature_note=literature_note([t["topic"] for t in doc["literature"]], doc["hypotheses"] is not None,
                                             language))
    doc["answers"] = [dict(a, html=Markup(a["html"])) for a in doc["answers"]]
    doc["author"] = {k: Markup(authors.html(v)) for k, v in doc["author"].items()}
    view = lambda a: _html_view(a, out, language, T) if a else None  # noqa: E731
    doc["hypotheses"] = view(doc["hypotheses"])
    doc["data"] = [view(a) for a in doc["data"]]
    doc["reference"] = [view(a) for a in doc["reference"]]
    for s in doc["sections"]:
        s["main"] = view(s["main"])
        for nb in s["notebooks"]:
            nb["artefacts"] = [view(a) for a in nb["artefacts"]]
    for nb in doc["demonstration_appendix"]["notebooks"]:
        nb["artefacts"] = [view(a) for a in nb["artefacts"]]
    badge = Markup("<span class='badge'>{}</span>").format(T["simulated"])

    def page_of(doc):
        return _template().render(
        T=T, html_lang="zh-CN" if language == "zh" else "en", build_key=build_key, title=title, css=Markup(CSS),
        sentences=run_together, heading_stop=heading_stop, gap=gap_after, cite=cite_evidence,
        check_js=Markup(CHECK_JS), folder=out.name, study_name=study_name, quick=quick, other=other,
        simulated_note=Markup(str(Markup.escape(T["simulated_note"])).replace("{badge}", str(badge))),
        **{part: [(Markup(f.html()), f.evidence, doc["labels"].get(f.evidence), f.simulated, f.key) for f in doc[part]]
           for part in ("summary", "demonstrations")},
        **{k: v for k, v in doc.items() if k not in ("summary", "demonstrations")})

    page = page_of(doc)
    if numbered(language):  # a numeric style: the list is the page's, in its order of citation
        import html as _html

        head, _, rest = page.partition("<ul class='refs'>")
        tail = rest.partition("</ul>")[2]
        text = _html.unescape(re.sub(r"<[^>]*>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", head + tail,
                                                             flags=re.S)))
        doc["references"] = _listed(text, language, sources(manifest))
        if references_only:
            return doc["references"]
        T["references_note"] = references_note(doc["references"], language)
        page = page_of(doc)
        page = _number_html(page, citation_numbers(doc["references"]), language)
    if language == "zh":  # Chinese punctuation in Chinese text, outside the reference list
        page = zh_marks(page)
    if references_only:
        return doc["references"]
    if not numbered(language):  # APA 7 (the English edition): its in-text citations, not its reference list
        known = {tuple(c) for r in doc["references"] if r.get("key") for c in r.get("cited_as", [])}
        page = _apa_html(page, known)
    return page


#: Elements that end a run of text for :func:`zh_marks`: a bracket, a clause or a cell never reads across them
_BLOCKS = re.compile(r"</?(?:p|li|ul|ol|td|th|tr|table|thead|tbody|caption|figcaption|figure|h[1-6]|div|nav|section|"
                     r"header|footer|body|head|html|dl|dt|dd|br)\b", re.I)


def zh_marks(page: str) -> str:
    """``page`` with full-width punctuation where its text is Chinese (:func:`kamlib.i18n.zh_punctuation`).

    Each block of the page (a paragraph, a heading, a list item, a table cell) is read as one text across its
    inline tags (a bracket opened before a link closes after it), never across blocks ("1. 研究背景" after a Chinese
    paragraph keeps its full stop; a number cell beside a Chinese cell keeps its marks); code reads as a word, and
    the reference list (GB/T 7714's own marks), scripts, styles and the window title are left as they are. Not
    :func:`_rewrite_prose`, whose rewrite sees one run between two tags at a time. The Word and PDF editions
    punctuate their paragraphs and cells with the same function.

    Parameters
    ----------
    page : str
        An HTML page of the Chinese edition.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.workbench.report import zh_marks
    >>> zh_marks("<h2>1. 背景</h2><p>金额(见 <a href='#t'>表 3</a>):总计</p><td>(0.1, 0.5)</td>")
    "<h2>1. 背景</h2><p>金额（见 <a href='#t'>表 3</a>）：总计</p><td>(0.1, 0.5)</td>"
    """
    from ..i18n import TAG, WORD, zh_punctuation

    skip = re.compile(r"(<(script|style|title|code|pre)\b.*?</\2>|<[^>]*>)", re.S)

    def part(text: str) -> str:
        pieces = skip.split(text)
        runs, tags = pieces[0::3], pieces[1::3]
        done = [html.unescape(r) for r in runs]
        plain = list(done)
        start = 0
        for i in range(len(runs)):
            if i < len(runs) - 1 and not _BLOCKS.match(tags[i]):
                continue
            block = range(start, i + 1)  # runs start..i, joined by their inline tags (code reads as a word)
            marks = [TAG if not re.match(r"<(script|style|title|code|pre)\b", tags[j]) else WORD + TAG
                     for j in range(start, i)]
            joined = "".join(plain[j] + (marks[j - start] if j < i else "") for j in block)
            for j, d in zip(block, zh_punctuation(joined).replace(WORD, "").split(TAG)):
                done[j] = d
            start = i + 1
        runs = [r if d == p else html.escape(d, quote=False) for r, p, d in zip(runs, plain, done)]
        return "".join(r + (tags[i] if i < len(tags) else "") for i, r in enumerate(runs))

    return _outside_refs(page, part)


def _outside_refs(page: str, rewrite) -> str:
    """``page`` with ``rewrite`` applied to what stands before and after its reference list (which keeps its
    style's own forms and marks): the one split of a page at its list that :func:`zh_marks` and
    :func:`_rewrite_prose` share."""
    head, sep, rest = page.partition("<ul class='refs'>")
    refs, sep2, tail = rest.partition("</ul>")
    return rewrite(head) + sep + refs + sep2 + rewrite(tail)


def _rewrite_prose(page: str, rewrite, skip: tuple[str, ...]) -> str:
    """``page`` with ``rewrite`` applied to each run of text outside the reference list, outside tags and outside the
    elements named in ``skip`` (code, scripts, the window title: not the report's prose); the one walk over a page's
    text that the citation forms of both editions share."""
    names = "|".join(skip)
    element = re.compile(rf"(<(?:{names})\b.*?</(?:{names})>)", re.S)

    def walk(part: str) -> str:
        out = []
        for block in element.split(part):
            if re.match(rf"<(?:{names})\b", block):
                out.append(block)
            else:
                out.extend(p if p.startswith("<") else rewrite(p) for p in re.split(r"(<[^>]*>)", block))
        return "".join(out)

    return _outside_refs(page, walk)


def _apa_html(page: str, known: set | None = None) -> str:
    """``page`` with each citation in its prose (:func:`_rewrite_prose`; not in code or the reference list) in the
    form of APA 7 (:func:`kamlib.literature.apa_citations`; ``known``: the works of the reference list)."""
    from .. import literature

    def apa(text: str) -> str:
        if not text.strip():
            return text
        plain = html.unescape(text)
        done = literature.apa_citations(plain, known)
        return text if done == plain else html.escape(done, quote=False)  # text without a citation stays as it was

    return _rewrite_prose(page, apa, ("script", "style", "title", "code", "pre"))


def _number_html(page: str, numbers: dict, language: str) -> str:
    """``page`` with each citation in its text (:func:`_rewrite_prose`; not in the reference list) followed by its
    superscript number, in the author-number form of ``language`` (:func:`kamlib.literature.number_citations`)."""
    from .. import literature

    def number(text: str) -> str:
        if not text.strip():
            return text
        done = literature.number_citations(html.unescape(text), numbers, "\x00{n}\x01", language=language)
        return html.escape(done, quote=False).replace("\x00", "<sup>[").replace("\x01", "]</sup>")

    return _rewrite_prose(page, number, ("script", "style", "title"))


def languages(main: str) -> tuple[str, str]:
    """The report's editions: the study's language first, then the other of en and zh."""
    return (main, "zh" if main == "en" else "en")


def build(study_file=None, *, quick: bool = False, force: bool = False) -> Path:
    """Write the study's report pages from its manifest: ``index.html`` in the study's language and
    ``index.zh.html`` (or ``index.en.html``) in the other; returns the path of ``index.html``.

    Nothing is rewritten when the manifest, the recorded values, the study's title and language and the report
    code are unchanged since the last build (``force`` rebuilds anyway). Each page is written to a temporary file
    and moved into place, so a failed build leaves the last good page.
    """
    import hashlib

    from . import study as study_mod
    from .runner import output_folder

    study = study_mod.load(study_file, quick=quick)
    out = output_folder(study, quick)
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        raise KamError(f"No manifest at {manifest_path}; run the notebooks first (kam run{' --quick' if quick else ''}).")
    from ..config import DATA

    here = Path(__file__).parent
    lit = DATA / "literature"
    inputs = (Path(__file__), here / "findings.py", here / "discussion.py", here / "methods.py",
              here.parent / "stage_results.py", here.parent / "i18n.py", here.parent / "literature.py",
              here.parent / "verdicts.py", here / "templates" / "report.html.j2",
              *sorted((here.parent / "locale").glob("*.po")), *sorted((here.parent / "resources").glob("*.csl")),
              lit / "codebook.yaml", lit / "methods.bib", lit / "register.csv", lit / "sources.csv",
              lit / "claims.csv", lit / "literature_claims.csv")
    code = b"".join(f.read_bytes() for f in inputs if f.exists())
    values = b"".join(f.read_bytes() for f in sorted((out / "values").glob("*.json")))
    manifest_bytes = manifest_path.read_bytes()
    manifest = json.loads(manifest_bytes.decode("utf-8"))
    main, other = languages(study.language)
    texts = {lang: study.texts_for(lang) for lang in (main, other)}
    context = run_context(study)  # the assumptions the study leaves to the workbook, and its notebooks
    for lang in (main, other):
        build_key = hashlib.sha256(manifest_bytes + values + f"{study.title_for(lang)}|{lang}|{main}|{quick}"
                                   .encode() + code + json.dumps(texts[lang], sort_keys=True).encode()
                                   + json.dumps(context, sort_keys=True, default=str).encode()).hexdigest()[:20]
        page_path = out / edition_name("html", lang, main)
        if not force and page_path.exists() and \
                f"<meta name='kam-build' content='{build_key}'>" in page_path.read_text(encoding="utf-8")[:2000]:
            continue
        page = render(manifest, out, title=study.title_for(lang), language=lang, study_name=study.name, quick=quick,
                      build_key=build_key, texts=texts[lang], context=context,
                      other=edition_name("html", other if lang == main else main, main))
        _write_atomic(page_path, page)
    arts = manifest.get("artefacts", [])
    summary = {"study": study.name, "quick": quick, "title": {lang: study.title_for(lang) for lang in ("en", "zh")},
               "language": study.language, "data": str(study.transactions.source),
               "notebooks": sorted(manifest.get("notebooks", {})), "artefacts": len(arts),
               "simulated": sum(a.get("simulated", False) for a in arts)}
    _write_atomic(out / "report.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    build_index(out.parent)
    return out / "index.html"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_index(root: Path | None = None) -> Path:
    """Write ``reports/index.html``: one row per study report in ``root`` (default: the reports folder).

    Each row comes from the ``report.json`` a report build leaves beside its ``index.html``: the
    study, its title in both languages, its data, notebooks, artefacts and how many of them rest
    on simulated data. The default study comes first, then the others by name; quick builds last.
    """
    from ..config import reports_root

    root = Path(root) if root else reports_root()
    rows = []
    for f in sorted(root.glob("*/report.json")):
        if not (f.parent / "index.html").exists():
            continue
        info = json.loads(f.read_text(encoding="utf-8"))
        rows.append(dict(info, folder=f.parent.name))
    rows.sort(key=lambda r: (r["quick"], r["study"] != "default", r["study"]))
    page = _template("index.html.j2").render(rows=rows, css=_markup(CSS))
    path = root / "index.html"
    _write_atomic(path, page)
    return path


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)
