"""annotate_order: one order and an explicit ``as_of`` in, its deadlines, flags and money out."""
from datetime import datetime
from functools import lru_cache
from decimal import Decimal

from .campaigns import Calendar
from .collector import collector_paused
from .catalog import Catalog
from .model import FAMILIES, Findings, Order
from .money import ZERO, ZERO_TEXT, money_str
from .order_input import parse_order
from .rules import after_sales, price, promotions, shipping
from .rules.context import Context

# Contexts kept for reuse: a batch needs one per campaign; a long-running server sees many as_of values.
CONTEXTS_KEPT = 256
FAMILY_RULES = {"shipping": shipping.RULES, "price": price.RULES,
                "after_sales": after_sales.RULES, "promotions": promotions.RULES}
_UNKNOWN_CAMPAIGN = ("未知的活动 {!r}", "unknown campaign {!r}")
_OTHER_PLATFORM = ("活动 {!r} 属于平台 {}，订单平台为 {}", "campaign {!r} is for platform {}, the order is {}")


@lru_cache(maxsize=16)
def rules_of(families: tuple) -> tuple:
    """The rule functions of ``families``, in order."""
    return tuple(rule for family in families for rule in FAMILY_RULES[family])


class Engine:
    """The rule data (catalog, calendar) bound once; ``annotate`` is pure in its arguments."""

    def __init__(self, catalog: Catalog, calendar: Calendar):
        self.catalog = catalog
        self.calendar = calendar
        self.params = catalog.params
        self._contexts = {}

    def context(self, as_of: datetime, at_risk_hours: float | None, campaign) -> Context:
        """The rules' context, made once per (as_of, threshold, campaign) and reused across a batch."""
        key = (as_of, at_risk_hours, campaign.id if campaign else None)
        ctx = self._contexts.get(key)
        if ctx is None:
            if len(self._contexts) >= CONTEXTS_KEPT:
                self._contexts.clear()
            params = self.params if at_risk_hours is None else self.params.with_overrides(at_risk_hours=at_risk_hours)
            ctx = self._contexts[key] = Context(as_of, params, self.catalog, self.calendar, campaign)
        return ctx

    def resolve_campaign(self, order: Order):
        """(campaign, error): the order's named campaign, else the one in force when it concluded."""
        if order.campaign is not None:
            campaign = self.calendar.get(order.campaign)
            if campaign is None:
                zh, en = _UNKNOWN_CAMPAIGN
                return None, {"field": "campaign", "message": zh.format(order.campaign), "message_en": en.format(order.campaign)}
            if campaign.platform != order.platform:
                zh, en = _OTHER_PLATFORM
                return None, {"field": "campaign", "message": zh.format(campaign.id, campaign.platform, order.platform),
                              "message_en": en.format(campaign.id, campaign.platform, order.platform)}
            return campaign, None
        at = order.concluded_at or order.ordered_at
        return (self.calendar.find(order.platform, at) if at is not None else None), None

    def annotate(self, order: Order, *, as_of: datetime, at_risk_hours: float | None = None,
                 families=FAMILIES) -> dict:
        campaign, error = self.resolve_campaign(order)
        if error is not None:
            return error_result(order.order_id, [error])
        ctx = self.context(as_of, at_risk_hours, campaign)
        out = Findings()
        for rule in rules_of(families):
            rule(order, ctx, out)
        return to_result(order.order_id, campaign, out)

    def annotate_raw(self, raw, *, as_of: datetime, defaults=None, **options) -> dict:
        order, errors = parse_order(raw, defaults=defaults)
        if errors:
            order_id = raw.get("order_id") if isinstance(raw, dict) else None
            return error_result(None if order_id is None else str(order_id), errors)
        return self.annotate(order, as_of=as_of, **options)


def to_result(order_id, campaign, out: Findings) -> dict:
    return {
        "order_id": order_id,
        "errors": [],
        "campaign": campaign.id if campaign else None,
        "ship": out.ship,
        "deadlines": out.deadlines,
        "flags": out.flags,
        "compensation": {"total": money_str(out.owed), "if_claimed_total": money_str(out.if_claimed),
                         "items": out.compensation},
        "losses": {"total": money_str(out.lost), "items": out.losses},
        "skipped": out.skipped,
        "skipped_reasons": out.skipped_reasons,
    }


def error_result(order_id, errors) -> dict:
    return {"order_id": order_id, "errors": errors, "campaign": None, "ship": None, "deadlines": {}, "flags": [],
            "compensation": {"total": ZERO_TEXT, "if_claimed_total": ZERO_TEXT, "items": []},
            "losses": {"total": ZERO_TEXT, "items": []}, "skipped": [], "skipped_reasons": {}}


class Summary:
    """Running totals over annotated results, as the API's ``summary``."""

    __slots__ = ("orders", "violations", "warnings", "compensation", "if_claimed", "losses",
                 "late", "overdue", "at_risk", "errors")

    def __init__(self):
        self.orders = self.violations = self.warnings = self.late = self.overdue = self.at_risk = self.errors = 0
        self.compensation = self.if_claimed = self.losses = ZERO

    def add(self, result: dict) -> None:
        self.orders += 1
        if result["errors"]:
            self.errors += 1
            return
        for f in result["flags"]:
            if f["severity"] == "violation":
                self.violations += 1
            elif f["severity"] == "warning":
                self.warnings += 1
        ship = result["ship"]
        if ship is not None:
            status = ship["status"]
            if status == "shipped_late":
                self.late += 1
            elif status == "overdue":
                self.overdue += 1
            elif status == "at_risk":
                self.at_risk += 1
        compensation, losses = result["compensation"], result["losses"]["total"]  # most owe nothing: no sums
        if compensation["total"] != ZERO_TEXT:
            self.compensation += Decimal(compensation["total"])
        if compensation["if_claimed_total"] != ZERO_TEXT:
            self.if_claimed += Decimal(compensation["if_claimed_total"])
        if losses != ZERO_TEXT:
            self.losses += Decimal(losses)

    def to_dict(self) -> dict:
        return {"orders": self.orders, "violations": self.violations, "warnings": self.warnings,
                "compensation_total": money_str(self.compensation), "if_claimed_total": money_str(self.if_claimed),
                "losses_total": money_str(self.losses), "late": self.late, "overdue": self.overdue,
                "at_risk": self.at_risk, "errors": self.errors}


def annotate_batch(engine: Engine, raws, *, as_of: datetime, defaults=None, **options) -> tuple[list, dict]:
    summary = Summary()
    results = []
    with collector_paused():
        for raw in raws:
            result = engine.annotate_raw(raw, as_of=as_of, defaults=defaults, **options)
            summary.add(result)
            results.append(result)
    return results, summary.to_dict()
