"""Every real JD export template of shared/data/export_templates.toml (docs/supported-inputs.md), as GBK CSV and as xlsx, through the
export command: its real header set, every meaningful column mapped, the right answers, and a reason
in the explanation wherever a template lacks a column a rule needs."""
import csv
import io
import json
import tomllib

import openpyxl
import pytest

from server.export_files.cli import main
from shared.headers import HEADER_SYNONYMS, map_header
from tests.support import ROOT
from tests.support.exports import read_csv_output
from tests.support.real_data import JOS_ORDER, STATUS_WORDS_SEEN

AS_OF = "2022-06-20 12:00:00"
PAID = "2022-06-16 10:00:00"  # jd, 48 h: due 06-18 10:00

TEMPLATES = {t["id"]: t for t in tomllib.loads(
    (ROOT / "shared" / "data" / "export_templates.toml").read_text(encoding="utf-8"))["template"]}
CLASSIC, EXTENDED = TEMPLATES["classic-30"]["headers"], TEMPLATES["extended-40"]["headers"]
VARIANT, DETAIL_2026 = TEMPLATES["variant-31"]["headers"], TEMPLATES["detail-2026"]["headers"]
AFTER_SALES, AFTER_SALES_GROUPS = TEMPLATES["after-sales"]["headers"], TEMPLATES["after-sales"]["above"][0]
# Columns no rule needs and that hold the buyer's personal data, invoices or free text.
NOT_MAPPED = {"下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注", "发票类型", "发票抬头", "发票内容", "增值税发票",
              "收货地址", "手机号", "备注", "开票类型", "纳税人识别号", "名称（个人）", "单位地址", "单位电话", "开户银行", "银行账号",
              "送装服务", "服务费", "普通发票纳税编号", "邮箱地址", "邮政编码", "是否为品牌商订单", "是否为toplife订单",
              "一级申请原因", "二级申请原因", "客户问题描述", "省", "市", "出库状态", "审核结果", "审核时间", "运单号", "快递公司",
              "处理结果", "售后整体时长"}


def row(header, **values):
    return [values.get(h, "") for h in header]


def classic_rows(header):
    return [row(header, 订单号='="235711200001"', 商品ID="100012", 商品名称="勺子", 订购数量="1", 支付方式="在线支付",
                下单时间="2022-06-16 09:58:00", 京东价="64.50", 订单金额="129.00", 结算金额="129.00", 余额支付="0.00",
                应付金额="129.00", 订单状态="等待出库", 订单类型="SOP", 付款确认时间=PAID + "\t", 运费金额="0.00",
                订单完成时间="0001-01-01 00:00:00", 订单来源="移动端订单", 商家备注="加急", 仓库名称="北京仓", 商家SKUID="A-1"),
            row(header, 订单号='="235711200001"', 商品ID="100013", 商品名称="碗", 订购数量="2", 支付方式="在线支付",
                下单时间="2022-06-16 09:58:00", 京东价="32.25", 应付金额="129.00", 订单状态="等待出库", 付款确认时间=PAID),
            row(header, 订单号="235711200002", 订购数量="1", 支付方式="在线支付", 下单时间="2022-06-16 09:58:00",
                应付金额="39.90", 订单状态="(删除)等待出库", 付款确认时间=PAID),
            row(header, 订单号="235711200003", 订购数量="1", 支付方式="在线支付", 下单时间="2022-06-16 09:58:00",
                应付金额="39.90", 订单状态="等待确认收货", 付款确认时间=PAID)]


def write(path, header, rows, above=()):
    if path.suffix == ".xlsx":  # an xlsx holds ids as text cells, not as the CSV's ="…" protection
        rows = [[c[2:-1] if c.startswith('="') and c.endswith('"') else c for c in r] for r in rows]
        book = openpyxl.Workbook()
        sheet = book.active
        for r in [*above, header, *rows]:
            sheet.append(r)
        book.save(path)
        return path
    text = io.StringIO(newline="")
    csv.writer(text).writerows([*above, header, *rows])
    path.write_bytes(text.getvalue().encode("gbk"))
    return path


def annotate(tmp_path, name, header, rows, above=(), code=0):
    """The annotated table and its columns; ``code``: the exit code expected (3: a rule family
    could judge no order, said in the closing lines)."""
    source = write(tmp_path / name, header, rows, above)
    out = tmp_path / "out.csv"
    assert main([str(source), "-o", str(out), "--as-of", AS_OF]) == code
    table = read_csv_output(out)
    titles = table[len(above)]
    return table, {title: i for i, title in enumerate(titles)}


def cells(table, col, title, start=1):
    return [r[col[title]] for r in table[start:]]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_meaningful_column_of_a_real_template_is_mapped(template):
    header = TEMPLATES[template]["headers"]
    columns, unmapped = map_header(header)
    # A column that means the same field as a preferred one the file also has (订单金额 beside 应付金额).
    alternates = {h for field in columns.values() for h in HEADER_SYNONYMS[field]}
    assert set(unmapped) - alternates <= NOT_MAPPED, set(unmapped) - alternates - NOT_MAPPED
    assert "order_id" in columns.values()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("header", [CLASSIC, EXTENDED], ids=["classic-30", "extended-40"])
