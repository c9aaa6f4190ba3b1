//! Navigating entities: every mention of the entity under the cursor, its first and fullest
//! mention, the document's entities as symbols, and renaming an entity in all its forms.

use super::{DocumentAnalysis, Mention, fold};
use crate::extract::Label;
use crate::text::{Text, TextRange, TextSize};

/// One entity of a document with all its mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitySymbol {
    /// The entity's key (the knowledge base's name where it knows the entity).
    pub name: String,
    /// The name in the document's language (see [`DocumentAnalysis::shown_name`]).
    pub shown: String,
    pub label: Label,
    /// In document order.
    pub mentions: Vec<TextRange>,
}

/// A workspace-symbol query: the names that contain it, case and accents aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolQuery {
    folded: String,
}

impl SymbolQuery {
    pub fn new(query: &str) -> SymbolQuery {
        SymbolQuery {
            folded: fold(query),
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        fold(name).contains(&self.folded)
    }
}

/// Why a rename was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    NotAName,
    EmptyName,
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RenameError::NotAName => {
                "there is no name here to rename: put the cursor on a person, organisation or place"
            }
            RenameError::EmptyName => "the new name is empty",
        })
    }
}

impl DocumentAnalysis {
    /// The mention at `offset` and the key of its entity.
    pub fn entity_at(&self, offset: TextSize) -> Option<(TextRange, String)> {
        let (range, m) = self.mention_at(offset)?;
        Some((range, self.resolve_form(m.form)?.0))
    }

    /// Every mention of the entity `key`, in document order.
    pub fn occurrences(&self, key: &str) -> Vec<Mention> {
        self.resolved().filter(|m| m.entity == key).collect()
    }

    /// The entity's first mention in its fullest form, else its first mention.
    pub fn definition(&self, key: &str) -> Option<TextRange> {
        let fullest = self.mentions().find(|(_, m)| m.form == key).map(|(r, _)| r);
        fullest.or_else(|| self.occurrences(key).first().map(|m| m.range))
    }

    /// The document's entities whose names match `query`, in the order of their first mentions.
    pub fn symbols_matching(&self, query: &SymbolQuery) -> Vec<EntitySymbol> {
        let mut symbols = self.symbols();
        symbols.retain(|s| query.matches(&s.name));
        symbols
    }

    /// The document's entities, in the order of their first mentions.
    pub fn symbols(&self) -> Vec<EntitySymbol> {
        let mut order: Vec<EntitySymbol> = Vec::new();
        let mut at: rustc_hash::FxHashMap<String, usize> = Default::default();
        for m in self.resolved() {
            let i = *at.entry(m.entity.clone()).or_insert_with(|| {
                order.push(EntitySymbol {
                    shown: self.shown_name(&m.entity),
                    name: m.entity.clone(),
                    label: m.label,
                    mentions: Vec::new(),
                });
                order.len() - 1
            });
            order[i].mentions.push(m.range);
        }
        order
    }

    /// The edits that rename the entity at `offset`: the words of the hovered form that the new
    /// name changes are changed in every mention of the entity, so renaming "Scholz" to
    /// "Schulz" also turns "Olaf Scholz" into "Olaf Schulz".
    pub fn rename(
        &self,
        text: &Text,
        offset: TextSize,
        new_name: &str,
    ) -> Result<Vec<(TextRange, String)>, RenameError> {
        let (range, key) = self.entity_at(offset).ok_or(RenameError::NotAName)?;
        let new_name = new_name.trim();
        if new_name.is_empty() {
            return Err(RenameError::EmptyName);
        }
        let old = text
            .slice(range)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let old_words: Vec<&str> = old.split(' ').collect();
        let new_words: Vec<&str> = new_name.split_whitespace().collect();
        let mut edits = Vec::new();
        for m in self.occurrences(&key) {
            let mention = text.slice(m.range);
            if old_words.len() == new_words.len() {
                // Word for word: each changed word is replaced wherever the mention has it.
                for (word_range, word) in words(&mention) {
                    if let Some(i) = old_words.iter().position(|w| *w == word) {
                        if old_words[i] != new_words[i] {
                            edits.push((word_range + m.range.start(), new_words[i].to_string()));
                        }
                    }
                }
            } else if let Some(found) = find_words(&mention, &old) {
                edits.push((found + m.range.start(), new_name.to_string()));
            }
        }
        Ok(edits)
    }
}

/// The words of a mention with their ranges inside it.
fn words(s: &str) -> impl Iterator<Item = (TextRange, &str)> {
    s.split_whitespace().map(move |w| {
        let start = w.as_ptr() as usize - s.as_ptr() as usize;
        (
            TextRange::at(TextSize::new(start as u32), TextSize::of(w)),
            w,
        )
    })
}

/// Where the words `needle` (one space between words) occur in `hay` as whole words.
fn find_words(hay: &str, needle: &str) -> Option<TextRange> {
    let words: Vec<(TextRange, &str)> = words(hay).collect();
    let n = needle.split(' ').count();
    words.windows(n).find_map(|w| {
        let joined = w.iter().map(|(_, s)| *s).collect::<Vec<_>>().join(" ");
        (joined == needle).then(|| TextRange::new(w[0].0.start(), w[n - 1].0.end()))
    })
}

/// A mention to colour: its range, its entity's kind, and whether it is the entity's first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub label: Label,
    pub first: bool,
}

impl DocumentAnalysis {
    /// Every mention to colour, in document order, within `within` if given.
    pub fn highlights(&self, within: Option<TextRange>) -> Vec<Highlight> {
        let mut seen = rustc_hash::FxHashSet::default();
        self.resolved()
            .map(|m| {
                let first = seen.insert(m.entity);
                Highlight {
                    range: m.range,
                    label: m.label,
                    first,
                }
            })
            .filter(|h| within.is_none_or(|w| w.intersect(h.range).is_some()))
            .collect()
    }
}
