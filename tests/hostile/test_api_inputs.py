"""Hostile inputs to the HTTP API, against gunicorn as production runs it (``hostile_api``).

Each case must be answered within a few seconds with either a 2xx in which the hostile order (or row,
or store fact) carries a field error and the good orders around it are annotated as usual, or a clear
4xx in our JSON error shape. Never a 5xx, never a hang, never a huge value echoed back.
"""
import http.client
import json

import pytest
import requests

from server.security import REQUEST_ID

HANG_SECONDS = 10  # a bound against hangs, not a speed measurement
ECHO_BOUND = 64 * 1024  # no answer to a short batch with one hostile value is bigger than this
AS_OF = "2022-06-20T12:00:00+08:00"
GOOD = {"order_id": "1001", "platform": "jingxi", "paid_at": "2022-06-16 10:00:00",
        "picked_up_at": "2022-06-20 11:00:00", "paid_amount": "129.00"}
EXP = "1e1000000"  # 9 bytes; converted naively it costs minutes of CPU
DIGITS = "9" * 5000  # over Python's 4,300-digit int conversion limit
BIG_TEXT = "x" * (5 * 1024 * 1024)


def hostile(**fields):
    return {**GOOD, "order_id": "2002", **fields}


def post(server, path, body, **kw):
    return requests.post(server.url + path, json=body, timeout=HANG_SECONDS, **kw)


def assert_clear_4xx(response, code=None):
    assert 400 <= response.status_code < 500, response.text[:300]
    if response.headers.get("Content-Type", "").startswith("application/json"):
        error = response.json()["error"]
        assert error["message"] and error["message_en"]
        if code:
            assert error["code"] == code
    else:  # refused by gunicorn itself before the app (header limits)
        assert code is None
    assert len(response.content) < ECHO_BOUND


def assert_batch(response, field, *, or_annotated=False):
    """The middle order of [GOOD, hostile, GOOD] has an error on ``field``; the other two are annotated."""
    assert response.status_code == 200, response.text[:300]
    assert len(response.content) < ECHO_BOUND
    results = response.json()["results"]
    assert len(results) == 3
    for good in (results[0], results[2]):
        assert good["errors"] == [] and good["ship"]["status"] == "shipped_late"
    fields = [e["field"] for e in results[1]["errors"]]
    if not (or_annotated and not fields):
        assert field in fields, results[1]["errors"]
    assert '"-0.00"' not in response.text


