"""Doubtful inputs are said, not swallowed: a placed, paid or shipped time after as_of is warned of."""
import pytest

from shared.rows import RowAnnotator
from shared import parse_time

AS_OF = "2022-06-20T12:00:00+08:00"


@pytest.mark.parametrize("field", ["placed_at", "paid_at", "picked_up_at", "shipped_at"])
def test_a_time_after_as_of_is_a_warning_naming_the_field(annotate, field):
    order = {"paid_at": "2022-06-16 10:00:00", field: "2022-07-01 10:00:00", "platform": "jingxi"}
    result = annotate(as_of=AS_OF, **order)
    warned = [w for w in result["warnings"] if w["field"] == field]
    assert len(warned) == 1
    assert "2022-07-01 10:00:00" in warned[0]["message"] and "晚于检查时间 2022-06-20 12:00:00" in warned[0]["message"]
    assert "is after the time of the check" in warned[0]["message_en"]
    assert result["errors"] == [] and result["ship"] is not None, "the rules still run"


def test_times_before_as_of_and_at_it_are_not_warned(annotate):
    result = annotate(as_of=AS_OF, placed_at="2022-06-16 09:00:00", paid_at="2022-06-20 12:00:00")
    assert result["warnings"] == []


def test_the_rows_explanation_says_it(engine):
    annotator = RowAnnotator(["订单号", "付款确认时间"], engine=engine, as_of=parse_time(AS_OF))
    (annotation, _), = annotator.annotate_table([["1", "2022-07-01 10:00:00"]])
    assert "付款时间 2022-07-01 10:00:00 晚于检查时间" in annotation[-2]


def test_an_error_on_a_jos_order_names_the_jos_field(engine):
    from tests.support.real_data import JOS_ORDER

    bad = {**JOS_ORDER, "paymentConfirmTime": "2022-06-31 25:00:00"}
    result = engine.annotate_raw(bad, as_of=parse_time(AS_OF))
    assert [(e["field"], e.get("jos_field")) for e in result["errors"]] == [("paid_at", "paymentConfirmTime")]
    missing = engine.annotate_raw({**JOS_ORDER, "orderId": None}, as_of=parse_time(AS_OF))
    again = engine.annotate_raw({"paid_at": "2022-06-16 10:00:00"}, as_of=parse_time(AS_OF))
    assert "jos_field" not in again["errors"][0], "a shared error is never changed for another order"
    assert missing["order_id"] is None
