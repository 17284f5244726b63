"""The report's reasoning reads typed stage results, never notebooks or value keys (issue 47, item 1).

kamlib.stage_results maps what a run recorded to documented attributes in one place (RECORDED, KEPT); the closings and
the discussion are functions of those attributes; the workbench renders them and names no notebook and no value key."""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from kamlib import stage_results as sr
from kamlib.config import NOTEBOOKS, ROOT
from kamlib.errors import KamError
from kamlib.stage_results import (Act, Evaluate, Identify, Literature, Segment, StageResults, Understand, closing,
                                  confront, load_claims, recorded)

#: The default study's claims register (its literature.claims): kamlib ships none of a study's
CLAIMS = load_claims("data/literature/claims.csv")

WORKBENCH = ROOT / "kamlib" / "workbench"
#: The workbench's reasoning and its rendering: they read attributes only
REASONING = [WORKBENCH / "discussion.py", WORKBENCH / "findings.py", WORKBENCH / "report.py"]
#: A notebook's name as the acceptance check of issue 47 greps it
NOTEBOOK_NAME = re.compile(r"(00|01|10|20|25|30|35|40|45)_[a-z]+")


# ------------------------------------------------------------------------------------------- the one mapping

def test_every_attribute_has_one_source_and_says_what_it_is():
    """Each attribute is recorded from one place (RECORDED or KEPT) and its class documents it (definition, unit)."""
    assert set(sr.STAGES) == {s for s, _ in sr.RECORDED} | {s for s, _ in sr.KEPT}
    assert not set(sr.RECORDED) & set(sr.KEPT)
    for stage, cls in sr.STAGES.items():
        fields = {f.name for f in dataclasses.fields(cls)}
        sourced = {a for s, a in sr.RECORDED if s == stage} | {a for s, a in sr.KEPT if s == stage}
        assert fields == sourced, (stage, fields ^ sourced)
        doc = cls.__doc__.split("Attributes\n    ----------\n", 1)[1].split("\n\n", 1)[0]
        for name in fields:
            described = re.search(rf"^    {name} : .+\n((?:        .+\n?)+)", doc, flags=re.M)
            assert described and len(described.group(1).split()) >= 4, f"{cls.__name__}.{name} is not described"


def _record_patterns(nb: str) -> list[re.Pattern]:
    """The keys notebook ``nb`` records (``art.record("key"`` or an f-string, whose fields match any text)."""
    source = "\n".join("".join(c["source"]) for c in json.loads((NOTEBOOKS / f"{nb}.ipynb").read_text(
        encoding="utf-8"))["cells"] if c["cell_type"] == "code")
    return [re.compile(".+".join(map(re.escape, re.split(r"\{[^{}]*\}", key))))
            for _, key in re.findall(r'art\.record\(\s*(f?)"((?:[^"\\]|\\.)*)"', source)]


def _keeps(nb: str) -> set[str]:
    source = (NOTEBOOKS / f"{nb}.ipynb").read_text(encoding="utf-8")
    return set(re.findall(r'art\.keep\(\\?"([a-z_]+)\\?"', source))


@pytest.mark.parametrize("where", sorted(sr.RECORDED))
def test_every_mapped_value_is_recorded_by_its_notebook(where):
    """A key the mapping reads that no notebook records leaves its sentences out of every report."""
    notebook, key = sr.RECORDED[where]
    example = re.sub(r"\(\?P<id>.*\)", "x", key) if "(?P<id>" in key else key  # one key a pattern stands for
    assert re.fullmatch(key, example)
    assert any(p.fullmatch(example) for p in _record_patterns(notebook)), f"{notebook} records no {example}"


def test_every_kept_result_is_kept_by_a_notebook():
    kept = set().union(*(_keeps(p.stem) for p in NOTEBOOKS.glob("*.ipynb")))
    assert set(sr.KEPT.values()) <= kept, kept


