"""The generated discussion and section closings (issue 31, item 3): each claim's verdict follows its statistic,
a claim whose values were not recorded is "not tested", and the Chinese texts come from the catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from kamlib.errors import KamError
from kamlib.workbench import discussion


def _verdicts(values):
    return {c.id: c.verdict for c in discussion.confront(values)}


def test_each_claim_follows_its_rule():
    v = {"10_key_accounts": {"top20_revenue_share": 0.45, "gini": 0.3},
         "40_strategy": {"capture_clv": 0.80, "capture_clv_ci": [0.75, 0.85], "capture_monetary": 0.70,
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
    assert "0.550" in str(next(c for c in discussion.confront(v) if c.id == "C3").evidence)
    evidence = str(next(c for c in discussion.confront(v) if c.id == "C6").evidence)
    assert "4,912" in evidence and "60%" in evidence


def test_closings_state_numbers_and_skip_what_did_not_run():
    v = {"10_key_accounts": {"key_accounts": 845, "key_accounts_revenue_share": 0.7225, "top20_revenue_share": 0.7394,
                             "gini": 0.7087, "degenerate_models": ["BG/NBD"]}}
    en = discussion.closing("identify", v)
    assert "845" in en[0] and "72.2%" in en[0] and any("BG/NBD" in s for s in en)
    assert discussion.closing("act", v) == [] and discussion.closing("evaluate", {}) == []
    zh = discussion.closing("identify", v, "zh")
    assert all("英文原文" not in s for s in zh) and "845" in zh[0]


def test_every_claim_and_verdict_is_translated():
    rows = [c.row("zh") for c in discussion.confront({})]
    assert rows and all("英文原文" not in " ".join(r.values()) for r in rows)


def test_a_register_naming_an_unknown_check_is_refused(tmp_path):
    path = tmp_path / "claims.csv"
    pd.DataFrame([{"id": "C9", "source": "S000", "location": "x", "claim": "y", "check": "astrology"}]).to_csv(path, index=False)
    with pytest.raises(KamError, match="astrology"):
        discussion.load_claims(path)
