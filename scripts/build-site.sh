#!/usr/bin/env bash
# Builds the release binary and the site it serves (target/site): what
# `cargo leptos build --release --split` did, step by step, with tools that install in seconds
# (building cargo-leptos itself was 22 minutes of a cold `make test`). Run by `make build`.
#
#   1. the wasm: `app` for wasm32 with `hydrate`, profile `wasm-release`, relocations kept for
#      the split and views type-erased (`--cfg erase_components`, as the server is built);
#   2. the split: one chunk per lazily loaded screen, the loader and the manifest (site-split);
#   3. wasm-bindgen over the main module; 4. wasm-opt -Oz over every module, two at a time;
#   5. the JavaScript and the style sheet minified (esbuild), then every file of pkg/ compressed
#   ahead of time (brotli and gzip, served as they are); 6. the public assets;
#   and, alongside all of it, the server binary with the settings leptos reads at compile time.
# The new pkg/ replaces the old one only once it is complete.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=reseller-console
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
SITE=target/site
PKG="$SITE/pkg"
NEW="$SITE/pkg.new"

# The settings cargo-leptos gave both builds; the server reads LEPTOS_OUTPUT_NAME at compile
# time to name the files it links.
export LEPTOS_OUTPUT_NAME="$NAME" LEPTOS_SITE_ROOT="$SITE" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=false

step() { printf '\033[1mbuild-site:\033[0m %s\n' "$*"; }

# The server builds alongside the site (its own target directory, so neither waits for the
# other's lock): each spends minutes on one core in its last codegen and link.
step "server (release), alongside"
RUSTFLAGS="--cfg erase_components" cargo build --release --package=server \
  --bin=reseller-console --no-default-features &
SERVER_BUILD=$!
# A failed step stops the server build too.
trap 'kill "$SERVER_BUILD" 2>/dev/null || true' EXIT

step "wasm (app, hydrate, wasm-release)"
RUSTFLAGS="-Clink-args=--emit-relocs --cfg erase_components" cargo build --package=app --lib \
  --target-dir="$TARGET_DIR/front" --target=wasm32-unknown-unknown --no-default-features \
  --features=hydrate --profile=wasm-release
RAW="$TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/app.wasm"

step "splitting the screens into chunks"
WORK="$TARGET_DIR/front/site"
rm -rf "$WORK" "$NEW"
mkdir -p "$WORK" "$NEW"
cargo run --quiet --release --package=site-split --target-dir="$TARGET_DIR/front" -- \
  "$RAW" "$NEW" "$WORK/${NAME}_split.wasm" "$NAME"

step "wasm-bindgen"
wasm-bindgen --target=web --keep-lld-exports --no-demangle --no-typescript \
  --out-name="$NAME" --out-dir="$NEW" "$WORK/${NAME}_split.wasm"
mv "$NEW/${NAME}_bg.wasm" "$NEW/$NAME.wasm"

# A module wasm-opt has seen before, byte for byte, takes its earlier result from the cache
# (named by the input's hash), so a change to one screen re-optimises only what it changed.
CACHE="$TARGET_DIR/front/wasm-opt-cache"
mkdir -p "$CACHE"
optimise() {
  local file=$1 hash
  hash=$(sha256sum "$file" | cut -c1-64)
  if [ -f "$CACHE/$hash.wasm" ]; then
    cp "$CACHE/$hash.wasm" "$file"
  else
    # (wasm-opt does not know the name subsection wasm-split writes; it says so every time.)
    # Written beside the input and kept only once wasm-opt succeeded: an interrupted run must
    # not leave a truncated module in the site or in the cache.
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$file" -o "$file.opt" \
      2> >(grep -v '^warning: unknown name subsection' >&2) || return 1
    mv "$file.opt" "$file"
    cp "$file" "$CACHE/$hash.wasm.$$" && mv "$CACHE/$hash.wasm.$$" "$CACHE/$hash.wasm"
  fi
  touch "$CACHE/$hash.wasm"
}
export -f optimise
export CACHE
MARK="$CACHE/.started"
touch "$MARK"
step "wasm-opt -Oz over $(find "$NEW" -name '*.wasm' | wc -l) modules"
find "$NEW" -name '*.wasm' -print0 | xargs -0 -P "$(nproc)" -I{} bash -c 'optimise "$1"' _ {}
# Only this build's results are kept.
find "$CACHE" -name '*.wasm' ! -newer "$MARK" -delete

step "minifying the JavaScript and the style sheet"
# wasm-bindgen imports the split loader once per chunk under the same key: the same module
# each time, so the repeated keys are harmless.
esbuild --minify --format=esm --log-level=warning --log-override:duplicate-object-key=silent \
  --allow-overwrite "$NEW/$NAME.js" --outfile="$NEW/$NAME.js"
esbuild --minify --log-level=warning style/main.css --outfile="$NEW/$NAME.css"

step "compressing every file ahead of time (brotli 11, gzip -9)"
node scripts/precompress.mjs "$NEW"

rm -rf "$PKG"
mv "$NEW" "$PKG"
cp -R app/public/. "$SITE/"

step "waiting for the server build"
wait "$SERVER_BUILD"
