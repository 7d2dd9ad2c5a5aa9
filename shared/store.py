"""Store-level checks, shown as account-health reports show them: value, target, condition,
status (ok / at_risk / failing / unknown), period and reason, per rule id.

SHIP-PICKUP-RATE, SHIP-DAILY-RISK, ADMISSION-618, RED-ENVELOPE-ENTRY, FREIGHT-INSURANCE,
LIGHTNING-REFUND, FREE-PICKUP-RETURN, LATE-GUARANTEE.
"""
import re
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

from .beijing_time import after, elapsed, hours, iso
from .errors import InputError, InvalidNumber
from .money import to_money
from .order_input import parse_bool, parse_int, parse_platform

_RANK = {"failing": 0, "at_risk": 1, "unknown": 2, "ok": 3}
_SHARE_TEXT = re.compile(r"\d{1,3}(?:\.\d{1,12})?%?", re.ASCII)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_NO_TIME = timedelta(0)
# Rates and shares are compared exact; shown rounded down to these places, so a rate shown
# never reads as meeting a target it misses (89.995 % is 89.99 %, not 90.00 %).
_RATE_PLACES = Decimal("0.0001")
_SHARE_PLACES = Decimal("0.01")


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
_FACTS = {"platform": parse_platform, "campaign": str, "freight_insurance": parse_bool, "lightning_refund": parse_bool,
          "category_exempt": parse_bool, "category_in_pickup_scope": parse_bool, "late_guarantee": parse_bool,
          "products_without_promise_template": parse_int, "violation_restricted": parse_bool, "dropshipping": parse_bool,
          "quality_grade": lambda v: str(v).strip().upper(), "wind_vane_percentile": parse_share,
          "risk_tag": parse_bool, "deposit_paid": to_money, "pickup_rate": parse_share}
_PRODUCT = {"sku": str, "group_price": to_money, "lowest_15d_price": to_money, "virtual": parse_bool,
            "in_subsidy_activity": parse_bool, "units_sold_90d": parse_int, "quality_grade": lambda v: str(v).strip().upper(),
            "kind": str}
_GRADE_EXEMPT_KINDS = frozenset({"virtual", "service", "second_hand"})


def _metric(rule, metric, status, reason, reason_en, value=None, target=None, condition=None, period=None, **facts):
    return {"rule": rule, "metric": metric, "value": value, "target": target, "condition": condition,
            "status": status, "period": period, "reason": reason, "reason_en": reason_en, "facts": facts}


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
    for i, item in enumerate(raw.get("products") or []):
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


def pickup_rate(engine, orders, facts, *, as_of, period) -> dict:
    params = engine.params
    target, margin, window = params.pickup_rate_target, params.pickup_rate_at_risk_margin, params.pickup_rate_window_hours
    condition = f">= {target}"
    picked = decided = undetermined = 0
    allowed = hours(window)
    for order in orders:
        paid = order.concluded_at
        if paid is None or order.order_status in ("cancelled", "unpaid"):
            continue
        due = after(paid, allowed)
        shipped = order.picked_up_at or order.shipped_at
        if shipped is not None and elapsed(shipped, due) >= _NO_TIME:
            picked += 1
            decided += 1
        elif shipped is not None or elapsed(due, as_of) > _NO_TIME:
            decided += 1
        else:
            undetermined += 1
    if decided == 0:
        given = facts.get("pickup_rate")
        if given is None:
            return _metric("SHIP-PICKUP-RATE", "pickup_rate_48h", "unknown", "无已可判定的订单，无法计算 48 小时揽件率",
                           "no decided orders: the 48-hour pickup rate is unknown", None, str(target), condition, period)
        part, whole = given, 1
    else:
        part, whole = picked, decided
    # part / whole against the target without dividing: 1,808 of 2,009 (89.995 %) is below 90 %.
    if part < target * whole:
        status, zh, en = "failing", "低于 90%，无法提报活动", "below target: cannot register for activities"
    elif part < (target + margin) * whole:
        status, zh, en = "at_risk", "接近 90% 底线", "close to the floor"
    else:
        status, zh, en = "ok", "达标", "meets the target"
    value = (Decimal(part) / Decimal(whole)).quantize(_RATE_PLACES, ROUND_FLOOR)
    return _metric("SHIP-PICKUP-RATE", "pickup_rate_48h", status, f"48 小时揽件率 {value:.2%}：{zh}",
                   f"48-hour pickup rate {value:.2%}: {en}", str(value), str(target), condition, period,
                   picked_within_48h=picked, decided_orders=decided, undetermined_orders=undetermined)


