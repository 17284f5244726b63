"""The research model's declaration (issue 48 follow-ups, items 2-4): lavaan's own syntax for a recursive
structural model is read as R lavaan's ``lavaanify`` reads it; what a model of free recursive paths cannot hold is
refused in one sentence naming the line; a hypothesis's path reads predictor first; the errors name the study's
own keys and constructs, never the default study's."""

from __future__ import annotations

import re

import pytest

from kamlib import survey
from kamlib.config import DATA
from kamlib.errors import KamError
from kamlib.survey import instrument
from kamlib.survey import responses as sd
from kamlib.survey.research_model import StructuralPath, declare, hypothesis_tests

#: lavaan syntax a student may write, and its regressions as R lavaan 0.6 ``lavaanify`` lists them (lhs, rhs,
#: label), checked with ``Rscript -e 'library(lavaan); lavaanify(m)[, c("lhs", "op", "rhs", "label")]'``.
LAVAAN = ("# trust first\nCM ~ a*TR ! a comment, as lavaan allows\nSAT ~ TR +\n  CM; LOY ~ SAT\n  + b*CM\n"
          "SAT + LOY ~ 1\nA + B ~ TR\nind := a*b")
LAVAANIFY = [("CM", "TR", "a"), ("SAT", "TR", ""), ("SAT", "CM", ""), ("LOY", "SAT", ""), ("LOY", "CM", "b"),
             ("A", "TR", ""), ("B", "TR", "")]


def _h(hid, **kind):
    return {"id": hid, "statement": {"en": f"statement {hid}"}, **kind}


def test_continued_lines_separators_several_outcomes_intercepts_and_comments_read_as_lavaan_reads_them():
    rm = declare(LAVAAN)
    assert [(o, p, next((k for k, v in rm.labels.items() if v == (p, o)), "")) for p, o in rm.paths] == LAVAANIFY
    assert rm.defined == {"ind": "a*b"} and rm.chain("ind") == ("TR", "CM", "LOY")
    # the text the SEM is fitted on: one regression per outcome, no intercept, no comment
    assert rm.structural.splitlines() == ["CM ~ a*TR", "SAT ~ TR + CM", "LOY ~ SAT + b*CM", "A ~ TR", "B ~ TR",
                                          "ind := a*b"]


