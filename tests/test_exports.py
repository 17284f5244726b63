"""Logs unlike ours (issue 47, "Done when"): two simulated exports of the kinds students bring (tests/exports.py), each
run once through every notebook in quick mode, and the report checked against itself and against the raw export.

* every count of key accounts the report shows equals the recorded result's, and the top share counted by hand with
  pandas from the export (revenue, or purchase days without amounts, up to the holdout end; ties by id);
* every segment name holds for its row by the naming rule of kamlib/segments.py, on means recomputed from the export;
* without a value model no table, figure or key number shows a CLV, and with one the CLV is shown;
* no sentence speaks of an empty set, calls an interval that spans zero a gain, or quotes a top share the study does
  not set (the B2B study sets 10%), in English and in Chinese;
* no table of the identification notebook has an empty model cell (the purchase models' closed forms overflow at
  some fitted parameters: kamlib.clv.validation evaluates them stably, or leaves the model out with a sentence).

The unit tests at the end check the stable evaluation against the models' closed forms evaluated by mpmath at 60
digits (an independent computation), at parameters where lifetimes returns NaN.
"""

from __future__ import annotations

import html
import json
import pickle
import re
import time
import warnings

import numpy as np
import pandas as pd
import pytest

import exports

#: The quick sizes of the export studies: the smallest the schema allows where the size does not change what is
#: checked here (sentences, counts, names), the default study's where it would.
QUICK = {"clv": {"bootstrap": 10, "models": ["bgnbd", "paretonbd", "mbgnbd"]},
         "survey": {"n": 300, "bootstrap": 50, "pls_bootstrap": 100},
         "segments": {"k_max": 4, "stability_seeds": 2, "gap_refs": 2},
         "strategy": {"bootstrap": 20, "experiment_n": 2000, "did_accounts": 60, "peeking_sims": 100, "budget": 1000},
         "personalisation": {"bootstrap": 10},
         "reviews": {"snownlp_sample": 100, "sample": 1000}}

#: The shares the B2B study sets instead of the default 20%.
B2B_SHARE = 0.1

TIMES: dict[str, float] = {}


def _run(tmp_path_factory, which: str, sections: dict):
    """Write export ``which`` and its study, run every notebook once in quick mode and build the HTML report in both
    languages; returns (report folder, study dict, export overrides)."""
    from kamlib.workbench import editions, runner

    folder = tmp_path_factory.mktemp(which)
    over = getattr(exports, which)(folder)
    study = {"name": f"export-{which}", "transactions": {}, "clv": {}, "quick": QUICK, **sections}
    path = exports.write_study(folder / f"{which}.yaml", study, over)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAM_REPORTS_DIR", str(folder / "reports"))
        t0 = time.perf_counter()
        outcomes = runner.run(path, quick=True, jobs=2, echo=lambda *a: None)
        TIMES[which] = time.perf_counter() - t0
        editions.write(path, quick=True, formats=["html"])
    out = folder / "reports" / f"export-{which}-quick"
    (out / "outcomes.json").write_text(json.dumps({o.notebook: [o.status, o.message] for o in outcomes}))
    return out, study, over


@pytest.fixture(scope="module")
def superstore(tmp_path_factory):
    """The B2B Excel export, with the key accounts and the selection rules at the top 10%."""
    return _run(tmp_path_factory, "superstore", {"tiers": {"key_share": B2B_SHARE},
                                                 "strategy": {"top_share": B2B_SHARE}})


@pytest.fixture(scope="module")
def marketplace(tmp_path_factory):
    """The marketplace's buy rows: no amounts, almost nobody buys twice."""
    return _run(tmp_path_factory, "marketplace", {})


@pytest.fixture(params=["superstore", "marketplace"])
def report(request):
    return request.getfixturevalue(request.param)


# -- helpers -------------------------------------------------------------------------------------------------------

def _values(out, notebook):
    path = out / "values" / f"{notebook}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _table(out, art_id):
    path = out / "tables" / f"{art_id}.csv"
    return pd.read_csv(path) if path.exists() else None


def _recorded(out):
    return pickle.loads((out / "results" / "key_accounts.pickle").read_bytes())["result"].tiers


def _raw(which, over):
    """The export as written, read back with pandas alone (not kamlib's loader): customer, day, amount."""
    cols = over["transactions__columns"]
    if which == "superstore":
        raw = pd.read_excel(over["transactions__source"], engine="openpyxl")
        return pd.DataFrame({"customer": raw[cols["customer"]].astype(str),
                             "day": pd.to_datetime(raw[cols["date"]]).dt.normalize(),
                             "amount": raw[cols["amount"]].astype(float)})
    raw = pd.read_csv(over["transactions__source"])
    return pd.DataFrame({"customer": raw[cols["customer"]].astype(str),
                         "day": pd.to_datetime(raw[cols["date"]]).dt.normalize()})