def test_recorded_values_become_typed_attributes():
    values = {
        "10_key_accounts": {"key_accounts": 7, "gini": 0.5, "top20_revenue_share": 0.61, "value_model": "none",
                            "degenerate_models": ["BG/NBD", "Pareto/NBD"]},
        "20_survey": {"H6_real_supported": "no", "H6_real_estimate": 0.3, "real_survey_n": 250},
        "30_segments": {"k_chosen": 3, "segment_0_revenue_share": 0.7, "segment_2_revenue_share": 0.3,
                        "stage_new": 12},
        "35_churn": {"auc_logit": 0.74, "auc_bgnbd_p_alive": float("nan"), "auc_telecom": 0.9, "tx_threshold": 0.1},
        "40_strategy": {"capture_clv_ci": [0.5, 0.6], "capture_monetary": 0.55},
        "45_personalisation": {"personalised_new_lift_ci": [-0.1, 0.4]},
    }
    r = recorded(values)
    assert (r.identify.key_accounts, r.identify.gini, r.identify.top_revenue_share) == (7, 0.5, 0.61)
    assert r.identify.value_model == "" and r.identify.degenerate_models == ("BG/NBD", "Pareto/NBD")
    assert r.identify.key_accounts_revenue_share is None and r.identify.tiers is None  # not recorded
    assert r.understand.real_supported == {"H6": False} and r.understand.real_estimates == {"H6": 0.3}
    assert r.segment.k == 3 and r.segment.revenue_shares == {"0": 0.7, "2": 0.3}  # no row for the empty segment
    assert r.segment.churn_auc == 0.74 and set(r.segment.churn_aucs) == {"logit", "bgnbd_p_alive"}  # no telecom
    assert r.evaluate.capture_clv_ci == (0.5, 0.6) and r.evaluate.capture_past_revenue == 0.55
    assert r.act.personalised_lift_ci == (-0.1, 0.4) and r.act.rules is None
    assert recorded({"20_survey": {"H6_real_supported": "yes"}}).understand.real_supported == {"H6": True}
    assert recorded({"10_key_accounts": {"value_model": "BG/CNBD-k"}}).identify.value_model == "BG/CNBD-k"
    empty = recorded({})
    assert all(v is None for stage in sr.STAGES for v in dataclasses.asdict(getattr(empty, stage)).values())


def test_the_kept_tiers_count_the_key_accounts():
    """One owner per concept: when the identification kept its tiers, their members are the key accounts."""
    from kamlib import tiers

    base = pd.DataFrame({"revenue": [10, 5, 1, 0.5], "clv": [5, 1, 1, 0], "p_alive": [0.9, 0.2, 0.8, 0.9],
                         "recency": [4, 1, 4, 4], "T": [5, 5, 5, 5]}, index=["a", "b", "c", "d"])
    t = tiers.assign(base, key_share=0.5, develop_share=0.9, value_model="BG/CNBD-k")
    # the top half by revenue (a, b) are the key accounts, b at risk (P(alive) 0.2 < 0.5)
    r = recorded({"10_key_accounts": {"key_accounts": 99, "value_model": "BG/NBD"}}, {"key_accounts": t})
    assert r.identify.tiers is t and r.identify.key_accounts == 2 and r.identify.value_model == "BG/CNBD-k"
    assert "use BG/CNBD-k, the model chosen on the holdout" in " ".join(closing("identify", r))
    # what the identification notebook keeps: the whole Identification, whose tiers count
    ident = tiers.Identification(None, {}, None, "bgcnbd", base, t)
    r = recorded({"10_key_accounts": {"key_accounts": 99}}, {"key_accounts": ident})
    assert r.identify.tiers is t and r.identify.key_accounts == 2 and r.identify.value_model == "BG/CNBD-k"
    none = tiers.assign(base, key_share=0.5, develop_share=0.9, value_model="")
    r = recorded({"10_key_accounts": {"value_model": "BG/NBD"}}, {"key_accounts": none})
    assert r.identify.value_model == ""
    assert "no purchase model beats a sort by past revenue" in " ".join(closing("identify", r))


@pytest.mark.notebook
def test_the_quick_report_keeps_the_tiers_its_values_count(quick_report):
    """The kept tiers and the recorded values of a report say the same (one count in the whole report)."""
    from kamlib.workbench import discussion

    out = quick_report
    values = {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in (out / "values").glob("*.json")}
    kept, bare = discussion.stage_results(values, out), discussion.stage_results(values)
    assert kept.identify.tiers is not None and bare.identify.tiers is None
    assert (kept.identify.key_accounts, kept.identify.value_model) == (bare.identify.key_accounts,
                                                                         bare.identify.value_model)


# ---------------------------------------------------------------------------------- words from attributes

