"""Hostile input to the export command (``python -m server annotate``), one case per test.

Each case runs the real command in its own process and checks what it must do: a clear
message and no traceback, nothing the merchant had replaced, a bad row reported by its line
number with the rest annotated, and memory bounded.
"""
import csv
import io
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.support.hostile_files import (ERRORS, GOOD, HEADER, ONE_GB, WRITTEN, cell, header_and_good_rows,
                                         raw_xlsx, read_csv, run)


def export(path, rows, header=HEADER, encoding="gbk"):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([header, *rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def column(rows, title):
    index = rows[0].index(title)
    return [row[index] if index < len(row) else "" for row in rows[1:]]


def assert_refused(result, *words):
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "错误" in result.stderr and "Error" in result.stderr
    for word in words:
        assert word in result.stderr


# ---------------------------------------------------------------------------------------
# Outputs that are not regular files are never replaced.

def _fifo(path):
    os.mkfifo(path)
    return stat.S_ISFIFO


def _char_device(path):
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    except PermissionError:
        pytest.skip("mknod needs root")
    return stat.S_ISCHR


def _link_to_dev_null(path):
    path.symlink_to("/dev/null")
    return stat.S_ISLNK


def _folder(path):
    path.mkdir()
    return stat.S_ISDIR


@pytest.mark.parametrize("make", [_fifo, _char_device, _link_to_dev_null, _folder],
                         ids=["fifo", "char-device", "symlink-to-dev-null", "folder"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_output_that_is_not_a_regular_file_is_refused_and_left_as_it_is(tmp_path, make, fmt):
    source = export(tmp_path / "orders.csv", GOOD)
    out = tmp_path / f"out.{fmt}"
    kind = make(out)
    null_before = os.stat("/dev/null")
    result = run(source, "-o", out, "--format", fmt)
    assert_refused(result, "不是普通文件", "not a regular file", str(out))
    assert kind(os.lstat(out).st_mode), "the output path is what it was"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and os.stat("/dev/null").st_rdev == null_before.st_rdev
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


# ---------------------------------------------------------------------------------------
# CSV records over the limits: that row is bad (by line number), the rest are annotated.

def test_a_csv_cell_over_the_csv_modules_128_kib_limit_is_read(tmp_path):
    notes = "备注" * 100_000  # 200,000 characters
    source = export(tmp_path / "orders.csv", [GOOD[0] + [notes], GOOD[1]], header=HEADER + ["自己的长备注"])
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.returncode in WRITTEN and "Traceback" not in result.stderr, result.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert rows[1][4] == notes and column(rows, ERRORS) == ["", ""]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_csv_cell_over_a_mebibyte_makes_its_row_bad_and_the_rest_go_on(tmp_path, jobs):
    from server.export_files.csv_source import MAX_CELL_CHARS

    huge = "x" * (MAX_CELL_CHARS + 10)
    source = export(tmp_path / "orders.csv", [GOOD[0], ["235711131721", huge, "2022-06-16 13:00:00", ""], GOOD[1]])
    result = run(source, "-o", tmp_path / "out.csv", "--jobs", jobs)
    assert result.returncode in WRITTEN and "Traceback" not in result.stderr, result.stderr
    assert "第 3 行 line 3" in result.stderr and "1,048,576" in result.stderr
    rows = read_csv(tmp_path / "out.csv")
    errors = column(rows, ERRORS)
    assert len(rows) == 4 and errors[0] == errors[2] == "" and "not read" in errors[1]
    assert rows[1][0] == GOOD[0][0] and rows[3][0] == GOOD[1][0]
    assert column(rows, "JDPG 发货状态 Ship status")[2].endswith("at_risk")


def test_a_huge_line_makes_its_row_bad_and_the_rest_go_on(tmp_path):
    from server.export_files.csv_source import MAX_LINE_CHARS

    source = tmp_path / "orders.csv"
    lines = [",".join(HEADER), ",".join(GOOD[0]), "9" * (MAX_LINE_CHARS + 100), ",".join(GOOD[1])]
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    result = run(source, "-o", tmp_path / "out.csv", memory_limit=ONE_GB)
    assert result.returncode in WRITTEN and "Traceback" not in result.stderr, result.stderr
    assert "第 3 行 line 3" in result.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert [row[0] for row in rows[1:]] == [GOOD[0][0], "", GOOD[1][0]]
    assert "8,388,608" in column(rows, ERRORS)[1]


def test_a_stray_quote_that_swallows_the_file_is_one_bad_row_not_a_traceback(tmp_path):
    source = tmp_path / "orders.csv"
    source.write_bytes(("订单号,付款确认时间\r\n1,2022-06-16 13:00:00\r\n2,\"2022-06-16\r\n" + "3,x\r\n" * 5)
                       .encode("gbk"))
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.returncode in WRITTEN and "Traceback" not in result.stderr, result.stderr
    assert len(read_csv(tmp_path / "out.csv")) >= 3


# ---------------------------------------------------------------------------------------
# xlsx: hostile sizes and XML, read within bounds.

def _big(size):
    block = b"A" * (1 << 20)
    for _ in range(size >> 20):
        yield block


@pytest.mark.parametrize("where", ["shared-string", "inline-string"])
def test_an_xlsx_with_one_300_mb_cell_is_refused_naming_the_cell_within_1_gb(tmp_path, where):
    rows = header_and_good_rows()
    size = 300 << 20
    if where == "shared-string":
        big_row = [b'<row r="4"><c r="A4"><v>1</v></c><c r="B4" t="s"><v>1</v></c></row>']
        strings = [b"<si><t>x</t></si><si><t>", *_big(size), b"</t></si>"]
    else:
        big_row = [b'<row r="4"><c r="A4"><v>1</v></c><c r="B4" t="inlineStr"><is><t>', *_big(size),
                   b"</t></is></c></row>"]
        strings = b"<si><t>x</t></si>"
    source = raw_xlsx(tmp_path / "orders.xlsx", rows + big_row, strings)
    assert source.stat().st_size < 2 << 20
    for fmt in ("csv", "xlsx"):
        result = run(source, "-o", tmp_path / f"out.{fmt}", memory_limit=ONE_GB)
        assert_refused(result, "B4", "1,048,576", str(source))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.xlsx"]


def test_an_xlsx_with_entity_expansion_is_refused_clearly(tmp_path):
    bomb = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
            + b"".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">'.encode() for k in range(9))
            + b"]>")
    rows = header_and_good_rows() + [b'<row r="4"><c r="A4" t="inlineStr"><is><t>&j;</t></is></c></row>']
    source = raw_xlsx(tmp_path / "orders.xlsx", rows, prolog=bomb)
    result = run(source, "-o", tmp_path / "out.csv", memory_limit=ONE_GB)
    assert_refused(result, str(source))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.xlsx"]


def test_an_xlsx_naming_an_external_entity_never_reads_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    prolog = f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{secret}">]>'.encode()
    rows = header_and_good_rows() + [b'<row r="4"><c r="A4" t="inlineStr"><is><t>&x;</t></is></c></row>']
    source = raw_xlsx(tmp_path / "orders.xlsx", rows, prolog=prolog)
    result = run(source, "-o", tmp_path / "out.csv")
    assert "Traceback" not in result.stderr
    out = tmp_path / "out.csv"
    assert not out.exists() or "TOP-SECRET-VALUE" not in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("broken", [b'<row r="4"><c r="A4" t="inlineStr"><is><t>x</t></is></row>',
                                    b'<row r="4"><c r="A4" t="s"><v>99</v></c></row>',
                                    b'<row r="4"><c r="ZZZZZ4"><v>1</v></c></row>',
                                    b"<row r='4'>\x00</row>"],
                         ids=["unclosed-tag", "missing-shared-string", "impossible-column", "nul-byte"])
def test_an_xlsx_with_bad_xml_gets_one_clear_message(tmp_path, broken):
    source = raw_xlsx(tmp_path / "orders.xlsx", header_and_good_rows() + [broken], b"<si><t>x</t></si>")
    result = run(source, "-o", tmp_path / "out.csv")
    assert_refused(result, str(source))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.xlsx"]


def test_an_xlsx_that_is_a_zip_of_junk_gets_one_clear_message(tmp_path):
    source = tmp_path / "orders.xlsx"
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("[Content_Types].xml", "<<<not xml")
    assert_refused(run(source, "-o", tmp_path / "out.csv"), str(source), "xlsx")


# ---------------------------------------------------------------------------------------
# Formula injection: a text cell whose type is lost on the way to CSV is written inert.

@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
                                  "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1"],
                         ids=["equals", "plus", "minus", "at", "tab"])
def test_an_xlsx_text_cell_that_would_be_a_formula_in_csv_is_prefixed_with_a_quote(tmp_path, text):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["订单号", "商家备注", "数量"])
    sheet.append(["235711131720", text, -5])
    sheet["B2"].data_type = "s"  # openpyxl would store "=…" as a formula; the merchant's cell is text
    sheet.append(['="235711131721"', "普通备注", 1])
    sheet["A3"].data_type = "s"
    source = tmp_path / "orders.xlsx"
    book.save(source)
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.returncode in WRITTEN, result.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert rows[1][1] == "'" + text
    assert rows[1][2] == "-5", "a number stays a number"
    assert rows[2][0] == '="235711131721"', "JD's own protection is a constant text formula, left as it is"


