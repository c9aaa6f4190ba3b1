//! Other annotation formats, read into and written from an `AnnDoc` with its text: JSON Lines
//! (`{"text", "spans": [{"start", "end", "label"}]}` in code points; doccano's `"label":
//! [[s, e, "L"]]` and `"entities"` are read too) and CoNLL IOB2 (a token and its tag a line,
//! a blank line between sentences). Each writer says what the format could not hold.

use serde::Serialize;
use serde_json::Value;

use crate::text::{TextRange, TextSize};

use super::AnnDoc;
use super::offsets;

pub use super::conll::{read_conll, write_conll};

/// A document in any format: its text and its annotations.
#[derive(Clone, Debug)]
pub struct Annotated {
    pub text: String,
    pub ann: AnnDoc,
}

/// Builds a document from spans in code points; `None` when one is outside the text.
fn from_code_points(text: String, spans: &[(u64, u64, String)]) -> Result<Annotated, String> {
    let mut cps: Vec<u32> = Vec::with_capacity(spans.len() * 2);
    for (s, e, _) in spans {
        if s >= e || *e > u64::from(u32::MAX) {
            return Err(format!("the span {s}..{e} is empty or reversed"));
        }
        cps.extend([*s as u32, *e as u32]);
    }
    cps.sort_unstable();
    cps.dedup();
    let bytes = offsets::cps_to_bytes(&text, &cps);
    let at = |cp: u64| bytes[cps.binary_search(&(cp as u32)).unwrap_or(0)];
    let mut ann = AnnDoc::empty();
    for (s, e, label) in spans {
        let (Some(start), Some(end)) = (at(*s), at(*e)) else {
            let chars = text.chars().count();
            return Err(format!(
                "the span {s}..{e} is outside the text ({chars} characters)"
            ));
        };
        ann.add(&text, vec![TextRange::new(start, end)], label);
    }
    Ok(Annotated { text, ann })
}

/// Reads one line of JSON Lines.
pub fn read_jsonl(line: &str) -> Result<Annotated, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let Some(text) = value.get("text").and_then(Value::as_str) else {
        return Err("no \"text\" string".into());
    };
    let list = ["spans", "entities", "label"]
        .iter()
        .find_map(|k| value.get(*k).and_then(Value::as_array));
    let mut spans = Vec::new();
    for (i, item) in list.into_iter().flatten().enumerate() {
        let span = match item {
            // doccano's `[start, end, "Label"]`.
            Value::Array(t) => match (t.first(), t.get(1), t.get(2)) {
                (Some(s), Some(e), Some(l)) => (s.as_u64(), e.as_u64(), l.as_str()),
                _ => (None, None, None),
            },
            Value::Object(o) => {
                let num = |a: &str, b: &str| o.get(a).or(o.get(b)).and_then(Value::as_u64);
                let label = o.get("label").and_then(Value::as_str);
                (
                    num("start", "start_offset"),
                    num("end", "end_offset"),
                    label,
                )
            }
            _ => (None, None, None),
        };
        match span {
            (Some(s), Some(e), Some(l)) if !l.is_empty() => spans.push((s, e, l.to_string())),
            _ => return Err(format!("span {} is not a start, an end and a label", i + 1)),
        }
    }
    from_code_points(text.to_string(), &spans)
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    text: &'a str,
    spans: Vec<JsonSpan<'a>>,
}

#[derive(Serialize)]
struct JsonSpan<'a> {
    start: u32,
    end: u32,
    label: &'a str,
}

/// What a format cannot hold of every document: the lines other than `T` ones, and the
/// entities not anchored in the text.
pub(super) fn common_losses(doc: &Annotated, lost: &mut Vec<String>) {
    let others = doc.ann.other_lines();
    if others > 0 {
        lost.push(format!(
            "{others} line(s) other than entities (A, R, E, N, #, *) not kept"
        ));
    }
    for e in doc.ann.unanchored() {
        lost.push(format!("{} is not anchored in the text: left out", e.id));
    }
}

