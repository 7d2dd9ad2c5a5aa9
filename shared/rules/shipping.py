"""Shipping rules (发货时效), seed 004: SHIP-DEADLINE, SHIP-SUBSIDY, SHIP-SURCHARGE."""
import math
from datetime import timedelta
from decimal import Decimal
from typing import Final

from ..beijing_time import after, elapsed, hours, hours_down, hours_up, iso, sheet_text, sheet_time
from ..messages import bilingual, duration, fixed, phrase, say
from ..money import fen, money_str
from ..vocabulary import STATUS_MEANINGS
from .context import flag, lose, rule, skip, wanting

SHIPPED_STATUSES: Final = frozenset({"shipped", "completed"})
FLAGGED_STATUSES: Final = frozenset({"shipped_late", "overdue", "at_risk"})
_HALF_KG: Final = Decimal("0.5")
_NO_TIME: Final = timedelta(0)
# JD shows its promise time to the minute: a shown time in whole minutes within a minute of the
# rule's is the same deadline; one shown with seconds is exact, and binds when it is earlier.
_SAME_MINUTE: Final = timedelta(minutes=1)
# Why a deadline is what it is, by what decides it: the same few phrases recur across a batch.
_WHY: Final[dict] = {}
_WHY_KEPT: Final = 1024


def _named_campaign_not_applied(order, ctx, out) -> None:
    """A named campaign applies only inside its window (``Engine.resolve_campaign``): an order
    concluded outside it is worked out without that campaign's rules, and this says so."""
    named = order.campaign
    campaign = ctx.calendar.get(named)
    at = order.concluded_at or order.ordered_at
    if campaign is None or campaign.platform != order.platform or at is None:
        return  # an unknown campaign or one of another platform is an input error, reported as such
    applied = phrase("campaign_applied.campaign", campaign=bilingual(ctx.campaign.title, ctx.campaign.title_en)) \
        if ctx.campaign else phrase("campaign_applied.defaults")
    flag(out, "CAMPAIGN_OUTSIDE_WINDOW", "info", "SHIP-DEADLINE",
         say("CAMPAIGN_OUTSIDE_WINDOW", concluded_at=sheet_time(at), campaign=bilingual(campaign.title, campaign.title_en),
             start=sheet_time(campaign.start), end=sheet_time(campaign.end), applied=applied),
         named_campaign=named, concluded_at=iso(at), window=[iso(campaign.start), iso(campaign.end)],
         campaign=ctx.campaign.id if ctx.campaign else None)


@rule("SHIP-DEADLINE", reads=("order_status", "paid_at", "placed_at", "payment_method", "promised_ship_by", "shown_ship_by", "picked_up_at", "shipped_at", "platform", "campaign"))
def ship_deadline(order, ctx, out) -> None:
    """SHIP-DEADLINE: 96 h on a campaign's 96 h days, else the campaign's or default hours."""
    if order.campaign is not None and (ctx.campaign is None or ctx.campaign.id != order.campaign):
        _named_campaign_not_applied(order, ctx, out)
    concluded = order.concluded_at
    if concluded is None or order.order_status is not None:
        unjudged = _no_deadline(order, "ship_deadline")
        if unjudged is not None:
            skip(out, "SHIP-DEADLINE", *unjudged)
            return
    campaign = ctx.campaign
    extended_day = campaign is not None and concluded.date() in campaign.extended_days
    if campaign is None:
        allowed = ctx.params.default_ship_hours
    elif extended_day:
        allowed = campaign.extended_hours
    else:
        allowed = campaign.ship_hours
    platform_deadline = after(concluded, hours(allowed))
    rule_deadline, basis = platform_deadline, "platform"
    if order.promised_ship_by is not None and order.promised_ship_by < platform_deadline:
        rule_deadline, basis = order.promised_ship_by, "merchant_promise"
    # The merchant is measured against what JD shows (承诺发货时间): an earlier shown time binds.
    shown = order.shown_ship_by
    shift = None if shown is None else elapsed(rule_deadline, shown)
    differs = shift is not None and (abs(shift) >= _SAME_MINUTE if shown.second == 0 == shown.microsecond
                                     else shift != _NO_TIME)
    deadline = rule_deadline
    if differs and shift < _NO_TIME:
        deadline, basis = shown, "jd_shown"

    shipped_basis: str | None
    shipped_at, shipped_basis = order.picked_up_at, "picked_up_at"
    if shipped_at is None and order.shipped_at is not None:
        shipped_at, shipped_basis = order.shipped_at, "shipped_at"
    late_by = hours_left = gap = None
    if shipped_at is not None:
        gap = elapsed(deadline, shipped_at)
        if gap > _NO_TIME:
            status, late_by = "shipped_late", hours_up(gap)
        else:
            status = "shipped_on_time"
    elif order.order_status in SHIPPED_STATUSES:
        shipped_basis = "order_status"
        status = "shipped_on_time" if elapsed(ctx.as_of, deadline) >= _NO_TIME else "shipped_time_unknown"
    else:
        shipped_basis = None
        gap = elapsed(ctx.as_of, deadline)
        if gap < _NO_TIME:
            gap = -gap
            status, late_by = "overdue", hours_up(gap)
        else:
            hours_left = hours_down(gap)
            status = "at_risk" if gap < ctx.at_risk_window else "pending"

    deadline_iso = iso(deadline)
    out.ship = result = {
        "deadline": deadline_iso, "hours_allowed": allowed, "status": status, "late_by_hours": late_by,
        "hours_left": hours_left, "rule": "SHIP-DEADLINE", "basis": basis, "shipped_basis": shipped_basis,
        "platform_deadline": deadline_iso if platform_deadline is deadline else iso(platform_deadline),
        "shown_ship_by": iso(shown), "at_risk_hours": ctx.params.at_risk_hours}
    out.deadlines["ship_by"] = deadline_iso
    if differs or status in FLAGGED_STATUSES:
        _explain(order, ctx, out, result, extended_day, shipped_at, differs, gap, rule_deadline)