# ---------------------------------------------------------------------------------------
# Output folders that cannot be written: one clear message.

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_output_folder_that_cannot_be_written_gets_one_clear_message(tmp_path, fmt):
    folder = Path("/sys")  # read-only even for root
    if os.access(folder, os.W_OK) and not _cannot_create(folder):
        pytest.skip("no read-only folder here")
    source = export(tmp_path / "orders.csv", GOOD)
    assert_refused(run(source, "-o", folder / f"jdpg-out.{fmt}", "--format", fmt), str(folder))


def _cannot_create(folder):
    try:
        (folder / ".jdpg-probe").open("w").close()
    except OSError:
        return True
    (folder / ".jdpg-probe").unlink()
    return False


# ---------------------------------------------------------------------------------------
# What an xlsx copy cannot hold is said on the row and in the summary (not lost silently).

def test_a_cell_over_32767_characters_is_cut_in_the_xlsx_and_said_so(tmp_path):
    long = "长" * 40_000
    source = export(tmp_path / "orders.csv", [GOOD[0] + [long], GOOD[1]], header=HEADER + ["商家备注"])
    result = run(source, "-o", tmp_path / "out.xlsx")
    assert result.returncode in WRITTEN, result.stderr
    assert "1 行单元格超过 32,767 个字符" in result.stdout and "cut in the xlsx" in result.stdout
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
    titles = [c.value for c in sheet[1]]
    errors = titles.index(ERRORS) + 1
    assert len(sheet.cell(2, 5).value) == 32_767
    assert "32,767" in sheet.cell(2, errors).value and sheet.cell(3, errors).value is None


