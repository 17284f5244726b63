"""What an examiner found unsaid in the reports of two studies unlike the default (issue 48, examiner's read): the
relationship-quality study (studies/relationship_quality.yaml: a declared model TR, CM, SAT, LOY, account size as a
moderator) and a B2B export without a survey (tests/exports.py ``superstore``).

Unit tests first (fast); the notebook tests share one module-scoped quick run of the relationship-quality study."""

from __future__ import annotations

import re

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
@pytest.mark.slow
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
    assert T["background_no_hypotheses"] in text and "texts.background" in text  # the workbook's framing, said so
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
    assert two[0]["test"] == "Welch t" and two[0]["df2"] is None and "Hedges' g" in str(
        sr.group_difference_sentence(dict(two[0], pvalue=0.001)))
    # no hypothesis declares a difference of means, so none is a finding: the understand section's closing (the
    # research question's answer) says none of them, and the table's caption labels them exploratory, with their number
    values = {"20_survey": {"group_differences_industry": rows}}
    assert sum(r["pvalue"] < 0.05 for r in rows) >= 1
    assert not [str(m) for m in sr.closing("understand", sr.recorded(values))]
    from kamlib.survey.groups import exploratory_note

    note = exploratory_note(rows)
    assert str(note).startswith("Exploratory: no hypothesis declares") and "these 2 tests" in str(note)
    below = sum(r["pvalue"] < 0.05 for r in rows)  # counted uncorrected and after Holm's correction for the 2 tests
    assert f"p is below α = 0.05 in {below} of them uncorrected, and in " in str(note) and "Holm" in str(note)
    assert "探索性" in note.translate("zh")


def test_welch_t_is_reported_with_its_welch_satterthwaite_df():
    """APA: a statistic with its degrees of freedom; Welch's df by hand (Welch-Satterthwaite), as scipy gives them."""
    import numpy as np

    from kamlib import survey

    rng = np.random.default_rng(5)
    group = pd.Series(["a"] * 40 + ["b"] * 25)
    scores = pd.DataFrame({"LOY": np.r_[rng.normal(0, 1, 40), rng.normal(0.9, 2.5, 25)]})
    table = survey.compare_two(scores, group, ["LOY"])
    a, b = scores.loc[group == "a", "LOY"], scores.loc[group == "b", "LOY"]
    va, vb = a.var() / len(a), b.var() / len(b)
    by_hand = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    assert table["welch_df"].iloc[0] == pytest.approx(by_hand) and by_hand < len(a) + len(b) - 2
    [row] = survey.group_differences(table, "SIZE")
    assert row["df1"] == pytest.approx(by_hand) and row["df2"] is None
    said = sr.group_difference_sentence(dict(row, pvalue=0.01))
    assert f"Welch's t({by_hand:.1f}) = {row['statistic']:.2f}" in str(said)
    assert f"Welch t({by_hand:.1f})" in said.translate("zh")
    # a row recorded before the df were: the statistic without them, never "t(None)"
    assert "Welch's t = " in str(sr.group_difference_sentence(dict(row, pvalue=0.01, df1=None)))


@pytest.mark.parametrize("p, shown", [(0.0029, "p = 0.003"), (0.0004, "p < 0.001"), (0.0494, "p = 0.049"),
                                      (0.0497, "p = 0.0497"), (0.04996, "p < 0.05")])
def test_a_significant_p_never_prints_as_the_level(p, shown):
    """p = 0.0497 is below α = 0.05, and '0.050, below α = 0.05' would contradict itself."""
    row = {"question": "INDUSTRY", "variable": "LOY", "test": "ANOVA", "statistic": 3.1, "df1": 2, "df2": 269,
           "pvalue": p, "effect": "eta_squared", "effect_size": 0.02, "n": 272, "alpha": 0.05, "hypotheses": [],
           "tests": 3}
    said = sr.group_difference_sentence(row)
    assert f"{shown}, below α = 0.05" in str(said) and "p = 0.050" not in str(said)
    assert shown in said.translate("zh")


