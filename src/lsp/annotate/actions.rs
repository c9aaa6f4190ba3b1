//! The annotation code actions: on a suggestion, accept or reject it; on an annotation,
//! remove, relabel or link it; on a selection, annotate it with each label. Each runs one of
//! the commands of `annotate.rs`.

use serde_json::{Value, json};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::super::annotations::cover;
use super::super::documents::Snapshot;
use super::super::{Session, to_proto};
use super::{ACCEPT, ADD, LINK, REJECT, RELABEL, REMOVE};
use crate::analysis::{link_reference, trim_range};
use crate::text::{Text, TextRange};

/// The annotation code actions at `at`: on a suggestion, accept or reject it; on an
/// annotation, remove, relabel or link it; on a selection, annotate it with each label.
pub(crate) fn actions(
    st: &Snapshot,
    uri: &Uri,
    at: TextRange,
    session: Session,
    suggestions: bool,
) -> Vec<lsp::CodeActionOrCommand> {
    let Some(a) = st.annotations.ready() else {
        return Vec::new();
    };
    let text = &st.text;
    let enc = session.encoding;
    let mut out = Vec::new();
    let position = |offset| to_proto::position(text, offset, enc);
    if suggestions && a.is_annotated() {
        let covered = a.coverage();
        if let Some(s) = st
            .analysis
            .suggestion_at(text, at, |r, f, l| a.hides(&covered, r, f, l))
        {
            let args = json!({"uri": uri, "position": position(s.range.start())});
            let label = a.file_label(s.label);
            out.push(action(
                format!("nomen: annotate “{}” as {label}", s.form),
                ACCEPT,
                args.clone(),
            ));
            out.push(action(
                format!("nomen: do not suggest “{}” again in this document", s.form),
                REJECT,
                args,
            ));
        }
    }
    let entity = a
        .doc
        .entity_at(at.start())
        .or_else(|| a.doc.overlapping(at).next());
    if let Some(e) = entity {
        let start = cover(e).map_or(at.start(), |r| r.start());
        let args = json!({"uri": uri, "position": position(start)});
        let name = format!("“{}” ({} {})", e.text, e.id, e.label);
        out.push(action(
            format!("nomen: remove the annotation {name}"),
            REMOVE,
            args.clone(),
        ));
        for label in a.labels().into_iter().filter(|l| *l != e.label) {
            let mut args = args.clone();
            args["label"] = json!(label);
            out.push(action(
                format!("nomen: relabel “{}” as {label}", e.text),
                RELABEL,
                args,
            ));
        }
        if let Some(known) = st.analysis.knowledge().lookup(&e.text) {
            for link in &known.links {
                let mut args = args.clone();
                args["id"] = json!(link);
                out.push(action(
                    format!("nomen: link “{}” to {}", e.text, link_reference(link)),
                    LINK,
                    args,
                ));
            }
        }
    }
    let selected = selection(text, at);
    if !selected.is_empty() && entity.is_none() {
        let form = text.slice(selected).into_owned();
        let args = json!({"uri": uri, "range": to_proto::range(text, selected, enc)});
        for label in a.labels() {
            let mut args = args.clone();
            args["label"] = json!(label);
            out.push(action(
                format!("nomen: annotate “{form}” as {label}"),
                ADD,
                args,
            ));
        }
    }
    out
}

/// The selection with the spaces at its ends left out.
fn selection(text: &Text, at: TextRange) -> TextRange {
    if at.is_empty() {
        return at;
    }
    let slice = text.slice(at);
    let inner = trim_range(&slice, TextRange::up_to(at.len()));
    inner + at.start()
}

fn action(title: String, command: &str, argument: Value) -> lsp::CodeActionOrCommand {
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: title.clone(),
        kind: Some(lsp::CodeActionKind::REFACTOR_REWRITE),
        command: Some(lsp::Command {
            title,
            command: command.into(),
            arguments: Some(vec![argument]),
        }),
        ..Default::default()
    })
}
