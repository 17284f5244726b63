import shutil
from pathlib import Path

import pytest
import yaml

from kamlib.workbench import runner
from kamlib.config import DEFAULT_STUDY


@pytest.fixture
def study_file(tmp_path):
    """Write a study YAML based on the default study, with overrides; returns its path."""

    def make(**overrides):
        raw = yaml.safe_load(DEFAULT_STUDY.read_text(encoding="utf-8"))
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


@pytest.fixture(scope="session")
def quick_report(tmp_path_factory):
    """Run every notebook of the default study once in quick mode; returns the report folder."""
    import os

    reports = tmp_path_factory.mktemp("reports")
    old = os.environ.get("KAM_REPORTS_DIR")
    os.environ["KAM_REPORTS_DIR"] = str(reports)
    try:
        outcomes = runner.run(None, quick=True, jobs=2)
    finally:
        if old is not None:
            os.environ["KAM_REPORTS_DIR"] = old
    failed = [o for o in outcomes if o.status == "failed"]
    assert not failed, failed
    return reports / "default-quick"


@pytest.fixture(scope="session")
def values(quick_report):
    """``values("10_key_accounts")``: the values a notebook recorded in the quick run."""
    import json

    return lambda notebook: json.loads((quick_report / "values" / f"{notebook}.json").read_text())
