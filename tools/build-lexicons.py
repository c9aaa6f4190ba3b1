#!/usr/bin/env python3
"""Regenerates data/lexicons/ from the shared lexicons (../shared/lexicons).

Usage, from the repository root:

    python3 tools/build-lexicons.py [SHARED_LEXICONS_DIR]

The default source is ../shared/lexicons. The output is deterministic (sorted, de-duplicated,
UTF-8, one key per line) so that a re-run on the same input gives byte-identical files.

Every key is normalised the way `src/extract/lexicon.rs` normalises tokens at run time:
lower case, typographic apostrophe U+2019 replaced by ', runs of spaces collapsed to one space.
Only Latin-script names are kept. Files written:

    places.txt        countries, regions, continents, subdivisions (CLDR fr/en, i18n-iso-countries
                      names and aliases) and GeoNames cities over 15,000 inhabitants with their
                      Latin-script alternate names (alternate names only for cities over 50,000)
    countries.txt     countries, continents and cities over 1,000,000 inhabitants: the subset of
                      places.txt that is a stronger LOC signal
    first_names.txt   Dicollecte first names, Moby English first names, faker first names
    surnames.txt      Dicollecte surnames and faker last names
    company_suffixes.txt  cleanco legal-form suffixes (Inc, Ltd, SA, GmbH, ...)
    demonyms_en.txt   CLDR English language names (Russian, French, ...) and SCOWL capitalised
                      words shaped like nationality adjectives (Libyan), minus names and places
    fr_words.txt      Dicollecte hunspell stems that are not proper nouns
    fr_adj.txt        the adjective subset of fr_words.txt
    en_words.txt      lower-case SCOWL words (american-english and british-english)

Hand-written lists (data/lexicons/curated_*.txt) are not generated and not touched here.
"""

import json
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "lexicons")
OUT = os.path.join(ROOT, "data", "lexicons")


def norm(s):
    s = unicodedata.normalize("NFC", s).replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s.strip()).lower()


def latin(s):
    """True when every letter of `s` is Latin script (Basic Latin to Latin Extended Additional)."""
    for ch in s:
        if ch.isalpha():
            cp = ord(ch)
            if not (cp < 0x250 or 0x1E00 <= cp <= 0x1EFF):
                return False
        elif ch not in " -'.\u2019" and not ch.isdigit():
            return False
    return any(ch.isalpha() for ch in s)


def proper(s):
    """A name as written in running text starts with a capital letter."""
    return latin(s) and s[:1].isupper()


def src(*parts):
    return os.path.join(SRC, *parts)


def write(name, keys):
    keys = sorted({norm(k) for k in keys if k and norm(k)})
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        for k in keys:
            f.write(k + "\n")
    print(f"{name}: {len(keys)} keys", file=sys.stderr)


