"""One key-account set per run (issue 47): the identification notebook records its tiers, every later notebook reads
them, and a notebook run alone computes the same set with :func:`kamlib.tiers.identify`.

The expected key accounts are computed here with plain pandas from the log (top share by revenue, ties by id), not
copied from a run.
"""

import pickle

import numpy as np
import pandas as pd
import pytest

from kamlib import tiers
from kamlib.workbench import notebooks as nb_mod
from kamlib.workbench import runner


def _tiers_input(revenue, days_since_last, unit="W"):
    """A customer table with the given revenue and days since the last purchase (T in ``unit``)."""
    days = {"D": 1.0, "W": 7.0}[unit]
    n = len(revenue)
    return pd.DataFrame({"revenue": revenue, "clv": np.nan, "p_alive": np.nan, "recency": np.zeros(n),
                         "T": np.asarray(days_since_last, float) / days, "frequency": np.ones(n)},
                        index=[f"c{i:02d}" for i in range(n)])


def test_a_customer_exactly_at_the_inactivity_limit_is_active_in_weeks_and_days():
    """The caption says 'more than 180 days': a customer at exactly 180 days is active, one at 181 at risk."""
    for unit in ("D", "W"):
        base = _tiers_input([100.0, 90.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [180, 181] + [1] * 8, unit)
        t = tiers.assign(base, key_share=0.2, develop_share=0.5, max_inactive_days=180, unit=unit,
                         value_model="")
        assert t.tier["c00"] == "Key account", unit
        assert t.tier["c01"] == "At-risk key account", unit
        assert (t.n_key_accounts, t.n_active, t.n_at_risk) == (2, 1, 1)


def test_key_accounts_are_the_top_share_by_revenue_and_stop_before_a_tie_at_the_cut():
    revenue = [5.0, 9.0, 5.0, 5.0, 1.0, 0.0, 2.0, 3.0, 4.0, 5.0]
    base = _tiers_input(revenue, [1] * 10, "D")
    t = tiers.assign(base, key_share=0.3, develop_share=0.5, unit="D", value_model="")
    # the top 30% is 3 customers, and four tie at 5.0 across the cut: none of them is picked by its id
    assert list(t.members) == ["c01"] and t.cut.tied == 4 and t.cut.wanted == 3
    assert "4 customers tie at 5 (revenue)" in str(t.tie_note) and "tiers.key_share to at most 10.00%" in str(t.tie_note)
    whole = tiers.assign(base, key_share=0.5, develop_share=0.6, unit="D", value_model="")  # the cut after the tie
    assert list(whole.members) == ["c01", "c00", "c02", "c03", "c09"] and whole.tie_note is None
    assert t.rank_by == "revenue" and t.value_measure == "revenue" and t.value_model == ""


def test_a_log_without_amounts_ranks_by_purchase_days_and_says_so():
    base = _tiers_input([np.nan] * 10, [1] * 10, "D").assign(frequency=[0, 4, 1, 0, 0, 2, 0, 0, 0, 3])
    t = tiers.assign(base, key_share=0.2, develop_share=0.5, unit="D", value_model="")
    assert t.rank_by == "revenue" and t.measure == "purchase days"  # the rule's key; the measure's name
    assert list(t.members) == ["c01", "c09"]
    assert "purchase days" in str(t.rule)


def test_the_runner_runs_the_readers_of_a_stage_result_after_its_producer():
    after = runner._producers(nb_mod.available())
    for name in ("25_reviews", "40_strategy", "45_personalisation"):
        assert after[name] == {"10_key_accounts"}, name
    assert after["10_key_accounts"] == set()


def test_stage_result_declarations_match_the_notebooks_code():
    """A notebook that keeps a result declares it under produces; one that reads the identification (the key accounts
    or the fitted models) under needs."""
    import json

    for name in nb_mod.available():
        path = nb_mod.path_of(name)
        code = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
        info = nb_mod.info(path)
        assert ('art.keep("key_accounts"' in code) == ("key_accounts" in info.produces), name
        reads = "key_accounts(globals()" in code or "identification(globals()" in code
        assert reads == ("key_accounts" in info.needs), name


@pytest.mark.notebook
def test_one_key_account_set_with_one_count_in_every_notebook(values, quick_report):
    """The recorded key accounts are the top share by revenue computed here, and every notebook shows that count."""
    from kamlib.workbench.study import load

    payload = pickle.loads((quick_report / "results" / "key_accounts.pickle").read_bytes())
    ka = payload["result"].tiers
    assert payload["notebook"] == "10_key_accounts"
    study = load(quick=True)
    # the rule by hand: revenue per customer net of returns on purchase days, top share, a tie at the cut left out
    revenue = ka.base["revenue"].sort_values(ascending=False)
    n = round(len(revenue) * study.tiers.key_share)
    cut_value = revenue.iloc[n - 1] if revenue.iloc[n - 1] == revenue.iloc[n] else -np.inf
    expected = set(revenue.index[:n][revenue.iloc[:n].to_numpy() > cut_value].astype(str))
    assert set(map(str, ka.members)) == expected
    v10 = values("10_key_accounts")
    assert v10["key_accounts"] == len(expected) == ka.n_key_accounts
    assert v10["key_accounts_active"] + v10["at_risk_key_accounts"] == v10["key_accounts"]
    split = pd.read_csv(quick_report / "tables" / "rec_split.csv").set_index("measure")
    assert int(split.loc["key accounts", "value"]) == v10["key_accounts"]
    tiers_table = pd.read_csv(quick_report / "tables" / "ka_tiers.csv").set_index("tier")
    assert int(tiers_table.loc["At-risk key account", "customers"]) == v10["at_risk_key_accounts"]
    v40 = values("40_strategy")
    if "budget_at_risk_customers" in v40:
        assert v40["budget_at_risk_customers"] == v10["at_risk_key_accounts"]
    if not ka.value_model:  # no CLV chosen: no budget by value
        assert not (quick_report / "tables" / "strategy_budget_split.csv").exists()


@pytest.mark.notebook
def test_a_notebook_run_alone_computes_the_same_key_accounts(quick_report, monkeypatch):
    """tiers.identify, which a reader calls when no result is recorded, gives the recorded identification exactly:
    the same tiers, the same chosen model and the same fitted models."""
    from kamlib.workbench import notebook as helpers
    from kamlib.workbench.runner import notebook_parameters
    from kamlib.workbench.study import load

    recorded = pickle.loads((quick_report / "results" / "key_accounts.pickle").read_bytes())["result"]
    ka = recorded.tiers
    params = notebook_parameters("10_key_accounts", load(quick=True))
    tx = helpers.load_transactions(params).data
    monkeypatch.delenv(runner.RESULTS_ENV, raising=False)  # no recorded result: computed here
    ident = helpers.identification(params, tx)
    again = ident.tiers
    pd.testing.assert_series_equal(again.tier, ka.tier)
    assert again.value_model == ka.value_model and again.risk == ka.risk
    assert ident.value_model == recorded.value_model and set(ident.models) == set(recorded.models)
    for name, m in ident.models.items():  # the later stages read these fits instead of fitting again
        assert m.params == pytest.approx(recorded.models[name].params, rel=1e-9), name
    assert (ident.spend is None) == (recorded.spend is None)


def test_a_subset_run_brings_the_producer_when_its_result_is_missing_or_stale(tmp_path):
    """kam run 45_personalisation alone reruns 10_key_accounts unless its last good run used the same inputs."""
    import json

    from kamlib.workbench.study import load

    study = load(quick=True)
    base = runner.ROOT / "studies"
    notes = []
    names = runner._with_producers(["45_personalisation"], list(study.notebooks), study, base, tmp_path, notes.append)
    assert names == ["10_key_accounts", "45_personalisation"]
    assert "10_key_accounts" in notes[0] and "key accounts" in notes[0]
    # a fresh last good run of the producer, with its published result: the subset stays a subset
    params = runner.notebook_parameters("10_key_accounts", study, base)
    fp = runner.fingerprint("10_key_accounts", params, runner.study_mod.data_files(
        study, base, nb_mod.info(runner.notebook_path("10_key_accounts")).sections))
    (tmp_path / ".state").mkdir()
    (tmp_path / ".state" / "10_key_accounts.json").write_text(json.dumps(fp))
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "key_accounts.pickle").write_bytes(b"")
    assert runner._with_producers(["45_personalisation"], list(study.notebooks), study, base, tmp_path,
                                  notes.append) == ["45_personalisation"]
    # other parameters than its last good run: stale again
    (tmp_path / ".state" / "10_key_accounts.json").write_text(json.dumps({**fp, "parameters": "other"}))
    assert runner._with_producers(["45_personalisation"], list(study.notebooks), study, base, tmp_path,
                                  notes.append)[0] == "10_key_accounts"


