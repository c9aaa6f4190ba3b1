//! The worker of one open document: it plans under the document's lock, extracts on a
//! blocking thread with no lock held, installs under the lock, and publishes the diagnostics
//! once the text has rested for the debounce delay.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tower_lsp_server::ls_types::MessageType;

use super::{Batch, Cancel, DocHandle, DocState, Phase, Shared, to_proto};

/// A pause between the snapshot of the diagnostics and their publication, in milliseconds: tests
/// widen that window to show that a close cannot fall into it.
#[cfg(test)]
pub(crate) static PUBLISH_PAUSE: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

enum Step {
    Extract(Batch, super::super::learning::InForce),
    Ready(i32),
    /// Up to date, but the annotations are still being read: not ready yet.
    Waiting,
    Oversize {
        warn: bool,
        len: u64,
    },
    Closed,
}

/// Keeps one document analysed until it is closed.
pub(crate) async fn worker(shared: Arc<Shared>, doc: Arc<DocHandle>) {
    loop {
        doc.wake.notified().await;
        if !analyse(&shared, &doc).await {
            return;
        }
        let debounce = Duration::from_millis(shared.config().debounce_ms);
        tokio::select! {
            _ = tokio::time::sleep(debounce) => publish(&shared, &doc).await,
            _ = doc.wake.notified() => doc.wake.notify_one(),
        }
    }
}

/// Brings the analysis up to date with the text. Returns `false` once the document is closed.
async fn analyse(shared: &Arc<Shared>, doc: &Arc<DocHandle>) -> bool {
    loop {
        let max = shared.config().max_document_bytes;
        let never = Arc::new(AtomicBool::new(false));
        let planned = catch_unwind(AssertUnwindSafe(|| {
            let mut st = doc.lock();
            // Read under the document's lock: a swap after it marks the document changed.
            let in_force = shared.in_force();
            (prepare(&mut st, max, in_force), doc.currency(&never))
        }));
        let (step, currency) = match planned {
            Ok(planned) => planned,
            Err(_) => {
                tracing::error!(
                    uri = doc.uri.as_str(),
                    "planning the analysis panicked; starting over"
                );
                doc.lock().restart();
                continue;
            }
        };
        let (batch, in_force) = match step {
            Step::Closed => return false,
            Step::Ready(version) => {
                doc.ready.send_replace(Some(version));
                return true;
            }
            Step::Waiting => return true,
            Step::Oversize { warn, len } => {
                // Requests waiting for the analysis answer nothing now.
                doc.ready.send_modify(|_| {});
                if warn {
                    let message = format!(
                        "nomen: {} is {len} bytes, over the limit of {max} (setting maxDocumentBytes): names are not extracted",
                        doc.uri.as_str()
                    );
                    shared
                        .client
                        .show_message(MessageType::WARNING, message)
                        .await;
                }
                let _publishing = doc.publishing.lock().await;
                let (version, closed) = {
                    let st = doc.lock();
                    (st.version, st.phase == Phase::Closed)
                };
                if !closed {
                    shared
                        .client
                        .publish_diagnostics(doc.uri.clone(), Vec::new(), Some(version))
                        .await;
                }
                return true;
            }
            Step::Extract(batch, in_force) => (batch, in_force),
        };
        // A change meanwhile (an edit, new options, a new knowledge base, the close) stops the
        // batch at its next block; what it finished is installed, and the rest planned again.
        let cancel = Cancel::new(move || !currency.holds());
        let path = doc.uri.to_file_path().map(|p| p.into_owned());
        let done = tokio::task::spawn_blocking(move || {
            batch.run_until(in_force.for_path(path.as_deref()), &cancel)
        })
        .await;
        let mut st = doc.lock();
        match done {
            Ok(result) => {
                if catch_unwind(AssertUnwindSafe(|| st.analysis.install(result))).is_err() {
                    tracing::error!(
                        uri = doc.uri.as_str(),
                        "installing results panicked; starting over"
                    );
                    st.restart();
                }
            }
            Err(e) => {
                tracing::error!(
                    uri = doc.uri.as_str(),
                    "extraction failed: {e}; starting over"
                );
                st.restart();
            }
        }
    }
}

