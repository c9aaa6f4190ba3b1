//! The seed article of `../shared/seed/article-fr.txt` (not copied into the project): the names a
//! user must see there, with their kinds, and the words that must not be names.

use std::collections::BTreeSet;

use nomen::analysis::{DocOptions, extract_document};
use nomen::pipeline::Extractor;

/// The seed article, or `None` (with a note) when `../shared` is not beside the project, as in
/// a clone made alone. CI sets `NOMEN_REQUIRE_SHARED=1`: there a missing article fails.
fn seed() -> Option<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/article-fr.txt");
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if std::env::var_os("NOMEN_REQUIRE_SHARED").is_some_and(|v| v == "1") => {
            panic!("{path}: {e} (NOMEN_REQUIRE_SHARED=1: ../shared must be beside the project)")
        }
        Err(e) => {
            eprintln!("skipped: {path}: {e} (../shared is not beside the project)");
            None
        }
    }
}

#[test]
fn the_seed_article_shows_its_people_places_and_organisations() {
    let Some(text) = seed() else { return };
    let doc = extract_document(&Extractor::new(), &text, &DocOptions::default());
    assert_eq!(doc.language.code(), "fr");
    let found: BTreeSet<(String, &str)> = doc
        .mentions
        .iter()
        .map(|m| {
            (
                text[m.range]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                m.label.tag(),
            )
        })
        .collect();
    let expected = [
        ("Khalifa Haftar", "PER"),
        ("Haftar", "PER"),
        ("Vladimir Poutine", "PER"),
        ("Poutine", "PER"),
        ("Sergueï Choïgou", "PER"),
        ("Dmitri Peskov", "PER"),
        ("Yunus-Bek Yevkurov", "PER"),
        ("Yevkurov", "PER"),
        ("Libye", "LOC"),
        ("Moscou", "LOC"),
        ("Tripoli", "LOC"),
        ("Derna", "LOC"),
        ("Turquie", "LOC"),
        ("Mali", "LOC"),
        ("Ukraine", "LOC"),
        ("Russie", "LOC"),
        ("Afrique", "LOC"),
        ("États-Unis", "LOC"),
        ("ONU", "ORG"),
        ("Kremlin", "ORG"),
        ("TASS", "ORG"),
        ("Conseil de sécurité des Nations Unies", "ORG"),
        ("Union européenne", "ORG"),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|(n, l)| !found.contains(&(n.to_string(), *l)))
        .collect();
    assert!(missing.is_empty(), "missing {missing:?}\nfound {found:?}");
    assert!(
        found.contains(&("Facebook".into(), "ORG")) || found.contains(&("Facebook".into(), "MISC"))
    );
    // The mercenary group is found, but its kind is a known miss: "Wagner" is a surname to
    // the lexicons and to its word cluster, and the article's only hint is "mercenaires de".
    // Models trained with the same options but other features read it either way (the
    // shipped model of 2026-12-06 as an organisation, those with word clusters as a person);
    // a workspace knowledge base fixes it for a newsroom. Whichever kind, all four agree
    // (checked below).
    assert!(
        found.contains(&("Wagner".into(), "ORG")) || found.contains(&("Wagner".into(), "PER")),
        "Wagner is not found: {found:?}"
    );
    // Every mention of a name has the same kind: no Wagner as a person, no Haftar as a place.
    for (name, label) in &found {
        let other = found.iter().find(|(n, l)| n == name && l != label);
        assert!(
            other.is_none(),
            "{name} is both {label} and {:?}",
            other.map(|o| o.1)
        );
    }
    for word in [
        "L’", "L'", "s’", "Défense", "Le", "La", "Les", "Mais", "Selon",
    ] {
        assert!(
            !found.iter().any(|(n, _)| n == word),
            "{word} is not a name: {found:?}"
        );
    }
}
