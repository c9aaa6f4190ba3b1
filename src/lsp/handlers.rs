//! One thin function per request and notification.

use std::sync::Arc;

use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::documents::{Change, DocHandle, worker};
use super::{
    Shared, actions, annotate, annotations, capabilities, corrections, extractor, from_proto,
    indexer, knowledge, learning, navigation, to_proto,
};
use crate::analysis::DocOptions;

/// The parameters of `transport::INVALID_REQUEST`.
#[derive(serde::Deserialize)]
pub(crate) struct InvalidRequestParams {
    reason: String,
}

pub struct Backend {
    shared: Arc<Shared>,
    /// Settings problems found during `initialize`, shown once the client is ready for them.
    init_errors: std::sync::Mutex<Vec<String>>,
}

impl Backend {
    pub(crate) fn new(shared: Arc<Shared>) -> Backend {
        Backend {
            shared,
            init_errors: Default::default(),
        }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    fn options_for(&self, language_id: &str, uri: &Uri) -> DocOptions {
        DocOptions {
            format: from_proto::format(language_id, uri),
            language: self.shared.config().language.lang(),
        }
    }

    /// A request the client sent broken (see `transport`): an `InvalidRequest` error saying
    /// what was wrong, also in the client's log.
    pub(crate) async fn invalid_request(&self, params: InvalidRequestParams) -> Result<()> {
        let message = format!("nomen: a request could not be read: {}", params.reason);
        self.shared
            .client
            .log_message(MessageType::WARNING, &message)
            .await;
        Err(tower_lsp_server::jsonrpc::Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InvalidRequest,
            message: message.into(),
            data: None,
        })
    }

