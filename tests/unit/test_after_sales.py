"""RETURN-7DAY, LIGHTNING-REFUND, FREIGHT-INSURANCE, FREE-PICKUP-RETURN, REVERSE-VALUE-PROTECTION,
ASSESSMENT-EXEMPT (seeds 000, 001, 003)."""
import pytest

from .conftest import codes


def test_return_window_ends_at_23_59_59_of_the_7th_day_after_receipt(annotate):
    result = annotate(received_at="2023-06-10 15:00:00", as_of="2023-06-12T00:00:00+08:00")
    assert result["deadlines"]["return_by"] == "2023-06-17T23:59:59+08:00"
    assert "RETURN_WINDOW_OPEN" in codes(result)


@pytest.mark.parametrize("as_of, code", [("2023-06-17T23:59:59+08:00", "RETURN_WINDOW_OPEN"),
                                          ("2023-06-18T00:00:00+08:00", "RETURN_WINDOW_CLOSED")])
def test_return_window_boundary(annotate, as_of, code):
    assert code in codes(annotate(received_at="2023-06-10 15:00:00", as_of=as_of))


@pytest.mark.parametrize("requested, code", [("2023-06-17 23:59:59", "RETURN_REQUEST_IN_WINDOW"),
                                              ("2023-06-18 00:00:00", "RETURN_WINDOW_CLOSED")])
def test_a_return_request_is_judged_by_its_own_time(annotate, requested, code):
    result = annotate(received_at="2023-06-10 15:00:00", return_request={"requested_at": requested},
                      as_of="2023-06-30T00:00:00+08:00")
    assert code in codes(result)


def test_excluded_items_have_no_no_reason_return(annotate):
    result = annotate(received_at="2023-06-10 15:00:00", return_request={"no_reason_excluded": True})
    assert codes(result) == ["RETURN_NO_REASON_EXCLUDED"]
    assert "return_by" not in result["deadlines"]


def test_a_shipped_order_without_receipt_time_skips_the_return_window(annotate):
    result = annotate(paid_at="2023-06-01 10:00:00", order_status="已完成")
    assert "RETURN-7DAY" in result["skipped"]


LIGHTNING = {"user_level": "S3", "in_lightning_scope": True, "credit_limit": "500", "waybill_uploaded_at": "2023-06-12 10:00:00"}


def test_lightning_refund_is_due_once_the_waybill_is_uploaded(annotate):
    result = annotate(paid_amount="199", received_at="2023-06-10 15:00:00", return_request=LIGHTNING)
    assert "LIGHTNING_REFUND_DUE" in codes(result)


@pytest.mark.parametrize("change", [{"user_level": "S1"}, {"in_lightning_scope": False}, {"credit_limit": "100"}],
                         ids=["below-S2", "not-in-scope", "over-credit-limit"])
def test_lightning_refund_conditions(annotate, change):
    result = annotate(paid_amount="199", return_request={**LIGHTNING, **change})
    assert "LIGHTNING_REFUND_DUE" not in codes(result)


def test_lightning_refund_eligible_before_the_waybill(annotate):
    result = annotate(paid_amount="199", return_request={**LIGHTNING, "waybill_uploaded_at": None})
    assert "LIGHTNING_REFUND_ELIGIBLE" in codes(result)


def test_lightning_refund_with_missing_facts_is_skipped(annotate):
    result = annotate(paid_amount="199", return_request={"user_level": "S3"})
    assert "LIGHTNING-REFUND" in result["skipped"]


def test_campaign_requires_freight_insurance_and_lightning_refund_in_the_window(annotate):
    result = annotate(platform="jd_international", paid_at="2021-06-01 10:00:00",
                      services={"freight_insurance": False, "lightning_refund": False})
    assert {"FREIGHT_INSURANCE_REQUIRED", "LIGHTNING_REFUND_REQUIRED"} <= set(codes(result))
    ok = annotate(platform="jd_international", paid_at="2021-06-01 10:00:00",
                  services={"freight_insurance": True, "lightning_refund": True})
    assert not {"FREIGHT_INSURANCE_REQUIRED", "LIGHTNING_REFUND_REQUIRED"} & set(codes(ok))