def test_the_classic_templates_give_ship_deadlines_and_respect_deleted_orders(tmp_path, header, suffix):
    table, col = annotate(tmp_path, "export" + suffix, header, classic_rows(header))
    due = "2022-06-18 10:00:00"
    assert cells(table, col, "JDPG 发货截止 Ship by") == [due, due, "", due]  # a deleted order has nothing to ship
    assert cells(table, col, "JDPG 发货状态 Ship status") == [
        "已超时未发货 overdue", "已超时未发货 overdue", "", "已发货（时间未知） shipped_time_unknown"]
    deleted = table[3][col["JDPG 说明 Explanation"]]
    assert "订单已删除" in deleted and table[3][col["JDPG 标记 Flags"]] == ""
    assert "出库时间" in table[4][col["JDPG 说明 Explanation"]]  # no public template has a ship time: said so


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_template_without_the_payment_time_says_so_once_and_on_every_rows_status(tmp_path, suffix, capsys):
    rows = [row(VARIANT, 订单编号="235711200009", 订单数量="1", 支付方式="在线支付", 下单时间="2022-06-16 09:58:00",
                实付金额="59.00", 订单状态="等待出库", 订单日期="2022-06-16")]
    table, col = annotate(tmp_path, "variant" + suffix, VARIANT, rows, code=3)
    assert table[1][col["JDPG 发货截止 Ship by"]] == ""
    assert table[1][col["JDPG 发货状态 Ship status"]] == "无法判断发货时效 not_judged"
    assert "付款确认时间" not in table[1][col["JDPG 说明 Explanation"]]  # true of the whole file: said once
    printed = capsys.readouterr().out
    assert printed.startswith("！！ 1 单无法判断发货时效：表头中没有付款时间列")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_2026_detail_export_reads_a_provisional_amount_and_keeps_the_deadline(tmp_path, suffix):
    rows = [row(DETAIL_2026, 订单号="235711200010", 订购数量="1", 商家应收="36.80（系统计算中，该值仅供参考）",
                订单状态="等待出库", 下单时间="2022-06-16 09:58:00", 付款确认时间=PAID)]
    table, col = annotate(tmp_path, "detail" + suffix, DETAIL_2026, rows)
    assert table[1][col["JDPG 发货状态 Ship status"]] == "已超时未发货 overdue"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_after_sales_export_with_its_two_row_header_feeds_the_return_rules(tmp_path, suffix, capsys):
    rows = [row(AFTER_SALES, 服务单号="600001", 订单号="235711200011", 商品数量="1", 商品金额="129.00", 客户期望="退货",
                返回方式="上门取件", 售后申请时间="2022-06-19 10:00:00", 取件时间="2022-06-19 15:00:00",
                商家收货时间="2022-06-20 09:00:00", 退款金额="129.00", 是否闪退订单="是")]
    table, col = annotate(tmp_path, "after-sales" + suffix, AFTER_SALES, rows, above=[AFTER_SALES_GROUPS], code=3)
    assert table[0][:len(AFTER_SALES_GROUPS)] == AFTER_SALES_GROUPS  # the group row is kept as it was
    # The 7-day window needs the receipt time, which this export has no column for: said once.
    assert "表头中没有签收时间列" in capsys.readouterr().out
    assert "闪退订单已退款" in table[2][col["JDPG 标记 Flags"]]  # 是否闪退订单 = 是: JD has refunded
    columns, _ = map_header(AFTER_SALES)
    assert {"return_request.requested_at", "return_request.pickup", "return_request.lightning_order",
            "return_request.refund_amount", "return_request.merchant_received_at"} <= set(columns.values())


def test_a_json_file_of_jos_orders_is_annotated_like_an_export(tmp_path):
    cancelled = {**JOS_ORDER, "orderId": "235711200012", "orderState": "TRADE_CANCELED", "paymentConfirmTime": 1655344800000}
    source = tmp_path / "orders.json"
    source.write_text(json.dumps({"jingdong_pop_order_enSearch_responce": {"searchorderinfo_result": {
        "orderInfoList": [JOS_ORDER, cancelled]}}}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main([str(source), "-o", str(out), "--as-of", AS_OF]) == 0
    table = read_csv_output(out)
    col = {title: i for i, title in enumerate(table[0])}
    assert [r[col["order_id"]] for r in table[1:]] == ["235711200001", "235711200012"]
    assert [r[col["JDPG 发货状态 Ship status"]] for r in table[1:]] == ["已超时未发货 overdue", ""]
    assert "订单已取消" in table[2][col["JDPG 说明 Explanation"]]


def test_a_jos_error_response_file_is_refused_with_jds_message(tmp_path, capsys):
    source = tmp_path / "error.json"
    source.write_text(json.dumps({"error_response": {"code": "19", "zh_desc": "无效的access_token"}}), encoding="utf-8")
    assert main([str(source), "-o", str(tmp_path / "out.csv")]) == 1
    assert "无效的access_token" in capsys.readouterr().err and not (tmp_path / "out.csv").exists()


def test_every_real_status_word_through_the_export_command(tmp_path):
    header = TEMPLATES["detail-2026"]["headers"]
    rows = [row(header, 订单号=str(235711300000 + i), 订购数量="1", 商家应收="10.00", 订单状态=word,
                下单时间="2022-06-16 09:58:00", 付款确认时间=PAID) for i, word in enumerate(STATUS_WORDS_SEEN)]
    table, col = annotate(tmp_path, "statuses.csv", header, rows)
    shown = {r[col["订单状态"]]: r[col["JDPG 发货状态 Ship status"]] for r in table[1:]}
    expected = {word: (f"{'已超时未发货' if status == 'overdue' else '已发货（时间未知）'} {status}" if status else "")
                for word, status in STATUS_WORDS_SEEN.items()}
    assert shown == expected
