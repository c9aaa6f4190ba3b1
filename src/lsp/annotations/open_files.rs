//! The `.ann` files open in the editor (their text is kept, and they are not prose), and
//! writing a `.ann`: into the editor's buffer when it is open there, else on disk.

use std::path::Path;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::super::Shared;
use super::whole_text;
use crate::annotate;
use crate::files::annotations as files;
use crate::text::{Encoding, Text};

/// Writes the new text of a `.ann`: into the editor's buffer through `workspace/applyEdit`
/// when the file is open there (its unsaved changes are the truth the user sees), else
/// atomically on disk. `base` is the file as nomen last read or wrote it: where the buffer or
/// the file changed since, nomen's changes are merged into it line by line
/// ([`annotate::merge`]) rather than written over it. Returns how many of nomen's new lines
/// could not go in (their ids were taken by hand).
pub(crate) async fn write(
    shared: &Shared,
    path: &Path,
    base: Option<&str>,
    new: &str,
) -> Result<usize, String> {
    let open = Uri::from_file_path(path).and_then(|uri| {
        let buffers = shared.ann_buffers.lock().unwrap_or_else(|e| e.into_inner());
        let text = buffers.get(&uri)?.clone();
        Some((uri, text))
    });
    if let Some((uri, text)) = open {
        let old = whole_text(&text);
        let merged = annotate::merge(base.unwrap_or(""), new, &old);
        let edit = super::super::corrections::minimal_edit(
            &text,
            &old,
            &merged.text,
            shared.session().encoding,
        );
        let workspace_edit = lsp::WorkspaceEdit {
            changes: Some(std::collections::HashMap::from([(uri, vec![edit])])),
            ..Default::default()
        };
        let answer = super::super::ask_client(
            "workspace/applyEdit",
            shared.client.apply_edit(workspace_edit),
        )
        .await;
        return match answer {
            Some(Ok(response)) if response.applied => Ok(merged.dropped),
            Some(Ok(response)) => Err(format!(
                "the editor did not edit the open {} ({})",
                path.display(),
                response.failure_reason.unwrap_or_default()
            )),
            Some(Err(e)) => Err(format!("{}: {e}", path.display())),
            None => Err(format!("{}: the editor did not answer", path.display())),
        };
    }
    let (target, base, new) = (
        path.to_path_buf(),
        base.unwrap_or("").to_string(),
        new.to_string(),
    );
    let written = tokio::task::spawn_blocking(move || {
        // A file removed meanwhile is written whole, as nomen holds it.
        let now = files::read_ann(&target)?.unwrap_or_else(|| base.clone());
        let merged = annotate::merge(&base, &new, &now);
        files::write_if_changed(&target, &merged.text).map(|_| merged.dropped)
    })
    .await;
    match written {
        Ok(Ok(dropped)) => Ok(dropped),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Whether `uri` names a `.ann` file.
pub(crate) fn is_ann_uri(uri: &Uri) -> bool {
    uri.path().as_str().ends_with(".ann")
}

/// A `.ann` opened in the editor: its text is kept (annotations are written into it, not
/// under it on disk), and it is not analysed as prose. `false` for any other document.
pub(crate) fn opened(shared: &Shared, uri: &Uri, text: &str) -> bool {
    if !is_ann_uri(uri) {
        return false;
    }
    shared
        .ann_buffers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(uri.clone(), Text::new(text));
    true
}

/// Applies a `didChange` to an open `.ann`; the changes back if `uri` is not one.
pub(crate) fn changed(
    shared: &Shared,
    uri: &Uri,
    changes: Vec<lsp::TextDocumentContentChangeEvent>,
    encoding: Encoding,
) -> Option<Vec<lsp::TextDocumentContentChangeEvent>> {
    let mut buffers = shared.ann_buffers.lock().unwrap_or_else(|e| e.into_inner());
    let Some(text) = buffers.get_mut(uri) else {
        return Some(changes);
    };
    for change in changes {
        let edit = super::super::from_proto::edit(text, change, encoding);
        text.apply(&edit);
    }
    None
}

/// Whether the `.ann` at `uri` is open in the editor.
pub(crate) fn is_open(shared: &Shared, uri: &Uri) -> bool {
    shared
        .ann_buffers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains_key(uri)
}

/// Forgets an open `.ann`'s text; `false` if `uri` is not one.
pub(crate) fn closed(shared: &Shared, uri: &Uri) -> bool {
    shared
        .ann_buffers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(uri)
        .is_some()
}