def test_a_recorded_result_of_another_kamlib_or_a_damaged_file_is_computed_again(tmp_path, monkeypatch, capsys):
    import pickle

    from kamlib.workbench import notebook as helpers
    from kamlib.workbench.artefacts import RESULT_FORMAT, RESULTS_ENV, kamlib_code_hash

    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))
    namespace = {"clv_unit": "W"}
    path = tmp_path / "key_accounts.pickle"
    path.write_bytes(pickle.dumps({"format": RESULT_FORMAT, "kamlib": kamlib_code_hash(), "notebook": "10_key_accounts",
                                   "parameters": {"clv_unit": "W"}, "result": "recorded"}))
    assert helpers.stage_result(namespace, "key_accounts", lambda: "computed") == "recorded"
    assert helpers.stage_result({"clv_unit": "D"}, "key_accounts", lambda: "computed") == "computed"
    path.write_bytes(pickle.dumps({"format": RESULT_FORMAT, "kamlib": "other", "parameters": {}, "result": "old"}))
    assert helpers.stage_result(namespace, "key_accounts", lambda: "computed") == "computed"
    path.write_bytes(b"not a pickle")
    assert helpers.stage_result(namespace, "key_accounts", lambda: "computed") == "computed"
    out = capsys.readouterr().out
    assert "other parameters (clv_unit)" in out and "another version of kamlib" in out and "cannot be read" in out