def _top_by_hand(raw, start, end, share):
    """The top ``share`` of customers by revenue (purchase days without amounts) from ``start`` to ``end``:
    max(1, round(share x customers)) of them, except that a tie at the cut is left out whole (never broken by id);
    also returns how many customers there are and how many the share asks for."""
    window = raw[(raw["day"] >= pd.Timestamp(start)) & (raw["day"] <= pd.Timestamp(end))]
    if "amount" in window:
        value = window.groupby("customer")["amount"].sum()
    else:
        value = window.groupby("customer")["day"].nunique()
    n = max(1, int(round(share * len(value))))
    order = value.sort_values(ascending=False)
    if n < len(order) and order.iloc[n - 1] == order.iloc[n]:  # the cut splits a tie: stop before it
        return list(order.index[order > order.iloc[n]]), len(value), n
    return list(order.index[:n]), len(value), n


def run_together(out, language="en"):
    """Every sentence the report says: the manifest's notes and stage reasons, and the text of the HTML page
    without its tables (whose cells are numbers and names, not sentences)."""
    manifest = json.loads((out / "manifest.json").read_text())
    notes = []
    for rec in manifest["notebooks"].values():
        notes += [str(n) for n in rec.get("notes", [])]
        notes += [str(s.get("reason") or "") for s in rec.get("stages", [])]
    page = (out / ("index.html" if language == "en" else "index.zh.html")).read_text(encoding="utf-8")
    text = re.sub(r"<(script|style|table)[^>]*>.*?</\1>", " ", page, flags=re.S)  # sentences, not table cells
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return notes if language == "en" else [], re.sub(r"\s+", " ", text)


# -- the runs ------------------------------------------------------------------------------------------------------

def _no_failure(out):
    outcomes = json.loads((out / "outcomes.json").read_text())
    failed = {nb: message for nb, (status, message) in outcomes.items() if status == "failed"}
    assert not failed, failed
    manifest = json.loads((out / "manifest.json").read_text())
    for art in manifest["artefacts"]:
        if art["kind"] == "table":
            assert art["rows"] > 0, art["id"]


@pytest.mark.notebook
def test_every_notebook_runs_on_the_b2b_export(superstore):
    _no_failure(superstore[0])


@pytest.mark.notebook
def test_every_notebook_runs_on_the_marketplace_export(marketplace):
    _no_failure(marketplace[0])


@pytest.mark.notebook
def test_one_count_of_key_accounts_everywhere_and_it_is_the_top_share_by_hand(report):
    out, study, over = report
    which = study["name"].removeprefix("export-")
    ka = _recorded(out)
    share = study.get("tiers", {}).get("key_share", 0.2)
    assert ka.share == share
    top, n, wanted = _top_by_hand(_raw(which, over), over["clv__calibration_start"], over["clv__holdout_end"], share)
    assert ka.n_key_accounts == len(top) <= wanted == max(1, round(share * n))
    if which == "marketplace":  # nearly everyone bought once: the key accounts are the repeat buyers, said so
        assert ka.n_key_accounts == 15 and ka.tie_note is not None
        notes = json.loads((out / "manifest.json").read_text())["notebooks"]["10_key_accounts"]["notes"]
        assert any("cannot be told apart" in str(n) and "15 customers above it" in str(n) for n in notes), notes
    assert sorted(map(str, ka.members)) == sorted(top)  # the same customers, not only as many
    v10 = _values(out, "10_key_accounts")
    assert v10["key_accounts"] == ka.n_key_accounts
    assert v10["at_risk_key_accounts"] == ka.n_at_risk
    assert v10["key_accounts_active"] == ka.n_key_accounts - ka.n_at_risk
    tiers = _table(out, "ka_tiers").set_index("tier")["customers"]
    assert tiers.get("Key account", 0) + tiers.get("At-risk key account", 0) == ka.n_key_accounts
    assert tiers.get("At-risk key account", 0) == ka.n_at_risk
    split = _table(out, "rec_split")
    if split is not None:
        assert int(split.set_index("measure").loc["key accounts", "value"]) == ka.n_key_accounts
    v40 = _values(out, "40_strategy")
    if "budget_at_risk_customers" in v40:
        assert v40["budget_at_risk_customers"] == ka.n_at_risk
    manifest = json.loads((out / "manifest.json").read_text())
    for art in manifest["artefacts"]:  # captions that count the key accounts count the recorded ones
        caption = art["caption"].get("en", "") if isinstance(art.get("caption"), dict) else str(art.get("caption"))
        for n in re.findall(r"of the ([\d,]+) key accounts", caption):
            assert int(n.replace(",", "")) == ka.n_key_accounts, (art["id"], art["caption"])


