"""The two builds of the rules core: which one runs, and that CI runs the compiled one.

``./test`` runs the whole suite on the compiled build when it is built (in CI it must be:
``scripts/setup-python.sh``), then ``tests/unit`` (the core and rule-book tests) again with
``JDPG_PURE_PYTHON=1``."""
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import shared
from shared import build

ROOT = Path(__file__).resolve().parent.parent.parent
PURE = os.environ.get("JDPG_PURE_PYTHON") == "1"


def _loaded_from(module: str) -> Path:
    return Path(importlib.import_module(module).__file__)


def _module_names() -> list[str]:
    return [".".join(("shared", *p.relative_to(build.PACKAGE_DIR).with_suffix("").parts))
            for p in build.compiled_modules()]


def test_ci_runs_each_module_of_the_core_compiled_unless_told_not_to():
    names = _module_names()
    assert "shared.annotate" in names and "shared.rules.shipping" in names and "shared.build" not in names
    if PURE:
        assert shared.BUILD == "pure"
        assert [n for n in names if _loaded_from(n).suffix != ".py"] == []
    elif os.environ.get("CI") == "true" or shared.BUILD == "compiled":
        assert shared.BUILD == "compiled"
        assert [n for n in names if build.COMPILED_DIR not in _loaded_from(n).parents] == []


def test_data_files_are_found_beside_the_source_whichever_build_runs():
    from shared.vocabulary import VOCABULARY_FILE
    assert VOCABULARY_FILE == ROOT / "shared" / "data" / "vocabulary.toml" and VOCABULARY_FILE.is_file()


def _import_in(copy: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import shared, shared.annotate as a; print(shared.BUILD, a.__file__)"],
                          cwd=copy, env={"PATH": os.environ["PATH"], **env}, capture_output=True, text=True,
                          timeout=60)


def test_a_compiled_build_older_than_its_source_or_turned_off_is_not_used(tmp_path):
    shutil.copytree(ROOT / "shared", tmp_path / "shared", ignore=shutil.ignore_patterns("_compiled", "__pycache__"))
    compiled = tmp_path / "shared" / "_compiled"
    (compiled / "shared" / "rules").mkdir(parents=True)
    sys.path.insert(0, str(tmp_path))  # the copy's digest, as its own build module works it out
    try:
        spec = importlib.util.spec_from_file_location("copy_build", tmp_path / "shared" / "build.py")
        copy_build = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(copy_build)
        digest = copy_build.source_digest()
    finally:
        sys.path.remove(str(tmp_path))
    (compiled / build.SOURCE_DIGEST_FILE).write_text(digest)
    done = _import_in(tmp_path, {})
    assert done.stdout.split()[0] == "compiled" and done.stderr == ""  # current: used (this copy holds no modules)
    assert _import_in(tmp_path, {"JDPG_PURE_PYTHON": "1"}).stdout.split()[0] == "pure"
    source = tmp_path / "shared" / "rules" / "shipping.py"
    source.write_text(source.read_text() + "\n# changed\n")
    done = _import_in(tmp_path, {})
    assert done.stdout.split() == ["pure", str(tmp_path / "shared" / "annotate.py")]
    assert "older than its source" in done.stderr
