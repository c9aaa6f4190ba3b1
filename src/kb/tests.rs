//! Tests of the knowledge base: parsing, errors, lookup, layering, editing, embedded data.

use expect_test::{Expect, expect};

use super::*;
use crate::extract::{Label, Lang};

const HAFTAR_TOML: &str = r#"# Notre base, à la main.
[[entity]]
name = "Khalifa Haftar"   # le maréchal
kind = "person"
aliases = ["Haftar"]
description = "Maréchal libyen, chef de l’Armée nationale libyenne"
links = ["https://example.org/haftar"]

[[entity]]
name = "Armée nationale libyenne"
kind = "organization"
aliases = ["ANL", "LNA"]

[ignore]
forms = ["Défense"]
"#;

fn render_errors(errors: &[KbError]) -> String {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("{}:{}: {}", e.line, e.column, e.message))
        .collect();
    lines.join("\n")
}

fn check_toml_errors(text: &str, expect: Expect) {
    let errors = parse_toml(text).expect_err("the text has errors");
    expect.assert_eq(&render_errors(&errors));
}

fn kb_of_toml(text: &str) -> KnowledgeBase {
    KnowledgeBase::from_files(&[parse_toml(text).expect("valid TOML")])
}

#[test]
fn parses_toml() {
    let file = parse_toml(HAFTAR_TOML).unwrap();
    assert_eq!(file.entries.len(), 2);
    let haftar = &file.entries[0];
    assert_eq!(haftar.name, "Khalifa Haftar");
    assert_eq!(haftar.label, Label::Per);
    assert_eq!(haftar.aliases, ["Haftar"]);
    assert_eq!(
        haftar.description.as_deref(),
        Some("Maréchal libyen, chef de l’Armée nationale libyenne")
    );
    assert_eq!(haftar.links, ["https://example.org/haftar"]);
    assert_eq!(file.entries[1].label, Label::Org);
    assert_eq!(file.ignored, ["Défense"]);
}

