"""Computed limitations (issue 48, an examiner's reading of the B2B report): what the run computed and the report's
Limitations section did not say, each now one sentence with the numbers, the statistic and the fix, in English and
Chinese, declared only when it applies.

1. the purchase models' evidence check failed (``dropout_evidence``), or a model shown identifies no dropout
   (``dropout_unidentified``);
2. the inactivity rule checked on the holdout: more of the customers it called inactive bought again than its
   percentile allows (``inactive_came_back``, :meth:`kamlib.tiers.ComeBack.material`);
3. the churn label's window is shorter than the tiers' inactivity window (``churn_label_window``);
4. loss-making customers in the tiers Develop and Maintain (``nurtured_loss_making``,
   :meth:`kamlib.tiers.Tiers.losses_in`);
5. the figure of the highest expected gross profit ranks by the interval's bounds (:func:`kamlib.clv.profit.extremes`);
6. the tier figure draws only tiers with customers and its caption names the empty ones
   (:func:`kamlib.plots.plot_tiers`).

The unit tests are fast and check the kamlib functions against plain pandas; the notebook tests share ONE quick run of
the B2B export of tests/exports.py (Profit mapped, key accounts at the top 10%: the examiner's study), and compute
their expectations from the raw export with pandas.
"""

from __future__ import annotations

import html
import json
import pickle
import re

import numpy as np
import pandas as pd
import pytest

import exports
from kamlib import plots, tiers
from kamlib.clv import profit
from kamlib.clv.evidence import Evidence
from kamlib.errors import ArgumentError
from kamlib.i18n import gettext

CAL_START = exports.SUPERSTORE_PERIODS["calibration_start"]
CAL_END, HOLD_END = exports.SUPERSTORE_PERIODS["calibration_end"], exports.SUPERSTORE_PERIODS["holdout_end"]

#: The sentences of this issue: key -> the notebook that declares it.
KEYS = {"dropout_evidence": "10_key_accounts", "dropout_unidentified": "10_key_accounts",
        "inactive_came_back": "10_key_accounts", "churn_label_window": "35_churn",
        "nurtured_loss_making": "40_strategy"}


# -- unit tests (fast) -------------------------------------------------------------------------------------------------

def test_the_holdout_check_is_material_when_more_come_back_than_the_percentile_allows():
    check = tiers.ComeBack(347, 94, 389.0, CAL_END, HOLD_END)
    assert check.allowed(0.9) == pytest.approx(0.1) and check.allowed(0.95) == pytest.approx(0.05)
    assert check.material(0.9) and check.material(0.7) is False  # 27% came back: more than 10%, fewer than 30%
    assert not tiers.ComeBack(100, 10, 30.0, CAL_END, HOLD_END).material(0.9)  # exactly the 10% allowed: not more
    assert not tiers.ComeBack(0, 0, 30.0, CAL_END, HOLD_END).material(0.9)  # nobody called: nothing to say
    with pytest.raises(ArgumentError, match="percentile"):
        check.material(90)


def test_the_check_on_the_export_is_material_by_hand():
    """The window drawn from the calibration period and its check, by hand with pandas, on the raw export: 27% of the
    customers it called inactive bought again, more than the 10% the 0.9 quantile allows."""
    raw = exports.superstore_log()
    tx = pd.DataFrame({"customer_id": raw["Customer ID"].astype(str), "date": pd.to_datetime(raw["Order Date"]),
                       "amount": raw["Sales"].astype(float)})
    called, back, days = _check_by_hand(raw)
    w = tiers.window(tx, "auto", end=CAL_END, start=CAL_START, percentile=0.9, owner="check")
    check = w.check(tx, calibration_end=CAL_END, holdout_end=HOLD_END, start=CAL_START)
    assert (check.days, check.called, check.came_back) == (days, called, back)
    assert check.material(0.9) and back / called > 0.25


