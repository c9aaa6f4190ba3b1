//! The workspace's knowledge files: where they are, reading them, the order they stack in over
//! the embedded default, and writing one. The one loader of the command line and the server.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::kb::{KbError, KbFile, KnowledgeBase};

pub use crate::kb::{JSONL_FILE, TOML_FILE};

/// The knowledge files of a folder, in order of precedence: the TOML file, edited by hand,
/// wins over the JSON Lines import.
pub fn paths(folder: &Path) -> [PathBuf; 2] {
    [folder.join(TOML_FILE), folder.join(JSONL_FILE)]
}

pub fn is_knowledge_file(path: &Path) -> bool {
    path.ends_with(TOML_FILE) || path.ends_with(JSONL_FILE)
}

/// The folder whose knowledge files apply to `path`: the nearest one at or above the file's
/// own folder that holds a `.nomen/` folder.
pub fn folder_for(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(".nomen").is_dir())
        .map(Path::to_path_buf)
}

/// Why a knowledge file is not in force.
#[derive(Debug)]
pub enum Problem {
    /// It could not be read (the error names the file).
    Unreadable(anyhow::Error),
    /// It does not parse: its text, to place the errors, and the errors.
    Invalid { text: String, errors: Vec<KbError> },
}

/// A knowledge file's text; `None` when there is no such file. Read under the knowledge
/// files' cap, regular files only.
pub fn read(path: &Path) -> Result<Option<String>> {
    match super::read_text(path, super::MAX_KNOWLEDGE_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads and parses one knowledge file; `Ok(None)` when there is no such file.
pub fn load(path: &Path) -> Result<Option<KbFile>, Problem> {
    let Some(text) = read(path).map_err(Problem::Unreadable)? else {
        return Ok(None);
    };
    match crate::kb::parse_file(path, &text) {
        Ok(file) => Ok(Some(file)),
        Err(errors) => Err(Problem::Invalid { text, errors }),
    }
}

/// The knowledge base of `folder` (one that holds `.nomen/`): its files that parse, over the
/// embedded default. `report` hears of each file left out, and why.
pub fn load_folder(folder: &Path, mut report: impl FnMut(&Path, Problem)) -> KnowledgeBase {
    let mut layers = Layers::default();
    for path in paths(folder) {
        match load(&path) {
            Ok(Some(file)) => layers.set(path, file),
            Ok(None) => {}
            Err(problem) => report(&path, problem),
        }
    }
    layers.build()
}

/// The knowledge files in force, each the last good version of its file, indexed when it is
/// set: a change re-indexes only the file that changed, and no entry is held twice (the files'
/// entries move into their indexes).
#[derive(Clone, Debug, Default)]
pub struct Layers {
    files: Vec<(PathBuf, KnowledgeBase)>,
}

impl Layers {
    /// Puts `file` in force for `path`, in place of what `path` gave before.
    pub fn set(&mut self, path: PathBuf, file: KbFile) {
        self.forget(&path);
        self.files.push((path, KnowledgeBase::from_file(file)));
    }

    pub fn forget(&mut self, path: &Path) {
        self.files.retain(|(p, _)| p != path);
    }

    /// The knowledge base the files make over the embedded default: every TOML file over every
    /// JSON Lines file (a hand edit wins over a bulk import), each kind in the order of paths.
    /// Cheap: the files' indexes are shared, not copied.
    pub fn build(&self) -> KnowledgeBase {
        let mut ordered: Vec<&(PathBuf, KnowledgeBase)> = self.files.iter().collect();
        ordered.sort_by_key(|(p, _)| (!p.ends_with(TOML_FILE), p.clone()));
        let base = crate::analysis::default_knowledge().as_ref().clone();
        ordered
            .into_iter()
            .rev()
            .fold(base, |base, (_, file)| file.over(&base))
    }
}

/// Writes a knowledge file atomically, making its `.nomen/` folder first if need be.
pub fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    super::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_loads_its_good_files_and_reports_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let [toml, jsonl] = paths(dir.path());
        write(
            &toml,
            "[[entity]]\nname = \"Agence Iris\"\nkind = \"planet\"\n",
        )
        .unwrap();
        std::fs::write(&jsonl, "{\"name\": \"Iris\", \"kind\": \"organisation\"}\n").unwrap();
        let mut reported = Vec::new();
        let kb = load_folder(dir.path(), |path, problem| {
            reported.push((
                path.to_path_buf(),
                matches!(problem, Problem::Invalid { .. }),
            ));
        });
        assert_eq!(reported, [(toml.clone(), true)]);
        assert!(kb.lookup("Iris").is_some());
        assert_eq!(load(&dir.path().join("none.toml")).ok(), Some(None));
        let nearest = Some(dir.path().to_path_buf());
        assert_eq!(folder_for(&dir.path().join("notes/a.txt")), nearest);
        assert_eq!(folder_for(&dir.path().join("a.txt")), nearest);
    }
}
