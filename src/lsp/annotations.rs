//! brat annotations in the server: the `.ann` beside an open `NAME.txt`/`NAME.md`, read when
//! the document opens (on the blocking pool), kept in the document's state and shifted with
//! every edit under its lock, shown as diagnostics, tokens and hovers, and written back when
//! the document is saved (through `workspace/applyEdit` when the `.ann` is open in the
//! editor, else atomically on disk). Commands and code actions are in `annotate.rs`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashSet;
use tower_lsp_server::ls_types::{self as lsp, Uri};

mod open_files;
mod show;

pub(crate) use open_files::{changed, closed, is_ann_uri, opened, write};
pub(crate) use show::{cover, diagnostics, highlights, hover};

use super::documents::DocHandle;
use super::{Shared, to_proto};
use crate::analysis::Coverage;
use crate::annotate::{AnnDoc, LabelMap};
use crate::extract::Label;
use crate::files::annotations as files;
use crate::files::learned;
use crate::text::{Text, TextRange, TextSize};

/// The annotations of an open document, as far as they are known.
#[derive(Clone)]
pub(crate) enum Slot {
    /// A document that cannot have a `.ann` (untitled, or not `.txt`/`.md`).
    None,
    /// Its `.ann` is being read: the edits made meanwhile, to replay on what is read.
    Loading(Vec<(TextRange, TextSize)>),
    /// Shared with the snapshots requests read: changed through `Arc::make_mut`.
    Ready(std::sync::Arc<Annotated>),
}

/// A document's annotations and what goes with them.
#[derive(Clone)]
pub(crate) struct Annotated {
    /// The `.ann` file.
    pub(crate) path: PathBuf,
    pub(crate) doc: AnnDoc,
    /// The `.ann` exists (it did at open, or nomen wrote it): the document is annotated.
    exists: bool,
    labels: LabelMap,
    /// The suggestions the annotator rejected in this document: form and nomen's tag.
    pub(crate) rejected: FxHashSet<(String, String)>,
    /// The `.ann` as last read or written: a save that would write the same writes nothing.
    saved: Option<String>,
    /// A save rendered the annotations but could not write them: the next save tries again.
    unsaved: bool,
    /// The `.ann` exists but could not be read (not UTF-8, too large, ...): nomen never writes
    /// over it, since what it holds would be lost.
    unreadable: bool,
}

impl Annotated {
    /// Whether the document is shown as annotated: it has a `.ann`, or will at the next save.
    pub(crate) fn is_annotated(&self) -> bool {
        self.exists || !self.doc.is_empty() || self.doc.is_dirty()
    }

    /// The text the annotations cover, for [`Annotated::hides`].
    pub(crate) fn coverage(&self) -> Coverage {
        Coverage::new(self.doc.entities().flat_map(|e| e.spans.iter().copied()))
    }

    /// Whether a mention is not to be suggested: an annotation overlaps it (`covered` is
    /// [`Annotated::coverage`]), or it was rejected.
    pub(crate) fn hides(
        &self,
        covered: &Coverage,
        range: TextRange,
        form: &str,
        label: Label,
    ) -> bool {
        covered.overlaps(range)
            || self
                .rejected
                .contains(&(form.to_string(), label.tag().to_string()))
    }

    /// nomen's label for one of the file's labels (another kind of name when unknown).
    pub(crate) fn nomen_label(&self, label: &str) -> Label {
        self.labels.to_nomen(label).unwrap_or(Label::Misc)
    }

    /// The file's label for one of nomen's (see `LabelMap::file_label`).
    pub(crate) fn file_label(&self, label: Label) -> String {
        self.labels.file_label(label, &self.doc)
    }

    /// What saving the document teaches the workspace model: the annotations with nomen's
    /// labels, and where the rejected suggestions stand in `text` (see `files::learned::spans`).
    pub(crate) fn teaches(&self, text: &str) -> (learned::Spans, learned::Spans) {
        let rejected: Vec<(&str, Label)> = self
            .rejected
            .iter()
            .filter_map(|(form, tag)| Some((form.as_str(), Label::from_tag(tag)?)))
            .collect();
        learned::spans(text, &self.doc, &self.labels, &rejected)
    }

