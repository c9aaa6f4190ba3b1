//! The output formats of `nomen extract`: JSON Lines, brat standoff and CoNLL (IOB2).
//!
//! Offsets in JSON Lines and brat are Unicode code points, end exclusive, as brat and Python
//! count them.

use std::path::Path;

use clap::ValueEnum;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::analysis::{DocEntities, Mention};
use crate::extract::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    Jsonl,
    Brat,
    Conll,
}

impl ExtractFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExtractFormat::Jsonl => "jsonl",
            ExtractFormat::Brat => "ann",
            ExtractFormat::Conll => "conll",
        }
    }
}

pub fn render(format: ExtractFormat, path: &Path, text: &str, entities: &DocEntities) -> String {
    match format {
        ExtractFormat::Jsonl => jsonl(path, text, entities),
        ExtractFormat::Brat => brat(text, &entities.mentions),
        ExtractFormat::Conll => conll(text, entities),
    }
}

/// One line of `nomen extract`'s JSON Lines: a file's entities, of whatever shape.
#[derive(Serialize)]
pub(super) struct JsonDoc<E> {
    pub(super) path: String,
    pub(super) language: &'static str,
    pub(super) entities: Vec<E>,
}

#[derive(Serialize)]
struct JsonEntity<'a> {
    start: usize,
    end: usize,
    label: &'static str,
    text: &'a str,
}

fn jsonl(path: &Path, text: &str, entities: &DocEntities) -> String {
    let doc = JsonDoc {
        path: path.display().to_string(),
        language: entities.language.code(),
        entities: json_entities(text, entities),
    };
    let mut line = serde_json::to_string(&doc).unwrap_or_default();
    line.push('\n');
    line
}

/// The entities of a document as `nomen extract` prints them, offsets in code points.
fn json_entities<'a>(text: &'a str, entities: &DocEntities) -> Vec<JsonEntity<'a>> {
    let chars = CharOffsets::new(text, &entities.mentions);
    entities
        .mentions
        .iter()
        .zip(chars.spans())
        .map(|(m, (start, end))| JsonEntity {
            start,
            end,
            label: m.label.tag(),
            text: &text[m.range],
        })
        .collect()
}

#[derive(Serialize)]
struct StreamDoc<'a> {
    id: Option<&'a RawValue>,
    language: &'static str,
    entities: Vec<JsonEntity<'a>>,
}

#[derive(Serialize)]
struct StreamError<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a RawValue>,
    error: &'a str,
}

/// One output line of `nomen extract --stdin`: the document's `id` as it was written (`null`
/// when it had none), then the same fields as a file's line.
pub fn stream_line(id: Option<&RawValue>, text: &str, entities: &DocEntities) -> String {
    let doc = StreamDoc {
        id,
        language: entities.language.code(),
        entities: json_entities(text, entities),
    };
    let mut line = serde_json::to_string(&doc).unwrap_or_default();
    line.push('\n');
    line
}

/// The line that stands in the output for an input line that could not be extracted.
pub fn stream_error(id: Option<&RawValue>, error: &str) -> String {
    let mut line = serde_json::to_string(&StreamError { id, error }).unwrap_or_default();
    line.push('\n');
    line
}

/// brat standoff; a mention that spans a line break becomes discontinuous fragments, since
/// brat spans may not cross lines.
fn brat(text: &str, mentions: &[Mention]) -> String {
    let chars = CharOffsets::new(text, mentions);
    let mut out = String::new();
    for (i, (m, (start, _))) in mentions.iter().zip(chars.spans()).enumerate() {
        let covered = &text[m.range];
        let mut fragments = Vec::new();
        let mut offset = start;
        for piece in covered.split(['\n', '\r']) {
            let len = piece.chars().count();
            if len > 0 {
                fragments.push(format!("{offset} {}", offset + len));
            }
            offset += len + 1;
        }
        let shown = covered.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "T{}\t{} {}\t{shown}\n",
            i + 1,
            m.label.tag(),
            fragments.join(";")
        ));
    }
    out
}

/// One token per line with its IOB2 tag, a blank line between sentences.
fn conll(text: &str, entities: &DocEntities) -> String {
    let mut out = String::new();
    let mut mentions = entities.mentions.iter().peekable();
    let mut last_line_blank = true;
    for (start, end, paragraph_break) in tokens(text, entities.language) {
        if paragraph_break && !last_line_blank {
            out.push('\n');
        }
        while mentions
            .peek()
            .is_some_and(|m| usize::from(m.range.end()) <= start)
        {
            mentions.next();
        }
        let tag = match mentions.peek() {
            Some(m) if usize::from(m.range.start()) < end => {
                let inside = usize::from(m.range.start()) < start;
                format!("{}-{}", if inside { "I" } else { "B" }, m.label.tag())
            }
            _ => "O".to_string(),
        };
        let token = &text[start..end];
        out.push_str(&format!("{token} {tag}\n"));
        last_line_blank = false;
        if matches!(token, "." | "!" | "?" | "…") {
            out.push('\n');
            last_line_blank = true;
        }
    }
    if !last_line_blank {
        out.push('\n');
    }
    out
}

