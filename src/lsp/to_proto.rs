//! nomen's values to protocol values: offsets to positions, diagnostics, hovers.

use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

use crate::analysis::{self, Markup};
use crate::extract::Label;
use crate::text::{Encoding, Text, TextRange, TextSize};

pub(crate) fn encoding(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

pub(crate) fn position(text: &Text, offset: TextSize, encoding: Encoding) -> lsp::Position {
    let lc = text.line_col(offset, encoding);
    lsp::Position {
        line: lc.line,
        character: lc.col,
    }
}

pub(crate) fn range(text: &Text, range: TextRange, encoding: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(text, range.start(), encoding),
        end: position(text, range.end(), encoding),
    }
}

/// A diagnostic on the whole of line `line` (from its start to the next line's): the same in
/// every encoding, so it needs no text (a `.ann` file that is not open).
pub(crate) fn line_diagnostic(line: u32, code: &str, message: String) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range {
            start: lsp::Position { line, character: 0 },
            end: lsp::Position {
                line: line + 1,
                character: 0,
            },
        },
        severity: Some(lsp::DiagnosticSeverity::WARNING),
        code: Some(lsp::NumberOrString::String(code.into())),
        source: Some("nomen".into()),
        message,
        ..Default::default()
    }
}

/// An annotation's hover.
pub(crate) fn annotation_hover(
    text: &Text,
    info: &analysis::AnnotationHover,
    markup: Markup,
    encoding: Encoding,
) -> lsp::Hover {
    markup_hover(text, info.render(markup), info.range, markup, encoding)
}

/// A hover showing `value`, written in `markup`, over `at`.
fn markup_hover(
    text: &Text,
    value: String,
    at: crate::text::TextRange,
    markup: Markup,
    encoding: Encoding,
) -> lsp::Hover {
    let kind = match markup {
        Markup::Markdown => lsp::MarkupKind::Markdown,
        Markup::PlainText => lsp::MarkupKind::PlainText,
    };
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind, value }),
        range: Some(range(text, at, encoding)),
    }
}

/// The empty range at the start of `line`: the same in every encoding, so it needs no text
/// (a file known only from the workspace index).
pub(crate) fn line_start(line: u32) -> lsp::Range {
    let at = lsp::Position { line, character: 0 };
    lsp::Range { start: at, end: at }
}

fn severity(severity: analysis::Severity) -> lsp::DiagnosticSeverity {
    match severity {
        analysis::Severity::Error => lsp::DiagnosticSeverity::ERROR,
        analysis::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        analysis::Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        analysis::Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub(crate) fn diagnostic(
    text: &Text,
    d: &analysis::Diagnostic,
    encoding: Encoding,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(text, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.into())),
        source: Some("nomen".into()),
        message: d.message.clone(),
        ..Default::default()
    }
}

pub(crate) fn hover(
    text: &Text,
    info: &analysis::HoverInfo,
    markup: Markup,
    encoding: Encoding,
) -> lsp::Hover {
    markup_hover(text, info.render(markup), info.range, markup, encoding)
}

/// The token types of the legend, in `Label` order: standard types, so that themes colour
/// names without configuration.
pub(crate) const TOKEN_TYPES: [lsp::SemanticTokenType; 4] = [
    lsp::SemanticTokenType::FUNCTION,    // PER
    lsp::SemanticTokenType::CLASS,       // ORG
    lsp::SemanticTokenType::ENUM_MEMBER, // LOC
    lsp::SemanticTokenType::MACRO,       // MISC
];
pub(crate) const TOKEN_MODIFIERS: [lsp::SemanticTokenModifier; 1] =
    [lsp::SemanticTokenModifier::DECLARATION];

