"""PRICE-MATCH (seed 002), PRICE-COMMITMENT, PRICE-RAISE-THEN-CUT, PRICE-PROTECTION (seed 000)."""
import pytest

from .conftest import codes

CLAIM = {"competitor_platform": "tmall", "competitor_paid_amount": "109.00", "competitor_monthly_sales": 150,
         "same_product": True, "service_mark": True, "merchant_type": "pop", "proof": True, "on_sale": True}


def match(annotate, as_of="2023-03-02T12:00:00+08:00", placed_at="2023-03-01 10:00:00", paid="129.00", **claim):
    return annotate(platform="jd", placed_at=placed_at, paid_at=placed_at, paid_amount=paid,
                    price_match={**CLAIM, **claim}, as_of=as_of)


@pytest.mark.parametrize("claim, owed", [
    pytest.param({"claimed_at": "2023-03-01 20:00:00"}, "40.00", id="jd-129-tmall-109-owes-40"),
    pytest.param({"claimed_at": "2023-03-02 00:00:01"}, "0.00", id="claim-at-00:00:01-next-day-is-not-owed"),
    pytest.param({"claimed_at": "2023-03-01 20:00:00", "competitor_platform": "拼多多百亿补贴",
                  "competitor_paid_amount": "99.90"}, "58.20", id="listed-platform-pdd-billion-subsidy"),
])
def test_price_match_owes_twice_the_difference_claimed_by_the_end_of_the_order_day(annotate, claim, owed):
    """Seed 002: "消费者可在下单当天23:59:59之前凭有效凭证申请与订单实付金额双倍差额的补偿"; "买贵双倍赔赔付金额=
    (消费者订单实付金额-特定平台上消费者购买同款商品时订单实付金额)×2"; "特定平台：拼多多百亿补贴、天猫"."""
    assert match(annotate, **claim)["compensation"]["total"] == owed


def test_an_owed_price_match_names_payer_payee_and_the_claim_deadline(annotate):
    result = match(annotate, claimed_at="2023-03-01 20:00:00")
    assert result["compensation"]["total"] == "40.00"
    item = result["compensation"]["items"][0]
    assert (item["rule"], item["amount"], item["payer"], item["payee"], item["status"]) == (
        "PRICE-MATCH", "40.00", "merchant", "consumer", "owed")
    assert "PRICE_MATCH_OWED" in codes(result)
    assert result["deadlines"]["price_match_claim_by"] == "2023-03-01T23:59:59+08:00"


@pytest.mark.parametrize("claimed_at, owed", [
    pytest.param("2023-03-01 23:59:59", "40.00", id="claim-at-23:59:59-is-in-time"),
    pytest.param("2023-03-02 00:00:00", "0.00", id="claim-at-00:00:00-next-day-is-late"),
    pytest.param("2023-03-02 00:00:01", "0.00", id="00:00:01-next-day"),
])
def test_claim_deadline_is_the_end_of_the_order_day(annotate, claimed_at, owed):
    result = match(annotate, claimed_at=claimed_at)
    assert result["compensation"]["total"] == owed
    if owed == "0.00":
        assert "PRICE_MATCH_CLAIM_EXPIRED" in codes(result)


def test_claim_deadline_falls_back_to_the_payment_day(annotate):
    result = annotate(platform="jd", paid_at="2023-03-01 22:00:00", paid_amount="129",
                      price_match={**CLAIM, "claimed_at": "2023-03-01 23:00:00"}, as_of="2023-03-05T00:00:00+08:00")
    assert result["deadlines"]["price_match_claim_by"] == "2023-03-01T23:59:59+08:00"
    assert result["compensation"]["total"] == "40.00"


def test_open_window_without_a_claim_is_money_if_claimed(annotate):
    result = match(annotate, as_of="2023-03-01T18:00:00+08:00")
    assert result["compensation"]["total"] == "0.00"
    assert result["compensation"]["if_claimed_total"] == "40.00"
    assert "PRICE_MATCH_POSSIBLE" in codes(result)


def test_closed_window_without_a_claim_owes_nothing(annotate):
    result = match(annotate, as_of="2023-03-02T00:00:00+08:00")
    assert result["compensation"]["if_claimed_total"] == "0.00"
    assert "PRICE_MATCH_CLAIM_EXPIRED" in codes(result)


