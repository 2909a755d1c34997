# K-AI Arena. `make run` serves the arena at http://127.0.0.1:8080; `make test` checks everything.
# Both install what is missing first (scripts/bootstrap.sh).

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

SAMPLE ?= sample/battle-set.jsonl
SERVER := target/server/arena-server

.PHONY: run test bootstrap bootstrap-tests web server lint unit wasm-test e2e bench bench-votes clean

run: bootstrap web server
	@mkdir -p data
	$(SERVER) serve --import-if-empty $(SAMPLE)

bootstrap:
	@scripts/bootstrap.sh

bootstrap-tests:
	@scripts/bootstrap.sh --for-tests

# The web app in release (wasm-opt -Oz), gzip copies beside the files for the server to send.
web:
	trunk build --release
	@find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) \
		-exec gzip -9 -k -f {} \;
	@wasm=$$(ls dist/*.wasm); echo "web app: $$wasm $$(stat -c %s $$wasm) bytes, $$(stat -c %s $$wasm.gz) gzipped"

server:
	cargo build --profile server -p arena-server

test: bootstrap-tests lint unit wasm-test web e2e

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p kai-arena --target wasm32-unknown-unknown --all-targets -- -D warnings

unit:
	cargo test --workspace

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
bench-votes:
	scripts/bench-votes.sh

clean:
	rm -rf dist target/server
