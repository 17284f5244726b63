"""The methods chapter is written from what ran (issue 49, item 1): a paragraph per stage whose notebook ran, with the
run's own parameters, in both languages, citing works the reference list holds."""

import json

import ast

from kamlib import literature as lit
from kamlib import stage_results as sr
from kamlib.config import ROOT
from kamlib.workbench import methods

MANIFEST = {
    "artefacts": [{"id": "x", "versions": {"python": "3.11.7", "pandas": "3.1.1", "lifetimes": "0.11.3"}}],
    "notebooks": {
        "01_data_overview": {"parameters": {"transactions_currency": "GBP"}},
        "10_key_accounts": {"parameters": {"clv_models": ["bgnbd", "paretonbd"], "clv_calibration_start": "2010-12-01",
                                           "clv_calibration_end": "2011-06-30", "clv_holdout_end": "2011-12-09",
                                           "clv_unit": "W", "clv_horizon_months": 12, "clv_discount_rate": 0.1,
                                           "clv_bootstrap": 10, "tiers_key_share": 0.2, "tiers_rank_by": "profit"}},
        "45_personalisation": {"parameters": {"personalisation_methods": ["popularity", "itemcf"],
                                              "personalisation_min_support": 0.01, "personalisation_k": 10}},
    }}
VALUES = {"01_data_overview": {"n_rows": 121722, "n_customers": 1309},
          "10_key_accounts": {"key_accounts": 260, "value_model": "none"},
          "45_personalisation": {"n_baskets": 5508, sr.RECORDED[("act", "personalised_lift")][1]: -0.13}}


def _ran(attributes: dict) -> tuple[dict, dict]:
    """A manifest and values in which the notebooks that record these stage attributes ran and recorded them."""
    manifest, values = {"notebooks": {}}, {}
    for (stage, attribute), value in attributes.items():
        notebook, key = sr.RECORDED[(stage, attribute)]
        manifest["notebooks"].setdefault(notebook, {"parameters": {}})
        values.setdefault(notebook, {})[key] = value
    return manifest, values


def test_a_paragraph_per_stage_that_ran_with_its_parameters():
    ch = methods.chapter(MANIFEST, VALUES)
    assert [c["stage"] for c in ch] == ["data", "identify", "act", "software"]
    text = {c["stage"]: c["text"] for c in ch}
    assert "121,722 lines of 1,309 customers" in text["data"] and "GBP" in text["data"]
    ident = text["identify"]
    assert "ranked by gross profit" in ident and "BG/NBD and Pareto/NBD" in ident
    assert "(up to 2011-06-30, unit weeks)" in ident and "holdout period (2011-07-01 to 2011-12-09)" in ident  # from the day after
    assert "No model's top customers captured as much holdout revenue" in ident and "Gamma-Gamma" not in ident
    assert "item-based collaborative filtering" in text["act"]
    assert "Python 3.11.7" in text["software"] and "lifetimes 0.11.3" in text["software"]
    assert not any("Survey" in t for t in text.values())  # the survey did not run, so no survey method is described


def test_the_chinese_chapter_has_every_paragraph_in_chinese():
    zh = methods.chapter(MANIFEST, VALUES, "zh")
    assert len(zh) == 4
    assert all("(英文原文)" not in c["text"] for c in zh)
    assert "按毛利排序" in zh[1]["text"] and "基于物品的协同过滤" in zh[2]["text"]


def test_every_work_the_chapter_cites_is_in_the_bibliography():
    full = json.loads(json.dumps(MANIFEST))
    values = dict(VALUES)
    for nb, key in (("20_survey", "hypotheses_tested"), ("30_segments", "k_chosen"), ("35_churn", "auc_logit"),
                    ("40_strategy", "top_share")):
        full["notebooks"][nb] = {"parameters": {}}
        values[nb] = {key: 1}
    for stage, attribute in sr.RECORDED:  # every survey method and the evaluation's, as if each ran
        if (stage == "understand" or attribute in ("capture_past_revenue", "n_per_arm")) \
                and "(?P<id>" not in sr.RECORDED[(stage, attribute)][1] and not attribute.startswith("real"):
            nb, key = sr.RECORDED[(stage, attribute)]
            values.setdefault(nb, {})[key] = "WLSMV" if attribute == "estimator" else 1
    text = " ".join(c["text"] for c in methods.chapter(full, values))
    refs = lit.references(text)
    assert len(refs) >= 10 and all(r["key"] for r in refs), [r for r in refs if not r["key"]]


def test_the_methods_of_the_newer_stages_appear_when_they_ran():
    """The customer-value index, profit CLV, contractual retention and PLSpredict/IPMA (issue 50) each get their
    paragraph when the value they record was recorded, with their sources."""
    manifest, values = _ran({("identify", "value_index_overlap"): 0.9, ("identify", "profit_clv_total"): 1.0,
                             ("identify", "margin_basis"): "rate", ("identify", "retention_lr_pvalue"): 0.2,
                             ("understand", "real_predictive_power"): "medium"})
    manifest["notebooks"][sr.recorded_by("identify", "value_index_overlap")]["parameters"].update(
        value_index_weights="entropy", value_index_criteria={"revenue": "benefit"})
    text = " ".join(c["text"] for c in methods.chapter(manifest, values))
    for words in ("weighted by entropy weights", "TOPSIS", "Morris 1983", "Fader & Hardie 2007", "PLSpredict"):
        assert words in text
    assert all(r["key"] for r in lit.references(text))
    zh = methods.chapter(manifest, values, "zh")
    assert len(zh) == 4 and all("(英文原文)" not in c["text"] for c in zh) and "熵权法" in zh[0]["text"]