pub(crate) fn semantic_tokens(
    text: &Text,
    highlights: &[analysis::Highlight],
    encoding: Encoding,
) -> lsp::SemanticTokens {
    let mut data = Vec::with_capacity(highlights.len());
    let (mut prev_line, mut prev_col) = (0, 0);
    for h in highlights {
        // A token may not span lines: a name broken over two lines is two tokens.
        let mut start = h.range.start();
        while start < h.range.end() {
            let line = text.line_of(start);
            let end = h.range.end().min(text.line_end(line));
            if end > start {
                let a = text.line_col(start, encoding);
                let b = text.line_col(end, encoding);
                let delta_line = a.line - prev_line;
                let delta_start = if delta_line == 0 {
                    a.col - prev_col
                } else {
                    a.col
                };
                data.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length: b.col - a.col,
                    token_type: h.label as u32,
                    token_modifiers_bitset: u32::from(h.first),
                });
                (prev_line, prev_col) = (a.line, a.col);
            }
            start = text.line_start(line + 1).max(end + TextSize::from(1));
        }
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

pub(crate) fn symbol_kind(label: Label) -> lsp::SymbolKind {
    match label {
        Label::Per => lsp::SymbolKind::FUNCTION,
        Label::Org => lsp::SymbolKind::CLASS,
        Label::Loc => lsp::SymbolKind::ENUM_MEMBER,
        Label::Misc => lsp::SymbolKind::CONSTANT,
    }
}

/// The document's entities grouped by kind, each with its mentions as children.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
pub(crate) fn document_symbols(
    text: &Text,
    symbols: &[analysis::EntitySymbol],
    encoding: Encoding,
) -> Vec<lsp::DocumentSymbol> {
    let mut groups = Vec::new();
    for label in Label::ALL {
        let entities: Vec<lsp::DocumentSymbol> = symbols
            .iter()
            .filter(|s| s.label == label && !s.mentions.is_empty())
            .map(|s| {
                let mentions: Vec<lsp::DocumentSymbol> = s
                    .mentions
                    .iter()
                    .map(|r| {
                        let form = text
                            .slice(*r)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ");
                        let r = range(text, *r, encoding);
                        let name = format!("line {}", r.start.line + 1);
                        symbol(name, Some(form), lsp::SymbolKind::STRING, r, r, None)
                    })
                    .collect();
                let first = mentions[0].range;
                let last = mentions[mentions.len() - 1].range;
                let whole = lsp::Range {
                    start: first.start,
                    end: last.end,
                };
                let detail = format!(
                    "{}, {} mentions",
                    analysis::kind_name(label),
                    mentions.len()
                );
                symbol(
                    s.shown.clone(),
                    Some(detail),
                    symbol_kind(label),
                    whole,
                    first,
                    Some(mentions),
                )
            })
            .collect();
        if entities.is_empty() {
            continue;
        }
        let whole = lsp::Range {
            start: entities
                .iter()
                .map(|e| e.range.start)
                .min()
                .unwrap_or_default(),
            end: entities
                .iter()
                .map(|e| e.range.end)
                .max()
                .unwrap_or_default(),
        };
        let name = format!("{} ({})", group_name(label), entities.len());
        groups.push(symbol(
            name,
            None,
            lsp::SymbolKind::NAMESPACE,
            whole,
            entities[0].selection_range,
            Some(entities),
        ));
    }
    groups
}

fn group_name(label: Label) -> &'static str {
    match label {
        Label::Per => "People",
        Label::Org => "Organisations",
        Label::Loc => "Places",
        Label::Misc => "Other",
    }
}

#[allow(deprecated)]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: lsp::SymbolKind,
    range: lsp::Range,
    selection_range: lsp::Range,
    children: Option<Vec<lsp::DocumentSymbol>>,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children,
    }
}

/// A quick fix for a consistency diagnostic, as a code action with its edits.
pub(crate) fn quick_fix(
    text: &Text,
    uri: &lsp::Uri,
    diagnostic: &analysis::Diagnostic,
    fix: &analysis::Fix,
    encoding: Encoding,
) -> lsp::CodeAction {
    let edits = fix
        .edits
        .iter()
        .map(|(r, new_text)| lsp::TextEdit {
            range: range(text, *r, encoding),
            new_text: new_text.clone(),
        })
        .collect();
    lsp::CodeAction {
        title: fix.title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![self::diagnostic(text, diagnostic, encoding)]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(std::collections::HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: Some(true),
        ..Default::default()
    }
}
