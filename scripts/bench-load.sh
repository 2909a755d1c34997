#!/usr/bin/env bash
# Load on the whole server: battles/s and durable votes/s with latency, on SQLite and on
# PostgreSQL, with one and with two server instances, each starting from a database that already
# holds 1,000,000 votes (100 models, 8 categories, 10,000 prompts; seed_votes makes it). The load
# generator is wrk (Debian's package) with bench/load.lua: BENCH_CONNECTIONS connections over 2
# threads, each connection looping "battle, vote", on the same 2 cores as the servers, so the
# ratios between the rows matter more than the absolute figures.
#   scripts/bench-load.sh        (BENCH_CONNECTIONS=32 BENCH_SECONDS=20 BENCH_VOTES=1000000
#                                 BENCH_STORES="sqlite postgres")
# The seeded SQLite database is kept in target/bench/ and reused by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${BENCH_CONNECTIONS:-32}
seconds=${BENCH_SECONDS:-20}
seed_votes=${BENCH_VOTES:-1000000}
stores=${BENCH_STORES:-sqlite postgres}

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package) for the load generator"
  apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi
scripts/bootstrap.sh --for-tests >/dev/null

cargo build --profile server -p arena-server --bin arena-server --example seed_votes
server=target/server/arena-server
seed=target/server/examples/seed_votes
mkdir -p target/bench
out=target/bench/load.txt
: >"$out"
work=$(mktemp -d /tmp/arena-bench-load.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "${pgbin:-}" ] && [ -d "$work/pg" ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

# Every rule on, as deployed, with limits too high to refuse one load generator: the daily caps'
# tallies, the voter binding and the address hashing all do their work on every vote. The load
# comes through a "proxy" (wrk sets X-Forwarded-For) from many addresses, as a national vote would.
serve() { # url port -> pid (metrics on port+1... a free port of their own, in $work/metrics-PORT)
  local mport; mport=$(free_port); echo "$mport" >"$work/metrics-$2"
  ARENA_METRICS_ADDR=127.0.0.1:$mport ARENA_TRUSTED_PROXIES=127.0.0.1/32 ARENA_SECRET=$secret ARENA_POW=off ARENA_MIN_READ_MS=0 \
  ARENA_LIMIT_VOTER_VOTES=100000000/min ARENA_LIMIT_VOTER_BATTLES=100000000/min \
  ARENA_LIMIT_ADDRESS_REQUESTS=100000000/min ARENA_LIMIT_ADDRESS_NEW_VOTERS=100000000/min \
  ARENA_CAP_VOTER_DAY=1000000000 ARENA_CAP_ADDRESS_DAY=1000000000 RUST_LOG=warn \
    "$server" serve --database-url "$1" --addr "127.0.0.1:$2" --dist /nonexistent >>"$work/server.log" 2>&1 &
  echo $!
}

wait_up() { for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; cat "$work/server.log" >&2; exit 1; }

# Runs wrk against each port at once (connections split between them); prints one summary line.
load() {
  local n=$# per=$((connections / $#)) files=()
  for port in "$@"; do
    f="$work/wrk-$port.txt"; files+=("$f")
    wrk -t $((2 / n > 0 ? 2 / n : 1)) -c "$per" -d "${seconds}s" --latency -s bench/load.lua "http://127.0.0.1:$port" >"$f" 2>&1 &
  done
  wait $(jobs -p | tail -n "$n") 2>/dev/null || true
  python3 - "${files[@]}" <<'PY'
import re, sys
tot = {"battles/s": 0.0, "votes/s": 0.0, "errors": 0}
p50 = p99 = 0.0
for f in sys.argv[1:]:
    text = open(f).read()
    m = re.search(r"RESULT (.*)", text)
    if not m:
        sys.exit("wrk gave no result:\n" + text)
    kv = dict(x.split("=") for x in m.group(1).split())
    tot["battles/s"] += float(kv["battles/s"]); tot["votes/s"] += float(kv["votes/s"]); tot["errors"] += int(kv["errors"])
    p50 = max(p50, float(kv["p50_ms"])); p99 = max(p99, float(kv["p99_ms"]))
print(f"battles/s {tot['battles/s']:.0f} | votes/s {tot['votes/s']:.0f} | p50 {p50:.1f} ms | p99 {p99:.1f} ms | errors {tot['errors']}")
PY
}

run_case() { # label url instances
  local label=$1 url=$2 instances=$3 ports=()
  for i in $(seq 1 "$instances"); do
    port=$(free_port); ports+=("$port")
    pids+=("$(serve "$url" "$port")")
  done
  for port in "${ports[@]}"; do wait_up "$port"; done
  sleep "${BENCH_WARMUP:-10}"   # the first leaderboard pass and audit after start
  line=$(load "${ports[@]}")
  # The server's own view: time from the request reaching the router to its answer, from the
  # Prometheus histograms (bucket bounds, so "≤"); wrk's figures above include the wait for a
  # core shared with wrk itself.
  local scraped=()
  for port in "${ports[@]}"; do
    curl -fsS "http://127.0.0.1:$(cat "$work/metrics-$port")/metrics" >"$work/metrics-$port.txt"
    scraped+=("$work/metrics-$port.txt")
  done
  server_side=$(python3 - "${scraped[@]}" <<'PY'
import re, sys
buckets = {}
for f in sys.argv[1:]:
    for line in open(f):
        m = re.match(r'arena_http_request_duration_seconds_bucket\{route="/api/v1/(vote|battle)",le="([^"]+)"\} (\d+)', line)
        if m:
            key = (m.group(1), float("inf") if m.group(2) == "+Inf" else float(m.group(2)))
            buckets[key] = buckets.get(key, 0) + int(m.group(3))
out = []
for route in ("battle", "vote"):
    rows = sorted((le, n) for (r, le), n in buckets.items() if r == route)
    total = rows[-1][1]
    q = lambda p: next(le for le, n in rows if n >= p * total)
    out.append(f"{route} p50 ≤ {q(0.5)*1000:g} ms, p99 ≤ {q(0.99)*1000:g} ms")
print("server-side: " + "; ".join(out))
PY
)
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
  echo "$label, $instances instance(s): $line | $server_side" | tee -a "$out"
}

if [[ " $stores " == *" sqlite "* ]]; then
  seeded=target/bench/seed-$seed_votes.db
  if [ ! -f "$seeded" ]; then
    echo "seeding $seed_votes votes into SQLite..."
    "$seed" "sqlite://$work/seed.db" --votes "$seed_votes" --models 100 --categories 8 --prompts 10000 | tee -a "$out"
    cp "$work/seed.db" "$seeded"
  fi
  for n in 1 2; do
    cp "$seeded" "$work/run.db"
    run_case "SQLite (synchronous=FULL, group commit)" "sqlite://$work/run.db" "$n"
    rm -f "$work"/run.db*
  done
fi
[[ " $stores " == *" postgres "* ]] || { echo "results in $out"; exit 0; }

pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
mkdir -p "$work/pg"; chown postgres:postgres "$work/pg"
pgport=$(free_port)
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust --locale=C -E UTF8 >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
psql() { command psql -h 127.0.0.1 -p "$pgport" -U postgres -q "$@"; }
psql -c "CREATE DATABASE seed" postgres
echo "seeding $seed_votes votes into PostgreSQL..."
"$seed" "postgres://postgres@127.0.0.1:$pgport/seed" --votes "$seed_votes" --models 100 --categories 8 --prompts 10000 | tee -a "$out"
for n in 1 2; do
  psql -c "DROP DATABASE IF EXISTS run" -c "CREATE DATABASE run TEMPLATE seed" postgres
  run_case "PostgreSQL 15 (synchronous_commit=on)" "postgres://postgres@127.0.0.1:$pgport/run" "$n"
done
echo "results in $out"
