"""How cells are written: formulas neutralised in CSV (OWASP), our numbers typed in xlsx."""
import csv
import io

import openpyxl
import pytest

from server.export_files.writer import CsvOutput, XlsxOutput, neutralise
from shared.columns import COLUMNS


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+2", "@SUM(A1)", "\tcmd", "\r=1", "=HYPERLINK(\"x\")"])
def test_a_cell_that_would_start_a_formula_gets_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ['="235711131719"', "\t235711131719", "-5", "+3.50", "-1.5e3", "普通", "a=b", "",
                                  "'=already"])
def test_jd_protections_numbers_and_plain_text_are_left_as_they_are(text):
    assert neutralise(text) == text


def test_non_text_cells_are_never_changed():
    assert neutralise(-5) == -5 and neutralise(None) is None


def _annotation(**cells):
    row = [""] * len(COLUMNS)
    for key, value in cells.items():
        row[[c.key for c in COLUMNS].index(key)] = value
    return row


def test_our_own_text_cells_are_neutralised_in_a_csv_copy_of_a_csv(tmp_path):
    path = tmp_path / "out.csv"
    output = CsvOutput(path, ["订单号"], COLUMNS, "csv")
    output.write(["1"], _annotation(errors="=cmd|' /C calc'!A0", late_by_hours="-1.5"), "error", text="1\r\n")
    output.close()
    rows = list(csv.reader(io.StringIO(path.read_bytes()[3:].decode("utf-8"), newline="")))
    errors, hours = rows[1][1 + [c.key for c in COLUMNS].index("errors")], rows[1][3]
    assert errors == "'=cmd|' /C calc'!A0" and hours == "-1.5"


def test_our_numeric_columns_are_excel_numbers_and_the_originals_stay_as_they_were(tmp_path):
    path = tmp_path / "out.xlsx"
    output = XlsxOutput(path, ["订单号", "应付金额"], COLUMNS, "csv")
    output.write(["235711131719", "1299.50"], _annotation(ship_by="2022-06-20T10:00:00+08:00", late_by_hours="1.5",
                                                          compensation="12.30", if_claimed="0.00"), "late")
    output.close()
    sheet = openpyxl.load_workbook(path).worksheets[0]
    keys = [c.key for c in COLUMNS]
    cell = {key: sheet.cell(2, 3 + keys.index(key)) for key in ("ship_by", "late_by_hours", "compensation")}
    assert cell["late_by_hours"].value == 1.5 and cell["late_by_hours"].data_type == "n"
    assert cell["compensation"].value == 12.3 and cell["compensation"].number_format == "0.00"
    assert cell["ship_by"].is_date
    assert sheet.cell(2, 1).value == "235711131719" and sheet.cell(2, 2).value == "1299.50", "kept as text"
    assert sheet.cell(2, 2).data_type == "s"
