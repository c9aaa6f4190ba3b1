//! Code actions: the quick fixes of the consistency checks at the cursor.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Shared, from_proto, to_proto};

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
            let actions = diagnostics
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
            Some(actions)
        })
        .await
}
