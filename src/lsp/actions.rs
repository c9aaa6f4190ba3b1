//! Code actions: the quick fixes of the consistency checks at the cursor, and the corrections
//! of the entity under it (its kind, not a name, same as another, into the knowledge base).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Shared, from_proto, knowledge, to_proto};

pub(crate) async fn code_actions(
    shared: &Shared,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let checks = shared.config().checks;
    shared
        .read(&params.text_document.uri, "codeAction", |st, session| {
            let at = from_proto::text_range(&st.text, params.range, session.encoding);
            let diagnostics = st.analysis.checks(&st.text, &checks);
            let mut actions: Vec<CodeActionOrCommand> = diagnostics
                .iter()
                .filter(|d| d.range.intersect(at).is_some())
                .flat_map(|d| d.fixes.iter().map(move |fix| (d, fix)))
                .map(|(d, fix)| {
                    CodeActionOrCommand::CodeAction(to_proto::quick_fix(
                        &st.text,
                        &uri,
                        d,
                        fix,
                        session.encoding,
                    ))
                })
                .collect();
            if let Some((range, key)) = st.analysis.entity_at(at.start()) {
                let form = st
                    .text
                    .slice(range)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(entity) = st.analysis.entity_info(&key) {
                    let known = st.analysis.knowledge().lookup(&key).is_some();
                    let mut others: Vec<_> = st
                        .analysis
                        .symbols()
                        .into_iter()
                        .filter(|s| s.name != key)
                        .collect();
                    // Likely targets first: the same kind, then the most mentioned.
                    others.sort_by_key(|s| {
                        (s.label != entity.label, std::cmp::Reverse(s.mentions.len()))
                    });
                    let others: Vec<_> = others.into_iter().map(|s| (s.name, s.label)).collect();
                    actions.extend(knowledge::actions(&uri, &form, &entity, known, &others));
                }
            }
            Some(actions)
        })
        .await
}