def _words(row, overall, margin=0.25):
    """The words of kamlib/segments.py's naming rule that hold for one profile row (its docstring's table)."""
    rel = {f: (row[f"mean_{f}"] - overall[f]) / overall[f] for f in overall}
    one_time = row["mean_orders"] <= 1.5 or row["one_time_share"] >= 0.8
    return {"recent": rel["recency_days"] <= -margin, "lapsed": rel["recency_days"] >= margin, "one-time": one_time,
            "frequent": rel["orders"] >= margin and not one_time,
            "occasional": rel["orders"] <= -margin or one_time, "high value": rel["revenue"] >= margin}


NAMES = {"Champions": ("recent", "frequent", "high value"), "Loyal regulars": ("recent", "frequent"),
         "Fading regulars": ("lapsed", "frequent"), "Big spenders": ("high value",),
         "Lapsed one-timers": ("lapsed", "one-time"), "Lapsed occasional buyers": ("lapsed", "occasional"),
         "Recent occasional buyers": ("recent", "occasional"), "One-time buyers": ("one-time",),
         # a segment of one word: the word, then ": " and its furthest other feature ("Lapsed buyers: lower revenue")
         "Recent buyers": ("recent",), "Lapsed buyers": ("lapsed",), "Frequent buyers": ("frequent",),
         "Occasional buyers": ("occasional",)}


@pytest.mark.notebook
def test_every_segment_name_holds_for_its_row(superstore):
    """The B2B export has amounts, so it has behavioural segments; the overall means the names are measured against
    are recomputed here from the export (purchase days, revenue, days since the last purchase per customer), and
    each name's claims are checked against its row by the rule in kamlib/segments.py's docstring."""
    out, study, over = superstore
    prof = _table(out, "seg_profiles")
    assert prof is not None and len(prof) >= 2
    raw = _raw("superstore", over)
    end = raw["day"].max()  # notebook 30 describes the customers at the last date of the log
    days = raw[raw["day"] <= end].groupby(["customer", "day"])["amount"].sum().reset_index()
    per = days.groupby("customer").agg(orders=("day", "size"), revenue=("amount", "sum"), last=("day", "max"))
    per["recency_days"] = (end - per["last"]).dt.days
    # the segment sizes and means in the table agree with the export's customers, weighted as the rule says
    assert prof["customers"].sum() == len(per)
    w = prof["customers"] / prof["customers"].sum()
    overall = {f: float((prof[f"mean_{f}"] * w).sum()) for f in ("recency_days", "orders", "revenue")}
    assert overall["orders"] == pytest.approx(per["orders"].mean(), rel=1e-4)
    assert overall["revenue"] == pytest.approx(per["revenue"].clip(lower=0).mean(), rel=1e-4)
    assert overall["recency_days"] == pytest.approx(per["recency_days"].mean(), rel=1e-4)
    for _, row in prof.iterrows():
        words = _words(row, overall)
        name = str(row["name"])
        base = re.split(r", (segment \d+|[a-z ]+)$", name)[0].split(": ")[0]
        if base in NAMES:
            assert all(words[w] for w in NAMES[base]), (name, words)
            earlier = [n for n in NAMES if n != base and list(NAMES).index(n) < list(NAMES).index(base)]
            assert not any(all(words[w] for w in NAMES[n]) for n in earlier), (name, "an earlier name fits", words)
        else:  # "Segment 3: lower revenue": no name fits, and the cited feature departs by the margin that way
            assert not any(all(words[w] for w in claims) for claims in NAMES.values()), (name, words)
            m = re.match(r"Segment \d+: (higher|lower|more|fewer|larger|smaller|longer|shorter|less|close)", name)
            assert m, name


