#!/usr/bin/env bash
# Retrains the shipped models, data/model/fr.bin and data/model/en.bin, on every corpus the data
# rules allow, with the options chosen on the development splits (docs/accuracy.md). The same
# corpora give the same bytes. Then `cargo build --release` embeds them.
#
#   tools/train-models.sh            # both languages
#   tools/train-models.sh fr|en      # one
#
# Environment: NOMEN_BIN (default target/release/nomen, built if missing), NOMEN_SHARED (default
# ../shared).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
C="${NOMEN_SHARED:-$root/../shared}/corpora"
nomen="${NOMEN_BIN:-target/release/nomen}"
[[ -n "${NOMEN_BIN:-}" || -x "$nomen" ]] || cargo build --release --locked
which="${1:-all}"
options=(--identity-dropout 0.2)

if [[ "$which" == all || "$which" == fr ]]; then
  "$nomen" train --lang fr "${options[@]}" --out data/model/fr.bin "$C/winer-fr/2016" "$C/winer-fr/2017"
fi
if [[ "$which" == all || "$which" == en ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 tools/gum-to-iob2.py "$C/gum/dep" >"$tmp/gum.iob2"
  whole=()
  for f in "$C/wikigold/wikigold.conll.txt" "$C"/btc/*.conll "$C/wnut17/wnut17train.conll" \
    "$C/wnut17/emerging.dev.conll" "$C/wnut17/emerging.test.annotated" \
    "$C/uner-en-ewt/en_ewt-ud-train.iob2" "$C/uner-en-ewt/en_ewt-ud-dev.iob2" \
    "$C/uner-en-pud/en_pud-ud-test.iob2" "$tmp/gum.iob2" \
    "$C/crossner-politics/train.txt" "$C/crossner-politics/dev.txt" "$C/crossner-politics/test.txt"; do
    whole+=(--whole "$f")
  done
  "$nomen" train --lang en "${options[@]}" --out data/model/en.bin "${whole[@]}"
fi
