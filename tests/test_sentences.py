"""Generated sentences cannot contradict their numbers (issue 47): the summary's words follow the verdicts of
kamlib.verdicts on the recorded numbers, and the questionnaire's sentence has a template for every case it meets."""

from __future__ import annotations

import ast
import itertools
import json
import string

import pytest

from kamlib import stage_results
from kamlib.config import NOTEBOOKS
from kamlib.errors import KamError
from kamlib.workbench import findings
from kamlib.workbench.artefacts import Artefacts

PERSONALISATION = ("For new products, personalised recommendations hit {lift} more often than popular ones (95% CI "
                   "{lo} to {hi}); the sources claim at least {claim}.")


def _manifest(nb, stage, declared):
    return {"notebooks": {nb: {"stage": stage, "findings": declared}}}


def _personalisation(lift, lo, hi, language="en"):
    declared = [{"key": "personalisation", "evidence": "rec_hit_rates", "template": PERSONALISATION, "numbers": {
        "lift": {"key": "personalised_new_lift", "kind": "share"}, "lo": {"key": "personalised_new_lift_ci", "kind": "share", "index": 0},
        "hi": {"key": "personalised_new_lift_ci", "kind": "share", "index": 1}, "claim": {"text": "20%", "text_zh": "20%"}}}]
    values = {"45_personalisation": {"personalised_new_lift": lift, "personalised_new_lift_ci": [lo, hi]}}
    return findings.findings(_manifest("45_personalisation", "act", declared), values, language)[0]


def test_the_quoted_headline_reads_inconclusive_in_both_languages():
    """'hit 14.3% more often than popular ones (95% CI -66.7% to 300.8%)' was the summary's headline."""
    en = _personalisation(0.143, -0.667, 3.008)
    assert "inconclusive" in en.text() and "more often than popular ones (95%" not in en.text()
    assert "14.3%" in en.text() and "-66.7%" in en.text() and "300.8%" in en.text()
    assert "data-value='0.143'" in en.html()  # the numbers stay marked up with their recorded values
    zh = _personalisation(0.143, -0.667, 3.008, "zh").text()
    assert "无法判断" in zh and "英文原文" not in zh and "高 14.3%" not in zh


@pytest.mark.parametrize("lift, lo, hi, said, zh_said", [
    (0.3, 0.05, 0.6, "hit 30.0% more often than popular ones", "高 30.0%"),
    (-0.3, -0.6, -0.05, "hit less often than popular ones: a lift of -30.0%", "低于热门推荐"),
    (0.3, -0.05, 0.6, "is inconclusive", "无法判断"),
])
def test_a_lift_is_worded_by_its_interval(lift, lo, hi, said, zh_said):
    en = _personalisation(lift, lo, hi).text()
    assert said in en and ("more often than popular ones (95%" in en) == (lo > 0)
    assert zh_said in _personalisation(lift, lo, hi, "zh").text()


def _finding_templates() -> dict[str, set[str]]:
    """The templates of every art.finding call in the notebooks, by notebook: literal, or kamlib's constant."""
    out: dict[str, set[str]] = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:  # a cell with IPython syntax
                continue
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("finding", "recommendation") and len(node.args) > 1):
                    arg = node.args[1]
                    # one template, or either of two (``A if ... else B``)
                    for one in ([arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]):
                        if isinstance(one, ast.Constant):
                            out.setdefault(path.stem, set()).add(one.value)
                        elif (isinstance(one, ast.Attribute) and isinstance(one.value, ast.Name)
                              and one.value.id == "stage_results"):  # a sentence kamlib words by a verdict
                            out.setdefault(path.stem, set()).add(getattr(stage_results, one.attr))
    return out


def test_every_worded_template_is_one_a_notebook_declares():
    """kamlib rewords a declared sentence by its template: a notebook that changes the template's text must change
    findings.WORDED with it, or the sentence would go back to words that ignore the verdict."""
    declared = set().union(*_finding_templates().values())
    assert len(declared) > 5
    assert not sorted(set(findings.WORDED) - declared), "findings.WORDED names templates no notebook declares"


