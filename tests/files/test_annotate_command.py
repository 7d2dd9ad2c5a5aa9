"""``python -m server annotate``: a JD export in, an annotated copy out, the input never touched."""
import codecs
import csv
import hashlib
import io
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from server.export_files.cli import main
from tests.support import ROOT
from tests.support.commands import jdpg
from tests.support.exports import SAMPLE, read_csv_output

AS_OF = "2022-06-20 12:00:00"
HEADER = ["订单号", "商品名称", "订购数量", "支付方式", "下单时间", "付款确认时间", "应付金额", "订单状态", "揽收时间"]
# Jingxi 618 2022: 06-16 is a 96-hour day, 06-02 a 48-hour day (seed 004: 6月16日至6月18日成交的订单须96小时内完成发货).
ORDERS = [
    ['="235711131719"', "纯棉T恤，白色", "1", "在线支付", "2022-06-16 09:58:00", "2022-06-16 10:00:00", "￥1,299.50",
     "等待确认收货", "2022-06-20 11:00:00"],
    ['="235711131719"', "儿童水杯", "2", "在线支付", "2022-06-16 09:58:00", "2022-06-16 10:00:00", "￥1,299.50",
     "等待确认收货", "2022-06-20 11:00:00"],
    ["\t235711131720", "抽纸", "1", "在线支付", "2022-06-02 23:29:00", "2022-06-02 23:30:00", "39.90",
     "已完成", "2022-06-03 08:00:00"],
    ["235711131721", "电风扇", "1", "在线支付", "2022-06-18 09:00:00", "2022-06-31 25:00:00", "199.00",
     "等待出库", ""],
    ["235711131722", "凉席", "1", "在线支付", "2022-06-16 12:00:00", "2022-06-16 13:00:00", "159.00",
     "等待出库", ""],
]
LATE, ON_TIME, BAD, AT_RISK = 0, 2, 3, 4
# These Jingxi 618 files carry no 满3免3 data and no sign-for time: with those families run, a file
# whose orders are all shipped (or all in the campaign) has a family that could judge no order,
# and the command exits 3 (tests/files/test_coverage_command.py); here they are left out.
JINGXI = ("--platform", "jingxi", "--families", "shipping,price")


def write_export(path, rows=ORDERS, header=HEADER, encoding="gbk", bom=b""):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([header, *rows])
    path.write_bytes(bom + text.getvalue().encode(encoding))
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def column(rows, key_title):
    index = rows[0].index(key_title)
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize("encoding, bom", [("gbk", b""), ("gb18030", b""), ("utf-8", b""),
                                           ("utf-8", codecs.BOM_UTF8)],
                         ids=["gbk", "gb18030", "utf-8", "utf-8-bom"])
def test_an_export_in_each_encoding_gets_the_same_annotations(tmp_path, encoding, bom):
    source = write_export(tmp_path / "orders.csv", encoding=encoding, bom=bom)
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    rows = read_csv_output(tmp_path / "orders.annotated.csv")
    assert rows[0][: len(HEADER)] == HEADER
    assert all(title.startswith("JDPG ") for title in rows[0][len(HEADER):])
    assert column(rows, "JDPG 发货截止 Ship by") == [
        "2022-06-20 10:00:00", "2022-06-20 10:00:00", "2022-06-04 23:30:00", "", "2022-06-20 13:00:00"]
    assert column(rows, "JDPG 发货状态 Ship status") == [
        "超时发货 shipped_late", "超时发货 shipped_late", "按时发货 shipped_on_time", "无法判断发货时效 not_judged",
        "即将超时 at_risk"]
    assert column(rows, "JDPG 超时小时 Hours late") == ["1.0", "1.0", "", "", ""]


def test_original_cells_are_copied_exactly_protected_numbers_and_all(tmp_path):
    source = write_export(tmp_path / "orders.csv")
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    rows = read_csv_output(tmp_path / "orders.annotated.csv")
    assert [row[: len(HEADER)] for row in rows[1:]] == ORDERS
    assert rows[1][0] == '="235711131719"' and rows[3][0] == "\t235711131720"


def test_every_line_of_a_multi_sku_order_carries_the_order_result(tmp_path):
    source = write_export(tmp_path / "orders.csv")
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    rows = read_csv_output(tmp_path / "orders.annotated.csv")
    assert rows[1][len(HEADER):] == rows[2][len(HEADER):]


