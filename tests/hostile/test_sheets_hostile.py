"""Hostile input to ``jdpg sheets annotate`` (against the Sheets API stand-in), one case per test."""
import pytest

from standins.jd_export import JD_HEADER
from tests.support.sheets import col, jd_export, run, seed
from tests.support.sheets import fake_sheets, key_pair, sa_file  # noqa: F401  (fixtures)

PAID = JD_HEADER.index("付款确认时间")
CLEAN = "1CleanCopyCleanCopyCleanCopyCleanCopy0123"


@pytest.mark.parametrize("number", [235711131719, 1e10, -1e6, 2958466, 1e308],
                         ids=["order-number", "1e10", "minus-1e6", "past-year-9999", "1e308"])
def test_a_number_in_a_time_column_is_an_error_on_its_row_and_the_others_are_annotated(fake_sheets, sa_file,
                                                                                       number, capsys):
    clean = seed(fake_sheets, book=CLEAN)
    assert run(fake_sheets, sa_file, book=CLEAN) == 0
    rows = jd_export()
    rows[1][PAID] = number  # what Sheets reads back, unformatted, from a number pasted there
    sheet = seed(fake_sheets, rows)
    assert run(fake_sheets, sa_file) == 0
    assert "Traceback" not in capsys.readouterr().err
    errors = col(sheet, "Errors")
    assert "paid_at" in sheet.values[1][errors] or "付款确认时间" in sheet.values[1][errors]
    assert sheet.values[1][PAID] == number, "the merchant's cell is left as it was"
    assert sheet.values[2:] == clean.values[2:], "the other rows annotated as without it"
