//! Pure entity extraction: one paragraph of prose in, labelled mentions out.
//!
//! The contract that the rest of the program relies on:
//! - the input is one paragraph (or Markdown block) whose non-prose bytes have already been
//!   replaced by spaces, so every byte offset is an offset into the original paragraph;
//! - the output is sorted by start, non-overlapping, and every range lies on `char` boundaries;
//! - nothing here does IO, knows about LSP or async, or panics on any `&str`.

use text_size::TextRange;

/// The kinds of entity nomen knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Per,
    Org,
    Loc,
    Misc,
}

impl Label {
    pub const ALL: [Label; 4] = [Label::Per, Label::Org, Label::Loc, Label::Misc];

    /// The short tag used in corpora and exports (`PER`, `ORG`, ...).
    pub fn tag(self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Label> {
        match tag {
            "PER" => Some(Label::Per),
            "ORG" => Some(Label::Org),
            "LOC" => Some(Label::Loc),
            "MISC" => Some(Label::Misc),
            _ => None,
        }
    }
}

/// The languages nomen extracts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// How strongly the extractor believes a mention's label. Document-level agreement lets the
/// label of a stronger mention win over a weaker one of the same entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Evidence {
    /// A capitalised name whose kind was guessed from its shape alone.
    Guess,
    /// The name, or a part of it, is in a lexicon (a country, a first name, a company suffix).
    Lexicon,
    /// The text says what it is ("le président X", "groupe X", "X Inc.").
    Context,
}

/// One entity mention inside the paragraph given to [`Extractor::extract`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mention {
    pub range: TextRange,
    pub label: Label,
    pub evidence: Evidence,
}

/// The rule-and-lexicon extractor. Build it once; it is immutable and shared between threads.
#[derive(Debug, Default)]
pub struct Extractor {}

impl Extractor {
    pub fn new() -> Extractor {
        Extractor {}
    }

    /// Extracts the mentions of one paragraph written in `lang`.
    pub fn extract(&self, text: &str, lang: Lang) -> Vec<Mention> {
        // FIXME: placeholder until the rule extractor lands: every capitalised word that does
        // not start a sentence is a guessed MISC mention.
        let _ = lang;
        let mut out = Vec::new();
        let mut sentence_start = true;
        let mut pos = 0;
        for word in text.split_inclusive(|c: char| c.is_whitespace()) {
            let trimmed = word.trim_end_matches(|c: char| !c.is_alphanumeric());
            let upper = trimmed.chars().next().is_some_and(char::is_uppercase);
            if upper && !sentence_start {
                let start = text_size::TextSize::new(pos as u32);
                let end = start + text_size::TextSize::of(trimmed);
                out.push(Mention {
                    range: TextRange::new(start, end),
                    label: Label::Misc,
                    evidence: Evidence::Guess,
                });
            }
            sentence_start = word.trim_end().ends_with(['.', '!', '?']);
            pos += word.len();
        }
        out
    }
}