def test_the_identification_says_what_the_run_chose_not_what_the_study_asked():
    """A study that ranks by CLV gets past revenue when no model is chosen (Tiers falls back), and the paragraph says
    so; with a chosen model it names it, and the spend model only when the log has amounts."""
    manifest = json.loads(json.dumps(MANIFEST))
    manifest["notebooks"]["10_key_accounts"]["parameters"]["tiers_rank_by"] = "clv"
    text = {c["stage"]: c["text"] for c in methods.chapter(manifest, VALUES)}["identify"]
    assert "ranked by revenue" in text and "no lifetime value is used" in text
    values = {**VALUES, "10_key_accounts": {"key_accounts": 260, "value_model": "BG/CNBD-k", "gamma_gamma_p": 2.6}}
    text = {c["stage"]: c["text"] for c in methods.chapter(manifest, values)}["identify"]
    assert "ranked by CLV" in text and "The holdout chose BG/CNBD-k" in text and "Gamma-Gamma" in text
    values["10_key_accounts"].pop("gamma_gamma_p")
    text = {c["stage"]: c["text"] for c in methods.chapter(manifest, values)}["identify"]
    assert "Gamma-Gamma" not in text
    zh = {c["stage"]: c["text"] for c in methods.chapter(manifest, values, "zh")}["identify"]
    assert "验证期选中了 BG/CNBD-k" in zh and "(英文原文)" not in zh


def test_the_profit_paragraph_names_the_basis_the_run_used():
    rate = methods.chapter(*_ran({("identify", "profit_clv_total"): 1.0, ("identify", "margin_basis"): "rate"}))
    margin = methods.chapter(*_ran({("identify", "profit_clv_total"): 1.0, ("identify", "margin_basis"): "margin"}))
    rate, margin = rate[0]["text"], margin[0]["text"]
    assert "as a share of its amount" in rate and "that rate times" in rate
    assert "as a share of its amount" not in margin and "gross profit per purchase day is modelled" in margin


def test_the_chapter_reads_stage_attributes_and_names_no_notebook_and_no_value_key():
    """One owner (issue 49 follow-up 4): kamlib.stage_results.RECORDED says which notebook records which value; the
    methods chapter names stage attributes only (the strings it gives ``ran``), never a notebook or a value key."""
    tree = ast.parse((ROOT / "kamlib" / "workbench" / "methods.py").read_text(encoding="utf-8"))
    given = {id(a) for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "ran"
             for a in n.args}
    # the stage attributes that show an assumption was used (ASSUMED's used_by, checked against RECORDED below)
    given |= {id(c) for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Assumed"
              for k in n.keywords if k.arg == "used_by" for c in ast.walk(k.value) if isinstance(c, ast.Constant)}
    docstrings = {id(n.body[0].value) for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.FunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
               and id(n) not in given | docstrings}
    notebooks = {nb for nb, _ in sr.RECORDED.values()}
    keys = {key for _, key in sr.RECORDED.values()}
    assert not strings & (notebooks | keys), strings & (notebooks | keys)
    attributes = {a for _, a in sr.RECORDED}
    asked = {n.args[1].value for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "ran"}
    assert asked and asked <= attributes, asked - attributes


def _identify_run(**recorded) -> tuple[dict, dict]:
    """A run of the identification whose study fits three purchase models; ``recorded`` maps stage attributes of
    the identify stage to the values the run recorded."""
    manifest, values = _ran({("identify", k): v for k, v in recorded.items()})
    manifest["notebooks"][sr.recorded_by("identify", "key_accounts")]["parameters"].update(
        MANIFEST["notebooks"]["10_key_accounts"]["parameters"], clv_models=["bgnbd", "paretonbd", "mbgnbd"])
    return manifest, values


def test_a_log_without_amounts_gets_the_rule_and_measure_that_ran_and_no_paragraph_of_a_skipped_stage():
    """The examiner's marketplace log (issue: methods describe what ran): no amounts, so no concentration, the key
    accounts ranked by purchase days, the holdout comparison, the selection rules and the recommenders skipped."""
    manifest, values = _identify_run(key_accounts=15, rank_by="revenue", measure="purchase days",
                                     degenerate_models=["BG/NBD", "Pareto/NBD", "MBG/NBD"], dropout_evidence=False,
                                     dropout_recovered=0.0)
    manifest["notebooks"][sr.recorded_by("identify", "key_accounts")]["parameters"]["tiers_rank_by"] = "revenue"
    more_m, more_v = _ran({("evaluate", "top_share"): 0.2, ("evaluate", "n_per_arm"): 4912, ("act", "baskets"): 5015})
    manifest["notebooks"].update(more_m["notebooks"])
    values.update(more_v)
    text = {c["stage"]: c["text"] for c in methods.chapter(manifest, values)}
    ident = text["identify"]
    assert "ranked by purchase days" in ident and "ranked by revenue" not in ident
    assert "Concentration" not in ident and "Gini" not in ident  # concentration was skipped
    assert "holdout" not in ident  # the holdout comparison did not run: no choice is described
    assert "only 0% of the refits" in ident
    assert "holdout period's revenue" not in text["evaluate"] and "power analysis" in text["evaluate"]
    assert "Recommenders" not in text["act"] and "bootstrap" not in text["act"]
    zh = {c["stage"]: c["text"] for c in methods.chapter(manifest, values, "zh")}
    assert "按购买天数排序" in zh["identify"] and all("(英文原文)" not in t for t in zh.values())


