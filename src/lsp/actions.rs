//! Code actions: the quick fixes of the consistency checks at the cursor, and the corrections
//! of the entity under it (its kind, not a name, same as another, into the knowledge base).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Shared, corrections, from_proto, to_proto};

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
            let at_entity = st.analysis.entity_at(at.start());
            // What to offer marking as a name: where no mention is, the selection or the
            // capitalised word under the cursor (a name extraction missed); on a mention, a
            // selection that holds it and more ("Union des aéroports français" where "Union
            // des aéroports" was found). Marking puts it in the knowledge base, whose
            // names are marked wherever they are written, and a known form replaces the
            // mentions it holds. A form the knowledge base has already is not offered: its
            // kind is set where the entity is marked.
            let to_mark = unmarked_name(&st.text, at).filter(|form| {
                // Only wider bounds: extraction's mention stands over a known form it holds.
                let other_bounds = at_entity.as_ref().is_none_or(|(range, _)| {
                    at.contains_range(*range) && *form != normalized(&st.text.slice(*range))
                });
                other_bounds && st.analysis.knowledge().lookup(form).is_none()
            });
            if let Some((range, key)) = at_entity {
                let form = normalized(&st.text.slice(range));
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
                    actions.extend(corrections::actions(&uri, &form, &entity, known, &others));
                }
            }
            if let Some(form) = to_mark {
                actions.extend(corrections::mark_actions(&uri, &form));
            }
            Some(actions)
        })
        .await
}

/// `text` with every run of white space made one space.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name to offer marking at `at`: the selection (one line, up to 100 bytes, some letter in
/// it), else the word under the cursor if it starts with a capital.
fn unmarked_name(text: &crate::text::Text, at: crate::text::TextRange) -> Option<String> {
    let selected = if at.is_empty() {
        let line = text.line_of(at.start());
        let start = text.line_start(line);
        let line_text = text.slice(crate::text::TextRange::new(start, text.line_end(line)));
        let offset = usize::from(at.start() - start);
        let is_part = |c: char| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’');
        let from = line_text[..offset]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_part(*c))
            .last()
            .map_or(offset, |(i, _)| i);
        let to = line_text[offset..]
            .char_indices()
            .find(|(_, c)| !is_part(*c))
            .map_or(line_text.len(), |(i, _)| offset + i);
        let word = line_text[from..to]
            .trim_matches(['-', '\'', '’'])
            .to_string();
        if !word.starts_with(char::is_uppercase) {
            return None;
        }
        word
    } else {
        text.slice(at).into_owned()
    };
    let form = normalized(&selected);
    let one_line = !selected.trim().contains('\n');
    (one_line && form.len() <= 100 && form.chars().any(char::is_alphabetic)).then_some(form)
}

#[cfg(test)]
mod tests {
    use super::unmarked_name;
    use crate::text::{Text, TextRange, TextSize};

    #[test]
    fn the_name_offered_is_the_selection_or_a_capitalised_word() {
        let text = Text::new("Talks with Peel Ports resumed.\nA second\nline.\n");
        let at = |start: u32, end: u32| TextRange::new(TextSize::new(start), TextSize::new(end));
        let name = |start, end| unmarked_name(&text, at(start, end));
        assert_eq!(name(11, 21).as_deref(), Some("Peel Ports"));
        assert_eq!(
            name(13, 13).as_deref(),
            Some("Peel"),
            "the word under the cursor"
        );
        assert_eq!(
            name(11, 11).as_deref(),
            Some("Peel"),
            "the cursor before it"
        );
        assert_eq!(name(7, 7), None, "a word in lower case");
        assert_eq!(name(30, 30), None, "no word");
        assert_eq!(name(31, 44), None, "a selection over two lines");
        assert_eq!(name(29, 30), None, "no letter");
    }
}