def test_protected_ids_and_amounts_are_read_as_the_numbers_they_protect(tmp_path):
    rows = [["\t235711131719", "T恤", "1", "在线支付", "2022-06-16 09:58:00", "2022-06-16 10:00:00", "12.00",
             "等待确认收货", "2022-06-20 11:00:00"],
            ['="235711131719"', "水杯", "1", "在线支付", "2022-06-16 09:58:00", "2022-06-16 10:00:00", "12.00",
             "等待确认收货", "2022-06-20 11:00:00"]]
    source = write_export(tmp_path / "orders.csv", rows)
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    out = read_csv_output(tmp_path / "orders.annotated.csv")
    assert column(out, "JDPG 错误 Errors") == ["", ""]
    assert out[1][len(HEADER):] == out[2][len(HEADER):], "the tab- and =\"…\"-protected ids are one order"


def test_a_bad_row_is_reported_by_line_number_and_the_rest_are_annotated(tmp_path, capsys):
    source = write_export(tmp_path / "orders.csv")
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert "第 5 行 line 5: 付款确认时间" in err and "2022-06-31 25:00:00" in err
    rows = read_csv_output(tmp_path / "orders.annotated.csv")
    errors = column(rows, "JDPG 错误 Errors")
    assert errors[BAD].startswith("付款确认时间: ") and "unreadable time" in errors[BAD]
    assert [e for i, e in enumerate(errors) if i != BAD] == ["", "", "", ""]


def test_the_summary_counts_orders_late_at_risk_and_money(tmp_path, capsys):
    source = write_export(tmp_path / "orders.csv")
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "订单 orders: 4" in out
    assert "超时 late: 1" in out and "即将超时 at risk: 1" in out
    assert "应付赔偿 compensation owed: ¥0.00" in out
    assert "有错误的行 bad rows: 1" in out


def test_a_column_map_names_the_merchants_own_pickup_column(tmp_path):
    header = [("快递揽收" if title == "揽收时间" else title) for title in HEADER]
    source = write_export(tmp_path / "orders.csv", header=header)
    args = [str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]
    assert main(args) == 0
    without = column(read_csv_output(tmp_path / "orders.annotated.csv"), "JDPG 发货状态 Ship status")
    assert main([*args, "--map", "快递揽收=picked_up_at"]) == 0
    with_map = column(read_csv_output(tmp_path / "orders.annotated.csv"), "JDPG 发货状态 Ship status")
    assert without[LATE] != "超时发货 shipped_late"
    assert with_map[LATE] == "超时发货 shipped_late"


def test_an_annotated_file_annotated_again_has_its_jdpg_columns_replaced_not_repeated(tmp_path):
    source = write_export(tmp_path / "orders.csv")
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    once = tmp_path / "orders.annotated.csv"
    assert main([str(once), "-o", str(tmp_path / "twice.csv"), *JINGXI, "--as-of", AS_OF]) == 0
    assert read_csv_output(tmp_path / "twice.csv") == read_csv_output(once)


def test_the_xlsx_copy_holds_every_cell_typed_coloured_and_filtered(tmp_path):
    source = write_export(tmp_path / "orders.csv")
    assert main([str(source), *JINGXI, "--as-of", AS_OF]) == 0
    book = openpyxl.load_workbook(tmp_path / "orders.annotated.xlsx")
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R6"
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][: len(HEADER)] == HEADER and cells[0][len(HEADER)] == "JDPG 发货截止 Ship by"
    # The ="…" protection is kept as the same formula, so Excel shows every digit as text.
    assert cells[1][0] == '="235711131719"' and cells[3][0] == "\t235711131720"
    for written, original in zip(cells[1:], ORDERS):
        assert [("" if v is None else v) for v in written[: len(HEADER)]] == original
    ship_by, status, hours, flags, owed, if_claimed = cells[1][len(HEADER): len(HEADER) + 6]
    assert ship_by == datetime(2022, 6, 20, 10, 0, 0)
    assert (status, hours, flags) == ("超时发货 shipped_late", 1.0, "发货超时 / Shipped late")
    assert (owed, if_claimed) == (0, 0)
    assert sheet.cell(2, len(HEADER) + 5).number_format == "0.00"
    fills = [sheet.cell(r, 1).fill.fgColor.rgb if sheet.cell(r, 1).fill.fill_type else None for r in range(2, 7)]
    assert fills == ["FFFFC7CE", "FFFFC7CE", None, "FFE7E6E6", "FFFFEB9C"]
    empty_pickup, empty_hours = sheet.cell(6, HEADER.index("揽收时间") + 1), sheet.cell(6, len(HEADER) + 3)
    assert empty_pickup.value is None and empty_hours.value is None
    assert empty_pickup.fill.fgColor.rgb == empty_hours.fill.fgColor.rgb == "FFFFEB9C", "empty cells coloured too"
    assert cells[1 + BAD][-1].startswith("付款确认时间: ")


