//! The workspace knowledge base in the server: the knowledge files (read, parsed and layered
//! by `files::knowledge`, on the blocking pool) over the embedded default, reloaded when they
//! change (a broken file gets diagnostics in that file and the last good version stays in
//! force), and the text of the knowledge files open in the editor. Corrections are in
//! `corrections.rs`.

use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::{Shared, to_proto};
use crate::files::knowledge::{self as files, Layers, Problem};
use crate::kb::{KbError, KbFile, KnowledgeBase};
use crate::text::{Encoding, LineCol, Text};

pub(crate) use files::is_knowledge_file;

fn is_knowledge_uri(uri: &Uri) -> bool {
    uri.to_file_path().is_some_and(|p| is_knowledge_file(&p))
}

/// A knowledge file opened in the editor: its text is kept (corrections go into it, not under
/// it on disk), and it is not analysed as prose. `false` for any other document.
pub(crate) fn opened(shared: &Shared, uri: &Uri, text: &str, version: i32) -> bool {
    if !is_knowledge_uri(uri) {
        return false;
    }
    shared
        .kb_buffers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(uri.clone(), (Text::new(text), version));
    true
}

/// Whether `uri` is a knowledge file open in the editor.
pub(crate) fn is_open(shared: &Shared, uri: &Uri) -> bool {
    shared
        .kb_buffers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains_key(uri)
}

/// Applies a `didChange` to an open knowledge file.
pub(crate) fn changed(
    shared: &Shared,
    uri: &Uri,
    version: i32,
    changes: Vec<lsp::TextDocumentContentChangeEvent>,
    encoding: Encoding,
) {
    let mut buffers = shared.kb_buffers.lock().unwrap_or_else(|e| e.into_inner());
    let Some((text, current)) = buffers.get_mut(uri) else {
        return;
    };
    for change in changes {
        let edit = super::from_proto::edit(text, change, encoding);
        text.apply(&edit);
    }
    *current = version;
}

/// Forgets an open knowledge file's text; `false` if `uri` is not one.
pub(crate) fn closed(shared: &Shared, uri: &Uri) -> bool {
    shared
        .kb_buffers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(uri)
        .is_some()
}

/// The last good contents of each knowledge file, and the knowledge base they make.
#[derive(Default)]
pub(crate) struct Knowledge {
    layers: Layers,
    current: Option<Arc<KnowledgeBase>>,
}

impl Knowledge {
    pub(crate) fn current(&self) -> Arc<KnowledgeBase> {
        self.current
            .clone()
            .unwrap_or_else(crate::analysis::default_knowledge)
    }
}

/// A knowledge file as read from disk: parsed, or its errors as diagnostics.
enum Read {
    Missing,
    Unreadable(anyhow::Error),
    Parsed(Parsed),
}

type Parsed = std::result::Result<KbFile, Vec<lsp::Diagnostic>>;

/// Reads and parses a knowledge file. Blocking: called on the blocking pool, since a large
/// file, or one with thousands of errors, takes time.
fn read(path: &Path, encoding: Encoding) -> Read {
    match files::load(path) {
        Ok(None) => Read::Missing,
        Ok(Some(file)) => Read::Parsed(Ok(file)),
        Err(Problem::Unreadable(e)) => Read::Unreadable(e),
        Err(Problem::Invalid { text, errors }) => {
            Read::Parsed(Err(diagnostics(&text, &errors, encoding)))
        }
    }
}

/// Reads every knowledge file of the workspace and puts the result in force.
pub(crate) async fn load(shared: &Arc<Shared>) {
    let roots = shared
        .roots
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let encoding = shared.session().encoding;
    let found = tokio::task::spawn_blocking(move || {
        let paths = roots.iter().flat_map(|root| files::paths(root));
        paths
            .map(|path| {
                let read = read(&path, encoding);
                (path, read)
            })
            .collect::<Vec<_>>()
    })
    .await;
    let found = found.unwrap_or_else(|e| {
        tracing::error!("reading the knowledge files failed: {e}");
        Vec::new()
    });
    let mut reports = Vec::new();
    for (path, read) in found {
        if !matches!(read, Read::Missing) {
            reports.extend(take_read(shared, &path, read).await);
        }
    }
    apply(shared);
    publish(shared, reports).await;
}

/// Publishes the knowledge files' diagnostics: after the knowledge base is in force, so that a
/// client that sees them and asks a question is answered with it.
async fn publish(shared: &Shared, reports: impl IntoIterator<Item = (Uri, Vec<lsp::Diagnostic>)>) {
    for (uri, diagnostics) in reports {
        shared
            .client
            .publish_diagnostics(uri, diagnostics, None)
            .await;
    }
}

/// Reads one knowledge file again: in force if it parses, diagnostics in it if it does not.
/// The workspace is indexed again, since the names the knowledge base knows are marked in
/// files that are not open too. Returns the file's diagnostics: none when it is in force.
pub(crate) async fn reload(shared: &Arc<Shared>, path: &Path) -> Vec<lsp::Diagnostic> {
    let report = reload_file(shared, path).await;
    let diagnostics = report.as_ref().map(|(_, d)| d.clone()).unwrap_or_default();
    apply(shared);
    publish(shared, report).await;
    tokio::spawn(super::indexer::index_workspace(shared.clone()));
    diagnostics
}