@pytest.mark.notebook
def test_clv_is_shown_exactly_when_a_model_values_the_customers(report):
    out, study, _ = report
    model = _values(out, "10_key_accounts").get("value_model", "none")
    ka = _recorded(out)
    assert (model == "none") == (not ka.value_model)
    manifest = json.loads((out / "manifest.json").read_text())
    clv_tables = [a["id"] for a in manifest["artefacts"] if a["kind"] == "table"
                  and a.get("notebook") in ("30_segments", "40_strategy")
                  and any("clv" in str(c).lower() for c in a.get("columns", []))]
    budget = [a["id"] for a in manifest["artefacts"] if a["id"].startswith("strategy_budget")]
    key_numbers = [str(k.get("label", "")) for rec in manifest["notebooks"].values()
                   for k in rec.get("key_numbers", [])]
    tiers = _table(out, "ka_tiers")
    if model == "none":
        assert not clv_tables and not budget, (clv_tables, budget)
        assert not [c for c in tiers.columns if "clv" in c.lower()]
        assert not [k for k in key_numbers if "CLV" in k], key_numbers
        assert "total_clv" not in _values(out, "10_key_accounts")
    else:
        assert "strategy_budget_split" in budget
        assert "clv" in tiers.columns and "total_clv" in _values(out, "10_key_accounts")
        assert "mean_clv" in _table(out, "seg_profiles").columns


EMPTY = [r"\b0 of 0\b", r"\bof 0 ", r"\b0 customers are\b", r"\b0 key accounts\b", r"\bthe 0 \b"]


@pytest.mark.notebook
def test_no_sentence_speaks_of_an_empty_set(report):
    out, _, _ = report
    notes, page = run_together(out)
    for text in [*notes, page]:
        for pattern in EMPTY:
            hit = re.search(pattern, text)
            assert not hit, text[max(0, hit.start() - 200):hit.end() + 200]


_CI = re.compile(r"95% CI (-?[\d.,]+)%? to (-?[\d.,]+)%?")


@pytest.mark.notebook
def test_no_interval_that_spans_zero_is_called_a_gain(report):
    out, _, _ = report
    notes, page = run_together(out)
    for text in [*notes, *re.split(r"(?<=[.;])\s", page)]:
        for m in _CI.finditer(text):
            lo, hi = (float(v.replace(",", "")) for v in m.groups())
            if lo < 0 < hi:
                assert not re.search(r"more often|\bgain|increase[sd]?\b|raise[sd]?\b", text), text


#: The one claim fixed at 20% on purpose, and it says so: revenue concentration (verdicts.concentrated, the Pareto
#: table's "the top 20% of customers bring ... (Gini ...)"), which measures the log, not the study's selection.
FIXED_20 = re.compile(r"revenue share of the top 20% of customers|the top 20% of customers (bring|brought) [\d.]+%"
                      r"|前 20% (的)?客户(的收入占比|贡献了)"
                      r"|the top 20% of a brand's buyers|品牌前 20% 的购买者")  # the literature review's finding
#: The caption of ka_holdout_comparison (its own test below).
HOLDOUT_CAPTION = re.compile(r"Every forecast on the holdout|Rule: a purchase model values the customers only"
                             r"|验证期上的各项预测|规则:只有拟合不退化")
TOP_20 = re.compile(r"\btop 20 ?%|20 ?% of (the )?customers|20 ?% by\b|前 ?20 ?%")


def _claims_of_20(out, language="en"):
    notes, page = run_together(out, language)
    manifest = json.loads((out / "manifest.json").read_text())
    captions = [str(a["caption"].get(language, "") if isinstance(a.get("caption"), dict) else a.get("caption", ""))
                for a in manifest["artefacts"]]
    return [t for t in [*notes, *captions, *re.split(r"(?<=[.;])\s+|(?<=[。;])", page)] if TOP_20.search(FIXED_20.sub("", t))]


@pytest.mark.notebook
def test_no_fixed_top_20_percent_when_the_study_sets_another_share(superstore):
    out, study, _ = superstore
    assert study["tiers"]["key_share"] == study["strategy"]["top_share"] == B2B_SHARE
    bad = [t for t in _claims_of_20(out) if not HOLDOUT_CAPTION.search(t)]
    assert not bad, bad[:5]
    assert re.search(r"top 10%", run_together(out)[1])  # the study's share is what the report says


@pytest.mark.notebook
def test_the_model_choice_rule_in_the_caption_words_the_study_share(superstore):
    out, _, _ = superstore
    bad = [t for language in ("en", "zh") for t in _claims_of_20(out, language)]
    assert not bad, bad[:5]


@pytest.mark.notebook
def test_the_chinese_report_says_the_same(report):
    out, study, _ = report
    _, page = run_together(out, "zh")
    assert not re.search(r"0 个客户中的 0|0 位大客户|共 0 个", page)
    ka = _recorded(out)
    if study.get("tiers", {}).get("key_share") == B2B_SHARE:
        bad = [t for t in _claims_of_20(out, "zh") if not HOLDOUT_CAPTION.search(t)]
        assert not bad, bad[:5]
    for m in re.finditer(r"95% ?(?:置信区间|CI)[^\d-]*(-?[\d.,]+)%? ?(?:至|到|~|–|-) ?(-?[\d.,]+)%?", page):
        lo, hi = (float(v.replace(",", "")) for v in m.groups())
        if lo < 0 < hi:
            around = page[max(0, m.start() - 150):m.end() + 150]
            assert not re.search(r"更常|提升了|增益", around), around
    assert f"{ka.n_key_accounts:,}" in page or str(ka.n_key_accounts) in page


