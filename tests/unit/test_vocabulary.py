"""Every word users see is written once (shared/data/vocabulary.toml) and every client has it."""
import ast
import re
import sys

import pytest

from shared import parse_time
from shared.annotate import annotate_batch
from shared.columns import COLUMNS
from shared.fields import FIELDS
from shared.model import FAMILIES, SHIP_STATUSES
from shared.vocabulary import DEADLINES, FLAGS, RULES, SHIP_STATUS, VOCAB, fill
from tests.support import ROOT

RULE_MODULES = sorted((ROOT / "shared" / "rules").glob("*.py")) + [ROOT / "shared" / "store.py"]
FLAG_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
RULE_ID = re.compile(r"^[A-Z]+(?:-[A-Z0-9]+)+$")


def _literals(pattern) -> set:
    found = set()
    for path in RULE_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value):
                found.add(node.value)
    return found


def _deadline_keys() -> set:
    keys = set()
    for path in RULE_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "deadlines" and isinstance(node.slice, ast.Constant)):
                keys.add(node.slice.value)
    return keys


def test_every_flag_code_the_rules_can_emit_has_words():
    codes = _literals(FLAG_CODE) - {"JDPG_AT_RISK_HOURS"}
    assert codes, "the scan found no flag codes"
    assert sorted(codes - FLAGS.keys()) == []


def test_every_rule_id_the_core_names_has_a_title_and_a_short_name(engine):
    assert sorted(_literals(RULE_ID) - RULES.keys()) == []
    assert sorted(engine.catalog.rules.keys() - RULES.keys()) == []


def test_every_ship_status_and_deadline_has_words():
    assert set(SHIP_STATUSES) == SHIP_STATUS.keys()
    assert sorted(_deadline_keys() - DEADLINES.keys()) == []


def test_every_field_has_labels_and_families_have_names():
    assert all(f.zh and f.en for f in FIELDS)
    assert set(FAMILIES) == VOCAB["families"].keys()


def test_column_titles_start_with_the_one_prefix():
    assert all(c.title.startswith(VOCAB["prefix"]) for c in COLUMNS)


def test_every_fact_in_the_golden_results_has_a_label(engine):
    sys.path.insert(0, str(ROOT / "bench"))
    from orders_mix import generate

    results, _ = annotate_batch(engine, generate(3000), as_of=parse_time("2022-06-20 12:00:00"))
    keys = {key for r in results for f in r["flags"] + r["compensation"]["items"] for key in f["facts"]}
    keys |= {key for r in results if r["ship"] for key in r["ship"]}
    assert keys and sorted(keys - VOCAB["facts"].keys() - {"status", "rule"}) == []


@pytest.mark.parametrize("status", SHIP_STATUSES)
def test_badge_templates_fill_with_the_deadline_and_a_duration(status):
    for key in ("badge", "badge_en"):
        text = fill(SHIP_STATUS[status][key], at="06-20 10:00", late="7 天 13 小时", left="5.9 小时")
        assert "{" not in text and "06-20 10:00" in text
