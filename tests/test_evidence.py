"""Evidence before results (issue 48, item 5): a purchase model is called identified or chosen only when a log of
this size can identify dropout, judged by simulation at the log's own size (kamlib.clv.evidence).

The simulator is checked against lifetimes' closed-form BG/NBD expressions, an independent implementation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib import clv, datasets, rfm
from kamlib.clv.evidence import evidence, simulate_bgnbd
from kamlib.errors import KamError

CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee (2005), CDNOW, weeks


def test_the_simulator_draws_the_bgnbd_as_its_closed_forms_say():
    from lifetimes import BetaGeoFitter

    ref = BetaGeoFitter()
    ref.params_ = pd.Series(CDNOW_BGNBD)
    s = simulate_bgnbd(np.full(200_000, 39.0), CDNOW_BGNBD, np.random.default_rng(0))
    assert s["frequency"].mean() == pytest.approx(ref.expected_number_of_purchases_up_to_time(39.0), rel=0.01)
    for n in (0, 1, 2):
        assert (s["frequency"] == n).mean() == pytest.approx(ref.probability_of_n_purchases_up_to_time(39.0, n),
                                                             abs=0.004)
    assert ((s["recency"] > 0) == (s["frequency"] > 0)).all() and (s["recency"] <= s["T"]).all()


@pytest.fixture(scope="module")
def cdnow_cal():
    return rfm.calibration_holdout(datasets.cdnow(sample=True), calibration_end="1997-09-30",
                                   holdout_end="1998-06-30")


def _thin(n=20_000, repeaters=15, seed=2):
    """A marketplace-like calibration summary: almost nobody buys twice (weeks)."""
    rng = np.random.default_rng(seed)
    s = pd.DataFrame({"frequency": 0.0, "recency": 0.0, "T": rng.integers(1, 31, n).astype(float)})
    idx = rng.choice(n, repeaters, replace=False)
    s.loc[idx, "frequency"] = rng.integers(1, 3, repeaters).astype(float)
    s.loc[idx, "recency"] = np.floor(s.loc[idx, "T"] * rng.uniform(0.2, 0.9, repeaters))
    return s


def test_a_log_of_cdnows_size_identifies_dropout(cdnow_cal):
    e = evidence(cdnow_cal, clv.fit(cdnow_cal, "bgnbd"), draws=20, seed=1)  # 20 of 20: the exact interval >= 0.83
    assert e.adequate and e.recovered >= 0.8 and e.needed is None and e.verdict == "identified"
    assert "the log can identify dropout" in str(e.sentence) and "workbook convention" in str(e.sentence)


@pytest.mark.slow
def test_a_log_where_almost_nobody_repeats_is_called_too_small_with_what_would_be_needed(cdnow_cal):
    thin = _thin(n=2000, repeaters=40)  # 2% repeat buyers; the log's own BG/NBD finds no dropout
    e = evidence(thin, clv.fit(thin, "bgnbd"), draws=20, seed=1)
    assert not e.adequate and e.repeat_buyers == 40 and e.customers == 2000
    assert e.verdict == "not identified" and e.ci_upper < 0.8  # 11 of 20: the whole interval below the rule
    assert "no purchase model is called identified or chosen" in str(e.sentence)
    assert e.needed == 16000 and "about 16,000 customers" in str(e.sentence)  # eight times the log meets the rule
    # a log where repeat buyers are twice as common: 15 of 20, an interval that includes the rule, so inconclusive
    # (no model is chosen on it either), and its fix is more draws, not a larger log
    more = evidence(_thin(n=2000, repeaters=80), clv.fit(_thin(n=2000, repeaters=80), "bgnbd"), draws=20, seed=1)
    assert more.verdict == "inconclusive" and not more.adequate and more.needed is None
    assert "inconclusive" in str(more.sentence) and "clv.evidence_draws" in str(more.sentence)
    # the holdout selection then chooses nothing, and says why
    cal = cdnow_cal
    sel = clv.holdout.select(cal, datasets.cdnow(sample=True), {"bgnbd": clv.fit(cal, "bgnbd")},
                             clv.fit(cal, "gamma_gamma"), calibration_end="1997-09-30", n_boot=0, evidence=e)
    assert sel.choice.model == "" and sel.choice.sentence == e.sentence
    assert sel.best == ""  # nor is any model the best that identifies dropout (the strategy reads best)


def test_thin_evidence_turns_interior_parameters_into_no_identification(cdnow_cal):
    tx = datasets.cdnow(sample=True)
    thin = type("E", (), {"adequate": False})()
    table, sentence = clv.sensitivity(tx, start="1997-01-01", calibration_ends=["1997-09-30"], units=["W"],
                                      models=["bgnbd"], evidence=thin)
    assert not table["identified"].any() and table["inside_bounds"].all()
    assert "does not identify dropout" in str(sentence) and "identifies dropout in" not in str(sentence)


def test_a_reference_without_dropout_takes_cdnows_and_says_so(cdnow_cal):
    import dataclasses

    from kamlib.clv.evidence import CDNOW_DROPOUT

    fitted = clv.fit(cdnow_cal, "bgnbd")
    e = evidence(cdnow_cal, dataclasses.replace(fitted, at_bound=("a",)), draws=3, seed=1)
    assert "the dropout of the CDNOW customers" in str(e.sentence) and str(CDNOW_DROPOUT["a"]) in str(e.sentence)
    with pytest.raises(KamError, match="one or more simulated logs"):
        evidence(cdnow_cal, fitted, draws=0)
    with pytest.raises(KamError, match="simulates from a fitted BG/NBD"):
        evidence(cdnow_cal, clv.fit(cdnow_cal, "paretonbd"), draws=2)


@pytest.mark.slow
def test_kam_validate_warns_before_a_run_on_a_log_too_small_to_identify_dropout(tmp_path):
    """The marketplace log (15 of 5,000 customers buy twice, tests/exports.py): validate warns in one sentence."""
    import exports

    from kamlib.workbench import runner

    path = exports.write_study(tmp_path / "thin.yaml", {"name": "thin", "notebooks": ["10_key_accounts"]},
                               exports.marketplace(tmp_path))
    warnings = [line for line in runner.check_data(path) if line.startswith("  warning: On ")]
    assert len(warnings) == 1 and "no purchase model is called identified or chosen" in warnings[0]
    assert "the quick check does not say how many customers would be needed" in warnings[0]
