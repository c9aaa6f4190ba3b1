//! CoNLL IOB2, read into and written from an `AnnDoc` with its text (see `convert`): a token
//! and its tag a line, a blank line between sentences.

use crate::text::{TextRange, TextSize};

use super::AnnDoc;
use super::convert::{Annotated, common_losses};

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
