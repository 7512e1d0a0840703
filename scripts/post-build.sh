#!/bin/sh
# Trunk post-build hook: the files the `fetch` workload downloads, served
# with the page. Each repeats one 64-byte line (core::io::FETCH_LINE), so
# the page checks every byte it receives. Sizes: core::fetch::SIZES_KIB.
set -eu
out="${TRUNK_STAGING_DIR:?run by trunk as a hook}/data"
mkdir -p "$out"
for kib in 1 16 64 256 1024 4096 16384; do
  yes 'spindle fetch data 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH' | head -c $((kib * 1024)) > "$out/fetch-${kib}k.bin"
done