/// Reads one knowledge file into the workspace's files (not yet in force: see [`apply`]);
/// returns the diagnostics to publish for it.
async fn reload_file(shared: &Arc<Shared>, path: &Path) -> Option<(Uri, Vec<lsp::Diagnostic>)> {
    let encoding = shared.session().encoding;
    let owned = path.to_path_buf();
    match tokio::task::spawn_blocking(move || read(&owned, encoding)).await {
        Ok(read) => take_read(shared, path, read).await,
        Err(e) => {
            tracing::error!("reading {} failed: {e}", path.display());
            None
        }
    }
}

/// Takes what was read of a knowledge file into the workspace's files; the diagnostics to
/// publish for it.
async fn take_read(
    shared: &Arc<Shared>,
    path: &Path,
    read: Read,
) -> Option<(Uri, Vec<lsp::Diagnostic>)> {
    let uri = Uri::from_file_path(path)?;
    match read {
        Read::Missing => {
            forget(shared, path);
            Some((uri, Vec::new()))
        }
        Read::Unreadable(e) => {
            let message = format!("nomen: {e:#}");
            shared
                .client
                .show_message(lsp::MessageType::WARNING, message)
                .await;
            None
        }
        Read::Parsed(parsed) => Some((uri, take(shared, path, parsed))),
    }
}

/// Puts the text of a knowledge file given by the editor (the open file) in force, as
/// [`reload`] does with the file on disk; returns the file's diagnostics.
pub(super) async fn reload_text(
    shared: &Arc<Shared>,
    path: &Path,
    text: String,
) -> Vec<lsp::Diagnostic> {
    let report = match (
        Uri::from_file_path(path),
        take_text(shared, path, text).await,
    ) {
        (Some(uri), Some(diagnostics)) => Some((uri, diagnostics)),
        _ => None,
    };
    let diagnostics = report.as_ref().map(|(_, d)| d.clone()).unwrap_or_default();
    apply(shared);
    publish(shared, report).await;
    tokio::spawn(super::indexer::index_workspace(shared.clone()));
    diagnostics
}

/// Parses a knowledge file's text into the workspace's files if it is good; its diagnostics.
async fn take_text(
    shared: &Arc<Shared>,
    path: &Path,
    text: String,
) -> Option<Vec<lsp::Diagnostic>> {
    let encoding = shared.session().encoding;
    let owned = path.to_path_buf();
    // A large file, or one with thousands of errors, is parsed off the message loop.
    let parsed = tokio::task::spawn_blocking(move || {
        crate::kb::parse_file(&owned, &text).map_err(|e| diagnostics(&text, &e, encoding))
    })
    .await;
    match parsed {
        Ok(parsed) => Some(take(shared, path, parsed)),
        Err(e) => {
            tracing::error!("parsing {} failed: {e}", path.display());
            None
        }
    }
}

/// Puts a good file in the workspace's files; the diagnostics of a broken one.
fn take(shared: &Shared, path: &Path, parsed: Parsed) -> Vec<lsp::Diagnostic> {
    match parsed {
        Ok(file) => {
            let mut k = shared.knowledge.write().unwrap_or_else(|e| e.into_inner());
            k.layers.set(path.to_path_buf(), file);
            Vec::new()
        }
        Err(diagnostics) => {
            tracing::warn!(
                "{}: {} errors; keeping the last good version",
                path.display(),
                diagnostics.len()
            );
            diagnostics
        }
    }
}

fn diagnostics(text: &str, errors: &[KbError], encoding: Encoding) -> Vec<lsp::Diagnostic> {
    let text = Text::new(text);
    errors
        .iter()
        .map(|e| diagnostic(&text, e, encoding))
        .collect()
}

fn forget(shared: &Shared, path: &Path) {
    shared
        .knowledge
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .layers
        .forget(path);
}

/// Builds the knowledge base from the last good files and hands it to every open document.
fn apply(shared: &Shared) {
    let current = {
        let mut k = shared.knowledge.write().unwrap_or_else(|e| e.into_inner());
        let current = Arc::new(k.layers.build());
        k.current = Some(current.clone());
        current
    };
    for doc in shared.all_docs() {
        doc.set_knowledge(current.clone());
    }
}

fn diagnostic(t: &Text, error: &KbError, encoding: Encoding) -> lsp::Diagnostic {
    let at = t.offset(
        LineCol {
            line: error.line,
            col: error.column,
        },
        Encoding::Utf32,
    );
    let end = t.line_end(error.line).max(at);
    lsp::Diagnostic {
        range: to_proto::range(t, crate::text::TextRange::new(at, end), encoding),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        code: Some(lsp::NumberOrString::String("knowledge-base".into())),
        source: Some("nomen".into()),
        message: format!(
            "{} (the last good version of this file stays in force)",
            error.message
        ),
        ..Default::default()
    }
}
