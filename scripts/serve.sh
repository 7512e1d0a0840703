#!/usr/bin/env bash
# Serves the playground at http://127.0.0.1:8080 (release build, with the
# cross-origin isolation headers from Trunk.toml, reloaded when a source
# changes). Installs what it needs on first use. Extra arguments go to
# `trunk serve`.
#
# Unminified (--minify false): trunk's minifier folds the live-reload
# script's address placeholder into a template string that `trunk serve`
# then fails to fill in, and the page logs a failed WebSocket connection
# every few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
exec trunk serve --release --minify false "$@"
