"""Turn an order as clients send it (contract field names) into an ``Order``.

Every field is read on its own, so one bad value gives one ``{field, message}`` error and
the rest of the order is still checked; the caller annotates only error-free orders.
"""
from decimal import Decimal, InvalidOperation

from .beijing_time import parse_time
from .cells import clean_cell
from .errors import InputError, InvalidNumber, UnknownValue
from .model import (COMPETITORS, MERCHANT_TYPES, PAYMENT_METHODS, PLATFORMS, AfterSales, Order,
                    PriceCommitment, PriceHistory, PriceMatchClaim, PriceProtection, RedEnvelope,
                    ReturnRequest, Services)
from .money import to_money

# JD's Chinese words for the codes the contract uses.
PLATFORM_WORDS = {"京东": "jd", "京东商城": "jd", "京东国际": "jd_international", "京喜": "jingxi"}
PAYMENT_WORDS = {"在线支付": "online", "货到付款": "cod", "online": "online", "cod": "cod"}
COMPETITOR_WORDS = {"拼多多百亿补贴": "pdd_billion_subsidy", "百亿补贴": "pdd_billion_subsidy",
                    "拼多多": "pdd_billion_subsidy", "天猫": "tmall"}
STATUS_WORDS = {
    "等待付款": "unpaid", "待付款": "unpaid",
    "等待出库": "wait_ship", "待出库": "wait_ship", "等待发货": "wait_ship", "待发货": "wait_ship",
    "等待确认收货": "shipped", "已出库": "shipped", "已发货": "shipped", "待收货": "shipped",
    "完成": "completed", "已完成": "completed", "交易完成": "completed", "已收货": "completed",
    "已取消": "cancelled", "取消": "cancelled", "订单取消": "cancelled",
    "锁定": "locked", "已锁定": "locked", "暂停": "locked",
}
AMOUNTS_KEPT = 4096
_amounts = {}
_TRUE = {"true", "1", "yes", "y", "是", "有", "已开通", "开通", "√"}
_FALSE = {"false", "0", "no", "n", "否", "无", "未开通", ""}


def _text(value):
    if value is None:
        return None
    return clean_cell(value if isinstance(value, str) else str(value)) or None


def _code(choices, words, what, what_en):
    def parse(value):
        text = _text(value)
        if text is None:
            return None
        code = words.get(text) or text.lower()
        if code not in choices:
            raise UnknownValue(f"未知的{what} {text!r}（可选：{', '.join(choices)}）",
                               f"unknown {what_en} {text!r} (one of: {', '.join(choices)})")
        return code
    return parse


def parse_bool(value):
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else None
    raise InvalidNumber(f"应为是/否，收到 {text[:20]!r}", f"expected true/false, got {text[:20]!r}")


