#!/usr/bin/env bash
# Serves the playground at http://127.0.0.1:8080 (release build, with the
# cross-origin isolation headers from Trunk.toml). Installs what it needs
# on first use. Extra arguments go to `trunk serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
exec trunk serve --release "$@"
