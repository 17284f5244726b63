"""A case's report shows only the case's evidence (issue 48, item 4, examiner's follow-up): the study's own facts for
the recommendation lift, its own sources for the data's age, its literature files read beside the study file, the
campaign assumptions' keys owned by :mod:`kamlib.defaults`, and a notice for a study that codes no source."""

from __future__ import annotations

import json
import re
import typing

import yaml

from kamlib import defaults
from kamlib.config import ROOT
from kamlib.workbench import cli, study


def test_basis_ids_are_read_beside_the_study_file(tmp_path):
    """A literature file written relative to the study file's folder is found, as every other file key is."""
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "sources.csv").write_text("id,title,title_en,authors,year,date,type,language,origin,seed_file,pages\n"
                                        "S101,Report,Report,,2024,,report,en,company,,\n", encoding="utf-8")
    (folder / "facts.csv").write_text("id,source,location,subject,measure,comparison,value,unit,direction,context,"
                                      "used_in\nF101,S101,p. 3,x,conversion,y,5,percent,,,\n", encoding="utf-8")
    (folder / "coding.csv").write_text("source,unit,theme,coder,note\nS101,p. 3,loyalty,A,\n", encoding="utf-8")
    raw = yaml.safe_load((ROOT / "studies" / "default.yaml").read_text(encoding="utf-8"))
    raw["notebooks"] = ["00_literature"]
    raw["literature"] = {"sources": "sources.csv", "coding": "coding.csv", "facts": "facts.csv"}
    raw["strategy"] = {"relative_lift": 0.1, "basis": {"relative_lift": ["F101"]}}
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    s = study.load(path)
    assert s.strategy.basis == {"relative_lift": ["F101"]}
    assert s.literature.ids(folder) == {"S101", "F101"}


def test_the_campaign_assumption_keys_have_one_owner():
    basis = study.Strategy.model_fields["basis"].annotation
    assert typing.get_args(typing.get_args(basis)[0]) == tuple(defaults.CAMPAIGN_ASSUMPTIONS)
    nb = json.loads((ROOT / "notebooks" / "40_strategy.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "for key in defaults.CAMPAIGN_ASSUMPTIONS" in code
    assert not re.search(r'\bused = \{"baseline_conversion"', code)


def test_validate_names_literature_sources_when_00_literature_would_code_nothing(tmp_path, capsys):
    raw = yaml.safe_load((ROOT / "studies" / "default.yaml").read_text(encoding="utf-8"))
    raw["notebooks"] = ["00_literature"]
    raw.pop("literature")
    raw["strategy"].pop("basis", None)
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert study.notices(study.load(path)) and cli.main(["validate", "--study", str(path)]) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Notice:")]
    assert len(said) == 1 and "literature.sources" in said[0] and "00_literature" in said[0]
    assert study.notices(study.load(ROOT / "studies" / "default.yaml")) == []


def _code(name: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def test_the_recommendation_notebook_and_the_act_closing_name_no_source_id():
    """The lift is set against the study's own fact (study.basis_fact), never a source id written into the code."""
    import inspect

    from kamlib import stage_results as sr

    assert not re.search(r"\b[SF]0\d\d\b", _code("45_personalisation"))
    assert "basis_fact(strategy_basis" in _code("45_personalisation")
    for fn in (sr._act, sr._personalised_lift):
        assert not re.search(r"\b[SF]0\d\d\b", inspect.getsource(fn)), fn.__name__


def test_the_act_closing_names_the_study_s_fact_and_none_without_one():
    from kamlib import stage_results as sr

    act = dict(personalised_lift=0.3, personalised_lift_ci=(0.1, 0.5), personalised_verdict="supports the claim",
               personalised_method="itemcf")
    with_fact = sr.StageResults(act=sr.Act(**act, personalised_claim_fact="X9", personalised_claim=0.15,
                                           personalised_claim_measure="hit rate"))
    said = [m for m in sr.closing("act", with_fact) if "X9" in str(m)]
    assert len(said) == 1 and "+15% of the study's fact X9: agrees" in str(said[0]), said
    assert "X9" in said[0].translate("zh") and "+15%" in said[0].translate("zh")
    # a claim in another metric (click-through) is not comparable with a hit rate
    ctr = sr.StageResults(act=sr.Act(**act, personalised_claim_fact="X9", personalised_claim=0.15,
                                     personalised_claim_measure="click-through rate"))
    assert "not comparable" in " ".join(map(str, sr.closing("act", ctr)))
    # no fact declared: the run records no verdict, and no sentence sets the lift against a claim
    bare = sr.StageResults(act=sr.Act(**{**act, "personalised_verdict": None}))
    assert not [m for m in sr.closing("act", bare) if "Set against" in str(m)]


def test_the_lift_finding_without_a_claim_is_worded_by_its_interval_in_both_languages():
    from kamlib.i18n import gettext
    from kamlib.stage_results import PERSONALISATION_LIFT_FINDING, WORDED_FINDINGS

    _, templates, _ = WORDED_FINDINGS[PERSONALISATION_LIFT_FINDING]
    assert set(templates) == {"gain", "loss", "inconclusive"}
    for template in templates.values():
        assert "claim" not in template and gettext(template, "finding") != template


def test_the_data_overview_compares_the_log_s_age_with_the_study_s_own_sources_only():
    import pandas as pd

    from kamlib import describe

    code = _code("01_data_overview")
    assert "literature.load_sources(literature_sources) if literature_sources else None" in code
    assert "load_sources()" not in code
    log = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2019-01-01", "2020-12-31"]),
                        "amount": [1.0, 2.0]})
    report = pd.DataFrame(columns=["rule", "rows", "amount"])
    said = {k for k, _, _ in describe.limitations(report, log, sources=None)}
    assert "data_age" not in said
    own = pd.DataFrame({"id": ["R1"], "year": [2024], "language": ["en"]})
    assert "data_age" in {k for k, _, _ in describe.limitations(report, log, sources=own)}


def test_the_budget_captions_say_whose_response_assumptions_in_both_languages():
    from kamlib.i18n import Message

    code = _code("40_strategy")
    assert not re.search(r'f"[^"]*\{src\}; \{response\}', code)
    assert code.count("response=response") == 3
    for template in ("Budget of {budget} split across tiers: optimal (equal marginal incremental CLV), equal and "
                     "revenue-proportional, {src}; {response}.",
                     "Incremental CLV and ROI of each allocation, {src}; {response}.",
                     "Budget per tier under three allocations, {src}; {response}."):
        for phrase, zh in (("the workbook's stated response assumptions (strategy.uplift is not declared)",
                            "工作簿声明的响应假设"), ("response assumptions from the study file", "研究文件中的响应假设")):
            m = Message(template, "caption", budget="10,000 GBP", src="shop.csv", response=Message(phrase, "phrase"))
            assert zh in m.translate("zh") and "shop.csv" in m.translate("zh"), m.translate("zh")
