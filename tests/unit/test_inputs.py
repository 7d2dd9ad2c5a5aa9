"""Bad input gives field-level errors for that order only; money and time conventions."""
import time
from decimal import Decimal

import pytest

from shared import parse_time
from shared.annotate import annotate_batch
from shared.errors import InvalidAmount, InvalidBoolean, InvalidNumber, InvalidText, InvalidTime
from shared.money import money_str, to_money
from shared.order_input import parse_bool, parse_int, parse_order_id


@pytest.mark.parametrize("order, field, skipped, ship_kept", [
    pytest.param({"paid_at": "yesterday"}, "paid_at", "SHIP-DEADLINE", False, id="unparseable-time"),
    pytest.param({"paid_amount": "-1"}, "paid_amount", None, True, id="negative-amount"),
    pytest.param({"paid_amount": "abc"}, "paid_amount", None, True, id="non-numeric-amount"),
    pytest.param({"paid_amount": True}, "paid_amount", None, True, id="boolean-amount"),
    pytest.param({"paid_amount": "NaN"}, "paid_amount", None, True, id="nan-amount"),
    pytest.param({"platform": "taobao"}, "platform", "SHIP-DEADLINE", False, id="unknown-platform"),
    pytest.param({"payment_method": "bitcoin"}, "payment_method", "SHIP-DEADLINE", False, id="unknown-payment-method"),
    pytest.param({"price_match": "tmall"}, "price_match", "PRICE-MATCH", True, id="group-not-an-object"),
    pytest.param({"price_match": {"claimed_at": "soon"}}, "price_match.claimed_at", "PRICE-MATCH", True,
                 id="bad-price-match-value-keeps-the-ship-deadline"),
    pytest.param({"quantity": "1.5"}, "quantity", None, True, id="fractional-quantity"),
    pytest.param({"paid_amount": 1.7976931348623157e308}, "paid_amount", None, True, id="absurdly-large-amount"),
    pytest.param({"paid_at": "9999-12-31 23:00:00"}, "paid_at", "SHIP-DEADLINE", False, id="far-future-time-would-overflow"),
    pytest.param({"campaign": "nope_2099"}, "campaign", "SHIP-DEADLINE", False, id="unknown-campaign"),
    pytest.param({"campaign": "jingxi_618_2022", "platform": "jd"}, "campaign", "SHIP-DEADLINE", False,
                 id="campaign-of-another-platform"),
])
def test_a_bad_value_is_named_and_skips_only_the_rules_that_need_it(annotate, order, field, skipped, ship_kept):
    result = annotate(**{"paid_at": "2022-06-10 10:00:00", **order})
    assert [e["field"] for e in result["errors"]] == [field]
    assert result["errors"][0]["message"] and result["errors"][0]["message_en"]
    assert (result["ship"] is not None) == ship_kept
    if skipped:
        assert skipped in result["skipped"]
        assert field in result["skipped_reasons"][skipped]["missing"]
        assert field in result["skipped_reasons"][skipped]["message_en"]


def test_an_order_without_a_readable_id_gets_errors_and_nothing_else(engine):
    results, _ = annotate_batch(engine, [{"order_id": "", "paid_at": "2022-06-10 10:00:00"},
                                         {"order_id": {"a": 1}, "paid_at": "2022-06-10 10:00:00"},
                                         {"order_id": True}, {"order_id": "9" * 600}],
                                as_of=parse_time("2022-06-20 12:00:00"))
    for result in results:
        assert [e["field"] for e in result["errors"]] == ["order_id"] and result["order_id"] is None
        assert result["ship"] is None and result["flags"] == [] and result["compensation"]["total"] == "0.00"


def test_every_bad_field_of_an_order_is_reported_at_once(annotate):
    result = annotate(paid_at="x", paid_amount="-3", platform="y")
    assert sorted(e["field"] for e in result["errors"]) == ["paid_amount", "paid_at", "platform"]


