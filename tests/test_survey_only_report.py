"""A survey-only study's report (issue 48 follow-up, item 8; examiner): a study with a survey and no transaction log
(studies/relationship_quality.yaml run on 00_literature and 20_survey) shows its own hypothesis table in the body,
a summary with its key numbers, a background about its survey and no transaction-log text; the same survey beside a
transaction log (the default study) stays a method demonstration in Appendix C."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from kamlib.workbench import report

FINDING = {"evidence": "survey_hypotheses", "key": "hypotheses", "priority": 90,
           "numbers": {"hypotheses": {"key": "hypotheses_tested", "kind": "count"},
                       "supported": {"key": "hypotheses_supported", "kind": "count"},
                       "listed": {"text": "H1", "text_zh": "H1"}},
           "template": "On the simulated survey, {supported} of {hypotheses} hypotheses are supported ({listed}); "
                       "these rows show the method, not facts about real customers."}
NOTE = "The exploratory factor analysis finds 2 factors for 2 constructs."
SURVEY = {"stage": "understand", "demonstrations": ["answers"], "demonstration_notes": [0], "notes": [NOTE],
          "parameters": {"report_demonstrations": "appendix", "survey_source": "simulated"}, "findings": [FINDING],
          "key_numbers": [{"key": "n_clean", "kind": "count", "label": "Survey respondents analysed",
                           "label_zh": "纳入分析的问卷受访者", "demonstration": True},
                          {"key": "hypotheses_supported", "kind": "count", "label": "Hypotheses supported",
                           "label_zh": "得到支持的假设数", "demonstration": True}]}
HYPOTHESES = {"id": "survey_hypotheses", "kind": "table", "notebook": "20_survey", "role": "hypotheses",
              "simulated": True, "demonstration": True, "path": "tables/survey_hypotheses.csv",
              "caption": {"en": "The research model's hypotheses.", "zh": "研究模型的假设。"}, "cell": "cell-16"}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "values").mkdir()
    pd.DataFrame({"hypothesis": ["H1", "H2"], "supported": ["yes", "no"]}).to_csv(
        tmp_path / "tables" / "survey_hypotheses.csv", index=False)
    (tmp_path / "values" / "20_survey.json").write_text(json.dumps(
        {"n_clean": 272, "hypotheses_tested": 2, "hypotheses_supported": 1}))
    return tmp_path


CLEANING = {**HYPOTHESES, "id": "survey_cleaning", "role": None, "path": "tables/survey_cleaning.csv",
            "caption": {"en": "Cleaning of the survey data.", "zh": "问卷数据清洗。"}, "cell": "cell-06"}


def _manifest(**others):
    return {"artefacts": [copy.deepcopy(HYPOTHESES), copy.deepcopy(CLEANING)],
            "notebooks": {"20_survey": copy.deepcopy(SURVEY), **others}}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.slow
def test_a_survey_only_study_reports_its_own_model_in_the_body(folder, language):
    manifest = _manifest()
    assert report.survey_only(manifest)
    doc = report.outline(manifest, folder, language=language)
    assert doc["hypotheses"] is not None and doc["hypotheses"]["id"] == "survey_hypotheses"
    assert [f.key for f in doc["summary"]] == ["hypotheses"] and doc["summary"][0].simulated  # still marked
    assert not doc["demonstrations"] and not doc["demonstration_appendix"]["notebooks"]
    assert doc["demonstration_appendix"]["sentence"] is None and not doc["demonstration_appendix"]["cards"]
    cards = dict(doc["cards"])
    assert cards["纳入分析的问卷受访者" if language == "zh" else "Survey respondents analysed"] == "272"
    assert doc["background_text"].startswith(report.report_text(language)["background_survey_text"])
    assert "RQ1" in doc["background_text"]  # the run's one question, which the discussion answers
    assert "transaction log in" not in doc["background_text"] and "交易记录中识别" not in doc["background_text"]
    said = [text for s in doc["sections"] for nb in s["notebooks"] for text in nb["notes"]]
    assert any("2 factors" in t or "2 个因子" in t or "exploratory" in t for t in said)  # in its section
    assert not any(nb["demonstration"] for s in doc["sections"] for nb in s["notebooks"])


@pytest.mark.slow
def test_the_same_survey_beside_a_transaction_log_stays_a_demonstration(folder):
    log = {"stage": "identify", "parameters": {"transactions_source": "data/raw/online_retail.parquet",
                                               "report_demonstrations": "appendix"}}
    manifest = _manifest(**{"10_key_accounts": log})
    assert not report.survey_only(manifest)
    doc = report.outline(manifest, folder, language="en")
    assert doc["hypotheses"] is None and [f.key for f in doc["demonstrations"]] == ["hypotheses"]
    [shown] = doc["demonstration_appendix"]["notebooks"]
    assert shown["name"] == "20_survey"
    assert {a["id"] for a in shown["artefacts"]} == {"survey_cleaning", "survey_hypotheses"}
    assert "Survey respondents analysed (method demonstration)" in dict(doc["demonstration_appendix"]["cards"])
    T = report.report_text("en")  # the survey's hypotheses are tested on simulated answers only: said so
    assert doc["background_text"].endswith(f' {T["background_hypotheses_demonstrated"]}')
    assert "H1, H2" in doc["demonstration_appendix"]["sentence"]
