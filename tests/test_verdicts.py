"""One rule per verdict (issue 31): every analysis module reads its cut-off from kamlib.verdicts, so changing a rule
there changes the verdict everywhere, and a hypothesis is qualified by the failed criteria of its constructs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from kamlib import churn, survey, verdicts
from kamlib.survey import pls
from kamlib.survey.research_model import declare, qualify


@pytest.fixture
def stricter(monkeypatch):
    """Replace a rule's threshold for one test."""
    def set_(name, threshold):
        monkeypatch.setitem(verdicts.RULES, name, dataclasses.replace(verdicts.RULES[name], threshold=threshold))
    return set_


def test_every_rule_names_its_statistic_threshold_and_source():
    t = verdicts.table()
    assert len(t) == len(verdicts.RULES) and t["source"].str.len().min() > 4
    for r in verdicts.RULES.values():
        assert r.op in ("<", "<=", ">", ">=") and np.isfinite(r.threshold)
        assert r.met(float("nan")) is False and r.met(None) is False


def test_rule_boundaries_follow_the_operator():
    assert verdicts.met("cfi", 0.95) and not verdicts.met("cfi", 0.9499)
    assert not verdicts.met("htmt", 0.90) and verdicts.met("htmt", 0.8999)
    assert verdicts.supported(0.01, 0.049) and not verdicts.supported(0.0, 0.01) and not verdicts.supported(0.2, 0.05)


def test_fit_verdicts_read_the_registry(stricter):
    fit = {"df": 24, "chi2": 30.0, "pvalue": 0.2, "cfi": 0.96, "tli": 0.96, "rmsea": 0.03, "srmr": 0.05}
    assert survey.fit_verdicts(fit)["met"].all()
    stricter("cfi", 0.99)
    got = survey.fit_verdicts(fit).set_index("index")
    assert not got.loc["cfi", "met"] and got.loc["cfi", "cut_off"] == 0.99


def test_pls_assessment_reads_the_registry(stricter):
    from kamlib import datasets

    real = datasets.ecsi("satisfaction")
    model = pls.fit(real, paths=datasets.ECSI_PATHS["satisfaction"], blocks=datasets.ECSI_BLOCKS["satisfaction"])
    before = pls.assessment(model)
    stricter("ave", 0.99)
    after = pls.assessment(model)
    ave = after[after["criterion"] == "ave"]
    assert (ave["cut_off"] == 0.99).all() and not ave["met"].any()
    assert before[before["criterion"] == "ave"]["met"].any()


def test_harman_and_targeting_read_the_registry(stricter):
    rng = np.random.default_rng(1)
    f = rng.normal(size=(300, 1))
    data = pd.DataFrame(f @ np.ones((1, 6)) * 0.6 + rng.normal(size=(300, 6)), columns=list("abcdef"))
    share = survey.harman(data).first_share
    stricter("harman", share + 0.01)
    assert "below" in str(survey.harman(data).verdict)
    stricter("harman", share - 0.01)
    assert "at or above" in str(survey.harman(data).verdict)
    t = churn.cost_threshold([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2], cost_missed=10, cost_wasted=1)
    assert t.note() is None
    stricter("targeted_share", 0.1)
    assert t.note() is not None


_MODEL = declare("SAT ~ PQ + a*SQ\nLOY ~ b*SAT + SQ\nindirect := a*b", [
    {"id": "H1", "path": "SAT ~ PQ", "statement": {"en": "h1"}}, {"id": "H2", "path": "SAT ~ SQ", "statement": {"en": "h2"}},
    {"id": "H6", "path": "LOY ~ SAT", "statement": {"en": "h6"}}, {"id": "H7", "defined": "indirect", "statement": {"en": "h7"}},
    {"id": "H8", "interaction": {"path": "SAT ~ SQ", "moderator": "TIER", "level": "key"}, "statement": {"en": "h8"}}])


def test_a_failed_criterion_qualifies_only_the_hypotheses_on_its_constructs():
    """A hypothesis rests on the constructs of its path, or of every path its defined effect multiplies (H7:
    SQ -> SAT -> LOY), as the study declares them."""
    rows = pd.DataFrame({"hypothesis": ["H1", "H2", "H6", "H7", "H8"], "supported": ["yes"] * 5})
    rel = pd.DataFrame({"construct": ["PQ", "SQ", "SAT", "LOY"], "alpha": [0.8] * 4,
                        "composite_reliability": [0.8] * 4, "ave": [0.6, 0.41, 0.6, 0.6]})
    ht = pd.DataFrame([[np.nan, 0.5, 0.95], [0.5, np.nan, 0.4], [0.95, 0.4, np.nan]],
                      index=["SQ", "PQ", "LOY"], columns=["SQ", "PQ", "LOY"])
    q = {h: str(m) for h, m in zip(rows["hypothesis"], qualify(rows, _MODEL, reliability=rel, htmt=ht)["qualification"])}
    assert q["H1"] == "" and "ave of SQ is 0.41" in q["H2"] and "HTMT of SQ / LOY is 0.95" in q["H6"]
    assert "ave of SQ" not in q["H6"] and "ave of SQ" in q["H7"] and "HTMT" in q["H7"]
    fit = {"df": 10, "cfi": 0.90, "rmsea": 0.05, "srmr": 0.04}
    every = qualify(rows, _MODEL, fit=fit)["qualification"]
    assert all("CFI is 0.900" in str(m) and "Hu & Bentler (1999)" in str(m) for m in every)


def test_a_difference_has_a_direction_only_when_its_interval_excludes_zero():
    """Issue 47: a lift of +14.3% with 95% CI -66.7% to +300.8% is not a gain."""
    assert verdicts.effect(-0.667, 3.008) == "inconclusive"
    assert verdicts.effect(0.01, 0.4) == "gain" and verdicts.effect(-0.4, -0.01) == "loss"
    # a bound on zero is not beyond it; a missing bound decides nothing
    assert verdicts.effect(0.0, 0.3) == verdicts.effect(-0.3, 0.0) == "inconclusive"
    assert verdicts.effect(float("nan"), 0.3) == verdicts.effect(0.1, None) == "inconclusive"
    assert verdicts.effect(0.2, -0.2) == "inconclusive"  # swapped bounds are no evidence
    assert set(verdicts.EFFECTS) == {"gain", "loss", "inconclusive"}
    for name in ("effect_gain", "effect_loss"):
        assert "Gardner & Altman (1986)" in str(verdicts.RULES[name])


def test_the_effect_verdict_reads_the_registry(stricter):
    stricter("effect_gain", 0.05)  # a gain must clear 5 points
    assert verdicts.effect(0.03, 0.4) == "inconclusive" and verdicts.effect(0.06, 0.4) == "gain"


def test_concentration_is_one_rule(stricter):
    assert verdicts.concentrated(0.74) and not verdicts.concentrated(0.5) and not verdicts.concentrated(0.45)
    assert not verdicts.concentrated(None)
    stricter("concentration", 0.8)
    assert not verdicts.concentrated(0.74)


def test_every_new_rule_is_in_the_appendix_in_chinese():
    t = verdicts.table(["effect_gain", "effect_loss", "concentration"], "zh")
    assert len(t) == 3 and not t.apply(lambda c: c.astype(str).str.contains("英文原文")).any().any()


def test_every_rule_reads_in_chinese():
    """The rules table of the Chinese edition shows no English (its statistic, source and meaning are catalogued)."""
    from kamlib.i18n import gettext

    missing = [t for r in verdicts.RULES.values() for t in (r.statistic, r.source, r.means) if gettext(t, "rule") is None]
    assert not missing
