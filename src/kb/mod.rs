//! The knowledge base: entities that people describe by hand, layered over an embedded default.
//!
//! Everything here is pure: callers read the files and pass their text in, and get plain
//! values back. Nothing does IO, knows about LSP or async, or panics on any `&str`.
//!
//! # File formats
//!
//! A workspace may hold two files; both describe entities with the same fields.
//!
//! ## `.nomen/knowledge.toml`, for editing by hand
//!
//! ```toml
//! # Comments are kept when nomen edits the file.
//! [[entity]]
//! name = "Khalifa Haftar"          # canonical name (required, not empty)
//! kind = "person"                  # person | organisation | place | other (required)
//! aliases = ["Haftar"]             # other forms of the name (optional)
//! description = "Maréchal libyen, chef de l’Armée nationale libyenne"   # one line (optional)
//! links = ["https://fr.wikipedia.org/wiki/Khalifa_Haftar"]              # (optional)
//!
//! [[entity]]
//! name = "Cour pénale internationale"
//! name_en = "International Criminal Court"   # shown in English documents; a form too (optional)
//! kind = "organisation"
//! aliases = ["CPI", "ICC"]
//! description = "Juridiction internationale siégeant à La Haye"
//! description_en = "International court sitting in The Hague"      # for English documents (optional)
//!
//! [[entity]]
//! name = "Armée nationale libyenne"
//! kind = "organisation"
//! aliases = ["ANL", "Libyan National Army", "LNA"]
//!
//! [ignore]
//! forms = ["Défense"]              # forms that are never entities
//! ```
//!
//! - `entity` is an array of tables (`[[entity]]`); `entity = [{ name = "…", kind = "…" }]`
//!   (inline tables) is accepted too.
//! - Hovers, diagnostics and the outline name an entity by `name`, or by `name_en` in a
//!   document written in English; they describe it by `description`, or by `description_en` in
//!   English. Without the English fields, every document shows `name` and `description`.
//! - `kind` also accepts `organization` and the tags `PER`, `ORG`, `LOC`, `MISC`, in any case;
//!   nomen writes `person`, `organisation`, `place` or `other`.
//! - Any other key in an entity, or in `[ignore]`, and any other top-level key, is an error:
//!   a misspelt key (`alias = [..]`) would otherwise be silently ignored.
//! - A file with any error gives all its errors (each with a 0-based line and a 0-based column
//!   counted in `char`s) and no entries: the server keeps the last good version.
//!
//! ## `.nomen/knowledge.jsonl`, for large imports
//!
//! One JSON object per line with the same fields; blank lines are allowed:
//!
//! ```text
//! {"name": "Khalifa Haftar", "kind": "person", "aliases": ["Haftar"], "description": "Maréchal libyen"}
//! {"name": "Armée nationale libyenne", "kind": "organisation", "aliases": ["ANL", "LNA"]}
//!
//! {"name": "Tripoli", "kind": "place", "links": ["https://fr.wikipedia.org/wiki/Tripoli"]}
//! ```
//!
//! Unlike the TOML file, keys other than the five fields are ignored, so that exports from
//! other tools (carrying an `id`, say) load as they are. Every bad line is reported.
//!
//! # Lookup
//!
//! [`KnowledgeBase::lookup`] finds an entry by its name or any alias, with both sides folded
//! by [`key`]: lower case, accents removed, typographic apostrophes made plain, hyphens and
//! runs of white space made one space. "cote d’ivoire" finds "Côte d'Ivoire".
//!
//! One exception to case insensitivity: a form written in the file without any lower-case
//! letter (an acronym: "UN", "WHO", "US", "U.N.") matches only a form without lower-case
//! letters, so that the French article "un" or the English pronouns "who" and "us" never
//! find the United Nations, the World Health Organization or the United States.
//!
//! Layers: [`KnowledgeBase::layered`] puts workspace files over a base (the embedded
//! default); [`KnowledgeBase::over`] stacks knowledge bases already built, sharing them. The first entry that claims a form owns it, looking first through the files in
//! the order given, each from top to bottom, then through the base. So a workspace entry
//! shadows the default on every form it names, and only on those. A form listed under
//! `[ignore]` in any layer is ignored: [`KnowledgeBase::lookup`] returns `None` for it.

mod edit;
mod embedded;
mod jsonl;
mod parse;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::hash_map::Entry;