def test_one_bad_order_never_spoils_the_batch(engine):
    orders = [{"order_id": "good-1", "platform": "jingxi", "paid_at": "2022-06-16 10:00:00"},
              {"order_id": "bad", "paid_at": "not a time"}, "not even an object",
              {"order_id": "good-2", "platform": "jingxi", "paid_at": "2022-06-02 10:00:00"}]
    results, summary = annotate_batch(engine, orders, as_of=parse_time("2022-06-20 12:00:00"))
    assert [bool(r["errors"]) for r in results] == [False, True, True, False]
    assert results[3]["ship"]["status"] == "overdue"
    assert summary["orders"] == 4 and summary["errors"] == 2 and summary["overdue"] == 2


@pytest.mark.parametrize("value, expected", [
    pytest.param("129.00", "129.00", id="text"), pytest.param(129, "129.00", id="whole-number"),
    pytest.param(129.5, "129.50", id="json-number"), pytest.param("¥1,299.5", "1299.50", id="yuan-sign-and-thousands"),
    pytest.param("1,299.50", "1299.50", id="thousands-in-groups-of-three"),
    pytest.param("1,234,567.00", "1234567.00", id="several-groups"),
    pytest.param('="12.30"', "12.30", id="protected-cell"), pytest.param("\t8.8", "8.80", id="leading-tab"),
    pytest.param("１２９．５０", "129.50", id="full-width-digits"), pytest.param("129元", "129.00", id="yuan-word"),
    pytest.param("-0", "0.00", id="minus-zero-is-zero"), pytest.param("-0.00", "0.00", id="minus-zero-fen-is-zero"),
    pytest.param(-0.0, "0.00", id="json-minus-zero"), pytest.param("1.2E+05", "120000.00", id="spreadsheet-exponent"),
])
def test_an_amount_with_at_most_two_decimals_is_read_to_the_fen(value, expected):
    assert str(to_money(value)) == expected


@pytest.mark.parametrize("value, expected", [
    pytest.param("1 299.00", "1299.00", id="ascii-space-between-groups-of-three"),
    pytest.param("1\xa0299.00", "1299.00", id="no-break-space-between-groups"),
    pytest.param("1\u3000299.00", "1299.00", id="ideographic-space-between-groups"),
    pytest.param("1\u2009234\u2009567.5", "1234567.50", id="thin-spaces-between-groups"),
    pytest.param("1\u202f299", "1299.00", id="narrow-no-break-space-between-groups"),
    pytest.param("  129.00\u3000", "129.00", id="spaces-at-the-ends-are-stripped"),
    pytest.param("¥ 129", "129.00", id="space-after-the-yuan-sign"),
    pytest.param("129 元", "129.00", id="space-before-the-yuan-word"),
])
def test_a_space_may_separate_groups_of_three_digits_as_a_comma_may(value, expected):
    assert str(to_money(value)) == expected


@pytest.mark.parametrize("value", [
    pytest.param("129 00", id="space-before-the-fen"), pytest.param("12 50", id="space-inside-the-yuan"),
    pytest.param("12\xa050", id="no-break-space-inside"), pytest.param("129\u300000", id="ideographic-space-inside"),
    pytest.param("1 2 9", id="space-between-every-digit"), pytest.param("1 2999", id="group-of-four"),
    pytest.param("129. 00", id="space-after-the-point"), pytest.param("1 299 .00", id="space-before-the-point"),
])
def test_a_space_anywhere_else_in_an_amount_is_refused_never_joined(value):
    with pytest.raises(InvalidAmount) as refused:
        to_money(value)
    assert "space only separates thousands" in refused.value.message_en
    assert "空格只能作千位分隔" in refused.value.message


