//! Document analysis: blocks, per-block caches, entity linking, and what hovers and diagnostics
//! say. Pure: text and byte offsets in, plain structs out.

mod annotations;
mod blocks;
mod cancel;
mod checks;
mod context;
mod corrections;
mod document;
mod echoes;
mod entities;
mod fenwick;
mod known;
mod learn;
mod navigation;
mod prose;
mod render;

pub use annotations::{
    AnnotationHover, Coverage, Suggestion, link_reference, minimal_change, touches, trim_range,
    whole_word_occurrences,
};
pub use cancel::Cancel;
pub use checks::ChecksConfig;
pub use corrections::{Corrections, EntityCorrections};
pub use document::{Batch, BatchResult, BlockMention, BlockResult, DocumentAnalysis};
pub use entities::{Entity, fold};
pub use learn::{Annotated, learn_document, learn_examples, learn_prepared};
pub use navigation::{EntitySymbol, Highlight, RenameError, SymbolQuery};
pub use render::{Diagnostic, DiagnosticsConfig, Fix, HoverInfo, Markup, Severity, kind_name};

use crate::extract::{Label, Lang};
use crate::pipeline::Extractor;
use crate::text::{Text, TextRange, TextSize};
use rustc_hash::FxHashMap;

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
        let mut memo: FxHashMap<&str, Option<(String, Label)>> = Default::default();
        self.mentions().filter_map(move |(range, m)| {
            let (entity, label) = memo
                .entry(m.form)
                .or_insert_with(|| self.resolve_form(m.form))
                .clone()?;
            Some(Mention {
                range,
                label,
                entity,
            })
        })
    }

    /// The entity a form names and its kind, the knowledge base first: a form it ignores names
    /// nothing, a form it knows names its entry; otherwise the document decides (linking short
    /// forms to full names, acronyms to expansions, labels by the strongest evidence).
    pub fn resolve_form(&self, form: &str) -> Option<(String, Label)> {
        let kb = self.knowledge();
        if kb.is_ignored(form) {
            return None;
        }
        // A candidate the document never names surely is no name, whatever the knowledge base
        // knows of a word spelt alike ("Réunion" heading a paragraph about a meeting).
        let resolved = self.index().resolve(form)?;
        let key = self.index().entity_of(form);
        match kb.lookup(&key).or_else(|| kb.lookup(form)) {
            Some(entry) => Some((entry.name.clone(), entry.label)),
            None => Some(resolved),
        }
    }

    /// What the document (and the knowledge base) says about the entity `key`.
    pub fn entity_info(&self, key: &str) -> Option<Entity> {
        let mut label = None;
        // Counted from the mentions that stand (echoes among them), so that the numbers are
        // those of the marks the editor shows.
        let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
        let mut memo: FxHashMap<&str, bool> = FxHashMap::default();
        for (_, m) in self.mentions() {
            let ours = *memo.entry(m.form).or_insert_with(|| {
                self.resolve_form(m.form).is_some_and(|(k, l)| {
                    label = label.or((k == key).then_some(l));
                    k == key
                })
            });
            if ours {
                *counts.entry(m.form).or_default() += 1;
            }
        }
        let mut forms: Vec<(String, u32)> = counts
            .into_iter()
            .map(|(form, n)| (form.to_string(), n))
            .collect();
        // The fullest form first: the key itself, else the longest.
        forms.sort_by(|a, b| rank(&b.0, key).cmp(&rank(&a.0, key)));
        let mentions = forms.iter().map(|(_, n)| n).sum();
        Some(Entity {
            name: key.to_string(),
            label: label?,
            forms,
            mentions,
        })
    }

    /// The name shown for the entity `key` in this document: the knowledge base's name in the
    /// document's language ("Brussels" in English for the entry "Bruxelles"), else the key.
    pub fn shown_name(&self, key: &str) -> String {
        match self.knowledge().lookup(key) {
            Some(entry) if entry.name == key => entry.name_in(self.language()).to_string(),
            _ => key.to_string(),
        }
    }

    /// What to show for the mention at `offset`, if there is one.
    pub fn hover(&self, text: &Text, offset: TextSize) -> Option<HoverInfo> {
        let (range, mention) = self.mention_at(offset)?;
        let (key, _) = self.resolve_form(mention.form)?;
        let entity = self.entity_info(&key)?;
        let first = self.resolved().find(|m| m.entity == key).map(|m| m.range)?;
        let entry = self.knowledge().lookup(&key);
        Some(HoverInfo {
            range,
            shown: self.shown_name(&key),
            first_line: text.line_of(first.start()),
            roles: self.roles_of(&key, text),
            elsewhere: Vec::new(),
            description: entry
                .and_then(|e| e.description_in(self.language()))
                .map(str::to_owned),
            links: entry.map(|e| e.links.clone()).unwrap_or_default(),
            entity,
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
                if self.resolve_form(&m.form).is_none_or(|(k, _)| k != key)
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
    analyze_with(extractor, text, options, default_knowledge())
}

/// The knowledge base compiled into nomen, built once.
pub fn default_knowledge() -> std::sync::Arc<crate::kb::KnowledgeBase> {
    static DEFAULT: std::sync::OnceLock<std::sync::Arc<crate::kb::KnowledgeBase>> =
        std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| std::sync::Arc::new(crate::kb::KnowledgeBase::embedded()))
        .clone()
}

/// [`analyze`] with a given knowledge base.
pub fn analyze_with(
    extractor: &Extractor,
    text: &Text,
    options: &DocOptions,
    knowledge: std::sync::Arc<crate::kb::KnowledgeBase>,
) -> DocumentAnalysis {
    let mut analysis = DocumentAnalysis::new(options.clone());
    analysis.set_knowledge(knowledge);
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
    extract_document_with(extractor, text, options, default_knowledge())
}

/// [`extract_document`] with a given knowledge base.
pub fn extract_document_with(
    extractor: &Extractor,
    text: &str,
    options: &DocOptions,
    knowledge: std::sync::Arc<crate::kb::KnowledgeBase>,
) -> DocEntities {
    let analysis = analyze_with(extractor, &Text::new(text), options, knowledge);
    DocEntities {
        language: analysis.language(),
        mentions: analysis.resolved_mentions(),
    }
}

/// How a form ranks as the name shown for entity `key`: the key itself, else the longest, then
/// the first alphabetically.
fn rank<'a>(form: &'a str, key: &str) -> (bool, usize, std::cmp::Reverse<&'a str>) {
    (form == key, form.len(), std::cmp::Reverse(form))
}

#[cfg(test)]
mod tests;
