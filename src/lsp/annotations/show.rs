//! What an annotated document shows: a diagnostic per annotation and the suggestions, the
//! tokens, the hover.

use super::super::documents::Snapshot;
use super::Annotated;
use crate::analysis::{self, AnnotationHover, Highlight, Severity, Suggestion};
use crate::annotate::Entity;
use crate::text::{TextRange, TextSize};

/// The diagnostics of an annotated document: one per annotation, and the suggestions.
pub(crate) fn diagnostics(
    st: &Snapshot,
    a: &Annotated,
    severity: Option<Severity>,
    suggestions: bool,
    limit: usize,
) -> Vec<analysis::Diagnostic> {
    let mut out: Vec<analysis::Diagnostic> = match severity {
        Some(severity) => a
            .doc
            .entities()
            .filter_map(|e| {
                Some(analysis::Diagnostic {
                    range: cover(e)?,
                    severity,
                    code: "annotation",
                    message: format!("{} — {}", e.text, e.label),
                    fixes: Vec::new(),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    if suggestions {
        let covered = a.coverage();
        out.extend(
            st.analysis
                .suggestions(&st.text, |r, form, label| a.hides(&covered, r, form, label))
                .into_iter()
                .map(|s| suggestion_diagnostic(a, &s)),
        );
    }
    out.sort_by_key(|d| (d.range.start(), d.range.end()));
    out.truncate(limit);
    out
}

fn suggestion_diagnostic(a: &Annotated, s: &Suggestion) -> analysis::Diagnostic {
    analysis::Diagnostic {
        range: s.range,
        severity: Severity::Hint,
        code: "suggestion",
        message: format!(
            "{} — {} (suggested by nomen)",
            s.form,
            a.file_label(s.label)
        ),
        fixes: Vec::new(),
    }
}

/// From the start of an annotation's first span to the end of its last.
pub(crate) fn cover(e: &Entity) -> Option<TextRange> {
    let start = e.spans.iter().map(|s| s.start()).min()?;
    let end = e.spans.iter().map(|s| s.end()).max()?;
    Some(TextRange::new(start, end))
}

/// The annotations to colour, one token per span, within `within` if given.
pub(crate) fn highlights(a: &Annotated, within: Option<TextRange>) -> Vec<Highlight> {
    let mut out: Vec<Highlight> = a
        .doc
        .entities()
        .flat_map(|e| {
            let label = a.nomen_label(&e.label);
            e.spans.iter().map(move |&range| Highlight {
                range,
                label,
                first: false,
            })
        })
        .filter(|h| within.is_none_or(|w| w.intersect(h.range).is_some()))
        .collect();
    out.sort_by_key(|h| (h.range.start(), h.range.end()));
    out
}

/// The hover of the annotation at `offset`.
pub(crate) fn hover(a: &Annotated, offset: TextSize) -> Option<AnnotationHover> {
    let e = a.doc.entity_at(offset)?;
    let info = a.doc.info(&e.id);
    Some(AnnotationHover {
        range: cover(e)?,
        text: e.text.clone(),
        label: e.label.clone(),
        id: e.id.clone(),
        notes: info.notes,
        attributes: info.attributes,
        norms: info.norms,
    })
}
