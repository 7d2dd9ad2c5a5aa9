"""What every rule sees besides the order: the time of the check and the rule data."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..campaigns import Calendar, Campaign
from ..catalog import Catalog, Params
from ..model import Findings, Flag, Skip

ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Context:
    as_of: datetime
    params: Params
    catalog: Catalog
    calendar: Calendar
    campaign: Campaign | None


def skip(out: Findings, rule: str, missing: tuple, message: str, message_en: str) -> None:
    out.skipped.append(Skip(rule, message, message_en, missing))


def flag(out: Findings, code: str, severity: str, rule: str, message: str, message_en: str, **facts) -> None:
    out.flags.append(Flag(code, severity, rule, message, message_en, facts))


def missing_fields(message_rule_zh: str, message_rule_en: str, missing: tuple) -> tuple[str, str]:
    names = ", ".join(missing)
    return f"缺少 {names}，无法判断{message_rule_zh}", f"missing {names}; cannot evaluate {message_rule_en}"
