//! Document analysis: paragraphs, per-paragraph caches, entity linking, hover and diagnostics.

mod blocks;
mod entities;
mod prose;

use crate::extract::{Extractor, Label, Lang};
use crate::text::TextRange;

/// How a document's text is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Plain,
    Markdown,
}

/// Document-level options that change what is extracted.
#[derive(Clone, Debug, Default)]
pub struct DocOptions {
    pub format: Format,
    /// `None` detects the language per document (and per paragraph when it is clear).
    pub language: Option<Lang>,
}

/// The entities of a whole document, after document-level agreement.
#[derive(Clone, Debug)]
pub struct DocEntities {
    pub language: Lang,
    /// Sorted by start; byte ranges into the document text.
    pub mentions: Vec<(TextRange, Label)>,
}

/// Extracts the entities of a whole document in one go (the batch path of `nomen extract`,
/// `nomen check` and `nomen eval`).
pub fn extract_document(extractor: &Extractor, text: &str, options: &DocOptions) -> DocEntities {
    // FIXME: placeholder until the paragraph pipeline lands.
    let language = options.language.unwrap_or(Lang::Fr);
    let mentions = extractor
        .extract(text, language)
        .into_iter()
        .map(|m| (m.range, m.label))
        .collect();
    DocEntities { language, mentions }
}
