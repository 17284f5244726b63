"""A case's report shows only the case's evidence (issue 48, item 4, examiner's follow-up): the study's own facts for
the recommendation lift, its own sources for the data's age, its literature files read beside the study file, the
campaign assumptions' keys owned by :mod:`kamlib.defaults`, and a notice for a study that codes no source."""

from __future__ import annotations

import json
import re
import typing

import yaml

from kamlib import defaults
from kamlib.config import ROOT
from kamlib.workbench import cli, study


def test_basis_ids_are_read_beside_the_study_file(tmp_path):
    """A literature file written relative to the study file's folder is found, as every other file key is."""
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "sources.csv").write_text("id,title,title_en,authors,year,date,type,language,origin,seed_file,pages\n"
                                        "S101,Report,Report,,2024,,report,en,company,,\n", encoding="utf-8")
    (folder / "facts.csv").write_text("id,source,location,subject,measure,comparison,value,unit,direction,context,"
                                      "used_in\nF101,S101,p. 3,x,conversion,y,5,percent,,,\n", encoding="utf-8")
    (folder / "coding.csv").write_text("source,unit,theme,coder,note\nS101,p. 3,loyalty,A,\n", encoding="utf-8")
    raw = yaml.safe_load((ROOT / "studies" / "default.yaml").read_text(encoding="utf-8"))
    raw["notebooks"] = ["00_literature"]
    raw["literature"] = {"sources": "sources.csv", "coding": "coding.csv", "facts": "facts.csv"}
    raw["strategy"] = {"relative_lift": 0.1, "basis": {"relative_lift": ["F101"]}}
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    s = study.load(path)
    assert s.strategy.basis == {"relative_lift": ["F101"]}
    assert s.literature.ids(folder) == {"S101", "F101"}


def test_the_campaign_assumption_keys_have_one_owner():
    basis = study.Strategy.model_fields["basis"].annotation
    assert typing.get_args(typing.get_args(basis)[0]) == tuple(defaults.CAMPAIGN_ASSUMPTIONS)
    nb = json.loads((ROOT / "notebooks" / "40_strategy.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "for key in defaults.CAMPAIGN_ASSUMPTIONS" in code
    assert not re.search(r'used = \{"baseline_conversion"', code)


def test_validate_names_literature_sources_when_00_literature_would_code_nothing(tmp_path, capsys):
    raw = yaml.safe_load((ROOT / "studies" / "default.yaml").read_text(encoding="utf-8"))
    raw["notebooks"] = ["00_literature"]
    raw.pop("literature")
    raw["strategy"].pop("basis", None)
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert study.notices(study.load(path)) and cli.main(["validate", "--study", str(path)]) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Notice:")]
    assert len(said) == 1 and "literature.sources" in said[0] and "00_literature" in said[0]
    assert study.notices(study.load(ROOT / "studies" / "default.yaml")) == []