@pytest.mark.notebook
def test_no_model_cell_of_the_identification_tables_is_empty(report):
    """The issue's silent blank: a purchase model's bars and columns empty, with no note. Every model cell of the
    four tables is a number, or the model is absent and a note names it."""
    out, _, _ = report
    manifest = json.loads((out / "manifest.json").read_text())
    notes = " ".join(map(str, manifest["notebooks"]["10_key_accounts"].get("notes", [])))
    for art_id, key in [("ka_holdout_comparison", "forecast"), ("ka_model_comparison", "model")]:
        t = _table(out, art_id)
        if t is None:
            continue
        rows = t[t["kind"] == "model"] if "kind" in t else t
        cols = ["revenue_mae", "rank_correlation", "capture"] if art_id == "ka_holdout_comparison" else \
            ["loglik", "aic", "bic", "holdout_mae", "holdout_predicted"]
        empty = rows[rows[cols].isna().any(axis=1)][key].tolist()
        assert not empty, (art_id, empty)
    for art_id in ("ka_fit_histogram_table", "ka_conditional_expectation_table"):
        t = _table(out, art_id)
        if t is None:
            continue
        for label in ("BG/NBD", "MBG/NBD", "Pareto/NBD"):
            if label in t:
                assert t[label].notna().all(), (art_id, label)
            elif label != "Pareto/NBD" or art_id != "ka_fit_histogram_table":
                assert label in notes, (art_id, label, "left out without a note")


@pytest.mark.notebook
def test_no_library_warning_reaches_the_reader_of_the_purchase_model_notebooks(report):
    """lifetimes' overflow and division warnings, numpy's and matplotlib's date locator's, in the executed
    notebooks of the purchase models (the report links each notebook with its outputs)."""
    out, _, _ = report
    found = []
    for nb in ("10_key_accounts", "35_churn", "40_strategy"):
        path = out / "notebooks" / f"{nb}.ipynb"
        if not path.exists():
            continue
        for cell in json.loads(path.read_text())["cells"]:
            for o in cell.get("outputs", []):
                text = "".join(o.get("text", "")) if o.get("name") == "stderr" else ""
                if re.search(r"(RuntimeWarning|UserWarning|IntegrationWarning)", text) and \
                        re.search(r"lifetimes|numpy|scipy|matplotlib|kamlib|AutoDateLocator", text):
                    found.append((nb, text[:300]))
    assert not found, found


@pytest.mark.notebook
def test_the_reason_for_judging_risk_by_recency_is_the_true_one(marketplace):
    """A log without amounts has no holdout comparison: no sentence may say a model lost it."""
    out, _, _ = marketplace
    manifest = json.loads((out / "manifest.json").read_text())
    stages = {s["stage"]: s["ran"] for s in manifest["notebooks"]["10_key_accounts"]["stages"]}
    assert stages.get("holdout comparison") is False
    notes = " ".join(map(str, manifest["notebooks"]["10_key_accounts"]["notes"]))
    assert "beats past revenue on the holdout" not in notes, notes


@pytest.mark.notebook
def test_a_window_from_too_few_gaps_is_the_default_and_said(marketplace):
    """Issue 48 follow-up: the marketplace log's 15 gaps drew a 3-day inactivity window; fewer gaps than
    tiers.min_gaps (29 for the 0.9 quantile) give the default, and every window that decides says so."""
    out, _, _ = marketplace
    manifest = json.loads((out / "manifest.json").read_text())
    assert _values(out, "10_key_accounts")["inactive_window_days"] == 180
    for nb, owner in (("10_key_accounts", "key-account tiers'"), ("30_segments", "lifecycle stages'")):
        said = [str(n) for n in manifest["notebooks"][nb]["notes"] if f"The {owner} inactivity window is" in str(n)]
        assert len(said) == 1, (nb, said)
        for words in ("180 days", "auto, the default", "the log has only", "fewer than the 29", "0.9 quantile",
                      "set tiers.max_inactive_days"):
            assert words in said[0], (nb, words, said[0])


@pytest.mark.notebook
def test_report_the_run_times(superstore, marketplace, capsys):
    with capsys.disabled():
        print("\nquick study runs: " + ", ".join(f"{k} {v:.0f} s" for k, v in TIMES.items()))
    assert all(v > 0 for v in TIMES.values())