def test_free_pickup_return_needs_both_services(annotate):
    both = annotate(return_request={"pickup": True}, services={"freight_insurance": True, "lightning_refund": True})
    assert "FREE_PICKUP_RETURN" in codes(both)
    one = annotate(return_request={"pickup": True}, services={"freight_insurance": True, "lightning_refund": False})
    assert "FREE_PICKUP_RETURN" not in codes(one)


@pytest.mark.parametrize("paid, requested, code", [
    ("2999.99", "2024-08-20 10:00:00", "REVERSE_VALUE_PROTECTED"),
    ("2999.995", "2024-08-20 10:00:00", "REVERSE_VALUE_PROTECTED"),  # under 3,000 exactly, though it rounds to it
    ("3000.00", "2024-08-20 10:00:00", "REVERSE_VALUE_NOT_COVERED"),
    ("3000.00", "2024-08-31 00:00:00", "REVERSE_VALUE_PROTECTED"),
])
def test_reverse_value_protection_by_amount_and_date(annotate, paid, requested, code):
    result = annotate(paid_amount=paid, return_request={"requested_at": requested}, services={"freight_insurance": True})
    assert code in codes(result)


def test_reverse_value_protection_needs_freight_insurance_and_its_start_date(annotate):
    assert not any(c.startswith("REVERSE") for c in codes(annotate(
        paid_amount="100", return_request={"requested_at": "2024-08-20 10:00:00"}, services={"freight_insurance": False})))
    assert not any(c.startswith("REVERSE") for c in codes(annotate(
        paid_amount="100", return_request={"requested_at": "2024-08-01 10:00:00"}, services={"freight_insurance": True})))


def test_assessment_exemptions(annotate):
    result = annotate(after_sales={"delay_report_approved": True, "negotiated": True})
    assert codes(result) == ["ASSESSMENT_EXEMPT", "NEGOTIATION_SETTLED"]
    assert all(f["rule"] == "ASSESSMENT-EXEMPT" for f in result["flags"])


REPORT = {"delay_report_service_id": "SV1001", "delay_report_reason": "大促期间仓库爆仓",
          "delay_report_delayed_to": "2022-06-25 18:00:00", "delay_report_proof": True}


def test_an_approved_delay_report_with_its_content_removes_the_service_order_from_assessment(annotate):
    result = annotate(return_request={"service_id": "SV1001"}, after_sales={"delay_report_approved": True, **REPORT})
    flag = next(f for f in result["flags"] if f["code"] == "ASSESSMENT_EXEMPT")
    assert "unverified" not in flag["facts"] and "未提供" not in flag["message"]
    assert flag["facts"]["delay_report_service_id"] == "SV1001"
    assert flag["facts"]["delay_report_delayed_to"] == "2022-06-25T18:00:00+08:00"


def test_the_v1_true_false_still_exempts_and_says_the_report_content_is_not_given(annotate):
    result = annotate(after_sales={"delay_report_approved": True})
    flag = next(f for f in result["flags"] if f["code"] == "ASSESSMENT_EXEMPT")
    assert flag["facts"]["unverified"] == ["after_sales.delay_report_service_id", "after_sales.delay_report_reason",
                                           "after_sales.delay_report_delayed_to", "after_sales.delay_report_proof"]
    assert "服务单号、报备原因、延迟时间、证明图片" in flag["message"]


def test_a_filed_report_not_yet_approved_says_what_it_still_needs(annotate):
    result = annotate(after_sales={"delay_report_service_id": "SV1001", "delay_report_reason": "爆仓"})
    assert codes(result) == ["DELAY_REPORT_PENDING"]
    assert "延迟时间、证明图片" in result["flags"][0]["message"]
    assert "delay time, proof pictures" in result["flags"][0]["message_en"]


def test_a_report_without_proof_pictures_is_incomplete(annotate):
    result = annotate(after_sales={**REPORT, "delay_report_proof": False})
    assert result["flags"][0]["facts"]["unverified"] == ["after_sales.delay_report_proof"]


