"""Price rules, seeds 000 and 002: PRICE-MATCH (买贵双倍赔), PRICE-COMMITMENT (价格承诺),
PRICE-RAISE-THEN-CUT (先涨后降), PRICE-PROTECTION (价保)."""

from ..beijing_time import end_of_day, end_of_day_after, iso, rule_iso, sheet_time
from ..money import ZERO, fen, money_str
from .context import ONE_SECOND, flag, missing_fields, owe, rule, skip

COMPETITOR_NAMES = {"pdd_billion_subsidy": ("拼多多百亿补贴", "PDD ten-billion subsidy"), "tmall": ("天猫", "Tmall")}


def _unit_price(explicit, order):
    """The unit price given, else paid amount / quantity, unrounded (100.00 for 3 is 33.333…: the
    exposure is rounded once, at the end); None when neither is known."""
    if explicit is not None:
        return explicit
    if order.paid_amount is not None and order.quantity:
        return order.paid_amount / order.quantity
    return None


@rule("PRICE-MATCH", reads=("price_match", "placed_at", "paid_at", "paid_amount", "platform"))
def price_match(order, ctx, out) -> None:
    """PRICE-MATCH: (JD paid − other platform paid) × 2, claimable until 23:59:59 of the order day."""
    rule = ctx.catalog.rules["PRICE-MATCH"]
    claim = order.price_match
    ordered = order.ordered_at
    if ordered is not None and not rule.in_force(ordered):
        if claim is not None:
            flag(out, "PRICE_MATCH_NOT_IN_FORCE", "info", "PRICE-MATCH",
                 f"下单时买贵双倍赔尚未生效（{rule.effective_from.date()} 起）",
                 f"Price match was not in force when the order was placed (from {rule.effective_from.date()})",
                 ordered_at=iso(ordered))
        return
    if order.platform not in ctx.params.price_match_platforms:
        if claim is not None:
            flag(out, "PRICE_MATCH_NOT_APPLICABLE", "info", "PRICE-MATCH",
                 "买贵双倍赔仅适用于京东开放平台（JD.COM）第三方商家", "Price match applies to JD.COM open-platform merchants only",
                 platform=order.platform)
        return
    if claim is None:
        skip(out, "PRICE-MATCH", ("price_match",), "无比价信息，未判断买贵双倍赔", "no price-match claim data given")
        return
    rival = claim.competitor_platform
    if rival is not None and rival not in COMPETITOR_NAMES:
        named = rival if len(rival) <= 40 else rival[:40] + "…"
        flag(out, "PRICE_MATCH_NOT_ELIGIBLE", "info", "PRICE-MATCH",
             f"不适用买贵双倍赔：{named} 不是特定平台（仅拼多多百亿补贴、天猫）",
             f"No price match: {named} is not a listed platform (only PDD ten-billion subsidy and Tmall)",
             competitor_platform=named, listed_platforms=list(COMPETITOR_NAMES))
        return
    jd_paid = claim.jd_paid_amount if claim.jd_paid_amount is not None else order.paid_amount
    missing = tuple(name for name, value in (
        ("placed_at", ordered), ("paid_amount", jd_paid),
        ("price_match.competitor_platform", claim.competitor_platform),
        ("price_match.competitor_paid_amount", claim.competitor_paid_amount)) if value is None)
    if missing:
        skip(out, "PRICE-MATCH", missing, *missing_fields("买贵双倍赔", "the price match", missing))
        return
    claim_by = end_of_day(ordered)
    out.deadlines["price_match_claim_by"] = iso(claim_by)
    rival_zh, rival_en = COMPETITOR_NAMES[claim.competitor_platform]
    # Amounts as given (exact when given with more than 2 decimals), as the formula uses them.
    facts = {"ordered_at": iso(ordered), "jd_paid_amount": str(jd_paid), "competitor_platform": claim.competitor_platform,
             "competitor_paid_amount": str(claim.competitor_paid_amount), "claim_by": iso(claim_by)}
    failures = []
    if claim.merchant_type == "jd_xiaodian":
        failures.append(("京东小店不适用", "not for JD Xiaodian stores"))
    if claim.service_mark is False:
        failures.append(("商品无买贵双倍赔标识", "the item carries no price-match mark"))
    if claim.custom_product:
        failures.append(("定制商品不适用", "custom-made goods are excluded"))
    if claim.same_product is False:
        failures.append(("非同款商品", "not the same item"))
    if claim.on_sale is False:
        failures.append(("比价商品未在售或不可售", "the other item is not on sale and available"))
    if claim.proof is False:
        failures.append(("无有效凭证", "no valid proof"))
    sales = claim.competitor_monthly_sales
    if sales is not None and sales < ctx.params.price_match_min_monthly_sales:
        failures.append((f"同款月销 {sales} 件，不足 {ctx.params.price_match_min_monthly_sales} 件",
                         f"the other item sold {sales} a month, under {ctx.params.price_match_min_monthly_sales}"))
    if claim.exited_at is not None and ordered > claim.exited_at:
        failures.append(("下单时商家已退出活动", "the merchant had left the activity when the order was placed"))
    if jd_paid <= claim.competitor_paid_amount:
        failures.append((f"京东实付 ¥{jd_paid} 不高于{rival_zh} ¥{claim.competitor_paid_amount}",
                         f"JD paid ¥{jd_paid} is not above {rival_en} ¥{claim.competitor_paid_amount}"))
    if failures:
        flag(out, "PRICE_MATCH_NOT_ELIGIBLE", "info", "PRICE-MATCH",
             "不适用买贵双倍赔：" + "；".join(z for z, _ in failures),
             "No price match: " + "; ".join(e for _, e in failures), **facts)
        return
    amount = fen((jd_paid - claim.competitor_paid_amount) * ctx.params.price_match_multiplier)
    formula = f"(¥{jd_paid} − ¥{claim.competitor_paid_amount}) × {ctx.params.price_match_multiplier} = ¥{amount}"
    facts["amount"] = money_str(amount)
    unverified = tuple(name for name, value in (
        ("price_match.same_product", claim.same_product), ("price_match.service_mark", claim.service_mark),
        ("price_match.competitor_monthly_sales", sales), ("price_match.on_sale", claim.on_sale),
        ("price_match.proof", claim.proof)) if value is None)
    if claim.claimed_at is not None:
        facts["claimed_at"] = iso(claim.claimed_at)
        if claim.claimed_at >= claim_by + ONE_SECOND:
            flag(out, "PRICE_MATCH_CLAIM_EXPIRED", "info", "PRICE-MATCH",
                 f"申请时间 {sheet_time(claim.claimed_at)} 已过下单当天 23:59:59，无需赔付",
                 f"Claimed at {sheet_time(claim.claimed_at)}, after 23:59:59 of the order day: nothing owed", **facts)
            return
        if not unverified:
            zh, en = f"买贵双倍赔应赔 {formula}（比价{rival_zh}）", f"Price match owed: {formula} (vs {rival_en})"
            flag(out, "PRICE_MATCH_OWED", "warning", "PRICE-MATCH", zh, en, **facts)
            owe(out, "PRICE-MATCH", amount, zh, en, facts)
            return
        zh = f"买贵双倍赔申请待核实（{', '.join(unverified)}），成立则赔 {formula}"
        en = f"Price-match claim to verify ({', '.join(unverified)}); if upheld: {formula}"
        flag(out, "PRICE_MATCH_POSSIBLE", "warning", "PRICE-MATCH", zh, en, **facts, unverified=list(unverified))
        owe(out, "PRICE-MATCH", amount, zh, en, facts, status="if_claimed")
        return
    if ctx.as_of >= claim_by + ONE_SECOND:
        flag(out, "PRICE_MATCH_CLAIM_EXPIRED", "info", "PRICE-MATCH",
             f"买贵双倍赔申请期已于 {sheet_time(claim_by)} 结束，未申请，无需赔付",
             f"The claim window closed at {sheet_time(claim_by)} with no claim: nothing owed", **facts)
        return
    zh = f"消费者可在 {sheet_time(claim_by)} 前申请买贵双倍赔：{formula}"
    en = f"The consumer may claim until {sheet_time(claim_by)}: {formula}"
    flag(out, "PRICE_MATCH_POSSIBLE", "warning", "PRICE-MATCH", zh, en, **facts)
    owe(out, "PRICE-MATCH", amount, zh, en, facts, status="if_claimed")


