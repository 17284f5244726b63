"""What an examiner found in the relationship-quality survey report (quick run, HEAD 4d5a2d4): limitations the run
could compute but did not state (the cross-sectional design, listwise deletion, the constructs the EFA merges), a key
number that hid the complete cases, NPS in three decimals, multi-group headers by group codes, a reverse-coded item
shown with its original wording, composite reliability cited to the PLS-SEM primer, "as lavaan computes them" for
numbers kamlib computes, and an importance-performance map of an outcome with two drivers.

Unit tests (fast); the notebook's own run is checked in tests/test_survey_limitations.py (its module-scoped quick run).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kamlib import survey
from kamlib.errors import KamError
from kamlib.i18n import gettext

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rq():
    """The relationship-quality instrument and its quick run's cleaned answers (300 read, seed 20240601)."""
    from kamlib.survey import instrument
    from kamlib.survey import responses as sd

    inst = instrument.load(ROOT / "data" / "survey" / "relationship_quality.yaml")
    return inst, sd.clean(sd.simulate(inst, 300, seed=20240601), inst, min_seconds=90)


# ------------------------------------------------------------------------------------- 1a the cross-sectional design

def test_a_survey_with_one_answer_per_respondent_and_no_time_point_states_its_design(rq):
    from kamlib.survey.responses import CROSS_SECTIONAL, Cleaned

    inst, cleaned = rq
    assert cleaned.data["respondent_id"].is_unique and cleaned.cross_sectional
    template, numbers = cleaned.design_limitation(source="simulated responses")
    assert template == CROSS_SECTIONAL and numbers == {"source": "simulated responses"}
    assert "associations, not causal effects" in template and "common-method variance (Podsakoff et al. 2003)" in template
    zh = gettext(template, "finding")
    assert zh and "横截面" in zh and "（" in zh and "Podsakoff 等 2003" in zh
    # answers with time points (a wave, or the same respondent twice) are not cross-sectional: no such sentence
    waves = Cleaned(cleaned.data.assign(wave=1), cleaned.report, cleaned.missing_items, cleaned.n_read,
                    cleaned.n_complete)
    twice = Cleaned(pd.concat([cleaned.data, cleaned.data.head(3)]), cleaned.report, cleaned.missing_items,
                    cleaned.n_read, cleaned.n_complete)
    assert waves.design_limitation(source="x") is None and twice.design_limitation(source="x") is None


# ------------------------------------------------------------------------------------------ 1b listwise deletion

def test_listwise_deletion_states_the_share_it_leaves_out_its_assumption_and_the_fix(rq):
    from kamlib.survey.responses import LISTWISE, Cleaned

    inst, cleaned = rq
    complete = int(cleaned.data[inst.items].dropna().shape[0])  # pandas' listwise deletion, by hand
    assert (cleaned.n_complete, len(cleaned.data)) == (complete, 272) == (246, 272)
    assert cleaned.incomplete_share == pytest.approx(26 / 272) == pytest.approx(0.0956, abs=5e-5)  # 9.6%
    template, numbers = cleaned.listwise_limitation(share=cleaned.incomplete_share, complete=246, kept=272,
                                                    source="simulated responses")
    assert template == LISTWISE and set(numbers) == {"share", "complete", "kept", "source"}
    for words in ("missing completely at random", "full-information maximum likelihood", "multiple imputation",
                  "fewer answers missing"):
        assert words in template
    zh = gettext(template, "finding")
    assert zh and "完全随机缺失" in zh and "多重插补" in zh and "{share}" in zh
    # said only when someone analysed skipped an item
    whole = Cleaned(cleaned.data.dropna(subset=inst.items), cleaned.report, cleaned.missing_items,
                    cleaned.n_read, cleaned.n_complete)
    assert whole.incomplete_share == 0 and whole.listwise_limitation(share=0, complete=246, kept=246,
                                                                     source="x") is None


# ------------------------------------------------------------------- 1c the constructs the EFA merges: one owner

