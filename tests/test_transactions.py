import pandas as pd
import pytest

from kamlib import datasets, transactions
from kamlib.errors import ArgumentError, KamError


def test_cdnow_full_and_sample_sizes():
    full, sample = datasets.cdnow(), datasets.cdnow(sample=True)
    assert len(full) == 69659 and full["customer_id"].nunique() == 23570
    assert len(sample) == 6919 and sample["customer_id"].nunique() == 2357
    assert list(full.columns) == ["customer_id", "date", "quantity", "amount"]
    assert pd.api.types.is_datetime64_any_dtype(full["date"])
    assert full["date"].min() == pd.Timestamp("1997-01-01") and full["date"].max() == pd.Timestamp("1998-06-30")


def test_cdnow_loads_without_losing_customers():
    loaded = transactions.load("cdnow")
    assert loaded.data["customer_id"].nunique() == 23570
    kept = loaded.report.set_index("rule")
    assert kept.loc["zero amount kept", "rows_flagged"] == 80


CSV = """customer,day,value,order
a,2024-01-02,10.5,o1
,2024-01-03,3,o2
b,2024-13-45,4,o3
b,2099-01-01,4,o4
c,2024-01-05,abc,o5
c,2024-01-05,0,o6
d,2024-01-06,-5,o7
e,2024-01-07,7,o8
e,2024-01-07,7,o8
"""


def _load(tmp_path, text=CSV, encoding="utf-8", **kw):
    p = tmp_path / "tx.csv"
    p.write_bytes(text.encode(encoding))
    cols = {"customer": "customer", "date": "day", "amount": "value", "order_id": "order"}
    return transactions.load(str(p), columns=cols, as_of=pd.Timestamp("2024-12-31").date(), **kw)


def test_each_rule_counts_its_rows(tmp_path):
    loaded = _load(tmp_path, zero_amounts="drop")
    r = loaded.report.set_index("rule")["rows_dropped"]
    assert r["missing customer id"] == 1
    assert r["unparseable date"] == 1
    assert r["future date"] == 1
    assert r["non-numeric amount"] == 1
    assert r["zero amount dropped"] == 1
    assert r["negative amount (return/cancellation) dropped"] == 1
    assert r["exact duplicate dropped"] == 1
    assert sorted(loaded.data["customer_id"]) == ["a", "e"]
    # rows are named as a spreadsheet shows them (header = row 1)
    assert loaded.report.set_index("rule").loc["missing customer id", "example_rows"] == "3"


def test_negative_amounts_can_be_netted(tmp_path):
    loaded = _load(tmp_path, negative_amounts="net")
    assert (loaded.data["amount"] < 0).sum() == 1


def test_gbk_file_with_chinese_headers(tmp_path):
    text = "客户ID,下单时间,实付金额\n张三,2024-01-02,99.5\n李四,2024-02-03,10\n"
    p = tmp_path / "wx.csv"
    p.write_bytes(text.encode("gbk"))
    loaded = transactions.load(str(p), columns={"customer": "客户ID", "date": "下单时间", "amount": "实付金额"})
    assert list(loaded.data["customer_id"]) == ["张三", "李四"]
    assert loaded.data["amount"].sum() == pytest.approx(109.5)


