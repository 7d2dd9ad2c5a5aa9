"""The wheel's build hook: the compiled rules core inside the wheel where it can be built.

On Linux and macOS with a C compiler, ``pip install .`` (or ``python -m build --wheel``) runs
``scripts/build_compiled.py`` with the pinned mypyc of requirements-compiled.txt and ships
``shared/_compiled/`` in a platform wheel (cp311-…-linux_x86_64 and the like); anywhere else, or
with ``JDPG_PURE_PYTHON=1``, the wheel is pure Python (py3-none-any) and installs everywhere,
Windows without a compiler included. ``JDPG_REQUIRE_COMPILED=1`` (a release's wheel builds, CI)
turns a failed compile into a failed build instead of a pure wheel. docs/deployment.md: releases.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _compiler() -> bool:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(cc) is not None


class CompiledCoreHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def _wanted(self) -> bool:
        return self.target_name == "wheel" and os.environ.get("JDPG_PURE_PYTHON") != "1" \
            and sys.platform != "win32" and _compiler()

    def dependencies(self) -> list[str]:
        if not self._wanted():
            return []
        listed = (Path(self.root) / "requirements-compiled.txt").read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in listed if line.strip() and not line.startswith("#")]

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable" or not self._wanted():
            return
        done = subprocess.run([sys.executable, "scripts/build_compiled.py"], cwd=self.root)
        if done.returncode != 0:
            if os.environ.get("JDPG_REQUIRE_COMPILED") == "1":
                raise RuntimeError("the compiled rules core did not build (above)")
            print("jd-promo-guard: a pure-Python wheel (the compiled core did not build here)", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        build_data["force_include"][str(Path(self.root) / "shared" / "_compiled")] = "shared/_compiled"
