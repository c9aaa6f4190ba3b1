//! The language server: the only module that knows the protocol.
//!
//! Handlers are thin: protocol values in, `from_proto`, a call into `analysis`, `to_proto`,
//! protocol values out. Position conversion happens only in `from_proto` and `to_proto`.

mod actions;
mod annotate;
mod annotations;
mod capabilities;
mod config;
mod corrections;
mod documents;
mod from_proto;
mod handlers;
mod indexer;
mod knowledge;
mod learning;
mod navigation;
mod to_proto;
mod transport;

use std::sync::{Arc, Mutex, OnceLock, RwLock};

use rustc_hash::FxHashMap;
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::{Client, LspService, Server};

pub use config::{CLIENT_SETTINGS, Config, EncodingSetting, LanguageSetting, SeveritySetting};
use documents::DocHandle;

use crate::analysis::Markup;
use crate::pipeline::Extractor;
use crate::text::Encoding;

/// What `initialize` settled for the whole session.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Session {
    pub(crate) encoding: Encoding,
    pub(crate) markup: Markup,
    /// The client shows `$/progress` for server-created tokens.
    pub(crate) progress: bool,
    /// The client watches files for the server when asked to (`didChangeWatchedFiles`).
    pub(crate) watch_files: bool,
    /// The client asks for semantic tokens again when told to (`workspace/semanticTokens/refresh`).
    pub(crate) refresh_tokens: bool,
}

/// The state every handler shares.
pub(crate) struct Shared {
    pub(crate) client: Client,
    /// The shipped extractor, built on a blocking thread after start-up so that `initialize`
    /// answers at once. What extracts is [`Shared::in_force`]: this one plus the workspace model.
    pub(crate) extractor: Arc<OnceLock<Extractor>>,
    /// The workspace model and the extractor in force (`learning.rs`).
    learning: learning::Learning,
    config: RwLock<Config>,
    session: OnceLock<Session>,
    docs: Mutex<FxHashMap<Uri, Arc<DocHandle>>>,
    /// The workspace folders, and the entities of the prose files under them.
    roots: Mutex<Vec<std::path::PathBuf>>,
    workspace: RwLock<crate::workspace::WorkspaceIndex>,
    /// Counts the workspace indexing runs started: a run stops when a newer one has begun (the
    /// knowledge base changed), so that its older results never overwrite the newer ones.
    index_runs: std::sync::atomic::AtomicU64,
    knowledge: RwLock<knowledge::Knowledge>,
    /// `shutdown` was received: an `exit` after it is a clean end (exit code 0).
    shut_down: std::sync::atomic::AtomicBool,
    /// Held while a correction reads, edits and writes the knowledge file.
    corrections: tokio::sync::Mutex<()>,
    /// Knowledge files open in the editor, with their text there (saved or not) and version.
    kb_buffers: Mutex<FxHashMap<Uri, (crate::text::Text, i32)>>,
    /// `.ann` files open in the editor, with their text there (saved or not).
    ann_buffers: Mutex<FxHashMap<Uri, crate::text::Text>>,
    /// Held while annotations are written, so that two writes of one `.ann` do not cross.
    annotation_writes: tokio::sync::Mutex<()>,
}

impl Shared {
    /// The knowledge base in force: the workspace's files over the embedded default.
    pub(crate) fn current_knowledge(&self) -> Arc<crate::kb::KnowledgeBase> {
        self.knowledge
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .current()
    }

    pub(crate) fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn session(&self) -> Session {
        *self.session.get_or_init(|| Session {
            encoding: Encoding::Utf16,
            markup: Markup::Markdown,
            progress: false,
            watch_files: false,
            refresh_tokens: false,
        })
    }

    pub(crate) fn doc(&self, uri: &Uri) -> Option<Arc<DocHandle>> {
        self.docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(uri)
            .cloned()
    }

    /// Runs a read-only `f` on a snapshot of the analysis of the current version of `uri`,
    /// once it is ready, on the blocking pool with no lock held; a panic in `f` becomes an error
    /// response. Nothing for a document that is not open.
    ///
    /// An edit that comes while `f` runs stops it at its next block, and `f` runs again on the
    /// newer version: a request never answers from a version it knows to be replaced. When the
    /// client cancels the request, tower-lsp-server drops this future and answers
    /// `RequestCancelled` itself; dropping it stops `f` at its next block too.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        uri: &Uri,
        what: &'static str,
        f: impl Fn(&documents::Snapshot, Session) -> Option<T> + Send + Sync + 'static,
    ) -> tower_lsp_server::jsonrpc::Result<Option<T>> {
        let Some(doc) = self.doc(uri) else {
            return Ok(None);
        };
        let session = self.session();
        let f = Arc::new(f);
        let stop = StopOnDrop::default();
        let deadline = tokio::time::Instant::now() + READY_TIMEOUT;
        loop {
            let Some(snapshot) = doc.snapshot(deadline, &stop.0).await else {
                return Ok(None);
            };
            let f = f.clone();
            let done = tokio::task::spawn_blocking(move || {
                let answer = guarded(what, || f(&snapshot, session));
                snapshot.is_current().then_some(answer)
            })
            .await;
            match done {
                Ok(Some(answer)) => return answer,
                Ok(None) => continue,
                Err(e) => {
                    tracing::error!("{what} failed: {e}");
                    return Err(internal_error(what));
                }
            }
        }
    }

    /// Other workspace files that mention an entity, as paths relative to their workspace folder.
    pub(crate) fn elsewhere(
        &self,
        name: &str,
        this: Option<&std::path::Path>,
    ) -> Vec<(String, u32)> {
        let roots = self.roots.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let index = self.workspace.read().unwrap_or_else(|e| e.into_inner());
        index
            .files_mentioning(name, this)
            .into_iter()
            .map(|(path, n)| {
                let relative = roots
                    .iter()
                    .find_map(|r| path.strip_prefix(r).ok())
                    .unwrap_or(&path);
                (relative.display().to_string(), n)
            })
            .collect()
    }

    pub(crate) fn all_docs(&self) -> Vec<Arc<DocHandle>> {
        self.docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }
}