#[test]
fn parses_empty_toml_and_inline_entities() {
    assert_eq!(parse_toml("").unwrap(), KbFile::default());
    let file = parse_toml(r#"entity = [{ name = "Tripoli", kind = "LOC" }]"#).unwrap();
    assert_eq!(file.entries, [KbEntry::new("Tripoli", Label::Loc)]);
}

#[test]
fn toml_syntax_error_has_its_line() {
    check_toml_errors(
        "[[entity]]\nname = \"Haftar\"\nkind = \"person\n",
        expect![[r#"2:14: invalid basic string, expected `"`"#]],
    );
}

#[test]
fn toml_validation_reports_every_error_and_no_entries() {
    let text = r#"colour = "red"
[[entity]]
name = "Haftar"
kind = "personne"

[[entity]]
kind = "place"

[[entity]]
name = ""
kind = "place"
aliases = "Tripoli"
alias = ["x"]

[[entity]]
name = "Bon"
kind = "person"
links = ["ok", 3]
"#;
    check_toml_errors(
        text,
        expect![[r#"
            0:0: unknown key `colour`: expected `entity` or `ignore`
            3:7: unknown kind `personne`: expected person, organisation, place or other
            5:0: this entity has no `name`
            9:7: `name` must not be empty
            11:10: `aliases` must be an array of strings, like ["…"]
            12:0: unknown field `alias`: expected name, name_en, kind, aliases, description, description_en or links
            17:15: `links` must hold strings only"#]],
    );
}

#[test]
fn parses_jsonl() {
    let text = concat!(
        r#"{"name": "Khalifa Haftar", "kind": "person", "aliases": ["Haftar"], "id": 7}"#,
        "\n\n   \n",
        r#"{"name": "Tripoli", "kind": "place", "description": "Capitale", "links": []}"#,
        "\n"
    );
    let file = parse_jsonl(text).unwrap();
    assert_eq!(file.entries.len(), 2);
    assert_eq!(file.entries[0].aliases, ["Haftar"]);
    assert_eq!(file.entries[1].description.as_deref(), Some("Capitale"));
    assert!(file.ignored.is_empty());
}

#[test]
fn jsonl_reports_every_bad_line() {
    let text = r#"{"name": "Khalifa Haftar", "kind": "person"}
{"name": "Tripoli", "kind": "ville"}

{"kind": "place"}
{"name": "Zoé", "kind": "person", "aliases": "Zo"}
{"name": "Été", "kind": "person"
{"name": " ", "kind": "person"}
"#;
    let errors = parse_jsonl(text).expect_err("bad lines");
    expect![[r#"
        1:20: unknown kind `ville`: expected person, organisation, place or other
        3:16: missing field `name`
        4:48: invalid type: string "Zo", expected a sequence
        5:31: EOF while parsing an object
        6:1: `name` must not be empty"#]]
    .assert_eq(&render_errors(&errors));
}

#[test]
fn lookup_ignores_case_accents_apostrophes_and_spaces() {
    let kb = kb_of_toml(
        r#"
[[entity]]
name = "Côte d'Ivoire"
kind = "place"
aliases = ["Armée   nationale\u00a0libyenne", "Abou-Dabi"]
"#,
    );
    for form in [
        "Côte d'Ivoire",
        "cote d’ivoire",
        "CÔTE D'IVOIRE",
        "  Cote  d'Ivoire ",
        "armee nationale libyenne",
        "Armée\nnationale libyenne",
        "Abou Dabi",
    ] {
        assert_eq!(
            kb.lookup(form).map(|e| e.name.as_str()),
            Some("Côte d'Ivoire"),
            "{form}"
        );
    }
    assert!(kb.lookup("Côte").is_none());
    assert!(kb.lookup("").is_none());
}

#[test]
fn acronyms_match_only_forms_without_lower_case() {
    let kb = kb_of_toml(
        r#"
[[entity]]
name = "Organisation des Nations unies"
kind = "organisation"
aliases = ["ONU", "UN", "U.N.", "Unesco"]
"#,
    );
    assert!(kb.lookup("UN").is_some());
    assert!(kb.lookup("U.N.").is_some());
    assert!(kb.lookup("un").is_none());
    assert!(kb.lookup("Un").is_none());
    assert!(kb.lookup("UNESCO").is_some());
    assert!(kb.lookup("unesco").is_some());
}

#[test]
fn workspace_overrides_the_default_form_by_form() {
    let base = kb_of_toml(
        r#"
[[entity]]
name = "Géorgie"
kind = "place"
aliases = ["Georgia"]
description = "pays"
"#,
    );
    let workspace = parse_toml(
        r#"
[[entity]]
name = "Georgia"
kind = "place"
description = "État des États-Unis"
"#,
    )
    .unwrap();
    let kb = KnowledgeBase::layered(&base, &[workspace]);
    let description = |form| kb.lookup(form).and_then(|e| e.description.as_deref());
    assert_eq!(description("georgia"), Some("État des États-Unis"));
    assert_eq!(description("Géorgie"), Some("pays"));
    assert_eq!(kb.len(), 2);
    // The base itself is unchanged.
    assert_eq!(base.lookup("Georgia").unwrap().name, "Géorgie");
}

#[test]
fn earlier_files_win_over_later_ones() {
    let toml = parse_toml("[[entity]]\nname = \"Haftar\"\nkind = \"person\"").unwrap();
    let jsonl = parse_jsonl(r#"{"name": "Haftar", "kind": "place"}"#).unwrap();
    let kb = KnowledgeBase::layered(&KnowledgeBase::default(), &[toml, jsonl]);
    assert_eq!(kb.lookup("Haftar").unwrap().label, Label::Per);
}

#[test]
fn ignored_forms_are_never_found() {
    let base = kb_of_toml("[[entity]]\nname = \"Défense\"\nkind = \"organisation\"");
    assert!(!base.is_ignored("Défense"));
    let workspace = parse_toml("[ignore]\nforms = [\"defense\"]").unwrap();
    let kb = KnowledgeBase::layered(&base, &[workspace]);
    assert!(kb.is_ignored("DÉFENSE"));
    assert!(kb.lookup("Défense").is_none());
    assert!(!kb.is_ignored("Haftar"));
}

#[test]
fn set_kind_changes_an_entity_and_keeps_comments() {
    let edited = set_kind(HAFTAR_TOML, "haftar", Label::Org).unwrap();
    let file = parse_toml(&edited).unwrap();
    assert_eq!(file.entries[0].label, Label::Org);
    assert_eq!(file.entries.len(), 2);
    assert!(edited.contains("# Notre base, à la main."));
    assert!(edited.contains("name = \"Khalifa Haftar\"   # le maréchal"));
    assert!(edited.contains("kind = \"organisation\"\n"));
    // Setting the kind it already has changes nothing.
    assert_eq!(
        set_kind(&edited, "Khalifa Haftar", Label::Org).unwrap(),
        edited
    );
}

#[test]
fn set_kind_creates_a_missing_entity() {
    let edited = set_kind("", "Tripoli", Label::Loc).unwrap();
    expect![[r#"
        [[entity]]
        name = "Tripoli"
        kind = "place"
    "#]]
    .assert_eq(&edited);
    let edited = set_kind(&edited, "Benghazi", Label::Loc).unwrap();
    expect![[r#"
        [[entity]]
        name = "Tripoli"
        kind = "place"

        [[entity]]
        name = "Benghazi"
        kind = "place"
    "#]]
    .assert_eq(&edited);
}

#[test]
fn add_alias_appends_once_and_creates_entities() {
    let edited = add_alias(HAFTAR_TOML, "Khalifa Haftar", "Hafter", Label::Per).unwrap();
    let edited = add_alias(&edited, "Khalifa Haftar", "HAFTER", Label::Per).unwrap();
    let edited = add_alias(&edited, "Fayez el-Sarraj", "Sarraj", Label::Per).unwrap();
    let file = parse_toml(&edited).unwrap();
    assert_eq!(file.entries[0].aliases, ["Haftar", "Hafter"]);
    assert_eq!(file.entries[2].name, "Fayez el-Sarraj");
    assert_eq!(file.entries[2].label, Label::Per);
    assert_eq!(file.entries[2].aliases, ["Sarraj"]);
    assert_eq!(file.ignored, ["Défense"]);
    assert!(edited.contains("# le maréchal"));
}

#[test]
fn add_entry_adds_or_merges() {
    let mut sarraj = KbEntry::new("Fayez el-Sarraj", Label::Per);
    sarraj.aliases = vec!["Sarraj".into()];
    sarraj.description = Some("Homme politique libyen".into());
    sarraj.name_en = Some("Fayez al-Sarraj".into());
    sarraj.description_en = Some("Libyan politician".into());
    let edited = add_entry(HAFTAR_TOML, &sarraj).unwrap();
    let file = parse_toml(&edited).unwrap();
    assert_eq!(file.entries[2], sarraj);

    let mut anl = KbEntry::new("armée nationale libyenne", Label::Org);
    anl.aliases = vec!["LNA".into(), "Libyan National Army".into()];
    anl.links = vec!["https://example.org/anl".into()];
    let edited = add_entry(&edited, &anl).unwrap();
    let file = parse_toml(&edited).unwrap();
    assert_eq!(file.entries.len(), 3);
    let merged = &file.entries[1];
    assert_eq!(merged.name, "Armée nationale libyenne");
    assert_eq!(merged.aliases, ["ANL", "LNA", "Libyan National Army"]);
    assert_eq!(merged.links, ["https://example.org/anl"]);
    assert!(edited.contains("# Notre base, à la main."));
}

#[test]
fn ignore_adds_a_form_once() {
    let edited = ignore("", "Défense").unwrap();
    expect![[r#"
        [ignore]
        forms = ["Défense"]
    "#]]
    .assert_eq(&edited);
    let edited = ignore(HAFTAR_TOML, "Etat").unwrap();
    let edited = ignore(&edited, "état").unwrap();
    assert_eq!(parse_toml(&edited).unwrap().ignored, ["Défense", "Etat"]);
    let edited = ignore("# rien\n[[entity]]\nname = \"A\"\nkind = \"other\"\n", "B").unwrap();
    expect![[r#"
        # rien
        [[entity]]
        name = "A"
        kind = "other"

        [ignore]
        forms = ["B"]
    "#]]
    .assert_eq(&edited);
}

#[test]
fn edits_refuse_files_too_large_to_edit_in_place() {
    let large = "# a comment\n".repeat(super::MAX_EDITED_BYTES / 12 + 1);
    let err = set_kind(&large, "A", Label::Per).unwrap_err();
    assert_eq!(
        err,
        KbError {
            line: 0,
            column: 0,
            message: "cannot edit the knowledge base: the file is over 16 MB; edit it by hand, or \
                      keep large imports in knowledge.jsonl"
                .into()
        }
    );
    // Reading it is not refused: it is parsed a section at a time.
    assert_eq!(super::parse_toml(&large), Ok(KbFile::default()));
}

#[test]
fn edits_refuse_broken_toml() {
    let err = set_kind("[[entity]\n", "A", Label::Per).unwrap_err();
    assert_eq!(err.line, 0);
    let err = ignore("ignore = 3\n", "A").unwrap_err();
    assert!(
        err.message.contains("`ignore` is not a table"),
        "{}",
        err.message
    );
}

#[test]
fn embedded_default_knows_countries_capitals_and_organisations() {
    let kb = KnowledgeBase::embedded();
    let found = |form: &str| {
        let entry = kb
            .lookup(form)
            .unwrap_or_else(|| panic!("{form} not found"));
        (entry.name.as_str(), entry.label)
    };
    assert_eq!(found("Libye"), ("Libye", Label::Loc));
    assert_eq!(found("Libya"), ("Libye", Label::Loc));
    assert!(kb.lookup("LBY").is_none(), "ISO codes are no aliases");
    assert_eq!(found("Tripoli"), ("Tripoli", Label::Loc));
    assert_eq!(found("Beijing"), ("Pékin", Label::Loc));
    assert_eq!(found("USA"), ("États-Unis", Label::Loc));
    for form in ["ONU", "UN", "United Nations", "Nations unies"] {
        assert_eq!(found(form), ("Organisation des Nations unies", Label::Org));
    }
    for form in ["OTAN", "NATO"] {
        assert_eq!(
            found(form),
            ("Organisation du traité de l’Atlantique nord", Label::Org)
        );
    }
    assert!(kb.lookup("un").is_none());
    let libya = kb.lookup("Libya").unwrap();
    assert_eq!(libya.name_in(Lang::En), "Libya");
    assert_eq!(libya.name_in(Lang::Fr), "Libye");
    assert_eq!(
        libya.description_in(Lang::Fr),
        Some("Libye : pays d’Afrique du Nord ; capitale Tripoli.")
    );
    assert_eq!(
        libya.description_in(Lang::En),
        Some("Libya: country in Northern Africa; capital Tripoli.")
    );
    let un = kb.lookup("UN").unwrap();
    assert_eq!(un.name_in(Lang::En), "United Nations");
}

#[test]
fn every_embedded_entry_speaks_both_languages() {
    // English documents show `name_en` and `description_en`: an entry without them would show
    // French there. A name the same in both languages ("BRICS", "Aruba") needs no `name_en`.
    for text in [embedded::ORGANISATIONS, embedded::COUNTRIES] {
        let file = parse_toml(text)
            .or_else(|_| parse_jsonl(text))
            .expect("embedded files parse");
        for entry in &file.entries {
            assert!(entry.description.is_some(), "{}", entry.name);
            assert!(entry.description_en.is_some(), "{}", entry.name);
            let english = entry.description_en.as_deref().unwrap();
            assert!(
                key(english).starts_with(&key(entry.name_in(Lang::En))),
                "{}: {english}",
                entry.name
            );
            assert!(
                !english.contains(" / ") && !entry.description.as_ref().unwrap().contains(" / ")
            );
        }
    }
}

#[test]
fn english_names_and_descriptions_are_read_and_found() {
    let toml = "[[entity]]\nname = \"Cour des comptes\"\nname_en = \"Court of Audit\"\n\
                kind = \"organisation\"\ndescription = \"Juridiction financière\"\n\
                description_en = \"Financial court\"\n";
    let jsonl = r#"{"name": "Pékin", "name_en": "Beijing", "kind": "place", "description_en": "Capital of China"}"#;
    for file in [parse_toml(toml).unwrap(), parse_jsonl(jsonl).unwrap()] {
        let kb = KnowledgeBase::from_files(std::slice::from_ref(&file));
        let entry = &file.entries[0];
        let en = entry.name_en.as_deref().unwrap();
        assert_eq!(kb.lookup(en), Some(entry), "the English name is a form");
        assert_eq!(entry.name_in(Lang::En), en);
        assert_eq!(entry.name_in(Lang::Fr), entry.name);
    }
    let pekin = &parse_jsonl(jsonl).unwrap().entries[0];
    // No French description: French documents show none, English ones theirs.
    assert_eq!(pekin.description_in(Lang::Fr), None);
    assert_eq!(pekin.description_in(Lang::En), Some("Capital of China"));
    check_toml_errors(
        "[[entity]]\nname = \"Sénat\"\nname_en = \" \"\nkind = \"organisation\"\n",
        expect![[r#"2:10: `name_en` must not be empty"#]],
    );
    assert_eq!(
        render_errors(
            &parse_jsonl(r#"{"name": "Sénat", "name_en": "", "kind": "organisation"}"#)
                .unwrap_err()
        ),
        "0:18: `name_en` must not be empty"
    );
}

#[test]
fn embedded_files_parse_without_errors() {
    let organisations = parse_toml(embedded::ORGANISATIONS).map(|f| f.entries.len());
    let countries = parse_jsonl(embedded::COUNTRIES).map(|f| f.entries.len());
    assert!(
        organisations.as_ref().is_ok_and(|&n| n > 40),
        "{organisations:?}"
    );
    assert!(countries.as_ref().is_ok_and(|&n| n > 400), "{countries:?}");
}

#[test]
fn synthetic_jsonl_is_valid_and_deterministic() {
    let text = synthetic_jsonl(100);
    assert_eq!(text, synthetic_jsonl(100));
    let kb = KnowledgeBase::from_files(&[parse_jsonl(&text).unwrap()]);
    assert_eq!(kb.len(), 100);
    assert_eq!(kb.lookup("entite42").unwrap().name, "Khalifa Entité42");
    let file = parse_jsonl(&text).unwrap();
    for entry in &file.entries {
        for form in entry.forms() {
            assert_eq!(kb.lookup(form), Some(entry), "{form}");
        }
    }
}

#[test]
fn knowledge_bases_stack_without_copies() {
    let toml = parse_toml("[[entity]]\nname = \"Haftar\"\nkind = \"person\"").unwrap();
    let jsonl = parse_jsonl(r#"{"name": "Tripoli", "kind": "place", "aliases": ["Haftar"]}"#);
    let big = KnowledgeBase::from_file(jsonl.unwrap());
    let kb = KnowledgeBase::from_file(toml)
        .over(&big)
        .over(&KnowledgeBase::embedded());
    assert_eq!(kb.lookup("Haftar").unwrap().label, Label::Per);
    assert_eq!(kb.lookup("Tripoli").unwrap().description, None);
    assert_eq!(kb.lookup("Libya").unwrap().name, "Libye");
    assert_eq!(kb.entries().next().unwrap().name, "Haftar");
}

#[test]
fn key_folds_forms() {
    assert_eq!(
        key("  L’Armée\u{a0}NATIONALE--libyenne "),
        "l'armee nationale libyenne"
    );
    assert_eq!(key(""), "");
}

/// The examples in the module documentation, which the README copies, must stay valid.
#[test]
fn documented_examples_parse() {
    let docs: String = include_str!("mod.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
        .collect();
    let block = |fence: &str| {
        let start = docs.find(fence).expect("fence") + fence.len();
        let len = docs[start..].find("```").expect("closing fence");
        docs[start..start + len].to_string()
    };
    let toml = parse_toml(&block("```toml\n")).unwrap();
    assert_eq!((toml.entries.len(), toml.ignored.len()), (3, 1));
    let jsonl = parse_jsonl(&block("```text\n")).unwrap();
    assert_eq!(jsonl.entries.len(), 3);
}