def test_cells_past_column_16384_are_said_to_be_left_out(tmp_path):
    wide = GOOD[0] + ["x"] * 20_000
    source = export(tmp_path / "orders.csv", [wide, GOOD[1]])
    result = run(source, "-o", tmp_path / "out.xlsx")
    assert result.returncode in WRITTEN, result.stderr
    assert "16,384" in result.stdout
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    errors = rows[0].index(ERRORS)
    assert "16,384" in rows[1][errors] and rows[2][errors] is None
    assert len(rows[1]) == 16_384


def test_a_formula_without_a_computed_value_is_said_to_be_copied_empty(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["订单号", "付款确认时间", "应付金额"])
    sheet.append(["235711131720", "2022-06-16 13:00:00", "=10*2"])  # openpyxl saves no computed value
    sheet.append(["235711131722", "2022-06-16 13:00:00", "20.00"])
    source = tmp_path / "orders.xlsx"
    book.save(source)
    for fmt in ("csv", "xlsx"):
        result = run(source, "-o", tmp_path / f"out.{fmt}")
        assert result.returncode in WRITTEN, result.stderr
        assert "1 row(s): formula cells without a computed value copied empty" in result.stdout
    rows = read_csv(tmp_path / "out.csv")
    assert "C2" in column(rows, ERRORS)[0] and column(rows, ERRORS)[1] == ""