def test_an_amount_with_a_space_inside_is_an_error_on_its_field_not_a_hundredfold_price_match(annotate):
    """Seed 002: "买贵双倍赔赔付金额=(消费者订单实付金额-特定平台上消费者购买同款商品时订单实付金额)×2". A 129-yuan
    order written "129 00" must not read as 12,900.00 and owe (12,900 − 109) × 2 = 25,582.00."""
    claim = {"competitor_platform": "tmall", "competitor_paid_amount": "109.00", "competitor_monthly_sales": 150,
             "same_product": True, "service_mark": True, "proof": True, "on_sale": True,
             "claimed_at": "2023-03-01 20:00:00"}
    order = {"platform": "jd", "placed_at": "2023-03-01 10:00:00", "price_match": claim,
             "as_of": "2023-03-02T00:00:00+08:00"}
    joined = annotate(paid_amount="129 00", **order)
    assert [e["field"] for e in joined["errors"]] == ["paid_amount"]
    assert "空格" in joined["errors"][0]["message"]
    assert joined["compensation"]["total"] == "0.00" and joined["compensation"]["if_claimed_total"] == "0.00"
    assert annotate(paid_amount="1 129.00", **order)["compensation"]["total"] == "2040.00"


@pytest.mark.parametrize("value, exact, shown", [
    pytest.param("129.005", "129.005", "129.01", id="half-a-fen"),
    pytest.param("0.004", "0.004", "0.00", id="under-half-a-fen"),
    pytest.param(Decimal("2.675"), "2.675", "2.68", id="decimal-value"),
    pytest.param(33.333333333333336, "33.333333333333336", "33.33", id="spreadsheet-float"),
    pytest.param("129.000", "129.00", "129.00", id="trailing-zeros-are-fen"),
])
def test_an_amount_with_more_decimals_is_kept_exact_until_the_result_is_rounded(value, exact, shown):
    assert str(to_money(value)) == exact
    assert money_str(to_money(value)) == shown


def test_sub_fen_digits_are_not_rounded_before_the_arithmetic(annotate):
    # (129.005 − 109.00) × 2 = 40.01 exactly; rounding the input first would give 40.02.
    result = annotate(platform="jd", placed_at="2023-03-01 10:00:00", paid_amount="129.005",
                      price_match={"competitor_platform": "tmall", "competitor_paid_amount": "109.00",
                                   "same_product": True, "service_mark": True, "competitor_monthly_sales": 150,
                                   "proof": True, "on_sale": True, "claimed_at": "2023-03-01 20:00:00"}, as_of="2023-03-02T00:00:00+08:00")
    assert result["compensation"]["total"] == "40.01"
    assert "129.005" in result["compensation"]["items"][0]["message_en"]


@pytest.mark.parametrize("value, words", [
    pytest.param("12,50", "comma only separates thousands", id="decimal-comma"),
    pytest.param("1,2345", "comma only separates thousands", id="comma-not-in-groups-of-three"),
    pytest.param("12，50", "comma only separates thousands", id="full-width-decimal-comma"),
    pytest.param("-0.01", "negative", id="negative"),
    pytest.param("1e400x", "unreadable", id="trailing-junk"),
    pytest.param("", "unreadable", id="empty"), pytest.param("NaN", "unreadable", id="nan"),
    pytest.param("sNaN", "unreadable", id="signalling-nan"), pytest.param("Infinity", "unreadable", id="infinity"),
    pytest.param("1_000", "unreadable", id="underscore-grouping"),
    pytest.param("1e13", "too large", id="over-the-largest-amount"),
    pytest.param(10**13, "too large", id="json-integer-over-the-largest-amount"),
    pytest.param([], "not an amount", id="list"), pytest.param(None, "not an amount", id="none"),
])
def test_bad_money_is_refused_with_a_clear_reason(value, words):
    with pytest.raises(InvalidAmount) as refused:
        to_money(value)
    assert words in refused.value.message_en and refused.value.message


@pytest.mark.parametrize("value, words", [
    pytest.param("1e1000000", "exponent too large", id="huge-exponent"),
    pytest.param("9" * 5000, "too long", id="5000-digits"),
    pytest.param("1" + "0" * 4400 + ".5", "too long", id="over-python-int-digit-limit"),
])
def test_hostile_amounts_are_refused_before_they_are_converted(value, words):
    started = time.perf_counter()
    with pytest.raises(InvalidAmount) as refused:
        to_money(value)
    assert words in refused.value.message_en
    assert time.perf_counter() - started < 0.01  # refused before any conversion: microseconds, not seconds


