"""The two builds of the rules core (``shared.build``), for benchmarks measuring both in one run:
pure Python always, the compiled one when it is built from the current source."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def env(build: str, base: dict | None = None) -> dict:
    """The environment of a process running ``build`` ("pure" or "compiled")."""
    out = dict(os.environ if base is None else base)
    out.pop("JDPG_PURE_PYTHON", None)
    if build == "pure":
        out["JDPG_PURE_PYTHON"] = "1"
    return out


def available() -> tuple:
    """("pure", "compiled"), or ("pure",) where the compiled build is not built or is stale."""
    done = subprocess.run([sys.executable, "-c", "import shared; print(shared.BUILD)"], cwd=ROOT, env=env("compiled"),
                          capture_output=True, text=True, check=True)
    return ("pure", "compiled") if done.stdout.strip() == "compiled" else ("pure",)