    /// The labels to offer: the file's name of each of nomen's, then the others it uses.
    pub(crate) fn labels(&self) -> Vec<String> {
        let mut out: Vec<String> = Label::ALL.iter().map(|&l| self.file_label(l)).collect();
        for e in self.doc.entities() {
            if !out.contains(&e.label) {
                out.push(e.label.clone());
            }
        }
        out
    }
}

impl Slot {
    /// The slot of a document opened at `uri`: loading when it may have a `.ann`.
    pub(crate) fn for_uri(uri: &Uri) -> Slot {
        match sidecar_of(uri) {
            Some(_) => Slot::Loading(Vec::new()),
            None => Slot::None,
        }
    }

    pub(crate) fn is_loading(&self) -> bool {
        matches!(self, Slot::Loading(_))
    }

    pub(crate) fn ready(&self) -> Option<&Annotated> {
        match self {
            Slot::Ready(a) => Some(a),
            _ => None,
        }
    }

    pub(crate) fn ready_mut(&mut self) -> Option<&mut Annotated> {
        match self {
            Slot::Ready(a) => Some(std::sync::Arc::make_mut(a)),
            _ => None,
        }
    }

    /// The annotations, if the document is annotated.
    pub(crate) fn annotated(&self) -> Option<&Annotated> {
        self.ready().filter(|a| a.is_annotated())
    }

    /// Follows one edit the rope applied: `range` (before the edit, clamped) was replaced by
    /// `insert_len` bytes. Called under the document's lock, in order.
    pub(crate) fn edited(&mut self, range: TextRange, insert_len: TextSize) {
        match self {
            Slot::None => {}
            Slot::Loading(edits) => edits.push((range, insert_len)),
            Slot::Ready(a) => std::sync::Arc::make_mut(a)
                .doc
                .apply_edit(range, insert_len),
        }
    }
}

pub(crate) fn whole_text(text: &Text) -> String {
    text.slice(TextRange::up_to(text.len())).into_owned()
}

/// The `.ann` beside the document at `uri`, if it can have one.
pub(crate) fn sidecar_of(uri: &Uri) -> Option<PathBuf> {
    let path = uri.to_file_path()?;
    files::sidecar(&path)
}

/// What is read from disk when a document opens.
struct Read {
    ann: Option<String>,
    unreadable: bool,
    labels: LabelMap,
    rejected: Vec<(String, String)>,
    warnings: Vec<String>,
}

/// Reads the `.ann` of a document, its label map and its rejected suggestions. Blocking.
/// What cannot be read is said (a warning) and taken as absent.
fn read(document: &Path, ann: &Path) -> Read {
    let mut warnings = Vec::new();
    let mut unreadable = false;
    let text = files::read_ann(ann).unwrap_or_else(|e| {
        warnings.push(format!(
            "{e:#}; its annotations are not shown and it is never written"
        ));
        unreadable = true;
        None
    });
    let folder = files::workspace_of(document);
    let key = files::document_key(&folder, document);
    let rejected = match files::load_rejections(&folder) {
        Ok(all) => all
            .of(&key)
            .map(|r| (r.form.clone(), r.label.clone()))
            .collect(),
        Err(e) => {
            warnings.push(format!("{e:#}"));
            Vec::new()
        }
    };
    let labels = match files::labels_for(document) {
        Ok(labels) => labels,
        Err(files::LabelsProblem::Unreadable(e)) => {
            warnings.push(format!("{e:#}; the default label names are used"));
            LabelMap::default()
        }
        Err(files::LabelsProblem::Invalid { file, errors, .. }) => {
            let first = errors.first().map(|e| e.message.as_str()).unwrap_or("");
            warnings.push(format!(
                "{}: {} error(s) ({first}); the default label names are used",
                file.display(),
                errors.len()
            ));
            LabelMap::default()
        }
    };
    Read {
        ann: text,
        unreadable,
        labels,
        rejected,
        warnings,
    }
}

