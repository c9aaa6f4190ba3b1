//! The workspace knowledge base in the server: loading `.nomen/knowledge.toml` and
//! `.nomen/knowledge.jsonl` over the embedded default, reloading them when they change (a broken
//! file gets diagnostics in that file and the last good version stays in force), and the
//! corrections users make from code actions, which the server writes itself, atomically.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::{Shared, to_proto};
use crate::extract::Label;
use crate::kb::{self, KbEntry, KbError, KbFile, KnowledgeBase};
use crate::text::{Encoding, LineCol, Text};

/// The command that code actions run to correct an entity.
pub(crate) const CORRECT_COMMAND: &str = "nomen.correct";

use crate::kb::{JSONL_FILE, TOML_FILE};

pub(crate) fn is_knowledge_file(path: &Path) -> bool {
    path.ends_with(TOML_FILE) || path.ends_with(JSONL_FILE)
}

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
    files: Vec<(PathBuf, KbFile)>,
    current: Option<Arc<KnowledgeBase>>,
}

impl Knowledge {
    pub(crate) fn current(&self) -> Arc<KnowledgeBase> {
        self.current
            .clone()
            .unwrap_or_else(crate::analysis::default_knowledge)
    }
}

/// A correction, as the argument of [`CORRECT_COMMAND`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub(crate) enum Correction {
    /// The entity `name` is of kind `kind` (person, organisation, place, other).
    Kind {
        uri: String,
        name: String,
        kind: String,
    },
    /// `form` is never an entity.
    Ignore { uri: String, form: String },
    /// `form` is another name of the entity `target` (of kind `kind`).
    Alias {
        uri: String,
        form: String,
        target: String,
        kind: String,
    },
    /// Add the entity to the knowledge base with its forms.
    Add {
        uri: String,
        name: String,
        kind: String,
        aliases: Vec<String>,
    },
}

impl Correction {
    fn uri(&self) -> &str {
        match self {
            Correction::Kind { uri, .. }
            | Correction::Ignore { uri, .. }
            | Correction::Alias { uri, .. }
            | Correction::Add { uri, .. } => uri,
        }
    }

    /// The knowledge file's new text.
    fn apply(&self, text: &str) -> std::result::Result<String, String> {
        let label =
            |kind: &str| kb::parse_kind(kind).ok_or_else(|| format!("unknown kind {kind:?}"));
        let done = match self {
            Correction::Kind { name, kind, .. } => kb::set_kind(text, name, label(kind)?),
            Correction::Ignore { form, .. } => kb::ignore(text, form),
            Correction::Alias {
                form, target, kind, ..
            } => kb::add_alias(text, target, form, label(kind)?),
            Correction::Add {
                name,
                kind,
                aliases,
                ..
            } => {
                let mut entry = KbEntry::new(name.clone(), label(kind)?);
                entry.aliases = aliases.clone();
                kb::add_entry(text, &entry)
            }
        };
        done.map_err(|e| e.message)
    }
}

/// Reads every knowledge file of the workspace and puts the result in force.
pub(crate) async fn load(shared: &Arc<Shared>) {
    let roots = shared
        .roots
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let mut reports = Vec::new();
    for root in roots {
        for name in [TOML_FILE, JSONL_FILE] {
            let path = root.join(name);
            if path.exists() {
                reports.extend(reload_file(shared, &path).await);
            }
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
    let uri = Uri::from_file_path(path)?;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            forget(shared, path);
            return Some((uri, Vec::new()));
        }
        Err(e) => {
            let message = format!("nomen: cannot read {}: {e}", path.display());
            shared
                .client
                .show_message(lsp::MessageType::WARNING, message)
                .await;
            return None;
        }
    };
    take_text(shared, path, text).await.map(|d| (uri, d))
}

