"""Hostile campaign files, rule data and settings: each is refused at start, naming the file or the
variable and the field, and ``python -m server`` says so in one line and exits non-zero (no traceback)."""
import subprocess
import sys

import pytest

from server.config import Settings, SettingsError
from shared.campaigns import BUILTIN_DIR, load_calendar
from shared.catalog import RULES_FILE, load_catalog
from shared.errors import DataFileError
from tests.support import ROOT

JINGXI = (BUILTIN_DIR / "jingxi_618_2022.toml").read_text(encoding="utf-8")
DEEP = 100_000

CAMPAIGN_CASES = [
    pytest.param('cap = "10.00"', "cap = nan", "red_envelope.cap", id="cap-nan"),
    pytest.param('cap = "10.00"', "cap = inf", "red_envelope.cap", id="cap-inf"),
    pytest.param('cap = "10.00"', 'cap = "sNaN"', "red_envelope.cap", id="cap-sNaN-text"),
    pytest.param('merchant_share = "0.5"', "merchant_share = inf", "red_envelope.merchant_share", id="merchant_share-inf"),
    pytest.param('merchant_share = "0.5"', "merchant_share = 1.5", "red_envelope.merchant_share", id="merchant_share-over-1"),
    pytest.param('slow_progress_share = "0.50"', "slow_progress_share = -0.1", "daily_risk.slow_progress_share",
                 id="share-negative"),
    pytest.param("hours = 48", "hours = 1e15", "shipping.hours", id="hours-1e15"),
    pytest.param("hours = 48", "hours = 1000000000000000", "shipping.hours", id="hours-10-to-15-whole"),
    pytest.param("extended_hours = 96", "extended_hours = 721", "shipping.extended_hours", id="extended_hours-721"),
    pytest.param("settlement_days = 28", "settlement_days = 99999999999", "red_envelope.settlement_days",
                 id="settlement_days-huge"),
    pytest.param("activity_end = 2022-06-20T23:59:59+08:00", "activity_end = 9999-12-31T23:59:59+08:00",
                 "red_envelope.activity_end", id="activity_end-year-9999"),
    pytest.param("end = 2022-06-20T23:59:59+08:00\nassumption = \"Seed 004",
                 "end = 9999-06-20T23:59:59+08:00\nassumption = \"Seed 004", "window.end", id="window-end-year-9999"),
    pytest.param('per_half_kg_high = "1.00"', "per_half_kg_high = 1e30", "surcharge.per_half_kg_high",
                 id="surcharge-1e30"),
    pytest.param("very_high_orders = 5000", "very_high_orders = 1" + "0" * 30, "daily_risk.very_high_orders",
                 id="order-count-10-to-30"),
    pytest.param("[requirements]", "deep = " + "[" * DEEP + "]" * DEEP + "\n[requirements]", "(syntax)",
                 id="nested-arrays-100000-deep"),
    pytest.param("[requirements]", "deep = " + "{a=" * DEEP + "1" + "}" * DEEP + "\n[requirements]", "(syntax)",
                 id="nested-inline-tables-100000-deep"),
]