def test_each_verdict_template_names_the_declared_numbers_and_has_its_chinese():
    from kamlib.i18n import gettext

    def fields(t):
        return {f for _, f, _, _ in string.Formatter().parse(t) if f}

    for declared, worded in findings.WORDED.items():
        for verdict, template in worded.templates.items():
            assert fields(template) == fields(declared) | ({"cut"} if worded.rule else set()), (declared, verdict)
            assert gettext(template, "finding", "zh"), template


def test_a_worded_template_that_disagrees_with_the_notebook_is_an_error():
    declared = [{"key": "concentration", "template": next(iter(findings.WORDED)), "numbers": {
        "share": {"key": "top20_revenue_share", "kind": "share"}}}]  # gini left out
    with pytest.raises(KamError, match="name the same numbers"):
        findings.findings(_manifest("10_key_accounts", "identify", declared),
                          {"10_key_accounts": {"top20_revenue_share": 0.7}})


# ---------------------------------------------------------------------------------- the questionnaire's sentence

def _tested(n, supported, qualified):
    """n hypotheses H1..Hn; the first ``supported`` supported; the first ``qualified`` of those qualified."""
    return [(f"H{i + 1}", "yes" if i < supported else "no", i < qualified) for i in range(n)]


BRANCHES = [(n, s, q, sim) for (n, s, q), sim in itertools.product(
    [(8, 0, 0), (8, 3, 0), (8, 3, 2), (8, 8, 0), (8, 8, 1), (1, 1, 0), (1, 0, 0)], [False, True])]


@pytest.mark.parametrize("n, supported, qualified, simulated", BRANCHES)
def test_every_branch_of_the_hypotheses_sentence_names_exactly_its_numbers(tmp_path, n, supported, qualified,
                                                                          simulated):
    """The crash of a 300-respondent study: a simulated survey with a qualified hypothesis had no template."""
    tested = _tested(n, supported, qualified)
    art = Artefacts("20_survey", {}, output_dir=tmp_path)
    art.record("hypotheses_tested", n)
    art.record("hypotheses_supported", supported)
    template, numbers = stage_results.hypotheses_sentence(tested, simulated=simulated)
    art.finding("hypotheses", template, evidence="survey_hypotheses", priority=90, **numbers)  # raised before
    manifest = _manifest("20_survey", "understand", art.findings)
    en = findings.findings(manifest, {"20_survey": art.values})[0].text()
    zh = findings.findings(manifest, {"20_survey": art.values}, "zh")[0].text()
    assert "英文原文" not in zh
    assert en.startswith("On the simulated survey") == simulated and ("show the method" in en) == simulated
    assert ("模拟问卷" in zh) == simulated
    names = [h for h, s, _ in tested if s == "yes"]
    if supported == 0:
        assert f"no hypothesis of the {n} tested is supported" in en and "(none)" not in en
    elif supported == n:
        assert "every hypothesis tested is supported" in en and ", ".join(names) in en
    else:
        assert f"{supported} of {n} hypotheses are supported ({', '.join(names)})" in en
    assert ("rests on a failed criterion" in en) == (qualified > 0)
    if qualified:
        assert f"the support of {', '.join(names[:qualified])} rests" in en


def test_no_hypothesis_tested_gives_no_sentence():
    assert stage_results.hypotheses_sentence([], simulated=False) is None
    assert stage_results.hypotheses_sentence([], simulated=True) is None


def test_the_survey_notebook_uses_the_sentence_of_kamlib():
    source = "\n".join("".join(c["source"]) for c in json.loads(
        (NOTEBOOKS / "20_survey.ipynb").read_text(encoding="utf-8"))["cells"])
    assert "hypotheses_sentence(tested, simulated=simulated)" in source
    assert not [t for t in _finding_templates().get("20_survey", set()) if "hypotheses are supported" in t]
