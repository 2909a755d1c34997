#!/usr/bin/env bash
# End-to-end tests: the built web app (dist/) served by real arena-servers on free loopback ports
# with fresh SQLite databases, driven by Playwright in Debian's headless Chromium.
#   tests/e2e/run.sh [path/to/arena-server [spec ...]]   (every spec when none is named)
#
# Two servers, each with every setting the specs rely on written out here:
# - the arena (ARENA_URL): no proof of work, a short fixed reading time, the rate limits on but
#   wide enough for many fresh browser contexts from one address, tables recomputed quickly;
# - the same with proof of work always asked of new voters (ARENA_POW_URL), for
#   proof-of-work.spec.mjs;
# - the same with one counted vote per voter a day (ARENA_CAPPED_URL), for not-counted.spec.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
server=${1:-target/debug/arena-server}
shift || true
specs=("$@")
(( ${#specs[@]} )) || specs=(tests/e2e/*.spec.mjs)
[[ -f dist/index.html ]] || { echo "e2e: dist/ is not built (make web)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve NAME PORT [VAR=value ...]: a server with its own database and log, started in the
# background; returns once it answers /healthz.
serve() {
  local name=$1 port=$2
  shift 2
  local db="sqlite://$work/$name.db"
  "$server" import --database-url "$db" sample/battle-set.jsonl >/dev/null
  "$server" import --database-url "$db" tests/e2e/fixtures/hostile-battle-set.jsonl >/dev/null
  env ARENA_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    ARENA_MIN_READ_MS=1500 \
    ARENA_RATE_LIMITS=on \
    ARENA_LIMIT_ADDRESS_NEW_VOTERS=1000/hour \
    ARENA_LIMIT_ADDRESS_REQUESTS=10000/min \
    ARENA_LEADERBOARD_INTERVAL_MS=200 \
    "$@" \
    "$server" serve --database-url "$db" --addr "127.0.0.1:$port" --dist dist >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "e2e: the $name server did not start" >&2
  cat "$work/$name.log" >&2
  exit 1
}

# embed.spec.mjs serves a portal's page on these ports, on "localhost": another origin than the
# arena's 127.0.0.1. Only the first is allowed to embed the arena.
embed_host_port=$(free_port)
embed_denied_port=$(free_port)
port=$(free_port)
serve arena "$port" ARENA_POW=off ARENA_EMBED_ORIGINS="http://localhost:$embed_host_port"
pow_port=$(free_port)
serve pow "$pow_port" ARENA_POW=on ARENA_POW_BITS=15
capped_port=$(free_port)
serve capped "$capped_port" ARENA_POW=off ARENA_CAP_VOTER_DAY=1

mkdir -p test-results
status=0
ARENA_URL="http://127.0.0.1:$port" ARENA_POW_URL="http://127.0.0.1:$pow_port" \
  ARENA_CAPPED_URL="http://127.0.0.1:$capped_port" \
  EMBED_HOST_PORT=$embed_host_port EMBED_DENIED_PORT=$embed_denied_port ARENA_SERVER_BIN="$server" \
  node --test --test-concurrency=1 "${specs[@]}" || status=$?
if (( status != 0 )); then
  for name in arena pow capped; do
    echo "--- $name server log ---" >&2
    cat "$work/$name.log" >&2
  done
fi
exit $status
