"""English left in the Chinese editions (an examiner's read of the zh reports): each text is fixed at its owner and
checked here in Chinese."""
import re

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from kamlib import plots, style, verdicts  # noqa: E402
from kamlib.i18n import Message  # noqa: E402


def test_a_study_without_a_title_has_a_chinese_title_in_the_chinese_edition():
    from kamlib.workbench.study import Study

    default = Study()
    assert default.title_for("en") == "Key-account marketing in e-commerce"
    assert re.search(r"[\u4e00-\u9fff]", default.title_for("zh")) and "Key-account" not in default.title_for("zh")


def test_the_monthly_chart_has_iso_month_ticks_and_a_chinese_title():
    import matplotlib.pyplot as plt

    monthly = pd.DataFrame({"month": pd.date_range("2016-11-01", periods=14, freq="MS"), "orders": range(14),
                            "active_customers": range(14)})
    axes = plots.plot_monthly(monthly)
    axes[0].set_title("Monthly orders and active customers")
    fig = axes[0].figure
    fig.canvas.draw()
    ticks = [t.get_text() for t in axes[-1].get_xticklabels()]
    assert ticks and all(re.fullmatch(r"\d{4}(-\d{2}){0,2}", t) for t in ticks), ticks  # no "Nov", "2017-Dec"
    assert axes[-1].xaxis.get_offset_text().get_text() == ""
    style.translate_figure(fig)
    assert style.untranslated(fig) == []
    plt.close(fig)


def test_the_summary_names_skipped_stages_in_chinese():
    from kamlib.workbench.findings import not_run

    manifest = {"notebooks": {"10_key_accounts": {"stages": [
        {"stage": s, "ran": False, "reason": "Too few repeat buyers."} for s in ("RFM segments", "spend model")]}}}
    text = not_run(manifest, "zh").text()
    assert "RFM segments" not in text and "spend model" not in text and "(10_key_accounts)" in text


def test_a_file_without_a_provenance_note_says_so_in_chinese(tmp_path):
    from kamlib.datasets import provenance
    from kamlib.workbench.artefacts import _cells_zh

    log = tmp_path / "shop.csv"
    log.write_text("customer_id,date\n1,2020-01-01\n", encoding="utf-8")
    cells = _cells_zh(provenance(str(log)))
    assert cells["not stated"] == "未说明"
    assert cells["no provenance note: write shop.PROVENANCE.md beside the file"].startswith("无来源说明")


def test_a_workbook_conventions_source_reads_in_chinese_inside_a_sentence():
    rule = verdicts.RULES["dropout_recovery"]
    zh = Message("rule {op} {cut:.0%}, {source}", "phrase", op=rule.op, cut=rule.threshold, source=rule.source)
    assert isinstance(rule.source, Message) and str(rule.source).startswith("workbook convention")
    assert not any(r.source.startswith("workbook convention") and r.source.translate("zh") is None
                   for r in verdicts.RULES.values() if isinstance(r.source, Message))
    from kamlib.i18n import _param

    assert _param(rule.source, "zh").startswith("本工作簿的约定") and zh


def test_table_headers_and_row_names_come_from_the_glossary(tmp_path):
    """mean_rate(%), spend_per_purchase, frequency_holdout, estimate_small... read as the glossary words them, in
    both editions; a row named by a field (between_sd, log_frequency) reads as its header in Chinese."""
    from kamlib.workbench.report import table_cells

    csv = tmp_path / "t.csv"
    pd.DataFrame({"statistic": ["mean", "between_sd", "within_sd", "log_frequency", "frequency_holdout"],
                  "mean_rate": [0.1] * 5, "margin_rate": [0.2] * 5, "spend_per_purchase": [3.0] * 5,
                  "estimate_small": [0.3] * 5, "se_small": [0.1] * 5, "estimate_large": [0.4] * 5,
                  "se_large": [0.1] * 5}).to_csv(csv, index=False)
    heads, rows, _, _ = table_cells(csv, "zh")
    english = re.compile(r"\b(mean_rate|margin_rate|spend_per_purchase|estimate|se)(_\w+)?\b")
    assert not [h for h in heads if english.search(h)], heads
    assert "估计值(small)" in heads and "标准误(large)" in heads
    names = [r[0] for r in rows]
    assert not [n for n in names if re.search(r"[a-z]_[a-z]|^mean$", n)], names
    en_heads = table_cells(csv, "en")[0]
    assert "Estimate (small)" in en_heads and "Own margin rate (%)" in en_heads


