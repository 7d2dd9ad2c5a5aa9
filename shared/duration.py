"""How long, as people write it: the one duration format, shared with the extension
(extension/common/duration.js; tests/js/fixtures/durations.json holds the two equal).

A duration is rounded in one direction only, as the rules decide: time late up (one second late is
never "0"), time left down (never more than there is). Under an hour: minutes (``25 分钟``). Under
48 hours: hours to the tenth, without a trailing ``.0`` (``19 小时``, ``18.9 小时``). From 48 hours:
days and whole hours (``7 天 13 小时``, ``3 天``). The result is a phrase of the vocabulary's
``[phrases.duration]`` with its parameters, which ``shared.messages`` renders in either language.
"""
from datetime import timedelta
from typing import Final

#: From this many hours on, a duration is said in days and hours.
DAYS_FROM_HOURS: Final = 48

_SECOND: Final = timedelta(seconds=1)


def seconds(delta: timedelta, *, up: bool) -> int:
    """``delta`` in whole seconds, rounded up (time late) or down (time left)."""
    return -(-delta // _SECOND) if up else delta // _SECOND


def _divide(count: int, unit: int, up: bool) -> int:
    return -(-count // unit) if up else count // unit


def duration_phrase(total_seconds: int, *, up: bool) -> dict:
    """The phrase (``{"phrase": "phrases.duration.…", "params": {…}}``) saying ``total_seconds``
    (not negative), rounded up or down."""
    minutes = _divide(total_seconds, 60, up)
    if minutes < 60:
        return {"phrase": "phrases.duration.minutes", "params": {"n": str(minutes)}}
    tenths = _divide(total_seconds, 360, up)
    if tenths < DAYS_FROM_HOURS * 10:
        whole, tenth = divmod(tenths, 10)
        return {"phrase": "phrases.duration.hours", "params": {"n": f"{whole}.{tenth}" if tenth else str(whole)}}
    days, hours = divmod(_divide(total_seconds, 3600, up), 24)
    if hours == 0:
        return {"phrase": "phrases.duration.whole_days", "params": {"d": str(days)}}
    return {"phrase": "phrases.duration.days", "params": {"d": str(days), "h": str(hours)}}
