"""Build the optional compiled rules core: every module of ``shared/`` compiled by mypyc (the
pinned ``mypy`` of requirements-dev.txt), from the same source, into ``shared/_compiled/``.

``shared/__init__.py`` puts that folder first on the package's path when it is there, built
from the current source, and ``JDPG_PURE_PYTHON`` is not ``1``; anywhere else the same package
runs as pure Python. The ``.py`` files are never shadowed in place, so turning the build off is
an environment variable, not a rebuild.

    python scripts/build_compiled.py            # build when the source changed since the last build
    python scripts/build_compiled.py --force    # build again

Every module of ``shared/`` but ``shared.build.NEVER_COMPILED`` (the package ``__init__`` files,
which choose the build, and a few named there with the reason) is compiled; a module mypyc cannot compile fails the build, naming it, never falls back quietly.
Exit status: 0 built or current, 1 the build failed, 2 no C compiler or no mypyc here.
"""
import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["JDPG_PURE_PYTHON"] = "1"  # this script reads the source, never a (stale) build of it

from shared.build import COMPILED_DIR, GROUP, SOURCE_DIGEST_FILE, compiled_modules, source_digest  # noqa: E402

# What the type check lets pass in the compiled build. mypyc checks a value where it meets a
# declared type and raises TypeError when it is not one, so none of these can go wrong quietly:
# they leave a value's type ``Any`` (an ``Order`` made by make_dataclass, a dict whose value
# types vary), or are arguments mypy cannot see are set (a rule returns early when they are not).
# ``assignment`` and ``return-value`` stay errors: an annotation or an inferred type that is
# wrong would be a TypeError at run time in the compiled build only.
ALLOWED_ERROR_CODES = ("var-annotated", "valid-type", "attr-defined", "operator", "index", "call-overload", "misc",
                       "union-attr", "has-type", "call-arg", "arg-type")


def _setup_script(modules: list, build_lib: Path) -> str:
    return f"""
from setuptools import setup
from mypyc.build import mypycify
setup(name="jdpg-compiled-core", packages=[], ext_modules=mypycify(
    {[str(p) for p in modules]!r} + ["--config-file", {str(build_lib / "mypy.ini")!r}],
    opt_level="3", group_name={GROUP!r}, target_dir={str(build_lib / "c")!r}))
"""


def _mypy_config(build_lib: Path) -> None:
    (build_lib / "mypy.ini").write_text(
        "[mypy]\npython_version = 3.11\nfollow_imports = silent\nignore_missing_imports = True\n"
        f"disable_error_code = {', '.join(ALLOWED_ERROR_CODES)}\n", encoding="utf-8")


def build(force: bool = False) -> int:
    digest = source_digest()
    target = COMPILED_DIR
    if not force and (target / SOURCE_DIGEST_FILE).is_file() \
            and (target / SOURCE_DIGEST_FILE).read_text(encoding="utf-8") == digest:
        print(f"compiled core: current ({target.relative_to(ROOT)})")
        return 0
    if sysconfig.get_config_var("CC") is None and shutil.which("cc") is None:
        print("compiled core: no C compiler here; the rules core runs as pure Python", file=sys.stderr)
        return 2
    try:
        import mypyc  # noqa: F401
    except ImportError:
        print("compiled core: mypyc (requirements-dev.txt's mypy) is not installed; pure Python", file=sys.stderr)
        return 2
    modules = compiled_modules()
    with tempfile.TemporaryDirectory(prefix="jdpg-mypyc-") as tmp:
        work = Path(tmp)
        _mypy_config(work)
        (work / "setup.py").write_text(_setup_script(modules, work), encoding="utf-8")
        out = work / "lib"
        done = subprocess.run([sys.executable, str(work / "setup.py"), "-q", "build_ext", "--build-lib", str(out),
                               "--build-temp", str(work / "temp")], cwd=work, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-6000:], done.stderr[-6000:], sep="\n", file=sys.stderr)
            print("compiled core: the build FAILED (above: the module and line mypyc could not compile)",
                  file=sys.stderr)
            return 1
        built = {p.relative_to(out) for p in out.rglob("*") if p.suffix in (".so", ".pyd")}
        missing = [m for m in modules if not any(b.parts[:-1] == m.relative_to(ROOT).parts[:-1]
                                                 and b.name.split(".")[0] == m.stem for b in built)]
        if missing:
            print(f"compiled core: the build FAILED: not compiled: {[str(m.relative_to(ROOT)) for m in missing]}",
                  file=sys.stderr)
            return 1
        staged = target.with_name(target.name + ".new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(out, staged)
        (staged / SOURCE_DIGEST_FILE).write_text(digest, encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staged, target)
    print(f"compiled core: built {len(modules)} modules into {target.relative_to(ROOT)}")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="build even when the source is unchanged")
    args = parser.parse_args()
    sys.exit(build(args.force))


if __name__ == "__main__":
    main()
