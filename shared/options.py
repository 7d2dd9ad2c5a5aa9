"""The options of one run: which rule families, the at-risk threshold, the campaign, the detail.

Built and checked once where a request or a command comes in (the API's ``options``, the
export and digest commands' and ``jdpg sheets``' arguments, which Apps Script reaches through
the API), then passed unchanged to the engine (``Engine.annotate``, ``annotate_batch``,
``RowAnnotator``). Adding an option: a field here (checked in ``__post_init__``), its
argument in ``add_arguments`` if a merchant sets it on the command line, and its field in
``server/schemas.py``'s ``OptionsSchema`` if the API takes it.
"""
import argparse
import math
from dataclasses import dataclass

from .model import FAMILIES

# options.detail: "full" renders every message (contract v1); "lean" leaves the words to the client.
DETAILS = ("full", "lean")
# The largest at-risk threshold accepted (hours): ten days, beyond any ship-by window.
AT_RISK_HOURS_MAX = 240


class BadOption(ValueError):
    """An option that cannot be used, naming the option and the problem."""

    def __init__(self, option: str, message: str, message_en: str):
        super().__init__(f"{option}: {message_en}")
        self.option = option
        self.message = message
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class Options:
    """``families``: the rule families to run, in the catalog's order (None: all of them, and the
    summary has no per-family totals); ``at_risk_hours``: hours before the ship-by deadline a
    pending order counts as at risk (None: the catalog's parameter); ``campaign``: the campaign
    id for orders that name none (None: the campaign in force at the order's time);
    ``detail``: ``full`` results carry sentences, ``lean`` their words (``shared.messages``)."""

    families: tuple[str, ...] | None = None
    at_risk_hours: float | None = None
    campaign: str | None = None
    detail: str = "full"

    def __post_init__(self):
        if self.families is not None:
            names = [self.families] if isinstance(self.families, str) else list(self.families)
            unknown = [name for name in names if name not in FAMILIES]
            if unknown or not names:
                raise BadOption("families", f"规则类别应为 {'、'.join(FAMILIES)} 中的一个或多个，收到 {unknown or names!r}",
                                f"rule families must be one or more of {', '.join(FAMILIES)}, got {unknown or names!r}")
            object.__setattr__(self, "families", tuple(f for f in FAMILIES if f in names))
        hours = self.at_risk_hours
        if hours is not None:
            if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not math.isfinite(hours) \
                    or not 0 <= hours <= AT_RISK_HOURS_MAX:
                raise BadOption("at_risk_hours", f"即将超时的小时数应为 0 到 {AT_RISK_HOURS_MAX} 之间的数，收到 {hours!r}",
                                f"at-risk hours must be a number from 0 to {AT_RISK_HOURS_MAX}, got {hours!r}")
            # Hours are a float wherever they are read (the catalog declares it): 24, not 24 here and
            # 24.0 in the compiled build, which converts an int where a float is declared.
            object.__setattr__(self, "at_risk_hours", float(hours))
        if self.campaign is not None and (not isinstance(self.campaign, str) or not self.campaign.strip()):
            raise BadOption("campaign", f"活动 ID 应为非空文字，收到 {self.campaign!r}",
                            f"the campaign id must be non-empty text, got {self.campaign!r}")
        if self.detail not in DETAILS:
            raise BadOption("detail", f"detail 应为 {'、'.join(DETAILS)} 之一，收到 {self.detail!r}",
                            f"detail must be one of {', '.join(DETAILS)}, not {self.detail!r}")

    @property
    def rule_families(self) -> tuple[str, ...]:
        """The families whose rules run."""
        return FAMILIES if self.families is None else self.families

    def check_campaign(self, calendar) -> "Options":
        """``self``, when its campaign is one of ``calendar``'s (or none is named)."""
        if self.campaign is not None and calendar.get(self.campaign) is None:
            known = "、".join(sorted(calendar.campaigns))
            raise BadOption("campaign", f"未知的活动 {self.campaign!r}（已知：{known}）",
                            f"unknown campaign {self.campaign!r} (known: {', '.join(sorted(calendar.campaigns))})")
        return self


DEFAULT = Options()


def add_arguments(parser: argparse.ArgumentParser, campaigns=()) -> None:
    """The options a merchant sets on the command line (``jdpg annotate``, ``jdpg digest``,
    ``jdpg sheets annotate``): one definition, read back by ``from_arguments``. ``campaigns``:
    the known campaign ids, listed in ``--help``."""
    parser.add_argument("--families", metavar="类别,…",
                        help=f"只运行这些规则类别 run only these rule families, comma-separated: {','.join(FAMILIES)} "
                             "(default: all)")
    parser.add_argument("--at-risk-hours", type=float, metavar="小时",
                        help="截止前多少小时算即将超时 hours before the ship-by deadline a pending order counts as "
                             "at risk (default: the rules' own)")
    known = f" (已知 known: {', '.join(campaigns)})" if campaigns else ""
    parser.add_argument("--campaign", help=f"活动 ID campaign id for orders whose row names none{known}")


def from_arguments(args: argparse.Namespace, calendar=None) -> Options:
    """The options of ``add_arguments``' arguments; raises ``BadOption`` (the campaign checked
    against ``calendar`` when given)."""
    families = None
    if args.families is not None:
        families = tuple(name.strip() for name in args.families.split(",") if name.strip())
    options = Options(families=families, at_risk_hours=args.at_risk_hours, campaign=args.campaign)
    return options if calendar is None else options.check_campaign(calendar)
