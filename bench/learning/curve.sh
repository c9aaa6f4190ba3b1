#!/usr/bin/env bash
# The learning curve of the workspace model (docs/accuracy.md, docs/benchmarks.md): base models
# trained without the text learnt from, documents annotated one at a time in a fixed order, and
# after 5, 10, 20 and 50 documents the rest scored with the model learnt so far and without it.
# A benchmark: it measures, it never fails on a score.
#
#   bench/learning/curve.sh            # writes bench/out/learning/curve.md and prints it
#
# Splits (the learning parameters were chosen on the tuning splits, the figures reported are of
# the others):
# - French: base model trained on WiNER-fr 2016, learning on the 393 articles of 2017 in date
#   order (tuning: base of 2017, learning on 2016).
# - English: base model trained on every English corpus of bench/tagger/accuracy.sh but
#   CrossNER politics, learning on CrossNER politics test cut into documents of 10 sentences
#   (tuning: its dev split, cut the same way). Then the model learnt from the first 50 is used
#   on the base model's own development splits (nothing should be lost there).
# Environment: NOMEN_BIN (default target/release/nomen, built if missing), NOMEN_SHARED (default
# ../shared), NOMEN_SCRATCH (where the base models are trained, default /tmp/nomen-learning;
# they are reused when present). About 30 seconds on a 2-core machine, base models included.
set -euo pipefail

# shellcheck source=bench/learning/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
POINTS=5,10,20,50

# CrossNER has no document markers: every 10 sentences make a document.
docs10() { awk '/^[[:space:]]*$/ {print; n++; if (n % 10 == 0) print "-DOCSTART-\tO\n"; next} {print}' "$1"; }
docs10 "$C/crossner-politics/dev.txt" >"$S/politics-dev10.txt"
docs10 "$C/crossner-politics/test.txt" >"$S/politics-test10.txt"
for split in train dev; do
  [[ -s "$S/gum-$split.iob2" ]] || python3 tools/gum-to-iob2.py "$C/gum/dep" --split "$split" >"$S/gum-$split.iob2"
done
en_split=("$C/wikigold/wikigold.conll.txt" "$C"/btc/*.conll "$C/wnut17/wnut17train.conll"
  "$C/wnut17/emerging.dev.conll" "$C/wnut17/emerging.test.annotated" "$C/uner-en-pud/en_pud-ud-test.iob2")
[[ -s "$S/en-nopol.bin" ]] || "$nomen" train --lang en "${TRAIN[@]}" --out "$S/en-nopol.bin" \
  --whole "$C/uner-en-ewt/en_ewt-ud-train.iob2" --whole "$S/gum-train.iob2" "${en_split[@]}" 2>&1 | tail -n1 >&2

curve() { # name lang model input... : the curve's rows as table rows
  local name=$1 lang=$2 model=$3
  shift 3
  "$nomen" eval --lang "$lang" --model "$model" --all --learned --curve "$POINTS" \
    --save-model "$out/$lang.delta" "$@" >"$out/curve-$lang.txt" 2>"$out/curve-$lang.err"
  awk -v name="$name" '/^ *[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[-+][0-9.]+$/ {
      printf "| %s | %d | %d | %.3f | %.3f | %+.1f |\n", name, $1, $2, $3, $4, 100 * $5 }' "$out/curve-$lang.txt"
  grep -E '^micro PER\+LOC\+ORG' "$out/curve-$lang.txt" | awk -v name="$name" \
    '{printf "| %s | each document scored before it is learnt (all) | | | %.3f | |\n", name, $NF}'
}

f1() { grep -E '^micro PER\+LOC\+ORG' "$1" | awk '{printf "%.3f", $NF}'; }
dev() { # name input... : base and learnt F1 on an English development split
  local name=$1
  shift
  "$nomen" eval --lang en --model "$S/en-nopol.bin" "$@" >"$out/dev-base.txt" 2>/dev/null
  "$nomen" eval --lang en --model "$S/en-nopol.bin" --workspace-model "$out/en.delta" "$@" >"$out/dev-learnt.txt" 2>/dev/null
  local b l
  b=$(f1 "$out/dev-base.txt")
  l=$(f1 "$out/dev-learnt.txt")
  printf '| %s | %s | %s | %+.1f |\n' "$name" "$b" "$l" "$(echo "100 * ($l - $b)" | bc -l)"
}

table="$out/curve.md"
{
  echo "| text learnt | N documents learnt | documents scored (the rest) | base F1 | learnt F1 | gain (points) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  curve "French, WiNER-fr 2017 (base: 2016)" fr "$S/fr-2016.bin" "$C/winer-fr/2017"
  curve "English, CrossNER politics test (base: without CrossNER)" en "$S/en-nopol.bin" "$S/politics-test10.txt"
  echo
  echo "| English development split (model learnt from 50 CrossNER documents) | base F1 | learnt F1 | change (points) |"
  echo "| --- | --- | --- | --- |"
  dev "UNER EWT dev" --all "$C/uner-en-ewt/en_ewt-ud-dev.iob2"
  dev "wikigold, tenth 9" "$C/wikigold/wikigold.conll.txt"
  dev "UNER PUD, tenth 9" "$C/uner-en-pud/en_pud-ud-test.iob2"
  dev "GUM dev" --all "$S/gum-dev.iob2"
} >"$table"
cat "$table"
