"""Input you can trust: every class of awkward file gives the right numbers or one sentence, never a silently wrong
number, a traceback or a misleading fix. Small hand-made files, one test per class."""

import datetime as dt

import pandas as pd
import pytest

from kamlib import parsing, transactions
from kamlib.errors import ArgumentError, KamError
from kamlib.workbench import cli

COLS = {"customer": "customer_id", "date": "date", "amount": "amount"}


def _load(path, **kw):
    return transactions.load(str(path), columns=kw.pop("columns", COLS), zero_amounts="keep", negative_amounts="drop",
                             exclude_products=[], cancellation_prefix=None, **kw)


# ----------------------------------------------------------------------------- Excel


def test_excel_workbooks_are_read_directly_first_sheet_or_named(tmp_path):
    path = tmp_path / "问卷星导出.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"说明": ["not data"]}).to_excel(xl, sheet_name="说明", index=False)
        pd.DataFrame({"客户编号": [12713, 12714, 12713], "日期": [dt.datetime(2024, 1, 5), dt.datetime(2024, 2, 1),
                                                             dt.datetime(2024, 3, 9)],
                      "金额": [12.5, 1000.0, 7.25]}).to_excel(xl, sheet_name="订单", index=False)
    cols = {"customer": "客户编号", "date": "日期", "amount": "金额"}
    with pytest.raises(ArgumentError, match="has no column '客户编号'.*说明"):
        _load(path, columns=cols)  # the first sheet is the notes sheet: the error lists what it has
    tx = _load(path, columns=cols, sheet="订单").data
    assert tx["customer_id"].tolist() == ["12713", "12714", "12713"]  # not 12713.0
    assert tx["amount"].sum() == pytest.approx(1019.75) and tx["date"].dt.month.tolist() == [1, 2, 3]
    with pytest.raises(ArgumentError, match="has no sheet 'Orders'; its sheets are '说明', '订单'"):
        _load(path, columns=cols, sheet="Orders")


def test_a_damaged_workbook_or_an_xlsx_saved_as_csv_is_named(tmp_path):
    broken = tmp_path / "orders.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a whole zip file")
    with pytest.raises(ArgumentError, match=r"orders.xlsx cannot be read as an Excel workbook .*save it again"):
        _load(broken)
    real = tmp_path / "orders.csv"  # an Excel file with a .csv name is read as what it is
    pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-05"], "amount": [5.0]}).to_excel(real, index=False,
                                                                                          engine="openpyxl")
    assert _load(real).data["amount"].tolist() == [5.0]


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("values, decimal, expected", [
    (["¥1,234.50", "￥12元", "$3", "£4.5", "€5", "RMB 6", "(7.50)"], None, [1234.5, 12, 3, 4.5, 5, 6, -7.5]),
    (["1.234,50", "12,5", "3"], None, [1234.5, 12.5, 3]),       # decimal commas proven by 12,5 and 1.234,50
    (["1,234", "5"], ".", [1234, 5]),                            # said by the study
    (["1.234", "5"], ",", [1234, 5]),
    (["1 234,50", "7"], None, [1234.5, 7]),                      # spaces as thousands separators
])
def test_numbers_follow_one_explicit_rule(values, decimal, expected):
    assert parsing.numbers(pd.Series(values), decimal=decimal).tolist() == pytest.approx(expected)


@pytest.mark.parametrize("values, message", [
    (["1,234", "5"], "ambiguous.*set transactions.decimal"),
    (["2.500", "3.000"], "ambiguous"),
    (["1,5", "2.5"], "mixes decimal points and decimal commas"),
])
def test_ambiguous_numbers_stop_and_ask(values, message):
    with pytest.raises(ArgumentError, match=message):
        parsing.numbers(pd.Series(values), column="金额")


