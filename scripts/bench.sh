#!/usr/bin/env bash
# The rating engine's benchmark (`make bench`): arena-core's leaderboard maths on 1,000,000
# synthetic battles among 100 models and on the ko-arena-hard battles, stage by stage, then the
# scipy L-BFGS reference (the public arena's code path) on the same counts, and the ratios.
# Figures and how to read them: BENCHMARKS.md.
#
# Last, the same maths built for wasm32 (as the web app builds it) runs in Node: its digests
# must equal the native ones pinned in crates/arena-core/tests/rating_golden.rs, and it times
# the browser's recomputation.
#
# Environment: BENCH_ROUNDS (default 1000), BENCH_BATTLES (1000000), BENCH_MODELS (100),
# BENCH_REPEAT (3; each Rust stage reports its best run), BENCH_SKIP_REFERENCE=1 to skip Python,
# BENCH_SKIP_WASM=1 to skip the wasm32 check.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${BENCH_ROUNDS:-1000}"
out=target/bench
ko=../shared/data/ko-arena-hard/battles_vs_baseline_derived.jsonl
mkdir -p "$out"

# The `server` profile: the optimised build the server runs (release is tuned for wasm size).
cargo build --quiet --profile server -p arena-core --example rating_bench
./target/server/examples/rating_bench \
    --battles "${BENCH_BATTLES:-1000000}" --models "${BENCH_MODELS:-100}" \
    --rounds "$rounds" --repeat "${BENCH_REPEAT:-3}" \
    --ko-arena-hard "$ko" --out "$out" | tee "$out/rust.txt"

if [ "${BENCH_SKIP_REFERENCE:-0}" != 1 ]; then
    # The reference's own dependencies, pinned; installed only when missing or at another version.
    if ! python3 - <<'PY' 2>/dev/null
import sys
import numpy, scipy
wanted = dict(line.strip().split("==") for line in open("bench/requirements.txt")
              if "==" in line and not line.startswith("#"))
sys.exit(0 if (numpy.__version__, scipy.__version__) == (wanted["numpy"], wanted["scipy"]) else 1)
PY
    then
        python3 -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
    fi
    python3 bench/reference_bt.py "$out" "$rounds" | tee "$out/reference.txt"
fi

if [ "${BENCH_SKIP_WASM:-0}" != 1 ]; then
    targets="$(rustup target list --installed 2>/dev/null || true)"
    if command -v node >/dev/null && grep -qx wasm32-unknown-unknown <<<"$targets"; then
        CARGO_TARGET_DIR=target/wasm-check cargo build --quiet --release \
            --target wasm32-unknown-unknown --manifest-path bench/wasm-check/Cargo.toml
        node bench/wasm-check/run.mjs \
            target/wasm-check/wasm32-unknown-unknown/release/wasm_check.wasm \
            crates/arena-core/tests/rating_golden.rs | tee "$out/wasm.txt"
    else
        echo "wasm check: skipped (needs node and the wasm32-unknown-unknown target)"
    fi
fi