# -- unit tests of the stable evaluation (kamlib.clv.validation) ----------------------------------------------------

mp = pytest.importorskip("mpmath")
mp.mp.dps = 60


def _fitted(model, params):
    """A clv.Fitted at given parameters, with lifetimes' fitter (the closed forms as lifetimes writes them)."""
    from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    from kamlib import clv

    fitter = {"bgnbd": BetaGeoFitter, "mbgnbd": ModifiedBetaGeoFitter, "paretonbd": ParetoNBDFitter}[model]()
    fitter.params_ = pd.Series(params)
    return clv.Fitted(model, fitter, dict(params), float("nan"), 100, 100)


#: Pareto/NBD parameters of a B2B log whose customers rarely drop out (s and beta large): lifetimes' A_0 is
#: 0 - 0 in floating point for a customer whose last purchase is at the end of the calibration period.
PARETO = {"r": 2.4240098263603103, "alpha": 96.80071693778856, "s": 101.44501183646499, "beta": 49950.65301722637}


def _pareto_reference(p, x, tx, T, t):
    """P(alive) and E[Y(t)] of the Pareto/NBD at 60 digits (Fader & Hardie 2005, eqs. 19-20, 36-41)."""
    r, alpha, s, beta = (mp.mpf(p[k]) for k in ("r", "alpha", "s", "beta"))
    x, tx, T, t = (mp.mpf(v) for v in (x, tx, T, t))
    rsx = r + s + x
    if alpha >= beta:
        A0 = (mp.hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + tx)) / (alpha + tx) ** rsx
              - mp.hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + T)) / (alpha + T) ** rsx)
    else:
        A0 = (mp.hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + tx)) / (beta + tx) ** rsx
              - mp.hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + T)) / (beta + T) ** rsx)
    alive = 1 / (1 + s / rsx * (alpha + T) ** (r + x) * (beta + T) ** s * A0)
    e = alive * (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
    return float(alive), float(e)


def test_pareto_nbd_where_lifetimes_cancels_to_nan():
    from kamlib.clv import validation

    m = _fitted("paretonbd", PARETO)
    rows = pd.DataFrame({"frequency": [9, 3, 1, 5, 20, 0, 9], "recency": [128.428571, 148.0, 60.0, 149.9, 120.0, 0.0,
                                                                          150.0 - 1e-7],
                         "T": [128.428571, 148.0, 150.0, 150.0, 150.0, 150.0, 150.0]})
    with validation.quiet():
        life = m.fitter.conditional_expected_number_of_purchases_up_to_time(
            52.0, rows["frequency"].to_numpy(float), rows["recency"].to_numpy(float), rows["T"].to_numpy(float))
    assert np.isnan(life[:2]).all()  # the defect: a customer who bought at the end of the calibration period
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no library warning reaches the user
        got = validation.expected_purchases(m, 52.0, rows)
        alive = validation.p_alive(m, rows)
    for i, (x, tx, T) in enumerate(rows[["frequency", "recency", "T"]].itertuples(index=False)):
        want_alive, want = _pareto_reference(PARETO, x, tx, T, 52.0)
        assert alive[i] == pytest.approx(want_alive, rel=1e-8), i
        assert got[i] == pytest.approx(want, rel=1e-8), i
    assert alive[0] == 1.0  # bought at the end: alive for sure under the Pareto/NBD


def _pareto_loglik_reference(p, x, tx, T):
    r, alpha, s, beta = (mp.mpf(p[k]) for k in ("r", "alpha", "s", "beta"))
    x, tx, T = (mp.mpf(v) for v in (x, tx, T))
    # the likelihood by its definition: the integral over the dropout time
    integral = mp.quad(lambda y: (alpha + y) ** (-(r + x)) * (beta + y) ** (-(s + 1)), [tx, T])
    lead = mp.gamma(r + x) * alpha ** r * beta ** s / mp.gamma(r)
    return float(mp.log(lead * ((alpha + T) ** (-(r + x)) * (beta + T) ** (-s) + s * integral)))


def test_pareto_nbd_log_likelihood_is_finite_and_right():
    from kamlib.clv import validation

    m = _fitted("paretonbd", PARETO)
    rows = pd.DataFrame({"frequency": [9, 3, 0, 4], "recency": [128.428571, 148.0, 0.0, 30.0],
                         "T": [128.428571, 148.0, 100.0, 140.0]})
    want = sum(_pareto_loglik_reference(PARETO, *r) for r in rows.itertuples(index=False))
    assert validation.loglik(m, rows) == pytest.approx(want, rel=1e-9)


def _bgnbd_pmf_reference(r, alpha, a, b, t, x, modified=False):
    """P(X(t) = x) of the BG/NBD (Fader, Hardie & Lee 2005, eq. 8) or MBG/NBD at 60 digits."""
    r, alpha, a, b, t = (mp.mpf(v) for v in (r, alpha, a, b, t))
    e = 1 if modified else 0
    nb = lambda j: mp.gamma(r + j) / (mp.gamma(r) * mp.factorial(j)) * (alpha / (alpha + t)) ** r * (t / (alpha + t)) ** j
    out = mp.beta(a, b + x + e) / mp.beta(a, b) * nb(x)
    if x > 0 or modified:
        out += mp.beta(a + 1, b + x - 1 + e) / mp.beta(a, b) * (1 - sum(nb(j) for j in range(x)))
    return float(out)


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])
def test_purchase_probabilities_where_gamma_overflows(model):
    """r above 171: gamma(r + n) / gamma(r) is inf / inf in lifetimes, and the histogram's bars were empty."""
    from kamlib.clv import validation

    params = {"r": 300.0, "alpha": 2500.0, "a": 0.8, "b": 2.5}
    m = _fitted(model, params)
    with validation.quiet():
        assert np.isnan(m.fitter.probability_of_n_purchases_up_to_time(40.0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = validation.purchase_probabilities(m, [40.0, 90.0], 12)
    for i, t in enumerate([40.0, 90.0]):
        for x in range(12):
            assert got[i, x] == pytest.approx(_bgnbd_pmf_reference(300.0, 2500.0, 0.8, 2.5, t, x, model == "mbgnbd"),
                                              rel=1e-9, abs=1e-300)
    # nobody drops out (a at 0): the NBD
    from scipy.stats import nbinom

    flat = validation.purchase_probabilities(_fitted(model, {"r": 2.0, "alpha": 30.0, "a": 0.0, "b": 5.0}), [50.0], 6)
    assert flat[0] == pytest.approx(nbinom.pmf(np.arange(6), 2.0, 30.0 / 80.0), rel=1e-9)


def _bgnbd_expected_reference(p, x, tx, T, t, modified=False):
    """E[Y(t) | x, t_x, T] of the BG/NBD (FHL 2005, eq. 10) or MBG/NBD at 60 digits."""
    r, alpha, a, b = (mp.mpf(p[k]) for k in ("r", "alpha", "a", "b"))
    x, tx, T, t = (mp.mpf(v) for v in (x, tx, T, t))
    e = 1 if modified else 0
    head = (a + b + x - 1 + e) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                             * mp.hyp2f1(r + x, b + x + e, a + b + x - 1 + e, t / (alpha + T + t)))
    dead = (a / (b + x - 1 + e) * ((alpha + T) / (alpha + tx)) ** (r + x)) if (x > 0 or modified) else 0
    return float(head / (1 + dead))


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])
def test_expected_purchases_where_the_hypergeometric_term_overflows(model):
    """A customer with very many repeat purchases: 2F1 overflows to inf while the power it multiplies underflows
    to 0, and the closed form gives NaN; the Beta-posterior integral gives the number."""
    from kamlib.clv import validation

    params = {"r": 5.0, "alpha": 1.0, "a": 0.6, "b": 3.0}
    m = _fitted(model, params)
    rows = pd.DataFrame({"frequency": [1200, 1500, 3, 0], "recency": [99.0, 90.0, 50.0, 0.0],
                         "T": [100.0, 100.0, 100.0, 100.0]})
    with validation.quiet():
        closed = np.asarray(m.expected_purchases(100.0, rows), float)
    assert not np.isfinite(closed[:2]).any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = validation.expected_purchases(m, 100.0, rows)
    for i, (x, tx, T) in enumerate(rows[["frequency", "recency", "T"]].itertuples(index=False)):
        assert got[i] == pytest.approx(_bgnbd_expected_reference(params, x, tx, T, 100.0, model == "mbgnbd"),
                                       rel=1e-7), i


