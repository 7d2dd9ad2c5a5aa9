"""After-sales rules, seeds 000, 001, 003: RETURN-7DAY, LIGHTNING-REFUND, FREIGHT-INSURANCE,
FREE-PICKUP-RETURN, REVERSE-VALUE-PROTECTION, ASSESSMENT-EXEMPT (LATE-GUARANTEE is store-level)."""
from ..beijing_time import end_of_day_after, iso, sheet_text, sheet_time
from ..money import money_str
from .context import ONE_SECOND, flag, missing_fields, rule, skip


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
        flag(out, "RETURN_NO_REASON_EXCLUDED", "info", "RETURN-7DAY", "该商品不适用 7 天无理由退货",
             "This item is excluded from 7-day no-reason returns")
        return
    if order.received_at is None:
        if request is not None or order.order_status in ("shipped", "completed"):
            skip(out, "RETURN-7DAY", ("received_at",), *missing_fields("7 天无理由退货期", "the 7-day return window", ("received_at",)))
        return
    days = ctx.params.return_days
    return_by = end_of_day_after(order.received_at, days)
    out.deadlines["return_by"] = return_by_iso = iso(return_by)
    facts = {"received_at": iso(order.received_at), "return_by": return_by_iso, "days": days}
    when = sheet_text(return_by_iso)
    if request is not None and request.requested_at is not None:
        facts["requested_at"] = iso(request.requested_at)
        if request.requested_at < return_by + ONE_SECOND:
            flag(out, "RETURN_REQUEST_IN_WINDOW", "warning", "RETURN-7DAY",
                 f"退货申请在 7 天无理由期内（截止 {when}），须受理", f"Return requested within the 7-day window (until {when}): accept it", **facts)
        else:
            flag(out, "RETURN_WINDOW_CLOSED", "info", "RETURN-7DAY",
                 f"退货申请晚于 7 天无理由期（截止 {when}）", f"Return requested after the 7-day window closed ({when})", **facts)
        return
    if ctx.as_of < return_by + ONE_SECOND:
        flag(out, "RETURN_WINDOW_OPEN", "info", "RETURN-7DAY", f"7 天无理由退货期至 {when}",
             f"7-day no-reason returns open until {when}", **facts)
    else:
        flag(out, "RETURN_WINDOW_CLOSED", "info", "RETURN-7DAY", f"7 天无理由退货期已于 {when} 结束",
             f"The 7-day return window closed at {when}", **facts)


@rule("LIGHTNING-REFUND", reads=("return_request", "paid_amount", "services"))
def lightning_refund(order, ctx, out) -> None:
    """LIGHTNING-REFUND: S2+ users, in-scope returns within the credit limit are refunded on waybill upload."""
    request = order.return_request
    if request is None or request.no_reason_excluded:
        return
    if request.lightning_order:  # the after-sales export's 是否闪退订单 = 是: JD has already refunded
        amount = request.refund_amount if request.refund_amount is not None else order.paid_amount
        refunded = f" ¥{money_str(amount)}" if amount is not None else ""
        flag(out, "LIGHTNING_REFUNDED", "info", "LIGHTNING-REFUND",
             f"闪退订单：京东已先行退款{refunded}，退货寄回后请及时验收",
             f"Lightning-refund order: JD refunded{refunded} before the goods come back; inspect them on arrival",
             refund_amount=money_str(amount) if amount is not None else None)
        return
    if all(v is None for v in (request.user_level, request.in_lightning_scope, request.credit_limit)):
        return
    missing = tuple(name for name, value in (
        ("return_request.user_level", request.user_level), ("return_request.in_lightning_scope", request.in_lightning_scope),
        ("return_request.credit_limit", request.credit_limit), ("paid_amount", order.paid_amount)) if value is None)
    if missing:
        skip(out, "LIGHTNING-REFUND", missing, *missing_fields("闪电退款", "the lightning refund", missing))
        return
    minimum = _level(ctx.params.lightning_min_user_level)
    level = _level(request.user_level)
    facts = {"user_level": request.user_level, "in_lightning_scope": request.in_lightning_scope,
             "credit_limit": money_str(request.credit_limit), "paid_amount": money_str(order.paid_amount)}
    if level is None or level < minimum or not request.in_lightning_scope or order.paid_amount > request.credit_limit \
            or (order.services is not None and order.services.lightning_refund is False):
        return
    triggered = request.waybill_uploaded_at is not None or bool(request.pickup)
    if triggered:
        facts["waybill_uploaded_at"] = iso(request.waybill_uploaded_at)
        flag(out, "LIGHTNING_REFUND_DUE", "warning", "LIGHTNING-REFUND",
             f"闪电退款：{request.user_level} 用户已{'上传运单' if request.waybill_uploaded_at else '预约上门取件'}，¥{money_str(order.paid_amount)} 将先行退款",
             f"Lightning refund: the {request.user_level} user has {'uploaded a waybill' if request.waybill_uploaded_at else 'booked a pickup'}; ¥{money_str(order.paid_amount)} is refunded before the goods return",
             **facts)
    else:
        flag(out, "LIGHTNING_REFUND_ELIGIBLE", "info", "LIGHTNING-REFUND",
             "符合闪电退款：用户上传有效运单后即先行退款", "Lightning refund applies once the user uploads a valid waybill", **facts)