/// Writes one line of JSON Lines (with its newline), and what it lost.
pub fn write_jsonl(doc: &Annotated) -> (String, Vec<String>) {
    let mut lost = Vec::new();
    common_losses(doc, &mut lost);
    let entities: Vec<_> = doc.ann.entities().collect();
    let mut bytes: Vec<u32> = (entities.iter().flat_map(|e| e.spans.iter()))
        .flat_map(|s| [u32::from(s.start()), u32::from(s.end())])
        .collect();
    bytes.sort_unstable();
    bytes.dedup();
    let cps = offsets::bytes_to_cps(&doc.text, &bytes);
    let cp = |b: TextSize| cps[bytes.binary_search(&u32::from(b)).unwrap_or(0)];
    let mut spans = Vec::new();
    for e in entities {
        if e.spans.len() > 1 {
            let n = e.spans.len();
            lost.push(format!(
                "{} is discontinuous: its {n} fragments are separate spans",
                e.id
            ));
        }
        for s in &e.spans {
            spans.push(JsonSpan {
                start: cp(s.start()),
                end: cp(s.end()),
                label: &e.label,
            });
        }
    }
    let json = JsonDoc {
        text: &doc.text,
        spans,
    };
    let mut line = serde_json::to_string(&json).unwrap_or_default();
    line.push('\n');
    (line, lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brat(text: &str, ann: &str) -> Annotated {
        Annotated {
            text: text.to_string(),
            ann: AnnDoc::parse(ann, text),
        }
    }

    #[test]
    fn json_lines_round_trip_in_code_points() {
        let line = r#"{"text":"Émile 😀 met Ruth in Oslo.","spans":[{"start":0,"end":5,"label":"Person"},{"start":12,"end":16,"label":"Person"},{"start":20,"end":24,"label":"Location"}]}"#;
        let doc = read_jsonl(line).unwrap();
        expect_test::expect![[r#"
            T1	Person 0 5	Émile
            T2	Person 12 16	Ruth
            T3	Location 20 24	Oslo
        "#]]
        .assert_eq(&doc.ann.render(&doc.text));
        assert_eq!(write_jsonl(&doc), (format!("{line}\n"), vec![]));
        let doccano =
            r#"{"id": 4, "text": "Ruth in Oslo", "label": [[8, 12, "LOC"], [0, 4, "PER"]]}"#;
        let doc = read_jsonl(doccano).unwrap();
        assert_eq!(
            doc.ann.render(&doc.text),
            "T1\tLOC 8 12\tOslo\nT2\tPER 0 4\tRuth\n"
        );
        assert!(
            read_jsonl(r#"{"text": "Ruth", "spans": [{"start": 0, "end": 9, "label": "PER"}]}"#)
                .is_err()
        );
        assert!(read_jsonl(r#"{"spans": []}"#).is_err());
    }

    #[test]
    fn json_lines_say_what_they_lose() {
        let text = "North and South Korea";
        let doc = brat(text, "T1\tLOC 0 5;16 21\tNorth Korea\nA1\tNegated T1\n");
        let (line, lost) = write_jsonl(&doc);
        assert_eq!(
            line,
            "{\"text\":\"North and South Korea\",\"spans\":[{\"start\":0,\"end\":5,\"label\":\"LOC\"},{\"start\":16,\"end\":21,\"label\":\"LOC\"}]}\n"
        );
        expect_test::expect![[r#"
            [
                "1 line(s) other than entities (A, R, E, N, #, *) not kept",
                "T1 is discontinuous: its 2 fragments are separate spans",
            ]
        "#]]
        .assert_debug_eq(&lost);
    }

    #[test]
    fn conll_round_trips_and_says_what_it_loses() {
        let conll = "Ruth B-PER\nSato I-PER\nflew O\nto O\nOslo B-LOC\n. O\n\nShe O\nsmiled O\n\n";
        let (docs, problems) = read_conll(conll);
        assert_eq!(problems, Vec::<String>::new());
        let doc = &docs[0];
        assert_eq!(doc.text, "Ruth Sato flew to Oslo .\nShe smiled\n");
        assert_eq!(
            doc.ann.render(&doc.text),
            "T1\tPER 0 9\tRuth Sato\nT2\tLOC 18 22\tOslo\n"
        );
        assert_eq!(write_conll(doc), (conll.to_string(), vec![]));
        // Overlaps, a discontinuous entity, spacing and a name cut from its full stop.
        let text = "Kestrel  Air flew to Oslo.\r\n";
        let ann = "T1\tORG 0 12\tKestrel  Air\nT2\tMISC 0 7\tKestrel\nT3\tLOC 21 25\tOslo\nT4\tMISC 9 12;21 25\tAir Oslo\n";
        let (out, lost) = write_conll(&brat(text, ann));
        expect_test::expect![[r#"
            Kestrel B-ORG
            Air I-ORG
            flew O
            to O
            Oslo B-LOC
            . O

        "#]]
        .assert_eq(&out);
        expect_test::expect![[r#"
            [
                "T4 is discontinuous: its 2 fragments are separate entities",
                "T2 overlaps T1: left out",
                "T4 overlaps T1: left out",
                "T4 overlaps T3: left out",
                "the text's spacing is not kept (tokens are joined by one space)",
            ]
        "#]]
        .assert_debug_eq(&lost);
        let (_, problems) = read_conll("-DOCSTART- O\n\nRuth I-PER\nx Q-PER\n");
        assert_eq!(
            problems,
            [
                "line 3: I-PER continues no entity",
                "line 4: `Q-PER` is not an IOB2 tag"
            ]
        );
    }
}
