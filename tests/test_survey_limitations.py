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


# --------------------------------------------------------- the survey's computed limitations (kamlib's results, unit)

def _rq():
    from kamlib.config import DATA
    from kamlib.survey import instrument

    return instrument.load(DATA / "survey" / "relationship_quality.yaml")


def test_the_cleaning_counts_read_removed_and_complete_add_up_and_name_their_rules():
    from kamlib.survey import responses as sd

    inst = _rq()
    cleaned = sd.clean(sd.simulate(inst, 150, seed=20240601), inst, min_seconds=90)
    assert cleaned.n_read == 150 and cleaned.n_read == len(cleaned.data) + cleaned.n_removed
    assert cleaned.n_removed == int(cleaned.report["removed"].iloc[-1]) > 0
    assert cleaned.n_complete == int(cleaned.data[inst.items].notna().all(axis=1).sum()) < len(cleaned.data)
    said, zh = str(cleaned.removed_by()), cleaned.removed_by().translate("zh")
    by_rule = {str(r["rule"]): int(r["removed"]) for _, r in cleaned.report.iloc[1:-1].iterrows() if r["removed"]}
    for rule, n in by_rule.items():  # every rule that removed someone, with its count, in both languages
        assert f"{n} by the rule '{rule}'" in said
    assert zh and "剔除" in zh and "attention" not in zh and zh.count("依规则") == len(by_rule)
    assert sum(int(x) for x in __import__("re").findall(r"(\d+) by the rule", said)) == cleaned.n_removed


def test_an_inadmissible_common_latent_factor_says_what_made_it_so():
    import importlib

    from kamlib.i18n import Message

    invariance = importlib.import_module("kamlib.survey.invariance")  # the module (survey.invariance is a function)
    bound = invariance.CommonMethod(pd.DataFrame(), pd.DataFrame(), 0.0, 0.0, "", status="inadmissible",
                                    reason=Message("a negative variance of {what}", "phrase", what="LOY"))
    assert bound.reason.translate("zh") == "LOY 的方差为负"
    # the check itself on answers where the method factor sits on its zero bound (the relationship-quality study)
    from kamlib.survey import responses as sd

    inst = _rq()
    data = sd.clean(sd.simulate(inst, 300, seed=20240601), inst, min_seconds=90).data
    clf = invariance.common_method_factor(data, inst.constructs, points=inst.points)  # as the notebook: WLSMV
    assert clf.status == "inadmissible" and "stay at zero, largest" in str(clf.reason)
    assert "方法因子的标准化载荷停留在零" in clf.reason.translate("zh")
    admissible = invariance.common_method_factor(data, inst.constructs)  # ML: the factor takes some variance
    assert (admissible.reason == "") == (admissible.status != "inadmissible")


def test_each_significant_group_difference_is_one_sentence_with_its_statistic_p_effect_and_cut_off():
    from kamlib import survey

    rng = __import__("numpy").random.default_rng(3)
    industry = pd.Series(["retail", "energy", "finance"] * 60)
    scores = pd.DataFrame({"LOY": rng.normal(0, 1, 180) + (industry == "energy") * 0.8,
                           "SAT": rng.normal(0, 1, 180)})
    table = survey.compare_many(scores, industry, ["SAT", "LOY"])
    assert list(table["n"]) == [180, 180]
    rows = survey.group_differences(table, "INDUSTRY", alpha=0.05)
    loy = next(r for r in rows if r["variable"] == "LOY")
    assert (loy["df1"], loy["df2"], loy["tests"], loy["hypotheses"]) == (2, 177, 2, [])
    assert loy["pvalue"] == pytest.approx(float(table.set_index("variable").loc["LOY", "anova_pvalue"]))
    said = sr.group_difference_sentence(loy)
    assert said is not None
    text = str(said)
    assert f"F(2, 177) = {loy['statistic']:.2f}" in text and "below α = 0.05" in text
    assert f"η² = {loy['effect_size']:.3f}" in text and "exploratory: no hypothesis declares" in text
    assert "INDUSTRY" in said.translate("zh") and "探索性" in said.translate("zh")
    # the cut-off is the study's: the same difference at a stricter level is not said
    assert sr.group_difference_sentence(dict(loy, alpha=loy["pvalue"] / 2)) is None
    # a grouping a hypothesis names (a multi-group moderation) is named, and still not a tested hypothesis
    named = str(sr.group_difference_sentence(dict(loy, hypotheses=["H7"])))
    assert "H7 compares a path across these groups, not their means" in named
    two = survey.group_differences(survey.compare_two(scores, industry.where(industry != "finance"), ["LOY"]), "X")
    assert two[0]["test"] == "Welch t" and two[0]["df1"] is None and "Hedges' g" in str(
        sr.group_difference_sentence(dict(two[0], pvalue=0.001)))
    # the understand section's closing says each significant one, or that none is
    values = {"20_survey": {"group_differences_industry": rows}}
    closing = [str(m) for m in sr.closing("understand", sr.recorded(values))]
    assert sum("differs across the groups" in m for m in closing) == sum(r["pvalue"] < 0.05 for r in rows) >= 1
    calm = [dict(r, pvalue=0.5) for r in rows]
    [none] = [str(m) for m in sr.closing("understand", sr.recorded({"20_survey": {"group_differences_x": calm}}))]
    assert none.startswith("None of the 2 comparisons") and "α = 0.05" in none


