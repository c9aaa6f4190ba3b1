# Sourced by the learning benchmarks (curve.sh, ceiling.sh): goes to the repository root and
# sets shared, C (the corpora), out, S (the scratch folder), nomen (built when NOMEN_BIN is
# not given) and TRAIN (the shipped models' training options), and trains the French base
# model of 2016 into S unless it is there.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
shared="${NOMEN_SHARED:-$root/../shared}"
C="$shared/corpora"
out=bench/out/learning
mkdir -p "$out"
S="${NOMEN_SCRATCH:-/tmp/nomen-learning}"
mkdir -p "$S"
nomen="${NOMEN_BIN:-target/release/nomen}"
if [[ -z "${NOMEN_BIN:-}" ]]; then
  cargo build --release --locked
fi
TRAIN=(--identity-dropout 0.2)
[[ -s "$S/fr-2016.bin" ]] || "$nomen" train --lang fr "${TRAIN[@]}" --out "$S/fr-2016.bin" \
  "$C/winer-fr/2016" 2>&1 | tail -n1 >&2
