"""Assemble a study's artefacts into one self-contained HTML report: ``reports/<study>/index.html``.

Figures are embedded (PNG, scaled for the screen), tables rendered from their CSV,
sections follow the framework (literature, understand, identify, segment, evaluate),
the hypothesis table comes first, every artefact made from simulated data carries a
badge, and an appendix lists the parameters and library versions. ``@media print``
rules make printing to PDF give a clean document. The page checks itself when opened:
``<body data-broken-images=N data-cjk-font=yes|no>`` (used by the browser test).
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
from ..i18n import LABELS_ZH

SECTIONS = [
    ("literature", ["00_literature"]),
    ("understand", ["20_survey"]),
    ("identify", ["01_data_overview", "10_key_accounts"]),
    ("segment", ["30_segments", "35_churn"]),
    ("evaluate", ["40_strategy"]),
]

TEXT = {
    "en": {"literature": "1. Literature: sources, themes and facts", "understand": "2. Understand: the customer survey",
           "identify": "3. Identify: key accounts in the transactions", "segment": "4. Segment and prioritise: segments, lifecycle, churn",
           "evaluate": "5. Evaluate: selection rules, experiments, programmes, budget", "other": "Other analyses",
           "figure": "Figure", "table": "Table", "document": "Document", "simulated": "Simulated data",
           "hypotheses": "Hypotheses H1-H8 at a glance", "summary": "Summary", "contents": "Contents",
           "appendix": "Appendix: methods, parameters and versions", "notebook": "notebook", "rows_shown": "first {n} of {total} rows; full table",
           "key_numbers": "Key numbers", "generated": "Built from the manifest of", "artefacts": "artefacts",
           "no_hypotheses": "The survey notebook has not run for this study, so there is no hypothesis table yet.",
           "params": "Parameters", "versions": "Library versions", "open": "open", "study": "study",
           "simulated_note": "Figures and tables marked {badge} come from data simulated by the workbook from a documented model; replace them with your own data through the study file."},
    "zh": {"literature": "1. 文献:来源、主题与事实", "understand": "2. 理解:客户问卷调查", "identify": "3. 识别:交易数据中的大客户",
           "segment": "4. 细分与优先级:客户细分、生命周期、流失", "evaluate": "5. 评估:选择规则、实验、项目与预算", "other": "其他分析",
           "figure": "图", "table": "表", "document": "文档", "simulated": "模拟数据", "hypotheses": "假设 H1-H8 一览",
           "summary": "摘要", "contents": "目录", "appendix": "附录:方法、参数与版本", "notebook": "笔记本",
           "rows_shown": "显示前 {n} 行,共 {total} 行;完整表格", "key_numbers": "关键数字", "generated": "根据以下清单生成",
           "artefacts": "个成果", "no_hypotheses": "本研究尚未运行问卷笔记本,因此还没有假设检验表。", "params": "参数",
           "versions": "软件版本", "open": "打开", "study": "研究",
           "simulated_note": "标有 {badge} 的图表来自本工作簿按已记录模型生成的模拟数据;可在研究文件中换成您自己的数据。"},
}

#: Column headers of the Chinese report (others stay as they are).
HEADERS_ZH = {
    "hypothesis": "假设", "statement": "陈述", "method": "方法", "estimate": "估计值", "std_estimate": "标准化估计",
    "ci_lower": "置信区间下限", "ci_upper": "置信区间上限", "pvalue": "p 值", "supported": "是否支持", "se": "标准误",
    "rule": "规则", "removed": "剔除", "remaining": "剩余", "construct": "构念", "items": "题项数", "n": "样本量",
    "alpha": "Cronbach α", "omega": "McDonald ω", "composite_reliability": "组合信度", "ave": "平均方差抽取量",
    "segment": "细分群", "customers": "客户数", "customer_share": "客户占比", "revenue": "收入", "revenue_share": "收入占比",
    "clv": "客户终身价值", "tier": "层级", "theme": "主题", "stage": "阶段", "source": "来源", "sources": "来源数",
    "units": "单元数", "label": "名称", "kappa": "Kappa", "agreement": "一致率", "effect": "效应", "pvalue_adjusted": "校正 p 值",
    "auc": "AUC", "score": "评分", "allocation": "分配方案", "spend": "投入", "incremental_clv": "增量 CLV", "roi": "投资回报率",
    "k": "k", "silhouette": "轮廓系数", "gap": "间隙统计量", "name": "名称", "variable": "变量", "frequency": "频次",
    "recency": "近度", "monetary_value": "金额", "value": "数值", "location": "位置", "subject": "对象", "measure": "指标",
}

#: Table cells of the Chinese report that are words rather than names or numbers.
VALUES_ZH = {"yes": "是", "no": "否", "True": "是", "False": "否", **LABELS_ZH}

#: Key numbers shown under the hypothesis table: notebook, value, English and Chinese label
#: (``{top}`` is the study's strategy.top_share).
KEY_VALUES = [
    ("10_key_accounts", "bgnbd_r", "BG/NBD r", "BG/NBD r"), ("10_key_accounts", "bgnbd_alpha", "BG/NBD α", "BG/NBD α"),
    ("10_key_accounts", "bgnbd_a", "BG/NBD a", "BG/NBD a"), ("10_key_accounts", "bgnbd_b", "BG/NBD b", "BG/NBD b"),
    ("10_key_accounts", "gini", "Gini of revenue", "收入基尼系数"), ("10_key_accounts", "key_accounts", "Key accounts", "大客户数"),
    ("40_strategy", "capture_clv", "Holdout revenue captured by the top {top} by CLV", "按 CLV 选出的前 {top} 客户占验证期收入"),
    ("40_strategy", "capture_random", "... by a random {top}", "……随机选出的 {top}"),
    ("35_churn", "auc_logit", "Churn AUC (logit, transactions)", "流失 AUC(logit,交易数据)"),
    ("35_churn", "auc_telecom", "Churn AUC (telecom)", "流失 AUC(电信数据)"),
    ("30_segments", "k_chosen", "Segments (k)", "细分群数 (k)"), ("00_literature", "n_gaps", "Themes not yet tested", "尚未检验的主题"),
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
    if isinstance(v, float):
        if v != v:
            return ""
        return f"{v:.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return html.escape(str(v))


def _fmt_p(v):
    """A p-value as journals print it: three decimals, and "< 0.001" below that (the CSV keeps
    every digit; an optimiser's p of exactly 0 is a value below its precision, not zero)."""
    if not isinstance(v, float) or v != v:
        return _fmt(v)
    return "&lt;&nbsp;0.001" if v < 0.001 else f"{v:.3f}"


def _is_p_column(name: str) -> bool:
    return re.search(r"(^|_)pvalue(_adjusted)?$", str(name)) is not None


def _language_columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table may carry a column ``X`` and its Chinese version ``X_zh``: the Chinese report shows
    ``X_zh`` in place of ``X``, the English one leaves ``X_zh`` out."""
    pairs = [c for c in df.columns if str(c).endswith("_zh") and str(c)[:-3] in df.columns]
    if lang == "zh":
        df = df.assign(**{c[:-3]: df[c].where(df[c].notna(), df[c[:-3]]) for c in pairs})
    return df.drop(columns=pairs)


def _table_html(csv: Path, lang: str, max_rows: int = 30) -> tuple[str, int]:
    df = _language_columns(pd.read_csv(csv), lang)
    total = len(df)
    shown = df.head(max_rows)
    if lang == "zh":
        shown = shown.replace(VALUES_ZH)  # exact string cells only; numbers and booleans stay
    heads = [HEADERS_ZH.get(c, LABELS_ZH.get(c, c)) if lang == "zh" else c for c in shown.columns]
    text_cols = [not pd.api.types.is_numeric_dtype(shown[c]) for c in shown.columns]
    cls = [" class='t'" if t else "" for t in text_cols]
    fmts = [_fmt_p if _is_p_column(c) else _fmt for c in shown.columns]
    rows = "".join("<tr>" + "".join(f"<td{c}>{f(v)}</td>" for c, f, v in zip(cls, fmts, r)) + "</tr>"
                   for r in shown.itertuples(index=False))
    head = "".join(f"<th{c}>{html.escape(str(h))}</th>" for c, h in zip(cls, heads))
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>", total


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


def build(study_file=None, *, quick: bool = False, force: bool = False) -> Path:
    """Write ``index.html`` for the study's report folder from its manifest; returns its path.

    Nothing is rewritten when the manifest, the study's title and language and this
    module are unchanged since the last build (``force`` rebuilds anyway).
    """
    from . import study as study_mod
    from ..config import ROOT
    from .runner import output_folder, notebook_parameters

    study = study_mod.load(study_file, quick=quick)
    base = (Path(study_file) if study_file else ROOT / "studies" / "default.yaml").resolve().parent
    out = output_folder(study, quick)
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        raise KamError(f"No manifest at {manifest_path}; run the notebooks first (kam run{' --quick' if quick else ''}).")
    import hashlib

    build_key = hashlib.sha256(manifest_path.read_bytes() + f"{study.title_for()}|{study.language}|{quick}".encode()
                         + Path(__file__).read_bytes()).hexdigest()[:20]
    index = out / "index.html"
    if not force and index.exists() and f"<meta name='kam-build' content='{build_key}'>" in index.read_text(encoding="utf-8")[:2000]:
        return index
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    arts = manifest.get("artefacts", [])
    lang = study.language
    T = TEXT[lang]
    zh_caps = captions_zh() if lang == "zh" else {}
    values = {}
    for f in sorted((out / "values").glob("*.json")):
        values[f.stem] = json.loads(f.read_text(encoding="utf-8"))

    counters = {"figure": 0, "table": 0, "document": 0}
    by_nb: dict[str, list[dict]] = {}
    for a in arts:
        by_nb.setdefault(a["notebook"], []).append(a)
    known = {nb for _, nbs in SECTIONS for nb in nbs}
    sections = [(k, [nb for nb in nbs if nb in by_nb]) for k, nbs in SECTIONS]
    others = sorted(nb for nb in by_nb if nb not in known)
    if others:
        sections.append(("other", others))
    sections = [(k, nbs) for k, nbs in sections if nbs]

    def render(a: dict) -> str:
        kind = a["kind"]
        counters[kind] += 1
        label = f"{T[kind]} {counters[kind]}."
        badge = f"<span class='badge'>{T['simulated']}</span>" if a.get("simulated") else ""
        link = (f"<span class='src'>({T['notebook']} <a href='notebooks/{a['notebook']}.html'>{a['notebook']}</a>; "
                f"<a href='{a['path']}'>{Path(a['path']).suffix.lstrip('.')}</a>)</span>")
        cap = f"<span class='num'>{label}</span> {badge}{html.escape(_caption(a, lang, zh_caps))} {link}"
        if kind == "figure":
            png = next((f for f in a["files"] if f.endswith(".png")), a["path"])
            return (f"<figure id='{a['id']}' data-artefact='{a['id']}'><img alt='{html.escape(a['id'])}' "
                    f"src='{_png_data_uri(out / png)}'><figcaption>{cap}</figcaption></figure>")
        if kind == "table":
            table, total = _table_html(out / a["path"], lang)
            more = (f" <span class='note'>({T['rows_shown'].format(n=30, total=total)}: "
                    f"<a href='{a['path']}'>CSV</a>)</span>" if total > 30 else "")
            return (f"<div class='table-wrap' id='{a['id']}' data-artefact='{a['id']}'><div class='caption'>{cap}{more}</div>"
                    f"{table}</div>")
        docs = " · ".join(f"<a href='{f}'>{Path(f).suffix.lstrip('.')}</a>" for f in a["files"])
        return (f"<p class='caption' id='{a['id']}' data-artefact='{a['id']}'><span class='num'>{label}</span> {badge}"
                f"{html.escape(_caption(a, lang, zh_caps))} — {T['open']}: {docs}</p>")

    body = []
    # hypotheses first
    hyp = next((a for a in arts if a["id"] == "survey_hypotheses"), None)
    body.append(f"<h2 id='hypotheses'>{T['hypotheses']}</h2>")
    body.append(render(hyp) if hyp else f"<p class='note'>{T['no_hypotheses']}</p>")
    # key numbers
    cards = []
    top = f"{study.strategy.top_share:.0%}"
    for nb, key, en, zh in KEY_VALUES:
        if key in values.get(nb, {}):
            text = (zh if lang == "zh" else en).format(top=top)
            cards.append(f"<div>{html.escape(text)}<b>{_fmt(values[nb][key])}</b></div>")
    if cards:
        body.append(f"<h3>{T['key_numbers']}</h3><div class='summary'>{''.join(cards)}</div>")
    toc = [f"<li><a href='#hypotheses'>{T['hypotheses']}</a></li>"]
    for key, nbs in sections:
        body.append(f"<h2 id='sec-{key}'>{T[key]}</h2>")
        toc.append(f"<li><a href='#sec-{key}'>{T[key]}</a></li>")
        for nb in nbs:
            body.append(f"<h3>{nb} <span class='src'>(<a href='notebooks/{nb}.html'>{T['notebook']}</a>)</span></h3>")
            body.extend(render(a) for a in by_nb[nb] if a is not hyp)
    # appendix
    toc.append(f"<li><a href='#appendix'>{T['appendix']}</a></li>")
    app = [f"<h2 id='appendix'>{T['appendix']}</h2>"]
    for _, nbs in sections:
        for nb in nbs:
            try:
                params = notebook_parameters(nb, study, base)
            except KamError:
                params = {}
            h = by_nb[nb][0].get("parameters_hash", "")
            rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(json.dumps(v, ensure_ascii=False))}</td></tr>"
                           for k, v in params.items())
            app.append(f"<h3>{nb} <span class='src'>{T['params']} · hash {h}</span></h3>"
                       f"<div class='table-wrap'><table class='data'><tbody>{rows}</tbody></table></div>")
    versions = arts[0].get("versions", {}) if arts else {}
    vrows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in sorted(versions.items()))
    app.append(f"<h3>{T['versions']}</h3><div class='table-wrap'><table class='data'><tbody>{vrows}</tbody></table></div>")
    body.extend(app)

    n_sim = sum(a.get("simulated", False) for a in arts)
    title = html.escape(study.title_for())
    intro = (f"<p class='meta'>{T['generated']} <code>{html.escape(out.name)}/manifest.json</code>: {len(arts)} {T['artefacts']}"
             f" · {T['study']} <code>{html.escape(study.name)}</code>{' (quick)' if quick else ''}</p>")
    if n_sim:
        badge_html = "<span class='badge'>" + T["simulated"] + "</span>"
        intro += f"<p class='note'>{T['simulated_note'].format(badge=badge_html)}</p>"
    page = (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<meta name='kam-build' content='{build_key}'>"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{title}</title>"
            f"<style>{CSS}</style><script>{CHECK_JS}</script></head><body><header><h1>{title}</h1>{intro}</header>"
            f"<nav class='toc'><b>{T['contents']}</b><ul>{''.join(toc)}</ul></nav>{''.join(body)}</body></html>\n")
    tmp = out / "index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out / "index.html")
    return out / "index.html"
