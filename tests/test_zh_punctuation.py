"""The Chinese edition's punctuation (issue 49, 7: a Chinese edition in Chinese): full-width marks in Chinese text
(GB/T 15834-2011), ASCII marks in ASCII text, numbers and code; the same rule in the HTML page
(kamlib.workbench.report.zh_marks) and in the Word and PDF editions (their writer's text)."""

import pytest

from kamlib.i18n import TAG, zh_punctuation
from kamlib.workbench import editions
from kamlib.workbench.report import zh_marks


@pytest.mark.parametrize("text, expected", [
    ("交易数据来源:数据集、引用", "交易数据来源：数据集、引用"),
    ("前 20% 客户:73.9%", "前 20% 客户：73.9%"),
    ("金额(历史收入)", "金额（历史收入）"),
    ("按 Podsakoff 等(2003)的规则", "按 Podsakoff 等（2003）的规则"),
    ("在 12 次中(60%,95% 置信区间 36% 至 81%)恢复", "在 12 次中（60%，95% 置信区间 36% 至 81%）恢复"),
    ("规则 (rule >= 0.01)。", "规则（rule >= 0.01）。"),
    ("p = 0.01; 然而", "p = 0.01；然而"),
    ("能否识别流失?按其规模", "能否识别流失？按其规模"),
    ("候选客户(渠道:Corporate, Home Office)", "候选客户（渠道：Corporate, Home Office）"),  # a list of data values
    ("(12,800 位客户)", "（12,800 位客户）"),  # a thousands separator stays
    ("时间 12:30 开始", "时间 12:30 开始"),
    ("BG/NBD,Pareto/NBD 与 MBG/NBD", "BG/NBD,Pareto/NBD 与 MBG/NBD"),
    ("它们的 P(alive)、CLV", "它们的 P(alive)、CLV"),  # a function-like name
    ("segments.growing_purchases(2)和", "segments.growing_purchases（2）和"),
    ("(UK, Christmas 2010)", "(UK, Christmas 2010)"),  # no Chinese: as it is
    ("tiers.max_inactive_days: auto", "tiers.max_inactive_days: auto"),
    # the clause's script, read through numbers and citation numbers (the examiner's cases)
    ("大客户管理. Homburg 等", "大客户管理。Homburg 等"),
    ("Schmittlein 等[2]: 它", "Schmittlein 等[2]：它"),
    ("(HTMT;Henseler 等[16])", "（HTMT；Henseler 等[16]）"),
    ("ROC AUC 为 0.765;>= 0.7", "ROC AUC 为 0.765；>= 0.7"),
    ("（随机 -43.2,95% 置信区间", "（随机 -43.2，95% 置信区间"),
    ("见附录 A：表 13.", "见附录 A：表 13。"),
    ("superstore.xlsx.", "superstore.xlsx."),
    ("under CC BY 4.0. 以及 0.5 相当, e.g. 例如", "under CC BY 4.0. 以及 0.5 相当，e.g. 例如"),
])
def test_marks_in_chinese_text_are_full_width_and_ascii_text_keeps_its_own(text, expected):
    assert zh_punctuation(text) == expected


def test_markup_between_runs_is_read_through_and_kept():
    # a bracket opened before a link closes after it; the runs keep their count
    done = zh_punctuation(f"交易日志 ({TAG}笔记本 01_data_overview{TAG})")
    assert done == f"交易日志（{TAG}笔记本 01_data_overview{TAG}）"


def test_the_page_rewrites_text_not_markup_code_or_the_reference_list():
    page = ("<p>交易日志 <span class='src'>(<a href='n.html'>笔记本 01</a>)</span>, 金额 &amp; 数据:12</p>"
            "<p>函数 (<code>kamlib.a, kamlib.b</code>, <code>kamlib.c</code>)</p>"
            "<ul class='refs'><li>李炳穆.韩国图书馆法[J].图书情报工作,2008,56(2):6-12.</li></ul><p>完(结束)</p>")
    done = zh_marks(page)
    assert "交易日志<span class='src'>（<a href='n.html'>笔记本 01</a>）</span>，金额 &amp; 数据：12" in done
    assert "<code>kamlib.a, kamlib.b</code>, <code>kamlib.c</code>" in done  # code and the commas between it
    assert "图书情报工作,2008,56(2):6-12." in done  # GB/T 7714's own marks in the list
    assert done.endswith("<p>完（结束）</p>")


class _Writer:
    def __init__(self):
        self.said = []

    def paragraph(self, text, kind=None):
        self.said.append(text)

    def heading(self, text, level):
        self.said.append(text)

    def table(self, heads, rows, kinds, label, text):
        self.said += [*heads, *[v for r in rows for v in r], text]


@pytest.mark.parametrize("language, expected", [("zh", "客户（共 3 位）：是"), ("en", "客户(共 3 位):是")])
def test_the_word_and_pdf_editions_write_the_same_marks_as_the_page(language, expected):
    w = _Writer()
    numbered = editions._Numbered(w, {} if language == "zh" else None, language, set())
    numbered.paragraph("客户(共 3 位):是")
    numbered.heading("客户(共 3 位):是", 2)
    numbered.table(["客户(共 3 位):是"], [["客户(共 3 位):是"]], ["text"], None, "客户(共 3 位):是")
    assert w.said == [expected] * 5


def test_blocks_are_read_apart_and_brackets_other_than_citations_are_not_read_through():
    """The maintainer: the page was one stream, so '1. 研究背景' after a Chinese paragraph became '1。', a number cell
    beside a Chinese cell took full-width marks, and '[-3.4, 2.3].' read as Chinese."""
    page = ("<p>上一段的中文</p><h2>1. 研究背景与问题</h2><table><tr><td>中文</td><td>(0.1, 0.5)</td></tr></table>"
            "<p>an unclosed (bracket</p><p>later 中文 (见表 3)</p>")
    done = zh_marks(page)
    assert "<h2>1. 研究背景与问题</h2>" in done and "<td>(0.1, 0.5)</td>" in done
    assert "<p>an unclosed (bracket</p>" in done and "later 中文（见表 3）" in done
    assert zh_punctuation("区间 [-3.4, 2.3]. 下一句") == "区间 [-3.4, 2.3]. 下一句"
    assert zh_punctuation("等（2003） 的规则") == "等（2003）的规则"
    # a heading's notebook link is part of its block: no space before its full-width bracket
    heading = "<h3>识别大客户 <span class='src'>(<a href='n.html'>笔记本 10_key_accounts</a>)</span></h3>"
    assert zh_marks(heading) == ("<h3>识别大客户<span class='src'>（<a href='n.html'>笔记本 10_key_accounts</a>）"
                                 "</span></h3>")
