"""After-sales rules, seeds 000, 001, 003: RETURN-7DAY, LIGHTNING-REFUND, FREIGHT-INSURANCE,
FREE-PICKUP-RETURN, REVERSE-VALUE-PROTECTION, ASSESSMENT-EXEMPT (LATE-GUARANTEE is store-level)."""
from typing import Final

from ..beijing_time import end_of_day_after, iso, rule_iso, sheet_text, sheet_time
from ..messages import bilingual, listed, phrase, say
from ..money import money_str
from .context import ONE_SECOND, flag, rule, skip, wanting


def _level(text):
    """魔镜 level 'S2' → 2; None when unreadable."""
    if text and text[0] == "S" and text[1:].isdigit():
        return int(text[1:])
    return None


@rule("RETURN-7DAY", reads=("return_request", "received_at", "order_status"))
def return_window(order, ctx, out) -> None:
    """RETURN-7DAY: 7 days from the day after receipt, to 23:59:59 of the 7th day."""
    request = order.return_request
    if request is not None and request.no_reason_excluded:
        flag(out, "RETURN_NO_REASON_EXCLUDED", "info", "RETURN-7DAY", say("RETURN_NO_REASON_EXCLUDED"))
        return
    if order.received_at is None:
        if request is not None or order.order_status in ("shipped", "completed"):
            skip(out, "RETURN-7DAY", ("received_at",), wanting("return_window", ("received_at",)), "missing_value")
        return
    days = ctx.params.return_days
    return_by = end_of_day_after(order.received_at, days)
    out.deadlines["return_by"] = return_by_iso = rule_iso(return_by)
    facts = {"received_at": iso(order.received_at), "return_by": return_by_iso, "days": days}
    when = sheet_text(return_by_iso)
    if request is not None and request.requested_at is not None:
        facts["requested_at"] = iso(request.requested_at)
        if request.requested_at < return_by + ONE_SECOND:
            flag(out, "RETURN_REQUEST_IN_WINDOW", "warning", "RETURN-7DAY", say("RETURN_REQUEST_IN_WINDOW", until=when),
                 **facts)
        else:
            flag(out, "RETURN_WINDOW_CLOSED", "info", "RETURN-7DAY", say("return_requested_late", until=when), **facts)
        return
    if ctx.as_of < return_by + ONE_SECOND:
        flag(out, "RETURN_WINDOW_OPEN", "info", "RETURN-7DAY", say("RETURN_WINDOW_OPEN", until=when), **facts)
    else:
        flag(out, "RETURN_WINDOW_CLOSED", "info", "RETURN-7DAY", say("RETURN_WINDOW_CLOSED", until=when), **facts)


@rule("LIGHTNING-REFUND", reads=("return_request", "paid_amount", "services"))
def lightning_refund(order, ctx, out) -> None:
    """LIGHTNING-REFUND (seed 000): for an S2+ user, returned goods in the lightning categories whose
    money is within the credit limit are refunded once the waybill is uploaded, or once JD's courier
    has picked the return up. The money is the refund (退款金额) when known: a partial return
    refunds the returned goods, not the whole order; else the order's paid amount."""
    request = order.return_request
    if request is None or request.no_reason_excluded:
        return
    if request.lightning_order:  # the after-sales export's 是否闪退订单 = 是: JD has already refunded
        amount = request.refund_amount if request.refund_amount is not None else order.paid_amount
        refunded = money_str(amount) if amount is not None else None
        flag(out, "LIGHTNING_REFUNDED", "info", "LIGHTNING-REFUND",
             say("LIGHTNING_REFUNDED", amount=refunded) if refunded else say("lightning_refunded_no_amount"),
             refund_amount=refunded)
        return
    if all(v is None for v in (request.user_level, request.in_lightning_scope, request.credit_limit)):
        return
    refund = request.refund_amount
    amount = refund if refund is not None else order.paid_amount
    missing = tuple(name for name, value in (
        ("return_request.user_level", request.user_level), ("return_request.in_lightning_scope", request.in_lightning_scope),
        ("return_request.credit_limit", request.credit_limit), ("paid_amount", amount)) if value is None)
    if missing:
        skip(out, "LIGHTNING-REFUND", missing, wanting("lightning_refund", missing), "missing_value")
        return
    minimum = _level(ctx.params.lightning_min_user_level)
    level = _level(request.user_level)
    if level is None or level < minimum or not request.in_lightning_scope or amount > request.credit_limit \
            or (order.services is not None and order.services.lightning_refund is False):
        return
    facts = {"user_level": request.user_level, "in_lightning_scope": request.in_lightning_scope,
             "credit_limit": money_str(request.credit_limit), "paid_amount": money_str(order.paid_amount)
             if order.paid_amount is not None else None}
    if refund is not None:
        facts["refund_amount"] = money_str(refund)
    picked_up = request.picked_up_at
    if picked_up is not None:
        facts["picked_up_at"] = iso(picked_up)
    if request.waybill_uploaded_at is not None:
        done = phrase("lightning.waybill")
    elif request.pickup and picked_up is not None and picked_up <= ctx.as_of:
        done = phrase("lightning.pickup")
    else:  # seed 000: the refund starts after the waybill upload or the pickup (上门取件后), not at booking
        flag(out, "LIGHTNING_REFUND_ELIGIBLE", "info", "LIGHTNING-REFUND",
             say("lightning_refund_awaiting_pickup" if request.pickup else "LIGHTNING_REFUND_ELIGIBLE"), **facts)
        return
    facts["waybill_uploaded_at"] = iso(request.waybill_uploaded_at)
    flag(out, "LIGHTNING_REFUND_DUE", "warning", "LIGHTNING-REFUND",
         say("LIGHTNING_REFUND_DUE", user_level=f"{request.user_level}", done=done, amount=money_str(amount)), **facts)


