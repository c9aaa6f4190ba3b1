//! The document's entity index: which forms occur, how often and with which labels, and how a
//! short form links to a fuller one ("Haftar" to "Khalifa Haftar").
//!
//! Blocks add their mentions when their extraction is installed and remove them when they are
//! replaced, so document-wide linking never goes back to the text.

use rustc_hash::FxHashMap;

use crate::extract::{Evidence, Label};

/// A mention's text as the index knows it: typographic apostrophes made plain and every run
/// of white space (line breaks, no-break spaces) made one space.
pub(crate) fn normalize(form: &str) -> String {
    let mut out = String::with_capacity(form.len());
    for word in form.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| if c == '’' { '\'' } else { c }));
    }
    out
}

/// A form folded for lenient comparison: lower case, accents and other combining marks
/// removed ("Choïgou" and "choigou" fold alike).
pub fn fold(form: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    form.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The votes for a label, one count per label and level of evidence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Votes([[u32; 4]; 4]);

impl Votes {
    fn slot(&mut self, label: Label, evidence: Evidence) -> &mut u32 {
        &mut self.0[label as usize][evidence as usize]
    }

    fn merge(&mut self, other: &Votes) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }

    /// The label with the strongest evidence; among equals, the one with most votes. Candidates
    /// alone decide nothing: a form that is only ever a candidate is no name.
    pub(crate) fn best(&self) -> Option<Label> {
        let floor = Evidence::Guess as usize;
        (floor..4).rev().find_map(|evidence| {
            let (label, votes) = Label::ALL
                .iter()
                .map(|l| (*l, self.0[*l as usize][evidence]))
                .max_by_key(|(l, votes)| (*votes, std::cmp::Reverse(*l as usize)))?;
            (votes > 0).then_some(label)
        })
    }
}

#[derive(Clone, Debug, Default)]
struct FormStats {
    count: u32,
    votes: Votes,
}

/// What the document says about one entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// The fullest form: the key that every form of the entity resolves to.
    pub name: String,
    pub label: Label,
    /// Every form used in the document with its number of mentions, the fullest first.
    pub forms: Vec<(String, u32)>,
    pub mentions: u32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct EntityIndex {
    forms: FxHashMap<Box<str>, FormStats>,
    /// For every proper token suffix of a multi-token form ("Haftar" of "Khalifa Haftar"),
    /// the forms that end with it and how often they occur.
    suffixes: FxHashMap<Box<str>, FxHashMap<Box<str>, u32>>,
    /// Acronyms given with their expansion: short form to long forms, and back.
    aliases: FxHashMap<Box<str>, FxHashMap<Box<str>, u32>>,
    expansions: FxHashMap<Box<str>, FxHashMap<Box<str>, u32>>,
    /// [`EntityIndex::entity_of`]'s answers since the index last changed.
    keys: KeyCache,
}

/// Answers of `entity_of`, kept until the index changes. Finding a short form's entity looks
/// at every longer form that ends with it, and an entity looks up each of its suffixes: without
/// this, a paragraph in which the same few words make thousands of forms costs the square of
/// its length (every diagnostic and check resolves its form).
#[derive(Debug, Default)]
struct KeyCache(std::sync::Mutex<FxHashMap<Box<str>, Box<str>>>);

impl Clone for KeyCache {
    fn clone(&self) -> Self {
        KeyCache::default()
    }
}

impl KeyCache {
    fn clear(&mut self) {
        let map = self.0.get_mut().unwrap_or_else(|e| e.into_inner());
        if !map.is_empty() {
            // Dropped rather than cleared: clearing costs the capacity, on every change.
            *map = FxHashMap::default();
        }
    }
}

fn link(map: &mut FxHashMap<Box<str>, FxHashMap<Box<str>, u32>>, from: &str, to: &str) {
    *map.entry(from.into())
        .or_default()
        .entry(to.into())
        .or_default() += 1;
}

fn unlink(map: &mut FxHashMap<Box<str>, FxHashMap<Box<str>, u32>>, from: &str, to: &str) {
    let Some(targets) = map.get_mut(from) else {
        return;
    };
    if let Some(n) = targets.get_mut(to) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            targets.remove(to);
        }
    }
    if targets.is_empty() {
        map.remove(from);
    }
}