def test_candidates_are_counted_and_a_model_rejected_by_the_evidence_check_gets_that_reason():
    """The examiner's B2B study: 381 candidates (channel: Corporate, Home Office) ranked by gross profit; BG/NBD beat
    past revenue on the holdout, but the evidence check (60% of refits, rule >= 80%) rejected every model: the
    paragraph says so, not that no model predicted the holdout well enough."""
    manifest, values = _identify_run(key_accounts=38, rank_by="profit", measure="gross profit", candidates=381,
                                     value_model="none", dropout_evidence=False, dropout_recovered=0.6,
                                     top_revenue_share=0.61, gini=0.6, degenerate_models=["Pareto/NBD"])
    manifest["notebooks"][sr.recorded_by("identify", "key_accounts")]["parameters"].update(
        tiers_key_share=0.1, tiers_candidates={"channel": ["Corporate", "Home Office"]})
    ident = methods.chapter(manifest, values)[0]["text"]
    assert "top 10% of the 381 candidates (channel: Corporate, Home Office) ranked by gross profit" in ident
    assert "only 60% of the refits recover the dropout probability (rule >= 80%)" in ident
    assert "because the log cannot identify dropout" in ident
    assert "No model predicted" not in ident and "captured as much holdout revenue" not in ident
    assert "Concentration is the revenue share" in ident
    zh = methods.chapter(manifest, values, "zh")[0]["text"]
    assert "381 名候选客户" in zh and "(英文原文)" not in zh  # customer is 客户 (one term per concept)


def test_each_survey_method_is_described_only_when_its_value_was_recorded():
    """The relationship-quality study (survey only): WLSMV, EFA with KMO and parallel analysis, item analysis,
    invariance, LMG drivers, IPA, NPS and group tests, each with its source, each only when recorded."""
    every = {"estimator": "WLSMV", "kmo": 0.84, "parallel_analysis_factors": 3, "items_analysed": 15,
             "invariance_level": "scalar", "driver_r2": 0.26, "ipa_drivers": 2, "nps": -12.1, "group_tests": 1}
    words = {"estimator": "WLSMV", "kmo": "Horn 1965", "items_analysed": "Kelley 1939",
             "invariance_level": "Cheung & Rensvold 2002", "driver_r2": "Lindeman, Merenda & Gold 1980; Grömping 2006",
             "ipa_drivers": "Martilla & James 1977", "nps": "Reichheld 2003", "group_tests": "Kruskal-Wallis"}
    base = {("understand", "hypotheses_tested"): 7}
    text = methods.chapter(*_ran({**base, **{("understand", k): v for k, v in every.items()}}))[0]["text"]
    for w in words.values():
        assert w in text, w
    assert all(r["key"] for r in lit.references(text)), [r for r in lit.references(text) if not r["key"]]
    bare = methods.chapter(*_ran(base))[0]["text"]
    assert not any(w in bare for w in words.values())
    ml = methods.chapter(*_ran({**base, ("understand", "estimator"): "ML"}))[0]["text"]
    assert "WLSMV" not in ml  # maximum likelihood on interval answers: no ordinal estimator is claimed
    zh = methods.chapter(*_ran({**base, **{("understand", k): v for k, v in every.items()}}), "zh")[0]["text"]
    assert "(英文原文)" not in zh and "Horn 1965" in zh


def _segments_ran(columns: dict, k: int = 5, k_gap: int = 7, k_sil: int = 2):
    manifest, values = _ran({("segment", "k"): k, ("segment", "k_gap"): k_gap, ("segment", "k_silhouette"): k_sil})
    manifest["notebooks"][sr.recorded_by("segment", "k")]["parameters"].update(
        segments_k_min=2, segments_k_max=8, segments_gap_refs=10, segments_stability_seeds=5,
        transactions_columns=columns)
    return manifest, values


def test_the_segments_k_rule_is_the_one_choose_k_applies_with_its_cut_off_and_sources():
    """Examiner's review, item 3: the run chose k = 5, neither the gap k (7) nor the silhouette k (2); the chapter
    states segments.choose_k's rule (the gap k when stable, else the best silhouette among k >= 3), its cut-off read
    from the function, and cites the gap statistic and the silhouette (both in methods.bib)."""
    from kamlib import verdicts

    cut = verdicts.RULES["segment_stability"].threshold  # choose_k's cut-off when none is passed
    text = " ".join(c["text"] for c in methods.chapter(*_segments_ran({"country": "Country"})))
    assert f"is at least {cut:.2f}" in text and "Tibshirani, Walther & Hastie 2001" in text and "Rousseeuw 1987" in text
    assert "the gap rule gives k = 7 and the highest silhouette k = 2" in text
    assert "so k = 5, the highest silhouette among the stable k (among k of at least 3 when none is stable), is chosen" \
        in text
    assert "read from the silhouette and the gap statistic" not in text
    assert all(r["key"] for r in lit.references(text)), [r for r in lit.references(text) if not r["key"]]
    stable = " ".join(c["text"] for c in methods.chapter(*_segments_ran({}, k=4, k_gap=4, k_sil=2)))
    assert "the gap rule's k = 4 is stable enough and is chosen" in stable
    zh = " ".join(c["text"] for c in methods.chapter(*_segments_ran({"country": "Country"}), "zh"))
    assert "(英文原文)" not in zh and "Rousseeuw 1987" in zh