def daily_risk(engine, orders, facts, *, as_of, period) -> list:
    by_day = defaultdict(list)
    for order in orders:
        if order.concluded_at is not None:
            by_day[order.concluded_at.date()].append(order)
    metrics = []
    named = engine.calendar.get(facts["campaign"]) if facts.get("campaign") else None
    for day in sorted(by_day):
        day_orders = by_day[day]
        first = day_orders[0]
        # A named campaign watches only the days of its window, as it applies only to orders inside it.
        campaign = named if named is not None and named.contains(first.concluded_at) else \
            engine.calendar.find(facts.get("platform", first.platform), first.concluded_at)
        section = campaign.section("daily_risk") if campaign else None
        day_period = {"start": f"{day}T00:00:00+08:00", "end": f"{day}T23:59:59+08:00"}
        if section is None:
            metrics.append(_metric("SHIP-DAILY-RISK", "daily_risk", "unknown", f"{day} 不在设有日监控阈值的活动内",
                                   f"{day} is in no campaign with daily-watch thresholds", len(day_orders), None, None, day_period))
            continue
        late = shipped = aged = 0
        for order in day_orders:
            result = engine.annotate(order, as_of=as_of, families=("shipping",))
            ship = result["ship"]
            if ship and ship["status"] in ("shipped_late", "overdue"):
                late += 1
            if elapsed(order.concluded_at, as_of) >= hours(section.get("slow_progress_after_hours", 24)):
                aged += 1
                if ship and ship["status"] in ("shipped_on_time", "shipped_late", "shipped_time_unknown"):
                    shipped += 1
        count = len(day_orders)
        # Compared exact (shipped < share × aged); shown rounded down, as the pickup rate.
        share = (Decimal(shipped) / Decimal(aged)).quantize(_SHARE_PLACES, ROUND_FLOOR) if aged else None
        slow = aged > 0 and shipped < section.get("slow_progress_share", 0) * aged
        scenes = []
        if count >= section.get("very_high_orders", 10**9):
            scenes.append(("当日单量极高", "very high daily volume"))
        if count >= section.get("high_orders", 10**9) and slow:
            scenes.append(("日单量较高且发货进度慢", "high volume with slow shipping"))
        if late >= section.get("very_many_late_orders", 10**9):
            scenes.append(("延迟发货单量极高", "very many late orders"))
        status = "failing" if scenes else "ok"
        zh = "；".join(z for z, _ in scenes) or "未触发监控场景"
        en = "; ".join(e for _, e in scenes) or "no watch scene triggered"
        metrics.append(_metric("SHIP-DAILY-RISK", "daily_risk", status,
                               f"{day}：{count} 单，延迟 {late} 单：{zh}" + ("（可能限制营销、下架、屏蔽店铺、冻结钱包）" if scenes else ""),
                               f"{day}: {count} orders, {late} late: {en}" + (" (marketing limits, delisting, store block, wallet freeze possible)" if scenes else ""),
                               count, section.get("very_high_orders"), f"< {section.get('very_high_orders')} orders/day", day_period,
                               late_orders=late, shipped_share=None if share is None else str(share), campaign=campaign.id))
    return metrics


