//! The annotation files: a document's `.ann` sidecar (`NAME.txt` or `NAME.md` beside
//! `NAME.ann`), the workspace's label map (`.nomen/labels.toml`) and the suggestions rejected
//! in it (`.nomen/rejected.jsonl`, never in the `.ann`). Blocking IO: the server calls these on
//! the blocking pool. The annotations themselves are read and written by `annotate`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::annotate::{AnnDoc, LabelError, LabelMap};

/// The label map of a workspace, in its `.nomen/` folder.
pub const LABELS_FILE: &str = ".nomen/labels.toml";
/// The suggestions rejected in a workspace, one JSON object a line.
pub const REJECTED_FILE: &str = ".nomen/rejected.jsonl";

/// Whether `path` is a document that can have annotations: a `.txt` or `.md` file.
pub fn is_annotatable(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("txt" | "md")
    )
}

/// The `.ann` of a document (`NAME.txt` -> `NAME.ann`); `None` for a file that is not one.
pub fn sidecar(document: &Path) -> Option<PathBuf> {
    is_annotatable(document).then(|| document.with_extension("ann"))
}

/// The document of a `.ann`: `NAME.txt`, else `NAME.md`, whichever exists (`.txt` when
/// neither does).
pub fn document_of(ann: &Path) -> PathBuf {
    let md = ann.with_extension("md");
    match !ann.with_extension("txt").is_file() && md.is_file() {
        true => md,
        false => ann.with_extension("txt"),
    }
}

/// The text of a `.ann`; `None` when there is none. Read under the knowledge files' cap (a
/// file of 100,000 annotations takes a few megabytes).
pub fn read_ann(path: &Path) -> Result<Option<String>> {
    match super::read_text(path, super::MAX_KNOWLEDGE_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The annotations of `document`, whose text is `text`, re-anchored to it; `None` when it has
/// no `.ann`.
pub fn load(document: &Path, text: &str) -> Result<Option<AnnDoc>> {
    let Some(path) = sidecar(document) else {
        return Ok(None);
    };
    Ok(read_ann(&path)?.map(|ann| {
        let mut doc = AnnDoc::parse(&ann, text);
        doc.reanchor(text);
        doc
    }))
}

/// Writes `contents` to `path` atomically unless the file already holds exactly that; says
/// whether it wrote. A file nothing changed keeps its bytes and its time.
pub fn write_if_changed(path: &Path, contents: &str) -> Result<bool> {
    if read_ann(path)?.as_deref() == Some(contents) {
        return Ok(false);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    super::write_atomic(path, contents.as_bytes())?;
    Ok(true)
}

/// Writes the `.ann` of `document` from `doc`, if that changes it.
pub fn save(document: &Path, doc: &AnnDoc, text: &str) -> Result<bool> {
    let path = sidecar(document)
        .with_context(|| format!("{}: not a .txt or .md document", document.display()))?;
    write_if_changed(&path, &doc.render(text))
}

/// The folder whose `.nomen/` applies to `path` (see `knowledge::folder_for`), else the
/// file's own folder, where a `.nomen/` is made when something must be kept.
pub fn workspace_of(path: &Path) -> PathBuf {
    super::knowledge::folder_for(path).unwrap_or_else(|| {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        absolute
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf)
    })
}

/// The label map that applies to `path`: its workspace's, else the default. An unreadable or
/// invalid map is an error with its text, to place the errors.
pub fn labels_for(path: &Path) -> Result<LabelMap, LabelsProblem> {
    let Some(folder) = super::knowledge::folder_for(path) else {
        return Ok(LabelMap::default());
    };
    let file = folder.join(LABELS_FILE);
    let text = match super::read_text(&file, super::MAX_KNOWLEDGE_BYTES) {
        Ok(text) => text,
        Err(e) if e.is_not_found() => return Ok(LabelMap::default()),
        Err(e) => return Err(LabelsProblem::Unreadable(e.into())),
    };
    LabelMap::parse(&text).map_err(|errors| LabelsProblem::Invalid { file, text, errors })
}

/// Why a workspace's label map is not in force.
#[derive(Debug)]
pub enum LabelsProblem {
    Unreadable(anyhow::Error),
    Invalid {
        file: PathBuf,
        text: String,
        errors: Vec<LabelError>,
    },
}

/// A suggestion rejected in a document: it is not suggested there again.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rejection {
    /// The document's path relative to the folder that holds `.nomen/`, with `/`.
    pub document: String,
    pub form: String,
    /// nomen's label of the suggestion (`PER`, ...).
    pub label: String,
}

/// The rejected suggestions of a workspace, kept sorted so that the file is deterministic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rejections {
    entries: BTreeSet<Rejection>,
}

