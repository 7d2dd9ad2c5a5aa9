"""Bad input gives field-level errors for that order only; money and time conventions."""
from decimal import Decimal

import pytest

from shared import parse_time
from shared.annotate import annotate_batch
from shared.errors import InvalidAmount, InvalidTime
from shared.money import to_money


@pytest.mark.parametrize("order, field", [
    pytest.param({"paid_at": "yesterday"}, "paid_at", id="unparseable-time"),
    pytest.param({"paid_amount": "-1"}, "paid_amount", id="negative-amount"),
    pytest.param({"paid_amount": "abc"}, "paid_amount", id="non-numeric-amount"),
    pytest.param({"paid_amount": True}, "paid_amount", id="boolean-amount"),
    pytest.param({"paid_amount": "NaN"}, "paid_amount", id="nan-amount"),
    pytest.param({"platform": "taobao"}, "platform", id="unknown-platform"),
    pytest.param({"payment_method": "bitcoin"}, "payment_method", id="unknown-payment-method"),
    pytest.param({"price_match": {"competitor_platform": "amazon"}}, "price_match.competitor_platform", id="unknown-competitor"),
    pytest.param({"price_match": "tmall"}, "price_match", id="group-not-an-object"),
    pytest.param({"quantity": "1.5"}, "quantity", id="fractional-quantity"),
    pytest.param({"order_id": ""}, "order_id", id="empty-order-id"),
    pytest.param({"paid_amount": 1.7976931348623157e308}, "paid_amount", id="absurdly-large-amount"),
    pytest.param({"paid_at": "9999-12-31 23:00:00"}, "paid_at", id="far-future-time-would-overflow"),
    pytest.param({"campaign": "nope_2099"}, "campaign", id="unknown-campaign"),
    pytest.param({"campaign": "jingxi_618_2022", "platform": "jd"}, "campaign", id="campaign-of-another-platform"),
])
def test_a_bad_field_is_named_and_nothing_else_is_returned(annotate, order, field):
    result = annotate(**{"paid_at": "2022-06-10 10:00:00", **order})
    assert [e["field"] for e in result["errors"]] == [field]
    assert result["errors"][0]["message"] and result["errors"][0]["message_en"]
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
    ("129.00", "129.00"), (129, "129.00"), (129.5, "129.50"), ("¥1,299.5", "1299.50"), ("0.005", "0.01"),
    ("0.004", "0.00"), ('="12.30"', "12.30"), ("\t8.8", "8.80"), (Decimal("2.675"), "2.68")])
def test_money_is_exact_to_the_fen_rounded_half_up(value, expected):
    assert str(to_money(value)) == expected


@pytest.mark.parametrize("value", ["-0.01", "1e400x", "", [], None])
def test_bad_money_is_refused(value):
    with pytest.raises(InvalidAmount):
        to_money(value)


@pytest.mark.parametrize("text, iso", [
    ("2022-06-01 10:15:00", "2022-06-01T10:15:00+08:00"),
    ("2022/06/01 10:15:00", "2022-06-01T10:15:00+08:00"),
    ("2022-06-01T02:15:00Z", "2022-06-01T10:15:00+08:00"),
    ("2022-06-01T10:15:00+08:00", "2022-06-01T10:15:00+08:00"),
    ("2022-05-31T20:15:00-06:00", "2022-06-01T10:15:00+08:00"),
    ('="2022-06-01 10:15:00"', "2022-06-01T10:15:00+08:00"),
])
def test_times_are_beijing_and_naive_means_beijing(text, iso):
    assert parse_time(text).isoformat() == iso


@pytest.mark.parametrize("text", ["", "0001-01-01 00:00:00", "1970-01-01 08:00:00", "0000-00-00 00:00:00",
                                  "1970-01-01T00:00:00Z"])
def test_sentinels_and_blanks_are_not_set(text):
    assert parse_time(text) is None


def test_unreadable_time_is_refused():
    with pytest.raises(InvalidTime):
        parse_time("2022-13-45 99:00:00")


def test_chinese_export_words_are_understood(annotate):
    result = annotate(platform="京喜", payment_method="在线支付", paid_at="2022-06-16 10:00:00", order_status="等待出库")
    assert result["campaign"] == "jingxi_618_2022" and result["ship"]["hours_allowed"] == 96
