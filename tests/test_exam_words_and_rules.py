"""Words follow numbers and verdicts read registered rules (the examiner's marketplace and B2B reports): the
closing on degenerate fits names the measure the tiers used, an empty lifecycle check is one sentence, a tier caption
states the share the key accounts actually are, and the AUC bands, the recommendation's "no lift" and the window's
evidence level are rules of kamlib.verdicts with their sources."""

import inspect

import numpy as np
import pandas as pd

from kamlib import lifecycle, literature as lit, stage_results as sr, tiers, verdicts
from kamlib.act.recommend import claim_check
from kamlib.churn import AUC_RULES, auc_verdict
from kamlib.workbench import discussion


def test_the_degenerate_fit_closing_names_the_measure_not_past_revenue():
    values = {"10_key_accounts": {"degenerate_models": ["BG/NBD", "Pareto/NBD"],
                                  sr.RECORDED[("identify", "measure")][1]: "purchase days"}}
    text = " ".join(discussion.closing("identify", discussion.stage_results(values)))
    assert "rank by purchase days" in text and "past revenue" not in text
    zh = " ".join(discussion.closing("identify", discussion.stage_results(values), "zh"))
    assert "购买天数" in zh and "历史收入" not in zh


def test_an_empty_lifecycle_check_is_one_sentence_and_a_full_one_none():
    tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-03-01"])})
    nobody = lifecycle.came_back(pd.Series(["new", "new"], index=["a", "b"]), tx, after="2024-01-31", until="2024-06-30")
    assert nobody["customers"].sum() == 0
    said = lifecycle.came_back_empty(nobody, after="2024-01-31")
    assert "called no customer at risk or churned on 2024-01-31" in str(said)
    assert "(英文原文)" not in said.translate("zh")
    some = lifecycle.came_back(pd.Series(["churned", "new"], index=["a", "b"]), tx, after="2024-01-31",
                               until="2024-06-30")
    assert lifecycle.came_back_empty(some, after="2024-01-31") is None


def test_a_tier_caption_states_the_share_the_ties_leave():
    """15 of 5,000 (0.3%) in the examiner's log: the caption said 'top 20% by purchase days'."""
    n = 200
    base = pd.DataFrame({"revenue": [np.nan] * n, "frequency": [0] * 197 + [2, 1, 1], "clv": [np.nan] * n,
                         "p_alive": [np.nan] * n, "recency": [0.0] * n, "T": [5.0] * n},
                        index=[f"c{i}" for i in range(n)])
    t = tiers.assign(base, key_share=0.2, develop_share=0.5)
    assert t.n_key_accounts == 3
    rule = str(t.rule)
    assert "top 20% by purchase days" in rule and "3 of 200 (1.5%)" in rule and "197 customers tie at 1" in rule
    assert "(英文原文)" not in t.rule.translate("zh")


def test_the_auc_verdict_reads_the_rule_of_its_band():
    for auc, name in ((0.757, "auc"), (0.85, "auc_excellent"), (0.95, "auc_outstanding")):
        with verdicts.applying():
            text = str(auc_verdict(auc))
            assert name in verdicts.applied()
        rule = dict.__getitem__(verdicts.RULES, name)
        assert f"at least {rule.threshold:g}" in text and rule.op == ">=" and "Hosmer" in rule.source
    assert set(AUC_RULES.values()) <= set(verdicts.RULES)
    assert {cut for cut, _ in verdicts.AUC_BANDS if cut > 0} == set(AUC_RULES)


def test_no_lift_is_a_registered_rule_the_verdict_reads():
    c = pd.DataFrame({"policy": ["p", "p"], "group": ["all customers"] * 2, "method": ["popularity", "itemcf"],
                      "hit_rate": [0.3, 0.2], "hit_rate_lift": [0.0, -0.3], "hit_rate_lift_ci_lower": [0.0, -0.4],
                      "hit_rate_lift_ci_upper": [0.0, -0.1]})
    with verdicts.applying():
        assert claim_check(c, 0.2)["verdict"].tolist() == ["no lift"]
        assert "lift_none" in verdicts.applied()


def test_the_window_evidence_level_is_a_rule_with_its_source_and_caveat():
    rule = dict.__getitem__(verdicts.RULES, "window_gaps")
    assert tiers.WINDOW_EVIDENCE_LEVEL == rule.threshold == 0.95
    assert all(r["key"] for r in lit.references(f"({rule.source})"))  # Hahn & Meeker (1991) is in methods.bib
    with verdicts.applying():
        assert tiers.min_gaps(0.9) == 29
        assert "window_gaps" in verdicts.applied()
    doc = inspect.getdoc(tiers.min_gaps)
    assert "independent" in doc and "one customer" in doc
