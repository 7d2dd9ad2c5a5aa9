"""The package as a merchant gets it: the wheel built from this checkout, installed into a fresh
venv, its ``jdpg`` command run from a folder outside the repository.

Offline: the wheel is built with the venv's own hatchling (``--no-build-isolation``), and the fresh
venv sees the already-installed dependencies through one ``.pth`` line, so pip resolves the wheel's
declared requirements against them (``--no-index``: nothing is downloaded, a missing or wrongly
pinned dependency fails the install).
"""
import json
import os
import re
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support import ROOT

LISTENING = re.compile(r"listening on (http://\S+)")


def pytest_configure(config):
    config.addinivalue_line("markers", "packaging: builds and installs the wheel (runs in the normal suite)")


@dataclass
class Installed:
    venv: Path
    python: Path
    jdpg: Path
    workdir: Path

    def env(self, **extra) -> dict:
        """The environment of a merchant's shell: no JDPG_* settings, no PYTHONPATH, plus ``extra``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("JDPG_") and k not in ("PYTHONPATH", "PORT")}
        env.update(extra)
        return env

    def run(self, *args, timeout=120, **env) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.jdpg), *args], cwd=self.workdir, env=self.env(**env), capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout)


def _pip(python, *args, env=None):
    done = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _pip(sys.executable, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(ROOT))
    (built,) = out.glob("jd_promo_guard-*.whl")  # a platform wheel where the compiled core builds (hatch_build.py)
    return built


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Installed:
    base = tmp_path_factory.mktemp("merchant")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "jdpg_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    _pip(python, "install", "--no-index", "-q", str(wheel))
    workdir = base / "work"
    workdir.mkdir()
    return Installed(venv, python, scripts / ("jdpg.exe" if os.name == "nt" else "jdpg"), workdir)


def demo_request(sample: dict) -> dict:
    """The annotate request the demo page sends for its sample orders."""
    return {"as_of": sample["as_of"], "orders": [item["order"] for item in sample["orders"]]}


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    """POST a JSON body; the status and the JSON answer, error statuses included."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A server in a child process; its output is read all along (a full pipe would stall it)."""

    def __init__(self, command: list, *, cwd, env):
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, encoding="utf-8", errors="replace")
        self.lines: list[str] = []
        self.url: str | None = None
        self.announced = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            match = LISTENING.search(line)
            if match and self.url is None:
                self.url = match.group(1)
                self.announced.set()
        self.announced.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@contextmanager
def running(command: list, *, cwd, env, url: str | None = None):
    """Start a server; yield its base URL (given, or read from its "listening on" line) once healthy."""
    server = ServerProcess(command, cwd=cwd, env=env)
    try:
        if url is None:
            assert server.announced.wait(60) and server.url, f"no 'listening on' line: {server.output}"
            url = server.url
        wait_for_health(url, server)
        yield url
    finally:
        server.stop()


def wait_for_health(url: str, server: ServerProcess, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited with {server.process.returncode}: {server.output}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url}/healthz did not answer within {timeout} s: {server.output}")
