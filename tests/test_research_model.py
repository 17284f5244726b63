"""The research model is the study's (issue 48, item 1): kamlib reads and tests a declared model and its
hypotheses, and holds none of its own.

The reference values are the simulation's documented truth (data/survey/relationship_quality.yaml), never a
previous run's output.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest

from kamlib import survey
from kamlib.config import DATA, STUDIES
from kamlib.errors import KamError
from kamlib.survey import instrument
from kamlib.survey import responses as sd
from kamlib.survey.research_model import declare, hypothesis_tests, real_tests

ROOT = Path(__file__).resolve().parents[1]
RQ_MODEL = "CM ~ a*TR\nSAT ~ TR + CM\nLOY ~ SAT + b*CM\nvia := a*b"


def _h(hid, **kind):
    return {"id": hid, "statement": {"en": f"statement {hid}", "zh": f"陈述 {hid}"}, **kind}


@pytest.fixture(scope="module")
def rq():
    return instrument.load(DATA / "survey" / "relationship_quality.yaml")


@pytest.mark.parametrize("model, hypotheses, words", [
    ("SAT =~ s1 + s2\nLOY ~ SAT", [], "measurement line"),
    ("LOY ~ SAT + XX", [], "XX, which the instrument does not define"),
    ("LOY ~ SAT", [_h("H1", path="SAT ~ LOY")], "a path the model does not have"),
    ("LOY ~ SAT", [_h("H1", defined="ind")], "which the model does not define"),
    ("LOY ~ SAT\nind := a*b", [], "no path is labelled a, b"),
    ("CM ~ a*TR\nLOY ~ b*SAT\nind := a*b", [_h("H1", defined="ind", test="bootstrap")], "not one, so use test: delta"),
    ("LOY ~ SAT", [_h("H1", path="LOY ~ SAT"), _h("H1", path="LOY ~ SAT")], "declares H1 more than once"),
    ("LOY ~ SAT", [_h("H1", path="LOY ~ SAT", defined="x")], "exactly one of path, defined"),
    ("LOY ~ SAT", [{"id": "H1", "path": "LOY ~ SAT", "statement": {"zh": "只有中文"}}], "has no English text"),
    ("LOY ~ SAT", [_h("H1", moderation={"path": "LOY ~ SAT", "group": "SIZE"})], "needs group .* and focal"),
    (None, [_h("H1", path="LOY ~ SAT")], "survey.model is empty"),
])
def test_a_declaration_the_run_cannot_test_is_refused_with_the_key_and_the_fix(model, hypotheses, words):
    constructs = {c: [f"{c}1", f"{c}2"] for c in ("TR", "CM", "SAT", "LOY")}
    with pytest.raises(KamError, match=words):
        declare(model, hypotheses, constructs=constructs)


def test_the_study_file_is_checked_when_it_is_loaded(study_file, tmp_path):
    from kamlib.workbench import runner
    from kamlib.workbench.study import load

    bad = study_file(name="bad-model", survey__hypotheses=[_h("H1", path="LOY ~ PQ")])
    with pytest.raises(KamError, match="survey.hypotheses.H1.path is 'LOY ~ PQ', a path the model does not have"):
        load(bad)
    unknown = study_file(name="unknown-construct", notebooks=["20_survey"], survey__model="LOY ~ SAT + TR",
                         survey__hypotheses=[])
    with pytest.raises(KamError, match="TR, which the instrument does not define"):
        runner.check_data(unknown)
    group = study_file(name="unknown-group", notebooks=["20_survey"], survey__model="LOY ~ SAT",
                       survey__hypotheses=[_h("H1", moderation={"path": "LOY ~ SAT", "group": "SIZE", "focal": "x"})])
    with pytest.raises(KamError, match="moderation.group is 'SIZE', which is neither a construct nor a profile"):
        runner.check_data(group)


@pytest.mark.slow
def test_kamlib_holds_no_hypothesis_of_its_own():
    """The default study's statements, construct codes of its model and hypothesis ids live in the study file;
    no module of kamlib names them outside docstring examples."""
    import ast

    statements = [h["statement"]["en"] for h in _default_hypotheses()]
    for path in (ROOT / "kamlib").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert node.value not in statements, f"{path.name}:{node.lineno} states a hypothesis: {node.value!r}"
                assert not re.fullmatch(r"H[1-9](_real)?(_estimate|_supported)?", node.value), \
                    f"{path.name}:{node.lineno} names the hypothesis {node.value!r}"


def _default_hypotheses():
    import yaml

    return yaml.safe_load((STUDIES / "default.yaml").read_text(encoding="utf-8"))["survey"]["hypotheses"]


def test_the_default_study_declares_its_model_the_same_way():
    from kamlib.workbench.study import load

    study = load()
    inst = instrument.load(DATA / "survey" / "instrument.yaml")
    rm = declare(study.survey.model, [h.model_dump() for h in study.survey.hypotheses], constructs=inst.constructs)
    assert [h.id for h in rm.hypotheses] == [f"H{i}" for i in range(1, 9)]
    assert rm.chain("indirect") == ("SQ", "SAT", "LOY") and rm.driver_outcome == "SAT"
    assert rm.groups == ["TIER"] and set(real_tests(rm)) == {"H6", "H7"}
    assert rm.hypotheses[0].statement.translate("zh") == "产品质量提升满意度"


def _continuous(inst, n, seed, extra=None):
    """Answers without categories or defects, reverse items flipped back by sign, equal loadings."""
    inst = copy.deepcopy(inst)
    inst.simulation["loadings"] = {}
    if extra is not None:
        inst.simulation["groups"] = {**inst.simulation["groups"], "extra": extra}
    data = sd.simulate(inst, n, seed=seed, defects=False, likert=False)
    for item in inst.reverse_items:
        data[item] = -data[item]
    return inst, data


def test_the_simulator_draws_any_recursive_model_and_the_sem_recovers_it(rq):
    """The relationship-quality model (trust -> commitment -> satisfaction and loyalty) from its instrument file:
    on 4,000 continuous answers with equal loadings (marker-scaled paths equal the standardised truth in the
    reference group), each path of the small accounts lies within 3 SE of its documented value."""
    inst, data = _continuous(rq, 4000, seed=11, extra={})  # no group difference: one truth for all
    truth = sd.true_model(inst)["paths"]
    res = survey.sem(data, survey.measurement_model(inst.constructs) + "\n" + RQ_MODEL.replace("a*", "").replace("b*", "").rsplit("\n", 1)[0])
    paths = res.paths().set_index(["lval", "rval"])
    for outcome, drivers in truth.items():
        for driver, value in drivers.items():
            row = paths.loc[(outcome, driver)]
            assert abs(row["estimate"] - value) < 3 * row["estimate_se"], (outcome, driver, row["estimate"], value)
    assert set(data["SIZE"]) == {"large", "small"} and set(data["INDUSTRY"]) <= {"retail", "manufacturing", "services"}


def test_each_kind_of_hypothesis_is_tested_by_its_method_and_finds_the_documented_truth(rq):
    """Paths, a defined indirect effect (delta method), an interaction with an answer column and a multi-group
    comparison, on answers drawn from the documented truth: large accounts' CM -> LOY path is 0.25 stronger."""
    hypotheses = [_h("H1", path="CM ~ TR"), _h("H6", defined="via"),
                  _h("H7", interaction={"path": "LOY ~ CM", "moderator": "SIZE", "level": "large"},
                     moderation={"path": "LOY ~ CM", "group": "SIZE", "focal": "large"}),
                  _h("H9", path="SAT ~ TR", sign="negative")]
    rm = declare(RQ_MODEL, hypotheses, constructs=rq.constructs)
    inst, data = _continuous(rq, 3000, seed=5)
    scores = sd.construct_scores(data, inst)
    structural = survey.sem(data, rm.syntax(inst.constructs))
    level = type("Level", (), {"level": "metric"})()  # the simulator measures both groups alike
    t = hypothesis_tests(rm, structural=structural, scores=scores, data=data, constructs=inst.constructs,
                         invariance={"SIZE": level})
    rows = t.table.set_index(["hypothesis", "multigroup"])
    paths = structural.paths().set_index(["lval", "rval"])["estimate"]
    assert rows.loc[("H1", False), "estimate"] == pytest.approx(paths[("CM", "TR")])
    assert rows.loc[("H1", False), "supported"] == "yes"
    assert rows.loc[("H6", False), "estimate"] == pytest.approx(paths[("CM", "TR")] * paths[("LOY", "CM")], rel=1e-6)
    method = str(rows.loc[("H7", False), "method"])  # the instrument's labels, not its codes (SIZE, large)
    assert rows.loc[("H7", False), "supported"] == "yes" and "with Account size: Large accounts against Small accounts" in method
    assert str(rows.loc[("H7", False), "verdict"]).startswith("supported; both tests detect it; the interaction (")
    assert rows.loc[("H7", True), "supported"] == "yes"
    assert rows.loc[("H7", True), "estimate"] == pytest.approx(0.25, abs=3 * (rows.loc[("H7", True), "ci_upper"]
                                                                                - rows.loc[("H7", True), "estimate"]) / 1.96)
    assert rows.loc[("H9", False), "supported"] == "contrary"  # the path is positive, the hypothesis says negative
    assert str(rows.loc[("H9", False), "verdict"]).startswith("contrary: the 95% interval")
    # a truly negative path declared negative is supported: trust measured by its items turned around
    turned = data.assign(**{f"{i}n": -data[i] for i in inst.constructs["TR"]})
    negated = {"TRN": [f"{i}n" for i in inst.constructs["TR"]], "CM": inst.constructs["CM"]}
    neg = declare("CM ~ TRN", [_h("H10", path="CM ~ TRN", sign="negative")], constructs=negated)
    t_neg = hypothesis_tests(neg, structural=survey.sem(turned, neg.syntax(negated)), scores=scores, data=turned,
                             constructs=negated)
    assert t_neg.table.iloc[0]["estimate"] < 0 and t_neg.table.iloc[0]["supported"] == "yes"
    # no difference in the truth: neither test finds one
    inst0, data0 = _continuous(rq, 3000, seed=5, extra={})
    t0 = hypothesis_tests(rm, structural=survey.sem(data0, rm.syntax(inst0.constructs)),
                          scores=sd.construct_scores(data0, inst0), data=data0, constructs=inst0.constructs,
                          invariance={"SIZE": level})
    h7 = t0.table[t0.table["hypothesis"] == "H7"]
    assert set(h7["supported"]) == {"not detected"}  # not "not supported": the test does not show the effect absent
    assert all(str(v).startswith("not detected by this test") and
               "neither test detects it; both are reported, as the study declares no deciding test" in str(v)
               for v in h7["verdict"])
    # loadings not shown equal: the multi-group row is left out with its reason
    t1 = hypothesis_tests(rm, structural=structural, scores=scores, data=data, constructs=inst.constructs)
    assert not t1.table["multigroup"].any() and "H7 is not compared across the groups of SIZE" in str(t1.notes[0])