def test_loss_makers_in_the_tiers_to_develop_or_maintain():
    base = pd.DataFrame({"revenue": [90.0, 50.0, 30.0, 20.0, 10.0, 5.0], "clv": 0.0, "p_alive": 1.0, "recency": 1.0,
                         "T": 1.0, "profit": [5.0, -4.0, 3.0, -1.5, -2.0, 0.0]}, index=list("abcdef"))
    t = tiers.assign(base, key_share=0.2, develop_share=0.5, value_model=False)
    tier = t.tier.astype(str)
    lost = t.losses_in()
    nurtured = tier.isin(["Develop", "Maintain"]) & (base["profit"] < 0)
    assert lost.customers == nurtured.sum() == 3 and lost.loss == base.loc[nurtured, "profit"].sum() == -7.5
    assert lost.counts == {t_: int((nurtured & (tier == t_)).sum()) for t_ in ("Develop", "Maintain")}
    assert sum(lost.losses.values()) == lost.loss
    # one customer is a customer, and the loss is money in the study's currency (as the sentence's {loss})
    said = str(lost.breakdown("USD"))
    assert said == "Develop: 1 customer losing 4 USD; Maintain: 2 customers losing 4 USD", said
    assert str(lost.breakdown()) == "Develop: 1 customer losing 4; Maintain: 2 customers losing 4"  # no currency
    assert lost.breakdown("USD").translate("zh") == "培育客户:1 位客户,亏损 4 USD;维持客户:2 位客户,亏损 4 USD"
    # profitable tiers: nobody to report; no profit column: no answer at all; an unknown tier is an error
    assert t.losses_in(("Key account",)).customers == 0
    plain = tiers.assign(base.drop(columns="profit"), key_share=0.2, develop_share=0.5, value_model=False)
    assert plain.losses_in() is None
    with pytest.raises(ArgumentError, match="unknown tiers"):
        t.losses_in(("Nurture",))


def test_the_loss_makers_carry_the_window_their_profit_was_summed_over():
    """The loss-maker sentence (40_strategy) quotes the window of the tiers that counted the losses (10_key_accounts),
    not dates of its own."""
    base = pd.DataFrame({"revenue": [90.0, 50.0, 30.0, 20.0], "clv": 0.0, "p_alive": 1.0, "recency": 1.0, "T": 1.0,
                         "profit": [5.0, -4.0, 3.0, -1.5]}, index=list("abcd"))
    t = tiers.assign(base, key_share=0.25, develop_share=0.5, value_model=False, as_of=HOLD_END, start=CAL_START)
    lost = t.losses_in()
    assert (lost.start, lost.end) == (str(pd.Timestamp(CAL_START).date()), HOLD_END) == (t.start, t.as_of)
    assert tiers.assign(base, key_share=0.25, develop_share=0.5, value_model=False).losses_in().start == ""
    source = _source("40_strategy")
    assert "start=lost.start, end=lost.end" in source and "breakdown(transactions_currency)" in source


def test_the_empty_tiers_are_one_list_for_the_note_the_figure_and_its_caption():
    t = pd.DataFrame({"tier": tiers.ORDER, "customers": [3, 0, 0, 5, 12],
                      "customer_share": [0.15, 0.0, 0.0, 0.25, 0.6]})
    assert tiers.empty_tiers(t) == ["At-risk key account", "Potential key account"]
    drawn = [x.get_text() for x in plots.plot_tiers(t, {"customer_share": "Customers"}).get_xticklabels()]
    assert drawn == [x for x in tiers.ORDER if x not in tiers.empty_tiers(t)]
    note = tiers.empty_tiers_note(t, by_construction=("Potential key account",))
    assert "At-risk key account" in str(note) and "Potential" not in str(note) and note.translate("zh")
    assert tiers.empty_tiers_note(t, by_construction=tiers.empty_tiers(t)) is None
    # the notebook's caption and note read the same function, not a count of its own
    source = _source("10_key_accounts")
    assert "empty = tiers.empty_tiers(tt)" in source and '["customers"] == 0' not in source


