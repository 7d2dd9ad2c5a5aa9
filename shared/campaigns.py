"""Campaign calendars: one TOML file per campaign, validated at load, found by paid time.

A user adds next year's 618 or an 11.11 by dropping a file into ``data/campaigns`` or into
a folder of their own (``load_calendar(extra_dir)``); no code changes.
"""
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .build import DATA_DIR
from .beijing_time import beijing
from .errors import DataFileError
from .model import PLATFORMS

BUILTIN_DIR = DATA_DIR / "campaigns"

# section -> {field: type}; "source" and "assumption" are allowed everywhere.
_SCHEMA = {
    "": {"id": str, "platform": str, "title": str, "title_en": str, "source": str},
    "window": {"start": datetime, "end": datetime},
    "shipping": {"hours": int, "extended_hours": int, "extended_days": list},
    "price_commitment": {"post_window_start": datetime, "post_window_end": datetime},
    "red_envelope": {"activity_end": datetime, "cap": Decimal, "merchant_share": Decimal, "settlement_days": int},
    "surcharge": {"start": datetime, "end": datetime, "per_half_kg_low": Decimal, "per_half_kg_high": Decimal},
    "daily_risk": {"very_high_orders": int, "high_orders": int, "slow_progress_share": Decimal,
                   "slow_progress_after_hours": int, "very_many_late_orders": int},
    "requirements": {"freight_insurance": bool, "lightning_refund": bool, "no_dropshipping": bool},
}
_REQUIRED = {"": ("id", "platform", "title", "title_en"), "window": ("start", "end"), "shipping": ("hours",)}
_NOTES = ("source", "assumption")

# Ranges checked at load, so that a typo (hours = 1e15, an end in 9999, a surcharge of 1e30) is refused
# with its file and field instead of overflowing in every order that meets it.
YEARS = (2000, 2100)
MAX_HOURS = 720  # 30 days: longer than any ship limit or 96 h extension JD has announced
MAX_DAYS = 366
MAX_ORDER_COUNT = 10_000_000
MAX_YUAN = Decimal("100000")
_MAXIMA = {"shipping.hours": MAX_HOURS, "shipping.extended_hours": MAX_HOURS,
           "daily_risk.slow_progress_after_hours": MAX_HOURS, "red_envelope.settlement_days": MAX_DAYS,
           "daily_risk.very_high_orders": MAX_ORDER_COUNT, "daily_risk.high_orders": MAX_ORDER_COUNT,
           "daily_risk.very_many_late_orders": MAX_ORDER_COUNT,
           "red_envelope.merchant_share": Decimal(1), "daily_risk.slow_progress_share": Decimal(1),
           "red_envelope.cap": MAX_YUAN, "surcharge.per_half_kg_low": MAX_YUAN, "surcharge.per_half_kg_high": MAX_YUAN}


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    platform: str
    title: str
    title_en: str
    start: datetime
    end: datetime
    ship_hours: int
    extended_hours: int | None
    extended_days: frozenset
    sections: dict
    notes: dict
    path: str

    def contains(self, at: datetime) -> bool:
        return self.start <= at <= self.end

    def section(self, name: str) -> dict | None:
        return self.sections.get(name)

    def to_dict(self) -> dict:
        def plain(v):
            if isinstance(v, (datetime, date)):
                return v.isoformat()
            if isinstance(v, Decimal):
                return str(v)
            if isinstance(v, (list, tuple, frozenset)):
                return [plain(x) for x in sorted(v)] if isinstance(v, frozenset) else [plain(x) for x in v]
            return v
        return {"id": self.id, "platform": self.platform, "title": self.title, "title_en": self.title_en,
                "window": {"start": plain(self.start), "end": plain(self.end)},
                "shipping": {"hours": self.ship_hours, "extended_hours": self.extended_hours,
                             "extended_days": plain(self.extended_days)},
                **{name: {k: plain(v) for k, v in sec.items()} for name, sec in self.sections.items()},
                "notes": self.notes}


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _check(path, where, key, value, kind):
    field = f"{where}.{key}" if where else key
    maximum = _MAXIMA.get(field)
    if kind is datetime:
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise DataFileError(path, field, "must be a date-time with an offset, e.g. 2022-06-20T23:59:59+08:00")
        if not YEARS[0] <= value.year <= YEARS[1]:
            raise DataFileError(path, field, f"year must be between {YEARS[0]} and {YEARS[1]}, got {value.year}")
        return beijing(value)
    if kind is Decimal:
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            raise DataFileError(path, field, f"not a number: {_shown(value)}") from None
        if isinstance(value, bool) or not result.is_finite() or result < 0:
            raise DataFileError(path, field, f"not a finite non-negative number: {_shown(value)}")
        if maximum is not None and result > maximum:
            raise DataFileError(path, field, f"must be at most {maximum}, got {_shown(value)}")
        return result
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise DataFileError(path, field, f"must be a positive whole number, got {_shown(value)}")
        if maximum is not None and value > maximum:
            raise DataFileError(path, field, f"must be at most {maximum}, got {_shown(value)}")
        return value
    if kind is list:
        if not isinstance(value, list) or not all(type(d) is date for d in value):
            raise DataFileError(path, field, "must be a list of dates such as 2022-06-18")
        return value
    if not isinstance(value, kind):
        raise DataFileError(path, field, f"must be {kind.__name__}, got {_shown(value)}")
    return value


