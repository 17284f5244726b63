import shutil
from pathlib import Path

import pytest
import yaml

import exports
from kamlib.workbench import runner
from kamlib.config import STUDIES


@pytest.fixture
def study_file(tmp_path):
    """Write a study YAML based on a shipped study (``base``: default or cdnow), with overrides; returns its path."""

    def make(base="default", **overrides):
        raw = yaml.safe_load((STUDIES / f"{base}.yaml").read_text(encoding="utf-8"))
        return exports.write_study(tmp_path / "study.yaml", raw, overrides)

    return make


#: The studies the session fixtures run in quick mode: name -> study file (None: the default study).
QUICK_STUDIES = {"default": None, "cdnow": STUDIES / "cdnow.yaml"}


def _build(root, name):
    """Run study ``name`` in quick mode into ``root/study-<name>`` unless a worker already did; the caller holds
    its lock."""
    import os

    reports = root / f"study-{name}"
    if (reports / "done").exists():
        return
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir()
    old = os.environ.get("KAM_REPORTS_DIR")
    os.environ["KAM_REPORTS_DIR"] = str(reports)
    try:
        outcomes = runner.run(QUICK_STUDIES[name], quick=True, jobs=2)
    finally:
        if old is not None:
            os.environ["KAM_REPORTS_DIR"] = old
        else:
            os.environ.pop("KAM_REPORTS_DIR", None)
    failed = [o for o in outcomes if o.status == "failed"]
    assert not failed, failed
    (reports / "done").write_text("")


def _run_quick(tmp_path_factory, name):
    """Run a study once in quick mode for the whole test run: on two xdist workers the first to need it builds it
    in the folder both share, under a file lock, and the other reads it (each study runs once). A worker that finds
    the study being built builds another study nobody has started instead of waiting idle, then waits."""
    import fcntl
    import os

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the base folder of this run, shared by its workers
    with open(root / f"study-{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another worker is building it: build one it has not started meanwhile
            for other in QUICK_STUDIES:
                if other != name and not (root / f"study-{other}" / "done").exists():
                    with open(root / f"study-{other}.lock", "w") as other_lock:
                        try:
                            fcntl.flock(other_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        except BlockingIOError:
                            continue
                        _build(root, other)
            fcntl.flock(lock, fcntl.LOCK_EX)
        _build(root, name)
    return root / f"study-{name}"


@pytest.fixture(scope="session")
def quick_report(tmp_path_factory):
    """Every notebook of the default study (UCI Online Retail), once in quick mode; the report folder."""
    return _run_quick(tmp_path_factory, "default") / "default-quick"


@pytest.fixture(scope="session")
def cdnow_report(tmp_path_factory):
    """Every notebook of studies/cdnow.yaml (the CDNOW sample of the published tables), once in quick mode."""
    return _run_quick(tmp_path_factory, "cdnow") / "cdnow-quick"


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