def test_european_decimals_in_a_file_give_the_right_totals_or_stop(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("customer_id;date;amount\na;2024-01-05;1.234,50\nb;2024-01-06;12,75\n", encoding="utf-8")
    assert _load(path).data["amount"].tolist() == [1234.5, 12.75]  # semicolons detected, decimal comma proven
    ambiguous = tmp_path / "thousands.csv"
    ambiguous.write_text("customer_id,date,amount\na,2024-01-05,\"1,234\"\nb,2024-01-06,5\n")
    with pytest.raises(ArgumentError, match=r"Column 'amount'.*row 2: '1,234'.*transactions.decimal") as err:
        _load(ambiguous)
    assert err.value.argument == "decimal"
    assert _load(ambiguous, decimal=".").data["amount"].tolist() == [1234.0, 5.0]


def test_full_width_yuan_rows_are_kept(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes('客户,日期,金额\n甲,2024-01-05,"￥1,200.00"\n乙,2024-01-06,35.5元\n'.encode("gbk"))
    tx = _load(path, columns={"customer": "客户", "date": "日期", "amount": "金额"}).data
    assert tx["amount"].tolist() == [1200.0, 35.5]


# ----------------------------------------------------------------------------- dates


def test_day_month_order_is_proven_by_the_file_or_asked_for(tmp_path):
    proven = tmp_path / "proven.csv"
    proven.write_text("customer_id,date,amount\na,04/03/2024,5\nb,13/03/2024,6\n")
    assert _load(proven).data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-04", "2024-03-13"]
    ambiguous = tmp_path / "ambiguous.csv"
    ambiguous.write_text("customer_id,date,amount\na,04/03/2024,5\nb,05/06/2024,6\n")
    with pytest.raises(ArgumentError, match=r"day-first or month-first.*date_format") as err:
        _load(ambiguous)
    assert err.value.argument == "date_format"
    assert _load(ambiguous, date_format="%m/%d/%Y").data["date"].dt.month.tolist() == [4, 5]


def test_utc_offsets_are_converted_or_dropped_with_a_note(tmp_path):
    path = tmp_path / "tz.csv"
    path.write_text("customer_id,date,amount\na,2024-01-05T23:30:00+08:00,5\nb,2024-01-06 10:00:00,6\n")
    kept = _load(path)
    assert kept.data["date"].astype(str).tolist() == ["2024-01-05 23:30:00", "2024-01-06 10:00:00"]
    assert kept.report["rule"].str.contains("offset was dropped").any()
    london = _load(path, timezone="Europe/London").data
    assert london["date"].astype(str).tolist()[0] == "2024-01-05 15:30:00"


def test_a_wrong_date_format_blames_the_failing_rows(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("customer_id,date,amount\na,2024-01-05,5\nb,2024/01/06,6\nc,2024/01/07,6\n")
    with pytest.raises(ArgumentError, match=r"rows 3, 4") as err:
        _load(path, date_format="%Y-%m-%d")
    assert "row 2" not in str(err.value)


# ----------------------------------------------------------------------------- separators and empties


def test_separators_and_empty_files(tmp_path):
    tab = tmp_path / "tab.tsv"
    tab.write_text("customer_id\tdate\tamount\na\t2024-01-05\t5\n")
    assert len(_load(tab).data) == 1
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ArgumentError, match="empty \\(0 bytes\\): no data rows"):
        _load(empty)
    header = tmp_path / "header.csv"
    header.write_text("customer_id,date,amount\n")
    with pytest.raises(ArgumentError, match="has a header .* but no data rows"):
        _load(header)


# ----------------------------------------------------------------------------- study files


@pytest.mark.parametrize("text, message", [
    ("", "is empty \\(or only comments\\)"),
    ("# a comment only\n", "is empty \\(or only comments\\)"),
    ("- a\n- b\n", "must be a YAML mapping"),
    ("name: a\nclv:\n  unit: W\nclv:\n  unit: D\n", "the key 'clv' is written twice \\(lines 2 and 4\\)"),
    ("name: a\nclv:\n  unit: W\n  unit: D\n", "the key 'unit' is written twice"),
    ("name: a\nclv:\n  calibration_end: 1997-13-45\n", "key 'clv.calibration_end' is invalid .*'1997-13-45'"),
    ("name: a\nclv:\n  unit: w\n", "should be 'D', 'W' or 'M', got 'w'"),
    ("name: a\ntransactions:\n  timezone: Mars/Base\n", "unknown time zone 'Mars/Base'"),
])
def test_broken_study_files_are_one_sentence_and_exit_2(tmp_path, capsys, text, message):
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["validate", "--study", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert pytest.importorskip("re").search(message, err), err


def test_gbk_study_files_and_folders_are_refused_in_one_sentence(tmp_path, capsys):
    gbk = tmp_path / "study.yaml"
    gbk.write_bytes("name: 中文研究\n".encode("gbk"))
    assert cli.main(["validate", "--study", str(gbk)]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    assert cli.main(["validate", "--study", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_validate_opens_the_data_files(study_file, tmp_path, capsys):
    header = tmp_path / "orders.csv"
    header.write_text("customer_id,date,amount\n")
    path = study_file(base="cdnow", transactions__source=str(header), notebooks=["01_data_overview"])
    assert cli.main(["validate", "--study", str(path)]) == 2
    assert "no data rows" in capsys.readouterr().err
    header.write_text("client,date,amount\nx,2024-01-05,5\n")
    assert cli.main(["validate", "--study", str(path)]) == 2
    assert "has no column 'customer_id'" in capsys.readouterr().err
    header.write_text("customer_id,date,amount\nx,2024-01-05,5\n")
    assert cli.main(["validate", "--study", str(path)]) == 0
    assert "transactions: 1 rows, 1 customers" in capsys.readouterr().out


# ----------------------------------------------------------------------------- survey


def test_survey_mistakes_name_the_file_item_and_rule(tmp_path):
    from kamlib.survey import instrument, responses as sd
    from kamlib.config import DATA

    inst = instrument.load(DATA / "survey" / "instrument.yaml")
    export = sd.write_example(inst, "wjx", tmp_path / "wjx.csv", n=60, seed=1)
    broken = tmp_path / "map.yaml"
    broken.write_text("columns: [unclosed\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match="map.yaml is not valid YAML at line 2"):
        sd.read(export, inst, fmt="wjx", mapping=broken)
    broken.write_text("headers: {}\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match="has no 'columns:' mapping"):
        sd.read(export, inst, fmt="wjx", mapping=broken)
    raw = sd.read(export, inst, fmt="wjx", mapping="data/survey/wjx_mapping.yaml")
    with pytest.raises(KamError, match=r"only 0 of 60 respondents are left .*'speeder"):
        sd.clean(raw, inst, min_seconds=10 ** 6, where="wjx.csv")
    answers = sd.simulate(inst, 200, seed=1, defects=False)
    answers["PQ1"] = 4
    with pytest.raises(KamError, match="item PQ1 has the same answer \\(4\\) from every respondent"):
        sd.clean(answers, inst, where="answers.csv")


# ----------------------------------------------------------------------------- runs


@pytest.mark.slow  # starts a second Python process that runs a notebook
def test_a_second_run_of_a_study_is_refused_while_one_runs(study_file, tmp_path, monkeypatch, capsys):
    import json
    import subprocess
    import sys

    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    path = study_file(base="cdnow", name="locked", notebooks=["01_data_overview"])
    out = tmp_path / "reports" / "locked"
    out.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from kamlib.workbench.runner import _study_lock\n"
        f"with _study_lock(Path({str(out)!r}), 'locked'):\n    print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert cli.main(["run", "--study", str(path)]) == 2
        assert f"Another run of study locked is in progress (pid {holder.pid})" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert not (out / "manifest.json").exists()
    # the holder is gone (killed, not cleaned up): the OS released its lock
    assert cli.main(["run", "--study", str(path), "--no-report"]) == 0
    assert json.loads((out / "manifest.json").read_text())["artefacts"]


def test_an_unwritable_reports_folder_is_one_sentence(study_file, tmp_path, monkeypatch, capsys):
    import os

    if os.geteuid() == 0:  # root writes anywhere: point the reports at a file instead of a folder
        target = tmp_path / "not-a-folder"
        target.write_text("")
    else:
        target = tmp_path / "ro"
        target.mkdir(mode=0o500)
    monkeypatch.setenv("KAM_REPORTS_DIR", str(target))
    path = study_file(base="cdnow", notebooks=["01_data_overview"])
    assert cli.main(["run", "--study", str(path)]) == 2
    assert "Cannot write the report folder" in capsys.readouterr().err


@pytest.mark.notebook
def test_stopping_the_runner_stops_its_workers_and_kernels(study_file, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    path = study_file(base="cdnow", name="stopped", notebooks=["10_key_accounts"])
    env = dict(os.environ, KAM_REPORTS_DIR=str(tmp_path / "reports"))
    runner = subprocess.Popen([sys.executable, "-m", "kamlib", "run", "--study", str(path), "--quick"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    parent = psutil.Process(runner.pid)
    kernels = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not kernels:  # wait until a kernel runs the notebook
        kernels = [p for p in parent.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        time.sleep(0.2)
    assert kernels, "no kernel started"
    started = parent.children(recursive=True)
    runner.send_signal(signal.SIGTERM)
    runner.wait(timeout=30)
    gone, alive = psutil.wait_procs(started, timeout=10)
    assert not alive, [p.cmdline() for p in alive]
    out = tmp_path / "reports" / "stopped-quick"
    assert not (out / ".staging").exists() and not (out / "manifest.json").exists()


def test_an_instrument_whose_attention_check_is_off_the_scale_is_refused_at_load(tmp_path):
    """A 7-point questionnaire cut to five points keeps 'choose Agree (6)': say so when the file is read, not as
    'answers outside 1-5' of every respondent at cleaning."""
    import yaml

    from kamlib.survey import instrument
    from kamlib.config import DATA

    spec = yaml.safe_load((DATA / "survey" / "instrument.yaml").read_text(encoding="utf-8"))
    spec["scale"] = {"points": 5, "labels": {"en": list("abcde"), "zh": list("abcde")}}
    path = tmp_path / "five.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KamError, match=r"attention_check.expected is 6, which is not an answer of the 5-point scale"):
        instrument.load(path)
    spec["attention_check"]["expected"] = 4
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    assert instrument.load(path).points == 5


# ----------------------------------------------------------------------------- event logs (issue 48.7)


def _event_log(tmp_path):
    """A marketplace event log (views, favourites, carts, purchases) with Unix times, and what it holds by hand."""
    utc = dt.timezone.utc
    events = [("u1", "pv", dt.datetime(2018, 7, 1, 18, 32, 57, tzinfo=utc)),
              ("u1", "fav", dt.datetime(2018, 7, 1, 18, 40, tzinfo=utc)),
              ("u1", "cart", dt.datetime(2018, 7, 1, 19, 0, tzinfo=utc)),
              ("u1", "buy", dt.datetime(2018, 7, 1, 20, 0, tzinfo=utc)),
              ("u2", "pv", dt.datetime(2018, 7, 2, 9, 0, tzinfo=utc)),
              ("u2", "cart", dt.datetime(2018, 7, 2, 10, 0, tzinfo=utc)),
              ("u2", "buy", dt.datetime(2018, 7, 2, 17, 0, tzinfo=utc)),  # the 3rd in Shanghai (UTC+8)
              ("u3", "pv", dt.datetime(2018, 7, 3, 1, 0, tzinfo=utc)),
              ("u3", "pv", dt.datetime(2018, 7, 3, 2, 0, tzinfo=utc)),
              ("u3", "fav", dt.datetime(2018, 7, 3, 3, 0, tzinfo=utc)),
              ("u4", "buy", dt.datetime(2018, 7, 4, 12, 30, tzinfo=utc))]
    lines = ["user_id,item_id,behavior_type,timestamp"]
    for i, (user, kind, when) in enumerate(events):
        stamp = int(when.timestamp())
        lines.append(f"{user},{100 + i},{kind},{stamp * 1000 if user == 'u4' else stamp}")  # u4's in milliseconds
    path = tmp_path / "UserBehavior.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, events


def test_an_event_log_with_unix_times_is_read_in_the_study_zone_and_filtered_to_purchases(tmp_path):
    import warnings
    import zoneinfo

    path, events = _event_log(tmp_path)
    cols = {"customer": "user_id", "date": "timestamp", "product": "item_id"}
    buys = [(u, w) for u, k, w in events if k == "buy"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no library warning reaches the user
        with pytest.raises(ArgumentError, match=r"11 of 11 dates .*Unix time; set transactions.date_format: epoch") as err:
            _load(path, columns=cols)
        assert err.value.argument == "date_format" and "\n" not in str(err.value)
        shanghai = _load(path, columns=cols, date_format="epoch", timezone="Asia/Shanghai",
                         filter={"behavior_type": ["buy"]})
        utc = _load(path, columns=cols, date_format="epoch", filter={"behavior_type": ["buy"]})
    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert sorted(shanghai.data["date"].tolist()) == sorted(pd.Timestamp(w.astimezone(zone).replace(tzinfo=None))
                                                            for _, w in buys)
    assert sorted(utc.data["date"].tolist()) == sorted(pd.Timestamp(w.replace(tzinfo=None)) for _, w in buys)
    assert sorted(shanghai.data["customer_id"]) == sorted(u for u, _ in buys)
    report = shanghai.report.set_index(shanghai.report["rule"].astype(str))
    left_out = len(events) - len(buys)
    assert report.loc["not kept by transactions.filter (behavior_type: buy)", "rows_dropped"] == left_out
    assert report.loc[f"total: {len(buys)} rows kept of {len(events)} read", "rows_dropped"] == left_out
    zone_rule = [r for r in report.index if "Unix time" in r]
    assert zone_rule == [f"{len(buys)} dates read as Unix time (seconds and milliseconds since 1970-01-01 UTC), "
                         "shown in Asia/Shanghai"]
    assert report.loc[zone_rule[0], "rows_flagged"] == len(buys)
    assert "not set, so the dates are UTC" in " ".join(utc.report["fix"].astype(str))
    # the purchase path from the unfiltered log: views, favourites, carts, purchases
    did = {k: {u for u, kk, _ in events if kk == k} for k in ("pv", "fav", "cart", "buy")}
    reached, expected = None, []
    for k in ("pv", "fav", "cart", "buy"):
        reached = did[k] if reached is None else reached & did[k]
        expected.append([k, sum(kk == k for _, kk, _ in events), len(did[k]), len(reached)])
    path_table = shanghai.funnel
    assert path_table[["step", "events", "customers", "reached"]].values.tolist() == expected
    assert path_table["conversion"].iloc[1:].tolist() == pytest.approx(
        [expected[i][3] / expected[i - 1][3] for i in range(1, 4)])


def test_unix_time_is_seconds_or_milliseconds_by_size():
    moments = [dt.datetime(1973, 3, 3, 9, 46, 40, tzinfo=dt.timezone.utc),  # 1e11 ms: the first millisecond value
               dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.timezone.utc)]
    seconds = [int(m.timestamp()) for m in moments]
    values = pd.Series([str(seconds[1]), str(seconds[0] * 1000), str(seconds[1] * 1000), "2024-01-01", "", "9" * 15])
    read, note = parsing.dates(values, date_format="epoch")
    naive = [pd.Timestamp(m.replace(tzinfo=None)) for m in moments]
    assert read.iloc[:3].tolist() == [naive[1], naive[0], naive[1]]
    assert read.iloc[3:].isna().all()  # text, empty and microseconds are not Unix seconds or milliseconds
    assert str(note) == "3 dates read as Unix time (seconds and milliseconds since 1970-01-01 UTC), shown in UTC"
    assert note.translate("zh") is not None


def test_a_filter_matches_codes_as_text_names_a_role_and_refuses_what_it_cannot_keep(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("customer_id,date,amount,behavior_type,src\n"
                    "a,2024-01-05,5,1,app\na,2024-01-06,6,4,app\nb,2024-01-07,7,4,web\nb,2024-01-08,8,2,web\n")
    assert _load(path, filter={"behavior_type": [4]}).data["amount"].tolist() == [6.0, 7.0]
    cols = {**COLS, "channel": "src"}
    kept = _load(path, columns=cols, filter={"channel": ["web"], "behavior_type": [4]})
    assert kept.data["amount"].tolist() == [7.0] and kept.funnel is None  # two columns: no single path
    assert kept.report["rows_dropped"].iloc[0] == 3 and kept.report["amount_dropped"].iloc[0] == 5 + 6 + 8
    with pytest.raises(ArgumentError, match="has no column 'behaviour' for transactions.filter") as err:
        _load(path, filter={"behaviour": ["buy"]})
    assert err.value.argument == "filter"
    with pytest.raises(ArgumentError, match=r"no row of column 'behavior_type' takes a value listed .*\(buy\)"):
        _load(path, filter={"behavior_type": ["buy"]})


def test_dates_and_epoch_return_named_results_that_unpack_as_values_note():
    read = parsing.dates(pd.Series(["13/03/2024", "04/03/2024"]))
    values, note = read
    assert isinstance(read, parsing.ParsedDates) and values is read.values and note == read.note == ""
    unix = parsing.epoch(pd.Series(["1530469977"]))
    assert isinstance(unix, parsing.ParsedDates) and "Unix time" in str(unix.note)
    assert parsing.dates(pd.Series(["1530469977"]), date_format="epoch").values.equals(unix.values)
