#!/usr/bin/env bash
# Brings a fresh Debian machine to a working build; safe to run again (each step checks first).
#   scripts/bootstrap.sh build   Rust wasm target, wasm-bindgen, npm packages (wasm-opt, esbuild)
#   scripts/bootstrap.sh test    the above plus Chromium for the end-to-end tests
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's command must match the wasm-bindgen crate in Cargo.lock (scripts/build-site.sh).
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes the first time)"
  # No --locked: one of its locked dependencies is no longer on crates.io.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# npm packages: Playwright, binaryen's wasm-opt (Debian's older wasm-opt breaks hydration) and
# esbuild, which minifies the site's JavaScript and CSS (scripts/build-site.sh).
if [ ! -x end2end/node_modules/.bin/esbuild ] || [ end2end/package-lock.json -nt end2end/node_modules/.stamp ]; then
  say "installing npm packages in end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund && touch node_modules/.stamp)
fi

if [ "${1:-build}" = "bench" ] && ! command -v wrk >/dev/null; then
  say "installing wrk from Debian (the benchmark's load generator)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk \
    || { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
fi

if [ "${1:-build}" = "test" ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Chromium from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
    || { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
fi

# `make lint` checks .sqlx/ against a schema sqlite3 makes from the migrations.
if [ "${1:-build}" = "test" ] && ! command -v sqlite3 >/dev/null; then
  say "installing sqlite3 from Debian (the check of .sqlx/)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y sqlite3 \
    || { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y sqlite3; }
fi

# The deployment test starts Debian's nginx with deploy/nginx-reseller-console.conf in front
# of the console, over TLS with a certificate openssl makes for the run.
if [ "${1:-build}" = "test" ] && { [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null; }; then
  say "installing nginx and openssl from Debian (the deployment test)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light openssl \
    || { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light openssl; }
fi
