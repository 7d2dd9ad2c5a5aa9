"""SHIP-DEADLINE, SHIP-SUBSIDY, SHIP-SURCHARGE (seed 004)."""
import pytest

from shared.options import Options

from .conftest import codes


@pytest.mark.parametrize("paid_at, deadline, hours", [
    pytest.param("2022-06-16 10:00:00", "2022-06-20T10:00:00+08:00", 96, id="96h-day-0616"),
    pytest.param("2022-06-02 23:30:00", "2022-06-04T23:30:00+08:00", 48, id="ordinary-day-0602"),
    pytest.param("2022-06-18 23:59:59", "2022-06-22T23:59:59+08:00", 96, id="last-second-of-96h-day"),
    pytest.param("2022-06-19 00:00:00", "2022-06-21T00:00:00+08:00", 48, id="first-second-after-96h-day"),
    pytest.param("2022-06-01 00:00:00", "2022-06-05T00:00:00+08:00", 96, id="first-second-of-96h-day-0601"),
    pytest.param("2022-06-08 12:00:00", "2022-06-12T12:00:00+08:00", 96, id="96h-day-0608"),
    pytest.param("2022-06-17 08:00:00", "2022-06-21T08:00:00+08:00", 96, id="96h-day-0617"),
    pytest.param("2022-05-31 23:59:59", "2022-06-02T23:59:59+08:00", 48, id="day-before-0601"),
])
def test_on_jingxi_orders_concluded_on_the_96_hour_days_ship_within_96_hours_the_others_within_48(
        annotate, paid_at, deadline, hours):
    """Seed 004: "2022年6月1日、6月8日、6月16日至6月18日成交的订单，要求商家须96小时内完成发货，618活动期间其他时段
    成交的订单，商家须在48小时内完成发货"."""
    result = annotate(platform="jingxi", paid_at=paid_at, as_of="2022-05-01T00:00:00+08:00")
    assert result["ship"]["deadline"] == deadline
    assert result["ship"]["hours_allowed"] == hours
    assert result["deadlines"]["ship_by"] == deadline
    assert result["campaign"] == "jingxi_618_2022"


def test_utc_input_that_is_already_the_next_beijing_day_takes_that_days_hours(annotate):
    # 2022-06-15T16:30Z is 2022-06-16 00:30 in Beijing: a 96 h day.
    result = annotate(platform="jingxi", paid_at="2022-06-15T16:30:00Z")
    assert result["ship"]["hours_allowed"] == 96
    assert result["ship"]["deadline"] == "2022-06-20T00:30:00+08:00"


def test_utc_input_that_is_still_the_earlier_beijing_day(annotate):
    # 2022-06-18T16:00Z is 2022-06-19 00:00 Beijing: no longer a 96 h day.
    result = annotate(platform="jingxi", paid_at="2022-06-18T16:00:00+00:00")
    assert result["ship"]["hours_allowed"] == 48


def test_outside_any_campaign_the_default_48_hours_apply(annotate):
    result = annotate(platform="jd", paid_at="2023-03-01 10:00:00", as_of="2023-03-01T12:00:00+08:00")
    assert result["campaign"] is None
    assert result["ship"]["hours_allowed"] == 48
    assert result["ship"]["deadline"] == "2023-03-03T10:00:00+08:00"
    assert result["ship"]["status"] == "pending"


def test_the_contract_example_is_shipped_one_hour_late(annotate):
    result = annotate(order_id="235711131719", platform="jingxi", paid_at="2022-06-16 10:00:00",
                      picked_up_at="2022-06-20 11:00:00", paid_amount="129.00")
    assert result["ship"]["status"] == "shipped_late"
    assert result["ship"]["late_by_hours"] == 1.0
    flag = result["flags"][0]
    assert (flag["code"], flag["severity"], flag["rule"]) == ("LATE_SHIPMENT", "violation", "SHIP-DEADLINE")
    assert flag["facts"]["paid_at"] == "2022-06-16T10:00:00+08:00" and flag["facts"]["extended_day"] is True
    assert "超时发货" in flag["message"] and "late" in flag["message_en"]


