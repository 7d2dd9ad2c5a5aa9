#!/usr/bin/env bash
# Create .venv and install what is missing or out of date: requirements.txt (the runtime, for
# ./run), or with --dev also requirements-dev.txt (tests, benchmarks, the package build; ./test).
# Then the optional compiled rules core (requirements-compiled.txt, scripts/build_compiled.py),
# unless JDPG_PURE_PYTHON=1: where it cannot be built the core runs as pure Python, but in CI
# (CI=true) that fails the setup, so both builds are always tested there.
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

install() {  # install list [base]: once per content of base + list
  local stamp=".venv/.$1.sha256" want
  want=$(cat "${2:-/dev/null}" "$1" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/pip install -q --disable-pip-version-check -r "$1" || return 1
    echo "$want" > "$stamp"
  fi
}

install "$list" requirements.txt
if [ "${JDPG_PURE_PYTHON:-}" != 1 ]; then
  if install requirements-compiled.txt && .venv/bin/python scripts/build_compiled.py; then
    :
  elif [ "${CI:-}" = true ]; then
    echo "setup: the compiled rules core did not build (above); in CI it must" >&2
    exit 1
  else
    echo "setup: the rules core runs as pure Python (it did not compile here)" >&2
  fi
fi
