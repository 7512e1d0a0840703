#!/bin/sh
# Trunk's post-build hook (Trunk.toml), on the staging directory:
#
# 1. The files the `fetch` workload downloads, served with the page. Each
#    repeats one 64-byte line (core::workload::io::FETCH_LINE), so the page
#    checks every byte it receives. Sizes: core::workload::fetch::SIZES_KIB.
# 2. The service worker's list of files to keep for offline use (every
#    file but the data, the worker itself and the host's _headers), and
#    this build's name, from their content: a new build is a new worker.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk as a hook}"
mkdir -p "$dir/data"
for kib in 1 16 64 256 1024 4096 16384; do
  yes 'spindle fetch data 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH' | head -c $((kib * 1024)) > "$dir/data/fetch-${kib}k.bin"
done

cd "$dir"
files=$(find . -type f ! -path './data/*' ! -name sw.js ! -name _headers | sed 's|^\./||' | LC_ALL=C sort)
build=$(printf '%s\n' $files | xargs cat | sha256sum | cut -c1-16)
list=$(printf '%s\n' $files | sed 's|^index\.html$|./|; s|.*|"&"|' | paste -sd, -)
sed -i "s|^const BUILD = .*|const BUILD = \"$build\";|; s|^const FILES = .*|const FILES = [$list];|" sw.js
grep -q "^const BUILD = \"$build\";" sw.js
