"""English left in the Chinese editions (an examiner's read of the zh reports): each text is fixed at its owner and
checked here in Chinese."""
import re

import matplotlib
import pandas as pd

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