def test_the_cleaning_limitation_is_worded_by_kamlib_for_each_case():
    """Cleaned.limitation picks the sentence (removed and incomplete, removed only, incomplete only, none), each with
    its Chinese; the counts the notebook binds are the ones its fields name."""
    from kamlib.i18n import gettext
    from kamlib.survey import responses as sd

    inst = _rq()
    cleaned = sd.clean(sd.simulate(inst, 150, seed=20240601), inst, min_seconds=90)
    numbers = dict(read=("n_raw", "count"), kept=("n_clean", "count"), removed=("n_removed", "count"),
                   complete=("n_complete", "count"), source="simulated responses")
    template, fields = cleaned.limitation(**numbers)
    assert "removed {removed} ({rules})" in template and "{complete}" in template
    assert set(fields) == {"read", "source", "kept", "removed", "rules", "complete"}
    assert str(fields["rules"]) == str(cleaned.removed_by())
    data = cleaned.data
    complete = data[data[inst.items].notna().all(axis=1)]
    cases = {"removed only": sd.Cleaned(complete, cleaned.report, cleaned.missing_items, n_read=cleaned.n_read,
                                        n_complete=len(complete)),
             "incomplete only": sd.Cleaned(data, cleaned.report, cleaned.missing_items, n_read=len(data),
                                           n_complete=cleaned.n_complete),
             "none": sd.Cleaned(complete, cleaned.report, cleaned.missing_items, n_read=len(complete),
                                n_complete=len(complete))}
    removed_only, _ = cases["removed only"].limitation(**numbers)
    incomplete_only, fields = cases["incomplete only"].limitation(**numbers)
    assert "{removed}" in removed_only and "{complete}" not in removed_only
    assert "{removed}" not in incomplete_only and set(fields) == {"read", "source", "kept", "complete"}
    assert cases["none"].limitation(**numbers) is None
    for t in (template, removed_only, incomplete_only):
        assert gettext(t, "finding", "zh"), t


def test_the_rules_that_removed_respondents_are_found_by_what_they_are_not_where_they_stand():
    from kamlib.survey import responses as sd

    inst = _rq()
    cleaned = sd.clean(sd.simulate(inst, 150, seed=20240601), inst, min_seconds=90)
    said = str(cleaned.removed_by())
    shuffled = cleaned.report.iloc[[len(cleaned.report) - 1] + list(range(1, len(cleaned.report) - 1)) + [0]]
    moved = sd.Cleaned(cleaned.data, shuffled.reset_index(drop=True), cleaned.missing_items, n_read=cleaned.n_read,
                       n_complete=cleaned.n_complete)
    assert str(moved.removed_by()) == said and "all rules" not in said and "set to missing" not in said
    assert str(cleaned.report["rule"].iloc[0]) == sd.SET_TO_MISSING
    assert str(cleaned.report["rule"].iloc[-1]) == sd.ALL_RULES.format(n=cleaned.n_read)


def test_the_parallel_analysis_sentence_quotes_the_quantile_it_used():
    import inspect
    import json
    from pathlib import Path

    from kamlib.i18n import gettext
    from kamlib.survey import factors

    assert inspect.signature(factors.parallel_analysis).parameters["quantile"].default == factors.PARALLEL_QUANTILE
    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "20_survey.ipynb").read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert "quantile=PARALLEL_QUANTILE)" in source and 'quantile=f"{PARALLEL_QUANTILE:g}"' in source
    sentence = source[source.index('art.limitation("survey_factors"'):]
    assert "95th" not in sentence[:sentence.index("source=src)")]
    assert "len(raw)" not in source and 'art.record("n_raw", cleaned.n_read)' in source
    template = ("Parallel analysis (Horn 1965), which sets the observed eigenvalues against the {quantile} quantile of "
                "the eigenvalues of random data, retains {factors} factors for the {constructs} constructs the "
                "instrument declares ({source}), so the exploratory factor analysis does not reproduce the declared "
                "structure; the confirmatory model and HTMT test the declared constructs instead.")
    assert " ".join(template.split()) in " ".join(re.sub(r'"\s*\n\s*"', "", sentence).split())
    assert "{quantile} 分位数" in gettext(template, "finding", "zh")


def test_the_run_files_of_sources_and_claims_have_one_owner(monkeypatch):
    """report.sources and discussion.register find the study's file through one helper (discussion.run_file)."""
    from kamlib.workbench import discussion, report

    manifest = {"notebooks": {"a": {"parameters": {"seed": 1, "transactions_source": "x.csv"}},  # a log: claims shown
                              "b": {"parameters": {"literature_sources": "data/literature/sources.csv",
                                                   "literature_claims": "data/literature/claims.csv"}}}}
    asked = []
    real = discussion.run_file
    monkeypatch.setattr(discussion, "run_file", lambda m, key: asked.append(key) or real(m, key))
    assert not report.sources(manifest).empty and not discussion.register(manifest).empty
    assert asked == ["literature_sources", "literature_claims"]
    assert discussion.run_file({"notebooks": {}}, "literature_claims") is None


