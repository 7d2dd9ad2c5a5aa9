"""Rewrite the golden replay's expected results (``tests/unit/golden/expected.json.gz``) from
what the core answers now, after a rule, a word or the contract changed on purpose; says which
batches changed and where each first differs, so the change can be checked to be the one meant.
The corpus itself is never rewritten (``tests/support/golden.py`` says what it holds).

    .venv/bin/python scripts/regenerate_golden.py            # rewrite, listing the changes
    .venv/bin/python scripts/regenerate_golden.py --check    # only list them; exit 1 if any
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import golden  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="list the changes without rewriting")
    args = parser.parse_args()
    got = golden.replay(golden.read(golden.CORPUS))
    old = golden.read(golden.EXPECTED)["batches"] if golden.EXPECTED.exists() else []
    changed = 0
    for i, batch in enumerate(got["batches"]):
        where = golden.first_difference(batch, old[i]) if i < len(old) else "new"
        if where:
            changed += 1
            print(f"batch {i} ({batch['name']}): {where}")
    print(f"{changed} of {len(got['batches'])} batches changed")
    if args.check:
        sys.exit(1 if changed else 0)
    golden.write(golden.EXPECTED, got)
    print(f"wrote {golden.EXPECTED.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