def test_a_bootstrap_test_of_a_mediation_uses_the_declared_equations(rq):
    """a from CM ~ TR and b from LOY ~ SAT + CM, as the model declares them: no undeclared control (SAT in the
    a-path) or path (TR -> LOY); tests/test_declared_mediation.py checks it against R."""
    rm = declare(RQ_MODEL, [_h("H6", defined="via", test="bootstrap")], constructs=rq.constructs)
    inst, data = _continuous(rq, 800, seed=2)
    scores = sd.construct_scores(data, inst)
    t = hypothesis_tests(rm, structural=survey.sem(data, rm.syntax(inst.constructs)), scores=scores, data=data,
                         constructs=inst.constructs, n_boot=200, seed=1)
    complete = scores.loc[data[inst.items].notna().all(axis=1)]
    a = np.linalg.lstsq(np.column_stack([np.ones(len(complete)), complete["TR"]]), complete["CM"], rcond=None)[0][1]
    b = np.linalg.lstsq(np.column_stack([np.ones(len(complete)), complete[["SAT", "CM"]]]), complete["LOY"],
                        rcond=None)[0][2]
    assert t.mediations["H6"].indirect == pytest.approx(a * b)
    assert t.table.iloc[0]["estimate"] == pytest.approx(a * b)
    assert str(t.table.iloc[0]["method"]).startswith("indirect effect of Trust on Loyalty through Commitment")
    # the model has no direct TR -> LOY path: the notes say it assumes none, and which estimate decides
    said = " ".join(map(str, t.notes))
    assert "has no direct path Trust -> Loyalty, so it assumes that there is no direct effect" in said
    assert "decided by the percentile bootstrap" in said and "does not decide" in said


