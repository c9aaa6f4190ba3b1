#!/bin/sh
# End-to-end test of editors/vim/nomen.vim in Vim 9 + ALE, headless.
#
#   tests/e2e/vim/run.sh            (from anywhere; uses target/release/nomen, or $NOMEN_BIN)
#
# Installs vim and vim-ale from Debian when ALE is missing (needs root), builds the server if it
# is missing, runs test.vim in `vim -es`. Prints `vim e2e: N passed, M failed`; exits non-zero
# on failure.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"

if ! command -v vim >/dev/null || [ ! -d /usr/share/vim/vimfiles/pack/dist-bundle/opt/ale ]; then
    echo "vim e2e: installing vim and vim-ale" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq vim vim-ale >/dev/null
fi

bin=${NOMEN_BIN:-$root/target/release/nomen}
if [ ! -x "$bin" ]; then
    cargo build --release --quiet
fi

# -es prints nothing of its own; test.vim writes its results to $NOMEN_E2E_OUT, printed after
# (writing to /dev/stdout would overwrite earlier output when stdout is a file).
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
NOMEN_BIN=$bin NOMEN_E2E_OUT=$out timeout 120 vim -N -u NONE -i NONE -n -es -S tests/e2e/vim/test.vim \
    || status=$?
cat "$out"
exit "$status"