@pytest.mark.parametrize("change, reason", [
    pytest.param({"merchant_type": "jd_xiaodian"}, "京东小店", id="jd-xiaodian-excluded"),
    pytest.param({"service_mark": False}, "标识", id="no-service-mark"),
    pytest.param({"custom_product": True}, "定制", id="custom-made"),
    pytest.param({"same_product": False}, "同款", id="not-same-item"),
    pytest.param({"competitor_monthly_sales": 99}, "99", id="monthly-sales-under-100"),
    pytest.param({"competitor_paid_amount": "129.00"}, "不高于", id="not-paid-more"),
    pytest.param({"exited_at": "2023-03-01 09:00:00"}, "退出", id="placed-after-exit"),
    pytest.param({"proof": False}, "凭证", id="no-valid-proof"),
    pytest.param({"on_sale": False}, "在售", id="other-item-not-on-sale-and-available"),
    pytest.param({"competitor_platform": "拼多多"}, "不是特定平台", id="pdd-without-its-billion-subsidy-is-not-listed"),
    pytest.param({"competitor_platform": "百亿补贴"}, "不是特定平台", id="a-bare-billion-subsidy-is-not-listed"),
    pytest.param({"competitor_platform": "淘宝"}, "不是特定平台", id="taobao-is-not-listed"),
])
def test_each_eligibility_condition_can_refuse_the_claim(annotate, change, reason):
    result = match(annotate, claimed_at="2023-03-01 20:00:00", **change)
    assert result["compensation"]["total"] == "0.00"
    flag = next(f for f in result["flags"] if f["code"] == "PRICE_MATCH_NOT_ELIGIBLE")
    assert reason in flag["message"]


def test_monthly_sales_of_exactly_100_qualify(annotate):
    assert match(annotate, claimed_at="2023-03-01 20:00:00", competitor_monthly_sales=100)["compensation"]["total"] == "40.00"


def test_orders_placed_before_the_exit_are_still_owed(annotate):
    result = match(annotate, claimed_at="2023-03-01 20:00:00", exited_at="2023-03-01 11:00:00")
    assert result["compensation"]["total"] == "40.00"


def test_pdd_billion_subsidy_is_a_listed_platform(annotate):
    result = match(annotate, claimed_at="2023-03-01 20:00:00", competitor_platform="拼多多百亿补贴",
                   competitor_paid_amount="99.90")
    assert result["compensation"]["total"] == "58.20"


def test_unverified_conditions_leave_the_claim_as_if_claimed(annotate):
    result = annotate(platform="jd", placed_at="2023-03-01 10:00:00", paid_amount="129",
                      price_match={"competitor_platform": "tmall", "competitor_paid_amount": "109",
                                   "claimed_at": "2023-03-01 12:00:00"}, as_of="2023-03-03T00:00:00+08:00")
    assert result["compensation"]["total"] == "0.00"
    assert result["compensation"]["if_claimed_total"] == "40.00"
    flag = next(f for f in result["flags"] if f["code"] == "PRICE_MATCH_POSSIBLE")
    assert "price_match.same_product" in flag["facts"]["unverified"]


def test_the_rule_is_chosen_by_the_order_time_not_the_check_time(annotate):
    result = match(annotate, placed_at="2023-02-27 23:59:59", claimed_at="2023-02-27 23:00:00",
                   as_of="2023-03-10T00:00:00+08:00")
    assert result["compensation"]["total"] == "0.00"
    assert "PRICE_MATCH_NOT_IN_FORCE" in codes(result)
    assert match(annotate, placed_at="2023-02-28 00:00:00", claimed_at="2023-02-28 01:00:00")[
        "compensation"]["total"] == "40.00"


def test_price_match_does_not_apply_on_jingxi(annotate):
    result = annotate(platform="jingxi", placed_at="2023-03-01 10:00:00", paid_amount="129",
                      price_match={**CLAIM, "claimed_at": "2023-03-01 12:00:00"})
    assert "PRICE_MATCH_NOT_APPLICABLE" in codes(result)
    assert result["compensation"]["total"] == "0.00"


def test_without_claim_data_the_price_match_is_skipped(annotate):
    result = annotate(platform="jd", paid_at="2023-03-01 10:00:00", paid_amount="129")
    assert "PRICE-MATCH" in result["skipped"]


def test_jd_paid_amount_may_be_given_apart_from_the_order_amount(annotate):
    result = match(annotate, claimed_at="2023-03-01 20:00:00", jd_paid_amount="119.00")
    assert result["compensation"]["total"] == "20.00"


INTL = {"platform": "jd_international", "paid_at": "2022-06-10 10:00:00", "quantity": 2}