def parse_campaign(path: Path, data: dict) -> Campaign:
    sections, notes = {}, {}
    for key, value in data.items():
        if key in _SCHEMA and key and isinstance(value, dict):
            schema = _SCHEMA[key]
            checked = {}
            for k, v in value.items():
                if k in _NOTES:
                    notes[f"{key}.{k}"] = str(v)
                elif k in schema:
                    checked[k] = _check(path, key, k, v, schema[k])
                else:
                    raise DataFileError(path, f"{key}.{k}", "unknown field")
            for k in _REQUIRED.get(key, ()):
                if k not in checked:
                    raise DataFileError(path, f"{key}.{k}", "missing")
            sections[key] = checked
        elif key in _NOTES:
            notes[key] = str(value)
        elif key in _SCHEMA[""]:
            sections.setdefault("", {})[key] = _check(path, "", key, value, _SCHEMA[""][key])
        else:
            raise DataFileError(path, key, "unknown field")
    top = sections.pop("", {})
    for section, keys in _REQUIRED.items():
        have = top if section == "" else sections.get(section)
        if have is None:
            raise DataFileError(path, section, "missing section")
        for k in keys:
            if k not in have:
                raise DataFileError(path, f"{section}.{k}" if section else k, "missing")
    if top["id"] != path.stem:
        raise DataFileError(path, "id", f"must equal the file name '{path.stem}'")
    if top["platform"] not in PLATFORMS:
        raise DataFileError(path, "platform", f"must be one of {', '.join(PLATFORMS)}")
    window, shipping = sections.pop("window"), sections.pop("shipping")
    if window["start"] >= window["end"]:
        raise DataFileError(path, "window.end", "must be after window.start")
    days = shipping.get("extended_days", [])
    if days and "extended_hours" not in shipping:
        raise DataFileError(path, "shipping.extended_hours", "needed when extended_days are given")
    for d in days:
        if not window["start"].date() <= d <= window["end"].date():
            raise DataFileError(path, "shipping.extended_days", f"{d} is outside the window")
    for name, (a, b) in {"price_commitment": ("post_window_start", "post_window_end"),
                         "surcharge": ("start", "end")}.items():
        sec = sections.get(name)
        if sec is not None and (a not in sec or b not in sec or sec[a] >= sec[b]):
            raise DataFileError(path, f"{name}.{b}", f"{name} needs {a} before {b}")
    return Campaign(top["id"], top["platform"], top["title"], top["title_en"], window["start"], window["end"],
                    shipping["hours"], shipping.get("extended_hours"), frozenset(days), sections, notes, str(path))


@dataclass(frozen=True, slots=True)
class Calendar:
    """All campaigns, indexed by platform and window start for lookup by paid time."""

    campaigns: dict
    _starts: dict
    _ordered: dict

    def get(self, campaign_id: str) -> Campaign | None:
        return self.campaigns.get(campaign_id)

    def find(self, platform: str, at: datetime) -> Campaign | None:
        ordered = self._ordered.get(platform)
        if not ordered:
            return None
        i = bisect_right(self._starts[platform], at) - 1
        if i >= 0 and ordered[i].contains(at):
            return ordered[i]
        return None

    def surcharge_for(self, platform: str, at: datetime) -> Campaign | None:
        """The campaign whose carrier-surcharge period (warm-up included) holds ``at``."""
        for c in self._ordered.get(platform, ()):
            sec = c.sections.get("surcharge")
            if sec is not None and sec["start"] <= at <= sec["end"]:
                return c
        return None

    def to_list(self) -> list:
        return [c.to_dict() for c in sorted(self.campaigns.values(), key=lambda c: (c.start, c.id))]


def read_toml(path) -> dict:
    """A data file's TOML, or a DataFileError naming the file: bad syntax, nesting too deep to
    parse (tomllib recurses), or not UTF-8 text."""
    with open(path, "rb") as f:
        try:
            return tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise DataFileError(path, "(syntax)", str(e)) from None
        except RecursionError:
            raise DataFileError(path, "(syntax)", "nested too deeply to read") from None
        except UnicodeDecodeError:
            raise DataFileError(path, "(syntax)", "not UTF-8 text") from None


def load_calendar(*extra_dirs) -> Calendar:
    """The built-in campaigns plus every ``*.toml`` in ``extra_dirs`` (a later file wins)."""
    campaigns = {}
    for folder in (BUILTIN_DIR, *map(Path, extra_dirs)):
        if not folder.is_dir():
            raise DataFileError(folder, "(folder)", "not a folder")
        for path in sorted(folder.glob("*.toml")):
            campaign = parse_campaign(path, read_toml(path))
            campaigns[campaign.id] = campaign
    ordered = {}
    for c in sorted(campaigns.values(), key=lambda c: c.start):
        same = ordered.setdefault(c.platform, [])
        if same and same[-1].end >= c.start:
            raise DataFileError(c.path, "window.start",
                                    f"overlaps campaign '{same[-1].id}' of the same platform")
        same.append(c)
    starts = {p: [c.start for c in cs] for p, cs in ordered.items()}
    return Calendar(campaigns, starts, ordered)
