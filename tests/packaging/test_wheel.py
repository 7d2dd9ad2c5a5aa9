"""The wheel installed into a fresh venv serves the API and annotates a file, with no checkout."""
import json
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from server.app import create_app
from server.config import Settings

from standins.group_robots import Robot

from tests.support import ROOT

from .conftest import _pip, demo_request, post_json, running

pytestmark = pytest.mark.packaging

AS_OF = "2022-06-20 12:00:00"
COMMANDS = ("serve", "annotate", "digest", "sheets", "keys", "shops", "watch")


def extension_files() -> list[Path]:
    """The extension's files the demo page may load: its content scripts and styles, and the common modules."""
    return sorted(path for folder in ("content", "common") for path in (ROOT / "extension" / folder).iterdir()
                  if path.is_file())


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return response.read()


def test_the_wheel_carries_the_rules_the_campaigns_and_the_demo_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {p.relative_to(ROOT).as_posix() for p in (ROOT / "shared" / "data").rglob("*") if p.is_file()}
    assert data and data <= names
    shipped_from_extension = {f"server/demo/extension/{path.relative_to(ROOT / 'extension').as_posix()}"
                              for path in extension_files()}
    assert "server/demo/extension/content/badges.css" in shipped_from_extension
    assert "server/demo/extension/manifest.json" in names
    assert shipped_from_extension <= names
    assert {"server/demo/static/index.html", "server/demo/sample_orders.json"} <= names
    migrations = {p.relative_to(ROOT).as_posix() for p in (ROOT / "watch" / "migrations").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts}
    assert "watch/migrations/versions/0001_first_tables.py" in migrations and migrations <= names
    assert not any(name.startswith(("tests/", "sheets_addon/apps_script/")) for name in names)


def test_the_installed_package_is_imported_from_the_venv_not_the_checkout(installed):
    done = subprocess.run([str(installed.python), "-c", "import server, shared, sheets_addon; "
                           "print(server.__file__, shared.__file__, sheets_addon.__file__)"],
                          cwd=installed.workdir, env=installed.env(), capture_output=True, text=True, check=True)
    for path in done.stdout.split():
        assert path.startswith(str(installed.venv)), path
    pip_check = subprocess.run([str(installed.python), "-m", "pip", "check"], env=installed.env(),
                               capture_output=True, text=True)
    assert pip_check.returncode == 0, pip_check.stdout


