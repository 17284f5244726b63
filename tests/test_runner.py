"""The runner end to end on the data-overview notebook (real CDNOW sample)."""

import json

import pytest

from kamlib.workbench import cli, runner
from kamlib.workbench.artefacts import sha256



@pytest.fixture
def reports(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    return tmp_path / "reports"


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not {".state", "failed"} & set(p.parts)}


@pytest.mark.notebook
def test_run_skip_and_failure_keep_last_good_report(study_file, reports, tmp_path, capsys):
    good = study_file(base="cdnow", name="rt", notebooks=["01_data_overview"])
    out = runner.run(good, jobs=1)
    assert [o.status for o in out] == ["ran"]
    folder = reports / "rt"
    manifest = json.loads((folder / "manifest.json").read_text())
    ids = {a["id"] for a in manifest["artefacts"]}
    assert {"data_validation", "data_overview", "data_monthly", "data_monthly_table"} <= ids
    for a in manifest["artefacts"]:
        assert sha256(folder / a["path"]) == a["sha256"]
        assert a["notebook"] == "01_data_overview" and len(a["parameters_hash"]) == 16
    assert (folder / "notebooks" / "01_data_overview.html").exists()
    html = (folder / "notebooks" / "01_data_overview.html").read_text()
    assert ">load_transactions<" in html  # the code is shown: the report links to its cells
    values = json.loads((folder / "values" / "01_data_overview.json").read_text())
    assert values["n_customers"] == 2357 and values["n_rows"] == 6919
    assert not (folder / ".state" / "log").exists()  # the kernels' shared log ends with its run

    # nothing changed: nothing runs
    again = runner.run(good, jobs=1)
    assert [o.status for o in again] == ["skipped"]

    # a broken input: the notebook fails with its cause, the last good report stays byte-identical
    before = _snapshot(folder)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("client,date,amount\nx,2024-01-01,5\n")
    bad = study_file(base="cdnow", name="rt", transactions__source=str(bad_csv), notebooks=["01_data_overview"])
    capsys.readouterr()
    code = cli.main(["run", "--study", str(bad), "--no-report"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "FAILED 01_data_overview" in printed and "has no column 'customer_id'" in printed
    assert _snapshot(folder) == before
    assert (folder / "failed" / "01_data_overview.ipynb").exists()


def test_unknown_notebook_is_refused(reports, capsys):
    assert cli.main(["run", "99_nothing"]) == 2
    assert "no notebook '99_nothing'" in capsys.readouterr().err


@pytest.mark.notebook
def test_report_appendix_shows_the_parameters_the_notebook_ran_with(study_file, reports):
    """Editing the study after a run and rebuilding the report alone must not change the appendix:
    it shows what the notebook ran with (recorded in the manifest), beside that run's hash."""
    import re

    from kamlib.workbench import report

    path = study_file(base="cdnow", name="appx", notebooks=["01_data_overview"])
    assert [o.status for o in runner.run(path, jobs=1)] == ["ran"]
    edited = study_file(base="cdnow", name="appx", notebooks=["01_data_overview"],
                        transactions__zero_amounts="drop")
    html = report.build(edited, force=True).read_text(encoding="utf-8")
    appendix = html[html.index("id='appendix'"):]
    row = re.search(r"<tr><td>transactions_zero_amounts</td><td>(.*?)</td></tr>", appendix)
    assert row and row.group(1) == "&#34;keep&#34;", row
    manifest = json.loads((reports / "appx" / "manifest.json").read_text())
    assert f"hash {manifest['notebooks']['01_data_overview']['parameters_hash']}" in appendix


@pytest.mark.notebook
def test_an_argument_error_in_a_notebook_reaches_the_run_with_its_sentence(tmp_path):
    """kamlib's ArgumentError gets the study key added by a custom IPython handler; the cell must still carry the
    error, so that the runner prints the sentence (never an empty 'CellExecutionError:')."""
    import nbformat
    import papermill as pm

    from kamlib.workbench.runner import _error_sentence

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('notebook = "x"\nclv_holdout_end = "2024-01-01"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(
                    "from kamlib.workbench.notebook import start\nfrom kamlib.errors import ArgumentError\n"
                    "art = start(globals())\n"
                    "raise ArgumentError('holdout_end (2024-01-01) is after the last purchase.', argument='holdout_end')")]
    nbformat.write(nb, tmp_path / "in.ipynb")
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3",
                            parameters={"output_dir": str(tmp_path / "art")}, progress_bar=False)
    assert err.value.ename == "ArgumentError"
    assert _error_sentence(err.value, tmp_path / "out.ipynb") == (
        "holdout_end (2024-01-01) is after the last purchase. In the study file this is clv.holdout_end.")


