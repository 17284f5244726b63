"""The literature register: peer-reviewed works with DOIs, each checked against a stored public record, that the
hypotheses name as their basis and the report's background and discussion cite."""

import re
from pathlib import Path

import pytest
import yaml

from kamlib import literature as lit

BIB = (lit.LIT / "methods.bib").read_text(encoding="utf-8")
STUDIES = sorted((Path(__file__).parents[1] / "studies").glob("*.yaml"))


def _comment_above(key: str) -> str:
    before = BIB[:BIB.index(f"{{{key},")].rstrip().rsplit("\n", 1)[0]
    return before[before.rindex("}") + 1:] if "}" in before else before


def test_every_register_work_has_a_doi_and_says_where_it_was_verified():
    reg = lit.load_register()
    assert len(reg) >= 10
    for key in reg["key"]:
        entry = BIB[BIB.index(f"{{{key},"):]
        entry = entry[:entry.index("\n}")]
        assert re.search(r"doi = \{10\.\d{4,}/", entry), f"{key}: no DOI"
        assert "% verified:" in _comment_above(key), f"{key}: no '% verified:' line above its entry"


def test_the_register_covers_the_fields_the_study_draws_on():
    topics = set(lit.load_register()["topic"])
    assert {"key-account management", "customer lifetime value", "satisfaction and loyalty", "retention",
            "recommendation", "field experiments"} <= topics


def test_a_register_row_without_an_entry_or_a_finding_is_refused(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("key,topic,topic_zh,finding_en,finding_zh,used_by\nnobody2030,x,x,found,发现,\n", "utf-8")
    with pytest.raises(lit.KamError, match="nobody2030"):
        lit.load_register(path)
    path.write_text("key,topic,topic_zh,finding_en,finding_zh,used_by\nhu1999,x,x,found,,\n", "utf-8")
    with pytest.raises(lit.KamError, match="no finding"):
        lit.load_register(path)


def test_citations_read_back_to_the_register_keys():
    reg = lit.load_register()
    refs = lit.references(" ".join(reg["cite"]))
    assert {r["key"] for r in refs} == set(reg["key"])


@pytest.mark.parametrize("study", STUDIES, ids=lambda p: p.stem)
def test_every_hypothesis_names_a_basis_the_workbook_can_cite(study):
    spec = yaml.safe_load(study.read_text(encoding="utf-8"))
    hypotheses = (spec.get("survey") or {}).get("hypotheses") or []
    sources = set(lit.load_sources(lit.LIT / "sources.csv")["id"])
    works = set(lit.work_keys(BIB))
    for h in hypotheses:
        assert h.get("basis"), f"{study.name}: hypothesis {h['id']} names no basis"
        unknown = [b for b in h["basis"] if b not in sources | works | {"assumption"}]
        assert not unknown, f"{study.name}: hypothesis {h['id']} rests on {unknown}, in neither register"


def test_the_default_hypotheses_rest_on_peer_reviewed_work_not_only_the_practice_sources():
    spec = yaml.safe_load((Path(__file__).parents[1] / "studies" / "default.yaml").read_text(encoding="utf-8"))
    works = set(lit.work_keys(BIB))
    with_work = [h["id"] for h in spec["survey"]["hypotheses"] if set(h["basis"]) & works]
    assert len(with_work) >= 6, with_work


@pytest.mark.slow
def test_the_report_background_reviews_the_register_in_both_languages():
    from kamlib.workbench import report

    en, zh = report._literature("en"), report._literature("zh")
    assert [t["topic"] for t in en][0] == "key-account management" and zh[0]["topic"] == "大客户管理"
    assert sum(len(t["works"]) for t in en) == len(lit.load_register())
    survey_only = {"notebooks": {"00_literature": {"stage": "literature"}, "20_survey": {"stage": "understand"}}}
    works = {w["key"] for t in report._literature("en", survey_only) for w in t["works"]}
    assert works == {"fornell1996", "zeithaml1996", "morgan1994", "herrmann2007"}  # the survey's literature, not the log's
    assert all(re.search(r"[\u4e00-\u9fff]", w["finding"]) for t in zh for w in t["works"])
