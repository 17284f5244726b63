"""Tables in words, a Chinese edition in Chinese (issues 48 and 49).

The examiner read the quick reports of a B2B export and of the relationship-quality survey and found code names in
the English tables (``itemcf``, ``log_frequency``, ``True``, time units ``D``/``W``/``M``, ``t_x`` and ``T`` in
headers, ``mean_large``), English in the Chinese one ("not stated", ``CM:SIZE_large``), and a statistic with
different decimals in different places (Gini 0.5951 and 0.60), "6938 rows kept of 6938 read".
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from kamlib import i18n
from kamlib.workbench import report

#: A code as the workbook writes it (lower case with underscores)
_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def test_every_code_the_catalogue_words_in_chinese_has_english_words():
    """One owner: the codes of the catalogue (msgctxt value and label) have their words in en.po beside zh.po."""
    codes = [(c, m) for (c, m) in i18n.catalogue("zh") if c in ("value", "label") and _CODE.fullmatch(m)]
    assert len(codes) > 50
    missing = [m for c, m in codes if (c, m) not in i18n.catalogue("en")]
    assert not missing, f"add msgctxt value/label entries to kamlib/locale/en.po for: {missing}"


def _cells(tmp_path, text, lang, cells=None, time_unit=None):
    csv = tmp_path / "t.csv"
    csv.write_text(text, encoding="utf-8")
    heads, rows, _, _ = report.table_cells(csv, lang, cells=cells, time_unit=time_unit)
    return heads, [list(c) for c in zip(*rows)]


def test_english_cells_the_workbook_makes_are_words(tmp_path):
    heads, cols = _cells(tmp_path, "method,term,unit,stage,inside_bounds,description\n"
                                   "itemcf,log_frequency,W,churned,True,Binder model 176\n"
                                   "als,const,D,new,False,itemcf\n", "en")
    method, term, unit, stage, inside, description = cols
    assert method == ["Item-based collaborative filtering", "Matrix factorisation (ALS)"]
    assert term == ["log(1 + repeat purchases)", "Intercept"]
    assert unit == ["weeks", "days"]
    assert stage == ["Churned", "New"]
    assert inside == ["yes", "no"]
    assert description == ["Binder model 176", "itemcf"]  # data from the log stay as they are


def test_chinese_cells_the_workbook_makes_are_chinese_in_data_columns_too(tmp_path):
    """The provenance table's "not stated" sits in its ``value`` column, a column of data: the table's own phrases
    (cells_zh) are the workbook's words wherever they are."""
    cells = {"not stated": "未说明"}
    _, cols = _cells(tmp_path, "field,value,unit,flag\nreal,not stated,M,True\nfile,superstore.xlsx,W,False\n", "zh",
                     cells=cells)
    field, value, unit, flag = cols
    assert field == ["真实数据", "文件"] and value == ["未说明", "superstore.xlsx"]
    assert unit == ["月", "周"] and flag == ["是", "否"]


def test_provenance_rows_say_not_stated_in_the_reports_language(tmp_path):
    from kamlib.datasets import provenance
    from kamlib.workbench.artefacts import _cells_zh

    log = tmp_path / "orders.csv"
    log.write_text("customer_id,date\n1,2024-01-01\n", encoding="utf-8")
    table = provenance(log)
    assert table.set_index("field").loc["real", "value"] == "not stated"
    (tmp_path / "tables").mkdir()
    table.to_csv(tmp_path / "tables" / "data_source.csv", index=False)
    art = {"id": "data_source", "path": "tables/data_source.csv", "notebook": "01", "role": "provenance",
           "cells_zh": _cells_zh(table)}
    zh = report._data_rows({"artefacts": [art]}, tmp_path, report.report_text("zh"), "zh")[0]
    en = report._data_rows({"artefacts": [art]}, tmp_path, report.report_text("en"), "en")[0]
    assert en["kind"] == "not stated (no provenance note)" and en["licence"] == "not stated"
    assert zh["kind"] == "未说明(无来源说明文件)" and zh["licence"] == "未说明"
    assert not re.search(r"[A-Za-z]{3,}", zh["citation"].replace("PROVENANCE", "").replace("orders", ""))
    # a described file is real in Chinese as in English ("yes" is 是 in the Chinese cells)
    (tmp_path / "orders.PROVENANCE.md").write_text("# Orders of a shop\n\n- Licence: CC BY 4.0\n", encoding="utf-8")
    table = provenance(log)
    table.to_csv(tmp_path / "tables" / "data_source.csv", index=False)
    art["cells_zh"] = _cells_zh(table)
    zh = report._data_rows({"artefacts": [art]}, tmp_path, report.report_text("zh"), "zh")[0]
    assert zh["kind"] == report.report_text("zh")["real"]


