"""`kam lab`: a notebook opened in JupyterLab (no injected parameters) runs on the bound study's data."""

import json

import pandas as pd
import pytest

from kamlib.config import NOTEBOOKS
from kamlib.workbench import lab

import exports
import shapes


def _study(tmp_path):
    over = shapes.make("few_days", tmp_path)
    raw = {"name": "lab-case", "notebooks": ["01_data_overview"], "transactions": {}, "clv": {}}
    return exports.write_study(tmp_path / "lab.yaml", raw, over), over["transactions__source"]


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


def test_lab_options_allow_root_only_as_root():
    assert "--allow-root" in lab.lab_arguments(root=True)
    assert "--allow-root" not in lab.lab_arguments(root=False)
    assert lab.lab_arguments(browser=False, port=9999, root=False)[1:] == ["--no-browser", "--port=9999"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_kam_lab_starts_serves_the_lab_page_and_lists_the_notebooks(tmp_path):
    """`kam lab --no-browser` starts (as root too: a container), answers on its port, and lists notebooks/."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from kamlib.config import ROOT

    port, token = _free_port(), "kam-lab-test-token"
    log = tmp_path / "lab.log"
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kamlib", "lab", "--study", "studies/default.yaml",
                                 "--no-browser", "--port", str(port)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def get(path):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()

    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"kam lab stopped (exit {proc.returncode}):\n{log.read_text(errors='replace')}"
            try:
                status, _ = get("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, f"no answer in 60 s:\n{log.read_text(errors='replace')}"
                time.sleep(0.5)
        assert status == 200
        status, page = get("/lab")
        assert status == 200 and b"JupyterLab" in page
        status, body = get("/api/contents")  # the server's root is notebooks/
        listed = {item["name"] for item in json.loads(body)["content"] if item["type"] == "notebook"}
        assert listed == {p.name for p in NOTEBOOKS.glob("*.ipynb")}
        printed = log.read_text(errors="replace")
        assert "bound to the study 'default'" in printed
        if os.geteuid() == 0:
            assert "started with --allow-root" in printed
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
