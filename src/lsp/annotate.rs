//! Annotation commands, run by the server through `workspace/executeCommand` so that every
//! editor can bind them, and the code actions that call them: add, remove, relabel, resize,
//! add every occurrence, link, accept or reject a suggestion, and list the labels. A change is
//! made in the document's state under its lock and written to the `.ann` when the document
//! is saved (`annotations::save`); only `addAll` over the workspace writes the `.ann` of
//! documents that are not open at once, since nothing else would.

mod actions;

pub(crate) use actions::actions;

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::annotations::{Annotated, whole_text};
use super::documents::DocState;
use super::{Session, Shared, from_proto};
use crate::analysis::{Coverage, link_reference, trim_range, whole_word_occurrences};
use crate::annotate::AnnDoc;
use crate::files::annotations as files;
use crate::text::TextRange;

pub(crate) const ADD: &str = "nomen.annotation.add";
pub(crate) const REMOVE: &str = "nomen.annotation.remove";
pub(crate) const RELABEL: &str = "nomen.annotation.relabel";
pub(crate) const RESIZE: &str = "nomen.annotation.resize";
pub(crate) const ADD_ALL: &str = "nomen.annotation.addAll";
pub(crate) const LINK: &str = "nomen.annotation.link";
pub(crate) const ACCEPT: &str = "nomen.annotation.accept";
pub(crate) const REJECT: &str = "nomen.annotation.reject";
pub(crate) const LABELS: &str = "nomen.annotation.labels";

/// Every annotation command, as advertised in the capabilities.
pub(crate) const COMMANDS: [&str; 9] = [
    ADD, REMOVE, RELABEL, RESIZE, ADD_ALL, LINK, ACCEPT, REJECT, LABELS,
];

/// The arguments of every annotation command; each takes the fields it needs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Args {
    uri: Uri,
    range: Option<lsp::Range>,
    position: Option<lsp::Position>,
    label: Option<String>,
    id: Option<String>,
    #[serde(default)]
    scope: Scope,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Scope {
    #[default]
    Document,
    Workspace,
}

fn need<T: Clone>(value: &Option<T>, command: &str, field: &str) -> Result<T> {
    value
        .clone()
        .ok_or_else(|| Error::invalid_params(format!("{command}: `{field}` is missing")))
}

/// Runs an annotation command.
pub(crate) async fn run(
    shared: &Arc<Shared>,
    command: &str,
    arguments: Vec<Value>,
) -> Result<Option<Value>> {
    let argument = arguments.into_iter().next().unwrap_or_default();
    let args: Args = serde_json::from_value(argument)
        .map_err(|e| Error::invalid_params(format!("{command}: bad argument: {e}")))?;
    match command {
        LABELS => on_doc(shared, &args.uri, |_, a, _| Ok(json!(a.labels()))).await,
        ADD => add(shared, command, &args).await,
        ADD_ALL => add_all(shared, command, &args).await,
        ACCEPT | REJECT => suggestion(shared, command, &args).await,
        _ => at_annotation(shared, command, &args).await,
    }
}

/// Runs `f` on a document's text and annotations once they are ready, under its lock.
async fn on_doc(
    shared: &Shared,
    uri: &Uri,
    f: impl FnOnce(&mut DocState, &mut Annotated, Session) -> std::result::Result<Value, String>,
) -> Result<Option<Value>> {
    let Some(doc) = shared.doc(uri) else {
        return Err(Error::invalid_params(format!(
            "nomen: {} is not open",
            uri.as_str()
        )));
    };
    let session = shared.session();
    // A document over the size cap is never analysed; its annotations are edited all the same.
    let done = doc
        .when_annotations_mut(super::READY_TIMEOUT, |st| {
            let mut slot = std::mem::replace(&mut st.annotations, super::annotations::Slot::None);
            let out = match slot.ready_mut() {
                Some(a) => f(st, a, session),
                None => Err("this document has no annotations: only a saved .txt or .md file has a .ann beside it".into()),
            };
            st.annotations = slot;
            out
        })
        .await;
    match done {
        Some(Ok(value)) => {
            // The annotations are what an annotated document colours: have them asked again.
            if session.refresh_tokens {
                super::ask_client(
                    "workspace/semanticTokens/refresh",
                    shared.client.semantic_tokens_refresh(),
                )
                .await;
            }
            Ok(Some(value))
        }
        Some(Err(message)) => Err(Error::invalid_params(format!("nomen: {message}"))),
        None => Err(Error::invalid_params(format!(
            "nomen: {} is not ready",
            uri.as_str()
        ))),
    }
}

