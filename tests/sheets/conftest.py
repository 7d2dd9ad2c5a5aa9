"""Fixtures for the gspread side: a generated service-account key, the Sheets API
stand-in on a loopback port, and key files for the command."""
import json

import pytest

from standins.google_sheets import FakeSheets, key_pair as new_key_pair, service_account_info


@pytest.fixture(scope="session")
def key_pair():
    return new_key_pair()


@pytest.fixture
def fake_sheets(key_pair):
    fake = FakeSheets(public_key_pem=key_pair[1]).start()
    yield fake
    fake.stop()


@pytest.fixture
def sa_file(tmp_path, key_pair):
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(service_account_info(key_pair[0])))
    return path


@pytest.fixture
def foreign_sa_file(tmp_path):
    """A key the stand-in does not know: its token grant must fail."""
    path = tmp_path / "foreign-sa.json"
    path.write_text(json.dumps(service_account_info(new_key_pair()[0])))
    return path
