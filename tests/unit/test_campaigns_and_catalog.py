"""Campaign calendars and the rule catalog are data, validated at load."""
import tomllib
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from shared import default_engine, load_calendar, load_catalog, parse_time
from shared.catalog import RULES_FILE, Params, _declared
from shared.errors import DataFileError

# The rules of the seeds (000–004), by the ids the catalog gives them.
SEED_RULE_IDS = {
    "SHIP-DEADLINE", "SHIP-SUBSIDY", "SHIP-PICKUP-RATE", "SHIP-DAILY-RISK", "SHIP-SURCHARGE", "PRICE-MATCH",
    "PRICE-COMMITMENT", "PRICE-RAISE-THEN-CUT", "PRICE-PROTECTION", "RETURN-7DAY", "LIGHTNING-REFUND",
    "FREIGHT-INSURANCE", "FREE-PICKUP-RETURN", "LATE-GUARANTEE", "REVERSE-VALUE-PROTECTION", "ASSESSMENT-EXEMPT",
    "RED-ENVELOPE-3FOR3", "RED-ENVELOPE-ENTRY", "ADMISSION-618"}

VALID = """
id = "{id}"
platform = "jd"
title = "京东 11.11"
title_en = "JD 11.11"
[window]
start = 2026-10-31T20:00:00+08:00
end = 2026-11-11T23:59:59+08:00
[shipping]
hours = 48
extended_hours = 72
extended_days = [2026-11-11]
"""


def test_the_catalog_lists_every_rule_of_the_seeds_with_titles_and_sources():
    catalog = load_catalog()
    assert set(catalog.rules) == SEED_RULE_IDS
    for rule in catalog.rules.values():
        assert rule.title and rule.title_en and rule.source


def test_every_parameter_names_a_source_or_an_assumption():
    for rule in load_catalog().to_dict()["rules"]:
        for name, spec in rule["params"].items():
            assert "value" in spec and ({"source", "assumption"} & spec.keys()), name


def test_the_jingxi_618_window_is_marked_as_an_assumption():
    campaign = load_calendar().get("jingxi_618_2022")
    assert "window.assumption" in campaign.notes
    assert sorted(str(d) for d in campaign.extended_days) == [
        "2022-06-01", "2022-06-08", "2022-06-16", "2022-06-17", "2022-06-18"]


def test_a_new_campaign_is_added_by_a_file_without_code(tmp_path):
    (tmp_path / "jd_1111_2026.toml").write_text(VALID.format(id="jd_1111_2026"), encoding="utf-8")
    engine = default_engine(str(tmp_path))
    result = engine.annotate_raw({"order_id": "1", "paid_at": "2026-11-11 09:00:00"}, as_of=parse_time("2026-11-11 10:00:00"))
    assert result["campaign"] == "jd_1111_2026"
    assert result["ship"]["hours_allowed"] == 72


@pytest.mark.parametrize("edit, field", [
    (lambda t: t.replace('platform = "jd"', 'platform = "taobao"'), "platform"),
    (lambda t: t.replace("hours = 48", "hours = -1"), "shipping.hours"),
    (lambda t: t.replace("2026-11-11T23:59:59+08:00", "2026-10-01T00:00:00+08:00"), "window.end"),
    (lambda t: t.replace("start = 2026-10-31T20:00:00+08:00", "start = 2026-10-31T20:00:00"), "window.start"),
    (lambda t: t.replace("[2026-11-11]", "[2026-12-25]"), "shipping.extended_days"),
    (lambda t: t.replace("title_en", "titel_en"), "titel_en"),
    (lambda t: t.replace('id = "jd_1111_2026"', 'id = "other"'), "id"),
    (lambda t: t.replace("[shipping]\nhours = 48", "[shipping]"), "shipping.hours"),
    (lambda t: t + "\n[[[", "(syntax)"),
])
def test_a_broken_campaign_file_is_refused_naming_file_and_field(tmp_path, edit, field):
    path = tmp_path / "jd_1111_2026.toml"
    path.write_text(edit(VALID.format(id="jd_1111_2026")), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_calendar(tmp_path)
    assert err.value.field == field
    assert "jd_1111_2026.toml" in str(err.value)


def test_overlapping_campaigns_of_one_platform_are_refused(tmp_path):
    for name in ("jd_a", "jd_b"):
        (tmp_path / f"{name}.toml").write_text(VALID.format(id=name), encoding="utf-8")
    with pytest.raises(DataFileError, match="overlaps"):
        load_calendar(tmp_path)


def test_a_broken_catalog_parameter_is_refused(tmp_path):
    text = (Path(__file__).parents[2] / "shared/data/rules.toml").read_text(encoding="utf-8")
    broken = tmp_path / "rules.toml"
    broken.write_text(text.replace('value = 48\nassumption', 'value = "many"\nassumption', 1), encoding="utf-8")
    with pytest.raises(DataFileError, match="default_ship_hours"):
        load_catalog(broken)


def test_campaigns_are_found_by_platform_and_time():
    calendar = load_calendar()
    assert calendar.find("jingxi", parse_time("2022-06-20 23:59:59")).id == "jingxi_618_2022"
    assert calendar.find("jingxi", parse_time("2022-06-21 00:00:00")) is None
    assert calendar.find("jd_international", parse_time("2021-05-24 00:00:00")).id == "jd_intl_618_2021"
    assert calendar.find("jd", parse_time("2022-06-10 00:00:00")) is None


def test_the_parameters_the_rules_read_are_made_from_those_rules_toml_declares_next_to_their_rules():
    declared = {name: spec["type"] for rule in tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))["rule"]
                for name, spec in rule.get("params", {}).items()}
    python = {"int": int, "float": float, "decimal": Decimal, "text": str, "list": tuple, "time": datetime}
    assert {f.name: f.type for f in fields(Params)} == {name: python[kind] for name, kind in declared.items()}
    params = load_catalog().params
    assert params.with_overrides(at_risk_hours=2.5, return_days=None).at_risk_hours == 2.5
    assert isinstance(params.pickup_rate_target, Decimal) and isinstance(params.reverse_value_high_from, datetime)


def test_a_parameter_without_a_known_type_is_refused_naming_it(tmp_path):
    text = (Path(__file__).parents[2] / "shared/data/rules.toml").read_text(encoding="utf-8")
    broken = tmp_path / "rules.toml"
    broken.write_text(text.replace('type = "int"\nvalue = 48', 'type = "number"\nvalue = 48', 1), encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        _declared(broken)
    assert refused.value.field == "rule[0].params.default_ship_hours.type"
