"""The generic simulator checks its inputs (issue 48 follow-up, item 5): each faulty value of the instrument's
``simulation`` section is refused in one sentence naming the file and the key; the shipped instruments pass."""

from __future__ import annotations

import copy
import re

import pytest

from kamlib.config import DATA
from kamlib.errors import KamError
from kamlib.survey import instrument
from kamlib.survey import responses as sd


@pytest.fixture(scope="module")
def rq():
    return instrument.load(DATA / "survey" / "relationship_quality.yaml")


def _set(sim, dotted, value):
    *head, last = dotted.split(".")
    for k in head:
        sim = sim[k]
    sim[last] = value


@pytest.mark.parametrize("key, value, words", [
    ("thresholds", [-1.6, 0.2, -0.7, 1.2], r"simulation.thresholds is \[-1.6, 0.2, -0.7, 1.2\], which does not increase"),
    ("thresholds", [-1.6, -0.7, -0.7, 1.2], r"simulation.thresholds .* does not increase"),
    ("thresholds", [-1.6, "x", 0.2, 1.2], r"simulation.thresholds is .*give 4 numbers"),
    ("thresholds", [-1.6, 0.2, 1.2], r"simulation.thresholds has 3 cut points; a 5-point scale needs 4"),
    ("profile.INDUSTRY", [0.3, 0.4, 0.4], r"simulation.profile.INDUSTRY has shares summing to 1.1; they must sum to 1"),
    ("profile.INDUSTRY", [0.5, 0.5], r"simulation.profile.INDUSTRY needs one share .* per option \(retail, manufacturing, services\)"),
    ("profile.INDUSTRY", [1.2, -0.1, -0.1], r"simulation.profile.INDUSTRY needs one share"),
    ("profile.REGION", [0.5, 0.5], r"simulation.profile.REGION is not a profile question of the instrument"),
    ("nps.construct", "QUALITY", r"simulation.nps.construct is 'QUALITY', which is not a construct of the instrument \(TR, CM, SAT, LOY\)"),
    ("nps.sd", -1, r"simulation.nps.sd is -1; give a number of at least 0"),
    ("groups.extra", {"LOY": {"PRICE": 0.2}}, r"simulation.groups.extra names PRICE, which are not constructs"),
    ("groups.share", 1.5, r"simulation.groups.share is 1.5; give the focal group's share"),
    ("paths.LOY", {"SAT": 0.4, "QUALITY": 0.2}, r"simulation.paths names QUALITY, which are not constructs"),
    ("loadings", {"TR9": 0.7}, r"simulation.loadings.TR9 names an item the instrument does not have"),
    ("loading", 1.3, r"simulation.loading is 1.3; a standardised loading lies between -1 and 1"),
    ("driver_correlation", 1.0, r"simulation.driver_correlation is 1.0; give a correlation between -1 and 1"),
    ("defects.missing", 2, r"simulation.defects.missing is 2; give a share of respondents from 0 to 1"),
])
def test_a_faulty_simulation_input_is_refused_naming_the_file_and_key(rq, key, value, words):
    inst = copy.deepcopy(rq)
    _set(inst.simulation, key, value)
    with pytest.raises(KamError, match=words) as e:
        sd.simulate(inst, 50, seed=1)
    said = str(e.value)
    assert said.startswith(str(rq.path)) and said.endswith(".") and not re.search(r"[.;]\s+[A-Z]", said), said


def test_shares_per_group_are_checked_per_group(rq):
    inst = copy.deepcopy(rq)
    inst.simulation["profile"]["INDUSTRY"] = {"large": [0.2, 0.3, 0.5], "small": [0.5, 0.5, 0.5]}
    with pytest.raises(KamError, match=r"simulation.profile.INDUSTRY.small has shares summing to 1.5"):
        sd.simulate(inst, 50, seed=1)
    inst.simulation["profile"]["INDUSTRY"]["small"] = [0.5, 0.25, 0.25]
    assert len(sd.simulate(inst, 50, seed=1)) == 50


@pytest.mark.parametrize("name", ["instrument.yaml", "relationship_quality.yaml"])
def test_the_shipped_instruments_pass(name):
    assert len(sd.simulate(instrument.load(DATA / "survey" / name), 20, seed=0)) == 20
