"""A store report: the store's facts read field by field (as ``order_input`` reads an order), the
orders of its period, and the store rules (``shared.rules.store``) run over them in order.
"""
import re
from decimal import Decimal

from .beijing_time import iso
from .errors import InputError, InvalidNumber
from .money import to_money
from .order_input import parse_bool, parse_int, parse_platform, parse_text, shown
from .rules.store import RULES, Store, StoreContext

_RANK = {"failing": 0, "at_risk": 1, "unknown": 2, "ok": 3}
_SHARE_TEXT = re.compile(r"\d{1,3}(?:\.\d{1,12})?%?", re.ASCII)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def parse_share(value) -> Decimal:
    """A share from 0 to 1: ``0.95``, ``"0.95"`` or ``"95%"``. Text is bounded before it is
    converted, so NaN, infinities and exponents (``"1e1000000"``) are refused, not computed."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidNumber("应为 0 到 1 之间的比例", "expected a share from 0 to 1")
    text = (value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)).strip()
    if not _SHARE_TEXT.fullmatch(text):
        raise InvalidNumber(f"应为 0 到 1 之间的比例（如 0.95 或 95%），收到 {text[:20]!r}",
                            f"expected a share from 0 to 1 (0.95 or 95%), got {text[:20]!r}")
    share = Decimal(text[:-1]) / _HUNDRED if text.endswith("%") else Decimal(text)
    if share > _ONE:
        raise InvalidNumber(f"比例 {text[:20]!r} 超过 1（100%）", f"share {text[:20]!r} is above 1 (100%)")
    return share


_FACTS = {"platform": parse_platform, "campaign": parse_text, "freight_insurance": parse_bool, "lightning_refund": parse_bool,
          "category_exempt": parse_bool, "category_in_pickup_scope": parse_bool, "late_guarantee": parse_bool,
          "products_without_promise_template": parse_int, "violation_restricted": parse_bool, "dropshipping": parse_bool,
          "quality_grade": lambda v: str(v).strip().upper(), "wind_vane_percentile": parse_share,
          "risk_tag": parse_bool, "deposit_paid": to_money, "pickup_rate": parse_share}
_PRODUCT = {"sku": parse_text, "group_price": to_money, "lowest_15d_price": to_money, "virtual": parse_bool,
            "in_subsidy_activity": parse_bool, "units_sold_90d": parse_int, "quality_grade": lambda v: str(v).strip().upper(),
            "kind": parse_text}
# What a store rule may read (its ``reads``): these facts, and ``orders``.
STORE_FACTS = (*_FACTS, "products")


def parse_store(raw) -> tuple[dict, list]:
    facts, errors = {}, []
    if not isinstance(raw, dict):
        return {}, [{"field": "store", "message": "应为 JSON 对象", "message_en": "must be a JSON object"}]
    for name, parse in _FACTS.items():
        if raw.get(name) is None:
            continue
        try:
            facts[name] = parse(raw[name])
        except InputError as e:
            errors.append({"field": f"store.{name}", "message": e.message, "message_en": e.message_en})
        except (ArithmeticError, ValueError):
            errors.append({"field": f"store.{name}", "message": "无法识别的值", "message_en": "unreadable value"})
    products = []
    listed = raw.get("products")
    if listed is not None and not isinstance(listed, list):
        errors.append({"field": "store.products", "message": "应为商品列表（JSON 数组）",
                       "message_en": "must be a list of products (a JSON array)"})
        listed = None
    for i, item in enumerate(listed or []):
        product = {}
        for name, parse in _PRODUCT.items():
            if not isinstance(item, dict) or item.get(name) is None:
                continue
            try:
                product[name] = parse(item[name])
            except (InputError, ArithmeticError, ValueError):
                errors.append({"field": f"store.products[{i}].{name}", "message": "无法识别的值", "message_en": "unreadable value"})
        products.append(product)
    facts["products"] = products
    return facts, errors


def evaluate_store(engine, raw_store, orders, *, as_of, period=None) -> dict:
    """The store report; ``orders`` are parsed ``Order``s, ``period`` an optional {start, end} of aware times."""
    facts, errors = parse_store(raw_store)
    start, end = (period or {}).get("start"), (period or {}).get("end")
    if start or end:
        orders = [o for o in orders if o.concluded_at is not None and (start is None or o.concluded_at >= start)
                  and (end is None or o.concluded_at <= end)]
    times = [o.concluded_at for o in orders if o.concluded_at is not None]
    span = {"start": iso(start or (min(times) if times else None)), "end": iso(end or (max(times) if times else None))}
    campaign = engine.calendar.get(facts["campaign"]) if facts.get("campaign") else (
        engine.calendar.find(facts.get("platform", "jd"), min(times)) if times else None)
    if facts.get("campaign") and campaign is None:
        errors.append({"field": "store.campaign", "message": f"未知的活动 {shown(facts['campaign'])}",
                       "message_en": f"unknown campaign {shown(facts['campaign'])}"})
        del facts["campaign"]
        campaign = engine.calendar.find(facts.get("platform", "jd"), min(times)) if times else None
    store, ctx, metrics = Store(facts, orders, span, campaign), StoreContext(as_of, engine), []
    for check in RULES:
        check(store, ctx, metrics)
    status = min((m["status"] for m in metrics), key=_RANK.__getitem__, default="unknown")
    return {"as_of": iso(as_of), "status": status, "campaign": campaign.id if campaign else None,
            "metrics": metrics, "errors": errors}