def test_the_segments_sentence_names_only_the_columns_the_study_maps():
    """Examiner's review, item 4: a study that maps no country is not told its country was left out."""
    cols = {"customer": "Customer ID", "channel": "Segment", "category": "Category", "country": None}
    text = " ".join(c["text"] for c in methods.chapter(*_segments_ran(cols)))
    assert "The columns the study maps (channel and category) are left out of the features" in text
    assert "country" not in text
    only = " ".join(c["text"] for c in methods.chapter(*_segments_ran({"country": "Country", "channel": None})))
    assert "The columns the study maps (country)" in only and "channel" not in only and "category" not in only
    none = " ".join(c["text"] for c in methods.chapter(*_segments_ran({"customer": "id"})))
    assert "the study maps" not in none
    zh = " ".join(c["text"] for c in methods.chapter(*_segments_ran(cols), "zh"))
    assert "研究映射的列(渠道、品类)不作为聚类特征" in zh and "国家" not in zh


def _survey_ran(hypotheses: list, *, invariance: str | None = "scalar", cleaning: bool = True):
    attributes = {("understand", "hypotheses_tested"): len(hypotheses)}
    if invariance:
        attributes[("understand", "invariance_level")] = invariance
    manifest, values = _ran(attributes)
    nb = sr.recorded_by("understand", "hypotheses_tested")
    manifest["notebooks"][nb]["parameters"].update(survey_bootstrap=50, survey_hypotheses=hypotheses)
    if cleaning:  # as kamlib.survey.responses.Cleaned.limitation declares it and the run records it
        values[nb].update(n_raw=300, n_clean=272, n_removed=28, n_complete=246)
        manifest["notebooks"][nb]["limitations"] = [{"key": "survey_cleaning", "numbers": {
            "read": {"key": "n_raw", "kind": "count"}, "kept": {"key": "n_clean", "kind": "count"},
            "removed": {"key": "n_removed", "kind": "count"}, "complete": {"key": "n_complete", "kind": "count"},
            "rules": {"text": "9 by the rule 'failed attention check'; 10 by the rule 'speeder (under 90 seconds)'; "
                              "9 by the rule 'straight-lining'",
                      "text_zh": "依规则“未通过注意力检测题”剔除 9 名;依规则“作答过快(少于 90 秒)”剔除 10 名;"
                                 "依规则“直线作答(所有题目同一选项)”剔除 9 名"}}}]
    return manifest, values


RQ_HYPOTHESES = [{"id": "H1", "path": "CM ~ TR"}, {"id": "H6", "defined": "via_commitment", "test": "bootstrap"},
                 {"id": "H7", "interaction": {"path": "LOY ~ CM", "moderator": "SIZE", "level": "large"},
                  "moderation": {"path": "LOY ~ CM", "group": "SIZE", "focal": "large"}}]


def test_the_survey_methods_say_the_cleaning_the_complete_cases_the_mediation_and_both_moderation_tests():
    """Examiner's review, item 2: what ran in the relationship-quality survey, each only when it ran."""
    text = methods.chapter(*_survey_ran(RQ_HYPOTHESES))[0]["text"]
    assert ("Of the 300 respondents read, the cleaning rules removed 28 (9 by the rule 'failed attention check'; 10 by "
            "the rule 'speeder (under 90 seconds)'; 9 by the rule 'straight-lining'), leaving 272.") in text
    assert "use the 246 complete cases, who answered every item (listwise deletion)" in text
    assert "declared equations of the mediator and the outcome" in text and "from 50 bootstrap resamples" in text
    assert "Preacher & Hayes 2008" in text and "2/(B + 1)" in text
    assert "with HC3 standard errors" in text and "by a z test of the two estimates" in text
    assert all(r["key"] for r in lit.references(text)), [r for r in lit.references(text) if not r["key"]]
    zh = methods.chapter(*_survey_ran(RQ_HYPOTHESES), "zh")[0]["text"]
    assert "(英文原文)" not in zh and "依规则“未通过注意力检测题”剔除 9 名" in zh and "246 个完整个案" in zh
    # paths only, loadings not shown equal, nobody removed: none of these sentences
    paths = methods.chapter(*_survey_ran(RQ_HYPOTHESES[:1], cleaning=False))[0]["text"]
    assert "Preacher & Hayes" not in paths and "HC3" not in paths and "z test" not in paths
    assert "removed no respondent" in paths
    metric_not = methods.chapter(*_survey_ran(RQ_HYPOTHESES, invariance="configural"))[0]["text"]
    assert "HC3" in metric_not and "z test" not in metric_not  # the multi-group comparison did not run


def _evaluated(captures: dict) -> tuple[dict, dict]:
    """A run of the evaluation that scored the selection rules of ``captures`` (rule's first word -> holdout share),
    recorded as the run records them (kamlib.stage_results.RECORDED's pattern of the captures)."""
    import re

    manifest, values = _ran({("evaluate", "top_share"): 0.2})
    nb, pattern = sr.RECORDED[("evaluate", "captures")]
    values[nb].update({re.sub(r"\(\?P<id>[^)]*\)", rule, pattern): share for rule, share in captures.items()})
    return manifest, values