use crate::extract::{Label, Lang};

pub use edit::{MAX_EDITED_BYTES, add_alias, add_entry, ignore, set_kind};
pub use embedded::synthetic_jsonl;
pub use jsonl::parse_jsonl;
pub use parse::parse_toml;

/// One entity of the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KbEntry {
    /// The canonical name, never empty.
    pub name: String,
    /// The name shown in English documents, where it differs (the embedded default names
    /// places and bodies in French: "Bruxelles", with `name_en` "Brussels"). A form like the
    /// aliases.
    pub name_en: Option<String>,
    pub label: Label,
    /// Other forms of the name, as written in the file.
    pub aliases: Vec<String>,
    /// One line saying who or what this is.
    pub description: Option<String>,
    /// The description for English documents, where it differs from `description`.
    pub description_en: Option<String>,
    /// Addresses about the entity (Wikidata, Wikipedia, an official site).
    pub links: Vec<String>,
}

impl KbEntry {
    /// An entry with a name and a label and nothing else.
    pub fn new(name: impl Into<String>, label: Label) -> KbEntry {
        KbEntry {
            name: name.into(),
            name_en: None,
            label,
            aliases: Vec::new(),
            description: None,
            description_en: None,
            links: Vec::new(),
        }
    }

    /// The name to show in a document written in `lang`.
    pub fn name_in(&self, lang: Lang) -> &str {
        match (lang, &self.name_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.name,
        }
    }

    /// The description to show in a document written in `lang`.
    pub fn description_in(&self, lang: Lang) -> Option<&str> {
        match (lang, &self.description_en) {
            (Lang::En, Some(en)) => Some(en),
            _ => self.description.as_deref(),
        }
    }

    /// The name, the English name, then the aliases.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.name_en.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// A problem in a knowledge-base file, at a 0-based line and a 0-based column in `char`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KbError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The contents of one knowledge-base file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KbFile {
    pub entries: Vec<KbEntry>,
    /// Forms that are never entities, as written in the file.
    pub ignored: Vec<String>,
}

/// The files a workspace's knowledge base lives in, relative to the workspace folder: the
/// TOML file, edited by hand, wins over the JSON Lines import.
pub const TOML_FILE: &str = ".nomen/knowledge.toml";
pub const JSONL_FILE: &str = ".nomen/knowledge.jsonl";

/// Reads a knowledge file's text with the parser its name calls for (JSON Lines for
/// `.jsonl`, TOML otherwise).
pub fn parse_file(path: &std::path::Path, text: &str) -> Result<KbFile, Vec<KbError>> {
    if path.extension().is_some_and(|e| e == "jsonl") {
        parse_jsonl(text)
    } else {
        parse_toml(text)
    }
}

/// The word a file uses for a label.
pub fn kind_name(label: Label) -> &'static str {
    match label {
        Label::Per => "person",
        Label::Org => "organisation",
        Label::Loc => "place",
        Label::Misc => "other",
    }
}

/// The label for a word of the `kind` field: see the module documentation.
pub fn parse_kind(kind: &str) -> Option<Label> {
    match kind.to_ascii_lowercase().as_str() {
        "person" | "per" => Some(Label::Per),
        "organisation" | "organization" | "org" => Some(Label::Org),
        "place" | "loc" => Some(Label::Loc),
        "other" | "misc" => Some(Label::Misc),
        _ => None,
    }
}

/// The lookup key of a form: lower case, combining marks removed, `’` and `ʼ` made `'`,
/// hyphens and runs of white space made one space, no space at either end.
pub fn key(form: &str) -> String {
    let mut out = String::with_capacity(form.len());
    fold(form, |c| out.push(c));
    out
}

/// A hash of [`key`]`(form)`, computed without building the key.
fn key_hash(form: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    let mut len = 0;
    fold(form, |c| {
        hasher.write_u32(c as u32);
        len += 1;
    });
    hasher.write_usize(len);
    hasher.finish()
}