def test_price_commitment_exposure_is_the_unit_difference_times_quantity(annotate):
    result = annotate(**INTL, price_commitment={"unit_price": "99.00", "post_window_lowest_price": "89.50"})
    assert result["compensation"]["if_claimed_total"] == "19.00"
    assert "PRICE_COMMITMENT_BREACH" in codes(result)


def test_a_claimed_price_commitment_is_owed(annotate):
    result = annotate(**INTL, price_commitment={"unit_price": "99.00", "post_window_lowest_price": "89.50", "claimed": True})
    assert result["compensation"]["total"] == "19.00"


def test_no_exposure_when_the_post_window_price_is_not_lower(annotate):
    result = annotate(**INTL, price_commitment={"unit_price": "99.00", "post_window_lowest_price": "99.00"})
    assert result["compensation"]["if_claimed_total"] == "0.00"
    assert "PRICE_COMMITMENT_BREACH" not in codes(result)


def test_price_commitment_unit_price_defaults_to_paid_over_quantity(annotate):
    result = annotate(**INTL, paid_amount="198.00", price_commitment={"post_window_lowest_price": "90.00"})
    assert result["compensation"]["if_claimed_total"] == "18.00"


def test_price_commitment_without_the_post_window_price_is_skipped(annotate):
    result = annotate(**INTL, paid_amount="198.00")
    assert "PRICE-COMMITMENT" in result["skipped"]


def test_price_commitment_only_where_the_campaign_has_one(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-10 10:00:00",
                      price_commitment={"unit_price": "99", "post_window_lowest_price": "50"})
    assert "PRICE_COMMITMENT_BREACH" not in codes(result)


@pytest.mark.parametrize("baseline, peak, activity, flagged", [
    ("100", "130", "100", True), ("100", "130", "90", False), ("100", "104", "104", False), ("100", "105.01", "100", True)])
def test_raise_then_cut_is_a_warning_for_review(annotate, baseline, peak, activity, flagged):
    result = annotate(platform="jd", paid_at="2023-06-10 10:00:00",
                      price_history={"baseline_price": baseline, "peak_price": peak, "activity_price": activity})
    assert ("PRICE_RAISE_THEN_CUT" in codes(result)) is flagged


def test_price_protection_drop_within_the_term(annotate):
    result = annotate(platform="jd", paid_at="2023-06-01 10:00:00", paid_amount="200", quantity=2,
                      price_protection={"days": 15, "lowest_price_after": "90"}, as_of="2023-06-10T00:00:00+08:00")
    assert result["deadlines"]["price_protection_until"] == "2023-06-16T23:59:59+08:00"
    assert result["compensation"]["if_claimed_total"] == "20.00"


def test_price_protection_term_defaults_to_the_catalog_parameter(annotate, engine):
    result = annotate(platform="jd", paid_at="2023-06-01 10:00:00", price_protection={}, as_of="2023-06-10T00:00:00+08:00")
    assert engine.params.price_protection_days == 30
    assert result["deadlines"]["price_protection_until"] == "2023-07-01T23:59:59+08:00"


def test_price_protection_after_the_term_is_nothing(annotate):
    result = annotate(platform="jd", paid_at="2023-06-01 10:00:00", paid_amount="100",
                      price_protection={"days": 7, "lowest_price_after": "90"}, as_of="2023-06-20T00:00:00+08:00")
    assert result["compensation"]["if_claimed_total"] == "0.00"


@pytest.mark.parametrize("platform", ["拼多多", "百亿补贴", "京东百亿补贴", "amazon", "x" * 400])
def test_only_pdd_billion_subsidy_and_tmall_are_listed_platforms_so_nothing_else_is_owed(annotate, platform):
    result = match(annotate, claimed_at="2023-03-01 20:00:00", competitor_platform=platform)
    assert result["errors"] == []
    assert (result["compensation"]["total"], result["compensation"]["if_claimed_total"]) == ("0.00", "0.00")
    flag = next(f for f in result["flags"] if f["code"] == "PRICE_MATCH_NOT_ELIGIBLE")
    assert flag["severity"] == "info" and "not a listed platform" in flag["message_en"]
    assert len(flag["facts"]["competitor_platform"]) <= 41