def test_a_model_whose_numbers_stay_infinite_is_left_out_with_its_sentence():
    """A model outside the stable ones (here one whose fitter returns NaN, as a covariate fit can) is left out of
    the histogram, conditional-expectation and comparison tables and of the holdout forecasts, each time with a
    sentence naming the model, the quantity and the reason."""
    from kamlib import clv
    from kamlib.clv import holdout, validation

    class Broken:
        def bind(self, summary):
            return self

        def conditional_expected_number_of_purchases_up_to_time(self, t, x, tx, T):
            return np.full(len(x), np.nan)

        def probability_of_n_purchases_up_to_time(self, t, n):
            return np.inf

    broken = clv.Fitted("bgnbd", Broken(), {"r": 1.0, "alpha": 2.0, "a": 0.5, "b": 1.0}, -10.0, 4, 4)
    fine = _fitted("bgnbd", {"r": 1.0, "alpha": 2.0, "a": 0.5, "b": 1.0})
    cal = pd.DataFrame({"frequency": [0, 1, 2, 4], "recency": [0.0, 3.0, 5.0, 9.0], "T": [10.0, 10.0, 12.0, 12.0],
                        "frequency_holdout": [0, 1, 0, 2], "duration_holdout": 8.0, "revenue": [5.0, 8.0, 9.0, 20.0],
                        "revenue_holdout": [0.0, 4.0, 0.0, 9.0], "monetary_value": [5.0, 4.0, 3.0, 4.0]})
    for table, notes in (validation.conditional_expectation(cal, {"bgnbd": broken}),
                         validation.frequency_histogram(cal, {"bgnbd": broken})):
        assert "BG/NBD" not in table.columns
        [note] = notes
        assert note.startswith("BG/NBD is left out of this table") and "not a finite number" in note
    comp, notes = validation.comparison(cal, {"bgnbd": broken})
    assert comp.empty and "expected holdout purchases" in notes[0]
    assert validation.conditional_expectation(cal, {"bgnbd": fine}).table["BG/NBD"].notna().all()
    forecasts, notes = holdout._model_forecasts(cal, {"bgnbd": broken}, None)
    assert forecasts == [] and "left out of the holdout comparison" in notes[0]


