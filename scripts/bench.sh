#!/usr/bin/env bash
# Measures Spindle in headless Chromium, Firefox ESR and WebKitGTK against
# native Rust and against its targets; prints the table and writes
# BENCHMARKS.md. Installs what it needs on first use. SPINDLE_BENCH_REPEATS (default 5) sets the repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --bench
export PATH="$HOME/.cargo/bin:$PATH"
rm -rf dist
trunk build --release
cargo bench --features e2e --bench bench
