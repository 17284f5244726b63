"""The assembled HTML report: structure, links, badges; opened in headless Chromium when installed."""

import json
import re
import warnings
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kamlib.workbench import report
from kamlib.config import DEFAULT_STUDY
from kamlib.errors import KamError
from kamlib.stage_results import CONCENTRATION_FINDING


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs, self.artefacts = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "img":
            self.srcs.append(a.get("src", ""))
        if "data-artefact" in a:
            self.artefacts.append(a["data-artefact"])


@pytest.fixture(scope="module")
def built(quick_report):
    import os

    old = os.environ["KAM_REPORTS_DIR"]
    os.environ["KAM_REPORTS_DIR"] = str(quick_report.parent)
    try:
        path = report.build(None, quick=True)
    finally:
        os.environ["KAM_REPORTS_DIR"] = old
    return path


@pytest.mark.notebook
def test_report_holds_every_artefact_and_working_links(built, quick_report):
    html = built.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(html)
    manifest = json.loads((quick_report / "manifest.json").read_text())
    assert sorted(parser.artefacts) == sorted(a["id"] for a in manifest["artefacts"])
    cell_links = 0
    for href in parser.hrefs:
        if href.startswith("#"):
            assert f"id='{href[1:]}'" in html, href
        else:
            path, _, anchor = href.partition("#")
            assert (quick_report / path).exists(), href
            if anchor:  # a link to the cell that made an artefact, in the notebook's HTML with the code shown
                assert f'id="{anchor}"' in (quick_report / path).read_text(encoding="utf-8"), href
                cell_links += 1
    assert cell_links == len(manifest["artefacts"])
    # each artefact names the kamlib function(s) of its cell
    assert "<code>kamlib.concentration.gini</code>" in html and "<code>kamlib.plots.plot_lorenz</code>" in html
    assert all(src.startswith("data:image/png;base64,") for src in parser.srcs)
    n_sim = sum(a["simulated"] for a in manifest["artefacts"])
    badges = re.findall(r"<span class='num'>[^<]*</span> <span class='badge'>Simulated data</span>", html)
    assert len(badges) == n_sim  # every artefact made from simulated data says so in its caption
    # a research report's order: summary, background with the hypotheses, data, findings by stage,
    # recommendations, limitations, then the bulky reference tables, the parameters and the method demonstrations
    # (the default study's hypotheses are tested on simulated answers: the body says so, the table is in Appendix C)
    order = ["id='summary'", "id='background'", "data-demonstrations='appendix'", "id='data'",
             "data-artefact='data_source'", "id='sec-literature'", "id='recommendations'", "id='limitations'",
             "id='reference'", "data-artefact='lit_codebook'", "id='appendix'", "id='demonstrations'",
             "data-artefact='survey_hypotheses'"]
    assert [html.index(k) for k in order] == sorted(html.index(k) for k in order)
    # the data section names every data set (a provenance table each) and every notebook's simulated data
    data_rows = re.search(r"<table class='data' id='data-sets'>.*?<tbody>(.*?)</tbody>", html, re.S).group(1)
    provenance = [a for a in manifest["artefacts"] if a["id"] == "data_source" or a["id"].endswith("_provenance")]
    sim_notebooks = {a["notebook"] for a in manifest["artefacts"] if a["simulated"]}
    assert data_rows.count("<tr>") == len(provenance) + len(sim_notebooks) and len(provenance) >= 5
    assert data_rows.count("<td class='t'>real</td>") == len(provenance)
    assert "CC BY 4.0" in data_rows and "GPL-3" in data_rows  # licences from the provenance notes
    # each stage's section opens with its main figure
    section = html[html.index("id='sec-identify'"):]
    assert section.index("<figure") < section.index("<h3") and "data-artefact='ka_lorenz'" in section[:section.index("<h3")]
    assert "@media print" in html