/// Puts the text of a knowledge file given by the editor (the open file) in force, as
/// [`reload`] does with the file on disk; returns the file's diagnostics.
async fn reload_text(shared: &Arc<Shared>, path: &Path, text: String) -> Vec<lsp::Diagnostic> {
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
    let parsed = tokio::task::spawn_blocking(move || parse(&owned, &text, encoding)).await;
    let diagnostics = match parsed {
        Ok(Ok(file)) => {
            let mut k = shared.knowledge.write().unwrap_or_else(|e| e.into_inner());
            k.files.retain(|(p, _)| p != path);
            k.files.push((path.to_path_buf(), file));
            Vec::new()
        }
        Ok(Err(diagnostics)) => {
            tracing::warn!(
                "{}: {} errors; keeping the last good version",
                path.display(),
                diagnostics.len()
            );
            diagnostics
        }
        Err(e) => {
            tracing::error!("parsing {} failed: {e}", path.display());
            return None;
        }
    };
    Some(diagnostics)
}

/// A knowledge file parsed, or its errors as diagnostics.
fn parse(
    path: &Path,
    text: &str,
    encoding: Encoding,
) -> std::result::Result<KbFile, Vec<lsp::Diagnostic>> {
    kb::parse_file(path, text).map_err(|errors| {
        let text = Text::new(text);
        errors
            .iter()
            .map(|e| diagnostic(&text, e, encoding))
            .collect()
    })
}

fn forget(shared: &Shared, path: &Path) {
    shared
        .knowledge
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .files
        .retain(|(p, _)| p != path);
}

