"""The JOS client against known answers, PyPI's jd-sdk and the JOS stand-in over real HTTP."""
import os
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from jd.api.base import sign as jd_sdk_sign

from shared.beijing_time import BEIJING
from standins.jos import APP_KEY, APP_SECRET, GATEWAY_ERRORS
from watch.jos_client import (CLOCK, QUOTA, REAUTHORISE, SECRET, JosClient, JosFailure, JosRefused, beijing_timestamp,
                              next_beijing_midnight, sign)
from watch.pull import SEARCH

PARAMS = {"method": "jingdong.pop.order.enSearch", "app_key": "testkey", "timestamp": "2024-06-01 10:00:00",
          "v": "2.0", "360buy_param_json": '{"page":1,"page_size":50}', "access_token": "token"}


def test_sign_known_answer():
    # secret + 360buy_param_json{…}access_tokentokenapp_keytestkeymethod…timestamp…v2.0 + secret, MD5, upper hex
    text = ("s3cret" + '360buy_param_json{"page":1,"page_size":50}access_tokentokenapp_keytestkey'
            "methodjingdong.pop.order.enSearchtimestamp2024-06-01 10:00:00v2.0" + "s3cret")
    import hashlib
    assert sign("s3cret", PARAMS) == hashlib.md5(text.encode()).hexdigest().upper()
    assert sign("s3cret", {**PARAMS, "sign": "ignored"}) == sign("s3cret", PARAMS)
    assert sign("other", PARAMS) != sign("s3cret", PARAMS)


@pytest.mark.parametrize("params", [PARAMS, {**PARAMS, "360buy_param_json": '{"order_id":"235711200001"}'},
                                    {"a": "1", "B": "2", "_": "3", "360buy_param_json": "{}"}])
def test_sign_agrees_with_jd_sdk_on_ascii(params):
    assert sign("0a1b2c3d", params) == jd_sdk_sign("0a1b2c3d", params)


def test_sign_is_utf8_for_cjk():
    params = {**PARAMS, "360buy_param_json": '{"order_state":"等待出库"}'}
    import hashlib
    text = "k" + "".join(f"{key}{params[key]}" for key in sorted(params)) + "k"
    assert sign("k", params) == hashlib.md5(text.encode("utf-8")).hexdigest().upper()
    with pytest.raises(UnicodeEncodeError):  # the PyPI SDK cannot sign this (Latin-1): ours must
        jd_sdk_sign("k", params)


