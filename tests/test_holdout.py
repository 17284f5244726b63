"""The holdout comparison and the model-choice rule (issue 32, item 5): metrics computed by hand on a small case,
the naive rule winning when no model beats it, and a degenerate fit never chosen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib.clv import holdout


@pytest.fixture
def small():
    return pd.DataFrame({"frequency": [0, 1, 3, 5, 0, 2], "recency": [0, 4, 10, 12, 0, 6.0], "T": [12.0] * 6,
                         "revenue": [10, 40, 90, 300, 5, 60.0], "duration_holdout": 10.0,
                         "revenue_holdout": [0, 20, 80, 250, 0, 30.0], "frequency_holdout": [0, 1, 2, 4, 0, 1]})


def test_metrics_by_hand(small):
    good = holdout.Forecast("Good model", "model", np.array([1, 21, 79, 249, 0, 29.0]),
                            np.array([1, 21, 79, 249, 0, 29.0]), model="good")
    table = holdout.compare(small, [good] + holdout.naive_forecasts(small), share=0.2, n_boot=0).set_index("forecast")
    assert table.loc["Good model", "revenue_mae"] == pytest.approx(5 / 6)
    assert table.loc["Good model", "aggregate_bias"] == pytest.approx(379 / 380 - 1)
    # the top 20% of 6 customers is one customer (strategy.top_count): the fourth, with 250 of 380
    assert table.loc["Good model", "capture"] == pytest.approx(250 / 380)
    past = table.loc[holdout.PAST_REVENUE]
    assert past["revenue_mae"] == pytest.approx(np.mean(np.abs(np.array([10, 40, 90, 300, 5, 60]) / 12 * 10
                                                              - small["revenue_holdout"])))
    assert np.isnan(table.loc[holdout.RECENCY, "revenue_mae"])


def test_the_naive_rule_wins_when_no_model_beats_it(small):
    # a model that ranks the biggest customer last captures less than past revenue
    poor = holdout.Forecast("Poor model", "model", np.array([9, 8, 7, 1, 6, 5.0]), np.array([9, 8, 7, 1, 6, 5.0]),
                            model="poor")
    forecasts = [poor] + holdout.naive_forecasts(small)
    choice = holdout.choose(holdout.compare(small, forecasts, n_boot=0), forecasts)
    assert choice.model == "" and "No purchase model beats past revenue" in str(choice.sentence)


def test_a_degenerate_fit_is_never_chosen(small):
    exact = small["revenue_holdout"].to_numpy(float)
    degenerate = holdout.Forecast("Exact but degenerate", "model", exact, exact, degenerate="a, b", model="deg")
    fair = holdout.Forecast("Fair model", "model", exact + 3, exact + 3, model="fair")
    forecasts = [degenerate, fair] + holdout.naive_forecasts(small)
    choice = holdout.choose(holdout.compare(small, forecasts, n_boot=0), forecasts)
    assert choice.model == "fair" and "Fair model values the customers" in str(choice.sentence)
