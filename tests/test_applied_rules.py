"""Appendix B prints the verdict rules the run applied, and the reference list holds only the works the report's
body and those rules cite (issue 49 follow-up 1): a rule's source is not listed because the registry holds it."""

import json

import pytest

from kamlib import verdicts
from kamlib.workbench import report

INVARIANCE = {("Cheung", "2002"), ("Chen", "2007")}


def _folder(tmp_path, applied):
    """A report folder whose one notebook applied the rules ``applied`` and made no artefact."""
    manifest = {"artefacts": [], "notebooks": {"20_survey": {"parameters": {}, "stage": "understand",
                                                             "verdicts": list(applied)}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


def _cited(refs):
    return {c for r in refs for c in r.get("cited_as", [])}


@pytest.mark.slow
def test_a_run_without_an_invariance_rule_lists_neither_cheung_and_rensvold_nor_chen(tmp_path):
    manifest = _folder(tmp_path, ["cfi", "srmr"])
    doc = report.outline(manifest, tmp_path, language="en")
    assert [r["rule"] for r in doc["rules"]] == ["cfi", "srmr"]
    cited = _cited(doc["references"])
    assert ("Hu", "1999") in cited and not cited & INVARIANCE, cited
    zh = report.render(manifest, tmp_path, title="t", language="zh", study_name="s", quick=True,
                       references_only=True)
    assert {r["key"] for r in zh} == {r["key"] for r in doc["references"]}
    page = report.render(manifest, tmp_path, title="t", language="zh", study_name="s", quick=True)
    assert "CHEUNG" not in page and "Rensvold" not in page and "CHEN F F" not in page


@pytest.mark.slow
def test_a_run_that_applies_the_invariance_rules_cites_their_sources(tmp_path):
    manifest = _folder(tmp_path, ["invariance_cfi", "invariance_chi2"])
    doc = report.outline(manifest, tmp_path, language="en")
    assert {r["rule"] for r in doc["rules"]} >= {"invariance_cfi", "invariance_chi2"}
    assert INVARIANCE <= _cited(doc["references"])


def test_reading_a_rule_applies_it_and_listing_the_registry_does_not():
    with verdicts.applying() as used:
        verdicts.table()  # the appendix's listing reads no rule
        assert not used
        verdicts.invariance_step(-0.004, 0.01)
        assert {"invariance_cfi", "invariance_chi2"} <= set(verdicts.applied())
    assert used == {"invariance_cfi", "invariance_chi2"}


def test_a_record_made_before_the_rules_were_recorded_lists_every_rule():
    assert report.applied_rules({"notebooks": {"a": {"verdicts": ["cfi"]}, "b": {"parameters": {}}}}) is None
    assert len(verdicts.table(None)) == len(verdicts.RULES)


@pytest.mark.notebook
def test_the_quick_report_prints_the_rules_its_notebooks_and_sentences_applied(quick_report):
    """Every notebook of the quick run records the rules it read; Appendix B of both editions shows those and the
    report's own, no more, and an invariance source is listed only when an invariance rule was applied."""
    manifest = json.loads((quick_report / "manifest.json").read_text(encoding="utf-8"))
    by_notebooks = report.applied_rules(manifest)
    assert by_notebooks is not None and len(by_notebooks) < len(verdicts.RULES)
    doc = report.outline(manifest, quick_report, language="en", quick=True)
    shown = [r["rule"] for r in doc["rules"]]
    assert set(by_notebooks) <= set(shown) < set(verdicts.RULES)
    invariance = bool({"invariance_cfi", "invariance_chi2"} & set(shown))
    assert (INVARIANCE <= _cited(doc["references"])) == invariance


def test_a_notebook_records_only_the_rules_its_own_run_read(tmp_path):
    """A kernel that ran another notebook (kam lab, an in-process run) before: the second notebook's manifest part
    lists only its own rules, not the first one's."""
    from kamlib.workbench.artefacts import Artefacts

    first = Artefacts("a_first", output_dir=tmp_path / "a")
    verdicts.met("kmo", 0.8)
    json_a = json.loads(first.close().read_text(encoding="utf-8"))
    second = Artefacts("b_second", output_dir=tmp_path / "b")
    verdicts.met("cfi", 0.97)
    json_b = json.loads(second.close().read_text(encoding="utf-8"))
    assert json_a["verdicts"] == ["kmo"]
    assert json_b["verdicts"] == ["cfi"]
    verdicts.met("srmr", 0.05)  # after close: no record of either
    assert json.loads(second.close().read_text(encoding="utf-8"))["verdicts"] == ["cfi"]


def test_a_rule_read_in_a_worker_thread_is_recorded():
    """Rules read on the threads of a parallel map (a bootstrap's refits) count in the open record."""
    from concurrent.futures import ThreadPoolExecutor

    from kamlib._parallel import thread_map

    with verdicts.applying() as used:
        thread_map(lambda v: verdicts.met("cfi", v), [0.9, 0.97, 0.99], workers=3)
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda v: verdicts.met("srmr", v), [0.05, 0.09]))
    assert used.names() == ["cfi", "srmr"]
    assert verdicts.applied() == []  # no record open any more
