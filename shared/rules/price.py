"""Price rules, seeds 000 and 002: PRICE-MATCH (买贵双倍赔), PRICE-COMMITMENT (价格承诺),
PRICE-RAISE-THEN-CUT (先涨后降), PRICE-PROTECTION (价保)."""

from typing import Final

from ..beijing_time import end_of_day, end_of_day_after, iso, rule_iso, sheet_time
from ..fields import BY_PATH
from ..messages import fixed, listed, phrase, say, term
from ..money import ZERO, fen, money_str
from ..vocabulary import VOCAB
from .context import ONE_SECOND, flag, owe, rule, skip, wanting

COMPETITORS: Final = VOCAB["values"]["competitor_platform"]
_NO_CLAIM: Final = fixed(say("skip_no_price_match"))


def _unit_price(explicit, order):
    """The rule's own unit price, else the price paid per item (paid amount / quantity, unrounded:
    100.00 for 3 is 33.333…, the exposure is rounded once, at the end), else the order's unit
    price (京东价, ``unit_price``); None when none is known."""
    if explicit is not None:
        return explicit
    if order.paid_amount is not None and order.quantity:
        return order.paid_amount / order.quantity
    return order.unit_price


@rule("PRICE-MATCH", reads=("price_match", "placed_at", "paid_at", "paid_amount", "platform"))
def price_match(order, ctx, out) -> None:
    """PRICE-MATCH: (JD paid − other platform paid) × 2, claimable until 23:59:59 of the order day."""
    rule = ctx.catalog.rules["PRICE-MATCH"]
    claim = order.price_match
    ordered = order.ordered_at
    if ordered is not None and not rule.in_force(ordered):
        if claim is not None:
            flag(out, "PRICE_MATCH_NOT_IN_FORCE", "info", "PRICE-MATCH",
                 say("PRICE_MATCH_NOT_IN_FORCE", since=f"{rule.effective_from.date()}"), ordered_at=iso(ordered))
        return
    if order.platform not in ctx.params.price_match_platforms:
        if claim is not None:
            flag(out, "PRICE_MATCH_NOT_APPLICABLE", "info", "PRICE-MATCH", say("PRICE_MATCH_NOT_APPLICABLE"),
                 platform=order.platform)
        return
    if claim is None:
        skip(out, "PRICE-MATCH", ("price_match",), _NO_CLAIM)
        return
    rival = claim.competitor_platform
    if rival is not None and rival not in COMPETITORS:
        named = rival if len(rival) <= 40 else rival[:40] + "…"
        flag(out, "PRICE_MATCH_NOT_ELIGIBLE", "info", "PRICE-MATCH", say("price_match_unlisted_platform", platform=named),
             competitor_platform=named, listed_platforms=list(COMPETITORS))
        return
    jd_paid = claim.jd_paid_amount if claim.jd_paid_amount is not None else order.paid_amount
    missing = tuple(name for name, value in (
        ("placed_at", ordered), ("paid_amount", jd_paid),
        ("price_match.competitor_platform", claim.competitor_platform),
        ("price_match.competitor_paid_amount", claim.competitor_paid_amount)) if value is None)
    if missing:
        skip(out, "PRICE-MATCH", missing, wanting("price_match", missing), "missing_value")
        return
    claim_by = end_of_day(ordered)
    out.deadlines["price_match_claim_by"] = claim_by_iso = rule_iso(claim_by)
    competitor = term("values.competitor_platform." + claim.competitor_platform)
    # Amounts as given (exact when given with more than 2 decimals), as the formula uses them.
    facts = {"ordered_at": iso(ordered), "jd_paid_amount": str(jd_paid), "competitor_platform": claim.competitor_platform,
             "competitor_paid_amount": str(claim.competitor_paid_amount), "claim_by": claim_by_iso}
    failures = []
    if claim.merchant_type == "jd_xiaodian":
        failures.append(phrase("price_match.jd_xiaodian"))
    if claim.service_mark is False:
        failures.append(phrase("price_match.no_service_mark"))
    if claim.custom_product:
        failures.append(phrase("price_match.custom_product"))
    if claim.same_product is False:
        failures.append(phrase("price_match.not_same_product"))
    if claim.on_sale is False:
        failures.append(phrase("price_match.not_on_sale"))
    if claim.proof is False:
        failures.append(phrase("price_match.no_proof"))
    sales = claim.competitor_monthly_sales
    if sales is not None and sales < ctx.params.price_match_min_monthly_sales:
        failures.append(phrase("price_match.low_sales", sales=f"{sales}",
                               minimum=f"{ctx.params.price_match_min_monthly_sales}"))
    if claim.exited_at is not None and ordered > claim.exited_at:
        failures.append(phrase("price_match.exited"))
    if jd_paid <= claim.competitor_paid_amount:
        failures.append(phrase("price_match.not_dearer", jd_paid=f"{jd_paid}", competitor=competitor,
                               competitor_paid=f"{claim.competitor_paid_amount}"))
    if failures:
        flag(out, "PRICE_MATCH_NOT_ELIGIBLE", "info", "PRICE-MATCH",
             say("PRICE_MATCH_NOT_ELIGIBLE", reasons=listed(failures, "semicolon")), **facts)
        return
    amount = fen((jd_paid - claim.competitor_paid_amount) * ctx.params.price_match_multiplier)
    formula = phrase("price_match.formula", jd_paid=f"{jd_paid}", competitor_paid=f"{claim.competitor_paid_amount}",
                     multiplier=f"{ctx.params.price_match_multiplier}", amount=f"{amount}")
    facts["amount"] = money_str(amount)
    unverified = tuple(name for name, value in (
        ("price_match.same_product", claim.same_product), ("price_match.service_mark", claim.service_mark),
        ("price_match.competitor_monthly_sales", sales), ("price_match.on_sale", claim.on_sale),
        ("price_match.proof", claim.proof)) if value is None)
    if claim.claimed_at is not None:
        facts["claimed_at"] = iso(claim.claimed_at)
        if claim.claimed_at >= claim_by + ONE_SECOND:
            flag(out, "PRICE_MATCH_CLAIM_EXPIRED", "info", "PRICE-MATCH",
                 say("price_match_claimed_late", claimed_at=sheet_time(claim.claimed_at)), **facts)
            return
        if not unverified:
            said = say("PRICE_MATCH_OWED", formula=formula, rival=competitor)
            flag(out, "PRICE_MATCH_OWED", "warning", "PRICE-MATCH", said, **facts)
            owe(out, "PRICE-MATCH", amount, said, facts)
            return
        said = say("price_match_to_verify", formula=formula,
                   unverified={"zh": "、".join(BY_PATH[p].zh for p in unverified),
                               "en": ", ".join(BY_PATH[p].en for p in unverified)})
        flag(out, "PRICE_MATCH_POSSIBLE", "warning", "PRICE-MATCH", said, **facts, unverified=list(unverified))
        owe(out, "PRICE-MATCH", amount, said, facts, status="if_claimed")
        return
    if ctx.as_of >= claim_by + ONE_SECOND:
        flag(out, "PRICE_MATCH_CLAIM_EXPIRED", "info", "PRICE-MATCH",
             say("PRICE_MATCH_CLAIM_EXPIRED", claim_by=sheet_time(claim_by)), **facts)
        return
    said = say("PRICE_MATCH_POSSIBLE", claim_by=sheet_time(claim_by), formula=formula)
    flag(out, "PRICE_MATCH_POSSIBLE", "warning", "PRICE-MATCH", said, **facts)
    owe(out, "PRICE-MATCH", amount, said, facts, status="if_claimed")


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
        skip(out, "PRICE-COMMITMENT", missing, wanting("price_commitment", missing), "missing_value")
        return
    quantity = order.quantity or 1
    exposure = fen((unit - lowest) * quantity)
    if exposure <= ZERO:
        return
    facts = {"campaign": campaign.id, "unit_price": money_str(unit), "post_window_lowest_price": money_str(lowest),
             "quantity": quantity, "quantity_given": order.quantity is not None,
             "post_window": [rule_iso(section["post_window_start"]), rule_iso(section["post_window_end"])]}
    claimed = bool(commitment and commitment.claimed)
    said = say("price_commitment_breach_claimed" if claimed else "PRICE_COMMITMENT_BREACH",
               unit_price=facts["unit_price"], lowest=f"{lowest}", exposure=f"{exposure}")
    flag(out, "PRICE_COMMITMENT_BREACH", "warning", "PRICE-COMMITMENT", said, **facts, exposure=money_str(exposure))
    owe(out, "PRICE-COMMITMENT", exposure, said, facts, status="owed" if claimed else "if_claimed")