def test_cell_tracing_reads_the_syntax_tree(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\nfrom kamlib import plots\nfrom kamlib.survey import responses as sd\n"
                                  "from kamlib.survey import cfa\nfrom kamlib.workbench.notebook import start\nart = start(globals())"),
        nbformat.v4.new_code_cell("if real:\n    from kamlib import datasets\n    from kamlib.survey import pls\n    m = pls.fit(datasets.ecsi('x'))"),
        nbformat.v4.new_code_cell("fig = plots.plot_path_diagram(m.paths)  # pls.fit( in a comment is no call\n"
                                  "res = cfa(sd.simulate(inst), 'f =~ a + b')\nm.bootstrap(10)"),
        nbformat.v4.new_code_cell("this is not python ("),
    ]
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    traced = runner.trace_cells(path)
    by_src = {src.split("\n")[0]: v["functions"] for src, v in traced.items()}
    assert by_src["%matplotlib inline"] == []  # imports and the workbench's start are not analysis calls
    assert by_src["if real:"] == ["kamlib.datasets.ecsi", "kamlib.survey.pls.fit"]
    assert by_src["fig = plots.plot_path_diagram(m.paths)  # pls.fit( in a comment is no call"] == [
        "kamlib.plots.plot_path_diagram", "kamlib.survey.cfa", "kamlib.survey.responses.simulate"]
    assert by_src["this is not python ("] == []
    assert all(v["cell"] for v in traced.values())


def test_the_notebook_html_is_nbconverts_own_with_code_escaped(tmp_path):
    """The runner's HTML export skips the lab template's bleach pass over highlighted code: the page must be
    byte for byte nbconvert's default, with markup in code, outputs and Markdown escaped as before."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title <em>x</em> & y"),
                nbformat.v4.new_code_cell('s = "<script>alert(1)</script> & <b>"\nprint(s)  # 1 < 2',
                                          outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                          text="<script>alert(1)</script> & <b>\n")])]
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    runner._to_html(path, tmp_path / "n.html")
    ours = (tmp_path / "n.html").read_text(encoding="utf-8")
    default, _ = HTMLExporter(exclude_input_prompt=False, exclude_output_prompt=True).from_notebook_node(nb)
    assert ours == default
    assert "<script>alert" not in ours and "&lt;script&gt;alert" in ours


def test_a_finished_kernel_gets_a_short_shutdown_wait(tmp_path, monkeypatch):
    """ipykernel 7.4 can hang on its own shutdown (the control thread flushes to the stopped output thread) until
    jupyter_client terminates it: with the default 5 s wait that added 3.4 s to about one notebook in four. The
    runner asks papermill for a kernel manager that waits at most KERNEL_SHUTDOWN_WAIT."""
    import nbformat
    import papermill as pm

    seen = {}

    def fake(src, out, **kwargs):
        seen.update(kwargs)
        nbformat.write(nbformat.v4.new_notebook(), out)

    monkeypatch.setattr(pm, "execute_notebook", fake)
    assert runner._execute("01_data_overview", {}, str(tmp_path))["ok"]
    assert seen["config"].KernelManager.shutdown_wait_time == runner.KERNEL_SHUTDOWN_WAIT <= 1.0
    assert seen["kernel_name"] == "python3"


def test_a_long_run_says_what_it_is_doing(capsys, monkeypatch):
    """Issue 51, item 4: a stage and a long loop print a marked line; the runner echoes the kernel's marked lines
    (and only those) with the notebook's name, a line split across writes included."""
    from kamlib import _progress

    monkeypatch.setattr(_progress, "EVERY", 0.0)
    steps = _progress.Steps("bootstrap of the BG/NBD", 3)
    for i in range(3):
        steps.done(i + 1)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(_progress.MARK + "bootstrap of the BG/NBD: 1 of 3 (")
    assert printed[-1].startswith(_progress.MARK + "bootstrap of the BG/NBD: 3 of 3 (")
    monkeypatch.setattr(_progress, "EVERY", 3600.0)
    quiet = _progress.Steps("a quick loop", 2)
    quiet.done(1), quiet.done(2)
    assert capsys.readouterr().out == ""  # a loop shorter than EVERY stays silent
    echo = runner._Echo("10_key_accounts")
    echo.write("plain output\n" + _progress.MARK + "purchase")
    echo.write(" models\n" + _progress.MARK + "bootstrap: 5 of 10 (11 s)\nmore\n")
    assert capsys.readouterr().out.splitlines() == ["    10_key_accounts: purchase models",
                                                    "    10_key_accounts: bootstrap: 5 of 10 (11 s)"]