@pytest.mark.parametrize("name, en, zh", [
    ("recency", "Time from first to last purchase (weeks)", "首次到末次购买的时长(周)"),
    ("T", "Customer age: first purchase to end of period (weeks)", "客户时长:首次购买到观察期末(周)"),
    ("frequency", "Repeat purchases", "重复购买次数"),
    ("mean_large", "Mean (large)", "均值(large)"),
    ("regularity_k_MBG/CNBD-k", "Regularity k (MBG/CNBD-k)", "规律性 k(MBG/CNBD-k)"),
])
def test_headers_name_no_code(name, en, zh):
    """The examiner found "t_x: first to last purchase", "T: first purchase to end", "mean_large", "k_MBG/CNBD-k"."""
    assert report._header(name, "en", i18n.column_kind(name), time_unit="W") == en
    assert report._header(name, "zh", i18n.column_kind(name), time_unit="W") == zh


def test_a_time_unit_is_said_in_words():
    assert str(i18n.time_unit("M")) == "months" and i18n.time_unit("D").translate("zh") == "天"
    assert i18n.time_unit(None) is None


def test_the_methods_chapter_says_the_time_unit_in_words():
    """The examiner found 时间单位 W in the Chinese methods chapter."""
    from kamlib.workbench import methods

    manifest = {"notebooks": {"10_key_accounts": {"parameters": {
        "clv_models": ["bgnbd"], "clv_calibration_start": "2010-12-01", "clv_calibration_end": "2011-06-30",
        "clv_holdout_end": "2011-12-09", "clv_unit": "W", "tiers_key_share": 0.2, "tiers_rank_by": "revenue"}}}}
    values = {"10_key_accounts": {"key_accounts": 260, "value_model": "none", "dropout_evidence": True}}
    text = {lang: " ".join(c["text"] for c in methods.chapter(manifest, values, lang)) for lang in ("en", "zh")}
    assert "unit weeks" in text["en"] and "时间单位为周" in text["zh"]
    assert "unit W)" not in text["en"] and "时间单位 W" not in text["zh"]


def test_a_key_number_has_the_decimals_of_the_findings(tmp_path):
    """The examiner found "Gini of revenue 0.5951" among the key numbers and "Gini 0.60" in the findings: one
    rule, i18n.decimals, as a table's column of estimates has it."""
    manifest = {"notebooks": {"nb": {"key_numbers": [{"key": "gini", "kind": "estimate", "label": "Gini"}]}}}
    cards = report._key_numbers(manifest, {"nb": {"gini": 0.5951}}, "en")
    assert cards == [("Gini", i18n.number(0.5951, "estimate"))] == [("Gini", "0.595")]


def test_the_cleaning_total_says_nothing_was_dropped_and_groups_thousands():
    from kamlib.transactions import _total

    assert str(_total(6938, 6938)) == "total: all 6,938 rows read were kept"
    assert str(_total(6000, 6938)) == "total: 6,000 rows kept of 6,938 read"
    assert _total(6938, 6938).translate("zh") == "合计:读取的 6,938 行全部保留"
    assert _total(6000, 6938).translate("zh") == "合计:读取 6,938 行,保留 6,000 行"