def test_an_xlsx_export_is_annotated_to_xlsx_with_its_typed_cells_kept(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["订单编号", "商品名称", "商品数量", "付款时间", "实付金额", "揽收时间"])
    sheet.append([235711131719, "T恤", 2, datetime(2022, 6, 16, 10), 129.5, datetime(2022, 6, 20, 11)])
    sheet.append(["235711131720", "水杯", 1, "2022-06-02 23:30:00", "39.90", "2022-06-03 08:00:00"])
    source = tmp_path / "orders.xlsx"
    book.save(source)
    assert main([str(source), *JINGXI, "--as-of", AS_OF]) == 0
    out = openpyxl.load_workbook(tmp_path / "orders.annotated.xlsx").worksheets[0]
    rows = [[c.value for c in row] for row in out.iter_rows()]
    assert rows[1][:6] == [235711131719, "T恤", 2, datetime(2022, 6, 16, 10), 129.5, datetime(2022, 6, 20, 11)]
    assert out.cell(2, 4).number_format == "yyyy-mm-dd hh:mm:ss"
    assert rows[2][:6] == ["235711131720", "水杯", 1, "2022-06-02 23:30:00", "39.90", "2022-06-03 08:00:00"]
    assert rows[1][7] == "超时发货 shipped_late" and rows[2][7] == "按时发货 shipped_on_time"


def test_an_xlsx_export_can_be_written_as_csv(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["订单号", "付款确认时间", "应付金额"])
    book.active.append([235711131719, datetime(2022, 6, 16, 10), 129.5])
    source = tmp_path / "orders.xlsx"
    book.save(source)
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    rows = read_csv_output(tmp_path / "orders.annotated.csv")
    assert rows[1][:4] == ["235711131719", "2022-06-16 10:00:00", "129.5", "2022-06-20 10:00:00"]


def test_the_sample_export_runs_as_the_readme_shows_and_stays_byte_identical(tmp_path):
    before = digest(SAMPLE)
    out = tmp_path / "sample.annotated.xlsx"
    result = jdpg("annotate", SAMPLE, "-o", out, *JINGXI, "--as-of", AS_OF,
                         "--map", "快递揽收时间=picked_up_at")
    assert result.returncode == 0, result.stderr
    assert digest(SAMPLE) == before
    assert "订单 orders: 79" in result.stdout
    assert "超时 late: 15" in result.stdout and "即将超时 at risk: 4" in result.stdout
    assert "第 " in result.stderr and " line " in result.stderr
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    assert sheet.max_row == 121