def test_the_evaluation_names_the_rankings_the_run_scored_with_the_value_index():
    """The rankings were a fixed list: a study with a customer-value index (TOPSIS) had its index scored and left out
    of the methods, and a run without a CLV rule was given one. The list is the rules the run recorded."""
    indexed = {"monetary": 0.5, "frequency": 0.4, "rfm": 0.45, "clv": 0.55, "value": 0.52, "random": 0.2}
    en = methods.chapter(*_evaluated(indexed))[0]["text"]
    assert en.startswith("Evaluation. Each ranking (past revenue, purchase frequency, RFM score, lifetime value, the "
                         "customer-value index (TOPSIS) and chance) is judged")
    zh = methods.chapter(*_evaluated(indexed), "zh")[0]["text"]
    assert "(历史收入、购买频次、RFM 得分、客户终身价值、客户价值指数(TOPSIS)、随机)" in zh and "(英文原文)" not in zh
    plain = methods.chapter(*_evaluated({"monetary": 0.5, "frequency": 0.4, "rfm": 0.45, "random": 0.2}))[0]["text"]
    assert "(past revenue, purchase frequency, RFM score and chance)" in plain
    assert "lifetime value" not in plain and "index" not in plain


def test_the_assumptions_show_the_title_tiers_and_rates_in_the_editions_words():
    """The title read "(title: en Key-account marketing ... and zh 电子商务...)", the Chinese edition named the tiers
    of strategy.uplift in English, and the rates printed as fractions (0.04)."""
    defaults = {"title": {"en": "Office supplies", "zh": "办公用品"},
                "strategy.uplift": {"Key account": 0.04, "Develop": 0.06}, "strategy.relative_lift": 0.2}
    manifest, values = _ran({("evaluate", "n_per_arm"): 4912, ("evaluate", "budget_incremental_clv"): 1200.0})
    en = methods.assumptions(manifest, defaults, "en", values=values)
    assert '(title: "Office supplies")' in en and "办公用品" not in en
    assert "(strategy.uplift: Key account 4% and Develop 6%)" in en and "(strategy.relative_lift: 20%)" in en
    zh = methods.assumptions(manifest, defaults, "zh", values=values)
    assert "(title: “办公用品”)" in zh and "Office supplies" not in zh
    assert "(strategy.uplift: 大客户 4%、培育客户 6%)" in zh and "Key account" not in zh


# ------------------------------------------------------------------ examiner's review of the superstore run (ex7)

def _margin_run(**recorded) -> tuple[dict, dict]:
    manifest, values = _ran({("identify", k): v for k, v in recorded.items()})
    manifest["notebooks"][sr.recorded_by("identify", "margin_basis")]["parameters"].update(
        clv_calibration_start="2019-01-01", clv_holdout_end="2022-12-31")
    return manifest, values


def test_the_margin_model_is_described_whenever_it_ran_and_clv_in_profit_only_when_it_was_stated():
    """Table 17 (the REML margin model) ran while no CLV was used (evidence check inconclusive), and the chapter said
    nothing of it: its paragraph hung on the CLV in profit. Now the margin model has its sentences whenever it ran,
    with its window and the spend it multiplies, and the CLV in profit only when the run stated one."""
    text = " ".join(c["text"] for c in methods.chapter(*_margin_run(margin_basis="rate")))
    assert text.startswith("Margins. Each purchase day's gross profit as a share of its amount")
    assert "restricted maximum likelihood on the purchase days from 2019-01-01 to 2022-12-31" in text
    assert "times the customer's own mean amount per purchase day" in text and "Morris 1983" in text
    assert "No lifetime value in profit is stated" in text and "Lifetime value in profit is" not in text
    clv = " ".join(c["text"] for c in methods.chapter(*_margin_run(margin_basis="rate", profit_clv_total=1.0,
                                                                   spend_shape=2.6)))
    assert "times the Gamma-Gamma expected spend per purchase" in clv and "Fader & Hardie 2013" in clv
    assert "Lifetime value in profit is the chosen purchase model's discounted expected purchases" in clv
    assert "No lifetime value in profit" not in clv
    assert all(r["key"] for r in lit.references(clv))
    zh = " ".join(c["text"] for c in methods.chapter(*_margin_run(margin_basis="margin"), "zh"))
    assert zh.startswith("毛利。") and "不给出以利润计的终身价值" in zh and "(英文原文)" not in zh


def test_the_spend_model_and_every_forecast_on_the_holdout_are_described_when_they_ran():
    """Table 15 set the purchase models beside gradient-boosted trees and two naive rules, with the Gamma-Gamma spend;
    the chapter named neither. The spend model is described when it was fitted (its recorded shape), the forecasts
    when the holdout comparison ran, and the revenue forecast uses the spend the run had."""
    recorded = dict(key_accounts=38, value_model="none", dropout_evidence=False, dropout_recovered=0.6,
                    dropout_verdict="inconclusive", degenerate_models=["Pareto/NBD"])
    ident = methods.chapter(*_identify_run(**recorded, spend_shape=0.54))[0]["text"]
    assert "Spend per purchase is modelled by the Gamma-Gamma model, fitted by maximum likelihood" in ident
    assert "its expected purchases times the Gamma-Gamma expected spend per purchase" in ident
    assert "gradient-boosted trees with a Poisson loss" in ident and "past revenue and recency" in ident
    assert "top 20% of customers capture" in ident  # the study's tiers.key_share
    plain = methods.chapter(*_identify_run(**recorded))[0]["text"]
    assert "Gamma-Gamma" not in plain and "mean revenue per purchase day in the calibration period" in plain
    not_compared = dict(recorded)
    del not_compared["value_model"]  # the holdout comparison did not run (no amounts): no forecast is described
    assert "gradient-boosted" not in methods.chapter(*_identify_run(**not_compared))[0]["text"]
    zh = methods.chapter(*_identify_run(**recorded, spend_shape=0.54), "zh")[0]["text"]
    assert "梯度提升树" in zh and "Gamma-Gamma 模型描述" in zh and "(英文原文)" not in zh


