#!/usr/bin/env bash
# End-to-end tests: the built web app (dist/) served by a real arena-server on a free loopback
# port with a fresh SQLite database, driven by Playwright in Debian's headless Chromium.
#   tests/e2e/run.sh [path/to/arena-server]
set -euo pipefail
cd "$(dirname "$0")/../.."
server=${1:-target/debug/arena-server}
[[ -f dist/index.html ]] || { echo "e2e: dist/ is not built (make web)" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

db="sqlite://$work/e2e.db"
"$server" import --database-url "$db" sample/battle-set.jsonl
"$server" import --database-url "$db" tests/e2e/fixtures/hostile-battle-set.jsonl

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ARENA_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
  "$server" serve --database-url "$db" --addr "127.0.0.1:$port" --dist dist >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

mkdir -p test-results
status=0
ARENA_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 tests/e2e/*.spec.mjs || status=$?
if (( status != 0 )); then
  echo "--- server log ---" >&2
  cat "$work/server.log" >&2
fi
exit $status
