//! The workspace index: the entities of every text and Markdown file under the workspace
//! folders, open or not. Shell code: it walks folders and reads files, then runs the same
//! analysis as the server on each.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::analysis::{self, DocOptions, Format, fold};
use crate::extract::{Label, Lang};
use crate::kb::KnowledgeBase;
use crate::pipeline::Extractor;
use std::sync::Arc;

/// Folders never indexed: version control, build output, dependencies.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "dist", "build", "out"];

/// One entity of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedEntity {
    pub name: String,
    pub label: Label,
    pub mentions: u32,
    /// Zero-based line of the first mention.
    pub first_line: u32,
}

#[derive(Clone, Debug, Default)]
pub struct WorkspaceIndex {
    files: FxHashMap<PathBuf, Vec<IndexedEntity>>,
}

impl WorkspaceIndex {
    pub fn insert(&mut self, path: PathBuf, entities: Vec<IndexedEntity>) {
        self.files.insert(path, entities);
    }

    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files other than `except` that mention an entity named `name` (compared without case
    /// or accents), with the number of mentions, most first.
    pub fn files_mentioning(&self, name: &str, except: Option<&Path>) -> Vec<(PathBuf, u32)> {
        let key = fold(name);
        let mut out: Vec<(PathBuf, u32)> = self
            .files
            .iter()
            .filter(|(path, _)| Some(path.as_path()) != except)
            .filter_map(|(path, entities)| {
                let n: u32 = entities
                    .iter()
                    .filter(|e| fold(&e.name) == key)
                    .map(|e| e.mentions)
                    .sum();
                (n > 0).then(|| (path.clone(), n))
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Every entity of every file, for workspace symbols.
    pub fn entities(&self) -> impl Iterator<Item = (&Path, &IndexedEntity)> {
        self.files
            .iter()
            .flat_map(|(path, entities)| entities.iter().map(move |e| (path.as_path(), e)))
    }
}

/// Whether a file is one nomen reads: plain text or Markdown.
pub fn is_prose_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "txt" | "text" | "md" | "markdown" | "mdown" | "mkd"))
}

/// The prose files under `roots`, sorted, skipping hidden and build folders.
pub fn prose_files(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                    stack.push(path);
                }
            } else if kind.is_file() && is_prose_file(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The entities of one file, as they resolve through `knowledge` (and with the names it knows
/// marked); `None` when it cannot be read, is not UTF-8 text, or is larger than `max_bytes`.
pub fn index_file(
    path: &Path,
    extractor: &Extractor,
    knowledge: &Arc<KnowledgeBase>,
    language: Option<Lang>,
    max_bytes: u64,
) -> Option<Vec<IndexedEntity>> {
    let text = crate::files::read_text(path, max_bytes).ok()?;
    Some(entities_of(
        &text,
        extractor,
        knowledge,
        &DocOptions {
            format: Format::guess(&path.to_string_lossy()),
            language,
        },
    ))
}

/// The entities of a text, one per entity with its mention count and first line.
pub fn entities_of(
    text: &str,
    extractor: &Extractor,
    knowledge: &Arc<KnowledgeBase>,
    options: &DocOptions,
) -> Vec<IndexedEntity> {
    let t = crate::text::Text::new(text);
    let analysis = analysis::analyze_with(extractor, &t, options, knowledge.clone());
    analysis
        .symbols()
        .into_iter()
        .map(|s| IndexedEntity {
            first_line: t.line_of(s.mentions[0].start()),
            mentions: s.mentions.len() as u32,
            name: s.name,
            label: s.label,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_finds_files_and_the_entities_they_share() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        let a = write(
            "a.md",
            "# Berlin\n\nLa chancelière Angela Merkel a parlé. Merkel a souri.\n",
        );
        let b = write("notes/b.txt", "Angela Merkel est arrivée à Paris.\n");
        write(".git/c.txt", "Angela Merkel.\n");
        write("image.png", "not prose");
        std::fs::write(dir.path().join("bad.txt"), [0xff, 0xfe, 0x00]).unwrap();
        let files = prose_files(&[dir.path().to_path_buf()]);
        assert_eq!(files.len(), 3, "{files:?}");
        let extractor = Extractor::new();
        let mut index = WorkspaceIndex::default();
        for f in &files {
            if let Some(entities) =
                index_file(f, &extractor, &analysis::default_knowledge(), None, 1 << 20)
            {
                index.insert(f.clone(), entities);
            }
        }
        assert_eq!(index.len(), 2, "the non-UTF-8 file is skipped");
        assert_eq!(
            index.files_mentioning("angela merkel", Some(&a)),
            [(b.clone(), 1)]
        );
        assert_eq!(
            index.files_mentioning("Angela Merkel", None),
            [(a, 2), (b, 1)]
        );
    }
}