@rule("FREIGHT-INSURANCE", reads=("services", "platform", "campaign", "paid_at", "placed_at"))
def campaign_services(order, ctx, out) -> None:
    """FREIGHT-INSURANCE and LIGHTNING-REFUND: stores in the campaign must enable both in the window."""
    campaign, services = ctx.campaign, order.services
    required = campaign.section("requirements") if campaign else None
    if not required or services is None:
        return
    for key, rule_id, code in (("freight_insurance", "FREIGHT-INSURANCE", "FREIGHT_INSURANCE_REQUIRED"),
                               ("lightning_refund", "LIGHTNING-REFUND", "LIGHTNING_REFUND_REQUIRED")):
        if required.get(key) and getattr(services, key) is False:
            flag(out, code, "violation", rule_id, say(code, campaign=bilingual(campaign.title, campaign.title_en)),
                 campaign=campaign.id)


@rule("FREE-PICKUP-RETURN", reads=("return_request", "services"))
def free_pickup_return(order, ctx, out) -> None:
    """FREE-PICKUP-RETURN: with freight insurance and lightning refund, a pickup return is free."""
    request, services = order.return_request, order.services
    if request is None or not request.pickup or services is None:
        return
    if services.freight_insurance and services.lightning_refund:
        flag(out, "FREE_PICKUP_RETURN", "info", "FREE-PICKUP-RETURN", say("FREE_PICKUP_RETURN"))


@rule("REVERSE-VALUE-PROTECTION", reads=("return_request", "services", "paid_amount"))
def reverse_value_protection(order, ctx, out) -> None:
    """REVERSE-VALUE-PROTECTION: damage found at return pickup is paid to the merchant in advance."""
    request, services = order.return_request, order.services
    if request is None or services is None or not services.freight_insurance:
        return
    at = request.requested_at or ctx.as_of
    rule = ctx.catalog.rules["REVERSE-VALUE-PROTECTION"]
    if not rule.in_force(at) or order.paid_amount is None:
        return
    params = ctx.params
    covered = order.paid_amount < params.reverse_value_threshold or at >= params.reverse_value_high_from
    facts = {"paid_amount": str(order.paid_amount), "threshold": money_str(params.reverse_value_threshold),
             "return_at": ctx.as_of_iso if at is ctx.as_of else iso(at)}
    if covered:
        flag(out, "REVERSE_VALUE_PROTECTED", "info", "REVERSE-VALUE-PROTECTION", say("REVERSE_VALUE_PROTECTED"), **facts)
    else:
        flag(out, "REVERSE_VALUE_NOT_COVERED", "info", "REVERSE-VALUE-PROTECTION",
             say("REVERSE_VALUE_NOT_COVERED", paid_amount=money_str(order.paid_amount),
                 threshold=f"{params.reverse_value_threshold}", covered_from=sheet_time(params.reverse_value_high_from)),
             **facts)


@rule("ASSESSMENT-EXEMPT", reads=("after_sales",))
def assessment_exempt(order, ctx, out) -> None:
    """ASSESSMENT-EXEMPT: approved delay reports leave assessment; negotiated orders escape governance."""
    after = order.after_sales
    if after is None:
        return
    report = {name: getattr(after, name) for name in _DELAY_REPORT}
    if after.delay_report_approved or after.delay_report_approved is None and any(v is not None for v in report.values()):
        _delay_report(order, out, after.delay_report_approved, report)
    if after.negotiated:
        flag(out, "NEGOTIATION_SETTLED", "info", "ASSESSMENT-EXEMPT", say("NEGOTIATION_SETTLED"))


# What a delayed-after-sales report carries (seed 001): 服务单号、报备原因、延迟时间、证明图片
# (their words: phrases.delay_report in the vocabulary).
_DELAY_REPORT: Final = ("delay_report_service_id", "delay_report_reason", "delay_report_delayed_to", "delay_report_proof")


def _delay_report(order, out, approved, report: dict) -> None:
    """An approved report (``approved`` True: the v1 true/false, or with its content) removes the
    service order from assessment; a filed one not yet approved says what it still needs."""
    facts = {name: iso(value) if name == "delay_report_delayed_to" else value
             for name, value in report.items() if value is not None}
    reported = report["delay_report_service_id"]
    service_id = order.return_request.service_id if order.return_request is not None else None
    if reported is not None and service_id is not None and reported != service_id:
        flag(out, "DELAY_REPORT_OTHER_SERVICE_ORDER", "info", "ASSESSMENT-EXEMPT",
             say("DELAY_REPORT_OTHER_SERVICE_ORDER", reported=reported[:40], service_id=service_id[:40]),
             **facts, service_id=service_id)
        return
    lacking = [name for name, value in report.items() if value is None or value is False]
    if lacking:
        facts["unverified"] = [f"after_sales.{name}" for name in lacking]
        items = listed([phrase("delay_report." + name) for name in lacking], "comma")
    if approved:
        said = say("assessment_exempt_lacking", lacking=items) if lacking else say("ASSESSMENT_EXEMPT")
        flag(out, "ASSESSMENT_EXEMPT", "info", "ASSESSMENT-EXEMPT", said, **facts)
        return
    said = say("delay_report_pending_lacking", lacking=items) if lacking else say("DELAY_REPORT_PENDING")
    flag(out, "DELAY_REPORT_PENDING", "info", "ASSESSMENT-EXEMPT", said, **facts)


RULES = (return_window, lightning_refund, campaign_services, free_pickup_return, reverse_value_protection,
         assessment_exempt)
