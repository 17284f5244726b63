"""The report's own sentences about its references, its research questions and its review of prior research say
only what the run has: practice sources only when some are listed, "one per section" only for several questions,
hypotheses only when the run tests some, the reviews only when they ran; the Chinese headings are the same questions
as the English ones (examiner's findings on the superstore and relationship-quality reports)."""

import pytest

from kamlib.workbench import report


@pytest.mark.parametrize("language, practice", [("en", "practice sources"), ("zh", "实践资料来源")])
def test_the_references_note_names_practice_sources_only_when_the_list_has_some(language, practice):
    works = [{"key": "hu1999", "label": "[1]"}]
    assert practice not in report.references_note(works, language)
    with_sources = works + [{"key": "S001", "label": "S001", "practice": True}]
    assert practice in report.references_note(with_sources, language)
    assert report.references_note(with_sources, language).startswith(report.references_note(works, language))


def _sections(*keys):
    return [{"key": k, "title": f"{i}. x", "notebooks": []} for i, k in enumerate(keys, 3)]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_one_research_question_is_not_said_as_one_per_section(language):
    T = report.report_text(language)
    one = report.background_framing(_sections("identify"), T, language, own=True)
    assert "one per section" not in one and "每节一个" not in one and "逐一" not in one
    assert ("RQ1 (section 3)" if language == "en" else "RQ1(第 3 节)") in one
    assert T["identify"] in one or T["identify"][:1].lower() + T["identify"][1:] in one
    two = report.background_framing(_sections("identify", "segment"), T, language, own=True)
    assert ("2 research questions, one per section" if language == "en" else "2 个研究问题,每节一个") in two


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_review_note_lists_the_topics_shown_and_names_hypotheses_only_when_there_are_some(language):
    topics = ["key-account management", "retention"] if language == "en" else ["大客户管理", "顾客保留"]
    hypotheses = "hypotheses" if language == "en" else "假设"
    without = report.literature_note(topics, False, language)
    assert hypotheses not in without
    assert all(t in without for t in topics)
    for absent in (["recommendation", "field experiments", "satisfaction"] if language == "en" else
                   ["推荐", "田野实验", "满意度"]):
        assert absent not in without
    assert hypotheses in report.literature_note(topics, True, language)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_understand_lead_names_only_what_ran(language):
    T = report.report_text(language)
    reviews = "review" if language == "en" else "评论"
    survey = {"key": "understand", "notebooks": [{"name": "20_survey"}]}
    lead = report.stage_lead(report._section_title_key(survey), None, {}, language, T)
    assert lead and reviews not in lead
    both = {"key": "understand", "notebooks": [{"name": "20_survey"}, {"name": "25_reviews"}]}
    assert reviews in report.stage_lead(report._section_title_key(both), None, {}, language, T)
    assert "where the study has them" not in T["lead_understand"] and "研究包含时" not in T["lead_understand"]


TITLES = ("literature", "understand", "understand_survey", "understand_reviews", "identify", "segment", "act",
          "evaluate")


@pytest.mark.parametrize("key", TITLES)
def test_a_chinese_section_heading_is_the_same_question_as_the_english(key):
    en, zh = report.report_text("en")[key], report.report_text("zh")[key]
    assert en.endswith("?") and zh.endswith("?"), (en, zh)
    assert ":" not in zh  # a question, not a stage name with its contents ("识别:交易数据中的大客户")
