#!/usr/bin/env bash
# Can a contender buy the ranking of a running arena? Three arenas started as `make run` starts
# one (the release-profile server, a SQLite file, every setting at its default) with the
# loopback proxy trusted, each given its own battle set of close contenders, and the crowds of
# examples/contest.rs in real time, all three at once:
#   - a team that knows its own model's answers (12 models, its model 8th),
#   - a botnet that learns answers' models from reveals (65 models, its target 40th),
#   - more honest citizens (12 models): the false alarms.
# Each run: 150 honest citizens arriving over CONTEST_HONEST_MINUTES, then the crowd within 30 s.
# By default the honest arrivals end 3 minutes before the next full hour (at least 30 minutes
# from now), so the crowd arrives in another clock hour than the citizens, as in the simulation
# (the audit's groups are clock hours, six hours and days).
# Rows go to target/bench/contest.txt (see BENCHMARKS.md).
#   scripts/contest.sh            (CONTEST_HONEST_MINUTES=auto CONTEST_SEED=1)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${CONTEST_HONEST_MINUTES:-auto}
seed=${CONTEST_SEED:-1}
cargo build --profile server -p arena-server --bin arena-server --example contest
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
server=$target_dir/server/arena-server
contest=$target_dir/server/examples/contest
if [[ $minutes == auto ]]; then
  minutes=$(python3 -c 'import time; left = (3600 - time.time() % 3600) / 60 - 3; print(round(left if left >= 30 else left + 60, 2))')
fi
echo "contest: honest arrivals over $minutes minutes, then the crowds" >&2
mkdir -p target/bench
out=target/bench/contest.txt
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# contest NAME MODELS CROWD TARGET_PLACE: one arena and its crowds; the row lands in NAME.row.
contest() {
  local name=$1 models=$2 crowd=$3 place=$4
  local dir=$work/$name port metrics
  mkdir -p "$dir"
  "$contest" battle-set "$models" "$dir/set.jsonl"
  "$server" import --database-url "sqlite://$dir/arena.db" "$dir/set.jsonl" >/dev/null
  port=$(free_port)
  metrics=$(free_port)
  ARENA_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
  ARENA_TRUSTED_PROXIES=127.0.0.1/32 ARENA_METRICS_ADDR=127.0.0.1:$metrics \
    "$server" serve --database-url "sqlite://$dir/arena.db" --addr "127.0.0.1:$port" \
    --dist dist >"$dir/server.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  "$contest" run "http://127.0.0.1:$port" "$dir/arena.db" "http://127.0.0.1:$metrics/metrics" \
    "$models" "$crowd" "$place" "$minutes" "$seed" >"$dir/row" 2>"$dir/log"
}

contest team 12 team 8 &
runs=($!)
contest botnet 65 botnet 40 &
runs+=($!)
contest citizens 12 citizens 8 &
runs+=($!)
status=0
for run in "${runs[@]}"; do wait "$run" || status=$?; done
{
  echo "# $(date -u +%FT%TZ) honest arrivals over $minutes min, seed $seed"
  echo "crowd | attempted | refused | held | kept, not counted | counted | target place before → after | places bought | honest phase"
  cat "$work"/{team,botnet,citizens}/row
} | tee -a "$out"
for name in team botnet citizens; do
  sed "s/^/$name: /" "$work/$name/log" >&2
done
exit $status
