"""docs/deployment.md's three machines, run: its "Three machines" blocks as written, on three Linux
network namespaces of this machine (hosts A, B, C at 10.77.0.1–3 on a bridge), each with its own
``/etc``, ``/var`` and ``/opt`` (overlays, so nothing of the machine's own changes) and host name.
A runs Debian's PostgreSQL cluster and ``redis-server`` with deploy/'s settings; B two workers and
the scheduler, C a worker and the API: the systemd units' ``ExecStart`` lines (systemd does not run
here). JD's gateway and a WeCom robot (HTTPS) are the stand-ins, on the bridge's own address.
Every process of the three is ended by its id and the namespaces removed, whatever happens."""
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil
import pytest
from rq import Worker
from sqlalchemy import func, select

from shared.beijing_time import BEIJING
from standins.group_robots import Robot
from standins.jos import APP_KEY, APP_SECRET, JosStandin, make_order
from tests.support import ROOT
from watch.crypto import new_key
from watch.queue import connect, queue_health
from watch.store import PullLog, Shop, open_store

GUIDE = ROOT / "docs" / "deployment.md"
HOSTS = {"A": "10.77.0.1", "B": "10.77.0.2", "C": "10.77.0.3"}
STANDINS = "10.77.0.254"          # this (the root) namespace, on the bridge: "JD" and "WeCom"
SHOPS, ROBOT_EVERY, LIMIT = 60, 10, 2
APPS = [(APP_KEY, APP_SECRET), ("APP" + "1" * 29, "secret-of-app-1")]
LOCK = Path("/run/lock/jdpg-three-hosts.lock")    # the addresses are fixed: one run at a time

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("ip") is None
    or shutil.which("unshare") is None or not Path("/etc/postgresql/15/main").is_dir(),
    reason="needs Linux, root, iproute2's ip, util-linux's unshare and Debian's postgresql 15 cluster")


def guide_blocks() -> dict[str, str]:
    """The three-machine section's shell blocks, by their first line: "A", "B", "C", "C check", "env"."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("**Three machines**"):text.index("**What was run**")]
    blocks = {}
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        label = re.match(r"# (?:host ([ABC])(, check)?|(/etc/jdpg/jdpg\.env))", block)
        assert label, f"a block without a host label: {block[:60]!r}"
        host, check, env = label.groups()
        blocks["env" if env else host + (" check" if check else "")] = block
    assert set(blocks) == {"A", "B", "C", "C check", "env"}
    return blocks


def exec_start(unit: str) -> str:
    (line,) = re.findall(r"^ExecStart=(.+)$", (ROOT / "deploy" / unit).read_text(), re.M)
    return line


class Hosts:
    """Three network namespaces on a bridge in this one; their processes are all ours."""

    def __init__(self, tmp: Path):
        tag = secrets.token_hex(3)
        self.tmp = tmp
        self.bridge = f"jdpg{tag}"                                    # interface names: at most 15 characters
        self.spaces = {host: f"jdpg-{tag}-{host.lower()}" for host in HOSTS}

    def __enter__(self):
        held = subprocess.run(["ip", "-o", "addr", "show", "to", f"{STANDINS}/32"], capture_output=True, text=True).stdout
        assert not held, f"{STANDINS} is held (a run killed before its clean-up? ip netns del / ip link del): {held}"
        try:
            self._ip("link", "add", self.bridge, "type", "bridge")
            self._ip("addr", "add", f"{STANDINS}/24", "dev", self.bridge)
            self._ip("link", "set", self.bridge, "up")
            for host, address in HOSTS.items():
                space, veth = self.spaces[host], f"{self.bridge}{host.lower()}"
                self._ip("netns", "add", space)
                self._ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", space)
                self._ip("link", "set", veth, "master", self.bridge, "up")
                self._ip("-n", space, "addr", "add", f"{address}/24", "dev", "eth0")
                self._ip("-n", space, "link", "set", "eth0", "up")
                self._ip("-n", space, "link", "set", "lo", "up")
        except BaseException:
            self.__exit__()
            raise
        return self

    @staticmethod
    def _ip(*argv) -> None:
        subprocess.run(["ip", *argv], check=True, capture_output=True, timeout=30)

    def start(self, host: str, script: str, env: dict) -> subprocess.Popen:
        """``script`` in a shell on ``host``: its own mount and host-name namespaces, ``/etc``, ``/var`` and
        ``/opt`` overlaid, the package at /opt/jdpg/venv/bin/jdpg, /etc/jdpg/jdpg.env copied from the test."""
        root = self.tmp / host
        layers = []
        for folder in ("etc", "var", "opt"):
            (root / f"{folder}.up").mkdir(parents=True)
            (root / f"{folder}.work").mkdir()
            layers.append(f"mount -t overlay overlay -o lowerdir=/{folder},upperdir={root}/{folder}.up,"
                          f"workdir={root}/{folder}.work /{folder}")
        jdpg = f'#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m server "$@"\n'
        prepare = "\n".join([
            f"hostname host-{host.lower()}", *layers,
            "mount -t tmpfs -o mode=2775 tmpfs /run/postgresql && chown postgres:postgres /run/postgresql",
            f"mkdir -p /opt/jdpg/venv/bin && printf %s {shlex.quote(jdpg)} > /opt/jdpg/venv/bin/jdpg",
            "chmod 755 /opt/jdpg/venv/bin/jdpg",
            f"install -d -m 755 /etc/jdpg && install -m 600 {self.tmp}/jdpg.env /etc/jdpg/jdpg.env",
            f"cd {ROOT}", ""])
        log = open(root / "log", "ab")
        try:
            return subprocess.Popen(["ip", "netns", "exec", self.spaces[host], "unshare", "--mount", "--uts",
                                     "--propagation", "private", "sh", "-euc", prepare + script],
                                    env=env, stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()

    def enter(self, host: str, script: str, env: dict) -> subprocess.CompletedProcess:
        """``script`` on ``host`` as one more shell there (the mounts of its processes)."""
        anchor = min(self.pids(host))
        return subprocess.run(["nsenter", "--target", str(anchor), "--mount", "--uts", "--net", "--",
                               "sh", "-euc", f"cd {ROOT}\n" + script], env=env, capture_output=True, text=True,
                              timeout=120)

    def pids(self, host: str) -> list[int]:
        done = subprocess.run(["ip", "netns", "pids", self.spaces[host]], capture_output=True, text=True, timeout=30)
        return [int(pid) for pid in done.stdout.split()]

    def log(self, host: str) -> str:
        path = self.tmp / host / "log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def __exit__(self, *exc):
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            pids = [pid for host in self.spaces for pid in self.pids(host)]
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            gone, alive = psutil.wait_procs([p for p in map(_process, pids) if p], timeout=grace)
            if not alive:
                break
        for space in self.spaces.values():
            subprocess.run(["ip", "netns", "del", space], capture_output=True, timeout=30)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, timeout=30)
        for layer in self.tmp.glob("[ABC]/*.*"):       # the hosts' overlays (a database among them); logs kept
            shutil.rmtree(layer, ignore_errors=True)


def _process(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def _tls(tmp: Path) -> tuple[ssl.SSLContext, Path]:
    """A certificate for the robot stand-in's address, and the file that makes the hosts trust it."""
    key, cert = tmp / "robot.key", tmp / "robot.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=robot",
                    "-addext", f"subjectAltName=IP:{STANDINS}", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


