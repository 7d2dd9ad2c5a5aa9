"""The one options type: checked when built, read the same by every engine entry."""
import argparse

import pytest

from shared import annotate_batch, parse_time
from shared.options import BadOption, Options, add_arguments, from_arguments

AS_OF = parse_time("2022-06-03 22:00:00")
ORDER = {"order_id": "1", "platform": "jingxi", "paid_at": "2022-06-02 10:00:00"}
INTL = {"order_id": "2", "platform": "jd_international", "paid_at": "2022-06-02 10:00:00",
        "shipped_at": "2022-06-03 10:00:00"}


def test_families_are_put_in_the_catalogs_order_and_checked():
    assert Options(families=["promotions", "shipping", "shipping"]).families == ("shipping", "promotions")
    assert Options().rule_families == ("shipping", "price", "after_sales", "promotions")
    for bad in (["shiping"], [], "nothing"):
        with pytest.raises(BadOption) as caught:
            Options(families=bad)
        assert caught.value.option == "families" and "shipping" in caught.value.message


@pytest.mark.parametrize("hours", [-1, 241, float("nan"), float("inf"), True, "6"])
def test_an_unusable_at_risk_threshold_is_refused_by_name(hours):
    with pytest.raises(BadOption) as caught:
        Options(at_risk_hours=hours)
    assert caught.value.option == "at_risk_hours" and "0" in caught.value.message_en


def test_whole_at_risk_hours_are_read_as_hours_in_either_build(engine):
    options = Options(at_risk_hours=24)
    assert type(options.at_risk_hours) is float
    result, _ = annotate_batch(engine, [ORDER], as_of=AS_OF, options=options)
    assert repr(result[0]["ship"]["at_risk_hours"]) == "24.0"


def test_detail_and_campaign_are_checked(engine):
    with pytest.raises(BadOption, match="detail"):
        Options(detail="short")
    with pytest.raises(BadOption, match="campaign"):
        Options(campaign=" ")
    with pytest.raises(BadOption) as caught:
        Options(campaign="double_11_2099").check_campaign(engine.calendar)
    assert "jingxi_618_2022" in caught.value.message_en, "the known campaigns are named"
    assert Options(campaign="jingxi_618_2022").check_campaign(engine.calendar).campaign == "jingxi_618_2022"


def test_the_engine_reads_each_option(engine):
    def result(raw, **options):
        return engine.annotate_raw(raw, as_of=AS_OF, options=Options(**options))

    assert result(ORDER)["ship"]["status"] == "pending"
    assert result(ORDER, at_risk_hours=24)["ship"]["status"] == "at_risk"
    assert result(ORDER, families=("price",))["ship"] is None
    # A campaign named by the options applies to orders that name none, only inside its window.
    assert "CAMPAIGN_OUTSIDE_WINDOW" not in [f["code"] for f in result(INTL)["flags"]]
    outside = result(INTL, campaign="jd_intl_618_2021")
    assert "CAMPAIGN_OUTSIDE_WINDOW" in [f["code"] for f in outside["flags"]]
    own = result({**INTL, "campaign": "jd_intl_618_2022"}, campaign="jd_intl_618_2021")
    assert own["campaign"] == "jd_intl_618_2022" and "CAMPAIGN_OUTSIDE_WINDOW" not in [f["code"] for f in own["flags"]]


def test_a_batch_totals_per_family_only_when_families_are_named(engine):
    _, summary = annotate_batch(engine, [ORDER], as_of=AS_OF)
    assert "families" not in summary
    _, summary = annotate_batch(engine, [ORDER], as_of=AS_OF, options=Options(families=("shipping",)))
    assert "families" in summary


def test_command_line_arguments_make_the_same_options(engine):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--families", "price, shipping", "--at-risk-hours", "12", "--campaign", "jingxi_618_2022"])
    assert from_arguments(args, engine.calendar) == Options(families=("shipping", "price"), at_risk_hours=12.0,
                                                            campaign="jingxi_618_2022")
    assert from_arguments(parser.parse_args([])) == Options()
    with pytest.raises(BadOption, match="campaign"):
        from_arguments(parser.parse_args(["--campaign", "nope"]), engine.calendar)
    with pytest.raises(BadOption, match="at_risk_hours"):
        from_arguments(parser.parse_args(["--at-risk-hours", "nan"]))
