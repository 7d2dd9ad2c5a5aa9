"""One shop's pull from JOS: a snapshot of its open orders, and one ``enGet`` for each order that left.

From zeasin/qihangerp-sdk ``JdOrderApiHelper.java`` and XiBao/jos ``popOrderEnSearch.go``: ``jingdong.pop.order.enSearch`` takes ``start_date``/``end_date`` (a window of at
most one month), ``order_state`` (a comma list), ``optional_fields`` (required), ``page`` and
``page_size`` (at most 50). Each cycle asks for every open order of the last ``days`` days, page
by page and window by window, so the snapshot rests on no ``dateType`` (whose meaning the sources
dispute). Only the fields the rules read are asked for (``shared.jos.TOP_LEVEL`` and the SKU lines);
``consigneeInfo`` (the buyer's name, phone and address) is never asked for, and dropped if sent.
"""
import logging
import re
from datetime import datetime, timedelta

from shared.beijing_time import BEIJING
from shared.jos import TOP_LEVEL, JosError, envelope_orders

from .jos_client import TIMESTAMP_FORMAT, JosClient, JosFailure, JosRefused

log = logging.getLogger("jdpg.watch")
SEARCH, GET = "jingdong.pop.order.enSearch", "jingdong.pop.order.enGet"
# The states an order can be in while the merchant still owes its shipment, the locked and paused
# ones included (the rules must see them, and say they carry no late flag): docs/supported-inputs.md ("Order status words").
OPEN_STATES = ("WAIT_SELLER_STOCK_OUT", "LOCKED", "POP_ORDER_PAUSE", "PAUSE")
FIELDS = (*TOP_LEVEL, "itemInfoList")
PAGE_SIZE = 50
# A window a day short of the shortest month, so it is "at most one month" by any reading.
WINDOW = timedelta(days=27)
# JD's order ids are digits (docs/supported-inputs.md); the store keeps up to 40 characters.
ORDER_ID = re.compile(r"\d{1,30}")
# A bound on pages per window whatever orderTotal says (500,000 orders).
MAX_PAGES = 10_000


def facts_of(element: dict) -> dict:
    """The fields the rules read and nothing else (never consigneeInfo); the id as text."""
    facts = {key: element[key] for key in FIELDS if key in element}
    facts["orderId"] = str(facts["orderId"])
    return facts


def windows(as_of: datetime, days: int) -> list[tuple[datetime, datetime]]:
    """``[start, end]`` windows of at most ``WINDOW`` covering the last ``days`` days, oldest first."""
    end = as_of.astimezone(BEIJING).replace(microsecond=0)
    start = end - timedelta(days=days)
    out = []
    while start < end:
        stop = min(start + WINDOW, end)
        out.append((start, stop))
        start = stop + timedelta(seconds=1)
    return out


def _api_result(body: dict, method: str) -> dict:
    """The API's own result node; raises ``JosRefused`` when its ``apiResult`` says it failed."""
    envelope = body.get(method.replace(".", "_") + "_responce") or body.get(method.replace(".", "_") + "_response")
    if not isinstance(envelope, dict):
        raise JosFailure(f"京东开放平台的应答缺少 {method} 的结果", f"JD Open Service's answer has no {method} result")
    node = envelope.get("searchorderinfo_result") or envelope.get("orderDetailInfo") or {}
    result = node.get("apiResult") or {}
    if result.get("success") is False:
        raise JosRefused(str(result.get("numberCode", "")), str(result.get("chineseErrCode") or result.get("englishErrCode")))
    return node


def _orders(body: dict) -> list:
    """The answer's orders with a JD order id (digits); anything else is logged and left out."""
    try:
        orders = envelope_orders(body)
    except JosError as exc:
        raise JosRefused(exc.code, exc.message) from None
    kept = [o for o in orders or [] if isinstance(o, dict) and ORDER_ID.fullmatch(str(o.get("orderId", "")))]
    if len(kept) != len(orders or []):
        log.warning("%d order(s) without a readable orderId left out", len(orders or []) - len(kept))
    return kept


def search_open(client: JosClient, token: str, as_of: datetime, days: int) -> dict[str, dict]:
    """Every open order of the last ``days`` days: order id → its facts. Raises on any failed page,
    so a snapshot is whole or not at all."""
    snapshot = {}
    for start, end in windows(as_of, days):
        page, pages = 1, 1
        while page <= pages:
            body = client.call(SEARCH, {
                "start_date": start.strftime(TIMESTAMP_FORMAT), "end_date": end.strftime(TIMESTAMP_FORMAT),
                "order_state": ",".join(OPEN_STATES), "optional_fields": ",".join(FIELDS),
                "page": page, "page_size": PAGE_SIZE}, token)
            node = _api_result(body, SEARCH)
            rows = _orders(body)
            for element in rows:
                snapshot[str(element["orderId"])] = facts_of(element)
            if page == 1:
                try:
                    total = int(node.get("orderTotal") or 0)
                except (TypeError, ValueError):
                    total = 0
                pages = min(-(-total // PAGE_SIZE), MAX_PAGES)
            if not rows:
                break
            page += 1
    return snapshot


def get_order(client: JosClient, token: str, order_id: str) -> dict | None:
    """The order's facts from ``enGet``, or None when JD no longer returns it."""
    body = client.call(GET, {"order_id": order_id, "optional_fields": ",".join(FIELDS)}, token)
    try:
        _api_result(body, GET)
    except JosRefused:  # the API's own refusal: JD has no such order for this shop
        return None
    rows = _orders(body)
    return facts_of(rows[0]) if rows else None
