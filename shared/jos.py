"""JD Open Service (JOS) order payloads, as ``jingdong.pop.order.search / enSearch / enGet`` return
them, read into contract orders (the fields: docs/supported-inputs.md, "JOS order payloads").

A caller may send one ``orderInfoList`` element, a list of them, or the whole response envelope
(``jingdong_pop_order_enSearch_responce`` with JD's spelling). Each order's result then says
which JOS fields were used and which were ignored. JOS writes "not set" as
``0001-01-01 00:00:00``, and the page's own data uses epoch milliseconds for times.
"""
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .beijing_time import BEIJING

# JOS field → contract field, for the fields a rule or a column uses.
TOP_LEVEL = {
    "orderId": "order_id", "orderStartTime": "placed_at", "paymentConfirmTime": "paid_at",
    "orderState": "order_status", "payType": "payment_method", "orderPayment": "paid_amount",
    "outBoundDate": "shipped_at", "orderEndTime": "completed_at", "freightPrice": "freight_amount",
    "balanceUsed": "balance_paid", "orderType": "order_type", "orderSource": "order_source",
    "venderRemark": "merchant_note",
}
# Contract field → the JOS field it was read from (errors on a JOS order name JD's field).
JOS_NAME = {field: jos for jos, field in TOP_LEVEL.items()}
# Read from the first SKU line (itemInfoList[0]); itemTotal is summed over all lines.
FIRST_ITEM = {"skuId": "sku_id", "skuName": "item_name", "jdPrice": "unit_price"}
TIME_FIELDS = frozenset({"placed_at", "paid_at", "shipped_at", "completed_at"})
# Epoch milliseconds from 2001 on (JD began selling online in 2004) to 2100.
_EPOCH_MS = (978_307_200_000, 4_102_444_800_000)
# What a result or an error quotes of a JOS payload: JD's own texts are short, a hostile one is not.
MAX_QUOTED = 200
MAX_CODE = 40
# Unknown keys listed in a result's ``source.ignored`` (each clipped); the rest are counted.
MAX_IGNORED_LISTED = 50
MAX_KEY_QUOTED = 64


def clip(text, limit: int = MAX_QUOTED) -> str:
    """A text quoted back, cut to ``limit`` characters (a value of another type as its repr)."""
    text = text if isinstance(text, str) else repr(text)
    return text if len(text) <= limit else text[:limit] + "…"


class JosError(ValueError):
    """A JOS ``error_response`` body: JD refused the call that produced it. Its texts are quoted
    clipped, and an ``error_response`` that is not an object is quoted as it is (clipped)."""

    def __init__(self, body: dict):
        error = body.get("error_response")
        if not isinstance(error, dict):
            error = {"msg": error}
        code = error.get("code", "")
        self.code = clip(code if isinstance(code, str) else str(code) if isinstance(code, int) else repr(code), MAX_CODE)
        detail = clip(error.get("zh_desc") or error.get("en_desc") or error.get("msg") or "")
        detail_en = clip(error.get("en_desc")) if error.get("en_desc") else detail
        self.message = f"京东开放平台返回错误 {self.code}：{detail}（这不是订单数据）"
        self.message_en = f"JD Open Service returned error {self.code}: {detail_en} (not order data)"
        super().__init__(self.message_en)


class NotOrders(ValueError):
    """A JOS response envelope whose order list is not a list (``"orderInfoList": "oops"``)."""

    def __init__(self, key: str, value):
        self.message = f"京东开放平台返回的 {key} 不是列表（收到 {clip(value, 40)}），没有可读取的订单"
        self.message_en = f"the JD Open Service response's {key} is not a list (got {clip(value, 40)}): no orders to read"
        super().__init__(self.message_en)


def is_jos_order(item) -> bool:
    return isinstance(item, dict) and "orderId" in item and "order_id" not in item


def envelope_orders(body: dict) -> list | None:
    """The ``orderInfoList`` of a JOS response envelope, or None when ``body`` is not one.
    Raises ``JosError`` for an ``error_response``, ``NotOrders`` for an order list that is not one."""
    if "error_response" in body:
        raise JosError(body)
    for key, value in body.items():
        if key.startswith("jingdong_") and key.endswith(("_responce", "_response")) and isinstance(value, dict):
            for result in value.values():
                if not isinstance(result, dict):
                    continue
                if "orderInfoList" in result:
                    if not isinstance(result["orderInfoList"], list):
                        raise NotOrders("orderInfoList", result["orderInfoList"])
                    return result["orderInfoList"]
                if "orderInfo" in result:  # enGet: one order
                    if not isinstance(result["orderInfo"], dict):
                        raise NotOrders("orderInfo", result["orderInfo"])
                    return [result["orderInfo"]]
            return []
    return None


def _time(value):
    """Epoch milliseconds as Beijing time text; JOS text times as they are (the core reads them)."""
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.isdigit() and len(value) == 13:
        number = int(value)
    if number is not None and _EPOCH_MS[0] <= number <= _EPOCH_MS[1]:
        return datetime.fromtimestamp(number / 1000, timezone.utc).astimezone(BEIJING).isoformat()
    return value


def _quantity(items: list):
    """The summed ``itemTotal`` of every SKU line (a string in JOS); None when a line has none; when
    one is unreadable, that value as it is, for the order's reader to refuse on ``quantity``."""
    total = 0
    for item in items:
        given = item.get("itemTotal")
        if given is None or given == "":
            return None
        text = given if isinstance(given, str) else str(given) if isinstance(given, int) else None
        try:
            count = Decimal(text.strip()) if text is not None and len(text) <= 40 else None
        except InvalidOperation:
            count = None
        if count is None or not count.is_finite() or count != count.to_integral_value() or not 0 <= count <= 10**6:
            return given if isinstance(given, str) else clip(given, 40)
        total += int(count)
    return total


def from_jos(element: dict) -> tuple[dict, dict]:
    """``(order, source)``: a contract order from one JOS order object, and which JOS fields it used
    and which it ignored (``{"format": "jos", "used": [...], "ignored": [...]}``)."""
    order, used = {}, []
    for key, field in TOP_LEVEL.items():
        value = element.get(key)
        if value is None or value == "":
            continue
        order[field] = _time(value) if field in TIME_FIELDS else value
        used.append(key)
    items = element.get("itemInfoList")
    if isinstance(items, list) and items and all(isinstance(i, dict) for i in items):
        quantity = _quantity(items)
        if quantity is not None:
            order["quantity"] = quantity
        for key, field in FIRST_ITEM.items():
            if items[0].get(key) not in (None, ""):
                order[field] = items[0][key]
                used.append(f"itemInfoList[].{key}")
        used.append("itemInfoList[].itemTotal")
    ignored = sorted(k for k in element if k not in TOP_LEVEL and k != "itemInfoList")
    source: dict = {"format": "jos", "used": used, "ignored": [clip(k, MAX_KEY_QUOTED) for k in ignored[:MAX_IGNORED_LISTED]]}
    if len(ignored) > MAX_IGNORED_LISTED:
        source["ignored_more"] = len(ignored) - MAX_IGNORED_LISTED
    return order, source
