//! Names that no training document has: the gazetteers and the road rule find them in text
//! written for this test. When the corpora are beside the project, the test also checks that
//! the names are indeed absent from every gold annotation the shipped French model learnt from.

use std::path::Path;

use nomen::analysis::{DocOptions, extract_document};
use nomen::pipeline::Extractor;

/// A small commune (Castelmoron-d'Albret, 60 inhabitants), a département, a town and a
/// motorway, in a sentence of ours.
const TEXT: &str = "Un camion s'est renversé mardi sur l'A62 près de Marmande. Les pompiers du \
                    Lot-et-Garonne ont été appelés vers 6 heures, et la circulation a été déviée \
                    par Castelmoron-d'Albret jusqu'en fin de matinée.";

const NAMES: [(&str, &str); 4] = [
    ("A62", "LOC"),
    ("Marmande", "LOC"),
    ("Lot-et-Garonne", "LOC"),
    ("Castelmoron-d'Albret", "LOC"),
];

#[test]
fn gazetteer_names_never_seen_in_training_are_found() {
    let doc = extract_document(&Extractor::new(), TEXT, &DocOptions::default());
    let found: Vec<(&str, &str)> = doc
        .mentions
        .iter()
        .map(|m| (&TEXT[m.range], m.label.tag()))
        .collect();
    assert_eq!(found, NAMES);
}

#[test]
fn the_test_names_are_absent_from_the_training_gold() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/winer-fr");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("NOMEN_REQUIRE_SHARED").is_none(),
            "{} is missing and NOMEN_REQUIRE_SHARED is set",
            corpus.display()
        );
        eprintln!("note: {} not found; skipped", corpus.display());
        return;
    }
    let mut stack = vec![corpus];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ann") {
                files += 1;
                let ann = std::fs::read_to_string(&path).unwrap();
                for line in ann.lines().filter(|l| l.starts_with('T')) {
                    let form = line.rsplit('\t').next().unwrap_or("");
                    for (name, _) in NAMES {
                        assert_ne!(form, name, "{} annotates {name}", path.display());
                    }
                }
            }
        }
    }
    assert!(files > 900, "only {files} annotation files");
}
