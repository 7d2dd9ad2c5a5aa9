"""Rebuilds every generated file, or says which are stale.

    .venv/bin/python scripts/generate.py          # rebuild them all
    .venv/bin/python scripts/generate.py --check  # exit 1 naming each stale file, writing nothing

The generated files and where they come from:
- extension/common/vocabulary.js, sheets_addon/apps_script/Vocabulary.js: scripts/gen_vocabulary.py
  from shared/data/vocabulary.toml, fields.toml and the campaign calendars;
- sheets_addon/apps_script/dist/ (the no-clasp paste bundle): scripts/bundle_apps_script.js from
  sheets_addon/apps_script/*.js (it holds Vocabulary.js, so it runs after the vocabulary);
- docs/supported-inputs.md: scripts/gen_supported_inputs.py from the field table, the status
  words, the JOS mapping and shared/data/export_templates.toml.
The extension's icons (scripts/gen_extension_icons.py) are drawn by Chromium, whose pixels vary by
version: they are made once by hand, not checked here.
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node") or "node"
# (what it makes, the command), in the order they must run.
GENERATORS = (
    ("JavaScript vocabulary modules", [sys.executable, str(ROOT / "scripts" / "gen_vocabulary.py")]),
    ("Apps Script paste bundle", [NODE, str(ROOT / "scripts" / "bundle_apps_script.js")]),
    ("docs/supported-inputs.md", [sys.executable, str(ROOT / "scripts" / "gen_supported_inputs.py")]),
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="name the stale files instead of writing them")
    args = parser.parse_args(argv)
    failed = []
    for what, command in GENERATORS:
        done = subprocess.run([*command, *(["--check"] if args.check else [])], cwd=ROOT, capture_output=True,
                              text=True)
        sys.stdout.write(done.stdout)
        if done.returncode != 0:
            failed.append(f"{what}: {done.stderr.strip() or f'exit {done.returncode}'}")
    if failed:
        print(("stale (run scripts/generate.py):\n" if args.check else "failed:\n") + "\n".join(failed),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
