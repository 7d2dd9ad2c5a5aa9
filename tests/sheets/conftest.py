"""Fixtures for the gspread side (tests/support/sheets.py): the Sheets API stand-in on a loopback
port, a generated service-account key, and key files for the command."""
from tests.support.sheets import fake_sheets, foreign_sa_file, key_pair, sa_file  # noqa: F401  (fixtures)
