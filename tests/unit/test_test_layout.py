"""The tests' own layout: what test modules share lives in tests/support, and no test module
imports another test module (a test module is a file pytest collects, test_*.py)."""
import ast

from tests.support import ROOT

TESTS = ROOT / "tests"


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")
            for alias in node.names:
                yield ("." * node.level) + (node.module + "." if node.module else "") + alias.name
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_test_module_imports_another():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for name in _imported_modules(path):
            if any(part.startswith("test_") for part in name.lstrip(".").split(".")):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == [], "\n".join(offenders)


def test_no_test_module_works_out_the_repository_root_itself():
    own = "Path(__file__).resolve()" + ".parents[2]"
    defining = [str(path.relative_to(ROOT)) for path in sorted(TESTS.rglob("*.py"))
                if "support" not in path.parts and own in path.read_text(encoding="utf-8")]
    assert defining == [], "use tests.support.ROOT"
