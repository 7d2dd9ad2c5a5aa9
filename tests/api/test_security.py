"""Keys, rate limits, host names and request ids, on real servers: the in-process Flask server, and
gunicorn with 4 workers sharing one limit through Debian's redis-server on a loopback port."""
import http.client
import json
import logging
import re
import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from server.app import create_app
from server.config import Settings, is_loopback
from server.security import REQUEST_ID
from tests.support.servers import Gunicorn, RedisServer, free_port

RULES = "/api/v1/rules"


def get(url, **headers):
    return requests.get(url + RULES, headers=headers, timeout=10)


def test_without_keys_a_made_up_key_gets_no_counter_of_its_own(live_server_factory):
    live = live_server_factory(rate_limit="3 per minute")
    statuses = [get(live.url, **{"X-API-Key": secrets.token_hex(8)}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_with_keys_a_wrong_key_counts_against_the_address_not_the_valid_key(live_server_factory):
    live = live_server_factory(rate_limit="3 per minute", api_keys=("good",))
    wrong = [get(live.url, **{"X-API-Key": secrets.token_hex(8)}).status_code for _ in range(4)]
    assert wrong == [401, 401, 401, 429]
    assert [get(live.url, **{"X-API-Key": "good"}).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_an_ipv4_mapped_loopback_client_is_on_loopback():
    assert is_loopback("::ffff:127.0.0.1") and not is_loopback("::ffff:192.0.2.1")
    app = create_app(Settings.from_env(env={}))
    server = make_server("::", 0, app, threaded=True)  # dual stack: IPv4 clients arrive as ::ffff:a.b.c.d
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        assert get(f"http://127.0.0.1:{server.server_port}").status_code == 200
    finally:
        server.shutdown()
        server.server_close()


def test_without_keys_loopback_host_names_are_served(live_server_factory):
    live = live_server_factory()
    port = live.server.server_port
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost", "127.0.0.1"):
        assert get(live.url, Host=host).status_code == 200, host
    refused = get(live.url, Host="intranet.example")
    assert refused.status_code == 421 and refused.json()["error"]["code"] == "host_not_allowed"
    assert "JDPG_API_KEYS" in refused.json()["error"]["message_en"]


def test_with_keys_any_host_name_and_proxy_headers_are_served(live_server_factory):
    live = live_server_factory(api_keys=("k",))
    ok = get(live.url, Host="api.example.com", **{"X-API-Key": "k", "X-Forwarded-For": "203.0.113.9"})
    assert ok.status_code == 200


def test_a_safe_request_id_is_kept_and_an_unsafe_one_replaced(live_server_factory, caplog):
    live = live_server_factory()
    assert get(live.url, **{"X-Request-ID": "abc-123.X_y"}).headers["X-Request-ID"] == "abc-123.X_y"
    with caplog.at_level(logging.INFO, logger="jdpg.server"):
        answer = get(live.url, **{"X-Request-ID": "x request_id=forged"})
    assert REQUEST_ID.fullmatch(answer.headers["X-Request-ID"]) and "forged" not in answer.headers["X-Request-ID"]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert answer.headers["X-Request-ID"] in text and "forged" not in text


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path) as server:
        yield server


BATCH = {"as_of": "2022-06-20T12:00:00+08:00",
         "orders": [{"order_id": str(i), "platform": "jingxi", "paid_at": "2022-06-16 10:00:00",
                     "picked_up_at": "2022-06-20 11:00:00", "paid_amount": "129.00"} for i in range(300)]}


def test_one_limit_holds_across_four_gunicorn_workers_with_redis(tmp_path, redis_server):
    annotate = "/api/v1/orders/annotate"
    with Gunicorn(tmp_path, workers=4, JDPG_RATE_LIMIT="20 per minute",
                  JDPG_RATE_LIMIT_STORAGE=redis_server.url) as server:
        # eight clients at once, each batch some milliseconds of work: busy workers leave the next
        # connection to the others, so the requests are spread over the workers
        with ThreadPoolExecutor(8) as clients:
            statuses = Counter(clients.map(
                lambda _: requests.post(server.url + annotate, json=BATCH, timeout=30).status_code, range(60)))
        log = server.log_text()
    assert statuses == {200: 20, 429: 40}
    # the app's own request lines are written under gunicorn, each with its worker's pid
    lines = [line for line in log.splitlines() if f"POST {annotate} " in line]
    assert len(lines) == 60
    workers = {re.search(r"\[(\d+)\] \[INFO\]", line).group(1) for line in lines if " 200 " in line}
    assert len(workers) >= 2, "the requests should have been spread over the workers"


def test_made_up_keys_make_no_counters_in_the_shared_storage(tmp_path, redis_server):
    with Gunicorn(tmp_path, workers=2, JDPG_RATE_LIMIT="1000 per minute",
                  JDPG_RATE_LIMIT_STORAGE=redis_server.url) as server:
        for _ in range(30):
            assert get(server.url, **{"X-API-Key": secrets.token_hex(2048)}).status_code == 200
    assert len(redis_server.client.keys("*")) == 1


def test_when_redis_goes_down_the_api_keeps_serving_and_warns_once(tmp_path, redis_server, caplog):
    app = create_app(Settings.from_env(env={}, rate_limit="5 per minute", rate_limit_storage=redis_server.url))
    client = app.test_client()
    assert [client.get(RULES).status_code for _ in range(2)] == [200, 200]
    assert redis_server.client.keys("*")
    redis_server.stop()
    with caplog.at_level(logging.WARNING):
        statuses = [client.get(RULES).status_code for _ in range(7)]
    # each worker counts in its own memory while the storage is away: the limit still holds there
    assert statuses == [200] * 5 + [429] * 2
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and "unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_an_unreachable_redis_at_start_does_not_stop_the_api(caplog):
    storage = f"redis://127.0.0.1:{free_port()}/0"
    client = create_app(Settings.from_env(env={}, rate_limit="3 per minute", rate_limit_storage=storage)).test_client()
    with caplog.at_level(logging.WARNING):
        assert [client.get(RULES).status_code for _ in range(4)] == [200, 200, 200, 429]


def _chunked_post(port, body: bytes):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("POST", "/api/v1/orders/annotate")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for start in range(0, len(body), 500):
            part = body[start:start + 500]
            connection.send(b"%x\r\n%s\r\n" % (len(part), part))
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("kind", ["werkzeug", "waitress"])
def test_a_chunked_body_over_the_limit_is_a_413_never_a_cut_body_answered(kind):
    """gunicorn: tests/hostile. A valid JSON start followed by more than the limit allows."""
    app = create_app(Settings.from_env(env={}, max_body_bytes=2000))
    if kind == "waitress":
        import waitress
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
        # Closed from its own loop (the trigger runs it there), so no select() is left on a closed socket.
        port, run = server.effective_port, server.run
        stop = lambda: (server.trigger.pull_trigger(server.close), thread.join(5), server.task_dispatcher.shutdown())
    else:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        port, run, stop = server.server_port, server.serve_forever, lambda: (server.shutdown(), server.server_close())
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        valid = json.dumps({"orders": [{"order_id": "1"}]}).encode()
        assert _chunked_post(port, valid)[0] == 200
        status, answer = _chunked_post(port, valid + b" " * 5000)
        assert status == 413 and json.loads(answer)["error"]["code"] == "too_large"
    finally:
        stop()
