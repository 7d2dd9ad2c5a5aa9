"""Domain types: the order as the rules see it, and what the rules say about it.

The order and its groups are made from the field table (``shared.fields``): one slotted class
per group (``Order.price_match`` is a ``PriceMatch`` …), every field ``None`` unless given. They
are slotted but not frozen: a frozen 30-field ``__init__`` costs more than most rules; the rules
only read them. ``Order.invalid`` names the fields whose value could not be read, so the rules
that need one of them are skipped while the others still run; ``Order.warnings`` says what was
read with a remark (an amount JD marks as provisional).
"""
from dataclasses import make_dataclass
from datetime import datetime
from typing import Final

from .fields import CHOICES, GROUP_MEMBERS, TOP_LEVEL
from .money import ZERO

PLATFORMS: Final = CHOICES["platforms"]
COMPETITORS: Final = CHOICES["competitors"]
SEVERITIES: Final = ("violation", "warning", "info")
FAMILIES: Final = ("shipping", "price", "after_sales", "promotions")
SHIP_STATUSES: Final = ("shipped_on_time", "shipped_late", "pending", "at_risk", "overdue", "shipped_time_unknown")


def _class_name(group: str) -> str:
    return "".join(part.title() for part in group.split("_"))


GROUP_TYPES = {group: make_dataclass(_class_name(group), [(f.name, object, None) for f in members], slots=True)
               for group, members in GROUP_MEMBERS.items()}


def _concluded_at(self) -> datetime | None:
    """成交时间: payment confirmed; for cash on delivery, the order placed (its payment time is the
    cash collected at delivery, never its 成交 time)."""
    if self.payment_method == "cod":
        return self.placed_at
    return self.paid_at


def _ordered_at(self) -> datetime | None:
    """The time that decides which rules were in force: placed, else paid."""
    return self.placed_at or self.paid_at


Order = make_dataclass(
    "Order",
    [("order_id", str)]
    + [(f.name, object, "jd" if f.name == "platform" else None) for f in TOP_LEVEL if f.name != "order_id"]
    + [(group, object, None) for group in GROUP_TYPES]
    + [("invalid", frozenset, frozenset()), ("warnings", tuple, ())],
    slots=True,
    namespace={"concluded_at": property(_concluded_at), "ordered_at": property(_ordered_at),
               "__doc__": "One order as the rules read it (fields: shared/data/fields.toml)."})


class Findings:
    """What the rules found about one order, already in the result's JSON form.

    Rules append plain dicts (see ``rules.context``): the result is built once, as it is
    returned, instead of being built as objects and converted; money totals run alongside."""

    __slots__ = ("ship", "deadlines", "flags", "compensation", "owed", "if_claimed", "losses", "lost",
                 "skipped", "skipped_reasons", "lean")

    def __init__(self):
        self.ship = None
        self.deadlines = {}  # name -> ISO 8601 text, formatted once
        self.flags = []
        self.compensation = []
        self.losses = []
        self.skipped = []
        self.skipped_reasons = {}
        self.owed = self.if_claimed = self.lost = ZERO
        self.lean = False  # options.detail "lean": items carry their words, not sentences (rules.context)
