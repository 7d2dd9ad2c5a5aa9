"""Real servers for the hostile-input, security and fault tests: Debian's redis-server and gunicorn,
each started on a free loopback port and stopped (by its own pid) when the test is done."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests
from tests.support import ROOT

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


class RedisServer:
    """``redis-server`` on 127.0.0.1 and a free port, with nothing written to disk."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp = tmp

    def __enter__(self):
        import redis
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.tmp), "--protected-mode", "yes"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        self.client = client
        return self

    def stop(self) -> None:
        _stop(self.process)

    def __exit__(self, *exc):
        self.stop()


class Gunicorn:
    """``gunicorn -w N 'server.app:create_app()'`` on 127.0.0.1 and a free port, settings from ``env``.
    Its stderr (gunicorn's log and the app's request lines) goes to ``self.log``."""

    def __init__(self, tmp: Path, workers: int = 2, timeout: int = 30, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"gunicorn-{self.port}.log"
        self.workers = workers
        self.timeout = timeout
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}

    def __enter__(self):
        self._log_file = open(self.log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", str(self.timeout), "--graceful-timeout", "5", "server.app:create_app()"],
            cwd=ROOT, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200 and \
                        len(self.worker_pids()) == self.workers:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__(None, None, None)
                raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)

    def worker_pids(self) -> list:
        try:
            return [c.pid for c in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def log_text(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def __exit__(self, *exc):
        workers = self.worker_pids()
        _stop(self.process)
        for pid in workers:
            try:
                psutil.Process(pid).wait(timeout=10)
            except psutil.NoSuchProcess:
                pass
            except psutil.TimeoutExpired:
                os.kill(pid, signal.SIGKILL)
        self._log_file.close()