def test_the_trees_are_described_as_the_run_recorded_them_and_each_model_cites_its_source():
    """The holdout sentence said the gradient-boosted trees ran "left out, with a note, when the calibration period is
    too short", since no value said whether they ran. The run now records the customers they forecast (0: left out):
    the sentence says they ran, citing Friedman (2001), or that they were left out, and keeps the hedge only for a run
    that did not record it; the Gamma-Gamma sentence cites Fader & Hardie (2013). Every work it cites has an entry."""
    recorded = dict(key_accounts=38, value_model="none", dropout_evidence=True, dropout_recovered=0.9,
                    dropout_verdict="identified", spend_shape=0.54)
    ran = methods.chapter(*_identify_run(**recorded, ml_customers=300))[0]["text"]
    assert "gradient-boosted trees with a Poisson loss (Friedman 2001), trained to predict" in ran
    assert "left out" not in ran
    assert "mean spend per purchase in the calibration period (Fader & Hardie 2013)." in ran
    left = methods.chapter(*_identify_run(**recorded, ml_customers=0))[0]["text"]
    assert "the gradient-boosted trees are left out, with a note, because the calibration period is too short" in left
    assert "Friedman" not in left and "beside two rules without a model, past revenue and recency" in left
    unknown = methods.chapter(*_identify_run(**recorded))[0]["text"]  # a run from before the value was recorded
    assert "(left out, with a note, when the calibration period is too short to train them)" in unknown
    for text in (ran, left, unknown):
        refs = lit.references(text)
        assert all(r["key"] for r in refs), [r for r in refs if not r["key"]]
    assert {"fader2013", "friedman2001"} <= {r["key"] for r in lit.references(ran)}
    for ml in (300, 0):
        zh = methods.chapter(*_identify_run(**recorded, ml_customers=ml), "zh")[0]["text"]
        assert "(英文原文)" not in zh and "梯度提升树" in zh and "（Fader & Hardie 2013）" in zh
        assert ("（Friedman 2001）" in zh) == bool(ml) and ("无法训练" in zh) == (not ml)
        refs = lit.references(zh, style="gbt7714")
        assert all(r["key"] for r in refs) and ("friedman2001" in {r["key"] for r in refs}) == bool(ml)


def test_churn_says_the_random_split_and_the_test_part_with_the_share_of_the_code(monkeypatch):
    """35_churn fits the logistic regression on one random part of the customers and reports the AUC on the other
    (Table 25, 'on the test half'); the chapter said 'on the holdout'. The share is kamlib.churn.split's own."""
    import pandas as pd

    from kamlib import churn

    run = _ran({("segment", "churn_auc"): 0.757})
    text = methods.chapter(*run)[0]["text"]
    assert "split at random into a training part and a test part (each customer in the test part with probability " \
           "50%)" in text
    assert "logistic regression fitted on the training part" in text and "ROC curve on the test part" in text
    assert "ROC curve on the holdout" not in text

    def split(index, *, test_share: float = 0.3, seed: int = 0):
        return churn.Split(pd.Index(index), pd.Index(index))

    monkeypatch.setattr(churn, "split", split)  # the code's parameter, not a literal of the chapter
    assert "with probability 30%" in methods.chapter(*run)[0]["text"]
    zh = methods.chapter(*run, "zh")[0]["text"]
    assert "训练部分" in zh and "测试部分上的 ROC" in zh and "(英文原文)" not in zh


def test_the_recommenders_are_described_when_their_lift_was_recorded_without_a_claim():
    """A study without a claim on the lift (no strategy.basis.relative_lift fact) records the lift but no verdict:
    4 methods were compared and the chapter left them out."""
    manifest, values = _ran({("act", "baskets"): 3629, ("act", "personalised_lift"): -0.13,
                             ("act", "personalised_lift_ci"): [-0.27, 0.02]})
    manifest["notebooks"][sr.recorded_by("act", "baskets")]["parameters"].update(
        personalisation_methods=["popularity", "itemcf"], personalisation_k=10, personalisation_bootstrap=200)
    assert sr.recorded(values).act.personalised_verdict is None
    text = methods.chapter(manifest, values)[0]["text"]
    assert "Recommenders (popularity and item-based collaborative filtering)" in text and "200 bootstrap" in text
    rules_only = methods.chapter(*_ran({("act", "baskets"): 3629}))[0]["text"]
    assert "Recommenders" not in rules_only


def test_the_wlsmv_sentence_says_the_estimates_are_kamlibs_checked_against_lavaan():
    text = methods.chapter(*_ran({("understand", "hypotheses_tested"): 7, ("understand", "estimator"): "WLSMV"}))[0]
    assert "kamlib's own implementation of lavaan's WLSMV" in text["text"] and "lavaan 0.6 (Rosseel 2012)" in \
        text["text"] and "as lavaan computes them" not in text["text"]
    assert all(r["key"] for r in lit.references(text["text"]))
    zh = methods.chapter(*_ran({("understand", "hypotheses_tested"): 7, ("understand", "estimator"): "WLSMV"}),
                         "zh")[0]["text"]
    assert "kamlib 自己对 lavaan 的 WLSMV 的实现" in zh


