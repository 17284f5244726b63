"""The Chinese edition cites in Chinese (issue 49 follow-ups 2 and 3): GB/T 7714-2015's numeric system in Chinese
prose, "Homburg 等[1]", "Hu 和 Bentler[3]", never "Homburg et al. (2002)[1]"; and its list describes a work in
Chinese in Chinese ("吴明隆. 问卷统计分析实务..."), not romanised."""

import html
import re

import pytest

#: An English or author-year form before a citation's number: "et al.", "&"/"and" between names, or a year
ENGLISH_FORM = re.compile(r"(?:\bet al\.|[A-Z][A-Za-zÀ-ÿ'\-]+ (?:&|and) [A-Z][A-Za-zÀ-ÿ'\-]+|(?:19|20)\d{2}[)）]?)"
                          r"\s*<sup>\[\d+\]</sup>")


def _zh_page(quick_report):
    page = quick_report / "index.zh.html"
    if not page.exists():  # the run builds its pages; a folder without them is built here
        import os

        from kamlib.workbench import report

        old = os.environ.get("KAM_REPORTS_DIR")
        os.environ["KAM_REPORTS_DIR"] = str(quick_report.parent)
        try:
            report.build(None, quick=True)
        finally:
            if old is not None:
                os.environ["KAM_REPORTS_DIR"] = old
    return page.read_text(encoding="utf-8")


@pytest.mark.notebook
def test_every_citation_of_the_chinese_page_reads_as_chinese(quick_report):
    page = _zh_page(quick_report)
    body, _, rest = page.partition("<ul class='refs'>")
    refs, _, tail = rest.partition("</ul>")
    text = re.sub(r"<(style|script|title)\b.*?</\1>", " ", body + tail, flags=re.S)
    text = re.sub(r"<img\b[^>]*>", " ", text)  # the figures' embedded data are not the report's words
    assert len(re.findall(r"<sup>\[\d+\]</sup>", text)) >= 10
    assert re.search(r"[A-Za-zÀ-ÿ\u4e00-\u9fff] 等<sup>\[\d+\]</sup>", text)  # "Homburg 等[1]": the author-number form
    assert not ENGLISH_FORM.findall(text), ENGLISH_FORM.findall(text)[:5]
    plain = html.unescape(re.sub(r"<[^>]*>", " ", text))
    assert " et al. (" not in plain and not re.search(r"\b[A-Z][a-z]+ 等 ?[(（]?(?:19|20)\d{2}", plain)
    listed = html.unescape(re.sub(r"<[^>]*>", "", refs))
    if "问卷统计分析实务" in listed:  # Wu (2010), a work in Chinese, as the Chinese list describes it
        assert "吴明隆. 问卷统计分析实务" in listed and "WU M" not in listed and "Chongqing" not in listed


@pytest.mark.notebook
def test_the_chinese_page_punctuates_its_text_in_full_width(quick_report):
    """GB/T 15834-2011: no ASCII comma, semicolon, colon, bracket or question mark beside a Chinese character in the
    page's text (kamlib.workbench.report.zh_marks); the reference list keeps GB/T 7714's marks."""
    page = _zh_page(quick_report)
    body, _, rest = page.partition("<ul class='refs'>")
    text = re.sub(r"<(style|script|title|code|pre)\b.*?</\1>", " ", body + rest.partition("</ul>")[2], flags=re.S)
    plain = html.unescape(re.sub(r"<[^>]*>", "", re.sub(r"<img\b[^>]*>", " ", text)))
    half = re.findall(r".{0,12}(?:[\u4e00-\u9fff][,;:?]|[,;:(][\u4e00-\u9fff]|[\u4e00-\u9fff]\().{0,12}", plain)
    assert not half, half[:5]
    assert "（" in plain and "：" in plain
