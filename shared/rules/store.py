"""Store rules, seeds 000 and 004: a store's facts and its orders in, metrics out, shown as
account-health reports show them (value, target, condition, status ok / at_risk / failing /
unknown, period, reason). Each rule is a function marked ``@rule(rule_id, reads=…)`` like an order
rule; ``reads`` names the store facts (``shared.store``) and ``orders`` it uses. It records its
metrics with ``metric`` (words, never a sentence); ``shared.store.evaluate_store`` runs ``RULES``
in order.

SHIP-PICKUP-RATE, SHIP-DAILY-RISK, ADMISSION-618, RED-ENVELOPE-ENTRY, FREIGHT-INSURANCE,
LIGHTNING-REFUND, FREE-PICKUP-RETURN, LATE-GUARANTEE.
"""
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from ..beijing_time import after, elapsed, hours, iso
from ..messages import bilingual, listed, phrase, say, sentences
from ..options import Options
from .context import rule

SHIPPING_ONLY = Options(families=("shipping",))
_NO_TIME = timedelta(0)
_SHIPPED = frozenset({"shipped", "completed"})
# Rates and shares are compared exact; shown rounded down to these places, so a rate shown
# never reads as meeting a target it misses (89.995 % is 89.99 %, not 90.00 %).
_RATE_PLACES = Decimal("0.0001")
_SHARE_PLACES = Decimal("0.01")
_GRADE_EXEMPT_KINDS = frozenset({"virtual", "service", "second_hand"})


class Store:
    """What the store rules read: the store's facts (``products`` among them), its orders in the
    period, the period they span and the campaign the store is checked against."""

    __slots__ = ("facts", "orders", "period", "campaign")

    def __init__(self, facts: dict, orders: list, period: dict, campaign):
        self.facts, self.orders, self.period, self.campaign = facts, orders, period, campaign


class StoreContext:
    """The time of the check and the engine (its parameters, calendar, and the order rules some
    store rules run)."""

    __slots__ = ("as_of", "engine", "params")

    def __init__(self, as_of: datetime, engine):
        self.as_of, self.engine, self.params = as_of, engine, engine.params


def metric(out: list, rule_id, name, status, said, value=None, target=None, condition=None, period=None,
           **facts) -> None:
    """A metric of ``rule_id``; ``said`` is the words of its reason (``shared.messages.say``)."""
    reason, reason_en = sentences(said)
    out.append({"rule": rule_id, "metric": name, "value": value, "target": target, "condition": condition,
                "status": status, "period": period, "reason": reason, "reason_en": reason_en, "facts": facts})


def _verdict(part, whole, target, margin) -> str:
    """part / whole against the target without dividing: 1,808 of 2,009 (89.995 %) is below 90 %."""
    if part < target * whole:
        return "failing"
    if part < (target + margin) * whole:
        return "at_risk"
    return "ok"


def _rate_text(part, whole) -> str:
    """A rate as shown: rounded down, so it never reads as meeting a target it misses."""
    return f"{(Decimal(part) / Decimal(whole)).quantize(_RATE_PLACES, ROUND_FLOOR):.2%}"