def test_a_platform_wheel_runs_its_compiled_core_and_a_pure_one_pure_python(wheel, installed):
    """hatch_build.py ships the compiled core where it builds (a platform wheel), else none."""
    platform = not wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.startswith("shared/_compiled/shared/rules/") for name in names) == platform
    done = subprocess.run([str(installed.python), "-c", "import shared; print(shared.BUILD)"], cwd=installed.workdir,
                          env=installed.env(), capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ("compiled" if platform else "pure"), done.stderr
    assert done.stderr == ""  # not a stale build


def test_with_the_compiled_core_turned_off_the_wheel_is_pure_python_for_every_platform(tmp_path):
    """As on Windows, or wherever no C compiler is: the same package, installable anywhere."""
    _pip(sys.executable, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(tmp_path), str(ROOT),
         env={**os.environ, "JDPG_PURE_PYTHON": "1"})
    (built,) = tmp_path.glob("jd_promo_guard-*.whl")
    assert built.name.endswith("-py3-none-any.whl")
    assert not any("_compiled" in name for name in zipfile.ZipFile(built).namelist())


def test_jdpg_help_lists_every_command(installed):
    done = installed.run("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: jdpg")
    for command in COMMANDS:
        assert f"\n    {command} " in done.stdout, command


def test_jdpg_annotate_writes_an_annotated_copy_outside_the_repo(installed):
    source = installed.workdir / "订单导出.csv"
    shutil.copyfile(ROOT / "samples" / "jd_orders_export.csv", source)
    before = source.read_bytes()
    done = installed.run("annotate", source.name, "-o", "annotated.xlsx", "--platform", "jingxi", "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert source.read_bytes() == before
    sheet = load_workbook(installed.workdir / "annotated.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "订单号" and any(str(title).startswith("JDPG") for title in header)
    assert len(rows) == len(before.decode("gbk").splitlines())


def test_the_installed_watch_migrates_a_new_store_and_watches_a_shop(installed):
    """The wheel's watch: its Alembic migrations make the store, a shop is added and pulled."""
    from standins.jos import APP_KEY, APP_SECRET, JosStandin
    key = installed.run("shops", "key").stdout.strip()
    data = installed.workdir / "watch-data"
    with JosStandin() as jos:
        token, _ = jos.issue_token(jos.shop())
        env = {"JDPG_DATA_DIR": str(data), "JDPG_SECRET_KEY": key, "JDPG_JOS_GATEWAY": jos.gateway,
               "JDPG_JOS_OAUTH": jos.url}
        added = installed.run("shops", "add", "店", "--app-key", APP_KEY, "--app-secret", APP_SECRET,
                              "--access-token", token, "--expires-in", "86400", **env)
        assert added.returncode == 0, added.stderr
        done = installed.run("watch", "--once", **env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("店: ok") and (data / "watch.sqlite3").is_file()


def test_jdpg_digest_posts_the_export_files_digest_to_a_group_robot(installed):
    source = installed.workdir / "digest.csv"
    shutil.copyfile(ROOT / "samples" / "jd_orders_export.csv", source)
    with Robot("wecom") as robot:
        done = installed.run("digest", source.name, "--webhook", robot.url, "--kind", "wecom", "--platform", "jingxi",
                             "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    (message,) = robot.messages
    assert "超时" in message["markdown"]["content"]


def test_jdpg_serve_answers_health_the_demo_page_and_an_annotation(installed):
    with running([str(installed.jdpg), "serve", "--port", "0"], cwd=installed.workdir, env=installed.env()) as url:
        health = json.loads(_get(f"{url}/healthz"))
        assert health["status"] == "ok" and health["campaigns"] > 0
        page = _get(f"{url}/").decode()
        assert "/demo/ext/badges.css" in page
        for path in extension_files():
            served = path.relative_to(ROOT / "extension" / "content") if path.parent.name == "content" else \
                Path("common") / path.name
            assert _get(f"{url}/demo/ext/{served.as_posix()}") == path.read_bytes(), path
        body = demo_request(json.loads(_get(f"{url}/demo/sample-orders.json")))
        status, answer = post_json(f"{url}/api/v1/orders/annotate", body)
        assert status == 200, answer
        assert answer == create_app(Settings.from_env(env={})).test_client().post("/api/v1/orders/annotate", json=body).get_json()
        assert {r["ship"]["status"] for r in answer["results"] if r["ship"]} >= {"shipped_late", "pending", "overdue"}


# What Linux has and Windows' (or macOS') os and signal modules lack: the commands must start without them.
LINUX_ONLY = {"os": ("sched_getaffinity", "sched_setaffinity", "fork", "forkpty", "getloadavg", "memfd_create"),
              "signal": ("SIGHUP", "SIGPIPE", "SIGALRM", "SIGUSR1", "SIGCHLD", "SIGKILL")}
WITHOUT_LINUX = ("import os, signal, sys\n"
                 f"for module, names in {LINUX_ONLY!r}.items():\n"
                 "    for name in names:\n"
                 "        if hasattr(sys.modules[module], name): delattr(sys.modules[module], name)\n"
                 "from server.__main__ import main\n"
                 "sys.argv[0] = 'jdpg'\n"
                 "sys.exit(main(sys.argv[1:]))\n")


@pytest.mark.parametrize("command", [*COMMANDS, "keys new"])
def test_every_command_starts_without_linux_only_functions(installed, command):
    done = subprocess.run([str(installed.python), "-c", WITHOUT_LINUX, *command.split(), "--help"],
                          cwd=installed.workdir, env=installed.env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: ")


def test_a_bad_setting_stops_serve_with_one_line_naming_it(installed):
    done = installed.run("serve", "--port", "0", JDPG_MAX_ORDERS="lots", timeout=60)
    assert done.returncode == 2
    assert "JDPG_MAX_ORDERS" in done.stderr and "Traceback" not in done.stderr
