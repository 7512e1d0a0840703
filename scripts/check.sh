#!/usr/bin/env bash
# Everything CI runs, in order: formatting, clippy (host and wasm32),
# host tests, wasm tests in headless Chromium, the release build, and the
# end-to-end tests against it. Installs what it needs on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }
started=$SECONDS

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy, host"
cargo clippy --all-targets --features e2e -- -D warnings

step "clippy, wasm32"
cargo clippy --target wasm32-unknown-unknown --lib --bins --test web -- -D warnings

step "host tests (core, exec, UI state)"
cargo test

step "wasm-bindgen-test in headless Chromium (pool inside a worker)"
cargo test --target wasm32-unknown-unknown --release --test web

step "release build of the page (trunk)"
# Trunk never cleans stale wasm-bindgen snippets; start from a clean dist.
rm -rf dist target/dist-spindle
trunk build --release
step "release build for a sub-path (/spindle/, as on a project site)"
trunk build --release --public-url /spindle/ --dist target/dist-spindle

step "end-to-end tests (Chromium, Firefox ESR, WebKitGTK)"
cargo test --features e2e --test e2e -- --test-threads=1

step "all checks passed in $((SECONDS - started)) s"