# ------------------------------------------------------------------------------ assumptions the run used

def test_every_assumption_names_a_study_key_and_what_shows_it_was_used():
    """One owner: ASSUMED says each key's words and the analyses that take it; each stage attribute is one the
    mapping records, each demonstration one the workbench knows, each key one the schema has."""
    from kamlib.workbench import demonstrations
    from kamlib.workbench.study import Study

    assert set(methods.workbook_defaults(Study.model_validate({}))) == set(methods.ASSUMED)
    for key, assumed in methods.ASSUMED.items():
        assert assumed.en and assumed.zh
        for use in assumed.used_by:
            assert use in demonstrations.KINDS if isinstance(use, str) else use in sr.RECORDED, (key, use)
        assert bool(assumed.used_by) == (key.partition(".")[0] not in ("title", "texts")), key


def _superstore_assumptions(**more) -> tuple[dict, dict]:
    """The superstore's run: churn and the test plan ran; no simulated campaign (demonstrations off) and no budget
    split (no model values the customers)."""
    manifest, values = _ran({("segment", "churn_auc"): 0.757, ("evaluate", "n_per_arm"): 4912, **more})
    for rec in manifest["notebooks"].values():
        rec["parameters"].update(strategy_experiment_source="simulated", strategy_basis={}, report_demonstrations="off")
        rec["demonstrations"] = []
    return manifest, values


def test_a_default_is_listed_only_when_an_analysis_that_takes_it_ran():
    """The superstore's Assumptions named the simulated campaign's key-account lift and the budget split's uplift,
    though neither ran (demonstrations off, no CLV); and a survey's speeder cut-off left to the workbook was not named."""
    from kamlib.workbench.study import Study

    defaults = methods.workbook_defaults(Study.model_validate({}))
    manifest, values = _superstore_assumptions()
    said = methods.assumptions(manifest, defaults, values=values)
    for key in ("segments.cost_missed_churner: 50", "strategy.baseline_conversion: 8%", "strategy.relative_lift: 20%",
                "texts.background", 'title: "'):
        assert key in said, key
    assert "strategy.key_extra_lift" not in said and "strategy.uplift" not in said and "survey" not in said
    # the simulated campaign ran (a demonstration), and the budget split (its incremental CLV recorded)
    manifest["notebooks"][sr.recorded_by("evaluate", "n_per_arm")]["demonstrations"] = ["campaign"]
    values[sr.recorded_by("evaluate", "n_per_arm")][sr.RECORDED[("evaluate", "budget_incremental_clv")][1]] = 900.0
    both = methods.assumptions(manifest, defaults, values=values)
    assert "(strategy.key_extra_lift: 15%)" in both and "(strategy.uplift: Key account 4%" in both
    # a real campaign's plan uses its control arm's conversion: the assumed baseline is not used
    real_m, real_v = _superstore_assumptions()
    real_m["notebooks"][sr.recorded_by("evaluate", "n_per_arm")]["parameters"]["strategy_experiment_source"] = "c.csv"
    assert "baseline_conversion" not in methods.assumptions(real_m, defaults, values=real_v)
    # no churn model ran: its costs are not named (30_segments takes them as parameters but uses neither)
    seg_m, seg_v = _ran({("segment", "k"): 5})
    assert methods.assumptions(seg_m, {"segments.cost_missed_churner": 50.0}, values=seg_v) is None
    # the survey ran with the workbook's speeder cut-off
    survey_m, survey_v = _ran({("understand", "hypotheses_tested"): 3})
    assert "(survey.min_seconds: 120)" in methods.assumptions(survey_m, {"survey.min_seconds": 120.0}, values=survey_v)
    zh = methods.assumptions(manifest, defaults, "zh", values=values)
    assert "模拟活动中大客户的额外提升" in zh and "(英文原文)" not in zh


def test_the_relationship_quality_studys_assumptions_are_its_background_only():
    """The survey study sets its title, its bootstrap and its speeder cut-off (90 s); the rest of the survey's keys
    are the size of a computation the chapter states, not assumptions about the case: only the background is the
    workbook's."""
    from kamlib.config import ROOT
    from kamlib.workbench.study import load

    study = load(ROOT / "studies" / "relationship_quality.yaml", quick=True)
    manifest, values = _survey_ran(RQ_HYPOTHESES)
    said = methods.assumptions(manifest, methods.workbook_defaults(study), values=values)
    assert said.startswith("Assumptions. The study file does not set the background and research questions "
                           "(texts.background);")
    assert "survey." not in said and "title" not in said


# ------------------------------------------------------------------- the examiner's default study (items 5 and 20)

def _chosen_run(**recorded) -> tuple[dict, dict]:
    """The default study's identification: BG/NBD, Pareto/NBD and BG/CNBD-k fitted in weeks, BG/CNBD-k chosen on the
    holdout, the evidence check passed, the Gamma-Gamma spend model fitted."""
    base = dict(key_accounts=260, value_model="BG/CNBD-k", dropout_evidence=True, dropout_recovered=1.0,
                dropout_verdict="identified", degenerate_models=["BG/NBD", "Pareto/NBD"], spend_shape=2.67)
    manifest, values = _identify_run(**{**base, **recorded})
    manifest["notebooks"][sr.recorded_by("identify", "key_accounts")]["parameters"].update(
        clv_models=["bgnbd", "paretonbd", "bgcnbd"], tiers_rank_by="revenue")
    return manifest, values