def admission(engine, facts, rate_metric) -> list:
    params = engine.params
    out = []
    products = facts["products"]
    graded = [p for p in products if p.get("quality_grade") and p.get("kind") not in _GRADE_EXEMPT_KINDS]
    blocked_grade = params.admission_blocked_quality_grade
    if graded or facts.get("quality_grade"):
        bad = [p.get("sku", "?") for p in graded if p["quality_grade"] == blocked_grade]
        if facts.get("quality_grade") == blocked_grade and not graded:
            bad = ["store"]
        out.append(_metric("ADMISSION-618", "quality_grade", "failing" if bad else "ok",
                           f"商品质量指数 {blocked_grade} 级不可报名：{', '.join(bad)}" if bad else "商品质量指数均高于 D 级",
                           f"Quality index grade {blocked_grade} cannot register: {', '.join(bad)}" if bad else "no product at grade D",
                           len(bad), 0, f"no grade {blocked_grade}", blocked=bad))
    else:
        out.append(_metric("ADMISSION-618", "quality_grade", "unknown", "未提供商品质量指数", "no quality grades given"))
    restricted = facts.get("violation_restricted")
    out.append(_metric("ADMISSION-618", "violation_points",
                       "unknown" if restricted is None else ("failing" if restricted else "ok"),
                       {None: "未提供违规积分状态", True: "违规或处于限制期，不可报名", False: "无违规限制"}[restricted],
                       {None: "violation status not given", True: "violating or restricted: cannot register",
                        False: "no violation restriction"}[restricted], restricted, False, "not restricted"))
    platform = facts.get("platform", "jd")
    if platform in params.admission_dropship_platforms:
        drop = facts.get("dropshipping")
        out.append(_metric("ADMISSION-618", "dropshipping", "unknown" if drop is None else ("failing" if drop else "ok"),
                           {None: "未提供是否一件代发", True: "一件代发商家不可报名", False: "非一件代发"}[drop],
                           {None: "dropshipping not given", True: "one-piece dropshipping merchants cannot register",
                            False: "not dropshipping"}[drop], drop, False, "no dropshipping"))
    out.append(_metric("ADMISSION-618", "pickup_rate_48h", rate_metric["status"], rate_metric["reason"], rate_metric["reason_en"],
                       rate_metric["value"], rate_metric["target"], rate_metric["condition"], rate_metric["period"]))
    return out


def red_envelope_entry(engine, facts) -> list:
    params = engine.params
    out = []
    for product in facts["products"]:
        if "group_price" not in product:
            continue
        price = product["group_price"]
        problems = []
        if not params.entry_min_price < price <= params.entry_max_price:
            problems.append((f"拼购价 ¥{price} 不在 ¥{params.entry_min_price}–¥{params.entry_max_price} 之间",
                             f"group price ¥{price} outside ¥{params.entry_min_price}–¥{params.entry_max_price}"))
        if product.get("lowest_15d_price") is not None and price > product["lowest_15d_price"]:
            problems.append((f"高于 15 日最低价 ¥{product['lowest_15d_price']}", f"above the 15-day low ¥{product['lowest_15d_price']}"))
        if product.get("virtual"):
            problems.append(("虚拟商品不可报名", "virtual goods excluded"))
        if product.get("in_subsidy_activity"):
            problems.append(("已参与平台补贴活动", "already in a platform subsidy activity"))
        units = product.get("units_sold_90d")
        if units is not None and units <= params.entry_min_units_90d:
            problems.append((f"90 天销量 {units} 件，需大于 {params.entry_min_units_90d}", f"{units} sold in 90 days, needs more than {params.entry_min_units_90d}"))
        sku = product.get("sku", "?")
        out.append(_metric("RED-ENVELOPE-ENTRY", f"product:{sku}", "failing" if problems else "ok",
                           "；".join(z for z, _ in problems) or f"{sku} 符合满3免3报名条件",
                           "; ".join(e for _, e in problems) or f"{sku} meets the entry rules", str(price),
                           f"{params.entry_min_price}–{params.entry_max_price}", f"{params.entry_min_price} < price <= {params.entry_max_price}"))
    checks = (("wind_vane_percentile", lambda v: v <= params.entry_max_wind_vane_percentile, f"<= {params.entry_max_wind_vane_percentile}",
               "店铺风向标需在前 80%", "store must rank in the top 80 % of 风向标"),
              ("risk_tag", lambda v: not v, "no risk tag", "命中风险标签不可报名", "a risk tag blocks entry"),
              ("deposit_paid", lambda v: v >= params.entry_deposit, f">= {params.entry_deposit}",
               f"需缴纳 A 级活动保证金 ¥{params.entry_deposit}", f"A-level activity deposit of ¥{params.entry_deposit} required"))
    for name, ok, condition, zh, en in checks:
        if name in facts:
            value = facts[name]
            good = ok(value)
            out.append(_metric("RED-ENVELOPE-ENTRY", name, "ok" if good else "failing", zh + ("：达标" if good else "：未达标"),
                               en + (": met" if good else ": not met"), str(value), None, condition))
    return out


