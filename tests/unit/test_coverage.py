"""summary.coverage: per rule family, the orders judged and why the others were not."""
from shared import annotate_batch, parse_time
from shared.coverage import closest_header, merge_coverage
from shared.options import Options
from shared.rows import RowAnnotator

AS_OF = parse_time("2022-06-20 12:00:00")
HEADER = ["订单号", "下单时间", "付款确认时间", "应付金额", "订单状态"]


def _rows(paid_header="付款确认时间"):
    header = [paid_header if h == "付款确认时间" else h for h in HEADER]
    rows = [["1001", "2022-06-16 09:00:00", "2022-06-16 10:00:00", "30", "等待出库"],
            ["1002", "2022-06-16 09:00:00", "2022-06-16 10:00:00", "30", "等待出库"],
            ["1003", "2022-06-16 09:00:00", "", "30", "等待出库"],
            ["1004", "2022-06-16 09:00:00", "2022-06-31 25:00:00", "30", "等待出库"],
            ["1005", "2022-06-16 09:00:00", "2022-06-16 10:00:00", "30", "神秘状态"],
            ["1006", "2022-06-16 09:00:00", "", "30", "已取消"]]
    return header, rows


def _coverage(engine, header, rows, **kw):
    annotator = RowAnnotator(header, engine=engine, as_of=AS_OF, **kw)
    annotator.annotate_table(rows)
    return annotator.summary["coverage"]


def test_each_order_not_judged_counts_once_under_its_reason(engine):
    shipping = _coverage(engine, *_rows())["shipping"]
    # 1001, 1002 worked out; 1006 is cancelled: nothing to ship is judged too.
    assert (shipping["orders"], shipping["judged"], shipping["not_judged"]) == (6, 3, 3)
    by_code = {r["code"]: r for r in shipping["reasons"]}
    assert set(by_code) == {"missing_value", "unreadable", "unknown_status"}
    assert all(r["orders"] == 1 for r in shipping["reasons"])
    assert by_code["unreadable"]["field"] == "paid_at" and by_code["unreadable"]["column"] == "付款确认时间"
    assert "“付款确认时间”列" in by_code["unreadable"]["message"]
    assert by_code["missing_value"]["message"].startswith("1 单无法判断发货时效")
    assert by_code["unknown_status"]["field"] == "order_status"
    assert sum(r["orders"] for r in shipping["reasons"]) == shipping["not_judged"]


def test_a_renamed_column_is_a_missing_column_with_the_closest_header_suggested(engine):
    header, rows = _rows("付款日期")
    shipping = _coverage(engine, header, rows, map_hint="--map {header}={field}")["shipping"]
    reason = shipping["reasons"][0]
    assert reason["code"] == "missing_column" and reason["field"] == "paid_at" and reason["column"] is None
    assert reason["orders"] == 4 and shipping["judged"] == 1  # and 1005's status is unknown
    assert reason["suggest"] == {"header": "付款日期", "field": "paid_at"}
    assert reason["message"] == "4 单无法判断发货时效：表头中没有付款时间列。是不是“付款日期”？可用 --map 付款日期=paid_at"
    assert "--map 付款日期=paid_at" in reason["message_en"]


def test_the_rows_api_hint_is_column_map_by_default(engine):
    header, rows = _rows("付款日期")
    reason = _coverage(engine, header, rows)["shipping"]["reasons"][0]
    assert 'column_map {"付款日期": "paid_at"}' in reason["message"]


def test_a_dropped_column_suggests_nothing_unlike_it(engine):
    header, rows = _rows()
    cut = header.index("付款确认时间")
    header = [h for i, h in enumerate(header) if i != cut] + ["出库时间"]
    rows = [[c for i, c in enumerate(r) if i != cut] + ["2022-06-17 10:00:00"] for r in rows]
    reason = _coverage(engine, header, rows)["shipping"]["reasons"][0]
    assert reason["code"] == "missing_column" and "suggest" not in reason
    assert "付款确认时间" in reason["message"]


def test_closest_header_compares_what_a_header_names_not_its_kind():
    assert closest_header("paid_at", ["出库时间", "付款日期", "商品名称"]) == "付款日期"
    assert closest_header("paid_at", ["出库时间", "商品名称"]) is None
    assert closest_header("received_at", ["签收日期"]) == "签收日期"
    assert closest_header("paid_at", ["付款方式备注"]) is None  # a time field takes only a header naming a time


def test_orders_api_coverage_has_every_family_run_and_no_columns(engine):
    orders = [{"order_id": "1", "paid_at": "2022-06-16 10:00:00", "order_status": "等待出库"},
              {"order_id": "2", "order_status": "等待出库"}, {"paid_at": "2022-06-16 10:00:00"}]
    _, summary = annotate_batch(engine, orders, as_of=AS_OF, options=Options(families=("shipping", "price")))
    coverage = summary["coverage"]
    assert list(coverage) == ["shipping", "price"]
    shipping = coverage["shipping"]
    assert (shipping["judged"], shipping["not_judged"]) == (1, 2)
    codes = {(r["code"], r["field"]) for r in shipping["reasons"]}
    assert codes == {("missing_value", "paid_at"), ("missing_value", "order_id")}
    assert all(r["column"] is None for r in shipping["reasons"])
    # An order with no id is judged by no family.
    assert coverage["price"]["not_judged"] == 1


def test_a_default_given_for_a_field_no_column_holds_is_not_a_missing_column(engine):
    header = ["订单号", "付款确认时间", "订单状态"]
    rows = [["1", "2022-06-16 10:00:00", "等待出库"]]
    coverage = _coverage(engine, header, rows, defaults={"platform": "jingxi"})
    assert coverage["shipping"]["judged"] == 1


def test_skip_reasons_say_which_skips_are_gaps(annotate):
    cancelled = annotate(order_status="已取消")
    assert "gap" not in cancelled["skipped_reasons"]["SHIP-DEADLINE"]
    no_claim = annotate(as_of="2024-06-20T12:00:00+08:00", paid_at="2024-06-16 10:00:00")
    assert "gap" not in no_claim["skipped_reasons"]["PRICE-MATCH"]
    unpaid = annotate(order_status="等待出库")
    assert unpaid["skipped_reasons"]["SHIP-DEADLINE"]["gap"] == "missing_value"
    bad = annotate(paid_at="2022-06-31 25:00:00")
    assert bad["skipped_reasons"]["SHIP-DEADLINE"]["gap"] == "unreadable"


def test_parts_merge_into_one_coverage_worded_from_the_sums(engine):
    header, rows = _rows("付款日期")
    first = _coverage(engine, header, rows[:3], map_hint="--map {header}={field}")
    second = _coverage(engine, header, rows[3:], map_hint="--map {header}={field}")
    merged = merge_coverage([first, second], "--map {header}={field}")
    whole = _coverage(engine, header, rows, map_hint="--map {header}={field}")
    assert merged == whole
