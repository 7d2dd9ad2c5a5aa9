"""The HTTP API on a real loopback server: every endpoint and every error path."""
import json
import logging
import subprocess
import sys

import pytest
import requests

from server.config import is_loopback

CONTRACT_ORDER = {"order_id": "235711131719", "platform": "jingxi", "paid_at": "2022-06-16 10:00:00",
                  "picked_up_at": "2022-06-20 11:00:00", "paid_amount": "129.00"}
AS_OF = "2022-06-20T12:00:00+08:00"


def post(base, path, body=None, **kw):
    return requests.post(base + path, json=body, timeout=10, **kw)


def assert_error(response, status, code):
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and error["message_en"]
    assert "Traceback" not in response.text and "<html" not in response.text.lower()
    return error


def test_the_contract_example(live_api):
    body = post(live_api, "/api/v1/orders/annotate", {"as_of": AS_OF, "orders": [CONTRACT_ORDER]}).json()
    assert body["as_of"] == AS_OF
    result = body["results"][0]
    assert result["order_id"] == "235711131719" and result["errors"] == []
    assert result["ship"].items() >= {"deadline": "2022-06-20T10:00:00+08:00", "hours_allowed": 96,
                                      "status": "shipped_late", "late_by_hours": 1.0, "rule": "SHIP-DEADLINE"}.items()
    assert result["deadlines"]["ship_by"] == "2022-06-20T10:00:00+08:00"
    assert result["flags"][0]["code"] == "LATE_SHIPMENT" and result["flags"][0]["severity"] == "violation"
    assert result["compensation"] == {"total": "0.00", "if_claimed_total": "0.00", "items": []}
    assert "PRICE-MATCH" not in result["skipped"]  # not on JD.COM: not applicable, not skipped
    assert body["summary"].items() >= {"orders": 1, "violations": 1, "warnings": 0, "compensation_total": "0.00"}.items()


def test_per_order_errors_sit_next_to_good_orders(live_api):
    orders = [CONTRACT_ORDER, {"order_id": "bad", "paid_at": "31/02/2022", "paid_amount": "-5"},
              {"order_id": "x", "platform": "taobao"}, {**CONTRACT_ORDER, "order_id": "2"}]
    results = post(live_api, "/api/v1/orders/annotate", {"as_of": AS_OF, "orders": orders}).json()["results"]
    assert [r["order_id"] for r in results] == ["235711131719", "bad", "x", "2"]
    assert {e["field"] for e in results[1]["errors"]} == {"paid_at", "paid_amount"}
    assert results[2]["errors"][0]["field"] == "platform"
    assert results[0]["ship"]["status"] == results[3]["ship"]["status"] == "shipped_late"


def test_as_of_defaults_to_now_and_a_bad_as_of_is_named(live_api):
    body = post(live_api, "/api/v1/orders/annotate", {"orders": [CONTRACT_ORDER]}).json()
    assert body["as_of"].endswith("+08:00")
    error = assert_error(post(live_api, "/api/v1/orders/annotate", {"as_of": "soon", "orders": []}), 422, "invalid_request")
    assert "as_of" in error["details"]


def test_options_at_risk_hours(live_api):
    order = {"order_id": "1", "platform": "jingxi", "paid_at": "2022-06-02 10:00:00"}
    body = {"as_of": "2022-06-03T22:00:00+08:00", "orders": [order]}
    assert post(live_api, "/api/v1/orders/annotate", body).json()["results"][0]["ship"]["status"] == "pending"
    body["options"] = {"at_risk_hours": 24}
    assert post(live_api, "/api/v1/orders/annotate", body).json()["results"][0]["ship"]["status"] == "at_risk"


