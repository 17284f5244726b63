"""Intervals at the level used (issue 48 follow-up, item 6): where a significance level is configurable, every
interval is at ``1 - alpha`` and the text says that level, not a fixed 95%."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scipy.stats import norm

from kamlib import survey
from kamlib.config import DATA
from kamlib.survey import instrument
from kamlib.survey import responses as sd
from kamlib.survey.drivers import moderation
from kamlib.survey.research_model import declare, hypothesis_tests

ROOT = Path(__file__).resolve().parents[1]
MODEL = "CM ~ a*TR\nSAT ~ TR + CM\nLOY ~ SAT + b*CM\nvia := a*b"


def _h(hid, **kind):
    return {"id": hid, "statement": {"en": f"statement {hid}"}, **kind}


@pytest.fixture(scope="module")
def fitted():
    inst = instrument.load(DATA / "survey" / "relationship_quality.yaml")
    data = sd.simulate(inst, 300, seed=5, defects=False, likert=False)
    rm = declare(MODEL, [_h("H1", path="CM ~ TR"), _h("H6", defined="via"),
                         _h("H8", interaction={"path": "LOY ~ CM", "moderator": "TR"}),
                         _h("H9", moderation={"path": "LOY ~ CM", "group": "SIZE", "focal": "large"})],
                 constructs=inst.constructs)
    return inst, data, rm, survey.sem(data, rm.syntax(inst.constructs))


@pytest.mark.parametrize("alpha", [0.05, 0.10, 0.01])
def test_every_interval_of_the_hypothesis_table_is_at_one_minus_alpha(fitted, alpha):
    inst, data, rm, structural = fitted
    t = hypothesis_tests(rm, structural=structural, scores=sd.construct_scores(data, inst), data=data,
                         constructs=inst.constructs, alpha=alpha,
                         invariance={"SIZE": type("Invariance", (), {"level": "metric"})()})
    assert isinstance(t.level, float) and t.level == pytest.approx(1 - alpha)  # not the invariance level's name
    z = norm.ppf(1 - alpha / 2)
    paths = structural.paths().set_index(["lval", "rval"])
    defined = structural.estimates[structural.estimates["op"] == ":="].set_index("lval")
    rows = t.table.set_index("hypothesis")
    for h, (est, se) in {"H1": paths.loc[("CM", "TR"), ["estimate", "estimate_se"]],
                         "H6": defined.loc["via", ["estimate", "estimate_se"]]}.items():
        assert rows.loc[h, "ci_lower"] == pytest.approx(est - z * se) and rows.loc[h, "ci_upper"] == pytest.approx(est + z * se)
    gp = t.group_paths["H9"].set_index(["outcome", "predictor"]).loc[("LOY", "CM")]
    assert rows.loc["H9", "ci_lower"] == pytest.approx(gp["difference"] - z * gp["se_difference"])
    if alpha == 0.05:  # the SEM's own 95% intervals, unchanged
        assert rows.loc["H9", "ci_upper"] == pytest.approx(gp["ci_upper"], abs=1e-6)
        assert rows.loc["H1", "ci_lower"] == pytest.approx(paths.loc[("CM", "TR"), "estimate_ci_lower"], abs=1e-6)
    inter = moderation(sd.construct_scores(data, inst), "LOY", ["SAT", "CM"], "TR", "CM", level=1 - alpha)
    assert rows.loc["H8", "ci_lower"] == pytest.approx(inter.estimate_ci_lower)
    assert (inter.estimate_ci_upper - inter.estimate_ci_lower) == pytest.approx(2 * norm.ppf(1 - alpha / 2) * inter.estimate_se, rel=1e-2)


def test_an_alpha_outside_zero_and_one_is_refused(fitted):
    inst, data, rm, structural = fitted
    with pytest.raises(Exception, match="alpha is 5; give a significance level between 0 and 1"):
        hypothesis_tests(rm, structural=structural, scores=sd.construct_scores(data, inst), data=data,
                         constructs=inst.constructs, alpha=5)


def test_the_hypothesis_caption_states_the_level_of_the_tests():
    nb = json.loads((ROOT / "notebooks" / "20_survey.ipynb").read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"])
    start = source.index('"survey_hypotheses", Message(')
    caption = source[start:source.index("role=\"hypotheses\"", start)]
    assert "95%" not in caption and "{level:.0%} CI" in caption and "level = tests.level" in source
