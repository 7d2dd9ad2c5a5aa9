"""The documented production commands (docs/deployment.md, deploy/jdpg.service) with a key made by
``jdpg keys new``: health, an authorised annotation, 401 without the key, and the reverse proxy's
forwarded headers believed only from the trusted proxy. Run from the installed wheel."""
import json
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request

import pytest

from tests.support import ROOT

from .conftest import demo_request, free_port, post_json, running

pytestmark = pytest.mark.packaging

UNIT = ROOT / "deploy" / "jdpg.service"
ENV_EXAMPLE = ROOT / "deploy" / "jdpg.env.example"
GUIDE = ROOT / "docs" / "deployment.md"
SAMPLE = json.loads((ROOT / "server" / "demo" / "sample_orders.json").read_text(encoding="utf-8"))
PUBLIC = "jdpg.example.com"


@pytest.fixture(scope="module")
def key(installed):
    done = installed.run("keys", "new")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def documented_exec_start(installed, port: int) -> list:
    """The unit's ExecStart, with the installed command and a free port."""
    (line,) = [line for line in UNIT.read_text().splitlines() if line.startswith("ExecStart=")]
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[0] == "/opt/jdpg/venv/bin/jdpg" and argv[argv.index("--port") + 1] == "8000"
    argv[0] = str(installed.jdpg)
    argv[argv.index("--port") + 1] = str(port)
    return argv


def example_env(key: str) -> dict:
    """deploy/jdpg.env.example's settings, the key pasted where it says."""
    settings = dict(line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines()
                    if line and not line.startswith("#"))
    assert settings["JDPG_API_KEYS"] == "paste-the-output-of-jdpg-keys-new-here"
    return {**settings, "JDPG_API_KEYS": key}


def annotate(url, **headers):
    return post_json(f"{url}/api/v1/orders/annotate", demo_request(SAMPLE), headers)


def assert_keys_are_required(url, key):
    health = json.loads(urllib.request.urlopen(f"{url}/healthz", timeout=10).read())
    assert health["status"] == "ok"
    status, answer = annotate(url)
    assert (status, answer["error"]["code"]) == (401, "unauthorized")
    assert annotate(url, Authorization="Bearer wrong-key")[0] == 401
    status, answer = annotate(url, Authorization=f"Bearer {key}")
    assert status == 200 and len(answer["results"]) == len(SAMPLE["orders"])
    assert annotate(url, **{"X-API-Key": key})[1] == answer


def test_keys_new_prints_a_fresh_url_safe_key_and_how_to_set_it(installed, key):
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    again = installed.run("keys", "new")
    assert again.stdout.strip() != key
    assert f'$env:JDPG_API_KEYS="{again.stdout.strip()}"' in again.stderr
    assert f"export JDPG_API_KEYS={again.stdout.strip()}" in again.stderr


def test_production_refuses_to_start_without_keys(installed):
    done = installed.run("serve", "--production", "--port", "0", timeout=60)
    assert done.returncode == 2 and "JDPG_API_KEYS" in done.stderr and "jdpg keys new" in done.stderr


def test_the_documented_waitress_service_serves_with_a_key_behind_its_proxy(installed, key):
    port = free_port()
    command = documented_exec_start(installed, port)
    with running(command, cwd=installed.workdir, env=installed.env(**example_env(key))) as url:
        assert url == f"http://127.0.0.1:{port}"
        assert_keys_are_required(url, key)
        proxied = {"Host": PUBLIC, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                   "Authorization": f"Bearer {key}"}
        # The page at https://jdpg.example.com calling its own API: same origin once the proxy's headers count.
        assert annotate(url, Origin=f"https://{PUBLIC}", **proxied)[0] == 200
        assert annotate(url, Origin="https://elsewhere.example", **proxied)[1]["error"]["code"] == "origin_not_allowed"


def test_forwarded_headers_count_only_from_the_trusted_proxy(installed, key):
    with running([str(installed.jdpg), "serve", "--production", "--port", "0"], cwd=installed.workdir,
                 env=installed.env(JDPG_API_KEYS=key)) as url:
        headers = {"Host": PUBLIC, "X-Forwarded-Proto": "https", "Authorization": f"Bearer {key}"}
        assert annotate(url, Origin=f"https://{PUBLIC}", **headers)[0] == 403
        assert annotate(url, Origin=f"http://{PUBLIC}", **headers)[0] == 200


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on Linux and macOS only")
def test_the_guides_gunicorn_command_serves_with_a_key(installed, key):
    (documented,) = set(re.findall(r"`(gunicorn [^`]+)`", GUIDE.read_text(encoding="utf-8")))
    argv = shlex.split(documented)
    assert argv[argv.index("-b") + 1] == "127.0.0.1:8000"
    port = free_port()
    argv[argv.index("-b") + 1] = f"127.0.0.1:{port}"
    command = [str(installed.python), "-m", *argv]
    with running(command, cwd=installed.workdir, env=installed.env(JDPG_API_KEYS=key),
                 url=f"http://127.0.0.1:{port}") as url:
        assert_keys_are_required(url, key)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is Linux's (package systemd)")
@pytest.mark.parametrize("unit_name", ["jdpg.service", "jdpg-worker@.service", "jdpg-scheduler.service"])
def test_systemd_accepts_the_unit(installed, key, tmp_path, unit_name):
    env_file = tmp_path / "jdpg.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in example_env(key).items()))
    unit = tmp_path / unit_name.replace("@.", "@1.")
    unit.write_text((UNIT.parent / unit_name).read_text().replace("/opt/jdpg/venv/bin/jdpg", str(installed.jdpg))
                    .replace("/etc/jdpg/jdpg.env", str(env_file)))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