def test_the_window_limitations_are_guarded_by_the_rule_the_tiers_applied():
    """The inactivity check and the churn label's window blame the tiers' window only when the tiers judged risk by
    it (``Tiers.risk == "recency"``); with an informative P(alive) they did not use it."""
    for nb, key, guard in (("10_key_accounts", "inactive_came_back", 'tiering.risk == "recency"'),
                           ("35_churn", "churn_label_window", 'ident.tiers.risk == "recency"')):
        lines = _source(nb).splitlines()
        at = next(i for i, line in enumerate(lines) if f'art.limitation("{key}", "Two definitions' in line
                  or (key == "inactive_came_back" and f'art.limitation("{key}"' in line))
        indent = len(lines[at]) - len(lines[at].lstrip())
        opening = next(line for line in reversed(lines[:at])
                       if line.strip().startswith(("if ", "elif ")) and len(line) - len(line.lstrip()) < indent)
        assert guard in opening, (nb, opening)
    # and the churn notebook says the label's window once: a limitation, no note beside it
    assert "The churn label is no purchase in the holdout" not in _source("35_churn")


def _source(nb: str) -> str:
    from pathlib import Path

    path = Path(__file__).parents[1] / "notebooks" / f"{nb}.ipynb"
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])


def _valued(n=40, seed=3):
    """Customers with an expected margin and its interval: the one-purchase customers have the highest estimates and
    the widest intervals (as one large order gives)."""
    rng = np.random.default_rng(seed)
    days = rng.integers(1, 15, n)
    days[:6] = 1
    est = rng.normal(100, 40, n)
    est[:6] = 400 + 10 * np.arange(6)
    half = 600 / np.sqrt(days)
    return pd.DataFrame({"purchase_days": days, "profit_per_purchase": est, "profit_per_purchase_ci_lower": est - half,
                         "profit_per_purchase_ci_upper": est + half}, index=[f"c{i}" for i in range(n)])


def test_the_extremes_rank_by_the_interval_not_the_estimate():
    c = _valued()
    e = profit.extremes(c, n=5)
    high = c.sort_values("profit_per_purchase_ci_lower", ascending=False).head(5).index.tolist()
    low = c.sort_values("profit_per_purchase_ci_upper").head(5).index.tolist()
    assert e.customers.index.tolist() == high + [x for x in low[::-1] if x not in high]
    by_estimate = c.sort_values("profit_per_purchase", ascending=False).head(5)
    assert (by_estimate["purchase_days"] == 1).all()  # a ranking by the estimate: all one-time buyers
    assert e.one_purchase == int((e.customers["purchase_days"] == 1).sum()) < 5
    caption = e.caption("test.csv")
    assert f"{e.one_purchase:,} of the {len(e.customers)} shown bought on one day only" in caption
    assert "largest lower bound" in caption and "smallest upper bound" in caption
    assert caption.translate("zh") and "largest lower bound" not in caption.translate("zh")
    with pytest.raises(ArgumentError, match="purchase_days"):
        profit.extremes(c.drop(columns="purchase_days"))


def test_the_tier_figure_draws_only_tiers_with_customers():
    t = pd.DataFrame({"tier": tiers.ORDER, "customers": [3, 0, 0, 5, 12],
                      "customer_share": [0.15, 0.0, 0.0, 0.25, 0.6], "revenue_share": [0.5, 0.0, 0.0, 0.3, 0.2]})
    ax = plots.plot_tiers(t, {"customer_share": "Customers", "revenue_share": "Revenue"}, ylabel="Share (%)")
    assert [x.get_text() for x in ax.get_xticklabels()] == ["Key account", "Develop", "Maintain"]
    assert len(ax.patches) == 6 and all(p.get_height() > 0 for p in ax.patches)


def test_the_evidence_fix_names_the_study_keys_in_both_languages():
    from kamlib.clv import evidence

    needed, rare = Evidence(800, 633, 20, 0.6, False, 3200, ""), Evidence(800, 633, 20, 0.6, False, None, "")
    assert "3,200 customers" in str(needed.fix) and "clv.calibration_start" in str(rare.fix)
    # one owner of the words: the fix the evidence gives is the one a model at a bound is given (10_key_accounts)
    assert rare.fix is evidence.LONGER_CALIBRATION
    assert "fix: {fix}.\", fix=clv.evidence.LONGER_CALIBRATION" in _source("10_key_accounts")
    assert "and until then judge risk by recency" not in _source("10_key_accounts")
    assert needed.fix.translate("zh") and rare.fix.translate("zh")
    assert Evidence(800, 633, 20, 0.9, True, None, "").fix is None