def test_the_output_defaults_to_an_annotated_xlsx_next_to_the_input(tmp_path):
    source = write_export(tmp_path / "订单导出 6月.csv")
    result = jdpg("annotate", source, *JINGXI, "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["订单导出 6月.annotated.xlsx", "订单导出 6月.csv"]


def test_the_output_may_never_be_the_input(tmp_path):
    source = write_export(tmp_path / "orders.csv")
    before = digest(source)
    result = jdpg("annotate", source, "-o", source, "--format", "csv")
    assert result.returncode == 1
    assert "输出文件不能是输入文件本身" in result.stderr and "must not be the input" in result.stderr
    assert digest(source) == before
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    assert jdpg("annotate", source, "-o", link, "--format", "csv").returncode == 1
    assert digest(source) == before


def test_the_input_bytes_are_unchanged_after_every_kind_of_run(tmp_path):
    source = write_export(tmp_path / "orders.csv")
    before = digest(source)
    for args in (["--format", "csv"], ["--format", "xlsx"], ["-o", str(tmp_path / "x.csv")]):
        assert main([str(source), *JINGXI, "--as-of", AS_OF, *args]) == 0
    assert digest(source) == before


@pytest.mark.parametrize("content, words", [
    (bytes(range(256)) * 64, ("编码", "encoding")),
    ("商品名称,数量\r\n水杯,1\r\n".encode("gbk"), ("订单号", "order_id")),
    ("hello world\r\n".encode(), ("订单号", "order_id")),
], ids=["binary-junk", "no-order-id-column", "not-an-export"])
def test_an_unreadable_file_is_refused_before_any_work_naming_the_file(tmp_path, content, words):
    source = tmp_path / "orders.csv"
    source.write_bytes(content)
    result = jdpg("annotate", source, "--format", "csv")
    assert result.returncode == 1
    assert str(source) in result.stderr
    assert all(word in result.stderr for word in words)
    assert "错误" in result.stderr and "Error" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"], "nothing written, not even a partial file"
    assert result.stdout == ""


def test_a_missing_file_and_bad_options_give_clear_exit_codes(tmp_path):
    missing = jdpg("annotate", tmp_path / "nope.csv")
    assert missing.returncode == 1 and "找不到文件" in missing.stderr and "no such file" in missing.stderr
    source = write_export(tmp_path / "orders.csv")
    bad_map = jdpg("annotate", source, "--map", "揽收时间")
    assert bad_map.returncode == 2 and "--map" in bad_map.stderr
    bad_time = jdpg("annotate", source, "--as-of", "tomorrow")
    assert bad_time.returncode == 1 and "--as-of" in bad_time.stderr
    bad_platform = jdpg("annotate", source, "--platform", "taobao")
    assert bad_platform.returncode == 2
    bad_field = jdpg("annotate", source, "--map", "揽收时间=pickup_time")
    assert bad_field.returncode == 2 and "pickup_time" in bad_field.stderr and "picked_up_at" in bad_field.stderr
    absent = jdpg("annotate", source, "--map", "快递揽收=picked_up_at")
    assert absent.returncode == 1 and "快递揽收" in absent.stderr and str(source) in absent.stderr
    assert jdpg("annotate", source, "--jobs", "0").returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_an_unknown_campaign_is_refused_before_anything_is_written(tmp_path, capsys):
    source = write_export(tmp_path / "orders.csv", ORDERS[:1])
    assert main([str(source), "--format", "csv", "--campaign", "no_such_618", "--as-of", AS_OF]) == 1
    assert not (tmp_path / "orders.annotated.csv").exists()
    error = capsys.readouterr().err
    assert "no_such_618" in error and "jingxi_618_2022" in error, "the known campaigns are named"


def test_money_in_the_copy_is_exact_to_the_fen(tmp_path):
    header = ["订单号", "付款确认时间", "应付金额", "满3免3"]
    rows = [["1", "2022-06-16 10:00:00", "6.45", "是"], ["2", "2022-06-16 10:00:00", "￥1,299.00", "是"]]
    source = write_export(tmp_path / "orders.csv", rows, header=header)
    assert main([str(source), "--platform", "jingxi", "--as-of", AS_OF]) == 0
    assert main([str(source), "--format", "csv", "--platform", "jingxi", "--as-of", AS_OF]) == 0
    owed_csv = column(read_csv_output(tmp_path / "orders.annotated.csv"), "JDPG 应赔金额 Owed (¥)")
    sheet = openpyxl.load_workbook(tmp_path / "orders.annotated.xlsx").worksheets[0]
    owed_xlsx = [sheet.cell(r, len(header) + 5).value for r in (2, 3)]
    assert owed_csv == ["3.23", "5.00"]
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in owed_xlsx] == [Decimal("3.23"), Decimal("5.00")]


def test_cells_beyond_the_header_are_kept_after_the_annotation_columns(tmp_path):
    rows = [[*ORDERS[2], "", ""], [*ORDERS[0], "多出的备注"]]
    source = write_export(tmp_path / "orders.csv", rows)
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    assert main([str(source), *JINGXI, "--as-of", AS_OF]) == 0
    out = read_csv_output(tmp_path / "orders.annotated.csv")
    width = len(out[0])
    assert [len(row) for row in out] == [width, width, width + 1]
    assert out[2][-1] == "多出的备注" and out[2][width - 1] == ""
    assert out[1][len(HEADER) + 1] == "按时发货 shipped_on_time"
    sheet = openpyxl.load_workbook(tmp_path / "orders.annotated.xlsx").worksheets[0]
    assert sheet.cell(3, width + 1).value == "多出的备注"
    assert sheet.cell(2, len(HEADER) + 2).value == "按时发货 shipped_on_time"


