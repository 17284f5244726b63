"""A report built from a partial run builds and says what is missing (issues 48/49, item 4).

`kam run 30_segments` on the default study runs 30_segments and the identification it reads, nothing else; the
report build then stopped at the default study's discussion text, whose `{{ evaluate.top_share }}` had no value. The
fixture is that run's manifest, written by hand (values keyed through kamlib.stage_results.RECORDED).
"""
import json
from pathlib import Path

import pytest

from kamlib.errors import KamError
from kamlib.stage_results import RECORDED
from kamlib.workbench import report, study

ROOT = Path(__file__).resolve().parents[1]
GINI = 0.66  # the identification's Gini in the fixture's values

#: The stages of the default study's notebooks the fixture leaves out (00_literature, 01_data_overview, 20_survey,
#: 25_reviews, 35_churn, 40_strategy, 45_personalisation), in the words of each edition, in the study's order
MISSING = {"en": "so its results for Literature, Identify, Understand, Segment, Evaluate and Act are missing",
           "zh": "缺少文献、识别、理解、细分、评估、行动的结果"}


@pytest.fixture
def partial(tmp_path):
    values: dict = {}
    for (stage, attribute), value in {("identify", "gini"): GINI, ("identify", "top_revenue_share"): 0.72,
                                      ("identify", "regularity_k"): 1.3, ("segment", "k"): 4}.items():
        nb, key = RECORDED[(stage, attribute)]
        values.setdefault(nb, {})[key] = value
    (tmp_path / "values").mkdir()
    (tmp_path / "tables").mkdir()
    for nb, vals in values.items():
        (tmp_path / "values" / f"{nb}.json").write_text(json.dumps(vals))
        (tmp_path / "tables" / f"t{nb}.csv").write_text("a,b\nx,1\n")
    stages = {RECORDED[("identify", "gini")][0]: "identify", RECORDED[("segment", "k")][0]: "segment"}
    manifest = {"artefacts": [{"id": f"t{nb}", "notebook": nb, "kind": "table", "path": f"tables/t{nb}.csv",
                               "files": []} for nb in values],
                "notebooks": {nb: {"stage": stages[nb], "parameters": {}} for nb in values}}
    default = study.load(ROOT / "studies" / "default.yaml")
    return manifest, tmp_path, default


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.slow
def test_a_partial_run_builds_and_names_what_is_missing(partial, language):
    manifest, folder, default = partial
    context = report.run_context(default)
    doc = report.outline(manifest, folder, language=language, texts=default.texts_for(language), context=context)
    evaluate = RECORDED[("evaluate", "top_share")][0]
    said = doc["author"]["discussion"]
    assert "evaluate.top_share" in said and evaluate in said and "texts.discussion" in said
    assert "{{" not in said
    # the summary and the limitations name the notebooks of the study that did not run, and their stages
    [finding] = [f for f in doc["summary"] if f.key == "partial_run"]
    assert evaluate in finding.text() and evaluate in doc["limitations"][0]
    assert MISSING[language] in finding.text()  # the stages in words, not their codes (identify, evaluate)
    page = report.render(manifest, folder, title="t", language=language, study_name="default", quick=True,
                         texts=default.texts_for(language), context=context)
    assert "data-finding='partial_run'" in page


@pytest.mark.slow
def test_a_whole_run_says_no_partial_run_and_fills_the_authors_text(partial):
    manifest, folder, default = partial
    context = dict(report.run_context(default), notebooks=list(manifest["notebooks"]))
    doc = report.outline(manifest, folder, language="en", texts={"discussion": "Gini {{ identify.gini }}."},
                         context=context)
    assert not [f for f in doc["summary"] if f.key == "partial_run"]
    assert doc["author"]["discussion"] == f"Gini {GINI:.3f}."  # an estimate, to three decimals


def test_a_placeholder_whose_notebook_ran_without_it_still_stops_the_build(partial):
    """A value its notebook ran and did not compute is the author's to fix (authors.fill's one sentence): the
    partial-run sentence is only for notebooks that did not run."""
    manifest, folder, _ = partial
    with pytest.raises(KamError, match="identify.key_accounts"):
        report.outline(manifest, folder, language="en", texts={"discussion": "{{ identify.key_accounts }}"})
