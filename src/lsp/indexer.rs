//! Keeps the workspace index: every text and Markdown file under the workspace folders, indexed
//! in the background at start-up with `$/progress`, and again when the client reports a change.

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesParams, FileChangeType, ProgressToken, Registration,
};

use super::Shared;
use crate::workspace::{index_file, is_prose_file, prose_files};

/// Files indexed per blocking task: big enough to amortise the hop, small enough for progress.
const CHUNK: usize = 16;

pub(crate) async fn index_workspace(shared: Arc<Shared>) {
    use std::sync::atomic::Ordering;
    let run = shared.index_runs.fetch_add(1, Ordering::SeqCst) + 1;
    let superseded = || shared.index_runs.load(Ordering::SeqCst) != run;
    let roots = shared
        .roots
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if roots.is_empty() {
        return;
    }
    let started = Instant::now();
    let Ok(files) = tokio::task::spawn_blocking(move || prose_files(&roots)).await else {
        return;
    };
    let token = ProgressToken::String("nomen/index".into());
    let progress = if shared.session().progress
        && super::ask_client(
            "window/workDoneProgress/create",
            shared.client.create_work_done_progress(token.clone()),
        )
        .await
        .is_some_and(|answer| answer.is_ok())
    {
        let title = format!("nomen: indexing {} files", files.len());
        Some(
            shared
                .client
                .progress(token, title)
                .with_percentage(0)
                .begin()
                .await,
        )
    } else {
        None
    };
    let total = files.len().max(1);
    let mut entities = 0;
    for (i, chunk) in files.chunks(CHUNK).enumerate() {
        let chunk = chunk.to_vec();
        let in_force = shared.in_force();
        let config = shared.config();
        let knowledge = shared.current_knowledge();
        let done = tokio::task::spawn_blocking(move || {
            let language = config.language.lang();
            chunk
                .into_iter()
                .filter_map(|p| {
                    let found = index_file(
                        &p,
                        in_force.for_path(Some(&p)),
                        &knowledge,
                        language,
                        config.max_document_bytes,
                    )?;
                    Some((found, p))
                })
                .collect::<Vec<_>>()
        })
        .await;
        let Ok(done) = done else { continue };
        {
            let mut index = shared.workspace.write().unwrap_or_else(|e| e.into_inner());
            if superseded() {
                break;
            }
            for (found, path) in done {
                entities += found.len();
                index.insert(path, found);
            }
        }
        if let Some(progress) = &progress {
            progress
                .report((((i + 1) * CHUNK).min(total) * 100 / total) as u32)
                .await;
        }
    }
    let message = if superseded() {
        "stopped: the knowledge base changed, indexing again".to_string()
    } else {
        format!(
            "{} files, {entities} entities in {} ms",
            files.len(),
            started.elapsed().as_millis()
        )
    };
    tracing::info!("workspace index: {message}");
    if let Some(progress) = progress {
        progress.finish_with_message(message).await;
    }
}

/// Asks the client to report changes to prose files, knowledge-base files and `.ann` files.
pub(crate) async fn watch_files(shared: &Shared) {
    if !shared.session().watch_files {
        return;
    }
    let options = json!({"watchers": [
        {"globPattern": "**/*.{txt,text,md,markdown,mdown,mkd}"},
        {"globPattern": "**/.nomen/knowledge.{toml,jsonl}"},
        {"globPattern": "**/*.ann"},
    ]});
    let registration = Registration {
        id: "nomen/watch".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: Some(options),
    };
    let answer = super::ask_client(
        "client/registerCapability",
        shared.client.register_capability(vec![registration]),
    )
    .await;
    if let Some(Err(e)) = answer {
        tracing::warn!("the client would not watch files for nomen: {e}");
    }
}

/// Re-indexes the prose files the client says changed.
pub(crate) async fn files_changed(shared: &Arc<Shared>, params: DidChangeWatchedFilesParams) {
    for change in params.changes {
        let Some(path) = change.uri.to_file_path().map(|p| p.into_owned()) else {
            continue;
        };
        if !is_prose_file(&path) {
            continue;
        }
        if change.typ == FileChangeType::DELETED {
            shared
                .workspace
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&path);
            continue;
        }
        let in_force = shared.in_force();
        let config = shared.config();
        let target = path.clone();
        let knowledge = shared.current_knowledge();
        let found = tokio::task::spawn_blocking(move || {
            index_file(
                &target,
                in_force.for_path(Some(&target)),
                &knowledge,
                config.language.lang(),
                config.max_document_bytes,
            )
        })
        .await;
        let mut index = shared.workspace.write().unwrap_or_else(|e| e.into_inner());
        match found {
            Ok(Some(entities)) => index.insert(path, entities),
            _ => index.remove(&path),
        }
    }
}
