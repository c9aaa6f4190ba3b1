"""Finds the people, organisations and places of JSON Lines documents with nomen and Dask.

    NOMEN_BIN=target/release/nomen python examples/dask/extract.py 'archive/*.jsonl' OUTPUT_DIR

The same job as examples/spark/extract.py without a JVM: each partition of the input (a block
of lines of `{"id", "text", "language"}`) goes through one `nomen extract --stdin` process, and
its output lines are written to OUTPUT_DIR/part-* (JSON Lines, in input order). The binary is
NOMEN_BIN, else `nomen` on PATH; on a distributed cluster it must be installed on every worker.
"""

import argparse
import os
import shutil
import subprocess
import sys

import dask.bag


def nomen_binary():
    path = os.environ.get("NOMEN_BIN") or shutil.which("nomen")
    if not path or not os.access(path, os.X_OK):
        sys.exit("extract.py: set NOMEN_BIN to the nomen executable, or put nomen on PATH")
    return os.path.abspath(path)


def extract_partition(lines, binary):
    """One partition's lines (each ending in a line break) through one nomen process."""
    data = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    # A partition is a block of the input (64 MB by default): it fits in memory, so nomen is
    # fed and read in one go.
    done = subprocess.run([binary, "extract", "--stdin", "--jobs", "1"],
                          input=data.encode("utf-8"), stdout=subprocess.PIPE)
    # 1 means that some lines failed: their output lines say why.
    if done.returncode not in (0, 1):
        raise RuntimeError(f"nomen exited with status {done.returncode}")
    return done.stdout.decode("utf-8").splitlines()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="a JSON Lines file or a glob of them")
    parser.add_argument("output_dir")
    parser.add_argument("--blocksize", default="64MB", help="bytes of input per partition")
    args = parser.parse_args()

    binary = nomen_binary()
    lines = dask.bag.read_text(args.input, blocksize=args.blocksize)
    results = lines.map_partitions(extract_partition, binary)
    # part-00000, part-00001, ...: in input order when listed by name, as Spark's are.
    results.to_textfiles(os.path.join(args.output_dir, "part-*"),
                         name_function=lambda i: f"{i:05d}", last_endline=True)


if __name__ == "__main__":
    main()