def test_the_background_has_one_wording_built_from_its_two_parts():
    from kamlib.workbench import report

    for language in ("en", "zh"):
        T = report.report_text(language)
        assert "background_text" not in T  # the outline words it: the run's questions + the run's hypotheses
        assert T["background_hypotheses"]


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
    assert "Parallel analysis (Horn, 1965)" in en and "common-latent-factor model of common-method bias is inadmissible" in en
    assert "against the 0.95 quantile of the eigenvalues of random data" in en and "0.95 分位数" in zh
    assert f"读入的 {v['n_raw']} 名问卷受访者" in zh and f"保留 {v['parallel_analysis_factors']} 个因子" in zh
    assert "共同潜因子模型不可接受" in zh and "依规则“未通过注意力检测题”剔除" in zh
    import re  # the Chinese edition cites the works of the limitations by their number (GB/T 7714), as the others
    assert re.search(r"平行分析[(（]Horn \[\d+\]", zh) and re.search(r"较弱的检验[(（]Podsakoff 等 \[\d+\]", zh)


@pytest.mark.notebook
def test_an_undeclared_group_difference_is_no_finding_and_its_table_says_exploratory(rq_report):
    """The examiner's case: LOY by INDUSTRY (ANOVA p = 0.003), which no hypothesis declares and the simulating
    model does not have, was the discussion's only substantive sentence. It is exploratory: not in the summary, the
    closing or the research question's answer; its table's caption says so, with the number of tests, uncorrected."""
    import json

    v = json.loads((rq_report / "values" / "20_survey.json").read_text())
    rows = [r for k, got in v.items() if k.startswith("group_differences_") for r in got]
    significant = [r for r in rows if r["pvalue"] < r["alpha"]]
    assert {(r["question"], r["variable"]) for r in significant} >= {("INDUSTRY", "LOY")}  # the examiner's ANOVA
    assert all(r["alpha"] == pytest.approx(0.05) for r in rows)  # the level of the study's hypothesis tests
    en, zh = _page(rq_report, "index.html"), _page(rq_report, "index.zh.html")
    assert "differs across the groups" not in en and "的各组之间存在差异" not in zh  # the old closing, in both
    manifest = json.loads((rq_report / "manifest.json").read_text())
    caption = next(a["caption"] for a in manifest["artefacts"] if a["id"] == "survey_groups_industry")
    industry = [r for r in rows if r["question"] == "INDUSTRY"]
    assert f"Exploratory: no hypothesis declares a difference between these groups' means, so these {len(industry)} " \
           "tests are not findings; p is below α = 0.05 in 1 of them uncorrected, and in 1 after a Holm correction " \
           f"for the {len(industry)} tests: Loyalty (p = 0.00" in caption["en"]  # LOY by INDUSTRY survives (examiner)
    assert "by chance" not in caption["en"] and "Holm 校正后仍有 1 项" in caption["zh"]
    assert "探索性" in caption["zh"] and "Industry" in caption["en"]  # the instrument's label, not the code
    assert "英文原文" not in zh


