"""The JOS stand-in is itself tested: it enforces the gateway's checks and the API's limits, and
answers in the response shapes the public SDKs read (XiBao/jos, zeasin/qihangerp-sdk; the fields: docs/supported-inputs.md)."""
import json
from datetime import datetime, timedelta

import pytest
import requests

from shared.beijing_time import BEIJING
from shared.jos import envelope_orders, from_jos
from standins.jos import APP_KEY, APP_SECRET, make_order, sign
from watch.jos_client import JosClient, JosRefused
from watch.pull import GET, SEARCH

# Response shapes as the public SDKs model them: XiBao/jos api/order/popOrderEnSearch.go
# (PopOrderEnSearchData{code, searchorderinfo_result{orderInfoList, orderTotal, apiResult}}),
# popOrderEnGet.go (PopOrderEnGetData{code, orderDetailInfo{orderInfo, apiResult}}), api/interface.go
# (error_response{code, zh_desc, en_desc}); zeasin/qihangerp-sdk JdOrderApiHelper.java reads the same
# paths and apiResult {success, englishErrCode, chineseErrCode, numberCode}.
SEARCH_SHAPE = {"jingdong_pop_order_enSearch_responce": {"code", "searchorderinfo_result"}}
SEARCH_RESULT = {"orderTotal", "orderInfoList", "apiResult"}
GET_SHAPE = {"jingdong_pop_order_enGet_responce": {"code", "orderDetailInfo"}}
API_RESULT = {"success", "englishErrCode", "chineseErrCode", "numberCode"}
# The fields of an orderInfoList element as real captures hold them (docs/supported-inputs.md, "JOS order payloads").
ORDER_FIELDS = {"orderId", "venderId", "orderType", "orderState", "orderStateRemark", "payType", "orderStartTime",
                "paymentConfirmTime", "modified", "orderEndTime", "outBoundDate", "orderTotalPrice", "orderSellerPrice",
                "orderPayment", "freightPrice", "sellerDiscount", "balanceUsed", "itemInfoList", "couponDetailList",
                "waybill", "logisticsId", "storeOrder", "idSopShipmenttype", "parentOrderId", "orderSource",
                "venderRemark", "consigneeInfo"}
ITEM_FIELDS = {"skuId", "outerSkuId", "wareId", "skuName", "jdPrice", "itemTotal"}
FORMAT = "%Y-%m-%d %H:%M:%S"


@pytest.fixture
def token(jos):
    shop = jos.shop()
    now = datetime.now(BEIJING)
    for n in range(7):
        shop.orders[f"30000{n}"] = make_order(f"30000{n}", now - timedelta(days=n))
    return jos.issue_token(shop)[0]


def _raw(jos, params: dict, *, secret=APP_SECRET) -> dict:
    params = {k: v for k, v in params.items() if v is not None}
    params["sign"] = sign(secret, params)
    return requests.post(jos.gateway, data=params, timeout=5).json()


def _params(token, method=SEARCH, business=None, **over):
    now = datetime.now(BEIJING)
    business = business if business is not None else {
        "start_date": (now - timedelta(days=10)).strftime(FORMAT), "end_date": now.strftime(FORMAT),
        "optional_fields": ",".join(sorted(ORDER_FIELDS)), "page": 1, "page_size": 50}
    params = {"method": method, "app_key": APP_KEY, "access_token": token, "timestamp": now.strftime(FORMAT),
              "v": "2.0", "360buy_param_json": json.dumps(business, ensure_ascii=False)}
    params.update(over)
    return params


def test_search_answers_the_recorded_shape(jos, token):
    body = _raw(jos, _params(token))
    assert {k: set(v) for k, v in body.items()} == SEARCH_SHAPE
    result = body["jingdong_pop_order_enSearch_responce"]["searchorderinfo_result"]
    assert set(result) == SEARCH_RESULT and set(result["apiResult"]) == API_RESULT
    assert result["orderTotal"] == 7 and all(set(o) == ORDER_FIELDS for o in result["orderInfoList"])
    assert all(set(i) == ITEM_FIELDS for o in result["orderInfoList"] for i in o["itemInfoList"])
    # the core's JOS reader takes it as it takes JD's
    orders = envelope_orders(body)
    order, source = from_jos(orders[0])
    assert order["order_id"] == orders[0]["orderId"] and "consigneeInfo" in source["ignored"]


def test_get_answers_the_recorded_shape(jos, token):
    body = _raw(jos, _params(token, GET, {"order_id": "300003", "optional_fields": "orderId,orderState"}))
    assert {k: set(v) for k, v in body.items()} == GET_SHAPE
    detail = body["jingdong_pop_order_enGet_responce"]["orderDetailInfo"]
    assert detail["orderInfo"] == {"orderId": "300003", "orderState": "WAIT_SELLER_STOCK_OUT"}
    assert set(detail["apiResult"]) == API_RESULT and detail["apiResult"]["success"] is True