    async fn report_settings_errors(&self, errors: Vec<String>) {
        for error in errors {
            tracing::warn!("{error}");
            self.shared
                .client
                .show_message(MessageType::WARNING, error)
                .await;
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut session = capabilities::negotiate(&params.capabilities);
        *self.shared.roots.lock().unwrap_or_else(|e| e.into_inner()) = roots(&params);
        if let Some(options) = &params.initialization_options {
            let mut config = self
                .shared
                .config
                .write()
                .unwrap_or_else(|e| e.into_inner());
            let errors = config.update(options);
            // A client that counts in another unit than it says (ALE counts bytes and offers
            // nothing) is set right by the user.
            if let Some(encoding) = config.position_encoding.encoding() {
                session.encoding = encoding;
            }
            *self.init_errors.lock().unwrap_or_else(|e| e.into_inner()) = errors;
        }
        let _ = self.shared.session.set(session);
        // Build the extractor's tables while the client finishes its handshake.
        let cell = self.shared.extractor.clone();
        tokio::task::spawn_blocking(move || {
            extractor(&cell);
        });
        Ok(InitializeResult {
            capabilities: capabilities::server_capabilities(&session),
            server_info: Some(ServerInfo {
                name: "nomen".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let errors =
            std::mem::take(&mut *self.init_errors.lock().unwrap_or_else(|e| e.into_inner()));
        self.report_settings_errors(errors).await;
        knowledge::load(&self.shared).await;
        let shared = self.shared.clone();
        tokio::spawn(async move { learning::load(&shared).await });
        // Not awaited here: the registration waits for the client's answer.
        let shared = self.shared.clone();
        tokio::spawn(async move { indexer::watch_files(&shared).await });
        tokio::spawn(indexer::index_workspace(self.shared.clone()));
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let (kb, prose): (Vec<_>, Vec<_>) = params.changes.into_iter().partition(|c| {
            c.uri
                .to_file_path()
                .is_some_and(|p| knowledge::is_knowledge_file(&p))
        });
        for change in kb {
            if let Some(path) = change.uri.to_file_path() {
                knowledge::reload(&self.shared, &path).await;
            }
        }
        let (ann, prose): (Vec<_>, Vec<_>) = prose
            .into_iter()
            .partition(|c| annotations::is_ann_uri(&c.uri));
        for change in ann {
            if let Some(path) = change.uri.to_file_path() {
                annotations::changed_on_disk(&self.shared, &path, false).await;
            }
        }
        indexer::files_changed(&self.shared, DidChangeWatchedFilesParams { changes: prose }).await;
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        match params.command.as_str() {
            corrections::CORRECT_COMMAND => {
                corrections::correct(&self.shared, params.arguments).await
            }
            learning::RESET => learning::reset(&self.shared).await,
            command if annotate::COMMANDS.contains(&command) => {
                annotate::run(&self.shared, command, params.arguments).await
            }
            other => Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "nomen: unknown command {other}"
            ))),
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared
            .shut_down
            .store(true, std::sync::atomic::Ordering::SeqCst);
        for doc in self.shared.all_docs() {
            doc.close();
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        if knowledge::opened(&self.shared, &item.uri, &item.text, item.version)
            || annotations::opened(&self.shared, &item.uri, &item.text)
        {
            return;
        }
        let options = self.options_for(&item.language_id, &item.uri);
        let doc = Arc::new(DocHandle::new(
            item.uri.clone(),
            &item.text,
            item.version,
            options,
        ));
        let previous = self
            .shared
            .docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(item.uri, doc.clone());
        if let Some(previous) = previous {
            previous.close();
        }
        doc.set_knowledge(self.shared.current_knowledge());
        tokio::spawn(worker(self.shared.clone(), doc.clone()));
        doc.wake();
        annotations::load(&self.shared, &doc, item.text).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let uri = &params.text_document.uri;
        if let Some(doc) = self.shared.doc(uri) {
            annotations::save(&self.shared, &doc).await;
            learning::learn_saved(&self.shared, &doc);
        } else if annotations::is_ann_uri(uri) {
            // A `.ann` edited by hand in the editor and saved: its document takes it.
            if let Some(path) = uri.to_file_path() {
                annotations::changed_on_disk(&self.shared, &path, true).await;
            }
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let encoding = self.shared.session().encoding;
        let uri = &params.text_document.uri;
        let version = params.text_document.version;
        if knowledge::is_open(&self.shared, uri) {
            knowledge::changed(&self.shared, uri, version, params.content_changes, encoding);
            return;
        }
        let changes = params.content_changes;
        let Some(changes) = annotations::changed(&self.shared, uri, changes, encoding) else {
            return;
        };
        let Some(doc) = self.shared.doc(&params.text_document.uri) else {
            tracing::warn!(
                uri = params.text_document.uri.as_str(),
                "didChange for a document that is not open"
            );
            return;
        };
        let change = doc.change(version, move |text| {
            // Each change is relative to the text the previous one left, so convert as we go.
            let mut scratch = text.clone();
            changes
                .into_iter()
                .map(|change| {
                    let edit = from_proto::edit(&scratch, change, encoding);
                    scratch.apply(&edit);
                    edit
                })
                .collect()
        });
        if let Change::Dropped {
            current,
            first: true,
        } = change
        {
            let message = format!(
                "nomen: {}: a change came out of order (version {version} after {current}) and was dropped; nomen's copy of the text is wrong, so it shows no names until you reopen the document",
                doc.uri.as_str()
            );
            self.shared
                .client
                .show_message(MessageType::WARNING, message)
                .await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if knowledge::closed(&self.shared, &uri) || annotations::closed(&self.shared, &uri) {
            return;
        }
        let doc = self
            .shared
            .docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&uri);
        match doc {
            Some(doc) => {
                doc.close_and_clear(&self.shared).await;
                // nomen no longer follows its annotations: their problems go with it.
                if let Some(path) = annotations::sidecar_of(&uri) {
                    annotations::publish_problems(&self.shared, &path, Vec::new()).await;
                }
            }
            None => {
                self.shared
                    .client
                    .publish_diagnostics(uri, Vec::new(), None)
                    .await;
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let errors = self
            .shared
            .config
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .update(&params.settings);
        self.report_settings_errors(errors).await;
        let language = self.shared.config().language.lang();
        for doc in self.shared.all_docs() {
            let format = doc.options().format;
            doc.reset(DocOptions { format, language });
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let this = pos.text_document.uri.to_file_path().map(|p| p.into_owned());
        let position = pos.position;
        let shared = self.shared.clone();
        self.shared
            .read(&pos.text_document.uri, "hover", move |st, session| {
                let offset = from_proto::offset(&st.text, position, session.encoding);
                if let Some(a) = st.annotations.annotated() {
                    if let Some(info) = annotations::hover(a, offset) {
                        return Some(to_proto::annotation_hover(
                            &st.text,
                            &info,
                            session.markup,
                            session.encoding,
                        ));
                    }
                }
                let mut info = st.analysis.hover(&st.text, offset)?;
                info.elsewhere = shared.elsewhere(&info.entity.name, this.as_deref());
                Some(to_proto::hover(
                    &st.text,
                    &info,
                    session.markup,
                    session.encoding,
                ))
            })
            .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let tokens =
            navigation::semantic_tokens(&self.shared, &params.text_document.uri, None).await?;
        Ok(tokens.map(SemanticTokensResult::Tokens))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let tokens = navigation::semantic_tokens(
            &self.shared,
            &params.text_document.uri,
            Some(params.range),
        )
        .await?;
        Ok(tokens.map(SemanticTokensRangeResult::Tokens))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        navigation::document_highlight(&self.shared, params.text_document_position_params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        navigation::definition(&self.shared, params.text_document_position_params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        navigation::references(&self.shared, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        navigation::document_symbols(&self.shared, &params.text_document.uri).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        navigation::workspace_symbols(&self.shared, &params.query).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        navigation::prepare_rename(&self.shared, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        actions::code_actions(&self.shared, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        navigation::rename(&self.shared, params).await
    }
}

/// The workspace folders as paths: the folders if the client gives them, else the root.
#[allow(deprecated)] // `root_uri` is how older clients say it.
fn roots(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let folders = params.workspace_folders.iter().flatten().map(|f| &f.uri);
    let uris: Vec<&Uri> = if params
        .workspace_folders
        .as_ref()
        .is_some_and(|f| !f.is_empty())
    {
        folders.collect()
    } else {
        params.root_uri.iter().collect()
    };
    uris.into_iter()
        .filter_map(|u| u.to_file_path().map(|p| p.into_owned()))
        .collect()
}
