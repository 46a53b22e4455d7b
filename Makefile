# Two commands for a fresh machine: `make run` and `make test`. Both bootstrap what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
BINARY := target/release/reseller-console

.PHONY: run build test bench bootstrap bootstrap-test lint unit e2e fmt soak

run: build
	$(BINARY) serve

# The release binary and the site are rebuilt only when one of their inputs changed: a build
# runs wasm-bindgen and wasm-opt over every split chunk again, minutes of work even when
# nothing changed. The stamp lives in the site it vouches for. Tests are not inputs: the
# release binary is built without them.
BUILD_INPUTS := Cargo.toml Cargo.lock scripts/build-site.sh \
	$(shell find app server sendgrid simulator tools style migrations .sqlx -type f -not -path '*/tests/*')
SITE_STAMP := target/site/.built

build: bootstrap $(SITE_STAMP)

$(SITE_STAMP): $(BUILD_INPUTS)
	scripts/build-site.sh
	@# Contract: the binary is at target/release/ even when CARGO_TARGET_DIR points elsewhere.
	@if [ "$(TARGET_DIR)" != "$(CURDIR)/target" ]; then \
		mkdir -p target/release && cp "$(TARGET_DIR)/release/reseller-console" $(BINARY); fi
	@touch $@

test: bootstrap-test lint unit build e2e

lint:
	cargo fmt --all --check
	scripts/sqlx-prepare.sh --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit:
	cargo test --workspace

e2e:
	cd end2end && npx playwright test

fmt:
	cargo fmt --all

# Long runs, not part of `make test` (about 10 minutes on two cores): the crash tests, the
# property tests at 10,000 cases each, and the ignored 50-operator load test.
SOAK_CASES ?= 10000
soak:
	cargo test -p server --test console crash::
	PROPTEST_CASES=$(SOAK_CASES) cargo test -p app --features ssr --test form_decoders
	PROPTEST_CASES=$(SOAK_CASES) cargo test -p sendgrid --test client parsers_never_panic::
	cargo test -p server --test console load:: -- --ignored --nocapture

# Figures beside references measured in the same run (README "Performance"); writes
# bench/results.json. Needs the release binary and site from `build`.
bench: build
	scripts/bootstrap.sh bench
	@# The server's flags (scripts/build-site.sh), so the console's crates it links are reused.
	RUSTFLAGS="--cfg erase_components" cargo build --release -p bench
	"$(TARGET_DIR)/release/bench"

bootstrap:
	scripts/bootstrap.sh build

bootstrap-test:
	scripts/bootstrap.sh test
