"""Writes N JSON Lines documents built from the shared corpora's texts, to stdout.

    python3 tests/e2e/spark/make_docs.py ../shared/corpora N [--repeat-until BYTES]

The WiNER-fr articles (French) and the wikigold documents (English, tokens joined by spaces)
are taken in turn, over and over; every tenth document says its language, the others leave it
to nomen. Ids are 0, 1, 2, ... With --repeat-until, documents are written until that many
bytes are out, whatever N (a stream for the memory measurement).
"""

import argparse
import glob
import json
import os
import sys


def french(corpora):
    for path in sorted(glob.glob(os.path.join(corpora, "winer-fr", "*", "*", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            yield f.read(), "fr"


def english(corpora):
    words = []
    with open(os.path.join(corpora, "wikigold", "wikigold.conll.txt"), encoding="utf-8") as f:
        for line in f:
            token = line.rsplit(" ", 1)[0].strip()
            if token == "-DOCSTART-":
                if words:
                    yield " ".join(words), "en"
                words = []
            elif token:
                words.append(token)
    if words:
        yield " ".join(words), "en"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpora")
    parser.add_argument("count", type=int)
    parser.add_argument("--repeat-until", type=int, default=0)
    args = parser.parse_args()
    texts = list(french(args.corpora)) + list(english(args.corpora))
    if not texts:
        sys.exit(f"make_docs.py: no texts under {args.corpora}")
    out = sys.stdout
    written, i = 0, 0
    while (i < args.count) if not args.repeat_until else (written < args.repeat_until):
        text, language = texts[i % len(texts)]
        doc = {"id": i, "text": text}
        if i % 10 == 0:
            doc["language"] = language
        line = json.dumps(doc, ensure_ascii=False) + "\n"
        out.write(line)
        written += len(line.encode("utf-8"))
        i += 1


if __name__ == "__main__":
    main()