/// Tokens as (start, end, follows a blank line) byte spans: words (with inner hyphens and
/// apostrophes) and single punctuation marks. French elisions keep the apostrophe on the left
/// ("l’" "Est"), English clitics on the right ("Putin" "'s").
fn tokens(text: &str, lang: Lang) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut newlines = 0;
    while let Some((i, c)) = chars.next() {
        // A byte-order mark (U+FEFF) is no token: it is invisible in editors.
        if c.is_whitespace() || c == '\u{feff}' {
            newlines += usize::from(c == '\n');
            continue;
        }
        let paragraph_break = newlines >= 2;
        newlines = 0;
        if !c.is_alphanumeric() {
            out.push((i, i + c.len_utf8(), paragraph_break));
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            let joiner = matches!(d, '-' | '\'' | '’');
            let next_is_word = text[j + d.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
            if d.is_alphanumeric() || (joiner && next_is_word && d == '-') {
                end = j + d.len_utf8();
                chars.next();
            } else if joiner && next_is_word {
                if lang == Lang::Fr {
                    end = j + d.len_utf8();
                    chars.next();
                }
                break;
            } else {
                break;
            }
        }
        out.push((i, end, paragraph_break));
    }
    out
}

/// Code-point offsets of the mentions' starts and ends, found in one pass over the text.
struct CharOffsets {
    spans: Vec<(usize, usize)>,
}

impl CharOffsets {
    fn new(text: &str, mentions: &[Mention]) -> CharOffsets {
        let mut wanted: Vec<usize> = mentions
            .iter()
            .flat_map(|m| [usize::from(m.range.start()), usize::from(m.range.end())])
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut map = rustc_hash::FxHashMap::default();
        let mut chars = 0;
        let mut next = wanted.iter().peekable();
        for (byte, c) in text.char_indices().chain([(text.len(), ' ')]) {
            while next.peek().is_some_and(|w| **w <= byte) {
                map.insert(*next.next().unwrap_or(&0), chars);
            }
            chars += usize::from(c.len_utf8() > 0);
        }
        let spans = mentions
            .iter()
            .map(|m| {
                (
                    map[&usize::from(m.range.start())],
                    map[&usize::from(m.range.end())],
                )
            })
            .collect();
        CharOffsets { spans }
    }

    fn spans(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.spans.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::extract::Label;
    use crate::text::{TextRange, TextSize};

    fn doc(text: &str, spans: &[(&str, Label)]) -> DocEntities {
        let mentions = spans
            .iter()
            .map(|(s, label)| {
                let start = text.find(s).unwrap();
                let range = TextRange::at(TextSize::new(start as u32), TextSize::of(*s));
                Mention {
                    range,
                    label: *label,
                    entity: s.to_string(),
                }
            })
            .collect();
        DocEntities {
            language: Lang::Fr,
            mentions,
        }
    }

    const TEXT: &str = "😀 Le général Khalifa\nHaftar rejoint l’Est. Vu à Moscou.";

    #[test]
    fn jsonl_counts_code_points() {
        let d = doc(
            TEXT,
            &[("Khalifa\nHaftar", Label::Per), ("Est", Label::Loc)],
        );
        expect![[r#"
            {"path":"a.txt","language":"fr","entities":[{"start":13,"end":27,"label":"PER","text":"Khalifa\nHaftar"},{"start":38,"end":41,"label":"LOC","text":"Est"}]}
        "#]]
        .assert_eq(&render(ExtractFormat::Jsonl, Path::new("a.txt"), TEXT, &d));
        let chars: Vec<char> = TEXT.chars().collect();
        assert_eq!(chars[38..41].iter().collect::<String>(), "Est");
    }

    #[test]
    fn brat_splits_mentions_at_line_breaks() {
        let d = doc(
            TEXT,
            &[("Khalifa\nHaftar", Label::Per), ("Moscou", Label::Loc)],
        );
        expect![[r#"
            T1	PER 13 20;21 27	Khalifa Haftar
            T2	LOC 48 54	Moscou
        "#]]
        .assert_eq(&render(ExtractFormat::Brat, Path::new("a.txt"), TEXT, &d));
    }

    #[test]
    fn conll_tags_tokens_in_iob2() {
        let d = doc(
            TEXT,
            &[
                ("Khalifa\nHaftar", Label::Per),
                ("Est", Label::Loc),
                ("Moscou", Label::Loc),
            ],
        );
        expect![[r#"
            😀 O
            Le O
            général O
            Khalifa B-PER
            Haftar I-PER
            rejoint O
            l’ O
            Est B-LOC
            . O

            Vu O
            à O
            Moscou B-LOC
            . O

        "#]]
        .assert_eq(&render(ExtractFormat::Conll, Path::new("a.txt"), TEXT, &d));
    }
}