def test_the_constructs_the_efa_merges_are_one_result_the_note_and_the_limitation_read():
    loads = pd.DataFrame({"item": ["a1", "a2", "b1", "b2", "c1", "c2"],
                          "F1": [0.8, 0.7, 0.75, 0.3, 0.1, 0.0], "F2": [0.1, 0.0, 0.1, 0.1, 0.7, 0.8]})
    constructs = {"A": ["a1", "a2"], "B": ["b1", "b2"], "C": ["c1", "c2"]}
    found = survey.efa_structure(loads, constructs)
    assert found.merged == (("A", "B"),) and found.groups == "A + B" and found.split == ()
    assert (found.n_factors, found.n_constructs) == (2, 3)
    assert f"the items of {found.groups} load most on one factor" in found.note
    matched = survey.efa_structure(loads.assign(F3=[0, 0, 0.9, 0.8, 0, 0]), constructs)
    assert matched.note is None and matched.merged == () and matched.groups == ""


def test_the_parallel_analysis_limitation_names_the_merged_constructs_from_the_efas_result():
    source = "".join("".join(c["source"]) for c in
                     json.loads((ROOT / "notebooks" / "20_survey.ipynb").read_text(encoding="utf-8"))["cells"])
    assert "merged=agreement.groups" in source and "agreement = survey.efa_structure(" in source
    template = ("Parallel analysis (Horn 1965), which sets the observed eigenvalues against the {quantile} quantile of "
                "the eigenvalues of random data, retains {factors} factors for the {constructs} constructs the "
                "instrument declares ({source}), and the exploratory factor analysis puts the items of {merged} on "
                "one factor, so it does not reproduce the declared structure; the confirmatory model and HTMT test "
                "the declared constructs instead.")
    import re

    said = ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))) for m in
            re.finditer(r'art\.limitation\("survey_factors", ((?:"(?:[^"\\]|\\.)*"\s*)+)', source)]
    assert template in said and len(said) == 2  # with the merged constructs, and without (factors that split)
    assert "{merged} 的题项归入同一个因子" in gettext(template, "finding")


# ---------------------------------------------------------------------------------------- 2 both key numbers

def test_the_key_numbers_say_the_respondents_analysed_and_the_complete_cases():
    source = "".join("".join(c["source"]) for c in
                     json.loads((ROOT / "notebooks" / "20_survey.ipynb").read_text(encoding="utf-8"))["cells"])
    assert 'art.record("n_clean", len(data), kind="count", label="Survey respondents analysed (after cleaning)")' \
        in source
    assert 'art.record("n_complete", cleaned.n_complete, kind="count", label="Complete cases used by the models")' \
        in source
    assert gettext("Survey respondents analysed (after cleaning)", "key_number") == "纳入分析的问卷受访者（清洗后）"
    assert gettext("Complete cases used by the models", "key_number") == "模型使用的完整个案"


# ------------------------------------------------------------------------------------- 3 NPS on its own scale

def test_nps_is_shown_in_points_from_minus_100_to_100_with_one_decimal(tmp_path):
    from kamlib.workbench.report import table_cells

    answers = pd.Series([10] * 65 + [8] * 107 + [3] * 98)  # 24.1% promoters, 36.3% detractors
    got = survey.nps(answers)
    assert got.nps == pytest.approx(100 * (65 - 98) / 270) and -100 <= got.nps_ci_lower < got.nps_ci_upper <= 100
    csv = tmp_path / "survey_nps.csv"
    pd.DataFrame([{"segment": "all", **got.as_dict()}]).to_csv(csv, index=False)
    for language, head in (("en", "NPS (%)"), ("zh", "NPS(%)")):
        heads, [row], _, _ = table_cells(csv, language)
        assert heads[1] == head
        cells = dict(zip(heads, row))
        assert row[1] == f"{got.nps:.1f}" == "-12.2"  # one decimal, the scale's points
        assert all(len(c.split(".")[1]) == 1 for c in row[1:7])  # SE, interval and shares alike
        assert row[5] == "24.1" and row[6] == "36.3"  # promoters and detractors in percent
        assert cells[heads[-1]] == "270"


