//! The workspace model file, `.nomen/model.delta`: what a workspace learnt from its annotated
//! documents ([`WorkspaceModel`]), read under a cap and written atomically. A file learnt over
//! another shipped model is stale: it is not used, and is learnt again from the annotations.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::analysis::{Annotated, DocOptions, Format, learn_document};
use crate::eval::brat;
use crate::pipeline::{Extractor, WorkspaceModel};
use crate::tagger::LearnConfig;

/// The file's name in `.nomen/`.
pub const FILE: &str = "model.delta";

/// The cap on the file: a delta learnt from thousands of documents takes a few megabytes.
pub const MAX_MODEL_BYTES: u64 = 64 << 20;

/// The workspace model file of `folder` (one that holds `.nomen/`).
pub fn path(folder: &Path) -> PathBuf {
    folder.join(".nomen").join(FILE)
}

/// What is in a folder's workspace model file.
#[derive(Debug)]
pub enum Loaded {
    /// There is none.
    Missing,
    /// It was learnt over another model than the extractor's: learn it again.
    Stale,
    Ready(WorkspaceModel),
}

/// Reads `folder`'s workspace model and checks it against `extractor`'s models. An error names
/// the file (unreadable, over the cap, or not a workspace model).
pub fn load(folder: &Path, extractor: &Extractor) -> Result<Loaded> {
    let path = path(folder);
    let bytes = match super::read_bytes(&path, MAX_MODEL_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return Ok(Loaded::Missing),
        Err(e) => return Err(e.into()),
    };
    let model = WorkspaceModel::from_bytes(&bytes)
        .map_err(|_| anyhow::anyhow!("{}: not a nomen workspace model", path.display()))?;
    Ok(if model.fits(extractor) {
        Loaded::Ready(model)
    } else {
        Loaded::Stale
    })
}

/// Writes `folder`'s workspace model atomically (making `.nomen/` if need be).
pub fn save(folder: &Path, model: &WorkspaceModel) -> Result<()> {
    let path = path(folder);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    }
    super::write_atomic(&path, &model.to_bytes())
}

/// Removes `folder`'s workspace model; returns whether there was one.
pub fn remove(folder: &Path) -> Result<bool> {
    let path = path(folder);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("{}: cannot remove", path.display())),
    }
}

/// The annotated documents under `folder`: each `.ann` file with a `.txt` or `.md` of the same
/// name beside it (that document's path is given), in sorted order; hidden folders (`.nomen`,
/// `.git`) are not searched.
pub fn annotated_documents(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk(folder, &mut out)?;
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot read", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let kind = entry.file_type()?;
        if kind.is_dir() && !hidden {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ann") {
            let document = ["txt", "md"]
                .iter()
                .map(|ext| path.with_extension(ext))
                .find(|p| p.is_file());
            out.extend(document);
        }
    }
    Ok(())
}

/// What [`rebuild`] learnt from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rebuilt {
    pub documents: usize,
    pub annotations: usize,
    /// Examples (blocks) whose visit changed the model.
    pub updates: usize,
}

/// Learns `folder`'s workspace model from every annotated document under it, in sorted order,
/// starting from nothing: the same files give the same model (and the same bytes). A document
/// that cannot be read is reported through `report` and left out.
pub fn rebuild(
    folder: &Path,
    extractor: &Extractor,
    config: LearnConfig,
    mut report: impl FnMut(&anyhow::Error),
) -> Result<(WorkspaceModel, Rebuilt)> {
    let mut model = WorkspaceModel::default();
    let mut stats = Rebuilt::default();
    for document in annotated_documents(folder)? {
        let read = || -> Result<(String, String)> {
            let text = super::read_text(&document, super::MAX_DOCUMENT_BYTES)?;
            let ann = super::read_text(&document.with_extension("ann"), super::MAX_DOCUMENT_BYTES)?;
            Ok((text, ann))
        };
        let (text, ann) = match read() {
            Ok(read) => read,
            Err(e) => {
                report(&e);
                continue;
            }
        };
        let gold: Vec<_> = brat::parse_ann(&text, &ann)
            .mentions
            .into_iter()
            .map(|m| (m.range, m.label))
            .collect();
        let options = DocOptions {
            format: Format::guess(&document.to_string_lossy()),
            language: None,
        };
        let doc = Annotated {
            text: &text,
            gold: &gold,
            rejected: &[],
            complete: false,
        };
        stats.documents += 1;
        stats.annotations += gold.len();
        stats.updates += learn_document(extractor, &mut model, &doc, &options, config);
    }
    Ok((model, stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Lang;

    /// A workspace with two annotated documents (written for this test) and one without
    /// annotations.
    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".nomen")).unwrap();
        std::fs::create_dir_all(dir.path().join("notes")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write(
            "notes/a.txt",
            "Le collectif Brume Salée a réuni ses membres à Kerbaliou samedi.\n",
        );
        write(
            "notes/a.ann",
            "T1\tOrganization 13 24\tBrume Salée\nT2\tLocation 47 56\tKerbaliou\n",
        );
        write(
            "b.md",
            "# Réunion\n\nBrume Salée écrit au préfet de Kerbaliou.\n",
        );
        write(
            "b.ann",
            "T1\tOrganization 11 22\tBrume Salée\nT2\tLocation 42 51\tKerbaliou\n",
        );
        write("c.txt", "Rien d'annoté ici.\n");
        dir
    }

    #[test]
    fn learning_a_folder_is_reproducible_and_can_be_undone() {
        let dir = workspace();
        let folder = dir.path();
        let found = annotated_documents(folder).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(folder).unwrap())
            .collect();
        assert_eq!(names, [Path::new("b.md"), Path::new("notes/a.txt")]);

        let extractor = Extractor::new();
        let config = LearnConfig::default();
        let (model, stats) = rebuild(folder, &extractor, config, |e| panic!("{e}")).unwrap();
        assert_eq!((stats.documents, stats.annotations), (2, 4));
        assert!(model.delta(Lang::Fr).is_some());
        save(folder, &model).unwrap();
        let first = std::fs::read(path(folder)).unwrap();
        let (again, _) = rebuild(folder, &extractor, config, |e| panic!("{e}")).unwrap();
        save(folder, &again).unwrap();
        assert_eq!(std::fs::read(path(folder)).unwrap(), first);

        match load(folder, &extractor).unwrap() {
            Loaded::Ready(read) => assert_eq!(read, model),
            other => panic!("{other:?}"),
        }
        assert!(remove(folder).unwrap());
        assert!(!remove(folder).unwrap());
        assert!(matches!(load(folder, &extractor).unwrap(), Loaded::Missing));
    }

    #[test]
    fn a_file_of_another_model_is_stale_and_a_broken_one_an_error() {
        let dir = workspace();
        let folder = dir.path();
        let extractor = Extractor::new();
        let (model, _) = rebuild(folder, &extractor, LearnConfig::default(), |_| {}).unwrap();
        let mut bytes = model.to_bytes();
        // The French delta's base fingerprint follows the magic and the language letter.
        bytes[9] ^= 1;
        std::fs::write(path(folder), &bytes).unwrap();
        assert!(matches!(load(folder, &extractor).unwrap(), Loaded::Stale));
        std::fs::write(path(folder), b"not a model").unwrap();
        let e = load(folder, &extractor).unwrap_err();
        assert!(
            e.to_string().ends_with("not a nomen workspace model"),
            "{e}"
        );
    }
}