@rule("SHIP-PICKUP-RATE", reads=("orders", "pickup_rate"))
def pickup_rate(store, ctx, out) -> None:
    """SHIP-PICKUP-RATE (seed 004: 48小时揽件率 below 90 % cannot register). An order is picked up in
    time, missed, or undetermined: still inside its 48 hours, or known to be shipped with no pickup
    or outbound time. Those shipped without a time could be either, so the rate is shown only as
    the range they leave, and a status only when the whole range has the same one."""
    params, as_of, period = ctx.params, ctx.as_of, store.period
    target, margin, window = params.pickup_rate_target, params.pickup_rate_at_risk_margin, params.pickup_rate_window_hours
    condition = f">= {target}"
    picked = decided = pending = time_unknown = 0
    allowed = hours(window)
    for order in store.orders:
        paid = order.concluded_at
        if paid is None or order.order_status in ("cancelled", "unpaid"):
            continue
        due = after(paid, allowed)
        shipped = order.picked_up_at or order.shipped_at
        if shipped is not None:
            decided += 1
            if elapsed(shipped, due) >= _NO_TIME:
                picked += 1
        elif order.order_status in _SHIPPED:
            if elapsed(as_of, due) >= _NO_TIME:  # shipped by now, and now is inside its 48 hours
                picked += 1
                decided += 1
            else:
                time_unknown += 1
        elif elapsed(due, as_of) > _NO_TIME:
            decided += 1
        else:
            pending += 1
    counts = {"picked_within_48h": picked, "decided_orders": decided, "undetermined_orders": pending + time_unknown,
              "time_unknown_orders": time_unknown}
    given = store.facts.get("pickup_rate")
    if decided == 0 and given is not None:
        status = _verdict(given, 1, target, margin)
        value = given.quantize(_RATE_PLACES, ROUND_FLOOR)
        return metric(out, "SHIP-PICKUP-RATE", "pickup_rate_48h", status,
                      say("store_pickup_rate", rate=f"{value:.2%}", verdict=phrase("pickup_rate." + status)),
                      str(value), str(target), condition, period, **counts)
    if decided + time_unknown == 0:
        return metric(out, "SHIP-PICKUP-RATE", "pickup_rate_48h", "unknown", say("store_pickup_rate_unknown"),
                      None, str(target), condition, period)
    if time_unknown:
        whole = decided + time_unknown
        low, high = _verdict(picked, whole, target, margin), _verdict(picked + time_unknown, whole, target, margin)
        status = low if low == high else "unknown"
        at_least, at_most = _rate_text(picked, whole), _rate_text(picked + time_unknown, whole)
        return metric(out, "SHIP-PICKUP-RATE", "pickup_rate_48h", status,
                      say("store_pickup_rate_range", low=at_least, high=at_most, unknown=f"{time_unknown}",
                          verdict=phrase("pickup_rate." + status)),
                      None, str(target), condition, period, **counts, rate_at_least=at_least, rate_at_most=at_most)
    status = _verdict(picked, decided, target, margin)
    value = (Decimal(picked) / Decimal(decided)).quantize(_RATE_PLACES, ROUND_FLOOR)
    return metric(out, "SHIP-PICKUP-RATE", "pickup_rate_48h", status,
                  say("store_pickup_rate", rate=f"{value:.2%}", verdict=phrase("pickup_rate." + status)),
                  str(value), str(target), condition, period, **counts)


@rule("SHIP-DAILY-RISK", reads=("orders", "campaign", "platform"))
def daily_risk(store, ctx, out) -> None:
    """SHIP-DAILY-RISK (seed 004, 日活动订单数据异常预警): per day of orders, the campaign's watch scenes."""
    engine, as_of = ctx.engine, ctx.as_of
    facts = store.facts
    by_day = defaultdict(list)
    for order in store.orders:
        if order.concluded_at is not None:
            by_day[order.concluded_at.date()].append(order)
    named = engine.calendar.get(facts["campaign"]) if facts.get("campaign") else None
    for day in sorted(by_day):
        day_orders = by_day[day]
        first = day_orders[0]
        # A named campaign watches only the days of its window, as it applies only to orders inside it.
        campaign = named if named is not None and named.contains(first.concluded_at) else \
            engine.calendar.find(facts.get("platform", first.platform), first.concluded_at)
        section = campaign.section("daily_risk") if campaign else None
        day_period = {"start": f"{day}T00:00:00+08:00", "end": f"{day}T23:59:59+08:00"}
        if section is None:
            metric(out, "SHIP-DAILY-RISK", "daily_risk", "unknown", say("store_daily_unwatched", day=f"{day}"),
                   len(day_orders), None, None, day_period)
            continue
        late = shipped = aged = 0
        for order in day_orders:
            result = engine.annotate(order, as_of=as_of, options=SHIPPING_ONLY)
            ship = result["ship"]
            if ship and ship["status"] in ("shipped_late", "overdue"):
                late += 1
            if elapsed(order.concluded_at, as_of) >= hours(section.get("slow_progress_after_hours", 24)):
                aged += 1
                if ship and ship["status"] in ("shipped_on_time", "shipped_late", "shipped_time_unknown"):
                    shipped += 1
        count = len(day_orders)
        # Compared exact (shipped < share × aged); shown rounded down, as the pickup rate.
        share = (Decimal(shipped) / Decimal(aged)).quantize(_SHARE_PLACES, ROUND_FLOOR) if aged else None
        slow = aged > 0 and shipped < section.get("slow_progress_share", 0) * aged
        scenes = []
        if count >= section.get("very_high_orders", 10**9):
            scenes.append(phrase("daily_scene.very_high_orders"))
        if count >= section.get("high_orders", 10**9) and slow:
            scenes.append(phrase("daily_scene.high_orders_slow"))
        if late >= section.get("very_many_late_orders", 10**9):
            scenes.append(phrase("daily_scene.very_many_late_orders"))
        status = "failing" if scenes else "ok"
        counts = {"day": f"{day}", "orders": f"{count}", "late": f"{late}"}
        said = say("store_daily_risk", **counts, scenes=listed(scenes, "semicolon")) if scenes else \
            say("store_daily_quiet", **counts)
        metric(out, "SHIP-DAILY-RISK", "daily_risk", status, said, count, section.get("very_high_orders"),
               f"< {section.get('very_high_orders')} orders/day", day_period,
               late_orders=late, shipped_share=None if share is None else str(share), campaign=campaign.id)


