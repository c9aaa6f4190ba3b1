//! Context cues: the words around a name that say what kind of name it is.
//!
//! All lists hold lexicon keys (lower case, `'` for apostrophes); they are short, so a linear
//! `contains` is as fast as a hash lookup here.

use super::Label;

/// Titles and roles written before a person's name (`le président X`, `Mr X`).
#[rustfmt::skip]
const PERSON_BEFORE: &[&str] = &[
    "président", "présidente", "ministre", "général", "générale", "porte-parole", "m", "mme",
    "mlle", "me", "dr", "docteur", "chancelier", "chancelière", "premier", "secrétaire", "roi",
    "reine", "prince", "princesse", "pape", "sénateur", "sénatrice", "député", "députée", "maire",
    "juge", "colonel", "commandant", "capitaine", "lieutenant", "maréchal", "cheikh", "imam",
    "ayatollah", "patron", "patronne", "directeur", "directrice", "chef", "entraîneur", "joueur",
    "joueuse", "acteur", "actrice", "chanteur", "chanteuse", "écrivain", "écrivaine", "auteur",
    "journaliste", "avocat", "avocate", "professeur", "candidat", "candidate", "dirigeant",
    "opposant", "opposante", "homologue", "épouse", "mari", "fils", "fille", "frère", "sœur",
    "père", "mère", "émir", "sultan", "commissaire", "procureur", "procureure", "ambassadeur",
    "ambassadrice", "gouverneur", "conseiller", "conseillère", "vice-président", "archevêque",
    "évêque", "cardinal", "abbé", "saint", "sainte", "monsieur", "madame", "réalisateur",
    "réalisatrice", "présentateur", "footballeur", "pilote", "coach", "milliardaire", "leader",
    "president", "minister", "spokesman", "spokeswoman", "mr", "mrs", "ms", "sir", "lord", "king",
    "queen", "senator", "governor", "mayor", "judge", "chancellor", "secretary", "pope", "ceo",
    "chairman", "chairwoman", "director", "colonel", "captain", "prime", "rep", "sen", "gen",
];

/// Verbs of saying written after a person's name (`X said`, `X a déclaré`).
#[rustfmt::skip]
const PERSON_AFTER: &[&str] = &[
    "said", "says", "told", "added", "déclare", "affirme", "estime", "explique",
];

/// Nouns written before an organisation's name (`le groupe Wagner`, `l'agence TASS`).
#[rustfmt::skip]
const ORG_BEFORE: &[&str] = &[
    "groupe", "agence", "société", "compagnie", "entreprise", "firme", "journal", "quotidien",
    "hebdomadaire", "magazine", "chaîne", "radio", "parti", "club", "équipe", "constructeur",
    "opérateur", "banque", "syndicat", "association", "organisation", "mouvement", "milice",
    "fondation", "institut", "université", "laboratoire", "réseau", "site", "plateforme", "company",
    "group", "agency", "newspaper", "firm", "party", "network", "militia",
];

/// Kinds of company or party whose name, right after them, may be a common word (`le groupe
/// Orange`, `le quotidien Libération`, `le parti Renaissance`); a subset of [`ORG_BEFORE`]
/// without the words that also come before common nouns (`le site Internet`).
#[rustfmt::skip]
const COMPANY_BEFORE: &[&str] = &[
    "groupe", "société", "compagnie", "entreprise", "firme", "journal", "quotidien",
    "hebdomadaire", "magazine", "chaîne", "constructeur", "opérateur", "parti", "club", "syndicat",
    "association", "fondation", "banque", "company", "group", "newspaper", "firm", "party",
];

/// Words that begin an organisation's name (`Conseil constitutionnel`, `Bank of England`).
#[rustfmt::skip]
const ORG_HEAD: &[&str] = &[
    "conseil", "union", "organisation", "agence", "ministère", "parti", "banque", "fonds", "front",
    "cour", "comité", "commission", "assemblée", "fédération", "association", "institut",
    "université", "forces", "armée", "tribunal", "parlement", "gouvernement", "office", "centre",
    "haut-commissariat", "mouvement", "alliance", "ligue", "société", "groupe", "compagnie",
    "fondation", "académie", "collège", "lycée", "école", "église", "coalition", "brigade",
    "brigades", "bureau", "direction", "service", "syndicat", "club", "olympique", "sporting",
    "racing", "stade", "real", "council", "organization", "organisation", "agency", "ministry",
    "department", "party", "bank", "fund", "court", "committee", "association", "federation",
    "institute", "university", "army", "league", "corporation", "foundation", "church", "house",
];

