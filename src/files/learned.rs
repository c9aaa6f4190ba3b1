//! The workspace model file, `.nomen/model.delta`: what a workspace learnt from its annotated
//! documents ([`WorkspaceModel`]), read under a cap and written atomically. A file learnt over
//! another shipped model is stale: it is not used, and is learnt again from the annotations.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::annotations::{self, Rejections};
use crate::analysis::{Annotated, DocOptions, Format, learn_document};
use crate::annotate::{AnnDoc, LabelMap};
use crate::pipeline::{Extractor, WorkspaceModel};
use crate::tagger::LearnConfig;
use crate::text::{TextRange, TextSize};
use crate::types::Label;

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
/// starting from nothing: the same files give the same model (and the same bytes). The
/// folder's label map applies, and its rejected suggestions are negative evidence. A document
/// that cannot be read is reported through `report` and left out.
pub fn rebuild(
    folder: &Path,
    extractor: &Extractor,
    config: LearnConfig,
    mut report: impl FnMut(&anyhow::Error),
) -> Result<(WorkspaceModel, Rebuilt)> {
    let labels = annotations::labels_for(&folder.join("document.txt")).unwrap_or_else(|_| {
        report(&anyhow::anyhow!(
            "{}: not used",
            folder.join(annotations::LABELS_FILE).display()
        ));
        LabelMap::default()
    });
    let rejections = annotations::load_rejections(folder).unwrap_or_else(|e| {
        report(&e);
        Rejections::default()
    });
    let mut model = WorkspaceModel::default();
    let mut stats = Rebuilt::default();
    for document in annotated_documents(folder)? {
        let read = || -> Result<Option<(String, AnnDoc)>> {
            let text = super::read_text(&document, super::MAX_DOCUMENT_BYTES)?;
            Ok(annotations::load(&document, &text)?.map(|ann| (text, ann)))
        };
        let (text, ann) = match read() {
            Ok(Some(read)) => read,
            Ok(None) => continue,
            Err(e) => {
                report(&e);
                continue;
            }
        };
        let key = annotations::document_key(folder, &document);
        let rejected: Vec<(&str, Label)> = rejections
            .of(&key)
            .filter_map(|r| Some((r.form.as_str(), Label::from_tag(&r.label)?)))
            .collect();
        let (gold, rejected) = spans(&text, &ann, &labels, &rejected);
        let options = DocOptions {
            format: Format::guess(&document.to_string_lossy()),
            language: None,
        };
        let doc = Annotated {
            text: &text,
            gold: &gold,
            rejected: &rejected,
            complete: false,
        };
        stats.documents += 1;
        stats.annotations += gold.len();
        stats.updates += learn_document(extractor, &mut model, &doc, &options, config);
    }
    Ok((model, stats))
}

/// Labelled byte ranges of a document.
pub type Spans = Vec<(TextRange, Label)>;

/// What a document's annotations teach: its entities whose labels map to nomen's (outermost
/// ones; a discontinuous entity from its first start to its last end), and the places of its
/// rejected suggestions (each occurrence of the form, as a whole word, that no entity
/// overlaps). Pure: what the server learns on save from the annotations it holds.
pub fn spans(
    text: &str,
    ann: &AnnDoc,
    labels: &LabelMap,
    rejected: &[(&str, Label)],
) -> (Spans, Spans) {
    let mut all: Vec<(TextRange, Label)> = ann
        .entities()
        .filter_map(|e| {
            let label = labels.to_nomen(&e.label)?;
            let (first, last) = (e.spans.first()?, e.spans.last()?);
            Some((TextRange::new(first.start(), last.end()), label))
        })
        .collect();
    all.sort_by_key(|(r, _)| (r.start(), std::cmp::Reverse(r.end())));
    let mut gold: Vec<(TextRange, Label)> = Vec::with_capacity(all.len());
    for (range, label) in all {
        match gold.last() {
            Some((outer, _)) if outer.contains_range(range) || outer.end() > range.start() => {}
            _ => gold.push((range, label)),
        }
    }
    let mut negative = Vec::new();
    for &(form, label) in rejected {
        if form.is_empty() {
            continue;
        }
        for (at, _) in text.match_indices(form) {
            let range = TextRange::at((at as u32).into(), TextSize::of(form));
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            let whole = !word(text[..at].chars().next_back())
                && !word(text[at + form.len()..].chars().next());
            let annotated = ann.overlapping(range).next().is_some();
            if whole && !annotated {
                negative.push((range, label));
            }
        }
    }
    negative.sort_by_key(|&(r, l)| (r.start(), r.end(), l));
    (gold, negative)
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
    fn annotations_and_rejections_become_spans() {
        let text = "Le Grand Large et l'Université de Kerbaliou. Grand Larger, Grand Large.";
        let ann = "T1\tOrganization 20 43\tUniversité de Kerbaliou\n\
                   T2\tLocation 34 43\tKerbaliou\nT3\tDate 0 2\tLe\n\
                   T4\tLocation 59 70\tGrand Large\n";
        let doc = AnnDoc::parse(ann, text);
        let (gold, rejected) = spans(
            text,
            &doc,
            &LabelMap::default(),
            &[("Grand Large", Label::Org)],
        );
        let show = |spans: &[(TextRange, Label)]| -> Vec<String> {
            spans
                .iter()
                .map(|&(r, l)| format!("{} {}", &text[r], l.tag()))
                .collect()
        };
        // The nested place and the date are not learnt; the rejected form is negative
        // evidence where it is a whole word that no annotation overlaps.
        assert_eq!(
            show(&gold),
            ["Université de Kerbaliou ORG", "Grand Large LOC"]
        );
        assert_eq!(show(&rejected), ["Grand Large ORG"]);
        assert_eq!(rejected[0].0.start(), 3.into());
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