/// Under the lock: decides what the worker does next.
fn prepare(st: &mut DocState, max_bytes: u64, in_force: super::super::learning::InForce) -> Step {
    if st.phase == Phase::Closed {
        return Step::Closed;
    }
    if let Some(knowledge) = st.knowledge.take() {
        st.analysis.set_knowledge(knowledge);
    }
    if st.model != in_force.generation {
        // The blocks' results, and those kept by their text, came from the older extractor.
        st.model = in_force.generation;
        st.restart();
    }
    let len = u64::from(u32::from(st.text.len()));
    if len > max_bytes {
        st.pending.clear();
        let warn = st.phase != Phase::Oversize;
        st.phase = Phase::Oversize;
        return Step::Oversize { warn, len };
    }
    let new_options = st.analysis.options() != &st.options;
    if new_options || st.phase != Phase::Live {
        st.analysis = st.analysis.restart(st.options.clone());
        st.pending.clear();
        st.phase = Phase::Live;
    }
    let edits = std::mem::take(&mut st.pending);
    let batch = st.analysis.plan(&edits, &st.text);
    if batch.is_empty() && st.analysis.is_ready() {
        if st.annotations.is_loading() {
            // `annotations::load` wakes the worker when they are in.
            return Step::Waiting;
        }
        st.ready_version = Some(st.version);
        return Step::Ready(st.version);
    }
    Step::Extract(batch, in_force)
}

/// Publishes the diagnostics of the current version, if the analysis covers it.
async fn publish(shared: &Arc<Shared>, doc: &Arc<DocHandle>) {
    let settings = shared.config();
    let config = settings.diagnostics();
    let encoding = shared.session().encoding;
    let checks = settings.checks;
    let (annotation_severity, suggestions) = (settings.annotation_severity(), settings.suggestions);
    let _publishing = doc.publishing.lock().await;
    let snapshot = {
        let st = doc.lock();
        let never = Arc::new(AtomicBool::new(false));
        (st.is_ready() && st.phase != Phase::Closed)
            .then(|| (doc.snapshot_of(&st, &never), st.out_of_sync))
    };
    let Some((snapshot, out_of_sync)) = snapshot else {
        return;
    };
    // Found off the lock, on the blocking pool: the checks pass over the whole document.
    let found = tokio::task::spawn_blocking(move || {
        let found = catch_unwind(AssertUnwindSafe(|| {
            if out_of_sync {
                return Vec::new();
            }
            let st = &snapshot;
            // On an annotated document, the annotations and nomen's suggestions replace the
            // mentions.
            let mut diagnostics = match st.annotations.annotated() {
                Some(a) => super::super::annotations::diagnostics(
                    st,
                    a,
                    annotation_severity,
                    suggestions,
                    config.limit,
                ),
                None => st.analysis.diagnostics(&config),
            };
            diagnostics.extend(st.analysis.checks(&st.text, &checks));
            diagnostics
                .iter()
                .map(|d| to_proto::diagnostic(&st.text, d, encoding))
                .collect::<Vec<_>>()
        }));
        (found.ok(), snapshot)
    })
    .await;
    let Ok((Some(diagnostics), snapshot)) = found else {
        return;
    };
    // A change meanwhile cut the checks short or made them stale: the worker publishes again
    // after it.
    if !snapshot.is_current() {
        return;
    }
    let version = snapshot.version;
    #[cfg(test)]
    {
        let pause = PUBLISH_PAUSE.load(std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    shared
        .client
        .publish_diagnostics(doc.uri.clone(), diagnostics, Some(version))
        .await;
}
