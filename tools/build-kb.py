#!/usr/bin/env python3
"""Regenerates data/kb/countries.jsonl, the generated part of nomen's embedded knowledge base.

Usage: python3 tools/build-kb.py [path/to/shared/lexicons]   (default: ../shared/lexicons)

Sources (see data/kb/README.md and THIRD_PARTY_NOTICES.md):
- world-countries (ODbL-1.0): English names and official names, alternative spellings,
  independence, capitals, regions and subregions (ISO alpha-3 codes sort the countries but are
  not aliases: nomen marks aliases wherever a text writes them, and NER is seldom Niger);
- i18n-iso-countries (MIT): French and English names and aliases;
- Unicode CLDR (Unicode-DFS-2016): French and English territory names, French city names.

The output is deterministic: the same inputs give the same bytes.
"""

import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEX = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "lexicons"
OUT = ROOT / "data" / "kb" / "countries.jsonl"

# Subregions (or regions, when the subregion is empty) in French, after "pays", and in
# English, after "country in".
WHERE = {
    "Caribbean": ("des Caraïbes", "the Caribbean"),
    "Eastern Africa": ("d’Afrique de l’Est", "Eastern Africa"),
    "Western Asia": ("d’Asie de l’Ouest", "Western Asia"),
    "Western Africa": ("d’Afrique de l’Ouest", "Western Africa"),
    "Northern Europe": ("d’Europe du Nord", "Northern Europe"),
    "South America": ("d’Amérique du Sud", "South America"),
    "South-Eastern Asia": ("d’Asie du Sud-Est", "South-Eastern Asia"),
    "Middle Africa": ("d’Afrique centrale", "Central Africa"),
    "Southern Europe": ("d’Europe du Sud", "Southern Europe"),
    "Polynesia": ("de Polynésie", "Polynesia"),
    "Southern Asia": ("d’Asie du Sud", "Southern Asia"),
    "Southeast Europe": ("d’Europe du Sud-Est", "Southeast Europe"),
    "Western Europe": ("d’Europe de l’Ouest", "Western Europe"),
    "Eastern Asia": ("d’Asie de l’Est", "Eastern Asia"),
    "Central America": ("d’Amérique centrale", "Central America"),
    "North America": ("d’Amérique du Nord", "North America"),
    "Northern Africa": ("d’Afrique du Nord", "Northern Africa"),
    "Micronesia": ("de Micronésie", "Micronesia"),
    "Central Europe": ("d’Europe centrale", "Central Europe"),
    "Antarctic": ("de l’Antarctique", "the Antarctic"),
    "Australia and New Zealand": ("d’Océanie", "Oceania"),
    "Southern Africa": ("d’Afrique australe", "Southern Africa"),
    "Melanesia": ("de Mélanésie", "Melanesia"),
    "Central Asia": ("d’Asie centrale", "Central Asia"),
    "Eastern Europe": ("d’Europe de l’Est", "Eastern Europe"),
}

# French names of capitals that CLDR's exemplar cities do not give (written for nomen).
CAPITALS_FR = {
    "Beijing": "Pékin", "Washington D.C.": "Washington", "Kuwait City": "Koweït City",
    "Mexico City": "Mexico", "Guatemala City": "Guatemala", "Panama City": "Panama",
    "City of San Marino": "Ville de Saint-Marin", "Port of Spain": "Port-d’Espagne",
    "Addis Ababa": "Addis-Abeba", "Ulan Bator": "Oulan-Bator", "Yerevan": "Erevan",
    "Bern": "Berne", "Warsaw": "Varsovie", "Bucharest": "Bucarest", "Lisbon": "Lisbonne",
    "Copenhagen": "Copenhague", "Vienna": "Vienne", "Brussels": "Bruxelles",
    "Athens": "Athènes", "London": "Londres", "Moscow": "Moscou", "Algiers": "Alger",
    "Cairo": "Le Caire", "Tehran": "Téhéran", "Baghdad": "Bagdad", "Damascus": "Damas",
    "Beirut": "Beyrouth", "Riyadh": "Riyad", "Muscat": "Mascate", "Sana'a": "Sanaa",
    "Kabul": "Kaboul", "Tashkent": "Tachkent", "Dushanbe": "Douchanbé",
    "Ashgabat": "Achgabat", "Bishkek": "Bichkek", "Hanoi": "Hanoï", "Seoul": "Séoul",
    "Havana": "La Havane", "Mogadishu": "Mogadiscio", "Nicosia": "Nicosie",
    "Valletta": "La Valette", "Jerusalem": "Jérusalem", "Cape Town": "Le Cap",
    "Vatican City": "Cité du Vatican", "New Delhi": "New Delhi", "Tbilisi": "Tbilissi",
    "Naypyidaw": "Naypyidaw", "Kathmandu": "Katmandou", "Rome": "Rome", "Sofia": "Sofia",
    "Singapore": "Singapour", "Manila": "Manille", "Abu Dhabi": "Abou Dabi",
    "Nuku'alofa": "Nukuʻalofa", "Port Louis": "Port-Louis", "Port Moresby": "Port Moresby",
}

