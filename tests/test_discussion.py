"""The generated discussion and section closings (issue 31, item 3): each claim's verdict follows its statistic,
a claim whose values were not recorded is "not tested", and the Chinese texts come from the catalogue.

The tests give what a run records (``{notebook: {key: value}}``, as ``values/*.json`` hold it) and read the sentences
through the typed stage results (kamlib.stage_results.recorded), as the report does (issue 47, item 1)."""

from __future__ import annotations

import pandas as pd
import pytest

from kamlib import stage_results
from kamlib.errors import KamError
from kamlib.workbench import discussion
from kamlib.stage_results import CONCENTRATION_FINDING


def _closing(stage, values, language="en", **kw):
    """The closing of ``stage`` from recorded values, as the report renders it."""
    return discussion.closing(stage, stage_results.recorded(values), language, **kw)


def _confront(values, **kw):
    kw.setdefault("claims", discussion.load_claims("data/literature/claims.csv"))  # the default study's register
    return discussion.confront(stage_results.recorded(values), **kw)


def _verdicts(values):
    return {c.id: c.verdict for c in _confront(values)}


def test_each_claim_follows_its_rule():
    v = {"10_key_accounts": {"top20_revenue_share": 0.45, "gini": 0.3},
         "40_strategy": {"capture_clv": 0.80, "capture_clv_ci": [0.75, 0.85], "capture_monetary": 0.70, "top_share": 0.2,
                         "customers_in_log": 100, "n_per_arm_planned_lift": 4912, "detectable_lift": 0.6},
         "35_churn": {"auc_logit": 0.55, "auc_telecom": 0.95}}
    got = _verdicts(v)
    assert got["C1"] == "disagrees" and got["C2"] == "agrees" and got["C3"] == "disagrees"
    assert got["C4"] == got["C5"] == "not tested in this run" and got["C6"] == "inconclusive"
    v["40_strategy"].update(capture_clv=0.69, capture_clv_ci=[0.64, 0.74])
    assert _verdicts(v)["C2"] == "inconclusive"  # the sort's 70% lies inside the CLV rule's interval
    v["40_strategy"].update(capture_clv_ci=[0.60, 0.68])
    assert _verdicts(v)["C2"] == "disagrees"
    # another data set's AUC (the telecom demonstration) never decides a claim about the company
    assert "0.550" in str(next(c for c in _confront(v) if c.id == "C3").evidence)
    evidence = str(next(c for c in _confront(v) if c.id == "C6").evidence)
    assert "4,912" in evidence and "60%" in evidence


def test_closings_state_numbers_and_skip_what_did_not_run():
    v = {"10_key_accounts": {"key_accounts": 845, "key_accounts_revenue_share": 0.7225, "top20_revenue_share": 0.7394,
                             "gini": 0.7087, "degenerate_models": ["BG/NBD"]}}
    en = _closing("identify", v)
    assert "845" in en[0] and "72.2%" in en[0] and any("BG/NBD" in s for s in en)
    assert _closing("act", v) == [] and _closing("evaluate", {}) == []
    zh = _closing("identify", v, "zh")
    assert all("英文原文" not in s for s in zh) and "845" in zh[0]


def test_every_claim_and_verdict_is_translated():
    rows = [c.row("zh") for c in _confront({})]
    assert rows and all("英文原文" not in " ".join(r.values()) for r in rows)


def test_a_register_naming_an_unknown_check_is_refused(tmp_path):
    path = tmp_path / "claims.csv"
    pd.DataFrame([{"id": "C9", "source": "S000", "location": "x", "claim": "y", "check": "astrology"}]).to_csv(path, index=False)
    with pytest.raises(KamError, match="astrology"):
        discussion.load_claims(path)


# ------------------------------------------------------------------------------------------- issue 47, item 4

import json
import re

#: Every value the discussion and the closings read, as a complete run records them (numbers made up here)
FULL = {
    "00_literature": {"n_sources": 12, "n_themes": 6, "mean_kappa": 0.81},
    "10_key_accounts": {"key_accounts": 845, "key_accounts_revenue_share": 0.7225, "top20_revenue_share": 0.7394,
                        "gini": 0.7087, "degenerate_models": ["BG/NBD"], "value_model": "BG/CNBD-k"},
    "20_survey": {"hypotheses_tested": 8, "hypotheses_supported": 5, "H6_real_supported": "yes",
                  "H6_real_estimate": 0.52, "real_survey_n": 250},
    "25_reviews": {"n_reviews": 10000},
    "30_segments": {"k_chosen": 4, "k_gap": 3, "k_silhouette": 4, "segment_0_revenue_share": 0.55,
                    "segment_1_revenue_share": 0.25, "segment_2_revenue_share": 0.15, "segment_3_revenue_share": 0.05,
                    "top_segment_customer_share": 0.3},
    "35_churn": {"auc_logit": 0.74, "auc_telecom": 0.9},
    "40_strategy": {"capture_clv": 0.62, "capture_clv_ci": [0.58, 0.66], "capture_monetary": 0.55, "top_share": 0.2,
                    "capture_clv_difference_ci": [0.03, 0.11], "capture_frequency": 0.52,
                    "capture_frequency_difference_ci": [-0.07, 0.01], "customers_in_log": 4000, "n_per_arm_planned_lift": 1500, "detectable_lift": 0.1,
                    "budget_optimal_incremental_clv": 1000.0},
    "45_personalisation": {"n_baskets": 18000, "n_rules": 313, "n_rules_significant": 120, "personalised_new_lift": 0.25,
                           "personalised_new_lift_ci": [0.1, 0.4], "personalised_new_verdict": "inconclusive",
                           "personalised_new_method": "itemcf", "personalised_claim_fact": "F001",
                           "personalised_claim": 0.2, "personalised_claim_measure": "click-through rate"},
}


