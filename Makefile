# K-AI Arena. `make run` serves the arena at http://127.0.0.1:8080; `make test` checks everything.
# Both install what is missing first (scripts/bootstrap.sh).

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

SAMPLE ?= sample/battle-set.jsonl
SERVER := target/server/arena-server

.PHONY: run test bootstrap bootstrap-tests web server lint unit unit-postgres wasm-test e2e bench bench-votes bench-load bench-web bench-pairing contest crash-test clean

run: bootstrap web server
	@mkdir -p data
	$(SERVER) serve --import-if-empty $(SAMPLE)

bootstrap:
	@scripts/bootstrap.sh

bootstrap-tests:
	@scripts/bootstrap.sh --for-tests

# The web apps in release (wasm-opt -Oz): the light battle app (battle.html, served at / and
# /embed), the operators' app (admin.html, /admin) and the full app (index.html, every other
# page), then gzip and brotli copies beside the files for the server to send
# (scripts/compress.mjs, with Node's zlib). Trunk names every build's page index.html and
# replaces its dist/, so the battle and operators' apps are built aside and copied in.
web:
	trunk build --release --dist target/web-battle battle.html
	trunk build --release --dist target/web-admin admin.html
	trunk build --release
	@cp target/web-battle/index.html dist/battle.html
	@cp target/web-battle/kai-arena-battle-* dist/
	@cp target/web-admin/index.html dist/admin.html
	@cp target/web-admin/kai-arena-admin-* dist/
	@node scripts/compress.mjs dist

server:
	cargo build --profile server -p arena-server

test: bootstrap-tests lint unit unit-postgres wasm-test web e2e

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p kai-arena --target wasm32-unknown-unknown --all-targets -- -D warnings

# Every Rust test; the store contract and the crash test run on SQLite and PostgreSQL (a
# throw-away cluster the tests start), the API suite on SQLite here and on PostgreSQL below.
unit:
	cargo test --workspace

unit-postgres:
	ARENA_TEST_STORE=postgres cargo test -p arena-server --test api

# kill -9 of the server at random moments while clients vote, on both stores (also in `unit`).
crash-test: bootstrap-tests
	cargo test -p arena-server --test crash -- --nocapture

# Component tests of the web app, in headless Chromium through wasm-bindgen-test-runner.
wasm-test:
	cargo test -p kai-arena --target wasm32-unknown-unknown

# The built app against a real server, in headless Chromium (Playwright).
e2e: web
	cargo build -p arena-server
	tests/e2e/run.sh target/debug/arena-server

bench:
	scripts/bench.sh

# Durable votes per second: SQLite synchronous=FULL against NORMAL, same load, one run.
# Votes needed to reach a mean 95% interval width, informative pairing against uniform
# (arena_core::rating::pairing, the real rating engine): a round where new models join a board
# with votes, and a board where every model starts together.
bench-pairing:
	cargo run --profile server -p arena-core --example pairing -- 20 600 40 5 4 20000
	cargo run --profile server -p arena-core --example pairing -- 40 800 35 3 5 60000
	cargo run --profile server -p arena-core --example pairing -- 20 600 50 5 0

bench-votes:
	scripts/bench-votes.sh

# battles/s and durable votes/s with p50/p99: SQLite and PostgreSQL, one and two servers, on a
# database of 1M votes (wrk from Debian; figures in BENCHMARKS.md).
bench-load:
	scripts/bench-load.sh

# Can a contender buy a running arena's ranking? A team (12 models), a botnet (65) and more
# honest citizens, each against its own server with default settings behind a trusted proxy,
# in real time (40–100 minutes: honest arrivals until just before the next full hour, then the crowd).
contest: bootstrap web
	scripts/contest.sh

# Lighthouse's mobile performance run (npm, bench/web) in Debian's Chromium against the release
# web app as `make run` serves it: score, LCP, FCP, TBT, CLS and bytes by type, 3 runs and median.
bench-web: bootstrap web server
	scripts/bench-web.sh $(SERVER)

clean:
	rm -rf dist target/server