# French countries names by the article they take after "de" (written for nomen).
NO_ARTICLE = {
    "Cuba", "Madagascar", "Malte", "Chypre", "Singapour", "Monaco", "Israël", "Haïti",
    "Bahreïn", "Oman", "Taïwan", "Sainte-Lucie", "Saint-Marin", "Djibouti", "Maurice",
    "Saint-Vincent-et-les-Grenadines", "Saint-Christophe-et-Niévès", "Nauru", "Tuvalu",
    "Sao Tomé-et-Principe", "São Tomé-et-Principe", "Trinité-et-Tobago", "Antigua-et-Barbuda",
    "Kiribati", "Andorre", "Kosovo", "Palaos", "Saint-Vincent-et-les Grenadines",
}
PLURAL = {
    "États-Unis", "Pays-Bas", "Émirats arabes unis", "Philippines", "Comores", "Maldives",
    "Seychelles", "Bahamas", "Fidji", "Samoa", "Tonga", "Îles Marshall", "Îles Salomon",
}
MASCULINE_E = {
    "Mexique", "Cambodge", "Mozambique", "Zimbabwe", "Belize", "Suriname",
    "Liechtenstein", "Royaume-Uni", "Vatican", "Congo-Brazzaville",
}
ENGLISH_THE = {
    "United States", "United Kingdom", "Netherlands", "Philippines", "Bahamas", "Gambia",
    "Maldives", "Marshall Islands", "Solomon Islands", "Comoros", "Seychelles",
    "Central African Republic", "Dominican Republic", "DR Congo", "Republic of the Congo",
    "United Arab Emirates",
}


def key(form):
    """The lookup key, exactly as src/kb/mod.rs `key` computes it."""
    out = []
    for c in unicodedata.normalize("NFD", form):
        if unicodedata.combining(c):
            continue
        c = {"’": "'", "ʼ": "'", "‘": "'", "-": " ", "‐": " ", "‑": " "}.get(c, c)
        out.append(c)
    return " ".join("".join(out).split()).lower()


def of_fr(name):
    """"de" and its article before a French country name: "de la Libye", "du Mali"."""
    if name in NO_ARTICLE:
        return ("d’" if name[0] in "AEIOUÉÈÎ" else "de ") + name
    if name in PLURAL:
        return "des " + name
    if name[0] in "AEIOUÉÈÎ":
        return "de l’" + name
    first_word = name.replace("-", " ").split()[0]
    if (name.endswith("e") or first_word.endswith("e")) and name not in MASCULINE_E:
        return "de la " + name
    return "du " + name


def of_en(name):
    return ("the " if name in ENGLISH_THE else "") + name


def latin(s):
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in s)


def names(values):
    values = values if isinstance(values, list) else [values]
    return [v for v in values if "," not in v and "(" not in v]


def entry(name, name_en, aliases, description, description_en):
    """A place named in French, with its English name (`name_en`, shown in English documents)
    when the two differ; the English name is then no longer an alias."""
    e = {"name": name, "kind": "place"}
    if key(name_en) != key(name):
        e["name_en"] = name_en
        aliases = [a for a in aliases if key(a) != key(name_en)]
    e["aliases"] = aliases
    e["description"] = description
    e["description_en"] = description_en
    return e


def main():
    countries = json.loads((LEX / "countries" / "world-countries_countries.json").read_text())
    i18n_fr = json.loads((LEX / "countries" / "i18n-iso-countries_fr.json").read_text())["countries"]
    i18n_en = json.loads((LEX / "countries" / "i18n-iso-countries_en.json").read_text())["countries"]
    cldr = json.loads((LEX / "cldr" / "cldr_fr_en_names.json").read_text())
    cities_fr = {
        k.split("/")[-1].replace("_", " "): v.split(" (")[0]
        for k, v in cldr["fr"]["exemplar_cities"].items()
    }
    countries.sort(key=lambda c: c["cca3"])

    entries, taken, capitals = [], set(), []
    for c in countries:
        code, en = c["cca2"], c["name"]["common"]
        fr = cldr["fr"]["territories"].get(code) or names(i18n_fr.get(code, []))[0]
        fr, _, other = fr.partition(" (")  # "Myanmar (Birmanie)"
        forms = [fr, en, c["name"]["official"]] + ([other.rstrip(")")] if other else [])
        forms += [cldr["en"]["territories"].get(code, en)]
        forms += names(i18n_fr.get(code, [])) + names(i18n_en.get(code, []))
        forms += [a for a in c["altSpellings"] if len(a) > 2 and latin(a)]
        aliases, seen = [], {key(fr)}
        for form in forms[1:]:
            k = key(form)
            if k not in seen and k not in taken:
                seen.add(k)
                aliases.append(form)
        taken |= seen
        region = c["subregion"] or c["region"]
        where_fr, where_en = WHERE[region]
        state_fr, state_en = ("pays", "country") if c["independent"] else ("territoire", "territory")
        caps_en = c["capital"]
        caps_fr = [cities_fr.get(x) or CAPITALS_FR.get(x, x) for x in caps_en]
        desc_fr = f"{fr} : {state_fr} {where_fr}"
        desc_en = f"{en}: {state_en} in {where_en}"
        if caps_en:
            plural_fr, plural_en = ("s", "s") if len(caps_en) > 1 else ("", "")
            desc_fr += f" ; capitale{plural_fr} {', '.join(caps_fr)}"
            desc_en += f"; capital{plural_en} {', '.join(caps_en)}"
        entries.append(entry(fr, en, aliases, f"{desc_fr}.", f"{desc_en.rstrip('.')}."))
        if c["independent"] and c["cca3"] != "VAT":  # the Vatican is its own capital
            capitals += [(f, e, fr, en) for f, e in zip(caps_fr, caps_en)]

    for fr_city, en_city, fr, en in capitals:
        forms = [f for f in dict.fromkeys([fr_city, en_city]) if key(f) not in taken]
        if not forms:
            continue  # a city-state, or a city named like a country: the country's entry wins
        taken |= {key(f) for f in forms}
        entries.append(entry(forms[0], en_city, forms[1:], f"{fr_city} : capitale {of_fr(fr)}.",
                             f"{en_city}: capital of {of_en(en)}."))

    with OUT.open("w", encoding="utf-8") as out:
        for e in entries:
            if not e["aliases"]:
                del e["aliases"]
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(entries)} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