@pytest.mark.parametrize("change, code", [
    ({"app_key": "unknown"}, "15"), ({"method": "jingdong.pop.order.delete"}, "14"), ({"v": "1.0"}, "12"),
    ({"access_token": "expired-or-unknown"}, "19")])
def test_gateway_checks(jos, token, change, code):
    body = _raw(jos, _params(token, **change))
    assert body["error_response"]["code"] == code and set(body["error_response"]) == {"code", "zh_desc", "en_desc"}


def test_signature_is_checked(jos, token):
    assert _raw(jos, _params(token), secret="wrong")["error_response"]["code"] == "12"
    params = _params(token)
    params["sign"] = sign(APP_SECRET, params)
    params["page_size"] = "10"  # a parameter added after signing
    assert requests.post(jos.gateway, data=params, timeout=5).json()["error_response"]["code"] == "12"


@pytest.mark.parametrize("minutes, ok", [(5, True), (-5, True), (7, False), (-7, False), (480, False)])
def test_timestamp_skew_is_six_minutes(jos, token, minutes, ok):
    stamp = (datetime.now(BEIJING) + timedelta(minutes=minutes)).strftime(FORMAT)
    body = _raw(jos, _params(token, timestamp=stamp))
    assert ("error_response" not in body) is ok
    if not ok:
        assert body["error_response"]["code"] == "8"


def _api_error(body) -> str | None:
    node = next(iter(body.values()))
    result = node.get("searchorderinfo_result") or node.get("orderDetailInfo")
    return None if result["apiResult"]["success"] else result["apiResult"]["englishErrCode"]


def test_page_size_window_and_fields_are_enforced(jos, token):
    now = datetime.now(BEIJING)
    base = {"start_date": (now - timedelta(days=3)).strftime(FORMAT), "end_date": now.strftime(FORMAT),
            "optional_fields": "orderId", "page": 1, "page_size": 50}
    assert _api_error(_raw(jos, _params(token, business=base))) is None
    assert "page_size" in _api_error(_raw(jos, _params(token, business={**base, "page_size": 51})))
    assert "optional_fields" in _api_error(_raw(jos, _params(token, business={**base, "optional_fields": ""})))
    long = {**base, "start_date": "2024-01-31 00:00:00", "end_date": "2024-03-01 00:00:00"}
    assert "one month" in _api_error(_raw(jos, _params(token, business=long)))
    month = {**base, "start_date": "2024-01-31 00:00:00", "end_date": "2024-02-29 00:00:00"}
    assert _api_error(_raw(jos, _params(token, business=month))) is None


def test_paging_and_state_filter(jos, token):
    shop = jos.shop()
    shop.cancel("300001", datetime.now(BEIJING))
    now = datetime.now(BEIJING)
    business = {"start_date": (now - timedelta(days=10)).strftime(FORMAT), "end_date": now.strftime(FORMAT),
                "order_state": "WAIT_SELLER_STOCK_OUT", "optional_fields": "orderId", "page": 2, "page_size": 4}
    result = _raw(jos, _params(token, business=business))["jingdong_pop_order_enSearch_responce"]["searchorderinfo_result"]
    assert result["orderTotal"] == 6 and len(result["orderInfoList"]) == 2


@pytest.mark.parametrize("code", ["2", "8", "12", "19"])
def test_errors_on_demand(jos, token, code):
    jos.force(code, times=2)
    client = JosClient(APP_KEY, APP_SECRET, gateway=jos.gateway)
    for _ in range(2):
        with pytest.raises(JosRefused) as refused:
            client.call(SEARCH, {"optional_fields": "orderId"}, token)
        assert refused.value.code == code
    assert "error_response" not in _raw(jos, _params(token))


def test_oauth_endpoints_refuse_a_wrong_secret_and_a_used_code(jos):
    answer = requests.get(f"{jos.url}/oauth2/to_login", params={"app_key": APP_KEY, "response_type": "code",
                          "redirect_uri": "http://127.0.0.1:1/cb", "state": "x", "scope": "snsapi_base"},
                          allow_redirects=False, timeout=5)
    code = answer.headers["Location"].split("code=")[1].split("&")[0]
    wrong = requests.get(f"{jos.url}/oauth2/access_token", params={"app_key": APP_KEY, "app_secret": "nope",
                         "grant_type": "authorization_code", "code": code}, timeout=5).json()
    assert wrong["code"] != 0 and "access_token" not in wrong
    good = requests.get(f"{jos.url}/oauth2/access_token", params={"app_key": APP_KEY, "app_secret": APP_SECRET,
                        "grant_type": "authorization_code", "code": code}, timeout=5).json()
    assert good["code"] == 0 and good["expires_in"] == 31535999
    assert {"access_token", "refresh_token", "open_id", "uid", "time"} <= set(good)
    again = requests.get(f"{jos.url}/oauth2/access_token", params={"app_key": APP_KEY, "app_secret": APP_SECRET,
                         "grant_type": "authorization_code", "code": code}, timeout=5).json()
    assert again["code"] != 0
