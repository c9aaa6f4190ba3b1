"""Builds data/model/en-clusters.bin from spaCy's English Brown clusters (spacy-lookups-data, MIT).

    python3 bench/tagger/build_clusters.py ../shared/lexicons/spacy-lookups/en_lexeme_cluster.json.gz \
        data/model/en-clusters.bin [--words 300000]

Keeps the first WORDS entries of the file (it lists words by frequency) whose cluster is not 0.
Layout, little-endian: b"NOMENCL3", u32 n, n 40-bit word hashes (5 bytes each, sorted), n
24-bit cluster ids (3 bytes each: the longest path is 18 bits). The word hash is the low 40 bits
of src/tagger/features.rs's `hash(CLUSTER_KEY, &[word])`: FNV-1a 64 over the template
byte and the word's UTF-8 bytes followed by 0xff, then the SplitMix64 finaliser.
"""

import argparse
import gzip
import json
import struct

M = (1 << 64) - 1
CLUSTER_KEY = 200
KEY_MASK = (1 << 40) - 1


def feature_hash(template, parts):
    h = 0xCBF29CE484222325
    data = bytes([template]) + b"".join(p.encode("utf-8") + b"\xff" for p in parts)
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & M
    z = h
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--words", type=int, default=300000)
    args = ap.parse_args()
    with gzip.open(args.source, "rt", encoding="utf-8") as f:
        clusters = json.load(f)
    entries = {}
    for word, cluster in clusters.items():
        if len(entries) >= args.words:
            break
        if cluster and not word.isspace():
            entries.setdefault(feature_hash(CLUSTER_KEY, [word]) & KEY_MASK, cluster)
    keys = sorted(entries)
    with open(args.out, "wb") as f:
        f.write(b"NOMENCL3")
        f.write(struct.pack("<I", len(keys)))
        f.write(b"".join(k.to_bytes(5, "little") for k in keys))
        f.write(b"".join(entries[k].to_bytes(3, "little") for k in keys))
    print(f"{len(keys)} words -> {args.out}")


if __name__ == "__main__":
    main()
