"""The relationship-quality report's H7 (examiner's report B, item 20): its two tests, an interaction on composite
scores and a multi-group SEM difference, give different numbers; when both are reported the verdict says why
(different estimators), and the interaction of a two-group answer names the other group (Large accounts against
Small accounts), in English and Chinese."""

import pytest

from kamlib.i18n import Message, made
from kamlib.survey import research_model as rm


@pytest.fixture(scope="module")
def h7():
    """The study's model and H7 on simulated answers (the survey notebook's inputs, small)."""
    import yaml

    from kamlib.config import DATA
    from kamlib.survey import instrument, invariance
    from kamlib.survey import responses as sd
    from kamlib.survey import sem

    inst = instrument.load(DATA / "survey" / "relationship_quality.yaml")
    study = yaml.safe_load(open("studies/relationship_quality.yaml", encoding="utf-8"))["survey"]
    model = rm.declare(study["model"], [h for h in study["hypotheses"] if h["id"] in ("H5", "H7")],
                       constructs=inst.constructs)
    data = sd.clean(sd.simulate(inst, 300, seed=20240601), inst, min_seconds=90).data
    scores = sd.construct_scores(data, inst)
    structural = sem(data, model.syntax(inst.constructs))
    inv = invariance(data, inst.constructs, data["SIZE"], points=inst.points)
    return rm.hypothesis_tests(model, structural=structural, scores=scores, data=data, constructs=inst.constructs,
                               invariance={"SIZE": inv}, n_boot=20, seed=1)


def test_the_two_h7_tests_say_why_they_differ_and_name_both_groups(h7):
    rows = h7.table[h7.table["hypothesis"] == "H7"]
    if len(rows) < 2:
        pytest.skip("invariance did not reach the metric level on this sample: the multi-group test is not run")
    inter, multi = rows[~rows["multigroup"].astype(bool)].iloc[0], rows[rows["multigroup"].astype(bool)].iloc[0]
    method = str(inter["method"])
    assert "Large accounts against Small accounts" in method and "the others" not in method
    assert "大客户相对于小客户" in made(method).translate("zh")
    for r in (inter, multi):
        en = str(r["verdict"])
        zh = made(en).translate("zh")
        assert f"the interaction ({inter['estimate']:.3f}) and the multi-group difference ({multi['estimate']:.3f}) " \
               "are different estimators" in en
        assert "composite scores" in en and "latent SEM" in en and "不同的估计量" in zh and "different" not in zh


def test_the_reason_is_said_only_beside_both_tests():
    rows = [{"hypothesis": "H7", "supported": "not detected", "verdict": Message("x", "phrase"), "multigroup": m,
             "estimate": e} for m, e in ((False, 0.176), (True, 0.029))]
    model = rm.declare("LOY ~ CM", [{"id": "H7", "interaction": {"path": "LOY ~ CM", "moderator": "SIZE",
                                                                  "level": "large"},
                                     "moderation": {"path": "LOY ~ CM", "group": "SIZE", "focal": "large",
                                                    "reference": "small"},
                                     "statement": {"en": "s", "zh": "s"}, "basis": ["assumption"],
                                     "sign": "positive"}], constructs={"LOY": ["L1"], "CM": ["C1"]})
    rm._combine(rows, model)
    assert "the interaction (0.176) and the multi-group difference (0.029) are different estimators" in str(
        rows[0]["verdict"])
    single = [dict(rows[0], verdict=Message("x", "phrase"))]
    rm._combine(single, model)
    assert str(single[0]["verdict"]) == "x"
