//! Tests of learning from annotations: what one document teaches, the workspace model's bytes,
//! and that an empty model is the shipped behaviour. The texts are written for these tests.

use expect_test::{Expect, expect};

use super::*;
use crate::analysis::extract_document;
use crate::pipeline::WorkspaceModel;

/// A text with `[name](LABEL)` markup: the text and its spans.
fn marked(marked: &str) -> (String, Vec<(TextRange, Label)>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let close = open + rest[open..].find("](").unwrap();
        let end = close + rest[close..].find(')').unwrap();
        let start = TextSize::of(text.as_str());
        text.push_str(&rest[open + 1..close]);
        let label = Label::from_tag(&rest[close + 2..end]).unwrap();
        spans.push((TextRange::new(start, TextSize::of(text.as_str())), label));
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    (text, spans)
}

fn french() -> DocOptions {
    DocOptions {
        language: Some(Lang::Fr),
        ..DocOptions::default()
    }
}

/// The mentions of `text`, as `form LABEL` lines.
fn mentions(extractor: &Extractor, text: &str) -> String {
    extract_document(extractor, text, &french())
        .mentions
        .iter()
        .map(|m| format!("{} {}\n", &text[m.range], m.label.tag()))
        .collect()
}

/// The annotated document the tests learn from: names the shipped model does not know.
const LEARNT: &str = "Le collectif [Brume Salée](ORG) a réuni ses membres samedi à [Kerbaliou](LOC). \
    Selon [Brume Salée](ORG), la digue de [Kerbaliou](LOC) doit être rehaussée avant l'hiver.\n\n\
    La porte-parole de [Brume Salée](ORG) a écrit au préfet. Les habitants de [Kerbaliou](LOC) \
    attendent sa réponse.\n";

/// A new document that uses the same names in new sentences.
const NEW: &str = "Lundi, Brume Salée a déposé un recours. La mairie de Kerbaliou \
    n'a pas répondu.\n";

fn learnt_model(extractor: &Extractor) -> WorkspaceModel {
    let (text, gold) = marked(LEARNT);
    let doc = Annotated {
        text: &text,
        gold: &gold,
        rejected: &[],
        complete: false,
    };
    let mut model = WorkspaceModel::default();
    learn_document(
        extractor,
        &mut model,
        &doc,
        &french(),
        LearnConfig::default(),
    );
    model
}

fn check(actual: &str, expect: Expect) {
    expect.assert_eq(actual);
}

#[test]
fn one_annotated_document_teaches_its_names() {
    let shipped = Extractor::new();
    check(
        &mentions(&shipped, NEW),
        expect![[r#"
        Brume Salée PER
        Kerbaliou LOC
    "#]],
    );
    let model = learnt_model(&shipped);
    assert!(!model.is_empty());
    let learnt = shipped.clone().with_workspace_model(&model);
    check(
        &mentions(&learnt, NEW),
        expect![[r#"
        Brume Salée ORG
        Kerbaliou LOC
    "#]],
    );
}

#[test]
fn rejected_suggestions_are_not_suggested_again() {
    let shipped = Extractor::new();
    let text = "Le Grand Large ouvre ses portes. Le Grand Large est un café du port.\n";
    check(
        &mentions(&shipped, text),
        expect![[r#"
        Grand Large ORG
        Grand Large ORG
    "#]],
    );
    // A rejection says "no name here". Three passes of the default step take the rejected
    // label down, and the model may then offer another label there once; rejected too, the
    // suggestion is gone.
    let mut rejected: Vec<(TextRange, Label)> = Vec::new();
    let mut model = WorkspaceModel::default();
    let mut rounds = Vec::new();
    for _ in 0..3 {
        let learnt = shipped.clone().with_workspace_model(&model);
        let found = extract_document(&learnt, text, &french()).mentions;
        rounds.push(mentions(&learnt, text));
        if found.is_empty() {
            break;
        }
        rejected.extend(found.iter().map(|m| (m.range, m.label)));
        let doc = Annotated {
            text,
            gold: &[],
            rejected: &rejected,
            complete: false,
        };
        learn_document(
            &shipped,
            &mut model,
            &doc,
            &french(),
            LearnConfig::default(),
        );
    }
    check(
        &rounds.join("--\n"),
        expect![[r#"
            Grand Large ORG
            Grand Large ORG
            --
            Grand Large PER
            Grand Large PER
            --
        "#]],
    );
}

#[test]
fn the_workspace_model_round_trips_byte_for_byte() {
    let shipped = Extractor::new();
    let model = learnt_model(&shipped);
    let bytes = model.to_bytes();
    let read = WorkspaceModel::from_bytes(&bytes).unwrap();
    assert_eq!(read, model);
    assert_eq!(read.to_bytes(), bytes);
    // Learning the same document again from nothing gives the same bytes.
    assert_eq!(learnt_model(&shipped).to_bytes(), bytes);
    assert!(model.fits(&shipped));
    // Bad bytes are refused, never a panic.
    for cut in 0..bytes.len().min(64) {
        let _ = WorkspaceModel::from_bytes(&bytes[..cut]);
    }
    assert!(WorkspaceModel::from_bytes(b"NOMENWD1x").is_err());
    assert_eq!(
        WorkspaceModel::from_bytes(b"NOMENWD1"),
        Ok(WorkspaceModel::default())
    );
}

#[test]
fn a_model_learnt_over_another_model_is_not_used() {
    let shipped = Extractor::new();
    let model = learnt_model(&shipped);
    let mut bytes = model.to_bytes();
    // The French delta's base fingerprint follows the magic and the language letter.
    bytes[9] ^= 1;
    let other = WorkspaceModel::from_bytes(&bytes).unwrap();
    assert!(!other.fits(&shipped));
    let with_other = shipped.clone().with_workspace_model(&other);
    assert_eq!(mentions(&with_other, NEW), mentions(&shipped, NEW));
}

#[test]
fn an_empty_model_is_the_shipped_behaviour() {
    let shipped = Extractor::new();
    let text =
        "Khalifa Haftar a rencontré Emmanuel Macron à Paris. Brume Salée proteste à Kerbaliou.\n";
    let reset = shipped
        .clone()
        .with_workspace_model(&WorkspaceModel::default());
    let with_model = shipped
        .clone()
        .with_workspace_model(&learnt_model(&shipped));
    let back = with_model.with_workspace_model(&WorkspaceModel::default());
    for extractor in [&reset, &back] {
        assert_eq!(
            extractor.extract(text, Lang::Fr),
            shipped.extract(text, Lang::Fr)
        );
    }
}
