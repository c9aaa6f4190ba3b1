//! Reading CoNLL-style corpora (IOB1, IOB2, with or without `# text` comment lines) into
//! documents of plain text with gold mentions.
//!
//! A sentence's tokens are joined with single spaces and sentences with blank lines, so each
//! sentence is a paragraph of its own, and gold mentions become byte ranges of that text.
//! Documents start at `-DOCSTART-` or `# newdoc` lines; a file without either has one document
//! per sentence (tweets).

use text_size::{TextRange, TextSize};

use crate::extract::Label;

/// A document rebuilt from CoNLL lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub text: String,
    /// Sorted, non-overlapping.
    pub gold: Vec<(TextRange, Label)>,
}

/// Maps a corpus entity type to nomen's label: the CoNLL tags, WNUT-17's types, CrossNER's
/// (a politician is a person, a political party an organisation, a country a place, an election
/// an event) and Universal NER's `OTH`.
pub fn map_type(kind: &str) -> Option<Label> {
    match kind {
        "PER" | "person" | "Person" | "politician" => Some(Label::Per),
        "LOC" | "location" | "Location" | "GEO-LOC" | "geo-loc" | "country" => Some(Label::Loc),
        "ORG" | "group" | "corporation" | "Organization" | "company" | "organisation"
        | "politicalparty" => Some(Label::Org),
        "MISC" | "product" | "creative-work" | "Event" | "Product" | "misc" | "event"
        | "election" | "OTH" => Some(Label::Misc),
        _ => None,
    }
}

/// Parses a CoNLL file. Token and tag columns: `ID TOKEN TAG ...` when the first column is a
/// number and there are at least three columns (Universal NER), else the first and last.
pub fn parse(input: &str) -> Vec<Document> {
    parse_reporting(input).0
}

/// [`parse`], with the lines it skipped: a line of one field (a blank token before its tag, as
/// the Broad Twitter Corpus has a few, or a token without its tag), as "line N: ...", numbered
/// from 1.
pub fn parse_reporting(input: &str) -> (Vec<Document>, Vec<String>) {
    let mut problems = Vec::new();
    let has_docs = input
        .lines()
        .any(|l| l.starts_with("-DOCSTART-") || l.starts_with("# newdoc"));
    let mut docs = Vec::new();
    let mut doc = Document::default();
    let mut sentence: Vec<(&str, &str)> = Vec::new();
    for (number, line) in input.lines().chain(std::iter::once("")).enumerate() {
        let line = line.trim_end_matches('\r');
        let doc_break = line.starts_with("-DOCSTART-") || line.starts_with("# newdoc");
        if line.trim().is_empty() || doc_break {
            if !sentence.is_empty() {
                push_sentence(&mut doc, &sentence);
                sentence.clear();
                if !has_docs {
                    docs.push(std::mem::take(&mut doc));
                }
            }
            if doc_break && !doc.text.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        if line.starts_with("# ") {
            continue;
        }
        let fields: Vec<&str> = line.split(['\t', ' ']).filter(|f| !f.is_empty()).collect();
        let pair = match fields.as_slice() {
            [id, token, tag, ..] if fields.len() >= 5 && id.parse::<u32>().is_ok() => {
                (*token, *tag)
            }
            [token, .., tag] => (*token, *tag),
            _ => {
                problems.push(format!(
                    "line {}: one field only (a blank token, or a token without its tag)",
                    number + 1
                ));
                continue;
            }
        };
        sentence.push(pair);
    }
    if !doc.text.is_empty() {
        docs.push(doc);
    }
    (docs, problems)
}

fn push_sentence(doc: &mut Document, sentence: &[(&str, &str)]) {
    if !doc.text.is_empty() {
        doc.text.push_str("\n\n");
    }
    let tags = without_sigils(sentence);
    let mut open: Option<(TextSize, Label)> = None;
    let mut last_end = TextSize::of(doc.text.as_str());
    for (i, (&(token, _), tag)) in sentence.iter().zip(tags).enumerate() {
        if i > 0 {
            doc.text.push(' ');
        }
        // A Twitter handle or hashtag names its entity without the sigil: `@Acme` gives `Acme`.
        let sigil = if token.len() > 1 && token.starts_with(['@', '#']) {
            1
        } else {
            0
        };
        let start = TextSize::of(doc.text.as_str()) + TextSize::new(sigil);
        doc.text.push_str(token);
        let (prefix, kind) = tag.split_once('-').unwrap_or((&tag, ""));
        let label = map_type(kind);
        let continues = prefix == "I" && open.is_some_and(|(_, l)| Some(l) == label);
        if !continues {
            if let Some((s, l)) = open.take() {
                doc.gold.push((TextRange::new(s, last_end), l));
            }
            if let (Some(l), "B" | "I") = (label, prefix) {
                open = Some((start, l));
            }
        }
        last_end = TextSize::of(doc.text.as_str());
    }
    if let Some((s, l)) = open {
        doc.gold.push((TextRange::new(s, last_end), l));
    }
}

/// The tags of a sentence, read so that a lone `@` or `#` token is never part of an entity.
///
/// The Broad Twitter Corpus splits `@handle` into two tokens and labels them inconsistently:
/// `@ B-PER handle B-PER` (two mentions, the first a bare sigil), `@ O handle B-PER`, or `@handle`
/// as one token; WNUT-17 keeps `@handle` whole. Every reading here makes the mention the
/// handle itself, for training and for scoring alike.
fn without_sigils<'a>(sentence: &[(&'a str, &'a str)]) -> Vec<std::borrow::Cow<'a, str>> {
    let mut tags: Vec<std::borrow::Cow<'a, str>> =
        sentence.iter().map(|&(_, tag)| tag.into()).collect();
    for i in 0..sentence.len() {
        if !matches!(sentence[i].0, "@" | "#") {
            continue;
        }
        let kind = tags[i].split_once('-').map(|(_, k)| k.to_owned());
        tags[i] = "O".into();
        if let (Some(kind), Some(next)) = (kind, tags.get_mut(i + 1)) {
            if next.split_once('-').is_some_and(|(_, k)| k == kind) {
                *next = format!("B-{kind}").into();
            }
        }
    }
    tags
}

/// The tenth of each corpus file that is the development split unless told otherwise: documents
/// 9, 19, 29, ...
pub const DEV_FOLD: usize = 9;

/// Whether document `index` of a corpus file belongs to held-out tenth `fold` (0 to 9): the
/// development split is [`DEV_FOLD`]; the other tenths serve as checks whose errors are never
/// read (train without fold `k`, score fold `k`).
pub fn is_dev(index: usize, fold: usize) -> bool {
    index % 10 == fold
}