# --------------------------------------------------------------------------- 4 the groups by their names

def test_multigroup_headers_name_the_groups_as_the_study_does(tmp_path):
    from kamlib.i18n import name_codes
    from kamlib.workbench.artefacts import _names
    from kamlib.workbench.report import table_cells

    table = pd.DataFrame({"outcome": ["LOY"], "predictor": ["CM"], "estimate_small": [0.26], "se_small": [0.10],
                          "estimate_large": [0.29], "se_large": [0.10], "difference": [0.03]})
    name_codes({"small": {"en": "Small accounts", "zh": "小客户"}, "large": {"en": "Large accounts", "zh": "大客户"}})
    names = _names(table)  # as the table's manifest entry keeps them
    assert names["small"] == {"en": "Small accounts", "zh": "小客户"} and "large" in names
    csv = tmp_path / "survey_group_paths.csv"
    table.to_csv(csv, index=False)
    en = table_cells(csv, "en", names=names)[0]
    zh = table_cells(csv, "zh", names=names)[0]
    assert en[2:6] == ["Estimate (Small accounts)", "SE (Small accounts)", "Estimate (Large accounts)",
                       "SE (Large accounts)"]
    assert zh[2:6] == ["估计值(小客户)", "标准误(小客户)", "估计值(大客户)", "标准误(大客户)"]
    assert not [h for h in en + zh if "small" in h or "large" in h]


# -------------------------------------------------------------------- 5 the Likert chart says what its bars show

def test_a_reverse_coded_item_is_labelled_as_its_bars_show_it(rq):
    inst, cleaned = rq
    assert inst.reverse_items == ["TR4"]
    en, zh = inst.item_labels("en", reverse_coded=True), inst.item_labels("zh", reverse_coded=True)
    assert en["TR4"] == "TR4: We need to check this supplier's deliveries carefully. (reverse-coded)"
    assert zh["TR4"] == "TR4:我们需要仔细核查该供应商的每次交货。（反向计分）"
    assert en["TR1"] == inst.item_labels("en")["TR1"] and "反向" not in zh["TR1"]
    assert inst.item_labels("en")["TR4"].endswith("carefully.")  # the questionnaire's own wording, unmarked
    assert inst.figure_terms("zh", reverse_coded=True)[en["TR4"]] == zh["TR4"]
    # the bars are the cleaned answers: reverse-coded (points + 1 - answer)
    raw = cleaned.data["TR4"]
    assert raw.between(1, inst.points).all() or raw.isna().any()
    source = "".join("".join(c["source"]) for c in
                     json.loads((ROOT / "notebooks" / "20_survey.ipynb").read_text(encoding="utf-8"))["cells"])
    assert 'items=inst.item_labels("en", reverse_coded=True)' in source
    assert 'terms=inst.figure_terms("zh", reverse_coded=True)' in source


# -------------------------------------------------------------- 6 composite reliability's source: not the PLS primer

def test_cb_sem_composite_reliability_is_cited_to_fornell_and_larcker_and_pls_keeps_hair():
    from kamlib import verdicts
    from kamlib.survey import research_model

    cr, rho_c = verdicts.RULES["composite_reliability"], verdicts.RULES["rho_c"]
    assert cr.source.startswith("Fornell & Larcker (1981)") and "Nunnally & Bernstein (1994)" in cr.source
    assert "Hair" not in cr.source and cr.threshold == rho_c.threshold == 0.70
    assert rho_c.source == "Hair et al. (2022)"  # the PLS-SEM assessment's rho_c (kamlib.survey.pls)
    assert gettext(cr.statistic, "rule") == "组合信度" and gettext(cr.source, "rule")
    rm = research_model.declare("SAT ~ PQ\nLOY ~ SAT", [{"id": "H1", "path": "SAT ~ PQ", "statement": {"en": "x"}}])
    rel = pd.DataFrame({"construct": ["PQ", "SAT", "LOY"], "alpha": [0.8] * 3,
                        "composite_reliability": [0.62, 0.8, 0.8], "ave": [0.6] * 3})
    rows = pd.DataFrame({"hypothesis": ["H1"], "supported": ["yes"]})
    with verdicts.applying() as applied:
        [said] = research_model.qualify(rows, rm, reliability=rel)["qualification"]
    assert "Fornell & Larcker (1981); Nunnally & Bernstein (1994)" in said and "Hair" not in said
    assert "composite_reliability" in applied and "rho_c" not in applied  # the appendix lists the rule applied