@pytest.mark.notebook
def test_the_survey_run_states_its_design_missing_answers_and_reads_its_tables_in_words(rq_report):
    """The examiner's read of the quick run (tests/test_survey_report_read.py has the unit tests): the design and
    listwise deletion as limitations, the merged constructs named, both key numbers, NPS in points, the groups by
    name, the reverse-coded item marked, CR cited to Fornell & Larcker, and the map of loyalty with its quadrants."""
    import json
    import re

    manifest = json.loads((rq_report / "manifest.json").read_text())
    v = json.loads((rq_report / "values" / "20_survey.json").read_text())
    part = manifest["notebooks"]["20_survey"]
    said = {s["key"]: s for s in part["limitations"]}
    assert {"survey_design", "survey_listwise", "survey_factors"} <= set(said)
    assert v["incomplete_share"] == pytest.approx(1 - v["n_complete"] / v["n_clean"], abs=1e-4)
    assert said["survey_factors"]["numbers"]["merged"]["text"] == "TR + SAT"  # as the body's EFA note
    labels = {k["key"]: k["label"] for k in part["key_numbers"]}
    assert labels["n_clean"] == "Survey respondents analysed (after cleaning)"
    assert labels["n_complete"] == "Complete cases used by the models"
    en, zh = _page(rq_report, "index.html"), _page(rq_report, "index.zh.html")
    share = f"{100 * v['incomplete_share']:.1f}%"
    assert f"listwise deletion leaves out the {share} who skipped an item" in en and "完全随机缺失" in zh
    assert "The survey is cross-sectional (simulated responses)" in en and "横截面调查" in zh
    assert "puts the items of TR + SAT on one factor" in en and "TR + SAT 的题项归入同一个因子" in zh
    assert f"Complete cases used by the models {v['n_complete']}" in en and "模型使用的完整个案" in zh
    assert "NPS (%)" in en and f"All {v['nps']:.1f} " in en  # one decimal, the scale's points
    assert "Estimate (Small accounts)" in en and "Estimate (small)" not in en
    assert re.search(r"估计值[(（]小客户[)）]", zh) and "估计值(small)" not in zh
    assert "(reverse-coded)" in (rq_report / "figures" / "survey_likert.svg").read_text()  # TR4's bars, reversed
    assert "composite reliability >= 0.7 Fornell and Larcker (1981); Nunnally and Bernstein (1994)" in en
    assert "composite reliability rho_c" not in en  # the PLS-SEM primer's rule is not applied to this CB-SEM
    assert "as lavaan computes them" not in en and "checked against it in the workbook's tests" in en
    ipa = pd.read_csv(rq_report / "tables" / "survey_ipa.csv")
    assert set(ipa["driver"]) == {"TR", "CM", "SAT"} and ipa["quadrant"].notna().all()  # loyalty, 3 drivers
    assert "Importance-performance analysis of Loyalty" in en and "The quadrants are not named" not in en


@pytest.mark.notebook
def test_the_examiners_report_b_items_on_the_quick_run(rq_report):
    """Examiner's report B, items 2, 7, 12, 20, 23 and 31 on the quick run of the relationship-quality study."""
    import json

    manifest = json.loads((rq_report / "manifest.json").read_text())
    v = json.loads((rq_report / "values" / "20_survey.json").read_text())
    part = manifest["notebooks"]["20_survey"]
    en, zh = _page(rq_report, "index.html"), _page(rq_report, "index.zh.html")
    # 2: no transaction-log claim, rule or introduction in a survey-only report
    assert not {"concentration", "dropout_recovery"} & set(part["verdicts"])
    assert "Kim et al." not in en and "not tested in this run" not in en and "literature_claims.csv" not in en
    assert "revenue share of the top 20%" not in en and "BG/NBD refit" not in en
    # 7: B = 50 < 1,000 and the scores' estimate beside the latent one, in both editions
    said = {s["key"] for s in part["limitations"]}
    assert {"mediation_resamples_h6", "mediation_scores_h6"} <= said
    assert v["mediation_resamples_h6_n_boot"] == 50 and v["mediation_resamples_h6_enough"] == 1000
    assert "H6 is decided by a percentile bootstrap of 50 resamples, fewer than the 1,000" in en
    assert "百分位自助法" in zh and "百分位 bootstrap" not in zh
    # 12: the exploratory captions count uncorrected and Holm-corrected tests; none explains an empty set
    captions = {a["id"]: a["caption"] for a in manifest["artefacts"]}
    assert "by chance" not in en and "Holm correction" in captions["survey_groups_industry"]["en"]
    # 20: the two H7 tests say why they differ; the interaction names both groups
    assert "Large accounts against Small accounts" in en and "are different estimators" in en
    assert "不同的估计量" in zh
    # 23: the NPS groups by label, no raw code
    assert "小客户（small）" not in zh and "大客户（large）" not in zh and "Small accounts (small)" not in en
    nps = next(a for a in manifest["artefacts"] if a["id"] == "survey_nps")
    assert {"Small accounts", "Large accounts"} <= set(pd.read_csv(rq_report / nps["path"])["segment"])
    assert {nps["cells_zh"].get("Small accounts"), nps["cells_zh"].get("Large accounts")} == {"小客户", "大客户"}
    # 31: every reliability statistic on the CFA's complete cases, said in the caption
    rel = pd.read_csv(rq_report / next(a["path"] for a in manifest["artefacts"] if a["id"] == "survey_reliability"))
    assert set(rel["n"]) == {v["n_complete"]}
    assert f"every statistic on the {v['n_complete']:,} complete cases the CFA uses" in captions["survey_reliability"]["en"]
