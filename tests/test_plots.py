"""Every chart of the notebooks is a kamlib.plots function: each draws on its own or on a given Axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamlib import plots  # noqa: E402
from kamlib.errors import KamError  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_bar_charts_draw_the_values_they_are_given():
    t = pd.DataFrame({"tier": ["Key account", "Develop"], "customer_share": [0.2, 0.8], "clv_share": [0.6, 0.4]})
    ax = plots.plot_grouped_bars(t, "tier", {"customer_share": "Customers", "clv_share": "CLV"}, percent=True)
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == [20.0, 40.0, 60.0, 80.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Customers", "CLV"]
    ax = plots.plot_barh(t, "tier", "clv_share", percent=True)
    assert [round(p.get_width(), 6) for p in ax.patches] == [40.0, 60.0]  # sorted: largest on top
    ax = plots.plot_bars(t, "tier", "customer_share", percent=True, hline=5)
    assert ax.lines and ax.lines[0].get_ydata()[0] == 5


def test_scree_marks_the_factors_to_retain():
    pa = pd.DataFrame({"factor": [1, 2, 3], "observed": [3.0, 1.5, 0.5], "random_quantile": [1.4, 1.2, 1.0],
                       "quantile": 0.95, "retain": [True, True, False]})
    ax = plots.plot_scree(pa)
    assert "retain 2 factors" in ax.get_title()
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [1.4, 1.2, 1.0])  # the random data's quantile


def test_a_heatmap_of_counts_writes_integers():
    """plot_heatmap converted every table to float, so an integer format ("d") raised."""
    ax = plots.plot_heatmap(pd.DataFrame({"a": [3, 120], "b": [0, 7]}), fmt="d")
    assert [t.get_text() for t in ax.texts] == ["3", "0", "120", "7"]
    ax = plots.plot_heatmap(pd.DataFrame({"a": [0.5, np.nan]}))
    assert [t.get_text() for t in ax.texts] == ["50%"]  # a cell not observed stays blank


def test_plots_draw_on_a_given_axes_and_check_their_input():
    fig, ax = plt.subplots()
    t = pd.DataFrame({"x": [1, 2], "y": [3, 4], "g": ["a", "a"]})
    assert plots.plot_lines(t, "x", "y", "g", ax=ax, logx=True) is ax and ax.get_xscale() == "log"
    with pytest.raises(KamError, match="no column 'nope'"):
        plots.plot_barh(t, "nope", "y")


def test_model_evaluation_panels_and_event_study_title():
    from kamlib import churn, experiments

    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.3).astype(int)
    ev = churn.evaluate(y, np.clip(y * 0.3 + rng.random(400) * 0.7, 0, 1))
    axes = plots.plot_model_evaluation("score", ev)
    assert len(axes) == 3 and all(ax.figure is axes[0].figure for ax in axes)
    # each panel draws the evaluation's own numbers: ROC, calibration, cumulative gains
    roc, calibration, gains = (ax.get_lines()[0] for ax in axes)
    np.testing.assert_allclose(roc.get_xydata(), ev.roc[["fpr", "tpr"]].to_numpy())
    assert roc.get_label() == f"score (AUC {ev.auc:.3f})"
    np.testing.assert_allclose(calibration.get_xydata(), ev.calibration[["mean_predicted", "observed_rate"]].to_numpy())
    np.testing.assert_allclose(gains.get_ydata()[1:], ev.lift["cumulative_capture"].to_numpy() * 100)
    assert gains.get_ydata()[-1] == pytest.approx(100)  # every churner is captured by the whole list
    sim = experiments.simulate_programme(60, seed=1)
    es = experiments.event_study(sim.data, outcome="revenue", entity="account", time="period", first_treated="first_treated")
    assert plots.plot_event_study(es).get_title() == f"Pre-trends joint test p = {es.pretrend_pvalue:.3f}"  # three digits: 0.047 is not "0.05"


def test_rule_network_draws_one_arrow_per_antecedent_item():
    rules = pd.DataFrame({"antecedents": [("a",), ("b", "c"), ("a",)], "consequents": ["b", "a", "c"],
                          "lift": [3.0, 5.0, 2.0]})
    fig = plots.plot_rule_network(rules, top=2, labels={"a": "Alpha"})
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"Alpha", "b", "c"} <= texts and "from the top 2 rules" in fig.axes[0].get_title()
    assert fig.axes[0].get_title().startswith("3 product links")  # what is drawn: a->b, b->a, c->a
    empty = plots.plot_rule_network(rules.iloc[:0])
    assert empty.axes[0].texts[0].get_text() == "no rule to draw"
