"""One runtime list in two places (requirements.txt for ./run, pyproject.toml for pip/pipx), the
test tools apart, and the setup script installing the runtime for ./run and both for ./test."""
import os
import shutil
import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support import ROOT

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
    (tmp_path / "requirements-compiled.txt").write_text("mypy==1.19.1\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    # python logs its calls too; it fails when BUILD_FAILS is set (the compiled core's build).
    for name, body in (("python", f'echo "python $*" >> "{tmp_path}/pip.log"; [ -z "$BUILD_FAILS" ]'),
                       ("pip", f'echo "$*" >> "{tmp_path}/pip.log"')):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return tmp_path


def _setup(checkout, *args, check=True, **env) -> list[str]:
    subprocess.run(["bash", str(checkout / "scripts" / "setup-python.sh"), *args], check=check, timeout=30,
                   env={"PATH": os.environ["PATH"], **env}, capture_output=True)
    log = checkout / "pip.log"
    return [line for line in log.read_text().splitlines() if not line.startswith("python")] if log.exists() else []


def _builds(checkout) -> int:
    return (checkout / "pip.log").read_text().count("python scripts/build_compiled.py")


def test_setup_installs_the_runtime_for_run_and_both_lists_for_test_each_once(checkout):
    assert _setup(checkout, JDPG_PURE_PYTHON="1") == ["install -q --disable-pip-version-check -r requirements.txt"]
    assert len(_setup(checkout, JDPG_PURE_PYTHON="1")) == 1, "an unchanged list is not installed again"
    assert _setup(checkout, "--dev", JDPG_PURE_PYTHON="1")[-1].endswith("-r requirements-dev.txt")
    assert len(_setup(checkout, "--dev", JDPG_PURE_PYTHON="1")) == 2
    (checkout / "requirements.txt").write_text("flask==3.1.3\nwaitress==3.0.2\n")
    assert _setup(checkout, JDPG_PURE_PYTHON="1")[-1].endswith("-r requirements.txt")
    assert _setup(checkout, "--dev", JDPG_PURE_PYTHON="1")[-1].endswith("-r requirements-dev.txt")
    assert len(_setup(checkout, "--dev", JDPG_PURE_PYTHON="1")) == 4
    assert _builds(checkout) == 0


def test_setup_builds_the_compiled_core_unless_turned_off_and_only_ci_stops_when_it_fails(checkout):
    assert _setup(checkout)[-1].endswith("-r requirements-compiled.txt")
    assert _builds(checkout) == 1
    assert len(_setup(checkout)) == 2 and _builds(checkout) == 2, "the build script itself skips a current build"
    assert len(_setup(checkout, BUILD_FAILS="1")) == 2  # not built here: pure Python, ./run goes on
    with pytest.raises(subprocess.CalledProcessError):
        _setup(checkout, BUILD_FAILS="1", CI="true")


def test_run_installs_the_runtime_only_and_test_installs_the_dev_list():
    assert "scripts/setup-python.sh\n" in (ROOT / "run").read_text()
    assert "scripts/setup-python.sh --dev\n" in (ROOT / "test").read_text()
