//! Handlers for navigating entities: semantic tokens, highlights, definition, references,
//! document and workspace symbols, rename.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::{Shared, from_proto, to_proto};
use crate::analysis::SymbolQuery;

pub(crate) async fn semantic_tokens(
    shared: &Shared,
    uri: &Uri,
    range: Option<Range>,
) -> Result<Option<SemanticTokens>> {
    shared
        .read(uri, "semanticTokens", move |st, session| {
            let within = range.map(|r| from_proto::text_range(&st.text, r, session.encoding));
            // An annotated document colours its annotations, not nomen's mentions.
            let highlights = match st.annotations.annotated() {
                Some(a) => super::annotations::highlights(a, within),
                None => st.analysis.highlights(within),
            };
            Some(to_proto::semantic_tokens(
                &st.text,
                &highlights,
                session.encoding,
            ))
        })
        .await
}

pub(crate) async fn document_highlight(
    shared: &Shared,
    pos: TextDocumentPositionParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let position = pos.position;
    shared
        .read(
            &pos.text_document.uri,
            "documentHighlight",
            move |st, session| {
                let offset = from_proto::offset(&st.text, position, session.encoding);
                let (_, key) = st.analysis.entity_at(offset)?;
                let definition = st.analysis.definition(&key);
                let highlights = st
                    .analysis
                    .occurrences(&key)
                    .iter()
                    .map(|m| DocumentHighlight {
                        range: to_proto::range(&st.text, m.range, session.encoding),
                        // The first, fullest mention introduces the entity; the others refer to it.
                        kind: Some(if Some(m.range) == definition {
                            DocumentHighlightKind::WRITE
                        } else {
                            DocumentHighlightKind::READ
                        }),
                    })
                    .collect();
                Some(highlights)
            },
        )
        .await
}

pub(crate) async fn definition(
    shared: &Shared,
    pos: TextDocumentPositionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let uri = pos.text_document.uri.clone();
    let position = pos.position;
    shared
        .read(&pos.text_document.uri, "definition", move |st, session| {
            let offset = from_proto::offset(&st.text, position, session.encoding);
            let (_, key) = st.analysis.entity_at(offset)?;
            let range = to_proto::range(&st.text, st.analysis.definition(&key)?, session.encoding);
            Some(GotoDefinitionResponse::Scalar(Location {
                uri: uri.clone(),
                range,
            }))
        })
        .await
}

pub(crate) async fn references(
    shared: &Shared,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let pos = params.text_document_position;
    let uri = pos.text_document.uri.clone();
    let include_declaration = params.context.include_declaration;
    let position = pos.position;
    shared
        .read(&pos.text_document.uri, "references", move |st, session| {
            let offset = from_proto::offset(&st.text, position, session.encoding);
            let (_, key) = st.analysis.entity_at(offset)?;
            let definition = st.analysis.definition(&key);
            let locations = st
                .analysis
                .occurrences(&key)
                .iter()
                .filter(|m| include_declaration || Some(m.range) != definition)
                .map(|m| Location {
                    uri: uri.clone(),
                    range: to_proto::range(&st.text, m.range, session.encoding),
                })
                .collect();
            Some(locations)
        })
        .await
}

pub(crate) async fn document_symbols(
    shared: &Shared,
    uri: &Uri,
) -> Result<Option<DocumentSymbolResponse>> {
    shared
        .read(uri, "documentSymbol", move |st, session| {
            let symbols = st.analysis.symbols();
            Some(DocumentSymbolResponse::Nested(to_proto::document_symbols(
                &st.text,
                &symbols,
                session.encoding,
            )))
        })
        .await
}

/// Entities of every open document whose name contains the query (case and accents aside).
pub(crate) async fn workspace_symbols(
    shared: &Shared,
    query: &str,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let query = SymbolQuery::new(query);
    let mut out = Vec::new();
    for doc in shared.all_docs() {
        let query = query.clone();
        let uri = doc.uri.clone();
        let found = shared
            .read(&doc.uri, "workspace/symbol", move |st, session| {
                let symbols = st.analysis.symbols_matching(&query);
                let found: Vec<WorkspaceSymbol> = symbols
                    .into_iter()
                    .map(|s| WorkspaceSymbol {
                        name: s.name.clone(),
                        kind: to_proto::symbol_kind(s.label),
                        tags: None,
                        container_name: Some(format!("{} mentions", s.mentions.len())),
                        location: OneOf::Left(Location {
                            uri: uri.clone(),
                            range: to_proto::range(&st.text, s.mentions[0], session.encoding),
                        }),
                        data: None,
                    })
                    .collect();
                Some(found)
            })
            .await?;
        out.extend(found.unwrap_or_default());
    }
    // Files that are not open come from the workspace index.
    let open: Vec<std::path::PathBuf> = shared
        .all_docs()
        .iter()
        .filter_map(|d| d.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    let index = shared.workspace.read().unwrap_or_else(|e| e.into_inner());
    for (path, e) in index.entities() {
        if open.iter().any(|p| p == path) || !query.matches(&e.name) {
            continue;
        }
        let Some(uri) = Uri::from_file_path(path) else {
            continue;
        };
        out.push(WorkspaceSymbol {
            name: e.name.clone(),
            kind: to_proto::symbol_kind(e.label),
            tags: None,
            container_name: Some(format!("{} mentions", e.mentions)),
            location: OneOf::Left(Location {
                uri,
                range: to_proto::line_start(e.first_line),
            }),
            data: None,
        });
    }
    drop(index);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Some(WorkspaceSymbolResponse::Nested(out)))
}

pub(crate) async fn prepare_rename(
    shared: &Shared,
    pos: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let position = pos.position;
    let answer = shared
        .read(
            &pos.text_document.uri,
            "prepareRename",
            move |st, session| {
                let offset = from_proto::offset(&st.text, position, session.encoding);
                let Some((range, _)) = st.analysis.entity_at(offset) else {
                    return Some(Err(refusal(&crate::analysis::RenameError::NotAName)));
                };
                let placeholder = st.text.slice(range).into_owned();
                Some(Ok(PrepareRenameResponse::RangeWithPlaceholder {
                    range: to_proto::range(&st.text, range, session.encoding),
                    placeholder,
                }))
            },
        )
        .await?;
    answer.transpose()
}

pub(crate) async fn rename(shared: &Shared, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let pos = params.text_document_position;
    let uri = pos.text_document.uri.clone();
    let position = pos.position;
    let new_name = params.new_name;
    let answer = shared
        .read(&pos.text_document.uri, "rename", move |st, session| {
            let offset = from_proto::offset(&st.text, position, session.encoding);
            let edits = match st.analysis.rename(&st.text, offset, &new_name) {
                Ok(edits) => edits,
                Err(e) => return Some(Err(refusal(&e))),
            };
            let edits = edits
                .into_iter()
                .map(|(range, new_text)| TextEdit {
                    range: to_proto::range(&st.text, range, session.encoding),
                    new_text,
                })
                .collect();
            Some(Ok(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }))
        })
        .await?;
    answer.transpose()
}

fn refusal(reason: &crate::analysis::RenameError) -> Error {
    Error {
        message: format!("nomen: {reason}").into(),
        ..Error::invalid_params("")
    }
}