@pytest.mark.parametrize("old, new, field", CAMPAIGN_CASES)
def test_a_hostile_campaign_file_is_refused_naming_file_and_field(tmp_path, old, new, field):
    assert old in JINGXI
    path = tmp_path / "jingxi_618_2022.toml"
    path.write_text(JINGXI.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load_calendar(tmp_path)
    assert refused.value.path == str(path) and refused.value.field == field
    assert len(str(refused.value)) < 400


def test_a_campaign_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "jingxi_618_2022.toml"
    path.write_bytes(JINGXI.encode("gbk"))
    with pytest.raises(DataFileError) as refused:
        load_calendar(tmp_path)
    assert refused.value.field == "(syntax)"


RULES = RULES_FILE.read_text(encoding="utf-8")
RULE_CASES = [
    pytest.param("value = 48", "value = nan", id="rules-hours-nan"),
    pytest.param("value = 48", "value = 1e15", id="rules-hours-1e15"),
    pytest.param("value = 6", "value = inf", id="rules-at-risk-inf"),
    pytest.param('value = "10.00"', 'value = "1e30"', id="rules-cap-1e30"),
    pytest.param("value = 2024-08-31T00:00:00+08:00", "value = 9999-08-31T00:00:00+08:00", id="rules-date-year-9999"),
]


@pytest.mark.parametrize("old, new", RULE_CASES)
def test_a_hostile_rules_file_is_refused_naming_the_parameter(tmp_path, old, new):
    assert old in RULES
    path = tmp_path / "rules.toml"
    path.write_text(RULES.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load_catalog(path)
    assert refused.value.path == str(path) and refused.value.field.startswith("params.")


SETTING_CASES = [
    pytest.param("JDPG_RATE_LIMIT", "lots", id="rate_limit-lots"),
    pytest.param("JDPG_RATE_LIMIT", "-5 per minute", id="rate_limit-negative"),
    pytest.param("JDPG_RATE_LIMIT", "0 per minute", id="rate_limit-zero"),
    pytest.param("JDPG_RATE_LIMIT", "600 per minute;0 per second", id="rate_limit-one-of-several-zero"),
    pytest.param("JDPG_RATE_LIMIT_STORAGE", "mongodb://x", id="storage-unknown-scheme"),
    pytest.param("JDPG_AT_RISK_HOURS", "nan", id="at_risk_hours-nan"),
    pytest.param("JDPG_AT_RISK_HOURS", "1e308", id="at_risk_hours-1e308"),
    pytest.param("JDPG_AT_RISK_HOURS", "inf", id="at_risk_hours-inf"),
    pytest.param("JDPG_AT_RISK_HOURS", "-1", id="at_risk_hours-negative"),
    pytest.param("JDPG_MAX_ORDERS", "0", id="max_orders-0"),
    pytest.param("JDPG_MAX_ORDERS", "1e9", id="max_orders-1e9-text"),
    pytest.param("JDPG_MAX_ORDERS", "9" * 5000, id="max_orders-5000-digits"),
    pytest.param("JDPG_MAX_BODY_BYTES", "-1", id="max_body_bytes-negative"),
    pytest.param("JDPG_MAX_BODY_BYTES", "99999999999999", id="max_body_bytes-100TB"),
    pytest.param("PORT", "70000", id="port-70000"),
    pytest.param("PORT", "eighty", id="port-text"),
]


@pytest.mark.parametrize("variable, value", SETTING_CASES)
def test_a_hostile_setting_is_refused_naming_the_variable(variable, value):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env={variable: value})
    assert refused.value.variable == variable
    assert len(str(refused.value)) < 300


@pytest.mark.parametrize("env", [
    pytest.param({"JDPG_RATE_LIMIT": "lots"}, id="start-rate_limit-lots"),
    pytest.param({"JDPG_AT_RISK_HOURS": "nan"}, id="start-at_risk_hours-nan"),
    pytest.param({"JDPG_CAMPAIGN_DIR": "{bad}"}, id="start-campaign-cap-nan"),
])
def test_the_server_refuses_to_start_in_one_line(tmp_path, env):
    if env.get("JDPG_CAMPAIGN_DIR") == "{bad}":
        (tmp_path / "jingxi_618_2022.toml").write_text(JINGXI.replace('cap = "10.00"', "cap = nan"), encoding="utf-8")
        env = {"JDPG_CAMPAIGN_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "server", "--port", "0"], capture_output=True, text=True,
                            timeout=60, cwd=ROOT, env={"PATH": "/usr/bin:/bin", **env})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert next(iter(env)) in lines[0] or "red_envelope.cap" in lines[0]


@pytest.mark.parametrize("env", [
    pytest.param({"JDPG_RATE_LIMIT": "lots"}, id="gunicorn-rate_limit-lots"),
    pytest.param({"JDPG_AT_RISK_HOURS": "1e308"}, id="gunicorn-at_risk_hours-huge"),
])
def test_gunicorn_with_a_hostile_setting_stops_with_one_line_of_ours_and_no_traceback(env):
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:0", "server.wsgi:app"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    ours = [line for line in result.stderr.splitlines() if "not started" in line]
    assert len(ours) == 1 and next(iter(env)) in ours[0], result.stderr
