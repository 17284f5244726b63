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

import base64
import html
import io
import json
import os
import re
from pathlib import Path

import pandas as pd

from ..errors import KamError
from ..i18n import HEADERS_ZH, KEY_NUMBERS_ZH, LABELS_ZH, REPORT_ZH, VALUES_ZH

TEXT = {
    "en": {"literature": "Literature: sources, themes and facts", "understand": "Understand: the customer survey and reviews",
           "identify": "Identify: key accounts in the transactions", "segment": "Segment and prioritise: segments, lifecycle, churn",
           "act": "Act: offers, cross-selling and personalisation",
           "evaluate": "Evaluate: selection rules, experiments, programmes, budget", "other": "Other analyses",
           "figure": "Figure", "table": "Table", "document": "Document", "simulated": "Simulated data",
           "hypotheses": "Hypotheses H1-H8 at a glance", "summary": "Summary", "contents": "Contents",
           "appendix": "Appendix: methods, parameters and versions", "notebook": "notebook", "cell": "cell",
           "rows_shown": "first {n} of {total} rows; full table",
           "key_numbers": "Key numbers", "generated": "Built from the manifest of", "artefacts": "artefacts",
           "no_hypotheses": "The survey notebook has not run for this study, so there is no hypothesis table yet.",
           "params": "Parameters", "versions": "Library versions", "open": "open", "study": "study",
           "params_note": "The parameters each notebook ran with, as recorded when it ran (not the study file as it is now).",
           "simulated_note": "Figures and tables marked {badge} come from data simulated by the workbook from a documented model; replace them with your own data through the study file."},
    "zh": REPORT_ZH,
}

#: Key numbers shown under the hypothesis table: notebook, value and English label (``{top}`` is the
#: study's strategy.top_share); Chinese labels in :data:`kamlib.i18n.KEY_NUMBERS_ZH` (else the English one).
KEY_VALUES = [
    ("10_key_accounts", "bgnbd_r", "BG/NBD r"), ("10_key_accounts", "bgnbd_alpha", "BG/NBD α"),
    ("10_key_accounts", "bgnbd_a", "BG/NBD a"), ("10_key_accounts", "bgnbd_b", "BG/NBD b"),
    ("10_key_accounts", "gini", "Gini of revenue"), ("10_key_accounts", "key_accounts", "Key accounts"),
    ("40_strategy", "capture_clv", "Holdout revenue captured by the top {top} by CLV"),
    ("40_strategy", "capture_random", "... by a random {top}"),
    ("35_churn", "auc_logit", "Churn AUC (logit, transactions)"), ("35_churn", "auc_telecom", "Churn AUC (telecom)"),
    ("30_segments", "k_chosen", "Segments (k)"), ("00_literature", "n_gaps", "Themes not yet tested"),
    ("45_personalisation", "f001_new_lift", "Hit-rate lift, personalised over popular (F001 says +20%)"),
    ("25_reviews", "classifier_accuracy", "Review sentiment: held-out accuracy"),
]

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
    separators, large numbers without decimals, small ones with four significant digits; never
    scientific notation above 0.001."""
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
    if float(v).is_integer():
        return f"{v:,.0f}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) < 0.001:
        return f"{v:.2e}"
    return f"{v:.4g}"


def _fmt_p(v):
    """A p-value as journals print it: three decimals, and "< 0.001" below that (the CSV keeps
    every digit; an optimiser's p of exactly 0 is a value below its precision, not zero)."""
    if not isinstance(v, float) or v != v:
        return _fmt(v)
    return "&lt;&nbsp;0.001" if v < 0.001 else f"{v:.3f}"


_SHARE = re.compile(r"(share|rate|capture|p_alive|proportion|_pct$|^pct_)", re.I)
_MONEY = re.compile(r"(^|_)(revenue|clv|value|spend|monetary|amount|avg_order|budget)($|_)", re.I)


def column_kind(name, values: pd.Series) -> str:
    """How a report table shows a column: ``p``, ``share``, ``money``, ``count``, ``number``,
    ``text`` (by its name and values; the CSV keeps every digit).

    Shares and rates have three decimals; money has thousands separators (no decimals from 1,000
    up, else two) and is headed with the study's currency; counts are whole numbers with
    separators; other estimates have three decimals (scientific notation only below 0.0005).
    """
    name = str(name)
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values):
        return "text"
    if _is_p_column(name):
        return "p"
    if _SHARE.search(name):
        return "share"
    if _MONEY.search(name):
        return "money"
    finite = values.dropna()
    if pd.api.types.is_integer_dtype(values) or (len(finite) and (finite == finite.round()).all()
                                                  and finite.abs().max() >= 1):
        return "count"
    return "number"


