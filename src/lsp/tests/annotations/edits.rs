//! A property test: random edits sent to the server, then a save, give the `.ann` that the
//! issue's rules give when written here independently, in code points, over a text of
//! astral characters, accents and CRLF line breaks, with edits that span several annotations.

use proptest::prelude::*;

use super::*;

/// The text is a list of units: a character, or a CRLF (never cut in two: a position between
/// its `\r` and its `\n` does not exist in the protocol).
const UNITS: [&str; 9] = ["x", "Z", "é", "😀", "𝄞", " ", "-", "\r\n", "\n"];

#[derive(Clone, Debug)]
struct Edit {
    /// Where it starts, taken modulo the length of the text plus one.
    at: usize,
    /// How many units it deletes (fewer at the end of the text).
    delete: usize,
    insert: Vec<&'static str>,
}

#[derive(Clone, Debug)]
struct Case {
    text: Vec<&'static str>,
    /// Annotations as (gap before it, length) in units, one after the other.
    spans: Vec<(usize, usize)>,
    /// didChange notifications, each with its content changes in order.
    changes: Vec<Vec<Edit>>,
}

fn unit() -> impl Strategy<Value = &'static str> {
    prop::sample::select(UNITS.to_vec())
}

fn edit() -> impl Strategy<Value = Edit> {
    (0..200usize, 0..12usize, prop::collection::vec(unit(), 0..4))
        .prop_map(|(at, delete, insert)| Edit { at, delete, insert })
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(unit(), 0..40),
        prop::collection::vec((0..4usize, 1..5usize), 0..6),
        prop::collection::vec(prop::collection::vec(edit(), 1..3), 1..6),
    )
        .prop_map(|(text, spans, changes)| Case {
            text,
            spans,
            changes,
        })
}

/// An annotation of the model: its T number and span in units.
#[derive(Clone, Debug)]
struct Span {
    n: usize,
    start: usize,
    end: usize,
}

/// The rules: an edit before a span moves it; inside, it grows or shrinks it; an
/// insertion at its start or end stays outside; an edit over one of its ends clips it; a span
/// whose text is deleted entirely goes.
fn shift(span: &Span, start: usize, end: usize, insert: usize) -> Option<Span> {
    let (a, b) = (span.start, span.end);
    let moved = |x: usize| x - (end - start) + insert;
    let (a, b) = if end <= a {
        (moved(a), moved(b))
    } else if start >= b {
        (a, b)
    } else if start >= a && end <= b {
        (a, moved(b))
    } else if start < a && end >= b {
        return None;
    } else if start < a {
        (start + insert, moved(b))
    } else {
        (a, start)
    };
    (a < b).then_some(Span {
        n: span.n,
        start: a,
        end: b,
    })
}

fn code_points(units: &[&str]) -> usize {
    units.iter().map(|u| u.chars().count()).sum()
}

/// A unit index as a protocol position, columns in UTF-16.
fn position(units: &[&str], i: usize) -> Value {
    let mut line = 0;
    let mut col = 0;
    for u in &units[..i] {
        if u.ends_with('\n') {
            line += 1;
            col = 0;
        } else {
            col += u.encode_utf16().count();
        }
    }
    at(line, col as u32)
}

/// A `T` line as brat writes it: code points, and the text with line breaks as spaces.
fn t_line(units: &[&str], s: &Span) -> String {
    let text: String = units[s.start..s.end]
        .concat()
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    format!(
        "T{}\tPerson {} {}\t{text}\n",
        s.n,
        code_points(&units[..s.start]),
        code_points(&units[..s.end])
    )
}

/// Runs one case through the server; the `.ann` written, and the one the model expects.
async fn run(
    dir: &std::path::Path,
    server: &mut TestServer,
    n: usize,
    case: &Case,
) -> (String, String) {
    let mut units = case.text.clone();
    let mut spans = Vec::new();
    let mut at_unit = 0;
    for (gap, len) in &case.spans {
        let start = at_unit + gap;
        let end = start + len;
        if end > units.len() {
            break;
        }
        spans.push(Span {
            n: spans.len() + 1,
            start,
            end,
        });
        at_unit = end;
    }
    let ann: String = spans.iter().map(|s| t_line(&units, s)).collect();
    let doc = dir.join(format!("case{n}.txt"));
    let ann_path = dir.join(format!("case{n}.ann"));
    std::fs::write(&doc, units.concat()).unwrap();
    std::fs::write(&ann_path, &ann).unwrap();
    let uri = Uri::from_file_path(&doc).unwrap().as_str().to_string();
    open_doc(server, &uri, &units.concat()).await;
    for (version, edits) in case.changes.iter().enumerate() {
        let mut content = Vec::new();
        for edit in edits {
            let start = edit.at % (units.len() + 1);
            let end = (start + edit.delete).min(units.len());
            content.push(json!({
                "range": {"start": position(&units, start), "end": position(&units, end)},
                "text": edit.insert.concat(),
            }));
            spans = spans
                .iter()
                .filter_map(|s| shift(s, start, end, edit.insert.len()))
                .collect();
            units.splice(start..end, edit.insert.iter().copied());
        }
        server
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version + 2}, "contentChanges": content}),
            )
            .await;
    }
    save(server, &uri).await;
    server
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let written = std::fs::read_to_string(&ann_path).unwrap();
    let expected = spans.iter().map(|s| t_line(&units, s)).collect();
    (written, expected)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn edits_through_the_server_shift_the_annotations_by_the_rules(cases in prop::collection::vec(case(), 1..4)) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = Uri::from_file_path(dir.path()).unwrap();
        let results = runtime.block_on(async {
            let mut server = start(&root, json!({})).await;
            let mut out = Vec::new();
            for (n, case) in cases.iter().enumerate() {
                out.push(run(dir.path(), &mut server, n, case).await);
            }
            out
        });
        for (written, expected) in results {
            prop_assert_eq!(written, expected);
        }
    }
}
