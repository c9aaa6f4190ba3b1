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
/// files that are not open too.
pub(crate) async fn reload(shared: &Arc<Shared>, path: &Path) {
    let report = reload_file(shared, path).await;
    apply(shared);
    publish(shared, report).await;
    tokio::spawn(super::indexer::index_workspace(shared.clone()));
}

/// Reads one knowledge file into the workspace's files (not yet in force: see [`apply`]);
/// returns the diagnostics to publish for it.
async fn reload_file(shared: &Arc<Shared>, path: &Path) -> Option<(Uri, Vec<lsp::Diagnostic>)> {
    let uri = Uri::from_file_path(path)?;
    let text = match crate::files::read_text(path, crate::files::MAX_KNOWLEDGE_BYTES) {
        Ok(text) => text,
        Err(e) if e.is_not_found() => {
            forget(shared, path);
            return Some((uri, Vec::new()));
        }
        Err(e) => {
            let message = format!("nomen: {e}");
            shared
                .client
                .show_message(lsp::MessageType::WARNING, message)
                .await;
            return None;
        }
    };
    let parsed = kb::parse_file(path, &text);
    let diagnostics = match parsed {
        Ok(file) => {
            let mut k = shared.knowledge.write().unwrap_or_else(|e| e.into_inner());
            k.files.retain(|(p, _)| p != path);
            k.files.push((path.to_path_buf(), file));
            Vec::new()
        }
        Err(errors) => {
            tracing::warn!(
                "{}: {} errors; keeping the last good version",
                path.display(),
                errors.len()
            );
            let encoding = shared.session().encoding;
            errors
                .iter()
                .map(|e| diagnostic(&text, e, encoding))
                .collect()
        }
    };
    Some((uri, diagnostics))
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

fn diagnostic(text: &str, error: &KbError, encoding: Encoding) -> lsp::Diagnostic {
    let t = Text::new(text);
    let at = t.offset(
        LineCol {
            line: error.line,
            col: error.column,
        },
        Encoding::Utf32,
    );
    let end = t.line_end(error.line).max(at);
    lsp::Diagnostic {
        range: to_proto::range(&t, crate::text::TextRange::new(at, end), encoding),
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
    let old = match crate::files::read_text(&path, crate::files::MAX_KNOWLEDGE_BYTES) {
        Ok(text) => text,
        Err(e) if e.is_not_found() => String::new(),
        Err(e) => return Err(failure(shared, e.to_string()).await),
    };
    let new = match correction.apply(&old) {
        Ok(new) => new,
        Err(e) => return Err(failure(shared, format!("{}: {e}", path.display())).await),
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
    reload(shared, &path).await;
    Ok(None)
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
