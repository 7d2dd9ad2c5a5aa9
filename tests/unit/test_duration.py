"""The one duration format (shared/duration.py): each case of tests/js/fixtures/durations.json reads
as the fixture says, as it does in the extension (tests/js/duration.test.js reads the same file)."""
import json
from datetime import timedelta
from pathlib import Path

from shared import messages
from shared.duration import duration_phrase

CASES = json.loads((Path(__file__).resolve().parents[1] / "js" / "fixtures" / "durations.json")
                   .read_text(encoding="utf-8"))["cases"]


def _said(words: dict) -> tuple[str, str]:
    item = {"code": words["phrase"], "params": words["params"]}
    return messages.render(item, "zh"), messages.render(item, "en")


def test_every_case_reads_as_the_fixture_says_in_both_languages():
    assert len(CASES) > 20
    for case in CASES:
        assert _said(duration_phrase(case["seconds"], up=case["up"])) == (case["zh"], case["en"]), case


def test_the_sentences_use_it_rounding_a_timedelta_the_rules_way():
    assert _said(messages.duration(timedelta(seconds=0.4), up=True)) == ("1 分钟", "1 min")
    assert _said(messages.duration(timedelta(hours=18, minutes=59, seconds=24), up=True)) == ("19 小时", "19 h")
    assert _said(messages.duration(timedelta(hours=18, minutes=59, seconds=24), up=False)) == ("18.9 小时", "18.9 h")
    assert _said(messages.duration(timedelta(days=7, hours=13, minutes=49), up=False)) == ("7 天 13 小时", "7 d 13 h")