@rule("PRICE-COMMITMENT", reads=("price_commitment", "paid_amount", "quantity", "unit_price", "platform", "campaign", "paid_at", "placed_at"))
def price_commitment(order, ctx, out) -> None:
    """PRICE-COMMITMENT: the window price must not exceed the price in the 15 days after."""
    campaign = ctx.campaign
    section = campaign.section("price_commitment") if campaign else None
    if section is None:
        return
    commitment = order.price_commitment
    unit = _unit_price(commitment.unit_price if commitment else None, order)
    lowest = commitment.post_window_lowest_price if commitment else None
    missing = tuple(name for name, value in (("price_commitment.unit_price", unit),
                                             ("price_commitment.post_window_lowest_price", lowest)) if value is None)
    if missing:
        skip(out, "PRICE-COMMITMENT", missing, *missing_fields("价格承诺", "the price commitment", missing))
        return
    quantity = order.quantity or 1
    exposure = fen((unit - lowest) * quantity)
    facts = {"campaign": campaign.id, "unit_price": money_str(unit), "post_window_lowest_price": money_str(lowest),
             "quantity": quantity, "quantity_given": order.quantity is not None,
             "post_window": [rule_iso(section["post_window_start"]), rule_iso(section["post_window_end"])]}
    if exposure <= ZERO:
        return
    claimed = bool(commitment and commitment.claimed)
    zh = (f"活动价 ¥{money_str(unit)} 高于活动后 15 日最低价 ¥{lowest}：" +
          ("消费者已申请差价，商家承担" if claimed else "如消费者申请差价，商家承担") + f" ¥{exposure}")
    en = (f"Window price ¥{money_str(unit)} above the post-window low ¥{lowest}: merchant " +
          ("bears" if claimed else "bears, if the consumer claims,") + f" ¥{exposure}")
    flag(out, "PRICE_COMMITMENT_BREACH", "warning", "PRICE-COMMITMENT", zh, en, **facts, exposure=money_str(exposure))
    owe(out, "PRICE-COMMITMENT", exposure, zh, en, facts, status="owed" if claimed else "if_claimed")


