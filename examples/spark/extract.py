"""Finds the people, organisations and places of a Spark dataset with nomen.

    NOMEN_BIN=target/release/nomen python examples/spark/extract.py INPUT OUTPUT_DIR [--format jsonl|parquet]
    spark-submit --files /path/to/nomen examples/spark/extract.py INPUT OUTPUT_DIR

INPUT holds documents with an `id` and a `text` (and optionally a `language`, "fr" or "en"):
JSON Lines (the default; each line goes to nomen as it is written) or Parquet (`--format
parquet`). Each partition is piped through one `nomen extract --stdin` process, and its output
lines, `{"id", "language", "entities"}` or `{"id", "error"}`, become OUTPUT_DIR/part-* (JSON
Lines). The binary is the `nomen` shipped with `spark-submit --files`, else NOMEN_BIN, else
`nomen` on PATH, shipped to the executors with `SparkContext.addFile`.
"""

import argparse
import os
import shutil
import subprocess
import sys
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession, functions as F


def ship_binary(sc):
    """Makes nomen available to the executors; returns its file name there."""
    shipped = [f for f in sc.getConf().get("spark.files", "").split(",")
               if os.path.basename(f) == "nomen"]
    if shipped:  # spark-submit --files /path/to/nomen
        return "nomen"
    path = os.environ.get("NOMEN_BIN") or shutil.which("nomen")
    if not path or not os.access(path, os.X_OK):
        sys.exit("extract.py: set NOMEN_BIN to the nomen executable, put nomen on PATH, "
                 "or ship it with spark-submit --files /path/to/nomen")
    sc.addFile(os.path.abspath(path))
    return os.path.basename(path)


def extract_partition(name, options):
    """A function for mapPartitions: the lines of a partition through one nomen process."""

    def run(lines):
        binary = SparkFiles.get(name)
        if not os.path.exists(binary):  # on YARN, --files land in the working directory
            binary = os.path.abspath(name)
        if not os.access(binary, os.X_OK):
            os.chmod(binary, 0o755)
        command = [binary, "extract", "--stdin"] + options
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

        def feed():
            # nomen answers while it reads: the input is written from a thread of its own.
            try:
                for line in lines:
                    process.stdin.write(line.encode("utf-8") + b"\n")
            finally:
                process.stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        for out in process.stdout:
            yield out.decode("utf-8").rstrip("\n")
        feeder.join()
        # 1 means that some lines failed: their output lines say why. Anything else is a crash,
        # and the task fails so that Spark runs it again.
        if process.wait() not in (0, 1):
            raise RuntimeError(f"nomen exited with status {process.returncode}")

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input")
    parser.add_argument("output_dir")
    parser.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl",
                        help="the input's format (default jsonl)")
    parser.add_argument("--knowledge", metavar="DIR",
                        help="a folder holding .nomen/, at this path on every executor")
    args = parser.parse_args()

    spark = SparkSession.builder.appName("nomen-extract").getOrCreate()
    sc = spark.sparkContext
    name = ship_binary(sc)
    # One nomen worker per Spark core given to a task: Spark runs one task per core.
    options = ["--jobs", sc.getConf().get("spark.task.cpus", "1")]
    if args.knowledge:
        options += ["--knowledge", args.knowledge]

    if args.format == "jsonl":
        lines = sc.textFile(args.input)
    else:
        frame = spark.read.parquet(args.input)
        fields = [c for c in ("id", "text", "language") if c in frame.columns]
        lines = frame.select(F.to_json(F.struct(*fields))).rdd.map(lambda row: row[0])

    lines.mapPartitions(extract_partition(name, options)) \
        .saveAsTextFile(args.output_dir)
    spark.stop()


if __name__ == "__main__":
    main()
