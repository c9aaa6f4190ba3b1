//! What the server offers, and what it settles from the client's capabilities.

use tower_lsp_server::ls_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    ExecuteCommandOptions, HoverProviderCapability, OneOf, PositionEncodingKind, RenameOptions,
    SemanticTokensFullOptions, SemanticTokensLegend, SemanticTokensOptions,
    SemanticTokensServerCapabilities, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};

use super::{Session, from_proto, to_proto};
use crate::text::Encoding;

/// UTF-8 when the client offers it (no conversion at all), else UTF-16, which every client must
/// support; UTF-32 only for a client that offers nothing else.
pub(crate) fn negotiate(caps: &ClientCapabilities) -> Session {
    let offered: Vec<Encoding> = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .map(|list| list.iter().filter_map(from_proto::encoding).collect())
        .unwrap_or_default();
    let encoding = if offered.contains(&Encoding::Utf8) {
        Encoding::Utf8
    } else if offered.is_empty() || offered.contains(&Encoding::Utf16) {
        Encoding::Utf16
    } else {
        Encoding::Utf32
    };
    let progress = caps
        .window
        .as_ref()
        .and_then(|w| w.work_done_progress)
        .unwrap_or(false);
    let watch_files = caps
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let refresh_tokens = caps
        .workspace
        .as_ref()
        .and_then(|w| w.semantic_tokens.as_ref())
        .and_then(|t| t.refresh_support)
        .unwrap_or(false);
    Session {
        encoding,
        markup: from_proto::hover_markup(caps),
        progress,
        watch_files,
        refresh_tokens,
    }
}

pub(crate) fn server_capabilities(session: &Session) -> ServerCapabilities {
    let encoding: PositionEncodingKind = to_proto::encoding(session.encoding);
    ServerCapabilities {
        position_encoding: Some(encoding),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                // Annotations are written when their document is saved.
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: to_proto::TOKEN_TYPES.to_vec(),
                    token_modifiers: to_proto::TOKEN_MODIFIERS.to_vec(),
                },
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR_REWRITE,
            ]),
            ..Default::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: std::iter::once(super::corrections::CORRECT_COMMAND)
                .chain(super::annotate::COMMANDS)
                .chain([super::learning::RESET])
                .map(String::from)
                .collect(),
            ..Default::default()
        }),
        document_highlight_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        ..Default::default()
    }
}