def test_options_campaign_names_the_campaign_of_orders_that_name_none(live_api):
    order = {"order_id": "2", "platform": "jd_international", "paid_at": "2022-06-02 10:00:00"}
    body = {"as_of": "2022-06-03T22:00:00+08:00", "orders": [order], "options": {"campaign": "jd_intl_618_2021"}}
    result = post(live_api, "/api/v1/orders/annotate", body).json()["results"][0]
    assert "CAMPAIGN_OUTSIDE_WINDOW" in [f["code"] for f in result["flags"]], "named, but outside its window"
    body["options"]["campaign"] = "double_11_2099"
    error = assert_error(post(live_api, "/api/v1/orders/annotate", body), 422, "invalid_request")
    assert "campaign" in error["details"]["options"] and "double_11_2099" in error["message"]
    rows = {"as_of": body["as_of"], "header": ["订单号", "平台", "付款确认时间"],
            "rows": [["3", "jd_international", "2022-06-02 10:00:00"]], "options": {"campaign": "double_11_2099"}}
    assert_error(post(live_api, "/api/v1/rows/annotate", rows), 422, "invalid_request")


def test_malformed_json_is_a_400(live_api):
    response = requests.post(live_api + "/api/v1/orders/annotate", data="{not json",
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert_error(response, 400, "bad_request")


def test_a_body_that_is_not_utf8_is_a_400(live_api):
    body = json.dumps({"orders": [{"order_id": "京东"}]}, ensure_ascii=False).encode("gbk")
    response = requests.post(live_api + "/api/v1/orders/annotate", data=body,
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert_error(response, 400, "bad_request")


def test_a_body_that_is_not_json_is_a_415(live_api):
    response = requests.post(live_api + "/api/v1/orders/annotate", data="orders=1", timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("body", [{}, {"orders": "many"}, {"orders": None}, [1, 2]])
def test_a_missing_or_wrong_orders_envelope_is_a_422(live_api, body):
    error = assert_error(post(live_api, "/api/v1/orders/annotate", body), 422, "invalid_request")
    assert error["details"]


def test_more_orders_than_the_batch_limit_is_a_413(live_server_factory):
    live = live_server_factory(max_orders=3)
    error = assert_error(post(live.url, "/api/v1/orders/annotate", {"orders": [CONTRACT_ORDER] * 4}), 413, "too_many_orders")
    assert error["details"] == {"limit": 3, "received": 4}
    assert post(live.url, "/api/v1/orders/annotate", {"orders": [CONTRACT_ORDER] * 3}).status_code == 200


def test_the_default_batch_limit_is_5000(live_api):
    assert_error(post(live_api, "/api/v1/orders/annotate", {"orders": [{"order_id": "1"}] * 5001}), 413, "too_many_orders")


def test_a_body_over_the_size_limit_is_a_413(live_server_factory):
    live = live_server_factory(max_body_bytes=2000)
    assert_error(post(live.url, "/api/v1/orders/annotate", {"orders": [CONTRACT_ORDER] * 30}), 413, "too_large")


def test_unknown_paths_and_methods_answer_json(live_api):
    assert_error(requests.get(live_api + "/api/v1/nothing", timeout=10), 404, "not_found")
    assert_error(requests.get(live_api + "/api/v1/orders/annotate", timeout=10), 405, "method_not_allowed")


def test_an_unexpected_error_is_a_json_500_with_only_a_request_id(live_server_factory, caplog):
    live = live_server_factory()

    def boom():
        raise RuntimeError("secret internals")
    live.app.add_url_rule("/api/v1/boom", "boom", boom)
    with caplog.at_level(logging.ERROR, logger="jdpg.server"):
        response = requests.get(live.url + "/api/v1/boom", timeout=10)
    assert response.status_code == 500
    error = response.json()["error"]
    assert set(error) == {"code", "message", "message_en", "request_id"}
    assert "secret" not in response.text
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert any(error["request_id"] in r.getMessage() for r in caplog.records)


def test_keys_when_configured(live_server_factory):
    live = live_server_factory(api_keys=("k-123", "k-456"))
    body = {"orders": [CONTRACT_ORDER]}
    assert_error(post(live.url, "/api/v1/orders/annotate", body), 401, "unauthorized")
    assert_error(post(live.url, "/api/v1/orders/annotate", body, headers={"X-API-Key": "k-12"}), 401, "unauthorized")
    assert_error(post(live.url, "/api/v1/orders/annotate", body, headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
    assert post(live.url, "/api/v1/orders/annotate", body, headers={"X-API-Key": "k-456"}).status_code == 200
    assert post(live.url, "/api/v1/orders/annotate", body, headers={"Authorization": "Bearer k-123"}).status_code == 200
    assert requests.get(live.url + "/healthz", timeout=10).status_code == 200
    assert "Set-Cookie" not in requests.get(live.url + "/api/v1/rules", headers={"X-API-Key": "k-123"}, timeout=10).headers


def test_without_keys_only_loopback_clients_are_served():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_binding_beyond_loopback_without_keys_refuses_to_start():
    result = subprocess.run([sys.executable, "-m", "server", "--host", "0.0.0.0", "--port", "0"], capture_output=True,
                            text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "JDPG_API_KEYS" in result.stderr


def test_cross_origin_calls_are_refused_unless_configured(live_server_factory):
    live = live_server_factory(allowed_origins=("https://sheets.example",))
    body = {"orders": [CONTRACT_ORDER]}
    assert_error(post(live.url, "/api/v1/orders/annotate", body, headers={"Origin": "https://evil.example"}),
                 403, "origin_not_allowed")
    ok = post(live.url, "/api/v1/orders/annotate", body, headers={"Origin": "https://sheets.example"})
    assert ok.status_code == 200 and ok.headers["Access-Control-Allow-Origin"] == "https://sheets.example"
    preflight = requests.options(live.url + "/api/v1/orders/annotate", timeout=10, headers={
        "Origin": "https://sheets.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://sheets.example"
    assert "x-api-key" in preflight.headers["Access-Control-Allow-Headers"].lower()
    extension = post(live.url, "/api/v1/orders/annotate", body, headers={"Origin": "chrome-extension://abcdefghijklmnop"})
    assert extension.status_code == 200 and "Access-Control-Allow-Origin" not in extension.headers


def test_rate_limit_per_key_is_a_clear_429(live_server_factory):
    live = live_server_factory(rate_limit="3 per minute", api_keys=("a", "b"))
    for _ in range(3):
        assert requests.get(live.url + "/api/v1/rules", headers={"X-API-Key": "a"}, timeout=10).status_code == 200
    error = assert_error(requests.get(live.url + "/api/v1/rules", headers={"X-API-Key": "a"}, timeout=10),
                         429, "rate_limited")
    assert error["details"]["limit"]
    assert requests.get(live.url + "/api/v1/rules", headers={"X-API-Key": "b"}, timeout=10).status_code == 200


def test_orders_are_never_logged(live_api, caplog):
    with caplog.at_level(logging.DEBUG):
        post(live_api, "/api/v1/orders/annotate", {"orders": [CONTRACT_ORDER]})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "orders=1" in text
    assert "235711131719" not in text and "129.00" not in text


def test_rows_endpoint_with_chinese_export_headers(live_api):
    header = ["订单号", "商品名称", "订购数量", "支付方式", "付款确认时间", "应付金额", "订单状态", "揽收"]
    rows = [['="1001"', "杯子", "1", "在线支付", "2022-06-16 10:00:00", "29.90", "等待出库", ""],
            ['="1001"', "勺子", "2", "在线支付", "2022-06-16 10:00:00", "29.90", "等待出库", ""],
            ["", "", "", "", "", "", "", ""],
            ["\t1002", "碗", "1", "在线支付", "yesterday", "9.90", "等待出库", ""],
            ["1003", "碗", "1", "在线支付", "2022-06-19 10:00:00", "9.90", "等待确认收货", "2022-06-20 09:00:00"]]
    body = post(live_api, "/api/v1/rows/annotate", {"as_of": AS_OF, "header": header, "rows": rows,
                                                     "defaults": {"platform": "jingxi"},
                                                     "column_map": {"揽收": "picked_up_at"}}).json()
    assert body["header"][0] == "JDPG 发货截止 Ship by" and len(body["rows"]) == 5
    assert body["row_status"] == ["late", "late", "blank", "error", "ok"]
    assert body["rows"][0] == body["rows"][1]
    assert body["rows"][0][0] == "2022-06-20 10:00:00"
    assert body["rows"][3][-1].startswith("付款确认时间: ")  # the merchant's own column
    assert body["mapping"]["揽收"] == "picked_up_at" and body["mapping"]["商品名称"] == "item_name"
    assert body["summary"]["orders"] == 3


def test_rows_endpoint_says_what_a_renamed_header_left_unjudged(live_api):
    """The sample export with 付款确认时间 renamed 付款日期: no ship deadline for any order to ship,
    and the summary says so, naming the column and the closest header, instead of "0 late"."""
    import csv
    from pathlib import Path

    with open(Path(__file__).parents[2] / "samples" / "jd_orders_export.csv", encoding="gbk", newline="") as f:
        header, *rows = list(csv.reader(f))
    header = ["付款日期" if h == "付款确认时间" else h for h in header]
    body = post(live_api, "/api/v1/rows/annotate", {"as_of": AS_OF, "header": header, "rows": rows}).json()
    shipping = body["summary"]["coverage"]["shipping"]
    assert shipping["orders"] == body["summary"]["orders"] == 79
    assert shipping["not_judged"] >= 75 and shipping["judged"] + shipping["not_judged"] == 79
    reason = shipping["reasons"][0]
    assert reason["code"] == "missing_column" and reason["field"] == "paid_at"
    assert reason["suggest"] == {"header": "付款日期", "field": "paid_at"}
    assert reason["message"].startswith(f"{reason['orders']} 单无法判断发货时效：表头中没有付款时间列。是不是“付款日期”？")
    assert set(body["summary"]["coverage"]) == {"shipping", "price", "after_sales", "promotions"}
    fixed = post(live_api, "/api/v1/rows/annotate", {"as_of": AS_OF, "header": header, "rows": rows,
                                                      "column_map": {"付款日期": "paid_at"}}).json()
    assert all(r["code"] != "missing_column" for r in fixed["summary"]["coverage"]["shipping"]["reasons"])


def test_rows_endpoint_refuses_a_header_without_order_id(live_api):
    error = assert_error(post(live_api, "/api/v1/rows/annotate", {"header": ["商品名称"], "rows": [["杯子"]]}),
                         422, "unmapped_header")
    assert error["details"]["missing"] == ["order_id"]


def test_store_evaluation(live_api):
    orders = [{"order_id": str(i), "platform": "jingxi", "paid_at": "2022-06-02 10:00:00",
               "picked_up_at": "2022-06-03 10:00:00" if i < 8 else None} for i in range(10)] + [{"order_id": "bad", "paid_at": "x"}]
    body = post(live_api, "/api/v1/stores/evaluate", {"as_of": AS_OF, "store": {"platform": "jingxi", "dropshipping": False},
                                                       "orders": orders}).json()
    rate = next(m for m in body["metrics"] if m["rule"] == "SHIP-PICKUP-RATE")
    assert rate["value"] == "0.8000" and rate["status"] == "failing" and rate["condition"] == ">= 0.90"
    assert body["status"] == "failing"
    assert body["order_errors"][0]["order_id"] == "bad"


def test_campaigns_rules_health_openapi_and_docs(live_api):
    campaigns = requests.get(live_api + "/api/v1/campaigns", timeout=10).json()["campaigns"]
    jingxi = next(c for c in campaigns if c["id"] == "jingxi_618_2022")
    assert "2022-06-18" in jingxi["shipping"]["extended_days"] and "window.assumption" in jingxi["notes"]
    rules = requests.get(live_api + "/api/v1/rules", timeout=10).json()
    assert len(rules["rules"]) == 19 and rules["version"]
    match = next(r for r in rules["rules"] if r["id"] == "PRICE-MATCH")
    assert match["title"] == "买贵双倍赔" and match["effective_from"].startswith("2023-02-28")
    assert requests.get(live_api + "/healthz", timeout=10).json()["status"] == "ok"
    spec = requests.get(live_api + "/api/v1/openapi.json", timeout=10).json()
    assert {"/api/v1/orders/annotate", "/api/v1/rows/annotate", "/api/v1/stores/evaluate", "/api/v1/campaigns",
            "/api/v1/rules", "/healthz"} <= set(spec["paths"])
    docs = requests.get(live_api + "/api/v1/docs", timeout=10)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert requests.get(live_api + "/api/v1/docs-assets/swagger-ui-bundle.js", timeout=10).status_code == 200
