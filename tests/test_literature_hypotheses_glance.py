"""The hypotheses at a glance (examiner, default study, item 6): each declared hypothesis with its statement and its
basis in the report's language, in the body even when the survey's answers are simulated; the default study's bases
are works that state the hypothesis, or are named as practice sources and the author's assumption."""
import json

import pytest

from kamlib.survey.research_model import basis_text
from kamlib.workbench import report
from kamlib.workbench.study import load

HYPOTHESES = [{"id": "H3", "statement": {"en": "Price fairness raises satisfaction", "zh": "价格公平感提升满意度"},
               "basis": ["S002", "herrmann2007"]},
              {"id": "H5", "statement": {"en": "Personalisation raises satisfaction", "zh": "个性化提升满意度"},
               "basis": ["S000", "assumption"]}]
SURVEY = {"20_survey": {"parameters": {"survey_source": "simulated", "survey_hypotheses": HYPOTHESES},
                        "stage": "understand", "demonstrations": ["answers"], "verdicts": []}}


def _page(tmp_path, language):
    manifest = {"artefacts": [], "notebooks": SURVEY}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return report.render(manifest, tmp_path, title="t", language=language, study_name="s", quick=True)


@pytest.mark.slow
def test_the_glance_lists_statement_and_basis_in_english(tmp_path):
    page = _page(tmp_path, "en")
    glance = page[page.index("id='hypotheses'"):page.index("id='declared-hypotheses'") + 2000]
    assert "Price fairness raises satisfaction" in glance and "Herrmann et al." in glance
    assert "the study author&#39;s assumption" in glance or "the study author's assumption" in glance


def test_the_glance_reads_in_chinese(tmp_path):
    page = _page(tmp_path, "zh")
    glance = page[page.index("id='hypotheses'"):page.index("id='declared-hypotheses'") + 2000]
    assert "价格公平感提升满意度" in glance and "研究者自己的假定" in glance and "Herrmann" in glance
    assert "依据" in glance and "declared_lead" not in page


def test_the_default_studys_bases_are_works_that_state_them_or_say_they_are_assumed():
    bases = {h.id: basis_text(h.basis) for h in load("studies/default.yaml").survey.hypotheses}
    assert "Herrmann et al. (2007)" in bases["H3"] and "Fornell" not in bases["H3"]
    assert "Mentzer et al. (2001)" in bases["H4"]
    assert bases["H5"].endswith("the study author's assumption")
    assert "Homburg" not in bases["H8"] and bases["H8"].endswith("the study author's assumption")
    assert "Zeithaml" not in bases["H2"]  # Zeithaml et al. (1996) is about behavioural intentions
