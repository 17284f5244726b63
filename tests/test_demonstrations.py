"""The case's report shows the case (issue 48, item 4) and its editions stay in step (item 6).

Method demonstrations on other data (telecom churn, the textbook difference-in-differences, simulated campaigns and
survey answers, the public review corpus, the published survey) run only when ``report.demonstrations`` resolves to
``appendix`` (:mod:`kamlib.workbench.demonstrations`): the default study shows them in an appendix named so; a study
that maps its own transactions does not compute them, and its report says so in one sentence. A ``kam run`` rebuilds
every edition the report folder had.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

import exports
from kamlib.i18n import zh_punctuation
from kamlib.workbench import cases, cli, demonstrations, report, study

#: Artefacts made from other data than the case's in the shipped notebooks (ids as the notebooks write them).
OTHER_DATA = re.compile(r"churn_telecom|strategy_did|strategy_conversion|strategy_revenue|strategy_heterogeneous|"
                        r"strategy_peeking|strategy_event_study")


def own_study(study_file, **overrides):
    """A study of its own export: the default's analysis settings, with the literature and the campaign
    assumptions' basis of the study ``kam new-case`` writes (:data:`kamlib.workbench.cases.SCAFFOLD`: none), so
    nothing of the default company's sources, facts or claims comes with it."""
    scaffold = yaml.safe_load(cases.SCAFFOLD.format(name="own"))
    assert not scaffold.get("literature") and not scaffold["strategy"].get("basis")  # a new case declares none
    return study_file(literature=scaffold.get("literature") or {},
                      strategy__basis=scaffold["strategy"].get("basis") or {}, **overrides)


@pytest.mark.slow  # several seconds: the full suite runs it (the fast suite stays under 90 s)
def test_auto_is_appendix_on_the_shipped_log_and_off_on_a_study_s_own(study_file, tmp_path):
    assert study.load(None).report.demonstrations == "appendix"
    export = exports.superstore(tmp_path)  # one export for both studies (writing it is most of the test's time)
    own = own_study(study_file, **export)
    assert study.load(own).report.demonstrations == "off"
    asked = own_study(study_file, **export, report__demonstrations="appendix")
    assert study.load(asked).report.demonstrations == "appendix"
    assert study.load(study_file(report__demonstrations="off")).report.demonstrations == "off"
    assert study.load(study.ROOT / "studies" / "cdnow.yaml").report.demonstrations == "appendix"  # a shipped log


def test_the_artefacts_mark_everything_inside_a_demonstration(tmp_path):
    import pandas as pd

    from kamlib.workbench.artefacts import Artefacts

    frame = pd.DataFrame({"a": [1]})
    art = Artefacts("35_churn", {"report_demonstrations": "appendix"}, output_dir=tmp_path)
    art.table(frame, "case_table", "The case.")
    assert art.demonstration("telecom")
    art.table(frame, "other_table", "Other data.")
    art.record("auc_other", 0.8, kind="estimate", label="Churn AUC (telecom)")
    art.note("Said about the other data.")
    art.case()
    art.table(frame, "case_again", "The case again.")
    marked = {e["id"]: e.get("demonstration", False) for e in art.entries}
    assert marked == {"case_table": False, "other_table": True, "case_again": False}
    assert art.key_numbers[0]["demonstration"] and art.shown == ["telecom"] and art.demonstration_notes == [0]
    off = Artefacts("35_churn", {"report_demonstrations": "off"}, output_dir=tmp_path / "off")
    assert not off.demonstration("telecom") and not off.shown
    with pytest.raises(Exception, match="report.demonstrations"):
        off.demonstration("reviews", notebook=True)  # a notebook that is nothing but a demonstration stops