def _full() -> StageResults:
    """Every attribute a sentence reads (numbers made up here)."""
    return StageResults(
        literature=Literature(n_sources=12, n_themes=6, mean_kappa=0.81),
        identify=Identify(key_accounts=845, key_accounts_revenue_share=0.7225, top_revenue_share=0.7394, gini=0.7087,
                          value_model="BG/CNBD-k", degenerate_models=("BG/NBD",)),
        understand=Understand(hypotheses_tested=8, hypotheses_supported=5, real_survey_n=250,
                              real_estimates={"H6": 0.52}, real_supported={"H6": True}, n_reviews=10000),
        segment=Segment(k=4, k_gap=3, k_silhouette=4, revenue_shares={"0": 0.55, "1": 0.25, "2": 0.15, "3": 0.05},
                        top_customer_share=0.3, churn_auc=0.74, churn_aucs={"logit": 0.74}),
        act=Act(baskets=18000, rules=313, rules_significant=120, personalised_lift=0.25,
                personalised_lift_ci=(0.1, 0.4), personalised_verdict="supports the claim",
                personalised_method="itemcf", personalised_claim_fact="F001", personalised_claim=0.2,
                personalised_claim_measure="click-through rate"),
        evaluate=Evaluate(top_share=0.2, capture_clv=0.62, capture_clv_ci=(0.58, 0.66), capture_past_revenue=0.55,
                          customers=4000, n_per_arm=1500, detectable_lift=0.1, budget_incremental_clv=1000.0,
                          captures={"monetary": 0.55, "rfm": 0.58, "random": 0.2},
                          capture_differences={"monetary": (0.0, 0.0), "rfm": (-0.01, 0.07), "random": (-0.4, -0.3)}))


def test_every_stage_of_the_report_has_a_closing_from_complete_results():
    from kamlib.workbench.notebooks import STAGES

    assert tuple(sr.STAGES) == STAGES  # the report's sections, in its order
    full = _full()
    for stage in sr.STAGES:
        made = closing(stage, full, strict=True)
        assert made and all(m.translate("zh") for m in made), stage
    assert all(c.verdict != sr.NOT_TESTED for c in confront(full, CLAIMS, strict=True))


@pytest.mark.parametrize("stage, attribute", [(s, f.name) for s, cls in sr.STAGES.items()
                                              for f in dataclasses.fields(cls)])
def test_a_missing_input_raises_in_strict_mode_and_is_left_out_otherwise(stage, attribute):
    """Without one attribute, a sentence that needs it raises in strict mode, naming the attribute and where the
    run records it; the report (strict off) leaves only the sentences that need it out, and the rest is unchanged."""
    full = _full()
    part = dataclasses.replace(full, **{stage: dataclasses.replace(getattr(full, stage), **{attribute: None})})

    def said(r, strict=False):
        return ([str(m) for s in sr.STAGES for m in closing(s, r, strict=strict)],
                [(c.id, c.verdict, str(c.evidence)) for c in confront(r, CLAIMS, strict=strict)])

    lenient = said(part)
    try:
        strict = said(part, strict=True)
    except KamError as e:
        cls = sr.STAGES[stage].__name__
        assert f"{cls}.{attribute} (" in str(e)
        where = sr.RECORDED.get((stage, attribute))
        assert where is None or f"{where[1]} of {where[0]}" in str(e)
        assert lenient != said(full)  # a sentence the attribute feeds is left out or changed
    else:
        assert strict == lenient  # an attribute no required sentence reads


def test_a_sentence_follows_its_result_not_its_wording():
    """The guards: an interval across zero is inconclusive, an empty set is said as empty."""
    full = _full()
    act = dataclasses.replace(full, act=dataclasses.replace(full.act, personalised_lift_ci=(-0.1, 0.4)))
    claim = next(c for c in confront(act, CLAIMS) if c.id == "C4")
    # "supports" recorded, but the interval includes zero, and a hit rate is not the claim's click-through rate
    assert claim.verdict == sr.NOT_COMPARABLE and "includes zero" in str(claim.evidence)
    none = dataclasses.replace(full, identify=dataclasses.replace(full.identify, key_accounts=0))
    assert "no customer qualifies as a key account" in str(closing("identify", none)[0])
    for ci, verdict in [((0.5, 0.7), sr.INCONCLUSIVE), ((0.56, 0.7), sr.AGREES), ((0.4, 0.54), sr.DISAGREES)]:
        gap = dataclasses.replace(full, evaluate=dataclasses.replace(full.evaluate, capture_clv_ci=ci))
        assert next(c for c in confront(gap, CLAIMS) if c.id == "C2").verdict == verdict, ci  # against past revenue's 0.55
    assert closing("discussion", full) == []  # no closing for a stage that has none


