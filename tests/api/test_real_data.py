"""Real JD data through the API: every status word and JOS orderState code of docs/supported-inputs.md,
JOS order objects and envelopes as JD returns them (§3), and partial results on real-shaped orders."""
import pytest
import requests

from shared.vocabulary import STATUS_MEANINGS, STATUS_WORDS
from tests.support.real_data import JOS_ORDER, PAID, STATUS_WORDS_SEEN

AS_OF = "2022-06-20T12:00:00+08:00"


def post(base, body):
    return requests.post(f"{base}/api/v1/orders/annotate", json=body, timeout=30)


def test_every_status_word_of_real_data_is_known():
    assert sorted(w for w in STATUS_WORDS_SEEN if w not in STATUS_WORDS and not w.startswith("(")) == []


@pytest.mark.parametrize("word, status", STATUS_WORDS_SEEN.items())
def test_a_status_word_decides_whether_the_order_can_be_late(live_api, word, status):
    result = post(live_api, {"as_of": AS_OF, "orders": [{"order_id": "1", "paid_at": PAID, "order_status": word}]}
                  ).json()["results"][0]
    assert result["errors"] == []
    assert (result["ship"] and result["ship"]["status"]) == status
    if status is None:
        assert "SHIP-DEADLINE" in result["skipped"] and result["skipped_reasons"]["SHIP-DEADLINE"]["message"]
        assert not any(f["code"] in ("SHIP_OVERDUE", "SHIP_AT_RISK") for f in result["flags"])


@pytest.mark.parametrize("word", ["等待境外出库", "等待境内发货", "WAIT_SELLER_DELIVERY"])
def test_jd_internationals_own_status_words_say_the_platform_when_none_is_given(live_api, word):
    orders = [{"order_id": "1", "paid_at": PAID, "order_status": word},
              {"order_id": "2", "paid_at": PAID, "order_status": word, "platform": "jd"}]
    first, second = post(live_api, {"as_of": AS_OF, "orders": orders}).json()["results"]
    assert first["campaign"] == "jd_intl_618_2022" and second["campaign"] is None


def test_an_unknown_status_word_is_quoted_and_never_taken_as_to_ship(live_api):
    result = post(live_api, {"as_of": AS_OF, "orders": [{"order_id": "1", "paid_at": PAID, "order_status": "待审核"}]}
                  ).json()["results"][0]
    assert result["ship"] is None and result["flags"] == []
    assert "待审核" in result["skipped_reasons"]["SHIP-DEADLINE"]["message"]


def test_a_jos_order_object_is_read_as_jd_returns_it(live_api):
    result = post(live_api, {"as_of": AS_OF, "orders": [JOS_ORDER]}).json()["results"][0]
    assert result["order_id"] == "235711200001" and result["errors"] == []
    assert result["ship"]["status"] == "overdue" and result["ship"]["deadline"] == "2022-06-18T10:00:00+08:00"
    assert {"orderId", "paymentConfirmTime", "orderState", "payType", "orderPayment", "outBoundDate",
            "itemInfoList[].itemTotal"} <= set(result["source"]["used"])
    assert {"venderId", "consigneeInfo", "orderTotalPrice"} <= set(result["source"]["ignored"])


def test_a_whole_jos_envelope_is_read_and_epoch_milliseconds_are_times(live_api):
    shipped = {**JOS_ORDER, "orderId": "235711200002", "orderState": "WAIT_GOODS_RECEIVE_CONFIRM",
               "paymentConfirmTime": 1655344800000, "outBoundDate": 1655514000000}  # 06-16 10:00, 06-18 09:00
    body = {"jingdong_pop_order_enSearch_responce": {"code": "0", "searchorderinfo_result": {
        "apiResult": {"success": True}, "orderTotal": 2, "orderInfoList": [JOS_ORDER, shipped]}}, "as_of": AS_OF}
    results = post(live_api, body).json()["results"]
    assert [r["order_id"] for r in results] == ["235711200001", "235711200002"]
    assert results[1]["ship"]["status"] == "shipped_on_time" and results[1]["ship"]["shipped_basis"] == "shipped_at"


def test_a_jos_error_response_gets_a_clear_4xx(live_api):
    reply = post(live_api, {"error_response": {"code": "19", "zh_desc": "无效的access_token", "en_desc": "Invalid access_token"}})
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["code"] == "jos_error_response" and "19" in error["message"] and "access_token" in error["message_en"]


def test_a_note_after_an_amount_is_read_and_one_bad_value_keeps_the_ship_deadline(live_api):
    orders = [{"order_id": "2", "paid_at": PAID, "paid_amount": "36.80（系统计算中，该值仅供参考）", "order_status": "等待出库"},
              {"order_id": "3", "paid_at": PAID, "order_status": "等待出库",
               "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "1O9.00"}}]
    first, second = post(live_api, {"as_of": AS_OF, "orders": orders}).json()["results"]
    assert first["ship"]["status"] == "overdue" and first["errors"] == []
    assert [w["field"] for w in first["warnings"]] == ["paid_amount"] and "仅供参考" in first["warnings"][0]["message"]
    assert second["ship"]["status"] == "overdue"
    assert [e["field"] for e in second["errors"]] == ["price_match.competitor_paid_amount"]
    assert "PRICE-MATCH" in second["skipped"]


def test_status_meanings_have_words():
    assert all(m["zh"] and m["en"] for m in STATUS_MEANINGS.values())


def test_the_vocabulary_is_served_with_the_campaigns_in_force_and_results_say_their_threshold(live_api):
    words = requests.get(f"{live_api}/api/v1/vocabulary", timeout=30).json()
    assert words["prefix"] == "JDPG " and words["flags"]["SHIP_OVERDUE"]["group"] == "ship"
    assert words["values"]["campaign"]["jingxi_618_2022"]["zh"] == "京喜 2022 年 618"
    result = post(live_api, {"as_of": AS_OF, "options": {"at_risk_hours": 12},
                             "orders": [{"order_id": "1", "paid_at": PAID}]}).json()["results"][0]
    assert result["ship"]["at_risk_hours"] == 12
