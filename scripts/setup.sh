#!/usr/bin/env bash
# Installs what Spindle needs on a fresh Debian machine with rustup, once.
# Every version is pinned here; nothing is downloaded from outside the
# package registries (trunk must find wasm-bindgen on PATH, see Trunk.toml).
#
#   scripts/setup.sh          toolchain + trunk + wasm-bindgen-cli + wasm-opt
#   scripts/setup.sh --test   the same, plus Debian's chromium, chromium-driver,
#                             firefox-esr, webkit2gtk-driver (WebKitGTK's
#                             MiniBrowser) and xvfb, and geckodriver (crates)
#   scripts/setup.sh --bench  the same as --test
set -euo pipefail

TRUNK_VERSION=0.22.1
WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen crate in Cargo.lock
GECKODRIVER_VERSION=0.37.1
BINARYEN_VERSION=132.0.0 # wasm-opt; must match [tools] wasm_opt in Trunk.toml

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

if ! command -v rustup >/dev/null; then
  echo "rustup is required: see https://rustup.rs" >&2
  exit 1
fi

# rust-toolchain.toml names the components and targets; `rustup show` (or
# `rustup toolchain install` with no argument) installs them.
if ! rustup run "$toolchain" rustc --print target-libdir --target wasm32-unknown-unknown >/dev/null 2>&1 ||
   [ ! -d "$(rustup run "$toolchain" rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  say "installing toolchain $toolchain"
  rustup toolchain install "$toolchain" --profile minimal \
    --component rust-src,rustfmt,clippy --target wasm32-unknown-unknown
fi

apt_install() { # package...
  local sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q "$@"
}

have_version() { # tool wanted-version
  # Read the whole output first: `grep -q` stops at the first line, and a
  # tool still writing more (geckodriver) dies of SIGPIPE, which pipefail
  # would count as "not installed".
  local out
  command -v "$1" >/dev/null && out=$("$1" --version 2>/dev/null) && grep -qw "$2" <<<"$out"
}

if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~2 min)"
  # Not --locked: its lockfile pins a webpki-roots the registry no longer has.
  cargo +"$toolchain" install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

if ! have_version trunk "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (~9 min, once)"
  cargo +"$toolchain" install trunk --version "=$TRUNK_VERSION" --locked --force
fi

# wasm-opt for trunk's release builds: npm's binaryen (Debian's is too old
# to read this output). It goes beside trunk in ~/.cargo/bin, so a plain
# `trunk build --release` finds it too; it runs on Node.
if ! have_version wasm-opt "version_${BINARYEN_VERSION%%.*}"; then
  if ! command -v npm >/dev/null; then
    say "installing Debian's npm (and Node.js)"
    apt_install npm
  fi
  say "installing wasm-opt from npm's binaryen $BINARYEN_VERSION"
  npm install --global --prefix "$HOME/.cargo" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
fi

# Browsers for the tests and the benchmark: Chromium (every test), Firefox
# ESR (the benchmark's second browser) and WebKitGTK (a page whose pool
# cannot start).
case "${1:-}" in
  --test | --bench)
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
      say "installing Debian's chromium and chromium-driver"
      apt_install chromium chromium-driver
    fi
    if ! command -v firefox-esr >/dev/null; then
      say "installing Debian's firefox-esr"
      apt_install firefox-esr
    fi
    if ! command -v WebKitWebDriver >/dev/null || ! command -v Xvfb >/dev/null; then
      say "installing Debian's webkit2gtk-driver and xvfb (WebKitGTK, Safari's engine)"
      apt_install webkit2gtk-driver xvfb
    fi
    if ! have_version geckodriver "$GECKODRIVER_VERSION"; then
      say "installing geckodriver $GECKODRIVER_VERSION (~2 min, once)"
      cargo +"$toolchain" install geckodriver --version "=$GECKODRIVER_VERSION" --locked --force
    fi
    ;;
esac

# build-std and Trunk's offline mode need the std sources' dependencies
# fetched for wasm32 before an offline build.
cargo fetch --target wasm32-unknown-unknown -q 2>/dev/null || true
