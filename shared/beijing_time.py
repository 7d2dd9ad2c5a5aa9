"""Platform time: every JD time is Beijing time (Asia/Shanghai); naive input means Beijing.

Elapsed time is measured on the time line, not the wall clock: China kept daylight saving from
1986 to 1991, and Python subtracts and adds aware datetimes of one tzinfo by their wall clocks.
``elapsed`` and ``after`` go through UTC for such times; from 1992 on both agree and the
fast direct arithmetic is used."""
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Final, overload
from zoneinfo import ZoneInfo

from .cells import PROTECTION
from .errors import InvalidTime

BEIJING: Final = ZoneInfo("Asia/Shanghai")
# JD exports write "not set" as 0001-01-01 00:00:00 or the Unix epoch (1970-01-01 08:00:00
# Beijing); no JD order is that old, so any time up to 1970 means "not set".
SENTINELS: Final = frozenset({"0000-00-00 00:00:00", "0000-00-00"})
LAST_NOT_SET_YEAR: Final = 1970
# Far-future times cannot be a JD order's, and adding a deadline to them would overflow.
FIRST_REFUSED_YEAR: Final = 9000
_DAY_END: Final = time(23, 59, 59)
UTC8_ALL_YEAR_FROM: Final = 1992
_TWO_DIGITS: Final = tuple(f"{n:02d}" for n in range(60))
UTC: Final = timezone.utc
# Longer than any way of writing a time; refused before any parsing.
MAX_TIME_TEXT: Final = 64
# What merchants type besides ISO 8601 and JD's form, once full-width characters are folded
# (NFKC): 2022/6/16 10:00, 2022.6.16, 2022年6月16日 10:00, 2022年6月16日10时00分.
_TYPED: Final = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.(\d{1,6}))?)?\s*[分秒]?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?", re.ASCII)


def _unreadable(value: str) -> InvalidTime:
    return InvalidTime(f"无法识别的时间 {value[:40]!r}", f"unreadable time {value[:40]!r}")


def _typed_time(text: str, value: str) -> datetime:
    """The general reader, for what ``fromisoformat`` does not take (see ``_TYPED``)."""
    if text.isascii():
        folded = text
        controls = not text.isprintable()
    else:
        folded = unicodedata.normalize("NFKC", text)
        controls = any(unicodedata.category(c)[0] == "C" for c in folded)
    if controls:
        raise InvalidTime(f"时间中含控制字符 {value[:40]!r}", f"control character inside the time {value[:40]!r}")
    match = _TYPED.fullmatch(folded.strip())
    if match is None:
        raise _unreadable(value)
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    iso_text = f"{year}-{int(month):02d}-{int(day):02d}T{int(hour or 0):02d}:{int(minute or 0):02d}:{int(second or 0):02d}"
    if fraction:
        iso_text += "." + fraction.ljust(6, "0")
    if offset:
        iso_text += offset
    try:
        return datetime.fromisoformat(iso_text)
    except ValueError:
        raise _unreadable(value) from None


def parse_time(value, *, sentinels: bool = True) -> datetime | None:
    """An aware Beijing datetime, or None for an empty value or (``sentinels``) a "not set" one.

    JD's ``2022-06-01 10:15:00`` and ISO 8601 take the fast path (``fromisoformat``); what
    merchants type otherwise (full-width digits, ``2022/6/16 10:00``, ``2022年6月16日 10:00``)
    goes to ``_typed_time``. Texts over ``MAX_TIME_TEXT`` characters and control characters
    (a NUL inside a time) are refused."""
    if isinstance(value, str):
        if len(value) > MAX_TIME_TEXT:
            raise InvalidTime(f"时间文本过长（{len(value)} 个字符）", f"time text too long ({len(value)} characters)")
        text = value.strip(PROTECTION)  # clean_cell, inlined: every time of every order comes here
        if "/" in text:  # Excel's 2022/06/16 10:00:00 is ISO but for its slashes
            text = text.replace("/", "-")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:  # blanks and "not set" (year 0000) fail here too, kept off the fast path
            if not text or text in SENTINELS:
                return None
            dt = _typed_time(text, value)
        else:
            # fromisoformat takes any one character between date and time (and before an offset),
            # and stops at a NUL: a control character can hide there, so it is looked for.
            if not text.isprintable():
                dt = _typed_time(text, value)
    elif isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time())
    elif value is None:
        return None
    else:
        raise InvalidTime("不是时间", "not a time")
    if not LAST_NOT_SET_YEAR < dt.year < FIRST_REFUSED_YEAR:
        if dt.year <= LAST_NOT_SET_YEAR and sentinels:
            return None
        raise InvalidTime(f"时间超出范围 {value!s:.40}", f"time out of range {value!s:.40}")
    if dt.tzinfo is None:
        return datetime.combine(dt, dt.time(), BEIJING)  # a datetime is a date: no dt.date() needed
    return dt.astimezone(BEIJING)