/// Builds the knowledge base from the last good files and hands it to every open document.
fn apply(shared: &Shared) {
    let current = {
        let mut k = shared.knowledge.write().unwrap_or_else(|e| e.into_inner());
        // The TOML file, edited by hand, wins over a bulk import.
        k.files
            .sort_by_key(|(p, _)| (!p.ends_with(TOML_FILE), p.clone()));
        let files: Vec<KbFile> = k.files.iter().map(|(_, f)| f.clone()).collect();
        let current = Arc::new(KnowledgeBase::layered(
            &crate::analysis::default_knowledge(),
            &files,
        ));
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

/// Where corrections are written: the knowledge file of the first workspace folder, else of
/// the document's own folder.
fn target_file(shared: &Shared, document: &str) -> Option<PathBuf> {
    let roots = shared
        .roots
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let doc_path = document
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
    let root = roots
        .iter()
        .find(|r| doc_path.as_ref().is_some_and(|d| d.starts_with(r)))
        .or(roots.first())
        .cloned()
        .or_else(|| doc_path?.parent().map(Path::to_path_buf))?;
    Some(root.join(TOML_FILE))
}

/// Runs a correction: edits the knowledge file, writes it atomically, puts it in force.
pub(crate) async fn correct(
    shared: &Arc<Shared>,
    arguments: Vec<serde_json::Value>,
) -> Result<Option<serde_json::Value>> {
    let argument = arguments.into_iter().next().unwrap_or_default();
    let correction: Correction = serde_json::from_value(argument)
        .map_err(|e| Error::invalid_params(format!("nomen.correct: bad argument: {e}")))?;
    let Some(path) = target_file(shared, correction.uri()) else {
        return Err(Error::invalid_params(
            "nomen.correct: no folder to keep the knowledge base in",
        ));
    };
    // One correction at a time: two at once would both start from the same text.
    let _one_at_a_time = shared.corrections.lock().await;
    let open = Uri::from_file_path(&path).and_then(|uri| {
        let buffers = shared.kb_buffers.lock().unwrap_or_else(|e| e.into_inner());
        let (text, _) = buffers.get(&uri)?;
        Some((uri, text.clone()))
    });
    if let Some((uri, text)) = open {
        return correct_buffer(shared, &correction, &path, uri, text).await;
    }
    let new = match edited(&correction, &path).await {
        Ok(new) => new,
        Err(e) => return Err(failure(shared, e).await),
    };
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .map_err(anyhow::Error::from)
        .and_then(|()| crate::cli::write_atomic(&path, new.as_bytes()));
    if let Err(e) = written {
        return Err(failure(shared, format!("{e:#}")).await);
    }
    tracing::info!("correction {correction:?} written to {}", path.display());
    let errors = reload(shared, &path).await;
    if !errors.is_empty() {
        return Err(failure(shared, not_in_force(&path, &errors)).await);
    }
    Ok(None)
}

/// Makes a correction in a knowledge file open in the editor: through `workspace/applyEdit`,
/// so that unsaved changes are kept and the editor's text stays the one truth (the file on
/// disk follows when the user saves). The edited text is in force at once.
async fn correct_buffer(
    shared: &Arc<Shared>,
    correction: &Correction,
    path: &Path,
    uri: Uri,
    text: Text,
) -> Result<Option<serde_json::Value>> {
    let old = text
        .slice(crate::text::TextRange::up_to(text.len()))
        .into_owned();
    let new = match correction.apply(&old) {
        Ok(new) => new,
        Err(e) => return Err(failure(shared, format!("{}: {e}", path.display())).await),
    };
    let edit = minimal_edit(&text, &old, &new, shared.session().encoding);
    let changes = std::collections::HashMap::from([(uri, vec![edit])]);
    let workspace_edit = lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    };
    let answer = super::ask_client(
        "workspace/applyEdit",
        shared.client.apply_edit(workspace_edit),
    )
    .await;
    let refused = match answer {
        Some(Ok(response)) if response.applied => None,
        Some(Ok(response)) => Some(response.failure_reason.unwrap_or_default()),
        Some(Err(e)) => Some(e.to_string()),
        None => Some("no answer".into()),
    };
    if let Some(why) = refused {
        let message = format!(
            "the editor did not make the correction in the open {} ({why})",
            path.display()
        );
        return Err(failure(shared, message).await);
    }
    tracing::info!(
        "correction {correction:?} made in the open {}",
        path.display()
    );
    let errors = reload_text(shared, path, new).await;
    if !errors.is_empty() {
        return Err(failure(shared, not_in_force(path, &errors)).await);
    }
    Ok(None)
}

/// One edit that turns `old` (the text of `rope`) into `new`: what lies between their common
/// start and their common end, so that the editor keeps its cursor and marks elsewhere.
fn minimal_edit(rope: &Text, old: &str, new: &str, encoding: Encoding) -> lsp::TextEdit {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let room = old.len().min(new.len()) - start;
    let mut common_end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - common_end)
        || !new.is_char_boundary(new.len() - common_end)
    {
        common_end -= 1;
    }
    let range = crate::text::TextRange::new(
        crate::text::TextSize::new(start as u32),
        crate::text::TextSize::new((old.len() - common_end) as u32),
    );
    lsp::TextEdit {
        range: to_proto::range(rope, range, encoding),
        new_text: new[start..new.len() - common_end].to_string(),
    }
}

/// Says that a correction was written into a file that does not parse, with where it breaks.
fn not_in_force(path: &Path, errors: &[lsp::Diagnostic]) -> String {
    let listed: Vec<String> = errors
        .iter()
        .take(3)
        .map(|d| {
            let message = d
                .message
                .split(" (the last good version")
                .next()
                .unwrap_or("");
            format!("line {}: {message}", d.range.start.line + 1)
        })
        .collect();
    let more = match errors.len().saturating_sub(listed.len()) {
        0 => String::new(),
        n => format!("; and {n} more"),
    };
    format!(
        "the correction is written to {}, but it is not in force: the file has {} error(s), so the last good version of it stays in force ({}{more})",
        path.display(),
        errors.len(),
        listed.join("; ")
    )
}

/// A pause between reading the knowledge file and checking it before the write, in
/// milliseconds: tests widen that window to edit the file in it.
#[cfg(test)]
pub(crate) static CORRECTION_PAUSE: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

