import pytest

from kamlib import clv, datasets, rfm
from kamlib.clv import validation


@pytest.fixture(scope="module")
def setup():
    tx = datasets.cdnow(sample=True)
    ch = rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-06-30")
    return tx, ch, {"bgnbd": clv.fit(ch, "bgnbd")}


def test_histogram_totals(setup):
    _, ch, models = setup
    h = validation.frequency_histogram(ch, models).table
    assert h["actual"].sum() == len(ch) == 2357
    assert h["BG/NBD"].sum() == pytest.approx(2357)
    assert h.loc[0, "actual"] == (ch["frequency"] == 0).sum() == 1411  # FHL (2005) Figure 2


def test_tracking_counts_every_repeat_day(setup):
    tx, ch, models = setup
    tr = validation.tracking(tx, ch, models, start="1997-01-01", calibration_end="1997-09-30",
                             holdout_end="1998-06-30").table
    days = tx.drop_duplicates(["customer_id", "date"])
    repeats = len(days) - days["customer_id"].nunique()
    assert tr["actual"].sum() == repeats
    assert len(tr) == 78  # 546 days = 78 weeks
    cal_actual = tr.loc[~tr["holdout"], "actual"].sum()
    assert cal_actual == ch["frequency"].sum()
    # model: expected cumulative repeats at the end of calibration close to the actual (FHL 2005 Fig. 3)
    assert tr.loc[~tr["holdout"], "BG/NBD"].sum() == pytest.approx(cal_actual, rel=0.03)


def test_conditional_expectation_actual_means(setup):
    _, ch, models = setup
    ce = validation.conditional_expectation(ch, models).table
    assert ce.loc[0, "actual"] == pytest.approx(ch.loc[ch["frequency"] == 0, "frequency_holdout"].mean())
    assert ce["customers"].sum() == len(ch)
    comp, notes = validation.comparison(ch, models)  # a result that unpacks
    assert notes == ()
    assert comp.loc[0, "holdout_actual"] == ch["frequency_holdout"].sum()


def test_the_pareto_nbd_is_evaluated_by_the_likelihood_its_fit_maximised(setup):
    """One implementation of the Pareto/NBD (kamlib.clv._paretonbd): the fit tables' log-likelihood, P(alive) and
    expectation are the fit's own, and P(alive) equals lifetimes' closed form where hyp2f1 is finite."""
    import numpy as np
    import pandas as pd
    from lifetimes import ParetoNBDFitter

    cal = setup[1]
    m = clv.fit(cal, "paretonbd", with_se=False)
    assert validation.loglik(m, cal) == pytest.approx(m.loglik, rel=1e-10)
    ref = ParetoNBDFitter()
    ref.params_ = pd.Series(m.params)
    theirs = ref.conditional_probability_alive(cal["frequency"], cal["recency"], cal["T"])
    ok = np.isfinite(theirs)
    assert ok.mean() > 0.9
    assert np.allclose(validation.p_alive(m, cal)[ok], np.asarray(theirs)[ok], rtol=1e-6)
    assert np.allclose(validation.expected_purchases(m, 39, cal), m.expected_purchases(39, cal))


def test_tracking_leaves_out_a_fit_whose_dropout_ran_to_a_bound(setup):
    """A Pareto/NBD whose s ran to the lower bound (the marketplace log's degenerate fit, s = 8e-63) identifies no
    dropout: its expected transactions are not drawn, and one sentence says why; the figure's axis names the
    tracking period."""
    import dataclasses

    from kamlib import plots

    tx, ch, models = setup
    pnbd = clv.fit(ch, "paretonbd")
    degenerate = dataclasses.replace(pnbd, params={**pnbd.params, "s": 7.94e-63}, at_bound=("s",))
    tr, notes = validation.tracking(tx, ch, {"bgnbd": models["bgnbd"], "paretonbd": degenerate},
                                    start="1997-01-01", calibration_end="1997-09-30", holdout_end="1998-06-30",
                                    unit="M")
    assert "Pareto/NBD" not in tr.columns and "BG/NBD" in tr.columns
    assert len(notes) == 1 and "s = 7.94e-63" in str(notes[0]) and "does not identify dropout" in str(notes[0])
    ax = plots.plot_tracking(tr, unit="M")
    assert ax.get_ylabel() == "Repeat transactions per month" and ax.get_xlabel() == "Month ending"