def services(engine, facts, campaign) -> list:
    out = []
    required = campaign.section("requirements") if campaign else None
    for key, rule, zh, en in (("freight_insurance", "FREIGHT-INSURANCE", "运费险", "return-freight insurance"),
                              ("lightning_refund", "LIGHTNING-REFUND", "闪电退款", "lightning refund")):
        if not required or not required.get(key):
            continue
        enabled = facts.get(key)
        if facts.get("category_exempt"):
            status, rz, re_ = "ok", f"类目豁免，无需开通{zh}", f"category exempt from {en}"
        elif enabled is None:
            status, rz, re_ = "unknown", f"未提供是否开通{zh}", f"{en} status not given"
        else:
            status = "ok" if enabled else "failing"
            rz = f"{campaign.title} 活动期间须开通{zh}：{'已开通' if enabled else '未开通'}"
            re_ = f"{campaign.title_en} requires {en}: {'enabled' if enabled else 'not enabled'}"
        out.append(_metric(rule, key, status, rz, re_, enabled, True, "enabled",
                           {"start": iso(campaign.start), "end": iso(campaign.end)}, campaign=campaign.id))
    if "category_in_pickup_scope" in facts or ("freight_insurance" in facts and "lightning_refund" in facts):
        shown = bool(facts.get("freight_insurance") and facts.get("lightning_refund") and facts.get("category_in_pickup_scope"))
        out.append(_metric("FREE-PICKUP-RETURN", "free_pickup_label", "ok" if shown else "at_risk",
                           "展示“免费上门取退”标签" if shown else "不展示“免费上门取退”标签：需开通运费险、闪电退款且类目在上门取件范围",
                           "the free-pickup-return label shows" if shown else
                           "no free-pickup-return label: needs freight insurance, lightning refund and a pickup-scope category",
                           shown, True, "freight insurance + lightning refund + pickup scope"))
    if facts.get("late_guarantee"):
        missing = facts.get("products_without_promise_template")
        if missing is None:
            out.append(_metric("LATE-GUARANTEE", "promise_templates", "unknown", "未提供未绑定 Promise 时效模板的商品数",
                               "count of products without a Promise template not given", None, 0, "== 0"))
        else:
            out.append(_metric("LATE-GUARANTEE", "promise_templates", "ok" if missing == 0 else "failing",
                               "在售商品均已绑定 Promise 时效模板" if missing == 0 else f"{missing} 个在售商品未绑定 Promise 时效模板（晚必赔要求）",
                               "every product on sale has a Promise template" if missing == 0 else
                               f"{missing} products on sale have no Promise template (late guarantee requires one)",
                               missing, 0, "== 0"))
    return out


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
    rate = pickup_rate(engine, orders, facts, as_of=as_of, period=span)
    metrics = [rate, *daily_risk(engine, orders, facts, as_of=as_of, period=span), *admission(engine, facts, rate),
               *red_envelope_entry(engine, facts), *services(engine, facts, campaign)]
    status = min((m["status"] for m in metrics), key=_RANK.__getitem__, default="unknown")
    return {"as_of": iso(as_of), "status": status, "campaign": campaign.id if campaign else None,
            "metrics": metrics, "errors": errors}