def _formatter(kind: str, values: pd.Series):
    """A function that formats one cell of a column of this kind, with decimals fixed per column.

    Text cells stay as written (product codes and ids such as ``22423`` are not numbers to format),
    except in a ``value`` column of a measure/value table, whose numbers get separators."""
    if kind == "p":
        return _fmt_p
    if kind == "text":
        return _fmt if str(values.name) == "value" else (lambda v: "" if v is None or v != v else html.escape(str(v)))
    big = values.abs().max() if values.notna().any() else 0
    if kind == "count":
        spec = ",.0f"
    elif kind == "share":
        spec = ".3f"
    elif kind == "money":
        spec = ",.0f" if big >= 1000 else ",.2f"
    else:  # estimates: three decimals, whatever the magnitude (a parameter table mixes 0.8 and 27,712)
        spec = ",.3f"

    def fmt(v):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return _fmt(v)
        if v != v:
            return ""
        if kind == "number" and v != 0 and abs(v) < 0.0005:
            return f"{v:.2e}"
        if kind == "share" and 0 < abs(v) < 0.0005:
            return "&lt;&nbsp;0.001" if v > 0 else "&gt;&nbsp;-0.001"
        return format(v, spec)

    return fmt


def _is_p_column(name: str) -> bool:
    return re.search(r"(^|_)pvalue(_adjusted)?$", str(name)) is not None


def _language_columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table may carry a column ``X`` and its Chinese version ``X_zh``: the Chinese report shows
    ``X_zh`` in place of ``X``, the English one leaves ``X_zh`` out."""
    pairs = [c for c in df.columns if str(c).endswith("_zh") and str(c)[:-3] in df.columns]
    if lang == "zh":
        df = df.assign(**{c[:-3]: df[c].where(df[c].notna(), df[c[:-3]]) for c in pairs})
    return df.drop(columns=pairs)


def _table_cells(csv: Path, lang: str, max_rows: int = 30, currency: str | None = None):
    """Headers, formatted cells (HTML-escaped text) and column kinds of a table's first ``max_rows`` rows, and
    its total rows: what every edition of the report shows of it."""
    df = _language_columns(pd.read_csv(csv), lang)
    total = len(df)
    shown = df.head(max_rows)
    generic = {"measure", "field"} & set(df.columns)  # a measure/value table: the values are of many kinds
    kinds = [column_kind("measured" if generic and c == "value" else c, df[c]) for c in df.columns]
    if lang == "zh":
        shown = shown.replace(VALUES_ZH)  # exact string cells only; numbers and booleans stay
    heads = [HEADERS_ZH.get(c, LABELS_ZH.get(c, c)) if lang == "zh" else c for c in shown.columns]
    heads = [f"{h} ({currency})" if k == "money" and currency else h for h, k in zip(heads, kinds)]
    fmts = [_formatter(k, df[c]) for k, c in zip(kinds, df.columns)]
    rows = [[f(v) for f, v in zip(fmts, r)] for r in shown.itertuples(index=False)]
    return heads, rows, kinds, total


def _table_html(csv: Path, lang: str, max_rows: int = 30, currency: str | None = None) -> tuple[str, int]:
    heads, rows, kinds, total = _table_cells(csv, lang, max_rows, currency)
    cls = [" class='t'" if k == "text" else "" for k in kinds]
    body = "".join("<tr>" + "".join(f"<td{c}>{v}</td>" for c, v in zip(cls, r)) + "</tr>" for r in rows)
    head = "".join(f"<th{c}>{html.escape(str(h))}</th>" for c, h in zip(cls, heads))
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", total


def captions_zh() -> dict:
    """Chinese captions by artefact id (``data/i18n/captions_zh.yaml``)."""
    import yaml

    from ..config import DATA

    path = DATA / "i18n" / "captions_zh.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def _caption(entry: dict, lang: str, zh: dict | None = None) -> str:
    cap = entry.get("caption", {})
    if lang == "zh":
        return cap.get("zh") or (zh or {}).get(entry["id"]) or cap.get("en") or entry["id"]
    return cap.get(lang) or cap.get("en") or entry["id"]


def _values(out: Path) -> dict:
    return {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in sorted((out / "values").glob("*.json"))}


def _sections(arts: list[dict], stages: dict[str, str], T: dict, notes: dict | None = None) -> list[dict]:
    """Notebooks grouped by their declared stage, in the framework's order; unknown stages last."""
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
    return [{"key": k, "title": f"{i}. {T[k]}", "notebooks": [{"name": nb, "artefacts": by_nb[nb],
                                                                "notes": notes.get(nb, [])} for nb in nbs]}
            for i, (k, nbs) in enumerate(present, 1)]