@rule("PRICE-RAISE-THEN-CUT", reads=("price_history",))
def raise_then_cut(order, ctx, out) -> None:
    """PRICE-RAISE-THEN-CUT: a peak well above the baseline, then an 'activity price' no lower than it."""
    history = order.price_history
    if history is None:
        return
    missing = tuple(f"price_history.{name}" for name in ("baseline_price", "peak_price", "activity_price")
                    if getattr(history, name) is None)
    if missing:
        skip(out, "PRICE-RAISE-THEN-CUT", missing, wanting("raise_then_cut", missing), "missing_value")
        return
    tolerance = ctx.params.raise_tolerance
    if history.peak_price > history.baseline_price * (1 + tolerance) and history.activity_price >= history.baseline_price:
        flag(out, "PRICE_RAISE_THEN_CUT", "warning", "PRICE-RAISE-THEN-CUT",
             say("PRICE_RAISE_THEN_CUT", baseline=f"{history.baseline_price}", peak=f"{history.peak_price}",
                 activity=f"{history.activity_price}"),
             baseline_price=money_str(history.baseline_price), peak_price=money_str(history.peak_price),
             activity_price=money_str(history.activity_price), raise_tolerance=str(tolerance))


@rule("PRICE-PROTECTION", reads=("price_protection", "paid_at", "paid_amount", "quantity", "unit_price"))
def price_protection(order, ctx, out) -> None:
    """PRICE-PROTECTION (价保): a price drop within the term after payment may be claimed."""
    protection = order.price_protection
    if protection is None:
        return
    if order.paid_at is None:
        skip(out, "PRICE-PROTECTION", ("paid_at",), wanting("price_protection", ("paid_at",)), "missing_value")
        return
    # The product's own term wins over the default, 0 included: 0 days is no price protection.
    days = ctx.params.price_protection_days if protection.days is None else protection.days
    if days == 0:
        return
    until = end_of_day_after(order.paid_at, days)
    out.deadlines["price_protection_until"] = until_iso = rule_iso(until)
    unit = _unit_price(protection.unit_price, order)
    lowest = protection.lowest_price_after
    if unit is None or lowest is None or lowest >= unit:
        return
    quantity = order.quantity or 1
    exposure = fen((unit - lowest) * quantity)
    facts = {"paid_at": iso(order.paid_at), "days": days, "until": until_iso, "unit_price": money_str(unit),
             "lowest_price_after": money_str(lowest), "quantity": quantity}
    if ctx.as_of >= until + ONE_SECOND:
        return
    said = say("PRICE_PROTECTION_EXPOSURE", unit_price=facts["unit_price"], lowest=f"{lowest}",
               until=sheet_time(until), exposure=f"{exposure}")
    flag(out, "PRICE_PROTECTION_EXPOSURE", "warning", "PRICE-PROTECTION", said, **facts)
    owe(out, "PRICE-PROTECTION", exposure, said, facts, status="if_claimed")


RULES = (price_match, price_commitment, raise_then_cut, price_protection)