/// The knowledge file's text with the correction made. The file is read again just before it
/// is replaced: if it changed meanwhile (edited outside the server), the correction is made
/// again on the new text, so that the other edit is kept.
async fn edited(correction: &Correction, path: &Path) -> std::result::Result<String, String> {
    let read = |path: &Path| match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut old = read(path)?;
    for _ in 0..3 {
        let new = correction
            .apply(&old)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        #[cfg(test)]
        {
            let pause = CORRECTION_PAUSE.load(std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
        }
        let now = read(path)?;
        if now == old {
            return Ok(new);
        }
        tracing::info!(
            "{} changed while being corrected; correcting it again",
            path.display()
        );
        old = now;
    }
    Err(format!(
        "{} keeps changing; the correction was not written",
        path.display()
    ))
}

async fn failure(shared: &Shared, message: String) -> Error {
    let message = format!("nomen: {message}");
    shared
        .client
        .show_message(lsp::MessageType::ERROR, message.clone())
        .await;
    Error {
        message: message.into(),
        ..Error::internal_error()
    }
}

/// The correction actions offered on a mention.
pub(crate) fn actions(
    uri: &Uri,
    form: &str,
    entity: &crate::analysis::Entity,
    in_knowledge_base: bool,
    others: &[(String, Label)],
) -> Vec<lsp::CodeActionOrCommand> {
    let uri = uri.as_str().to_string();
    let mut out = Vec::new();
    let name = &entity.name;
    for label in Label::ALL.into_iter().filter(|l| *l != entity.label) {
        let kind = kb::kind_name(label).to_string();
        let title = format!("nomen: “{name}” is {}", article(label));
        out.push(action(
            title,
            Correction::Kind {
                uri: uri.clone(),
                name: name.clone(),
                kind,
            },
        ));
    }
    out.push(action(
        format!("nomen: “{form}” is not a name"),
        Correction::Ignore {
            uri: uri.clone(),
            form: form.to_string(),
        },
    ));
    for (target, label) in others.iter().take(5) {
        let kind = kb::kind_name(*label).to_string();
        let title = format!("nomen: “{form}” is the same as “{target}”");
        out.push(action(
            title,
            Correction::Alias {
                uri: uri.clone(),
                form: form.to_string(),
                target: target.clone(),
                kind,
            },
        ));
    }
    if !in_knowledge_base {
        let aliases = entity
            .forms
            .iter()
            .map(|(f, _)| f.clone())
            .filter(|f| f != name)
            .collect();
        let kind = kb::kind_name(entity.label).to_string();
        let title = format!("nomen: add “{name}” to the knowledge base");
        out.push(action(
            title,
            Correction::Add {
                uri,
                name: name.clone(),
                kind,
                aliases,
            },
        ));
    }
    out
}

/// The corrections offered on a name extraction missed: each kind, written to the knowledge
/// base (which creates the entity).
pub(crate) fn mark_actions(uri: &Uri, form: &str) -> Vec<lsp::CodeActionOrCommand> {
    Label::ALL
        .into_iter()
        .map(|label| {
            action(
                format!("nomen: “{form}” is {}", article(label)),
                Correction::Kind {
                    uri: uri.as_str().to_string(),
                    name: form.to_string(),
                    kind: kb::kind_name(label).to_string(),
                },
            )
        })
        .collect()
}

fn article(label: Label) -> String {
    match label {
        Label::Per => "a person".into(),
        Label::Org => "an organisation".into(),
        Label::Loc => "a place".into(),
        Label::Misc => "another kind of name".into(),
    }
}

fn action(title: String, correction: Correction) -> lsp::CodeActionOrCommand {
    let argument = serde_json::to_value(&correction).unwrap_or_default();
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: title.clone(),
        kind: Some(lsp::CodeActionKind::REFACTOR_REWRITE),
        command: Some(lsp::Command {
            title,
            command: CORRECT_COMMAND.into(),
            arguments: Some(vec![argument]),
        }),
        ..Default::default()
    })
}