def test_the_evidence_check_says_whose_dropout_it_simulated():
    """Examiner item 5: the check passed on logs simulated with CDNOW's dropout, as the log's own BG/NBD finds none;
    the methods said "simulated from the fit". The sentence names the dropout the simulation used, from the models
    the run recorded as identifying no dropout, with the numbers of the one owner (kamlib.clv.evidence)."""
    from kamlib.clv.evidence import CDNOW_DROPOUT

    borrowed = methods.chapter(*_chosen_run(dropout_unidentified=["BG/NBD", "Pareto/NBD"]))[0]["text"]
    cdnow = f"the dropout of the CDNOW customers (a = {CDNOW_DROPOUT['a']}, b = {CDNOW_DROPOUT['b']}"
    assert cdnow in borrowed and "since the log's own BG/NBD finds no dropout: it can (100%" in borrowed
    assert "not that this log's own dropout is identified" in borrowed
    assert "simulated from the fit" not in borrowed
    own = methods.chapter(*_chosen_run(dropout_unidentified=[]))[0]["text"]
    assert "simulated from the log's own BG/NBD fit: it can" in own and "CDNOW" not in own
    unknown = methods.chapter(*_chosen_run())[0]["text"]  # a run that did not record its BG/NBD fit's dropout
    assert "when that fit finds no dropout" in unknown and "not that this log's own dropout" not in unknown
    failed = methods.chapter(*_chosen_run(dropout_unidentified=["BG/NBD"], dropout_evidence=False,
                                          dropout_recovered=0.4, dropout_verdict="not identified"))[0]["text"]
    assert cdnow in failed and "only 40% of the refits" in failed and "not that this log's own" not in failed
    zh = methods.chapter(*_chosen_run(dropout_unidentified=["BG/NBD", "Pareto/NBD"]), "zh")[0]["text"]
    assert "CDNOW 客户的流失(a = 0.793" in zh.replace("（", "(") and "并不说明本日志自身的流失已被识别" in zh
    assert "(英文原文)" not in zh


def test_the_units_and_the_refit_that_values_the_customers_are_stated():
    """Examiner item 20: the parameters' time unit, and that CLV at the log's end comes from the chosen model refitted
    on the whole log (tiers.customer_value), not from the calibration fit of the key numbers."""
    ident = methods.chapter(*_chosen_run())[0]["text"]
    assert "Their scale parameters (alpha and the Pareto/NBD's beta) are in weeks" in ident
    assert ("Lifetime value and P(alive) at the log's end come from BG/CNBD-k and Gamma-Gamma fitted again to the "
            "whole log (from 2010-12-01 to 2011-12-09), not from the calibration-period fit") in ident
    manifest, values = _chosen_run(spend_shape=None)
    manifest["notebooks"]["10_key_accounts"]["parameters"].update(clv_models=["bgnbd"], clv_unit="D")
    plain = methods.chapter(manifest, values)[0]["text"]
    assert "Their scale parameters (alpha) are in days" in plain and "come from BG/CNBD-k fitted again" in plain
    unchosen = methods.chapter(*_chosen_run(value_model="none"))[0]["text"]
    assert "fitted again to the whole log" not in unchosen  # no model values the customers: nothing is refitted
    zh = methods.chapter(*_chosen_run(), "zh")[0]["text"]
    assert "以周为单位" in zh and "重新拟合的 BG/CNBD-k、Gamma-Gamma" in zh and "(英文原文)" not in zh


def test_the_value_index_says_how_it_combines_its_weights():
    """Examiner item 20: "combined" AHP and entropy weights are multiplied and renormalised
    (kamlib.value_index.combine, the default), or mixed linearly by value_index.ahp_share; the chapter says which."""
    import pandas as pd

    from kamlib.value_index import combine

    w = combine(pd.Series({"a": 0.6, "b": 0.4}), pd.Series({"a": 0.6, "b": 0.4}))  # the rule the sentence states
    assert round(float(w["a"]), 4) == round(0.36 / (0.36 + 0.16), 4)

    def index(**parameters):
        manifest, values = _ran({("identify", "value_index_overlap"): 0.98})
        manifest["notebooks"][sr.recorded_by("identify", "value_index_overlap")]["parameters"].update(parameters)
        return next(c["text"] for c in methods.chapter(manifest, values) if c["text"].startswith("Customer-value"))

    product = index(value_index_weights="combined", value_index_combination="product")
    assert "combined multiplicatively: each criterion's AHP weight times its entropy weight, renormalised" in product
    linear = index(value_index_weights="combined", value_index_combination="linear", value_index_ahp_share=0.3)
    assert "combined linearly: 30% of each criterion's AHP weight plus 70% of its entropy weight" in linear
    assert "combined multiplicatively" not in index(value_index_weights="ahp") and "linearly" not in index(
        value_index_weights="entropy")
    manifest, values = _ran({("identify", "value_index_overlap"): 0.98})
    manifest["notebooks"][sr.recorded_by("identify", "value_index_overlap")]["parameters"].update(
        value_index_weights="combined", value_index_combination="product")
    zh = " ".join(c["text"] for c in methods.chapter(manifest, values, "zh"))
    assert "两种权重以乘法组合" in zh and "(英文原文)" not in zh