/// The most frequent target, ties broken by length then alphabetically, for a stable answer.
fn most_frequent<'a>(targets: impl Iterator<Item = (&'a Box<str>, &'a u32)>) -> Option<&'a str> {
    targets
        .max_by(|(a, an), (b, bn)| an.cmp(bn).then(a.len().cmp(&b.len())).then(b.cmp(a)))
        .map(|(name, _)| &**name)
}

impl EntityIndex {
    pub(crate) fn add(&mut self, form: &str, label: Label, evidence: Evidence) {
        self.keys.clear();
        let stats = self.forms.entry(form.into()).or_default();
        stats.count += 1;
        *stats.votes.slot(label, evidence) += 1;
        for suffix in proper_suffixes(form) {
            *self
                .suffixes
                .entry(suffix.into())
                .or_default()
                .entry(form.into())
                .or_default() += 1;
        }
    }

    pub(crate) fn remove(&mut self, form: &str, label: Label, evidence: Evidence) {
        self.keys.clear();
        if let Some(stats) = self.forms.get_mut(form) {
            stats.count = stats.count.saturating_sub(1);
            let slot = stats.votes.slot(label, evidence);
            *slot = slot.saturating_sub(1);
            if stats.count == 0 {
                self.forms.remove(form);
            }
        }
        for suffix in proper_suffixes(form) {
            let Some(longer) = self.suffixes.get_mut(suffix) else {
                continue;
            };
            if let Some(n) = longer.get_mut(form) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    longer.remove(form);
                }
            }
            if longer.is_empty() {
                self.suffixes.remove(suffix);
            }
        }
    }

    pub(crate) fn link_alias(&mut self, short: &str, long: &str) {
        self.keys.clear();
        link(&mut self.aliases, short, long);
        link(&mut self.expansions, long, short);
    }

    pub(crate) fn unlink_alias(&mut self, short: &str, long: &str) {
        self.keys.clear();
        unlink(&mut self.aliases, short, long);
        unlink(&mut self.expansions, long, short);
    }

    /// The expansion an acronym is given with in this document, if any.
    pub(crate) fn expansion_of(&self, short: &str) -> Option<&str> {
        most_frequent(self.aliases.get(short)?.iter())
    }

    /// The key of the entity that `form` names: the expansion an acronym is given with, the most
    /// frequent person's name that ends with it ("Khalifa Haftar" for "Haftar"), or the form.
    pub(crate) fn entity_of(&self, form: &str) -> String {
        let cached = |keys: &FxHashMap<Box<str>, Box<str>>| keys.get(form).map(|k| k.to_string());
        if let Some(key) = cached(&self.keys.0.lock().unwrap_or_else(|e| e.into_inner())) {
            return key;
        }
        let key = self.find_entity_of(form).to_string();
        self.keys
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(form.into(), key.as_str().into());
        key
    }

    fn find_entity_of<'a>(&'a self, form: &'a str) -> &'a str {
        if let Some(long) = self.expansion_of(form) {
            return long;
        }
        let Some(longer) = self.suffixes.get(form) else {
            return form;
        };
        let people = longer
            .iter()
            .filter(|(name, _)| self.own_label(name) == Some(Label::Per));
        most_frequent(people).unwrap_or(form)
    }

    /// The label that a form's own mentions vote for, before any linking.
    fn own_label(&self, form: &str) -> Option<Label> {
        self.forms.get(form)?.votes.best()
    }

    /// The entity whose key is `key` (see [`EntityIndex::entity_of`]), if the document has it.
    pub(crate) fn entity(&self, key: &str) -> Option<Entity> {
        let own = self.forms.get(key)?;
        let mut votes = own.votes;
        let mut forms = vec![(key.to_string(), own.count)];
        for suffix in proper_suffixes(key) {
            let Some(stats) = self.forms.get(suffix) else {
                continue;
            };
            if self.entity_of(suffix) == key {
                votes.merge(&stats.votes);
                forms.push((suffix.to_string(), stats.count));
            }
        }
        for short in self.expansions.get(key).into_iter().flat_map(|m| m.keys()) {
            let Some(stats) = self.forms.get(short) else {
                continue;
            };
            if self.entity_of(short) == key {
                votes.merge(&stats.votes);
                forms.push((short.to_string(), stats.count));
            }
        }
        let mentions = forms.iter().map(|(_, n)| n).sum();
        Some(Entity {
            name: key.to_string(),
            label: votes.best()?,
            forms,
            mentions,
        })
    }

    /// The label and key of every form, memoised by the caller for one pass over the mentions.
    pub(crate) fn resolve(&self, form: &str) -> Option<(String, Label)> {
        let key = self.entity_of(form);
        let entity = self.entity(&key)?;
        Some((entity.name, entity.label))
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }
}