/// Words that begin a place's name (`Golfe persique`, `Mount Everest`).
#[rustfmt::skip]
const LOC_HEAD: &[&str] = &[
    "mont", "monts", "lac", "golfe", "mer", "océan", "île", "îles", "rivière", "fleuve", "détroit",
    "canal", "cap", "baie", "vallée", "désert", "région", "province", "république", "royaume",
    "place", "rue", "avenue", "boulevard", "pont", "aéroport", "gare", "port", "mount", "lake",
    "gulf", "sea", "ocean", "island", "islands", "river", "strait", "cape", "bay", "valley",
    "desert", "province", "republic", "kingdom", "street", "square", "airport", "port",
];

/// Nouns written before a place's name, directly or with `de` (`la ville de X`).
#[rustfmt::skip]
const LOC_NOUN: &[&str] = &[
    "ville", "région", "commune", "quartier", "village", "province", "diocèse", "archidiocèse",
    "département", "île", "îles", "capitale", "localité", "comté", "district", "état", "préfecture",
    "canton", "arrondissement", "oblast", "gouvernorat", "banlieue", "city", "town", "village",
    "region", "county", "district", "province", "state", "capital",
];

/// Prepositions written before a place (`à Moscou`, `en Libye`, `in Moscow`).
#[rustfmt::skip]
const LOC_BEFORE: &[&str] = &[
    "à", "en", "au", "aux", "vers", "near", "in", "at", "to", "from",
];

/// Particles that may continue a person's or a place's name (`Charles de Gaulle`).
#[rustfmt::skip]
const NAME_PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "van", "von", "bin", "ben", "ibn", "abu", "al", "el", "da", "di",
    "del", "della", "dos", "das", "der", "den", "ter", "y", "la", "le", "bint",
];

/// Particles that continue an organisation's or a place's name (`Banque de France`).
#[rustfmt::skip]
const ORG_PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "de la", "de l'", "pour", "of", "for", "of the", "and",
];

/// Cardinal points, written with a capital for regions (`l'Est`), which the corpora do not tag.
#[rustfmt::skip]
const CARDINALS: &[&str] = &[
    "est", "ouest", "nord", "sud", "north", "south", "east", "west",
];

/// Words that begin an event's name (`Tour de France`, `Jeux olympiques de Rio`).
#[rustfmt::skip]
const EVENT_HEAD: &[&str] = &[
    "tour", "jeux", "championnat", "championnats", "coupe", "festival", "rallye", "marathon",
    "tournoi", "trophée", "salon", "biennale", "grand-prix", "mondial", "euro", "open", "ironman",
    "olympic", "games", "championship", "championships", "cup",
];

/// Lower-case nouns that start a name, with its label and whether an adjective alone can
/// complete it (`armée syrienne`) or it needs a capitalised complement (`ministère de X`).
const LOWER_HEAD: &[(&str, Label, bool)] = &[
    ("ministère", Label::Org, false),
    ("ministry", Label::Org, false),
    ("armée", Label::Org, true),
    ("diocèse", Label::Org, false),
    ("archidiocèse", Label::Org, false),
    ("observatoire", Label::Org, false),
    ("université", Label::Org, false),
    ("gendarmerie", Label::Org, false),
    ("police", Label::Org, false),
    ("tribunal", Label::Org, false),
    ("académie", Label::Org, false),
    ("association", Label::Org, false),
    ("fédération", Label::Org, false),
    ("commissariat", Label::Org, false),
    ("collège", Label::Org, false),
    ("lycée", Label::Org, false),
    ("prison", Label::Org, false),
    ("laboratoire", Label::Org, false),
    ("institut", Label::Org, false),
    ("syndicat", Label::Org, false),
    ("championnat", Label::Misc, false),
    ("championnats", Label::Misc, false),
    ("coupe", Label::Misc, false),
    ("concours", Label::Misc, false),
    ("carnaval", Label::Misc, false),
    // A scandal named after its protagonist (`affaire Cahuzac`) is an event.
    ("affaire", Label::Misc, false),
    ("comité", Label::Org, false),
    ("place", Label::Loc, false),
    ("rue", Label::Loc, false),
    ("avenue", Label::Loc, false),
    ("boulevard", Label::Loc, false),
    ("gare", Label::Loc, false),
    ("île", Label::Loc, false),
];

