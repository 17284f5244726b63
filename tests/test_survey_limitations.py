"""What an examiner found unsaid in the reports of two studies unlike the default (issue 48, examiner's read): the
relationship-quality study (studies/relationship_quality.yaml: a declared model TR, CM, SAT, LOY, account size as a
moderator) and a B2B export without a survey (tests/exports.py ``superstore``).

Unit tests first (fast); the notebook tests share one module-scoped quick run of the relationship-quality study."""

from __future__ import annotations

import pandas as pd
import pytest

from kamlib import stage_results as sr
from kamlib.errors import KamError


# ------------------------------------------------------------------------ the claims check is named by what it checks

def test_the_personalisation_claim_check_is_named_by_what_it_checks(tmp_path):
    assert "f001" not in sr.CHECKS and "personalised_lift" in sr.CHECKS
    claims = sr.load_claims("data/literature/claims.csv")
    assert "personalised_lift" in set(claims["check"]) and "f001" not in set(claims["check"])
    act = sr.Act(personalised_lift=0.3, personalised_lift_ci=(0.1, 0.5), personalised_verdict="supports the claim",
                 personalised_method="itemcf", personalised_claim_measure="hit rate")
    [c4] = [c for c in sr.confront(sr.StageResults(act=act), claims) if c.id == "C4"]
    assert c4.verdict == sr.AGREES and "raises the holdout hit rate" in str(c4.evidence)  # behaviour kept
    old = tmp_path / "claims.csv"
    claims.assign(check=claims["check"].replace({"personalised_lift": "f001"})).to_csv(old, index=False)
    with pytest.raises(KamError, match="'f001', which is now called 'personalised_lift'"):
        sr.load_claims(old)


# ------------------------------------------------------------------- a study without sources gets none of ours

def test_a_study_that_declares_no_sources_or_facts_gets_none():
    from kamlib import literature as lit
    from kamlib.workbench import report

    assert lit.load_sources(None).empty and list(lit.load_sources(None).columns) == lit.SOURCE_COLUMNS
    assert lit.load_facts(None).empty and list(lit.load_facts(None).columns) == lit.FACT_COLUMNS
    with pytest.raises(TypeError):  # no default: a caller says which study's register it means
        lit.load_sources()
    with pytest.raises(TypeError):
        lit.load_facts()
    with pytest.raises(KamError, match="the study declares none"):
        lit.fact("F001", lit.load_facts(None))
    with pytest.raises(KamError, match="needs the study's facts"):
        lit.fact("F001", None)
    assert lit.sources_csl(lit.load_sources(None)) == []
    # the report's practice sources are the ones the run read: none for a run whose study declares none, so a text
    # citing S004 lists no practice source of the default study
    none = {"notebooks": {"20_survey": {"parameters": {"literature_sources": None}}}}
    ours = {"notebooks": {"00_literature": {"parameters": {"literature_sources": "data/literature/sources.csv"}}}}
    assert report.sources(none).empty and not report.sources(ours).empty
    assert not [r for r in report._listed("as S004 says", "en", report.sources(none)) if r.get("practice")]
    assert [r["key"] for r in report._listed("as S004 says", "en", report.sources(ours)) if r.get("practice")] == ["S004"]


# ------------------------------------------------ the background says what the run's hypotheses are, from the manifest

@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_transactions_only_study_is_not_told_the_hypotheses_below_are_its_questions(tmp_path, language):
    """The superstore export (tests/exports.py) runs no survey: its background says no hypothesis is tested."""
    import json

    from kamlib.workbench import report

    (tmp_path / "values").mkdir()
    (tmp_path / "values" / "10_key_accounts.json").write_text(json.dumps({"gini": 0.5}))
    manifest = {"artefacts": [], "notebooks": {"10_key_accounts": {
        "stage": "identify", "parameters": {"transactions_source": "superstore.csv", "report_demonstrations": "off"}}}}
    T = report.report_text(language)
    text = report.outline(manifest, tmp_path, language=language)["background_text"]
    assert T["background_no_hypotheses"] in text and T["background_case_text"] in text
    assert T["background_hypotheses"] not in text
    assert ("The hypotheses below" in text) is False and "下表的假设" not in text
    if language == "zh":
        assert "不检验任何假设" in text
    # the survey ran without a declared model: said as such; a survey with its table in the body keeps the old words
    assert report.background_hypotheses(False, False, True) == "background_survey_no_model"
    assert report.background_hypotheses(False, True, True) == "background_hypotheses_demonstrated"