def test_a_report_naming_another_service_order_does_not_exempt_this_one(annotate):
    result = annotate(return_request={"service_id": "SV2002"}, after_sales={"delay_report_approved": True, **REPORT})
    assert codes(result) == ["DELAY_REPORT_OTHER_SERVICE_ORDER"]
    assert "ASSESSMENT_EXEMPT" not in codes(result)


def test_a_refused_delay_report_exempts_nothing(annotate):
    result = annotate(after_sales={"delay_report_approved": False, **REPORT})
    assert codes(result) == []


def test_a_named_618_campaign_requires_no_freight_insurance_of_an_order_paid_in_july(annotate):
    result = annotate(platform="jd_international", campaign="jd_intl_618_2021", paid_at="2021-07-10 10:00:00",
                      services={"freight_insurance": False, "lightning_refund": False})
    assert not {"FREIGHT_INSURANCE_REQUIRED", "LIGHTNING_REFUND_REQUIRED"} & set(codes(result))
    assert "CAMPAIGN_OUTSIDE_WINDOW" in codes(result)


def test_a_partial_return_compares_the_refund_not_the_whole_order_with_the_credit_limit(annotate):
    """Seed 000: "对于退货商品在闪电退款品类范围内且货款在授信额度内的，消费者…即可享受优先退款的服务". The advance
    refund is for the returned goods: the refund amount (退款金额), when known, is what the credit limit covers."""
    # A 900-yuan order, one 199-yuan item returned, credit limit 500: the returned goods are within it.
    result = annotate(paid_amount="900", return_request={**LIGHTNING, "refund_amount": "199"})
    due = next(f for f in result["flags"] if f["code"] == "LIGHTNING_REFUND_DUE")
    assert due["facts"]["refund_amount"] == "199.00" and "¥199.00" in due["message"]
    over = annotate(paid_amount="199", return_request={**LIGHTNING, "refund_amount": "600"})
    assert not {"LIGHTNING_REFUND_DUE", "LIGHTNING_REFUND_ELIGIBLE"} & set(codes(over))


def test_without_a_refund_amount_the_paid_amount_is_compared_as_before(annotate):
    assert "LIGHTNING_REFUND_DUE" not in codes(annotate(paid_amount="900", return_request=LIGHTNING))
    assert "LIGHTNING_REFUND_DUE" in codes(annotate(paid_amount="199", return_request=LIGHTNING))


def test_a_refund_amount_alone_is_enough_to_judge_the_credit_limit(annotate):
    result = annotate(return_request={**LIGHTNING, "refund_amount": "199"})
    assert "LIGHTNING-REFUND" not in result["skipped"] and "LIGHTNING_REFUND_DUE" in codes(result)


PICKUP = {"user_level": "S3", "in_lightning_scope": True, "credit_limit": "500", "pickup": "上门取件"}


def test_a_lightning_refund_by_pickup_starts_only_after_the_pickup_has_happened(annotate):
    """Seed 000: "消费者在售后上传有效运单号且有退货物流信息后（或京东配送售后上门取件后系统自动提交运单），即可享受
    优先退款的服务". A booked pickup is not yet a pickup: the refund starts at the pickup time (取件时间)."""
    booked = annotate(paid_amount="199", return_request=PICKUP, as_of="2023-06-12T12:00:00+08:00")
    assert "LIGHTNING_REFUND_DUE" not in codes(booked)
    waiting = next(f for f in booked["flags"] if f["code"] == "LIGHTNING_REFUND_ELIGIBLE")
    assert "取件后" in waiting["message"]
    later = annotate(paid_amount="199", return_request={**PICKUP, "picked_up_at": "2023-06-13 09:00:00"},
                     as_of="2023-06-12T12:00:00+08:00")
    assert "LIGHTNING_REFUND_DUE" not in codes(later)  # a pickup time after the check has not happened yet
    done = annotate(paid_amount="199", return_request={**PICKUP, "picked_up_at": "2023-06-12 09:00:00"},
                    as_of="2023-06-12T12:00:00+08:00")
    due = next(f for f in done["flags"] if f["code"] == "LIGHTNING_REFUND_DUE")
    assert due["facts"]["picked_up_at"] == "2023-06-12T09:00:00+08:00" and "上门取件" in due["message"]