/// Capitalised words that look like names but are not (`UTC`, `PDG`).
#[rustfmt::skip]
const NOT_NAMES: &[&str] = &[
    "utc", "gmt", "cet", "pdg", "ceo", "tv", "ok", "am", "pm", "etc", "pib", "adn", "ong", "vtt",
    "cd", "dvd", "ter", "tgv", "isf", "cdd", "cdi", "vih", "sida", "usb", "gps", "ndlr", "ip",
    "smic", "tva", "hlm", "sms", "pme", "rer", "ovni", "ko", "mp3", "pdf", "html", "dna", "gdp",
    "hiv", "aids", "ngo", "usd", "eur", "km", "kg", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "april", "june", "july", "august",
    "september", "october", "november", "december",
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

/// Kinds of storm whose name follows them (`la tempête Egon`, `hurricane Irma`): an event.
const STORM_BEFORE: &[&str] = &[
    "ouragan",
    "cyclone",
    "tempête",
    "typhon",
    "hurricane",
    "storm",
    "typhoon",
];

pub fn storm_before(key: &str) -> bool {
    STORM_BEFORE.contains(&key)
}

/// Kinds of craft, and of broadcast, whose name follows them (`la sonde Cassini`, `the probe
/// Juno`, `l'émission Cash Investigation`): a product, as the training articles label them.
#[rustfmt::skip]
const CRAFT_BEFORE: &[&str] = &[
    "sonde", "satellite", "télescope", "navette", "fusée", "lanceur", "rover", "porte-avions",
    "sous-marin", "frégate", "paquebot", "émission", "probe", "spacecraft", "telescope", "rocket",
    "shuttle",
];

pub fn craft_before(key: &str) -> bool {
    CRAFT_BEFORE.contains(&key)
}

/// Kinds of heavenly body whose name follows them (`la planète Mars`, `l'astéroïde Bénou`): a
/// place, as the training articles label them.
#[rustfmt::skip]
const BODY_BEFORE: &[&str] = &[
    "planète", "exoplanète", "astéroïde", "comète", "galaxie", "lune", "planet", "exoplanet",
    "asteroid", "comet", "galaxy", "moon",
];

pub fn body_before(key: &str) -> bool {
    BODY_BEFORE.contains(&key)
}

/// Kinds of natural place whose name follows them (`le fleuve Niger`, `le lac Tchad`, `the
/// river Severn`): a place.
#[rustfmt::skip]
const GEO_BEFORE: &[&str] = &[
    "fleuve", "rivière", "lac", "mont", "massif", "volcan", "désert", "détroit", "golfe", "île",
    "archipel", "péninsule", "river", "lake", "mount", "volcano", "island",
];

pub fn geo_before(key: &str) -> bool {
    GEO_BEFORE.contains(&key)
}

/// Kinds of place written after their name (`the Amazon river basin`, `the Danube river`, `the
/// Kursk region`): the name is a place.
#[rustfmt::skip]
const GEO_AFTER: &[&str] = &[
    "river", "basin", "delta", "valley", "estuary", "desert", "peninsula", "region", "province",
    "mountains",
];

pub fn geo_after(key: &str) -> bool {
    GEO_AFTER.contains(&key)
}

/// Prepositions that tie a complement to a common noun (`Réunion à Genève`, `Réunion des
/// ministres`).
#[rustfmt::skip]
const NOUN_COMPLEMENT: &[&str] = &[
    "à", "au", "aux", "de", "des", "du", "d'", "entre", "avec", "pour", "sur", "contre",
];

pub fn noun_complement(key: &str) -> bool {
    NOUN_COMPLEMENT.contains(&key)
}

pub fn company_before(key: &str) -> bool {
    COMPANY_BEFORE.contains(&key)
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

/// Pronouns, determiners and other short words that never continue a name.
#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "dont", "elle", "elles", "leur", "leurs", "cette", "cela", "ceux", "celle", "celui", "avoir",
    "être", "plus", "moins", "tout", "tous", "toute", "toutes", "autre", "autres", "même", "sans",
    "avec", "dans", "pour", "vers", "chez", "entre", "depuis", "pendant", "après", "avant",
];

pub fn is_function_word(key: &str) -> bool {
    FUNCTION_WORDS.contains(&key)
}

pub fn event_head(key: &str) -> bool {
    EVENT_HEAD.contains(&key)
}

pub fn lower_head(key: &str) -> Option<(Label, bool)> {
    LOWER_HEAD
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(_, label, adj)| (label, adj))
}

