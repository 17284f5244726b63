"""The examiner's findings on the default study's discussion and limitations (items 7, 13, 14 and 16): the literature
question is answered with the literature stage's numbers and the claims register, the discussion's cross-references
take the report's own section numbers, and the limitations name the models fitted and the criteria failed."""

from __future__ import annotations

import json
import re

import pytest

from kamlib import stage_results
from kamlib.config import ROOT
from kamlib.errors import KamError
from kamlib.workbench import authors, discussion, report

#: What the default study's quick run recorded in values/00_literature.json
LITERATURE = {"00_literature": {"F001_value": 20.0, "F002_value": 50.0, "n_gaps": 4, "n_sources": 4, "n_themes": 30,
                                "seed_units_found": 0}}
#: The default study's register (its own claims, then the peer-reviewed works'), in a run with a transaction log and
#: a survey (discussion.register sets a claim against a run that has its kind of evidence)
MANIFEST = {"notebooks": {"00_literature": {"parameters": {"literature_claims": "data/literature/claims.csv"}},
                          "10_key_accounts": {"parameters": {"transactions_source": "data/raw/online_retail.parquet"}},
                          "20_survey": {"parameters": {"survey_source": "simulated"}}}}


def _rq1(values, language="en"):
    results = stage_results.recorded(values)
    claims = discussion.register(MANIFEST)
    sections = [{"key": "literature", "title": "3. " + report.report_text(language)["literature"],
                 "closing": discussion.closing("literature", results, language, claims=claims), "notebooks": []}]
    said = {"literature": discussion.literature_answer(results, claims, language)}
    return report.answers(sections, [], report.report_text(language), language, said=said)[0]


def test_the_literature_question_is_answered_with_the_stages_numbers_and_the_register():
    """Item 7: RQ1 said "This run recorded no number that answers it" although section 3 answers it."""
    en = _rq1(LITERATURE)["text"]
    assert "no number that answers it" not in en
    assert en.startswith("The 4 sources were coded into 30 themes.")
    assert "no analysis of the workbook tests: 4 (the gaps table)" in en
    claims = discussion.register(MANIFEST)
    assert f"The register's {len(claims)} claims: " in en and len(claims) == 11
    # no result recorded but the literature's: every claim is untested, each named
    assert "not tested in this run, 11 (C1, C2, C3, C4, C5, C6, C9, L1, L2, L3, L4)" in en
    zh = _rq1(LITERATURE, "zh")["text"]
    assert "4 份资料被编码为 30 个主题" in zh and "登记表中的 11 条主张" in zh and "(英文原文)" not in zh


def test_the_claims_are_counted_by_what_this_run_did_with_them():
    """The default run: C5 and C9 (H6) only on the published survey, C4 a hit rate against a click-through claim."""
    values = {**LITERATURE,
              "10_key_accounts": {"top20_revenue_share": 0.6939, "gini": 0.657, "key_accounts": 260,
                                  "key_accounts_revenue_share": 0.692},
              "20_survey": {"H6_real_estimate": 0.47, "H6_real_supported": "yes", "real_survey_n": 250}}
    text = _rq1(values)["text"]
    assert "shown on other data only, 2 (C5, C9)" in text
    tested = re.search(r"tested on this run's data, (\d+) \(([^)]*)\)", text)
    assert tested and "C1" in tested.group(2) and "L1" in tested.group(2) and "C5" not in tested.group(2)
    assert _rq1({})["text"] == "This run recorded no number that answers it."  # the stage did not run


def test_the_kappa_is_said_when_the_two_codings_were_compared():
    values = {"00_literature": {**LITERATURE["00_literature"], "mean_kappa": 0.81, "n_gaps": 0}}
    text = _rq1(values)["text"]
    assert "with a mean kappa of 0.81 between the manual and the automatic coding" in text
    assert "Every theme that at least two sources stress is tested" in text


