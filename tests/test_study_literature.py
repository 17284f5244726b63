"""A case's report carries the case's literature, not the default company's (issue 48, item 4, follow-up).

The practice sources, their coding and facts, the claims register the discussion confronts with a run
(``literature.*``) and the campaign assumptions with their basis (``strategy.basis``) belong to the study file: the
default study declares its four sources (S000, S001, S002, S004), its claims C1-C4 and its relative lift on fact F001;
a study that declares none (a ``kam new-case`` scaffold, the B2B export of ``tests/exports.py``) codes no source, sets
no claim against its data, and uses the workbook's stated campaign assumptions, labelled so.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

import exports
from kamlib.config import DEFAULT_STUDY, ROOT
from kamlib.errors import KamError
from kamlib.workbench import cases, study

#: What the default study's literature is: its practice sources' and facts' ids, and its claims' words.
LIT = ROOT / "data" / "literature"
DEFAULT_IDS = sorted(set(pd.read_csv(LIT / "sources.csv")["id"]) | set(pd.read_csv(LIT / "facts.csv")["id"]))
DEFAULT_CLAIMS = pd.read_csv(LIT / "claims.csv")["claim"].tolist()
NO_SOURCES = "This study declares no practice sources (literature.sources)"


def scaffold(tmp_path, name: str = "acme", **overrides) -> "Path":
    """The study `kam new-case NAME` writes (:data:`kamlib.workbench.cases.SCAFFOLD`), with ``section__key``
    overrides (as :func:`exports.superstore` returns them), written to ``tmp_path/NAME.yaml``."""
    return exports.write_study(tmp_path / f"{name}.yaml", yaml.safe_load(cases.SCAFFOLD.format(name=name)), overrides)


@pytest.fixture
def tiny(tmp_path):
    """The overrides that make the scaffold valid on a three-line export (no analysis runs on it)."""
    log = tmp_path / "orders.csv"
    log.write_text("cid,day,paid\na,2024-01-01,5\nb,2024-03-01,7\na,2024-09-01,4\n", encoding="utf-8")
    return {"transactions__source": str(log), "transactions__columns": {"customer": "cid", "date": "day",
                                                                        "amount": "paid"},
            "clv__calibration_start": "2024-01-01", "clv__calibration_end": "2024-06-30",
            "clv__holdout_end": "2024-12-31"}


def test_the_default_study_declares_its_literature_and_a_new_case_none(tmp_path, tiny):
    default = study.load(DEFAULT_STUDY)
    lit = default.literature
    assert (lit.sources, lit.coding, lit.facts, lit.claims) == (
        "data/literature/sources.csv", "data/literature/coding.csv", "data/literature/facts.csv",
        "data/literature/claims.csv")
    assert default.strategy.basis["relative_lift"] == ["F001"] and set(default.strategy.basis) == {
        "baseline_conversion", "relative_lift", "key_extra_lift", "uplift"}
    assert set(DEFAULT_IDS) <= lit.ids()
    for own in (study.load(scaffold(tmp_path, **tiny)), study.Study()):  # the scaffold, and the schema alone
        assert (own.literature.sources, own.literature.coding, own.literature.facts, own.literature.claims,
                own.literature.seeds_dir) == (None,) * 5
        assert own.strategy.basis == {} and own.literature.ids() == set()
    # the shipped studies that are not the default company's declare none either
    for name in ("cdnow", "relationship_quality"):
        other = study.load(ROOT / "studies" / f"{name}.yaml")
        assert other.literature.sources is None and other.literature.claims is None and other.strategy.basis == {}


def test_the_scaffold_writes_no_literature_and_no_campaign_assumption_but_says_how_to_add_them(tmp_path, tiny):
    text = cases.SCAFFOLD.format(name="acme")
    raw = yaml.safe_load(text)
    assert "literature" not in raw
    assert not set(raw["strategy"]) & {"baseline_conversion", "relative_lift", "key_extra_lift", "uplift", "basis"}
    # the comments tell the student where their own go (their data folder, not the default's files)
    for key in ("sources", "coding", "facts", "claims"):
        assert re.search(rf"^#\s+{key}: data/acme/{key}\.csv", text, re.M), key
    assert "data/literature/sources.csv" not in text and "S004" not in text
    guide = cases.GUIDE.format(name="acme")
    assert "literature.claims" in guide and "strategy.basis" in guide and "workbook's stated values" in guide


def test_a_basis_must_be_in_the_study_s_own_literature(tmp_path, tiny):
    # a new case cannot anchor an assumption on the default company's fact
    with pytest.raises(KamError, match=r"strategy\.basis\.relative_lift names F001.*declares no sources"):
        study.load(scaffold(tmp_path, **tiny, strategy__basis={"relative_lift": ["F001"]}))
    # a value the study sets is its own: without a basis it rests on [assumption]
    own = study.load(scaffold(tmp_path, **tiny, strategy__relative_lift=0.1))
    assert own.strategy.basis == {"relative_lift": ["assumption"]} and own.strategy.relative_lift == 0.1
    with pytest.raises(KamError, match=r"strategy\.basis\.uplift names no source"):
        study.load(scaffold(tmp_path, **tiny, strategy__basis={"uplift": []}))
    # the study's own facts can anchor it
    sources = tmp_path / "sources.csv"
    sources.write_text("id,title,title_en,authors,year,date,type,language,origin,seed_file,pages\n"
                       "S101,Acme's sales report,Acme's sales report,,2024,,report,en,company,,\n", encoding="utf-8")
    facts = tmp_path / "facts.csv"
    facts.write_text("id,source,location,subject,measure,comparison,value,unit,direction,context,used_in\n"
                     "F101,S101,p. 3,newsletter,conversion,last campaign,5,percent,,,strategy.baseline_conversion\n",
                     encoding="utf-8")
    coding = tmp_path / "coding.csv"
    coding.write_text("source,unit,theme,coder,note\nS101,p. 3,loyalty,A,\n", encoding="utf-8")
    based = study.load(scaffold(tmp_path, **tiny, literature={"sources": str(sources), "coding": str(coding),
                                                              "facts": str(facts)},
                                strategy__baseline_conversion=0.05, strategy__basis={"baseline_conversion": ["F101"]}))
    assert based.strategy.basis == {"baseline_conversion": ["F101"]} and based.literature.ids() == {"S101", "F101"}


@pytest.mark.parametrize("literature, message", [
    ({"claims": "data/literature/claims.csv"}, r"literature\.claims cites sources by id, but literature\.sources"),
    ({"facts": "data/literature/facts.csv"}, r"literature\.facts cites sources by id"),
    ({"sources": "data/literature/sources.csv"}, r"literature\.sources is set but literature\.coding is not"),
])
def test_the_literature_s_files_come_together(tmp_path, tiny, literature, message):
    with pytest.raises(KamError, match=message):
        study.load(scaffold(tmp_path, **tiny, literature=literature))


@pytest.mark.notebook
def test_a_new_case_on_its_own_export_carries_none_of_the_default_s_sources_claims_or_anchors(tmp_path, monkeypatch):
    """The scaffold on the B2B export, with 00_literature, 01_data_overview, 40_strategy and 45_personalisation
    listed: the literature notebook stops with its one sentence, the campaign assumptions are labelled the
    workbook's, the recommendation lift is set against no claim, the log's age against no source, and nothing of
    the default company's literature (its source and fact ids, its claims) reaches either edition."""
    from kamlib.workbench import cli

    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    path = scaffold(tmp_path, name="own", **exports.superstore(tmp_path, customers=300),
                    notebooks=["00_literature", "01_data_overview", "40_strategy", "45_personalisation"])
    assert cli.main(["run", "--study", str(path), "--quick"]) == 0
    out = tmp_path / "reports" / "own-quick"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    skipped = manifest["not_run"]["00_literature"]
    assert skipped["reason"].startswith(NO_SOURCES) and skipped["reason_zh"].startswith("本研究未声明实践来源")
    assert not [a["id"] for a in manifest["artefacts"] if a["id"].startswith("lit_")]
    notes = " ".join(map(str, manifest["notebooks"]["40_strategy"]["notes"]))
    assert re.search(r"The campaign assumptions strategy\.baseline_conversion = 0\.08, strategy\.relative_lift = 0\.2"
                     r".* are the workbook's stated assumptions, not drawn from this case's sources", notes), notes
    # the recommendation lift is measured, not set against a claim the study does not make (examiner, issue 48.4)
    rec = manifest["notebooks"]["45_personalisation"]
    assert any(str(n).startswith("The study declares no claim on the lift") for n in rec["notes"]), rec["notes"]
    assert "claim" not in json.dumps(rec["findings"] + rec["recommendations"] + rec["key_numbers"])
    for page in ("index.html", "index.zh.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert "newest practice source" not in html and "最新的实践资料" not in html  # no sources: no age sentence
        leaked = [i for i in DEFAULT_IDS if re.search(rf"\b{i}\b", html)] + [c for c in DEFAULT_CLAIMS if c in html]
        assert not leaked, (page, leaked)
