"""JD Open Service (JOS) order payloads, as ``jingdong.pop.order.search / enSearch / enGet`` return
them, read into contract orders (../shared/REAL-DATA.md §3).

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
# Read from the first SKU line (itemInfoList[0]); itemTotal is summed over all lines.
FIRST_ITEM = {"skuId": "sku_id", "skuName": "item_name", "jdPrice": "unit_price"}
TIME_FIELDS = frozenset({"placed_at", "paid_at", "shipped_at", "completed_at"})
# Epoch milliseconds from 2001 on (JD began selling online in 2004) to 2100.
_EPOCH_MS = (978_307_200_000, 4_102_444_800_000)


class JosError(ValueError):
    """A JOS ``error_response`` body: JD refused the call that produced it."""

    def __init__(self, body: dict):
        error = body.get("error_response") or {}
        self.code = str(error.get("code", ""))
        detail = error.get("zh_desc") or error.get("en_desc") or error.get("msg") or ""
        self.message = f"京东开放平台返回错误 {self.code}：{detail}（这不是订单数据）"
        self.message_en = f"JD Open Service returned error {self.code}: {error.get('en_desc') or detail} (not order data)"
        super().__init__(self.message_en)


def is_jos_order(item) -> bool:
    return isinstance(item, dict) and "orderId" in item and "order_id" not in item


def envelope_orders(body: dict) -> list | None:
    """The ``orderInfoList`` of a JOS response envelope, or None when ``body`` is not one.
    Raises ``JosError`` for an ``error_response``."""
    if "error_response" in body:
        raise JosError(body)
    for key, value in body.items():
        if key.startswith("jingdong_") and key.endswith(("_responce", "_response")) and isinstance(value, dict):
            for result in value.values():
                if isinstance(result, dict) and isinstance(result.get("orderInfoList"), list):
                    return result["orderInfoList"]
                if isinstance(result, dict) and isinstance(result.get("orderInfo"), dict):  # enGet: one order
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
    """The summed ``itemTotal`` of every SKU line (a string in JOS), or None when one is unreadable."""
    total = 0
    for item in items:
        try:
            count = Decimal(str(item.get("itemTotal")).strip())
        except (InvalidOperation, AttributeError):
            return None
        if not count.is_finite() or count != count.to_integral_value() or not 0 <= count <= 10**6:
            return None
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
    return order, {"format": "jos", "used": used, "ignored": ignored}