@rule("ADMISSION-618", reads=("products", "quality_grade", "violation_restricted", "dropshipping", "platform", "orders",
                              "pickup_rate"))
def admission(store, ctx, out) -> None:
    """ADMISSION-618 (seed 004, 参与活动规则须知): quality grade, violations, dropshipping, and the pickup
    rate as SHIP-PICKUP-RATE (which runs before it) found it."""
    params, facts = ctx.params, store.facts
    products = facts["products"]
    graded = [p for p in products if p.get("quality_grade") and p.get("kind") not in _GRADE_EXEMPT_KINDS]
    blocked_grade = params.admission_blocked_quality_grade
    if graded or facts.get("quality_grade"):
        bad = [p.get("sku", "?") for p in graded if p["quality_grade"] == blocked_grade]
        if facts.get("quality_grade") == blocked_grade and not graded:
            bad = ["store"]
        metric(out, "ADMISSION-618", "quality_grade", "failing" if bad else "ok",
               say("store_quality_blocked", grade=f"{blocked_grade}", blocked=", ".join(bad)) if bad
               else say("store_quality_ok"), len(bad), 0, f"no grade {blocked_grade}", blocked=bad)
    else:
        metric(out, "ADMISSION-618", "quality_grade", "unknown", say("store_quality_unknown"))
    restricted = facts.get("violation_restricted")
    metric(out, "ADMISSION-618", "violation_points", "unknown" if restricted is None else ("failing" if restricted else "ok"),
           say({None: "store_violation_unknown", True: "store_violation_restricted",
                False: "store_violation_none"}[restricted]), restricted, False, "not restricted")
    platform = facts.get("platform", "jd")
    if platform in params.admission_dropship_platforms:
        drop = facts.get("dropshipping")
        metric(out, "ADMISSION-618", "dropshipping", "unknown" if drop is None else ("failing" if drop else "ok"),
               say({None: "store_dropshipping_unknown", True: "store_dropshipping",
                    False: "store_dropshipping_none"}[drop]), drop, False, "no dropshipping")
    rate = next(m for m in out if m["rule"] == "SHIP-PICKUP-RATE")
    out.append({**rate, "rule": "ADMISSION-618", "facts": {}})  # the pickup rate, as admission needs it


@rule("RED-ENVELOPE-ENTRY", reads=("products", "wind_vane_percentile", "risk_tag", "deposit_paid"))
def red_envelope_entry(store, ctx, out) -> None:
    """RED-ENVELOPE-ENTRY (seed 004, 满3免3 报名要求): each product's price and sales, the store's standing."""
    params, facts = ctx.params, store.facts
    for product in facts["products"]:
        if "group_price" not in product:
            continue
        price = product["group_price"]
        problems = []
        if not params.entry_min_price < price <= params.entry_max_price:
            problems.append(phrase("entry.price_range", price=f"{price}", low=f"{params.entry_min_price}",
                                   high=f"{params.entry_max_price}"))
        if product.get("lowest_15d_price") is not None and price > product["lowest_15d_price"]:
            problems.append(phrase("entry.above_15d_low", low=f"{product['lowest_15d_price']}"))
        if product.get("virtual"):
            problems.append(phrase("entry.virtual"))
        if product.get("in_subsidy_activity"):
            problems.append(phrase("entry.in_subsidy_activity"))
        units = product.get("units_sold_90d")
        if units is not None and units <= params.entry_min_units_90d:
            problems.append(phrase("entry.few_units", units=f"{units}", minimum=f"{params.entry_min_units_90d}"))
        sku = product.get("sku", "?")
        metric(out, "RED-ENVELOPE-ENTRY", f"product:{sku}", "failing" if problems else "ok",
               say("store_entry_problems", problems=listed(problems, "semicolon")) if problems
               else say("store_entry_ok", sku=sku), str(price),
               f"{params.entry_min_price}–{params.entry_max_price}",
               f"{params.entry_min_price} < price <= {params.entry_max_price}")
    checks = (("wind_vane_percentile", lambda v: v <= params.entry_max_wind_vane_percentile,
               f"<= {params.entry_max_wind_vane_percentile}", phrase("entry_check.wind_vane_percentile")),
              ("risk_tag", lambda v: not v, "no risk tag", phrase("entry_check.risk_tag")),
              ("deposit_paid", lambda v: v >= params.entry_deposit, f">= {params.entry_deposit}",
               phrase("entry_check.deposit_paid", deposit=f"{params.entry_deposit}")))
    for name, ok, condition, check in checks:
        if name in facts:
            value = facts[name]
            good = ok(value)
            metric(out, "RED-ENVELOPE-ENTRY", name, "ok" if good else "failing",
                   say("store_check_met" if good else "store_check_not_met", check=check), str(value), None, condition)