def _with(nb, **changes):
    values = json.loads(json.dumps(FULL))
    values[nb].update(changes)
    return values


def _claim(values, check, language="en"):
    claims = discussion.load_claims("data/literature/claims.csv")  # the default study's register
    cid = claims.loc[claims["check"] == check, "id"].iloc[0]
    return next(c.row(language) for c in _confront(values) if c.id == cid)


def _act(values, language="en"):
    return " ".join(_closing("act", values, language))


@pytest.mark.parametrize("n, sig, said, unsaid", [
    (0, 0, "no offer can be drawn from rules", "drawn from them"),            # the quoted "0 of 0 rules"
    (5, 0, "None of the 5 cross-selling rules", "drawn from them"),
    (313, 313, "the significance test removes none of them", "313 of 313"),  # the test chose nothing
    (10, 3, "3 of 10 rules that survive the significance test", "removes none"),
])
def test_cross_selling_says_what_the_significant_rules_allow(n, sig, said, unsaid):
    values = {"45_personalisation": {"n_rules": n, "n_rules_significant": sig, "n_baskets": 1200}}
    en = _act(values)
    assert said in en and unsaid not in en
    assert ("can be drawn from them" in en) == (sig > 0)
    zh = _act(values, "zh")
    assert zh and "英文原文" not in zh and ("可据此设计推荐方案" in zh) == (sig > 0)


@pytest.mark.parametrize("lo, hi, recorded, word, verdict", [
    # the claim names click-through, the run measures hit rates: never "agrees" or "disagrees" (rule same_metric)
    (-0.667, 3.008, "inconclusive", "inconclusive", "not comparable"),  # the quoted +14.3% (-66.7% to +300.8%)
    (-0.5, -0.1, "no lift", "lowers", "not comparable"),
    (0.25, 0.6, "supports the claim", "raises the holdout hit rate by", "not comparable"),
    (-0.1, 0.6, "supports the claim", "inconclusive", "not comparable"),
])
def test_a_lift_whose_interval_includes_zero_reads_inconclusive_everywhere(lo, hi, recorded, word, verdict):
    values = _with("45_personalisation", personalised_new_lift=0.143, personalised_new_lift_ci=[lo, hi], personalised_new_verdict=recorded)
    row = _claim(values, "personalised_lift")
    assert row["verdict"] == verdict and word in row["evidence"]
    assert ("raises the holdout hit rate by" in row["evidence"]) == (lo > 0)  # a gain only above zero
    assert word in _act(values)
    zh_row, zh_act = _claim(values, "personalised_lift", "zh"), _act(values, "zh")
    if word == "inconclusive":
        assert "无法判断" in zh_row["evidence"] and "无法判断" in zh_act and "提高 +14%" not in zh_row["evidence"]
    assert "英文原文" not in " ".join(zh_row.values()) + zh_act


@pytest.mark.parametrize("share, verdict, word_en, word_zh", [
    (0.7394, "agrees", "so revenue is concentrated", "因此收入集中"),
    (0.45, "disagrees", "so revenue is not concentrated", "因此收入不集中"),
    (0.5, "disagrees", "so revenue is not concentrated", "因此收入不集中"),  # "most" is more than half
])
def test_the_concentration_claim_and_the_summary_use_one_verdict(share, verdict, word_en, word_zh):
    from kamlib.workbench import findings

    values = _with("10_key_accounts", top20_revenue_share=share)
    row, row_zh = _claim(values, "concentration"), _claim(values, "concentration", "zh")
    assert row["verdict"] == verdict and word_en in row["evidence"] and word_zh in row_zh["evidence"]
    manifest = {"notebooks": {"10_key_accounts": {"stage": "identify", "findings": [{
        "key": "concentration", "evidence": "ka_lorenz", "numbers": {
            "share": {"key": "top20_revenue_share", "kind": "share"}, "gini": {"key": "gini", "kind": "estimate"}},
        "template": CONCENTRATION_FINDING}]}}}
    en = findings.findings(manifest, values)[0].text()
    zh = findings.findings(manifest, values, "zh")[0].text()
    concentrated = share > 0.5
    assert en.startswith("Revenue is concentrated") == concentrated
    assert en.startswith("Revenue is not concentrated") == (not concentrated)
    assert zh.startswith("收入集中") == concentrated and zh.startswith("收入不集中") == (not concentrated)
    assert "高度" not in zh  # the rule says concentrated, not highly concentrated