def test_the_parse_agrees_with_r_lavaan_when_r_is_installed():
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed")
    script = f'library(lavaan); p <- lavaanify({LAVAAN!r}); p <- p[p$op == "~" & p$rhs != "", ]; ' \
             'write.csv(p[, c("lhs", "rhs", "label")], stdout(), row.names = FALSE)'
    run = subprocess.run(["Rscript", "-e", script.replace("\n", "\\n")], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        pytest.skip(f"R lavaan is not available: {run.stderr.strip()[:200]}")
    rows = [tuple(v.strip('"') for v in line.split(",")) for line in run.stdout.strip().splitlines()[1:]]
    assert rows == LAVAANIFY


@pytest.mark.parametrize("model, words", [
    ("LOY ~ 0.5*SAT", r"line 1 \('LOY ~ 0.5\*SAT'\) fixes the path SAT -> LOY at 0.5"),
    ("CM ~ TR\nLOY ~ SAT +\n\nSAT ~ TR", r"line 2 .* has an empty term|line 2 .*not a construct name"),
    ("LOY ~ SAT + CM:SIZE", r"line 1 .*'CM:SIZE' is an interaction.*interaction: \{path, moderator\}"),
    ("CM ~ a*TR\nLOY ~ a*CM", r"line 2 .*the label a, which TR -> CM has too"),
    ("CM ~ TR\nTR ~ LOY\nLOY ~ CM", r"survey.model has a loop \(CM, TR, LOY\)"),
    ("LOY ~ start(0.3)*SAT", r"line 1 .*modifier 'start\(0.3\)'"),
    ("CM ~ TR\nCM == 1", r"line 2 \('CM == 1'\) is a constraint"),
    ("LOY <~ SAT", r"line 1 .*formative"),
    ("LOY ~ SAT + SAT", r"line 1 .*writes the path SAT -> LOY a second time"),
    ("LOY =~ l1 + l2", r"line 1 .*measurement line"),
])
def test_what_a_recursive_model_of_free_paths_cannot_hold_is_refused_naming_the_line(model, words):
    with pytest.raises(KamError, match=words) as e:
        declare(model)
    said = str(e.value)
    assert said.endswith(".") and not re.search(r"[.;]\s+[A-Z]", said), said  # one sentence


def test_a_hypothesis_path_reads_predictor_first():
    rm = declare("CM ~ TR\nLOY ~ CM", [_h("H1", path="CM ~ TR"),
                                       _h("H2", interaction={"path": "LOY ~ CM", "moderator": "SIZE", "level": "l"})])
    h1, h2 = rm.hypotheses
    assert h1.path == ("TR", "CM") and h1.path.predictor == "TR" and h1.path.outcome == "CM"
    assert isinstance(h2.path, StructuralPath) and h2.path == tuple(rm.paths[1])  # the order of ResearchModel.paths
    assert rm.constructs_of(h1) == {"TR", "CM"}


def test_errors_name_the_studys_own_keys_and_constructs_never_the_defaults():
    rq = instrument.load(DATA / "survey" / "relationship_quality.yaml")
    model = "CM ~ a*TR\nSAT ~ TR + CM\nLOY ~ SAT + b*CM"
    default_words = re.compile(r"\b(SQ|PQ|PF|LG|TIER)\b|'SAT ~ PQ")
    messages = []
    for call in (lambda: declare(None, [_h("H1", path="CM ~ TR")], constructs=rq.constructs, where="rq.survey"),
                 lambda: declare(model + "\nind := a*c", constructs=rq.constructs, where="rq.survey"),
                 lambda: declare(model, [_h("H1", path="CM")], constructs=rq.constructs, where="rq.survey"),
                 lambda: declare(model, [_h("H1", interaction={"path": "LOY ~ CM"})], constructs=rq.constructs,
                                 where="rq.survey")):
        with pytest.raises(KamError) as e:
            call()
        messages.append(str(e.value))
    inst = rq
    data = sd.simulate(inst, 200, seed=3, defects=False)
    scores = sd.construct_scores(data, inst)
    for spec in ({"interaction": {"path": "LOY ~ CM", "moderator": "REGION"}},
                 {"interaction": {"path": "LOY ~ CM", "moderator": "SIZE", "level": "huge"}},
                 {"moderation": {"path": "LOY ~ CM", "group": "REGION", "focal": "x"}},
                 {"moderation": {"path": "LOY ~ CM", "group": "SIZE", "focal": "huge"}}):
        rm = declare(model, [_h("H7", **spec)], constructs=rq.constructs, where="rq.survey")
        with pytest.raises(KamError) as e:
            hypothesis_tests(rm, structural=survey.sem(data, rm.syntax(inst.constructs)), scores=scores, data=data,
                             constructs=inst.constructs, invariance={"SIZE": type("Inv", (), {"level": "metric"})()})
        messages.append(str(e.value))
    for m in messages:
        assert m.startswith("rq.survey") and not default_words.search(m), m
    assert "'LOY ~ TR + CM'" in messages[0] and "'CM ~ a*TR'" not in messages[1] and "'CM ~ c*TR'" in messages[1]
    assert "(for example 'CM ~ TR')" in messages[2] and "(TR, CM, SAT, LOY)" in messages[4]


def test_qualify_names_every_qualification_however_many():
    """Item 7: no silent cap; 12 constructs each below the alpha cut-off give 12 qualifications on the row."""
    import pandas as pd

    from kamlib.survey.research_model import qualify

    names = [f"C{i}" for i in range(12)]
    rm = declare("\n".join(f"Y ~ {c}" for c in names), [_h("H1", path="Y ~ C0")])
    rel = pd.DataFrame({"construct": names + ["Y"], "alpha": [0.5] * 12 + [0.9],
                        "composite_reliability": 0.9, "ave": 0.6})
    # the hypothesis rests on C0 and Y; a failed fit qualifies every row
    fit = {"df": 10, "cfi": 0.80, "rmsea": 0.20, "srmr": 0.20}
    q = str(qualify(pd.DataFrame({"hypothesis": ["H1"], "supported": ["yes"]}), rm, reliability=rel, fit=fit,
                    htmt=pd.DataFrame(0.95, index=names, columns=names))["qualification"].iloc[0])
    # HTMT of C0 with each of the 11 others fails, plus alpha of C0, plus three fit indices: 15 in all
    assert q.count("HTMT") == 11 and "alpha of C0" in q and "CFI" in q and "RMSEA" in q and "SRMR" in q


def test_the_survey_notebook_gives_no_example_in_the_default_studys_names():
    """Item 4: the notebook's own sentences name the study's constructs, not the default's (SAT ~ PQ + SQ)."""
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "20_survey.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not re.search(r"'(SAT|LOY) ~ (PQ|SQ|SAT)", code)
