"""The English edition cites in APA 7 form (examiner's review): the report writes author-year without a comma, and
kamlib.literature.apa_citations rewrites each citation when the English edition is rendered (HTML page, Word and
PDF), never the reference list, code or Chinese text; the scanner still reads every citation it read before."""
import json
import re

import pytest

from kamlib import literature as lit
from kamlib.workbench import editions, report


@pytest.mark.parametrize("written, apa", [
    ("(Schmittlein, Morrison & Colombo 1987; Fader, Hardie & Lee 2005)",
     "(Schmittlein et al., 1987; Fader et al., 2005)"),
    ("(Hosmer, Lemeshow & Sturdivant 2013)", "(Hosmer et al., 2013)"),
    ("(Hosmer, Lemeshow & Sturdivant 2013, p. 177)", "(Hosmer et al., 2013, p. 177)"),
    ("(Kline 2016)", "(Kline, 2016)"),
    ("(Kline 2016, p. 12)", "(Kline, 2016, p. 12)"),
    ("Hu & Bentler (1999) advise", "Hu and Bentler (1999) advise"),
    ("(Hu & Bentler 1999)", "(Hu & Bentler, 1999)"),  # two authors: "&" inside parentheses
    ("(Hu & Bentler 1999, 2001)", "(Hu & Bentler, 1999, 2001)"),
    ("(Hu & Bentler 1999; 2001)", "(Hu & Bentler, 1999, 2001)"),
    ("Hu & Bentler (1999, 2001)", "Hu and Bentler (1999, 2001)"),
    ("as Hu & Bentler 1999, 2001 advise", "as Hu and Bentler (1999, 2001) advise"),
    ("Podsakoff, MacKenzie, Lee & Podsakoff (2003)", "Podsakoff et al. (2003)"),
    ("Podsakoff et al. 2003 recommend", "Podsakoff et al. (2003) recommend"),
    ("(HTMT; Henseler, Ringle & Sarstedt 2015)", "(HTMT; Henseler et al., 2015)"),
    ("(Cheung & Rensvold 2002; Chen 2007)", "(Cheung & Rensvold, 2002; Chen, 2007)"),
    ("(Hubert & Arabie 1985, Cramér 1946)", "(Hubert & Arabie, 1985; Cramér, 1946)"),
    ("(sBG; Fader and Hardie 2007)", "(sBG; Fader & Hardie, 2007)"),
    ("(DERL, Fader and Hardie 2010)", "(DERL, Fader & Hardie, 2010)"),  # an abbreviation is no author
    ("(power 0.8, Cohen 1988)", "(power 0.8, Cohen, 1988)"),
    ("Hair et al. (2022, p. 5)", "Hair et al. (2022, p. 5)"),
    ("(Schmittlein et al., 1987; Kline, 2016)", "(Schmittlein et al., 1987; Kline, 2016)"),  # already APA
])
def test_each_citation_takes_the_apa_form(written, apa):
    out = lit.apa_citations(written)
    assert out == apa
    assert lit.apa_citations(out) == out  # rendering twice changes nothing
    assert set(lit.citations(written)) <= set(lit.citations(out))  # every work is still read (numbering, list)


@pytest.mark.parametrize("text", [
    "按 Hu & Bentler (1999) 和 Kline (2016) 的临界值", "(检验力 0.8，Cohen 1988)", "(两者后验分布之积;Fader & Hardie 2013)",
    "(Fabrigar 等 1999)、Kelley(1939) 与 吴明隆(2010)", "(UK, Christmas 2010)", "(orders, Germany 2011 to 2012)",
    "In 2019, March 2020 sales rose", "",
])
def test_chinese_text_and_non_citations_are_left_as_written(text):
    assert lit.apa_citations(text) == text


def test_a_weak_comma_citation_is_rewritten_only_when_the_list_names_its_work():
    text = "(power 0.8, Cohen 1988); (stores, Sunday 2011)"
    assert lit.apa_citations(text, {("Cohen", "1988")}) == "(power 0.8, Cohen, 1988); (stores, Sunday 2011)"


def test_the_chinese_numbering_is_unchanged():
    numbers = {("Hu", "1999"): 3, ("Kline", "2016"): 1, ("Schmittlein", "1987"): 2}
    text = "(Schmittlein, Morrison & Colombo 1987); Hu & Bentler (1999) 和 Kline (2016)"
    assert lit.number_citations(text, numbers, language="zh") == "(Schmittlein 等[2]); Hu 和 Bentler[3] 和 Kline[1]"