def _no_deadline(order, subject: str):
    """Why the order has no ship-by deadline, as ``(missing fields, words, gap)``, or None when it
    has one; ``gap`` (``context.GAPS``) is None when there is nothing to ship. ``subject`` names
    what cannot be judged when a time is missing (``phrases.subject``)."""
    status = order.order_status
    if status is not None:
        meaning = STATUS_MEANINGS.get(status)
        if meaning is None:  # a word we do not know is never taken as "to ship"
            return ("order_status",), say("ui.unknown_status_reason", word=phrase("quoted", text=status)), "unknown_status"
        if not meaning["ship"]:
            return (), say(f"order_status.meanings.{status}.why"), None
    if order.concluded_at is None:
        # 成交 is payment, or placement for cash on delivery (never the cash collected at the door).
        field = "placed_at" if order.payment_method == "cod" else "paid_at"
        return (field,), wanting(subject, (field,)), "missing_value"
    return None


def _explain(order, ctx, out, ship: dict, extended_day: bool, shipped_at, differs: bool, gap, rule_deadline) -> None:
    """The SHIP-DEADLINE flags with their reasons; worked out only for orders that get a flag.
    ``gap`` is the time late or left; the words round it as the status reads (late up, left down)."""
    campaign, concluded = ctx.campaign, order.concluded_at
    status, allowed, basis, deadline_iso = ship["status"], ship["hours_allowed"], ship["basis"], ship["deadline"]
    shipped_basis = ship["shipped_basis"]
    concluded_field = "placed_at" if order.payment_method == "cod" else "paid_at"
    facts = {concluded_field: iso(concluded), "hours_allowed": allowed, "deadline": deadline_iso,
             "campaign": campaign.id if campaign else None, "extended_day": extended_day, "basis": basis}
    why = _why(basis, campaign, concluded.date() if extended_day else None, allowed)
    when = sheet_text(deadline_iso)
    if status == "shipped_late":
        flag(out, "LATE_SHIPMENT", "violation", "SHIP-DEADLINE",
             say("LATE_SHIPMENT", late=duration(gap, up=True), deadline=when, why=why,
                 via=phrase("ship_via." + shipped_basis)),
             **facts, shipped=iso(shipped_at), shipped_basis=shipped_basis)
    elif status == "overdue":
        flag(out, "SHIP_OVERDUE", "violation", "SHIP-DEADLINE",
             say("SHIP_OVERDUE", late=duration(gap, up=True), deadline=when, why=why), **facts, as_of=ctx.as_of_iso)
    elif status == "at_risk":
        flag(out, "SHIP_AT_RISK", "warning", "SHIP-DEADLINE",
             say("SHIP_AT_RISK", left=duration(gap, up=False), deadline=when, why=why), **facts, as_of=ctx.as_of_iso)
    if differs:
        flag(out, "SHIP_PROMISE_DIFFERS", "info", "SHIP-DEADLINE",
             say("SHIP_PROMISE_DIFFERS", shown=sheet_time(order.shown_ship_by), rule_deadline=sheet_time(rule_deadline),
                 why=why),
             **facts, shown_ship_by=iso(order.shown_ship_by), rule_deadline=iso(rule_deadline))


