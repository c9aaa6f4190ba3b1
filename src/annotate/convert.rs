//! Other annotation formats, read into and written from an `AnnDoc` with its text: JSON Lines
//! (`{"text", "spans": [{"start", "end", "label"}]}` in code points; doccano's `"label":
//! [[s, e, "L"]]` and `"entities"` are read too) and CoNLL IOB2 (a token and its tag a line,
//! a blank line between sentences). Each writer says what the format could not hold.

use serde::Serialize;
use serde_json::Value;

use crate::text::{TextRange, TextSize};

use super::AnnDoc;
use super::offsets;

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
fn common_losses(doc: &Annotated, lost: &mut Vec<String>) {
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

/// Reads CoNLL IOB2: the token is a line's first column, its tag the last. Documents are cut
/// at `-DOCSTART-` lines. The text is the tokens joined by spaces, a sentence a line. Returns
/// the documents and the problems met (a tag that is not IOB, an `I-` that continues nothing).
pub fn read_conll(conll: &str) -> (Vec<Annotated>, Vec<String>) {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    let mut text = String::new();
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    let mut sentence_open = false;
    let mut finish = |text: &mut String, spans: &mut Vec<(usize, usize, String)>| {
        if !text.is_empty() {
            let mut ann = AnnDoc::empty();
            for (s, e, label) in spans.drain(..) {
                let range = TextRange::new(TextSize::new(s as u32), TextSize::new(e as u32));
                ann.add(text, vec![range], &label);
            }
            docs.push(Annotated {
                text: std::mem::take(text),
                ann,
            });
        }
        spans.clear();
    };
    let mut open: Option<usize> = None;
    for (i, line) in conll.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(&token) = fields.first() else {
            if sentence_open {
                text.push('\n');
                sentence_open = false;
            }
            open = None;
            continue;
        };
        if token == "-DOCSTART-" {
            if sentence_open {
                text.push('\n');
                sentence_open = false;
            }
            finish(&mut text, &mut spans);
            open = None;
            continue;
        }
        if sentence_open {
            text.push(' ');
        }
        sentence_open = true;
        let (start, end) = (text.len(), text.len() + token.len());
        text.push_str(token);
        let tag = if fields.len() > 1 {
            fields[fields.len() - 1]
        } else {
            "O"
        };
        let (prefix, label) = tag.split_once('-').unwrap_or((tag, ""));
        match (prefix, open) {
            ("I", Some(k)) if spans[k].2 == label => spans[k].1 = end,
            ("B" | "I", _) if !label.is_empty() => {
                if prefix == "I" {
                    problems.push(format!("line {}: {tag} continues no entity", i + 1));
                }
                open = Some(spans.len());
                spans.push((start, end, label.to_string()));
            }
            ("O", _) => open = None,
            _ => {
                problems.push(format!("line {}: `{tag}` is not an IOB2 tag", i + 1));
                open = None;
            }
        }
    }
    if sentence_open {
        text.push('\n');
    }
    finish(&mut text, &mut spans);
    (docs, problems)
}

/// A fragment written to CoNLL: its range, label and entity id.
type Fragment<'a> = (TextRange, &'a str, &'a str);

/// The fragments CoNLL can hold: no two overlap, the outermost first kept.
fn flat_fragments<'a>(doc: &'a Annotated, lost: &mut Vec<String>) -> Vec<Fragment<'a>> {
    let mut frags: Vec<Fragment> = Vec::new();
    for e in doc.ann.entities() {
        if e.spans.len() > 1 {
            let n = e.spans.len();
            lost.push(format!(
                "{} is discontinuous: its {n} fragments are separate entities",
                e.id
            ));
        }
        frags.extend(
            e.spans
                .iter()
                .map(|s| (*s, e.label.as_str(), e.id.as_str())),
        );
    }
    frags.sort_by_key(|(r, _, _)| (r.start(), std::cmp::Reverse(r.end())));
    let mut kept: Vec<Fragment> = Vec::with_capacity(frags.len());
    for f in frags {
        match kept.last() {
            Some(last) if f.0.start() < last.0.end() => {
                lost.push(format!("{} overlaps {}: left out", f.2, last.2));
            }
            _ => kept.push(f),
        }
    }
    kept
}

/// Writes CoNLL IOB2: a sentence for each line of the text, its tokens the runs of
/// non-space characters cut where an entity starts or ends. Returns what was lost.
pub fn write_conll(doc: &Annotated) -> (String, Vec<String>) {
    let mut lost = Vec::new();
    common_losses(doc, &mut lost);
    let kept = flat_fragments(doc, &mut lost);
    let mut cuts: Vec<usize> = (kept.iter())
        .flat_map(|(r, _, _)| [usize::from(r.start()), usize::from(r.end())])
        .collect();
    cuts.sort_unstable();
    let text = doc.text.as_str();
    let mut out = String::new();
    let mut rebuilt = String::new();
    let mut k = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut last_tagged: Option<usize> = None;
        let mut tokens = 0;
        for (s, e) in tokens_of(line, line_start, &cuts) {
            while k < kept.len() && usize::from(kept[k].0.end()) <= s {
                k += 1;
            }
            let tag = match kept.get(k) {
                Some((r, label, id)) if usize::from(r.start()) <= s => {
                    let begins = last_tagged != Some(k);
                    if begins && usize::from(r.start()) < line_start {
                        lost.push(format!("{id} crosses a line: written as two entities"));
                    }
                    last_tagged = Some(k);
                    format!("{}-{label}", if begins { "B" } else { "I" })
                }
                _ => "O".to_string(),
            };
            out.push_str(&format!("{} {tag}\n", &text[s..e]));
            if tokens > 0 {
                rebuilt.push(' ');
            }
            rebuilt.push_str(&text[s..e]);
            tokens += 1;
        }
        if tokens > 0 {
            out.push('\n');
            rebuilt.push('\n');
        }
        line_start += line.len();
    }
    if rebuilt != text {
        lost.push("the text's spacing is not kept (tokens are joined by one space)".into());
    }
    (out, lost)
}

/// The tokens of `line` (which starts at `offset`): runs of non-space characters, cut at
/// `cuts` (sorted byte offsets of the text).
fn tokens_of(line: &str, offset: usize, cuts: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let ends = line.char_indices().map(|(i, c)| (i, Some(c)));
    for (i, c) in ends.chain([(line.len(), None)]) {
        let space = c.is_none_or(char::is_whitespace);
        match (start, space) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                let (s, e) = (offset + s, offset + i);
                let from = cuts.partition_point(|&c| c <= s);
                let mut at = s;
                for &cut in cuts[from..].iter().take_while(|&&c| c < e) {
                    if cut > at {
                        out.push((at, cut));
                        at = cut;
                    }
                }
                out.push((at, e));
                start = None;
            }
            _ => {}
        }
    }
    out
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
