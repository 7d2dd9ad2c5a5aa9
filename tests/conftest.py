"""Shared fixtures: the real API on a loopback port."""
import os

import pytest
from werkzeug.serving import make_server

import shared
from server.app import create_app
from server.config import Settings
from standins.serving import ServedInThread



@pytest.fixture(autouse=True, scope="session")
def _data_dir_of_the_run(tmp_path_factory):
    """``JDPG_DATA_DIR`` (where the robot client shares its send counts, server.robots) is a folder
    of the run's, for the tests and the commands they start: never the user's own."""
    previous = os.environ.get("JDPG_DATA_DIR")
    os.environ["JDPG_DATA_DIR"] = str(tmp_path_factory.mktemp("data-dir"))
    yield
    if previous is None:
        os.environ.pop("JDPG_DATA_DIR", None)
    else:
        os.environ["JDPG_DATA_DIR"] = previous


class LiveServer(ServedInThread):
    """A real Flask server on 127.0.0.1 and an ephemeral port, in a thread."""

    def __init__(self, settings: Settings):
        self.app = create_app(settings)
        self._serve(make_server("127.0.0.1", 0, self.app, threaded=True))
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture(scope="session")
def live_api():
    """Base URL of a real API server with the built-in defaults and a generous rate limit."""
    with LiveServer(Settings.from_env(env={}, rate_limit="100000 per minute")) as live:
        yield live.url


@pytest.fixture
def live_server_factory():
    """Start extra real servers with their own settings; all are stopped after the test."""
    started = []

    def start(**overrides) -> LiveServer:
        live = LiveServer(Settings.from_env(env={}, **overrides)).__enter__()
        started.append(live)
        return live

    yield start
    for live in started:
        live.__exit__(None, None, None)


def pytest_configure(config):
    """On the compiled core, failures are shown as Python's own tracebacks: pytest's would stop at
    a compiled generator's frame, which has no line number (shared.build)."""
    if shared.BUILD == "compiled" and config.option.tbstyle == "auto":
        config.option.tbstyle = "native"


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failed test: the browser and Node parts must really run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and __import__("os").environ.get("CI") and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; failing the run", red=True)
        session.exitstatus = 1
