#!/usr/bin/env python3
"""Turns GUM's CoNLL-U entity annotations into flat IOB2 named entities, for `nomen train`.

Usage: python3 tools/gum-to-iob2.py GUM_DEP_DIR [--split train|dev|test|all] > gum.iob2

GUM marks every referring expression ("the shuttle", "he", "NASA Administrator Charles Bolden")
in the `Entity=` field of the MISC column. A mention is named when its head token (the one whose
HEAD lies outside the span) is a proper noun (PROPN). Its flat span is the run of proper nouns
around the head, through `of`, `the`, `and`, `&` between them; a person's name never reaches
into a named mention nested in it ("NASA" in "NASA Administrator Charles Bolden" is an
organisation of its own), while an organisation's or a place's keeps the place it is named after
("Lisbon Institute").
Labels: person PER, place LOC, organization ORG, the other kinds MISC; time is left out.
Overlapping flat spans keep the earlier-starting, then longer one. A one-word span that the
corpus also writes in lower case ("the University", "the President" referring back to a name)
is a common noun used as a name, not a name: it is left out.

Output: one token and its tag a line, tab separated, sentences separated by blank lines, each
document opened by `# newdoc id = NAME`, in file-name order: the same input gives the same bytes.
The split follows GUM's own (see ../shared/corpora/gum/README.md).
"""

import os
import re
import sys

DEV = {"academic_exposure", "academic_librarians", "bio_byron", "bio_emperor", "court_loan",
       "court_negligence", "interview_cyclone", "interview_gaming", "news_homeopathic",
       "news_iodine", "voyage_athens", "voyage_coron"}
TEST = {"academic_discrimination", "academic_eegimaa", "bio_dvorak", "bio_jespersen",
        "court_insanity", "court_mitigation", "interview_hill", "interview_libertarian",
        "news_nasa", "news_sensitive", "voyage_oakland", "voyage_vavau"}
LABELS = {"person": "PER", "place": "LOC", "organization": "ORG", "time": None}
LINKS = {"of", "the", "and", "&", "de", "la", "du"}
OPEN = re.compile(r"\((\d+)-([a-z]+)")
CLOSE = re.compile(r"(\d+)\)$")


def split_of(name):
    short = name[len("GUM_"):] if name.startswith("GUM_") else name
    return "dev" if short in DEV else "test" if short in TEST else "train"


def entity_field(misc):
    for item in misc.split("|"):
        if item.startswith("Entity="):
            return item[len("Entity="):]
    return ""


def parse_entities(value, open_ids):
    """(opens, closes) of one token's Entity value: opens as (id, etype, closes_here)."""
    opens, closes = [], []
    pieces = re.split(r"(?=\(\d+-)", value)
    head, pieces = pieces[0], pieces[1:]
    closes += re.findall(r"(\d+)\)", head)
    for piece in pieces:
        m = OPEN.match(piece)
        if not m:
            continue
        ident, etype = m.group(1), m.group(2)
        rest = piece
        trailing = []
        # Strip closes of other open mentions from the end ("...coref)6)").
        while True:
            c = CLOSE.search(rest)
            if c and c.group(1) != ident and c.group(1) in open_ids and rest[: c.start()].endswith(")"):
                trailing.append(c.group(1))
                rest = rest[: c.start()]
            elif c and c.group(1) != ident and c.group(1) in open_ids and c.start() > 0 and not rest[c.start() - 1].isalnum():
                trailing.append(c.group(1))
                rest = rest[: c.start()]
            else:
                break
        opens.append((ident, etype, rest.endswith(")")))
        closes += reversed(trailing)
    return opens, closes


def sentences(path):
    sent = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if sent:
                    yield sent
                sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 10 or "-" in cols[0] or "." in cols[0]:
                continue
            sent.append(cols)
    if sent:
        yield sent


def mentions(sent):
    """(start, end, etype) token spans, end inclusive."""
    out, stack = [], {}
    for i, cols in enumerate(sent):
        value = entity_field(cols[9])
        if not value:
            continue
        opens, closes = parse_entities(value, stack)
        for ident, etype, here in opens:
            if here:
                out.append((i, i, etype))
            else:
                stack[ident] = (i, etype)
        for ident in closes:
            if ident in stack:
                start, etype = stack.pop(ident)
                out.append((start, i, etype))
    return out


def flat_spans(sent, spans, common):
    ids = [int(c[0]) for c in sent]
    named = []
    for start, end, etype in spans:
        inside = set(ids[start:end + 1])
        heads = [k for k in range(start, end + 1) if int(sent[k][6]) not in inside]
        if len(heads) != 1 or sent[heads[0]][3] != "PROPN":
            continue
        named.append((start, end, etype, heads[0]))
    out = []
    for start, end, etype, head in named:
        label = LABELS.get(etype, "MISC")
        if label is None:
            continue
        # A person's mention holds titles and affiliations that are names of their own ("NASA
        # Administrator Charles Bolden"); an organisation's or a place's holds the place it is
        # named after ("Lisbon Institute"), which is part of its name.
        nested = set()
        for s2, e2, _, _ in named:
            inside = (s2, e2) != (start, end) and start <= s2 and e2 <= end
            if etype == "person" and inside and not (s2 <= head <= e2):
                nested.update(range(s2, e2 + 1))
        ok = lambda k: start <= k <= end and k not in nested
        a = head
        while ok(a - 1) and (sent[a - 1][3] == "PROPN" or (sent[a - 1][1].lower() in LINKS and ok(a - 2) and sent[a - 2][3] == "PROPN")):
            a -= 1
        b = head
        while ok(b + 1) and (sent[b + 1][3] == "PROPN" or (sent[b + 1][1].lower() in LINKS and ok(b + 2) and sent[b + 2][3] == "PROPN")):
            b += 1
        if a == b and sent[a][1].lower() in common:
            continue
        out.append((a, b, label))
    out.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    tags = ["O"] * len(sent)
    for a, b, label in out:
        if any(t != "O" for t in tags[a:b + 1]):
            continue
        tags[a] = "B-" + label
        for k in range(a + 1, b + 1):
            tags[k] = "I-" + label
    return tags


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    split = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--split" else "all"
    out = sys.stdout
    names = sorted(n for n in os.listdir(root) if n.endswith(".conllu"))
    common = set()
    for name in names:
        for sent in sentences(os.path.join(root, name)):
            common.update(c[1] for c in sent if c[1][:1].islower())
    for name in names:
        if not name.endswith(".conllu"):
            continue
        stem = name[: -len(".conllu")]
        if split != "all" and split_of(stem) != split:
            continue
        out.write(f"# newdoc id = {stem}\n")
        for sent in sentences(os.path.join(root, name)):
            tags = flat_spans(sent, mentions(sent), common)
            for cols, tag in zip(sent, tags):
                out.write(f"{cols[1]}\t{tag}\n")
            out.write("\n")


if __name__ == "__main__":
    main()
