"""The report says what this case's run did, and whose assumptions it used (issues 48/49).

A B2B export (tests/exports.py: profit-ranked key accounts, no survey, no campaign file) was reported with the
workbook's default study assumptions stated as the case's own (churn costs 50/5, a planned lift of 20% at a baseline
of 8%, the fallback background; purchase-model covariates are none unless the study names them), with headings and method sentences naming analyses
that did not run, and with "did not run" said of notebooks that ran. Each test below fails if one of these returns.
Small fixtures: a manifest and values written by hand, the values' keys read from kamlib.stage_results.RECORDED.
"""
import json
import re
from pathlib import Path

import pytest

from kamlib.stage_results import RECORDED
from kamlib.workbench import methods, report
from kamlib.workbench.study import Study


def _values(**attributes) -> dict:
    """``{notebook: {key: value}}`` for stage attributes given as ``stage__attribute=value``; a pattern's attribute
    (``evaluate__captures={"monetary": 0.44}``) records one key per entry."""
    out: dict = {}
    for name, value in attributes.items():
        nb, key = RECORDED[tuple(name.split("__"))]
        if "(?P<id>" in key:
            for id_, v in value.items():
                out.setdefault(nb, {})[re.sub(r"\(\?P<id>[^)]*\)", id_, key)] = v
        else:
            out.setdefault(nb, {})[key] = value
    return out


def _folder(tmp_path: Path, values: dict) -> Path:
    (tmp_path / "values").mkdir()
    (tmp_path / "tables").mkdir()
    for nb, vals in values.items():
        (tmp_path / "values" / f"{nb}.json").write_text(json.dumps(vals))
        (tmp_path / "tables" / f"t{nb}.csv").write_text("a,b\nx,1\n")  # one exhibit: its section is shown
    return tmp_path


def _table(nb: str, **extra) -> dict:
    return {"id": f"t{nb}", "notebook": nb, "kind": "table", "path": f"tables/t{nb}.csv", "files": [], **extra}


#: A transactions-only run like the superstore's: identification with no model chosen (the evidence check
#: inconclusive at 60%), segments and churn, and the evaluation with the selection rules and the test plan only.
B2B = dict(identify__gini=0.595, identify__top_revenue_share=0.61, identify__value_model="none",
           identify__dropout_evidence=False, identify__dropout_recovered=0.6, identify__dropout_verdict="inconclusive",
           segment__k=5, segment__churn_auc=0.757, evaluate__top_share=0.2, evaluate__capture_past_revenue=0.44,
           evaluate__captures={"monetary": 0.44, "frequency": 0.4, "rfm": 0.42, "random": 0.2},
           evaluate__customers=800, evaluate__n_per_arm=4912)


def _manifest(values: dict, **params) -> dict:
    stage = {"10_key_accounts": "identify", "30_segments": "segment", "35_churn": "segment", "40_strategy": "evaluate"}
    base = {"transactions_source": "superstore.xlsx", "clv_calibration_end": "2021-12-31",
            "clv_holdout_end": "2022-12-31", "clv_covariates": ["country"], "segments_cost_missed_churner": 50.0,
            "segments_cost_wasted_offer": 5.0, "strategy_relative_lift": 0.2, "strategy_baseline_conversion": 0.08,
            "strategy_experiment_source": "simulated", "strategy_programme_source": "simulated",
            "strategy_basis": {}, **params}
    return {"artefacts": [_table(nb) for nb in values],
            "notebooks": {nb: {"stage": stage[nb], "parameters": dict(base)} for nb in values}}


def _study(**raw) -> Study:
    return Study.model_validate(raw)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.slow
def test_defaults_the_study_does_not_set_are_named_as_the_workbooks_with_their_keys(tmp_path, language):
    values = _values(**B2B)
    folder = _folder(tmp_path, values)
    doc = report.outline(_manifest(values), folder, language=language,
                         context=report.run_context(_study(tiers={"key_share": 0.1})))
    [said] = [m["text"] for m in doc["methods"] if m["stage"] == "assumptions"]
    for key in ("segments.cost_missed_churner: 50", "segments.cost_wasted_offer: 5", "strategy.relative_lift: 20%",
                "strategy.baseline_conversion: 8%", "texts.background"):
        assert key in said
    assert "clv.covariates" not in said  # no covariate unless the study names one: nothing assumed
    assert ("not facts about this case" in said) if language == "en" else ("而非本案例的事实" in said)


