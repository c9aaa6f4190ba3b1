#!/usr/bin/env bash
# End-to-end test of examples/spark/extract.py in Spark local mode.
#
#   tests/e2e/spark/run.sh     (from anywhere; uses target/release/nomen, or $NOMEN_BIN)
#
# 10,000 documents built from the shared corpora go through one `nomen extract --stdin` run and
# through Spark (JSON Lines input, then the same documents as Parquet). The JSON Lines run must
# give the same lines in the same order (Spark keeps the order of a text file's partitions, and
# part-* files are in partition order); Parquet partitions may come back in another order, so
# that run is compared after sorting both by id. Installs PySpark from PyPI into .venv-spark,
# and a Java runtime from Debian when `java` is missing. Prints `spark e2e: N passed, M failed`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"

if ! command -v java >/dev/null; then
    echo "spark e2e: installing a Java runtime" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
if ! .venv-spark/bin/python -c 'import pyspark' 2>/dev/null; then
    echo "spark e2e: installing PySpark into .venv-spark" >&2
    python3 -m venv .venv-spark
    .venv-spark/bin/pip install --quiet --disable-pip-version-check pyspark==4.3.0
fi

bin=${NOMEN_BIN:-$root/target/release/nomen}
if [ ! -x "$bin" ]; then
    cargo build --release --quiet
fi
export NOMEN_BIN=$bin
corpora=${NOMEN_CORPORA:-$root/../shared/corpora}
python=.venv-spark/bin/python
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
result() {
    if [ "$1" = ok ]; then
        passed=$((passed + 1))
        echo "ok: $2"
    else
        failed=$((failed + 1))
        echo "FAILED: $2"
    fi
}
seconds() { python3 -c 'import time; print(f"{time.time():.3f}")'; }
# Spark's own log goes to a file, shown only when a run fails.
log=$work/spark.log

python3 tests/e2e/spark/make_docs.py "$corpora" 10000 >"$work/docs.jsonl"
echo "spark e2e: $(wc -l <"$work/docs.jsonl") documents, $(du -k "$work/docs.jsonl" | cut -f1) KB"

t0=$(seconds)
"$bin" extract --stdin <"$work/docs.jsonl" >"$work/direct.jsonl"
t1=$(seconds)
if "$python" examples/spark/extract.py "$work/docs.jsonl" "$work/out-jsonl" 2>>"$log"; then
    t2=$(seconds)
    cat "$work"/out-jsonl/part-* >"$work/spark.jsonl"
    if cmp -s "$work/direct.jsonl" "$work/spark.jsonl"; then
        result ok "JSON Lines through Spark: $(wc -l <"$work/spark.jsonl") lines, identical in order"
    else
        result failed "JSON Lines through Spark differ from the direct run"
        diff "$work/direct.jsonl" "$work/spark.jsonl" | head -n 5 || true
    fi
    echo "spark e2e: wall time: direct $(python3 -c "print(f'{$t1 - $t0:.1f}')") s, Spark local mode $(python3 -c "print(f'{$t2 - $t1:.1f}')") s"
else
    result failed "examples/spark/extract.py on JSON Lines"
    tail -n 20 "$log"
fi

sort_by_id() {
    python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
lines.sort(key=lambda l: json.loads(l)["id"])
print("\n".join(lines))'
}
"$python" - "$work/docs.jsonl" "$work/docs.parquet" 2>>"$log" <<'EOF'
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
spark.read.json(sys.argv[1]).repartition(4).write.parquet(sys.argv[2])
spark.stop()
EOF
if "$python" examples/spark/extract.py --format parquet "$work/docs.parquet" "$work/out-parquet" 2>>"$log"; then
    cat "$work"/out-parquet/part-* | sort_by_id >"$work/spark-parquet.jsonl"
    sort_by_id <"$work/direct.jsonl" >"$work/direct-sorted.jsonl"
    if cmp -s "$work/direct-sorted.jsonl" "$work/spark-parquet.jsonl"; then
        result ok "Parquet through Spark: the same lines once sorted by id"
    else
        result failed "Parquet through Spark differs from the direct run (sorted by id)"
        diff "$work/direct-sorted.jsonl" "$work/spark-parquet.jsonl" | head -n 5 || true
    fi
else
    result failed "examples/spark/extract.py on Parquet"
    tail -n 20 "$log"
fi

echo "spark e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
