//! The annotation commands as users run them: `nomen convert` round trips between brat, JSON
//! Lines and CoNLL and says what it loses; `nomen agree` on a hand-made pair of annotators;
//! `nomen check` and `nomen extract` on an annotated document.

use std::path::Path;
use std::process::Output;

use expect_test::expect;

use crate::nomen;

fn out(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// A story with CRLF line breaks, an astral character, a discontinuous name and a note.
const STORY: &str =
    "Mira Kell sailed from Vigo 🌊 to North and South Harbour.\r\nKell wrote to Odo.\r\n";
const STORY_ANN: &str = "T1\tPerson 0 9\tMira Kell\n\
T2\tLocation 22 26\tVigo\n\
T3\tLocation 32 37;48 55\tNorth Harbour\n\
#1\tAnnotatorNotes T2\tthe port\n\
T4\tPerson 58 62\tKell\n";

#[test]
fn convert_round_trips_and_says_what_it_loses() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("story.txt"), STORY).unwrap();
    std::fs::write(d.join("story.ann"), STORY_ANN).unwrap();

    let jsonl = nomen(
        &["convert", "story.ann", "--to", "jsonl", "--out-dir", "j"],
        d,
    );
    out(&jsonl);
    expect![[r#"
        {"text":"Mira Kell sailed from Vigo 🌊 to North and South Harbour.\r\nKell wrote to Odo.\r\n","spans":[{"start":0,"end":9,"label":"Person"},{"start":22,"end":26,"label":"Location"},{"start":32,"end":37,"label":"Location"},{"start":48,"end":55,"label":"Location"},{"start":58,"end":62,"label":"Person"}]}
    "#]]
    .assert_eq(&read(d, "j/story.jsonl"));
    let stderr = err(&jsonl);
    let lost: Vec<&str> = stderr.lines().filter(|l| l.contains("lost")).collect();
    expect![[r#"
        [
            "nomen: story.ann (story): lost: 1 line(s) other than entities (A, R, E, N, #, *) not kept",
            "nomen: story.ann (story): lost: T3 is discontinuous: its 2 fragments are separate spans",
        ]
    "#]]
    .assert_debug_eq(&lost);

    // JSON Lines back to brat: the same text, the same entities (the fragments now apart).
    out(&nomen(
        &["convert", "j/story.jsonl", "--to", "brat", "--out-dir", "b"],
        d,
    ));
    assert_eq!(read(d, "b/story.txt"), STORY);
    expect![[r#"
        T1	Person 0 9	Mira Kell
        T2	Location 22 26	Vigo
        T3	Location 32 37	North
        T4	Location 48 55	Harbour
        T5	Person 58 62	Kell
    "#]]
    .assert_eq(&read(d, "b/story.ann"));
    // And brat to JSON Lines again, byte for byte.
    out(&nomen(
        &["convert", "b/story.ann", "--to", "jsonl", "--out-dir", "j2"],
        d,
    ));
    assert_eq!(read(d, "j2/story.jsonl"), read(d, "j/story.jsonl"));

    // CoNLL: written, read back, written again the same.
    let conll = nomen(
        &["convert", "story.txt", "--to", "conll", "--out-dir", "c"],
        d,
    );
    out(&conll);
    assert!(
        err(&conll).contains("the text's spacing is not kept"),
        "{}",
        err(&conll)
    );
    out(&nomen(
        &[
            "convert",
            "c/story.conll",
            "--to",
            "brat",
            "--out-dir",
            "c2",
        ],
        d,
    ));
    out(&nomen(
        &[
            "convert",
            "c2/story.ann",
            "--to",
            "conll",
            "--out-dir",
            "c3",
        ],
        d,
    ));
    assert_eq!(read(d, "c3/story.conll"), read(d, "c/story.conll"));
    expect![[r#"
        T1	Person 0 9	Mira Kell
        T2	Location 22 26	Vigo
        T3	Location 32 37	North
        T4	Location 48 55	Harbour
        T5	Person 58 62	Kell
    "#]]
    .assert_eq(&read(d, "c2/story.ann"));

    // Converting brat to brat in place changes nothing, not even the file's time.
    let before = std::fs::metadata(d.join("story.ann"))
        .unwrap()
        .modified()
        .unwrap();
    out(&nomen(&["convert", "story.ann", "--to", "brat"], d));
    assert_eq!(read(d, "story.ann"), STORY_ANN);
    let after = std::fs::metadata(d.join("story.ann"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn agree_gives_exact_figures_and_places() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for side in ["a", "b"] {
        std::fs::create_dir_all(d.join(side).join("day1")).unwrap();
        std::fs::write(d.join(side).join("day1/log.txt"), STORY).unwrap();
    }
    std::fs::write(d.join("a/day1/log.ann"), STORY_ANN).unwrap();
    // B: Mira only (bounds), Vigo as an organisation (label), the harbour the same, Kell
    // missing, Odo added.
    let b_ann = "T1\tPerson 0 4\tMira\nT2\tOrganization 22 26\tVigo\nT3\tLocation 32 37;48 55\tNorth Harbour\nT4\tPerson 72 75\tOdo\n";
    std::fs::write(d.join("b/day1/log.ann"), b_ann).unwrap();
    let agree = nomen(&["agree", "a", "b"], d);
    assert_eq!(err(&agree), "");
    let table = out(&agree);
    expect![[r#"
        label              A     B    ex.P   ex.R  ex.F1    ov.P   ov.R  ov.F1
        Location           2     1   1.000  0.500  0.667   1.000  0.500  0.667
        Organization       0     1   0.000  1.000  0.000   0.000  1.000  0.000
        Person             2     2   0.000  0.000  0.000   0.500  0.500  0.500
        micro              4     4   0.250  0.250  0.250   0.500  0.500  0.500

        confusion (A -> B, paired by overlap):
          (none) -> Person: 1
          Location -> Location: 1
          Location -> Organization: 1
          Person -> (none): 1
          Person -> Person: 1

        4 disagreement(s):
        a/day1/log.txt:1:1: bounds: A T1 Person “Mira Kell” / B T1 Person “Mira”
        a/day1/log.txt:1:23: label: A T2 Location “Vigo” / B T2 Organization “Vigo”
        a/day1/log.txt:2:1: only in A: A T4 Person “Kell” / B -
        a/day1/log.txt:2:15: only in B: A - / B T4 Person “Odo”
    "#]]
    .assert_eq(&table);
    let json: serde_json::Value = serde_json::from_str(&out(&nomen(
        &["agree", "--json", "a/day1/log.ann", "b/day1/log.ann"],
        d,
    )))
    .unwrap();
    assert_eq!(json["micro"]["exact"]["f1"], 0.25);
    assert_eq!(json["micro"]["overlap"]["p"], 0.5);
    assert_eq!(json["per_label"]["Location"]["exact"]["r"], 0.5);
    assert_eq!(json["disagreements"][3]["line"], 2);
    assert_eq!(json["disagreements"][3]["column"], 15);
    assert_eq!(json["disagreements"][3]["kind"], "only in B");
}

#[test]
fn check_and_extract_show_annotations_and_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".nomen")).unwrap();
    let text = "Angela Merkel met Emmanuel Macron in Berlin.\n";
    std::fs::write(d.join("visit.txt"), text).unwrap();
    std::fs::write(
        d.join("visit.ann"),
        "T1\tPerson 0 13\tAngela Merkel\nT2\tPerson 99 104\tBonn\n",
    )
    .unwrap();
    // Berlin was rejected as a suggestion in this document.
    std::fs::write(
        d.join(".nomen/rejected.jsonl"),
        "{\"document\":\"visit.txt\",\"form\":\"Berlin\",\"label\":\"LOC\"}\n",
    )
    .unwrap();
    let check = out(&nomen(&["check", "visit.txt"], d));
    expect![[r#"
        visit.ann:2:1: warning: T2: “Bonn” is not in the text any more; the annotation is kept as it was
        visit.txt:1:1: annotation: Angela Merkel — Person (T1)
        visit.txt:1:19: suggestion: Emmanuel Macron — person
    "#]]
    .assert_eq(&check);
    let extract = out(&nomen(&["extract", "visit.txt"], d));
    expect![[r#"
        {"path":"visit.txt","language":"en","entities":[{"start":0,"end":13,"label":"Person","text":"Angela Merkel","source":"annotation","id":"T1"},{"start":18,"end":33,"label":"Person","text":"Emmanuel Macron","source":"suggestion"}]}
    "#]]
    .assert_eq(&extract);
}

#[test]
fn eval_says_when_an_input_lies_outside_the_model_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "Les bénévoles de Grelotte Verte trient les dons à Quimper.\n";
    let ann = "T1\tORG 17 31\tGrelotte Verte\nT2\tLOC 50 57\tQuimper\n";
    for folder in ["a", "b"] {
        std::fs::create_dir_all(d.join(folder).join(".nomen")).unwrap();
        std::fs::write(d.join(folder).join("note.txt"), text).unwrap();
        std::fs::write(d.join(folder).join("note.ann"), ann).unwrap();
    }
    out(&nomen(&["learn", "a"], d));
    assert!(d.join("a/.nomen/model.delta").exists());
    let alone = nomen(&["eval", "--lang", "fr", "a/note.txt"], d);
    out(&alone);
    assert!(
        err(&alone).contains("with the workspace model"),
        "{}",
        err(&alone)
    );
    assert!(!err(&alone).contains("is not under"), "{}", err(&alone));
    let both = nomen(&["eval", "--lang", "fr", "a/note.txt", "b/note.txt"], d);
    out(&both);
    assert!(
        err(&both).contains("b/note.txt is not under"),
        "{}",
        err(&both)
    );
}