/// Reads and parses the `.ann` of a document just opened with `text`, re-anchors it against
/// that text (the document may have changed outside nomen), replays the edits made since, and
/// puts it in the document's state; then publishes the `.ann`'s problems.
pub(crate) async fn load(shared: &Arc<Shared>, doc: &Arc<DocHandle>, text: String) {
    let (Some(ann_path), Some(document)) = (
        sidecar_of(&doc.uri),
        doc.uri.to_file_path().map(|p| p.into_owned()),
    ) else {
        return;
    };
    let path = ann_path.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let read = read(&document, &path);
        let mut ann = match &read.ann {
            Some(ann) => AnnDoc::parse(ann, &text),
            None => AnnDoc::empty(),
        };
        ann.reanchor(&text);
        (read, ann)
    })
    .await;
    let (read, ann) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            tracing::error!("reading {} failed: {e}", ann_path.display());
            let read = Read {
                ann: None,
                unreadable: true,
                labels: LabelMap::default(),
                rejected: Vec::new(),
                warnings: vec![format!("{}: could not be read", ann_path.display())],
            };
            (read, AnnDoc::empty())
        }
    };
    for warning in &read.warnings {
        shared
            .client
            .show_message(lsp::MessageType::WARNING, format!("nomen: {warning}"))
            .await;
    }
    let problems = install(doc, ann_path.clone(), read, ann);
    publish_problems(shared, &ann_path, problems).await;
    doc.wake();
}

/// Puts what was read in the document's state, with the edits made since replayed; the
/// `.ann`'s problems.
fn install(doc: &DocHandle, path: PathBuf, read: Read, mut ann: AnnDoc) -> Vec<(u32, String)> {
    let mut st = doc.lock();
    let exists = read.ann.is_some();
    if let Slot::Loading(edits) = &st.annotations {
        for (range, insert_len) in edits {
            ann.apply_edit(*range, *insert_len);
        }
    }
    let problems = problems_of(&ann);
    st.annotations = Slot::Ready(std::sync::Arc::new(Annotated {
        path,
        doc: ann,
        exists,
        labels: read.labels,
        rejected: read.rejected.into_iter().collect(),
        saved: read.ann,
        unsaved: false,
        unreadable: read.unreadable,
    }));
    problems
}

fn problems_of(ann: &AnnDoc) -> Vec<(u32, String)> {
    ann.problems()
        .iter()
        .map(|p| (p.line, p.message.clone()))
        .collect()
}

/// Publishes the problems of a `.ann` (lines that do not parse, annotations that could not be
/// re-anchored) as diagnostics in that file; an empty list takes them back.
pub(crate) async fn publish_problems(shared: &Shared, path: &Path, problems: Vec<(u32, String)>) {
    let Some(uri) = Uri::from_file_path(path) else {
        return;
    };
    let diagnostics = problems
        .into_iter()
        .map(|(line, message)| to_proto::line_diagnostic(line, "annotation-file", message))
        .collect();
    shared
        .client
        .publish_diagnostics(uri, diagnostics, None)
        .await;
}

