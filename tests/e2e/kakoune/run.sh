#!/bin/sh
# End-to-end test of editors/kakoune/nomen.kak in Kakoune + kak-lsp 22, headless.
#
#   tests/e2e/kakoune/run.sh        (from anywhere; uses target/release/nomen, or $NOMEN_BIN)
#
# Installs kakoune from Debian and kak-lsp 22.0.0 with cargo when they are missing (needs root
# for apt; the kak-lsp build took 13 minutes on 2 busy cores), builds the server if missing,
# then runs test.py. Prints `kakoune e2e: N passed, M failed`; exits non-zero on failure.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
PATH=$HOME/.cargo/bin:$PATH
export PATH

if ! command -v kak >/dev/null; then
    echo "kakoune e2e: installing kakoune" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kakoune >/dev/null
fi
if ! kak-lsp --version 2>/dev/null | grep -q '^22\.'; then
    echo "kakoune e2e: installing kak-lsp 22.0.0 (cargo install, several minutes)" >&2
    cargo install --quiet kak-lsp --version 22.0.0 --locked
fi

bin=${NOMEN_BIN:-$root/target/release/nomen}
if [ ! -x "$bin" ]; then
    cargo build --release --quiet
fi

NOMEN_BIN=$bin timeout 180 python3 tests/e2e/kakoune/test.py