def parse_int(value):
    if type(value) is int:
        if value < 0:
            raise InvalidNumber("应为非负整数", "expected a non-negative whole number")
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if value is None or (isinstance(value, str) and not _text(value)):
        return None
    if isinstance(value, bool):
        raise InvalidNumber("应为整数", "expected a whole number")
    try:
        number = Decimal(_text(value) if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise InvalidNumber(f"应为整数，收到 {str(value)[:20]!r}", f"expected a whole number, got {str(value)[:20]!r}") from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise InvalidNumber("应为非负整数", "expected a non-negative whole number")
    return int(number)


def _status(value):
    text = _text(value)
    return None if text is None else STATUS_WORDS.get(text, text.lower())


def _money(value):
    """An amount; each distinct text is read once (prices repeat across a merchant's orders)."""
    if isinstance(value, str):
        amount = _amounts.get(value)
        if amount is None:
            if not clean_cell(value):
                return None
            amount = to_money(value)
            if len(_amounts) >= AMOUNTS_KEPT:
                _amounts.clear()
            _amounts[value] = amount
        return amount
    return None if value is None else to_money(value)


def _decimal(value):
    amount = _money(value)
    return None if amount is None else Decimal(amount)


def _str(value):
    return _text(value)


def _upper(value):
    text = _text(value)
    return text.upper() if text else None


parse_platform = _code(PLATFORMS, PLATFORM_WORDS, "平台", "platform")
_GROUPS = {
    "price_match": (PriceMatchClaim, {
        "competitor_platform": _code(COMPETITORS, COMPETITOR_WORDS, "比价平台", "competitor platform"),
        "competitor_paid_amount": _money, "competitor_monthly_sales": parse_int,
        "same_product": parse_bool, "custom_product": parse_bool, "claimed_at": parse_time, "service_mark": parse_bool,
        "merchant_type": _code(MERCHANT_TYPES, {"京东小店": "jd_xiaodian", "第三方": "pop"}, "商家类型", "merchant type"),
        "exited_at": parse_time, "jd_paid_amount": _money}),
    "price_commitment": (PriceCommitment, {"unit_price": _money, "post_window_lowest_price": _money, "claimed": parse_bool}),
    "price_history": (PriceHistory, {"baseline_price": _money, "peak_price": _money, "activity_price": _money}),
    "price_protection": (PriceProtection, {"days": parse_int, "unit_price": _money, "lowest_price_after": _money}),
    "red_envelope": (RedEnvelope, {"qualifying": parse_bool, "activity_end": parse_time, "refunded_at": parse_time}),
    "return_request": (ReturnRequest, {
        "requested_at": parse_time, "no_reason_excluded": parse_bool, "user_level": _upper,
        "in_lightning_scope": parse_bool, "credit_limit": _money, "waybill_uploaded_at": parse_time, "pickup": parse_bool}),
    "after_sales": (AfterSales, {"delay_report_approved": parse_bool, "negotiated": parse_bool}),
    "services": (Services, {"freight_insurance": parse_bool, "lightning_refund": parse_bool}),
}
_FIELDS = {
    "platform": parse_platform, "campaign": _str,
    "placed_at": parse_time, "paid_at": parse_time,
    "payment_method": _code(PAYMENT_METHODS, PAYMENT_WORDS, "支付方式", "payment method"),
    "order_status": _status,
    "promised_ship_by": parse_time, "shown_ship_by": parse_time, "shipped_at": parse_time,
    "picked_up_at": parse_time, "received_at": parse_time,
    "paid_amount": _money, "quantity": parse_int, "weight_kg": _decimal,
    "subsidy_activity": _str, "subsidy_amount": _money,
}
ORDER_FIELDS = ("order_id", *_FIELDS, *_GROUPS)
GROUP_FIELDS = {name: tuple(spec) for name, (_, spec) in _GROUPS.items()}


def _error(field, e: InputError) -> dict:
    return {"field": field, "message": e.message, "message_en": e.message_en}


def parse_order(raw, *, defaults=None) -> tuple[Order | None, list]:
    """``(order, [])`` or ``(None, errors)``; ``defaults`` fill fields the order leaves empty."""
    if not isinstance(raw, dict):
        return None, [{"field": "", "message": "订单必须是 JSON 对象", "message_en": "an order must be a JSON object"}]
    errors = []
    order_id = _text(raw.get("order_id"))
    if order_id is None:
        errors.append({"field": "order_id", "message": "缺少订单号", "message_en": "order_id is missing"})
    values = {}
    present = raw
    if defaults:
        fill = {k: v for k, v in defaults.items() if k in _FIELDS and raw.get(k) in (None, "")}
        if fill:
            present = {**raw, **fill}
    for name, value in present.items():
        if value is None:
            continue
        parse = _FIELDS.get(name)
        if parse is not None:
            try:
                parsed = parse(value)
            except InputError as e:
                errors.append(_error(name, e))
                continue
            if parsed is not None:
                values[name] = parsed
            continue
        group_spec = _GROUPS.get(name)
        if group_spec is None:
            continue
        if not isinstance(value, dict):
            errors.append({"field": name, "message": "应为 JSON 对象", "message_en": "must be a JSON object"})
            continue
        kind, spec = group_spec
        parts = {}
        for key, part in value.items():
            parse = spec.get(key)
            if parse is None or part is None:
                continue
            try:
                parsed = parse(part)
            except InputError as e:
                errors.append(_error(f"{name}.{key}", e))
                continue
            if parsed is not None:
                parts[key] = parsed
        values[name] = kind(**parts)
    if errors:
        return None, errors
    return Order(order_id=order_id, **values), []