@pytest.mark.notebook
def test_no_english_table_of_the_quick_report_shows_a_code(quick_report):
    """Every cell of a words column, in every table of the default quick report, is the catalogue's words: no
    lower-case code with an underscore and no True/False is left in the English edition, and no code the catalogue
    words in the Chinese one."""
    manifest = json.loads((quick_report / "manifest.json").read_text(encoding="utf-8"))
    left = set()
    for a in manifest["artefacts"]:
        if a["kind"] != "table":
            continue
        frame = pd.read_csv(quick_report / a["path"])
        for lang in ("en", "zh"):
            heads, rows, _, _ = report.table_cells(quick_report / a["path"], lang, cells=a.get("cells_zh"))
            columns = list(report._language_columns(frame, lang).columns)
            for i, column in enumerate(columns):
                if column in i18n.DATA_COLUMNS:
                    continue
                for cell in {r[i] for r in rows}:
                    if isinstance(cell, str) and (cell in ("True", "False") or (
                            _CODE.fullmatch(cell) and "_" in cell)):
                        left.add(f"{a['id']}.{column} ({lang}): {cell}")
    assert not left, sorted(left)


def test_the_candidates_of_the_key_account_rule_are_named_by_their_role_in_chinese():
    """The examiner found "381 名候选顾客(channel: Corporate, Home Office)" in the Chinese methods chapter."""
    from kamlib.workbench import methods

    assert methods._candidates({"channel": ["Corporate", "Home Office"]}, "zh") == "渠道:Corporate, Home Office"
    assert methods._candidates({"channel": ["Corporate"]}, "en") == "channel: Corporate"


def test_the_gini_reads_alike_in_the_closings_and_claims_as_in_the_findings():
    """One rule (i18n.decimals) for the Gini wherever a sentence states it: no template fixes it at two decimals."""
    from kamlib.config import ROOT
    from kamlib.stage_results import Identify, StageResults, confront, load_claims

    fixed = [p.name for p in (ROOT / "kamlib").rglob("*.py") if re.search(r"\{gini:\.[0-24-9]f\}", p.read_text())]
    assert not fixed, fixed
    claims = load_claims(ROOT / "data" / "literature" / "claims.csv")
    evidence = str(confront(StageResults(identify=Identify(top_revenue_share=0.74, gini=0.5951)), claims)[0].evidence)
    assert f"Gini {i18n.number(0.5951)}" in evidence and i18n.number(0.5951) == "0.595"


def test_a_column_the_glossary_words_in_one_language_keeps_those_words():
    """A <statistic>_<group> header is composed only for a name the glossary lacks in the report's language."""
    assert report._header("chi2_unscaled", "zh") == i18n.glossary_words("chi2_unscaled", "zh") == "未校正卡方"
    assert report._header("se_large", "zh") == "标准误(large)"


def test_a_construct_code_is_shown_with_its_name(tmp_path):
    """The examiner found construct codes (TR, CM) where the instrument names the construct: a table saved after the
    instrument is read keeps the names of the codes it holds, and both editions show "Trust (TR)"."""
    from kamlib.survey.instrument import load
    from kamlib.workbench.artefacts import _names

    load("data/survey/relationship_quality.yaml")
    table = pd.DataFrame({"construct": ["TR", "CM"], "TR": [0.8, 0.5], "item": ["TR1", "CM1"], "n": [3, 4]})
    names = _names(table)
    assert set(names) == {"TR", "CM"} and names["TR"] == {"en": "Trust", "zh": "信任"}
    csv = tmp_path / "t.csv"
    table.to_csv(csv, index=False)
    heads, rows, _, _ = report.table_cells(csv, "en", names=names)
    assert heads[1] == "Trust (TR)" and [r[0] for r in rows] == ["Trust (TR)", "Commitment (CM)"]
    assert [r[2] for r in rows] == ["TR1", "CM1"]  # item ids are data
    heads, rows, _, _ = report.table_cells(csv, "zh", names=names)
    assert heads[1] == "信任(TR)" and rows[1][0] == "关系承诺(CM)"