def _prepare(a: dict, out: Path, lang: str, T: dict, zh_caps: dict, counters: dict,
             currencies: dict | None = None) -> dict:
    """What the template shows of one artefact: number, caption, source link, figure or table
    (money columns headed with the currency the notebook ran with)."""
    currency = (currencies or {}).get(a["notebook"])
    from markupsafe import Markup

    kind = a["kind"]
    counters[kind] += 1
    view = dict(a, label=f"{T[kind]} {counters[kind]}.", caption=_caption(a, lang, zh_caps),
                ext=Path(a["path"]).suffix.lstrip("."), cell=a.get("cell"), functions=a.get("functions", []))
    if kind == "figure":
        png = next((f for f in a["files"] if f.endswith(".png")), a["path"])
        view["src"] = _png_data_uri(out / png)
    elif kind == "table":
        table, total = _table_html(out / a["path"], lang, currency=currency)
        view["table"] = Markup(table)
        view["more"] = T["rows_shown"].format(n=30, total=total) if total > 30 else ""
    return view


def _key_numbers(values: dict, lang: str, top_share: float | None) -> list[tuple[str, str]]:
    """The tiles under the hypothesis table. The parameters of a degenerate BG/NBD fit (one at a
    bound of the optimiser) are not numbers to read: one tile says what the model reduced to."""
    top = f"{top_share:.0%}" if top_share is not None else "20%"
    degenerate = "BG/NBD" in values.get("10_key_accounts", {}).get("degenerate_models", [])
    cards = []
    for nb, key, en in KEY_VALUES:
        if key not in values.get(nb, {}):
            continue
        if degenerate and key.startswith("bgnbd_"):
            if key == "bgnbd_r":
                cards.append(("BG/NBD", KEY_NUMBERS_ZH["bgnbd_degenerate"] if lang == "zh" else
                              "degenerate: no dropout identifiable, reduces to the NBD"))
            continue
        cards.append(((KEY_NUMBERS_ZH.get(key, en) if lang == "zh" else en).format(top=top), _fmt(values[nb][key])))
    return cards


def _appendix(manifest: dict, sections: list[dict]) -> list[dict]:
    """The parameters each notebook ran with (from the manifest), in report order."""
    recorded = manifest.get("notebooks", {})
    rows = []
    for s in sections:
        for nb in s["notebooks"]:
            rec = recorded.get(nb["name"], {})
            params = rec.get("parameters", {})
            rows.append({"name": nb["name"], "hash": rec.get("parameters_hash", nb["artefacts"][0].get("parameters_hash", "")),
                         "parameters": [(k, json.dumps(v, ensure_ascii=False)) for k, v in params.items()]})
    return rows


