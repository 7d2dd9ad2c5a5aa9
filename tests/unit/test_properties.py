"""Invariants over generated orders (hypothesis)."""
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shared import BEIJING, default_engine
from shared.beijing_time import after, elapsed, hours_down, hours_up, iso, sheet_time
from shared.money import money_str, to_money

ENGINE = default_engine()
START = datetime(2021, 5, 1, tzinfo=BEIJING)
times = st.integers(min_value=0, max_value=4 * 365 * 24 * 3600).map(lambda s: START + timedelta(seconds=s))
offsets = st.sampled_from([BEIJING, timezone.utc, timezone(timedelta(hours=-7)), timezone(timedelta(hours=9, minutes=30))])
amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
maybe = lambda s: st.none() | s  # noqa: E731


@st.composite
def orders(draw):
    paid = draw(times)
    tz = draw(offsets)
    order = {"order_id": str(draw(st.integers(1, 10**12))),
             "platform": draw(st.sampled_from(["jd", "jingxi", "jd_international"])),
             "paid_at": paid.astimezone(tz).isoformat(),
             "paid_amount": str(draw(amounts))}
    if draw(st.booleans()):
        order["picked_up_at"] = iso(paid + timedelta(seconds=draw(st.integers(0, 10 * 24 * 3600))))
    if draw(st.booleans()):
        order["quantity"] = draw(st.integers(1, 20))
    if draw(st.booleans()):
        order["price_match"] = {"competitor_platform": draw(st.sampled_from(["tmall", "pdd_billion_subsidy"])),
                                "competitor_paid_amount": str(draw(amounts)), "same_product": True, "service_mark": True,
                                "competitor_monthly_sales": draw(st.integers(0, 500)),
                                "claimed_at": draw(maybe(times.map(iso)))}
    if draw(st.booleans()):
        order["red_envelope"] = {"qualifying": True, "activity_end": iso(paid + timedelta(days=5)),
                                 "refunded_at": draw(maybe(times.map(iso)))}
    if draw(st.booleans()):
        order["price_commitment"] = {"unit_price": str(draw(amounts)), "post_window_lowest_price": str(draw(amounts))}
    if draw(st.booleans()):
        order["received_at"] = iso(paid + timedelta(days=draw(st.integers(1, 10))))
    if draw(st.booleans()):
        order["subsidy_activity"] = "百亿补贴"
        order["subsidy_amount"] = str(draw(amounts))
    return order


def _money_values(result):
    yield result["compensation"]["total"]
    yield result["compensation"]["if_claimed_total"]
    yield result["losses"]["total"]
    for item in result["compensation"]["items"] + result["losses"]["items"]:
        yield item["amount"]


@settings(max_examples=300, deadline=None)
@given(orders(), times)
def test_a_ship_deadline_is_never_before_payment(order, as_of):
    result = ENGINE.annotate_raw(order, as_of=as_of)
    assert not result["errors"]
    deadline = datetime.fromisoformat(result["ship"]["deadline"])
    assert deadline >= datetime.fromisoformat(order["paid_at"])
    assert deadline.utcoffset() == timedelta(hours=8)


@settings(max_examples=300, deadline=None)
@given(orders(), times)
def test_money_is_never_negative_and_always_two_decimals(order, as_of):
    result = ENGINE.annotate_raw(order, as_of=as_of)
    for value in _money_values(result):
        amount = Decimal(value)
        assert amount >= 0 and amount.as_tuple().exponent == -2


@settings(max_examples=200, deadline=None)
@given(orders(), times)
def test_annotating_the_same_order_twice_gives_the_same_result(order, as_of):
    assert ENGINE.annotate_raw(order, as_of=as_of) == ENGINE.annotate_raw(dict(order), as_of=as_of)


@settings(max_examples=200, deadline=None)
@given(orders(), times)
def test_totals_are_the_sums_of_their_items(order, as_of):
    result = ENGINE.annotate_raw(order, as_of=as_of)
    items = result["compensation"]["items"]
    assert Decimal(result["compensation"]["total"]) == sum(
        (Decimal(i["amount"]) for i in items if i["status"] == "owed"), Decimal("0.00"))
    assert Decimal(result["compensation"]["if_claimed_total"]) == sum(
        (Decimal(i["amount"]) for i in items if i["status"] == "if_claimed"), Decimal("0.00"))