def test_an_interaction_moderator_that_is_not_an_answer_or_construct_is_named(rq):
    rm = declare(RQ_MODEL, [_h("H7", interaction={"path": "LOY ~ CM", "moderator": "REGION"})], constructs=rq.constructs)
    inst, data = _continuous(rq, 300, seed=2)
    with pytest.raises(KamError, match=r"REGION', which is neither a construct \(TR, CM, SAT, LOY\) nor an answer column"):
        hypothesis_tests(rm, structural=survey.sem(data, rm.syntax(inst.constructs)),
                         scores=sd.construct_scores(data, inst), data=data, constructs=inst.constructs)
    rm2 = declare(RQ_MODEL, [_h("H7", interaction={"path": "LOY ~ CM", "moderator": "SIZE", "level": "huge"})],
                  constructs=rq.constructs)
    with pytest.raises(KamError, match="level is 'huge', which no respondent answers in SIZE"):
        hypothesis_tests(rm2, structural=survey.sem(data, rm2.syntax(inst.constructs)),
                         scores=sd.construct_scores(data, inst), data=data, constructs=inst.constructs)
    assert np.isfinite(hypothesis_tests(
        declare(RQ_MODEL, [_h("H8", interaction={"path": "SAT ~ CM", "moderator": "TR"})], constructs=rq.constructs),
        structural=survey.sem(data, rm.syntax(inst.constructs)), scores=sd.construct_scores(data, inst), data=data,
        constructs=inst.constructs).table.iloc[0]["estimate"])  # a construct as the moderator
