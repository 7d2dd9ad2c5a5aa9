"""The one mapping from spreadsheet / JD export headers to contract fields, used by every client.

JD's order export (订单导出) writes one row per SKU line with Chinese headers; merchants'
own sheets use the contract's English names. Several headers may name one field: the first
in ``HEADER_SYNONYMS`` order that the sheet has wins.
"""
from .cells import PROTECTION, clean_cell
from .order_input import GROUP_FIELDS, ORDER_FIELDS

# field path -> headers that mean it, most preferred first.
HEADER_SYNONYMS = {
    "order_id": ("订单号", "订单编号", "订单ID", "order_id"),
    "platform": ("平台", "platform"),
    "campaign": ("活动", "campaign"),
    "placed_at": ("下单时间", "placed_at"),
    "paid_at": ("付款确认时间", "付款时间", "支付时间", "paid_at"),
    "payment_method": ("支付方式", "付款方式", "payment_method"),
    "order_status": ("订单状态", "order_status"),
    "promised_ship_by": ("商家承诺发货时间", "promised_ship_by"),
    "shown_ship_by": ("承诺发货时间", "预计发货时间", "shown_ship_by"),
    "shipped_at": ("出库时间", "发货时间", "shipped_at"),
    "picked_up_at": ("揽收时间", "揽件时间", "picked_up_at"),
    "received_at": ("收货时间", "签收时间", "确认收货时间", "received_at"),
    "paid_amount": ("实付金额", "应付金额", "用户实付金额", "结算金额", "商家应收", "订单金额", "paid_amount"),
    "quantity": ("订购数量", "订单数量", "商品数量", "数量", "quantity"),
    "weight_kg": ("重量(kg)", "商品重量", "weight_kg"),
    "subsidy_activity": ("补贴活动", "subsidy_activity"),
    "subsidy_amount": ("补贴金额", "subsidy_amount"),
    "price_match.competitor_platform": ("比价平台",),
    "price_match.competitor_paid_amount": ("比价平台实付金额",),
    "price_match.claimed_at": ("买贵双倍赔申请时间",),
    "red_envelope.qualifying": ("满3免3",),
    "red_envelope.refunded_at": ("退款时间",),
    "return_request.requested_at": ("退货申请时间",),
}
# Fields summed over the SKU lines of one order; every other field is read from its first line.
LINE_SUMMED = frozenset({"quantity"})
KNOWN_FIELDS = frozenset(
    [f for f in ORDER_FIELDS if f not in GROUP_FIELDS] + [f"{g}.{k}" for g, ks in GROUP_FIELDS.items() for k in ks])
REQUIRED_FIELDS = ("order_id",)
_HEADER_TO_FIELD = {}
for _field, _headers in HEADER_SYNONYMS.items():
    for _rank, _header in enumerate(_headers):
        _HEADER_TO_FIELD[_header.lower()] = (_field, _rank)
for _field in KNOWN_FIELDS:
    _HEADER_TO_FIELD.setdefault(_field, (_field, 99))


def clean_header(text) -> str:
    """A header cell unwrapped as any cell is (``shared.cells``), and a byte-order mark dropped."""
    return str(text if text is not None else "").strip(PROTECTION + "\ufeff")


def map_header(header, column_map=None) -> tuple[dict, list]:
    """``({column index: field path}, [unmapped header texts])`` for a header row.

    ``column_map`` maps a merchant's own header text to a field path (``揽收时间=picked_up_at``)
    and wins over the built-in synonyms.
    """
    chosen = {}
    unmapped = []
    extra = {clean_header(k).lower(): v for k, v in (column_map or {}).items()}
    for index, raw in enumerate(header):
        text = clean_header(raw)
        key = text.lower()
        if key in extra:
            field, rank = extra[key], -1
        elif key in _HEADER_TO_FIELD:
            field, rank = _HEADER_TO_FIELD[key]
        else:
            if text:
                unmapped.append(text)
            continue
        if field not in chosen or rank < chosen[field][1]:
            if field in chosen:
                unmapped.append(clean_header(header[chosen[field][0]]))
            chosen[field] = (index, rank)
        else:
            unmapped.append(text)
    return {index: field for field, (index, _) in chosen.items()}, unmapped


def field_plan(columns: dict) -> tuple:
    """``(index, group, key)`` per mapped column, worked out once per header: ``group`` is
    ``None`` for a top-level field and the group's name for a grouped one (``price_match.x``)."""
    plan = []
    for index, field in columns.items():
        group, dot, key = field.partition(".")
        plan.append((index, group, key) if dot else (index, None, field))
    return tuple(plan)


def row_to_raw(plan: tuple, row, base: dict | None = None) -> dict:
    """One row as a contract-shaped order dict (grouped fields nested); ``plan`` from ``field_plan``,
    ``base`` values the row's cells add to (defaults for fields no column holds)."""
    raw = dict(base) if base else {}
    width = len(row)
    for index, group, key in plan:
        if index >= width:
            continue
        value = row[index]  # passed on as it is: the core's parsers unwrap ="…" and tabs themselves
        if value is None or (isinstance(value, str) and not clean_cell(value)):
            continue
        if group is None:
            raw[key] = value
        else:
            raw.setdefault(group, {})[key] = value
    return raw
