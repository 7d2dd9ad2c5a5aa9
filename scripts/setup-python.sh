#!/usr/bin/env bash
# Create .venv and install what is missing or out of date: requirements.txt (the runtime, for
# ./run), or with --dev also requirements-dev.txt (tests, benchmarks, the package build; ./test).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
list=requirements.txt
if [ "${1:-}" = "--dev" ]; then
  list=requirements-dev.txt
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.$list.sha256
want=$(cat requirements.txt "$list" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r "$list"
  echo "$want" > "$stamp"
fi
