"""One runtime list in two places (requirements.txt for ./run, pyproject.toml for pip/pipx), the
test tools apart, and the setup script installing the runtime for ./run and both for ./test."""
import os
import shutil
import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import ROOT

pytestmark = pytest.mark.packaging


def _listed(path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def _normal(text: str) -> tuple:
    requirement = Requirement(text)
    return canonicalize_name(requirement.name), str(requirement.specifier), str(requirement.marker or "")


def test_the_package_depends_on_exactly_the_runtime_requirements():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = {_normal(line) for line in _listed(ROOT / "requirements.txt")}
    assert runtime == {_normal(line) for line in pyproject["project"]["dependencies"]}
    assert all(specifier.startswith("==") for _, specifier, _ in runtime)
    assert ("gunicorn", "==27.0.1", 'sys_platform != "win32"') in runtime
    assert "waitress" in {name for name, _, _ in runtime}


def test_test_tools_are_not_runtime_requirements_and_the_build_backend_is_pinned_once():
    dev = _listed(ROOT / "requirements-dev.txt")
    assert dev[0] == "-r requirements.txt"
    tools = {_normal(line) for line in dev[1:]}
    runtime_names = {name for name, _, _ in map(_normal, _listed(ROOT / "requirements.txt"))}
    assert {"pytest", "hypothesis", "playwright", "schemathesis", "hatchling"} <= {name for name, _, _ in tools}
    assert not runtime_names & {name for name, _, _ in tools}
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert {_normal(line) for line in backend} <= tools


@pytest.fixture
def checkout(tmp_path):
    """A copy of the setup script beside two requirement lists and a venv whose pip only logs its calls."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup-python.sh", tmp_path / "scripts")
    (tmp_path / "requirements.txt").write_text("flask==3.1.3\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest==9.2.0\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, body in (("python", "exit 0"), ("pip", f'echo "$*" >> "{tmp_path}/pip.log"')):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return tmp_path


def _setup(checkout, *args) -> list[str]:
    subprocess.run(["bash", str(checkout / "scripts" / "setup-python.sh"), *args], check=True, timeout=30,
                   env={"PATH": os.environ["PATH"]})
    log = checkout / "pip.log"
    return log.read_text().splitlines() if log.exists() else []


def test_setup_installs_the_runtime_for_run_and_both_lists_for_test_each_once(checkout):
    assert _setup(checkout) == ["install -q --disable-pip-version-check -r requirements.txt"]
    assert len(_setup(checkout)) == 1, "an unchanged list is not installed again"
    assert _setup(checkout, "--dev")[-1].endswith("-r requirements-dev.txt")
    assert len(_setup(checkout, "--dev")) == 2
    (checkout / "requirements.txt").write_text("flask==3.1.3\nwaitress==3.0.2\n")
    assert _setup(checkout)[-1].endswith("-r requirements.txt")
    assert _setup(checkout, "--dev")[-1].endswith("-r requirements-dev.txt")
    assert len(_setup(checkout, "--dev")) == 4


def test_run_installs_the_runtime_only_and_test_installs_the_dev_list():
    assert "scripts/setup-python.sh\n" in (ROOT / "run").read_text()
    assert "scripts/setup-python.sh --dev\n" in (ROOT / "test").read_text()