# --------------------------------------------------------------------------- the source says so (grep checks)

def _strings(path: Path, *, allowed=lambda node, parents: False) -> list[tuple[int, str]]:
    """(line, text) of the string constants of a module that are not docstrings, nor ``allowed(node, parents)``
    (``parents``: the nodes around it, outermost first)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out = []

    def visit(node, parents):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and not allowed(node, parents):
            out.append((node.lineno, node.value))
        for child in ast.iter_child_nodes(node):
            visit(child, parents + [node])

    visit(tree, [])
    return out


def _keys() -> set[str]:
    """The value keys of the mapping (a pattern by its literal text before its group, or after it when the
    group comes first)."""
    return {(key.split("(?P<id>")[0] or key.rsplit(")", 1)[1]) if "(?P<id>" in key else key
            for _, key in sr.RECORDED.values()}


def _is_key(text: str) -> bool:
    """A value key, or the literal part of a pattern a key would be built from."""
    if text in _keys():
        return True
    for _, key in sr.RECORDED.values():
        if "(?P<id>" in key:
            before, after = key.split("(?P<id>")[0], key.rsplit(")", 1)[1]
            if (before and text.startswith(before) and len(text) > len(before)) or \
                    (not before and after and text.endswith(after) and len(text) > len(after)):
                return True
    return False


@pytest.mark.parametrize("path", REASONING, ids=lambda p: p.name)
def test_the_reasoning_names_no_notebook_and_no_value_key(path):
    """Acceptance of issue 47, item 1: discussion.py, findings.py and report.py read attributes; a notebook's name
    or a value key in their code (a docstring's example aside) fails here."""
    strings = _strings(path)
    named = sorted({(line, s) for line, s in strings if NOTEBOOK_NAME.search(s)})
    assert not named, f"{path.name} names notebooks: {named}"
    keys = sorted({(line, s) for line, s in strings if _is_key(s)})
    assert not keys, f"{path.name} reads value keys (kamlib.stage_results.RECORDED reads them): {keys}"


def test_the_discussion_module_names_no_notebook_even_in_its_examples():
    """The grep of issue 47 finds nothing in the discussion's source, examples included."""
    text = (WORKBENCH / "discussion.py").read_text(encoding="utf-8")
    assert not re.findall(r"\"(00|01|10|20|25|30|35|40|45)_[a-z]+\"", text)


def test_only_the_mapping_of_kamlib_stage_results_names_notebooks_and_keys():
    """In kamlib.stage_results, the sentences read attributes: notebook names and value keys occur only in the mapping
    (RECORDED, KEPT and the conversions of recorded values) and as attribute names given to the guard (``_need``) or
    to the mapping's look-up (``_key``)."""
    mapping = {"RECORDED", "KEPT", "_CONVERT"}
    attributes = {f.name for cls in sr.STAGES.values() for f in dataclasses.fields(cls)}

    def allowed(node, parents):
        top = parents[1] if len(parents) > 1 else None  # the module's statement the string is in
        if isinstance(top, (ast.Assign, ast.AnnAssign)) and {getattr(t, "id", None) for t in (
                top.targets if isinstance(top, ast.Assign) else [top.target])} & mapping:
            return True
        call = parents[-1]  # an attribute name the guard reads with getattr, or whose key the mapping gives
        return (isinstance(call, ast.Call) and getattr(call.func, "id", None) in ("_need", "_key")
                and node in call.args and node.value in attributes)

    path = ROOT / "kamlib" / "stage_results.py"
    strings = _strings(path, allowed=allowed)
    named = sorted({(line, s) for line, s in strings if NOTEBOOK_NAME.search(s) or _is_key(s)})
    assert not named, f"kamlib/stage_results.py names notebooks or value keys outside its mapping: {named}"
    assert len(_strings(path)) - len(strings) >= 2 * len(sr.RECORDED)  # the check saw the mapping's strings


def test_the_analysis_side_does_not_import_the_workbench():
    imported = {n.module or "" for n in ast.walk(ast.parse((ROOT / "kamlib" / "stage_results.py").read_text(
        encoding="utf-8"))) if isinstance(n, ast.ImportFrom)}
    assert not [m for m in imported if "workbench" in m]


def test_a_nan_churn_score_is_no_verdict():
    r = StageResults(segment=Segment(churn_auc=math.nan, churn_aucs={"logit": math.nan}))
    assert closing("segment", r) == []
    assert next(c for c in confront(r, CLAIMS) if c.id == "C3").verdict == sr.NOT_TESTED


def test_the_churn_claim_judges_the_score_fixed_in_advance_by_its_readable_name():
    """The examiner's C3: the best of several scores on the test half flatters the claim, and 'bgnbd_expected' is a
    record key, not a name; the logistic regression is judged, named as a reader names it, in both languages."""
    r = StageResults(segment=Segment(churn_aucs={"logit": 0.64, "bgnbd_expected": 0.77, "paretonbd_p_alive": 0.70}))
    verdict, evidence = sr._churn_prediction(r)
    assert verdict == sr.INCONCLUSIVE  # 0.64: between poor discrimination (0.6) and the claim's 0.7
    text = str(evidence)
    assert "0.640" in text and "logistic regression" in text and "bgnbd_expected" not in text and "0.770" not in text
    assert "逻辑回归" in evidence.translate("zh")
    only = StageResults(segment=Segment(churn_aucs={"paretonbd_p_alive": 0.72}))
    assert "1 - P(alive) of the Pareto/NBD" in str(sr._churn_prediction(only)[1])


@pytest.mark.parametrize("auc, words", [(0.53, "poor (AUC 0.530, above 0.5 and below 0.7"), (0.5, "no discrimination"),
                                        (0.3, "worse than chance"), (0.71, "acceptable (AUC 0.710, at least 0.7")])
def test_auc_words_follow_hosmer_lemeshow_and_sturdivants_bands(auc, words):
    """Hosmer, Lemeshow & Sturdivant (2013, p. 177): above 0.5 and below 0.7 is poor discrimination, not 'no better
    than chance' (the examiner's defect: 'no better than chance (AUC 0.530, at least 0.5)')."""
    from kamlib.churn import auc_verdict

    assert str(auc_verdict(auc)).startswith(words)


def test_the_clv_claim_is_judged_by_the_paired_interval_of_the_difference():
    """The examiner's C2: the CLV rule's own interval beside past revenue's point estimate is no test of the
    difference; with the paired interval recorded, the verdict and the words follow it, and a degenerate fit is named
    only when it is the model that values the customers."""
    ev = Evaluate(top_share=0.1, capture_clv=0.306, capture_clv_ci=(0.24, 0.39), capture_past_revenue=0.284,
                  capture_difference_ci=(-0.02, 0.07))
    r = StageResults(evaluate=ev, identify=Identify(value_model="MBG/NBD", degenerate_models=("Pareto/NBD",)))
    verdict, evidence = sr._clv_over_sort(r)
    assert verdict == sr.INCONCLUSIVE and "+2.2 percentage points (95% CI -2.0 to +7.0" in str(evidence)
    assert "%" not in str(evidence).split("95% CI")[1]  # two shares' difference: points, not percent (item 26)
    assert "Pareto/NBD" not in str(evidence) and "相差 +2.2 个百分点" in evidence.translate("zh")
    above = StageResults(evaluate=dataclasses.replace(ev, capture_difference_ci=(0.01, 0.07)),
                         identify=Identify(value_model="MBG/NBD", degenerate_models=("MBG/NBD",)))
    verdict, evidence = sr._clv_over_sort(above)
    assert verdict == sr.AGREES and "MBG/NBD cannot identify dropout" in str(evidence)


def test_a_two_arm_test_counts_both_arms_against_the_log():
    """Examiner: "needs 4,912 customers per arm, more than the 5,000 in the log" read as a contradiction; the
    sentence now says the 9,824 both arms need."""
    from kamlib.stage_results import CHECKS, Evaluate, INCONCLUSIVE

    verdict, evidence = CHECKS["experiment_size"](StageResults(evaluate=Evaluate(customers=5000, n_per_arm=4912,
                                                                                  detectable_lift=0.31)))
    assert verdict == INCONCLUSIVE and "4,912 customers per arm (9,824 in all), more than the 5,000" in str(evidence)
    assert "9,824" in evidence.translate("zh")
