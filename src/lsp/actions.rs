//! Code actions: the quick fixes of the consistency checks at the cursor, and the corrections
//! of the entity under it (its kind, not a name, same as another, into the knowledge base).
//! What can be corrected is the analysis's to say (`analysis::Corrections`); this turns it
//! into protocol values.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Shared, annotate, corrections, from_proto, to_proto};

pub(crate) async fn code_actions(
    shared: &Shared,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let checks = shared.config().checks;
    let range = params.range;
    let suggestions = shared.config().suggestions;
    shared
        .read(
            &params.text_document.uri,
            "codeAction",
            move |st, session| {
                let at = from_proto::text_range(&st.text, range, session.encoding);
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
                let offered = st.analysis.corrections_at(&st.text, at);
                if let Some(e) = offered.entity {
                    actions.extend(corrections::actions(
                        &uri, &e.form, &e.entity, e.known, &e.others,
                    ));
                }
                if let Some(form) = offered.to_mark {
                    actions.extend(corrections::mark_actions(&uri, &form));
                }
                actions.extend(annotate::actions(st, &uri, at, session, suggestions));
                Some(actions)
            },
        )
        .await
}
