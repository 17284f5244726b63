"""An author's words with placeholders for the run's stage results (issue 31, item 4; issue 47, item 1)."""

from __future__ import annotations

import pytest

from kamlib.errors import KamError
from kamlib.stage_results import recorded
from kamlib.workbench import authors

VALUES = {"10_key_accounts": {"gini": 0.7087, "top20_revenue_share": 0.7394, "key_accounts": 845,
                              "value_model": "BG/NBD"},
          "40_strategy": {"capture_clv": 0.62, "top_share": 0.1}}
RESULTS = recorded(VALUES)


def test_placeholders_are_filled_with_the_stage_attributes_in_each_language():
    text = ("Top 20%: {{ identify.top_revenue_share | share }}; Gini {{identify.gini}}; "
            "{{ identify.key_accounts }} key accounts; {{ identify.value_model }}; top {{ evaluate.top_share | share }}")
    en = authors.fill(text, RESULTS, language="en", currency="GBP")
    assert en == "Top 20%: 73.9%; Gini 0.709; 845 key accounts; BG/NBD; top 10.0%"
    zh = authors.fill("前 20% 客户:{{ identify.top_revenue_share | share }}", RESULTS, language="zh")
    assert zh == "前 20% 客户:73.9%"


def test_an_unknown_attribute_names_the_placeholder_and_where_the_attributes_are():
    with pytest.raises(KamError, match=r"texts.discussion: the placeholder \{\{ identify.gin \}\} names no stage "
                                       r"result; use stage.attribute"):
        authors.fill("{{ identify.gin }}", RESULTS, where="texts.discussion")
    with pytest.raises(KamError, match="names no stage result"):
        authors.fill("{{ 99_nothing.x }}", RESULTS)


def test_an_old_placeholder_of_a_notebook_value_is_told_its_attribute():
    with pytest.raises(KamError, match=r"write \{\{ identify.top_revenue_share \}\}"):
        authors.fill("{{ 10_key_accounts.top20_revenue_share | share }}", RESULTS)


def test_an_attribute_this_run_did_not_compute_is_refused_with_the_fix():
    # the churn notebook did not run (or was skipped, so its values left the report): its AUC is no number to quote
    with pytest.raises(KamError, match=r"has no value in this run \(segment.churn_auc was not computed"):
        authors.fill("AUC {{ segment.churn_auc }}", RESULTS)
    with pytest.raises(KamError, match="kind 'percent'"):
        authors.fill("{{ identify.gini | percent }}", RESULTS)


def test_a_share_reads_as_a_share_and_a_table_or_interval_is_refused():
    assert authors.fill("{{ identify.top_revenue_share }} and {{ evaluate.capture_clv }}", RESULTS) == "73.9% and 62.0%"
    with pytest.raises(KamError, match=r"is not one number or word \(dict\)"):
        authors.fill("{{ segment.revenue_shares }}", recorded({"30_segments": {"segment_0_revenue_share": 0.4}}))
    with pytest.raises(KamError, match="is not one number or word"):
        authors.fill("{{ evaluate.capture_clv_ci }}", recorded({"40_strategy": {"capture_clv_ci": [0.5, 0.7]}}))


def test_the_shipped_texts_name_only_stage_attributes():
    """Every placeholder of the default study's discussion is an attribute of kamlib.stage_results."""
    import dataclasses

    from kamlib import stage_results as sr
    from kamlib.config import STUDIES

    from kamlib.workbench.notebooks import STAGES

    for path in sorted((STUDIES / "texts").rglob("*.md")):
        for stage, attribute, _ in authors.PLACEHOLDER.findall(path.read_text(encoding="utf-8")):
            if stage == "section":  # a cross-reference: the section of a framework stage, numbered by the report
                assert attribute in STAGES, (path.name, stage, attribute)
                continue
            assert attribute in {f.name for f in dataclasses.fields(sr.STAGES[stage])}, (path.name, stage, attribute)


def test_markdown_becomes_html_and_plain_paragraphs():
    md = "## Why\n\nThe **top** customers *matter*.\n\nSecond `paragraph`."
    assert "<strong>top</strong>" in authors.html(md)
    assert authors.paragraphs(md) == ["Why", "The top customers matter.", "Second paragraph."]


def test_a_study_names_only_known_sections(tmp_path):
    from kamlib.workbench import study

    bad = tmp_path / "s.yaml"
    bad.write_text("name: s\ntexts: {conclusion: x.md}\n", encoding="utf-8")
    with pytest.raises(KamError, match="texts names the section 'conclusion'"):
        study.load(bad)
    missing = tmp_path / "m.yaml"
    missing.write_text("name: m\ntexts: {discussion: nowhere.md}\n", encoding="utf-8")
    with pytest.raises(KamError, match="texts.discussion: the file nowhere.md does not exist"):
        study.load(missing).texts_for("en")


def test_word_and_pdf_keep_the_authors_emphasis():
    from kamlib.workbench import editions

    runs = authors.rich_paragraphs("The top 20% bring **74%** of *holdout* revenue.")[0]
    word = editions._Word()
    word.rich(runs)
    p = word.doc.paragraphs[-1]
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in p.runs] == [
        ("The top 20% bring ", False, False), ("74%", True, False), (" of ", False, False),
        ("holdout", False, True), (" revenue.", False, False)]
    typst = editions._Typst("en", ".")
    typst.rich(runs)
    assert '#strong[#"74%"]' in typst.lines[-1] and '#emph[#"holdout"]' in typst.lines[-1]
