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
