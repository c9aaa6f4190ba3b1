//! Open documents and the worker that keeps each one's analysis up to date.
//!
//! A handler applies a `didChange` to the rope at once, under the document's lock and before
//! any `.await`, and queues the edits for the worker. The worker (one task per document) plans
//! under the lock, extracts on a blocking thread with no lock held, installs under the lock,
//! then publishes diagnostics once the text has rested for the debounce delay. Readers wait
//! (asynchronously) for the analysis of the current version, then read a [`Snapshot`] of it
//! on the blocking pool with no lock held.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tower_lsp_server::ls_types::Uri;

use super::{Shared, to_proto};
use crate::analysis::{Batch, Cancel, DocOptions, DocumentAnalysis};
use crate::text::{Edit, Text};

mod worker;
#[cfg(test)]
pub(crate) use worker::PUBLISH_PAUSE;
pub(crate) use worker::worker;

pub(crate) struct DocState {
    pub(crate) text: Text,
    pub(crate) version: i32,
    pub(crate) analysis: DocumentAnalysis,
    /// The version the analysis is complete for, if any.
    pub(crate) ready_version: Option<i32>,
    /// Edits applied to `text` that the analysis has not seen yet.
    pending: Vec<Edit>,
    /// The options the analysis should have: when they differ from its own, the worker starts
    /// it over with them.
    options: DocOptions,
    /// A knowledge base for the worker to put in force.
    knowledge: Option<Arc<crate::kb::KnowledgeBase>>,
    /// The generation of the extractor the analysis's results were found with (see
    /// `learning::InForce`): when another is in force, the analysis starts over.
    model: u64,
    phase: Phase,
    /// The brat annotations of the `.ann` beside the document, shifted with every edit.
    pub(crate) annotations: super::annotations::Slot,
    /// A `didChange` came out of order and was dropped: the text is wrong from then on, so no
    /// diagnostics are shown until the document is reopened.
    out_of_sync: bool,
}

/// Where a document is in its life; the worker reads it to decide what to do next. Handlers
/// only ask (set the options, a knowledge base, close): the worker alone changes the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Analysed as it changes.
    Live,
    /// The analysis must start over: a step of it failed.
    Restart,
    /// Over the size cap: nothing is extracted until it shrinks, and then it starts over.
    Oversize,
    /// Closed: the worker stops, and nothing is published for it any more.
    Closed,
}

impl DocState {
    /// The options the document is (to be) analysed with.
    pub(crate) fn options(&self) -> &DocOptions {
        &self.options
    }

    pub(crate) fn is_ready(&self) -> bool {
        self.ready_version == Some(self.version)
    }

    /// After a failed step: the analysis starts over, unless the document is closed.
    fn restart(&mut self) {
        if self.phase == Phase::Live {
            self.phase = Phase::Restart;
        }
    }
}

/// What a request reads: the document when its analysis covered its version, shared rather
/// than copied (a rope clone and a few `Arc`s), so that it is read on the blocking pool with no
/// lock held. It has the fields of [`DocState`] that requests read, under the same names; a
/// field requests need is added to both, and copied in [`DocHandle::snapshot_of`].
pub(crate) struct Snapshot {
    pub(crate) text: Text,
    pub(crate) version: i32,
    /// Its passes over the blocks stop once the snapshot is no longer current.
    pub(crate) analysis: DocumentAnalysis,
    /// The annotations, shared: an edit copies them only while a snapshot holds them.
    pub(crate) annotations: super::annotations::Slot,
    currency: Currency,
}

impl Snapshot {
    /// Whether an answer from this snapshot is still wanted: no edit (nor new options, a new
    /// knowledge base, a close) has come since it was taken, and its request is still awaited.
    pub(crate) fn is_current(&self) -> bool {
        self.currency.holds()
    }
}

/// The change count seen when a snapshot or a batch was taken, and its requester's flag.
#[derive(Clone)]
struct Currency {
    changes: Arc<AtomicU64>,
    seen: u64,
    stop: Arc<AtomicBool>,
}

impl Currency {
    fn holds(&self) -> bool {
        !self.stop.load(Ordering::SeqCst) && self.changes.load(Ordering::SeqCst) == self.seen
    }
}

