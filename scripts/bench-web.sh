#!/usr/bin/env bash
# What a phone gets from the arena's first page: Lighthouse's performance audit (from npm, pinned
# in bench/web/package-lock.json) in its standard mobile run (Moto G-class screen, simulated slow
# 4G and 4x CPU slowdown), in Debian's Chromium, against the release web app in dist/ served as
# `make run` serves it (the real server, with its precompressed files, on a fresh SQLite database
# holding the sample battle set). Three runs, because the simulated figures still move with the
# machine's load; bench/web/summary.mjs prints each run and the median as a Markdown table for
# BENCHMARKS.md, and keeps it in target/bench/lighthouse.md beside the reports (lighthouse-N.json).
#   scripts/bench-web.sh [SERVER]     (default target/server/arena-server; `make bench-web`)
#   DIST=other/dist scripts/bench-web.sh   (another build of the web app, e.g. an older one)
set -euo pipefail
cd "$(dirname "$0")/.."
server=${1:-target/server/arena-server}
runs=3

[[ -x "$server" ]] || { echo "bench-web: no server binary at $server (run make server)" >&2; exit 1; }
dist=${DIST:-dist}
[[ -f $dist/index.html ]] || { echo "bench-web: $dist/index.html is missing (run make web)" >&2; exit 1; }
[[ -x /usr/bin/chromium ]] || { echo "bench-web: Debian's Chromium is missing (scripts/bootstrap.sh --for-tests)" >&2; exit 1; }

# Lighthouse lives in its own package so that `make test` never installs it.
if [[ ! -f bench/web/node_modules/.package-lock.json || bench/web/package-lock.json -nt bench/web/node_modules/.package-lock.json ]]; then
  echo "bench-web: installing Lighthouse from bench/web/package-lock.json" >&2
  npm ci --prefix bench/web --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d /tmp/arena-bench-web.XXXXXX)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A throw-away key: the benchmark's battle tokens and voter ids are never used again.
secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
db="sqlite://$work/a.db"
"$server" import --database-url "$db" sample/battle-set.jsonl >"$work/import.log" 2>&1 \
  || { cat "$work/import.log" >&2; exit 1; }
ARENA_SECRET=$secret RUST_LOG=warn "$server" serve --database-url "$db" --addr "127.0.0.1:$port" --dist "$dist" \
  >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "bench-web: the server exited" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "bench-web: the server did not answer /healthz" >&2; cat "$work/server.log" >&2; exit 1; }

mkdir -p target/bench
reports=()
for n in $(seq 1 "$runs"); do
  out=target/bench/lighthouse-$n.json
  echo "bench-web: Lighthouse run $n of $runs" >&2
  # No --form-factor or --throttling flags: Lighthouse's defaults are its mobile run, the one
  # PageSpeed Insights shows. --headless=new: Debian's Chromium has no old headless mode;
  # --no-sandbox: we run as root.
  # Lighthouse now and then fails to record the trace (NO_NAVSTART) on a busy machine: that run
  # is taken again, up to twice; a run that keeps failing stops the benchmark.
  for attempt in 1 2 3; do
    CHROME_PATH=/usr/bin/chromium bench/web/node_modules/.bin/lighthouse "http://127.0.0.1:$port/" \
      --only-categories=performance \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
      --output=json --output-path="$out" --quiet || true
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); process.exit(r.runtimeError ? 1 : 0)' "$out" 2>/dev/null && break
    echo "bench-web: run $n did not record a trace (attempt $attempt); again" >&2
    (( attempt < 3 )) || { echo "bench-web: Lighthouse failed three times" >&2; exit 1; }
  done
  reports+=("$out")
done

node bench/web/summary.mjs "${reports[@]}" | tee target/bench/lighthouse.md
