//! The corrections users make from code actions ("X is a person", "X is not a name"): the
//! server makes them in the workspace knowledge file itself, through `workspace/applyEdit` when
//! the file is open in the editor, else on disk, atomically, and puts them in force.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::knowledge::{reload, reload_text};
use super::{Shared, to_proto};
use crate::extract::Label;
use crate::kb::{self, KbEntry, TOML_FILE};
use crate::text::{Encoding, Text};

/// The command that code actions run to correct an entity.
pub(crate) const CORRECT_COMMAND: &str = "nomen.correct";

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
    let target = path.clone();
    let written =
        tokio::task::spawn_blocking(move || crate::files::knowledge::write(&target, &new)).await;
    let written = written.unwrap_or_else(|e| Err(anyhow::anyhow!("writing failed: {e}")));
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
pub(crate) fn minimal_edit(rope: &Text, old: &str, new: &str, encoding: Encoding) -> lsp::TextEdit {
    let (range, len) = crate::analysis::minimal_change(old, new);
    let start = usize::from(range.start());
    lsp::TextEdit {
        range: to_proto::range(rope, range, encoding),
        new_text: new[start..start + usize::from(len)].to_string(),
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
    let mut old = read(path).await?;
    for _ in 0..3 {
        let new = correction
            .apply(&old)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        #[cfg(test)]
        {
            let pause = CORRECTION_PAUSE.load(std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
        }
        let now = read(path).await?;
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

/// The knowledge file's text, read on the blocking pool; empty when there is none yet.
async fn read(path: &Path) -> std::result::Result<String, String> {
    let owned = path.to_path_buf();
    let read = tokio::task::spawn_blocking(move || crate::files::knowledge::read(&owned)).await;
    match read {
        Ok(Ok(text)) => Ok(text.unwrap_or_default()),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(e) => Err(format!("reading {} failed: {e}", path.display())),
    }
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