def test_every_new_sentence_has_its_chinese():
    """The templates the notebooks declare (read from the notebooks' source) have a 'finding' entry in zh.po."""
    from pathlib import Path

    root = Path(__file__).parents[1] / "notebooks"
    for key, nb in KEYS.items():
        source = "".join("".join(c["source"]) for c in json.loads((root / f"{nb}.ipynb").read_text())["cells"])
        found = list(re.finditer(r'art\.limitation\("%s", ((?:"(?:[^"\\]|\\.)*"\s*)+)' % key, source))
        assert found, key
        for m in found:  # every wording of the key (the churn label: with the tiers' window, or without it)
            template = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))).replace("\\'", "'")
            assert gettext(template, "finding", "zh"), (key, template)
    assert sum(1 for _ in re.finditer(r'art\.limitation\("churn_label_window"', _source("35_churn"))) == 2


# -- the B2B export, one quick run ---------------------------------------------------------------------------------

def _check_by_hand(raw: pd.DataFrame):
    """The inactivity check from the raw export with pandas: the 0.9 quantile of the gaps between a customer's
    consecutive purchase days up to the calibration end (rounded up), who was silent longer than it on that day, and
    who of them bought again by the holdout end."""
    day = pd.to_datetime(raw["Order Date"]).dt.normalize()
    days = pd.DataFrame({"c": raw["Customer ID"].astype(str), "d": day})
    days = days[days["d"] >= CAL_START].drop_duplicates()
    before = days[days["d"] <= CAL_END]
    gaps = np.concatenate([np.diff(np.sort(g["d"].to_numpy())) / np.timedelta64(1, "D")
                           for _, g in before.groupby("c")])
    window = float(np.ceil(np.quantile(gaps, 0.9)))
    last = before.groupby("c")["d"].max()
    called = last.index[(pd.Timestamp(CAL_END) - last).dt.days > window]
    later = set(days.loc[(days["d"] > CAL_END) & (days["d"] <= HOLD_END), "c"])
    return len(called), sum(c in later for c in called), window


@pytest.fixture(scope="module")
def b2b(tmp_path_factory):
    """One quick run of the identification, churn and strategy notebooks on the B2B export with Profit mapped and the
    key accounts at the top 10%, and its HTML report in both languages; (report folder, export overrides)."""
    from test_exports import QUICK

    from kamlib.workbench import editions, runner

    folder = tmp_path_factory.mktemp("limitations")
    over = exports.superstore(folder)
    over["transactions__columns"] = {**over["transactions__columns"], "profit": "Profit"}
    study = {"name": "limits", "transactions": {}, "clv": {}, "quick": QUICK, "tiers": {"key_share": 0.1},
             "strategy": {"top_share": 0.1}, "notebooks": ["10_key_accounts", "35_churn", "40_strategy"]}
    path = exports.write_study(folder / "study.yaml", study, over)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAM_REPORTS_DIR", str(folder / "reports"))
        outcomes = runner.run(path, quick=True, jobs=2, echo=lambda *a: None)
        assert not [o for o in outcomes if o.status == "failed"], outcomes
        editions.write(path, quick=True, formats=["html"])
    return folder / "reports" / "limits-quick", over


def _values(out, nb):
    return json.loads((out / "values" / f"{nb}.json").read_text(encoding="utf-8"))


def _limitations(out, language="en") -> list[str]:
    """The Limitations section of the report page, one string per item."""
    page = (out / ("index.html" if language == "en" else "index.zh.html")).read_text(encoding="utf-8")
    start = page.index("id='limitations'")
    section = page[start:page.index("<h2", start + 5)]
    return [html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in section.split("<li>")[1:]]


def _declared(out) -> dict:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {s["key"]: nb for nb, rec in manifest["notebooks"].items() for s in rec.get("limitations", [])}


def _one(items, *words):
    hits = [s for s in items if all(w in s for w in words)]
    assert len(hits) == 1, (words, items)
    return hits[0]