ORDER_CASES = [
    pytest.param(hostile(quantity=EXP), "quantity", id="quantity-1e1000000"),
    pytest.param(hostile(quantity=DIGITS), "quantity", id="quantity-5000-digits"),
    pytest.param(hostile(quantity="1e20"), "quantity", id="quantity-1e20"),
    pytest.param(hostile(quantity="100000000000000000000",
                         price_protection={"days": 30, "unit_price": "1000000000000", "lowest_price_after": "1"}),
                 "quantity", id="quantity-1e20-times-unit-price-1e12"),
    pytest.param(hostile(price_match={"competitor_platform": "tmall", "competitor_monthly_sales": EXP}),
                 "price_match.competitor_monthly_sales", id="competitor_monthly_sales-1e1000000"),
    pytest.param(hostile(price_match={"competitor_platform": "tmall", "competitor_monthly_sales": DIGITS}),
                 "price_match.competitor_monthly_sales", id="competitor_monthly_sales-5000-digits"),
    pytest.param(hostile(price_protection={"days": EXP, "unit_price": "10", "lowest_price_after": "5"}),
                 "price_protection.days", id="price_protection.days-1e1000000"),
    pytest.param(hostile(price_protection={"days": 3000000, "unit_price": "10", "lowest_price_after": "5"}),
                 "price_protection.days", id="price_protection.days-3000000"),
    pytest.param(hostile(price_protection={"days": "1e20", "unit_price": "10", "lowest_price_after": "5"}),
                 "price_protection.days", id="price_protection.days-1e20"),
    pytest.param(hostile(paid_amount=EXP), "paid_amount", id="paid_amount-1e1000000"),
    pytest.param(hostile(paid_amount=DIGITS), "paid_amount", id="paid_amount-5000-digits"),
    pytest.param(hostile(paid_amount="NaN"), "paid_amount", id="paid_amount-NaN"),
    pytest.param(hostile(paid_amount="sNaN"), "paid_amount", id="paid_amount-sNaN"),
    pytest.param(hostile(paid_amount="-Infinity"), "paid_amount", id="paid_amount-minus-Infinity"),
    pytest.param(hostile(paid_amount="-0"), "paid_amount?", id="paid_amount-minus-0"),
    pytest.param(hostile(weight_kg=EXP), "weight_kg", id="weight_kg-1e1000000"),
    pytest.param(hostile(subsidy_amount="sNaN", subsidy_activity="国补"), "subsidy_amount", id="subsidy_amount-sNaN"),
    pytest.param(hostile(order_id={"a": 1}), "order_id", id="order_id-object"),
    pytest.param(hostile(order_id=[1, 2]), "order_id", id="order_id-array"),
    pytest.param(hostile(order_id=True), "order_id", id="order_id-bool"),
    pytest.param(hostile(paid_at="2022-06-16 10:00:00\u0000"), "paid_at", id="paid_at-NUL-at-end"),
    pytest.param(hostile(paid_at="2022-06-16\u000010:00:00"), "paid_at", id="paid_at-NUL-inside"),
    pytest.param(hostile(paid_at="9999-12-31 23:59:59"), "paid_at", id="paid_at-year-9999"),
    pytest.param(hostile(paid_at="0001-01-01 00:00:00"), "paid_at?", id="paid_at-year-1"),
    pytest.param(hostile(paid_at="2022-06-16T10:00:00+99:00"), "paid_at", id="paid_at-offset-99h"),
    pytest.param(hostile(platform=BIG_TEXT), "platform", id="platform-5MB"),
    pytest.param(hostile(order_status=BIG_TEXT), "order_status", id="order_status-5MB"),
    pytest.param(hostile(price_match=[1, 2, 3]), "price_match", id="price_match-array"),
    pytest.param(hostile(return_request="yes"), "return_request", id="return_request-text"),
]


@pytest.mark.parametrize("order, field", ORDER_CASES)
def test_a_hostile_order_value_is_a_field_error_on_its_order(hostile_api, order, field):
    """``field?``: a value the core may also take as it is (an amount of -0, the year 1), as long as it answers."""
    response = post(hostile_api, "/api/v1/orders/annotate", {"as_of": AS_OF, "orders": [GOOD, order, {**GOOD, "order_id": "3003"}]})
    assert_batch(response, field.rstrip("?"), or_annotated=field.endswith("?"))


def test_a_minus_zero_amount_is_never_written_minus_zero(hostile_api):
    order = hostile(paid_amount="-0", price_commitment={"unit_price": "-0", "post_window_lowest_price": "-0.00"})
    response = post(hostile_api, "/api/v1/orders/annotate", {"as_of": AS_OF, "orders": [GOOD, order, GOOD]})
    assert response.status_code == 200 and "-0.00" not in response.text


HEADER = ["订单号", "商品名称", "订购数量", "支付方式", "付款确认时间", "应付金额", "订单状态", "揽收", "竞品月销"]
GOOD_ROW = ["1001", "杯子", "1", "在线支付", "2022-06-16 10:00:00", "29.90", "等待出库", "2022-06-20 11:00:00", ""]
ROW_COLUMN = {name: i for i, name in enumerate(HEADER)}
ROW_CASES = [
    pytest.param("订购数量", EXP, id="rows-quantity-1e1000000"),
    pytest.param("订购数量", DIGITS, id="rows-quantity-5000-digits"),
    pytest.param("应付金额", EXP, id="rows-amount-1e1000000"),
    pytest.param("应付金额", "sNaN", id="rows-amount-sNaN"),
    pytest.param("付款确认时间", "2022-06-16\u000010:00:00", id="rows-time-NUL"),
    pytest.param("竞品月销", EXP, id="rows-competitor_monthly_sales-1e1000000"),
    pytest.param("竞品月销", DIGITS, id="rows-competitor_monthly_sales-5000-digits"),
    pytest.param("订单号", {"a": 1}, id="rows-order_id-object"),
]