def _chromium(args, timeout=120):
    return subprocess.run([CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.notebook
@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (make browser-deps)")
@pytest.mark.parametrize("page", ["index.html", "index.zh.html"])
def test_report_opens_in_chromium_as_a_reader_sees_it(built, quick_report, tmp_path, page):
    """Both editions, opened in the browser: every figure loads, the summary's numbers as displayed are the
    recorded values; the screenshots go to $KAM_SCREENSHOTS when set (``make screenshots``: the README's)."""
    path = built.with_name(page)
    dom = _chromium([f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom", path.as_uri()])
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body, dom.stderr[-500:]
    assert 'data-checked="yes"' in body.group(0)
    assert 'data-broken-images="0"' in body.group(0)
    numbers = _summary_numbers(dom.stdout)
    assert len(numbers) >= 12
    for key, value, shown in numbers:
        nb, name = key.split(".", 1)
        name, _, index = name.partition("[")
        recorded = json.loads((quick_report / "values" / f"{nb}.json").read_text())[name]
        assert value == (recorded[int(index.rstrip("]"))] if index else recorded), key
    shot = tmp_path / "report.png"
    _chromium([f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1280,1600", f"--screenshot={shot}", path.as_uri()])
    assert shot.exists() and shot.stat().st_size > 20_000
    import os

    if os.environ.get("KAM_SCREENSHOTS"):
        target = Path(os.environ["KAM_SCREENSHOTS"]) / ("report.png" if page == "index.html" else "report_zh.png")
        shutil.copyfile(shot, target)


def _cjk_available():
    try:
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


@pytest.mark.notebook
@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None or not _cjk_available(), reason="needs headless Chromium and a CJK font (make browser-deps)")
def test_chinese_report_renders_cjk_glyphs(quick_report, tmp_path, monkeypatch):
    # the same artefacts, assembled as a study whose language is zh
    raw = yaml.safe_load(DEFAULT_STUDY.read_text(encoding="utf-8"))
    raw.update(name="zhreport", language="zh")
    study = tmp_path / "zh.yaml"
    study.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    shutil.copytree(quick_report, tmp_path / "reports" / "zhreport-quick")
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    path = report.build(study, quick=True)
    html = path.read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in html and "假设一览" in html and "模拟数据" in html
    assert "研究模型的假设：估计值" in html  # captions in Chinese
    assert "<h1>电子商务中的大客户营销管理与客户关系分析</h1>" in html  # the study's zh title
    assert "<td class='t'>服务质量提升满意度</td>" in html  # a bilingual column shown in Chinese
    dom = _chromium([f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom", path.as_uri()])
    body = re.search(r"<body[^>]*>", dom.stdout).group(0)
    assert 'data-cjk-font="yes"' in body


def test_chinese_figures_use_the_font_from_the_lockfile(tmp_path):
    import matplotlib.pyplot as plt

    from kamlib import style
    from kamlib.workbench.artefacts import Artefacts

    art = Artefacts("zh_test", {}, output_dir=tmp_path, language="zh")
    assert style.packaged_cjk_font() is not None  # mplfonts, from requirements.lock: no system font needed
    assert style.cjk_font() == "Noto Sans CJK SC"
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("Customers")
    art.figure(fig, "zh_fig", {"en": "test", "zh": "测试"})
    svg = (tmp_path / "figures" / "zh_fig.svg").read_text(encoding="utf-8")
    assert "客户数" in svg  # translated through the glossary, drawn as text with the CJK font
    assert re.search(r"font-family[^;]*(Noto Sans CJK|WenQuanYi|Source Han)", svg)


def test_english_study_draws_chinese_figures_without_a_missing_glyph(tmp_path):
    import matplotlib.pyplot as plt

    from kamlib.workbench.artefacts import Artefacts

    art = Artefacts("en_test", {}, output_dir=tmp_path, language="en")  # the default study's language
    fig, ax = plt.subplots()
    ax.bar(["Key account", "Develop"], [3, 1])
    ax.set_ylabel("Customers")
    ax.set_title("A title nobody translated")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph warning would be an error here; the figure method turns it into one
        art.figure(fig, "zh_ticks", "test")
    entry = art.entries[-1]
    assert entry["untranslated_zh"] == ["A title nobody translated"]  # recorded for the vocabulary test
    fig, ax = plt.subplots()
    ax.set_title("Customers")
    art.figure(fig, "zh_clean", "test")
    assert "untranslated_zh" not in art.entries[-1]


def test_a_figure_with_a_character_no_font_has_stops_with_one_sentence(tmp_path):
    import matplotlib.pyplot as plt

    from kamlib.errors import KamError
    from kamlib.workbench.artefacts import Artefacts

    art = Artefacts("glyph_test", {}, output_dir=tmp_path, language="en")
    fig, ax = plt.subplots()
    ax.set_title("Revenue \U0001F984")  # a unicorn: in neither DejaVu Sans nor Noto Sans CJK
    with pytest.raises(KamError, match=r"Figure 'glyph' \(glyph.png\) has characters its fonts cannot draw"):
        art.figure(fig, "glyph", "test")


@pytest.mark.notebook
@pytest.mark.parametrize("which", ["default", "cdnow"])
def test_every_chinese_figure_has_chinese_titles_axes_and_legends(which, quick_report, cdnow_report):
    folder = quick_report if which == "default" else cdnow_report
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    left = {a["id"]: a["untranslated_zh"] for a in manifest["artefacts"] if a.get("untranslated_zh")}
    assert not left, ("add these figure texts to kamlib/locale/zh.po (msgctxt figure; with numbers: a "
                      f"kamlib.i18n.Message): {left}")


def test_report_without_a_run_says_what_to_do(tmp_path, monkeypatch):
    from kamlib.errors import KamError

    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path))
    with pytest.raises(KamError, match="run the notebooks first"):
        report.build(None, quick=True)


@pytest.mark.notebook
def test_every_artefact_has_a_chinese_caption(quick_report):
    manifest = json.loads((quick_report / "manifest.json").read_text())
    missing = [a["id"] for a in manifest["artefacts"] if not a["caption"].get("zh")]
    assert not missing, f"add Chinese captions (msgctxt \"caption\", msgid the artefact id) to kamlib/locale/zh.po for: {missing}"


def test_p_values_are_printed_as_journals_do(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("term,estimate,pvalue,pvalue_adjusted,p_alive\nH6,0.55861,0.0,0.0234567,0.0001\n")
    table, total = report._table_html(csv, "en")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
    assert total == 1 and cells == ["H6", "0.559", "&lt;&nbsp;0.001", "0.023", "&lt;&nbsp;0.001"]


def test_report_tables_format_numbers_by_column_kind(tmp_path):
    """Money with separators and the currency in its header (never 5.704e+05), counts as whole
    numbers, shares as percentages under "(%)", estimates with fixed decimals, never scientific notation (an estimate at
    its bound, 5.6e-07 in a column of tens of thousands, is 0 at the column's decimals)."""
    csv = tmp_path / "t.csv"
    csv.write_text("tier,customers,revenue,mean_revenue,revenue_share,estimate,at_bound\n"
                   "Key,1200,570400.0,475.3333,0.68744,27711.5,False\n"
                   "Other,35,1035640.25,12.5,0.3,5.59749e-07,True\n")
    table, _ = report._table_html(csv, "en", currency="GBP")
    heads = re.findall(r"<th(?: [^>]*)?>(.*?)</th>", table)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
    assert heads == ["Tier", "Customers", "Revenue (GBP)", "Mean revenue (GBP)", "Revenue share (%)", "Estimate", "At bound"]
    assert cells[:7] == ["Key", "1,200", "570,400", "475.33", "68.7", "27,712", "no"]  # decimals by the column's size
    assert cells[7:] == ["Other", "35", "1,035,640", "12.50", "30.0", "0", "yes"]  # a boolean in words (issue 48)
    assert "e+" not in table
    codes = tmp_path / "codes.csv"  # product codes and ids stay as written; a measure/value table is formatted
    codes.write_text("item,description\n85123A,HOLDER\n22423,CAKESTAND\n")
    assert "<td class='t'>22423</td>" in report._table_html(codes, "en")[0]
    overview = tmp_path / "overview.csv"
    overview.write_text("measure,value\ncustomers,4338\nfirst date,2010-12-01\n")
    assert "<td class='t'>4,338</td>" in report._table_html(overview, "en")[0]
    counts = tmp_path / "counts.csv"  # numeric values of a measure/value table are not money
    counts.write_text("measure,value\nreviews kept,17363\nlines read,35123\n")
    counted = report._table_html(counts, "en", currency="GBP")[0]
    assert "GBP" not in counted and "<td>17,363</td>" in counted
    assert [report.column_kind(c, pd.read_csv(csv)[c]) for c in ["tier", "customers", "revenue", "revenue_share",
                                                                            "estimate", "at_bound"]] == \
        ["text", "count", "money", "share", "number", "text"]
    assert report.column_kind("year", pd.Series([2024, 2025])) == "text"  # a year is a name, not 2,024
    rules = tmp_path / "rules.csv"  # conviction is infinite at confidence 1: a sign, not "inf"
    rules.write_text("antecedents,confidence,conviction\nA,1.0,inf\nB,0.5,1.25\n")
    shown = re.findall(r"<td[^>]*>(.*?)</td>", report._table_html(rules, "en")[0])
    assert shown == ["A", "1.000", "∞", "B", "0.500", "1.250"]
    assert report._fmt(float("-inf")) == "−∞"


def test_chinese_tables_translate_verdict_words(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("hypothesis,supported,pvalue\nH1,yes,0.2\nH2,no,0.0001\n")
    table, _ = report._table_html(csv, "zh")
    assert re.findall(r"<td[^>]*>(.*?)</td>", table) == ["H1", "是", "0.200", "H2", "否", "&lt;&nbsp;0.001"]
    assert "是否支持" in table and "p 值" in table


def test_bilingual_columns_show_one_language(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("hypothesis,statement,statement_zh,estimate\nH1,Quality raises satisfaction,质量提升满意度,0.25\n"
                   "H9,Only in English,,0.1\n", encoding="utf-8")
    en, _ = report._table_html(csv, "en")
    zh, _ = report._table_html(csv, "zh")
    assert "Quality raises satisfaction" in en and "质量提升满意度" not in en and "statement_zh" not in en
    assert "质量提升满意度" in zh and "Quality raises" not in zh and "Only in English" in zh and "陈述" in zh


def test_chinese_tables_name_tiers_stages_and_rules_in_chinese(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("tier,customers,growing\nKey account,10,1\nAt-risk key account,5,2\nSomething else,1,0\n")
    zh, _ = report._table_html(csv, "zh")
    en, _ = report._table_html(csv, "en")
    assert re.findall(r"<td[^>]*>(.*?)</td>", zh)[::3] == ["大客户", "流失风险大客户", "Something else"]
    assert "<th>成长</th>" in zh and "Key account" in en and "大客户" not in en


def test_chinese_figures_translate_category_ticks():
    import matplotlib.pyplot as plt

    from kamlib import style

    fig, ax = plt.subplots()
    ax.bar(["Key account", "Develop", "Custom tier"], [1, 2, 3])
    ax.set_ylabel("Customers")
    assert style.translate_figure(fig) == 3
    fig.canvas.draw()  # a redraw keeps the translation
    assert [t.get_text() for t in ax.get_xticklabels()] == ["大客户", "培育客户", "Custom tier"] and ax.get_ylabel() == "客户数"
    plt.close(fig)


def test_index_lists_every_built_study_default_first(tmp_path):
    for name, quick in [("cdnow", False), ("default", False), ("default-quick", True), ("broken", False)]:
        folder = tmp_path / name
        folder.mkdir()
        info = {"study": name.removesuffix("-quick"), "quick": quick, "title": {"en": f"T {name}", "zh": f"题 {name}"},
                "language": "en", "data": "data/raw/x.parquet", "notebooks": ["01_data_overview"], "artefacts": 3,
                "simulated": 0}
        (folder / "report.json").write_text(json.dumps(info))
        if name != "broken":  # a folder whose report never built is not listed
            (folder / "index.html").write_text("<html></html>")
    page = report.build_index(tmp_path).read_text(encoding="utf-8")
    rows = re.findall(r"<tr data-study='([^']+)'><td class='t'><a href='([^']+)'>", page)
    assert rows == [("default", "default/index.html"), ("cdnow", "cdnow/index.html"),
                    ("default-quick", "default-quick/index.html")]
    assert "T cdnow<br>题 cdnow" in page


def test_key_numbers_are_what_the_notebooks_labelled_shown_by_their_kind(tmp_path):
    """Recorded as a notebook records them; the Chinese labels and text values come from the catalogue, at
    record time (a Message by its template, a plain label by its ``key_number`` entry)."""
    from kamlib.i18n import Message
    from kamlib.workbench.artefacts import Artefacts

    ka, st = Artefacts("10_key_accounts", output_dir=tmp_path / "ka"), Artefacts("40_strategy", output_dir=tmp_path / "st")
    ka.record("bgnbd_degenerate", Message("degenerate: no dropout identifiable, reduces to the NBD"), kind="text",
              label="BG/NBD")
    ka.record("gini", 0.7087, kind="estimate", label="Gini of revenue")
    ka.record("key_accounts", 12345, kind="count", label="Key accounts")
    ka.record("total_clv", 98765.4, kind="money", label="CLV")
    ka.record("not_computed", None, kind="estimate", label="Nothing")
    st.record("capture_clv", 0.62114, kind="share",
              label=Message("Holdout revenue captured by the top {top} by CLV", "key_number", top="20%"))
    tiles = {"10_key_accounts": {"key_numbers": ka.key_numbers}, "40_strategy": {"key_numbers": st.key_numbers}}
    values = {"10_key_accounts": ka.values, "40_strategy": st.values}
    cards = dict(report._key_numbers({"notebooks": tiles}, values, "en", "GBP"))
    assert cards == {"BG/NBD": "degenerate: no dropout identifiable, reduces to the NBD", "Gini of revenue": "0.709",
                     "Key accounts": "12,345", "CLV": "98,765 GBP",
                     "Holdout revenue captured by the top 20% by CLV": "62.1%"}
    zh = dict(report._key_numbers({"notebooks": tiles}, values, "zh", "GBP"))
    assert zh["BG/NBD"].startswith("退化") and zh["收入基尼系数"] == "0.709" and zh["大客户数"] == "12,345"
    assert zh["按 CLV 选出的前 20% 客户占验证期收入"] == "62.1%"
    # a label the notebook gives is checked: a kind the report cannot show is refused when recorded
    from kamlib.workbench.artefacts import Artefacts

    art = Artefacts.__new__(Artefacts)
    art.values, art.key_numbers = {}, []
    with pytest.raises(Exception, match="kind"):
        art.record("x", 1, kind="percent", label="X")


@pytest.mark.notebook
def test_word_edition_has_every_table_and_figure_of_the_html(built):
    from docx import Document

    from kamlib.workbench import editions

    out = built.parent
    path = editions.docx_edition(out, title="Key accounts", language="en", study_name="default")
    doc = Document(str(path))
    want = editions.counts(out)
    assert len(doc.inline_shapes) == want["figure"] > 0
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    labels = {c.split(".")[0] for c in captions if c.startswith("Table ")}  # a split table has one label, n parts
    assert len(labels) == want["table"]
    assert any(p.text.startswith("Appendix B") for p in doc.paragraphs if p.style.name.startswith("Heading"))
    # every table fits its page: upright up to 7 columns, landscape up to 12 (wider ones are split)
    from docx.enum.section import WD_ORIENT

    body = doc.element.body
    orient = {}
    sect_iter = iter(doc.sections)
    section = next(sect_iter)
    for el in body.iterchildren():
        if el.tag.endswith("}tbl"):
            orient[el] = section.orientation
        elif el.tag.endswith("}p") and el.find(".//{*}sectPr") is not None:
            section = next(sect_iter, section)
    for table in doc.tables:
        n = len(table.columns)
        limit = editions.MAX_COLUMNS_LANDSCAPE if orient[table._tbl] == WD_ORIENT.LANDSCAPE else editions.MAX_COLUMNS_PORTRAIT
        assert n <= limit, f"a table of {n} columns on a {orient[table._tbl]} page"
    assert sum(c.startswith("Figure ") for c in captions) == want["figure"]
    assert any("TOC" in el.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instr", "")
               for el in doc.element.body.iter())  # a table of contents Word fills on opening
    zh = Document(str(editions.docx_edition(out, title="大客户", language="zh", study_name="default")))
    assert any(p.text.startswith("表 ") for p in zh.paragraphs)
    assert any(p.text.startswith("附录 B") for p in zh.paragraphs if p.style.name.startswith("Heading"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("Executive summary") < headings.index("2. Data and methods") < headings.index("Limitations" if
           "Limitations" in headings else next(h for h in headings if h.endswith(". Limitations")))
    summary = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    summary = [t for t in summary if not t.startswith("Not every analysis applies")]  # the notice of what did not run
    assert 5 <= len(summary) <= 8 and all("(evidence: " in t for t in summary)


@pytest.mark.notebook
def test_pdf_edition_is_typeset_without_a_browser_with_chinese_glyphs(built, monkeypatch):
    from kamlib.workbench import editions

    monkeypatch.setenv("PATH", "/nonexistent")  # no chromium, no system tool: typst and its font from the lockfile
    out = built.parent
    pdf = editions.typst_edition(out, title="Key accounts", language="en", study_name="default")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and int(re.search(rb"/Type\s*/Pages\s*/Count (\d+)", data).group(1)) > 5
    zh = editions.typst_edition(out, title="大客户", language="zh", study_name="default", target="report.zh.pdf")
    assert b"NotoSansCJK" in zh.read_bytes()  # the Chinese text is set in the CJK font, embedded
    source = (out / "report.zh.typ").read_text(encoding="utf-8")
    assert '#heading(level: 1)[#"附录 B' in source or "附录 B" in source  # Appendix B is in the PDF too


def test_unknown_report_format_is_refused():
    from kamlib.workbench import editions

    with pytest.raises(KamError, match="Unknown report format 'odt'"):
        editions.write(None, formats=("html", "odt"))


def _summary_numbers(page: str):
    """(notebook.key, recorded value as written, shown text) of every number in the executive summary."""
    import html as html_mod

    summary = page[re.search(r"id=.summary.", page).start():re.search(r"id=.background.", page).start()]
    spans = re.findall(r"<span class=.v. data-value-key=(['\"])([^'\"]+)\1 data-value=(['\"])(.*?)\3>([^<]*)</span>", summary)
    return [(k, json.loads(html_mod.unescape(v)), shown) for _, k, _, v, shown in spans]


def _shown_ok(value, shown: str) -> bool:
    """Whether ``shown`` is ``value`` as printed: a share as a percentage, a count with separators, or a number
    to the printed decimals (the test's own reading, not the report's formatter)."""
    text = shown.replace(",", "")
    if text.endswith("%"):  # a share, or a value recorded in percent (the sources' "20%")
        decimals = len(text[:-1].split(".")[1]) if "." in text else 0
        return abs(float(text[:-1]) - (100 * value if abs(value) <= 1 else value)) <= 0.5 * 10 ** -decimals + 1e-9
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - value) <= 0.5 * 10 ** -decimals + 1e-9


@pytest.mark.notebook
@pytest.mark.parametrize("language", ["en", "zh"])
def test_executive_summary_numbers_are_the_recorded_values(built, quick_report, language):
    page = built.with_name("index.html" if language == "en" else "index.zh.html").read_text(encoding="utf-8")
    found = _summary_numbers(page)
    findings = [f for f in re.findall(r"<li data-finding='([^']+)'", page) if f != "not_run"]  # not a finding: a notice
    assert 5 <= len(findings) <= 8, findings
    assert {"concentration", "selection", "real_h6"} <= set(findings)  # H6 on the real survey (the study's real: test)
    for key, value, shown in found:
        nb, name = key.split(".", 1)
        name, _, index = name.partition("[")
        recorded = json.loads((quick_report / "values" / f"{nb}.json").read_text())[name]
        if index:
            recorded = recorded[int(index.rstrip("]"))]
        assert value == recorded, key
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert _shown_ok(value, shown), (key, value, shown)
    assert len(found) >= 12
    # every finding links to its evidence, an artefact on the page
    for target in re.findall(r"<a class='ev' href='#([^']+)'", page):
        assert f"data-artefact='{target}'" in page


@pytest.mark.notebook
def test_cdnow_summary_has_its_own_findings(cdnow_report):
    from kamlib.workbench import findings

    manifest = json.loads((cdnow_report / "manifest.json").read_text())
    values = {f.stem: json.loads(f.read_text()) for f in (cdnow_report / "values").glob("*.json")}
    found = findings.findings(manifest, values)
    assert 5 <= len(found) <= 8 and not any(f.key.startswith("real_") for f in found)  # no survey
    for f in found:
        for n in f.numbers.values():
            if n.notebook:
                assert values[n.notebook][n.key.split("[")[0]] is not None


@pytest.mark.notebook
def test_every_notebook_of_the_default_study_states_its_findings(quick_report):
    """The notebooks declare the summary's sentences (art.finding, art.recommendation, art.limitation); each renders
    in both languages, the Chinese from the catalogue."""
    from kamlib.workbench import findings

    manifest = json.loads((quick_report / "manifest.json").read_text())
    values = {f.stem: json.loads(f.read_text()) for f in (quick_report / "values").glob("*.json")}
    declared = {s["key"] for rec in manifest["notebooks"].values() for s in rec.get("findings", [])}
    assert declared == {"concentration", "key_accounts", "selection", "real_h6", "real_h7", "personalisation", "churn",
                        "reviews", "segments", "hypotheses", "budget", "value_model"}
    for language in ("en", "zh"):
        assert {f.key for f in findings.findings(manifest, values, language, limit=99)} == declared
    zh = ([f.text() for f in findings.findings(manifest, values, "zh", limit=99)]
          + findings.recommendations(manifest, values, "zh") + findings.limitations(values, manifest, "zh"))
    assert zh and not [s for s in zh if "(英文原文)" in s]
    # the campaign test is one the company can run, or the sentence says what it would need
    rec = " ".join(findings.recommendations(manifest, values))
    n_arm, customers = values["40_strategy"]["n_per_arm_planned_lift"], values["40_strategy"]["customers_in_log"]
    assert (f"at least {n_arm:,} customers per arm" in rec) == (2 * n_arm <= customers)


_CONCENTRATION = {"notebooks": {"10_key_accounts": {"stage": "identify", "findings": [{
    "key": "concentration", "evidence": "ka_lorenz",
    "template": CONCENTRATION_FINDING,
    "numbers": {"share": {"key": "top20_revenue_share", "kind": "share"}, "gini": {"key": "gini", "kind": "estimate"}}}]}}}


def test_a_bug_in_a_findings_rule_is_raised_not_dropped():
    from kamlib.workbench import findings

    # a recorded value of the wrong kind is a bug to see, not a finding to leave out silently
    with pytest.raises((TypeError, ValueError)):
        findings.findings(_CONCENTRATION, {"10_key_accounts": {"top20_revenue_share": "high", "gini": 0.4}})


def test_findings_use_only_what_was_recorded():
    from kamlib.workbench import findings

    assert findings.findings({}, {}) == []
    one = findings.findings(_CONCENTRATION, {"10_key_accounts": {"top20_revenue_share": 0.5, "gini": 0.4}}, "zh")
    assert [f.key for f in one] == ["concentration"] and "50.0%" in one[0].text() and "0.40" in one[0].text()
    assert "data-value='0.5'" in one[0].html() and one[0].stage == "identify"
    # a value the run recorded as not computed drops the sentence rather than printing a blank
    assert findings.findings(_CONCENTRATION, {"10_key_accounts": {"top20_revenue_share": None, "gini": 0.4}}) == []
    lim = findings.limitations({}, {"artefacts": [], "notebooks": {"20_survey": {"limitations": [{
        "key": "real_survey_small", "numbers": {"n": {"key": "real_survey_n", "kind": "count"}},
        "template": "The real survey has {n} respondents, fewer than the about 200 usually asked for a structural "
                    "equation model (Kline, 2016)."}]}}})
    assert lim == []  # its value was not recorded
    lim = findings.limitations({"20_survey": {"real_survey_n": 120}}, {"artefacts": [], "notebooks": {"20_survey": {
        "limitations": [{"key": "real_survey_small", "numbers": {"n": {"key": "real_survey_n", "kind": "count"}},
                         "template": "The real survey has {n} respondents, fewer than the about 200 usually asked for a "
                                     "structural equation model (Kline, 2016)."}]}}}, "zh")
    assert lim == ["真实问卷只有 120 名受访者,少于结构方程模型通常要求的约 200 人(Kline, 2016)。"]


_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]+")
#: Words that stay as they are in Chinese texts: names of methods, statistics and people.
_NAMES = {"Cronbach", "McDonald", "Kappa", "Hedges", "Kruskal", "Wallis", "Welch", "Bartlett", "Pareto", "Gamma",
          "Brier", "Holm", "BCa", "nDCG", "Wooldridge", "Lorenz", "Gini", "Ward", "Kaiser", "Promax", "Varimax",
          "CUPED", "jieba", "snownlp", "means", "kielmc", "injury", "logit", "Logit", "Harman", "Likert"}


def _english_words(text: str) -> list[str]:
    """English words of a header or cell that are not names or codes (a cell with Chinese in it is translated)."""
    text = re.sub(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b", "", text)  # identifiers: variable and artefact names
    text = re.sub(r"\b[A-Za-z]+\d+\b", "", text)  # item codes (qual3, LOY2)
    return [w for w in _WORD.findall(text) if len(w) >= 3 and not w.isupper() and w not in _NAMES
            and not _CJK.search(text)]


def _untranslated(folder: Path) -> list[str]:
    """Every table header and word cell of the Chinese report that shows English: ``table: column: text``."""
    from kamlib.i18n import DATA_COLUMNS

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for a in manifest["artefacts"]:
        if a["kind"] != "table":
            continue
        names = list(report._language_columns(pd.read_csv(folder / a["path"]), "zh").columns)
        heads, rows, kinds, _ = report.table_cells(folder / a["path"], "zh", max_rows=10**6, cells=a.get("cells_zh"))
        found += [f"{a['id']}: header {h!r}" for h in heads if _english_words(str(h).replace("_", " "))]
        for name, head, kind, cells in zip(names, heads, kinds, zip(*rows) if rows else [[]] * len(heads)):
            if kind != "text" or name in DATA_COLUMNS:
                continue
            for cell in sorted(set(cells)):
                text = __import__("html").unescape(cell)
                if re.search(r"\(\d{4}\)", text):  # a citation: author (year)
                    continue
                if _english_words(text):
                    found.append(f"{a['id']}: {name}: {text!r}")
    return found


@pytest.mark.notebook
@pytest.mark.parametrize("which", ["default", "cdnow"])
def test_chinese_report_has_no_untranslated_header_or_word(which, quick_report, cdnow_report):
    folder = quick_report if which == "default" else cdnow_report
    missing = _untranslated(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for nb, rec in manifest["notebooks"].items():
        assert len(rec["notes_zh"]) == len(rec["notes"]), nb  # each note carries its Chinese (or None)
        missing += [f"note of {nb}: {n!r}" for n, zh in zip(rec["notes"], rec["notes_zh"]) if zh is None]
    assert not missing, ("add these to the catalogue kamlib/locale/zh.po (a word or name: msgctxt value or header; a "
                         "sentence with numbers: make it a kamlib.i18n.Message with its template in the catalogue), or "
                         f"to DATA_COLUMNS if they are data: {missing[:40]}")


def test_the_vocabulary_check_finds_english(tmp_path):
    folder = tmp_path / "r"
    (folder / "tables").mkdir(parents=True)
    (folder / "tables" / "t.csv").write_text("tier,holdout_revenue_share,brand_new_column\nKey account,0.5,fresh words\n"
                                             "Develop,0.2,LOY3\n", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"artefacts": [{"id": "t", "kind": "table", "path": "tables/t.csv"}]}))
    missing = _untranslated(folder)
    assert missing == ["t: header 'brand_new_column'", "t: brand_new_column: 'fresh words'"]


@pytest.mark.notebook
def test_the_authors_discussion_is_filled_from_this_run(built):
    """studies/default.yaml carries a discussion with placeholders: each number on the page is this run's value."""
    page = built.read_text(encoding="utf-8")
    values = json.loads((built.parent / "values" / "10_key_accounts.json").read_text(encoding="utf-8"))
    part = page[page.index("data-author='discussion'"):]
    part = part[:part.index("</div>")]
    assert f"{values['top20_revenue_share']:.1%}" in part and "{{" not in part
    zh = built.with_name("index.zh.html").read_text(encoding="utf-8")
    assert "data-author='discussion'" in zh and "前 20% 的客户贡献了" in zh


def test_chinese_paragraphs_run_sentences_together_without_spaces():
    """Sentences joined into one paragraph: a space after English ones, none after a Chinese full stop (a space
    after "。" is a typesetting fault), and a run-in heading ends with the stop of its language."""
    assert report.run_together(["Revenue is concentrated.", "", "  Key accounts are 252. "]) == \
        "Revenue is concentrated. Key accounts are 252."
    assert report.run_together(["收入高度集中。", "大客户有 252 名。", "An English fallback."]) == \
        "收入高度集中。大客户有 252 名。An English fallback."
    assert report.heading_stop("这意味着什么") == "这意味着什么。" and report.heading_stop("What this means") == \
        "What this means."
