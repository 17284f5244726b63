"""Words of the identify stage that must follow the data: the closing says whether its shares are counted on every
customer or on a customer sample (transactions.sample_share), and the holdout's choice says "the only model that
qualifies" for a set of one, "the lowest error" only among several (kamlib.clv.holdout.choose)."""

import numpy as np
import pandas as pd

from kamlib.clv import holdout
from kamlib.stage_results import Identify, StageResults, closing


def _closing(**extra):
    r = StageResults(identify=Identify(key_accounts=260, key_accounts_revenue_share=0.692, top_revenue_share=0.694,
                                       gini=0.7, **extra))
    return [str(m) for m in closing("identify", r)], closing("identify", r)


def test_the_identify_closing_says_a_customer_sample_was_drawn():
    text, msgs = _closing(sample_share=0.3)
    assert ("These shares are counted on a random 30% sample of the customers (transactions.sample_share), so they "
            "carry sampling error, and they describe the past only.") in text
    assert not any("every customer of the window" in t for t in text)
    assert any("30% 客户样本" in m.translate("zh") for m in msgs)


def test_the_identify_closing_says_every_customer_without_a_sample():
    text, _ = _closing(sample_share=1.0)
    assert any(t.startswith("These shares are counted on every customer of the window") for t in text)
    text, msgs = _closing()  # not recorded: no claim either way
    assert "These shares describe the past only." in text
    assert not any("every customer" in t or "sample" in t for t in text)
    assert all(m.translate("zh") for m in msgs)


def _board(captures, maes):
    n = len(captures)
    return pd.DataFrame({"forecast": [f"M{i}" for i in range(n)] + [holdout.PAST_REVENUE],
                         "kind": ["model"] * n + ["naive rule"], "revenue_mae": [*maes, 700.0],
                         "capture": [*captures, 0.60], "degenerate": [""] * (n + 1)})


def _forecasts(n):
    return [holdout.Forecast(f"M{i}", "model", np.zeros(1), model=f"m{i}") for i in range(n)]


def test_one_qualifying_model_is_the_only_one_not_the_lowest_error():
    # M0 captures less than past revenue; M1 alone qualifies
    c = holdout.choose(_board([0.55, 0.62], [600.0, 674.0]), _forecasts(2))
    assert c.model == "m1" and c.qualified == 1
    text = str(c.sentence)
    assert text.startswith("M1 values the customers as the only purchase model that qualifies")
    assert "62.0% of holdout revenue against 60.0% by past revenue (MAE 674.0)" in text
    assert "lowest" not in text
    assert "唯一符合条件" in c.sentence.translate("zh")


def test_several_qualifying_models_the_lowest_error_wins():
    c = holdout.choose(_board([0.61, 0.62], [690.0, 674.0]), _forecasts(2))
    assert c.model == "m1" and c.qualified == 2
    assert "with the lowest customer-level error of the qualifying models (MAE 674.0)" in str(c.sentence)
    none = holdout.choose(_board([0.55], [600.0]), _forecasts(1))
    assert none.model == "" and none.qualified == 0
