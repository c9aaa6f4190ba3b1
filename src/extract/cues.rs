//! Context cues: the words around a name that say what kind of name it is.
//!
//! All lists hold lexicon keys (lower case, `'` for apostrophes); they are short, so a linear
//! `contains` is as fast as a hash lookup here.

/// Titles and roles written before a person's name (`le président X`, `Mr X`).
const PERSON_BEFORE: &[&str] = &[
    // French
    "président",
    "présidente",
    "ministre",
    "général",
    "générale",
    "porte-parole",
    "m",
    "mme",
    "mlle",
    "me",
    "dr",
    "docteur",
    "chancelier",
    "chancelière",
    "premier",
    "secrétaire",
    "roi",
    "reine",
    "prince",
    "princesse",
    "pape",
    "sénateur",
    "sénatrice",
    "député",
    "députée",
    "maire",
    "juge",
    "colonel",
    "commandant",
    "capitaine",
    "lieutenant",
    "maréchal",
    "cheikh",
    "imam",
    "ayatollah",
    "patron",
    "patronne",
    "directeur",
    "directrice",
    "chef",
    "entraîneur",
    "joueur",
    "joueuse",
    "acteur",
    "actrice",
    "chanteur",
    "chanteuse",
    "écrivain",
    "écrivaine",
    "auteur",
    "journaliste",
    "avocat",
    "avocate",
    "professeur",
    "candidat",
    "candidate",
    "dirigeant",
    "opposant",
    "opposante",
    "homologue",
    "épouse",
    "mari",
    "fils",
    "fille",
    "frère",
    "sœur",
    "père",
    "mère",
    "émir",
    "sultan",
    "commissaire",
    "procureur",
    "procureure",
    "ambassadeur",
    "ambassadrice",
    "gouverneur",
    "conseiller",
    "conseillère",
    "vice-président",
    "archevêque",
    "évêque",
    "cardinal",
    "abbé",
    "saint",
    "sainte",
    "monsieur",
    "madame",
    "réalisateur",
    "réalisatrice",
    "présentateur",
    "footballeur",
    "pilote",
    "coach",
    "milliardaire",
    "leader",
    // English
    "president",
    "minister",
    "spokesman",
    "spokeswoman",
    "mr",
    "mrs",
    "ms",
    "sir",
    "lord",
    "king",
    "queen",
    "senator",
    "governor",
    "mayor",
    "judge",
    "chancellor",
    "secretary",
    "pope",
    "ceo",
    "chairman",
    "chairwoman",
    "director",
    "colonel",
    "captain",
    "prime",
    "rep",
    "sen",
    "gen",
];

/// Verbs of saying written after a person's name (`X said`, `X a déclaré`).
const PERSON_AFTER: &[&str] = &[
    "said", "says", "told", "added", "déclare", "affirme", "estime", "explique",
];

/// Nouns written before an organisation's name (`le groupe Wagner`, `l'agence TASS`).
const ORG_BEFORE: &[&str] = &[
    "groupe",
    "agence",
    "société",
    "compagnie",
    "entreprise",
    "firme",
    "journal",
    "quotidien",
    "hebdomadaire",
    "magazine",
    "chaîne",
    "radio",
    "parti",
    "club",
    "équipe",
    "constructeur",
    "opérateur",
    "banque",
    "syndicat",
    "association",
    "organisation",
    "mouvement",
    "milice",
    "fondation",
    "institut",
    "université",
    "laboratoire",
    "réseau",
    "site",
    "plateforme",
    "company",
    "group",
    "agency",
    "newspaper",
    "firm",
    "party",
    "network",
    "militia",
];

/// Words that begin an organisation's name (`Conseil constitutionnel`, `Bank of England`).
const ORG_HEAD: &[&str] = &[
    "conseil",
    "union",
    "organisation",
    "agence",
    "ministère",
    "parti",
    "banque",
    "fonds",
    "front",
    "cour",
    "comité",
    "commission",
    "assemblée",
    "fédération",
    "association",
    "institut",
    "université",
    "forces",
    "armée",
    "tribunal",
    "parlement",
    "gouvernement",
    "office",
    "centre",
    "haut-commissariat",
    "mouvement",
    "alliance",
    "ligue",
    "société",
    "groupe",
    "compagnie",
    "fondation",
    "académie",
    "collège",
    "lycée",
    "école",
    "église",
    "coalition",
    "brigade",
    "brigades",
    "bureau",
    "direction",
    "service",
    "syndicat",
    "club",
    "olympique",
    "sporting",
    "racing",
    "stade",
    "real",
    "council",
    "organization",
    "organisation",
    "agency",
    "ministry",
    "department",
    "party",
    "bank",
    "fund",
    "court",
    "committee",
    "association",
    "federation",
    "institute",
    "university",
    "army",
    "league",
    "corporation",
    "foundation",
    "church",
    "house",
];

