"""The study's own literature reaches its report, and kamlib holds none of a study's (issue 48, item 4, follow-up).

How a source's text is cut into coding units comes from the study's source register (``coding_units``), not from a
source id in kamlib; the claims register is the study's (``literature.claims``), passed by the caller; the literature
notebook's captions read the study's sources and facts; the Evaluate closing says whose response curves the budget
split used; the maintainer's and the user's documentation name the study key, not the shipped file.
"""

from __future__ import annotations

import inspect
import json
import re

import pandas as pd
import pytest

from kamlib import literature as lit
from kamlib import stage_results as sr
from kamlib.config import ROOT
from kamlib.errors import KamError

#: A text with three numbered sections (the rule ``sections`` splits it at 1.1, 1.2, 1.3)
TEXT = "引言。1.1 大客户识别与客户画像。1.2 客户终身价值与价值评估。1.3 客户流失预警与挽回。"


def _register(tmp_path, rules: dict | None):
    """A register of two sources whose texts are the same; ``rules``: id -> coding_units (None: no column)."""
    (tmp_path / "x9.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "s004.txt").write_text(TEXT, encoding="utf-8")
    df = pd.DataFrame({"id": ["X9", "S004"], "type": ["report", "paper"], "seed_file": ["x9.txt", "s004.txt"]})
    if rules is not None:
        df["coding_units"] = [rules.get(i, "") for i in df["id"]]
    return df


def test_seed_units_cut_a_source_as_its_register_row_says_and_no_id_is_special(tmp_path):
    units = lit.seed_units(tmp_path, _register(tmp_path, {"X9": "sections", "S004": ""}))
    assert sorted(units) == [("S004", "all"), ("X9", "§1.1"), ("X9", "§1.2"), ("X9", "§1.3")]
    assert "客户终身价值" in units[("X9", "§1.2")]
    # a register without the column keeps every source whole, whatever its id or type
    assert sorted(lit.seed_units(tmp_path, _register(tmp_path, None))) == [("S004", "all"), ("X9", "all")]
    with pytest.raises(KamError, match=r"column 'coding_units' has \['chapters'\] for X9; write 'sections'"):
        lit.seed_units(tmp_path, _register(tmp_path, {"X9": "chapters"}))
    # the default study's register keeps its cut through the column
    shipped = lit.load_sources(ROOT / "data" / "literature" / "sources.csv").set_index("id")["coding_units"]
    assert shipped.to_dict() == {"S000": "", "S001": "", "S002": "", "S004": "sections"}
    assert "S004" not in inspect.getsource(lit.seed_units)


def test_the_claims_register_is_the_caller_s_and_kamlib_ships_no_default():
    with pytest.raises(KamError, match=r"^load_claims needs the study's claims register: pass its literature\.claims"):
        sr.load_claims()
    with pytest.raises(KamError, match=r"^confront needs the study's claims register"):
        sr.confront(sr.StageResults())
    empty = pd.DataFrame(columns=["id", "source", "location", "claim", "check"])
    assert sr.confront(sr.StageResults(), empty) == []
    claims = sr.load_claims("data/literature/claims.csv")  # the default study's, as its literature.claims names it
    assert [c.id for c in sr.confront(sr.StageResults(), claims)] == claims["id"].tolist()
    for function in (sr.load_claims, sr.confront):  # no default register: the shipped folder is not read
        assert "LIT" not in function.__code__.co_names, function


@pytest.mark.parametrize("page", ["docs/architecture.md", "docs/running.md"])
def test_the_docs_describe_the_claims_register_as_the_study_s(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert re.search(r"literature\.claims|\| `literature` \|[^\n]*`claims` \(the claims register", text), page
    said = re.findall(r"[^.]*data/literature/claims\.csv[^.]*\.", text)
    # the shipped file may be named as the default study's or as the columns to copy, never as the register itself
    assert all(re.search(r"default|columns|as in", s) for s in said), said


@pytest.mark.notebook
def test_the_literature_notebook_captions_read_the_study_s_own_sources_and_facts(study_file, tmp_path, monkeypatch):
    """A student's two sources (A1 cut into sections by its register, A2 whole) and one fact (X1): the captions
    count two sources, compare A1's sections and cite X1, in both languages, and name none of the default's ids."""
    from kamlib.workbench import runner

    lit_dir = tmp_path / "lit"
    (lit_dir / "seeds").mkdir(parents=True)
    (lit_dir / "seeds" / "a1.txt").write_text(TEXT, encoding="utf-8")
    (lit_dir / "seeds" / "a2.txt").write_text("RFM 购买频次与消费金额。", encoding="utf-8")
    (lit_dir / "sources.csv").write_text(
        "id,title,title_en,authors,year,date,type,language,origin,seed_file,coding_units\n"
        "A1,大客户管理,Key-account management,,2023,,paper,zh,a thesis,a1.txt,sections\n"
        "A2,客户价值,Customer value,,2022,,report,zh,a report,a2.txt,\n", encoding="utf-8")
    (lit_dir / "coding.csv").write_text(
        "source,unit,theme,coder,note\nA1,§1.1,identification,A,\nA1,§1.2,clv,A,\nA1,§1.3,churn,A,\n"
        "A2,p. 1,rfm,A,\nA2,p. 1,clv,A,\n", encoding="utf-8")
    (lit_dir / "facts.csv").write_text("id,source,location,subject,measure,value,unit\n"
                                       "X1,A1,§1.2,key accounts,revenue share,70,percent\n", encoding="utf-8")
    path = study_file(notebooks=["00_literature"], strategy__basis__relative_lift=["X1"],
                      literature={"seeds_dir": str(lit_dir / "seeds"), "sources": str(lit_dir / "sources.csv"),
                                  "coding": str(lit_dir / "coding.csv"), "facts": str(lit_dir / "facts.csv")})
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    [outcome] = runner.run(path, quick=True)
    assert outcome.status == "ran", outcome.message
    out = next((tmp_path / "reports").glob("*-quick"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    caption = {a["id"]: a["caption"] for a in manifest["artefacts"]}
    assert caption["lit_theme_frequency_chart"] == {"en": "How often each theme is coded across the 2 sources.",
                                                    "zh": "各主题在 2 个来源中被编码的次数。"}
    assert caption["lit_agreement"]["en"].startswith("Manual against automatic coding of A1's 3 sections")
    assert caption["lit_agreement"]["zh"].startswith("人工编码与自动编码对比(A1 的 3 节)")
    assert "(X1)" in caption["lit_facts"]["en"] and "(X1)" in caption["lit_facts"]["zh"]
    said = json.dumps(caption, ensure_ascii=False)
    assert not re.search(r"\b(S00\d|F00\d)\b|four sources|四个来源", said), said


@pytest.mark.parametrize("basis, workbook, said", [
    ("workbook", True, "rests on the workbook's stated response curves (the study file does not declare strategy.uplift)"),
    ("assumption", True, "the workbook's stated response curves, which the study file adopts as its own assumption"),
    ("assumption", False, "rests on response curves assumed in the study file, not measured"),
    ("F003, S002", False, "rests on response curves the study file draws from F003, S002 (strategy.basis)"),
    (None, None, "rests on assumed response curves, not measured"),  # a run that did not record the basis
])
def test_the_evaluate_closing_says_whose_response_curves_the_budget_used(basis, workbook, said):
    r = sr.StageResults(evaluate=sr.Evaluate(budget_incremental_clv=1200.0, budget_uplift_basis=basis,
                                             budget_uplift_workbook=workbook))
    [sentence] = [m for m in sr.closing("evaluate", r) if "budget split" in str(m)]
    assert said in str(sentence), str(sentence)
    assert ("assumed in the study file" in str(sentence)) == (basis == "assumption" and not workbook)
    assert sentence.translate("zh") and "预算分配" in sentence.translate("zh")


def test_the_strategy_notebook_records_whose_response_curves_it_used():
    """The keys the closing reads are recorded by 40_strategy from the study's basis and the workbook's values."""
    nb = json.loads((ROOT / "notebooks" / "40_strategy.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert 'art.record("budget_uplift_basis", ", ".join(strategy_basis.get("uplift", ["workbook"])))' in code
    assert 'art.record("budget_uplift_workbook", strategy_uplift == defaults.DEFAULT_UPLIFT)' in code
    assert sr.RECORDED[("evaluate", "budget_uplift_basis")] == ("40_strategy", "budget_uplift_basis")
