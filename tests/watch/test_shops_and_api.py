"""The shops command, JD's OAuth callback, ``jdpg watch --once`` and the watch's API, end to end:
the commands as subprocesses, the real API on loopback, the JOS and robot stand-ins, a real SQLite file."""
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
import requests
from werkzeug.serving import make_server

from server.app import create_app
from server.config import Settings
from standins.jos import APP_KEY, APP_SECRET, make_order
from standins.serving import ServedInThread
from watch.settings import WatchSettings

from tests.support import ROOT
from .conftest import today_at


class WatchServer(ServedInThread):
    def __init__(self, watch_settings):
        self.app = create_app(Settings.from_env(env={}, rate_limit="100000 per minute"), watch_settings)
        self._serve(make_server("127.0.0.1", 0, self.app, threaded=True))
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def env(tmp_path, jos, secret_key):
    return {"PATH": "/usr/bin:/bin", "JDPG_DATA_DIR": str(tmp_path), "JDPG_SECRET_KEY": secret_key,
            "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url, "JDPG_WATCH_DIGEST_AT": "off",
            "PYTHONPATH": str(ROOT)}


def jdpg(env, *args, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, input=stdin)


@pytest.fixture
def server(env, tmp_path):
    # the server's public address is only known once it listens: a first server finds a free port
    probe = WatchServer(WatchSettings.from_env(env=env))
    port = probe.server.server_port
    probe.server.server_close()
    env["JDPG_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    live = WatchServer.__new__(WatchServer)
    live.app = create_app(Settings.from_env(env={}, rate_limit="100000 per minute"), WatchSettings.from_env(env=env))
    live._serve(make_server("127.0.0.1", port, live.app, threaded=True))
    live.url = env["JDPG_PUBLIC_URL"]
    with live:
        yield live


def authorise(jos, link: str) -> requests.Response:
    """The merchant opens the link and approves: the stand-in redirects to our callback."""
    answer = requests.get(link, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return requests.get(answer.headers["Location"], timeout=10)


def test_add_authorise_watch_and_see_the_orders(env, server, jos, robot, tmp_path):
    now = datetime.now(today_at(0).tzinfo)
    jos.shop("10001").orders["4001"] = make_order("4001", now - timedelta(hours=45), vender="10001")
    jos.shop("10001").orders["4002"] = make_order("4002", now - timedelta(hours=2), vender="10001")
    added = jdpg(env, "shops", "add", "旗舰店", "--app-key", APP_KEY, "--app-secret", APP_SECRET, "--webhook", robot.url,
                 "--kind", "wecom")
    assert added.returncode == 0, added.stderr
    link = re.search(r"(http://\S+/oauth2/to_login\S+)", added.stdout).group(1)
    assert f"{server.url}/jos/oauth/callback" in added.stdout and "redirect_uri=http%3A%2F%2F127.0.0.1" in link
    state = re.search(r"state=([^&]+)", link).group(1)

    page = authorise(jos, link)
    assert page.status_code == 200 and "旗舰店" in page.text and "Authorised" in page.text
    again = requests.get(f"{server.url}/jos/oauth/callback", params={"code": "x", "state": state}, timeout=5)
    assert again.status_code == 400 and "used or has expired" in again.text        # single use

    listed = jdpg(env, "shops", "list")
    assert "旗舰店 | ok |" in listed.stdout

    done = jdpg(env, "watch", "--once")
    assert done.returncode == 0, done.stderr
    assert "旗舰店: ok" in done.stdout and "open 2" in done.stdout
    assert len(robot.messages) == 1 and "4001" in robot.messages[0]["markdown"]["content"]

    body = requests.get(f"{server.url}/api/v1/watch/orders", timeout=5).json()
    assert body["watching"] is True and body["total"] == 2
    assert [o["order_id"] for o in body["orders"]] == ["4001", "4002"]              # soonest deadline first
    assert body["orders"][0]["status"] == "at_risk" and body["orders"][0]["shop"] == "旗舰店"
    only = requests.get(f"{server.url}/api/v1/watch/orders", params={"status": "at_risk"}, timeout=5).json()
    assert [o["order_id"] for o in only["orders"]] == ["4001"]
    none = requests.get(f"{server.url}/api/v1/watch/orders", params={"shop": "别的店"}, timeout=5).json()
    assert none["orders"] == [] and none["total"] == 0
    bad = requests.get(f"{server.url}/api/v1/watch/orders", params={"status": "late-ish"}, timeout=5)
    assert bad.status_code == 422 and bad.json()["error"]["code"]

    shops = requests.get(f"{server.url}/api/v1/watch/shops", timeout=5).json()
    [shop] = shops["shops"]
    assert shop["state"] == "ok" and shop["robot"] == "wecom" and shop["open_orders"] == 2
    assert shop["coverage"]["shipping"] == {"orders": 2, "judged": 2, "not_judged": 0, "reasons": []}
    assert shop["last_pull"]["outcome"] == "ok"

    # no secret anywhere: command output, API answers, the database file
    store = tmp_path / "watch.sqlite3"
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("watch.sqlite3*"))
    assert store.exists()
    token = next(iter(jos.tokens))
    texts = [added.stdout + added.stderr, listed.stdout + listed.stderr, done.stdout + done.stderr,
             json.dumps(body), json.dumps(shops), page.text]
    for secret in (APP_SECRET, token, robot.url.split("key=")[1]):
        assert secret.encode() not in raw
        assert all(secret not in text for text in texts)

    removed = jdpg(env, "shops", "remove", "旗舰店")
    assert removed.returncode == 0
    assert requests.get(f"{server.url}/api/v1/watch/shops", timeout=5).json() == {"watching": False, "shops": []}


def test_tokens_obtained_elsewhere_and_a_secret_typed_at_the_prompt(env, jos):
    token, refresh = jos.issue_token(jos.shop())
    done = jdpg(env, "shops", "add", "B店", "--app-key", APP_KEY, "--access-token", token, "--refresh-token", refresh,
                "--expires-in", "86400", stdin=APP_SECRET + "\n")
    assert done.returncode == 0, done.stderr
    assert "to_login" not in done.stdout
    assert jdpg(env, "watch", "--once").stdout.startswith("B店: ok")


def test_the_callback_refuses_an_unknown_or_expired_state(env, server, jos):
    unknown = requests.get(f"{server.url}/jos/oauth/callback", params={"code": "abc", "state": "forged"}, timeout=5)
    assert unknown.status_code == 400
    added = jdpg(env, "shops", "add", "C店", "--app-key", APP_KEY, "--app-secret", APP_SECRET)
    link = re.search(r"(http://\S+/oauth2/to_login\S+)", added.stdout).group(1)
    from sqlalchemy import update

    from watch.store import OAuthState, open_store
    store = open_store(WatchSettings.from_env(env=env).database_url, env["JDPG_SECRET_KEY"])
    with store.session() as session:
        session.execute(update(OAuthState).values(expires_at=datetime.now(today_at(0).tzinfo) - timedelta(seconds=1)))
        session.commit()
    store.engine.dispose()
    page = authorise(jos, link)
    assert page.status_code == 400 and "expired" in page.text
    assert "C店 | authorising |" in jdpg(env, "shops", "list").stdout


def test_commands_refuse_clearly(env, jos):
    no_key = {k: v for k, v in env.items() if k != "JDPG_SECRET_KEY"}
    refused = jdpg(no_key, "shops", "add", "D店", "--app-key", APP_KEY, "--app-secret", APP_SECRET)
    assert refused.returncode == 1 and "JDPG_SECRET_KEY" in refused.stderr and "Traceback" not in refused.stderr
    token, _ = jos.issue_token(jos.shop())
    assert jdpg(env, "shops", "add", "D店", "--app-key", APP_KEY, "--app-secret", APP_SECRET, "--access-token", token,
                "--expires-in", "86400").returncode == 0
    watch = jdpg(no_key, "watch", "--once")
    assert watch.returncode == 1 and "JDPG_SECRET_KEY" in watch.stderr and len(watch.stderr.strip().splitlines()) <= 2
    assert "Traceback" not in watch.stderr
    missing = jdpg(env, "shops", "remove", "nobody")
    assert missing.returncode == 1 and "no shop named" in missing.stderr
    bad = jdpg({**env, "JDPG_WATCH_INTERVAL": "0"}, "watch", "--once")
    assert bad.returncode == 2 and "JDPG_WATCH_INTERVAL" in bad.stderr
    key = jdpg(env, "shops", "key")
    assert key.returncode == 0 and len(key.stdout.strip()) == 44


def test_a_watcher_killed_mid_pull_writes_nothing_and_the_next_cycle_reports_once(env, jos, robot):
    token, _ = jos.issue_token(jos.shop())
    for n in range(120):
        jos.shop().orders[str(4100 + n)] = make_order(str(4100 + n), datetime.now(today_at(0).tzinfo) - timedelta(hours=45))
    assert jdpg(env, "shops", "add", "E店", "--app-key", APP_KEY, "--app-secret", APP_SECRET, "--access-token", token,
                "--expires-in", "86400", "--webhook", robot.url, "--kind", "wecom").returncode == 0
    jos.delay = 0.5
    process = subprocess.Popen([sys.executable, "-m", "server", "watch", "--once"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    import time
    deadline = time.monotonic() + 30
    while len(jos.gateway_calls()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()                                                   # mid-pull: page 2 of 3
    process.wait(timeout=10)
    jos.delay = 0
    from watch.store import WatchedOrder, open_store
    from sqlalchemy import func, select
    store = open_store(WatchSettings.from_env(env=env).database_url, env["JDPG_SECRET_KEY"])
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(WatchedOrder)) == 0
    store.engine.dispose()
    assert robot.messages == []
    # the killed watcher's lease blocks the shop until it runs out; a watcher after that reports once
    from sqlalchemy import update
    from watch.store import Shop
    store = open_store(WatchSettings.from_env(env=env).database_url, env["JDPG_SECRET_KEY"])
    with store.session() as session:
        assert session.scalar(select(Shop.lease_owner)) is not None
        session.execute(update(Shop).values(lease_until=datetime.now(today_at(0).tzinfo) - timedelta(seconds=1)))
        session.commit()
    store.engine.dispose()
    for _ in range(2):
        assert jdpg(env, "watch", "--once").returncode == 0
    assert len(robot.messages) == 1 and "120" in robot.messages[0]["markdown"]["content"]


def test_runs_demo_watches_a_made_up_shop_with_a_key_of_its_own(tmp_path):
    """./run's demo: its own store and key under JDPG_DATA_DIR/demo, the shop's orders watched."""
    env = {"PATH": "/usr/bin:/bin", "JDPG_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "standins.watch_demo", "--port", "0"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any("listening on" in line for line in lines):
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
        assert "demo only" in "".join(lines)
        url = re.search(r"listening on (http://\S+)", "".join(lines)).group(1)
        import time
        deadline = time.monotonic() + 30
        body = {}
        while not body.get("orders") and time.monotonic() < deadline:
            body = requests.get(f"{url}/api/v1/watch/orders", timeout=5).json()
            time.sleep(0.2)
        assert body["watching"] and {o["status"] for o in body["orders"]} >= {"overdue", "at_risk", "pending"}
        assert (tmp_path / "demo" / "demo-secret.key").exists() and (tmp_path / "demo" / "watch.sqlite3").exists()
        assert not (tmp_path / "watch.sqlite3").exists()              # never the merchant's own store
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_shop_asked_to_reauthorise_is_authorised_again_by_shops_add(env, server, jos, monkeypatch, capsys):
    """``jdpg shops add NAME`` on a known shop prints a fresh link; the callback makes the shop ok again."""
    from sqlalchemy import select

    from watch.cli import shops_main
    from watch.store import Shop, open_store
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    token, _ = jos.issue_token(jos.shop())
    assert shops_main(["add", "F店", "--app-key", APP_KEY, "--app-secret", APP_SECRET, "--access-token", token,
                       "--expires-in", "86400"]) == 0
    store = open_store(WatchSettings.from_env(env=env).database_url, env["JDPG_SECRET_KEY"])
    with store.session() as session:
        session.scalar(select(Shop)).state = "reauthorise"
        session.commit()
    capsys.readouterr()
    assert shops_main(["add", "F店"]) == 0                                     # no key or secret needed again
    link = re.search(r"(http://\S+/oauth2/to_login\S+)", capsys.readouterr().out).group(1)
    assert authorise(jos, link).status_code == 200
    with store.session() as session:
        shop = session.scalar(select(Shop))
        assert shop.state == "ok" and store.vault.open(shop.access_token) != token
    store.engine.dispose()