/// Words that begin a place's name (`Golfe persique`, `Mount Everest`).
const LOC_HEAD: &[&str] = &[
    "mont",
    "monts",
    "lac",
    "golfe",
    "mer",
    "océan",
    "île",
    "îles",
    "rivière",
    "fleuve",
    "détroit",
    "canal",
    "cap",
    "baie",
    "vallée",
    "désert",
    "région",
    "province",
    "république",
    "royaume",
    "place",
    "rue",
    "avenue",
    "boulevard",
    "pont",
    "aéroport",
    "gare",
    "port",
    "mount",
    "lake",
    "gulf",
    "sea",
    "ocean",
    "island",
    "islands",
    "river",
    "strait",
    "cape",
    "bay",
    "valley",
    "desert",
    "province",
    "republic",
    "kingdom",
    "street",
    "square",
    "airport",
    "port",
];

/// Nouns written before a place's name, directly or with `de` (`la ville de X`).
const LOC_NOUN: &[&str] = &[
    "ville",
    "région",
    "commune",
    "quartier",
    "village",
    "province",
    "diocèse",
    "archidiocèse",
    "département",
    "île",
    "îles",
    "capitale",
    "localité",
    "comté",
    "district",
    "état",
    "préfecture",
    "canton",
    "arrondissement",
    "oblast",
    "gouvernorat",
    "banlieue",
    "city",
    "town",
    "village",
    "region",
    "county",
    "district",
    "province",
    "state",
    "capital",
];

/// Prepositions written before a place (`à Moscou`, `en Libye`, `in Moscow`).
const LOC_BEFORE: &[&str] = &[
    "à", "en", "au", "aux", "vers", "near", "in", "at", "to", "from",
];

/// Particles that may continue a person's or a place's name (`Charles de Gaulle`).
const NAME_PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "van", "von", "bin", "ben", "ibn", "abu", "al", "el", "da", "di",
    "del", "della", "dos", "das", "der", "den", "ter", "y", "la", "le", "bint",
];

/// Particles that continue an organisation's or a place's name (`Banque de France`).
const ORG_PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "de la", "de l'", "pour", "of", "for", "of the", "and",
];

/// Cardinal points, written with a capital for regions (`l'Est`), which the corpora do not tag.
const CARDINALS: &[&str] = &[
    "est", "ouest", "nord", "sud", "north", "south", "east", "west",
];

/// Prefixes of a title that do not change it (`vice-ministre`, `ex-président`).
const TITLE_PREFIXES: &[&str] = &["vice-", "ex-", "co-", "sous-", "premier-", "vice "];

pub fn person_before(key: &str) -> bool {
    let key = TITLE_PREFIXES
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .unwrap_or(key);
    PERSON_BEFORE.contains(&key)
}

pub fn person_after(key: &str) -> bool {
    PERSON_AFTER.contains(&key)
}

pub fn org_before(key: &str) -> bool {
    ORG_BEFORE.contains(&key)
}

pub fn org_head(key: &str) -> bool {
    ORG_HEAD.contains(&key)
}

pub fn loc_head(key: &str) -> bool {
    LOC_HEAD.contains(&key)
}

pub fn loc_noun(key: &str) -> bool {
    LOC_NOUN.contains(&key)
}

pub fn loc_before(key: &str) -> bool {
    LOC_BEFORE.contains(&key)
}

pub fn name_particle(key: &str) -> bool {
    NAME_PARTICLES.contains(&key)
}

pub fn org_particle(key: &str) -> bool {
    ORG_PARTICLES.contains(&key)
}

pub fn cardinal(key: &str) -> bool {
    CARDINALS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_prefixes_are_ignored() {
        assert!(person_before("vice-ministre"));
        assert!(person_before("ex-président"));
        assert!(!person_before("vice-"));
    }
}
