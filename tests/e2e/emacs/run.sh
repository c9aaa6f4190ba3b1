#!/bin/sh
# End-to-end test of editors/emacs/nomen.el in Emacs 30 + Eglot, headless.
#
#   tests/e2e/emacs/run.sh            (from anywhere; uses target/release/nomen, or $NOMEN_BIN)
#
# Installs Emacs 30 from bookworm-backports when `emacs --version` does not already say 30
# (needs root and the Debian package registry), builds the server if it is missing, then runs
# test.el in `emacs --batch -Q`. Prints `emacs e2e: N passed, M failed`; exits non-zero on failure.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"

if ! emacs --version 2>/dev/null | head -n 1 | grep -q '^GNU Emacs 30\.'; then
    echo "emacs e2e: installing Emacs 30 from bookworm-backports" >&2
    if [ ! -f /etc/apt/sources.list.d/backports.sources ]; then
        sed -e 's/^Suites:.*/Suites: bookworm-backports/' /etc/apt/sources.list.d/debian.sources \
            | awk 'NF==0{exit} {print}' > /etc/apt/sources.list.d/backports.sources
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -t bookworm-backports emacs-nox >/dev/null
fi

bin=${NOMEN_BIN:-$root/target/release/nomen}
if [ ! -x "$bin" ]; then
    cargo build --release --quiet
fi

NOMEN_BIN=$bin timeout 180 emacs --batch -Q -l tests/e2e/emacs/test.el