def _applies(values) -> dict:
    """Whether each sentence applies, from the recorded values alone."""
    v10, v35, v40 = (values(nb) for nb in ("10_key_accounts", "35_churn", "40_strategy"))
    called, back = v10.get("inactive_called", 0), v10.get("inactive_came_back", 0)
    recency = v10.get("key_accounts_risk") == "recency"  # the tiers judged risk by their inactivity window
    return {"dropout_evidence": v10.get("dropout_evidence_adequate") is False,
            "dropout_unidentified": bool(v10.get("dropout_unidentified_models")),
            # the studies' tiers.inactive_percentile 0.9; said only when the tiers used the window it checks
            "inactive_came_back": recency and bool(called) and back / called > 0.1,
            "churn_label_window": "churn_window_days" in v35 and v35["churn_label_days"] < v35["churn_window_days"],
            "nurtured_loss_making": v40.get("nurtured_loss_making", 0) > 0}


@pytest.mark.notebook
def test_each_sentence_is_declared_exactly_when_it_applies_on_the_b2b_export(b2b):
    out, _ = b2b
    applies = _applies(lambda nb: _values(out, nb))
    declared = _declared(out)
    assert {k for k, yes in applies.items() if yes} == {k for k in KEYS if k in declared}
    assert all(declared[k] == KEYS[k] for k in KEYS if k in declared)
    # the export's case: every one but a model at a bound without a common dropout rate applies
    assert {k for k, yes in applies.items() if yes} == set(KEYS) - {"dropout_unidentified"}
    assert _values(out, "10_key_accounts")["key_accounts_risk"] == "recency"  # no model chosen: the window decides
    _churn_wording(out, lambda nb: _values(out, nb))


@pytest.mark.notebook
def test_nothing_is_said_when_it_does_not_apply_on_the_default_study(values, quick_report):
    """The default study (UCI Online Retail, no profit): each sentence declared exactly when its condition holds."""
    applies = _applies(values)
    declared = _declared(quick_report)
    assert {k for k, yes in applies.items() if yes} == {k for k in KEYS if k in declared}
    assert "nurtured_loss_making" not in declared  # the log has no profit
    _churn_wording(quick_report, values)


