"""Fixtures for the gspread side: a generated service-account key, the Sheets API
stand-in on a loopback port, and key files for the command."""
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from .fake_sheets import FakeSheets


def _key_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture(scope="session")
def key_pair():
    return _key_pair()


@pytest.fixture
def fake_sheets(key_pair):
    fake = FakeSheets(public_key_pem=key_pair[1]).start()
    yield fake
    fake.stop()


def service_account_info(private_pem: str) -> dict:
    """A service-account key file as Google issues it, with the real token URI: the
    transport adapter routes it to the stand-in, so the file is used unmodified."""
    return {"type": "service_account", "project_id": "test-project", "private_key_id": "testkey1",
            "private_key": private_pem, "client_email": "tester@test-project.iam.gserviceaccount.com",
            "client_id": "1234567890", "token_uri": "https://oauth2.googleapis.com/token"}


@pytest.fixture
def sa_file(tmp_path, key_pair):
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(service_account_info(key_pair[0])))
    return path


@pytest.fixture
def foreign_sa_file(tmp_path):
    """A key the stand-in does not know: its token grant must fail."""
    path = tmp_path / "foreign-sa.json"
    path.write_text(json.dumps(service_account_info(_key_pair()[0])))
    return path