@settings(max_examples=200, deadline=None)
@given(orders(), times)
def test_every_flag_names_a_catalog_rule_and_explains_itself(order, as_of):
    result = ENGINE.annotate_raw(order, as_of=as_of)
    for flag in result["flags"]:
        assert flag["rule"] in ENGINE.catalog.rules
        assert flag["severity"] in ("violation", "warning", "info")
        assert flag["message"] and flag["message_en"]
    for rule in result["skipped"]:
        assert rule in ENGINE.catalog.rules and result["skipped_reasons"][rule]["message_en"]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["order_id", "paid_at", "paid_amount", "platform", "quantity", "price_match",
                                         "red_envelope", "payment_method", "received_at"]),
                       st.none() | st.text(max_size=12) | st.integers() | st.floats() | st.booleans()
                       | st.lists(st.integers(), max_size=2) | st.dictionaries(st.text(max_size=5), st.text(max_size=5))),
       times)
def test_arbitrary_input_never_raises(raw, as_of):
    result = ENGINE.annotate_raw(raw, as_of=as_of)
    assert isinstance(result["errors"], list)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(8999, 12, 31)), offsets)
def test_iso_writes_what_isoformat_writes_in_beijing_time(moment, tz):
    aware = moment.replace(tzinfo=tz)
    assert iso(aware) == aware.astimezone(BEIJING).isoformat()
    assert sheet_time(aware) == aware.astimezone(BEIJING).isoformat(" ")[:19]


# China kept daylight saving from 1986 to 1991; times of those years and the years around them.
DST_ERA = st.integers(min_value=int(datetime(1985, 6, 1, tzinfo=timezone.utc).timestamp()),
                      max_value=int(datetime(1992, 6, 1, tzinfo=timezone.utc).timestamp())).map(
    lambda s: datetime.fromtimestamp(s, BEIJING))


@given(DST_ERA, st.integers(min_value=0, max_value=10 * 24 * 3600))
def test_elapsed_hours_are_real_hours_whatever_the_wall_clock_did(start, seconds):
    end = (start.astimezone(timezone.utc) + timedelta(seconds=seconds)).astimezone(BEIJING)
    assert elapsed(start, end) == timedelta(seconds=seconds)
    assert after(start, timedelta(seconds=seconds)).astimezone(timezone.utc) == end.astimezone(timezone.utc)
    assert hours_down(elapsed(start, end)) <= seconds / 3600 <= hours_up(elapsed(start, end))
    assert hours_up(elapsed(start, end)) - hours_down(elapsed(start, end)) <= 0.0100001


@settings(max_examples=200, deadline=None)
@given(DST_ERA, st.integers(min_value=0, max_value=4 * 24 * 3600))
def test_a_ship_deadline_is_48_real_hours_after_payment_in_any_year(paid, seconds):
    picked = (paid.astimezone(timezone.utc) + timedelta(seconds=seconds)).astimezone(BEIJING)
    result = ENGINE.annotate_raw({"order_id": "1", "platform": "jd", "paid_at": paid.isoformat(),
                                  "picked_up_at": picked.isoformat()}, as_of=picked)
    ship = result["ship"]
    assert datetime.fromisoformat(ship["deadline"]) - paid == timedelta(hours=48)
    assert ship["status"] == ("shipped_on_time" if seconds <= 48 * 3600 else "shipped_late")
    if seconds > 48 * 3600:
        assert ship["late_by_hours"] >= (seconds - 48 * 3600) / 3600 > ship["late_by_hours"] - 0.01


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_an_amount_is_read_exactly_as_written_with_or_without_thousands_separators(amount):
    assert to_money(str(amount)) == amount
    assert to_money(f"{amount:,}") == amount
    assert money_str(to_money(f"¥{amount:,}")) == str(amount.quantize(Decimal("0.01"), ROUND_HALF_UP))


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=1, max_value=100000, places=3, allow_nan=False, allow_infinity=False),
       st.decimals(min_value=0, max_value=100000, places=3, allow_nan=False, allow_infinity=False))
def test_price_match_owes_the_exact_difference_doubled_rounded_once(jd_paid, other_paid):
    result = ENGINE.annotate_raw({"order_id": "1", "platform": "jd", "placed_at": "2023-03-01 10:00:00",
                                  "paid_amount": str(jd_paid),
                                  "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": str(other_paid),
                                                  "same_product": True, "service_mark": True, "proof": True,
                                                  "on_sale": True, "competitor_monthly_sales": 100,
                                                  "claimed_at": "2023-03-01 12:00:00"}},
                                 as_of=datetime(2023, 3, 2, tzinfo=BEIJING))
    expected = ((jd_paid - other_paid) * 2).quantize(Decimal("0.01"), ROUND_HALF_UP) if jd_paid > other_paid else Decimal("0.00")
    assert result["compensation"]["total"] == str(expected)