def test_pickup_at_the_deadline_second_is_on_time(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", picked_up_at="2022-06-20 10:00:00")
    assert result["ship"]["status"] == "shipped_on_time"
    assert codes(result) == []


def test_pickup_one_second_after_the_deadline_is_late(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", picked_up_at="2022-06-20 10:00:01")
    assert result["ship"]["status"] == "shipped_late"


def test_only_an_outbound_time_is_used_and_said_so(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", shipped_at="2022-06-05 10:00:00")
    assert result["ship"]["shipped_basis"] == "shipped_at"
    assert result["ship"]["status"] == "shipped_late"
    assert "出库时间" in result["flags"][0]["message"]


def test_pickup_scan_wins_over_outbound_time(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", shipped_at="2022-06-03 10:00:00",
                      picked_up_at="2022-06-05 10:00:00")
    assert result["ship"]["shipped_basis"] == "picked_up_at"
    assert result["ship"]["status"] == "shipped_late"


@pytest.mark.parametrize("as_of, status, hours_left, late_by", [
    pytest.param("2022-06-03T10:00:00+08:00", "pending", 24.0, None, id="a-day-left"),
    pytest.param("2022-06-04T10:00:01+08:00", "overdue", None, 0.01, id="one-second-overdue-reads-0.01h"),
    pytest.param("2022-06-04T04:00:01+08:00", "at_risk", 5.99, None, id="just-under-6h-left-reads-5.99"),
    pytest.param("2022-06-04T04:00:00+08:00", "pending", 6.0, None, id="exactly-6h-left-is-not-at-risk"),
    pytest.param("2022-06-04T10:00:00+08:00", "at_risk", 0.0, None, id="deadline-second"),
    pytest.param("2022-06-04T13:30:00+08:00", "overdue", None, 3.5, id="overdue-3.5h"),
])
def test_pending_orders_are_pending_at_risk_or_overdue_by_as_of(annotate, as_of, status, hours_left, late_by):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", as_of=as_of)
    ship = result["ship"]
    assert ship["status"] == status
    assert ship["late_by_hours"] == late_by
    assert ship["hours_left"] == hours_left
    expected = {"overdue": ["SHIP_OVERDUE"], "at_risk": ["SHIP_AT_RISK"], "pending": []}[status]
    assert codes(result) == expected


def test_at_risk_threshold_is_a_per_request_option(engine):
    from shared import parse_time
    order = {"order_id": "1", "platform": "jingxi", "paid_at": "2022-06-02 10:00:00"}
    as_of = parse_time("2022-06-03T22:00:00+08:00")  # 12 h left
    assert engine.annotate_raw(order, as_of=as_of)["ship"]["status"] == "pending"
    assert engine.annotate_raw(order, as_of=as_of, options=Options(at_risk_hours=24))["ship"]["status"] == "at_risk"


def test_an_earlier_merchant_promise_binds(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", promised_ship_by="2022-06-17 10:00:00",
                      picked_up_at="2022-06-18 10:00:00")
    assert result["ship"]["deadline"] == "2022-06-17T10:00:00+08:00"
    assert result["ship"]["basis"] == "merchant_promise"
    assert result["ship"]["platform_deadline"] == "2022-06-20T10:00:00+08:00"
    assert result["ship"]["status"] == "shipped_late"


def test_a_later_merchant_promise_does_not_extend_the_platform_deadline(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", promised_ship_by="2022-06-10 10:00:00")
    assert result["ship"]["deadline"] == "2022-06-04T10:00:00+08:00"
    assert result["ship"]["basis"] == "platform"


def test_cash_on_delivery_counts_from_the_order_placed(annotate):
    result = annotate(platform="jingxi", payment_method="货到付款", placed_at="2022-06-16 10:00:00")
    assert result["ship"]["deadline"] == "2022-06-20T10:00:00+08:00"
    assert result["flags"] == [] or result["flags"][0]["facts"].get("placed_at")


def test_online_order_without_payment_time_skips_the_deadline(annotate):
    result = annotate(platform="jingxi", placed_at="2022-06-16 10:00:00")
    assert result["ship"] is None
    assert "SHIP-DEADLINE" in result["skipped"]
    assert result["skipped_reasons"]["SHIP-DEADLINE"]["missing"] == ["paid_at"]


@pytest.mark.parametrize("sentinel", ["0001-01-01 00:00:00", "1970-01-01 08:00:00"])
def test_sentinel_times_mean_not_set(annotate, sentinel):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", picked_up_at=sentinel,
                      as_of="2022-06-03T10:00:00+08:00")
    assert result["ship"]["status"] == "pending"


def test_cancelled_orders_have_nothing_to_ship(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", order_status="已取消")
    assert result["ship"] is None
    assert "取消" in result["skipped_reasons"]["SHIP-DEADLINE"]["message"]


def test_shipped_status_without_a_time_is_on_time_while_the_deadline_is_ahead(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-19 10:00:00", order_status="等待确认收货")
    assert result["ship"]["status"] == "shipped_on_time"


def test_shipped_status_without_a_time_after_the_deadline_is_unknown_not_guessed(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", order_status="等待确认收货")
    assert result["ship"]["status"] == "shipped_time_unknown"
    assert codes(result) == []


def test_jd_shown_promise_that_differs_is_reported(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", shown_ship_by="2022-06-18 10:00:00",
                      as_of="2022-06-17T10:00:00+08:00")
    assert "SHIP_PROMISE_DIFFERS" in codes(result)
    assert result["ship"]["shown_ship_by"] == "2022-06-18T10:00:00+08:00"


def test_jd_shown_promise_that_agrees_is_not_reported(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", shown_ship_by="2022-06-20 10:00:00",
                      as_of="2022-06-17T10:00:00+08:00")
    assert "SHIP_PROMISE_DIFFERS" not in codes(result)


def test_a_late_order_in_a_subsidy_activity_forfeits_the_subsidy(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", picked_up_at="2022-06-05 10:00:00",
                      subsidy_activity="百亿补贴", subsidy_amount="12.50")
    assert "SUBSIDY_FORFEITED" in codes(result)
    assert result["losses"]["total"] == "12.50"
    assert result["losses"]["items"][0]["rule"] == "SHIP-SUBSIDY"


def test_an_overdue_order_in_a_subsidy_activity_forfeits_without_a_known_amount(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", subsidy_activity="京享礼金")
    assert "SUBSIDY_FORFEITED" in codes(result)
    assert result["losses"]["total"] == "0.00"


def test_an_on_time_order_keeps_its_subsidy(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", picked_up_at="2022-06-03 10:00:00",
                      subsidy_activity="百亿补贴", subsidy_amount="12.50")
    assert "SUBSIDY_FORFEITED" not in codes(result)
    assert result["losses"]["total"] == "0.00"


@pytest.mark.parametrize("weight, low, high", [("0.3", "0.50", "1.00"), ("1.2", "1.50", "3.00"), ("2", "2.00", "4.00")])
def test_carrier_surcharge_is_estimated_per_half_kilo_in_the_warm_up(annotate, weight, low, high):
    result = annotate(platform="jingxi", paid_at="2022-05-15 10:00:00", weight_kg=weight)
    flag = next(f for f in result["flags"] if f["code"] == "SHIP_SURCHARGE_ESTIMATE")
    assert (flag["facts"]["low"], flag["facts"]["high"], flag["severity"]) == (low, high, "info")


def test_no_surcharge_estimate_outside_the_promo(annotate):
    result = annotate(platform="jingxi", paid_at="2022-08-15 10:00:00", weight_kg="1")
    assert "SHIP_SURCHARGE_ESTIMATE" not in codes(result)


def test_one_second_late_never_reads_late_by_zero(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", picked_up_at="2022-06-20 10:00:01")
    assert result["ship"]["late_by_hours"] == 0.01
    flag = result["flags"][0]
    assert "1 分钟" in flag["message"] and "Shipped 1 min late" in flag["message_en"]


def test_hours_late_are_rounded_up_and_shown_in_minutes_under_an_hour(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", as_of="2022-06-04T10:30:01+08:00")
    assert result["ship"]["status"] == "overdue" and result["ship"]["late_by_hours"] == 0.51
    assert "31 min after the deadline" in result["flags"][0]["message_en"]


def test_an_at_risk_order_never_reads_as_much_time_left_as_the_threshold(annotate):
    # One second under the 6 h threshold: at risk, and it reads 5.9 h (shared/duration.py), not 6 h.
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", as_of="2022-06-04T04:00:01+08:00")
    assert result["ship"]["status"] == "at_risk" and result["ship"]["hours_left"] == 5.99
    assert "Only 5.9 h left" in result["flags"][0]["message_en"]


def test_time_left_under_an_hour_is_shown_in_whole_minutes_rounded_down(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", as_of="2022-06-04T09:30:30+08:00")
    assert result["ship"]["hours_left"] == 0.49
    assert "仅剩 29 分钟" in result["flags"][0]["message"] and "Only 29 min left" in result["flags"][0]["message_en"]


def test_the_time_jd_shows_binds_when_it_is_earlier_than_the_rule(annotate):
    # 96 h day: the rule gives 06-20 10:00, JD shows 06-18 10:00; at 06-19 the order is overdue, not "1 day left".
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", shown_ship_by="2022-06-18 10:00:00",
                      as_of="2022-06-19T10:00:00+08:00")
    ship = result["ship"]
    assert (ship["status"], ship["basis"], ship["deadline"]) == ("overdue", "jd_shown", "2022-06-18T10:00:00+08:00")
    assert ship["platform_deadline"] == "2022-06-20T10:00:00+08:00" and ship["late_by_hours"] == 24.0
    overdue = next(f for f in result["flags"] if f["code"] == "SHIP_OVERDUE")
    assert "京东显示的承诺发货时间更早" in overdue["message"] and overdue["facts"]["basis"] == "jd_shown"
    differs = next(f for f in result["flags"] if f["code"] == "SHIP_PROMISE_DIFFERS")
    assert differs["facts"]["rule_deadline"] == "2022-06-20T10:00:00+08:00"


def test_a_pickup_after_the_time_jd_shows_is_late_though_inside_the_rule(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", shown_ship_by="2022-06-18 10:00:00",
                      picked_up_at="2022-06-18 12:00:00")
    assert (result["ship"]["status"], result["ship"]["basis"], result["ship"]["late_by_hours"]) == (
        "shipped_late", "jd_shown", 2.0)


def test_a_later_time_shown_by_jd_does_not_extend_the_rule(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", shown_ship_by="2022-06-06 10:00:00",
                      as_of="2022-06-05T10:00:00+08:00")
    assert (result["ship"]["status"], result["ship"]["basis"]) == ("overdue", "platform")
    assert "SHIP_PROMISE_DIFFERS" in codes(result)


def test_the_earliest_of_rule_merchant_promise_and_jd_shown_binds(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:00", promised_ship_by="2022-06-17 10:00:00",
                      shown_ship_by="2022-06-18 10:00:00", as_of="2022-06-16T12:00:00+08:00")
    assert (result["ship"]["deadline"], result["ship"]["basis"]) == ("2022-06-17T10:00:00+08:00", "merchant_promise")


def test_a_time_shown_by_jd_within_a_minute_of_the_rule_is_the_same_deadline(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:30", shown_ship_by="2022-06-20 10:00:00",
                      as_of="2022-06-17T10:00:00+08:00")
    assert (result["ship"]["deadline"], result["ship"]["basis"]) == ("2022-06-20T10:00:30+08:00", "platform")
    assert "SHIP_PROMISE_DIFFERS" not in codes(result)


@pytest.mark.parametrize("paid_at, picked_up_at, status, late_by", [
    # China kept daylight saving 1986–1991: on 1988-04-17 clocks went from 02:00 to 03:00.
    pytest.param("1988-04-16 10:00:00", "1988-04-18 10:30:00", "shipped_on_time", None,
                 id="47.5-real-hours-across-the-spring-change-is-on-time"),
    pytest.param("1988-04-16 10:00:00", "1988-04-18 11:00:01", "shipped_late", 0.01,
                 id="48-real-hours-and-a-second-is-late"),
    # On 1988-09-11 clocks went from 02:00 back to 01:00: 48 real hours end an hour earlier on the wall clock.
    pytest.param("1988-09-10 10:00:00", "1988-09-12 09:00:00", "shipped_on_time", None,
                 id="48-real-hours-across-the-autumn-change-end-at-09:00-wall-clock"),
    pytest.param("1988-09-10 10:00:00", "1988-09-12 09:30:00", "shipped_late", 0.5,
                 id="09:30-after-the-autumn-change-is-half-an-hour-late"),
])
def test_elapsed_hours_are_real_hours_across_chinas_daylight_saving(annotate, paid_at, picked_up_at, status, late_by):
    result = annotate(platform="jd", paid_at=paid_at, picked_up_at=picked_up_at, as_of="1988-10-01T00:00:00+08:00")
    assert (result["ship"]["status"], result["ship"]["late_by_hours"]) == (status, late_by)


@pytest.mark.parametrize("amount, cap, lost", [
    pytest.param("12.50", "10.00", "10.00", id="a-subsidy-over-the-cap-loses-only-the-cap"),
    pytest.param("8.00", "10.00", "8.00", id="a-subsidy-under-the-cap-loses-itself"),
    pytest.param("10.00", "10.00", "10.00", id="a-subsidy-at-the-cap"),
])
def test_a_subsidy_lost_is_at_most_the_activitys_subsidy_cap(annotate, amount, cap, lost):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", picked_up_at="2022-06-05 10:00:00",
                      subsidy_activity="百亿补贴", subsidy_amount=amount, subsidy_cap=cap)
    assert result["losses"]["total"] == lost
    flag = next(f for f in result["flags"] if f["code"] == "SUBSIDY_FORFEITED")
    assert flag["facts"]["subsidy_cap"] == cap and "unverified" not in flag["facts"]


def test_without_the_subsidy_cap_the_whole_subsidy_is_shown_lost_and_the_cap_is_to_verify(annotate):
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", picked_up_at="2022-06-05 10:00:00",
                      subsidy_activity="百亿补贴", subsidy_amount="12.50")
    assert result["losses"]["total"] == "12.50"
    assert next(f for f in result["flags"] if f["code"] == "SUBSIDY_FORFEITED")["facts"]["unverified"] == ["subsidy_cap"]


def test_a_named_campaign_applies_to_orders_concluded_inside_its_window(annotate):
    result = annotate(platform="jingxi", campaign="jingxi_618_2022", paid_at="2022-06-16 10:00:00")
    assert result["campaign"] == "jingxi_618_2022" and result["ship"]["hours_allowed"] == 96
    assert "CAMPAIGN_OUTSIDE_WINDOW" not in codes(result)


def test_a_named_campaign_is_not_applied_to_an_order_concluded_outside_its_window(annotate):
    # Paid in July: the 618 campaign's 96 h days, red envelopes and requirements do not apply to it.
    result = annotate(platform="jingxi", campaign="jingxi_618_2022", paid_at="2022-07-16 10:00:00",
                      paid_amount="15", red_envelope={"qualifying": True}, as_of="2022-07-16T12:00:00+08:00")
    assert result["campaign"] is None and result["ship"]["hours_allowed"] == 48
    assert result["errors"] == [] and result["compensation"]["items"] == []
    flag = next(f for f in result["flags"] if f["code"] == "CAMPAIGN_OUTSIDE_WINDOW")
    assert flag["severity"] == "info" and flag["facts"]["named_campaign"] == "jingxi_618_2022"
    assert "its rules are not applied" in flag["message_en"] and "未按该活动规则判断" in flag["message"]


def test_a_named_campaign_outside_its_window_falls_back_to_the_campaign_in_force_then(annotate):
    result = annotate(platform="jd_international", campaign="jd_intl_618_2021", paid_at="2022-06-10 10:00:00",
                      services={"freight_insurance": False})
    assert result["campaign"] == "jd_intl_618_2022"
    assert "CAMPAIGN_OUTSIDE_WINDOW" in codes(result)


@pytest.mark.parametrize("status, reason", [
    pytest.param("已取消", "订单已取消，无需发货", id="cancelled"),
    pytest.param("(锁定)等待出库", "订单已锁定（暂不可发货），不计超时", id="locked"),
])
def test_a_cancelled_or_locked_order_in_a_subsidy_activity_is_skipped_for_its_status_not_a_missing_payment_time(
        annotate, status, reason):
    """Seed 004: "针对延迟发货订单，平台不予补贴". An order with nothing to ship now cannot be late; the
    subsidy rule says so, in the words of its status, and never claims the given payment time is missing."""
    result = annotate(platform="jingxi", paid_at="2022-06-02 10:00:00", order_status=status,
                      subsidy_activity="百亿补贴", subsidy_amount="12.50")
    assert "SHIP-SUBSIDY" in result["skipped"]
    said = result["skipped_reasons"]["SHIP-SUBSIDY"]
    assert said["missing"] == [] and said["message"] == reason
    assert "paid_at" not in said["message"] + said["message_en"]
    assert result["losses"]["total"] == "0.00"


def test_a_subsidy_order_without_its_payment_time_is_skipped_naming_the_payment_time(annotate):
    result = annotate(platform="jingxi", placed_at="2022-06-02 10:00:00", subsidy_activity="百亿补贴")
    assert result["skipped_reasons"]["SHIP-SUBSIDY"]["missing"] == ["paid_at"]


def test_a_ship_by_time_jd_shows_with_seconds_binds_when_it_is_earlier_even_by_seconds(annotate):
    """Seed 004: "请注意在订单生成后的平台要求的发货时效或商家自行设置的承诺发货时效内，按时完成快递揽收". JD shows
    its promise time to the minute; a shown time that carries seconds is exact, and the earlier time binds."""
    result = annotate(platform="jingxi", paid_at="2022-06-16 10:00:30", shown_ship_by="2022-06-20 10:00:15",
                      picked_up_at="2022-06-20 10:00:20")
    assert (result["ship"]["deadline"], result["ship"]["basis"]) == ("2022-06-20T10:00:15+08:00", "jd_shown")
    assert result["ship"]["status"] == "shipped_late"
    assert "SHIP_PROMISE_DIFFERS" in codes(result)


def test_a_cash_on_delivery_order_without_its_placement_time_skips_the_deadline_naming_placed_at(annotate):
    """Seed 004: "2022年6月1日、6月8日、6月16日至6月18日成交的订单，要求商家须96小时内完成发货". A cash-on-delivery
    order is concluded (成交) when placed; its payment time is the cash collected at the door, never its 成交."""
    result = annotate(platform="jingxi", payment_method="货到付款", paid_at="2022-06-16 10:00:00",
                      as_of="2022-06-30T12:00:00+08:00")
    assert result["ship"] is None
    assert result["skipped_reasons"]["SHIP-DEADLINE"]["missing"] == ["placed_at"]
    assert "下单时间" in result["skipped_reasons"]["SHIP-DEADLINE"]["message"]
    assert codes(result) == []
