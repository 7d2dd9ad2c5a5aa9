"""Promotion rules, seed 004: RED-ENVELOPE-3FOR3 (满3免3 red-envelope share)."""
from typing import Final

from ..beijing_time import end_of_day_after, iso, rule_iso, sheet_time
from ..messages import fixed, say
from ..money import fen, money_str
from .context import flag, owe, rule, skip, wanting

_NO_DATA: Final = fixed(say("skip_no_red_envelope"))


@rule("RED-ENVELOPE-3FOR3", reads=("red_envelope", "paid_amount", "order_status", "platform", "campaign", "paid_at", "placed_at"))
def red_envelope(order, ctx, out) -> None:
    """Envelope = paid amount capped at 10 yuan, shared 1:1; a refund inside settlement returns the share."""
    envelope_in = order.red_envelope
    campaign = ctx.campaign
    section = campaign.section("red_envelope") if campaign else None
    if envelope_in is None:
        if section is not None:
            skip(out, "RED-ENVELOPE-3FOR3", ("red_envelope.qualifying",), _NO_DATA, "missing_value")
        return
    if envelope_in.qualifying is False or order.order_status in ("cancelled", "unpaid"):
        return
    section = section or {}
    activity_end = envelope_in.activity_end or section.get("activity_end")
    concluded = order.concluded_at
    concluded_field = "placed_at" if order.payment_method == "cod" else "paid_at"
    missing = tuple(name for name, value in (("red_envelope.qualifying", envelope_in.qualifying),
                                             ("red_envelope.activity_end", activity_end),
                                             ("paid_amount", order.paid_amount), (concluded_field, concluded))
                    if value is None)
    if missing:
        skip(out, "RED-ENVELOPE-3FOR3", missing, wanting("red_envelope", missing), "missing_value")
        return
    # Seed 004 counts orders completed within the activity (用户在活动时间内完成3笔满免订单).
    activity_start = ctx.campaign.start if section else None
    if concluded > activity_end or (activity_start is not None and concluded < activity_start):
        flag(out, "RED_ENVELOPE_OUTSIDE_ACTIVITY", "info", "RED-ENVELOPE-3FOR3",
             say("RED_ENVELOPE_OUTSIDE_ACTIVITY", concluded_at=sheet_time(concluded), activity_end=sheet_time(activity_end)),
             **{concluded_field: iso(concluded)}, activity_end=rule_iso(activity_end))
        return
    params = ctx.params
    cap = section.get("cap", params.red_envelope_cap)
    share_ratio = section.get("merchant_share", params.red_envelope_merchant_share)
    settlement_days = section.get("settlement_days", params.red_envelope_settlement_days)
    envelope = min(order.paid_amount, cap)
    share = fen(envelope * share_ratio)
    # 结算周期为活动结束后的28天: days, ending 23:59:59 Beijing time like every day-based deadline.
    settlement_end = end_of_day_after(activity_end, settlement_days)
    settlement_end_iso = rule_iso(settlement_end)
    out.deadlines["red_envelope_settlement_end"] = settlement_end_iso
    facts = {"paid_amount": money_str(order.paid_amount), "envelope": money_str(envelope), "cap": money_str(cap),
             "merchant_share": money_str(share), "activity_end": rule_iso(activity_end),
             "settlement_end": settlement_end_iso}
    refunded = envelope_in.refunded_at
    if refunded is not None and refunded <= settlement_end:
        flag(out, "RED_ENVELOPE_SHARE_RETURNED", "info", "RED-ENVELOPE-3FOR3",
             say("RED_ENVELOPE_SHARE_RETURNED", settlement_end=sheet_time(settlement_end), share=f"{share}"), **facts,
             refunded_at=iso(refunded))
        return
    if refunded is not None:
        said = say("red_envelope_refunded_late", settlement_end=sheet_time(settlement_end), share=f"{share}")
        facts["refunded_at"] = iso(refunded)
    else:
        said = say("RED_ENVELOPE_SHARE", envelope=f"{envelope}", share=f"{share}")
    flag(out, "RED_ENVELOPE_SHARE", "info", "RED-ENVELOPE-3FOR3", said, **facts)
    owe(out, "RED-ENVELOPE-3FOR3", share, said, facts, payee="platform")


RULES = (red_envelope,)
