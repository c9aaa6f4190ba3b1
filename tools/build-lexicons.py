#!/usr/bin/env python3
"""Regenerates data/lexicons/ from the shared lexicons (../shared/lexicons).

Usage, from the repository root:

    python3 tools/build-lexicons.py [SHARED_LEXICONS_DIR [OUT_DIR]]

The default source is ../shared/lexicons and the default output data/lexicons (a test builds
tiny lexicons elsewhere). The hand-written data/lexicons/curated.txt (LABEL<TAB>name) is read
and merged in. The output is deterministic: a re-run on the same
input gives byte-identical files.

Every key is normalised the way `src/extract/lexicon.rs` normalises tokens at run time:
lower case, typographic apostrophes (U+2019, U+02BC) as ', runs of whitespace as one space.
Only Latin-script names are kept. Two files are written:

    lexicon.txt   one `key<TAB>flags` line per key (flags in hex, bits as in lexicon.rs)
    lexicon.idx   a hash table over lexicon.txt (FNV-1a, linear probing, little-endian u32),
                  so that the program looks keys up without building anything at start-up

The flags say which lists hold the key:

    COUNTRY       countries, continents (CLDR, i18n-iso-countries, GeoNames) and cities over
                  1,000,000 inhabitants with their Latin-script names: a strong LOC signal
    PLACE         the above plus CLDR subdivisions and exemplar cities, GeoNames cities over
                  15,000 inhabitants, and Latin-script alternate names of those over 50,000
    FIRST_NAME    Dicollecte first names, Moby English first names, faker first names
    SURNAME       Dicollecte surnames and faker last names
    COMPANY_SUFFIX cleanco legal-form suffixes (Inc, Ltd, SA, GmbH, ...)
    DEMONYM_EN    CLDR English language names (Russian, French, ...) and SCOWL capitalised
                  words shaped like nationality adjectives (Libyan), minus names and places
    FR_WORD       Dicollecte hunspell stems that are not proper nouns; FR_ADJ their adjectives
    EN_WORD       lower-case SCOWL words (american-english and british-english)
    CURATED_*     the hand-written curated.txt, by label
    PHRASE_START  the first word of a multi-word key
    PHRASE_PREFIX the words that begin a longer multi-word key, one or more (lookups stop early)
    GAZ_COMMUNE   French communes and arrondissements of every size (INSEE Code officiel
                  géographique) and GeoNames places of France and its overseas territories
    GAZ_ADMIN     French départements and régions (INSEE), US states (GeoNames)
    GAZ_PLACE     GeoNames places of 500 inhabitants or more anywhere, with their Latin-script
                  alternate names for places of 1,000 or more
    POP_SMALL     the largest gazetteer place of that name has fewer than 2,000 inhabitants
    POP_LARGE     the largest gazetteer place of that name has 20,000 inhabitants or more
    GAZ_ORG       French media and their owners (media-fr), French groupings of communes (EPCI,
                  EPT: INSEE)

The gazetteer flags are features the tagger weighs with the word's capitalisation, whether it is
a dictionary word and the population: "Orange", "Tours" or "Y" are communes and words, and the
model learns how much each combination says. They are not rules, and they do not make the rules
propose mentions (only COUNTRY, PLACE and the curated lists do).
"""

import json
import os
import re
import struct
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "lexicons")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "data", "lexicons")
CURATED_FILE = os.path.join(ROOT, "data", "lexicons", "curated.txt")


def norm(s):
    s = unicodedata.normalize("NFC", s).replace("\u2019", "'").replace("\u02bc", "'")
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


# Bit numbers of `Flags` in src/extract/lexicon.rs; keep the two in step.
COUNTRY, PLACE, FIRST_NAME, SURNAME, COMPANY_SUFFIX, DEMONYM_EN = 0, 1, 2, 3, 4, 5
FR_WORD, FR_ADJ, EN_WORD = 6, 7, 8
CURATED = {"PER": 9, "ORG": 10, "LOC": 11, "MISC": 12}
PHRASE_START = 13
PHRASE_PREFIX = 14
GAZ_COMMUNE, GAZ_ADMIN, GAZ_PLACE, POP_SMALL, POP_LARGE, GAZ_ORG = 15, 16, 17, 18, 19, 20


def load_json(*parts):
    with open(src(*parts), encoding="utf-8") as f:
        return json.load(f)


def geo_name(s):
    """A place name as running text writes it: Latin script, a capital letter, not a code."""
    return proper(s) and len(s) > 1 and not s.isupper()


FRANCE = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF"}


