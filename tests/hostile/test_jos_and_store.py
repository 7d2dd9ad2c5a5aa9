"""Hostile JOS payloads, store facts and headers through the API (gunicorn, ``hostile_api``): what is
not an object or a list is said so (never a 500 nor an empty all-clear), what is echoed is clipped
and what was left out is counted, and an unreadable value is an error on its field."""
import pytest
import requests
from tests.support import ROOT

AS_OF = "2022-06-20T12:00:00+08:00"
GOOD = {"order_id": "1001", "platform": "jingxi", "paid_at": "2022-06-16 10:00:00",
        "picked_up_at": "2022-06-20 11:00:00", "paid_amount": "129.00"}
ECHO_BOUND = 64 * 1024
ENVELOPE = "jingdong_pop_order_enSearch_responce"


def post(server, path, body):
    return requests.post(server.url + path, json=body, timeout=30)


def assert_clear_4xx(response, code):
    assert 400 <= response.status_code < 500, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and error["message_en"]
    assert len(response.content) < ECHO_BOUND


@pytest.mark.parametrize("error", [
    pytest.param("boom", id="text"), pytest.param([1, 2], id="list"), pytest.param(5, id="number"),
    pytest.param(True, id="true"),
    pytest.param({"code": "19", "zh_desc": "无" + "x" * 2_000_000}, id="object-with-a-2M-character-zh_desc"),
    pytest.param({"code": "x" * 1_000_000, "en_desc": "e" * 1_000_000}, id="object-with-a-1M-character-code"),
])
def test_a_jos_error_response_of_any_shape_is_a_clear_422_clipped(hostile_api, error):
    response = post(hostile_api, "/api/v1/orders/annotate", {"error_response": error})
    assert_clear_4xx(response, "jos_error_response")


def test_a_jos_error_response_in_a_json_file_is_a_clear_refusal(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = ROOT
    source = tmp_path / "orders.json"
    source.write_text(json.dumps({"error_response": "boom"}))
    result = subprocess.run([sys.executable, "-m", "server", "annotate", str(source)], capture_output=True, text=True,
                            cwd=root, timeout=120)
    assert result.returncode == 1 and "boom" in result.stderr
    assert "Traceback" not in result.stderr and "internal" not in result.stderr


@pytest.mark.parametrize("listed", [
    pytest.param("oops", id="text"), pytest.param({"a": 1}, id="object"), pytest.param(5, id="number")])
def test_a_jos_envelope_whose_order_list_is_not_a_list_is_a_clear_422(hostile_api, listed):
    body = {ENVELOPE: {"searchorderinfo_result": {"orderInfoList": listed}}}
    assert_clear_4xx(post(hostile_api, "/api/v1/orders/annotate", body), "jos_not_orders")


def test_thousands_of_unknown_jos_keys_are_listed_clipped_and_counted(hostile_api):
    jos = {"orderId": "3", "paymentConfirmTime": "2022-06-16 10:00:00",
           **{f"{'k' * 5000}{i}": 1 for i in range(1000)}}
    response = post(hostile_api, "/api/v1/orders/annotate", {"as_of": AS_OF, "orders": [jos]})
    assert response.status_code == 200
    assert len(response.content) < ECHO_BOUND
    source = response.json()["results"][0]["source"]
    assert len(source["ignored"]) + source["ignored_more"] == 1000


@pytest.mark.parametrize("total", [
    pytest.param("-1", id="minus-one"), pytest.param("sNaN", id="sNaN"), pytest.param("1.5", id="fraction"),
    pytest.param({"x": 1}, id="object")])
def test_an_unreadable_jos_item_total_is_an_error_on_quantity(hostile_api, total):
    jos = {"orderId": "3", "paymentConfirmTime": "2022-06-16 10:00:00", "itemInfoList": [{"itemTotal": total}]}
    response = post(hostile_api, "/api/v1/orders/annotate", {"as_of": AS_OF, "orders": [GOOD, jos]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["errors"] == []
    assert "quantity" in [e["field"] for e in results[1]["errors"]]


def test_an_order_id_holding_nul_is_an_error_on_its_order(hostile_api):
    response = post(hostile_api, "/api/v1/orders/annotate",
                    {"as_of": AS_OF, "orders": [GOOD, {**GOOD, "order_id": "10\u000002"}]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["errors"] == [] and results[0]["ship"]
    assert "order_id" in [e["field"] for e in results[1]["errors"]]


def test_a_rows_header_of_thousands_of_long_texts_is_listed_clipped_and_counted(hostile_api):
    header = ["订单号", *(f"{'x' * 2000}{i}" for i in range(1000))]
    response = post(hostile_api, "/api/v1/rows/annotate", {"as_of": AS_OF, "header": header, "rows": [["1"]]})
    assert response.status_code == 200
    assert len(response.content) < ECHO_BOUND
    body = response.json()
    assert len(body["unmapped"]) + body["unmapped_more"] == 1000


def test_a_header_without_an_order_id_is_refused_with_its_texts_clipped_and_counted(hostile_api):
    header = [f"{'x' * 2000}{i}" for i in range(1000)]
    response = post(hostile_api, "/api/v1/rows/annotate", {"as_of": AS_OF, "header": header, "rows": [["1"]]})
    assert_clear_4xx(response, "unmapped_header")


@pytest.mark.parametrize("store, field", [
    pytest.param({"campaign": "no_such_campaign"}, "store.campaign", id="campaign-unknown"),
    pytest.param({"campaign": ["618"]}, "store.campaign", id="campaign-a-list"),
    pytest.param({"campaign": {"id": "618"}}, "store.campaign", id="campaign-an-object"),
    pytest.param({"products": {"sku": "a"}}, "store.products", id="products-an-object"),
    pytest.param({"products": "abc"}, "store.products", id="products-text"),
    pytest.param({"products": [{"sku": "s" * 5_000_000, "group_price": "10", "lowest_15d_price": "9",
                                "in_subsidy_activity": True}]}, "store.products[0].sku", id="product-sku-5MB"),
])
def test_a_hostile_store_fact_is_an_error_never_silently_taken(hostile_api, store, field):
    response = post(hostile_api, "/api/v1/stores/evaluate",
                    {"as_of": AS_OF, "store": {"platform": "jingxi", **store}, "orders": [GOOD]})
    assert response.status_code == 200, response.text[:300]
    assert len(response.content) < ECHO_BOUND
    assert field in [e["field"] for e in response.json()["errors"]]