@pytest.mark.parametrize("column, value", ROW_CASES)
def test_a_hostile_cell_is_an_error_on_its_row(hostile_api, column, value):
    row = list(GOOD_ROW)
    row[ROW_COLUMN[column]] = value
    if column != "订单号":
        row[0] = "2002"
    rows = [GOOD_ROW, row, ["3003", *GOOD_ROW[1:]]]
    response = post(hostile_api, "/api/v1/rows/annotate", {
        "as_of": AS_OF, "header": HEADER, "rows": rows, "defaults": {"platform": "jingxi"},
        "column_map": {"揽收": "picked_up_at", "竞品月销": "price_match.competitor_monthly_sales"}})
    assert response.status_code == 200, response.text[:300]
    assert len(response.content) < ECHO_BOUND
    body = response.json()
    errors = [c["key"] for c in body["columns"]].index("errors")
    assert [r[errors] for r in body["rows"]][::2] == ["", ""]
    # The errors column names the merchant's column (订购数量), not the field.
    assert body["rows"][1][errors].startswith(column + ":"), body["rows"][1][errors]
    assert body["row_status"][::2] == ["late", "late"]


STORE_CASES = [
    pytest.param({"pickup_rate": "NaN"}, "store.pickup_rate", id="store-pickup_rate-NaN"),
    pytest.param({"wind_vane_percentile": "sNaN"}, "store.wind_vane_percentile", id="store-wind_vane_percentile-sNaN"),
    pytest.param({"wind_vane_percentile": EXP}, "store.wind_vane_percentile", id="store-wind_vane_percentile-1e1000000"),
    pytest.param({"products_without_promise_template": EXP}, "store.products_without_promise_template",
                 id="store-count-1e1000000"),
    pytest.param({"products_without_promise_template": DIGITS}, "store.products_without_promise_template",
                 id="store-count-5000-digits"),
    pytest.param({"deposit_paid": DIGITS}, "store.deposit_paid", id="store-deposit-5000-digits"),
    pytest.param({"products": [{"sku": "a", "units_sold_90d": EXP}]}, "store.products[0].units_sold_90d",
                 id="store-product-units-1e1000000"),
    pytest.param({"products": [{"sku": "a", "group_price": "sNaN"}]}, "store.products[0].group_price",
                 id="store-product-price-sNaN"),
]


@pytest.mark.parametrize("facts, field", STORE_CASES)
def test_a_hostile_store_fact_is_named(hostile_api, facts, field):
    orders = [{**GOOD, "order_id": str(i)} for i in range(3)]
    response = post(hostile_api, "/api/v1/stores/evaluate",
                    {"as_of": AS_OF, "store": {"platform": "jingxi", **facts}, "orders": orders})
    if response.status_code != 200:
        assert_clear_4xx(response)
        return
    body = response.json()
    assert field in [e["field"] for e in body["errors"]]
    assert body["order_errors"] == []
    assert len(response.content) < ECHO_BOUND


ENVELOPE_CASES = [
    pytest.param({"store": {"products": [{"sku": str(i)} for i in range(5001)]}, "orders": []}, "/api/v1/stores/evaluate",
                 "too_many_orders", id="store-products-over-the-order-limit"),
    pytest.param({"options": {"at_risk_hours": "NaN"}, "orders": [GOOD]}, "/api/v1/orders/annotate",
                 "invalid_request", id="options.at_risk_hours-NaN"),
    pytest.param({"options": {"at_risk_hours": 1e308}, "orders": [GOOD]}, "/api/v1/orders/annotate",
                 "invalid_request", id="options.at_risk_hours-1e308"),
    pytest.param({"as_of": "2022-06-20\u000012:00:00", "orders": [GOOD]}, "/api/v1/orders/annotate",
                 "invalid_request", id="as_of-NUL"),
    pytest.param({"as_of": "9999-12-31T23:59:59+08:00", "orders": [GOOD]}, "/api/v1/orders/annotate",
                 "invalid_request", id="as_of-year-9999"),
    pytest.param({"header": [BIG_TEXT[:1024 * 1024]], "rows": [["a"]]}, "/api/v1/rows/annotate",
                 "unmapped_header", id="rows-header-1MB-cell-echoed-clipped"),
    pytest.param({"orders": None, "store": None}, "/api/v1/stores/evaluate", "invalid_request", id="store-null"),
]