def test_the_html_page_rewrites_its_text_but_not_its_reference_list_or_code():
    page = ("<p>cut-offs (Hu & Bentler 1999; Kline 2016) of Hosmer, Lemeshow & Sturdivant (2013)</p>"
            "<table><tr><td>Podsakoff et al. 2003</td></tr></table><code>(Kline 2016)</code>"
            "<ul class='refs'><li data-cite='Hu 1999'>Hu, L., &amp; Bentler, P. M. (1999).</li></ul>")
    out = report._apa_html(page)  # the reference list is left as it is by the walk itself
    assert "(Hu &amp; Bentler, 1999; Kline, 2016) of Hosmer et al. (2013)" in out
    assert "<td>Podsakoff et al. (2003)</td>" in out and "<code>(Kline 2016)</code>" in out
    assert "<li data-cite='Hu 1999'>Hu, L., &amp; Bentler, P. M. (1999).</li>" in out


@pytest.fixture
def folder(tmp_path):
    """A report folder whose one notebook applied the fit rules (their sources: Hu & Bentler 1999) and made no
    artefact; small enough to render in a fraction of a second."""
    manifest = {"artefacts": [], "notebooks": {"20_survey": {"parameters": {}, "stage": "understand",
                                                             "verdicts": ["cfi", "srmr"]}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path, manifest


def _prose(page: str) -> str:
    head, _, rest = page.partition("<ul class='refs'>")
    return re.sub(r"<[^>]*>", " ", re.sub(r"<(style|script|title|code)\b.*?</\1>", " ", head + rest.partition("</ul>")[2],
                                         flags=re.S))


@pytest.mark.slow
def test_the_english_page_prints_apa_citations_and_the_chinese_page_numbers_them(folder):
    out, manifest = folder
    page = report.render(manifest, out, title="t", language="en", study_name="s", quick=True)
    prose = _prose(page)
    assert "Hu &amp; Bentler, 1999" in prose or "Hu and Bentler (1999)" in prose, prose
    assert not re.search(r"Hu &amp; Bentler \(?1999", prose)  # the author-year form without a comma is gone
    assert "Hu, L., &amp; Bentler, P. M. (1999)" in page  # the reference list as citeproc formats it
    zh = report.render(manifest, out, title="t", language="zh", study_name="s", quick=True)
    assert re.search(r"Hu 和 Bentler<sup>\[\d+\]</sup>", zh)


class _Writer:
    def __init__(self):
        self.texts = []

    def paragraph(self, text, kind=None):
        self.texts.append(text)

    def caption(self, label, text):
        self.texts.append(text)

    def table(self, heads, rows, kinds, label, text):
        self.texts += [v for r in rows for v in r] + [text]

    def rich(self, runs):
        self.texts += [t for t, _, _ in runs]


def test_the_word_and_pdf_editions_pass_english_prose_captions_and_cells_through_apa():
    w = _Writer()
    apa = editions._Numbered(w, None, "en")
    apa.paragraph("as Hu & Bentler (1999) advise")
    apa.caption("Table 1", "Fit (Kline 2016)")
    apa.table(["a"], [["(Fader, Hardie & Lee 2005)"]], ["text"], "Table 2", "None")
    assert w.texts == ["as Hu and Bentler (1999) advise", "Fit (Kline, 2016)", "(Fader et al., 2005)", "None"]
    zh = _Writer()
    editions._Numbered(zh, {("Hu", "1999"): 1}, "zh").paragraph("按 Hu & Bentler (1999)")
    assert zh.texts == ["按 Hu 和 Bentler[1]"]


@pytest.mark.slow
def test_the_word_edition_prints_apa_citations_outside_its_reference_list(folder):
    import docx

    out, _ = folder
    path = editions.docx_edition(out, title="t", language="en", study_name="s", quick=True)
    d = docx.Document(str(path))
    text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
    assert "Hu, L., & Bentler, P. M. (1999)" in text  # the list entry as it was
    listed = text.replace("Hu, L., & Bentler, P. M. (1999)", "")
    assert "Hu & Bentler, 1999" in listed or "Hu and Bentler (1999)" in listed, listed
    assert not re.search(r"Hu & Bentler \(?1999", listed)
