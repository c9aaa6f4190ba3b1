//! `nomen check` and `nomen extract` on an annotated document (a `.txt` or `.md` with a
//! `.ann` beside it): its annotations, and nomen's own mentions that no annotation overlaps
//! (and that were not rejected) as suggestions.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use super::export::JsonDoc;
use crate::analysis::DocEntities;
use crate::analysis::Mention;
use crate::annotate::convert::{self, Annotated};
use crate::annotate::{AnnDoc, LabelMap, bytes_to_cps};
use crate::files::annotations as sidecar;

use super::ExtractFormat;

/// An annotated document's annotations, with what decides its suggestions.
pub struct Annotations {
    pub ann_path: PathBuf,
    pub doc: AnnDoc,
    pub labels: LabelMap,
    /// The forms and labels rejected in this document.
    rejected: Vec<(String, String)>,
}

/// The annotations of `path` if it has a `.ann`; a bad label map or rejections file is
/// reported on stderr and left out.
pub fn load(path: &Path, text: &str) -> Result<Option<Annotations>> {
    let Some(ann_path) = sidecar::sidecar(path) else {
        return Ok(None);
    };
    let Some(doc) = sidecar::load(path, text)? else {
        return Ok(None);
    };
    let labels = sidecar::labels_for(path).unwrap_or_else(|problem| {
        match problem {
            sidecar::LabelsProblem::Unreadable(e) => eprintln!("nomen: {e:#}; not used"),
            sidecar::LabelsProblem::Invalid { file, errors, .. } => {
                for e in errors {
                    eprintln!(
                        "nomen: {}: byte {}: {}",
                        file.display(),
                        u32::from(e.range.start()),
                        e.message
                    );
                }
            }
        }
        LabelMap::default()
    });
    let folder = sidecar::workspace_of(path);
    let key = sidecar::document_key(&folder, path);
    let rejected = match sidecar::load_rejections(&folder) {
        Ok(r) => r
            .of(&key)
            .map(|r| (r.form.clone(), r.label.clone()))
            .collect(),
        Err(e) => {
            eprintln!("nomen: {e:#}; rejections not used");
            Vec::new()
        }
    };
    Ok(Some(Annotations {
        ann_path,
        doc,
        labels,
        rejected,
    }))
}

impl Annotations {
    /// Whether nomen's mention is a suggestion: no annotation overlaps it and it was not
    /// rejected in this document.
    pub fn suggests(&self, text: &str, m: &Mention) -> bool {
        let form = &text[m.range];
        let rejected = (self.rejected.iter()).any(|(f, l)| f == form && l == m.label.tag());
        !rejected && self.doc.overlapping(m.range).next().is_none()
    }
}

#[derive(Serialize)]
struct JsonEntity<'a> {
    start: u32,
    end: u32,
    label: String,
    text: &'a str,
    /// `annotation` or `suggestion`.
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
}

/// `nomen extract`'s output for an annotated document.
pub fn render(
    format: ExtractFormat,
    path: &Path,
    text: &str,
    entities: &DocEntities,
    annotations: &Annotations,
) -> String {
    let suggestions: Vec<&Mention> = (entities.mentions.iter())
        .filter(|m| annotations.suggests(text, m))
        .collect();
    let label = |m: &Mention| annotations.labels.file_label(m.label, &annotations.doc);
    match format {
        ExtractFormat::Jsonl => {
            let mut bytes: Vec<u32> = (annotations.doc.entities())
                .flat_map(|e| e.spans.iter().copied())
                .chain(suggestions.iter().map(|m| m.range))
                .flat_map(|r| [u32::from(r.start()), u32::from(r.end())])
                .collect();
            bytes.sort_unstable();
            bytes.dedup();
            let cps = bytes_to_cps(text, &bytes);
            let cp =
                |b: crate::text::TextSize| cps[bytes.binary_search(&u32::from(b)).unwrap_or(0)];
            let mut out: Vec<JsonEntity> = Vec::new();
            for e in annotations.doc.entities() {
                for span in &e.spans {
                    out.push(JsonEntity {
                        start: cp(span.start()),
                        end: cp(span.end()),
                        label: e.label.clone(),
                        text: &text[*span],
                        source: "annotation",
                        id: Some(&e.id),
                    });
                }
            }
            for m in &suggestions {
                out.push(JsonEntity {
                    start: cp(m.range.start()),
                    end: cp(m.range.end()),
                    label: label(m),
                    text: &text[m.range],
                    source: "suggestion",
                    id: None,
                });
            }
            out.sort_by_key(|e| (e.start, e.end));
            let doc = JsonDoc {
                path: path.display().to_string(),
                language: entities.language.code(),
                entities: out,
            };
            let mut line = serde_json::to_string(&doc).unwrap_or_default();
            line.push('\n');
            line
        }
        ExtractFormat::Brat => {
            // The annotations as they are, then each suggestion as an entity with a note
            // that says it is one.
            let mut doc = annotations.doc.clone();
            for m in &suggestions {
                let id = doc.add(text, vec![m.range], &label(m));
                doc.note(&id, "nomen suggestion");
            }
            doc.render(text)
        }
        ExtractFormat::Conll => {
            let annotated = Annotated {
                text: text.to_string(),
                ann: annotations.doc.clone(),
            };
            let (out, lost) = convert::write_conll(&annotated);
            for l in lost {
                eprintln!("nomen: {}: lost: {l}", path.display());
            }
            if !suggestions.is_empty() {
                eprintln!(
                    "nomen: {}: CoNLL holds the annotations only; {} suggestion(s) left out",
                    path.display(),
                    suggestions.len()
                );
            }
            out
        }
    }
}

/// `nomen check`'s lines for an annotated document, in document order: the `.ann`'s problems
/// first, then each annotation, each suggestion, and the consistency checks.
pub fn check_lines(
    path: &Path,
    text: &crate::text::Text,
    source: &str,
    mentions: &[Mention],
    diagnostics: Vec<crate::analysis::Diagnostic>,
    annotations: &Annotations,
) -> Vec<String> {
    let mut out: Vec<String> = (annotations.doc.problems().iter())
        .map(|p| {
            format!(
                "{}:{}:1: warning: {}",
                annotations.ann_path.display(),
                p.line + 1,
                p.message
            )
        })
        .collect();
    let mut items: Vec<(crate::text::TextSize, String)> = Vec::new();
    for e in annotations.doc.entities() {
        let start = e.spans[0].start();
        items.push((
            start,
            format!("annotation: {} — {} ({})", e.text, e.label, e.id),
        ));
    }
    for d in diagnostics {
        let line = if d.code == "entity" {
            let mention = mentions.iter().find(|m| m.range == d.range);
            let suggested = match mention {
                Some(m) => annotations.suggests(source, m),
                None => annotations.doc.overlapping(d.range).next().is_none(),
            };
            if !suggested {
                continue;
            }
            format!("suggestion: {}", d.message)
        } else {
            format!(
                "{}: {}",
                format!("{:?}", d.severity).to_lowercase(),
                d.message
            )
        };
        items.push((d.range.start(), line));
    }
    items.sort_by_key(|(start, _)| *start);
    for (start, line) in items {
        let lc = text.line_col(start, crate::text::Encoding::Utf32);
        out.push(format!(
            "{}:{}:{}: {line}",
            path.display(),
            lc.line + 1,
            lc.col + 1
        ));
    }
    out
}