def test_the_understand_section_is_titled_by_what_ran_in_it():
    from kamlib.workbench.report import _section_title_key, report_text as texts

    survey_only = {"key": "understand", "notebooks": [{"name": "20_survey"}]}
    both = {"key": "understand", "notebooks": [{"name": "20_survey"}, {"name": "25_reviews"}]}
    assert "评论" not in texts("zh")[_section_title_key(survey_only)]
    assert "评论" in texts("zh")[_section_title_key(both)]


def test_a_fix_sentence_keeps_the_study_key_english_when_the_role_is_translated(tmp_path):
    """"transactions.columns.利润" was the profit role's Chinese substituted into a key: the key is its own field."""
    from kamlib import transactions
    from kamlib.i18n import made

    path = tmp_path / "log.csv"
    pd.DataFrame({"c": ["a", "b", "c"], "d": ["2020-01-01", "2020-01-02", "2020-01-03"], "amt": [1.0, 2.0, 3.0],
                  "pr": ["x", "1", "2"]}).to_csv(path, index=False)
    loaded = transactions.load(path, columns={"customer": "c", "date": "d", "amount": "amt", "profit": "pr"})
    fix = next(f for f in loaded.report["fix"] if "columns.profit" in str(f))
    zh = made(fix).translate("zh")
    assert "transactions.columns.profit" in zh and "利润列" in zh
    assert not re.search(r"columns\.[^\x00-\x7f]", zh)


def test_the_channel_crosstab_caption_names_the_column_and_says_profit_only_when_there_is_some():
    """The zh caption of seg_by_channel was the catalogue's fixed text for the id, a template with its conditions
    ("(研究文件映射为 channel 的列)… (日志含毛利时还有毛利)"); it is a Message filled as the English is."""
    import json
    from pathlib import Path

    from kamlib.i18n import Given, gettext

    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "30_segments.ipynb").read_text("utf-8"))
    cell = next("".join(c["source"]) for c in nb["cells"] if "seg_by_channel" in "".join(c["source"]))
    call = cell[cell.index('"seg_by_channel"'):cell.index('role="appendix")')]
    runs = re.findall(r'(?:"[^"]*"\s*)+', call)  # adjacent string literals are one string
    msgids = ["".join(re.findall(r'"([^"]*)"', run)) for run in runs]
    msgids = [m for m in msgids if m.startswith("Segments by")]
    assert len(msgids) == 2
    for msgid in msgids:
        assert gettext(msgid, "caption"), msgid
        zh = Message(msgid, "caption", column=Given({"en": "Segment", "zh": "Segment"}), source="x.xlsx").translate("zh")
        assert "Segment" in zh and "channel" not in zh and "日志含" not in zh
        assert ("毛利" in zh) == ("profit" in msgid)


def test_a_figures_links_open_it_in_the_editions_language(tmp_path):
    """The Chinese edition's "png" link opened the English PNG: each edition links its own PNG (and the SVG, drawn in
    the study's language, only from that edition)."""
    import matplotlib.pyplot as plt

    from kamlib.workbench import report
    from kamlib.workbench.artefacts import Artefacts

    art = Artefacts("nb", output_dir=tmp_path, figure_dpi=50)
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1])
    art.figure(fig, "f", "caption")
    a = dict(art.entries[-1], label="Figure 1.")
    T = report.report_text("en")
    assert report._html_view(a, tmp_path, "zh", T)["files"] == ["figures/f.zh.png"]
    assert report._html_view(a, tmp_path, "en", T)["files"] == ["figures/f.png", "figures/f.svg"]


def test_one_chinese_term_per_concept_the_glossarys():
    """The catalogue said the gap statistic, the segment, recency and Cronbach's alpha two ways each (间隔统计量 and
    间隙统计量, 细分群体 and 细分群, 最近购买时间 and 近度, Cronbach's α and Cronbach α) and the "frequent" segment name
    频繁 beside 常购: every sentence uses the glossary's word."""
    from pathlib import Path

    from kamlib.i18n import gettext

    assert (gettext("gap", "header"), gettext("segment", "header"), gettext("recency", "header"),
            gettext("alpha", "header"), gettext("frequent", "phrase")) == ("间隙统计量", "细分群", "近度", "Cronbach α",
                                                                           "常购")
    po = (Path(__file__).parents[1] / "kamlib" / "locale" / "zh.po").read_text("utf-8")
    said = [line for line in po.splitlines() if line.startswith('msgstr "')]
    for retired in ("间隔统计量", "细分群体", "最近购买时间", "Cronbach's α", "频繁:"):
        assert not [line for line in said if retired in line], retired


