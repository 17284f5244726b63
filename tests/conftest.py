import shutil
from pathlib import Path

import pytest
import yaml

from kamlib.workbench import runner
from kamlib.config import STUDIES


@pytest.fixture
def study_file(tmp_path):
    """Write a study YAML based on a shipped study (``base``: default or cdnow), with overrides; returns its path."""

    def make(base="default", **overrides):
        raw = yaml.safe_load((STUDIES / f"{base}.yaml").read_text(encoding="utf-8"))
        for dotted, value in overrides.items():
            node = raw
            keys = dotted.split("__")
            for k in keys[:-1]:
                node = node.setdefault(k, {})
            node[keys[-1]] = value
        path = tmp_path / "study.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        return path

    return make


def _run_quick(tmp_path_factory, study, name):
    """Run a study once in quick mode for the whole test run: on two xdist workers the first to need it builds it
    in the folder both share, under a file lock, and the other waits and reads it (each study runs once)."""
    import fcntl
    import os

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the base folder of this run, shared by its workers
    reports = root / f"study-{name}"
    with open(root / f"study-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (reports / "done").exists():
            shutil.rmtree(reports, ignore_errors=True)
            reports.mkdir()
            old = os.environ.get("KAM_REPORTS_DIR")
            os.environ["KAM_REPORTS_DIR"] = str(reports)
            try:
                outcomes = runner.run(study, quick=True, jobs=2)
            finally:
                if old is not None:
                    os.environ["KAM_REPORTS_DIR"] = old
                else:
                    os.environ.pop("KAM_REPORTS_DIR", None)
            failed = [o for o in outcomes if o.status == "failed"]
            assert not failed, failed
            (reports / "done").write_text("")
    return reports


@pytest.fixture(scope="session")
def quick_report(tmp_path_factory):
    """Every notebook of the default study (UCI Online Retail), once in quick mode; the report folder."""
    return _run_quick(tmp_path_factory, None, "default") / "default-quick"


@pytest.fixture(scope="session")
def cdnow_report(tmp_path_factory):
    """Every notebook of studies/cdnow.yaml (the CDNOW sample of the published tables), once in quick mode."""
    return _run_quick(tmp_path_factory, STUDIES / "cdnow.yaml", "cdnow") / "cdnow-quick"


def _reader(folder):
    import json

    return lambda notebook: json.loads((folder / "values" / f"{notebook}.json").read_text())


@pytest.fixture(scope="session")
def values(quick_report):
    """``values("10_key_accounts")``: the values a notebook of the default study recorded in the quick run."""
    return _reader(quick_report)


@pytest.fixture(scope="session")
def cdnow_values(cdnow_report):
    """The values a notebook of the CDNOW study recorded in the quick run."""
    return _reader(cdnow_report)