@pytest.mark.parametrize("body, path, code", ENVELOPE_CASES)
def test_a_hostile_envelope_is_a_clear_4xx(hostile_api, body, path, code):
    assert_clear_4xx(post(hostile_api, path, body), code)


def raw_post(server, body: bytes, headers: dict, *, chunk: int | None = None):
    """A POST by hand (http.client), so that chunked bodies and odd headers go out as written."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HANG_SECONDS)
    try:
        connection.putrequest("POST", "/api/v1/orders/annotate", skip_host="Host" in headers)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            connection.putheader(name, value)
        if chunk:
            connection.putheader("Transfer-Encoding", "chunked")
        else:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        try:
            if chunk:
                for start in range(0, len(body), chunk):
                    part = body[start:start + chunk]
                    connection.send(b"%x\r\n%s\r\n" % (len(part), part))
                connection.send(b"0\r\n\r\n")
            else:
                connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


LIMIT = 8 * 1024 * 1024
VALID = json.dumps({"as_of": AS_OF, "orders": [GOOD]}).encode()
BODY_CASES = [
    pytest.param(VALID + b" " * LIMIT, id="chunked-valid-json-then-padding-past-the-limit"),
    pytest.param(json.dumps({"orders": [GOOD] * 60000}).encode(), id="chunked-batch-past-the-limit"),
    pytest.param(b"[" * (LIMIT + 10), id="chunked-garbage-past-the-limit"),
]


@pytest.mark.parametrize("body", BODY_CASES)
def test_a_chunked_body_over_the_limit_is_a_413(hostile_api, body):
    assert len(body) > LIMIT
    status, _, answer = raw_post(hostile_api, body, {}, chunk=256 * 1024)
    assert status == 413, answer[:300]
    assert json.loads(answer)["error"]["code"] == "too_large"


NESTING_CASES = [
    pytest.param(b'{"orders": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", id="json-nested-100000-deep"),
    pytest.param(b'{"orders": [{"order_id": "1", "quantity": 1e400}]}', id="json-number-1e400"),
    pytest.param(b'{"orders": [{"order_id": "1", "quantity": ' + DIGITS.encode() + b"}]}", id="json-integer-5000-digits"),
    pytest.param(b'{"orders": [{"order_id": "\\ud800"}]}', id="json-lone-surrogate"),
    pytest.param(b"\xef\xbb\xbf" + VALID, id="json-with-byte-order-mark"),
]


@pytest.mark.parametrize("body", NESTING_CASES)
def test_a_hostile_json_text_is_a_clear_answer(hostile_api, body):
    status, headers, answer = raw_post(hostile_api, body, {})
    assert status < 500 and len(answer) < ECHO_BOUND, answer[:300]
    if status != 200:
        assert json.loads(answer)["error"]["code"]


HOST_CASES = [
    pytest.param({"Host": "evil.example"}, id="host-other-name"),
    pytest.param({"Host": "evil.example", "Origin": "http://evil.example"}, id="host-with-its-own-origin-dns-rebinding"),
    pytest.param({"Host": "localhost.evil.example"}, id="host-localhost-prefix"),
    pytest.param({"Host": "127.0.0.1.nip.io"}, id="host-loopback-address-prefix"),
    pytest.param({"Host": "[::1"}, id="host-broken-ipv6"),
    pytest.param({"Host": "evil.example@127.0.0.1"}, id="host-userinfo-before-loopback"),
    pytest.param({"Host": "0.0.0.0"}, id="host-any-address"),
    pytest.param({"Host": "x" * 4000}, id="host-4000-chars"),
]


@pytest.mark.parametrize("headers", HOST_CASES)
def test_without_keys_other_host_names_are_refused(hostile_api, headers):
    status, _, answer = raw_post(hostile_api, VALID, headers)
    assert status in (400, 421), answer[:300]
    assert len(answer) < 4096
    if status == 421:
        assert json.loads(answer)["error"]["code"] == "host_not_allowed"


PROXY_CASES = [
    pytest.param({"X-Forwarded-For": "203.0.113.9"}, id="proxy-x-forwarded-for"),
    pytest.param({"Forwarded": "for=203.0.113.9;proto=https"}, id="proxy-forwarded"),
    pytest.param({"X-Real-IP": "203.0.113.9"}, id="proxy-x-real-ip"),
]


@pytest.mark.parametrize("headers", PROXY_CASES)
def test_without_keys_proxy_headers_are_refused_naming_the_setting(hostile_api, headers):
    status, _, answer = raw_post(hostile_api, VALID, headers)
    assert status == 403
    error = json.loads(answer)["error"]
    assert error["code"] == "proxy_needs_keys" and "JDPG_API_KEYS" in error["message_en"]


ORIGIN_CASES = [
    pytest.param("null", id="origin-null"),
    pytest.param("http://127.0.0.1.evil.example", id="origin-lookalike"),
    pytest.param("https://" + "e" * 7000 + ".example", id="origin-7000-chars"),
]


@pytest.mark.parametrize("origin", ORIGIN_CASES)
def test_a_hostile_origin_is_refused_and_echoed_clipped(hostile_api, origin):
    status, _, answer = raw_post(hostile_api, VALID, {"Origin": origin})
    assert status == 403 and len(answer) < 2048
    assert json.loads(answer)["error"]["code"] == "origin_not_allowed"


REQUEST_ID_CASES = [
    pytest.param("a" * 65, id="request-id-65-chars"),
    pytest.param("x request_id=forged", id="request-id-forged-field"),
    pytest.param("forged\tid", id="request-id-tab"),
    pytest.param("forged/../id", id="request-id-slash"),
    pytest.param("forgedé", id="request-id-latin1"),
    pytest.param("f" * 60000, id="request-id-60kB"),
]


@pytest.mark.parametrize("value", REQUEST_ID_CASES)
def test_a_forged_request_id_is_replaced_never_reflected_or_logged(hostile_api, value):
    status, headers, answer = raw_post(hostile_api, VALID, {"X-Request-ID": value.encode("latin-1")})
    assert status < 500
    if status == 200:
        assert headers["X-Request-ID"] != value and REQUEST_ID.fullmatch(headers["X-Request-ID"])
        assert headers["X-Request-ID"] in hostile_api.log_text()
    else:
        assert 400 <= status < 500  # gunicorn's own limit on a header's size
    assert value.encode("latin-1") not in answer
    assert "forged" not in hostile_api.log_text()


SHAPE_HEADER = ["订单号", "付款确认时间"]
ROWS_SHAPE_CASES = [
    pytest.param({"header": SHAPE_HEADER, "rows": [["1", "2022-06-16 10:00:00"] + [""] * 1_000_000]}, id="rows-1000000-cells"),
    pytest.param({"header": SHAPE_HEADER + [f"c{i}" for i in range(100_000)], "rows": [["1", "2022-06-16 10:00:00"]]},
                 id="rows-header-100000-columns"),
    pytest.param({"header": SHAPE_HEADER, "rows": [["1"]] * 5000}, id="rows-5000-short-rows"),
    pytest.param({"header": SHAPE_HEADER, "rows": [["1", "x"]], "column_map": {f"c{i}": "paid_at" for i in range(100_000)}},
                 id="rows-column_map-100000-entries"),
    pytest.param({"header": SHAPE_HEADER, "rows": [["1", "x"]], "defaults": {"quantity": EXP, "platform": ["x"]}},
                 id="rows-hostile-defaults"),
    pytest.param({"header": SHAPE_HEADER, "rows": [[{"a": [1]}, None, True, 1e300]]}, id="rows-cells-of-every-type"),
]


@pytest.mark.parametrize("body", ROWS_SHAPE_CASES)
def test_a_hostile_table_shape_is_answered_row_for_row(hostile_api, body):
    response = post(hostile_api, "/api/v1/rows/annotate", {"as_of": AS_OF, **body})
    if response.status_code != 200:
        assert_clear_4xx(response)
        return
    assert len(response.json()["rows"]) == len(body["rows"])
    assert len(response.content) < ECHO_BOUND + 1024 * len(body["rows"]) + 16 * len(body["header"])