@rule("FREIGHT-INSURANCE", reads=("campaign", "platform", "orders", "freight_insurance", "lightning_refund",
                                  "category_exempt"))
def campaign_services(store, ctx, out) -> None:
    """FREIGHT-INSURANCE and LIGHTNING-REFUND (seed 000): stores in the campaign must enable both."""
    campaign, facts = store.campaign, store.facts
    required = campaign.section("requirements") if campaign else None
    for key, rule_id in (("freight_insurance", "FREIGHT-INSURANCE"), ("lightning_refund", "LIGHTNING-REFUND")):
        if not required or not required.get(key):
            continue
        enabled = facts.get(key)
        service = phrase("service." + key)
        if facts.get("category_exempt"):
            status, said = "ok", say("store_service_exempt", service=service)
        elif enabled is None:
            status, said = "unknown", say("store_service_unknown", service=service)
        else:
            status = "ok" if enabled else "failing"
            said = say("store_service", campaign=bilingual(campaign.title, campaign.title_en), service=service,
                       state=phrase("service_state." + ("enabled" if enabled else "not_enabled")))
        metric(out, rule_id, key, status, said, enabled, True, "enabled",
               {"start": iso(campaign.start), "end": iso(campaign.end)}, campaign=campaign.id)


@rule("FREE-PICKUP-RETURN", reads=("freight_insurance", "lightning_refund", "category_in_pickup_scope"))
def free_pickup_label(store, ctx, out) -> None:
    """FREE-PICKUP-RETURN (seed 000): the 免费上门取退 label needs freight insurance, lightning refund
    and a category in pickup scope."""
    facts = store.facts
    if "category_in_pickup_scope" in facts or ("freight_insurance" in facts and "lightning_refund" in facts):
        shown = bool(facts.get("freight_insurance") and facts.get("lightning_refund") and facts.get("category_in_pickup_scope"))
        metric(out, "FREE-PICKUP-RETURN", "free_pickup_label", "ok" if shown else "at_risk",
               say("store_free_pickup_label" if shown else "store_free_pickup_no_label"),
               shown, True, "freight insurance + lightning refund + pickup scope")


@rule("LATE-GUARANTEE", reads=("late_guarantee", "products_without_promise_template"))
def late_guarantee(store, ctx, out) -> None:
    """LATE-GUARANTEE (seed 000, 晚必赔): a store that offers it binds a Promise template to every product."""
    facts = store.facts
    if not facts.get("late_guarantee"):
        return
    missing = facts.get("products_without_promise_template")
    if missing is None:
        metric(out, "LATE-GUARANTEE", "promise_templates", "unknown", say("store_promise_templates_unknown"),
               None, 0, "== 0")
    else:
        metric(out, "LATE-GUARANTEE", "promise_templates", "ok" if missing == 0 else "failing",
               say("store_promise_templates_all") if missing == 0
               else say("store_promise_templates_missing", count=f"{missing}"), missing, 0, "== 0")


# In this order: ADMISSION-618 repeats the pickup rate SHIP-PICKUP-RATE found.
RULES = (pickup_rate, daily_risk, admission, red_envelope_entry, campaign_services, free_pickup_label, late_guarantee)
