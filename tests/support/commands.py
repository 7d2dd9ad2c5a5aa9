"""Commands run as a merchant runs them: a real ``python -m server …`` process from the checkout."""
import os
import resource
import subprocess
import sys

from . import ROOT


def jdpg(*args, cwd=ROOT, env=None, timeout=120, memory_limit=None, **kwargs) -> subprocess.CompletedProcess:
    """``jdpg *args`` (as ``python -m server``), its output captured as text. ``env``: the whole
    environment (default: this one, with the checkout on ``PYTHONPATH``); ``memory_limit``: bytes
    of address space the process may use."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return subprocess.run([sys.executable, "-m", "server", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env if env is not None else {**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=timeout, preexec_fn=limit if memory_limit else None, **kwargs)
