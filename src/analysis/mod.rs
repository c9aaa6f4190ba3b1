//! Document analysis: blocks, per-block caches, entity linking, and what hovers and diagnostics
//! say. Pure: text and byte offsets in, plain structs out.

mod blocks;
mod checks;
mod context;
mod document;
mod entities;
mod fenwick;
mod navigation;
mod prose;
mod render;

pub use checks::ChecksConfig;
pub use document::{Batch, BatchResult, BlockMention, BlockResult, DocumentAnalysis};
pub use entities::{Entity, fold};
pub use navigation::{EntitySymbol, Highlight, RenameError};
pub use render::{Diagnostic, DiagnosticsConfig, Fix, HoverInfo, Markup, Severity, kind_name};

use crate::extract::{Extractor, Label, Lang};
use crate::text::{Text, TextRange, TextSize};

/// How a document's text is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Plain,
    Markdown,
}

impl Format {
    /// The format of a file, from its path or an editor's language id.
    pub fn guess(path_or_language: &str) -> Format {
        let lower = path_or_language.to_ascii_lowercase();
        let markdown = lower == "markdown"
            || [".md", ".markdown", ".mdown", ".mkd"]
                .iter()
                .any(|e| lower.ends_with(e));
        if markdown {
            Format::Markdown
        } else {
            Format::Plain
        }
    }
}

/// Document-level options that change what is extracted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocOptions {
    pub format: Format,
    /// `None` detects the language per document (and per block when it is clear).
    pub language: Option<Lang>,
}

/// A mention after document-level linking: its label is its entity's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub range: TextRange,
    pub label: Label,
    /// The fullest form of the entity it names.
    pub entity: String,
}

/// The entities of a whole document, after document-level agreement.
#[derive(Clone, Debug)]
pub struct DocEntities {
    pub language: Lang,
    /// Sorted by start; byte ranges into the document text.
    pub mentions: Vec<Mention>,
}

impl DocumentAnalysis {
    /// Every mention in document order, labelled by its entity.
    pub fn resolved_mentions(&self) -> Vec<Mention> {
        self.resolved().collect()
    }

    /// The same, lazily: a pass that stops early does not resolve the rest.
    pub(crate) fn resolved(&self) -> impl Iterator<Item = Mention> + '_ {
        let mut memo: rustc_hash::FxHashMap<&str, Option<(String, Label)>> = Default::default();
        self.mentions().filter_map(move |(range, m)| {
            let (entity, label) = memo
                .entry(&m.form)
                .or_insert_with(|| self.index().resolve(&m.form))
                .clone()?;
            Some(Mention {
                range,
                label,
                entity,
            })
        })
    }

    /// What to show for the mention at `offset`, if there is one.
    pub fn hover(&self, text: &Text, offset: TextSize) -> Option<HoverInfo> {
        let (range, mention) = self.mention_at(offset)?;
        let key = self.index().entity_of(&mention.form).to_string();
        let entity = self.index().entity(&key)?;
        let first = self
            .mentions()
            .find(|(_, m)| self.index().entity_of(&m.form) == key)
            .map(|(r, _)| r)?;
        Some(HoverInfo {
            range,
            entity,
            first_line: text.line_of(first.start()),
            roles: self.roles_of(&key, text),
            elsewhere: Vec::new(),
        })
    }

    /// The roles the text gives an entity, each once, with the (zero-based) line of its first
    /// statement.
    pub fn roles_of(&self, key: &str, text: &Text) -> Vec<(String, u32)> {
        let mut out: Vec<(String, u32)> = Vec::new();
        for (start, block) in self.block_results() {
            for role in &block.roles {
                let Some(m) = block.mentions.get(role.mention as usize) else {
                    continue;
                };
                if self.index().entity_of(&m.form) != key
                    || out.iter().any(|(r, _)| **r == *role.text)
                {
                    continue;
                }
                out.push((
                    role.text.to_string(),
                    text.line_of(role.range.start() + start),
                ));
            }
        }
        out
    }
}

/// Runs the whole pipeline on one text in one go (the batch path of `nomen extract`,
/// `nomen check` and `nomen eval`), through the same code as the server.
pub fn analyze(extractor: &Extractor, text: &Text, options: &DocOptions) -> DocumentAnalysis {
    let mut analysis = DocumentAnalysis::new(options.clone());
    let mut batch = analysis.plan(&[], text);
    // A change of the document's language re-extracts the blocks that followed it: once.
    for _ in 0..2 {
        if !analysis.install(batch.run(extractor)) {
            break;
        }
        batch = analysis.plan(&[], text);
    }
    analysis
}

/// The entities of a whole document, after document-level agreement.
pub fn extract_document(extractor: &Extractor, text: &str, options: &DocOptions) -> DocEntities {
    let analysis = analyze(extractor, &Text::new(text), options);
    DocEntities {
        language: analysis.language(),
        mentions: analysis.resolved_mentions(),
    }
}

#[cfg(test)]
mod tests;