def test_short_rows_and_multi_line_cells_are_copied_as_the_source_has_them(tmp_path):
    header = ["订单号", "商品名称", "付款确认时间", "揽收时间", "商家备注"]
    source = tmp_path / "orders.csv"
    lines = ['订单号,商品名称,付款确认时间,揽收时间,商家备注',
             '="235711131720","抽纸",2022-06-02 23:30:00,2022-06-03 08:00:00,"两行\r\n备注, 带逗号"',
             '235711131722,凉席,2022-06-16 13:00:00']
    source.write_bytes("\r\n".join(lines).encode("gbk") + b"\r\n")
    assert main([str(source), "--format", "csv", *JINGXI, "--as-of", AS_OF]) == 0
    copy = (tmp_path / "orders.annotated.csv").read_bytes()[3:].decode("utf-8")
    data_lines = copy.split("\r\n", 1)[1]
    assert data_lines.startswith(lines[1] + ","), "the record, quotes and line break included, is the source's"
    assert lines[2] + ",,," in data_lines, "a short row is padded so the annotation columns stay aligned"
    out = read_csv_output(tmp_path / "orders.annotated.csv")
    assert [len(row) for row in out] == [len(out[0])] * 3
    assert out[1][4] == "两行\r\n备注, 带逗号"
    assert [row[len(header) + 1] for row in out[1:]] == ["按时发货 shipped_on_time", "即将超时 at_risk"]


def test_the_committed_sample_is_what_its_generator_makes_in_gbk(tmp_path):
    made = tmp_path / "sample.csv"
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample_export.py"), "-o", str(made)],
                   check=True, capture_output=True)
    assert made.read_bytes() == SAMPLE.read_bytes()
    raw = SAMPLE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert text.startswith("订单号,商品ID,商品名称,订购数量,") and '"=""235711' in text


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    """A sample export just over the size at which the command starts worker processes."""
    path = tmp_path_factory.mktemp("big") / "orders.csv"
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample_export.py"), "--lines", "40000",
                    "-o", str(path)], check=True, capture_output=True)
    assert path.stat().st_size >= 8 << 20
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_interrupted_run_leaves_no_file_behind(big_export, tmp_path, jobs):
    import signal
    import time

    out = tmp_path / "out.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "server", "annotate", str(big_export), "-o", str(out),
                             *JINGXI, "--as-of", AS_OF, "--jobs", jobs],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".partial") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "已中断" in err
    assert list(tmp_path.iterdir()) == []


def test_a_merchants_own_campaign_folder_is_used_and_a_broken_one_refused(tmp_path):
    folder = tmp_path / "campaigns"
    folder.mkdir()
    jingxi = (ROOT / "shared" / "data" / "campaigns" / "jingxi_618_2022.toml").read_text(encoding="utf-8")
    jd = jingxi.replace('id = "jingxi_618_2022"', 'id = "jd_618_2022"').replace('platform = "jingxi"', 'platform = "jd"')
    (folder / "jd_618_2022.toml").write_text(jd, encoding="utf-8")
    source = write_export(tmp_path / "orders.csv", ORDERS[:1])
    args = [str(source), "--format", "csv", "--platform", "jd", "--families", "shipping", "--as-of", AS_OF]
    ship_by = "JDPG 发货截止 Ship by"
    assert main(args) == 0
    assert column(read_csv_output(tmp_path / "orders.annotated.csv"), ship_by) == ["2022-06-18 10:00:00"]
    assert main([*args, "--campaign-dir", str(folder)]) == 0
    assert column(read_csv_output(tmp_path / "orders.annotated.csv"), ship_by) == ["2022-06-20 10:00:00"]
    (folder / "broken.toml").write_text("id = [", encoding="utf-8")
    result = jdpg("annotate", *args, "--campaign-dir", folder)
    assert result.returncode == 1 and "broken.toml" in result.stderr and "活动日历" in result.stderr


def test_the_merchants_options_reach_the_rules(tmp_path, capsys):
    source = write_export(tmp_path / "orders.csv")
    out = tmp_path / "out.csv"
    common = [str(source), "-o", str(out), *JINGXI, "--as-of", AS_OF]
    assert main([*common, "--at-risk-hours", "0.5"]) == 0
    assert column(read_csv_output(out), "JDPG 发货状态 Ship status")[AT_RISK] == "待发货 pending", "1 h left"
    assert main([*common, "--families", "price,after_sales"]) == 0
    assert set(column(read_csv_output(out), "JDPG 发货截止 Ship by")) == {""}, "no shipping rule ran"
    assert main([*common, "--campaign", "double_11_2099"]) == 1
    assert "double_11_2099" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main([*common, "--families", "shipping,postage"])
    assert stopped.value.code == 2
    assert "postage" in capsys.readouterr().err