@pytest.mark.slow
def test_a_key_the_study_sets_is_the_cases_own_and_is_not_called_a_default(tmp_path):
    values = _values(**B2B)
    folder = _folder(tmp_path, values)
    study = _study(segments={"cost_missed_churner": 80, "cost_wasted_offer": 4}, clv={"covariates": []},
                   strategy={"relative_lift": 0.3, "baseline_conversion": 0.05}, texts={})
    defaults = methods.workbook_defaults(study)
    assert not {"segments.cost_missed_churner", "segments.cost_wasted_offer", "clv.covariates",
                "strategy.relative_lift", "strategy.baseline_conversion"} & set(defaults)
    doc = report.outline(_manifest(values), folder, language="en", context=report.run_context(study))
    said = " ".join(m["text"] for m in doc["methods"] if m["stage"] == "assumptions")
    assert "segments.cost" not in said and "strategy.relative_lift" not in said
    # without its study file the report cannot say whose an assumption is, and says nothing rather than guess
    assert not [m for m in report.outline(_manifest(values), folder, language="en")["methods"]
                if m["stage"] == "assumptions"]


def test_the_default_title_is_named_as_the_workbooks():
    assert "title" in methods.workbook_defaults(_study())
    assert "title" not in methods.workbook_defaults(_study(title={"en": "Office supplies", "zh": "办公用品"}))


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.slow
def test_the_fallback_background_is_the_workbooks_framing_and_asks_only_what_ran(tmp_path, language):
    values = _values(**B2B)
    folder = _folder(tmp_path, values)
    doc = report.outline(_manifest(values), folder, language=language)
    text = doc["background_text"]
    assert "texts.background" in text
    assert "e-commerce company" not in text and "电商企业" not in text  # the old fallback, stated as the case's
    assert "RQ3" in text and "RQ4" not in text  # three sections ran: identify, segment, evaluate
    assert "satisfaction" not in text.lower() and "满意度" not in text  # no survey ran: not one of its questions
    T = report.report_text(language)
    # a study with its own background: the workbook's framing is not said
    own = report.outline(_manifest(values), folder, language=language,
                         texts={"background": "Office supplies."})["background_text"]
    assert "texts.background" not in own and T["background_no_hypotheses"] in own


@pytest.mark.slow
def test_the_evaluation_names_only_the_checks_that_ran_and_why_the_others_did_not(tmp_path):
    values = _values(**B2B)
    folder = _folder(tmp_path, values)
    doc = report.outline(_manifest(values), folder, language="en")
    [section] = [s for s in doc["sections"] if s["key"] == "evaluate"]
    lead = section["lead"]
    assert lead.startswith("In this run the selection rules and the size of the next campaign test are checked")
    assert "campaign test and budget split is checked" not in lead  # the old lead named every check
    # each check that did not run: one sentence, with the numbers and the fix
    assert "No budget split is computed" in lead and "60%" in lead and "80%" in lead and "clv.evidence_draws" in lead
    assert "No programme is evaluated by difference-in-differences" in lead and "strategy.programme_source" in lead
    assert "No campaign of the case is analysed" in lead and "4,912" in lead and "strategy.experiment_source" in lead
    method = " ".join(m["text"] for m in doc["methods"])
    assert "lifetime value, past revenue" not in method  # no CLV rule was scored
    assert "Each ranking (past revenue, purchase frequency, RFM score and chance)" in method
    assert "relative lift of 20% (strategy.relative_lift) at a baseline conversion of 8.0%" in method
    assert "by the days since the last purchase, since no purchase model was chosen" in method
    assert "chosen purchase model's probability" not in method


@pytest.mark.slow
def test_the_evaluation_says_the_budget_split_when_it_ran(tmp_path):
    values = _values(**{**B2B, "identify__value_model": "BG/NBD", "identify__dropout_evidence": True,
                        "evaluate__capture_clv": 0.5, "evaluate__budget_incremental_clv": 1234.0})
    folder = _folder(tmp_path, values)
    doc = report.outline(_manifest(values), folder, language="en")
    [lead] = [s["lead"] for s in doc["sections"] if s["key"] == "evaluate"]
    assert "the budget split" in lead and "No budget split" not in lead
    method = " ".join(m["text"] for m in doc["methods"])
    assert "Each ranking (past revenue, purchase frequency, RFM score, lifetime value and chance)" in method
    assert "probability of being alive of BG/NBD" in method