def test_the_clv_claim_words_the_strategy_share_recorded():
    """strategy.top_share 0.1 is "the top 10%" in the discussion, never a fixed 20%."""
    values = _with("40_strategy", top_share=0.1)
    row = _claim(values, "clv_over_sort")
    assert "top 10% by CLV" in row["evidence"] and "top 10% by past revenue" in row["evidence"]
    assert "20%" not in row["evidence"] and "前 10%" in _claim(values, "clv_over_sort", "zh")["evidence"]
    assert any("top 10% by CLV" in s for s in _closing("evaluate", values))
    # without the recorded share the sentence is left out, not worded with a guess
    del values["40_strategy"]["top_share"]
    assert _claim(values, "clv_over_sort")["verdict"] == "not tested in this run"
    assert not any("by CLV" in s for s in _closing("evaluate", values))


#: Per closing stage, recorded values whose counted set is empty (0 rules, 0 key accounts, 0 hypotheses, an empty
#: segment among k, no sources, no customers), and what must not be said about it
EMPTY = {
    "literature": [{"00_literature": {"n_sources": 0, "n_themes": 0, "mean_kappa": 0.0}}],
    "identify": [{"10_key_accounts": {"key_accounts": 0, "key_accounts_revenue_share": 0.0,
                                      "top20_revenue_share": 0.6, "gini": 0.5}}],
    "segment": [{"30_segments": {"k_chosen": 4, "segment_0_revenue_share": 0.7, "segment_1_revenue_share": 0.2,
                                 "segment_2_revenue_share": 0.1}}],
    "understand": [{"20_survey": {"hypotheses_tested": 0, "hypotheses_supported": 0}, "25_reviews": {"n_reviews": 0}}],
    "act": [{"45_personalisation": {"n_rules": 0, "n_rules_significant": 0, "n_baskets": 1200}},
            {"45_personalisation": {"n_rules": 7, "n_rules_significant": 0, "n_baskets": 1200}}],
    "evaluate": [{"40_strategy": {"customers_in_log": 0, "n_per_arm_planned_lift": 1500, "detectable_lift": 0.5}}],
}
_ABOUT_NOTHING = [r"\b0 of 0\b", r"\bof 0\b", r"\bthe 0\b", r"\bThe 0\b", r"drawn from them", r"The 4 segments",
                  r"\b0 (key accounts?|rules?|hypothes[ie]s|segments?|sources|reviews|themes|customers)\b"]
_ABOUT_NOTHING_ZH = [r"(?<![\d.,])0 (个|条|名|篇)", r"可据此设计推荐方案", r"这 4 个细分群"]


def test_every_closing_builder_has_an_empty_set_case():
    assert set(EMPTY) == set(stage_results.STAGES)


@pytest.mark.parametrize("stage, values", [(s, v) for s, cases in EMPTY.items() for v in cases])
@pytest.mark.parametrize("simulated", [False, True])
def test_no_sentence_asserts_something_about_an_empty_set(stage, values, simulated):
    en = _closing(stage, values, survey_simulated=simulated)
    zh = _closing(stage, values, "zh", survey_simulated=simulated)
    for s in en:
        assert not [p for p in _ABOUT_NOTHING if re.search(p, s)], s
    for s in zh:
        assert "英文原文" not in s and not [p for p in _ABOUT_NOTHING_ZH if re.search(p, s)], s
    evidence = [str(c.evidence) for c in _confront(values)]
    for s in evidence:
        assert not [p for p in _ABOUT_NOTHING if re.search(p, s)], s


def test_an_empty_segment_and_no_key_account_are_said():
    seg = " ".join(_closing("segment", EMPTY["segment"][0]))
    assert "Only 3 of the 4 segments hold customers" in seg
    ident = " ".join(_closing("identify", EMPTY["identify"][0]))
    assert "no customer qualifies as a key account" in ident and "60.0%" in ident


def test_with_complete_values_every_stage_and_claim_has_its_sentences():
    for stage in stage_results.STAGES:
        assert _closing(stage, FULL, strict=True), stage
    assert all(c.verdict != "not tested in this run" for c in _confront(FULL, strict=True))


def test_a_sentence_whose_input_is_missing_raises_in_strict_mode():
    """The report leaves a sentence out when the run did not record its values (a notebook that did not run);
    a test runs strict, so a misspelt or unrecorded key is an error naming it, not a silently missing sentence."""
    partial = {"10_key_accounts": {"key_accounts": 5, "key_accounts_revenue_share": 0.4, "top20_revenue_share": 0.6}}
    assert not any("key accounts" in s for s in _closing("identify", partial))
    with pytest.raises(KamError, match=r"Identify\.gini \(gini of 10_key_accounts\)"):
        _closing("identify", partial, strict=True)
    with pytest.raises(KamError, match=r"Evaluate\.top_share \(top_share of 40_strategy\)"):
        _confront({k: v for k, v in _with("40_strategy", top_share=None).items()}, strict=True)
    assert _confront(FULL)[0].verdict == "agrees"  # strict is off again after an error
