#!/usr/bin/env bash
# What the tests need beyond Python: npm packages, Debian's chromium (+ a CJK font), curl and
# redis-server (the shared rate-limit storage and the watch's queue) and postgresql (the watch's shared
# store), both started by the tests on loopback ports; iproute2 and openssl for the three-machine run.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v curl >/dev/null || missing+=(curl)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# the three-machine run (tests/deploy): network namespaces, and the certificates it makes
command -v ip >/dev/null || missing+=(iproute2)
command -v openssl >/dev/null || missing+=(openssl)
fc-list 2>/dev/null | grep -qi -e wqy -e "noto sans cjk" || missing+=(fonts-wqy-zenhei)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing ${missing[*]}: install them (apt-get install -y ${missing[*]}) or run as root." >&2
    exit 1
  fi
fi