def _churn_wording(out, values):
    """The churn label's limitation names the tiers' window only when the tiers judged risk by it."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    said = [s for s in manifest["notebooks"].get("35_churn", {}).get("limitations", [])
            if s["key"] == "churn_label_window"]
    recency = values("10_key_accounts").get("key_accounts_risk") == "recency"
    for s in said:
        assert ("key-account tiers' inactivity window" in s["template"]) == recency, s["template"]


@pytest.mark.notebook
def test_the_failed_evidence_check_is_a_limitation(b2b):
    out, _ = b2b
    v = _values(out, "10_key_accounts")
    assert v["dropout_evidence_adequate"] is False and v["dropout_evidence_recovered"] < v["dropout_evidence_cut"]
    s = _one(_limitations(out), "cannot identify dropout on this log")
    for words in (f"of {v['dropout_evidence_draws']} logs simulated", f"only {v['dropout_evidence_recovered']:.1%}",
                  f"at least {v['dropout_evidence_cut']:.1%}", "BG/NBD, Pareto/NBD, MBG/NBD", "fix: ",
                  "clv.calibration_start"):
        assert words in s, words
    zh = _one(_limitations(out, "zh"), "无法识别流失")
    assert f"{v['dropout_evidence_recovered']:.1%}" in zh and "clv.calibration_start" in zh


@pytest.mark.notebook
def test_the_inactivity_check_is_a_limitation_with_the_counts_by_hand(b2b):
    out, over = b2b
    raw = pd.read_excel(over["transactions__source"], engine="calamine")
    called, back, days = _check_by_hand(raw)
    s = _one(_limitations(out), "inactivity rule calls customers lost too early")
    for words in (f"of the {called:,} customers silent for more than {days:g} days", f"{back} ({back / called:.1%})",
                  "more than the 10.0% its percentile allows", "tiers.inactive_percentile", "tiers.max_inactive_days"):
        assert words in s, words
    zh = _one(_limitations(out, "zh"), "不活跃规则")
    assert f"{called:,} 位客户" in zh and f"{back / called:.1%}" in zh


@pytest.mark.notebook
def test_the_churn_label_window_is_a_limitation_naming_both_windows_and_keys(b2b):
    out, over = b2b
    holdout = (pd.Timestamp(HOLD_END) - pd.Timestamp(CAL_END)).days
    tiers_days = pickle.loads((out / "results" / "key_accounts.pickle").read_bytes())["result"].tiers.max_inactive_days
    _, _, days = _check_by_hand(pd.read_excel(over["transactions__source"], engine="calamine"))
    assert holdout < days
    s = _one(_limitations(out), "Two definitions of 'churned' disagree")
    for words in (f"{holdout}-day holdout", "clv.calibration_end and clv.holdout_end",
                  f"{days:g} days on the calibration",
                  f"{tiers_days:g} days on the whole log", "tiers.max_inactive_days", f"at least {days:g} days"):
        assert words in s, words
    assert f"{holdout} 天" in _one(_limitations(out, "zh"), "两种定义")


@pytest.mark.notebook
def test_the_loss_makers_in_develop_and_maintain_by_hand(b2b):
    out, over = b2b
    raw = pd.read_excel(over["transactions__source"], engine="calamine")
    day = pd.to_datetime(raw["Order Date"]).dt.normalize()
    window = raw[(day >= CAL_START) & (day <= HOLD_END)]
    gross = window.groupby(window["Customer ID"].astype(str))["Profit"].sum()
    tier = pickle.loads((out / "results" / "key_accounts.pickle").read_bytes())["result"].tiers.tier.astype(str)
    tier.index = tier.index.astype(str)
    lossy = gross.reindex(tier.index) < 0
    counts = {t: int((lossy & (tier == t)).sum()) for t in ("Develop", "Maintain")}
    loss = -float(gross.reindex(tier.index)[lossy & tier.isin(["Develop", "Maintain"])].sum())
    assert sum(counts.values()) > 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    currency = manifest["notebooks"]["40_strategy"]["parameters"].get("transactions_currency")
    unit = f" {currency}" if currency else ""
    s = _one(_limitations(out), "the strategy says to develop or maintain")
    for words in (f"develop or maintain, {sum(counts.values()):,} lost money", f"a loss of {loss:,.0f}{unit}",
                  "loss_making", f"from {CAL_START} to {HOLD_END}"):  # the window the tiers summed the profit over
        assert words in s, words
    for t, n in counts.items():  # one customer is a customer; each tier's loss is money, as the total's
        lost_t = -float(gross.reindex(tier.index)[lossy & (tier == t)].sum())
        if n:
            assert f"{t}: {n:,} customer{'s' if n != 1 else ''} losing {lost_t:,.0f}{unit}" in s, (t, s)
    assert f"{sum(counts.values()):,} 位客户" in _one(_limitations(out, "zh"), "培育或维持")


@pytest.mark.notebook
def test_the_highest_expected_profit_are_ranked_by_the_lower_bound(b2b):
    out, _ = b2b
    table = pd.read_csv(out / "tables" / "ka_profit_clv.csv")
    high = table.head(10)
    assert high["profit_per_purchase_ci_lower"].is_monotonic_decreasing
    assert (high["profit_per_purchase_ci_lower"] > 0).all()  # each surely makes money, unlike a one-time top order
    arts = {a["id"]: a for a in json.loads((out / "manifest.json").read_text())["artefacts"]}
    for art_id in ("ka_profit_clv", "ka_profit_clv_margins"):
        caption = arts[art_id]["caption"]
        assert "largest lower bound" in caption["en"] and "with the highest" not in caption["en"]
        assert f"{int((table['purchase_days'] == 1).sum())} of the {len(table)} shown bought on one day only" \
            in caption["en"]
        assert "下限最大" in caption["zh"]


@pytest.mark.notebook
def test_the_tier_figure_caption_names_the_empty_tier(b2b):
    out, _ = b2b
    tt = pd.read_csv(out / "tables" / "ka_tiers.csv")
    arts = {a["id"]: a for a in json.loads((out / "manifest.json").read_text())["artefacts"]}
    caption = arts["ka_tiers_chart"]["caption"]
    assert "Potential key account" not in set(tt["tier"])  # empty: the table leaves it out, the figure does not draw it
    assert caption["en"].endswith("Not drawn, having no customers: Potential key account.")
    assert "未画出" in caption["zh"] and "Potential" not in caption["zh"]