# ------------------------------------------------------------------- 7 what kamlib computes, and what checks it

def test_the_wlsmv_sentences_say_kamlib_computes_as_lavaan_and_the_tests_check_it():
    text = (ROOT / "kamlib" / "survey" / "invariance.py").read_text(encoding="utf-8")  # the invariance and common-latent-factor verdicts
    assert "as lavaan computes them" not in text
    assert text.count("computed as in lavaan (Rosseel 2012) and checked ") == 3
    for msgid in ("{verdict} The {points}-point answers are fitted as ordinal (WLSMV, thresholds held equal at the "
                  "scalar level; Wu & Estabrook 2016), each step's difference test scaled and shifted (Satorra 2000), "
                  "computed as in lavaan (Rosseel 2012) and checked against it in the workbook's tests.",
                  "{verdict} Both models are fitted to the ordinal answers by WLSMV, the difference test scaled and "
                  "shifted (Satorra 2000), computed as in lavaan (Rosseel 2012) and checked against it in the "
                  "workbook's tests."):
        assert "并在本工作簿的测试中与 lavaan 核对" in gettext(msgid, "note")
    # the claim is true: the tests compare these fits with lavaan's
    reference = (ROOT / "tests" / "test_r_reference.py").read_text(encoding="utf-8")
    assert "def test_ordinal_invariance_by_multigroup_wlsmv_equals_lavaans" in reference
    assert "def test_common_method_factor_on_ordinal_answers_equals_lavaans_wlsmv" in reference


# ------------------------------------------------------- 8 the key-driver and IPA outcome: the study may name it

def test_the_study_names_the_outcome_of_its_key_drivers_and_importance_performance_map():
    from kamlib.survey.research_model import declare
    from kamlib.workbench.study import load

    rq = load(ROOT / "studies" / "relationship_quality.yaml")
    rm = declare(rq.survey.model, [h.model_dump() for h in rq.survey.hypotheses])
    assert rq.survey.driver_outcome == "LOY" and rm.driver_outcome == "SAT"  # the most predicted, 2 drivers
    assert rm.key_outcome(rq.survey.driver_outcome) == "LOY"
    assert {a for a, b in rm.paths if b == "LOY"} == {"SAT", "CM"}  # and TR through them: 3 drivers on the map
    default = load(ROOT / "studies" / "default.yaml")  # the default study's outcome does not change
    drm = declare(default.survey.model, [h.model_dump() for h in default.survey.hypotheses])
    assert default.survey.driver_outcome is None and drm.key_outcome(default.survey.driver_outcome) == "SAT"
    with pytest.raises(KamError, match=r"survey.driver_outcome is 'TR', which no path of survey.model predicts; "
                                       r"name one of CM, SAT, LOY"):
        rm.key_outcome("TR")


def test_a_driver_outcome_the_model_does_not_predict_is_a_study_error(tmp_path):
    import yaml

    from kamlib.workbench.study import load

    spec = yaml.safe_load((ROOT / "studies" / "relationship_quality.yaml").read_text(encoding="utf-8"))
    spec["survey"]["driver_outcome"] = "TR"
    path = tmp_path / "rq.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(Exception, match="survey.driver_outcome is 'TR'"):
        load(path)
