"""The tiers check P(alive) on the holdout before it judges risk (kamlib.tiers.alive_check), name the base they rank
(kamlib.tiers.base_note), and the AUC's interval comes from its one owner (kamlib.churn.evaluate)."""

import numpy as np
import pandas as pd
import pytest

from kamlib import churn, tiers, verdicts


def _base(n=20):
    """Customers whose P(alive) says the top ones are at risk: by P(alive) the largest customer is at risk, by
    recency (last purchase 2 weeks ago) nobody is."""
    rng = np.random.default_rng(3)
    return pd.DataFrame({"revenue": np.arange(n, 0, -1, dtype=float), "clv": np.arange(n, 0, -1, dtype=float),
                         "p_alive": np.r_[0.1, rng.uniform(0.6, 0.9, n - 1)], "recency": 10.0, "T": 12.0},
                        index=[f"c{i:02d}" for i in range(n)])


def _holdout(anti: bool, n=200, seed=0):
    """A calibration summary and P(alive): the customers who look alive buy nothing in the holdout (anti) or buy."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 1, n)
    bought = rng.uniform(0, 1, n) < (1 - p if anti else p)
    return pd.DataFrame({"frequency_holdout": np.where(bought, 2, 0)}), p


def test_the_auc_interval_is_hanley_mcneil():
    y = np.r_[np.ones(30), np.zeros(50)].astype(int)
    score = np.r_[np.linspace(0.2, 0.9, 30), np.linspace(0.0, 0.7, 50)]
    ev = churn.evaluate(y, score)
    a, n1, n0 = ev.auc, 30, 50
    # the AUC by its definition: the share of (churner, stayer) pairs ranked right, ties counting half
    pairs = (score[:30, None] > score[None, 30:]).mean() + 0.5 * (score[:30, None] == score[None, 30:]).mean()
    assert a == pytest.approx(pairs)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    se = np.sqrt((a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0))
    assert ev.auc_se == pytest.approx(se)
    assert ev.auc_ci_lower == pytest.approx(a - 1.959964 * se, abs=1e-6)
    assert ev.auc_ci_upper == pytest.approx(min(1.0, a + 1.959964 * se), abs=1e-6)


def test_p_alive_anti_correlated_with_holdout_purchase_gives_the_recency_rule():
    cal, p = _holdout(anti=True)
    check = tiers.alive_check(cal, p, model="BG/CNBD-k")
    assert check.auc < 0.5 and check.ci_upper < 0.5, check
    assert not check.informative and check.verdict == "below chance"
    assert check.n == 200 and check.churners == int((cal["frequency_holdout"] == 0).sum())
    # the AUC of 1 - P(alive) against no holdout purchase, counted by hand on four customers: churners a, b and the
    # buyers c, d; P(alive) 0.9, 0.6 (churners) and 0.7, 0.2 (buyers); risk 1 - P(alive): churners 0.1, 0.4, buyers
    # 0.3, 0.8; of the 4 churner-buyer pairs the churner has the higher risk in 1 (0.4 > 0.3): AUC 1/4
    four = pd.DataFrame({"frequency_holdout": [0, 0, 2, 1]})
    assert tiers.alive_check(four, [0.9, 0.6, 0.7, 0.2]).auc == pytest.approx(0.25)
    t = tiers.assign(_base(), key_share=0.2, develop_share=0.5, unit="W", p_alive_check=check,
                     value_model="BG/CNBD-k")
    assert t.risk == "recency" and t.n_at_risk == 0  # by P(alive) the largest customer would be at risk
    assert t.p_alive_check is check
    why = str(t.note)
    assert "P(alive) of BG/CNBD-k ranks the holdout's churners below chance: AUC" in why
    assert f"{check.auc:.2f} (95% CI {check.ci_lower:.2f} to {check.ci_upper:.2f}" in why
    # the caption's rule and the finding's risk phrase say why risk is judged by recency
    assert "below chance" in str(t.rule) and "below chance" in str(tiers.risk_phrase(t))
    assert "低于随机水平" in tiers.risk_phrase(t).translate("zh")
    # the account list's risk follows the tiers' rule
    assert not tiers.accounts(t)["at_risk"].any()


def test_p_alive_that_ranks_churners_keeps_the_p_alive_rule():
    cal, p = _holdout(anti=False)
    check = tiers.alive_check(cal, p, model="BG/NBD")
    assert check.ci_lower > 0.5 and check.informative and check.verdict == "above chance"
    t = tiers.assign(_base(), key_share=0.2, develop_share=0.5, unit="W", p_alive_check=check, value_model="BG/NBD")
    assert t.risk == "p_alive" and t.n_at_risk == 1
    assert str(tiers.risk_phrase(t)) == "P(alive) < 0.5"


def test_an_interval_that_includes_chance_is_not_enough():
    check = tiers.AliveCheck("BG/NBD", 0.55, 0.48, 0.62, 100, 40)
    assert not check.informative and check.verdict == "not above chance"
    assert "includes 0.5" in str(check.why)
    assert verdicts.RULES["p_alive_risk"].threshold == 0.5


def test_no_check_without_both_classes():
    assert tiers.alive_check(pd.DataFrame({"frequency_holdout": [0, 0, 0]}), [0.2, 0.5, 0.9]) is None
    with pytest.raises(Exception, match="p_alive has 2 values for 3 customers"):
        tiers.alive_check(pd.DataFrame({"frequency_holdout": [0, 1, 0]}), [0.2, 0.5])


def test_the_base_the_tiers_rank_is_named_when_refund_only_customers_are_left_out():
    tx = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "d"],
                       "date": pd.to_datetime(["2011-01-05", "2011-02-01", "2011-03-01", "2011-03-02", "2011-04-02"]),
                       "amount": [10.0, 4.0, 3.0, -3.0, -1.0]})
    base = pd.DataFrame({"revenue": [10.0, 4.0, 3.0]}, index=["a", "b", "c"])
    note = tiers.base_note(base, tx, end="2011-12-09", start="2011-01-01")
    assert str(note) == ("the 3 customers with a purchase from 2011-01-01 to 2011-12-09; 1 customer with refunds "
                         "only is left out")
    assert note.translate("zh").startswith("2011-01-01 至 2011-12-09 有购买的 3 位客户")
    assert tiers.base_note(base, tx, end="2011-03-01") is None  # d's lines fall after the window


@pytest.mark.notebook
def test_the_default_study_tiers_judge_risk_by_a_p_alive_that_passed_its_check(values, quick_report):
    """10_key_accounts records the check of the chosen model's P(alive) on the holdout, and the tiers judge risk by
    P(alive) only when it passed; the tiers' caption names the customers they rank when some are left out."""
    import json

    v = values("10_key_accounts")
    if v.get("value_model", "none") == "none":
        assert "p_alive_auc" not in v and v["key_accounts_risk"] == "recency"
        return
    if "p_alive_auc" in v:
        lower, upper = v["p_alive_auc_ci"]
        assert lower <= v["p_alive_auc"] <= upper
        passed = lower > verdicts.RULES["p_alive_risk"].threshold
        assert (v["p_alive_risk_verdict"] == "above chance") == passed
        if not passed:
            assert v["key_accounts_risk"] == "recency"
    manifest = json.loads((quick_report / "manifest.json").read_text(encoding="utf-8"))
    caption = next(a["caption"]["en"] for a in manifest["artefacts"] if a["id"] == "ka_tiers")
    assert ("customers with refunds only" in caption) == (v["tiers_customers"] < values("01_data_overview")["n_customers"])


def test_a_check_that_cannot_run_fails_safe_to_recency():
    """The maintainer: when the holdout has churners only (no AUC), P(alive) was used unchecked; now it is 'not
    checked', judges no risk, and the tiers say why in both languages."""
    from types import SimpleNamespace

    cal = pd.DataFrame({"frequency_holdout": [0] * 6, "frequency": [1, 2, 0, 3, 1, 0]})
    fit = SimpleNamespace(degenerate=False, p_alive=lambda c: np.linspace(0.2, 0.9, len(c)))
    check = tiers.value_model_check(cal, None, {"bgnbd": fit}, "bgnbd")
    assert check is not None and check.verdict == "not checked" and not check.informative
    assert "could not be checked on the holdout (the holdout has churners only or buyers only)" in str(check.why)
    assert "无法在验证期上检验" in check.why.translate("zh")
    t = tiers.assign(_base(), key_share=0.2, develop_share=0.5, unit="W", p_alive_check=check, value_model="BG/NBD")
    assert t.risk == "recency"
