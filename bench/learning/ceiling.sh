#!/usr/bin/env bash
# What the French learning curve could gain at most (docs/accuracy.md): instead of learning the
# first N articles of WiNER-fr 2017 into a workspace model, the tagger is trained again from
# scratch on WiNER-fr 2016 and those N articles (once, and five times over for N = 20), and the
# articles after the N-th are scored with it and with the model of 2016 alone. Full supervised
# training on the same documents bounds what learning from them online can add.
# A benchmark: it measures, it never fails on a score.
#
#   bench/learning/ceiling.sh          # writes bench/out/learning/ceiling.md and prints it
#
# Environment: NOMEN_BIN (default target/release/nomen, built if missing), NOMEN_SHARED (default
# ../shared), NOMEN_SCRATCH (default /tmp/nomen-learning; the model of 2016 is shared with
# curve.sh and reused when present). About a minute on a 2-core machine.
set -euo pipefail

# shellcheck source=bench/learning/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
year="$C/winer-fr/2017"

# The articles in date order (their paths sort so), the first N linked under first-N (COPIES
# times over, in folders of their own) and the others under rest-N.
split() { # N COPIES
  local n=$1 copies=$2 i=0 k
  rm -rf "$S/first-$n" "$S/rest-$n"
  mkdir -p "$S/rest-$n"
  for k in $(seq "$copies"); do mkdir -p "$S/first-$n/$k"; done
  while read -r txt; do
    i=$((i + 1))
    local base=${txt%.txt} name
    name=$(basename "$base")
    if ((i <= n)); then
      for k in $(seq "$copies"); do
        ln -s "$base.txt" "$S/first-$n/$k/$name.txt"
        ln -s "$base.ann" "$S/first-$n/$k/$name.ann"
      done
    else
      ln -s "$base.txt" "$S/rest-$n/$name.txt"
      ln -s "$base.ann" "$S/rest-$n/$name.ann"
    fi
  done < <(find "$year" -name '*.txt' | sort)
}

f1() { "$nomen" eval --lang fr --model "$1" "$2" 2>/dev/null | awk '/^micro PER/ {print $NF}'; }

row() { # N COPIES
  local n=$1 copies=$2 model
  split "$n" "$copies"
  model="$S/fr-2016-first-$n-x$copies.bin"
  "$nomen" train --lang fr "${TRAIN[@]}" --out "$model" "$C/winer-fr/2016" \
    "$S/first-$n"/* >/dev/null 2>&1
  local base retrained
  base=$(f1 "$S/fr-2016.bin" "$S/rest-$n")
  retrained=$(f1 "$model" "$S/rest-$n")
  printf '| %d | %d | %d | %s | %s | %+.1f |\n' "$n" "$copies" "$(find "$S/rest-$n" -name '*.txt' | wc -l)" \
    "$base" "$retrained" "$(echo "100 * ($retrained - $base)" | bc -l)"
}

table="$out/ceiling.md"
{
  echo "| N first articles of 2017 | times given | articles scored (the rest) | model of 2016 F1 | trained again with them F1 | gain (points) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  row 20 1
  row 20 5
  row 50 1
} >"$table"
cat "$table"