def test_utf8_bom_is_read(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffcustomer_id,date,amount\nx,2024-01-01,5\n".encode("utf-8"))
    assert transactions.load(str(p)).data["amount"].tolist() == [5.0]


def test_wrong_encoding_is_one_sentence(tmp_path):
    p = tmp_path / "wx.csv"
    p.write_bytes("客户ID,下单时间,实付金额\n张三,2024-01-02,99.5\n".encode("gbk"))
    with pytest.raises(KamError) as err:
        transactions.load(str(p), encoding="utf-8", columns={"customer": "客户ID"})
    assert str(p) in str(err.value) and "encoding='gbk'" in str(err.value) and err.value.argument == "encoding"


def test_missing_mapped_column_names_file_and_column(tmp_path):
    p = tmp_path / "tx.csv"
    p.write_text("cust,date,amount\nx,2024-01-01,5\n")
    with pytest.raises(KamError) as err:
        transactions.load(str(p))
    msg = str(err.value)
    assert str(p) in msg and "'customer_id'" in msg and "columns['customer']" in msg


def test_the_workbench_loader_names_the_study_key(tmp_path):
    """Analysis errors speak of arguments; loaded through the workbench, the sentence names the study key."""
    from kamlib.workbench import notebook
    from kamlib.workbench.study import Study

    p = tmp_path / "tx.csv"
    p.write_text("cust,date,amount\nx,2024-01-01,5\n")
    namespace = Study().parameters(["transactions"]) | {"transactions_source": str(p)}
    with pytest.raises(KamError) as err:
        notebook.load_transactions(namespace)
    msg = str(err.value)
    assert "columns['customer']" in msg and msg.endswith("In the study file this is transactions.columns.customer.")
    namespace["transactions_date_format"] = "%d.%m.%Y"
    namespace["transactions_columns"] = {"customer": "cust", "date": "date", "amount": "amount"}
    with pytest.raises(KamError, match=r"In the study file this is transactions\.date_format\.$"):
        notebook.load_transactions(namespace)


def test_bad_rule_value():
    df = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    with pytest.raises(KamError, match="negative_amounts"):
        transactions.validate(df, negative_amounts="keep")


def test_a_wrong_date_format_is_one_sentence_naming_the_file_and_fix(tmp_path):
    text = "customer,day,value,order\n" + "".join(f"c{i},2024/01/{i + 1:02d},5,o{i}\n" for i in range(6))
    with pytest.raises(KamError) as exc:
        _load(tmp_path, text, date_format="%d.%m.%Y")
    msg = str(exc.value)
    assert "tx.csv" in msg and "6 of 6 dates" in msg and "'2024/01/01'" in msg and "rows 2, 3, 4" in msg
    assert "pass date_format" in msg and "\n" not in msg
    # one bad row among good ones is a dropped row, not an error
    assert len(_load(tmp_path, text.replace("2024/01/03", "2024/01/99"), date_format="%Y/%m/%d").data) == 5


def test_a_file_with_no_valid_row_is_refused(tmp_path):
    text = "customer,day,value,order\na,2024-01-02,-1,o1\nb,2024-01-03,-2,o2\n"
    with pytest.raises(KamError, match=r"tx.csv: no valid transaction is left of 2 rows read; most were dropped by "
                                       r"the rule 'negative amount \(return/cancellation\) dropped'"):
        _load(tmp_path, text)


def test_amount_from_quantity_and_price_exclusions_cancellations_and_ids(tmp_path):
    """The shapes of the UCI Online Retail log: no amount column, float ids, C-invoices, postage lines."""
    p = tmp_path / "retail.csv"
    p.write_text("Invoice,Code,Qty,Price,Cust,When\n"
                 "1,A1,2,3.5,12713.0,2011-01-01\n"
                 "1,POST,1,18,12713.0,2011-01-01\n"
                 "C2,A1,-1,3.5,12713.0,2011-01-05\n"
                 "3,A1,1,2,13800512345,2011-01-06\n"
                 "4,A1,1,2,,2011-01-07\n")
    cols = {"customer": "Cust", "date": "When", "amount": None, "quantity": "Qty", "unit_price": "Price",
            "order_id": "Invoice", "product": "Code"}
    got = transactions.load(str(p), columns=cols, negative_amounts="net", exclude_products=["POST"],
                            cancellation_prefix="C")
    d = got.data
    assert d["customer_id"].tolist() == ["12713", "12713", "13800512345"]  # 12713.0 -> 12713
    assert d["amount"].tolist() == [7.0, -3.5, 2.0]  # quantity x price; the C invoice is negative
    rules = got.report.set_index("rule")
    assert rules.filter(like="not a product", axis=0)["rows_dropped"].iloc[0] == 1
    assert rules.filter(like="cancellation", axis=0)["rows_flagged"].iloc[0] == 1
    total = got.report.iloc[-1]
    assert total["rule"] == "total: 3 rows kept of 5 read" and total["rows_dropped"] == 2 and total["rows_flagged"] == 0
    dropped = transactions.load(str(p), columns=cols, exclude_products=["POST"], cancellation_prefix="C").data
    assert (dropped["amount"] > 0).all()
    # amount unmapped and no unit price: a log without amounts (customer and date), never a made-up amount
    assert "amount" not in transactions.load(str(p), columns={**cols, "unit_price": None}).data


def test_customer_ids_in_excel_scientific_notation_stop_the_run(tmp_path):
    """Excel shows 13800512345 and 13800587654 both as 1.38005E+10: counting customers would merge them."""
    p = tmp_path / "phones.csv"
    p.write_text("cid,date,amount\n1.38005E+10,2024-01-01,5\n1.38005E+10,2024-01-02,6\n12713,2024-01-03,7\n")
    with pytest.raises(ArgumentError, match=r"2 customer ids \(rows 2, 3; e.g. '1.38005E\+10'\) are in Excel's "
                                            r"scientific notation.*export the id column as text") as err:
        transactions.load(str(p), columns={"customer": "cid"})
    assert err.value.argument == "columns.customer"


def test_a_customer_sample_is_reproducible_and_keeps_whole_customers():
    full = transactions.load("cdnow_sample").data
    a = transactions.load("cdnow_sample", sample_share=0.2).data
    b = transactions.load("cdnow_sample", sample_share=0.2).data
    pd.testing.assert_frame_equal(a, b)
    kept = set(a["customer_id"])
    assert 0.1 < len(kept) / full["customer_id"].nunique() < 0.3
    assert len(a) == full["customer_id"].isin(kept).sum()


def test_provenance_reads_the_note_beside_a_file_and_names_a_file_without_one(tmp_path):
    from kamlib import datasets

    log = tmp_path / "orders.csv"
    log.write_text("customer_id,date,amount\na,2024-01-01,5\n")
    bare = datasets.provenance(str(log)).set_index("field")["value"]
    assert bare["citation"] == "no provenance note: write orders.PROVENANCE.md beside the file"
    assert bare["licence"] == "not stated" and len(bare["sha256"]) == 64
    (tmp_path / "orders.PROVENANCE.md").write_text(
        "# Acme orders\n\n- What: orders.\n- Citation: Acme Ltd (2024). Order export,\n  first half.\n"
        "- Licence: internal use only.\n")
    noted = datasets.provenance(str(log)).set_index("field")["value"]
    assert (noted["data"], noted["citation"], noted["licence"]) == (
        "Acme orders", "Acme Ltd (2024). Order export, first half.", "internal use only.")


def test_validate_and_join_tables_return_named_results_that_unpack_as_before():
    raw = pd.DataFrame({"customer_id": ["a", "b", ""], "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
                        "amount": ["5", "7", "9"]})
    checked = transactions.validate(raw)
    clean, report = checked
    assert isinstance(checked, transactions.Validated) and clean is checked.data and report is checked.report
    assert len(clean) == 2 and checked.summary_frame() is report
    lines = pd.DataFrame({"order_id": ["o1", "o2", "o3"]})
    orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["c1", "c2"]})
    joined = transactions.join_tables(lines, {"orders": (orders, "order_id")})
    data, unmatched = joined
    assert isinstance(joined, transactions.Joined) and data is joined.data and unmatched is joined.unmatched
    assert joined.summary_frame().to_dict("records") == [{"table": "orders", "key": "order_id", "lines": 1}]
