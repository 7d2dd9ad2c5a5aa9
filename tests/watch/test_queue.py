"""The watch on RQ workers: real ``redis-server``, real PostgreSQL (or SQLite), real ``jdpg worker`` and
``jdpg watch --queue`` processes, 200 shops on four apps against the JOS stand-in over real HTTP."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import psutil
import pytest
import requests
from rq import Worker
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import func, select
from werkzeug.serving import make_server

from server.app import create_app
from server.config import Settings
from standins.group_robots import Robot
from standins.jos import APP_KEY, APP_SECRET, JosStandin, make_order
from standins.serving import ServedInThread
from tests.support import ROOT
from tests.support.servers import RedisServer
from watch.cycle import run_shop_cycle
from watch.queue import connect, queue_health, watch_queue
from watch.settings import WatchSettings
from watch.store import PullLog, Shop, WatchedOrder, open_store

from .conftest import today_at

APPS, LIMIT = 4, 2
APPS_KEYS = [(APP_KEY, APP_SECRET)] + [(f"APP{n:030d}", f"secret-of-app-{n}") for n in range(1, APPS)]
T = today_at(6)
ROBOT_EVERY = 20     # every 20th shop has a robot: 10 messages, inside the robot's 20 a minute


def _shops(jos, store, robot, shops: int) -> dict[int, set]:
    """``shops`` shops, a quarter per app, each with one order newly at risk at T and one well inside its time."""
    for key, secret in APPS_KEYS:
        jos.apps[key] = secret
    expected = {}
    vault = store.vault
    with store.session() as session:
        for n in range(shops):
            vender = str(30000 + n)
            stand_in = jos.shop(vender)
            risky, calm = f"8{n:05d}1", f"8{n:05d}2"
            stand_in.orders[risky] = make_order(risky, T - timedelta(hours=45), vender=vender)
            stand_in.orders[calm] = make_order(calm, T - timedelta(hours=2), vender=vender)
            key, secret = APPS_KEYS[n * APPS // shops]
            access, _ = jos.issue_token(stand_in, timedelta(days=300))
            if n == shops - 1:
                del jos.tokens[access]
            webhook = robot.url if n % ROBOT_EVERY == 0 else None
            shop = Shop(name=f"店{n:03d}", app_key=key, app_secret=vault.seal(secret), access_token=vault.seal(access),
                        token_expires_at=datetime.now(timezone.utc) + timedelta(days=300), state="ok",
                        webhook=vault.seal(webhook) if webhook else None, robot_kind="wecom" if webhook else None,
                        created_at=datetime.now(timezone.utc))
            session.add(shop)
            session.flush()
            expected[shop.id] = set() if n == shops - 1 else {risky, calm}
        session.commit()
    return expected


class WatchServer(ServedInThread):
    """The real API on loopback, reading the same store and queue."""

    def __init__(self, watch_settings):
        self.app = create_app(Settings.from_env(env={}, rate_limit="100000 per minute"), watch_settings)
        self._serve(make_server("127.0.0.1", 0, self.app, threaded=True))
        self.url = f"http://127.0.0.1:{self.server.server_port}"


def _jdpg(env, *argv, **kwargs):
    return [sys.executable, "-m", "server", *argv], dict(cwd=ROOT, env=env, **kwargs)


def _schedule(env, as_of: datetime) -> str:
    command, options = _jdpg(env, "watch", "--queue", env["JDPG_WATCH_QUEUE"], "--once", "--as-of",
                             as_of.strftime("%Y-%m-%d %H:%M:%S"))
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, **options)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _pulls(store) -> dict[int, int]:
    """shop id → pulls written (ok or failed)."""
    with store.session() as session:
        return dict(session.execute(select(PullLog.shop_id, func.count()).group_by(PullLog.shop_id)).all())


def _wait(condition, seconds: float, what, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")
        time.sleep(every)


def _kill_mid_job(connection, worker: subprocess.Popen) -> str:
    """SIGKILL a worker and the job it runs (a machine gone); the job's id."""
    name = f"-{worker.pid}"
    found = {}

    def busy():
        for w in Worker.all(connection=connection):
            job = w.get_current_job_id() if w.name.endswith(name) else None
            if job and job in StartedJobRegistry(queue=watch_queue(connection)):   # running, not just taken
                found["job"] = job
                return True
        return False
    _wait(busy, 60, "the worker to start a job", every=0.01)
    process = psutil.Process(worker.pid)
    for victim in [*process.children(recursive=True), process]:
        victim.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    return found["job"]