def gazetteers():
    """(communes, admin, places, population by key, organisations) from INSEE, GeoNames and
    media-fr."""
    population = {}

    def seen(name, pop):
        key = norm(name)
        population[key] = max(population.get(key, 0), pop or 0)

    communes, admin, world, orgs = set(), set(), set(), set()
    for c in load_json("insee", "communes.json"):
        if geo_name(c["nom"]):
            communes.add(c["nom"])
            seen(c["nom"], c.get("population", 0))
    for a in load_json("insee", "arrondissements.json"):
        if geo_name(a["nom"]):
            communes.add(a["nom"])
    for d in load_json("insee", "departements.json") + load_json("insee", "regions.json"):
        if geo_name(d["nom"]):
            admin.add(d["nom"])
    for state in load_json("geonames", "us_states.json").values():
        if geo_name(state["name"]):
            admin.add(state["name"])
    with open(src("geonames", "cities500_latin.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            name, country, pop = cols[1], cols[2], int(cols[4] or 0)
            names = [name]
            if pop >= 1000 and len(cols) > 8 and cols[8]:
                names += [a for a in cols[8].split("|") if len(a) > 3]
            for n in names:
                if not geo_name(n):
                    continue
                world.add(n)
                seen(n, pop)
                if country in FRANCE and n == name:
                    communes.add(n)
    for e in load_json("insee", "epci.json") + load_json("insee", "ept.json"):
        if latin(e["nom"]):
            orgs.add(e["nom"])
    for table in ("medias.tsv", "organisations.tsv"):
        for line in read_lines("media-fr", table)[1:]:
            name = line.split("\t")[0].strip()
            if latin(name) and (name[:1].isupper() or name[:1].isdigit()):
                orgs.add(name)
    return communes, admin, world, population, orgs


def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def curated():
    """The hand-written list: LABEL<TAB>name lines, `#` comments."""
    out = []
    with open(CURATED_FILE, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#") and "\t" in line:
                tag, name = line.split("\t", 1)
                out.append((CURATED[tag], name))
    return out


def write_lexicon(entries):
    """Writes lexicon.txt (`key<TAB>hex flags` lines, sorted) and lexicon.idx, an
    open-addressing hash table of little-endian u32 (line offset + 1, 0 = empty slot) keyed
    by FNV-1a of the key's UTF-8 bytes, with linear probing, so that loading costs nothing."""
    flags = {}
    for bit, names in entries:
        for name in names:
            key = norm(name)
            if key:
                flags[key] = flags.get(key, 0) | (1 << bit)
    for key in list(flags):
        if " " in key:
            words = key.split(" ")
            flags[words[0]] = flags.get(words[0], 0) | (1 << PHRASE_START)
            for k in range(1, len(words)):
                prefix = " ".join(words[:k])
                flags[prefix] = flags.get(prefix, 0) | (1 << PHRASE_PREFIX)
    blob = bytearray()
    offsets = {}
    for key in sorted(flags):
        offsets[key] = len(blob)
        blob += f"{key}\t{flags[key]:x}\n".encode("utf-8")
    slots = 1
    while slots * 2 < len(flags) * 3:
        slots *= 2
    table = [0] * slots
    for key in sorted(flags):
        h = fnv1a(key.encode("utf-8")) & (slots - 1)
        while table[h]:
            h = (h + 1) & (slots - 1)
        table[h] = offsets[key] + 1
    with open(os.path.join(OUT, "lexicon.txt"), "wb") as f:
        f.write(blob)
    with open(os.path.join(OUT, "lexicon.idx"), "wb") as f:
        f.write(struct.pack(f"<{slots}I", *table))
    print(f"lexicon.txt: {len(flags)} keys, {len(blob)} bytes; lexicon.idx: {slots} slots", file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    words, adjs = french_words()
    en_words = english_words()
    # Short place names that are also common words ("Un", "Of", "Bar") do more harm than good;
    # the hand-written curated list restores the few that matter (US).
    short_word = lambda p: len(p) <= 3 and (norm(p) in words or norm(p) in en_words)
    country_names = {c for c in countries() | major_cities() if not short_word(c)}
    place_names = {p for p in places(country_names) if not short_word(p)}
    first, last = names()
    cldr = json.load(open(src("cldr", "cldr_fr_en_names.json"), encoding="utf-8"))
    entries = [
        (COUNTRY, country_names),
        (PLACE, place_names),
        (FIRST_NAME, first),
        (SURNAME, last),
        (COMPANY_SUFFIX, company_suffixes()),
        (DEMONYM_EN, demonyms_en(cldr, first | last, place_names)),
        (FR_WORD, words),
        (FR_ADJ, adjs),
        (EN_WORD, en_words),
    ]
    communes, admin, world, population, orgs = gazetteers()
    small = {k for k, p in population.items() if p < 2000}
    large = {k for k, p in population.items() if p >= 20000}
    entries += [
        (GAZ_COMMUNE, communes),
        (GAZ_ADMIN, admin),
        (GAZ_PLACE, world),
        (POP_SMALL, small),
        (POP_LARGE, large),
        (GAZ_ORG, orgs),
    ]
    entries += [(bit, [name]) for bit, name in curated()]
    write_lexicon(entries)


if __name__ == "__main__":
    main()
