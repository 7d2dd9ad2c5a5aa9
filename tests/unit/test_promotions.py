"""RED-ENVELOPE-3FOR3 (seed 004)."""
import pytest

from .conftest import codes


def envelope(annotate, paid, order_status=None, **red):
    return annotate(platform="jingxi", paid_at="2022-06-10 10:00:00", paid_amount=paid, order_status=order_status,
                    red_envelope={"qualifying": True, **red})


@pytest.mark.parametrize("paid, share", [
    pytest.param("15", "5.00", id="seed-example-15-gives-10-envelope-5-each"),
    pytest.param("6.40", "3.20", id="seed-004-1-to-1-6.40-gives-3.20"),
    pytest.param("10", "5.00", id="exactly-10-caps-at-5"),
    pytest.param("9.99", "5.00", id="9.99-half-up-to-5.00"),
    pytest.param("0.01", "0.01", id="one-fen-half-up"),
])
def test_merchant_share_is_half_the_capped_envelope(annotate, paid, share):
    result = envelope(annotate, paid)
    item = result["compensation"]["items"][0]
    assert (item["rule"], item["amount"], item["payee"]) == ("RED-ENVELOPE-3FOR3", share, "platform")
    assert result["deadlines"]["red_envelope_settlement_end"] == "2022-07-18T23:59:59+08:00"


@pytest.mark.parametrize("refunded_at, returned", [
    pytest.param("2022-07-18 23:59:59", True, id="refund-at-the-last-second-of-settlement"),
    pytest.param("2022-07-19 00:00:00", False, id="refund-one-second-after-settlement"),
    pytest.param("2022-06-25 10:00:00", True, id="refund-well-inside"),
])
def test_refunds_inside_settlement_return_the_share_and_after_do_not(annotate, refunded_at, returned):
    result = envelope(annotate, "15", refunded_at=refunded_at)
    assert ("RED_ENVELOPE_SHARE_RETURNED" in codes(result)) is returned
    assert result["compensation"]["total"] == ("0.00" if returned else "5.00")


def test_a_non_qualifying_order_has_no_share(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-10 10:00:00", paid_amount="15",
                      red_envelope={"qualifying": False})
    assert result["compensation"]["items"] == []


def test_jingxi_618_order_without_envelope_data_is_skipped(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-10 10:00:00", paid_amount="15")
    assert "RED-ENVELOPE-3FOR3" in result["skipped"]


def test_outside_a_campaign_the_activity_end_must_be_given(annotate):
    result = annotate(platform="jd", paid_at="2023-06-10 10:00:00", paid_amount="15", red_envelope={"qualifying": True})
    assert "RED-ENVELOPE-3FOR3" in result["skipped"]
    given = annotate(platform="jd", paid_at="2023-06-10 10:00:00", paid_amount="15",
                     red_envelope={"qualifying": True, "activity_end": "2023-06-20 23:59:59"})
    assert given["deadlines"]["red_envelope_settlement_end"] == "2023-07-18T23:59:59+08:00"


@pytest.mark.parametrize("status", ["已取消", "等待付款"])
def test_a_cancelled_or_unpaid_order_has_no_share(annotate, status):
    result = envelope(annotate, "15", order_status=status)
    assert result["compensation"]["items"] == [] and "RED_ENVELOPE_SHARE" not in codes(result)


@pytest.mark.parametrize("paid_at, owed", [
    pytest.param("2022-06-20 23:59:59", "5.00", id="paid-at-the-activitys-last-second-shares"),
    pytest.param("2022-06-21 00:00:00", "0.00", id="paid-a-second-after-the-activity-ends-does-not"),
])
def test_a_qualifying_order_paid_outside_the_activity_gets_no_merchant_share(annotate, paid_at, owed):
    result = annotate(platform="jingxi", paid_at=paid_at, paid_amount="15", campaign="jingxi_618_2022",
                      red_envelope={"qualifying": True, "activity_end": "2022-06-20 23:59:59"},
                      as_of="2022-06-22T12:00:00+08:00")
    assert result["compensation"]["total"] == owed
    assert ("RED_ENVELOPE_OUTSIDE_ACTIVITY" in codes(result)) is (owed == "0.00")


def test_an_order_paid_after_an_activity_end_it_gives_itself_has_no_share(annotate):
    result = annotate(platform="jd", paid_at="2023-06-25 10:00:00", paid_amount="15",
                      red_envelope={"qualifying": True, "activity_end": "2023-06-20 23:59:59"})
    assert result["compensation"]["items"] == []
    flag = next(f for f in result["flags"] if f["code"] == "RED_ENVELOPE_OUTSIDE_ACTIVITY")
    assert flag["severity"] == "info" and flag["facts"]["paid_at"] == "2023-06-25T10:00:00+08:00"


def test_the_settlement_period_is_counted_in_days_ending_at_23_59_59(annotate):
    # An activity ending at 20:00 settles at 23:59:59 of the 28th day after, not at 20:00.
    result = annotate(platform="jd", paid_at="2023-06-10 10:00:00", paid_amount="15",
                      red_envelope={"qualifying": True, "activity_end": "2023-06-20 20:00:00",
                                    "refunded_at": "2023-07-18 21:00:00"})
    assert result["deadlines"]["red_envelope_settlement_end"] == "2023-07-18T23:59:59+08:00"
    assert "RED_ENVELOPE_SHARE_RETURNED" in codes(result)


def test_without_the_payment_time_the_share_is_not_guessed(annotate):
    result = annotate(platform="jd", paid_amount="15", red_envelope={"qualifying": True, "activity_end": "2023-06-20 23:59:59"})
    assert "paid_at" in result["skipped_reasons"]["RED-ENVELOPE-3FOR3"]["missing"]