def end_of_day(dt: datetime) -> datetime:
    """23:59:59 Beijing time of the Beijing day that holds ``dt``."""
    return datetime.combine(beijing(dt).date(), _DAY_END, BEIJING)


@lru_cache(maxsize=64)
def days(count: int) -> timedelta:
    """``timedelta(days=count)``, made once: rules add the same few periods to every order."""
    return timedelta(days=count)


@lru_cache(maxsize=64)
def hours(count: int) -> timedelta:
    """``timedelta(hours=count)``, made once, as ``days``."""
    return timedelta(hours=count)


def end_of_day_after(dt: datetime, count: int) -> datetime:
    return datetime.combine(beijing(dt).date() + days(count), _DAY_END, BEIJING)


def beijing(dt: datetime) -> datetime:
    """``dt`` on the one ``BEIJING`` tzinfo: aware datetimes sharing a tzinfo compare without
    computing offsets, which keeps the rules fast; all core and rule-data times go through here."""
    return dt if dt.tzinfo is BEIJING else dt.astimezone(BEIJING)


@overload
def iso(dt: datetime) -> str: ...


@overload
def iso(dt: datetime | None) -> str | None: ...


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 with the Beijing offset, as ``isoformat`` gives it.

    Beijing has kept UTC+8 all year since 1992 (no daylight saving after 1991), so a whole-second
    time from then on is written from its fields: ``isoformat`` looks the offset up on every call
    and costs two to three times as much, and results carry several times per order."""
    if dt is None:
        return None
    if dt.tzinfo is not BEIJING:
        dt = dt.astimezone(BEIJING)
    if dt.microsecond or dt.year < UTC8_ALL_YEAR_FROM:
        return dt.isoformat()
    return f"{dt.year}-{_TWO_DIGITS[dt.month]}-{_TWO_DIGITS[dt.day]}T{_TWO_DIGITS[dt.hour]}:{_TWO_DIGITS[dt.minute]}:{_TWO_DIGITS[dt.second]}+08:00"


@lru_cache(maxsize=256)
def rule_iso(dt: datetime) -> str:
    """``iso`` of a time that repeats across orders (a campaign's window ends, its activity end and
    what follows from it; a day's end, 23:59:59, which every deadline counted in days is): the
    same few for a batch, each formatted once."""
    return iso(dt)


def sheet_text(iso_text: str) -> str:
    """``sheet_time`` of a time ``iso`` has already formatted, without formatting it again."""
    return iso_text[:10] + " " + iso_text[11:19]


def sheet_time(dt: datetime | None) -> str:
    """``2022-06-20 10:00:00``: the form JD exports use and spreadsheets read as a date."""
    return "" if dt is None else sheet_text(iso(dt))


def elapsed(start: datetime, end: datetime) -> timedelta:
    """``end - start`` on the time line (see the module docstring)."""
    if start.year >= UTC8_ALL_YEAR_FROM and end.year >= UTC8_ALL_YEAR_FROM:
        return end - start
    return end.astimezone(UTC) - start.astimezone(UTC)


def after(dt: datetime, delta: timedelta) -> datetime:
    """``dt + delta`` on the time line, in Beijing time (48 h after a payment is 48 real hours)."""
    if dt.year >= UTC8_ALL_YEAR_FROM:
        return dt + delta
    return (dt.astimezone(UTC) + delta).astimezone(BEIJING)


_HUNDREDTH_HOUR: Final = timedelta(seconds=36)


def hours_up(delta: timedelta) -> float:
    """``delta`` in hours, rounded up to the hundredth: one second late reads 0.01 h, never 0.0 h."""
    return -(-delta // _HUNDREDTH_HOUR) / 100


def hours_down(delta: timedelta) -> float:
    """``delta`` in hours, rounded down to the hundredth: time left never reads more than there is."""
    return (delta // _HUNDREDTH_HOUR) / 100
