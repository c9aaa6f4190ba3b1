//! Protocol values to nomen's own: positions to byte offsets, content changes to edits.

use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

use crate::analysis::{Format, Markup};
use crate::text::{Edit, Encoding, LineCol, Text, TextRange, TextSize};

pub(crate) fn encoding(kind: &PositionEncodingKind) -> Option<Encoding> {
    match kind.as_str() {
        "utf-8" => Some(Encoding::Utf8),
        "utf-16" => Some(Encoding::Utf16),
        "utf-32" => Some(Encoding::Utf32),
        _ => None,
    }
}

/// A position to an offset; out-of-range positions clamp (see `Text::offset`).
pub(crate) fn offset(text: &Text, pos: lsp::Position, encoding: Encoding) -> TextSize {
    text.offset(
        LineCol {
            line: pos.line,
            col: pos.character,
        },
        encoding,
    )
}

pub(crate) fn text_range(text: &Text, range: lsp::Range, encoding: Encoding) -> TextRange {
    let start = offset(text, range.start, encoding);
    let end = offset(text, range.end, encoding);
    // A range given backwards is read as the span between its two ends.
    TextRange::new(start.min(end), start.max(end))
}

/// A content change to an edit against `text` as it stands before the change. A change
/// without a range gives the whole new text (what a client that syncs whole texts sends on
/// every keystroke): the edit is then only what differs between the two texts, so that the
/// annotations and the blocks outside it stay where they are.
pub(crate) fn edit(
    text: &Text,
    change: lsp::TextDocumentContentChangeEvent,
    encoding: Encoding,
) -> Edit {
    let Some(range) = change.range else {
        let old = text.slice(TextRange::up_to(text.len()));
        let (range, len) = crate::analysis::minimal_change(&old, &change.text);
        let start = usize::from(range.start());
        let insert = change.text[start..start + usize::from(len)].to_string();
        return Edit { range, insert };
    };
    Edit {
        range: text_range(text, range, encoding),
        insert: change.text,
    }
}

pub(crate) fn format(language_id: &str, uri: &lsp::Uri) -> Format {
    match Format::guess(language_id) {
        Format::Markdown => Format::Markdown,
        Format::Plain => Format::guess(uri.path().as_str()),
    }
}

/// The first hover format the client lists that nomen can write; Markdown when it lists none.
pub(crate) fn hover_markup(caps: &lsp::ClientCapabilities) -> Markup {
    let kinds = caps
        .text_document
        .as_ref()
        .and_then(|t| t.hover.as_ref())
        .and_then(|h| h.content_format.as_ref());
    match kinds.and_then(|k| k.first()) {
        Some(lsp::MarkupKind::PlainText) => Markup::PlainText,
        _ => Markup::Markdown,
    }
}
