"""The classic importance-performance map of notebook 20_survey against a reference built in R (issue 50, item 2).

The reference, ``tests/reference/lavaan/relationship_quality-ipa.csv``, is the whole chain computed by R's lavaan
0.6.14 on the relationship-quality study's 246 complete cases: importance is each construct's standardised total
effect on the outcome, ``(I - B)^-1 - I`` of lavaan's std.all regressions (checked in R against the total effects
written path by path with ``:=``), performance the mean item-mean score rescaled to 0-100, and the quadrants by
Martilla and James's crosshair at the means, written in R from the rule. ``tests/reference/lavaan/README.md`` says
how it was made. No number here was copied from kamlib's output.

The research model's ``driver_outcome`` (the construct with the most predictors) is SAT, which has two drivers (TR and
CM), so its quadrants would not be named; the study names the model's final outcome instead (``survey.driver_outcome:
LOY``), whose three drivers (TR, CM, SAT) the crosshair does place. The reference maps both.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kamlib import survey
from kamlib.survey import importance as importance_map
from kamlib.survey import instrument
from kamlib.survey import responses as sd
from kamlib.workbench.notebook import research_model

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference" / "lavaan"
#: lavaan's estimates to 1e-4 (relative, absolute below 1e-3 in size), the tolerance of tests/test_r_reference.py;
#: kamlib's WLSMV totals agree with lavaan's to 6e-8 (relative) on these data
TOL_IMPORTANCE = 1e-4
#: a mean of the same integers, rescaled: only floating-point rounding
TOL_PERFORMANCE = 1e-10


@pytest.fixture(scope="module")
def r() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "relationship_quality-ipa.csv")


@pytest.fixture(scope="module")
def study():
    """The study's instrument and research model, loaded as the notebook loads them, and the reference's answers."""
    import yaml

    spec = yaml.safe_load((ROOT / "studies" / "relationship_quality.yaml").read_text(encoding="utf-8"))["survey"]
    inst = instrument.load(ROOT / spec["instrument"])
    rm = research_model(spec["model"], spec["hypotheses"], inst)
    data = pd.read_csv(REFERENCE / "relationship_quality-answers.csv")
    return inst, rm, data


def study_outcome():
    """The study's ``survey.driver_outcome``, which the notebook maps."""
    import yaml

    return yaml.safe_load((ROOT / "studies" / "relationship_quality.yaml").read_text(encoding="utf-8"))["survey"].get(
        "driver_outcome")


def _reference_map(r: pd.DataFrame, outcome: str) -> pd.DataFrame:
    return r[r["outcome"] == outcome].set_index("driver")


def _quadrants(names) -> list:
    """Quadrant names with R's NA (no quadrant named) as None, as ipa writes it."""
    return [None if pd.isna(q) else q for q in names]


def _performance(scores: pd.DataFrame, drivers, points: int) -> pd.Series:
    """The notebook's line: the mean construct score on 0-100."""
    return (scores[list(drivers)].mean() - 1) / (points - 1) * 100


def test_the_notebooks_outcome_and_performance_are_rs(r, study):
    inst, rm, data = study
    [picked] = r.loc[r["driver_outcome"], "outcome"].unique()  # the model's default, when the study names none
    assert rm.driver_outcome == picked == "SAT"
    assert rm.key_outcome(study_outcome()) == "LOY"  # what the notebook maps: the study's survey.driver_outcome
    scores = sd.construct_scores(data, inst)
    for outcome in ("SAT", "LOY"):
        ref = _reference_map(r, outcome)
        got = _performance(scores, ref.index, inst.points)
        assert got.to_numpy() == pytest.approx(ref["performance"].to_numpy(), abs=TOL_PERFORMANCE, rel=0)


@pytest.mark.parametrize("outcome", ["SAT", "LOY"])
def test_ipa_places_rs_importance_and_performance_in_rs_quadrants(r, outcome):
    """ipa's crosshair at the means, fed R's numbers, names R's quadrants (none for SAT's two drivers)."""
    ref = _reference_map(r, outcome)
    got = importance_map.ipa(ref["importance"], ref["performance"]).set_index("driver")
    expected = _quadrants(ref["quadrant"])
    assert got["quadrant"].reindex(ref.index).tolist() == expected
    if outcome == "LOY":  # every driver close to a crosshair: a median would move SAT (importance) and CM (performance)
        assert sorted(expected) == ["Concentrate here", "Low priority", "Possible overkill"]


@pytest.mark.slow  # the notebook's CFA and SEM by WLSMV: about 1.5 s
def test_the_notebooks_chain_gives_rs_map(r, study):
    """The notebook's cells 11-14 on the reference's answers: CFA for the estimator, SEM, total effects, ipa."""
    inst, rm, data = study
    cfa = survey.measurement_cfa(data, inst.constructs, points=inst.points)
    ordered = cfa.fit["estimator"] == "WLSMV" or None  # the structural models use the CFA's estimator
    assert cfa.fit["estimator"] == r["estimator"].iloc[0] == "WLSMV"
    structural = survey.sem(data, rm.syntax(inst.constructs), ordered=ordered)
    assert structural.fit["n"] == r["n"].iloc[0] == 246  # the same complete cases
    scores = sd.construct_scores(data, inst)
    for outcome in ("SAT", "LOY"):
        ref = _reference_map(r, outcome)
        importance = rm.total_effects(structural, outcome)
        assert sorted(importance.index) == sorted(ref.index)
        performance = _performance(scores, importance.index, inst.points)
        got = importance_map.ipa(importance, performance).set_index("driver").reindex(ref.index)
        assert got["importance"].to_numpy() == pytest.approx(ref["importance"].to_numpy(), rel=TOL_IMPORTANCE,
                                                             abs=TOL_IMPORTANCE * 1e-3)
        assert got["performance"].to_numpy() == pytest.approx(ref["performance"].to_numpy(), abs=TOL_PERFORMANCE,
                                                              rel=0)
        assert got["quadrant"].tolist() == _quadrants(ref["quadrant"])
