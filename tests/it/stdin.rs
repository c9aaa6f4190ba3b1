//! `nomen extract --stdin` as a pipeline runs it: JSON Lines in, one line out per line in,
//! in order, ids passed through, bad lines answered in place.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn extract(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nomen"))
        .args(["extract", "--stdin"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nomen runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from another thread: nomen writes while it reads. A run that stops early (a bad
    // option) closes its stdin: what was not written shows in the output's assertions.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    output
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn line(id: Value, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string() + "\n"
}

const FR: &str = "Le président russe Vladimir Poutine a reçu Khalifa Haftar à Moscou.";

#[test]
fn ids_are_passed_through_as_written() {
    let object = format!(
        "{{\"id\": {{\"z\": [1, 2], \"a\": \"x\"}}, \"text\": {}}}\n",
        Value::from(FR)
    );
    let input = [line("a-1".into(), FR), line(42.into(), FR), object].concat();
    let output = extract(&[], input.as_bytes());
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8_lossy(&output.stdout);
    let out = lines(&output);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["id"], "a-1");
    assert_eq!(out[1]["id"], 42);
    // The object keeps its keys' order and spacing: it is copied, not re-encoded.
    assert!(
        printed
            .lines()
            .nth(2)
            .unwrap()
            .starts_with(r#"{"id":{"z": [1, 2], "a": "x"},"#),
        "{printed}"
    );
    assert_eq!(out[0]["language"], "fr");
    let poutine = &out[0]["entities"][0];
    assert_eq!(
        (
            &poutine["text"],
            &poutine["label"],
            &poutine["start"],
            &poutine["end"]
        ),
        (
            &"Vladimir Poutine".into(),
            &"PER".into(),
            &19.into(),
            &35.into()
        )
    );
    assert_eq!(out[0]["entities"], out[2]["entities"]);
}

#[test]
fn output_keeps_input_order_with_two_jobs() {
    let mut input = String::new();
    for i in 0..300 {
        // Long and short documents mixed, so that workers finish out of order.
        let text = if i % 7 == 0 {
            FR.repeat(200)
        } else {
            format!("Jean Dupont est arrivé à Lyon le {i} mai.")
        };
        input.push_str(&line(i.into(), &text));
    }
    let two = extract(&["--jobs", "2"], input.as_bytes());
    assert!(two.status.success(), "{two:?}");
    let ids: Vec<Value> = lines(&two).iter().map(|l| l["id"].clone()).collect();
    assert_eq!(ids, (0..300).map(Value::from).collect::<Vec<_>>());
    let one = extract(&["--jobs", "1"], input.as_bytes());
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn each_bad_line_gets_its_error_and_the_stream_goes_on() {
    let over_cap = "a ".repeat(4 << 20) + "b";
    let input = [
        line(1.into(), FR),
        "this is not JSON\n".to_string(),
        "{\"id\": 3, \"txt\": \"no text field\"}\n".to_string(),
        "{\"id\": 4, \"text\": 12}\n".to_string(),
        line(5.into(), &over_cap),
        "[1, 2]\n".to_string(),
        "{\"id\": 7, \"text\": \"Paris\", \"language\": \"de\"}\n".to_string(),
        line(8.into(), FR),
    ]
    .concat();
    let mut input = input.into_bytes();
    input.extend_from_slice(b"{\"id\": 9, \"text\": \"Paris \xff\"}\n");
    let output = extract(&[], &input);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let out = lines(&output);
    assert_eq!(out.len(), 9);
    let error = |i: usize| out[i]["error"].as_str().unwrap_or("").to_string();
    assert!(out[0]["error"].is_null() && out[7]["error"].is_null());
    assert_eq!(out[7]["entities"], out[0]["entities"]);
    assert!(error(1).starts_with("not JSON"), "{}", error(1));
    assert!(out[1].get("id").is_none());
    assert_eq!(
        (&out[2]["id"], error(2).as_str()),
        (&3.into(), "no \"text\" field")
    );
    assert_eq!(
        (&out[3]["id"], error(3).as_str()),
        (&4.into(), "\"text\" is a number, not a string")
    );
    assert_eq!(out[4]["id"], 5);
    assert!(error(4).contains("over the cap"), "{}", error(4));
    assert!(error(5).starts_with("not a JSON object"), "{}", error(5));
    assert!(error(6).contains("\"language\" is \"de\""), "{}", error(6));
    assert_eq!(error(8), "not UTF-8 (invalid byte at offset 25)");
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains("9 lines, 2 extracted, 7 failed"),
        "{summary}"
    );
    assert!(summary.contains("line 2: not JSON"), "{summary}");
}

#[test]
fn the_language_field_is_honoured() {
    let text = "Paris Hilton met Orange in Lyon.";
    let input = [
        format!("{{\"id\": 1, \"text\": \"{text}\", \"language\": \"en\"}}\n"),
        format!("{{\"id\": 2, \"text\": \"{text}\", \"language\": \"fr\"}}\n"),
        format!("{{\"id\": 3, \"text\": \"{text}\", \"language\": null}}\n"),
    ]
    .concat();
    let output = extract(&["--language", "fr"], input.as_bytes());
    assert!(output.status.success(), "{output:?}");
    let languages: Vec<Value> = lines(&output)
        .iter()
        .map(|l| l["language"].clone())
        .collect();
    // A line without its language takes --language's.
    assert_eq!(languages, ["en", "fr", "fr"]);
}

#[test]
fn a_knowledge_folder_is_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".nomen")).unwrap();
    std::fs::write(
        dir.path().join(".nomen/knowledge.toml"),
        "[[entity]]\nname = \"zorbex holdings\"\nkind = \"organisation\"\n",
    )
    .unwrap();
    let input = line(
        1.into(),
        "Dockers struck at the terminal run by zorbex holdings.",
    );
    let knows = |args: &[&str]| {
        let output = extract(args, input.as_bytes());
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout)
            .contains(r#""label":"ORG","text":"zorbex holdings""#)
    };
    let folder = dir.path().to_str().unwrap();
    assert!(knows(&["--knowledge", folder]));
    assert!(knows(&["--knowledge", &format!("{folder}/.nomen")]));
    assert!(!knows(&[]));
    let missing = extract(&["--knowledge", "/nonexistent/folder"], input.as_bytes());
    assert_eq!(missing.status.code(), Some(2));
}
