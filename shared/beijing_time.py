"""Platform time: every JD time is Beijing time (Asia/Shanghai); naive input means Beijing."""
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .cells import clean_cell
from .errors import InvalidTime

BEIJING = ZoneInfo("Asia/Shanghai")
# JD exports write "not set" as 0001-01-01 00:00:00 or the Unix epoch (1970-01-01 08:00:00
# Beijing); no JD order is that old, so any time up to 1970 means "not set".
SENTINELS = frozenset({"0000-00-00 00:00:00", "0000-00-00"})
LAST_NOT_SET_YEAR = 1970
# Far-future times cannot be a JD order's, and adding a deadline to them would overflow.
FIRST_REFUSED_YEAR = 9000
_DAY_END = time(23, 59, 59)
UTC8_ALL_YEAR_FROM = 1992
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))


def parse_time(value, *, sentinels: bool = True) -> datetime | None:
    """An aware Beijing datetime, or None for an empty value or (``sentinels``) a "not set" one."""
    if isinstance(value, str):
        text = clean_cell(value)
        if not text or text in SENTINELS:
            return None
        if "/" in text:
            text = text.replace("/", "-")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidTime(f"无法识别的时间 {value[:40]!r}", f"unreadable time {value[:40]!r}") from None
    elif isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time())
    elif value is None:
        return None
    else:
        raise InvalidTime("不是时间", "not a time")
    year = dt.year
    if year <= LAST_NOT_SET_YEAR and sentinels:
        return None
    if not LAST_NOT_SET_YEAR < year < FIRST_REFUSED_YEAR:
        raise InvalidTime(f"时间超出范围 {value!s:.40}", f"time out of range {value!s:.40}")
    if dt.tzinfo is None:
        return datetime.combine(dt.date(), dt.time(), BEIJING)
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
    what follows from it): the same few for every order, formatted once."""
    return iso(dt)


def sheet_text(iso_text: str) -> str:
    """``sheet_time`` of a time ``iso`` has already formatted, without formatting it again."""
    return iso_text[:10] + " " + iso_text[11:19]


def sheet_time(dt: datetime | None) -> str:
    """``2022-06-20 10:00:00``: the form JD exports use and spreadsheets read as a date."""
    return "" if dt is None else sheet_text(iso(dt))


def hours_between(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)