async fn add(shared: &Shared, command: &str, args: &Args) -> Result<Option<Value>> {
    let range = need(&args.range, command, "range")?;
    let label = need(&args.label, command, "label")?;
    on_doc(shared, &args.uri, |st, a, session| {
        let whole = whole_text(&st.text);
        let range = trim_range(
            &whole,
            from_proto::text_range(&st.text, range, session.encoding),
        );
        if range.is_empty() {
            return Err("select the text to annotate".into());
        }
        let id = a.doc.add(&whole, vec![range], &label);
        Ok(json!({"id": id}))
    })
    .await
}

/// Remove, relabel, resize or link the annotation at `position`.
async fn at_annotation(shared: &Shared, command: &str, args: &Args) -> Result<Option<Value>> {
    let position = need(&args.position, command, "position")?;
    let (label, range, id) = match command {
        RELABEL => (Some(need(&args.label, command, "label")?), None, None),
        RESIZE => (None, Some(need(&args.range, command, "range")?), None),
        LINK => (None, None, Some(need(&args.id, command, "id")?)),
        _ => (None, None, None),
    };
    let command = command.to_string();
    on_doc(shared, &args.uri, move |st, a, session| {
        let offset = from_proto::offset(&st.text, position, session.encoding);
        // A resize may start its new extent outside the annotation: one it overlaps will do.
        let over = range.map(|r| from_proto::text_range(&st.text, r, session.encoding));
        let entity = a
            .doc
            .entity_at(offset)
            .or_else(|| a.doc.overlapping(over?).next())
            .cloned();
        let Some(entity) = entity else {
            return Err("there is no annotation here".into());
        };
        let done = match command.as_str() {
            REMOVE => a.doc.remove(&entity.id),
            RELABEL => a
                .doc
                .relabel(&entity.id, label.as_deref().unwrap_or_default()),
            RESIZE => {
                let whole = whole_text(&st.text);
                let range =
                    from_proto::text_range(&st.text, range.unwrap_or_default(), session.encoding);
                let range = trim_range(&whole, range);
                if range.is_empty() {
                    return Err("the new extent is empty".into());
                }
                a.doc.resize(&whole, &entity.id, vec![range])
            }
            LINK => {
                // The N line names what it stands for: the knowledge base's name, else the text.
                let known = st.analysis.knowledge().lookup(&entity.text);
                let name = known.map_or_else(|| entity.text.clone(), |e| e.name.clone());
                let reference = link_reference(id.as_deref().unwrap_or_default());
                a.doc.link(&entity.id, &reference, Some(&name))
            }
            _ => false,
        };
        if !done {
            return Err(format!("{command} did not apply to {}", entity.id));
        }
        Ok(json!({"id": entity.id}))
    })
    .await
}

/// Accepts (annotates) or rejects (never suggests again in this document) the suggestion at
/// `position`.
async fn suggestion(shared: &Shared, command: &str, args: &Args) -> Result<Option<Value>> {
    let position = need(&args.position, command, "position")?;
    let accept = command == ACCEPT;
    let mut rejected = None;
    let done = on_doc(shared, &args.uri, |st, a, session| {
        let offset = from_proto::offset(&st.text, position, session.encoding);
        let at = TextRange::empty(offset);
        let covered = a.coverage();
        let Some(s) = st.analysis.suggestion_at(&st.text, at, |r, form, label| {
            a.hides(&covered, r, form, label)
        }) else {
            return Err("there is no suggestion here".into());
        };
        if accept {
            let label = a.file_label(s.label);
            let id = a.doc.add(&whole_text(&st.text), vec![s.range], &label);
            return Ok(json!({"id": id}));
        }
        let tag = s.label.tag().to_string();
        a.rejected.insert((s.form.clone(), tag.clone()));
        rejected = Some((s.form.clone(), tag));
        Ok(json!({"rejected": s.form}))
    })
    .await?;
    if let (Some((form, tag)), Some(document)) = (rejected, args.uri.to_file_path()) {
        let document = document.into_owned();
        let stored =
            tokio::task::spawn_blocking(move || files::reject(&document, &form, &tag)).await;
        if let Ok(Err(e)) = stored {
            let message = format!("nomen: the rejection is not kept for next time: {e:#}");
            shared
                .client
                .show_message(lsp::MessageType::WARNING, message)
                .await;
        }
    }
    Ok(done)
}