# One Chinese term per concept (examiner, default study, item 31): the variants a reader met beside the glossary's
# word. 测试集 is not among them: it names the test half of a random train/test split (the reviews' classifier, the
# churn score), a different concept from the holdout period (验证期) of the purchase models and recommendations.
ONE_TERM = {
    "验证期 (holdout)": ("留出", "保留期", "留存期", "测试期"),
    "客户终身价值 (CLV)": ("顾客终身价值", "生命周期价值"),
    "客户 (customer)": ("顾客",),
    "间隙统计量 (gap statistic)": ("间隔规则", "间隔统计量"),
    "检验力 (power)": ("功效",),
    "k 均值 (k-means)": ("k-means", "K-means", "K 均值", "k-均值", "k均值"),
}
# where a variant is right: the ECSI/ACSI constructs by their established Chinese names (美国顾客满意度指数)
ALLOWED = ("顾客满意度", "顾客期望", "顾客抱怨", "顾客忠诚")


def _catalogue_said() -> list[str]:
    from pathlib import Path

    po = (Path(__file__).parents[1] / "kamlib" / "locale" / "zh.po").read_text("utf-8")
    said, current = [], None
    for line in po.splitlines():  # a msgstr and its continuation lines
        if line.startswith('msgstr "'):
            current = line[8:-1]
            said.append(current)
        elif line.startswith('"') and current is not None:
            said[-1] += line[1:-1]
        else:
            current = None
    return said


@pytest.mark.parametrize("term", sorted(ONE_TERM))
def test_the_catalogue_says_each_concept_with_one_word(term):
    said = _catalogue_said()
    assert len(said) > 2000
    left = []
    for text in said:
        for allowed in ALLOWED:
            text = text.replace(allowed, "")
        left += [f"{variant}: {text[:60]}" for variant in ONE_TERM[term] if variant in text]
    assert not left, left
    assert sum(term.split(" ")[0] in text for text in said) >= 10


def test_the_holdout_words_of_the_identify_section_and_the_sentences_beside_it():
    from kamlib.i18n import gettext

    title = gettext("Identify key accounts: RFM, concentration, CLV with holdout validation", "notebook")
    assert "验证期" in title and "留出" not in title
    assert gettext("share of test purchases of new products", "value") == "验证期购买中新商品的占比"
    assert "测试集客户" in gettext("The churn score's discrimination on held-out customers is {verdict}.", "closing")


def test_the_purchase_models_parameters_are_parameters_not_paths_in_key_numbers():
    """"BG/CNBD-k 路径 a 0.092": the dropout parameters a and b read as the SEM's paths (the header "a")."""
    from kamlib.i18n import header_zh, translate

    said = {p: translate(Message("{model} {parameter}", "key_number", model="BG/CNBD-k", parameter=p), "zh",
                         "key_number") for p in ("a", "b", "r", "α", "k")}
    assert said == {p: f"BG/CNBD-k 参数 {p}" for p in said}
    assert (header_zh("a"), header_zh("b")) == ("路径 a", "路径 b")  # the mediation table's paths stay paths


def test_the_best_method_is_named_in_brackets_and_the_pooled_level_is_other_in_chinese():
    from kamlib.i18n import catalogue

    cat = catalogue("zh")
    best = [t for (c, m), t in cat.items() if "the best, {method}, picked after seeing" in m]
    assert len(best) >= 8 and all("最好的方法（{method}）是看过结果后挑选的" in t for t in best)
    zh = Message("{column}: {n} levels with fewer than {m} customers each are pooled as 'other' ({customers} customers).",
                 "note", column="country", n=22, m=30, customers=77).translate("zh")
    assert "“其他”" in zh and "other" not in zh


def test_a_chinese_figure_has_full_width_punctuation():
    """A PNG's text is not converted as the report's is: translate_figure writes its Chinese with full-width marks
    ("提升:大客户", "客户时长(天)", "…共同编码;标注了…" in the examiner's figures)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_xlabel("tenure_days")
    ax.set_ylabel(str(Message("uplift: {tier}", "phrase", tier="Key account")))
    ax.set_title("Revenue (GBP)")
    style.translate_figure(fig)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("客户时长（天）", "提升：大客户", "收入（GBP）")
    plt.close(fig)