@pytest.mark.parametrize("text, iso", [
    pytest.param("2022-06-01 10:15:00", "2022-06-01T10:15:00+08:00", id="jd-export-form"),
    pytest.param("2022/06/01 10:15:00", "2022-06-01T10:15:00+08:00", id="slashes"),
    pytest.param("2022-06-01T02:15:00Z", "2022-06-01T10:15:00+08:00", id="utc"),
    pytest.param("2022-06-01T10:15:00+08:00", "2022-06-01T10:15:00+08:00", id="beijing-offset"),
    pytest.param("2022-05-31T20:15:00-06:00", "2022-06-01T10:15:00+08:00", id="other-offset"),
    pytest.param('="2022-06-01 10:15:00"', "2022-06-01T10:15:00+08:00", id="protected-cell"),
    pytest.param("2022/6/16 10:00", "2022-06-16T10:00:00+08:00", id="excel-chinese-locale"),
    pytest.param("2022/6/16", "2022-06-16T00:00:00+08:00", id="excel-date-only"),
    pytest.param("2022年6月16日 10:00", "2022-06-16T10:00:00+08:00", id="chinese-date"),
    pytest.param("2022年6月16日10时05分", "2022-06-16T10:05:00+08:00", id="chinese-date-and-time-words"),
    pytest.param("２０２２-０６-１６ １０:００:００", "2022-06-16T10:00:00+08:00", id="full-width-digits"),
    pytest.param("２０２２年６月１６日　１０：００", "2022-06-16T10:00:00+08:00", id="full-width-chinese-form"),
    pytest.param("2022.6.16 10:00:30", "2022-06-16T10:00:30+08:00", id="dots"),
])
def test_times_are_beijing_and_naive_means_beijing(text, iso):
    assert parse_time(text).isoformat() == iso


@pytest.mark.parametrize("text", ["", "0001-01-01 00:00:00", "1970-01-01 08:00:00", "0000-00-00 00:00:00",
                                  "1970-01-01T00:00:00Z"])
def test_sentinels_and_blanks_are_not_set(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("text, words", [
    pytest.param("2022-13-45 99:00:00", "unreadable", id="no-such-day"),
    pytest.param("2022/13/01", "unreadable", id="no-such-month-with-slashes"),
    pytest.param("2022年2月30日", "unreadable", id="no-such-chinese-date"),
    pytest.param("2022-06-01\x0010:15:00", "control character", id="nul-between-date-and-time"),
    pytest.param("2022-06-01 10:15:00\x00", "control character", id="trailing-nul"),
    pytest.param("2022-06-01\x1b10:15:00", "control character", id="escape-character"),
    pytest.param("2022-06-01 10:15:00\x01+08:00", "control character", id="control-character-before-the-offset"),
    pytest.param("2022-06-01 10:15:00" + " " * 60, "too long", id="overlong-text"),
    pytest.param("1" * 5000, "too long", id="5000-digits"),
])
def test_an_unreadable_time_is_refused_with_a_clear_reason(text, words):
    started = time.perf_counter()
    with pytest.raises(InvalidTime) as refused:
        parse_time(text)
    assert words in refused.value.message_en and refused.value.message
    assert time.perf_counter() - started < 0.01


def test_chinese_export_words_are_understood(annotate):
    result = annotate(platform="京喜", payment_method="在线支付", paid_at="2022-06-16 10:00:00", order_status="等待出库")
    assert result["campaign"] == "jingxi_618_2022" and result["ship"]["hours_allowed"] == 96


def test_each_unreadable_value_is_refused_by_the_error_of_its_kind():
    with pytest.raises(InvalidBoolean):
        parse_bool("maybe")
    with pytest.raises(InvalidText):
        parse_order_id("9" * 600)
    with pytest.raises(InvalidNumber):
        parse_int("1.5")