@pytest.mark.parametrize("missing", ["proof", "on_sale"])
def test_a_claim_without_proof_or_on_sale_known_is_money_if_upheld_not_owed(annotate, missing):
    claim = {k: v for k, v in CLAIM.items() if k != missing}
    result = annotate(platform="jd", placed_at="2023-03-01 10:00:00", paid_amount="129.00",
                      price_match={**claim, "claimed_at": "2023-03-01 20:00:00"}, as_of="2023-03-02T12:00:00+08:00")
    assert (result["compensation"]["total"], result["compensation"]["if_claimed_total"]) == ("0.00", "40.00")
    flag = next(f for f in result["flags"] if f["code"] == "PRICE_MATCH_POSSIBLE")
    assert flag["facts"]["unverified"] == [f"price_match.{missing}"]


def test_a_unit_price_worked_out_from_paid_and_quantity_is_not_rounded_before_the_exposure(annotate):
    # 3 units paid 100.00 together, 30.00 each after the window: 10.00 exposure (33.33 a unit would give 9.99).
    result = annotate(**{**INTL, "quantity": 3}, paid_amount="100.00", price_commitment={"post_window_lowest_price": "30.00"})
    assert result["compensation"]["if_claimed_total"] == "10.00"


def test_a_named_618_campaign_gives_no_price_commitment_exposure_to_an_order_paid_in_july(annotate):
    result = annotate(platform="jd_international", campaign="jd_intl_618_2022", paid_at="2022-07-10 10:00:00",
                      quantity=2, price_commitment={"unit_price": "99.00", "post_window_lowest_price": "89.50"})
    assert result["compensation"]["if_claimed_total"] == "0.00" and "PRICE_COMMITMENT_BREACH" not in codes(result)
    assert "CAMPAIGN_OUTSIDE_WINDOW" in codes(result)


def test_a_product_with_a_price_protection_term_of_0_days_has_no_price_protection(annotate):
    """Seed 000: "若商家自主开通价保服务，商品详情页将优先展示服务标签": price protection is a service the merchant
    opens; a product whose own term is 0 days has none, so nothing is at stake for the 30-day default."""
    result = annotate(platform="jd", paid_at="2023-06-01 10:00:00", paid_amount="200", quantity=2,
                      price_protection={"days": 0, "lowest_price_after": "90"}, as_of="2023-06-02T00:00:00+08:00")
    assert "price_protection_until" not in result["deadlines"]
    assert result["compensation"]["if_claimed_total"] == "0.00"
    assert "PRICE_PROTECTION_EXPOSURE" not in codes(result)


def test_a_price_protection_term_given_per_product_wins_over_the_default(annotate):
    """Seed 000: "若商家自主开通价保服务": the product's own term, not the catalog's 30 days."""
    result = annotate(platform="jd", paid_at="2023-06-01 10:00:00", paid_amount="200", quantity=2,
                      price_protection={"days": 1, "lowest_price_after": "90"}, as_of="2023-06-02T12:00:00+08:00")
    assert result["deadlines"]["price_protection_until"] == "2023-06-02T23:59:59+08:00"
    assert result["compensation"]["if_claimed_total"] == "20.00"


def test_price_protection_takes_the_orders_jd_price_when_only_it_and_a_quantity_are_known(annotate):
    """Seed 000: "平台将根据《京东开放平台“商品价格保护”服务规则》…执行": the drop is worked out on the unit
    price; with no price-protection unit price and no paid amount, the order's 京东价 (unit_price) is it."""
    result = annotate(platform="jd", paid_at="2023-06-01 10:00:00", unit_price="100", quantity=2,
                      price_protection={"days": 15, "lowest_price_after": "90"}, as_of="2023-06-10T00:00:00+08:00")
    assert result["compensation"]["if_claimed_total"] == "20.00"
    item = result["compensation"]["items"][0]
    assert item["rule"] == "PRICE-PROTECTION" and item["facts"]["unit_price"] == "100.00"


def test_price_commitment_takes_the_orders_jd_price_when_only_it_and_a_quantity_are_known(annotate):
    """Seed 000: "商家需确保活动商品在正式活动期间的价格不高于活动结束后15日内的价格". With no commitment
    unit price and no paid amount, the order's 京东价 (unit_price) is the window's price."""
    result = annotate(**INTL, unit_price="99.00", price_commitment={"post_window_lowest_price": "89.50"})
    assert "PRICE-COMMITMENT" not in result["skipped"]
    assert result["compensation"]["if_claimed_total"] == "19.00"


def test_the_price_paid_per_item_comes_before_the_jd_price(annotate):
    result = annotate(**INTL, paid_amount="198.00", unit_price="120.00",
                      price_commitment={"post_window_lowest_price": "90.00"})
    assert result["compensation"]["if_claimed_total"] == "18.00"