@pytest.mark.notebook
def test_a_study_of_its_own_transactions_shows_no_other_data_and_its_editions_follow_a_run(
        study_file, tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    path = own_study(study_file, **exports.superstore(tmp_path, customers=300), name="own",
                     notebooks=["10_key_accounts", "35_churn", "40_strategy"], texts={})
    assert cli.main(["run", "--study", str(path), "--quick", "--no-report"]) == 0
    assert cli.main(["report", "--study", str(path), "--quick", "--format", "html,docx"]) == 0
    out = tmp_path / "reports" / "own-quick"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ids = [a["id"] for a in manifest["artefacts"]]
    assert ids and not [i for i in ids if OTHER_DATA.search(i)], ids
    assert not any(a.get("simulated") or a.get("demonstration") for a in manifest["artefacts"])
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count(str(demonstrations.OFF)) == 1
    rest = page.replace(str(demonstrations.OFF), "")
    other = r"telecom|mlc_churn|Wooldridge|simulated (campaign|programme|A/A|responses|answers)|id='demonstrations'"
    assert not re.search(other, rest, re.I), re.search(f".{{80}}({other}).{{80}}", rest, re.I)
    assert study.load(path).literature.sources is None  # the scaffold's literature: none of the default's sources
    assert not re.search(r"\b(S00\d|F00\d)\b", rest), re.search(r".{80}\b(S00\d|F00\d)\b.{80}", rest)
    zh = (out / "index.zh.html").read_text(encoding="utf-8")
    assert zh.count(zh_punctuation(demonstrations.OFF.translate("zh"))) == 1  # the page's Chinese punctuation
    # item 6: a run of one notebook rebuilds the Word edition the folder had (and the HTML)
    docx = out / "report.docx"
    before = docx.stat().st_mtime_ns
    assert cli.main(["run", "--study", str(path), "--quick", "--force", "35_churn"]) == 0
    assert docx.stat().st_mtime_ns > before
    assert not (out / "report.pdf").exists()  # an edition the folder did not have is not made


@pytest.mark.notebook
def test_the_default_study_shows_other_data_in_the_demonstrations_appendix(quick_report):
    manifest = json.loads((quick_report / "manifest.json").read_text(encoding="utf-8"))
    doc = report.outline(manifest, quick_report, language="en", quick=True)
    shown = doc["demonstration_appendix"]
    in_appendix = {a["id"] for nb in shown["notebooks"] for a in nb["artefacts"]}
    in_body = {a["id"] for s in doc["sections"] for a in ([s["main"]] if s["main"] else []) + [
        a for nb in s["notebooks"] for a in nb["artefacts"]]} | {a["id"] for a in doc["data"] + doc["reference"]}
    other = {a["id"] for a in manifest["artefacts"] if OTHER_DATA.search(a["id"])}
    assert {"churn_telecom_evaluation", "strategy_did_check", "strategy_conversion"} <= other <= in_appendix
    assert not in_body & in_appendix and not [i for i in in_body if OTHER_DATA.search(i)]
    assert any("telecom" in label for label, _ in shown["cards"]) and not any("telecom" in label for label, _ in doc["cards"])
    assert shown["mode"] == "appendix" and shown["off"] is None
    assert re.match(r"The case's own data cannot test hypotheses H1, .*in Appendix C\.$", shown["sentence"]), shown["sentence"]
    page = report.render(manifest, quick_report, title="t", language="en", study_name="default", quick=True)
    assert page.count("data-demonstrations='appendix'") == 1 and "id='demonstrations'" in page
    assert page.index("id='demonstrations'") > page.index("id='appendix'")


def test_a_notebook_stopped_because_demonstrations_are_off_is_said_once_not_as_a_missing_analysis():
    from kamlib.workbench import findings

    skipped = {"status": "skipped", "reason": str(demonstrations.OFF), "reason_zh": demonstrations.OFF.translate("zh")}
    manifest = {"artefacts": [], "notebooks": {}, "not_run": {"25_reviews": skipped}}
    assert findings.not_run(manifest) is None
    assert not [t for t in findings.limitations({}, manifest, "en") if "25_reviews" in t or str(demonstrations.OFF) in t]
    assert demonstrations.of_manifest(manifest) == "off"
    manifest["not_run"]["45_personalisation"] = {"status": "skipped", "reason": "No products."}
    assert "45_personalisation" in findings.not_run(manifest).text() and "25_reviews" not in findings.not_run(manifest).text()