def test_the_relationship_quality_model_names_the_grouping_of_its_moderation():
    from kamlib.survey import research_model
    import yaml

    study = yaml.safe_load(open("studies/relationship_quality.yaml", encoding="utf-8"))
    rm = research_model.declare(study["survey"]["model"], study["survey"]["hypotheses"], constructs=_rq().constructs)
    assert rm.grouped_by("SIZE") == ["H7"] and rm.grouped_by("INDUSTRY") == []


# ------------------------------------------------------------- one quick run of the relationship-quality study

@pytest.fixture(scope="module")
def rq_report(tmp_path_factory):
    import os

    from kamlib.workbench import report, runner
    from kamlib.config import ROOT

    reports = tmp_path_factory.mktemp("rq") / "reports"
    old = os.environ.get("KAM_REPORTS_DIR")
    os.environ["KAM_REPORTS_DIR"] = str(reports)
    try:
        [outcome] = runner.run(ROOT / "studies" / "relationship_quality.yaml", quick=True)
        assert outcome.status == "ran", outcome.message
        report.build(ROOT / "studies" / "relationship_quality.yaml", quick=True)
    finally:
        if old is not None:
            os.environ["KAM_REPORTS_DIR"] = old
        else:
            os.environ.pop("KAM_REPORTS_DIR", None)
    return reports / "relationship_quality-quick"


def _page(folder, name):
    import html
    import re

    text = (folder / name).read_text(encoding="utf-8")
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


@pytest.mark.notebook
def test_the_survey_run_states_its_computed_limitations(rq_report):
    import json

    manifest = json.loads((rq_report / "manifest.json").read_text())
    v = json.loads((rq_report / "values" / "20_survey.json").read_text())
    said = {s["key"] for s in manifest["notebooks"]["20_survey"]["limitations"]}
    assert v["parallel_analysis_factors"] != v["constructs"] == 4 and "survey_factors" in said
    assert v["clf_status"] == "inadmissible" and "survey_clf_inadmissible" in said
    assert v["n_raw"] > v["n_clean"] > v["n_complete"] and "survey_cleaning" in said
    en, zh = _page(rq_report, "index.html"), _page(rq_report, "index.zh.html")
    assert (f"Of the {v['n_raw']} survey respondents read (simulated responses), {v['n_clean']} are analysed: the "
            f"cleaning rules removed {v['n_removed']} (") in en
    assert f"the factor and structural models use the {v['n_complete']} who answered every item" in en
    assert f"retains {v['parallel_analysis_factors']} factors for the 4 constructs the instrument declares" in en
    assert "Parallel analysis (Horn 1965)" in en and "common-latent-factor model of common-method bias is inadmissible" in en
    assert f"读入的 {v['n_raw']} 名问卷受访者" in zh and f"保留 {v['parallel_analysis_factors']} 个因子" in zh
    assert "共同潜因子模型不可接受" in zh and "依规则“未通过注意力检测题”剔除" in zh
    import re  # the Chinese edition cites the works of the limitations by their number (GB/T 7714), as the others
    assert re.search(r"平行分析\(Horn \[\d+\]", zh) and re.search(r"较弱的检验\(Podsakoff 等 \[\d+\]", zh)


@pytest.mark.notebook
def test_the_discussion_says_each_significant_group_difference(rq_report):
    import json

    v = json.loads((rq_report / "values" / "20_survey.json").read_text())
    rows = [r for k, got in v.items() if k.startswith("group_differences_") for r in got]
    significant = [r for r in rows if r["pvalue"] < r["alpha"]]
    assert {(r["question"], r["variable"]) for r in significant} >= {("INDUSTRY", "LOY")}  # the examiner's ANOVA
    assert all(r["alpha"] == pytest.approx(0.05) for r in rows)  # the level of the study's hypothesis tests
    en, zh = _page(rq_report, "index.html"), _page(rq_report, "index.zh.html")
    for r in significant:
        assert f"{r['variable']} differs across the groups of the answer {r['question']}" in en
        assert f"{r['variable']} 在回答 {r['question']} 的各组之间存在差异" in zh
    loy = next(r for r in significant if r["question"] == "INDUSTRY" and r["variable"] == "LOY")
    assert (f"one-way ANOVA F({loy['df1']}, {loy['df2']}) = {loy['statistic']:.2f}, p = {loy['pvalue']:.3f}, below "
            f"α = 0.05; η² = {loy['effect_size']:.3f}); exploratory") in en
    assert "英文原文" not in zh