def test_timestamp_is_beijing_whatever_the_host_zone():
    utc_noon = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
    assert beijing_timestamp(utc_noon) == "2024-06-01 20:00:00"
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        stamp = datetime.strptime(beijing_timestamp(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
        assert abs(stamp - datetime.now(timezone.utc)) < timedelta(seconds=5)
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_a_utc_host_clock_still_signs_beijing_time(jos):
    """On a host set to UTC the client's calls are accepted; a client formatting the host's local
    time (8 h off) is refused with error 8, which names the clock."""
    shop = jos.shop()
    token, _ = jos.issue_token(shop)
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        client = JosClient(APP_KEY, APP_SECRET, gateway=jos.gateway)
        body = client.call(SEARCH, {"start_date": "2024-06-01 00:00:00", "end_date": "2024-06-02 00:00:00",
                                    "optional_fields": "orderId", "page": 1, "page_size": 50}, token)
        assert "jingdong_pop_order_enSearch_responce" in body
        local = JosClient(APP_KEY, APP_SECRET, gateway=jos.gateway, clock=lambda: datetime.now().replace(tzinfo=BEIJING))
        with pytest.raises(JosRefused) as refused:
            local.call(SEARCH, {"optional_fields": "orderId"}, token)
        assert refused.value.code == "8" and refused.value.action == CLOCK
        assert "时钟" in refused.value.message and "clock" in refused.value.message_en
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.mark.parametrize("code, action, words", [("2", QUOTA, "tomorrow"), ("8", CLOCK, "clock"),
                                                 ("12", SECRET, "app secret"), ("19", REAUTHORISE, "re-authorise")])
def test_gateway_errors_say_what_to_do_and_are_not_retried(jos, code, action, words):
    token, _ = jos.issue_token(jos.shop())
    jos.force(code)
    client = JosClient(APP_KEY, APP_SECRET, gateway=jos.gateway, sleep=lambda s: pytest.fail("no retry"))
    with pytest.raises(JosRefused) as refused:
        client.call(SEARCH, {"optional_fields": "orderId"}, token)
    assert (refused.value.code, refused.value.action) == (code, action)
    assert words in refused.value.message_en and GATEWAY_ERRORS[code][0] in refused.value.message
    assert client.calls == 1 and len(jos.gateway_calls()) == 1


def test_5xx_is_retried_with_backoff_then_succeeds(jos):
    token, _ = jos.issue_token(jos.shop())
    jos.http_errors = 2
    pauses = []
    client = JosClient(APP_KEY, APP_SECRET, gateway=jos.gateway, attempts=3, backoff=0.5, sleep=pauses.append)
    body = client.call(SEARCH, {"start_date": "2024-06-01 00:00:00", "end_date": "2024-06-02 00:00:00",
                                "optional_fields": "orderId", "page": 1, "page_size": 10}, token)
    assert "jingdong_pop_order_enSearch_responce" in body
    assert pauses == [0.5, 1.0] and client.calls == 3


def test_retries_are_bounded(jos):
    token, _ = jos.issue_token(jos.shop())
    jos.http_errors = 100
    pauses = []
    client = JosClient(APP_KEY, APP_SECRET, gateway=jos.gateway, attempts=3, sleep=pauses.append)
    with pytest.raises(JosFailure) as failure:
        client.call(SEARCH, {}, token)
    assert "502" in failure.value.message_en and "3 attempts" in failure.value.message_en
    assert len(jos.requests) == 3 and len(pauses) == 2


def test_network_errors_and_timeouts_are_bounded():
    pauses = []
    client = JosClient(APP_KEY, APP_SECRET, gateway="http://127.0.0.1:9/routerjson", timeout=(0.5, 0.5),
                       attempts=2, sleep=pauses.append)
    with pytest.raises(JosFailure) as failure:
        client.call(SEARCH, {}, "t")
    assert "cannot reach" in failure.value.message_en and len(pauses) == 1
    assert APP_SECRET not in repr(client) and APP_SECRET not in str(failure.value)


def test_oauth_code_and_refresh(jos):
    client = JosClient(APP_KEY, APP_SECRET, gateway=jos.gateway, oauth=jos.url)
    url = client.authorize_url("http://127.0.0.1:8000/jos/oauth/callback", "st4te")
    assert url.startswith(f"{jos.url}/oauth2/to_login?app_key={APP_KEY}&response_type=code&redirect_uri=")
    answer = requests.get(url, allow_redirects=False, timeout=5)
    code = answer.headers["Location"].split("code=")[1].split("&")[0]
    assert "state=st4te" in answer.headers["Location"]
    tokens = client.exchange_code(code)
    assert tokens.expires_at - datetime.now(BEIJING) > timedelta(days=364)
    with pytest.raises(JosRefused):  # a code is single use
        client.exchange_code(code)
    fresh = client.refresh(tokens.refresh_token)
    assert fresh.access_token != tokens.access_token
    with pytest.raises(JosRefused):
        JosClient(APP_KEY, "wrong", oauth=jos.url).refresh(fresh.refresh_token)


def test_next_beijing_midnight():
    late = datetime(2024, 6, 1, 23, 30, tzinfo=BEIJING)
    assert next_beijing_midnight(late) == datetime(2024, 6, 2, tzinfo=BEIJING)
    assert next_beijing_midnight(datetime(2024, 6, 1, 15, 30, tzinfo=timezone.utc)) == datetime(2024, 6, 2, tzinfo=BEIJING)
    assert next_beijing_midnight(datetime(2024, 6, 1, 16, 30, tzinfo=timezone.utc)) == datetime(2024, 6, 3, tzinfo=BEIJING)
