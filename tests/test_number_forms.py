"""How a number reads in the report's sentences and key numbers (a maintainer's review): an integer quantity (the k of
the BG/CNBD-k) as an integer, a small nonzero estimate with two significant digits instead of 0.000, a rule's
cut-off as the rule writes it (0.8, not 0.800) in every sentence that shows one, the WLSMV caveat written once with
each index's own rule, and a questionnaire whose construct has no name refused in one sentence at load."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from kamlib import verdicts
from kamlib.config import DATA
from kamlib.errors import KamError
from kamlib.i18n import number
from kamlib.survey import cbsem, instrument
from kamlib.workbench import findings
from kamlib.workbench.artefacts import Artefacts
from kamlib.workbench.report import _key_numbers

ROOT = Path(__file__).resolve().parents[1]


def _cells(notebook: str) -> list[str]:
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _rendered(tmp_path, declare) -> dict:
    art = Artefacts("30_segments", output_dir=tmp_path)
    declare(art)
    manifest = {"artefacts": [], "notebooks": {"30_segments": {"limitations": art.limitations}}}
    return {lang: findings.limitations({"30_segments": dict(art.values)}, manifest, lang) for lang in ("en", "zh")}


# -- 1. decimals ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [(0.00042, "0.00042"), (-0.0031, "-0.0031"), (0.0099, "0.0099"),
                                          (0.000004, "0.0000040")])
def test_a_small_nonzero_estimate_keeps_two_significant_digits(value, shown):
    assert number(value) == shown and number(value, language="zh") == shown
    assert float(shown) != 0  # never printed as zero


def test_zero_and_ordinary_estimates_keep_the_decimals_of_their_size():
    assert number(0.0) == "0.000" and number(0.5951) == "0.595" and number(27.5) == "27.50"
    assert number(0.01) == "0.010" and number(0.009996) == "0.010"  # rounds up to the next size: its decimals


def test_the_chosen_models_k_is_recorded_as_an_integer_and_its_other_parameters_as_estimates():
    """The notebook's kind for each parameter of the chosen model, evaluated as the notebook does, then shown as the
    key-number tiles show it: k 2 (not 2.000) beside r 0.810."""
    calls = [node for cell in _cells("10_key_accounts") for node in ast.walk(ast.parse(cell))
             if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "record" and node.args
             and isinstance(node.args[0], ast.JoinedStr) and ast.unparse(node.args[0]).startswith("f'chosen_")]
    assert len(calls) == 1, "10_key_accounts records the chosen model's parameters in one call"
    kind = next(kw.value for kw in calls[0].keywords if kw.arg == "kind")
    kinds = {k: eval(compile(ast.Expression(kind), "kind", "eval"), {"k": k}) for k in ("k", "r", "alpha")}
    assert kinds == {"k": "count", "r": "estimate", "alpha": "estimate"}
    manifest = {"notebooks": {"10_key_accounts": {"key_numbers": [
        {"key": "chosen_k", "kind": kinds["k"], "label": "BG/CNBD-k k"},
        {"key": "chosen_r", "kind": kinds["r"], "label": "BG/CNBD-k r"}]}}}
    values = {"10_key_accounts": {"chosen_k": 2.0, "chosen_r": 0.810314}}
    assert _key_numbers(manifest, values, "en") == [("BG/CNBD-k k", "2"), ("BG/CNBD-k r", "0.810")]


# -- 2. cut-offs -----------------------------------------------------------------------------------------------------

def test_a_cut_off_in_a_limitation_reads_as_its_rule_writes_it(tmp_path):
    rule = verdicts.RULES["segment_stability"]

    def declare(art):
        art.record("segments_stability", 0.61)
        art.record("segments_cut", rule.threshold)
        art.limitation("segments_unstable", "Stability {stability} is below the rule's {cut}.",
                       stability=("segments_stability", "estimate"), cut=("segments_cut", "cutoff"))

    out = _rendered(tmp_path, declare)
    for lang in ("en", "zh"):
        assert f"{rule.threshold:g}." in out[lang][0] and "0.610" in out[lang][0], out[lang]
        assert f"{rule.threshold:.3f}" not in out[lang][0]


@pytest.mark.parametrize("notebook", ["20_survey", "30_segments"])
def test_the_notebooks_declare_a_rules_cut_off_as_a_cutoff(notebook):
    """A sentence's cut-off recorded as an estimate prints 0.800 beside the caveat's 0.95: every ``cut`` number a
    notebook declares is a cutoff (or a share, a share rule's threshold)."""
    found = []
    for cell in _cells(notebook):
        for node in ast.walk(ast.parse(cell)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("finding", "limitation",
                                                                                 "recommendation"):
                for kw in node.keywords:
                    if kw.arg and (kw.arg == "cut" or kw.arg.endswith("_cut")) and isinstance(kw.value, ast.Tuple):
                        found.append(ast.literal_eval(kw.value.elts[1]))
    assert set(found) <= {"cutoff", "share"}, found


# -- 3. the WLSMV caveat ---------------------------------------------------------------------------------------------

FIT = {"estimator": "WLSMV", "df": 48, "cfi": 0.998, "tli": 0.997, "rmsea": 0.018}


def test_the_wlsmv_note_and_limitation_are_one_sentence(tmp_path):
    art = Artefacts("20_survey", output_dir=tmp_path)
    for key in ("cfi", "tli", "rmsea"):
        art.record(f"cfa_{key}", FIT[key])
    art.limitation("fit_wlsmv_cutoffs", cbsem.WLSMV_CUTOFFS, cfi=("cfa_cfi", "estimate"), tli=("cfa_tli", "estimate"),
                   rmsea=("cfa_rmsea", "estimate"), cutoffs=cbsem.fit_cutoffs())
    manifest = {"artefacts": [], "notebooks": {"20_survey": {"limitations": art.limitations}}}
    note = cbsem.fit_caveat(FIT)
    for lang in ("en", "zh"):
        (limitation,) = findings.limitations({"20_survey": dict(art.values)}, manifest, lang)
        assert limitation == note.translate(lang)
    assert "at least" not in str(note) and "至少" not in note.translate("zh")


def test_each_fit_index_is_read_against_its_own_rule(monkeypatch):
    """TLI's cut-off and every operator come from TLI's, CFI's and RMSEA's rules (a TLI rule of > 0.9 is said as
    such, not as CFI's >= 0.95)."""
    rules = dict(verdicts.RULES)
    rules["tli"] = verdicts.Rule("tli", "TLI", ">", 0.9, "Hu & Bentler (1999)", "good fit")
    rules["rmsea"] = verdicts.Rule("rmsea", "RMSEA", "<", 0.05, "Hu & Bentler (1999)", "close fit")
    monkeypatch.setattr(verdicts, "RULES", rules)
    for text in (str(cbsem.fit_caveat(FIT)), cbsem.fit_caveat(FIT).translate("zh")):
        assert "CFI >= 0.95" in text and "TLI > 0.9" in text and "RMSEA < 0.05" in text, text


# -- 4. a construct without a name -----------------------------------------------------------------------------------

@pytest.mark.parametrize("label, says", [(None, "has no label"), ("Trust", "label is 'Trust'"),
                                         ({"en": "Trust"}, "label is {'en': 'Trust'}")])
def test_a_construct_without_its_name_in_both_languages_is_refused_in_one_sentence(tmp_path, label, says):
    spec = yaml.safe_load((DATA / "survey" / "instrument.yaml").read_text(encoding="utf-8"))
    code = next(iter(spec["constructs"]))
    if label is None:
        del spec["constructs"][code]["label"]
    else:
        spec["constructs"][code]["label"] = label
    path = tmp_path / "questionnaire.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KamError) as err:
        instrument.load(path)
    message = str(err.value)
    assert str(path) in message and f"constructs.{code} {says}" in message and "label: {en:" in message
    assert message.replace("e.g. ", "").count(". ") == 0  # one sentence
