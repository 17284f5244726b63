import pytest

from kamlib.workbench import cases, study
from kamlib.errors import KamError


def test_new_case_scaffolds_valid_study(tmp_path, monkeypatch):
    monkeypatch.setattr(cases, "STUDIES", tmp_path / "studies")
    monkeypatch.setattr(cases, "DATA", tmp_path / "data")
    (tmp_path / "studies").mkdir()
    lines = cases.new_case("acme")
    assert any("acme.yaml" in line for line in lines)
    s = study.load(tmp_path / "studies" / "acme.yaml")
    assert s.name == "acme"
    assert "transactions.columns" in (tmp_path / "data" / "acme" / "README.md").read_text()
    with pytest.raises(KamError, match="already exists"):
        cases.new_case("acme")


def test_new_case_rejects_bad_name():
    with pytest.raises(KamError, match="letters, digits"):
        cases.new_case("my case!")