def test_the_choice_sentence_words_the_study_share():
    from kamlib.clv import holdout

    t = pd.DataFrame({"forecast": ["BG/NBD", holdout.PAST_REVENUE], "kind": ["model", "naive rule"],
                      "revenue_mae": [90.0, 80.0], "capture": [0.32, 0.30], "degenerate": ["", ""]})
    f = [holdout.Forecast("BG/NBD", "model", np.zeros(1), model="bgnbd")]
    c = holdout.choose(t, f, share=0.1)
    assert "top 10%" in c.sentence and "20%" not in c.sentence
    assert "top 10%" in holdout.rule(0.1) and "20%" not in holdout.rule(0.1)
    assert "top 20%" in holdout.RULE
    lose = holdout.choose(t.assign(capture=[0.2, 0.3]), f, share=0.1)
    assert "top 10%" in lose.sentence and "20%" not in lose.sentence


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd", "paretonbd"])
def test_the_stable_evaluation_equals_lifetimes_where_lifetimes_is_finite(model):
    """On the CDNOW sample (Fader, Hardie & Lee's data), where lifetimes' closed forms are fine, the log-space
    evaluation gives the same P(alive), expected purchases and purchase probabilities."""
    from kamlib import clv, datasets, rfm
    from kamlib.clv import validation

    cal = rfm.calibration_holdout(datasets.cdnow(sample=True), calibration_end="1997-09-30", holdout_end="1998-06-30")
    m = clv.fit(cal, model)
    x, tx, T = (cal[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    with validation.quiet():
        expected = m.fitter.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T)
        alive = m.fitter.conditional_probability_alive(x, tx, T)
    np.testing.assert_allclose(validation.expected_purchases(m, 39.0, cal), expected, rtol=1e-10)
    np.testing.assert_allclose(validation.p_alive(m, cal), alive, rtol=1e-10, atol=1e-14)
    if model != "paretonbd":
        got = validation.purchase_probabilities(m, [20.0, 39.0], 6)
        want = [[m.fitter.probability_of_n_purchases_up_to_time(t, k) for k in range(6)] for t in (20.0, 39.0)]
        np.testing.assert_allclose(got, want, rtol=1e-10)
    else:
        assert validation.loglik(m, cal) == pytest.approx(m.loglik, rel=1e-9)


@pytest.mark.parametrize("days", [9, 380, 546, 1461, 3650])
def test_a_date_axis_of_any_span_draws_without_a_warning(days):
    """Four years of weekly periods (the B2B export's tracking figure) made matplotlib's date locator warn."""
    import matplotlib.pyplot as plt

    from kamlib import plots

    track = pd.DataFrame({"period_end": pd.date_range("2019-01-01", periods=days, freq="D"), "actual": 1.0,
                          "actual_cumulative": np.arange(days, dtype=float), "holdout": False})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plots.plot_tracking(track, cumulative=True)
        ax.figure.canvas.draw()
    assert 2 <= len([t for t in ax.get_xticklabels() if t.get_text()]) <= 9
    plt.close(ax.figure)