# SQLite with one worker runs the same suite, without the kill (no other worker to go on).
@pytest.mark.parametrize("database, workers, shops", [("postgresql", 3, 200), ("sqlite", 1, 200)], indirect=["database"])
def test_many_shops_on_workers_each_pulled_once_per_cycle_no_alert_twice_no_order_lost(
        database, workers, shops, tmp_path, secret_key):
    revoked = shops - 1      # the last shop's token is one JD no longer knows: its pull fails
    with JosStandin() as jos, Robot("wecom") as robot, RedisServer(tmp_path) as redis_server:
        jos.delay = 0.05 if workers > 1 else 0   # calls long enough for two of one app to overlap when allowed
        env = {**os.environ, "JDPG_DATA_DIR": str(tmp_path), "JDPG_SECRET_KEY": secret_key,
               "JDPG_DATABASE_URL": database, "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url,
               "JDPG_WATCH_DIGEST_AT": "off", "JDPG_WATCH_QUEUE": redis_server.url, "JDPG_JOS_CONCURRENCY": str(LIMIT)}
        store = open_store(database, secret_key)
        expected = _shops(jos, store, robot, shops)
        connection = connect(redis_server.url)
        assert f"enqueued {shops}" in _schedule(env, T)
        assert "enqueued 0" in _schedule(env, T)          # a second scheduler on the same cycle adds nothing
        with WatchServer(WatchSettings.from_env(env=env)) as api:
            queued = requests.get(api.url + "/healthz", timeout=10).json()["queue"]
        assert queued["depth"] == shops and queued["running"] == 0 and queued["oldest_job_age_seconds"] >= 0
        command, options = _jdpg(env, "worker", "--heartbeat", "1", "--maintenance", "5")
        pool = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **options)
                for _ in range(workers)]
        try:
            killed = _kill_mid_job(connection, pool[0]) if workers > 1 else None
            queue = watch_queue(connection)
            # RQ calls a job abandoned a minute after its worker's last heartbeat (or stuck, a minute
            # after it was dequeued); the workers' maintenance then retries it.
            _wait(lambda: len(_pulls(store)) == shops, 420,
                  lambda: f"every shop pulled: {len(_pulls(store))} pulled, {queue_health(redis_server.url)}, "
                          f"scheduled {ScheduledJobRegistry(queue=queue).count}, "
                          f"failed {FailedJobRegistry(queue=queue).count}, killed {killed} "
                          f"{Job.fetch(killed, connection=connection).get_status() if killed else ''}",
                  every=1)
            if killed:
                assert Job.fetch(killed, connection=connection).get_status() == "finished"
            assert set(_pulls(store).values()) == {1}                         # once each, the killed one too
            assert FailedJobRegistry(queue=queue).count == 0
            with store.session() as session:
                stored = {}
                for shop_id, order_id in session.execute(select(WatchedOrder.shop_id, WatchedOrder.order_id)):
                    stored.setdefault(shop_id, set()).add(order_id)
            assert stored == {k: v for k, v in expected.items() if v}       # no order lost, none extra
            _wait(lambda: len(robot.messages) >= shops // ROBOT_EVERY, 30, "the messages")
            texts = [m["markdown"]["content"] for m in robot.messages]
            assert len(texts) == shops // ROBOT_EVERY                         # one message per shop with a robot
            for n in range(0, shops, ROBOT_EVERY):
                assert sum(f"8{n:05d}1" in text for text in texts) == 1       # its at-risk order, said once
            most = jos.most_in_flight
            assert set(most) == {key for key, _ in APPS_KEYS}
            assert max(most.values()) <= LIMIT                              # the per-app limit held
            if workers > LIMIT:
                assert max(most.values()) == LIMIT                          # …and was reached

            with WatchServer(WatchSettings.from_env(env=env)) as api:
                assert requests.get(api.url + "/healthz", timeout=10).json()["queue"] == {
                    "queue": "jdpg-watch", "depth": 0, "running": 0, "oldest_job_age_seconds": None}
                health = {s["name"]: s["health"] for s in
                          requests.get(api.url + "/api/v1/watch/shops", timeout=30).json()["shops"]}
            failing = health.pop(f"店{revoked:03d}")
            assert (failing["last_ok_at"], failing["lag_seconds"], failing["failures"]) == (None, None, 1)
            assert "re-authorise" in failing["last_error"]
            assert all(h["failures"] == 0 and 0 <= h["lag_seconds"] < 900 and h["last_ok_at"] for h in health.values())
            command, options = _jdpg(env, "shops", "list")
            listed = subprocess.run(command, capture_output=True, text=True, timeout=120, **options).stdout
            assert f"店{revoked:03d} | reauthorise | " in listed and "| — | — | 1 |" in listed
            assert listed.count(" 分钟 min | 0 |") == shops - 1
        finally:
            for worker in pool:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in pool:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
            store.engine.dispose()


@pytest.mark.parametrize("database", ["postgresql", "sqlite"], indirect=True)
def test_a_quota_error_hit_by_two_shops_at_once_parks_every_shop_of_the_app_with_one_message(store, watch, jos, robot):
    from .conftest import add_shop
    ids = []
    for n in range(3):
        jos.shop(str(n)).orders[f"59{n}"] = make_order(f"59{n}", T - timedelta(hours=2))
        ids.append(add_shop(store, jos, name=f"Q{n}", vender=str(n), webhook=robot.url))
    jos.delay = 0.3                         # both calls in flight together, both refused
    jos.force("2", times=2)
    noon = T.replace(hour=12)

    def run(shop_id):
        with store.session() as session:
            outcomes.append(run_shop_cycle(session, shop_id, watch, as_of=noon).outcome)
    outcomes = []
    threads = [threading.Thread(target=run, args=(shop_id,)) for shop_id in ids[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["failed", "failed"]
    with store.session() as session:
        assert {shop.state for shop in session.scalars(select(Shop))} == {"quota"}
        assert all(shop.paused_until > noon for shop in session.scalars(select(Shop)))
    assert len(robot.messages) == 1 and "tomorrow" in robot.messages[0]["markdown"]["content"]


# A worker that dies holding a job it has not started: ``dequeued``, the moment RQ has moved the job from
# the queue into the worker's hands (its intermediate list) and before the worker records an execution;
# ``forked``, in the job's child before the job is marked started and its function runs. The whole worker
# (parent and child) is SIGKILLed there, as a machine lost at that instant.
_DIE_HOLDING_A_JOB = """
import os, signal, sys
from pathlib import Path
from rq import Worker

def die(self, job, *args, **kwargs):
    Path(sys.argv[2]).write_text(job.id)
    if sys.argv[1] == "forked":
        os.kill(os.getppid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)

setattr(Worker, "prepare_execution" if sys.argv[1] == "dequeued" else "prepare_job_execution", die)
from server.__main__ import main
sys.exit(main(["worker", "--heartbeat", "1", "--maintenance", "5"]))
"""


def test_jobs_taken_by_workers_that_died_before_starting_them_run_once_and_alert_once(tmp_path, secret_key):
    """Two jobs of one app lost in a dead worker's hands hold both of the app's slots (K = 2): a live
    worker must get them back (RQ's maintenance), run each once, and then the app's other shops."""
    from .conftest import add_shop
    database = f"sqlite:///{tmp_path / 'watch.sqlite3'}"
    with JosStandin() as jos, Robot("wecom") as robot, RedisServer(tmp_path) as redis_server:
        env = {**os.environ, "JDPG_DATA_DIR": str(tmp_path), "JDPG_SECRET_KEY": secret_key,
               "JDPG_DATABASE_URL": database, "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url,
               "JDPG_WATCH_DIGEST_AT": "off", "JDPG_WATCH_QUEUE": redis_server.url, "JDPG_JOS_CONCURRENCY": str(LIMIT)}
        store = open_store(database, secret_key)
        risky = {}
        for n in range(6):
            order = f"66{n}1"
            jos.shop(str(600 + n)).orders[order] = make_order(order, T - timedelta(hours=45), vender=str(600 + n))
            risky[add_shop(store, jos, name=f"D{n}", vender=str(600 + n), webhook=robot.url)] = order
        connection = connect(redis_server.url)
        queue = watch_queue(connection)
        assert "enqueued 6" in _schedule(env, T)
        taken = {}
        try:
            for window in ("dequeued", "forked"):
                marker = tmp_path / window
                dying = subprocess.Popen([sys.executable, "-c", _DIE_HOLDING_A_JOB, window, str(marker)], cwd=ROOT,
                                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                assert dying.wait(timeout=120) == -signal.SIGKILL, dying.stderr.read()
                taken[window] = marker.read_text()
            dequeued, forked = taken["dequeued"], taken["forked"]
            assert set(queue.intermediate_queue.get_job_ids()) == {dequeued, forked}   # in the workers' hands
            assert dequeued not in StartedJobRegistry(queue=queue)
            assert forked in StartedJobRegistry(queue=queue)                      # marked as running, never ran
            assert _pulls(store) == {}
            assert queue_health(redis_server.url)["depth"] == 4                   # both slots held by the lost jobs
            command, options = _jdpg(env, "worker", "--heartbeat", "1", "--maintenance", "5")
            live = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **options)
            try:
                _wait(lambda: len(_pulls(store)) == 6, 240,
                      lambda: f"every shop pulled: {_pulls(store)}, {queue_health(redis_server.url)}, "
                              f"{Job.fetch(dequeued, connection=connection).get_status()}, "
                              f"{Job.fetch(forked, connection=connection).get_status()}", every=1)
                _wait(lambda: all(Job.fetch(j, connection=connection).get_status() == "finished" for j in taken.values()),
                      30, "the lost jobs to finish")
                assert set(_pulls(store).values()) == {1}                         # each shop once, the lost ones too
                assert FailedJobRegistry(queue=queue).count == 0
                _wait(lambda: len(robot.messages) >= 6, 30, "the messages")
                texts = [m["markdown"]["content"] for m in robot.messages]
                assert len(texts) == 6 and all(sum(o in t for t in texts) == 1 for o in risky.values())
                assert max(jos.most_in_flight.values()) <= LIMIT
            finally:
                live.send_signal(signal.SIGTERM)
                try:
                    live.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    live.kill()
        finally:
            store.engine.dispose()
