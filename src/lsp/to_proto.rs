//! nomen's values to protocol values: offsets to positions, diagnostics, hovers.

use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

use crate::analysis::{self, Markup};
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
        code: Some(lsp::NumberOrString::String("entity".into())),
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
    let kind = match markup {
        Markup::Markdown => lsp::MarkupKind::Markdown,
        Markup::PlainText => lsp::MarkupKind::PlainText,
    };
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind,
            value: info.render(markup),
        }),
        range: Some(range(text, info.range, encoding)),
    }
}