/// Called before each block that work on a snapshot visits: tests count the blocks visited
/// and hold the work at one of them.
#[cfg(test)]
pub(crate) type Probe = Arc<dyn Fn() + Send + Sync>;

pub(crate) struct DocHandle {
    pub(crate) uri: Uri,
    state: Mutex<DocState>,
    wake: Notify,
    ready: watch::Sender<Option<i32>>,
    /// Held from the snapshot of what is published to the end of its sending, so that a close
    /// cannot send its empty list between the two and be overtaken by stale diagnostics.
    publishing: tokio::sync::Mutex<()>,
    /// Counts the changes that make work on an older state obsolete: edits, new options, a
    /// new knowledge base, the close. Bumped under the lock; batches and snapshots taken before
    /// stop at their next block.
    changes: Arc<AtomicU64>,
    #[cfg(test)]
    pub(crate) probe: Mutex<Option<Probe>>,
}

/// What became of a `didChange`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Applied,
    /// Out of order: dropped; `first` for the first such change of the document.
    Dropped {
        current: i32,
        first: bool,
    },
}

impl DocHandle {
    pub(crate) fn new(uri: Uri, text: &str, version: i32, options: DocOptions) -> DocHandle {
        let state = DocState {
            text: Text::new(text),
            version,
            analysis: DocumentAnalysis::new(options.clone()),
            ready_version: None,
            pending: Vec::new(),
            options,
            knowledge: None,
            model: 0,
            phase: Phase::Live,
            annotations: super::annotations::Slot::for_uri(&uri),
            out_of_sync: false,
        };
        DocHandle {
            uri,
            state: Mutex::new(state),
            wake: Notify::new(),
            ready: watch::Sender::new(None),
            publishing: tokio::sync::Mutex::new(()),
            changes: Arc::default(),
            #[cfg(test)]
            probe: Mutex::new(None),
        }
    }

    /// Marks work on the state before this change obsolete. Called with the lock held.
    fn changed(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
    }

    /// Under the lock: the document as it is, for work that stops once a change comes or
    /// `stop` is set.
    fn currency(&self, stop: &Arc<AtomicBool>) -> Currency {
        Currency {
            changes: self.changes.clone(),
            seen: self.changes.load(Ordering::SeqCst),
            stop: stop.clone(),
        }
    }

    /// Under the lock: a snapshot of `st` (see [`Snapshot`]).
    fn snapshot_of(&self, st: &DocState, stop: &Arc<AtomicBool>) -> Snapshot {
        let currency = self.currency(stop);
        let check = currency.clone();
        #[cfg(test)]
        let probe = self.probe.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let cancel = Cancel::new(move || {
            #[cfg(test)]
            if let Some(probe) = &probe {
                probe();
            }
            !check.holds()
        });
        Snapshot {
            text: st.text.clone(),
            version: st.version,
            analysis: st.analysis.snapshot(cancel),
            annotations: st.annotations.clone(),
            currency,
        }
    }

    /// The state, even if a panic poisoned the lock: every step leaves it consistent or marks
    /// it for a reset.
    pub(crate) fn lock(&self) -> MutexGuard<'_, DocState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies the edits of one `didChange`, in order. Synchronous, so that concurrent handlers
    /// cannot interleave two changes.
    pub(crate) fn change(&self, version: i32, edits: impl FnOnce(&Text) -> Vec<Edit>) -> Change {
        let mut st = self.lock();
        if version <= st.version {
            tracing::warn!(
                uri = self.uri.as_str(),
                version,
                current = st.version,
                "dropping an out-of-order didChange: the text is wrong until the document is reopened"
            );
            let first = !st.out_of_sync;
            st.out_of_sync = true;
            // Diagnostics found before it are not to be published now.
            self.changed();
            let current = st.version;
            drop(st);
            // The worker publishes the empty list that takes back the diagnostics shown.
            self.wake.notify_one();
            return Change::Dropped { current, first };
        }
        let edits = edits(&st.text);
        for edit in edits {
            // The analysis follows the edit as the rope applied it, clamped.
            let range = st.text.apply(&edit);
            // So do the annotations, here, so that no reader sees the text without them.
            st.annotations
                .edited(range, crate::text::TextSize::of(&edit.insert));
            st.pending.push(Edit {
                range,
                insert: edit.insert,
            });
        }
        st.version = version;
        self.changed();
        drop(st);
        self.wake.notify_one();
        Change::Applied
    }