@rule("FREIGHT-INSURANCE", reads=("services", "platform", "campaign", "paid_at", "placed_at"))
def campaign_services(order, ctx, out) -> None:
    """FREIGHT-INSURANCE and LIGHTNING-REFUND: stores in the campaign must enable both in the window."""
    campaign, services = ctx.campaign, order.services
    required = campaign.section("requirements") if campaign else None
    if not required or services is None:
        return
    for key, rule, code, zh, en in (
            ("freight_insurance", "FREIGHT-INSURANCE", "FREIGHT_INSURANCE_REQUIRED", "运费险", "return-freight insurance"),
            ("lightning_refund", "LIGHTNING-REFUND", "LIGHTNING_REFUND_REQUIRED", "闪电退款", "lightning refund")):
        if required.get(key) and getattr(services, key) is False:
            flag(out, code, "violation", rule, f"{campaign.title} 活动期间须开通{zh}", f"{campaign.title_en} requires {en} during the window",
                 campaign=campaign.id)


@rule("FREE-PICKUP-RETURN", reads=("return_request", "services"))
def free_pickup_return(order, ctx, out) -> None:
    """FREE-PICKUP-RETURN: with freight insurance and lightning refund, a pickup return is free."""
    request, services = order.return_request, order.services
    if request is None or not request.pickup or services is None:
        return
    if services.freight_insurance and services.lightning_refund:
        flag(out, "FREE_PICKUP_RETURN", "info", "FREE-PICKUP-RETURN", "免费上门取退：消费者选择上门取件，退货运费由运费险承担",
             "Free pickup return: the consumer chose pickup; freight insurance pays the return")


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
        flag(out, "REVERSE_VALUE_PROTECTED", "info", "REVERSE-VALUE-PROTECTION",
             "逆向保价：揽收时发现货损由平台先行赔付商家", "Return value protection: damage found at pickup is paid to you in advance", **facts)
    else:
        flag(out, "REVERSE_VALUE_NOT_COVERED", "info", "REVERSE-VALUE-PROTECTION",
             f"实付 ¥{money_str(order.paid_amount)} ≥ ¥{params.reverse_value_threshold}，{sheet_time(params.reverse_value_high_from)} 前不在逆向保价范围",
             f"Paid ¥{money_str(order.paid_amount)} ≥ ¥{params.reverse_value_threshold}: not covered before {sheet_time(params.reverse_value_high_from)}",
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
        flag(out, "NEGOTIATION_SETTLED", "info", "ASSESSMENT-EXEMPT", "友好协商成功：该服务单不会被售后治理规则命中",
             "Settled by friendly negotiation: the after-sales governance rules do not hit this order")


# What a delayed-after-sales report carries (seed 001): 服务单号、报备原因、延迟时间、证明图片.
_DELAY_REPORT = {"delay_report_service_id": ("服务单号", "service order number"),
                 "delay_report_reason": ("报备原因", "reason"),
                 "delay_report_delayed_to": ("延迟时间", "delay time"),
                 "delay_report_proof": ("证明图片", "proof pictures")}


def _delay_report(order, out, approved, report: dict) -> None:
    """An approved report (``approved`` True: the v1 true/false, or with its content) removes the
    service order from assessment; a filed one not yet approved says what it still needs."""
    facts = {name: iso(value) if name == "delay_report_delayed_to" else value
             for name, value in report.items() if value is not None}
    reported = report["delay_report_service_id"]
    service_id = order.return_request.service_id if order.return_request is not None else None
    if reported is not None and service_id is not None and reported != service_id:
        flag(out, "DELAY_REPORT_OTHER_SERVICE_ORDER", "info", "ASSESSMENT-EXEMPT",
             f"延迟售后报备的服务单号 {reported[:40]} 不是本服务单 {service_id[:40]}：不从考核数据中剔除",
             f"The delay report names service order {reported[:40]}, not this one ({service_id[:40]}): not removed from assessment",
             **facts, service_id=service_id)
        return
    lacking = [name for name, value in report.items() if value is None or value is False]
    lacking_zh = "、".join(_DELAY_REPORT[name][0] for name in lacking)
    lacking_en = ", ".join(_DELAY_REPORT[name][1] for name in lacking)
    if lacking:
        facts["unverified"] = [f"after_sales.{name}" for name in lacking]
    if approved:
        zh, en = "延迟售后报备已通过：该服务单从考核数据中剔除", "Delayed after-sales report approved: this service order is removed from assessment data"
        if lacking:
            zh, en = zh + f"（报备内容未提供：{lacking_zh}）", en + f" (report content not given: {lacking_en})"
        flag(out, "ASSESSMENT_EXEMPT", "info", "ASSESSMENT-EXEMPT", zh, en, **facts)
        return
    zh, en = "延迟售后报备待审核：通过后该服务单从考核数据中剔除", "Delayed after-sales report filed: once approved, this service order leaves assessment data"
    if lacking:
        zh, en = zh + f"；报备还需：{lacking_zh}", en + f"; the report still needs: {lacking_en}"
    flag(out, "DELAY_REPORT_PENDING", "info", "ASSESSMENT-EXEMPT", zh, en, **facts)


RULES = (return_window, lightning_refund, campaign_services, free_pickup_return, reverse_value_protection,
         assessment_exempt)
