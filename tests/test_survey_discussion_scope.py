"""A survey-only study's discussion and Appendix B (examiner's report B, item 2): the peer-reviewed works' claims
that only a transaction log can test are not set against a run without one (no "not tested in this run" rows, no
sentence introducing them), and the survey notebook's record of the verdict rules it applied holds no rule that a
module merely names when it is imported (the concentration and dropout-recovery rules of the key-account stage)."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kamlib.workbench import discussion, report

ROOT = Path(__file__).resolve().parents[1]
SURVEY = {"20_survey": {"parameters": {"survey_source": "simulated"}, "stage": "understand",
                        "demonstrations": ["answers"], "verdicts": ["cfi", "srmr"]}}
LOG = {"10_key_accounts": {"parameters": {"transactions_source": "x.csv"}, "stage": "identify", "verdicts": []}}


def _outline(tmp_path, notebooks):
    manifest = {"artefacts": [], "notebooks": notebooks}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return report.outline(manifest, tmp_path, language="en")


@pytest.mark.slow
def test_a_survey_only_run_sets_no_transaction_log_claim_against_itself(tmp_path):
    assert discussion.evidence_in_run({"notebooks": SURVEY}) == {"survey"}
    assert discussion.register({"notebooks": SURVEY}).empty
    doc = _outline(tmp_path, SURVEY)
    assert doc["claims"] == [] and doc["no_claims"] is None
    assert [r["rule"] for r in doc["rules"]] == ["cfi", "srmr"]  # no revenue-share or BG/NBD refit rule
    page = report.render({"artefacts": [], "notebooks": SURVEY}, tmp_path, title="t", language="en", study_name="s",
                         quick=True)
    assert "Kim et al." not in page and "not tested in this run" not in page
    assert str(discussion.NO_CLAIMS)[:40] not in page


@pytest.mark.slow
def test_a_run_with_a_transaction_log_keeps_the_works_claims_and_their_introduction(tmp_path):
    doc = _outline(tmp_path, {**SURVEY, **LOG})
    assert [c["id"] for c in doc["claims"]] == ["L1", "L2", "L3", "L4"]
    assert doc["no_claims"] == str(discussion.NO_CLAIMS)


def test_every_check_names_its_kind_of_evidence():
    assert set(discussion.EVIDENCE) == set(discussion.CHECKS)


@pytest.mark.slow
def test_the_survey_notebook_imports_no_rule_reading_module_after_its_record_opens():
    """Every kamlib import of notebook 20 made after ``start(globals())`` (which opens the run's record of applied
    rules) reads no verdict rule: a rule read while a module is imported is not one the run applied."""
    nb = json.loads((ROOT / "notebooks" / "20_survey.ipynb").read_text(encoding="utf-8"))
    before, after, started = [], [], False
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell["source"])
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                line = ast.get_source_segment(source, node)
                if "kamlib" in line or isinstance(node, ast.ImportFrom) and node.level == 0 and (
                        node.module or "").startswith("kamlib"):
                    (after if started else before).append(line)
        started = started or "start(globals())" in source
    assert before and after is not None
    code = "\n".join([*before, "from kamlib import verdicts", "with verdicts.Applied() as used:",
                       *(f"    {line}" for line in after), "    pass", "print(','.join(used.names()))"])
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", (out.stdout, after)