@rule("PRICE-RAISE-THEN-CUT", reads=("price_history",))
def raise_then_cut(order, ctx, out) -> None:
    """PRICE-RAISE-THEN-CUT: a peak well above the baseline, then an 'activity price' no lower than it."""
    history = order.price_history
    if history is None:
        return
    missing = tuple(f"price_history.{name}" for name in ("baseline_price", "peak_price", "activity_price")
                    if getattr(history, name) is None)
    if missing:
        skip(out, "PRICE-RAISE-THEN-CUT", missing, *missing_fields("先涨后降", "raise-then-cut", missing))
        return
    tolerance = ctx.params.raise_tolerance
    if history.peak_price > history.baseline_price * (1 + tolerance) and history.activity_price >= history.baseline_price:
        flag(out, "PRICE_RAISE_THEN_CUT", "warning", "PRICE-RAISE-THEN-CUT",
             f"疑似先涨后降：基准价 ¥{history.baseline_price}，预售期最高 ¥{history.peak_price}，活动价 ¥{history.activity_price} 并未低于基准价（可能被警告、扣分、下架）",
             f"Looks like raise-then-cut: baseline ¥{history.baseline_price}, presale peak ¥{history.peak_price}, activity price ¥{history.activity_price} not below the baseline (warning, deduction, delisting risk)",
             baseline_price=money_str(history.baseline_price), peak_price=money_str(history.peak_price),
             activity_price=money_str(history.activity_price), raise_tolerance=str(tolerance))


@rule("PRICE-PROTECTION", reads=("price_protection", "paid_at", "paid_amount", "quantity", "unit_price"))
def price_protection(order, ctx, out) -> None:
    """PRICE-PROTECTION (价保): a price drop within the term after payment may be claimed."""
    protection = order.price_protection
    if protection is None:
        return
    if order.paid_at is None:
        skip(out, "PRICE-PROTECTION", ("paid_at",), *missing_fields("价保", "price protection", ("paid_at",)))
        return
    days = protection.days or ctx.params.price_protection_days
    until = end_of_day_after(order.paid_at, days)
    out.deadlines["price_protection_until"] = iso(until)
    unit = _unit_price(protection.unit_price, order)
    lowest = protection.lowest_price_after
    if unit is None or lowest is None or lowest >= unit:
        return
    quantity = order.quantity or 1
    exposure = fen((unit - lowest) * quantity)
    facts = {"paid_at": iso(order.paid_at), "days": days, "until": iso(until), "unit_price": money_str(unit),
             "lowest_price_after": money_str(lowest), "quantity": quantity}
    if ctx.as_of >= until + ONE_SECOND:
        return
    zh = f"价保期内降价：单价 ¥{money_str(unit)} → ¥{lowest}，{sheet_time(until)} 前消费者可申请 ¥{exposure}"
    en = f"Price drop within price protection: ¥{money_str(unit)} → ¥{lowest}; claimable until {sheet_time(until)}: ¥{exposure}"
    flag(out, "PRICE_PROTECTION_EXPOSURE", "warning", "PRICE-PROTECTION", zh, en, **facts)
    owe(out, "PRICE-PROTECTION", exposure, zh, en, facts, status="if_claimed")


RULES = (price_match, price_commitment, raise_then_cut, price_protection)
