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
//! links = ["https://www.wikidata.org/wiki/Q19755"]                      # (optional)
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
//! {"name": "Tripoli", "kind": "place", "links": ["https://www.wikidata.org/wiki/Q3579"]}
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
//! default). The first entry that claims a form owns it, looking first through the files in
//! the order given, each from top to bottom, then through the base. So a workspace entry
//! shadows the default on every form it names, and only on those. A form listed under
//! `[ignore]` in any layer is ignored: [`KnowledgeBase::lookup`] returns `None` for it.

mod edit;
mod embedded;
mod parse;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::extract::Label;

pub use edit::{add_alias, add_entry, ignore, set_kind};
pub use embedded::synthetic_jsonl;
pub use parse::{parse_jsonl, parse_toml};

/// One entity of the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KbEntry {
    /// The canonical name, never empty.
    pub name: String,
    pub label: Label,
    /// Other forms of the name, as written in the file.
    pub aliases: Vec<String>,
    /// One line saying who or what this is.
    pub description: Option<String>,
    /// Addresses about the entity (Wikidata, Wikipedia, an official site).
    pub links: Vec<String>,
}

impl KbEntry {
    /// An entry with a name and a label and nothing else.
    pub fn new(name: impl Into<String>, label: Label) -> KbEntry {
        KbEntry {
            name: name.into(),
            label,
            aliases: Vec::new(),
            description: None,
            links: Vec::new(),
        }
    }

    /// The name, then the aliases.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
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
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(form.len());
    let mut pending_space = false;
    for c in form.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            '’' | 'ʼ' | '‘' => '\'',
            '-' | '‐' | '‑' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether a form is written like an acronym: letters, none of them lower case.
fn is_acronym(form: &str) -> bool {
    form.chars().any(char::is_alphabetic) && !form.chars().any(char::is_lowercase)
}

/// One layer of a knowledge base: a set of files merged, with their index.
#[derive(Debug, Default)]
struct Layer {
    entries: Vec<KbEntry>,
    /// Folded form -> index in `entries` and whether the form is an acronym; the first entry
    /// with a form keeps it.
    index: FxHashMap<String, (u32, bool)>,
    ignored: FxHashSet<String>,
}

impl Layer {
    fn build(files: &[KbFile]) -> Layer {
        let count = files.iter().map(|f| f.entries.len()).sum();
        let mut layer = Layer {
            entries: Vec::with_capacity(count),
            index: FxHashMap::with_capacity_and_hasher(count * 2, Default::default()),
            ignored: FxHashSet::default(),
        };
        for file in files {
            for entry in &file.entries {
                let id = layer.entries.len() as u32;
                for form in entry.forms() {
                    let acronym = is_acronym(form);
                    layer.index.entry(key(form)).or_insert((id, acronym));
                }
                layer.entries.push(entry.clone());
            }
            layer.ignored.extend(file.ignored.iter().map(|f| key(f)));
        }
        layer
    }
}

/// An immutable index of entities, cheap to clone (its layers are shared).
#[derive(Clone, Debug, Default)]
pub struct KnowledgeBase {
    /// Highest priority first.
    layers: Vec<Arc<Layer>>,
}

impl KnowledgeBase {
    /// A knowledge base of the given files, the first file winning over the later ones.
    pub fn from_files(files: &[KbFile]) -> KnowledgeBase {
        KnowledgeBase {
            layers: vec![Arc::new(Layer::build(files))],
        }
    }

    /// The default knowledge base compiled into nomen: countries, capitals and major
    /// international organisations, in French and English. See `data/kb/README.md`.
    pub fn embedded() -> KnowledgeBase {
        KnowledgeBase::from_files(&embedded::files())
    }

    /// `files` (the workspace's, first file winning) over `base`. The base's layers are shared,
    /// not copied, so this costs only the workspace's entries.
    pub fn layered(base: &KnowledgeBase, files: &[KbFile]) -> KnowledgeBase {
        let mut layers = Vec::with_capacity(base.layers.len() + 1);
        layers.push(Arc::new(Layer::build(files)));
        layers.extend(base.layers.iter().cloned());
        KnowledgeBase { layers }
    }

    /// The entry that owns `form` as its name or an alias, unless the form is ignored.
    pub fn lookup(&self, form: &str) -> Option<&KbEntry> {
        let key = key(form);
        if self.layers.iter().any(|l| l.ignored.contains(&key)) {
            return None;
        }
        let has_lower_case = form.chars().any(char::is_lowercase);
        self.layers.iter().find_map(|l| match l.index.get(&key) {
            Some(&(_, true)) if has_lower_case => None,
            Some(&(id, _)) => Some(&l.entries[id as usize]),
            None => None,
        })
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