def test_a_first_line_of_300_mb_is_refused_in_bounded_memory(tmp_path):
    source = tmp_path / "orders.csv"
    with source.open("wb") as f:
        for block in _big(300 << 20):
            f.write(block)
        f.write("\r\n订单号,付款确认时间\r\n1,2022-06-16 13:00:00\r\n".encode("utf-8"))
    result = run(source, "-o", tmp_path / "out.csv", memory_limit=256 << 20)  # less than the line
    assert_refused(result, str(source), "表头", "8,388,608")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_a_300_mb_line_that_breaks_the_encoding_is_located_in_bounded_memory(tmp_path):
    source = tmp_path / "orders.csv"
    with source.open("wb") as f:
        f.write("订单号,付款确认时间\r\n1,2022-06-16 13:00:00\r\n".encode("utf-8"))
        for block in _big(300 << 20):
            f.write(block)
        f.write("坏".encode("gbk") + b"\r\n")
    result = run(source, "-o", tmp_path / "out.csv", memory_limit=256 << 20)
    assert_refused(result, str(source), "第 3 行", "line 3 is not utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_a_record_of_many_quoted_lines_over_the_limit_is_a_bad_row_not_all_memory(tmp_path):
    from server.export_files.csv_source import MAX_CELL_CHARS, MAX_RECORD_CHARS

    cell = '"' + ("x" * (MAX_CELL_CHARS // 4) + "\n") * 2 + '"'  # under the cell limit, with line breaks
    fields = MAX_RECORD_CHARS // len(cell) + 2
    source = tmp_path / "orders.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\r\n" + ",".join(GOOD[0]) + "\r\n")
        f.write("235711131799," + ",".join([cell] * fields) + "\r\n")
    result = run(source, "-o", tmp_path / "out.csv", memory_limit=ONE_GB)
    assert result.returncode in WRITTEN and "Traceback" not in result.stderr, result.stderr
    assert "第 3 行 line 3" in result.stderr and "16,777,216" in result.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert rows[1][0] == GOOD[0][0] and column(rows, ERRORS)[0] == ""


def test_an_overlong_order_id_is_that_rows_error_and_the_rest_are_annotated(tmp_path):
    source = export(tmp_path / "orders.csv", [GOOD[0], ["9" * 600, "T恤", "2022-06-16 13:00:00", ""], GOOD[1]])
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.returncode in WRITTEN and "Traceback" not in result.stderr, result.stderr
    assert "第 3 行 line 3: 订单号" in result.stderr  # the merchant's column name
    errors = column(read_csv(tmp_path / "out.csv"), ERRORS)
    assert errors[0] == errors[2] == "" and "订单号" in errors[1]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
                                  "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", '="1"&HYPERLINK("http://evil")'],
                         ids=["equals", "plus", "minus", "at", "tab", "carriage-return", "protection-then-formula"])
def test_a_csv_cell_that_would_run_as_a_formula_is_neutralised_unless_kept(tmp_path, text):
    source = tmp_path / "orders.csv"
    export(source, [["235711131720", text, "2022-06-02 23:30:00", ""], ['="235711131721"', "-5", "", ""]],
           encoding="utf-8")
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.returncode in WRITTEN, result.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert rows[1][1] == "'" + text
    assert rows[2][0] == '="235711131721"' and rows[2][1] == "-5", "JD's protection and numbers left as they are"
    kept = run(source, "-o", tmp_path / "kept.csv", "--keep-formulas")
    assert kept.returncode in WRITTEN, kept.stderr
    assert read_csv(tmp_path / "kept.csv")[1][1] == text
