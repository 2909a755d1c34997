#!/usr/bin/env bash
# Installs what building, running and testing K-AI Arena needs, and only what is missing, so it
# is quick to run again. Everything comes from the registries this project may reach: crates.io,
# npm and Debian; nothing is downloaded by Trunk itself (it runs offline, see Trunk.toml).
#
#   scripts/bootstrap.sh              toolchain for building the web app and the server
#   scripts/bootstrap.sh --for-tests  plus Debian's Chromium, ChromeDriver, a Korean font and
#                                     PostgreSQL's server binaries
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { echo "bootstrap: $*" >&2; }
have_version() { # have_version COMMAND EXPECTED: does `COMMAND --version` mention EXPECTED?
  local out
  out=$("$1" --version 2>/dev/null || true)
  [[ "$out" == *"$2"* ]]
}

# The machine's own toolchain (no rust-toolchain file pins another); make sure it is complete.
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "adding the $component component"
    rustup component add "$component"
  fi
done

if ! command -v node >/dev/null || (( $(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0) < 20 )); then
  say "Node.js 20 or newer is needed (for wasm-opt from npm and the browser tests); found: $(node --version 2>/dev/null || echo none)"
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! have_version trunk "trunk $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 12 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# wasm-bindgen-cli must equal the wasm-bindgen library in Cargo.lock, or the glue will not match.
WASM_BINDGEN_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ -z "$WASM_BINDGEN_VERSION" ]]; then
  say "cannot find wasm-bindgen in Cargo.lock"; exit 1
fi
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION" || ! have_version wasm-bindgen-test-runner "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  # Not --locked: its lockfile names a crate version that the registry no longer has.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt 132 (binaryen), Playwright and axe-core, pinned by package-lock.json.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm tools from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Trunk runs cargo offline, so every crate must already be in the local registry cache.
cargo fetch --locked >/dev/null 2>&1 || cargo fetch

if [[ "${1:-}" == "--for-tests" ]]; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  if ! command -v fc-list >/dev/null || [[ -z "$(fc-list :lang=ko 2>/dev/null)" ]]; then
    missing+=(fonts-noto-cjk)
  fi
  # The store tests run on PostgreSQL too, in a throw-away cluster of Debian's server binaries.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  # The invitation cards' PDF is read back by a real PDF reader and its QR codes decoded.
  command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v zbarimg >/dev/null || missing+=(zbar-tools)
  # The cards' Korean font is the readers' standard one (not embedded): its CMaps.
  [[ -d /usr/share/poppler/cMap/Adobe-Korea1 ]] || missing+=(poppler-data)
  # Answers use emoji; without a colour emoji font, screenshots show empty boxes.
  [[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || missing+=(fonts-noto-color-emoji)
  if (( ${#missing[@]} )); then
    if [[ $(id -u) == 0 ]]; then
      SUDO=()
    elif sudo -n true 2>/dev/null; then
      SUDO=(sudo)
    else
      say "the browser tests need these Debian packages: ${missing[*]}"
      say "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
    say "installing Debian packages: ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
say "ready"
