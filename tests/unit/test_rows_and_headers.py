"""The one header mapping and row annotation used by the rows API, Sheets and export files."""
import pytest

from shared import parse_time
from shared.columns import COLUMNS
from shared.cells import clean_cell
from shared.headers import map_header
from shared.rows import RowAnnotator, UnmappableHeader

HEADER = ["订单号", "商品名称", "订购数量", "支付方式", "下单时间", "付款确认时间", "订单金额", "应付金额", "订单状态", "平台"]
AS_OF = parse_time("2022-06-20 12:00:00")


def annotator(engine, header=HEADER, **kw):
    return RowAnnotator(header, engine=engine, as_of=AS_OF, **kw)


@pytest.mark.parametrize("raw, clean", [('="235711131719"', "235711131719"), ("\t235711131719", "235711131719"),
                                        (" 12 ", "12"), (5, 5)])
def test_protected_numbers_are_unwrapped(raw, clean):
    assert clean_cell(raw) == clean


def test_synonyms_pick_the_preferred_header():
    columns, unmapped = map_header(["订单编号", "付款时间", "付款确认时间", "结算金额", "实付金额", "客户姓名"])
    assert columns == {0: "order_id", 2: "paid_at", 4: "paid_amount"}
    assert set(unmapped) == {"付款时间", "结算金额", "客户姓名"}


def test_headers_are_unwrapped_as_cells_are_and_lose_a_byte_order_mark():
    columns, _ = map_header(["\ufeff订单号", '="付款确认时间"', "\t应付金额\u3000"])
    assert columns == {0: "order_id", 1: "paid_at", 2: "paid_amount"}


def test_contract_names_work_as_headers_too():
    columns, _ = map_header(["order_id", "paid_at", "price_match.competitor_paid_amount"])
    assert columns == {0: "order_id", 1: "paid_at", 2: "price_match.competitor_paid_amount"}


def test_a_merchants_own_column_can_be_mapped():
    columns, _ = map_header(["订单号", "快递揽收"], column_map={"快递揽收": "picked_up_at"})
    assert columns[1] == "picked_up_at"


def test_a_header_without_an_order_id_is_refused_naming_it(engine):
    with pytest.raises(UnmappableHeader) as err:
        annotator(engine, header=["商品名称", "付款时间"])
    assert err.value.missing == ["order_id"] and "订单号" in err.value.message


def test_every_sku_line_of_an_order_carries_the_orders_result(engine):
    rows = [['="1001"', "杯子", "1", "在线支付", "2022-06-16 09:59:00", "2022-06-16 10:00:00", "30", "29", "等待出库", "京喜"],
            ['="1001"', "勺子", "2", "在线支付", "2022-06-16 09:59:00", "2022-06-16 10:00:00", "30", "29", "等待出库", "京喜"],
            ["\t1002", "碗", "1", "在线支付", "2022-06-19 10:00:00", "2022-06-19 10:00:00", "30", "29", "等待出库", "京喜"]]
    out = annotator(engine).annotate_table(rows)
    assert out[0] == out[1]
    assert out[0][1] == "late" and out[0][0][0] == "2022-06-20 10:00:00"
    assert out[2][1] == "ok" and out[2][0][0] == "2022-06-21 10:00:00"
    assert len(out[0][0]) == len(COLUMNS)


HEADER = ["订单号", "付款确认时间", "订购数量", "平台", "price_commitment.unit_price",
          "price_commitment.post_window_lowest_price"]


def test_adjacent_lines_of_one_order_are_one_order_and_their_quantities_summed(engine):
    rows = [["A", "2022-06-10 10:00:00", "1", "京东国际", "10", "9"], ["A", "2022-06-10 10:00:00", "2", "京东国际", "10", "9"],
            ["B", "2022-06-10 10:00:00", "1", "京东国际", "10", "9"]]
    ra = RowAnnotator(HEADER, engine=engine, as_of=AS_OF)
    out = ra.annotate_table(rows)
    assert [a[5] for a, _ in out] == ["3.00", "3.00", "1.00"]  # (10 - 9) × 3 units if claimed
    assert ra.summary["orders"] == 2


def test_lines_apart_are_annotated_each_run_on_its_own_and_say_so_by_the_same_rule_in_table_and_stream(engine):
    rows = [["A", "2022-06-10 10:00:00", "1", "京东国际", "10", "9"], ["B", "2022-06-10 10:00:00", "1", "京东国际", "10", "9"],
            ["A", "2022-06-10 10:00:00", "2", "京东国际", "10", "9"]]
    table = RowAnnotator(HEADER, engine=engine, as_of=AS_OF)
    stream = RowAnnotator(HEADER, engine=engine, as_of=AS_OF)
    out = table.annotate_table(rows)
    assert out == list(stream.annotate_stream(iter(rows)))
    assert table.summary["orders"] == stream.summary["orders"] == 3
    assert [a[5] for a, _ in out] == ["1.00", "1.00", "2.00"]
    assert out[0][0][-1] == "" and "sort by order id" in out[2][0][-1]


def test_stream_groups_adjacent_lines(engine):
    rows = [["A", "", "1", "", "", "2022-06-10 10:00:00", "", "", "", "京喜"]] * 3
    out = list(annotator(engine).annotate_stream(iter(rows)))
    assert len(out) == 3 and out[0] == out[2]


def test_blank_rows_stay_blank_and_rows_without_an_id_get_an_error(engine):
    rows = [["", "", "", "", "", "", "", "", "", ""], ["", "杯子", "1", "", "", "2022-06-10 10:00:00", "", "", "", ""]]
    out = annotator(engine).annotate_table(rows)
    assert out[0] == ([""] * len(COLUMNS), "blank")
    assert out[1][1] == "error" and "order_id" in out[1][0][-1]


def test_a_bad_row_gets_its_error_text_and_the_others_are_annotated(engine):
    rows = [["1", "", "", "", "", "not a time", "", "", "", "京喜"], ["2", "", "", "", "", "2022-06-10 10:00:00", "", "", "", "京喜"]]
    ra = annotator(engine)
    out = ra.annotate_table(rows)
    assert out[0][1] == "error" and out[0][0][-1].startswith("付款确认时间: ")
    assert out[1][1] == "late"
    assert ra.summary["errors"] == 1


def test_defaults_fill_what_the_rows_lack(engine):
    header = ["订单号", "付款确认时间"]
    out = RowAnnotator(header, engine=engine, as_of=AS_OF, defaults={"platform": "jingxi"}).annotate_table(
        [["1", "2022-06-16 10:00:00"]])
    assert out[0][0][0] == "2022-06-20 10:00:00"


def test_every_column_title_is_prefixed_so_clients_find_their_own():
    assert all(c.title.startswith("JDPG ") for c in COLUMNS)
    assert [c.key for c in COLUMNS] == ["ship_by", "ship_status", "late_by_hours", "flags", "compensation",
                                        "if_claimed", "deadlines", "explanation", "errors"]
