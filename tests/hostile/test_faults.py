"""Faults of the services the API leans on, seen where an operator looks: gunicorn's own log."""
import time

import requests

from tests.support.servers import Gunicorn, RedisServer, free_port

FALLBACK = "falling back to in-memory storage"


def _wait_for(server, text, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in server.log_text():
            return True
        time.sleep(0.1)
    return False


def test_the_switch_to_in_memory_counters_while_redis_is_down_is_in_gunicorns_log_once(tmp_path):
    """Redis unreachable (nothing listens on its port): every call is still answered, and the
    worker that switches over says so once in gunicorn's log."""
    storage = f"redis://127.0.0.1:{free_port()}/0"
    with Gunicorn(tmp_path, workers=1, JDPG_RATE_LIMIT="1000 per minute", JDPG_RATE_LIMIT_STORAGE=storage) as server:
        for _ in range(3):
            response = requests.get(server.url + "/api/v1/vocabulary", timeout=10)
            assert response.status_code == 200
        assert _wait_for(server, FALLBACK), server.log_text()[-2000:]
        assert server.log_text().count(FALLBACK) == 1


def test_a_redis_that_stops_while_serving_is_said_in_gunicorns_log(tmp_path):
    with RedisServer(tmp_path) as redis_server:
        with Gunicorn(tmp_path, workers=1, JDPG_RATE_LIMIT="1000 per minute",
                      JDPG_RATE_LIMIT_STORAGE=redis_server.url) as server:
            assert requests.get(server.url + "/api/v1/vocabulary", timeout=10).status_code == 200
            redis_server.stop()
            assert requests.get(server.url + "/api/v1/vocabulary", timeout=10).status_code == 200
            assert _wait_for(server, FALLBACK), server.log_text()[-2000:]