def _why(basis: str, campaign, extended_date, allowed) -> dict:
    """The phrase saying why the deadline is what it is; ``extended_date`` on a 96 h day."""
    key = (basis, campaign and (campaign.id, campaign.title, campaign.title_en), extended_date, allowed)
    why = _WHY.get(key)
    if why is None:
        if basis != "platform":
            why = phrase("ship_why." + basis)
        elif campaign is None:
            why = phrase("ship_why.default", hours=f"{allowed}")
        elif extended_date is not None:
            why = phrase("ship_why.extended_day", campaign=bilingual(campaign.title, campaign.title_en),
                         date=f"{extended_date}", hours=f"{allowed}")
        else:
            why = phrase("ship_why.campaign", campaign=bilingual(campaign.title, campaign.title_en), hours=f"{allowed}")
        if len(_WHY) >= _WHY_KEPT:
            _WHY.clear()
        why = _WHY[key] = fixed(why)
    return why


@rule("SHIP-SUBSIDY", reads=("subsidy_activity", "subsidy_amount", "subsidy_cap", "order_status", "paid_at", "placed_at", "payment_method", "promised_ship_by", "shown_ship_by", "picked_up_at", "shipped_at", "platform", "campaign"))
def subsidy(order, ctx, out) -> None:
    """SHIP-SUBSIDY: a late order in a subsidy activity (百亿补贴, 京享礼金…) gets no subsidy."""
    ship = out.ship
    if not order.subsidy_activity and order.subsidy_amount is None:
        return
    if ship is None:  # no deadline, so no lateness: say why, as SHIP-DEADLINE does
        skip(out, "SHIP-SUBSIDY", *(_no_deadline(order, "subsidy") or (("paid_at",), wanting("subsidy", ("paid_at",)), "missing_value")))
        return
    if ship["status"] not in ("shipped_late", "overdue"):
        return
    activity = order.subsidy_activity or phrase("subsidy.unnamed_activity")
    amount, cap = order.subsidy_amount, order.subsidy_cap
    # Subsidy activities set a subsidy cap (补贴上限, seed 004): no more than the cap can be lost.
    lost = amount if amount is None or cap is None or amount <= cap else cap
    if lost is None:
        said = say("subsidy_forfeited_no_amount", activity=activity)
    elif lost is cap:
        said = say("subsidy_forfeited_capped", activity=activity, lost=money_str(lost), cap=money_str(cap))
    else:
        said = say("SUBSIDY_FORFEITED", activity=activity, lost=money_str(lost))
    facts = {"subsidy_activity": order.subsidy_activity, "subsidy_amount": money_str(amount) if amount is not None else None,
             "ship_status": ship["status"]}
    if cap is not None:
        facts["subsidy_cap"] = money_str(cap)
    elif amount is not None:
        facts["unverified"] = ["subsidy_cap"]
    flag(out, "SUBSIDY_FORFEITED", "violation", "SHIP-SUBSIDY", said, **facts)
    if lost is not None and lost > 0:
        lose(out, "SHIP-SUBSIDY", fen(lost), said, {"subsidy_activity": order.subsidy_activity})


@rule("SHIP-SURCHARGE", reads=("weight_kg", "paid_at", "placed_at", "payment_method", "platform"))
def surcharge(order, ctx, out) -> None:
    """SHIP-SURCHARGE (info): carriers add 0.5–1 yuan per 0.5 kg in the promo warm-up."""
    if order.weight_kg is None:
        return
    at = order.concluded_at
    if at is None:
        return
    campaign = ctx.calendar.surcharge_for(order.platform, at)
    if campaign is None:
        return
    sec = campaign.section("surcharge")
    steps = max(1, math.ceil(order.weight_kg / _HALF_KG))
    low, high = fen(sec["per_half_kg_low"] * steps), fen(sec["per_half_kg_high"] * steps)
    flag(out, "SHIP_SURCHARGE_ESTIMATE", "info", "SHIP-SURCHARGE",
         say("SHIP_SURCHARGE_ESTIMATE", weight_kg=f"{order.weight_kg}", low=f"{low}", high=f"{high}"),
         weight_kg=str(order.weight_kg), low=money_str(low), high=money_str(high), campaign=campaign.id)


RULES = (ship_deadline, subsidy, surcharge)