    /// Asks the worker to start the analysis over with new options; requests wait for it.
    pub(crate) fn reset(&self, options: DocOptions) {
        let mut st = self.lock();
        st.options = options;
        st.ready_version = None;
        self.changed();
        drop(st);
        self.wake.notify_one();
    }

    /// The options the document is (to be) analysed with.
    pub(crate) fn options(&self) -> DocOptions {
        self.lock().options.clone()
    }

    /// Asks the worker to bring the analysis up to date.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves through a new knowledge base, whose names are marked: the worker puts it in
    /// force, extracts the blocks again and republishes, and requests wait for it as after an
    /// edit.
    pub(crate) fn set_knowledge(&self, knowledge: Arc<crate::kb::KnowledgeBase>) {
        let mut st = self.lock();
        st.knowledge = Some(knowledge);
        st.ready_version = None;
        self.changed();
        drop(st);
        self.wake.notify_one();
    }

    /// Another extractor is in force (the workspace model changed): the worker extracts every
    /// block again with it and republishes, and requests wait for it as after an edit. Work
    /// begun with the older one stops at its next block, and what it found is not kept.
    pub(crate) fn model_changed(&self) {
        let mut st = self.lock();
        st.ready_version = None;
        self.changed();
        drop(st);
        self.wake.notify_one();
    }

    /// Marks the document closed: the worker stops, and the requests waiting for its analysis
    /// are woken and answer nothing.
    pub(crate) fn close(&self) {
        let mut st = self.lock();
        st.phase = Phase::Closed;
        self.changed();
        drop(st);
        self.wake.notify_one();
        self.ready.send_modify(|_| {});
    }

    /// Closes the document and takes its diagnostics back: after any publication in progress,
    /// and with nothing published after it.
    pub(crate) async fn close_and_clear(&self, shared: &Shared) {
        let _publishing = self.publishing.lock().await;
        self.close();
        shared
            .client
            .publish_diagnostics(self.uri.clone(), Vec::new(), None)
            .await;
    }

    /// Waits until the analysis covers the current version (or `timeout` passes), then runs `f`
    /// on the state under the lock, to change it (the annotations; the analysis is the
    /// worker's). The worker is woken afterwards, so that what changed is published. A document
    /// over the size cap, which is never analysed, is taken once its annotations are in, so
    /// that its annotations are still edited and saved.
    pub(crate) async fn when_annotations_mut<T>(
        &self,
        timeout: Duration,
        f: impl FnOnce(&mut DocState) -> T,
    ) -> Option<T> {
        let mut ready = self.ready.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            {
                let mut st = self.lock();
                let oversize_taken = st.phase == Phase::Oversize && !st.annotations.is_loading();
                if st.is_ready() || oversize_taken {
                    let out = f(&mut st);
                    drop(st);
                    self.wake.notify_one();
                    return Some(out);
                }
                if matches!(st.phase, Phase::Closed | Phase::Oversize) {
                    return None;
                }
            }
            if tokio::time::timeout_at(deadline, ready.changed())
                .await
                .is_err()
            {
                return None;
            }
        }
    }

    /// Waits until the analysis covers the current version (or `deadline` passes), then takes
    /// a snapshot of it, whose work stops once the document changes or `stop` is set.
    pub(crate) async fn snapshot(
        &self,
        deadline: tokio::time::Instant,
        stop: &Arc<AtomicBool>,
    ) -> Option<Snapshot> {
        let mut ready = self.ready.subscribe();
        loop {
            {
                let st = self.lock();
                if st.is_ready() {
                    return Some(self.snapshot_of(&st, stop));
                }
                if matches!(st.phase, Phase::Closed | Phase::Oversize) {
                    return None;
                }
            }
            if tokio::time::timeout_at(deadline, ready.changed())
                .await
                .is_err()
            {
                tracing::warn!(
                    uri = self.uri.as_str(),
                    "analysis not ready in time; answering nothing"
                );
                return None;
            }
        }
    }
}