/// Feeds the chars of [`key`]`(form)` to `out`.
fn fold(form: &str, mut out: impl FnMut(char)) {
    let mut started = false;
    let mut pending_space = false;
    let mut push = |c: char| {
        let c = match c {
            '’' | 'ʼ' | '‘' => '\'',
            '-' | '‐' | '‑' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = started;
            return;
        }
        if pending_space {
            out(' ');
            pending_space = false;
        }
        started = true;
        match c.is_ascii() {
            true => out(c.to_ascii_lowercase()),
            false => c.to_lowercase().for_each(&mut out),
        }
    };
    for c in form.chars() {
        // Decomposing char by char is enough, and much faster than a full NFD pass, because
        // the combining marks that canonical ordering would move are dropped anyway.
        match c.is_ascii() {
            true => push(c),
            false => unicode_normalization::char::decompose_canonical(c, |d| {
                if !unicode_normalization::char::is_combining_mark(d) {
                    push(d)
                }
            }),
        }
    }
}

/// Whether `range` of `text` neither starts nor ends inside a word.
fn at_word_boundaries(text: &str, range: &std::ops::Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Whether a form is written like an acronym: letters, none of them lower case.
fn is_acronym(form: &str) -> bool {
    form.chars().any(char::is_alphabetic) && !form.chars().any(char::is_lowercase)
}

/// One layer of a knowledge base: a set of files merged, with their index.
#[derive(Debug, Default)]
struct Layer {
    /// Every form as written (and with its other apostrophe), for finding them in a text;
    /// built on the first [`KnowledgeBase::find_in`].
    finder: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
    entries: Vec<KbEntry>,
    /// [`key_hash`] of a form -> the entry that owns it (the first with that form) and whether
    /// the form is an acronym. Hashes rather than keys save building and storing a `String`
    /// per form, which is most of the cost of loading a large file.
    index: FxHashMap<u64, Claim>,
    /// Forms whose hash is in `index` for another form: the rare true collisions.
    collisions: FxHashMap<String, Claim>,
    ignored: FxHashSet<String>,
}

#[derive(Clone, Copy, Debug)]
struct Claim {
    entry: u32,
    acronym: bool,
}

impl Layer {
    fn build(files: impl IntoIterator<Item = KbFile>, count: usize) -> Layer {
        let mut layer = Layer {
            entries: Vec::with_capacity(count),
            index: FxHashMap::with_capacity_and_hasher(count * 3, Default::default()),
            ..Layer::default()
        };
        for file in files {
            for entry in file.entries {
                let id = layer.entries.len() as u32;
                for form in entry.forms() {
                    layer.claim(form, id);
                }
                layer.entries.push(entry);
            }
            layer.ignored.extend(file.ignored.iter().map(|f| key(f)));
        }
        layer
    }

    fn claim(&mut self, form: &str, entry: u32) {
        let claim = Claim {
            entry,
            acronym: is_acronym(form),
        };
        match self.index.entry(key_hash(form)) {
            Entry::Vacant(slot) => {
                slot.insert(claim);
            }
            Entry::Occupied(slot) => {
                // The entry being built is pushed after its forms are claimed.
                let owner = self.entries.get(slot.get().entry as usize);
                if owner.is_some_and(|owner| !owns(owner, &key(form))) {
                    self.collisions.entry(key(form)).or_insert(claim);
                }
            }
        }
    }

    fn finder(&self) -> Option<&aho_corasick::AhoCorasick> {
        self.finder
            .get_or_init(|| {
                let mut patterns: Vec<String> = Vec::new();
                for form in self.entries.iter().flat_map(KbEntry::forms) {
                    let form = form.trim();
                    if form.chars().any(char::is_alphanumeric) {
                        patterns.push(form.to_string());
                        if form.contains(['\'', '’']) {
                            patterns.push(form.replace('\'', "’"));
                            patterns.push(form.replace('’', "'"));
                        }
                    }
                }
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map_err(|e| {
                        tracing::warn!("knowledge base too large to search texts for: {e}")
                    })
                    .ok()
            })
            .as_ref()
    }

    fn get(&self, form: &str) -> Option<Claim> {
        let claim = *self.index.get(&key_hash(form))?;
        let key = key(form);
        match owns(&self.entries[claim.entry as usize], &key) {
            true => Some(claim),
            false => self.collisions.get(&key).copied(),
        }
    }
}

/// Whether one of the entry's forms has this key.
fn owns(entry: &KbEntry, key: &str) -> bool {
    entry.forms().any(|f| self::key(f) == key)
}

/// An immutable index of entities, cheap to clone (its layers are shared).
#[derive(Clone, Debug, Default)]
pub struct KnowledgeBase {
    /// Highest priority first.
    layers: Vec<Arc<Layer>>,
}

impl KnowledgeBase {
    /// A knowledge base of one file, taken without copying its entries.
    pub fn from_file(file: KbFile) -> KnowledgeBase {
        let count = file.entries.len();
        KnowledgeBase {
            layers: vec![Arc::new(Layer::build([file], count))],
        }
    }

    /// A knowledge base of the given files, the first file winning over the later ones.
    pub fn from_files(files: &[KbFile]) -> KnowledgeBase {
        let count = files.iter().map(|f| f.entries.len()).sum();
        KnowledgeBase {
            layers: vec![Arc::new(Layer::build(files.iter().cloned(), count))],
        }
    }

    /// The default knowledge base compiled into nomen: countries, capitals and major
    /// international organisations, in French and English. See `data/kb/README.md`.
    pub fn embedded() -> KnowledgeBase {
        let files = embedded::files();
        let count = files.iter().map(|f| f.entries.len()).sum();
        KnowledgeBase {
            layers: vec![Arc::new(Layer::build(files, count))],
        }
    }

    /// `self` over `base`: `self` wins on every form it has. Both are shared, not copied, so
    /// this is cheap. A server can keep one knowledge base per workspace file and stack them
    /// again after an edit, re-indexing only the file that changed.
    pub fn over(&self, base: &KnowledgeBase) -> KnowledgeBase {
        let layers = self.layers.iter().chain(&base.layers).cloned().collect();
        KnowledgeBase { layers }
    }

    /// `files` (the workspace's, first file winning) over `base`: the same as
    /// `KnowledgeBase::from_files(files).over(base)`.
    pub fn layered(base: &KnowledgeBase, files: &[KbFile]) -> KnowledgeBase {
        KnowledgeBase::from_files(files).over(base)
    }

    /// The entry that owns `form` as its name or an alias, unless the form is ignored.
    pub fn lookup(&self, form: &str) -> Option<&KbEntry> {
        if self.is_ignored(form) {
            return None;
        }
        let has_lower_case = form.chars().any(char::is_lowercase);
        self.layers.iter().find_map(|l| match l.get(form)? {
            Claim { acronym: true, .. } if has_lower_case => None,
            Claim { entry, .. } => Some(&l.entries[entry as usize]),
        })
    }

    /// Where the text writes a form of an entry, as the entry's file writes it (apostrophes
    /// either way) and between word boundaries: sorted, non-overlapping byte ranges, the
    /// longest first where two start together, each with the entry that owns the form.
    pub fn find_in(&self, text: &str) -> Vec<(std::ops::Range<usize>, &KbEntry)> {
        let mut found: Vec<std::ops::Range<usize>> = Vec::new();
        for layer in &self.layers {
            let Some(finder) = layer.finder() else {
                continue;
            };
            found.extend(
                finder
                    .find_iter(text)
                    .map(|m| m.range())
                    .filter(|r| at_word_boundaries(text, r)),
            );
        }
        found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut out: Vec<(std::ops::Range<usize>, &KbEntry)> = Vec::new();
        for range in found {
            if out.last().is_some_and(|(last, _)| last.end > range.start) {
                continue;
            }
            if let Some(entry) = self.lookup(&text[range.clone()]) {
                out.push((range, entry));
            }
        }
        out
    }

    /// Bytes held by the automata that [`KnowledgeBase::find_in`] has built so far.
    pub fn finder_memory(&self) -> usize {
        self.layers
            .iter()
            .filter_map(|l| l.finder.get()?.as_ref())
            .map(aho_corasick::AhoCorasick::memory_usage)
            .sum()
    }

    /// Whether some layer lists `form` under `[ignore]`.
    pub fn is_ignored(&self, form: &str) -> bool {
        let key = key(form);
        self.layers.iter().any(|l| l.ignored.contains(&key))
    }

    /// The number of entries in all layers, counting default entries that workspace entries
    /// shadow.
    pub fn len(&self) -> usize {
        self.layers.iter().map(|l| l.entries.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every entry, highest layer first, in file order within a layer, shadowed ones included.
    pub fn entries(&self) -> impl Iterator<Item = &KbEntry> {
        self.layers.iter().flat_map(|l| l.entries.iter())
    }
}
