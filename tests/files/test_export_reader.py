"""Reading JD order exports: encodings, protected numbers, xlsx, and files that are refused."""
import codecs
from datetime import datetime

import openpyxl
import pytest

from server.export_files.reader import open_export
from server.export_files.source import BrokenFile, UnreadableFile

HEADER = ["订单号", "商品名称", "订购数量", "付款确认时间", "应付金额"]
ROWS = [
    ['="235711131719"', "京喜 纯棉T恤，白色", "2", "2022-06-16 10:00:00", "￥1,299.50"],
    ["\t235711131720", '儿童"小黄鸭"水杯', "1", "2022-06-02 23:30:00", "39.90"],
]


def write_csv(path, rows, encoding, bom=b""):
    import csv
    import io

    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    path.write_bytes(bom + text.getvalue().encode(encoding))
    return path


def read_all(path):
    export = open_export(path)
    try:
        return export, list(export.records())
    finally:
        export.close()


@pytest.mark.parametrize("encoding, bom, detected", [
    ("gbk", b"", "gb18030"),
    ("gb18030", b"", "gb18030"),
    ("utf-8", b"", "utf-8"),
    ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
], ids=["gbk", "gb18030", "utf-8", "utf-8-bom"])
def test_a_csv_export_is_read_in_each_encoding_the_seller_backend_writes(tmp_path, encoding, bom, detected):
    path = write_csv(tmp_path / "orders.csv", [HEADER, *ROWS], encoding, bom)
    export, records = read_all(path)
    assert export.encoding == detected
    assert export.header == HEADER
    assert records == [(2, ROWS[0]), (3, ROWS[1])]


def test_protected_numbers_come_out_exactly_as_the_file_holds_them(tmp_path):
    path = write_csv(tmp_path / "orders.csv", [HEADER, *ROWS], "gbk")
    _, records = read_all(path)
    assert records[0][1][0] == '="235711131719"'
    assert records[1][1][0] == "\t235711131720"


def test_a_multi_line_cell_keeps_the_line_number_where_its_record_starts(tmp_path):
    rows = [HEADER, ["1", "第一行\n第二行", "1", "2022-06-16 10:00:00", "1"], ["2", "x", "1", "", "1"]]
    _, records = read_all(write_csv(tmp_path / "orders.csv", rows, "gbk"))
    assert [line for line, _ in records] == [2, 4]


def test_blank_lines_are_skipped_but_still_counted(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes("订单号,应付金额\r\n1,2\r\n\r\n3,4\r\n".encode("gbk"))
    _, records = read_all(path)
    assert records == [(2, ["1", "2"]), (4, ["3", "4"])]


def test_gbk_text_after_the_first_megabyte_is_still_read(tmp_path):
    path = tmp_path / "orders.csv"
    filler = "".join(f"{i},x\r\n" for i in range(200_000))
    path.write_bytes(("订单号,商品名称\r\n" + filler + "9,京东自营\r\n").encode("gbk"))
    assert path.stat().st_size > 1 << 20
    _, records = read_all(path)
    assert records[-1][1] == ["9", "京东自营"]


def test_a_file_that_changes_encoding_part_way_is_stopped_at_the_line(tmp_path):
    path = tmp_path / "orders.csv"
    ascii_part = "order,name\r\n" + "".join(f"{i},x\r\n" for i in range(150_000))
    path.write_bytes(ascii_part.encode() + "150000,京东\r\n".encode("gbk"))
    export = open_export(path)
    assert export.encoding == "utf-8"
    with pytest.raises(BrokenFile) as caught:
        list(export.records())
    export.close()
    assert caught.value.line == 150_002
    assert "150002" in caught.value.message and "line 150002" in caught.value.message_en


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 64,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500),
    "订单号,金额\r\n1,2\r\n".encode("utf-16"),
], ids=["binary-junk", "png", "utf-16"])
def test_a_file_that_is_not_csv_text_is_refused_naming_the_file(tmp_path, content):
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as caught:
        open_export(path)
    assert caught.value.path == str(path)
    assert "编码" in caught.value.message and "encoding" in caught.value.message_en


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="empty"):
        open_export(path)


def test_an_old_xls_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "orders.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(UnreadableFile) as caught:
        open_export(path)
    assert ".xlsx" in caught.value.message and ".xls" in caught.value.message_en


def test_a_damaged_xlsx_is_refused(tmp_path):
    path = tmp_path / "orders.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(UnreadableFile, match="xlsx"):
        open_export(path)


def test_an_xlsx_export_is_read_with_its_typed_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([235711131719, "纯棉T恤", 2, datetime(2022, 6, 16, 10), 129.5])
    sheet.append([])
    sheet.append(["235711131720", "水杯", 1, "2022-06-02 23:30:00", "39.90"])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    export, records = read_all(path)
    assert export.kind == "xlsx" and export.header == HEADER
    assert records == [
        (2, [235711131719, "纯棉T恤", 2, datetime(2022, 6, 16, 10), 129.5]),
        (4, ["235711131720", "水杯", 1, "2022-06-02 23:30:00", "39.90"]),
    ]
