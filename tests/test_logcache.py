"""The run's one validated copy of the log (kamlib.workbench.logcache): the same log, read not validated again."""

import datetime as dt

import pandas as pd
import pytest

from kamlib import transactions
from kamlib.workbench import logcache
from kamlib.workbench.artefacts import RESULTS_ENV


@pytest.fixture
def run_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results"))
    return tmp_path / ".state" / "log"


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "lines.csv"
    pd.DataFrame({"buyer": ["a", "a", "b", "c", "c", "c", ""], "day": ["2024-01-02", "2024-02-03", "2024-01-05",
                                                                     "2024-03-01", "2024-03-09", "2024-04-01",
                                                                     "2024-04-02"],
                  "paid": ["5", "7.5", "3", "2", "2", "-1", "4"], "sku": list("xyzxyzx")}).to_csv(path, index=False)
    return path


def _arguments(path):
    return {"source": str(path), "columns": {"customer": "buyer", "date": "day", "amount": "paid", "product": "sku"},
            "as_of": dt.date(2025, 1, 1)}


def _load(arguments, calls):
    def load():
        calls.append(1)
        return transactions.load(arguments["source"], columns=arguments["columns"], as_of=arguments["as_of"])
    return load


def test_the_second_kernel_reads_the_copy_equal_in_every_column_and_rule(run_folder, log):
    arguments, calls = _arguments(log), []
    first = logcache.shared(arguments, _load(arguments, calls))
    second = logcache.shared(arguments, _load(arguments, calls))
    assert calls == [1]  # validated once
    pd.testing.assert_frame_equal(first.data, second.data, check_exact=True, check_index_type=True)
    assert isinstance(second.data.index, pd.RangeIndex) and list(first.data.dtypes) == list(second.data.dtypes)
    assert [str(r) for r in first.report["rule"]] == [str(r) for r in second.report["rule"]]
    assert (first.source, first.read, first.warnings) == (second.source, second.read, second.warnings)
    assert len(list(run_folder.glob("*.parquet"))) == 1


def test_changed_bytes_or_rules_load_afresh_and_replace_the_copy(run_folder, log):
    arguments, calls = _arguments(log), []
    logcache.shared(arguments, _load(arguments, calls))
    changed = dict(arguments, as_of=dt.date(2024, 3, 5))  # another rule: dates after it are "future"
    fewer = logcache.shared(changed, _load(changed, calls))
    assert calls == [1, 1] and len(fewer.data) < 6
    log.write_text(log.read_text().replace("7.5", "8.5"))  # the file changed
    again = logcache.shared(changed, _load(changed, calls))
    assert calls == [1, 1, 1] and 8.5 in again.data["amount"].tolist()
    assert len(list(run_folder.glob("*.parquet"))) == 1  # one copy per run folder


def test_without_a_run_nothing_is_kept(tmp_path, monkeypatch, log):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    arguments, calls = _arguments(log), []
    logcache.shared(arguments, _load(arguments, calls))
    logcache.shared(arguments, _load(arguments, calls))
    assert calls == [1, 1] and not (tmp_path / ".state").exists()


def test_a_damaged_copy_is_loaded_afresh(run_folder, log):
    arguments, calls = _arguments(log), []
    logcache.shared(arguments, _load(arguments, calls))
    next(run_folder.glob("*.parquet")).write_bytes(b"not parquet")
    again = logcache.shared(arguments, _load(arguments, calls))
    assert calls == [1, 1] and len(again.data) == 5


def test_a_log_parquet_cannot_hold_is_returned_and_not_kept(run_folder, log):
    arguments, calls = _arguments(log), []

    def load():
        calls.append(1)
        loaded = _load(arguments, [])()
        data = loaded.data.assign(mixed=[1, "x", 2.5, None, b"y"][: len(loaded.data)])
        return type(loaded)(data, loaded.report, loaded.source)

    first = logcache.shared(arguments, load)
    assert "mixed" in first.data and calls == [1]
    assert not list(run_folder.glob("*.p*"))  # nothing half-written stays
    logcache.shared(arguments, load)
    assert calls == [1, 1]


def test_the_key_follows_today_only_without_as_of(log):
    arguments = _arguments(log)
    assert logcache.key(arguments, today=dt.date(2026, 1, 1)) == logcache.key(arguments, today=dt.date(2026, 1, 2))
    open_ended = dict(arguments, as_of=None)
    assert logcache.key(open_ended, today=dt.date(2026, 1, 1)) != logcache.key(open_ended, today=dt.date(2026, 1, 2))
    assert logcache.key(dict(arguments, source=str(log) + ".missing")) is None


_READ_IN_ANOTHER_KERNEL = """
import json, sys
from kamlib.i18n import made, translate
from kamlib.workbench import logcache
loaded = logcache.shared(json.loads(sys.argv[1]), lambda: 1 / 0)
print(json.dumps({str(r): translate(made(str(r)), "zh") if made(str(r)) else None for r in loaded.report["rule"]}))
"""


@pytest.mark.slow
def test_a_kernel_reading_the_copy_has_the_cleaning_reports_chinese(run_folder, log, monkeypatch):
    """Another process (a kernel that never validated) finds the Chinese of the cleaning rules as the first one."""
    import json
    import subprocess
    import sys

    from kamlib.i18n import made, translate

    arguments = dict(_arguments(log), exclude_products=["z"])  # a rule that is a Message: "not a product (z)"
    first = logcache.shared(arguments, lambda: transactions.load(
        arguments["source"], columns=arguments["columns"], as_of=arguments["as_of"], exclude_products=["z"]))
    here = {str(r): translate(made(str(r)), "zh") if made(str(r)) else None for r in first.report["rule"]}
    assert sum(v is not None for v in here.values()) >= 2  # the not-a-product rule and the total
    args = json.dumps({**arguments, "as_of": str(arguments["as_of"])})
    # the key is made from the arguments as the notebook passes them: the same JSON text in the other process
    monkeypatch.setattr(logcache, "key", lambda a, **k: "fixed")
    logcache.clear(run_folder.parent.parent)
    logcache.shared(arguments, lambda: first)
    code = _READ_IN_ANOTHER_KERNEL.replace("from kamlib.workbench import logcache",
                                           "from kamlib.workbench import logcache\nlogcache.key = lambda a, **k: 'fixed'")
    done = subprocess.run([sys.executable, "-c", code, args], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, RESULTS_ENV: str(run_folder.parent.parent / "results")})
    assert json.loads(done.stdout) == here


def test_clear_removes_the_run_folders_copy(run_folder, log):
    arguments = _arguments(log)
    logcache.shared(arguments, _load(arguments, []))
    assert list(run_folder.glob("*.parquet"))
    logcache.clear(run_folder.parent.parent)
    assert not run_folder.exists()
