"""Which exhibits the report's body shows (the examiner's items 24 and 33 on the default study's report: §4 held
seven exhibits, §6 a 30-row, 13-column rules table split into column parts over landscape pages): a section's lead
figure and one key table that fits a portrait page, the rest in Appendix A with the numbers the findings cite."""

import json
import re

import pytest

from kamlib.workbench import editions, report


def _art(nb, id_, kind, role=None, columns=3, rows=5, cell=None):
    return {"id": id_, "notebook": nb, "kind": kind, "role": role, "cell": cell,
            "columns": [f"c{i}" for i in range(columns)] if kind == "table" else None,
            "rows": rows if kind == "table" else None}


def test_a_table_wider_or_longer_than_a_portrait_page_is_never_in_the_body():
    """Even when a finding cites it: the finding then points to its number in Appendix A."""
    wide = editions.MAX_COLUMNS_PORTRAIT + 1
    arts = [_art("45_personalisation", "basket_rules", "table", columns=13, rows=30),
            _art("45_personalisation", "rules_by_tier", "table", columns=wide, rows=5),
            _art("45_personalisation", "rec_split", "table", columns=2, rows=report.BODY_MAX_ROWS + 1),
            _art("45_personalisation", "rec_hit_rates", "figure", "main"),
            _art("45_personalisation", "basket_network", "figure")]
    body = report.body_exhibits(arts, {"basket_rules", "rules_by_tier"}, {"45_personalisation": "act"})
    assert body == {"rec_hit_rates"}
    # a language's own column is counted once: a table of 7 columns and their Chinese is a portrait table
    seven = _art("nb", "t", "table", columns=editions.MAX_COLUMNS_PORTRAIT)
    seven["columns"] += [f"{c}_zh" for c in seven["columns"][:2]]
    assert report._fits_body(seven)


def test_a_section_shows_its_lead_figure_one_key_table_and_one_cited_figure():
    """§4 of the default report held the data overview's table and figure and four of the key-account notebook's
    exhibits; now: the Lorenz curve, the table made in its cell (the Pareto table), and nothing else."""
    arts = [_art("01_data_overview", "data_overview", "table", columns=2, rows=10, cell="cell-03"),
            _art("01_data_overview", "data_monthly", "figure", cell="cell-04"),
            _art("10_key_accounts", "ka_rfm_summary", "table", columns=9, rows=6, cell="cell-05"),
            _art("10_key_accounts", "ka_rfm_segments", "table", columns=7, rows=8, cell="cell-05"),
            _art("10_key_accounts", "ka_pareto", "table", columns=4, rows=5, cell="cell-07"),
            _art("10_key_accounts", "ka_lorenz", "figure", "main", cell="cell-07"),
            _art("10_key_accounts", "ka_holdout_comparison", "table", columns=10, rows=8, cell="cell-09"),
            _art("10_key_accounts", "ka_tiers", "table", columns=8, rows=5, cell="cell-12"),
            _art("10_key_accounts", "ka_tiers_chart", "figure", cell="cell-12"),
            _art("35_churn", "churn_tx_roc", "figure", cell="cell-02"),
            _art("35_churn", "churn_tx_gains", "figure", cell="cell-02"),
            _art("35_churn", "churn_tx_calibration", "figure", cell="cell-02"),
            _art("35_churn", "churn_tx_confusion", "table", columns=3, rows=2, cell="cell-03")]
    stages = {"01_data_overview": "identify", "10_key_accounts": "identify", "35_churn": "segment"}
    evidence = {"ka_lorenz", "ka_holdout_comparison", "ka_tiers", "churn_tx_gains", "churn_tx_calibration"}
    body = report.body_exhibits(arts, evidence, stages)
    # the churn section has no main figure: its first leads, and one figure a finding cites joins it
    assert body == {"ka_lorenz", "ka_pareto", "churn_tx_roc", "churn_tx_gains", "churn_tx_confusion"}
    # a key table the notebook marks, or one a finding cites, comes before the lead figure's cell
    marked = [dict(a, role="key") if a["id"] == "ka_rfm_segments" else a for a in arts]
    assert "ka_rfm_segments" in report.body_exhibits(marked, evidence, stages)
    cited = report.body_exhibits(arts, evidence | {"data_overview"}, stages)
    assert "data_overview" in cited and "ka_pareto" not in cited


@pytest.mark.notebook
def test_the_quick_reports_body_is_lean_and_its_findings_cite_the_right_numbers(quick_report):
    """The default quick report: at most three exhibits a section, no body table wider or longer than a portrait
    page, and each "(evidence: Table N)" of the summary names an exhibit the page numbers so."""
    manifest = json.loads((quick_report / "manifest.json").read_text())
    size = {a["id"]: a for a in manifest["artefacts"]}
    page = (quick_report / "index.html").read_text()
    body = page[: page.find("<h2 id='reference'>")]
    starts = [m.start() for m in re.finditer(r"<h2 id='sec-", body)] + [len(body)]
    for a, b in zip(starts, starts[1:]):
        assert len(re.findall(r"class='num'>(?:Table|Figure) \d+", body[a:b])) <= 3
    shown = re.findall(r"class='num'>Table \d+\.</span>\s*([^<]{20,60})", body[starts[0]:])
    assert shown
    for caption in shown:  # each body table, found by its caption in the manifest
        [art] = [x for x in size.values() if x["kind"] == "table" and x["caption"]["en"].startswith(caption.strip()[:40])]
        assert report._fits_body(art), art["id"]
    numbered = set(re.findall(r"class='num'>((?:Table|Figure) \d+)\.", page))
    text = re.sub(r"<[^>]+>", "", page[page.find("<h2 id='summary'>"):page.find("<h2 id='background'>")])
    cited = re.findall(r"evidence: ((?:Table|Figure) \d+)", text)
    assert cited and set(cited) <= numbered
