"""annotate_order: one order and an explicit ``as_of`` in, its deadlines, flags and money out."""
from datetime import datetime
from decimal import Decimal

from .beijing_time import iso
from .campaigns import Calendar
from .catalog import Catalog
from .model import FAMILIES, Findings, Order
from .money import ZERO, money_str
from .order_input import parse_order
from .rules import after_sales, price, promotions, shipping
from .rules.context import Context

FAMILY_RULES = {"shipping": shipping.evaluate, "price": price.evaluate,
                "after_sales": after_sales.evaluate, "promotions": promotions.evaluate}
_UNKNOWN_CAMPAIGN = ("未知的活动 {!r}", "unknown campaign {!r}")
_OTHER_PLATFORM = ("活动 {!r} 属于平台 {}，订单平台为 {}", "campaign {!r} is for platform {}, the order is {}")


class Engine:
    """The rule data (catalog, calendar) bound once; ``annotate`` is pure in its arguments."""

    def __init__(self, catalog: Catalog, calendar: Calendar):
        self.catalog = catalog
        self.calendar = calendar
        self.params = catalog.params

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
        params = self.params if at_risk_hours is None else self.params.with_overrides(at_risk_hours=at_risk_hours)
        ctx = Context(as_of, params, self.catalog, self.calendar, campaign)
        out = Findings()
        for family in families:
            FAMILY_RULES[family](order, ctx, out)
        return to_result(order.order_id, campaign, out)

    def annotate_raw(self, raw, *, as_of: datetime, defaults=None, **options) -> dict:
        order, errors = parse_order(raw, defaults=defaults)
        if errors:
            order_id = raw.get("order_id") if isinstance(raw, dict) else None
            return error_result(None if order_id is None else str(order_id), errors)
        return self.annotate(order, as_of=as_of, **options)


def _money_block(items) -> tuple[list, Decimal, Decimal]:
    owed = possible = ZERO
    out = []
    for item in items:
        if item.status == "owed":
            owed += item.amount
        else:
            possible += item.amount
        out.append({"rule": item.rule, "amount": money_str(item.amount), "payer": item.payer, "payee": item.payee,
                    "status": item.status, "message": item.message, "message_en": item.message_en, "facts": item.facts})
    return out, owed, possible


def to_result(order_id, campaign, out: Findings) -> dict:
    ship = out.ship
    items, owed, possible = _money_block(out.compensation)
    losses, lost, _ = _money_block(out.losses)
    return {
        "order_id": order_id,
        "errors": [],
        "campaign": campaign.id if campaign else None,
        "ship": None if ship is None else {
            "deadline": out.deadlines["ship_by"], "hours_allowed": ship.hours_allowed, "status": ship.status,
            "late_by_hours": ship.late_by_hours, "hours_left": ship.hours_left, "rule": "SHIP-DEADLINE",
            "basis": ship.basis, "shipped_basis": ship.shipped_basis,
            "platform_deadline": out.deadlines["ship_by"] if ship.platform_deadline is ship.deadline
            else iso(ship.platform_deadline), "shown_ship_by": iso(ship.shown_ship_by)},
        "deadlines": out.deadlines,
        "flags": [f.to_dict() for f in out.flags],
        "compensation": {"total": money_str(owed), "if_claimed_total": money_str(possible), "items": items},
        "losses": {"total": money_str(lost), "items": [{k: v for k, v in i.items() if k not in ("payer", "payee", "status")}
                                                       for i in losses]},
        "skipped": [s.rule for s in out.skipped],
        "skipped_reasons": {s.rule: {"message": s.message, "message_en": s.message_en, "missing": list(s.missing)}
                            for s in out.skipped} if out.skipped else {},
    }


def error_result(order_id, errors) -> dict:
    return {"order_id": order_id, "errors": errors, "campaign": None, "ship": None, "deadlines": {}, "flags": [],
            "compensation": {"total": "0.00", "if_claimed_total": "0.00", "items": []},
            "losses": {"total": "0.00", "items": []}, "skipped": [], "skipped_reasons": {}}


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
        self.compensation += Decimal(result["compensation"]["total"])
        self.if_claimed += Decimal(result["compensation"]["if_claimed_total"])
        self.losses += Decimal(result["losses"]["total"])

    def to_dict(self) -> dict:
        return {"orders": self.orders, "violations": self.violations, "warnings": self.warnings,
                "compensation_total": money_str(self.compensation), "if_claimed_total": money_str(self.if_claimed),
                "losses_total": money_str(self.losses), "late": self.late, "overdue": self.overdue,
                "at_risk": self.at_risk, "errors": self.errors}


def annotate_batch(engine: Engine, raws, *, as_of: datetime, defaults=None, **options) -> tuple[list, dict]:
    summary = Summary()
    results = []
    for raw in raws:
        result = engine.annotate_raw(raw, as_of=as_of, defaults=defaults, **options)
        summary.add(result)
        results.append(result)
    return results, summary.to_dict()