def _shops(jos, store, robot_url: str) -> dict[int, str]:
    """``SHOPS`` shops (店000…) over two apps, each with one order newly at risk; every ``ROBOT_EVERY``-th
    has the robot. The last shop's token is one JD no longer knows. Shop id → its at-risk order."""
    now = datetime.now(BEIJING).replace(microsecond=0)
    for key, secret in APPS:
        jos.apps[key] = secret
    risky = {}
    with store.session() as session:
        for n in range(SHOPS):
            vender = str(50000 + n)
            stand_in = jos.shop(vender)
            order = f"7{n:05d}1"
            stand_in.orders[order] = make_order(order, now - timedelta(hours=45), vender=vender)
            stand_in.orders[f"7{n:05d}2"] = make_order(f"7{n:05d}2", now - timedelta(hours=2), vender=vender)
            key, secret = APPS[n % len(APPS)]
            access, _ = jos.issue_token(stand_in, timedelta(days=300))
            if n == SHOPS - 1:
                del jos.tokens[access]
            webhook = robot_url if n % ROBOT_EVERY == 0 else None
            shop = Shop(name=f"店{n:03d}", app_key=key, app_secret=store.vault.seal(secret),
                        access_token=store.vault.seal(access), state="ok",
                        token_expires_at=datetime.now(timezone.utc) + timedelta(days=300),
                        webhook=store.vault.seal(webhook) if webhook else None,
                        robot_kind="wecom" if webhook else None, created_at=datetime.now(timezone.utc))
            session.add(shop)
            session.flush()
            risky[shop.id] = order
        session.commit()
    return risky


def _wait(condition, seconds: float, what) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what()}")
        time.sleep(0.5)


