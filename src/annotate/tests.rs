//! Tests of the annotation core: byte-for-byte round trips, changes, edits (with a property
//! test against a model written independently), re-anchoring.

use expect_test::{Expect, expect};

use crate::text::{TextRange, TextSize};

use super::AnnDoc;

/// A text with CRLF line breaks, an accent-free astral character and a discontinuous name.
const TEXT: &str = "Ada flew to Paris\r\nand then to Texas.\r\nAda 😀 smiled.";

/// Every kind of line brat writes, a line nomen does not know, a blank line and no final
/// newline.
const ANN: &str = "T1\tPerson 0 3\tAda\n\
T2\tLocation 12 17;31 36\tParis Texas\n\
A1\tNegated T1\n\
A2\tConfidence T2 High\n\
T3\tTravel 4 8\tflew\n\
R1\tLives_in Arg1:T1 Arg2:T2\n\
E1\tTravel:T3 Agent:T1 Destination:T2\n\
N1\tReference T2 Wikidata:Q16555\tParis, Texas\n\
#1\tAnnotatorNotes T1\tthe poet's daughter\n\
*\tAlias T1 T4\n\
X1\tsomething nomen does not know\n\
\n\
T4\tPerson 39 42\tAda\n\
T5\tMisc 43 44\t😀";

fn bytes(text: &str, needle: &str, nth: usize) -> TextRange {
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    TextRange::at(TextSize::new(at as u32), TextSize::of(needle))
}

fn check(doc: &AnnDoc, text: &str, expect: Expect) {
    let mut out = doc.render(text);
    for p in doc.problems() {
        out.push_str(&format!("\n! line {}: {}", p.line, p.message));
    }
    expect.assert_eq(&out);
}

#[test]
fn every_line_kind_round_trips_byte_for_byte() {
    let doc = AnnDoc::parse(ANN, TEXT);
    assert_eq!(doc.problems(), []);
    assert_eq!(doc.render(TEXT), ANN);
    assert!(!doc.is_dirty());
    assert_eq!(doc.len(), 5);
    let paris = doc.entity("T2").unwrap();
    assert_eq!(&TEXT[paris.spans[0]], "Paris");
    assert_eq!(&TEXT[paris.spans[1]], "Texas");
    assert_eq!(&TEXT[doc.entity("T5").unwrap().spans[0]], "😀");
    // CRLF line endings in the .ann itself, with a final newline, and an empty file.
    let crlf = ANN.replace('\n', "\r\n") + "\r\n";
    assert_eq!(AnnDoc::parse(&crlf, TEXT).render(TEXT), crlf);
    assert_eq!(AnnDoc::parse("", TEXT).render(TEXT), "");
    assert_eq!(AnnDoc::empty().render(TEXT), "");
}