/// Writes a document's annotations when it is saved: nothing when they are as on disk. The
/// `.ann` is rendered and the annotations taken as saved in one step under the lock, so that
/// an edit that comes during the write counts for the next save.
pub(crate) async fn save(shared: &Arc<Shared>, doc: &Arc<DocHandle>) {
    let _one_at_a_time = shared.annotation_writes.lock().await;
    let rendered = doc
        .when_annotations_mut(super::READY_TIMEOUT, |st| {
            let text = whole_text(&st.text);
            let a = st.annotations.ready_mut()?;
            if (!a.doc.is_dirty() && !a.unsaved) || a.unreadable {
                return None;
            }
            let new = a.doc.render(&text);
            // As `AnnDoc::mark_saved` does, without rendering twice.
            a.doc = AnnDoc::parse(&new, &text);
            if a.saved.as_deref() == Some(new.as_str()) {
                a.unsaved = false;
                return None;
            }
            a.unsaved = true;
            Some((a.path.clone(), a.saved.clone(), new, problems_of(&a.doc)))
        })
        .await
        .flatten();
    let Some((path, base, new, problems)) = rendered else {
        return;
    };
    match write(shared, &path, base.as_deref(), &new).await {
        Err(e) => {
            let message = format!("nomen: the annotations were not saved: {e}");
            shared
                .client
                .show_message(lsp::MessageType::ERROR, message)
                .await;
            return;
        }
        Ok(0) => {}
        Ok(dropped) => {
            let message = format!(
                "nomen: {} was edited elsewhere, and {dropped} of nomen's new lines were left out of it: their ids were given to other lines there",
                path.display()
            );
            shared
                .client
                .show_message(lsp::MessageType::WARNING, message)
                .await;
        }
    }
    if let Some(a) = doc.lock().annotations.ready_mut() {
        a.exists = true;
        a.unsaved = false;
        a.saved = Some(new);
    }
    publish_problems(shared, &path, problems).await;
}

/// A `.ann` changed on disk (the client's watcher says so, or the user saved it in the
/// editor: `saved_in_editor`): the open document it belongs to takes it, re-anchored to its
/// text, unless nomen holds changes of its own not yet saved (they are kept, and the next save
/// merges them into the file: the user is told) or the `.ann` is open in the editor and was not just saved
/// there (its buffer is the truth, until it is saved). nomen's own writes come back the same
/// as what it holds and change nothing.
pub(crate) async fn changed_on_disk(shared: &Arc<Shared>, path: &Path, saved_in_editor: bool) {
    let doc = shared
        .all_docs()
        .into_iter()
        .find(|d| sidecar_of(&d.uri).as_deref() == Some(path));
    let Some(doc) = doc else {
        return;
    };
    if !saved_in_editor
        && Uri::from_file_path(path).is_some_and(|u| open_files::is_open(shared, &u))
    {
        return;
    }
    let owned = path.to_path_buf();
    let new = match tokio::task::spawn_blocking(move || files::read_ann(&owned)).await {
        Ok(Ok(new)) => new,
        Ok(Err(e)) => {
            let message = format!("nomen: {e:#}; the annotations in memory are kept");
            shared
                .client
                .show_message(lsp::MessageType::WARNING, message)
                .await;
            return;
        }
        Err(_) => return,
    };
    // Parsed off the lock against a snapshot of the text; put in only if no edit came since.
    for _ in 0..3 {
        // `None`: nothing to take; `Some(Err)`: nomen's own changes come first.
        let snapshot = {
            let st = doc.lock();
            match st.annotations.ready() {
                None => None,
                Some(a) if a.saved == new => None,
                Some(a) if a.doc.is_dirty() || a.unsaved => Some(Err(())),
                Some(_) => Some(Ok((st.text.clone(), st.version))),
            }
        };
        let (text, version) = match snapshot {
            None => return,
            Some(Ok(snapshot)) => snapshot,
            Some(Err(())) => {
                let message = format!(
                    "nomen: {} changed on disk, but its document has annotation changes not saved yet: they are kept, and saving the document merges them into it",
                    path.display()
                );
                shared
                    .client
                    .show_message(lsp::MessageType::WARNING, message)
                    .await;
                return;
            }
        };
        let ann = new.clone();
        let parsed = tokio::task::spawn_blocking(move || {
            let text = whole_text(&text);
            let mut doc = match &ann {
                Some(ann) => AnnDoc::parse(ann, &text),
                None => AnnDoc::empty(),
            };
            doc.reanchor(&text);
            doc
        })
        .await;
        let Ok(parsed) = parsed else {
            return;
        };
        let problems = {
            let mut st = doc.lock();
            if st.version != version {
                continue;
            }
            let Some(a) = st.annotations.ready_mut() else {
                return;
            };
            a.doc = parsed;
            a.exists = new.is_some();
            a.unreadable = false;
            a.saved = new;
            problems_of(&a.doc)
        };
        publish_problems(shared, path, problems).await;
        doc.wake();
        return;
    }
}
