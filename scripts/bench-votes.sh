#!/usr/bin/env bash
# What durable votes cost: the same load against the server with SQLite synchronous=FULL (the
# default: a vote answered 200 survives a power cut) and synchronous=NORMAL (survives a crash of
# the process only), in one run so the ratio is fair on a noisy machine.
#   scripts/bench-votes.sh            (BENCH_CLIENTS=32 BENCH_SECONDS=20)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${BENCH_CLIENTS:-32}
seconds=${BENCH_SECONDS:-20}
cargo build --profile server -p arena-server --bin arena-server --example vote_load
server=target/server/arena-server
load=target/server/examples/vote_load
mkdir -p target/bench
out=target/bench/votes.txt
: >"$out"
for mode in full normal; do
  work=$(mktemp -d)
  db="sqlite://$work/bench.db"
  "$server" import --database-url "$db" sample/battle-set.jsonl >/dev/null
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # The rules that would refuse a load generator are off; everything else is as deployed.
  ARENA_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
  ARENA_RATE_LIMITS=off ARENA_POW=off ARENA_MIN_READ_MS=0 ARENA_SQLITE_SYNCHRONOUS=$mode \
    "$server" serve --database-url "$db" --addr "127.0.0.1:$port" --dist /nonexistent >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  line=$("$load" "http://127.0.0.1:$port" "$clients" "$seconds")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
  echo "synchronous=$mode: $line" | tee -a "$out"
done