def test_the_guides_three_machines_pull_every_shop_once_per_cycle_and_c_sees_their_health(tmp_path):
    blocks = guide_blocks()
    for unit, host in (("jdpg-worker@.service", "B"), ("jdpg-scheduler.service", "B"),
                       ("jdpg-worker@.service", "C"), ("jdpg.service", "C")):
        assert f"\n{exec_start(unit)} &\n" in blocks[host], (unit, host)   # the units' own commands
    secret_key, api_key = new_key(), secrets.token_urlsafe(32)
    settings = blocks["env"].replace("<the output of jdpg shops key>", secret_key) \
                            .replace("<the output of jdpg keys new>", api_key)
    env_file = dict(re.findall(r"^(JDPG_\w+)=(.*)$", settings, re.M))
    assert "<" not in settings and set(env_file) == {"JDPG_DATABASE_URL", "JDPG_WATCH_QUEUE", "JDPG_SECRET_KEY",
                                                     "JDPG_API_KEYS"}
    (tmp_path / "jdpg.env").write_text(settings)
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        context, certificate = _tls(tmp_path)
        with Hosts(tmp_path) as hosts, JosStandin(host=STANDINS) as jos, \
                Robot("wecom", host=STANDINS, tls=context) as robot:
            jos.delay = 0.05        # calls long enough for two of one app to overlap when allowed
            base = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
            watch_env = {**base, "JDPG_JOS_GATEWAY": jos.gateway, "JDPG_JOS_OAUTH": jos.url,
                         "JDPG_WATCH_DIGEST_AT": "off", "SSL_CERT_FILE": str(certificate)}

            a = hosts.start("A", blocks["A"], base)
            assert a.wait(timeout=120) == 0, hosts.log("A")
            store = open_store(env_file["JDPG_DATABASE_URL"], secret_key)  # from here, across the bridge, TLS
            try:
                with store.engine.connect() as connection:
                    assert connection.exec_driver_sql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").scalar()
                risky = _shops(jos, store, robot.url)
                for host in ("B", "C"):
                    started = hosts.start(host, blocks[host], {**watch_env, "JDPG_DATA_DIR": str(tmp_path / host / "data")})
                    assert started.wait(timeout=60) == 0, hosts.log(host)

                def pulls() -> dict[int, int]:
                    with store.session() as session:
                        return dict(session.execute(select(PullLog.shop_id, func.count()).group_by(PullLog.shop_id)).all())
                _wait(lambda: len(pulls()) == SHOPS, 90,
                      lambda: f"every shop pulled: {len(pulls())}; B: {hosts.log('B')}\nC: {hosts.log('C')}")

                # Seen from C, as the guide checks it (the API may still be starting).
                check_env = {**base, "SSL_CERT_FILE": str(certificate)}
                _wait(lambda: hosts.enter("C", blocks["C check"], check_env).returncode == 0, 60,
                      lambda: hosts.enter("C", blocks["C check"], check_env).stderr)
                seen = hosts.enter("C", blocks["C check"], check_env).stdout.splitlines()
                healthz, shops = json.loads(seen[0]), json.loads(seen[1])
                assert healthz["status"] == "ok" and healthz["queue"]["queue"] == "jdpg-watch"
                health = {shop["name"]: shop["health"] for shop in shops["shops"]}
                assert len(health) == SHOPS
                bad = health.pop(f"店{SHOPS - 1:03d}")
                assert (bad["last_ok_at"], bad["failures"]) == (None, 1) and "re-authorise" in bad["last_error"]
                assert all(h["last_ok_at"] and h["failures"] == 0 and h["lag_seconds"] < 900 for h in health.values())
                listed = "\n".join(seen[2:])
                assert listed.count(" | ok | ") == SHOPS - 1 and f"店{SHOPS - 1:03d} | reauthorise | " in listed

                # Stop the scheduler, let the queue drain: then every shop was pulled once per cycle claimed.
                (scheduler,) = [pid for pid in hosts.pids("B") if _process(pid) and
                                _process(pid).cmdline()[-2:] == ["server", "watch"]]
                os.kill(scheduler, signal.SIGTERM)
                psutil.Process(scheduler).wait(timeout=30)
                queue_url = env_file["JDPG_WATCH_QUEUE"]
                _wait(lambda: (lambda h: h["depth"] == 0 and h["running"] == 0)(queue_health(queue_url)), 60,
                      lambda: queue_health(queue_url))
                redis = connect(queue_url)
                cycles: dict[int, int] = {}
                for claim in redis.scan_iter("jdpg:claim:watch-*"):
                    shop_id = int(claim.decode().split("-")[1])
                    cycles[shop_id] = cycles.get(shop_id, 0) + 1
                assert set(cycles) == set(risky) and len(set(cycles.values())) == 1   # one cycle (two across a slot)
                assert pulls() == cycles                                               # once per cycle each
                by_host = {}
                for worker in Worker.all(connection=redis):
                    by_host[worker.name.split("-")[2]] = by_host.get(worker.name.split("-")[2], 0) + \
                        worker.successful_job_count
                assert set(by_host) == {"b", "c"} and all(by_host.values()), by_host   # both machines worked

                _wait(lambda: len(robot.messages) >= SHOPS // ROBOT_EVERY, 30, lambda: len(robot.messages))
                texts = [message["markdown"]["content"] for message in robot.messages]
                assert len(texts) == SHOPS // ROBOT_EVERY
                for shop_id, order in risky.items():
                    said = sum(order in text for text in texts)
                    assert said == (1 if (shop_id - min(risky)) % ROBOT_EVERY == 0 else 0), (shop_id, said)
                assert set(jos.most_in_flight) == {key for key, _ in APPS}
                assert max(jos.most_in_flight.values()) <= LIMIT                   # the per-app limit, across hosts
            finally:
                store.engine.dispose()
        for host in HOSTS:           # every process of the three ended, the namespaces gone
            assert subprocess.run(["ip", "netns", "pids", hosts.spaces[host]], capture_output=True).returncode != 0
