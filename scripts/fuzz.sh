#!/usr/bin/env bash
# Fuzzes what Spindle reads from strangers with libFuzzer (cargo-fuzz):
# share links (`share_link`: a fragment, and unpacked JSON) and query
# strings (`query`). Starts from the committed seeds in tests/fuzz/seeds
# and keeps what it finds in tests/fuzz/corpus (not committed). Prints
# libFuzzer's final figures: inputs run, the slowest input, peak memory.
#
#   scripts/fuzz.sh [RUNS]    RUNS inputs per target (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
CARGO_FUZZ_VERSION=0.13.2
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! cargo fuzz --version 2>/dev/null | grep -qw "$CARGO_FUZZ_VERSION"; then
  cargo +"$toolchain" install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --force
fi
runs=${1:-1000000}
status=0
for target in share_link query; do
  mkdir -p "tests/fuzz/corpus/$target"
  log="tests/fuzz/corpus/$target.log"
  echo "== $target: $runs inputs"
  # -max_len: past the seeds' longest; -timeout: one input, seconds;
  # -rss_limit_mb: the process, sanitizer included.
  if ! cargo fuzz run --fuzz-dir tests/fuzz -O "$target" "tests/fuzz/corpus/$target" "tests/fuzz/seeds/$target" -- \
    -runs="$runs" -max_len=65536 -timeout=2 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    status=1
    tail -n 40 "$log"
  fi
  grep -E "^(stat::|Done )" "$log" || true
done
exit "$status"