def test_the_shipped_discussion_takes_section_numbers_from_the_report():
    """Item 13: "compared on the same holdout (section 5)" and "(section 8)" were typed in; the comparison is in the
    identification's section and the interval rule in the evaluation's, whatever their numbers in a run."""
    folder = ROOT / "studies" / "texts" / "default"
    for name, pattern in (("discussion.md", r"section \d"), ("discussion.zh.md", r"第 ?\d+ ?节")):
        text = (folder / name).read_text(encoding="utf-8")
        assert not re.search(pattern, text), name  # no literal section number
        assert "{{ section.identify }}" in text and "{{ section.evaluate }}" in text
    results = stage_results.recorded({"10_key_accounts": {"regularity_k": 1.032, "gini": 0.657,
                                                          "top20_revenue_share": 0.6939},
                                      "40_strategy": {"top_share": 0.2, "capture_clv": 0.622, "capture_monetary": 0.618,
                                                      "customers_in_log": 1309}})
    text = (folder / "discussion.md").read_text(encoding="utf-8")
    filled = authors.fill(text, results, sections={"literature": 3, "identify": 4, "segment": 5, "act": 6,
                                                   "evaluate": 7})
    assert "compared on the same holdout (section 4)" in filled and "sort's share (section 7)" in filled
    zh = authors.fill((folder / "discussion.zh.md").read_text(encoding="utf-8"), results, language="zh",
                      sections={"identify": 4, "evaluate": 7})
    assert "第 4 节" in zh and "第 7 节" in zh
    # the Wheat-Morrison k is set beside the regular-buyer models' own k, not against it (item 14)
    assert "choose their own k by likelihood" in filled


def test_a_section_the_report_does_not_have_is_named_or_said_missing():
    with pytest.raises(KamError, match="section of 'evaluate'"):
        authors.fill("see section {{ section.evaluate }}", stage_results.StageResults(), sections={"identify": 4})
    # a partial run: the evaluation's notebook did not run, so the author's text says so instead of failing
    said = report._author("discussion", "see section {{ section.evaluate }}", stage_results.StageResults(),
                          {"notebooks": {"10_key_accounts": {}}}, "en", None, {"identify": 4})
    assert "section.evaluate" in said and "40_strategy" in said


def test_the_report_numbers_sections_once_and_the_authors_text_reads_them():
    """report._outline numbers each section once (s["number"]) and passes those numbers to the author's text."""
    import inspect

    source = inspect.getsource(report._outline)
    assert 's["number"] = i' in source and '{s["key"]: s["number"] for s in sections}' in source


def _cell(notebook: str, needle: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    return next("".join(c["source"]) for c in nb["cells"] if needle in "".join(c["source"]))


def test_the_regular_buyer_limitation_names_the_models_the_run_fitted():
    """Item 14: the limitation named MBG/CNBD-k, which the default study (clv.models bgnbd, paretonbd, bgcnbd) did
    not fit; it names the regular-buyer models of the run's fits."""
    cell = _cell("10_key_accounts", '"pareto_ggg"')
    assert "MBG/CNBD-k" not in cell
    assert "models=regular_fitted" in cell and "clv.get(n).regular()" in cell


def test_the_failed_criteria_of_the_real_survey_are_named():
    """Item 16: "2 reliability and validity criteria are not met" now names each with its value and cut-off (the
    assessment's verdicts: HTMT Expectation/Quality 0.98 and Value/Satisfaction 0.93 against 0.90 on ECSI)."""
    from kamlib import datasets, i18n
    from kamlib.survey import pls
    from kamlib.workbench import findings

    assert "{criteria}" in _cell("20_survey", '"real_criteria"')
    real = datasets.ecsi("satisfaction")
    verdicts = pls.assessment(pls.fit(real, paths=datasets.ECSI_PATHS["satisfaction"],
                                      blocks=datasets.ECSI_BLOCKS["satisfaction"]))
    failed = i18n.join(list(verdicts.loc[~verdicts["met"].astype(bool), "verdict"]))
    spec = {"n": {"key": "real_criteria_failed", "kind": "count"},
            "criteria": {"text": str(failed), "text_zh": failed.translate("zh")}}
    manifest = {"notebooks": {"20_survey": {"limitations": [{
        "key": "real_criteria", "numbers": spec,
        "template": "{n} reliability and validity criteria are not met on the real survey. {criteria}."}]}}}
    values = {"20_survey": {"real_criteria_failed": int((~verdicts["met"].astype(bool)).sum())}}
    en = findings.limitations(values, manifest)[0]
    assert en.startswith("2 reliability and validity criteria are not met on the real survey. HTMT of Expectation "
                         "and Quality is 0.98") and "HTMT of Value and Satisfaction is 0.93" in en
    zh = findings.limitations(values, manifest, "zh")[0]
    assert "0.98" in zh and "0.93" in zh and "(英文原文)" not in zh
