"""`kam lab`: a notebook opened in JupyterLab (no injected parameters) runs on the bound study's data."""

import json

import pandas as pd
import pytest

from kamlib.config import NOTEBOOKS
from kamlib.workbench import lab

import shapes


def _study(tmp_path):
    import yaml

    over = shapes.make("few_days", tmp_path)
    raw = {"name": "lab-case", "notebooks": ["01_data_overview"], "transactions": {}, "clv": {}}
    for key, value in over.items():
        section, name = key.split("__")
        raw[section][name] = value
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path, over["transactions__source"]


def test_bind_replaces_the_parameters_cell_values_only_outside_the_runner(tmp_path, monkeypatch):
    path, source = _study(tmp_path)
    monkeypatch.setenv(lab.ENV_STUDY, str(path))
    ns = {"notebook": "01_data_overview", "transactions_source": "data/raw/online_retail.parquet", "output_dir": None}
    assert "lab-case" in lab.bind(ns)
    assert ns["transactions_source"] == source and ns["transactions_currency"] is None
    run = {"notebook": "01_data_overview", "transactions_source": "x.csv", "output_dir": "/tmp/staging"}
    assert lab.bind(run) is None and run["transactions_source"] == "x.csv"  # the runner's parameters win
    monkeypatch.delenv(lab.ENV_STUDY)
    assert lab.bind(dict(ns)) is None


@pytest.mark.notebook
def test_a_notebook_run_as_lab_runs_it_uses_the_bound_study(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    path, source = _study(tmp_path)
    monkeypatch.setenv(lab.ENV_STUDY, str(path))
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    nb = nbformat.read(NOTEBOOKS / "01_data_overview.ipynb", as_version=4)  # as stored: no injected parameters
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    values = json.loads((tmp_path / "reports" / "scratch" / "01_data_overview" / "values.json").read_text())
    assert values["n_customers"] == pd.read_csv(source)["person"].nunique()
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Bound to the study 'lab-case'" in printed