#[test]
fn queries_find_entities_and_what_is_said_of_them() {
    let doc = AnnDoc::parse(ANN, TEXT);
    let ids = |it: &mut dyn Iterator<Item = &super::Entity>| {
        it.map(|e| e.id.as_str()).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(ids(&mut doc.entities()), "T1 T2 T3 T4 T5");
    let texas = bytes(TEXT, "Texas", 0).start();
    assert_eq!(doc.entity_at(texas).unwrap().id, "T2");
    // At the end of a name, the name; inside none, none.
    assert_eq!(doc.entity_at(TextSize::new(3)).unwrap().id, "T1");
    assert!(doc.entity_at(bytes(TEXT, "then", 0).start()).is_none());
    let around = bytes(TEXT, "Ada flew", 0);
    assert_eq!(ids(&mut doc.overlapping(around)), "T1 T3");
    let info = doc.info("T2");
    expect![[r#"
        EntityInfo {
            notes: [],
            attributes: [
                (
                    "Confidence",
                    Some(
                        "High",
                    ),
                ),
            ],
            norms: [
                (
                    "Wikidata:Q16555",
                    Some(
                        "Paris, Texas",
                    ),
                ),
            ],
        }
    "#]]
    .assert_debug_eq(&info);
    assert_eq!(doc.info("T1").notes, ["the poet's daughter"]);
}

#[test]
fn removing_an_entity_removes_what_points_at_it() {
    let mut doc = AnnDoc::parse(ANN, TEXT);
    assert!(doc.remove("T1"));
    assert!(!doc.remove("T1"));
    // The relation and note go; the event loses its agent; the equivalence has one member
    // left and goes.
    check(
        &doc,
        TEXT,
        expect![[r#"
            T2	Location 12 17;31 36	Paris Texas
            A2	Confidence T2 High
            T3	Travel 4 8	flew
            E1	Travel:T3 Destination:T2
            N1	Reference T2 Wikidata:Q16555	Paris, Texas
            X1	something nomen does not know

            T4	Person 39 42	Ada
            T5	Misc 43 44	😀"#]],
    );
    // The event's trigger goes: the event goes.
    assert!(doc.remove("T3"));
    assert!(!doc.render(TEXT).contains("E1"));
    assert_eq!(doc.len(), 3);
}

#[test]
fn changes_keep_the_numbering_and_the_line_order() {
    let mut doc = AnnDoc::parse(ANN, TEXT);
    let smiled = bytes(TEXT, "smiled", 0);
    assert_eq!(doc.add(TEXT, vec![smiled], "Action"), "T6");
    assert!(doc.relabel("T4", "Writer"));
    assert!(doc.resize(TEXT, "T3", vec![bytes(TEXT, "flew to", 0)]));
    assert!(doc.link("T1", "Wikidata:Q7259", Some("Ada Lovelace")));
    assert!(doc.link("T2", "Wikidata:Q16559", Some("Paris, Texas")));
    assert!(!doc.link("T9", "Wikidata:Q1", None));
    assert!(doc.is_dirty());
    check(
        &doc,
        TEXT,
        expect![[r#"
            T1	Person 0 3	Ada
            T2	Location 12 17;31 36	Paris Texas
            A1	Negated T1
            A2	Confidence T2 High
            T3	Travel 4 11	flew to
            R1	Lives_in Arg1:T1 Arg2:T2
            E1	Travel:T3 Agent:T1 Destination:T2
            N1	Reference T2 Wikidata:Q16559	Paris, Texas
            #1	AnnotatorNotes T1	the poet's daughter
            *	Alias T1 T4
            X1	something nomen does not know

            T4	Writer 39 42	Ada
            T5	Misc 43 44	😀
            T6	Action 45 51	smiled
            N2	Reference T1 Wikidata:Q7259	Ada Lovelace
        "#]],
    );
    // A removed last id is not given again.
    assert!(doc.remove("T6"));
    assert_eq!(doc.add(TEXT, vec![smiled], "Action"), "T7");
    assert_eq!(
        doc.add(TEXT, vec![TextRange::empty(3.into())], "Action"),
        ""
    );
}

#[test]
fn edits_move_grow_clip_and_remove_spans() {
    let text = "Ada met Bob in Rome.";
    let ann = "T1\tPER 0 3\tAda\nT2\tPER 8 11\tBob\nA1\tRole T2 Host\nT3\tLOC 15 19\tRome\n";
    let mut doc = AnnDoc::parse(ann, text);
    let mut text = text.to_string();
    let mut edit = |doc: &mut AnnDoc, at: usize, del: usize, insert: &str| {
        text.replace_range(at..at + del, insert);
        let range = TextRange::at(TextSize::new(at as u32), TextSize::new(del as u32));
        doc.apply_edit(range, TextSize::of(insert));
        text.clone()
    };
    // An insertion at a start stays outside; one inside grows the span.
    edit(&mut doc, 0, 0, "> ");
    let t = edit(&mut doc, 4, 0, "h");
    check(
        &doc,
        &t,
        expect![[r#"
            T1	PER 2 6	Adha
            T2	PER 11 14	Bob
            A1	Role T2 Host
            T3	LOC 18 22	Rome
        "#]],
    );
    // An insertion at an end stays outside; a deletion across a start clips; deleting a
    // whole name removes it and its attribute.
    edit(&mut doc, 22, 0, "!");
    edit(&mut doc, 10, 3, "");
    let t = edit(&mut doc, 15, 4, "Oslo");
    check(
        &doc,
        &t,
        expect![[r#"
            T1	PER 2 6	Adha
            T2	PER 10 11	b
            A1	Role T2 Host
            T3	LOC 15 19	Oslo
        "#]],
    );
    let t = edit(&mut doc, 9, 3, "");
    check(
        &doc,
        &t,
        expect![[r#"
            T1	PER 2 6	Adha
            T3	LOC 12 16	Oslo
        "#]],
    );
    // A discontinuous entity loses one fragment, then the other.
    let text2 = "North and South Korea";
    let mut doc = AnnDoc::parse("T1\tLOC 0 5;16 21\tNorth Korea\n", text2);
    doc.apply_edit(TextRange::new(0.into(), 10.into()), 0.into());
    check(&doc, "South Korea", expect!["T1\tLOC 6 11\tKorea\n"]);
    doc.apply_edit(TextRange::new(5.into(), 11.into()), 0.into());
    check(&doc, "South", expect![""]);
}

#[test]
fn an_edit_after_every_span_changes_nothing() {
    let mut doc = AnnDoc::parse(ANN, TEXT);
    doc.apply_edit(TextRange::empty(TextSize::of(TEXT)), 3.into());
    assert!(!doc.is_dirty());
    assert_eq!(doc.render(&format!("{TEXT}!!!")), ANN);
}

#[test]
fn reanchoring_follows_the_stored_text_or_reports_it() {
    // Outside nomen, a line was added at the top and "Texas" became "Kansas".
    let changed = "Travel log.\r\nAda flew to Paris\r\nand then to Kansas.\r\nAda 😀 smiled.";
    let mut doc = AnnDoc::parse(ANN, changed);
    assert_eq!(doc.problems().len(), 5);
    doc.reanchor(changed);
    check(
        &doc,
        changed,
        expect![[r#"
            T1	Person 13 16	Ada
            T2	Location 12 17;31 36	Paris Texas
            A1	Negated T1
            A2	Confidence T2 High
            T3	Travel 17 21	flew
            R1	Lives_in Arg1:T1 Arg2:T2
            E1	Travel:T3 Agent:T1 Destination:T2
            N1	Reference T2 Wikidata:Q16555	Paris, Texas
            #1	AnnotatorNotes T1	the poet's daughter
            *	Alias T1 T4
            X1	something nomen does not know

            T4	Person 53 56	Ada
            T5	Misc 57 58	😀
            ! line 1: T2: “Paris Texas” is not in the text any more; the annotation is kept as it was"#]],
    );
    assert_eq!(
        doc.entities().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["T1", "T3", "T4", "T5"]
    );
    assert!(doc.entity("T2").is_some());
    // Nearest to its old place: the second "Ada" stays the second.
    assert_eq!(&changed[doc.entity("T4").unwrap().spans[0]], "Ada");
    assert!(
        doc.entity("T4").unwrap().spans[0].start()
            > bytes(changed, "Ada", 1).start() - TextSize::new(1)
    );
}

#[test]
fn bad_lines_are_kept_and_reported() {
    let ann = "T1\tPerson 0 3\tAda\nT2\tPerson three four\tAda\nT3\tPerson 0 3\nT1\tPerson 4 8\tflew\nT4\tPerson 0 300\tAda\n";
    let doc = AnnDoc::parse(ann, TEXT);
    assert_eq!(doc.render(TEXT), ann);
    check(
        &doc,
        TEXT,
        expect![[r#"
            T1	Person 0 3	Ada
            T2	Person three four	Ada
            T3	Person 0 3
            T1	Person 4 8	flew
            T4	Person 0 300	Ada

            ! line 1: T2: `three four` is not two offsets
            ! line 2: T3: no tab before the text
            ! line 3: T1: this id is used twice
            ! line 4: T4: its offsets are outside the text (52 characters)"#]],
    );
    let mut doc = doc;
    assert_eq!(doc.add(TEXT, vec![bytes(TEXT, "flew", 0)], "Travel"), "T5");
}

#[test]
fn a_discontinuous_entity_is_reanchored_by_its_fragments() {
    // Outside nomen, accented words were put before the name: its code points no longer
    // point at it, and its spans measure other characters.
    let before = "North and South Harbour";
    let ann = "T1\tLocation 0 5;16 23\tNorth Harbour\n";
    assert_eq!(AnnDoc::parse(ann, before).problems(), []);
    let after = "Élan, été: North and South Harbour";
    let mut doc = AnnDoc::parse(ann, after);
    doc.reanchor(after);
    check(
        &doc,
        after,
        expect!["T1\tLocation 11 16;27 34\tNorth Harbour\n"],
    );
}

#[test]
fn many_annotations_are_reanchored_in_one_pass_as_one_by_one() {
    // Forty names (most repeated, so that nearness decides), a line added at the top and the
    // one unique name changed outside nomen: the batch search finds what the search around each place
    // finds.
    let names = ["Ada", "Ilya", "Noor", "Quito", "Oslo"];
    let mut text = String::new();
    let mut ann = String::new();
    for i in 0..40 {
        let name = if i == 7 {
            "Zélie"
        } else {
            names[i % names.len()]
        };
        let start = text.chars().count();
        text.push_str(&format!("{name} é{i}, "));
        ann.push_str(&format!(
            "T{}\tX {start} {}\t{name}\n",
            i + 1,
            start + name.chars().count()
        ));
    }
    let changed = format!("Préface 😀\n{}", text.replacen("Zélie", "Zoé", 1));
    let mut doc = AnnDoc::parse(&ann, &changed);
    doc.reanchor(&changed);
    let unanchored: Vec<&str> = doc.unanchored().map(|e| e.id.as_str()).collect();
    assert_eq!(unanchored, ["T8"]);
    let before = AnnDoc::parse(&ann, &changed);
    for e in doc.entities() {
        let old = before.entity(&e.id).unwrap().spans[0].start();
        let nearest = super::offsets::nearest(&changed, &e.text, usize::from(old)).unwrap();
        assert_eq!(usize::from(e.spans[0].start()), nearest, "{}", e.id);
        assert_eq!(&changed[e.spans[0]], e.text);
    }
    assert_eq!(doc.problems().len(), 1);
}
