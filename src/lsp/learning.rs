//! The workspace model in the server: what the first workspace folder's `.nomen/model.delta`
//! holds, loaded at start-up (learnt again from the `.ann` files when it was learnt over
//! another shipped model), taught by each save of an annotated document, and reset by
//! `nomen.model.reset`. The extractor in force is the shipped one plus that delta; each swap
//! bumps a generation, and every open document extracts its blocks again with the new one.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use serde_json::Value;
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::{MessageType, Uri};

use super::documents::DocHandle;
use super::{Shared, extractor};
use crate::analysis::{Annotated, DocOptions, learn_document};
use crate::files::learned::{self, Loaded};
use crate::pipeline::{Extractor, WorkspaceModel};
use crate::tagger::LearnConfig;
use crate::text::Text;

/// The command that forgets what the workspace learnt.
pub(crate) const RESET: &str = "nomen.model.reset";

/// The extractor in force and the workspace model behind it.
#[derive(Default)]
pub(crate) struct Learning {
    /// The generation (counts the swaps) and the learnt extractor; `None`: the shipped one.
    in_force: RwLock<(u64, Option<Arc<Extractor>>)>,
    /// The workspace model, once read (`None` before): held while it is learnt, saved or
    /// reset, so that those happen one at a time and in order.
    model: tokio::sync::Mutex<Option<WorkspaceModel>>,
    /// The saves waiting to be learnt, in order (the task that learns them starts with the
    /// first).
    queue: OnceLock<mpsc::UnboundedSender<Lesson>>,
}

/// The extractors a piece of work runs with, and the generation they belong to.
#[derive(Clone)]
pub(crate) struct InForce {
    pub(crate) generation: u64,
    base: Arc<OnceLock<Extractor>>,
    learned: Option<Arc<Extractor>>,
    /// The folder the workspace model belongs to (the first workspace folder).
    folder: Option<PathBuf>,
}

impl InForce {
    /// The extractor for the file at `path` (`None`: a document that is not a file): the
    /// workspace model's under its folder, the shipped one for the files of other workspace
    /// folders, which that model did not learn from. The shipped one is built on first use:
    /// call this on the blocking pool.
    pub(crate) fn for_path(&self, path: Option<&Path>) -> &Extractor {
        let outside = match (path, &self.folder) {
            (Some(path), Some(folder)) => !path.starts_with(folder),
            _ => false,
        };
        match &self.learned {
            Some(learned) if !outside => learned,
            _ => extractor(&self.base),
        }
    }
}

impl Shared {
    /// The extractor in force now.
    pub(crate) fn in_force(&self) -> InForce {
        let (generation, learned) = self
            .learning
            .in_force
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        InForce {
            generation,
            base: self.extractor.clone(),
            learned,
            folder: folder(self),
        }
    }
}

/// The folder whose `.nomen/` holds the workspace model: the first workspace folder.
fn folder(shared: &Shared) -> Option<PathBuf> {
    shared
        .roots
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .first()
        .cloned()
}

/// Reads the workspace model (blocking): the file, or the `.ann` files when it is stale (then
/// saved again). What cannot be read is logged, and the workspace starts from nothing.
fn read(folder: &std::path::Path, base: &Extractor) -> WorkspaceModel {
    match learned::load(folder, base) {
        Ok(Loaded::Ready(model)) => model,
        Ok(Loaded::Missing) => WorkspaceModel::default(),
        Ok(Loaded::Stale) => {
            let report = |e: &anyhow::Error| tracing::warn!("learning the workspace model: {e:#}");
            match learned::rebuild(folder, base, LearnConfig::default(), report) {
                Ok((model, stats)) => {
                    tracing::info!(
                        "the workspace model was learnt again from {} documents",
                        stats.documents
                    );
                    if let Err(e) = learned::save(folder, &model) {
                        tracing::warn!("{e:#}");
                    }
                    model
                }
                Err(e) => {
                    tracing::warn!("{e:#}");
                    WorkspaceModel::default()
                }
            }
        }
        Err(e) => {
            tracing::warn!("{e:#}; the shipped model is used");
            WorkspaceModel::default()
        }
    }
}

/// The extractor for `model`: `None` (the shipped one) when it learnt nothing.
fn extractor_for(base: &Extractor, model: &WorkspaceModel) -> Option<Arc<Extractor>> {
    (!model.is_empty()).then(|| Arc::new(base.clone().with_workspace_model(model)))
}

/// Reads the workspace model, if not yet read, and puts it in force. Called at start-up.
pub(crate) async fn load(shared: &Arc<Shared>) {
    let mut model = shared.learning.model.lock().await;
    if model.is_some() {
        return;
    }
    let Some(folder) = folder(shared) else {
        *model = Some(WorkspaceModel::default());
        return;
    };
    let base = shared.extractor.clone();
    let read = tokio::task::spawn_blocking(move || {
        let base = extractor(&base);
        let model = read(&folder, base);
        let learned = extractor_for(base, &model);
        (model, learned)
    })
    .await;
    match read {
        Ok((read, learned)) => {
            *model = Some(read);
            if learned.is_some() {
                put_in_force(shared, learned);
            }
        }
        Err(e) => {
            tracing::error!("reading the workspace model failed: {e}");
            *model = Some(WorkspaceModel::default());
        }
    }
}