/// Annotates the selected text and every other whole-word occurrence of it that no
/// annotation overlaps: in the document, or in every `.txt`/`.md` file of the workspace.
async fn add_all(shared: &Shared, command: &str, args: &Args) -> Result<Option<Value>> {
    let range = need(&args.range, command, "range")?;
    let label = need(&args.label, command, "label")?;
    let mut needle = String::new();
    let here = on_doc(shared, &args.uri, |st, a, session| {
        let whole = whole_text(&st.text);
        let range = trim_range(
            &whole,
            from_proto::text_range(&st.text, range, session.encoding),
        );
        needle = whole[usize::from(range.start())..usize::from(range.end())].to_string();
        if needle.is_empty() {
            return Err("select the text to annotate".into());
        }
        Ok(json!(add_occurrences(&mut a.doc, &whole, &needle, &label)))
    })
    .await?;
    let mut added = here.and_then(|v| v.as_u64()).unwrap_or(0);
    let mut files_changed = 0;
    if args.scope == Scope::Workspace {
        let this = args.uri.to_file_path().map(|p| p.into_owned());
        let roots = shared
            .roots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let paths = tokio::task::spawn_blocking(move || crate::workspace::prose_files(&roots))
            .await
            .unwrap_or_default();
        for path in paths.into_iter().filter(|p| Some(p) != this.as_ref()) {
            match add_in_file(shared, &path, &needle, &label).await {
                Ok(0) => {}
                Ok(n) => {
                    added += n;
                    files_changed += 1;
                }
                Err(e) => {
                    let message = format!("nomen: {e}");
                    shared
                        .client
                        .show_message(lsp::MessageType::WARNING, message)
                        .await;
                }
            }
        }
    }
    let message = match args.scope {
        Scope::Document => format!("nomen: {added} annotation(s) of “{needle}” added"),
        Scope::Workspace => format!(
            "nomen: {added} annotation(s) of “{needle}” added, {files_changed} other file(s) written"
        ),
    };
    shared
        .client
        .show_message(lsp::MessageType::INFO, message)
        .await;
    Ok(Some(json!({"added": added})))
}

/// Annotates every whole-word occurrence of `needle` that no annotation overlaps; how many.
fn add_occurrences(ann: &mut AnnDoc, text: &str, needle: &str, label: &str) -> u64 {
    let covered = Coverage::new(ann.entities().flat_map(|e| e.spans.iter().copied()));
    let mut added = 0;
    let mut last_end = None;
    for range in whole_word_occurrences(text, needle) {
        // Occurrences can overlap one another ("a a" in "a a a"): the first one wins.
        if !covered.overlaps(range) && last_end.is_none_or(|end| end <= range.start()) {
            ann.add(text, vec![range], label);
            last_end = Some(range.end());
            added += 1;
        }
    }
    added
}

/// Annotates the occurrences of `needle` in another file of the workspace: in memory if it
/// is open (written at its save), else in its `.ann` on disk at once.
async fn add_in_file(
    shared: &Shared,
    path: &Path,
    needle: &str,
    label: &str,
) -> std::result::Result<u64, String> {
    let Some(ann_path) = files::sidecar(path) else {
        return Ok(0);
    };
    if let Some(uri) = Uri::from_file_path(path).filter(|u| shared.doc(u).is_some()) {
        let done = on_doc(shared, &uri, |st, a, _| {
            let whole = whole_text(&st.text);
            Ok(json!(add_occurrences(&mut a.doc, &whole, needle, label)))
        })
        .await;
        return done
            .map(|v| v.and_then(|v| v.as_u64()).unwrap_or(0))
            .map_err(|e| e.message.to_string());
    }
    let _one_at_a_time = shared.annotation_writes.lock().await;
    let (document, needle_owned, label_owned) =
        (path.to_path_buf(), needle.to_string(), label.to_string());
    let target = ann_path.clone();
    let edited = tokio::task::spawn_blocking(move || {
        edit_on_disk(&document, &target, &needle_owned, &label_owned)
    })
    .await
    .map_err(|e| format!("{}: {e}", path.display()))??;
    let Some((added, old, new)) = edited else {
        return Ok(0);
    };
    super::annotations::write(shared, &ann_path, old.as_deref(), &new).await?;
    Ok(added)
}

/// Reads a document and its `.ann`, annotates the occurrences; how many, the `.ann` as read
/// and the new one (`None` when there is nothing to add). Blocking.
fn edit_on_disk(
    document: &Path,
    ann_path: &Path,
    needle: &str,
    label: &str,
) -> std::result::Result<Option<(u64, Option<String>, String)>, String> {
    let text = crate::files::read_text(document, crate::files::MAX_DOCUMENT_BYTES)
        .map_err(|e| e.to_string())?;
    if whole_word_occurrences(&text, needle).is_empty() {
        return Ok(None);
    }
    let old = files::read_ann(ann_path).map_err(|e| format!("{e:#}"))?;
    let mut ann = match &old {
        Some(old) => AnnDoc::parse(old, &text),
        None => AnnDoc::empty(),
    };
    let added = add_occurrences(&mut ann, &text, needle, label);
    Ok((added > 0).then(|| {
        let new = ann.render(&text);
        (added, old, new)
    }))
}
