#!/usr/bin/env bash
# Five-fold cross-validation of the French tagger inside the WiNER-fr 2016 articles (split by
# article: every fifth file in name order), pooled PER/LOC/ORG micro F1. A measurement, never a
# check: it prints the five folds and the pooled figure. Reuses target/release/nomen.
#
#   bench/tagger/cv.sh
#   TRAIN_ARGS="--epochs 20" bench/tagger/cv.sh   # other training options
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
shared="${NOMEN_SHARED:-$root/../shared}"
nomen="${NOMEN_BIN:-target/release/nomen}"
[[ -x "$nomen" ]] || cargo build --release --locked
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
i=0
while IFS= read -r ann; do
  k=$((i % 5))
  for j in 0 1 2 3 4; do
    if [[ $j -eq $k ]]; then d="$work/test$j"; else d="$work/train$j"; fi
    mkdir -p "$d"
    b="$(basename "$ann" .ann)"
    ln -s "$(realpath "$ann")" "$d/$b.ann"
    ln -s "$(realpath "${ann%.ann}.txt")" "$d/$b.txt"
  done
  i=$((i + 1))
done < <(find "$shared/corpora/winer-fr/2016" -name '*.ann' | sort)
for j in 0 1 2 3 4; do
  "$nomen" train --lang fr ${TRAIN_ARGS:-} --out "$work/m$j.bin" "$work/train$j" 2>/dev/null
  "$nomen" eval --lang fr --model "$work/m$j.bin" "$work/test$j" | grep 'micro PER+LOC+ORG'
done | awk '{ tp += $3; fp += $4; fn += $5; print "fold " NR - 1 ": F1 " $NF }
  END { p = tp / (tp + fp); r = tp / (tp + fn);
        printf "pooled: P %.3f R %.3f F1 %.3f (%d articles)\n", p, r, 2 * p * r / (p + r), '"$i"' }'