@pytest.mark.notebook
def test_the_campaign_test_and_the_churn_costs_say_they_are_the_workbooks_assumptions(tmp_path):
    """The campaign-test recommendation stated the workbook's 20% lift and 8% baseline as the case's plan, and the
    churn notebook its costs: a run of a study that declares neither (no strategy.basis, no segments costs) calls them
    the workbook's, with their keys, in both languages; and the methods name the rankings the run scored (no purchase
    model values these customers: no CLV rule). A quick run of the two notebooks and the identification they read on
    the simulated B2B export (tests/exports.py), about two minutes."""
    import exports

    from kamlib.workbench import runner

    quick = {"clv": {"bootstrap": 10, "models": ["bgnbd", "paretonbd", "mbgnbd"]},
             "segments": {"k_max": 4, "stability_seeds": 2, "gap_refs": 2},
             "strategy": {"bootstrap": 20, "experiment_n": 2000, "did_accounts": 60, "peeking_sims": 100,
                          "budget": 1000}}
    over = exports.superstore(tmp_path)
    path = exports.write_study(tmp_path / "whose.yaml", {"name": "whose", "transactions": {}, "clv": {},
                                                        "quick": quick}, over)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
        outcomes = runner.run(path, ["35_churn", "40_strategy"], quick=True, jobs=1, echo=lambda *a: None)
    assert not [o for o in outcomes if o.status == "failed"], outcomes
    folder = tmp_path / "reports" / "whose-quick"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [plan] = [r for r in manifest["notebooks"]["40_strategy"]["recommendations"] if r["key"] == "campaign_test"]
    lift, p0 = plan["numbers"]["lift_whose"], plan["numbers"]["p0_whose"]  # 800 customers: too few for the test
    assert "the workbook's assumption, strategy.relative_lift" in lift["text"] and "strategy.relative_lift" in \
        lift["text_zh"] and "工作簿的假设" in lift["text_zh"]
    assert "the workbook's assumption (strategy.baseline_conversion)" in p0["text"] and "工作簿的假设" in p0["text_zh"]
    captions = " ".join(a["caption"]["en"] if isinstance(a["caption"], dict) else a["caption"]
                        for a in manifest["artefacts"] if a.get("notebook") == "35_churn")
    assert "assumed costs: a missed churner 50 (segments.cost_missed_churner)" in captions
    values = {f.stem: json.loads(f.read_text()) for f in (folder / "values").glob("*.json")}
    [evaluation] = [m["text"] for m in methods.chapter(manifest, values) if m["stage"] == "evaluate"]
    assert "Each ranking (past revenue, purchase frequency, RFM score and chance)" in evaluation


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.slow
def test_no_recommendation_is_not_said_as_notebooks_that_did_not_run(tmp_path, language):
    values = _values(understand__hypotheses_tested=7)
    folder = _folder(tmp_path, values)
    [nb] = values
    manifest = {"artefacts": [_table(nb, simulated=True)],
                "notebooks": {nb: {"stage": "understand", "parameters": {}}}}
    said = report.outline(manifest, folder, language=language)["no_recommendations"]
    assert nb in said and "did not run" not in said and "没有运行" not in said
    assert report.no_recommendations({"notebooks": {}}, "en", report.report_text("en")) == \
        report.report_text("en")["no_recommendations"]  # none ran: the old sentence is true


@pytest.mark.slow
def test_each_research_question_is_answered_with_the_runs_recorded_numbers(tmp_path):
    from kamlib.stage_results import CONCENTRATION_FINDING

    values = _values(**B2B)
    nb, share = RECORDED[("identify", "top_revenue_share")]
    gini = RECORDED[("identify", "gini")][1]
    folder = _folder(tmp_path, values)
    manifest = _manifest(values)
    manifest["notebooks"][nb]["findings"] = [{"key": "concentration", "template": CONCENTRATION_FINDING, "numbers": {
        "share": {"key": share, "kind": "share"}, "gini": {"key": gini, "kind": "estimate"}}}]
    doc = report.outline(manifest, folder, language="en")
    assert [a["rq"] for a in doc["answers"]] == ["RQ1 (section 3)", "RQ2 (section 4)", "RQ3 (section 5)"]
    identify = doc["answers"][0]
    assert "61.0%" in identify["text"] and f"data-value-key='{nb}.{share}'" in identify["html"]
    page = report.render(manifest, folder, title="t", language="en", study_name="s", quick=True)
    assert "data-rq='RQ1 (section 3)'" in page and f"data-value-key='{nb}.{share}'" in page


@pytest.mark.parametrize("main", ["en", "zh"])
def test_a_run_rebuilds_only_the_editions_its_folder_already_has(tmp_path, main):
    """`kam run` writes the HTML pages and rebuilds the Word and PDF editions a report folder already has
    (editions.write with formats=None reads editions.existing); a superstore quick run wrote no Word edition by
    design, so a folder of HTML pages alone gets none, and an edition of either language is rebuilt."""
    from kamlib.workbench.editions import existing

    other = "zh" if main == "en" else "en"
    for page in ("index.html", f"index.{other}.html"):  # what a first run writes
        (tmp_path / page).write_text("<html></html>", encoding="utf-8")
    assert existing(tmp_path, main) == []
    (tmp_path / f"report.{other}.pdf").write_bytes(b"%PDF")  # asked for once, in the other language only
    assert existing(tmp_path, main) == ["pdf"]
    (tmp_path / "report.docx").write_bytes(b"PK")
    assert existing(tmp_path, main) == ["docx", "pdf"]
    assert existing(tmp_path, other) == ["docx"]  # named for the other study language, the PDF is not its edition
