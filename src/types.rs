//! The types every layer of extraction shares: the kinds of entity (`Label`), the languages
//! (`Lang`), how sure a mention is (`Evidence`) and the mention itself. A leaf: it imports
//! nothing of nomen.

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
    /// A capitalised word the tagger did not take but the rules did: a name only if the
    /// document names it more surely elsewhere ("Haftar" at a sentence start, after
    /// "Khalifa Haftar"). The document-level pass drops it otherwise.
    Candidate,
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