/// How long a request waits for the analysis of the current text before answering nothing.
#[cfg(not(test))]
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// Long in tests, so that a request left waiting (not woken) shows as one.
#[cfg(test)]
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// How long the server waits for the client to answer one of its requests (registration,
/// progress token, edit): a client that never answers must not hold anything up for ever.
const CLIENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long the server may finish what is in flight (writing the last responses) once the
/// client's stream has ended or `exit` has come; then the process ends whatever is left.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_millis(300);

/// Awaits the client's answer to a request of the server, for at most [`CLIENT_TIMEOUT`];
/// `None` (logged) when it does not come in time.
pub(crate) async fn ask_client<T>(
    what: &str,
    request: impl std::future::Future<Output = T>,
) -> Option<T> {
    match tokio::time::timeout(CLIENT_TIMEOUT, request).await {
        Ok(answer) => Some(answer),
        Err(_) => {
            tracing::warn!("the client did not answer {what} in time");
            None
        }
    }
}

/// Runs a read-only computation, turning a panic into an error response instead of a crash.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> tower_lsp_server::jsonrpc::Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| {
        tracing::error!("{what} panicked");
        internal_error(what)
    })
}

fn internal_error(what: &str) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        message: format!("nomen: internal error while answering {what}").into(),
        ..tower_lsp_server::jsonrpc::Error::internal_error()
    }
}

/// A flag set when it is dropped: the request future that owns it was dropped (cancelled by
/// the client, or the session ended), so the work done for it on the blocking pool stops.
#[derive(Default)]
struct StopOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

pub(crate) fn extractor(cell: &OnceLock<Extractor>) -> &Extractor {
    cell.get_or_init(Extractor::new)
}

/// The server as a tower service, for stdio or for in-process tests.
pub fn service() -> (
    LspService<handlers::Backend>,
    tower_lsp_server::ClientSocket,
) {
    LspService::build(|client| {
        let shared = Shared {
            client,
            extractor: Arc::new(OnceLock::new()),
            learning: Default::default(),
            config: RwLock::new(Config::default()),
            session: OnceLock::new(),
            docs: Mutex::new(FxHashMap::default()),
            roots: Mutex::new(Vec::new()),
            workspace: RwLock::new(Default::default()),
            index_runs: Default::default(),
            knowledge: RwLock::new(Default::default()),
            shut_down: Default::default(),
            corrections: Default::default(),
            kb_buffers: Mutex::new(FxHashMap::default()),
            ann_buffers: Mutex::new(FxHashMap::default()),
            annotation_writes: Default::default(),
        };
        handlers::Backend::new(Arc::new(shared))
    })
    .custom_method(
        transport::INVALID_REQUEST,
        handlers::Backend::invalid_request,
    )
    .finish()
}

/// Runs the server on stdin and stdout until `exit`, or until stdin closes. Returns whether
/// the session ended cleanly: `shutdown`, then `exit` or the end of stdin (the protocol's exit
/// code 0; 1 otherwise).
pub async fn run_stdio() -> bool {
    serve(tokio::io::stdin(), tokio::io::stdout()).await
}

/// Runs the server on `input` and `output`, the client's messages checked by
/// `transport::relay` on their way in. Returns when `input` ends or `exit` comes, whatever the
/// handlers are waiting for (at most [`EXIT_GRACE`] later): tower-lsp-server's own loop waits
/// for every handler in flight, and one may be waiting for the client.
pub(crate) async fn serve(
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    output: impl tokio::io::AsyncWrite + Unpin,
) -> bool {
    let (service, socket) = service();
    let shared = service.inner().shared().clone();
    let (relayed, server_input) = tokio::io::duplex(1 << 16);
    let mut relay = tokio::spawn(transport::relay(input, relayed));
    let server = Server::new(server_input, output, socket).serve(service);
    tokio::pin!(server);
    tokio::select! {
        () = &mut server => {}
        ending = &mut relay => {
            tracing::info!("the client's stream ended ({ending:?})");
            if tokio::time::timeout(EXIT_GRACE, &mut server).await.is_err() {
                tracing::info!("leaving the handlers still in flight");
            }
        }
    }
    relay.abort();
    shared.shut_down.load(std::sync::atomic::Ordering::SeqCst)
}

#[cfg(test)]
mod tests;