pub fn not_a_name(key: &str) -> bool {
    NOT_NAMES.contains(&key) || is_roman_numeral(key)
}

/// `xxi`, `iv`: centuries and ordinals, written in capitals.
fn is_roman_numeral(key: &str) -> bool {
    key.len() >= 2
        && key
            .bytes()
            .all(|b| matches!(b, b'i' | b'v' | b'x' | b'l' | b'c' | b'm'))
}

pub fn cardinal(key: &str) -> bool {
    CARDINALS.contains(&key)
}

/// Articles, pronouns, conjunctions, prepositions and days: capitalised or not, such a word alone is
/// never a name ("Hier, Le général ...", "Selon Les forces ...").
#[rustfmt::skip]
const NEVER_ALONE: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "ce", "cet", "cette",
    "ces", "son", "sa", "ses", "leur", "leurs", "il", "elle", "ils", "elles", "on", "nous", "vous",
    "je", "tu", "et", "ou", "mais", "donc", "ni", "car", "en", "y", "à", "dans", "par", "pour",
    "sur", "sous", "avec", "sans", "selon", "the", "a", "an", "this", "that", "these", "those",
    "he", "she", "it", "they", "we", "you", "his", "her", "its", "their", "our", "and", "or",
    "but", "in", "on", "at", "of", "for", "with", "by", "from", "to", "as",
    // Days of the week, capitalised at a sentence start or in a date line.
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday",
];

/// Prepositions, adverbs and conjunctions that open sentences before a name (`Selon Merkel`,
/// `Hier Paris`, `According to`... ): never the first word of a name.
#[rustfmt::skip]
const SENTENCE_OPENERS: &[&str] = &[
    "selon", "pour", "après", "avant", "depuis", "contre", "avec", "sans", "chez", "pendant",
    "malgré", "hier", "demain", "aujourd'hui", "mais", "et", "car", "puis", "alors", "ainsi",
    "lorsque", "quand", "si", "comme", "parmi", "vers", "entre", "sous", "sur", "dans", "par",
    "désormais", "ensuite", "enfin", "cependant", "pourtant", "toutefois", "néanmoins", "d'après",
    "auprès", "lors", "certes", "déjà", "ici", "là", "aussi", "donc", "or", "ni",
    "after", "before", "since", "with", "without", "for", "when", "while", "but", "and",
    "yesterday", "today", "tomorrow", "meanwhile", "however", "although", "though", "as", "at",
    "in", "on", "by", "from", "to", "of", "if", "so", "then", "also", "still", "even",
];

pub fn sentence_opener(key: &str) -> bool {
    SENTENCE_OPENERS.contains(&key)
}

pub fn never_alone(word: &str) -> bool {
    let lower = word.to_lowercase();
    NEVER_ALONE.contains(&lower.trim_end_matches(['\'', '’']))
}

/// Whether a chunk is no name at all: an article before a common noun ("Le maire", "Les
/// herbiers" at a sentence start) or only titles ("First Minister", "Président").
pub fn not_a_chunk(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let key = |w: &str| w.to_lowercase().replace('’', "'");
    let article = |w: &str| {
        matches!(
            key(w).as_str(),
            "le" | "la" | "les" | "the" | "l'" | "un" | "une" | "a" | "an"
        )
    };
    if words.len() >= 2
        && article(words[0])
        && words[1].chars().next().is_some_and(char::is_lowercase)
    {
        return true;
    }
    !words.is_empty()
        && words.iter().all(|w| {
            person_before(&key(w)) || matches!(key(w).as_str(), "first" | "vice" | "deputy")
        })
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

    #[test]
    fn chunks_that_are_no_names() {
        assert!(not_a_chunk("Le maire"));
        assert!(not_a_chunk("Les herbiers"));
        assert!(not_a_chunk("First Minister"));
        assert!(!not_a_chunk("Le Drian"));
        assert!(!not_a_chunk("La Haye"));
        assert!(!not_a_chunk("Emmanuel Macron"));
    }
}