def test_the_readers_of_a_failed_producer_do_not_run(tmp_path, monkeypatch):
    """A reader never reads the last run's key accounts beside a producer that failed in this run."""
    calls = []

    def fake_execute(name, params, staging):
        calls.append(name)
        return {"ok": False, "seconds": 0.0, "message": "boom"} if name == "10_key_accounts" else \
            {"ok": False, "skipped": True, "seconds": 0.0, "message": "does not apply"}

    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path))
    monkeypatch.setattr(runner, "_execute", fake_execute)
    monkeypatch.setattr(runner, "ProcessPoolExecutor", _InlinePool)
    monkeypatch.setattr(runner, "_preload", lambda: None)
    outcomes = runner.run(None, ["10_key_accounts", "01_data_overview", "45_personalisation"], quick=True,
                          echo=lambda *a: None)
    status = {o.notebook: (o.status, o.message) for o in outcomes}
    assert status["10_key_accounts"] == ("failed", "boom")
    assert status["45_personalisation"][0] == "failed" and "10_key_accounts, which failed" in status["45_personalisation"][1]
    assert "45_personalisation" not in calls  # never executed


class _InlinePool:
    """A stand-in for the process pool that runs each task when it is submitted (for scheduling tests)."""

    def __init__(self, max_workers=1):
        pass

    def submit(self, fn, *args):
        from concurrent.futures import Future

        fut = Future()
        fut.set_result(fn(*args))
        return fut

    def shutdown(self, *a, **k):
        pass
