"""The hostile-input suite: every test in this folder is one hostile input (parametrize one case per
input), marked ``hostile`` here, and counted at the end of the run: "hostile inputs: tried N, held M".

A case that passes held; one that fails or errors did not; a known open case marked
``xfail(strict=True, reason="owner: …")`` is counted as tried and not held, and listed as known.
Add a file here (``test_<area>.py``) and its cases are counted with no more to do.
"""
from pathlib import Path

import pytest

from tests.support.servers import Gunicorn

HERE = Path(__file__).resolve().parent
_outcomes: dict = {}


def _is_hostile(path) -> bool:
    return HERE in Path(str(path)).resolve().parents


def pytest_configure(config):
    config.addinivalue_line("markers", "hostile: one hostile input (tests/hostile/); counted in the run's summary")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_hostile(item.path):
            item.add_marker(pytest.mark.hostile)


def pytest_runtest_logreport(report):
    if report.when == "call":
        outcome = "known" if hasattr(report, "wasxfail") else report.outcome
    elif report.failed:
        outcome = "failed"
    elif report.skipped and report.when == "setup":
        outcome = "skipped"
    else:
        return
    if _outcomes.get(report.nodeid) in (None, "passed"):
        _outcomes[report.nodeid] = outcome


def pytest_terminal_summary(terminalreporter):
    if not _outcomes:
        return
    tried = sum(1 for o in _outcomes.values() if o != "skipped")
    held = sum(1 for o in _outcomes.values() if o == "passed")
    known = sum(1 for o in _outcomes.values() if o == "known")
    line = f"hostile inputs: tried {tried}, held {held}"
    if known:
        line += f" ({known} known open, marked xfail)"
    terminalreporter.write_sep("-", "hostile inputs")
    terminalreporter.write_line(line, green=held == tried, red=held != tried)


@pytest.fixture(scope="session")
def hostile_api(tmp_path_factory):
    """The API as production runs it: gunicorn, two workers, no keys, loopback. Body limit 8 MiB."""
    with Gunicorn(tmp_path_factory.mktemp("hostile-api"), workers=2, timeout=20,
                  JDPG_RATE_LIMIT="100000 per minute", JDPG_MAX_BODY_BYTES=str(8 * 1024 * 1024)) as server:
        yield server
