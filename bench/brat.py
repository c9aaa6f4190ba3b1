"""Reading WiNER-fr brat documents and scoring entity predictions against them.

Shared by spacy_eval.py. Offsets are code points, as in WiNER-fr's `.ann` files and in the
jsonl that `nomen extract` and spacy_extract.py print.
"""

import json
import os
import unicodedata
from collections import Counter

# WiNER-fr label -> the project's label set (shared/README.md).
WINER_LABELS = {
    "Person": "PER",
    "Location": "LOC",
    "Organization": "ORG",
    "Event": "MISC",
    "Product": "MISC",
    "Date": "DATE",
    "Hour": "DATE",
}
SCORED = ("PER", "LOC", "ORG")


def read_ann(path, text):
    """The entities of one `.ann` file as (start, end, label) with mapped labels."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("T"):
                continue
            _, middle, surface = line.rstrip("\n").split("\t", 2)
            label, spans = middle.split(" ", 1)
            # No discontinuous spans in WiNER-fr; take the outer bounds if one ever appears.
            bounds = [int(x) for part in spans.split(";") for x in part.split()]
            start, end = min(bounds), max(bounds)
            # A few surfaces lose invisible marks (U+200F) that the offsets include.
            if _visible(text[start:end]) != _visible(surface):
                raise ValueError(f"{path}: {start}-{end} is {text[start:end]!r}, not {surface!r}")
            out.append((start, end, WINER_LABELS.get(label, label)))
    return out


def _visible(s):
    return "".join(c for c in s if unicodedata.category(c) not in ("Cf", "Zs", "Cc")).strip()


def outermost(entities):
    """Entities not strictly inside another one (of any label), as flat NER systems see them."""
    keep = []
    for e in entities:
        inside = any(
            o is not e and o[0] <= e[0] and e[1] <= o[1] and (o[1] - o[0]) > (e[1] - e[0])
            for o in entities
        )
        if not inside:
            keep.append(e)
    return keep


def gold_document(txt_path):
    """The gold entities of a document as `nomen eval` reads them (src/eval/brat.rs): types
    outside PER/LOC/ORG/MISC (dates, hours) dropped first; of a span annotated twice with two
    labels ("Yves Rocher" as Person and Organization), the annotation listed first; then only
    the outermost spans."""
    with open(txt_path, encoding="utf-8", newline="") as f:
        text = f.read()
    ann = os.path.splitext(txt_path)[0] + ".ann"
    first = {}
    for start, end, label in read_ann(ann, text):
        if label in SCORED + ("MISC",):
            first.setdefault((start, end), label)
    entities = [(start, end, label) for (start, end), label in first.items()]
    return text, set(outermost(entities))


def read_jsonl(path):
    """Predictions as {path: set of (start, end, label)} from `nomen extract`-style jsonl."""
    preds = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                doc = json.loads(line)
                preds[os.path.realpath(doc["path"])] = {
                    (e["start"], e["end"], e["label"]) for e in doc["entities"]
                }
    return preds


def score(pairs):
    """Exact-span precision, recall and F1 per scored label and micro-averaged.

    `pairs` yields (gold set, predicted set) per document; labels outside SCORED are ignored
    on both sides.
    """
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, pred in pairs:
        gold = {e for e in gold if e[2] in SCORED}
        pred = {e for e in pred if e[2] in SCORED}
        for e in gold & pred:
            tp[e[2]] += 1
        for e in pred - gold:
            fp[e[2]] += 1
        for e in gold - pred:
            fn[e[2]] += 1
    rows = []
    for label in SCORED + ("micro",):
        if label == "micro":
            t, p, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
        else:
            t, p, n = tp[label], fp[label], fn[label]
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"label": label, "tp": t, "fp": p, "fn": n,
                     "precision": precision, "recall": recall, "f1": f1})
    return rows


def print_table(title, rows):
    print(title)
    print(f"{'label':<6} {'gold':>6} {'pred':>6} {'tp':>6} {'P':>7} {'R':>7} {'F1':>7}")
    for r in rows:
        print(f"{r['label']:<6} {r['tp'] + r['fn']:>6} {r['tp'] + r['fp']:>6} {r['tp']:>6} "
              f"{100 * r['precision']:>6.1f}% {100 * r['recall']:>6.1f}% {100 * r['f1']:>6.1f}%")
