"""An author's words with placeholders for recorded values (issue 31, item 4)."""

from __future__ import annotations

import pytest

from kamlib.errors import KamError
from kamlib.workbench import authors

MANIFEST = {"notebooks": {"10_key_accounts": {"key_numbers": [{"key": "total_clv", "kind": "money"}]},
                          "35_churn": {}},
            "not_run": {"35_churn": {"status": "skipped", "reason": "no holdout"}}}
VALUES = {"10_key_accounts": {"gini": 0.7087, "top20_revenue_share": 0.7394, "key_accounts": 845,
                              "total_clv": 8271331.2, "peak": "2011-11"},
          "35_churn": {"auc_logit": 0.61}}


def test_placeholders_are_filled_with_the_recorded_values_in_each_language():
    text = ("Top 20%: {{ 10_key_accounts.top20_revenue_share | share }}; Gini {{10_key_accounts.gini}}; "
            "{{ 10_key_accounts.key_accounts }} key accounts; CLV {{ 10_key_accounts.total_clv }}; {{ 10_key_accounts.peak }}")
    en = authors.fill(text, MANIFEST, VALUES, language="en", currency="GBP")
    assert en == "Top 20%: 73.9%; Gini 0.71; 845 key accounts; CLV 8,271,331 GBP; 2011-11"  # money: the recorded kind
    zh = authors.fill("前 20% 客户:{{ 10_key_accounts.top20_revenue_share | share }}", MANIFEST, VALUES, language="zh")
    assert zh == "前 20% 客户:73.9%"


def test_an_unknown_value_names_the_placeholder_and_what_the_notebook_records():
    with pytest.raises(KamError, match=r"texts.discussion: the placeholder \{\{ 10_key_accounts.gin \}\} names a value "
                                       r"notebook 10_key_accounts did not record; it records gini, key_accounts"):
        authors.fill("{{ 10_key_accounts.gin }}", MANIFEST, VALUES, where="texts.discussion")


def test_a_value_of_a_notebook_that_did_not_run_in_this_report_is_refused():
    # 35_churn has values from an earlier run, but was skipped in this one: its numbers are stale
    with pytest.raises(KamError, match=r"names notebook 35_churn, which did not run in this report; run it"):
        authors.fill("AUC {{ 35_churn.auc_logit }}", MANIFEST, VALUES)
    with pytest.raises(KamError, match="names notebook 99_nothing"):
        authors.fill("{{ 99_nothing.x }}", MANIFEST, VALUES)
    with pytest.raises(KamError, match="kind 'percent'"):
        authors.fill("{{ 10_key_accounts.gini | percent }}", MANIFEST, VALUES)


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
