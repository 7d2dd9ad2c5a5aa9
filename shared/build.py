"""Which build of the rules core runs: the compiled one (``scripts/build_compiled.py``) or pure Python.

The compiled modules live apart from the source, in ``shared/_compiled/`` (never beside the
``.py`` files, which they would always shadow). ``shared/__init__.py`` and
``shared/rules/__init__.py`` put that folder first on their package's path when it is there,
was built from the current source, and ``JDPG_PURE_PYTHON`` is not ``1``: the same import
statements then load the compiled modules. This module and the ``__init__`` files are never
compiled (they choose the build); data files are found beside the source (``DATA_DIR``).
"""
import hashlib
import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
COMPILED_DIR = PACKAGE_DIR / "_compiled"
SOURCE_DIGEST_FILE = "SOURCE-SHA256"
# mypyc's shared library of the build, imported by each compiled module as shared._core__mypyc.
GROUP = "shared._core"
# Modules left as Python: the ``__init__`` files and this one choose the build; ``options.py``
# checks what callers pass against its fields' declared types in ``__post_init__``, and a compiled
# dataclass would refuse a wrong type before that check could name it (it runs once a request).
NEVER_COMPILED = ("__init__.py", "build.py", "options.py")
PURE_SWITCH = "JDPG_PURE_PYTHON"


def compiled_modules() -> list[Path]:
    """The source files the compiled build holds: every module of the package but ``NEVER_COMPILED``."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py")
                  if p.name not in NEVER_COMPILED and COMPILED_DIR not in p.parents)


def source_digest() -> str:
    """The SHA-256 of every module's source and the Python it is built for: a compiled build
    whose digest differs is stale and is not used."""
    digest = hashlib.sha256(sys.version.encode())
    for path in compiled_modules():
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _compiled_root() -> Path | None:
    """``shared/_compiled`` when it is to be used, else None (pure Python)."""
    if os.environ.get(PURE_SWITCH) == "1":
        return None
    stamp = COMPILED_DIR / SOURCE_DIGEST_FILE
    if not stamp.is_file():
        return None
    if stamp.read_text(encoding="utf-8") != source_digest():
        print("JD Promo Guard: the compiled rules core is older than its source; running pure Python "
              "(rebuild: python scripts/build_compiled.py)", file=sys.stderr)
        return None
    return COMPILED_DIR


_ROOT = _compiled_root()
BUILD = "pure" if _ROOT is None else "compiled"


def compiled_path(*package: str) -> list[str]:
    """What to put first on the ``__path__`` of ``shared`` (or ``shared.<package>``)."""
    return [] if _ROOT is None else [str(_ROOT.joinpath("shared", *package))]