def _template(name: str = "report.html.j2"):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True)
    return env.get_template(name)


def render(manifest: dict, out: Path, *, title: str, language: str, study_name: str, quick: bool,
           top_share: float | None = None, build_key: str = "") -> str:
    """The report page for a manifest and its report folder ``out`` (no study file needed)."""
    from markupsafe import Markup

    arts = manifest.get("artefacts", [])
    T = TEXT[language]
    zh_caps = captions_zh() if language == "zh" else {}
    counters = {"figure": 0, "table": 0, "document": 0}
    stages = {nb: rec.get("stage", "other") for nb, rec in manifest.get("notebooks", {}).items()}
    hyp = next((a for a in arts if a["id"] == "survey_hypotheses"), None)
    hypotheses = _prepare(hyp, out, language, T, zh_caps, counters) if hyp else None
    currencies = {nb: rec.get("parameters", {}).get("transactions_currency")
                  for nb, rec in manifest.get("notebooks", {}).items()}
    notes = {nb: rec.get("notes", []) for nb, rec in manifest.get("notebooks", {}).items()}
    sections = _sections([a for a in arts if a is not hyp], stages, T, notes)
    for s in sections:
        for nb in s["notebooks"]:
            nb["artefacts"] = [_prepare(a, out, language, T, zh_caps, counters, currencies) for a in nb["artefacts"]]
    versions = arts[0].get("versions", {}) if arts else {}
    badge = Markup("<span class='badge'>{}</span>").format(T["simulated"])
    return _template().render(
        T=T, html_lang="zh-CN" if language == "zh" else "en", build_key=build_key, title=title, css=Markup(CSS),
        check_js=Markup(CHECK_JS), folder=out.name, n_artefacts=len(arts), study_name=study_name, quick=quick,
        n_simulated=sum(a.get("simulated", False) for a in arts),
        simulated_note=Markup(str(Markup.escape(T["simulated_note"])).replace("{badge}", str(badge))),
        sections=sections, hypotheses=hypotheses, cards=_key_numbers(_values(out), language, top_share),
        appendix=_appendix(manifest, sections), versions=sorted(versions.items()))


def build(study_file=None, *, quick: bool = False, force: bool = False) -> Path:
    """Write ``index.html`` for the study's report folder from its manifest; returns its path.

    Nothing is rewritten when the manifest, the study's title and language and the report code
    are unchanged since the last build (``force`` rebuilds anyway). The page is written to a
    temporary file and moved into place, so a failed build leaves the last good page.
    """
    import hashlib

    from . import study as study_mod
    from .runner import output_folder

    study = study_mod.load(study_file, quick=quick)
    out = output_folder(study, quick)
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        raise KamError(f"No manifest at {manifest_path}; run the notebooks first (kam run{' --quick' if quick else ''}).")
    code = Path(__file__).read_bytes() + (Path(__file__).parent / "templates" / "report.html.j2").read_bytes()
    build_key = hashlib.sha256(manifest_path.read_bytes() + f"{study.title_for()}|{study.language}|{quick}".encode()
                               + code).hexdigest()[:20]
    index = out / "index.html"
    if not force and index.exists() and f"<meta name='kam-build' content='{build_key}'>" in index.read_text(encoding="utf-8")[:2000]:
        return index
    page = render(json.loads(manifest_path.read_text(encoding="utf-8")), out, title=study.title_for(),
                  language=study.language, study_name=study.name, quick=quick, top_share=study.strategy.top_share,
                  build_key=build_key)
    _write_atomic(index, page)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    arts = manifest.get("artefacts", [])
    summary = {"study": study.name, "quick": quick, "title": {lang: study.title_for(lang) for lang in ("en", "zh")},
               "language": study.language, "data": str(study.transactions.source),
               "notebooks": sorted(manifest.get("notebooks", {})), "artefacts": len(arts),
               "simulated": sum(a.get("simulated", False) for a in arts)}
    _write_atomic(out / "report.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    build_index(out.parent)
    return index


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