impl Rejections {
    /// Reads `rejected.jsonl`; a line that is not a rejection is skipped and its number (from
    /// 1) returned.
    pub fn parse(text: &str) -> (Rejections, Vec<usize>) {
        let mut out = Rejections::default();
        let mut bad = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            match serde_json::from_str::<Rejection>(line) {
                Ok(r) => {
                    out.entries.insert(r);
                }
                Err(_) => bad.push(i + 1),
            }
        }
        (out, bad)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for r in &self.entries {
            out.push_str(&serde_json::to_string(r).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// Adds `r`; false when it was there.
    pub fn add(&mut self, r: Rejection) -> bool {
        self.entries.insert(r)
    }

    pub fn contains(&self, document: &str, form: &str, label: &str) -> bool {
        self.entries
            .iter()
            .any(|r| r.document == document && r.form == form && r.label == label)
    }

    /// The rejections of one document (its key: [`document_key`]).
    pub fn of<'a>(&'a self, document: &'a str) -> impl Iterator<Item = &'a Rejection> + 'a {
        self.entries.iter().filter(move |r| r.document == document)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// How `document` is named in `folder`'s rejections: its path relative to the folder, with
/// `/` between the parts (the absolute path when it is not under the folder).
pub fn document_key(folder: &Path, document: &Path) -> String {
    let absolute = std::path::absolute(document).unwrap_or_else(|_| document.to_path_buf());
    let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
    let relative = absolute.strip_prefix(&folder).unwrap_or(&absolute);
    let parts: Vec<String> = (relative.components())
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// The rejections kept in `folder`'s `.nomen/` (none when there is no file).
pub fn load_rejections(folder: &Path) -> Result<Rejections> {
    let path = folder.join(REJECTED_FILE);
    match super::read_text(&path, super::MAX_KNOWLEDGE_BYTES) {
        Ok(text) => Ok(Rejections::parse(&text).0),
        Err(e) if e.is_not_found() => Ok(Rejections::default()),
        Err(e) => Err(e.into()),
    }
}

/// Rejects the suggestion `form` (`label`) in `document`: the file is read again just before
/// it is written, atomically, so that rejections made elsewhere meanwhile are kept. Returns
/// the rejections now in force.
pub fn reject(document: &Path, form: &str, label: &str) -> Result<Rejections> {
    let folder = workspace_of(document);
    let mut rejections = load_rejections(&folder)?;
    let added = rejections.add(Rejection {
        document: document_key(&folder, document),
        form: form.to_string(),
        label: label.to_string(),
    });
    if added {
        write_if_changed(&folder.join(REJECTED_FILE), &rejections.render())?;
    }
    Ok(rejections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecars_are_read_reanchored_and_written_only_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("story.txt");
        let text = "Noor met Ilya in Quito.";
        std::fs::write(&doc, text).unwrap();
        assert_eq!(sidecar(&doc), Some(dir.path().join("story.ann")));
        assert_eq!(sidecar(&dir.path().join("story.rs")), None);
        assert!(load(&doc, text).unwrap().is_none());
        let ann = "T1\tPerson 0 4\tNoor\n#1\tAnnotatorNotes T1\tthe pilot\n";
        std::fs::write(dir.path().join("story.ann"), ann).unwrap();
        let mut annotations = load(&doc, text).unwrap().unwrap();
        assert!(!save(&doc, &annotations, text).unwrap());
        annotations.add(
            text,
            vec![crate::text::TextRange::new(17.into(), 22.into())],
            "Location",
        );
        assert!(save(&doc, &annotations, text).unwrap());
        let written = std::fs::read_to_string(dir.path().join("story.ann")).unwrap();
        assert_eq!(written, format!("{ann}T2\tLocation 17 22\tQuito\n"));
        assert_eq!(document_of(&dir.path().join("story.ann")), doc);
    }

    #[test]
    fn rejections_are_kept_in_the_workspace_by_relative_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".nomen")).unwrap();
        std::fs::create_dir_all(dir.path().join("notes")).unwrap();
        let doc = dir.path().join("notes/day.txt");
        reject(&doc, "Quito", "LOC").unwrap();
        let all = reject(&doc, "Ilya", "PER").unwrap();
        assert_eq!(reject(&doc, "Ilya", "PER").unwrap(), all);
        let text = std::fs::read_to_string(dir.path().join(REJECTED_FILE)).unwrap();
        expect_test::expect![[r#"
            {"document":"notes/day.txt","form":"Ilya","label":"PER"}
            {"document":"notes/day.txt","form":"Quito","label":"LOC"}
        "#]]
        .assert_eq(&text);
        assert!(all.contains("notes/day.txt", "Quito", "LOC"));
        assert_eq!(all.of("notes/day.txt").count(), 2);
        let (parsed, bad) = Rejections::parse(&format!("{text}not json\n"));
        assert_eq!((parsed, bad), (all, vec![3]));
        std::fs::write(dir.path().join(LABELS_FILE), "[labels]\nPER = \"Human\"\n").unwrap();
        let map = labels_for(&doc).unwrap();
        assert_eq!(map.to_nomen("Human"), Some(crate::types::Label::Per));
        std::fs::write(dir.path().join(LABELS_FILE), "[labels]\nXX = 1\n").unwrap();
        assert!(matches!(
            labels_for(&doc),
            Err(LabelsProblem::Invalid { .. })
        ));
    }
}
