"""Scores a spaCy pipeline on brat documents the way `nomen eval` scores nomen.

Gold: text-bound annotations of the .ann beside each .txt, code-point offsets. Types map to
PER/LOC/ORG/MISC (Person, Location, Organization, Event/Product and the CoNLL tags); other types
(Date, Hour) are dropped first, a span annotated twice keeps its first annotation, then only the
outermost spans are kept, as in src/eval/brat.rs.
Predictions: spaCy entities mapped PERSON/PER->PER, ORG->ORG, GPE/LOC/FAC->LOC,
NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE/MISC->MISC; other types are dropped.
A prediction is right when its span (in code points) and label equal a gold one.

    python bench/tagger/spacy_score.py --model en_core_web_sm FILE.ann...
"""

import argparse
import sys

GOLD = {
    "Person": "PER", "PER": "PER",
    "Location": "LOC", "LOC": "LOC",
    "Organization": "ORG", "Organisation": "ORG", "ORG": "ORG",
    "Event": "MISC", "Product": "MISC", "MISC": "MISC",
}
SPACY = {
    "PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
    "LANGUAGE": "MISC", "MISC": "MISC",
}
LABELS = ["PER", "ORG", "LOC", "MISC"]


def gold_of(ann):
    spans = []
    for line in ann.splitlines():
        if not line.startswith("T"):
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        kind, _, offsets = fields[1].partition(" ")
        label = GOLD.get(kind)
        if label is None:
            continue
        parts = [p.split() for p in offsets.split(";")]
        try:
            start, end = int(parts[0][0]), int(parts[-1][-1])
        except (ValueError, IndexError):
            continue
        spans.append((start, end, label))
    # Of a span annotated twice with two labels ("Yves Rocher" as Person and Organization),
    # the annotation listed first, as src/eval/brat.rs keeps it.
    first = {}
    for start, end, label in spans:
        first.setdefault((start, end), label)
    spans = [(start, end, label) for (start, end), label in first.items()]
    outer = set()
    for s in spans:
        inside = any(o != s and o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                     for o in spans)
        if not inside:
            outer.add(s)
    return outer


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--no-score", action="store_true",
                    help="only run the pipeline over the .txt files (for timing); print the entity count")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    import spacy

    nlp = spacy.load(args.model)
    paths = [f[: -len(".ann")] if f.endswith(".ann") else f[: -len(".txt")] for f in args.files]
    texts = [open(p + ".txt", encoding="utf-8").read() for p in paths]
    if args.no_score:
        print(sum(len(doc.ents) for doc in nlp.pipe(texts)))
        return
    golds = [gold_of(open(p + ".ann", encoding="utf-8").read()) for p in paths]
    counts = {l: [0, 0, 0] for l in LABELS}
    for doc, gold in zip(nlp.pipe(texts), golds):
        pred = {(e.start_char, e.end_char, SPACY[e.label_]) for e in doc.ents if e.label_ in SPACY}
        for p in pred:
            counts[p[2]][0 if p in gold else 1] += 1
        for g in gold:
            if g not in pred:
                counts[g[2]][2] += 1

    def row(name, tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:<18} {tp:>6} {fp:>6} {fn:>6} {p:>7.3f} {r:>7.3f} {f:>7.3f}")

    print(f"{len(paths)} documents, spaCy {spacy.__version__} {args.model}, exact span and label match")
    print(f"{'label':<18} {'tp':>6} {'fp':>6} {'fn':>6} {'P':>7} {'R':>7} {'F1':>7}")
    for l in LABELS:
        row(l, *counts[l])
    micro = [sum(counts[l][k] for l in ["PER", "LOC", "ORG"]) for k in range(3)]
    row("micro PER+LOC+ORG", *micro)
    row("micro all", *[sum(counts[l][k] for l in LABELS) for k in range(3)])


if __name__ == "__main__":
    sys.exit(main())