def read_lines(*parts):
    with open(src(*parts), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def countries():
    out = set()
    cldr = json.load(open(src("cldr", "cldr_fr_en_names.json"), encoding="utf-8"))
    for lang in ("fr", "en"):
        out.update(v for v in cldr[lang]["territories"].values() if proper(v))
    for lang in ("fr", "en"):
        data = json.load(open(src("countries", f"i18n-iso-countries_{lang}.json"), encoding="utf-8"))
        for v in data["countries"].values():
            for name in v if isinstance(v, list) else [v]:
                if proper(name):
                    out.add(name)
    for c in json.load(open(src("geonames", "continents.json"), encoding="utf-8")).values():
        out.add(c.get("name", ""))
        out.update(a["name"] for a in c.get("alternateNames", []) if a.get("lang") in ("fr", "en"))
    return {c for c in out if proper(c)}


def major_cities():
    """Cities over 1,000,000 inhabitants, with their Latin-script names, as strong as countries."""
    cities = json.load(open(src("geonames", "cities15000.json"), encoding="utf-8"))
    out = set()
    for city in cities.values():
        if city.get("population", 0) >= 1_000_000:
            out.add(city["name"])
            out.update(a for a in city.get("alternatenames", []) if proper(a) and len(a) > 3 and not a.isupper())
    return out


def places(country_names):
    out = set(country_names)
    cldr = json.load(open(src("cldr", "cldr_fr_en_names.json"), encoding="utf-8"))
    for lang in ("fr", "en"):
        out.update(v for v in cldr[lang]["subdivisions"].values() if proper(v))
        out.update(v for v in cldr[lang]["exemplar_cities"].values() if proper(v))
    cities = json.load(open(src("geonames", "cities15000.json"), encoding="utf-8"))
    for city in cities.values():
        out.add(city["name"])
        if city.get("population", 0) >= 50_000:
            # All-capital alternate names are codes (ITU, PKK) that shadow acronyms.
            out.update(a for a in city.get("alternatenames", []) if proper(a) and len(a) > 2 and not a.isupper())
    return {p for p in out if proper(p)}


def names():
    first = set(read_lines("names", "fr_first_names_dicollecte_MPL2.txt"))
    first |= set(read_lines("names", "en_male_first_names_moby_PD.txt"))
    first |= set(read_lines("names", "en_female_first_names_moby_PD.txt"))
    last = set(read_lines("names", "fr_surnames_dicollecte_MPL2.txt"))
    faker = json.load(open(src("names", "faker_names_MIT.json"), encoding="utf-8"))
    for locale in faker.values():
        first.update(locale["first_names"])
        last.update(locale["last_names"])
    return {f for f in first if proper(f)}, {s for s in last if proper(s)}


def company_suffixes():
    data = json.load(open(src("names", "cleanco_company_suffixes_MIT.json"), encoding="utf-8"))
    out = set()
    for group in data["by_type"].values():
        for suffix in group:
            s = suffix.strip()
            # Two-letter lower-case suffixes ("da", "og", "pt") collide with particles and words.
            if latin(s) and " " not in s and "&" not in s and len(s.strip(".")) >= 2:
                out.add(s)
    return out


def demonyms_en(cldr, names, place_names):
    """English language names (CLDR) and capitalised SCOWL words shaped like nationality
    adjectives (Libyan, Chinese, Turkish), minus anything that is also a name or a place."""
    out = {v for v in cldr["en"]["languages"].values() if proper(v) and " " not in v}
    endings = ("ian", "ean", "an", "ese", "ish", "i")
    for w in read_lines("wordlists-en", "american-english"):
        if proper(w) and "'" not in w and w.endswith(endings) and not w.endswith("man"):
            out.add(w)
    blocked = {norm(n) for n in names} | {norm(p) for p in place_names}
    return {d for d in out if norm(d) not in blocked}


def french_words():
    words, adjs = set(), set()
    for line in read_lines("hunspell-fr", "fr.dic")[1:]:
        stem, _, tags = line.partition(" ")
        stem = stem.split("/")[0]
        if not stem or not stem[0].islower() or not latin(stem):
            continue
        if "po:npr" in tags or "po:prn" in tags or "po:patr" in tags:
            continue
        words.add(stem)
        if "po:adj" in tags:
            adjs.add(stem)
    return words, adjs


def english_words():
    out = set()
    for name in ("american-english", "british-english"):
        for w in read_lines("wordlists-en", name):
            if w[:1].islower() and "'" not in w and latin(w):
                out.add(w)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    words, adjs = french_words()
    en_words = english_words()
    # Short place names that are also common words ("Un", "Of", "Bar") do more harm than good;
    # the hand-written curated list restores the few that matter (US).
    short_word = lambda p: len(p) <= 3 and (norm(p) in words or norm(p) in en_words)
    country_names = {c for c in countries() | major_cities() if not short_word(c)}
    write("countries.txt", country_names)
    write("places.txt", {p for p in places(country_names) if not short_word(p)})
    first, last = names()
    write("first_names.txt", first)
    write("surnames.txt", last)
    write("company_suffixes.txt", company_suffixes())
    cldr = json.load(open(src("cldr", "cldr_fr_en_names.json"), encoding="utf-8"))
    write("demonyms_en.txt", demonyms_en(cldr, first | last, places(country_names)))
    write("fr_words.txt", words)
    write("fr_adj.txt", adjs)
    write("en_words.txt", en_words)


if __name__ == "__main__":
    main()