/// The proper suffixes of a form, token by token: "Le Drian" and "Drian" for "Jean-Yves Le Drian".
fn proper_suffixes(form: &str) -> impl Iterator<Item = &str> {
    form.match_indices(' ').map(move |(i, _)| &form[i + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(mentions: &[(&str, Label, Evidence)]) -> EntityIndex {
        let mut index = EntityIndex::default();
        for (form, label, evidence) in mentions {
            index.add(form, *label, *evidence);
        }
        index
    }

    #[test]
    fn a_surname_links_to_the_full_name_and_takes_its_kind() {
        use Evidence::*;
        let idx = index(&[
            ("Khalifa Haftar", Label::Per, Context),
            ("Haftar", Label::Loc, Guess),
            ("Haftar", Label::Misc, Guess),
            ("Jean-Yves Le Drian", Label::Per, Lexicon),
            ("Le Drian", Label::Misc, Guess),
        ]);
        assert_eq!(idx.entity_of("Haftar"), "Khalifa Haftar");
        // A first name alone is not a suffix: it stays its own entity.
        assert_eq!(idx.entity_of("Khalifa"), "Khalifa");
        let haftar = idx.entity("Khalifa Haftar").unwrap();
        assert_eq!(haftar.label, Label::Per);
        assert_eq!(haftar.mentions, 3);
        assert_eq!(
            haftar.forms,
            [("Khalifa Haftar".to_string(), 1), ("Haftar".to_string(), 2)]
        );
        assert_eq!(
            idx.resolve("Le Drian"),
            Some(("Jean-Yves Le Drian".to_string(), Label::Per))
        );
    }

    #[test]
    fn an_acronym_joins_its_expansion() {
        let mut idx = index(&[
            (
                "Organisation des Nations unies",
                Label::Org,
                Evidence::Lexicon,
            ),
            ("ONU", Label::Org, Evidence::Lexicon),
            ("ONU", Label::Org, Evidence::Lexicon),
        ]);
        idx.link_alias("ONU", "Organisation des Nations unies");
        assert_eq!(idx.entity_of("ONU"), "Organisation des Nations unies");
        let e = idx.entity("Organisation des Nations unies").unwrap();
        assert_eq!(e.mentions, 3);
        idx.unlink_alias("ONU", "Organisation des Nations unies");
        assert_eq!(idx.entity_of("ONU"), "ONU");
        assert!(idx.aliases.is_empty() && idx.expansions.is_empty());
    }

    #[test]
    fn only_people_absorb_their_suffixes() {
        let idx = index(&[
            (
                "Conseil de sécurité des Nations Unies",
                Label::Org,
                Evidence::Context,
            ),
            ("Nations Unies", Label::Org, Evidence::Lexicon),
        ]);
        assert_eq!(idx.entity_of("Nations Unies"), "Nations Unies");
    }

    #[test]
    fn removing_every_mention_empties_the_index() {
        let mentions = [
            ("Vladimir Poutine", Label::Per, Evidence::Lexicon),
            ("Poutine", Label::Per, Evidence::Guess),
        ];
        let mut idx = index(&mentions);
        for (form, label, evidence) in mentions {
            idx.remove(form, label, evidence);
        }
        assert!(idx.is_empty());
        assert!(idx.suffixes.is_empty());
    }

    #[test]
    fn fold_ignores_case_and_accents() {
        assert_eq!(fold("Choïgou"), fold("CHOIGOU"));
        assert_eq!(fold("États-Unis"), "etats-unis");
    }

    #[test]
    fn normalize_unifies_apostrophes_and_spaces() {
        assert_eq!(normalize("Côte\u{a0}d’Ivoire"), "Côte d'Ivoire");
        assert_eq!(normalize("Khalifa\r\n  Haftar"), "Khalifa Haftar");
    }
}
