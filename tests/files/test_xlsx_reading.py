"""Reading an xlsx export row by row in bounded memory."""
import gc
import tracemalloc

import xlsxwriter

from server.export_files.reader import open_export
from server.export_files.xlsx_source import StringTable

ROWS = 10_000


def test_reading_an_xlsx_keeps_well_under_0_2_kb_a_row(tmp_path):
    """Every distinct text is in the book's shared-string table, which must be kept while the rows
    stream; kept as Python strings it cost ~166 bytes a row of two texts, compact it is ~44."""
    path = tmp_path / "orders.xlsx"
    book = xlsxwriter.Workbook(str(path))  # not constant-memory: texts go to the shared-string table
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["订单号", "商品名称", "付款确认时间"])
    for n in range(1, ROWS + 1):
        sheet.write_row(n, 0, [f"2357{n:08d}", f"商品 {n}", "2022-06-16 10:00:00"])
    book.close()
    open_export(path).close()  # imports and first-use costs out of the measurement
    tracemalloc.start()
    try:
        source = open_export(path)
        for _, read in source.records():
            pass
        gc.collect()  # what is kept, not garbage waiting (other tests tune the collector)
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    source.close()
    assert read == [f"2357{ROWS:08d}", f"商品 {ROWS}", "2022-06-16 10:00:00"]
    assert kept / ROWS < 80, f"{kept / ROWS:.0f} bytes kept a row"


def test_the_compact_string_table_gives_back_each_text_and_refuses_negative_indexes():
    table = StringTable()
    for text in ["", "订单号", "x" * 1000, "\ud800 lone surrogate"]:
        table.append(text)
    assert [table[i] for i in range(len(table))] == ["", "订单号", "x" * 1000, "\ud800 lone surrogate"]
    for index in (-1, 4):
        try:
            table[index]
        except IndexError:
            continue
        raise AssertionError(f"index {index} should not exist")