/// The letters of a road's number as signs and articles write it: `A7`, `N118`, `RN7`,
/// `D906`, `M25`, `I-95`, `E40`. `None` for anything else.
pub fn road_code(word: &str) -> Option<&str> {
    let letters = word.find(|c: char| !c.is_ascii_uppercase())?;
    let (prefix, rest) = word.split_at(letters);
    // Only the Interstates write a hyphen ("I-95"); "B-52" and "F-16" are aircraft.
    let digits = match (prefix, rest.strip_prefix('-')) {
        ("I", Some(digits)) => digits,
        (_, Some(_)) => return None,
        (_, None) => rest,
    };
    let number = digits.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let ok = matches!(
        prefix,
        "A" | "N" | "D" | "RN" | "RD" | "M" | "E" | "B" | "I" | "US" | "SR" | "CD" | "R"
    ) && (1..=4).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && digits.len() - number.len() <= 1
        // The Airbus family: "l'A380", "l'A320" are aircraft, and no motorway is numbered so.
        && !(prefix == "A" && number.len() == 3 && number.starts_with('3'));
    ok.then_some(prefix)
}

/// Words right before a road's number that make it a road ("l'A62", "la N113", "autoroute A7",
/// "the M25", "Interstate 95" is written "I-95" after "on").
#[rustfmt::skip]
const ROAD_BEFORE: &[&str] = &[
    "l'", "la", "autoroute", "nationale", "départementale", "route", "rocade", "voie",
    "the", "interstate", "highway", "motorway", "on", "via", "off",
];

/// Whether the word before a road's number makes it one.
pub fn road_before(key: &str) -> bool {
    ROAD_BEFORE.contains(&key)
}

/// Capitalised words that name a road with the number after them ("Route 9", "Highway 101",
/// "Interstate 95", Quebec's "Autoroute 20").
const ROAD_NAME: &[&str] = &["Route", "Highway", "Interstate", "Freeway", "Autoroute"];

/// Capitalised words that belong to such a road's name before its road word ("State Route 2",
/// "US Route 1", "County Highway 7").
const ROAD_NAME_BEFORE: &[&str] = &["State", "County", "US", "Federal", "Provincial"];

/// Whether `word` names a road when a number follows it.
pub fn road_name(word: &str) -> bool {
    ROAD_NAME.contains(&word)
}

/// Whether `word` belongs to a road's name before its road word.
pub fn road_name_before(word: &str) -> bool {
    ROAD_NAME_BEFORE.contains(&word)
}

/// Whether `word` is a road's number after its road word: one to four digits, and at most one
/// letter after them ("9", "101", "9A").
pub fn road_number(word: &str) -> bool {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (1..=4).contains(&digits.len())
        && word.len() - digits.len() <= 1
        && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod road_tests {
    use super::*;

    #[test]
    fn road_numbers() {
        assert_eq!(road_code("A7"), Some("A"));
        assert_eq!(road_code("N118"), Some("N"));
        assert_eq!(road_code("RN7"), Some("RN"));
        assert_eq!(road_code("D906a"), Some("D"));
        assert_eq!(road_code("I-95"), Some("I"));
        assert_eq!(road_code("M25"), Some("M"));
        let others = [
            "G7", "A12345", "Paris", "A", "7", "RN", "Q12", "a7", "A7B", "A380", "B-52", "F-16",
        ];
        for other in others {
            assert_eq!(road_code(other), None, "{other}");
        }
    }

    #[test]
    fn numbers_after_road_names() {
        for number in ["9", "101", "9A", "2020"] {
            assert!(road_number(number), "{number}");
        }
        for other in ["", "12345", "9AB", "A9", "9-1", "neuf"] {
            assert!(!road_number(other), "{other}");
        }
        assert!(road_name("Route") && !road_name("route") && !road_name("Chapter"));
        assert!(road_name_before("State") && !road_name_before("Ohio"));
    }
}