/// Puts `learned` (or the shipped extractor) in force: a new generation, and every open
/// document extracts its blocks again with it; the workspace is indexed again.
fn put_in_force(shared: &Arc<Shared>, learned: Option<Arc<Extractor>>) {
    {
        let mut in_force = shared
            .learning
            .in_force
            .write()
            .unwrap_or_else(|e| e.into_inner());
        in_force.0 += 1;
        in_force.1 = learned;
    }
    for doc in shared.all_docs() {
        doc.model_changed();
    }
    tokio::spawn(super::indexer::index_workspace(shared.clone()));
}

/// What a save gives to learn: the document's text and annotations as saved.
struct Lesson {
    uri: Uri,
    text: Text,
    annotations: super::annotations::Slot,
    options: DocOptions,
}

/// After an annotated document under the workspace folder was saved: its annotations (gold
/// spans, and its rejected suggestions as negative evidence) are taken as they are now and
/// queued; one task learns the lessons in the order of the saves ([`learn`]), so the `didSave`
/// handler never waits for learning (nor for a model rebuilt at start-up). Nothing when
/// `learning.onSave` is off.
pub(crate) fn learn_saved(shared: &Arc<Shared>, doc: &Arc<DocHandle>) {
    if !shared.config().learn_on_save {
        return;
    }
    let Some(folder) = folder(shared) else {
        return;
    };
    if !doc
        .uri
        .to_file_path()
        .is_some_and(|p| p.starts_with(&folder))
    {
        return;
    }
    // Shared, not copied, under the lock: the text and the spans are made off it.
    let lesson = {
        let st = doc.lock();
        let annotated = st.annotations.annotated().is_some();
        annotated.then(|| Lesson {
            uri: doc.uri.clone(),
            text: st.text.clone(),
            annotations: st.annotations.clone(),
            options: st.options().clone(),
        })
    };
    let Some(lesson) = lesson else {
        return;
    };
    let queue = shared.learning.queue.get_or_init(|| {
        let (sender, mut lessons) = mpsc::unbounded_channel::<Lesson>();
        // The task holds the server weakly: it ends when the server is gone.
        let weak = Arc::downgrade(shared);
        tokio::spawn(async move {
            while let Some(lesson) = lessons.recv().await {
                let Some(shared) = weak.upgrade() else {
                    return;
                };
                learn(&shared, lesson).await;
            }
        });
        sender
    });
    if queue.send(lesson).is_err() {
        tracing::error!(
            "the learning task is gone; {} is not learnt",
            doc.uri.as_str()
        );
    }
}

/// Learns one lesson into the workspace model on the blocking pool, saves the model and puts
/// the new extractor in force. Nothing changes when learning changed nothing.
async fn learn(shared: &Arc<Shared>, lesson: Lesson) {
    let Some(folder) = folder(shared) else {
        return;
    };
    let Lesson {
        uri,
        text,
        annotations,
        options,
    } = lesson;
    load(shared).await;
    let mut model = shared.learning.model.lock().await;
    let mut learning = model.take().unwrap_or_default();
    let base = shared.extractor.clone();
    let started = std::time::Instant::now();
    let learnt = tokio::task::spawn_blocking(move || {
        let base = extractor(&base);
        let text = super::annotations::whole_text(&text);
        let (gold, rejected) = annotations
            .annotated()
            .map(|a| a.teaches(&text))
            .unwrap_or_default();
        let doc = Annotated {
            text: &text,
            gold: &gold,
            rejected: &rejected,
            complete: false,
        };
        let updates = learn_document(base, &mut learning, &doc, &options, LearnConfig::default());
        if updates == 0 {
            return (learning, None, None);
        }
        let unsaved = learned::save(&folder, &learning).err();
        let learned = extractor_for(base, &learning);
        (learning, Some(learned), unsaved)
    })
    .await;
    match learnt {
        Ok((learning, swap, unsaved)) => {
            *model = Some(learning);
            tracing::info!(
                "learnt {} in {:?} (model changed: {})",
                uri.as_str(),
                started.elapsed(),
                swap.is_some()
            );
            if let Some(learned) = swap {
                put_in_force(shared, learned);
            }
            if let Some(e) = unsaved {
                // In force for this session all the same.
                let message = format!("nomen: the workspace model was not saved: {e:#}");
                shared
                    .client
                    .show_message(MessageType::WARNING, message)
                    .await;
            }
        }
        Err(e) => tracing::error!("learning from {} failed: {e}", uri.as_str()),
    }
}

/// `nomen.model.reset`: removes `.nomen/model.delta` and puts the shipped extractor back in
/// force. Answers whether there was a file to remove.
pub(crate) async fn reset(
    shared: &Arc<Shared>,
) -> tower_lsp_server::jsonrpc::Result<Option<Value>> {
    let mut model = shared.learning.model.lock().await;
    *model = Some(WorkspaceModel::default());
    let removed = match folder(shared) {
        Some(folder) => tokio::task::spawn_blocking(move || learned::remove(&folder))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
            .and_then(|r| r),
        None => Ok(false),
    };
    let learnt = shared
        .learning
        .in_force
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .1
        .is_some();
    if learnt {
        put_in_force(shared, None);
    }
    match removed {
        Ok(removed) => Ok(Some(serde_json::json!({ "removed": removed }))),
        Err(e) => {
            let message = format!("nomen: {e:#}");
            shared
                .client
                .show_message(MessageType::ERROR, message.clone())
                .await;
            Err(tower_lsp_server::jsonrpc::Error {
                message: message.into(),
                ..tower_lsp_server::jsonrpc::Error::internal_error()
            })
        }
    }
}
